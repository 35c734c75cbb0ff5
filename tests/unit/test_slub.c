/*
 * test_slub.c - unit tests for mm/slub.c: cache geometry against Linux's
 * formula and the host's /proc/slabinfo, object reuse and placement, the
 * cpu and node partial lists, accounting, destroy, and (debug builds) the
 * double-free and poison reports. Every step ends with check_machine(),
 * which runs validate_slab_caches() among the validators.
 *
 * The tests reach slab internals through src/mm/slab_internal.h, as Linux's
 * own tests include what they test.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"
#include "../../src/mm/slab_internal.h"

static struct machine *boot2(void)
{
	return test_boot("mem=256M cpus=2");
}

static char *dmesg(struct machine *m)
{
	return printk_ring_text(m, NULL);
}

static bool dmesg_has(struct machine *m, const char *text)
{
	char *log = dmesg(m);
	bool found = strstr(log, text) != NULL;

	free(log);
	return found;
}

/* ---- geometry: Linux 6.x calculate_order(), written out independently ---- */

static unsigned int ref_get_order(unsigned long size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static unsigned int ref_order(unsigned int size, unsigned int nr_cpus)
{
	unsigned int min_objects = 4 * (unsigned int)(fls(nr_cpus) + 1);
	unsigned int max_objects = (unsigned int)((PAGE_SIZE << 3) / size);
	unsigned int min_order;

	if (max_objects < 1)
		max_objects = 1;
	if (min_objects > max_objects)
		min_objects = max_objects;
	min_order = ref_get_order((unsigned long)min_objects * size);
	for (unsigned int fract = 16; fract > 1; fract /= 2) {
		for (unsigned int order = min_order; order <= 3; order++) {
			unsigned int slab = (unsigned int)(PAGE_SIZE << order);

			if (slab % size <= slab / fract)
				return order;
		}
	}
	return ref_get_order(size);
}

/*
 * The host's /proc/slabinfo (Linux 6.18 on 2 CPUs): objsize, objperslab,
 * pagesperslab of kmalloc-8 ... kmalloc-8k, -96 and -192 (every family -
 * kmalloc-, kmalloc-rcl-, kmalloc-cg-, dma-kmalloc- - shows the same).
 */
static const struct { unsigned int size, objs, pages; } host_kmalloc[] = {
	{ 8, 512, 1 }, { 16, 256, 1 }, { 32, 128, 1 }, { 64, 64, 1 },
	{ 96, 42, 1 }, { 128, 32, 1 }, { 192, 21, 1 }, { 256, 16, 1 },
	{ 512, 16, 2 }, { 1024, 16, 4 }, { 2048, 16, 8 }, { 4096, 8, 8 },
	{ 8192, 4, 8 },
};

static void test_kmalloc_geometry_matches_host(void **state)
{
	struct machine *m = boot2();

	(void)state;
	for (int type = 0; type < NR_KMALLOC_TYPES; type++) {
		for (size_t i = 0; i < ARRAY_SIZE(host_kmalloc); i++) {
			unsigned int size = host_kmalloc[i].size;
			struct kmem_cache *s = m->kmalloc_caches[type][kmalloc_index(size)];
			struct slabinfo info;
			unsigned int order = ref_order(size, 2);

			assert_non_null(s);
			get_slabinfo(m, s, &info);
			assert_int_equal(s->object_size, size);
			assert_int_equal(s->size, size);
			/* the formula ... */
			assert_int_equal(info.cache_order, order);
			assert_int_equal(info.objects_per_slab, (PAGE_SIZE << order) / size);
			/* ... and the host agree */
			assert_int_equal(info.objects_per_slab, host_kmalloc[i].objs);
			assert_int_equal(1u << info.cache_order, host_kmalloc[i].pages);
			/* free pointer mid-object, ALIGN_DOWN(size / 2, 8) */
			assert_int_equal(s->offset, ALIGN_DOWN(size / 2, 8u));
			assert_int_equal(s->min_partial,
					 clamp((unsigned long)(fls(size) - 1) / 2, 5UL, 10UL));
		}
	}
	/* cpu_partial as set_cpu_partial() */
	assert_int_equal(m->kmalloc_caches[0][6]->cpu_partial, 120);
	assert_int_equal(m->kmalloc_caches[0][6]->cpu_partial_slabs, 4);
	assert_int_equal(m->kmalloc_caches[0][13]->cpu_partial, 6);
	assert_int_equal(m->kmalloc_caches[0][13]->cpu_partial_slabs, 3);
	assert_int_equal(m->kmalloc_caches[0][10]->cpu_partial, 24);
	assert_int_equal(m->kmalloc_caches[0][8]->cpu_partial, 52);
	mmsim_shutdown(m);
}

/* slub_min_objects follows the CPU count: 8 CPUs give 4 * (4 + 1) = 20. */
static void test_geometry_follows_cpus(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=8");
	struct kmem_cache *s = m->kmalloc_caches[KMALLOC_NORMAL][kmalloc_index(512)];

	(void)state;
	assert_int_equal(oo_order(s->oo), ref_order(512, 8));
	assert_int_equal(oo_order(s->oo), 2);	/* 20 * 512 = 10K -> order 2 */
	assert_int_equal(oo_objects(s->min), 8);
	mmsim_shutdown(m);
}

static void test_boot_caches(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *last, *prev;

	(void)state;
	assert_non_null(m->kmem_cache);
	assert_non_null(m->kmem_cache_node);
	assert_string_equal(m->kmem_cache->name, "kmem_cache");
	/* bootstrap moved them into slab objects: the last two on the list */
	last = list_last_entry(&m->slab_caches, struct kmem_cache, list);
	prev = list_entry(last->list.prev, struct kmem_cache, list);
	assert_ptr_equal(last, m->kmem_cache);
	assert_ptr_equal(prev, m->kmem_cache_node);
	assert_true(PageSlab(virt_to_slab_page(m, m->kmem_cache)));
	assert_ptr_equal(virt_to_slab_page(m, m->kmem_cache)->slab_cache, m->kmem_cache);
	assert_ptr_equal(virt_to_slab_page(m, m->kmem_cache_node)->slab_cache, m->kmem_cache);
	assert_ptr_equal(virt_to_slab_page(m, get_node(m->kmem_cache, 0))->slab_cache,
			 m->kmem_cache_node);
	assert_true(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B) > 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_reuse_lifo(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *s = kmem_cache_create(m, "test_lifo", 64, 0, 0, NULL);
	void *a, *b, *c;

	(void)state;
	assert_non_null(s);
	a = kmem_cache_alloc(m, s, GFP_KERNEL);
	b = kmem_cache_alloc(m, s, GFP_KERNEL);
	c = kmem_cache_alloc(m, s, GFP_KERNEL);
	check_machine(m);
	kmem_cache_free(m, s, a);
	assert_ptr_equal(kmem_cache_alloc(m, s, GFP_KERNEL), a);
	kmem_cache_free(m, s, b);
	kmem_cache_free(m, s, c);
	check_machine(m);
	assert_ptr_equal(kmem_cache_alloc(m, s, GFP_KERNEL), c);
	assert_ptr_equal(kmem_cache_alloc(m, s, GFP_KERNEL), b);
	kmem_cache_free(m, s, a);
	kmem_cache_free(m, s, b);
	kmem_cache_free(m, s, c);
	kmem_cache_destroy(m, s);
	check_machine(m);
	mmsim_shutdown(m);
}

static void check_stride(struct machine *m, struct kmem_cache *s, unsigned int align)
{
	unsigned int n = oo_objects(s->oo);
	char *first = kmem_cache_alloc(m, s, GFP_KERNEL);
	struct page *slab = virt_to_slab_page(m, first);

	assert_ptr_equal(first, page_address(m, slab));
	for (unsigned int i = 1; i < n; i++) {
		char *p = kmem_cache_alloc(m, s, GFP_KERNEL);

		assert_ptr_equal(p, first + (size_t)i * s->size);
		assert_true(IS_ALIGNED((uintptr_t)p, align));
		assert_ptr_equal(virt_to_slab_page(m, p), slab);
	}
	assert_int_equal(slab->objects, n);
	assert_int_equal(slab->inuse, n);
	check_machine(m);
}

static void test_placement_and_alignment(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *a = kmem_cache_create(m, "align128", 100, 128, 0, NULL);
	struct kmem_cache *h = kmem_cache_create(m, "hwcache20", 20, 0, SLAB_HWCACHE_ALIGN, NULL);
	struct kmem_cache *o = kmem_cache_create(m, "odd120", 120, 0, 0, NULL);

	(void)state;
	assert_int_equal(a->align, 128);
	assert_int_equal(a->size, 128);
	assert_int_equal(h->align, 32);		/* 64 halved while size <= half */
	assert_int_equal(h->size, 32);
	assert_int_equal(o->size, 120);
	assert_int_equal(o->offset, 56);
	check_stride(m, a, 128);
	check_stride(m, h, 32);
	check_stride(m, o, 8);
	mmsim_shutdown(m);
}

static void test_million_objects(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *s = kmem_cache_create(m, "million", 64, 0, 0, NULL);
	/* after create: the cache's own struct, node and name are not its slabs */
	long base = global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B);
	const size_t n = 1000000;
	void **obj = malloc(n * sizeof(*obj));
	struct slabinfo info;

	(void)state;
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		obj[i] = kmem_cache_alloc(m, s, GFP_KERNEL);
		assert_non_null(obj[i]);
	}
	check_machine(m);
	get_slabinfo(m, s, &info);
	assert_int_equal(info.num_slabs, DIV_ROUND_UP(n, 64));
	assert_int_equal(info.active_objs, info.num_slabs * 64);
	assert_true(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B) >=
		    base + (long)(info.num_slabs * PAGE_SIZE));
	for (size_t i = 0; i < n; i++)
		kmem_cache_free(m, s, obj[i]);
	check_machine(m);
	get_slabinfo(m, s, &info);
	/* What stays: at most min_partial per node, the cpu partials and cpu slabs. */
	assert_true(info.num_slabs <= s->min_partial + 2 * (s->cpu_partial_slabs + 1));
	kmem_cache_destroy(m, s);
	check_machine(m);
	assert_int_equal(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B), base);
	free(obj);
	mmsim_shutdown(m);
}

