/*
 * test_filemap.c - the page cache and file mappings: fault-around of
 * cached pages (16 per fault), major faults with read-around when the
 * disk must be read (pgmajfault, maj_flt, pgpgin), readahead's window
 * growth for a sequential reader, private write faults copying from the
 * cache, shared write faults dirtying it through write-notify (nr_dirty,
 * fsync, msync), truncation unmapping what lies beyond the end (SIGBUS),
 * mmap's EACCES rules, disk read errors, and DONTNEED sparing mapped pages.
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down; what is asserted is simulated state,
 * never host time.
 */
#include <errno.h>
#include <string.h>

#include "fs.h"
#include "harness.h"
#include "machine.h"
#include "sched.h"
#include "mmsim/mmsim.h"

#define PG	4096UL
#define R	MMSIM_PROT_READ
#define RW	(MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ARENA	0x200000000000ULL

static char page_buf[256 * 4096];

/* A file of nr pages, page i filled with byte 'a' + i % 26, written back and out of the cache. */
static int make_file(struct machine *m, const char *path, unsigned long nr)
{
	int fd = mmsim_open(m, 0, path, MMSIM_O_CREAT | MMSIM_O_RDWR | MMSIM_O_TRUNC, 0644);

	assert_true(fd >= 0);
	for (unsigned long i = 0; i < nr; i++)
		memset(page_buf + i * PG, 'a' + (int)(i % 26), PG);
	assert_int_equal(mmsim_file_write(m, 0, fd, page_buf, nr * PG), (long)(nr * PG));
	assert_int_equal(mmsim_fsync(m, 0, fd), 0);
	assert_int_equal(mmsim_fadvise(m, 0, fd, 0, 0, MMSIM_POSIX_FADV_DONTNEED), 0);
	return fd;
}

static struct mmsim_task_info info(struct machine *m, int pid)
{
	struct mmsim_task_info ti;

	assert_int_equal(mmsim_task_info(m, pid, &ti), 0);
	return ti;
}

static long rss_file(struct machine *m, int pid)
{
	struct task_struct *t = find_task_by_pid(m, pid);

	return (long)get_mm_counter(t->mm, MM_FILEPAGES);
}

/* Cached pages: fault-around maps 16 per fault; nothing is read. */
static void test_fault_around(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1 zero_page=0");
	int fd = make_file(m, "/data/fa", 32), pid = mmsim_spawn(m, "p");
	struct mmsim_fault f;
	unsigned long min0, maj0;
	int64_t a;

	(void)state;
	assert_int_equal(mmsim_pread(m, 0, fd, page_buf, 32 * PG, 0), (long)(32 * PG));
	/* fault-around windows are 64 KiB of address space: an aligned mapping */
	a = mmsim_mmap_fd(m, pid, ARENA, 32 * PG, R, MMSIM_MAP_PRIVATE | MMSIM_MAP_FIXED, 0, fd, 0);
	assert_int_equal(a, ARENA);
	min0 = info(m, pid).min_flt;
	maj0 = info(m, pid).maj_flt;
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a + 3 * PG, PG, 0, &f), 0);
	assert_int_equal(info(m, pid).min_flt - min0, 1);
	assert_int_equal(rss_file(m, pid), 16);
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a, 32 * PG, 0, &f), 0);
	assert_int_equal(info(m, pid).min_flt - min0, 2);
	assert_int_equal(info(m, pid).maj_flt - maj0, 0);
	assert_int_equal(rss_file(m, pid), 32);
	assert_int_equal(global_node_page_state(m, NR_FILE_MAPPED), 32);
	check_machine(m);
	machine_shutdown(m);
}

/* Not cached: one major fault reads around it; the rest are minor. */
static void test_major_fault_read_around(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1 zero_page=0");
	int fd = make_file(m, "/data/maj", 64), pid = mmsim_spawn(m, "p");
	unsigned long maj0 = info(m, pid).maj_flt, pgmaj0 = m->vm_events[PGMAJFAULT];
	unsigned long in0 = m->vm_events[PGPGIN];
	struct mmsim_fault f;
	char c;
	int64_t a;

	(void)state;
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), 0);
	a = mmsim_mmap_fd(m, pid, 0, 64 * PG, R, MMSIM_MAP_SHARED, 0, fd, 0);
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + 20 * PG, &c, 1, &f), 0);
	assert_int_equal(c, 'a' + 20);
	assert_int_equal(info(m, pid).maj_flt - maj0, 1);
	assert_int_equal(m->vm_events[PGMAJFAULT] - pgmaj0, 1);
	/* read-around: ra_pages (32) centred on page 20: pages 4..35 */
	assert_int_equal(m->vm_events[PGPGIN] - in0, 32 * 4);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), 32);
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a + 4 * PG, 28 * PG, 0, &f), 0);
	assert_int_equal(info(m, pid).maj_flt - maj0, 1);
	/* page 0 is outside the window: a second major fault */
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a, PG, 0, &f), 0);
	assert_int_equal(info(m, pid).maj_flt - maj0, 2);
	check_machine(m);
	machine_shutdown(m);
}

