/*
 * sched.h - simulated tasks (include/linux/sched.h, kernel/fork.c,
 * kernel/exit.c) and the simulated CPUs they run on.
 *
 * A task is a thread: its mm may be shared with others (CLONE_VM), its
 * fault counters are its own. Tasks live in the "task_struct" slab cache
 * and on machine->tasks in pid order. A task runs on one simulated CPU
 * (task->cpu, fixed at creation: pid order round-robin, so runs are
 * deterministic); running it there (task_enter) loads its mm into that CPU:
 * CR3, mm_cpumask, PCID, the TLB effects of a context switch.
 *
 * Invariants: pid unique among live tasks, never 0; a live task has an mm
 * (no kernel threads yet); mm->mm_users equals the number of live tasks on
 * the mm; an exited task is gone (no zombies kept: exit reaps).
 */
#ifndef MMSIM_SCHED_H
#define MMSIM_SCHED_H

#include "mm_types.h"

/* writeback (issue 5): Linux's task_struct nr_dirtied / nr_dirtied_pause (writeback.h). */
struct dirty_throttle_state {
	int nr_dirtied;			/* pages dirtied since the last balance */
	int nr_dirtied_pause;		/* balance again after this many (0: the initial 32) */
};

struct mempolicy;

#define TASK_COMM_LEN	16
#define PID_MAX_DEFAULT	32768

/* clone flags used here (include/uapi/linux/sched.h). */
#define CLONE_VM	0x00000100UL

struct task_struct {
	int pid;			/* thread id */
	int tgid;			/* thread-group id (pid of the leader) */
	int ppid;
	char comm[TASK_COMM_LEN];
	struct mm_struct *mm;
	struct machine *machine;
	int cpu;			/* simulated CPU it runs on */
	unsigned long min_flt, maj_flt;	/* this thread's faults */
	unsigned long nvcsw, nivcsw;
	short oom_score_adj;		/* -1000..1000 */
	int exit_code;
	struct list_head tasks;		/* machine->tasks, by pid */
	uint64_t start_time_ns;		/* machine clock at creation */
	uint64_t utime_ns, stime_ns;	/* CPU time charged (timer.h: user, system) */
	/* NUMA policy (mm/mempolicy.c): NULL is the system default. */
	struct mempolicy *mempolicy;
	int il_prev;			/* interleave: the node used last */
	unsigned char il_weight;	/* weighted interleave: pages left on il_prev */
	/* OOM killer (mm/oom_kill.c, oom.h): a pending SIGKILL, and TIF_MEMDIE */
	bool fatal_signal;		/* SIGKILL sent: exits at the end of this API call */
	bool memdie;			/* chosen by the OOM killer: ALLOC_OOM reserves */
	/* Files (issue 5, filemap): the descriptor table, shared by CLONE_VM threads. */
	struct files_struct *files;
	/* writeback (issue 5): balance_dirty_pages' count (nr_dirtied, nr_dirtied_pause) */
	struct dirty_throttle_state dirty_throttle;
};

/* kernel/fork.c, kernel/exit.c, fs/exec.c */

/*
 * A fresh process running a simulated program called comm: a new mm with
 * the program image (text, data, bss), the brk area, the stack with its
 * argument page, as exec leaves it. NULL with errno-style *err on failure.
 */
struct task_struct *task_spawn(struct machine *m, const char *comm, int *err);
/* fork(): a child with a copy of the parent's address space (dup_mmap). */
struct task_struct *do_fork(struct task_struct *parent, unsigned long clone_flags, int *err);
/* exit(): drop the task's mm (exit_mmap when last) and the task. */
void do_exit(struct task_struct *t, int code);
/* execve(): replace the mm by a fresh program image; 0 or -errno. */
int do_execve(struct task_struct *t, const char *comm);
struct task_struct *find_task_by_pid(struct machine *m, int pid);

/* Boot: the task/mm/vma slab caches (proc_caches_init); shutdown: every task exits. */
int proc_caches_init(struct machine *m);
void exit_all_tasks(struct machine *m);

/* Make t current on its CPU: the context switch (switch_mm) if needed. */
void task_enter(struct task_struct *t);

/* mm lifetime (kernel/fork.c): mm_alloc has mm_users = mm_count = 1. */
struct mm_struct *mm_alloc(struct machine *m);
void mmput(struct mm_struct *mm);	/* drop a user; exit_mmap at zero */
void mmdrop(struct mm_struct *mm);	/* drop a reference to the struct */

/* vmalloc (issue 7), kernel/smpboot.c: the secondary CPUs' idle-task stacks. */
int idle_threads_init(struct machine *m);
/*
 * Load average (kernel/loadavg.c, Linux's kernel/sched/loadavg.c): a
 * kernel timer samples the active tasks every LOAD_FREQ of simulated time
 * into machine->avenrun[]. Armed at boot after timer_init, deleted at
 * shutdown before timer_exit.
 */
void calc_load_init(struct machine *m);
void calc_load_exit(struct machine *m);
/*
 * Runnable tasks (nr_running()): the one the simulated kernel acts for,
 * machine->current, which /proc/PID/stat shows in state R.
 */
unsigned int nr_running(const struct machine *m);
/* pid_max (kernel/pid.c): pids are below it; /proc/sys/kernel/pid_max. */
int pid_max(const struct machine *m);

#endif
