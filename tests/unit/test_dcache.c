/*
 * test_dcache.c - the dentry cache (fs/dcache.c) and its reaping: dentries
 * and SReclaimable grow with lookups, /proc/sys/fs/dentry-state follows,
 * negative dentries stay cached, the LRU's second chance, in-use dentries
 * leave the LRU but stay, shrink_slab frees what Linux's formula says at
 * each priority (batches of 1024 through super_cache_scan), GFP_NOFS stops
 * it, vfs_cache_pressure 0 keeps everything, drop_caches 2 frees the unused
 * ones (parents with them) but none in use, d_delete, errors and ENOMEM.
 *
 * Invariants: each test boots its own machine (which resets iputs, the one
 * static) and, when it passes, runs check_machine and shuts it down; what
 * is asserted is simulated state, never host time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "dcache.h"

static char fake_inodes[8];
static int iputs;

static void count_iput(struct machine *m, struct dentry *d, struct inode *inode)
{
	(void)m;
	(void)d;
	assert_ptr_equal(inode, (struct inode *)fake_inodes);
	iputs++;
}

static struct machine *boot(const char *opts)
{
	struct machine *m = test_boot(opts);

	m->dcache.d_iput = count_iput;
	iputs = 0;
	return m;
}

static struct dentry *lookup(struct machine *m, const char *path, bool create)
{
	struct dentry *d = d_lookup_path(m, path, create);

	assert_false(IS_ERR(d));
	return d;
}

/* n files dir/fN, positive, unused (one dput each: on the LRU, not referenced). */
static void make_files(struct machine *m, const char *dir, int n)
{
	char path[64];

	for (int i = 0; i < n; i++) {
		struct dentry *d;

		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		d = lookup(m, path, true);
		assert_non_null(d);
		d_instantiate(m, d, (struct inode *)fake_inodes);
		dput(m, d);
	}
}

static void assert_state(struct machine *m, long nr, long unused, long negative)
{
	char want[128], *text = test_proc(m, "sys/fs/dentry-state");

	snprintf(want, sizeof(want), "%ld\t%ld\t45\t0\t%ld\t0\n", nr, unused, negative);
	assert_string_equal(text, want);
	free(text);
}

static long sreclaimable_kb(struct machine *m)
{
	char *text = test_proc(m, "meminfo");
	long kb = strtol(strstr(text, "SReclaimable:") + 13, NULL, 10);

	free(text);
	return kb;
}

static unsigned long lru_count(struct machine *m)
{
	return list_lru_count(&m->dcache.lru);
}

