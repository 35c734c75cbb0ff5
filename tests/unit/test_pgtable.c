/*
 * test_pgtable.c - page tables (mm/pgtable.c): boot tables and the zero
 * page, pgd_alloc/free, walks that allocate, the accounting of every table
 * (NR_PAGETABLE, pgtables_bytes), free_pgd_range's floor/ceiling rule,
 * four and five levels, pti's double pgd, and the swap-entry encoding.
 *
 * Tables are built by hand on an mm made here (no VMAs, no faults), so the
 * test needs nothing but the page allocator.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "memory.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "tlbflush.h"
#include "../../src/mm/tlb_internal.h"

static struct machine *boot_paging(const char *opts, bool *own_tlb)
{
	struct machine *m = test_boot(opts);

	if (!m->init_mm)
		assert_int_equal(paging_init(m), 0);
	*own_tlb = !m->tlbstate;
	if (*own_tlb)
		assert_int_equal(tlb_init(m), 0);
	return m;
}

static void shutdown_paging(struct machine *m, bool own_tlb)
{
	if (own_tlb)
		tlb_exit(m);
	mmsim_shutdown(m);
}

/* An mm with a pgd and nothing else (host memory: the test owns it). */
static struct mm_struct *test_mm(struct machine *m)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	mm->machine = m;
	mm->mm_users = mm->mm_count = 1;
	mm->task_size = m->cfg.pgtable_levels == 5 ? TASK_SIZE_L5 : TASK_SIZE_L4;
	spin_lock_init(&mm->mmap_lock, LOCK_MMAP);
	spin_lock_init(&mm->page_table_lock, LOCK_PTL);
	INIT_LIST_HEAD(&mm->mmlist);
	mm->ctx_id = ++m->next_ctx_id;
	assert_int_equal(pgd_alloc(mm), 0);
	return mm;
}

static void test_mm_free(struct mm_struct *mm)
{
	tlb_mm_release(mm);
	pgd_free(mm);
	free(mm);
}

/* Free pages with the per-CPU lists drained (pcp pages are not NR_FREE_PAGES). */
static long free_pages_drained(struct machine *m)
{
	drain_all_pages(m, NULL);
	return test_free_pages(m);
}

static long nr_pagetable(struct machine *m)
{
	return global_node_page_state(m, NR_PAGETABLE);
}

/* Free every user table of mm ([0, task_size), no neighbours). */
static void free_all_tables(struct mm_struct *mm)
{
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, mm);
	free_pgd_range(&tlb, 0, mm->task_size, 0, 0);
	tlb_finish_mmu(&tlb);
}

static void expect_census(struct mm_struct *mm, unsigned long p4d, unsigned long pud,
			  unsigned long pmd, unsigned long pte)
{
	struct pgtable_census c;

	pgtable_census(mm, &c);
	assert_int_equal(c.p4d, p4d);
	assert_int_equal(c.pud, pud);
	assert_int_equal(c.pmd, pmd);
	assert_int_equal(c.pte, pte);
	assert_int_equal(mm->pgtables_bytes, pgtable_census_bytes(&c));
	assert_int_equal(validate_pgtables(mm), 0);
}

