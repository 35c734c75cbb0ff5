/*
 * test_hugetlb.c - hugetlb pools and MAP_HUGETLB mappings (mm/hugetlb.c,
 * mm/hugetlb_vma.c, fs/hugetlbfs/inode.c): growing and shrinking the pool
 * (partially when memory is fragmented), reservations made at mmap and
 * given back, faults, COW after fork, munmap, the errno of bad calls, the
 * meminfo / status / smaps / sysfs figures, and no leaks after exit. The
 * expected figures are the host's (Linux 6.18, probed with the same calls;
 * tests/diff keeps the probes that the host can run).
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down; what is asserted is simulated state,
 * never host time.
 */
#include "syscall_test.h"

#define HP		(2UL << 20)
#define HUGE		(ANON | MMSIM_MAP_HUGETLB)
#define SHHUGE		(SHANON | MMSIM_MAP_HUGETLB)
#define SYSFS		"/sys/kernel/mm/hugepages/hugepages-2048kB/"

/* A HugePages_* count (no unit) from meminfo. */
static long hp_count(struct st *st, const char *field)
{
	return file_kb(mmsim_proc_read(st->m, "meminfo", NULL), field);
}

/* "Total Free Rsvd Surp" of the default pool. */
static void t_meminfo_pool(struct machine *m, char *buf, size_t len)
{
	char *t = mmsim_proc_read(m, "meminfo", NULL);
	long v[4];
	const char *f[4] = { "HugePages_Total:", "HugePages_Free:", "HugePages_Rsvd:",
			     "HugePages_Surp:" };

	for (int i = 0; i < 4; i++)
		v[i] = strtol(strstr(t, f[i]) + strlen(f[i]), NULL, 10);
	free(t);
	snprintf(buf, len, "%ld %ld %ld %ld", v[0], v[1], v[2], v[3]);
}

static long sysfs_val(struct st *st, const char *path)
{
	char *t = mmsim_proc_read(st->m, path, NULL);
	long v;

	assert_non_null(t);
	v = strtol(t, NULL, 10);
	free(t);
	return v;
}

static void set_pool(struct st *st, long n)
{
	char v[32];

	snprintf(v, sizeof(v), "%ld", n);
	assert_int_equal(mmsim_sysctl_set(st->m, "vm.nr_hugepages", v, NULL, 0), 0);
	check_machine(st->m);
}

static int64_t hmap(struct st *st, uint64_t len, int flags)
{
	return mmsim_mmap(st->m, st->pid, 0, len, RW, flags, -1, 0);
}

#define assert_pool(st, total, freep, rsvd, surp)				\
	do {									\
		assert_int_equal(hp_count(st, "HugePages_Total"), total);	\
		assert_int_equal(hp_count(st, "HugePages_Free"), freep);	\
		assert_int_equal(hp_count(st, "HugePages_Rsvd"), rsvd);	\
		assert_int_equal(hp_count(st, "HugePages_Surp"), surp);	\
	} while (0)

