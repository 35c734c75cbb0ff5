/*
 * mlock.c - locking memory (Linux's mm/mlock.c): mlock, mlock2, munlock,
 * mlockall, munlockall, and the RLIMIT_MEMLOCK rule shared with mmap and
 * mremap (mlock_future_ok).
 *
 * Locking a range sets VM_LOCKED (and VM_LOCKONFAULT for MLOCK_ONFAULT /
 * MCL_ONFAULT) on exactly the VMAs' parts inside it (mlock_fixup: split or
 * merge through vma_modify_flags), counts the pages that became locked in
 * mm->locked_vm, mlocks the pages already mapped there (mlock_page: they
 * go to the unevictable list, Mlocked in meminfo), then - with mmap_lock
 * released, as Linux does - faults the rest in (mm_populate) unless the
 * lock is on-fault. Unlocking clears the flags and munlocks the mapped
 * pages. A hole in the range stops the walk with -ENOMEM after the part
 * before it was done, as Linux does.
 *
 * Privileges: simulated processes are unprivileged (see mman.h): a request
 * that would take locked_vm (not counting what is already locked inside
 * the range) past RLIMIT_MEMLOCK fails with -ENOMEM, mlockall(MCL_CURRENT)
 * fails when total_vm exceeds it.
 *
 * Invariant kept: locked_vm == the pages of the mm's VM_LOCKED VMAs.
 * Lock order: mmap_lock > page_table_lock (per pte table) > lru (swap.c).
 */
#include <errno.h>

#include "huge_mm.h"
#include "memory.h"
#include "mman.h"
#include "mm.h"
#include "pgalloc.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"

unsigned long rlimit_memlock(const struct mm_struct *mm)
{
	(void)mm;
	return MLOCK_LIMIT;
}

/* No simulated process has CAP_IPC_LOCK. */
static bool capable_ipc_lock(void)
{
	return false;
}

/* can_do_mlock: a zero RLIMIT_MEMLOCK forbids locking altogether (-EPERM). */
static bool can_do_mlock(const struct mm_struct *mm)
{
	return rlimit_memlock(mm) != 0 || capable_ipc_lock();
}

bool mlock_future_ok(const struct mm_struct *mm, vm_flags_t vm_flags, unsigned long bytes)
{
	unsigned long locked_pages;

	if (!(vm_flags & VM_LOCKED) || capable_ipc_lock())
		return true;
	locked_pages = (bytes >> PAGE_SHIFT) + mm->locked_vm;
	return locked_pages <= rlimit_memlock(mm) >> PAGE_SHIFT;
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
 * mlock_vma_pages_range: the VMA takes newflags, then every page already
 * mapped in [start, end) is mlocked or munlocked to match. Pages not yet
 * present are left to the populate (or to the fault, which puts a page of
 * a locked VMA straight on the unevictable list).
 */
static void mlock_vma_pages_range(struct vm_area_struct *vma, unsigned long start,
				  unsigned long end, vm_flags_t newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	unsigned long addr, next;

	vma->vm_flags = newflags;
	lru_add_drain(m);	/* pages still in this CPU's batches reach the LRU first */
	for (addr = start; addr < end; addr = next) {
		pte_t *pte = pte_table_at(mm, addr, end, &next);

		if (!pte)
			continue;
		spin_lock(&mm->page_table_lock);
		for (; addr < next; addr += PAGE_SIZE, pte++) {
			struct page *page;

			if (!pte_present(*pte))
				continue;
			page = vm_normal_page(vma, addr, *pte);
			if (!page)
				continue;	/* the zero page is never locked */
			if (newflags & VM_LOCKED)
				mlock_page(m, page);
			else
				munlock_page(m, page);
		}
		spin_unlock(&mm->page_table_lock);
	}
}

/*
 * Give [start, end) of vma the lock flags of newflags (mlock_fixup).
 * Special mappings (VM_IO, VM_PFNMAP, VM_DONTEXPAND, VM_MIXEDMAP) and
 * hugetlb are skipped without error and without counting, as in Linux.
 * *prev: as for vma_modify_flags, updated to the VMA ending the range.
 */
static int mlock_fixup(struct vm_area_struct *vma, struct vm_area_struct **prev,
		       unsigned long start, unsigned long end, vm_flags_t newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	vm_flags_t oldflags = vma->vm_flags;
	long nr_pages;

	if (newflags == oldflags || (oldflags & (VM_SPECIAL | VM_HUGETLB))) {
		*prev = vma;
		return 0;
	}
	split_huge_pmd_range(vma, start, end);	/* THP: mlocked ranges are mapped by ptes here */
	vma = vma_modify_flags(*prev, vma, start, end, newflags);
	if (IS_ERR(vma))
		return (int)PTR_ERR(vma);	/* nothing changed; *prev stays */
	*prev = vma;

	nr_pages = (long)((end - start) >> PAGE_SHIFT);
	if (!(newflags & VM_LOCKED))
		nr_pages = -nr_pages;
	else if (oldflags & VM_LOCKED)
		nr_pages = 0;
	mm->locked_vm += nr_pages;

	if ((newflags & VM_LOCKED) && (oldflags & VM_LOCKED))
		vma->vm_flags = newflags;	/* only ONFAULT changed: mlocking twice would be wrong */
	else
		mlock_vma_pages_range(vma, start, end, newflags);
	return 0;
}

/*
 * Set (flags = VM_LOCKED[|VM_LOCKONFAULT]) or clear (flags = 0) the lock
 * of [start, start + len), page aligned (apply_vma_lock_flags).
 */
static int apply_vma_lock_flags(struct mm_struct *mm, unsigned long start, unsigned long len,
				vm_flags_t flags)
{
	struct vm_area_struct *vma, *prev;
	unsigned long end = start + len, nstart, tmp;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	vma = vma_lookup(mm, start);
	if (!vma)
		return -ENOMEM;
	prev = start > vma->vm_start ? vma : vma_prev(vma);

	nstart = start;
	tmp = vma->vm_start;
	for (; vma && vma->vm_start < end; vma = vma_next(prev)) {
		vm_flags_t newflags;
		int error;

		if (vma->vm_start != tmp)
			return -ENOMEM;
		newflags = (vma->vm_flags & ~VM_LOCKED_MASK) | flags;
		tmp = min(vma->vm_end, end);
		error = mlock_fixup(vma, &prev, nstart, tmp, newflags);
		if (error)
			return error;
		tmp = prev->vm_end;
		nstart = tmp;
	}
	return tmp < end ? -ENOMEM : 0;
}

/*
 * Pages of [start, start + len) already counted in locked_vm, so that
 * relocking them does not count against the limit twice.
 */
static unsigned long count_mm_mlocked_page_nr(struct mm_struct *mm, unsigned long start,
					      unsigned long len)
{
	unsigned long end = (~0UL - len < start) ? ~0UL : start + len;
	unsigned long count = 0;
	struct vm_area_struct *vma;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = vma_next(vma)) {
		if (!(vma->vm_flags & VM_LOCKED))
			continue;
		if (start > vma->vm_start)
			count -= start - vma->vm_start;
		if (end < vma->vm_end) {
			count += end - vma->vm_start;
			break;
		}
		count += vma->vm_end - vma->vm_start;
	}
	return count >> PAGE_SHIFT;
}

