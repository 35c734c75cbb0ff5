/*
 * ops.h - differential tests: one description of each operation sequence,
 * run by two backends (the host's real kernel, mmsim through its public C
 * API), whose figures are compared exactly.
 *
 * A sequence (sequences.c) is a C function that calls the dt_* operations
 * below. Processes are named by index: 0 is the first process, dt_fork()
 * returns the next free index; the rest of the sequence may address either
 * side. Every operation logs its outcome (ok / -errno / a signal) as one
 * "key = value" line; dt_record() logs the figures of the chosen processes:
 *
 *   minflt/majflt    faults taken since the process's previous record (or
 *                    its start: spawn, or its return from fork)
 *   status.NAME      change of every "kB" line of /proc/PID/status since then
 *   nvma             change of the VMA count (lines of /proc/PID/maps)
 *   WIN@+OFF         every VMA meeting a window the sequence declared with
 *                    dt_window(): its boundaries relative to the window's
 *                    base, its permissions, offset and name, and each smaps
 *                    field of it (Rss, Pss, Private_Dirty, ..., VmFlags)
 *
 * Everything is relative (deltas, offsets from a base), so the host's own
 * program image, libraries and address-space layout do not enter the
 * figures, while VMA splits/merges, faults and RSS do.
 *
 * Invariants: the backend executes exactly the calls the sequence makes, in
 * order, and reports what the kernel returned; all interpretation (keys,
 * deltas, parsing of /proc text) is here and in ops.c, shared by both
 * backends, so the two sides cannot drift apart.
 */
#ifndef MMSIM_DIFF_OPS_H
#define MMSIM_DIFF_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_PAGE		4096ULL
#define DT_MAXPROC	6		/* processes per sequence */
#define DT_MAXWIN	6		/* windows per sequence */
#define DT_MAXVEC	1024		/* pages per mincore call */

/*
 * Where sequences put their mappings: far from the program, the libraries,
 * the heap and the stack of both the host process and the simulated one,
 * 1 GiB aligned, so the page-table pages a mapping costs (VmPTE) are the
 * same on both sides: a fresh PUD, PMD and PTE page for the first mapping.
 */
#define DT_ARENA	0x200000000000ULL

/* User-access kinds (one access per page of the range). */
enum dt_access {
	DT_TOUCH_READ,		/* read one byte */
	DT_TOUCH_WRITE,		/* a store that leaves the byte as it is */
	DT_FILL,		/* store the pattern word (seed, page index) */
	DT_CHECK,		/* load the word, count pages not matching */
};

/* What a failed access would have delivered. */
struct dt_fault {
	int signo, code;
	uint64_t addr;
};

/*
 * A backend: how calls reach a kernel. Process arguments are indexes; the
 * backend maps them to pids. Calls return what the system call returns
 * (>= 0 or -errno). proc_text returns a malloc'd /proc/PID/FILE text
 * ("status", "smaps", "maps") or NULL.
 */
