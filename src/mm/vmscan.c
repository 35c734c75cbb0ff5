/*
 * vmscan.c - page reclaim: the classic split LRU of Linux 6.x (mm/vmscan.c
 * without MGLRU or memcg), kswapd on the simulated clock, direct reclaim,
 * and reclaim_pages for MADV_PAGEOUT. vmscan.h gives the overview.
 *
 * One pass over a node (shrink_node): get_scan_count decides how many
 * folios of each evictable list to scan at this priority (list size >>
 * priority, split between anon and file by swappiness and reclaim cost);
 * shrink_lruvec takes them SWAP_CLUSTER_MAX at a time: an active list is
 * aged (shrink_active_list: referenced executable file folios rotate,
 * everything else goes inactive), an inactive list is reclaimed
 * (shrink_inactive_list -> shrink_folio_list).
 *
 * A folio through shrink_folio_list (isolated: off its list, PG_lru clear,
 * one extra reference, PG_locked):
 *
 *   referenced twice, or by a VM_EXEC file mapping     -> active list
 *   referenced once (ptes young)                       -> inactive, PG_referenced
 *   mlocked                                            -> unevictable list
 *   anon, swap-backed  add_to_swap (no slot: active) -> try_to_unmap (swap
 *                      ptes) -> swap_writepage -> swap cache left, freed
 *   shmem              try_to_unmap -> shmem_writeout (to the swap cache)
 *                      -> swap cache left, freed
 *   anon, lazyfree (MADV_FREE), clean, unmapped        -> freed (pglazyfreed)
 *   file, clean        try_to_unmap -> page cache left (shadow), freed
 *   file, dirty        PG_reclaim, active: the flusher writes it (6.18
 *                      reclaim never writes disk files)
 *   otherwise mapped: try_to_unmap; still mapped       -> active list
 *   freed                                              -> pgsteal, back to the buddy
 *
 * A freed swap-cache or file folio leaves a workingset shadow in its
 * cache slot (workingset_eviction); reading it back (swap_state.c,
 * filemap.c) calls workingset_refault. Large anonymous folios are not
 * split by reclaim yet: they are activated. Writes are synchronous, so a
 * folio written by pageout is freed in the same pass.
 *
 * Counters: pgscan_kswapd/direct and pgsteal_kswapd/direct (+ _anon/_file)
 * in shrink_inactive_list, pgrefill and pgdeactivate in shrink_active_list,
 * pgactivate in shrink_folio_list, allocstall_<zone> per direct reclaim,
 * pageoutrun per kswapd balance, kswapd_low/high_wmark_hit_quickly when
 * kswapd tries to sleep, pgskip_<zone> for folios above reclaim_idx.
 *
 * kswapd's states (pgdat->kswapd_state), each transition with the clock:
 *
 *   SLEEPING --wakeup_kswapd (a zone < low, node not balanced)--> WOKEN
 *   WOKEN    --timer (the wake-up time): balance_pgdat, then
 *              balanced at the order it reclaimed for--> NAPPING (HZ/10)
 *              not balanced --> WOKEN at the next jiffy
 *                               (kswapd_high_wmark_hit_quickly)
 *   NAPPING  --wakeup_kswapd--> WOKEN now (kswapd_low_wmark_hit_quickly)
 *            --timer: still balanced--> SLEEPING
 *                     not balanced --> balance again at once
 *                                      (kswapd_high_wmark_hit_quickly)
 *
 * Why the wake-up does not reclaim at once: kswapd is another thread, on
 * another CPU; the allocation that wakes it goes on (and may sink to min
 * and reclaim directly) while kswapd works. A single-threaded simulation
 * gets that shape by running kswapd when the simulated clock next moves:
 * the timer armed for the wake-up time fires at the end of the API call
 * that woke it (clock_advance), with no lock held and in kswapd's own
 * context. Running it inside alloc_pages would also reclaim under the
 * caller's locks. Same script, same order of events: deterministic.
 *
 * Lock order: nothing held on entry but mmap_lock (direct reclaim from a
 * fault); the rmap walk takes anon_vma/i_mmap and page table locks; the
 * lru_lock is held only while lists change, never across an rmap walk.
 *
 * Invariants: each pass adds the folios it isolates to NR_ISOLATED_ANON or
 * NR_ISOLATED_FILE under the lru_lock and takes the same number off once
 * they are back on a list or freed. m->memalloc_nest is raised around
 * every reclaim entry (direct, kswapd, reclaim_pages) and restored on
 * return; try_to_free_pages does nothing while it is raised.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "machine.h"
#include "fs.h"
#include "memory.h"
#include "mm.h"
#include "pagemap.h"
#include "printk.h"
#include "rmap.h"
#include "shrinker.h"
#include "swap.h"
#include "timer.h"
#include "vmscan.h"

/* ------------------------------------------------------------------ */
/* scan_control                                                        */
/* ------------------------------------------------------------------ */

#define DEACTIVATE_ANON	1
#define DEACTIVATE_FILE	2

/* Isolation skips at most this many folios above reclaim_idx per call. */
#define SWAP_CLUSTER_MAX_SKIPPED	(SWAP_CLUSTER_MAX << 10)

struct scan_control {
	unsigned long nr_to_reclaim;
	const unsigned long *nodemask;
	gfp_t gfp_mask;
	int order;
	int priority;			/* scan (list size >> priority) this pass */
	enum zone_type reclaim_idx;	/* highest zone reclaim may free from */
	unsigned int may_writepage:1;
	unsigned int may_unmap:1;
	unsigned int may_swap:1;
	unsigned int may_deactivate:2;	/* DEACTIVATE_ANON | DEACTIVATE_FILE */
	unsigned int force_deactivate:1;
	unsigned int skipped_deactivate:1;
	unsigned int cache_trim_mode:1;
	unsigned int cache_trim_mode_failed:1;
	unsigned int no_cache_trim_mode:1;
	unsigned int file_is_tiny:1;
	unsigned long anon_cost;	/* the lruvec's, at the start of the pass */
	unsigned long file_cost;
	unsigned long nr_scanned;
	unsigned long nr_reclaimed;
	struct {
		unsigned long dirty, unqueued_dirty, congested, writeback, immediate;
		unsigned long file_taken, taken;
	} nr;
};

struct reclaim_stat {
	unsigned long nr_dirty, nr_unqueued_dirty, nr_congested, nr_writeback, nr_immediate;
	unsigned long nr_pageout;
	unsigned long nr_activate[2];	/* anon, file */
	unsigned long nr_ref_keep, nr_unmap_fail, nr_lazyfree_fail;
};

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

static inline bool current_is_kswapd(const struct machine *m)
{
	return m->kswapd_running;
}

/* pgscan_/pgsteal_ kswapd or direct */
static inline int reclaimer_offset(const struct machine *m)
{
	return current_is_kswapd(m) ? 0 : PGSTEAL_DIRECT - PGSTEAL_KSWAPD;
}

static inline bool folio_is_file_lru(const struct page *page)
{
	return !PageSwapBacked(page);
}

static inline pg_data_t *lruvec_pgdat(struct lruvec *lruvec)
{
	return container_of(lruvec, pg_data_t, __lruvec);
}

static inline long lruvec_page_state(struct lruvec *lruvec, enum node_stat_item item)
{
	return lruvec_pgdat(lruvec)->vm_stat[item];
}

