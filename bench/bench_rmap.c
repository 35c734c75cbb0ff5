/*
 * bench_rmap.c - the four reverse-map designs (rmap=scan, pte_chain,
 * anon_vma, anon_vma_chain) in host time, beside the host kernel.
 *
 * 1. Reverse-walk cost per page: a parent writes STORM_PAGES pages and
 *    forks STORM_K children that each write every page (the fork storm of
 *    issue 4); folio_referenced - the walk reclaim makes - runs once on
 *    every child's data page. Figure: host ns per walked page. Anchor: the
 *    host kernel's cheapest per-page operation, a first-touch anonymous
 *    fault, measured in the same run (the host offers no rmap walk on
 *    demand: MADV_PAGEOUT skips folio_referenced).
 * 2. fork+exit throughput: a process with FORK_PAGES pages touched forks
 *    a child that exits at once (mmsim_fork + mmsim_exit), and a storm of
 *    STORM_K children forked then exited together (pte_chain's exit
 *    searches chains as long as the number of processes). Anchor: the host
 *    doing the same with fork, _exit and waitpid on the same memory.
 * 3. rmap memory per mapped page: the design's objects (anon_vma,
 *    anon_vma_chain, pte_chain blocks) in bytes, per pte mapping a page,
 *    right after the storm's forks and again after the copy-on-write.
 *    Deterministic: the same in every run.
 *
 * Host figures are best of RUNS (a loaded host shows its best); reported,
 * never asserted.
 *
 * Invariants: each measurement boots its own machine per design and shuts
 * it down after; a failed simulated call exits with status 1 rather than
 * report a figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "memory.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "vma.h"

#define PG		4096UL
#define STORM_K		1000
#define STORM_PAGES	4
#define FORK_PAGES	4096		/* 16 MiB touched for the fork+exit loop */
#define FORK_LOOPS	200
#define RUNS		3

static const char *const modes[] = { "scan", "pte_chain", "anon_vma", "anon_vma_chain" };

static mmsim_machine *boot(const char *mode)
{
	char options[64];

	snprintf(options, sizeof(options), "mem=2G cpus=2 rmap=%s", mode);
	return bench_boot(options, false);
}

static void must(long r, const char *what)
{
	if (r < 0) {
		fprintf(stderr, "bench_rmap: %s failed: %ld\n", what, r);
		exit(1);
	}
}

/* The page mapped at addr in pid's address space. */
static struct page *page_at(mmsim_machine *m, int pid, unsigned long addr)
{
	struct task_struct *t = find_task_by_pid(m, pid);
	pte_t *pte = walk_pte(t->mm, addr);

	if (!pte || !pte_present(*pte))
		return NULL;
	return vm_normal_page(find_vma(t->mm, addr), addr, *pte);
}

/* ptes mapping pages, machine-wide (each process's RSS). */
static unsigned long mapped_ptes(mmsim_machine *m)
{
	struct mm_struct *mm;
	unsigned long n = 0;

	list_for_each_entry(mm, &m->mm_list, mmlist)
		n += get_mm_rss(mm);
	return n;
}

struct storm_figures {
	double walk_ns;			/* per walked page, best of RUNS */
	double vmas, ptes, pgtables;	/* work per walked page */
	double bytes_forked, bytes_cowed;	/* rmap bytes per mapped pte */
	double fork_ns, exit_ns;	/* per fork, per exit in the storm */
};

