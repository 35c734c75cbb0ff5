/*
 * swap.c - page references and the LRU lists (Linux's mm/swap.c, with the
 * mlock side of mm/mlock.c and the list helpers of mm_inline.h).
 *
 * Each node has one lruvec (no memcg): inactive/active anon, inactive/
 * active file, and unevictable. Which list a page belongs on follows from
 * its flags (folio_lru_list): PG_unevictable, else PG_swapbacked (anon and
 * shmem) or not (file), PG_active. The node's nr_inactive_anon ...
 * nr_unevictable and the zone's nr_zone_* counters move with every add and
 * delete, so /proc/meminfo's Active/Inactive/Unevictable lines are exact.
 *
 * Page states on the LRU (under the node's lru_lock):
 *
 *   state           PG_lru  PG_unevictable  linked   lru field
 *   off the LRU     0       0 (or kept)     no       owner's
 *   evictable       1       0               list     list pointers
 *   unevictable     1       1               no       mlock_count
 *
 * The unevictable "list" links nothing (Linux 5.18+): reclaim never scans
 * it, and the word the list pointers used holds mlock_count, the number of
 * mlocked VMAs mapping the page (it may undercount; Linux lets reclaim
 * correct that, so do we). PG_mlocked pages are counted in the zone's
 * nr_mlock. A page mlocked while off the LRU gets PG_mlocked and NR_MLOCK
 * only; folio_add_lru then puts it on the unevictable list.
 *
 * Per-CPU folio batches (Linux 6.10+'s cpu_fbatches, 31 folios each):
 * folio_add_lru, folio_activate (mark_page_accessed's second step),
 * folio_deactivate (MADV_COLD), folio_deactivate_file, folio_mark_lazyfree
 * (MADV_FREE) and folio_rotate_reclaimable queue the folio on the running
 * CPU's batch, holding a reference; the move happens when the batch fills,
 * when a large folio joins it, or at lru_add_drain (reclaim, munmap, exit,
 * MADV_PAGEOUT, COW reuse ... call it, as Linux does). So between drains a
 * new page is off every list (PG_lru clear) and counted nowhere, and a
 * queued move shows later, exactly as a host shows it. A batch's
 * reference keeps a page alive: a page unmapped while queued is freed at
 * the drain. mlock's own batch (mlock_fbatch) is not simulated: mlock moves
 * happen at once.
 *
 * Lock order: page table lock > lru_lock > pcp->lock > zone->lock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mm.h"
#include "swap.h"
#include "hugetlb.h"
#include "machine.h"
#include "percpu.h"
#include "vmscan.h"
#include "huge_mm.h"

BUILD_BUG_ON(NR_ACTIVE_ANON != NR_INACTIVE_ANON + LRU_ACTIVE_ANON);
BUILD_BUG_ON(NR_UNEVICTABLE != NR_INACTIVE_ANON + LRU_UNEVICTABLE);
BUILD_BUG_ON(NR_ZONE_ACTIVE_FILE != NR_ZONE_INACTIVE_ANON + LRU_ACTIVE_FILE);
BUILD_BUG_ON(NR_ZONE_UNEVICTABLE != NR_ZONE_INACTIVE_ANON + LRU_UNEVICTABLE);

/* The node's lruvec (one per node: no memcg). */
struct lruvec *folio_lruvec(struct machine *m, const struct page *page)
{
	return &page_pgdat(m, page)->__lruvec;
}

/*
 * Evictable unless mlocked. (Linux also asks the mapping: SHM_LOCK and
 * ramfs mark an address_space unevictable; neither exists here yet.)
 */
static inline bool folio_evictable(const struct page *page)
{
	return !PageMlocked(page);
}

enum lru_list folio_lru_list(const struct page *page)
{
	enum lru_list lru;

	if (PageUnevictable(page))
		return LRU_UNEVICTABLE;
	lru = PageSwapBacked(page) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
	if (PageActive(page))
		lru += LRU_ACTIVE;
	return lru;
}

