/*
 * madvise.c - advice about how memory will be used (Linux's mm/madvise.c),
 * and the table of advice names the public API and Lua use.
 *
 * sys_madvise checks the advice and the range, then applies the advice VMA
 * by VMA over [start, end) (madvise_walk_vmas): a hole does not stop the
 * walk, it only makes the call return -ENOMEM at the end; an error of a
 * VMA does stop it. Advice that changes VMA flags goes through
 * vma_modify_flags (split/merge), where an allocation failure is -EAGAIN.
 *
 * What each advice does here (Linux 6.18 on x86-64, CONFIG_KSM=y,
 * CONFIG_TRANSPARENT_HUGEPAGE=y, CONFIG_PT_RECLAIM=y, no CONFIG_MEMORY_FAILURE,
 * like the reference host):
 *   normal/random/sequential  VM_RAND_READ / VM_SEQ_READ
 *   dontfork/dofork           VM_DONTCOPY (dofork: -EINVAL on VM_IO)
 *   wipeonfork/keeponfork     VM_WIPEONFORK (private anonymous only)
 *   dontdump/dodump           VM_DONTDUMP (dodump: -EINVAL on VM_SPECIAL)
 *   hugepage/nohugepage       VM_HUGEPAGE / VM_NOHUGEPAGE recorded
 *   mergeable/unmergeable     VM_MERGEABLE recorded (ksmd is not simulated:
 *                             nothing is ever merged)
 *   dontneed[_locked]         zap the ptes; pte tables whose whole 2 MiB
 *                             range was zapped are freed (PT_RECLAIM)
 *   free                      private anonymous only: ptes made clean and
 *                             old, pages lazily freeable (PG_swapbacked
 *                             cleared, moved to the inactive file list,
 *                             pglazyfree); reclaim drops them while
 *                             they stay clean (pglazyfreed).
 *   willneed                  swapped pages read into the swap cache
 *   cold                      pages deactivated (inactive list, referenced
 *                             and pte young cleared), pgdeactivate
 *   pageout                   the range's folios mapped here only are
 *                             isolated and reclaimed now (reclaim_pages,
 *                             references ignored); without swap an anon
 *                             folio cannot go and is activated, as Linux
 *   populate_read/write       fault the range in, as GUP does
 *   remove                    shared writable shmem only: punch a hole
 *   collapse                  anonymous 2 MiB blocks become THPs (madvise_collapse)
 *   guard_install/remove,     -EINVAL (not simulated; the host accepts the
 *   hwpoison, soft_offline    guard ones)
 * The LRU moves of cold and free go through the per-CPU batches
 * (lru_deactivate, lru_lazyfree in swap.c), as Linux's do: pgdeactivate,
 * pglazyfree, LazyFree and the LRU counters show them after the next
 * drain (each of these calls drains this CPU's batches first).
 *
 * Lock order: mmap_lock > page_table_lock (per pte table) > lru (swap.c).
 */
#include <errno.h>
#include <string.h>

#include "khugepaged.h"
#include "huge_mm.h"
#include "fs.h"
#include "memory.h"
#include "mman.h"
#include "mm.h"
#include "pgalloc.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"
#include "vmscan.h"

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	int behavior;
} madvise_names[] = {
	{ "normal", MADV_NORMAL },
	{ "random", MADV_RANDOM },
	{ "sequential", MADV_SEQUENTIAL },
	{ "willneed", MADV_WILLNEED },
	{ "dontneed", MADV_DONTNEED },
	{ "free", MADV_FREE },
	{ "remove", MADV_REMOVE },
	{ "dontfork", MADV_DONTFORK },
	{ "dofork", MADV_DOFORK },
	{ "mergeable", MADV_MERGEABLE },
	{ "unmergeable", MADV_UNMERGEABLE },
	{ "hugepage", MADV_HUGEPAGE },
	{ "nohugepage", MADV_NOHUGEPAGE },
	{ "dontdump", MADV_DONTDUMP },
	{ "dodump", MADV_DODUMP },
	{ "wipeonfork", MADV_WIPEONFORK },
	{ "keeponfork", MADV_KEEPONFORK },
	{ "cold", MADV_COLD },
	{ "pageout", MADV_PAGEOUT },
	{ "populate_read", MADV_POPULATE_READ },
	{ "populate_write", MADV_POPULATE_WRITE },
	{ "dontneed_locked", MADV_DONTNEED_LOCKED },
	{ "collapse", MADV_COLLAPSE },
	{ "hwpoison", MADV_HWPOISON },
	{ "soft_offline", MADV_SOFT_OFFLINE },
	{ "guard_install", MADV_GUARD_INSTALL },
	{ "guard_remove", MADV_GUARD_REMOVE },
};

