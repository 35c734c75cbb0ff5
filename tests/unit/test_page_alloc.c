/*
 * test_page_alloc.c - the buddy allocator: split and merge exactness,
 * fragmentation, zone and node fallback with lowmem_reserve, per-CPU lists,
 * atomic reserves below min, fault-injection sweep, failure reports.
 * Every step is followed by check_machine() (all validators).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"
#include "../../src/mm/internal.h"

static unsigned long nr_free_order(struct zone *z, unsigned int o)
{
	return z->free_area[o].nr_free;
}

static struct zone *zone_of(struct machine *m, int nid, enum zone_type t)
{
	return &NODE_DATA(m, nid)->node_zones[t];
}

/* A growable array of allocated pages. */
struct pages {
	struct page **p;
	unsigned int *order;
	size_t n, cap;
};

static void pages_push(struct pages *v, struct page *p, unsigned int order)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->p = realloc(v->p, v->cap * sizeof(*v->p));
		v->order = realloc(v->order, v->cap * sizeof(*v->order));
	}
	v->p[v->n] = p;
	v->order[v->n++] = order;
}

static void pages_free_all(struct machine *m, struct pages *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->p[i])
			__free_pages(m, v->p[i], v->order[i]);
	free(v->p);
	free(v->order);
	memset(v, 0, sizeof(*v));
}

/* Order-4 (no pcp) splits take the lowest half and leave the buddies. */
static void test_split_merge_exact(void **state)
{
	struct machine *m = test_boot("mem=256M nodes=1 cpus=1");
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	unsigned long before[NR_PAGE_ORDERS], free0;
	struct page *a, *b;
	struct pages held = { 0 };
	unsigned long pa;
	int lowest = -1;

	(void)state;
	/* take the ready order-4 blocks so that the next one is a split */
	while (zone_free_blocks(z, 4, MIGRATE_MOVABLE))
		pages_push(&held, alloc_pages(m, GFP_HIGHUSER_MOVABLE, 4), 4);
	check_machine(m);
	drain_all_pages(m, NULL);
	free0 = (unsigned long)zone_page_state(z, NR_FREE_PAGES);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		before[o] = nr_free_order(z, (unsigned int)o);
	/* the smallest movable block of order >= 4 is what gets split */
	for (int o = 4; o < NR_PAGE_ORDERS && lowest < 0; o++)
		if (zone_free_blocks(z, (unsigned int)o, MIGRATE_MOVABLE))
			lowest = o;
	assert_true(lowest > 4);
	a = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 4);
	assert_non_null(a);
	check_machine(m);
	pa = page_to_pfn(m, a);
	assert_true(IS_ALIGNED(pa, 16));
	assert_ptr_equal(page_zone(m, a), z);
	assert_int_equal(page_ref_count(a), 1);
	for (int o = 4; o < NR_PAGE_ORDERS; o++) {
		long want = (long)before[o] + (o >= 4 && o < lowest) - (o == lowest);

		assert_int_equal((long)nr_free_order(z, (unsigned int)o), want);
	}
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), (long)free0 - 16);
	/* the next order-4 is the buddy left at the head of the order-4 list */
	b = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 4);
	assert_int_equal(page_to_pfn(m, b), pa + 16);
	check_machine(m);
	__free_pages(m, b, 4);
	__free_pages(m, a, 4);
	check_machine(m);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		assert_int_equal(nr_free_order(z, (unsigned int)o), before[o]);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), (long)free0);
	pages_free_all(m, &held);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Order-0 through the pcp: the refill is physically contiguous. */
