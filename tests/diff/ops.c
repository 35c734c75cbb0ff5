/*
 * ops.c - the backend-independent half of the differential tests: the
 * dt_* operations a sequence calls (each forwards to the backend and logs
 * its outcome), the figures dt_record() derives from /proc text, and the
 * result lists.
 *
 * Both backends hand back the same things (return values, fault counts,
 * the text of /proc/PID/{status,smaps}); every key and every value is
 * formed here, once, so a difference in the output is a difference in the
 * kernels, never in the bookkeeping.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops.h"

/* ---- Result lists ---- */

void dt_result_add(struct dt_result *r, const char *key, const char *value)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->lines = realloc(r->lines, r->cap * sizeof(*r->lines));
		if (!r->lines)
			abort();
	}
	r->lines[r->n].key = strdup(key);
	r->lines[r->n].value = strdup(value);
	r->n++;
	if (r->stream_fd > 0) {
		char line[1600];
		int n = snprintf(line, sizeof(line), "%s\t%s\n", key, value);

		if (n > 0 && write(r->stream_fd, line, (size_t)n < sizeof(line) ?
				   (size_t)n : sizeof(line) - 1) < 0)
			r->stream_fd = -1;
	}
}

const char *dt_result_get(const struct dt_result *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->lines[i].key, key))
			return r->lines[i].value;
	return NULL;
}

void dt_result_free(struct dt_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->lines[i].key);
		free(r->lines[i].value);
	}
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

/* ---- Logging ---- */

