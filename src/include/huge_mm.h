/*
 * huge_mm.h - anonymous transparent huge pages (Linux 6.x
 * include/linux/huge_mm.h, mm/huge_memory.c).
 *
 * An aligned anonymous fault in an eligible VMA maps an order-9 compound
 * page with one PMD leaf (_PAGE_PSE) and deposits an empty pte table with
 * it (pgtable_trans_huge_deposit), counted in VmPTE/PageTables as Linux
 * counts it, so that a later split never has to allocate.
 *
 * Counts of a PMD-mapped THP: the entire mapcount (one per PMD mapping)
 * lives in head[1].index (folio->_entire_mapcount); the subpages'
 * _mapcount stay -1 while the folio is only PMD-mapped; the head's
 * refcount is one per PMD mapping (plus any transient reference).
 * NR_ANON_THPS and NR_ANON_PAGES count 512 pages while it is mapped.
 *
 * Splitting is done at once and whole: __split_huge_pmd turns every PMD
 * mapping of the folio into 512 ptes (thp_split_pmd each) and then splits
 * the folio into 512 order-0 pages (split_huge_page, thp_split_page).
 * Linux 6.18 splits only the PMD asked for and queues the folio on the
 * deferred split queue; here there is no deferred split queue.
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
	return (long)head[1].index;
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

/* Split the THP mapped at pmd (and the folio, see above). No locks held. */
void __split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long haddr);
/* Split every THP leaf of vma that meets [start, end) (vma_adjust_trans_huge and friends). */
void split_huge_pmd_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);

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

#endif
