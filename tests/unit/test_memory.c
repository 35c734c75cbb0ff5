/*
 * test_memory.c - page faults, COW, fork's page-table copy, zap and GUP
 * populate (mm/memory.c, mm/gup.c, mm/mmu_gather.c), and the shmem objects
 * behind shared mappings (mm/shmem.c).
 *
 * Address spaces are made by hand: mms from mm_alloc, VMAs linked with
 * vma_link, faults by calling handle_mm_fault directly (the MMU is
 * another module's), fork as dup_mmap does it (vm_area_dup, anon_vma_fork,
 * copy_page_range, one flush of the parent) and tear-down as exit_mmap
 * does (unmap_vmas, free_pgtables). A task on the stack stands for
 * m->current so fault accounting can be checked. After each step the
 * page-level invariants are checked with validate_user_pages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "harness.h"
#include "memory.h"
#include "mm.h"
#include "mman.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"

#define BASE		0x10000000UL
#define PRIV_RW		(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define PRIV_RO		(VM_READ | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define SHARED_RW	(VM_READ | VM_WRITE | VM_SHARED | VM_MAYREAD | VM_MAYWRITE | \
			 VM_MAYSHARE | VM_MAYEXEC)

struct env {
	struct machine *m;
	struct task_struct task;	/* m->current while faults run */
	bool own_tlb;			/* tlb_init was ours: boot does not do it yet */
};

static struct env *env_boot(const char *opts)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->m = test_boot(opts);
	if (!e->m->init_mm)		/* until boot does it */
		assert_int_equal(paging_init(e->m), 0);
	if (!e->m->tlbstate) {
		assert_int_equal(tlb_init(e->m), 0);
		e->own_tlb = true;
	}
	e->task.pid = 1;
	e->task.machine = e->m;
	e->m->current = &e->task;
	return e;
}

static void env_done(struct env *e)
{
	e->m->current = NULL;
	if (e->own_tlb)
		tlb_exit(e->m);
	mmsim_shutdown(e->m);
	free(e);
}

/* validate_rmap wants at least one anon_vma (its census sorts a NULL array otherwise). */
static bool any_anon_vma(struct machine *m)
{
	struct mm_struct *mm;
	struct vm_area_struct *vma;

	list_for_each_entry(mm, &m->mm_list, mmlist)
		for_each_vma(mm, vma)
			if (vma->anon_vma)
				return true;
	return false;
}

static void check_pages(struct machine *m)
{
	assert_int_equal(validate_user_pages(m), 0);
	if (any_anon_vma(m))
		assert_int_equal(validate_rmap(m), 0);
}

static struct mm_struct *new_mm(struct machine *m)
{
	struct mm_struct *mm = mm_alloc(m);

	assert_non_null(mm);
	return mm;
}

static struct vm_area_struct *add_vma(struct mm_struct *mm, unsigned long start,
				      unsigned long npages, vm_flags_t flags, struct file *file)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	assert_non_null(vma);
	vma->vm_start = start;
	vma->vm_end = start + (npages << PAGE_SHIFT);
	vma->vm_pgoff = file ? 0 : start >> PAGE_SHIFT;
	vma->vm_flags = flags;
	vma->vm_page_prot = vm_get_page_prot(flags);
	vma->vm_file = file;
	if (file)
		get_file(file);
	vma_link(mm, vma);
	vm_stat_account(mm, flags, (long)npages);
	return vma;
}

static vm_fault_t fault(struct vm_area_struct *vma, unsigned long addr, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	vm_fault_t ret;

	spin_lock(&mm->mmap_lock);
	ret = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE | FAULT_FLAG_USER : FAULT_FLAG_USER);
	spin_unlock(&mm->mmap_lock);
	return ret;
}

static pte_t pte_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t *pte = walk_pte(mm, addr);

	return pte ? *pte : __pte(0);
}

static struct page *page_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = pte_at(mm, addr);

	assert_true(pte_present(pte));
	return pfn_to_page(mm->machine, pte_pfn(pte));
}

static unsigned char *bytes_at(struct mm_struct *mm, unsigned long addr)
{
	return page_address(mm->machine, page_at(mm, addr));
}

/* dup_mmap for hand-made mms: each VMA, its rmap and its page tables. */
static struct mm_struct *fork_mm(struct mm_struct *parent)
{
	struct mm_struct *child = new_mm(parent->machine);
	struct vm_area_struct *vma;

	spin_lock(&parent->mmap_lock);
	for_each_vma(parent, vma) {
		struct vm_area_struct *tmp = vm_area_dup(vma);

		assert_non_null(tmp);
		tmp->vm_mm = child;
		assert_int_equal(anon_vma_fork(tmp, vma), 0);
		if (tmp->vm_file)
			get_file(tmp->vm_file);
		vma_link(child, tmp);
		vm_stat_account(child, tmp->vm_flags, (long)vma_pages(tmp));
		assert_int_equal(copy_page_range(tmp, vma), 0);
	}
	flush_tlb_mm(parent);
	spin_unlock(&parent->mmap_lock);
	return child;
}