void dt_log(struct dt *t, const char *key, const char *fmt, ...)
{
	char value[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	dt_result_add(t->res, key, value);
}

void dt_abort(struct dt *t, const char *why, ...)
{
	char msg[256];
	va_list ap;

	if (t->aborted)
		return;
	va_start(ap, why);
	vsnprintf(msg, sizeof(msg), why, ap);
	va_end(ap);
	dt_log(t, "aborted", "%s", msg);
	t->aborted = true;
}

static const char *errname(long e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" },
		{ EMFILE, "EMFILE" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
		{ ENOSYS, "ENOSYS" }, { EOVERFLOW, "EOVERFLOW" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EHWPOISON, "EHWPOISON" },
	};
	static char buf[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%ld", e);
	return buf;
}

/* "+0x1000", "-0x2000", "+0". */
static const char *rel(uint64_t v, uint64_t base, char *buf, size_t len)
{
	if (v >= base)
		snprintf(buf, len, "+%#" PRIx64, v - base);
	else
		snprintf(buf, len, "-%#" PRIx64, base - v);
	return buf;
}

/* Key "NN.pP.call" for the next operation. */
static const char *opkey(struct dt *t, int p, const char *call, char *buf, size_t len)
{
	snprintf(buf, len, "%02d.p%d.%s", ++t->nops, p, call);
	return buf;
}

static bool usable(struct dt *t, int p)
{
	if (t->aborted)
		return false;
	if (p < 0 || p >= DT_MAXPROC || !t->alive[p]) {
		dt_abort(t, "sequence addresses process %d, which is not alive", p);
		return false;
	}
	return true;
}

/* A plain int result: "0", "3" or "-EINVAL". */
static void log_ret(struct dt *t, int p, const char *call, long ret)
{
	char key[64];

	opkey(t, p, call, key, sizeof(key));
	if (ret < 0)
		dt_log(t, key, "-%s", errname(-ret));
	else
		dt_log(t, key, "%ld", ret);
}

/* An address result, relative to the address asked for (or "ok"). */
static void log_addr(struct dt *t, int p, const char *call, int64_t ret, uint64_t want)
{
	char key[64], buf[40];

	opkey(t, p, call, key, sizeof(key));
	if (ret < 0 && ret > -4096)
		dt_log(t, key, "-%s", errname(-ret));
	else if (!want)
		dt_log(t, key, "ok");
	else if ((uint64_t)ret - want + (1ULL << 30) > (2ULL << 30))
		dt_log(t, key, "elsewhere");	/* hint not taken: placement is layout */
	else
		dt_log(t, key, "addr%s", rel((uint64_t)ret, want, buf, sizeof(buf)));
}

/* ---- System calls ---- */

int64_t dt_mmap_off(struct dt *t, int p, uint64_t addr, uint64_t len, int prot, int flags,
		    uint64_t off)
{
	int64_t ret;

	if (!usable(t, p))
		return -EIO;
	ret = t->b->mmap(t->b, p, addr, len, prot, flags, off);
	log_addr(t, p, "mmap", ret, addr);
	return ret;
}

int64_t dt_mmap(struct dt *t, int p, uint64_t addr, uint64_t len, int prot, int flags)
{
	return dt_mmap_off(t, p, addr, len, prot, flags, 0);
}

#define SIMPLE_CALL(call, ...)						\
	int ret;							\
	if (!usable(t, p))						\
		return -EIO;						\
	ret = t->b->call(t->b, p, __VA_ARGS__);				\
	log_ret(t, p, #call, ret);					\
	return ret

int dt_munmap(struct dt *t, int p, uint64_t addr, uint64_t len)
{
	SIMPLE_CALL(munmap, addr, len);
}

int dt_mprotect(struct dt *t, int p, uint64_t addr, uint64_t len, int prot)
{
	SIMPLE_CALL(mprotect, addr, len, prot);
}

int dt_madvise(struct dt *t, int p, uint64_t addr, uint64_t len, int advice)
{
	SIMPLE_CALL(madvise, addr, len, advice);
}

int dt_mlock(struct dt *t, int p, uint64_t addr, uint64_t len)
{
	SIMPLE_CALL(mlock, addr, len);
}

int dt_mlock2(struct dt *t, int p, uint64_t addr, uint64_t len, int flags)
{
	SIMPLE_CALL(mlock2, addr, len, flags);
}

int dt_munlock(struct dt *t, int p, uint64_t addr, uint64_t len)
{
	SIMPLE_CALL(munlock, addr, len);
}

int dt_mlockall(struct dt *t, int p, int flags)
{
	SIMPLE_CALL(mlockall, flags);
}

int dt_munlockall(struct dt *t, int p)
{
	int ret;

	if (!usable(t, p))
		return -EIO;
	ret = t->b->munlockall(t->b, p);
	log_ret(t, p, "munlockall", ret);
	return ret;
}

/* mremap: FIXED results relative to new_addr; otherwise in place or moved. */
int64_t dt_mremap(struct dt *t, int p, uint64_t addr, uint64_t old_len, uint64_t new_len,
		  int flags, uint64_t new_addr)
{
	char key[64], buf[40];
	int64_t ret;

	if (!usable(t, p))
		return -EIO;
	ret = t->b->mremap(t->b, p, addr, old_len, new_len, flags, new_addr);
	opkey(t, p, "mremap", key, sizeof(key));
	if (ret < 0 && ret > -4096)
		dt_log(t, key, "-%s", errname(-ret));
	else if (flags & 2 /* MREMAP_FIXED */)
		dt_log(t, key, "new%s", rel((uint64_t)ret, new_addr, buf, sizeof(buf)));
	else
		dt_log(t, key, (uint64_t)ret == addr ? "in place" : "moved");
	return ret;
}

/* brk: the break relative to the first brk(0) of the process. */
int64_t dt_brk(struct dt *t, int p, uint64_t addr)
{
	char key[64], buf[40];
	int64_t ret;

	if (!usable(t, p))
		return -EIO;
	ret = t->b->brk(t->b, p, addr);
	if (!t->brk0[p] && ret > 0)
		t->brk0[p] = (uint64_t)ret;
	opkey(t, p, "brk", key, sizeof(key));
	if (ret < 0)
		dt_log(t, key, "-%s", errname(-ret));
	else
		dt_log(t, key, "brk0%s", rel((uint64_t)ret, t->brk0[p], buf, sizeof(buf)));
	return ret;
}

int dt_mincore(struct dt *t, int p, uint64_t addr, uint64_t len)
{
	unsigned char vec[DT_MAXVEC];
	char key[64], s[DT_MAXVEC + 1];
	uint64_t pages = (len + (addr & (DT_PAGE - 1)) + DT_PAGE - 1) / DT_PAGE;
	int ret;

	if (!usable(t, p))
		return -EIO;
	if (pages > DT_MAXVEC) {
		dt_abort(t, "mincore of %" PRIu64 " pages: at most %d", pages, DT_MAXVEC);
		return -EIO;
	}
	memset(vec, 0xee, sizeof(vec));
	ret = t->b->mincore(t->b, p, addr, len, vec);
	opkey(t, p, "mincore", key, sizeof(key));
	if (ret < 0) {
		dt_log(t, key, "-%s", errname(-ret));
		return ret;
	}
	for (uint64_t i = 0; i < pages; i++)
		s[i] = (char)('0' + (vec[i] & 1));
	s[pages] = '\0';
	dt_log(t, key, "%s", pages ? s : "(empty)");
	return ret;
}

/* ---- User accesses ---- */

static const char *signame(int signo)
{
	return signo == 11 ? "SIGSEGV" : signo == 7 ? "SIGBUS" : "SIG?";
}

static const char *codename(int signo, int code)
{
	if (signo == 11)
		return code == 1 ? "MAPERR" : code == 2 ? "ACCERR" : "?";
	if (signo == 7)
		return code == 2 ? "ADRERR" : code == 1 ? "ADRALN" : code == 3 ? "OBJERR" : "?";
	return "?";
}

static int access_op(struct dt *t, int p, const char *call, enum dt_access kind,
		     uint64_t addr, uint64_t len, uint64_t seed, uint64_t first)
{
	uint64_t base = seed ? (seed << 32) | (first + 1) : 0;
	struct dt_fault f = { 0 };
	char key[64], buf[40];
	int ret;

	if (!usable(t, p))
		return -EIO;
	ret = t->b->access(t->b, p, kind, addr, len, base, &f);
	opkey(t, p, call, key, sizeof(key));
	if (ret == -EFAULT && f.signo)
		dt_log(t, key, "%s/%s@%s", signame(f.signo), codename(f.signo, f.code),
		       rel(f.addr, addr, buf, sizeof(buf)));
	else if (ret < 0)
		dt_log(t, key, "-%s", errname(-ret));
	else
		dt_log(t, key, "%d", ret);
	return ret;
}

int dt_touch(struct dt *t, int p, uint64_t addr, uint64_t len, int write)
{
	return access_op(t, p, write ? "touch_w" : "touch_r",
			 write ? DT_TOUCH_WRITE : DT_TOUCH_READ, addr, len, 0, 0);
}

int dt_fill_from(struct dt *t, int p, uint64_t addr, uint64_t len, uint64_t seed,
		 uint64_t first)
{
	return access_op(t, p, "fill", DT_FILL, addr, len, seed, first);
}

int dt_check_from(struct dt *t, int p, uint64_t addr, uint64_t len, uint64_t seed,
		  uint64_t first)
{
	return access_op(t, p, "check", DT_CHECK, addr, len, seed, first);
}

int dt_fill(struct dt *t, int p, uint64_t addr, uint64_t len, uint64_t seed)
{
	return dt_fill_from(t, p, addr, len, seed, 0);
}

int dt_check(struct dt *t, int p, uint64_t addr, uint64_t len, uint64_t seed)
{
	return dt_check_from(t, p, addr, len, seed, 0);
}

/* ---- Processes ---- */

int dt_fork(struct dt *t, int p)
{
	char key[64];
	int child = t->nproc, ret;

	if (!usable(t, p))
		return -EIO;
	if (child >= DT_MAXPROC) {
		dt_abort(t, "more than %d processes", DT_MAXPROC);
		return -EIO;
	}
	ret = t->b->fork(t->b, p, child);
	opkey(t, p, "fork", key, sizeof(key));
	if (ret < 0) {
		dt_log(t, key, "-%s", errname(-ret));
		return ret;
	}
	dt_log(t, key, "p%d", child);
	t->nproc++;
	t->alive[child] = true;
	t->brk0[child] = t->brk0[p];
	dt_baseline_take(t, child);
	return child;
}

int dt_exit(struct dt *t, int p)
{
	int ret;

	if (!usable(t, p))
		return -EIO;
	ret = t->b->exit(t->b, p);
	log_ret(t, p, "exit", ret);
	if (!ret)
		t->alive[p] = false;
	return ret;
}

/* ---- /proc text ---- */

/* Next line of *s (NUL-terminated copy in buf); false at the end. */
static bool next_line(const char **s, char *buf, size_t len)
{
	const char *e;
	size_t n;

	if (!**s)
		return false;
	e = strchr(*s, '\n');
	n = e ? (size_t)(e - *s) : strlen(*s);
	if (n >= len)
		n = len - 1;
	memcpy(buf, *s, n);
	buf[n] = '\0';
	*s = e ? e + 1 : *s + strlen(*s);
	return true;
}

/* A VMA header line of maps/smaps. */
struct vma_line {
	uint64_t start, end, off;
	char perms[8];
	char name[128];
};

static bool parse_vma_line(const char *l, struct vma_line *v)
{
	unsigned long long start, end, off, inode;
	unsigned int maj, min;
	int pos = 0;

	if (sscanf(l, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, v->perms, &off, &maj,
		   &min, &inode, &pos) < 7)
		return false;
	v->start = start;
	v->end = end;
	v->off = off;
	snprintf(v->name, sizeof(v->name), "%s", pos ? l + pos : "");
	/* filetests: a sequence's file is "dtfS" wherever its directory is. */
	if (strstr(v->name, "/dtf"))
		memmove(v->name, strstr(v->name, "/dtf") + 1, strlen(strstr(v->name, "/dtf")));
	return true;
}

/* "Name:   value kB" -> name, "value" (units and runs of blanks dropped). */
static bool parse_field(const char *l, char *name, size_t nlen, char *value, size_t vlen)
{
	const char *colon = strchr(l, ':');
	size_t n, o = 0;

	if (!colon || colon == l || strchr(l, ' ') < colon)
		return false;
	n = (size_t)(colon - l);
	if (n >= nlen)
		n = nlen - 1;
	memcpy(name, l, n);
	name[n] = '\0';
	for (const char *c = colon + 1; *c && o + 1 < vlen; c++) {
		if (*c == ' ' || *c == '\t') {
			if (o && value[o - 1] != ' ')
				value[o++] = ' ';
			continue;
		}
		value[o++] = *c;
	}
	while (o && value[o - 1] == ' ')
		o--;
	value[o] = '\0';
	if (o >= 3 && !strcmp(value + o - 3, " kB"))
		value[o - 3] = '\0';
	return true;
}

static uint64_t stack_bound(struct dt *t, int p, bool end)
{
	char *text, line[512];
	const char *s;
	struct vma_line v;
	uint64_t start = 0;

	if (!usable(t, p))
		return 0;
	text = t->b->proc_text(t->b, p, "maps");
	if (!text) {
		dt_abort(t, "no maps for p%d", p);
		return 0;
	}
	for (s = text; next_line(&s, line, sizeof(line));)
		if (parse_vma_line(line, &v) && !strcmp(v.name, "[stack]"))
			start = end ? v.end : v.start;
	free(text);
	return start;
}

uint64_t dt_stack_start(struct dt *t, int p)
{
	return stack_bound(t, p, false);
}

uint64_t dt_stack_end(struct dt *t, int p)
{
	return stack_bound(t, p, true);
}

/* The current figures of p: faults, status kB lines, VMA count. */
static bool figures(struct dt *t, int p, struct dt_baseline *f, char **smaps)
{
	char *status, line[512], name[64], value[256];
	const char *s;
	struct vma_line v;

	memset(f, 0, sizeof(*f));
	if (t->b->faults(t->b, p, &f->minflt, &f->majflt) < 0)
		return false;
	status = t->b->proc_text(t->b, p, "status");
	*smaps = t->b->proc_text(t->b, p, "smaps");
	if (!status || !*smaps) {
		free(status);
		free(*smaps);
		*smaps = NULL;
		return false;
	}
	for (s = status; next_line(&s, line, sizeof(line));) {
		size_t n = strlen(line);

		if (n < 3 || strcmp(line + n - 3, " kB") || f->nstatus == DT_NSTATUS ||
		    !parse_field(line, name, sizeof(name), value, sizeof(value)))
			continue;
		if (strlen(name) >= sizeof(f->status_key[0]))
			continue;
		memcpy(f->status_key[f->nstatus], name, strlen(name) + 1);
		f->status_kb[f->nstatus++] = strtol(value, NULL, 10);
	}
	for (s = *smaps; next_line(&s, line, sizeof(line));)
		if (parse_vma_line(line, &v))
			f->nvma++;
	free(status);
	return true;
}

void dt_baseline_take(struct dt *t, int p)
{
	char *smaps = NULL;

	if (t->aborted)
		return;
	if (!figures(t, p, &t->base[p], &smaps))
		dt_abort(t, "cannot read the figures of p%d", p);
	free(smaps);
}

static void set_window(struct dt *t, const char *name, uint64_t base, uint64_t len,
		       int bounds_only)
{
	for (int i = 0; i < DT_MAXWIN; i++) {
		struct dt_window *w = &t->win[i];

		if (!w->valid || !strcmp(w->name, name)) {
			snprintf(w->name, sizeof(w->name), "%s", name);
			w->base = base;
			w->len = len;
			w->valid = 1;
			w->bounds_only = bounds_only;
			return;
		}
	}
	dt_abort(t, "more than %d windows", DT_MAXWIN);
}

void dt_window(struct dt *t, const char *name, uint64_t base, uint64_t len)
{
	set_window(t, name, base, len, 0);
}

void dt_window_bounds(struct dt *t, const char *name, uint64_t base, uint64_t len)
{
	set_window(t, name, base, len, 1);
}

/* Every VMA of the smaps text meeting window w, with its fields. */
static void record_window(struct dt *t, const char *prefix, const struct dt_window *w,
			  const char *smaps)
{
	char line[512], key[192], name[64], value[256], b1[40], b2[40];
	bool in = false;
	struct vma_line v;
	const char *s;
	int nvmas = 0;

	for (s = smaps; next_line(&s, line, sizeof(line));) {
		if (parse_vma_line(line, &v)) {
			in = v.start < w->base + w->len && v.end > w->base;
			if (!in)
				continue;
			nvmas++;
			/* Offsets only mean something for file (shmem) mappings. */
			if (v.start < w->base)
				snprintf(b1, sizeof(b1), "<");
			else
				rel(v.start, w->base, b1, sizeof(b1));
			if (v.end > w->base + w->len)
				snprintf(b2, sizeof(b2), ">");
			else
				rel(v.end, w->base, b2, sizeof(b2));
			snprintf(key, sizeof(key), "%s.%s@%s", prefix, w->name, b1);
			dt_log(t, key, "..%s %s off=%#" PRIx64 "%s%s", b2, v.perms,
			       w->bounds_only ? 0 : v.off, v.name[0] ? " " : "", v.name);
			continue;
		}
		if (!in || w->bounds_only ||
		    !parse_field(line, name, sizeof(name), value, sizeof(value)))
			continue;
		if (!strcmp(name, "KernelPageSize") || !strcmp(name, "MMUPageSize") ||
		    !strcmp(name, "Size"))
			continue;	/* Size is in the boundaries already */
		snprintf(key, sizeof(key), "%s.%s@%s.%s", prefix, w->name, b1, name);
		dt_log(t, key, "%s", value);
	}
	snprintf(key, sizeof(key), "%s.%s.vmas", prefix, w->name);
	dt_log(t, key, "%d", nvmas);
}

static void record_proc(struct dt *t, const char *label, int p, unsigned what)
{
	struct dt_baseline now, *was = &t->base[p];
	char prefix[64], key[128], *smaps = NULL;

	if (!figures(t, p, &now, &smaps)) {
		dt_abort(t, "cannot read the figures of p%d", p);
		return;
	}
	snprintf(prefix, sizeof(prefix), "%s.p%d", label, p);
	if (what & REC_FAULTS) {
		snprintf(key, sizeof(key), "%s.minflt", prefix);
		dt_log(t, key, "%ld", (long)(now.minflt - was->minflt));
		snprintf(key, sizeof(key), "%s.majflt", prefix);
		dt_log(t, key, "%ld", (long)(now.majflt - was->majflt));
	}
	if (what & REC_STATUS) {
		for (int i = 0; i < now.nstatus; i++) {
			long before = 0;

			if ((what & REC_NO_PTE) && !strcmp(now.status_key[i], "VmPTE"))
				continue;
			/* The peak of total_vm is the program's history (exec, the
			 * loader), not the sequence's. The peak RSS is worse: Linux
			 * 6.x raises hiwater_rss from the per-CPU-batched RSS
			 * counters (percpu_counter, batch 32), so after RSS falls
			 * VmHWM depends on how many faults the process took before
			 * the sequence began. Neither can be compared exactly. */
			if (!strcmp(now.status_key[i], "VmPeak") ||
			    !strcmp(now.status_key[i], "VmHWM"))
				continue;
			for (int j = 0; j < was->nstatus; j++)
				if (!strcmp(was->status_key[j], now.status_key[i]))
					before = was->status_kb[j];
			snprintf(key, sizeof(key), "%s.status.%s", prefix, now.status_key[i]);
			dt_log(t, key, "%+ld", now.status_kb[i] - before);
		}
	}
	if (what & REC_NVMA) {
		snprintf(key, sizeof(key), "%s.nvma", prefix);
		dt_log(t, key, "%+d", now.nvma - was->nvma);
	}
	if (what & REC_WINDOWS)
		for (int i = 0; i < DT_MAXWIN; i++)
			if (t->win[i].valid)
				record_window(t, prefix, &t->win[i], smaps);
	free(smaps);
	*was = now;
}

void dt_record(struct dt *t, const char *label, unsigned pmask, unsigned what)
{
	for (int p = 0; p < DT_MAXPROC && !t->aborted; p++)
		if ((pmask & P(p)) && t->alive[p])
			record_proc(t, label, p, what);
}

/* ---- hugetlb ---- */

static const char *const htlb_fields[5] = {
	"HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp", "Hugetlb",
};

/* meminfo's hugetlb lines into v; false if the backend cannot tell. */
static bool htlb_figures(struct dt *t, long *v)
{
	char *text = t->b->meminfo ? t->b->meminfo(t->b) : NULL;
	const char *s = text;
	char line[256], name[64], value[64];

	if (!text)
		return false;
	for (int i = 0; i < 5; i++)
		v[i] = 0;
	while (next_line(&s, line, sizeof(line))) {
		if (!parse_field(line, name, sizeof(name), value, sizeof(value)))
			continue;
		for (int i = 0; i < 5; i++)
			if (!strcmp(name, htlb_fields[i]))
				v[i] = strtol(value, NULL, 10);
	}
	free(text);
	return true;
}

int dt_hugetlb_pool(struct dt *t, long n)
{
	char key[64];
	int ret;

	if (t->aborted)
		return -EIO;
	ret = t->b->hugetlb_pool ? t->b->hugetlb_pool(t->b, n) : -ENOSYS;
	snprintf(key, sizeof(key), "%02d.hugetlb_pool", ++t->nops);
	if (ret < 0)
		dt_log(t, key, "-%s", errname(-ret));
	else
		dt_log(t, key, "%d", ret);
	if (!htlb_figures(t, t->htlb_base))
		dt_abort(t, "no meminfo");
	return ret;
}

void dt_hugetlb_record(struct dt *t, const char *label)
{
	long now[5];
	char key[96];

	if (t->aborted)
		return;
	if (!htlb_figures(t, now)) {
		dt_abort(t, "no meminfo");
		return;
	}
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "%s.%s", label, htlb_fields[i]);
		dt_log(t, key, "%+ld", now[i] - t->htlb_base[i]);
		t->htlb_base[i] = now[i];
	}
}

/* ---- THP ---- */

static const char *const thp_fields[5] = {
	"AnonHugePages", "thp_fault_alloc", "thp_split_pmd", "thp_deferred_split_page",
	"thp_split_page",
};

/* One "name value" or "Name:   value kB" line's value from text, or 0. */
static long text_value(const char *text, const char *field)
{
	const char *s = text;
	char line[256], name[64], value[64];

	while (next_line(&s, line, sizeof(line))) {
		char *sp = strchr(line, ' ');

		if (parse_field(line, name, sizeof(name), value, sizeof(value))) {
			if (!strcmp(name, field))
				return strtol(value, NULL, 10);
		} else if (sp && (size_t)(sp - line) == strlen(field) &&
			   !strncmp(line, field, strlen(field))) {
			return strtol(sp + 1, NULL, 10);
		}
	}
	return 0;
}

static bool thp_figures(struct dt *t, long *v)
{
	char *mi = t->b->meminfo ? t->b->meminfo(t->b) : NULL;
	char *vm = t->b->vmstat ? t->b->vmstat(t->b) : NULL;

	if (mi && vm) {
		v[0] = text_value(mi, thp_fields[0]);
		for (int i = 1; i < 5; i++)
			v[i] = text_value(vm, thp_fields[i]);
	}
	free(mi);
	free(vm);
	return mi && vm;
}

void dt_thp_record(struct dt *t, const char *label)
{
	long now[5];
	char key[96];

	if (t->aborted)
		return;
	if (!thp_figures(t, now)) {
		dt_abort(t, "no meminfo or vmstat");
		return;
	}
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "%s.thp.%s", label, thp_fields[i]);
		dt_log(t, key, "%+ld", now[i] - t->thp_base[i]);
		t->thp_base[i] = now[i];
	}
}

