/*
 * test_fork.c - tasks and their address spaces (kernel/fork.c): the image
 * a spawn leaves, pid allocation and reuse, fork's copy (counts on both
 * sides, mapcounts and refcounts, COW faults), DONTFORK and WIPEONFORK,
 * CLONE_VM threads, exec replacing the mm, task_enter's context switch,
 * exit returning every frame and object, and a fork fault sweep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "swap.h"
#include "harness.h"
#include "mem_snapshot.h"
#include "mm.h"
#include "mman.h"
#include "memory.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "sched.h"
#include "tlbflush.h"
#include "vma.h"

#define PG	4096UL

static struct task_struct *task(struct machine *m, int pid)
{
	struct task_struct *t = find_task_by_pid(m, pid);

	assert_non_null(t);
	return t;
}

static int spawn(struct machine *m, const char *comm)
{
	int pid = mmsim_spawn(m, comm);

	assert_true(pid > 0);
	check_machine(m);
	return pid;
}

static uint64_t map_anon(struct machine *m, int pid, unsigned long pages, int prot)
{
	int64_t a = mmsim_mmap(m, pid, 0, pages * PG, prot,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);

	assert_true(a > 0 && (a & (PG - 1)) == 0);
	return (uint64_t)a;
}

static void touch(struct machine *m, int pid, uint64_t a, uint64_t len, int write)
{
	struct mmsim_fault f;

	assert_int_equal(mmsim_touch(m, pid, a, len, write, &f), 0);
}

static unsigned long minflt(struct machine *m, int pid)
{
	return task(m, pid)->min_flt;
}

static long rss_anon(struct machine *m, int pid)
{
	return (long)get_mm_counter(task(m, pid)->mm, MM_ANONPAGES);
}

/* The page a present pte maps at addr in pid's mm (NULL: none). */
static struct page *page_at(struct machine *m, int pid, uint64_t a, pte_t *out)
{
	pte_t *pte = walk_pte(task(m, pid)->mm, a);

	if (!pte || !pte_present(*pte))
		return NULL;
	if (out)
		*out = *pte;
	return pfn_to_page(m, pte_pfn(*pte));
}

/* ---- spawn ---- */

struct want_vma {
	unsigned long start, end;
	vm_flags_t flags;	/* VM_READ/WRITE/EXEC/GROWSDOWN subset to compare */
	const char *special;
};

