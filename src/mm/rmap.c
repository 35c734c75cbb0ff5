/*
 * rmap.c - reverse mapping: from a page back to the ptes that map it
 * (Linux's mm/rmap.c, second half): the page-level rmap every design
 * shares (mapcounts, nr_anon_pages/nr_mapped, PageAnonExclusive, mlock on
 * map and unmap), the walk (dispatched to the boot-time design), and the
 * walk's users: folio_referenced, page_mkclean and try_to_unmap.
 *
 * The designs themselves live in anon_vma.c (anon_vma_chain, today's),
 * anon_vma_list.c (anon_vma, 2.6.7-2.6.33), pte_chain.c (2.5) and
 * rmap_scan.c (2.4); the interval trees in interval_tree.c; the checks in
 * rmap_validate.c. rmap.h tells the story and the invariants.
 *
 * Page rmap. _mapcount + 1 counts the ptes mapping a page; the first
 * mapping counts the page in nr_anon_pages or nr_mapped, the last
 * unmapping uncounts it. These functions never touch the refcount (the
 * callers' get_page/put_page do, as in Linux).
 *
 * Walk accounting (vmstat, mmsim's own lines): rmap_walk counts walks,
 * rmap_walk_vma the VMAs a walk looked at, rmap_walk_pte the ptes it
 * checked, rmap_walk_pgtable the page-table pages scan mode read.
 *
 * Locks: mmap_lock > i_mmap lock > anon_vma lock > page table lock >
 * lru_lock.
 */
#include <errno.h>

#include "fs.h"
#include "huge_mm.h"
#include "memory.h"
#include "pagemap.h"
#include "pgalloc.h"
#include "rmap_internal.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"

/* ------------------------------------------------------------------ */
/* Page rmap                                                           */
/* ------------------------------------------------------------------ */

/* nr_anon_pages / nr_mapped of the page's node, by the page's kind. */
static inline void page_mod_mapped_stat(struct machine *m, struct page *page, long nr)
{
	mod_node_page_state(page_pgdat(m, page), PageAnon(page) ? NR_ANON_PAGES : NR_FILE_MAPPED,
			    nr);
}

/* The new page maps at address in vma only: it is vma's own (exclusive). */
void folio_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address,
			     pte_t *pte)
{
	struct machine *m = vma_machine(vma);

	VM_BUG_ON_PAGE(PageTail(page) || page_mapped(page) || page->mapping, m, page);
	VM_BUG_ON(!vma->anon_vma);
	VM_BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	SetPageSwapBacked(page);	/* anonymous pages go to swap, not to a file */
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	page->index = linear_page_index(vma, address);
	page->_mapcount = 0;
	SetPageAnonExclusive(page);
	page_mod_mapped_stat(m, page, 1);
	if (m->cfg.rmap == RMAP_PTE_CHAIN)
		pte_chain_add(m, page, pte);
}

/*
 * One more pte maps page, at pte in vma: the mapcount (the first mapping
 * counts the page as mapped), pte_chain's entry, and mlock in a locked
 * VMA (a fork child's VMAs never are: dup_mmap clears VM_LOCKED).
 */
static void __folio_add_rmap_pte(struct page *page, struct vm_area_struct *vma, pte_t *pte)
{
	struct machine *m = vma_machine(vma);

	if (PageCompound(page))		/* a subpage of a THP: the folio's counts too */
		thp_add_rmap_pte(m, page);
	else if (++page->_mapcount == 0)
		page_mod_mapped_stat(m, page, 1);
	if (m->cfg.rmap == RMAP_PTE_CHAIN)
		pte_chain_add(m, page, pte);
	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED)
		mlock_page(m, page);
}

/*
 * A folio read from swap, mapped for the first time (do_swap_page's
 * folio_add_new_anon_rmap with or without RMAP_EXCLUSIVE). A folio that may
 * be shared (the swap entry was not exclusive: fork copied it) takes the
 * root anon_vma of vma's family, the oldest one every sharer's VMA is
 * chained to (__folio_set_anon), so the walk finds all of them. It is on
 * the LRU already (the swap cache put it there); a locked VMA mlocks it.
 */