static void test_boot_tables(void **state)
{
	bool own;
	struct machine *m = boot_paging("mem=256M cpus=2", &own);
	struct mm_struct *init_mm = m->init_mm;
	uint64_t img = m->kernel_image_start, img_end = img + m->cfg.kernel_image_bytes;
	struct page *zp = pfn_to_page(m, m->zero_pfn);
	const unsigned char *z = pfn_to_virt(m, m->zero_pfn);
	uint64_t pgd_phys = virt_to_phys(m, init_mm->pgd);

	(void)state;
	/* swapper_pg_dir, init_mm and the zero page are reserved image frames. */
	assert_true(pgd_phys >= img && pgd_phys + 2 * PAGE_SIZE <= img_end);
	assert_true(IS_ALIGNED(pgd_phys, 2 * PAGE_SIZE));
	assert_true(PFN_PHYS(m->zero_pfn) >= img && PFN_PHYS(m->zero_pfn) < img_end);
	assert_true(virt_to_phys(m, init_mm) >= img && virt_to_phys(m, init_mm) < img_end);
	assert_true(PageReserved(zp));
	assert_false(PageTable(zp));
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(z[i], 0);
	/* Kernel half: the direct map (273) and the kernel text (511); user half empty. */
	assert_true(pgd_present(init_mm->pgd[273]));
	assert_true(pgd_present(init_mm->pgd[511]));
	for (int i = 0; i < 256; i++)
		assert_true(pgd_none(init_mm->pgd[i]));
	/* The direct map's first 1 GiB page maps physical 0. */
	pud_t *pud = pgtable_page_address(init_mm, pgd_val(init_mm->pgd[273]));
	assert_true(pud_leaf(pud[0]));
	assert_int_equal(pud_pfn(pud[0]), 0);
	/*
	 * No page-table page was allocated for the kernel's own tables but the
	 * vmalloc range's: its 64 PGD entries (32 TiB) got their PUD tables at
	 * boot (preallocate_vmalloc_pages), PGD entries 402 to 465; CPU 1's
	 * idle-task stack (fork_idle) then needed one pmd and one pte table.
	 */
	assert_int_equal(nr_pagetable(m), 64 + 2);
	for (int i = 402; i <= 465; i++)
		assert_true(pgd_present(init_mm->pgd[i]));
	assert_true(pgd_none(init_mm->pgd[401]));
	assert_true(pgd_none(init_mm->pgd[466]));
	shutdown_paging(m, own);
}

static void test_pgd_alloc_free(void **state)
{
	bool own;
	struct machine *m = boot_paging("mem=256M cpus=2", &own);
	long free0 = free_pages_drained(m), pt0 = nr_pagetable(m);
	struct mm_struct *mm = test_mm(m);
	struct page *pg = virt_to_page(m, mm->pgd);

	(void)state;
	assert_int_equal(nr_pagetable(m), pt0 + 1);
	assert_int_equal(mm->pgtables_bytes, 0);	/* the pgd is not in VmPTE */
	assert_true(PageTable(pg));
	assert_int_equal(page_ref_count(pg), 1);
	assert_memory_equal(mm->pgd + 256, m->init_mm->pgd + 256, 256 * sizeof(pgd_t));
	for (int i = 0; i < 256; i++)
		assert_true(pgd_none(mm->pgd[i]));
	expect_census(mm, 0, 0, 0, 0);
	test_mm_free(mm);
	assert_int_equal(nr_pagetable(m), pt0);
	assert_int_equal(free_pages_drained(m), free0);
	check_machine(m);
	shutdown_paging(m, own);
}