static void test_order0_pcp_exact(void **state)
{
	struct machine *m = test_boot("mem=256M nodes=1 cpus=1");
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	struct per_cpu_pages *pcp = per_cpu_pageset(m, z, 0);
	unsigned long before[NR_PAGE_ORDERS];
	struct page *p, *q;
	unsigned long pfn;
	long free0;

	(void)state;
	drain_all_pages(m, NULL);
	free0 = zone_page_state(z, NR_FREE_PAGES);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		before[o] = nr_free_order(z, (unsigned int)o);
	assert_int_equal(pcp->count, 0);
	p = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);
	assert_non_null(p);
	pfn = page_to_pfn(m, p);
	/* batch pulled in, one handed out; the zone counted them all as allocated */
	assert_true(pcp->count >= 1);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), free0 - pcp->count - 1);
	q = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(page_to_pfn(m, q), pfn + 1);
	check_machine(m);
	__free_pages(m, q, 0);
	__free_pages(m, p, 0);
	/* freed pages sit on the pcp list until drained */
	assert_true(pcp->count >= 2);
	drain_all_pages(m, NULL);
	assert_int_equal(pcp->count, 0);
	check_machine(m);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		assert_int_equal(nr_free_order(z, (unsigned int)o), before[o]);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), free0);
	mmsim_shutdown(m);
}

