/*
 * layout.c - the address space a trace reveals (mmsim_trace_map): a lackey
 * trace names addresses, not mappings, so the replay maps what the accesses
 * show, by one rule (docs/replay.md):
 *
 *  1. Every page an access touches (all of them when it straddles pages)
 *     gets flags: X if an instruction is fetched from it, W if data is
 *     stored or modified in it, R if data is loaded from it. Pages below
 *     vm.mmap_min_addr or at and above TASK_SIZE (2^47 - 4096) are left out:
 *     Linux maps nothing there, so their accesses fault (SIGSEGV) in replay.
 *  2. Sorted by address, pages less than CLUSTER_GAP pages apart form a
 *     cluster (an ELF image, the heap, a library, the stack).
 *  3. The highest cluster, if it is not the only one and holds no code,
 *     is the stack: one MAP_GROWSDOWN rw- mapping from the page of its
 *     first access (in trace order) to its top, so deeper accesses grow it
 *     through the fault path as a real stack grows. If growing could not
 *     reach the cluster's bottom (RLIMIT_STACK, or another cluster within
 *     the stack guard gap) the whole cluster is mapped instead.
 *  4. Every other cluster is cut into runs of equal protection, each
 *     mapped MAP_FIXED | MAP_ANONYMOUS: r-x where code is fetched (rwx if
 *     also written), rw- where data is written, r-- where it is only read.
 *     Untouched pages inside a cluster take the protection of the touched
 *     page before them. Written runs are MAP_PRIVATE | MAP_NORESERVE (see
 *     map_range; adjacent ones merge
 *     into one VMA, as Linux merges them). Runs never written (code,
 *     read-only data) are MAP_SHARED: shmem pages standing in for the
 *     program's file pages until mmsim has a page cache of real files. A
 *     read of them allocates a page that counts in RSS (RssShmem), as a
 *     file page would (RssFile); a private anonymous mapping would map the
 *     shared zero page instead and show no RSS for the code at all.
 *
 * MAP_FIXED replaces whatever the spawned program image had there. The
 * page table here is host memory (tooling state), freed before returning.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define PAGE_SHIFT_T	12
#define CLUSTER_GAP	16			/* pages: 64 KiB */
#define USER_TOP_VPN	(((1ULL << 47) >> PAGE_SHIFT_T) - 1)	/* TASK_SIZE_L4: its last page is not user */
#define STACK_LIMIT	(8ULL << 20 >> PAGE_SHIFT_T)	/* RLIMIT_STACK, pages */
#define GUARD_GAP	256			/* stack_guard_gap, pages */
#define BATCH		4096

enum { PG_R = 1, PG_W = 2, PG_X = 4 };

struct tpage {
	uint64_t vpn;
	uint64_t first;		/* index of the first access touching it */
	unsigned int flags;
};

/* An open-addressing set of pages; vpn 0 is never stored (below mmap_min_addr). */
struct page_set {
	struct tpage *slot;
	size_t mask, used;
};

static inline size_t hash_vpn(uint64_t vpn)
{
	return (size_t)((vpn * 0x9e3779b97f4a7c15ULL) >> 20);
}

static int set_grow(struct page_set *s)
{
	size_t cap = s->slot ? (s->mask + 1) * 2 : 4096;
	struct tpage *ns = calloc(cap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; s->slot && i <= s->mask; i++) {
		size_t j = hash_vpn(s->slot[i].vpn) & (cap - 1);

		if (!s->slot[i].vpn)
			continue;
		while (ns[j].vpn)
			j = (j + 1) & (cap - 1);
		ns[j] = s->slot[i];
	}
	free(s->slot);
	s->slot = ns;
	s->mask = cap - 1;
	return 0;
}