static void test_walk_alloc_accounting(void **state)
{
	bool own;
	struct machine *m = boot_paging("mem=256M cpus=2", &own);
	long pt0 = nr_pagetable(m), free0 = free_pages_drained(m);
	struct mm_struct *mm = test_mm(m);
	unsigned long a = 0x7f0000000000UL;
	pte_t *p1, *p2, *p3;

	(void)state;
	assert_null(walk_pte(mm, a));
	assert_null(walk_pmd(mm, a));
	p1 = walk_pte_alloc(mm, a);
	assert_non_null(p1);
	/* pud + pmd + pte tables for the first address. */
	assert_int_equal(nr_pagetable(m), pt0 + 1 + 3);
	assert_int_equal(mm->pgtables_bytes, 3 * PAGE_SIZE);
	assert_ptr_equal(walk_pte(mm, a), p1);
	assert_true(pte_none(*p1));
	/* Same pte table: nothing new. */
	p2 = walk_pte_alloc(mm, a + 511 * PAGE_SIZE);
	assert_ptr_equal(p2, p1 + 511);
	assert_int_equal(mm->pgtables_bytes, 3 * PAGE_SIZE);
	/* The next 2 MiB: one more pte table; the next 1 GiB: pmd + pte. */
	p3 = walk_pte_alloc(mm, a + PMD_SIZE);
	assert_non_null(p3);
	assert_int_equal(mm->pgtables_bytes, 4 * PAGE_SIZE);
	assert_non_null(walk_pte_alloc(mm, a + PUD_SIZE));
	assert_int_equal(mm->pgtables_bytes, 6 * PAGE_SIZE);
	assert_int_equal(nr_pagetable(m), pt0 + 1 + 6);
	/* Low addresses: another pgd slot, so pud + pmd + pte. */
	assert_non_null(walk_pte_alloc(mm, 0x400000));
	assert_int_equal(mm->pgtables_bytes, 9 * PAGE_SIZE);
	expect_census(mm, 0, 2, 3, 4);
	/* The hardware's view: nothing mapped yet, then a leaf we write by hand. */
	pteval_t eff, *leaf;
	assert_int_not_equal(mmu_translate(m, mm->pgd, a, &eff, &leaf), 0);
	*p1 = pfn_pte(m->zero_pfn, __pgprot(PAGE_READONLY));
	assert_int_equal(mmu_translate(m, mm->pgd, a + 123, &eff, &leaf), 0);
	assert_ptr_equal(leaf, &p1->pte);
	assert_int_equal(eff & PTE_PFN_MASK, PFN_PHYS(m->zero_pfn));
	assert_true(eff & _PAGE_USER);
	assert_false(eff & _PAGE_RW);
	*p1 = __pte(0);
	/* Table entries are user tables (_PAGE_TABLE) through every level. */
	assert_int_equal(pgd_val(*pgd_offset(mm, a)) & _PAGE_TABLE, _PAGE_TABLE);
	free_all_tables(mm);
	assert_int_equal(mm->pgtables_bytes, 0);
	assert_int_equal(nr_pagetable(m), pt0 + 1);
	expect_census(mm, 0, 0, 0, 0);
	test_mm_free(mm);
	assert_int_equal(free_pages_drained(m), free0);
	check_machine(m);
	shutdown_paging(m, own);
}

/*
 * free_pgd_range keeps what neighbours need: two ranges in one pmd table
 * (different pte tables), then two ranges in one pte table.
 */
static void test_free_floor_ceiling(void **state)
{
	bool own;
	struct machine *m = boot_paging("mem=256M cpus=2", &own);
	long pt0 = nr_pagetable(m);
	struct mm_struct *mm = test_mm(m);
	unsigned long a = 0x40000000UL, b = a + 2 * PMD_SIZE;	/* same pmd table */
	struct mmu_gather tlb;

	(void)state;
	assert_non_null(walk_pte_alloc(mm, a));
	assert_non_null(walk_pte_alloc(mm, b));
	expect_census(mm, 0, 1, 1, 2);
	/* Unmap A with B above it: only A's pte table goes. */
	tlb_gather_mmu(&tlb, mm);
	free_pgd_range(&tlb, a, a + PAGE_SIZE, 0, b);
	assert_true(tlb.freed_tables);
	tlb_finish_mmu(&tlb);
	expect_census(mm, 0, 1, 1, 1);
	assert_int_equal(nr_pagetable(m), pt0 + 1 + 3);
	assert_non_null(walk_pte(mm, b));
	assert_null(walk_pte(mm, a));
	/* Unmap B with A still below (floor = A's end): B's pte table only. */
	assert_non_null(walk_pte_alloc(mm, a));
	tlb_gather_mmu(&tlb, mm);
	free_pgd_range(&tlb, b, b + PAGE_SIZE, a + PAGE_SIZE, 0);
	tlb_finish_mmu(&tlb);
	expect_census(mm, 0, 1, 1, 1);
	assert_non_null(walk_pte(mm, a));
	/* Now A alone: everything goes. */
	tlb_gather_mmu(&tlb, mm);
	free_pgd_range(&tlb, a, a + PAGE_SIZE, 0, 0);
	tlb_finish_mmu(&tlb);
	expect_census(mm, 0, 0, 0, 0);
	assert_true(pgd_none(*pgd_offset(mm, a)));

	/* Two ranges sharing a pte table: neither frees it while the other lives. */
	unsigned long c = 0x50000000UL, d = c + 4 * PAGE_SIZE;
	assert_non_null(walk_pte_alloc(mm, c));
	assert_ptr_equal(walk_pte_alloc(mm, d), walk_pte(mm, c) + 4);
	tlb_gather_mmu(&tlb, mm);
	free_pgd_range(&tlb, d, d + PAGE_SIZE, c + PAGE_SIZE, 0);	/* C below */
	assert_false(tlb.freed_tables);
	tlb_finish_mmu(&tlb);
	expect_census(mm, 0, 1, 1, 1);
	tlb_gather_mmu(&tlb, mm);
	free_pgd_range(&tlb, c, c + PAGE_SIZE, 0, d);	/* D above */
	tlb_finish_mmu(&tlb);
	expect_census(mm, 0, 1, 1, 1);
	free_all_tables(mm);
	expect_census(mm, 0, 0, 0, 0);
	test_mm_free(mm);
	assert_int_equal(nr_pagetable(m), pt0);
	check_machine(m);
	shutdown_paging(m, own);
}

