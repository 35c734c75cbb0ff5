/*
 * sequences.c - the operation sequences of the differential tests, each
 * written once and run by both backends (ops.h).
 *
 * Mappings go to DT_ARENA (1 GiB aligned, far from everything else) unless
 * a sequence is about placement, so the figures are independent of where
 * the host's libraries or mmsim's program image sit. Process 0 is the
 * first process; dt_fork() returns the child's index. Each dt_* call logs
 * its result; dt_record() logs faults, status deltas, VMA count and the
 * VMAs (with smaps fields) of the declared windows.
 *
 * Conventions: A is the arena, PG(n) n pages; windows are named by one
 * capital letter. A sequence must not depend on privilege (the host runs
 * as root or not), on the amount of RAM, or on absolute addresses outside
 * the arena; where a figure cannot be the same by construction (mlockall
 * of the whole process), the record leaves it out.
 */
#include <errno.h>
#include <stdint.h>

#include "ops.h"

#define A		DT_ARENA
#define PG(n)		((uint64_t)(n) * DT_PAGE)
#define MB		(1ULL << 20)

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define PROT_SEM	0x8
#define PROT_GROWSDOWN	0x01000000
#define RW		(PROT_READ | PROT_WRITE)

#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_32BIT	0x40
#define MAP_GROWSDOWN	0x0100
#define MAP_LOCKED	0x2000
#define MAP_NORESERVE	0x4000
#define MAP_POPULATE	0x8000
#define MAP_HUGETLB	0x40000
#define MAP_FIXED_NOREPLACE 0x100000
#define PA		(MAP_PRIVATE | MAP_ANONYMOUS)
#define SA		(MAP_SHARED | MAP_ANONYMOUS)

#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2
#define MREMAP_DONTUNMAP 4

#define MLOCK_ONFAULT	1
#define MCL_CURRENT	1
#define MCL_FUTURE	2
#define MCL_ONFAULT	4

#define MADV_NORMAL	0
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#define MADV_FREE	8
#define MADV_REMOVE	9
#define MADV_DONTFORK	10
#define MADV_DOFORK	11
#define MADV_HUGEPAGE	14
#define MADV_NOHUGEPAGE	15
#define MADV_DONTDUMP	16
#define MADV_DODUMP	17
#define MADV_WIPEONFORK	18
#define MADV_KEEPONFORK	19
#define MADV_COLD	20
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23

#define TASK_SIZE	0x7ffffffff000ULL

/* The arena window: every VMA of ours, relative to A. */
static void arena(struct dt *t)
{
	dt_window(t, "A", A, 64 * MB);
}

/* ---- Anonymous faults ---- */

static void anon_write(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_record(t, "mapped", P(0), REC_ALL);
	dt_touch(t, 0, A, PG(16), 1);
	dt_record(t, "written", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_touch(t, 0, A, PG(16), 1);
	dt_record(t, "again", P(0), REC_FAULTS);
}

static void anon_read(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_touch(t, 0, A, PG(16), 0);
	dt_record(t, "read", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_check(t, 0, A, PG(16), 0);
	dt_touch(t, 0, A, PG(16), 1);
	dt_record(t, "written", P(0), REC_ALL);
}

static void anon_read_then_write(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_touch(t, 0, A, PG(4), 0);
	dt_touch(t, 0, A + PG(2), PG(6), 1);
	dt_record(t, "mixed", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(8));
}

static void anon_sparse(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(64), RW, PA);
	for (int i = 0; i < 64; i += 5)
		dt_touch(t, 0, A + PG(i), PG(1), i & 1);
	dt_record(t, "sparse", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(64));
	dt_mincore(t, 0, A + PG(3), PG(7));
}

static void anon_readonly(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), PROT_READ, PA);
	dt_touch(t, 0, A, PG(8), 0);
	dt_record(t, "read", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(3), PG(1), 1);
	dt_check(t, 0, A, PG(8), 0);
	dt_record(t, "denied", P(0), REC_FAULTS | REC_STATUS);
}

static void prot_none(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), PROT_NONE, PA);
	dt_touch(t, 0, A + PG(1), PG(1), 0);
	dt_touch(t, 0, A + PG(2), PG(1), 1);
	dt_record(t, "denied", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(4));
}

static void unmapped_access(struct dt *t)
{
	arena(t);
	dt_touch(t, 0, A, PG(1), 0);
	dt_mmap(t, 0, A + PG(1), PG(2), RW, PA);
	dt_touch(t, 0, A + PG(1), PG(4), 1);
	dt_touch(t, 0, A + PG(8), PG(1), 1);
	dt_record(t, "after", P(0), REC_ALL);
}

static void data_roundtrip(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(32), RW, PA);
	dt_fill(t, 0, A, PG(32), 7);
	dt_check(t, 0, A, PG(32), 7);
	dt_fill_from(t, 0, A + PG(8), PG(8), 9, 8);
	dt_check(t, 0, A, PG(8), 7);
	dt_check_from(t, 0, A + PG(8), PG(8), 9, 8);
	dt_check_from(t, 0, A + PG(16), PG(16), 7, 16);
	dt_check(t, 0, A, PG(32), 7);
	dt_record(t, "done", P(0), REC_ALL);
}

/* ---- fork and copy-on-write ---- */

static void fork_child_writes(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_record(t, "filled", P(0), REC_ALL);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_fill(t, c, A, PG(8), 2);
	dt_record(t, "child_wrote", P(0) | P(c), REC_ALL);
	dt_check(t, c, A, PG(8), 2);
	dt_check_from(t, c, A + PG(8), PG(8), 1, 8);
	dt_check(t, 0, A, PG(16), 1);
	dt_record(t, "checked", P(0) | P(c), REC_FAULTS);
}

static void fork_parent_writes(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	c = dt_fork(t, 0);
	dt_fill(t, 0, A + PG(4), PG(8), 2);
	dt_record(t, "parent_wrote", P(0) | P(c), REC_ALL);
	dt_check(t, c, A, PG(16), 1);
	dt_check(t, 0, A, PG(4), 1);
	dt_check(t, 0, A + PG(4), PG(8), 2);
	dt_record(t, "checked", P(0) | P(c), REC_FAULTS);
}

static void fork_both_write(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	c = dt_fork(t, 0);
	dt_fill(t, 0, A, PG(16), 2);	/* copies: the child still maps the pages */
	dt_record(t, "parent_wrote", P(0) | P(c), REC_ALL);
	dt_fill(t, c, A, PG(16), 3);	/* reuses: it is the last mapper now */
	dt_record(t, "child_wrote", P(0) | P(c), REC_ALL);
	dt_check(t, 0, A, PG(16), 2);
	dt_check(t, c, A, PG(16), 3);
}

static void fork_child_exits(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(0), REC_WINDOWS);
	dt_exit(t, c);
	dt_record(t, "child_gone", P(0), REC_ALL);
	dt_fill(t, 0, A, PG(16), 2);	/* write-protected but exclusive: reuse */
	dt_record(t, "parent_wrote", P(0), REC_ALL);
	dt_check(t, 0, A, PG(16), 2);
}

static void fork_parent_exits(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	c = dt_fork(t, 0);
	dt_exit(t, 0);
	dt_record(t, "parent_gone", P(c), REC_ALL);
	dt_fill(t, c, A, PG(16), 2);		/* the last mapper: reuse, no copy */
	dt_record(t, "child_wrote", P(c), REC_ALL);
	dt_check(t, c, A, PG(16), 2);
}

/* Five mappers of some pages: Pss shares that do not divide evenly. */
static void fork_fanout(struct dt *t)
{
	int c[4];

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	for (int i = 0; i < 4; i++)
		c[i] = dt_fork(t, 0);
	for (int i = 0; i < 4; i++)
		dt_fill_from(t, c[i], A + PG(i), PG(1), 2 + i, i);
	dt_record(t, "five", P(0) | P(c[0]) | P(c[1]) | P(c[2]) | P(c[3]), REC_ALL);
	dt_exit(t, c[1]);
	dt_exit(t, c[3]);
	dt_record(t, "three", P(0) | P(c[0]) | P(c[2]), REC_WINDOWS);
	dt_check(t, 0, A, PG(8), 1);
	dt_check_from(t, c[2], A + PG(2), PG(1), 4, 2);
}

/* Zapping shared COW pages in one process makes them exclusive in the other. */
static void fork_dontneed(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	c = dt_fork(t, 0);
	dt_madvise(t, 0, A, PG(4), MADV_DONTNEED);
	dt_record(t, "dropped", P(0) | P(c), REC_ALL);
	dt_fill(t, c, A, PG(4), 2);		/* exclusive now: reused, not copied */
	dt_check(t, 0, A, PG(4), 0);
	dt_record(t, "after", P(0) | P(c), REC_ALL);
}

/* A child that moves the shared mapping, then writes: COW from the new place. */
static void fork_mremap_child(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	c = dt_fork(t, 0);
	dt_mremap(t, c, A, PG(8), PG(8), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(64));
	dt_fill(t, c, A + PG(64), PG(4), 2);
	dt_record(t, "moved", P(0) | P(c), REC_ALL);
	dt_check(t, 0, A, PG(8), 1);
	dt_check_from(t, c, A + PG(68), PG(4), 1, 4);
	dt_fill(t, 0, A, PG(8), 3);
	dt_record(t, "parent_wrote", P(0) | P(c), REC_ALL);
}

/* The child unmaps part of the COW-shared range and exits: the rest is the parent's. */
static void fork_partial_munmap(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(12), RW, PA);
	dt_fill(t, 0, A, PG(12), 1);
	c = dt_fork(t, 0);
	dt_munmap(t, c, A + PG(4), PG(4));
	dt_record(t, "child_unmapped", P(0) | P(c), REC_ALL);
	dt_mprotect(t, c, A, PG(4), PROT_READ);
	dt_touch(t, c, A, PG(1), 1);
	dt_exit(t, c);
	dt_fill(t, 0, A, PG(12), 2);
	dt_record(t, "parent_wrote", P(0), REC_ALL);
}

/* PROT_NONE ptes survive fork; the child opens them again and finds the data. */
static void fork_protnone(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	dt_mprotect(t, 0, A, PG(8), PROT_NONE);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_touch(t, c, A, PG(1), 0);
	dt_mprotect(t, c, A, PG(8), PROT_READ);
	dt_check(t, c, A, PG(8), 1);
	dt_record(t, "child_read", P(c), REC_ALL);
	dt_mprotect(t, c, A, PG(8), RW);
	dt_fill(t, c, A, PG(8), 2);
	dt_record(t, "child_wrote", P(0) | P(c), REC_ALL);
}

/* WIPEONFORK on part of a VMA splits it; the child gets that part empty. */
static void fork_wipeonfork_part(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(12), RW, PA);
	dt_fill(t, 0, A, PG(12), 1);
	dt_madvise(t, 0, A + PG(4), PG(4), MADV_WIPEONFORK);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_check(t, c, A, PG(4), 1);
	dt_check(t, c, A + PG(4), PG(4), 0);
	dt_check_from(t, c, A + PG(8), PG(4), 1, 8);
	dt_record(t, "child_read", P(c), REC_ALL);
}

/* MADV_FREE leaves pages another process still maps alone. */
static void fork_madv_free(struct dt *t)
{
	const uint64_t D = A + PG(64);
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_mmap(t, 0, D, PG(1), PROT_READ, PA);
	dt_fill(t, 0, A, PG(8), 1);
	c = dt_fork(t, 0);
	dt_fill(t, 0, A, PG(4), 2);		/* parent's own copies of 0..3 */
	dt_madvise(t, 0, A, PG(8), MADV_FREE);
	dt_madvise(t, 0, D, PG(1), MADV_FREE);	/* drain, see madv_free */
	dt_record(t, "freed", P(0) | P(c), REC_ALL);
	dt_check(t, 0, A, PG(4), 2);
	dt_check_from(t, 0, A + PG(4), PG(4), 1, 4);
	dt_check(t, c, A, PG(8), 1);
}

static void fork_child_reads(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	c = dt_fork(t, 0);
	dt_touch(t, c, A, PG(16), 0);
	dt_check(t, c, A, PG(16), 1);
	dt_record(t, "child_read", P(0) | P(c), REC_ALL);
}

static void fork_untouched(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(c), REC_ALL);
	dt_touch(t, c, A, PG(16), 1);
	dt_touch(t, 0, A, PG(8), 1);
	dt_record(t, "both_wrote", P(0) | P(c), REC_ALL);
}

static void fork_read_faulted(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_touch(t, 0, A, PG(16), 0);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_touch(t, c, A, PG(16), 1);
	dt_record(t, "child_wrote", P(0) | P(c), REC_ALL);
	dt_touch(t, 0, A, PG(16), 1);
	dt_record(t, "parent_wrote", P(0) | P(c), REC_ALL);
}

