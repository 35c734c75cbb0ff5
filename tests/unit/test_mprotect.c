/*
 * test_mprotect.c - mprotect(2): VMA splits and merges, the errno of bad
 * calls, the commit charge, the pte permissions the MMU then sees (TLB
 * flushed, COW kept, exclusive pages upgraded without a fault).
 *
 * Every expected layout and errno was checked on the host (Linux 6.18,
 * THP off) with the same calls at the same relative addresses.
 */
#include "syscall_test.h"

#define PROT_SEM	0x8
#define PROT_GROWSDOWN	0x01000000
#define PROT_GROWSUP	0x02000000

static void test_split_and_merge(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(4), 4 * PG, MMSIM_PROT_READ), 0);
	assert_layout(st, "[0,4) rw-p [4,8) r--p [8,16) rw-p");
	/* Back to the neighbours' protection: the three merge again. */
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(4), 4 * PG, RW), 0);
	assert_layout(st, "[0,16) rw-p");
	/* The head and the tail: two pieces each. */
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 2 * PG, MMSIM_PROT_NONE), 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(14), 2 * PG, MMSIM_PROT_EXEC), 0);
	assert_layout(st, "[0,2) ---p [2,14) rw-p [14,16) --xp");
	/* Across three VMAs at once, merging them into one. */
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 16 * PG, MMSIM_PROT_READ), 0);
	assert_layout(st, "[0,16) r--p");
	/* Same protection again: nothing changes. */
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(3), PG, MMSIM_PROT_READ), 0);
	assert_layout(st, "[0,16) r--p");
	st_free(st);
}

static void test_errno(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	int p = st->pid;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0) + 1, PG, MMSIM_PROT_READ), -EINVAL);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0) + 1, 0, MMSIM_PROT_READ), -EINVAL);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), 0, MMSIM_PROT_READ), 0);
	assert_int_equal(mmsim_mprotect(st->m, p, A(100), 0, MMSIM_PROT_READ), 0);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), PG, 0x10), -EINVAL);
	assert_int_equal(mmsim_mprotect(st->m, p, A(100), 4 * PG, 0x10), -EINVAL);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), PG, MMSIM_PROT_READ | PROT_SEM), 0);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), PG, MMSIM_PROT_READ | PROT_GROWSDOWN), -EINVAL);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), PG, MMSIM_PROT_READ | PROT_GROWSUP), -EINVAL);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), PG,
					MMSIM_PROT_READ | PROT_GROWSUP | PROT_GROWSDOWN), -EINVAL);
	/* An end that wraps fails before anything is looked at. */
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), (uint64_t)-4096, MMSIM_PROT_READ), -ENOMEM);
	assert_int_equal(mmsim_mprotect(st->m, p, A(20), 4 * PG, MMSIM_PROT_READ), -ENOMEM);
	assert_layout(st, "[0,1) r--p [1,16) rw-p");
	/* A hole after the VMAs: the part before it has changed (and merged). */
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), 1UL << 47, MMSIM_PROT_READ), -ENOMEM);
	assert_layout(st, "[0,16) r--p");
	assert_int_equal(mmsim_mprotect(st->m, p, A(4), 32 * PG, RW), -ENOMEM);
	assert_layout(st, "[0,4) r--p [4,16) rw-p");
	/* A hole between two VMAs: the second is left alone. */
	map_at(st, 20, 4, RW, ANON);
	assert_int_equal(mmsim_mprotect(st->m, p, A(0), 24 * PG, RW), -ENOMEM);
	assert_layout(st, "[0,16) rw-p [20,24) rw-p");
	st_free(st);
}

static void test_growsdown(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 600, 4, RW, ANON | MMSIM_MAP_GROWSDOWN);
	map_at(st, 0, 4, RW, ANON);
	/* PROT_GROWSDOWN extends the change down to the start of the stack VMA. */
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(601), PG,
					MMSIM_PROT_READ | PROT_GROWSDOWN), 0);
	assert_layout(st, "[0,4) rw-p [600,602) r--p [602,604) rw-p");
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), PG,
					MMSIM_PROT_READ | PROT_GROWSDOWN), -EINVAL);
	st_free(st);
}

/* What the MMU sees: a right taken away is gone from every TLB at once. */
static void test_access_after_mprotect(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	assert_int_equal(touch(st, 0, 4, 1), 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, MMSIM_PROT_READ), 0);
	assert_int_equal(touch_fault_code(st, 1, 1), 2 /* SEGV_ACCERR */);
	assert_int_equal(touch(st, 1, 1, 0), 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, MMSIM_PROT_NONE), 0);
	assert_int_equal(touch_fault_code(st, 2, 0), 2);
	/* The data survived both changes. */
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, RW), 0);
	write_byte(st, 3, 0x5a);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, MMSIM_PROT_READ), 0);
	assert_int_equal(read_byte(st, 3), 0x5a);
	st_free(st);
}

/*
 * Making a private mapping writable again: pages this process owns alone
 * are mapped writable at once (no fault on the next write); pages shared
 * with a child after fork stay read-only until the write copies them.
 */
static void test_write_upgrade(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned long f;
	int child;

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	assert_int_equal(touch(st, 0, 4, 1), 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, MMSIM_PROT_READ), 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, RW), 0);
	f = minflt(st);
	assert_int_equal(touch(st, 0, 4, 1), 0);
	assert_int_equal(minflt(st) - f, 0);

	child = mmsim_fork(st->m, st->pid);
	assert_true(child > 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, MMSIM_PROT_READ), 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, RW), 0);
	f = minflt(st);
	assert_int_equal(touch(st, 0, 4, 1), 0);
	assert_int_equal(minflt(st) - f, 4);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	st_free(st);
}

