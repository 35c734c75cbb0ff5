/*
 * test_writeback.c - dirty limits, the flusher, dirty throttling and
 * writeback errors (mm/page-writeback.c, lib/errseq.c).
 *
 * Thresholds are checked against a hand computation of Linux's
 * global_dirty_limits from the same /proc/vmstat snapshot; the flusher by
 * letting simulated time pass (mmsim_tick) around dirty_expire_centisecs;
 * throttling by a writer far above vm.dirty_bytes; errseq by injected
 * disk write errors (mmsim_disk_fail) seen through several descriptors.
 *
 * Invariants: each test that needs a machine boots its own and, when it
 * passes, runs check_machine and shuts it down; time is the simulated
 * clock only, never the host's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errseq.h"
#include "fs.h"
#include "harness.h"
#include "machine.h"
#include "sysctl.h"
#include "vmstat.h"
#include "writeback.h"
#include "mmsim/mmsim.h"

#define PG	4096
#define SEC	1000000000ULL

static long vmstat_get(struct machine *m, const char *name)
{
	struct mmsim_counter c[512];
	size_t n = mmsim_vmstat(m, c, 512);

	for (size_t i = 0; i < n && i < 512; i++)
		if (!strcmp(c[i].name, name))
			return (long)c[i].value;
	fail_msg("no vmstat %s", name);
	return -1;
}

static long dirty_pages(struct machine *m)
{
	return global_node_page_state(m, NR_DIRTY);
}

static void set(struct machine *m, const char *name, const char *value)
{
	assert_int_equal(mmsim_sysctl_set(m, name, value, NULL, 0), 0);
}

static long get(struct machine *m, const char *name)
{
	char buf[64];

	assert_int_equal(mmsim_sysctl_get(m, name, buf, sizeof(buf)), 0);
	return atol(buf);
}

static int open_rw(struct machine *m, const char *path)
{
	int fd = mmsim_open(m, 0, path, MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);

	assert_true(fd >= 0);
	return fd;
}

static void write_pages(struct machine *m, int fd, int nr)
{
	static char buf[PG];

	for (int i = 0; i < nr; i++) {
		memset(buf, 'a' + i % 26, sizeof(buf));
		assert_int_equal(mmsim_file_write(m, 0, fd, buf, PG), PG);
	}
}

/* global_dirty_limits by hand, from one vmstat snapshot. */
static void expected_limits(struct machine *m, long ratio, long bg_ratio, long bytes,
			    long bg_bytes, unsigned long *bg, unsigned long *thresh)
{
	unsigned long free = (unsigned long)vmstat_get(m, "nr_free_pages");
	unsigned long avail = free - (free < m->totalreserve_pages ? free : m->totalreserve_pages);

	avail += (unsigned long)vmstat_get(m, "nr_inactive_file");
	avail += (unsigned long)vmstat_get(m, "nr_active_file");
	avail += 1;
	*thresh = bytes ? (unsigned long)(bytes + PG - 1) / PG
			: (unsigned long)(ratio * PG / 100) * avail / PG;
	*bg = bg_bytes ? (unsigned long)(bg_bytes + PG - 1) / PG
		       : (unsigned long)(bg_ratio * PG / 100) * avail / PG;
	if (*bg >= *thresh)
		*bg = *thresh / 2;
}

static void check_limits(struct machine *m, long ratio, long bg_ratio, long bytes, long bg_bytes)
{
	unsigned long bg, thresh;

	expected_limits(m, ratio, bg_ratio, bytes, bg_bytes, &bg, &thresh);
	assert_int_equal(vmstat_get(m, "nr_dirty_threshold"), (long)thresh);
	assert_int_equal(vmstat_get(m, "nr_dirty_background_threshold"), (long)bg);
}

