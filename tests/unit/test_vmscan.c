/*
 * test_vmscan.c - the LRU side of reclaim: per-CPU batches (31 folios,
 * drained by lru_add_drain), mark_page_accessed's two steps, MADV_COLD's
 * deactivation, MADV_PAGEOUT through reclaim_pages (lazyfree pages freed,
 * swap-backed ones activated when there is no swap, as Linux does),
 * get_scan_count's swappiness split, and workingset shadow entries.
 *
 * Invariants: each test that needs a machine boots its own and, when it
 * passes, shuts it down; what is asserted is simulated state, never host
 * time.
 */
#include "syscall_test.h"
#include "gfp.h"
#include "memory.h"
#include "swap.h"
#include "vmscan.h"

static struct page *anon_page(struct machine *m)
{
	struct page *page = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);

	assert_non_null(page);
	SetPageSwapBacked(page);
	return page;
}

static long nr_lru(struct machine *m, enum lru_list lru)
{
	return NODE_DATA(m, 0)->vm_stat[NR_INACTIVE_ANON + lru];
}

/* folio_add_lru waits in the batch until 31 folios are there. */
static void test_lru_add_batch(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct page *pages[FOLIO_BATCH_SIZE];

	(void)state;
	lru_add_drain_all(m);
	for (int i = 0; i < FOLIO_BATCH_SIZE - 1; i++) {
		pages[i] = anon_page(m);
		folio_add_lru(m, pages[i]);
		assert_false(PageLRU(pages[i]));
		assert_int_equal(page_ref_count(pages[i]), 2);	/* the batch holds one */
	}
	assert_int_equal(lru_batches_pending(m, m->cpu), FOLIO_BATCH_SIZE - 1);
	assert_int_equal(nr_lru(m, LRU_INACTIVE_ANON), 0);
	pages[FOLIO_BATCH_SIZE - 1] = anon_page(m);
	folio_add_lru(m, pages[FOLIO_BATCH_SIZE - 1]);	/* the 31st: all move */
	assert_int_equal(lru_batches_pending(m, m->cpu), 0);
	assert_int_equal(nr_lru(m, LRU_INACTIVE_ANON), FOLIO_BATCH_SIZE);
	for (int i = 0; i < FOLIO_BATCH_SIZE; i++) {
		assert_true(PageLRU(pages[i]));
		assert_int_equal(page_ref_count(pages[i]), 1);
		put_page(m, pages[i]);
	}
	assert_int_equal(nr_lru(m, LRU_INACTIVE_ANON), 0);
	assert_int_equal(validate_lru(m), 0);
	mmsim_shutdown(m);
}

/* inactive,unreferenced -> inactive,referenced -> active (queued, then moved). */
static void test_mark_page_accessed_two_steps(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct page *page = anon_page(m);
	unsigned long act0;

	(void)state;
	folio_add_lru(m, page);
	lru_add_drain(m);
	act0 = m->vm_events[PGACTIVATE];
	mark_page_accessed(m, page);
	assert_true(PageReferenced(page) && !PageActive(page));
	mark_page_accessed(m, page);
	/* the activation is queued: still inactive, not yet counted */
	assert_false(PageReferenced(page));
	assert_false(PageActive(page));
	assert_int_equal(m->vm_events[PGACTIVATE], act0);
	lru_add_drain(m);
	assert_true(PageActive(page) && PageLRU(page));
	assert_int_equal(m->vm_events[PGACTIVATE], act0 + 1);
	assert_int_equal(nr_lru(m, LRU_ACTIVE_ANON), 1);
	/* a page still in the lru_add batch is activated there, uncounted */
	{
		struct page *fresh = anon_page(m);

		folio_add_lru(m, fresh);
		mark_page_accessed(m, fresh);
		mark_page_accessed(m, fresh);
		lru_add_drain(m);
		assert_true(PageActive(fresh));
		assert_int_equal(m->vm_events[PGACTIVATE], act0 + 1);
		put_page(m, fresh);
	}
	put_page(m, page);
	assert_int_equal(validate_lru(m), 0);
	mmsim_shutdown(m);
}

/* MADV_PAGEOUT of lazyfree memory frees it at once; the data is gone. */
static void test_pageout_lazyfree(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned long freed0 = st->m->vm_events[PGLAZYFREED];
	long free0;

	(void)state;
	map_at(st, 0, 64, RW, ANON);
	assert_int_equal(touch(st, 0, 64, 1), 0);
	write_byte(st, 5, 0x5a);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), 64 * PG,
				       mmsim_madvise_parse("free")), 0);
	drain_all_pages(st->m, NULL);
	free0 = test_free_pages(st->m);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), 64 * PG,
				       mmsim_madvise_parse("pageout")), 0);
	assert_int_equal(st->m->vm_events[PGLAZYFREED] - freed0, 64);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 0);
	drain_all_pages(st->m, NULL);
	assert_true(test_free_pages(st->m) >= free0 + 64);
	assert_int_equal(read_byte(st, 5), 0);		/* a fresh zero page */
	/* reclaim_pages counts no pgscan/pgsteal: those are the LRU scans' */
	assert_int_equal(st->m->vm_events[PGSTEAL_DIRECT] + st->m->vm_events[PGSTEAL_KSWAPD], 0);
	st_free(st);
}

