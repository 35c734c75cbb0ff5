/*
 * memory.c - page faults, and the page-level work of munmap/exit and fork
 * (Linux 6.x mm/memory.c).
 *
 * Faults. handle_mm_fault walks (allocating) to the pmd and dispatches on
 * the pte, as handle_pte_fault does:
 *
 *   pte none, anonymous VMA  -> do_anonymous_page: the zero page on a read
 *                               (cfg.zero_page), else a fresh zeroed page
 *   pte none, file/shmem VMA -> do_read_fault (fault-around first, then the
 *                               page from the cache), do_cow_fault (private
 *                               write: a copy), do_shared_fault
 *   present, write, !writable-> do_wp_page: reuse an exclusive anonymous
 *                               page, copy otherwise, dirty a shared one
 *   present otherwise        -> only Accessed/Dirty are set (spurious)
 *
 * The pte is rechecked under the page table lock before it is set, as
 * Linux does (nothing races here, but the shape is kept). Accounting is
 * mm_account_fault's: pgfault for every fault that completes, even a
 * failed one; the current task's min_flt/maj_flt only for successful ones.
 *
 * Tear-down. unmap_vmas / zap_page_range_single clear the ptes of a range
 * into an mmu_gather: rmap and RSS drop at once, the pages' references
 * only after the TLB flush. A dirty pte of a file page dirties the page
 * and forces a flush at the end of its pte table (Linux's delayed rmap).
 *
 * fork. copy_page_range copies the ptes of the VMAs that need it
 * (vma_needs_copy): the pages are shared with one more reference and
 * mapcount each, private writable ptes are write-protected in parent and
 * child, the child's ptes are old (and clean in shared mappings). The
 * parent's TLB is flushed once by dup_mmap.
 *
 * Locks: mmap_lock (held by the caller) > anon_vma lock > page table lock
 * (mm->page_table_lock, which stands for Linux's split pte locks too).
 * Table allocation takes the page table lock itself, so tables are
 * allocated before it is taken; so is anon_vma_prepare. fork holds only
 * the parent's page table lock while copying (the child's mm is not yet
 * visible to anyone, and two locks of one class cannot nest here).
 *
 * Invariants (validate_user_pages): a mapped page's _mapcount + 1 equals
 * the ptes mapping it; its refcount covers those plus the page cache's;
 * an anonymous page mapped writable is PageAnonExclusive and mapped once;
 * the zero page is never writable; RSS counters equal a recount;
 * pgtables_bytes equals the tables found.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "hugetlb.h"
#include "huge_mm.h"
#include "memory.h"
#include "mempolicy.h"
#include "pagemap.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"

/* fault_around_bytes: read faults on file mappings map up to this much of the cache. */
#define FAULT_AROUND_BYTES	65536UL
#define FAULT_AROUND_PAGES	(FAULT_AROUND_BYTES >> PAGE_SHIFT)

/* What one fault is about (struct vm_fault). */
struct vm_fault {
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	struct machine *m;
	unsigned long address;		/* page aligned */
	unsigned int flags;		/* FAULT_FLAG_* */
	unsigned long pgoff;		/* the page's offset in the file / anon index */
	pmd_t *pmd;
	pte_t *pte;			/* NULL: no table yet or pte none */
	pte_t orig_pte;			/* the pte when the fault began */
	struct page *page;		/* the cache page ->fault returned */
	struct page *cow_page;		/* the private copy of a do_cow_fault */
};

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */
/* ---------------------------------------------------------------------- */

static inline bool is_cow_mapping(vm_flags_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

static inline bool vma_is_accessible(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_ACCESS_FLAGS;
}


/* Write permission in the pte only if the VMA has it (maybe_mkwrite). */
static inline pte_t maybe_mkwrite(pte_t pte, const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_WRITE) ? pte_mkwrite(pte) : pte;
}

static inline pte_t mk_pte(const struct machine *m, const struct page *page, pgprot_t prot)
{
	return pfn_pte(page_to_pfn(m, page), prot);
}

/* ---------------------------------------------------------------------- */
/* User page contents                                                      */
/* ---------------------------------------------------------------------- */

void clear_user_highpage(struct machine *m, struct page *page)
{
	if (!m->cfg.metadata_only)
		memset(page_address(m, page), 0, PAGE_SIZE);
}

void copy_user_highpage(struct machine *m, struct page *to, struct page *from)
{
	if (!m->cfg.metadata_only)
		memcpy(page_address(m, to), page_address(m, from), PAGE_SIZE);
}

/*
 * A new user page for the fault's address, on the node the NUMA policy
 * there picks (vma_alloc_folio): refcount 1, zeroed in data mode
 * (vma_alloc_zeroed_movable_folio).
 */
static struct page *alloc_user_page(struct vm_fault *vmf, bool zero)
{
	struct page *page = vma_alloc_folio(GFP_HIGHUSER_MOVABLE, 0, vmf->vma, vmf->address);

	if (page && zero)
		clear_user_highpage(vmf->m, page);
	return page;
}

/* ---------------------------------------------------------------------- */
/* vm_normal_page                                                          */
/* ---------------------------------------------------------------------- */

struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct machine *m = vma->vm_mm->machine;
	unsigned long pfn = pte_pfn(pte);

	(void)addr;
	if (unlikely(pte_special(pte))) {
		/* The zero page and raw pfn maps have no struct page to count. */
		WARN_ON_ONCE(!is_zero_pfn(m, pfn) && !(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)));
		return NULL;
	}
	/* Linux checks only against highest_memmap_pfn; pfn_valid is the debug check. */
	if (unlikely(pfn >= m->max_pfn || (IS_ENABLED_DEBUG_VM && !pfn_valid(m, pfn)))) {
		WARN_ON_ONCE(1);	/* print_bad_pte */
		return NULL;
	}
	return pfn_to_page(m, pfn);
}

/* ---------------------------------------------------------------------- */
/* Anonymous faults                                                        */
/* ---------------------------------------------------------------------- */

/* do_anonymous_page: the first touch of a private anonymous page. */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct machine *m = vmf->m;
	struct page *page;
	pte_t entry;

	/* A shared mapping without a file has no page to give. */
	if (vma->vm_flags & VM_SHARED)
		return VM_FAULT_SIGBUS;
	if (!vmf->pte) {
		vmf->pte = pte_alloc(vmf->mm, vmf->pmd, vmf->address);
		if (!vmf->pte)
			return VM_FAULT_OOM;
	}

	if (!(vmf->flags & FAULT_FLAG_WRITE) && m->cfg.zero_page) {
		entry = pte_mkspecial(pfn_pte(m->zero_pfn, vma->vm_page_prot));
		spin_lock(&vmf->mm->page_table_lock);
		if (pte_none(*vmf->pte))
			set_pte(vmf->pte, entry);
		spin_unlock(&vmf->mm->page_table_lock);
		return 0;
	}

	if (anon_vma_prepare(vma) || pte_chain_prealloc(m, GFP_KERNEL))
		return VM_FAULT_OOM;
	page = alloc_user_page(vmf, true);
	if (!page)
		return VM_FAULT_OOM;
	SetPageUptodate(page);

	/* Young by protection (x86 prot has Accessed); dirty and writable if it may be. */
	entry = mk_pte(m, page, vma->vm_page_prot);
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));

	spin_lock(&vmf->mm->page_table_lock);
	if (!pte_none(*vmf->pte)) {
		spin_unlock(&vmf->mm->page_table_lock);
		put_page(m, page);
		return 0;
	}
	inc_mm_counter(vmf->mm, MM_ANONPAGES);
	folio_add_new_anon_rmap(page, vma, vmf->address, vmf->pte);
	folio_add_lru_vma(m, page, vma);
	set_pte(vmf->pte, entry);
	spin_unlock(&vmf->mm->page_table_lock);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Write-protect faults: do_wp_page                                        */
