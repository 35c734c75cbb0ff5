/*
 * mremap.c - resizing and moving mappings (Linux 6.18's mm/mremap.c):
 * sys_mremap and move_page_tables.
 *
 * The shapes of a call, as Linux 6.18 sorts them (struct vma_remap_struct):
 *  - shrink: the tail [addr + new_len, addr + old_len) is unmapped (it may
 *    span several VMAs and holes);
 *  - grow in place: when [addr, addr + old_len) ends its VMA and the gap
 *    after it is free, the VMA is extended (merging with the next one when
 *    they now touch and are compatible);
 *  - move (MREMAP_MAYMOVE when growing in place is impossible, or
 *    MREMAP_FIXED / MREMAP_DONTUNMAP): a new VMA at the destination
 *    (copy_vma, mm/vma.c: merged with its new neighbours when Linux would,
 *    else a copy joined to the same anon_vmas), the page tables moved under it
 *    (move_page_tables: ptes move, pages stay - same struct page, same
 *    rmap index, since vm_pgoff moves with them), then the old range is
 *    unmapped, or with MREMAP_DONTUNMAP left in place empty and unlocked;
 *  - move only (MREMAP_FIXED with old_len == new_len, 6.17+): every VMA of
 *    the range moves, the gaps between them kept.
 *
 * Accounting: total/data/exec/stack_vm and locked_vm follow the pages that
 * appear (vm_stat_account); VM_ACCOUNT mappings charge the growth (or the
 * whole new length with DONTUNMAP) to the commit, and the source's unmap
 * of a move does not uncharge (the copy inherits the charge). A locked
 * mapping that grew is populated after mmap_lock is dropped.
 *
 * Page tables (x86-64 has HAVE_MOVE_PMD and HAVE_MOVE_PUD): a whole pmd
 * (or pud) entry moves when the extent covers it and the destination
 * entry is empty, so the pte table itself changes address; otherwise ptes
 * move one by one into tables allocated at the destination. The old range
 * is flushed from the TLBs per moved table.
 *
 * Lock order: mmap_lock > anon_vma lock > page_table_lock.
 */
#include <errno.h>

#include "huge_mm.h"
#include "fs.h"
#include "memory.h"
#include "mman.h"
#include "mm.h"
#include "pgalloc.h"
#include "rmap.h"
#include "tlbflush.h"
#include "vma.h"

enum mremap_type {
	MREMAP_INVALID,
	MREMAP_NO_RESIZE,	/* old_len == new_len */
	MREMAP_SHRINK,
	MREMAP_EXPAND,
};

/* One mremap operation, threaded through the steps (vma_remap_struct). */
struct vma_remap_struct {
	struct mm_struct *mm;
	unsigned long addr;		/* source start */
	unsigned long old_len;
	unsigned long new_len;
	unsigned long flags;		/* MREMAP_* */
	unsigned long new_addr;		/* destination (or hint) */
	struct vm_area_struct *vma;	/* the source VMA */
	unsigned long delta;		/* |old_len - new_len| */
	enum mremap_type remap_type;
	long charged;			/* pages charged to the commit */
	bool populate_expand;		/* locked and grown: populate after unlock */
};

/* ------------------------------------------------------------------ */
/* move_page_tables                                                    */
/* ------------------------------------------------------------------ */

/* What move_page_tables moves and how far it got (pagetable_move_control). */
struct pagetable_move_control {
	struct vm_area_struct *old, *new;
	unsigned long old_addr, old_end, new_addr;
	unsigned long len_in;		/* the range asked for, before realigning */
	bool need_rmap_locks;
};

static void take_rmap_locks(struct vm_area_struct *vma)
{
	if (vma->anon_vma)
		anon_vma_lock_write(vma->anon_vma);
}

static void drop_rmap_locks(struct vm_area_struct *vma)
{
	if (vma->anon_vma)
		anon_vma_unlock_write(vma->anon_vma);
}

