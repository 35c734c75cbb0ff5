/*
 * bench_fault.c - anonymous write-fault throughput, will-it-scale's
 * page_fault1 shape: map 128 MiB private anonymous memory, write one byte
 * to each page, unmap, repeat. Measured in mmsim's data mode (every fault
 * clears a 4 KiB frame) and metadata-only mode (no bytes move), beside
 * the host kernel doing the same in the same run and beside the physical
 * floor of a fault: clearing one 4 KiB page (memset), both swept over
 * 128 MiB (each page cold, as a fault's page is) and on one hot page.
 * Targets (issue 3): data mode <= 1.5x the cold clear per fault;
 * metadata-only <= 40 ns per fault. The simulated RAM is backed by the
 * host before timing. Host figures: reported, never asserted (best of
 * RUNS, which is what a loaded host can still show).
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
#define RUNS		9
#define HOST_RUNS	3	/* a host fault can cost tens of microseconds in a VM */

static mmsim_machine *boot(bool metadata_only)
{
	return bench_boot(metadata_only ? "mem=1G cpus=2 metadata_only=1" : "mem=1G cpus=2", true);
}

struct phases {
	double mmap_ns, touch_ns, munmap_ns;
};

/* One page_fault1 iteration in a simulated process: ns per fault, all phases. */
static double sim_round(mmsim_machine *m, int pid, struct phases *ph)
{
	struct mmsim_fault f;
	uint64_t t0, t1, t2, t3;
	int64_t addr;

	t0 = bench_now_ns();
	addr = mmsim_mmap(m, pid, 0, MAP_BYTES, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			  MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	t1 = bench_now_ns();
	if (addr < 0 || mmsim_touch(m, pid, (uint64_t)addr, MAP_BYTES, 1, &f)) {
		fprintf(stderr, "mmap/touch failed: %lld\n", (long long)addr);
		exit(1);
	}
	t2 = bench_now_ns();
	if (mmsim_munmap(m, pid, (uint64_t)addr, MAP_BYTES)) {
		fprintf(stderr, "munmap failed\n");
		exit(1);
	}
	t3 = bench_now_ns();
	ph->mmap_ns = (double)(t1 - t0) / NPAGES;
	ph->touch_ns = (double)(t2 - t1) / NPAGES;
	ph->munmap_ns = (double)(t3 - t2) / NPAGES;
	return (double)(t3 - t0) / NPAGES;
}

static double sim_best(bool metadata_only, struct phases *best_ph)
{
	mmsim_machine *m = boot(metadata_only);
	int pid = mmsim_spawn(m, "page_fault1");
	double best = 1e30;
	struct phases ph;

	if (pid < 0) {
		fprintf(stderr, "spawn failed: %d\n", pid);
		exit(1);
	}
	sim_round(m, pid, &ph);	/* first touch of the host's frames */
	for (int r = 0; r < RUNS; r++) {
		double ns = sim_round(m, pid, &ph);

		if (ns < best) {
			best = ns;
			*best_ph = ph;
		}
	}
	mmsim_shutdown(m);
	return best;
}

/* The host kernel: the same loop with real mmap/munmap. */
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

/* memset of each 4 KiB page of a 128 MiB buffer (already backed): a cold clear. */
static double clear_sweep_best(void)
{
	char *buf = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	double best = 1e30;

	if (buf == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(buf, 1, MAP_BYTES);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		double ns;

		for (unsigned long i = 0; i < NPAGES; i++) {
			memset(buf + i * PAGE, 0, PAGE);
			bench_sink(buf + i * PAGE);
		}
		ns = (double)(bench_now_ns() - t0) / NPAGES;
		if (ns < best)
			best = ns;
	}
	munmap(buf, MAP_BYTES);
	return best;
}

/* memset of one 4 KiB page again and again: the clear from the cache. */
static double clear_hot_best(void)
{
	static char page[PAGE] __attribute__((aligned(4096)));
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		double ns;

		for (unsigned long i = 0; i < NPAGES; i++) {
			memset(page, (int)i, PAGE);
			bench_sink(page);
		}
		ns = (double)(bench_now_ns() - t0) / NPAGES;
		if (ns < best)
			best = ns;
	}
	return best;
}

int main(void)
{
	struct phases pd, pm;
	double data = sim_best(false, &pd);
	double meta = sim_best(true, &pm);
	double host = host_best();
	double cold = clear_sweep_best();
	double hot = clear_hot_best();

	printf("page_fault1: 128 MiB private anonymous, write each page, munmap; per fault\n");
	bench_report("mmsim data mode, per fault", data, "clear 4 KiB page (cold)", cold);
	bench_report("mmsim data mode, per fault", data, "host kernel page_fault1", host);
	bench_report("mmsim metadata-only, per fault", meta, "host kernel page_fault1", host);
	bench_report("clear 4 KiB page (cold, 128 MiB sweep)", cold, "clear 4 KiB page (hot)", hot);
	printf("phases per page, data mode:     mmap %.2f  touch %.2f  munmap %.2f ns\n",
	       pd.mmap_ns, pd.touch_ns, pd.munmap_ns);
	printf("phases per page, metadata-only: mmap %.2f  touch %.2f  munmap %.2f ns\n",
	       pm.mmap_ns, pm.touch_ns, pm.munmap_ns);
	printf("targets: data <= 1.5x cold clear (%.2f ns): %s; metadata-only <= 40 ns: %s\n",
	       1.5 * cold, data <= 1.5 * cold ? "met" : "NOT met", meta <= 40 ? "met" : "NOT met");
	return 0;
}