/* ---------------------------------------------------------------------- */

/* Make the present pte writable in place; unlocks the page table lock. */
static void wp_page_reuse(struct vm_fault *vmf)
{
	pte_t entry = pte_mkyoung(vmf->orig_pte);

	VM_BUG_ON(!(vmf->flags & FAULT_FLAG_WRITE));
	VM_WARN_ON(is_zero_pfn(vmf->m, pte_pfn(vmf->orig_pte)));
	entry = maybe_mkwrite(pte_mkdirty(entry), vmf->vma);
	/* More rights, no flush: a stale read-only TLB entry just faults again. */
	set_pte(vmf->pte, entry);
	spin_unlock(&vmf->mm->page_table_lock);
	count_vm_event(vmf->m, PGREUSE);
}

/*
 * wp_can_reuse_anon_folio: a shared-looking anonymous page is ours alone
 * if ours is its only reference (the 5.8+ rule: the refcount, not the
 * mapcount, decides; a swap-cache reference would be freed first).
 */
static bool wp_can_reuse_anon_page(struct page *page, struct vm_area_struct *vma)
{
	if (page_ref_count(page) > 3)
		return false;
	/* a reference may be an LRU batch's: this CPU's batches are drained */
	if (!PageLRU(page))
		lru_add_drain(vma->vm_mm->machine);
	if (page_ref_count(page) > 1 + (int)test_bit_flag(page, PG_swapcache))
		return false;
	if (PageLocked(page))
		return false;
	/* The swap cache's reference goes if no swap pte needs the slot. */
	if (folio_test_swapcache(page))
		folio_free_swap(vma->vm_mm->machine, page);
	if (page_ref_count(page) != 1)
		return false;
	folio_move_anon_rmap(page, vma);
	return true;
}

/*
 * wp_page_copy: give the faulting pte a private copy (a zeroed page for the
 * zero page). old carries a reference taken by the caller. The page table
 * lock is not held on entry.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf, struct page *old)
{
	struct vm_area_struct *vma = vmf->vma;
	struct machine *m = vmf->m;
	struct page *new;
	bool zero = is_zero_pfn(m, pte_pfn(vmf->orig_pte));
	pte_t entry;

	if (anon_vma_prepare(vma) || pte_chain_prealloc(m, GFP_KERNEL))
		goto oom;
	new = alloc_user_page(vmf, zero || !old);
	if (!new)
		goto oom;
	if (old)
		copy_user_highpage(m, new, old);
	SetPageUptodate(new);

	spin_lock(&vmf->mm->page_table_lock);
	if (pte_val(*vmf->pte) == pte_val(vmf->orig_pte)) {
		if (!old)
			inc_mm_counter(vmf->mm, MM_ANONPAGES);
		else if (!PageAnon(old)) {
			dec_mm_counter(vmf->mm, mm_counter_file(old));
			inc_mm_counter(vmf->mm, MM_ANONPAGES);
		}
		entry = maybe_mkwrite(pte_mkdirty(mk_pte(m, new, vma->vm_page_prot)), vma);
		/* ptep_clear_flush: no CPU may keep the old translation. */
		set_pte(vmf->pte, __pte(0));
		flush_tlb_page(vma, vmf->address);
		folio_add_new_anon_rmap(new, vma, vmf->address, vmf->pte);
		folio_add_lru_vma(m, new, vma);
		set_pte(vmf->pte, entry);
		/* Only now may the old page's mapcount drop (it is no longer mapped here). */
		if (old)
			folio_remove_rmap_pte(old, vma, vmf->pte);
		new = old;	/* the old pte's reference goes below */
	}
	spin_unlock(&vmf->mm->page_table_lock);
	if (new)
		put_page(m, new);
	if (old)
		put_page(m, old);
	return 0;
oom:
	if (old)
		put_page(m, old);
	return VM_FAULT_OOM;
}

/*
 * wp_page_shared: a shared mapping is written in place; the page gets
 * dirty. A disk file's write-protected pte is write-notify at work: its
 * page_mkwrite (ext4's: the page must still be the file's, inside i_size)
 * runs first, and the folio is marked dirty for writeback
 * (fault_dirty_shared_page); shmem's dirty_folio only sets the flag.
 */
static vm_fault_t wp_page_shared(struct vm_fault *vmf, struct page *page)
{
	struct address_space *mapping = page->mapping;

	get_page(page);
	if (!PageAnon(page) && mapping_is_file(mapping) &&
	    (page->index >= DIV_ROUND_UP(mapping->size, PAGE_SIZE))) {
		/* truncated under us: the write has no page to land in */
		spin_unlock(&vmf->mm->page_table_lock);
		put_page(vmf->m, page);
		return VM_FAULT_SIGBUS;
	}
	wp_page_reuse(vmf);
	folio_mark_dirty(vmf->m, page);
	put_page(vmf->m, page);
	return 0;
}

/* Called with the page table lock held; releases it. */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = vm_normal_page(vma, vmf->address, vmf->orig_pte);

	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE)) {
		if (!page) {
			wp_page_reuse(vmf);	/* wp_pfn_shared */
			return 0;
		}
		return wp_page_shared(vmf, page);
	}
	/* An exclusive anonymous page is reused without further checks. */
	if (page && PageAnon(page) &&
	    (PageAnonExclusive(page) || wp_can_reuse_anon_page(page, vma))) {
		if (!PageAnonExclusive(page))
			SetPageAnonExclusive(page);
		wp_page_reuse(vmf);
		return 0;
	}
	if (page)
		get_page(page);
	spin_unlock(&vmf->mm->page_table_lock);
	return wp_page_copy(vmf, page);
}

/* ---------------------------------------------------------------------- */
/* File and shmem faults                                                   */
/* ---------------------------------------------------------------------- */

/* Pages in the object (i_size rounded up). */
static inline unsigned long mapping_nr_pages(const struct address_space *mapping)
{
	return DIV_ROUND_UP(mapping->size, PAGE_SIZE);
}

/*
 * ->fault: the page at vmf->pgoff with a reference. A disk file's comes
 * from filemap_fault (read from the disk if absent: a major fault); a
 * shmem object's is created if absent, or read back if on swap (a major
 * fault) (shmem_fault).
 */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	vm_fault_t ret = 0;
	bool major;
	int err = 0;

	if (mapping_is_file(mapping))
		return filemap_fault(vmf->vma, vmf->pgoff, vmf->flags, &vmf->page);
	vmf->page = shmem_get_folio_fault(mapping, vmf->pgoff, vmf->vma, vmf->address, &major,
					  &err);
	if (major) {
		ret = VM_FAULT_MAJOR;
		count_vm_event(vmf->m, PGMAJFAULT);
	}
	if (!vmf->page)
		return ret | (err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS);
	return ret;
}

/*
 * set_pte_range for one page: a file page, or the private copy of a write
 * fault on a private mapping. Page table lock held; the caller's
 * reference on page becomes the pte's.
 */
static void set_pte_file(struct vm_fault *vmf, struct page *page, unsigned long addr,
			 pte_t *pte, bool write)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t entry = mk_pte(vmf->m, page, vma->vm_page_prot);

	if (write)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	else if (pte_write(entry) && PageDirty(page))
		entry = pte_mkdirty(entry);
	if (write && !(vma->vm_flags & VM_SHARED)) {
		folio_add_new_anon_rmap(page, vma, addr, pte);
		folio_add_lru_vma(vmf->m, page, vma);
	} else {
		folio_add_file_rmap_pte(page, vma, pte);
	}
	set_pte(pte, entry);
}

