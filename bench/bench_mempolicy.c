/*
 * bench_mempolicy.c - what a NUMA policy adds to an anonymous write fault:
 * bench_fault's page_fault1 shape (map 128 MiB private anonymous, write
 * one byte per page, unmap) on a 4-node machine in metadata-only mode (so
 * the policy's work is not hidden under page clearing), with the default
 * policy, process interleave over the four nodes, bind to two nodes and a
 * VMA interleave set by mbind; beside the host kernel doing the same
 * loop in the same run (its default policy; the host has one node). Per
 * fault, best of RUNS. Reported, never asserted.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench_util.h"
#include "mm.h"
#include "mmsim/mmsim.h"


#define MAP_BYTES	(128UL << 20)
#define PAGE		4096UL
#define NPAGES		(MAP_BYTES / PAGE)
#define RUNS		7
#define HOST_RUNS	3

enum how { DEFAULT, INTERLEAVE, BIND, VMA_INTERLEAVE };

static mmsim_machine *boot(void)
{
	return bench_boot("mem=2G nodes=4 cpus=4 metadata_only=1", true);
}

static double sim_round(mmsim_machine *m, int pid, enum how how)
{
	unsigned long all = 0xf;
	struct mmsim_fault f;
	uint64_t t0 = bench_now_ns();
	int64_t addr = mmsim_mmap(m, pid, 0, MAP_BYTES, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
				  MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);

	if (addr < 0 ||
	    (how == VMA_INTERLEAVE &&
	     mmsim_mbind(m, pid, (uint64_t)addr, MAP_BYTES, MMSIM_MPOL_INTERLEAVE, &all, 65, 0)) ||
	    mmsim_touch(m, pid, (uint64_t)addr, MAP_BYTES, 1, &f) ||
	    mmsim_munmap(m, pid, (uint64_t)addr, MAP_BYTES)) {
		fprintf(stderr, "round failed (policy %d)\n", how);
		exit(1);
	}
	return (double)(bench_now_ns() - t0) / NPAGES;
}

static double sim_best(enum how how, long *interleaved)
{
	mmsim_machine *m = boot();
	int pid = mmsim_spawn(m, "page_fault1");
	unsigned long all = 0xf, two = 0x6;
	struct mmsim_counter c[512];
	double best = 1e30;
	size_t n;

	if (pid < 0)
		exit(1);
	if (how == INTERLEAVE)
		mmsim_set_mempolicy(m, pid, MMSIM_MPOL_INTERLEAVE, &all, 65);
	else if (how == BIND)
		mmsim_set_mempolicy(m, pid, MMSIM_MPOL_BIND, &two, 65);
	sim_round(m, pid, how);
	for (int r = 0; r < RUNS; r++) {
		double ns = sim_round(m, pid, how);

		if (ns < best)
			best = ns;
	}
	n = mmsim_vmstat(m, c, 512);
	for (size_t i = 0; i < n && i < 512; i++)
		if (!strcmp(c[i].name, "numa_interleave"))
			*interleaved = (long)c[i].value;
	mmsim_shutdown(m);
	return best;
}

static double host_best(void)
{
	double best = 1e30;

	for (int r = 0; r < HOST_RUNS + 1; r++) {
		uint64_t t0 = bench_now_ns();
		char *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double ns;

		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		for (unsigned long i = 0; i < NPAGES; i++)
			p[i * PAGE] = 1;
		munmap(p, MAP_BYTES);
		ns = (double)(bench_now_ns() - t0) / NPAGES;
		if (r && ns < best)
			best = ns;
	}
	return best;
}

int main(void)
{
	long il_default = 0, il_task = 0, il_bind = 0, il_vma = 0;
	double def = sim_best(DEFAULT, &il_default);
	double task = sim_best(INTERLEAVE, &il_task);
	double bind = sim_best(BIND, &il_bind);
	double vma = sim_best(VMA_INTERLEAVE, &il_vma);
	double host = host_best();

	printf("page_fault1 on 4 nodes, metadata-only: 128 MiB, write each page, munmap; "
	       "per fault\n");
	bench_report("mmsim default (local) policy", def, "host kernel page_fault1", host);
	bench_report("mmsim set_mempolicy interleave 0-3", task, "mmsim default policy", def);
	bench_report("mmsim set_mempolicy bind 1-2", bind, "mmsim default policy", def);
	bench_report("mmsim mbind interleave 0-3", vma, "mmsim default policy", def);
	bench_report("mmsim set_mempolicy interleave 0-3", task, "host kernel page_fault1", host);
	printf("numa_interleave after the runs: default %ld, task interleave %ld, "
	       "vma interleave %ld (of %lu faults each)\n", il_default, il_task, il_vma,
	       (RUNS + 1) * NPAGES);
	return 0;
}