/* Without swap, MADV_PAGEOUT cannot free anon pages: they are activated. */
static void test_pageout_anon_without_swap(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned long act0;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	assert_int_equal(touch(st, 0, 16, 1), 0);
	write_byte(st, 3, 0x33);
	lru_add_drain_all(st->m);
	act0 = st->m->vm_events[PGACTIVATE];
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), 16 * PG,
				       mmsim_madvise_parse("pageout")), 0);
	assert_int_equal(st->m->vm_events[PGACTIVATE] - act0, 16);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 64);
	assert_int_equal(read_byte(st, 3), 0x33);
	lru_add_drain_all(st->m);
	assert_int_equal(nr_lru(st->m, LRU_ACTIVE_ANON) >= 16, true);
	st_free(st);
}

/* MADV_COLD: active pages go inactive through the deactivate batch. */
static void test_cold_deactivates(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned long deact0;

	(void)state;
	map_at(st, 0, 8, RW, ANON);
	assert_int_equal(touch(st, 0, 8, 1), 0);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), 8 * PG,
				       mmsim_madvise_parse("pageout")), 0);	/* activates */
	lru_add_drain_all(st->m);
	deact0 = st->m->vm_events[PGDEACTIVATE];
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), 8 * PG,
				       mmsim_madvise_parse("cold")), 0);
	lru_add_drain_all(st->m);
	assert_int_equal(st->m->vm_events[PGDEACTIVATE] - deact0, 8);
	st_free(st);
}

/* SCAN_FRACT: swappiness moves the pressure between anon and file. */
static void test_swappiness_fraction(void **state)
{
	uint64_t f[2], d;

	(void)state;
	scan_fraction(0, 0, 0, f, &d);
	assert_true(f[0] == 0 && f[1] > 0);		/* 0: file only */
	scan_fraction(100, 0, 0, f, &d);
	assert_true(f[0] == f[1]);			/* 100: equal IO cost */
	scan_fraction(200, 0, 0, f, &d);
	assert_true(f[1] == 0 && f[0] > 0);		/* 200: anon only */
	scan_fraction(60, 0, 0, f, &d);
	assert_true(f[0] * 140 == f[1] * 60);		/* 60:140 */
	/* cost: a side that refaults (or rotates) gets less pressure */
	scan_fraction(100, 1000, 0, f, &d);
	assert_true(f[0] < f[1]);
	assert_true(f[0] * 3 + 3 >= d);		/* but a third at least (up to rounding) */
	assert_int_equal(d, f[0] + f[1]);
}

/* Shadow entries: value entries with the node, the age and the workingset bit. */
static void test_workingset_shadow(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct lruvec *lruvec = &NODE_DATA(m, 0)->__lruvec;
	struct page *page = anon_page(m);
	unsigned long age;
	void *shadow;
	bool ws;
	int nid;

	(void)state;
	ClearPageSwapBacked(page);		/* a file folio */
	SetPageWorkingset(page);
	SetPageLocked(page);
	lruvec->nonresident_age = 1000;
	shadow = workingset_eviction(m, page);
	assert_true((unsigned long)shadow & 1);	/* an xarray value entry */
	assert_int_equal(lruvec->nonresident_age, 1001);
	assert_true(workingset_unpack_shadow(shadow, &nid, &age, &ws));
	assert_int_equal(nid, 0);
	assert_int_equal(age, 1000);
	assert_true(ws);
	/* refault right away: distance 1 <= workingset (nothing active): no */
	ClearPageWorkingset(page);
	workingset_refault(m, page, shadow);
	assert_int_equal(NODE_DATA(m, 0)->vm_stat[WORKINGSET_REFAULT_FILE], 1);
	assert_int_equal(NODE_DATA(m, 0)->vm_stat[WORKINGSET_ACTIVATE_FILE], 0);
	assert_false(PageActive(page));
	ClearPageLocked(page);
	put_page(m, page);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lru_add_batch),
		cmocka_unit_test(test_mark_page_accessed_two_steps),
		cmocka_unit_test(test_pageout_lazyfree),
		cmocka_unit_test(test_pageout_anon_without_swap),
		cmocka_unit_test(test_cold_deactivates),
		cmocka_unit_test(test_swappiness_fraction),
		cmocka_unit_test(test_workingset_shadow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