static int set_mark(struct page_set *s, uint64_t vpn, uint64_t index, unsigned int flags)
{
	size_t j;

	if ((!s->slot || 2 * (s->used + 1) > s->mask + 1) && set_grow(s))
		return -ENOMEM;
	for (j = hash_vpn(vpn) & s->mask; s->slot[j].vpn; j = (j + 1) & s->mask) {
		if (s->slot[j].vpn == vpn) {
			s->slot[j].flags |= flags;
			return 0;
		}
	}
	s->slot[j] = (struct tpage){ vpn, index, flags };
	s->used++;
	return 0;
}

static unsigned int access_flags(unsigned int kind)
{
	switch (kind) {
	case MMSIM_ACCESS_INSTR: return PG_X;
	case MMSIM_ACCESS_LOAD: return PG_R;
	default: return PG_W;
	}
}

/* Rule 1: the pages of every access, with their flags and first use. */
static int collect_pages(const mmsim_trace *tr, uint64_t min_vpn, struct page_set *s)
{
	struct mmsim_access a[BATCH];
	struct mmsim_trace_cursor c;
	uint64_t index = 0;
	size_t n;

	mmsim_trace_rewind(&c);
	while ((n = mmsim_trace_next(tr, &c, a, BATCH)) > 0) {
		for (size_t i = 0; i < n; i++, index++) {
			uint64_t vpn = a[i].addr >> PAGE_SHIFT_T;
			uint64_t last = (a[i].addr + a[i].size - 1) >> PAGE_SHIFT_T;

			for (; vpn <= last; vpn++)
				if (vpn >= min_vpn && vpn < USER_TOP_VPN &&
				    set_mark(s, vpn, index, access_flags(a[i].kind)))
					return -ENOMEM;
		}
	}
	return 0;
}

static int cmp_vpn(const void *a, const void *b)
{
	const struct tpage *x = a, *y = b;

	return x->vpn < y->vpn ? -1 : x->vpn > y->vpn;
}

static int prot_of(unsigned int flags)
{
	if (flags & PG_X)
		return MMSIM_PROT_READ | MMSIM_PROT_EXEC | ((flags & PG_W) ? MMSIM_PROT_WRITE : 0);
	if (flags & PG_W)
		return MMSIM_PROT_READ | MMSIM_PROT_WRITE;
	return MMSIM_PROT_READ;
}

struct mapper {
	mmsim_machine *m;
	int pid;
	int made;
	int ret;		/* the failed mmap's -errno */
	char *err;
	size_t errlen;
};

/*
 * Never-written runs stand in for the program's files: shmem (see the top).
 * Written runs are MAP_NORESERVE: one mapping here stands for the many
 * brk/mmap calls that built it, each of which the overcommit heuristic
 * would have let through, so a trace larger than the machine ends in the
 * fault path (out of memory), as the program's run would, not in mmap.
 */
static int map_range(struct mapper *mp, uint64_t vpn, uint64_t end, int prot, int extra)
{
	int share = (prot & MMSIM_PROT_WRITE) ? MMSIM_MAP_PRIVATE | MMSIM_MAP_NORESERVE
					      : MMSIM_MAP_SHARED;
	int64_t r = mmsim_mmap(mp->m, mp->pid, vpn << PAGE_SHIFT_T, (end - vpn) << PAGE_SHIFT_T,
			       prot, share | MMSIM_MAP_ANONYMOUS | MMSIM_MAP_FIXED | extra, -1, 0);

	if (r < 0) {
		trace_err(mp->err, mp->errlen, "mmap of %#llx-%#llx failed: %s",
			  (unsigned long long)(vpn << PAGE_SHIFT_T),
			  (unsigned long long)(end << PAGE_SHIFT_T), strerror((int)-r));
		mp->ret = (int)r;
		return -1;
	}
	mp->made++;
	return 0;
}