/* The source's pud entry, or NULL when no table reaches that far. */
static pud_t *get_old_pud(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;

	if (pgd_none(*pgd))
		return NULL;
	p4d = p4d_offset(mm, pgd, addr);
	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(mm, p4d, addr);
	return pud_none(*pud) ? NULL : pud;
}

static pmd_t *get_old_pmd(struct mm_struct *mm, unsigned long addr)
{
	pud_t *pud = get_old_pud(mm, addr);
	pmd_t *pmd;

	if (!pud || pud_leaf(*pud))
		return NULL;
	pmd = pmd_offset(mm, pud, addr);
	return pmd_none(*pmd) ? NULL : pmd;
}

static pud_t *alloc_new_pud(struct mm_struct *mm, unsigned long addr)
{
	p4d_t *p4d = p4d_alloc(mm, pgd_offset(mm, addr), addr);

	return p4d ? pud_alloc(mm, p4d, addr) : NULL;
}

static pmd_t *alloc_new_pmd(struct mm_struct *mm, unsigned long addr)
{
	pud_t *pud = alloc_new_pud(mm, addr);

	return pud ? pmd_alloc(mm, pud, addr) : NULL;
}

/* Move the ptes of one pte table's extent; flush the old range if any was present. */
static void move_ptes(struct pagetable_move_control *pmc, unsigned long extent,
		      pmd_t *old_pmd, pmd_t *new_pmd)
{
	struct vm_area_struct *vma = pmc->old;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long old_addr = pmc->old_addr, old_end = old_addr + extent;
	pte_t *old_pte, *new_pte;
	bool force_flush = false;

	if (pmc->need_rmap_locks)
		take_rmap_locks(vma);
	spin_lock(&mm->page_table_lock);
	old_pte = pte_offset(mm, old_pmd, old_addr);
	new_pte = pte_offset(mm, new_pmd, pmc->new_addr);
	for (; old_addr < old_end; old_addr += PAGE_SIZE, old_pte++, new_pte++) {
		pte_t pte = *old_pte;

		VM_BUG_ON(!pte_none(*new_pte));
		if (pte_none(pte))
			continue;
		/* A present pte's TLB entry must go before its page may. */
		if (pte_present(pte))
			force_flush = true;
		old_pte->pte = 0;
		*new_pte = pte;
		/* pte_chain keeps pte addresses: the chain entry moves too */
		if (pte_present(pte)) {
			struct page *page = vm_normal_page(vma, old_addr, pte);

			if (page)
				folio_move_rmap_pte(page, vma, old_pte, new_pte);
		}
	}
	if (force_flush)
		flush_tlb_range(vma, old_end - extent, old_end);
	spin_unlock(&mm->page_table_lock);
	if (pmc->need_rmap_locks)
		drop_rmap_locks(vma);
}

/* Move a whole pte table: the pmd entry changes place (move_normal_pmd). */
static bool move_normal_pmd(struct pagetable_move_control *pmc, pmd_t *old_pmd, pmd_t *new_pmd)
{
	struct vm_area_struct *vma = pmc->old;
	struct mm_struct *mm = vma->vm_mm;
	bool moved = false;

	/* free_pgtables should have freed it; if not, move pte by pte. */
	if (WARN_ON_ONCE(!pmd_none(*new_pmd)))
		return false;
	take_rmap_locks(vma);
	spin_lock(&mm->page_table_lock);
	if (!pmd_none(*old_pmd) && !pmd_leaf(*old_pmd)) {
		*new_pmd = *old_pmd;
		old_pmd->pmd = 0;
		flush_tlb_range(vma, pmc->old_addr, pmc->old_addr + PMD_SIZE);
		pgtable_rebase(mm, pmd_val(*new_pmd), false, pmc->new_addr);
		moved = true;
	}
	spin_unlock(&mm->page_table_lock);
	drop_rmap_locks(vma);
	return moved;
}

