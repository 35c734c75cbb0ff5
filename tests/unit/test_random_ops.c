/*
 * test_random_ops.c - long seeded random sequences of system calls, user
 * accesses, forks, threads, execs and exits over several processes, in
 * data mode, against a host-side model of what each address space holds.
 *
 * The model knows, for every page of two windows of each address space
 * (the heap's and the top of the mmap area), whether it is mapped, its
 * protection, its fork behaviour (DONTFORK, WIPEONFORK) and its bytes:
 * private pages own a buffer (NULL: zeros), shared anonymous pages are a
 * page of a shmem object that forks and moves keep sharing (and whose size
 * is fixed at mmap: pages past it raise SIGBUS). From it every call's
 * result is predicted - success, errno, the signal of an access and the
 * first page it hits - and every byte read is checked. After each step
 * the machine's validators run (mmsim_check); at the end every page of
 * every process is read back, all exit, and no frame or object is left.
 *
 * mremap is the one call whose outcome the model does not predict (it
 * depends on VMA boundaries, which merging decides): the test looks the
 * VMA up in the kernel to choose a legal range, then follows the result.
 *
 * MMSIM_RANDOM_STEPS (default 1200 per configuration) and
 * MMSIM_RANDOM_SEED change the run; a failure prints the seed, the step
 * and the last operations.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mem_snapshot.h"
#include "mm.h"
#include "mman.h"
#include "fs.h"
#include "mmsim/mmsim.h"
#include "sched.h"
#include "vma.h"

#define PG		4096UL
#define HEAP_PAGES	2048UL		/* 8 MiB of heap window */
#define MMAP_PAGES	8192UL		/* 32 MiB below the vDSO */
#define VDSO_BYTES	(8 * PG)
#define MAX_TASKS	6
#define LOG_LINES	24

enum { P_NONE = 0, P_R = 1, P_RW = 3 };

struct shm_obj {
	int refs;
	unsigned long size;		/* pages: accesses past it are SIGBUS */
	unsigned long cap;
	unsigned char **pages;		/* by pgoff; NULL: zeros */
};

struct mpage {
	bool mapped, dontfork, wipe;
	unsigned char prot;
	unsigned char *data;		/* private: its bytes, NULL = zeros */
	struct shm_obj *obj;		/* shared: the object and the offset */
	unsigned long pgoff;
};

struct mspace {
	int users;
	unsigned long start_brk, brk;	/* the model's break */
	unsigned long heap_lo, mmap_lo;	/* window starts */
	struct mpage heap[HEAP_PAGES];
	struct mpage mmap[MMAP_PAGES];
};

struct mtask {
	int pid, tgid;
	struct mspace *ms;
};

struct rnd_test {
	struct machine *m;
	uint64_t rng;
	unsigned long step, seed;
	struct mtask tasks[MAX_TASKS];
	int nr;
	unsigned long mmap_top;		/* where the vDSO starts: the window's end */
	char log[LOG_LINES][160];
	unsigned long nlog;
	long commit_leak;		/* Committed_AS Linux 6.18 leaks (see op_mremap) */
};

static struct rnd_test *T;

static uint64_t rnd(void)
{
	uint64_t x = T->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	T->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned long rnd_below(unsigned long n)
{
	return n ? (unsigned long)(rnd() % n) : 0;
}

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(T->log[T->nlog++ % LOG_LINES], sizeof(T->log[0]), fmt, ap);
	va_end(ap);
}

static void dump_log(void)
{
	unsigned long first = T->nlog > LOG_LINES ? T->nlog - LOG_LINES : 0;

	fprintf(stderr, "random ops: seed %lu, step %lu; last operations:\n", T->seed, T->step);
	for (unsigned long i = first; i < T->nlog; i++)
		fprintf(stderr, "  %s\n", T->log[i % LOG_LINES]);
}

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		dump_log();						\
		fail_msg(__VA_ARGS__);					\
	}								\
} while (0)

/* ---- the model ---- */

static struct mpage *mpage(struct mspace *ms, unsigned long addr)
{
	if (addr >= ms->heap_lo && addr < ms->heap_lo + HEAP_PAGES * PG)
		return &ms->heap[(addr - ms->heap_lo) / PG];
	if (addr >= ms->mmap_lo && addr < ms->mmap_lo + MMAP_PAGES * PG)
		return &ms->mmap[(addr - ms->mmap_lo) / PG];
	return NULL;
}

static bool in_window(struct mspace *ms, unsigned long addr, unsigned long len)
{
	return len && mpage(ms, addr) && mpage(ms, addr + len - 1) &&
	       (addr >= ms->mmap_lo) == (addr + len - 1 >= ms->mmap_lo);
}

