/*
 * bench_page_alloc.c - the page allocator's speed beside glibc in the same
 * run: order-0 alloc+free pairs through the per-CPU lists (target <= 15 ns
 * per pair), a batch of 4096 order-0 allocations then frees (refill and
 * spill through the buddy lists), and mixed orders 0-3 and 9 - each beside
 * malloc/free of the same bytes. Host figures: reported, never asserted.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "mm.h"
#include "mmsim/mmsim.h"

#define PAIRS	(10 * 1000 * 1000)
#define BATCH	4096
#define ROUNDS	500
#define RUNS	5

static struct machine *boot(void)
{
	return bench_boot("mem=4G cpus=2", false);
}

static double best_of(double (*fn)(void *), void *arg)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		double ns = fn(arg);

		if (ns < best)
			best = ns;
	}
	return best;
}

static double pairs_pages(void *arg)
{
	struct machine *m = arg;
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < PAIRS; i++) {
		struct page *p = alloc_pages(m, GFP_KERNEL, 0);

		bench_sink(p);
		__free_pages(m, p, 0);
	}
	return (double)(bench_now_ns() - t0) / PAIRS;
}

static double pairs_malloc(void *arg)
{
	uint64_t t0 = bench_now_ns();

	(void)arg;
	for (int i = 0; i < PAIRS; i++) {
		void *p = glibc_malloc(4096);

		bench_sink(p);
		glibc_free(p);
	}
	return (double)(bench_now_ns() - t0) / PAIRS;
}

static void *slots[BATCH];

static double batch_pages(void *arg)
{
	struct machine *m = arg;
	uint64_t t0 = bench_now_ns();

	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++)
			slots[i] = alloc_pages(m, GFP_KERNEL, 0);
		for (int i = 0; i < BATCH; i++)
			__free_pages(m, slots[i], 0);
	}
	return (double)(bench_now_ns() - t0) / ((double)ROUNDS * BATCH);
}

static double batch_malloc(void *arg)
{
	uint64_t t0 = bench_now_ns();

	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++)
			slots[i] = glibc_malloc(4096);
		for (int i = 0; i < BATCH; i++)
			glibc_free(slots[i]);
	}
	return (double)(bench_now_ns() - t0) / ((double)ROUNDS * BATCH);
}

static const unsigned int mixed_orders[16] = { 0, 1, 0, 2, 0, 3, 0, 1, 9, 0, 2, 0, 1, 0, 3, 4 };
static unsigned int orders_of[BATCH];

static double mixed_pages(void *arg)
{
	struct machine *m = arg;
	uint64_t t0 = bench_now_ns();
	const int n = 512;

	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < n; i++) {
			orders_of[i] = mixed_orders[(i + r) & 15];
			slots[i] = alloc_pages(m, GFP_KERNEL, orders_of[i]);
		}
		for (int i = 0; i < n; i++)
			__free_pages(m, slots[i], orders_of[i]);
	}
	return (double)(bench_now_ns() - t0) / ((double)ROUNDS * n);
}

static double mixed_malloc(void *arg)
{
	uint64_t t0 = bench_now_ns();
	const int n = 512;

	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < n; i++)
			slots[i] = glibc_malloc(4096UL << mixed_orders[(i + r) & 15]);
		for (int i = 0; i < n; i++)
			glibc_free(slots[i]);
	}
	return (double)(bench_now_ns() - t0) / ((double)ROUNDS * n);
}

int main(void)
{
	struct machine *m = boot();

	/*
	 * Keep glibc from returning memory to the host (heap trim) or using
	 * mmap for big blocks: otherwise its anchor measures the host's system
	 * calls (~10 us traps here), not allocator work.
	 */
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TOP_PAD, 64 << 20);

	bench_report("page_alloc order-0 alloc+free pair (pcp)", best_of(pairs_pages, m),
		     "malloc(4096)+free", best_of(pairs_malloc, NULL));
	bench_report("page_alloc order-0 4096 allocs then frees, per page",
		     best_of(batch_pages, m), "malloc(4096) batch", best_of(batch_malloc, NULL));
	bench_report("page_alloc mixed orders 0-4,9 alloc+free, per block",
		     best_of(mixed_pages, m), "malloc(4K<<order)", best_of(mixed_malloc, NULL));
	if (mmsim_check(m))
		fprintf(stderr, "bench_page_alloc: validators found problems\n");
	mmsim_shutdown(m);
	return 0;
}
