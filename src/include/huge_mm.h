/*
 * huge_mm.h - anonymous transparent huge pages (Linux 6.x
 * include/linux/huge_mm.h, mm/huge_memory.c).
 *
 * An aligned anonymous fault in an eligible VMA maps an order-9 compound
 * page with one PMD leaf (_PAGE_PSE) and deposits an empty pte table with
 * it (pgtable_trans_huge_deposit), counted in VmPTE/PageTables as Linux
 * counts it, so that a later split never has to allocate.
 *
 * Counts (Linux 6.18 with CONFIG_PAGE_MAPCOUNT): head[1]._entire_mapcount
 * counts the PMD mappings, each subpage's _mapcount its pte mappings,
 * head[1]._nr_pages_mapped the subpages mapped by at least one pte, and
 * head[1]._large_mapcount all of them (a PMD counts one, a pte one). The
 * head's refcount holds one reference per mapping of either kind (plus
 * any transient one). NR_ANON_PAGES counts 512 pages while any PMD maps
 * the folio, else its pte-mapped subpages; NR_ANON_THPS (AnonHugePages)
 * 512 only while a PMD maps it.
 *
 * Splitting (6.x): a partial unmap, a VMA split inside the block, a
 * partial mprotect/mremap or the COW of a shared THP splits only the PMD
 * asked for (__split_huge_pmd: 512 ptes of the still large folio). When
 * ptes then leave part of the folio unmapped (no PMD left), the folio is
 * partially mapped: it goes on its node's deferred split queue
 * (deferred_split_folio, thp_deferred_split_page), and the queue's
 * shrinker ("thp-deferred_split": deferred_split_scan, run by shrink_slab
 * from reclaim and drop_caches 2) splits it into 512 order-0 pages
 * (split_folio, thp_split_page), freeing those nobody maps. Callers that
 * need 4 KiB pages now (mlock, MADV_FREE/COLD/PAGEOUT, migration) split
 * PMD and folio at once (split_huge_pmd_range).
 *
 * THP is available only with rmap=anon_vma_chain or rmap=anon_vma (2.5's
 * pte_chain and 2.4's scan designs had none), and not in VM_LOCKED VMAs.
 */
#ifndef MMSIM_HUGE_MM_H
#define MMSIM_HUGE_MM_H

#include "memory.h"

#define HPAGE_PMD_ORDER		(PMD_SHIFT - PAGE_SHIFT)
#define HPAGE_PMD_NR		(1UL << HPAGE_PMD_ORDER)

/* folio_entire_mapcount: PMD mappings of the THP whose head is head. */
static inline long folio_entire_mapcount(const struct page *head)
{
	return head[1]._entire_mapcount;
}

/* folio_large_mapcount: every mapping of the THP (PMD or pte). */
static inline long folio_large_mapcount(const struct page *head)
{
	return head[1]._large_mapcount;
}

/* Subpages mapped by at least one pte. */
static inline long folio_nr_pages_mapped(const struct page *head)
{
	return head[1]._nr_pages_mapped;
}

/* An anonymous THP (not hugetlb, not a kmalloc or slab compound page)? */
static inline bool folio_test_anon_thp(const struct page *head)
{
	return PageHead(head) && compound_order(head) == HPAGE_PMD_ORDER &&
	       !PageHugetlb(head) && PageAnon(head);
}

/* Is the THP on its node's deferred split queue / counted partially mapped? */
static inline bool folio_on_deferred_list(const struct page *head)
{
	return head[2]._deferred_list.next != NULL &&
	       !list_empty(&head[2]._deferred_list);
}
static inline bool folio_test_partially_mapped(const struct page *head)
{
	return head[2]._partially_mapped != 0;
}

/* Is a PMD leaf of a non-hugetlb VMA a THP (not a hugetlb page)? */
static inline bool pmd_trans_huge(pmd_t pmd)
{
	return pmd_leaf(pmd) && pmd_present(pmd);
}

/* May the VMA hold anonymous THPs at all (thp_vma_allowable_order without alignment)? */
bool thp_vma_allowable(const struct vm_area_struct *vma);
bool thp_vma_allowable_mode(const struct vm_area_struct *vma, bool ignore_mode);
/* ... and one for the 2 MiB block holding addr (thp_vma_suitable_order)? */
bool thp_vma_suitable(const struct vm_area_struct *vma, unsigned long addr);

/* Faults on a none pmd (do_huge_pmd_anonymous_page) and on a THP leaf (access/COW). */
vm_fault_t do_huge_pmd_anonymous_page(struct vm_area_struct *vma, unsigned long address,
				      pmd_t *pmd, unsigned int flags);
vm_fault_t huge_pmd_fault(struct vm_area_struct *vma, unsigned long address, pmd_t *pmd,
			  unsigned int flags);