/* ---- Running a sequence ---- */

int dt_run(struct dt_backend *b, const struct dt_sequence *s, struct dt_result *r)
{
	struct dt t;
	char err[256] = "";
	int ret;

	memset(&t, 0, sizeof(t));
	t.b = b;
	t.res = r;
	b->seq_options = s->options;	/* THP: per-sequence boot options */
	if (b->begin(b, err, sizeof(err))) {
		dt_abort(&t, "%s backend did not start: %s", b->name, err);
		return -1;
	}
	t.alive[0] = true;
	t.nproc = 1;
	dt_baseline_take(&t, 0);
	if (s->options)	/* THP: the machine-wide figures dt_thp_record compares against */
		t.thp_base_taken = thp_figures(&t, t.thp_base);
	s->run(&t);
	if (!t.aborted && b->check && (ret = b->check(b)))
		dt_log(&t, "check", "%d problems", ret);
	b->end(b);
	return t.aborted ? -1 : 0;
}

/* ---- NUMA policy calls ---- */

int dt_set_mempolicy(struct dt *t, int p, int mode, uint64_t w0, int hibit,
		     unsigned long maxnode)
{
	SIMPLE_CALL(set_mempolicy, mode, w0, hibit, maxnode);
}

int dt_mbind(struct dt *t, int p, uint64_t addr, uint64_t len, int mode, uint64_t w0,
	     int hibit, unsigned long maxnode, unsigned int flags)
{
	SIMPLE_CALL(mbind, addr, len, mode, w0, hibit, maxnode, flags);
}