static void test_pool_grow_shrink(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	char buf[64];
	long free0 = test_free_pages(st->m);

	(void)state;
	assert_pool(st, 0, 0, 0, 0);
	set_pool(st, 8);
	assert_pool(st, 8, 8, 0, 0);
	assert_int_equal(meminfo_kb(st, "Hugetlb"), 8 * 2048);
	assert_int_equal(meminfo_kb(st, "Hugepagesize"), 2048);
	assert_int_equal(test_free_pages(st->m), free0 - 8 * 512);
	assert_int_equal(sysfs_val(st, SYSFS "nr_hugepages"), 8);
	assert_int_equal(sysfs_val(st, SYSFS "free_hugepages"), 8);
	assert_int_equal(sysfs_val(st, "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages"), 8);
	assert_int_equal(mmsim_sysctl_get(st->m, "vm.nr_hugepages", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "8\n");
	set_pool(st, 3);
	assert_pool(st, 3, 3, 0, 0);
	/* Freed order-9 blocks may wait on the per-CPU lists (not NR_FREE_PAGES). */
	assert_true(test_free_pages(st->m) > free0 - 8 * 512);
	/* Through /sys as well; read-only files refuse writes. */
	assert_int_equal(mmsim_sysfs_write(st->m, SYSFS "nr_hugepages", "5"), 0);
	assert_int_equal(hp_count(st, "HugePages_Total"), 5);
	{	/* the node's meminfo shows its part of the pool */
		char *node = mmsim_proc_read(st->m, "/sys/devices/system/node/node0/meminfo", NULL);

		assert_non_null(node);
		assert_non_null(strstr(node, "Node 0 HugePages_Total:     5\n"
					     "Node 0 HugePages_Free:      5\n"));
		free(node);
	}
	assert_int_equal(mmsim_sysfs_write(st->m, SYSFS "free_hugepages", "5"), -EACCES);
	assert_int_equal(mmsim_sysfs_write(st->m, SYSFS "nr_hugepages", "x"), -EINVAL);
	assert_null(mmsim_proc_read(st->m, "/sys/kernel/mm/hugepages/hugepages-4096kB/nr_hugepages", NULL));
	set_pool(st, 0);
	assert_pool(st, 0, 0, 0, 0);
	assert_int_equal(meminfo_kb(st, "Hugetlb"), 0);
	st_free(st);
}

/* A machine whose free memory is all in order-8 pieces cannot grow the pool. */
static void test_pool_fragmented(void **state)
{
	struct st *st = st_new("mem=128M cpus=1");
	int64_t pins[4096];
	long n = 0, got;
	char buf[32];

	(void)state;
	/* Take every free order-9 block and give back half of each (order 8). */
	for (;;) {
		int64_t pfn = mmsim_alloc_pages(st->m, 0x2000 /* __GFP_NOWARN */, 9);

		if (pfn < 0 || n >= 4096)
			break;
		pins[n++] = pfn;
	}
	assert_true(n > 8);
	/* Free 6 whole blocks: at most 6 huge pages are possible now. */
	for (int i = 0; i < 6; i++)
		assert_int_equal(mmsim_free_pages(st->m, (uint64_t)pins[--n], 9), 0);
	assert_int_equal(mmsim_sysctl_set(st->m, "vm.nr_hugepages", "20", NULL, 0), 0);
	assert_int_equal(mmsim_sysctl_get(st->m, "vm.nr_hugepages", buf, sizeof(buf)), 0);
	got = strtol(buf, NULL, 10);
	assert_true(got >= 6 && got < 20);	/* partial: what the free blocks allowed */
	assert_int_equal(hp_count(st, "HugePages_Total"), got);
	check_machine(st->m);
	while (n)
		assert_int_equal(mmsim_free_pages(st->m, (uint64_t)pins[--n], 9), 0);
	set_pool(st, 0);
	st_free(st);
}

static void test_reserve_fault_unmap(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	unsigned long f0;
	int64_t a;

	(void)state;
	set_pool(st, 4);
	/* 3 MiB rounds up to 4 MiB: two reserved pages. */
	a = hmap(st, 3UL << 20, HUGE);
	assert_true(a > 0 && !(a & (HP - 1)));
	assert_pool(st, 4, 4, 2, 0);
	check_machine(st->m);
	f0 = minflt(st);
	struct mmsim_fault f;
	assert_int_equal(mmsim_touch(st->m, st->pid, (uint64_t)a, HP, 1, &f), 0);
	assert_int_equal(minflt(st) - f0, 1);	/* one fault for 512 pages */
	assert_pool(st, 4, 3, 1, 0);
	assert_int_equal(status_kb(st, "HugetlbPages"), 2048);
	assert_int_equal(status_kb(st, "VmRSS") < 2048, 1);	/* not in RSS */
	check_machine(st->m);
	/* Unaligned munmap/mprotect: EINVAL, nothing changes. */
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)a + PG, HP), -EINVAL);
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)a, PG), -EINVAL);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, (uint64_t)a, PG, MMSIM_PROT_READ), -EINVAL);
	assert_int_equal(mmsim_mprotect(st->m, st->pid, (uint64_t)a, HP, MMSIM_PROT_READ), 0);
	/* A read-only huge page: writing is SIGSEGV. */
	assert_int_equal(mmsim_touch(st->m, st->pid, (uint64_t)a, PG, 1, &f), -EFAULT);
	assert_int_equal(f.signo, 11);
	check_machine(st->m);
	/* Unmapping the faulted half frees its page; the other half's reservation goes. */
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)a, HP), 0);
	assert_pool(st, 4, 4, 1, 0);
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)a + HP, HP), 0);
	assert_pool(st, 4, 4, 0, 0);
	assert_int_equal(status_kb(st, "HugetlbPages"), 0);
	st_free(st);
}

