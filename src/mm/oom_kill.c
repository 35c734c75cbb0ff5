/*
 * oom_kill.c - the OOM killer (Linux 6.18's mm/oom_kill.c): when an
 * allocation that may invoke it has found nothing to reclaim, pick the
 * process whose death frees the most memory, report it in the kernel log
 * as Linux does, kill it, and reap its private memory at once.
 *
 * Choosing (select_bad_process): every process (thread group) that has an
 * mm, may use the memory that ran out (a MPOL_BIND allocation only kills
 * tasks whose policy intersects its nodes) and is not already dying,
 * scored by oom_badness = rss + swap entries + page-table pages +
 * oom_score_adj * totalpages / 1000. Highest wins; on a tie the later
 * process in the task list (the newer) wins, as for_each_process finds it.
 * oom_score_adj -1000 is never chosen. A victim that is still dying and
 * not yet reaped makes a new OOM wait (abort): it is about to free memory.
 *
 * Killing (oom_kill_process): the report (rate-limited to 10 per 5 s of
 * simulated time: dump_header = the "invoked oom-killer" line, the CPU
 * line of dump_stack, show_mem's Mem-Info block, the task table; then the
 * oom-kill: summary), the "Out of memory: Killed process" line, SIGKILL to
 * the victim and to every process sharing its mm, oom_kill in vmstat, and
 * the OOM reaper.
 *
 * The reaper (oom_reap_task_mm) runs at once rather than as a kernel
 * thread: it unmaps the victim's private memory (every VMA but hugetlb,
 * PFN maps and shared file/shmem mappings) under a trylock of the victim's
 * mmap_lock, logs "oom_reaper: reaped process", and sets MMF_OOM_SKIP so
 * the victim is not chosen again. When the lock is taken (the victim is
 * the task that is allocating, inside its own fault) the reaping is left
 * to the victim's exit, a moment later.
 *
 * The death: fatal_signal is set; the task exits (do_exit, code SIGKILL) at
 * the end of the public API call during which the signal was sent
 * (oom_exit_victims, called from api_clock.c), as a signalled Linux task
 * dies on its way back to user space. Meanwhile a dying task's allocations
 * may use the ALLOC_OOM reserves (page_alloc.c) and its user accesses stop
 * at the fault that found it killed (mmu.c).
 *
 * Departures: no init task is protected (mmsim's pid 1 is an ordinary
 * program); no cpusets or memory cgroups (the report shows the root cpuset
 * and cgroup); panic_on_oom is 0 only, and where Linux panics because
 * nothing is killable ("System is deadlocked on memory") mmsim logs the
 * report and the allocation fails; the unreclaimable-slab dump is not
 * printed.
 *
 * Locking: out_of_memory runs under m->oom_lock (Linux's oom_lock mutex);
 * the caller may hold its own mm's mmap_lock (a fault), never a page table
 * lock or anything below. The victim's mmap_lock is a trylock, outside the
 * lock-order checker as lockdep treats trylocks.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "memory.h"
#include "mempolicy.h"
#include "oom.h"
#include "printk.h"
#include "sched.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"
#include "vmstat.h"

#define K(x) ((unsigned long)(x) << (PAGE_SHIFT - 10))

/* DEFAULT_RATELIMIT_INTERVAL (5 * HZ) and DEFAULT_RATELIMIT_BURST. */
#define RATELIMIT_INTERVAL_NS	(5ULL * 1000000000ULL)
#define RATELIMIT_BURST		10

static const char *const oom_constraint_text[] = {
	[CONSTRAINT_NONE] = "CONSTRAINT_NONE",
	[CONSTRAINT_CPUSET] = "CONSTRAINT_CPUSET",
	[CONSTRAINT_MEMORY_POLICY] = "CONSTRAINT_MEMORY_POLICY",
	[CONSTRAINT_MEMCG] = "CONSTRAINT_MEMCG",
};

static unsigned long oom_total_swap_pages(struct machine *m)
{
	return (unsigned long)total_swap_pages(m);
}

unsigned long oom_totalpages(struct machine *m)
{
	return m->totalram_pages + oom_total_swap_pages(m);
}

