/*
 * backend_mmsim.c - the differential tests' mmsim backend: every call goes
 * through the public C API (mmsim/mmsim.h) and nothing else, as a user's
 * program would drive the simulator.
 *
 * Each sequence gets a freshly booted machine with the options given to
 * dt_mmsim_backend() (difftest's default mimics the host: zero_page=0,
 * thp=never) and one spawned process as index 0; fork adds pids.
 *
 * Invariant: the machine is shut down by end(), whatever the sequence did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmsim/mmsim.h"
#include "ops.h"

struct sim {
	const char *options;
	mmsim_machine *m;
	int pid[DT_MAXPROC];
	int fd[DT_MAXFILE];	/* filetests: the descriptor of each file slot */
};

static struct sim *S(struct dt_backend *b)
{
	return b->priv;
}

static int pid_of(struct dt_backend *b, int p)
{
	return S(b)->pid[p];
}

/* "key=value key=value" into cfg. */
static int configure(mmsim_config *cfg, const char *options, char *err, size_t errlen)
{
	char *copy = strdup(options), *save = NULL;
	int ret = 0;

	for (char *tok = strtok_r(copy, " ", &save); tok && !ret;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			snprintf(err, errlen, "option '%s' is not key=value", tok);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = mmsim_config_set(cfg, tok, eq + 1, err, errlen);
	}
	free(copy);
	return ret;
}

static int sim_begin(struct dt_backend *b, char *err, size_t errlen)
{
	struct sim *s = S(b);
	mmsim_config *cfg = mmsim_config_new();
	int pid;

	memset(s->pid, 0, sizeof(s->pid));
	memset(s->fd, -1, sizeof(s->fd));
	if (!cfg || configure(cfg, s->options, err, errlen) ||
	    (b->seq_options && configure(cfg, b->seq_options, err, errlen))) {
		mmsim_config_free(cfg);
		return -1;
	}
	s->m = mmsim_boot(cfg, err, errlen);
	mmsim_config_free(cfg);
	if (!s->m)
		return -1;
	pid = mmsim_spawn(s->m, "difftest");
	if (pid < 0) {
		snprintf(err, errlen, "mmsim_spawn: %s", strerror(-pid));
		mmsim_shutdown(s->m);
		s->m = NULL;
		return -1;
	}
	s->pid[0] = pid;
	return 0;
}

static void sim_end(struct dt_backend *b)
{
	if (S(b)->m)
		mmsim_shutdown(S(b)->m);
	S(b)->m = NULL;
}

static int64_t sim_mmap(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot,
			int flags, uint64_t off)
{
	return mmsim_mmap(S(b)->m, pid_of(b, p), addr, len, prot, flags, -1, off);
}

static int sim_munmap(struct dt_backend *b, int p, uint64_t addr, uint64_t len)
{
	return mmsim_munmap(S(b)->m, pid_of(b, p), addr, len);
}

static int sim_mprotect(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot)
{
	return mmsim_mprotect(S(b)->m, pid_of(b, p), addr, len, prot);
}

static int64_t sim_mremap(struct dt_backend *b, int p, uint64_t addr, uint64_t old_len,
			  uint64_t new_len, int flags, uint64_t new_addr)
{
	return mmsim_mremap(S(b)->m, pid_of(b, p), addr, old_len, new_len, flags, new_addr);
}

static int64_t sim_brk(struct dt_backend *b, int p, uint64_t addr)
{
	return mmsim_brk(S(b)->m, pid_of(b, p), addr);
}

static int sim_madvise(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int advice)
{
	return mmsim_madvise(S(b)->m, pid_of(b, p), addr, len, advice);
}

static int sim_mlock(struct dt_backend *b, int p, uint64_t addr, uint64_t len)
{
	return mmsim_mlock(S(b)->m, pid_of(b, p), addr, len);
}

static int sim_mlock2(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int flags)
{
	return mmsim_mlock2(S(b)->m, pid_of(b, p), addr, len, flags);
}

static int sim_munlock(struct dt_backend *b, int p, uint64_t addr, uint64_t len)
{
	return mmsim_munlock(S(b)->m, pid_of(b, p), addr, len);
}

static int sim_mlockall(struct dt_backend *b, int p, int flags)
{
	return mmsim_mlockall(S(b)->m, pid_of(b, p), flags);
}

static int sim_munlockall(struct dt_backend *b, int p)
{
	return mmsim_munlockall(S(b)->m, pid_of(b, p));
}

static int sim_mincore(struct dt_backend *b, int p, uint64_t addr, uint64_t len,
		       unsigned char *vec)
{
	return mmsim_mincore(S(b)->m, pid_of(b, p), addr, len, vec);
}

