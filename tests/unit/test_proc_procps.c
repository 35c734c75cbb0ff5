/*
 * test_proc_procps.c - the /proc files procps reads besides the memory
 * views: stat, loadavg, uptime, cpuinfo (fs/proc/stat.c, loadavg.c,
 * uptime.c, cpuinfo.c) and the load average (kernel/loadavg.c).
 *
 * Format: each file is compared with the host's own (when the host runs
 * Linux 6.18): the same kinds of lines in the same order with the same
 * number of fields, the same field names in cpuinfo. Values: against the
 * simulated clock, which the tests move by hand (nothing else moves it
 * here), and against the fixed-point load average recomputed in the test.
 *
 * Invariants: each test boots its own machine(s) and, when it passes,
 * shuts them down; the host's /proc is only read, and compared only when
 * host_is_reference(); no host time is asserted.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "machine.h"
#include "mmsim/mmsim.h"
#include "sched.h"


static char *read_host(const char *name)
{
	char path[64], *buf;

	if (!host_is_reference()) {
		printf("note: host kernel is not 6.18; /proc/%s comparison skipped\n", name);
		return NULL;
	}
	snprintf(path, sizeof(path), "/proc/%s", name);
	buf = read_text_file(path);
	if (!buf)
		printf("note: %s unreadable (%s); comparison skipped\n", path, strerror(errno));
	return buf;
}

/* Whitespace-separated fields of a line. */
static int nr_fields(const char *line)
{
	int n = 0;

	for (const char *p = line; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != ' ')
			p++;
	}
	return n;
}

/* A stat line's kind: its first word, with "cpuN" as "cpuN". */
static void line_kind(const char *line, char *kind, size_t len)
{
	size_t n = strcspn(line, " ");

	snprintf(kind, len, "%.*s", (int)n, line);
}

/* The host's CPU count: its cpuN lines. */
static int host_cpus(const char *stat)
{
	struct lines l = split_lines(stat);
	int n = 0;

	for (int i = 0; i < l.n; i++)
		n += !strncmp(l.v[i], "cpu", 3) && isdigit((unsigned char)l.v[i][3]);
	free_lines(&l);
	return n;
}

/* ---- /proc/stat ---- */

static void test_stat_shape(void **state)
{
	char *host = read_host("stat"), opts[64];
	struct machine *m;
	struct lines h, o;
	char *ours;

	(void)state;
	if (!host)
		return;
	/* A machine with the host's CPU count prints the host's lines. */
	snprintf(opts, sizeof(opts), "mem=256M cpus=%d", host_cpus(host));
	m = test_boot(opts);
	ours = test_proc(m, "stat");
	h = split_lines(host);
	o = split_lines(ours);
	assert_int_equal(o.n, h.n);
	for (int i = 0; i < h.n; i++) {
		char hk[32], ok[32];

		line_kind(h.v[i], hk, sizeof(hk));
		line_kind(o.v[i], ok, sizeof(ok));
		assert_string_equal(ok, hk);
		/* intr has one field per IRQ number: nr_irqs depends on the PIC. */
		if (strcmp(hk, "intr"))
			assert_int_equal(nr_fields(o.v[i]), nr_fields(h.v[i]));
	}
	/* "cpu" is followed by two spaces, as seq_put_decimal_ull prints it. */
	assert_int_equal(strncmp(ours, "cpu  ", 5), 0);
	assert_int_equal(strncmp(host, "cpu  ", 5), 0);
	free_lines(&h);
	free_lines(&o);
	free(ours);
	free(host);
	mmsim_shutdown(m);
}

/* The value of "NAME N" in text. */
static unsigned long long stat_value(const char *text, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(text, key);
	assert_non_null(p);
	return strtoull(p + strlen(key), NULL, 10);
}

