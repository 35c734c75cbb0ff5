/*
 * mprotect.c - changing the protection of mapped memory (Linux's
 * mm/mprotect.c): sys_mprotect, mprotect_fixup and change_protection.
 *
 * sys_mprotect walks the VMAs of [start, end) in address order and gives
 * each piece the new access bits (mprotect_fixup): vma_modify_flags splits
 * the edge VMAs or merges the result with its neighbours, the commit charge
 * follows a private mapping that becomes writable, total/data/exec/stack_vm
 * follow the flags, and change_protection rewrites the present ptes of the
 * range with the new vm_page_prot. Like Linux it stops at the first hole
 * and returns -ENOMEM with the VMAs before the hole already changed.
 *
 * Page-table rules (Linux 6.x change_pte_range):
 *  - every present pte (PROT_NONE ones included) takes pte_modify(newprot);
 *    pfn, accessed, dirty and soft-dirty are kept;
 *  - a private writable mapping's protection is read-only (COW), but a pte
 *    that maps an exclusively owned anonymous page (PageAnonExclusive) is
 *    made writable at once, as the write fault would make it; a shared
 *    writable mapping's pte may be if it is already dirty;
 *  - a pte that lost a right (or whose pfn, RW, NX or user bits changed)
 *    is flushed from the TLBs before the call returns (pte_needs_flush);
 *    one mmu_gather covers the whole call.
 *
 * Called with nothing held; takes mmap_lock, then page_table_lock per pte
 * table (the pte lock).
 */
#include <errno.h>

#include "huge_mm.h"
#include "memory.h"
#include "mman.h"
#include "mm.h"
#include "pgalloc.h"
#include "tlbflush.h"
#include "vma.h"

/* PROT_* bits a mapping may ask for on x86-64 (arch_validate_prot). */
static bool arch_validate_prot(unsigned long prot)
{
	return (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)) == 0;
}

static vm_flags_t calc_vm_prot_bits(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) |
	       ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/*
 * The pte of addr inside its table, or NULL when no pte table covers addr;
 * *next is the end of the part of [addr, end) that table maps.
 */
static pte_t *pte_table_at(struct mm_struct *mm, unsigned long addr, unsigned long end,
			   unsigned long *next)
{
	unsigned long boundary = (addr + PMD_SIZE) & PMD_MASK;
	pmd_t *pmd;

	*next = (boundary - 1 < end - 1) ? boundary : end;
	pmd = walk_pmd(mm, addr);
	if (!pmd || pmd_none(*pmd) || pmd_leaf(*pmd))
		return NULL;
	return pte_offset(mm, pmd, addr);
}

/*
 * x86's pte_needs_flush: a TLB entry filled from old must go when new
 * takes something away (present, dirty, accessed cleared) or changes a
 * bit the TLB caches (pfn, RW, user, NX, caching).
 */
static bool pte_needs_flush(pte_t old, pte_t new)
{
	const pteval_t flush_on_clear = _PAGE_DIRTY | _PAGE_PRESENT | _PAGE_ACCESSED;
	const pteval_t flush_on_change = _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD |
					 _PAGE_PSE | _PAGE_GLOBAL | _PAGE_NX;
	pteval_t oldflags = pte_val(old) & PTE_FLAGS_MASK;
	pteval_t diff = oldflags ^ (pte_val(new) & PTE_FLAGS_MASK);

	if (!(oldflags & _PAGE_PRESENT))
		return false;
	if (pte_pfn(old) != pte_pfn(new))
		return true;
	return (diff & oldflags & flush_on_clear) || (diff & flush_on_change);
}

/*
 * May this pte of a writable VMA be made writable now, without the write
 * fault (can_change_pte_writable)? Soft-dirty tracking is not simulated
 * (the reference host kernel is built without it), so it never objects.
 */
static bool can_change_pte_writable(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct page *page;

	if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE)) || pte_protnone(pte))
		return false;
	if (!(vma->vm_flags & VM_SHARED)) {
		/* Private: only what do_wp_page would reuse without a copy. */
		page = vm_normal_page(vma, addr, pte);
		return page && PageAnon(page) && PageAnonExclusive(page);
	}
	/* Shared: a clean pte may still owe the file a write notification. */
	return pte_dirty(pte);
}

static long change_pte_range(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pte,
			     unsigned long addr, unsigned long end, bool try_writable)
{
	pgprot_t newprot = vma->vm_page_prot;
	long pages = 0;

	for (; addr < end; addr += PAGE_SIZE, pte++) {
		pte_t old = *pte, ptent;

		/* Swap entries keep their encoding; the fault applies the prot. */
		if (!pte_present(old))
			continue;
		ptent = pte_modify(old, newprot);
		if (try_writable && !pte_write(ptent) && can_change_pte_writable(vma, addr, ptent))
			ptent = pte_mkwrite(ptent);
		*pte = ptent;
		if (pte_needs_flush(old, ptent))
			tlb_flush_pte_range(tlb, addr, PAGE_SIZE);
		pages++;
	}
	return pages;
}

/*
 * Rewrite the present ptes of [start, end) (inside vma) with the VMA's
 * vm_page_prot; flushes go through tlb. Returns the ptes visited.
 */
static long change_protection(struct mmu_gather *tlb, struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, bool try_writable)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr, next;
	long pages = 0;

	if (is_vm_hugetlb_page(vma))	/* mm/hugetlb_vma.c: the leaves, flushed there */
		return hugetlb_change_protection(vma, start, end, vma->vm_page_prot);
	for (addr = start; addr < end; addr = next) {
		pte_t *pte = pte_table_at(mm, addr, end, &next);

		if (!pte)
			continue;
		spin_lock(&mm->page_table_lock);
		pages += change_pte_range(tlb, vma, pte, addr, next, try_writable);
		spin_unlock(&mm->page_table_lock);
	}
	return pages;
}