int dt_home_node(struct dt *t, int p, uint64_t addr, uint64_t len, unsigned long node,
		 unsigned long flags)
{
	SIMPLE_CALL(home_node, addr, len, node, flags);
}

int dt_get_mempolicy(struct dt *t, int p, unsigned long maxnode, uint64_t addr,
		     unsigned long flags)
{
	uint64_t mask[16];
	bool more = false;
	char key[64];
	int mode = -1, ret;

	if (!usable(t, p))
		return -EIO;
	memset(mask, 0, sizeof(mask));
	ret = t->b->get_mempolicy(t->b, p, &mode, mask, 16, maxnode, addr, flags);
	opkey(t, p, "get_mempolicy", key, sizeof(key));
	for (int i = 1; i < 16; i++)
		more |= mask[i] != 0;
	if (ret < 0)
		dt_log(t, key, "-%s", errname(-ret));
	else
		dt_log(t, key, "%d mode=%#x mask=%#" PRIx64 "%s", ret, (unsigned)mode, mask[0],
		       more ? "+" : "");
	return ret;
}

/* The numa_maps lines of the VMAs starting inside window name, relative to its base. */
void dt_numa_maps(struct dt *t, int p, const char *name)
{
	const struct dt_window *w = NULL;
	char *text, *save = NULL, key[64];
	int n = 0;

	if (!usable(t, p))
		return;
	for (int i = 0; i < DT_MAXWIN; i++)
		if (t->win[i].valid && !strcmp(t->win[i].name, name))
			w = &t->win[i];
	if (!w) {
		dt_abort(t, "numa_maps of an undeclared window %s", name);
		return;
	}
	text = t->b->proc_text(t->b, p, "numa_maps");
	if (!text) {
		dt_abort(t, "no numa_maps for p%d", p);
		return;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *rest;
		uint64_t start = strtoull(line, &rest, 16), base = w->base;

		if (start < base || start >= base + w->len)
			continue;
		snprintf(key, sizeof(key), "%02d.p%d.numa_maps.%s@+%#" PRIx64, ++t->nops, p, name,
			 start - base);
		dt_log(t, key, "%s", rest + (*rest == ' '));
		n++;
	}
	free(text);
	if (!n) {
		snprintf(key, sizeof(key), "%02d.p%d.numa_maps.%s", ++t->nops, p, name);
		dt_log(t, key, "none");
	}
}