void folio_add_new_anon_rmap_swapin(struct page *page, struct vm_area_struct *vma,
				    unsigned long address, pte_t *pte, bool exclusive)
{
	struct machine *m = vma_machine(vma);
	struct anon_vma *anon_vma = vma->anon_vma;

	VM_BUG_ON_PAGE(PageTail(page) || page_mapped(page) || page->mapping, m, page);
	VM_BUG_ON(!anon_vma);
	if (!exclusive)
		anon_vma = anon_vma->root;
	SetPageSwapBacked(page);
	page->mapping = (void *)((unsigned long)anon_vma | PAGE_MAPPING_ANON);
	page->index = linear_page_index(vma, address);
	__folio_add_rmap_pte(page, vma, pte);
	if (exclusive)
		SetPageAnonExclusive(page);
}

void folio_add_anon_rmap_pte(struct page *page, struct vm_area_struct *vma,
			     unsigned long address, pte_t *pte, bool exclusive)
{
	struct machine *m = vma_machine(vma);

	VM_BUG_ON_PAGE(!PageAnon(page) || PageCompound(page), m, page);
	VM_BUG_ON_PAGE(!vma->anon_vma || page_anon_vma(page)->root != vma->anon_vma->root,
		       m, page);
	VM_BUG_ON_PAGE(page->index != linear_page_index(vma, address), m, page);
	__folio_add_rmap_pte(page, vma, pte);
	if (exclusive)
		SetPageAnonExclusive(page);
	/* an exclusive page has exactly one pte */
	VM_BUG_ON_PAGE(PageAnonExclusive(page) && page->_mapcount > 0, m, page);
}

void folio_dup_anon_rmap_pte(struct page *page, struct vm_area_struct *dst_vma, pte_t *pte)
{
	VM_BUG_ON(!PageAnon(page) || !page_mapped(page));
	/* parent and child now share it: neither may write it in place */
	ClearPageAnonExclusive(page);
	__folio_add_rmap_pte(page, dst_vma, pte);
}

void folio_add_file_rmap_pte(struct page *page, struct vm_area_struct *vma, pte_t *pte)
{
	VM_BUG_ON_PAGE(PageAnon(page) || !page->mapping || PageTail(page), vma_machine(vma), page);
	__folio_add_rmap_pte(page, vma, pte);
}

void folio_dup_file_rmap_pte(struct page *page, struct vm_area_struct *dst_vma, pte_t *pte)
{
	VM_BUG_ON(PageAnon(page) || !page_mapped(page));
	__folio_add_rmap_pte(page, dst_vma, pte);
}

/*
 * One pte less. page->mapping stays (a racing mapper may still read it;
 * the free path clears it). A page leaving a VM_LOCKED VMA is munlocked:
 * its mlock_count says whether another locked VMA still holds it.
 */
void folio_remove_rmap_pte(struct page *page, struct vm_area_struct *vma, pte_t *pte)
{
	struct machine *m = vma_machine(vma);

	VM_BUG_ON_PAGE(!page_mapped(page), m, page);
	if (m->cfg.rmap == RMAP_PTE_CHAIN)
		pte_chain_remove(m, page, pte);
	if (PageCompound(page))		/* a subpage of a THP (may queue it for the split) */
		thp_remove_rmap_ptes(m, page, 1);
	else if (--page->_mapcount < 0)
		page_mod_mapped_stat(m, page, -1);
	if (unlikely(vma->vm_flags & VM_LOCKED))
		munlock_page(m, page);
}

