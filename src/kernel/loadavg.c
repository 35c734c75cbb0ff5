/*
 * loadavg.c - the global load average (Linux's kernel/sched/loadavg.c):
 * avenrun[0..2], the 1, 5 and 15 minute exponentially decaying averages of
 * the number of active tasks, in FSHIFT-bit fixed point.
 *
 * Linux samples the active count every LOAD_FREQ (5 s and one tick, HZ=250
 * here as on Debian) from the timer tick. mmsim has no tick: whoever moves
 * the simulated clock calls calc_global_load(), which applies one
 * calc_load() step per LOAD_FREQ boundary the clock has crossed, each with
 * the active count of that moment (as Linux's NO_HZ catch-up does for the
 * periods it slept through). Reading /proc/loadavg never changes it, so a
 * run is the same whether or not anybody looks.
 *
 * Active tasks: nr_running + nr_uninterruptible. The simulated kernel runs
 * one task at a time - the one it acts for (machine->current, state R in
 * /proc/PID/stat) - and nothing sleeps uninterruptibly yet.
 */
#include "machine.h"
#include "sched.h"

#define FSHIFT		11
#define FIXED_1		(1UL << FSHIFT)
#define EXP_1		1884UL	/* 1/exp(5sec/1min) in fixed point */
#define EXP_5		2014UL	/* 1/exp(5sec/5min) */
#define EXP_15		2037UL	/* 1/exp(5sec/15min) */
#define HZ		250
#define NSEC_PER_SEC	1000000000ULL
#define LOAD_FREQ_NS	((5ULL * HZ + 1) * (NSEC_PER_SEC / HZ))	/* 5 s + 1 tick */

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

/* nr_running + nr_uninterruptible, in fixed point. */
static unsigned long calc_load_active(const struct machine *m)
{
	return nr_running(m) * FIXED_1;
}

void calc_global_load(struct machine *m)
{
	while (m->clock_ns - m->calc_load_done_ns >= LOAD_FREQ_NS) {
		unsigned long active = calc_load_active(m);

		m->avenrun[0] = calc_load(m->avenrun[0], EXP_1, active);
		m->avenrun[1] = calc_load(m->avenrun[1], EXP_5, active);
		m->avenrun[2] = calc_load(m->avenrun[2], EXP_15, active);
		m->calc_load_done_ns += LOAD_FREQ_NS;
	}
}