/* Swap slots free on the writable devices (get_nr_swap_pages). */
long nr_swap_pages_free(struct machine *m)
{
	return get_nr_swap_pages(m);
}

static bool can_reclaim_anon_pages(struct machine *m)
{
	return nr_swap_pages_free(m) > 0;
}

/* Aging anon only helps when it can be reclaimed (can_age_anon_pages). */
static bool can_age_anon_pages(struct machine *m)
{
	return nr_swap_pages_free(m) > 0;
}

unsigned long zone_reclaimable_pages(struct machine *m, struct zone *zone)
{
	unsigned long nr = (unsigned long)(zone_page_state(zone, NR_ZONE_INACTIVE_FILE) +
					   zone_page_state(zone, NR_ZONE_ACTIVE_FILE));

	if (can_reclaim_anon_pages(m))
		nr += (unsigned long)(zone_page_state(zone, NR_ZONE_INACTIVE_ANON) +
				      zone_page_state(zone, NR_ZONE_ACTIVE_ANON));
	return nr;
}

/* Pages on one list in zones up to zone_idx (lruvec_lru_size). */
static unsigned long lruvec_lru_size(struct lruvec *lruvec, enum lru_list lru, int zone_idx)
{
	pg_data_t *pgdat = lruvec_pgdat(lruvec);
	unsigned long size = 0;

	for (int zid = 0; zid <= zone_idx && zid < MAX_NR_ZONES; zid++) {
		struct zone *zone = &pgdat->node_zones[zid];

		if (zone->managed_pages)
			size += (unsigned long)zone_page_state(zone, NR_ZONE_INACTIVE_ANON + lru);
	}
	return size;
}

/*
 * The inactive list is too small if inactive * ratio < active, the ratio
 * growing with the square root of the LRU's size in GiB (1:1 below 1 GiB,
 * 3:1 at 1 GiB, 10:1 at 10 GiB).
 */
static bool inactive_is_low(struct lruvec *lruvec, enum lru_list inactive_lru)
{
	unsigned long inactive = lruvec->nr_pages[inactive_lru];
	unsigned long active = lruvec->nr_pages[inactive_lru + LRU_ACTIVE];
	unsigned long gb = (inactive + active) >> (30 - PAGE_SHIFT);
	unsigned long ratio = gb ? int_sqrt(10 * gb) : 1;

	return inactive * ratio < active;
}

/* ------------------------------------------------------------------ */
/* Isolation and putback                                               */
/* ------------------------------------------------------------------ */

/*
 * isolate_lru_folios: up to nr_to_scan pages from the tail of one list
 * onto dst (off the list, PG_lru clear, +1 reference). Folios of zones
 * above reclaim_idx are skipped (back to the head, pgskip_<zone>).
 * *nr_scanned counts every page looked at. Called with the lru_lock held.
 */
static unsigned long isolate_lru_folios(struct machine *m, unsigned long nr_to_scan,
					struct lruvec *lruvec, struct list_head *dst,
					unsigned long *nr_scanned, struct scan_control *sc,
					enum lru_list lru)
{
	struct list_head *src = &lruvec->lists[lru];
	unsigned long nr_taken = 0, scan = 0, total_scan = 0, max_nr_skipped = 0;
	unsigned long nr_skipped[MAX_NR_ZONES] = { 0 };
	LIST_HEAD(folios_skipped);

	while (scan < nr_to_scan && !list_empty(src)) {
		struct page *page = list_last_entry(src, struct page, lru);
		long nr_pages = folio_nr_pages(page);

		total_scan += (unsigned long)nr_pages;
		if (max_nr_skipped < SWAP_CLUSTER_MAX_SKIPPED &&
		    page_zonenum(page) > (unsigned int)sc->reclaim_idx) {
			nr_skipped[page_zonenum(page)] += (unsigned long)nr_pages;
			list_move(&page->lru, &folios_skipped);
			max_nr_skipped++;
			continue;
		}
		scan += (unsigned long)nr_pages;
		if (!sc->may_unmap && page_mapped(page)) {
			list_move(&page->lru, src);	/* rotate: look at it later */
			continue;
		}
		get_page(page);
		ClearPageLRU(page);
		__lruvec_del_folio(m, lruvec, page);
		list_add(&page->lru, dst);
		nr_taken += (unsigned long)nr_pages;
	}
	if (!list_empty(&folios_skipped)) {
		list_splice(&folios_skipped, src);
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			if (!nr_skipped[zid])
				continue;
			/* __lruvec_del_folio did not run for them: counts stay */
			count_vm_events(m, (enum vm_event_item)(PGSKIP_DMA + zone_event_slot(m, zid)),
					(long)nr_skipped[zid]);
		}
	}
	*nr_scanned = total_scan;
	return nr_taken;
}

bool folio_isolate_lru(struct machine *m, struct page *page)
{
	struct lruvec *lruvec;

	page = compound_head(page);
	if (!PageLRU(page))
		return false;
	lruvec = folio_lruvec(m, page);
	get_page(page);
	spin_lock(&lruvec->lru_lock);
	ClearPageLRU(page);
	__lruvec_del_folio(m, lruvec, page);
	spin_unlock(&lruvec->lru_lock);
	return true;
}

/*
 * move_folios_to_lru: every folio of list back on the list its flags name
 * (unevictable ones through folio_putback_lru), then the isolation
 * references go (a folio nobody else holds is freed here). Returns the
 * pages put back. Called without the lru_lock.
 */
static unsigned long move_folios_to_lru(struct machine *m, struct lruvec *lruvec,
					struct list_head *list)
{
	unsigned long nr_moved = 0;
	LIST_HEAD(put);

	while (!list_empty(list)) {
		struct page *page = list_last_entry(list, struct page, lru);

		VM_BUG_ON_PAGE(PageLRU(page), m, page);
		list_del(&page->lru);
		if (unlikely(PageMlocked(page))) {
			folio_putback_lru(m, page);	/* folio_evictable: no */
			continue;
		}
		spin_lock(&lruvec->lru_lock);
		SetPageLRU(page);
		__lruvec_add_folio(m, lruvec, page);
		spin_unlock(&lruvec->lru_lock);
		nr_moved += (unsigned long)folio_nr_pages(page);
		if (PageActive(page))
			workingset_age_nonresident(lruvec, (unsigned long)folio_nr_pages(page));
		put_page(m, page);	/* the isolation reference */
	}
	return nr_moved;
}

/* ------------------------------------------------------------------ */
/* shrink_folio_list                                                    */
/* ------------------------------------------------------------------ */

enum folio_references {
	FOLIOREF_RECLAIM,
	FOLIOREF_RECLAIM_CLEAN,
	FOLIOREF_KEEP,
	FOLIOREF_ACTIVATE,
};

/*
 * folio_check_references: a folio mapped young twice (or young and
 * PG_referenced) is activated; young once, it gets PG_referenced and one
 * more trip round the inactive list; a VM_EXEC file folio is activated at
 * its first use. Unmapped and referenced only through the page cache, a
 * file folio is reclaimed if clean.
 */
static enum folio_references folio_check_references(struct machine *m, struct page *page)
{
	unsigned long vm_flags;
	int referenced_ptes = folio_referenced_vmflags(m, page, &vm_flags);
	bool referenced_folio = PageReferenced(page);