/* The lruvec's, the node's and the zone's count of one list, together. */
void update_lru_size(struct machine *m, struct lruvec *lruvec, const struct page *page,
		     enum lru_list lru, long nr)
{
	pg_data_t *pgdat = page_pgdat(m, page);

	lruvec->nr_pages[lru] += nr;
	mod_node_page_state(pgdat, NR_INACTIVE_ANON + lru, nr);
	mod_zone_page_state(&pgdat->node_zones[page_zonenum(page)], NR_ZONE_INACTIVE_ANON + lru,
			    nr);
}

/* Linux's lruvec_add_folio: the list from the flags; PG_lru is the caller's. */
void __lruvec_add_folio(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = folio_lru_list(page);

	update_lru_size(m, lruvec, page, lru, folio_nr_pages(page));
	if (lru != LRU_UNEVICTABLE)
		list_add(&page->lru, &lruvec->lists[lru]);
}

/* lruvec_add_folio_tail: the end reclaim takes first. */
void __lruvec_add_folio_tail(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = folio_lru_list(page);

	update_lru_size(m, lruvec, page, lru, folio_nr_pages(page));
	if (lru != LRU_UNEVICTABLE)
		list_add_tail(&page->lru, &lruvec->lists[lru]);
}

/* Linux's lruvec_del_folio: off its list and counts; flags untouched. */
void __lruvec_del_folio(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = folio_lru_list(page);

	if (lru != LRU_UNEVICTABLE)
		list_del(&page->lru);
	update_lru_size(m, lruvec, page, lru, -folio_nr_pages(page));
}

void lruvec_del_folio(struct machine *m, struct page *page)
{
	struct lruvec *lruvec;

	page = compound_head(page);
	if (!PageLRU(page))
		return;
	lruvec = folio_lruvec(m, page);
	spin_lock(&lruvec->lru_lock);
	ClearPageLRU(page);	/* isolated: PG_active/PG_unevictable stay, as Linux's */
	__lruvec_del_folio(m, lruvec, page);
	spin_unlock(&lruvec->lru_lock);
}

/* ------------------------------------------------------------------ */
/* Per-CPU folio batches (cpu_fbatches)                                */
/* ------------------------------------------------------------------ */

/* Linux's lru_add (the lru_add batch's move function). */
static void lru_add(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	bool was_unevictable = PageUnevictable(page);
	long nr = folio_nr_pages(page);

	VM_BUG_ON_PAGE(PageLRU(page), m, page);
	ClearPageUnevictable(page);
	if (folio_evictable(page)) {
		if (was_unevictable)
			count_vm_events(m, UNEVICTABLE_PGS_RESCUED, nr);
	} else {
		ClearPageActive(page);
		SetPageUnevictable(page);
		page->__filler = NULL;
		/* mlock_count unknown here: undercount, reclaim corrects it */
		page->mlock_count = 0;
		if (!was_unevictable)
			count_vm_events(m, UNEVICTABLE_PGS_CULLED, nr);
	}
	__lruvec_add_folio(m, lruvec, page);
}

/* Writeback ended on a folio reclaim wanted: to the tail, reclaimed next. */
static void lru_move_tail(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	if (PageUnevictable(page))
		return;
	__lruvec_del_folio(m, lruvec, page);
	ClearPageActive(page);
	__lruvec_add_folio_tail(m, lruvec, page);
	count_vm_events(m, PGROTATED, folio_nr_pages(page));
}

static void lru_activate(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	if (PageActive(page) || PageUnevictable(page))
		return;
	__lruvec_del_folio(m, lruvec, page);
	SetPageActive(page);
	__lruvec_add_folio(m, lruvec, page);
	count_vm_events(m, PGACTIVATE, folio_nr_pages(page));
}

/*
 * A clean unmapped file folio goes to the inactive tail (reclaimed next);
 * a dirty one to the inactive head with PG_reclaim (the flusher writes it
 * first, then lru_move_tail); a mapped one stays (someone uses it).
 */
