/*
 * test_madvise.c - madvise(2), mincore(2) and msync(2): what each advice
 * does to the VMAs (splits, merges, VmFlags), to the pages (DONTNEED then
 * new zero-filled faults, FREE's clean lazy-free pages, COLD's old ptes,
 * POPULATE's faults), to the page tables (PT_RECLAIM), the errno of bad
 * calls, and the advice name table.
 *
 * Expected layouts, flags and errno were checked on the host (Linux 6.18,
 * THP off) with the same calls at the same relative addresses.
 */
#include "swap.h"
#include "mman.h"
#include "syscall_test.h"


static int madv(struct st *st, long n, long pages, int advice)
{
	return mmsim_madvise(st->m, st->pid, A(n), (uint64_t)pages * PG, advice);
}

static void test_dontneed(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned long f;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	for (long i = 0; i < 16; i++)
		write_byte(st, i, (unsigned char)(i + 1));
	assert_int_equal(smaps_kb(st, 0, "Rss"), 64);
	assert_int_equal(madv(st, 4, 8, MADV_DONTNEED), 0);
	assert_layout(st, "[0,16) rw-p");
	assert_int_equal(smaps_kb(st, 0, "Rss"), 32);
	/* The pages are gone: reading faults again and finds zeroes. */
	f = minflt(st);
	for (long i = 4; i < 12; i++)
		assert_int_equal(read_byte(st, i), 0);
	assert_int_equal(minflt(st) - f, 8);
	assert_int_equal(read_byte(st, 3), 4);
	assert_int_equal(read_byte(st, 12), 13);
	/* Shared memory: DONTNEED drops this mapping's ptes, the data stays in shmem. */
	map_at(st, 20, 4, RW, SHANON);
	write_byte(st, 20, 0x77);
	assert_int_equal(madv(st, 20, 4, MADV_DONTNEED), 0);
	assert_int_equal(smaps_kb(st, 20, "Rss"), 0);
	assert_int_equal(read_byte(st, 20), 0x77);
	st_free(st);
}

/* CONFIG_PT_RECLAIM: a pte table whose whole 2 MiB was zapped is freed. */
static void test_dontneed_frees_empty_pte_tables(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long pte0;

	(void)state;
	map_at(st, 0, 1024, RW, ANON);
	assert_int_equal(touch(st, 0, 1024, 1), 0);
	pte0 = status_kb(st, "VmPTE");
	assert_int_equal(madv(st, 0, 1024, MADV_DONTNEED), 0);
	assert_int_equal(status_kb(st, "VmPTE"), pte0 - 8);
	/* Half a table zapped: the table stays. */
	assert_int_equal(touch(st, 0, 1024, 1), 0);
	assert_int_equal(status_kb(st, "VmPTE"), pte0);
	assert_int_equal(madv(st, 0, 256, MADV_DONTNEED), 0);
	assert_int_equal(status_kb(st, "VmPTE"), pte0);
	st_free(st);
}

static void test_madv_free(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long long lazy0;
	unsigned long f;

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	map_at(st, 10, 4, RW, SHANON);
	for (long i = 0; i < 4; i++)
		write_byte(st, i, 7);
	assert_int_equal(smaps_kb(st, 0, "Private_Dirty"), 16);
	lazy0 = vmstat_count(st, "pglazyfree");
	assert_int_equal(madv(st, 0, 4, MADV_FREE), 0);
	/* the moves wait in the per-CPU lazyfree batch, as on Linux */
	assert_int_equal(vmstat_count(st, "pglazyfree") - lazy0, 0);
	assert_int_equal(smaps_kb(st, 0, "LazyFree"), 0);
	lru_add_drain_all(st->m);
	assert_int_equal(vmstat_count(st, "pglazyfree") - lazy0, 4);
	assert_int_equal(smaps_kb(st, 0, "Private_Dirty"), 0);
	assert_int_equal(smaps_kb(st, 0, "Private_Clean"), 16);
	assert_int_equal(smaps_kb(st, 0, "Referenced"), 0);
	assert_int_equal(smaps_kb(st, 0, "LazyFree"), 16);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 16);
	/* Not reclaimed (no reclaim yet): the data is still there, no fault. */
	f = minflt(st);
	assert_int_equal(read_byte(st, 0), 7);
	assert_int_equal(minflt(st) - f, 0);
	/* Only private anonymous memory can be freed lazily. */
	assert_int_equal(madv(st, 10, 4, MADV_FREE), -EINVAL);
	/* Holes: the mapped part is done, then -ENOMEM; a later bad VMA is -EINVAL. */
	assert_int_equal(madv(st, 0, 8, MADV_FREE), -ENOMEM);
	assert_int_equal(madv(st, 0, 14, MADV_FREE), -EINVAL);
	st_free(st);
}