	if (vm_flags & VM_LOCKED)
		return FOLIOREF_ACTIVATE;	/* culled to the unevictable list */
	ClearPageReferenced(page);
	if (referenced_ptes) {
		SetPageReferenced(page);
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		if ((vm_flags & VM_EXEC) && folio_is_file_lru(page))
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	if (referenced_folio && folio_is_file_lru(page))
		return FOLIOREF_RECLAIM_CLEAN;
	return FOLIOREF_RECLAIM;
}

/*
 * A lazyfree folio nobody else holds (folio_ref_freeze(folio, 1)): the
 * isolation reference is the last one, so it can simply go.
 */
static bool lazyfree_can_free(const struct page *page)
{
	return page_ref_count(page) == 1 && !PageDirty(page);
}

/* Free what reclaim took: flags a free page must not carry, then the last reference. */
static void free_reclaimed_folio(struct machine *m, struct page *page)
{
	ClearPageActive(page);
	ClearPageReferenced(page);
	ClearPageWorkingset(page);
	ClearPageReclaim(page);
	put_page(m, page);
}

/* A shmem folio still in its object (not yet moved to the swap cache). */
static bool folio_is_shmem(const struct page *page)
{
	const struct address_space *mapping = page->mapping;

	return !PageAnon(page) && PageSwapBacked(page) && mapping && mapping->swapbacked &&
	       !folio_test_swapcache(page);
}

/*
 * folio_check_dirty_writeback: only page-cache folios of files count as
 * dirty for reclaim's throttling; anonymous ones are written by reclaim
 * itself, not by the flusher.
 */
static void folio_check_dirty_writeback(const struct page *page, bool *dirty, bool *writeback)
{
	*dirty = *writeback = false;
	if (!folio_is_file_lru(page) || PageAnon(page))
		return;
	*dirty = PageDirty(page);
	*writeback = PageWriteback(page);
}

/* may_enter_fs: the write needs __GFP_FS, or __GFP_IO for a swap-cache folio. */
static bool may_enter_fs(const struct page *page, gfp_t gfp_mask)
{
	if (gfp_mask & __GFP_FS)
		return true;
	return folio_test_swapcache(page) && (gfp_mask & __GFP_IO);
}

typedef enum {
	PAGE_KEEP,	/* failed to write: keep it */
	PAGE_ACTIVATE,	/* move it to the active list */
	PAGE_SUCCESS,	/* written (here: synchronously, so done) */
	PAGE_CLEAN,	/* it was clean: free it */
} pageout_t;

/*
 * pageout: write a dirty, unmapped folio so that it can be freed. As in
 * Linux 6.18, reclaim writes only swap-cache (anon) and shmem folios: a
 * dirty folio of a disk file is left to the flusher and activated. Only
 * the isolation and the cache may hold it (is_page_cache_freeable).
 */
static pageout_t pageout(struct machine *m, struct page *page)
{
	bool shmem = folio_is_shmem(page);
	int res;

	if (page_ref_count(page) != 2)
		return PAGE_KEEP;
	if (!shmem && !folio_test_swapcache(page))
		return PAGE_ACTIVATE;
	/* swap_writepage clears PG_dirty itself (folio_clear_dirty_for_io) */
	if (!shmem && !PageDirty(page))
		return PAGE_CLEAN;
	SetPageReclaim(page);
	res = shmem ? shmem_writeout(m, page) : swap_writepage(m, page);
	if (res == -ENOMEM || res == -EINVAL) {
		/* no swap slot: AOP_WRITEPAGE_ACTIVATE, the folio stays in its object */
		ClearPageReclaim(page);
		return PAGE_ACTIVATE;
	}
	if (!PageWriteback(page))
		ClearPageReclaim(page);	/* synchronous write: done */
	mod_node_page_state(page_pgdat(m, page), NR_VMSCAN_WRITE, folio_nr_pages(page));
	return PAGE_SUCCESS;
}

/*
 * __remove_mapping: a clean, unmapped folio leaves its cache, leaving a
 * workingset shadow (swap cache, or a disk file's page cache). Only the
 * isolation reference and the cache's may be left (folio_ref_freeze);
 * after this the isolation reference is the last one.
 */
static bool __remove_mapping(struct machine *m, struct page *page)
{
	void *shadow = NULL;

	if (page_ref_count(page) != 2 || PageDirty(page))
		return false;
	if (folio_test_swapcache(page)) {
		swp_entry_t entry = folio_swap_entry(page);

		shadow = workingset_eviction(m, page);
		__delete_from_swap_cache(m, page, shadow);	/* drops the cache's reference */
		put_swap_folio(m, page, entry);
	} else {
		struct address_space *mapping = page->mapping;

		spin_lock(&mapping->i_pages_lock);
		if (folio_is_file_lru(page))
			shadow = workingset_eviction(m, page);
		__filemap_remove_folio(m, page, shadow);
		spin_unlock(&mapping->i_pages_lock);
		put_page(m, page);	/* the cache's reference (filemap_free_folio) */
	}
	return true;
}

/*
 * shrink_folio_list: try to free every folio of folio_list (isolated, each
 * with its isolation reference); what stays goes back on folio_list, with
 * PG_active set if it earned activation. Returns the pages freed.
 *
 * The order is Linux 6.18's: an anonymous swap-backed folio gets a swap
 * slot and joins the swap cache (add_to_swap), every pte becomes a swap
 * pte (try_to_unmap), the dirty folio is written (pageout: swap_writepage,
 * or shmem_writeout for a shmem folio, which moves it to the swap cache),
 * and the clean folio leaves its cache (__remove_mapping) and is freed.
 * A clean page-cache folio of a disk file goes the same way without the
 * write; a dirty one is marked PG_reclaim and activated (the flusher
 * writes it; reclaim in 6.18 never writes disk files).
 */
static unsigned long shrink_folio_list(struct machine *m, struct list_head *folio_list,
				       pg_data_t *pgdat, struct scan_control *sc,
				       struct reclaim_stat *stat, bool ignore_references)
{
	unsigned long nr_reclaimed = 0, pgactivate;
	LIST_HEAD(ret_folios);