/* NUMA: the same masks the host worker builds. */
#define MASK_WORDS 640
static unsigned long *node_mask(unsigned long *buf, uint64_t w0, int hibit, unsigned long maxnode)
{
	if (!maxnode)
		return NULL;
	memset(buf, 0, MASK_WORDS * sizeof(*buf));
	buf[0] = w0;
	if (hibit >= 0 && hibit < MASK_WORDS * 64)
		buf[hibit / 64] |= 1UL << (hibit % 64);
	return buf;
}

static int sim_set_mempolicy(struct dt_backend *b, int p, int mode, uint64_t w0, int hibit,
			     unsigned long maxnode)
{
	unsigned long buf[MASK_WORDS];

	return mmsim_set_mempolicy(S(b)->m, pid_of(b, p), mode, node_mask(buf, w0, hibit, maxnode),
				   maxnode);
}

static int sim_get_mempolicy(struct dt_backend *b, int p, int *mode, uint64_t *mask, int nwords,
			     unsigned long maxnode, uint64_t addr, unsigned long flags)
{
	unsigned long buf[MASK_WORDS] = { 0 };
	int ret = mmsim_get_mempolicy(S(b)->m, pid_of(b, p), mode, maxnode ? buf : NULL, maxnode,
				      addr, flags);

	memcpy(mask, buf, (size_t)nwords * sizeof(uint64_t));
	return ret;
}

static int sim_mbind(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int mode,
		     uint64_t w0, int hibit, unsigned long maxnode, unsigned int flags)
{
	unsigned long buf[MASK_WORDS];

	return mmsim_mbind(S(b)->m, pid_of(b, p), addr, len, mode,
			   node_mask(buf, w0, hibit, maxnode), maxnode, flags);
}

static int sim_home_node(struct dt_backend *b, int p, uint64_t addr, uint64_t len,
			 unsigned long node, unsigned long flags)
{
	return mmsim_set_mempolicy_home_node(S(b)->m, pid_of(b, p), addr, len, node, flags);
}

/* One access per page, as the host worker does; stops at the first fault. */
static int sim_access(struct dt_backend *b, int p, enum dt_access kind, uint64_t addr,
		      uint64_t len, uint64_t seed, struct dt_fault *f)
{
	mmsim_machine *m = S(b)->m;
	int pid = pid_of(b, p), bad = 0;
	struct mmsim_fault mf = { 0 };

	if (kind == DT_TOUCH_READ || kind == DT_TOUCH_WRITE) {
		int ret = mmsim_touch(m, pid, addr, len, kind == DT_TOUCH_WRITE, &mf);

		if (ret == -EFAULT) {
			f->signo = mf.signo;
			f->code = mf.code;
			f->addr = mf.addr;
		}
		return ret;
	}
	for (uint64_t i = 0; i * DT_PAGE < len; i++) {
		uint64_t a = addr + i * DT_PAGE, word = dt_pattern(seed, i);
		int ret = kind == DT_FILL ? mmsim_write(m, pid, a, &word, sizeof(word), &mf)
					  : mmsim_read(m, pid, a, &word, sizeof(word), &mf);

		if (ret == -EFAULT) {
			f->signo = mf.signo;
			f->code = mf.code;
			f->addr = mf.addr;
			return ret;
		}
		if (ret < 0)
			return ret;
		if (kind == DT_CHECK)
			bad += word != dt_pattern(seed, i);
	}
	return bad;
}

static int sim_fork(struct dt_backend *b, int p, int child)
{
	int pid = mmsim_fork(S(b)->m, pid_of(b, p));

	if (pid < 0)
		return pid;
	S(b)->pid[child] = pid;
	return 0;
}

static int sim_exit(struct dt_backend *b, int p)
{
	int ret = mmsim_exit(S(b)->m, pid_of(b, p), 0);

	if (!ret)
		S(b)->pid[p] = 0;
	return ret;
}

static int sim_faults(struct dt_backend *b, int p, unsigned long *min, unsigned long *maj)
{
	struct mmsim_task_info info;
	int ret = mmsim_task_info(S(b)->m, pid_of(b, p), &info);

	if (ret < 0)
		return ret;
	*min = info.min_flt;
	*maj = info.maj_flt;
	return 0;
}

static char *sim_proc_text(struct dt_backend *b, int p, const char *file)
{
	char path[64];
	size_t len;

	snprintf(path, sizeof(path), "%d/%s", pid_of(b, p), file);
	return mmsim_proc_read(S(b)->m, path, &len);
}

/* hugetlb: vm.nr_hugepages, as the host backend sets its pool. */
static char *sim_meminfo(struct dt_backend *b)
{
	return mmsim_proc_read(S(b)->m, "meminfo", NULL);
}

static int sim_hugetlb_pool(struct dt_backend *b, long n)
{
	char *mi = sim_meminfo(b), *p = mi ? strstr(mi, "HugePages_Rsvd:") : NULL;
	long rsvd = p ? strtol(p + 15, NULL, 10) : 0;
	char v[32];

	free(mi);
	snprintf(v, sizeof(v), "%ld", n + rsvd);
	return mmsim_sysctl_set(S(b)->m, "vm.nr_hugepages", v, NULL, 0);
}

