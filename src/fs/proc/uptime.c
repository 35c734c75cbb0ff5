/*
 * uptime.c - /proc/uptime (Linux's fs/proc/uptime.c).
 *
 * "UP.CC IDLE.CC": seconds since boot with hundredths, truncated, and the
 * idle time summed over every CPU. Both come from the simulated clock
 * (machine->clock_ns, which starts at 0 at boot), never from the host's.
 * The idle time is cpu_idle_time() (timer.h: the clock less what the cost
 * model charged), as in /proc/stat's idle column.
 *
 * Invariants: show_uptime only reads the machine and appends one line to
 * the seq_buf; both figures are truncated, never rounded up.
 */
#include "internal.h"

void show_uptime(struct machine *m, struct seq_buf *s)
{
	uint64_t up = m->clock_ns, idle = 0;
	int cpu;

	for_each_cpu(m, cpu)
		idle += cpu_idle_time(m, cpu);
	seq_printf(s, "%llu.%02llu %llu.%02llu\n",
		   (unsigned long long)(up / NSEC_PER_SEC),
		   (unsigned long long)(up % NSEC_PER_SEC / (NSEC_PER_SEC / 100)),
		   (unsigned long long)(idle / NSEC_PER_SEC),
		   (unsigned long long)(idle % NSEC_PER_SEC / (NSEC_PER_SEC / 100)));
}