	memset(stat, 0, sizeof(*stat));
	while (!list_empty(folio_list)) {
		struct page *page = list_last_entry(folio_list, struct page, lru);
		enum folio_references references = FOLIOREF_RECLAIM;
		long nr_pages = folio_nr_pages(page);
		bool dirty, writeback;

		list_del(&page->lru);
		if (PageLocked(page))
			goto keep;	/* folio_trylock failed */
		SetPageLocked(page);
		sc->nr_scanned += (unsigned long)nr_pages;
		if (unlikely(PageMlocked(page)))
			goto activate_locked;	/* !folio_evictable */
		if (!sc->may_unmap && page_mapped(page))
			goto keep_locked;
		folio_check_dirty_writeback(page, &dirty, &writeback);
		if (dirty || writeback)
			stat->nr_dirty += (unsigned long)nr_pages;
		if (dirty && !writeback)
			stat->nr_unqueued_dirty += (unsigned long)nr_pages;
		if (PageWriteback(page)) {
			/* the flusher has it: come back later, reclaim it then */
			SetPageReclaim(page);
			stat->nr_writeback += (unsigned long)nr_pages;
			goto activate_locked;
		}
		if (!ignore_references)
			references = folio_check_references(m, page);
		switch (references) {
		case FOLIOREF_ACTIVATE:
			goto activate_locked;
		case FOLIOREF_KEEP:
			stat->nr_ref_keep += (unsigned long)nr_pages;
			goto keep_locked;
		case FOLIOREF_RECLAIM:
		case FOLIOREF_RECLAIM_CLEAN:
			break;
		}
		if (PageAnon(page) && PageSwapBacked(page) && !folio_test_swapcache(page)) {
			if (!(sc->gfp_mask & __GFP_IO))
				goto keep_locked;
			/* a large folio would be split first: not done here yet */
			if (PageCompound(page))
				goto activate_locked;
			if (add_to_swap(m, page))
				goto activate_locked;	/* no slot */
		}
		if (page_mapped(page)) {
			bool was_swapbacked = PageSwapBacked(page);

			try_to_unmap(m, page);
			if (page_mapped(page)) {
				stat->nr_unmap_fail += (unsigned long)nr_pages;
				if (!was_swapbacked && PageSwapBacked(page))
					stat->nr_lazyfree_fail += (unsigned long)nr_pages;
				goto activate_locked;
			}
		}
		if (PageDirty(page) || folio_is_shmem(page)) {
			/*
			 * Disk files: only kswapd, meeting the folio a second time
			 * on a node full of unqueued dirty folios, would go on
			 * (and pageout then activates it anyway).
			 */
			if (folio_is_file_lru(page) &&
			    (!current_is_kswapd(m) || !PageReclaim(page) ||
			     !(pgdat->flags & (1UL << PGDAT_DIRTY)))) {
				mod_node_page_state(pgdat, NR_VMSCAN_IMMEDIATE_RECLAIM, nr_pages);
				SetPageReclaim(page);
				goto activate_locked;
			}
			if (references == FOLIOREF_RECLAIM_CLEAN)
				goto keep_locked;
			if (!may_enter_fs(page, sc->gfp_mask) || !sc->may_writepage)
				goto keep_locked;
			switch (pageout(m, page)) {
			case PAGE_KEEP:
				goto keep_locked;
			case PAGE_ACTIVATE:
				goto activate_locked;
			case PAGE_SUCCESS:
				stat->nr_pageout += (unsigned long)nr_pages;
				if (PageWriteback(page) || PageDirty(page))
					goto keep_locked;	/* -EIO: dirty again */
				break;
			case PAGE_CLEAN:
				break;
			}
		}
		if (PageAnon(page) && !PageSwapBacked(page)) {
			if (!lazyfree_can_free(page))
				goto keep_locked;
			count_vm_events(m, PGLAZYFREED, nr_pages);
		} else if (!folio_test_swapcache(page) && (PageAnon(page) || !page->mapping)) {
			goto keep_locked;	/* no cache to leave */
		} else if (!__remove_mapping(m, page)) {
			goto keep_locked;
		}
		ClearPageLocked(page);
		nr_reclaimed += (unsigned long)nr_pages;
		free_reclaimed_folio(m, page);
		continue;
activate_locked:
		/* not a candidate for swapping: give the slot back while swap is short */
		if (folio_test_swapcache(page) && (vm_swap_full(m) || PageMlocked(page)))
			folio_free_swap(m, page);
		if (!PageMlocked(page)) {
			SetPageActive(page);
			stat->nr_activate[folio_is_file_lru(page)] += (unsigned long)nr_pages;
		}
keep_locked:
		ClearPageLocked(page);
keep:
		list_add(&page->lru, &ret_folios);
	}
	pgactivate = stat->nr_activate[0] + stat->nr_activate[1];
	list_splice(&ret_folios, folio_list);
	count_vm_events(m, PGACTIVATE, (long)pgactivate);
	return nr_reclaimed;
}

/* ------------------------------------------------------------------ */
/* The inactive and active lists                                        */
/* ------------------------------------------------------------------ */

static unsigned long shrink_inactive_list(struct machine *m, unsigned long nr_to_scan,
					  struct lruvec *lruvec, struct scan_control *sc,
					  enum lru_list lru)
{
	pg_data_t *pgdat = lruvec_pgdat(lruvec);
	bool file = is_file_lru(lru);
	unsigned long nr_scanned, nr_taken, nr_reclaimed;
	struct reclaim_stat stat;
	LIST_HEAD(folio_list);

	lru_add_drain(m);
	spin_lock(&lruvec->lru_lock);
	nr_taken = isolate_lru_folios(m, nr_to_scan, lruvec, &folio_list, &nr_scanned, sc, lru);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + file, (long)nr_taken);
	count_vm_events(m, (enum vm_event_item)(PGSCAN_KSWAPD + reclaimer_offset(m)),
			(long)nr_scanned);
	count_vm_events(m, (enum vm_event_item)(PGSCAN_ANON + file), (long)nr_scanned);
	spin_unlock(&lruvec->lru_lock);
	if (!nr_taken)
		return 0;

	nr_reclaimed = shrink_folio_list(m, &folio_list, pgdat, sc, &stat, false);
	move_folios_to_lru(m, lruvec, &folio_list);

	spin_lock(&lruvec->lru_lock);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + file, -(long)nr_taken);
	count_vm_events(m, (enum vm_event_item)(PGSTEAL_KSWAPD + reclaimer_offset(m)),
			(long)nr_reclaimed);
	count_vm_events(m, (enum vm_event_item)(PGSTEAL_ANON + file), (long)nr_reclaimed);
	lru_note_cost(m, lruvec, file, stat.nr_pageout, nr_scanned - nr_reclaimed);
	spin_unlock(&lruvec->lru_lock);

	sc->nr.dirty += stat.nr_dirty;
	sc->nr.congested += stat.nr_congested;
	sc->nr.unqueued_dirty += stat.nr_unqueued_dirty;
	sc->nr.writeback += stat.nr_writeback;
	sc->nr.immediate += stat.nr_immediate;
	sc->nr.taken += nr_taken;
	if (file)
		sc->nr.file_taken += nr_taken;
	return nr_reclaimed;
}

/*
 * shrink_active_list: age nr_to_scan folios of an active list. All go to
 * the inactive list (PG_workingset: they were in the workingset) except
 * referenced executable file folios, which get one more round.
 */
static void shrink_active_list(struct machine *m, unsigned long nr_to_scan,
			       struct lruvec *lruvec, struct scan_control *sc, enum lru_list lru)
{
	pg_data_t *pgdat = lruvec_pgdat(lruvec);
	bool file = is_file_lru(lru);
	unsigned long nr_taken, nr_scanned, nr_deactivate, nr_rotated = 0;
	LIST_HEAD(l_hold);
	LIST_HEAD(l_active);
	LIST_HEAD(l_inactive);

