/*
 * loadavg.c - the global load average (Linux's kernel/sched/loadavg.c):
 * avenrun[0..2], the 1, 5 and 15 minute exponentially decaying averages of
 * the number of active tasks, in FSHIFT-bit fixed point.
 *
 * Linux samples the active count every LOAD_FREQ (5 s and one tick) from
 * the timer tick; here a kernel timer (machine->calc_load_timer) fires at
 * every LOAD_FREQ boundary of the simulated clock, the first 5 s + 1 tick
 * after boot as in Linux, and applies one calc_load() step. Reading
 * /proc/loadavg never changes it, so a run is the same whether or not
 * anybody looks.
 *
 * Active tasks: nr_running + nr_uninterruptible. The simulated kernel runs
 * one task at a time - the one it acts for (machine->current, state R in
 * /proc/PID/stat) - and nothing sleeps uninterruptibly yet, so the load
 * tends to 1 while any process has run and 0 when none is left.
 *
 * Invariants: avenrun changes only in the timer's calc_global_load, once
 * per LOAD_FREQ of simulated time (the timer re-arms from its own expiry,
 * so it does not drift); the active count is 0 or 1, so each average stays
 * between 0 and FIXED_1.
 */
#include "machine.h"
#include "sched.h"

#define FSHIFT		11
#define FIXED_1		(1UL << FSHIFT)
#define EXP_1		1884UL	/* 1/exp(5sec/1min) in fixed point */
#define EXP_5		2014UL	/* 1/exp(5sec/5min) */
#define EXP_15		2037UL	/* 1/exp(5sec/15min) */
#define LOAD_FREQ_NS	((5ULL * HZ + 1) * TICK_NSEC)	/* 5 s + 1 tick */

/* calc_load(): one decay step towards active (both fixed point). */
static unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long newload = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		newload += FIXED_1 - 1;
	return newload / FIXED_1;
}

unsigned int nr_running(const struct machine *m)
{
	return m->current && m->current->mm ? 1 : 0;
}

/* calc_global_load(), as the timer: sample, then re-arm one period on. */
static void calc_global_load(struct sim_timer *timer)
{
	struct machine *m = timer->machine;
	unsigned long active = nr_running(m) * FIXED_1;

	m->avenrun[0] = calc_load(m->avenrun[0], EXP_1, active);
	m->avenrun[1] = calc_load(m->avenrun[1], EXP_5, active);
	m->avenrun[2] = calc_load(m->avenrun[2], EXP_15, active);
	mod_timer(timer, timer->expires + LOAD_FREQ_NS);
}

void calc_load_init(struct machine *m)
{
	timer_setup(m, &m->calc_load_timer, calc_global_load, 0);
	mod_timer(&m->calc_load_timer, m->clock_ns + LOAD_FREQ_NS);
}

void calc_load_exit(struct machine *m)
{
	if (m->calc_load_timer.fn)	/* set up: boot got that far */
		timer_delete(&m->calc_load_timer);
}