/* Move a whole pmd table (move_normal_pud). */
static bool move_normal_pud(struct pagetable_move_control *pmc, pud_t *old_pud, pud_t *new_pud)
{
	struct vm_area_struct *vma = pmc->old;
	struct mm_struct *mm = vma->vm_mm;

	if (WARN_ON_ONCE(!pud_none(*new_pud)))
		return false;
	take_rmap_locks(vma);
	spin_lock(&mm->page_table_lock);
	*new_pud = *old_pud;
	old_pud->pud = 0;
	flush_tlb_range(vma, pmc->old_addr, pmc->old_addr + PUD_SIZE);
	if (!pud_none(*new_pud))
		pgtable_rebase(mm, pud_val(*new_pud), true, pmc->new_addr);
	spin_unlock(&mm->page_table_lock);
	drop_rmap_locks(vma);
	return true;
}

/*
 * The bytes from old_addr to the next table boundary of size, bounded by
 * the end of the range and by the destination's own boundary (get_extent).
 */
static unsigned long get_extent(struct pagetable_move_control *pmc, unsigned long size)
{
	unsigned long mask = ~(size - 1), next, extent;

	next = (pmc->old_addr + size) & mask;
	extent = next - pmc->old_addr;
	if (extent > pmc->old_end - pmc->old_addr)
		extent = pmc->old_end - pmc->old_addr;
	next = (pmc->new_addr + size) & mask;
	if (extent > next - pmc->new_addr)
		extent = next - pmc->new_addr;
	return extent;
}

/* May the move start at the table boundary below addr_to_align (can_align_down)? */
static bool can_align_down(struct vm_area_struct *vma, unsigned long addr_to_align,
			   unsigned long mask)
{
	if (vma->vm_start != addr_to_align)
		return false;
	return !find_vma_intersection(vma->vm_mm, addr_to_align & mask, vma->vm_start);
}

/*
 * try_realign_addr: when both ends sit at the same offset in a pte table,
 * nothing else lives below them in it, and the range reaches the next
 * boundary, start the move at the boundary so the first table moves whole.
 */
static void try_realign_addr(struct pagetable_move_control *pmc, unsigned long mask)
{
	unsigned long old_align = pmc->old_addr & ~mask;

	if (pmc->len_in < (~mask + 1) - old_align || old_align == 0 ||
	    old_align != (pmc->new_addr & ~mask))
		return;
	if (!can_align_down(pmc->old, pmc->old_addr, mask) ||
	    !can_align_down(pmc->new, pmc->new_addr, mask))
		return;
	pmc->old_addr &= mask;
	pmc->new_addr &= mask;
}

/* Bytes of the range asked for whose tables have moved (pmc_progress). */
static unsigned long pmc_progress(const struct pagetable_move_control *pmc)
{
	unsigned long orig_old_addr = pmc->old_end - pmc->len_in;

	return pmc->old_addr < orig_old_addr ? 0 : pmc->old_addr - orig_old_addr;
}

/*
 * Move the page tables of [old_addr, old_addr + len) of old to new_addr in
 * new (same mm). Returns the bytes moved: less than len only when a table
 * could not be allocated at the destination.
 */
static unsigned long move_page_tables(struct pagetable_move_control *pmc)
{
	struct mm_struct *mm = pmc->old->vm_mm;
	unsigned long extent;

	if (!pmc->len_in)
		return 0;
	if (is_vm_hugetlb_page(pmc->old))	/* mm/hugetlb_vma.c: the leaves move whole */
		return move_hugetlb_page_tables(pmc->old, pmc->new, pmc->old_addr, pmc->new_addr,
						pmc->len_in);
	try_realign_addr(pmc, PMD_MASK);
	for (; pmc->old_addr < pmc->old_end;
	     pmc->old_addr += extent, pmc->new_addr += extent) {
		pud_t *old_pud, *new_pud;
		pmd_t *old_pmd, *new_pmd;

		extent = get_extent(pmc, PUD_SIZE);
		old_pud = get_old_pud(mm, pmc->old_addr);
		if (!old_pud)
			continue;
		new_pud = alloc_new_pud(mm, pmc->new_addr);
		if (!new_pud)
			break;
		if (extent == PUD_SIZE && !pud_leaf(*old_pud) &&
		    move_normal_pud(pmc, old_pud, new_pud))
			continue;

		extent = get_extent(pmc, PMD_SIZE);
		old_pmd = get_old_pmd(mm, pmc->old_addr);
		if (!old_pmd)
			continue;
		new_pmd = alloc_new_pmd(mm, pmc->new_addr);
		if (!new_pmd)
			break;
		if (extent == PMD_SIZE && move_normal_pmd(pmc, old_pmd, new_pmd))
			continue;
		if (pmd_none(*old_pmd) || pmd_leaf(*old_pmd))
			continue;
		if (!pte_alloc(mm, new_pmd, pmc->new_addr))
			break;
		move_ptes(pmc, extent, old_pmd, new_pmd);
	}
	return pmc_progress(pmc);
}

