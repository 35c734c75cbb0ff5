/*
 * huge_memory.c - anonymous transparent huge pages: the PMD-mapped fault,
 * its COW, fork, tear-down and split (Linux 6.x mm/huge_memory.c), and
 * MADV_COLLAPSE (mm/khugepaged.c's madvise_collapse and the collapse
 * khugepaged.c's thread shares), the deferred split queue.
 *
 * Eligibility (thp_vma_allowable): a private anonymous VMA, --thp always,
 * or madvise with MADV_HUGEPAGE (VM_HUGEPAGE); never with VM_NOHUGEPAGE,
 * prctl(PR_SET_THP_DISABLE), VM_LOCKED or VM_SPECIAL, and only with the
 * anon_vma rmap designs. A fault whose 2 MiB block lies wholly inside
 * such a VMA takes an order-9 page from the buddy allocator; if there is
 * none it counts thp_fault_fallback and the 4 KiB path runs. The huge zero
 * page is not built: a read fault allocates a THP as with use_zero_page=0.
 *
 * Invariants (validate_user_pages): a THP's entire mapcount equals the
 * PMD leaves mapping it, each subpage's mapcount the ptes mapping it, its
 * large mapcount their sum, its refcount at least that; every THP leaf of
 * an mm has one deposited table on mm->pmd_huge_pte; a folio with no PMD
 * mapping and some subpages unmapped is on its node's split queue.
 *
 * Locks: mmap_lock (caller) > anon_vma lock > page table lock >
 * split_queue_lock. A split walks the folio's rmap, so it is called with
 * no page table lock held.
 */
#include <errno.h>

#include "huge_mm.h"
#include "khugepaged.h"
#include "machine.h"
#include "shrinker.h"
#include "mempolicy.h"
#include "pgalloc.h"
#include "rmap.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"

/* Bits a PMD leaf hands to each of its ptes on a split (not PSE: that is PAT there). */
#define THP_PTE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
			 _PAGE_DIRTY | _PAGE_SOFT_DIRTY | _PAGE_NX)

static inline void set_entire_mapcount(struct page *head, long n)
{
	head[1]._entire_mapcount = n;
}

/* A new THP's counts: one PMD mapping, no ptes, on no queue. */
static void thp_init_counts(struct page *head)
{
	head[1]._large_mapcount = 1;
	head[1]._entire_mapcount = 1;
	head[1]._nr_pages_mapped = 0;
	INIT_LIST_HEAD(&head[2]._deferred_list);
	head[2]._partially_mapped = 0;
}

bool thp_vma_allowable(const struct vm_area_struct *vma)
{
	return thp_vma_allowable_mode(vma, false);
}

/* ignore_mode: MADV_COLLAPSE's TVA_IGNORE_SYSFS (the enabled mode is not asked). */
bool thp_vma_allowable_mode(const struct vm_area_struct *vma, bool ignore_mode)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	vm_flags_t f = vma->vm_flags;

	if (!vma_is_anonymous(vma) || (f & (VM_SHARED | VM_NOHUGEPAGE | VM_LOCKED | VM_SPECIAL)) ||
	    is_vm_hugetlb_page(vma) || (mm->flags & (1UL << MMF_DISABLE_THP)))
		return false;
	if (m->cfg.rmap != RMAP_ANON_VMA_CHAIN && m->cfg.rmap != RMAP_ANON_VMA)
		return false;
	return ignore_mode || m->cfg.thp == THP_ALWAYS ||
	       (m->cfg.thp == THP_MADVISE && (f & VM_HUGEPAGE));
}

bool thp_vma_suitable(const struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long haddr = addr & PMD_MASK;

	/* anonymous: the page offset is the address's, so alignment is the address's */
	return haddr >= vma->vm_start && haddr + PMD_SIZE <= vma->vm_end &&
	       thp_vma_allowable(vma);
}

/* The THP mapped by a leaf. */
static inline struct page *pmd_folio(struct machine *m, pmd_t pmd)
{
	return pfn_to_page(m, pmd_pfn(pmd));
}

