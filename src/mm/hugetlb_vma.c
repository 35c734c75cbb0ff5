/*
 * hugetlb_vma.c - what a VM_HUGETLB mapping does with its page tables: the
 * fault (hugetlb_fault, hugetlb_no_page, hugetlb_wp), fork's copy, the zap
 * of munmap/exit/MADV_DONTNEED, mprotect, mremap's move, mincore, GUP's
 * populate, smaps, and the VMA hooks Linux keeps in hugetlb_vm_ops (Linux
 * 6.x mm/hugetlb.c, the VMA half).
 *
 * Leaves: a 2 MiB page is mapped by a pmd entry with _PAGE_PSE, a 1 GiB
 * page by a pud entry with it (huge_pte_alloc); the entry has the pte
 * layout, so the code below handles both as pte_t. No pte tables exist
 * under a hugetlb VMA; its pmd tables count in PageTables and VmPTE like
 * any. (x86's pmd sharing between shared mappings is not simulated: each
 * mm has its own tables.)
 *
 * Mapcount and references: each leaf is one entire mapcount
 * (head[1]._mapcount + 1) and one reference; a shared file's cache holds
 * one more. mm->hugetlb_usage counts the base pages under the leaves
 * (HugetlbPages in status); hugetlb pages are in no RSS counter.
 *
 * COW (hugetlb_wp, 6.x): an anonymous page mapped once is reused; else
 * the faulting VMA gets a copy. The owner of a private mapping copies
 * without its reservation; if the pool has no page left, the page is taken
 * away from the other (forked) mappers instead, which later die with
 * SIGBUS when they touch it ("killed due to inadequate hugepage pool").
 *
 * Locks: mmap_lock held by the caller; the page table lock around leaf
 * changes; tables are allocated before it is taken.
 */
#include <errno.h>
#include <string.h>

#include "fs.h"
#include "hugetlb.h"
#include "memory.h"
#include "pgalloc.h"
#include "printk.h"
#include "rmap.h"
#include "sched.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"

static inline struct page *leaf_page(struct machine *m, pte_t pte)
{
	return pfn_to_page(m, pte_pfn(pte));
}

static inline unsigned int huge_shift(const struct hstate *h)
{
	return h->order + PAGE_SHIFT;
}

/* ---------------------------------------------------------------------- */
/* VMA hooks                                                               */
/* ---------------------------------------------------------------------- */

int hugetlb_vm_op_split(struct vm_area_struct *vma, unsigned long addr)
{
	return (addr & ~huge_page_mask(hstate_vma(vma))) ? -EINVAL : 0;
}