static void fork_chain(struct dt *t)
{
	int c, g;

	arena(t);
	dt_mmap(t, 0, A, PG(12), RW, PA);
	dt_fill(t, 0, A, PG(12), 1);
	c = dt_fork(t, 0);
	g = dt_fork(t, c);
	dt_record(t, "three", P(0) | P(c) | P(g), REC_ALL);
	dt_fill(t, c, A, PG(6), 2);
	dt_record(t, "middle_wrote", P(0) | P(c) | P(g), REC_ALL);
	dt_exit(t, g);
	dt_touch(t, 0, A + PG(6), PG(6), 1);
	dt_record(t, "grandchild_gone", P(0) | P(c), REC_ALL);
	dt_check(t, 0, A, PG(12), 1);
	dt_check(t, c, A, PG(6), 2);
	dt_check_from(t, c, A + PG(6), PG(6), 1, 6);
}

static void fork_dontfork(struct dt *t)
{
	int c, d;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	dt_madvise(t, 0, A + PG(2), PG(4), MADV_DONTFORK);
	dt_record(t, "advised", P(0), REC_NVMA | REC_WINDOWS);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_touch(t, c, A + PG(2), PG(1), 0);
	dt_check(t, c, A, PG(2), 1);
	dt_madvise(t, 0, A + PG(2), PG(4), MADV_DOFORK);
	d = dt_fork(t, 0);
	dt_check(t, d, A, PG(8), 1);
	dt_record(t, "again", P(0) | P(d), REC_ALL);
}

static void fork_wipeonfork(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	dt_madvise(t, 0, A, PG(8), MADV_WIPEONFORK);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_check(t, c, A, PG(8), 0);
	dt_record(t, "child_read", P(c), REC_ALL);
	dt_check(t, 0, A, PG(8), 1);
	dt_madvise(t, 0, A, PG(4), MADV_KEEPONFORK);
	dt_record(t, "kept", P(0), REC_NVMA | REC_WINDOWS);
	dt_mmap(t, 0, A + PG(64), PG(4), RW, SA);
	dt_madvise(t, 0, A + PG(64), PG(4), MADV_WIPEONFORK);
}

/* ---- Shared anonymous memory (shmem) ---- */

static void shared_anon_fork(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, SA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_record(t, "filled", P(0), REC_ALL);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(c), REC_ALL);
	dt_touch(t, c, A, PG(1), 0);		/* maps its neighbours too */
	dt_record(t, "child_read", P(0) | P(c), REC_ALL);
	dt_fill_from(t, c, A + PG(5), PG(1), 2, 5);
	dt_check_from(t, 0, A + PG(5), PG(1), 2, 5);
	dt_check(t, 0, A, PG(5), 1);
	dt_record(t, "shared_write", P(0) | P(c), REC_ALL);
	dt_exit(t, c);
	dt_record(t, "child_gone", P(0), REC_ALL);
}

static void shared_anon_faultaround(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(64), RW, SA);
	dt_fill(t, 0, A, PG(4), 1);
	dt_touch(t, 0, A + PG(40), PG(1), 0);
	dt_record(t, "faulted", P(0), REC_ALL);
	dt_madvise(t, 0, A, PG(64), MADV_DONTNEED);
	dt_record(t, "zapped", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(64));
	dt_touch(t, 0, A + PG(1), PG(1), 0);
	dt_record(t, "around", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(64));
	dt_check(t, 0, A, PG(4), 1);
	dt_touch(t, 0, A + PG(33), PG(1), 1);
	dt_record(t, "written", P(0), REC_ALL);
}

static void shared_anon_split(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, SA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_munmap(t, 0, A + PG(4), PG(4));
	dt_mprotect(t, 0, A + PG(12), PG(4), PROT_READ);
	dt_record(t, "split", P(0), REC_ALL);
	dt_check_from(t, 0, A + PG(8), PG(8), 1, 8);
	dt_mremap(t, 0, A, PG(4), PG(4), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(32));
	dt_record(t, "moved", P(0), REC_ALL);
	dt_check(t, 0, A + PG(32), PG(4), 1);
}

static void shared_anon_fork_dontneed(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, SA);
	dt_madvise(t, 0, A, PG(16), MADV_POPULATE_WRITE);
	c = dt_fork(t, 0);
	dt_touch(t, c, A, PG(16), 0);
	dt_madvise(t, 0, A, PG(8), MADV_DONTNEED);	/* the pages stay in the object */
	dt_record(t, "dropped", P(0) | P(c), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_fill(t, c, A, PG(2), 5);
	dt_check(t, 0, A, PG(2), 5);
	dt_record(t, "refaulted", P(0) | P(c), REC_ALL);
	dt_exit(t, 0);
	dt_record(t, "parent_gone", P(c), REC_ALL);
}

static void shared_anon_mremap(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, SA);
	dt_fill(t, 0, A, PG(8), 1);
	dt_mremap(t, 0, A, PG(8), PG(16), 0, 0);	/* grows the object's view */
	dt_record(t, "grown", P(0), REC_ALL);
	dt_check(t, 0, A, PG(8), 1);
	dt_check(t, 0, A + PG(8), PG(8), 0);
	dt_record(t, "read", P(0), REC_ALL);
	dt_mremap(t, 0, A + PG(4), PG(4), PG(4), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(64));
	dt_record(t, "moved", P(0), REC_ALL);
	dt_check_from(t, 0, A + PG(64), PG(4), 1, 4);
}

/* mincore sees shmem pages in the object, mapped here or not. */
static void shared_anon_mincore(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, SA | MAP_POPULATE);
	c = dt_fork(t, 0);
	dt_fill(t, c, A, PG(2), 1);
	dt_mincore(t, c, A, PG(16));
	dt_madvise(t, 0, A, PG(16), MADV_DONTNEED);
	dt_mincore(t, 0, A, PG(16));
	dt_exit(t, c);
	dt_record(t, "child_gone", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_check(t, 0, A, PG(2), 1);
	dt_record(t, "read", P(0), REC_ALL);
}

static void shared_anon_dup(struct dt *t)
{
	int64_t dup;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, SA);
	dt_fill(t, 0, A, PG(8), 1);
	/* old_len 0 on a shared mapping: a second mapping of the same pages. */
	dup = dt_mremap(t, 0, A, 0, PG(8), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(16));
	if (dup < 0)
		return;
	dt_check(t, 0, A + PG(16), PG(8), 1);
	dt_fill(t, 0, A + PG(16), PG(2), 3);
	dt_check(t, 0, A, PG(2), 3);
	dt_record(t, "dup", P(0), REC_ALL);
}

/* ---- madvise ---- */

static void madv_dontneed(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_madvise(t, 0, A + PG(4), PG(4), MADV_DONTNEED);
	dt_record(t, "dropped", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_check(t, 0, A + PG(4), PG(4), 0);
	dt_check(t, 0, A, PG(4), 1);
	dt_record(t, "reread", P(0), REC_ALL);
}

/*
 * MADV_FREE marks pages lazily freed through a per-CPU batch that Linux
 * drains at the next lru_add_drain() on that CPU (or when it fills), so
 * smaps' LazyFree depends on what else ran there. Each MADV_FREE below is
 * followed by another on an untouched page D, whose lru_add_drain() makes
 * the state definite: every freed page lazily free.
 */
static void madv_free(struct dt *t)
{
	const uint64_t D = A + PG(64);

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_mmap(t, 0, D, PG(1), PROT_READ, PA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_madvise(t, 0, A, PG(8), MADV_FREE);
	dt_madvise(t, 0, D, PG(1), MADV_FREE);
	dt_record(t, "freed", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_fill(t, 0, A, PG(2), 2);		/* dirty again: no longer lazily free */
	dt_record(t, "redirtied", P(0), REC_ALL);
	dt_check(t, 0, A, PG(2), 2);
	dt_check_from(t, 0, A + PG(2), PG(14), 1, 2);
	dt_madvise(t, 0, A + PG(12), PG(4), MADV_FREE);
	dt_madvise(t, 0, D, PG(1), MADV_FREE);
	dt_record(t, "again", P(0), REC_WINDOWS);
}

static void madv_flags_split(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(32), RW, PA);
	dt_touch(t, 0, A, PG(32), 1);
	dt_madvise(t, 0, A + PG(4), PG(4), MADV_RANDOM);
	dt_madvise(t, 0, A + PG(12), PG(4), MADV_SEQUENTIAL);
	dt_madvise(t, 0, A + PG(20), PG(4), MADV_DONTDUMP);
	dt_madvise(t, 0, A + PG(28), PG(4), MADV_NOHUGEPAGE);
	dt_record(t, "split", P(0), REC_ALL);
	dt_madvise(t, 0, A + PG(4), PG(4), MADV_NORMAL);
	dt_madvise(t, 0, A + PG(12), PG(4), MADV_NORMAL);
	dt_madvise(t, 0, A + PG(20), PG(4), MADV_DODUMP);
	dt_madvise(t, 0, A, PG(32), MADV_WILLNEED);
	dt_madvise(t, 0, A, PG(32), MADV_COLD);
	dt_record(t, "merged", P(0), REC_ALL);
}

/* DONTNEED needs no access rights: PROT_NONE pages go too. */
static void madv_dontneed_protnone(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	dt_mprotect(t, 0, A, PG(8), PROT_NONE);
	dt_madvise(t, 0, A, PG(4), MADV_DONTNEED);
	dt_record(t, "dropped", P(0), REC_ALL);
	dt_mprotect(t, 0, A, PG(8), PROT_READ);
	dt_check(t, 0, A, PG(4), 0);
	dt_check_from(t, 0, A + PG(4), PG(4), 1, 4);
	dt_record(t, "read", P(0), REC_ALL);
}

static void madv_populate(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_madvise(t, 0, A, PG(8), MADV_POPULATE_READ);
	dt_record(t, "read", P(0), REC_ALL);
	dt_madvise(t, 0, A + PG(8), PG(8), MADV_POPULATE_WRITE);
	dt_record(t, "written", P(0), REC_ALL);
	dt_madvise(t, 0, A, PG(16), MADV_POPULATE_WRITE);
	dt_record(t, "again", P(0), REC_FAULTS);
	dt_mmap(t, 0, A + PG(32), PG(4), PROT_READ, PA);
	dt_madvise(t, 0, A + PG(32), PG(4), MADV_POPULATE_WRITE);
	dt_madvise(t, 0, A + PG(32), PG(4), MADV_POPULATE_READ);
	dt_mmap(t, 0, A + PG(40), PG(4), PROT_NONE, PA);
	dt_madvise(t, 0, A + PG(40), PG(4), MADV_POPULATE_READ);
	dt_madvise(t, 0, A + PG(36), PG(8), MADV_POPULATE_READ);
	dt_record(t, "bad", P(0), REC_ALL);
}

/* ---- mprotect ---- */

static void mprotect_split_merge(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_mprotect(t, 0, A + PG(4), PG(4), PROT_READ);
	dt_record(t, "split", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(5), PG(1), 1);
	dt_check(t, 0, A, PG(16), 1);
	dt_mprotect(t, 0, A + PG(4), PG(4), RW);
	dt_record(t, "merged", P(0), REC_ALL);
	dt_fill(t, 0, A + PG(4), PG(4), 2);	/* exclusive pages: writable again */
	dt_record(t, "rewritten", P(0), REC_FAULTS);
}

static void mprotect_edges(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_touch(t, 0, A, PG(16), 1);
	dt_mprotect(t, 0, A, PG(4), PROT_NONE);
	dt_mprotect(t, 0, A + PG(12), PG(4), PROT_READ);
	dt_record(t, "edges", P(0), REC_ALL);
	dt_mprotect(t, 0, A, PG(16), RW);
	dt_record(t, "whole", P(0), REC_ALL);
	dt_touch(t, 0, A, PG(16), 1);
	dt_record(t, "written", P(0), REC_FAULTS);
}

static void mprotect_readonly_cow(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	c = dt_fork(t, 0);
	dt_mprotect(t, 0, A, PG(8), PROT_READ);
	dt_mprotect(t, 0, A, PG(8), RW);
	dt_fill(t, 0, A, PG(8), 2);		/* shared with the child: copies */
	dt_record(t, "parent_wrote", P(0) | P(c), REC_ALL);
	dt_check(t, c, A, PG(8), 1);
}

static void mprotect_adjacent_merge(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(8), PROT_READ, PA);
	dt_record(t, "two", P(0), REC_NVMA | REC_WINDOWS);
	dt_touch(t, 0, A, PG(8), 1);
	dt_mprotect(t, 0, A + PG(8), PG(8), RW);
	dt_record(t, "merged", P(0), REC_ALL);
}

static void mprotect_anon_vma_nomerge(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(8), PROT_READ, PA);
	dt_touch(t, 0, A, PG(8), 1);
	dt_touch(t, 0, A + PG(8), PG(8), 0);	/* its own anon_vma */
	dt_mprotect(t, 0, A + PG(8), PG(8), RW);
	dt_record(t, "still_two", P(0), REC_ALL);
	dt_munmap(t, 0, A + PG(8), PG(8));
	dt_mmap(t, 0, A + PG(8), PG(8), RW, PA);
	dt_record(t, "remapped", P(0), REC_ALL);
}