static void lru_deactivate_file(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	bool active = PageActive(page);
	long nr = folio_nr_pages(page);

	if (PageUnevictable(page) || page_mapped(page))
		return;
	__lruvec_del_folio(m, lruvec, page);
	ClearPageActive(page);
	ClearPageReferenced(page);
	if (PageWriteback(page) || PageDirty(page)) {
		__lruvec_add_folio(m, lruvec, page);
		SetPageReclaim(page);
	} else {
		__lruvec_add_folio_tail(m, lruvec, page);
		count_vm_events(m, PGROTATED, nr);
	}
	if (active)
		count_vm_events(m, PGDEACTIVATE, nr);
}

static void lru_deactivate(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	if (PageUnevictable(page) || !PageActive(page))
		return;
	__lruvec_del_folio(m, lruvec, page);
	ClearPageActive(page);
	ClearPageReferenced(page);
	__lruvec_add_folio(m, lruvec, page);
	count_vm_events(m, PGDEACTIVATE, folio_nr_pages(page));
}

/* MADV_FREE: a clean anon folio without swap backing, on the inactive file list. */
static void lru_lazyfree(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	if (!PageAnon(page) || !PageSwapBacked(page) || test_bit_flag(page, PG_swapcache) ||
	    PageUnevictable(page))
		return;
	__lruvec_del_folio(m, lruvec, page);
	ClearPageActive(page);
	ClearPageReferenced(page);
	ClearPageSwapBacked(page);
	__lruvec_add_folio(m, lruvec, page);
	count_vm_events(m, PGLAZYFREE, folio_nr_pages(page));
}

typedef void (*move_fn_t)(struct machine *m, struct lruvec *lruvec, struct page *page);

/* cpu_fbatches' members, in Linux's order (lru_add_drain_cpu drains them so). */
enum fbatch_kind {
	FB_LRU_ADD,
	FB_MOVE_TAIL,
	FB_DEACTIVATE_FILE,
	FB_DEACTIVATE,
	FB_LAZYFREE,
	FB_ACTIVATE,
	NR_FBATCHES
};

static const move_fn_t fbatch_move_fn[NR_FBATCHES] = {
	[FB_LRU_ADD] = lru_add,
	[FB_MOVE_TAIL] = lru_move_tail,
	[FB_DEACTIVATE_FILE] = lru_deactivate_file,
	[FB_DEACTIVATE] = lru_deactivate,
	[FB_LAZYFREE] = lru_lazyfree,
	[FB_ACTIVATE] = lru_activate,
};

struct folio_batch {
	unsigned char nr;
	struct page *folios[FOLIO_BATCH_SIZE];
};

struct cpu_fbatches {
	struct folio_batch fb[NR_FBATCHES];
};

static struct cpu_fbatches *cpu_fbatches(struct machine *m, int cpu)
{
	return (struct cpu_fbatches *)((char *)m->lru_fbatches + (size_t)cpu * m->pcpu.unit_size);
}

/*
 * folio_batch_move_lru: each folio still on the LRU (or, for lru_add, not
 * yet on it) is moved under its lruvec's lock; then the batch's references
 * go, which may free a folio unmapped meanwhile. The batch is emptied
 * before anything runs, so a move may queue more.
 */
static void folio_batch_move_lru(struct machine *m, struct folio_batch *fbatch,
				 enum fbatch_kind kind)
{
	struct page *folios[FOLIO_BATCH_SIZE];
	int nr = fbatch->nr;

	memcpy(folios, fbatch->folios, sizeof(folios[0]) * (size_t)nr);
	fbatch->nr = 0;
	for (int i = 0; i < nr; i++) {
		struct page *page = folios[i];
		struct lruvec *lruvec = folio_lruvec(m, page);

		if (kind != FB_LRU_ADD && !PageLRU(page))
			continue;	/* isolated or freed meanwhile */
		spin_lock(&lruvec->lru_lock);
		ClearPageLRU(page);
		fbatch_move_fn[kind](m, lruvec, page);
		SetPageLRU(page);
		spin_unlock(&lruvec->lru_lock);
	}
	for (int i = 0; i < nr; i++)
		put_page(m, folios[i]);		/* folios_put */
}

