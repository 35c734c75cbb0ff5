/*
 * test_xarray.c - lib/xarray.c: random stores, replacements and erases at
 * indices spread over several heights, checked after every step against a
 * host-side reference (sorted pairs): every load, the ordered walk of
 * xa_find over random ranges, value entries, and the node count falling to
 * zero once all is erased (check_machine then checks the slab's counts).
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down; the random sequence comes from a fixed
 * seed (rand_r), so every run is the same.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness.h"
#include "mmsim/mmsim.h"
#include "machine.h"
#include "slab.h"
#include "xarray.h"

#define NR_KEYS 600

struct ref {
	unsigned long index[NR_KEYS];
	void *entry[NR_KEYS];
};

static unsigned long pick_index(unsigned int *seed)
{
	switch (rand_r(seed) % 4) {
	case 0: return (unsigned long)(rand_r(seed) % 64);			/* one node */
	case 1: return (unsigned long)(rand_r(seed) % 5000);			/* two levels */
	case 2: return ((unsigned long)rand_r(seed) << 8) % (1UL << 30);	/* five */
	default: return ((unsigned long)rand_r(seed) << 20) % (1UL << 42);	/* all seven */
	}
}

static void check_against(const struct xarray *xa, const struct ref *r)
{
	for (int i = 0; i < NR_KEYS; i++)
		if (r->entry[i])
			assert_ptr_equal(xa_load(xa, r->index[i]), r->entry[i]);
}

/* xa_find from lo to hi must list exactly the reference's keys there, in order. */
static void check_walk(const struct xarray *xa, const struct ref *r, unsigned long lo,
		       unsigned long hi)
{
	unsigned long index, prev = 0, seen = 0, want = 0;
	bool first = true;
	void *entry;

	for (int i = 0; i < NR_KEYS; i++)
		want += r->entry[i] && r->index[i] >= lo && r->index[i] <= hi;
	xa_for_each_range(xa, index, entry, lo, hi) {
		assert_true(index >= lo && index <= hi);
		assert_true(first || index > prev);
		assert_ptr_equal(xa_load(xa, index), entry);
		first = false;
		prev = index;
		seen++;
	}
	assert_int_equal(seen, want);
}

static int find_slot(struct ref *r, unsigned long index)
{
	int free_slot = -1;

	for (int i = 0; i < NR_KEYS; i++) {
		if (r->entry[i] && r->index[i] == index)
			return i;
		if (!r->entry[i] && free_slot < 0)
			free_slot = i;
	}
	return free_slot;
}

static void test_random(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	struct xarray xa = { 0 };
	struct ref *r = calloc(1, sizeof(*r));
	unsigned int seed = 7;

	(void)state;
	for (int step = 0; step < 4000; step++) {
		unsigned long index = pick_index(&seed);
		int i = find_slot(r, index);
		void *old = (void *)1;

		if (i < 0 || (r->entry[i] && rand_r(&seed) % 3 == 0)) {
			i = i < 0 ? rand_r(&seed) % NR_KEYS : i;
			if (r->entry[i])
				assert_ptr_equal(xa_erase(m, &xa, r->index[i]), r->entry[i]);
			r->entry[i] = NULL;
		} else {
			bool value = rand_r(&seed) % 2;
			void *e = value ? xa_mk_value((unsigned long)step) : (void *)(8UL * (step + 1));

			assert_int_equal(xa_store(m, &xa, index, e, &old), 0);
			assert_ptr_equal(old, r->entry[i]);
			r->index[i] = index;
			r->entry[i] = e;
		}
		if (step % 50 == 0) {
			unsigned long lo = pick_index(&seed), hi = pick_index(&seed);

			check_against(&xa, r);
			check_walk(&xa, r, lo < hi ? lo : hi, lo < hi ? hi : lo);
		}
	}
	check_against(&xa, r);
	check_walk(&xa, r, 0, ~0UL);
	for (int i = 0; i < NR_KEYS; i++)
		if (r->entry[i]) {
			void *e = xa_erase(m, &xa, r->index[i]);

			assert_ptr_equal(e, r->entry[i]);
			if (xa_is_value(e))
				assert_true(xa_to_value(e) < 4000);
			assert_null(xa_load(&xa, r->index[i]));
		}
	assert_true(xa_empty(&xa));
	assert_int_equal(xa.nr_nodes, 0);
	free(r);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_limits(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=1");
	struct xarray xa = { 0 };
	unsigned long index = 5;

	(void)state;
	assert_int_equal(xa_store(m, &xa, 1UL << 42, (void *)8, NULL), -EFBIG);
	assert_null(xa_erase(m, &xa, 3));
	assert_null(xa_find(&xa, &index, ~0UL));
	/* a tall tree shrinks back to one node once the far entry goes */
	assert_int_equal(xa_store(m, &xa, 3, (void *)8, NULL), 0);
	assert_int_equal(xa.nr_nodes, 1);
	assert_int_equal(xa_store(m, &xa, (1UL << 42) - 1, (void *)16, NULL), 0);
	assert_int_equal(xa.nr_nodes, 13);	/* root + 6 down each side */
	assert_ptr_equal(xa_erase(m, &xa, (1UL << 42) - 1), (void *)16);
	assert_int_equal(xa.nr_nodes, 1);
	index = 4;
	assert_null(xa_find(&xa, &index, ~0UL));
	index = 0;
	assert_ptr_equal(xa_find(&xa, &index, 2), NULL);
	assert_ptr_equal(xa_find(&xa, &index, 3), (void *)8);
	assert_int_equal(index, 3);
	xa_destroy(m, &xa);
	assert_true(xa_empty(&xa));
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