static void test_errno(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	/* Empty pool: the reservation fails. NORESERVE maps, then the fault is SIGBUS. */
	assert_int_equal(hmap(st, HP, HUGE), -ENOMEM);
	assert_int_equal(hmap(st, HP, SHHUGE), -ENOMEM);
	int64_t a = hmap(st, HP, HUGE | MMSIM_MAP_NORESERVE);
	struct mmsim_fault f;
	assert_true(a > 0);
	assert_int_equal(mmsim_touch(st->m, st->pid, (uint64_t)a, PG, 1, &f), -EFAULT);
	assert_int_equal(f.signo, 7);
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)a, HP), 0);
	/* Sizes: 2 MiB and 1 GiB exist, 4 MiB and 4 KiB do not. */
	set_pool(st, 2);
	assert_true(hmap(st, 1, HUGE | MMSIM_MAP_HUGE_2MB) > 0);
	assert_int_equal(hmap(st, 1, HUGE | (22 << MMSIM_MAP_HUGE_SHIFT)), -EINVAL);
	assert_int_equal(hmap(st, 1, HUGE | (12 << MMSIM_MAP_HUGE_SHIFT)), -EINVAL);
	assert_int_equal(hmap(st, 1, HUGE | (int)(63u << MMSIM_MAP_HUGE_SHIFT)), -EINVAL);
	assert_int_equal(hmap(st, 1, HUGE | MMSIM_MAP_HUGE_1GB), -ENOMEM);	/* empty 1G pool */
	assert_int_equal(hmap(st, 0, HUGE), -EINVAL);
	assert_int_equal(hmap(st, ~0UL, HUGE), -EINVAL);
	assert_int_equal(hmap(st, ~0UL - (4UL << 20), HUGE), -ENOMEM);
	assert_int_equal(hmap(st, 1, HUGE | MMSIM_MAP_GROWSDOWN), -EINVAL);
	assert_int_equal(mmsim_mmap(st->m, st->pid, 0, 1, RW, MMSIM_MAP_SHARED | MMSIM_MAP_HUGETLB,
				    -1, 0), -EBADF);
	assert_int_equal(mmsim_mmap(st->m, st->pid, 0, 1, RW, HUGE, -1, PG), -EINVAL);
	/* A fixed unaligned address is EINVAL; an unaligned hint is aligned up. */
	assert_int_equal(mmsim_mmap(st->m, st->pid, st->base + PG, 1, RW, HUGE | MMSIM_MAP_FIXED,
				    -1, 0), -EINVAL);
	assert_int_equal(mmsim_mmap(st->m, st->pid, st->base + PG, 1, RW, HUGE, -1, 0),
			 (int64_t)(st->base + HP));
	check_machine(st->m);
	st_free(st);
}