/*
 * Read-only private memory read once, then made writable: with the zero
 * page the write still faults (the zero page is never made writable);
 * without it (the host's configuration) the private page read in is
 * exclusive and upgraded, so the write costs nothing.
 */
static void test_read_then_mprotect_write(void **state)
{
	const char *const opts[] = { "mem=256M cpus=2", "mem=256M cpus=2 zero_page=0" };
	const unsigned long faults[] = { 1, 0 };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct st *st = st_new(opts[i]);
		unsigned long f;

		map_at(st, 0, 4, MMSIM_PROT_READ, ANON);
		assert_int_equal(touch(st, 0, 1, 0), 0);
		assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 4 * PG, RW), 0);
		f = minflt(st);
		assert_int_equal(touch(st, 0, 1, 1), 0);
		assert_int_equal(minflt(st) - f, faults[i]);
		st_free(st);
	}
}

/*
 * The commit charge: a private writable mapping is charged; made
 * PROT_NONE before any page was touched it gives the charge back (and
 * loses "ac"); made writable again it is charged again.
 */
static void test_commit_charge(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long c0, c1;

	(void)state;
	c0 = meminfo_kb(st, "Committed_AS");
	map_at(st, 0, 256, RW, ANON);
	c1 = meminfo_kb(st, "Committed_AS");
	assert_int_equal(c1 - c0, 1024);
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me ac");
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 256 * PG, MMSIM_PROT_NONE), 0);
	assert_int_equal(meminfo_kb(st, "Committed_AS"), c0);
	assert_string_equal(vmflags(st, 0), "mr mw me");
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 256 * PG, RW), 0);
	assert_int_equal(meminfo_kb(st, "Committed_AS"), c1);
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me ac");
	/* Touched, the charge stays even when read-only. */
	assert_int_equal(touch(st, 0, 1, 1), 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 256 * PG, MMSIM_PROT_READ), 0);
	assert_int_equal(meminfo_kb(st, "Committed_AS"), c1);
	assert_string_equal(vmflags(st, 0), "rd mr mw me ac");
	st_free(st);
}

/*
 * data_vm and exec_vm follow the kind of mapping each piece becomes
 * (status shows exec_vm beyond the program text as VmLib).
 */
static void test_vm_stat_account(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long data0, exe0, lib0;

	(void)state;
	map_at(st, 0, 64, RW, ANON);
	data0 = status_kb(st, "VmData");
	exe0 = status_kb(st, "VmExe");
	lib0 = status_kb(st, "VmLib");
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 16 * PG,
					MMSIM_PROT_READ | MMSIM_PROT_EXEC), 0);
	assert_int_equal(status_kb(st, "VmData"), data0 - 64);
	assert_int_equal(status_kb(st, "VmExe"), exe0);
	assert_int_equal(status_kb(st, "VmLib"), lib0 + 64);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(0), 16 * PG, RW), 0);
	assert_int_equal(status_kb(st, "VmData"), data0);
	assert_int_equal(status_kb(st, "VmLib"), lib0);
	st_free(st);
}

/* Shared anonymous memory: writable shmem ptes stay writable; no charge. */
static void test_shared(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long c0;
	unsigned long f;

	(void)state;
	map_at(st, 0, 8, RW, SHANON);
	c0 = meminfo_kb(st, "Committed_AS");
	assert_int_equal(touch(st, 0, 8, 1), 0);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(2), 2 * PG, MMSIM_PROT_READ), 0);
	assert_layout(st, "[0,2) rw-s [2,4) r--s [4,8) rw-s");
	assert_int_equal(touch_fault_code(st, 2, 1), 2);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(2), 2 * PG, RW), 0);
	assert_layout(st, "[0,8) rw-s");
	f = minflt(st);
	assert_int_equal(touch(st, 0, 8, 1), 0);
	assert_int_equal(minflt(st) - f, 0);
	assert_int_equal(meminfo_kb(st, "Committed_AS"), c0);
	st_free(st);
}

/*
 * Fault sweep: a split that cannot allocate its VMA (or anon_vma chain)
 * makes mprotect fail with -ENOMEM; whatever was done stays consistent,
 * the data and protections stay as they were.
 */
static void test_split_fault_sweep(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	bool succeeded = false;

	(void)state;
	for (unsigned long n = 1; n <= 12; n++) {
		int r;

		map_at(st, 0, 16, RW, ANON);
		write_byte(st, 5, 0x33);
		mmsim_fail_nth(st->m, "slab", n, 0);
		r = mmsim_mprotect(st->m, st->pid, A(4), 4 * PG, MMSIM_PROT_READ);
		mmsim_fail_nth(st->m, "slab", 0, 0);
		check_machine(st->m);
		if (r) {
			assert_int_equal(r, -ENOMEM);
			assert_int_equal(touch(st, 4, 4, 1), 0);	/* still writable */
		} else {
			succeeded = true;
			assert_layout(st, "[0,4) rw-p [4,8) r--p [8,16) rw-p");
		}
		assert_int_equal(read_byte(st, 5), 0x33);
		assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), 16 * PG), 0);
	}
	assert_true(succeeded);
	st_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_and_merge),
		cmocka_unit_test(test_errno),
		cmocka_unit_test(test_growsdown),
		cmocka_unit_test(test_access_after_mprotect),
		cmocka_unit_test(test_write_upgrade),
		cmocka_unit_test(test_read_then_mprotect_write),
		cmocka_unit_test(test_commit_charge),
		cmocka_unit_test(test_vm_stat_account),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_split_fault_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
