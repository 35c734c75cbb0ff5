/*
 * test_thp.c - anonymous transparent huge pages (mm/huge_memory.c): the
 * aligned fault that maps one PMD leaf and deposits a pte table, the
 * fallbacks (unaligned or small VMAs, --thp never, madvise mode without
 * MADV_HUGEPAGE, prctl, a failed order-9 allocation), the split on a
 * partial munmap / mprotect / MADV_DONTNEED, fork sharing and the COW of a
 * write, an exit that frees everything, and MADV_COLLAPSE (as the host
 * answers it: empty blocks EINVAL, one page enough, shared pages copied). check_machine runs the
 * validators, which know THP leaves and deposited tables.
 *
 * The deferred split (6.x): a partial munmap/DONTNEED leaves the folio
 * large, mapped by ptes, and queued on its node (thp_deferred_split_page,
 * as the host counts the same calls); the queue's shrinker scan (called
 * directly, and through drop_caches 2 as on the host) splits it and frees
 * the unmapped subpages.
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down; what is asserted is simulated state,
 * never host time.
 */
#include "syscall_test.h"
#include "huge_mm.h"
#include "swap.h"
#include "machine.h"

#define HP		(2UL << 20)
#define HPAGES		512L
#define MADV_HUGEPAGE	14

static long status_kb_base;	/* RssAnon of a fresh process */

static struct st *st_new_thp(const char *options)
{
	struct st *st = st_new(options);

	status_kb_base = status_kb(st, "RssAnon");
	return st;
}

/* RssAnon of the playground only: the process's own anon pages (stack...) left out. */
static long rss_anon(struct st *st)
{
	return status_kb(st, "RssAnon") - status_kb_base;
}

static void thp_madvise(struct st *st, long n, long pages)
{
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(n), (uint64_t)pages * PG, MADV_HUGEPAGE),
			 0);
}

/* One aligned 2 MiB VMA, madvised, then one write fault. */
static struct st *one_thp(const char *options)
{
	struct st *st = st_new_thp(options);

	map_at(st, 0, HPAGES, RW, ANON);
	thp_madvise(st, 0, HPAGES);
	assert_int_equal(touch(st, 0, 1, 1), 0);
	return st;
}

static void test_aligned_fault(void **state)
{
	struct st *st = st_new_thp("mem=256M cpus=2");
	unsigned long flt0, pte0;
	long long alloc0 = vmstat_count(st, "thp_fault_alloc");
	struct mmsim_mmu_stats mmu0, mmu1;

	(void)state;
	map_at(st, 0, HPAGES, RW, ANON);
	thp_madvise(st, 0, HPAGES);
	flt0 = minflt(st);
	pte0 = (unsigned long)status_kb(st, "VmPTE");
	write_byte(st, 5, 0x5a);
	assert_int_equal(minflt(st) - flt0, 1);
	assert_int_equal(vmstat_count(st, "thp_fault_alloc") - alloc0, 1);
	assert_int_equal(rss_anon(st), 2048);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	assert_int_equal(smaps_kb(st, 0, "AnonHugePages"), 2048);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 2048);
	assert_int_equal(vmstat_count(st, "nr_anon_transparent_hugepages"), 1);
	/* the deposited table: one pte table more than the 4 KiB path would need, none less */
	assert_int_equal((unsigned long)status_kb(st, "VmPTE") - pte0, 4);
	/* the rest of the 2 MiB: no more faults, one TLB entry */
	assert_int_equal(mmsim_mmu_stats(st->m, -1, &mmu0), 0);
	assert_int_equal(touch(st, 0, HPAGES, 1), 0);
	assert_int_equal(mmsim_mmu_stats(st->m, -1, &mmu1), 0);
	assert_int_equal(minflt(st) - flt0, 1);
	assert_true(mmu1.tlb_misses - mmu0.tlb_misses <= 1);
	assert_int_equal(mmu1.faults - mmu0.faults, 0);
	assert_int_equal(read_byte(st, 5), 0x5a);
	assert_int_equal(read_byte(st, 6), 0);
	check_machine(st->m);
	/* munmap of the whole: everything goes */
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), HP), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(rss_anon(st), 0);
	st_free(st);
}

