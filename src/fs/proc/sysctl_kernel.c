/*
 * sysctl_kernel.c - /proc/sys/kernel/pid_max (kernel/pid.c's sysctl,
 * printed by proc_dointvec): the one kernel sysctl outside vm that procps
 * reads - ps sizes its pid column from it. Read-only here: mmsim's pid
 * allocator takes Linux's default, max(32768, 1024 per CPU).
 *
 * Invariants: the file only reads the machine: the value is pid_max(m),
 * which depends on the number of CPUs alone, so it never changes while the
 * machine runs.
 */
#include "internal.h"
#include "sched.h"

void show_pid_max(struct machine *m, struct seq_buf *s)
{
	seq_printf(s, "%d\n", pid_max(m));
}
