/*
 * gup.c - faulting user pages in from the kernel's side (Linux's mm/gup.c
 * __get_user_pages as populate uses it: MAP_POPULATE, MAP_LOCKED, mlock,
 * mprotect of a locked range).
 *
 * For each page of the range: if its pte already grants what is wanted
 * (present; writable when FOLL_WRITE) the page is "touched" (FOLL_TOUCH:
 * marked dirty / accessed); otherwise handle_mm_fault runs, as a write
 * fault when FOLL_WRITE, and the page is looked at - and touched - again. The
 * faults count in pgfault and in the current task's min_flt, as GUP's do
 * on Linux (regs == NULL only spares the perf events).
 *
 * Populate writes to private writable mappings (breaking COW, so the
 * pages are there to lock), reads everything else (FOLL_FORCE: a
 * write-only or exec-only VMA is read anyway), never faults
 * VM_LOCKONFAULT VMAs, refuses PROT_NONE ones and skips VM_IO/VM_PFNMAP.
 *
 * Called with mmap_lock held, except mm_populate which takes it.
 */
#include <errno.h>

#include "huge_mm.h"
#include "memory.h"
#include "hugetlb.h"
#include "mman.h"
#include "pgalloc.h"
#include "vma.h"

#define FOLL_WRITE	0x01	/* check pte is writable */
#define FOLL_TOUCH	0x02	/* mark page accessed */
#define FOLL_FORCE	0x10	/* get_user_pages read/write w/o permission */

static inline bool vma_is_accessible(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_ACCESS_FLAGS;
}

/* check_vma_flags, for the flags populate uses. 0 or -EFAULT. */
static int check_vma_flags(const struct vm_area_struct *vma, unsigned int gup_flags)
{
	vm_flags_t vm_flags = vma->vm_flags;

	if (vm_flags & (VM_IO | VM_PFNMAP))
		return -EFAULT;
	if (gup_flags & FOLL_WRITE) {
		/* FOLL_FORCE writes (ptrace) are not simulated. */
		if (!(vm_flags & VM_WRITE))
			return -EFAULT;
	} else if (!(vm_flags & VM_READ)) {
		if (!(gup_flags & FOLL_FORCE) || !(vm_flags & VM_MAYREAD))
			return -EFAULT;
	}
	return 0;
}

/*
 * follow_page_pte: whether the page at addr is there as wanted; touches
 * it if so (FOLL_TOUCH). The zero page counts as there for a read.
 */
static bool follow_page_pte(struct vm_area_struct *vma, unsigned long addr,
			    unsigned int gup_flags)
{
	pte_t *ptep = walk_pte(vma->vm_mm, addr);
	struct page *page;
	bool thp;
	pte_t pte;

	if (!ptep) {
		page = follow_trans_huge_pmd(vma, addr, gup_flags & FOLL_WRITE, &thp);
		if (thp)
			return page != NULL;
	}
	if (!ptep)
		return false;
	pte = *ptep;
	if (!pte_present(pte) || pte_protnone(pte))
		return false;
	if ((gup_flags & FOLL_WRITE) && !pte_write(pte))
		return false;
	page = vm_normal_page(vma, addr, pte);
	if (page && (gup_flags & FOLL_TOUCH)) {
		if ((gup_flags & FOLL_WRITE) && !pte_dirty(pte) && !PageDirty(page))
			SetPageDirty(page);	/* folio_mark_dirty */
		/*
		 * Even a young pte's page: Linux marks the page rather than the
		 * pte (no atomic care for the dirty bit needed), so a populated
		 * page is referenced and a second populate activates it.
		 */
		mark_page_accessed(vma->vm_mm->machine, page);
	}
	return true;
}

