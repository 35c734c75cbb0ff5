/*
 * sysctl.h - the one table of vm sysctls (kernel/sysctl.c's vm_table).
 *
 * Each entry says name, type, bounds, default and the hook that makes a new
 * value take effect (recompute watermarks, lowmem reserves, pcp high...).
 * The CLI's --sysctl, Lua's m:sysctl(), boot{sysctl=...} and the
 * /proc/sys/vm view all go through sysctl_set()/sysctl_show(), so a
 * bound or a hook is written once.
 *
 * Boot-time values are applied after the machine has booted, exactly like a
 * write to /proc/sys/vm afterwards (Linux's init scripts do the same).
 */
#ifndef MMSIM_SYSCTL_H
#define MMSIM_SYSCTL_H

#include "compiler.h"
#include "mmzone.h"

struct machine;

/* The values; a struct so that two machines never share them. */
struct vm_sysctls {
	int min_free_kbytes;
	int user_min_free_kbytes;	/* -1 until a user writes min_free_kbytes */
	int watermark_scale_factor;
	int watermark_boost_factor;
	int lowmem_reserve_ratio[MAX_NR_ZONES];
	int percpu_pagelist_high_fraction;
	int max_map_count;		/* VMAs per mm (DEFAULT_MAX_MAP_COUNT) */
	int mmap_min_addr;		/* lowest address mmap may use */
	int overcommit_memory;		/* 0 heuristic, 1 always, 2 never */
	int overcommit_ratio;		/* % of RAM for mode 2 */
	int page_cluster;		/* swap readahead: 2^n pages */
	int swappiness;			/* 0..200 */
	int stat_interval;		/* seconds between vmstat updates */
	int zone_reclaim_mode;		/* NUMA: node_reclaim_mode bits (shown, not acted on) */
	/* hugetlb (mm/hugetlb.c): the default hstate's pool, read back after a write */
	int nr_hugepages;
	int nr_overcommit_hugepages;
	/* dcache (issue 5): fs/dcache.c, fs/drop_caches.c */
	int vfs_cache_pressure;		/* dentry/inode reclaim weight, % of fair */
	int vfs_cache_pressure_denom;	/* its denominator (6.15+), >= 100 */
	int drop_caches;		/* write-only: the last value written */
	/* OOM killer and overcommit (mm/oom_kill.c, mm/util.c) */
	int oom_kill_allocating_task;	/* kill the task that ran out, not the biggest */
	int oom_dump_tasks;		/* the task table in OOM reports */
	int panic_on_oom;		/* 0 only: mmsim does not panic */
	int overcommit_kbytes;		/* commit limit in kB (mode 2); 0: use the ratio */
	/* writeback (issue 5): mm/page-writeback.c */
	int dirty_background_ratio;	/* % of dirtyable memory: the flusher starts */
	long dirty_background_bytes;	/* or this many bytes (0: use the ratio) */
	int dirty_ratio;		/* % of dirtyable memory: writers are throttled */
	long dirty_bytes;		/* or this many bytes (0: use the ratio) */
	int dirty_expire_centisecs;	/* age at which the flusher writes a dirty inode */
	int dirty_writeback_centisecs;	/* the flusher's period (0: no periodic writeback) */
};

enum sysctl_type {
	SYSCTL_INT,		/* one int */
	SYSCTL_INT_ZONES,	/* one int per zone of the architecture */
	SYSCTL_INT_WRITEONLY,	/* one int, mode 0200: reading is EACCES (drop_caches) */
	SYSCTL_LONG,		/* writeback (issue 5): one long (proc_doulongvec_minmax) */
};

struct sysctl_desc {
	const char *name;		/* "min_free_kbytes": under vm. */
	enum sysctl_type type;
	size_t offset;			/* into struct vm_sysctls */
	long min, max;
	const char *help;
	/* Called after a successful write; returns 0 or -errno (value restored). */
	int (*apply)(struct machine *m);
	/* Extra validation beyond [min, max], or NULL: 0 or -EINVAL. */
	int (*check)(struct machine *m, long value);
};

extern const struct sysctl_desc vm_sysctl_table[];
extern const size_t vm_sysctl_count;
/* "vm.NAME" for every entry, in table order, NULL-terminated. */
extern const char *const vm_sysctl_names[];

void vm_sysctls_defaults(struct vm_sysctls *s);
const struct sysctl_desc *sysctl_find(const char *name);	/* "vm.x" or "x" */
/*
 * Set from text ("60", or "256 256 32 0 0" for per-zone arrays). Returns 0,
 * -ENOENT for an unknown name, -EINVAL for a value that does not parse or is
 * out of bounds; err (if not NULL) gets a one-line reason that names the
 * sysctl and its bounds.
 */
int sysctl_set(struct machine *m, const char *name, const char *value,
	       char *err, size_t errlen);
/* The value as /proc/sys/vm/NAME prints it, newline included; -EACCES for a
 * write-only sysctl (drop_caches), -ENOENT for an unknown name. */
int sysctl_show(struct machine *m, const char *name, char *buf, size_t len);
/* Validate name and value text without a machine (for config checking). */
int sysctl_check_text(const char *name, const char *value, char *err, size_t errlen);

#endif