/* ---------------------------------------------------------------------- */
/* Fault                                                                   */
/* ---------------------------------------------------------------------- */

static void clear_huge_page(struct machine *m, struct page *head)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		clear_user_highpage(m, head + i);
}

/* folio_add_new_anon_rmap for a PMD mapping: the entire mapcount. */
static void thp_add_new_anon_rmap(struct machine *m, struct page *head,
				  struct vm_area_struct *vma, unsigned long haddr)
{
	SetPageSwapBacked(head);
	head->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	head->index = ((haddr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	thp_init_counts(head);
	SetPageAnonExclusive(head);
	mod_node_page_state(page_pgdat(m, head), NR_ANON_PAGES, (long)HPAGE_PMD_NR);
	mod_node_page_state(page_pgdat(m, head), NR_ANON_THPS, (long)HPAGE_PMD_NR);
}

vm_fault_t do_huge_pmd_anonymous_page(struct vm_area_struct *vma, unsigned long address,
				      pmd_t *pmd, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	unsigned long haddr = address & PMD_MASK;
	struct page *head, *table;
	pmd_t entry;

	(void)flags;
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	khugepaged_enter_vma(vma, vma->vm_flags);
	head = vma_alloc_folio(GFP_TRANSHUGE, HPAGE_PMD_ORDER, vma, haddr);
	if (!head) {
		count_vm_event(m, THP_FAULT_FALLBACK);
		return VM_FAULT_FALLBACK;
	}
	table = pte_alloc_one(mm);	/* the table deposited with the THP */
	if (!table) {
		put_page(m, head);
		count_vm_event(m, THP_FAULT_FALLBACK);
		return VM_FAULT_FALLBACK;
	}
	clear_huge_page(m, head);
	SetPageUptodate(head);

	entry = __pmd(((pteval_t)page_to_pfn(m, head) << PAGE_SHIFT) |
		      pgprot_val(vma->vm_page_prot) | _PAGE_PSE);
	if (vma->vm_flags & VM_WRITE)
		entry = __pmd(pmd_val(entry) | _PAGE_RW | _PAGE_DIRTY | _PAGE_SOFT_DIRTY);

	spin_lock(&mm->page_table_lock);
	if (!pmd_none(*pmd)) {
		spin_unlock(&mm->page_table_lock);
		pte_free(mm, table);
		put_page(m, head);
		return 0;
	}
	thp_add_new_anon_rmap(m, head, vma, haddr);
	folio_add_lru_vma(m, head, vma);
	pgtable_trans_huge_deposit(mm, table);
	*pmd = entry;
	add_mm_counter(mm, MM_ANONPAGES, (long)HPAGE_PMD_NR);
	spin_unlock(&mm->page_table_lock);
	count_vm_event(m, THP_FAULT_ALLOC);
	return 0;
}

/*
 * do_huge_pmd_wp_page: an exclusive THP is reused in place; a shared one
 * is split and the 4 KiB pte path does the COW (VM_FAULT_FALLBACK).
 */
static vm_fault_t do_huge_pmd_wp_page(struct vm_area_struct *vma, unsigned long haddr,
				      pmd_t *pmd)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *head = pmd_folio(mm->machine, *pmd);

	if (PageAnonExclusive(head) ||
	    (folio_entire_mapcount(head) == 1 && page_ref_count(head) == 1)) {
		folio_move_anon_rmap(head, vma);
		*pmd = __pmd(pmd_val(*pmd) | _PAGE_RW | _PAGE_DIRTY | _PAGE_SOFT_DIRTY |
			     _PAGE_ACCESSED);
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	spin_unlock(&mm->page_table_lock);
	__split_huge_pmd(vma, pmd, haddr);
	return VM_FAULT_FALLBACK;
}

vm_fault_t huge_pmd_fault(struct vm_area_struct *vma, unsigned long address, pmd_t *pmd,
			  unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	pteval_t set = _PAGE_ACCESSED;

	spin_lock(&mm->page_table_lock);
	if (!pmd_trans_huge(*pmd)) {	/* split meanwhile */
		spin_unlock(&mm->page_table_lock);
		return VM_FAULT_FALLBACK;
	}
	if (flags & FAULT_FLAG_WRITE) {
		if (!(pmd_val(*pmd) & _PAGE_RW))
			return do_huge_pmd_wp_page(vma, address & PMD_MASK, pmd);
		set |= _PAGE_DIRTY | _PAGE_SOFT_DIRTY;
	}
	*pmd = __pmd(pmd_val(*pmd) | set);	/* huge_pmd_set_accessed */
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Tear-down and fork                                                      */
/* ---------------------------------------------------------------------- */

/*
 * The last PMD mapping went: AnonHugePages drops; only the pte-mapped
 * subpages stay counted mapped; if some are and some are not, the folio is
 * partially mapped (__folio_remove_rmap's RMAP_LEVEL_PMD case).
 */
static void thp_last_pmd_gone(struct machine *m, struct page *head)
{
	long ptemapped = folio_nr_pages_mapped(head);

	mod_node_page_state(page_pgdat(m, head), NR_ANON_THPS, -(long)HPAGE_PMD_NR);
	mod_node_page_state(page_pgdat(m, head), NR_ANON_PAGES, -((long)HPAGE_PMD_NR - ptemapped));
	if (ptemapped && ptemapped < (long)HPAGE_PMD_NR)
		deferred_split_folio(m, head, true);
}

void zap_huge_pmd(struct mmu_gather *tlb, struct vm_area_struct *vma, pmd_t *pmd,
		  unsigned long haddr)
{
	struct mm_struct *mm = tlb->mm;
	struct machine *m = mm->machine;
	struct page *head;
	long left;

	spin_lock(&mm->page_table_lock);
	head = pmd_folio(m, *pmd);
	pmd->pmd = 0;
	tlb_flush_pmd_range(tlb, haddr, PMD_SIZE);	/* tlb_remove_pmd_tlb_entry */
	pte_free(mm, pgtable_trans_huge_withdraw(mm));	/* zap_deposited_table */
	add_mm_counter(mm, MM_ANONPAGES, -(long)HPAGE_PMD_NR);
	left = folio_entire_mapcount(head) - 1;		/* folio_remove_rmap_pmd */
	set_entire_mapcount(head, left);
	head[1]._large_mapcount--;
	if (!left)
		thp_last_pmd_gone(m, head);
	spin_unlock(&mm->page_table_lock);
	(void)vma;
	tlb_remove_page(tlb, head);
}

int copy_huge_pmd(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		  pmd_t *dst_pmd, pmd_t *src_pmd, unsigned long haddr)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	struct page *table = pte_alloc_one(dst_mm), *head;
	pmd_t pmd;

	(void)haddr;
	if (!table)
		return -ENOMEM;
	spin_lock(&src_mm->page_table_lock);
	pmd = *src_pmd;
	head = pmd_folio(src_mm->machine, pmd);
	head->_refcount++;				/* folio_get */
	set_entire_mapcount(head, folio_entire_mapcount(head) + 1);	/* dup_anon_rmap_pmd */
	head[1]._large_mapcount++;
	ClearPageAnonExclusive(head);
	add_mm_counter(dst_mm, MM_ANONPAGES, (long)HPAGE_PMD_NR);
	pgtable_trans_huge_deposit(dst_mm, table);
	pmd = __pmd(pmd_val(pmd) & ~_PAGE_RW);		/* pmdp_set_wrprotect */
	*src_pmd = pmd;
	*dst_pmd = __pmd(pmd_val(pmd) & ~_PAGE_ACCESSED);	/* pmd_mkold */
	spin_unlock(&src_mm->page_table_lock);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Rmap of pte-mapped subpages                                             */
/* ---------------------------------------------------------------------- */

/* __folio_add_rmap, RMAP_LEVEL_PTE: one more pte maps page, a subpage of a THP. */
void thp_add_rmap_pte(struct machine *m, struct page *page)
{
	struct page *head = compound_head(page);

	head[1]._large_mapcount++;
	if (++page->_mapcount == 0) {
		head[1]._nr_pages_mapped++;
		/* while a PMD maps the folio, all 512 are counted already */
		if (!folio_entire_mapcount(head))
			mod_node_page_state(page_pgdat(m, head), NR_ANON_PAGES, 1);
	}
}

/*
 * __folio_remove_rmap, RMAP_LEVEL_PTE: nr ptes mapping page and the nr - 1
 * subpages after it go at once (folio_remove_rmap_ptes). A folio no PMD
 * maps that this call left mapped only in part is queued for the split;
 * one that lost its last pte mapping is not (so a zap of a whole
 * pte-mapped THP, batched as Linux batches it, queues nothing).
 */
void thp_remove_rmap_ptes(struct machine *m, struct page *page, int nr)
{
	struct page *head = compound_head(page);
	long unmapped = 0;

	for (int i = 0; i < nr; i++) {
		head[1]._large_mapcount--;
		if (--page[i]._mapcount < 0) {
			head[1]._nr_pages_mapped--;
			unmapped++;
		}
	}
	if (!unmapped || folio_entire_mapcount(head))
		return;
	mod_node_page_state(page_pgdat(m, head), NR_ANON_PAGES, -unmapped);
	if (folio_nr_pages_mapped(head))
		deferred_split_folio(m, head, true);
}

/* ---------------------------------------------------------------------- */
/* The deferred split queue                                                */
/* ---------------------------------------------------------------------- */

void deferred_split_folio(struct machine *m, struct page *head, bool partially_mapped)
{
	pg_data_t *pgdat = page_pgdat(m, head);

	spin_lock(&pgdat->split_queue_lock);
	if (partially_mapped && !folio_test_partially_mapped(head)) {
		head[2]._partially_mapped = 1;
		count_vm_event(m, THP_DEFERRED_SPLIT_PAGE);
	}
	if (!folio_on_deferred_list(head)) {
		list_add_tail(&head[2]._deferred_list, &pgdat->split_queue);
		pgdat->split_queue_len++;
	}
	spin_unlock(&pgdat->split_queue_lock);
}

/* Off the queue (a split or the last put); the words go back to the tail page. */
void folio_unqueue_deferred_split(struct machine *m, struct page *head)
{
	pg_data_t *pgdat = page_pgdat(m, head);

	spin_lock(&pgdat->split_queue_lock);
	if (folio_on_deferred_list(head)) {
		list_del(&head[2]._deferred_list);
		pgdat->split_queue_len--;
	}
	head[2]._deferred_list.next = NULL;
	head[2]._deferred_list.prev = NULL;
	head[2]._partially_mapped = 0;
	spin_unlock(&pgdat->split_queue_lock);
}

void thp_folio_free(struct machine *m, struct page *head)
{
	folio_unqueue_deferred_split(m, head);
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i++)
		head[i].flags &= ~((1UL << NODES_PGSHIFT) - 1);	/* zone and node stay */
}

unsigned long deferred_split_count(struct machine *m, int nid)
{
	if (nid < 0 || nid >= m->nr_nodes || !NODE_DATA(m, nid))
		return 0;
	return NODE_DATA(m, nid)->split_queue_len;
}

/*
 * deferred_split_scan: take up to nr_to_scan folios off the queue's head,
 * split the partially mapped ones; one that fails goes back to the tail.
 * (6.12+'s splitting of underused, fully mapped THPs is not built: only
 * partially mapped folios are ever queued.)
 */
unsigned long deferred_split_scan(struct machine *m, int nid, unsigned long nr_to_scan)
{
	pg_data_t *pgdat;
	unsigned long split = 0;

	if (nid < 0 || nid >= m->nr_nodes || !(pgdat = NODE_DATA(m, nid)))
		return 0;
	for (unsigned long n = pgdat->split_queue_len; n && nr_to_scan; n--, nr_to_scan--) {
		struct page *head;

		spin_lock(&pgdat->split_queue_lock);
		head = list_first_entry(&pgdat->split_queue, struct page, _deferred_list) - 2;
		list_del_init(&head[2]._deferred_list);
		pgdat->split_queue_len--;
		head->_refcount++;	/* folio_try_get: it is not freed under us */
		spin_unlock(&pgdat->split_queue_lock);
		if (folio_test_partially_mapped(head) && !split_folio(m, head)) {
			split++;
		} else if (PageHead(head)) {	/* still large: back on the queue */
			deferred_split_folio(m, head, false);
		}
		put_page(m, head);
	}
	return split;
}

static unsigned long deferred_split_shrinker_count(struct shrinker *s, struct shrink_control *sc)
{
	return deferred_split_count(s->machine, sc->nid);
}

static unsigned long deferred_split_shrinker_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long split = deferred_split_scan(s->machine, sc->nid, sc->nr_to_scan);

	/* nothing split and nothing left (freed meanwhile): stop asking */
	if (!split && !deferred_split_count(s->machine, sc->nid))
		return SHRINK_STOP;
	return split;
}

void thp_shrinker_init(struct machine *m)
{
	struct shrinker *s = shrinker_alloc(m, "thp-deferred_split");

	if (!s)
		return;	/* then only split_folio's callers split (Linux: no THP at all) */
	s->flags |= SHRINKER_NUMA_AWARE;
	s->count_objects = deferred_split_shrinker_count;
	s->scan_objects = deferred_split_shrinker_scan;
	shrinker_register(s);
	m->khugepaged.deferred_split_shrinker = s;
}

void thp_shrinker_exit(struct machine *m)
{
	shrinker_free(m->khugepaged.deferred_split_shrinker);
	m->khugepaged.deferred_split_shrinker = NULL;
}

/* ---------------------------------------------------------------------- */
/* Split                                                                   */
/* ---------------------------------------------------------------------- */

/*
 * __split_huge_pmd_locked: the deposited table takes the leaf's 512 ptes,
 * each subpage one more pte mapping (and the exclusive flag the PMD had),
 * the folio one reference per pte less the PMD's.
 */
static void split_pmd_mapping(struct mm_struct *mm, pmd_t *pmd, unsigned long haddr)
{
	struct machine *m = mm->machine;
	pmd_t old = *pmd;
	struct page *head = pmd_folio(m, old), *table = pgtable_trans_huge_withdraw(mm);
	pte_t *pte = page_address(m, table);
	unsigned long pfn = pmd_pfn(old);
	pteval_t flags = pmd_val(old) & THP_PTE_FLAGS;
	bool exclusive = PageAnonExclusive(head);
	long left = folio_entire_mapcount(head) - 1;

	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		pte[i] = __pte(((pteval_t)(pfn + i) << PAGE_SHIFT) | flags);
		if (++head[i]._mapcount == 0)
			head[1]._nr_pages_mapped++;
		if (exclusive)
			SetPageAnonExclusive(head + i);
	}
	head->_refcount += (int)HPAGE_PMD_NR - 1;	/* folio_ref_add */
	head[1]._large_mapcount += (long)HPAGE_PMD_NR - 1;
	set_entire_mapcount(head, left);
	if (!left)
		thp_last_pmd_gone(m, head);
	pmd_populate(mm, pmd, table, haddr);
	/* pmdp_invalidate: the 2 MiB translation must go before the ptes are used */
	flush_tlb_mm_range(mm, haddr, haddr + PMD_SIZE, PMD_SHIFT, false);
	count_vm_event(m, THP_SPLIT_PMD);
}

