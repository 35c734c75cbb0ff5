/*
 * test_vma.c - the VMA tree and the mmap core (mm/vma.c, mm/mmap.c):
 * the augmented tree against brute force (lookups and the gap search,
 * after every random link/unlink), Linux 6.18's merge and split rules
 * (neighbours, flags, fork children's anon_vmas, VM_SPECIAL, pgoff after
 * splits), vma_modify_flags' three outcomes, get_unmapped_area's top-down
 * layout (2 MiB alignment of large anonymous mappings, hints, the stack
 * guard gap, the bottom-up fallback), the layout of a new mm, the errno of
 * bad mmap/munmap calls, brk, max_map_count, overcommit in its three
 * modes with Committed_AS, stack growth, and exit giving everything back.
 *
 * Expected addresses and errno values are the host kernel's (Linux 6.18,
 * an unprivileged process, THP compiled in, ASLR off), measured with the
 * same calls at the same relative layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "harness.h"
#include "memory.h"
#include "mman.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "tlbflush.h"
#include "vma.h"

#define PG	4096UL
#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS)
#define M2	(2UL << 20)
/* A playground far from the image, the heap and the mmap area. */
#define BASE	0x7f0000000000UL
#define P(n)	(BASE + (unsigned long)(n) * PG)

struct env {
	struct machine *m;
	struct task_struct *t;
	bool own_paging, own_tlb;
};

/* Boot, and (while boot does not do it yet) the page tables and TLBs processes need. */
static struct env *env_new(const char *options)
{
	struct env *e = calloc(1, sizeof(*e));
	int err = 0;

	e->m = test_boot(options);
	if (!e->m->init_mm) {
		assert_int_equal(paging_init(e->m), 0);
		e->own_paging = true;
	}
	if (!e->m->tlbstate) {
		assert_int_equal(tlb_init(e->m), 0);
		e->own_tlb = true;
	}
	e->t = task_spawn(e->m, "vmatest", &err);
	assert_non_null(e->t);
	assert_int_equal(validate_mm(e->t->mm), 0);
	return e;
}

static void env_free(struct env *e)
{
	check_machine(e->m);
	exit_all_tasks(e->m);
	if (e->own_tlb)
		tlb_exit(e->m);
	if (e->own_paging)
		paging_exit(e->m);
	mmsim_shutdown(e->m);
	free(e);
}

static void check(struct env *e)
{
	assert_int_equal(validate_mm(e->t->mm), 0);
}

static long do_map(struct env *e, unsigned long addr, unsigned long len, unsigned long prot,
		   unsigned long flags)
{
	return sys_mmap(e->t, addr, len, prot, flags, NULL, 0);
}

static void map_fixed(struct env *e, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags)
{
	assert_int_equal(do_map(e, addr, len, prot, flags | MAP_FIXED), (long)addr);
	check(e);
}

/* The VMAs meeting [lo, hi) as "start-end" page numbers relative to BASE. */
static const char *layout(struct mm_struct *mm, unsigned long lo, unsigned long hi)
{
	static char buf[1024];
	struct vm_area_struct *vma;
	size_t n = 0;

	buf[0] = 0;
	for_each_vma(mm, vma) {
		if (vma->vm_end <= lo || vma->vm_start >= hi)
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%ld-%ld", n ? " " : "",
				      (long)(vma->vm_start - BASE) / (long)PG,
				      (long)(vma->vm_end - BASE) / (long)PG);
	}
	return buf;
}

#define assert_layout(e, lo, hi, want) \
	assert_string_equal(layout((e)->t->mm, P(lo), P(hi)), want)

/* ---------------------------------------------------------------------- */
/* The tree against brute force                                            */
/* ---------------------------------------------------------------------- */

#define TREE_LO	0x100000000UL
#define TREE_HI	0x300000000UL

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* All VMAs' [start, end) in order, brute force. */
static int collect(struct mm_struct *mm, unsigned long (*r)[2], int max)
{
	struct vm_area_struct *vma;
	int n = 0;

	for_each_vma(mm, vma) {
		assert_true(n < max);
		r[n][0] = vma->vm_start;
		r[n][1] = vma->vm_end;
		n++;
	}
	return n;
}

/* The free ranges clamped to [low, high), highest (or lowest) of length. */
static unsigned long brute_gap(unsigned long (*r)[2], int n, unsigned long low,
			       unsigned long high, unsigned long len, bool topdown)
{
	unsigned long best = -ENOMEM;

	for (int i = 0; i <= n; i++) {
		unsigned long gs = i ? r[i - 1][1] : 0, ge = i < n ? r[i][0] : ~0UL;
		unsigned long lo = max(gs, low), hi = min(ge, high);

		if (hi <= lo || hi - lo < len)
			continue;
		if (topdown)
			best = hi - len;	/* later gaps are higher */
		else
			return lo;
	}
	return best;
}

