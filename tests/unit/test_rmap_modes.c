/*
 * test_rmap_modes.c - every rmap design against brute force, and the
 * walk's users, on whichever design the machine booted with (CTest runs
 * this file on the default anon_vma_chain and again with
 * MMSIM_TEST_BOOT=rmap=scan|pte_chain|anon_vma).
 *
 * The random test: seeded sequences of fork, thread clone, COW writes,
 * reads, mmap (private and shared anonymous, whole 2 MiB slots), munmap,
 * mprotect, mremap (resizes, moves, whole pte-table moves between 2 MiB
 * slots, a whole pmd-table move between 1 GiB regions), madvise
 * (DONTNEED, FREE, DONTFORK, WIPEONFORK...), mlock, try_to_unmap, exec
 * and exit over up to MAX_TASKS processes sharing one window of addresses.
 * After each step every page that some pte maps is reverse-walked:
 * rmap_walk must name exactly the (mm, address) pairs that a brute-force
 * read of every page table finds - no more, no fewer, no pair twice - and
 * every pte it hands over must map the page; mapcounts, nr_anon_pages and
 * nr_mapped must agree with the scan. When all have exited no anon_vma,
 * anon_vma_chain or pte_chain block is left (pte_chain mode keeps exactly
 * its one reserve block).
 *
 * Then the users of the walk: folio_referenced (young bits tested and
 * cleared, counted; an mlocked mapping counts and stops the walk),
 * page_mkclean (shared writable ptes write-protected and cleaned, the TLB
 * flushed), try_to_unmap (a shmem page leaves every process; a clean
 * MADV_FREE'd page is dropped, a redirtied one and an ordinary anonymous
 * one stay), and the fork-storm shape of issue 4 on counts: with K
 * children that COW every page, a child's page costs ~K/2 VMAs in anon_vma
 * mode, one in anon_vma_chain mode, one pte in pte_chain mode, and half the
 * machine's page tables on average in scan mode; pte_chain memory grows
 * with the mappings. The shape test boots each design itself.
 *
 * Last, a regression the random run found in mremap (a DONTUNMAP move of
 * part of a VMA).
 *
 * MMSIM_RMAP_STEPS and MMSIM_RMAP_SEED change the random run (a chosen
 * seed skips the coverage check); a failure prints the seed, the step and
 * the last operations.
 *
 * Invariants: each test boots its own machines and, when it passes, shuts
 * them down; a seed and a step count always give the same sequence (the
 * test's own generator, no host randomness); no host time is asserted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swap.h"
#include "harness.h"
#include "memory.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "vma.h"
#include "vmstat.h"

#define PG		4096UL
#define SLOT_PAGES	512UL			/* one pte table's reach: 2 MiB */
#define NSLOTS		4UL
#define WPAGES		(NSLOTS * SLOT_PAGES)	/* the window: 8 MiB */
#define WBASE		0x100000000000UL	/* 1 GiB aligned, free in a new process */
#define GIANT		(1UL << 30)		/* for the pmd-table move */
#define G0		(WBASE + GIANT)
#define G1		(WBASE + 2 * GIANT)
#define MAX_TASKS	6
#define LOG_LINES	16

#define RW		(MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON		(MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)
#define SHANON		(MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS)

/* ------------------------------------------------------------------ */
/* Brute force: every (page, mm, address) a pte says                   */
/* ------------------------------------------------------------------ */

struct ref {
	struct page *page;
	struct mm_struct *mm;
	unsigned long addr;
};

struct refs {
	struct ref *v;
	size_t n, cap;
};

static void refs_add(struct refs *r, struct page *page, struct mm_struct *mm, unsigned long addr)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		assert_non_null(r->v);
	}
	r->v[r->n++] = (struct ref){ page, mm, addr };
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->page != y->page)
		return x->page < y->page ? -1 : 1;
	if (x->mm != y->mm)
		return x->mm < y->mm ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Every present pte of every VMA of every mm that maps a normal page. */
static void brute_force(struct machine *m, struct refs *r)
{
	struct mm_struct *mm;
	struct vm_area_struct *vma;

	r->n = 0;
	list_for_each_entry(mm, &m->mm_list, mmlist) {
		if (!mm->pgd)
			continue;
		for_each_vma(mm, vma) {
			unsigned long addr = vma->vm_start;

			while (addr < vma->vm_end) {
				pmd_t *pmd = walk_pmd(mm, addr);
				unsigned long end;

				if (!pmd) {
					addr = (addr + PUD_SIZE) & PUD_MASK;
					continue;
				}
				end = min((addr + PMD_SIZE) & PMD_MASK, vma->vm_end);
				if (pmd_none(*pmd) || pmd_leaf(*pmd)) {
					addr = end;
					continue;
				}
				for (pte_t *pte = pte_offset(mm, pmd, addr); addr < end;
				     addr += PAGE_SIZE, pte++) {
					struct page *page;

					if (!pte_present(*pte) || pte_special(*pte) ||
					    is_zero_pfn(m, pte_pfn(*pte)))
						continue;
					page = vm_normal_page(vma, addr, *pte);
					if (page)
						refs_add(r, compound_head(page), mm, addr);
				}
			}
		}
	}
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), ref_cmp);
}

/* What one rmap_walk found, and what was wrong with what it was handed. */
struct found {
	struct machine *m;
	struct refs refs;
	int bad_pte, bad_vma;
};

static bool collect_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			pte_t *pte, void *arg)
{
	struct found *f = arg;
	struct mm_struct *mm = vma->vm_mm;

	if (addr < vma->vm_start || addr >= vma->vm_end || find_vma(mm, addr) != vma)
		f->bad_vma++;
	if (pte) {
		/* a design that knows the pte must hand over one that maps the page */
		if (pte != walk_pte(mm, addr) || !pte_present(*pte) ||
		    pte_pfn(*pte) != page_to_pfn(f->m, page)) {
			f->bad_pte++;
			return true;
		}
	} else {
		pte = page_vma_mapped_pte(page, vma, addr);
	}
	if (pte)
		refs_add(&f->refs, page, mm, addr);
	return true;
}

/* ------------------------------------------------------------------ */
/* The random run                                                      */
/* ------------------------------------------------------------------ */