int madvise_behavior_from_name(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(madvise_names); i++)
		if (!strcmp(madvise_names[i].name, name))
			return madvise_names[i].behavior;
	return -1;
}

const char *madvise_behavior_name(int behavior)
{
	for (size_t i = 0; i < ARRAY_SIZE(madvise_names); i++)
		if (madvise_names[i].behavior == behavior)
			return madvise_names[i].name;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/*
 * The advice this kernel knows (madvise_behavior_valid); the rest is
 * -EINVAL before anything is looked at.
 */
static bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case MADV_DOFORK:
	case MADV_DONTFORK:
	case MADV_NORMAL:
	case MADV_SEQUENTIAL:
	case MADV_RANDOM:
	case MADV_REMOVE:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_COLLAPSE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
		return true;
	default:
		return false;
	}
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

static bool folio_in_swapcache(const struct page *page)
{
	return PageSwapBacked(page) && test_bit_flag(page, PG_swapcache);
}

/* ------------------------------------------------------------------ */
/* dontneed, free, cold, pageout                                        */
/* ------------------------------------------------------------------ */

static bool madvise_dontneed_free_valid_vma(struct vm_area_struct *vma, int behavior)
{
	vm_flags_t forbidden = VM_PFNMAP;

	if (vma->vm_flags & VM_HUGETLB)
		return false;	/* hugetlb is not simulated */
	if (behavior != MADV_DONTNEED_LOCKED)
		forbidden |= VM_LOCKED;
	return !(vma->vm_flags & forbidden);
}

/*
 * PT_RECLAIM: after a zap, a pte table whose whole 2 MiB range lay inside
 * the zapped range and is now empty is freed (Linux 6.14+ frees it from
 * zap_pte_range for MADV_DONTNEED).
 */
static void reclaim_empty_pte_tables(struct vm_area_struct *vma, unsigned long start,
				     unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = ALIGN(start, PMD_SIZE);
	struct mmu_gather tlb;
	bool gathered = false;

	for (; addr < end && end - addr >= PMD_SIZE; addr += PMD_SIZE) {
		pmd_t *pmd = walk_pmd(mm, addr);
		pte_t *pte;
		int i;

		if (!pmd || pmd_none(*pmd) || pmd_leaf(*pmd))
			continue;
		pte = pte_offset(mm, pmd, addr);
		for (i = 0; i < PTRS_PER_PTE && pte_none(pte[i]); i++)
			;
		if (i < PTRS_PER_PTE)
			continue;
		if (!gathered) {
			tlb_gather_mmu(&tlb, mm);
			gathered = true;
		}
		/* floor/ceiling at the block: only its pte table can go. */
		free_pgd_range(&tlb, addr, addr + PMD_SIZE, addr, addr + PMD_SIZE);
	}
	if (gathered)
		tlb_finish_mmu(&tlb);
}

static int madvise_dontneed(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	zap_page_range_single(vma, start, end - start);
	reclaim_empty_pte_tables(vma, start, end);
	return 0;
}

/* One pte of MADV_FREE (madvise_free_pte_range). */
static void madvise_free_pte(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pte,
			     unsigned long addr)
{
	struct machine *m = vma->vm_mm->machine;
	pte_t ptent = *pte;
	struct page *page;

	/* A swap entry: the data is not wanted, so the slot goes now. */
	if (!pte_present(ptent)) {
		if (pte_none(ptent))
			return;
		dec_mm_counter(vma->vm_mm, MM_SWAPENTS);
		free_swap_and_cache(m, pte_to_swp_entry(ptent));
		set_pte(pte, __pte(0));
		return;
	}
	page = vm_normal_page(vma, addr, ptent);
	if (!page)
		return;
	if (folio_in_swapcache(page) || PageDirty(page)) {
		/* Another mm may still need the dirty data. */
		if (page_mapcount(page) != 1 || PageLocked(page))
			return;
		if (folio_in_swapcache(page) && !folio_free_swap(m, page))
			return;
		ClearPageDirty(page);
	}
	if (pte_young(ptent) || pte_dirty(ptent)) {
		*pte = pte_mkclean(pte_mkold(ptent));
		tlb_flush_pte_range(tlb, addr, PAGE_SIZE);
	}
	folio_mark_lazyfree(m, page);
}

