/*
 * backend_host.c - the differential tests' host backend: each process of a
 * sequence is a real process (difftest_worker, host_worker.c) on the host
 * kernel, driven over pipes (host_proto.h).
 *
 * The root worker is exec'd fresh for every sequence with THP disabled
 * (PR_SET_THP_DISABLE, inherited over fork and exec) and without ASLR
 * (personality ADDR_NO_RANDOMIZE), so the layout is a new program's. The
 * driver reads /proc/PID/{status,smaps,maps} itself, from outside, so
 * reading figures costs the worker nothing; fault counts come from the
 * worker's measured windows (host_worker.c).
 *
 * Host quirks and how they are handled (this machine: Linux 6.18, a
 * paravirtualised guest, 2 CPUs):
 *  - no shared zero page (pvm_no_zero_page=1): a read fault on private
 *    anonymous memory allocates a page; mmsim is booted with zero_page=0;
 *  - THP is "madvise" system-wide: disabled per worker (PR_SET_THP_DISABLE),
 *    mmsim boots with thp=never; sequences whose options say thp=madvise
 *    (the THP ones) keep it on, and mmsim boots with thp=madvise for them;
 *  - per-CPU LRU batches (MADV_FREE's lazyfree batch) drain on any
 *    lru_add_drain of their CPU: workers are pinned to the last CPU, the
 *    driver to the first, and sequences drain explicitly (sequences.c);
 *  - hiwater_rss follows the per-CPU-batched RSS counters: VmHWM (and
 *    VmPeak, which is history) are not compared (ops.c);
 *  - accessed bits: once in ~20 runs a page showed Referenced with no access
 *    (speculative A-bit or PG_referenced); --record runs every sequence
 *    twice and refuses figures that do not repeat;
 *  - the workers run as whoever runs difftest (root here, uid 1000 in
 *    mmsim): sequences avoid what depends on privilege (mmap below
 *    mmap_min_addr, RLIMIT_MEMLOCK beyond a few pages);
 *  - traps cost ~10 us here; nothing in these tests is timed.
 *
 * Invariants: every worker is killed and reaped by end(); a call never
 * blocks for more than TIMEOUT_MS (a hung worker aborts the sequence).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host_proto.h"

#define TIMEOUT_MS 20000

struct host {
	const char *worker;
	int cmd[DT_MAXPROC][2], res[DT_MAXPROC][2];	/* [0] read end, [1] write end */
	pid_t pid[DT_MAXPROC];
	pid_t root;
	unsigned long minflt[DT_MAXPROC], majflt[DT_MAXPROC];
	struct w_reply reply;
	bool broken;
	long saved_nr_hugepages;	/* hugetlb: the pool to restore, or -1 */
	bool thp;			/* THP: the sequence wants it (no PR_SET_THP_DISABLE) */
	char filedir[64];		/* filetests: the sequence's temp directory, or "" */
};

static struct host *H(struct dt_backend *b)
{
	return b->priv;
}

static void host_hugetlb_restore(struct host *h);	/* hugetlb, below */
static void host_files_remove(struct host *h);		/* filetests, below */

static int read_reply(struct host *h, int p, struct w_reply *r)
{
	size_t got = 0;

	while (got < sizeof(*r)) {
		struct pollfd pfd = { .fd = h->res[p][0], .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, TIMEOUT_MS) <= 0) {
			fprintf(stderr, "difftest: host worker p%d does not answer\n", p);
			h->broken = true;
			return -1;
		}
		n = read(h->res[p][0], (char *)r + got, sizeof(*r) - got);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			h->broken = true;
			return -1;
		}
		got += (size_t)n;
	}
	h->minflt[p] = r->minflt;
	h->majflt[p] = r->majflt;
	return 0;
}

static int send_cmd(struct host *h, int p, int op, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4)
{
	struct w_cmd c = { .op = op, .a = { a0, a1, a2, a3, a4, 0 } };

	if (h->broken || !h->pid[p])
		return -1;
	if (write(h->cmd[p][1], &c, sizeof(c)) != (ssize_t)sizeof(c)) {
		h->broken = true;
		return -1;
	}
	return 0;
}

/* One command, one reply: the call's return value (or -EIO: worker lost). */
static int64_t rpc(struct dt_backend *b, int p, int op, uint64_t a0, uint64_t a1,
		   uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct host *h = H(b);

	if (send_cmd(h, p, op, a0, a1, a2, a3, a4) || read_reply(h, p, &h->reply))
		return -EIO;
	return h->reply.ret;
}