/* THP: nr ptes (from pte on) mapping page and the subpages after it, in one call. */
void folio_remove_rmap_ptes(struct page *page, int nr, struct vm_area_struct *vma, pte_t *pte)
{
	struct machine *m = vma_machine(vma);

	VM_BUG_ON_PAGE(!PageCompound(page) || !page_mapped(page), m, page);
	if (m->cfg.rmap == RMAP_PTE_CHAIN)
		for (int i = 0; i < nr; i++)
			pte_chain_remove(m, page + i, pte + i);
	thp_remove_rmap_ptes(m, page, nr);
	if (unlikely(vma->vm_flags & VM_LOCKED))
		munlock_page(m, page);
}

void folio_move_rmap_pte(struct page *page, struct vm_area_struct *vma, pte_t *old, pte_t *new)
{
	struct machine *m = vma_machine(vma);

	if (m->cfg.rmap == RMAP_PTE_CHAIN)
		pte_chain_move(m, page, old, new);
}

void folio_move_anon_rmap(struct page *page, struct vm_area_struct *vma)
{
	VM_BUG_ON(!PageAnon(page) || !vma->anon_vma);
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	/* Linux's callers (do_wp_page reuse) set this right after; do it here */
	SetPageAnonExclusive(page);
}

unsigned long vma_address(struct page *page, struct vm_area_struct *vma)
{
	struct page *head = compound_head(page);
	unsigned long pgoff = head->index, nr = 1UL << compound_order(head);
	unsigned long address;

	if (pgoff >= vma->vm_pgoff) {
		address = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		/* beyond the VMA, or wrapped */
		if (address < vma->vm_start || address >= vma->vm_end)
			return -EFAULT;
		return address;
	}
	/* a large page that starts below the VMA but reaches into it */
	if (pgoff + nr - 1 >= vma->vm_pgoff)
		return vma->vm_start;
	return -EFAULT;
}

/* ------------------------------------------------------------------ */
/* rmap_walk                                                           */
/* ------------------------------------------------------------------ */

/* File and shmem pages: the VMAs of the mapping's i_mmap that cover the page. */
static void rmap_walk_file(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	struct address_space *mapping = page->mapping;
	unsigned long first = page->index, last = first + (1UL << compound_order(page)) - 1;
	struct vm_area_struct *vma;

	spin_lock(&mapping->i_mmap_lock);
	vma_interval_tree_foreach(vma, &mapping->i_mmap, first, last) {
		unsigned long address = vma_address(page, vma);

		count_vm_event(m, RMAP_WALK_VMA);
		VM_BUG_ON(IS_ERR_VALUE(address));
		if (!rwc->rmap_one(page, vma, address, NULL, rwc->arg))
			break;
	}
	spin_unlock(&mapping->i_mmap_lock);
}

void rmap_walk(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	page = compound_head(page);
	if (!page->mapping)
		return;	/* not (or no longer) in anyone's mapping */
	count_vm_event(m, RMAP_WALK);
	switch (m->cfg.rmap) {
	case RMAP_SCAN:
		rmap_walk_scan(m, page, rwc);
		return;
	case RMAP_PTE_CHAIN:
		rmap_walk_pte_chain(m, page, rwc);
		return;
	case RMAP_ANON_VMA:
		if (PageAnon(page))
			rmap_walk_anon_list(m, page, rwc);
		else
			rmap_walk_file(m, page, rwc);
		return;
	case RMAP_ANON_VMA_CHAIN:
		if (PageAnon(page))
			rmap_walk_anon_chain(m, page, rwc);
		else
			rmap_walk_file(m, page, rwc);
		return;
	}
}

/* page_vma_mapped_walk for a small page: the pte at addr, if it maps page. */
pte_t *page_vma_mapped_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	struct machine *m = vma_machine(vma);
	pte_t *pte = walk_pte(vma->vm_mm, addr);

	count_vm_event(m, RMAP_WALK_PTE);
	if (!pte || !pte_present(*pte) || pte_pfn(*pte) != page_to_pfn(m, page))
		return NULL;
	return pte;
}

