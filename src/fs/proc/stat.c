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
 *  - Time is the simulated clock (timer.h): user, system and iowait are
 *    what the cost model charged to each CPU, idle the rest of the clock
 *    (cpu_idle_time, also /proc/uptime's idle figure); nice, irq, softirq,
 *    steal and the guest columns are 0.
 *  - Interrupts: every CPU's local timer ticks HZ times a second
 *    (nr_timer_interrupts), and remote TLB shootdowns are IPIs; x86 counts
 *    both in arch_irq_stat_cpu, so they make the "intr" total but appear
 *    under no IRQ number. There are no devices: every IRQ number reads 0.
 *    nr_irqs is arch_probe_nr_irqs() for a PC with a legacy PIC and one
 *    24-pin IO-APIC.
 *  - ctxt counts a CPU starting to run another task (kcpustat
 *    nr_switches); processes is total_forks (every task created, spawn
 *    included); procs_running is nr_running(), the task the kernel acts
 *    for; nothing blocks. btime is 0: the simulated machine boots at the
 *    epoch (no host time enters a result).
 *  - softirq counts are 0: there are no softirqs yet.
 *
 * Invariants: show_stat only reads the machine (kcpustat, the clock,
 * vm_events, total_forks) and appends to the seq_buf; every figure comes
 * from the simulated machine, none from the host, and the per-IRQ and
 * softirq columns are always zero.
 */
#include "internal.h"
#include "sched.h"

#define NR_VECTORS	256
#define NR_IRQS_LEGACY	16	/* the 8259 PIC's lines */
#define IOAPIC_GSI_TOP	24	/* one IO-APIC with 24 pins */
#define NR_SOFTIRQS	10

/* /proc/stat's ten columns, in order (Linux's enum cpu_usage_stat). */
enum stat_column {
	COL_USER, COL_NICE, COL_SYSTEM, COL_IDLE, COL_IOWAIT, COL_IRQ, COL_SOFTIRQ,
	COL_STEAL, COL_GUEST, COL_GUEST_NICE, NR_COLUMNS,
};

/* nsec_to_clock_t(): nanoseconds to USER_HZ ticks, truncated. */
static unsigned long long nsec_to_clock_t(uint64_t ns)
{
	return (unsigned long long)(ns / (NSEC_PER_SEC / USER_HZ));
}

/* kcpustat_cpu_fetch(): CPU cpu's columns in nanoseconds. */
static void kcpustat_cpu_fetch(const struct machine *m, int cpu, uint64_t st[NR_COLUMNS])
{
	const struct kernel_cpustat *kc = &m->kcpustat[cpu];

	for (int i = 0; i < NR_COLUMNS; i++)
		st[i] = 0;
	st[COL_USER] = kc->cpustat[CPUTIME_USER];
	st[COL_SYSTEM] = kc->cpustat[CPUTIME_SYSTEM];
	st[COL_IOWAIT] = kc->cpustat[CPUTIME_IOWAIT];
	st[COL_IDLE] = cpu_idle_time(m, cpu);
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
static void put_cputime(struct seq_buf *s, const uint64_t st[NR_COLUMNS])
{
	for (int i = 0; i < NR_COLUMNS; i++)
		seq_printf(s, " %llu", nsec_to_clock_t(st[i]));
}

static void show_cputime(struct machine *m, struct seq_buf *s)
{
	uint64_t sum[NR_COLUMNS] = { 0 }, st[NR_COLUMNS];
	int cpu;

	for_each_cpu(m, cpu) {
		kcpustat_cpu_fetch(m, cpu, st);
		for (int i = 0; i < NR_COLUMNS; i++)
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

/* nr_context_switches(): every CPU's switches. */
static unsigned long long nr_context_switches(const struct machine *m)
{
	unsigned long long n = 0;
	int cpu;

	for_each_cpu(m, cpu)
		n += m->kcpustat[cpu].nr_switches;
	return n;
}

void show_stat(struct machine *m, struct seq_buf *s)
{
	unsigned long long sum = nr_timer_interrupts(m) +
				 m->vm_events[NR_TLB_REMOTE_FLUSH_RECEIVED];
	unsigned int irqs = nr_irqs(m);

	show_cputime(m, s);
	seq_printf(s, "intr %llu", sum);
	for (unsigned int i = 0; i < irqs; i++)
		seq_puts(s, " 0");
	seq_printf(s, "\nctxt %llu\nbtime %llu\nprocesses %lu\nprocs_running %u\n"
		   "procs_blocked %u\n", nr_context_switches(m), 0ULL, m->total_forks,
		   nr_running(m), 0u);
	seq_puts(s, "softirq 0");
	for (int i = 0; i < NR_SOFTIRQS; i++)
		seq_puts(s, " 0");
	seq_putc(s, '\n');
}