static void test_flag_advice(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	map_at(st, 20, 4, RW, SHANON);
	assert_int_equal(madv(st, 0, 1, MADV_MERGEABLE), 0);
	assert_layout(st, "[0,1) rw-p [1,16) rw-p [20,24) rw-s");
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me ac mg");
	/* A hole does not stop the walk: every VMA gets the advice, then -ENOMEM. */
	assert_int_equal(madv(st, 0, 24, MADV_DONTFORK), -ENOMEM);
	assert_string_equal(vmflags(st, 20), "rd wr sh mr mw me ms dc");
	assert_string_equal(vmflags(st, 1), "rd wr mr mw me dc ac");
	assert_int_equal(madv(st, 0, 24, MADV_DOFORK), -ENOMEM);
	assert_string_equal(vmflags(st, 20), "rd wr sh mr mw me ms");
	assert_int_equal(madv(st, 0, 1, MADV_UNMERGEABLE), 0);
	assert_layout(st, "[0,16) rw-p [20,24) rw-s");

	assert_int_equal(madv(st, 0, 1, MADV_HUGEPAGE), 0);
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me ac hg");
	assert_int_equal(madv(st, 0, 1, MADV_NOHUGEPAGE), 0);
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me ac nh");
	assert_layout(st, "[0,1) rw-p [1,16) rw-p [20,24) rw-s");

	assert_int_equal(madv(st, 12, 2, MADV_WIPEONFORK), 0);
	assert_string_equal(vmflags(st, 12), "rd wr mr mw me ac wf");
	assert_int_equal(madv(st, 20, 1, MADV_WIPEONFORK), -EINVAL);
	assert_int_equal(madv(st, 12, 2, MADV_KEEPONFORK), 0);
	assert_int_equal(madv(st, 12, 2, MADV_DONTDUMP), 0);
	assert_string_equal(vmflags(st, 12), "rd wr mr mw me ac dd");
	assert_int_equal(madv(st, 12, 2, MADV_RANDOM), 0);
	assert_string_equal(vmflags(st, 12), "rd wr mr mw me rr ac dd");
	assert_int_equal(madv(st, 12, 2, MADV_SEQUENTIAL), 0);
	assert_string_equal(vmflags(st, 12), "rd wr mr mw me sr ac dd");
	assert_layout(st, "[0,1) rw-p [1,12) rw-p [12,14) rw-p [14,16) rw-p [20,24) rw-s");
	assert_int_equal(madv(st, 12, 2, MADV_NORMAL), 0);
	assert_int_equal(madv(st, 12, 2, MADV_DODUMP), 0);
	assert_layout(st, "[0,1) rw-p [1,16) rw-p [20,24) rw-s");
	st_free(st);
}

/* DONTFORK and WIPEONFORK as a child sees them. */
static void test_fork_advice(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct st child;
	int cpid;

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	map_at(st, 10, 4, RW, ANON);
	write_byte(st, 0, 1);
	write_byte(st, 10, 2);
	assert_int_equal(madv(st, 0, 4, MADV_DONTFORK), 0);
	assert_int_equal(madv(st, 10, 4, MADV_WIPEONFORK), 0);
	cpid = mmsim_fork(st->m, st->pid);
	assert_true(cpid > 0);
	child = *st;
	child.pid = cpid;
	assert_layout(&child, "[10,14) rw-p");
	assert_int_equal(read_byte(&child, 10), 0);
	assert_int_equal(read_byte(st, 10), 2);
	assert_int_equal(mmsim_exit(st->m, cpid, 0), 0);
	st_free(st);
}

static void test_populate(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned long f;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	map_at(st, 20, 4, RW, SHANON);
	map_at(st, 40, 4, MMSIM_PROT_READ, ANON);
	map_at(st, 50, 4, MMSIM_PROT_NONE, ANON);

	/* A read populate of private memory maps the zero page: no RSS. */
	f = minflt(st);
	assert_int_equal(madv(st, 0, 8, MADV_POPULATE_READ), 0);
	assert_int_equal(minflt(st) - f, 8);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 0);
	/* A write populate breaks COW now. */
	f = minflt(st);
	assert_int_equal(madv(st, 0, 8, MADV_POPULATE_WRITE), 0);
	assert_int_equal(minflt(st) - f, 8);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 32);
	/* Populated pages cost nothing more. */
	f = minflt(st);
	assert_int_equal(madv(st, 0, 8, MADV_POPULATE_WRITE), 0);
	assert_int_equal(touch(st, 0, 8, 1), 0);
	assert_int_equal(minflt(st) - f, 0);

	assert_int_equal(madv(st, 20, 4, MADV_POPULATE_READ), 0);
	assert_int_equal(madv(st, 20, 4, MADV_POPULATE_WRITE), 0);
	assert_int_equal(smaps_kb(st, 20, "Rss"), 16);

	assert_int_equal(madv(st, 40, 4, MADV_POPULATE_WRITE), -EINVAL);
	assert_int_equal(madv(st, 40, 4, MADV_POPULATE_READ), 0);
	assert_int_equal(madv(st, 50, 4, MADV_POPULATE_READ), -EINVAL);
	/* Holes stop the populate with -ENOMEM. */
	assert_int_equal(madv(st, 0, 24, MADV_POPULATE_READ), -ENOMEM);
	assert_int_equal(madv(st, 40, 8, MADV_POPULATE_READ), -ENOMEM);
	assert_int_equal(madv(st, 44, 8, MADV_POPULATE_READ), -ENOMEM);
	st_free(st);
}