/* Queue on this CPU's batch (with a reference); move at 31, or now if large. */
static void folio_batch_add_and_move(struct machine *m, struct page *page, enum fbatch_kind kind)
{
	struct folio_batch *fbatch = &cpu_fbatches(m, m->cpu)->fb[kind];

	get_page(page);
	fbatch->folios[fbatch->nr++] = page;
	/* folio_may_be_lru_cached: large folios never wait in a batch */
	if (fbatch->nr == FOLIO_BATCH_SIZE || PageHead(page))
		folio_batch_move_lru(m, fbatch, kind);
}

int lru_batches_init(struct machine *m)
{
	m->lru_fbatches = __alloc_percpu(m, sizeof(struct cpu_fbatches), sizeof(void *));
	return m->lru_fbatches ? 0 : -ENOMEM;
}

void lru_batches_exit(struct machine *m)
{
	if (!m->lru_fbatches)
		return;
	lru_add_drain_all(m);
	free_percpu(m, m->lru_fbatches);
	m->lru_fbatches = NULL;
}

/* lru_add_drain_cpu: every batch of one CPU, in Linux's order. */
static void lru_add_drain_cpu(struct machine *m, int cpu)
{
	if (!m->lru_fbatches)
		return;
	for (int k = 0; k < NR_FBATCHES; k++) {
		struct folio_batch *fbatch = &cpu_fbatches(m, cpu)->fb[k];

		if (fbatch->nr)
			folio_batch_move_lru(m, fbatch, (enum fbatch_kind)k);
	}
}

void lru_add_drain(struct machine *m)
{
	lru_add_drain_cpu(m, m->cpu);
}

void lru_add_drain_all(struct machine *m)
{
	int cpu;

	for_each_cpu(m, cpu)
		lru_add_drain_cpu(m, cpu);
}

/* How many folios wait in one CPU's batches (tests, validate_lru). */
int lru_batches_pending(struct machine *m, int cpu)
{
	int n = 0;

	if (!m->lru_fbatches)
		return 0;
	for (int k = 0; k < NR_FBATCHES; k++)
		n += cpu_fbatches(m, cpu)->fb[k].nr;
	return n;
}

void folio_add_lru(struct machine *m, struct page *page)
{
	page = compound_head(page);
	VM_BUG_ON_PAGE(PageActive(page) && PageUnevictable(page), m, page);
	VM_BUG_ON_PAGE(PageLRU(page), m, page);
	if (unlikely(!m->lru_fbatches)) {	/* before boot finished: straight on */
		struct lruvec *lruvec = folio_lruvec(m, page);

		spin_lock(&lruvec->lru_lock);
		lru_add(m, lruvec, page);
		SetPageLRU(page);
		spin_unlock(&lruvec->lru_lock);
		return;
	}
	folio_batch_add_and_move(m, page, FB_LRU_ADD);
}

/* Put an isolated folio back (folio_putback_lru): to a batch, isolation ref dropped. */
void folio_putback_lru(struct machine *m, struct page *page)
{
	folio_add_lru(m, page);
	put_page(m, page);
}

void folio_activate(struct machine *m, struct page *page)
{
	page = compound_head(page);
	if (PageActive(page) || PageUnevictable(page) || !PageLRU(page))
		return;
	folio_batch_add_and_move(m, page, FB_ACTIVATE);
}

void folio_deactivate(struct machine *m, struct page *page)
{
	page = compound_head(page);
	if (PageUnevictable(page) || !PageLRU(page) || !PageActive(page))
		return;
	folio_batch_add_and_move(m, page, FB_DEACTIVATE);
}

void folio_deactivate_file(struct machine *m, struct page *page)
{
	page = compound_head(page);
	if (PageUnevictable(page) || !PageLRU(page))
		return;
	folio_batch_add_and_move(m, page, FB_DEACTIVATE_FILE);
}

void folio_mark_lazyfree(struct machine *m, struct page *page)
{
	page = compound_head(page);
	if (!PageAnon(page) || !PageSwapBacked(page) || !PageLRU(page) ||
	    test_bit_flag(page, PG_swapcache) || PageUnevictable(page))
		return;
	folio_batch_add_and_move(m, page, FB_LAZYFREE);
}