static void test_thresholds(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");

	(void)state;
	assert_int_equal(get(m, "vm.dirty_ratio"), 20);
	assert_int_equal(get(m, "vm.dirty_background_ratio"), 10);
	assert_int_equal(get(m, "vm.dirty_bytes"), 0);
	assert_int_equal(get(m, "vm.dirty_expire_centisecs"), 3000);
	assert_int_equal(get(m, "vm.dirty_writeback_centisecs"), 500);
	check_limits(m, 20, 10, 0, 0);
	assert_true(vmstat_get(m, "nr_dirty_threshold") > 10000);	/* ~20% of 256M */

	/* bytes win over ratios, and writing one zeroes the other */
	set(m, "vm.dirty_bytes", "1048576");
	assert_int_equal(get(m, "vm.dirty_ratio"), 0);
	check_limits(m, 0, 10, 1048576, 0);		/* bg >= thresh: halved */
	assert_int_equal(vmstat_get(m, "nr_dirty_background_threshold"), 128);
	set(m, "vm.dirty_background_bytes", "65537");
	assert_int_equal(get(m, "vm.dirty_background_ratio"), 0);
	check_limits(m, 0, 0, 1048576, 65537);		/* rounded up to 17 pages */
	assert_int_equal(vmstat_get(m, "nr_dirty_background_threshold"), 17);
	set(m, "vm.dirty_ratio", "30");
	assert_int_equal(get(m, "vm.dirty_bytes"), 0);
	set(m, "vm.dirty_background_ratio", "5");
	assert_int_equal(get(m, "vm.dirty_background_bytes"), 0);
	check_limits(m, 30, 5, 0, 0);
	/* Linux's bounds */
	assert_int_equal(mmsim_sysctl_set(m, "vm.dirty_bytes", "4096", NULL, 0), -EINVAL);
	assert_int_equal(mmsim_sysctl_set(m, "vm.dirty_ratio", "101", NULL, 0), -EINVAL);
	assert_int_equal(mmsim_sysctl_set(m, "vm.dirty_background_bytes", "0", NULL, 0),
			 -EINVAL);
	assert_int_equal(get(m, "vm.dirty_ratio"), 30);
	/* larger than an int */
	set(m, "vm.dirty_bytes", "8589934592");
	assert_int_equal(get(m, "vm.dirty_bytes"), 8589934592L);
	check_machine(m);
	machine_shutdown(m);
}

/* The periodic flusher writes an inode once it is dirty_expire_centisecs old. */
static void test_flusher_expire(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	long written0 = vmstat_get(m, "nr_written");
	uint64_t t0;
	int f, g;

	(void)state;
	f = open_rw(m, "/data/f");
	g = open_rw(m, "/data/g");
	t0 = mmsim_clock_ns(m);
	write_pages(m, f, 10);
	assert_int_equal(dirty_pages(m), 10);
	assert_true(timer_pending(&m->wb->dwork));
	assert_int_equal(mmsim_tick(m, 20 * SEC), 0);
	assert_int_equal(dirty_pages(m), 10);		/* not old enough */
	write_pages(m, g, 5);				/* g is dirtied 20 s later */
	assert_int_equal(mmsim_tick(m, t0 + 36 * SEC - mmsim_clock_ns(m)), 0);
	assert_int_equal(dirty_pages(m), 5);		/* f went, g is young */
	assert_int_equal(vmstat_get(m, "nr_written") - written0, 10);
	assert_int_equal(m->wb->nr_written[WB_REASON_PERIODIC], 10);
	assert_true(timer_pending(&m->wb->dwork));
	assert_int_equal(mmsim_tick(m, 20 * SEC), 0);
	assert_int_equal(dirty_pages(m), 0);
	assert_int_equal(vmstat_get(m, "nr_written") - written0, 15);
	assert_false(timer_pending(&m->wb->dwork));	/* nothing dirty: the flusher sleeps */
	assert_int_equal(vmstat_get(m, "nr_dirtied"), 15);
	check_machine(m);
	mmsim_close(m, 0, f);
	mmsim_close(m, 0, g);
	machine_shutdown(m);
}

/* Above the background threshold the flusher starts at once and stops below it. */
static void test_background(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int f;

	(void)state;
	set(m, "vm.dirty_background_bytes", "65536");	/* 16 pages */
	f = open_rw(m, "/data/f");
	write_pages(m, f, 100);
	assert_int_equal(mmsim_tick(m, 10000000), 0);	/* 10 ms */
	assert_true(dirty_pages(m) <= 16);
	assert_true(m->wb->nr_written[WB_REASON_BACKGROUND] >= 84);
	assert_int_equal(m->wb->total_pause_ns, 0);	/* far below dirty_ratio */
	assert_int_equal(vmstat_get(m, "nr_written") + dirty_pages(m), 100);
	check_machine(m);
	mmsim_close(m, 0, f);
	machine_shutdown(m);
}