static void test_fork_cow(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct mmsim_fault f;
	struct mmsim_task_info ci;
	unsigned char v = 0;
	int64_t a;
	int child;

	(void)state;
	set_pool(st, 4);
	a = hmap(st, 2 * HP, HUGE);
	assert_true(a > 0);
	v = 1;
	assert_int_equal(mmsim_write(st->m, st->pid, (uint64_t)a, &v, 1, &f), 0);
	assert_pool(st, 4, 3, 1, 0);
	child = mmsim_fork(st->m, st->pid);
	assert_true(child > 0);
	check_machine(st->m);
	/* The child reads the shared page without a fault, writes a copy. */
	assert_int_equal(mmsim_task_info(st->m, child, &ci), 0);
	assert_int_equal(mmsim_read(st->m, child, (uint64_t)a, &v, 1, &f), 0);
	assert_int_equal(v, 1);
	v = 2;
	assert_int_equal(mmsim_write(st->m, child, (uint64_t)a, &v, 1, &f), 0);
	{
		struct mmsim_task_info ci2;

		assert_int_equal(mmsim_task_info(st->m, child, &ci2), 0);
		assert_int_equal(ci2.min_flt - ci.min_flt, 1);
	}
	assert_pool(st, 4, 2, 1, 0);
	assert_int_equal(mmsim_read(st->m, st->pid, (uint64_t)a, &v, 1, &f), 0);
	assert_int_equal(v, 1);
	check_machine(st->m);
	/* Free pages are all reserved for the parent: the child's new page is SIGBUS. */
	set_pool(st, 3);
	assert_pool(st, 3, 1, 1, 0);
	assert_int_equal(mmsim_touch(st->m, child, (uint64_t)a + HP, PG, 1, &f), -EFAULT);
	assert_int_equal(f.signo, 7);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	check_machine(st->m);
	/* The parent's page is its own again: a write reuses it. */
	{
		unsigned long f0 = minflt(st);

		v = 3;
		assert_int_equal(mmsim_write(st->m, st->pid, (uint64_t)a, &v, 1, &f), 0);
		assert_int_equal(minflt(st) - f0, 1);
	}
	assert_pool(st, 3, 2, 1, 0);
	st_free(st);
}

/* The owner's COW with an empty pool takes the page from the child. */
static void test_owner_cow_unmaps_child(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct mmsim_fault f;
	unsigned char v = 7;
	int64_t a;
	int child;

	(void)state;
	set_pool(st, 1);
	a = hmap(st, HP, HUGE);
	assert_int_equal(mmsim_write(st->m, st->pid, (uint64_t)a, &v, 1, &f), 0);
	child = mmsim_fork(st->m, st->pid);
	assert_int_equal(mmsim_read(st->m, child, (uint64_t)a, &v, 1, &f), 0);
	assert_pool(st, 1, 0, 0, 0);
	v = 8;
	assert_int_equal(mmsim_write(st->m, st->pid, (uint64_t)a, &v, 1, &f), 0);
	check_machine(st->m);
	assert_int_equal(mmsim_read(st->m, child, (uint64_t)a, &v, 1, &f), -EFAULT);
	assert_int_equal(f.signo, 7);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	assert_int_equal(mmsim_read(st->m, st->pid, (uint64_t)a, &v, 1, &f), 0);
	assert_int_equal(v, 8);
	st_free(st);
}

