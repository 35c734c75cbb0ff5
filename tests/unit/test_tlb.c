/*
 * test_tlb.c - the simulated MMU and TLB (mm/tlb.c, mm/mmu.c): fills and
 * hits, Accessed/Dirty set by the walk, flushes and their vmstat counters,
 * PCID keeping entries across context switches (and not without PCID),
 * shootdowns to a second CPU, the lazily cleared mm_cpumask, pti's CR3
 * switches, five-level addresses, kernel and non-canonical addresses, and
 * validate_tlb catching a pte made stricter without a flush.
 *
 * Most tests build page tables by hand with every pte present, so no
 * access faults; the last ones run a spawned process through the real
 * system calls and faults (do_user_addr_fault's signals, stack growth,
 * page tables freed by munmap, pti's CR3 loads per system call).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mman.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "sched.h"
#include "tlbflush.h"
#include "vma.h"
#include "../../src/mm/tlb_internal.h"

#define BASE	0x10000000UL
#define NPAGES	64

struct world {
	struct machine *m;
	bool own_tlb;
	struct mm_struct *mm[2];
	struct task_struct *task[2];	/* task i runs mm[i] on CPU i */
	struct page *pages[2][NPAGES];
};

static struct mm_struct *make_mm(struct machine *m)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	mm->machine = m;
	mm->mm_users = mm->mm_count = 1;
	mm->task_size = m->cfg.pgtable_levels == 5 ? TASK_SIZE_L5 : TASK_SIZE_L4;
	spin_lock_init(&mm->mmap_lock, LOCK_MMAP);
	spin_lock_init(&mm->page_table_lock, LOCK_PTL);
	INIT_LIST_HEAD(&mm->mmlist);
	mm->ctx_id = ++m->next_ctx_id;
	assert_int_equal(pgd_alloc(mm), 0);
	return mm;
}

/* Map NPAGES pages at base: user, writable, not yet accessed or dirty. */
static void map_pages(struct mm_struct *mm, unsigned long base, struct page **pages)
{
	struct machine *m = mm->machine;

	for (int i = 0; i < NPAGES; i++) {
		pte_t *pte = walk_pte_alloc(mm, base + i * PAGE_SIZE);

		pages[i] = alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0);
		assert_non_null(pte);
		assert_non_null(pages[i]);
		*pte = pfn_pte(page_to_pfn(m, pages[i]),
			       __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_NX));
	}
}

static void unmap_pages(struct mm_struct *mm, unsigned long base, struct page **pages)
{
	for (int i = 0; i < NPAGES; i++) {
		*walk_pte(mm, base + i * PAGE_SIZE) = __pte(0);
		__free_pages(mm->machine, pages[i], 0);
	}
}

static struct task_struct *make_task(struct machine *m, struct mm_struct *mm, int cpu, int pid)
{
	struct task_struct *t = calloc(1, sizeof(*t));

	t->machine = m;
	t->mm = mm;
	t->cpu = cpu;
	t->pid = pid;
	return t;
}

/* task_enter without kernel/fork.c. */
static void enter(struct task_struct *t)
{
	t->machine->current = t;
	t->machine->cpu = t->cpu;
	switch_mm(t->machine, t->cpu, t->mm);
}

static struct world *world_new(const char *opts, unsigned long base1)
{
	struct world *w = calloc(1, sizeof(*w));

	w->m = test_boot(opts);
	if (!w->m->init_mm)
		assert_int_equal(paging_init(w->m), 0);
	w->own_tlb = !w->m->tlbstate;
	if (w->own_tlb)
		assert_int_equal(tlb_init(w->m), 0);
	for (int i = 0; i < 2; i++) {
		w->mm[i] = make_mm(w->m);
		map_pages(w->mm[i], i ? base1 : BASE, w->pages[i]);
		w->task[i] = make_task(w->m, w->mm[i], i, i + 1);
	}
	return w;
}