/* ------------------------------------------------------------------ */
/* The steps of mremap                                                 */
/* ------------------------------------------------------------------ */

static bool vrm_implies_new_addr(const struct vma_remap_struct *vrm)
{
	return vrm->flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);
}

/* MREMAP_FIXED to the same size moves every VMA of the range (6.17+). */
static bool vrm_move_only(const struct vma_remap_struct *vrm)
{
	return (vrm->flags & MREMAP_FIXED) && vrm->old_len == vrm->new_len;
}

static bool vrm_overlaps(const struct vma_remap_struct *vrm)
{
	return vrm->addr + vrm->old_len > vrm->new_addr &&
	       vrm->new_addr + vrm->new_len > vrm->addr;
}

static void vrm_set_delta(struct vma_remap_struct *vrm)
{
	vrm->delta = vrm->old_len > vrm->new_len ? vrm->old_len - vrm->new_len
						 : vrm->new_len - vrm->old_len;
	if (!vrm->delta)
		vrm->remap_type = MREMAP_NO_RESIZE;
	else
		vrm->remap_type = vrm->old_len > vrm->new_len ? MREMAP_SHRINK : MREMAP_EXPAND;
}

/* The checks that need no VMA (check_mremap_params). */
static long check_mremap_params(struct vma_remap_struct *vrm)
{
	struct mm_struct *mm = vrm->mm;

	if (vrm->flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (vrm->addr & ~PAGE_MASK)
		return -EINVAL;
	/* old_len 0 is the "duplicate a shared mapping" special case; new_len 0 is nonsense. */
	if (!vrm->new_len)
		return -EINVAL;
	if (vrm->new_len > mm->task_size)
		return -EINVAL;
	if (!vrm_implies_new_addr(vrm))
		return 0;
	if (vrm->new_addr > mm->task_size - vrm->new_len)
		return -EINVAL;
	if (vrm->new_addr & ~PAGE_MASK)
		return -EINVAL;
	if (!(vrm->flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((vrm->flags & MREMAP_DONTUNMAP) && vrm->old_len != vrm->new_len)
		return -EINVAL;
	if (vrm_overlaps(vrm))
		return -EINVAL;
	/* Both ends may split in three: stay clear of the limit before unmapping anything. */
	if (mm->map_count + 2 >= mm->machine->sysctl.max_map_count - 3)
		return -ENOMEM;
	return 0;
}

/*
 * hugetlb (align_hugetlb): lengths round up to the huge page size, both
 * addresses must be aligned to it, and the mapping may not grow (the
 * reservations cannot follow a growth).
 */
static bool align_hugetlb(struct vma_remap_struct *vrm)
{
	struct hstate *h = hstate_vma(vrm->vma);

	vrm->old_len = ALIGN(vrm->old_len, huge_page_size(h));
	vrm->new_len = ALIGN(vrm->new_len, huge_page_size(h));
	if ((vrm->addr | vrm->new_addr) & ~huge_page_mask(h))
		return false;
	return vrm->new_len <= vrm->old_len;
}

/* The checks of the source VMA (check_prep_vma). */
static long check_prep_vma(struct vma_remap_struct *vrm)
{
	struct vm_area_struct *vma = vrm->vma;
	unsigned long old_len, new_len, pgoff;

	if (!vma)
		return -EFAULT;
	if (is_vm_hugetlb_page(vma) && !align_hugetlb(vrm))
		return -EINVAL;
	vrm_set_delta(vrm);
	if (!vrm_implies_new_addr(vrm))
		vrm->new_addr = vrm->addr;
	/* Only a growth or a move maps anything new. */
	if (vrm->remap_type != MREMAP_EXPAND && !vrm_implies_new_addr(vrm))
		return 0;

	old_len = vrm->old_len;
	new_len = vrm->new_len;
	if (!old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;	/* "duplicating" a private mapping gives unrelated memory */
	if ((vrm->flags & MREMAP_DONTUNMAP) && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	/* A shrink may unmap across VMAs; only what stays must be in this one. */
	if (vrm->remap_type == MREMAP_SHRINK)
		old_len = new_len;
	if (old_len > vma->vm_end - vrm->addr)
		return -EFAULT;
	if (new_len == old_len)
		return 0;

	if (vma->vm_flags & VM_LOCKED)
		vrm->populate_expand = true;
	pgoff = vma->vm_pgoff + ((vrm->addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	if (!mlock_future_ok(vrm->mm, vma->vm_flags, vrm->delta))
		return -EAGAIN;
	/* may_expand_vm: RLIMIT_AS and RLIMIT_DATA are unlimited here. */
	return 0;
}

/*
 * Charge the growth (DONTUNMAP: all of the new copy) if the VMA is
 * accounted. delta is the one computed before mremap_to shrank the source,
 * so a move that shrinks charges delta again although the copy is smaller:
 * Linux 6.18 leaves those pages in Committed_AS for good (on the host, a
 * 7000-page mapping moved with MREMAP_FIXED to 1000 pages leaves 24000 kB
 * behind after both are unmapped). mmsim keeps that figure.
 */
static bool vrm_calc_charge(struct vma_remap_struct *vrm)
{
	long charged;

	if (!(vrm->vma->vm_flags & VM_ACCOUNT))
		return true;
	charged = (long)(((vrm->flags & MREMAP_DONTUNMAP) ? vrm->new_len : vrm->delta) >> PAGE_SHIFT);
	if (security_vm_enough_memory_mm(vrm->mm, charged))
		return false;
	vrm->charged = charged;
	return true;
}

static void vrm_uncharge(struct vma_remap_struct *vrm)
{
	if (!(vrm->vma->vm_flags & VM_ACCOUNT))
		return;
	vm_unacct_memory(vrm->mm->machine, vrm->charged);
	vrm->charged = 0;
}

/* total/data/exec/stack_vm and locked_vm gain bytes of vrm->vma's kind. */
static void vrm_stat_account(struct vma_remap_struct *vrm, unsigned long bytes)
{
	long pages = (long)(bytes >> PAGE_SHIFT);
	struct vm_area_struct *vma = vrm->vma;

	vm_stat_account(vrm->mm, vma->vm_flags, pages);
	if (vma->vm_flags & VM_LOCKED)
		vrm->mm->locked_vm += (unsigned long)pages;
}

/* Unmap the shrunk tail; the source VMA is looked up again (shrink_vma). */
static long shrink_vma(struct vma_remap_struct *vrm, bool final)
{
	int err = do_munmap(vrm->mm, vrm->addr + vrm->new_len, vrm->delta);

	vrm->vma = NULL;
	if (err)
		return err;
	if (!final) {
		vrm->vma = vma_lookup(vrm->mm, vrm->addr);
		if (!vrm->vma)
			return -EFAULT;
	}
	return 0;
}

/* The destination: get_unmapped_area with the hint, or exactly (FIXED). */
static long vrm_set_new_addr(struct vma_remap_struct *vrm)
{
	struct vm_area_struct *vma = vrm->vma;
	unsigned long pgoff = vma->vm_pgoff + ((vrm->addr - vma->vm_start) >> PAGE_SHIFT);
	unsigned long map_flags = 0, res;

	if (vrm->flags & MREMAP_FIXED)
		map_flags |= MAP_FIXED;
	if (vma->vm_flags & VM_MAYSHARE)
		map_flags |= MAP_SHARED;
	res = get_unmapped_area(vrm->mm, vma->vm_file,
				vrm_implies_new_addr(vrm) ? vrm->new_addr : 0, vrm->new_len,
				pgoff, map_flags);
	if (IS_ERR_VALUE(res))
		return (long)res;
	vrm->new_addr = res;
	return 0;
}

static long expand_vma_in_place(struct vma_remap_struct *vrm)
{
	struct vm_area_struct *vma;

	if (!vrm_calc_charge(vrm))
		return -ENOMEM;
	vma = vma_merge_extend(vrm->vma, vrm->delta);
	if (!vma) {
		vrm_uncharge(vrm);
		return -ENOMEM;
	}
	vrm->vma = vma;
	vrm_stat_account(vrm, vrm->delta);
	return 0;
}

/* Can [addr, addr + old_len), which ends its VMA, grow by delta where it is? */
static bool vrm_can_expand_in_place(struct vma_remap_struct *vrm)
{
	struct vm_area_struct *vma = vrm->vma;
	unsigned long end = vma->vm_end + vrm->delta;

	if (vma->vm_end - vrm->addr != vrm->old_len)
		return false;
	if (end < vma->vm_end)
		return false;
	if (find_vma_intersection(vrm->mm, vma->vm_end, end))
		return false;
	return !(get_unmapped_area(vrm->mm, NULL, vma->vm_start, end - vma->vm_start, 0,
				   MAP_FIXED) & ~PAGE_MASK);
}

/*
 * After the pages moved, the source goes - without giving back its commit
 * charge, which the copy now carries (unmap_source_vma): VM_ACCOUNT is
 * cleared for the unmap and set again on what is left of the source.
 */
static void unmap_source_vma(struct vma_remap_struct *vrm)
{
	struct vm_area_struct *vma = vrm->vma;
	unsigned long addr = vrm->addr, end = addr + vrm->old_len;
	unsigned long vm_start = vma->vm_start, vm_end = vma->vm_end;
	bool accountable_move = (vma->vm_flags & VM_ACCOUNT) && !(vrm->flags & MREMAP_DONTUNMAP);
	struct vm_area_struct *rest;

	if (accountable_move)
		vma->vm_flags &= ~VM_ACCOUNT;
	vrm->vma = NULL;
	if (do_munmap(vrm->mm, addr, vrm->old_len)) {
		/* Could not split: the commit keeps both (Linux's vm_acct_memory). */
		vrm->mm->machine->vm_committed_pages += (long)(vrm->old_len >> PAGE_SHIFT);
		return;
	}
	if (!accountable_move)
		return;
	if (vm_start < addr) {
		find_vma_prev(vrm->mm, addr, &rest);
		rest->vm_flags |= VM_ACCOUNT;
	}
	if (vm_end > end) {
		rest = vma_lookup(vrm->mm, end);
		rest->vm_flags |= VM_ACCOUNT;
	}
}

/*
 * MREMAP_DONTUNMAP done: the old VMA stays, empty, no longer locked (its
 * pages went). Linux 6.18 leaves locked_vm counting it; mmsim takes the
 * old VMA's locked pages out, keeping locked_vm equal to the locked VMAs.
 * Its anon_vma links go if the whole VMA moved.
 */
static void dontunmap_complete(struct vma_remap_struct *vrm, struct vm_area_struct *new_vma)
{
	struct vm_area_struct *vma = vrm->vma;
	unsigned long start = vrm->addr, end = start + vrm->old_len;

	if (vma->vm_flags & VM_LOCKED)
		vrm->mm->locked_vm -= vma_pages(vma);
	vma->vm_flags &= ~VM_LOCKED_MASK;
	if (new_vma != vma && start == vma->vm_start && end == vma->vm_end)
		unlink_anon_vmas(vma);
}

/*
 * Make the copy and move the page tables (copy_vma_and_data). If the
 * tables could not all move, they move back and the copy becomes what is
 * unmapped. Returns 0 or -ENOMEM; *new_vma_ptr is the copy (NULL if none).
 */
static long copy_vma_and_data(struct vma_remap_struct *vrm, struct vm_area_struct **new_vma_ptr)
{
	struct vm_area_struct *vma = vrm->vma, *new_vma;
	unsigned long pgoff = vma->vm_pgoff + ((vrm->addr - vma->vm_start) >> PAGE_SHIFT);
	struct pagetable_move_control pmc = {
		.old_addr = vrm->addr, .old_end = vrm->addr + vrm->old_len,
		.new_addr = vrm->new_addr, .len_in = vrm->old_len,
	};
	unsigned long moved_len;

	new_vma = copy_vma(&vma, vrm->new_addr, vrm->new_len, pgoff, &pmc.need_rmap_locks);
	*new_vma_ptr = new_vma;
	if (!new_vma) {
		vrm_uncharge(vrm);
		return -ENOMEM;
	}
	vrm->vma = vma;
	pmc.old = vma;
	pmc.new = new_vma;
	moved_len = move_page_tables(&pmc);
	/* clear_vma_resv_huge_pages: the reservations went with the copy. */
	if (is_vm_hugetlb_page(vma) && moved_len == vrm->old_len) {
		clear_vma_resv_huge_pages(vma);
	}
	if (moved_len < vrm->old_len) {
		struct pagetable_move_control revert = {
			.old = new_vma, .new = vma,
			.old_addr = vrm->new_addr, .old_end = vrm->new_addr + moved_len,
			.new_addr = vrm->addr, .len_in = moved_len, .need_rmap_locks = true,
		};

		/* The old tables are still there, so moving back cannot fail. */
		move_page_tables(&revert);
		vrm->vma = new_vma;
		vrm->old_len = vrm->new_len;
		vrm->addr = vrm->new_addr;
		return -ENOMEM;
	}
	return 0;
}

static long move_vma(struct vma_remap_struct *vrm)
{
	struct mm_struct *mm = vrm->mm;
	struct vm_area_struct *new_vma;
	unsigned long hiwater_vm;
	long err;

	/* The unmap may split one VMA into three. */
	if (mm->map_count >= mm->machine->sysctl.max_map_count - 3)
		return -ENOMEM;
	if (!vrm_calc_charge(vrm))
		return -ENOMEM;
	/* THP: moved as ptes of the large folio (6.18 moves an aligned one whole: move_huge_pmd) */
	split_huge_pmd_only_range(vrm->vma, vrm->addr, vrm->addr + vrm->old_len);
	err = copy_vma_and_data(vrm, &new_vma);
	if (err && !new_vma)
		return err;

	/* total_vm counts both copies for a moment: keep that out of the peak. */
	hiwater_vm = mm->hiwater_vm;
	vrm_stat_account(vrm, vrm->new_len);
	if (!err && (vrm->flags & MREMAP_DONTUNMAP))
		dontunmap_complete(vrm, new_vma);
	else
		unmap_source_vma(vrm);
	mm->hiwater_vm = hiwater_vm;
	return err ? err : (long)vrm->new_addr;
}

static long expand_vma(struct vma_remap_struct *vrm)
{
	long err;

	if (vrm_can_expand_in_place(vrm)) {
		err = expand_vma_in_place(vrm);
		return err ? err : (long)vrm->addr;
	}
	if (!(vrm->flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	err = vrm_set_new_addr(vrm);
	if (err)
		return err;
	return move_vma(vrm);
}

/* Resize where it is, moving only if it must (mremap_at). */
static long mremap_at(struct vma_remap_struct *vrm)
{
	long err;

	switch (vrm->remap_type) {
	case MREMAP_NO_RESIZE:
		return (long)vrm->addr;
	case MREMAP_SHRINK:
		err = shrink_vma(vrm, true);
		return err ? err : (long)vrm->addr;
	case MREMAP_EXPAND:
		return expand_vma(vrm);
	default:
		break;
	}
	WARN_ON_ONCE(1);
	return -EINVAL;
}

/* Move to new_addr (MREMAP_FIXED: exactly; DONTUNMAP alone: a hint) (mremap_to). */
static long mremap_to(struct vma_remap_struct *vrm)
{
	long err;

	if (vrm->flags & MREMAP_FIXED) {
		err = do_munmap(vrm->mm, vrm->new_addr, vrm->new_len);
		vrm->vma = NULL;
		if (err)
			return err;
		/* The unmap may have split the source (a move inside its own VMA). */
		vrm->vma = vma_lookup(vrm->mm, vrm->addr);
		if (!vrm->vma)
			return -EFAULT;
	}
	if (vrm->remap_type == MREMAP_SHRINK) {
		err = shrink_vma(vrm, false);
		if (err)
			return err;
		vrm->old_len = vrm->new_len;
	}
	/* may_expand_vm for DONTUNMAP's second copy: no RLIMIT_AS here. */
	err = vrm_set_new_addr(vrm);
	if (err)
		return err;
	return move_vma(vrm);
}

/*
 * MREMAP_FIXED without resizing (remap_move): each VMA piece of the range
 * moves, keeping the gaps between them; the range must start mapped.
 */
static long remap_move(struct vma_remap_struct *vrm)
{
	unsigned long start = vrm->addr, end = vrm->addr + vrm->old_len;
	unsigned long target_addr = vrm->new_addr, last_end = 0, cursor = start;
	struct vm_area_struct *vma;
	long res = -EFAULT;
	bool seen_vma = false;

	/*
	 * cursor < end: a DONTUNMAP move leaves its source VMA in place, so
	 * the VMA that held the last piece still meets [cursor, end) when
	 * that piece ended the range (Linux's iterator steps past it).
	 */
	while (cursor < end && (vma = find_vma_intersection(vrm->mm, cursor, end))) {
		unsigned long addr = max(vma->vm_start, start);
		unsigned long len = min(end, vma->vm_end) - addr;
		unsigned long offset;
		long res_vma;

		if (!seen_vma && start < vma->vm_start)
			return -EFAULT;	/* no gap allowed at the start */
		offset = seen_vma ? vma->vm_start - last_end : 0;
		last_end = vma->vm_end;

		vrm->vma = vma;
		vrm->addr = addr;
		vrm->new_addr = target_addr + offset;
		vrm->old_len = vrm->new_len = len;
		res_vma = check_prep_vma(vrm);
		if (!res_vma)
			res_vma = mremap_to(vrm);
		if (IS_ERR_VALUE(res_vma))
			return res_vma;
		if (!seen_vma)
			res = res_vma;
		seen_vma = true;
		target_addr = (unsigned long)res_vma + len;
		cursor = addr + len;
	}
	return res;
}

long sys_mremap(struct task_struct *t, unsigned long addr, unsigned long old_len,
		unsigned long new_len, unsigned long flags, unsigned long new_addr)
{
	struct mm_struct *mm = t->mm;
	struct vma_remap_struct vrm = {
		.mm = mm, .addr = addr, .old_len = PAGE_ALIGN(old_len),
		.new_len = PAGE_ALIGN(new_len), .flags = flags, .new_addr = new_addr,
		.remap_type = MREMAP_INVALID,
	};
	long res;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	res = check_mremap_params(&vrm);
	if (res)
		return res;

	spin_lock(&mm->mmap_lock);
	if (vrm_move_only(&vrm)) {
		res = remap_move(&vrm);
	} else {
		vrm.vma = vma_lookup(mm, vrm.addr);
		res = check_prep_vma(&vrm);
		if (!res)
			res = vrm_implies_new_addr(&vrm) ? mremap_to(&vrm) : mremap_at(&vrm);
	}
	spin_unlock(&mm->mmap_lock);

	/* A locked mapping that grew is faulted in, as mlock would have. */
	if (!IS_ERR_VALUE(res) && vrm.populate_expand)
		mm_populate(mm, vrm.new_addr + vrm.old_len, vrm.delta, true);
	return res;
}