void folio_rotate_reclaimable(struct machine *m, struct page *page)
{
	page = compound_head(page);
	if (PageLocked(page) || PageDirty(page) || PageUnevictable(page) || !PageLRU(page))
		return;
	folio_batch_add_and_move(m, page, FB_MOVE_TAIL);
}

/*
 * A folio not on the LRU may wait in this CPU's lru_add batch: mark it
 * active there, so it lands on the active list (__lru_cache_activate_folio).
 */
static void __lru_cache_activate_folio(struct machine *m, struct page *page)
{
	struct folio_batch *fbatch;

	if (!m->lru_fbatches)
		return;
	fbatch = &cpu_fbatches(m, m->cpu)->fb[FB_LRU_ADD];
	for (int i = fbatch->nr - 1; i >= 0; i--) {
		if (fbatch->folios[i] == page) {
			SetPageActive(page);
			break;
		}
	}
}

/*
 * folio_mark_accessed, the two steps: inactive,unreferenced ->
 * inactive,referenced -> active,unreferenced (queued on the activate
 * batch); active,unreferenced -> active,referenced. Unevictable folios
 * are never rotated.
 */
void mark_page_accessed(struct machine *m, struct page *page)
{
	page = compound_head(page);
	if (!PageReferenced(page)) {
		SetPageReferenced(page);
	} else if (PageUnevictable(page)) {
		/* the unevictable list is never rotated: nothing to gain */
	} else if (!PageActive(page)) {
		if (PageLRU(page))
			folio_activate(m, page);
		else
			__lru_cache_activate_folio(m, page);
		ClearPageReferenced(page);
		workingset_activation(m, page);
	}
	if (test_bit_flag(page, PG_idle))
		page->flags &= ~(1UL << PG_idle);
}

/*
 * lru_note_cost: what reclaiming from one side cost (pages written out,
 * times SWAP_CLUSTER_MAX, plus pages rotated back), decayed by half once
 * both sides' sum passes a quarter of the LRU, so recent cost weighs most.
 * get_scan_count balances anon against file by it. Called with the lru lock.
 */
void lru_note_cost(struct machine *m, struct lruvec *lruvec, bool file, unsigned long nr_io,
		   unsigned long nr_rotated)
{
	pg_data_t *pgdat = container_of(lruvec, pg_data_t, __lruvec);
	unsigned long cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated, lrusize;

	(void)m;
	if (!cost)
		return;
	if (file)
		lruvec->file_cost += cost;
	else
		lruvec->anon_cost += cost;
	lrusize = (unsigned long)(pgdat->vm_stat[NR_INACTIVE_ANON] + pgdat->vm_stat[NR_ACTIVE_ANON] +
				  pgdat->vm_stat[NR_INACTIVE_FILE] + pgdat->vm_stat[NR_ACTIVE_FILE]);
	if (lruvec->file_cost + lruvec->anon_cost > lrusize / 4) {
		lruvec->file_cost /= 2;
		lruvec->anon_cost /= 2;
	}
}

/* A refault costs like a page written out (lru_note_cost_refault). */
void lru_note_cost_refault(struct machine *m, struct page *page)
{
	struct lruvec *lruvec = folio_lruvec(m, page);

	spin_lock(&lruvec->lru_lock);
	lru_note_cost(m, lruvec, !PageSwapBacked(page), (unsigned long)folio_nr_pages(page), 0);
	spin_unlock(&lruvec->lru_lock);
}

/* ------------------------------------------------------------------ */
/* mlock (mm/mlock.c)                                                  */
/* ------------------------------------------------------------------ */