/* ___ratelimit over simulated time: true if this message may print. */
static bool ratelimit(struct machine *m, struct ratelimit_sim *rs, const char *func)
{
	if (!rs->printed && !rs->missed && !rs->begin_ns)
		rs->begin_ns = m->clock_ns;
	if (m->clock_ns >= rs->begin_ns + RATELIMIT_INTERVAL_NS) {
		if (rs->missed)
			printk(m, "%s: %d callbacks suppressed", func, rs->missed);
		rs->missed = 0;
		rs->begin_ns = m->clock_ns;
		rs->printed = 0;
	}
	if (rs->printed < RATELIMIT_BURST) {
		rs->printed++;
		return true;
	}
	rs->missed++;
	return false;
}

/* ---------------------------------------------------------------------- */
/* Processes                                                               */
/* ---------------------------------------------------------------------- */

/*
 * for_each_process: one task per thread group, its leader, or (if the
 * leader has exited) the lowest-pid thread still standing.
 */
static bool is_process(struct machine *m, struct task_struct *t)
{
	struct task_struct *o;

	if (t->pid == t->tgid)
		return true;
	if (find_task_by_pid(m, t->tgid))
		return false;
	list_for_each_entry(o, &m->tasks, tasks)
		if (o->tgid == t->tgid)
			return o == t;
	return false;
}

#define for_each_process(m, p)					\
	list_for_each_entry(p, &(m)->tasks, tasks)		\
		if (!is_process(m, p)) {} else

/* Threads of p's thread group. */
#define for_each_thread(m, p, t)				\
	list_for_each_entry(t, &(m)->tasks, tasks)		\
		if ((t)->tgid != (p)->tgid) {} else

/* A thread of p's group that still has an mm (find_lock_task_mm). */
static struct task_struct *find_task_mm(struct machine *m, struct task_struct *p)
{
	struct task_struct *t;

	if (p->mm)
		return p;
	for_each_thread(m, p, t)
		if (t->mm)
			return t;
	return NULL;
}

/* No kernel threads are simulated and pid 1 is not an init: all may die. */
static bool oom_unkillable_task(const struct task_struct *p)
{
	(void)p;
	return false;
}

/* process_shares_mm */
static bool process_shares_mm(struct machine *m, struct task_struct *p, struct mm_struct *mm)
{
	struct task_struct *t = find_task_mm(m, p);

	return t && t->mm == mm;
}

/* mempolicy_in_oom_domain: a MPOL_BIND task counts only if its nodes meet mask. */
static bool mempolicy_in_oom_domain(struct task_struct *t, const unsigned long *mask)
{
	const struct mempolicy *pol = t->mempolicy;
	nodemask_t want;

	if (!mask || !pol || pol->mode != MPOL_BIND)
		return true;
	nodes_clear(&want);
	for (int nid = 0; nid < t->machine->nr_nodes; nid++)
		if (node_in_mask(mask, nid))
			node_set(nid, &want);
	return nodes_intersects(&pol->nodes, &want);
}

/* oom_cpuset_eligible: no cpusets here, so only a policy constraint matters. */
static bool oom_cpuset_eligible(struct task_struct *start, struct oom_control *oc)
{
	struct machine *m = start->machine;
	struct task_struct *t;

	if (!oc->nodemask)
		return true;
	for_each_thread(m, start, t)
		if (mempolicy_in_oom_domain(t, oc->nodemask))
			return true;
	return false;
}

static bool process_is_oom_victim(struct machine *m, struct task_struct *p)
{
	struct task_struct *t;

	for_each_thread(m, p, t)
		if (t->memdie)
			return true;
	return false;
}

long oom_badness(struct task_struct *p, unsigned long totalpages)
{
	struct mm_struct *mm;
	long points, adj;

	if (oom_unkillable_task(p))
		return LONG_MIN;
	p = find_task_mm(p->machine, p);
	if (!p)
		return LONG_MIN;
	mm = p->mm;
	adj = p->oom_score_adj;
	if (adj == OOM_SCORE_ADJ_MIN || (mm->flags & (1UL << MMF_OOM_SKIP)))
		return LONG_MIN;
	/* the share of memory the task's rss, page tables and swap use */
	points = (long)get_mm_rss(mm) + get_mm_counter(mm, MM_SWAPENTS) +
		 mm->pgtables_bytes / (long)PAGE_SIZE;
	adj *= (long)(totalpages / 1000);
	return points + adj;
}

