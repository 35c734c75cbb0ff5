/*
 * api_clock.c - simulated time at the public API: charging calls to the
 * clock (api_clock.h), mmsim_tick(), samplers, and the time and CPU
 * counters of mmsim.h.
 *
 * What a call costs is computed from what it did, never measured: the
 * counters below are read on entry and on return, and each delta is priced
 * with the cost table (kernel/timer.c):
 *   system time: the call's fixed cost (a syscall, fork, exec, exit, a
 *                slab call) + faults + major faults + pages allocated
 *                (pgalloc_*) + pages freed (pgfree) + CR3 loads + the
 *                rmap's work (VMAs visited, ptes checked, pte tables
 *                scanned, rmap objects made or freed, pte_chain entries
 *                searched)
 *   user time:   the accesses the call made (noted by the caller) +
 *                hardware page walks (TLB misses)
 *   iowait:      the sleep balance_dirty_pages gave a buffered writer
 *                (writeback.h), on the call's CPU, not the task's time
 * The sum is accounted to the task (utime/stime) and to its CPU, and the
 * clock advances by it: the model is one timeline on which one thing
 * happens at a time, the other CPUs idling meanwhile.
 *
 * The end of the outermost charged call is the simulation's return to user
 * mode: tasks the OOM killer sent SIGKILL during the call exit there
 * (oom_exit_victims, oom.h), before the call's work is priced.
 *
 * Samplers are host-side state (like api.c's registry): a malloc'd array
 * hung off the machine. Invariant: each sampler's next_due is the first
 * boundary after the clock once samplers have run; they run in next_due
 * order, ties by index (the order they were added).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_clock.h"
#include "mm.h"
#include "oom.h"
#include "tlbflush.h"
#include "vmstat.h"
#include "writeback.h"
#include "mmsim/mmsim.h"

/* The clock never runs past this (2^62 ns, 146 years): no overflow anywhere. */
#define CLOCK_LIMIT_NS	(1ULL << 62)

struct api_sampler {
	uint64_t interval_ns;
	uint64_t next_due;
	mmsim_sampler_fn fn;
	void *arg;
};

struct api_clock {
	struct api_sampler *samplers;
	size_t nr, max;
	uint64_t next_due;	/* the earliest sampler's next_due; UINT64_MAX: none */
	int depth;		/* open charges (a sampler calling the API nests) */
	bool in_samplers;
};

static struct api_clock *api_clock(struct machine *m)
{
	if (!m->api_clock) {
		m->api_clock = calloc(1, sizeof(*m->api_clock));
		if (!m->api_clock)
			abort();
		m->api_clock->next_due = UINT64_MAX;
	}
	return m->api_clock;
}

void api_clock_free(struct machine *m)
{
	if (m->api_clock) {
		free(m->api_clock->samplers);
		free(m->api_clock);
		m->api_clock = NULL;
	}
}

/* ---- samplers ---- */

/* The sampler due first (lowest index among equals), or -1 if none is due by now. */
static long first_due_sampler(const struct api_clock *ac, uint64_t now)
{
	long best = -1;

	for (size_t i = 0; i < ac->nr; i++) {
		if (ac->samplers[i].next_due > now)
			continue;
		if (best < 0 || ac->samplers[i].next_due < ac->samplers[best].next_due)
			best = (long)i;
	}
	return best;
}

static uint64_t next_sampler_due(const struct machine *m);

static void run_samplers(struct machine *m)
{
	struct api_clock *ac = m->api_clock;
	long i;

	if (!ac || m->clock_ns < ac->next_due || ac->in_samplers || ac->depth)
		return;		/* the fast path: none due */
	ac->in_samplers = true;
	while ((i = first_due_sampler(ac, m->clock_ns)) >= 0) {
		/* Copy out: the callback may add samplers (realloc). */
		struct api_sampler s = ac->samplers[i];

		ac->samplers[i].next_due = s.next_due + s.interval_ns;
		s.fn(m, s.next_due, s.arg);
	}
	ac->in_samplers = false;
	ac->next_due = next_sampler_due(m);
}

static uint64_t next_sampler_due(const struct machine *m)
{
	const struct api_clock *ac = m->api_clock;
	uint64_t due = UINT64_MAX;

	for (size_t i = 0; ac && i < ac->nr; i++)
		if (ac->samplers[i].next_due < due)
			due = ac->samplers[i].next_due;
	return due;
}