static void mprotect_partial_hole(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(4), RW, PA);
	/* The hole stops it, after the first VMA has changed. */
	dt_mprotect(t, 0, A, PG(12), PROT_READ);
	dt_record(t, "partial", P(0), REC_ALL);
}

/* ---- munmap ---- */

static void munmap_hole(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_munmap(t, 0, A + PG(4), PG(4));
	dt_record(t, "holed", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(5), PG(1), 0);
	dt_check(t, 0, A, PG(4), 1);
	dt_check_from(t, 0, A + PG(8), PG(8), 1, 8);
	dt_mincore(t, 0, A + PG(8), PG(8));
	dt_mincore(t, 0, A, PG(16));
}

static void munmap_across(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(8), PROT_READ, PA);
	dt_mmap(t, 0, A + PG(16), PG(8), RW, PA | MAP_NORESERVE);
	dt_touch(t, 0, A, PG(8), 1);
	dt_touch(t, 0, A + PG(8), PG(16), 0);
	dt_record(t, "three", P(0), REC_ALL);
	dt_munmap(t, 0, A + PG(6), PG(12));
	dt_record(t, "across", P(0), REC_ALL);
	dt_munmap(t, 0, A, PG(64));
	dt_record(t, "all", P(0), REC_ALL);
}

static void munmap_remap(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	dt_munmap(t, 0, A, PG(8));
	dt_record(t, "unmapped", P(0), REC_ALL);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_check(t, 0, A, PG(8), 0);
	dt_record(t, "remapped", P(0), REC_ALL);
}

/*
 * Page-table pages: a mapping across a 2 MiB boundary needs two PTE pages
 * (and a PMD and a PUD page); munmap frees the tables no VMA needs any more
 * (free_pgtables), MADV_DONTNEED frees none.
 */
static void pgtable_free(struct dt *t)
{
	const uint64_t B = A + 2 * MB;

	arena(t);
	dt_mmap(t, 0, B - PG(8), PG(16), RW, PA);
	dt_touch(t, 0, B - PG(8), PG(16), 1);
	dt_record(t, "two_tables", P(0), REC_ALL);
	dt_madvise(t, 0, B - PG(8), PG(16), MADV_DONTNEED);
	dt_record(t, "dontneed", P(0), REC_STATUS);
	dt_munmap(t, 0, B, PG(8));
	dt_record(t, "upper_gone", P(0), REC_STATUS | REC_NVMA);
	dt_mmap(t, 0, A + 1024 * MB - PG(1), PG(2), RW, PA);	/* across 1 GiB */
	dt_touch(t, 0, A + 1024 * MB - PG(1), PG(2), 1);
	dt_record(t, "across_pmd", P(0), REC_STATUS | REC_NVMA);
	dt_munmap(t, 0, B - PG(8), PG(8));
	dt_record(t, "lower_gone", P(0), REC_STATUS | REC_NVMA);
	dt_munmap(t, 0, A + 1024 * MB - PG(1), PG(2));
	dt_record(t, "all_gone", P(0), REC_STATUS | REC_NVMA);
}

/* ---- Placement and merging ---- */

static void merge_after(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_touch(t, 0, A, PG(8), 1);
	dt_mmap(t, 0, A + PG(8), PG(8), RW, PA);	/* hint: free, so taken */
	dt_touch(t, 0, A + PG(8), PG(8), 1);
	dt_record(t, "merged", P(0), REC_ALL);
}

static void merge_before(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A + PG(8), PG(8), RW, PA);
	dt_touch(t, 0, A + PG(8), PG(8), 1);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_touch(t, 0, A, PG(8), 1);
	dt_record(t, "merged", P(0), REC_ALL);
}

static void merge_middle(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(4), RW, PA);
	dt_touch(t, 0, A, PG(4), 1);
	dt_record(t, "two", P(0), REC_NVMA | REC_WINDOWS);
	dt_mmap(t, 0, A + PG(4), PG(4), RW, PA);
	dt_record(t, "joined", P(0), REC_ALL);
}

static void merge_refused(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(4), PG(4), PROT_READ, PA);
	dt_mmap(t, 0, A + PG(8), PG(4), RW, PA | MAP_NORESERVE);
	dt_mmap(t, 0, A + PG(12), PG(4), RW, SA);
	dt_mmap(t, 0, A + PG(16), PG(4), RW, SA);
	dt_record(t, "apart", P(0), REC_ALL);
}

static void hint_taken_or_not(struct dt *t)
{
	int64_t got;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	got = dt_mmap(t, 0, A + PG(4), PG(8), RW, PA);	/* overlaps: placed elsewhere */
	if (got > 0)
		dt_munmap(t, 0, (uint64_t)got, PG(8));
	dt_mmap(t, 0, A + PG(16) + 123, PG(2), RW, PA);	/* unaligned hint */
	dt_record(t, "hints", P(0), REC_ALL);
}

/*
 * Placement without a hint: top-down below mmap_base, the highest gap that
 * fits. 64-page requests skip the small holes between the host's libraries
 * (a few pages at most), so the first lands below the lowest library on
 * the host and below mmap_base in mmsim. That first mapping (PROT_NONE) is
 * a barrier: what lies above it (on the host, an anonymous mapping of the
 * loader's that an rw mapping would merge with) stays out of the figures,
 * and the window ends at the barrier.
 */
static void null_placement(struct dt *t)
{
	int64_t bar, a, b;

	bar = dt_mmap(t, 0, 0, PG(64), PROT_NONE, PA);
	if (bar < 0)
		return;
	dt_window(t, "N", (uint64_t)bar - PG(1024), PG(1024));
	a = dt_mmap(t, 0, 0, PG(64), RW, PA);		/* right below the barrier */
	b = dt_mmap(t, 0, 0, PG(64), RW, PA);		/* right below a: merges */
	dt_mmap(t, 0, 0, PG(64), PROT_READ, PA);	/* below b: does not */
	if (a < 0 || b < 0)
		return;
	dt_touch(t, 0, (uint64_t)b, PG(128), 1);
	dt_record(t, "placed", P(0), REC_ALL | REC_NO_PTE);
	dt_munmap(t, 0, (uint64_t)b + PG(16), PG(32));
	dt_record(t, "holed", P(0), REC_NVMA | REC_WINDOWS);
	dt_mmap(t, 0, 0, PG(32), RW, PA);		/* the highest gap: the hole */
	dt_record(t, "refilled", P(0), REC_ALL | REC_NO_PTE);
	dt_mmap(t, 0, 0, PG(64), RW, PA | MAP_GROWSDOWN);
	dt_mmap(t, 0, 0, PG(64), RW, PA);		/* keeps the stack guard gap */
	dt_record(t, "stack_gap", P(0), REC_NVMA | REC_WINDOWS);
}

/* ---- mremap ---- */

static void mremap_grow_inplace(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_fill(t, 0, A, PG(4), 1);
	dt_mremap(t, 0, A, PG(4), PG(8), 0, 0);
	dt_record(t, "grown", P(0), REC_ALL);
	dt_check(t, 0, A, PG(4), 1);
	dt_check(t, 0, A + PG(4), PG(4), 0);
	dt_record(t, "touched", P(0), REC_ALL);
}

static void mremap_grow_blocked(struct dt *t)
{
	int64_t moved;

	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_fill(t, 0, A, PG(4), 1);
	dt_mmap(t, 0, A + PG(4), PG(4), PROT_READ, PA);
	dt_mremap(t, 0, A, PG(4), PG(8), 0, 0);
	moved = dt_mremap(t, 0, A, PG(4), PG(8), MREMAP_MAYMOVE, 0);
	if (moved < 0)
		return;
	dt_window(t, "M", (uint64_t)moved, PG(8));
	dt_record(t, "moved", P(0), REC_ALL | REC_NO_PTE);
	dt_check(t, 0, (uint64_t)moved, PG(4), 1);
	dt_record(t, "checked", P(0), REC_FAULTS);
}

static void mremap_shrink(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_mremap(t, 0, A, PG(16), PG(4), 0, 0);
	dt_record(t, "shrunk", P(0), REC_ALL);
	dt_check(t, 0, A, PG(4), 1);
	dt_touch(t, 0, A + PG(4), PG(1), 0);
	dt_mremap(t, 0, A + PG(2), PG(2), PG(1), MREMAP_MAYMOVE, 0);
	dt_record(t, "tail", P(0), REC_NVMA | REC_WINDOWS);
}

static void mremap_move_fixed(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	dt_mremap(t, 0, A, PG(8), PG(8), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(64));
	dt_record(t, "moved", P(0), REC_ALL);
	dt_check(t, 0, A + PG(64), PG(8), 1);
	dt_touch(t, 0, A, PG(1), 0);
	dt_record(t, "checked", P(0), REC_FAULTS);
	/* Part of a VMA, onto an existing mapping (which goes). */
	dt_mmap(t, 0, A + PG(128), PG(8), PROT_READ, PA);
	dt_mremap(t, 0, A + PG(66), PG(2), PG(4), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(130));
	dt_record(t, "over", P(0), REC_ALL);
	dt_check_from(t, 0, A + PG(130), PG(2), 1, 2);
}

static void mremap_dontunmap(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_fill(t, 0, A, PG(8), 1);
	dt_mremap(t, 0, A, PG(8), PG(8), MREMAP_MAYMOVE | MREMAP_DONTUNMAP | MREMAP_FIXED,
		  A + PG(64));
	dt_record(t, "moved", P(0), REC_ALL);
	dt_check(t, 0, A + PG(64), PG(8), 1);
	dt_check(t, 0, A, PG(8), 0);
	dt_record(t, "old_refaulted", P(0), REC_ALL);
}

static void mremap_grow_merge(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(4), RW, PA);
	dt_mremap(t, 0, A, PG(4), PG(8), 0, 0);	/* fills the gap, joins the next */
	dt_record(t, "joined", P(0), REC_ALL);
}

/* ---- brk ---- */

/*
 * The heap starts right after the program's bss, in the same page table.
 * The host's program has its bss resident (so that table exists); mmsim's
 * simulated image has not been touched yet. Reading the last bss page
 * before the baseline evens that out, so VmPTE compares the heap alone.
 */
static int64_t brk_start(struct dt *t)
{
	int64_t b0 = dt_brk(t, 0, 0);

	if (b0 <= 0)
		return b0;
	dt_touch(t, 0, (uint64_t)b0 - PG(1), PG(1), 0);
	dt_baseline_take(t, 0);
	dt_window(t, "B", (uint64_t)b0, 4 * MB);
	return b0;
}

static void brk_grow_shrink(struct dt *t)
{
	int64_t b0 = brk_start(t);

	if (b0 <= 0)
		return;
	dt_brk(t, 0, (uint64_t)b0 + PG(16));
	dt_record(t, "grown", P(0), REC_ALL);
	dt_fill(t, 0, (uint64_t)b0, PG(16), 1);
	dt_record(t, "touched", P(0), REC_ALL);
	dt_brk(t, 0, (uint64_t)b0 + PG(4));
	dt_record(t, "shrunk", P(0), REC_ALL);
	dt_check(t, 0, (uint64_t)b0, PG(4), 1);
	dt_brk(t, 0, (uint64_t)b0 + PG(6) + 100);	/* unaligned: the VMA rounds up */
	dt_check_from(t, 0, (uint64_t)b0 + PG(4), PG(3), 0, 4);
	dt_brk(t, 0, (uint64_t)b0 - 64 * MB);		/* below start_brk: refused */
	dt_brk(t, 0, 0);
	dt_record(t, "end", P(0), REC_ALL);
}

static void brk_blocked(struct dt *t)
{
	int64_t b0 = brk_start(t);

	if (b0 <= 0)
		return;
	dt_mmap(t, 0, (uint64_t)b0 + PG(8), PG(2), RW, PA | MAP_FIXED_NOREPLACE);
	dt_brk(t, 0, (uint64_t)b0 + PG(7));	/* leaves one page: allowed */
	dt_brk(t, 0, (uint64_t)b0 + PG(8));	/* no gap page left: refused */
	dt_brk(t, 0, (uint64_t)b0 + PG(12));	/* across the mapping: refused */
	dt_record(t, "blocked", P(0), REC_ALL);
	dt_munmap(t, 0, (uint64_t)b0 + PG(8), PG(2));
	dt_brk(t, 0, (uint64_t)b0 + PG(12));
	dt_record(t, "free", P(0), REC_ALL);
}

static void brk_fork(struct dt *t)
{
	int64_t b0 = brk_start(t);
	int c;

	if (b0 <= 0)
		return;
	dt_brk(t, 0, (uint64_t)b0 + PG(8));
	dt_fill(t, 0, (uint64_t)b0, PG(8), 1);
	c = dt_fork(t, 0);
	dt_brk(t, c, (uint64_t)b0 + PG(2));
	dt_brk(t, 0, (uint64_t)b0 + PG(10));
	dt_check(t, 0, (uint64_t)b0, PG(8), 1);
	dt_record(t, "after", P(0) | P(c), REC_ALL);
}