/* Onto the unevictable list, or one more mlock if already there. */
static void __mlock_folio(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	if (!PageLRU(page))
		return;	/* isolated: whoever puts it back sees PG_mlocked */
	if (unlikely(folio_evictable(page))) {
		/* PG_mlocked went again already: make sure it is evictable */
		if (PageUnevictable(page)) {
			__lruvec_del_folio(m, lruvec, page);
			ClearPageUnevictable(page);
			__lruvec_add_folio(m, lruvec, page);
			count_vm_events(m, UNEVICTABLE_PGS_RESCUED, folio_nr_pages(page));
		}
		return;
	}
	if (PageUnevictable(page)) {
		page->mlock_count++;
		return;
	}
	__lruvec_del_folio(m, lruvec, page);
	ClearPageActive(page);
	SetPageUnevictable(page);
	page->__filler = NULL;
	page->mlock_count = 1;
	__lruvec_add_folio(m, lruvec, page);
	count_vm_events(m, UNEVICTABLE_PGS_CULLED, folio_nr_pages(page));
}

/* Set PG_mlocked: counted once in nr_mlock however many VMAs lock it. */
static void folio_set_mlocked(struct machine *m, struct page *page)
{
	long nr = folio_nr_pages(page);

	SetPageMlocked(page);
	mod_zone_page_state(page_zone(m, page), NR_MLOCK, nr);
	count_vm_events(m, UNEVICTABLE_PGS_MLOCKED, nr);
}

void mlock_page(struct machine *m, struct page *page)
{
	struct lruvec *lruvec;

	page = compound_head(page);
	if (!PageMlocked(page))
		folio_set_mlocked(m, page);
	lruvec = folio_lruvec(m, page);
	spin_lock(&lruvec->lru_lock);
	__mlock_folio(m, lruvec, page);
	spin_unlock(&lruvec->lru_lock);
}

/* A new page of a VM_LOCKED VMA: straight onto the unevictable list. */
static void mlock_new_folio(struct machine *m, struct page *page)
{
	struct lruvec *lruvec = folio_lruvec(m, page);

	VM_BUG_ON_PAGE(PageLRU(page) || PageMlocked(page), m, page);
	folio_set_mlocked(m, page);
	spin_lock(&lruvec->lru_lock);
	SetPageUnevictable(page);
	page->__filler = NULL;
	page->mlock_count = 1;
	count_vm_events(m, UNEVICTABLE_PGS_CULLED, folio_nr_pages(page));
	__lruvec_add_folio(m, lruvec, page);
	SetPageLRU(page);
	spin_unlock(&lruvec->lru_lock);
}

/*
 * One mlock less. While other locked VMAs still count (mlock_count) the
 * page stays; the last one clears PG_mlocked and rescues it to its
 * evictable list. A page off the LRU is munlocked outright (Linux: "assume
 * that was the last mlock"); if it was unevictable it is stranded there
 * until reclaim looks, which UNEVICTABLE_PGS_STRANDED counts.
 */
static void __munlock_folio(struct machine *m, struct lruvec *lruvec, struct page *page)
{
	long nr = folio_nr_pages(page);
	bool on_lru = PageLRU(page);

	if (on_lru && PageUnevictable(page)) {
		if (page->mlock_count)
			page->mlock_count--;
		if (page->mlock_count)
			return;
	}
	if (PageMlocked(page)) {
		ClearPageMlocked(page);
		mod_zone_page_state(page_zone(m, page), NR_MLOCK, -nr);
		if (on_lru || !PageUnevictable(page))
			count_vm_events(m, UNEVICTABLE_PGS_MUNLOCKED, nr);
		else
			count_vm_events(m, UNEVICTABLE_PGS_STRANDED, nr);
	}
	if (on_lru && PageUnevictable(page) && folio_evictable(page)) {
		__lruvec_del_folio(m, lruvec, page);
		ClearPageUnevictable(page);
		__lruvec_add_folio(m, lruvec, page);
		count_vm_events(m, UNEVICTABLE_PGS_RESCUED, nr);
	}
}

void munlock_page(struct machine *m, struct page *page)
{
	struct lruvec *lruvec;

	page = compound_head(page);
	lruvec = folio_lruvec(m, page);
	spin_lock(&lruvec->lru_lock);
	__munlock_folio(m, lruvec, page);
	spin_unlock(&lruvec->lru_lock);
}

