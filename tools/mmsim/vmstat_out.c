/*
 * vmstat_out.c - --vmstat INTERVAL: the lines procps vmstat(8) prints, as
 * simulated time passes, with its header, columns and widths.
 *
 * At boot: the two header lines and the since-boot line (as `vmstat N`
 * starts); then one line at each INTERVAL boundary of simulated time with
 * the interval's rates (per second) and CPU shares. A line shows the
 * machine at the return of the call that crossed the boundary, and its
 * window runs from the previous line's clock to that one (a call longer
 * than INTERVAL gives one line with its work, then lines of zeros). The header is printed
 * once per machine (vmstat -n). Columns, from the machine:
 *   r, b       tasks running and blocked, averaged over the interval: CPU
 *              busy time / interval and iowait time / interval (the model
 *              runs one thing at a time, so r is 0 or 1 and b 0 until I/O)
 *   swpd free buff cache   meminfo SwapTotal-SwapFree, MemFree, Buffers,
 *              Cached+SReclaimable (procps 4's "cache"), in KiB
 *   si so      pswpin/pswpout in KiB per second
 *   bi bo      pgpgin/pgpgout per second (KiB, as the kernel counts them)
 *   in cs      timer interrupts and context switches per second
 *   us sy id wa st   shares of all CPUs' time (st is always 0)
 * The since-boot line divides counts by the CPUs' total time, as procps
 * does (so its rates are per CPU-second).
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"

#define NS_PER_SEC	1000000000ULL

struct vmstat_snap {
	uint64_t now;
	struct mmsim_cpu_time ct;
	struct mmsim_sched_stats ss;
	unsigned long long pgpgin, pgpgout, pswpin, pswpout;
};

struct vmstat_out {
	struct vmstat_snap prev;
};

static unsigned long long counter(const struct mmsim_counter *c, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return (unsigned long long)c[i].value;
	return 0;
}

/* The machine now: at the return of the call that crossed the boundary. */
static void take(mmsim_machine *m, struct vmstat_snap *s)
{
	struct mmsim_counter c[512];
	size_t n = mmsim_vmstat(m, c, 512);

	if (n > 512)
		n = 512;
	s->now = mmsim_clock_ns(m);
	mmsim_cpu_time(m, -1, &s->ct);
	mmsim_sched_stats(m, &s->ss);
	s->pgpgin = counter(c, n, "pgpgin");
	s->pgpgout = counter(c, n, "pgpgout");
	s->pswpin = counter(c, n, "pswpin");
	s->pswpout = counter(c, n, "pswpout");
}

static void header(FILE *f)
{
	fprintf(f, "procs -----------memory---------- ---swap-- -----io---- -system-- "
		   "------cpu-----\n"
		   " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs "
		   "us sy id wa st\n");
}

/* (count * scale + div/2) / div without overflow for these magnitudes. */
static unsigned rate(unsigned long long count, unsigned long long scale, unsigned long long div)
{
	return (unsigned)(((unsigned __int128)count * scale + div / 2) / div);
}

/* One line for the window between a and b; per_ns: divide counts by this (ns). */
static void line(struct output *out, mmsim_machine *m, const struct vmstat_snap *a,
		 const struct vmstat_snap *b, unsigned long long per_ns)
{
	unsigned long long user = b->ct.user_ns - a->ct.user_ns;
	unsigned long long sys = b->ct.system_ns - a->ct.system_ns;
	unsigned long long idle = b->ct.idle_ns - a->ct.idle_ns;
	unsigned long long iow = b->ct.iowait_ns - a->ct.iowait_ns;
	unsigned long long div = user + sys + idle + iow, window = b->now - a->now;
	char *mi = proc_text(m, "meminfo");
	long long swpd = 0, free_kb = 0, buff = 0, cache = 0;
	FILE *f = out->text;

	if (mi) {
		swpd = meminfo_field(mi, "SwapTotal") - meminfo_field(mi, "SwapFree");
		free_kb = meminfo_field(mi, "MemFree");
		buff = meminfo_field(mi, "Buffers");
		cache = meminfo_field(mi, "Cached") + meminfo_field(mi, "SReclaimable");
		free(mi);
	}
	if (!div) {
		div = 1;
		idle = 1;
	}
	if (!per_ns)
		per_ns = 1;
	if (!window)
		window = 1;
	output_clear_progress(out);
	fprintf(f, "%2u %2u %6lld %6lld %6lld %6lld %4u %4u %5u %5u %4u %4u %2u %2u %2u %2u %2u\n",
		rate(user + sys, 1, window), rate(iow, 1, window), swpd, free_kb, buff, cache,
		rate((b->pswpin - a->pswpin) * 4, NS_PER_SEC, per_ns),
		rate((b->pswpout - a->pswpout) * 4, NS_PER_SEC, per_ns),
		rate(b->pgpgin - a->pgpgin, NS_PER_SEC, per_ns),
		rate(b->pgpgout - a->pgpgout, NS_PER_SEC, per_ns),
		rate(b->ss.interrupts - a->ss.interrupts, NS_PER_SEC, per_ns),
		rate(b->ss.context_switches - a->ss.context_switches, NS_PER_SEC, per_ns),
		rate(user, 100, div), rate(sys, 100, div), rate(idle, 100, div), rate(iow, 100, div),
		0u);
	fflush(f);
}

static int vmstat_start(struct output *out)
{
	if (!out->opts->vmstat_ns)
		return 0;
	out->vmstat = calloc(1, sizeof(*out->vmstat));
	if (!out->vmstat) {
		fprintf(stderr, "%s: out of memory\n", out->who);
		return -1;
	}
	return 0;
}

/* The header and the since-boot line, as vmstat starts. */
static void vmstat_boot(struct output *out, mmsim_machine *m)
{
	struct vmstat_snap zero = { 0 }, now;
	unsigned long long cpu_ns;

	if (!out->vmstat)
		return;
	take(m, &now);
	output_clear_progress(out);
	header(out->text);
	cpu_ns = now.ct.user_ns + now.ct.system_ns + now.ct.idle_ns + now.ct.iowait_ns;
	line(out, m, &zero, &now, cpu_ns);
	out->vmstat->prev = now;
}

static uint64_t vmstat_interval(struct output *out)
{
	return out->vmstat ? out->opts->vmstat_ns : 0;
}

static void vmstat_sample(struct output *out, mmsim_machine *m, uint64_t now_ns)
{
	struct vmstat_snap now;

	(void)now_ns;
	take(m, &now);
	line(out, m, &out->vmstat->prev, &now, now.now - out->vmstat->prev.now);
	out->vmstat->prev = now;
}

static void vmstat_free(struct output *out)
{
	free(out->vmstat);
	out->vmstat = NULL;
}

const struct output_sink vmstat_sink = {
	.name = "vmstat",
	.start = vmstat_start,
	.boot = vmstat_boot,
	.interval = vmstat_interval,
	.sample = vmstat_sample,
	.free = vmstat_free,
};