static void test_tree_random(void **state)
{
	enum { SLOTS = 400, OPS = 1500 };
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;
	struct vm_area_struct *slot[SLOTS] = { 0 };
	static unsigned long r[SLOTS + 64][2];

	(void)state;
	srand(7);
	spin_lock(&mm->mmap_lock);
	for (int op = 0; op < OPS; op++) {
		int i = rand() % SLOTS, n;
		/* slot i owns [TREE_LO + i*16 pages, +16): sizes vary inside it */
		unsigned long s = TREE_LO + (unsigned long)i * 16 * PG;

		if (slot[i]) {
			vm_stat_account(mm, slot[i]->vm_flags, -(long)vma_pages(slot[i]));
			vma_unlink(mm, slot[i]);
			vm_area_free(slot[i]);
			slot[i] = NULL;
		} else {
			struct vm_area_struct *v = vm_area_alloc(mm);
			unsigned long off = (unsigned long)(rand() % 8) * PG;

			assert_non_null(v);
			v->vm_start = s + off;
			v->vm_end = v->vm_start + (unsigned long)(1 + rand() % 8) * PG;
			v->vm_flags = VM_READ | VM_MAYREAD;
			v->vm_pgoff = v->vm_start >> PAGE_SHIFT;
			vma_link(mm, v);
			vm_stat_account(mm, v->vm_flags, (long)vma_pages(v));
			slot[i] = v;
		}
		assert_int_equal(validate_mm(mm), 0);
		n = collect(mm, r, SLOTS + 64);
		/* lookups */
		for (int k = 0; k < 8; k++) {
			unsigned long a = TREE_LO + (unsigned long)(rand() % (SLOTS * 16)) * PG +
					  (unsigned long)(rand() % 4096);
			struct vm_area_struct *v = find_vma(mm, a);
			int j = 0;

			while (j < n && r[j][1] <= a)
				j++;
			if (j == n)
				assert_null(v);
			else
				assert_true(v && v->vm_start == r[j][0]);
			assert_ptr_equal(vma_lookup(mm, a), v && v->vm_start <= a ? v : NULL);
		}
		/* the gap search, both directions, random windows */
		for (int k = 0; k < 6; k++) {
			unsigned long low = TREE_LO + (unsigned long)(rand() % (SLOTS * 16)) * PG;
			unsigned long high = low + (unsigned long)(rand() % (SLOTS * 8) + 1) * PG;
			unsigned long len = (unsigned long)(1 + rand() % 12) * PG;
			struct vm_unmapped_area_info info = {
				.length = len, .low_limit = low, .high_limit = high,
			};

			assert_int_equal(vm_unmapped_area(mm, &info),
					 brute_gap(r, n, low, high, len, false));
			info.flags = VM_UNMAPPED_AREA_TOPDOWN;
			assert_int_equal(vm_unmapped_area(mm, &info),
					 brute_gap(r, n, low, high, len, true));
		}
	}
	for (int i = 0; i < SLOTS; i++) {
		if (!slot[i])
			continue;
		vm_stat_account(mm, slot[i]->vm_flags, -(long)vma_pages(slot[i]));
		vma_unlink(mm, slot[i]);
		vm_area_free(slot[i]);
	}
	spin_unlock(&mm->mmap_lock);
	(void)cmp_ul;
	env_free(e);
}

/* ---------------------------------------------------------------------- */
/* Merge and split rules                                                   */
/* ---------------------------------------------------------------------- */

static void test_merge_new_ranges(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;
	int count;

	(void)state;
	map_fixed(e, P(16), 2 * PG, RW, ANON);
	map_fixed(e, P(14), 2 * PG, RW, ANON);		/* below: merges */
	map_fixed(e, P(18), PG, RW, ANON);		/* above: merges */
	assert_layout(e, 0, 100, "14-19");
	assert_int_equal(find_vma(mm, P(14))->vm_pgoff, P(14) >> PAGE_SHIFT);
	map_fixed(e, P(19), PG, PROT_READ, ANON);	/* other protection */
	map_fixed(e, P(20), PG, RW, ANON | MAP_NORESERVE);	/* no VM_ACCOUNT */
	map_fixed(e, P(21), PG, RW, MAP_SHARED | MAP_ANONYMOUS);	/* shmem */
	map_fixed(e, P(22), PG, RW, MAP_SHARED | MAP_ANONYMOUS);	/* another object */
	map_fixed(e, P(23), PG, RW, ANON | MAP_STACK);	/* VM_NOHUGEPAGE */
	map_fixed(e, P(24), PG, RW, ANON);
	assert_layout(e, 0, 100, "14-19 19-20 20-21 21-22 22-23 23-24 24-25");
	assert_true(find_vma(mm, P(23))->vm_flags & VM_NOHUGEPAGE);
	assert_true(find_vma(mm, P(20))->vm_flags & VM_NORESERVE);
	assert_false(find_vma(mm, P(20))->vm_flags & VM_ACCOUNT);
	assert_true(find_vma(mm, P(14))->vm_flags & VM_ACCOUNT);
	assert_true(find_vma(mm, P(14))->vm_flags & VM_SOFTDIRTY);
	assert_string_equal(find_vma(mm, P(21))->vm_file->path, "/dev/zero (deleted)");
	assert_int_equal(find_vma(mm, P(21))->vm_pgoff, 0);

	/* Filling the hole between two compatible VMAs joins all three. */
	map_fixed(e, P(30), PG, RW, ANON);
	map_fixed(e, P(32), PG, RW, ANON);
	count = mm->map_count;
	map_fixed(e, P(31), PG, RW, ANON);
	assert_int_equal(mm->map_count, count - 1);
	assert_layout(e, 30, 40, "30-33");

	/* MAP_FIXED over the middle of a VMA: split, replace, no merge (other prot). */
	map_fixed(e, P(40), 10 * PG, RW, ANON);
	map_fixed(e, P(43), 2 * PG, PROT_READ, ANON);
	assert_layout(e, 40, 50, "40-43 43-45 45-50");
	/* ...and again with the same protection: it merges back into one. */
	map_fixed(e, P(43), 2 * PG, RW, ANON);
	assert_layout(e, 40, 50, "40-50");
	env_free(e);
}