struct dt_backend {
	const char *name;
	void *priv;
	int (*begin)(struct dt_backend *b, char *err, size_t errlen);
	void (*end)(struct dt_backend *b);
	int64_t (*mmap)(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot,
			int flags, uint64_t off);
	int (*munmap)(struct dt_backend *b, int p, uint64_t addr, uint64_t len);
	int (*mprotect)(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot);
	int64_t (*mremap)(struct dt_backend *b, int p, uint64_t addr, uint64_t old_len,
			  uint64_t new_len, int flags, uint64_t new_addr);
	int64_t (*brk)(struct dt_backend *b, int p, uint64_t addr);
	int (*madvise)(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int advice);
	int (*mlock)(struct dt_backend *b, int p, uint64_t addr, uint64_t len);
	int (*mlock2)(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int flags);
	int (*munlock)(struct dt_backend *b, int p, uint64_t addr, uint64_t len);
	int (*mlockall)(struct dt_backend *b, int p, int flags);
	int (*munlockall)(struct dt_backend *b, int p);
	int (*mincore)(struct dt_backend *b, int p, uint64_t addr, uint64_t len,
		       unsigned char *vec);
	/* >= 0 (DT_CHECK: mismatching pages), or -EFAULT with *f filled. */
	int (*access)(struct dt_backend *b, int p, enum dt_access kind, uint64_t addr,
		      uint64_t len, uint64_t base, struct dt_fault *f);
	/* fork(2) of process p; the child gets index child. 0 or -errno. */
	int (*fork)(struct dt_backend *b, int p, int child);
	int (*exit)(struct dt_backend *b, int p);
	int (*faults)(struct dt_backend *b, int p, unsigned long *min, unsigned long *maj);
	char *(*proc_text)(struct dt_backend *b, int p, const char *file);
	/* Invariant validators (mmsim_check); 0 when consistent. */
	int (*check)(struct dt_backend *b);
	/*
	 * NUMA policy calls. A node mask is its first word w0 plus at most one
	 * high bit (hibit, -1: none), spread over the words maxnode needs
	 * (maxnode 0: a NULL mask). get_mempolicy's mask: its first words.
	 */
	int (*set_mempolicy)(struct dt_backend *b, int p, int mode, uint64_t w0, int hibit,
			     unsigned long maxnode);
	int (*get_mempolicy)(struct dt_backend *b, int p, int *mode, uint64_t *mask, int nwords,
			     unsigned long maxnode, uint64_t addr, unsigned long flags);
	int (*mbind)(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int mode,
		     uint64_t w0, int hibit, unsigned long maxnode, unsigned int flags);
	int (*home_node)(struct dt_backend *b, int p, uint64_t addr, uint64_t len,
			 unsigned long node, unsigned long flags);
	/*
	 * hugetlb: make n 2 MiB pages free for new reservations (the pool gets
	 * n plus what is reserved already, so reservations the host leaked
	 * earlier do not count); end() puts the host's pool back. 0 or -errno.
	 */
	int (*hugetlb_pool)(struct dt_backend *b, long n);
	/* hugetlb: the machine-wide /proc/meminfo text (malloc'd) or NULL. */
	char *(*meminfo)(struct dt_backend *b);
	/*
	 * THP: the sequence's own boot options (dt_sequence.options), set by
	 * dt_run before begin(): mmsim boots with them after its defaults; the
	 * host leaves THP on for the workers when they say thp=madvise (the
	 * host's system-wide mode). The machine-wide /proc/vmstat text.
	 */
	const char *seq_options;
	char *(*vmstat)(struct dt_backend *b);
	/*
	 * File mappings (filetests). A sequence has DT_MAXFILE file slots; slot
	 * s is the regular file "dtfS" (host: in a fresh temp directory per
	 * sequence; mmsim: "/dtfS" on the machine's disk), open O_RDWR in the
	 * process that created it under one descriptor number that fork
	 * copies, so every process of the sequence names it by its slot.
	 * file_create: create (or truncate) it, write npages pages with 4 KiB
	 * write(2)s (page i: the word dt_pattern(base, i), then zeros), fsync,
	 * and POSIX_FADV_DONTNEED the whole file: the page cache starts empty.
	 * file_check: pread the first word of npages pages from page pgoff and
	 * count those differing from dt_pattern(base, i). All: >= 0 or -errno.
	 */
	int (*file_create)(struct dt_backend *b, int p, int slot, uint64_t npages, uint64_t base);
	int64_t (*file_mmap)(struct dt_backend *b, int p, uint64_t addr, uint64_t len, int prot,
			     int flags, int slot, uint64_t off);
	int (*file_truncate)(struct dt_backend *b, int p, int slot, uint64_t len);
	int (*file_fadvise)(struct dt_backend *b, int p, int slot, uint64_t off, uint64_t len,
			    int advice);
	int (*file_check)(struct dt_backend *b, int p, int slot, uint64_t pgoff, uint64_t npages,
			  uint64_t base);
	int (*file_close)(struct dt_backend *b, int p, int slot);
};

/*
 * The word DT_FILL stores in (and DT_CHECK expects of) page i of a call
 * whose pattern base is base: base + i, or 0 for base 0 (memory never
 * written reads as zeros). dt_fill/dt_check make base from a seed and the
 * index of the call's first page, so a range can be checked piecewise.
 */
static inline uint64_t dt_pattern(uint64_t base, uint64_t i)
{
	return base ? base + i : 0;
}

/* ---- Results: ordered "key = value" lines of one sequence ---- */

struct dt_line {
	char *key, *value;
};
struct dt_result {
	struct dt_line *lines;
	size_t n, cap;
	int stream_fd;		/* > 0: each line is also written there at once,
				   so a crash loses nothing logged before it */
};
void dt_result_add(struct dt_result *r, const char *key, const char *value);
const char *dt_result_get(const struct dt_result *r, const char *key);
void dt_result_free(struct dt_result *r);