typedef void (*madvise_pte_fn)(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pte,
			       unsigned long addr);

/* Apply fn to every pte of [start, end) that has a table, in one mmu_gather. */
static void madvise_walk_ptes(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, madvise_pte_fn fn)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_gather tlb;
	unsigned long addr, next;

	tlb_gather_mmu(&tlb, mm);
	for (addr = start; addr < end; addr = next) {
		pte_t *pte = pte_table_at(mm, addr, end, &next);

		if (!pte)
			continue;
		spin_lock(&mm->page_table_lock);
		for (; addr < next; addr += PAGE_SIZE, pte++)
			fn(&tlb, vma, pte, addr);
		spin_unlock(&mm->page_table_lock);
	}
	tlb_finish_mmu(&tlb);
}

static int madvise_free(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	if (!vma_is_anonymous(vma))
		return -EINVAL;
	update_hiwater_rss(vma->vm_mm);
	lru_add_drain(vma->vm_mm->machine);	/* the previous call's moves land now */
	madvise_walk_ptes(vma, start, end, madvise_free_pte);
	return 0;
}

/*
 * hugetlb (madvise_dontneed_free_valid_vma): only DONTNEED, from a
 * huge-page aligned start; the end is rounded down so that a caller
 * unaware of huge pages never loses more than it asked for.
 */
static int madvise_dontneed_hugetlb(struct vm_area_struct *vma, unsigned long start,
				    unsigned long end, int behavior)
{
	struct hstate *h = hstate_vma(vma);

	if (behavior != MADV_DONTNEED && behavior != MADV_DONTNEED_LOCKED)
		return -EINVAL;
	if (start & ~huge_page_mask(h))
		return -EINVAL;
	end = ALIGN_DOWN(end, huge_page_size(h));
	if (end > start)
		zap_page_range_single(vma, start, end - start);
	return 0;
}

static int madvise_dontneed_free(struct vm_area_struct *vma, unsigned long start,
				 unsigned long end, int behavior)
{
	if (is_vm_hugetlb_page(vma))
		return madvise_dontneed_hugetlb(vma, start, end, behavior);
	if (!madvise_dontneed_free_valid_vma(vma, behavior))
		return -EINVAL;
	if (behavior == MADV_FREE)
		return madvise_free(vma, start, end);
	return madvise_dontneed(vma, start, end);
}

/* Locked, PFN-map and hugetlb VMAs keep their pages where they are. */
static bool can_madv_lru_vma(struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB));
}

/* MADV_COLD (madvise_cold_or_pageout_pte_range without pageout). */
static void madvise_cold_pte(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pte,
			     unsigned long addr)
{
	struct machine *m = vma->vm_mm->machine;
	struct page *page;

	if (!pte_present(*pte))
		return;
	page = vm_normal_page(vma, addr, *pte);
	/* Pages other mms also map are not this process's to judge. */
	if (!page || !PageLRU(page) || page_mapcount(page) != 1)
		return;
	if (pte_young(*pte)) {
		*pte = pte_mkold(*pte);
		tlb_flush_pte_range(tlb, addr, PAGE_SIZE);
	}
	ClearPageReferenced(page);
	if (PageActive(page))
		SetPageWorkingset(page);
	folio_deactivate(m, page);
}

static int madvise_cold(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	if (!can_madv_lru_vma(vma))
		return -EINVAL;
	lru_add_drain(vma->vm_mm->machine);
	madvise_walk_ptes(vma, start, end, madvise_cold_pte);
	return 0;
}

/*
 * One pte of MADV_PAGEOUT: a folio only this mm maps is isolated for
 * reclaim_pages (an unevictable one goes straight back). Its references
 * are ignored by reclaim, so the young bit may stay.
 */
static void madvise_pageout_pte(struct vm_area_struct *vma, pte_t *pte, unsigned long addr,
				struct list_head *folio_list)
{
	struct machine *m = vma->vm_mm->machine;
	struct page *page;

	if (!pte_present(*pte))
		return;
	page = vm_normal_page(vma, addr, *pte);
	if (!page || !PageLRU(page) || page_mapcount(page) != 1)
		return;
	ClearPageReferenced(page);
	if (PageActive(page))
		SetPageWorkingset(page);
	if (!folio_isolate_lru(m, page))
		return;
	if (PageUnevictable(page))
		folio_putback_lru(m, page);
	else
		list_add(&page->lru, folio_list);
}