struct rnd {
	struct machine *m;
	uint64_t rng;
	unsigned long seed, step;
	int pids[MAX_TASKS];
	int nr;
	char log[LOG_LINES][128];
	unsigned long nlog;
	struct refs scan;
	struct found found;
	/* what happened, so the run can show it covered the interesting cases */
	unsigned long forks, slot_moves, giant_moves, unmapped, shared_pages, max_sharing;
	/* what a user sees (results, mapcounts, counters), to compare the designs */
	uint64_t digest;
	bool no_boundaries;	/* only calls whose outcome VMA boundaries cannot change */
};

static struct rnd *R;

static uint64_t rnd(void)
{
	uint64_t x = R->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	R->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned long below(unsigned long n)
{
	return n ? (unsigned long)(rnd() % n) : 0;
}

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void digest(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		R->digest = (R->digest ^ ((const unsigned char *)p)[i]) * 0x100000001b3ULL;
}

static void logf_(const char *fmt, ...)
{
	char *line = R->log[R->nlog++ % LOG_LINES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(R->log[0]), fmt, ap);
	va_end(ap);
	digest(line, strlen(line));
}

static void dump_log(void)
{
	unsigned long first = R->nlog > LOG_LINES ? R->nlog - LOG_LINES : 0;

	fprintf(stderr, "rmap=%d random run: seed %lu, step %lu; last operations:\n",
		(int)R->m->cfg.rmap, R->seed, R->step);
	for (unsigned long i = first; i < R->nlog; i++)
		fprintf(stderr, "  %s\n", R->log[i % LOG_LINES]);
	if (getenv("MMSIM_RMAP_DEBUG")) {
		char *mi = mmsim_proc_read(R->m, "meminfo", NULL);

		fprintf(stderr, "%s", mi);
		free(mi);
	}
}

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		dump_log();						\
		fail_msg(__VA_ARGS__);					\
	}								\
} while (0)

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

/* After every step: each mapped page's walk against the brute force. */
static void verify_walks(void)
{
	struct machine *m = R->m;
	struct refs *scan = &R->scan;
	long anon = 0, file = 0;
	unsigned long walks0 = m->vm_events[RMAP_WALK], pages = 0;

	brute_force(m, scan);
	for (size_t i = 0, j; i < scan->n; i = j) {
		struct page *page = scan->v[i].page;

		for (j = i + 1; j < scan->n && scan->v[j].page == page; j++)
			;
		pages++;
		if (PageAnon(page))
			anon++;
		else
			file++;
		if (j - i > 1)
			R->shared_pages++;
		if (j - i > R->max_sharing)
			R->max_sharing = j - i;
		CHECK(page_mapcount(page) == (int)(j - i), "pfn %#lx: mapcount %d, %zu ptes map it",
		      page_to_pfn(m, page), page_mapcount(page), j - i);
		digest(&(size_t){ j - i }, sizeof(size_t));

		R->found.refs.n = 0;
		R->found.bad_pte = R->found.bad_vma = 0;
		rmap_walk(m, page, &(struct rmap_walk_control){ .arg = &R->found,
								.rmap_one = collect_one });
		CHECK(!R->found.bad_pte && !R->found.bad_vma,
		      "pfn %#lx (%s): the walk handed over %d ptes that do not map it, %d bad VMAs",
		      page_to_pfn(m, page), PageAnon(page) ? "anon" : "shmem", R->found.bad_pte,
		      R->found.bad_vma);
		if (R->found.refs.n > 1)
			qsort(R->found.refs.v, R->found.refs.n, sizeof(struct ref), ref_cmp);
		CHECK(R->found.refs.n == j - i &&
		      !memcmp(R->found.refs.v, scan->v + i, (j - i) * sizeof(struct ref)),
		      "pfn %#lx (%s, mapcount %d): the walk found %zu ptes, the page tables have %zu "
		      "(first found %#lx, first scanned %#lx)", page_to_pfn(m, page),
		      PageAnon(page) ? "anon" : "shmem", page_mapcount(page), R->found.refs.n, j - i,
		      R->found.refs.n ? R->found.refs.v[0].addr : 0, scan->v[i].addr);
	}
	digest(&anon, sizeof(anon));
	digest(&file, sizeof(file));
	CHECK(m->vm_events[RMAP_WALK] - walks0 == pages, "%lu walks for %lu pages",
	      m->vm_events[RMAP_WALK] - walks0, pages);
	CHECK(global_node_page_state(m, NR_ANON_PAGES) == anon,
	      "nr_anon_pages %ld, %ld anonymous pages mapped", global_node_page_state(m, NR_ANON_PAGES),
	      anon);
	CHECK(global_node_page_state(m, NR_FILE_MAPPED) == file, "nr_mapped %ld, %ld pages mapped",
	      global_node_page_state(m, NR_FILE_MAPPED), file);
}

static int pick_task(void)
{
	return R->pids[below((unsigned long)R->nr)];
}

static void drop_task(int i)
{
	R->pids[i] = R->pids[--R->nr];
}

/* A page address in the window, biased to the first slot's start so ranges overlap. */
static unsigned long wpage(void)
{
	return WBASE + below(WPAGES) * PG;
}

static unsigned long len_pages(unsigned long max)
{
	return 1 + below(max);
}

static void op_touch(int pid, bool write)
{
	unsigned long n = len_pages(16);
	unsigned long addr;
	struct mmsim_fault f;

	if (below(8) == 0)	/* a few pages of the giant regions, one per pte table */
		addr = (below(2) ? G0 : G1) + below(4) * 37 * PMD_SIZE + below(4) * PG;
	else
		addr = wpage();
	logf_("touch %d %#lx +%lu %s", pid, addr, n, write ? "w" : "r");
	for (unsigned long i = 0; i < n; i++)
		(void)mmsim_touch(R->m, pid, addr + i * PG, PG, write, &f);	/* holes fault */
}

