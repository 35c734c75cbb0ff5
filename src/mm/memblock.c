/*
 * memblock.c - the boot-time memory allocator.
 *
 * Two region arrays: `memory` (RAM from the firmware map, with its node) and
 * `reserved` (taken by boot code). Both stay sorted by base, non-overlapping
 * and merged where adjacent (reserved regions merge regardless of node).
 * Allocation is top-down inside a node, first fit, as Linux's default
 * bottom_up == false. After memblock_free_all() (page_alloc.c) the
 * arrays stay readable for the views that need them (e820-like facts), but
 * nothing allocates from them any more.
 */
#include <errno.h>
#include <string.h>

#include "bug.h"
#include "memblock.h"

void memblock_init(struct memblock *mb)
{
	memset(mb, 0, sizeof(*mb));
	mb->memory.name = "memory";
	mb->reserved.name = "reserved";
}

static void region_remove(struct memblock_type *t, unsigned long i)
{
	memmove(&t->regions[i], &t->regions[i + 1],
		(t->cnt - i - 1) * sizeof(t->regions[0]));
	t->cnt--;
}

static int region_insert(struct memblock_type *t, unsigned long i,
			 uint64_t base, uint64_t size, int nid)
{
	if (t->cnt >= MEMBLOCK_MAX_REGIONS)
		return -ENOSPC;
	memmove(&t->regions[i + 1], &t->regions[i],
		(t->cnt - i) * sizeof(t->regions[0]));
	t->regions[i].base = base;
	t->regions[i].size = size;
	t->regions[i].nid = nid;
	t->cnt++;
	return 0;
}

/* Merge neighbours that touch (and, for memory, share a node). */
static void merge_regions(struct memblock_type *t, bool by_node)
{
	unsigned long i = 0;

	while (t->cnt > 1 && i < t->cnt - 1) {
		struct memblock_region *a = &t->regions[i], *b = &t->regions[i + 1];

		if (a->base + a->size >= b->base && (!by_node || a->nid == b->nid)) {
			uint64_t end = max(a->base + a->size, b->base + b->size);

			a->size = end - a->base;
			region_remove(t, i + 1);
			continue;
		}
		i++;
	}
}

/*
 * Add [base, base+size) to t. Overlap with existing regions is absorbed
 * (the union is kept), which is what both arrays want.
 */
static int memblock_add_range(struct memblock_type *t, uint64_t base,
			      uint64_t size, int nid, bool by_node)
{
	unsigned long i;
	int err;

	if (!size)
		return 0;
	for (i = 0; i < t->cnt && t->regions[i].base < base; i++)
		;
	err = region_insert(t, i, base, size, nid);
	if (err)
		return err;
	merge_regions(t, by_node);
	return 0;
}

int memblock_add_node(struct memblock *mb, uint64_t base, uint64_t size, int nid)
{
	return memblock_add_range(&mb->memory, base, size, nid, true);
}

int memblock_reserve(struct memblock *mb, uint64_t base, uint64_t size)
{
	return memblock_add_range(&mb->reserved, base, size, NUMA_NO_NODE, false);
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t s = max(a0, b0), e = min(a1, b1);

	return e > s ? e - s : 0;
}

uint64_t memblock_reserved_in(const struct memblock *mb, uint64_t start, uint64_t end)
{
	uint64_t total = 0;

	for (unsigned long i = 0; i < mb->reserved.cnt; i++) {
		const struct memblock_region *r = &mb->reserved.regions[i];

		/* Only reserved bytes that are also RAM count. */
		for (unsigned long j = 0; j < mb->memory.cnt; j++) {
			const struct memblock_region *q = &mb->memory.regions[j];
			uint64_t s = max(r->base, q->base), e = min(r->base + r->size, q->base + q->size);

			if (e > s)
				total += overlap(s, e, start, end);
		}
	}
	return total;
}

uint64_t memblock_present_in(const struct memblock *mb, uint64_t start, uint64_t end)
{
	uint64_t total = 0;

	for (unsigned long i = 0; i < mb->memory.cnt; i++) {
		const struct memblock_region *r = &mb->memory.regions[i];

		total += overlap(r->base, r->base + r->size, start, end);
	}
	return total;
}

static bool in_type(const struct memblock_type *t, uint64_t addr)
{
	for (unsigned long i = 0; i < t->cnt; i++) {
		if (addr >= t->regions[i].base && addr < t->regions[i].base + t->regions[i].size)
			return true;
	}
	return false;
}

bool memblock_is_memory(const struct memblock *mb, uint64_t addr)
{
	return in_type(&mb->memory, addr);
}

bool memblock_is_reserved(const struct memblock *mb, uint64_t addr)
{
	return in_type(&mb->reserved, addr);
}

/*
 * The highest free [base, base+size) aligned to align inside memory region
 * r and below limit, or 0. Walks the reserved regions above each candidate.
 */
static uint64_t find_in_region(const struct memblock *mb, const struct memblock_region *r,
			       uint64_t size, uint64_t align, uint64_t limit)
{
	uint64_t lo = r->base, hi = min(r->base + r->size, limit);

	while (hi > lo && hi - lo >= size) {
		uint64_t cand = ALIGN_DOWN(hi - size, align);
		bool clash = false;

		if (cand < lo)
			return 0;
		for (unsigned long i = 0; i < mb->reserved.cnt; i++) {
			const struct memblock_region *q = &mb->reserved.regions[i];

			if (overlap(cand, cand + size, q->base, q->base + q->size)) {
				hi = q->base;	/* try again below this reservation */
				clash = true;
				break;
			}
		}
		if (!clash)
			return cand;
	}
	return 0;
}

uint64_t memblock_phys_alloc_nid(struct memblock *mb, uint64_t size, uint64_t align,
				 int nid, uint64_t limit)
{
	BUG_ON(mb->retired);
	if (!size || !align)
		return 0;
	size = ALIGN(size, (uint64_t)4096);
	for (unsigned long i = mb->memory.cnt; i-- > 0;) {
		const struct memblock_region *r = &mb->memory.regions[i];
		uint64_t got;

		if (nid != NUMA_NO_NODE && r->nid != nid)
			continue;
		got = find_in_region(mb, r, size, align, limit);
		/* Never hand out the zero page: 0 means failure. */
		if (got && memblock_reserve(mb, got, size) == 0)
			return got;
	}
	return 0;
}

void memblock_for_each_free_range(const struct memblock *mb,
				  void (*fn)(void *arg, unsigned long spfn,
					     unsigned long epfn, int nid),
				  void *arg)
{
	for (unsigned long i = 0; i < mb->memory.cnt; i++) {
		const struct memblock_region *r = &mb->memory.regions[i];
		uint64_t cur = r->base, end = r->base + r->size;

		for (unsigned long j = 0; j < mb->reserved.cnt && cur < end; j++) {
			const struct memblock_region *q = &mb->reserved.regions[j];

			if (q->base + q->size <= cur)
				continue;
			if (q->base >= end)
				break;
			if (q->base > cur)
				fn(arg, (unsigned long)((cur + 4095) >> 12), (unsigned long)(q->base >> 12), r->nid);
			cur = max(cur, q->base + q->size);
		}
		if (cur < end)
			fn(arg, (unsigned long)((cur + 4095) >> 12), (unsigned long)(end >> 12), r->nid);
	}
}