static void world_free(struct world *w, unsigned long base1)
{
	struct machine *m = w->m;

	for (int i = 0; i < 2; i++) {
		unmap_pages(w->mm[i], i ? base1 : BASE, w->pages[i]);
		flush_tlb_mm(w->mm[i]);
		assert_int_equal(validate_tlb(m), 0);
		tlb_mm_release(w->mm[i]);
		/* The tables stay: test_pgtable covers freeing; shutdown drops all memory. */
		free(w->task[i]);
	}
	if (w->own_tlb)
		tlb_exit(m);
	m->current = NULL;
	mmsim_shutdown(m);
	for (int i = 0; i < 2; i++)
		free(w->mm[i]);
	free(w);
}

static struct tlb_stats stats(struct machine *m, int cpu)
{
	struct tlb_stats st;

	tlb_get_stats(m, cpu, &st);
	return st;
}

static bool in_tlb(struct machine *m, int cpu, unsigned long addr)
{
	return tlb_lookup4k(cpu_tlbstate(m, cpu), addr >> PAGE_SHIFT) != NULL;
}

static int access(struct task_struct *t, unsigned long addr, void *buf, size_t len,
		  unsigned int acc)
{
	struct ksiginfo si;
	size_t done = 0;
	int ret = mmu_access(t, addr, buf, len, acc, &si, &done);

	if (!ret) {
		assert_int_equal(si.signo, 0);
		assert_int_equal(done, len);
	}
	return ret;
}

static unsigned long vmev(struct machine *m, enum vm_event_item i)
{
	return m->vm_events[i];
}

static void test_hit_after_fill_and_ad_bits(void **state)
{
	struct world *w = world_new("mem=256M cpus=2", BASE);
	struct machine *m = w->m;
	struct task_struct *t = w->task[0];
	pte_t *pte = walk_pte(w->mm[0], BASE);
	struct tlb_stats s0, s1;
	uint64_t x = 0;

	(void)state;
	enter(t);
	s0 = stats(m, 0);
	assert_false(in_tlb(m, 0, BASE));
	assert_int_equal(access(t, BASE + 8, &x, sizeof(x), ACC_READ), 0);
	s1 = stats(m, 0);
	assert_int_equal(s1.misses - s0.misses, 1);
	assert_int_equal(s1.walks - s0.walks, 1);
	assert_true(in_tlb(m, 0, BASE));
	assert_true(pte_young(*pte));
	assert_false(pte_dirty(*pte));	/* a read does not dirty */
	/* Hit: no walk. */
	assert_int_equal(access(t, BASE + 16, &x, sizeof(x), ACC_READ), 0);
	s0 = stats(m, 0);
	assert_int_equal(s0.walks, s1.walks);
	assert_int_equal(s0.hits - s1.hits, 1);
	/* A write through the clean entry walks again and sets Dirty. */
	x = 0x1122334455667788ULL;
	assert_int_equal(access(t, BASE + 8, &x, sizeof(x), ACC_WRITE), 0);
	s1 = stats(m, 0);
	assert_int_equal(s1.walks - s0.walks, 1);
	assert_true(pte_dirty(*pte));
	/* Then writes hit. */
	assert_int_equal(access(t, BASE + 24, &x, sizeof(x), ACC_WRITE), 0);
	s0 = stats(m, 0);
	assert_int_equal(s0.walks, s1.walks);
	/* The bytes went to the frame, and read back through the MMU. */
	assert_memory_equal((char *)page_address(m, w->pages[0][0]) + 8, &x, sizeof(x));
	uint64_t y = 0;
	assert_int_equal(access(t, BASE + 24, &y, sizeof(y), ACC_READ), 0);
	assert_int_equal(y, x);
	/* A multi-page access crosses pages and fills each. */
	char buf[3 * PAGE_SIZE];
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(access(t, BASE + PAGE_SIZE + 100, buf, sizeof(buf), ACC_WRITE), 0);
	assert_int_equal(((char *)page_address(m, w->pages[0][1]))[99], 0);
	assert_int_equal(((char *)page_address(m, w->pages[0][1]))[100], 0x5a);
	assert_int_equal(((char *)page_address(m, w->pages[0][4]))[99], 0x5a);
	assert_int_equal(((char *)page_address(m, w->pages[0][4]))[100], 0);
	assert_true(in_tlb(m, 0, BASE + 4 * PAGE_SIZE));
	assert_false(in_tlb(m, 0, BASE + 5 * PAGE_SIZE));
	assert_int_equal(validate_tlb(m), 0);
	world_free(w, BASE);
}

