/*
 * mmsim.h - the public C API of libmmsim: boot a simulated Linux machine,
 * drive it, read its /proc. The only header a user includes; everything
 * behind it is opaque.
 *
 * Conventions: functions that can fail for a reason the simulated kernel
 * would report return a negative errno (-ENOMEM, -EINVAL, ...) or NULL with
 * a one-line reason in the caller's err buffer; they never abort on bad
 * input. Kernel addresses are Linux x86-64 direct-map addresses
 * (0xffff888000000000 + physical address). Sizes are bytes.
 */
#ifndef MMSIM_MMSIM_H
#define MMSIM_MMSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MMSIM_VERSION "0.1.0"

typedef struct mmsim_config mmsim_config;
typedef struct machine mmsim_machine;
typedef struct kmem_cache mmsim_cache;

/* ---- Configuration ---- */

mmsim_config *mmsim_config_new(void);
void mmsim_config_free(mmsim_config *cfg);
/*
 * Set one machine option by name, from text. Names are those of the CLI
 * without dashes: mem ("4G"), node_mem ("1G,3G"), nodes, cpus, rmap,
 * thp (always|madvise|never), arch (x86_64|i386-pae|i386), seed,
 * metadata_only (0|1), zero_page (0|1), pcid (0|1), pti (0|1),
 * pgtable_levels (4|5), aslr (0|1), debug_tlbflush (0|1), vmalloc_fault (0|1), kernel_image
 * (size), movablecore (size), kernelcore (size), console (0|1), sysctl
 * ("vm.KEY=VALUE", repeatable). Returns 0 or -EINVAL with a reason.
 * swap ("SIZE" or "SIZE@PRIO": a swap file /swapfile at boot, see
 * mmsim_swapon); disk (a host directory) is the simulated disk (see Files
 * below). arch i386 and i386-pae boot, but processes cannot run on them
 * yet (spawn and exec answer -ENOEXEC).
 * hugetlb: hugepagesz (2M|1G) then hugepages (N), as pairs in order like
 * the kernel command line; hugepages before any hugepagesz is the default
 * size's, which default_hugepagesz (2M|1G) sets.
 */
int mmsim_config_set(mmsim_config *cfg, const char *key, const char *value,
		     char *err, size_t errlen);
/* Option names mmsim_config_set() knows, NULL-terminated. */
const char *const *mmsim_config_keys(void);
/* "4G", "512M", "100k", "4096" (bytes); binary units. 0 or -EINVAL. */
int mmsim_parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen);

/* ---- Machines ---- */

mmsim_machine *mmsim_boot(const mmsim_config *cfg, char *err, size_t errlen);
void mmsim_shutdown(mmsim_machine *m);
/* Run every invariant validator; 0 when consistent, else problems (see dmesg). */
int mmsim_check(mmsim_machine *m);
uint64_t mmsim_clock_ns(const mmsim_machine *m);

/*
 * A /proc file as text: "meminfo", "zoneinfo", "buddyinfo", "pagetypeinfo",
 * "slabinfo", "vmstat", "vmallocinfo", "sys/vm/NAME", and per process "PID/maps",
 * "PID/smaps", "PID/smaps_rollup", "PID/status", "PID/statm", "PID/stat",
 * "PID/oom_score", "PID/oom_score_adj", "PID/cmdline". malloc'd, NUL-terminated; NULL with
 * errno = ENOENT for an unknown file.
 */
char *mmsim_proc_read(mmsim_machine *m, const char *path, size_t *len);
/* The machine-wide /proc files mmsim_proc_read() knows, NULL-terminated. */
const char *const *mmsim_proc_files(void);
/* The per-process files ("maps", "status", ...) read as "PID/NAME", NULL-terminated. */
const char *const *mmsim_proc_pid_files(void);
/* The kernel log, oldest line first; malloc'd. */
char *mmsim_dmesg(mmsim_machine *m, size_t *len);

int mmsim_sysctl_set(mmsim_machine *m, const char *name, const char *value,
		     char *err, size_t errlen);
/* The value as /proc/sys/vm/NAME prints it. 0 or -ENOENT. */
int mmsim_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len);
/* Sysctl names ("vm.min_free_kbytes", ...), NULL-terminated. */
const char *const *mmsim_sysctl_names(void);

/*
 * hugetlb: mmsim_sysfs_write() (NUMA's, below) writes the pools' files as
 * root would: "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
 * (also nr_overcommit_hugepages, and nodeN's nr_hugepages under
 * /sys/devices/system/node): 0, -ENOENT, -EACCES (a read-only file) or
 * -EINVAL. They read back through mmsim_proc_read(), as do
 * free_hugepages, resv_hugepages and surplus_hugepages. The page sizes of
 * MMSIM_MAP_HUGETLB:
 *
 * THP: "/sys/kernel/mm/transparent_hugepage/enabled" (read-write),
 * ".../hpage_pmd_size" and khugepaged's ".../khugepaged/{pages_to_scan,
 * scan_sleep_millisecs, alloc_sleep_millisecs, max_ptes_none, max_ptes_swap,
 * max_ptes_shared, defrag}" (read-write, Linux's bounds: -EINVAL beyond),
 * ".../khugepaged/{pages_collapsed, full_scans}" (read-only: -EACCES) work
 * the same way.
 */
