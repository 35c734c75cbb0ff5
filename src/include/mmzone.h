/*
 * mmzone.h - nodes, zones, free areas and per-CPU page lists (Linux's
 * include/linux/mmzone.h).
 *
 * A machine has nodes (struct pglist_data); a node has zones; a zone owns the
 * buddy free lists of its frames, per order and per migratetype, and one
 * per-CPU page list set per simulated CPU. Both pglist_data and the per-CPU
 * sets live in simulated frames (memblock and the percpu area).
 *
 * Invariants (checked by validate_zone() in debug builds):
 *  - a free block of order o is 2^o frames, aligned to 2^o, inside one zone,
 *    its head PageBuddy with private == o, on free_list[mt] of free_area[o]
 *    where mt is its pageblock's migratetype (or the list it was moved to);
 *  - free_area[o].nr_free counts the blocks on the lists plus the deferred
 *    MAX_PAGE_ORDER blocks (see zone->deferred below);
 *  - vm_stat[NR_FREE_PAGES] == sum over o of nr_free << o (pcp pages are
 *    allocated as far as the zone counters go, as in Linux);
 *  - watermarks: min <= low <= high <= promo.
 * Lock order: pcp->lock, then zone->lock.
 */
#ifndef MMSIM_MMZONE_H
#define MMSIM_MMZONE_H

#include "mm_types.h"
#include "timer.h"
#include "vmstat.h"

#define MAX_PAGE_ORDER		10
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES	(1UL << MAX_PAGE_ORDER)
#define pageblock_order		9
#define pageblock_nr_pages	(1UL << pageblock_order)
#define PAGE_ALLOC_COSTLY_ORDER	3
#define SECTION_SIZE_BITS	27	/* x86-64: 128 MiB memory sections */
#define PAGES_PER_SECTION	(1UL << (SECTION_SIZE_BITS - PAGE_SHIFT))
#define MAX_CPUS		256

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};

extern const char *const migratetype_names[MIGRATE_TYPES];

/*
 * Zones. The enum holds every zone any simulated architecture has;
 * machine->zone_mask says which exist on this one (x86-64: DMA, DMA32,
 * Normal, Movable, Device; i386: DMA, Normal, HighMem, Movable, Device).
 * Views iterate the existing ones, so /proc matches the kernel's.
 */
enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_HIGHMEM,
	ZONE_MOVABLE,
	ZONE_DEVICE,
	MAX_NR_ZONES
};

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	WMARK_PROMO,
	NR_WMARK
};

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
};

/*
 * Per-CPU lists hold orders 0..PAGE_ALLOC_COSTLY_ORDER and pageblock_order
 * (THP), one list per pcp migratetype and order: list index
 * order_to_pindex(mt, order) as Linux computes it.
 */
#define NR_PCP_THP	1
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_LISTS	(NR_LOWORDER_PCP_LISTS + NR_PCP_THP)

struct per_cpu_pages {
	spinlock_t lock;
	int count;		/* pages on the lists */
	int high;		/* free back to the zone above this */
	int high_min;
	int high_max;
	int batch;		/* refill / drain chunk */
	unsigned char flags;	/* PCPF_* */
	unsigned char alloc_factor;
	short free_count;
	struct list_head lists[NR_PCP_LISTS];
};

#define PCPF_PREV_FREE_HIGH_ORDER	0x01
#define PCPF_FREE_HIGH_BATCH		0x02

/*
 * Deferred free blocks: at boot every whole MAX_PAGE_ORDER block of free
 * memory is free and MOVABLE, and Linux adds them to the tail of the free
 * list in ascending pfn order. Rather than write a million descriptors for a
 * terabyte, a zone keeps those blocks as ranges [start, end) (pfns, aligned
 * to MAX_ORDER_NR_PAGES) that sit, logically, at the tail of
 * free_area[MAX_PAGE_ORDER].free_list[MIGRATE_MOVABLE], lowest pfn first.
 * A block's descriptors are initialised when it leaves the range; its
 * struct pages are all zero until then. nr_free counts them.
 */
#define ZONE_DEFERRED_RANGES	8
struct deferred_range {
	unsigned long start, end;
};

struct pglist_data;

struct zone {
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset;	/* [nr_cpus], percpu area */
	int pageset_high_min;
	int pageset_high_max;
	int pageset_batch;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long present_early_pages;
	const char *name;
	enum zone_type idx;
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS];
	struct deferred_range deferred[ZONE_DEFERRED_RANGES];
	int nr_deferred;	/* ranges in use; deferred[0] is consumed first */
	unsigned long flags;
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];
	long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
};

