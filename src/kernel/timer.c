/*
 * timer.c - the simulated clock, kernel timers on it, CPU time accounting
 * and the cost table (timer.h explains the model).
 *
 * Pending timers are one list sorted by (expires, seq): arming is O(n) in
 * the number of pending timers, which is a handful (kswapd per node, the
 * flusher, a few scripted ones), and firing takes the head. Invariants:
 *   - machine->timers is sorted by expires, then by seq (arming order);
 *   - a timer is pending iff its entry is on the list;
 *   - the clock never goes back, and a timer fires with the clock at its
 *     expiry, never before and never with a later one still pending
 *     before it.
 */
#include <string.h>

#include "bug.h"
#include "machine.h"
#include "printk.h"
#include "sched.h"
#include "spinlock.h"
#include "timer.h"

/*
 * The cost model: ONE table, change the figures here.
 *
 * Figures are a modelled bare-metal x86-64 server of the Linux 6.x era
 * (Spectre/Meltdown mitigations on, PCID, no PTI unless --pti), not the
 * host mmsim runs on: the development host is a Firecracker VM where a
 * fault costs ~22 us and a syscall ~2.5 us, 10-50x bare metal, because
 * every trap exits to the hypervisor (bench/bench_host_costs prints this
 * host's figures beside the table). Where a figure is a memory speed the
 * VM does not distort (clearing or copying 4 KiB, a TLB walk), the host's
 * measurement is the basis.
 */
const struct sim_cost_entry sim_costs[NR_SIM_COSTS] = {
	[COST_SYSCALL] = { "syscall", 100,
		"null system call round trip with mitigations, bare metal (lmbench lat_syscall null, "
		"a getppid() loop: 50-100 ns)" },
	[COST_FAULT] = { "fault", 500,
		"minor fault without the page fill: exception entry/exit, handle_mm_fault, pte "
		"install (will-it-scale page_fault1: ~0.75 us per fault including a 4 KiB clear)" },
	[COST_MAJOR_FAULT] = { "major_fault", 100000,
		"wait for a 4 KiB random read from an NVMe SSD (~80-100 us) in a major fault" },
	[COST_PAGE_ALLOC] = { "page_alloc", 250,
		"buddy/per-CPU list allocation (~50 ns) plus clearing or copying 4 KiB "
		"(this host: memset of a cold 4 KiB 370 ns, ~200 ns at 20 GB/s bare metal)" },
	[COST_PAGE_FREE] = { "page_free", 50,
		"zap one pte, drop the rmap and free the page to the per-CPU list" },
	[COST_USER_ACCESS] = { "user_access", 2,
		"a load or store hitting L1 and the dTLB (this host: 3 ns per page in a hot loop)" },
	[COST_TLB_WALK] = { "tlb_walk", 30,
		"a hardware page walk with the paging-structure caches warm "
		"(this host: 41 ns per access to cold pages, data cache miss included)" },
	[COST_CR3_LOAD] = { "cr3_load", 150,
		"a write to CR3 with PCID (context switch, or PTI's entry and exit)" },
	[COST_BYTE_COPY] = { "copy_per_kib", 50,
		"memcpy of 1 KiB at ~20 GB/s (read/write's copy to or from user memory)" },
	[COST_FORK] = { "fork", 40000,
		"fork's fixed part for a small process (lmbench lat_proc fork: fork+exit ~50 us)" },
	[COST_FORK_PTE] = { "fork_pte", 50,
		"copying one present pte at fork (Redis latency docs: fork on physical Linux "
		"13.1 ms per GB of RSS, i.e. ~50 ns per 4 KiB page)" },
	[COST_EXEC] = { "exec", 100000,
		"execve of a small program (lmbench lat_proc exec ~150 us, less the fork)" },
	[COST_EXIT] = { "exit", 10000,
		"exit's fixed part (the rest of lmbench's fork+exit)" },
	[COST_KMALLOC] = { "kmalloc", 20,
		"a SLUB fast-path allocation or free (10-20 ns); also each rmap object "
		"(anon_vma, anon_vma_chain, pte_chain block) made or freed" },
	[COST_RMAP_VMA] = { "rmap_vma", 20,
		"an rmap walk visiting one VMA: a cache miss on the VMA and its range check" },
	[COST_RMAP_PTE] = { "rmap_pte", 10,
		"an rmap walk checking one pte (page table walk with warm caches)" },
	[COST_RMAP_PGTABLE] = { "rmap_pgtable", 60,
		"2.4's scan reaching one pte table: the upper-level walk and a cold table line" },
	[COST_PTE_CHAIN_ENTRY] = { "pte_chain_entry", 2,
		"2.5's pte_chain upkeep: one entry compared or moved while searching a chain" },
};