static void test_flush_counts(void **state)
{
	struct world *w = world_new("mem=256M cpus=2", BASE);
	struct machine *m = w->m;
	struct task_struct *t = w->task[0];
	unsigned long one0 = vmev(m, NR_TLB_LOCAL_FLUSH_ONE), all0 = vmev(m, NR_TLB_LOCAL_FLUSH_ALL);
	unsigned long rem0 = vmev(m, NR_TLB_REMOTE_FLUSH);

	(void)state;
	enter(t);
	assert_int_equal(access(t, BASE, NULL, NPAGES * PAGE_SIZE, ACC_READ), 0);
	for (int i = 0; i < NPAGES; i++)
		assert_true(in_tlb(m, 0, BASE + i * PAGE_SIZE));
	/* One page. */
	flush_tlb_mm_range(w->mm[0], BASE, BASE + PAGE_SIZE, PAGE_SHIFT, false);
	assert_false(in_tlb(m, 0, BASE));
	assert_true(in_tlb(m, 0, BASE + PAGE_SIZE));
	assert_int_equal(vmev(m, NR_TLB_LOCAL_FLUSH_ONE) - one0, 1);
	/* 33 pages: still one by one (the ceiling is inclusive). */
	flush_tlb_mm_range(w->mm[0], BASE + PAGE_SIZE, BASE + 34 * PAGE_SIZE, PAGE_SHIFT, false);
	assert_int_equal(vmev(m, NR_TLB_LOCAL_FLUSH_ONE) - one0, 34);
	assert_false(in_tlb(m, 0, BASE + 33 * PAGE_SIZE));
	assert_true(in_tlb(m, 0, BASE + 34 * PAGE_SIZE));
	assert_int_equal(vmev(m, NR_TLB_LOCAL_FLUSH_ALL), all0);
	/* 34 pages: a full flush. */
	flush_tlb_mm_range(w->mm[0], BASE, BASE + 34 * PAGE_SIZE, PAGE_SHIFT, false);
	assert_int_equal(vmev(m, NR_TLB_LOCAL_FLUSH_ALL) - all0, 1);
	assert_false(in_tlb(m, 0, BASE + 50 * PAGE_SIZE));
	/* Only this CPU ever ran the mm: no remote flush. */
	assert_int_equal(vmev(m, NR_TLB_REMOTE_FLUSH), rem0);
	/* An mm loaded nowhere: nothing counted, but its generation moves. */
	uint64_t gen = w->mm[1]->tlb_gen;
	flush_tlb_mm(w->mm[1]);
	assert_int_equal(w->mm[1]->tlb_gen, gen + 1);
	assert_int_equal(vmev(m, NR_TLB_LOCAL_FLUSH_ALL) - all0, 1);
	assert_int_equal(validate_tlb(m), 0);
	world_free(w, BASE);
}

