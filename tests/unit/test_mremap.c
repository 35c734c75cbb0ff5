/*
 * test_mremap.c - mremap(2): shrink, grow in place, move (the data and the
 * very pages move: no fault, no allocation), MREMAP_FIXED over existing
 * mappings, MREMAP_DONTUNMAP, 6.17+'s move of several VMAs at once, the
 * merges at the destination, the accounting (VmSize, VmLck, Committed_AS,
 * VmPTE) and the errno of bad calls.
 *
 * Layouts and errno were checked on the host (Linux 6.18, THP off) with
 * the same calls at the same relative addresses.
 */
#include "syscall_test.h"

#define MAYMOVE		MMSIM_MREMAP_MAYMOVE
#define FIXED		MMSIM_MREMAP_FIXED
#define DONTUNMAP	MMSIM_MREMAP_DONTUNMAP

static int64_t remap(struct st *st, long n, long old_pages, long new_pages, int flags, long to)
{
	return mmsim_mremap(st->m, st->pid, A(n), (uint64_t)old_pages * PG,
			    (uint64_t)new_pages * PG, flags, to < 0 ? 0 : A(to));
}

/* Page number of an address mremap returned (or the errno). */
static long page_of(struct st *st, int64_t r)
{
	return r < 0 ? (long)r : (long)(((uint64_t)r - st->base) / PG);
}

static void test_errno(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	int p = st->pid;

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	map_at(st, 10, 4, RW, ANON);
	assert_int_equal(mmsim_mremap(st->m, p, A(0) + 1, PG, 2 * PG, 0, 0), -EINVAL);
	assert_int_equal(remap(st, 0, 1, 2, 8, -1), -EINVAL);
	assert_int_equal(remap(st, 0, 1, 0, 0, -1), -EINVAL);
	assert_int_equal(remap(st, 0, 1, 0, MAYMOVE, -1), -EINVAL);
	assert_int_equal(remap(st, 0, 1, 1, FIXED, 20), -EINVAL);
	assert_int_equal(remap(st, 0, 1, 1, DONTUNMAP, 20), -EINVAL);
	assert_int_equal(remap(st, 0, 1, 2, DONTUNMAP | MAYMOVE, -1), -EINVAL);
	assert_int_equal(remap(st, 0, 2, 2, FIXED | MAYMOVE, 1), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, p, A(0), 2 * PG, 2 * PG, FIXED | MAYMOVE, A(20) + 5),
			 -EINVAL);
	/* Unmapped, or running past the end of the VMA: -EFAULT. */
	assert_int_equal(remap(st, 5, 1, 2, 0, -1), -EFAULT);
	assert_int_equal(remap(st, 5, 1, 1, 0, -1), -EFAULT);
	assert_int_equal(mmsim_mremap(st->m, p, A(5), PG, PG / 2, 0, 0), -EFAULT);
	assert_int_equal(remap(st, 2, 4, 8, MAYMOVE, -1), -EFAULT);
	assert_int_equal(remap(st, 2, 4, 8, 0, -1), -EFAULT);
	/* Growing into the next VMA without MAYMOVE. */
	assert_int_equal(remap(st, 0, 4, 12, 0, -1), -ENOMEM);
	/* old_len 0 only duplicates shared mappings. */
	assert_int_equal(remap(st, 0, 0, 2, MAYMOVE, -1), -EINVAL);
	assert_int_equal(remap(st, 0, 0, 2, 0, -1), -EINVAL);
	/* Silly lengths and destinations. */
	assert_int_equal(mmsim_mremap(st->m, p, A(0), PG, 1UL << 47, MAYMOVE, 0), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, p, A(0), PG, (1UL << 47) - PG, MAYMOVE, 0), -ENOMEM);
	assert_int_equal(mmsim_mremap(st->m, p, A(0), PG, (uint64_t)-4096, MAYMOVE, 0), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, p, A(0), PG, (uint64_t)-4095, MAYMOVE, 0), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, p, A(0), PG, PG, MAYMOVE | FIXED, 1UL << 47), -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, p, A(0), PG, PG, MAYMOVE | FIXED, (1UL << 47) - PG),
			 -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, p, A(100), PG, PG, MAYMOVE | FIXED, (1UL << 47) - PG),
			 -EINVAL);
	assert_int_equal(mmsim_mremap(st->m, p, A(500), (uint64_t)-4096, PG, 0, 0), -EFAULT);
	map_at(st, 500, 4, RW, ANON);
	/* The shrink's unmap of a range past TASK_SIZE fails. */
	assert_int_equal(mmsim_mremap(st->m, p, A(500), (uint64_t)-4096, PG, 0, 0), -EINVAL);
	assert_layout(st, "[0,4) rw-p [10,14) rw-p [500,504) rw-p");
	st_free(st);
}

