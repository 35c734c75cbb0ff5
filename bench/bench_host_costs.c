/*
 * bench_host_costs.c - the cost model's figures (kernel/timer.c's table)
 * beside what the same work costs on this host, measured now: a null
 * system call, a first-touch anonymous write fault, clearing and copying
 * 4 KiB, an access to a hot page and to cold pages (a TLB walk), munmap of
 * populated memory, fork (fixed part and per page of a 256 MiB process),
 * fork+exec. Best of a few runs. The model is a bare-metal machine; on a
 * virtual machine the trapping operations (syscalls, faults, fork) cost
 * many times more, which is why the table does not simply copy these.
 * Reported, never asserted.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "timer.h"

#define MB		(1UL << 20)
#define PAGE		4096UL
#define MAP_LEN		(256 * MB)
#define NPAGES		(MAP_LEN / PAGE)
#define RUNS		3

#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE 15
#endif

static double host[NR_SIM_COSTS];	/* ns, 0: not measured */

static char *map_anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, len, MADV_NOHUGEPAGE);	/* 4 KiB pages, as the model */
	return p;
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

static void measure_syscall(void)
{
	double best = 1e18;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t = bench_now_ns();

		for (int i = 0; i < 200000; i++)
			syscall(SYS_getppid);
		best = min_d(best, (double)(bench_now_ns() - t) / 200000);
	}
	host[COST_SYSCALL] = best;
}

/* Faults, clearing, accesses and munmap over one 256 MiB mapping. */
static void measure_faults(void)
{
	double fault = 1e18, hot = 1e18, cold = 1e18, unmap = 1e18;

	for (int r = 0; r < RUNS; r++) {
		char *p = map_anon(MAP_LEN);
		uint64_t t = bench_now_ns();

		for (size_t i = 0; i < NPAGES; i++)
			p[i * PAGE] = 1;
		fault = min_d(fault, (double)(bench_now_ns() - t) / NPAGES);
		t = bench_now_ns();
		for (size_t i = 0; i < NPAGES; i++)
			p[i * PAGE]++;
		cold = min_d(cold, (double)(bench_now_ns() - t) / NPAGES);
		t = bench_now_ns();
		for (int k = 0; k < 10000; k++)
			for (size_t i = 0; i < 16; i++)
				((volatile char *)p)[i * PAGE]++;
		hot = min_d(hot, (double)(bench_now_ns() - t) / 160000);
		t = bench_now_ns();
		munmap(p, MAP_LEN);
		unmap = min_d(unmap, (double)(bench_now_ns() - t) / NPAGES);
	}
	host[COST_FAULT] = fault;	/* including the page clear: compare with fault + page_alloc */
	host[COST_USER_ACCESS] = hot;
	host[COST_TLB_WALK] = cold;
	host[COST_PAGE_FREE] = unmap;
}

static void measure_memory(void)
{
	char *a = map_anon(MAP_LEN), *b = map_anon(MAP_LEN);
	double clear = 1e18, copy = 1e18;

	memset(a, 1, MAP_LEN);
	memset(b, 2, MAP_LEN);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t = bench_now_ns();

		for (size_t i = 0; i < NPAGES; i++)
			memset(b + i * PAGE, 0, PAGE);
		clear = min_d(clear, (double)(bench_now_ns() - t) / NPAGES);
		t = bench_now_ns();
		for (size_t i = 0; i < NPAGES; i++)
			memcpy(b + i * PAGE, a + i * PAGE, PAGE);
		copy = min_d(copy, (double)(bench_now_ns() - t) / NPAGES);
	}
	bench_sink(b);
	host[COST_PAGE_ALLOC] = clear;
	host[COST_BYTE_COPY] = copy / 4;	/* per KiB */
	munmap(a, MAP_LEN);
	munmap(b, MAP_LEN);
}

/* fork+exit+wait of this (small) process; of it with 256 MiB touched; fork+exec. */
static void measure_fork(void)
{
	double small = 1e18, big = 1e18, exec = 1e18;
	char *p;

	for (int r = 0; r < 20; r++) {
		uint64_t t = bench_now_ns();
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		waitpid(c, NULL, 0);
		small = min_d(small, (double)(bench_now_ns() - t));
	}
	p = map_anon(MAP_LEN);
	memset(p, 1, MAP_LEN);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t = bench_now_ns();
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		waitpid(c, NULL, 0);
		big = min_d(big, (double)(bench_now_ns() - t));
	}
	munmap(p, MAP_LEN);
	for (int r = 0; r < 10; r++) {
		uint64_t t = bench_now_ns();
		pid_t c = fork();

		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(1);
		}
		waitpid(c, NULL, 0);
		exec = min_d(exec, (double)(bench_now_ns() - t));
	}
	host[COST_FORK] = small;	/* fork + exit + wait */
	host[COST_FORK_PTE] = big > small ? (big - small) / NPAGES : 0;
	host[COST_EXEC] = exec > small ? exec - small : 0;
}

int main(void)
{
	static const char *const notes[NR_SIM_COSTS] = {
		[COST_FAULT] = "host figure includes the 4 KiB clear (model: fault + page_alloc)",
		[COST_PAGE_ALLOC] = "host: memset of a cold 4 KiB page",
		[COST_PAGE_FREE] = "host: munmap of populated memory, per page",
		[COST_TLB_WALK] = "host: an access to a cold page (walk + cache miss)",
		[COST_BYTE_COPY] = "host: memcpy of cold 4 KiB pages / 4",
		[COST_FORK] = "host: fork + exit + wait of a small process",
		[COST_FORK_PTE] = "host: (fork of 256 MiB touched - small fork) / pages",
		[COST_EXEC] = "host: fork + exec(/bin/true) + wait - small fork",
	};

	measure_syscall();
	measure_faults();
	measure_memory();
	measure_fork();
	printf("%-14s %12s %14s %8s  %s\n", "cost", "model ns", "this host ns", "ratio", "note");
	for (int i = 0; i < NR_SIM_COSTS; i++) {
		double model = (double)sim_costs[i].ns;

		if (host[i] > 0)
			printf("%-14s %12.0f %14.1f %8.2f  %s\n", sim_costs[i].name, model, host[i],
			       host[i] / model, notes[i] ? notes[i] : "");
		else
			printf("%-14s %12.0f %14s %8s  not measured here\n", sim_costs[i].name, model,
			       "-", "-");
	}
	return 0;
}
