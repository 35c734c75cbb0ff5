/*
 * test_reclaim.c - reclaim really reclaims (issue 5, wave 2): under
 * memory pressure shrink_folio_list swaps anonymous pages out (add_to_swap,
 * try_to_unmap, swap_writepage, __remove_mapping), evicts clean page-cache
 * folios of disk files, leaves workingset shadows that refaults find, and
 * MADV_PAGEOUT swaps. Every scenario checks the data (the bytes come back
 * identical), the counters that move (pswpout/pswpin, pgsteal_*, pgscan_*,
 * workingset_refault_*), and ends with check_machine (validate_lru,
 * validate_swap, validate_page_cache among the validators).
 *
 * Machines are small (64 MiB) so that a pass over memory stays well under
 * a second in the debug+sanitizer build.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mm.h"
#include "memory.h"
#include "mmsim/mmsim.h"
#include "sched.h"
#include "swap.h"

#define PG	4096UL
#define MB	(1UL << 20)
#define RW	(MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON	(MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)
#define CHUNK	64	/* pages per mmsim_write/read call */

static unsigned long ev(struct machine *m, enum vm_event_item i)
{
	return m->vm_events[i];
}

static long node_stat(struct machine *m, enum node_stat_item i)
{
	return global_node_page_state(m, i);
}

static uint64_t map_anon(struct machine *m, int pid, unsigned long pages)
{
	int64_t a = mmsim_mmap(m, pid, 0, pages * PG, RW, ANON | MMSIM_MAP_NORESERVE, -1, 0);

	assert_true(a > 0);
	return (uint64_t)a;
}

/* Page i's bytes: a pattern that differs per page and per word. */
static void pattern(unsigned char *buf, unsigned long first, unsigned long pages, unsigned seed)
{
	for (unsigned long p = 0; p < pages; p++)
		for (unsigned long w = 0; w < PG / 8; w++) {
			uint64_t v = ((first + p) << 20) ^ (w * 2654435761UL) ^ seed;

			memcpy(buf + p * PG + w * 8, &v, 8);
		}
}

/* Write the pattern into pages [0, n) at a; 0 or the first error. */
static int fill(struct machine *m, int pid, uint64_t a, unsigned long n, unsigned seed)
{
	unsigned char *buf = malloc(CHUNK * PG);
	struct mmsim_fault f;
	int ret = 0;

	for (unsigned long i = 0; i < n && !ret; i += CHUNK) {
		unsigned long k = n - i < CHUNK ? n - i : CHUNK;

		pattern(buf, i, k, seed);
		ret = mmsim_write(m, pid, a + i * PG, buf, k * PG, &f);
	}
	free(buf);
	return ret;
}

/* Read pages [0, n) back and compare with the pattern: mismatching pages. */
static unsigned long verify(struct machine *m, int pid, uint64_t a, unsigned long n, unsigned seed)
{
	unsigned char *buf = malloc(CHUNK * PG), *want = malloc(CHUNK * PG);
	struct mmsim_fault f;
	unsigned long bad = 0;

	for (unsigned long i = 0; i < n; i += CHUNK) {
		unsigned long k = n - i < CHUNK ? n - i : CHUNK;

		pattern(want, i, k, seed);
		assert_int_equal(mmsim_read(m, pid, a + i * PG, buf, k * PG, &f), 0);
		for (unsigned long p = 0; p < k; p++)
			bad += memcmp(buf + p * PG, want + p * PG, PG) != 0;
	}
	free(buf);
	free(want);
	return bad;
}

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