/* Linux 6.18: a VMA whose anon_vma came through fork lends it to no new neighbour. */
static void test_merge_fork_child(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct task_struct *child, *parent = e->t;
	struct mmsim_fault f;
	int err = 0;

	(void)state;
	map_fixed(e, P(10), 2 * PG, RW, ANON);
	map_fixed(e, P(20), 2 * PG, RW, ANON);
	assert_int_equal(mmsim_touch(e->m, parent->pid, P(10), PG, 1, &f), 0);
	assert_non_null(find_vma(parent->mm, P(10))->anon_vma);
	assert_null(find_vma(parent->mm, P(20))->anon_vma);
	child = do_fork(parent, 0, &err);
	assert_non_null(child);
	e->t = child;
	assert_false(list_is_singular(&find_vma(child->mm, P(10))->anon_vma_chain));
	map_fixed(e, P(8), 2 * PG, RW, ANON);
	map_fixed(e, P(12), PG, RW, ANON);
	map_fixed(e, P(22), PG, RW, ANON);	/* unfaulted: merges */
	assert_layout(e, 0, 100, "8-10 10-12 12-13 20-23");
	/* In the parent the same calls merge (its anon_vma is its own). */
	e->t = parent;
	map_fixed(e, P(8), 2 * PG, RW, ANON);
	map_fixed(e, P(12), PG, RW, ANON);
	assert_layout(e, 0, 100, "8-13 20-22");
	env_free(e);
}

static void test_merge_special_and_pgoff(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;
	struct vm_area_struct *prev, *next, *v;
	vm_flags_t f;

	(void)state;
	map_fixed(e, P(10), 2 * PG, RW, ANON);
	map_fixed(e, P(13), 2 * PG, RW, ANON);
	prev = find_vma(mm, P(10));
	next = find_vma(mm, P(13));
	f = prev->vm_flags & ~VM_SOFTDIRTY;
	spin_lock(&mm->mmap_lock);
	/* VM_SPECIAL never merges. */
	assert_null(vma_merge_new_range(mm, prev, next, P(12), P(13), f | VM_IO, NULL,
					P(12) >> PAGE_SHIFT));
	/* Non-contiguous pgoff does not either. */
	assert_null(vma_merge_new_range(mm, prev, next, P(12), P(13), f, NULL, 5));
	/* The right pgoff joins all three. */
	v = vma_merge_new_range(mm, prev, next, P(12), P(13), f, NULL, P(12) >> PAGE_SHIFT);
	assert_ptr_equal(v, prev);
	assert_int_equal(v->vm_end, P(15));
	vm_stat_account(mm, f, 1);
	spin_unlock(&mm->mmap_lock);
	assert_layout(e, 0, 100, "10-15");
	check(e);

	/* Splits keep pgoff linear; split_vma is bounded by max_map_count. */
	spin_lock(&mm->mmap_lock);
	assert_int_equal(split_vma(v, P(12), 1), 0);
	assert_int_equal(find_vma(mm, P(10))->vm_pgoff, P(10) >> PAGE_SHIFT);
	assert_int_equal(find_vma(mm, P(12))->vm_pgoff, P(12) >> PAGE_SHIFT);
	assert_int_equal(split_vma(find_vma(mm, P(12)), P(14), 0), 0);
	assert_int_equal(find_vma(mm, P(14))->vm_pgoff, P(14) >> PAGE_SHIFT);
	e->m->sysctl.max_map_count = mm->map_count;
	assert_int_equal(split_vma(find_vma(mm, P(12)), P(13), 0), -ENOMEM);
	assert_int_equal(__split_vma(find_vma(mm, P(12)), P(13), 0), 0);
	e->m->sysctl.max_map_count = 65530;
	spin_unlock(&mm->mmap_lock);
	assert_layout(e, 0, 100, "10-12 12-13 13-14 14-15");
	check(e);
	env_free(e);
}

/* vma_modify_flags: split, merge back, merge into a neighbour at either edge. */
static void test_modify_flags(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;
	struct vm_area_struct *v;
	struct mmsim_fault f;
	vm_flags_t base;

	(void)state;
	map_fixed(e, P(60), 10 * PG, RW, ANON);
	assert_int_equal(mmsim_touch(e->m, e->t->pid, P(60), 10 * PG, 1, &f), 0);
	v = find_vma(mm, P(60));
	base = v->vm_flags;
	spin_lock(&mm->mmap_lock);
	/* The middle: three VMAs, pgoff linear, the anon_vma shared. */
	v = vma_modify_flags(NULL, v, P(63), P(66), base | VM_DONTCOPY);
	assert_false(IS_ERR(v));
	assert_int_equal(v->vm_start, P(63));
	assert_int_equal(v->vm_end, P(66));
	assert_int_equal(v->vm_flags, base | VM_DONTCOPY);
	assert_int_equal(v->vm_pgoff, P(63) >> PAGE_SHIFT);
	assert_ptr_equal(v->anon_vma, find_vma(mm, P(60))->anon_vma);
	spin_unlock(&mm->mmap_lock);
	assert_layout(e, 0, 100, "60-63 63-66 66-70");
	check(e);
	spin_lock(&mm->mmap_lock);
	/* Back: everything merges into prev. */
	v = vma_modify_flags(NULL, v, P(63), P(66), base);
	assert_int_equal(v->vm_start, P(60));
	assert_int_equal(v->vm_end, P(70));
	/* The left edge joins prev (prev grows, middle shrinks from below). */
	v = vma_modify_flags(NULL, v, P(60), P(64), base | VM_DONTCOPY);
	v = vma_modify_flags(NULL, find_vma(mm, P(64)), P(64), P(66), base | VM_DONTCOPY);
	assert_int_equal(v->vm_start, P(60));
	assert_int_equal(v->vm_end, P(66));
	assert_int_equal(find_vma(mm, P(66))->vm_pgoff, P(66) >> PAGE_SHIFT);
	/* The right edge joins next (next grows down, middle shrinks). */
	v = vma_modify_flags(NULL, find_vma(mm, P(60)), P(64), P(66), base);
	assert_int_equal(v->vm_start, P(64));
	assert_int_equal(v->vm_end, P(70));
	assert_int_equal(v->vm_pgoff, P(64) >> PAGE_SHIFT);
	assert_int_equal(find_vma(mm, P(60))->vm_end, P(64));
	spin_unlock(&mm->mmap_lock);
	assert_layout(e, 0, 100, "60-64 64-70");
	check(e);
	assert_int_equal(validate_rmap(e->m), 0);
	/* At max_map_count a split in the middle is refused. */
	e->m->sysctl.max_map_count = mm->map_count;
	spin_lock(&mm->mmap_lock);
	v = vma_modify_flags(NULL, find_vma(mm, P(64)), P(65), P(66), base | VM_DONTCOPY);
	spin_unlock(&mm->mmap_lock);
	assert_true(IS_ERR(v) && PTR_ERR(v) == -ENOMEM);
	env_free(e);
}