/* A sequential reader: windows of 4, 8, 16, 32 pages, each started by the marker. */
static void test_readahead_window(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	int fd = make_file(m, "/data/seq", 128);
	const long cached_after[] = { 4, 12, 12, 12, 28, 28, 28, 28, 28, 28, 28, 28, 60 };
	char buf[PG];

	(void)state;
	assert_int_equal(mmsim_lseek(m, 0, fd, 0, MMSIM_SEEK_SET), 0);
	for (unsigned long i = 0; i < sizeof(cached_after) / sizeof(cached_after[0]); i++) {
		assert_int_equal(mmsim_file_read(m, 0, fd, buf, PG), (long)PG);
		assert_int_equal(buf[0], 'a' + (int)(i % 26));
		if (global_node_page_state(m, NR_FILE_PAGES) != cached_after[i])
			fail_msg("after read %lu: %ld pages cached, want %ld", i,
				 global_node_page_state(m, NR_FILE_PAGES), cached_after[i]);
	}
	/* a random reader (POSIX_FADV_RANDOM) reads just what it asks */
	assert_int_equal(mmsim_fadvise(m, 0, fd, 0, 0, MMSIM_POSIX_FADV_RANDOM), 0);
	assert_int_equal(mmsim_pread(m, 0, fd, buf, PG, 100 * PG), (long)PG);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), 61);
	/* WILLNEED reads the range now */
	assert_int_equal(mmsim_fadvise(m, 0, fd, 110 * PG, 8 * PG, MMSIM_POSIX_FADV_WILLNEED), 0);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), 69);
	check_machine(m);
	machine_shutdown(m);
}

/* Private writes copy the cache page; the file is untouched. */
static void test_private_write_cow(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1 zero_page=0");
	int fd = make_file(m, "/data/cow", 4), pid = mmsim_spawn(m, "p");
	struct mmsim_fault f;
	char c;
	int64_t a = mmsim_mmap_fd(m, pid, 0, 4 * PG, RW, MMSIM_MAP_PRIVATE, 0, fd, 0);
	long anon0 = get_mm_counter(find_task_by_pid(m, pid)->mm, MM_ANONPAGES);

	(void)state;
	assert_int_equal(mmsim_write(m, pid, (uint64_t)a + PG, "X", 1, &f), 0);
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + PG, &c, 1, &f), 0);
	assert_int_equal(c, 'X');
	assert_int_equal(mmsim_pread(m, 0, fd, &c, 1, PG), 1);
	assert_int_equal(c, 'b');
	assert_int_equal(global_node_page_state(m, NR_DIRTY), 0);
	assert_int_equal(get_mm_counter(find_task_by_pid(m, pid)->mm, MM_ANONPAGES) - anon0, 1);
	check_machine(m);
	machine_shutdown(m);
}