static struct shm_obj *obj_new(unsigned long size)
{
	struct shm_obj *o = calloc(1, sizeof(*o));

	o->refs = 0;
	o->size = size;
	return o;
}

static unsigned char **obj_slot(struct shm_obj *o, unsigned long pgoff)
{
	if (pgoff >= o->cap) {
		unsigned long cap = (pgoff + 1) * 2;

		o->pages = realloc(o->pages, cap * sizeof(*o->pages));
		memset(o->pages + o->cap, 0, (cap - o->cap) * sizeof(*o->pages));
		o->cap = cap;
	}
	return &o->pages[pgoff];
}

static void obj_put(struct shm_obj *o)
{
	if (--o->refs)
		return;
	for (unsigned long i = 0; i < o->cap; i++)
		free(o->pages[i]);
	free(o->pages);
	free(o);
}

static void page_clear(struct mpage *p)
{
	if (p->obj)
		obj_put(p->obj);
	free(p->data);
	memset(p, 0, sizeof(*p));
}

/* The bytes a read of this page returns now (NULL: zeros). */
static unsigned char *page_bytes(struct mpage *p)
{
	if (p->obj)
		return p->obj->pages && p->pgoff < p->obj->cap ? p->obj->pages[p->pgoff] : NULL;
	return p->data;
}

/* Where a write to this page goes (allocated on first write). */
static unsigned char *page_bytes_for_write(struct mpage *p)
{
	unsigned char **slot = p->obj ? obj_slot(p->obj, p->pgoff) : &p->data;

	if (!*slot)
		*slot = calloc(1, PG);
	return *slot;
}

static void page_copy(struct mpage *dst, const struct mpage *src)
{
	*dst = *src;
	if (src->obj) {
		src->obj->refs++;
	} else if (src->data) {
		dst->data = malloc(PG);
		memcpy(dst->data, src->data, PG);
	}
}

static struct mspace *ms_new(struct mm_struct *mm)
{
	struct mspace *ms = calloc(1, sizeof(*ms));

	ms->users = 1;
	ms->start_brk = ms->brk = mm->start_brk;
	ms->heap_lo = mm->start_brk;
	ms->mmap_lo = T->mmap_top - MMAP_PAGES * PG;
	return ms;
}

static void ms_put(struct mspace *ms)
{
	if (--ms->users)
		return;
	for (unsigned long i = 0; i < HEAP_PAGES; i++)
		page_clear(&ms->heap[i]);
	for (unsigned long i = 0; i < MMAP_PAGES; i++)
		page_clear(&ms->mmap[i]);
	free(ms);
}

/* fork's copy: DONTFORK pages stay behind, WIPEONFORK pages come empty. */
static struct mspace *ms_fork(struct mspace *ms)
{
	struct mspace *c = malloc(sizeof(*c));

	*c = *ms;
	c->users = 1;
	for (unsigned long i = 0; i < HEAP_PAGES + MMAP_PAGES; i++) {
		struct mpage *s = i < HEAP_PAGES ? &ms->heap[i] : &ms->mmap[i - HEAP_PAGES];
		struct mpage *d = i < HEAP_PAGES ? &c->heap[i] : &c->mmap[i - HEAP_PAGES];

		memset(d, 0, sizeof(*d));
		if (!s->mapped || s->dontfork)
			continue;
		page_copy(d, s);
		if (s->wipe) {
			free(d->data);
			d->data = NULL;
		}
	}
	return c;
}

static void unmap_range(struct mspace *ms, unsigned long a, unsigned long len)
{
	for (unsigned long x = a; x < a + len; x += PG) {
		struct mpage *p = mpage(ms, x);

		if (p)
			page_clear(p);
	}
}

static bool all_mapped(struct mspace *ms, unsigned long a, unsigned long len)
{
	for (unsigned long x = a; x < a + len; x += PG) {
		struct mpage *p = mpage(ms, x);

		if (!p || !p->mapped)
			return false;
	}
	return true;
}

static bool none_mapped(struct mspace *ms, unsigned long a, unsigned long len)
{
	for (unsigned long x = a; x < a + len; x += PG) {
		struct mpage *p = mpage(ms, x);

		if (p && p->mapped)
			return false;
	}
	return true;
}

/* ---- tasks ---- */

static struct mtask *pick_task(void)
{
	return &T->tasks[rnd_below((unsigned long)T->nr)];
}

static void add_task(int pid, int tgid, struct mspace *ms)
{
	BUG_ON(T->nr >= MAX_TASKS);
	T->tasks[T->nr++] = (struct mtask){ pid, tgid, ms };
}

static void remove_task(int i)
{
	ms_put(T->tasks[i].ms);
	T->tasks[i] = T->tasks[--T->nr];
}

