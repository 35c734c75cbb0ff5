/*
 * base.c - the /proc/PID directory (Linux's fs/proc/base.c): which files
 * a process has, finding the task a "PID/NAME" path names, and the small
 * files that live here in Linux, oom_score and oom_score_adj.
 *
 * Paths: "PID/NAME" with PID a decimal pid of a live task (a thread's id
 * works too, as /proc/TID does), or "self/NAME" for machine->current. An
 * unknown pid or name is ENOENT, as for a missing /proc entry.
 *
 * oom_score is proc_oom_score over oom_badness (mm/oom_kill.c, 6.x): the
 * badness is rss + swap entries + page-table pages, plus oom_score_adj in
 * thousandths of (RAM + swap), and is shown scaled into 0..2000 then
 * times 2/3 - so an ordinary small process reads 666. -1000 reads 0.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sched.h"
#include "swap.h"

#define OOM_SCORE_ADJ_MIN	(-1000)

/* oom_badness(): LONG_MIN for tasks the OOM killer may not pick. */
static long oom_badness(const struct task_struct *t, unsigned long totalpages)
{
	const struct mm_struct *mm = t->mm;
	long adj = t->oom_score_adj;
	long points;

	if (adj == OOM_SCORE_ADJ_MIN || !mm)
		return LONG_MIN;
	points = (long)(get_mm_rss(mm) + get_mm_counter(mm, MM_SWAPENTS)) +
		 mm->pgtables_bytes / (long)PAGE_SIZE;
	adj *= (long)(totalpages / 1000);	/* oom_score_adj units */
	return points + adj;
}

static void proc_oom_score(struct task_struct *t, struct seq_buf *s)
{
	unsigned long totalpages = t->machine->totalram_pages +
				   (unsigned long)total_swap_pages(t->machine);
	long badness = oom_badness(t, totalpages);
	unsigned long points = 0;

	if (badness != LONG_MIN)
		points = (unsigned long)((1000 + badness * 1000 / (long)totalpages) * 2 / 3);
	seq_printf(s, "%lu\n", points);
}

static void proc_oom_score_adj(struct task_struct *t, struct seq_buf *s)
{
	seq_printf(s, "%d\n", t->oom_score_adj);
}

struct pid_entry {
	const char *name;
	void (*show)(struct task_struct *t, struct seq_buf *s);
};

/* In the order Linux's tgid_base_stuff lists them. */
static const struct pid_entry tgid_base_stuff[] = {
	{ "status", proc_pid_status },
	{ "cmdline", proc_pid_cmdline },
	{ "stat", proc_pid_stat },
	{ "statm", proc_pid_statm },
	{ "maps", proc_pid_maps },
	{ "numa_maps", proc_pid_numa_maps },
	{ "smaps", proc_pid_smaps },
	{ "smaps_rollup", proc_pid_smaps_rollup },
	{ "oom_score", proc_oom_score },
	{ "oom_score_adj", proc_oom_score_adj },
};

const char *const proc_pid_names[] = {
	"status", "cmdline", "stat", "statm", "maps", "numa_maps", "smaps", "smaps_rollup",
	"oom_score", "oom_score_adj", NULL,
};
_Static_assert(ARRAY_SIZE(proc_pid_names) == ARRAY_SIZE(tgid_base_stuff) + 1,
	       "proc_pid_names must list every tgid_base_stuff entry");

/* "123/" or "self/": the length of the directory part, else 0. */
static size_t pid_dir_len(const char *path)
{
	size_t n = strspn(path, "0123456789");

	if (n == 0 && !strncmp(path, "self", 4))
		n = 4;
	return n > 0 && path[n] == '/' ? n + 1 : 0;
}

bool proc_pid_path(const char *path)
{
	return pid_dir_len(path) != 0;
}

/* The task a directory names; NULL when none (a leading 0 names nothing). */
static struct task_struct *proc_pid_task(struct machine *m, const char *path)
{
	long pid;

	if (!strncmp(path, "self/", 5))
		return m->current;
	if (path[0] == '0')
		return NULL;
	pid = strtol(path, NULL, 10);
	if (pid <= 0 || pid > INT_MAX)
		return NULL;
	return find_task_by_pid(m, (int)pid);
}

char *proc_pid_read(struct machine *m, const char *path, size_t *len)
{
	size_t dir = pid_dir_len(path);
	struct task_struct *t = dir ? proc_pid_task(m, path) : NULL;
	struct seq_buf s;

	if (!t || !t->mm) {
		errno = ENOENT;
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tgid_base_stuff); i++) {
		if (strcmp(path + dir, tgid_base_stuff[i].name))
			continue;
		seq_init(&s);
		tgid_base_stuff[i].show(t, &s);
		return seq_detach(&s, len);
	}
	errno = ENOENT;
	return NULL;
}