static unsigned long chain_len(struct machine *m, struct kmem_cache *s)
{
	struct page *p = this_cpu_slab(m, s)->partial;

	return p ? slab_chain_len(p) : 0;
}

static void test_partial_lists(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *s = kmem_cache_create(m, "partial", 64, 0, 0, NULL);
	struct kmem_cache_node *n;
	void *obj[10][64];
	struct slabinfo info;

	(void)state;
	n = get_node(s, 0);
	assert_int_equal(s->cpu_partial_slabs, 4);
	for (int sl = 0; sl < 10; sl++)
		for (int i = 0; i < 64; i++)
			obj[sl][i] = kmem_cache_alloc(m, s, GFP_KERNEL);
	check_machine(m);
	assert_int_equal(n->nr_slabs, 10);
	assert_int_equal(n->nr_partial, 0);
	/* A free into a full slab puts it on the cpu partial chain ... */
	for (int sl = 0; sl < 4; sl++) {
		kmem_cache_free(m, s, obj[sl][0]);
		assert_int_equal(chain_len(m, s), sl + 1);
	}
	/* ... and a full chain is drained to the node partial list. */
	kmem_cache_free(m, s, obj[4][0]);
	assert_int_equal(chain_len(m, s), 1);
	assert_int_equal(n->nr_partial, 4);
	check_machine(m);
	get_slabinfo(m, s, &info);
	assert_int_equal(info.num_objs, 640);
	assert_int_equal(info.active_objs, 640 - 4);	/* node partial free objects only */
	/* Emptying node partial slabs keeps them: nr_partial < min_partial. */
	for (int sl = 0; sl < 4; sl++)
		for (int i = 1; i < 64; i++)
			kmem_cache_free(m, s, obj[sl][i]);
	assert_int_equal(n->nr_partial, 4);
	assert_int_equal(n->nr_slabs, 10);
	check_machine(m);
	/* The next slow-path allocation takes the cpu partial slab first. */
	for (int sl = 9; sl >= 5; sl--)
		for (int i = 0; i < 64; i++)
			kmem_cache_free(m, s, obj[sl][i]);
	check_machine(m);
	for (int i = 1; i < 64; i++)
		kmem_cache_free(m, s, obj[4][i]);
	check_machine(m);
	/* Everything free: at most min_partial empty slabs stay on the node. */
	kmem_cache_destroy(m, s);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_remote_cpu_free(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *s = kmem_cache_create(m, "remote", 256, 0, 0, NULL);
	void *obj[40];

	(void)state;
	m->cpu = 0;
	for (int i = 0; i < 40; i++)
		obj[i] = kmem_cache_alloc(m, s, GFP_KERNEL);
	m->cpu = 1;
	for (int i = 0; i < 40; i += 2)
		kmem_cache_free(m, s, obj[i]);
	check_machine(m);
	for (int i = 0; i < 20; i++)
		assert_non_null(kmem_cache_alloc(m, s, GFP_KERNEL) ? obj[0] : NULL);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_destroy_with_objects(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *s = kmem_cache_create(m, "busy_cache", 200, 0, 0, NULL);
	long base = global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B);
	void *x = kmem_cache_alloc(m, s, GFP_KERNEL);

	(void)state;
	kmem_cache_destroy(m, s);
	assert_true(dmesg_has(m, "kmem_cache_destroy busy_cache: Slab cache still has objects"));
	assert_true(dmesg_has(m, "BUG busy_cache (Not tainted): Objects remaining"));
	check_machine(m);
	kmem_cache_free(m, s, x);
	kmem_cache_destroy(m, s);
	check_machine(m);
	assert_int_equal(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B), base);
	mmsim_shutdown(m);
}