struct split_arg {
	unsigned long pfn;
};

/* rmap_one: split this VMA's PMD mapping of the folio, if it has one. */
static bool split_one(struct page *head, struct vm_area_struct *vma, unsigned long addr,
		      pte_t *pte, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	struct split_arg *sa = arg;
	pmd_t *pmd;

	(void)head;
	(void)pte;
	if (vma->vm_end - (addr & PMD_MASK) < PMD_SIZE || (addr & PMD_MASK) < vma->vm_start)
		return true;	/* no 2 MiB block of the VMA here: no PMD mapping */
	pmd = walk_pmd(mm, addr);
	if (!pmd)
		return true;
	spin_lock(&mm->page_table_lock);
	if (pmd_trans_huge(*pmd) && pmd_pfn(*pmd) == sa->pfn)
		split_pmd_mapping(mm, pmd, addr & PMD_MASK);
	spin_unlock(&mm->page_table_lock);
	return true;
}

/*
 * __split_unmapped_folio + remap: the folio, mapped by ptes only, becomes
 * 512 order-0 anonymous pages, each with its own mapping, index, flags
 * and one reference per pte; the head keeps the extra references. A
 * subpage nobody maps is freed.
 */
static void split_huge_folio(struct machine *m, struct page *head)
{
	unsigned long keep = head->flags & ((1UL << PG_uptodate) | (1UL << PG_dirty) |
					    (1UL << PG_swapbacked) | (1UL << PG_referenced));
	bool lru = PageLRU(head);
	int extra = page_ref_count(head) - (int)folio_large_mapcount(head);
	struct page *unmapped[HPAGE_PMD_NR];
	unsigned long nr_unmapped = 0;

	folio_unqueue_deferred_split(m, head);
	if (lru)
		lruvec_del_folio(m, head);
	ClearPageActive(head);
	ClearPageHead(head);
	set_entire_mapcount(head, 0);
	head[1].compound_order = 0;
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i++) {
		struct page *p = head + i;

		p->compound_head = 0;
		p->flags |= keep;
		p->mapping = head->mapping;
		p->index = head->index + i;
		p->private = 0;
		set_page_count(p, page_mapcount(p));
	}
	head->_refcount = page_mapcount(head) + extra;
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *p = head + i;

		if (page_mapped(p) || (!i && extra)) {
			if (lru)
				folio_add_lru(m, p);
		} else if (i) {
			unmapped[nr_unmapped++] = p;
		}
	}
	/* the pages nobody maps: free_folio_and_swap_cache */
	for (unsigned long i = 0; i < nr_unmapped; i++) {
		set_page_count(unmapped[i], 1);
		ClearPageAnonExclusive(unmapped[i]);
		put_page(m, unmapped[i]);
	}
	count_vm_event(m, THP_SPLIT_PAGE);
}