/* MADV_PAGEOUT (madvise_pageout): isolate the range's folios, reclaim them now. */
static int madvise_pageout(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr, next;
	LIST_HEAD(folio_list);

	if (!can_madv_lru_vma(vma))
		return -EINVAL;
	lru_add_drain(mm->machine);
	for (addr = start; addr < end; addr = next) {
		pte_t *pte = pte_table_at(mm, addr, end, &next);

		if (!pte)
			continue;
		spin_lock(&mm->page_table_lock);
		for (; addr < next; addr += PAGE_SIZE, pte++)
			madvise_pageout_pte(vma, pte, addr, &folio_list);
		spin_unlock(&mm->page_table_lock);
	}
	/* reclaim walks the rmap: no page table lock may be held */
	reclaim_pages(mm->machine, &folio_list);
	return 0;
}

/* ------------------------------------------------------------------ */
/* willneed, remove                                                     */
/* ------------------------------------------------------------------ */

/*
 * Anonymous memory: start reading every swapped page of the range into the
 * swap cache (swapin_walk_pmd_entry); nothing is mapped, no fault counted.
 * Shmem: its swapped pages likewise (shmem_swapin_range).
 */
static int madvise_willneed(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;

	if (vma->vm_file) {
		shmem_willneed(vma->vm_file->f_mapping, linear_page_index(vma, start),
			       linear_page_index(vma, end));
		return 0;
	}
	unsigned long addr = start;
	pmd_t *pmd;

	while ((pmd = next_pte_table(mm, &addr, end))) {
		unsigned long next = block_end(addr, PMD_SIZE, end);

		for (; addr < next && !pmd_trans_huge(*pmd); addr += PAGE_SIZE) {
			pte_t *pte = pte_offset(mm, pmd, addr);
			struct page *folio;
			bool major;
			int err;

			if (!is_swap_pte(*pte) || !swap_entry_valid(m, pte_to_swp_entry(*pte)))
				continue;
			folio = swapin_single(m, pte_to_swp_entry(*pte), GFP_HIGHUSER_MOVABLE, vma,
					      addr, &major, &err);
			if (folio)
				put_page(m, folio);
		}
		addr = next;
	}
	return 0;
}

/*
 * Zap [first, last] (page offsets) of mapping in every VMA of every mm that
 * maps it (unmap_mapping_range, until i_mmap is kept: see rmap.h).
 */
static void unmap_mapping_pages(struct machine *m, struct address_space *mapping,
				unsigned long first, unsigned long last)
{
	struct mm_struct *mm;

	list_for_each_entry(mm, &m->mm_list, mmlist) {
		struct vm_area_struct *vma;

		for_each_vma(mm, vma) {
			unsigned long vfirst = vma->vm_pgoff, vlast = vfirst + vma_pages(vma) - 1;
			unsigned long s, e;

			if (!vma->vm_file || vma->vm_file->f_mapping != mapping ||
			    vlast < first || vfirst > last)
				continue;
			s = vma->vm_start + ((max(first, vfirst) - vfirst) << PAGE_SHIFT);
			e = vma->vm_start + ((min(last, vlast) - vfirst + 1) << PAGE_SHIFT);
			zap_page_range_single(vma, s, e - s);
		}
	}
}

/*
 * MADV_REMOVE: punch a hole in the shmem object behind a shared writable
 * mapping (shmem_fallocate PUNCH_HOLE): every mapping of the range loses
 * its ptes, the object its pages.
 */
static int madvise_remove(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct address_space *mapping;
	unsigned long first, last;

	if (vma->vm_flags & VM_LOCKED)
		return -EINVAL;
	if (!vma->vm_file || !vma->vm_file->f_mapping)
		return -EINVAL;
	if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
		return -EACCES;
	mapping = vma->vm_file->f_mapping;
	first = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	last = first + ((end - start) >> PAGE_SHIFT) - 1;
	unmap_mapping_pages(vma->vm_mm->machine, mapping, first, last);
	shmem_punch_hole(mapping, first, last + 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Flag changes                                                         */
/* ------------------------------------------------------------------ */

/* KSM's own rule (vma_ksm_compatible): what it would never merge stays unmarked. */
static bool vma_ksm_compatible(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND |
				  VM_HUGETLB | VM_MIXEDMAP));
}

/*
 * The new flags of a flag-changing advice, or -EINVAL in *err. Returns
 * false when the advice is not one of these.
 */