static void close_pipes(struct host *h)
{
	for (int i = 0; i < DT_MAXPROC; i++)
		for (int j = 0; j < 2; j++) {
			if (h->cmd[i][j] >= 0)
				close(h->cmd[i][j]);
			if (h->res[i][j] >= 0)
				close(h->res[i][j]);
			h->cmd[i][j] = h->res[i][j] = -1;
		}
}

/*
 * Pin the calling process to one allowed CPU: the last one for workers,
 * the first for the driver. Per-CPU LRU batches (MADV_FREE's lazyfree
 * batch, drained by any lru_add_drain on that CPU, e.g. another process's
 * munmap) then depend only on the sequence, not on where the scheduler
 * happened to run the worker or what ran beside it.
 */
static void pin_cpu(bool last)
{
	cpu_set_t allowed, one;
	int pick = -1;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed) && (pick < 0 || last))
			pick = c;
	if (pick < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(pick, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

static void exec_worker(struct host *h)
{
	char args[2 * DT_MAXPROC][16], *argv[2 * DT_MAXPROC + 2];

	argv[0] = (char *)"difftest_worker";
	for (int i = 0; i < DT_MAXPROC; i++) {
		snprintf(args[2 * i], sizeof(args[0]), "%d", h->cmd[i][0]);
		snprintf(args[2 * i + 1], sizeof(args[0]), "%d", h->res[i][1]);
		argv[1 + 2 * i] = args[2 * i];
		argv[2 + 2 * i] = args[2 * i + 1];
	}
	argv[1 + 2 * DT_MAXPROC] = NULL;
	/* Only the worker's ends survive exec: when the driver goes, the
	 * workers read EOF and exit. */
	for (int i = 0; i < DT_MAXPROC; i++)
		if (fcntl(h->cmd[i][0], F_SETFD, 0) || fcntl(h->res[i][1], F_SETFD, 0))
			_exit(125);
	pin_cpu(true);
	if (h->filedir[0])
		setenv("DIFFTEST_FILEDIR", h->filedir, 1);
	if ((!h->thp && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)) ||
	    personality(ADDR_NO_RANDOMIZE) == -1)
		_exit(126);
	execv(h->worker, argv);
	_exit(127);
}

static int host_begin(struct dt_backend *b, char *err, size_t errlen)
{
	struct host *h = H(b);

	memset(h->pid, 0, sizeof(h->pid));
	/* THP: a sequence booting mmsim with thp=madvise gets the host's own madvise mode */
	h->thp = b->seq_options && strstr(b->seq_options, "thp=madvise");
	memset(h->minflt, 0, sizeof(h->minflt));
	memset(h->majflt, 0, sizeof(h->majflt));
	h->broken = false;
	for (int i = 0; i < DT_MAXPROC; i++)
		if (pipe2(h->cmd[i], O_CLOEXEC) || pipe2(h->res[i], O_CLOEXEC)) {
			snprintf(err, errlen, "pipe: %s", strerror(errno));
			return -1;
		}
	/* filetests: the files of this sequence live in a fresh directory. */
	snprintf(h->filedir, sizeof(h->filedir), "/tmp/difftest-files.XXXXXX");
	if (!mkdtemp(h->filedir))
		h->filedir[0] = '\0';
	/* Orphaned workers come back to us, so end() can reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	h->root = fork();
	if (h->root > 0)
		pin_cpu(false);
	if (h->root < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (h->root == 0)
		exec_worker(h);
	/* The workers' ends: a reply pipe whose writers all died reads EOF. */
	for (int i = 0; i < DT_MAXPROC; i++) {
		close(h->cmd[i][0]);
		close(h->res[i][1]);
		h->cmd[i][0] = h->res[i][1] = -1;
	}
	h->pid[0] = h->root;
	if (read_reply(h, 0, &h->reply) || h->reply.op != W_READY) {
		snprintf(err, errlen, "worker %s did not start", h->worker);
		return -1;
	}
	return 0;
}

static void host_end(struct dt_backend *b)
{
	struct host *h = H(b);

	for (int i = 0; i < DT_MAXPROC; i++)
		if (h->pid[i] > 0)
			kill(h->pid[i], SIGKILL);
	close_pipes(h);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	memset(h->pid, 0, sizeof(h->pid));
	host_hugetlb_restore(h);	/* the workers (and their huge pages) are gone */
	host_files_remove(h);
}

/* ---- hugetlb: the host's pool, set for a sequence and put back after it ---- */

#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"

static char *read_file(const char *path)
{
	char *buf = malloc(65536);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, 65535);

	if (fd >= 0)
		close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static long read_long(const char *path)
{
	char *t = read_file(path);
	long v = t ? strtol(t, NULL, 10) : -1;

	free(t);
	return v;
}

static int write_long(const char *path, long v)
{
	char buf[32];
	int fd = open(path, O_WRONLY), len = snprintf(buf, sizeof(buf), "%ld\n", v);
	ssize_t n = fd < 0 ? -1 : write(fd, buf, (size_t)len);
	int err = errno;

	if (fd >= 0)
		close(fd);
	return n == len ? 0 : -(err ? err : EIO);
}

static long meminfo_value(const char *text, const char *field)
{
	const char *p = text ? strstr(text, field) : NULL;

	return p ? strtol(p + strlen(field) + 1, NULL, 10) : 0;
}

static char *host_meminfo(struct dt_backend *b)
{
	(void)b;
	return read_file("/proc/meminfo");
}

/* THP: the machine-wide counters. */
static char *host_vmstat(struct dt_backend *b)
{
	(void)b;
	return read_file("/proc/vmstat");
}

/*
 * n free pages beyond what is reserved: the pool becomes n + HugePages_Rsvd
 * (a reservation leaked by some earlier program stays out of the way). The
 * original size is restored by host_end (as root; otherwise EACCES).
 */
static int host_hugetlb_pool(struct dt_backend *b, long n)
{
	struct host *h = H(b);
	char *mi = read_file("/proc/meminfo");
	long want = n + meminfo_value(mi, "HugePages_Rsvd:");
	int ret;

	free(mi);
	if (h->saved_nr_hugepages < 0)
		h->saved_nr_hugepages = read_long(NR_HUGEPAGES);
	if (h->saved_nr_hugepages < 0)
		return -ENOENT;
	ret = write_long(NR_HUGEPAGES, want);
	if (ret)
		return ret;
	return read_long(NR_HUGEPAGES) == want ? 0 : -ENOMEM;
}

static void host_hugetlb_restore(struct host *h)
{
	if (h->saved_nr_hugepages < 0)
		return;
	if (write_long(NR_HUGEPAGES, h->saved_nr_hugepages))
		fprintf(stderr, "difftest: could not restore %s to %ld\n", NR_HUGEPAGES,
			h->saved_nr_hugepages);
	h->saved_nr_hugepages = -1;
}

static int64_t host_mmap(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot,
			 int flags, uint64_t off)
{
	return rpc(b, p, W_MMAP, addr, len, (uint64_t)prot, (uint64_t)flags, off);
}

static int host_munmap(struct dt_backend *b, int p, uint64_t addr, uint64_t len)
{
	return (int)rpc(b, p, W_MUNMAP, addr, len, 0, 0, 0);
}

static int host_mprotect(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot)
{
	return (int)rpc(b, p, W_MPROTECT, addr, len, (uint64_t)prot, 0, 0);
}

static int64_t host_mremap(struct dt_backend *b, int p, uint64_t addr, uint64_t old_len,
			   uint64_t new_len, int flags, uint64_t new_addr)
{
	return rpc(b, p, W_MREMAP, addr, old_len, new_len, (uint64_t)flags, new_addr);
}

static int64_t host_brk(struct dt_backend *b, int p, uint64_t addr)
{
	return rpc(b, p, W_BRK, addr, 0, 0, 0, 0);
}

static int host_madvise(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int advice)
{
	return (int)rpc(b, p, W_MADVISE, addr, len, (uint64_t)advice, 0, 0);
}

static int host_mlock(struct dt_backend *b, int p, uint64_t addr, uint64_t len)
{
	return (int)rpc(b, p, W_MLOCK, addr, len, 0, 0, 0);
}

static int host_mlock2(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int flags)
{
	return (int)rpc(b, p, W_MLOCK2, addr, len, (uint64_t)flags, 0, 0);
}

static int host_munlock(struct dt_backend *b, int p, uint64_t addr, uint64_t len)
{
	return (int)rpc(b, p, W_MUNLOCK, addr, len, 0, 0, 0);
}

static int host_mlockall(struct dt_backend *b, int p, int flags)
{
	return (int)rpc(b, p, W_MLOCKALL, (uint64_t)flags, 0, 0, 0, 0);
}

static int host_munlockall(struct dt_backend *b, int p)
{
	return (int)rpc(b, p, W_MUNLOCKALL, 0, 0, 0, 0, 0);
}

static int host_mincore(struct dt_backend *b, int p, uint64_t addr, uint64_t len,
			unsigned char *vec)
{
	int ret = (int)rpc(b, p, W_MINCORE, addr, len, 0, 0, 0);

	if (ret >= 0)
		memcpy(vec, H(b)->reply.vec, DT_MAXVEC);
	return ret;
}

static int host_access(struct dt_backend *b, int p, enum dt_access kind, uint64_t addr,
		       uint64_t len, uint64_t seed, struct dt_fault *f)
{
	int ret = (int)rpc(b, p, W_ACCESS, (uint64_t)kind, addr, len, seed, 0);

	if (ret == -EFAULT) {
		f->signo = H(b)->reply.signo;
		f->code = H(b)->reply.code;
		f->addr = H(b)->reply.fault_addr;
	}
	return ret;
}

static int host_fork(struct dt_backend *b, int p, int child)
{
	struct host *h = H(b);
	int64_t ret = rpc(b, p, W_FORK, (uint64_t)child, 0, 0, 0, 0);

	if (ret < 0)
		return (int)ret;
	if (read_reply(h, child, &h->reply) || h->reply.op != W_READY)
		return -EIO;
	h->pid[child] = h->reply.pid;
	return 0;
}

/* The process is gone, or a zombie: its mm has been torn down. */
static bool exited(pid_t pid)
{
	char path[64], buf[512], *paren;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren && (paren[2] == 'Z' || paren[2] == 'X');
}

static int host_exit(struct dt_backend *b, int p)
{
	struct host *h = H(b);
	struct timespec ms = { 0, 1000000 };

	if (send_cmd(h, p, W_EXIT, 0, 0, 0, 0, 0))
		return -EIO;
	for (int i = 0; i < TIMEOUT_MS && !exited(h->pid[p]); i++)
		nanosleep(&ms, NULL);
	if (!exited(h->pid[p]))
		return -EIO;
	if (h->pid[p] == h->root)
		waitpid(h->root, NULL, 0);
	h->pid[p] = 0;
	return 0;
}

/* minflt of /proc/PID/stat: everything, the worker's own warm-up included. */
static long stat_minflt(pid_t pid)
{
	char path[64], buf[1024], *s;
	long v = -1;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	s = strrchr(buf, ')');
	/* ") S ppid pgrp session tty_nr tpgid flags minflt" */
	if (s && sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %ld", &v) != 1)
		v = -1;
	return v;
}

static int host_faults(struct dt_backend *b, int p, unsigned long *min, unsigned long *maj)
{
	/* DIFFTEST_CROSSCHECK=1: the gap between the kernel's count and the
	 * measured windows must stay constant between forks (no noise). */
	if (getenv("DIFFTEST_CROSSCHECK"))
		fprintf(stderr, "crosscheck p%d pid %d: stat minflt - windows = %ld\n", p,
			(int)H(b)->pid[p], stat_minflt(H(b)->pid[p]) - (long)H(b)->minflt[p]);
	*min = H(b)->minflt[p];
	*maj = H(b)->majflt[p];
	return H(b)->pid[p] ? 0 : -ESRCH;
}

/* NUMA policy calls (host_proto.h packs mbind's six arguments into five). */
static int host_set_mempolicy(struct dt_backend *b, int p, int mode, uint64_t w0, int hibit,
			      unsigned long maxnode)
{
	return (int)rpc(b, p, W_SET_MEMPOLICY, (uint64_t)(unsigned)mode, w0, (uint64_t)(int64_t)hibit,
			maxnode, 0);
}

static int host_get_mempolicy(struct dt_backend *b, int p, int *mode, uint64_t *mask, int nwords,
			      unsigned long maxnode, uint64_t addr, unsigned long flags)
{
	int ret = (int)rpc(b, p, W_GET_MEMPOLICY, addr, flags, maxnode, 0, 0);

	*mode = H(b)->reply.signo;
	memcpy(mask, H(b)->reply.vec, (size_t)nwords * sizeof(uint64_t));
	return ret;
}

static int host_mbind(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int mode,
		      uint64_t w0, int hibit, unsigned long maxnode, unsigned int flags)
{
	return (int)rpc(b, p, W_MBIND, addr, len, (uint64_t)(unsigned)mode | (uint64_t)flags << 32,
			w0, (uint64_t)(hibit + 1) | (uint64_t)maxnode << 16);
}

static int host_home_node(struct dt_backend *b, int p, uint64_t addr, uint64_t len,
			  unsigned long node, unsigned long flags)
{
	return (int)rpc(b, p, W_HOME_NODE, addr, len, node, flags, 0);
}

static char *host_proc_text(struct dt_backend *b, int p, const char *file)
{
	char path[64], *buf = NULL;
	size_t len = 0, cap = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)H(b)->pid[p], file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* ---- File mappings (filetests): the worker does the work (host_worker.c) ---- */

static void host_files_remove(struct host *h)
{
	char path[96];

	if (!h->filedir[0])
		return;
	for (int s = 0; s < DT_MAXFILE; s++) {
		snprintf(path, sizeof(path), "%s/dtf%d", h->filedir, s);
		unlink(path);
	}
	rmdir(h->filedir);
	h->filedir[0] = '\0';
}

static int host_file_create(struct dt_backend *b, int p, int slot, uint64_t npages, uint64_t base)
{
	return (int)rpc(b, p, W_FILE_CREATE, (uint64_t)slot, npages, base, 0, 0);
}

static int64_t host_file_mmap(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot,
			      int flags, int slot, uint64_t off)
{
	if (off & (DT_PAGE - 1))
		return -EINVAL;		/* what mmap says; the packing needs it */
	return rpc(b, p, W_FILE_MMAP, addr, len, (uint64_t)prot, (uint64_t)flags,
		   off | (uint64_t)slot);
}

static int host_file_truncate(struct dt_backend *b, int p, int slot, uint64_t len)
{
	return (int)rpc(b, p, W_FILE_TRUNCATE, (uint64_t)slot, len, 0, 0, 0);
}

static int host_file_fadvise(struct dt_backend *b, int p, int slot, uint64_t off, uint64_t len,
			     int advice)
{
	return (int)rpc(b, p, W_FILE_FADVISE, (uint64_t)slot, off, len, (uint64_t)advice, 0);
}

static int host_file_check(struct dt_backend *b, int p, int slot, uint64_t pgoff,
			   uint64_t npages, uint64_t base)
{
	return (int)rpc(b, p, W_FILE_CHECK, (uint64_t)slot, pgoff, npages, base, 0);
}

static int host_file_close(struct dt_backend *b, int p, int slot)
{
	return (int)rpc(b, p, W_FILE_CLOSE, (uint64_t)slot, 0, 0, 0, 0);
}

struct dt_backend *dt_host_backend(const char *worker_path)
{
	static struct host h;
	static struct dt_backend b = {
		.name = "host",
		.begin = host_begin,
		.end = host_end,
		.mmap = host_mmap,
		.munmap = host_munmap,
		.mprotect = host_mprotect,
		.mremap = host_mremap,
		.brk = host_brk,
		.madvise = host_madvise,
		.mlock = host_mlock,
		.mlock2 = host_mlock2,
		.munlock = host_munlock,
		.mlockall = host_mlockall,
		.munlockall = host_munlockall,
		.mincore = host_mincore,
		.access = host_access,
		.fork = host_fork,
		.exit = host_exit,
		.faults = host_faults,
		.proc_text = host_proc_text,
		.set_mempolicy = host_set_mempolicy,
		.get_mempolicy = host_get_mempolicy,
		.mbind = host_mbind,
		.home_node = host_home_node,
		.hugetlb_pool = host_hugetlb_pool,
		.meminfo = host_meminfo,
		.vmstat = host_vmstat,
		/* filetests */
		.file_create = host_file_create,
		.file_mmap = host_file_mmap,
		.file_truncate = host_file_truncate,
		.file_fadvise = host_file_fadvise,
		.file_check = host_file_check,
		.file_close = host_file_close,
	};

	h.worker = worker_path;
	h.saved_nr_hugepages = -1;
	b.priv = &h;
	return &b;
}
