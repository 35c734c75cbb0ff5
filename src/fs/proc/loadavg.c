/*
 * loadavg.c - /proc/loadavg (Linux's fs/proc/loadavg.c).
 *
 * "L1 L5 L15 RUNNING/THREADS LASTPID": the load averages of
 * kernel/loadavg.c rounded to hundredths (get_avenrun with FIXED_1/200
 * added), the runnable tasks, every live task (thread), and the last pid
 * handed out (the pid allocator's cursor minus one).
 *
 * Invariants: show_loadavg only reads the machine and appends one line to
 * the seq_buf; reading /proc/loadavg never changes avenrun (only
 * kernel/loadavg.c's timer does).
 */
#include "internal.h"
#include "sched.h"

#define FSHIFT		11
#define FIXED_1		(1UL << FSHIFT)
#define LOAD_INT(x)	((x) >> FSHIFT)
#define LOAD_FRAC(x)	LOAD_INT(((x) & (FIXED_1 - 1)) * 100)

void show_loadavg(struct machine *m, struct seq_buf *s)
{
	unsigned long a[3];

	for (int i = 0; i < 3; i++)
		a[i] = m->avenrun[i] + FIXED_1 / 200;
	seq_printf(s, "%lu.%02lu %lu.%02lu %lu.%02lu %u/%d %d\n",
		   LOAD_INT(a[0]), LOAD_FRAC(a[0]), LOAD_INT(a[1]), LOAD_FRAC(a[1]),
		   LOAD_INT(a[2]), LOAD_FRAC(a[2]), nr_running(m), m->nr_tasks,
		   m->last_pid);
}