/* ---------------------------------------------------------------------- */
/* Layout and get_unmapped_area                                            */
/* ---------------------------------------------------------------------- */

static void test_layout(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;

	(void)state;
	/* 47 bits, no ASLR: task_size - 128 MiB (gap = 8 MiB + 1 MiB < 128 MiB). */
	assert_int_equal(mm->task_size, (1UL << 47) - PG);
	assert_int_equal(mm->mmap_base, 0x7ffff7fff000UL);
	assert_int_equal(mm->mmap_legacy_base, 0x2aaaaaaab000UL);
	env_free(e);

	e = env_new("mem=256M cpus=2 pgtable_levels=5");
	mm = e->t->mm;
	assert_int_equal(mm->task_size, (1UL << 56) - PG);
	assert_int_equal(mm->mmap_base, 0x7ffff7fff000UL);	/* the 47-bit window */
	/* Above the window only on request: MAP_FIXED or a hint up there. */
	assert_int_equal(do_map(e, 1UL << 50, PG, RW, ANON), (long)(1UL << 50));
	assert_int_equal(do_map(e, 1UL << 47, PG, RW, ANON | MAP_FIXED), (long)(1UL << 47));
	check(e);
	env_free(e);

	e = env_new("mem=256M cpus=2 aslr=1 seed=5");
	mm = e->t->mm;
	assert_true(mm->mmap_base < 0x7ffff7fff000UL - (16UL << 30));
	assert_true(mm->mmap_base >= 0x7ffff7fff000UL - (16UL << 30) - (1UL << 40));
	assert_int_equal(mm->mmap_base & (PG - 1), 0);
	assert_true(mm->mmap_legacy_base >= 0x2aaaaaaab000UL);
	env_free(e);
}

/* The host's sequence: two pages, 2 MiB, 4 MiB, 3 MiB, shared 2 MiB, a MAP_STACK pair. */
static void test_topdown_sequence(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;
	unsigned long a, b, c, d, x, s, st, ret, top;

	(void)state;
	top = find_vma(mm, mm->mmap_base - 1)->vm_start;	/* the vDSO area's bottom */
	while (vma_prev(find_vma(mm, top)) &&
	       vma_prev(find_vma(mm, top))->vm_end == top)
		top = vma_prev(find_vma(mm, top))->vm_start;
	a = (unsigned long)do_map(e, 0, PG, RW, ANON);
	b = (unsigned long)do_map(e, 0, PG, RW, ANON);
	assert_int_equal(a, top - PG);
	assert_int_equal(b, a - PG);
	c = (unsigned long)do_map(e, 0, M2, RW, ANON);
	ret = b - 2 * M2;	/* searched with 2 MiB of padding, then aligned up */
	assert_int_equal(c, (ret & (M2 - 1)) ? ALIGN(ret, M2) : ret + M2);
	d = (unsigned long)do_map(e, 0, 2 * M2, RW, ANON);
	ret = c - 3 * M2;
	assert_int_equal(d, (ret & (M2 - 1)) ? ALIGN(ret, M2) : ret + M2);
	x = (unsigned long)do_map(e, 0, 3UL << 20, RW, ANON);	/* not a 2 MiB multiple */
	assert_int_equal(x, d - (3UL << 20));
	s = (unsigned long)do_map(e, 0, M2, RW, MAP_SHARED | MAP_ANONYMOUS);	/* shmem: plain */
	assert_int_equal(s, x - M2);
	st = (unsigned long)do_map(e, 0, 2 * PG, RW, ANON | MAP_STACK);
	assert_true(b - (c + M2) >= 2 * PG);
	assert_int_equal(st, b - 2 * PG);
	/* a+b one VMA; c, d and x one VMA (adjacent, same flags); st apart. */
	assert_int_equal(find_vma(mm, a)->vm_start, b);
	assert_int_equal(find_vma(mm, c)->vm_start, x);
	assert_int_equal(find_vma(mm, x)->vm_end, c + M2);
	assert_int_equal(find_vma(mm, st)->vm_end, b);
	check(e);
	env_free(e);
}

