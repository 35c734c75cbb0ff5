/*
 * bench_vmalloc.c - vmalloc + vfree of 64 KiB and 1 MiB in the simulated
 * kernel (pages one by one, init_mm page tables, lazy purges amortised in),
 * beside anchors measured in the same run on the host: glibc malloc + free
 * of the same size, and mmap(MAP_POPULATE) + munmap, which, like vmalloc,
 * takes every page and maps it. Each figure is the best of several runs.
 * Not a test: figures are reported, never asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bench_util.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "vmalloc.h"

#define RUNS	5

DEFINE_VM_CALLER(caller_bench, "bench_vmalloc", 0x10, 0x80);

static struct machine *bm;

static double vmalloc_ns(size_t size, unsigned long iters)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned long i = 0; i < iters; i++) {
			unsigned long v = vmalloc(bm, size, &caller_bench);

			if (!v)
				abort();
			vfree(bm, v);
		}
		best = min(best, (double)(bench_now_ns() - t0) / (double)iters);
	}
	return best;
}

static double malloc_ns(size_t size, unsigned long iters)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned long i = 0; i < iters; i++) {
			void *p = glibc_malloc(size);

			bench_sink(p);
			glibc_free(p);
		}
		best = min(best, (double)(bench_now_ns() - t0) / (double)iters);
	}
	return best;
}

static double mmap_ns(size_t size, unsigned long iters)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned long i = 0; i < iters; i++) {
			void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

			if (p == MAP_FAILED)
				abort();
			bench_sink(p);
			munmap(p, size);
		}
		best = min(best, (double)(bench_now_ns() - t0) / (double)iters);
	}
	return best;
}

int main(void)
{
	static const struct { size_t size; unsigned long iters; const char *name; } cases[] = {
		{ 64 << 10, 20000, "64K" }, { 1 << 20, 2000, "1M" },
	};
	char err[256], what[64], anchor[64];
	mmsim_config *cfg = mmsim_config_new();

	mmsim_config_set(cfg, "mem", "1G", err, sizeof(err));
	bm = mmsim_boot(cfg, err, sizeof(err));
	mmsim_config_free(cfg);
	if (!bm) {
		fprintf(stderr, "bench_vmalloc: %s\n", err);
		return 1;
	}
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double v = vmalloc_ns(cases[c].size, cases[c].iters);

		snprintf(what, sizeof(what), "mmsim vmalloc+vfree %s", cases[c].name);
		snprintf(anchor, sizeof(anchor), "glibc malloc+free %s", cases[c].name);
		bench_report(what, v, anchor, malloc_ns(cases[c].size, cases[c].iters));
		snprintf(anchor, sizeof(anchor), "host mmap(POPULATE)+munmap %s", cases[c].name);
		bench_report(what, v, anchor, mmap_ns(cases[c].size, cases[c].iters));
	}
	mmsim_shutdown(bm);
	return 0;
}
