/*
 * test_reclaim_file.c - reclaim of the page cache and of shmem, and the
 * OOM killer once swap is full (issue 5, wave 2): a clean file cache is
 * evicted under anonymous pressure and refaults when read again
 * (workingset_refault_file); a big file read evicts cache and leaves the
 * anonymous bytes intact; shared anonymous memory goes to swap through
 * shmem_writeout; a hog growing past RAM + swap fills swap before the OOM
 * killer picks it. Each case ends with check_machine.
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down; what is asserted is simulated state and
 * the bytes read back, never host time.
 */
#include "reclaim_test.h"
/*
 * A clean file cache under anonymous pressure: it is evicted (pgsteal_file,
 * the cache shrinks), reading it again refaults (workingset_refault_file)
 * and gives the same bytes.
 */
static void test_file_cache_evicted(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=2 swap=64M");
	int pid = mmsim_spawn(m, "hog");
	unsigned long nf = 8 * MB / PG, n = 72 * MB / PG;
	unsigned long steal0 = ev(m, PGSTEAL_FILE);
	long refault0, activate0, cache0;
	uint64_t a;
	int fd;

	(void)state;
	fd = make_file(m, pid, "/f", nf, 5);
	assert_int_equal(verify_file(m, pid, fd, nf, 5), 0);	/* read twice: active */
	cache0 = node_stat(m, NR_FILE_PAGES) - node_stat(m, NR_SWAPCACHE);
	assert_true(cache0 >= (long)nf);
	a = map_anon(m, pid, n);
	assert_int_equal(fill(m, pid, a, n, 6), 0);
	check_machine(m);
	assert_true(ev(m, PGSTEAL_FILE) - steal0 >= nf / 2);
	assert_true(node_stat(m, NR_FILE_PAGES) - node_stat(m, NR_SWAPCACHE) < cache0 - (long)nf / 2);
	refault0 = node_stat(m, WORKINGSET_REFAULT_FILE);
	activate0 = node_stat(m, WORKINGSET_ACTIVATE_FILE);
	assert_int_equal(verify_file(m, pid, fd, nf, 5), 0);
	assert_true(node_stat(m, WORKINGSET_REFAULT_FILE) - refault0 >= (long)nf / 4);
	/* evicted recently (distance within the workingset): they start active */
	assert_true(node_stat(m, WORKINGSET_ACTIVATE_FILE) - activate0 > 0);
	assert_int_equal(verify(m, pid, a, n, 6), 0);
	check_machine(m);
	assert_int_equal(mmsim_close(m, pid, fd), 0);
	mmsim_shutdown(m);
}

/*
 * The opposite: anonymous memory already resident, then a big file read:
 * the reads evict cache first; the anonymous pages keep their bytes
 * whatever was swapped.
 */
static void test_file_pressure_keeps_anon(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=2 swap=64M");
	int pid = mmsim_spawn(m, "reader");
	unsigned long na = 24 * MB / PG, nf = 64 * MB / PG;
	unsigned long steal0 = ev(m, PGSTEAL_FILE);
	uint64_t a;
	int fd;

	(void)state;
	a = map_anon(m, pid, na);
	assert_int_equal(fill(m, pid, a, na, 8), 0);
	fd = make_file(m, pid, "/big", nf, 9);
	assert_int_equal(verify_file(m, pid, fd, nf, 9), 0);
	assert_true(ev(m, PGSTEAL_FILE) - steal0 >= nf / 4);
	check_machine(m);
	assert_int_equal(verify(m, pid, a, na, 8), 0);
	check_machine(m);
	assert_int_equal(mmsim_close(m, pid, fd), 0);
	mmsim_shutdown(m);
}

/* Shared anonymous memory (shmem) goes to swap too, through shmem_writeout. */
static void test_shmem_swaps(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=2 swap=64M");
	int pid = mmsim_spawn(m, "shm");
	unsigned long ns = 16 * MB / PG, n = 64 * MB / PG;
	int64_t s;
	long shmem0;
	uint64_t a;

	(void)state;
	s = mmsim_mmap(m, pid, 0, ns * PG, RW, MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
	assert_true(s > 0);
	assert_int_equal(fill(m, pid, (uint64_t)s, ns, 10), 0);
	shmem0 = node_stat(m, NR_SHMEM);
	assert_true(shmem0 >= (long)ns);
	a = map_anon(m, pid, n);
	assert_int_equal(fill(m, pid, a, n, 11), 0);
	check_machine(m);
	assert_true(node_stat(m, NR_SHMEM) < shmem0);	/* some went to swap */
	assert_int_equal(verify(m, pid, (uint64_t)s, ns, 10), 0);
	assert_int_equal(verify(m, pid, a, n, 11), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/*
 * OOM only when swap is full: a hog growing past RAM + swap fills swap
 * first, then the OOM killer picks it (the biggest), not the small one.
 */
static void test_oom_after_swap_full(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=2 swap=16M");
	int small = mmsim_spawn(m, "small"), hog = mmsim_spawn(m, "hog");
	unsigned long n = 128 * MB / PG, done = 0;
	long swap_free_before_kill = -1;
	char *log;
	uint64_t a, b;

	(void)state;
	b = map_anon(m, small, 4 * MB / PG);
	assert_int_equal(fill(m, small, b, 4 * MB / PG, 12), 0);
	a = map_anon(m, hog, n);
	while (done < n) {
		swap_free_before_kill = get_nr_swap_pages(m);
		if (fill(m, hog, a + done * PG, CHUNK, 13) || !alive(m, hog))
			break;
		assert_int_equal(ev(m, OOM_KILL), 0);
		done += CHUNK;
	}
	/* the kill came only with swap (almost) full */
	assert_true(swap_free_before_kill >= 0);
	assert_true(swap_free_before_kill < total_swap_pages(m) / 8);
	assert_false(alive(m, hog));
	assert_true(alive(m, small));
	assert_int_equal(ev(m, OOM_KILL), 1);
	assert_true((long)ev(m, PSWPOUT) >= total_swap_pages(m) * 3 / 4);
	log = mmsim_dmesg(m, NULL);
	assert_non_null(strstr(log, "Killed process"));
	assert_non_null(strstr(log, "(hog)"));
	free(log);
	assert_int_equal(verify(m, small, b, 4 * MB / PG, 12), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_cache_evicted),
		cmocka_unit_test(test_file_pressure_keeps_anon),
		cmocka_unit_test(test_shmem_swaps),
		cmocka_unit_test(test_oom_after_swap_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