	lru_add_drain(m);
	spin_lock(&lruvec->lru_lock);
	nr_taken = isolate_lru_folios(m, nr_to_scan, lruvec, &l_hold, &nr_scanned, sc, lru);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + file, (long)nr_taken);
	count_vm_events(m, PGREFILL, (long)nr_scanned);
	spin_unlock(&lruvec->lru_lock);

	while (!list_empty(&l_hold)) {
		struct page *page = list_last_entry(&l_hold, struct page, lru);
		unsigned long vm_flags;

		list_del(&page->lru);
		if (unlikely(PageMlocked(page))) {
			folio_putback_lru(m, page);
			continue;
		}
		if (folio_referenced_vmflags(m, page, &vm_flags) &&
		    (vm_flags & VM_EXEC) && folio_is_file_lru(page)) {
			nr_rotated += (unsigned long)folio_nr_pages(page);
			list_add(&page->lru, &l_active);
			continue;
		}
		ClearPageActive(page);	/* we are de-activating */
		SetPageWorkingset(page);
		list_add(&page->lru, &l_inactive);
	}
	move_folios_to_lru(m, lruvec, &l_active);
	nr_deactivate = move_folios_to_lru(m, lruvec, &l_inactive);
	count_vm_events(m, PGDEACTIVATE, (long)nr_deactivate);
	spin_lock(&lruvec->lru_lock);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON + file, -(long)nr_taken);
	lru_note_cost(m, lruvec, file, 0, nr_rotated);
	spin_unlock(&lruvec->lru_lock);
}

static unsigned long shrink_list(struct machine *m, enum lru_list lru, unsigned long nr_to_scan,
				 struct lruvec *lruvec, struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (1u << is_file_lru(lru)))
			shrink_active_list(m, nr_to_scan, lruvec, sc, lru);
		else
			sc->skipped_deactivate = 1;
		return 0;
	}
	return shrink_inactive_list(m, nr_to_scan, lruvec, sc, lru);
}

/* ------------------------------------------------------------------ */
/* How much to scan: get_scan_count                                     */
/* ------------------------------------------------------------------ */

/*
 * The anon:file split of SCAN_FRACT. Each side's cost is the total plus
 * its own (so neither gets less than a third of the pressure), and the
 * pressure on a side is swappiness (anon) or 200 - swappiness (file),
 * divided by that side's cost. fraction[0] anon, fraction[1] file.
 */
void scan_fraction(int swappiness, unsigned long sc_anon_cost, unsigned long sc_file_cost,
		   uint64_t fraction[2], uint64_t *denominator)
{
	unsigned long total_cost = sc_anon_cost + sc_file_cost;
	unsigned long anon_cost = total_cost + sc_anon_cost;
	unsigned long file_cost = total_cost + sc_file_cost;
	uint64_t ap, fp;

	total_cost = anon_cost + file_cost;
	ap = (uint64_t)swappiness * (total_cost + 1) / (anon_cost + 1);
	fp = (uint64_t)(MAX_SWAPPINESS - swappiness) * (total_cost + 1) / (file_cost + 1);
	fraction[0] = ap;
	fraction[1] = fp;
	*denominator = ap + fp;
}

/*
 * get_scan_count: nr[lru] = how many pages of each evictable list to scan
 * at sc->priority. anon_ok says whether anon can be reclaimed at all
 * (swap space left, and sc->may_swap).
 */
static void __get_scan_count(struct lruvec *lruvec, struct scan_control *sc, int swappiness,
			     bool anon_ok, unsigned long *nr)
{
	enum scan_balance scan_balance;
	uint64_t fraction[2] = { 0, 0 }, denominator = 0;

	if (!anon_ok)
		scan_balance = SCAN_FILE;
	else if (!sc->priority && swappiness)
		scan_balance = SCAN_EQUAL;	/* near OOM: both, by size */
	else if (sc->file_is_tiny)
		scan_balance = SCAN_ANON;	/* almost no file left */
	else if (sc->cache_trim_mode)
		scan_balance = SCAN_FILE;	/* plenty of inactive cache */
	else {
		scan_balance = SCAN_FRACT;
		scan_fraction(swappiness, sc->anon_cost, sc->file_cost, fraction, &denominator);
	}
	for (int lru = 0; lru < LRU_UNEVICTABLE; lru++) {
		bool file = is_file_lru((enum lru_list)lru);
		unsigned long scan = lruvec_lru_size(lruvec, (enum lru_list)lru, sc->reclaim_idx);

		scan >>= sc->priority;
		switch (scan_balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = denominator ? (unsigned long)(scan * fraction[file] / denominator) : 0;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((scan_balance == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[lru] = scan;
	}
}

static void get_scan_count(struct machine *m, struct lruvec *lruvec, struct scan_control *sc,
			   unsigned long *nr)
{
	__get_scan_count(lruvec, sc, m->sysctl.swappiness,
			 sc->may_swap && can_reclaim_anon_pages(m), nr);
}

/* ------------------------------------------------------------------ */
/* A node: shrink_lruvec, shrink_node                                   */
/* ------------------------------------------------------------------ */

/*
 * shrink_lruvec: scan the lists in SWAP_CLUSTER_MAX steps until the
 * targets are done; once nr_to_reclaim is met (except direct reclaim at
 * DEF_PRIORITY, which finishes its batch), stop the smaller of anon/file
 * and cut the other back to the share of its target already scanned.
 */
static void shrink_lruvec(struct machine *m, struct lruvec *lruvec, struct scan_control *sc)
{
	unsigned long nr[NR_LRU_LISTS] = { 0 }, targets[NR_LRU_LISTS];
	unsigned long nr_reclaimed = 0, nr_to_reclaim = sc->nr_to_reclaim;
	bool proportional_reclaim;

	get_scan_count(m, lruvec, sc, nr);
	memcpy(targets, nr, sizeof(nr));
	proportional_reclaim = !current_is_kswapd(m) && sc->priority == DEF_PRIORITY;

	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		unsigned long nr_anon, nr_file, percentage, nr_scanned;
		int lru;

		for (lru = 0; lru < LRU_UNEVICTABLE; lru++) {
			if (nr[lru]) {
				unsigned long nr_to_scan = min(nr[lru], SWAP_CLUSTER_MAX);

				nr[lru] -= nr_to_scan;
				nr_reclaimed += shrink_list(m, (enum lru_list)lru, nr_to_scan, lruvec, sc);
			}
		}
		if (nr_reclaimed < nr_to_reclaim || proportional_reclaim)
			continue;
		nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) {
			lru = LRU_INACTIVE_ANON;
			percentage = nr_anon * 100 /
				     (targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1);
		} else {
			lru = LRU_INACTIVE_FILE;
			percentage = nr_file * 100 /
				     (targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1);
		}
		nr[lru] = 0;
		nr[lru + LRU_ACTIVE] = 0;
		lru = (lru == LRU_INACTIVE_FILE) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
		for (int k = 0; k < 2; k++, lru += LRU_ACTIVE) {
			nr_scanned = targets[lru] - nr[lru];
			nr[lru] = targets[lru] * (100 - percentage) / 100;
			nr[lru] -= min(nr[lru], nr_scanned);
		}
	}
	sc->nr_reclaimed += nr_reclaimed;
	/* keep the anon inactive list filled even when only file was reclaimed */
	if (can_age_anon_pages(m) && inactive_is_low(lruvec, LRU_INACTIVE_ANON))
		shrink_active_list(m, SWAP_CLUSTER_MAX, lruvec, sc, LRU_ACTIVE_ANON);
}

/*
 * prepare_scan_control: the cost snapshot, whether the active lists may be
 * aged (inactive too small, or the workingset is moving: refaults since
 * the last snapshot), cache_trim_mode (enough inactive file that is not
 * thrashing: reclaim only that) and file_is_tiny (file + free below the
 * high watermarks: reclaim anon).
 */
static void prepare_scan_control(struct machine *m, pg_data_t *pgdat, struct scan_control *sc)
{
	struct lruvec *lruvec = &pgdat->__lruvec;
	unsigned long file, free = 0, anon, total_high_wmark = 0;

	(void)m;
	spin_lock(&lruvec->lru_lock);
	sc->anon_cost = lruvec->anon_cost;
	sc->file_cost = lruvec->file_cost;
	spin_unlock(&lruvec->lru_lock);
	if (!sc->force_deactivate) {
		if ((unsigned long)lruvec_page_state(lruvec, WORKINGSET_ACTIVATE_ANON) !=
			    lruvec->refaults[0] ||
		    inactive_is_low(lruvec, LRU_INACTIVE_ANON))
			sc->may_deactivate |= DEACTIVATE_ANON;
		else
			sc->may_deactivate &= ~DEACTIVATE_ANON;
		if ((unsigned long)lruvec_page_state(lruvec, WORKINGSET_ACTIVATE_FILE) !=
			    lruvec->refaults[1] ||
		    inactive_is_low(lruvec, LRU_INACTIVE_FILE))
			sc->may_deactivate |= DEACTIVATE_FILE;
		else
			sc->may_deactivate &= ~DEACTIVATE_FILE;
	} else {
		sc->may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
	}
	file = (unsigned long)lruvec_page_state(lruvec, NR_INACTIVE_FILE);
	sc->cache_trim_mode = (file >> sc->priority) && !(sc->may_deactivate & DEACTIVATE_FILE) &&
			      !sc->no_cache_trim_mode;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!zone->managed_pages)
			continue;
		free += (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
		total_high_wmark += high_wmark_pages(zone);
	}
	file = (unsigned long)(lruvec_page_state(lruvec, NR_ACTIVE_FILE) +
			       lruvec_page_state(lruvec, NR_INACTIVE_FILE));
	anon = (unsigned long)lruvec_page_state(lruvec, NR_INACTIVE_ANON);
	sc->file_is_tiny = file + free <= total_high_wmark &&
			   !(sc->may_deactivate & DEACTIVATE_ANON) && (anon >> sc->priority);
}