#define MMSIM_MAP_HUGE_SHIFT	26
#define MMSIM_MAP_HUGE_2MB	(21 << MMSIM_MAP_HUGE_SHIFT)
#define MMSIM_MAP_HUGE_1GB	(30 << MMSIM_MAP_HUGE_SHIFT)

/* Every /proc/vmstat counter, in its order. Returns the count. */
struct mmsim_counter {
	const char *name;
	long long value;
};
size_t mmsim_vmstat(mmsim_machine *m, struct mmsim_counter *out, size_t max);

/* ---- Processes ---- */

/*
 * Simulated processes are named by pid. Every call returns what the
 * corresponding Linux system call returns: a value >= 0 or -errno
 * (-ESRCH for a pid that does not exist). The constants below have
 * Linux's x86-64 values, so a host program's PROT_/MAP_/MADV_ flags can be
 * passed through unchanged.
 */
#define MMSIM_PROT_NONE		0x0
#define MMSIM_PROT_READ		0x1
#define MMSIM_PROT_WRITE	0x2
#define MMSIM_PROT_EXEC		0x4
#define MMSIM_MAP_SHARED	0x01
#define MMSIM_MAP_PRIVATE	0x02
#define MMSIM_MAP_FIXED		0x10
#define MMSIM_MAP_ANONYMOUS	0x20
#define MMSIM_MAP_GROWSDOWN	0x0100
#define MMSIM_MAP_LOCKED	0x2000
#define MMSIM_MAP_NORESERVE	0x4000
#define MMSIM_MAP_POPULATE	0x8000
#define MMSIM_MAP_STACK		0x20000
#define MMSIM_MAP_HUGETLB	0x40000
#define MMSIM_MAP_FIXED_NOREPLACE 0x100000
#define MMSIM_MREMAP_MAYMOVE	1
#define MMSIM_MREMAP_FIXED	2
#define MMSIM_MREMAP_DONTUNMAP	4
#define MMSIM_MCL_CURRENT	1
#define MMSIM_MCL_FUTURE	2
#define MMSIM_MCL_ONFAULT	4
#define MMSIM_MLOCK_ONFAULT	1

/* A fresh process running a simulated program: its pid, or -errno. */
int mmsim_spawn(mmsim_machine *m, const char *comm);
/* fork(2): the child's pid. */
int mmsim_fork(mmsim_machine *m, int pid);
/* clone(CLONE_VM): a new thread sharing pid's mm; its tid. */
int mmsim_clone_vm(mmsim_machine *m, int pid);
/* exit(2): the task goes; its mm with the last user. */
int mmsim_exit(mmsim_machine *m, int pid, int code);
/* execve(2) of a simulated program: a fresh address space. */
int mmsim_exec(mmsim_machine *m, int pid, const char *comm);
/* Live pids in increasing order; returns how many there are. */
size_t mmsim_pids(mmsim_machine *m, int *out, size_t max);

int64_t mmsim_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int prot,
		   int flags, int fd, uint64_t off);
int mmsim_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int mmsim_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int prot);
int64_t mmsim_mremap(mmsim_machine *m, int pid, uint64_t addr, uint64_t old_len,
		     uint64_t new_len, int flags, uint64_t new_addr);
/* brk(2) as the system call: the new (or unchanged) break. */
int64_t mmsim_brk(mmsim_machine *m, int pid, uint64_t addr);
int mmsim_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice);
int mmsim_mlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int mmsim_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags);
int mmsim_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int mmsim_mlockall(mmsim_machine *m, int pid, int flags);
int mmsim_munlockall(mmsim_machine *m, int pid);
/* vec gets one byte per page of [addr, addr + len). */
int mmsim_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec);
/* Linux's madvise names without MADV_, lower case ("dontneed"); -1 if unknown. */
int mmsim_madvise_parse(const char *name);
#define MMSIM_MS_ASYNC		1
#define MMSIM_MS_INVALIDATE	2
#define MMSIM_MS_SYNC		4
int mmsim_msync(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags);
/* prctl(2) options that concern memory: PR_SET_THP_DISABLE / PR_GET_THP_DISABLE. */
#define MMSIM_PR_SET_THP_DISABLE	41
#define MMSIM_PR_GET_THP_DISABLE	42
int mmsim_prctl(mmsim_machine *m, int pid, int option, unsigned long arg2);