/* THP: the machine-wide counters. */
static char *sim_vmstat(struct dt_backend *b)
{
	return mmsim_proc_read(S(b)->m, "vmstat", NULL);
}

static int sim_check(struct dt_backend *b)
{
	return mmsim_check(S(b)->m);
}

/* ---- File mappings (filetests): the file of slot s is /dtfS on the machine's disk ---- */

static int sim_file_create(struct dt_backend *b, int p, int slot, uint64_t npages, uint64_t base)
{
	mmsim_machine *m = S(b)->m;
	int pid = pid_of(b, p), fd, ret = 0;
	char path[32];
	static unsigned char page[DT_PAGE];

	snprintf(path, sizeof(path), "/dtf%d", slot);
	fd = mmsim_open(m, pid, path, MMSIM_O_RDWR | MMSIM_O_CREAT | MMSIM_O_TRUNC, 0600);
	if (fd < 0)
		return fd;
	for (uint64_t i = 0; i < npages && !ret; i++) {
		uint64_t word = dt_pattern(base, i);
		int64_t n;

		memset(page, 0, sizeof(page));
		memcpy(page, &word, sizeof(word));
		n = mmsim_file_write(m, pid, fd, page, sizeof(page));
		ret = n < 0 ? (int)n : n != (int64_t)sizeof(page) ? -EIO : 0;
	}
	if (!ret)
		ret = mmsim_fsync(m, pid, fd);
	if (!ret)
		ret = mmsim_fadvise(m, pid, fd, 0, 0, MMSIM_POSIX_FADV_DONTNEED);
	if (ret) {
		mmsim_close(m, pid, fd);
		return ret;
	}
	S(b)->fd[slot] = fd;
	return 0;
}

static int64_t sim_file_mmap(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot,
			     int flags, int slot, uint64_t off)
{
	return mmsim_mmap(S(b)->m, pid_of(b, p), addr, len, prot, flags, S(b)->fd[slot], off);
}

static int sim_file_truncate(struct dt_backend *b, int p, int slot, uint64_t len)
{
	return mmsim_ftruncate(S(b)->m, pid_of(b, p), S(b)->fd[slot], (int64_t)len);
}

static int sim_file_fadvise(struct dt_backend *b, int p, int slot, uint64_t off, uint64_t len,
			    int advice)
{
	return mmsim_fadvise(S(b)->m, pid_of(b, p), S(b)->fd[slot], (int64_t)off, (int64_t)len,
			     advice);
}

static int sim_file_check(struct dt_backend *b, int p, int slot, uint64_t pgoff, uint64_t npages,
			  uint64_t base)
{
	int bad = 0;

	for (uint64_t i = 0; i < npages; i++) {
		uint64_t word = 0;
		int64_t n = mmsim_pread(S(b)->m, pid_of(b, p), S(b)->fd[slot], &word, sizeof(word),
					(int64_t)((pgoff + i) * DT_PAGE));

		if (n < 0)
			return (int)n;
		bad += word != dt_pattern(base, i);
	}
	return bad;
}

static int sim_file_close(struct dt_backend *b, int p, int slot)
{
	return mmsim_close(S(b)->m, pid_of(b, p), S(b)->fd[slot]);
}

struct dt_backend *dt_mmsim_backend(const char *options)
{
	static struct sim s;
	static struct dt_backend b = {
		.name = "mmsim",
		.begin = sim_begin,
		.end = sim_end,
		.mmap = sim_mmap,
		.munmap = sim_munmap,
		.mprotect = sim_mprotect,
		.mremap = sim_mremap,
		.brk = sim_brk,
		.madvise = sim_madvise,
		.mlock = sim_mlock,
		.mlock2 = sim_mlock2,
		.munlock = sim_munlock,
		.mlockall = sim_mlockall,
		.munlockall = sim_munlockall,
		.mincore = sim_mincore,
		.access = sim_access,
		.fork = sim_fork,
		.exit = sim_exit,
		.faults = sim_faults,
		.proc_text = sim_proc_text,
		.check = sim_check,
		.set_mempolicy = sim_set_mempolicy,
		.get_mempolicy = sim_get_mempolicy,
		.mbind = sim_mbind,
		.home_node = sim_home_node,
		.hugetlb_pool = sim_hugetlb_pool,
		.meminfo = sim_meminfo,
		.vmstat = sim_vmstat,
		/* filetests */
		.file_create = sim_file_create,
		.file_mmap = sim_file_mmap,
		.file_truncate = sim_file_truncate,
		.file_fadvise = sim_file_fadvise,
		.file_check = sim_file_check,
		.file_close = sim_file_close,
	};

	s.options = options;
	b.priv = &s;
	return &b;
}