/* ---- timers ---- */

void timer_setup(struct machine *m, struct sim_timer *timer,
		 void (*fn)(struct sim_timer *timer), unsigned long data)
{
	INIT_LIST_HEAD(&timer->entry);
	timer->expires = 0;
	timer->fn = fn;
	timer->data = data;
	timer->machine = m;
	timer->seq = 0;
}

/*
 * A timer armed from a callback for a time not after now runs at the next
 * jiffy boundary: the tick at which Linux's timer wheel would see it. So a
 * callback that re-arms "now" cannot keep the clock from moving on.
 */
static uint64_t next_jiffy_after(uint64_t now)
{
	return (now / TICK_NSEC + 1) * TICK_NSEC;
}

/* Insert after every timer that fires no later: FIFO among equals. */
static void enqueue_timer(struct sim_timer *timer)
{
	struct machine *m = timer->machine;
	struct sim_timer *pos;

	if (m->in_timer && timer->expires <= m->clock_ns)
		timer->expires = next_jiffy_after(m->clock_ns);
	timer->seq = ++m->timer_seq;
	list_for_each_entry(pos, &m->timers, entry) {
		if (pos->expires > timer->expires) {
			list_add_tail(&timer->entry, &pos->entry);	/* before pos */
			return;
		}
	}
	list_add_tail(&timer->entry, &m->timers);
}

void add_timer(struct sim_timer *timer)
{
	BUG_ON(timer_pending(timer));
	BUG_ON(!timer->fn || !timer->machine);
	enqueue_timer(timer);
}

int timer_delete(struct sim_timer *timer)
{
	if (!timer_pending(timer))
		return 0;
	list_del_init(&timer->entry);
	return 1;
}

int mod_timer(struct sim_timer *timer, uint64_t expires)
{
	int was_pending = timer_delete(timer);

	timer->expires = expires;
	add_timer(timer);
	return was_pending;
}

uint64_t next_timer_expiry(const struct machine *m)
{
	if (list_empty(&m->timers))
		return UINT64_MAX;
	return list_first_entry(&m->timers, struct sim_timer, entry)->expires;
}

/* ---- the clock ---- */

void timer_init(struct machine *m)
{
	INIT_LIST_HEAD(&m->timers);
	m->timer_seq = 0;
	m->clock_ns = 0;
	memset(m->kcpustat, 0, sizeof(m->kcpustat));
}

void timer_exit(struct machine *m)
{
	struct sim_timer *t, *n;

	if (!m->timers.next)
		return;		/* boot failed before timer_init */
	list_for_each_entry_safe(t, n, &m->timers, entry) {
		printk(m, "timer: %p (fn %p) still pending at shutdown", (void *)t, (void *)t->fn);
		list_del_init(&t->entry);
	}
}

static void run_one_timer(struct machine *m, struct sim_timer *timer)
{
	list_del_init(&timer->entry);
	if (timer->expires > m->clock_ns)
		m->clock_ns = timer->expires;
	m->in_timer = true;
	timer->fn(timer);
	m->in_timer = false;
}

void clock_advance(struct machine *m, uint64_t ns)
{
	uint64_t target = m->clock_ns + ns;

	VM_BUG_ON(lockdep_depth() != 0);
	VM_BUG_ON(m->in_timer);		/* callbacks do not advance the clock */
	if (target < m->clock_ns)
		target = UINT64_MAX;	/* saturate: the clock never wraps */
	while (next_timer_expiry(m) <= target)
		run_one_timer(m, list_first_entry(&m->timers, struct sim_timer, entry));
	m->clock_ns = target;
}

/* ---- CPU time ---- */

static struct kernel_cpustat *task_cpustat(struct task_struct *t)
{
	return &t->machine->kcpustat[t->cpu];
}

void account_user_time(struct task_struct *t, uint64_t ns)
{
	task_cpustat(t)->cpustat[CPUTIME_USER] += ns;
	t->utime_ns += ns;
}

void account_system_time(struct task_struct *t, uint64_t ns)
{
	task_cpustat(t)->cpustat[CPUTIME_SYSTEM] += ns;
	t->stime_ns += ns;
}

uint64_t cpu_idle_time(const struct machine *m, int cpu)
{
	const struct kernel_cpustat *kc = &m->kcpustat[cpu];
	uint64_t busy = kc->cpustat[CPUTIME_USER] + kc->cpustat[CPUTIME_SYSTEM] +
			kc->cpustat[CPUTIME_IOWAIT];

	return m->clock_ns > busy ? m->clock_ns - busy : 0;
}

uint64_t nr_timer_interrupts(const struct machine *m)
{
	return (uint64_t)clock_jiffies(m) * (uint64_t)m->nr_cpus;
}
