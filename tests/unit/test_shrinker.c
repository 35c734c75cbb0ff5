/*
 * test_shrinker.c - the shrinker framework (mm/shrinker.c): do_shrink_slab's
 * arithmetic against hand-computed Linux figures (delta from freeable,
 * priority and seeks, batches of 128, the small-cache rule, nr_deferred
 * carried between calls and capped, per node for NUMA-aware shrinkers),
 * SHRINK_EMPTY/SHRINK_STOP, slabs_scanned, shrink_slab over the list and
 * drop_slab's doubling stop rule.
 *
 * Invariants: each test boots its own machine and, when it passes, shuts
 * it down; the expected figures are computed by hand, never measured, and
 * no host time is asserted.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "shrinker.h"

/* A cache of `objects` things; scan frees what it is asked, up to what is left. */
struct fake {
	unsigned long objects;
	bool endless;		/* scan always frees all it is asked (a refilling cache) */
	bool stop;		/* scan answers SHRINK_STOP */
	unsigned long counts, scans, asked, freed;
	unsigned long last_nid;
};

static unsigned long fake_count(struct shrinker *s, struct shrink_control *sc)
{
	struct fake *f = s->private_data;

	f->counts++;
	f->last_nid = (unsigned long)sc->nid;
	return f->objects;
}

static unsigned long fake_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct fake *f = s->private_data;
	unsigned long n;

	f->scans++;
	f->asked += sc->nr_to_scan;
	if (f->stop)
		return SHRINK_STOP;
	n = f->endless ? sc->nr_to_scan : min(sc->nr_to_scan, f->objects);
	if (!f->endless)
		f->objects -= n;
	f->freed += n;
	return n;
}

static struct shrinker *fake_shrinker(struct machine *m, struct fake *f, const char *name)
{
	struct shrinker *s = shrinker_alloc(m, name);

	assert_non_null(s);
	assert_int_equal(s->seeks, DEFAULT_SEEKS);
	s->count_objects = fake_count;
	s->scan_objects = fake_scan;
	s->private_data = f;
	return s;
}

static unsigned long run(struct shrinker *s, int nid, int priority)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nid = nid };

	return do_shrink_slab(&sc, s, priority);
}

/* Fresh shrinkers over 100,000 objects: (N >> p) * 4 / 2, whole batches of 128. */
static void test_priority_scaling(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	static const struct { int prio; unsigned long freed; long deferred; } want[] = {
		{ 12, 0, 48 },		/* delta 24*2 = 48: under a batch, all deferred */
		{ 10, 128, 66 },	/* delta 97*2 = 194: one batch */
		{ 6, 3072, 52 },	/* delta 1562*2 = 3124: 24 batches */
		{ 2, 49920, 80 },	/* delta 25000*2 = 50000: 390 batches */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct fake f = { .objects = 100000 };
		struct shrinker *s = fake_shrinker(m, &f, "fake");
		unsigned long before = m->vm_events[SLABS_SCANNED];

		assert_int_equal(run(s, 0, want[i].prio), want[i].freed);
		assert_int_equal(f.freed, want[i].freed);
		assert_int_equal(s->nr_deferred[0], want[i].deferred);
		assert_int_equal(m->vm_events[SLABS_SCANNED] - before, want[i].freed);
		if (want[i].freed)
			assert_int_equal(f.asked, f.scans * SHRINK_BATCH);
		shrinker_free(s);
	}
	check_machine(m);
	mmsim_shutdown(m);
}

/* Work deferred at priority 12 comes due, >> priority, at a lower one. */
static void test_deferred_carries(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	struct fake f = { .objects = 10000 };
	struct shrinker *s = fake_shrinker(m, &f, "fake");

	(void)state;
	for (int i = 0; i < 10; i++)
		assert_int_equal(run(s, 0, 12), 0);	/* delta (10000 >> 12) * 2 = 4 */
	assert_int_equal(f.scans, 0);
	assert_int_equal(s->nr_deferred[0], 40);
	/* p 5: delta 312 * 2 = 624, total 40 >> 5 + 624 = 625: 4 batches. */
	assert_int_equal(run(s, 0, 5), 512);
	assert_int_equal(s->nr_deferred[0], 40 + 624 - 512);
	/* The cap: never more than twice what is freeable. */
	for (int i = 0; i < 3; i++)
		run(s, 0, 12);
	f.objects = 100;
	f.stop = true;		/* nothing scanned: all of delta deferred, capped */
	run(s, 0, 0);
	assert_int_equal(s->nr_deferred[0], 200);
	shrinker_free(s);
	check_machine(m);
	mmsim_shutdown(m);
}

