/*
 * test_oom.c - the OOM killer (mm/oom_kill.c, mm/show_mem.c): on a machine
 * without swap, processes fill memory until the OOM killer runs. The victim
 * is the process with the highest badness (oom_score_adj -1000 never,
 * 1000 first); it dies at the end of the call (ESRCH after); its memory
 * returns to the free lists; the dmesg report parses and carries the
 * victim's numbers; oom_score/oom_adj/oom_score_adj read and write as
 * Linux's; overcommit (CommitLimit with overcommit_kbytes, mode 2's ENOMEM).
 *
 * Invariants: each test boots its own machine and, when it passes, shuts
 * it down, after check_machine in all but test_sysctls; what is asserted
 * is simulated state, never host time.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "mm.h"
#include "oom.h"
#include "sched.h"
#include "mmsim/mmsim.h"

#define PG	4096ULL
#define MB	(1ULL << 20)

static int spawn(struct machine *m, const char *name)
{
	int pid = mmsim_spawn(m, name);

	assert_true(pid > 0);
	return pid;
}

static uint64_t map_anon(struct machine *m, int pid, uint64_t len)
{
	int64_t a = mmsim_mmap(m, pid, 0, len, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS | MMSIM_MAP_NORESERVE, -1, 0);

	assert_true(a > 0);
	return (uint64_t)a;
}

/* Touch len bytes; 0, or -ENOMEM with SIGKILL in *f. */
static int fill(struct machine *m, int pid, uint64_t len, struct mmsim_fault *f)
{
	uint64_t a = map_anon(m, pid, len);

	return mmsim_touch(m, pid, a, len, 1, f);
}

static bool alive(struct machine *m, int pid)
{
	struct mmsim_task_info ti;

	return mmsim_task_info(m, pid, &ti) == 0;
}

static unsigned long vmstat(struct machine *m, const char *name)
{
	struct mmsim_counter c[512];
	size_t n = mmsim_vmstat(m, c, 512);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return (unsigned long)c[i].value;
	fail_msg("no vmstat %s", name);
	return 0;
}

static long pid_long(struct machine *m, int pid, const char *file)
{
	char path[64], *text;
	long v;

	snprintf(path, sizeof(path), "%d/%s", pid, file);
	text = mmsim_proc_read(m, path, NULL);
	assert_non_null(text);
	v = strtol(text, NULL, 10);
	free(text);
	return v;
}

/* The dmesg line containing needle (the last one), or NULL; malloc'd. */
static char *dmesg_line(struct machine *m, const char *needle)
{
	char *log = mmsim_dmesg(m, NULL), *line = NULL, *p = log;

	while ((p = strstr(p, needle))) {
		char *start = p, *end;

		while (start > log && start[-1] != '\n')
			start--;
		end = strchr(p, '\n');
		free(line);
		line = strndup(start, end ? (size_t)(end - start) : strlen(start));
		p = end ? end : p + strlen(p);
	}
	free(log);
	return line;
}

static int count_lines(struct machine *m, const char *needle)
{
	char *log = mmsim_dmesg(m, NULL), *p = log;
	int n = 0;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	free(log);
	return n;
}

/* ---------------------------------------------------------------------- */

/*
 * Three hogs of different sizes, then a fourth allocating until the OOM
 * killer runs: the biggest (by badness) dies, its memory goes back.
 */
static void test_biggest_dies(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2 metadata_only=1");
	int small = spawn(m, "small"), big = spawn(m, "big"), mid = spawn(m, "mid");
	int grow = spawn(m, "grow");
	struct mmsim_fault f;
	long score_big, score_mid, score_small;
	unsigned long free_before;
	uint64_t a;
	int ret = 0;

	(void)state;
	assert_int_equal(fill(m, small, 8 * MB, &f), 0);
	assert_int_equal(fill(m, big, 48 * MB, &f), 0);
	assert_int_equal(fill(m, mid, 24 * MB, &f), 0);
	score_big = pid_long(m, big, "oom_score");
	score_mid = pid_long(m, mid, "oom_score");
	score_small = pid_long(m, small, "oom_score");
	assert_true(score_big > score_mid && score_mid > score_small);
	assert_int_equal(vmstat(m, "oom_kill"), 0);
	/* grow takes page after page: it stops short of big's size */
	a = map_anon(m, grow, 40 * MB);
	for (uint64_t off = 0; off < 40 * MB && !ret && alive(m, big); off += PG)
		ret = mmsim_touch(m, grow, a + off, PG, 1, &f);
	assert_int_equal(ret, 0);
	assert_false(alive(m, big));
	assert_true(alive(m, mid) && alive(m, small) && alive(m, grow));
	assert_int_equal(vmstat(m, "oom_kill"), 1);
	assert_int_equal(mmsim_exit(m, big, 0), -ESRCH);
	errno = 0;
	assert_null(mmsim_proc_read(m, "2/status", NULL));
	assert_int_equal(errno, ENOENT);
	/* its 48 MiB came back: the free lists hold far more than min now */
	free_before = (unsigned long)test_free_pages(m);
	assert_true(free_before > (40 * MB) / PG);
	check_machine(m);
	mmsim_shutdown(m);
}