static void test_always_mode(void **state)
{
	struct st *st = st_new_thp("mem=256M cpus=2 thp=always");

	(void)state;
	map_at(st, 0, 2 * HPAGES, RW, ANON);
	assert_int_equal(touch(st, 0, 2 * HPAGES, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 4096);
	assert_int_equal(smaps_kb(st, 0, "THPeligible"), 1);
	st_free(st);
}

static void test_fallbacks(void **state)
{
	struct st *st = st_new_thp("mem=256M cpus=2 thp=always");

	(void)state;
	/* unaligned: [1, 1+512) holds no aligned 2 MiB block */
	map_at(st, 1, HPAGES, RW, ANON);
	assert_int_equal(touch(st, 1, HPAGES, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(rss_anon(st), 2048);
	/* too small */
	map_at(st, 1024, 100, RW, ANON);
	assert_int_equal(touch(st, 1024, 100, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	/* MADV_NOHUGEPAGE */
	map_at(st, 2048, HPAGES, RW, ANON);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(2048), HP, 15), 0);
	assert_int_equal(touch(st, 2048, 1, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	/* prctl(PR_SET_THP_DISABLE) */
	assert_int_equal(mmsim_prctl(st->m, st->pid, MMSIM_PR_SET_THP_DISABLE, 1), 0);
	map_at(st, 3072, HPAGES, RW, ANON);
	assert_int_equal(touch(st, 3072, 1, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	st_free(st);
}

static void test_modes(void **state)
{
	struct st *st = st_new_thp("mem=256M cpus=2 thp=never");

	(void)state;
	map_at(st, 0, HPAGES, RW, ANON);
	thp_madvise(st, 0, HPAGES);
	assert_int_equal(touch(st, 0, 1, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(rss_anon(st), 4);
	st_free(st);

	st = st_new_thp("mem=256M cpus=2 thp=madvise");
	map_at(st, 0, HPAGES, RW, ANON);
	assert_int_equal(touch(st, 0, 1, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(rss_anon(st), 4);
	st_free(st);
}

static void test_partial_munmap_splits(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	long long split0 = vmstat_count(st, "thp_split_pmd");
	unsigned long pte0 = (unsigned long)status_kb(st, "VmPTE");

	(void)state;
	write_byte(st, 300, 0x77);
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), 256 * PG), 0);
	assert_int_equal(vmstat_count(st, "thp_split_pmd") - split0, 1);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(rss_anon(st), 256 * 4);
	assert_int_equal(smaps_kb(st, 256, "Rss"), 256 * 4);
	/* the deposited table became the pte table: VmPTE unchanged */
	assert_int_equal((unsigned long)status_kb(st, "VmPTE"), pte0);
	assert_int_equal(read_byte(st, 300), 0x77);
	check_machine(st->m);
	st_free(st);
}

static void test_mprotect_and_dontneed_split(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");

	(void)state;
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, MMSIM_PROT_READ), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(touch_fault_code(st, 1, 1), 2);	/* SEGV_ACCERR */
	assert_int_equal(touch(st, 4, 1, 1), 0);
	assert_int_equal(rss_anon(st), 2048);
	check_machine(st->m);
	st_free(st);

	st = one_thp("mem=256M cpus=2");
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(8), 8 * PG, 4 /* DONTNEED */), 0);
	assert_int_equal(rss_anon(st), 2048 - 32);
	check_machine(st->m);
	/* a whole-THP DONTNEED zaps the leaf without a split */
	map_at(st, 512, HPAGES, RW, ANON);
	thp_madvise(st, 512, HPAGES);
	assert_int_equal(touch(st, 512, 1, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(512), HP, 4), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	check_machine(st->m);
	st_free(st);
}

static void test_fork_cow(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	struct st child;
	long long split0;

	(void)state;
	write_byte(st, 10, 0x11);
	child = *st;
	child.pid = mmsim_fork(st->m, st->pid);
	assert_true(child.pid > 0);
	/* shared: one THP, mapped twice */
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	assert_int_equal(smaps_kb(&child, 0, "AnonHugePages"), 2048);
	assert_int_equal(smaps_kb(&child, 0, "Pss"), 1024);
	check_machine(st->m);
	split0 = vmstat_count(st, "thp_split_pmd");
	write_byte(&child, 10, 0x22);
	assert_true(vmstat_count(st, "thp_split_pmd") > split0);
	assert_int_equal(read_byte(st, 10), 0x11);
	assert_int_equal(read_byte(&child, 10), 0x22);
	assert_int_equal(rss_anon(&child), 2048);
	check_machine(st->m);
	assert_int_equal(mmsim_exit(st->m, child.pid, 0), 0);
	check_machine(st->m);
	write_byte(st, 10, 0x33);	/* the parent's page is its own again: reused */
	assert_int_equal(read_byte(st, 10), 0x33);
	check_machine(st->m);
	st_free(st);
}

static void test_fork_exit_frees(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	long free0;
	int pid;

	(void)state;
	free0 = meminfo_kb(st, "AnonPages");
	pid = mmsim_fork(st->m, st->pid);
	assert_true(pid > 0);
	check_machine(st->m);
	assert_int_equal(mmsim_exit(st->m, pid, 0), 0);
	check_machine(st->m);
	assert_int_equal(mmsim_exit(st->m, st->pid, 0), 0);
	check_machine(st->m);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_true(meminfo_kb(st, "AnonPages") <= free0 - 2048);
	mmsim_shutdown(st->m);
	free(st);
}

static void test_alloc_failure_falls_back(void **state)
{
	struct st *st = st_new_thp("mem=256M cpus=2");
	long long fb0 = vmstat_count(st, "thp_fault_fallback");

	(void)state;
	map_at(st, 0, 2 * HPAGES, RW, ANON);
	thp_madvise(st, 0, 2 * HPAGES);
	/* the second block first: the anon_vma and the tables above exist after it */
	assert_int_equal(touch(st, HPAGES, 1, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	/*
	 * The fault's order-9 allocation fails: it is the touch's second page
	 * allocation (the first is made before the fault handler runs).
	 */
	assert_int_equal(mmsim_fail_nth(st->m, "page", 2, 0), 0);
	assert_int_equal(touch(st, 0, 1, 1), 0);
	assert_int_equal(vmstat_count(st, "thp_fault_fallback") - fb0, 1);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	assert_int_equal(rss_anon(st), 2048 + 4);
	check_machine(st->m);
	st_free(st);
}

static void test_pte_chain_has_none(void **state)
{
	struct st *st = st_new_thp("mem=256M cpus=2 thp=always rmap=pte_chain");

	(void)state;
	map_at(st, 0, HPAGES, RW, ANON);
	assert_int_equal(touch(st, 0, 1, 1), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	st_free(st);
}

#define MADV_COLLAPSE	25

/* MADV_COLLAPSE, as the host (Linux 6.18) answers the same calls. */
static void test_madv_collapse(void **state)
{
	struct st *st = st_new_thp("mem=256M cpus=2");
	long long c0 = vmstat_count(st, "thp_collapse_alloc");
	unsigned long pte0;
	struct st child;

	(void)state;
	/* 512 small pages (no MADV_HUGEPAGE: the enabled mode is not asked) */
	map_at(st, 0, HPAGES, RW, ANON);
	for (long i = 0; i < HPAGES; i++)
		write_byte(st, i, (unsigned char)i);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	pte0 = (unsigned long)status_kb(st, "VmPTE");
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), HP, MADV_COLLAPSE), 0);
	assert_int_equal(vmstat_count(st, "thp_collapse_alloc") - c0, 1);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	assert_int_equal(rss_anon(st), 2048);
	assert_int_equal((unsigned long)status_kb(st, "VmPTE"), pte0);	/* the table is deposited */
	assert_int_equal(read_byte(st, 7), 7);
	assert_int_equal(read_byte(st, 300), 300 & 0xff);
	check_machine(st->m);
	/* already a THP: nothing to do */
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), HP, MADV_COLLAPSE), 0);
	assert_int_equal(vmstat_count(st, "thp_collapse_alloc") - c0, 1);

	/* an empty block: EINVAL; one page present: collapsed */
	map_at(st, 512, HPAGES, RW, ANON);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(512), HP, MADV_COLLAPSE), -EINVAL);
	write_byte(st, 512, 1);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(512), HP, MADV_COLLAPSE), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 4096);
	assert_int_equal(rss_anon(st), 4096);
	/* a range holding no whole block: 0, nothing done */
	map_at(st, 1024, HPAGES, RW, ANON);
	write_byte(st, 1024, 1);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(1024), HP / 2, MADV_COLLAPSE), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 4096);
	/* MADV_NOHUGEPAGE: EINVAL */
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(1024), HP, 15), 0);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(1024), HP, MADV_COLLAPSE), -EINVAL);
	check_machine(st->m);

	/* pages shared with a child: the child's copy collapses, the parent keeps its pages */
	map_at(st, 1536, HPAGES, RW, ANON);
	write_byte(st, 1536, 0x41);
	child = *st;
	child.pid = mmsim_fork(st->m, st->pid);
	assert_true(child.pid > 0);
	assert_int_equal(mmsim_madvise(st->m, child.pid, A(1536), HP, MADV_COLLAPSE), 0);
	assert_int_equal(smaps_kb(&child, 1536, "AnonHugePages"), 2048);
	assert_int_equal(smaps_kb(st, 1536, "AnonHugePages"), 0);
	write_byte(&child, 1536, 0x42);
	assert_int_equal(read_byte(st, 1536), 0x41);
	assert_int_equal(read_byte(&child, 1536), 0x42);
	check_machine(st->m);
	assert_int_equal(mmsim_exit(st->m, child.pid, 0), 0);
	st_free(st);
}


