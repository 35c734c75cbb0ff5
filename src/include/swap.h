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
 * No per-CPU batches yet (Linux's lru_add fbatch of 15): every add and
 * move is on the lists at once.
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

/*
 * Move the pages waiting in per-CPU LRU batches onto the lists: this CPU's
 * (lru_add_drain) or every CPU's. No batches yet (issue 5), so both are
 * empty today; callers and tests that read LRU counters call them already.
 */
void lru_add_drain(struct machine *m);
void lru_add_drain_all(struct machine *m);

/* The list a page belongs on, from its flags. */
enum lru_list folio_lru_list(const struct page *page);

/* Debug: LRU lists against flags and counters; returns problems found. */
int validate_lru(struct machine *m);

#endif