static void test_lookups_grow(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");
	struct dentry *d, *a;

	(void)state;
	assert_state(m, 1, 0, 0);		/* the root */
	assert_null(d_lookup_path(m, "a/b/c", false));
	d = lookup(m, "/a/b/c", true);
	assert_true(d_is_negative(d));
	assert_string_equal(d->d_name.name, "c");
	assert_state(m, 4, 0, 0);
	a = lookup(m, "a", false);
	assert_true(d_is_dir(a));
	assert_int_equal(a->d_count, 2);	/* ours and its child's */
	dput(m, a);
	assert_ptr_equal(lookup(m, "a//./b/c/", false), d);
	assert_int_equal(d->d_count, 2);
	dput(m, d);
	dput(m, d);
	assert_state(m, 4, 1, 1);		/* c is unused and negative */
	assert_ptr_equal(lookup(m, "", false), m->dcache.root);
	dput(m, m->dcache.root);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Dentries are reclaimable slab; drop_caches 2 frees the unused ones only. */
static void test_drop_caches(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");
	long sre0 = sreclaimable_kb(m), sre1, sre2;
	struct slabinfo info;
	struct dentry *x;
	char buf[64], *log, *p;
	int lines = 0;

	(void)state;
	make_files(m, "dir", 3000);
	assert_state(m, 3002, 3000, 0);
	get_slabinfo(m, m->dcache.dentry_cache, &info);
	assert_true(info.active_objs >= 3002);
	sre1 = sreclaimable_kb(m);
	assert_true(sre1 - sre0 >= 3000 * DENTRY_OBJ_SIZE / 1024);
	assert_int_equal(m->vm_node_stat[NR_SLAB_RECLAIMABLE_B] / 1024, sre1);

	x = lookup(m, "keep/x", true);		/* in use across the drop */
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "2", NULL, 0), 0);
	assert_state(m, 3, 0, 0);		/* root, keep, x: "dir" went with its last child */
	assert_int_equal(iputs, 3000);
	assert_int_equal(x->d_count, 1);
	sre2 = sreclaimable_kb(m);
	assert_true(sre2 < sre1 - 400);
	assert_int_equal(m->vm_events[DROP_SLAB], 1);
	assert_int_equal(m->vm_events[DROP_PAGECACHE], 0);
	assert_true(m->vm_events[SLABS_SCANNED] >= 3000);

	/* Write-only, bounded as the host's 6.18 bounds it; 4 silences the log. */
	assert_int_equal(mmsim_sysctl_get(m, "vm.drop_caches", buf, sizeof(buf)), -EACCES);
	assert_null(mmsim_proc_read(m, "sys/vm/drop_caches", NULL));
	assert_int_equal(errno, EACCES);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "0", NULL, 0), -EINVAL);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "64", NULL, 0), -EINVAL);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "1", NULL, 0), 0);
	assert_int_equal(m->vm_events[DROP_PAGECACHE], 1);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "4", NULL, 0), 0);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "3", NULL, 0), 0);
	assert_int_equal(m->vm_events[DROP_SLAB], 2);
	log = mmsim_dmesg(m, NULL);
	assert_non_null(strstr(log, "mmsim (0): drop_caches: 2\n"));
	assert_non_null(strstr(log, "mmsim (0): drop_caches: 4\n"));
	assert_null(strstr(log, "drop_caches: 3"));
	for (p = log; (p = strstr(p, "drop_caches:")); p++)
		lines++;
	assert_int_equal(lines, 3);
	free(log);
	dput(m, x);
	check_machine(m);
	mmsim_shutdown(m);
}

/* vfs_cache_pressure scales what the shrinker reports; 0 keeps everything. */
static void test_vfs_cache_pressure(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");

	(void)state;
	make_files(m, "p", 500);
	assert_int_equal(mmsim_sysctl_set(m, "vm.vfs_cache_pressure", "0", NULL, 0), 0);
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 0), 0);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "2", NULL, 0), 0);
	assert_state(m, 502, 500, 0);
	assert_int_equal(mmsim_sysctl_set(m, "vm.vfs_cache_pressure_denom", "99", NULL, 0),
			 -EINVAL);
	assert_int_equal(mmsim_sysctl_set(m, "vm.vfs_cache_pressure", "-1", NULL, 0), -EINVAL);
	/* 200/100: the count doubles; 50/200 quarters it */
	assert_int_equal(mmsim_sysctl_set(m, "vm.vfs_cache_pressure", "200", NULL, 0), 0);
	assert_int_equal(vfs_pressure_ratio(m, 500), 1000);
	assert_int_equal(mmsim_sysctl_set(m, "vm.vfs_cache_pressure", "50", NULL, 0), 0);
	assert_int_equal(mmsim_sysctl_set(m, "vm.vfs_cache_pressure_denom", "200", NULL, 0), 0);
	assert_int_equal(vfs_pressure_ratio(m, 500), 125);
	assert_int_equal(mmsim_sysctl_set(m, "vm.vfs_cache_pressure", "100", NULL, 0), 0);
	assert_int_equal(mmsim_sysctl_set(m, "vm.vfs_cache_pressure_denom", "100", NULL, 0), 0);
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 0), 500);
	assert_state(m, 1, 0, 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Linux's figures for 20,000 unused dentries, batch 1024, through super_cache_scan. */
static void test_shrink_slab_priorities(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");
	struct shrinker *s = m->dcache.shrinker;

	(void)state;
	make_files(m, "d", 20000);
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 12), 0);	/* delta 4 * 2 */
	assert_int_equal(s->nr_deferred[0], 8);
	s->nr_deferred[0] = 0;
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 6), 0);		/* delta 624 < 1024 */
	assert_int_equal(s->nr_deferred[0], 624);
	/* p 5: 624 >> 5 + 625 * 2 = 1269: one batch of 1024 */
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 5), 1024);
	assert_int_equal(s->nr_deferred[0], 624 + 1250 - 1024);
	assert_state(m, 20002 - 1024, 20000 - 1024, 0);
	/* No __GFP_FS: the superblock cannot be entered */
	assert_int_equal(shrink_slab(m, GFP_NOFS, 0, 0), 0);
	assert_state(m, 20002 - 1024, 20000 - 1024, 0);
	/* p 1: (18976 >> 1) * 2 = 18976: 18 whole batches, 544 deferred */
	s->nr_deferred[0] = 0;
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 1), 18 * 1024);
	assert_int_equal(s->nr_deferred[0], 544);
	assert_state(m, 2 + 544, 544, 0);
	/* p 0: 544 + 1088, capped at 1088: one batch takes the rest, "d" with them */
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 0), 544);
	assert_state(m, 1, 0, 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* DCACHE_REFERENCED: rotated and cleared once, freed on the next pass. */
static void test_second_chance(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nid = 0, .nr_to_scan = 10 };
	char path[32];

	(void)state;
	make_files(m, "s", 10);
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "s/f%d", i);
		dput(m, lookup(m, path, false));	/* a second dput: referenced */
	}
	assert_int_equal(prune_dcache_sb(m, &sc), 5);
	assert_int_equal(sc.nr_to_scan, 0);
	assert_state(m, 7, 5, 0);
	for (int i = 0; i < 5; i++) {
		struct dentry *d;

		snprintf(path, sizeof(path), "s/f%d", i);
		d = lookup(m, path, false);
		assert_non_null(d);
		assert_false(d->d_flags & DCACHE_REFERENCED);
		d->d_count--;		/* peek without a dput, which would mark it again */
	}
	sc.nr_to_scan = 10;
	assert_int_equal(prune_dcache_sb(m, &sc), 5);
	assert_state(m, 1, 0, 0);		/* "s" died with its last child */
	check_machine(m);
	mmsim_shutdown(m);
}