/* finish_fault: map vmf->page (or the COW copy) at the fault address. */
static vm_fault_t finish_fault(struct vm_fault *vmf)
{
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	bool is_cow = write && !(vmf->vma->vm_flags & VM_SHARED);
	struct page *page = is_cow ? vmf->cow_page : vmf->page;

	if (!vmf->pte) {
		vmf->pte = pte_alloc(vmf->mm, vmf->pmd, vmf->address);
		if (!vmf->pte)
			return VM_FAULT_OOM;
	}
	if (pte_chain_prealloc(vmf->m, GFP_KERNEL))
		return VM_FAULT_OOM;
	spin_lock(&vmf->mm->page_table_lock);
	if (!pte_none(*vmf->pte)) {
		spin_unlock(&vmf->mm->page_table_lock);
		return VM_FAULT_NOPAGE;
	}
	set_pte_file(vmf, page, vmf->address, vmf->pte, write);
	inc_mm_counter(vmf->mm, is_cow ? MM_ANONPAGES : mm_counter_file(page));
	spin_unlock(&vmf->mm->page_table_lock);
	return 0;
}

/*
 * filemap_map_pages: map the pages of [start, end] (page offsets) that
 * are already in the cache, uptodate and unlocked, where the ptes are
 * none. VM_FAULT_NOPAGE if the faulting page itself got mapped.
 */
static vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start,
				    unsigned long end)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long nr = mapping_nr_pages(mapping), idx, addr;
	struct page *page;
	vm_fault_t ret = 0;
	int rss = 0, type = MM_SHMEMPAGES;
	pte_t *pte;

	if (!nr)
		return 0;
	end = min(end, nr - 1);
	/* No table is installed unless some page is there to map (filemap_map_pmd). */
	for (idx = start; idx <= end; idx++) {
		page = filemap_get_folio(mapping, idx);
		if (page) {
			put_page(vmf->m, page);
			break;
		}
	}
	if (idx > end)
		return 0;
	if (!vmf->pte) {
		vmf->pte = pte_alloc(vmf->mm, vmf->pmd, vmf->address);
		if (!vmf->pte)
			return VM_FAULT_OOM;
	}
	addr = vma->vm_start + ((idx - vma->vm_pgoff) << PAGE_SHIFT);
	pte = vmf->pte - pte_index(vmf->address) + pte_index(addr);	/* one table */
	spin_lock(&vmf->mm->page_table_lock);
	for (; idx <= end; idx++, addr += PAGE_SIZE, pte++) {
		if (!pte_none(*pte))
			continue;
		page = filemap_get_folio(mapping, idx);
		if (!page)
			continue;
		/* next_uptodate_folio: a readahead marker is left to a real fault */
		if (!PageUptodate(page) || PageLocked(page) || PageReadahead(page)) {
			put_page(vmf->m, page);
			continue;
		}
		/* fault-around is an optimisation: without a chain block, stop */
		if (pte_chain_prealloc(vmf->m, GFP_NOWAIT | __GFP_NOWARN)) {
			put_page(vmf->m, page);
			break;
		}
		set_pte_file(vmf, page, addr, pte, false);
		type = mm_counter_file(page);
		rss++;
		if (addr == vmf->address)
			ret = VM_FAULT_NOPAGE;
	}
	add_mm_counter(vmf->mm, type, rss);
	spin_unlock(&vmf->mm->page_table_lock);
	if (mapping_is_file(mapping))
		filemap_map_pages_done(vma->vm_file, (unsigned long)rss);
	return ret;
}

/* do_fault_around: the fault_around_bytes-aligned window around the fault, inside the VMA and the pte table. */
static vm_fault_t do_fault_around(struct vm_fault *vmf)
{
	unsigned long pte_off = pte_index(vmf->address);
	unsigned long vma_off = vmf->pgoff - vmf->vma->vm_pgoff;
	unsigned long from_pte, to_pte;

	from_pte = max(ALIGN_DOWN(pte_off, FAULT_AROUND_PAGES), pte_off - min(pte_off, vma_off));
	to_pte = min(min(from_pte + FAULT_AROUND_PAGES, (unsigned long)PTRS_PER_PTE),
		     pte_off + vma_pages(vmf->vma) - vma_off) - 1;
	return filemap_map_pages(vmf, vmf->pgoff + from_pte - pte_off,
				 vmf->pgoff + to_pte - pte_off);
}

/* What stops a fault after ->fault: an error, or nothing left to map. */
#define FAULT_DONE	(VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)

static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	vm_fault_t ret, major;

	/* shmem's and files' vm_ops have map_pages (filemap_map_pages): fault around first. */
	if (FAULT_AROUND_PAGES > 1) {
		ret = do_fault_around(vmf);
		if (ret)
			return ret;
	}
	major = __do_fault(vmf);
	if (major & FAULT_DONE)
		return major;
	ret = finish_fault(vmf);
	if (ret)
		put_page(vmf->m, vmf->page);
	return ret | major;
}

/* A private write: the cache page is copied into a new anonymous page. */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t ret, major;

	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	vmf->cow_page = alloc_user_page(vmf, false);
	if (!vmf->cow_page)
		return VM_FAULT_OOM;
	major = __do_fault(vmf);
	if (major & FAULT_DONE) {
		put_page(vmf->m, vmf->cow_page);
		return major;
	}
	copy_user_highpage(vmf->m, vmf->cow_page, vmf->page);
	SetPageUptodate(vmf->cow_page);
	ret = finish_fault(vmf);
	put_page(vmf->m, vmf->page);
	if (ret)
		put_page(vmf->m, vmf->cow_page);
	return ret | major;
}

static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	vm_fault_t ret, major = __do_fault(vmf);

	if (major & FAULT_DONE)
		return major;
	ret = finish_fault(vmf);
	if (ret) {
		put_page(vmf->m, vmf->page);
		return ret | major;
	}
	folio_mark_dirty(vmf->m, vmf->page);	/* fault_dirty_shared_page */
	return major;
}

static vm_fault_t do_fault(struct vm_fault *vmf)
{
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	if (!(vmf->vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf);
	return do_shared_fault(vmf);
}

/* ---------------------------------------------------------------------- */
/* Swap faults: do_swap_page                                               */
/* ---------------------------------------------------------------------- */

/*
 * should_try_to_free_swap: after a swapin, give the slot back at once when
 * swap is short, the page is to stay (mlock), or a write would otherwise
 * find the swap cache's reference and copy.
 */
static bool should_try_to_free_swap(struct machine *m, struct page *folio,
				    struct vm_area_struct *vma, unsigned int flags)
{
	if (!folio_test_swapcache(folio))
		return false;
	if (vm_swap_full(m) || (vma->vm_flags & VM_LOCKED) || PageMlocked(folio))
		return true;
	return (flags & FAULT_FLAG_WRITE) && page_ref_count(folio) == 2;
}

/* Map the swapped-in folio at the fault's pte (page table lock held). */
static void swapin_map_folio(struct vm_fault *vmf, struct page *folio, bool exclusive)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t pte = mk_pte(vmf->m, folio, vma->vm_page_prot);

	inc_mm_counter(vmf->mm, MM_ANONPAGES);
	dec_mm_counter(vmf->mm, MM_SWAPENTS);
	/* do_wp_page's rule, short-cut for a page known not to be shared */
	if (exclusive || page_ref_count(folio) == 1) {
		if (vma->vm_flags & VM_WRITE) {
			pte = pte_mkwrite(pte);
			if (vmf->flags & FAULT_FLAG_WRITE) {
				pte = pte_mkdirty(pte);
				vmf->flags &= ~FAULT_FLAG_WRITE;
			}
		}
		exclusive = true;
	}
	if (!PageAnon(folio))
		folio_add_new_anon_rmap_swapin(folio, vma, vmf->address, vmf->pte, exclusive);
	else
		folio_add_anon_rmap_pte(folio, vma, vmf->address, vmf->pte, exclusive);
	set_pte(vmf->pte, pte);
	vmf->orig_pte = pte;
}