/* ---- MAP_POPULATE, mlock ---- */

static void map_populate(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA | MAP_POPULATE);
	dt_record(t, "populated", P(0), REC_ALL);
	dt_touch(t, 0, A, PG(16), 1);
	dt_record(t, "written", P(0), REC_FAULTS);
	dt_mmap(t, 0, A + PG(32), PG(8), PROT_READ, PA | MAP_POPULATE);
	dt_record(t, "readonly", P(0), REC_ALL);
	dt_mmap(t, 0, A + PG(64), PG(8), RW, SA | MAP_POPULATE);
	dt_record(t, "shared", P(0), REC_ALL);
	dt_mmap(t, 0, A + PG(96), PG(8), PROT_NONE, PA | MAP_POPULATE);
	dt_record(t, "none", P(0), REC_ALL);
}

static void map_locked(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA | MAP_LOCKED);
	dt_record(t, "locked", P(0), REC_ALL);
	dt_munlock(t, 0, A + PG(8), PG(8));
	dt_record(t, "half", P(0), REC_ALL);
	dt_munmap(t, 0, A, PG(16));
	dt_record(t, "unmapped", P(0), REC_ALL);
}

static void mlock_middle(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_touch(t, 0, A, PG(2), 1);
	dt_mlock(t, 0, A + PG(4), PG(8));
	dt_record(t, "locked", P(0), REC_ALL);
	dt_madvise(t, 0, A + PG(4), PG(2), MADV_DONTNEED);
	dt_munlock(t, 0, A + PG(4), PG(8));
	dt_record(t, "unlocked", P(0), REC_ALL);
	dt_mlock(t, 0, A + 100, PG(1));		/* start rounds down */
	dt_record(t, "rounded", P(0), REC_STATUS | REC_NVMA | REC_WINDOWS);
}

static void mlock_onfault(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_mlock2(t, 0, A, PG(16), MLOCK_ONFAULT);
	dt_record(t, "onfault", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(4), PG(4), 1);
	dt_record(t, "touched", P(0), REC_ALL);
	dt_mlock(t, 0, A, PG(16));		/* now populate the rest */
	dt_record(t, "locked", P(0), REC_ALL);
}

static void mlock_mremap(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA | MAP_LOCKED);
	dt_mremap(t, 0, A, PG(8), PG(12), 0, 0);	/* grown part is populated */
	dt_record(t, "grown", P(0), REC_ALL);
	dt_mremap(t, 0, A, PG(12), PG(12), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(64));
	dt_record(t, "moved", P(0), REC_ALL);
	dt_mremap(t, 0, A + PG(64), PG(12), PG(4), 0, 0);
	dt_record(t, "shrunk", P(0), REC_ALL);
}

/* mlock across VMAs of different protections: each part splits off locked. */
static void mlock_spanning(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(4), PG(4), PROT_READ, PA);
	dt_mmap(t, 0, A + PG(8), PG(4), RW, PA);
	dt_mlock(t, 0, A + PG(2), PG(8));
	dt_record(t, "locked", P(0), REC_ALL);
	dt_mmap(t, 0, A + PG(2), PG(2), RW, PA | MAP_FIXED);	/* replaces locked pages */
	dt_record(t, "replaced", P(0), REC_ALL);
	dt_munlock(t, 0, A, PG(12));
	dt_record(t, "unlocked", P(0), REC_ALL);
}

/* MCL_FUTURE locks (and populates) what brk adds too. */
static void mlockall_future_brk(struct dt *t)
{
	int64_t b0 = dt_brk(t, 0, 0);

	if (b0 <= 0)
		return;
	dt_touch(t, 0, (uint64_t)b0 - PG(1), PG(1), 0);	/* see brk_start */
	dt_baseline_take(t, 0);
	dt_window(t, "B", (uint64_t)b0, 4 * MB);
	dt_mlockall(t, 0, MCL_FUTURE);
	dt_brk(t, 0, (uint64_t)b0 + PG(4));
	dt_record(t, "grown", P(0), REC_ALL);
	dt_munlockall(t, 0);
	dt_brk(t, 0, (uint64_t)b0 + PG(8));
	dt_record(t, "unlocked", P(0), REC_ALL);
}

static void mlock_fork(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_mlock(t, 0, A, PG(8));
	c = dt_fork(t, 0);			/* the child does not inherit locks */
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_touch(t, c, A, PG(8), 1);
	dt_record(t, "child_wrote", P(0) | P(c), REC_ALL);
}

static void mlockall_future(struct dt *t)
{
	arena(t);
	dt_mlockall(t, 0, MCL_FUTURE);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_record(t, "future", P(0), REC_ALL);
	dt_munlockall(t, 0);
	dt_mmap(t, 0, A + PG(16), PG(8), RW, PA);
	dt_record(t, "unlocked", P(0), REC_ALL);
	dt_mlockall(t, 0, MCL_FUTURE | MCL_ONFAULT);
	dt_mmap(t, 0, A + PG(32), PG(8), RW, PA);
	dt_touch(t, 0, A + PG(32), PG(2), 1);
	dt_record(t, "onfault", P(0), REC_ALL);
	dt_munlockall(t, 0);
}

/* MCL_CURRENT|MCL_ONFAULT: locked, nothing populated. */
static void mlockall_onfault(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_touch(t, 0, A, PG(2), 1);
	dt_mlockall(t, 0, MCL_CURRENT | MCL_ONFAULT);
	dt_record(t, "locked", P(0), REC_FAULTS | REC_WINDOWS);
	dt_touch(t, 0, A + PG(4), PG(2), 1);
	dt_record(t, "touched", P(0), REC_FAULTS | REC_WINDOWS);
	dt_munlockall(t, 0);
	dt_record(t, "unlocked", P(0), REC_WINDOWS);
}

/* The whole process is locked: only the sequence's own VMAs compare. */
static void mlockall_current(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_mmap(t, 0, A + PG(16), PG(8), PROT_NONE, PA);
	dt_mlockall(t, 0, MCL_CURRENT);
	dt_record(t, "locked", P(0), REC_WINDOWS);
	dt_munlockall(t, 0);
	dt_record(t, "unlocked", P(0), REC_WINDOWS);
}

/* ---- Stacks ---- */

static void growsdown(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A + PG(512), PG(4), RW, PA | MAP_GROWSDOWN);
	dt_record(t, "mapped", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(511), PG(1), 1);
	dt_record(t, "grown1", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(500), PG(1), 0);
	dt_record(t, "grown12", P(0), REC_ALL);
	dt_check(t, 0, A + PG(500), PG(16), 0);
}

static void growsdown_guard(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(300), PG(4), RW, PA | MAP_GROWSDOWN);
	dt_touch(t, 0, A + PG(259), PG(1), 1);	/* 255 pages above A+4P: in the gap */
	dt_record(t, "refused", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(260), PG(1), 1);	/* 256 pages: allowed */
	dt_record(t, "grown", P(0), REC_ALL);
	dt_mprotect(t, 0, A, PG(4), PROT_NONE);	/* inaccessible: no gap needed */
	dt_touch(t, 0, A + PG(5), PG(1), 1);
	dt_record(t, "none_below", P(0), REC_ALL);
	dt_mmap(t, 0, A + PG(200), PG(4), RW, PA | MAP_FIXED_NOREPLACE);
	dt_mprotect(t, 0, A + PG(4), PG(8), RW | PROT_GROWSDOWN);
	dt_record(t, "end", P(0), REC_NVMA | REC_WINDOWS);
}

/*
 * The guard gap below a MAP_GROWSDOWN VMA: a hint inside it is not taken
 * (vm_start_gap), MAP_FIXED_NOREPLACE may go there, and then the stack
 * cannot grow towards it. munmap may cut the growsdown VMA's lower part.
 */
static void growsdown_gap(struct dt *t)
{
	int64_t got;

	arena(t);
	dt_mmap(t, 0, A + PG(512), PG(8), RW, PA | MAP_GROWSDOWN);
	got = dt_mmap(t, 0, A + PG(500), PG(4), RW, PA);	/* in the gap: elsewhere */
	if (got > 0)
		dt_munmap(t, 0, (uint64_t)got, PG(4));	/* where is layout, not ours */
	dt_mmap(t, 0, A + PG(200), PG(4), RW, PA);		/* 308 pages below: taken */
	dt_mmap(t, 0, A + PG(400), PG(4), RW, PA | MAP_FIXED_NOREPLACE);
	dt_touch(t, 0, A + PG(511), PG(1), 1);			/* 107 pages above it */
	dt_record(t, "gap", P(0), REC_NVMA | REC_WINDOWS | REC_FAULTS);
	dt_munmap(t, 0, A + PG(400), PG(4));
	dt_touch(t, 0, A + PG(511), PG(1), 1);
	dt_munmap(t, 0, A + PG(511), PG(3));
	dt_record(t, "cut", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(513), PG(1), 1);			/* grows back down */
	dt_record(t, "regrown", P(0), REC_ALL);
}

static void stack_growth(struct dt *t)
{
	uint64_t s = dt_stack_start(t, 0);

	if (!s)
		return;
	dt_window_bounds(t, "S", s - PG(64), PG(65));
	dt_touch(t, 0, s - PG(4), PG(1), 1);
	dt_record(t, "grown", P(0), REC_ALL);
	dt_check(t, 0, s - PG(4), PG(4), 0);
	dt_record(t, "read", P(0), REC_FAULTS | REC_STATUS);
}

/* RLIMIT_STACK (8 MiB here and in mmsim) bounds the whole [stack] VMA. */
static void stack_rlimit(struct dt *t)
{
	uint64_t e = dt_stack_end(t, 0), lim = 8 * MB;

	if (!e)
		return;
	dt_window_bounds(t, "S", e - lim - PG(4), PG(8));
	dt_touch(t, 0, e - lim - PG(1), PG(1), 1);	/* one page too many */
	dt_record(t, "refused", P(0), REC_FAULTS | REC_WINDOWS);
	dt_touch(t, 0, e - lim, PG(1), 1);
	dt_record(t, "grown", P(0), REC_FAULTS | REC_WINDOWS);
}

static void stack_guard(struct dt *t)
{
	uint64_t s = dt_stack_start(t, 0);

	if (!s)
		return;
	dt_window_bounds(t, "S", s - PG(64), PG(65));
	dt_mmap(t, 0, s - PG(16), PG(2), RW, PA | MAP_FIXED_NOREPLACE);
	dt_touch(t, 0, s - PG(1), PG(1), 1);	/* in the guard gap of that mapping */
	dt_record(t, "refused", P(0), REC_ALL);
	dt_munmap(t, 0, s - PG(16), PG(2));
	dt_touch(t, 0, s - PG(1), PG(1), 1);
	dt_record(t, "grown", P(0), REC_ALL);
}

/* ---- MAP_FIXED ---- */

static void fixed_over(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_fill(t, 0, A, PG(16), 1);
	dt_mmap(t, 0, A + PG(4), PG(4), RW, PA | MAP_FIXED);
	dt_record(t, "replaced", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_check(t, 0, A + PG(4), PG(4), 0);
	dt_check(t, 0, A, PG(4), 1);
	dt_mmap(t, 0, A + PG(12), PG(2), PROT_READ, PA | MAP_FIXED);
	dt_record(t, "readonly", P(0), REC_ALL);
}

static void fixed_spanning(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(4), RW, PA);
	dt_touch(t, 0, A, PG(4), 1);
	dt_touch(t, 0, A + PG(8), PG(4), 1);
	dt_mmap(t, 0, A + PG(2), PG(8), RW, PA | MAP_FIXED);
	dt_record(t, "spanned", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(12));
}

static void fixed_noreplace(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(8), RW, PA);
	dt_mmap(t, 0, A + PG(4), PG(8), RW, PA | MAP_FIXED_NOREPLACE);
	dt_mmap(t, 0, A, PG(4), RW, PA | MAP_FIXED_NOREPLACE);
	dt_mmap(t, 0, A + PG(7), PG(1), RW, PA | MAP_FIXED_NOREPLACE);
	dt_mmap(t, 0, A + PG(4), PG(8), RW, PA | MAP_FIXED | MAP_FIXED_NOREPLACE);
	dt_mmap(t, 0, A + PG(8) + 1, PG(1), RW, PA | MAP_FIXED_NOREPLACE);
	dt_mmap(t, 0, A + PG(8), PG(4), RW, PA | MAP_FIXED_NOREPLACE);
	dt_record(t, "after", P(0), REC_ALL);
}

/* ---- Bad arguments: errno tables ---- */

