/*
 * test_dcache_files.c - open(2) and unlink(2) through the dentry cache
 * (fs/open.c): every open leaves its name cached (a positive dentry pins
 * the inode, so a closed file's inode is not "unused" until its dentry is
 * pruned), a failed open a negative dentry, unlink turns the name negative
 * (or unhashes it while the file is open, the inode living on until the
 * last close), and drop_caches 2 frees the dentries and then the inodes.
 * /proc/sys/fs/dentry-state and inode-state follow.
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down; what is asserted is simulated state,
 * never host time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcache.h"
#include "fs.h"
#include "harness.h"
#include "machine.h"
#include "mmsim/mmsim.h"

/* dentry-state's nr_dentry, nr_unused and nr_negative. */
struct dstate {
	long nr, unused, negative;
};

static struct dstate dstate(struct machine *m)
{
	char *text = test_proc(m, "sys/fs/dentry-state");
	struct dstate s;
	long age, want, dummy;

	assert_int_equal(sscanf(text, "%ld %ld %ld %ld %ld", &s.nr, &s.unused, &age, &want,
				&s.negative), 5);
	(void)dummy;
	free(text);
	return s;
}

static void open_close(struct machine *m, const char *path)
{
	int fd = mmsim_open(m, 0, path, MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);

	assert_true(fd >= 0);
	assert_int_equal(mmsim_file_write(m, 0, fd, "x", 1), 1);
	assert_int_equal(mmsim_close(m, 0, fd), 0);
}

static void test_open_grows_dentries(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	struct dstate s0 = dstate(m), s;
	char path[32];

	(void)state;
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		open_close(m, path);
	}
	s = dstate(m);
	assert_int_equal(s.nr, s0.nr + 8);
	assert_int_equal(s.unused, s0.unused + 8);
	assert_int_equal(s.negative, s0.negative);
	/* the dentries hold the inodes: none is unused */
	assert_int_equal(nr_inodes(m), 8);
	assert_int_equal(nr_unused_inodes(m), 0);
	/* a second open finds the cached name: no new dentry */
	open_close(m, "/f3");
	assert_int_equal(dstate(m).nr, s0.nr + 8);
	assert_int_equal(nr_inodes(m), 8);
	/* a name in a directory: a dentry for the directory too */
	assert_int_equal(mmsim_mkdir(m, "/d", 0755), 0);
	open_close(m, "/d/g");
	assert_int_equal(dstate(m).nr, s0.nr + 10);
	check_machine(m);
	machine_shutdown(m);
}

static void test_negative_and_unlink(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	struct dstate s0 = dstate(m), s;
	char buf[4];
	int fd;

	(void)state;
	assert_int_equal(mmsim_open(m, 0, "/missing", MMSIM_O_RDONLY, 0), -ENOENT);
	s = dstate(m);
	assert_int_equal(s.nr, s0.nr + 1);
	assert_int_equal(s.negative, s0.negative + 1);
	/* creating it makes the cached negative dentry positive */
	open_close(m, "/missing");
	s = dstate(m);
	assert_int_equal(s.nr, s0.nr + 1);
	assert_int_equal(s.negative, s0.negative);
	/* unlink of a closed file: the name turns negative, the inode goes */
	assert_int_equal(mmsim_unlink(m, "/missing"), 0);
	s = dstate(m);
	assert_int_equal(s.nr, s0.nr + 1);
	assert_int_equal(s.negative, s0.negative + 1);
	assert_int_equal(nr_inodes(m), 0);
	/* unlink of an open file: unhashed, the inode lives until the close */
	fd = mmsim_open(m, 0, "/open", MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);
	assert_true(fd >= 0);
	assert_int_equal(mmsim_file_write(m, 0, fd, "abc", 3), 3);
	assert_int_equal(mmsim_unlink(m, "/open"), 0);
	assert_int_equal(nr_inodes(m), 1);
	assert_int_equal(mmsim_pread(m, 0, fd, buf, 3, 0), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(mmsim_open(m, 0, "/open", MMSIM_O_RDONLY, 0), -ENOENT);
	assert_int_equal(mmsim_close(m, 0, fd), 0);
	assert_int_equal(nr_inodes(m), 0);
	check_machine(m);
	machine_shutdown(m);
}

static void test_drop_caches_frees(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	struct dstate s0 = dstate(m), s;
	char path[32];
	int fd;

	(void)state;
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		open_close(m, path);
	}
	fd = mmsim_open(m, 0, "/f0", MMSIM_O_RDONLY, 0);	/* in use: stays */
	assert_true(fd >= 0);
	assert_int_equal(mmsim_fsync(m, 0, fd), 0);
	for (int i = 1; i < 20; i++) {				/* clean, so droppable */
		int g;

		snprintf(path, sizeof(path), "/f%d", i);
		g = mmsim_open(m, 0, path, MMSIM_O_RDONLY, 0);
		assert_int_equal(mmsim_fsync(m, 0, g), 0);
		assert_int_equal(mmsim_close(m, 0, g), 0);
	}
	assert_int_equal(dstate(m).nr, s0.nr + 20);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "3", NULL, 0), 0);
	s = dstate(m);
	assert_int_equal(s.nr, s0.nr + 1);	/* only the open file's name */
	assert_int_equal(nr_inodes(m), 1);
	assert_int_equal(mmsim_close(m, 0, fd), 0);
	assert_int_equal(nr_unused_inodes(m), 0);	/* its dentry still holds it */
	/* the inode was referenced by the open: the first pass only ages it
	 * (drop_slab stops when a round frees < 10, as Linux's does) */
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "2", NULL, 0), 0);
	assert_int_equal(dstate(m).nr, s0.nr);
	assert_int_equal(nr_inodes(m), 1);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "2", NULL, 0), 0);
	assert_int_equal(nr_inodes(m), 0);
	check_machine(m);
	machine_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_grows_dentries),
		cmocka_unit_test(test_negative_and_unlink),
		cmocka_unit_test(test_drop_caches_frees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