/* ---- The sequence context ---- */

/* What dt_record() logs. */
enum {
	REC_FAULTS = 1 << 0,
	REC_STATUS = 1 << 1,
	REC_NVMA = 1 << 2,
	REC_WINDOWS = 1 << 3,
	REC_NO_PTE = 1 << 4,	/* leave out VmPTE (placement-dependent) */
	REC_ALL = REC_FAULTS | REC_STATUS | REC_NVMA | REC_WINDOWS,
};

#define DT_NSTATUS 24

struct dt_baseline {
	unsigned long minflt, majflt;
	int nvma;
	int nstatus;
	char status_key[DT_NSTATUS][16];
	long status_kb[DT_NSTATUS];
};

struct dt_window {
	char name[8];
	int valid;
	int bounds_only;	/* no smaps fields: a VMA only partly ours */
	uint64_t base, len;
};

struct dt {
	struct dt_backend *b;
	struct dt_result *res;
	int nops;
	int nproc;			/* indexes handed out so far */
	bool alive[DT_MAXPROC];
	struct dt_baseline base[DT_MAXPROC];
	uint64_t brk0[DT_MAXPROC];	/* first brk(0) seen, base for brk results */
	struct dt_window win[DT_MAXWIN];
	bool aborted;			/* backend broke; later calls are skipped */
	/* hugetlb: meminfo's HugePages_Total/Free/Rsvd/Surp and Hugetlb at the last record */
	long htlb_base[5];
	/* THP: dt_thp_record's figures at the last record (thp_base_taken: once read) */
	long thp_base[5];
	bool thp_base_taken;
};