/* exit_mmap for hand-made mms. */
static void teardown_mm(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	struct vm_area_struct *vma = vma_first(mm), *next;
	struct mmu_gather tlb;

	spin_lock(&mm->mmap_lock);
	if (vma) {
		tlb_gather_mmu_fullmm(&tlb, mm);
		unmap_vmas(&tlb, vma, 0, ~0UL);
		free_pgtables(&tlb, vma, 0, 0);
		tlb_finish_mmu(&tlb);
	}
	for (vma = vma_first(mm); vma; vma = next) {
		next = vma_next(vma);
		unlink_anon_vmas(vma);
		vma_unlink(mm, vma);
		vm_stat_account(mm, vma->vm_flags, -(long)vma_pages(vma));
		if (vma->vm_file)
			fput(m, vma->vm_file);
		vm_area_free(vma);
	}
	spin_unlock(&mm->mmap_lock);
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		assert_int_equal(mm->rss_stat[i], 0);
	assert_int_equal(mm->pgtables_bytes, 0);
	mm->mm_users = 0;
	mmdrop(mm);
}

static unsigned long event(struct machine *m, enum vm_event_item i)
{
	return m->vm_events[i];
}

/* ---------------------------------------------------------------------- */

/* A read fault maps the zero page; the write that follows copies it. */
static void test_anon_read_then_write(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct mm_struct *mm = new_mm(m);
	struct vm_area_struct *vma = add_vma(mm, BASE, 16, PRIV_RW, NULL);
	unsigned long pgfault = event(m, PGFAULT);
	long anon = global_node_page_state(m, NR_ANON_PAGES);
	struct page *page;
	pte_t pte;

	(void)state;
	assert_int_equal(fault(vma, BASE + 5, false), 0);
	pte = pte_at(mm, BASE);
	assert_true(pte_present(pte) && pte_special(pte) && !pte_write(pte));
	assert_int_equal(pte_pfn(pte), m->zero_pfn);
	assert_int_equal(get_mm_rss(mm), 0);
	assert_int_equal(e->task.min_flt, 1);
	assert_int_equal(event(m, PGFAULT), pgfault + 1);
	assert_null(vma->anon_vma);	/* the zero page needs no anon_vma */
	check_pages(m);

	/* The write: a fresh zeroed page, writable and dirty, ours alone. */
	assert_int_equal(fault(vma, BASE, true), 0);
	pte = pte_at(mm, BASE);
	assert_true(pte_write(pte) && pte_dirty(pte) && pte_young(pte) && !pte_special(pte));
	page = page_at(mm, BASE);
	lru_add_drain(m);	/* the LRU batch's reference goes, PG_lru comes */
	assert_int_equal(page_ref_count(page), 1);
	assert_int_equal(page_mapcount(page), 1);
	assert_true(PageAnon(page) && PageAnonExclusive(page) && PageLRU(page));
	assert_non_null(vma->anon_vma);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 1);
	assert_int_equal(global_node_page_state(m, NR_ANON_PAGES), anon + 1);
	assert_int_equal(e->task.min_flt, 2);
	for (int i = 0; i < (int)PAGE_SIZE; i++)
		assert_int_equal(bytes_at(mm, BASE)[i], 0);
	check_pages(m);

	/* A write fault on a writable pte only sets the bits (spurious). */
	assert_int_equal(fault(vma, BASE, true), 0);
	assert_ptr_equal(page_at(mm, BASE), page);
	assert_int_equal(e->task.min_flt, 3);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 1);

	teardown_mm(mm);
	assert_int_equal(global_node_page_state(m, NR_ANON_PAGES), anon);
	check_machine(m);
	env_done(e);
}

/* A first write maps a new page at once; zero_page=false maps one on a read too. */
static void test_anon_write_and_no_zero_page(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2 zero_page=false");
	struct machine *m = e->m;
	struct mm_struct *mm = new_mm(m);
	struct vm_area_struct *rw = add_vma(mm, BASE, 4, PRIV_RW, NULL);
	struct vm_area_struct *ro = add_vma(mm, BASE + 0x100000, 4, PRIV_RO, NULL);
	pte_t pte;

	(void)state;
	/* read then write on rw: one fault, as the host without a zero page does */
	assert_int_equal(fault(rw, BASE, false), 0);
	pte = pte_at(mm, BASE);
	assert_true(pte_write(pte) && pte_dirty(pte) && !pte_special(pte));
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 1);
	/* read on a read-only VMA: a private page, read-only and clean */
	assert_int_equal(fault(ro, BASE + 0x100000, false), 0);
	pte = pte_at(mm, BASE + 0x100000);
	assert_true(pte_present(pte) && !pte_write(pte) && !pte_dirty(pte));
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 2);
	assert_int_equal(e->task.min_flt, 2);
	check_pages(m);
	teardown_mm(mm);
	env_done(e);
}