/* The pte the walker handed over, checked; or the one page_vma_mapped_pte finds. */
static pte_t *rmap_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		       pte_t *pte)
{
	if (!pte)
		return page_vma_mapped_pte(page, vma, addr);
	if (!pte_present(*pte) || pte_pfn(*pte) != page_to_pfn(vma_machine(vma), page))
		return NULL;	/* a pte_chain copy that went stale during the walk */
	return pte;
}

/* ------------------------------------------------------------------ */
/* folio_referenced                                                    */
/* ------------------------------------------------------------------ */

struct referenced_arg {
	int mapcount;		/* ptes still to find: the walk stops at 0 */
	int referenced;
	bool locked;
	unsigned long vm_flags;	/* of the VMAs that referenced it (VM_LOCKED, VM_EXEC) */
};

static bool folio_referenced_one(struct page *page, struct vm_area_struct *vma,
				 unsigned long addr, pte_t *pte, void *arg)
{
	struct referenced_arg *pra = arg;
	struct mm_struct *mm = vma->vm_mm;

	pte = rmap_pte(page, vma, addr, pte);
	if (!pte)
		return true;
	if (vma->vm_flags & VM_LOCKED) {
		pra->locked = true;	/* an mlocked page counts as used: stop */
		pra->referenced++;
		pra->vm_flags |= vma->vm_flags;
		return false;
	}
	spin_lock(&mm->page_table_lock);
	/* ptep_clear_flush_young: x86 clears the bit and leaves the TLB be */
	if (pte_young(*pte)) {
		set_pte(pte, pte_mkold(*pte));
		pra->referenced++;
		pra->vm_flags |= vma->vm_flags;
	}
	spin_unlock(&mm->page_table_lock);
	return --pra->mapcount > 0;
}

int folio_referenced_vmflags(struct machine *m, struct page *page, unsigned long *vm_flags)
{
	struct referenced_arg pra = { .mapcount = page_mapcount(compound_head(page)) };
	struct rmap_walk_control rwc = { .arg = &pra, .rmap_one = folio_referenced_one };

	*vm_flags = 0;
	if (!pra.mapcount)
		return 0;
	rmap_walk(m, page, &rwc);
	*vm_flags = pra.vm_flags;
	return pra.referenced;
}

int folio_referenced(struct machine *m, struct page *page)
{
	unsigned long vm_flags;

	return folio_referenced_vmflags(m, page, &vm_flags);
}

/* ------------------------------------------------------------------ */
/* page_mkclean                                                        */
/* ------------------------------------------------------------------ */

static bool page_mkclean_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			     pte_t *pte, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	int *cleaned = arg;

	if (!(vma->vm_flags & VM_SHARED))
		return true;	/* only shared mappings write back to the file */
	pte = rmap_pte(page, vma, addr, pte);
	if (!pte)
		return true;
	spin_lock(&mm->page_table_lock);
	if (pte_dirty(*pte) || pte_write(*pte)) {
		set_pte(pte, pte_mkclean(pte_wrprotect(*pte)));
		flush_tlb_page(vma, addr);
		(*cleaned)++;
	}
	spin_unlock(&mm->page_table_lock);
	return true;
}

int page_mkclean(struct machine *m, struct page *page)
{
	struct rmap_walk_control rwc = { .rmap_one = page_mkclean_one };
	int cleaned = 0;

	page = compound_head(page);
	if (!page_mapped(page) || PageAnon(page))
		return 0;
	rwc.arg = &cleaned;
	rmap_walk(m, page, &rwc);
	return cleaned;
}

/* ------------------------------------------------------------------ */
/* try_to_unmap                                                        */
/* ------------------------------------------------------------------ */

/*
 * A lazyfree page written again is swap-backed again. It sits on the
 * inactive file list (MADV_FREE put it there) and the list must follow
 * its flags: Linux's reclaim has it isolated and puts it back on an anon
 * list; here, with no reclaim holding it, it moves at once.
 */
static void folio_set_swapbacked_lru(struct machine *m, struct page *page)
{
	bool on_lru = PageLRU(page);

	if (on_lru)
		lruvec_del_folio(m, page);
	SetPageSwapBacked(page);
	if (on_lru)
		folio_add_lru(m, page);
}

