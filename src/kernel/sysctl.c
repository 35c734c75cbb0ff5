/*
 * sysctl.c - the vm sysctl table and the one path every front end uses to
 * read or write a sysctl (see sysctl.h).
 *
 * Invariant: a failed write leaves the old value in place; a successful one
 * runs the entry's apply hook before returning, so derived state
 * (watermarks, reserves, pcp high) is never stale.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "dcache.h"
#include "writeback.h"

#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8

static int apply_min_free_kbytes(struct machine *m)
{
	/* min_free_kbytes_sysctl_handler: a user's value sticks across recomputation. */
	m->sysctl.user_min_free_kbytes = m->sysctl.min_free_kbytes;
	setup_per_zone_wmarks(m);
	return 0;
}

static int apply_wmarks(struct machine *m)
{
	setup_per_zone_wmarks(m);
	return 0;
}

static int apply_lowmem_reserve(struct machine *m)
{
	setup_per_zone_lowmem_reserve(m);
	return 0;
}

static int apply_pcp_fraction(struct machine *m)
{
	zone_pcp_update_all(m);
	return 0;
}

static int check_pcp_fraction(struct machine *m, long v)
{
	(void)m;
	return v && v < MIN_PERCPU_PAGELIST_HIGH_FRACTION ? -EINVAL : 0;
}

/* overcommit_ratio and overcommit_kbytes: writing one zeroes the other (mm/util.c). */
static int apply_overcommit_ratio(struct machine *m)
{
	m->sysctl.overcommit_kbytes = 0;
	return 0;
}

static int apply_overcommit_kbytes(struct machine *m)
{
	m->sysctl.overcommit_ratio = 0;
	return 0;
}

/* panic_on_oom: 1 and 2 would panic the machine; mmsim has no panic to give. */
static int check_panic_on_oom(struct machine *m, long v)
{
	(void)m;
	return v ? -EINVAL : 0;
}

/*
 * The one list of vm sysctls: X(name, type, min, max, apply, check, help).
 * The descriptor table and the public name list are both generated from it.
 */