static struct mm_struct *task_mm(struct mtask *t)
{
	struct task_struct *k = find_task_by_pid(T->m, t->pid);

	CHECK(k, "task %d missing", t->pid);
	return k->mm;
}

/* A random page-aligned address in the mmap window (or heap window). */
static unsigned long rnd_window_addr(struct mspace *ms, unsigned long pages)
{
	if (rnd_below(5) == 0)
		return ms->heap_lo + rnd_below(HEAP_PAGES - pages) * PG;
	return ms->mmap_lo + rnd_below(MMAP_PAGES - pages) * PG;
}

/* A mapped page, or 0 if the model has none (tries at random, then scans). */
static unsigned long rnd_mapped(struct mspace *ms)
{
	for (int tries = 0; tries < 64; tries++) {
		unsigned long a = rnd_window_addr(ms, 1);

		if (mpage(ms, a)->mapped)
			return a;
	}
	for (unsigned long i = 0; i < MMAP_PAGES; i++)
		if (ms->mmap[i].mapped)
			return ms->mmap_lo + i * PG;
	for (unsigned long i = 0; i < HEAP_PAGES; i++)
		if (ms->heap[i].mapped)
			return ms->heap_lo + i * PG;
	return 0;
}

/* The run of pages from a that are mapped and pass ok(), at most max pages. */
static unsigned long run_len(struct mspace *ms, unsigned long a, unsigned long max,
			     bool (*ok)(const struct mpage *))
{
	unsigned long n = 0;

	while (n < max) {
		struct mpage *p = mpage(ms, a + n * PG);

		if (!p || !p->mapped || (ok && !ok(p)))
			break;
		n++;
	}
	return n;
}

static bool is_private(const struct mpage *p)
{
	return !p->obj;
}

static bool is_rw(const struct mpage *p)
{
	return p->prot == P_RW;
}

static int prot_bits(unsigned char prot)
{
	return prot == P_RW ? MMSIM_PROT_READ | MMSIM_PROT_WRITE :
	       prot == P_R ? MMSIM_PROT_READ : MMSIM_PROT_NONE;
}

static unsigned char rnd_prot(void)
{
	unsigned long r = rnd_below(10);

	return r < 6 ? P_RW : r < 9 ? P_R : P_NONE;
}

/* ---- operations ---- */

static void op_mmap(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long pages = 1 + rnd_below(32), len = pages * PG, a = 0;
	bool shared = rnd_below(5) == 0, fixed = rnd_below(4) == 0;
	bool populate = rnd_below(5) == 0;
	unsigned char prot = rnd_prot();
	int flags = (shared ? MMSIM_MAP_SHARED : MMSIM_MAP_PRIVATE) | MMSIM_MAP_ANONYMOUS;
	struct shm_obj *o = NULL;
	int64_t ret;

	if (fixed) {
		a = ms->mmap_lo + rnd_below(MMAP_PAGES - pages) * PG;
		flags |= MMSIM_MAP_FIXED;
	}
	if (populate)
		flags |= MMSIM_MAP_POPULATE;
	ret = mmsim_mmap(T->m, t->pid, a, len, prot_bits(prot), flags, -1, 0);
	logf_("%d mmap(%#lx, %lu pages, prot %d, %s%s%s) = %#llx", t->pid, a, pages, prot,
	      shared ? "shared" : "private", fixed ? ",fixed" : "", populate ? ",populate" : "",
	      (unsigned long long)ret);
	CHECK(ret > 0, "mmap failed: %lld", (long long)ret);
	CHECK(!fixed || (unsigned long)ret == a, "MAP_FIXED moved");
	a = (unsigned long)ret;
	CHECK(in_window(ms, a, len) && a >= ms->mmap_lo, "mmap at %#lx: outside the window", a);
	CHECK(fixed || none_mapped(ms, a, len), "mmap at %#lx overlaps a mapping", a);
	unmap_range(ms, a, len);
	if (shared)
		o = obj_new(pages);
	for (unsigned long i = 0; i < pages; i++) {
		struct mpage *p = mpage(ms, a + i * PG);

		p->mapped = true;
		p->prot = prot;
		if (o) {
			p->obj = o;
			p->pgoff = i;
			o->refs++;
		}
	}
}

static void op_munmap(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long pages = 1 + rnd_below(40), a = rnd_mapped(ms);
	long ret;

	if (!a || rnd_below(4) == 0)
		a = rnd_window_addr(ms, pages);
	a -= rnd_below(4) * PG;
	if (!in_window(ms, a, pages * PG))
		return;
	ret = mmsim_munmap(T->m, t->pid, a, pages * PG);
	logf_("%d munmap(%#lx, %lu pages) = %ld", t->pid, a, pages, ret);
	CHECK(ret == 0, "munmap failed: %ld", ret);
	unmap_range(ms, a, pages * PG);
}

