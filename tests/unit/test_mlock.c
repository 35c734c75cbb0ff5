/*
 * test_mlock.c - mlock, mlock2, munlock, mlockall, munlockall: the VMAs
 * they split and merge, locked_vm (VmLck), the pages populated and put on
 * the unevictable list (Mlocked, smaps Locked), RLIMIT_MEMLOCK (simulated
 * processes are unprivileged: 8 MiB), and the errno of bad calls.
 *
 * Layouts and errno were checked on the host (Linux 6.18) with the same
 * calls; the host test ran as root, so the RLIMIT_MEMLOCK cases follow
 * the kernel's code for an unprivileged user instead.
 */
#include "syscall_test.h"

static void test_mlock_range(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned long f;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	f = minflt(st);
	assert_int_equal(mmsim_mlock(st->m, st->pid, A(4), 4 * PG), 0);
	/* The locked pages were faulted in now (GUP faults count as minor faults). */
	assert_int_equal(minflt(st) - f, 4);
	assert_layout(st, "[0,4) rw-p [4,8) rw-p [8,16) rw-p");
	assert_string_equal(vmflags(st, 4), "rd wr mr mw me lo ac");
	assert_int_equal(smaps_kb(st, 4, "Rss"), 16);
	assert_int_equal(smaps_kb(st, 4, "Locked"), 16);
	assert_int_equal(status_kb(st, "VmLck"), 16);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 16);
	assert_int_equal(meminfo_kb(st, "Unevictable"), 16);
	/* Touching them costs nothing more. */
	f = minflt(st);
	assert_int_equal(touch(st, 4, 4, 1), 0);
	assert_int_equal(minflt(st) - f, 0);

	/* Locking again, across the locked part: only the new pages count. */
	assert_int_equal(mmsim_mlock(st->m, st->pid, A(2), 4 * PG), 0);
	assert_layout(st, "[0,2) rw-p [2,8) rw-p [8,16) rw-p");
	assert_int_equal(status_kb(st, "VmLck"), 24);

	assert_int_equal(mmsim_munlock(st->m, st->pid, A(0), 16 * PG), 0);
	assert_layout(st, "[0,16) rw-p");
	assert_int_equal(status_kb(st, "VmLck"), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 0);
	assert_int_equal(meminfo_kb(st, "Unevictable"), 0);
	/* Munlocked pages stay resident, now evictable. */
	assert_int_equal(smaps_kb(st, 0, "Rss"), 24);
	st_free(st);
}

static void test_mlock_onfault(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	assert_int_equal(mmsim_mlock2(st->m, st->pid, A(0), 4 * PG, 2), -EINVAL);
	assert_int_equal(mmsim_mlock2(st->m, st->pid, A(0), 4 * PG, MMSIM_MLOCK_ONFAULT), 0);
	assert_layout(st, "[0,4) rw-p [4,16) rw-p");
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me lo lf ac");
	assert_int_equal(smaps_kb(st, 0, "Rss"), 0);
	assert_int_equal(status_kb(st, "VmLck"), 16);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 0);
	/* Pages faulted later are locked as they come. */
	assert_int_equal(touch(st, 0, 2, 1), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 8);
	/* mlock() of the same range drops ONFAULT and populates the rest. */
	assert_int_equal(mmsim_mlock(st->m, st->pid, A(0), 4 * PG), 0);
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me lo ac");
	assert_int_equal(meminfo_kb(st, "Mlocked"), 16);
	assert_int_equal(status_kb(st, "VmLck"), 16);
	st_free(st);
}