/*
 * User memory accesses through the simulated MMU. Returns 0, or -EFAULT
 * with *fault saying which signal Linux would deliver (SIGSEGV 11 with
 * SEGV_MAPERR 1 / SEGV_ACCERR 2, or SIGBUS 7) and where; -EINVAL for
 * read/write on a metadata-only machine (no bytes are kept).
 */
struct mmsim_fault {
	int signo;
	int code;
	uint64_t addr;
};
int mmsim_read(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len,
	       struct mmsim_fault *fault);
int mmsim_write(mmsim_machine *m, int pid, uint64_t addr, const void *buf, size_t len,
		struct mmsim_fault *fault);
/* One access per page of [addr, addr + len), write != 0 for stores. */
int mmsim_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int write,
		struct mmsim_fault *fault);

struct mmsim_task_info {
	int pid, tgid, ppid;
	char comm[16];
	unsigned long min_flt, maj_flt;
	int cpu;
};
int mmsim_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info);

/* The simulated MMU's work, per CPU or (cpu < 0) summed. */
struct mmsim_mmu_stats {
	uint64_t tlb_hits, tlb_misses, walks, faults, cr3_loads;
};
int mmsim_mmu_stats(mmsim_machine *m, int cpu, struct mmsim_mmu_stats *st);

/* ---- Reverse mapping (rmap): the walk on demand, and what it keeps ---- */

/*
 * What one call walked: its pages, the ptes found mapping them (and how
 * many were young; the walk clears the young bits, as reclaim's
 * folio_referenced does), and the work - VMAs visited, ptes checked,
 * page-table pages scanned (scan mode) - as vmstat's rmap_walk_* count it.
 */
struct mmsim_rmap_walk {
	uint64_t pages, mapped, referenced;
	uint64_t vmas, ptes, pgtables;
};
/* Walk every anonymous page the process maps, once each. 0 or -ESRCH. */
int mmsim_rmap_walk_task(mmsim_machine *m, int pid, struct mmsim_rmap_walk *w);
/* Walk the page mapped at addr (any kind). 0, -ESRCH, or -EFAULT if nothing is mapped there. */
int mmsim_rmap_walk_page(mmsim_machine *m, int pid, uint64_t addr, struct mmsim_rmap_walk *w);
/*
 * try_to_unmap the page mapped at addr from every process (what reclaim
 * does before freeing it): 1 if no pte maps it any more, 0 if it had to
 * stay (an anonymous page needs its swap slot first, which reclaim's
 * add_to_swap gives and this call does not, unless MADV_FREE'd and clean;
 * mlocked pages stay), -ESRCH or -EFAULT.
 */
int mmsim_try_to_unmap(mmsim_machine *m, int pid, uint64_t addr);

/* The design in use and the memory it keeps: objects and their slab bytes. */
struct mmsim_rmap_info {
	const char *mode;		/* scan pte_chain anon_vma anon_vma_chain */
	uint64_t anon_vmas, anon_vma_chains, pte_chains;
	uint64_t bytes;			/* objects x object size */
};
void mmsim_rmap_info(mmsim_machine *m, struct mmsim_rmap_info *info);

/* ---- Kernel-side allocators, for studying them directly ---- */

/* "GFP_KERNEL|__GFP_ZERO" into flags. 0 or -EINVAL naming the bad flag. */
int mmsim_gfp_parse(const char *text, unsigned int *gfp, char *err, size_t errlen);
/* 2^order frames; the first pfn, or -ENOMEM (logged unless __GFP_NOWARN). */
int64_t mmsim_alloc_pages(mmsim_machine *m, unsigned int gfp, unsigned int order);
/* 0, or -EINVAL when pfn/order is not a block this API handed out. */
int mmsim_free_pages(mmsim_machine *m, uint64_t pfn, unsigned int order);

/* Object addresses; 0 on failure. kmalloc(0) returns ZERO_SIZE_PTR (16). */
uint64_t mmsim_kmalloc(mmsim_machine *m, size_t size, unsigned int gfp);
/* 0, or -EINVAL for an address kmalloc did not return (nothing is freed). */
int mmsim_kfree(mmsim_machine *m, uint64_t addr);
/* The usable size of a kmalloc'd object, or 0 for a bad address. */
size_t mmsim_ksize(mmsim_machine *m, uint64_t addr);

mmsim_cache *mmsim_kmem_cache_create(mmsim_machine *m, const char *name, size_t size,
				     size_t align, char *err, size_t errlen);
uint64_t mmsim_kmem_cache_alloc(mmsim_machine *m, mmsim_cache *c, unsigned int gfp);
int mmsim_kmem_cache_free(mmsim_machine *m, mmsim_cache *c, uint64_t addr);
void mmsim_kmem_cache_destroy(mmsim_machine *m, mmsim_cache *c);

