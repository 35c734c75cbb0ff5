/*
 * test_timer.c - simulated time: the kernel timer list (order, ties,
 * mod/delete, re-arming from a callback), clock_advance, the cost model
 * charged at the public API, CPU time adding up to the clock, samplers
 * (boundaries, order, several, nesting), mmsim_tick, duration parsing, and
 * determinism: the same work twice gives the same clock, bit for bit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "timer.h"
#include "mmsim/mmsim.h"

#define MAX_FIRED 64

struct fired {
	unsigned long data[MAX_FIRED];
	uint64_t when[MAX_FIRED];
	int n;
};

static struct fired log_of_fires;

static void record_fire(struct sim_timer *t)
{
	struct fired *f = &log_of_fires;

	assert_true(f->n < MAX_FIRED);
	f->data[f->n] = t->data;
	f->when[f->n] = t->machine->clock_ns;
	f->n++;
}

static void test_order_and_ties(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=1");
	struct sim_timer t[5];
	/* expiries: ties at 200 must fire in arming order (ids 1, 3, 4). */
	const uint64_t expires[5] = { 300, 200, 100, 200, 200 };

	(void)state;
	memset(&log_of_fires, 0, sizeof(log_of_fires));
	for (int i = 0; i < 5; i++) {
		timer_setup(m, &t[i], record_fire, (unsigned long)i);
		t[i].expires = expires[i];
		add_timer(&t[i]);
		assert_true(timer_pending(&t[i]));
	}
	assert_int_equal(next_timer_expiry(m), 100);
	clock_advance(m, 199);
	assert_int_equal(log_of_fires.n, 1);
	assert_int_equal(log_of_fires.data[0], 2);
	assert_int_equal(log_of_fires.when[0], 100);	/* the callback sees its own expiry */
	assert_int_equal(m->clock_ns, 199);
	clock_advance(m, 1);	/* exactly 200: due */
	assert_int_equal(log_of_fires.n, 4);
	assert_int_equal(log_of_fires.data[1], 1);
	assert_int_equal(log_of_fires.data[2], 3);
	assert_int_equal(log_of_fires.data[3], 4);
	assert_false(timer_pending(&t[1]));
	assert_true(timer_pending(&t[0]));
	clock_advance(m, 1000);
	assert_int_equal(log_of_fires.n, 5);
	assert_int_equal(log_of_fires.when[4], 300);
	assert_int_equal(m->clock_ns, 1200);
	/* None of ours is left (the kernel's own, the load average's, may be). */
	for (int i = 0; i < 5; i++)
		assert_false(timer_pending(&t[i]));
	assert_true(next_timer_expiry(m) > m->clock_ns);
	mmsim_shutdown(m);
}

static void test_mod_and_delete(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=1");
	struct sim_timer a, b;

	(void)state;
	memset(&log_of_fires, 0, sizeof(log_of_fires));
	timer_setup(m, &a, record_fire, 1);
	timer_setup(m, &b, record_fire, 2);
	assert_int_equal(mod_timer(&a, 500), 0);	/* was not pending */
	assert_int_equal(mod_timer(&b, 400), 0);
	assert_int_equal(mod_timer(&a, 300), 1);	/* moved earlier */
	assert_int_equal(timer_delete(&b), 1);
	assert_int_equal(timer_delete(&b), 0);
	clock_advance(m, 1000);
	assert_int_equal(log_of_fires.n, 1);
	assert_int_equal(log_of_fires.data[0], 1);
	assert_int_equal(log_of_fires.when[0], 300);

	/* A timer armed in the past (outside a callback) fires at the next advance, even 0. */
	a.expires = 10;
	add_timer(&a);
	clock_advance(m, 0);
	assert_int_equal(log_of_fires.n, 2);
	assert_int_equal(log_of_fires.when[1], 1000);
	mmsim_shutdown(m);
}

/* A callback that re-arms itself for "now" until it has run 5 times. */
static void rearm_now(struct sim_timer *t)
{
	record_fire(t);
	if (log_of_fires.n < 5)
		mod_timer(t, t->machine->clock_ns);
}

/* A periodic timer: every 10 ms. */
static void periodic(struct sim_timer *t)
{
	record_fire(t);
	mod_timer(t, t->expires + 10 * NSEC_PER_MSEC);
}