/* A cache under one batch is scanned whole once the target reaches its size. */
static void test_small_cache(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	struct fake f = { .objects = 50 };
	struct shrinker *s = fake_shrinker(m, &f, "small");

	(void)state;
	assert_int_equal(run(s, 0, 2), 0);	/* 12 * 2 = 24 < 50: deferred */
	assert_int_equal(s->nr_deferred[0], 24);
	assert_int_equal(run(s, 0, 1), 50);	/* 25 * 2 + 24 >> 1 = 62 >= 50: one call */
	assert_int_equal(f.scans, 1);
	assert_int_equal(f.asked, 62);
	assert_int_equal(s->nr_deferred[0], 12);	/* 24 + 50 - 62 */
	shrinker_free(s);

	/* seeks 0: delta is freeable / 2, whatever the priority */
	f = (struct fake){ .objects = 1000 };
	s = fake_shrinker(m, &f, "free-to-recreate");
	s->seeks = 0;
	assert_int_equal(run(s, 0, 12), 384);	/* delta 500: 3 batches */
	shrinker_free(s);

	/* Its own batch size */
	f = (struct fake){ .objects = 1000 };
	s = fake_shrinker(m, &f, "batch16");
	s->batch = 16;
	assert_int_equal(run(s, 0, 6), 16);	/* delta 15 * 2 = 30: one batch of 16 */
	assert_int_equal(s->nr_deferred[0], 14);
	shrinker_free(s);
	mmsim_shutdown(m);
}

static void test_empty_and_stop(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	struct fake f = { .objects = 0 };
	struct shrinker *s = fake_shrinker(m, &f, "empty");

	(void)state;
	assert_int_equal(run(s, 0, 0), 0);
	f.objects = SHRINK_EMPTY;
	assert_int_equal(run(s, 0, 0), SHRINK_EMPTY);
	assert_int_equal(f.scans, 0);
	assert_int_equal(s->nr_deferred[0], 0);
	/* SHRINK_STOP: the first call stops the round, nothing counted. */
	f.objects = 1000;
	f.stop = true;
	assert_int_equal(run(s, 0, 0), 0);
	assert_int_equal(f.scans, 1);
	assert_int_equal(s->nr_deferred[0], 2000);
	shrinker_free(s);
	mmsim_shutdown(m);
}

/* NUMA-aware shrinkers keep a deferred count per node, others node 0's. */
static void test_numa_deferred(void **state)
{
	struct machine *m = test_boot("mem=256M nodes=2 cpus=2");
	struct fake f = { .objects = 100000 }, g = { .objects = 100000 };
	struct shrinker *aware = fake_shrinker(m, &f, "aware");
	struct shrinker *unaware = fake_shrinker(m, &g, "unaware");

	(void)state;
	aware->flags |= SHRINKER_NUMA_AWARE;
	run(aware, 1, 12);
	run(unaware, 1, 12);
	assert_int_equal(f.last_nid, 1);
	assert_int_equal(aware->nr_deferred[0], 0);
	assert_int_equal(aware->nr_deferred[1], 48);
	assert_int_equal(unaware->nr_deferred[0], 48);
	assert_int_equal(unaware->nr_deferred[1], 0);
	shrinker_free(aware);
	shrinker_free(unaware);
	check_machine(m);
	mmsim_shutdown(m);
}

/* shrink_slab visits the registered shrinkers in order; freed ones are gone. */
static void test_shrink_slab_list(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	struct fake a = { .objects = 1000 }, b = { .objects = 1000 }, c = { .objects = 1000 };
	struct shrinker *sa = fake_shrinker(m, &a, "a"), *sb = fake_shrinker(m, &b, "b");
	struct shrinker *sc = fake_shrinker(m, &c, "c");

	(void)state;
	shrinker_register(sa);
	shrinker_register(sb);
	/* c is allocated but not registered: never called */
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 0), 2000);
	assert_int_equal(a.freed + b.freed, 2000);
	assert_int_equal(c.counts, 0);
	shrinker_free(sa);
	b.objects = 1000;
	assert_int_equal(shrink_slab(m, GFP_KERNEL, 0, 0), 1000);
	assert_int_equal(a.counts, 1);
	shrinker_free(sb);
	shrinker_free(sc);
	check_machine(m);
	mmsim_shutdown(m);
}

/* drop_slab stops once a round frees no more than 1 << round objects. */
static void test_drop_slab_terminates(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	struct fake f = { .objects = 1000, .endless = true };
	struct shrinker *s = fake_shrinker(m, &f, "endless");

	(void)state;
	shrinker_register(s);
	drop_slab(m);
	/* Every round frees 1920 (15 batches of the 2000 asked): 1920 >> 10 == 1 stops it. */
	assert_int_equal(f.counts, 11);
	assert_int_equal(f.freed, 11 * 1920);
	shrinker_free(s);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priority_scaling),
		cmocka_unit_test(test_deferred_carries),
		cmocka_unit_test(test_small_cache),
		cmocka_unit_test(test_empty_and_stop),
		cmocka_unit_test(test_numa_deferred),
		cmocka_unit_test(test_shrink_slab_list),
		cmocka_unit_test(test_drop_slab_terminates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