static void test_hints_and_guard_gap(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;
	unsigned long g, n, h, top, r;

	(void)state;
	/* A free hint is honoured, an occupied one is not (top-down instead). */
	assert_int_equal(do_map(e, P(100), PG, RW, ANON), (long)P(100));
	r = (unsigned long)do_map(e, P(100), PG, RW, ANON);
	assert_true(r != P(100) && r > P(100));
	/* Below mmap_min_addr a hint moves up to it. */
	assert_int_equal(do_map(e, 0x1000, PG, RW, ANON), 0x10000);
	/* An unaligned hint is rounded down. */
	assert_int_equal(do_map(e, P(200) + 123, PG, RW, ANON), (long)P(200));

	/* A growsdown mapping keeps 1 MiB free below it. */
	top = (unsigned long)do_map(e, 0, PG, RW, ANON);
	assert_int_equal(sys_munmap(e->t, top, PG), 0);
	g = (unsigned long)do_map(e, 0, PG, RW, ANON | MAP_GROWSDOWN);
	assert_int_equal(g, top);
	assert_int_equal(find_vma(mm, g)->vm_flags & VM_GROWSDOWN, VM_GROWSDOWN);
	n = (unsigned long)do_map(e, 0, PG, RW, ANON);
	assert_int_equal(n, g - STACK_GUARD_GAP - PG);
	h = (unsigned long)do_map(e, g - 2 * PG, PG, PROT_READ, ANON);	/* in the gap */
	assert_int_equal(h, n - PG);
	check(e);

	/* Top-down failing falls back to bottom-up from mmap_legacy_base. */
	r = find_vma(mm, mm->mmap_base - 1)->vm_start;
	while (find_vma(mm, r - 1) && find_vma(mm, r - 1)->vm_end == r)
		r = find_vma(mm, r - 1)->vm_start;
	assert_int_equal(do_map(e, 16UL << 20, r - (16UL << 20), PROT_NONE,
				ANON | MAP_FIXED | MAP_NORESERVE), (long)(16UL << 20));
	assert_int_equal(do_map(e, 0, (64UL << 20) - PG, RW, ANON | MAP_NORESERVE),
			 (long)mm->mmap_base);
	/* A 2 MiB multiple goes through the padded search: aligned above it. */
	r = (unsigned long)do_map(e, 0, 16UL << 20, RW, ANON | MAP_NORESERVE);
	assert_int_equal(r, ALIGN(mm->mmap_base + (64UL << 20) - PG, M2));
	/* Nothing left that large: ENOMEM. */
	assert_int_equal(do_map(e, 0, 200UL << 20, RW, ANON | MAP_NORESERVE), -ENOMEM);
	check(e);
	env_free(e);
}

/* ---------------------------------------------------------------------- */
/* errno                                                                   */
/* ---------------------------------------------------------------------- */

static void test_mmap_errno(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct task_struct *t = e->t;
	struct mm_struct *mm = t->mm;
	unsigned long populate, a;

	(void)state;
	a = (unsigned long)do_map(e, 0, PG, RW, ANON);
	assert_int_equal(do_map(e, 0, 0, PROT_READ, ANON), -EINVAL);
	assert_int_equal(do_map(e, 0, PG, PROT_READ, MAP_ANONYMOUS), -EINVAL);
	assert_int_equal(do_map(e, 0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS), -EINVAL);
	assert_true(do_map(e, 0, PG, PROT_READ, ANON | 0x800000) > 0);	/* unknown flag ignored */
	assert_int_equal(do_map(e, 0x10001, PG, PROT_READ, ANON | MAP_FIXED), -EINVAL);
	assert_int_equal(do_map(e, 0, PG, PROT_READ, ANON | MAP_FIXED), -EPERM);
	assert_int_equal(do_map(e, 0x1000, PG, PROT_READ, ANON | MAP_FIXED), -EPERM);
	assert_int_equal(do_map(e, 0, -PG, PROT_READ, ANON), -ENOMEM);
	assert_int_equal(do_map(e, 0, ~0UL, PROT_READ, ANON), -ENOMEM);
	assert_int_equal(do_map(e, 0, 1UL << 47, PROT_READ, ANON), -ENOMEM);
	assert_int_equal(do_map(e, 0, (1UL << 47) - PG, PROT_READ, ANON | MAP_NORESERVE), -ENOMEM);
	assert_int_equal(sys_mmap(t, 0, PG, PROT_READ, MAP_PRIVATE, NULL, 0), -EBADF);
	assert_int_equal(sys_mmap(t, 0, PG, PROT_READ, ANON, NULL, 1), -EINVAL);
	assert_true(sys_mmap(t, 0, PG, PROT_READ, ANON, NULL, PG) > 0);
	assert_true(sys_mmap(t, 0, PG, PROT_READ, ANON, NULL, -PG) > 0);
	assert_int_equal(do_map(e, a, PG, PROT_READ, ANON | MAP_FIXED_NOREPLACE), -EEXIST);
	assert_int_equal(do_map(e, 1UL << 47, PG, PROT_READ, ANON | MAP_FIXED), -ENOMEM);
	assert_int_equal(do_map(e, (1UL << 47) - PG, PG, PROT_READ, ANON | MAP_FIXED), -ENOMEM);
	assert_int_equal(do_map(e, 0, PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN),
			 -EINVAL);
	assert_int_equal(do_map(e, 0, PG, PROT_READ, ANON | MAP_HUGETLB), -ENOMEM);
	assert_true(do_map(e, 0, PG, PROT_READ, ANON | MAP_SYNC) > 0);
	assert_int_equal(do_map(e, 0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | MAP_SYNC),
			 -EINVAL);
	assert_true(do_map(e, 0, PG, 0x10 /* PROT_SEM */, ANON) > 0);
	assert_int_equal(do_map(e, 0, PG, PROT_READ, 0x0f | MAP_ANONYMOUS), -EINVAL);
	/* MAP_DROPPABLE (6.11+): "nr wf dd dp" in the host's smaps, uncharged. */
	populate = (unsigned long)do_map(e, 0, PG, RW, MAP_DROPPABLE | MAP_ANONYMOUS);
	assert_false(IS_ERR_VALUE(populate));
	assert_int_equal(find_vma(mm, populate)->vm_flags &
			 (VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP | VM_ACCOUNT),
			 VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP);
	assert_int_equal(do_map(e, 0, PG, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_LOCKED), -EINVAL);
	assert_int_equal(do_map(e, 0, PG, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_GROWSDOWN),
			 -EINVAL);
	/* MAP_LOCKED beyond RLIMIT_MEMLOCK (8 MiB, unprivileged) */
	assert_int_equal(do_map(e, 0, 9UL << 20, RW, ANON | MAP_LOCKED), -EAGAIN);
	/* pgoff + len wrapping (do_mmap: not reachable through sys_mmap's offset) */
	spin_lock(&mm->mmap_lock);
	assert_int_equal(do_mmap(t, NULL, 0, 2 * PG, PROT_READ, ANON, 0, ~0UL, &populate),
			 -EOVERFLOW);
	spin_unlock(&mm->mmap_lock);

	assert_int_equal(sys_munmap(t, 0, 0), -EINVAL);
	assert_int_equal(sys_munmap(t, 1, PG), -EINVAL);
	assert_int_equal(sys_munmap(t, 1UL << 47, PG), -EINVAL);
	assert_int_equal(sys_munmap(t, a, -PG), -EINVAL);
	assert_int_equal(sys_munmap(t, 0x1000, PG), 0);		/* nothing there */
	assert_int_equal(sys_munmap(t, a, 1), 0);		/* length rounds up */
	assert_null(find_vma_intersection(mm, a, a + PG));
	check(e);
	env_free(e);
}