static void errors_mmap(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, 0, RW, PA);
	dt_mmap(t, 0, A, PG(1), RW, MAP_ANONYMOUS);			/* no type */
	dt_mmap(t, 0, A, PG(1), RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x800000);
	dt_mmap(t, 0, A + 1, PG(1), RW, PA | MAP_FIXED);
	dt_mmap(t, 0, A + 1, PG(1), RW, PA | MAP_FIXED_NOREPLACE);
	dt_mmap(t, 0, A, 1ULL << 47, RW, PA);
	dt_mmap(t, 0, A, ~0ULL, RW, PA);
	dt_mmap(t, 0, A, ~0ULL - PG(1) + 1, RW, PA);
	dt_mmap_off(t, 0, A, PG(1), RW, PA, 100);			/* unaligned offset */
	dt_mmap_off(t, 0, A, PG(8), RW, PA, ~0ULL - PG(1) + 1);		/* pgoff overflows */
	dt_mmap(t, 0, TASK_SIZE - PG(1), PG(2), RW, PA | MAP_FIXED);
	dt_mmap(t, 0, TASK_SIZE, PG(1), RW, PA | MAP_FIXED);
	dt_mmap(t, 0, A, PG(1), RW, SA | MAP_GROWSDOWN);
	dt_mmap(t, 0, A, 16ULL << 40, RW, PA);			/* beyond the commit limit */
	dt_record(t, "failed", P(0), REC_ALL);
}

static void odd_mmaps(struct dt *t)
{
	int64_t huge;

	arena(t);
	dt_mmap(t, 0, A, PG(1), RW, PA | 0x800000);			/* unknown flag: ignored */
	dt_mmap(t, 0, A + PG(4), PG(1), RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS);
	dt_mmap_off(t, 0, A + PG(8), PG(1), RW, SA, PG(3));		/* shmem: pgoff ignored */
	dt_mmap_off(t, 0, A + PG(12), PG(1), RW, PA, PG(3));
	dt_mmap(t, 0, A + PG(16), PG(1), PROT_READ | PROT_SEM, PA);
	dt_mmap(t, 0, A + PG(20), PG(1), RW | PROT_EXEC, PA);
	dt_mmap(t, 0, A + PG(24), PG(1), PROT_WRITE, PA);		/* write implies read */
	dt_mmap(t, 0, A + PG(26), PG(1), PROT_READ | PROT_EXEC, PA);	/* VmLib counts it */
	/* Far more than any RAM: only NORESERVE lets it through (16 TiB from
	 * A stays below the program image at 0x555555554000). */
	huge = dt_mmap(t, 0, A + PG(28), 16ULL << 40, RW, PA | MAP_NORESERVE);
	dt_record(t, "mapped", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(24), PG(1), 0);
	if (huge > 0)
		dt_munmap(t, 0, (uint64_t)huge, 16ULL << 40);
	dt_record(t, "end", P(0), REC_ALL);
}

static void errors_munmap(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_munmap(t, 0, A + 1, PG(1));
	dt_munmap(t, 0, A, 0);
	dt_munmap(t, 0, A + PG(64), PG(4));			/* nothing there: fine */
	dt_munmap(t, 0, A, ~0ULL - PG(1) + 1);			/* wraps */
	dt_munmap(t, 0, TASK_SIZE, PG(1));
	dt_munmap(t, 0, TASK_SIZE - PG(1), PG(2));
	dt_munmap(t, 0, A + PG(3), 1);				/* length rounds up */
	dt_record(t, "after", P(0), REC_ALL);
}

static void errors_mprotect(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mprotect(t, 0, A + 1, PG(1), PROT_READ);
	dt_mprotect(t, 0, A, 0, PROT_READ);
	dt_mprotect(t, 0, A + PG(64), PG(1), PROT_READ);
	dt_mprotect(t, 0, A + PG(2), PG(4), PROT_READ);		/* runs into a hole */
	dt_mprotect(t, 0, A, PG(1), 0x10);
	dt_mprotect(t, 0, A, PG(1), PROT_READ | PROT_GROWSDOWN);
	dt_mprotect(t, 0, A, ~0ULL - PG(1) + 1, PROT_READ);
	dt_mprotect(t, 0, A, PG(1), PROT_READ | PROT_SEM);
	dt_mprotect(t, 0, A + PG(1), 1, PROT_NONE);		/* length rounds up */
	dt_record(t, "after", P(0), REC_ALL);
}

static void errors_madvise(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(4), RW, SA);
	dt_mmap(t, 0, A + PG(16), PG(4), RW, PA | MAP_LOCKED);
	dt_madvise(t, 0, A + 1, PG(1), MADV_DONTNEED);
	dt_madvise(t, 0, A, 0, MADV_DONTNEED);
	dt_madvise(t, 0, A, PG(1), 999);
	dt_madvise(t, 0, A + PG(64), PG(1), MADV_DONTNEED);
	dt_madvise(t, 0, A + PG(2), PG(4), MADV_DONTNEED);	/* partly unmapped */
	dt_madvise(t, 0, A, ~0ULL - PG(1) + 1, MADV_DONTNEED);
	dt_madvise(t, 0, A + PG(8), PG(4), MADV_FREE);		/* shared */
	dt_madvise(t, 0, A, PG(4), MADV_REMOVE);		/* private */
	dt_madvise(t, 0, A + PG(16), PG(4), MADV_DONTNEED);	/* locked */
	dt_madvise(t, 0, A + PG(16), PG(4), MADV_FREE);
	dt_madvise(t, 0, A + PG(8), PG(4), MADV_WIPEONFORK);	/* shared */
	dt_madvise(t, 0, A + PG(64), PG(1), MADV_WILLNEED);
	dt_madvise(t, 0, A + PG(64), PG(1), 999);
	dt_record(t, "after", P(0), REC_ALL);
}

static void errors_mremap(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(4), PG(4), PROT_READ, PA);
	dt_mremap(t, 0, A, 0, PG(4), MREMAP_MAYMOVE, 0);		/* old_len 0, private */
	dt_mremap(t, 0, A, PG(4), 0, MREMAP_MAYMOVE, 0);
	dt_mremap(t, 0, A + 1, PG(1), PG(2), MREMAP_MAYMOVE, 0);
	dt_mremap(t, 0, A, PG(4), PG(8), 8, 0);				/* unknown flag */
	dt_mremap(t, 0, A, PG(4), PG(4), MREMAP_FIXED, A + PG(64));	/* FIXED alone */
	dt_mremap(t, 0, A, PG(4), PG(4), MREMAP_DONTUNMAP, 0);
	dt_mremap(t, 0, A, PG(2), PG(4), MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	dt_mremap(t, 0, A + PG(64), PG(4), PG(8), MREMAP_MAYMOVE, 0);	/* unmapped */
	dt_mremap(t, 0, A, PG(8), PG(16), MREMAP_MAYMOVE, 0);		/* two VMAs */
	dt_mremap(t, 0, A, PG(4), PG(4), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(2));
	dt_mremap(t, 0, A, PG(4), PG(4), MREMAP_MAYMOVE | MREMAP_FIXED, A + PG(64) + 1);
	dt_mremap(t, 0, A, PG(4), 1ULL << 47, MREMAP_MAYMOVE, 0);
	dt_mremap(t, 0, A, PG(4), PG(4), 0, 0);				/* same size: no-op */
	dt_mremap(t, 0, A, PG(4) - 10, PG(4) - 5, 0, 0);		/* rounds: no-op */
	dt_record(t, "after", P(0), REC_ALL);
}

static void errors_mlock(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_mmap(t, 0, A + PG(8), PG(4), PROT_NONE, PA);
	dt_mlock(t, 0, A + PG(64), PG(1));
	dt_mlock(t, 0, A + PG(2), PG(4));				/* into a hole */
	dt_mlock(t, 0, A, 0);
	dt_mlock2(t, 0, A, PG(1), 2);
	dt_munlock(t, 0, A + PG(64), PG(1));
	dt_mlockall(t, 0, 0);
	dt_mlockall(t, 0, MCL_ONFAULT);
	dt_mlockall(t, 0, 8);
	dt_mlock(t, 0, A + PG(8), PG(4));				/* PROT_NONE: no pages */
	dt_record(t, "after", P(0), REC_ALL);
}

static void errors_mincore(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(4), RW, PA);
	dt_touch(t, 0, A, PG(1), 1);
	dt_mincore(t, 0, A + 1, PG(1));
	dt_mincore(t, 0, A, 0);
	dt_mincore(t, 0, A + PG(64), PG(1));
	dt_mincore(t, 0, A + PG(2), PG(4));				/* into a hole */
	dt_mincore(t, 0, A, 100);					/* rounds up */
	dt_mincore(t, 0, TASK_SIZE, PG(1));
	dt_record(t, "after", P(0), REC_FAULTS);
}

/*
 * ---- File mappings (filetests) ----
 *
 * Files of at most 16 pages written with 4 KiB writes, mapped in the 64 KiB
 * aligned arena, their cache dropped (fsync + POSIX_FADV_DONTNEED) before
 * anything is measured: the host's ext4 large folios and readahead window
 * then cover the whole file at once, as mmsim's order-0 readahead does,
 * and fault-around (fault_around_bytes 64 KiB) maps every cached page of
 * the 16-page block around a read fault.
 */
#define FADV_DONTNEED	4

