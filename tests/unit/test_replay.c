/*
 * test_replay.c - the machine half of replay: mmsim_access_batch (its
 * arguments, signals with the index of the access that raised them,
 * straddling accesses, and the same outcome as one mmsim_touch per
 * access), mmsim_trace_map's layout rule (code, read-only data, data, a
 * stack that grows down), determinism (the same trace on two machines:
 * the same faults, TLB figures, smaps and vmstat), and a machine too small
 * ending in SIGKILL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"

#define PG	4096ULL
#define RW	(MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON	(MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)
#define BASE	0x10000000ULL

static struct mmsim_access acc(uint64_t addr, uint32_t size, uint32_t kind)
{
	return (struct mmsim_access){ addr, size, kind };
}

static unsigned long minflt(mmsim_machine *m, int pid)
{
	struct mmsim_task_info ti;

	assert_int_equal(mmsim_task_info(m, pid, &ti), 0);
	return ti.min_flt;
}

static void test_batch_arguments(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	struct mmsim_access a[2] = { acc(BASE, 4, 0), acc(BASE, 4, 0) };
	struct mmsim_fault f;
	size_t done = 7;
	int pid = mmsim_spawn(m, "t");

	(void)state;
	assert_int_equal(mmsim_access_batch(NULL, 1, a, 1, &done, &f), -ESRCH);
	assert_int_equal(done, 0);
	assert_int_equal(mmsim_access_batch(m, 99, a, 1, &done, &f), -ESRCH);
	assert_int_equal(mmsim_access_batch(m, pid, NULL, 1, &done, &f), -EINVAL);
	assert_int_equal(mmsim_access_batch(m, pid, NULL, 0, NULL, NULL), 0);
	a[1].size = 0;
	assert_int_equal(mmsim_access_batch(m, pid, a, 2, &done, &f), -EINVAL);
	a[1].size = 4;
	a[1].kind = 4;
	assert_int_equal(mmsim_access_batch(m, pid, a, 2, &done, &f), -EINVAL);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_batch_signals_and_straddle(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	int pid = mmsim_spawn(m, "t");
	struct mmsim_fault f;
	unsigned char vec[4];
	size_t done;
	struct mmsim_access a[6];

	(void)state;
	assert_int_equal(mmsim_mmap(m, pid, BASE, 4 * PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0),
			 (int64_t)BASE);
	/* An 8-byte store across the first page boundary touches both pages. */
	a[0] = acc(BASE + PG - 2, 8, MMSIM_ACCESS_STORE);
	a[1] = acc(BASE + 3 * PG, 4, MMSIM_ACCESS_LOAD);
	a[2] = acc(BASE + 2 * PG, 4, MMSIM_ACCESS_INSTR);	/* no exec: SIGSEGV */
	a[3] = acc(BASE + 2 * PG + 8, 4, MMSIM_ACCESS_MODIFY);
	assert_int_equal(mmsim_access_batch(m, pid, a, 4, &done, &f), -EFAULT);
	assert_int_equal(done, 2);
	assert_int_equal(f.signo, 11);
	assert_int_equal(f.code, 2);			/* SEGV_ACCERR */
	assert_true(f.addr == BASE + 2 * PG);
	/* The caller goes on after it. */
	assert_int_equal(mmsim_access_batch(m, pid, a + 3, 1, &done, &f), 0);
	assert_int_equal(done, 1);
	assert_int_equal(mmsim_mincore(m, pid, BASE, 4 * PG, vec), 0);
	assert_true(vec[0] & 1);
	assert_true(vec[1] & 1);
	assert_true(vec[2] & 1);	/* faulted in by the fetch, then by the modify */
	/* Unmapped, and past the user half: SEGV_MAPERR, the index of the access. */
	a[4] = acc(BASE + 64 * PG, 1, MMSIM_ACCESS_LOAD);
	assert_int_equal(mmsim_access_batch(m, pid, a, 5, &done, &f), -EFAULT);
	assert_int_equal(done, 2);		/* the fetch again */
	assert_int_equal(mmsim_access_batch(m, pid, a + 3, 2, &done, &f), -EFAULT);
	assert_int_equal(done, 1);
	assert_int_equal(f.code, 1);
	a[5] = acc(0xffff800000000000ULL, 8, MMSIM_ACCESS_LOAD);
	assert_int_equal(mmsim_access_batch(m, pid, a + 5, 1, &done, &f), -EFAULT);
	assert_int_equal(f.signo, 11);
	check_machine(m);
	mmsim_shutdown(m);
}