static void op_mmap(int pid)
{
	unsigned long addr = wpage(), n = len_pages(48);
	int flags = below(3) ? ANON : SHANON;
	int64_t r;

	if (below(6) == 0) {	/* a whole 2 MiB slot, for the table moves */
		addr = WBASE + below(NSLOTS) * SLOT_PAGES * PG;
		n = SLOT_PAGES;
	}
	if (addr + n * PG > WBASE + WPAGES * PG)
		n = (WBASE + WPAGES * PG - addr) / PG;
	r = mmsim_mmap(R->m, pid, addr, n * PG, below(5) ? RW : MMSIM_PROT_READ,
		       flags | MMSIM_MAP_FIXED, -1, 0);
	logf_("mmap %d %#lx +%lu %s = %lld", pid, addr, n, flags == ANON ? "anon" : "shared",
	      (long long)r);
	CHECK(r == (int64_t)addr, "mmap failed: %lld", (long long)r);
}

/* The giant regions: map one 1 GiB region, or move it to the other (a pmd-table move). */
static void op_giant(int pid)
{
	struct task_struct *t = find_task_by_pid(R->m, pid);
	struct vm_area_struct *vma = find_vma(t->mm, G0);
	unsigned long from, to;
	int64_t r;

	if (vma && vma->vm_start <= G0 && vma->vm_end >= G0 + GIANT)
		from = G0, to = G1;
	else if ((vma = find_vma(t->mm, G1)) && vma->vm_start <= G1 && vma->vm_end >= G1 + GIANT)
		from = G1, to = G0;
	else {
		r = mmsim_mmap(R->m, pid, G0, GIANT, RW, ANON | MMSIM_MAP_FIXED | MMSIM_MAP_NORESERVE,
			       -1, 0);
		logf_("giant mmap %d = %lld", pid, (long long)r);
		CHECK(r == (int64_t)G0, "giant mmap: %lld", (long long)r);
		return;
	}
	r = mmsim_mremap(R->m, pid, from, GIANT, GIANT, MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED, to);
	logf_("giant move %d %#lx -> %#lx = %lld", pid, from, to, (long long)r);
	CHECK(r == (int64_t)to, "giant mremap: %lld", (long long)r);
	R->giant_moves++;
}

static void op_munmap(int pid)
{
	unsigned long addr = wpage(), n = len_pages(32);
	int r = mmsim_munmap(R->m, pid, addr, n * PG);

	logf_("munmap %d %#lx +%lu = %d", pid, addr, n, r);
}

static void op_mprotect(int pid)
{
	static const int prots[] = { MMSIM_PROT_NONE, MMSIM_PROT_READ, RW, RW };
	unsigned long addr = wpage(), n = len_pages(32);
	int prot = prots[below(4)];
	int r = mmsim_mprotect(R->m, pid, addr, n * PG, prot);

	logf_("mprotect %d %#lx +%lu %d = %d", pid, addr, n, prot, r);
}

/* A range inside one VMA of the window, resized or moved; or a whole slot moved. */
static void op_mremap(int pid)
{
	struct task_struct *t = find_task_by_pid(R->m, pid);
	unsigned long addr = wpage(), start, end, new_len, to = 0;
	struct vm_area_struct *vma = find_vma(t->mm, addr);
	int flags = 0;
	int64_t r;

	if (below(3) == 0) {	/* slot to slot: whole pte tables change place */
		unsigned long a = below(NSLOTS), b = (a + 1 + below(NSLOTS - 1)) % NSLOTS;

		start = WBASE + a * SLOT_PAGES * PG;
		r = mmsim_mremap(R->m, pid, start, SLOT_PAGES * PG, SLOT_PAGES * PG,
				 MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED,
				 WBASE + b * SLOT_PAGES * PG);
		logf_("mremap slot %d %lu -> %lu = %lld", pid, a, b, (long long)r);
		if (r >= 0)
			R->slot_moves++;
		return;
	}
	if (!vma || vma->vm_start > addr || vma->vm_start < WBASE ||
	    vma->vm_end > WBASE + WPAGES * PG)
		return;
	start = vma->vm_start + below((addr - vma->vm_start) / PG + 1) * PG;
	end = addr + PG + below((vma->vm_end - addr) / PG) * PG;
	new_len = len_pages(2 * (end - start) / PG) * PG;
	switch (below(4)) {
	case 0:
		break;				/* in place, or fail */
	case 1:
		flags = MMSIM_MREMAP_MAYMOVE;
		break;
	default:
		flags = MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED;
		to = wpage();
		if (to + new_len > WBASE + WPAGES * PG)
			to = WBASE + WPAGES * PG - new_len;
		if (below(4) == 0) {	/* keep the old range mapped, empty */
			flags |= MMSIM_MREMAP_DONTUNMAP;
			new_len = end - start;
		}
		break;
	}
	r = mmsim_mremap(R->m, pid, start, end - start, new_len, flags, to);
	logf_("mremap %d %#lx +%lu -> %lu flags %d to %#lx = %#llx", pid, start,
	      (end - start) / PG, new_len / PG, flags, to, (long long)r);
	/* a move without FIXED may land outside the window: bring it back or drop it */
	if (r > 0 && ((uint64_t)r < WBASE || (uint64_t)r + new_len > WBASE + WPAGES * PG))
		(void)mmsim_munmap(R->m, pid, (uint64_t)r, new_len);
}

static void op_madvise(int pid)
{
	static const char *const advice[] = { "dontneed", "dontneed", "free", "free", "dontfork",
					      "dofork", "wipeonfork", "keeponfork" };
	const char *name = advice[below(8)];
	unsigned long addr = wpage(), n = len_pages(32);
	int r = mmsim_madvise(R->m, pid, addr, n * PG, mmsim_madvise_parse(name));

	logf_("madvise %d %#lx +%lu %s = %d", pid, addr, n, name, r);
}

static void op_mlock(int pid)
{
	unsigned long addr = wpage(), n = len_pages(16);
	bool lock = below(2);
	int r = lock ? mmsim_mlock(R->m, pid, addr, n * PG) : mmsim_munlock(R->m, pid, addr, n * PG);

	logf_("%s %d %#lx +%lu = %d", lock ? "mlock" : "munlock", pid, addr, n, r);
}