static void test_rearm_from_callback(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=1");
	struct sim_timer t;

	(void)state;
	memset(&log_of_fires, 0, sizeof(log_of_fires));
	timer_setup(m, &t, rearm_now, 0);
	t.expires = 1;
	add_timer(&t);
	clock_advance(m, NSEC_PER_SEC);
	/* Re-armed "now": each run waits for the next jiffy, so the clock moves on. */
	assert_int_equal(log_of_fires.n, 5);
	assert_int_equal(log_of_fires.when[0], 1);
	for (int i = 1; i < 5; i++)
		assert_int_equal(log_of_fires.when[i], (uint64_t)i * TICK_NSEC);
	assert_int_equal(m->clock_ns, NSEC_PER_SEC + 0);

	memset(&log_of_fires, 0, sizeof(log_of_fires));
	timer_setup(m, &t, periodic, 7);
	mod_timer(&t, m->clock_ns + 10 * NSEC_PER_MSEC);
	clock_advance(m, 35 * NSEC_PER_MSEC);
	assert_int_equal(log_of_fires.n, 3);
	assert_int_equal(log_of_fires.when[2], NSEC_PER_SEC + 30 * NSEC_PER_MSEC);
	assert_true(timer_pending(&t));
	timer_delete(&t);
	mmsim_shutdown(m);
}

/* ---- the cost model through the public API ---- */

static void test_costs_charged(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	struct mmsim_cpu_time ct;
	struct mmsim_cost costs[NR_SIM_COSTS];
	uint64_t t0, t1, t2, utime, stime;
	int pid, child;
	int64_t a;

	(void)state;
	assert_int_equal(mmsim_costs(costs, NR_SIM_COSTS), NR_SIM_COSTS);
	for (int i = 0; i < NR_SIM_COSTS; i++) {
		assert_non_null(costs[i].name);
		assert_true(costs[i].ns > 0);
		assert_true(strlen(costs[i].basis) > 10);
	}
	assert_int_equal(mmsim_clock_ns(m), 0);
	pid = mmsim_spawn(m, "t");
	assert_true(pid > 0);
	t0 = mmsim_clock_ns(m);
	assert_true(t0 >= sim_costs[COST_FORK].ns + sim_costs[COST_EXEC].ns);

	/* mmap without touching: one syscall, no fault, nothing allocated. */
	a = mmsim_mmap(m, pid, 0, 1 << 20, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
		       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	assert_true(a > 0);
	assert_int_equal(mmsim_clock_ns(m) - t0, sim_costs[COST_SYSCALL].ns);

	/* Observing is free. */
	t1 = mmsim_clock_ns(m);
	free(mmsim_proc_read(m, "meminfo", NULL));
	assert_int_equal(mmsim_clock_ns(m), t1);

	/* 256 write faults: at least fault + page + access each. */
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a, 1 << 20, 1, NULL), 0);
	t2 = mmsim_clock_ns(m);
	assert_true(t2 - t1 >= 256 * (sim_costs[COST_FAULT].ns + sim_costs[COST_PAGE_ALLOC].ns +
				      sim_costs[COST_USER_ACCESS].ns));
	/* Touching them again: no fault, only accesses (and walks). */
	assert_int_equal(mmsim_touch(m, pid, (uint64_t)a, 1 << 20, 1, NULL), 0);
	assert_true(mmsim_clock_ns(m) - t2 < 256 * sim_costs[COST_FAULT].ns);
	assert_true(mmsim_clock_ns(m) - t2 >= 256 * sim_costs[COST_USER_ACCESS].ns);

	/* fork copies ~256 ptes, and more than a thread costs. */
	t1 = mmsim_clock_ns(m);
	child = mmsim_fork(m, pid);
	assert_true(child > 0);
	assert_true(mmsim_clock_ns(m) - t1 >= sim_costs[COST_FORK].ns +
					      256 * sim_costs[COST_FORK_PTE].ns);
	assert_int_equal(mmsim_exit(m, child, 0), 0);

	/* CPU time adds up to the clock on every CPU, and the task has its share. */
	for (int cpu = 0; cpu < 2; cpu++) {
		assert_int_equal(mmsim_cpu_time(m, cpu, &ct), 0);
		assert_int_equal(ct.user_ns + ct.system_ns + ct.iowait_ns + ct.idle_ns,
				 mmsim_clock_ns(m));
	}
	assert_int_equal(mmsim_task_times(m, pid, &utime, &stime), 0);
	assert_true(utime >= 512 * sim_costs[COST_USER_ACCESS].ns);
	assert_true(stime >= 256 * sim_costs[COST_FAULT].ns);
	assert_int_equal(mmsim_task_times(m, 9999, &utime, &stime), -ESRCH);
	assert_int_equal(mmsim_cpu_time(m, 2, &ct), -EINVAL);

	/* A bad pid costs nothing; a signal stops the charge at the fault. */
	t1 = mmsim_clock_ns(m);
	assert_int_equal(mmsim_munmap(m, 9999, 0, 4096), -ESRCH);
	assert_int_equal(mmsim_clock_ns(m), t1);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- samplers and tick ---- */

