/*
 * array.c - /proc/PID/status, stat and cmdline (Linux 6.18's
 * fs/proc/array.c and base.c), in the host kernel's formats.
 *
 * status has the host's field set and order for an ordinary process (an
 * x86-64 6.18 kernel with seccomp filters, no shadow stacks, 1024-bit node
 * masks: CONFIG_NODES_SHIFT=10). What mmsim models comes from the task and
 * its mm (the Vm and Rss lines are task_mem's, in task_mmu.c; faults,
 * pids, CPU); what it does not model has a fixed, plausible value: an
 * unprivileged user (uid/gid 1000, no capabilities), umask 0022, no
 * signals pending or handled, the host's speculation-mitigation text.
 *
 * stat's 52 fields are do_task_stat's for the thread-group leader's view:
 * faults and CPU time (utime/stime, what the cost model charged) summed
 * over the group's live threads, vsize in bytes, rss in
 * pages, the mm's code/stack/data/brk/arg/env addresses.
 *
 * A task is "running" (R) when it is the task the simulated kernel acts
 * for (machine->current), otherwise sleeping (S).
 */
#include "internal.h"
#include "sched.h"

#define USER_UID		1000
#define USER_GID		1000
#define USER_HZ			100
#define NSEC_PER_SEC		1000000000ULL
#define PROC_NODEMASK_BITS	1024	/* the host's MAX_NUMNODES */
#define PF_RANDOMIZE		0x00400000UL
#define SIGCHLD			17
#define CAP_FULL_SET		0x000001ffffffffffULL	/* CAP_LAST_CAP = 40 */
#define RLIM_INFINITY		(~0UL)

static bool task_running(const struct task_struct *t)
{
	return t->machine->current == t;
}

/* Live threads of t's thread group (get_nr_threads). */
static int nr_threads(const struct task_struct *t)
{
	const struct task_struct *p;
	int n = 0;

	list_for_each_entry(p, &t->machine->tasks, tasks)
		n += p->tgid == t->tgid;
	return n;
}

/*
 * Process group and session: forked children stay in their parent's, so
 * both are the oldest live ancestor reachable through ppid (a spawned
 * process leads its own, as a job started from a shell does).
 */
static int task_session_leader(const struct task_struct *t)
{
	int pid = t->tgid;

	for (int depth = 0; depth < PID_MAX_DEFAULT; depth++) {
		const struct task_struct *parent = find_task_by_pid(t->machine, t->ppid);

		if (!parent || parent == t)
			break;
		t = parent;
		pid = t->tgid;
	}
	return pid;
}

/* ---------------------------------------------------------------------- */
/* status                                                                  */
/* ---------------------------------------------------------------------- */

static void task_state(struct seq_buf *s, const struct task_struct *t)
{
	int sid = task_session_leader(t);

	seq_puts(s, "Umask:\t0022\n");
	seq_printf(s, "State:\t%s\n", task_running(t) ? "R (running)" : "S (sleeping)");
	seq_printf(s, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		   t->tgid, t->pid, t->ppid);
	seq_printf(s, "Uid:\t%d\t%d\t%d\t%d\n", USER_UID, USER_UID, USER_UID, USER_UID);
	seq_printf(s, "Gid:\t%d\t%d\t%d\t%d\n", USER_GID, USER_GID, USER_GID, USER_GID);
	seq_puts(s, "FDSize:\t64\n");
	/* Each supplementary group, then one space (even with none). */
	seq_printf(s, "Groups:\t%d \n", USER_GID);
	seq_printf(s, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", t->tgid, t->pid,
		   sid, sid);
	seq_puts(s, "Kthread:\t0\n");
}

static void task_sig(struct seq_buf *s, const struct task_struct *t)
{
	/* RLIMIT_SIGPENDING of init: max_threads / 2, max_threads = RAM / 32 pages. */
	unsigned long sigpending = max(t->machine->totalram_pages / 64, 10UL);

	seq_printf(s, "Threads:\t%d\n", nr_threads(t));
	seq_printf(s, "SigQ:\t0/%lu\n", sigpending);
	seq_puts(s, "SigPnd:\t0000000000000000\n"
		    "ShdPnd:\t0000000000000000\n"
		    "SigBlk:\t0000000000000000\n"
		    "SigIgn:\t0000000000000000\n"
		    "SigCgt:\t0000000000000000\n");
}

static void task_cap(struct seq_buf *s)
{
	seq_printf(s, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
		      "CapBnd:\t%016llx\nCapAmb:\t%016llx\n",
		   0ULL, 0ULL, 0ULL, CAP_FULL_SET, 0ULL);
}

static void task_seccomp(struct seq_buf *s)
{
	seq_puts(s, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
		    "Speculation_Store_Bypass:\tvulnerable\n"
		    "SpeculationIndirectBranch:\talways enabled\n");
}

/*
 * "%*pb" of a mask whose first n of nbits bits are set: 32-bit chunks in
 * hex, highest first, separated by commas; the first chunk is only as wide
 * as its bits need, the others 8 digits (lib/vsprintf.c bitmap_string).
 */
static void put_bitmap_first_n(struct seq_buf *s, unsigned int n, unsigned int nbits)
{
	unsigned int chunksz = nbits % 32 ? nbits % 32 : 32;
	bool first = true;

	for (int i = (int)ALIGN(nbits, 32u) - 32; i >= 0; i -= 32) {
		unsigned int lo = (unsigned int)i;
		uint64_t val = 0;

		if (n > lo)
			val = n - lo >= 32 ? 0xffffffffULL : (1ULL << (n - lo)) - 1;
		val &= (1ULL << chunksz) - 1;
		seq_printf(s, "%s%0*llx", first ? "" : ",", (int)((chunksz + 3) / 4),
			   (unsigned long long)val);
		first = false;
		chunksz = 32;
	}
}