static void test_shared(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct mmsim_fault f;
	unsigned char v = 5;
	int64_t a;
	int child;

	(void)state;
	set_pool(st, 4);
	a = hmap(st, 2 * HP, SHHUGE);
	assert_true(a > 0);
	assert_pool(st, 4, 4, 2, 0);
	assert_int_equal(mmsim_write(st->m, st->pid, (uint64_t)a, &v, 1, &f), 0);
	assert_pool(st, 4, 3, 1, 0);
	child = mmsim_fork(st->m, st->pid);
	/* Shared mappings are not copied at fork: the child faults, sees the page. */
	{
		struct mmsim_task_info c0, c1;

		mmsim_task_info(st->m, child, &c0);
		v = 0;
		assert_int_equal(mmsim_read(st->m, child, (uint64_t)a, &v, 1, &f), 0);
		mmsim_task_info(st->m, child, &c1);
		assert_int_equal(v, 5);
		assert_int_equal(c1.min_flt - c0.min_flt, 1);
	}
	v = 6;
	assert_int_equal(mmsim_write(st->m, child, (uint64_t)a + HP, &v, 1, &f), 0);
	assert_pool(st, 4, 2, 0, 0);
	assert_int_equal(mmsim_read(st->m, st->pid, (uint64_t)a + HP, &v, 1, &f), 0);
	assert_int_equal(v, 6);
	check_machine(st->m);
	/* smaps: both pages are mapped by both processes now: shared. */
	assert_int_equal(smaps_kb(st, (long)(((uint64_t)a - st->base) / PG), "Shared_Hugetlb"), 4096);
	assert_int_equal(smaps_kb(st, (long)(((uint64_t)a - st->base) / PG), "Private_Hugetlb"), 0);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)a, 2 * HP), 0);
	assert_pool(st, 4, 4, 0, 0);
	st_free(st);
}

static void test_overcommit_surplus(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct mmsim_fault f;
	int64_t a;

	(void)state;
	set_pool(st, 1);
	assert_int_equal(hmap(st, 3 * HP, HUGE), -ENOMEM);
	assert_int_equal(mmsim_sysctl_set(st->m, "vm.nr_overcommit_hugepages", "2", NULL, 0), 0);
	a = hmap(st, 3 * HP, HUGE);
	assert_true(a > 0);
	assert_pool(st, 3, 3, 3, 2);
	assert_int_equal(mmsim_touch(st->m, st->pid, (uint64_t)a, 3 * HP, 1, &f), 0);
	assert_pool(st, 3, 0, 0, 2);
	check_machine(st->m);
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)a, 3 * HP), 0);
	assert_pool(st, 1, 1, 0, 0);	/* surplus pages went back to the buddy */
	/* Shrinking below the pages in use turns them into surplus. */
	a = hmap(st, HP, HUGE);
	assert_int_equal(mmsim_touch(st->m, st->pid, (uint64_t)a, PG, 1, &f), 0);
	set_pool(st, 0);
	assert_pool(st, 1, 0, 0, 1);
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)a, HP), 0);
	assert_pool(st, 0, 0, 0, 0);
	st_free(st);
}

