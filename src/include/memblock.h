/*
 * memblock.h - the boot-time allocator (mm/memblock.c).
 *
 * Before the buddy allocator exists, memory is two sorted, non-overlapping,
 * coalesced region arrays: `memory` (what the firmware map says is RAM) and
 * `reserved` (what boot code took: the kernel image, the vmemmap, node
 * data, the percpu area...). memblock_free_all() hands every range that is
 * in memory and not reserved to the buddy allocator, and memblock retires.
 * Allocations are top-down within the requested node, like Linux's default.
 *
 * Invariant: regions are sorted by base, never overlap, and adjacent
 * regions with the same nid are merged.
 */
#ifndef MMSIM_MEMBLOCK_H
#define MMSIM_MEMBLOCK_H

#include "compiler.h"

#define MEMBLOCK_MAX_REGIONS	256
#define NUMA_NO_NODE		(-1)

struct memblock_region {
	uint64_t base;
	uint64_t size;
	int nid;
};

struct memblock_type {
	unsigned long cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
	const char *name;
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
	bool retired;		/* after memblock_free_all() */
};

struct machine;

void memblock_init(struct memblock *mb);
int memblock_add_node(struct memblock *mb, uint64_t base, uint64_t size, int nid);
int memblock_reserve(struct memblock *mb, uint64_t base, uint64_t size);
/* Top-down allocation inside [0, limit) on nid (or any node); 0 on failure. */
uint64_t memblock_phys_alloc_nid(struct memblock *mb, uint64_t size, uint64_t align,
				 int nid, uint64_t limit);
/* Reserved bytes that overlap [start, end): MemTotal is present - reserved. */
uint64_t memblock_reserved_in(const struct memblock *mb, uint64_t start, uint64_t end);
/* Present (memory) bytes in [start, end). */
uint64_t memblock_present_in(const struct memblock *mb, uint64_t start, uint64_t end);
bool memblock_is_memory(const struct memblock *mb, uint64_t addr);
bool memblock_is_reserved(const struct memblock *mb, uint64_t addr);

/*
 * Walk the free ranges (memory minus reserved), ascending, calling fn for
 * each [start, end) in pfns. Used by memblock_free_all().
 */
void memblock_for_each_free_range(const struct memblock *mb,
				  void (*fn)(void *arg, unsigned long spfn,
					     unsigned long epfn, int nid),
				  void *arg);

#endif