/* Fault injection: make the nth next page ("page") or slab ("slab")
 * allocation fail, or the nth next swap write ("swap_write": the page stays
 * in memory, dirty) or swap read ("swap_read": SIGBUS for the faulting
 * task) get an I/O error; repeat != 0 keeps failing after it. nth = 0
 * disarms. */
int mmsim_fail_nth(mmsim_machine *m, const char *kind, unsigned long nth, int repeat);

/* ---- Simulated time (kernel/timer.c, kernel/api_clock.c) ---- */

/*
 * The clock (mmsim_clock_ns, ns since boot) is simulated: every call above
 * that makes the modelled machine work (system calls, user accesses,
 * fork/exec/exit, the kernel-side allocators) advances it by what the work
 * would cost on a modelled bare-metal machine - a fixed table of figures,
 * never host time - and mmsim_tick() lets the machine idle. Observing
 * (mmsim_proc_read, mmsim_vmstat, mmsim_task_info, ...) costs nothing.
 * Kernel timers fire as the clock passes them.
 */
/* Idle for ns: timers fire, samplers run at each boundary. 0 or -EINVAL. */
int mmsim_tick(mmsim_machine *m, uint64_t ns);
/*
 * A sampler is called once for each multiple of interval_ns (counted from
 * the clock when it was added) that the clock passes, with now_ns that
 * boundary, at the first public API return after it - never from inside
 * the simulated kernel. mmsim_tick() stops at every boundary, so there the
 * machine is sampled as it is at that time; a long call that crosses
 * several boundaries has them all sampled at its return. Samplers run in
 * boundary order, ties in the order they were added; several are allowed.
 * A sampler should only observe: calls that charge time still do so from
 * inside it but run no samplers. 0, or -EINVAL (interval 0, no fn).
 */
typedef void (*mmsim_sampler_fn)(mmsim_machine *m, uint64_t now_ns, void *arg);
int mmsim_add_sampler(mmsim_machine *m, uint64_t interval_ns, mmsim_sampler_fn fn, void *arg);
/* "100ms", "1.5s", "250us", "10ns", "2m", "1h"; a bare number is seconds. */
int mmsim_parse_duration(const char *text, uint64_t *ns, char *err, size_t errlen);

/* A CPU's time since boot (cpu < 0: summed): user + system + iowait + idle == clock. */
struct mmsim_cpu_time {
	uint64_t user_ns, system_ns, iowait_ns, idle_ns;
};
int mmsim_cpu_time(mmsim_machine *m, int cpu, struct mmsim_cpu_time *out);
/* Scheduler counters since boot, as /proc/stat has them. */
struct mmsim_sched_stats {
	uint64_t interrupts;		/* local timer interrupts: HZ (250) per CPU per second */
	uint64_t context_switches;	/* a CPU starting to run another task */
	uint64_t forks;			/* tasks created (processes) */
};
int mmsim_sched_stats(mmsim_machine *m, struct mmsim_sched_stats *out);
/* CPU time a task was charged (utime, stime). 0 or -ESRCH. */
int mmsim_task_times(mmsim_machine *m, int pid, uint64_t *utime_ns, uint64_t *stime_ns);
/* The cost model's table: name, ns per unit, where the figure comes from. */
struct mmsim_cost {
	const char *name;
	uint64_t ns;
	const char *basis;
};
size_t mmsim_costs(struct mmsim_cost *out, size_t max);

/* ---- vmalloc (issue 7): virtually contiguous kernel memory ---- */

/*
 * Kernel virtual addresses in the vmalloc space (0xffffc90000000000 ...
 * with four levels, 0xffa0000000000000 ... with five): scattered order-0
 * frames mapped contiguously in init_mm, a guard page after each area.
 * 0 on failure (Linux's "vmalloc error: ..." line is in dmesg).
 * /proc/vmallocinfo names the caller mmsim_vmalloc, mmsim_vzalloc, ...
 */
uint64_t mmsim_vmalloc(mmsim_machine *m, uint64_t size);
uint64_t mmsim_vzalloc(mmsim_machine *m, uint64_t size);
uint64_t mmsim_vmalloc_node(mmsim_machine *m, uint64_t size, int node);
/* Zeroed, flagged "user" (remap_vmalloc_range's kind). */
uint64_t mmsim_vmalloc_user(mmsim_machine *m, uint64_t size);
/* 0, or -EINVAL for an address these calls did not return (nothing is freed). */
int mmsim_vfree(mmsim_machine *m, uint64_t addr);
/*
 * vmap: map count pages, given by pfn, each inside a block from
 * mmsim_alloc_pages, contiguously (the pages stay the caller's). 0 on
 * failure or when a pfn is not the caller's.
 */
uint64_t mmsim_vmap(mmsim_machine *m, const uint64_t *pfns, unsigned int count);
int mmsim_vunmap(mmsim_machine *m, uint64_t addr);
/*
 * kvmalloc: kmalloc first, vmalloc (2 MiB mappings allowed) when that
 * fails above one page. A direct-map or a vmalloc address; 0 on failure.
 * mmsim_kvfree frees either (mmsim_kfree takes the kmalloc'd ones too).
 */