/* fork shares pages write-protected; the child's write copies, the parent's reuses. */
static void test_cow_after_fork(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct mm_struct *parent = new_mm(m), *child;
	struct vm_area_struct *pv = add_vma(parent, BASE, 8, PRIV_RW, NULL), *cv;
	unsigned long reuse;
	struct page *page, *copy;

	(void)state;
	for (int i = 0; i < 8; i++)
		assert_int_equal(fault(pv, BASE + i * PAGE_SIZE, true), 0);
	memset(bytes_at(parent, BASE), 0xab, PAGE_SIZE);
	page = page_at(parent, BASE);

	child = fork_mm(parent);
	cv = vma_first(child);
	assert_non_null(cv->anon_vma);
	assert_false(pte_write(pte_at(parent, BASE)));
	assert_true(pte_dirty(pte_at(parent, BASE)));
	assert_false(pte_write(pte_at(child, BASE)));
	assert_false(pte_young(pte_at(child, BASE)));	/* the child's ptes are old */
	assert_ptr_equal(page_at(child, BASE), page);
	lru_add_drain_all(parent->machine);	/* the LRU batches' references go first */
	assert_int_equal(page_ref_count(page), 2);
	assert_int_equal(page_mapcount(page), 2);
	assert_false(PageAnonExclusive(page));
	assert_int_equal(get_mm_counter(child, MM_ANONPAGES), 8);
	assert_int_equal(child->pgtables_bytes, parent->pgtables_bytes);
	check_pages(m);

	/* child writes: a copy with the same bytes; the parent's page loses a mapping */
	assert_int_equal(fault(cv, BASE, true), 0);
	copy = page_at(child, BASE);
	assert_ptr_not_equal(copy, page);
	assert_true(pte_write(pte_at(child, BASE)));
	assert_int_equal(bytes_at(child, BASE)[100], 0xab);
	lru_add_drain_all(m);	/* the copy's LRU batch reference goes */
	assert_int_equal(page_ref_count(page), 1);
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(page_ref_count(copy), 1);
	assert_true(PageAnonExclusive(copy));
	bytes_at(child, BASE)[100] = 0xcd;
	assert_int_equal(bytes_at(parent, BASE)[100], 0xab);
	check_pages(m);

	/* parent writes: refcount 1 -> reuse in place, no copy */
	reuse = event(m, PGREUSE);
	assert_int_equal(fault(pv, BASE, true), 0);
	assert_ptr_equal(page_at(parent, BASE), page);
	assert_true(pte_write(pte_at(parent, BASE)));
	assert_true(PageAnonExclusive(page));
	assert_int_equal(event(m, PGREUSE), reuse + 1);
	check_pages(m);

	/* parent writes a page still shared: refcount 2 -> copy */
	page = page_at(parent, BASE + PAGE_SIZE);
	assert_int_equal(fault(pv, BASE + PAGE_SIZE, true), 0);
	assert_ptr_not_equal(page_at(parent, BASE + PAGE_SIZE), page);
	assert_ptr_equal(page_at(child, BASE + PAGE_SIZE), page);
	assert_int_equal(page_ref_count(page), 1);
	assert_int_equal(get_mm_counter(parent, MM_ANONPAGES), 8);
	assert_int_equal(get_mm_counter(child, MM_ANONPAGES), 8);
	check_pages(m);

	teardown_mm(child);
	check_pages(m);
	/* the child gone, the parent's remaining shared pages are its alone: reuse */
	page = page_at(parent, BASE + 2 * PAGE_SIZE);
	assert_int_equal(fault(pv, BASE + 2 * PAGE_SIZE, true), 0);
	assert_ptr_equal(page_at(parent, BASE + 2 * PAGE_SIZE), page);
	teardown_mm(parent);
	check_machine(m);
	env_done(e);
}

/* The zero page through fork: shared by ptes, counted nowhere; a write gets a zeroed page. */
static void test_zero_page_fork(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct mm_struct *parent = new_mm(m), *child;
	struct vm_area_struct *pv = add_vma(parent, BASE, 2, PRIV_RW, NULL);

	(void)state;
	assert_int_equal(fault(pv, BASE, false), 0);		/* zero page */
	assert_int_equal(fault(pv, BASE + PAGE_SIZE, true), 0);	/* gives an anon_vma */
	child = fork_mm(parent);
	assert_int_equal(pte_pfn(pte_at(child, BASE)), m->zero_pfn);
	assert_int_equal(get_mm_rss(child), 1);
	assert_int_equal(fault(vma_first(child), BASE, true), 0);
	assert_int_not_equal(pte_pfn(pte_at(child, BASE)), m->zero_pfn);
	assert_int_equal(bytes_at(child, BASE)[7], 0);
	assert_int_equal(get_mm_rss(child), 2);
	check_pages(m);
	teardown_mm(child);
	teardown_mm(parent);
	env_done(e);
}