/* oom_score_adj: -1000 is never chosen, 1000 is chosen first. */
static void test_score_adj(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2 metadata_only=1");
	int big = spawn(m, "big"), tiny = spawn(m, "tiny"), grow = spawn(m, "grow");
	struct mmsim_fault f;
	int adj;

	(void)state;
	assert_int_equal(mmsim_oom_score_adj_set(m, big, -1000), 0);
	assert_int_equal(mmsim_oom_score_adj_set(m, tiny, 1000), 0);
	assert_int_equal(mmsim_oom_score_adj_get(m, tiny, &adj), 0);
	assert_int_equal(adj, 1000);
	assert_int_equal(pid_long(m, big, "oom_score"), 0);
	assert_int_equal(fill(m, big, 60 * MB, &f), 0);
	assert_int_equal(fill(m, tiny, 1 * MB, &f), 0);
	/* grow outgrows everyone, yet tiny (adj 1000) goes first */
	assert_int_equal(fill(m, grow, 30 * MB, &f), 0);
	assert_int_equal(fill(m, grow, 30 * MB, &f), -ENOMEM);
	assert_int_equal(f.signo, 9);
	assert_false(alive(m, tiny));
	assert_true(alive(m, big));
	/* tiny's megabyte was not enough: grow, the biggest left, is next */
	assert_false(alive(m, grow));
	assert_int_equal(vmstat(m, "oom_kill"), 2);
	/* big (-1000) lives on, with every page it had */
	assert_true(alive(m, big));
	check_machine(m);
	mmsim_shutdown(m);
}