void folio_add_lru_vma(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	page = compound_head(page);
	/* VM_SPECIAL: a driver is still setting the VMA up; do not mlock (Linux) */
	if (unlikely((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED))
		mlock_new_folio(m, page);
	else
		folio_add_lru(m, page);
}

/* ------------------------------------------------------------------ */
/* put_page                                                            */
/* ------------------------------------------------------------------ */

/*
 * The last reference of a user page: off the LRU and the LRU flags go
 * (Linux's __page_cache_release), then what free_pages_prepare does for
 * mapped pages: a forgotten PG_mlocked is cleared and counted, an
 * anonymous page forgets its anon_vma. A page-cache page must have left
 * its mapping already (the cache's reference would keep it alive).
 */
static void __page_cache_release(struct machine *m, struct page *page)
{
	VM_BUG_ON_PAGE(page_mapped(page), m, page);
	VM_BUG_ON_PAGE(page->mapping && !PageAnon(page), m, page);
	if (PageLRU(page)) {
		struct lruvec *lruvec = folio_lruvec(m, page);

		spin_lock(&lruvec->lru_lock);
		__lruvec_del_folio(m, lruvec, page);
		ClearPageLRU(page);
		ClearPageActive(page);
		ClearPageUnevictable(page);
		spin_unlock(&lruvec->lru_lock);
	}
	if (unlikely(PageMlocked(page))) {
		long nr = folio_nr_pages(page);

		ClearPageMlocked(page);
		mod_zone_page_state(page_zone(m, page), NR_MLOCK, -nr);
		count_vm_events(m, UNEVICTABLE_PGS_CLEARED, nr);
	}
	if (PageAnon(page)) {
		page->mapping = NULL;
		ClearPageAnonExclusive(page);
	}
}

void put_page(struct machine *m, struct page *page)
{
	page = compound_head(page);
	VM_BUG_ON_PAGE(page_ref_count(page) <= 0, m, page);
	VM_BUG_ON_PAGE(page_to_pfn(m, page) == m->zero_pfn, m, page);
	if (page_ref_count(page) > 1) {
		page->_refcount--;
		return;
	}
	if (PageHugetlb(page)) {	/* the folio's destructor: back to its pool */
		set_page_count(page, 0);
		free_huge_folio(m, page);
		return;
	}
	if (PageHead(page) && PageAnon(page) && compound_order(page) == HPAGE_PMD_ORDER)
		thp_folio_free(m, page);	/* THP: off the split queue, subpage flags cleared */
	__page_cache_release(m, page);
	VM_BUG_ON_PAGE(PageLRU(page) || page_mapped(page) || page->mapping, m, page);
	__free_pages(m, page, compound_order(page));	/* drops the last reference */
}

/* ------------------------------------------------------------------ */
/* validate_lru                                                        */
/* ------------------------------------------------------------------ */

struct lru_census {
	long zone_lru[MAX_NR_ZONES][NR_LRU_LISTS];
	long zone_mlock[MAX_NR_ZONES];
	long lru_flagged;	/* PageLRU heads seen in the memmap */
};

static __printf(2, 3) void lru_problem(struct machine *m, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(m, "validate_lru: %s", buf);
}

/* One evictable list: membership against flags; counts into c. */
static int validate_lru_list(struct machine *m, pg_data_t *pgdat, enum lru_list lru,
			     struct lru_census *c, long *listed)
{
	struct lruvec *lruvec = &pgdat->__lruvec;
	long limit = (long)pgdat->node_spanned_pages + 1, n = 0;
	int problems = 0;
	struct page *page;

	list_for_each_entry(page, &lruvec->lists[lru], lru) {
		if (++n > limit) {
			lru_problem(m, "node %d list %d: longer than the node (a loop?)",
				    pgdat->node_id, lru);
			return problems + 1;
		}
		if (!PageLRU(page) || PageTail(page) || folio_lru_list(page) != lru ||
		    page_to_nid(page) != pgdat->node_id) {
			lru_problem(m, "node %d list %d: pfn %#lx flags %#lx does not belong",
				    pgdat->node_id, lru, page_to_pfn(m, page), page->flags);
			problems++;
		}
		c->zone_lru[page_zonenum(page)][lru] += folio_nr_pages(page);
		*listed += 1;
	}
	return problems;
}

/*
 * The memmap, for what no list holds: unevictable pages, PG_mlocked pages,
 * PageLRU pages on no list. Skips sections without memory and deferred
 * blocks (their descriptors are not initialised, and touching them would
 * cost the host memory). O(present pages): a debugging tool.
 */
static void census_memmap(struct machine *m, pg_data_t *pgdat, struct lru_census *c)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		unsigned long pfn = z->zone_start_pfn, end = zone_end_pfn(z);

		while (pfn < end) {
			struct page *page;
			int d;

			if (!pfn_valid(m, pfn)) {
				pfn = ALIGN(pfn + 1, PAGES_PER_SECTION);
				continue;
			}
			for (d = 0; d < z->nr_deferred; d++)
				if (pfn >= z->deferred[d].start && pfn < z->deferred[d].end)
					break;
			if (d < z->nr_deferred) {
				pfn = z->deferred[d].end;
				continue;
			}
			page = pfn_to_page(m, pfn++);
			if (PageTail(page) || PageBuddy(page) || PageSlab(page) || PageTable(page))
				continue;
			if (PageMlocked(page))
				c->zone_mlock[page_zonenum(page)] += folio_nr_pages(page);
			if (!PageLRU(page))
				continue;
			c->lru_flagged++;
			if (PageUnevictable(page))
				c->zone_lru[page_zonenum(page)][LRU_UNEVICTABLE] += folio_nr_pages(page);
		}
	}
}