/* faultin_page: 0, or what the failed fault means as an errno. */
static int faultin_page(struct vm_area_struct *vma, unsigned long addr, unsigned int gup_flags)
{
	unsigned int fault_flags = (gup_flags & FOLL_WRITE) ? FAULT_FLAG_WRITE : 0;
	vm_fault_t ret = handle_mm_fault(vma, addr, fault_flags | FAULT_FLAG_ALLOW_RETRY);

	/*
	 * The fault dropped mmap_lock to read the disk (filemap_fault): take
	 * it again and fault once more, not as FAULT_FLAG_TRIED - populate
	 * (__mm_populate) restarts its walk the same way, so the retry is
	 * an ordinary fault whose fault-around maps what was read.
	 */
	if (ret & VM_FAULT_RETRY) {
		spin_lock(&vma->vm_mm->mmap_lock);
		ret = handle_mm_fault(vma, addr, fault_flags);
	}

	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	if (ret & VM_FAULT_ERROR)
		return -EFAULT;	/* SIGBUS, SIGSEGV, hwpoison */
	return 0;
}

/*
 * __get_user_pages over [start, start + nr_pages) inside vma: the pages
 * done, or -errno if the first one failed.
 */
static long __get_user_pages(struct vm_area_struct *vma, unsigned long start,
			     unsigned long nr_pages, unsigned int gup_flags)
{
	long i;
	int ret = check_vma_flags(vma, gup_flags);

	if (ret)
		return ret;
	for (i = 0; i < (long)nr_pages; i++, start += PAGE_SIZE) {
		int tries = 0;

		while (!follow_page_pte(vma, start, gup_flags)) {
			/* A fault that succeeds leaves the pte as wanted: a third look is a bug. */
			BUG_ON(++tries > 2);
			ret = faultin_page(vma, start, gup_flags);
			if (ret)
				return i ? i : ret;
		}
	}
	return i;
}

long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, bool write)
{
	unsigned long nr_pages = (end - start) >> PAGE_SHIFT;
	unsigned int gup_flags = FOLL_TOUCH;

	VM_BUG_ON(start & ~PAGE_MASK || end & ~PAGE_MASK);
	VM_BUG_ON(start < vma->vm_start || end > vma->vm_end);
	lockdep_assert_held(&vma->vm_mm->mmap_lock);

	/* Lock-on-fault has never broken COW up front: nothing to do. */
	if (vma->vm_flags & VM_LOCKONFAULT)
		return (long)nr_pages;
	if (!vma_is_accessible(vma))
		return -EFAULT;
	if (is_vm_hugetlb_page(vma))	/* follow_hugetlb_page: one fault per huge page */
		return hugetlb_populate(vma, start, end, write ||
				       (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE);
	/*
	 * Write to private writable mappings to break COW now; shared ones
	 * do not COW and would only be dirtied for nothing.
	 */
	if (write || (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		gup_flags |= FOLL_WRITE;
	else
		gup_flags |= FOLL_FORCE;
	return __get_user_pages(vma, start, nr_pages, gup_flags);
}

int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len, bool ignore_errors)
{
	unsigned long end = start + len, nstart, nend;
	struct vm_area_struct *vma = NULL;
	long ret = 0;

	spin_lock(&mm->mmap_lock);
	for (nstart = start; nstart < end; nstart = nend) {
		if (!vma)
			vma = find_vma_intersection(mm, nstart, end);
		else if (nstart >= vma->vm_end)
			vma = find_vma_intersection(mm, vma->vm_end, end);
		if (!vma)
			break;
		nend = min(end, vma->vm_end);
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			continue;
		if (nstart < vma->vm_start)
			nstart = vma->vm_start;
		ret = populate_vma_page_range(vma, nstart, nend, false);
		if (ret < 0) {
			if (ignore_errors) {
				ret = 0;
				continue;	/* on at the next VMA */
			}
			break;
		}
		nend = nstart + ((unsigned long)ret << PAGE_SHIFT);
		ret = 0;
	}
	spin_unlock(&mm->mmap_lock);
	return (int)ret;
}