/* ---------------------------------------------------------------------- */
/* Choosing                                                                */
/* ---------------------------------------------------------------------- */

static bool nodes_with_memory_subset(struct machine *m, const unsigned long *mask)
{
	for (int nid = 0; nid < m->nr_nodes; nid++)
		if (NODE_DATA(m, nid)->node_present_pages && !node_in_mask(mask, nid))
			return false;
	return true;
}

/* constrained_alloc: a MPOL_BIND nodemask narrows what killing can free. */
static enum oom_constraint constrained_alloc(struct machine *m, struct oom_control *oc)
{
	oc->totalpages = oom_totalpages(m);
	if (!oc->zonelist || (oc->gfp_mask & __GFP_THISNODE))
		return CONSTRAINT_NONE;
	if (oc->nodemask && !nodes_with_memory_subset(m, oc->nodemask)) {
		oc->totalpages = oom_total_swap_pages(m);
		for (int nid = 0; nid < m->nr_nodes; nid++)
			if (node_in_mask(oc->nodemask, nid))
				oc->totalpages += NODE_DATA(m, nid)->node_present_pages;
		return CONSTRAINT_MEMORY_POLICY;
	}
	return CONSTRAINT_NONE;
}

/* 0: go on; 1: stop, a victim is still dying (oc->chosen = OOM_CHOSEN_ABORT). */
static int oom_evaluate_task(struct task_struct *task, struct oom_control *oc)
{
	struct machine *m = task->machine;
	long points;

	if (oom_unkillable_task(task) || !oom_cpuset_eligible(task, oc))
		return 0;
	if (process_is_oom_victim(m, task)) {
		struct task_struct *t = find_task_mm(m, task);

		if (!t || (t->mm->flags & (1UL << MMF_OOM_SKIP)))
			return 0;
		oc->chosen = OOM_CHOSEN_ABORT;
		return 1;
	}
	points = oom_badness(task, oc->totalpages);
	if (points == LONG_MIN || points < oc->chosen_points)
		return 0;
	oc->chosen = task;
	oc->chosen_points = points;
	return 0;
}

static void select_bad_process(struct machine *m, struct oom_control *oc)
{
	struct task_struct *p;

	oc->chosen_points = LONG_MIN;
	for_each_process(m, p)
		if (oom_evaluate_task(p, oc))
			break;
}

/* ---------------------------------------------------------------------- */
/* The report                                                              */
/* ---------------------------------------------------------------------- */

/* %*pbl of a nodemask: "0-1,3", or "(null)". */
static void format_nodelist(const struct machine *m, const unsigned long *mask, char *buf,
			    size_t len)
{
	size_t pos = 0;

	if (!mask) {
		snprintf(buf, len, "(null)");
		return;
	}
	buf[0] = '\0';
	for (int n = 0; n < m->nr_nodes && pos < len; n++) {
		int e = n;

		if (!node_in_mask(mask, n))
			continue;
		while (e + 1 < m->nr_nodes && node_in_mask(mask, e + 1))
			e++;
		pos += (size_t)snprintf(buf + pos, len - pos, pos ? ",%d" : "%d", n);
		if (e > n && pos < len)
			pos += (size_t)snprintf(buf + pos, len - pos, "-%d", e);
		n = e;
	}
}

/* current->mems_allowed: every node with memory (the root cpuset). */
static void mems_allowed(const struct machine *m, unsigned long *mask)
{
	memset(mask, 0, sizeof(unsigned long) * BITS_TO_LONGS(MAX_NUMNODES));
	for (int nid = 0; nid < m->nr_nodes; nid++)
		if (NODE_DATA(m, nid)->node_present_pages)
			mask[nid / BITS_PER_ULONG] |= 1UL << (nid % BITS_PER_ULONG);
}

/* The first line of dump_stack (the call trace itself is not simulated). */
static void dump_stack_header(struct machine *m)
{
	struct task_struct *cur = m->current;

	printk(m, "CPU: %d UID: 0 PID: %d Comm: %.20s Not tainted 6.18.0-mmsim #1", m->cpu,
	       cur ? cur->pid : 0, cur ? cur->comm : "swapper/0");
	printk(m, "Hardware name: mmsim simulated machine");
}

