/*
 * proc.c - the machine-wide /proc files by name: mmsim_proc_read(),
 * mmsim_proc_files() and mmsim_vmstat() of the public API.
 *
 * A file is a show function that prints its whole text into a seq_buf (the
 * kernel's seq_file, without the paging: texts are built in one go). One
 * table maps names to show functions, so the list of files and the
 * dispatch cannot disagree. "sys/vm/NAME" is the sysctl table's view;
 * "PID/NAME" and "self/NAME" are a process's files (base.c).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "swap.h"
#include "sysfs.h"
#include "mmsim/mmsim.h"

struct proc_entry {
	const char *name;
	void (*show)(struct machine *m, struct seq_buf *s);
};

static const struct proc_entry proc_root[] = {
	{ "meminfo", show_meminfo },
	{ "zoneinfo", show_zoneinfo },
	{ "buddyinfo", show_buddyinfo },
	{ "pagetypeinfo", show_pagetypeinfo },
	{ "slabinfo", show_slabinfo },
	{ "vmstat", show_vmstat },
	/* vmalloc (issue 7) */
	{ "vmallocinfo", show_vmallocinfo },
	/* proctools: the files procps reads besides the memory views */
	{ "stat", show_stat },
	{ "loadavg", show_loadavg },
	{ "uptime", show_uptime },
	{ "cpuinfo", show_cpuinfo },
	{ "sys/kernel/pid_max", show_pid_max },
	/* dcache (issue 5) */
	{ "sys/fs/dentry-state", show_dentry_state },
	{ "sys/fs/inode-nr", show_inode_nr },
	{ "sys/fs/inode-state", show_inode_state },
	/* swap (issue 5) */
	{ "swaps", show_swaps },
};

static const char *const proc_names[] = {
	"meminfo", "zoneinfo", "buddyinfo", "pagetypeinfo", "slabinfo", "vmstat",
	/* vmalloc (issue 7) */
	"vmallocinfo",
	/* proctools */
	"stat", "loadavg", "uptime", "cpuinfo", "sys/kernel/pid_max",
	/* dcache (issue 5) */
	"sys/fs/dentry-state", "sys/fs/inode-nr", "sys/fs/inode-state",
	/* swap (issue 5) */
	"swaps",
	NULL,
};
_Static_assert(ARRAY_SIZE(proc_names) == ARRAY_SIZE(proc_root) + 1,
	       "proc_names must list every proc_root entry");

const char *const *mmsim_proc_files(void)
{
	return proc_names;
}

const char *const *mmsim_proc_pid_files(void)
{
	return proc_pid_names;
}

#define SYSCTL_PREFIX	"sys/vm/"
#define SYSCTL_BUF	4096

static char *proc_read_sysctl(struct machine *m, const char *name, size_t *len)
{
	char buf[SYSCTL_BUF];
	struct seq_buf s;
	int ret = -ENOENT;

	if (!*name || strchr(name, '/') || strchr(name, '.') ||
	    (ret = sysctl_show(m, name, buf, sizeof(buf))) < 0) {
		errno = -ret;	/* ENOENT, or EACCES for write-only drop_caches */
		return NULL;
	}
	seq_init(&s);
	seq_puts(&s, buf);
	return seq_detach(&s, len);
}

char *mmsim_proc_read(mmsim_machine *m, const char *path, size_t *len)
{
	struct seq_buf s;

	if (!m || !path) {
		errno = ENOENT;
		return NULL;
	}
	/* NUMA: /sys/devices/system/node/... and the interleave weights (sysfs.h) */
	if (sysfs_path(path))
		return sysfs_read(m, path, len);
	if (path[0] == '/')
		path++;
	if (!strncmp(path, "proc/", 5))
		path += 5;
	if (!strncmp(path, SYSCTL_PREFIX, strlen(SYSCTL_PREFIX)))
		return proc_read_sysctl(m, path + strlen(SYSCTL_PREFIX), len);
	if (proc_pid_path(path))
		return proc_pid_read(m, path, len);
	for (size_t i = 0; i < ARRAY_SIZE(proc_root); i++) {
		if (strcmp(path, proc_root[i].name))
			continue;
		seq_init(&s);
		proc_root[i].show(m, &s);
		return seq_detach(&s, len);
	}
	errno = ENOENT;
	return NULL;
}

/* OOM killer (oom.h): the writable per-process files. */
int mmsim_proc_write(mmsim_machine *m, const char *path, const char *value)
{
	if (!m || !path)
		return -EINVAL;
	if (path[0] == '/')
		path++;
	if (!strncmp(path, "proc/", 5))
		path += 5;
	if (!proc_pid_path(path))
		return -ENOENT;
	return proc_pid_write(m, path, value);
}

size_t mmsim_vmstat(mmsim_machine *m, struct mmsim_counter *out, size_t max)
{
	return vmstat_collect(m, out, max);
}
