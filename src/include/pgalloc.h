/*
 * pgalloc.h - finding, allocating and freeing page tables (mm/pgtable.c;
 * Linux's pgd_offset/pXd_offset, __pXd_alloc, free_pgd_range).
 *
 * All entry pointers are host pointers through the direct map. A pXd_alloc
 * returns the entry for addr at its level, allocating the table below the
 * upper entry if it is none; NULL only when the page allocator fails.
 *
 * Accounting (Linux 6.x): every table frame, pgd included, is PageTable and
 * counted in its node's NR_PAGETABLE (meminfo PageTables; a pti pgd is an
 * order-1 table and counts 2); pte, pmd and pud tables are counted in
 * mm->pgtables_bytes (status VmPTE), the pgd and p4d tables are not (Linux
 * has no p4d counter). A table page's refcount is 1; its _mapcount word is
 * the PGTY_table type. init_mm's tables, swapper_pg_dir and the zero page
 * are reserved frames of the kernel image, counted nowhere.
 * Installing a table takes mm->page_table_lock: call without it held.
 *
 * Invariants: a table reachable from an mm's pgd belongs to that mm alone
 * (no sharing of user tables); kernel half entries 256..511 of every pgd
 * equal init_mm's.
 */
#ifndef MMSIM_PGALLOC_H
#define MMSIM_PGALLOC_H

#include "mm.h"

struct mmu_gather;

/* The pgd of a new mm: user half empty, kernel half copied from init_mm. */
int pgd_alloc(struct mm_struct *mm);
void pgd_free(struct mm_struct *mm);
/* Boot: init_mm and swapper_pg_dir (machine->init_mm). */
int paging_init(struct machine *m);
void paging_exit(struct machine *m);

/* The table a non-leaf entry points to, through the direct map. */
void *pgtable_page_address(const struct mm_struct *mm, pteval_t entry);

/* Walk without allocating: the entry at each level (never NULL). */
pgd_t *pgd_offset(const struct mm_struct *mm, unsigned long addr);
p4d_t *p4d_offset(const struct mm_struct *mm, pgd_t *pgd, unsigned long addr);
pud_t *pud_offset(const struct mm_struct *mm, p4d_t *p4d, unsigned long addr);
pmd_t *pmd_offset(const struct mm_struct *mm, pud_t *pud, unsigned long addr);
pte_t *pte_offset(const struct mm_struct *mm, pmd_t *pmd, unsigned long addr);

/* Walk, allocating missing tables; NULL on allocation failure. */
p4d_t *p4d_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long addr);
pud_t *pud_alloc(struct mm_struct *mm, p4d_t *p4d, unsigned long addr);
pmd_t *pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long addr);
pte_t *pte_alloc(struct mm_struct *mm, pmd_t *pmd, unsigned long addr);

/*
 * A table page knows its mm (page->private, Linux's ptdesc->pt_mm) and a
 * pte table the address its first pte maps (page->index, as 2.5's
 * ptep_to_address read it); pte_chain's walk needs both. mremap keeps the
 * base true when it moves whole tables (pgtable_rebase).
 */
static inline void ptdesc_set_owner(struct page *table, struct mm_struct *mm, unsigned long base)
{
	table->private = (unsigned long)mm;
	table->index = base;
}

static inline struct mm_struct *ptdesc_mm(const struct page *table)
{
	return (struct mm_struct *)table->private;
}

void pgtable_rebase(struct mm_struct *mm, pteval_t entry, bool pud_level, unsigned long addr);

/*
 * The pte for addr, or NULL if a table on the way is missing (walk_pte) /
 * could not be allocated (walk_pte_alloc). Not for huge mappings.
 */
pte_t *walk_pte(const struct mm_struct *mm, unsigned long addr);
pte_t *walk_pte_alloc(struct mm_struct *mm, unsigned long addr);
/* The pmd for addr, or NULL if the pud level is missing. */
pmd_t *walk_pmd(const struct mm_struct *mm, unsigned long addr);

/* The end of the size-aligned block holding addr, or end if sooner (pXd_addr_end). */
static inline unsigned long block_end(unsigned long addr, unsigned long size, unsigned long end)
{
	unsigned long boundary = (addr + size) & ~(size - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

/* The bytes one top-level (pgd) entry maps: 4 or 5 levels. */
static inline unsigned long pgdir_size(const struct mm_struct *mm)
{
	return 1UL << (mm->machine->cfg.pgtable_levels == 5 ? PGDIR_SHIFT_L5 : PGDIR_SHIFT_L4);
}

/*
 * The pmd entry holding a pte table (or a THP leaf) at or after *addr,
 * advancing *addr over holes in the upper levels; NULL once [*addr, end)
 * has no more. Not for ranges with PUD leaves (hugetlb 1 GiB).
 */
pmd_t *next_pte_table(const struct mm_struct *mm, unsigned long *addr, unsigned long end);

/*
 * Free the page tables that map only [addr, end), staying inside
 * [floor, ceiling) (0 ceiling = top of user space), as free_pgd_range does:
 * a table is freed only when no address it covers lies outside the range
 * or beyond the bounds (the neighbouring VMAs still need it). The ptes in
 * the range must already be none (zapped). Sets tlb->freed_tables.
 */
void free_pgd_range(struct mmu_gather *tlb, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling);
/*
 * free_pgtables: free_pgd_range over the VMAs from vma on (unmap_region,
 * exit_mmap), following vma_next() while a VMA starts below ceiling (0: to
 * the last VMA), so the VMAs must still be linked; neighbours closer than
 * PMD_SIZE are freed in one call, as Linux does. Unlike Linux it does not
 * unlink anon_vmas or file rmap: the caller does.
 */
void free_pgtables(struct mmu_gather *tlb, struct vm_area_struct *vma,
		   unsigned long floor, unsigned long ceiling);

/* Count table frames reachable from mm->pgd, by level (validators, tests). */
struct pgtable_census { unsigned long pgd, p4d, pud, pmd, pte; };
void pgtable_census(const struct mm_struct *mm, struct pgtable_census *c);
/* What mm->pgtables_bytes must be for the tables a census found. */
static inline long pgtable_census_bytes(const struct pgtable_census *c)
{
	return (long)((c->pud + c->pmd + c->pte) * PAGE_SIZE);
}
/*
 * Debug: every table below mm's user half is PageTable with refcount 1,
 * the kernel half (and the pti user copy) is right, pgtables_bytes agrees
 * with the census. Returns the number of problems (reported in the log).
 */
int validate_pgtables(struct mm_struct *mm);

/* vmalloc (issue 7): free a kernel pte table already unhooked (pte_free_kernel). */
void pte_free_kernel(struct mm_struct *mm, pte_t *table);

#endif