static void file_read_faultaround(struct dt *t)
{
	arena(t);
	dt_file_create(t, 0, 0, 16, 1);
	dt_mmap_file(t, 0, A, PG(16), PROT_READ, MAP_PRIVATE, 0, 0);
	dt_record(t, "mapped", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(5), PG(1), 0);
	dt_record(t, "first", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_touch(t, 0, A, PG(16), 0);
	dt_record(t, "all", P(0), REC_FAULTS);
	dt_check(t, 0, A, PG(16), 1);
	dt_munmap(t, 0, A, PG(16));
	dt_record(t, "unmapped", P(0), REC_ALL);
}

/* A VMA smaller than the fault-around block, at a file offset: clamped to the VMA. */
static void file_read_partial_vma(struct dt *t)
{
	arena(t);
	dt_file_create(t, 0, 0, 16, 2);
	dt_mmap_file(t, 0, A + PG(4), PG(6), PROT_READ, MAP_SHARED, 0, PG(4));
	dt_touch(t, 0, A + PG(6), PG(1), 0);
	dt_record(t, "first", P(0), REC_ALL);
	dt_mincore(t, 0, A + PG(4), PG(6));
	dt_check_from(t, 0, A + PG(4), PG(6), 2, 4);
	dt_record(t, "checked", P(0), REC_FAULTS);
}

/* Major faults: an empty cache costs one, a cached page none. */
static void file_majflt(struct dt *t)
{
	arena(t);
	dt_file_create(t, 0, 0, 16, 3);
	dt_mmap_file(t, 0, A, PG(16), PROT_READ, MAP_SHARED, 0, 0);
	dt_touch(t, 0, A, PG(1), 0);
	dt_record(t, "cold", P(0), REC_FAULTS);
	dt_munmap(t, 0, A, PG(16));
	dt_mmap_file(t, 0, A, PG(16), PROT_READ, MAP_SHARED, 0, 0);
	dt_touch(t, 0, A + PG(9), PG(1), 0);
	dt_record(t, "cached", P(0), REC_ALL);
	dt_munmap(t, 0, A, PG(16));
	dt_file_fadvise(t, 0, 0, 0, 0, FADV_DONTNEED);
	dt_mmap_file(t, 0, A, PG(16), PROT_READ, MAP_SHARED, 0, 0);
	dt_touch(t, 0, A + PG(15), PG(1), 0);
	dt_record(t, "dropped", P(0), REC_ALL);
	dt_check(t, 0, A, PG(16), 3);
}

/* A private write copies the page: anonymous now, the file unchanged. */
static void file_private_cow(struct dt *t)
{
	arena(t);
	dt_file_create(t, 0, 0, 16, 4);
	dt_mmap_file(t, 0, A, PG(16), RW, MAP_PRIVATE, 0, 0);
	dt_touch(t, 0, A, PG(1), 0);
	dt_record(t, "read", P(0), REC_ALL);
	dt_fill_from(t, 0, A + PG(3), PG(2), 5, 0);
	dt_record(t, "cow", P(0), REC_ALL);
	dt_check_from(t, 0, A + PG(3), PG(2), 5, 0);
	dt_check_from(t, 0, A + PG(5), PG(11), 4, 5);
	dt_file_check(t, 0, 0, 0, 16, 4, 0);
	/* A write fault on a page never read: COW straight from the cache. */
	dt_fill_from(t, 0, A + PG(12), PG(1), 6, 0);
	dt_record(t, "cow2", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_munmap(t, 0, A, PG(16));
	dt_record(t, "unmapped", P(0), REC_ALL);
}

/* A shared write dirties the cache page: read(2) sees it at once. */
static void file_shared_write(struct dt *t)
{
	arena(t);
	dt_file_create(t, 0, 0, 16, 7);
	dt_mmap_file(t, 0, A, PG(16), RW, MAP_SHARED, 0, 0);
	dt_fill_from(t, 0, A + PG(2), PG(4), 8, 0);
	dt_record(t, "written", P(0), REC_ALL);
	dt_file_check(t, 0, 0, 2, 4, 8, 0);
	dt_file_check(t, 0, 0, 6, 10, 7, 6);
	dt_touch(t, 0, A + PG(8), PG(1), 0);
	dt_touch(t, 0, A + PG(8), PG(1), 1);		/* read, then write-notify */
	dt_record(t, "notify", P(0), REC_ALL);
	dt_munmap(t, 0, A, PG(16));
	dt_record(t, "unmapped", P(0), REC_ALL);
	dt_file_check(t, 0, 0, 2, 4, 8, 0);
}

/* Truncation unmaps the pages past EOF; touching them is SIGBUS. */
static void file_truncate_sigbus(struct dt *t)
{
	arena(t);
	dt_file_create(t, 0, 0, 16, 9);
	dt_mmap_file(t, 0, A, PG(16), PROT_READ, MAP_SHARED, 0, 0);
	dt_mmap_file(t, 0, A + PG(32), PG(16), RW, MAP_PRIVATE, 0, 0);
	dt_touch(t, 0, A, PG(16), 0);
	dt_fill_from(t, 0, A + PG(32 + 12), PG(1), 10, 0);	/* an anon COW page past the cut */
	dt_record(t, "mapped", P(0), REC_ALL);
	/*
	 * A cut inside a page is left out: ext4 zeroes the tail of the last
	 * block through its buffer (ext4_block_truncate_page), dirtying the
	 * page (smaps Private_Dirty 4 on the host); mmsim leaves it clean.
	 */
	dt_file_truncate(t, 0, 0, PG(8));
	dt_record(t, "truncated", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(7), PG(1), 0);		/* the last page */
	dt_touch(t, 0, A + PG(8), PG(1), 0);
	dt_touch(t, 0, A + PG(9), PG(1), 0);
	dt_touch(t, 0, A + PG(32 + 10), PG(1), 0);
	dt_touch(t, 0, A + PG(32 + 12), PG(1), 0);	/* the COW copy is gone too */
	dt_mincore(t, 0, A, PG(16));
	dt_record(t, "after", P(0), REC_ALL);
	dt_file_truncate(t, 0, 0, PG(16));		/* holes read as zeros */
	dt_check_from(t, 0, A + PG(10), PG(6), 0, 0);
	dt_check(t, 0, A, PG(8), 9);
	dt_record(t, "regrown", P(0), REC_ALL);
}

/* fork: file VMAs without anon_vma fault again in the child; COW pages are shared. */
static void file_fork(struct dt *t)
{
	int c;

	arena(t);
	dt_file_create(t, 0, 0, 16, 11);
	dt_mmap_file(t, 0, A, PG(16), PROT_READ, MAP_SHARED, 0, 0);
	dt_mmap_file(t, 0, A + PG(32), PG(16), RW, MAP_PRIVATE, 0, 0);
	dt_touch(t, 0, A, PG(16), 0);
	dt_touch(t, 0, A + PG(32), PG(16), 0);
	dt_fill_from(t, 0, A + PG(32 + 1), PG(1), 12, 0);
	dt_record(t, "before", P(0), REC_ALL);
	c = dt_fork(t, 0);
	if (c < 0)
		return;
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_touch(t, c, A, PG(16), 0);
	dt_touch(t, c, A + PG(32), PG(16), 0);
	dt_record(t, "child_read", P(c), REC_ALL);
	dt_fill_from(t, c, A + PG(32 + 1), PG(1), 13, 0);
	dt_fill_from(t, c, A + PG(32 + 2), PG(1), 14, 0);
	dt_record(t, "child_cow", P(0) | P(c), REC_ALL);
	dt_check_from(t, 0, A + PG(32 + 1), PG(1), 12, 0);
	dt_exit(t, c);
	dt_record(t, "child_gone", P(0), REC_ALL);
}

/* MAP_POPULATE and MADV_DONTNEED on a file mapping; mapping past EOF. */
static void file_populate_dontneed(struct dt *t)
{
	arena(t);
	dt_file_create(t, 0, 0, 12, 15);
	dt_mmap_file(t, 0, A, PG(16), PROT_READ, MAP_SHARED | MAP_POPULATE, 0, 0);
	dt_record(t, "populated", P(0), REC_ALL);
	dt_mincore(t, 0, A, PG(16));
	dt_madvise(t, 0, A, PG(8), MADV_DONTNEED);
	dt_record(t, "dontneed", P(0), REC_ALL);
	dt_touch(t, 0, A, PG(8), 0);
	dt_record(t, "again", P(0), REC_ALL);
	dt_touch(t, 0, A + PG(12), PG(1), 0);
	dt_file_close(t, 0, 0);
	dt_check(t, 0, A, PG(12), 15);			/* the mapping outlives the fd */
	dt_record(t, "closed", P(0), REC_ALL);
}

#define SEQ(fn) { #fn, fn }
#define SEQ_THP(fn) { #fn, fn, "thp=madvise" }	/* THP: booted and run with THP */

/* ---- NUMA memory policy (mempolicy(2)); the host has one node, node 0 ---- */

#define MPOL_DEFAULT		0
#define MPOL_PREFERRED		1
#define MPOL_BIND		2
#define MPOL_INTERLEAVE		3
#define MPOL_LOCAL		4
#define MPOL_PREFERRED_MANY	5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_F_STATIC_NODES	(1 << 15)
#define MPOL_F_RELATIVE_NODES	(1 << 14)
#define MPOL_F_NUMA_BALANCING	(1 << 13)
#define MPOL_F_NODE		1
#define MPOL_F_ADDR		2
#define MPOL_F_MEMS_ALLOWED	4
#define MPOL_MF_STRICT		1
#define MPOL_MF_MOVE		2

static void numa_set_mempolicy(struct dt *t)
{
	dt_set_mempolicy(t, 0, MPOL_BIND, 1, -1, 2);
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_BIND, 2, -1, 3);		/* node 1: no memory */
	dt_set_mempolicy(t, 0, MPOL_BIND, 3, -1, 3);		/* {0, 1}: node 0 */
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_BIND, 3, -1, 2);		/* maxnode 2: one bit */
	dt_set_mempolicy(t, 0, MPOL_BIND, 0, -1, 2);
	dt_set_mempolicy(t, 0, MPOL_BIND, 1, -1, 1);		/* maxnode 1: no bits */
	dt_set_mempolicy(t, 0, 7, 1, -1, 2);
	dt_set_mempolicy(t, 0, -1, 1, -1, 2);
	dt_set_mempolicy(t, 0, MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, 1, -1, 2);
	dt_set_mempolicy(t, 0, MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, 1, -1, 2);
	dt_set_mempolicy(t, 0, MPOL_BIND | MPOL_F_NUMA_BALANCING, 1, -1, 2);
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_PREFERRED_MANY | MPOL_F_NUMA_BALANCING, 1, -1, 2);
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_DEFAULT, 1, -1, 2);
	dt_set_mempolicy(t, 0, MPOL_DEFAULT, 0, -1, 0);
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_PREFERRED, 0, -1, 2);	/* empty: local */
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_PREFERRED | MPOL_F_STATIC_NODES, 0, -1, 2);
	dt_set_mempolicy(t, 0, MPOL_PREFERRED, 3, -1, 3);	/* the first node */
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_LOCAL, 1, -1, 2);
	dt_set_mempolicy(t, 0, MPOL_LOCAL | MPOL_F_STATIC_NODES, 0, -1, 0);
	dt_set_mempolicy(t, 0, MPOL_LOCAL, 0, -1, 0);
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_INTERLEAVE, 1, -1, 2);
	dt_get_mempolicy(t, 0, 64, 0, MPOL_F_NODE);
	dt_set_mempolicy(t, 0, MPOL_WEIGHTED_INTERLEAVE, 1, -1, 2);
	dt_get_mempolicy(t, 0, 64, 0, 0);
	dt_get_mempolicy(t, 0, 64, 0, MPOL_F_NODE);
	/* static/relative keep the user's mask; a node beyond the machine is ignored */
	dt_set_mempolicy(t, 0, MPOL_BIND | MPOL_F_STATIC_NODES, 1, 100, 200);
	dt_get_mempolicy(t, 0, 200, 0, 0);
	dt_set_mempolicy(t, 0, MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, 4, -1, 4);
	dt_get_mempolicy(t, 0, 64, 0, 0);
	/* masks wider than the kernel's 1024 nodes: the extra bits must be 0 */
	dt_set_mempolicy(t, 0, MPOL_BIND, 1, 1050, 2000);
	dt_set_mempolicy(t, 0, MPOL_BIND, 1, 1023, 2000);
	dt_set_mempolicy(t, 0, MPOL_BIND, 1, 1030, 1026);
	dt_set_mempolicy(t, 0, MPOL_BIND, 1, 1087, 1026);	/* read by whole words */
	dt_set_mempolicy(t, 0, MPOL_BIND, 1, -1, 32769);
	dt_set_mempolicy(t, 0, MPOL_BIND, 1, -1, 32770);
	dt_set_mempolicy(t, 0, MPOL_DEFAULT, 0, -1, 0);
}

static void numa_get_mempolicy(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_get_mempolicy(t, 0, 0, 0, 8);
	dt_get_mempolicy(t, 0, 0, 0, MPOL_F_NODE);		/* default: no node */
	dt_get_mempolicy(t, 0, 0, A, 0);			/* addr without F_ADDR */
	dt_get_mempolicy(t, 0, 0, 0, 0);			/* maxnode 0: NULL mask */
	dt_get_mempolicy(t, 0, 1, 0, 0);			/* maxnode < nr_node_ids */
	dt_get_mempolicy(t, 0, 65, 0, MPOL_F_MEMS_ALLOWED);
	dt_get_mempolicy(t, 0, 65, 0, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE);
	dt_get_mempolicy(t, 0, 65, 0, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR);
	dt_get_mempolicy(t, 0, 4097, 0, 0);
	dt_get_mempolicy(t, 0, 32769, 0, 0);
	dt_get_mempolicy(t, 0, 32770, 0, 0);
	dt_get_mempolicy(t, 0, 65, A - PG(1), MPOL_F_ADDR);	/* no VMA */
	dt_get_mempolicy(t, 0, 65, A, MPOL_F_ADDR);		/* the VMA has none */
	dt_mbind(t, 0, A + PG(8), PG(4), MPOL_INTERLEAVE, 1, -1, 2, 0);
	dt_get_mempolicy(t, 0, 65, A + PG(9), MPOL_F_ADDR);
	dt_record(t, "before", P(0), REC_FAULTS | REC_STATUS);
	/* MPOL_F_NODE | MPOL_F_ADDR faults the page in, as GUP does */
	dt_get_mempolicy(t, 0, 0, A + PG(1), MPOL_F_NODE | MPOL_F_ADDR);
	dt_get_mempolicy(t, 0, 0, A + PG(1), MPOL_F_NODE | MPOL_F_ADDR);
	dt_record(t, "node", P(0), REC_FAULTS | REC_STATUS);
	dt_mprotect(t, 0, A + PG(4), PG(1), PROT_NONE);
	dt_get_mempolicy(t, 0, 0, A + PG(4), MPOL_F_NODE | MPOL_F_ADDR);
	dt_mprotect(t, 0, A + PG(5), PG(1), PROT_WRITE);
	dt_get_mempolicy(t, 0, 0, A + PG(5), MPOL_F_NODE | MPOL_F_ADDR);
	dt_record(t, "after", P(0), REC_FAULTS | REC_STATUS);
}

