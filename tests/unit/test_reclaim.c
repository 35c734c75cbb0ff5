/*
 * test_reclaim.c - reclaim really reclaims (issue 5, wave 2), anonymous
 * memory: under pressure shrink_folio_list swaps anonymous pages out
 * (add_to_swap, try_to_unmap, swap_writepage, __remove_mapping), kswapd
 * and direct reclaim both, and MADV_PAGEOUT swaps. Every scenario checks
 * the data (the bytes come back identical), the counters that move
 * (pswpout/pswpin, pgsteal_*, pgscan_*, workingset_refault_anon), and
 * ends with check_machine (validate_lru, validate_swap,
 * validate_page_cache among the validators). test_reclaim_file.c has the
 * page cache, shmem and the OOM killer.
 *
 * Machines are small (64 MiB) so that each file stays a few seconds in the
 * debug+sanitizer build.
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down; what is asserted is simulated state and
 * the bytes read back, never host time.
 */
#include "reclaim_test.h"

/*
 * More anonymous memory than RAM, with swap: kswapd and direct reclaim
 * swap pages out, every byte comes back on touch (major faults, pswpin),
 * and the counters say what happened.
 */
static void test_anon_pressure_swaps(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=2 swap=64M");
	int pid = mmsim_spawn(m, "hog");
	unsigned long n = 80 * MB / PG;
	unsigned long out0 = ev(m, PSWPOUT), in0 = ev(m, PSWPIN);
	unsigned long steal0 = ev(m, PGSTEAL_ANON);
	uint64_t a;

	(void)state;
	assert_true(pid > 0);
	a = map_anon(m, pid, n);
	assert_int_equal(fill(m, pid, a, n, 1), 0);
	check_machine(m);
	assert_true(ev(m, PSWPOUT) - out0 >= 16 * MB / PG);
	assert_true(ev(m, PGSTEAL_ANON) - steal0 >= 16 * MB / PG);
	assert_true(ev(m, PGSTEAL_DIRECT) + ev(m, PGSTEAL_KSWAPD) > 0);
	assert_true(ev(m, PGSCAN_ANON) >= ev(m, PGSTEAL_ANON));
	assert_true(get_nr_swap_pages(m) < total_swap_pages(m));

	assert_int_equal(verify(m, pid, a, n, 1), 0);
	assert_true(ev(m, PSWPIN) - in0 > 0);
	assert_true(ev(m, PGMAJFAULT) > 0);
	check_machine(m);
	assert_int_equal(mmsim_exit(m, pid, 0), 0);
	check_machine(m);
	assert_int_equal(get_nr_swap_pages(m), total_swap_pages(m));
	mmsim_shutdown(m);
}

/* kswapd alone: it is the one that reclaims when the fill stays above min. */
static void test_kswapd_swaps(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=2 swap=64M");
	int pid = mmsim_spawn(m, "hog");
	unsigned long n = 72 * MB / PG;
	uint64_t a;

	(void)state;
	a = map_anon(m, pid, n);
	assert_int_equal(fill(m, pid, a, n, 7), 0);
	assert_true(ev(m, PGSTEAL_KSWAPD) > 0);
	assert_true(ev(m, PGSCAN_KSWAPD) >= ev(m, PGSTEAL_KSWAPD));
	assert_true(ev(m, PSWPOUT) > 0);
	assert_int_equal(verify(m, pid, a, n, 7), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* MADV_PAGEOUT now swaps: the range leaves RSS for swap and comes back intact. */
static void test_madv_pageout_swaps(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=2 swap=16M");
	int pid = mmsim_spawn(m, "p");
	unsigned long n = 256, out0;
	struct mm_struct *mm = find_task_by_pid(m, pid)->mm;
	long anon0 = (long)get_mm_counter(mm, MM_ANONPAGES);	/* the stack's */
	uint64_t a;

	(void)state;
	a = map_anon(m, pid, n);
	assert_int_equal(fill(m, pid, a, n, 3), 0);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), anon0 + (long)n);
	out0 = ev(m, PSWPOUT);
	assert_int_equal(mmsim_madvise(m, pid, a, n * PG, mmsim_madvise_parse("pageout")), 0);
	assert_int_equal(ev(m, PSWPOUT) - out0, n);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), anon0);
	assert_int_equal(get_mm_counter(mm, MM_SWAPENTS), (long)n);
	assert_int_equal(node_stat(m, NR_SWAPCACHE), 0);
	check_machine(m);
	assert_int_equal(verify(m, pid, a, n, 3), 0);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), anon0 + (long)n);
	/* swapped in again: the shadows said they were recent (refault) */
	assert_true(node_stat(m, WORKINGSET_REFAULT_ANON) >= (long)n);
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_pressure_swaps),
		cmocka_unit_test(test_kswapd_swaps),
		cmocka_unit_test(test_madv_pageout_swaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