static void test_stat_values(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=3");
	unsigned long long user, sys, idle, ticks, clk;
	char *t, line[128];
	int pid;

	(void)state;
	pid = mmsim_spawn(m, "demo");
	assert_true(pid > 0);
	assert_int_equal(mmsim_fork(m, pid), pid + 1);
	assert_int_equal(mmsim_tick(m, 12345678901ULL), 0);
	t = test_proc(m, "stat");
	/* Each CPU's columns are its kcpustat in USER_HZ ticks; idle is the rest. */
	for (int cpu = 0; cpu < 3; cpu++) {
		const struct kernel_cpustat *kc = &m->kcpustat[cpu];

		snprintf(line, sizeof(line), "\ncpu%d %llu 0 %llu %llu %llu 0 0 0 0 0\n", cpu,
			 (unsigned long long)(kc->cpustat[CPUTIME_USER] / 10000000),
			 (unsigned long long)(kc->cpustat[CPUTIME_SYSTEM] / 10000000),
			 (unsigned long long)(cpu_idle_time(m, cpu) / 10000000),
			 (unsigned long long)(kc->cpustat[CPUTIME_IOWAIT] / 10000000));
		assert_non_null(strstr(t, line));
	}
	assert_null(strstr(t, "\ncpu3 "));
	/* The "cpu" line sums nanoseconds, then converts: all columns add up to the clock. */
	assert_int_equal(sscanf(t, "cpu  %llu 0 %llu %llu", &user, &sys, &idle), 3);
	clk = m->clock_ns * 3 / 10000000;
	ticks = user + sys + idle;
	assert_true(ticks <= clk && ticks + 3 >= clk);
	assert_true(m->kcpustat[0].cpustat[CPUTIME_SYSTEM] > 0);	/* spawn and fork cost */
	assert_int_equal(stat_value(t, "processes"), 2);
	assert_int_equal(stat_value(t, "procs_running"), 1);
	assert_int_equal(stat_value(t, "procs_blocked"), 0);
	assert_int_equal(stat_value(t, "btime"), 0);
	assert_true(stat_value(t, "ctxt") >= 1);
	/* 250 timer interrupts per CPU per second. */
	assert_int_equal(stat_value(t, "intr"), nr_timer_interrupts(m));
	assert_true(stat_value(t, "intr") >= 3 * 250 * 12);
	assert_non_null(strstr(t, "\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n"));
	free(t);
	check_machine(m);
	mmsim_shutdown(m);
}

/* nr_irqs is arch_probe_nr_irqs() for a PC: capped at 256 per CPU. */
static void test_stat_nr_irqs(void **state)
{
	static const struct { int cpus, irqs; } want[] = {
		{ 1, 256 }, { 2, 440 }, { 4, 456 }, { 64, 936 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char opts[64], *t, *intr, *end;
		struct machine *m;

		snprintf(opts, sizeof(opts), "mem=256M cpus=%d", want[i].cpus);
		m = test_boot(opts);
		t = test_proc(m, "stat");
		intr = strstr(t, "\nintr ");
		assert_non_null(intr);
		end = strchr(intr + 1, '\n');
		*end = '\0';
		assert_int_equal(nr_fields(intr + 1), 2 + want[i].irqs);
		free(t);
		mmsim_shutdown(m);
	}
}

/* Remote TLB flushes are the only interrupts: they are the intr total. */
static void test_stat_intr_counts_shootdowns(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	char *t;

	(void)state;
	m->vm_events[NR_TLB_REMOTE_FLUSH_RECEIVED] = 17;
	t = test_proc(m, "stat");
	assert_int_equal(stat_value(t, "intr"), 17 + nr_timer_interrupts(m));
	free(t);
	mmsim_shutdown(m);
}

/* ---- /proc/uptime ---- */

static bool uptime_format(const char *t)
{
	unsigned long a, b, c, d;
	int n = 0;

	return sscanf(t, "%lu.%2lu %lu.%2lu\n%n", &a, &b, &c, &d, &n) == 4 && t[n] == '\0' &&
	       t[strcspn(t, ".") + 3] == ' ';
}

static void test_uptime(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	char *t, *host = read_host("uptime");

	(void)state;
	if (host) {
		assert_true(uptime_format(host));
		free(host);
	}
	t = test_proc(m, "uptime");
	assert_string_equal(t, "0.00 0.00\n");
	free(t);
	/* Idle: both CPUs' time, truncated to hundredths. */
	assert_int_equal(mmsim_tick(m, 3 * NSEC_PER_SEC + 999999999ULL), 0);
	t = test_proc(m, "uptime");
	assert_string_equal(t, "3.99 7.99\n");
	assert_true(uptime_format(t));
	free(t);
	assert_int_equal(mmsim_tick(m, 86396 * NSEC_PER_SEC + 50000001ULL), 0);
	t = test_proc(m, "uptime");
	assert_string_equal(t, "86400.05 172800.10\n");
	free(t);
	/* Work charged to a CPU is not idle. */
	assert_true(mmsim_spawn(m, "demo") > 0);
	t = test_proc(m, "uptime");
	{
		unsigned long long up = m->clock_ns, idle = cpu_idle_time(m, 0) + cpu_idle_time(m, 1);
		char want[64];

		assert_true(idle < 2 * up);
		snprintf(want, sizeof(want), "%llu.%02llu %llu.%02llu\n", up / NSEC_PER_SEC,
			 up % NSEC_PER_SEC / 10000000, idle / NSEC_PER_SEC,
			 idle % NSEC_PER_SEC / 10000000);
		assert_string_equal(t, want);
	}
	free(t);
	mmsim_shutdown(m);
}

/* ---- /proc/loadavg and the load average ---- */

static bool loadavg_format(const char *t)
{
	unsigned a, b, c, d, e, f, run, threads, last;
	int n = 0;

	return sscanf(t, "%u.%2u %u.%2u %u.%2u %u/%u %u\n%n", &a, &b, &c, &d, &e, &f, &run,
		      &threads, &last, &n) == 9 && t[n] == '\0';
}

/* The test's own calc_load(), to check the kernel's against. */
static unsigned long ref_calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long newload = load * exp + active * (2048 - exp);

	return (newload + (active >= load ? 2047 : 0)) / 2048;
}