/*
 * do_swap_page: the pte holds a swap entry. The folio comes from the swap
 * cache (a minor fault) or is read with readahead (major: pgmajfault);
 * the entry's count drops, the slot itself may go (should_try_to_free_swap),
 * and the pte maps the folio, writable at once when it is known exclusive.
 * A failed read is SIGBUS for this task only; the entry stays.
 */
static vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct machine *m = vmf->m;
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	struct page *folio;
	vm_fault_t ret = 0;
	bool major, exclusive;
	int err = 0;

	if (!swap_entry_valid(m, entry)) {
		WARN_ON_ONCE(1);	/* print_bad_pte: a non-swap entry we never make */
		return VM_FAULT_SIGBUS;
	}
	if (pte_chain_prealloc(m, GFP_KERNEL))
		return VM_FAULT_OOM;
	folio = swapin_readahead(m, entry, vma, vmf->address, vmf->pte, &major, &err);
	if (major) {
		ret = VM_FAULT_MAJOR;
		count_vm_event(m, PGMAJFAULT);
	}
	if (!folio) {
		if (err == -ENOENT || pte_val(*vmf->pte) != pte_val(vmf->orig_pte))
			return ret;	/* someone else brought it back: retry the access */
		return ret | (err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS);
	}
	spin_lock(&vmf->mm->page_table_lock);
	if (pte_val(*vmf->pte) != pte_val(vmf->orig_pte)) {
		spin_unlock(&vmf->mm->page_table_lock);
		put_page(m, folio);
		return ret;
	}
	exclusive = pte_swp_exclusive(vmf->orig_pte);
	swap_free(m, entry);
	if (should_try_to_free_swap(m, folio, vma, vmf->flags))
		folio_free_swap(m, folio);
	swapin_map_folio(vmf, folio, exclusive);	/* our reference becomes the pte's */
	if (vmf->flags & FAULT_FLAG_WRITE)
		return ret | do_wp_page(vmf);	/* releases the lock */
	spin_unlock(&vmf->mm->page_table_lock);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* The fault entry                                                         */
/* ---------------------------------------------------------------------- */

static vm_fault_t do_pte_missing(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	/* Special mappings (vvar, vdso) are filled by their own handlers, none here. */
	if (vma->vm_special_name || (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)))
		return VM_FAULT_SIGBUS;
	if (vma_is_anonymous(vma))
		return do_anonymous_page(vmf);
	return do_fault(vmf);
}

static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	pte_t entry;

	/* The pte table is allocated later, by whoever maps something (finish_fault). */
	vmf->pte = NULL;
	vmf->orig_pte = __pte(0);
	if (!pmd_none(*vmf->pmd)) {
		vmf->pte = pte_offset(vmf->mm, vmf->pmd, vmf->address);
		vmf->orig_pte = *vmf->pte;
	}
	if (pte_none(vmf->orig_pte))
		return do_pte_missing(vmf);
	if (!pte_present(vmf->orig_pte))
		return do_swap_page(vmf);
	if (pte_protnone(vmf->orig_pte) && vma_is_accessible(vmf->vma)) {
		/* do_numa_page: NUMA hinting faults are not simulated. */
		WARN_ON_ONCE(1);
		return VM_FAULT_SIGSEGV;
	}

	spin_lock(&vmf->mm->page_table_lock);
	entry = vmf->orig_pte;
	if (vmf->flags & FAULT_FLAG_WRITE) {
		if (!pte_write(entry))
			return do_wp_page(vmf);
		entry = pte_mkdirty(entry);
	}
	entry = pte_mkyoung(entry);
	/* ptep_set_access_flags; x86's spurious-fault flush is a no-op. */
	if (pte_val(entry) != pte_val(*vmf->pte))
		set_pte(vmf->pte, entry);
	spin_unlock(&vmf->mm->page_table_lock);
	return 0;
}

static vm_fault_t __handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
				    unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = {
		.vma = vma,
		.mm = mm,
		.m = mm->machine,
		.address = address & PAGE_MASK,
		.flags = flags,
		.pgoff = linear_page_index(vma, address & PAGE_MASK),
	};
	p4d_t *p4d;
	pud_t *pud;

	/* Fast path: the upper levels exist (every fault but a region's first). */
	vmf.pmd = walk_pmd(mm, address);
	if (unlikely(!vmf.pmd)) {
		p4d = p4d_alloc(mm, pgd_offset(mm, address), address);
		if (!p4d)
			return VM_FAULT_OOM;
		pud = pud_alloc(mm, p4d, address);
		if (!pud)
			return VM_FAULT_OOM;
		vmf.pmd = pmd_alloc(mm, pud, address);
		if (!vmf.pmd)
			return VM_FAULT_OOM;
	}
	/* THP: a none pmd over an eligible 2 MiB block, or a THP leaf */
	if (pmd_none(*vmf.pmd) && thp_vma_suitable(vma, address)) {
		vm_fault_t ret = do_huge_pmd_anonymous_page(vma, address, vmf.pmd, flags);

		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
	} else if (pmd_trans_huge(*vmf.pmd)) {
		vm_fault_t ret = huge_pmd_fault(vma, address, vmf.pmd, flags);

		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
	}
	return handle_pte_fault(&vmf);
}

/* Impossible requests, refused as Linux's sanitize_fault_flags does. */
static vm_fault_t sanitize_fault_flags(struct vm_area_struct *vma, unsigned int flags)
{
	if (flags & FAULT_FLAG_WRITE) {
		if (WARN_ON_ONCE(!(vma->vm_flags & VM_MAYWRITE)))
			return VM_FAULT_SIGSEGV;
		if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE) && !is_cow_mapping(vma->vm_flags)))
			return VM_FAULT_SIGSEGV;
	}
	return 0;
}

/*
 * mm_account_fault: pgfault counts every fault that completes, failed or
 * not (the kernel's old behaviour); the task's counters only the
 * successful ones, major when the handler said so or it had to retry.
 */
static void mm_account_fault(struct machine *m, unsigned int flags, vm_fault_t ret)
{
	struct task_struct *t = m->current;

	if (ret & VM_FAULT_RETRY)
		return;
	count_vm_event(m, PGFAULT);
	if (ret & VM_FAULT_ERROR)
		return;
	if (!t)
		return;
	if ((ret & VM_FAULT_MAJOR) || (flags & FAULT_FLAG_TRIED))
		t->maj_flt++;
	else
		t->min_flt++;
}

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags)
{
	struct machine *m = vma->vm_mm->machine;
	vm_fault_t ret;

	lockdep_assert_held(&vma->vm_mm->mmap_lock);
	VM_BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	ret = sanitize_fault_flags(vma, flags);
	if (!ret && unlikely(is_vm_hugetlb_page(vma)))	/* mm/hugetlb_vma.c */
		ret = hugetlb_fault(vma->vm_mm, vma, address, flags);
	else if (!ret)
		ret = __handle_mm_fault(vma, address, flags);
	mm_account_fault(m, flags, ret);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Tear-down: zap                                                          */
/* ---------------------------------------------------------------------- */

static inline bool vma_has_recency(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_SEQ_READ | VM_RAND_READ));
}