static bool madvise_new_flags(struct vm_area_struct *vma, int behavior, vm_flags_t *flags,
			      int *err)
{
	vm_flags_t f = vma->vm_flags;

	*err = 0;
	switch (behavior) {
	case MADV_NORMAL:
		f &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case MADV_SEQUENTIAL:
		f = (f & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case MADV_RANDOM:
		f = (f & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case MADV_DONTFORK:
		f |= VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		if (f & VM_IO)
			*err = -EINVAL;
		f &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		/* Only private anonymous memory can start empty in the child. */
		if (vma->vm_file || (f & VM_SHARED))
			*err = -EINVAL;
		f |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		f &= ~VM_WIPEONFORK;
		break;
	case MADV_DONTDUMP:
		f |= VM_DONTDUMP;
		break;
	case MADV_DODUMP:
		if (!(f & VM_HUGETLB) && (f & VM_SPECIAL))
			*err = -EINVAL;
		f &= ~VM_DONTDUMP;
		break;
	case MADV_MERGEABLE:
		if (vma_ksm_compatible(vma))
			f |= VM_MERGEABLE;
		break;
	case MADV_UNMERGEABLE:
		/* Nothing was ever merged, so there is nothing to unshare. */
		f &= ~VM_MERGEABLE;
		break;
	case MADV_HUGEPAGE:
		f = (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		break;
	case MADV_NOHUGEPAGE:
		f = (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		break;
	default:
		return false;
	}
	*flags = f;
	return true;
}

/* madvise_update_vma: [start, end) of vma takes new_flags; *prev follows. */
static int madvise_update_vma(struct vm_area_struct *vma, struct vm_area_struct **prev,
			      unsigned long start, unsigned long end, vm_flags_t new_flags)
{
	if (new_flags == vma->vm_flags) {
		*prev = vma;
		return 0;
	}
	vma = vma_modify_flags(*prev, vma, start, end, new_flags);
	if (IS_ERR(vma))
		return (int)PTR_ERR(vma);
	vma->vm_flags = new_flags;
	*prev = vma;
	return 0;
}

/*
 * The advice for [start, end), inside vma (madvise_vma_behavior). *prev
 * is the VMA before start (vma itself when start is inside it) and, on
 * return, the VMA the range now ends in.
 */
static int madvise_vma_behavior(struct vm_area_struct *vma, struct vm_area_struct **prev,
				unsigned long start, unsigned long end, int behavior)
{
	vm_flags_t new_flags;
	int error;

	if (madvise_new_flags(vma, behavior, &new_flags, &error)) {
		if (!error)
			error = madvise_update_vma(vma, prev, start, end, new_flags);
		if (!error && behavior == MADV_HUGEPAGE)	/* hugepage_madvise */
			khugepaged_enter_vma(*prev, new_flags);
		/* A split that cannot allocate is "try again" for madvise. */
		return error == -ENOMEM ? -EAGAIN : error;
	}

	*prev = vma;
	/* THP: the pte walks below see 4 KiB pages (6.18 handles a whole THP at the pmd) */
	if (behavior == MADV_COLD || behavior == MADV_PAGEOUT || behavior == MADV_FREE)
		split_huge_pmd_range(vma, start, end);
	switch (behavior) {
	case MADV_REMOVE:
		return madvise_remove(vma, start, end);
	case MADV_WILLNEED:
		return madvise_willneed(vma, start, end);
	case MADV_COLD:
		return madvise_cold(vma, start, end);
	case MADV_PAGEOUT:
		return madvise_pageout(vma, start, end);
	case MADV_FREE:
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		return madvise_dontneed_free(vma, start, end, behavior);
	case MADV_COLLAPSE:
		return madvise_collapse(vma, start, end);
	default:
		return -EINVAL;
	}
}

/*
 * Apply behavior to every VMA piece of [start, end) (madvise_walk_vmas):
 * holes are skipped and reported as -ENOMEM at the end.
 */
static int madvise_walk_vmas(struct mm_struct *mm, unsigned long start, unsigned long end,
			     int behavior)
{
	struct vm_area_struct *vma, *prev;
	int unmapped_error = 0;

	vma = find_vma_prev(mm, start, &prev);
	if (vma && start > vma->vm_start)
		prev = vma;
	for (;;) {
		unsigned long tmp;
		int error;

		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		tmp = min(vma->vm_end, end);
		error = madvise_vma_behavior(vma, &prev, start, tmp, behavior);
		if (error)
			return error;
		start = max(tmp, prev->vm_end);
		if (start >= end)
			break;
		vma = vma_next(prev);
	}
	return unmapped_error;
}

/* ------------------------------------------------------------------ */
/* populate_read / populate_write                                       */
/* ------------------------------------------------------------------ */

/* GUP's check_vma_flags without FOLL_FORCE: the access must be allowed. */
static bool madvise_populate_vma_ok(const struct vm_area_struct *vma, bool write)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return false;
	return write ? (vma->vm_flags & VM_WRITE) : (vma->vm_flags & VM_READ);
}

/* What a fault's failure means to the caller of faultin_page_range. */
static int madvise_fault_errno(vm_fault_t ret)
{
	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	return -EFAULT;	/* SIGBUS, SIGSEGV, hwpoison */
}

/*
 * FOLL_TOUCH: the page GUP found is marked dirty (for a write) and
 * accessed - folio_mark_accessed's first step, PG_referenced; its second
 * (activating a page referenced twice) Linux defers to a per-CPU batch,
 * and mmsim leaves to reclaim.
 */
static void populate_touch(struct vm_area_struct *vma, unsigned long addr, pte_t pte, bool write)
{
	struct page *page = vm_normal_page(vma, addr, pte);

	if (!page)
		return;
	if (write && !pte_dirty(pte) && !PageDirty(page))
		SetPageDirty(page);
	if (!PageReferenced(page))
		SetPageReferenced(page);
}

/*
 * Fault [start, end) of vma in as GUP's faultin_page_range does: a page
 * whose pte already grants the access is left as it is; otherwise the
 * fault handler runs (a write fault for populate_write, breaking COW).
 * 0 or -errno.
 */
static int faultin_vma_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			     bool write)
{
	unsigned int fault_flags = write ? FAULT_FLAG_WRITE : 0;
	unsigned long addr;

	if (is_vm_hugetlb_page(vma)) {	/* one fault per huge page (mm/hugetlb_vma.c) */
		long done = hugetlb_populate(vma, start, end, write);

		if (done < 0)
			return (int)done;
		return (unsigned long)done < (end - start) >> PAGE_SHIFT ? -EFAULT : 0;
	}
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		int tries;

		for (tries = 0;; tries++) {
			pte_t *pte = walk_pte(vma->vm_mm, addr);
			vm_fault_t ret;
			bool thp;

			if (!pte && follow_trans_huge_pmd(vma, addr, write, &thp))
				break;

			if (pte && pte_present(*pte) && !pte_protnone(*pte) &&
			    (!write || pte_write(*pte))) {
				populate_touch(vma, addr, *pte, write);
				break;
			}
			/* One fault settles a page; a second is the handler's retry. */
			BUG_ON(tries > 2);
			ret = handle_mm_fault(vma, addr, fault_flags);
			if (ret & VM_FAULT_ERROR)
				return madvise_fault_errno(ret);
		}
	}
	return 0;
}

/* MADV_POPULATE_(READ|WRITE): stops at the first hole (-ENOMEM) or bad VMA (-EINVAL). */
static int madvise_populate(struct mm_struct *mm, unsigned long start, unsigned long end,
			    bool write)
{
	while (start < end) {
		struct vm_area_struct *vma = vma_lookup(mm, start);
		unsigned long tmp;
		int error;

		if (!vma)
			return -ENOMEM;
		if (!madvise_populate_vma_ok(vma, write))
			return -EINVAL;
		tmp = min(vma->vm_end, end);
		error = faultin_vma_range(vma, start, tmp, write);
		if (error)
			return error;
		start = tmp;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The system call                                                      */
/* ------------------------------------------------------------------ */

long sys_madvise(struct task_struct *t, unsigned long start, unsigned long len_in, int behavior)
{
	struct mm_struct *mm = t->mm;
	unsigned long len, end;
	int error;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	if (!madvise_behavior_valid(behavior))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len_in);
	/* A small negative length rounds up to zero: refuse it. */
	if (len_in && !len)
		return -EINVAL;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	spin_lock(&mm->mmap_lock);
	if (behavior == MADV_POPULATE_READ || behavior == MADV_POPULATE_WRITE)
		error = madvise_populate(mm, start, end, behavior == MADV_POPULATE_WRITE);
	else
		error = madvise_walk_vmas(mm, start, end, behavior);
	spin_unlock(&mm->mmap_lock);
	return error;
}