static void test_cold(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	assert_int_equal(touch(st, 0, 4, 1), 0);
	assert_int_equal(smaps_kb(st, 0, "Referenced"), 16);
	assert_int_equal(madv(st, 0, 4, MADV_COLD), 0);
	assert_int_equal(smaps_kb(st, 0, "Referenced"), 0);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 16);
	assert_int_equal(madv(st, 0, 4, MADV_PAGEOUT), 0);
	assert_int_equal(mmsim_mlock(st->m, st->pid, A(0), 4 * PG), 0);
	assert_int_equal(madv(st, 0, 4, MADV_COLD), -EINVAL);
	assert_int_equal(madv(st, 0, 4, MADV_PAGEOUT), -EINVAL);
	assert_int_equal(madv(st, 0, 4, MADV_FREE), -EINVAL);
	st_free(st);
}

static void test_errno(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	int p = st->pid;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	map_at(st, 20, 4, RW, SHANON);
	assert_int_equal(mmsim_madvise(st->m, p, A(0) + 1, PG, MADV_DONTNEED), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, p, A(0), 0, MADV_DONTNEED), 0);
	assert_int_equal(mmsim_madvise(st->m, p, A(0), 0, 77), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, p, A(0) + 1, 0, 77), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, p, A(100), 0, MADV_DONTNEED), 0);
	assert_int_equal(mmsim_madvise(st->m, p, A(100), PG, MADV_DONTNEED), -ENOMEM);
	assert_int_equal(mmsim_madvise(st->m, p, A(100), (uint64_t)-1, MADV_DONTNEED), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, p, A(100), (uint64_t)-4096, MADV_DONTNEED), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, p, A(0), PG, MADV_HWPOISON), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, p, A(0), PG, MADV_REMOVE), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, p, A(0), PG, MADV_COLLAPSE), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, p, A(0), 24 * PG, MADV_WILLNEED), -ENOMEM);
	assert_int_equal(mmsim_madvise(st->m, p, A(30), 24 * PG, MADV_WILLNEED), -ENOMEM);
	assert_int_equal(mmsim_madvise(st->m, p, A(0), 16 * PG, MADV_WILLNEED), 0);
	st_free(st);
}

/* MADV_REMOVE punches a hole in shared memory: every mapping sees zeroes. */
static void test_remove(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct st child;
	int cpid;

	(void)state;
	map_at(st, 0, 4, RW, SHANON);
	for (long i = 0; i < 4; i++)
		write_byte(st, i, (unsigned char)(0x10 + i));
	cpid = mmsim_fork(st->m, st->pid);
	assert_true(cpid > 0);
	child = *st;
	child.pid = cpid;
	assert_int_equal(read_byte(&child, 3), 0x13);
	assert_int_equal(madv(st, 1, 1, MADV_REMOVE), 0);
	assert_int_equal(madv(st, 3, 1, MADV_REMOVE), 0);
	assert_int_equal(read_byte(st, 1), 0);
	assert_int_equal(read_byte(&child, 3), 0);
	assert_int_equal(read_byte(&child, 2), 0x12);
	assert_int_equal(mmsim_exit(st->m, cpid, 0), 0);
	st_free(st);
}

static void test_names(void **state)
{
	static const char *const names[] = {
		"normal", "random", "sequential", "willneed", "dontneed", "free", "remove",
		"dontfork", "dofork", "mergeable", "unmergeable", "hugepage", "nohugepage",
		"dontdump", "dodump", "wipeonfork", "keeponfork", "cold", "pageout",
		"populate_read", "populate_write", "dontneed_locked", "collapse", "hwpoison",
	};
	static const int values[] = { 0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
				      19, 20, 21, 22, 23, 24, 25, 100 };

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		assert_int_equal(mmsim_madvise_parse(names[i]), values[i]);
	assert_int_equal(mmsim_madvise_parse("DONTNEED"), -1);
	assert_int_equal(mmsim_madvise_parse("nonsense"), -1);
	assert_int_equal(mmsim_madvise_parse(""), -1);
	assert_int_equal(mmsim_madvise_parse(NULL), -1);
}