struct samples {
	int n;
	uint64_t now[256];
	uint64_t clock[256];
	char who[256];
};

static void sampler_a(mmsim_machine *m, uint64_t now, void *arg)
{
	struct samples *s = arg;

	assert_true(s->n < 256);
	s->now[s->n] = now;
	s->clock[s->n] = mmsim_clock_ns(m);
	s->who[s->n++] = 'a';
}

static void sampler_b(mmsim_machine *m, uint64_t now, void *arg)
{
	struct samples *s = arg;

	assert_true(s->n < 256);
	s->now[s->n] = now;
	s->clock[s->n] = mmsim_clock_ns(m);
	s->who[s->n++] = 'b';
	/* A sampler calling the API: charged, but no samplers run from inside. */
	mmsim_kfree(m, mmsim_kmalloc(m, 64, 0));
}

static void test_samplers_and_tick(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=1");
	static struct samples s;
	struct mmsim_cpu_time ct;
	int pid;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(mmsim_add_sampler(m, 0, sampler_a, &s), -EINVAL);
	assert_int_equal(mmsim_add_sampler(m, 100, NULL, &s), -EINVAL);
	assert_int_equal(mmsim_add_sampler(m, 100 * NSEC_PER_MSEC, sampler_a, &s), 0);
	assert_int_equal(mmsim_add_sampler(m, 250 * NSEC_PER_MSEC, sampler_b, &s), 0);

	/* tick stops at each boundary: a at 100, 200, b at 250, a at 300, ... */
	assert_int_equal(mmsim_tick(m, 500 * NSEC_PER_MSEC), 0);
	assert_string_equal(s.who, "aabaaab");
	for (int i = 0; i < s.n; i++)
		assert_int_equal(s.clock[i], s.now[i]);	/* sampled at the boundary itself */
	assert_int_equal(s.now[2], 250 * NSEC_PER_MSEC);
	assert_int_equal(s.now[5], 500 * NSEC_PER_MSEC);	/* ties: a first (added first) */
	/*
	 * b's kmalloc/kfree were charged: tick ends at 500 ms plus the last
	 * pair (the pair at 250 ms ran inside the tick's idle time).
	 */
	assert_int_equal(mmsim_clock_ns(m), 500 * NSEC_PER_MSEC + 2 * sim_costs[COST_KMALLOC].ns);

	/* A long call crossing several boundaries: all sampled at its return. */
	struct machine *m2 = test_boot("mem=64M cpus=1");
	static struct samples s2;
	uint64_t t0, t1;
	int64_t a;

	memset(&s2, 0, sizeof(s2));
	pid = mmsim_spawn(m2, "x");
	a = mmsim_mmap(m2, pid, 0, 1 << 20, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
		       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	t0 = mmsim_clock_ns(m2);
	assert_int_equal(mmsim_add_sampler(m2, 10 * NSEC_PER_USEC, sampler_a, &s2), 0);
	assert_int_equal(mmsim_touch(m2, pid, (uint64_t)a, 1 << 20, 1, NULL), 0);
	t1 = mmsim_clock_ns(m2);
	assert_int_equal(s2.n, (int)((t1 - t0) / (10 * NSEC_PER_USEC)));
	assert_true(s2.n >= 10);
	for (int i = 0; i < s2.n; i++) {
		assert_int_equal(s2.now[i], t0 + (uint64_t)(i + 1) * 10 * NSEC_PER_USEC);
		assert_int_equal(s2.clock[i], t1);
	}
	mmsim_shutdown(m2);

	/* Idle time is idle: tick charges no CPU, only b's 4 kmalloc/kfree pairs. */
	assert_int_equal(mmsim_cpu_time(m, -1, &ct), 0);
	uint64_t busy = ct.user_ns + ct.system_ns;
	assert_int_equal(mmsim_tick(m, NSEC_PER_SEC), 0);
	assert_int_equal(mmsim_cpu_time(m, -1, &ct), 0);
	assert_int_equal(ct.user_ns + ct.system_ns, busy + 8 * sim_costs[COST_KMALLOC].ns);
	assert_int_equal(mmsim_tick(m, 1ULL << 62), -EINVAL);
	assert_int_equal(mmsim_tick(NULL, 1), -EINVAL);
	mmsim_shutdown(m);
}

/* ---- durations ---- */

static void test_parse_duration(void **state)
{
	static const struct {
		const char *text;
		uint64_t ns;
	} ok[] = {
		{ "100ms", 100000000ULL }, { "1.5s", 1500000000ULL }, { "0.1", 100000000ULL },
		{ "2", 2000000000ULL }, { "250us", 250000ULL }, { "10ns", 10 }, { "2m", 120000000000ULL },
		{ "1h", 3600000000000ULL }, { "1d", 86400000000000ULL }, { "0", 0 },
		{ ".5ms", 500000ULL }, { "0.000000001", 1 }, { "1.0000000001s", 1000000000ULL },
	};
	static const char *const bad[] = { "", "ms", "1x", "1 s", "-1s", "1.2.3", "s1",
					   "99999999999999999999", "200y", "1e3", NULL };
	char err[256];
	uint64_t ns;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(mmsim_parse_duration(ok[i].text, &ns, err, sizeof(err)), 0);
		assert_int_equal(ns, ok[i].ns);
	}
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(mmsim_parse_duration(bad[i], &ns, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "ms"));	/* the message names the units */
	}
	assert_int_equal(mmsim_parse_duration(NULL, &ns, err, sizeof(err)), -EINVAL);
}

