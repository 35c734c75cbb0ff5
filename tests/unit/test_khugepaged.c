/*
 * test_khugepaged.c - the khugepaged thread (mm/khugepaged.c) on the
 * simulated clock: its sysfs knobs (defaults as the host's 6.18 shows
 * them, Linux's bounds on writes), registration by MADV_HUGEPAGE, a
 * collapse at the first wake-up, the max_ptes_none/max_ptes_shared rules
 * and their thp_scan_exceed_* counters, exit leaving the list, enabled
 * switched to never. check_machine runs the validators after each step.
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down; time is the simulated clock only, never
 * the host's.
 */
#include "syscall_test.h"
#include "machine.h"

#define HP		(2UL << 20)
#define HPAGES		512L
#define MADV_HUGEPAGE	14
#define KH		"/sys/kernel/mm/transparent_hugepage/khugepaged/"

static long sys_read(struct st *st, const char *path)
{
	size_t len;
	char *text = mmsim_proc_read(st->m, path, &len);
	long v;

	assert_non_null(text);
	v = strtol(text, NULL, 10);
	free(text);
	return v;
}

static char *sys_text(struct st *st, const char *path)
{
	size_t len;

	return mmsim_proc_read(st->m, path, &len);
}

/* 512 small pages written, then MADV_HUGEPAGE: khugepaged's work. */
static void small_block(struct st *st, long n, long written)
{
	map_at(st, n, HPAGES, RW, ANON);
	for (long i = 0; i < written; i++)
		write_byte(st, n + i, (unsigned char)(i + 1));
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(n), HP, MADV_HUGEPAGE), 0);
}

static void test_sysfs_knobs(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	char *t;

	(void)state;
	assert_int_equal(sys_read(st, KH "pages_to_scan"), 4096);
	assert_int_equal(sys_read(st, KH "scan_sleep_millisecs"), 10000);
	assert_int_equal(sys_read(st, KH "alloc_sleep_millisecs"), 60000);
	assert_int_equal(sys_read(st, KH "max_ptes_none"), 511);
	assert_int_equal(sys_read(st, KH "max_ptes_swap"), 64);
	assert_int_equal(sys_read(st, KH "max_ptes_shared"), 256);
	assert_int_equal(sys_read(st, KH "defrag"), 1);
	assert_int_equal(sys_read(st, KH "pages_collapsed"), 0);
	assert_int_equal(sys_read(st, KH "full_scans"), 0);
	t = sys_text(st, "/sys/kernel/mm/transparent_hugepage/enabled");
	assert_string_equal(t, "always [madvise] never\n");
	free(t);
	assert_int_equal(sys_read(st, "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"),
			 2097152);
	/* writes: Linux's bounds */
	assert_int_equal(mmsim_sysfs_write(st->m, KH "max_ptes_none", "100\n"), 0);
	assert_int_equal(sys_read(st, KH "max_ptes_none"), 100);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "max_ptes_none", "512"), -EINVAL);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "max_ptes_shared", "-1"), -EINVAL);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "pages_to_scan", "0"), -EINVAL);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "pages_to_scan", "12x"), -EINVAL);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "defrag", "2"), -EINVAL);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "defrag", "0"), 0);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "pages_collapsed", "1"), -EACCES);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "nosuch", "1"), -ENOENT);
	assert_int_equal(mmsim_sysfs_write(st->m, "/sys/kernel/mm/transparent_hugepage/enabled",
					   "sometimes"), -EINVAL);
	assert_int_equal(mmsim_sysfs_write(st->m, "/sys/kernel/mm/transparent_hugepage/enabled",
					   "always\n"), 0);
	t = sys_text(st, "/sys/kernel/mm/transparent_hugepage/enabled");
	assert_string_equal(t, "[always] madvise never\n");
	free(t);
	st_free(st);
}

