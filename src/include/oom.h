/*
 * oom.h - the OOM killer (include/linux/oom.h, mm/oom_kill.c) and
 * show_mem (mm/show_mem.c).
 *
 * When the page allocator's slow path has nothing left to try it calls
 * out_of_memory(): pick the task whose death frees the most memory
 * (oom_badness), log Linux's report, send it SIGKILL and let the OOM
 * reaper free its private memory at once. The simulation carries the
 * signal out at the next safe point: the end of the public API call during
 * which it was sent (oom_exit_victims, called by api_clock.c), where the
 * victim exits as do_exit does. Until then the victim is "dying": its
 * mm is still there (reaped), fatal_signal_pending() is true, and its own
 * allocations may dip into the reserves (ALLOC_OOM).
 *
 * Invariants: a task with memdie set has fatal_signal set; an mm with
 * MMF_OOM_SKIP has been reaped (or will never be) and is not chosen again.
 */
#ifndef MMSIM_OOM_H
#define MMSIM_OOM_H

#include "gfp.h"
#include "sched.h"

#define OOM_SCORE_ADJ_MIN	(-1000)
#define OOM_SCORE_ADJ_MAX	1000
/* /proc/PID/oom_adj, the legacy knob (include/uapi/linux/oom.h). */
#define OOM_DISABLE		(-17)
#define OOM_ADJUST_MIN		(-17)
#define OOM_ADJUST_MAX		15

enum oom_constraint {
	CONSTRAINT_NONE,
	CONSTRAINT_CPUSET,
	CONSTRAINT_MEMORY_POLICY,
	CONSTRAINT_MEMCG,
};

struct zonelist;

struct oom_control {
	struct zonelist *zonelist;	/* NULL: a page fault's OOM (no context) */
	const unsigned long *nodemask;	/* the allocation's, or NULL */
	gfp_t gfp_mask;
	int order;
	/* filled in by out_of_memory */
	unsigned long totalpages;
	struct task_struct *chosen;	/* OOM_CHOSEN_ABORT: a victim is still dying */
	long chosen_points;
	enum oom_constraint constraint;
};
#define OOM_CHOSEN_ABORT	((struct task_struct *)-1L)

/* A SIGKILL is pending: the task dies at the end of the current API call. */
static inline bool fatal_signal_pending(const struct task_struct *t)
{
	return t && t->fatal_signal;
}

/* The OOM killer chose it (TIF_MEMDIE): its allocations may use ALLOC_OOM. */
static inline bool tsk_is_oom_victim(const struct task_struct *t)
{
	return t && t->memdie;
}

/*
 * The badness of t (rss + swap entries + page-table pages, plus
 * oom_score_adj in thousandths of totalpages), or LONG_MIN when the OOM
 * killer may not pick it (no mm, oom_score_adj -1000, already reaped).
 */
long oom_badness(struct task_struct *t, unsigned long totalpages);
/* RAM + swap in pages: what oom_score is relative to. */
unsigned long oom_totalpages(struct machine *m);

/*
 * Kill something to free memory. True when that may have helped (a victim
 * was killed or is still dying, or the allocation cannot use the OOM
 * killer's help), false when nothing could be done.
 */
bool out_of_memory(struct machine *m, struct oom_control *oc);
/*
 * A page fault ended in VM_FAULT_OOM (arch/x86/mm/fault.c): nothing to do
 * if t is dying; otherwise Linux's "Huh VM_FAULT_OOM leaked" warning.
 */
void pagefault_out_of_memory(struct task_struct *t);

/*
 * Deliver pending SIGKILLs: every task with fatal_signal set exits (do_exit
 * with code SIGKILL). Called at the end of the outermost public API call.
 * Returns the number of tasks that exited.
 */
int oom_exit_victims(struct machine *m);

/* oom_score_adj writes (fs/proc/base.c __set_oom_adj): 0 or -EINVAL/-ESRCH. */
int set_oom_score_adj(struct task_struct *t, int adj);
int set_oom_adj(struct task_struct *t, int oom_adj);
int get_oom_adj(const struct task_struct *t);

/*
 * show_mem (mm/show_mem.c): the Mem-Info block of an OOM report or an
 * allocation failure, for the zones up to max_zone_idx of the nodes in
 * nodemask (NULL: all).
 */
void __show_mem(struct machine *m, const unsigned long *nodemask, int max_zone_idx);

#endif