/* The report: header, Mem-Info, task table, summary, kill, reaper. */
static void test_report(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2 metadata_only=1");
	int keep = spawn(m, "keep"), hog = spawn(m, "hog");
	unsigned long rss_kb, total_vm_kb, pgt_kb, anon, file, shmem, pid, uid, tvm, ptb, vm2, rss2;
	struct mmsim_fault f;
	char comm[32], *line;
	int adj;

	(void)state;
	assert_int_equal(mmsim_oom_score_adj_set(m, keep, -1000), 0);
	assert_int_equal(fill(m, keep, 4 * MB, &f), 0);
	/* hog alone fills the machine and is killed during its own access */
	assert_int_equal(fill(m, hog, 120 * MB, &f), -ENOMEM);
	assert_int_equal(f.signo, 9);
	assert_false(alive(m, hog));
	assert_true(alive(m, keep));

	line = dmesg_line(m, "invoked oom-killer:");
	assert_non_null(line);
	assert_non_null(strstr(line, "] hog invoked oom-killer: gfp_mask=0x140cca("
				     "GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"));
	free(line);
	line = dmesg_line(m, "CPU: ");
	assert_non_null(strstr(line, "Comm: hog Not tainted"));
	free(line);
	assert_int_equal(count_lines(m, "Mem-Info:"), 1);
	assert_non_null(line = dmesg_line(m, " free_pcp:"));
	free(line);
	assert_non_null(line = dmesg_line(m, "Node 0 DMA32: "));
	assert_non_null(strstr(line, "*4kB "));
	free(line);
	assert_non_null(line = dmesg_line(m, "pages RAM"));
	free(line);
	assert_non_null(line = dmesg_line(m, "[  pid  ]   uid  tgid total_vm      rss rss_anon "
					     "rss_file rss_shmem pgtables_bytes swapents "
					     "oom_score_adj name"));
	free(line);
	/* the task table's line of the victim */
	line = dmesg_line(m, " hog");
	assert_non_null(line);
	assert_int_equal(sscanf(strchr(line, ']') + 2, "[%lu] %lu %*u %lu %lu %lu %*u %*u %lu %*u %d %31s",
				&pid, &uid, &tvm, &rss2, &anon, &ptb, &adj, comm), 8);
	assert_int_equal(pid, (unsigned long)hog);
	assert_int_equal(uid, 0);
	assert_int_equal(adj, 0);
	assert_string_equal(comm, "hog");
	vm2 = tvm;
	free(line);
	line = dmesg_line(m, "oom-kill:");
	assert_non_null(strstr(line, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
				     "mems_allowed=0,global_oom,task_memcg=/,task=hog,pid=2,uid=0"));
	free(line);
	line = dmesg_line(m, "Out of memory: Killed process");
	assert_non_null(line);
	assert_int_equal(sscanf(strstr(line, "Out of memory"),
				"Out of memory: Killed process %lu (%31[^)]) total-vm:%lukB, "
				"anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, UID:%lu "
				"pgtables:%lukB oom_score_adj:%d", &pid, comm, &total_vm_kb, &rss_kb,
				&file, &shmem, &uid, &pgt_kb, &adj), 9);
	assert_int_equal(pid, (unsigned long)hog);
	assert_string_equal(comm, "hog");
	assert_int_equal(total_vm_kb, vm2 * 4);
	assert_int_equal(pgt_kb, ptb / 1024);
	assert_true(rss_kb >= rss2 * 4 - 4 * 64 && rss_kb <= rss2 * 4 + 4 * 64);
	assert_true(rss_kb > 80 * 1024);	/* most of the machine */
	assert_int_equal(file, 0);
	assert_int_equal(shmem, 0);
	free(line);
	check_machine(m);
	mmsim_shutdown(m);
}