/* MADV_HUGEPAGE registers the mm; the next jiffy's scan collapses the block. */
static void test_collapse_on_wakeup(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long long c0 = vmstat_count(st, "thp_collapse_alloc");

	(void)state;
	small_block(st, 0, HPAGES);
	assert_int_equal(mmsim_tick(st->m, 10 * 1000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	assert_int_equal(smaps_kb(st, 0, "AnonHugePages"), 2048);
	assert_int_equal(vmstat_count(st, "thp_collapse_alloc") - c0, 1);
	assert_int_equal(sys_read(st, KH "pages_collapsed"), 1);
	assert_true(sys_read(st, KH "full_scans") >= 1);
	assert_int_equal(read_byte(st, 0), 1);
	assert_int_equal(read_byte(st, 300), (300 + 1) & 0xff);
	check_machine(st->m);
	/* nothing left to do: later passes change nothing */
	assert_int_equal(mmsim_tick(st->m, 30ULL * 1000000000ULL), 0);
	assert_int_equal(sys_read(st, KH "pages_collapsed"), 1);
	st_free(st);
}

/* A sparse block: max_ptes_none decides; the next pass after the sleep retries. */
static void test_max_ptes_none(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long long ex0 = vmstat_count(st, "thp_scan_exceed_none_pte");

	(void)state;
	assert_int_equal(mmsim_sysfs_write(st->m, KH "max_ptes_none", "64"), 0);
	small_block(st, 0, 16);	/* 496 none ptes */
	assert_int_equal(mmsim_tick(st->m, 10 * 1000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(vmstat_count(st, "thp_scan_exceed_none_pte") - ex0, 1);
	check_machine(st->m);
	assert_int_equal(mmsim_sysfs_write(st->m, KH "max_ptes_none", "511"), 0);
	assert_int_equal(mmsim_tick(st->m, 11ULL * 1000000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	assert_int_equal(read_byte(st, 15), 16);
	assert_int_equal(read_byte(st, 16), 0);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 2048);
	check_machine(st->m);
	st_free(st);
}

/* Pages shared with a fork child: max_ptes_shared 0 refuses, the child is registered too. */
static void test_max_ptes_shared_and_exit(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long long ex0 = vmstat_count(st, "thp_scan_exceed_share_pte");
	int child;

	(void)state;
	assert_int_equal(mmsim_sysfs_write(st->m, KH "max_ptes_shared", "0"), 0);
	map_at(st, 0, HPAGES, RW, ANON);
	for (long i = 0; i < 8; i++)
		write_byte(st, i, (unsigned char)(i + 1));
	/* the child first: a registered mm is scanned as soon as the thread wakes */
	child = mmsim_fork(st->m, st->pid);
	assert_true(child > 0);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), HP, MADV_HUGEPAGE), 0);
	assert_int_equal(mmsim_tick(st->m, 10 * 1000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_true(vmstat_count(st, "thp_scan_exceed_share_pte") - ex0 >= 1);
	check_machine(st->m);
	/* the child exits: its slot goes; the parent's pages are its own again */
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	check_machine(st->m);
	/* fork left every pte read-only: SCAN_PAGE_RO until one is written */
	assert_int_equal(mmsim_tick(st->m, 11ULL * 1000000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	write_byte(st, 0, 1);
	assert_int_equal(mmsim_tick(st->m, 11ULL * 1000000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	assert_int_equal(read_byte(st, 7), 8);
	check_machine(st->m);
	st_free(st);
}

/* enabled=never stops the thread; thp=never never registers. */
static void test_never(void **state)
{
	struct st *st = st_new("mem=256M cpus=2 thp=never");

	(void)state;
	small_block(st, 0, HPAGES);
	assert_int_equal(mmsim_tick(st->m, 20ULL * 1000000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(sys_read(st, KH "full_scans"), 0);
	st_free(st);

	/* switched to never at run time: MADV_HUGEPAGE registers nothing */
	st = st_new("mem=256M cpus=2");
	assert_int_equal(mmsim_sysfs_write(st->m, "/sys/kernel/mm/transparent_hugepage/enabled",
					   "never"), 0);
	small_block(st, 0, HPAGES);
	assert_int_equal(mmsim_tick(st->m, 20ULL * 1000000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 0);
	assert_int_equal(mmsim_sysfs_write(st->m, "/sys/kernel/mm/transparent_hugepage/enabled",
					   "madvise"), 0);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), HP, MADV_HUGEPAGE), 0);
	assert_int_equal(mmsim_tick(st->m, 10 * 1000000ULL), 0);
	assert_int_equal(meminfo_kb(st, "AnonHugePages"), 2048);
	check_machine(st->m);
	st_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysfs_knobs),
		cmocka_unit_test(test_collapse_on_wakeup),
		cmocka_unit_test(test_max_ptes_none),
		cmocka_unit_test(test_max_ptes_shared_and_exit),
		cmocka_unit_test(test_never),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
