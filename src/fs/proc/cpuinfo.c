/*
 * cpuinfo.c - /proc/cpuinfo (Linux 6.18's show_cpuinfo in
 * arch/x86/kernel/cpu/proc.c), for the simulated CPUs.
 *
 * The field set, order and tabs are Linux's for an x86-64 SMP kernel; the
 * values describe what mmsim simulates, not the host: a CPU whose CPUID
 * vendor string is "mmsimVirtual" (Linux prints any vendor string as it
 * is), with the feature flags the simulated MMU has - nx, pse, pae, pge,
 * pat, lm, pcid only with pcid=1, la57 only with 5-level tables - plus
 * the basic ones every x86-64 CPU has. Lines Linux prints only when the
 * CPU reports the figure (microcode, cache size, TLB size) are absent:
 * mmsim models no caches and no microcode. The clock rate is a nominal
 * 2000 MHz (bogomips twice that, as calibration gives); procps tools read
 * this file to count CPUs, not for its figures.
 *
 * Topology: one package per NUMA node; a CPU's core id is its index among
 * its node's CPUs; apicid is the CPU number. pti=1 adds the "pti" flag
 * and the cpu_meltdown bug, as Linux does on CPUs that need it.
 *
 * Invariants: show_cpuinfo only reads the machine (its CPUs, nodes and
 * configuration) and appends to the seq_buf; nothing of the host enters
 * the text, so the same configuration always prints the same file.
 */
#include "internal.h"

#define LPJ		(2000000000UL / HZ)	/* loops_per_jiffy from a 2000 MHz TSC */

static const char *const base_flags =
	"fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush "
	"mmx fxsr sse sse2 syscall nx lm constant_tsc nopl cpuid pni cx16 x2apic popcnt "
	"hypervisor";

/* The CPUs of node nid, and cpu's index among them. */
static int node_cpus(const struct machine *m, int nid, int cpu, int *index)
{
	int n = 0, c;

	for_each_cpu(m, c) {
		if (m->cpu_to_node[c] != nid)
			continue;
		if (c == cpu)
			*index = n;
		n++;
	}
	return n;
}

static void show_cpu(struct machine *m, int cpu, struct seq_buf *s)
{
	int nid = m->cpu_to_node[cpu], core = 0, siblings = node_cpus(m, nid, cpu, &core);
	unsigned long lpj = LPJ;

	seq_printf(s, "processor\t: %d\nvendor_id\t: mmsimVirtual\ncpu family\t: 6\n"
		   "model\t\t: 0\nmodel name\t: mmsim simulated x86-64 CPU\nstepping\t: 0\n",
		   cpu);
	seq_puts(s, "cpu MHz\t\t: 2000.000\n");
	seq_printf(s, "physical id\t: %d\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n"
		   "apicid\t\t: %d\ninitial apicid\t: %d\n", nid, siblings, core, siblings,
		   cpu, cpu);
	seq_puts(s, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\n");
	seq_printf(s, "flags\t\t: %s%s%s%s\n", base_flags, m->cfg.pcid ? " pcid" : "",
		   m->cfg.pgtable_levels == 5 ? " la57" : "", m->cfg.pti ? " pti" : "");
	seq_printf(s, "bugs\t\t:%s\n", m->cfg.pti ? " cpu_meltdown" : "");
	seq_printf(s, "bogomips\t: %lu.%02lu\n", lpj / (500000 / HZ), lpj / (5000 / HZ) % 100);
	seq_printf(s, "clflush size\t: 64\ncache_alignment\t: 64\n"
		   "address sizes\t: %d bits physical, %d bits virtual\n",
		   m->cfg.pgtable_levels == 5 ? 52 : 46, m->cfg.pgtable_levels == 5 ? 57 : 48);
	seq_puts(s, "power management:\n\n");
}

void show_cpuinfo(struct machine *m, struct seq_buf *s)
{
	int cpu;

	for_each_cpu(m, cpu)
		show_cpu(m, cpu, s);
}