/* Remember the refault counters: prepare_scan_control compares against them. */
static void snapshot_refaults(pg_data_t *pgdat)
{
	struct lruvec *lruvec = &pgdat->__lruvec;

	lruvec->refaults[0] = (unsigned long)lruvec_page_state(lruvec, WORKINGSET_ACTIVATE_ANON);
	lruvec->refaults[1] = (unsigned long)lruvec_page_state(lruvec, WORKINGSET_ACTIVATE_FILE);
}

/* The node's slab pages (both kinds), for what the shrinkers give back. */
static long node_slab_pages(pg_data_t *pgdat)
{
	return (pgdat->vm_stat[NR_SLAB_RECLAIMABLE_B] + pgdat->vm_stat[NR_SLAB_UNRECLAIMABLE_B]) >>
	       PAGE_SHIFT;
}

/*
 * shrink_slab after the LRU (shrink_node_memcgs), and the slab pages it
 * freed counted as reclaimed (Linux's reclaim_state, flush_reclaim_state).
 */
static void shrink_slab_account(struct machine *m, pg_data_t *pgdat, struct scan_control *sc)
{
	long before = node_slab_pages(pgdat), after;

	shrink_slab(m, sc->gfp_mask, pgdat->node_id, sc->priority);
	after = node_slab_pages(pgdat);
	if (after < before)
		sc->nr_reclaimed += (unsigned long)(before - after);
}

static void shrink_node(struct machine *m, pg_data_t *pgdat, struct scan_control *sc)
{
	unsigned long nr_reclaimed = sc->nr_reclaimed;

	memset(&sc->nr, 0, sizeof(sc->nr));
	prepare_scan_control(m, pgdat, sc);
	shrink_lruvec(m, &pgdat->__lruvec, sc);
	shrink_slab_account(m, pgdat, sc);
	if (current_is_kswapd(m)) {
		if (sc->nr.writeback && sc->nr.writeback == sc->nr.taken)
			pgdat->flags |= 1UL << PGDAT_WRITEBACK;
		if (sc->nr.unqueued_dirty && sc->nr.unqueued_dirty == sc->nr.file_taken)
			pgdat->flags |= 1UL << PGDAT_DIRTY;
	}
	/* progress revives a node kswapd had given up on */
	if (sc->nr_reclaimed - nr_reclaimed)
		pgdat->kswapd_failures = 0;
	else if (sc->cache_trim_mode)
		sc->cache_trim_mode_failed = 1;
}

/* ------------------------------------------------------------------ */
/* Direct reclaim                                                       */
/* ------------------------------------------------------------------ */

/* Each node of the zonelist once, its zones up to reclaim_idx. */
static void shrink_zones(struct machine *m, struct zonelist *zonelist, struct scan_control *sc)
{
	struct zoneref *z = next_zones_zonelist(zonelist->_zonerefs, sc->reclaim_idx, sc->nodemask);
	pg_data_t *last_pgdat = NULL;
	struct zone *zone;

	for_next_zone_zonelist_nodemask(zone, z, sc->reclaim_idx, sc->nodemask) {
		if (!zone->managed_pages || zone->zone_pgdat == last_pgdat)
			continue;
		last_pgdat = zone->zone_pgdat;
		shrink_node(m, zone->zone_pgdat, sc);
	}
}