int split_folio(struct machine *m, struct page *head)
{
	struct split_arg sa = { .pfn = page_to_pfn(m, head) };
	struct rmap_walk_control rwc = { .arg = &sa, .rmap_one = split_one };

	if (!folio_test_anon_thp(head))
		return -EINVAL;
	if (folio_entire_mapcount(head))
		rmap_walk(m, head, &rwc);
	/*
	 * can_split_folio: nothing but the mappings and the caller may hold
	 * references (a page in an unflushed mmu_gather, a GUP pin). The head
	 * may be mapped by one PMD still where its VMA no longer covers the
	 * block: none here, split_huge_pmd_range splits those first.
	 */
	if (folio_entire_mapcount(head) ||
	    page_ref_count(head) != folio_large_mapcount(head) + 1) {
		count_vm_event(m, THP_SPLIT_PAGE_FAILED);
		return -EAGAIN;
	}
	split_huge_folio(m, head);
	return 0;
}

void __split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long haddr)
{
	struct mm_struct *mm = vma->vm_mm;

	spin_lock(&mm->page_table_lock);
	if (pmd_trans_huge(*pmd))
		split_pmd_mapping(mm, pmd, haddr);
	spin_unlock(&mm->page_table_lock);
}

void split_huge_pmd_only_range(struct vm_area_struct *vma, unsigned long start,
			       unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;

	if (is_vm_hugetlb_page(vma) || !vma_is_anonymous(vma))
		return;
	for (unsigned long a = start & PMD_MASK; a < end; a += PMD_SIZE) {
		pmd_t *pmd = walk_pmd(mm, a);

		if (pmd && pmd_trans_huge(*pmd))
			__split_huge_pmd(vma, pmd, a);
	}
}