uint64_t mmsim_kvmalloc(mmsim_machine *m, size_t size, unsigned int gfp);
int mmsim_kvfree(mmsim_machine *m, uint64_t addr);
/* The frame mapped at a vmalloc address (vmalloc_to_pfn), or -EFAULT. */
int64_t mmsim_vmalloc_to_pfn(mmsim_machine *m, uint64_t addr);
/*
 * The simulated kernel touching its own memory through the MMU (kernel
 * mode, the TLB's global entries, page walk, vmalloc_fault with the
 * vmalloc_fault boot option): as the kernel running for process pid (its
 * pgd is loaded), or pid 0 for whatever the current CPU runs. addr must
 * be a kernel address. 0; -EFAULT when the access would oops the kernel
 * (a guard page, an unmapped or freed area: the oops is in dmesg); -ESRCH;
 * -EINVAL. Bytes move in metadata-only mode too (kernel memory).
 */
int mmsim_kernel_read(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len);
int mmsim_kernel_write(mmsim_machine *m, int pid, uint64_t addr, const void *buf, size_t len);
/* The vmalloc space's figures and mmsim's counters of its lazy purging. */
struct mmsim_vmalloc_info {
	uint64_t start, end;		/* VMALLOC_START, VMALLOC_END */
	uint64_t used_pages;		/* VmallocUsed */
	uint64_t nr_areas;		/* busy areas (lines of vmallocinfo) */
	uint64_t lazy_pages;		/* freed, not yet purged (vmap_lazy_nr) */
	uint64_t lazy_max_pages;	/* the purge threshold */
	uint64_t purges, purged_areas, purged_pages;
	uint64_t flush_all;		/* kernel TLB flushes that flushed everything */
	uint64_t flush_pages;		/* pages flushed one by one */
	uint64_t vmalloc_faults;	/* top-level entries copied on fault */
	uint64_t oopses;		/* kernel accesses that faulted for good */
	uint64_t pgtable_p4d, pgtable_pud, pgtable_pmd, pgtable_pte;	/* init_mm, vmalloc range */
};
int mmsim_vmalloc_info(mmsim_machine *m, struct mmsim_vmalloc_info *info);
/* Purge the lazily freed areas now (vm_unmap_aliases). */
void mmsim_vmalloc_purge(mmsim_machine *m);

/* ---- Traces: Valgrind lackey traces and batched replay (issue 6, replay) ---- */

/* One user access: lackey's L, S, M and I records. */
enum mmsim_access_kind {
	MMSIM_ACCESS_LOAD = 0,		/* " L addr,size" */
	MMSIM_ACCESS_STORE = 1,		/* " S addr,size" */
	MMSIM_ACCESS_MODIFY = 2,	/* " M addr,size": load and store, one write access */
	MMSIM_ACCESS_INSTR = 3,		/* "I  addr,size": an instruction fetch */
};
struct mmsim_access {
	uint64_t addr;
	uint32_t size;			/* bytes, >= 1; pages it straddles are all touched */
	uint32_t kind;			/* enum mmsim_access_kind */
};

/*
 * Replay n accesses as pid's user accesses through the simulated MMU, in
 * order, without the per-call overhead of mmsim_touch(): no data moves
 * (touch semantics); a fetch needs an executable page, a store or modify a
 * writable one. Returns 0 when all were done; otherwise the access at
 * index *done raised a signal, described in *fault: -EFAULT (SIGSEGV or
 * SIGBUS: the process carries on, the caller may go on at *done + 1) or
 * -ENOMEM (SIGKILL: no memory for the fault). -ESRCH, -EINVAL for bad
 * arguments (a size of 0, a kind out of range).
 */
int mmsim_access_batch(mmsim_machine *m, int pid, const struct mmsim_access *acc, size_t n,
		       size_t *done, struct mmsim_fault *fault);

/* A parsed trace: host memory, compact (about 2-3 bytes an access). */
typedef struct mmsim_trace mmsim_trace;
#define MMSIM_TRACE_LENIENT	1	/* skip bad lines (count them) instead of failing */
mmsim_trace *mmsim_trace_new(unsigned int flags);
void mmsim_trace_free(mmsim_trace *tr);
/*
 * Feed lackey output (`valgrind --tool=lackey --trace-mem=yes`), in chunks
 * of any size; lines may span chunks. Valgrind's "==PID==", "--PID--" and
 * "**PID**" lines, blank lines and "SB" (superblock) lines are skipped.
 * 0, or -EINVAL with "line N: reason: 'content'" in err (the trace keeps
 * the records before it); -ENOMEM. Call mmsim_trace_parse_end() after the
 * last chunk (an unterminated last line is parsed there).
 */
