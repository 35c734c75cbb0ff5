/*
 * test_api_task.c - the "Processes" section of the public API (mmsim.h) as
 * a C user sees it: every call with a pid that does not exist answers
 * -ESRCH, bad arguments answer Linux's errno and never crash, file
 * descriptors are refused until files exist, data calls are refused in
 * metadata-only mode, and the information calls say what happened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"

#define PG	4096ULL
#define RW	(MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON	(MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)

static void test_bad_pid_everywhere(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	unsigned char vec[4];
	char buf[4] = "abc";
	struct mmsim_fault f;
	struct mmsim_task_info info;
	const int pids[] = { 0, -1, 1, 77, 1 << 30 };

	(void)state;
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		int pid = pids[i];

		assert_int_equal(mmsim_fork(m, pid), -ESRCH);
		assert_int_equal(mmsim_clone_vm(m, pid), -ESRCH);
		assert_int_equal(mmsim_exit(m, pid, 0), -ESRCH);
		assert_int_equal(mmsim_exec(m, pid, "x"), -ESRCH);
		assert_int_equal(mmsim_mmap(m, pid, 0, PG, RW, ANON, -1, 0), -ESRCH);
		assert_int_equal(mmsim_munmap(m, pid, 0x10000, PG), -ESRCH);
		assert_int_equal(mmsim_mprotect(m, pid, 0x10000, PG, RW), -ESRCH);
		assert_int_equal(mmsim_mremap(m, pid, 0x10000, PG, 2 * PG, 1, 0), -ESRCH);
		assert_int_equal(mmsim_brk(m, pid, 0), -ESRCH);
		assert_int_equal(mmsim_madvise(m, pid, 0x10000, PG, 4), -ESRCH);
		assert_int_equal(mmsim_mlock(m, pid, 0x10000, PG), -ESRCH);
		assert_int_equal(mmsim_mlock2(m, pid, 0x10000, PG, 1), -ESRCH);
		assert_int_equal(mmsim_munlock(m, pid, 0x10000, PG), -ESRCH);
		assert_int_equal(mmsim_mlockall(m, pid, MMSIM_MCL_CURRENT), -ESRCH);
		assert_int_equal(mmsim_munlockall(m, pid), -ESRCH);
		assert_int_equal(mmsim_mincore(m, pid, 0x10000, PG, vec), -ESRCH);
		assert_int_equal(mmsim_msync(m, pid, 0x10000, PG, MMSIM_MS_SYNC), -ESRCH);
		assert_int_equal(mmsim_prctl(m, pid, MMSIM_PR_GET_THP_DISABLE, 0), -ESRCH);
		assert_int_equal(mmsim_read(m, pid, 0x10000, buf, 1, &f), -ESRCH);
		assert_int_equal(mmsim_write(m, pid, 0x10000, buf, 1, &f), -ESRCH);
		assert_int_equal(mmsim_touch(m, pid, 0x10000, 1, 1, &f), -ESRCH);
		assert_int_equal(mmsim_task_info(m, pid, &info), -ESRCH);
	}
	/* No machine at all. */
	assert_int_equal(mmsim_spawn(NULL, "x"), -EINVAL);
	assert_int_equal(mmsim_fork(NULL, 1), -ESRCH);
	assert_int_equal(mmsim_pids(NULL, NULL, 0), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_lifecycle_and_info(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	struct mmsim_task_info info;
	int pids[4], p, c, t;

	(void)state;
	assert_int_equal(mmsim_spawn(m, NULL), -ENOENT);
	assert_int_equal(mmsim_spawn(m, ""), -ENOENT);
	assert_int_equal(mmsim_pids(m, pids, 4), 0);
	p = mmsim_spawn(m, "/usr/bin/a-rather-long-program-name");
	assert_int_equal(p, 1);
	assert_int_equal(mmsim_task_info(m, p, &info), 0);
	assert_string_equal(info.comm, "a-rather-long-p");	/* TASK_COMM_LEN - 1 */
	assert_int_equal(info.pid, 1);
	assert_int_equal(info.tgid, 1);
	assert_int_equal(info.ppid, 0);
	assert_int_equal(info.cpu, 0);
	assert_int_equal(info.min_flt, 1);
	assert_int_equal(info.maj_flt, 0);
	assert_int_equal(mmsim_task_info(m, p, NULL), -EINVAL);
	c = mmsim_fork(m, p);
	t = mmsim_clone_vm(m, c);
	assert_int_equal(mmsim_task_info(m, t, &info), 0);
	assert_int_equal(info.tgid, c);
	assert_int_equal(info.ppid, p);
	assert_int_equal(info.cpu, 0);	/* the third task: round-robin */
	assert_int_equal(mmsim_pids(m, pids, 4), 3);
	assert_int_equal(mmsim_pids(m, pids, 1), 3);	/* the count, even if cut */
	assert_int_equal(pids[0], p);
	assert_int_equal(mmsim_pids(m, NULL, 0), 3);
	/* The parent goes: its child is reparented to no one (pid 1 is it). */
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	assert_int_equal(mmsim_task_info(m, c, &info), 0);
	assert_int_equal(info.ppid, 0);
	assert_int_equal(mmsim_exit(m, p, 0), -ESRCH);
	check_machine(m);
	mmsim_shutdown(m);	/* with live tasks: shutdown exits them */
}

static void test_mmap_arguments(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	int p = mmsim_spawn(m, "p");
	int64_t a;

	(void)state;
	/* No files yet: a file descriptor is a bad one, -1 included. */
	assert_int_equal(mmsim_mmap(m, p, 0, PG, RW, MMSIM_MAP_PRIVATE, 3, 0), -EBADF);
	assert_int_equal(mmsim_mmap(m, p, 0, PG, RW, MMSIM_MAP_PRIVATE, -1, 0), -EBADF);
	/* MAP_ANONYMOUS ignores fd, as Linux does. */
	a = mmsim_mmap(m, p, 0, PG, RW, ANON, 42, 0);
	assert_true(a > 0);
	assert_int_equal(mmsim_munmap(m, p, (uint64_t)a, PG), 0);
	/* The kernel's own checks. */
	assert_int_equal(mmsim_mmap(m, p, 0, 0, RW, ANON, -1, 0), -EINVAL);
	assert_int_equal(mmsim_mmap(m, p, 0, PG, RW, MMSIM_MAP_ANONYMOUS, -1, 0), -EINVAL);
	assert_int_equal(mmsim_mmap(m, p, 0, ~0ULL, RW, ANON, -1, 0), -ENOMEM);
	assert_int_equal(mmsim_mmap(m, p, 0x1001, PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0),
			 -EINVAL);
	assert_int_equal(mmsim_munmap(m, p, 0x1001, PG), -EINVAL);
	assert_int_equal(mmsim_mprotect(m, p, 0x1001, PG, RW), -EINVAL);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_accesses(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	int p = mmsim_spawn(m, "p");
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	struct mmsim_fault f;
	char buf[32];

	(void)state;
	assert_true(a > 0);
	assert_int_equal(mmsim_write(m, p, (uint64_t)a, "hello", 6, &f), 0);
	assert_int_equal(f.signo, 0);
	assert_int_equal(mmsim_read(m, p, (uint64_t)a, buf, 6, NULL), 0);
	assert_string_equal(buf, "hello");
	/* Zero-length accesses do nothing, even at a bad address. */
	assert_int_equal(mmsim_read(m, p, 0, buf, 0, &f), 0);
	assert_int_equal(mmsim_touch(m, p, 0, 0, 1, &f), 0);
	/* NULL host buffers are refused, not followed. */
	assert_int_equal(mmsim_read(m, p, (uint64_t)a, NULL, 4, &f), -EINVAL);
	assert_int_equal(mmsim_write(m, p, (uint64_t)a, NULL, 4, &f), -EINVAL);
	/* Signals: unmapped is MAPERR, no permission is ACCERR. */
	assert_int_equal(mmsim_read(m, p, 0x1000, buf, 1, &f), -EFAULT);
	assert_int_equal(f.signo, 11);
	assert_int_equal(f.code, 1);
	assert_int_equal(f.addr, 0x1000);
	assert_int_equal(mmsim_mprotect(m, p, (uint64_t)a + PG, PG, MMSIM_PROT_READ), 0);
	assert_int_equal(mmsim_write(m, p, (uint64_t)a + PG - 2, "abcd", 4, &f), -EFAULT);
	assert_int_equal(f.signo, 11);
	assert_int_equal(f.code, 2);
	assert_int_equal(f.addr, (uint64_t)a + PG);
	/* The bytes before the faulting page were written. */
	assert_int_equal(mmsim_read(m, p, (uint64_t)a + PG - 2, buf, 2, NULL), 0);
	assert_memory_equal(buf, "ab", 2);
	assert_int_equal(mmsim_touch(m, p, (uint64_t)a + PG, PG, 0, &f), 0);
	/* mincore: a NULL vector is a bad user buffer. */
	assert_int_equal(mmsim_mincore(m, p, (uint64_t)a, PG, NULL), -EFAULT);
	assert_int_equal(mmsim_mincore(m, p, (uint64_t)a + 1, PG, NULL), -EINVAL);
	{
		unsigned char vec[2];

		assert_int_equal(mmsim_mincore(m, p, (uint64_t)a, 2 * PG, vec), 0);
		assert_int_equal(vec[0] & 1, 1);
		assert_int_equal(vec[1] & 1, 1);	/* the zero page, mapped by the read */
	}
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_metadata_only(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1 metadata_only=1");
	int p = mmsim_spawn(m, "p");
	int64_t a = mmsim_mmap(m, p, 0, 4 * PG, RW, ANON, -1, 0);
	struct mmsim_fault f;
	char buf[8];

	(void)state;
	assert_true(p > 0 && a > 0);
	assert_int_equal(mmsim_read(m, p, (uint64_t)a, buf, 8, &f), -EINVAL);
	assert_int_equal(mmsim_write(m, p, (uint64_t)a, buf, 8, &f), -EINVAL);
	assert_int_equal(mmsim_read(m, 99, (uint64_t)a, buf, 8, &f), -ESRCH);
	/* Touching still faults pages in: the figures are what matter here. */
	assert_int_equal(mmsim_touch(m, p, (uint64_t)a, 4 * PG, 1, &f), 0);
	{
		struct mmsim_task_info info;

		assert_int_equal(mmsim_task_info(m, p, &info), 0);
		assert_int_equal(info.min_flt, 1 + 4);
	}
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_misc_calls(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	int p = mmsim_spawn(m, "p");
	struct mmsim_mmu_stats st0, st1, all;

	(void)state;
	assert_int_equal(mmsim_madvise_parse("dontneed"), 4);
	assert_int_equal(mmsim_madvise_parse("populate_write"), 23);
	assert_int_equal(mmsim_madvise_parse("wipeonfork"), 18);
	assert_int_equal(mmsim_madvise_parse("DONTNEED"), -1);
	assert_int_equal(mmsim_madvise_parse("nonsense"), -1);
	assert_int_equal(mmsim_madvise_parse(NULL), -1);
	/* prctl: THP disable is a per-mm flag, inherited by fork. */
	assert_int_equal(mmsim_prctl(m, p, MMSIM_PR_GET_THP_DISABLE, 0), 0);
	assert_int_equal(mmsim_prctl(m, p, MMSIM_PR_SET_THP_DISABLE, 1), 0);
	assert_int_equal(mmsim_prctl(m, p, MMSIM_PR_GET_THP_DISABLE, 0), 1);
	assert_int_equal(mmsim_prctl(m, mmsim_fork(m, p), MMSIM_PR_GET_THP_DISABLE, 0), 1);
	assert_int_equal(mmsim_exec(m, p, "q"), 0);	/* kept across exec too */
	assert_int_equal(mmsim_prctl(m, p, MMSIM_PR_GET_THP_DISABLE, 0), 1);
	assert_int_equal(mmsim_prctl(m, p, 12345, 0), -EINVAL);
	/* MMU statistics: per CPU and summed; bad CPUs refused. */
	assert_int_equal(mmsim_mmu_stats(m, 0, &st0), 0);
	assert_int_equal(mmsim_mmu_stats(m, 1, &st1), 0);
	assert_int_equal(mmsim_mmu_stats(m, -1, &all), 0);
	assert_int_equal(all.cr3_loads, st0.cr3_loads + st1.cr3_loads);
	assert_int_equal(all.walks, st0.walks + st1.walks);
	assert_true(st0.cr3_loads >= 1);
	assert_int_equal(mmsim_mmu_stats(m, 2, &all), -EINVAL);
	assert_int_equal(mmsim_mmu_stats(m, 0, NULL), -EINVAL);
	assert_int_equal(mmsim_mmu_stats(NULL, 0, &all), -EINVAL);
	check_machine(m);
	mmsim_shutdown(m);
}

/*
 * Every call with edge values (0, unaligned, the top of user space and
 * beyond, wrapping lengths, bad flags): answers, never a crash, and the
 * machine stays consistent.
 */
static void test_garbage_arguments(void **state)
{
	static const uint64_t vals[] = {
		0, 1, PG - 1, PG, PG + 1, 0x400000, 0x7ffffffff000ULL, 0x7fffffffe000ULL,
		0x800000000000ULL, 0xffff800000000000ULL, ~0ULL, ~0ULL - PG + 1,
		1ULL << 63, 1ULL << 40, 0x7ffff7ff7000ULL, 0x4c6000,
	};
	static const int ints[] = { 0, 1, 3, 7, -1, 0x7fffffff, (int)0x80000000, 0x100000,
				    0x2000, 0x40, 0xff };
	struct machine *m = test_boot("mem=128M cpus=2");
	int p = mmsim_spawn(m, "p");
	uint64_t seed = 12345;
	unsigned char vec[64];
	char buf[64];
	struct mmsim_fault f;
	int ok = 0;

	(void)state;
	for (int i = 0; i < 4000; i++) {
		uint64_t a, l;
		int x, y;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		a = vals[(seed >> 20) % (sizeof(vals) / sizeof(vals[0]))];
		l = vals[(seed >> 28) % (sizeof(vals) / sizeof(vals[0]))];
		x = ints[(seed >> 36) % (sizeof(ints) / sizeof(ints[0]))];
		y = ints[(seed >> 44) % (sizeof(ints) / sizeof(ints[0]))];
		switch ((seed >> 52) % 14) {
		case 0: ok += mmsim_mmap(m, p, a, l, x, y, -1, l) >= 0; break;
		case 1: mmsim_munmap(m, p, a, l); break;
		case 2: mmsim_mprotect(m, p, a, l, x); break;
		case 3: mmsim_mremap(m, p, a, l, l >> 3, x, a + l); break;
		case 4: mmsim_brk(m, p, a); break;
		case 5: mmsim_madvise(m, p, a, l, x); break;
		case 6: mmsim_mlock2(m, p, a, l, x); break;
		case 7: mmsim_munlock(m, p, a, l); break;
		case 8: mmsim_mincore(m, p, a, l < sizeof(vec) * PG ? l : 0, vec); break;
		case 9: mmsim_msync(m, p, a, l, x); break;
		case 10: mmsim_mlockall(m, p, x); mmsim_munlockall(m, p); break;
		case 11: mmsim_read(m, p, a, buf, sizeof(buf), &f); break;
		case 12: mmsim_write(m, p, a, buf, sizeof(buf), &f); break;
		case 13: ok += mmsim_touch(m, p, a, l & 0xffffff, x & 1, &f) == 0; break;
		}
		if (i % 500 == 0)
			check_machine(m);
	}
	assert_true(ok > 20);	/* some calls did something */
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_pid_everywhere),
		cmocka_unit_test(test_lifecycle_and_info),
		cmocka_unit_test(test_mmap_arguments),
		cmocka_unit_test(test_accesses),
		cmocka_unit_test(test_metadata_only),
		cmocka_unit_test(test_misc_calls),
		cmocka_unit_test(test_garbage_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