static void op_mprotect(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long a = rnd_mapped(ms), n;
	unsigned char prot = rnd_prot();
	long ret;

	if (!a)
		return;
	n = 1 + rnd_below(run_len(ms, a, 24, NULL));
	ret = mmsim_mprotect(T->m, t->pid, a, n * PG, prot_bits(prot));
	logf_("%d mprotect(%#lx, %lu pages, %d) = %ld", t->pid, a, n, prot, ret);
	CHECK(ret == 0, "mprotect of mapped pages failed: %ld", ret);
	for (unsigned long i = 0; i < n; i++)
		mpage(ms, a + i * PG)->prot = prot;
}

/* DONTNEED (holes allowed: -ENOMEM, the mapped parts still zapped). */
static void op_dontneed(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long a = rnd_mapped(ms), n = 1 + rnd_below(24);
	bool full;
	long ret;

	if (!a || !in_window(ms, a, n * PG))
		return;
	full = all_mapped(ms, a, n * PG);
	ret = mmsim_madvise(T->m, t->pid, a, n * PG, MADV_DONTNEED);
	logf_("%d madvise(%#lx, %lu pages, dontneed) = %ld", t->pid, a, n, ret);
	CHECK(ret == (full ? 0 : -ENOMEM), "madvise(DONTNEED) = %ld, full %d", ret, full);
	for (unsigned long i = 0; i < n; i++) {
		struct mpage *p = mpage(ms, a + i * PG);

		if (p->mapped && !p->obj) {
			free(p->data);
			p->data = NULL;
		}
	}
}

static void op_fork_advice(struct mtask *t)
{
	static const int advice[] = { MADV_DONTFORK, MADV_DOFORK, MADV_WIPEONFORK,
				      MADV_KEEPONFORK };
	struct mspace *ms = t->ms;
	unsigned long a = rnd_mapped(ms), n;
	int adv = advice[rnd_below(4)];
	bool wipe_kind = adv == MADV_WIPEONFORK || adv == MADV_KEEPONFORK;
	long ret;

	if (!a || (wipe_kind && mpage(ms, a)->obj))
		return;
	n = 1 + rnd_below(run_len(ms, a, 16, wipe_kind ? is_private : NULL));
	ret = mmsim_madvise(T->m, t->pid, a, n * PG, adv);
	logf_("%d madvise(%#lx, %lu pages, %d) = %ld", t->pid, a, n, adv, ret);
	CHECK(ret == 0, "madvise(%d) failed: %ld", adv, ret);
	for (unsigned long i = 0; i < n; i++) {
		struct mpage *p = mpage(ms, a + i * PG);

		if (adv == MADV_DONTFORK || adv == MADV_DOFORK)
			p->dontfork = adv == MADV_DONTFORK;
		else
			p->wipe = adv == MADV_WIPEONFORK;
	}
}

static void op_populate(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long a = rnd_mapped(ms), n;
	long ret;

	if (!a || !is_rw(mpage(ms, a)))
		return;
	n = 1 + rnd_below(run_len(ms, a, 16, is_rw));
	/* Shared pages past the object's end would be -EFAULT: stay inside. */
	for (unsigned long i = 0; i < n; i++) {
		struct mpage *p = mpage(ms, a + i * PG);

		if (p->obj && p->pgoff >= p->obj->size)
			n = i;
	}
	if (!n)
		return;
	ret = mmsim_madvise(T->m, t->pid, a, n * PG, MADV_POPULATE_WRITE);
	logf_("%d madvise(%#lx, %lu pages, populate_write) = %ld", t->pid, a, n, ret);
	CHECK(ret == 0, "MADV_POPULATE_WRITE failed: %ld", ret);
}

/* Pages [a, a + n) of the model move to [b, b + n) (a mremap's move). */
static void move_pages(struct mspace *ms, unsigned long a, unsigned long b, unsigned long n,
		       bool dontunmap)
{
	struct mpage *tmp = calloc(n, sizeof(*tmp));

	for (unsigned long i = 0; i < n; i++) {
		struct mpage *p = mpage(ms, a + i * PG);

		tmp[i] = *p;
		memset(p, 0, sizeof(*p));
		if (dontunmap) {	/* the old range stays mapped, empty */
			p->mapped = true;
			p->prot = tmp[i].prot;
			p->dontfork = tmp[i].dontfork;
			p->wipe = tmp[i].wipe;
		}
	}
	for (unsigned long i = 0; i < n; i++) {
		struct mpage *p = mpage(ms, b + i * PG);

		page_clear(p);
		*p = tmp[i];
	}
	free(tmp);
}