static unsigned long do_try_to_free_pages(struct machine *m, struct zonelist *zonelist,
					  struct scan_control *sc)
{
	int initial_priority = sc->priority;
	pg_data_t *last_pgdat;
	struct zoneref *z;
	struct zone *zone;

retry:
	count_vm_event(m, (enum vm_event_item)(ALLOCSTALL_DMA + zone_event_slot(m, sc->reclaim_idx)));
	do {
		sc->nr_scanned = 0;
		shrink_zones(m, zonelist, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
		if (sc->priority < DEF_PRIORITY - 2)
			sc->may_writepage = 1;
	} while (--sc->priority >= 0);

	last_pgdat = NULL;
	z = next_zones_zonelist(zonelist->_zonerefs, sc->reclaim_idx, sc->nodemask);
	for_next_zone_zonelist_nodemask(zone, z, sc->reclaim_idx, sc->nodemask) {
		if (zone->zone_pgdat == last_pgdat)
			continue;
		last_pgdat = zone->zone_pgdat;
		snapshot_refaults(zone->zone_pgdat);
	}
	if (sc->nr_reclaimed)
		return sc->nr_reclaimed;
	/* the ratios judged by the node skipped the active lists: force them once */
	if (sc->skipped_deactivate) {
		sc->priority = initial_priority;
		sc->force_deactivate = 1;
		sc->skipped_deactivate = 0;
		goto retry;
	}
	return 0;
}

unsigned long try_to_free_pages(struct machine *m, struct zonelist *zonelist, unsigned int order,
				gfp_t gfp, const unsigned long *nodemask)
{
	struct scan_control sc = {
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.gfp_mask = gfp,
		.reclaim_idx = gfp_zone(m, gfp),
		.order = (int)order,
		.nodemask = nodemask,
		.priority = DEF_PRIORITY,
		.may_writepage = 1,
		.may_unmap = 1,
		.may_swap = 1,
	};
	unsigned long nr_reclaimed;

	if (m->memalloc_nest)
		return 0;	/* PF_MEMALLOC: reclaim does not recurse */
	m->memalloc_nest++;
	nr_reclaimed = do_try_to_free_pages(m, zonelist, &sc);
	m->memalloc_nest--;
	return nr_reclaimed;
}

/* ------------------------------------------------------------------ */
/* MADV_PAGEOUT                                                          */
/* ------------------------------------------------------------------ */

static unsigned long reclaim_folio_list(struct machine *m, struct list_head *folio_list,
					pg_data_t *pgdat)
{
	struct scan_control sc = {
		.gfp_mask = GFP_KERNEL,
		.reclaim_idx = MAX_NR_ZONES - 1,
		.may_writepage = 1,
		.may_unmap = 1,
		.may_swap = 1,
	};
	struct reclaim_stat stat;
	unsigned long nr_reclaimed;

	nr_reclaimed = shrink_folio_list(m, folio_list, pgdat, &sc, &stat, true);
	while (!list_empty(folio_list)) {
		struct page *page = list_last_entry(folio_list, struct page, lru);

		list_del(&page->lru);
		folio_putback_lru(m, page);
	}
	return nr_reclaimed;
}

unsigned long reclaim_pages(struct machine *m, struct list_head *folio_list)
{
	unsigned long nr_reclaimed = 0;
	LIST_HEAD(node_folio_list);
	int nid;

	if (list_empty(folio_list))
		return 0;
	m->memalloc_nest++;
	nid = page_to_nid(list_last_entry(folio_list, struct page, lru));
	do {
		struct page *page = list_last_entry(folio_list, struct page, lru);

		if (nid == page_to_nid(page)) {
			ClearPageActive(page);
			list_move(&page->lru, &node_folio_list);
			continue;
		}
		nr_reclaimed += reclaim_folio_list(m, &node_folio_list, NODE_DATA(m, nid));
		nid = page_to_nid(list_last_entry(folio_list, struct page, lru));
	} while (!list_empty(folio_list));
	nr_reclaimed += reclaim_folio_list(m, &node_folio_list, NODE_DATA(m, nid));
	m->memalloc_nest--;
	return nr_reclaimed;
}

/* ------------------------------------------------------------------ */
/* kswapd                                                               */
/* ------------------------------------------------------------------ */

/*
 * Balanced when any eligible zone (bottom up) is above its high watermark
 * (which includes the boost) at this order. A node without a managed
 * eligible zone needs no balancing.
 */
static bool pgdat_balanced(pg_data_t *pgdat, int order, int highest_zoneidx)
{
	bool any = false;

	for (int i = 0; i <= highest_zoneidx && i < MAX_NR_ZONES; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!zone->managed_pages)
			continue;
		any = true;
		if (zone_watermark_ok(zone, (unsigned int)order, high_wmark_pages(zone),
				      (enum zone_type)highest_zoneidx, 0))
			return true;
	}
	return !any;
}

static bool pgdat_watermark_boosted(pg_data_t *pgdat, int highest_zoneidx)
{
	for (int i = highest_zoneidx; i >= 0; i--) {
		struct zone *zone = &pgdat->node_zones[i];

		if (zone->managed_pages && zone->watermark_boost)
			return true;
	}
	return false;
}

static bool prepare_kswapd_sleep(pg_data_t *pgdat, int order, int highest_zoneidx)
{
	if (pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES)
		return true;	/* hopeless node: leave it to direct reclaim */
	if (pgdat_balanced(pgdat, order, highest_zoneidx)) {
		pgdat->flags &= ~((1UL << PGDAT_DIRTY) | (1UL << PGDAT_WRITEBACK));
		return true;
	}
	return false;
}

/* Background aging of anon, whatever the zones (kswapd_age_node). */
static void kswapd_age_node(struct machine *m, pg_data_t *pgdat, struct scan_control *sc)
{
	struct lruvec *lruvec = &pgdat->__lruvec;

	if (!can_age_anon_pages(m) || !inactive_is_low(lruvec, LRU_INACTIVE_ANON))
		return;
	shrink_active_list(m, SWAP_CLUSTER_MAX, lruvec, sc, LRU_ACTIVE_ANON);
}

/* One shrink_node, aiming at each eligible zone's high watermark. */
static bool kswapd_shrink_node(struct machine *m, pg_data_t *pgdat, struct scan_control *sc)
{
	unsigned long nr_reclaimed = sc->nr_reclaimed;

	sc->nr_to_reclaim = 0;
	for (int z = 0; z <= (int)sc->reclaim_idx && z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (zone->managed_pages)
			sc->nr_to_reclaim += max(high_wmark_pages(zone), SWAP_CLUSTER_MAX);
	}
	shrink_node(m, pgdat, sc);
	/* two allocations' worth reclaimed: rebalance at order 0 (compact_gap) */
	if (sc->order && sc->nr_reclaimed >= 2UL << sc->order)
		sc->order = 0;
	return max(sc->nr_scanned, sc->nr_reclaimed - nr_reclaimed) >= sc->nr_to_reclaim;
}

/*
 * balance_pgdat: priority 12 down to 1 until the node is balanced. Boosted
 * watermarks (after fragmenting fallbacks) are reclaimed for too, without
 * writeback or swap, and the boost is consumed at the end. Returns the
 * order it balanced for.
 */
static int balance_pgdat(struct machine *m, pg_data_t *pgdat, int order, int highest_zoneidx)
{
	struct scan_control sc = {
		.gfp_mask = GFP_KERNEL,
		.order = order,
		.may_unmap = 1,
	};
	unsigned long zone_boosts[MAX_NR_ZONES] = { 0 }, nr_boost_reclaim = 0;
	bool boosted;

	count_vm_event(m, PAGEOUTRUN);
	for (int i = 0; i <= highest_zoneidx; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!zone->managed_pages)
			continue;
		nr_boost_reclaim += zone->watermark_boost;
		zone_boosts[i] = zone->watermark_boost;
	}
	boosted = nr_boost_reclaim;
restart:
	sc.priority = DEF_PRIORITY;
	do {
		unsigned long nr_reclaimed = sc.nr_reclaimed;
		bool raise_priority = true, balanced;

		sc.reclaim_idx = (enum zone_type)highest_zoneidx;
		balanced = pgdat_balanced(pgdat, sc.order, highest_zoneidx);
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;	/* real pressure: the boost waits */
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			goto out;
		if (nr_boost_reclaim && sc.priority == DEF_PRIORITY - 2)
			raise_priority = false;
		sc.may_writepage = !nr_boost_reclaim;
		sc.may_swap = !nr_boost_reclaim;
		kswapd_age_node(m, pgdat, &sc);
		if (sc.priority < DEF_PRIORITY - 2)
			sc.may_writepage = 1;
		if (kswapd_shrink_node(m, pgdat, &sc))
			raise_priority = false;
		nr_reclaimed = sc.nr_reclaimed - nr_reclaimed;
		nr_boost_reclaim -= min(nr_boost_reclaim, nr_reclaimed);
		if (nr_boost_reclaim && !nr_reclaimed)
			break;
		if (raise_priority || !nr_reclaimed)
			sc.priority--;
	} while (sc.priority >= 1);
	if (!sc.nr_reclaimed && sc.priority < 1 && !sc.no_cache_trim_mode &&
	    sc.cache_trim_mode_failed) {
		sc.no_cache_trim_mode = 1;
		goto restart;
	}
	if (!sc.nr_reclaimed)
		pgdat->kswapd_failures++;
