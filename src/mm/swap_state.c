/*
 * swap_state.c - the swap cache (Linux 6.18's mm/swap_state.c over the
 * swap table of mm/swap_table.h) and swapin readahead.
 *
 * The swap cache maps a swap entry to the folio holding its data while
 * the folio is being written out, read in, or mapped after a swapin with
 * its slot kept. Linux 6.18 keeps it in each cluster's swap table rather
 * than in a per-device xarray: word i of the cluster's table is 0, the
 * folio (a struct page * here), or a shadow value left by reclaim
 * (bit 0 set, xa_mk_value's shape) for workingset refault detection.
 *
 * A folio in the swap cache: PG_swapcache (on a PG_swapbacked page),
 * private = its entry, one reference held by the cache, counted in
 * NR_SWAPCACHE and NR_FILE_PAGES of its node, and its slot has
 * SWAP_HAS_CACHE. An anonymous folio keeps its anon_vma in mapping.
 *
 * Readahead: swapin uses Linux's VMA-based readahead (the default for a
 * swap file on a non-rotational disk): the window, up to 2^page_cluster
 * pages (at most 32), grows with the hits the last window earned
 * (vma->swap_readahead_info: the last fault address, window and hits, as
 * Linux packs them) and covers the swap ptes around the fault inside the
 * VMA and its page table. Pages read ahead are PG_readahead (PG_reclaim)
 * and count swap_ra; finding one later counts swap_ra_hit.
 *
 * Locks: page table lock > swap_lock > i_pages (the table) > lru.
 */
#include <errno.h>
#include <string.h>

#include "memory.h"
#include "mempolicy.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "swap_internal.h"
#include "vma.h"
#include "vmscan.h"

#define PG_readahead		PG_reclaim
#define SWAP_RA_ORDER_CEILING	5
#define SWAP_RA_WIN_SHIFT	(PAGE_SHIFT / 2)
#define SWAP_RA_HITS_MASK	((1UL << SWAP_RA_WIN_SHIFT) - 1)
#define SWAP_RA_HITS_MAX	SWAP_RA_HITS_MASK
#define SWAP_RA_WIN_MASK	(~PAGE_MASK & ~SWAP_RA_HITS_MASK)
#define SWAP_RA_HITS(v)		((v) & SWAP_RA_HITS_MASK)
#define SWAP_RA_WIN(v)		(((v) & SWAP_RA_WIN_MASK) >> SWAP_RA_WIN_SHIFT)
#define SWAP_RA_ADDR(v)		((v) & PAGE_MASK)
#define SWAP_RA_VAL(addr, win, hits) \
	(((addr) & PAGE_MASK) | (((win) << SWAP_RA_WIN_SHIFT) & SWAP_RA_WIN_MASK) | \
	 ((hits) & SWAP_RA_HITS_MASK))

/* ---------------------------------------------------------------------- */
/* The cache                                                               */
/* ---------------------------------------------------------------------- */

static unsigned long *entry_table_slot(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);

	return si ? swap_table_slot(si, swp_offset(entry)) : NULL;
}

struct page *swap_cache_peek(struct machine *m, swp_entry_t entry)
{
	unsigned long *tb = entry_table_slot(m, entry);

	if (!tb || !*tb || swp_tb_is_value(*tb))
		return NULL;
	return (struct page *)*tb;
}

void *get_shadow_from_swap_cache(struct machine *m, swp_entry_t entry)
{
	unsigned long *tb = entry_table_slot(m, entry);

	return tb && swp_tb_is_value(*tb) ? (void *)*tb : NULL;
}

static void swap_cache_mod_stats(struct machine *m, struct page *folio, long nr)
{
	pg_data_t *pgdat = page_pgdat(m, folio);

	mod_node_page_state(pgdat, NR_FILE_PAGES, nr);
	mod_node_page_state(pgdat, NR_SWAPCACHE, nr);
}

void swap_cache_add_folio(struct machine *m, struct page *folio, swp_entry_t entry,
			  void **shadow)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);
	unsigned long *tb = swap_table_slot(si, swp_offset(entry));

	VM_BUG_ON_PAGE(folio_test_swapcache(folio) || PageTail(folio), m, folio);
	VM_BUG_ON(!tb || (*tb && !swp_tb_is_value(*tb)));
	if (shadow)
		*shadow = *tb ? (void *)*tb : NULL;
	*tb = (unsigned long)folio;
	get_page(folio);
	SetPageSwapBacked(folio);
	folio->flags |= 1UL << PG_swapcache;
	folio->private = entry.val;
	swap_cache_mod_stats(m, folio, 1);
}

