/*
 * vmscan.h - page reclaim (mm/vmscan.c) and the workingset's refault
 * detection (mm/workingset.c): what the page allocator, madvise and the
 * page cache call.
 *
 * Reclaim takes folios from the tail of a node's inactive lists, checks
 * their references through the rmap, unmaps them and frees them (a clean
 * lazyfree anon folio is simply dropped; a swap-backed one - anon or
 * shmem - is written to swap and leaves the swap cache; a clean file folio
 * leaves its page cache; a dirty one is left to writeback, as 6.18's
 * reclaim never writes disk files); the active
 * lists are aged into the inactive ones. How much of each list one pass
 * scans comes from get_scan_count: the list's size >> priority, split
 * between anon and file by vm.swappiness and the recent reclaim cost.
 *
 * Two reclaimers:
 *   kswapd   one per node, woken by an allocation that found a zone below
 *            its low watermark, reclaims until every eligible zone is
 *            above high (plus the boost), naps HZ/10 and sleeps. It runs
 *            on the simulated clock: a wake-up arms the node's timer for
 *            "now", so kswapd runs when the clock next moves (at the end
 *            of the API call that woke it), never inside the allocation.
 *   direct   an allocation that may sleep (__GFP_DIRECT_RECLAIM) and found
 *            every zone below min reclaims itself (try_to_free_pages), a
 *            SWAP_CLUSTER_MAX at a time from priority 12 down to 0.
 * GFP_ATOMIC/GFP_NOWAIT never reclaim: they only wake kswapd.
 *
 * While reclaim runs, m->memalloc_nest is set (Linux's PF_MEMALLOC): its
 * own allocations may use the reserves and never recurse into reclaim.
 *
 * Lock order: reclaim is entered with no spinlock held (mmap_lock at
 * most); it takes the rmap locks, then page table locks, then lru_lock.
 */
#ifndef MMSIM_VMSCAN_H
#define MMSIM_VMSCAN_H

#include "mm.h"

#define SWAP_CLUSTER_MAX	32UL
#define DEF_PRIORITY		12
#define MAX_SWAPPINESS		200
#ifndef MAX_RECLAIM_RETRIES
#define MAX_RECLAIM_RETRIES	16
#endif

/* pgdat->kswapd_state: where the node's kswapd is in its loop. */
enum kswapd_state {
	KSWAPD_SLEEPING,	/* schedule(): only a wake-up starts it */
	KSWAPD_WOKEN,		/* a run is due (timer armed for the wake-up time) */
	KSWAPD_NAPPING,		/* the HZ/10 nap after balancing (timer armed) */
};

/* pgdat->flags */
enum pgdat_flags {
	PGDAT_DIRTY,		/* reclaim found only unqueued dirty file folios */
	PGDAT_WRITEBACK,	/* reclaim found only folios under writeback */
};

/* Boot: every node's kswapd, asleep. Shutdown: timers disarmed. */
int vmscan_init(struct machine *m);
void vmscan_exit(struct machine *m);

/* page_alloc.c's hooks. */
void wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order,
		   enum zone_type highest_zoneidx);
/* Direct reclaim for an allocation: pages reclaimed (0: none). */
unsigned long try_to_free_pages(struct machine *m, struct zonelist *zonelist, unsigned int order,
				gfp_t gfp, const unsigned long *nodemask);
/* Swap slots free (get_nr_swap_pages); 0 until a swap device exists. */
long nr_swap_pages_free(struct machine *m);
/* File pages, plus anon pages when swap could take them. */
unsigned long zone_reclaimable_pages(struct machine *m, struct zone *zone);

/*
 * get_scan_count's anon/file split when both can be reclaimed (SCAN_FRACT):
 * fraction[0] anon, fraction[1] file, out of *denominator, from
 * vm.swappiness (0-200) and the lruvec's anon/file reclaim cost.
 */
void scan_fraction(int swappiness, unsigned long anon_cost, unsigned long file_cost,
		   uint64_t fraction[2], uint64_t *denominator);

/*
 * MADV_PAGEOUT: reclaim the folios on folio_list (isolated by the caller,
 * each with its isolation reference), ignoring their references; what is
 * not reclaimed goes back to the LRU. Returns pages reclaimed.
 */
unsigned long reclaim_pages(struct machine *m, struct list_head *folio_list);
/* Isolate one folio from its LRU (+1 reference, PG_lru cleared); false if not on one. */
bool folio_isolate_lru(struct machine *m, struct page *page);

/*
 * workingset.c. An evicted page-cache or swap-cache folio leaves a shadow
 * (an xarray value entry) recording the node and its lruvec's
 * nonresident_age at eviction. When the page faults back in, the refault
 * distance (age now - age then) is compared with the workingset size: a
 * folio that would have stayed had it been active is activated at once
 * (workingset_activate_*), and one that was in the workingset before
 * eviction (PG_workingset) is restored too (workingset_restore_*).
 */
void *workingset_eviction(struct machine *m, struct page *folio);
void workingset_refault(struct machine *m, struct page *folio, void *shadow);
void workingset_activation(struct machine *m, struct page *folio);
void workingset_age_nonresident(struct lruvec *lruvec, unsigned long nr_pages);
/* A shadow entry's parts (tests, /proc): node, age, workingset bit. */
bool workingset_unpack_shadow(const void *shadow, int *nid, unsigned long *age,
			      bool *workingset);

#endif