static void test_madvise_mremap_mlock_mincore(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct mmsim_fault f;
	unsigned char vec[1024];
	int64_t a, b;

	(void)state;
	set_pool(st, 4);
	a = hmap(st, 2 * HP, HUGE);
	/* mlock populates (one fault per huge page) but locks nothing. */
	{
		unsigned long f0 = minflt(st);

		assert_int_equal(mmsim_mlock(st->m, st->pid, (uint64_t)a, PG), 0);
		assert_int_equal(minflt(st) - f0, 1);
	}
	assert_int_equal(status_kb(st, "VmLck"), 0);
	assert_pool(st, 4, 3, 1, 0);
	assert_int_equal(mmsim_mincore(st->m, st->pid, (uint64_t)a, 2 * HP, vec), 0);
	assert_int_equal(vec[0], 1);
	assert_int_equal(vec[511], 1);
	assert_int_equal(vec[512], 0);
	/* DONTNEED: start aligned (EINVAL otherwise), end rounded down; the reservation returns. */
	assert_int_equal(mmsim_madvise(st->m, st->pid, (uint64_t)a + PG, PG, 4), -EINVAL);
	assert_int_equal(mmsim_madvise(st->m, st->pid, (uint64_t)a, PG, 4), 0);
	assert_pool(st, 4, 3, 1, 0);
	assert_int_equal(mmsim_madvise(st->m, st->pid, (uint64_t)a, HP, 4), 0);
	assert_pool(st, 4, 4, 2, 0);
	assert_int_equal(mmsim_madvise(st->m, st->pid, (uint64_t)a, HP, 8 /* FREE */), -EINVAL);
	check_machine(st->m);
	/* mremap: no growth, no DONTUNMAP, unaligned addresses refused; shrink and move work. */
	assert_int_equal(mmsim_mremap(st->m, st->pid, (uint64_t)a, 2 * HP, 4 * HP,
				      MMSIM_MREMAP_MAYMOVE, 0), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, st->pid, (uint64_t)a, 2 * HP, 2 * HP,
				      MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_DONTUNMAP, 0), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, st->pid, (uint64_t)a, 0, HP,
				      MMSIM_MREMAP_MAYMOVE, 0), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, st->pid, (uint64_t)a, 2 * HP, 2 * HP,
				      MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED,
				      st->base + PG), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, st->pid, (uint64_t)a, 2 * HP, 3UL << 20, 0, 0), a);
	assert_int_equal(mmsim_mremap(st->m, st->pid, (uint64_t)a, 1, 1, 0, 0), a);
	unsigned char v = 9;
	assert_int_equal(mmsim_write(st->m, st->pid, (uint64_t)a, &v, 1, &f), 0);
	b = mmsim_mremap(st->m, st->pid, (uint64_t)a, 2 * HP, 2 * HP,
			 MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED, st->base);
	assert_int_equal(b, (int64_t)st->base);
	check_machine(st->m);
	v = 0;
	assert_int_equal(mmsim_read(st->m, st->pid, (uint64_t)b, &v, 1, &f), 0);
	assert_int_equal(v, 9);
	assert_int_equal(mmsim_mremap(st->m, st->pid, (uint64_t)b, 2 * HP, HP, 0, 0), b);
	check_machine(st->m);
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)b, HP), 0);
	assert_pool(st, 4, 4, 0, 0);
	st_free(st);
}

static void test_smaps_status_maps(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct mmsim_fault f;
	int64_t a;
	long n;
	char *maps, *line;

	(void)state;
	set_pool(st, 2);
	a = mmsim_mmap(st->m, st->pid, st->base, 2 * HP, RW, HUGE | MMSIM_MAP_FIXED, -1, 0);
	assert_int_equal(a, (int64_t)st->base);
	assert_int_equal(mmsim_touch(st->m, st->pid, (uint64_t)a, PG, 1, &f), 0);
	n = 0;
	assert_int_equal(smaps_kb(st, n, "Size"), 4096);
	assert_int_equal(smaps_kb(st, n, "KernelPageSize"), 2048);
	assert_int_equal(smaps_kb(st, n, "MMUPageSize"), 2048);
	assert_int_equal(smaps_kb(st, n, "Rss"), 0);
	assert_int_equal(smaps_kb(st, n, "Private_Hugetlb"), 2048);
	assert_int_equal(smaps_kb(st, n, "Shared_Hugetlb"), 0);
	assert_string_equal(vmflags(st, n), "rd wr mr mw me de ht");
	assert_int_equal(status_kb(st, "HugetlbPages"), 2048);
	maps = pid_file(st, "maps");
	line = strstr(maps, "/anon_hugepage (deleted)");
	assert_non_null(line);
	assert_non_null(strstr(maps, " 00:11 "));
	free(maps);
	/* One pmd table, no pte table, for the hugetlb VMA (VmPTE counts it). */
	assert_true(status_kb(st, "VmPTE") >= 4);
	st_free(st);
}