static void test_populate_and_locked(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;
	unsigned long rss = get_mm_rss(mm), locked = mm->locked_vm;
	long a;

	(void)state;
	a = do_map(e, 0, 8 * PG, RW, ANON | MAP_POPULATE);
	assert_true(a > 0);
	assert_int_equal(get_mm_rss(mm), rss + 8);
	a = do_map(e, 0, 4 * PG, RW, ANON | MAP_LOCKED);
	assert_true(a > 0);
	assert_int_equal(mm->locked_vm, locked + 4);
	assert_true(find_vma(mm, (unsigned long)a)->vm_flags & VM_LOCKED);
	assert_int_equal(get_mm_rss(mm), rss + 12);
	assert_int_equal(sys_munmap(e->t, (unsigned long)a + PG, PG), 0);
	assert_int_equal(mm->locked_vm, locked + 3);
	assert_int_equal(get_mm_rss(mm), rss + 11);
	/* mlockall(MCL_FUTURE): def_flags makes new mappings locked and populated. */
	mm->def_flags |= VM_LOCKED;
	a = do_map(e, 0, 2 * PG, RW, ANON);
	assert_true(find_vma(mm, (unsigned long)a)->vm_flags & VM_LOCKED);
	assert_int_equal(get_mm_rss(mm), rss + 13);
	mm->def_flags &= ~VM_LOCKED;
	check(e);
	env_free(e);
}

/* ---------------------------------------------------------------------- */
/* brk                                                                     */
/* ---------------------------------------------------------------------- */

static void test_brk(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct task_struct *t = e->t, *child;
	struct mm_struct *mm = t->mm;
	unsigned long b0 = mm->start_brk;
	struct vm_area_struct *heap;
	struct mmsim_fault f;
	int count, err = 0;

	(void)state;
	assert_int_equal(sys_brk(t, 0), (long)b0);
	assert_int_equal(sys_brk(t, b0 - PG), (long)b0);	/* below start_brk */
	assert_int_equal(sys_brk(t, b0 + 0x5001), (long)(b0 + 0x5001));
	heap = find_vma(mm, b0);
	assert_int_equal(heap->vm_start, b0);
	assert_int_equal(heap->vm_end, b0 + 0x6000);
	assert_int_equal(heap->vm_flags & (VM_READ | VM_WRITE | VM_EXEC), VM_READ | VM_WRITE);
	count = mm->map_count;
	assert_int_equal(sys_brk(t, b0 + 0x9000), (long)(b0 + 0x9000));	/* grows in place */
	assert_int_equal(mm->map_count, count);
	assert_int_equal(find_vma(mm, b0)->vm_end, b0 + 0x9000);
	assert_int_equal(sys_brk(t, b0 + 0x2000), (long)(b0 + 0x2000));	/* shrinks */
	assert_int_equal(find_vma(mm, b0)->vm_end, b0 + 0x2000);
	check(e);

	/* A mapping above: the break may come up to one page below it. */
	map_fixed(e, b0 + 0x200000, PG, PROT_READ, ANON);
	assert_int_equal(sys_brk(t, b0 + 0x1ff000), (long)(b0 + 0x1ff000));
	assert_int_equal(sys_brk(t, b0 + 0x1ff001), (long)(b0 + 0x1ff000));
	/* ...and a growsdown one keeps its guard gap too. */
	assert_int_equal(sys_brk(t, b0 + 0xff000), (long)(b0 + 0xff000));
	assert_int_equal(sys_munmap(t, b0 + 0x200000, PG), 0);
	map_fixed(e, b0 + 0x200000, PG, RW, ANON | MAP_GROWSDOWN);
	assert_int_equal(sys_brk(t, b0 + 0x100000), (long)(b0 + 0xff000));
	assert_int_equal(sys_brk(t, b0 + 0xff000), (long)(b0 + 0xff000));
	check(e);

	/* Shrinking over an unmapped heap fails: the old break stays. */
	assert_int_equal(sys_munmap(t, b0, 0xff000), 0);
	assert_int_equal(sys_brk(t, b0), (long)(b0 + 0xff000));

	/* After fork, a heap faulted by the parent grows by a new VMA in the child. */
	assert_int_equal(sys_brk(t, b0 + 0x100000), (long)(b0 + 0xff000));	/* guard gap */
	assert_int_equal(sys_munmap(t, b0 + 0x200000, PG), 0);
	assert_int_equal(sys_brk(t, b0 + 0x100000), (long)(b0 + 0x100000));
	assert_int_equal(mmsim_touch(e->m, t->pid, b0 + 0xff000, PG, 1, &f), 0);
	child = do_fork(t, 0, &err);
	assert_non_null(child);
	count = child->mm->map_count;
	assert_int_equal(sys_brk(child, b0 + 0x102000), (long)(b0 + 0x102000));
	assert_int_equal(child->mm->map_count, count + 1);
	assert_int_equal(sys_brk(child, b0 + 0x104000), (long)(b0 + 0x104000));
	assert_int_equal(child->mm->map_count, count + 1);	/* the new one grows */
	assert_int_equal(sys_brk(t, b0 + 0x102000), (long)(b0 + 0x102000));
	assert_int_equal(find_vma(t->mm, b0 + 0xff000)->vm_end, b0 + 0x102000);
	assert_int_equal(validate_mm(child->mm), 0);
	check(e);
	env_free(e);
}