/* The reaper's line, when the victim is not the task allocating. */
static void test_reaper(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2 metadata_only=1");
	int victim = spawn(m, "victim"), grow = spawn(m, "grow");
	struct mmsim_fault f;
	unsigned long pid, a, fi, sh;
	char comm[32], *line;

	(void)state;
	assert_int_equal(fill(m, victim, 64 * MB, &f), 0);
	assert_int_equal(fill(m, grow, 48 * MB, &f), 0);
	assert_false(alive(m, victim));
	line = dmesg_line(m, "oom_reaper: reaped process");
	assert_non_null(line);
	assert_int_equal(sscanf(strstr(line, "oom_reaper"), "oom_reaper: reaped process %lu "
				"(%31[^)]), now anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB",
				&pid, comm, &a, &fi, &sh), 5);
	assert_int_equal(pid, (unsigned long)victim);
	assert_string_equal(comm, "victim");
	assert_int_equal(a, 0);
	free(line);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Nothing killable: Linux panics; mmsim reports and fails the access. */
static void test_nothing_killable(void **state)
{
	struct machine *m = test_boot("mem=64M cpus=1 metadata_only=1");
	int p = spawn(m, "p");
	struct mmsim_fault f;

	(void)state;
	assert_int_equal(mmsim_oom_score_adj_set(m, p, -1000), 0);
	assert_int_equal(fill(m, p, 60 * MB, &f), -ENOMEM);
	assert_int_equal(f.signo, 9);
	assert_true(alive(m, p));
	assert_int_equal(vmstat(m, "oom_kill"), 0);
	assert_true(count_lines(m, "Out of memory and no killable processes...") >= 1);
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* oom_kill_allocating_task: the allocating task dies, not the biggest. */
static void test_kill_allocating_task(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2 metadata_only=1 sysctl=vm.oom_kill_allocating_task=1");
	int big = spawn(m, "big"), small = spawn(m, "small");
	struct mmsim_fault f;
	char *line;

	(void)state;
	assert_int_equal(fill(m, big, 80 * MB, &f), 0);
	assert_int_equal(fill(m, small, 40 * MB, &f), -ENOMEM);
	assert_false(alive(m, small));
	assert_true(alive(m, big));
	line = dmesg_line(m, "Killed process");
	assert_non_null(strstr(line, "Out of memory (oom_kill_allocating_task): Killed process"));
	free(line);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Threads and processes sharing the victim's mm die with it. */
static void test_shared_mm_dies(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2 metadata_only=1");
	int p = spawn(m, "p"), thr, grow = spawn(m, "grow");
	struct mmsim_fault f;

	(void)state;
	thr = mmsim_clone_vm(m, p);
	assert_true(thr > 0);
	assert_int_equal(fill(m, p, 64 * MB, &f), 0);
	assert_int_equal(fill(m, grow, 48 * MB, &f), 0);
	assert_false(alive(m, p));
	assert_false(alive(m, thr));
	assert_true(alive(m, grow));
	check_machine(m);
	mmsim_shutdown(m);
}

/* /proc/PID/oom_score_adj and oom_adj, as root writes them. */
static void test_proc_files(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 metadata_only=1");
	int p = spawn(m, "p"), c;

	(void)state;
	assert_int_equal(mmsim_proc_write(m, "1/oom_score_adj", "500\n"), 0);
	assert_int_equal(pid_long(m, p, "oom_score_adj"), 500);
	assert_int_equal(pid_long(m, p, "oom_adj"), 500 * 17 / 1000);
	assert_int_equal(mmsim_proc_write(m, "1/oom_score_adj", "1001"), -EINVAL);
	assert_int_equal(mmsim_proc_write(m, "1/oom_score_adj", "-1001"), -EINVAL);
	assert_int_equal(mmsim_proc_write(m, "1/oom_score_adj", "12x"), -EINVAL);
	assert_int_equal(mmsim_proc_write(m, "1/oom_score_adj", ""), -EINVAL);
	assert_int_equal(mmsim_oom_score_adj_set(m, p, 1001), -EINVAL);
	assert_int_equal(pid_long(m, p, "oom_score_adj"), 500);
	assert_int_equal(mmsim_proc_write(m, "/proc/1/oom_adj", "15"), 0);
	assert_int_equal(pid_long(m, p, "oom_score_adj"), 1000);
	assert_int_equal(pid_long(m, p, "oom_adj"), 15);
	assert_int_equal(mmsim_proc_write(m, "1/oom_adj", "-17"), 0);
	assert_int_equal(pid_long(m, p, "oom_score_adj"), -1000);
	assert_int_equal(pid_long(m, p, "oom_adj"), -17);
	assert_int_equal(pid_long(m, p, "oom_score"), 0);
	assert_int_equal(mmsim_proc_write(m, "1/oom_adj", "16"), -EINVAL);
	assert_int_equal(count_lines(m, "/proc/1/oom_adj is deprecated, please use "
					"/proc/1/oom_score_adj instead."), 1);
	assert_int_equal(mmsim_proc_write(m, "1/oom_score", "1"), -EACCES);
	assert_int_equal(mmsim_proc_write(m, "1/nosuch", "1"), -ENOENT);
	assert_int_equal(mmsim_proc_write(m, "9/oom_score_adj", "1"), -ESRCH);
	assert_int_equal(mmsim_oom_score_adj_set(m, 9, 1), -ESRCH);
	/* a child inherits the value (fork copies signal->oom_score_adj) */
	c = mmsim_fork(m, p);
	assert_true(c > 0);
	assert_int_equal(pid_long(m, c, "oom_score_adj"), -1000);
	check_machine(m);
	mmsim_shutdown(m);
}

/* The sysctls: panic_on_oom 0 only; overcommit_kbytes and ratio exclude each other. */
static void test_sysctls(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 metadata_only=1");
	char err[256], buf[64];
	char *mi;
	unsigned long limit;

	(void)state;
	assert_int_equal(mmsim_sysctl_set(m, "vm.panic_on_oom", "1", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "panic"));
	assert_int_equal(mmsim_sysctl_set(m, "vm.panic_on_oom", "0", err, sizeof(err)), 0);
	assert_int_equal(mmsim_sysctl_get(m, "vm.oom_dump_tasks", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1\n");
	assert_int_equal(mmsim_sysctl_set(m, "vm.overcommit_kbytes", "102400", err, sizeof(err)), 0);
	assert_int_equal(mmsim_sysctl_get(m, "vm.overcommit_ratio", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0\n");
	mi = mmsim_proc_read(m, "meminfo", NULL);
	assert_int_equal(sscanf(strstr(mi, "CommitLimit:"), "CommitLimit: %lu kB", &limit), 1);
	free(mi);
	assert_int_equal(limit, 102400);
	assert_int_equal(mmsim_sysctl_set(m, "vm.overcommit_ratio", "50", err, sizeof(err)), 0);
	assert_int_equal(mmsim_sysctl_get(m, "vm.overcommit_kbytes", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0\n");
	mi = mmsim_proc_read(m, "meminfo", NULL);
	assert_int_equal(sscanf(strstr(mi, "CommitLimit:"), "CommitLimit: %lu kB", &limit), 1);
	free(mi);
	assert_int_equal(limit, m->totalram_pages * 4 / 2);
	mmsim_shutdown(m);
}

/*
 * Overcommit (mm/util.c __vm_enough_memory): mode 0 refuses one mapping
 * larger than RAM + swap; mode 1 takes anything; mode 2 holds Committed_AS
 * under CommitLimit minus the admin reserve and 1/32 of the mm's size.
 */
static void test_overcommit(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 metadata_only=1");
	int p = spawn(m, "p");
	int prot = MMSIM_PROT_READ | MMSIM_PROT_WRITE;
	int flags = MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS;
	uint64_t ram = m->totalram_pages * PG;
	char err[256];

	(void)state;
	assert_int_equal(mmsim_mmap(m, p, 0, ram + PG, prot, flags, -1, 0), -ENOMEM);
	assert_true(mmsim_mmap(m, p, 0, ram, prot, flags, -1, 0) > 0);
	assert_true(mmsim_mmap(m, p, 0, ram, prot, flags, -1, 0) > 0);	/* no sum in mode 0 */
	assert_true(mmsim_mmap(m, p, 0, ram + PG, prot, flags | MMSIM_MAP_NORESERVE, -1, 0) > 0);
	assert_int_equal(mmsim_sysctl_set(m, "vm.overcommit_memory", "1", err, sizeof(err)), 0);
	assert_true(mmsim_mmap(m, p, 0, 4 * ram, prot, flags, -1, 0) > 0);
	assert_int_equal(mmsim_sysctl_set(m, "vm.overcommit_memory", "2", err, sizeof(err)), 0);
	/* far over the limit already: private writable mappings fail, others do not */
	assert_int_equal(mmsim_mmap(m, p, 0, PG, prot, flags, -1, 0), -ENOMEM);
	assert_true(mmsim_mmap(m, p, 0, PG, MMSIM_PROT_READ, flags, -1, 0) > 0);
	assert_int_equal(mmsim_mmap(m, p, 0, PG, prot, flags | MMSIM_MAP_NORESERVE, -1, 0),
			 -ENOMEM);
	assert_true(count_lines(m, "__vm_enough_memory: pid: 1, comm: p, bytes: 4096 not enough "
				   "memory for the allocation") >= 1);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Mode 2 with a fresh process: the limit is CommitLimit less the reserves. */
static void test_overcommit_never_limit(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 metadata_only=1 sysctl=vm.overcommit_memory=2");
	int p = spawn(m, "p");
	int prot = MMSIM_PROT_READ | MMSIM_PROT_WRITE;
	int flags = MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS;
	long committed = m->vm_committed_pages;
	long limit = (long)(m->totalram_pages * 50 / 100);
	long admin = (long)(m->totalram_pages / 32 < 2048 ? m->totalram_pages / 32 : 2048);
	long room;
	struct mm_struct *mm = find_task_by_pid(m, p)->mm;

	(void)state;
	room = limit - admin - (long)(mm->total_vm / 32) - committed;
	assert_true(room > 100);
	/* __vm_enough_memory charges first: committed + pages must stay under allowed */
	assert_true(mmsim_mmap(m, p, 0, (uint64_t)(room - 1 - 16) * PG, prot, flags, -1, 0) > 0);
	assert_int_equal(mmsim_mmap(m, p, 0, 64 * PG, prot, flags, -1, 0), -ENOMEM);
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_biggest_dies),
		cmocka_unit_test(test_score_adj),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_reaper),
		cmocka_unit_test(test_nothing_killable),
		cmocka_unit_test(test_kill_allocating_task),
		cmocka_unit_test(test_shared_mm_dies),
		cmocka_unit_test(test_proc_files),
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_overcommit),
		cmocka_unit_test(test_overcommit_never_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
