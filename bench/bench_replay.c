/*
 * bench_replay.c - trace replay speed, parsing excluded: accesses per
 * second of host time through mmsim_access_batch (target >= 20 million on
 * a TLB-friendly trace), beside the host touching the same addresses in
 * real mmap'd regions of the same layout, in the same run.
 *
 * Two traces:
 *  - "tlb-friendly": a synthetic loop of 8 instruction fetches over 16 KiB
 *    of code, 2 loads and a store in 64 KiB of data and a stack push/pop
 *    (32 pages in all: every access hits the simulated TLB once warm);
 *  - "sort": the shipped traces/sort.lackey.gz (a real program), read
 *    through `gzip -dc` and parsed before any timing.
 * For each: parse (reported, not part of the figure), lay out and replay
 * once cold (faults included), then the best of RUNS warm replays of the
 * pre-decoded accesses, and the same including the decoding of the
 * compact records (what `mmsim replay` does). The anchor replays the same
 * sequence on the host: one load (fetches and loads) or store (stores and
 * modifies) per access at the same offset in host regions laid out like
 * the simulated clusters, addresses computed before timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench_util.h"
#include "mmsim/mmsim.h"

#define RUNS		7
#define SYN_ACCESSES	(8 * 1000 * 1000)
#define BATCH		4096
#define CLUSTER_GAP	(64 << 10)

#ifndef MMSIM_TRACE_DIR
#define MMSIM_TRACE_DIR "traces"
#endif

static mmsim_machine *boot(void)
{
	return bench_boot("mem=1G cpus=2", false);
}

/* The TLB-friendly loop: 12 accesses a round over 32 pages. */
static mmsim_trace *synthetic(void)
{
	mmsim_trace *tr = mmsim_trace_new(0);
	const uint64_t code = 0x400000, data = 0x600000, sp = 0x7ff000000000ULL - 256;

	for (uint64_t i = 0, r = 0; i < SYN_ACCESSES; r++) {
		struct mmsim_access a[12];
		int n = 0;

		for (int k = 0; k < 8; k++)
			a[n++] = (struct mmsim_access){ code + (r * 32 + (uint64_t)k * 4) % 16384, 4,
							MMSIM_ACCESS_INSTR };
		a[n++] = (struct mmsim_access){ data + (r * 72) % 65536, 8, MMSIM_ACCESS_LOAD };
		a[n++] = (struct mmsim_access){ data + (r * 264 + 8) % 65536, 8, MMSIM_ACCESS_LOAD };
		a[n++] = (struct mmsim_access){ data + (r * 136 + 16) % 65536, 8, MMSIM_ACCESS_STORE };
		a[n++] = (struct mmsim_access){ sp - (r % 64) * 8, 8, MMSIM_ACCESS_MODIFY };
		if (mmsim_trace_add(tr, a, (size_t)n))
			exit(1);
		i += (uint64_t)n;
	}
	return tr;
}

/* The shipped trace, parsed: NULL if it cannot be read (the figure is skipped). */
static mmsim_trace *shipped(double *parse_ns)
{
	char cmd[512], buf[1 << 16], err[512];
	mmsim_trace *tr = mmsim_trace_new(0);
	uint64_t t0, spent = 0;
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s/sort.lackey.gz' 2>/dev/null", MMSIM_TRACE_DIR);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		t0 = bench_now_ns();
		if (mmsim_trace_parse(tr, buf, n, err, sizeof(err)))
			break;
		spent += bench_now_ns() - t0;
	}
	if (pclose(p) || mmsim_trace_parse_end(tr, err, sizeof(err))) {
		mmsim_trace_free(tr);
		return NULL;
	}
	*parse_ns = (double)spent;
	return tr;
}

static struct mmsim_access *decode(const mmsim_trace *tr, size_t *n)
{
	struct mmsim_trace_info info;
	struct mmsim_trace_cursor c;
	struct mmsim_access *a;

	mmsim_trace_info(tr, &info);
	a = malloc(info.accesses * sizeof(*a));
	if (!a)
		exit(1);
	mmsim_trace_rewind(&c);
	*n = mmsim_trace_next(tr, &c, a, info.accesses);
	return a;
}

/* One replay of the decoded accesses; signals are counted, not fatal. */
static double replay_decoded(mmsim_machine *m, int pid, const struct mmsim_access *a, size_t n)
{
	struct mmsim_fault f;
	uint64_t t0 = bench_now_ns();
	size_t done;

	for (size_t i = 0; i < n;) {
		size_t k = n - i < BATCH ? n - i : BATCH;

		if (mmsim_access_batch(m, pid, a + i, k, &done, &f) == 0)
			i += k;
		else
			i += done + 1;
	}
	return (double)(bench_now_ns() - t0);
}

/* The same, decoding the compact records batch by batch as `mmsim replay` does. */
static double replay_cursor(mmsim_machine *m, int pid, const mmsim_trace *tr)
{
	static struct mmsim_access buf[BATCH];
	struct mmsim_trace_cursor c;
	struct mmsim_fault f;
	uint64_t t0 = bench_now_ns();
	size_t n, done;

	mmsim_trace_rewind(&c);
	while ((n = mmsim_trace_next(tr, &c, buf, BATCH)) > 0)
		for (size_t i = 0; i < n; i += done + 1)
			if (mmsim_access_batch(m, pid, buf + i, n - i, &done, &f) == 0)
				break;
	return (double)(bench_now_ns() - t0);
}