static void test_shrink(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long size0;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	assert_int_equal(touch(st, 0, 16, 1), 0);
	size0 = status_kb(st, "VmSize");
	assert_int_equal(page_of(st, remap(st, 0, 16, 4, 0, -1)), 0);
	assert_layout(st, "[0,4) rw-p");
	assert_int_equal(smaps_kb(st, 0, "Rss"), 16);
	assert_int_equal(status_kb(st, "VmSize"), size0 - 48);
	/* A shrink may unmap across VMAs and holes. */
	map_at(st, 0, 4, RW, ANON);
	map_at(st, 10, 4, RW, ANON);
	assert_int_equal(page_of(st, remap(st, 0, 14, 2, 0, -1)), 0);
	assert_layout(st, "[0,2) rw-p");
	st_free(st);
}

static void test_grow_in_place(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long c0;

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	c0 = meminfo_kb(st, "Committed_AS");
	assert_int_equal(page_of(st, remap(st, 0, 4, 8, 0, -1)), 0);
	assert_layout(st, "[0,8) rw-p");
	assert_int_equal(meminfo_kb(st, "Committed_AS") - c0, 16);
	assert_int_equal(touch(st, 0, 8, 1), 0);

	/* Growing until it touches the next VMA merges them (unfaulted next). */
	map_at(st, 60, 4, RW, ANON);
	write_byte(st, 60, 1);
	map_at(st, 68, 4, RW, ANON);
	assert_int_equal(page_of(st, remap(st, 60, 4, 8, 0, -1)), 60);
	assert_layout(st, "[0,8) rw-p [60,72) rw-p");
	/* Both faulted: their anon_vmas differ, so they stay apart. */
	map_at(st, 80, 4, RW, ANON);
	write_byte(st, 80, 1);
	map_at(st, 88, 4, RW, ANON);
	write_byte(st, 88, 1);
	assert_int_equal(page_of(st, remap(st, 80, 4, 8, 0, -1)), 80);
	assert_layout(st, "[0,8) rw-p [60,72) rw-p [80,88) rw-p [88,92) rw-p");
	st_free(st);
}

/* Pages the allocator handed out so far (pgalloc_* of every zone). */
static long pgalloc(struct st *st)
{
	return (long)(vmstat_count(st, "pgalloc_dma") + vmstat_count(st, "pgalloc_dma32") +
		      vmstat_count(st, "pgalloc_normal") + vmstat_count(st, "pgalloc_movable"));
}

/*
 * Growing a VMA that cannot grow where it is moves it: the same pages are
 * mapped at the new place (no fault, no new page, same bytes), and the
 * old range is gone.
 */
static void test_move_keeps_pages(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long free0, anon0, c0;
	unsigned long f;
	int64_t r;
	long to;

	(void)state;
	map_at(st, 100, 4, RW, ANON);
	map_at(st, 104, 4, MMSIM_PROT_READ, ANON);
	for (long i = 0; i < 4; i++)
		write_byte(st, 100 + i, (unsigned char)(0xa0 + i));
	anon0 = meminfo_kb(st, "AnonPages");
	c0 = meminfo_kb(st, "Committed_AS");
	free0 = pgalloc(st);
	r = remap(st, 100, 4, 8, MAYMOVE, -1);
	assert_true(r > 0);
	to = page_of(st, r);
	assert_true(to != 100);
	f = minflt(st);
	for (long i = 0; i < 4; i++) {
		struct mmsim_fault fl;
		unsigned char v;

		assert_int_equal(mmsim_read(st->m, st->pid, (uint64_t)r + (uint64_t)i * PG, &v, 1,
					    &fl), 0);
		assert_int_equal(v, 0xa0 + i);
	}
	assert_int_equal(minflt(st) - f, 0);
	assert_int_equal(meminfo_kb(st, "AnonPages"), anon0);
	assert_int_equal(meminfo_kb(st, "Committed_AS") - c0, 16);
	/* No user page was allocated (page tables aside: at most three). */
	assert_true(pgalloc(st) - free0 <= 3);
	assert_int_equal(touch_fault_code(st, 100, 0), 1 /* SEGV_MAPERR */);
	st_free(st);
}