/* A writer far above dirty_bytes is throttled: it sleeps (iowait) while the disk drains. */
static void test_throttle(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct mmsim_cpu_time c0, c1;
	static char buf[4 << 20];
	uint64_t t0;
	int f;

	(void)state;
	set(m, "vm.dirty_bytes", "1048576");		/* 256 pages */
	set(m, "vm.dirty_background_bytes", "524288");	/* 128: freerun at 192 */
	f = open_rw(m, "/data/f");
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(mmsim_cpu_time(m, -1, &c0), 0);
	t0 = mmsim_clock_ns(m);
	assert_int_equal(mmsim_file_write(m, 0, f, buf, sizeof(buf)), (long)sizeof(buf));
	assert_int_equal(mmsim_cpu_time(m, -1, &c1), 0);
	assert_true(m->wb->total_pause_ns > 0);
	/* 1024 pages, at most 192 free-running: the rest paid at 100 MB/s-ish */
	assert_true(m->wb->total_pause_ns >= 10000000ULL);
	assert_int_equal(c1.iowait_ns - c0.iowait_ns, m->wb->total_pause_ns);
	assert_true(mmsim_clock_ns(m) - t0 >= m->wb->total_pause_ns);
	assert_true(dirty_pages(m) <= 256);		/* never far above the limit */
	assert_int_equal(vmstat_get(m, "nr_written") + dirty_pages(m), 1024);
	assert_true(m->wb->nr_written[WB_REASON_BACKGROUND] > 0);
	check_machine(m);
	mmsim_close(m, 0, f);
	machine_shutdown(m);
}

static void test_errseq_unit(void **state)
{
	errseq_t e = 0, s1, s2;

	(void)state;
	s1 = errseq_sample(&e);
	assert_int_equal(errseq_check(&e, s1), 0);
	errseq_set(&e, -EIO);
	s2 = errseq_sample(&e);			/* unseen: the new sampler will see it */
	assert_int_equal(s2, 0);
	assert_int_equal(errseq_check(&e, s1), -EIO);
	assert_int_equal(errseq_check_and_advance(&e, &s1), -EIO);
	assert_int_equal(errseq_check_and_advance(&e, &s1), 0);
	assert_int_equal(errseq_check_and_advance(&e, &s2), -EIO);	/* once each */
	s2 = errseq_sample(&e);			/* seen: a later sampler does not */
	assert_int_equal(errseq_check(&e, s2), 0);
	errseq_set(&e, -ENOSPC);			/* after a sighting: a new sequence */
	assert_int_equal(errseq_check_and_advance(&e, &s2), -ENOSPC);
	errseq_set(&e, 0);				/* 0 never clears */
	errseq_set(&e, -5000);				/* beyond MAX_ERRNO: ignored */
	assert_int_equal(e & ERRSEQ_MAX_ERRNO, ENOSPC);
}

/* fsync/fdatasync report a writeback error once per open file description. */
static void test_errseq_fsync(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int fd1, fd2, fd3, fd4;

	(void)state;
	fd1 = open_rw(m, "/data/f");
	fd2 = open_rw(m, "/data/f");
	write_pages(m, fd1, 1);
	assert_int_equal(mmsim_disk_fail(m, "write", 1), 0);
	assert_int_equal(mmsim_fsync(m, 0, fd1), -EIO);
	assert_int_equal(mmsim_fsync(m, 0, fd1), 0);		/* once */
	assert_int_equal(mmsim_fsync(m, 0, fd2), -EIO);	/* its own sighting */
	assert_int_equal(mmsim_fdatasync(m, 0, fd2), 0);
	fd3 = open_rw(m, "/data/f");				/* after a seen error */
	assert_int_equal(mmsim_fsync(m, 0, fd3), 0);

	/* the flusher meets the error: every description hears of it once */
	write_pages(m, fd1, 1);
	assert_int_equal(mmsim_disk_fail(m, "write", 1), 0);
	assert_int_equal(mmsim_tick(m, 40 * SEC), 0);
	assert_int_equal(dirty_pages(m), 0);
	fd4 = open_rw(m, "/data/f");		/* unseen error: errseq_sample lets it see */
	assert_int_equal(mmsim_fdatasync(m, 0, fd1), -EIO);
	assert_int_equal(mmsim_fsync(m, 0, fd1), 0);
	assert_int_equal(mmsim_fsync(m, 0, fd3), -EIO);
	assert_int_equal(mmsim_fsync(m, 0, fd4), -EIO);
	assert_int_equal(mmsim_fsync(m, 0, fd4), 0);
	assert_int_equal(mmsim_fsync(m, 0, fd2), -EIO);
	/* a good write afterwards reports nothing */
	write_pages(m, fd1, 1);
	assert_int_equal(mmsim_fsync(m, 0, fd1), 0);
	assert_int_equal(mmsim_fsync(m, 0, fd2), 0);
	check_machine(m);
	mmsim_close(m, 0, fd1);
	mmsim_close(m, 0, fd2);
	mmsim_close(m, 0, fd3);
	mmsim_close(m, 0, fd4);
	machine_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_flusher_expire),
		cmocka_unit_test(test_background),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_errseq_unit),
		cmocka_unit_test(test_errseq_fsync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