/* The large folio a present pte of vma maps at addr, or NULL. */
static struct page *pte_thp(struct vm_area_struct *vma, unsigned long addr)
{
	pte_t *pte = walk_pte(vma->vm_mm, addr);
	struct page *page;

	if (!pte || !pte_present(*pte))
		return NULL;
	page = vm_normal_page(vma, addr, *pte);
	if (!page || !PageCompound(page))
		return NULL;
	page = compound_head(page);
	return folio_test_anon_thp(page) ? page : NULL;
}

void split_huge_pmd_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *failed = NULL;

	split_huge_pmd_only_range(vma, start, end);
	if (is_vm_hugetlb_page(vma) || !vma_is_anonymous(vma))
		return;
	for (unsigned long a = start & PAGE_MASK; a < end; a += PAGE_SIZE) {
		pmd_t *pmd = walk_pmd(mm, a);
		struct page *head;

		if (!pmd || pmd_none(*pmd)) {	/* no pte table: on to the next block */
			a = (a & PMD_MASK) + PMD_SIZE - PAGE_SIZE;
			continue;
		}
		head = pte_thp(vma, a);
		if (!head || head == failed)
			continue;
		head->_refcount++;
		if (split_folio(mm->machine, head))
			failed = head;
		put_page(mm->machine, head);
	}
}

