/*
 * timer.h - simulated time: the machine's clock, kernel timers on it, CPU
 * time accounting and the cost model that makes the clock advance.
 *
 * The clock (machine->clock_ns, nanoseconds since boot) never follows host
 * time: it moves only when
 *   - a public API call returns: the call is charged what the modelled
 *     machine would have spent on it (the cost table in kernel/timer.c,
 *     applied by kernel/api_clock.c), or
 *   - mmsim_tick() lets the machine idle for a while.
 * So the same script gives the same times, bit for bit, on any host.
 *
 * Timers (include/linux/timer.h's shape): a struct sim_timer embedded in
 * the object that owns it (kswapd's pgdat, the flusher's bdi), set up once
 * with timer_setup(), armed with add_timer()/mod_timer(), disarmed with
 * timer_delete(). Pending timers sit on machine->timers sorted by expiry;
 * timers with the same expiry fire in the order they were armed. They fire
 * from clock_advance() as the clock passes their expiry, one at a time,
 * with the clock set to that expiry: the callback sees the time it asked
 * for. A callback may re-arm its own timer (or others); a timer armed for
 * a time that has already passed fires at the next jiffy, as Linux's timer
 * wheel would run it at the next tick, so a callback re-arming "now" cannot
 * stall the clock.
 *
 * Context: clock_advance() runs timer callbacks, so it is called with no
 * lock held - from the public API boundary and mmsim_tick(), never from
 * inside a kernel operation. Callbacks run like Linux's timer softirq:
 * they may take locks and allocate with GFP_ATOMIC/GFP_NOWAIT, and they do
 * not advance the clock themselves (they run in time already elapsed).
 *
 * CPU time: each CPU's user, system and iowait time in ns (kernel_cpustat);
 * idle is what is left of the clock, so user + system + iowait + idle ==
 * clock_ns on every CPU at every moment.
 */
#ifndef MMSIM_TIMER_H
#define MMSIM_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"

struct machine;
struct task_struct;

#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL
#define HZ		250	/* Debian's CONFIG_HZ */
#define USER_HZ		100	/* /proc/stat's clock ticks */
#define TICK_NSEC	(NSEC_PER_SEC / HZ)

/* jiffies: timer ticks since boot (Linux starts it at -5 min; we at 0). */
#define clock_jiffies(m)	((unsigned long)((m)->clock_ns / TICK_NSEC))

/* ---- timers ---- */

struct sim_timer {
	struct list_head entry;		/* machine->timers; empty when not pending */
	uint64_t expires;		/* clock_ns at which fn runs */
	void (*fn)(struct sim_timer *timer);
	unsigned long data;		/* the owner's cookie (container_of also works) */
	struct machine *machine;
	uint64_t seq;			/* arming order: ties fire first-armed first */
};

/* Once, before first use: the callback and its cookie. Not pending after. */
void timer_setup(struct machine *m, struct sim_timer *timer,
		 void (*fn)(struct sim_timer *timer), unsigned long data);
/* Arm a timer that is not pending at timer->expires (a bug if pending). */
void add_timer(struct sim_timer *timer);
/* (Re)arm at expires, pending or not. 1 if it was pending, else 0. */
int mod_timer(struct sim_timer *timer, uint64_t expires);
/* Disarm. 1 if it was pending, else 0. */
int timer_delete(struct sim_timer *timer);

static inline bool timer_pending(const struct sim_timer *timer)
{
	return !list_empty(&timer->entry);
}

/* ---- the clock ---- */

/* Boot: no timers, CPU time zero. Shutdown: every timer must be gone. */
void timer_init(struct machine *m);
void timer_exit(struct machine *m);
/*
 * Move the clock forward by ns, firing every timer whose expiry it passes
 * (expiry <= the new time), in expiry order. ns == 0 fires the timers that
 * are already due. Called with no lock held.
 */
void clock_advance(struct machine *m, uint64_t ns);
/* The expiry of the next pending timer, or UINT64_MAX. */
uint64_t next_timer_expiry(const struct machine *m);

/* ---- CPU time (kernel/sched/cputime.c's accounting, in ns) ---- */

enum cpu_usage_stat { CPUTIME_USER, CPUTIME_SYSTEM, CPUTIME_IOWAIT, NR_CPUTIME_STATS };

struct kernel_cpustat {
	uint64_t cpustat[NR_CPUTIME_STATS];
	uint64_t nr_switches;		/* context switches on this CPU */
	int last_pid;			/* the task that ran here last (0: none) */
};

/* Charge user/system time to a task on its CPU (the clock is advanced apart). */
void account_user_time(struct task_struct *t, uint64_t ns);
void account_system_time(struct task_struct *t, uint64_t ns);
/* idle = clock - user - system - iowait on that CPU. */
uint64_t cpu_idle_time(const struct machine *m, int cpu);
/* Local timer interrupts so far: HZ per second on each CPU (periodic tick). */
uint64_t nr_timer_interrupts(const struct machine *m);

/* ---- the cost model (kernel/timer.c) ---- */

/*
 * What one unit of each kind of work costs the modelled machine, in ns.
 * Charged at the public API boundary from what the call did (counter
 * deltas), never from host time. The figures and their sources are the
 * table in kernel/timer.c.
 */
enum sim_cost {
	COST_SYSCALL,		/* a system call's entry and exit */
	COST_FAULT,		/* a page fault: exception, handle_mm_fault, return */
	COST_MAJOR_FAULT,	/* a major fault's wait for the disk (4 KiB read) */
	COST_PAGE_ALLOC,	/* a page allocated and filled (cleared or copied) */
	COST_PAGE_FREE,		/* a page unmapped and freed */
	COST_USER_ACCESS,	/* one user access to a page, TLB hit */
	COST_TLB_WALK,		/* a hardware page walk after a TLB miss */
	COST_CR3_LOAD,		/* a CR3 write (context switch, PTI entry/exit) */
	COST_BYTE_COPY,		/* per KiB moved by read/write (memcpy) */
	COST_FORK,		/* fork's fixed part: task, mm, VMAs of a small process */
	COST_FORK_PTE,		/* per page table entry fork copies */
	COST_EXEC,		/* execve of a simulated program */
	COST_EXIT,		/* exit's fixed part */
	COST_KMALLOC,		/* a slab allocation or free */
	COST_RMAP_VMA,		/* rmap walk: one VMA looked at */
	COST_RMAP_PTE,		/* rmap walk: one pte checked */
	COST_RMAP_PGTABLE,	/* rmap=scan: one pte table reached */
	COST_PTE_CHAIN_ENTRY,	/* rmap=pte_chain: one chain entry searched or moved */
	NR_SIM_COSTS
};

struct sim_cost_entry {
	const char *name;	/* for docs, the bench and mmsim_costs() */
	uint64_t ns;
	const char *basis;	/* where the figure comes from */
};

extern const struct sim_cost_entry sim_costs[NR_SIM_COSTS];

static inline uint64_t sim_cost(enum sim_cost c, uint64_t units)
{
	return sim_costs[c].ns * units;
}

#endif