/* The node-0 split queue's first folio. */
static struct page *queued_head(struct st *st)
{
	pg_data_t *pgdat = NODE_DATA(st->m, 0);

	if (list_empty(&pgdat->split_queue))
		return NULL;
	return list_first_entry(&pgdat->split_queue, struct page, _deferred_list) - 2;
}

/* Host (6.18): munmap of 16 pages of a THP: split_pmd 1, deferred 1, split_page 0. */
static void test_deferred_split_partial_munmap(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	long long pmd0 = vmstat_count(st, "thp_split_pmd");
	long long dsp0 = vmstat_count(st, "thp_deferred_split_page");
	long long sp0 = vmstat_count(st, "thp_split_page");
	long anon0 = meminfo_kb(st, "AnonPages");
	long long free0;
	struct page *head;

	(void)state;
	write_byte(st, 300, 0x77);
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(HPAGES - 16), 16 * PG), 0);
	assert_int_equal(vmstat_count(st, "thp_split_pmd") - pmd0, 1);
	assert_int_equal(vmstat_count(st, "thp_deferred_split_page") - dsp0, 1);
	assert_int_equal(vmstat_count(st, "thp_split_page") - sp0, 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(smaps_kb(st, 0, "AnonHugePages"), 0);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 2048 - 64);
	assert_int_equal(rss_anon(st), 2048 - 64);
	assert_int_equal(meminfo_kb(st, "AnonPages"), anon0 - 64);
	assert_int_equal(vmstat_count(st, "nr_anon_transparent_hugepages"), 0);
	/* still one large folio, mapped by 496 ptes, on the queue */
	assert_int_equal(deferred_split_count(st->m, 0), 1);
	head = queued_head(st);
	assert_non_null(head);
	assert_true(PageHead(head));
	assert_int_equal(folio_entire_mapcount(head), 0);
	assert_int_equal(folio_large_mapcount(head), HPAGES - 16);
	assert_int_equal(folio_nr_pages_mapped(head), HPAGES - 16);
	assert_true(folio_test_partially_mapped(head));
	check_machine(st->m);
	/* more of it unmapped: counted once */
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(HPAGES - 32), 16 * PG), 0);
	assert_int_equal(vmstat_count(st, "thp_deferred_split_page") - dsp0, 1);
	assert_int_equal(deferred_split_count(st->m, 0), 1);
	check_machine(st->m);
	/* the shrinker splits it: 480 small pages stay, 32 go back to the allocator */
	free0 = vmstat_count(st, "pgfree");
	assert_int_equal(deferred_split_scan(st->m, 0, 128), 1);
	assert_int_equal(vmstat_count(st, "thp_split_page") - sp0, 1);
	assert_int_equal(deferred_split_count(st->m, 0), 0);
	assert_false(PageCompound(head));
	assert_int_equal(vmstat_count(st, "pgfree") - free0, 32);
	assert_int_equal(page_ref_count(head + HPAGES - 1), 0);
	assert_int_equal(rss_anon(st), 2048 - 128);
	assert_int_equal(read_byte(st, 300), 0x77);
	check_machine(st->m);
	/* an empty queue: nothing to do */
	assert_int_equal(deferred_split_scan(st->m, 0, 128), 0);
	st_free(st);
}