/* Two mms on CPU 0: PCID keeps both sets of entries across switches. */
static void run_switch(const char *opts, bool pcid)
{
	struct world *w = world_new(opts, BASE + 0x100000000UL);
	struct machine *m = w->m;
	struct task_struct *a = w->task[0];
	struct task_struct *b = make_task(m, w->mm[1], 0, 9);	/* mm[1] on CPU 0 */
	unsigned long baddr = BASE + 0x100000000UL;
	struct tlb_stats s0, s1;

	enter(a);
	assert_int_equal(access(a, BASE, NULL, 8, ACC_READ), 0);
	enter(b);
	assert_int_equal(access(b, baddr, NULL, 8, ACC_READ), 0);
	s0 = stats(m, 0);
	enter(a);
	assert_int_equal(access(a, BASE, NULL, 8, ACC_READ), 0);
	s1 = stats(m, 0);
	assert_int_equal(s1.cr3_loads - s0.cr3_loads, 1);
	/* With PCID mm[0]'s entry survived the round trip; without, it was flushed. */
	assert_int_equal(s1.walks - s0.walks, pcid ? 0 : 1);
	/* A flush of mm[1] while it is not loaded: it bumps the generation... */
	flush_tlb_mm(w->mm[1]);
	enter(b);
	s0 = stats(m, 0);
	assert_int_equal(access(b, baddr, NULL, 8, ACC_READ), 0);
	s1 = stats(m, 0);
	/* ...so the switch back found its ASID out of date and flushed it. */
	assert_int_equal(s1.walks - s0.walks, 1);
	assert_int_equal(validate_tlb(m), 0);
	/* Both mms have CPU 0 in their cpumask (cleared lazily). */
	assert_true(mm_cpumask_test(w->mm[0], 0));
	assert_true(mm_cpumask_test(w->mm[1], 0));
	free(b);
	enter(a);
	world_free(w, baddr);
}

static void test_pcid_keeps_entries(void **state)
{
	(void)state;
	run_switch("mem=256M cpus=2", true);
}

static void test_no_pcid_drops_entries(void **state)
{
	(void)state;
	run_switch("mem=256M cpus=2 pcid=0", false);
}

/* More mms than ASID slots: the oldest slot is recycled and flushed. */
static void test_asid_recycling(void **state)
{
	struct world *w = world_new("mem=256M cpus=2", BASE + 0x100000000UL);
	struct machine *m = w->m;
	struct mm_struct *extra[TLB_NR_DYN_ASIDS];
	struct task_struct *a = w->task[0];
	struct tlb_stats s0, s1;

	(void)state;
	enter(a);
	assert_int_equal(access(a, BASE, NULL, 8, ACC_READ), 0);
	/* init_mm holds slot 0, mm[0] slot 1; six more mms wrap around. */
	for (int i = 0; i < TLB_NR_DYN_ASIDS; i++) {
		extra[i] = make_mm(m);
		switch_mm(m, 0, extra[i]);
	}
	s0 = stats(m, 0);
	enter(a);
	assert_int_equal(access(a, BASE, NULL, 8, ACC_READ), 0);
	s1 = stats(m, 0);
	assert_int_equal(s1.walks - s0.walks, 1);	/* its slot was taken */
	assert_int_equal(validate_tlb(m), 0);
	for (int i = 0; i < TLB_NR_DYN_ASIDS; i++) {
		tlb_mm_release(extra[i]);
		pgd_free(extra[i]);
		free(extra[i]);
	}
	world_free(w, BASE + 0x100000000UL);
}