/* VMAs without an anon_vma (nothing private faulted) are not copied: the child refaults. */
static void test_fork_skips_vmas_without_anon_vma(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct mm_struct *parent = new_mm(m), *child;
	struct vm_area_struct *pv = add_vma(parent, BASE, 4, PRIV_RW, NULL);

	(void)state;
	assert_int_equal(fault(pv, BASE, false), 0);	/* zero page only: no anon_vma */
	child = fork_mm(parent);
	assert_true(pte_none(pte_at(child, BASE)));
	assert_int_equal(child->pgtables_bytes, 0);
	check_pages(m);
	teardown_mm(child);
	teardown_mm(parent);
	env_done(e);
}

/* Tear-down gives back every page (user pages, tables, batch pages). */
static void cycle(struct env *e, unsigned long npages)
{
	struct mm_struct *parent = new_mm(e->m), *child;
	struct vm_area_struct *pv = add_vma(parent, BASE, npages, PRIV_RW, NULL);

	for (unsigned long i = 0; i < npages; i++)
		assert_int_equal(fault(pv, BASE + i * PAGE_SIZE, i % 3 != 0), 0);
	child = fork_mm(parent);
	for (unsigned long i = 0; i < npages; i += 2)
		assert_int_equal(fault(vma_first(child), BASE + i * PAGE_SIZE, true), 0);
	check_pages(e->m);
	teardown_mm(parent);
	teardown_mm(child);
}

static void test_zap_frees_everything(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	long free0, anon0 = global_node_page_state(m, NR_ANON_PAGES);

	(void)state;
	cycle(e, 12000);	/* warm the slab caches up to the size measured below */
	lru_add_drain_all(m);	/* pages held by LRU batches are freed now */
	drain_all_pages(m, NULL);
	free0 = test_free_pages(m);
	/* 12000 pages: more than one mmu_gather holds, so it flushes early */
	cycle(e, 12000);
	lru_add_drain_all(m);
	drain_all_pages(m, NULL);
	assert_int_equal(test_free_pages(m), free0);
	assert_int_equal(global_node_page_state(m, NR_ANON_PAGES), anon0);
	check_machine(m);
	env_done(e);
}

/* MADV_DONTNEED's zap: ptes and pages go, tables and hiwater stay. */
static void test_zap_page_range_single(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct mm_struct *mm = new_mm(m);
	struct vm_area_struct *vma = add_vma(mm, BASE, 32, PRIV_RW, NULL);
	long pte_bytes;

	(void)state;
	for (int i = 0; i < 32; i++)
		assert_int_equal(fault(vma, BASE + i * PAGE_SIZE, true), 0);
	pte_bytes = mm->pgtables_bytes;
	spin_lock(&mm->mmap_lock);
	zap_page_range_single(vma, BASE + 8 * PAGE_SIZE, 16 * PAGE_SIZE);
	spin_unlock(&mm->mmap_lock);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 16);
	assert_int_equal(mm->hiwater_rss, 32);
	assert_int_equal(mm->pgtables_bytes, pte_bytes);
	assert_true(pte_none(pte_at(mm, BASE + 8 * PAGE_SIZE)));
	assert_true(pte_present(pte_at(mm, BASE + 24 * PAGE_SIZE)));
	check_pages(m);
	/* refault: a fresh zeroed page */
	assert_int_equal(fault(vma, BASE + 8 * PAGE_SIZE, false), 0);
	assert_int_equal(pte_pfn(pte_at(mm, BASE + 8 * PAGE_SIZE)), m->zero_pfn);
	teardown_mm(mm);
	env_done(e);
}

/* The validator sees a mapcount or RSS that does not match the ptes. */
static void test_validate_catches_breakage(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct mm_struct *mm = new_mm(m);
	struct vm_area_struct *vma = add_vma(mm, BASE, 4, PRIV_RW, NULL);
	struct page *page;

	(void)state;
	assert_int_equal(fault(vma, BASE, true), 0);
	assert_int_equal(validate_user_pages(m), 0);
	page = page_at(mm, BASE);
	page->_mapcount++;
	assert_true(validate_user_pages(m) > 0);
	page->_mapcount--;
	mm->rss_stat[MM_ANONPAGES]++;
	assert_true(validate_user_pages(m) > 0);
	mm->rss_stat[MM_ANONPAGES]--;
	ClearPageAnonExclusive(page);	/* writable but shared: COW would be broken */
	assert_true(validate_user_pages(m) > 0);
	SetPageAnonExclusive(page);
	assert_int_equal(validate_user_pages(m), 0);
	teardown_mm(mm);
	env_done(e);
}