/* ---------------------------------------------------------------------- */
/* max_map_count                                                           */
/* ---------------------------------------------------------------------- */

static void test_max_map_count(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;

	(void)state;
	map_fixed(e, P(0), 10 * PG, RW, ANON);
	e->m->sysctl.max_map_count = mm->map_count;
	/* do_mmap refuses only above the limit: one more still fits. */
	map_fixed(e, P(20), PG, PROT_READ, ANON);
	assert_int_equal(do_map(e, P(30), PG, PROT_READ, ANON | MAP_FIXED), -ENOMEM);
	/* A hole in the middle would add one: refused. At an edge: fine. */
	assert_int_equal(sys_munmap(e->t, P(4), PG), -ENOMEM);
	assert_int_equal(sys_munmap(e->t, P(0), PG), 0);
	assert_layout(e, 0, 100, "1-10 20-21");
	/* MAP_FIXED inside a VMA at the limit: the same rule as munmap. */
	assert_int_equal(do_map(e, P(4), PG, PROT_READ, ANON | MAP_FIXED), -ENOMEM);
	e->m->sysctl.max_map_count = 65530;
	assert_int_equal(sys_munmap(e->t, P(4), PG), 0);
	assert_layout(e, 0, 100, "1-4 5-10 20-21");
	check(e);
	env_free(e);
}

/* ---------------------------------------------------------------------- */
/* Overcommit                                                              */
/* ---------------------------------------------------------------------- */

static unsigned long meminfo_kb(struct machine *m, const char *field)
{
	char *text = test_proc(m, "meminfo"), *p = strstr(text, field);
	unsigned long kb;

	assert_non_null(p);
	kb = strtoul(p + strlen(field), NULL, 10);
	free(text);
	return kb;
}

static void test_overcommit(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct machine *m = e->m;
	struct mm_struct *mm = e->t->mm;
	unsigned long c0 = vm_memory_committed(m), limit, allowed;
	char *log;
	long a, b;

	(void)state;
	assert_int_equal(meminfo_kb(m, "Committed_AS:"), c0 * 4);
	assert_int_equal(meminfo_kb(m, "CommitLimit:"), vm_commit_limit(m) * 4);
	assert_int_equal(vm_commit_limit(m), m->totalram_pages / 2);

	/* Mode 0: one request larger than RAM + swap fails; others pass. */
	assert_int_equal(do_map(e, 0, (m->totalram_pages + 1) * PG, RW, ANON), -ENOMEM);
	a = do_map(e, 0, m->totalram_pages * PG, RW, ANON);
	assert_true(a > 0);
	assert_int_equal(vm_memory_committed(m), c0 + m->totalram_pages);
	assert_int_equal(meminfo_kb(m, "Committed_AS:"), (c0 + m->totalram_pages) * 4);
	assert_int_equal(sys_munmap(e->t, (unsigned long)a, m->totalram_pages * PG), 0);
	assert_int_equal(vm_memory_committed(m), c0);
	/* Read-only and MAP_NORESERVE mappings are not charged. */
	a = do_map(e, 0, 100 * PG, PROT_READ, ANON);
	b = do_map(e, 0, 100 * PG, RW, ANON | MAP_NORESERVE);
	assert_int_equal(vm_memory_committed(m), c0);
	assert_int_equal(sys_munmap(e->t, (unsigned long)a, 100 * PG), 0);
	assert_int_equal(sys_munmap(e->t, (unsigned long)b, 100 * PG), 0);

	/* Mode 1: anything goes. */
	m->sysctl.overcommit_memory = 1;
	a = do_map(e, 0, 64UL << 30, RW, ANON);
	assert_true(a > 0);
	assert_int_equal(vm_memory_committed(m), c0 + ((64UL << 30) >> PAGE_SHIFT));
	assert_int_equal(sys_munmap(e->t, (unsigned long)a, 64UL << 30), 0);

	/* Mode 2: the commit limit minus the admin and user reserves. */
	m->sysctl.overcommit_memory = 2;
	m->sysctl.overcommit_ratio = 50;
	limit = vm_commit_limit(m);
	allowed = limit - min(m->totalram_pages / 32, 2048UL) -
		  min(mm->total_vm / 32, m->totalram_pages / 32);
	assert_true(allowed > c0 + 10);
	/* Succeeds while Committed_AS before the charge... */
	a = do_map(e, 0, (allowed - c0 - 1) * PG, RW, ANON);
	assert_true(a > 0);
	/* ...the limit is now reached: even MAP_NORESERVE is charged in mode 2. */
	assert_int_equal(do_map(e, 0, 100 * PG, RW, ANON | MAP_NORESERVE), -ENOMEM);
	log = printk_ring_text(m, NULL);
	assert_non_null(strstr(log, "not enough memory for the allocation"));
	free(log);
	assert_true(do_map(e, 0, 100 * PG, PROT_READ, ANON) > 0);
	assert_int_equal(sys_munmap(e->t, (unsigned long)a, (allowed - c0 - 1) * PG), 0);
	assert_true(do_map(e, 0, 100 * PG, RW, ANON | MAP_NORESERVE) > 0);
	m->sysctl.overcommit_memory = 0;
	check(e);
	env_free(e);
}