static void dump_task(struct task_struct *p, struct oom_control *oc)
{
	struct task_struct *t;
	struct mm_struct *mm;

	if (oom_unkillable_task(p) || !oom_cpuset_eligible(p, oc))
		return;
	t = find_task_mm(p->machine, p);
	if (!t)
		return;
	mm = t->mm;
	printk(p->machine, "[%7d] %5d %5d %8lu %8lu %8lu %8lu %9lu %8ld %8lu         %5hd %s",
	       t->pid, 0, t->tgid, mm->total_vm, get_mm_rss(mm),
	       (unsigned long)get_mm_counter(mm, MM_ANONPAGES),
	       (unsigned long)get_mm_counter(mm, MM_FILEPAGES),
	       (unsigned long)get_mm_counter(mm, MM_SHMEMPAGES), mm->pgtables_bytes,
	       (unsigned long)get_mm_counter(mm, MM_SWAPENTS), t->oom_score_adj, t->comm);
}

static void dump_tasks(struct machine *m, struct oom_control *oc)
{
	struct task_struct *p;

	printk(m, "Tasks state (memory values in pages):");
	printk(m, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
		  "pgtables_bytes swapents oom_score_adj name");
	for_each_process(m, p)
		dump_task(p, oc);
}

static void dump_header(struct machine *m, struct oom_control *oc)
{
	struct task_struct *cur = m->current;
	char flags[256];

	gfp_format(oc->gfp_mask, flags, sizeof(flags));
	printk(m, "%s invoked oom-killer: gfp_mask=%#x(%s), order=%d, oom_score_adj=%hd",
	       cur ? cur->comm : "swapper/0", oc->gfp_mask, oc->gfp_mask ? flags : "",
	       oc->order, cur ? cur->oom_score_adj : 0);
	dump_stack_header(m);
	__show_mem(m, oc->nodemask, oc->zonelist ? (int)gfp_zone(m, oc->gfp_mask) : MAX_NR_ZONES - 1);
	if (m->sysctl.oom_dump_tasks)
		dump_tasks(m, oc);
}

/* The one-line summary (dump_oom_victim), root cpuset and cgroup. */
static void dump_oom_victim(struct machine *m, struct oom_control *oc, struct task_struct *victim)
{
	unsigned long allowed[BITS_TO_LONGS(MAX_NUMNODES)];
	char nodes[64], mems[64];

	format_nodelist(m, oc->nodemask, nodes, sizeof(nodes));
	mems_allowed(m, allowed);
	format_nodelist(m, allowed, mems, sizeof(mems));
	printk(m, "oom-kill:constraint=%s,nodemask=%s,cpuset=/,mems_allowed=%s,global_oom,"
		  "task_memcg=/,task=%s,pid=%d,uid=%d", oom_constraint_text[oc->constraint], nodes,
	       mems, victim->comm, victim->pid, 0);
}

/* ---------------------------------------------------------------------- */
/* The OOM reaper                                                          */
/* ---------------------------------------------------------------------- */

/*
 * __oom_reap_task_mm: unmap what can go without writing anything back:
 * anonymous memory and private file mappings (their COW copies, and the
 * file pages they map). Shared mappings stay for exit_mmap.
 */
static void __oom_reap_task_mm(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	mm->flags |= 1UL << MMF_UNSTABLE;
	for_each_vma(mm, vma) {
		struct mmu_gather tlb;

		if (vma->vm_flags & (VM_HUGETLB | VM_PFNMAP))
			continue;
		if (!vma_is_anonymous(vma) && (vma->vm_flags & VM_SHARED))
			continue;
		tlb_gather_mmu(&tlb, mm);
		unmap_vmas(&tlb, vma, vma->vm_start, vma->vm_end);
		tlb_finish_mmu(&tlb);
	}
}

/* oom_reap_task_mm: false when the mm is busy (its mmap_lock is held). */
static bool oom_reap_task_mm(struct task_struct *tsk, struct mm_struct *mm)
{
	struct machine *m = mm->machine;

	if (mm->mmap_lock.locked)
		return false;		/* mmap_read_trylock failed */
	mm->mmap_lock.locked = 1;
	if (!(mm->flags & (1UL << MMF_OOM_SKIP))) {
		__oom_reap_task_mm(mm);
		printk(m, "oom_reaper: reaped process %d (%s), now anon-rss:%lukB, "
			  "file-rss:%lukB, shmem-rss:%lukB", tsk->pid, tsk->comm,
		       K(get_mm_counter(mm, MM_ANONPAGES)), K(get_mm_counter(mm, MM_FILEPAGES)),
		       K(get_mm_counter(mm, MM_SHMEMPAGES)));
	}
	mm->mmap_lock.locked = 0;
	return true;
}