/* Take everything (no watermarks), free every other page: only order 0 left. */
static void test_fragmentation(void **state)
{
	struct machine *m = test_boot("mem=64M nodes=1 cpus=1");
	struct pages v = { 0 };
	struct page *p;
	long free_after;
	char *log, *info;

	(void)state;
	/* Pages parked on higher-order pcp lists by boot's slab refills would
	 * escape an order-0 sweep and merge back when drained below. */
	drain_all_pages(m, NULL);
	while ((p = alloc_pages(m, GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOWARN, 0)))
		pages_push(&v, p, 0);
	check_machine(m);
	assert_int_equal(test_free_pages(m), 0);
	for (size_t i = 0; i < v.n; i++) {
		if (page_to_pfn(m, v.p[i]) & 1) {
			__free_pages(m, v.p[i], 0);
			v.p[i] = NULL;
		}
	}
	drain_all_pages(m, NULL);
	check_machine(m);
	free_after = test_free_pages(m);
	assert_true(free_after > (long)v.n / 3);
	for (unsigned int o = 1; o < NR_PAGE_ORDERS; o++) {
		struct zone *z;
		int nid, zi;

		for_each_zone(m, z, nid, zi)
			assert_int_equal(nr_free_order(z, o), 0);
	}
	assert_null(alloc_pages(m, GFP_KERNEL, 1));
	assert_null(alloc_pages(m, GFP_KERNEL | __GFP_NOWARN, 3));
	check_machine(m);
	log = mmsim_dmesg(m, NULL);
	assert_non_null(strstr(log, "mmsim: page allocation failure: order:1, "
				    "mode:0xcc0(GFP_KERNEL), nodemask=(null)"));
	assert_null(strstr(log, "order:3"));
	free(log);
	info = test_proc(m, "buddyinfo");
	free(info);
	/* order 0 still works */
	p = alloc_pages(m, GFP_KERNEL, 0);
	assert_non_null(p);
	__free_pages(m, p, 0);
	pages_free_all(m, &v);
	drain_all_pages(m, NULL);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_zone_choice(void **state)
{
	struct machine *m = test_boot("mem=6G nodes=1 cpus=2");
	struct { gfp_t gfp; enum zone_type zone; } cases[] = {
		{ GFP_DMA | GFP_KERNEL, ZONE_DMA },
		{ GFP_DMA32 | GFP_KERNEL, ZONE_DMA32 },
		{ GFP_KERNEL, ZONE_NORMAL },
		{ GFP_HIGHUSER_MOVABLE, ZONE_NORMAL },	/* no ZONE_MOVABLE configured */
		{ GFP_ATOMIC, ZONE_NORMAL },
	};

	(void)state;
	assert_int_equal(gfp_zone(m, GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	assert_int_equal(gfp_zone(m, GFP_KERNEL), ZONE_NORMAL);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long ev = m->vm_events[PGALLOC_DMA + zone_event_slot(m, cases[i].zone)];
		struct page *p = alloc_pages(m, cases[i].gfp, 0);

		assert_non_null(p);
		assert_int_equal(page_zonenum(p), cases[i].zone);
		assert_int_equal(m->vm_events[PGALLOC_DMA + zone_event_slot(m, cases[i].zone)],
				 ev + 1);
		__free_pages(m, p, 0);
		check_machine(m);
	}
	mmsim_shutdown(m);
}

/* Exhaust Normal: GFP_KERNEL moves to DMA32 and stops at its reserve. */
static void test_zone_fallback_lowmem_reserve(void **state)
{
	struct machine *m = test_boot("mem=5G nodes=1 cpus=1");
	struct zone *normal = zone_of(m, 0, ZONE_NORMAL), *dma32 = zone_of(m, 0, ZONE_DMA32);
	struct pages v = { 0 };
	struct page *p;
	bool saw_dma32 = false;

	(void)state;
	assert_true(dma32->lowmem_reserve[ZONE_NORMAL] > 0);
	while ((p = alloc_pages(m, GFP_KERNEL | __GFP_NOWARN, 0))) {
		pages_push(&v, p, 0);
		if (page_zonenum(p) == ZONE_DMA32)
			saw_dma32 = true;
	}
	check_machine(m);
	assert_true(saw_dma32);
	/* Normal stops at its min (pcp pages count as allocated) */
	assert_true(zone_page_state(normal, NR_FREE_PAGES) <= (long)min_wmark_pages(normal));
	/* DMA32 keeps min + lowmem_reserve[NORMAL] once its pcp lists drain */
	drain_all_pages(m, NULL);
	assert_true(zone_page_state(dma32, NR_FREE_PAGES) >=
		    (long)min_wmark_pages(dma32) + dma32->lowmem_reserve[ZONE_NORMAL]);
	/* a DMA32 request may still use what Normal requests could not */
	p = alloc_pages(m, GFP_DMA32 | GFP_KERNEL, 0);
	assert_non_null(p);
	assert_true(page_zonenum(p) <= ZONE_DMA32);
	__free_pages(m, p, 0);
	pages_free_all(m, &v);
	drain_all_pages(m, NULL);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_node_fallback(void **state)
{
	struct machine *m = test_boot("mem=512M nodes=2 cpus=2");
	struct pages v = { 0 };
	struct page *p;
	long miss0 = m->vm_numa_event[NUMA_MISS];
	size_t from1 = 0;

	(void)state;
	assert_int_equal(numa_node_id(m), 0);
	/* node 0's zonelist: its own zones, then node 1's */
	assert_int_equal(zone_to_nid(NODE_DATA(m, 0)->node_zonelists[ZONELIST_FALLBACK]
				     ._zonerefs[0].zone), 0);
	while ((p = alloc_pages(m, GFP_KERNEL | __GFP_NOWARN, 0))) {
		pages_push(&v, p, 0);
		if (page_to_nid(p) == 1 && ++from1 >= 100)
			break;
	}
	check_machine(m);
	assert_int_equal(from1, 100);
	assert_true(m->vm_numa_event[NUMA_MISS] - miss0 >= 100);
	{
		long foreign = 0, miss = 0;
		struct zone *z;
		int nid, zi;

		for_each_zone(m, z, nid, zi) {
			if (nid == 0)
				foreign += z->vm_numa_event[NUMA_FOREIGN];
			else
				miss += z->vm_numa_event[NUMA_MISS];
		}
		assert_true(foreign >= 100);
		assert_int_equal(foreign, miss);
	}
	/*
	 * The fast path left node 0 at its low watermark; __GFP_THISNODE may
	 * take it down to min in the slow path but never leaves node 0.
	 */
	while ((p = alloc_pages(m, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0))) {
		assert_int_equal(page_to_nid(p), 0);
		pages_push(&v, p, 0);
	}
	check_machine(m);
	pages_free_all(m, &v);
	drain_all_pages(m, NULL);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_pcp_lists(void **state)
{
	struct machine *m = test_boot("mem=1G nodes=1 cpus=2");
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	struct per_cpu_pages *pcp0 = per_cpu_pageset(m, z, 0), *pcp1 = per_cpu_pageset(m, z, 1);
	struct pages v = { 0 };
	int batch = pcp0->batch;

	(void)state;
	/* zone_batchsize: managed >> 10 capped at 256, /4, 2^n - 1 */
	{
		int b = (int)min(zone_managed_pages(z) >> 10, 256UL) / 4;

		b = b < 1 ? 1 : b;
		assert_int_equal(batch, (int)rounddown_pow_of_two((unsigned long)(b + b / 2)) - 1);
		assert_int_equal(pcp0->high_min, max((int)(low_wmark_pages(z) / 2), batch * 4));
		assert_int_equal(pcp0->high_max, max((int)(zone_managed_pages(z) / 8 / 2), batch * 4));
	}
	drain_all_pages(m, NULL);
	for (int i = 0; i < 4 * batch; i++)
		pages_push(&v, alloc_pages(m, GFP_DMA32 | GFP_KERNEL, 0), 0);
	check_machine(m);
	/* frees on CPU 1 land on CPU 1's list */
	m->cpu = 1;
	for (size_t i = 0; i < v.n; i++)
		__free_pages(m, v.p[i], 0);
	v.n = 0;
	assert_true(pcp1->count > 0);
	assert_true(pcp1->count <= pcp1->high_max);
	check_machine(m);
	/* the list never exceeds high: freeing a lot makes it spill in batches */
	for (int i = 0; i < 3 * pcp1->high_max; i++)
		pages_push(&v, alloc_pages(m, GFP_DMA32 | GFP_KERNEL, 0), 0);
	for (size_t i = 0; i < v.n; i++) {
		__free_pages(m, v.p[i], 0);
		assert_true(pcp1->count <= pcp1->high_max + 1);
	}
	v.n = 0;
	check_machine(m);
	drain_all_pages(m, NULL);
	assert_int_equal(pcp0->count, 0);
	assert_int_equal(pcp1->count, 0);
	check_machine(m);
	/* percpu_pagelist_high_fraction pins high_min == high_max */
	assert_int_equal(mmsim_sysctl_set(m, "vm.percpu_pagelist_high_fraction", "8", NULL, 0), 0);
	assert_int_equal(pcp0->high_min, pcp0->high_max);
	m->cpu = 0;
	pages_free_all(m, &v);
	mmsim_shutdown(m);
}

/* Below min: GFP_KERNEL fails, GFP_ATOMIC may dip further. */
static void test_atomic_dips_below_min(void **state)
{
	struct machine *m = test_boot("mem=128M nodes=1 cpus=1");
	struct pages v = { 0 };
	struct page *p;
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	size_t atomic = 0;

	(void)state;
	while ((p = alloc_pages(m, GFP_KERNEL | __GFP_NOWARN, 0)))
		pages_push(&v, p, 0);
	check_machine(m);
	assert_null(alloc_pages(m, GFP_KERNEL | __GFP_NOWARN, 0));
	while ((p = alloc_pages(m, GFP_ATOMIC | __GFP_NOWARN, 0))) {
		pages_push(&v, p, 0);
		atomic++;
	}
	check_machine(m);
	assert_true(atomic > 0);
	/* atomic stops at min - min/2 - (min - min/2)/4 (plus pcp batch slack) */
	{
		long min = (long)min_wmark_pages(z);
		long floor = min - min / 2;

		floor -= floor / 4;
		assert_true(zone_page_state(z, NR_FREE_PAGES) <= floor + 1);
		assert_true(zone_page_state(z, NR_FREE_PAGES) > 0);
	}
	pages_free_all(m, &v);
	drain_all_pages(m, NULL);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Fail the Nth allocation of a small sequence; nothing leaks. */
static void test_fault_sweep(void **state)
{
	(void)state;
	for (unsigned long nth = 1; nth <= 12; nth++) {
		struct machine *m = test_boot("mem=128M nodes=2 cpus=2");
		static const unsigned int orders[] = { 0, 3, 0, 9, 1, 0, 10, 2, 0, 4, 0, 5 };
		struct pages v = { 0 };
		long free0;
		int failed = 0;

		drain_all_pages(m, NULL);
		free0 = test_free_pages(m);
		assert_int_equal(mmsim_fail_nth(m, "page", nth, 0), 0);
		for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
			struct page *p = alloc_pages(m, GFP_KERNEL | __GFP_COMP, orders[i]);

			if (!p) {
				failed++;
				continue;
			}
			pages_push(&v, p, orders[i]);
			check_machine(m);
		}
		assert_int_equal(failed, 1);
		pages_free_all(m, &v);
		drain_all_pages(m, NULL);
		check_machine(m);
		assert_int_equal(test_free_pages(m), free0);
		mmsim_shutdown(m);
	}
}

static void test_compound_and_zero(void **state)
{
	struct machine *m = test_boot("mem=128M nodes=1 cpus=1");
	struct page *p = alloc_pages(m, GFP_KERNEL, 2);
	unsigned char *a;

	(void)state;
	memset(page_address(m, p), 0xaa, 4 * PAGE_SIZE);
	__free_pages(m, p, 2);
	p = alloc_pages(m, GFP_KERNEL | __GFP_ZERO | __GFP_COMP, 2);
	a = page_address(m, p);
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
		assert_int_equal(a[i], 0);
	assert_true(PageHead(p));
	assert_int_equal(compound_order(p), 2);
	for (int i = 1; i < 4; i++)
		assert_ptr_equal(compound_head(&p[i]), p);
	__free_pages(m, p, 2);
	check_machine(m);
	/* __get_free_pages/free_pages round trip */
	a = __get_free_pages(m, GFP_KERNEL, 1);
	assert_non_null(a);
	free_pages(m, a, 1);
	check_machine(m);
	mmsim_shutdown(m);
}

/* High-order atomic success reserves a pageblock; pressure gives it back. */
static void test_highatomic(void **state)
{
	struct machine *m = test_boot("mem=512M nodes=1 cpus=1");
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	struct pages v = { 0 };
	struct page *p;

	(void)state;
	assert_int_equal(z->nr_reserved_highatomic, 0);
	/* the fast path never reserves: get below the low watermark first */
	while ((p = alloc_pages(m, GFP_KERNEL | __GFP_NOWARN, 0)))
		pages_push(&v, p, 0);
	p = alloc_pages(m, GFP_ATOMIC, 2);
	assert_non_null(p);
	assert_int_equal(z->nr_reserved_highatomic, pageblock_nr_pages);
	assert_int_equal(get_pfnblock_migratetype(z, page_to_pfn(m, p)), MIGRATE_HIGHATOMIC);
	check_machine(m);
	__free_pages(m, p, 2);
	pages_free_all(m, &v);
	drain_all_pages(m, NULL);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_nofail_bounded(void **state)
{
	struct machine *m = test_boot("mem=64M nodes=1 cpus=1");
	struct pages v = { 0 };
	struct page *p;

	(void)state;
	while ((p = alloc_pages(m, GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOWARN, 0)))
		pages_push(&v, p, 0);
	/* nothing left, nothing reclaimable: must come back, not hang */
	p = alloc_pages(m, GFP_KERNEL | __GFP_NOFAIL, 0);
	assert_null(p);
	check_machine(m);
	pages_free_all(m, &v);
	drain_all_pages(m, NULL);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_si_mem_available(void **state)
{
	struct machine *m = test_boot("mem=1G nodes=1 cpus=1");
	long avail = si_mem_available(m);

	(void)state;
	/* no page cache yet: free minus reserve, plus reclaimable slab */
	assert_true(avail <= test_free_pages(m) - (long)m->totalreserve_pages +
			     global_node_page_state_pages(m, NR_SLAB_RECLAIMABLE_B));
	assert_true(avail >= test_free_pages(m) - (long)m->totalreserve_pages);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_merge_exact),
		cmocka_unit_test(test_order0_pcp_exact),
		cmocka_unit_test(test_fragmentation),
		cmocka_unit_test(test_zone_choice),
		cmocka_unit_test(test_zone_fallback_lowmem_reserve),
		cmocka_unit_test(test_node_fallback),
		cmocka_unit_test(test_pcp_lists),
		cmocka_unit_test(test_atomic_dips_below_min),
		cmocka_unit_test(test_fault_sweep),
		cmocka_unit_test(test_compound_and_zero),
		cmocka_unit_test(test_highatomic),
		cmocka_unit_test(test_nofail_bounded),
		cmocka_unit_test(test_si_mem_available),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