static void test_five_levels(void **state)
{
	bool own;
	struct machine *m = boot_paging("mem=256M cpus=2 pgtable_levels=5", &own);
	long pt0 = nr_pagetable(m);
	struct mm_struct *mm = test_mm(m);
	unsigned long hi = 0x00ff000000000000UL;	/* above 47 bits */
	pte_t *p;

	(void)state;
	assert_int_equal(mm->task_size, TASK_SIZE_L5);
	/* The direct map moved to 0xff11...: pgd index 273 still, via a p4d. */
	assert_true(pgd_present(m->init_mm->pgd[273]));
	p = walk_pte_alloc(mm, hi);
	assert_non_null(p);
	/* p4d + pud + pmd + pte; the p4d is PageTables but not VmPTE. */
	assert_int_equal(nr_pagetable(m), pt0 + 1 + 4);
	assert_int_equal(mm->pgtables_bytes, 3 * PAGE_SIZE);
	assert_ptr_equal(walk_pte(mm, hi), p);
	assert_non_null(walk_pte_alloc(mm, 0x400000));
	expect_census(mm, 2, 2, 2, 2);
	free_all_tables(mm);
	expect_census(mm, 0, 0, 0, 0);
	assert_int_equal(nr_pagetable(m), pt0 + 1);
	test_mm_free(mm);
	check_machine(m);
	shutdown_paging(m, own);
}

static void test_pti_pgd(void **state)
{
	bool own;
	struct machine *m = boot_paging("mem=256M cpus=2 pti=1", &own);
	long pt0 = nr_pagetable(m);
	struct mm_struct *mm = test_mm(m);
	unsigned long a = 0x7f0000000000UL;
	pgd_t *g;

	(void)state;
	/* Order-1 pgd: kernel copy + user copy, both PageTables. */
	assert_int_equal(nr_pagetable(m), pt0 + 2);
	assert_memory_equal(mm->pgd + 512 + 256, m->init_mm->pgd + 512 + 256, 256 * sizeof(pgd_t));
	assert_non_null(walk_pte_alloc(mm, a));
	g = pgd_offset(mm, a);
	/* The user copy has the entry; the kernel copy has it NX. */
	assert_int_equal(pgd_val(g[512]) | _PAGE_NX, pgd_val(*g));
	assert_true(pgd_val(*g) & _PAGE_NX);
	assert_false(pgd_val(g[512]) & _PAGE_NX);
	expect_census(mm, 0, 1, 1, 1);
	free_all_tables(mm);
	assert_true(pgd_none(g[512]));
	assert_true(pgd_none(*g));
	test_mm_free(mm);
	assert_int_equal(nr_pagetable(m), pt0);
	check_machine(m);
	shutdown_paging(m, own);
}

/* A failing table allocation returns NULL and leaves consistent tables. */
static void test_walk_alloc_enomem(void **state)
{
	bool own;
	struct machine *m = boot_paging("mem=256M cpus=2", &own);
	long pt0 = nr_pagetable(m);
	struct mm_struct *mm = test_mm(m);

	(void)state;
	m->fail.nth[FAIL_PAGE_ALLOC] = 2;	/* pud ok, pmd fails */
	m->fail.count[FAIL_PAGE_ALLOC] = 0;
	assert_null(walk_pte_alloc(mm, 0x400000));
	m->fail.nth[FAIL_PAGE_ALLOC] = 0;
	expect_census(mm, 0, 1, 0, 0);
	assert_int_equal(nr_pagetable(m), pt0 + 2);
	assert_non_null(walk_pte_alloc(mm, 0x400000));
	expect_census(mm, 0, 1, 1, 1);
	free_all_tables(mm);
	test_mm_free(mm);
	assert_int_equal(nr_pagetable(m), pt0);
	check_machine(m);
	shutdown_paging(m, own);
}