static void op_mremap(struct mtask *t)
{
	struct mspace *ms = t->ms;
	struct vm_area_struct *vma;
	unsigned long a = rnd_mapped(ms), old_pages, new_pages, na = 0, start, end;
	unsigned long r = rnd_below(10), vstart, vend;
	bool accounted;
	int flags = r < 6 ? MMSIM_MREMAP_MAYMOVE : r < 8 ? 0 :
		    r < 9 ? MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED :
			    MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_DONTUNMAP;
	int64_t ret;

	if (!a)
		return;
	vma = vma_lookup(task_mm(t), a);
	CHECK(vma, "model page %#lx has no VMA", a);
	/* A range inside the VMA, within the window. */
	start = a;
	end = a + (1 + rnd_below(24)) * PG;
	end = min(vma->vm_end, end);
	if (rnd_below(2) && in_window(ms, a, vma->vm_end - a) && vma->vm_end - a <= 48 * PG)
		end = vma->vm_end;	/* to the VMA's end: in-place growth possible */
	if (!in_window(ms, start, end - start))
		return;
	CHECK(all_mapped(ms, start, end - start), "VMA %#lx-%#lx: the model has holes",
	      vma->vm_start, vma->vm_end);
	old_pages = (end - start) / PG;
	new_pages = 1 + rnd_below(old_pages + 16);
	if (flags & MMSIM_MREMAP_DONTUNMAP) {
		new_pages = old_pages;
		if (mpage(ms, a)->obj)
			flags = MMSIM_MREMAP_MAYMOVE;	/* DONTUNMAP is for private anon */
	}
	if (flags & MMSIM_MREMAP_FIXED) {
		na = ms->mmap_lo + rnd_below(MMAP_PAGES - new_pages) * PG;
		if (na < end && na + new_pages * PG > start)
			return;	/* overlapping: -EINVAL, not interesting */
	}
	vstart = vma->vm_start;
	vend = vma->vm_end;
	accounted = vma->vm_flags & VM_ACCOUNT;
	ret = mmsim_mremap(T->m, t->pid, start, old_pages * PG, new_pages * PG, flags, na);
	logf_("%d mremap(%#lx, %lu, %lu pages, %d, %#lx) = %#llx (vma %#lx-%#lx)", t->pid, start,
	      old_pages, new_pages, flags, na, (unsigned long long)ret, vstart, vend);
	if (ret < 0) {
		CHECK(ret == -ENOMEM || ret == -EINVAL || ret == -EFAULT,
		      "mremap: unexpected %lld", (long long)ret);
		/* Only growth in place can fail here: the window has room to move. */
		CHECK(!(flags & MMSIM_MREMAP_MAYMOVE) && new_pages > old_pages,
		      "mremap failed where it cannot: %lld", (long long)ret);
		return;
	}
	CHECK(!(flags & MMSIM_MREMAP_FIXED) || (unsigned long)ret == na, "MREMAP_FIXED moved");
	/*
	 * Linux 6.16+ (checked on a 6.18 host: Committed_AS grows by the
	 * shrink and stays after exit) charges a MREMAP_FIXED shrink of an
	 * accounted VMA twice: shrink_vma uncharges the tail, then move_vma's
	 * vrm_calc_charge charges vrm->delta - the shrink - again, and the
	 * moved source is unmapped without uncharging. mremap.c keeps that.
	 */
	if ((flags & MMSIM_MREMAP_FIXED) && new_pages < old_pages && accounted)
		T->commit_leak += (long)(old_pages - new_pages);
	CHECK(in_window(ms, (unsigned long)ret, new_pages * PG),
	      "mremap to %#llx: outside the window", (unsigned long long)ret);
	{
		struct mpage last = *mpage(ms, end - PG);
		unsigned long keep = min(old_pages, new_pages), b = (unsigned long)ret;

		if (new_pages < old_pages)
			unmap_range(ms, start + new_pages * PG, (old_pages - new_pages) * PG);
		if (b != start) {
			if (flags & MMSIM_MREMAP_FIXED)
				unmap_range(ms, b, new_pages * PG);
			else
				CHECK(none_mapped(ms, b + keep * PG, (new_pages - keep) * PG),
				      "mremap moved onto a mapping");
			move_pages(ms, start, b, keep, flags & MMSIM_MREMAP_DONTUNMAP);
		}
		/* Growth: the VMA's attributes, zeros (or the object's next pages). */
		for (unsigned long i = keep; i < new_pages; i++) {
			struct mpage *p = mpage(ms, b + i * PG);

			page_clear(p);
			p->mapped = true;
			p->prot = last.prot;
			p->dontfork = last.dontfork;
			p->wipe = last.wipe;
			if (last.obj) {
				p->obj = last.obj;
				p->obj->refs++;
				p->pgoff = last.pgoff + (i - keep) + 1;
			}
		}
	}
}

