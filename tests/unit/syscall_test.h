/*
 * syscall_test.h - helpers shared by the tests of the mapping system
 * calls (test_mprotect, test_mremap, test_madvise, test_mlock): a process
 * with a private playground of address space, the VMAs /proc/PID/maps
 * shows there, smaps/status/meminfo/vmstat figures, fault counts.
 *
 * Addresses in a test are page numbers relative to the playground's base
 * (A(n)), so the expected layouts read like the host probes they were
 * checked against (Linux 6.18: the same calls on the same relative
 * layout).
 */
#ifndef MMSIM_SYSCALL_TEST_H
#define MMSIM_SYSCALL_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"

#define PG		4096UL
#define PLAYGROUND	(4096 * PG)	/* 16 MiB of address space per test */
#define RW		(MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON		(MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)
#define SHANON		(MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS)

struct st {
	struct machine *m;
	int pid;
	uint64_t base;	/* 2 MiB aligned */
};

#define A(n)	(st->base + (uint64_t)(n) * PG)

/* Boot, spawn a process, and find a free, 2 MiB aligned playground. */
static inline struct st *st_new(const char *options)
{
	struct st *st = calloc(1, sizeof(*st));
	int64_t r;

	st->m = test_boot(options);
	st->pid = mmsim_spawn(st->m, "systest");
	assert_true(st->pid > 0);
	r = mmsim_mmap(st->m, st->pid, 0, PLAYGROUND + (2UL << 20), MMSIM_PROT_NONE,
		       ANON | MMSIM_MAP_NORESERVE, -1, 0);
	assert_true(r > 0);
	assert_int_equal(mmsim_munmap(st->m, st->pid, (uint64_t)r, PLAYGROUND + (2UL << 20)), 0);
	st->base = ((uint64_t)r + (2UL << 20) - 1) & ~((2UL << 20) - 1);
	return st;
}

static inline void st_free(struct st *st)
{
	check_machine(st->m);
	mmsim_shutdown(st->m);
	free(st);
}

/* mmap at page n of the playground (MAP_FIXED). */
static inline void map_at(struct st *st, long n, long pages, int prot, int flags)
{
	int64_t r = mmsim_mmap(st->m, st->pid, A(n), (uint64_t)pages * PG, prot,
			       flags | MMSIM_MAP_FIXED, -1, 0);

	if (r != (int64_t)A(n))
		fail_msg("mmap at page %ld: %lld", n, (long long)r);
}

static inline int touch(struct st *st, long n, long pages, int write)
{
	struct mmsim_fault f;

	return mmsim_touch(st->m, st->pid, A(n), (uint64_t)pages * PG, write, &f);
}

/* The signal code of a touch that must fault (SEGV_MAPERR 1, SEGV_ACCERR 2). */
static inline int touch_fault_code(struct st *st, long n, int write)
{
	struct mmsim_fault f = { 0 };

	assert_int_equal(mmsim_touch(st->m, st->pid, A(n), PG, write, &f), -EFAULT);
	assert_int_equal(f.signo, 11);
	return f.code;
}

static inline void write_byte(struct st *st, long n, unsigned char v)
{
	struct mmsim_fault f;

	assert_int_equal(mmsim_write(st->m, st->pid, A(n), &v, 1, &f), 0);
}

static inline unsigned char read_byte(struct st *st, long n)
{
	struct mmsim_fault f;
	unsigned char v = 0xee;

	assert_int_equal(mmsim_read(st->m, st->pid, A(n), &v, 1, &f), 0);
	return v;
}

static inline unsigned long minflt(struct st *st)
{
	struct mmsim_task_info info;

	assert_int_equal(mmsim_task_info(st->m, st->pid, &info), 0);
	return info.min_flt;
}

static inline char *pid_file(struct st *st, const char *name)
{
	char path[64];
	char *text;

	snprintf(path, sizeof(path), "%d/%s", st->pid, name);
	text = mmsim_proc_read(st->m, path, NULL);
	assert_non_null(text);
	return text;
}

/*
 * The VMAs of the playground as "[s,e) perms" with page numbers, joined by
 * spaces: "[0,4) rw-p [4,8) r--p".
 */
static inline char *layout(struct st *st)
{
	static char out[4096];
	char *maps = pid_file(st, "maps");
	size_t used = 0;

	out[0] = '\0';
	for (char *line = strtok(maps, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long s, e;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) != 3)
			continue;
		if (s < st->base || e > st->base + PLAYGROUND)
			continue;
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s[%ld,%ld) %s",
					 used ? " " : "", (long)((s - st->base) / PG),
					 (long)((e - st->base) / PG), perms);
	}
	free(maps);
	return out;
}

#define assert_layout(st, expect) assert_string_equal(layout(st), expect)

/* A "Name:  N kB" field of the smaps entry of the VMA holding page n. */
static inline long smaps_kb(struct st *st, long n, const char *field)
{
	char *smaps = pid_file(st, "smaps");
	uint64_t addr = A(n);
	bool in = false;
	long val = -1;

	for (char *line = strtok(smaps, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long s, e;
		char c;

		if (sscanf(line, "%lx-%lx %c", &s, &e, &c) == 3 && strchr(line, '-') < strchr(line, ' ')) {
			in = addr >= s && addr < e;
			continue;
		}
		if (in && !strncmp(line, field, strlen(field)) && line[strlen(field)] == ':') {
			val = strtol(line + strlen(field) + 1, NULL, 10);
			break;
		}
	}
	free(smaps);
	if (val < 0)
		fail_msg("no %s for page %ld", field, n);
	return val;
}

/* The VmFlags line of the VMA holding page n ("rd wr mr mw me ac"). */
static inline char *vmflags(struct st *st, long n)
{
	static char out[256];
	char *smaps = pid_file(st, "smaps");
	uint64_t addr = A(n);
	bool in = false;

	out[0] = '\0';
	for (char *line = strtok(smaps, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long s, e;
		char c;

		if (sscanf(line, "%lx-%lx %c", &s, &e, &c) == 3 && strchr(line, '-') < strchr(line, ' ')) {
			in = addr >= s && addr < e;
			continue;
		}
		if (in && !strncmp(line, "VmFlags: ", 9)) {
			snprintf(out, sizeof(out), "%s", line + 9);
			break;
		}
	}
	free(smaps);
	/* Linux ends the line with a space after the last flag. */
	for (size_t l = strlen(out); l && out[l - 1] == ' '; l--)
		out[l - 1] = '\0';
	return out;
}

/* A "Name:  N kB" line of a whole-file view (status, meminfo). */
static inline long file_kb(char *text, const char *field)
{
	long val = -1;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, field, strlen(field)) && line[strlen(field)] == ':') {
			val = strtol(line + strlen(field) + 1, NULL, 10);
			break;
		}
	free(text);
	if (val < 0)
		fail_msg("no %s", field);
	return val;
}

static inline long status_kb(struct st *st, const char *field)
{
	return file_kb(pid_file(st, "status"), field);
}

static inline long meminfo_kb(struct st *st, const char *field)
{
	return file_kb(mmsim_proc_read(st->m, "meminfo", NULL), field);
}

static inline long long vmstat_count(struct st *st, const char *name)
{
	struct mmsim_counter c[512];
	size_t n = mmsim_vmstat(st->m, c, 512);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return c[i].value;
	fail_msg("no vmstat %s", name);
	return -1;
}

#endif