int mmsim_add_sampler(mmsim_machine *m, uint64_t interval_ns, mmsim_sampler_fn fn, void *arg)
{
	struct api_clock *ac;

	if (!m || !fn || !interval_ns || interval_ns > CLOCK_LIMIT_NS)
		return -EINVAL;
	ac = api_clock(m);
	if (ac->nr == ac->max) {
		size_t max = ac->max ? 2 * ac->max : 4;
		struct api_sampler *s = realloc(ac->samplers, max * sizeof(*s));

		if (!s)
			return -ENOMEM;
		ac->samplers = s;
		ac->max = max;
	}
	ac->samplers[ac->nr++] = (struct api_sampler){
		.interval_ns = interval_ns,
		.next_due = m->clock_ns + interval_ns,
		.fn = fn,
		.arg = arg,
	};
	if (m->clock_ns + interval_ns < ac->next_due)
		ac->next_due = m->clock_ns + interval_ns;
	return 0;
}

/* ---- charging ---- */

static unsigned long pgalloc_events(const struct machine *m)
{
	return m->vm_events[PGALLOC_DMA] + m->vm_events[PGALLOC_DMA32] +
	       m->vm_events[PGALLOC_NORMAL] + m->vm_events[PGALLOC_MOVABLE] +
	       m->vm_events[PGALLOC_DEVICE];
}

/*
 * The counters a charge reads - faults, pages, TLB, then the rmap's work -
 * and what one unit of each costs, in system time except the TLB walks
 * (user time: the hardware walks for the user's access).
 */
static const enum sim_cost snapshot_cost[NR_SNAPSHOT] = {
	COST_FAULT, COST_MAJOR_FAULT, COST_PAGE_ALLOC, COST_PAGE_FREE, COST_TLB_WALK,
	COST_CR3_LOAD, COST_RMAP_VMA, COST_RMAP_PTE, COST_RMAP_PGTABLE, COST_KMALLOC,
	COST_PTE_CHAIN_ENTRY,
};
#define SNAP_TLB_WALKS	4

static void snapshot(struct api_charge *c, unsigned long *v)
{
	struct machine *m = c->m;
	struct tlb_stats st;

	tlb_get_stats(m, c->cpu, &st);	/* walks and CR3 loads happen on the CPU that runs */
	v[0] = m->vm_events[PGFAULT];
	v[1] = m->vm_events[PGMAJFAULT];
	v[2] = pgalloc_events(m);
	v[3] = m->vm_events[PGFREE];
	v[4] = st.walks;
	v[5] = st.cr3_loads;
	v[6] = m->vm_events[RMAP_WALK_VMA];
	v[7] = m->vm_events[RMAP_WALK_PTE];
	v[8] = m->vm_events[RMAP_WALK_PGTABLE];
	v[9] = m->rmap_object_ops;
	v[10] = m->pte_chain_steps;
}

/* A CPU starting to run another task: a context switch. */
static void note_switch(struct machine *m, struct task_struct *t)
{
	struct kernel_cpustat *kc = &m->kcpustat[t->cpu];

	if (kc->last_pid != t->pid) {
		kc->last_pid = t->pid;
		kc->nr_switches++;
	}
}

void api_charge_begin(struct api_charge *c, struct machine *m, struct task_struct *t,
		      uint64_t system_ns)
{
	unsigned long v[NR_SNAPSHOT];

	c->m = m;
	if (!m)
		return;
	c->t = t;
	c->cpu = t ? t->cpu : m->cpu;
	c->system_ns = system_ns;
	c->user_ns = 0;
	snapshot(c, v);
	memcpy(c->snap, v, sizeof(c->snap));
	if (t)
		note_switch(m, t);
	api_clock(m)->depth++;
}

static void account(struct api_charge *c, uint64_t user_ns, uint64_t system_ns)
{
	struct kernel_cpustat *kc = &c->m->kcpustat[c->cpu];

	if (c->t) {
		account_user_time(c->t, user_ns);
		account_system_time(c->t, system_ns);
		return;
	}
	kc->cpustat[CPUTIME_USER] += user_ns;
	kc->cpustat[CPUTIME_SYSTEM] += system_ns;
}

void api_charge_end(struct api_charge *c)
{
	struct machine *m = c->m;
	unsigned long v[NR_SNAPSHOT];
	uint64_t sys, user, io;

	if (!m)
		return;
	/* back to user mode: tasks the OOM killer chose die now (their exit is charged) */
	if (m->api_clock->depth == 1) {
		if (c->t && c->t->fatal_signal)
			c->t = NULL;	/* the caller dies: its CPU is charged, as for exit */
		oom_exit_victims(m);
	}
	snapshot(c, v);
	sys = c->system_ns;
	user = c->user_ns;
	for (int k = 0; k < NR_SNAPSHOT; k++) {
		uint64_t ns = sim_cost(snapshot_cost[k], v[k] - c->snap[k]);

		if (k == SNAP_TLB_WALKS)
			user += ns;
		else
			sys += ns;
	}
	/* writeback (issue 5): balance_dirty_pages' sleep, as iowait on this CPU */
	io = wb_take_pause_ns(m);
	if (m->clock_ns + sys + user + io > CLOCK_LIMIT_NS)
		sys = user = io = 0;	/* the end of time: the clock stops */
	account(c, user, sys);
	m->kcpustat[c->cpu].cpustat[CPUTIME_IOWAIT] += io;
	m->api_clock->depth--;
	clock_advance(m, sys + user + io);
	run_samplers(m);
}