static void test_mlock_errno(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	int p = st->pid;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	map_at(st, 20, 4, MMSIM_PROT_NONE, ANON);
	map_at(st, 30, 4, MMSIM_PROT_READ, ANON);

	/* PROT_NONE: the VMA is locked, but its pages cannot be faulted in. */
	assert_int_equal(mmsim_mlock(st->m, p, A(20), 4 * PG), -ENOMEM);
	assert_string_equal(vmflags(st, 20), "mr mw me lo");
	assert_int_equal(status_kb(st, "VmLck"), 16);

	/*
	 * An unaligned start locks every page the bytes touch. Read-only
	 * private memory is populated with the zero page, which is neither
	 * resident nor locked for smaps (the host, without a zero page,
	 * shows 8 kB there).
	 */
	assert_int_equal(mmsim_mlock(st->m, p, A(30) + 100, PG), 0);
	assert_layout(st, "[0,16) rw-p [20,24) ---p [30,32) r--p [32,34) r--p");
	assert_string_equal(vmflags(st, 30), "rd mr mw me lo");
	assert_int_equal(smaps_kb(st, 30, "Locked"), 0);

	/* A hole: the part before it is locked, then -ENOMEM. */
	assert_int_equal(mmsim_mlock(st->m, p, A(0), 32 * PG), -ENOMEM);
	assert_int_equal(status_kb(st, "VmLck"), 88);
	assert_int_equal(mmsim_mlock(st->m, p, A(100), PG), -ENOMEM);
	assert_int_equal(mmsim_mlock(st->m, p, A(100), 0), 0);
	/* A length that wraps to zero pages is no request at all. */
	assert_int_equal(mmsim_mlock(st->m, p, A(0), (uint64_t)-1), 0);
	/* Beyond RLIMIT_MEMLOCK (no CAP_IPC_LOCK). */
	assert_int_equal(mmsim_mlock(st->m, p, A(0), (uint64_t)-4096), -ENOMEM);

	assert_int_equal(mmsim_munlock(st->m, p, A(100), PG), -ENOMEM);
	assert_int_equal(mmsim_munlock(st->m, p, A(0), 32 * PG), -ENOMEM);
	assert_int_equal(status_kb(st, "VmLck"), 24);
	assert_layout(st, "[0,16) rw-p [20,24) ---p [30,32) r--p [32,34) r--p");
	st_free(st);
}

/* RLIMIT_MEMLOCK is 8 MiB; what is locked already inside the range is not counted twice. */
static void test_rlimit_memlock(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	int p = st->pid;

	(void)state;
	map_at(st, 0, 3072, RW, ANON);
	assert_int_equal(mmsim_mlock(st->m, p, A(0), 1024 * PG), 0);
	assert_int_equal(mmsim_mlock(st->m, p, A(0), 2048 * PG), 0);
	assert_int_equal(status_kb(st, "VmLck"), 8192);
	assert_int_equal(mmsim_mlock(st->m, p, A(0), 2048 * PG), 0);
	assert_int_equal(mmsim_mlock(st->m, p, A(2048), PG), -ENOMEM);
	assert_int_equal(status_kb(st, "VmLck"), 8192);
	/* mlockall(MCL_CURRENT) needs all of total_vm under the limit. */
	assert_int_equal(mmsim_mlockall(st->m, p, MMSIM_MCL_CURRENT), -ENOMEM);
	assert_int_equal(mmsim_munlock(st->m, p, A(0), 3072 * PG), 0);
	assert_layout(st, "[0,3072) rw-p");
	st_free(st);
}

/* kB of the special mappings, which mlockall leaves alone. */
static long special_kb(struct st *st)
{
	char *maps = pid_file(st, "maps");
	long kb = 0;

	for (char *line = strtok(maps, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && strstr(line, "[v") &&
		    !strstr(line, "[vsyscall]"))
			kb += (long)((e - s) / 1024);
	}
	free(maps);
	return kb;
}