/* ---- File mappings (filetests) ---- */

static bool file_usable(struct dt *t, int p, int slot)
{
	if (!usable(t, p))
		return false;
	if (slot < 0 || slot >= DT_MAXFILE || !t->b->file_create) {
		dt_abort(t, "file slot %d: no such slot (or no file support)", slot);
		return false;
	}
	return true;
}

static uint64_t pattern_base(uint64_t seed, uint64_t first)
{
	return seed ? (seed << 32) | (first + 1) : 0;
}

int dt_file_create(struct dt *t, int p, int slot, uint64_t npages, uint64_t seed)
{
	char call[32];
	int ret;

	if (!file_usable(t, p, slot))
		return -EIO;
	ret = t->b->file_create(t->b, p, slot, npages, pattern_base(seed, 0));
	snprintf(call, sizeof(call), "file_create.f%d", slot);
	log_ret(t, p, call, ret);
	return ret;
}

int64_t dt_mmap_file(struct dt *t, int p, uint64_t addr, uint64_t len, int prot, int flags,
		     int slot, uint64_t off)
{
	int64_t ret;

	if (!file_usable(t, p, slot))
		return -EIO;
	ret = t->b->file_mmap(t->b, p, addr, len, prot, flags, slot, off);
	log_addr(t, p, "mmap_file", ret, addr);
	return ret;
}