/* Mostly a page some pte maps now (the last scan's), from a process that maps it. */
static void op_try_to_unmap(int pid)
{
	unsigned long addr = wpage();
	int r;

	if (R->scan.n && below(8)) {
		size_t at = below(R->scan.n), k;
		struct ref *ref;

		/* a shmem page if there is one: those can go without swap */
		for (k = 0; k < R->scan.n && PageAnon(R->scan.v[(at + k) % R->scan.n].page); k++)
			;
		ref = &R->scan.v[(at + (k < R->scan.n ? k : 0)) % R->scan.n];

		for (int i = 0; i < R->nr; i++) {
			struct task_struct *t = find_task_by_pid(R->m, R->pids[i]);

			if (t && t->mm == ref->mm) {
				pid = R->pids[i];
				addr = ref->addr;
				break;
			}
		}
	}
	r = mmsim_try_to_unmap(R->m, pid, addr);

	logf_("try_to_unmap %d %#lx = %d", pid, addr, r);
	if (r == 1)
		R->unmapped++;
}

static void op_fork(int pid, bool thread)
{
	int child = thread ? mmsim_clone_vm(R->m, pid) : mmsim_fork(R->m, pid);

	logf_("%s %d = %d", thread ? "clone_vm" : "fork", pid, child);
	CHECK(child > 0, "fork failed: %d", child);
	R->pids[R->nr++] = child;
	R->forks++;
}

static void op_exit(void)
{
	int i = (int)below((unsigned long)R->nr);
	int pid = R->pids[i];

	if (below(5) == 0)
		logf_("exec %d = %d", pid, mmsim_exec(R->m, pid, "exec"));
	else
		logf_("exit %d = %d", pid, mmsim_exit(R->m, pid, 0));
	/* exec ends the other threads of the process (de_thread) */
	for (i = R->nr - 1; i >= 0; i--) {
		struct task_struct *t = find_task_by_pid(R->m, R->pids[i]);

		if (!t || !t->mm)
			drop_task(i);
	}
}

static void random_step(void)
{
	int pid;
	unsigned long dice;

	if (!R->nr) {
		R->pids[R->nr++] = pid = mmsim_spawn(R->m, "rmap");
		logf_("spawn = %d", pid);
		CHECK(pid > 0, "spawn failed");
		return;
	}
	pid = pick_task();
	dice = below(100);
	if (dice < 22)
		op_touch(pid, true);
	else if (dice < 30)
		op_touch(pid, false);
	else if (dice < 40)
		op_mmap(pid);
	else if (dice < 42)
		op_giant(pid);
	else if (dice < 47)
		op_munmap(pid);
	else if (dice < 52)
		op_mprotect(pid);
	else if (dice < 63 && R->no_boundaries)
		op_giant(pid);
	else if (dice < 63)
		op_mremap(pid);
	else if (dice < 69)
		op_madvise(pid);
	else if (dice < 71)
		op_mlock(pid);
	else if (dice < 76)
		op_try_to_unmap(pid);
	else if (dice < 86) {
		if (R->nr < MAX_TASKS)
			op_fork(pid, below(8) == 0);
	} else if (dice < 91) {
		op_exit();
	} else {
		struct mmsim_rmap_walk w;

		/* the public walk: one walk per anonymous page, each found once */
		CHECK(mmsim_rmap_walk_task(R->m, pid, &w) == 0, "mmsim_rmap_walk_task");
		CHECK(w.mapped >= w.pages && w.referenced <= w.mapped, "rmap_walk_task figures");
	}
}

/*
 * One seeded run on a machine booted with opts; returns its digest.
 * no_boundaries leaves out the mremaps of window ranges, whose outcome
 * depends on where VMAs begin and end - and the designs merge VMAs
 * differently (anon_vma_chain keeps forked anon_vmas apart, as Linux
 * does; one anon_vma per family merged more, as 2.6.7-2.6.33 did).
 */
static uint64_t random_run(const char *opts, unsigned long seed, unsigned long steps,
			   bool no_boundaries, bool check_coverage)
{
	struct rnd r = { .seed = seed, .rng = seed * 0x9E3779B97F4A7C15ULL + 1,
			 .digest = 0xcbf29ce484222325ULL, .no_boundaries = no_boundaries };
	struct machine *m;

	R = &r;
	r.m = m = test_boot(opts);
	r.found.m = m;
	assert_int_equal(m->nr_anon_vmas, 0);
	assert_int_equal(m->nr_anon_vma_chains, 0);
	for (r.step = 0; r.step < steps; r.step++) {
		random_step();
		if (getenv("MMSIM_RMAP_TRACE"))
			fprintf(stderr, "%lu: %s  [pt %ld]\n", r.step, r.log[(r.nlog - 1) % LOG_LINES],
				global_node_page_state(m, NR_PAGETABLE));
		verify_walks();
		if (r.step % 4 == 0) {
			int problems = validate_rmap(m);

			CHECK(!problems, "validate_rmap: %d problems", problems);
		}
		if (r.step % 64 == 0)
			check_machine(m);
	}
	check_machine(m);
	while (r.nr) {
		logf_("exit %d = %d", r.pids[0], mmsim_exit(m, r.pids[0], 0));
		drop_task(0);
	}
	verify_walks();
	CHECK(r.scan.n == 0, "%zu ptes still map pages", r.scan.n);
	CHECK(m->nr_anon_vmas == 0 && m->nr_anon_vma_chains == 0,
	      "%lu anon_vmas and %lu chains left after every process exited", m->nr_anon_vmas,
	      m->nr_anon_vma_chains);
	/* pte_chain keeps one block ready for the next mapping (pte_chain_prealloc), no more */
	if (m->cfg.rmap == RMAP_PTE_CHAIN)
		CHECK(m->pte_chain_reserve && m->nr_pte_chains == 1,
		      "%lu pte_chain blocks left, reserve %p", m->nr_pte_chains, m->pte_chain_reserve);
	else
		CHECK(m->nr_pte_chains == 0 && !m->pte_chain_reserve, "pte_chain blocks in mode %d",
		      (int)m->cfg.rmap);
	check_machine(m);
	/* the run met what it is about */
	CHECK(!check_coverage || (r.forks > 3 && r.shared_pages > 100 && r.max_sharing >= 3 &&
	      (r.slot_moves > 0 || no_boundaries) &&
	      r.giant_moves > 0 && r.unmapped > 0),
	      "weak run: %lu forks, %lu shared pages (max %lu), %lu slot moves, %lu giant moves, "
	      "%lu unmapped", r.forks, r.shared_pages, r.max_sharing, r.slot_moves, r.giant_moves,
	      r.unmapped);
	printf("rmap=%d seed %lu: %lu steps, %lu forks, %lu shared pages (max %lu ptes), %lu slot "
	       "moves, %lu giant moves, %lu pages unmapped\n", (int)m->cfg.rmap, seed, steps, r.forks,
	       r.shared_pages, r.max_sharing, r.slot_moves, r.giant_moves, r.unmapped);
	free(r.scan.v);
	free(r.found.refs.v);
	mmsim_shutdown(m);
	R = NULL;
	return r.digest;
}