static int validate_node_lru(struct machine *m, pg_data_t *pgdat)
{
	struct lruvec *lruvec = &pgdat->__lruvec;
	struct lru_census c = { 0 };
	long listed = 0, unevictable = 0;
	int problems = 0;

	for (int lru = 0; lru < LRU_UNEVICTABLE; lru++)
		problems += validate_lru_list(m, pgdat, (enum lru_list)lru, &c, &listed);
	census_memmap(m, pgdat, &c);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		unevictable += c.zone_lru[zi][LRU_UNEVICTABLE];
	if (c.lru_flagged != listed + unevictable) {
		lru_problem(m, "node %d: %ld PageLRU pages, %ld listed + %ld unevictable",
			    pgdat->node_id, c.lru_flagged, listed, unevictable);
		problems++;
	}
	for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
		long sum = 0;

		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &pgdat->node_zones[zi];

			sum += c.zone_lru[zi][lru];
			if (zone_page_state(z, NR_ZONE_INACTIVE_ANON + lru) != c.zone_lru[zi][lru]) {
				lru_problem(m, "node %d zone %d list %d: counter %ld, counted %ld",
					    pgdat->node_id, zi, lru,
					    zone_page_state(z, NR_ZONE_INACTIVE_ANON + lru),
					    c.zone_lru[zi][lru]);
				problems++;
			}
		}
		if ((long)lruvec->nr_pages[lru] != sum ||
		    pgdat->vm_stat[NR_INACTIVE_ANON + lru] != sum) {
			lru_problem(m, "node %d list %d: nr_pages %lu, node counter %ld, counted %ld",
				    pgdat->node_id, lru, lruvec->nr_pages[lru],
				    pgdat->vm_stat[NR_INACTIVE_ANON + lru], sum);
			problems++;
		}
	}
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		if (zone_page_state(&pgdat->node_zones[zi], NR_MLOCK) != c.zone_mlock[zi]) {
			lru_problem(m, "node %d zone %d: nr_mlock %ld, %ld PG_mlocked pages",
				    pgdat->node_id, zi,
				    zone_page_state(&pgdat->node_zones[zi], NR_MLOCK),
				    c.zone_mlock[zi]);
			problems++;
		}
	}
	return problems;
}

int validate_lru(struct machine *m)
{
	pg_data_t *pgdat;
	int nid, problems = 0;

	for_each_online_pgdat(m, pgdat, nid)
		problems += validate_node_lru(m, pgdat);
	return problems;
}