/* ---- determinism ---- */

static uint64_t workload(const char *opts, uint64_t *switches)
{
	struct machine *m = test_boot(opts);
	struct mmsim_sched_stats st;
	uint64_t now;
	int pid = mmsim_spawn(m, "w");
	int64_t a = mmsim_mmap(m, pid, 0, 8 << 20, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);

	for (int i = 0; i < 4; i++) {
		int c = mmsim_fork(m, pid);

		mmsim_touch(m, pid, (uint64_t)a + (uint64_t)i * (1 << 20), 3 << 20, 1, NULL);
		mmsim_touch(m, c, (uint64_t)a, 8 << 20, i & 1, NULL);
		mmsim_madvise(m, pid, (uint64_t)a, 1 << 20, mmsim_madvise_parse("dontneed"));
		mmsim_tick(m, 3 * NSEC_PER_MSEC);
		if (i & 1)
			mmsim_exit(m, c, 0);
	}
	assert_int_equal(mmsim_sched_stats(m, &st), 0);
	assert_true(st.interrupts > 0 && st.context_switches > 0 && st.forks >= 5);
	*switches = st.context_switches;
	now = mmsim_clock_ns(m);
	mmsim_shutdown(m);
	return now;
}

static void test_determinism(void **state)
{
	uint64_t s1, s2, s3;
	uint64_t a = workload("mem=128M cpus=2", &s1);
	uint64_t b = workload("mem=128M cpus=2", &s2);
	uint64_t c = workload("mem=128M cpus=2 metadata_only=1", &s3);

	(void)state;
	assert_int_equal(a, b);
	assert_int_equal(s1, s2);
	/* Time models the machine, not the simulator: no bytes kept, same time. */
	assert_int_equal(a, c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ties),
		cmocka_unit_test(test_mod_and_delete),
		cmocka_unit_test(test_rearm_from_callback),
		cmocka_unit_test(test_costs_charged),
		cmocka_unit_test(test_samplers_and_tick),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_determinism),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