/* Host (6.18): DONTNEED of 16 pages queues; mprotect alone does not, its later munmap does. */
static void test_deferred_split_dontneed_mprotect(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	long long dsp0 = vmstat_count(st, "thp_deferred_split_page");
	long long pmd0 = vmstat_count(st, "thp_split_pmd");
	long long free0;

	(void)state;
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), 16 * PG, 4 /* DONTNEED */), 0);
	assert_int_equal(vmstat_count(st, "thp_deferred_split_page") - dsp0, 1);
	assert_int_equal(rss_anon(st), 2048 - 64);
	check_machine(st->m);
	/* faulting the hole again gives small pages beside the large folio */
	write_byte(st, 3, 9);
	assert_int_equal(rss_anon(st), 2048 - 60);
	check_machine(st->m);
	st_free(st);

	st = one_thp("mem=256M cpus=2");
	dsp0 = vmstat_count(st, "thp_deferred_split_page");
	pmd0 = vmstat_count(st, "thp_split_pmd");
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 16 * PG, MMSIM_PROT_READ), 0);
	assert_int_equal(vmstat_count(st, "thp_split_pmd") - pmd0, 1);
	assert_int_equal(vmstat_count(st, "thp_deferred_split_page") - dsp0, 0);
	assert_int_equal(deferred_split_count(st->m, 0), 0);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 64);
	assert_int_equal(smaps_kb(st, 16, "Rss"), 2048 - 64);
	check_machine(st->m);
	/* unmapping it all: the first VMA's zap leaves it partially mapped; then it is freed */
	free0 = vmstat_count(st, "pgfree");
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), HP), 0);
	assert_int_equal(vmstat_count(st, "thp_deferred_split_page") - dsp0, 1);
	assert_int_equal(deferred_split_count(st->m, 0), 0);
	assert_true(vmstat_count(st, "pgfree") - free0 >= HPAGES);
	check_machine(st->m);
	st_free(st);
}