/* Shared anonymous memory: shmem pages, fault-around for readers, no copy at fork. */
static void test_shmem_shared_mapping(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct file *f = shmem_file_setup(m, "/dev/zero (deleted)", 64 * PAGE_SIZE);
	struct mm_struct *a = new_mm(m), *b;
	struct vm_area_struct *va, *vb;
	long shmem0 = global_node_page_state(m, NR_SHMEM);
	long file0 = global_node_page_state(m, NR_FILE_PAGES);
	unsigned long pgfault;
	struct page *page;

	(void)state;
	assert_false(IS_ERR_OR_NULL(f));
	va = add_vma(a, BASE, 64, SHARED_RW, f);
	fput(m, f);	/* the VMA holds its own reference */
	for (int i = 0; i < 16; i++)
		assert_int_equal(fault(va, BASE + i * PAGE_SIZE, true), 0);
	page = page_at(a, BASE);
	lru_add_drain_all(m);	/* the LRU batch's reference goes */
	assert_int_equal(page_ref_count(page), 2);	/* cache + pte */
	assert_int_equal(page_mapcount(page), 1);
	assert_true(PageSwapBacked(page) && PageDirty(page) && !PageAnon(page));
	assert_true(pte_write(pte_at(a, BASE)) && pte_dirty(pte_at(a, BASE)));
	assert_int_equal(get_mm_counter(a, MM_SHMEMPAGES), 16);
	assert_int_equal(global_node_page_state(m, NR_SHMEM), shmem0 + 16);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), file0 + 16);
	assert_int_equal(e->task.min_flt, 16);
	bytes_at(a, BASE + 3 * PAGE_SIZE)[9] = 0x5a;
	check_pages(m);

	/* fork: no anon_vma, so no ptes are copied */
	b = fork_mm(a);
	vb = vma_first(b);
	assert_true(pte_none(pte_at(b, BASE)));
	/* one read maps the whole 64 KiB window from the cache (fault-around) */
	pgfault = event(m, PGFAULT);
	assert_int_equal(fault(vb, BASE + 5 * PAGE_SIZE, false), VM_FAULT_NOPAGE);
	assert_int_equal(event(m, PGFAULT), pgfault + 1);
	assert_int_equal(e->task.min_flt, 17);
	assert_int_equal(get_mm_counter(b, MM_SHMEMPAGES), 16);
	assert_int_equal(page_mapcount(page), 2);
	assert_int_equal(page_ref_count(page), 3);
	assert_int_equal(bytes_at(b, BASE + 3 * PAGE_SIZE)[9], 0x5a);
	/* the reader's ptes are writable (shared), and dirty where the page is */
	assert_true(pte_write(pte_at(b, BASE)) && pte_dirty(pte_at(b, BASE)));
	assert_false(pte_dirty(pte_at(b, BASE + 20 * PAGE_SIZE)) && pte_present(pte_at(b, BASE + 20 * PAGE_SIZE)));
	/* a page not in the cache: the read allocates it, maps just it */
	assert_int_equal(fault(vb, BASE + 40 * PAGE_SIZE, false), 0);
	assert_int_equal(get_mm_counter(b, MM_SHMEMPAGES), 17);
	assert_int_equal(global_node_page_state(m, NR_SHMEM), shmem0 + 17);
	check_pages(m);

	teardown_mm(a);
	assert_int_equal(global_node_page_state(m, NR_SHMEM), shmem0 + 17);	/* b keeps it */
	teardown_mm(b);
	assert_int_equal(global_node_page_state(m, NR_SHMEM), shmem0);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), file0);
	check_machine(m);
	env_done(e);
}