out:
	if (boosted) {
		for (int i = 0; i <= highest_zoneidx; i++) {
			struct zone *zone = &pgdat->node_zones[i];

			if (!zone_boosts[i])
				continue;
			spin_lock(&zone->lock);
			zone->watermark_boost -= min(zone->watermark_boost, zone_boosts[i]);
			spin_unlock(&zone->lock);
		}
	}
	snapshot_refaults(pgdat);
	return sc.order;
}

/* kswapd_highest_zoneidx: the requested one, or the previous if none. */
static int kswapd_highest_zoneidx(pg_data_t *pgdat, int prev)
{
	int curr = (int)pgdat->kswapd_highest_zoneidx;

	return curr == MAX_NR_ZONES ? prev : curr;
}

/* The nap after balancing: HZ/10 of simulated time. */
#define KSWAPD_NAP_NS	(TICK_NSEC * (HZ / 10))

/*
 * kswapd_try_to_sleep with the nap still ahead: balanced -> nap (the
 * timer ends it); not balanced -> kswapd_high_wmark_hit_quickly and
 * another run at the next jiffy.
 */
static void kswapd_try_to_sleep(struct machine *m, pg_data_t *pgdat)
{
	if (prepare_kswapd_sleep(pgdat, pgdat->kswapd_reclaim_order, pgdat->kswapd_classzone)) {
		pgdat->kswapd_state = KSWAPD_NAPPING;
		mod_timer(&pgdat->kswapd_timer, m->clock_ns + KSWAPD_NAP_NS);
		return;
	}
	count_vm_event(m, KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	pgdat->kswapd_state = KSWAPD_WOKEN;
	mod_timer(&pgdat->kswapd_timer, m->clock_ns);	/* from a timer: the next jiffy */
}

/* One turn of kswapd's loop: read the request, balance, try to sleep. */
static void kswapd_run(struct machine *m, pg_data_t *pgdat)
{
	int alloc_order = pgdat->kswapd_order, reclaim_order;
	int highest_zoneidx = kswapd_highest_zoneidx(pgdat, pgdat->kswapd_classzone);

	pgdat->kswapd_order = 0;
	pgdat->kswapd_highest_zoneidx = MAX_NR_ZONES;
	pgdat->kswapd_awake = true;
	m->kswapd_running = true;
	m->memalloc_nest++;
	reclaim_order = balance_pgdat(m, pgdat, alloc_order, highest_zoneidx);
	m->memalloc_nest--;
	m->kswapd_running = false;
	pgdat->kswapd_classzone = highest_zoneidx;
	if (reclaim_order < alloc_order) {
		pgdat->kswapd_reclaim_order = reclaim_order;	/* kswapd_try_sleep with both */
	} else {
		/* the loop's top: a wake-up meanwhile may have asked for more */
		pgdat->kswapd_reclaim_order = pgdat->kswapd_order;
		pgdat->kswapd_classzone = kswapd_highest_zoneidx(pgdat, highest_zoneidx);
	}
	kswapd_try_to_sleep(m, pgdat);
}

static void kswapd_timer_fn(struct sim_timer *timer)
{
	pg_data_t *pgdat = container_of(timer, pg_data_t, kswapd_timer);
	struct machine *m = timer->machine;

	switch (pgdat->kswapd_state) {
	case KSWAPD_WOKEN:
		kswapd_run(m, pgdat);
		return;
	case KSWAPD_NAPPING:
		/* slept the whole nap: still balanced? then really sleep */
		if (prepare_kswapd_sleep(pgdat, pgdat->kswapd_reclaim_order,
					 pgdat->kswapd_classzone)) {
			pgdat->kswapd_state = KSWAPD_SLEEPING;
			pgdat->kswapd_awake = false;
			return;
		}
		count_vm_event(m, KSWAPD_HIGH_WMARK_HIT_QUICKLY);
		kswapd_run(m, pgdat);
		return;
	default:
		return;
	}
}

/*
 * wakeup_kswapd: record the order and zone asked for; wake the node's
 * kswapd (its run comes when the clock moves) unless it is already awake,
 * the node is hopeless, or it is balanced and not boosted. A wake-up
 * during the nap ends it early: kswapd_low_wmark_hit_quickly.
 */
void wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order,
		   enum zone_type highest_zoneidx)
{
	pg_data_t *pgdat = zone->zone_pgdat;
	struct machine *m = pgdat->machine;
	int curr_idx = (int)pgdat->kswapd_highest_zoneidx;

	(void)gfp;
	if (!zone->managed_pages || !m->lru_fbatches)
		return;		/* before vmscan_init: no kswapd yet */
	if (curr_idx == MAX_NR_ZONES || curr_idx < (int)highest_zoneidx)
		pgdat->kswapd_highest_zoneidx = highest_zoneidx;
	if (pgdat->kswapd_order < (int)order)
		pgdat->kswapd_order = (int)order;
	if (pgdat->kswapd_state == KSWAPD_WOKEN)
		return;		/* running or about to: nobody waits on the queue */
	if (pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	    (pgdat_balanced(pgdat, (int)order, (int)highest_zoneidx) &&
	     !pgdat_watermark_boosted(pgdat, (int)highest_zoneidx)))
		return;
	if (pgdat->kswapd_state == KSWAPD_NAPPING) {
		/* woken early: keep what the interrupted sleep was for */
		pgdat->kswapd_highest_zoneidx =
			(enum zone_type)kswapd_highest_zoneidx(pgdat, pgdat->kswapd_classzone);
		if (pgdat->kswapd_order < pgdat->kswapd_reclaim_order)
			pgdat->kswapd_order = pgdat->kswapd_reclaim_order;
		count_vm_event(m, KSWAPD_LOW_WMARK_HIT_QUICKLY);
	}
	pgdat->kswapd_state = KSWAPD_WOKEN;
	pgdat->kswapd_awake = true;
	mod_timer(&pgdat->kswapd_timer, m->clock_ns);
}

int vmscan_init(struct machine *m)
{
	pg_data_t *pgdat;
	int nid;

	if (lru_batches_init(m))
		return -ENOMEM;
	for_each_online_pgdat(m, pgdat, nid) {
		timer_setup(m, &pgdat->kswapd_timer, kswapd_timer_fn, (unsigned long)nid);
		pgdat->kswapd_state = KSWAPD_SLEEPING;
		pgdat->kswapd_order = 0;
		pgdat->kswapd_highest_zoneidx = MAX_NR_ZONES;
		pgdat->kswapd_classzone = MAX_NR_ZONES - 1;
		pgdat->kswapd_reclaim_order = 0;
		pgdat->kswapd_awake = false;
	}
	return 0;
}

void vmscan_exit(struct machine *m)
{
	pg_data_t *pgdat;
	int nid;

	if (!m->lru_fbatches)
		return;
	for_each_online_pgdat(m, pgdat, nid)
		timer_delete(&pgdat->kswapd_timer);
	lru_batches_exit(m);
}