/* ---------------------------------------------------------------------- */
/* GUP and populate (follow_trans_huge_pmd)                                */
/* ---------------------------------------------------------------------- */

struct page *follow_trans_huge_pmd(struct vm_area_struct *vma, unsigned long addr, bool write,
				   bool *is_thp)
{
	pmd_t *pmd = is_vm_hugetlb_page(vma) ? NULL : walk_pmd(vma->vm_mm, addr);
	struct page *head;

	*is_thp = pmd && pmd_trans_huge(*pmd);
	if (!*is_thp || (write && !(pmd_val(*pmd) & _PAGE_RW)))
		return NULL;
	head = pmd_folio(vma->vm_mm->machine, *pmd);
	/* FOLL_TOUCH: the folio carries the flags */
	if (write && !(pmd_val(*pmd) & _PAGE_DIRTY))
		SetPageDirty(head);
	mark_page_accessed(vma->vm_mm->machine, head);
	return head;
}

/* ---------------------------------------------------------------------- */
/* MADV_COLLAPSE (mm/khugepaged.c: madvise_collapse, collapse_huge_page)   */
/* ---------------------------------------------------------------------- */

/*
 * The block's ptes, read as hpage_collapse_scan_pmd does for MADV_COLLAPSE
 * (no max_ptes_none/shared limits): 0 if every pte is none, the zero page
 * or a normal anonymous page; -EINVAL otherwise. *present: any real page.
 */