/* A private mapping of a shmem object: reads share the cache page, writes copy it. */
static void test_private_file_mapping(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct file *f = shmem_file_setup(m, "/usr/bin/prog", 8 * PAGE_SIZE + 100);
	struct mm_struct *mm = new_mm(m);
	struct vm_area_struct *vma;
	struct page *cache;
	unsigned long pgfault;
	int err;

	(void)state;
	assert_false(IS_ERR_OR_NULL(f));
	cache = shmem_get_page(f->f_mapping, 2, true, &err);
	assert_non_null(cache);
	memset(page_address(m, cache), 0x77, PAGE_SIZE);
	put_page(m, cache);
	vma = add_vma(mm, BASE, 16, PRIV_RW, f);

	/* read: the cache page itself (mapped by fault-around), read-only, shmem */
	assert_int_equal(fault(vma, BASE + 2 * PAGE_SIZE, false), VM_FAULT_NOPAGE);
	assert_ptr_equal(page_at(mm, BASE + 2 * PAGE_SIZE), cache);
	assert_false(pte_write(pte_at(mm, BASE + 2 * PAGE_SIZE)));
	assert_int_equal(get_mm_counter(mm, MM_SHMEMPAGES), 1);
	/* write: a private copy; the file page is left alone */
	assert_int_equal(fault(vma, BASE + 2 * PAGE_SIZE, true), 0);
	assert_ptr_not_equal(page_at(mm, BASE + 2 * PAGE_SIZE), cache);
	assert_int_equal(bytes_at(mm, BASE + 2 * PAGE_SIZE)[5], 0x77);
	assert_int_equal(get_mm_counter(mm, MM_SHMEMPAGES), 0);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 1);
	assert_int_equal(page_mapcount(cache), 0);
	lru_add_drain_all(m);	/* the LRU batch's reference goes */
	assert_int_equal(page_ref_count(cache), 1);
	/* first touch is a write: do_cow_fault, the cache gets the page too */
	assert_int_equal(fault(vma, BASE + 4 * PAGE_SIZE, true), 0);
	assert_true(PageAnon(page_at(mm, BASE + 4 * PAGE_SIZE)));
	assert_int_equal(f->f_mapping->nrpages, 2);
	check_pages(m);
	/* beyond i_size (9 pages): SIGBUS, counted in pgfault but not min_flt */
	pgfault = event(m, PGFAULT);
	unsigned long minflt = e->task.min_flt;
	assert_int_equal(fault(vma, BASE + 9 * PAGE_SIZE, false), VM_FAULT_SIGBUS);
	assert_int_equal(event(m, PGFAULT), pgfault + 1);
	assert_int_equal(e->task.min_flt, minflt);
	fput(m, f);
	teardown_mm(mm);
	check_machine(m);
	env_done(e);
}

/* shmem objects: the index, truncation, punch holes. */
static void shmem_object_round(struct machine *m)
{
	unsigned long size = 1UL << 40;	/* a sparse terabyte: a tall index */
	struct file *f = shmem_file_setup(m, "obj", size), *g;
	struct address_space *mapping = f->f_mapping;
	unsigned long idx[] = { 0, 1, 63, 64, 4095, 4096, 262143, 262144, (size >> PAGE_SHIFT) - 1 };
	struct page *p;
	int err;

	assert_false(IS_ERR_OR_NULL(f));
	assert_string_equal(f->path, "obj");
	assert_int_equal(f->dev_major, 0);
	assert_int_equal(f->dev_minor, 1);
	g = shmem_file_setup(m, "x", 0);
	assert_int_equal(g->f_mapping->ino, mapping->ino + 1);
	fput(m, g);
	for (size_t i = 0; i < ARRAY_SIZE(idx); i++) {
		p = shmem_get_page(mapping, idx[i], true, &err);
		assert_non_null(p);
		assert_int_equal(p->index, idx[i]);
		assert_ptr_equal(p->mapping, mapping);
		lru_add_drain_all(m);	/* the LRU batch's reference goes */
		assert_int_equal(page_ref_count(p), 2);
		put_page(m, p);
	}
	assert_int_equal(mapping->nrpages, ARRAY_SIZE(idx));
	assert_null(shmem_get_page(mapping, size >> PAGE_SHIFT, true, &err));
	assert_int_equal(err, -EINVAL);
	assert_null(shmem_get_page(mapping, 5, false, &err));
	assert_int_equal(err, 0);
	for (size_t i = 0; i < ARRAY_SIZE(idx); i++) {
		p = shmem_get_page(mapping, idx[i], false, NULL);
		assert_non_null(p);
		assert_int_equal(p->index, idx[i]);
		put_page(m, p);
	}
	shmem_punch_hole(mapping, 63, 4096);	/* drops 63, 64, 4095 */
	assert_int_equal(mapping->nrpages, ARRAY_SIZE(idx) - 3);
	assert_null(shmem_get_page(mapping, 64, false, NULL));
	p = shmem_get_page(mapping, 4096, false, NULL);
	assert_non_null(p);
	put_page(m, p);
	shmem_truncate_range(mapping, 262144);	/* drops the last two */
	assert_int_equal(mapping->nrpages, 4);
	fput(m, f);
}

static void test_shmem_object(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	long free0, file0;

	(void)state;
	shmem_object_round(m);	/* warm the slab caches up */
	drain_all_pages(m, NULL);
	free0 = test_free_pages(m);
	file0 = global_node_page_state(m, NR_FILE_PAGES);
	shmem_object_round(m);
	drain_all_pages(m, NULL);
	assert_int_equal(test_free_pages(m), free0);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), file0);
	check_machine(m);
	env_done(e);
}