void __delete_from_swap_cache(struct machine *m, struct page *folio, void *shadow)
{
	swp_entry_t entry = folio_swap_entry(folio);
	unsigned long *tb = entry_table_slot(m, entry);

	VM_BUG_ON_PAGE(!folio_test_swapcache(folio), m, folio);
	VM_BUG_ON_PAGE(!tb || *tb != (unsigned long)folio, m, folio);
	VM_BUG_ON(shadow && !swp_tb_is_value((unsigned long)shadow));
	*tb = (unsigned long)shadow;
	folio->flags &= ~(1UL << PG_swapcache);
	folio->private = 0;
	swap_cache_mod_stats(m, folio, -1);
	put_page(m, folio);	/* the cache's reference */
}

void delete_from_swap_cache(struct machine *m, struct page *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);

	get_page(folio);	/* __delete_from_swap_cache drops the cache's */
	__delete_from_swap_cache(m, folio, NULL);
	put_swap_folio(m, folio, entry);
	put_page(m, folio);
}

int add_to_swap(struct machine *m, struct page *folio)
{
	swp_entry_t entry;

	VM_BUG_ON_PAGE(!PageAnon(folio) || !PageSwapBacked(folio) || PageCompound(folio), m,
		       folio);
	if (folio_test_swapcache(folio))
		return 0;
	entry = folio_alloc_swap_slot(m);
	if (!entry.val)
		return -ENOMEM;
	swap_cache_add_folio(m, folio, entry, NULL);
	/* Reclaim writes a folio only if dirty: its data is not on the device yet. */
	SetPageDirty(folio);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Lookup with readahead accounting                                        */
/* ---------------------------------------------------------------------- */

static bool folio_test_clear_readahead(struct page *folio)
{
	bool was = test_bit_flag(folio, PG_readahead);

	folio->flags &= ~(1UL << PG_readahead);
	return was;
}

struct page *swap_cache_get_folio(struct machine *m, swp_entry_t entry,
				  struct vm_area_struct *vma, unsigned long addr)
{
	struct page *folio = swap_cache_peek(m, entry);
	bool readahead;

	if (!folio)
		return NULL;
	get_page(folio);
	readahead = folio_test_clear_readahead(folio);
	if (vma) {	/* swap_update_readahead */
		unsigned long ra = vma->swap_readahead_info;
		unsigned long win = SWAP_RA_WIN(ra), hits = SWAP_RA_HITS(ra);

		if (readahead)
			hits = min(hits + 1, SWAP_RA_HITS_MAX);
		vma->swap_readahead_info = SWAP_RA_VAL(addr, win, hits);
	}
	if (readahead)
		count_vm_event(m, SWAP_RA_HIT);
	return folio;
}

/* ---------------------------------------------------------------------- */
/* Reading into the cache                                                  */
/* ---------------------------------------------------------------------- */

/*
 * __read_swap_cache_async: the folio for entry, from the cache or a new
 * one added to it (*allocated; the caller reads it). NULL with *err.
 */
static struct page *read_swap_cache_prepare(struct machine *m, swp_entry_t entry, gfp_t gfp,
					    struct vm_area_struct *vma, unsigned long addr,
					    bool *allocated, int *err)
{
	struct page *folio = swap_cache_peek(m, entry);
	void *shadow;

	*allocated = false;
	if (folio) {
		get_page(folio);
		return folio;
	}
	if (!__swap_count(m, entry)) {	/* freed meanwhile: nothing to read */
		*err = -ENOENT;
		return NULL;
	}
	folio = vma ? vma_alloc_folio(gfp, 0, vma, addr) : alloc_pages(m, gfp, 0);
	if (!folio) {
		*err = -ENOMEM;
		return NULL;
	}
	if (swapcache_prepare(m, entry)) {
		put_page(m, folio);
		*err = -EEXIST;
		return NULL;
	}
	SetPageLocked(folio);
	SetPageSwapBacked(folio);
	swap_cache_add_folio(m, folio, entry, &shadow);
	if (shadow)	/* evicted by reclaim: was it in the workingset? */
		workingset_refault(m, folio, shadow);
	folio_add_lru(m, folio);
	*allocated = true;
	return folio;
}

/* The read failed: the folio leaves the cache again and is freed. */
static void swapin_failed(struct machine *m, struct page *folio)
{
	ClearPageLocked(folio);
	lruvec_del_folio(m, folio);
	delete_from_swap_cache(m, folio);
	ClearPageDirty(folio);
}

/* Read a folio just added to the cache; -EIO drops it (its caller's reference stays). */
static int swapin_read(struct machine *m, struct page *folio)
{
	int ret = swap_read_folio(m, folio);

	if (ret) {
		swapin_failed(m, folio);
		return ret;
	}
	ClearPageLocked(folio);
	return 0;
}

struct page *swapin_single(struct machine *m, swp_entry_t entry, gfp_t gfp,
			   struct vm_area_struct *vma, unsigned long addr, bool *major, int *err)
{
	struct page *folio;
	bool allocated;

	*major = false;
	folio = swap_cache_get_folio(m, entry, vma, addr);
	if (folio)
		return folio;
	folio = read_swap_cache_prepare(m, entry, gfp, vma, addr, &allocated, err);
	if (!folio)
		return NULL;
	*major = allocated;
	if (allocated && (*err = swapin_read(m, folio))) {
		put_page(m, folio);
		return NULL;
	}
	return folio;
}

/* __swapin_nr_pages: Linux's heuristic, hits + 2 rounded up, never shrinking fast. */
static unsigned int swapin_nr_pages(unsigned long prev_offset, unsigned long offset, int hits,
				    int max_pages, int prev_win)
{
	unsigned int pages = (unsigned int)hits + 2, last_ra;

	if (pages == 2) {
		if (offset != prev_offset + 1 && offset != prev_offset - 1)
			pages = 1;
	} else {
		unsigned int roundup = 4;

		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > (unsigned int)max_pages)
		pages = (unsigned int)max_pages;
	last_ra = (unsigned int)prev_win / 2;
	if (pages < last_ra)
		pages = last_ra;
	return pages;
}

/* swap_vma_ra_win: the window for this fault, [*start, *end) inside VMA and pte table. */
static unsigned int swap_vma_ra_win(struct machine *m, struct vm_area_struct *vma,
				    unsigned long faddr, unsigned long *start, unsigned long *end)
{
	unsigned int max_win = 1U << min(m->sysctl.page_cluster, SWAP_RA_ORDER_CEILING);
	unsigned long ra = vma->swap_readahead_info, prev = SWAP_RA_ADDR(ra), left, right;
	unsigned int win;

	if (max_win == 1)
		return 1;
	win = swapin_nr_pages(PFN_DOWN(prev), PFN_DOWN(faddr), (int)SWAP_RA_HITS(ra),
			      (int)max_win, (int)SWAP_RA_WIN(ra));
	vma->swap_readahead_info = SWAP_RA_VAL(faddr, (unsigned long)win, 0UL);
	if (win == 1)
		return 1;
	if (faddr == prev + PAGE_SIZE)
		left = faddr;
	else if (prev == faddr + PAGE_SIZE)
		left = faddr - ((unsigned long)win << PAGE_SHIFT) + PAGE_SIZE;
	else
		left = faddr - (((unsigned long)(win - 1) / 2) << PAGE_SHIFT);
	right = left + ((unsigned long)win << PAGE_SHIFT);
	if ((long)left < 0)
		left = 0;
	*start = max(max(left, vma->vm_start), faddr & PMD_MASK);
	*end = min(min(right, vma->vm_end), (faddr & PMD_MASK) + PMD_SIZE);
	return win;
}

struct page *swapin_readahead(struct machine *m, swp_entry_t entry, struct vm_area_struct *vma,
			      unsigned long addr, pte_t *ptep, bool *major, int *err)
{
	unsigned long start, end;
	struct page *folio;

	*major = false;
	folio = swap_cache_get_folio(m, entry, vma, addr);
	if (folio)
		return folio;
	if (swap_vma_ra_win(m, vma, addr, &start, &end) > 1) {
		pte_t *pte = ptep - pte_index(addr) + pte_index(start);

		for (unsigned long a = start; a < end; a += PAGE_SIZE, pte++) {
			swp_entry_t e;
			bool allocated;
			int ignored;
			struct page *ra;

			if (a == addr || !is_swap_pte(*pte))
				continue;
			e = pte_to_swp_entry(*pte);
			if (!swap_entry_valid(m, e))
				continue;
			ra = read_swap_cache_prepare(m, e, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, vma, a,
						     &allocated, &ignored);
			if (!ra)
				continue;
			if (allocated && !swapin_read(m, ra)) {
				ra->flags |= 1UL << PG_readahead;
				count_vm_event(m, SWAP_RA);
			}
			put_page(m, ra);
		}
	}
	return swapin_single(m, entry, GFP_HIGHUSER_MOVABLE, vma, addr, major, err);
}