static void numa_mbind_errors(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(64), RW, PA);
	dt_mbind(t, 0, A + 1, PG(1), MPOL_BIND, 1, -1, 2, 0);
	dt_mbind(t, 0, A, 0, MPOL_BIND, 1, -1, 2, 0);
	dt_mbind(t, 0, A, 1, MPOL_BIND, 1, -1, 2, 0);		/* rounds up */
	dt_mbind(t, 0, A - PG(2), PG(1), MPOL_BIND, 1, -1, 2, 0);	/* unmapped */
	dt_mbind(t, 0, A - PG(1), PG(2), MPOL_BIND, 1, -1, 2, 0);	/* hole at the head */
	dt_mbind(t, 0, A + PG(63), PG(2), MPOL_BIND, 1, -1, 2, 0);	/* hole at the tail */
	dt_mbind(t, 0, A - PG(2), PG(1), MPOL_DEFAULT, 0, -1, 0, 0);	/* no VMA at all */
	dt_mbind(t, 0, A - PG(1), PG(2), MPOL_DEFAULT, 0, -1, 0, 0);	/* holes are fine */
	dt_mbind(t, 0, A, PG(1), MPOL_BIND, 1, -1, 2, 8);		/* MPOL_MF_LAZY */
	dt_mbind(t, 0, A, PG(1), MPOL_BIND, 1, -1, 2, 16);
	dt_mbind(t, 0, A, PG(1), MPOL_BIND, 2, -1, 3, 0);		/* node 1 */
	dt_mbind(t, 0, A, PG(1), MPOL_BIND, 0, -1, 2, 0);
	dt_mbind(t, 0, A, PG(1), 7, 1, -1, 2, 0);
	dt_mbind(t, 0, A, PG(1), MPOL_LOCAL, 1, -1, 2, 0);
	dt_mbind(t, 0, A, PG(1), MPOL_BIND, 1, 1050, 2000, 0);
	dt_mbind(t, 0, A, ~0ULL - PG(1), MPOL_BIND, 1, -1, 2, 0);	/* wraps */
	dt_mbind(t, 0, A, ~0ULL, MPOL_BIND, 1, -1, 2, 0);		/* aligns to 0 */
	/* STRICT: pages where they should be pass; an empty mask misplaces all */
	dt_touch(t, 0, A, PG(4), 1);
	dt_mbind(t, 0, A, PG(8), MPOL_BIND, 1, -1, 2, MPOL_MF_STRICT);
	dt_mbind(t, 0, A, PG(8), MPOL_PREFERRED, 0, -1, 2, MPOL_MF_STRICT);
	dt_mbind(t, 0, A, PG(8), MPOL_LOCAL, 0, -1, 0, MPOL_MF_STRICT);
	dt_mbind(t, 0, A + PG(4), PG(4), MPOL_LOCAL, 0, -1, 0, MPOL_MF_STRICT); /* no pages */
	dt_mbind(t, 0, A, PG(8), MPOL_DEFAULT, 0, -1, 0, MPOL_MF_STRICT);	/* STRICT dropped */
	dt_mbind(t, 0, A, PG(8), MPOL_PREFERRED, 0, -1, 2, 0);			/* no check */
	dt_mbind(t, 0, A + PG(16), PG(4), MPOL_PREFERRED, 0, -1, 2, MPOL_MF_MOVE);
	dt_numa_maps(t, 0, "A");
	dt_record(t, "after", P(0), REC_ALL);
}

static void numa_mbind_vmas(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(64), RW, PA);
	dt_touch(t, 0, A, PG(2), 1);
	dt_mbind(t, 0, A + PG(4), PG(4), MPOL_INTERLEAVE, 1, -1, 2, 0);	/* splits in three */
	dt_record(t, "middle", P(0), REC_NVMA | REC_WINDOWS);
	dt_numa_maps(t, 0, "A");
	dt_mbind(t, 0, A + PG(8), PG(4), MPOL_INTERLEAVE, 1, -1, 2, 0);	/* joins it */
	dt_mbind(t, 0, A + PG(12), PG(2), MPOL_BIND | MPOL_F_STATIC_NODES, 1, -1, 2, 0);
	dt_mbind(t, 0, A + PG(14), PG(2), MPOL_BIND | MPOL_F_RELATIVE_NODES, 1, -1, 2, 0);
	dt_mbind(t, 0, A + PG(16), PG(2), MPOL_BIND | MPOL_F_NUMA_BALANCING, 1, -1, 2, 0);
	dt_mbind(t, 0, A + PG(18), PG(2), MPOL_PREFERRED_MANY, 1, -1, 2, 0);
	dt_mbind(t, 0, A + PG(20), PG(2), MPOL_WEIGHTED_INTERLEAVE, 1, -1, 2, 0);
	dt_mbind(t, 0, A + PG(22), PG(2), MPOL_PREFERRED, 1, -1, 2, 0);
	dt_mbind(t, 0, A + PG(24), PG(2), MPOL_LOCAL, 0, -1, 0, 0);
	dt_mbind(t, 0, A + PG(26), PG(2), MPOL_BIND | MPOL_F_STATIC_NODES, 1, 100, 200, 0);
	dt_record(t, "modes", P(0), REC_NVMA | REC_WINDOWS);
	dt_numa_maps(t, 0, "A");
	/* mprotect splits keep the policy; equal policies merge back */
	dt_mprotect(t, 0, A + PG(5), PG(1), PROT_READ);
	dt_numa_maps(t, 0, "A");
	dt_mprotect(t, 0, A + PG(5), PG(1), RW);
	dt_record(t, "reprotected", P(0), REC_NVMA | REC_WINDOWS);
	/* a new mapping next to a policied one stays apart */
	dt_munmap(t, 0, A + PG(30), PG(4));
	dt_mbind(t, 0, A + PG(28), PG(2), MPOL_BIND, 1, -1, 2, 0);
	dt_mmap(t, 0, A + PG(30), PG(2), RW, PA | MAP_FIXED);
	dt_record(t, "neighbour", P(0), REC_NVMA | REC_WINDOWS);
	/* mremap carries the policy along */
	dt_mremap(t, 0, A + PG(4), PG(8), PG(8), 3, A + PG(40));
	dt_numa_maps(t, 0, "A");
	/* the default policy over everything: all of it merges again */
	dt_mbind(t, 0, A, PG(64), MPOL_DEFAULT, 0, -1, 0, 0);
	dt_record(t, "default", P(0), REC_NVMA | REC_WINDOWS);
	dt_numa_maps(t, 0, "A");
}

static void numa_home_node(struct dt *t)
{
	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_home_node(t, 0, A, PG(4), 0, 0);			/* no policy: ENOENT */
	dt_home_node(t, 0, A - PG(4), PG(2), 0, 0);		/* no VMA: ENOENT */
	dt_home_node(t, 0, A + 1, PG(4), 0, 0);
	dt_home_node(t, 0, A, PG(4), 0, 1);
	dt_home_node(t, 0, A, PG(4), 1, 0);			/* node 1 is offline */
	dt_home_node(t, 0, A, PG(4), 5000, 0);
	dt_home_node(t, 0, A, 0, 0, 0);
	dt_mbind(t, 0, A, PG(4), MPOL_INTERLEAVE, 1, -1, 2, 0);
	dt_home_node(t, 0, A, PG(4), 0, 0);			/* EOPNOTSUPP */
	dt_mbind(t, 0, A + PG(4), PG(8), MPOL_BIND, 1, -1, 2, 0);
	dt_home_node(t, 0, A + PG(6), PG(2), 0, 0);		/* splits */
	dt_record(t, "home", P(0), REC_NVMA | REC_WINDOWS);
	dt_home_node(t, 0, A + PG(4), PG(12), 0, 0);		/* rejoins, skips none */
	dt_record(t, "rejoined", P(0), REC_NVMA | REC_WINDOWS);
	dt_home_node(t, 0, A, PG(16), 0, 0);			/* interleave first: EOPNOTSUPP */
}

static void numa_fork(struct dt *t)
{
	int c;

	arena(t);
	dt_set_mempolicy(t, 0, MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, 1, -1, 2);
	dt_mmap(t, 0, A, PG(16), RW, PA);
	dt_mbind(t, 0, A + PG(4), PG(4), MPOL_BIND, 1, -1, 2, 0);
	dt_touch(t, 0, A, PG(16), 1);
	c = dt_fork(t, 0);
	dt_get_mempolicy(t, c, 64, 0, 0);
	dt_get_mempolicy(t, c, 64, A + PG(5), MPOL_F_ADDR);
	dt_numa_maps(t, c, "A");
	dt_set_mempolicy(t, 0, MPOL_DEFAULT, 0, -1, 0);
	dt_get_mempolicy(t, c, 64, 0, 0);
	dt_record(t, "forked", P(0) | P(c), REC_NVMA | REC_WINDOWS);
	dt_exit(t, c);
}

static void numa_shared(struct dt *t)
{
	int c;

	arena(t);
	dt_mmap(t, 0, A, PG(16), RW, SA);
	dt_mbind(t, 0, A + PG(4), PG(4), MPOL_INTERLEAVE, 1, -1, 2, 0);
	dt_touch(t, 0, A, PG(8), 1);
	c = dt_fork(t, 0);
	dt_touch(t, c, A, PG(8), 0);
	dt_get_mempolicy(t, c, 64, A + PG(5), MPOL_F_ADDR);	/* the object's policy */
	dt_numa_maps(t, 0, "A");
	dt_numa_maps(t, c, "A");
	dt_record(t, "shared", P(0) | P(c), REC_NVMA | REC_WINDOWS);
}

/* ---- THP (thp=madvise on both sides: the host's mode, left on for these workers) ---- */

#define THP		(2 * MB)

/* A 2 MiB-aligned THP region of n blocks, MADV_HUGEPAGE'd, its first block written. */
static void thp_region(struct dt *t, int blocks)
{
	arena(t);
	dt_mmap(t, 0, A, blocks * THP, RW, PA | MAP_FIXED);
	dt_madvise(t, 0, A, blocks * THP, MADV_HUGEPAGE);
	dt_record(t, "mapped", P(0), REC_ALL);
	dt_fill(t, 0, A, THP, 11);
	dt_record(t, "written", P(0), REC_ALL);
	dt_thp_record(t, "written");
}

/* One write fault maps 2 MiB; the rest of the block takes none. */
static void thp_fault(struct dt *t)
{
	thp_region(t, 2);
	dt_check(t, 0, A, THP, 11);
	dt_mincore(t, 0, A, THP + PG(8));
	dt_touch(t, 0, A + THP, PG(1), 1);
	dt_record(t, "second", P(0), REC_ALL);
	dt_thp_record(t, "second");
	dt_munmap(t, 0, A, 2 * THP);
	dt_record(t, "gone", P(0), REC_ALL);
	dt_thp_record(t, "gone");
}

/* A partial munmap splits the PMD only; the folio waits on the deferred split queue. */
static void thp_partial_munmap(struct dt *t)
{
	thp_region(t, 1);
	dt_munmap(t, 0, A + THP - PG(16), PG(16));
	dt_record(t, "partial", P(0), REC_ALL);
	dt_thp_record(t, "partial");
	dt_check(t, 0, A, THP - PG(16), 11);
	dt_munmap(t, 0, A + PG(256), PG(16));
	dt_record(t, "hole", P(0), REC_ALL);
	dt_thp_record(t, "hole");
	dt_munmap(t, 0, A, THP);
	dt_record(t, "gone", P(0), REC_ALL);
	dt_thp_record(t, "gone");
}

/* mprotect of part splits the VMA and the PMD, queues nothing; unmapping it all does. */
static void thp_mprotect_split(struct dt *t)
{
	thp_region(t, 1);
	dt_mprotect(t, 0, A, PG(16), PROT_READ);
	dt_record(t, "protected", P(0), REC_ALL);
	dt_thp_record(t, "protected");
	dt_check(t, 0, A, THP, 11);
	dt_mprotect(t, 0, A, PG(16), RW);
	dt_record(t, "merged", P(0), REC_ALL);
	dt_thp_record(t, "merged");
	dt_munmap(t, 0, A, THP);
	dt_record(t, "gone", P(0), REC_ALL);
	dt_thp_record(t, "gone");
}

/* MADV_DONTNEED of part: the PMD splits, the folio is queued; a new fault fills the hole 4 KiB. */
static void thp_dontneed(struct dt *t)
{
	thp_region(t, 1);
	dt_madvise(t, 0, A + PG(100), PG(16), MADV_DONTNEED);
	dt_record(t, "dontneed", P(0), REC_ALL);
	dt_thp_record(t, "dontneed");
	dt_mincore(t, 0, A + PG(96), PG(24));
	dt_check(t, 0, A + PG(100), PG(16), 0);
	dt_record(t, "refault", P(0), REC_ALL);
	dt_thp_record(t, "refault");
	dt_madvise(t, 0, A, THP, MADV_DONTNEED);
	dt_record(t, "all", P(0), REC_ALL);
	dt_thp_record(t, "all");
}

/* A THP the parent still maps by PMD: the child's partial unmap queues it only when the PMD goes. */
static void thp_fork_partial(struct dt *t)
{
	int c;

	thp_region(t, 1);
	c = dt_fork(t, 0);
	dt_munmap(t, c, A, PG(8));
	dt_record(t, "child_unmap", P(0) | P(c), REC_ALL);
	dt_thp_record(t, "child_unmap");
	dt_exit(t, 0);
	dt_record(t, "parent_gone", P(c), REC_ALL);
	dt_thp_record(t, "parent_gone");
	dt_check_from(t, c, A + PG(8), THP - PG(8), 11, 8);
	dt_exit(t, c);
	dt_thp_record(t, "all_gone");
}

/* fork shares the THP; the child's write splits its PMD and copies 4 KiB. */
static void thp_fork_cow(struct dt *t)
{
	int c;

	thp_region(t, 1);
	c = dt_fork(t, 0);
	dt_record(t, "forked", P(0) | P(c), REC_ALL);
	dt_thp_record(t, "forked");
	dt_fill(t, c, A + PG(5), PG(1), 12);
	dt_record(t, "child_cow", P(0) | P(c), REC_ALL);
	dt_thp_record(t, "child_cow");
	dt_check(t, 0, A, THP, 11);
	dt_check_from(t, c, A + PG(5), PG(1), 12, 0);
	dt_exit(t, c);
	dt_record(t, "child_gone", P(0), REC_ALL);
	dt_thp_record(t, "child_gone");
	dt_fill(t, 0, A, PG(1), 13);
	dt_record(t, "parent_write", P(0), REC_ALL);
	dt_thp_record(t, "parent_write");
}