/*
 * A swap-backed anonymous page in the swap cache leaves this pte for a
 * swap pte of its entry (one more reference to the slot; exclusive if the
 * page was). Page table lock held, the pte already cleared and flushed.
 * False (pte restored) if the slot's count cannot grow.
 */
static bool try_to_unmap_swap_pte(struct mm_struct *mm, struct page *page, pte_t *pte,
				  pte_t pteval)
{
	struct machine *m = mm->machine;
	swp_entry_t entry = folio_swap_entry(page);
	pte_t swp_pte;

	if (swap_duplicate(m, entry) < 0) {
		set_pte(pte, pteval);
		return false;
	}
	swp_pte = swp_entry_to_pte(entry);
	if (PageAnonExclusive(page)) {
		swp_pte = pte_swp_mkexclusive(swp_pte);
		ClearPageAnonExclusive(page);	/* folio_try_share_anon_rmap_pte */
	}
	dec_mm_counter(mm, MM_ANONPAGES);
	inc_mm_counter(mm, MM_SWAPENTS);
	set_pte(pte, swp_pte);
	return true;
}

/*
 * Unmap one pte (try_to_unmap_one). A swap-backed anonymous page must be
 * in the swap cache (add_to_swap) and each pte becomes a swap pte; a
 * lazyfree page (MADV_FREE'd: not swap-backed) leaves only if still clean,
 * one written since goes back to swap-backed and stays. An mlocked
 * mapping keeps the page.
 */
static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			     pte_t *pte, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	bool *failed = arg;
	pte_t pteval;

	pte = rmap_pte(page, vma, addr, pte);
	if (!pte)
		return true;
	if (vma->vm_flags & VM_LOCKED)
		goto abort;
	/* Reclaim calls add_to_swap first (Linux warns; mmsim_try_to_unmap may ask) */
	if (PageAnon(page) && PageSwapBacked(page) && !folio_test_swapcache(page))
		goto abort;
	update_hiwater_rss(mm);
	spin_lock(&mm->page_table_lock);
	pteval = *pte;
	set_pte(pte, __pte(0));
	flush_tlb_page(vma, addr);	/* ptep_clear_flush */
	if (PageAnon(page) && PageSwapBacked(page)) {
		if (pte_dirty(pteval))
			SetPageDirty(page);	/* folio_mark_dirty */
		if (!try_to_unmap_swap_pte(mm, page, pte, pteval)) {
			spin_unlock(&mm->page_table_lock);
			goto abort;
		}
	} else if (PageAnon(page)) {
		if (pte_dirty(pteval) || PageDirty(page) ||
		    page_ref_count(page) != page_mapcount(page) + 1) {
			/* written (or pinned) since MADV_FREE: keep it, as swap-backed */
			set_pte(pte, pteval);
			spin_unlock(&mm->page_table_lock);
			folio_set_swapbacked_lru(m, page);
			goto abort;
		}
		dec_mm_counter(mm, MM_ANONPAGES);	/* pglazyfreed: when the folio is freed */
	} else {
		if (pte_dirty(pteval))
			folio_mark_dirty(m, page);	/* counted in NR_FILE_DIRTY */
		dec_mm_counter(mm, mm_counter_file(page));
	}
	folio_remove_rmap_pte(page, vma, pte);
	spin_unlock(&mm->page_table_lock);
	put_page(m, page);	/* the pte's reference; the caller still holds one */
	return page_mapped(page);
abort:
	*failed = true;
	return false;
}

bool try_to_unmap(struct machine *m, struct page *page)
{
	struct rmap_walk_control rwc = { .rmap_one = try_to_unmap_one };
	bool failed = false;

	page = compound_head(page);
	if (!page_mapped(page))
		return true;
	rwc.arg = &failed;
	rmap_walk(m, page, &rwc);
	return !page_mapped(page);
}