/* A new VMA shares its sibling's reservation map (split, mremap's copy). */
void hugetlb_vm_op_open(struct vm_area_struct *vma)
{
	struct resv_map *map = vma_resv_map(vma);

	if (map && is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		map->refs++;
}

/* The owner's VMA goes: the reservations it did not consume go back. */
void hugetlb_vm_op_close(struct vm_area_struct *vma)
{
	struct machine *m = vma->vm_mm->machine;
	struct hstate *h = hstate_vma(vma);
	struct resv_map *map = vma_resv_map(vma);
	unsigned long start, end, reserve;

	if (!map || !is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		return;
	start = vma_hugecache_offset(h, vma, vma->vm_start);
	end = vma_hugecache_offset(h, vma, vma->vm_end);
	reserve = (end - start) - resv_map_count(map, start, end);
	resv_map_put(m, map);
	vma->vm_private_data = NULL;
	if (reserve)
		hugetlb_acct_memory(m, h, -(long)reserve);
}

void hugetlb_dup_vma_private(struct vm_area_struct *vma)
{
	/* A child's private mapping has no reservations: its faults may fail. */
	vma->vm_private_data = NULL;
}

/* ---------------------------------------------------------------------- */
/* Finding and making leaves                                               */
/* ---------------------------------------------------------------------- */

pte_t *huge_pte_offset(const struct mm_struct *mm, unsigned long addr, unsigned long sz)
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
	if (sz == PUD_SIZE)
		return (pte_t *)pud;
	if (pud_none(*pud))
		return NULL;
	return (pte_t *)pmd_offset(mm, pud, addr);
}

/* huge_pte_alloc: the tables down to the leaf's level, allocated. */
static pte_t *huge_pte_alloc(struct mm_struct *mm, unsigned long addr, unsigned long sz)
{
	p4d_t *p4d = p4d_alloc(mm, pgd_offset(mm, addr), addr);
	pud_t *pud;

	if (!p4d)
		return NULL;
	pud = pud_alloc(mm, p4d, addr);
	if (!pud || sz == PUD_SIZE)
		return (pte_t *)pud;
	return (pte_t *)pmd_alloc(mm, pud, addr);
}

/* make_huge_pte: young, writable and dirty if asked and the VMA allows. */
static pte_t make_huge_pte(struct vm_area_struct *vma, struct page *head, bool try_mkwrite)
{
	struct machine *m = vma->vm_mm->machine;
	pte_t entry = pfn_pte(page_to_pfn(m, head), vma->vm_page_prot);

	entry = pte_set_flags(entry, _PAGE_PSE);
	if (try_mkwrite && (vma->vm_flags & VM_WRITE))
		entry = pte_mkwrite(pte_mkdirty(entry));
	else
		entry = pte_wrprotect(entry);
	return pte_mkyoung(entry);
}

static void flush_hugetlb_tlb_range(struct vm_area_struct *vma, unsigned long start,
				    unsigned long end)
{
	flush_tlb_mm_range(vma->vm_mm, start, end, PMD_SHIFT, false);
}

static void clear_huge_page(struct machine *m, struct hstate *h, struct page *head)
{
	if (!m->cfg.metadata_only)
		memset(page_address(m, head), 0, huge_page_size(h));
}

static void copy_huge_page(struct machine *m, struct hstate *h, struct page *dst,
			   struct page *src)
{
	if (!m->cfg.metadata_only)
		memcpy(page_address(m, dst), page_address(m, src), huge_page_size(h));
}

/* hugetlb_add_new_anon_rmap: a new private page, exclusive to vma. */
static void hugetlb_add_new_anon_rmap(struct page *head, struct vm_area_struct *vma,
				      unsigned long addr)
{
	head->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	head->index = ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	head[1]._mapcount = 0;
	SetPageAnonExclusive(head);
	head->private &= ~1UL;	/* HPG_restore_reserve: the reservation is consumed */
}

/* ---------------------------------------------------------------------- */
/* Faults                                                                  */
/* ---------------------------------------------------------------------- */

static void unmap_hugepage_range_ref(struct vm_area_struct *vma, unsigned long start,
				     unsigned long end, struct page *ref_page);

/*
 * unmap_ref_private: the owner could not get a page for its COW, so the
 * page is taken away from every other private mapping of the same file
 * that has no reservations of its own (the fork children).
 */
static void unmap_ref_private(struct vm_area_struct *vma, struct page *head,
			      unsigned long haddr)
{
	struct machine *m = vma->vm_mm->machine;
	struct hstate *h = hstate_vma(vma);
	unsigned long pgoff = ((haddr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	struct mm_struct *mm;

	list_for_each_entry(mm, &m->mm_list, mmlist) {
		struct vm_area_struct *iter;

		for_each_vma(mm, iter) {
			unsigned long addr;

			if (iter == vma || iter->vm_file != vma->vm_file ||
			    (iter->vm_flags & VM_MAYSHARE) || is_vma_resv_set(iter, HPAGE_RESV_OWNER))
				continue;
			if (pgoff < iter->vm_pgoff)
				continue;
			addr = iter->vm_start + ((pgoff - iter->vm_pgoff) << PAGE_SHIFT);
			if (addr >= iter->vm_end)
				continue;
			unmap_hugepage_range_ref(iter, addr, addr + huge_page_size(h), head);
		}
	}
}

/* Make a present leaf writable in place (set_huge_ptep_writable). */
static void set_huge_ptep_writable(pte_t *ptep)
{
	*ptep = pte_mkyoung(pte_mkwrite(pte_mkdirty(*ptep)));
}

/* Called with the page table lock held; returns with it released. */
static unsigned int hugetlb_wp(struct mm_struct *mm, struct vm_area_struct *vma,
			       unsigned long haddr, pte_t *ptep)
{
	struct machine *m = mm->machine;
	struct hstate *h = hstate_vma(vma);
	pte_t pte = *ptep;
	struct page *old = leaf_page(m, pte), *new;
	bool outside_reserve;

	if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE))) {
		spin_unlock(&mm->page_table_lock);
		return VM_FAULT_SIGSEGV;
	}
	if (vma->vm_flags & VM_MAYSHARE) {
		set_huge_ptep_writable(ptep);
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
retry_avoidcopy:
	if (hugetlb_mapcount(old) == 1 && PageAnon(old)) {
		if (!PageAnonExclusive(old))
			folio_move_anon_rmap(old, vma);
		set_huge_ptep_writable(ptep);
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	/* The owner copies without its reservation, or the children lose the page. */
	outside_reserve = is_vma_resv_set(vma, HPAGE_RESV_OWNER);
	get_page(old);
	spin_unlock(&mm->page_table_lock);
	new = alloc_hugetlb_folio(vma, haddr, outside_reserve);
	if (!new) {
		put_page(m, old);
		if (outside_reserve) {
			unmap_ref_private(vma, old, haddr);
			spin_lock(&mm->page_table_lock);
			if (pte_val(*ptep) == pte_val(pte))
				goto retry_avoidcopy;
			spin_unlock(&mm->page_table_lock);
			return 0;
		}
		return VM_FAULT_SIGBUS;	/* vmf_error(-ENOSPC) */
	}
	if (anon_vma_prepare(vma)) {
		restore_reserve_on_error(h, vma, haddr, new);
		put_page(m, new);
		put_page(m, old);
		return VM_FAULT_OOM;
	}
	copy_huge_page(m, h, new, old);
	SetPageUptodate(new);
	spin_lock(&mm->page_table_lock);
	if (pte_val(*ptep) == pte_val(pte)) {
		/* huge_ptep_clear_flush: no CPU may keep the old translation. */
		*ptep = __pte(0);
		flush_hugetlb_tlb_range(vma, haddr, haddr + huge_page_size(h));
		old[1]._mapcount--;	/* hugetlb_remove_rmap */
		hugetlb_add_new_anon_rmap(new, vma, haddr);
		*ptep = make_huge_pte(vma, new, true);
		new = old;	/* the old leaf's reference goes below */
	}
	spin_unlock(&mm->page_table_lock);
	if (new != old)
		restore_reserve_on_error(h, vma, haddr, new);
	put_page(m, new);
	put_page(m, old);
	return 0;
}

/* The first touch of a huge page: from the file's cache or the pool. */
static unsigned int hugetlb_no_page(struct mm_struct *mm, struct vm_area_struct *vma,
				    unsigned long haddr, pte_t *ptep, unsigned int flags)
{
	struct machine *m = mm->machine;
	struct hstate *h = hstate_vma(vma);
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long idx = vma_hugecache_offset(h, vma, haddr);
	bool shared = vma->vm_flags & VM_MAYSHARE, anon = false;
	struct page *head = NULL;

	if (is_vma_resv_set(vma, HPAGE_RESV_UNMAPPED)) {
		struct task_struct *t = m->current;

		pr_warn(m, "PID %d killed due to inadequate hugepage pool\n", t ? t->pid : 0);
		return VM_FAULT_SIGBUS;
	}
	if (shared && (head = hugetlbfs_find_page(mapping, idx)))
		get_page(head);
	if (!head) {
		if (idx >= mapping->size >> huge_shift(h))
			return VM_FAULT_SIGBUS;	/* beyond i_size */
		head = alloc_hugetlb_folio(vma, haddr, false);
		if (!head)
			return VM_FAULT_SIGBUS;	/* the pool is empty: -ENOSPC */
		clear_huge_page(m, h, head);
		SetPageUptodate(head);
		if (shared) {
			if (hugetlbfs_add_page(mapping, idx, head)) {
				restore_reserve_on_error(h, vma, haddr, head);
				put_page(m, head);
				return VM_FAULT_OOM;	/* no memory for the index */
			}
			head->private &= ~1UL;	/* the cache keeps the reservation */
		} else if (anon_vma_prepare(vma)) {
			restore_reserve_on_error(h, vma, haddr, head);
			put_page(m, head);
			return VM_FAULT_OOM;
		} else {
			anon = true;
		}
	}
	spin_lock(&mm->page_table_lock);
	if (pte_val(*ptep)) {
		spin_unlock(&mm->page_table_lock);
		if (anon)
			restore_reserve_on_error(h, vma, haddr, head);
		put_page(m, head);
		return 0;
	}
	if (anon)
		hugetlb_add_new_anon_rmap(head, vma, haddr);
	else
		head[1]._mapcount++;	/* hugetlb_add_file_rmap */
	/* A private write needs no second fault: the new page is exclusive (hugetlb_wp reuse). */
	*ptep = make_huge_pte(vma, head, shared || (anon && (flags & FAULT_FLAG_WRITE)));
	mm->hugetlb_usage += (long)pages_per_huge_page(h);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

unsigned int hugetlb_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			   unsigned long address, unsigned int flags)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long haddr = address & huge_page_mask(h);
	pte_t *ptep = huge_pte_alloc(mm, haddr, huge_page_size(h));
	pte_t entry;

	if (!ptep)
		return VM_FAULT_OOM;
	if (!pte_val(*ptep))
		return hugetlb_no_page(mm, vma, haddr, ptep, flags);
	spin_lock(&mm->page_table_lock);
	entry = *ptep;
	if ((flags & FAULT_FLAG_WRITE) && !pte_write(entry))
		return hugetlb_wp(mm, vma, haddr, ptep);
	/* huge_ptep_set_access_flags: only A (and D) change. */
	entry = pte_mkyoung(entry);
	if (flags & FAULT_FLAG_WRITE)
		entry = pte_mkdirty(entry);
	*ptep = entry;
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* fork                                                                    */
/* ---------------------------------------------------------------------- */

int copy_hugetlb_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct mm_struct *dst = dst_vma->vm_mm, *src = src_vma->vm_mm;
	struct machine *m = src->machine;
	struct hstate *h = hstate_vma(src_vma);
	unsigned long sz = huge_page_size(h);
	bool cow = (src_vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;

	for (unsigned long addr = src_vma->vm_start; addr < src_vma->vm_end; addr += sz) {
		pte_t *src_pte = huge_pte_offset(src, addr, sz), *dst_pte, entry;
		struct page *head;

		if (!src_pte || !pte_val(*src_pte))
			continue;
		dst_pte = huge_pte_alloc(dst, addr, sz);
		if (!dst_pte)
			return -ENOMEM;
		spin_lock(&src->page_table_lock);
		entry = *src_pte;
		head = leaf_page(m, entry);
		get_page(head);
		head[1]._mapcount++;	/* hugetlb_try_dup_anon_rmap: no pins, no early copy */
		if (PageAnon(head))
			ClearPageAnonExclusive(head);
		if (cow && pte_write(entry)) {
			entry = pte_wrprotect(entry);
			*src_pte = entry;	/* flushed by dup_mmap */
		}
		*dst_pte = entry;
		dst->hugetlb_usage += (long)pages_per_huge_page(h);
		spin_unlock(&src->page_table_lock);
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Zap                                                                     */
/* ---------------------------------------------------------------------- */

/*
 * One leaf into the gather. The owner of a private mapping that drops an
 * anonymous page gets its reservation back (6.9+: the page is marked to
 * restore it when freed, the index unconsumed), unless surplus pages exist.
 */
static void zap_huge_leaf(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *ptep,
			  unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct hstate *h = hstate_vma(vma);
	pte_t pte = *ptep;
	struct page *head = leaf_page(mm->machine, pte);
	struct resv_map *map = vma_resv_map(vma);

	*ptep = __pte(0);
	tlb_flush_pmd_range(tlb, addr, huge_page_size(h));	/* tlb_remove_huge_tlb_entry */
	if (pte_dirty(pte))
		SetPageDirty(head);
	mm->hugetlb_usage -= (long)pages_per_huge_page(h);
	head[1]._mapcount--;	/* hugetlb_remove_rmap */
	if (!h->surplus_huge_pages && map && is_vma_resv_set(vma, HPAGE_RESV_OWNER) &&
	    PageAnon(head)) {
		head->private |= 1UL;	/* HPG_restore_reserve */
		resv_map_clear(map, vma_hugecache_offset(h, vma, addr));
	}
	tlb_remove_page(tlb, head);
}

static void __unmap_hugepage_range_ref(struct mmu_gather *tlb, struct vm_area_struct *vma,
				       unsigned long start, unsigned long end,
				       struct page *ref_page)
{
	struct mm_struct *mm = vma->vm_mm;
	struct hstate *h = hstate_vma(vma);
	unsigned long sz = huge_page_size(h);

	start = max(start, vma->vm_start);
	end = min(end, vma->vm_end);
	for (unsigned long addr = start & huge_page_mask(h); addr < end; addr += sz) {
		pte_t *ptep = huge_pte_offset(mm, addr, sz);

		if (!ptep || !pte_val(*ptep))
			continue;
		if (ref_page) {
			if (leaf_page(mm->machine, *ptep) != ref_page)
				continue;
			/* Its later faults must fail rather than look like lost data. */
			vma->vm_private_data = (void *)((unsigned long)vma->vm_private_data |
							HPAGE_RESV_UNMAPPED);
		}
		spin_lock(&mm->page_table_lock);
		zap_huge_leaf(tlb, vma, ptep, addr);
		spin_unlock(&mm->page_table_lock);
	}
}

void __unmap_hugepage_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
			    unsigned long start, unsigned long end)
{
	__unmap_hugepage_range_ref(tlb, vma, start, end, NULL);
}

static void unmap_hugepage_range_ref(struct vm_area_struct *vma, unsigned long start,
				     unsigned long end, struct page *ref_page)
{
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, vma->vm_mm);
	__unmap_hugepage_range_ref(&tlb, vma, start, end, ref_page);
	tlb_finish_mmu(&tlb);
}

/* ---------------------------------------------------------------------- */
/* mprotect, mremap                                                        */
/* ---------------------------------------------------------------------- */

long hugetlb_change_protection(struct vm_area_struct *vma, unsigned long start,
			       unsigned long end, pgprot_t newprot)
{
	struct mm_struct *mm = vma->vm_mm;
	struct hstate *h = hstate_vma(vma);
	unsigned long sz = huge_page_size(h);
	long pages = 0;

	spin_lock(&mm->page_table_lock);
	for (unsigned long addr = start; addr < end; addr += sz) {
		pte_t *ptep = huge_pte_offset(mm, addr, sz);
		pte_t pte;

		if (!ptep || !pte_val(*ptep))
			continue;
		/* huge_pte_modify: the new rights, write only via a COW fault for private pages. */
		pte = pte_modify(*ptep, newprot);
		pte = pte_set_flags(pte, _PAGE_PSE);
		*ptep = pte;
		pages++;
	}
	spin_unlock(&mm->page_table_lock);
	/* flush_hugetlb_tlb_range, before anyone can rely on the lost rights. */
	if (pages)
		flush_hugetlb_tlb_range(vma, start, end);
	return pages << h->order;
}

unsigned long move_hugetlb_page_tables(struct vm_area_struct *vma, struct vm_area_struct *new_vma,
				       unsigned long old_addr, unsigned long new_addr,
				       unsigned long len)
{
	struct mm_struct *mm = vma->vm_mm;
	struct hstate *h = hstate_vma(vma);
	unsigned long sz = huge_page_size(h), off;
	bool moved = false;

	(void)new_vma;
	for (off = 0; off < len; off += sz) {
		pte_t *src = huge_pte_offset(mm, old_addr + off, sz), *dst;

		if (!src || !pte_val(*src))
			continue;
		dst = huge_pte_alloc(mm, new_addr + off, sz);
		if (!dst)
			break;
		spin_lock(&mm->page_table_lock);
		*dst = *src;	/* move_huge_pte */
		*src = __pte(0);
		spin_unlock(&mm->page_table_lock);
		moved = true;
	}
	if (moved)
		flush_hugetlb_tlb_range(vma, old_addr, old_addr + len);
	return off;
}

void clear_vma_resv_huge_pages(struct vm_area_struct *vma)
{
	struct resv_map *map = vma_resv_map(vma);

	if (map && is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		resv_map_put(vma->vm_mm->machine, map);
	hugetlb_dup_vma_private(vma);
}

/* ---------------------------------------------------------------------- */
/* mincore, populate, smaps, walks                                         */
/* ---------------------------------------------------------------------- */

void hugetlb_mincore(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		     unsigned char *vec)
{
	struct hstate *h = hstate_vma(vma);

	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = huge_pte_offset(vma->vm_mm, addr & huge_page_mask(h),
					      huge_page_size(h));

		*vec++ = ptep && pte_val(*ptep) ? 1 : 0;
	}
}

long hugetlb_populate(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		      bool write)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long sz = huge_page_size(h);
	unsigned int flags = write ? FAULT_FLAG_WRITE : 0;

	for (unsigned long addr = start; addr < end; addr = (addr & huge_page_mask(h)) + sz) {
		pte_t *ptep = huge_pte_offset(vma->vm_mm, addr & huge_page_mask(h), sz);
		unsigned int ret;

		/* follow_hugetlb_page: a leaf that grants the access needs no fault. */
		if (ptep && pte_present(*ptep) && (!write || pte_write(*ptep)))
			continue;
		ret = handle_mm_fault(vma, addr, flags);
		if (ret & VM_FAULT_OOM)
			return addr > start ? (long)((addr - start) >> PAGE_SHIFT) : -ENOMEM;
		if (ret & VM_FAULT_ERROR)
			return addr > start ? (long)((addr - start) >> PAGE_SHIFT) : -EFAULT;
	}
	return (long)((end - start) >> PAGE_SHIFT);
}

void hugetlb_smaps(struct vm_area_struct *vma, unsigned long *shared, unsigned long *priv)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long sz = huge_page_size(h);

	*shared = *priv = 0;
	for (unsigned long addr = vma->vm_start; addr < vma->vm_end; addr += sz) {
		pte_t *ptep = huge_pte_offset(vma->vm_mm, addr, sz);
		struct page *head;

		if (!ptep || !pte_present(*ptep))
			continue;
		head = leaf_page(vma->vm_mm->machine, *ptep);
		/* smaps_hugetlb_range: mapped more than once counts as shared. */
		if (hugetlb_mapcount(head) >= 2)
			*shared += sz;
		else
			*priv += sz;
	}
}

void hugetlb_walk_leaves(struct mm_struct *mm,
			 void (*fn)(void *arg, struct vm_area_struct *vma, unsigned long addr,
				    pte_t pte),
			 void *arg)
{
	struct vm_area_struct *vma;

	for_each_vma(mm, vma) {
		struct hstate *h;
		unsigned long sz;

		if (!is_vm_hugetlb_page(vma))
			continue;
		h = hstate_vma(vma);
		sz = huge_page_size(h);
		for (unsigned long addr = vma->vm_start; addr < vma->vm_end; addr += sz) {
			pte_t *ptep = huge_pte_offset(mm, addr, sz);

			if (ptep && pte_val(*ptep))
				fn(arg, vma, addr, *ptep);
		}
	}
}