/* Shared writes dirty the page (write-notify), msync/fsync write it back. */
static void test_shared_write_dirty(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1 zero_page=0");
	int fd = make_file(m, "/data/sh", 4), pid = mmsim_spawn(m, "p");
	struct mmsim_fault f;
	unsigned long min0 = info(m, pid).min_flt, out0;
	char c;
	int64_t a = mmsim_mmap_fd(m, pid, 0, 4 * PG, RW, MMSIM_MAP_SHARED, 0, fd, 0);

	(void)state;
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a, &c, 1, &f), 0);	/* read-only pte */
	assert_int_equal(mmsim_write(m, pid, (uint64_t)a, "Y", 1, &f), 0);	/* write-notify */
	assert_int_equal(info(m, pid).min_flt - min0, 1);	/* the major fault was the first */
	assert_int_equal(global_node_page_state(m, NR_DIRTY), 1);
	assert_int_equal(mmsim_pread(m, 0, fd, &c, 1, 0), 1);
	assert_int_equal(c, 'Y');		/* the cache is the file */
	out0 = m->vm_events[PGPGOUT];
	assert_int_equal(mmsim_msync(m, pid, (uint64_t)a, 4 * PG, MMSIM_MS_SYNC), 0);
	assert_int_equal(global_node_page_state(m, NR_DIRTY), 0);
	assert_int_equal(m->vm_events[PGPGOUT] - out0, 4);
	/* written back, the pte is clean and read-only again: the next write faults */
	min0 = info(m, pid).min_flt;
	assert_int_equal(mmsim_write(m, pid, (uint64_t)a + 1, "Z", 1, &f), 0);
	assert_int_equal(info(m, pid).min_flt - min0, 1);
	assert_int_equal(global_node_page_state(m, NR_DIRTY), 1);
	assert_int_equal(mmsim_munmap(m, pid, (uint64_t)a, 4 * PG), 0);
	assert_int_equal(global_node_page_state(m, NR_DIRTY), 1);	/* dirty after unmap */
	assert_int_equal(mmsim_fdatasync(m, 0, fd), 0);
	assert_int_equal(global_node_page_state(m, NR_DIRTY), 0);
	/* the bytes are on the disk: drop the cache and read them back */
	assert_int_equal(mmsim_fadvise(m, 0, fd, 0, 0, MMSIM_POSIX_FADV_DONTNEED), 0);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), 0);
	assert_int_equal(mmsim_pread(m, 0, fd, page_buf, 2, 0), 2);
	assert_memory_equal(page_buf, "YZ", 2);
	check_machine(m);
	machine_shutdown(m);
}

/* Truncation unmaps beyond the end: SIGBUS there, the rest stays. */
static void test_truncate_sigbus(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1 zero_page=0");
	int fd = make_file(m, "/data/tr", 4), pid = mmsim_spawn(m, "p");
	struct mmsim_fault f;
	char c;
	int64_t a = mmsim_mmap_fd(m, pid, 0, 4 * PG, RW, MMSIM_MAP_PRIVATE, 0, fd, 0);
	long anon0 = get_mm_counter(find_task_by_pid(m, pid)->mm, MM_ANONPAGES);

	(void)state;
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a, 4 * PG, 0, &f), 0);
	assert_int_equal(mmsim_write(m, pid, (uint64_t)a + 3 * PG, "W", 1, &f), 0);	/* a COW copy */
	assert_int_equal(mmsim_ftruncate(m, 0, fd, PG + 10), 0);
	assert_int_equal(rss_file(m, pid), 2);
	assert_int_equal(get_mm_counter(find_task_by_pid(m, pid)->mm, MM_ANONPAGES), anon0);
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + 3 * PG, &c, 1, &f), -EFAULT);
	assert_int_equal(f.signo, 7);
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + 2 * PG, &c, 1, &f), -EFAULT);
	assert_int_equal(f.signo, 7);
	/* the page holding the end is mapped, its tail zeroed */
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + PG + 20, &c, 1, &f), 0);
	assert_int_equal(c, 0);
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + PG, &c, 1, &f), 0);
	assert_int_equal(c, 'b');
	/* growing again: the pages come back as zeros */
	assert_int_equal(mmsim_ftruncate(m, 0, fd, 4 * PG), 0);
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + 3 * PG, &c, 1, &f), 0);
	assert_int_equal(c, 0);
	check_machine(m);
	machine_shutdown(m);
}

static void test_mmap_access_rules(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	int pid = mmsim_spawn(m, "p"), rd, wr;

	(void)state;
	make_file(m, "/data/acc", 2);
	rd = mmsim_open(m, pid, "/data/acc", MMSIM_O_RDONLY, 0);
	wr = mmsim_open(m, pid, "/data/acc", MMSIM_O_WRONLY, 0);
	assert_int_equal(mmsim_mmap(m, pid, 0, PG, R, MMSIM_MAP_PRIVATE, wr, 0), -EACCES);
	assert_int_equal(mmsim_mmap(m, pid, 0, PG, RW, MMSIM_MAP_SHARED, rd, 0), -EACCES);
	assert_int_equal(mmsim_mmap(m, pid, 0, PG, R, MMSIM_MAP_SHARED, 99, 0), -EBADF);
	int64_t a = mmsim_mmap(m, pid, 0, PG, R, MMSIM_MAP_SHARED, rd, 0);
	assert_true(a > 0);
	/* a shared mapping of a read-only file can never be made writable */
	assert_int_equal(mmsim_mprotect(m, pid, (uint64_t)a, PG, RW), -EACCES);
	/* a private one can: writes are copies */
	a = mmsim_mmap(m, pid, 0, PG, R, MMSIM_MAP_PRIVATE, rd, 0);
	assert_int_equal(mmsim_mprotect(m, pid, (uint64_t)a, PG, RW), 0);
	/* the mapping keeps the file open after close */
	assert_int_equal(mmsim_close(m, pid, rd), 0);
	struct mmsim_fault f;
	char c;
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a, &c, 1, &f), 0);
	assert_int_equal(c, 'a');
	check_machine(m);
	machine_shutdown(m);
}

