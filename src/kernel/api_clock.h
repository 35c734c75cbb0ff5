/*
 * api_clock.h - charging public API calls to the simulated clock
 * (kernel/api_clock.c). Private to src/kernel/api*.c.
 *
 * A public API call that makes the modelled machine work opens a charge on
 * entry and closes it when it returns:
 *
 *	int mmsim_munmap(mmsim_machine *m, int pid, ...)
 *	{
 *		GET_TASK(t, m, pid);		// includes API_CHARGE(m, t, syscall)
 *		return sys_munmap(t, ...);
 *	}
 *
 * API_CHARGE declares a variable with a cleanup handler (the pattern of
 * Linux's <linux/cleanup.h> guards): when the function returns - after its
 * return value is computed - the charge adds up what the call did (faults,
 * pages allocated and freed, TLB walks and CR3 loads: counter deltas), plus
 * the fixed and per-access costs the call noted, accounts it as the task's
 * user and system time on its CPU, advances the clock by the sum (firing
 * timers), and then runs the samplers whose interval boundary the clock
 * crossed. Nested charges (a sampler calling the API) add their own cost
 * and never run samplers.
 */
#ifndef MMSIM_API_CLOCK_H
#define MMSIM_API_CLOCK_H

#include "machine.h"
#include "sched.h"
#include "timer.h"

/* Counters read on entry and return of a charged call (snapshot in api_clock.c). */
#define NR_SNAPSHOT	11

struct api_charge {
	struct machine *m;		/* NULL: nothing to charge */
	struct task_struct *t;		/* charged task; NULL after it exited */
	int cpu;			/* where the work ran */
	uint64_t system_ns;		/* fixed kernel costs noted by the call */
	uint64_t user_ns;		/* user-mode costs noted by the call */
	unsigned long snap[NR_SNAPSHOT];	/* the counters on entry (api_clock.c) */
};

void api_charge_begin(struct api_charge *c, struct machine *m, struct task_struct *t,
		      uint64_t system_ns);
void api_charge_end(struct api_charge *c);

/* Charge the rest of this function to t (NULL: the kernel, on the current CPU). */
#define API_CHARGE(m, t, system_ns)						\
	struct api_charge __api_charge __attribute__((cleanup(api_charge_end)));	\
	api_charge_begin(&__api_charge, m, t, system_ns)

/* Add kernel or user work to the enclosing API_CHARGE. */
#define api_charge_system(ns)	(__api_charge.system_ns += (ns))
#define api_charge_user(ns)	(__api_charge.user_ns += (ns))
/* The charged task is gone (exit): charge its CPU only. */
#define api_charge_task_gone()	(__api_charge.t = NULL)

/* The task of a pid the public API was given (NULL: none, or no machine). */
static inline struct task_struct *task_of(struct machine *m, int pid)
{
	return m ? find_task_by_pid(m, pid) : NULL;
}

#define LOOKUP_TASK(t, m, pid)				\
	struct task_struct *t = task_of(m, pid);	\
	if (!t)						\
		return -ESRCH

/* A system call made by pid's task, charged to it from here to the return. */
#define GET_TASK(t, m, pid)				\
	LOOKUP_TASK(t, m, pid);				\
	API_CHARGE(m, t, sim_cost(COST_SYSCALL, 1))

/* Free the samplers (machine shutdown). */
void api_clock_free(struct machine *m);

#endif
