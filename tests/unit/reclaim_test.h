/*
 * reclaim_test.h - helpers of the reclaim tests (test_reclaim*.c):
 * anonymous memory and files filled with a per-page pattern and read back
 * to check that what reclaim took away comes back byte for byte.
 *
 * Invariants: the helpers keep no state. pattern() depends only on the
 * page index and the seed, and differs from page to page, so verify
 * catches a page that came back from the wrong place as well as a corrupt
 * one; a failed call fails the test (cmocka assert).
 */
#ifndef MMSIM_RECLAIM_TEST_H
#define MMSIM_RECLAIM_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "memory.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "sched.h"
#include "swap.h"
#include "vmscan.h"

#define PG	4096UL
#define MB	(1UL << 20)
#define RW	(MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON	(MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)
#define CHUNK	64	/* pages per mmsim_write/read call */

static inline unsigned long ev(struct machine *m, enum vm_event_item i)
{
	return m->vm_events[i];
}

static inline long node_stat(struct machine *m, enum node_stat_item i)
{
	return global_node_page_state(m, i);
}

static inline uint64_t map_anon(struct machine *m, int pid, unsigned long pages)
{
	int64_t a = mmsim_mmap(m, pid, 0, pages * PG, RW, ANON | MMSIM_MAP_NORESERVE, -1, 0);

	assert_true(a > 0);
	return (uint64_t)a;
}

/* Page i's bytes: a pattern that differs per page and per word. */
static inline void pattern(unsigned char *buf, unsigned long first, unsigned long pages,
			   unsigned seed)
{
	for (unsigned long p = 0; p < pages; p++)
		for (unsigned long w = 0; w < PG / 8; w++) {
			uint64_t v = ((first + p) << 20) ^ (w * 2654435761UL) ^ seed;

			memcpy(buf + p * PG + w * 8, &v, 8);
		}
}

/* Write the pattern into pages [0, n) at a; 0 or the first error. */
static inline int fill(struct machine *m, int pid, uint64_t a, unsigned long n,
		       unsigned seed)
{
	unsigned char *buf = malloc(CHUNK * PG);
	struct mmsim_fault f;
	int ret = 0;

	for (unsigned long i = 0; i < n && !ret; i += CHUNK) {
		unsigned long k = n - i < CHUNK ? n - i : CHUNK;

		pattern(buf, i, k, seed);
		ret = mmsim_write(m, pid, a + i * PG, buf, k * PG, &f);
	}
	free(buf);
	return ret;
}

/* Read pages [0, n) back and compare with the pattern: mismatching pages. */
static inline unsigned long verify(struct machine *m, int pid, uint64_t a, unsigned long n,
				   unsigned seed)
{
	unsigned char *buf = malloc(CHUNK * PG), *want = malloc(CHUNK * PG);
	struct mmsim_fault f;
	unsigned long bad = 0;

	for (unsigned long i = 0; i < n; i += CHUNK) {
		unsigned long k = n - i < CHUNK ? n - i : CHUNK;

		pattern(want, i, k, seed);
		assert_int_equal(mmsim_read(m, pid, a + i * PG, buf, k * PG, &f), 0);
		for (unsigned long p = 0; p < k; p++)
			bad += memcmp(buf + p * PG, want + p * PG, PG) != 0;
	}
	free(buf);
	free(want);
	return bad;
}


/* A file of n pages with the pattern, written and synced every 4 MiB (clean in the cache). */
static inline int make_file(struct machine *m, int pid, const char *path, unsigned long n,
			    unsigned seed)
{
	unsigned char *buf = malloc(CHUNK * PG);
	int fd = mmsim_open(m, pid, path, MMSIM_O_CREAT | MMSIM_O_RDWR, 0644);

	assert_true(fd >= 0);
	for (unsigned long i = 0; i < n; i += CHUNK) {
		unsigned long k = n - i < CHUNK ? n - i : CHUNK;

		pattern(buf, i, k, seed);
		assert_int_equal(mmsim_pwrite(m, pid, fd, buf, k * PG, (int64_t)(i * PG)),
				 (int64_t)(k * PG));
		/* reclaim never writes disk files (6.18): sync as balance_dirty_pages would */
		if ((i + k) % 1024 == 0)
			assert_int_equal(mmsim_fsync(m, pid, fd), 0);
	}
	assert_int_equal(mmsim_fsync(m, pid, fd), 0);
	free(buf);
	return fd;
}

/* Read the file back with pread: pages whose bytes differ. */
static inline unsigned long verify_file(struct machine *m, int pid, int fd, unsigned long n,
					unsigned seed)
{
	unsigned char *buf = malloc(CHUNK * PG), *want = malloc(CHUNK * PG);
	unsigned long bad = 0;

	for (unsigned long i = 0; i < n; i += CHUNK) {
		unsigned long k = n - i < CHUNK ? n - i : CHUNK;

		pattern(want, i, k, seed);
		assert_int_equal(mmsim_pread(m, pid, fd, buf, k * PG, (int64_t)(i * PG)),
				 (int64_t)(k * PG));
		for (unsigned long p = 0; p < k; p++)
			bad += memcmp(buf + p * PG, want + p * PG, PG) != 0;
	}
	free(buf);
	free(want);
	return bad;
}

/* Does the task still exist? */
static inline bool alive(struct machine *m, int pid)
{
	struct mmsim_task_info ti;

	return mmsim_task_info(m, pid, &ti) == 0;
}

#endif