int mmsim_trace_parse(mmsim_trace *tr, const char *text, size_t len, char *err, size_t errlen);
int mmsim_trace_parse_end(mmsim_trace *tr, char *err, size_t errlen);
/* Append accesses made by other means (synthetic traces). 0 or -EINVAL/-ENOMEM. */
int mmsim_trace_add(mmsim_trace *tr, const struct mmsim_access *acc, size_t n);

struct mmsim_trace_info {
	uint64_t accesses;
	uint64_t by_kind[4];		/* by enum mmsim_access_kind */
	uint64_t lines;			/* text lines parsed */
	uint64_t skipped;		/* bad lines skipped (MMSIM_TRACE_LENIENT) */
	uint64_t encoded_bytes;		/* size of the records in memory */
	char command[256];		/* valgrind's "Command:" line, or "" */
	char first_bad[256];		/* the first skipped line's error, or "" */
};
void mmsim_trace_info(const mmsim_trace *tr, struct mmsim_trace_info *info);

/*
 * The binary cache: a versioned header, the compact records, a checksum.
 * mmsim_trace_save returns a malloc'd image (NULL on ENOMEM);
 * mmsim_trace_load checks it (truncation, version, checksum, every record)
 * and returns NULL with the reason in err when it is bad.
 * mmsim_trace_is_cache says whether a file starts like one (its first 8 bytes).
 */
void *mmsim_trace_save(const mmsim_trace *tr, size_t *len);
mmsim_trace *mmsim_trace_load(const void *buf, size_t len, char *err, size_t errlen);
int mmsim_trace_is_cache(const void *buf, size_t len);

/* Reading a trace back in order, in batches. Zero-initialise, or rewind. */
struct mmsim_trace_cursor {
	uint64_t pos, index;		/* private */
	uint64_t prev[2];		/* private */
};
void mmsim_trace_rewind(struct mmsim_trace_cursor *c);
/* Up to max accesses into out; returns how many (0 at the end). */
size_t mmsim_trace_next(const mmsim_trace *tr, struct mmsim_trace_cursor *c,
			struct mmsim_access *out, size_t max);

/*
 * Map pid's address space as the trace reveals it (docs/replay.md): the
 * touched pages in clusters (gaps under 64 KiB joined), each cluster's runs
 * mapped MAP_FIXED anonymous with r-x where instructions are fetched (rwx
 * if also written), rw- where data is written, r-- where it is only read;
 * written runs private, never-written ones shared (shmem standing in for
 * the program's file pages); the highest cluster, if it holds no code, is the stack:
 * MAP_GROWSDOWN from the page of its first access, growing down on faults.
 * Returns the number of mappings made, or -errno with the reason in err.
 */
int mmsim_trace_map(mmsim_machine *m, int pid, const mmsim_trace *tr, char *err,
		    size_t errlen);
/* ---- Swap (issue 5): swap files ---- */

/*
 * swapon(2) of a new swap file of size bytes (a multiple of 4 KiB, 40 KiB
 * to 256 GiB): a real host file, created under $TMPDIR and unlinked at
 * once, holding what is swapped out. path is the name /proc/swaps shows
 * ("/swapfile2"). prio is -1 for the default (-2, -3, ... in swapon
 * order) or 0..32767; higher priorities fill first, equal ones in turn.
 * 0, -EINVAL, -EBUSY (path is on already), -EPERM (24 devices on),
 * -ENOMEM, or the host's errno creating the file.
 */
int mmsim_swapon(mmsim_machine *m, const char *path, uint64_t size, int prio);
/*
 * swapoff(2): every page on the device is read back into memory (mapped
 * where its swap ptes were, or into its shmem object), then the device
 * goes. 0, -EINVAL (no such device), -ENOMEM or -EIO (a page could not be
 * brought back: the device stays on).
 */
int mmsim_swapoff(mmsim_machine *m, const char *path);

/* ---- NUMA memory policy (set_mempolicy(2), mbind(2), get_mempolicy(2)) ---- */

/*
 * Modes and flags have Linux's values (include/uapi/linux/mempolicy.h).
 * Node masks are arrays of unsigned long with maxnode as the system calls
 * take them (the mask has maxnode - 1 bits): set_mempolicy and mbind read
 * (maxnode + 62) / 64 words of nmask, get_mempolicy writes
 * (maxnode + 62) / 64 words (at most 512). Simulated processes lack
 * CAP_SYS_NICE, so MPOL_MF_MOVE_ALL is -EPERM; page migration is not
 * simulated, so MPOL_MF_MOVE moves nothing (a misplaced page fails
 * MPOL_MF_STRICT with -EIO). Per-node files are read with
 * mmsim_proc_read(): "/sys/devices/system/node/nodeN/numastat",
 * ".../nodeN/distance", ".../nodeN/meminfo", ".../nodeN/cpulist",
 * "/sys/devices/system/node/{online,possible,has_memory,has_normal_memory,
 * has_cpu}", "/sys/kernel/mm/mempolicy/weighted_interleave/{nodeN,auto}",
 * and per process "PID/numa_maps".
 */