/* GUP's errors as POSIX wants them from mlock (__mlock_posix_error_return). */
static int mlock_posix_error_return(int error)
{
	if (error == -EFAULT)
		return -ENOMEM;
	if (error == -ENOMEM)
		return -EAGAIN;
	return error;
}

static long do_mlock(struct task_struct *t, unsigned long start, unsigned long len,
		     vm_flags_t flags)
{
	struct mm_struct *mm = t->mm;
	unsigned long locked, lock_limit;
	int error = -ENOMEM;

	if (!can_do_mlock(mm))
		return -EPERM;
	/* The range covers every page the bytes touch (len may wrap to 0). */
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	lock_limit = rlimit_memlock(mm) >> PAGE_SHIFT;
	locked = len >> PAGE_SHIFT;

	spin_lock(&mm->mmap_lock);
	locked += mm->locked_vm;
	if (locked > lock_limit && !capable_ipc_lock())
		locked -= count_mm_mlocked_page_nr(mm, start, len);
	if (locked <= lock_limit || capable_ipc_lock())
		error = apply_vma_lock_flags(mm, start, len, flags);
	spin_unlock(&mm->mmap_lock);
	if (error)
		return error;

	error = mm_populate(mm, start, len, false);
	return error ? mlock_posix_error_return(error) : 0;
}

long sys_mlock(struct task_struct *t, unsigned long start, unsigned long len)
{
	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	return do_mlock(t, start, len, VM_LOCKED);
}

long sys_mlock2(struct task_struct *t, unsigned long start, unsigned long len, int flags)
{
	vm_flags_t vm_flags = VM_LOCKED;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	if (flags & MLOCK_ONFAULT)
		vm_flags |= VM_LOCKONFAULT;
	return do_mlock(t, start, len, vm_flags);
}

long sys_munlock(struct task_struct *t, unsigned long start, unsigned long len)
{
	struct mm_struct *mm = t->mm;
	int ret;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	spin_lock(&mm->mmap_lock);
	ret = apply_vma_lock_flags(mm, start, len, 0);
	spin_unlock(&mm->mmap_lock);
	return ret;
}

/*
 * mlockall/munlockall's VMA walk: MCL_FUTURE goes to mm->def_flags (new
 * mappings start locked), MCL_CURRENT locks every VMA now. Errors of
 * single VMAs are ignored, as Linux ignores them.
 */
static void apply_mlockall_flags(struct mm_struct *mm, int flags)
{
	struct vm_area_struct *vma, *prev = NULL, *next;
	vm_flags_t to_add = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MCL_CURRENT))
			return;
	}
	if (flags & MCL_CURRENT) {
		to_add |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			to_add |= VM_LOCKONFAULT;
	}
	for (vma = vma_first(mm); vma; vma = next) {
		vm_flags_t newflags = (vma->vm_flags & ~VM_LOCKED_MASK) | to_add;

		if (mlock_fixup(vma, &prev, vma->vm_start, vma->vm_end, newflags))
			prev = vma;
		next = vma_next(prev);
	}
}

long sys_mlockall(struct task_struct *t, int flags)
{
	struct mm_struct *mm = t->mm;
	long ret = -ENOMEM;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!can_do_mlock(mm))
		return -EPERM;

	spin_lock(&mm->mmap_lock);
	if (!(flags & MCL_CURRENT) || mm->total_vm <= rlimit_memlock(mm) >> PAGE_SHIFT ||
	    capable_ipc_lock()) {
		apply_mlockall_flags(mm, flags);
		ret = 0;
	}
	spin_unlock(&mm->mmap_lock);
	if (!ret && (flags & MCL_CURRENT))
		mm_populate(mm, 0, mm->task_size, true);
	return ret;
}

long sys_munlockall(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	spin_lock(&mm->mmap_lock);
	apply_mlockall_flags(mm, 0);
	spin_unlock(&mm->mmap_lock);
	return 0;
}