/* The batch and one mmsim_touch per access leave the same machine behind. */
static void test_batch_equals_touch(void **state)
{
	enum { N = 3000 };
	struct machine *m1 = test_boot("mem=128M cpus=1"), *m2 = test_boot("mem=128M cpus=1");
	struct mmsim_access *a = malloc(N * sizeof(*a));
	struct mmsim_mmu_stats s1, s2;
	struct mmsim_fault f;
	uint64_t x = 5;
	size_t done;
	int p1 = mmsim_spawn(m1, "t"), p2 = mmsim_spawn(m2, "t");
	char *v1, *v2;

	(void)state;
	for (int i = 0; i < N; i++) {		/* one page each, reads and writes */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		a[i] = acc(BASE + (x % (64 * PG)) / 8 * 8, 8, (uint32_t)((x >> 40) % 3));
	}
	assert_int_equal(mmsim_mmap(m1, p1, BASE, 64 * PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0),
			 (int64_t)BASE);
	assert_int_equal(mmsim_mmap(m2, p2, BASE, 64 * PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0),
			 (int64_t)BASE);
	assert_int_equal(mmsim_access_batch(m1, p1, a, N, &done, &f), 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(mmsim_touch(m2, p2, a[i].addr, a[i].size,
					     a[i].kind != MMSIM_ACCESS_LOAD, &f), 0);
	assert_int_equal(minflt(m1, p1), minflt(m2, p2));
	assert_true(mmsim_clock_ns(m1) == mmsim_clock_ns(m2));	/* the same charge */
	assert_true(mmsim_clock_ns(m1) > 0);
	mmsim_mmu_stats(m1, -1, &s1);
	mmsim_mmu_stats(m2, -1, &s2);
	assert_true(s1.tlb_hits == s2.tlb_hits && s1.tlb_misses == s2.tlb_misses &&
		    s1.walks == s2.walks && s1.faults == s2.faults);
	v1 = test_proc(m1, "1/smaps");
	v2 = test_proc(m2, "1/smaps");
	assert_string_equal(v1, v2);
	free(v1);
	free(v2);
	check_machine(m1);
	check_machine(m2);
	free(a);
	mmsim_shutdown(m1);
	mmsim_shutdown(m2);
}

/* A small program's shape: code, rodata, data, heap, a stack touched downwards. */
static mmsim_trace *program_trace(void)
{
	mmsim_trace *tr = mmsim_trace_new(0);
	const uint64_t stack_top = 0x7ff000100000ULL;
	struct mmsim_access a[5];

	for (int i = 0; i < 200; i++) {
		a[0] = acc(0x500000 + (uint64_t)(i % 50) * 64, 4, MMSIM_ACCESS_INSTR);
		a[1] = acc(0x520000 + (uint64_t)(i % 7) * 8, 8, MMSIM_ACCESS_LOAD);	/* rodata */
		a[2] = acc(0x540000 + (uint64_t)i * 40, 8, MMSIM_ACCESS_STORE);		/* data */
		a[3] = acc(0x2000000 + (uint64_t)i * 512, 4, MMSIM_ACCESS_MODIFY);	/* heap */
		/* The stack: first access near the top, then deeper and deeper. */
		a[4] = acc(stack_top - 64 - (uint64_t)i * 1024, 8, MMSIM_ACCESS_STORE);
		assert_int_equal(mmsim_trace_add(tr, a, 5), 0);
	}
	return tr;
}

/* The maps line starting at addr, or NULL. */
static const char *maps_line(const char *maps, const char *start)
{
	const char *p = maps;

	while (p && *p) {
		if (!strncmp(p, start, strlen(start)))
			return p;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

static void replay_all(mmsim_machine *m, int pid, const mmsim_trace *tr, unsigned long *signals)
{
	struct mmsim_access buf[256];
	struct mmsim_trace_cursor c;
	struct mmsim_fault f;
	size_t n, done;

	*signals = 0;
	mmsim_trace_rewind(&c);
	while ((n = mmsim_trace_next(tr, &c, buf, 256)) > 0) {
		for (size_t i = 0; i < n; i += done + 1) {
			int r = mmsim_access_batch(m, pid, buf + i, n - i, &done, &f);

			if (!r)
				break;
			assert_int_equal(r, -EFAULT);
			(*signals)++;
		}
	}
}

static void test_layout(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	mmsim_trace *tr = program_trace();
	int pid = mmsim_spawn(m, "prog");
	unsigned long signals;
	char err[256] = "", *maps;
	const char *l;

	(void)state;
	assert_true(mmsim_trace_map(m, pid, tr, err, sizeof(err)) > 0);
	maps = test_proc(m, "1/maps");
	assert_non_null(l = maps_line(maps, "00500000-00501000 r-xs "));
	assert_non_null(l = maps_line(maps, "00520000-00521000 r--s "));
	assert_non_null(l = maps_line(maps, "00540000-00542000 rw-p "));
	assert_non_null(l = maps_line(maps, "02000000-02019000 rw-p "));
	/* The stack: only from its first access's page up, at first. */
	assert_non_null(l = maps_line(maps, "7ff0000ff000-7ff000100000 rw-p "));
	free(maps);
	replay_all(m, pid, tr, &signals);
	assert_int_equal(signals, 0);
	maps = test_proc(m, "1/maps");
	/* It grew down to the deepest access (200 KiB down), page by page. */
	assert_non_null(l = maps_line(maps, "7ff0000ce000-7ff000100000 rw-p "));
	free(maps);
	check_machine(m);
	mmsim_trace_free(tr);
	mmsim_shutdown(m);
}

static void test_layout_edges(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	mmsim_trace *tr = mmsim_trace_new(0);
	struct mmsim_access a[4] = {
		acc(0x1000, 4, MMSIM_ACCESS_LOAD),			/* below mmap_min_addr */
		acc(0x7ffffffff000ULL, 4, MMSIM_ACCESS_LOAD),	/* above the user half */
		acc(0x600000, 4, MMSIM_ACCESS_INSTR),
		acc(0x600100, 4, MMSIM_ACCESS_STORE),		/* code that is written: rwx */
	};
	unsigned long signals;
	char err[256] = "", *maps;
	int pid = mmsim_spawn(m, "edge");

	(void)state;
	assert_int_equal(mmsim_trace_map(m, pid, tr, err, sizeof(err)), 0);	/* empty */
	assert_int_equal(mmsim_trace_map(NULL, pid, tr, err, sizeof(err)), -EINVAL);
	assert_int_equal(mmsim_trace_map(m, pid, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(mmsim_trace_add(tr, a, 4), 0);
	assert_int_equal(mmsim_trace_map(m, 99, tr, err, sizeof(err)), -ESRCH);
	assert_non_null(strstr(err, "mmap of 0x600000-0x601000 failed"));
	if (mmsim_trace_map(m, pid, tr, err, sizeof(err)) != 1)
		fail_msg("%s", err);
	maps = test_proc(m, "1/maps");
	assert_non_null(maps_line(maps, "00600000-00601000 rwxp "));
	free(maps);
	replay_all(m, pid, tr, &signals);
	assert_int_equal(signals, 2);		/* the two unmappable pages */
	check_machine(m);
	mmsim_trace_free(tr);
	mmsim_shutdown(m);
}

struct outcome {
	unsigned long minflt, majflt;
	struct mmsim_mmu_stats st;
	char *smaps, *vmstat, *meminfo;
};

static void run_once(const mmsim_trace *t1, const mmsim_trace *t2, struct outcome *o)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	const mmsim_trace *tr[2] = { t1, t2 };
	struct mmsim_trace_cursor c[2];
	struct mmsim_access buf[500];
	unsigned long signals = 0;
	int pid[2];
	bool live = true;

	for (int j = 0; j < 2; j++) {
		char err[256];

		pid[j] = mmsim_spawn(m, "p");
		assert_true(mmsim_trace_map(m, pid[j], tr[j], err, sizeof(err)) > 0);
		mmsim_trace_rewind(&c[j]);
	}
	while (live) {			/* turns of up to 500 accesses */
		live = false;
		for (int j = 0; j < 2; j++) {
			size_t n = mmsim_trace_next(tr[j], &c[j], buf, 500), done;
			struct mmsim_fault f;

			live |= n > 0;
			for (size_t i = 0; i < n; i += done + 1)
				if (!mmsim_access_batch(m, pid[j], buf + i, n - i, &done, &f))
					break;
				else
					signals++;
		}
	}
	assert_int_equal(signals, 0);
	o->minflt = minflt(m, pid[0]) + minflt(m, pid[1]);
	mmsim_mmu_stats(m, -1, &o->st);
	o->smaps = test_proc(m, "1/smaps");
	o->vmstat = test_proc(m, "vmstat");
	o->meminfo = test_proc(m, "meminfo");
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_determinism(void **state)
{
	mmsim_trace *t1 = program_trace(), *t2 = mmsim_trace_new(0);
	struct outcome a, b;
	uint64_t x = 3;

	(void)state;
	for (int i = 0; i < 20000; i++) {	/* a second, random program */
		struct mmsim_access one;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		one = acc(0x30000000 + (x % (512 * PG)), 1 + (uint32_t)(x >> 59),
			  (uint32_t)((x >> 30) % 3));
		assert_int_equal(mmsim_trace_add(t2, &one, 1), 0);
		one = acc(0x400000 + (x >> 20) % (8 * PG), 4, MMSIM_ACCESS_INSTR);
		assert_int_equal(mmsim_trace_add(t2, &one, 1), 0);
	}
	run_once(t1, t2, &a);
	run_once(t1, t2, &b);
	assert_true(a.minflt > 0);
	assert_int_equal(a.minflt, b.minflt);
	assert_memory_equal(&a.st, &b.st, sizeof(a.st));
	assert_true(a.st.tlb_hits > 0 && a.st.tlb_misses > 0);
	assert_string_equal(a.smaps, b.smaps);
	assert_string_equal(a.vmstat, b.vmstat);
	assert_string_equal(a.meminfo, b.meminfo);
	free(a.smaps), free(a.vmstat), free(a.meminfo);
	free(b.smaps), free(b.vmstat), free(b.meminfo);
	mmsim_trace_free(t1);
	mmsim_trace_free(t2);
}

/* A trace that writes more than the machine has: SIGKILL, -ENOMEM, the OOM kill. */
static void test_too_small(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=1");
	mmsim_trace *tr = mmsim_trace_new(0);
	struct mmsim_access buf[1024];
	struct mmsim_trace_cursor c;
	struct mmsim_fault f;
	char err[256];
	size_t n, done;
	int pid = mmsim_spawn(m, "big"), ret = 0;

	(void)state;
	for (uint64_t i = 0; i < (128ULL << 20) / PG; i++) {
		struct mmsim_access a = acc(0x40000000ULL + i * PG, 8, MMSIM_ACCESS_STORE);

		assert_int_equal(mmsim_trace_add(tr, &a, 1), 0);
	}
	assert_int_equal(mmsim_trace_map(m, pid, tr, err, sizeof(err)), 1);
	mmsim_trace_rewind(&c);
	while (!ret && (n = mmsim_trace_next(tr, &c, buf, 1024)) > 0)
		ret = mmsim_access_batch(m, pid, buf, n, &done, &f);
	assert_int_equal(ret, -ENOMEM);
	assert_int_equal(f.signo, 9);
	/* the OOM killer chose it: it died when the call returned */
	assert_int_equal(mmsim_exit(m, pid, 137), -ESRCH);
	check_machine(m);
	mmsim_trace_free(tr);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_arguments),
		cmocka_unit_test(test_batch_signals_and_straddle),
		cmocka_unit_test(test_batch_equals_touch),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_layout_edges),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