#define MMSIM_MPOL_DEFAULT		0
#define MMSIM_MPOL_PREFERRED		1
#define MMSIM_MPOL_BIND			2
#define MMSIM_MPOL_INTERLEAVE		3
#define MMSIM_MPOL_LOCAL		4
#define MMSIM_MPOL_PREFERRED_MANY	5
#define MMSIM_MPOL_WEIGHTED_INTERLEAVE	6
#define MMSIM_MPOL_F_STATIC_NODES	(1 << 15)
#define MMSIM_MPOL_F_RELATIVE_NODES	(1 << 14)
#define MMSIM_MPOL_F_NUMA_BALANCING	(1 << 13)
#define MMSIM_MPOL_F_NODE		(1 << 0)	/* get_mempolicy flags */
#define MMSIM_MPOL_F_ADDR		(1 << 1)
#define MMSIM_MPOL_F_MEMS_ALLOWED	(1 << 2)
#define MMSIM_MPOL_MF_STRICT		(1 << 0)	/* mbind flags */
#define MMSIM_MPOL_MF_MOVE		(1 << 1)
#define MMSIM_MPOL_MF_MOVE_ALL		(1 << 2)

int mmsim_set_mempolicy(mmsim_machine *m, int pid, int mode, const unsigned long *nmask,
			unsigned long maxnode);
/* *mode (may be NULL) gets the mode | mode flags, or a node with MPOL_F_NODE. */
int mmsim_get_mempolicy(mmsim_machine *m, int pid, int *mode, unsigned long *nmask,
			unsigned long maxnode, uint64_t addr, unsigned long flags);
int mmsim_mbind(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int mode,
		const unsigned long *nmask, unsigned long maxnode, unsigned int flags);
int mmsim_set_mempolicy_home_node(mmsim_machine *m, int pid, uint64_t addr, uint64_t len,
				  unsigned long home_node, unsigned long flags);
/* Mode names as Linux's MPOL_ names without the prefix, lower case ("bind",
 * "weighted_interleave"): the mode, or -1 if unknown; and back (NULL). */
int mmsim_mpol_parse(const char *name);
const char *mmsim_mpol_name(int mode);
/*
 * Write a sysfs file as root would: the weighted interleave weights
 * ("/sys/kernel/mm/mempolicy/weighted_interleave/nodeN", 1-255) and their
 * "auto" switch. 0 or -errno: -ENOENT for an unknown file, -EACCES for a
 * read-only one, -EINVAL/-ERANGE for a bad value, -ENODEV for auto=true
 * (no memory bandwidth figures to derive weights from).
 */
int mmsim_sysfs_write(mmsim_machine *m, const char *path, const char *value);

/* ---- The OOM killer and overcommit (issue 5, oom) ---- */

/*
 * When an allocation that may use the OOM killer (a page fault's, a
 * GFP_KERNEL kernel allocation's) finds nothing to free, the kernel kills
 * the process with the highest badness (rss + swap entries + page tables,
 * plus oom_score_adj thousandths of RAM + swap; /proc/PID/oom_score shows
 * it scaled) and logs Linux 6.18's report in dmesg: "<comm> invoked
 * oom-killer: gfp_mask=...", Mem-Info, the task table, "oom-kill:...",
 * "Out of memory: Killed process N (comm) total-vm:...", then
 * "oom_reaper: reaped process N ..." once its private memory is freed.
 * oom_score_adj -1000 is never chosen; any process may be (mmsim's pid 1
 * is an ordinary program, not an init the kernel protects). vmstat's
 * oom_kill counts the kills.
 *
 * The victim's death: it is sent SIGKILL (with every process sharing its
 * mm) and exits, code 9 (SIGKILL), when the public API call during which
 * it was chosen returns - as a signalled Linux task dies on its way back
 * to user mode. From then on its pid answers as a process that has died
 * and been reaped (mmsim keeps no zombies): -ESRCH from every call,
 * mmsim_task_info() included, and no /proc/PID files. If the victim is
 * the process whose access ran out of memory, that access stops with
 * -ENOMEM and fault->signo = 9 (SIGKILL). A process killed while some
 * other process's call ran simply is not there at the next call.
 * Where nothing can be killed, Linux panics ("System is deadlocked on
 * memory"); mmsim logs the report and the allocation fails (the access
 * reports SIGKILL, the process lives on).
 *
 * vm.oom_kill_allocating_task, vm.oom_dump_tasks work as in Linux;
 * vm.panic_on_oom accepts only 0; vm.overcommit_kbytes (writing it zeroes
 * overcommit_ratio and the other way round) sets CommitLimit for
 * overcommit_memory=2.
 */