static void op_brk(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long want = ms->start_brk + rnd_below(HEAP_PAGES / 2) * PG + rnd_below(PG);
	unsigned long oldend = PAGE_ALIGN(ms->brk), newend;
	int64_t ret;
	bool ok;

	if (rnd_below(8) == 0)
		want = ms->start_brk - PG;	/* below the start: refused */
	newend = PAGE_ALIGN(want);
	/* Linux 6.x brk(): shrinking needs a VMA in the part that goes; growing
	 * needs nothing mapped up to a page past the new end. */
	if (want < ms->start_brk)
		ok = false;
	else if (newend == oldend)
		ok = true;
	else if (want <= ms->brk)
		ok = !none_mapped(ms, newend, oldend - newend);
	else
		ok = none_mapped(ms, oldend, newend + PG - oldend);
	ret = mmsim_brk(T->m, t->pid, want);
	logf_("%d brk(%#lx) = %#llx (was %#lx)", t->pid, want, (unsigned long long)ret, ms->brk);
	CHECK((unsigned long)ret == (ok ? want : ms->brk), "brk(%#lx) = %#llx, expected %#lx",
	      want, (unsigned long long)ret, ok ? want : ms->brk);
	if (!ok)
		return;
	if (newend < oldend) {
		unmap_range(ms, newend, oldend - newend);
	} else {
		for (unsigned long x = oldend; x < newend; x += PG) {
			struct mpage *p = mpage(ms, x);

			p->mapped = true;
			p->prot = P_RW;
		}
	}
	ms->brk = want;
}

/*
 * The outcome an access of [a, a + len) should have: the first page that
 * faults (0 if none) and its signal and code.
 */
static unsigned long expect_fault(struct mspace *ms, unsigned long a, unsigned long len,
				  bool write, int *signo, int *code)
{
	for (unsigned long x = a; x < a + len; x = (x & ~(PG - 1)) + PG) {
		struct mpage *p = mpage(ms, x);

		if (!p || !p->mapped) {
			*signo = 11, *code = 1;
			return x;
		}
		if (p->prot == P_NONE || (write && p->prot != P_RW)) {
			*signo = 11, *code = 2;
			return x;
		}
		if (p->obj && p->pgoff >= p->obj->size) {
			*signo = 7, *code = 2;
			return x;
		}
	}
	return 0;
}

static unsigned long rnd_access(struct mspace *ms, unsigned long *len)
{
	unsigned long a = rnd_mapped(ms);

	if (!a || rnd_below(8) == 0)
		a = rnd_window_addr(ms, 4);
	a += rnd_below(PG);
	*len = 1 + rnd_below(3 * PG);
	if (!in_window(ms, a, *len))
		return 0;
	return a;
}

static void check_fault(const char *what, int ret, const struct mmsim_fault *f,
			unsigned long fault_at, int signo, int code)
{
	if (!fault_at) {
		CHECK(ret == 0, "%s: %d (signal %d code %d at %#llx), expected success", what,
		      ret, f->signo, f->code, (unsigned long long)f->addr);
		return;
	}
	CHECK(ret == -EFAULT && f->signo == signo && f->code == code && f->addr == fault_at,
	      "%s: %d signal %d code %d at %#llx, expected signal %d code %d at %#lx", what,
	      ret, f->signo, f->code, (unsigned long long)f->addr, signo, code, fault_at);
}

static void op_write(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long len, a = rnd_access(ms, &len), fault_at, end;
	unsigned char *buf;
	struct mmsim_fault f;
	int signo = 0, code = 0, ret;

	if (!a)
		return;
	buf = malloc(len);
	for (unsigned long i = 0; i < len; i++)
		buf[i] = (unsigned char)rnd();
	fault_at = expect_fault(ms, a, len, true, &signo, &code);
	ret = mmsim_write(T->m, t->pid, a, buf, len, &f);
	logf_("%d write(%#lx, %lu) = %d", t->pid, a, len, ret);
	check_fault("write", ret, &f, fault_at, signo, code);
	end = fault_at ? fault_at : a + len;
	for (unsigned long x = a; x < end; x++) {
		struct mpage *p = mpage(ms, x);

		page_bytes_for_write(p)[x & (PG - 1)] = buf[x - a];
	}
	free(buf);
}

static void compare(unsigned long a, const unsigned char *got, unsigned long len,
		    struct mspace *ms, const char *what)
{
	for (unsigned long i = 0; i < len; i++) {
		unsigned char *b = page_bytes(mpage(ms, a + i));
		unsigned char want = b ? b[(a + i) & (PG - 1)] : 0;

		CHECK(got[i] == want, "%s at %#lx: byte %#x, expected %#x", what, a + i,
		      got[i], want);
	}
}

