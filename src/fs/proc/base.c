/*
 * base.c - the /proc/PID directory (Linux's fs/proc/base.c): which files
 * a process has, finding the task a "PID/NAME" path names, and the small
 * files that live here in Linux, oom_score, oom_adj and oom_score_adj
 * (written through proc_pid_write: oom_score_adj and oom_adj).
 *
 * Paths: "PID/NAME" with PID a decimal pid of a live task (a thread's id
 * works too, as /proc/TID does), or "self/NAME" for machine->current. An
 * unknown pid or name is ENOENT, as for a missing /proc entry.
 *
 * oom_score is proc_oom_score over oom_badness (mm/oom_kill.c): the
 * badness is rss + swap entries + page-table pages, plus oom_score_adj in
 * thousandths of (RAM + swap), and is shown scaled into 0..2000 then
 * times 2/3 - so an ordinary small process reads 666. -1000 reads 0.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "oom.h"
#include "sched.h"
#include "swap.h"

static void proc_oom_score(struct task_struct *t, struct seq_buf *s)
{
	unsigned long totalpages = oom_totalpages(t->machine);
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

/* The legacy oom_adj (-17..15), scaled from oom_score_adj. */
static void proc_oom_adj(struct task_struct *t, struct seq_buf *s)
{
	seq_printf(s, "%d\n", get_oom_adj(t));
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
	{ "oom_adj", proc_oom_adj },
	{ "oom_score_adj", proc_oom_score_adj },
};

const char *const proc_pid_names[] = {
	"status", "cmdline", "stat", "statm", "maps", "numa_maps", "smaps", "smaps_rollup",
	"oom_score", "oom_adj", "oom_score_adj", NULL,
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

/*
 * Writes (oom_score_adj_write, oom_adj_write): a decimal integer, blanks
 * around it allowed; the writer is root. -ESRCH for a pid without a task,
 * -EACCES for a file that cannot be written, -ENOENT for an unknown one.
 */
int proc_pid_write(struct machine *m, const char *path, const char *value)
{
	size_t dir = pid_dir_len(path);
	struct task_struct *t = dir ? proc_pid_task(m, path) : NULL;
	const char *name = path + dir;
	char *end;
	long v;

	if (!dir)
		return -ENOENT;
	if (!t || !t->mm)
		return -ESRCH;
	if (strcmp(name, "oom_score_adj") && strcmp(name, "oom_adj")) {
		for (size_t i = 0; i < ARRAY_SIZE(tgid_base_stuff); i++)
			if (!strcmp(name, tgid_base_stuff[i].name))
				return -EACCES;
		return -ENOENT;
	}
	if (!value)
		return -EINVAL;
	errno = 0;
	v = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (errno || end == value || *end || v < INT_MIN || v > INT_MAX)
		return -EINVAL;
	if (!strcmp(name, "oom_adj"))
		return set_oom_adj(t, (int)v);
	return set_oom_score_adj(t, (int)v);
}