/*
 * Scan mode's walk reads every page table for every page (the point of
 * it), so its run is shorter to stay within the test's time.
 */
static void test_random_against_brute_force(void **state)
{
	const char *boot = getenv("MMSIM_TEST_BOOT");
	bool scan = boot && strstr(boot, "rmap=scan");
	unsigned long seed = env_ul("MMSIM_RMAP_SEED", 0);
	unsigned long steps = env_ul("MMSIM_RMAP_STEPS", scan ? 500 : 1000);

	(void)state;
	if (seed) {
		random_run("mem=256M cpus=2", seed, steps, false, false);
		return;
	}
	for (seed = 1; seed <= (scan ? 2 : 4); seed++)
		random_run("mem=256M cpus=2", seed, steps, false, true);
}

/*
 * The designs differ in work and memory only: one seeded run gives the
 * same results, mapcounts and counters on all four (leaving out the calls
 * whose outcome VMA merging decides, see random_run). Each boots its
 * design itself, so the default run is enough.
 */
static void test_designs_agree(void **state)
{
	static const char *const opts[] = { "rmap=scan mem=256M cpus=2",
					    "rmap=pte_chain mem=256M cpus=2",
					    "rmap=anon_vma mem=256M cpus=2",
					    "rmap=anon_vma_chain mem=256M cpus=2" };
	uint64_t d[4];

	(void)state;
	if (getenv("MMSIM_TEST_BOOT") && *getenv("MMSIM_TEST_BOOT"))
		skip();
	for (int i = 0; i < 4; i++) {
		d[i] = random_run(opts[i], 7, 300, true, true);
		if (i)
			assert_int_equal(d[i], d[0]);
	}
}

/* ------------------------------------------------------------------ */
/* The walk's users                                                    */
/* ------------------------------------------------------------------ */

static pte_t *pte_at(struct machine *m, int pid, unsigned long addr)
{
	struct task_struct *t = find_task_by_pid(m, pid);
	pte_t *pte;

	assert_non_null(t);
	pte = walk_pte(t->mm, addr);
	return pte && pte_present(*pte) ? pte : NULL;
}

static struct page *page_at(struct machine *m, int pid, unsigned long addr)
{
	struct task_struct *t = find_task_by_pid(m, pid);
	pte_t *pte = pte_at(m, pid, addr);

	assert_non_null(pte);
	return vm_normal_page(find_vma(t->mm, addr), addr, *pte);
}

static struct mm_struct *mm_of(struct machine *m, int pid)
{
	return find_task_by_pid(m, pid)->mm;
}

static void touch1(struct machine *m, int pid, unsigned long addr, int write)
{
	struct mmsim_fault f;

	assert_int_equal(mmsim_touch(m, pid, addr, PG, write, &f), 0);
}

static unsigned long min_flt(struct machine *m, int pid)
{
	struct mmsim_task_info info;

	assert_int_equal(mmsim_task_info(m, pid, &info), 0);
	return info.min_flt;
}

static unsigned long map_anon(struct machine *m, int pid, unsigned long pages, int flags)
{
	int64_t a = mmsim_mmap(m, pid, 0, pages * PG, RW, flags, -1, 0);

	assert_true(a > 0);
	return (unsigned long)a;
}

/* The order in which the design's walk finds the ptes of page (by mm). */
struct walk_order {
	struct mm_struct *mm[MAX_TASKS + 2];
	int n;
};

static bool order_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		      pte_t *pte, void *arg)
{
	struct walk_order *o = arg;

	if (!pte)
		pte = page_vma_mapped_pte(page, vma, addr);
	if (pte && o->n < MAX_TASKS + 2)
		o->mm[o->n++] = vma->vm_mm;
	return true;
}

/*
 * folio_referenced tests and clears the young bit of every pte mapping the
 * page and counts the young ones; an mlocked mapping counts as a reference
 * and ends the walk (Linux: the page cannot be reclaimed anyway).
 */
