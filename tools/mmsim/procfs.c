/*
 * procfs.c - the `--procfs DIR` writer: the machine's /proc as files on
 * disk (what the tree holds and its invariants: procfs.h).
 *
 * Every file is written as ".NAME.tmp" and renamed over NAME, so a reader
 * sees the old text or the new one, never a mix. A new PID directory is
 * filled as ".PID.new" and renamed into place; one whose process is gone is
 * emptied and removed. All paths are opened relative to descriptors of DIR
 * and its subdirectories with O_NOFOLLOW, so a symlink planted in DIR
 * cannot redirect a write or a removal outside it. Only names this file
 * writes are ever removed.
 *
 * Texts come from mmsim_proc_read(), so the tree and `mmsim show` always
 * print the same bytes.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "procfs.h"

#define MARKER		".mmsim-procfs"
#define MARKER_TEXT	"This directory is a /proc tree written by mmsim --procfs.\n"

/* Why the last step failed, for the one-line message. */
struct procfs_err {
	const char *what;	/* the path or step */
	int err;		/* errno */
};

static int fail(struct procfs_err *e, const char *what, int err)
{
	if (!e->what) {
		e->what = what;
		e->err = err;
	}
	return -1;
}

static void report(const char *dir, const struct procfs_err *e)
{
	fprintf(stderr, "mmsim: --procfs %s: %s: %s\n", dir, e->what ? e->what : "?",
		strerror(e->err));
}

/* ---- files and directories relative to a directory descriptor ---- */

static int write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Whether NAME in dfd already holds exactly text. Reading is much cheaper
 * than making a new inode, and between two updates most files of most
 * processes do not change.
 */
static bool same_file(int dfd, const char *name, const char *text, size_t len)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[8192];
	struct stat st;
	size_t off = 0;
	bool same;

	if (fd < 0)
		return false;
	same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
	while (same && off < len) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0 || (size_t)n > len - off || memcmp(buf, text + off, (size_t)n))
			same = false;
		else
			off += (size_t)n;
	}
	close(fd);
	return same;
}

/* NAME in dfd becomes text, atomically (write ".NAME.tmp", rename). */
static int put_file(int dfd, const char *name, const char *text, size_t len,
		    struct procfs_err *e)
{
	char tmp[256];
	int fd, saved;

	if (same_file(dfd, name, text, len))
		return 0;
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0 && errno == EEXIST) {	/* a leftover of an interrupted run */
		unlinkat(dfd, tmp, 0);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	}
	if (fd < 0)
		return fail(e, name, errno);
	if (write_all(fd, text, len)) {
		saved = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		return fail(e, name, saved);
	}
	if (close(fd) || renameat(dfd, tmp, dfd, name)) {
		saved = errno;
		unlinkat(dfd, tmp, 0);
		return fail(e, name, saved);
	}
	return 0;
}

/* A subdirectory of dfd (made if missing), opened; -1 if it is not a directory. */
static int sub_dir(int dfd, const char *name, struct procfs_err *e)
{
	int fd;

	if (mkdirat(dfd, name, 0755) && errno != EEXIST)
		return fail(e, name, errno);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(e, name, errno);
	return fd;
}

/* mmsim_proc_read(path) into NAME of dfd. */
static int put_proc(mmsim_machine *m, int dfd, const char *name, const char *path,
		    struct procfs_err *e)
{
	size_t len = 0;
	char *text = mmsim_proc_read(m, path, &len);
	int ret;

	if (!text)
		return fail(e, path, errno ? errno : ENOENT);
	ret = put_file(dfd, name, text, len, e);
	free(text);
	return ret;
}

/* ---- DIR itself ---- */

/* mkdir -p: every missing component of path. */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return errno = ENAMETOOLONG, -1;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

