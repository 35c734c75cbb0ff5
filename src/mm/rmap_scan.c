/*
 * rmap_scan.c - Linux 2.4's answer to "which ptes map this page?" (rmap=scan):
 * there is no reverse map, so read every page table of every process.
 *
 * The cost is what the later designs avoid: one walk reads every pte
 * table below every VMA of every mm, whatever the page. Nothing is kept,
 * so nothing costs memory or upkeep at fork, exit and fault time. The
 * work is counted as VMAs visited, page-table pages scanned and ptes
 * checked (vmstat's rmap_walk_*).
 *
 * Invariant: the walk finds exactly the present ptes whose pfn is the
 * page's (the brute force the other designs are tested against).
 */
#include "hugetlb.h"
#include "pgalloc.h"
#include "rmap_internal.h"
#include "vma.h"

/* The ptes of one VMA that map pfn; false if the callback said stop. */
static bool scan_vma(struct machine *m, struct page *page, struct vm_area_struct *vma,
		     struct rmap_walk_control *rwc)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long pfn = page_to_pfn(m, page), addr = vma->vm_start;
	pmd_t *pmd;

	if (is_vm_hugetlb_page(vma))
		return true;	/* huge leaves only: no small page there */
	while ((pmd = next_pte_table(mm, &addr, vma->vm_end))) {
		unsigned long end = block_end(addr, PMD_SIZE, vma->vm_end);

		if (pmd_leaf(*pmd)) {
			addr = end;
			continue;
		}
		count_vm_event(m, RMAP_WALK_PGTABLE);
		for (pte_t *pte = pte_offset(mm, pmd, addr); addr < end; addr += PAGE_SIZE, pte++) {
			count_vm_event(m, RMAP_WALK_PTE);
			if (!pte_present(*pte) || pte_pfn(*pte) != pfn)
				continue;
			if (!rwc->rmap_one(page, vma, addr, pte, rwc->arg))
				return false;
		}
	}
	return true;
}

void rmap_walk_scan(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	struct mm_struct *mm;

	list_for_each_entry(mm, &m->mm_list, mmlist) {
		struct vm_area_struct *vma;

		if (!mm->pgd)
			continue;
		for_each_vma(mm, vma) {
			count_vm_event(m, RMAP_WALK_VMA);
			if (!scan_vma(m, page, vma, rwc))
				return;
		}
	}
}