static void test_loadavg(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	char *t, *host = read_host("loadavg");
	const uint64_t freq = 5004000000ULL;	/* LOAD_FREQ at HZ=250: 5 s + 4 ms */
	unsigned long ref[3] = { 0, 0, 0 };
	static const unsigned long exps[3] = { 1884, 2014, 2037 };
	int pid;

	(void)state;
	if (host) {
		assert_true(loadavg_format(host));
		free(host);
	}
	t = test_proc(m, "loadavg");
	assert_string_equal(t, "0.00 0.00 0.00 0/0 0\n");
	free(t);

	pid = mmsim_spawn(m, "demo");
	assert_int_equal(mmsim_fork(m, pid), pid + 1);
	/* Before the first LOAD_FREQ boundary (5 s + 1 tick after boot): nothing. */
	assert_int_equal(mmsim_tick(m, freq - 1 - m->clock_ns), 0);
	assert_int_equal(m->avenrun[0], 0);
	/* One minute of one running task: twelve samples by 60.048 s. */
	assert_int_equal(mmsim_tick(m, 11 * freq + 1), 0);
	for (int n = 0; n < 12; n++)
		for (int i = 0; i < 3; i++)
			ref[i] = ref_calc_load(ref[i], exps[i], 2048);
	for (int i = 0; i < 3; i++)
		assert_int_equal(m->avenrun[i], ref[i]);
	/* 1 - e^-1 after a minute, roughly: 0.63. */
	assert_true(fabs(m->avenrun[0] / 2048.0 - (1 - exp(-60.048 / 60))) < 0.01);

	/* Reading does not change anything; the text rounds to hundredths. */
	t = test_proc(m, "loadavg");
	assert_true(loadavg_format(t));
	assert_int_equal(strncmp(t, "0.6", 3), 0);
	assert_non_null(strstr(t, " 1/2 2\n"));
	free(t);
	t = test_proc(m, "loadavg");
	assert_int_equal(m->avenrun[0], ref[0]);
	free(t);

	/* With no task left, the average decays: twelve more samples with 0. */
	assert_int_equal(mmsim_exit(m, pid + 1, 0), 0);
	assert_int_equal(mmsim_exit(m, pid, 0), 0);
	assert_int_equal(nr_running(m), 0);
	assert_int_equal(mmsim_tick(m, 24 * freq - m->clock_ns), 0);
	for (int n = 0; n < 12; n++)
		ref[0] = ref_calc_load(ref[0], exps[0], 0);
	assert_int_equal(m->avenrun[0], ref[0]);
	assert_true(m->avenrun[0] < 2048 / 2);
	t = test_proc(m, "loadavg");
	assert_non_null(strstr(t, " 0/0 2\n"));
	free(t);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- /proc/cpuinfo ---- */

/* The field names ("name\t: value") of the first processor block, in order. */
static int field_names(const char *text, char names[][32], int max)
{
	struct lines l = split_lines(text);
	int n = 0;

	for (int i = 0; i < l.n && l.v[i][0] && n < max; i++)
		snprintf(names[n++], 32, "%.*s", (int)strcspn(l.v[i], "\t:"), l.v[i]);
	free_lines(&l);
	return n;
}

/* Whether ours[] appears in host[] in the same order (host may have more). */
static bool subsequence(char ours[][32], int n, char host[][32], int h)
{
	int j = 0;

	for (int i = 0; i < n; i++) {
		while (j < h && strcmp(host[j], ours[i]))
			j++;
		if (j == h) {
			printf("field '%s' is not in the host's order\n", ours[i]);
			return false;
		}
		j++;
	}
	return true;
}

static void test_cpuinfo(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=4 nodes=2");
	char *t = test_proc(m, "cpuinfo"), *host = read_host("cpuinfo");
	char ours[40][32], theirs[40][32];
	int blocks = 0;

	(void)state;
	for (const char *p = t; (p = strstr(p, "processor\t: ")); p++)
		blocks++;
	assert_int_equal(blocks, 4);
	assert_non_null(strstr(t, "processor\t: 3\n"));
	/* Two packages (nodes) of two cores. */
	assert_non_null(strstr(t, "physical id\t: 1\nsiblings\t: 2\ncore id\t\t: 1\ncpu cores\t: 2\n"));
	assert_non_null(strstr(t, " pcid\n"));
	assert_non_null(strstr(t, "address sizes\t: 46 bits physical, 48 bits virtual\n"));
	assert_int_equal(strcmp(t + strlen(t) - 19, "power management:\n\n"), 0);
	if (host) {
		int n = field_names(t, ours, 40), h = field_names(host, theirs, 40);

		assert_int_equal(n, 24);
		assert_true(subsequence(ours, n, theirs, h));
		free(host);
	}
	free(t);
	mmsim_shutdown(m);

	m = test_boot("mem=256M cpus=1 pcid=0 pti=1 pgtable_levels=5");
	t = test_proc(m, "cpuinfo");
	assert_null(strstr(t, " pcid"));
	assert_non_null(strstr(t, " la57 pti\nbugs\t\t: cpu_meltdown\n"));
	assert_non_null(strstr(t, "address sizes\t: 52 bits physical, 57 bits virtual\n"));
	free(t);
	mmsim_shutdown(m);
}

/* Every new file is known by name to the dispatcher and to the list. */
static void test_listed(void **state)
{
	static const char *const names[] = { "stat", "loadavg", "uptime", "cpuinfo",
					     "sys/kernel/pid_max" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bool found = false;

		for (const char *const *f = mmsim_proc_files(); *f; f++)
			found |= !strcmp(*f, names[i]);
		assert_true(found);
	}
}

/* sys/kernel/pid_max: Linux's default, raised to 1024 per CPU. */
static void test_pid_max(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	char *t = test_proc(m, "sys/kernel/pid_max");

	(void)state;
	assert_string_equal(t, "32768\n");
	free(t);
	mmsim_shutdown(m);
	m = test_boot("mem=256M cpus=64");
	t = test_proc(m, "/proc/sys/kernel/pid_max");
	assert_string_equal(t, "65536\n");
	free(t);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listed),
		cmocka_unit_test(test_stat_shape),
		cmocka_unit_test(test_stat_values),
		cmocka_unit_test(test_stat_nr_irqs),
		cmocka_unit_test(test_stat_intr_counts_shootdowns),
		cmocka_unit_test(test_uptime),
		cmocka_unit_test(test_loadavg),
		cmocka_unit_test(test_cpuinfo),
		cmocka_unit_test(test_pid_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