#define VM_SYSCTLS(X)							\
	X(min_free_kbytes, SYSCTL_INT, 0, INT_MAX, apply_min_free_kbytes, NULL,	\
	  "free memory the kernel keeps for itself (kB); sets the min watermark")	\
	X(watermark_scale_factor, SYSCTL_INT, 1, 3000, apply_wmarks, NULL,		\
	  "distance between watermarks, in 1/10000 of a zone")			\
	X(watermark_boost_factor, SYSCTL_INT, 0, INT_MAX, NULL, NULL,		\
	  "watermark boost after fragmentation events, in 1/10000 of high")	\
	X(lowmem_reserve_ratio, SYSCTL_INT_ZONES, 0, INT_MAX, apply_lowmem_reserve, NULL, \
	  "per zone: how much of lower zones higher-zone allocations may not use (1/ratio)") \
	X(percpu_pagelist_high_fraction, SYSCTL_INT, 0, INT_MAX, apply_pcp_fraction,	\
	  check_pcp_fraction,							\
	  "0 (automatic) or >= 8: per-CPU list high mark as a fraction of the zone") \
	X(max_map_count, SYSCTL_INT, 0, INT_MAX, NULL, NULL,			\
	  "most VMAs one process may have; mmap fails with ENOMEM beyond")	\
	X(mmap_min_addr, SYSCTL_INT, 0, INT_MAX, NULL, NULL,			\
	  "lowest address a process may map (bytes)")				\
	X(overcommit_memory, SYSCTL_INT, 0, 2, NULL, NULL,			\
	  "0: heuristic overcommit, 1: always allow, 2: strict commit limit")	\
	X(overcommit_ratio, SYSCTL_INT, 0, INT_MAX, apply_overcommit_ratio, NULL,	\
	  "percent of RAM in the commit limit of overcommit_memory=2 (writing it zeroes "	\
	  "overcommit_kbytes)")							\
	X(page_cluster, SYSCTL_INT, 0, 31, NULL, NULL,				\
	  "swap readahead: 2^page_cluster pages at a time")			\
	X(swappiness, SYSCTL_INT, 0, 200, NULL, NULL,				\
	  "reclaim's relative preference for anonymous memory (100: equal to file)") \
	X(stat_interval, SYSCTL_INT, 1, INT_MAX, NULL, NULL,			\
	  "seconds between vmstat counter updates")				\
	/* NUMA */								\
	X(zone_reclaim_mode, SYSCTL_INT, 0, INT_MAX, NULL, NULL,		\
	  "bits 1/2/4: reclaim on the local node before going off-node (stored; "	\
	  "reclaim is not built yet)")						\
	/* hugetlb (mm/hugetlb.c) */						\
	X(nr_hugepages, SYSCTL_INT, 0, INT_MAX, hugetlb_sysctl_apply, NULL,	\
	  "persistent pages of the default hugetlb pool (reads back what was allocated)") \
	X(nr_overcommit_hugepages, SYSCTL_INT, 0, INT_MAX, hugetlb_overcommit_sysctl_apply, \
	  NULL, "surplus hugetlb pages that reservations and faults may add to the pool") \
	/* dcache (issue 5): fs/dcache.c, fs/drop_caches.c */			\
	X(vfs_cache_pressure, SYSCTL_INT, 0, INT_MAX, NULL, NULL,		\
	  "dentry/inode reclaim relative to the page cache (100: fair; 0: never)") \
	X(vfs_cache_pressure_denom, SYSCTL_INT, 100, INT_MAX, NULL, NULL,	\
	  "denominator of vfs_cache_pressure")					\
	X(drop_caches, SYSCTL_INT_WRITEONLY, 1, 63, drop_caches_sysctl_handler, NULL, \
	  "write-only: 1 drops the clean page cache, 2 reclaimable slab (dentries, " \
	  "inodes), 3 both; 4 silences the log line") \
	/* OOM killer and overcommit (mm/oom_kill.c, mm/util.c) */		\
	X(oom_kill_allocating_task, SYSCTL_INT, INT_MIN, INT_MAX, NULL, NULL,	\
	  "non-zero: the OOM killer kills the task whose allocation failed")	\
	X(oom_dump_tasks, SYSCTL_INT, INT_MIN, INT_MAX, NULL, NULL,		\
	  "non-zero: OOM reports list every task's memory")			\
	X(panic_on_oom, SYSCTL_INT, 0, 2, NULL, check_panic_on_oom,		\
	  "0 only: mmsim does not simulate the kernel panic that 1 and 2 ask for") \
	X(overcommit_kbytes, SYSCTL_INT, 0, INT_MAX, apply_overcommit_kbytes, NULL, \
	  "commit limit of overcommit_memory=2 in kB (writing it zeroes overcommit_ratio)") \
	/* writeback (issue 5): mm/page-writeback.c */				\
	X(dirty_background_ratio, SYSCTL_INT, 0, 100, dirty_background_ratio_handler, NULL, \
	  "percent of dirtyable memory dirty before the flusher starts writing "	\
	  "(writing it zeroes dirty_background_bytes)")			\
	X(dirty_background_bytes, SYSCTL_LONG, 1, LONG_MAX, dirty_background_bytes_handler, \
	  NULL, "dirty bytes before the flusher starts writing (writing it zeroes "	\
	  "dirty_background_ratio)")						\
	X(dirty_ratio, SYSCTL_INT, 0, 100, dirty_ratio_handler, NULL,		\
	  "percent of dirtyable memory dirty at which writers are throttled "	\
	  "(writing it zeroes dirty_bytes)")					\
	X(dirty_bytes, SYSCTL_LONG, 2 * PAGE_SIZE, LONG_MAX, dirty_bytes_handler, NULL, \
	  "dirty bytes at which writers are throttled (writing it zeroes dirty_ratio)") \
	X(dirty_expire_centisecs, SYSCTL_INT, 0, INT_MAX, NULL, NULL,		\
	  "age (1/100 s) at which the flusher writes a dirty file out")	\
	X(dirty_writeback_centisecs, SYSCTL_INT, 0, INT_MAX, dirty_writeback_centisecs_handler, \
	  NULL, "period (1/100 s) of the flusher's wakeups; 0 disables periodic writeback")