/* mm[0] on CPUs 0 and 1: a flush from CPU 0 reaches CPU 1. */
static void test_remote_flush(void **state)
{
	struct world *w = world_new("mem=256M cpus=2", BASE + 0x100000000UL);
	struct machine *m = w->m;
	struct task_struct *a0 = w->task[0];
	struct task_struct *a1 = make_task(m, w->mm[0], 1, 7);	/* a thread on CPU 1 */
	unsigned long rem0 = vmev(m, NR_TLB_REMOTE_FLUSH), rcv0 = vmev(m, NR_TLB_REMOTE_FLUSH_RECEIVED);
	unsigned long one0 = vmev(m, NR_TLB_LOCAL_FLUSH_ONE);

	(void)state;
	enter(a1);
	assert_int_equal(access(a1, BASE, NULL, 8, ACC_READ), 0);
	enter(a0);
	assert_int_equal(access(a0, BASE, NULL, 8, ACC_READ), 0);
	assert_true(in_tlb(m, 0, BASE) && in_tlb(m, 1, BASE));
	flush_tlb_mm_range(w->mm[0], BASE, BASE + PAGE_SIZE, PAGE_SHIFT, false);
	assert_false(in_tlb(m, 0, BASE));
	assert_false(in_tlb(m, 1, BASE));
	assert_int_equal(vmev(m, NR_TLB_REMOTE_FLUSH) - rem0, 1);
	assert_int_equal(vmev(m, NR_TLB_REMOTE_FLUSH_RECEIVED) - rcv0, 1);
	assert_int_equal(vmev(m, NR_TLB_LOCAL_FLUSH_ONE) - one0, 1);	/* the initiator only */

	/* CPU 1 moves to mm[1]; its bit in mm[0]'s mask stays (lazy). */
	enter(w->task[1]);
	assert_true(mm_cpumask_test(w->mm[0], 1));
	enter(a0);
	/* No tables freed: the remote flush is counted, no IPI is received. */
	flush_tlb_mm_range(w->mm[0], BASE, BASE + PAGE_SIZE, PAGE_SHIFT, false);
	assert_int_equal(vmev(m, NR_TLB_REMOTE_FLUSH) - rem0, 2);
	assert_int_equal(vmev(m, NR_TLB_REMOTE_FLUSH_RECEIVED) - rcv0, 1);
	assert_true(mm_cpumask_test(w->mm[0], 1));
	/* Tables freed: CPU 1 gets the IPI and leaves the mask. */
	flush_tlb_mm_range(w->mm[0], BASE, BASE + PAGE_SIZE, PAGE_SHIFT, true);
	assert_int_equal(vmev(m, NR_TLB_REMOTE_FLUSH) - rem0, 3);
	assert_int_equal(vmev(m, NR_TLB_REMOTE_FLUSH_RECEIVED) - rcv0, 2);
	assert_false(mm_cpumask_test(w->mm[0], 1));
	/* Now only CPU 0 is in the mask: a local flush, no remote. */
	flush_tlb_mm_range(w->mm[0], BASE, BASE + PAGE_SIZE, PAGE_SHIFT, true);
	assert_int_equal(vmev(m, NR_TLB_REMOTE_FLUSH) - rem0, 3);
	assert_int_equal(validate_tlb(m), 0);
	free(a1);
	world_free(w, BASE + 0x100000000UL);
}

/* A pte made read-only without a flush is a broken invariant validate_tlb sees. */
static void test_validate_stale_entry(void **state)
{
	struct world *w = world_new("mem=256M cpus=2", BASE);
	struct machine *m = w->m;
	struct task_struct *t = w->task[0];
	pte_t *pte = walk_pte(w->mm[0], BASE);

	(void)state;
	enter(t);
	assert_int_equal(access(t, BASE, NULL, 8, ACC_WRITE), 0);
	*pte = pte_wrprotect(*pte);
	assert_int_not_equal(validate_tlb(m), 0);
	flush_tlb_mm_range(w->mm[0], BASE, BASE + PAGE_SIZE, PAGE_SHIFT, false);
	assert_int_equal(validate_tlb(m), 0);
	/* Raising the right back needs no flush: the next write re-walks. */
	*pte = pte_mkwrite(*pte);
	assert_int_equal(access(t, BASE, NULL, 8, ACC_READ), 0);
	assert_int_equal(access(t, BASE, NULL, 8, ACC_WRITE), 0);
	assert_int_equal(validate_tlb(m), 0);
	world_free(w, BASE);
}

