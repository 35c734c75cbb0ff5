/*
 * test_file_io.c - the file system calls of the public API (mmsim.h,
 * "Files and the page cache") as a program sees them: open flags and
 * their errnos, descriptor tables (per process, shared by threads, copied
 * at fork, the machine's own), read/write/pread/pwrite/lseek semantics,
 * O_APPEND, O_DIRECT alignment, ftruncate, unlink of an open file, and
 * the disk's refusal of every path that would leave it.
 *
 * Invariants: each test that boots a machine boots its own and, when it
 * passes, shuts it down; no host time is asserted. The host files the disk
 * tests make live under one mkdtemp directory, removed when the test
 * passes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dcache.h"
#include "fs.h"
#include "harness.h"
#include "machine.h"
#include "swap.h"
#include "mmsim/mmsim.h"

#define PG	4096

static void test_open_errnos(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	int fd;

	(void)state;
	assert_int_equal(mmsim_open(m, 0, "/data/none", MMSIM_O_RDONLY, 0), -ENOENT);
	assert_int_equal(mmsim_open(m, 0, "", MMSIM_O_RDONLY, 0), -ENOENT);
	assert_int_equal(mmsim_open(m, 0, "/nodir/f", MMSIM_O_CREAT | MMSIM_O_RDWR, 0644),
			 -ENOENT);
	assert_int_equal(mmsim_open(m, 0, "/data", MMSIM_O_RDWR, 0), -EISDIR);
	assert_int_equal(mmsim_open(m, 0, "/data/f", 3, 0),
			 -EINVAL);
	fd = mmsim_open(m, 0, "/data/f", MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);
	assert_true(fd >= 0);
	assert_int_equal(mmsim_open(m, 0, "/data/f", MMSIM_O_CREAT | MMSIM_O_EXCL | MMSIM_O_RDWR,
				    0644), -EEXIST);
	assert_int_equal(mmsim_open(m, 1234, "/data/f", MMSIM_O_RDONLY, 0), -ESRCH);
	assert_int_equal(mmsim_close(m, 0, fd), 0);
	assert_int_equal(mmsim_close(m, 0, fd), -EBADF);
	assert_int_equal(mmsim_close(m, 0, -1), -EBADF);
	assert_int_equal(mmsim_file_read(m, 0, 77, (char[4]){ 0 }, 4), -EBADF);
	assert_int_equal(mmsim_mkdir(m, "/data/sub", 0755), 0);
	assert_int_equal(mmsim_mkdir(m, "/data/sub", 0755), -EEXIST);
	assert_int_equal(mmsim_unlink(m, "/data/sub"), -EISDIR);
	assert_int_equal(mmsim_unlink(m, "/data/none"), -ENOENT);
	check_machine(m);
	machine_shutdown(m);
}

/* The disk never lets a path out: .., absolute symlinks, symlinks leading out. */
static void test_no_escape(void **state)
{
	char dir[] = "/tmp/mmsim-test-disk-XXXXXX", opt[128], path[256];
	struct machine *m;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/in", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/in/abs", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/in/rel", dir);
	assert_int_equal(symlink("../../..", path), 0);
	snprintf(path, sizeof(path), "%s/in/ok", dir);
	assert_int_equal(symlink("d/../target", path), 0);
	snprintf(path, sizeof(path), "%s/in/d", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/in/target", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	snprintf(path, sizeof(path), "%s/in/fifo", dir);
	assert_int_equal(mkfifo(path, 0644), 0);

	snprintf(opt, sizeof(opt), "mem=128M cpus=1 disk=%s/in", dir);
	m = test_boot(opt);
	assert_int_equal(mmsim_open(m, 0, "../x", MMSIM_O_RDONLY, 0), -EXDEV);
	assert_int_equal(mmsim_open(m, 0, "/../../etc/passwd", MMSIM_O_RDONLY, 0), -EXDEV);
	assert_int_equal(mmsim_open(m, 0, "/abs", MMSIM_O_RDONLY, 0), -EXDEV);
	assert_int_equal(mmsim_open(m, 0, "/rel/etc/passwd", MMSIM_O_RDONLY, 0), -EXDEV);
	assert_int_equal(mmsim_open(m, 0, "/etc/passwd", MMSIM_O_RDONLY, 0), -ENOENT);
	assert_int_equal(mmsim_unlink(m, "../in/target"), -EXDEV);
	assert_int_equal(mmsim_open(m, 0, "/fifo", MMSIM_O_RDONLY, 0), -ENXIO);
	/* a symlink (or "..") that stays inside is followed */
	assert_true(mmsim_open(m, 0, "/ok", MMSIM_O_RDONLY, 0) >= 0);
	assert_true(mmsim_open(m, 0, "d/../target", MMSIM_O_RDONLY, 0) >= 0);
	assert_int_equal(mmsim_open(m, 0, "d/../../in/target", MMSIM_O_RDONLY, 0), -EXDEV);
	machine_shutdown(m);
	/* --disk DIR stays in place */
	snprintf(path, sizeof(path), "%s/in/target", dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

static void test_boot_bad_disk(void **state)
{
	const char *err = test_boot_error("mem=128M disk=/nonexistent/mmsim-dir");

	(void)state;
	assert_non_null(strstr(err, "--disk"));
}

static void test_read_write_seek(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	char buf[64];
	int fd = mmsim_open(m, 0, "/data/rw", MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);

	(void)state;
	assert_int_equal(mmsim_file_write(m, 0, fd, "hello, world", 12), 12);
	assert_int_equal(mmsim_lseek(m, 0, fd, 0, MMSIM_SEEK_CUR), 12);
	assert_int_equal(mmsim_file_read(m, 0, fd, buf, sizeof(buf)), 0);	/* at EOF */
	assert_int_equal(mmsim_lseek(m, 0, fd, 7, MMSIM_SEEK_SET), 7);
	assert_int_equal(mmsim_file_read(m, 0, fd, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "world", 5);
	assert_int_equal(mmsim_pread(m, 0, fd, buf, 5, 0), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(mmsim_lseek(m, 0, fd, 0, MMSIM_SEEK_CUR), 12);	/* pread keeps it */
	/* a write far beyond the end leaves a hole of zeros */
	assert_int_equal(mmsim_pwrite(m, 0, fd, "X", 1, 3 * PG + 5), 1);
	assert_int_equal(mmsim_fsize(m, 0, fd), 3 * PG + 6);
	assert_int_equal(mmsim_pread(m, 0, fd, buf, 4, PG), 4);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(mmsim_lseek(m, 0, fd, -1, MMSIM_SEEK_END), 3 * PG + 5);
	assert_int_equal(mmsim_lseek(m, 0, fd, -1, MMSIM_SEEK_SET), -EINVAL);
	assert_int_equal(mmsim_lseek(m, 0, fd, 0, 99), -EINVAL);
	assert_int_equal(mmsim_pread(m, 0, fd, buf, 4, -1), -EINVAL);
	/* the bytes reach the disk and come back after the cache is dropped */
	assert_int_equal(mmsim_fsync(m, 0, fd), 0);
	assert_int_equal(mmsim_fadvise(m, 0, fd, 0, 0, MMSIM_POSIX_FADV_DONTNEED), 0);
	assert_int_equal(mmsim_pread(m, 0, fd, buf, 12, 0), 12);
	assert_memory_equal(buf, "hello, world", 12);
	assert_int_equal(mmsim_close(m, 0, fd), 0);
	/* modes: a read-only file refuses writes, a write-only one reads */
	fd = mmsim_open(m, 0, "/data/rw", MMSIM_O_RDONLY, 0);
	assert_int_equal(mmsim_file_write(m, 0, fd, "x", 1), -EBADF);
	assert_int_equal(mmsim_ftruncate(m, 0, fd, 0), -EINVAL);
	mmsim_close(m, 0, fd);
	fd = mmsim_open(m, 0, "/data/rw", MMSIM_O_WRONLY, 0);
	assert_int_equal(mmsim_file_read(m, 0, fd, buf, 1), -EBADF);
	mmsim_close(m, 0, fd);
	check_machine(m);
	machine_shutdown(m);
}

static void test_append_trunc(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	char buf[16];
	int fd = mmsim_open(m, 0, "/data/a", MMSIM_O_CREAT | MMSIM_O_WRONLY | MMSIM_O_APPEND,
			    0644);

	(void)state;
	assert_int_equal(mmsim_file_write(m, 0, fd, "ab", 2), 2);
	assert_int_equal(mmsim_lseek(m, 0, fd, 0, MMSIM_SEEK_SET), 0);
	assert_int_equal(mmsim_file_write(m, 0, fd, "cd", 2), 2);	/* still appends */
	assert_int_equal(mmsim_fsize(m, 0, fd), 4);
	mmsim_close(m, 0, fd);
	fd = mmsim_open(m, 0, "/data/a", MMSIM_O_RDWR, 0);
	assert_int_equal(mmsim_file_read(m, 0, fd, buf, 8), 4);
	assert_memory_equal(buf, "abcd", 4);
	mmsim_close(m, 0, fd);
	fd = mmsim_open(m, 0, "/data/a", MMSIM_O_RDWR | MMSIM_O_TRUNC, 0);
	assert_int_equal(mmsim_fsize(m, 0, fd), 0);
	assert_int_equal(mmsim_file_read(m, 0, fd, buf, 8), 0);
	mmsim_close(m, 0, fd);
	check_machine(m);
	machine_shutdown(m);
}

static void test_direct_io(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	static char buf[2 * PG], back[2 * PG];
	long cached;
	int fd = mmsim_open(m, 0, "/data/d", MMSIM_O_CREAT | MMSIM_O_RDWR | MMSIM_O_DIRECT,
			    0644);

	(void)state;
	memset(buf, 'z', sizeof(buf));
	cached = global_node_page_state(m, NR_FILE_PAGES);
	assert_int_equal(mmsim_file_write(m, 0, fd, buf, 100), -EINVAL);	/* unaligned */
	assert_int_equal(mmsim_pwrite(m, 0, fd, buf, 512, 100), -EINVAL);
	assert_int_equal(mmsim_file_write(m, 0, fd, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), cached);	/* no cache */
	assert_int_equal(mmsim_pread(m, 0, fd, back, sizeof(back), 0), sizeof(back));
	assert_memory_equal(buf, back, sizeof(buf));
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), cached);
	mmsim_close(m, 0, fd);
	/* a buffered reader of the same file sees the direct writer's bytes */
	fd = mmsim_open(m, 0, "/data/d", MMSIM_O_RDONLY, 0);
	assert_int_equal(mmsim_pread(m, 0, fd, back, 10, PG), 10);
	assert_memory_equal(back, "zzzzzzzzzz", 10);
	mmsim_close(m, 0, fd);
	check_machine(m);
	machine_shutdown(m);
}

/* Tables: per process, copied at fork, shared by threads, closed at exit. */
static void test_descriptor_tables(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	int pid = mmsim_spawn(m, "p"), child, thread, fd;
	char buf[8];

	(void)state;
	fd = mmsim_open(m, pid, "/data/t", MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);
	assert_int_equal(fd, 0);		/* the lowest free descriptor */
	assert_int_equal(mmsim_file_write(m, pid, fd, "12345678", 8), 8);
	assert_int_equal(mmsim_file_read(m, 0, fd, buf, 1), -EBADF);	/* not the machine's */
	child = mmsim_fork(m, pid);
	/* the child's copy shares the open file description: one position */
	assert_int_equal(mmsim_lseek(m, child, fd, 2, MMSIM_SEEK_SET), 2);
	assert_int_equal(mmsim_file_read(m, pid, fd, buf, 2), 2);
	assert_memory_equal(buf, "34", 2);
	assert_int_equal(mmsim_close(m, child, fd), 0);
	assert_int_equal(mmsim_file_read(m, pid, fd, buf, 1), 1);	/* still open here */
	thread = mmsim_clone_vm(m, pid);
	assert_int_equal(mmsim_close(m, thread, fd), 0);		/* one shared table */
	assert_int_equal(mmsim_file_read(m, pid, fd, buf, 1), -EBADF);
	/* EMFILE at the limit */
	for (int i = 0; i < 1024; i++)
		assert_true(mmsim_open(m, pid, "/data/t", MMSIM_O_RDONLY, 0) >= 0);
	assert_int_equal(mmsim_open(m, pid, "/data/t", MMSIM_O_RDONLY, 0), -EMFILE);
	assert_int_equal(mmsim_exit(m, thread, 0), 0);
	assert_int_equal(mmsim_exit(m, pid, 0), 0);
	assert_int_equal(mmsim_exit(m, child, 0), 0);
	check_machine(m);
	machine_shutdown(m);
}

/* An unlinked open file keeps its data until the last close; then its inode goes. */
static void test_unlink_open(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	int fd = mmsim_open(m, 0, "/data/u", MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);
	unsigned long inodes;
	char buf[4];

	(void)state;
	assert_int_equal(mmsim_file_write(m, 0, fd, "data", 4), 4);
	inodes = m->nr_inodes;
	assert_int_equal(mmsim_unlink(m, "/data/u"), 0);
	assert_int_equal(mmsim_open(m, 0, "/data/u", MMSIM_O_RDONLY, 0), -ENOENT);
	assert_int_equal(mmsim_pread(m, 0, fd, buf, 4, 0), 4);
	assert_memory_equal(buf, "data", 4);
	assert_int_equal(mmsim_close(m, 0, fd), 0);
	assert_int_equal(m->nr_inodes, inodes - 1);
	assert_int_equal(global_node_page_state(m, NR_DIRTY), 0);	/* dropped, not written */
	check_machine(m);
	machine_shutdown(m);
}

/* The superblock shrinker's dentry half, until the unused dentries are gone. */
static void prune_all_dentries(struct machine *m)
{
	for (int pass = 0; pass < 2; pass++) {	/* the first pass spares referenced ones */
		struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nid = 0, .nr_to_scan = 1024 };

		prune_dcache_sb(m, &sc);
	}
}

/* Closed files stay cached with their inodes; the shrinker's prune frees them. */
static void test_inode_lru(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	static char page[PG];
	char name[32];

	(void)state;
	for (int i = 0; i < 10; i++) {
		int fd;

		snprintf(name, sizeof(name), "/data/f%d", i);
		fd = mmsim_open(m, 0, name, MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);
		assert_int_equal(mmsim_file_write(m, 0, fd, page, PG), PG);
		mmsim_close(m, 0, fd);
	}
	assert_int_equal(nr_inodes(m), 10);
	/* the dentries of the names hold the inodes until they are pruned */
	assert_int_equal(nr_unused_inodes(m), 0);
	prune_all_dentries(m);
	assert_int_equal(nr_unused_inodes(m), 10);
	/* dirty ones wait for writeback; recently used ones get a second pass */
	assert_int_equal(prune_icache(m, 10), 0);
	assert_int_equal(prune_icache(m, 10), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "/data/f%d", i);
		int fd = mmsim_open(m, 0, name, MMSIM_O_RDONLY, 0);

		assert_int_equal(mmsim_fsync(m, 0, fd), 0);
		mmsim_close(m, 0, fd);
	}
	lru_add_drain_all(m);	/* the batches' references would keep the pages */
	prune_all_dentries(m);	/* the reopens' dentries let go of the inodes */
	assert_int_equal(nr_unused_inodes(m), 10);
	assert_int_equal(prune_icache(m, 10), 0);	/* referenced by the reopen */
	assert_int_equal(prune_icache(m, 4), 4);
	assert_int_equal(nr_inodes(m), 6);
	assert_int_equal(m->vm_events[PGINODESTEAL], 4);
	drop_pagecache(m);
	assert_int_equal(global_node_page_state(m, NR_FILE_PAGES), 0);
	check_machine(m);
	machine_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_errnos),
		cmocka_unit_test(test_no_escape),
		cmocka_unit_test(test_boot_bad_disk),
		cmocka_unit_test(test_read_write_seek),
		cmocka_unit_test(test_append_trunc),
		cmocka_unit_test(test_direct_io),
		cmocka_unit_test(test_descriptor_tables),
		cmocka_unit_test(test_unlink_open),
		cmocka_unit_test(test_inode_lru),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