/* Tear-down of a whole THP leaf into the gather (zap_huge_pmd). */
void zap_huge_pmd(struct mmu_gather *tlb, struct vm_area_struct *vma, pmd_t *pmd,
		  unsigned long haddr);
/* fork: share the THP with the child, write-protected in both. 0 or -ENOMEM. */
int copy_huge_pmd(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		  pmd_t *dst_pmd, pmd_t *src_pmd, unsigned long haddr);

/* Turn the THP leaf at pmd into 512 ptes of the (still large) folio. No locks held. */
void __split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long haddr);
/* ... every THP leaf of vma that meets [start, end) (vma_adjust_trans_huge and friends). */
void split_huge_pmd_only_range(struct vm_area_struct *vma, unsigned long start,
			       unsigned long end);
/*
 * Split every THP leaf meeting [start, end) and every large folio a pte
 * of the range maps into order-0 pages now (for walks that need 4 KiB).
 */
void split_huge_pmd_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/*
 * split_folio: every PMD mapping of the THP (rmap walk) becomes ptes, then
 * the folio becomes 512 order-0 pages; subpages nobody maps are freed. The
 * caller holds a reference on head (kept by the head page). 0, or -EAGAIN
 * when other references pin it (thp_split_page_failed). No locks held.
 */
int split_folio(struct machine *m, struct page *head);

/* Rmap of a pte mapping a subpage of a THP (rmap.c calls these for compound pages). */
void thp_add_rmap_pte(struct machine *m, struct page *page);
void thp_remove_rmap_ptes(struct machine *m, struct page *page, int nr);

/*
 * The deferred split queue of the THP's node: queue a partially mapped
 * folio (counts thp_deferred_split_page once), take a freed one off.
 */
void deferred_split_folio(struct machine *m, struct page *head, bool partially_mapped);
void folio_unqueue_deferred_split(struct machine *m, struct page *head);
/*
 * The last reference of an anonymous THP goes (put_page): off the queue,
 * and the flags its subpages took while pte-mapped (PG_anon_exclusive,
 * PG_dirty, ...) cleared, as free_pages_prepare clears tails' flags.
 */
void thp_folio_free(struct machine *m, struct page *head);
/*
 * The deferred split shrinker's two calls for node nid: the queue's
 * length (count_objects), and a scan splitting up to nr_to_scan queued
 * folios (scan_objects; returns the folios split). A folio that cannot be
 * split stays queued.
 */
unsigned long deferred_split_count(struct machine *m, int nid);
unsigned long deferred_split_scan(struct machine *m, int nid, unsigned long nr_to_scan);
/*
 * Boot (hugepage_init's thp_shrinker_init): register those two as the
 * NUMA-aware shrinker "thp-deferred_split", so reclaim's shrink_slab and
 * drop_caches 2 split queued folios. Shutdown frees it.
 */
void thp_shrinker_init(struct machine *m);
void thp_shrinker_exit(struct machine *m);

/* The deposited tables (pgtable_trans_huge_deposit/withdraw), in pgtable.c. */
void pgtable_trans_huge_deposit(struct mm_struct *mm, struct page *table);
struct page *pgtable_trans_huge_withdraw(struct mm_struct *mm);
/* A counted pte table for a deposit (pte_alloc_one) and its release (pte_free). */
struct page *pte_alloc_one(struct mm_struct *mm);
void pte_free(struct mm_struct *mm, struct page *table);
/* Point pmd at the pte table (pmd_populate), which maps from haddr. */
void pmd_populate(struct mm_struct *mm, pmd_t *pmd, struct page *table, unsigned long haddr);

/*
 * GUP's look at a THP leaf: *is_thp says whether addr is under one; the
 * head if it grants the access (touched as FOLL_TOUCH does), else NULL.
 */
struct page *follow_trans_huge_pmd(struct vm_area_struct *vma, unsigned long addr, bool write,
				   bool *is_thp);

/*
 * MADV_COLLAPSE over [start, end) of vma: every 2 MiB-aligned block inside
 * it whose ptes map anonymous pages (or none, or the zero page; at least
 * one real page) becomes one THP, its pages copied, the old pte table
 * deposited. 0, or the last failure: -EINVAL (an empty block, a VMA THP may
 * not use), -ENOMEM (no order-9 page).
 */
int madvise_collapse(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/*
 * collapse_huge_page: copy the 2 MiB block at haddr (its ptes map anon
 * pages, none or the zero page; at least one page) into a new THP from
 * gfp and map it with one PMD, the old pte table deposited. 0, -ENOMEM
 * (no order-9 page: thp_collapse_alloc_failed) or -EAGAIN (the block
 * changed while allocating). The caller checked its own rules first.
 */
int collapse_huge_page(struct vm_area_struct *vma, pmd_t *pmd, unsigned long haddr, gfp_t gfp);

#endif
