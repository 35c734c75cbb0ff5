/*
 * stat.c - /proc/stat (Linux 6.18's fs/proc/stat.c, show_stat), as an
 * x86-64 PC prints it.
 *
 * Lines: "cpu " then one "cpuN" per CPU with the ten cputime columns in
 * USER_HZ ticks (user nice system idle iowait irq softirq steal guest
 * guest_nice); "intr" with the total and one count per IRQ number below
 * nr_irqs; ctxt, btime, processes, procs_running, procs_blocked; "softirq"
 * with the total and the ten softirq counts. The "cpu" line converts the
 * summed nanoseconds once (as Linux does), so it can exceed the sum of the
 * per-CPU ticks by rounding.
 *
 * What the simulation has and what it prints:
 *  - Time is the simulated clock. mmsim does not account CPU time to tasks
 *    yet, so all of every CPU's time since boot is idle (cpu_idle_ns());
 *    /proc/uptime's idle figure is the same sum.
 *  - Interrupts: the only ones the machine raises are TLB-shootdown IPIs
 *    (x86 counts them in irq_tlb_count, part of arch_irq_stat_cpu, so in
 *    the "intr" total but under no IRQ number). There are no devices: every
 *    IRQ number reads 0. nr_irqs is arch_probe_nr_irqs() for a PC with a
 *    legacy PIC and one 24-pin IO-APIC.
 *  - btime is 0: the simulated machine boots at the epoch (no host time
 *    enters a result). processes is total_forks (every task created, spawn
 *    included); procs_running counts the task the kernel acts for, which
 *    is the one /proc/PID/stat shows in state R; nothing ever blocks.
 *  - ctxt and the softirq counts are 0: there is no scheduler and no
 *    softirq yet.
 */
#include "internal.h"
#include "sched.h"

#define NSEC_PER_SEC	1000000000ULL
#define USER_HZ		100
#define NR_VECTORS	256
#define NR_IRQS_LEGACY	16	/* the 8259 PIC's lines */
#define IOAPIC_GSI_TOP	24	/* one IO-APIC with 24 pins */
#define NR_SOFTIRQS	10

enum cpu_usage_stat {
	CPUTIME_USER, CPUTIME_NICE, CPUTIME_SYSTEM, CPUTIME_IDLE, CPUTIME_IOWAIT,
	CPUTIME_IRQ, CPUTIME_SOFTIRQ, CPUTIME_STEAL, CPUTIME_GUEST, CPUTIME_GUEST_NICE,
	NR_STATS,
};

/* nsec_to_clock_t(): nanoseconds to USER_HZ ticks, truncated. */
static unsigned long long nsec_to_clock_t(uint64_t ns)
{
	return (unsigned long long)(ns / (NSEC_PER_SEC / USER_HZ));
}

uint64_t cpu_idle_ns(const struct machine *m, int cpu)
{
	(void)cpu;	/* no CPU time is accounted to tasks: all of it is idle */
	return m->clock_ns;
}

/* kcpustat_cpu_fetch(): CPU cpu's cputime columns in nanoseconds. */
static void kcpustat_cpu_fetch(const struct machine *m, int cpu, uint64_t st[NR_STATS])
{
	for (int i = 0; i < NR_STATS; i++)
		st[i] = 0;
	st[CPUTIME_IDLE] = cpu_idle_ns(m, cpu);
}

/* arch_probe_nr_irqs() of arch/x86/kernel/apic/vector.c with CONFIG_PCI_MSI. */
static unsigned int nr_irqs(const struct machine *m)
{
	unsigned int ncpus = (unsigned int)m->nr_cpus;
	unsigned int limit = NR_VECTORS * ncpus;
	unsigned int nr = IOAPIC_GSI_TOP + NR_IRQS_LEGACY + 8 * ncpus;

	nr += IOAPIC_GSI_TOP <= NR_IRQS_LEGACY ? 8 * ncpus : IOAPIC_GSI_TOP * 16;
	return nr < limit ? nr : limit;
}

/* The cputime columns, each preceded by a space. */
static void put_cputime(struct seq_buf *s, const uint64_t st[NR_STATS])
{
	for (int i = 0; i < NR_STATS; i++)
		seq_printf(s, " %llu", nsec_to_clock_t(st[i]));
}

static void show_cputime(struct machine *m, struct seq_buf *s)
{
	uint64_t sum[NR_STATS] = { 0 }, st[NR_STATS];
	int cpu;

	for_each_cpu(m, cpu) {
		kcpustat_cpu_fetch(m, cpu, st);
		for (int i = 0; i < NR_STATS; i++)
			sum[i] += st[i];
	}
	seq_puts(s, "cpu ");
	put_cputime(s, sum);
	seq_putc(s, '\n');
	for_each_cpu(m, cpu) {
		kcpustat_cpu_fetch(m, cpu, st);
		seq_printf(s, "cpu%d", cpu);
		put_cputime(s, st);
		seq_putc(s, '\n');
	}
}

void show_stat(struct machine *m, struct seq_buf *s)
{
	unsigned long long ipis = m->vm_events[NR_TLB_REMOTE_FLUSH_RECEIVED];
	unsigned int irqs = nr_irqs(m);

	show_cputime(m, s);
	seq_printf(s, "intr %llu", ipis);
	for (unsigned int i = 0; i < irqs; i++)
		seq_puts(s, " 0");
	seq_printf(s, "\nctxt %llu\nbtime %llu\nprocesses %lu\nprocs_running %u\n"
		   "procs_blocked %u\n", 0ULL, 0ULL, m->total_forks, nr_running(m), 0u);
	seq_puts(s, "softirq 0");
	for (int i = 0; i < NR_SOFTIRQS; i++)
		seq_puts(s, " 0");
	seq_putc(s, '\n');
}