/* A lookup does not take a dentry off the LRU; the shrinker does, without freeing it. */
static void test_in_use_on_lru(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nid = 0, .nr_to_scan = 10 };
	struct dentry *d;

	(void)state;
	make_files(m, "u", 1);
	d = lookup(m, "u/f0", false);
	assert_state(m, 3, 1, 0);
	assert_int_equal(prune_dcache_sb(m, &sc), 1);	/* Linux counts it as freed */
	assert_state(m, 3, 0, 0);
	assert_int_equal(iputs, 0);
	assert_int_equal(lru_count(m), 0);
	dput(m, d);
	assert_state(m, 3, 1, 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_negative_dentries(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");
	struct dentry *d;

	(void)state;
	dput(m, lookup(m, "n/missing", true));	/* a failed lookup leaves it cached */
	assert_state(m, 3, 1, 1);
	d = lookup(m, "n/missing", false);
	assert_true(d_is_negative(d));
	d_instantiate(m, d, (struct inode *)fake_inodes);	/* created after all */
	assert_state(m, 3, 1, 0);
	dput(m, d);
	assert_true(d->d_flags & DCACHE_REFERENCED);
	assert_int_equal(PTR_ERR(d_lookup_path(m, "n/missing/x", true)), -ENOTDIR);
	assert_null(d_lookup_path(m, "n/nothere/x", false));
	dput(m, lookup(m, "n/neg", true));
	assert_state(m, 4, 2, 1);
	assert_int_equal(PTR_ERR(d_lookup_path(m, "n/neg/x", false)), -ENOENT);
	d = lookup(m, "n/neg/x", true);		/* mkdir -p: neg becomes a directory */
	assert_state(m, 5, 2, 0);
	assert_true(d_is_dir(d->d_parent));
	dput(m, d);
	assert_state(m, 5, 3, 1);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_d_delete(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");
	struct dentry *d, *fresh;

	(void)state;
	make_files(m, "del", 1);
	d_delete_path(m, "del/f0");		/* unused: turns negative, stays */
	assert_int_equal(iputs, 1);
	assert_state(m, 3, 1, 1);
	d = lookup(m, "del/f0", false);
	assert_true(d_is_negative(d));
	d_instantiate(m, d, (struct inode *)fake_inodes);
	d_delete_path(m, "del/f0");		/* open elsewhere: unhashed */
	assert_int_equal(iputs, 1);
	assert_null(d_lookup_path(m, "del/f0", false));
	fresh = lookup(m, "del/f0", true);
	assert_ptr_not_equal(fresh, d);
	assert_state(m, 4, 1, 0);		/* the unhashed one is still on the LRU */
	check_machine(m);
	dput(m, d);				/* the last close: it dies */
	assert_int_equal(iputs, 2);
	assert_state(m, 3, 0, 0);
	dput(m, fresh);
	d_delete_path(m, "no/such");
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_errors_and_long_names(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");
	char name[300], *path = malloc(MMSIM_PATH_MAX + 1);
	struct dentry *d;

	(void)state;
	assert_int_equal(PTR_ERR(d_lookup_path(m, "a/../b", true)), -EINVAL);
	assert_int_equal(PTR_ERR(d_lookup_path(m, NULL, true)), -EINVAL);
	memset(name, 'x', 256);
	name[256] = '\0';
	assert_int_equal(PTR_ERR(d_lookup_path(m, name, true)), -ENAMETOOLONG);
	memset(path, 'y', MMSIM_PATH_MAX);
	path[MMSIM_PATH_MAX] = '\0';
	assert_int_equal(PTR_ERR(d_lookup_path(m, path, true)), -ENAMETOOLONG);
	free(path);
	assert_state(m, 1, 0, 0);
	name[255] = '\0';			/* NAME_MAX is fine */
	d = lookup(m, name, true);
	assert_int_equal(d->d_name.len, 255);
	dput(m, d);
	memset(name, 'z', 100);
	name[100] = '\0';
	d = lookup(m, name, true);		/* beyond the inline 39: a kmalloc-rcl object */
	assert_ptr_not_equal(d->d_name.name, (const char *)d->d_iname);
	assert_int_equal(ksize(m, d->d_name.name - 24), 128);
	assert_string_equal(d->d_name.name, name);
	dput(m, d);
	d = lookup(m, "short", true);
	assert_ptr_equal(d->d_name.name, (const char *)d->d_iname);
	dput(m, d);
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "2", NULL, 0), 0);
	assert_state(m, 1, 0, 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* A failed allocation leaves what was built cached and the counters true. */
static void test_enomem(void **state)
{
	struct machine *m = boot("mem=256M cpus=2");

	(void)state;
	for (unsigned long nth = 1; nth <= 3; nth++) {
		struct dentry *d;

		m->fail.nth[FAIL_SLAB_ALLOC] = nth;
		m->fail.count[FAIL_SLAB_ALLOC] = 0;
		m->fail.repeat[FAIL_SLAB_ALLOC] = true;
		d = d_lookup_path(m, "e1/e2/e3/e4", true);
		m->fail.nth[FAIL_SLAB_ALLOC] = 0;
		assert_int_equal(PTR_ERR(d), -ENOMEM);
		check_machine(m);
	}
	assert_int_equal(mmsim_sysctl_set(m, "vm.drop_caches", "2", NULL, 0), 0);
	assert_state(m, 1, 0, 0);
	mmsim_shutdown(m);
}

/* The LRU is per node: shrinking node 1 leaves node 0's dentries. */
static void test_numa_lru(void **state)
{
	struct machine *m = boot("mem=256M nodes=2 cpus=2");

	(void)state;
	make_files(m, "numa", 100);
	assert_int_equal(list_lru_count_node(&m->dcache.lru, 0) +
			 list_lru_count_node(&m->dcache.lru, 1), 100);
	assert_int_equal(list_lru_count_node(&m->dcache.lru, 1), 0);
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 1, 0), 0);
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 0), 100);
	assert_state(m, 1, 0, 0);
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups_grow),
		cmocka_unit_test(test_drop_caches),
		cmocka_unit_test(test_vfs_cache_pressure),
		cmocka_unit_test(test_shrink_slab_priorities),
		cmocka_unit_test(test_second_chance),
		cmocka_unit_test(test_in_use_on_lru),
		cmocka_unit_test(test_negative_dentries),
		cmocka_unit_test(test_d_delete),
		cmocka_unit_test(test_errors_and_long_names),
		cmocka_unit_test(test_enomem),
		cmocka_unit_test(test_numa_lru),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