static int collapse_scan(struct vm_area_struct *vma, pte_t *pte, unsigned long haddr,
			 bool *present)
{
	struct machine *m = vma->vm_mm->machine;

	*present = false;
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *page;

		if (pte_none(pte[i]) || (pte_present(pte[i]) && is_zero_pfn(m, pte_pfn(pte[i]))))
			continue;
		if (!pte_present(pte[i]) || pte_protnone(pte[i]))
			return -EINVAL;
		page = vm_normal_page(vma, haddr + i * PAGE_SIZE, pte[i]);
		/* a subpage of a pte-mapped THP is copied as any other page */
		if (!page || !PageAnon(page) ||
		    (PageCompound(page) && !folio_test_anon_thp(compound_head(page))))
			return -EINVAL;
		*present = true;
	}
	return 0;
}

int collapse_huge_page(struct vm_area_struct *vma, pmd_t *pmd, unsigned long haddr, gfp_t gfp)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	struct page *head, *table, *old[HPAGE_PMD_NR];
	pte_t *pte;
	unsigned long nr_old = 0;
	bool present;
	pmd_t entry;

	if (anon_vma_prepare(vma))
		return -ENOMEM;
	head = vma_alloc_folio(gfp, HPAGE_PMD_ORDER, vma, haddr);
	if (!head) {
		count_vm_event(m, THP_COLLAPSE_ALLOC_FAILED);
		return -ENOMEM;
	}
	count_vm_event(m, THP_COLLAPSE_ALLOC);
	/* hugepage_vma_revalidate: the allocation may have reclaimed from this block */
	if (pmd_none(*pmd) || pmd_trans_huge(*pmd) ||
	    collapse_scan(vma, pte_offset(mm, pmd, haddr), haddr, &present) || !present) {
		put_page(m, head);
		return -EAGAIN;
	}
	table = pfn_to_page(m, pmd_pfn(*pmd));
	pte = page_address(m, table);
	entry = __pmd(((pteval_t)page_to_pfn(m, head) << PAGE_SHIFT) |
		      pgprot_val(vma->vm_page_prot) | _PAGE_PSE | _PAGE_DIRTY | _PAGE_SOFT_DIRTY);
	if (vma->vm_flags & VM_WRITE)
		entry = __pmd(pmd_val(entry) | _PAGE_RW);

	spin_lock(&mm->page_table_lock);
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *page = NULL;

		if (pte_present(pte[i]))
			page = vm_normal_page(vma, haddr + i * PAGE_SIZE, pte[i]);
		if (page) {	/* __collapse_huge_page_copy */
			copy_user_highpage(m, head + i, page);
			folio_remove_rmap_pte(page, vma, &pte[i]);
			old[nr_old++] = page;
		} else {
			clear_user_highpage(m, head + i);
		}
		pte[i] = __pte(0);
	}
	add_mm_counter(mm, MM_ANONPAGES, (long)(HPAGE_PMD_NR - nr_old));
	/* pmdp_collapse_flush: the old table leaves the pmd and is deposited */
	pmd->pmd = 0;
	flush_tlb_mm_range(mm, haddr, haddr + PMD_SIZE, PAGE_SHIFT, true);
	SetPageUptodate(head);
	thp_add_new_anon_rmap(m, head, vma, haddr);
	folio_add_lru_vma(m, head, vma);
	ptdesc_set_owner(table, mm, 0);
	pgtable_trans_huge_deposit(mm, table);
	*pmd = entry;
	spin_unlock(&mm->page_table_lock);
	for (unsigned long i = 0; i < nr_old; i++)
		put_page(m, old[i]);
	return 0;
}

