/*
 * bench_tlb.c - the simulated MMU's speed: an access that hits the TLB
 * (target <= 5 ns) and one that misses and walks four levels of page
 * tables (target <= 30 ns), each beside the host doing the same kind of
 * access in the same run: one load per page through a pointer chase over a
 * host buffer of the same footprint (for the miss case the host's own
 * TLB misses and walks). Page tables are built by hand, every pte present,
 * so no access faults. Host figures: reported, never asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench_util.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "sched.h"
#include "tlbflush.h"

#define BASE		0x10000000UL
#define HOT_PAGES	64		/* fits the 1536-entry TLB */
#define COLD_PAGES	16384		/* 64 MiB: ten times the TLB's reach */
#define ACCESSES	(2 * 1000 * 1000)
#define RUNS		21

struct bench {
	struct machine *m;
	struct mm_struct *mm;
	struct task_struct *t;
	unsigned long *order;		/* page visiting order */
	unsigned long npages;
};

static struct machine *boot(void)
{
	struct machine *m = bench_boot("mem=1G cpus=2", false);

	if (!m->init_mm && paging_init(m))
		exit(1);
	if (!m->tlbstate && tlb_init(m))
		exit(1);
	return m;
}

/* An mm with COLD_PAGES pages at BASE and a task running it on CPU 0. */
static void setup(struct bench *b)
{
	struct machine *m = b->m;
	struct mm_struct *mm = calloc(1, sizeof(*mm));
	struct task_struct *t = calloc(1, sizeof(*t));

	mm->machine = m;
	mm->mm_users = mm->mm_count = 1;
	mm->task_size = TASK_SIZE_L4;
	spin_lock_init(&mm->mmap_lock, LOCK_MMAP);
	spin_lock_init(&mm->page_table_lock, LOCK_PTL);
	INIT_LIST_HEAD(&mm->mmlist);
	if (pgd_alloc(mm))
		exit(1);
	for (unsigned long i = 0; i < COLD_PAGES; i++) {
		pte_t *pte = walk_pte_alloc(mm, BASE + i * PAGE_SIZE);
		struct page *p = alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0);

		if (!pte || !p)
			exit(1);
		*pte = pfn_pte(page_to_pfn(m, p), __pgprot(PAGE_SHARED | _PAGE_DIRTY));
	}
	t->machine = m;
	t->mm = mm;
	t->pid = 1;
	m->current = t;
	m->cpu = 0;
	switch_mm(m, 0, mm);
	b->mm = mm;
	b->t = t;
}

static void set_order(struct bench *b, unsigned long npages, bool shuffle)
{
	uint64_t x = 88172645463325252ULL;

	b->npages = npages;
	for (unsigned long i = 0; i < npages; i++)
		b->order[i] = i;
	for (unsigned long i = npages - 1; shuffle && i > 0; i--) {
		unsigned long j;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = x % (i + 1);
		unsigned long tmp = b->order[i];
		b->order[i] = b->order[j];
		b->order[j] = tmp;
	}
}

/* ACCESSES accesses, one per page in b->order, cycling; 8-byte reads or touches. */
static double run_mmu(struct bench *b, bool read)
{
	struct ksiginfo si;
	uint64_t x = 0, t0;
	unsigned long k = 0;

	t0 = bench_now_ns();
	for (long i = 0; i < ACCESSES; i++) {
		unsigned long addr = BASE + b->order[k] * PAGE_SIZE + 64;

		if (++k == b->npages)
			k = 0;
		if (mmu_access(b->t, addr, read ? &x : NULL, 8, ACC_READ, &si, NULL))
			exit(1);
	}
	bench_sink(&x);
	return (double)(bench_now_ns() - t0) / ACCESSES;
}

/* The host: one load per page, each page holding the next page's address. */
static double run_host(const struct bench *b, char *buf)
{
	void **p;
	uint64_t t0;

	for (unsigned long i = 0; i < b->npages; i++) {
		unsigned long next = b->order[(i + 1) % b->npages];

		*(void **)(buf + b->order[i] * PAGE_SIZE + 64) = buf + next * PAGE_SIZE + 64;
	}
	p = (void **)(buf + b->order[0] * PAGE_SIZE + 64);
	t0 = bench_now_ns();
	for (long i = 0; i < ACCESSES; i++)
		p = *p;
	bench_sink(p);
	return (double)(bench_now_ns() - t0) / ACCESSES;
}

static double best_mmu(struct bench *b, bool read)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		double ns = run_mmu(b, read);

		best = ns < best ? ns : best;
	}
	return best;
}

static double best_host(const struct bench *b, char *buf)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		double ns = run_host(b, buf);

		best = ns < best ? ns : best;
	}
	return best;
}

int main(void)
{
	struct bench b = { .m = boot() };
	/* 4 KiB host pages (no THP), so the host's TLB misses as ours does. */
	size_t host_bytes = (size_t)COLD_PAGES * PAGE_SIZE;
	char *host = mmap(NULL, host_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct tlb_stats s0, s1;
	double ns, anchor;

	b.order = calloc(COLD_PAGES, sizeof(*b.order));
	if (host == MAP_FAILED || !b.order)
		return 1;
	madvise(host, host_bytes, MADV_NOHUGEPAGE);
	memset(host, 1, host_bytes);
	setup(&b);

	set_order(&b, HOT_PAGES, true);
	anchor = best_host(&b, host);
	ns = best_mmu(&b, true);
	bench_report("mmu_access 8-byte read, TLB hit", ns, "host load, 64-page chase", anchor);
	ns = best_mmu(&b, false);
	bench_report("mmu_access touch, TLB hit", ns, "host load, 64-page chase", anchor);

	set_order(&b, COLD_PAGES, false);
	anchor = best_host(&b, host);
	tlb_get_stats(b.m, 0, &s0);
	ns = best_mmu(&b, false);
	tlb_get_stats(b.m, 0, &s1);
	bench_report("mmu_access touch, TLB miss + walk, seq", ns, "host load, 64 MiB seq chase",
		     anchor);
	printf("  (walks per access %.3f)\n",
	       (double)(s1.walks - s0.walks) / ((double)ACCESSES * RUNS));

	set_order(&b, COLD_PAGES, true);
	anchor = best_host(&b, host);
	ns = best_mmu(&b, false);
	bench_report("mmu_access touch, TLB miss + walk, random", ns,
		     "host load, 64 MiB random chase", anchor);
	ns = best_mmu(&b, true);
	bench_report("mmu_access 8-byte read, miss, random", ns, "host load, 64 MiB random chase",
		     anchor);

	munmap(host, host_bytes);
	free(b.order);
	tlb_mm_release(b.mm);
	tlb_exit(b.m);
	b.m->current = NULL;
	mmsim_shutdown(b.m);
	free(b.mm);
	free(b.t);
	return 0;
}