/* ---- the host anchor ---- */

struct host_access {
	uint64_t *p;
	int write;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Host regions laid out like the simulated clusters (pages 64 KiB apart or
 * less share one), and each access's host address, 8-byte aligned inside
 * its page so that a word load or store is legal.
 */
static struct host_access *host_layout(const struct mmsim_access *a, size_t n)
{
	uint64_t *pages = malloc(n * sizeof(*pages)), *base_sim, lo;
	char **base_host;
	struct host_access *h = malloc(n * sizeof(*h));
	size_t np = 0, nc = 0;

	for (size_t i = 0; i < n; i++)
		pages[i] = a[i].addr & ~4095ULL;
	qsort(pages, n, sizeof(*pages), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (!np || pages[np - 1] != pages[i])
			pages[np++] = pages[i];
	base_sim = malloc(np * sizeof(*base_sim));
	base_host = malloc(np * sizeof(*base_host));
	lo = pages[0];
	for (size_t i = 1; i <= np; i++) {
		if (i < np && pages[i] - pages[i - 1] < CLUSTER_GAP)
			continue;
		size_t len = (size_t)(pages[i - 1] + 4096 - lo);
		char *r = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (r == MAP_FAILED)
			exit(1);
		madvise(r, len, MADV_NOHUGEPAGE);	/* 4 KiB pages, as simulated */
		memset(r, 1, len);
		base_sim[nc] = lo;
		base_host[nc++] = r;
		if (i < np)
			lo = pages[i];
	}
	for (size_t i = 0; i < n; i++) {
		size_t c = nc - 1;

		while (base_sim[c] > a[i].addr)
			c--;
		h[i].p = (uint64_t *)(base_host[c] + ((a[i].addr - base_sim[c]) & ~7ULL));
		h[i].write = a[i].kind == MMSIM_ACCESS_STORE || a[i].kind == MMSIM_ACCESS_MODIFY;
	}
	free(pages);
	free(base_sim);
	free(base_host);
	return h;
}

static double host_replay(const struct host_access *h, size_t n)
{
	uint64_t t0 = bench_now_ns(), sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (h[i].write)
			*h[i].p = i;
		else
			sum += *h[i].p;
	}
	bench_sink(&sum);
	return (double)(bench_now_ns() - t0);
}

static void bench_trace(const char *name, mmsim_trace *tr, double parse_ns)
{
	mmsim_machine *m = boot();
	int pid = mmsim_spawn(m, name);
	size_t n;
	struct mmsim_access *a = decode(tr, &n);
	struct host_access *h = host_layout(a, n);
	struct mmsim_mmu_stats st;
	double cold, best = 1e30, best_cur = 1e30, host = 1e30;
	char err[256], what[96];

	if (pid < 0 || mmsim_trace_map(m, pid, tr, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		exit(1);
	}
	cold = replay_decoded(m, pid, a, n);
	for (int r = 0; r < RUNS; r++) {
		double t = replay_decoded(m, pid, a, n), tc = replay_cursor(m, pid, tr);
		double th = host_replay(h, n);

		best = t < best ? t : best;
		best_cur = tc < best_cur ? tc : best_cur;
		host = th < host ? th : host;
	}
	mmsim_mmu_stats(m, -1, &st);
	printf("%s: %zu accesses; TLB hit rate %.4f over all runs\n", name, n,
	       (double)st.tlb_hits / (double)(st.tlb_hits + st.tlb_misses));
	if (parse_ns > 0)
		printf("  parse (lackey text -> records): %.1f M lines/s (not in the figures)\n",
		       (double)n / parse_ns * 1e3);
	printf("  replay, first run (faults):   %7.1f M accesses/s\n", (double)n / cold * 1e3);
	printf("  replay, warm:                 %7.1f M accesses/s   (target >= 20)\n",
	       (double)n / best * 1e3);
	printf("  replay, warm, with decoding:  %7.1f M accesses/s\n", (double)n / best_cur * 1e3);
	printf("  host, same addresses:         %7.1f M accesses/s\n", (double)n / host * 1e3);
	snprintf(what, sizeof(what), "%s: replay an access, warm", name);
	bench_report(what, best / (double)n, "host load/store", host / (double)n);
	free(a);
	free(h);
	mmsim_shutdown(m);
}

int main(void)
{
	mmsim_trace *syn = synthetic(), *sort;
	double parse_ns = 0;

	bench_trace("tlb-friendly", syn, 0);
	mmsim_trace_free(syn);
	sort = shipped(&parse_ns);
	if (sort) {
		bench_trace("sort", sort, parse_ns);
		mmsim_trace_free(sort);
	} else {
		printf("sort: %s/sort.lackey.gz not readable; skipped\n", MMSIM_TRACE_DIR);
	}
	return 0;
}