/* The fork storm in one design: forks, COW, walks, exits. */
static struct storm_figures storm(const char *mode)
{
	mmsim_machine *m = boot(mode);
	static int kids[STORM_K];
	static struct page *pages[STORM_K * STORM_PAGES];
	struct storm_figures f = { .walk_ns = -1 };
	struct mmsim_rmap_info info;
	int p = mmsim_spawn(m, "storm");
	int64_t a = mmsim_mmap(m, p, 0, STORM_PAGES * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	uint64_t t0, ev0[3];
	size_t n = 0;

	must(p, "spawn");
	must(a, "mmap");
	must(mmsim_touch(m, p, (uint64_t)a, STORM_PAGES * PG, 1, NULL), "touch");
	t0 = bench_now_ns();
	for (int i = 0; i < STORM_K; i++) {
		kids[i] = mmsim_fork(m, p);
		must(kids[i], "fork");
	}
	f.fork_ns = (double)(bench_now_ns() - t0) / STORM_K;
	mmsim_rmap_info(m, &info);
	f.bytes_forked = (double)info.bytes / (double)mapped_ptes(m);
	for (int i = 0; i < STORM_K; i++)
		must(mmsim_touch(m, kids[i], (uint64_t)a, STORM_PAGES * PG, 1, NULL), "cow");
	mmsim_rmap_info(m, &info);
	f.bytes_cowed = (double)info.bytes / (double)mapped_ptes(m);
	for (int i = 0; i < STORM_K; i++)
		for (unsigned long j = 0; j < STORM_PAGES; j++)
			pages[n++] = page_at(m, kids[i], (unsigned long)a + j * PG);

	ev0[0] = m->vm_events[RMAP_WALK_VMA];
	ev0[1] = m->vm_events[RMAP_WALK_PTE];
	ev0[2] = m->vm_events[RMAP_WALK_PGTABLE];
	for (int r = 0; r < RUNS; r++) {
		uint64_t t = bench_now_ns();
		int refs = 0;

		for (size_t i = 0; i < n; i++)
			refs += folio_referenced(m, pages[i]);
		t = bench_now_ns() - t;
		bench_sink(&refs);
		if (f.walk_ns < 0 || (double)t / (double)n < f.walk_ns)
			f.walk_ns = (double)t / (double)n;
	}
	f.vmas = (double)(m->vm_events[RMAP_WALK_VMA] - ev0[0]) / (double)(n * RUNS);
	f.ptes = (double)(m->vm_events[RMAP_WALK_PTE] - ev0[1]) / (double)(n * RUNS);
	f.pgtables = (double)(m->vm_events[RMAP_WALK_PGTABLE] - ev0[2]) / (double)(n * RUNS);

	t0 = bench_now_ns();
	for (int i = 0; i < STORM_K; i++)
		must(mmsim_exit(m, kids[i], 0), "exit");
	f.exit_ns = (double)(bench_now_ns() - t0) / STORM_K;
	mmsim_shutdown(m);
	return f;
}

/* fork + exit of a child of a process with FORK_PAGES touched, best of RUNS. */
static double fork_exit_ns(const char *mode)
{
	mmsim_machine *m = boot(mode);
	int p = mmsim_spawn(m, "forker");
	int64_t a = mmsim_mmap(m, p, 0, FORK_PAGES * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	double best = -1;

	must(a, "mmap");
	must(mmsim_touch(m, p, (uint64_t)a, FORK_PAGES * PG, 1, NULL), "touch");
	for (int r = 0; r < RUNS; r++) {
		uint64_t t = bench_now_ns();

		for (int i = 0; i < FORK_LOOPS; i++) {
			int c = mmsim_fork(m, p);

			must(c, "fork");
			must(mmsim_exit(m, c, 0), "exit");
		}
		t = bench_now_ns() - t;
		if (best < 0 || (double)t / FORK_LOOPS < best)
			best = (double)t / FORK_LOOPS;
	}
	mmsim_shutdown(m);
	return best;
}

/*
 * The host: a helper process touches pages pages, then times loops of
 * fork + _exit + waitpid (one child at a time), or storm children forked
 * first and reaped after (fork and exit+reap timed apart). Results come
 * back through a pipe: { fork+exit per loop, storm fork, storm exit }.
 */
static void host_figures(unsigned long pages, int loops, int storm_k, double out[3])
{
	int fds[2];
	pid_t helper;

	out[0] = out[1] = out[2] = -1;
	if (pipe(fds))
		return;
	helper = fork();
	if (helper < 0)
		return;
	if (helper == 0) {
		char *mem = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double res[3] = { -1, -1, -1 };
		pid_t *kids = calloc((size_t)storm_k, sizeof(*kids));

		if (mem == MAP_FAILED || !kids)
			_exit(1);
		madvise(mem, pages * PG, MADV_NOHUGEPAGE);
		for (unsigned long i = 0; i < pages; i++)
			mem[i * PG] = (char)i;
		for (int r = 0; r < RUNS; r++) {
			uint64_t t = bench_now_ns();

			for (int i = 0; i < loops; i++) {
				pid_t c = fork();

				if (c == 0)
					_exit(0);
				if (c < 0)
					_exit(1);
				waitpid(c, NULL, 0);
			}
			t = bench_now_ns() - t;
			if (res[0] < 0 || (double)t / loops < res[0])
				res[0] = (double)t / loops;
		}
		if (storm_k) {
			/* the storm: children stay (blocked on a pipe) until all are forked */
			int gate[2];
			uint64_t t;

			if (pipe(gate))
				_exit(1);
			t = bench_now_ns();
			for (int i = 0; i < storm_k; i++) {
				kids[i] = fork();
				if (kids[i] == 0) {
					char c;

					close(gate[1]);
					if (read(gate[0], &c, 1) < 0)
						_exit(1);
					_exit(0);
				}
				if (kids[i] < 0)
					_exit(1);
			}
			res[1] = (double)(bench_now_ns() - t) / storm_k;
			t = bench_now_ns();
			close(gate[1]);		/* EOF: every child exits */
			for (int i = 0; i < storm_k; i++)
				waitpid(kids[i], NULL, 0);
			res[2] = (double)(bench_now_ns() - t) / storm_k;
		}
		if (write(fds[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], out, 3 * sizeof(double)) != 3 * sizeof(double))
		out[0] = out[1] = out[2] = -1;
	close(fds[0]);
	waitpid(helper, NULL, 0);
}

/* The host's first-touch anonymous fault, per page (best of RUNS over 4096 pages). */
static double host_fault_ns(void)
{
	double best = -1;

	for (int r = 0; r < RUNS; r++) {
		char *mem = mmap(NULL, 4096 * PG, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t t;

		if (mem == MAP_FAILED)
			return -1;
		madvise(mem, 4096 * PG, MADV_NOHUGEPAGE);
		t = bench_now_ns();
		for (unsigned long i = 0; i < 4096; i++)
			mem[i * PG] = 1;
		t = bench_now_ns() - t;
		munmap(mem, 4096 * PG);
		if (best < 0 || (double)t / 4096 < best)
			best = (double)t / 4096;
	}
	return best;
}

int main(void)
{
	struct storm_figures f[4];
	double host_loop[3], host_storm[3], fault = host_fault_ns();
	double fe[4];
	char what[96];

	host_figures(FORK_PAGES, FORK_LOOPS, 0, host_loop);
	host_figures(STORM_PAGES, 0, STORM_K, host_storm);
	for (int i = 0; i < 4; i++) {
		f[i] = storm(modes[i]);
		fe[i] = fork_exit_ns(modes[i]);
	}

	printf("1. Reverse walk (folio_referenced) of a child's page after a fork storm of %d children\n"
	       "   that each wrote every one of their %d pages:\n", STORM_K, STORM_PAGES);
	for (int i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "rmap_walk/page %s", modes[i]);
		bench_report(what, f[i].walk_ns, "host first-touch fault", fault);
	}
	for (int i = 0; i < 4; i++)
		printf("   %-15s work per page: %.1f VMAs, %.1f ptes, %.1f page tables\n", modes[i],
		       f[i].vmas, f[i].ptes, f[i].pgtables);

	printf("\n2. fork+exit of a process with %lu MiB touched (one child at a time):\n",
	       FORK_PAGES * PG >> 20);
	for (int i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "fork+exit 16M %s", modes[i]);
		bench_report(what, fe[i], "host fork+exit+wait", host_loop[0]);
	}
	printf("   fork storm of %d children (%d pages touched), per child:\n", STORM_K, STORM_PAGES);
	for (int i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "storm fork %s", modes[i]);
		bench_report(what, f[i].fork_ns, "host fork", host_storm[1]);
		snprintf(what, sizeof(what), "storm exit %s", modes[i]);
		bench_report(what, f[i].exit_ns, "host exit+wait", host_storm[2]);
	}

	printf("\n3. rmap memory per mapped page (bytes of rmap objects per pte mapping a page;\n"
	       "   deterministic):\n");
	for (int i = 0; i < 4; i++)
		printf("   %-15s %8.2f B right after the storm's forks, %8.2f B after every child's COW\n",
		       modes[i], f[i].bytes_forked, f[i].bytes_cowed);
	return 0;
}