static void test_reclaimable_accounting(void **state)
{
	struct machine *m = boot2();
	long rec = global_node_page_state(m, NR_SLAB_RECLAIMABLE_B);
	struct kmem_cache *s = kmem_cache_create(m, "reclaimable", 512, 0,
						 SLAB_RECLAIM_ACCOUNT, NULL);
	void *x = kmem_cache_alloc(m, s, GFP_KERNEL);

	(void)state;
	assert_int_equal(global_node_page_state(m, NR_SLAB_RECLAIMABLE_B),
			 rec + (long)(PAGE_SIZE << oo_order(s->oo)));
	kmem_cache_free(m, s, x);
	kmem_cache_destroy(m, s);
	assert_int_equal(global_node_page_state(m, NR_SLAB_RECLAIMABLE_B), rec);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_bulk_and_node(void **state)
{
	struct machine *m = test_boot("mem=256M nodes=2 cpus=2");
	struct kmem_cache *s = kmem_cache_create(m, "bulk", 48, 0, 0, NULL);
	void *p[300];

	(void)state;
	assert_int_equal(kmem_cache_alloc_bulk(m, s, GFP_KERNEL, 300, p), 300);
	check_machine(m);
	kmem_cache_free_bulk(m, s, 300, p);
	for (int nid = 0; nid < 2; nid++) {
		void *x = kmem_cache_alloc_node(m, s, GFP_KERNEL, nid);

		assert_non_null(x);
		assert_int_equal(page_to_nid(virt_to_slab_page(m, x)), nid);
		kmem_cache_free(m, s, x);
	}
	check_machine(m);
	kmem_cache_destroy(m, s);
	check_machine(m);
	mmsim_shutdown(m);
}

/* A small workload: a cache, its objects and kmallocs; frees what it got. */
static void sweep_workload(struct machine *m)
{
	struct kmem_cache *s = kmem_cache_create(m, "sweep", 72, 0, 0, NULL);
	void *p[50];
	int got = 0;

	for (int i = 0; s && i < 25; i++) {
		p[got] = kmem_cache_alloc(m, s, GFP_KERNEL);
		got += p[got] != NULL;
		p[got] = kmalloc(m, 1 + (size_t)i * 300, GFP_KERNEL);
		got += p[got] != NULL;
	}
	check_machine(m);
	for (int i = 0; i < got; i++) {
		if (i % 2 == 0 && s && virt_to_slab_page(m, p[i])->slab_cache == s)
			kmem_cache_free(m, s, p[i]);
		else
			kfree(m, p[i]);
	}
	if (s)
		kmem_cache_destroy(m, s);
	check_machine(m);
}

/* Fail the Nth slab allocation of the workload, for every N it makes. */
static void test_fault_injection_sweep(void **state)
{
	struct machine *m = boot2();
	unsigned long attempts;

	(void)state;
	m->fail.nth[FAIL_SLAB_ALLOC] = ~0UL;	/* armed, never reached: counts */
	m->fail.count[FAIL_SLAB_ALLOC] = 0;
	sweep_workload(m);
	attempts = m->fail.count[FAIL_SLAB_ALLOC];
	mmsim_shutdown(m);
	assert_true(attempts >= 50);

	for (unsigned long nth = 1; nth <= attempts; nth++) {
		long base;

		m = boot2();
		base = global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B);
		m->fail.nth[FAIL_SLAB_ALLOC] = nth;
		m->fail.count[FAIL_SLAB_ALLOC] = 0;
		sweep_workload(m);
		if (m->fail.injected[FAIL_SLAB_ALLOC] != 1)
			fail_msg("nth %lu: injected %lu", nth, m->fail.injected[FAIL_SLAB_ALLOC]);
		m->fail.nth[FAIL_SLAB_ALLOC] = 0;
		/* No leak: every slab the workload made is empty and reusable, so a
		 * second clean run needs no more slab memory than the first. */
		sweep_workload(m);
		assert_true(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B) >= base);
		assert_true(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B) <=
			    base + 64 * (long)PAGE_SIZE);
		mmsim_shutdown(m);
	}
}