static void test_mincore(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned char vec[64];
	int p = st->pid;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	map_at(st, 20, 4, RW, SHANON);
	assert_int_equal(touch(st, 0, 1, 1), 0);
	assert_int_equal(touch(st, 2, 1, 0), 0);	/* the zero page counts */
	memset(vec, 0xaa, sizeof(vec));
	assert_int_equal(mmsim_mincore(st->m, p, A(0), 4 * PG, vec), 0);
	assert_memory_equal(vec, ((unsigned char[]){ 1, 0, 1, 0, 0xaa }), 5);
	/* A partial page counts as a page. */
	assert_int_equal(mmsim_mincore(st->m, p, A(0), 4 * PG + 1, vec), 0);
	assert_int_equal(vec[4], 0);

	/* Shmem: in the cache counts, mapped here or not. */
	write_byte(st, 21, 1);
	assert_int_equal(madv(st, 20, 4, MADV_DONTNEED), 0);
	assert_int_equal(mmsim_mincore(st->m, p, A(20), 4 * PG, vec), 0);
	assert_memory_equal(vec, ((unsigned char[]){ 0, 1, 0, 0 }), 4);

	assert_int_equal(mmsim_mincore(st->m, p, A(0) + 1, PG, vec), -EINVAL);
	assert_int_equal(mmsim_mincore(st->m, p, A(0), 40 * PG, vec), -ENOMEM);
	assert_int_equal(mmsim_mincore(st->m, p, A(17), 2 * PG, vec), -ENOMEM);
	assert_int_equal(mmsim_mincore(st->m, p, A(0), 0, vec), 0);
	assert_int_equal(mmsim_mincore(st->m, p, A(100), 0, vec), 0);
	assert_int_equal(mmsim_mincore(st->m, p, A(0), 1UL << 47, vec), -ENOMEM);
	assert_int_equal(mmsim_mincore(st->m, p, A(0), (uint64_t)-4096, vec), -ENOMEM);
	assert_int_equal(mmsim_mincore(st->m, p, (1UL << 47) - PG, PG, vec), -ENOMEM);
	st_free(st);
}

static void test_msync(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	int p = st->pid;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	map_at(st, 20, 4, RW, ANON);
	assert_int_equal(mmsim_msync(st->m, p, A(0), PG, 0), 0);
	assert_int_equal(mmsim_msync(st->m, p, A(0), PG, MMSIM_MS_ASYNC | MMSIM_MS_SYNC), -EINVAL);
	assert_int_equal(mmsim_msync(st->m, p, A(0), PG, 8), -EINVAL);
	assert_int_equal(mmsim_msync(st->m, p, A(0) + 1, PG, MMSIM_MS_SYNC), -EINVAL);
	assert_int_equal(mmsim_msync(st->m, p, A(0), 40 * PG, MMSIM_MS_SYNC), -ENOMEM);
	assert_int_equal(mmsim_msync(st->m, p, A(0), 40 * PG, MMSIM_MS_ASYNC), -ENOMEM);
	assert_int_equal(mmsim_msync(st->m, p, A(17), 2 * PG, MMSIM_MS_ASYNC), -ENOMEM);
	assert_int_equal(mmsim_msync(st->m, p, A(17), 2 * PG, MMSIM_MS_SYNC), -ENOMEM);
	assert_int_equal(mmsim_msync(st->m, p, A(0), 24 * PG, MMSIM_MS_SYNC), -ENOMEM);
	assert_int_equal(mmsim_msync(st->m, p, A(0), 0, MMSIM_MS_SYNC), 0);
	assert_int_equal(mmsim_msync(st->m, p, A(0), (uint64_t)-1, MMSIM_MS_SYNC), 0);
	assert_int_equal(mmsim_msync(st->m, p, A(0), (uint64_t)-4096, MMSIM_MS_SYNC), -ENOMEM);
	assert_int_equal(mmsim_msync(st->m, p, A(100), PG, MMSIM_MS_INVALIDATE), -ENOMEM);
	assert_int_equal(mmsim_mlock(st->m, p, A(0), PG), 0);
	assert_int_equal(mmsim_msync(st->m, p, A(0), PG, MMSIM_MS_INVALIDATE), -EBUSY);
	assert_int_equal(mmsim_msync(st->m, p, A(0), PG, MMSIM_MS_SYNC), 0);
	st_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dontneed),
		cmocka_unit_test(test_dontneed_frees_empty_pte_tables),
		cmocka_unit_test(test_madv_free),
		cmocka_unit_test(test_flag_advice),
		cmocka_unit_test(test_fork_advice),
		cmocka_unit_test(test_populate),
		cmocka_unit_test(test_cold),
		cmocka_unit_test(test_errno),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_mincore),
		cmocka_unit_test(test_msync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