static void test_mlockall(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	int p = st->pid;

	(void)state;
	assert_int_equal(mmsim_mlockall(st->m, p, 0), -EINVAL);
	assert_int_equal(mmsim_mlockall(st->m, p, MMSIM_MCL_ONFAULT), -EINVAL);
	assert_int_equal(mmsim_mlockall(st->m, p, 8), -EINVAL);

	map_at(st, 0, 4, RW, ANON);
	assert_int_equal(mmsim_mlockall(st->m, p, MMSIM_MCL_FUTURE | MMSIM_MCL_ONFAULT), 0);
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me ac");
	map_at(st, 10, 4, RW, ANON);
	assert_string_equal(vmflags(st, 10), "rd wr mr mw me lo lf ac");
	assert_int_equal(smaps_kb(st, 10, "Rss"), 0);
	assert_int_equal(mmsim_munlockall(st->m, p), 0);
	assert_string_equal(vmflags(st, 10), "rd wr mr mw me ac");
	assert_int_equal(status_kb(st, "VmLck"), 0);

	/* MCL_CURRENT locks and populates every VMA (errors ignored). */
	assert_int_equal(mmsim_mlockall(st->m, p, MMSIM_MCL_CURRENT), 0);
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me lo ac");
	assert_int_equal(smaps_kb(st, 0, "Rss"), 16);
	assert_int_equal(smaps_kb(st, 10, "Locked"), 16);
	/* Everything but the special mappings ([vvar], [vdso]: VM_DONTEXPAND). */
	assert_int_equal(status_kb(st, "VmLck"), status_kb(st, "VmSize") - special_kb(st));
	/* A new mapping after MCL_CURRENT alone is not locked. */
	map_at(st, 20, 4, RW, ANON);
	assert_string_equal(vmflags(st, 20), "rd wr mr mw me ac");
	assert_int_equal(mmsim_munlockall(st->m, p), 0);
	assert_int_equal(status_kb(st, "VmLck"), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 0);
	st_free(st);
}

/* MAP_LOCKED and madvise see the lock too. */
static void test_locked_vma_rules(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 8, RW, ANON);
	assert_int_equal(mmsim_mlock(st->m, st->pid, A(0), 8 * PG), 0);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), PG, 4 /* DONTNEED */), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, st->pid, A(0), PG, 24 /* DONTNEED_LOCKED */), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 28);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 28);
	/* Unmapping locked memory gives locked_vm and Mlocked back. */
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), 8 * PG), 0);
	assert_int_equal(status_kb(st, "VmLck"), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 0);
	st_free(st);
}

/*
 * mlock of private writable memory breaks COW: after fork, each side
 * locks its own copies. Shared memory pages are locked by both at once
 * and stay locked while either side locks them (mlock_count).
 */
static void test_mlock_shared_page(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long anon0;
	int child;

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	assert_int_equal(touch(st, 0, 4, 1), 0);
	child = mmsim_fork(st->m, st->pid);
	assert_true(child > 0);
	anon0 = meminfo_kb(st, "AnonPages");
	assert_int_equal(mmsim_mlock(st->m, st->pid, A(0), 4 * PG), 0);
	assert_int_equal(meminfo_kb(st, "AnonPages") - anon0, 16);
	assert_int_equal(mmsim_mlock(st->m, child, A(0), 4 * PG), 0);
	assert_int_equal(meminfo_kb(st, "AnonPages") - anon0, 16);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 32);
	assert_int_equal(mmsim_munlock(st->m, st->pid, A(0), 4 * PG), 0);
	assert_int_equal(mmsim_munlock(st->m, child, A(0), 4 * PG), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 0);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);

	map_at(st, 10, 4, RW, SHANON);
	assert_int_equal(touch(st, 10, 4, 1), 0);
	child = mmsim_fork(st->m, st->pid);
	assert_true(child > 0);
	assert_int_equal(mmsim_mlock(st->m, st->pid, A(10), 4 * PG), 0);
	assert_int_equal(mmsim_mlock(st->m, child, A(10), 4 * PG), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 16);
	assert_int_equal(mmsim_munlock(st->m, st->pid, A(10), 4 * PG), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 16);
	assert_int_equal(mmsim_munlock(st->m, child, A(10), 4 * PG), 0);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 0);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	st_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mlock_range),
		cmocka_unit_test(test_mlock_onfault),
		cmocka_unit_test(test_mlock_errno),
		cmocka_unit_test(test_rlimit_memlock),
		cmocka_unit_test(test_mlockall),
		cmocka_unit_test(test_locked_vma_rules),
		cmocka_unit_test(test_mlock_shared_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