/* Clear one present pte into the gather; true if a dirty file pte needs an early flush. */
static bool zap_present_pte(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pte,
			    unsigned long addr, long *rss)
{
	pte_t ptent = *pte;
	struct page *page = vm_normal_page(vma, addr, ptent);
	bool force_flush = false;

	set_pte(pte, __pte(0));
	tlb_remove_tlb_entry(tlb, addr);
	if (!page)
		return false;	/* the zero page: nothing counted */
	if (!PageAnon(page)) {
		if (pte_dirty(ptent)) {
			folio_mark_dirty(vma->vm_mm->machine, page);
			/* tlb_delay_rmap: writes through a stale TLB entry must land first */
			force_flush = true;
		}
		if (pte_young(ptent) && vma_has_recency(vma))
			mark_page_accessed(vma->vm_mm->machine, page);
	}
	rss[mm_counter(page)]--;
	folio_remove_rmap_pte(page, vma, pte);
	if (unlikely(page_mapcount(page) < 0))
		dump_page(vma->vm_mm->machine, page, "bad pte: mapcount below zero");
	__tlb_remove_page(tlb, page);
	return force_flush;
}

/*
 * folio_pte_batch: how many ptes from pte (at addr, before end) map the
 * subpages of one THP in a row, from the subpage pte maps; 1 for others.
 */
static int thp_pte_batch(struct vm_area_struct *vma, pte_t *pte, unsigned long addr,
			 unsigned long end)
{
	struct page *page = vm_normal_page(vma, addr, *pte), *head;
	unsigned long pfn = pte_pfn(*pte);
	int n = 1, max;

	if (!page || !PageCompound(page) || !folio_test_anon_thp(compound_head(page)))
		return 1;
	head = compound_head(page);
	max = (int)min((end - addr) >> PAGE_SHIFT, HPAGE_PMD_NR - (unsigned long)(page - head));
	while (n < max && pte_present(pte[n]) && pte_pfn(pte[n]) == pfn + (unsigned long)n)
		n++;
	return n;
}

/* zap_present_folio_ptes: nr ptes of one THP, its rmap dropped as one batch. */
static void zap_present_thp_ptes(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pte,
				 unsigned long addr, int nr, long *rss)
{
	struct page *page = vm_normal_page(vma, addr, *pte);

	for (int i = 0; i < nr; i++) {
		set_pte(pte + i, __pte(0));
		tlb_remove_tlb_entry(tlb, addr + (unsigned long)i * PAGE_SIZE);
	}
	rss[MM_ANONPAGES] -= nr;
	folio_remove_rmap_ptes(page, nr, vma, pte);
	for (int i = 0; i < nr; i++)
		__tlb_remove_page(tlb, page + i);	/* each pte held a folio reference */
}

/*
 * zap_details (unmap_mapping_range): skip_cows leaves the anonymous COW
 * copies of a private file mapping alone (invalidation), as
 * should_zap_cows says when even_cows is false.
 */
static void zap_pte_range(struct mmu_gather *tlb, struct vm_area_struct *vma, pmd_t *pmd,
			  unsigned long addr, unsigned long end, bool skip_cows)
{
	struct mm_struct *mm = tlb->mm;
	long rss[NR_MM_COUNTERS] = { 0 };
	bool force_flush = false;
	pte_t *pte = pte_offset(mm, pmd, addr);

	spin_lock(&mm->page_table_lock);
	for (; addr < end; addr += PAGE_SIZE, pte++) {
		if (pte_none(*pte))
			continue;
		if (pte_present(*pte)) {
			if (skip_cows) {
				struct page *page = vm_normal_page(vma, addr, *pte);

				if (page && PageAnon(page))
					continue;
			}
			int nr = thp_pte_batch(vma, pte, addr, end);

			if (nr > 1) {	/* THP: the run of one folio's ptes at once */
				zap_present_thp_ptes(tlb, vma, pte, addr, nr, rss);
				addr += (unsigned long)(nr - 1) * PAGE_SIZE;
				pte += nr - 1;
				continue;
			}
			force_flush |= zap_present_pte(tlb, vma, pte, addr, rss);
			continue;
		}
		/* A swap entry: its reference goes, and the cached folio if unused. */
		rss[MM_SWAPENTS]--;
		free_swap_and_cache(mm->machine, pte_to_swp_entry(*pte));
		set_pte(pte, __pte(0));
	}
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		add_mm_counter(mm, i, rss[i]);
	spin_unlock(&mm->page_table_lock);
	if (force_flush)
		tlb_flush_mmu(tlb);
}

static void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
			     unsigned long addr, unsigned long end, bool skip_cows)
{
	pmd_t *pmd;

	while ((pmd = next_pte_table(tlb->mm, &addr, end))) {
		unsigned long next = block_end(addr, PMD_SIZE, end);

		if (pmd_trans_huge(*pmd)) {
			/* zap_pmd_range: a whole THP goes at once, part of one splits first */
			if (!(addr & ~PMD_MASK) && next - addr == PMD_SIZE) {
				zap_huge_pmd(tlb, vma, pmd, addr);
				addr = next;
				continue;
			}
			__split_huge_pmd(vma, pmd, addr & PMD_MASK);
		}
		zap_pte_range(tlb, vma, pmd, addr, next, skip_cows);
		addr = next;
	}
}

static void unmap_single_vma(struct mmu_gather *tlb, struct vm_area_struct *vma,
			     unsigned long start_addr, unsigned long end_addr, bool skip_cows)
{
	unsigned long start = max(vma->vm_start, start_addr);
	unsigned long end = min(vma->vm_end, end_addr);

	if (start >= end)
		return;
	if (unlikely(is_vm_hugetlb_page(vma))) {	/* mm/hugetlb_vma.c */
		__unmap_hugepage_range(tlb, vma, start, end);
		return;
	}
	unmap_page_range(tlb, vma, start, end, skip_cows);
}

void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *vma, unsigned long start,
		unsigned long end)
{
	/* The peak is taken before RSS falls (a dying mm's no one reads). */
	if (!tlb->fullmm)
		update_hiwater_rss(tlb->mm);
	for (; vma && vma->vm_start < end; vma = vma_next(vma))
		unmap_single_vma(tlb, vma, start, end, false);
}

void zap_page_range_single(struct vm_area_struct *vma, unsigned long address,
			   unsigned long size)
{
	struct mmu_gather tlb;

	lru_add_drain(vma->vm_mm->machine);	/* batched pages can be freed at once */
	tlb_gather_mmu(&tlb, vma->vm_mm);
	update_hiwater_rss(vma->vm_mm);
	unmap_single_vma(&tlb, vma, address, address + size, false);
	tlb_finish_mmu(&tlb);
}

/*
 * unmap_mapping_range: zap the ptes mapping file pages [holebegin,
 * holebegin + holelen) (holelen 0: to the end) in every VMA of the
 * mapping's i_mmap, the private COW copies too if even_cows (truncate:
 * beyond the end a private mapping has nothing either). Called without
 * mmap_lock, as Linux's truncate does; the i_mmap lock keeps the VMAs.
 */
