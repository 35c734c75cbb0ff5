/*
 * test_kmalloc.c - unit tests for mm/slab_common.c: the kmalloc class of
 * every size 1..8192 and beyond, kmalloc(0), large kmalloc through the page
 * allocator, ksize, kzalloc, the four kmalloc families and their order on
 * the cache list (as the host's /proc/slabinfo prints them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"
#include "../../src/mm/slab_internal.h"

/* Linux's kmalloc_index(), from its definition. */
static unsigned int ref_index(size_t size)
{
	unsigned int i = 3;

	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	while ((1UL << i) < size)
		i++;
	return i;
}

static void test_kmalloc_index_every_size(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");

	(void)state;
	assert_int_equal(kmalloc_index(0), 0);
	assert_int_equal(kmalloc_index(96), 1);
	assert_int_equal(kmalloc_index(97), 7);
	assert_int_equal(kmalloc_index(192), 2);
	assert_int_equal(kmalloc_index(193), 8);
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		struct kmem_cache *s = kmalloc_slab(m, size, GFP_KERNEL);
		void *p;

		assert_int_equal(kmalloc_index(size), ref_index(size));
		assert_ptr_equal(s, m->kmalloc_caches[KMALLOC_NORMAL][ref_index(size)]);
		assert_int_equal(s->object_size, kmalloc_sizes[ref_index(size)]);
		p = kmalloc(m, size, GFP_KERNEL);
		assert_non_null(p);
		assert_ptr_equal(virt_to_slab_page(m, p)->slab_cache, s);
		assert_int_equal(ksize(m, p), s->object_size);
		kfree(m, p);
	}
	assert_null(kmalloc_slab(m, KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL));
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_kmalloc_zero(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");

	(void)state;
	assert_ptr_equal(kmalloc(m, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	assert_ptr_equal(kzalloc(m, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(m, ZERO_SIZE_PTR);
	kfree(m, NULL);
	assert_int_equal(ksize(m, ZERO_SIZE_PTR), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void check_large(struct machine *m, size_t size, unsigned int order)
{
	long before = global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B);
	void *p = kmalloc(m, size, GFP_KERNEL);
	struct page *page;

	assert_non_null(p);
	page = virt_to_page(m, p);
	assert_true(PageLargeKmalloc(page));
	assert_false(PageSlab(page));
	assert_int_equal(compound_order(page), order);
	assert_int_equal(ksize(m, p), PAGE_SIZE << order);
	assert_int_equal(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B),
			 before + (long)(PAGE_SIZE << order));
	memset(p, 0x5a, size);
	kfree(m, p);
	assert_int_equal(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE_B), before);
	check_machine(m);
}

static void test_kmalloc_large(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");

	(void)state;
	check_large(m, 8193, 2);
	check_large(m, 16384, 2);
	check_large(m, 16385, 3);
	check_large(m, 100000, 5);
	check_large(m, SZ_1M, 8);
	check_large(m, 4 * SZ_1M, 10);
	assert_null(kmalloc(m, 4 * SZ_1M + 1, GFP_KERNEL | __GFP_NOWARN));
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_kzalloc_zeroes(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	unsigned char *p = kmalloc(m, 256, GFP_KERNEL), *q;

	(void)state;
	memset(p, 0xff, 256);
	kfree(m, p);
	q = kzalloc(m, 256, GFP_KERNEL);
	assert_ptr_equal(q, p);			/* the same object, reused */
	for (int i = 0; i < 256; i++)
		assert_int_equal(q[i], 0);
	kfree(m, q);
	q = kzalloc(m, 20000, GFP_KERNEL);	/* large: zeroed pages */
	for (int i = 0; i < 20000; i++)
		assert_int_equal(q[i], 0);
	kfree(m, q);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_kmalloc_families(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	long rec = global_node_page_state(m, NR_SLAB_RECLAIMABLE_B);
	void *p;

	(void)state;
	assert_string_equal(kmalloc_slab(m, 100, GFP_KERNEL)->name, "kmalloc-128");
	assert_string_equal(kmalloc_slab(m, 100, GFP_KERNEL | __GFP_RECLAIMABLE)->name,
			    "kmalloc-rcl-128");
	assert_string_equal(kmalloc_slab(m, 100, GFP_KERNEL | __GFP_DMA)->name,
			    "dma-kmalloc-128");
	assert_string_equal(kmalloc_slab(m, 100, GFP_KERNEL_ACCOUNT)->name, "kmalloc-cg-128");
	assert_string_equal(kmalloc_slab(m, 5000, GFP_KERNEL_ACCOUNT)->name, "kmalloc-cg-8k");
	assert_string_equal(kmalloc_slab(m, 70, GFP_KERNEL)->name, "kmalloc-96");
	p = kmalloc(m, 100, GFP_KERNEL | __GFP_RECLAIMABLE);
	assert_int_equal(global_node_page_state(m, NR_SLAB_RECLAIMABLE_B),
			 rec + (long)PAGE_SIZE);
	kfree(m, p);
	check_machine(m);
	mmsim_shutdown(m);
}

/* The cache list, newest first, is the order the host's slabinfo shows. */
static void test_cache_list_order(void **state)
{
	static const char *const type_prefix[] = { "kmalloc-cg-", "dma-kmalloc-",
						   "kmalloc-rcl-", "kmalloc-" };
	static const char *const sizes[] = { "8k", "4k", "2k", "1k", "512", "256", "128",
					     "64", "32", "16", "8", "192", "96" };
	struct machine *m = test_boot("mem=256M cpus=2");
	struct kmem_cache *s = list_first_entry(&m->slab_caches, struct kmem_cache, list);
	char want[64];

	(void)state;
	/* Caches created after kmalloc's (the process caches...) come first. */
	while (strcmp(s->name, "kmalloc-cg-8k") && s->list.next != &m->slab_caches)
		s = list_next_entry(s, list);
	for (size_t t = 0; t < ARRAY_SIZE(type_prefix); t++) {
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			snprintf(want, sizeof(want), "%s%s", type_prefix[t], sizes[i]);
			assert_string_equal(s->name, want);
			s = list_next_entry(s, list);
		}
	}
	assert_string_equal(s->name, "kmem_cache_node");
	s = list_next_entry(s, list);
	assert_string_equal(s->name, "kmem_cache");
	assert_ptr_equal(s->list.next, &m->slab_caches);
	mmsim_shutdown(m);
}

static void test_kfree_mixed(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	void *p[2000];

	(void)state;
	for (int i = 0; i < 2000; i++)
		p[i] = kmalloc(m, (size_t)(i * 37 % 20000) + 1, GFP_KERNEL);
	check_machine(m);
	for (int i = 0; i < 2000; i += 2)
		kfree(m, p[i]);
	check_machine(m);
	for (int i = 1; i < 2000; i += 2)
		kfree(m, p[i]);
	check_machine(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmalloc_index_every_size),
		cmocka_unit_test(test_kmalloc_zero),
		cmocka_unit_test(test_kmalloc_large),
		cmocka_unit_test(test_kzalloc_zeroes),
		cmocka_unit_test(test_kmalloc_families),
		cmocka_unit_test(test_cache_list_order),
		cmocka_unit_test(test_kfree_mixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