#define SYSCTL_DESC(n, type, lo, hi, apply, check, help)		\
	{ #n, type, offsetof(struct vm_sysctls, n), lo, hi, help, apply, check },
const struct sysctl_desc vm_sysctl_table[] = { VM_SYSCTLS(SYSCTL_DESC) };
#undef SYSCTL_DESC

#define SYSCTL_NAME(n, ...) "vm." #n,
const char *const vm_sysctl_names[] = { VM_SYSCTLS(SYSCTL_NAME) NULL };
#undef SYSCTL_NAME

const size_t vm_sysctl_count = ARRAY_SIZE(vm_sysctl_table);

void vm_sysctls_defaults(struct vm_sysctls *s)
{
	static const int ratio[MAX_NR_ZONES] = {
		[ZONE_DMA] = 256, [ZONE_DMA32] = 256, [ZONE_NORMAL] = 32,
	};

	memset(s, 0, sizeof(*s));
	s->min_free_kbytes = 1024;	/* until init_per_zone_wmark_min() runs */
	s->user_min_free_kbytes = -1;
	s->watermark_scale_factor = 10;
	s->watermark_boost_factor = 15000;
	memcpy(s->lowmem_reserve_ratio, ratio, sizeof(ratio));
	s->percpu_pagelist_high_fraction = 0;
	s->max_map_count = 65530;
	s->mmap_min_addr = 65536;
	s->overcommit_memory = 0;
	s->overcommit_ratio = 50;
	s->page_cluster = 3;
	s->swappiness = 60;
	s->stat_interval = 1;
	/* dcache (issue 5) */
	s->vfs_cache_pressure = 100;
	s->vfs_cache_pressure_denom = 100;
	/* OOM killer (issue 5, oom) */
	s->oom_dump_tasks = 1;
	/* writeback (issue 5): Linux's defaults */
	s->dirty_background_ratio = 10;
	s->dirty_ratio = 20;
	s->dirty_expire_centisecs = 3000;
	s->dirty_writeback_centisecs = 500;
}

const struct sysctl_desc *sysctl_find(const char *name)
{
	if (!strncmp(name, "vm.", 3))
		name += 3;
	for (size_t i = 0; i < vm_sysctl_count; i++)
		if (!strcmp(vm_sysctl_table[i].name, name))
			return &vm_sysctl_table[i];
	return NULL;
}

static int parse_long(const char *text, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(text, &end, 10);
	return errno || end == text ? -EINVAL : (int)(end - text);
}

/*
 * Parse up to max ints (whitespace separated) into vals; returns how many,
 * or -EINVAL with a reason.
 */
static int parse_values(const struct sysctl_desc *d, const char *text, long *vals, int max_vals,
			char *err, size_t errlen)
{
	const char *p = text;
	int n = 0;

	while (*p) {
		long v;
		int used;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		used = parse_long(p, &v);
		if (used < 0 || n >= max_vals || (p[used] && !strchr(" \t\n", p[used]))) {
			snprintf(err, errlen, "vm.%s: '%s' is not %s", d->name, text,
				 d->type != SYSCTL_INT_ZONES ? "an integer" : "a list of integers");
			return -EINVAL;
		}
		if (v < d->min || v > d->max) {
			snprintf(err, errlen, "vm.%s: %ld is out of range [%ld, %ld]",
				 d->name, v, d->min, d->max);
			return -EINVAL;
		}
		vals[n++] = v;
		p += used;
	}
	if (!n) {
		snprintf(err, errlen, "vm.%s: empty value", d->name);
		return -EINVAL;
	}
	return n;
}

static const struct sysctl_desc *find_or_fail(const char *name, char *err, size_t errlen)
{
	const struct sysctl_desc *d = sysctl_find(name);

	if (!d) {
		int off = snprintf(err, errlen, "unknown sysctl '%s'; known:", name);

		for (size_t i = 0; i < vm_sysctl_count && off > 0 && (size_t)off < errlen; i++)
			off += snprintf(err + off, errlen - (size_t)off, " vm.%s", vm_sysctl_table[i].name);
	}
	return d;
}

int sysctl_check_text(const char *name, const char *value, char *err, size_t errlen)
{
	char dummy[256];
	long vals[MAX_NR_ZONES];
	const struct sysctl_desc *d;
	int n;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	d = find_or_fail(name, err, errlen);
	if (!d)
		return -ENOENT;
	n = parse_values(d, value, vals, d->type != SYSCTL_INT_ZONES ? 1 : MAX_NR_ZONES, err, errlen);
	if (n < 0)
		return n;
	if (d->check && d->check(NULL, vals[0])) {
		snprintf(err, errlen, "vm.%s: %ld is not allowed (%s)", d->name, vals[0], d->help);
		return -EINVAL;
	}
	return 0;
}

int sysctl_set(struct machine *m, const char *name, const char *value,
	       char *err, size_t errlen)
{
	char dummy[256];
	struct vm_sysctls saved = m->sysctl;
	long vals[MAX_NR_ZONES];
	const struct sysctl_desc *d;
	int *field, n, ret;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	ret = sysctl_check_text(name, value, err, errlen);
	if (ret)
		return ret;
	d = sysctl_find(name);
	field = (int *)((char *)&m->sysctl + d->offset);
	if (d->type == SYSCTL_LONG) {		/* writeback (issue 5) */
		parse_values(d, value, vals, 1, err, errlen);
		*(long *)field = vals[0];
	} else if (d->type != SYSCTL_INT_ZONES) {
		parse_values(d, value, vals, 1, err, errlen);
		*field = (int)vals[0];
	} else {
		/* One value per zone of this architecture, in zone order. */
		n = parse_values(d, value, vals, MAX_NR_ZONES, err, errlen);
		for (int z = 0, i = 0; z < MAX_NR_ZONES && i < n; z++)
			if (arch_has_zone(m, (enum zone_type)z))
				field[z] = (int)vals[i++];
	}
	if (d->apply && (ret = d->apply(m))) {
		m->sysctl = saved;
		d->apply(m);
		snprintf(err, errlen, "vm.%s: the kernel refused the value", d->name);
		return ret;
	}
	return 0;
}

int sysctl_show(struct machine *m, const char *name, char *buf, size_t len)
{
	const struct sysctl_desc *d = sysctl_find(name);
	const int *field;
	size_t off = 0;

	if (!d)
		return -ENOENT;
	if (d->type == SYSCTL_INT_WRITEONLY)	/* mode 0200, even for root */
		return -EACCES;
	field = (const int *)((const char *)&m->sysctl + d->offset);
	if (d->type == SYSCTL_INT) {
		snprintf(buf, len, "%d\n", *field);
		return 0;
	}
	if (d->type == SYSCTL_LONG) {		/* writeback (issue 5) */
		snprintf(buf, len, "%ld\n", *(const long *)field);
		return 0;
	}
	/* proc_dointvec separates array values with tabs. */
	buf[0] = '\0';
	for (int z = 0; z < MAX_NR_ZONES && off < len; z++) {
		if (!arch_has_zone(m, (enum zone_type)z))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%d", off ? "\t" : "", field[z]);
	}
	if (off < len)
		snprintf(buf + off, len - off, "\n");
	return 0;
}