static void test_move_fixed(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long size0, rss0;

	(void)state;
	map_at(st, 0, 8, RW, ANON);
	map_at(st, 20, 8, MMSIM_PROT_READ, ANON);
	assert_int_equal(touch(st, 0, 8, 1), 0);
	write_byte(st, 2, 0x42);
	size0 = status_kb(st, "VmSize");
	rss0 = status_kb(st, "VmRSS");
	/* The destination's old mapping goes first. */
	assert_int_equal(page_of(st, remap(st, 2, 2, 2, MAYMOVE | FIXED, 22)), 22);
	assert_layout(st, "[0,2) rw-p [4,8) rw-p [20,22) r--p [22,24) rw-p [24,28) r--p");
	assert_int_equal(read_byte(st, 22), 0x42);
	assert_int_equal(status_kb(st, "VmSize"), size0 - 8);
	assert_int_equal(status_kb(st, "VmRSS"), rss0);
	/* Moving and growing at once. */
	assert_int_equal(page_of(st, remap(st, 22, 2, 4, MAYMOVE | FIXED, 40)), 40);
	assert_layout(st, "[0,2) rw-p [4,8) rw-p [20,22) r--p [24,28) r--p [40,44) rw-p");
	assert_int_equal(read_byte(st, 40), 0x42);
	assert_int_equal(read_byte(st, 42), 0);
	/* Moving and shrinking. */
	assert_int_equal(page_of(st, remap(st, 40, 4, 1, MAYMOVE | FIXED, 50)), 50);
	assert_layout(st, "[0,2) rw-p [4,8) rw-p [20,22) r--p [24,28) r--p [50,51) rw-p");
	assert_int_equal(read_byte(st, 50), 0x42);
	st_free(st);
}

/* An unfaulted anonymous VMA merges at its destination; a faulted one does not (pgoff). */
static void test_move_merges(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	map_at(st, 10, 4, RW, ANON);
	assert_int_equal(page_of(st, remap(st, 10, 4, 4, MAYMOVE | FIXED, 4)), 4);
	assert_layout(st, "[0,8) rw-p");
	map_at(st, 20, 4, RW, ANON);
	map_at(st, 30, 4, RW, ANON);
	assert_int_equal(touch(st, 30, 4, 1), 0);
	assert_int_equal(page_of(st, remap(st, 30, 4, 4, MAYMOVE | FIXED, 24)), 24);
	assert_layout(st, "[0,8) rw-p [20,24) rw-p [24,28) rw-p");
	st_free(st);
}

/* 6.17+: MREMAP_FIXED without resizing moves every VMA of the range, gaps kept. */
static void test_move_several(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 4, RW, ANON);
	map_at(st, 6, 4, MMSIM_PROT_READ, ANON);
	map_at(st, 10, 4, RW, ANON);
	write_byte(st, 0, 1);
	write_byte(st, 12, 2);
	assert_int_equal(page_of(st, remap(st, 0, 14, 14, MAYMOVE | FIXED, 100)), 100);
	assert_layout(st, "[100,104) rw-p [106,110) r--p [110,114) rw-p");
	assert_int_equal(read_byte(st, 100), 1);
	assert_int_equal(read_byte(st, 112), 2);
	/* Starting inside a VMA: only its tail moves from it. */
	assert_int_equal(page_of(st, remap(st, 102, 14, 14, MAYMOVE | FIXED, 200)), 200);
	assert_layout(st, "[100,102) rw-p [200,202) rw-p [204,208) r--p [208,212) rw-p");
	/* The range may not start in a hole. */
	assert_int_equal(remap(st, 199, 14, 14, MAYMOVE | FIXED, 300), -EFAULT);
	/* It may end in one. */
	assert_int_equal(page_of(st, remap(st, 200, 20, 20, MAYMOVE | FIXED, 300)), 300);
	assert_layout(st, "[100,102) rw-p [300,302) rw-p [304,308) r--p [308,312) rw-p");
	assert_int_equal(read_byte(st, 310), 2);
	/* Without FIXED (or with DONTUNMAP) the range must be one VMA. */
	assert_int_equal(remap(st, 300, 14, 14, MAYMOVE | DONTUNMAP, 400), -EFAULT);
	assert_int_equal(page_of(st, remap(st, 300, 14, 14, MAYMOVE, 400)), 300);
	st_free(st);
}