static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < zone_end_pfn(z);
}

static inline bool populated_zone(const struct zone *z)
{
	return z->present_pages != 0;
}

static inline unsigned long zone_managed_pages(const struct zone *z)
{
	return z->managed_pages;
}

static inline unsigned long wmark_pages(const struct zone *z, enum zone_watermarks w)
{
	return z->_watermark[w] + z->watermark_boost;
}
#define min_wmark_pages(z)   wmark_pages(z, WMARK_MIN)
#define low_wmark_pages(z)   wmark_pages(z, WMARK_LOW)
#define high_wmark_pages(z)  wmark_pages(z, WMARK_HIGH)
#define promo_wmark_pages(z) wmark_pages(z, WMARK_PROMO)

static inline bool is_highmem_idx(enum zone_type idx)
{
	return idx == ZONE_HIGHMEM;
}

/* Zonelists: every zone the node may fall back to, best first. */
enum { ZONELIST_FALLBACK, ZONELIST_NOFALLBACK, MAX_ZONELISTS };
#define MAX_ZONES_PER_ZONELIST (MAX_NUMNODES * MAX_NR_ZONES)

struct zoneref {
	struct zone *zone;
	int zone_idx;
};

struct zonelist {
	struct zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1];	/* NULL-terminated */
};

struct machine;

/*
 * LRU lists (include/linux/mmzone.h): one lruvec per node (no memcg).
 * Order matters: is_active_lru / is_file_lru below use it.
 * Invariant: a page is on at most one list, PG_lru set iff on one, and
 * nr_pages[lru] equals the list's length (NR_INACTIVE_ANON ... follow it).
 * Except LRU_UNEVICTABLE, which (Linux 5.18+) links nothing: its pages are
 * PageLRU + PageUnevictable, counted in nr_pages[LRU_UNEVICTABLE] only, and
 * keep page->mlock_count where the list pointers would be (swap.c).
 */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};

#define LRU_ACTIVE	1	/* inactive + LRU_ACTIVE = active */
#define LRU_FILE	2	/* anon + LRU_FILE = file */

static inline bool is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

static inline bool is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

struct lruvec {
	struct list_head lists[NR_LRU_LISTS];
	unsigned long nr_pages[NR_LRU_LISTS];
	spinlock_t lru_lock;		/* LOCK_LRU */
	/* vmscan (issue 5): reclaim cost and workingset history */
	unsigned long anon_cost;	/* lru_note_cost: IO and rotations, decayed */
	unsigned long file_cost;
	unsigned long nonresident_age;	/* workingset: evictions + activations */
	unsigned long refaults[2];	/* WORKINGSET_ACTIVATE_* at the last snapshot */
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int nr_zones;			/* highest populated zone index + 1 */
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	unsigned long totalreserve_pages;
	unsigned char *pageblock_flags;	/* one byte per pageblock, from node_start_pfn */
	struct machine *machine;
	long vm_stat[NR_VM_NODE_STAT_ITEMS];
	struct lruvec __lruvec;
	/* reclaim state: filled in by vmscan when it exists */
	int kswapd_order;
	enum zone_type kswapd_highest_zoneidx;
	int kswapd_failures;
	bool kswapd_awake;
	/* vmscan (issue 5): kswapd on the simulated clock (vmscan.c) */
	struct sim_timer kswapd_timer;	/* a run (woken) or the end of a nap */
	int kswapd_state;		/* enum kswapd_state, vmscan.h */
	int kswapd_reclaim_order;	/* kswapd's own: the order it balanced for */
	int kswapd_classzone;		/* kswapd's own: the highest zone it balanced */
	unsigned long flags;		/* PGDAT_* (vmscan.h) */
	/* THP (huge_memory.c): partially mapped THPs waiting for the deferred split shrinker */
	spinlock_t split_queue_lock;
	struct list_head split_queue;
	unsigned long split_queue_len;
} pg_data_t;

static inline bool zone_is_first_populated(const pg_data_t *pgdat, const struct zone *z)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		if (populated_zone(&pgdat->node_zones[i]))
			return &pgdat->node_zones[i] == z;
	}
	return false;
}

static inline int zone_to_nid(const struct zone *z)
{
	return z->zone_pgdat->node_id;
}

#endif