/* "%*pbl" of the first n bits: "0" or "0-N". */
static void put_bitmap_list_first_n(struct seq_buf *s, unsigned int n)
{
	if (n == 1)
		seq_puts(s, "0");
	else
		seq_printf(s, "0-%u", n - 1);
}

static void task_cpus_allowed(struct seq_buf *s, const struct machine *m)
{
	seq_puts(s, "Cpus_allowed:\t");
	put_bitmap_first_n(s, (unsigned int)m->nr_cpus, (unsigned int)m->nr_cpus);
	seq_puts(s, "\nCpus_allowed_list:\t");
	put_bitmap_list_first_n(s, (unsigned int)m->nr_cpus);
	seq_puts(s, "\nMems_allowed:\t");
	put_bitmap_first_n(s, (unsigned int)m->nr_nodes, PROC_NODEMASK_BITS);
	seq_puts(s, "\nMems_allowed_list:\t");
	put_bitmap_list_first_n(s, (unsigned int)m->nr_nodes);
	seq_putc(s, '\n');
}

void proc_pid_status(struct task_struct *t, struct seq_buf *s)
{
	struct mm_struct *mm = t->mm;

	seq_printf(s, "Name:\t%s\n", t->comm);
	task_state(s, t);
	task_mem(s, mm);
	seq_puts(s, "CoreDumping:\t0\n");
	seq_printf(s, "THP_enabled:\t%d\n", !(mm->flags & (1UL << MMF_DISABLE_THP)));
	seq_puts(s, "untag_mask:\t0xffffffffffffffff\n");	/* no LAM */
	task_sig(s, t);
	task_cap(s);
	task_seccomp(s);
	task_cpus_allowed(s, t->machine);
	seq_printf(s, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
		   t->nvcsw, t->nivcsw);
}

/* ---------------------------------------------------------------------- */
/* stat                                                                    */
/* ---------------------------------------------------------------------- */

/* min_flt and maj_flt of the whole thread group (do_task_stat, whole). */
static void group_faults(const struct task_struct *t, unsigned long *min_flt,
			 unsigned long *maj_flt)
{
	const struct task_struct *p;

	*min_flt = *maj_flt = 0;
	list_for_each_entry(p, &t->machine->tasks, tasks) {
		if (p->tgid != t->tgid)
			continue;
		*min_flt += p->min_flt;
		*maj_flt += p->maj_flt;
	}
}

/* utime and stime of the live threads of the group, in clock ticks (proctools). */
static void group_times(const struct task_struct *t, unsigned long long *utime,
			unsigned long long *stime)
{
	const struct task_struct *p;
	uint64_t u = 0, st = 0;

	list_for_each_entry(p, &t->machine->tasks, tasks) {
		if (p->tgid != t->tgid)
			continue;
		u += p->utime_ns;
		st += p->stime_ns;
	}
	*utime = u / (NSEC_PER_SEC / USER_HZ);
	*stime = st / (NSEC_PER_SEC / USER_HZ);
}

void proc_pid_stat(struct task_struct *t, struct seq_buf *s)
{
	struct machine *m = t->machine;
	struct mm_struct *mm = t->mm;
	unsigned long min_flt, maj_flt;
	unsigned long long utime, stime;
	unsigned long flags = m->cfg.aslr ? PF_RANDOMIZE : 0;
	int sid = task_session_leader(t);
	bool running = task_running(t);

	group_faults(t, &min_flt, &maj_flt);
	group_times(t, &utime, &stime);
	/* 1-9: pid comm state ppid pgrp session tty_nr tpgid flags */
	seq_printf(s, "%d (%s) %c %d %d %d 0 -1 %lu", t->pid, t->comm, running ? 'R' : 'S',
		   t->ppid, sid, sid, flags);
	/* 10-21: minflt cminflt majflt cmajflt utime stime cutime cstime
	 * priority nice num_threads itrealvalue */
	seq_printf(s, " %lu 0 %lu 0 %llu %llu 0 0 20 0 %d 0", min_flt, maj_flt, utime, stime,
		   nr_threads(t));
	/* 22-25: starttime (clock ticks) vsize rss rsslim */
	seq_printf(s, " %llu %lu %lu %lu",
		   (unsigned long long)(t->start_time_ns / (NSEC_PER_SEC / USER_HZ)),
		   task_vsize(mm), get_mm_rss(mm), RLIM_INFINITY);
	/* 26-30: startcode endcode startstack kstkesp kstkeip (0 unless dying) */
	seq_printf(s, " %lu %lu %lu 0 0", mm->start_code, mm->end_code, mm->start_stack);
	/* 31-37: signal blocked sigignore sigcatch wchan nswap cnswap */
	seq_printf(s, " 0 0 0 0 %d 0 0", running ? 0 : 1);
	/* 38-44: exit_signal processor rt_priority policy blkio_ticks gtime cgtime */
	seq_printf(s, " %d %d 0 0 0 0 0", SIGCHLD, t->cpu);
	/* 45-52: start_data end_data start_brk arg_start arg_end env_start env_end exit_code */
	seq_printf(s, " %lu %lu %lu %lu %lu %lu %lu %d\n", mm->start_data, mm->end_data,
		   mm->start_brk, mm->arg_start, mm->arg_end, mm->env_start, mm->env_end,
		   t->exit_code);
}

/* The program's argv: the simulated program takes no arguments, so comm. */
void proc_pid_cmdline(struct task_struct *t, struct seq_buf *s)
{
	seq_puts(s, t->comm);
	seq_putc(s, '\0');
}