/* ---- idling ---- */

int mmsim_tick(mmsim_machine *m, uint64_t ns)
{
	uint64_t target;

	if (!m || ns > CLOCK_LIMIT_NS - m->clock_ns)
		return -EINVAL;
	target = m->clock_ns + ns;
	do {
		uint64_t next = next_sampler_due(m);

		if (next > target)
			next = target;
		clock_advance(m, next - m->clock_ns);
		run_samplers(m);
	} while (m->clock_ns < target);
	return 0;
}

/* ---- durations ---- */

static const struct {
	const char *unit;
	uint64_t ns;
} duration_units[] = {
	{ "ns", 1 }, { "us", NSEC_PER_USEC }, { "ms", NSEC_PER_MSEC }, { "s", NSEC_PER_SEC },
	{ "m", 60 * NSEC_PER_SEC }, { "h", 3600 * NSEC_PER_SEC }, { "d", 86400 * NSEC_PER_SEC },
	{ "", NSEC_PER_SEC },
};

static int duration_error(const char *text, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "bad duration '%s' (a number with an optional fraction and "
			 "unit: ns us ms s m h d, e.g. 100ms or 1.5s; no unit means seconds)",
			 text ? text : "");
	return -EINVAL;
}

/* Exact decimal arithmetic: "0.1s" is 100000000 ns, not a float's approximation. */
int mmsim_parse_duration(const char *text, uint64_t *ns, char *err, size_t errlen)
{
	uint64_t whole = 0, frac = 0, scale = 1, unit = 0;
	const char *p = text;
	bool digits = false;

	if (!text || !ns)
		return duration_error(text, err, errlen);
	for (; *p >= '0' && *p <= '9'; p++, digits = true) {
		if (whole > (CLOCK_LIMIT_NS - 9) / 10)
			return duration_error(text, err, errlen);
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (scale < 1000000000000000000ULL) {	/* 18 digits kept */
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
		}
	}
	if (!digits)
		return duration_error(text, err, errlen);
	for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
		if (!strcmp(p, duration_units[i].unit))
			unit = duration_units[i].ns;
	if (!unit || whole > CLOCK_LIMIT_NS / unit)
		return duration_error(text, err, errlen);
	/* frac/scale of a unit, rounded down to whole ns (unit <= 8.64e13, frac < 1e18). */
	*ns = whole * unit + (uint64_t)((unsigned __int128)frac * unit / scale);
	if (*ns > CLOCK_LIMIT_NS)
		return duration_error(text, err, errlen);
	return 0;
}

/* ---- counters ---- */

int mmsim_cpu_time(mmsim_machine *m, int cpu, struct mmsim_cpu_time *out)
{
	if (!m || !out || cpu >= m->nr_cpus)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (int c = 0; c < m->nr_cpus; c++) {
		const struct kernel_cpustat *kc = &m->kcpustat[c];

		if (cpu >= 0 && c != cpu)
			continue;
		out->user_ns += kc->cpustat[CPUTIME_USER];
		out->system_ns += kc->cpustat[CPUTIME_SYSTEM];
		out->iowait_ns += kc->cpustat[CPUTIME_IOWAIT];
		out->idle_ns += cpu_idle_time(m, c);
	}
	return 0;
}

int mmsim_sched_stats(mmsim_machine *m, struct mmsim_sched_stats *out)
{
	if (!m || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->interrupts = nr_timer_interrupts(m);
	for (int c = 0; c < m->nr_cpus; c++)
		out->context_switches += m->kcpustat[c].nr_switches;
	out->forks = m->total_forks;
	return 0;
}

int mmsim_task_times(mmsim_machine *m, int pid, uint64_t *utime_ns, uint64_t *stime_ns)
{
	struct task_struct *t = task_of(m, pid);

	if (!t)
		return -ESRCH;
	if (utime_ns)
		*utime_ns = t->utime_ns;
	if (stime_ns)
		*stime_ns = t->stime_ns;
	return 0;
}

size_t mmsim_costs(struct mmsim_cost *out, size_t max)
{
	for (size_t i = 0; out && i < NR_SIM_COSTS && i < max; i++)
		out[i] = (struct mmsim_cost){ sim_costs[i].name, sim_costs[i].ns, sim_costs[i].basis };
	return NR_SIM_COSTS;
}