int madvise_collapse(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long hstart = (start + PMD_SIZE - 1) & PMD_MASK, hend = end & PMD_MASK;
	int last_fail = 0;

	/*
	 * TVA_IGNORE_SYSFS: the enabled mode does not matter, the rest does,
	 * and the VMA must hold an aligned 2 MiB block (thp_vma_suitable_order).
	 */
	if (!thp_vma_allowable_mode(vma, true) || vma->vm_end - vma->vm_start < PMD_SIZE ||
	    ((vma->vm_end - PMD_SIZE) & PMD_MASK) < vma->vm_start)
		return -EINVAL;
	for (unsigned long haddr = hstart; haddr < hend; haddr += PMD_SIZE) {
		pmd_t *pmd = walk_pmd(mm, haddr);
		bool present;
		int ret;

		if (pmd && pmd_trans_huge(*pmd))
			continue;	/* SCAN_PMD_MAPPED */
		if (!pmd || pmd_none(*pmd)) {
			last_fail = -EINVAL;	/* SCAN_PMD_NULL */
			continue;
		}
		ret = collapse_scan(vma, pte_offset(mm, pmd, haddr), haddr, &present);
		if (!ret && !present)
			ret = -EINVAL;	/* only none or zero ptes: SCAN_EXCEED_NONE_PTE */
		if (!ret)
			ret = collapse_huge_page(vma, pmd, haddr, GFP_TRANSHUGE);
		if (ret)
			last_fail = ret;
	}
	return last_fail;
}