static void op_read(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long len, a = rnd_access(ms, &len), fault_at;
	unsigned char *buf;
	struct mmsim_fault f;
	int signo = 0, code = 0, ret;

	if (!a)
		return;
	buf = calloc(1, len);
	fault_at = expect_fault(ms, a, len, false, &signo, &code);
	ret = mmsim_read(T->m, t->pid, a, buf, len, &f);
	logf_("%d read(%#lx, %lu) = %d", t->pid, a, len, ret);
	check_fault("read", ret, &f, fault_at, signo, code);
	compare(a, buf, (fault_at ? fault_at : a + len) - a, ms, "read");
	free(buf);
}

static void op_touch(struct mtask *t)
{
	struct mspace *ms = t->ms;
	unsigned long len, a = rnd_access(ms, &len), fault_at;
	bool write = rnd_below(2);
	struct mmsim_fault f;
	int signo = 0, code = 0, ret;

	if (!a)
		return;
	fault_at = expect_fault(ms, a, len, write, &signo, &code);
	ret = mmsim_touch(T->m, t->pid, a, len, write, &f);
	logf_("%d touch(%#lx, %lu, %s) = %d", t->pid, a, len, write ? "w" : "r", ret);
	check_fault("touch", ret, &f, fault_at, signo, code);
}

static void op_spawn(void)
{
	int pid;

	if (T->nr >= MAX_TASKS)
		return;
	pid = mmsim_spawn(T->m, "rnd");
	logf_("spawn = %d", pid);
	CHECK(pid > 0, "spawn failed: %d", pid);
	add_task(pid, pid, NULL);
	T->tasks[T->nr - 1].ms = ms_new(find_task_by_pid(T->m, pid)->mm);
}

static void op_fork(struct mtask *t)
{
	int pid;

	if (T->nr >= MAX_TASKS)
		return;
	pid = mmsim_fork(T->m, t->pid);
	logf_("%d fork = %d", t->pid, pid);
	CHECK(pid > 0, "fork failed: %d", pid);
	add_task(pid, pid, ms_fork(t->ms));
}

static void op_clone(struct mtask *t)
{
	int pid;

	if (T->nr >= MAX_TASKS)
		return;
	pid = mmsim_clone_vm(T->m, t->pid);
	logf_("%d clone_vm = %d", t->pid, pid);
	CHECK(pid > 0, "clone failed: %d", pid);
	t->ms->users++;
	add_task(pid, t->tgid, t->ms);
}

static void op_exit(struct mtask *t)
{
	int ret;

	if (T->nr <= 1)
		return;
	ret = mmsim_exit(T->m, t->pid, 0);
	logf_("%d exit = %d", t->pid, ret);
	CHECK(ret == 0, "exit failed: %d", ret);
	remove_task((int)(t - T->tasks));
}

static void op_exec(struct mtask *t)
{
	int pid = t->pid, tgid = t->tgid, ret;

	ret = mmsim_exec(T->m, pid, "rnd2");
	logf_("%d exec = %d", pid, ret);
	CHECK(ret == 0, "exec failed: %d", ret);
	/* de_thread: the other threads of the group are gone. */
	for (int i = T->nr - 1; i >= 0; i--) {
		if (T->tasks[i].pid != pid && T->tasks[i].tgid == tgid) {
			CHECK(!find_task_by_pid(T->m, T->tasks[i].pid), "exec left thread %d",
			      T->tasks[i].pid);
			remove_task(i);
		}
	}
	for (int i = 0; i < T->nr; i++) {
		if (T->tasks[i].pid == pid) {
			ms_put(T->tasks[i].ms);
			T->tasks[i].tgid = pid;
			T->tasks[i].ms = ms_new(find_task_by_pid(T->m, pid)->mm);
		}
	}
}

static void one_step(void)
{
	struct mtask *t;
	unsigned long r = rnd_below(1000);

	if (T->nr < 2) {
		op_spawn();
		return;
	}
	t = pick_task();
	if (r < 140) op_mmap(t);
	else if (r < 220) op_munmap(t);
	else if (r < 300) op_mprotect(t);
	else if (r < 350) op_dontneed(t);
	else if (r < 390) op_fork_advice(t);
	else if (r < 410) op_populate(t);
	else if (r < 480) op_mremap(t);
	else if (r < 530) op_brk(t);
	else if (r < 700) op_write(t);
	else if (r < 850) op_read(t);
	else if (r < 900) op_touch(t);
	else if (r < 940) op_fork(t);
	else if (r < 955) op_clone(t);
	else if (r < 985) op_exit(t);
	else if (r < 993) op_exec(t);
	else op_spawn();
}

