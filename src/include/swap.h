/*
 * swap.h - page references and the LRU lists (mm/swap.c), the part of
 * Linux's swap.h that exists before swap devices do.
 *
 * put_page drops a reference; the last one takes the page off its LRU
 * list, forgets its mapping and frees it. folio_add_lru puts a newly
 * mapped user page on its node's LRU: anonymous pages on the inactive anon
 * list (Linux 5.9+), mlocked pages on the unevictable list, file pages on
 * inactive file. The LRU counters (nr_inactive_anon ... and the zone's
 * nr_zone_*) move with the lists.
 *
 * Invariants: PageLRU iff on a list, except that the unevictable list
 * links nothing (Linux 5.18+: its pages keep mlock_count there instead);
 * the list a page is on matches its flags (PG_active, PG_unevictable,
 * PG_swapbacked); counters equal lengths; nr_mlock counts PG_mlocked.
 * A folio queued in a per-CPU batch holds a reference and keeps its
 * flags until the batch moves it (see lru_add_drain below).
 */
#ifndef MMSIM_SWAP_H
#define MMSIM_SWAP_H

#include "mm.h"

static inline void get_page(struct page *page)
{
	page_ref_inc(compound_head(page));
}
void put_page(struct machine *m, struct page *page);

void folio_add_lru(struct machine *m, struct page *page);
/* A new page mapped into vma: unevictable if the VMA is locked (mlock). */
void folio_add_lru_vma(struct machine *m, struct page *page, struct vm_area_struct *vma);
/* Off the LRU (page freed, isolated); no-op if not PageLRU. */
void lruvec_del_folio(struct machine *m, struct page *page);
/* mlock/munlock of a mapped page: PG_mlocked, NR_MLOCK, unevictable list. */
void mlock_page(struct machine *m, struct page *page);
void munlock_page(struct machine *m, struct page *page);

/* Pages in a folio (1 << its order). */
static inline long folio_nr_pages(const struct page *page)
{
	return 1L << compound_order(page);
}

/*
 * Per-CPU LRU batches (Linux 6.10+: 31 folios per batch). Each call below
 * queues the folio on the running CPU's batch with a reference; the move
 * happens when the batch is full, at once for a large folio, or at a
 * drain: this CPU's (lru_add_drain) or every CPU's (lru_add_drain_all).
 * Tests and callers that read LRU counters drain first, as Linux's do.
 */
#define FOLIO_BATCH_SIZE	31
void lru_add_drain(struct machine *m);
void lru_add_drain_all(struct machine *m);
int lru_batches_pending(struct machine *m, int cpu);	/* folios queued on cpu */
/* mark_page_accessed's second step: inactive -> active, through the batch. */
void folio_activate(struct machine *m, struct page *page);
/* MADV_COLD: an active folio to its inactive list (pgdeactivate). */
void folio_deactivate(struct machine *m, struct page *page);
/* Invalidation failed (mapped/dirty file folio): inactive, reclaim it soon. */
void folio_deactivate_file(struct machine *m, struct page *page);
/* MADV_FREE: a clean anon folio loses PG_swapbacked, to the inactive file list. */
void folio_mark_lazyfree(struct machine *m, struct page *page);
/* Writeback ended on a PG_reclaim folio: to the inactive tail (pgrotated). */
void folio_rotate_reclaimable(struct machine *m, struct page *page);
/* An isolated folio back to the LRU, and the isolation reference dropped. */
void folio_putback_lru(struct machine *m, struct page *page);
/* Boot/shutdown: the per-CPU batches (percpu area); exit drains them. */
int lru_batches_init(struct machine *m);
void lru_batches_exit(struct machine *m);

/*
 * For vmscan.c, with the lruvec's lru_lock held (Linux's mm_inline.h):
 * add at the head or the tail of the list the flags say, or delete; the
 * counters follow, PG_lru is the caller's. lru_note_cost records reclaim
 * cost (pages written, rotated) for get_scan_count's anon/file balance.
 */
struct lruvec *folio_lruvec(struct machine *m, const struct page *page);
void update_lru_size(struct machine *m, struct lruvec *lruvec, const struct page *page,
		     enum lru_list lru, long nr);
void __lruvec_add_folio(struct machine *m, struct lruvec *lruvec, struct page *page);
void __lruvec_add_folio_tail(struct machine *m, struct lruvec *lruvec, struct page *page);
void __lruvec_del_folio(struct machine *m, struct lruvec *lruvec, struct page *page);
void lru_note_cost(struct machine *m, struct lruvec *lruvec, bool file, unsigned long nr_io,
		   unsigned long nr_rotated);
void lru_note_cost_refault(struct machine *m, struct page *page);

/* The list a page belongs on, from its flags. */
enum lru_list folio_lru_list(const struct page *page);

/* Debug: LRU lists against flags and counters; returns problems found. */
int validate_lru(struct machine *m);

#endif