/*
 * vma_set_page_prot: the pte protection of the VMA's flags; a shared
 * mapping that wants write notification maps read-only (as private).
 */
static void vma_set_page_prot(struct vm_area_struct *vma)
{
	vm_flags_t flags = vma->vm_flags;

	if ((flags & VM_SHARED) && vma_wants_writenotify(vma))
		flags &= ~VM_SHARED;
	vma->vm_page_prot = vm_get_page_prot(flags);
}

/* Private writable ptes may be upgraded; shared ones if writes need no notification. */
static bool vma_wants_manual_pte_write_upgrade(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_SHARED)
		return vma_wants_writenotify(vma);
	return vma->vm_flags & VM_WRITE;
}

/*
 * Give [start, end) of vma the flags newflags (mprotect_fixup). *pprev is
 * the VMA before start on entry (vma itself when start is inside it) and
 * the VMA now ending the changed range on return. 0 or -ENOMEM.
 */
static int mprotect_fixup(struct mmu_gather *tlb, struct vm_area_struct *vma,
			  struct vm_area_struct **pprev, unsigned long start, unsigned long end,
			  vm_flags_t newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	vm_flags_t oldflags = vma->vm_flags;
	long nrpages = (long)((end - start) >> PAGE_SHIFT);
	long charged = 0;

	if (newflags == oldflags) {
		*pprev = vma;
		return 0;
	}
	/* THP: the PMDs split here, the folios stay large (6.18's change_huge_pmd keeps a wholly covered one) */
	split_huge_pmd_only_range(vma, start, end);

	/*
	 * A private mapping becoming writable is charged now (RLIMIT_DATA is
	 * unlimited here, so may_expand_vm never objects). The charge is only
	 * given back when it turns read-only again before any anonymous page
	 * exists (no anon_vma yet).
	 */
	if (newflags & VM_WRITE) {
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
			charged = nrpages;
			if (security_vm_enough_memory_mm(mm, charged))
				return -ENOMEM;
			newflags |= VM_ACCOUNT;
		}
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) && !vma->anon_vma) {
		newflags &= ~VM_ACCOUNT;
	}

	vma = vma_modify_flags(*pprev, vma, start, end, newflags);
	if (IS_ERR(vma)) {
		if (charged)
			vm_unacct_memory(mm->machine, charged);
		return (int)PTR_ERR(vma);
	}
	*pprev = vma;

	vma->vm_flags = newflags;
	vma_set_page_prot(vma);
	change_protection(tlb, vma, start, end, vma_wants_manual_pte_write_upgrade(vma));

	if ((oldflags & VM_ACCOUNT) && !(newflags & VM_ACCOUNT))
		vm_unacct_memory(mm->machine, nrpages);

	/* A locked private mapping turning writable breaks COW now, not at the first write. */
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE))
		populate_vma_page_range(vma, start, end, false);

	vm_stat_account(mm, oldflags, -nrpages);
	vm_stat_account(mm, newflags, nrpages);
	return 0;
}

/* The VMA loop of do_mprotect_pkey, mmap_lock held; returns 0 or -errno. */
static int mprotect_vmas(struct mm_struct *mm, struct mmu_gather *tlb, unsigned long start,
			 unsigned long end, unsigned long prot, unsigned long grows)
{
	struct vm_area_struct *vma, *prev;
	unsigned long nstart, tmp;
	int error;

	vma = find_vma_intersection(mm, start, end);
	if (!vma)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		/* The change reaches down to the start of the stack VMA. */
		start = vma->vm_start;
		if (!(vma->vm_flags & VM_GROWSDOWN))
			return -EINVAL;
	} else {
		if (vma->vm_start > start)
			return -ENOMEM;
		/* x86 has no upward-growing stacks (VM_GROWSUP is 0). */
		if (grows & PROT_GROWSUP)
			return -EINVAL;
	}

	prev = start > vma->vm_start ? vma : vma_prev(vma);
	nstart = start;
	tmp = vma->vm_start;
	error = 0;
	for (; vma && vma->vm_start < end; vma = vma_next(prev)) {
		vm_flags_t newflags;

		if (vma->vm_start != tmp)
			return -ENOMEM;
		newflags = calc_vm_prot_bits(prot) | (vma->vm_flags & ~VM_ACCESS_FLAGS);
		/* Each right asked for needs its VM_MAY* (newflags >> 4 lines them up). */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS)
			return -EACCES;
		tmp = min(vma->vm_end, end);
		error = mprotect_fixup(tlb, vma, &prev, nstart, tmp, newflags);
		if (error)
			return error;
		tmp = prev->vm_end;
		nstart = tmp;
	}
	return tmp < end ? -ENOMEM : 0;
}

/* mprotect(2): Linux's do_mprotect_pkey without protection keys. */
long sys_mprotect(struct task_struct *t, unsigned long start, unsigned long len,
		  unsigned long prot)
{
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	struct mm_struct *mm = t->mm;
	struct mmu_gather tlb;
	unsigned long end;
	int error;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (!arch_validate_prot(prot))
		return -EINVAL;

	spin_lock(&mm->mmap_lock);
	tlb_gather_mmu(&tlb, mm);
	error = mprotect_vmas(mm, &tlb, start, end, prot, grows);
	tlb_finish_mmu(&tlb);
	spin_unlock(&mm->mmap_lock);
	return error;
}
