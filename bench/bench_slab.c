/*
 * bench_slab.c - 64-byte object alloc/free through a kmem_cache, single
 * pairs and batches (alloc 1M then free 1M), beside glibc malloc and (when
 * libmimalloc-dev is installed) mimalloc in the same run. Each figure is the
 * best of several runs. Not a test: figures are reported, never asserted.
 *
 * The machine is booted through the public API; the slab calls are the
 * library's internal ones, as a kernel caller would make them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#ifdef HAVE_MIMALLOC
#include <mimalloc.h>
#endif

#define PAIRS	10000000UL
#define BATCH	1000000UL
#define RUNS	5

static void **batch;

typedef void *(*alloc_fn)(void *ctx);
typedef void (*free_fn)(void *ctx, void *p);

static struct machine *bm;
static struct kmem_cache *bcache;

static void *slab_alloc64(void *ctx) { (void)ctx; return kmem_cache_alloc(bm, bcache, GFP_KERNEL); }
static void slab_free64(void *ctx, void *p) { (void)ctx; kmem_cache_free(bm, bcache, p); }
static void *glibc_alloc64(void *ctx) { (void)ctx; return glibc_malloc(64); }
static void glibc_free64(void *ctx, void *p) { (void)ctx; glibc_free(p); }
#ifdef HAVE_MIMALLOC
static void *mi_alloc64(void *ctx) { (void)ctx; return mi_malloc(64); }
static void mi_free64(void *ctx, void *p) { (void)ctx; mi_free(p); }
#endif

static double pairs_ns(alloc_fn a, free_fn f)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned long i = 0; i < PAIRS; i++) {
			void *p = a(NULL);

			bench_sink(p);
			f(NULL, p);
		}
		best = min(best, (double)(bench_now_ns() - t0) / PAIRS);
	}
	return best;
}

/* Per object: alloc 1M, then free the 1M, timed together. */
static double batch_ns(alloc_fn a, free_fn f)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned long i = 0; i < BATCH; i++)
			batch[i] = a(NULL);
		for (unsigned long i = 0; i < BATCH; i++)
			f(NULL, batch[i]);
		best = min(best, (double)(bench_now_ns() - t0) / BATCH);
	}
	return best;
}

int main(void)
{
	char err[256];
	mmsim_config *cfg = mmsim_config_new();
	double slab, glibc, peer;

	if (mmsim_config_set(cfg, "mem", "1G", err, sizeof(err)) ||
	    mmsim_config_set(cfg, "cpus", "2", err, sizeof(err))) {
		fprintf(stderr, "bench_slab: %s\n", err);
		return 1;
	}
	bm = mmsim_boot(cfg, err, sizeof(err));
	mmsim_config_free(cfg);
	if (!bm) {
		fprintf(stderr, "bench_slab: boot: %s\n", err);
		return 1;
	}
	bcache = kmem_cache_create(bm, "bench64", 64, 0, 0, NULL);
	batch = malloc(BATCH * sizeof(*batch));
	if (!bcache || !batch) {
		fprintf(stderr, "bench_slab: setup failed\n");
		return 1;
	}
	printf("bench_slab: 64-byte objects%s\n",
	       MMSIM_DEBUG_VM ? " (debug build: poison and free checks on, not representative)" : "");

	slab = pairs_ns(slab_alloc64, slab_free64);
	glibc = pairs_ns(glibc_alloc64, glibc_free64);
	bench_report("kmem_cache_alloc+free 64B pair", slab, "glibc malloc+free 64B", glibc);
#ifdef HAVE_MIMALLOC
	peer = pairs_ns(mi_alloc64, mi_free64);
	bench_report("kmem_cache_alloc+free 64B pair", slab, "mimalloc 64B", peer);
#endif
	slab = batch_ns(slab_alloc64, slab_free64);
	glibc = batch_ns(glibc_alloc64, glibc_free64);
	bench_report("kmem_cache 64B batch 1M alloc+1M free /obj", slab, "glibc batch /obj", glibc);
#ifdef HAVE_MIMALLOC
	peer = batch_ns(mi_alloc64, mi_free64);
	bench_report("kmem_cache 64B batch 1M alloc+1M free /obj", slab, "mimalloc batch /obj", peer);
#endif
	(void)peer;
	kmem_cache_destroy(bm, bcache);
	free(batch);
	mmsim_shutdown(bm);
	return 0;
}