/* Whether dfd holds nothing but "." and "..". */
static bool dir_is_empty(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	bool empty = true;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/*
 * Open DIR for writing the tree: create it if missing, refuse a file or a
 * directory that holds something other than an earlier tree.
 */
static int open_top(const char *dir, struct procfs_err *e)
{
	struct stat st;
	int dfd;

	if (!*dir)
		return fail(e, "an empty name", ENOENT);
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		return fail(e, "not a directory", ENOTDIR);
	if (make_dirs(dir))
		return fail(e, "cannot create it", errno);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail(e, "cannot open it", errno);
	if (faccessat(dfd, MARKER, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return dfd;
	if (!dir_is_empty(dfd)) {
		close(dfd);
		return fail(e, "not empty and not a tree mmsim wrote (use a new directory)",
			    EEXIST);
	}
	if (put_file(dfd, MARKER, MARKER_TEXT, strlen(MARKER_TEXT), e)) {
		close(dfd);
		return -1;
	}
	return dfd;
}

/* ---- the machine-wide files ---- */

/*
 * The directory of path under top ("sys/kernel/pid_max" -> top/sys/kernel,
 * made if missing) as a new descriptor, with *leaf pointing at the name.
 */
static int parent_dir(int top, const char *path, const char **leaf, struct procfs_err *e)
{
	const char *slash;
	char part[128];
	int dfd = dup(top);

	if (dfd < 0)
		return fail(e, path, errno);
	while ((slash = strchr(path, '/'))) {
		int sub;

		snprintf(part, sizeof(part), "%.*s", (int)(slash - path), path);
		sub = sub_dir(dfd, part, e);
		close(dfd);
		if (sub < 0)
			return -1;
		dfd = sub;
		path = slash + 1;
	}
	*leaf = path;
	return dfd;
}

/* Every file mmsim_proc_files() names, at its path. */
static int put_root_files(mmsim_machine *m, int top, struct procfs_err *e)
{
	for (const char *const *f = mmsim_proc_files(); *f; f++) {
		const char *leaf;
		int dfd = parent_dir(top, *f, &leaf, e), ret;

		if (dfd < 0)
			return -1;
		ret = put_proc(m, dfd, leaf, *f, e);
		close(dfd);
		if (ret)
			return -1;
	}
	return 0;
}

/* sys/vm/NAME for every vm sysctl. */
static int put_sysctls(mmsim_machine *m, int top, struct procfs_err *e)
{
	const char *leaf;
	int vm = parent_dir(top, "sys/vm/x", &leaf, e), ret = 0;
	char path[160];

	if (vm < 0)
		return -1;
	for (const char *const *s = mmsim_sysctl_names(); *s && !ret; s++) {
		if (strncmp(*s, "vm.", 3))
			continue;
		snprintf(path, sizeof(path), "sys/vm/%s", *s + 3);
		ret = put_proc(m, vm, *s + 3, path, e);
		if (ret && e->err == EACCES) {
			/* dcache (issue 5): write-only (drop_caches) has nothing to show */
			e->what = NULL;
			e->err = 0;
			ret = 0;
		}
	}
	close(vm);
	return ret;
}

/* ---- PID directories ---- */

/* Live thread-group leaders, increasing (malloc'd); -1 on host OOM. */
static int live_tgids(mmsim_machine *m, int **out, size_t *nr)
{
	size_t n = mmsim_pids(m, NULL, 0), k = 0;
	int *pids = malloc((n + 1) * sizeof(*pids));

	if (!pids)
		return -1;
	n = mmsim_pids(m, pids, n);
	for (size_t i = 0; i < n; i++) {
		struct mmsim_task_info ti;

		if (mmsim_task_info(m, pids[i], &ti) == 0 && ti.tgid == ti.pid)
			pids[k++] = pids[i];
	}
	*out = pids;
	*nr = k;
	return 0;
}

static bool is_live(const int *pids, size_t n, long pid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pids[mid] == pid)
			return true;
		if (pids[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Every per-process file of pid into dfd. */
static int fill_pid_dir(mmsim_machine *m, int dfd, int pid, struct procfs_err *e)
{
	char path[64];

	for (const char *const *f = mmsim_proc_pid_files(); *f; f++) {
		snprintf(path, sizeof(path), "%d/%s", pid, *f);
		if (put_proc(m, dfd, *f, path, e))
			return -1;
	}
	return 0;
}

/* Remove what we write in a PID directory, then the directory if empty. */
static void remove_pid_dir(int top, const char *name)
{
	int dfd = openat(top, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char tmp[256];

	if (dfd < 0)
		return;		/* not a directory of ours */
	for (const char *const *f = mmsim_proc_pid_files(); *f; f++) {
		snprintf(tmp, sizeof(tmp), ".%s.tmp", *f);
		unlinkat(dfd, *f, 0);
		unlinkat(dfd, tmp, 0);
	}
	close(dfd);
	unlinkat(top, name, AT_REMOVEDIR);	/* fails, harmlessly, if not ours */
}

static int put_pid(mmsim_machine *m, int top, int pid, struct procfs_err *e)
{
	char name[32], tmp[40];
	int dfd, ret;

	snprintf(name, sizeof(name), "%d", pid);
	dfd = openat(top, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0) {		/* update in place, file by file */
		ret = fill_pid_dir(m, dfd, pid, e);
		close(dfd);
		return ret;
	}
	/* A new directory appears whole: fill ".PID.new", then rename it. */
	snprintf(tmp, sizeof(tmp), ".%d.new", pid);
	remove_pid_dir(top, tmp);
	dfd = sub_dir(top, tmp, e);
	if (dfd < 0)
		return -1;
	ret = fill_pid_dir(m, dfd, pid, e);
	close(dfd);
	if (!ret && renameat(top, tmp, top, name))
		ret = fail(e, name, errno);
	if (ret)
		remove_pid_dir(top, tmp);
	return ret;
}

/* "123" -> 123; -1 for any other name. */
static long pid_name(const char *s)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)s[0]) || s[0] == '0')
		return -1;
	v = strtol(s, &end, 10);
	return *end ? -1 : v;
}

/* ".123.new" left by an interrupted run. */
static bool stale_new_dir(const char *s)
{
	size_t n = strlen(s);

	return n > 5 && s[0] == '.' && !strcmp(s + n - 4, ".new") && isdigit((unsigned char)s[1]);
}

/* Remove the PID directories of processes that are gone. */
static int prune(int top, const int *pids, size_t n, struct procfs_err *e)
{
	int fd = dup(top);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	char **gone = NULL;
	size_t nr_gone = 0, max_gone = 0;
	int ret = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return fail(e, "reading the directory", errno);
	}
	/* Collect first: removing while readdir runs may skip entries. */
	while ((de = readdir(d))) {
		long pid = pid_name(de->d_name);

		if (!(pid > 0 && !is_live(pids, n, pid)) && !stale_new_dir(de->d_name))
			continue;
		if (nr_gone == max_gone) {
			size_t max = max_gone ? 2 * max_gone : 16;
			char **g = realloc(gone, max * sizeof(*g));

			if (!g) {
				ret = fail(e, "out of memory", ENOMEM);
				break;
			}
			gone = g;
			max_gone = max;
		}
		gone[nr_gone] = strdup(de->d_name);
		if (gone[nr_gone])
			nr_gone++;
	}
	closedir(d);
	for (size_t i = 0; i < nr_gone; i++) {
		remove_pid_dir(top, gone[i]);
		free(gone[i]);
	}
	free(gone);
	return ret;
}

/* The pid "self" names: the task the kernel ran last, else the lowest live one. */
static int self_pid(mmsim_machine *m, const int *pids, size_t n)
{
	char *text = mmsim_proc_read(m, "self/stat", NULL);
	struct mmsim_task_info ti;
	int pid = text ? atoi(text) : 0;

	free(text);
	if (pid > 0 && mmsim_task_info(m, pid, &ti) == 0)
		return ti.tgid;
	return n ? pids[0] : 0;
}

/* "self" -> PID, replaced atomically; removed when no process lives. */
static int put_self(mmsim_machine *m, int top, const int *pids, size_t n,
		    struct procfs_err *e)
{
	int pid = self_pid(m, pids, n);
	char target[32];

	if (!pid) {
		if (unlinkat(top, "self", 0) && errno != ENOENT)
			return fail(e, "self", errno);
		return 0;
	}
	snprintf(target, sizeof(target), "%d", pid);
	unlinkat(top, ".self.tmp", 0);
	if (symlinkat(target, top, ".self.tmp") || renameat(top, ".self.tmp", top, "self"))
		return fail(e, "self", errno);
	return 0;
}

static int put_pids(mmsim_machine *m, int top, struct procfs_err *e)
{
	int *pids = NULL;
	size_t n = 0;
	int ret = 0;

	if (live_tgids(m, &pids, &n))
		return fail(e, "out of memory", ENOMEM);
	for (size_t i = 0; i < n && !ret; i++)
		ret = put_pid(m, top, pids[i], e);
	if (!ret)
		ret = put_self(m, top, pids, n, e);
	if (!ret)
		ret = prune(top, pids, n, e);
	free(pids);
	return ret;
}

/* ---- the entry points ---- */

int procfs_sync(mmsim_machine *m, const char *dir)
{
	struct procfs_err e = { 0 };
	int top = open_top(dir, &e), ret = -1;

	if (top >= 0) {
		ret = put_root_files(m, top, &e);
		if (!ret)
			ret = put_sysctls(m, top, &e);
		if (!ret)
			ret = put_pids(m, top, &e);
		close(top);
	}
	if (ret)
		report(dir, &e);
	return ret;
}

/* ---- the --procfs output (output.h's sink) ---- */

struct procfs_out {
	const char *dir;
	bool failed;		/* a write failed: said once, no more writes */
};

/* Write the followed machine's tree unless an earlier write failed. */
static void sync_followed(struct output *out, mmsim_machine *m)
{
	struct procfs_out *p = out->procfs;

	if (p && !p->failed && m && procfs_sync(m, p->dir))
		p->failed = true;
}

/* Check DIR (create it, refuse a file or a foreign directory) before any run. */
static int procfs_start(struct output *out)
{
	const char *dir = out->opts->procfs_dir;
	struct procfs_err e = { 0 };
	int top;

	if (!dir)
		return 0;
	top = open_top(dir, &e);
	if (top < 0) {
		report(dir, &e);
		return -1;
	}
	close(top);
	out->procfs = calloc(1, sizeof(*out->procfs));
	if (!out->procfs) {
		fprintf(stderr, "%s: out of memory\n", out->who);
		return -1;
	}
	out->procfs->dir = dir;
	return 0;
}

static uint64_t procfs_interval(struct output *out)
{
	return out->procfs ? PROCFS_INTERVAL_NS : 0;
}

static void procfs_sample(struct output *out, mmsim_machine *m, uint64_t now_ns)
{
	(void)now_ns;
	sync_followed(out, m);
}

static int procfs_finish(struct output *out)
{
	return out->procfs && out->procfs->failed ? -1 : 0;
}

static void procfs_free(struct output *out)
{
	free(out->procfs);
	out->procfs = NULL;
}

void procfs_output_sync(struct output *out)
{
	if (out)
		sync_followed(out, out->m);
}

/* boot: the tree as booted; final: as the machine is at its end. */
const struct output_sink procfs_sink = {
	.name = "--procfs",
	.start = procfs_start,
	.boot = sync_followed,
	.interval = procfs_interval,
	.sample = procfs_sample,
	.final = sync_followed,
	.finish = procfs_finish,
	.free = procfs_free,
};