/*
 * wake_oom_reaper + oom_reap_task, run now: reaped, the mm is hidden from
 * the OOM killer (MMF_OOM_SKIP). A busy mm is reaped by its exit instead.
 */
static void wake_oom_reaper(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;

	if (mm->flags & (1UL << MMF_OOM_REAP_QUEUED))
		return;
	mm->flags |= 1UL << MMF_OOM_REAP_QUEUED;
	if (oom_reap_task_mm(tsk, mm))
		mm->flags |= 1UL << MMF_OOM_SKIP;
}

/* ---------------------------------------------------------------------- */
/* Killing                                                                 */
/* ---------------------------------------------------------------------- */

/* SIGKILL to p's whole thread group (do_send_sig_info(..., PIDTYPE_TGID)). */
static void send_sigkill(struct machine *m, struct task_struct *p)
{
	struct task_struct *t;

	for_each_thread(m, p, t)
		t->fatal_signal = true;
}

/* mark_oom_victim: the group's allocations may now use ALLOC_OOM. */
static void mark_oom_victim(struct machine *m, struct task_struct *tsk)
{
	struct task_struct *t;

	if (tsk->memdie)
		return;
	for_each_thread(m, tsk, t)
		t->memdie = true;
	tsk->mm->flags |= 1UL << MMF_OOM_VICTIM;
}

/* A dying task whose mm goes with it: it needs no one killed (task_will_free_mem). */
static bool task_will_free_mem(struct machine *m, struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct task_struct *p;

	if (!mm || !task->fatal_signal)
		return false;
	if (mm->flags & (1UL << MMF_OOM_SKIP))
		return false;
	for_each_process(m, p)
		if (process_shares_mm(m, p, mm) && !p->fatal_signal)
			return false;
	return true;
}

static void __oom_kill_process(struct machine *m, struct task_struct *victim,
			       const char *message)
{
	struct task_struct *p = find_task_mm(m, victim);
	struct mm_struct *mm;

	if (!p) {
		printk(m, "%s: OOM victim %d (%s) is already exiting. Skip killing the task",
		       message, victim->pid, victim->comm);
		return;
	}
	victim = p;
	mm = victim->mm;
	count_vm_event(m, OOM_KILL);
	send_sigkill(m, victim);
	mark_oom_victim(m, victim);
	printk(m, "%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, "
		  "shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd", message, victim->pid,
	       victim->comm, K(mm->total_vm), K(get_mm_counter(mm, MM_ANONPAGES)),
	       K(get_mm_counter(mm, MM_FILEPAGES)), K(get_mm_counter(mm, MM_SHMEMPAGES)), 0U,
	       (unsigned long)mm->pgtables_bytes >> 10, victim->oom_score_adj);
	/* every other process on the mm dies too (no reserves for them) */
	for_each_process(m, p)
		if (process_shares_mm(m, p, mm) && p->tgid != victim->tgid)
			send_sigkill(m, p);
	wake_oom_reaper(victim);
}

static void oom_kill_process(struct machine *m, struct oom_control *oc, const char *message)
{
	struct task_struct *victim = oc->chosen;

	/* already dying with its memory: no report, no other deaths */
	if (task_will_free_mem(m, victim)) {
		mark_oom_victim(m, victim);
		wake_oom_reaper(victim);
		return;
	}
	if (ratelimit(m, &m->oom_rs, "oom_kill_process")) {
		dump_header(m, oc);
		dump_oom_victim(m, oc, victim);
	}
	__oom_kill_process(m, victim, message);
}