/* Log "key = value" (printf-style value). */
void dt_log(struct dt *t, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Stop the sequence: the backend failed in a way the kernel would not. */
void dt_abort(struct dt *t, const char *why, ...) __attribute__((format(printf, 2, 3)));

/* System calls; each logs its result. */
int64_t dt_mmap(struct dt *t, int p, uint64_t addr, uint64_t len, int prot, int flags);
int64_t dt_mmap_off(struct dt *t, int p, uint64_t addr, uint64_t len, int prot, int flags,
		    uint64_t off);
int dt_munmap(struct dt *t, int p, uint64_t addr, uint64_t len);
int dt_mprotect(struct dt *t, int p, uint64_t addr, uint64_t len, int prot);
int64_t dt_mremap(struct dt *t, int p, uint64_t addr, uint64_t old_len, uint64_t new_len,
		  int flags, uint64_t new_addr);
int64_t dt_brk(struct dt *t, int p, uint64_t addr);
int dt_madvise(struct dt *t, int p, uint64_t addr, uint64_t len, int advice);
int dt_mlock(struct dt *t, int p, uint64_t addr, uint64_t len);
int dt_mlock2(struct dt *t, int p, uint64_t addr, uint64_t len, int flags);
int dt_munlock(struct dt *t, int p, uint64_t addr, uint64_t len);
int dt_mlockall(struct dt *t, int p, int flags);
int dt_munlockall(struct dt *t, int p);
/* Logs the vector as '0'/'1' per page. */
int dt_mincore(struct dt *t, int p, uint64_t addr, uint64_t len);

/*
 * User accesses; log 0, the mismatch count, or "SIGSEGV/ACCERR@+OFF".
 * Seed 0 stands for zeros; the _from forms say which page index of the
 * seed's pattern the range starts at.
 */
int dt_touch(struct dt *t, int p, uint64_t addr, uint64_t len, int write);
int dt_fill(struct dt *t, int p, uint64_t addr, uint64_t len, uint64_t seed);
int dt_check(struct dt *t, int p, uint64_t addr, uint64_t len, uint64_t seed);
int dt_fill_from(struct dt *t, int p, uint64_t addr, uint64_t len, uint64_t seed,
		 uint64_t first);
int dt_check_from(struct dt *t, int p, uint64_t addr, uint64_t len, uint64_t seed,
		  uint64_t first);

/*
 * NUMA policy calls (mempolicy(2)): mask as w0 and hibit, see dt_backend.
 * dt_get_mempolicy logs "ret mode=0x.. mask=0x.." (mask: the first word,
 * and "+" if a later word is not zero); dt_numa_maps logs the numa_maps
 * line of every VMA meeting window name, relative to its base.
 */
int dt_set_mempolicy(struct dt *t, int p, int mode, uint64_t w0, int hibit,
		     unsigned long maxnode);
int dt_get_mempolicy(struct dt *t, int p, unsigned long maxnode, uint64_t addr,
		     unsigned long flags);
int dt_mbind(struct dt *t, int p, uint64_t addr, uint64_t len, int mode, uint64_t w0,
	     int hibit, unsigned long maxnode, unsigned int flags);
int dt_home_node(struct dt *t, int p, uint64_t addr, uint64_t len, unsigned long node,
		 unsigned long flags);
void dt_numa_maps(struct dt *t, int p, const char *name);

/* Processes. dt_fork returns the child's index (its baseline starts now). */
int dt_fork(struct dt *t, int p);
int dt_exit(struct dt *t, int p);

/* The start and the end of process p's [stack] VMA (0 if none). */
uint64_t dt_stack_start(struct dt *t, int p);
uint64_t dt_stack_end(struct dt *t, int p);

/*
 * Declare window name = [base, base + len) for dt_record(): VMAs meeting it
 * are logged relative to base (a boundary outside the window as "<" or
 * ">"). The _bounds form logs no smaps fields (for a VMA such as [stack]
 * whose contents are not all the sequence's).
 */
void dt_window(struct dt *t, const char *name, uint64_t base, uint64_t len);
void dt_window_bounds(struct dt *t, const char *name, uint64_t base, uint64_t len);
/* Log the figures (REC_*) of every live process whose bit is in pmask. */
void dt_record(struct dt *t, const char *label, unsigned pmask, unsigned what);
#define P(i) (1u << (i))

/* Baseline of a process as it is now (at start, after fork, or after a
 * sequence's setup that evens out the two programs' starting states). */
void dt_baseline_take(struct dt *t, int p);

/*
 * hugetlb: dt_hugetlb_pool sets the pool (see the backend's hugetlb_pool)
 * and takes meminfo's hugetlb lines as the baseline; dt_hugetlb_record logs
 * their change since the previous record ("LABEL.HugePages_Free = -1").
 */
int dt_hugetlb_pool(struct dt *t, long n);
void dt_hugetlb_record(struct dt *t, const char *label);

/*
 * THP: dt_thp_record logs the change since the previous call (or the
 * sequence's start) of the machine-wide THP figures: meminfo's
 * AnonHugePages and vmstat's thp_fault_alloc, thp_split_pmd,
 * thp_deferred_split_page and thp_split_page ("LABEL.thp.NAME = +1").
 */
void dt_thp_record(struct dt *t, const char *label);

/*
 * File mappings (filetests): see dt_backend's file_* calls. Slots are
 * 0..DT_MAXFILE-1; patterns as dt_fill's (seed, first page index). A VMA
 * of file "dtfS" is logged under the name "dtfS" on both sides (the host's
 * temp directory is not part of the figures).
 */
#define DT_MAXFILE	4
int dt_file_create(struct dt *t, int p, int slot, uint64_t npages, uint64_t seed);
int64_t dt_mmap_file(struct dt *t, int p, uint64_t addr, uint64_t len, int prot, int flags,
		     int slot, uint64_t off);
int dt_file_truncate(struct dt *t, int p, int slot, uint64_t len);
int dt_file_fadvise(struct dt *t, int p, int slot, uint64_t off, uint64_t len, int advice);
int dt_file_check(struct dt *t, int p, int slot, uint64_t pgoff, uint64_t npages,
		  uint64_t seed, uint64_t first);
int dt_file_close(struct dt *t, int p, int slot);

/* ---- Sequences ---- */

struct dt_sequence {
	const char *name;
	void (*run)(struct dt *t);
	const char *options;	/* THP: extra mmsim boot options (NULL: none), see dt_backend */
};
extern const struct dt_sequence dt_sequences[];
extern const size_t dt_nsequences;

/* Run one sequence on a backend into r; 0, or -1 if the backend failed. */
int dt_run(struct dt_backend *b, const struct dt_sequence *s, struct dt_result *r);

/* Backends. */
struct dt_backend *dt_host_backend(const char *worker_path);
struct dt_backend *dt_mmsim_backend(const char *options);

#endif