/* A failed disk read: read(2) answers EIO, a fault SIGBUS; the next try works. */
static void test_disk_read_error(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	int fd = make_file(m, "/data/err", 2), pid = mmsim_spawn(m, "p");
	struct mmsim_fault f;
	char c;
	int64_t a;

	(void)state;
	assert_int_equal(mmsim_fadvise(m, 0, fd, 0, 0, MMSIM_POSIX_FADV_RANDOM), 0);
	/* readahead's failed read is retried by the reader: two failures make EIO */
	assert_int_equal(mmsim_disk_fail(m, "read", 2), 0);
	assert_int_equal(mmsim_pread(m, 0, fd, &c, 1, 0), -EIO);
	assert_int_equal(mmsim_pread(m, 0, fd, &c, 1, 0), 1);
	a = mmsim_mmap_fd(m, pid, 0, 2 * PG, R, MMSIM_MAP_PRIVATE, 0, fd, 0);
	assert_int_equal(mmsim_madvise(m, pid, (uint64_t)a, 2 * PG, 1 /* MADV_RANDOM */), 0);
	assert_int_equal(mmsim_disk_fail(m, "read", 1), 0);
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + PG, &c, 1, &f), -EFAULT);
	assert_int_equal(f.signo, 7);
	assert_int_equal(mmsim_read(m, pid, (uint64_t)a + PG, &c, 1, &f), 0);
	assert_int_equal(c, 'b');
	/* a failed write reaches fsync once */
	assert_int_equal(mmsim_pwrite(m, 0, fd, "q", 1, 0), 1);
	assert_int_equal(mmsim_disk_fail(m, "write", 1), 0);
	assert_int_equal(mmsim_fsync(m, 0, fd), -EIO);
	assert_int_equal(mmsim_fsync(m, 0, fd), 0);
	check_machine(m);
	machine_shutdown(m);
}

/* DONTNEED drops only what nobody maps; fork's child faults file pages again. */
static void test_dontneed_and_fork(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	int fd = make_file(m, "/data/dn", 8), pid = mmsim_spawn(m, "p"), child;
	struct mmsim_fault f;
	unsigned long min0;
	int64_t a;

	(void)state;
	assert_int_equal(mmsim_pread(m, 0, fd, page_buf, 8 * PG, 0), (long)(8 * PG));
	a = mmsim_mmap_fd(m, pid, 0, 2 * PG, R, MMSIM_MAP_SHARED, 0, fd, 0);
	assert_int_equal(mmsim_madvise(m, pid, (uint64_t)a, 2 * PG, 1 /* MADV_RANDOM */), 0);
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a, 2 * PG, 0, &f), 0);
	assert_int_equal(mmsim_fadvise(m, 0, fd, 0, 0, MMSIM_POSIX_FADV_DONTNEED), 0);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), 2);
	child = mmsim_fork(m, pid);
	assert_int_equal(rss_file(m, child), 0);	/* not copied: faults refill them */
	min0 = info(m, child).min_flt;
	assert_int_equal(mmsim_touch(m, child, (uint64_t)a, 2 * PG, 0, &f), 0);
	assert_int_equal(info(m, child).min_flt - min0, 1);	/* fault-around maps both */
	assert_int_equal(info(m, child).maj_flt, 0);
	check_machine(m);
	machine_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_around),
		cmocka_unit_test(test_major_fault_read_around),
		cmocka_unit_test(test_readahead_window),
		cmocka_unit_test(test_private_write_cow),
		cmocka_unit_test(test_shared_write_dirty),
		cmocka_unit_test(test_truncate_sigbus),
		cmocka_unit_test(test_mmap_access_rules),
		cmocka_unit_test(test_disk_read_error),
		cmocka_unit_test(test_dontneed_and_fork),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