bool out_of_memory(struct machine *m, struct oom_control *oc)
{
	struct task_struct *cur = m->current;

	/* a dying current needs reserves, not another victim */
	if (cur && cur->mm && task_will_free_mem(m, cur)) {
		mark_oom_victim(m, cur);
		wake_oom_reaper(cur);
		return true;
	}
	/* the OOM killer does not make up for IO-less reclaim */
	if (oc->gfp_mask && !(oc->gfp_mask & __GFP_FS))
		return true;
	oc->constraint = constrained_alloc(m, oc);
	if (oc->constraint != CONSTRAINT_MEMORY_POLICY)
		oc->nodemask = NULL;
	/* panic_on_oom is 0 (the sysctl refuses anything else) */
	if (m->sysctl.oom_kill_allocating_task && cur && cur->mm &&
	    !oom_unkillable_task(cur) && oom_cpuset_eligible(cur, oc) &&
	    cur->oom_score_adj != OOM_SCORE_ADJ_MIN) {
		oc->chosen = cur;
		oom_kill_process(m, oc, "Out of memory (oom_kill_allocating_task)");
		return true;
	}
	select_bad_process(m, oc);
	if (!oc->chosen) {
		dump_header(m, oc);
		printk(m, "Out of memory and no killable processes...");
		/* Linux panics "System is deadlocked on memory"; mmsim fails the allocation */
		return false;
	}
	if (oc->chosen != OOM_CHOSEN_ABORT)
		oom_kill_process(m, oc, "Out of memory");
	return true;
}

void pagefault_out_of_memory(struct task_struct *t)
{
	struct machine *m = t->machine;

	if (fatal_signal_pending(t))
		return;
	if (ratelimit(m, &m->pfoom_rs, "pagefault_out_of_memory"))
		printk(m, "Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF");
}

/* ---------------------------------------------------------------------- */
/* The death, and oom_score_adj                                            */
/* ---------------------------------------------------------------------- */

int oom_exit_victims(struct machine *m)
{
	struct task_struct *t, *prev = m->current;
	int n = 0;

	if (!m->tasks.next)
		return 0;
again:
	list_for_each_entry(t, &m->tasks, tasks) {
		if (!t->fatal_signal)
			continue;
		if (t == prev)
			prev = NULL;
		do_exit(t, SIGKILL);
		n++;
		goto again;	/* the list changed under us */
	}
	if (n && prev)
		task_enter(prev);
	return n;
}

static void set_group_adj(struct machine *m, struct task_struct *p, short adj)
{
	struct task_struct *t;

	for_each_thread(m, p, t)
		t->oom_score_adj = adj;
}

int set_oom_score_adj(struct task_struct *t, int adj)
{
	struct machine *m = t->machine;
	struct mm_struct *mm = t->mm;
	struct task_struct *p;

	if (adj < OOM_SCORE_ADJ_MIN || adj > OOM_SCORE_ADJ_MAX)
		return -EINVAL;
	/* the writer is root (CAP_SYS_RESOURCE): any value may be set */
	set_group_adj(m, t, (short)adj);
	/* processes sharing the mm share the score (__set_oom_adj) */
	if (mm && mm->mm_users > 1) {
		for_each_process(m, p)
			if (p->tgid != t->tgid && process_shares_mm(m, p, mm))
				set_group_adj(m, p, (short)adj);
	}
	return 0;
}

int get_oom_adj(const struct task_struct *t)
{
	if (t->oom_score_adj == OOM_SCORE_ADJ_MAX)
		return OOM_ADJUST_MAX;
	return t->oom_score_adj * -OOM_DISABLE / OOM_SCORE_ADJ_MAX;
}

int set_oom_adj(struct task_struct *t, int oom_adj)
{
	struct machine *m = t->machine;

	if (oom_adj < OOM_ADJUST_MIN || oom_adj > OOM_ADJUST_MAX)
		return -EINVAL;
	if (!m->oom_adj_warned) {
		m->oom_adj_warned = true;
		printk(m, "%s (%d): /proc/%d/oom_adj is deprecated, please use "
			  "/proc/%d/oom_score_adj instead.", t->comm, t->pid, t->pid, t->pid);
	}
	/* scaled to the oom_score_adj range; the top value maps to the top */
	if (oom_adj == OOM_ADJUST_MAX)
		oom_adj = OOM_SCORE_ADJ_MAX;
	else
		oom_adj = oom_adj * OOM_SCORE_ADJ_MAX / -OOM_DISABLE;
	return set_oom_score_adj(t, oom_adj);
}