/* Boot keys: 1 GiB pages from memblock, 2 MiB ones from the buddy. */
static void test_boot_gigantic(void **state)
{
	struct machine *m = test_boot("mem=3G cpus=2 metadata_only=1 hugepagesz=1G hugepages=1 "
				      "hugepagesz=2M hugepages=3");
	char *t;
	int pid;
	int64_t a;
	struct mmsim_fault f;

	(void)state;
	t = mmsim_proc_read(m, "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", NULL);
	assert_string_equal(t, "1\n");
	free(t);
	t = mmsim_proc_read(m, "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", NULL);
	assert_string_equal(t, "3\n");
	free(t);
	t = mmsim_proc_read(m, "meminfo", NULL);
	assert_non_null(strstr(t, "HugePages_Total:       3\n"));
	assert_non_null(strstr(t, "Hugetlb:         1054720 kB\n"));
	free(t);
	/* The 1 GiB pool cannot grow at run time (no alloc_contig_pages). */
	assert_int_equal(mmsim_sysfs_write(m, "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "2"),
			 -EINVAL);
	pid = mmsim_spawn(m, "giga");
	a = mmsim_mmap(m, pid, 0, 1, RW, HUGE | MMSIM_MAP_HUGE_1GB, -1, 0);
	assert_true(a > 0 && !(a & ((1L << 30) - 1)));
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a, PG, 1, &f), 0);
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a + (1UL << 29), PG, 0, &f), 0);
	check_machine(m);
	assert_int_equal(mmsim_exit(m, pid, 0), 0);
	check_machine(m);
	/* Shrinking gives the gigantic page to the buddy allocator. */
	assert_int_equal(mmsim_sysfs_write(m, "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "0"), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* hugepages= before any hugepagesz= is the default size's, in either order. */
static void test_boot_default_size(void **state)
{
	struct machine *m = test_boot("mem=3G cpus=1 metadata_only=1 hugepages=1 default_hugepagesz=1G");
	char *t;

	(void)state;
	t = mmsim_proc_read(m, "meminfo", NULL);
	assert_non_null(strstr(t, "HugePages_Total:       1\n"));
	assert_non_null(strstr(t, "Hugepagesize:    1048576 kB\n"));
	free(t);
	t = mmsim_proc_read(m, "sys/vm/nr_hugepages", NULL);
	assert_string_equal(t, "1\n");
	free(t);
	check_machine(m);
	mmsim_shutdown(m);
	assert_non_null(strstr(test_boot_error("hugepagesz=3M"), "2M or 1G"));
}

static void test_no_leak_after_exit(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct mmsim_fault f;
	long free0;
	int child;

	(void)state;
	set_pool(st, 6);
	free0 = test_free_pages(st->m);
	assert_true(hmap(st, 2 * HP, HUGE) > 0);
	assert_true(hmap(st, 2 * HP, SHHUGE) > 0);
	child = mmsim_fork(st->m, st->pid);
	{
		int64_t c = mmsim_mmap(st->m, child, 0, 2 * HP, RW, HUGE, -1, 0);

		assert_true(c > 0);
		assert_int_equal(mmsim_touch(st->m, child, (uint64_t)c, 2 * HP, 1, &f), 0);
	}
	check_machine(st->m);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	assert_int_equal(mmsim_exit(st->m, st->pid, 0), 0);
	check_machine(st->m);
	assert_int_equal(hp_count(st, "HugePages_Free"), 6);
	assert_int_equal(hp_count(st, "HugePages_Rsvd"), 0);
	st->pid = mmsim_spawn(st->m, "again");
	assert_true(test_free_pages(st->m) <= free0);
	st_free(st);
}

/* MAP_POPULATE and MAP_LOCKED fault in at mmap; a shared mapping moves; exec drops all. */
static void test_populate_move_exec(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	struct mmsim_fault f;
	unsigned long f0;
	unsigned char v = 4;
	int64_t a, b;

	(void)state;
	set_pool(st, 6);
	f0 = minflt(st);
	a = hmap(st, 2 * HP, SHHUGE | MMSIM_MAP_POPULATE);
	assert_true(a > 0);
	assert_int_equal(minflt(st) - f0, 2);	/* GUP faults count, one per huge page */
	assert_pool(st, 6, 4, 0, 0);
	b = hmap(st, HP, HUGE | MMSIM_MAP_LOCKED);
	assert_true(b > 0);
	assert_pool(st, 6, 3, 0, 0);
	assert_int_equal(status_kb(st, "VmLck"), 0);	/* hugetlb is never VM_LOCKED */
	assert_int_equal(mmsim_write(st->m, st->pid, (uint64_t)a + HP, &v, 1, &f), 0);
	a = mmsim_mremap(st->m, st->pid, (uint64_t)a, 2 * HP, 2 * HP,
			 MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED, st->base);
	assert_int_equal(a, (int64_t)st->base);
	check_machine(st->m);
	v = 0;
	f0 = minflt(st);
	assert_int_equal(mmsim_read(st->m, st->pid, (uint64_t)a + HP, &v, 1, &f), 0);
	assert_int_equal(v, 4);
	assert_int_equal(minflt(st) - f0, 0);	/* the leaves moved with the mapping */
	assert_int_equal(status_kb(st, "HugetlbPages"), 3 * 2048);
	assert_int_equal(mmsim_exec(st->m, st->pid, "again"), 0);
	check_machine(st->m);
	assert_pool(st, 6, 6, 0, 0);
	st_free(st);
}

/*
 * Fail the nth page or slab allocation of a whole hugetlb life (spawn, mmap,
 * faults, fork, COW, mprotect split, exit), for every n: whatever fails,
 * the validators pass and the pool gets every page and reservation back.
 */
static void test_fault_sweep(void **state)
{
	static const char *const kinds[] = { "page", "slab" };
	struct machine *m = test_boot("mem=256M cpus=2");
	char buf[512];

	(void)state;
	assert_int_equal(mmsim_sysctl_set(m, "vm.nr_hugepages", "4", NULL, 0), 0);
	for (size_t k = 0; k < 2; k++) {
		bool whole = false;

		for (unsigned long n = 1; !whole && n < 300; n++) {
			struct mmsim_fault f;
			int p, c = -1;
			int64_t a = -1;

			mmsim_fail_nth(m, kinds[k], n, 0);
			p = mmsim_spawn(m, "sweep");
			if (p > 0)
				a = mmsim_mmap(m, p, 0, 2 * HP, RW, HUGE, -1, 0);
			if (a > 0 && !mmsim_touch(m, p, (uint64_t)a, 2 * HP, 1, &f))
				c = mmsim_fork(m, p);
			if (c > 0 && !mmsim_touch(m, c, (uint64_t)a, PG, 1, &f) &&
			    !mmsim_mprotect(m, p, (uint64_t)a + HP, HP, MMSIM_PROT_READ))
				whole = true;
			mmsim_fail_nth(m, kinds[k], 0, 0);
			check_machine(m);
			if (c > 0)
				mmsim_exit(m, c, 0);
			if (p > 0)
				mmsim_exit(m, p, 0);
			check_machine(m);
			t_meminfo_pool(m, buf, sizeof(buf));
			assert_string_equal(buf, "4 4 0 0");
		}
		assert_true(whole);
	}
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_grow_shrink),
		cmocka_unit_test(test_pool_fragmented),
		cmocka_unit_test(test_reserve_fault_unmap),
		cmocka_unit_test(test_errno),
		cmocka_unit_test(test_fork_cow),
		cmocka_unit_test(test_owner_cow_unmaps_child),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_overcommit_surplus),
		cmocka_unit_test(test_madvise_mremap_mlock_mincore),
		cmocka_unit_test(test_smaps_status_maps),
		cmocka_unit_test(test_boot_gigantic),
		cmocka_unit_test(test_boot_default_size),
		cmocka_unit_test(test_no_leak_after_exit),
		cmocka_unit_test(test_populate_move_exec),
		cmocka_unit_test(test_fault_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