/* A THP still PMD-mapped in the parent: the child's partial unmap queues nothing until the PMD goes. */
static void test_deferred_split_fork(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	long long dsp0 = vmstat_count(st, "thp_deferred_split_page");
	struct st child;

	(void)state;
	write_byte(st, 20, 0x20);
	child = *st;
	child.pid = mmsim_fork(st->m, st->pid);
	assert_true(child.pid > 0);
	assert_int_equal(mmsim_munmap(st->m, child.pid, A(0), 8 * PG), 0);
	assert_int_equal(vmstat_count(st, "thp_deferred_split_page") - dsp0, 0);
	assert_int_equal(smaps_kb(st, 0, "AnonHugePages"), 2048);
	assert_int_equal(smaps_kb(&child, 8, "AnonHugePages"), 0);
	check_machine(st->m);
	/* the child writes a subpage of the shared folio: a 4 KiB copy */
	write_byte(&child, 20, 0x21);
	assert_int_equal(read_byte(st, 20), 0x20);
	check_machine(st->m);
	/* the parent's PMD goes: now the folio is mapped in part, by the child's ptes */
	assert_int_equal(mmsim_exit(st->m, st->pid, 0), 0);
	assert_int_equal(vmstat_count(st, "thp_deferred_split_page") - dsp0, 1);
	assert_int_equal(deferred_split_count(st->m, 0), 1);
	check_machine(st->m);
	assert_int_equal(deferred_split_scan(st->m, 0, 1), 1);
	assert_int_equal(read_byte(&child, 20), 0x21);
	assert_int_equal(read_byte(&child, 30), 0);
	check_machine(st->m);
	assert_int_equal(mmsim_exit(st->m, child.pid, 0), 0);
	check_machine(st->m);
	mmsim_shutdown(st->m);
	free(st);
}