/* Every page the model knows, read back from every process. */
static void verify_all(void)
{
	unsigned char *buf = malloc(PG);

	for (int i = 0; i < T->nr; i++) {
		struct mspace *ms = T->tasks[i].ms;

		for (unsigned long j = 0; j < HEAP_PAGES + MMAP_PAGES; j++) {
			unsigned long a = j < HEAP_PAGES ? ms->heap_lo + j * PG
							 : ms->mmap_lo + (j - HEAP_PAGES) * PG;
			struct mpage *p = mpage(ms, a);
			struct mmsim_fault f;
			int signo, code;

			if (!p->mapped || expect_fault(ms, a, PG, false, &signo, &code))
				continue;
			CHECK(mmsim_read(T->m, T->tasks[i].pid, a, buf, PG, &f) == 0,
			      "final read of %#lx in %d failed", a, T->tasks[i].pid);
			compare(a, buf, PG, ms, "final read");
		}
	}
	free(buf);
}

/*
 * Committed_AS is what the live mappings are charged: every VM_ACCOUNT VMA
 * and every shmem object that is not VM_NORESERVE (counted once).
 */
static long expected_commit(struct machine *m)
{
	struct address_space *seen[256];
	struct mm_struct *mm;
	int nseen = 0;
	long pages = 0;

	list_for_each_entry(mm, &m->mm_list, mmlist) {
		struct vm_area_struct *vma;

		for_each_vma(mm, vma) {
			struct address_space *as;
			bool dup = false;

			if (vma->vm_flags & VM_ACCOUNT)
				pages += (long)vma_pages(vma);
			if (!vma->vm_file)
				continue;
			as = vma->vm_file->f_mapping;
			for (int i = 0; i < nseen; i++)
				dup |= seen[i] == as;
			if (dup || (as->shmem_flags & VM_NORESERVE))
				continue;
			BUG_ON(nseen >= 256);
			seen[nseen++] = as;
			pages += (long)(PAGE_ALIGN(as->size) >> PAGE_SHIFT);
		}
	}
	return pages;
}

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

static void run(const char *options, unsigned long seed)
{
	struct rnd_test *t = calloc(1, sizeof(*t));
	struct mem_snapshot before;
	unsigned long steps = env_ul("MMSIM_RANDOM_STEPS", 1200);
	int pid;

	T = t;
	t->seed = seed;
	t->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	t->m = test_boot(options);
	take_snapshot(t->m, &before);
	/* The window ends at the vDSO, which sits right under mmap_base. */
	pid = mmsim_spawn(t->m, "rnd");
	assert_true(pid > 0);
	{
		struct mm_struct *mm = find_task_by_pid(t->m, pid)->mm;
		struct vm_area_struct *vma;

		for_each_vma(mm, vma)
			if (vma->vm_special_name && !strcmp(vma->vm_special_name, "[vvar]"))
				t->mmap_top = vma->vm_start;
		assert_true(t->mmap_top != 0);
		add_task(pid, pid, ms_new(mm));
	}
	for (t->step = 0; t->step < steps; t->step++) {
		one_step();
		if (mmsim_check(t->m)) {
			char *log = mmsim_dmesg(t->m, NULL);

			fprintf(stderr, "%s", log);
			free(log);
			dump_log();
			fail_msg("validators failed after step %lu", t->step);
		}
		CHECK(t->m->vm_committed_pages - before.committed - t->commit_leak ==
		      expected_commit(t->m), "Committed_AS %ld pages (%ld leaked as Linux does), "
		      "the mappings are charged %ld", t->m->vm_committed_pages - before.committed,
		      t->commit_leak, expected_commit(t->m));
	}
	verify_all();
	while (t->nr) {
		int ret = mmsim_exit(t->m, t->tasks[t->nr - 1].pid, 0);

		CHECK(ret == 0, "final exit failed: %d", ret);
		remove_task(t->nr - 1);
	}
	assert_int_equal(t->m->nr_tasks, 0);
	before.committed += t->commit_leak;
	assert_no_leak(t->m, &before);
	mmsim_shutdown(t->m);
	free(t);
	T = NULL;
}

static void test_random_default(void **state)
{
	(void)state;
	run("mem=256M cpus=2", env_ul("MMSIM_RANDOM_SEED", 1));
}

static void test_random_nopcid_nozero(void **state)
{
	(void)state;
	run("mem=256M cpus=3 pcid=0 zero_page=0", env_ul("MMSIM_RANDOM_SEED", 1) + 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_default),
		cmocka_unit_test(test_random_nopcid_nozero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