#if MMSIM_DEBUG_VM
static void test_double_free_reported(void **state)
{
	struct machine *m = boot2();
	void *x = kmalloc(m, 64, GFP_KERNEL);
	void *y;

	(void)state;
	kfree(m, x);
	kfree(m, x);
	assert_true(dmesg_has(m, "BUG kmalloc-64 (Not tainted): Object already free"));
	check_machine(m);
	y = kmalloc(m, 64, GFP_KERNEL);
	assert_ptr_equal(y, x);
	assert_ptr_not_equal(kmalloc(m, 64, GFP_KERNEL), x);	/* not handed out twice */
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_double_free_slow_path(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *s = kmem_cache_create(m, "df_slow", 256, 0, 0, NULL);
	void *first = kmem_cache_alloc(m, s, GFP_KERNEL);

	(void)state;
	for (unsigned int i = 1; i < oo_objects(s->oo) + 3; i++)
		kmem_cache_alloc(m, s, GFP_KERNEL);	/* first's slab is full now */
	kmem_cache_free(m, s, first);
	kmem_cache_free(m, s, first);
	assert_true(dmesg_has(m, "BUG df_slow (Not tainted): Object already free"));
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_poison_overwritten(void **state)
{
	struct machine *m = boot2();
	unsigned char *x = kmalloc(m, 128, GFP_KERNEL);
	struct kmem_cache *s = kmalloc_slab(m, 128, GFP_KERNEL);

	(void)state;
	kfree(m, x);
	for (unsigned int i = 0; i < 127; i++) {
		if (i < s->offset || i >= s->offset + 8)
			assert_int_equal(x[i], POISON_FREE);
	}
	assert_int_equal(x[127], POISON_END);
	x[3] = 0x42;			/* use after free */
	assert_ptr_equal(kmalloc(m, 128, GFP_KERNEL), x);
	assert_true(dmesg_has(m, "BUG kmalloc-128 (Not tainted): Poison overwritten"));
	assert_true(dmesg_has(m, "First byte 0x42 instead of 0x6b"));
	check_machine(m);
	mmsim_shutdown(m);
}
#endif

static void test_red_zone_cache(void **state)
{
	struct machine *m = boot2();
	struct kmem_cache *s = kmem_cache_create(m, "redzone", 24, 0,
						 SLAB_RED_ZONE | SLAB_POISON, NULL);
	unsigned char *x;

	(void)state;
	assert_int_equal(s->red_left_pad, 8);
	assert_int_equal(s->offset, 32);	/* after the object and its right red zone */
	x = kmem_cache_alloc(m, s, GFP_KERNEL);
	x[24] = 0;			/* overflow into the right red zone */
	kmem_cache_free(m, s, x);
	assert_true(dmesg_has(m, "BUG redzone (Not tainted): Right Redzone overwritten"));
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmalloc_geometry_matches_host),
		cmocka_unit_test(test_geometry_follows_cpus),
		cmocka_unit_test(test_boot_caches),
		cmocka_unit_test(test_reuse_lifo),
		cmocka_unit_test(test_placement_and_alignment),
		cmocka_unit_test(test_million_objects),
		cmocka_unit_test(test_partial_lists),
		cmocka_unit_test(test_remote_cpu_free),
		cmocka_unit_test(test_destroy_with_objects),
		cmocka_unit_test(test_reclaimable_accounting),
		cmocka_unit_test(test_bulk_and_node),
		cmocka_unit_test(test_fault_injection_sweep),
		cmocka_unit_test(test_red_zone_cache),
#if MMSIM_DEBUG_VM
		cmocka_unit_test(test_double_free_reported),
		cmocka_unit_test(test_double_free_slow_path),
		cmocka_unit_test(test_poison_overwritten),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