/* ---------------------------------------------------------------------- */
/* Stack growth and exit                                                   */
/* ---------------------------------------------------------------------- */

static void test_stack_growth(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct mm_struct *mm = e->t->mm;
	struct vm_area_struct *stack = find_vma(mm, mm->start_stack), *v;
	unsigned long start = stack->vm_start, end = stack->vm_end, stack_vm = mm->stack_vm;
	unsigned long c0 = vm_memory_committed(e->m);

	(void)state;
	assert_true(stack->vm_flags & VM_GROWSDOWN);
	spin_lock(&mm->mmap_lock);
	assert_int_equal(expand_stack_locked(stack, start - 16 * PG + 5), 0);
	assert_int_equal(stack->vm_start, start - 16 * PG);
	assert_int_equal(mm->stack_vm, stack_vm + 16);
	assert_int_equal(vm_memory_committed(e->m), c0 + 16);
	v = find_vma(mm, 0x400000);
	assert_int_equal(expand_stack_locked(v, 0x300000), -EFAULT);	/* not a stack */
	spin_unlock(&mm->mmap_lock);
	check(e);
	assert_int_equal(validate_rmap(e->m), 0);

	/* An accessible mapping within the guard gap below stops the growth. */
	start = stack->vm_start;
	map_fixed(e, start - STACK_GUARD_GAP - 2 * PG, PG, PROT_READ, ANON);
	spin_lock(&mm->mmap_lock);
	assert_int_equal(expand_stack_locked(stack, start - 2 * PG), -ENOMEM);
	spin_unlock(&mm->mmap_lock);
	assert_int_equal(sys_munmap(e->t, start - STACK_GUARD_GAP - 2 * PG, PG), 0);
	map_fixed(e, start - STACK_GUARD_GAP - 2 * PG, PG, PROT_NONE, ANON);	/* inaccessible */
	spin_lock(&mm->mmap_lock);
	assert_int_equal(expand_stack_locked(stack, start - 2 * PG), 0);
	spin_unlock(&mm->mmap_lock);
	/* RLIMIT_STACK: 8 MiB from the top. */
	assert_int_equal(sys_munmap(e->t, start - STACK_GUARD_GAP - 2 * PG, PG), 0);
	spin_lock(&mm->mmap_lock);
	assert_int_equal(expand_stack_locked(stack, end - RLIMIT_STACK_DEFAULT - PG), -ENOMEM);
	assert_int_equal(expand_stack_locked(stack, end - RLIMIT_STACK_DEFAULT), 0);
	assert_int_equal(stack->vm_start, end - RLIMIT_STACK_DEFAULT);
	spin_unlock(&mm->mmap_lock);
	check(e);
	env_free(e);
}

static void test_exit_gives_back(void **state)
{
	struct env *e = env_new("mem=256M cpus=2");
	struct machine *m = e->m;
	long before_pages = test_free_pages(m);
	unsigned long c_before = vm_memory_committed(m);
	struct task_struct *t2;
	struct mmsim_fault f;
	int err = 0;
	long a;

	(void)state;
	t2 = task_spawn(m, "second", &err);
	assert_non_null(t2);
	assert_true(vm_memory_committed(m) > c_before);
	a = sys_mmap(t2, 0, 64 * PG, RW, ANON, NULL, 0);
	assert_true(a > 0);
	assert_int_equal(mmsim_touch(m, t2->pid, (uint64_t)a, 64 * PG, 1, &f), 0);
	assert_true(sys_mmap(t2, 0, 8 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0) > 0);
	assert_int_equal(sys_munmap(t2, (unsigned long)a + 8 * PG, 8 * PG), 0);
	assert_int_equal(validate_mm(t2->mm), 0);
	do_exit(t2, 0);
	assert_int_equal(vm_memory_committed(m), c_before);
	/* The frames the second process used are back (pcp lists drained). */
	drain_all_pages(m, NULL);
	assert_true(test_free_pages(m) >= before_pages - 64);
	check_machine(m);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_random),
		cmocka_unit_test(test_merge_new_ranges),
		cmocka_unit_test(test_merge_fork_child),
		cmocka_unit_test(test_merge_special_and_pgoff),
		cmocka_unit_test(test_modify_flags),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_topdown_sequence),
		cmocka_unit_test(test_hints_and_guard_gap),
		cmocka_unit_test(test_mmap_errno),
		cmocka_unit_test(test_populate_and_locked),
		cmocka_unit_test(test_brk),
		cmocka_unit_test(test_max_map_count),
		cmocka_unit_test(test_overcommit),
		cmocka_unit_test(test_stack_growth),
		cmocka_unit_test(test_exit_gives_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