static void test_pti_cr3_loads(void **state)
{
	(void)state;
	for (int pcid = 0; pcid <= 1; pcid++) {
		struct world *w = world_new(pcid ? "mem=256M cpus=2 pti=1" :
					    "mem=256M cpus=2 pti=1 pcid=0", BASE);
		struct machine *m = w->m;
		struct task_struct *t = w->task[0];
		struct tlb_stats s0, s1;

		enter(t);
		assert_int_equal(access(t, BASE, NULL, 8, ACC_READ), 0);
		s0 = stats(m, 0);
		pti_syscall_enter_exit(m);
		s1 = stats(m, 0);
		assert_int_equal(s1.cr3_loads - s0.cr3_loads, 2);
		/* With PCID the user's entries survive the syscall; without, they go. */
		assert_int_equal(in_tlb(m, 0, BASE), pcid);
		assert_int_equal(access(t, BASE, NULL, 8, ACC_READ), 0);
		/* The walk used the user copy of the pgd. */
		assert_ptr_equal(cpu_tlbstate(m, 0)->cr3_pgd, w->mm[0]->pgd + 512);
		assert_int_equal(validate_tlb(m), 0);
		world_free(w, BASE);
	}
	/* Without pti a syscall costs no CR3 load. */
	struct world *w = world_new("mem=256M cpus=2", BASE);
	struct tlb_stats s0 = stats(w->m, 0), s1;
	pti_syscall_enter_exit(w->m);
	s1 = stats(w->m, 0);
	assert_int_equal(s1.cr3_loads, s0.cr3_loads);
	world_free(w, BASE);
}

static void test_five_level_addresses(void **state)
{
	unsigned long hi = 0x00ff000000000000UL;
	struct world *w = world_new("mem=256M cpus=2 pgtable_levels=5", hi);
	struct machine *m = w->m;
	struct task_struct *t = w->task[1];
	uint32_t v = 0xdeadbeef, r = 0;

	(void)state;
	enter(t);
	assert_int_equal(access(t, hi + 4, &v, sizeof(v), ACC_WRITE), 0);
	assert_int_equal(access(t, hi + 4, &r, sizeof(r), ACC_READ), 0);
	assert_int_equal(r, v);
	assert_true(in_tlb(m, 1, hi));
	assert_false(in_tlb(m, 1, hi & ((1UL << 47) - 1)));	/* no aliasing of the top bits */
	assert_int_equal(validate_tlb(m), 0);
	world_free(w, hi);
}

/* Kernel and non-canonical addresses fault without asking the VMA tree. */
static void test_bad_addresses(void **state)
{
	struct world *w = world_new("mem=256M cpus=2", BASE);
	struct task_struct *t = w->task[0];
	struct ksiginfo si;
	size_t done = 1;
	char buf[16];

	(void)state;
	enter(t);
	assert_int_equal(mmu_access(t, 0xffff888000001000UL, buf, 8, ACC_READ, &si, &done), -EFAULT);
	assert_int_equal(si.signo, SIGSEGV);
	assert_int_equal(si.code, SEGV_MAPERR);
	assert_int_equal(si.addr, 0xffff888000001000UL);
	assert_int_equal(done, 0);
	assert_int_equal(mmu_access(t, 0x0000900000000000UL, buf, 8, ACC_READ, &si, NULL), -EFAULT);
	assert_int_equal(si.signo, SIGSEGV);
	assert_int_equal(si.code, SI_KERNEL);
	assert_int_equal(si.addr, 0);
	/* An access running off the top of user space stops at the boundary. */
	unsigned long top = w->mm[0]->task_size;
	struct mm_struct *mm = w->mm[0];
	pte_t *pte = walk_pte_alloc(mm, top - PAGE_SIZE);
	*pte = pfn_pte(page_to_pfn(w->m, w->pages[0][0]),
		       __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_NX));
	assert_int_equal(mmu_access(t, top - 8, buf, 16, ACC_READ, &si, &done), -EFAULT);
	assert_int_equal(done, 8);
	assert_int_equal(si.addr, top);
	*pte = __pte(0);
	flush_tlb_mm(mm);
	world_free(w, BASE);
}


/* ---- Through the real kernel: a spawned process, its VMAs and faults ---- */

static struct task_struct *spawn(struct machine *m)
{
	int err = 0;
	struct task_struct *t = task_spawn(m, "mmutest", &err);

	assert_non_null(t);
	return t;
}