static void test_dontunmap(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long c0, c1, lck;
	unsigned long f;

	(void)state;
	c0 = meminfo_kb(st, "Committed_AS");
	map_at(st, 0, 256, RW, ANON);
	c1 = meminfo_kb(st, "Committed_AS");
	assert_int_equal(c1 - c0, 1024);
	for (long i = 0; i < 16; i++)
		write_byte(st, i, 1);
	assert_int_equal(page_of(st, remap(st, 0, 256, 256, MAYMOVE | DONTUNMAP, 1000)), 1000);
	assert_layout(st, "[0,256) rw-p [1000,1256) rw-p");
	/* The copy is charged in full; the old VMA keeps its own charge. */
	assert_int_equal(meminfo_kb(st, "Committed_AS") - c1, 1024);
	assert_string_equal(vmflags(st, 0), "rd wr mr mw me ac");
	assert_int_equal(smaps_kb(st, 0, "Rss"), 0);
	assert_int_equal(smaps_kb(st, 1000, "Rss"), 64);
	assert_int_equal(read_byte(st, 1000), 1);
	/* The old range faults in fresh zeroed pages. */
	f = minflt(st);
	assert_int_equal(read_byte(st, 0), 0);
	assert_int_equal(minflt(st) - f, 1);
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), 256 * PG), 0);
	assert_int_equal(meminfo_kb(st, "Committed_AS") - c1, 0);
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(1000), 256 * PG), 0);
	assert_int_equal(meminfo_kb(st, "Committed_AS"), c0);

	/* Part of a VMA. */
	map_at(st, 0, 16, RW, ANON);
	assert_int_equal(touch(st, 0, 16, 1), 0);
	assert_int_equal(page_of(st, remap(st, 4, 4, 4, MAYMOVE | DONTUNMAP, 1000)), 1000);
	assert_layout(st, "[0,16) rw-p [1000,1004) rw-p");
	assert_int_equal(smaps_kb(st, 0, "Rss"), 48);

	/* Shared memory too (any mapping but VM_DONTEXPAND / VM_PFNMAP since 5.13). */
	map_at(st, 100, 4, RW, SHANON);
	write_byte(st, 100, 9);
	assert_int_equal(page_of(st, remap(st, 100, 4, 4, MAYMOVE | DONTUNMAP, 2000)), 2000);
	assert_int_equal(read_byte(st, 2000), 9);
	assert_int_equal(read_byte(st, 100), 9);

	/* A locked source: the old VMA is no longer locked, the copy is. */
	map_at(st, 200, 4, RW, ANON | MMSIM_MAP_LOCKED);
	lck = status_kb(st, "VmLck");
	assert_int_equal(page_of(st, remap(st, 200, 4, 4, MAYMOVE | DONTUNMAP, 3000)), 3000);
	assert_string_equal(vmflags(st, 200), "rd wr mr mw me ac");
	assert_string_equal(vmflags(st, 3000), "rd wr mr mw me lo ac");
	assert_int_equal(status_kb(st, "VmLck"), lck);
	assert_int_equal(smaps_kb(st, 3000, "Locked"), 16);
	st_free(st);
}

/*
 * Linux 6.18 charges the delta of a move that shrinks (MREMAP_FIXED with
 * new_len < old_len) once more after the shrink gave it back: those pages
 * stay in Committed_AS after everything is unmapped (host: 7000 -> 1000
 * pages leaves 24000 kB).
 */
static void test_shrinking_move_commit(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long c0;

	(void)state;
	c0 = meminfo_kb(st, "Committed_AS");
	map_at(st, 0, 700, RW, ANON);
	assert_int_equal(meminfo_kb(st, "Committed_AS") - c0, 2800);
	assert_int_equal(page_of(st, remap(st, 0, 700, 100, MAYMOVE | FIXED, 2000)), 2000);
	assert_int_equal(meminfo_kb(st, "Committed_AS") - c0, 2800);
	assert_int_equal(mmsim_munmap(st->m, st->pid, A(2000), 100 * PG), 0);
	assert_int_equal(meminfo_kb(st, "Committed_AS") - c0, 2400);
	st_free(st);
}