/* Rule 4: runs of equal protection inside pages [lo, hi) of the sorted array. */
static int map_cluster(struct mapper *mp, const struct tpage *pg, size_t lo, size_t hi)
{
	uint64_t start = pg[lo].vpn;
	int prot = prot_of(pg[lo].flags);

	for (size_t i = lo + 1; i < hi; i++) {
		int p = prot_of(pg[i].flags);

		if (p == prot)
			continue;
		if (map_range(mp, start, pg[i].vpn, prot, 0))
			return -1;
		start = pg[i].vpn;
		prot = p;
	}
	return map_range(mp, start, pg[hi - 1].vpn + 1, prot, 0);
}

/* Rule 3: the stack cluster [lo, hi); below_end is the end of the cluster below. */
static int map_stack(struct mapper *mp, const struct tpage *pg, size_t lo, size_t hi,
		     uint64_t below_end)
{
	uint64_t top = pg[hi - 1].vpn + 1, bottom = pg[lo].vpn, start = pg[lo].vpn;
	uint64_t first = pg[lo].first;

	for (size_t i = lo; i < hi; i++) {
		if (pg[i].first < first) {
			first = pg[i].first;
			start = pg[i].vpn;
		}
	}
	if (top - bottom > STACK_LIMIT - 1 || (below_end && bottom - below_end <= GUARD_GAP))
		start = bottom;		/* growing would not get there: map it all */
	return map_range(mp, start, top, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			 MMSIM_MAP_GROWSDOWN);
}

static int has_code(const struct tpage *pg, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++)
		if (pg[i].flags & PG_X)
			return 1;
	return 0;
}

static int map_pages(struct mapper *mp, struct tpage *pg, size_t n)
{
	size_t lo = 0, nclusters = 0, last_lo = 0;
	uint64_t below_end = 0;

	for (size_t i = 1; i <= n; i++) {	/* find the last cluster first */
		if (i == n || pg[i].vpn - pg[i - 1].vpn >= CLUSTER_GAP) {
			nclusters++;
			last_lo = lo;
			lo = i;
		}
	}
	for (size_t i = 1, lo2 = 0; i <= n; i++) {
		if (i < n && pg[i].vpn - pg[i - 1].vpn < CLUSTER_GAP)
			continue;
		if (lo2 == last_lo && nclusters > 1 && !has_code(pg, lo2, i)) {
			if (map_stack(mp, pg, lo2, i, below_end))
				return -1;
		} else if (map_cluster(mp, pg, lo2, i)) {
			return -1;
		}
		below_end = pg[i - 1].vpn + 1;
		lo2 = i;
	}
	return 0;
}

static uint64_t min_vpn_of(mmsim_machine *m)
{
	char buf[32];
	unsigned long long min = 65536;

	if (!mmsim_sysctl_get(m, "vm.mmap_min_addr", buf, sizeof(buf)))
		min = strtoull(buf, NULL, 10);
	return (min + (1ULL << PAGE_SHIFT_T) - 1) >> PAGE_SHIFT_T;
}

int mmsim_trace_map(mmsim_machine *m, int pid, const mmsim_trace *tr, char *err,
		    size_t errlen)
{
	struct mapper mp = { m, pid, 0, 0, err, errlen };
	struct page_set s = { NULL, 0, 0 };
	struct tpage *pg;
	size_t n = 0;
	int ret;

	if (!m || !tr) {
		trace_err(err, errlen, "no machine or no trace");
		return -EINVAL;
	}
	ret = collect_pages(tr, min_vpn_of(m), &s);
	if (ret || !s.used) {
		free(s.slot);
		trace_err(err, errlen, ret ? "out of memory" : "the trace touches no mappable page");
		return ret ? ret : 0;
	}
	pg = s.slot;			/* compact the table in place, then sort it */
	for (size_t i = 0; i <= s.mask; i++)
		if (s.slot[i].vpn)
			pg[n++] = s.slot[i];
	qsort(pg, n, sizeof(*pg), cmp_vpn);
	ret = map_pages(&mp, pg, n);
	free(pg);
	return ret ? mp.ret : mp.made;
}