static int fault_code(struct task_struct *t, unsigned long addr, unsigned int acc,
		      unsigned long *fault_addr)
{
	struct ksiginfo si;
	uint64_t x = 0;
	int ret;

	task_enter(t);
	ret = mmu_access(t, addr, &x, sizeof(x), acc, &si, NULL);
	if (!ret)
		return 0;
	assert_int_equal(ret, -EFAULT);
	assert_int_equal(si.signo, SIGSEGV);
	if (fault_addr)
		*fault_addr = si.addr;
	return si.code;
}

static void test_fault_signals(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct task_struct *t = spawn(m);
	unsigned long a, fa = 0, flt;
	long r;

	(void)state;
	r = sys_mmap(t, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     NULL, 0);
	assert_true(r > 0);
	a = (unsigned long)r;
	assert_int_equal(sys_mprotect(t, a + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(sys_mprotect(t, a + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	assert_int_equal(sys_munmap(t, a + 3 * PAGE_SIZE, PAGE_SIZE), 0);
	assert_null(find_vma_intersection(t->mm, a + 3 * PAGE_SIZE, a + 4 * PAGE_SIZE));

	flt = t->min_flt;
	assert_int_equal(fault_code(t, a + 8, ACC_WRITE, NULL), 0);
	assert_int_equal(t->min_flt - flt, 1);
	assert_int_equal(fault_code(t, a + 16, ACC_WRITE, NULL), 0);	/* TLB hit now */
	assert_int_equal(t->min_flt - flt, 1);
	/* Write to read-only, read of PROT_NONE: the VMA forbids it. */
	assert_int_equal(fault_code(t, a + PAGE_SIZE + 8, ACC_WRITE, &fa), SEGV_ACCERR);
	assert_int_equal(fa, a + PAGE_SIZE + 8);
	assert_int_equal(fault_code(t, a + 2 * PAGE_SIZE, ACC_READ, NULL), SEGV_ACCERR);
	/* Nothing mapped there. */
	assert_int_equal(fault_code(t, a + 3 * PAGE_SIZE, ACC_READ, &fa), SEGV_MAPERR);
	assert_int_equal(fa, a + 3 * PAGE_SIZE);
	/* Reading the read-only page is fine (one fault), executing it is not. */
	flt = t->min_flt;
	assert_int_equal(fault_code(t, a + PAGE_SIZE, ACC_READ, NULL), 0);
	assert_int_equal(t->min_flt - flt, 1);
	assert_int_equal(fault_code(t, a + PAGE_SIZE, ACC_EXEC, NULL), SEGV_ACCERR);
	assert_int_equal(t->min_flt - flt, 1);	/* present: a protection fault, no fault handled */
	/* A fetch from a readable, not executable, page not yet faulted: Linux
	 * first maps it (a fault counted), the retry then faults on NX. */
	r = sys_mmap(t, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	assert_true(r > 0);
	flt = t->min_flt;
	assert_int_equal(fault_code(t, (unsigned long)r, ACC_EXEC, NULL), SEGV_ACCERR);
	assert_int_equal(t->min_flt - flt, 1);
	/* An access across the writable page into the read-only one stops at the border. */
	struct ksiginfo si;
	size_t done = 0;
	char buf[64] = { 0 };
	assert_int_equal(mmu_access(t, a + PAGE_SIZE - 32, buf, sizeof(buf), ACC_WRITE, &si, &done),
			 -EFAULT);
	assert_int_equal(done, 32);
	assert_int_equal(si.code, SEGV_ACCERR);
	assert_int_equal(si.addr, a + PAGE_SIZE);
	assert_int_equal(validate_tlb(m), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_stack_growth(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct task_struct *t = spawn(m);
	struct vm_area_struct *stack = find_vma(t->mm, t->mm->start_stack);
	unsigned long start = stack->vm_start, end = stack->vm_end;

	(void)state;
	assert_true(stack->vm_flags & VM_GROWSDOWN);
	/* Just below the stack: it grows, no signal. */
	assert_int_equal(fault_code(t, start - 8, ACC_WRITE, NULL), 0);
	assert_int_equal(stack->vm_start, start - PAGE_SIZE);
	/* Past RLIMIT_STACK: the growth is refused, SEGV_MAPERR. */
	assert_int_equal(fault_code(t, end - RLIMIT_STACK_DEFAULT - PAGE_SIZE, ACC_WRITE, NULL),
			 SEGV_MAPERR);
	assert_int_equal(stack->vm_start, start - PAGE_SIZE);
	check_machine(m);
	mmsim_shutdown(m);
}

/* munmap gives back exactly the tables only its range used. */
static void test_munmap_frees_tables(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct task_struct *t = spawn(m);
	struct mm_struct *mm = t->mm;
	const unsigned long x = 0x200000000000UL;	/* a pgd slot of its own */
	long pt0 = mm->pgtables_bytes, nr0 = global_node_page_state(m, NR_PAGETABLE);
	unsigned long flt;

	(void)state;
	/* A: one page at x. B: one page at x + 2 MiB + 4 KiB (own pte table, same pmd). */
	assert_int_equal(sys_mmap(t, x, PAGE_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0), (long)x);
	assert_int_equal(sys_mmap(t, x + PMD_SIZE + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
			 (long)(x + PMD_SIZE + PAGE_SIZE));
	assert_int_equal(fault_code(t, x, ACC_WRITE, NULL), 0);
	assert_int_equal(fault_code(t, x + PMD_SIZE + PAGE_SIZE, ACC_WRITE, NULL), 0);
	/* pud + pmd + two pte tables. */
	assert_int_equal(mm->pgtables_bytes - pt0, 4 * PAGE_SIZE);
	assert_int_equal(global_node_page_state(m, NR_PAGETABLE) - nr0, 4);
	assert_int_equal(validate_pgtables(mm), 0);
	/* Unmap A: its pte table goes, the pmd and pud stay for B. */
	assert_int_equal(sys_munmap(t, x, PAGE_SIZE), 0);
	assert_int_equal(mm->pgtables_bytes - pt0, 3 * PAGE_SIZE);
	assert_null(walk_pte(mm, x));
	flt = t->min_flt;
	assert_int_equal(fault_code(t, x + PMD_SIZE + PAGE_SIZE, ACC_READ, NULL), 0);
	assert_int_equal(t->min_flt, flt);	/* B's mapping untouched */
	/* Unmap B: all of it goes, back to where we started. */
	assert_int_equal(sys_munmap(t, x + PMD_SIZE + PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(mm->pgtables_bytes, pt0);
	assert_int_equal(global_node_page_state(m, NR_PAGETABLE), nr0);
	assert_true(pgd_none(*pgd_offset(mm, x)));
	assert_int_equal(validate_tlb(m), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* pti: each system call costs two CR3 loads. */
static void test_pti_syscalls(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 pti=1");
	struct task_struct *t = spawn(m);
	struct tlb_stats s0, s1;
	long r;

	(void)state;
	r = sys_mmap(t, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	assert_true(r > 0);
	tlb_get_stats(m, t->cpu, &s0);
	assert_int_equal(sys_mprotect(t, (unsigned long)r, PAGE_SIZE, PROT_NONE), 0);
	assert_int_equal(sys_madvise(t, (unsigned long)r, PAGE_SIZE, MADV_DONTNEED), 0);
	tlb_get_stats(m, t->cpu, &s1);
	assert_int_equal(s1.cr3_loads - s0.cr3_loads, 4);
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_after_fill_and_ad_bits),
		cmocka_unit_test(test_flush_counts),
		cmocka_unit_test(test_pcid_keeps_entries),
		cmocka_unit_test(test_no_pcid_drops_entries),
		cmocka_unit_test(test_asid_recycling),
		cmocka_unit_test(test_remote_flush),
		cmocka_unit_test(test_validate_stale_entry),
		cmocka_unit_test(test_pti_cr3_loads),
		cmocka_unit_test(test_five_level_addresses),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_fault_signals),
		cmocka_unit_test(test_stack_growth),
		cmocka_unit_test(test_munmap_frees_tables),
		cmocka_unit_test(test_pti_syscalls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