/* The validator notices a table frame that is not what it should be. */
static void test_validate_catches(void **state)
{
	bool own;
	struct machine *m = boot_paging("mem=256M cpus=2", &own);
	struct mm_struct *mm = test_mm(m);
	pmd_t *pmd;
	struct page *pt;

	(void)state;
	assert_non_null(walk_pte_alloc(mm, 0x400000));
	pmd = walk_pmd(mm, 0x400000);
	pt = pfn_to_page(m, pmd_pfn(*pmd));
	page_ref_inc(pt);
	assert_int_not_equal(validate_pgtables(mm), 0);
	page_ref_dec_and_test(pt);
	mm->pgtables_bytes += PAGE_SIZE;
	assert_int_not_equal(validate_pgtables(mm), 0);
	mm->pgtables_bytes -= PAGE_SIZE;
	assert_int_equal(validate_pgtables(mm), 0);
	free_all_tables(mm);
	test_mm_free(mm);
	shutdown_paging(m, own);
}

static void check_swp(unsigned int type, unsigned long offset)
{
	swp_entry_t e = swp_entry(type, offset), back;
	pte_t p = swp_entry_to_pte(e);

	assert_int_equal(swp_type(e), type);
	assert_int_equal(swp_offset(e), offset);
	assert_false(pte_present(p));
	/*
	 * Linux's encoding stores the offset inverted, so type 0 with the
	 * largest offset is the all-zero pte; generic_max_swapfile_size keeps
	 * real offsets below it.
	 */
	if (type || offset != (1UL << 50) - 1) {
		assert_false(pte_none(p));
		assert_true(is_swap_pte(p));
	} else {
		assert_true(pte_none(p));
	}
	assert_int_equal(pte_val(p) & (_PAGE_PRESENT | _PAGE_PROTNONE), 0);
	back = pte_to_swp_entry(p);
	assert_int_equal(swp_type(back), type);
	assert_int_equal(swp_offset(back), offset);
	/* The software bits kept in swap ptes do not change the entry. */
	back = pte_to_swp_entry(pte_set_flags(p, _PAGE_SWP_EXCLUSIVE | _PAGE_SWP_SOFT_DIRTY));
	assert_int_equal(swp_type(back), type);
	assert_int_equal(swp_offset(back), offset);
}

static void test_swap_entry_roundtrip(void **state)
{
	const unsigned long max_off = (1UL << 50) - 1;
	unsigned long x = 0x9e3779b97f4a7c15UL;

	(void)state;
	for (unsigned int type = 0; type < 32; type++) {
		check_swp(type, 0);
		check_swp(type, 1);
		check_swp(type, 0x12345);
		check_swp(type, max_off);
		check_swp(type, max_off - 1);
		for (int i = 0; i < 64; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			check_swp(type, x & max_off);
		}
	}
	/* Distinct entries give distinct ptes. */
	assert_int_not_equal(pte_val(swp_entry_to_pte(swp_entry(1, 5))),
			     pte_val(swp_entry_to_pte(swp_entry(2, 5))));
	assert_int_not_equal(pte_val(swp_entry_to_pte(swp_entry(1, 5))),
			     pte_val(swp_entry_to_pte(swp_entry(1, 6))));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_tables),
		cmocka_unit_test(test_pgd_alloc_free),
		cmocka_unit_test(test_walk_alloc_accounting),
		cmocka_unit_test(test_free_floor_ceiling),
		cmocka_unit_test(test_five_levels),
		cmocka_unit_test(test_pti_pgd),
		cmocka_unit_test(test_walk_alloc_enomem),
		cmocka_unit_test(test_validate_catches),
		cmocka_unit_test(test_swap_entry_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