/* A reference beyond the mappings pins the folio: the split fails and it stays queued. */
static void test_deferred_split_pinned(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	long long fail0 = vmstat_count(st, "thp_split_page_failed");
	struct page *head;

	(void)state;
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), PG), 0);
	head = queued_head(st);
	assert_non_null(head);
	head->_refcount++;	/* a GUP pin */
	assert_int_equal(deferred_split_scan(st->m, 0, 8), 0);
	assert_int_equal(vmstat_count(st, "thp_split_page_failed") - fail0, 1);
	assert_int_equal(deferred_split_count(st->m, 0), 1);
	check_machine(st->m);
	put_page(st->m, head);
	assert_int_equal(deferred_split_scan(st->m, 0, 8), 1);
	check_machine(st->m);
	st_free(st);
}

/* Host (6.18): drop_caches 2 runs the shrinkers, "thp-deferred_split" among them. */
static void test_deferred_split_shrinker(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	long long sp0 = vmstat_count(st, "thp_split_page");
	char err[128];

	(void)state;
	write_byte(st, 3, 0x33);
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(HPAGES - 16), 16 * PG), 0);
	assert_int_equal(deferred_split_count(st->m, 0), 1);
	assert_int_equal(vmstat_count(st, "thp_split_page") - sp0, 0);
	assert_int_equal(mmsim_sysctl_set(st->m, "vm.drop_caches", "2", err, sizeof(err)), 0);
	assert_int_equal(vmstat_count(st, "thp_split_page") - sp0, 1);
	assert_int_equal(deferred_split_count(st->m, 0), 0);
	assert_int_equal(read_byte(st, 3), 0x33);
	check_machine(st->m);
	/* nothing queued: the shrinker has nothing to count */
	assert_int_equal(mmsim_sysctl_set(st->m, "vm.drop_caches", "2", err, sizeof(err)), 0);
	assert_int_equal(vmstat_count(st, "thp_split_page") - sp0, 1);
	st_free(st);
}

/* A queued folio unmapped whole is freed whole: off the queue, its subpages' flags cleared. */
static void test_deferred_split_freed(void **state)
{
	struct st *st = one_thp("mem=256M cpus=2");
	long long sp0 = vmstat_count(st, "thp_split_page");
	struct page *head;

	(void)state;
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), 16 * PG), 0);
	head = queued_head(st);
	assert_non_null(head);
	assert_true(PageAnonExclusive(head + 100));	/* the PMD's exclusive flag, per subpage */
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(16), (HPAGES - 16) * PG), 0);
	assert_int_equal(deferred_split_count(st->m, 0), 0);
	assert_int_equal(vmstat_count(st, "thp_split_page") - sp0, 0);
	assert_false(PageAnonExclusive(head + 100));
	assert_int_equal(page_ref_count(head), 0);
	check_machine(st->m);
	/* the frames come back as small pages without complaint */
	map_at(st, 1024, 4 * HPAGES, RW, ANON);
	assert_int_equal(touch(st, 1024, 4 * HPAGES, 1), 0);
	check_machine(st->m);
	st_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_fault),
		cmocka_unit_test(test_always_mode),
		cmocka_unit_test(test_fallbacks),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_partial_munmap_splits),
		cmocka_unit_test(test_mprotect_and_dontneed_split),
		cmocka_unit_test(test_fork_cow),
		cmocka_unit_test(test_fork_exit_frees),
		cmocka_unit_test(test_alloc_failure_falls_back),
		cmocka_unit_test(test_pte_chain_has_none),
		cmocka_unit_test(test_madv_collapse),
		cmocka_unit_test(test_deferred_split_partial_munmap),
		cmocka_unit_test(test_deferred_split_dontneed_mprotect),
		cmocka_unit_test(test_deferred_split_fork),
		cmocka_unit_test(test_deferred_split_pinned),
		cmocka_unit_test(test_deferred_split_shrinker),
		cmocka_unit_test(test_deferred_split_freed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