void unmap_mapping_range(struct address_space *mapping, long long holebegin,
			 long long holelen, bool even_cows)
{
	unsigned long first = (unsigned long)((unsigned long long)holebegin >> PAGE_SHIFT);
	unsigned long last = ~0UL;
	struct vm_area_struct *vma;

	if (holelen > 0) {
		unsigned long nr = (unsigned long)(((unsigned long long)holelen + PAGE_SIZE - 1)
						   >> PAGE_SHIFT);

		if (first + nr > first)
			last = first + nr - 1;
	}
	if (RB_EMPTY_ROOT(&mapping->i_mmap))
		return;
	spin_lock(&mapping->i_mmap_lock);
	vma_interval_tree_foreach(vma, &mapping->i_mmap, first, last) {
		unsigned long vfirst = max(first, vma->vm_pgoff);
		unsigned long vlast = min(last, vma->vm_pgoff + vma_pages(vma) - 1);
		unsigned long start = vma->vm_start + ((vfirst - vma->vm_pgoff) << PAGE_SHIFT);
		unsigned long end = vma->vm_start + ((vlast - vma->vm_pgoff + 1) << PAGE_SHIFT);
		struct mmu_gather tlb;

		tlb_gather_mmu(&tlb, vma->vm_mm);
		update_hiwater_rss(vma->vm_mm);
		unmap_single_vma(&tlb, vma, start, end,
				 !even_cows && is_cow_mapping(vma->vm_flags));
		tlb_finish_mmu(&tlb);
	}
	spin_unlock(&mapping->i_mmap_lock);
}

/* ---------------------------------------------------------------------- */
/* fork: copy_page_range                                                   */
/* ---------------------------------------------------------------------- */

/*
 * Page tables are copied only where a fault could not refill them: VMAs
 * with anonymous pages, raw pfn maps (and uffd-wp markers, not simulated).
 * Shared and read-only file mappings fault again in the child.
 */
static bool vma_needs_copy(const struct vm_area_struct *src_vma)
{
	if (src_vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
		return true;
	return src_vma->anon_vma != NULL;
}

/* One present pte into the child; the parent's is write-protected if it is COW. */
static void copy_present_pte(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			     pte_t *dst_pte, pte_t *src_pte, unsigned long addr, long *rss)
{
	pte_t pte = *src_pte;
	struct page *page = vm_normal_page(src_vma, addr, pte);

	if (page) {
		get_page(page);
		if (PageAnon(page)) {
			/* folio_try_dup_anon_rmap_pte: no pins exist, so no early copy */
			folio_dup_anon_rmap_pte(page, dst_vma, dst_pte);
			rss[MM_ANONPAGES]++;
		} else {
			folio_dup_file_rmap_pte(page, dst_vma, dst_pte);
			rss[mm_counter_file(page)]++;
		}
	}
	if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
		set_pte(src_pte, pte_wrprotect(pte));	/* flushed by dup_mmap */
		pte = pte_wrprotect(pte);
	}
	if (src_vma->vm_flags & VM_SHARED)
		pte = pte_mkclean(pte);
	set_pte(dst_pte, pte_mkold(pte));
}

/*
 * A swap pte into the child: one more reference to the slot; neither
 * side's entry is exclusive any more. 0, or -ENOMEM when the count needs
 * a continuation (the caller allocates it unlocked and retries).
 */
static int copy_nonpresent_pte(struct mm_struct *dst_mm, struct mm_struct *src_mm,
			       pte_t *dst_pte, pte_t *src_pte, long *rss)
{
	pte_t pte = *src_pte;
	int ret = swap_duplicate(src_mm->machine, pte_to_swp_entry(pte));

	(void)dst_mm;
	if (ret)
		return ret == -ENOMEM ? -ENOMEM : 0;	/* a bad entry is not copied */
	rss[MM_SWAPENTS]++;
	if (pte_swp_exclusive(pte)) {
		pte = pte_swp_clear_exclusive(pte);
		set_pte(src_pte, pte);
	}
	set_pte(dst_pte, pte);
	return 0;
}

static int copy_pte_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			  pmd_t *dst_pmd, pmd_t *src_pmd, unsigned long addr, unsigned long end)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	struct machine *m = src_mm->machine;
	long rss[NR_MM_COUNTERS] = { 0 };
	pte_t *dst_pte = pte_alloc(dst_mm, dst_pmd, addr);
	pte_t *src_pte;
	int ret = 0;

	if (!dst_pte)
		return -ENOMEM;
	src_pte = pte_offset(src_mm, src_pmd, addr);
	spin_lock(&src_mm->page_table_lock);
	for (; addr < end; addr += PAGE_SIZE, src_pte++, dst_pte++) {
		if (pte_none(*src_pte))
			continue;
		if (!pte_present(*src_pte)) {
			ret = copy_nonpresent_pte(dst_mm, src_mm, dst_pte, src_pte, rss);
			if (ret == -ENOMEM) {	/* a count continuation, allocated unlocked */
				spin_unlock(&src_mm->page_table_lock);
				ret = add_swap_count_continuation(m, pte_to_swp_entry(*src_pte));
				spin_lock(&src_mm->page_table_lock);
				if (ret)
					break;
				ret = copy_nonpresent_pte(dst_mm, src_mm, dst_pte, src_pte, rss);
			}
			if (ret)
				break;
			continue;
		}
		/* pte_chain: a block for the child's mapping; 2.5 dropped the lock to sleep for it */
		if (unlikely(pte_chain_prealloc(m, GFP_NOWAIT | __GFP_NOWARN))) {
			spin_unlock(&src_mm->page_table_lock);
			ret = pte_chain_prealloc(m, GFP_KERNEL);
			spin_lock(&src_mm->page_table_lock);
			if (ret)
				break;
		}
		copy_present_pte(dst_vma, src_vma, dst_pte, src_pte, addr, rss);
	}
	spin_unlock(&src_mm->page_table_lock);
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		add_mm_counter(dst_mm, i, rss[i]);
	return ret;
}

/*
 * The levels above follow Linux's copy_p4d/pud/pmd_range: the child gets a
 * table wherever the parent has a non-empty entry above it in the range,
 * so their VmPTE agree even where the parent's lower tables are gone.
 */
static int copy_pmd_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			  pud_t *dst_pud, pud_t *src_pud, unsigned long addr, unsigned long end)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	pmd_t *dst_pmd = pmd_alloc(dst_mm, dst_pud, addr);

	if (!dst_pmd)
		return -ENOMEM;
	for (unsigned long next; addr < end; addr = next) {
		pmd_t *src_pmd = pmd_offset(src_mm, src_pud, addr);

		next = block_end(addr, PMD_SIZE, end);
		if (pmd_none(*src_pmd))
			continue;
		if (pmd_trans_huge(*src_pmd)) {	/* copy_huge_pmd */
			VM_BUG_ON(next - addr != PMD_SIZE);
			if (copy_huge_pmd(dst_vma, src_vma, pmd_offset(dst_mm, dst_pud, addr),
					  src_pmd, addr))
				return -ENOMEM;
			continue;
		}
		if (copy_pte_range(dst_vma, src_vma, pmd_offset(dst_mm, dst_pud, addr), src_pmd,
				   addr, next))
			return -ENOMEM;
	}
	return 0;
}

static int copy_pud_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			  p4d_t *dst_p4d, p4d_t *src_p4d, unsigned long addr, unsigned long end)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	pud_t *dst_pud = pud_alloc(dst_mm, dst_p4d, addr);

	if (!dst_pud)
		return -ENOMEM;
	for (unsigned long next; addr < end; addr = next) {
		pud_t *src_pud = pud_offset(src_mm, src_p4d, addr);

		next = block_end(addr, PUD_SIZE, end);
		if (pud_none(*src_pud))
			continue;
		VM_BUG_ON(pud_leaf(*src_pud));
		if (copy_pmd_range(dst_vma, src_vma, pud_offset(dst_mm, dst_p4d, addr), src_pud,
				   addr, next))
			return -ENOMEM;
	}
	return 0;
}