static void test_folio_referenced(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int p = mmsim_spawn(m, "ref"), c[2];
	unsigned long a = map_anon(m, p, 4, ANON);
	struct walk_order order = { .n = 0 };
	struct page *page;
	int expect = 0;
	bool after_locked = false;

	(void)state;
	assert_int_equal(mmsim_touch(m, p, a, 4 * PG, 1, NULL), 0);
	c[0] = mmsim_fork(m, p);
	c[1] = mmsim_fork(m, p);
	page = page_at(m, p, a);
	assert_int_equal(page_mapcount(page), 3);
	/* fork leaves the children's copies of the ptes old, the parent's young */
	assert_true(pte_young(*pte_at(m, p, a)));
	assert_false(pte_young(*pte_at(m, c[0], a)));
	assert_false(pte_young(*pte_at(m, c[1], a)));
	assert_int_equal(folio_referenced(m, page), 1);
	assert_false(pte_young(*pte_at(m, p, a)));
	assert_int_equal(folio_referenced(m, page), 0);
	/* the children's first reads set their accessed bits */
	touch1(m, c[0], a, 0);
	touch1(m, c[1], a, 0);
	assert_int_equal(folio_referenced(m, page), 2);
	assert_int_equal(folio_referenced(m, page), 0);
	check_machine(m);

	/*
	 * page 1: young in all three; the second child mlocks it (read-only
	 * first: mlock of a writable private page would break COW, as Linux's
	 * populate does, and the child would lock a copy of its own)
	 */
	page = page_at(m, p, a + PG);
	touch1(m, c[0], a + PG, 0);
	touch1(m, c[1], a + PG, 0);
	assert_int_equal(mmsim_mprotect(m, c[1], a + PG, PG, MMSIM_PROT_READ), 0);
	assert_int_equal(mmsim_mlock(m, c[1], a + PG, PG), 0);
	assert_ptr_equal(page_at(m, c[1], a + PG), page);
	assert_true(PageMlocked(page));
	for (int i = 0; i < 3; i++)
		assert_true(pte_young(*pte_at(m, i < 2 ? c[i] : p, a + PG)));
	rmap_walk(m, page, &(struct rmap_walk_control){ .arg = &order, .rmap_one = order_one });
	assert_int_equal(order.n, 3);
	/* the young ptes met before the locked one count; the locked one counts and stops */
	for (int i = 0; i < order.n; i++) {
		if (order.mm[i] == mm_of(m, c[1]))
			break;
		expect++;
	}
	assert_int_equal(folio_referenced(m, page), expect + 1);
	for (int i = 0; i < order.n; i++) {
		int pid = order.mm[i] == mm_of(m, p) ? p : order.mm[i] == mm_of(m, c[0]) ? c[0] : c[1];

		/* before the locked mapping: cleared; it and after it: untouched */
		assert_int_equal(pte_young(*pte_at(m, pid, a + PG)), after_locked || pid == c[1]);
		if (pid == c[1])
			after_locked = true;
	}
	/* a page nobody maps is not referenced */
	assert_int_equal(mmsim_munmap(m, p, a + 2 * PG, PG), 0);
	assert_int_equal(mmsim_munmap(m, c[0], a + 2 * PG, PG), 0);
	assert_int_equal(mmsim_munmap(m, c[1], a + 2 * PG, PG), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(mmsim_exit(m, c[i], 0), 0);
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/*
 * page_mkclean: every shared writable pte of a shmem page becomes
 * read-only and clean, and the TLBs forget the old permission: the next
 * write faults (write notification) and then succeeds.
 */
static void test_page_mkclean(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int p = mmsim_spawn(m, "clean"), c;
	unsigned long a = map_anon(m, p, 2, SHANON), b = map_anon(m, p, 1, ANON);
	struct mmsim_fault f;
	unsigned char v = 0x5a, got = 0;
	struct page *page;
	unsigned long flt;

	(void)state;
	touch1(m, p, a, 1);
	touch1(m, p, b, 1);
	c = mmsim_fork(m, p);
	touch1(m, c, a, 1);
	page = page_at(m, p, a);
	assert_ptr_equal(page_at(m, c, a), page);
	assert_false(PageAnon(page));
	assert_int_equal(page_mapcount(page), 2);
	assert_true(pte_dirty(*pte_at(m, c, a)) && pte_write(*pte_at(m, c, a)));
	assert_true(pte_write(*pte_at(m, p, a)));

	assert_int_equal(page_mkclean(m, page), 2);
	for (int pid = 0; pid < 2; pid++) {
		pte_t pte = *pte_at(m, pid ? c : p, a);

		assert_false(pte_write(pte));
		assert_false(pte_dirty(pte));
	}
	assert_int_equal(page_mkclean(m, page), 0);	/* nothing left to clean */
	/* both had the page in their TLBs: the write must fault again */
	flt = min_flt(m, p);
	assert_int_equal(mmsim_write(m, p, a, &v, 1, &f), 0);
	assert_int_equal(min_flt(m, p), flt + 1);
	assert_true(pte_write(*pte_at(m, p, a)) && pte_dirty(*pte_at(m, p, a)));
	flt = min_flt(m, c);
	assert_int_equal(mmsim_read(m, c, a, &got, 1, &f), 0);
	assert_int_equal(got, 0x5a);
	assert_int_equal(mmsim_write(m, c, a, &v, 1, &f), 0);
	assert_int_equal(min_flt(m, c), flt + 1);
	/* private anonymous memory is never written back: page_mkclean leaves it */
	page = page_at(m, p, b);
	{
		pteval_t before = pte_val(*pte_at(m, p, b));

		assert_true(pte_dirty(*pte_at(m, p, b)));
		assert_int_equal(page_mkclean(m, page), 0);
		assert_int_equal(pte_val(*pte_at(m, p, b)), before);
	}
	check_machine(m);
	assert_int_equal(mmsim_exit(m, c, 0), 0);
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static uint64_t tlb_flush_events(struct machine *m)
{
	return m->vm_events[NR_TLB_LOCAL_FLUSH_ONE] + m->vm_events[NR_TLB_LOCAL_FLUSH_ALL] +
	       m->vm_events[NR_TLB_REMOTE_FLUSH];
}

/*
 * try_to_unmap of a shmem page: every process loses its pte, RSS and
 * mapcount and nr_mapped drop, the TLBs are flushed (the next access
 * faults), and the page stays in its shmem file for the next fault.
 */
static void test_try_to_unmap_shmem(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int pids[3];
	unsigned long a, flt[3];
	long mapped0, shmem0[3];
	uint64_t flushes0;
	unsigned char v = 0x77;
	struct mmsim_fault f;
	struct page *page;

	(void)state;
	pids[0] = mmsim_spawn(m, "unmap");
	a = map_anon(m, pids[0], 4, SHANON);
	assert_int_equal(mmsim_write(m, pids[0], a + PG, &v, 1, &f), 0);
	pids[1] = mmsim_fork(m, pids[0]);
	pids[2] = mmsim_fork(m, pids[0]);
	for (int i = 0; i < 3; i++) {
		touch1(m, pids[i], a + PG, 0);	/* mapped, and in the TLB */
		shmem0[i] = get_mm_counter(mm_of(m, pids[i]), MM_SHMEMPAGES);
		flt[i] = min_flt(m, pids[i]);
	}
	page = page_at(m, pids[0], a + PG);
	assert_int_equal(page_mapcount(page), 3);
	mapped0 = global_node_page_state(m, NR_FILE_MAPPED);
	flushes0 = tlb_flush_events(m);

	assert_int_equal(mmsim_try_to_unmap(m, pids[2], a + PG), 1);
	assert_int_equal(page_mapcount(page), 0);
	assert_int_equal(global_node_page_state(m, NR_FILE_MAPPED), mapped0 - 1);
	assert_true(tlb_flush_events(m) > flushes0);
	for (int i = 0; i < 3; i++) {
		unsigned char got = 0;

		assert_null(pte_at(m, pids[i], a + PG));
		assert_int_equal(get_mm_counter(mm_of(m, pids[i]), MM_SHMEMPAGES), shmem0[i] - 1);
		/* the access faults (no stale TLB entry) and finds the same page */
		assert_int_equal(mmsim_read(m, pids[i], a + PG, &got, 1, &f), 0);
		assert_int_equal(got, 0x77);
		assert_int_equal(min_flt(m, pids[i]), flt[i] + 1);
		assert_ptr_equal(page_at(m, pids[i], a + PG), page);
	}
	assert_int_equal(page_mapcount(page), 3);
	assert_int_equal(mmsim_try_to_unmap(m, pids[0], a + 3 * PG), -EFAULT);	/* nothing there */
	check_machine(m);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mmsim_exit(m, pids[i], 0), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/*
 * Anonymous pages without swap: a clean MADV_FREE'd page is simply dropped
 * (pglazyfreed; the next read sees zeros), one written again since stays
 * and is swap-backed again, and an ordinary anonymous page stays.
 */
static void test_try_to_unmap_anon(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int p = mmsim_spawn(m, "lazy");
	unsigned long a = map_anon(m, p, 3, ANON);
	unsigned char v[3] = { 1, 2, 3 }, got = 0xee;
	struct mmsim_fault f;
	struct page *page;
	long rss0, anon0;
	uint64_t lazy0;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(mmsim_write(m, p, a + (unsigned long)i * PG, &v[i], 1, &f), 0);
	assert_int_equal(mmsim_madvise(m, p, a, 2 * PG, mmsim_madvise_parse("free")), 0);
	assert_int_equal(mmsim_write(m, p, a + PG, &v[1], 1, &f), 0);	/* redirtied */
	lru_add_drain_all(m);	/* the lazyfree batch moves the pages; its references go */
	rss0 = get_mm_counter(mm_of(m, p), MM_ANONPAGES);
	anon0 = global_node_page_state(m, NR_ANON_PAGES);
	lazy0 = m->vm_events[PGLAZYFREED];

	page = page_at(m, p, a);
	assert_false(PageSwapBacked(page));
	assert_int_equal(mmsim_try_to_unmap(m, p, a), 1);
	assert_null(pte_at(m, p, a));
	assert_int_equal(m->vm_events[PGLAZYFREED], lazy0 + 1);
	assert_int_equal(get_mm_counter(mm_of(m, p), MM_ANONPAGES), rss0 - 1);
	assert_int_equal(global_node_page_state(m, NR_ANON_PAGES), anon0 - 1);
	assert_int_equal(mmsim_read(m, p, a, &got, 1, &f), 0);
	assert_int_equal(got, 0);	/* the data was given up */

	page = page_at(m, p, a + PG);
	assert_int_equal(mmsim_try_to_unmap(m, p, a + PG), 0);
	assert_ptr_equal(page_at(m, p, a + PG), page);
	assert_true(PageSwapBacked(page));
	assert_int_equal(mmsim_read(m, p, a + PG, &got, 1, &f), 0);
	assert_int_equal(got, 2);

	/* an ordinary anonymous page needs swap, which is not built: it stays */
	page = page_at(m, p, a + 2 * PG);
	assert_int_equal(mmsim_try_to_unmap(m, p, a + 2 * PG), 0);
	assert_ptr_equal(page_at(m, p, a + 2 * PG), page);
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(mmsim_read(m, p, a + 2 * PG, &got, 1, &f), 0);
	assert_int_equal(got, 3);
	assert_int_equal(m->vm_events[PGLAZYFREED], lazy0 + 1);
	check_machine(m);
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ------------------------------------------------------------------ */
/* The fork storm's shape, on counts                                   */
/* ------------------------------------------------------------------ */

#define STORM_K		40
#define STORM_PAGES	4
#define NRPTE		7	/* pte addresses per 64-byte pte_chain block */

/* pte_chain blocks the mapped pages need: ceil(n / NRPTE) for n >= 2 mappings. */
static unsigned long chain_blocks_needed(struct machine *m)
{
	struct refs r = { 0 };
	unsigned long blocks = 0, mappings = 0, pages = 0;

	brute_force(m, &r);
	for (size_t i = 0, j; i < r.n; i = j) {
		for (j = i + 1; j < r.n && r.v[j].page == r.v[i].page; j++)
			;
		pages++;
		mappings += j - i;
		if (j - i >= 2)
			blocks += (j - i + NRPTE - 1) / NRPTE;
	}
	free(r.v);
	/* ~ one block per NRPTE mappings: the memory grows with the mappings */
	assert_true(blocks * NRPTE >= mappings - pages && blocks * NRPTE <= mappings + NRPTE * pages);
	return blocks;
}

/* Every pte table under some VMA of some process: what a scan-mode walk may read. */
static unsigned long pte_tables(struct machine *m)
{
	struct mm_struct *mm;
	unsigned long n = 0;

	list_for_each_entry(mm, &m->mm_list, mmlist) {
		struct vm_area_struct *vma;

		for_each_vma(mm, vma) {
			for (unsigned long addr = vma->vm_start; addr < vma->vm_end;
			     addr = min((addr + PMD_SIZE) & PMD_MASK, vma->vm_end)) {
				pmd_t *pmd = walk_pmd(mm, addr);

				n += pmd && !pmd_none(*pmd) && !pmd_leaf(*pmd);
			}
		}
	}
	return n;
}

static void storm(const char *mode)
{
	char opts[64];
	struct machine *m;
	struct mmsim_rmap_info info;
	struct mmsim_rmap_walk sum = { 0 };
	unsigned long a, tables;
	unsigned long avs0, avcs0;
	int p, kids[STORM_K];

	snprintf(opts, sizeof(opts), "rmap=%s mem=256M cpus=2", mode);
	m = test_boot(opts);
	p = mmsim_spawn(m, "storm");
	a = map_anon(m, p, STORM_PAGES, ANON);
	assert_int_equal(mmsim_touch(m, p, a, STORM_PAGES * PG, 1, NULL), 0);
	avs0 = m->nr_anon_vmas;
	avcs0 = m->nr_anon_vma_chains;
	for (int i = 0; i < STORM_K; i++) {
		kids[i] = mmsim_fork(m, p);
		assert_true(kids[i] > 0);
	}
	/* the rmap's memory at its peak, right after the forks */
	mmsim_rmap_info(m, &info);
	assert_string_equal(info.mode, mode);
	switch (m->cfg.rmap) {
	case RMAP_PTE_CHAIN:
		/* every page shared K+1 ways needs its blocks; one more waits as the reserve */
		assert_int_equal(info.pte_chains, chain_blocks_needed(m) + 1);
		assert_true(info.pte_chains >= STORM_PAGES * (STORM_K + 1) / NRPTE);
		assert_int_equal(info.anon_vmas + info.anon_vma_chains, 0);
		assert_int_equal(info.bytes, 64 * info.pte_chains);
		break;
	case RMAP_ANON_VMA:
		/* one family: no new objects per fork */
		assert_int_equal(info.anon_vmas, avs0);
		assert_int_equal(info.anon_vma_chains + info.pte_chains, 0);
		break;
	case RMAP_ANON_VMA_CHAIN:
		/* each forked VMA with an anon_vma: its own anon_vma and two chains */
		assert_true(info.anon_vmas >= avs0 + STORM_K);
		assert_int_equal((info.anon_vmas - avs0) % STORM_K, 0);
		assert_int_equal(info.anon_vma_chains - avcs0, 2 * (info.anon_vmas - avs0));
		break;
	case RMAP_SCAN:
		assert_int_equal(info.anon_vmas + info.anon_vma_chains + info.pte_chains, 0);
		assert_int_equal(info.bytes, 0);
		break;
	}
	check_machine(m);

	/* every child writes every page: parent and children share nothing any more */
	for (int i = 0; i < STORM_K; i++)
		assert_int_equal(mmsim_touch(m, kids[i], a, STORM_PAGES * PG, 1, NULL), 0);
	tables = pte_tables(m);
	for (int i = 0; i < STORM_K; i++) {
		for (unsigned long j = 0; j < STORM_PAGES; j++) {
			struct mmsim_rmap_walk w;

			assert_int_equal(mmsim_rmap_walk_page(m, kids[i], a + j * PG, &w), 0);
			assert_int_equal(w.mapped, 1);
			sum.pages++;
			sum.vmas += w.vmas;
			sum.ptes += w.ptes;
			sum.pgtables += w.pgtables;
		}
	}
	switch (m->cfg.rmap) {
	case RMAP_ANON_VMA:
		/* the family's list: the child's VMA is somewhere among K+1, ~K/2 on average */
		assert_true(sum.vmas > sum.pages * STORM_K / 4);
		assert_true(sum.vmas <= sum.pages * (STORM_K + 1));
		assert_int_equal(sum.ptes, sum.vmas);
		break;
	case RMAP_ANON_VMA_CHAIN:
		/* the child's own anon_vma holds its own VMA only */
		assert_int_equal(sum.vmas, sum.pages);
		assert_int_equal(sum.ptes, sum.pages);
		break;
	case RMAP_PTE_CHAIN:
		/* the chain names the one pte: no VMA search */
		assert_int_equal(sum.ptes, sum.pages);
		assert_int_equal(sum.vmas, 0);
		break;
	case RMAP_SCAN:
		/* every process's tables until the owner's: half the machine's on average */
		assert_true(sum.pgtables > sum.pages * tables / 4);
		assert_true(sum.pgtables <= sum.pages * tables);
		assert_true(sum.pgtables > sum.pages * STORM_K / 4);
		assert_true(sum.ptes >= sum.pgtables);
		break;
	}
	if (m->cfg.rmap != RMAP_SCAN)
		assert_int_equal(sum.pgtables, 0);
	check_machine(m);
	for (int i = 0; i < STORM_K; i++)
		assert_int_equal(mmsim_exit(m, kids[i], 0), 0);
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	assert_int_equal(m->nr_anon_vmas + m->nr_anon_vma_chains, 0);
	assert_int_equal(m->nr_pte_chains, m->cfg.rmap == RMAP_PTE_CHAIN);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Boots each design itself (the shape differs by design, not by MMSIM_TEST_BOOT). */
static void test_fork_storm_shape(void **state)
{
	static const char *const modes[] = { "scan", "pte_chain", "anon_vma", "anon_vma_chain" };

	(void)state;
	if (getenv("MMSIM_TEST_BOOT") && *getenv("MMSIM_TEST_BOOT"))
		skip();	/* the default run did all four */
	for (int i = 0; i < 4; i++)
		storm(modes[i]);
}

/*
 * Found by the random run: MREMAP_FIXED|DONTUNMAP of part of a VMA (the
 * source stays mapped, empty) looped over its own source until page
 * tables ran out. Linux 6.18 (the host) moves it: the same calls there
 * return the new address.
 */
static void test_dontunmap_part_of_vma(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int p = mmsim_spawn(m, "dontunmap");
	unsigned long a = WBASE + 0x200000, to = WBASE + 0x695000;
	long pt0;
	int64_t r;

	(void)state;
	assert_int_equal(mmsim_mmap(m, p, a, 512 * PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), (int64_t)a);
	assert_int_equal(mmsim_touch(m, p, a + 0x44000, 16 * PG, 1, NULL), 0);
	pt0 = global_node_page_state(m, NR_PAGETABLE);
	r = mmsim_mremap(m, p, a + 0x44000, 383 * PG, 383 * PG,
			 MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED | MMSIM_MREMAP_DONTUNMAP, to);
	assert_int_equal(r, (int64_t)to);
	assert_true(global_node_page_state(m, NR_PAGETABLE) <= pt0 + 2);
	assert_non_null(pte_at(m, p, to));		/* the pages came along */
	assert_null(pte_at(m, p, a + 0x44000));		/* the source stays, empty */
	assert_non_null(find_vma(mm_of(m, p), a + 0x44000));
	check_machine(m);
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_brute_force),
		cmocka_unit_test(test_designs_agree),
		cmocka_unit_test(test_folio_referenced),
		cmocka_unit_test(test_page_mkclean),
		cmocka_unit_test(test_try_to_unmap_shmem),
		cmocka_unit_test(test_try_to_unmap_anon),
		cmocka_unit_test(test_fork_storm_shape),
		cmocka_unit_test(test_dontunmap_part_of_vma),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