static void test_spawn_image(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	const vm_flags_t mask = VM_READ | VM_WRITE | VM_EXEC | VM_GROWSDOWN | VM_SHARED;
	const struct want_vma want[] = {
		{ 0x400000, 0x401000, VM_READ, NULL },
		{ 0x401000, 0x479000, VM_READ | VM_EXEC, NULL },
		{ 0x479000, 0x4a1000, VM_READ, NULL },
		{ 0x4a1000, 0x4a8000, VM_READ | VM_WRITE, NULL },
		{ 0x4a8000, 0x4c6000, VM_READ | VM_WRITE, NULL },	/* bss */
		{ 0x7ffff7ff7000, 0x7ffff7ffb000, VM_READ, "[vvar]" },
		{ 0x7ffff7ffb000, 0x7ffff7ffd000, VM_READ, "[vvar_vclock]" },
		{ 0x7ffff7ffd000, 0x7ffff7fff000, VM_READ | VM_EXEC, "[vdso]" },
		{ 0x7ffffffde000, 0x7ffffffff000, VM_READ | VM_WRITE | VM_GROWSDOWN, NULL },
	};
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	unsigned long pages = 0;
	char argv0[16];
	size_t i = 0;
	int pid;

	(void)state;
	pid = spawn(m, "prog");
	assert_int_equal(pid, 1);
	mm = task(m, pid)->mm;
	for_each_vma(mm, vma) {
		assert_true(i < ARRAY_SIZE(want));
		if (vma->vm_start != want[i].start || vma->vm_end != want[i].end)
			fail_msg("vma %zu: %#lx-%#lx, want %#lx-%#lx", i, vma->vm_start,
				 vma->vm_end, want[i].start, want[i].end);
		assert_int_equal(vma->vm_flags & mask, want[i].flags);
		if (want[i].special)
			assert_string_equal(vma->vm_special_name, want[i].special);
		else
			assert_null(vma->vm_special_name);
		pages += vma_pages(vma);
		i++;
	}
	assert_int_equal(i, ARRAY_SIZE(want));
	assert_int_equal(mm->map_count, (int)ARRAY_SIZE(want));
	assert_int_equal(mm->total_vm, pages);
	assert_int_equal(mm->stack_vm, 33);
	assert_int_equal(mm->start_brk, 0x4c6000);
	assert_int_equal(mm->brk, 0x4c6000);
	assert_int_equal(mm->start_code, 0x401000);
	assert_int_equal(mm->end_code, 0x478f01);
	assert_int_equal(mm->start_data, 0x4a16d8);
	assert_int_equal(mm->end_data, 0x4a7270);
	assert_true(mm->start_stack > 0x7fffffffe000 && mm->start_stack < 0x7ffffffff000);
	assert_true(mm->arg_start < mm->arg_end && mm->arg_end == mm->env_start &&
		    mm->env_start < mm->env_end && mm->env_end < 0x7ffffffff000);
	/* The argument page is the only page touched: one fault, one anon page. */
	assert_int_equal(get_mm_rss(mm), 1);
	assert_int_equal(rss_anon(m, pid), 1);
	assert_int_equal(minflt(m, pid), 1);
	assert_true(mm->hiwater_rss <= 1);
	/* argv[0] is where arg_start says, in the process's own memory. */
	assert_int_equal(mmsim_read(m, pid, mm->arg_start, argv0, 5, NULL), 0);
	assert_memory_equal(argv0, "prog", 5);
	assert_int_equal(mmsim_brk(m, pid, 0), 0x4c6000);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_spawn_aslr(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=1 aslr=1 seed=3");
	struct mm_struct *mm;
	int pid;

	(void)state;
	pid = spawn(m, "prog");
	mm = task(m, pid)->mm;
	assert_true(mm->start_brk >= 0x4c6000 && mm->start_brk < 0x4c6000 + (32UL << 20));
	assert_true(mm->start_stack < 0x7fffffffe000);
	assert_int_equal(mm->start_brk & (PG - 1), 0);
	mmsim_shutdown(m);
}

/* ---- pids ---- */

static void test_pids(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	int pids[8], a, b, c, n;

	(void)state;
	a = spawn(m, "a");
	b = spawn(m, "b");
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(task(m, a)->cpu, 0);
	assert_int_equal(task(m, b)->cpu, 1);
	assert_int_equal(mmsim_exit(m, a, 0), 0);
	/* Not reused: the next pid follows the last one handed out. */
	c = mmsim_fork(m, b);
	assert_int_equal(c, 3);
	assert_int_equal(task(m, c)->cpu, 0);
	assert_int_equal(task(m, c)->ppid, b);
	assert_int_equal(mmsim_pids(m, pids, 8), 2);
	assert_int_equal(pids[0], 2);
	assert_int_equal(pids[1], 3);
	/* Wrap: after pid_max - 1 comes 300, skipping pids in use. */
	m->last_pid = PID_MAX_DEFAULT - 1;
	n = spawn(m, "wrapped");
	assert_int_equal(n, 300);
	m->last_pid = 1;
	assert_int_equal(spawn(m, "x"), 4);	/* 2 and 3 are taken */
	assert_int_equal(mmsim_pids(m, pids, 8), 4);
	assert_int_equal(pids[3], 300);	/* the list stays in pid order */
	/* Bad pids. */
	assert_int_equal(mmsim_fork(m, 1), -ESRCH);
	assert_int_equal(mmsim_exit(m, 0, 0), -ESRCH);
	assert_int_equal(mmsim_exit(m, -5, 0), -ESRCH);
	assert_int_equal(mmsim_exec(m, 99999, "x"), -ESRCH);
	assert_int_equal(mmsim_clone_vm(m, 1234), -ESRCH);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- fork ---- */

static void test_fork_cow(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	const unsigned long n = 16;
	struct page *pg, *pc;
	pte_t pte = __pte(0);
	uint64_t a;
	int p, c;

	(void)state;
	p = spawn(m, "parent");
	a = map_anon(m, p, n, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	touch(m, p, a, n * PG, 1);
	assert_int_equal(minflt(m, p), 1 + n);
	assert_int_equal(rss_anon(m, p), 1 + (long)n);

	c = mmsim_fork(m, p);
	assert_true(c > p);
	check_machine(m);
	assert_int_equal(minflt(m, c), 0);
	assert_int_equal(rss_anon(m, c), 1 + (long)n);
	assert_int_equal(task(m, c)->mm->total_vm, task(m, p)->mm->total_vm);
	assert_int_equal(task(m, c)->mm->data_vm, task(m, p)->mm->data_vm);
	assert_int_equal(task(m, c)->mm->map_count, task(m, p)->mm->map_count);
	/* Shared: same frame, both ptes read-only, two maps, two references. */
	lru_add_drain_all(m);	/* the LRU batches' references go first */
	for (unsigned long i = 0; i < n; i++) {
		pg = page_at(m, p, a + i * PG, &pte);
		assert_false(pte_write(pte));
		pc = page_at(m, c, a + i * PG, &pte);
		assert_false(pte_write(pte));
		assert_ptr_equal(pg, pc);
		assert_int_equal(page_mapcount(pg), 2);
		assert_int_equal(page_ref_count(pg), 2);
		assert_false(PageAnonExclusive(pg));
	}

	/* The child writes page 0: a copy for it, the parent's is alone again. */
	pg = page_at(m, p, a, NULL);
	touch(m, c, a, 1, 1);
	assert_int_equal(minflt(m, c), 1);
	pc = page_at(m, c, a, &pte);
	assert_ptr_not_equal(pc, pg);
	assert_true(pte_write(pte));
	assert_int_equal(page_mapcount(pg), 1);
	assert_int_equal(page_ref_count(pg), 1);
	/* The parent writes page 0: reused in place, one fault, no copy. */
	touch(m, p, a, 1, 1);
	assert_int_equal(minflt(m, p), 1 + n + 1);
	assert_ptr_equal(page_at(m, p, a, &pte), pg);
	assert_true(pte_write(pte));
	/* The parent writes page 1, still shared: a copy. */
	pc = page_at(m, c, a + PG, NULL);
	touch(m, p, a + PG, 1, 1);
	assert_ptr_not_equal(page_at(m, p, a + PG, NULL), pc);
	assert_int_equal(page_mapcount(pc), 1);
	/* ... then the child's page 1 is its own: reuse. */
	touch(m, c, a + PG, 1, 1);
	assert_ptr_equal(page_at(m, c, a + PG, NULL), pc);
	assert_int_equal(minflt(m, c), 2);
	/* Reads of shared pages fault nothing. */
	touch(m, c, a + 2 * PG, (n - 2) * PG, 0);
	assert_int_equal(minflt(m, c), 2);
	check_machine(m);
	assert_int_equal(rss_anon(m, p), 1 + (long)n);
	assert_int_equal(rss_anon(m, c), 1 + (long)n);
	/* stack, pages 0 and 1 twice each, the 14 still shared. */
	assert_int_equal(global_node_page_state(m, NR_ANON_PAGES), 1 + 4 + (long)n - 2);
	mmsim_shutdown(m);
}

static void test_fork_data(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	char buf[64], got[64];
	uint64_t a;
	int p, c, g;

	(void)state;
	p = spawn(m, "p");
	a = map_anon(m, p, 4, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	assert_int_equal(mmsim_write(m, p, a + 100, "parent", 7, NULL), 0);
	c = mmsim_fork(m, p);
	g = mmsim_fork(m, c);
	assert_int_equal(mmsim_write(m, c, a + 100, "child!", 7, NULL), 0);
	assert_int_equal(mmsim_read(m, p, a + 100, got, 7, NULL), 0);
	assert_string_equal(got, "parent");
	assert_int_equal(mmsim_read(m, g, a + 100, got, 7, NULL), 0);
	assert_string_equal(got, "parent");
	assert_int_equal(mmsim_read(m, c, a + 100, got, 7, NULL), 0);
	assert_string_equal(got, "child!");
	/* Pages never written read as zeros everywhere. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(mmsim_read(m, g, a + 3 * PG, got, sizeof(got), NULL), 0);
	assert_memory_equal(got, buf, sizeof(buf));
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_fork_hiwater_and_mlock(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct mm_struct *pm, *cm;
	uint64_t a, b;
	int p, c;

	(void)state;
	p = spawn(m, "p");
	a = map_anon(m, p, 32, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	touch(m, p, a, 32 * PG, 1);
	assert_int_equal(mmsim_munmap(m, p, a, 32 * PG), 0);
	b = map_anon(m, p, 2, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	assert_int_equal(mmsim_mlock(m, p, b, 2 * PG), 0);
	pm = task(m, p)->mm;
	assert_int_equal(pm->locked_vm, 2);
	c = mmsim_fork(m, p);
	cm = task(m, c)->mm;
	/* dup_mm: the child's peaks are what it has; mlock is not inherited. */
	assert_int_equal(cm->hiwater_rss, get_mm_rss(cm));
	assert_int_equal(cm->hiwater_vm, cm->total_vm);
	assert_true(pm->hiwater_rss >= 33);
	assert_int_equal(cm->locked_vm, 0);
	assert_false(vma_lookup(cm, b)->vm_flags & VM_LOCKED);
	assert_true(vma_lookup(pm, b)->vm_flags & VM_LOCKED);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_dontfork_wipeonfork(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct mm_struct *pm, *cm;
	uint64_t a, b;
	char got[8];
	int p, c;

	(void)state;
	p = spawn(m, "p");
	a = map_anon(m, p, 8, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	b = map_anon(m, p, 8, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	assert_int_equal(mmsim_write(m, p, a, "dontfk", 7, NULL), 0);
	assert_int_equal(mmsim_write(m, p, b, "wipe!!", 7, NULL), 0);
	touch(m, p, a, 8 * PG, 1);
	touch(m, p, b, 8 * PG, 1);
	assert_int_equal(mmsim_madvise(m, p, a, 8 * PG, mmsim_madvise_parse("dontfork")), 0);
	assert_int_equal(mmsim_madvise(m, p, b, 8 * PG, mmsim_madvise_parse("wipeonfork")), 0);
	pm = task(m, p)->mm;
	c = mmsim_fork(m, p);
	cm = task(m, c)->mm;
	check_machine(m);
	/* DONTFORK: no VMA in the child, and not counted there. */
	assert_null(vma_lookup(cm, a));
	assert_int_equal(cm->total_vm, pm->total_vm - 8);
	assert_int_equal(cm->data_vm, pm->data_vm - 8);
	assert_int_equal(cm->map_count, pm->map_count - 1);
	/* WIPEONFORK: the VMA, empty: no anon_vma, no pages, reads zero. */
	assert_non_null(vma_lookup(cm, b));
	assert_null(vma_lookup(cm, b)->anon_vma);
	assert_null(page_at(m, c, b, NULL));
	assert_int_equal(rss_anon(m, c), 1);	/* the stack page */
	assert_int_equal(mmsim_read(m, c, b, got, 7, NULL), 0);
	assert_memory_equal(got, "\0\0\0\0\0\0", 7);
	assert_int_equal(mmsim_read(m, p, b, got, 7, NULL), 0);
	assert_string_equal(got, "wipe!!");
	/* An access to the DONTFORK range in the child is a SIGSEGV. */
	{
		struct mmsim_fault f;

		assert_int_equal(mmsim_read(m, c, a, got, 1, &f), -EFAULT);
		assert_int_equal(f.signo, SIGSEGV);
		assert_int_equal(f.code, SEGV_MAPERR);
		assert_int_equal(f.addr, a);
	}
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- threads ---- */

static void test_clone_vm(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct mm_struct *mm;
	char got[8];
	uint64_t a;
	int p, t;

	(void)state;
	p = spawn(m, "p");
	mm = task(m, p)->mm;
	t = mmsim_clone_vm(m, p);
	assert_true(t > p);
	assert_ptr_equal(task(m, t)->mm, mm);
	assert_int_equal(mm->mm_users, 2);
	assert_int_equal(task(m, t)->tgid, p);
	assert_int_equal(task(m, t)->cpu, 1);
	/* A mapping by one thread, faulted by the other: its fault, shared effect. */
	a = map_anon(m, p, 4, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	assert_int_equal(mmsim_write(m, t, a, "thread", 7, NULL), 0);
	assert_int_equal(minflt(m, t), 1);
	assert_int_equal(minflt(m, p), 1);
	assert_int_equal(mmsim_read(m, p, a, got, 7, NULL), 0);
	assert_string_equal(got, "thread");
	assert_int_equal(minflt(m, p), 1);
	/* Both CPUs have the mm: a munmap shoots down the other one too. */
	assert_true(mm_cpumask_test(mm, 0) && mm_cpumask_test(mm, 1));
	assert_int_equal(mmsim_munmap(m, t, a, PG), 0);
	assert_int_equal(mmsim_read(m, p, a, got, 1, NULL), -EFAULT);
	check_machine(m);
	/* The leader exits first: the mm stays with the thread. */
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	assert_int_equal(mm->mm_users, 1);
	assert_ptr_equal(mm->owner, task(m, t));
	assert_int_equal(mmsim_read(m, t, a + PG, got, 1, NULL), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- exit and exec ---- */

static void test_exit_frees_everything(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct mem_snapshot before;
	int p, c, t, g;
	uint64_t a, s;

	(void)state;
	take_snapshot(m, &before);
	p = spawn(m, "p");
	a = map_anon(m, p, 300, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	touch(m, p, a, 300 * PG, 1);
	s = (uint64_t)mmsim_mmap(m, p, 0, 20 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
				 MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
	assert_true((int64_t)s > 0);
	touch(m, p, s, 20 * PG, 1);
	assert_true(mmsim_brk(m, p, 0x4c6000 + 10 * PG) == (int64_t)(0x4c6000 + 10 * PG));
	touch(m, p, 0x4c6000, 10 * PG, 1);
	c = mmsim_fork(m, p);
	t = mmsim_clone_vm(m, c);
	touch(m, t, a, 100 * PG, 1);
	touch(m, c, s, 20 * PG, 0);
	g = mmsim_fork(m, t);
	touch(m, g, a, 300 * PG, 1);
	assert_int_equal(mmsim_exec(m, c, "other"), 0);	/* kills thread t */
	assert_null(find_task_by_pid(m, t));
	check_machine(m);
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	assert_int_equal(mmsim_exit(m, g, 0), 0);
	assert_int_equal(mmsim_exit(m, c, 0), 0);
	assert_int_equal(m->nr_tasks, 0);
	assert_true(list_empty(&m->mm_list));
	assert_no_leak(m, &before);
	/* And again: the second round needs no new slabs, the same counts. */
	p = spawn(m, "p");
	mmsim_exit(m, mmsim_fork(m, p), 0);
	mmsim_exit(m, p, 0);
	assert_no_leak(m, &before);
	mmsim_shutdown(m);
}

static void test_exec(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct mm_struct *old;
	struct mmsim_task_info info;
	uint64_t a;
	char got[8];
	int p;

	(void)state;
	p = spawn(m, "first");
	old = task(m, p)->mm;
	a = map_anon(m, p, 8, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	touch(m, p, a, 8 * PG, 1);
	assert_int_equal(mmsim_exec(m, p, "/opt/tools/second"), 0);
	/* The image's file is the path exec was given. */
	assert_non_null(vma_lookup(task(m, p)->mm, 0x401000)->vm_file);
	assert_string_equal(vma_lookup(task(m, p)->mm, 0x401000)->vm_file->path,
			    "/opt/tools/second");
	assert_ptr_not_equal(task(m, p)->mm, old);
	assert_null(vma_lookup(task(m, p)->mm, a));
	assert_int_equal(mmsim_task_info(m, p, &info), 0);
	assert_string_equal(info.comm, "second");
	assert_int_equal(info.pid, p);
	/* exec keeps the fault counts: 1 + 8 before, 1 for the new stack. */
	assert_int_equal(info.min_flt, 1 + 8 + 1);
	assert_int_equal(get_mm_rss(task(m, p)->mm), 1);
	assert_int_equal(mmsim_read(m, p, a, got, 1, NULL), -EFAULT);
	assert_int_equal(mmsim_read(m, p, task(m, p)->mm->arg_start, got, 7, NULL), 0);
	assert_string_equal(got, "second");
	assert_int_equal(mmsim_exec(m, p, ""), -ENOENT);
	assert_int_equal(mmsim_exec(m, p, NULL), -EFAULT);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- the context switch ---- */

static void test_task_enter_cr3(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 pcid=0");
	struct tlb_stats before, after;
	int a, b, c;

	(void)state;
	a = spawn(m, "a");	/* cpu 0 */
	b = spawn(m, "b");	/* cpu 1 */
	c = spawn(m, "c");	/* cpu 0 */
	task_enter(task(m, a));
	assert_ptr_equal(m->current, task(m, a));
	assert_int_equal(m->cpu, 0);
	tlb_get_stats(m, 0, &before);
	task_enter(task(m, a));		/* already loaded: nothing */
	tlb_get_stats(m, 0, &after);
	assert_int_equal(after.cr3_loads, before.cr3_loads);
	task_enter(task(m, c));		/* another mm on cpu 0: one CR3 load */
	tlb_get_stats(m, 0, &after);
	assert_int_equal(after.cr3_loads, before.cr3_loads + 1);
	assert_true(mm_cpumask_test(task(m, c)->mm, 0));
	task_enter(task(m, b));		/* cpu 1 */
	assert_int_equal(m->cpu, 1);
	tlb_get_stats(m, 0, &before);
	assert_int_equal(before.cr3_loads, after.cr3_loads);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- failures ---- */

/* Fail the nth page or slab allocation of a fork, for every n: no leaks. */
static void test_fork_fault_sweep(void **state)
{
	static const char *const kinds[] = { "page", "slab" };
	struct machine *m = test_boot("mem=256M cpus=2");
	struct mem_snapshot before;
	int p;
	uint64_t a;

	(void)state;
	p = spawn(m, "p");
	a = map_anon(m, p, 600, MMSIM_PROT_READ | MMSIM_PROT_WRITE);
	touch(m, p, a, 600 * PG, 1);
	assert_int_equal(mmsim_madvise(m, p, a + 100 * PG, 10 * PG,
				       mmsim_madvise_parse("wipeonfork")), 0);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		bool succeeded = false;

		for (unsigned long n = 1; !succeeded && n < 200; n++) {
			int c;

			take_snapshot(m, &before);
			assert_int_equal(mmsim_fail_nth(m, kinds[k], n, 0), 0);
			c = mmsim_fork(m, p);
			mmsim_fail_nth(m, kinds[k], 0, 0);
			check_machine(m);
			if (c > 0) {
				succeeded = true;
				assert_int_equal(mmsim_exit(m, c, 0), 0);
			} else {
				assert_int_equal(c, -ENOMEM);
			}
			assert_no_leak(m, &before);
		}
		assert_true(succeeded);
	}
	/* A spawn that fails part way leaves nothing either. */
	for (unsigned long n = 1; n < 40; n++) {
		int c;

		take_snapshot(m, &before);
		mmsim_fail_nth(m, "page", n, 0);
		c = mmsim_spawn(m, "q");
		mmsim_fail_nth(m, "page", 0, 0);
		if (c > 0)
			assert_int_equal(mmsim_exit(m, c, 0), 0);
		else
			assert_int_equal(c, -ENOMEM);
		assert_no_leak(m, &before);
	}
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spawn_image),
		cmocka_unit_test(test_spawn_aslr),
		cmocka_unit_test(test_pids),
		cmocka_unit_test(test_fork_cow),
		cmocka_unit_test(test_fork_data),
		cmocka_unit_test(test_fork_hiwater_and_mlock),
		cmocka_unit_test(test_dontfork_wipeonfork),
		cmocka_unit_test(test_clone_vm),
		cmocka_unit_test(test_exit_frees_everything),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_task_enter_cr3),
		cmocka_unit_test(test_fork_fault_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