static int copy_p4d_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			  pgd_t *dst_pgd, pgd_t *src_pgd, unsigned long addr, unsigned long end)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	p4d_t *dst_p4d = p4d_alloc(dst_mm, dst_pgd, addr);

	if (!dst_p4d)
		return -ENOMEM;
	for (unsigned long next; addr < end; addr = next) {
		p4d_t *src_p4d = p4d_offset(src_mm, src_pgd, addr);

		next = block_end(addr, P4D_SIZE, end);
		if (p4d_none(*src_p4d))
			continue;
		if (copy_pud_range(dst_vma, src_vma, p4d_offset(dst_mm, dst_pgd, addr), src_p4d,
				   addr, next))
			return -ENOMEM;
	}
	return 0;
}

int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	unsigned long addr = src_vma->vm_start, end = src_vma->vm_end, size;

	if (!vma_needs_copy(src_vma))
		return 0;
	if (is_vm_hugetlb_page(src_vma))	/* mm/hugetlb_vma.c */
		return copy_hugetlb_page_range(dst_vma, src_vma);
	VM_BUG_ON(dst_vma->vm_start != addr || dst_vma->vm_end != end);
	size = pgdir_size(src_mm);
	for (unsigned long next; addr < end; addr = next) {
		pgd_t *src_pgd = pgd_offset(src_mm, addr);

		next = block_end(addr, size, end);
		if (pgd_none(*src_pgd))
			continue;
		if (copy_p4d_range(dst_vma, src_vma, pgd_offset(dst_mm, addr), src_pgd, addr, next))
			return -ENOMEM;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* validate_user_pages                                                     */
/* ---------------------------------------------------------------------- */

struct upv {
	struct machine *m;
	int problems;
	unsigned long *pfns;		/* every normal page a pte maps, once per pte */
	size_t nr, cap;
	bool oom;
	long thp_leaves;		/* THP leaves of the mm being checked */
};

static __printf(2, 3) void upv_problem(struct upv *v, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (v->problems++ < 20)
		pr_err(v->m, "validate_user_pages: %s\n", buf);
}

static void upv_note_pfn(struct upv *v, unsigned long pfn)
{
	if (v->nr == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4096;
		unsigned long *p = realloc(v->pfns, cap * sizeof(*p));	/* host-side tooling */

		if (!p) {
			v->oom = true;
			return;
		}
		v->pfns = p;
		v->cap = cap;
	}
	v->pfns[v->nr++] = pfn;
}

/* One present pte of vma: what it maps must agree with the VMA and the page. */
static void upv_check_pte(struct upv *v, struct vm_area_struct *vma, unsigned long addr,
			  pte_t pte, long *rss)
{
	struct machine *m = v->m;
	struct page *page;

	if (is_zero_pfn(m, pte_pfn(pte))) {
		if (pte_write(pte) || !pte_special(pte))
			upv_problem(v, "zero page at %#lx: pte %#llx", addr,
				    (unsigned long long)pte_val(pte));
		return;
	}
	page = vm_normal_page(vma, addr, pte);
	if (!page)
		return;
	if (PageCompound(page) && !folio_test_anon_thp(compound_head(page))) {
		upv_problem(v, "pte at %#lx maps pfn %#lx of a compound page that is no THP",
			    addr, pte_pfn(pte));
		return;
	}
	if (PageCompound(page)) {	/* a subpage of a pte-mapped THP: the folio counts */
		if (page_ref_count(compound_head(page)) <= 0)
			upv_problem(v, "pte at %#lx maps a THP subpage of a free folio", addr);
	} else if (page_ref_count(page) <= 0 || PageTail(page) ||
	    page_has_type(page, PGTY_buddy) ||
	    page_has_type(page, PGTY_table) || page_has_type(page, PGTY_slab)) {
		upv_problem(v, "pte at %#lx maps pfn %#lx that is not a user page (ref %d, type %#x)",
			    addr, pte_pfn(pte), page_ref_count(page), page->page_type);
		return;
	}
	rss[mm_counter(page)]++;
	upv_note_pfn(v, pte_pfn(pte));
	if (pte_write(pte) && is_cow_mapping(vma->vm_flags) && !PageAnon(page))
		upv_problem(v, "pfn %#lx at %#lx: private file page mapped writable",
			    pte_pfn(pte), addr);
	if (pte_write(pte) && PageAnon(page) && !PageAnonExclusive(page))
		upv_problem(v, "pfn %#lx at %#lx: anon page writable but not exclusive",
			    pte_pfn(pte), addr);
}

/* THP leaves are noted with this tag: they sort after the ptes' pfns. */
#define UPV_THP_TAG	(1UL << 63)

/* A THP leaf: a whole 2 MiB block of an eligible-looking VMA, an order-9 anon head. */
static void upv_check_thp_leaf(struct upv *v, struct vm_area_struct *vma, unsigned long addr,
			       pmd_t pmd, long *rss)
{
	struct page *head = pfn_to_page(v->m, pmd_pfn(pmd));

	if ((addr & ~PMD_MASK) || addr + PMD_SIZE > vma->vm_end || !PageHead(head) ||
	    compound_order(head) != HPAGE_PMD_ORDER || !PageAnon(head)) {
		upv_problem(v, "THP leaf at %#lx (pfn %#lx) is not an anon order-9 head in its VMA",
			    addr, pmd_pfn(pmd));
		return;
	}
	if ((pmd_val(pmd) & _PAGE_RW) && !PageAnonExclusive(head))
		upv_problem(v, "THP at %#lx writable but not exclusive", addr);
	rss[MM_ANONPAGES] += HPAGE_PMD_NR;
	upv_note_pfn(v, pmd_pfn(pmd) | UPV_THP_TAG);
	v->thp_leaves++;
}

/* A THP head against the leaves found mapping it (nr of them). */
static void upv_check_thp(struct upv *v, unsigned long pfn, long nr)
{
	struct page *head = pfn_to_page(v->m, pfn);

	if (folio_entire_mapcount(head) != nr)
		upv_problem(v, "THP pfn %#lx: entire mapcount %ld but %ld leaves", pfn,
			    folio_entire_mapcount(head), nr);
	if (PageAnonExclusive(head) && nr > 1)
		upv_problem(v, "THP pfn %#lx: exclusive but mapped %ld times", pfn, nr);
}

/*
 * A THP's own counts, whoever maps it: the large mapcount is the entire
 * mapcount plus the subpages' pte mappings, nr_pages_mapped the subpages
 * with any, the refcount at least the mappings; a partially mapped folio
 * no PMD maps waits on its node's split queue.
 */
static void upv_check_thp_folio(struct upv *v, unsigned long pfn)
{
	struct page *head = pfn_to_page(v->m, pfn);
	long ptes = 0, mapped = 0;

	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		ptes += page_mapcount(head + i);
		mapped += page_mapped(head + i);
	}
	if (folio_large_mapcount(head) != folio_entire_mapcount(head) + ptes)
		upv_problem(v, "THP pfn %#lx: large mapcount %ld, entire %ld + ptes %ld", pfn,
			    folio_large_mapcount(head), folio_entire_mapcount(head), ptes);
	if (folio_nr_pages_mapped(head) != mapped)
		upv_problem(v, "THP pfn %#lx: nr_pages_mapped %ld but %ld subpages mapped", pfn,
			    folio_nr_pages_mapped(head), mapped);
	if (page_ref_count(head) < folio_large_mapcount(head))
		upv_problem(v, "THP pfn %#lx: refcount %d below %ld mappings", pfn,
			    page_ref_count(head), folio_large_mapcount(head));
	if (!folio_entire_mapcount(head) && mapped && mapped < (long)HPAGE_PMD_NR &&
	    !(folio_on_deferred_list(head) && folio_test_partially_mapped(head)))
		upv_problem(v, "THP pfn %#lx: partially mapped (%ld) but not queued", pfn, mapped);
}