/* A locked mapping that grows is populated; VmLck counts the growth. */
static void test_grow_locked(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");

	(void)state;
	map_at(st, 0, 4, RW, ANON | MMSIM_MAP_LOCKED);
	assert_int_equal(status_kb(st, "VmLck"), 16);
	assert_int_equal(page_of(st, remap(st, 0, 4, 8, 0, -1)), 0);
	assert_int_equal(status_kb(st, "VmLck"), 32);
	assert_int_equal(smaps_kb(st, 0, "Rss"), 32);
	assert_int_equal(meminfo_kb(st, "Mlocked"), 32);
	/* Moved by growing: still locked, all resident. */
	map_at(st, 8, 4, MMSIM_PROT_READ, ANON);
	{
		int64_t r = remap(st, 0, 8, 12, MAYMOVE, -1);
		long to = page_of(st, r);

		assert_true(r > 0);
		assert_int_equal(status_kb(st, "VmLck"), 48);
		assert_int_equal(meminfo_kb(st, "Mlocked"), 48);
		(void)to;
	}
	st_free(st);
}

/* A 2 MiB-aligned move takes the pte table along: no new table at the destination. */
static void test_move_pte_table(void **state)
{
	struct st *st = st_new("mem=256M cpus=2");
	long pte0;

	(void)state;
	map_at(st, 0, 512, RW, ANON);
	assert_int_equal(touch(st, 0, 512, 1), 0);
	pte0 = status_kb(st, "VmPTE");
	assert_int_equal(page_of(st, remap(st, 0, 512, 512, MAYMOVE | FIXED, 2048)), 2048);
	assert_int_equal(status_kb(st, "VmPTE"), pte0);
	assert_int_equal(smaps_kb(st, 2048, "Rss"), 2048);
	/* Not aligned: ptes move into a new table; the old one goes with the unmap. */
	assert_int_equal(page_of(st, remap(st, 2048, 512, 512, MAYMOVE | FIXED, 3000)), 3000);
	assert_int_equal(smaps_kb(st, 3000, "Rss"), 2048);
	assert_int_equal(touch(st, 3000, 512, 1), 0);
	st_free(st);
}

/*
 * Fault sweep: fail the Nth page or slab allocation of a move that must
 * allocate (VMA, anon_vma chains, two pte tables at the destination, so
 * a failure can come after half the ptes moved and they must move back).
 * Each call either succeeds with the data at the new place or fails with
 * -ENOMEM leaving the old mapping whole; the validators pass after each.
 */
static void test_move_fault_sweep(void **state)
{
	static const char *const kinds[] = { "page", "slab" };

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct st *st = st_new("mem=256M cpus=2");
		bool succeeded = false;

		for (unsigned long n = 1; n < 64 && !succeeded; n++) {
			int64_t r;

			map_at(st, 0, 16, RW, ANON);
			map_at(st, 16, 4, MMSIM_PROT_READ, ANON);
			for (long i = 0; i < 16; i++)
				write_byte(st, i, (unsigned char)(i + 1));
			mmsim_fail_nth(st->m, kinds[k], n, 0);
			/* Across a pte-table boundary: the second table can fail mid-move. */
			r = mmsim_mremap(st->m, st->pid, A(0), 16 * PG, 32 * PG, MAYMOVE | FIXED,
					 A(1016));
			mmsim_fail_nth(st->m, kinds[k], 0, 0);
			check_machine(st->m);
			if (r < 0) {
				assert_int_equal(r, -ENOMEM);
				assert_layout(st, "[0,16) rw-p [16,20) r--p");
				for (long i = 0; i < 16; i++)
					assert_int_equal(read_byte(st, i), i + 1);
			} else {
				struct mmsim_fault f;
				unsigned char v;

				succeeded = true;
				for (long i = 0; i < 16; i++) {
					assert_int_equal(mmsim_read(st->m, st->pid, (uint64_t)r + i * PG,
								    &v, 1, &f), 0);
					assert_int_equal(v, i + 1);
				}
				assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)r, 32 * PG), 0);
			}
			assert_int_equal(mmsim_munmap(st->m, st->pid, A(0), 20 * PG), 0);
			check_machine(st->m);
		}
		assert_true(succeeded);
		st_free(st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errno),
		cmocka_unit_test(test_shrink),
		cmocka_unit_test(test_grow_in_place),
		cmocka_unit_test(test_move_keeps_pages),
		cmocka_unit_test(test_move_fixed),
		cmocka_unit_test(test_move_merges),
		cmocka_unit_test(test_move_several),
		cmocka_unit_test(test_dontunmap),
		cmocka_unit_test(test_shrinking_move_commit),
		cmocka_unit_test(test_grow_locked),
		cmocka_unit_test(test_move_pte_table),
		cmocka_unit_test(test_move_fault_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