/* /proc/PID/oom_score_adj (-1000..1000), as root reads and writes it. */
int mmsim_oom_score_adj_get(mmsim_machine *m, int pid, int *adj);
/* 0; -EINVAL outside -1000..1000; -ESRCH. Applies to the thread group and
 * to every process sharing its mm, as Linux's write does. */
int mmsim_oom_score_adj_set(mmsim_machine *m, int pid, int adj);
/*
 * Write a /proc file as root would: "PID/oom_score_adj" (-1000..1000) and
 * the legacy "PID/oom_adj" (-17..15, scaled to oom_score_adj; logs its
 * deprecation once). value is the text written ("-500\n"). 0; -EINVAL
 * for a value that does not parse or is out of range; -ESRCH for a pid
 * that is gone; -EACCES for a read-only file; -ENOENT for an unknown one.
 */
int mmsim_proc_write(mmsim_machine *m, const char *path, const char *value);

/* ---- Files and the page cache (issue 5) ---- */

/*
 * The machine's disk is a host directory (--disk DIR, or a fresh temporary
 * one with /data and /tmp, removed at shutdown); paths are the simulated
 * namespace's ("/data/f") and never leave the disk: "..", absolute or
 * outward symlinks answer -EXDEV. Descriptors belong to a process (pid) or,
 * with pid 0, to the machine's own table (the API's machine-wide files).
 * Bytes move between the caller's buffer and the page cache (or the disk,
 * with O_DIRECT: offset and length 512-byte aligned). Every call returns
 * what Linux's returns: >= 0 or -errno. Flags and advice have Linux's
 * x86-64 values.
 */
#define MMSIM_O_RDONLY		00
#define MMSIM_O_WRONLY		01
#define MMSIM_O_RDWR		02
#define MMSIM_O_CREAT		0100
#define MMSIM_O_EXCL		0200
#define MMSIM_O_TRUNC		01000
#define MMSIM_O_APPEND		02000
#define MMSIM_O_DSYNC		010000
#define MMSIM_O_DIRECT		040000
#define MMSIM_SEEK_SET		0
#define MMSIM_SEEK_CUR		1
#define MMSIM_SEEK_END		2
#define MMSIM_POSIX_FADV_NORMAL		0
#define MMSIM_POSIX_FADV_RANDOM		1
#define MMSIM_POSIX_FADV_SEQUENTIAL	2
#define MMSIM_POSIX_FADV_WILLNEED	3
#define MMSIM_POSIX_FADV_DONTNEED	4
#define MMSIM_POSIX_FADV_NOREUSE	5

int mmsim_open(mmsim_machine *m, int pid, const char *path, int flags, int mode);
int mmsim_close(mmsim_machine *m, int pid, int fd);
/* read(2)/write(2) at the file position (not mmsim_read/mmsim_write: those are user memory). */
int64_t mmsim_file_read(mmsim_machine *m, int pid, int fd, void *buf, size_t count);
int64_t mmsim_file_write(mmsim_machine *m, int pid, int fd, const void *buf, size_t count);
int64_t mmsim_pread(mmsim_machine *m, int pid, int fd, void *buf, size_t count, int64_t off);
int64_t mmsim_pwrite(mmsim_machine *m, int pid, int fd, const void *buf, size_t count,
		     int64_t off);
int64_t mmsim_lseek(mmsim_machine *m, int pid, int fd, int64_t off, int whence);
int mmsim_ftruncate(mmsim_machine *m, int pid, int fd, int64_t length);
int mmsim_fsync(mmsim_machine *m, int pid, int fd);
int mmsim_fdatasync(mmsim_machine *m, int pid, int fd);
int mmsim_fadvise(mmsim_machine *m, int pid, int fd, int64_t off, int64_t len, int advice);
/* fstat's st_size of an open file. */
int64_t mmsim_fsize(mmsim_machine *m, int pid, int fd);
int mmsim_unlink(mmsim_machine *m, const char *path);
int mmsim_mkdir(mmsim_machine *m, const char *path, int mode);
/* Linux's fadvise names without POSIX_FADV_, lower case ("dontneed"); -1 if unknown. */
int mmsim_fadvise_parse(const char *name);
/*
 * mmap(2) of a file open in another table: fd_owner is the pid whose
 * descriptor fd is (0: the machine's table). mmsim_mmap(..., fd, off) is
 * this with fd_owner = pid.
 */
int64_t mmsim_mmap_fd(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int prot,
		      int flags, int fd_owner, int fd, uint64_t off);
/*
 * Disk error injection: the next n page reads (or writes) of the disk fail
 * with EIO (a failed read: the fault's SIGBUS, the read's EIO; a failed
 * write: fsync's EIO). 0 or -EINVAL.
 */
int mmsim_disk_fail(mmsim_machine *m, const char *kind, unsigned long n);

#ifdef __cplusplus
}
#endif

#endif