/* GUP populate: private writable ranges are write-faulted, read-only ones read. */
static void test_populate(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	struct mm_struct *mm = new_mm(m);
	struct vm_area_struct *rw = add_vma(mm, BASE, 100, PRIV_RW, NULL);
	struct vm_area_struct *ro = add_vma(mm, BASE + 0x100000, 10, PRIV_RO, NULL);
	struct vm_area_struct *none = add_vma(mm, BASE + 0x200000, 10,
					      VM_MAYREAD | VM_MAYWRITE, NULL);
	struct vm_area_struct *lof = add_vma(mm, BASE + 0x300000, 10,
					     PRIV_RW | VM_LOCKED | VM_LOCKONFAULT, NULL);
	unsigned long activate0;
	struct page *page;

	(void)state;
	(void)rw;
	(void)none;
	(void)lof;
	assert_int_equal(mm_populate(mm, BASE, 100 * PAGE_SIZE, false), 0);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 100);
	assert_int_equal(e->task.min_flt, 100);
	for (int i = 0; i < 100; i++)
		assert_true(pte_write(pte_at(mm, BASE + i * PAGE_SIZE)));
	/* GUP touches the page, not the pte: referenced... */
	page = page_at(mm, BASE);
	assert_true(PageReferenced(page) && !PageActive(page));
	activate0 = event(m, PGACTIVATE);
	/* again: no faults, but the second touch activates (as the host shows) */
	assert_int_equal(mm_populate(mm, BASE, 100 * PAGE_SIZE, false), 0);
	assert_int_equal(e->task.min_flt, 100);
	lru_add_drain_all(m);	/* the last activations wait in a per-CPU batch */
	assert_true(!PageReferenced(page) && PageActive(page) && PageLRU(page));
	/*
	 * The first pass's last 100 % 31 = 7 pages were still in the lru_add
	 * batch: __lru_cache_activate_folio marks them active there, and
	 * they join the active list with no pgactivate (Linux's own count).
	 */
	assert_int_equal(event(m, PGACTIVATE), activate0 + 93);
	assert_true(PageActive(page_at(mm, BASE + 99 * PAGE_SIZE)));
	/* read-only: the zero page, no RSS */
	assert_int_equal(mm_populate(mm, ro->vm_start, 10 * PAGE_SIZE, false), 0);
	assert_int_equal(e->task.min_flt, 110);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 100);
	assert_int_equal(pte_pfn(pte_at(mm, ro->vm_start)), m->zero_pfn);
	/* PROT_NONE fails the call, unless errors are ignored; lock-on-fault is left alone */
	assert_int_equal(mm_populate(mm, BASE + 0x200000, 0x200000, false), -EFAULT);
	assert_int_equal(mm_populate(mm, BASE + 0x200000, 0x200000, true), 0);
	assert_true(pte_none(pte_at(mm, BASE + 0x300000)));
	assert_int_equal(e->task.min_flt, 110);
	check_pages(m);
	teardown_mm(mm);
	env_done(e);
}

/* metadata-only: faults, COW and zap keep every count; no bytes are touched. */
static void test_metadata_only(void **state)
{
	struct env *e = env_boot("mem=256M cpus=2 metadata_only=true");
	struct machine *m = e->m;

	(void)state;
	cycle(e, 600);
	check_machine(m);
	env_done(e);
}

/* ---------------------------------------------------------------------- */
/* Fault sweep: fail the Nth page or slab allocation of a whole workload   */
/* ---------------------------------------------------------------------- */

/* add_vma that may meet an injected failure (NULL). */
static struct vm_area_struct *try_add_vma(struct mm_struct *mm, unsigned long start,
					  unsigned long npages, vm_flags_t flags, struct file *file)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	if (!vma)
		return NULL;
	vma->vm_start = start;
	vma->vm_end = start + (npages << PAGE_SHIFT);
	vma->vm_pgoff = file ? 0 : start >> PAGE_SHIFT;
	vma->vm_flags = flags;
	vma->vm_page_prot = vm_get_page_prot(flags);
	vma->vm_file = file;
	if (file)
		get_file(file);
	vma_link(mm, vma);
	vm_stat_account(mm, flags, (long)npages);
	return vma;
}

/* dup_mmap's loop, stopping at the first failure as Linux's does. */
static struct mm_struct *try_fork_mm(struct mm_struct *parent)
{
	struct mm_struct *child = mm_alloc(parent->machine);
	struct vm_area_struct *vma;

