/*
 * internal.h - private helpers shared by the files of src/mm (Linux's
 * mm/internal.h): allocation flags, the allocation context, pageblock
 * migratetype accessors, per-CPU pageset lookup and zone flag bits.
 *
 * Nothing here is a contract with code outside src/mm. The values of the
 * ALLOC_* flags are Linux 6.x's: ALLOC_MIN_RESERVE equals __GFP_HIGH and
 * ALLOC_KSWAPD equals __GFP_KSWAPD_RECLAIM so that gfp_to_alloc_flags() can
 * copy those bits across without branches, as the kernel does.
 */
#ifndef MMSIM_MM_INTERNAL_H
#define MMSIM_MM_INTERNAL_H

#include "mm.h"

/* The watermark to check, in the low bits; then modifiers. */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10	/* caller cannot block: 25% more of min */
#define ALLOC_MIN_RESERVE	0x20	/* __GFP_HIGH: half of min */
#define ALLOC_CPUSET		0x40	/* accepted, ignored: no cpusets */
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_HIGHATOMIC	0x200
#define ALLOC_KSWAPD		0x800
#define ALLOC_RESERVES	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

BUILD_BUG_ON(ALLOC_MIN_RESERVE != __GFP_HIGH);
BUILD_BUG_ON(ALLOC_KSWAPD != __GFP_KSWAPD_RECLAIM);
BUILD_BUG_ON(ALLOC_NO_WATERMARKS < NR_WMARK);

/* Bits of zone->flags (Linux's enum zone_flags). */
enum zone_flags {
	ZONE_BOOSTED_WATERMARK,	/* fragmentation boosted the watermarks */
	ZONE_RECLAIM_ACTIVE,	/* kswapd is reclaiming this zone */
	ZONE_BELOW_HIGH,	/* free pages fell below the high watermark */
};

static inline bool zone_test_flag(const struct zone *z, enum zone_flags f)
{
	return (z->flags >> f) & 1;
}

static inline void zone_set_flag(struct zone *z, enum zone_flags f)
{
	z->flags |= 1UL << f;
}

static inline void zone_clear_flag(struct zone *z, enum zone_flags f)
{
	z->flags &= ~(1UL << f);
}

/* Everything one allocation carries down the stack (struct alloc_context). */
struct alloc_context {
	struct zonelist *zonelist;
	const unsigned long *nodemask;	/* NULL: every node */
	struct zoneref *preferred_zoneref;
	int migratetype;
	enum zone_type highest_zoneidx;
};

static inline int gfp_migratetype(gfp_t gfp)
{
	return (int)((gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

static inline struct machine *zone_machine(const struct zone *z)
{
	return z->zone_pgdat->machine;
}

static inline bool node_in_mask(const unsigned long *mask, int nid)
{
	return !mask || ((mask[nid / (8 * sizeof(long))] >> (nid % (8 * sizeof(long)))) & 1);
}

/* The first zoneref at or after z allowed by highest_zoneidx and nodemask. */
static inline struct zoneref *next_zones_zonelist(struct zoneref *z,
						  enum zone_type highest_zoneidx,
						  const unsigned long *nodemask)
{
	while (z->zone && (z->zone_idx > (int)highest_zoneidx ||
			   !node_in_mask(nodemask, zone_to_nid(z->zone))))
		z++;
	return z;
}

#define for_next_zone_zonelist_nodemask(zone, z, highidx, nodemask)		\
	for (zone = (z)->zone; zone;						\
	     z = next_zones_zonelist(z + 1, highidx, nodemask), zone = (z)->zone)

/*
 * Pageblock migratetypes: one byte per pageblock of the node, counted from
 * the pageblock that holds node_start_pfn (a node may start mid-block: node
 * 0 starts at pfn 1), so that the frames of one pageblock share one byte.
 */
static inline unsigned char *pageblock_flags_ptr(const struct zone *z, unsigned long pfn)
{
	const pg_data_t *pgdat = z->zone_pgdat;

	return &pgdat->pageblock_flags[(pfn >> pageblock_order) -
				       (pgdat->node_start_pfn >> pageblock_order)];
}

static inline int get_pfnblock_migratetype(const struct zone *z, unsigned long pfn)
{
	return *pageblock_flags_ptr(z, pfn);
}

/* The same with the node already at hand (saves loading z->zone_pgdat). */
static inline int pgdat_pfnblock_migratetype(const pg_data_t *pgdat, unsigned long pfn)
{
	return pgdat->pageblock_flags[(pfn >> pageblock_order) -
				      (pgdat->node_start_pfn >> pageblock_order)];
}

static inline void set_pfnblock_migratetype(struct zone *z, unsigned long pfn, int mt)
{
	*pageblock_flags_ptr(z, pfn) = (unsigned char)mt;
}

static inline bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/* This CPU's (or cpu's) pageset of a zone: CPU 0's copy + cpu * unit size. */
static inline struct per_cpu_pages *per_cpu_pageset(const struct machine *m,
						    const struct zone *z, int cpu)
{
	return (struct per_cpu_pages *)((char *)z->per_cpu_pageset +
					(size_t)cpu * m->pcpu.unit_size);
}

static inline int numa_node_id(const struct machine *m)
{
	return m->cpu_to_node[m->cpu];
}

static inline struct zonelist *node_zonelist(const struct machine *m, int nid, gfp_t gfp)
{
	return &NODE_DATA(m, nid)->node_zonelists[(gfp & __GFP_THISNODE) ?
						   ZONELIST_NOFALLBACK : ZONELIST_FALLBACK];
}

/* page_alloc.c internals other mm files may use. */
enum zone_type gfp_zone(const struct machine *m, gfp_t gfp);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       enum zone_type highest_zoneidx, unsigned int alloc_flags);
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 enum zone_type highest_zoneidx, unsigned int alloc_flags,
			 long free_pages);
/* Per-CPU lists of every CPU of zone into the buddy lists. */
void drain_zone_pages_all_cpus(struct machine *m, struct zone *zone);
/* Pages on free lists of this zone per migratetype (pagetypeinfo). */
unsigned long zone_free_blocks(const struct zone *z, unsigned int order, int mt);
/* The deferred MAX_PAGE_ORDER blocks of a zone (they count as MOVABLE). */
unsigned long zone_deferred_blocks(const struct zone *z);
/* true if pfn lies in one of the zone's deferred (uninitialised) ranges. */
bool pfn_in_deferred_range(const struct zone *z, unsigned long pfn);

#endif