/* ---- hugetlb (MAP_HUGETLB; the host backend sets vm.nr_hugepages as root) ---- */

#define HPG		(2 * MB)
#define MAP_HUGE_SHIFT	26
#define HPA		(PA | MAP_HUGETLB)
#define HSA		(SA | MAP_HUGETLB)
#define MADV_PAGEOUT	21

/* A private mapping: length rounding, reservation, one fault per 2 MiB, munmap. */
static void hugetlb_private(struct dt *t)
{
	arena(t);
	dt_hugetlb_pool(t, 4);
	dt_mmap(t, 0, A, 3 * MB, RW, HPA | MAP_FIXED);
	dt_record(t, "mapped", P(0), REC_ALL);
	dt_hugetlb_record(t, "mapped");
	dt_fill(t, 0, A, HPG, 7);
	dt_record(t, "written", P(0), REC_ALL);
	dt_hugetlb_record(t, "written");
	dt_mincore(t, 0, A, 2 * HPG);
	dt_check(t, 0, A, HPG, 7);
	dt_touch(t, 0, A + HPG, PG(1), 0);
	dt_record(t, "read", P(0), REC_ALL);
	dt_hugetlb_record(t, "read");
	dt_munmap(t, 0, A, HPG);
	dt_record(t, "unmapped", P(0), REC_ALL);
	dt_hugetlb_record(t, "unmapped");
	dt_munmap(t, 0, A + HPG, HPG);
	dt_hugetlb_record(t, "gone");
}

/* A shared mapping across fork: not copied, the child faults and sees the data. */
static void hugetlb_shared_fork(struct dt *t)
{
	int c;

	arena(t);
	dt_hugetlb_pool(t, 4);
	dt_mmap(t, 0, A, 2 * HPG, RW, HSA | MAP_FIXED);
	dt_hugetlb_record(t, "mapped");
	dt_fill(t, 0, A, HPG, 3);
	dt_record(t, "written", P(0), REC_ALL);
	dt_hugetlb_record(t, "written");
	c = dt_fork(t, 0);
	dt_check(t, c, A, HPG, 3);
	dt_fill(t, c, A + HPG, HPG, 4);
	dt_record(t, "child", P(0) | P(c), REC_ALL);
	dt_hugetlb_record(t, "child");
	dt_check(t, 0, A + HPG, HPG, 4);
	dt_record(t, "parent", P(0) | P(c), REC_ALL);
	dt_exit(t, c);
	dt_munmap(t, 0, A, 2 * HPG);
	dt_hugetlb_record(t, "gone");
}

/* A private mapping across fork: COW copies, the child has no reservations. */
static void hugetlb_private_fork(struct dt *t)
{
	int c;

	arena(t);
	dt_hugetlb_pool(t, 3);
	dt_mmap(t, 0, A, 2 * HPG, RW, HPA | MAP_FIXED);
	dt_fill(t, 0, A, HPG, 5);
	dt_hugetlb_record(t, "written");
	c = dt_fork(t, 0);
	dt_check(t, c, A, HPG, 5);
	dt_record(t, "child_read", P(c), REC_FAULTS);
	dt_fill(t, c, A, HPG, 6);
	dt_record(t, "child_cow", P(c), REC_ALL);
	dt_hugetlb_record(t, "child_cow");
	dt_touch(t, c, A + HPG, PG(1), 1);	/* no free unreserved page: SIGBUS */
	dt_hugetlb_record(t, "child_sigbus");
	dt_check(t, 0, A, HPG, 5);
	dt_exit(t, c);
	dt_hugetlb_record(t, "child_gone");
	dt_touch(t, 0, A, PG(1), 1);	/* the page is ours alone again: reused */
	dt_fill(t, 0, A + HPG, HPG, 8);
	dt_record(t, "parent", P(0), REC_ALL);
	dt_hugetlb_record(t, "parent");
	dt_munmap(t, 0, A, 2 * HPG);
	dt_hugetlb_record(t, "gone");
}

/* The errno of hugetlb mappings: empty pool, sizes, alignment. */
static void hugetlb_errors(struct dt *t)
{
	arena(t);
	dt_hugetlb_pool(t, 0);
	dt_mmap(t, 0, A, HPG, RW, HPA | MAP_FIXED);
	dt_mmap(t, 0, A, HPG, RW, HSA | MAP_FIXED);
	dt_mmap(t, 0, A, HPG, RW, HPA | MAP_FIXED | MAP_NORESERVE);
	dt_touch(t, 0, A, PG(1), 1);
	dt_munmap(t, 0, A, HPG);
	dt_hugetlb_pool(t, 2);
	dt_mmap(t, 0, A, 1, RW, HPA | MAP_FIXED | (21 << MAP_HUGE_SHIFT));
	dt_munmap(t, 0, A, HPG);
	dt_mmap(t, 0, A, 1, RW, HPA | MAP_FIXED | (22 << MAP_HUGE_SHIFT));
	dt_mmap(t, 0, A, 1, RW, HPA | MAP_FIXED | (12 << MAP_HUGE_SHIFT));
	dt_mmap(t, 0, A, 0, RW, HPA | MAP_FIXED);
	dt_mmap(t, 0, A + PG(1), HPG, RW, HPA | MAP_FIXED);
	dt_mmap(t, 0, A, HPG, RW, HPA | MAP_FIXED | MAP_GROWSDOWN);
	dt_mmap(t, 0, A, 3 * HPG, RW, HPA | MAP_FIXED);
	dt_mmap_off(t, 0, A, HPG, RW, HPA | MAP_FIXED, PG(1));
	dt_mmap(t, 0, A, 2 * HPG, RW, HPA | MAP_FIXED);
	dt_munmap(t, 0, A + PG(1), HPG);
	dt_munmap(t, 0, A, PG(1));
	dt_mprotect(t, 0, A, PG(1), PROT_READ);
	dt_mprotect(t, 0, A + HPG, HPG, PROT_READ);
	dt_touch(t, 0, A + HPG, PG(1), 1);
	dt_record(t, "split", P(0), REC_ALL);
	dt_hugetlb_record(t, "split");
	dt_munmap(t, 0, A, 2 * HPG);
	dt_hugetlb_record(t, "gone");
}

/* madvise and mremap on hugetlb: what 6.x allows and what it refuses. */
static void hugetlb_madvise_mremap(struct dt *t)
{
	arena(t);
	dt_hugetlb_pool(t, 4);
	dt_mmap(t, 0, A, 2 * HPG, RW, HPA | MAP_FIXED);
	dt_touch(t, 0, A, 2 * HPG, 1);
	dt_hugetlb_record(t, "written");
	dt_madvise(t, 0, A + PG(1), PG(1), MADV_DONTNEED);
	dt_madvise(t, 0, A, PG(1), MADV_DONTNEED);
	dt_madvise(t, 0, A, HPG, MADV_FREE);
	dt_madvise(t, 0, A, HPG, MADV_COLD);
	dt_madvise(t, 0, A, HPG, MADV_PAGEOUT);
	dt_madvise(t, 0, A, HPG, MADV_WILLNEED);
	dt_hugetlb_record(t, "refused");
	dt_madvise(t, 0, A, HPG + PG(1), MADV_DONTNEED);
	dt_record(t, "dontneed", P(0), REC_ALL);
	dt_hugetlb_record(t, "dontneed");
	dt_madvise(t, 0, A, HPG, MADV_POPULATE_WRITE);
	dt_hugetlb_record(t, "populated");
	dt_mremap(t, 0, A, 2 * HPG, 4 * HPG, MREMAP_MAYMOVE, 0);
	dt_mremap(t, 0, A, 2 * HPG, 2 * HPG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	dt_mremap(t, 0, A, 0, HPG, MREMAP_MAYMOVE, 0);
	dt_mremap(t, 0, A, 2 * HPG, 3 * MB, 0, 0);
	dt_mremap(t, 0, A, 2 * HPG, HPG, 0, 0);
	dt_record(t, "shrunk", P(0), REC_ALL);
	dt_hugetlb_record(t, "shrunk");
	dt_mlock(t, 0, A, HPG);
	dt_record(t, "mlocked", P(0), REC_ALL);
	dt_munmap(t, 0, A, HPG);
	dt_hugetlb_record(t, "gone");
}

const struct dt_sequence dt_sequences[] = {
	SEQ(anon_write),
	SEQ(anon_read),
	SEQ(anon_read_then_write),
	SEQ(anon_sparse),
	SEQ(anon_readonly),
	SEQ(prot_none),
	SEQ(unmapped_access),
	SEQ(data_roundtrip),
	SEQ(fork_child_writes),
	SEQ(fork_parent_writes),
	SEQ(fork_both_write),
	SEQ(fork_child_exits),
	SEQ(fork_parent_exits),
	SEQ(fork_fanout),
	SEQ(fork_dontneed),
	SEQ(fork_mremap_child),
	SEQ(fork_partial_munmap),
	SEQ(fork_protnone),
	SEQ(fork_wipeonfork_part),
	SEQ(fork_madv_free),
	SEQ(fork_child_reads),
	SEQ(fork_untouched),
	SEQ(fork_read_faulted),
	SEQ(fork_chain),
	SEQ(fork_dontfork),
	SEQ(fork_wipeonfork),
	SEQ(shared_anon_fork),
	SEQ(shared_anon_faultaround),
	SEQ(shared_anon_split),
	SEQ(shared_anon_fork_dontneed),
	SEQ(shared_anon_mremap),
	SEQ(shared_anon_mincore),
	SEQ(shared_anon_dup),
	SEQ(madv_dontneed),
	SEQ(madv_free),
	SEQ(madv_flags_split),
	SEQ(madv_dontneed_protnone),
	SEQ(madv_populate),
	SEQ(mprotect_split_merge),
	SEQ(mprotect_edges),
	SEQ(mprotect_readonly_cow),
	SEQ(mprotect_adjacent_merge),
	SEQ(mprotect_anon_vma_nomerge),
	SEQ(mprotect_partial_hole),
	SEQ(munmap_hole),
	SEQ(munmap_across),
	SEQ(munmap_remap),
	SEQ(pgtable_free),
	SEQ(merge_after),
	SEQ(merge_before),
	SEQ(merge_middle),
	SEQ(merge_refused),
	SEQ(hint_taken_or_not),
	SEQ(null_placement),
	SEQ(mremap_grow_inplace),
	SEQ(mremap_grow_blocked),
	SEQ(mremap_shrink),
	SEQ(mremap_move_fixed),
	SEQ(mremap_dontunmap),
	SEQ(mremap_grow_merge),
	SEQ(brk_grow_shrink),
	SEQ(brk_blocked),
	SEQ(brk_fork),
	SEQ(map_populate),
	SEQ(map_locked),
	SEQ(mlock_middle),
	SEQ(mlock_onfault),
	SEQ(mlock_mremap),
	SEQ(mlock_spanning),
	SEQ(mlockall_future_brk),
	SEQ(mlock_fork),
	SEQ(mlockall_future),
	SEQ(mlockall_onfault),
	SEQ(mlockall_current),
	SEQ(growsdown),
	SEQ(growsdown_guard),
	SEQ(growsdown_gap),
	SEQ(stack_growth),
	SEQ(stack_rlimit),
	SEQ(stack_guard),
	SEQ(fixed_over),
	SEQ(fixed_spanning),
	SEQ(fixed_noreplace),
	SEQ(errors_mmap),
	SEQ(odd_mmaps),
	SEQ(errors_munmap),
	SEQ(errors_mprotect),
	SEQ(errors_madvise),
	SEQ(errors_mremap),
	SEQ(errors_mlock),
	SEQ(errors_mincore),
	/* NUMA memory policy */
	SEQ(numa_set_mempolicy),
	SEQ(numa_get_mempolicy),
	SEQ(numa_mbind_errors),
	SEQ(numa_mbind_vmas),
	SEQ(numa_home_node),
	SEQ(numa_fork),
	SEQ(numa_shared),
	/* hugetlb */
	SEQ(hugetlb_private),
	SEQ(hugetlb_shared_fork),
	SEQ(hugetlb_private_fork),
	SEQ(hugetlb_errors),
	SEQ(hugetlb_madvise_mremap),
	/* THP */
	SEQ_THP(thp_fault),
	SEQ_THP(thp_partial_munmap),
	SEQ_THP(thp_mprotect_split),
	SEQ_THP(thp_fork_cow),
	SEQ_THP(thp_dontneed),
	SEQ_THP(thp_fork_partial),
	/* file mappings (filetests) */
	SEQ(file_read_faultaround),
	SEQ(file_read_partial_vma),
	SEQ(file_majflt),
	SEQ(file_private_cow),
	SEQ(file_shared_write),
	SEQ(file_truncate_sigbus),
	SEQ(file_fork),
	SEQ(file_populate_dontneed),
};

const size_t dt_nsequences = sizeof(dt_sequences) / sizeof(dt_sequences[0]);