	if (!child)
		return NULL;
	spin_lock(&parent->mmap_lock);
	for_each_vma(parent, vma) {
		struct vm_area_struct *tmp = vm_area_dup(vma);

		if (!tmp)
			break;
		tmp->vm_mm = child;
		if (anon_vma_fork(tmp, vma)) {
			vm_area_free(tmp);
			break;
		}
		if (tmp->vm_file)
			get_file(tmp->vm_file);
		vma_link(child, tmp);
		vm_stat_account(child, tmp->vm_flags, (long)vma_pages(tmp));
		if (copy_page_range(tmp, vma))
			break;
	}
	flush_tlb_mm(parent);
	spin_unlock(&parent->mmap_lock);
	return child;
}

/* Every fault either succeeds or fails with VM_FAULT_OOM; nothing else. */
static void touch_range(struct vm_area_struct *vma, unsigned long npages, bool write)
{
	for (unsigned long i = 0; i < npages; i++) {
		vm_fault_t ret = fault(vma, vma->vm_start + i * PAGE_SIZE, write);

		assert_true(ret == 0 || ret == VM_FAULT_NOPAGE || ret == VM_FAULT_OOM);
	}
}

/* A workload touching every path here; any allocation in it may fail. */
static void sweep_workload(struct machine *m)
{
	struct mm_struct *parent = mm_alloc(m), *child = NULL;
	struct vm_area_struct *anon, *shared = NULL, *cv;
	struct file *f;

	if (!parent)
		return;
	anon = try_add_vma(parent, BASE, 24, PRIV_RW, NULL);
	f = shmem_file_setup(m, "/dev/zero (deleted)", 24 * PAGE_SIZE);
	if (!IS_ERR(f)) {
		shared = try_add_vma(parent, BASE + 0x400000, 24, SHARED_RW, f);
		fput(m, f);
	}
	if (anon)
		touch_range(anon, 24, true);
	if (shared)
		touch_range(shared, 12, true);
	child = try_fork_mm(parent);
	if (child) {
		for_each_vma(child, cv)
			touch_range(cv, vma_pages(cv), !(cv->vm_flags & VM_SHARED));
		check_pages(m);
		teardown_mm(child);
	}
	if (anon) {
		spin_lock(&parent->mmap_lock);
		populate_vma_page_range(anon, anon->vm_start, anon->vm_end, false);
		spin_unlock(&parent->mmap_lock);
	}
	check_pages(m);
	teardown_mm(parent);
}

static long sweep_pages_in_use(struct machine *m)
{
	lru_add_drain_all(m);	/* pages the LRU batches still hold */
	drain_all_pages(m, NULL);
	return test_free_pages(m) + global_node_page_state_pages(m, NR_SLAB_UNRECLAIMABLE_B) +
	       global_node_page_state_pages(m, NR_SLAB_RECLAIMABLE_B);
}

static void fault_sweep(enum fail_kind kind)
{
	struct env *e = env_boot("mem=256M cpus=2");
	struct machine *m = e->m;
	long base;
	unsigned long n;

	sweep_workload(m);	/* warm the slab caches up */
	base = sweep_pages_in_use(m);
	for (n = 1;; n++) {
		unsigned long injected = m->fail.injected[kind];

		m->fail.nth[kind] = n;
		m->fail.count[kind] = 0;
		m->fail.repeat[kind] = false;
		sweep_workload(m);
		m->fail.nth[kind] = 0;
		assert_true(list_empty(&m->mm_list));
		assert_int_equal(sweep_pages_in_use(m), base);
		assert_int_equal(global_node_page_state(m, NR_SHMEM), 0);
		check_machine(m);
		if (m->fail.injected[kind] == injected)
			break;	/* the workload made fewer than n allocations */
	}
	/*
	 * the sweep did sweep: the workload makes 84 page and 14 slab
	 * allocations (fewer slab ones in the rmap designs without anon_vmas)
	 */
	assert_true(n > (kind == FAIL_PAGE_ALLOC ? 60 : 6));
	env_done(e);
}

static void test_fault_sweep_pages(void **state)
{
	(void)state;
	fault_sweep(FAIL_PAGE_ALLOC);
}

static void test_fault_sweep_slab(void **state)
{
	(void)state;
	fault_sweep(FAIL_SLAB_ALLOC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_read_then_write),
		cmocka_unit_test(test_anon_write_and_no_zero_page),
		cmocka_unit_test(test_cow_after_fork),
		cmocka_unit_test(test_zero_page_fork),
		cmocka_unit_test(test_fork_skips_vmas_without_anon_vma),
		cmocka_unit_test(test_zap_frees_everything),
		cmocka_unit_test(test_zap_page_range_single),
		cmocka_unit_test(test_validate_catches_breakage),
		cmocka_unit_test(test_shmem_shared_mapping),
		cmocka_unit_test(test_private_file_mapping),
		cmocka_unit_test(test_shmem_object),
		cmocka_unit_test(test_populate),
		cmocka_unit_test(test_metadata_only),
		cmocka_unit_test(test_fault_sweep_pages),
		cmocka_unit_test(test_fault_sweep_slab),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