int dt_file_truncate(struct dt *t, int p, int slot, uint64_t len)
{
	int ret;

	if (!file_usable(t, p, slot))
		return -EIO;
	ret = t->b->file_truncate(t->b, p, slot, len);
	log_ret(t, p, "ftruncate", ret);
	return ret;
}

int dt_file_fadvise(struct dt *t, int p, int slot, uint64_t off, uint64_t len, int advice)
{
	int ret;

	if (!file_usable(t, p, slot))
		return -EIO;
	ret = t->b->file_fadvise(t->b, p, slot, off, len, advice);
	log_ret(t, p, "fadvise", ret);
	return ret;
}

int dt_file_check(struct dt *t, int p, int slot, uint64_t pgoff, uint64_t npages,
		  uint64_t seed, uint64_t first)
{
	int ret;

	if (!file_usable(t, p, slot))
		return -EIO;
	ret = t->b->file_check(t->b, p, slot, pgoff, npages, pattern_base(seed, first));
	log_ret(t, p, "file_check", ret);
	return ret;
}

int dt_file_close(struct dt *t, int p, int slot)
{
	int ret;

	if (!file_usable(t, p, slot))
		return -EIO;
	ret = t->b->file_close(t->b, p, slot);
	log_ret(t, p, "close", ret);
	return ret;
}