static void upv_check_vma(struct upv *v, struct vm_area_struct *vma, long *rss)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = vma->vm_start, end = vma->vm_end;
	pmd_t *pmd;

	while ((pmd = next_pte_table(mm, &addr, end))) {
		unsigned long next = block_end(addr, PMD_SIZE, end);
		pte_t *pte;

		if (pmd_trans_huge(*pmd)) {
			upv_check_thp_leaf(v, vma, addr, *pmd, rss);
			addr = next;
			continue;
		}
		pte = pte_offset(mm, pmd, addr);

		for (; addr < next; addr += PAGE_SIZE, pte++) {
			if (pte_none(*pte))
				continue;
			if (pte_present(*pte))
				upv_check_pte(v, vma, addr, *pte, rss);
			else
				rss[MM_SWAPENTS]++;
		}
	}
}

static void upv_check_mm(struct upv *v, struct mm_struct *mm)
{
	long rss[NR_MM_COUNTERS] = { 0 };
	struct pgtable_census c;
	struct vm_area_struct *vma;

	v->thp_leaves = 0;
	for_each_vma(mm, vma)
		if (!is_vm_hugetlb_page(vma))	/* validate_hugetlb checks those */
			upv_check_vma(v, vma, rss);
	if (v->thp_leaves != mm->nr_thp_deposited)
		upv_problem(v, "mm %p: %ld THP leaves but %ld deposited tables", (void *)mm,
			    v->thp_leaves, mm->nr_thp_deposited);
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		if (rss[i] != mm->rss_stat[i])
			upv_problem(v, "mm %p: rss counter %d is %ld, ptes say %ld", (void *)mm, i,
				    mm->rss_stat[i], rss[i]);
	pgtable_census(mm, &c);
	if (mm->pgtables_bytes != pgtable_census_bytes(&c))
		upv_problem(v, "mm %p: pgtables_bytes %ld, tables found %ld", (void *)mm,
			    mm->pgtables_bytes, pgtable_census_bytes(&c));
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* A page's counts against the ptes found mapping it (nr of them). */
static void upv_check_page(struct upv *v, unsigned long pfn, long nr)
{
	struct page *page = pfn_to_page(v->m, pfn);
	long floor = nr;

	if (page_mapcount(page) != nr)
		upv_problem(v, "pfn %#lx: _mapcount %d but %ld ptes map it", pfn, page->_mapcount,
			    nr);
	if (page->mapping && !PageAnon(page))
		floor++;	/* the page cache's reference */
	if (test_bit_flag(page, PG_swapcache))
		floor++;
	if (PageCompound(page))
		floor = 0;	/* a THP's subpage: upv_check_thp_folio counts the folio's */
	if (page_ref_count(page) < floor)
		upv_problem(v, "pfn %#lx: refcount %d below %ld", pfn, page_ref_count(page), floor);
	if (PageAnonExclusive(page) && nr > 1)
		upv_problem(v, "pfn %#lx: exclusive anon page mapped %ld times", pfn, nr);
}

static bool upv_pte_maps(const struct upv *v, unsigned long pfn)
{
	return v->nr && bsearch(&pfn, v->pfns, v->nr, sizeof(*v->pfns), cmp_ulong);
}

/* A page that claims a mapping no pte has. */
static void upv_check_frame(struct upv *v, unsigned long pfn)
{
	struct page *page = pfn_to_page(v->m, pfn);

	if (PageHead(page) && folio_test_anon_thp(page) && page_ref_count(page) > 0)
		upv_check_thp_folio(v, pfn);
	if (PageTail(page) && page_mapped(page) && folio_test_anon_thp(compound_head(page))) {
		if (!upv_pte_maps(v, pfn))	/* a THP subpage's own pte mappings */
			upv_problem(v, "THP subpage pfn %#lx: _mapcount %d but no pte maps it",
				    pfn, page->_mapcount);
		return;
	}
	/* A typed page's word reads negative; an uninitialised one has no references. */
	if (page_ref_count(page) <= 0 || PageTail(page) || !page_mapped(page))
		return;
	if (!upv_pte_maps(v, pfn))
		upv_problem(v, "pfn %#lx: _mapcount %d but no pte maps it", pfn, page->_mapcount);
}

static int cmp_range(const void *a, const void *b)
{
	const struct deferred_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Every initialised descriptor of the zone. Deferred blocks are skipped
 * unread: their descriptors are all zero, and reading them would make the
 * host back the vmemmap of a terabyte machine.
 */
static void upv_check_zone(struct upv *v, const struct zone *z)
{
	struct deferred_range r[ZONE_DEFERRED_RANGES];
	unsigned long pfn = z->zone_start_pfn, end = pfn + z->spanned_pages;
	int nr = z->nr_deferred, i = 0;

	memcpy(r, z->deferred, (size_t)nr * sizeof(r[0]));
	qsort(r, (size_t)nr, sizeof(r[0]), cmp_range);
	for (; pfn < end; pfn++) {
		while (i < nr && r[i].end <= pfn)
			i++;
		if (i < nr && pfn >= r[i].start) {
			pfn = r[i].end - 1;
			continue;
		}
		if (pfn_valid(v->m, pfn))
			upv_check_frame(v, pfn);
	}
}

/* THP: each node's deferred split queue holds its length of partially mapped THPs. */
static void upv_check_split_queues(struct upv *v)
{
	for (int nid = 0; nid < v->m->nr_nodes; nid++) {
		pg_data_t *pgdat = NODE_DATA(v->m, nid);
		unsigned long n = 0;
		struct list_head *pos;

		if (!pgdat)
			continue;
		list_for_each(pos, &pgdat->split_queue) {
			struct page *head = container_of(pos, struct page, _deferred_list) - 2;

			n++;
			if (!folio_test_anon_thp(head) || page_to_nid(head) != nid ||
			    page_ref_count(head) <= 0)
				upv_problem(v, "split queue of node %d: pfn %#lx is no live anon THP",
					    nid, page_to_pfn(v->m, head));
		}
		if (n != pgdat->split_queue_len)
			upv_problem(v, "split queue of node %d: %lu folios, split_queue_len %lu", nid,
				    n, pgdat->split_queue_len);
	}
}

static void upv_check_unmapped(struct upv *v)
{
	struct zone *zone;
	int nid, zi;

	for_each_zone(v->m, zone, nid, zi)
		if (zone->spanned_pages)
			upv_check_zone(v, zone);
}

int validate_user_pages(struct machine *m)
{
	struct upv v = { .m = m };
	struct mm_struct *mm;

	list_for_each_entry(mm, &m->mm_list, mmlist)
		upv_check_mm(&v, mm);
	if (v.oom) {
		free(v.pfns);
		return v.problems;
	}
	if (v.nr)
		qsort(v.pfns, v.nr, sizeof(*v.pfns), cmp_ulong);
	for (size_t i = 0, j; i < v.nr; i = j) {
		for (j = i; j < v.nr && v.pfns[j] == v.pfns[i]; j++)
			;
		if (v.pfns[i] & UPV_THP_TAG)
			upv_check_thp(&v, v.pfns[i] & ~UPV_THP_TAG, (long)(j - i));
		else
			upv_check_page(&v, v.pfns[i], (long)(j - i));
	}
	upv_check_unmapped(&v);
	upv_check_split_queues(&v);
	free(v.pfns);
	return v.problems;
}
