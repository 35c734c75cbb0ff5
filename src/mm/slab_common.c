/*
 * slab_common.c - what every slab allocator shares in Linux (mm/slab_common.c):
 * cache creation and destruction, the kmalloc size classes, kmalloc / kfree /
 * ksize, and large kmalloc straight from the page allocator.
 *
 * kmalloc classes: index 1 = kmalloc-96, 2 = kmalloc-192, 3..13 = 8 .. 8k;
 * a size goes to the smallest class that holds it (65..96 -> 96,
 * 129..192 -> 192, else the next power of two). One family of classes per
 * enum kmalloc_cache_type: kmalloc-N (normal), kmalloc-rcl-N
 * (SLAB_RECLAIM_ACCOUNT, __GFP_RECLAIMABLE), dma-kmalloc-N (ZONE_DMA, only
 * where the architecture has it) and kmalloc-cg-N (__GFP_ACCOUNT).
 * Sizes above KMALLOC_MAX_CACHE_SIZE are compound pages marked
 * PGTY_large_kmalloc and counted in NR_SLAB_UNRECLAIMABLE_B, as 6.x does.
 *
 * Invariants: machine->slab_caches lists every live cache, newest first (so
 * /proc/slabinfo prints in Linux's order); a cache's refcount is 1 while it
 * lives; kmalloc(0) is ZERO_SIZE_PTR and never reaches a cache.
 */
#include <errno.h>
#include <string.h>

#include "slab_internal.h"

const unsigned int kmalloc_sizes[KMALLOC_SHIFT_HIGH + 1] = {
	0, 96, 192, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192,
};

#define KMALLOC_NAMES(sz) { "kmalloc-" sz, "kmalloc-rcl-" sz, "dma-kmalloc-" sz, \
			    "kmalloc-cg-" sz }
static const char *const kmalloc_names_t[KMALLOC_SHIFT_HIGH + 1][NR_KMALLOC_TYPES] = {
	{ NULL }, KMALLOC_NAMES("96"), KMALLOC_NAMES("192"), KMALLOC_NAMES("8"),
	KMALLOC_NAMES("16"), KMALLOC_NAMES("32"), KMALLOC_NAMES("64"), KMALLOC_NAMES("128"),
	KMALLOC_NAMES("256"), KMALLOC_NAMES("512"), KMALLOC_NAMES("1k"), KMALLOC_NAMES("2k"),
	KMALLOC_NAMES("4k"), KMALLOC_NAMES("8k"),
};

/* size_index[(size - 1) / 8]: the class of sizes up to 192 in one load. */
static const unsigned char size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2,
};

static __always_inline unsigned int kmalloc_size_index(size_t size)
{
	if (size <= 192)
		return size_index[(size - 1) / 8];
	return (unsigned int)fls64(size - 1);
}

unsigned int kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	return kmalloc_size_index(size);
}

enum kmalloc_cache_type kmalloc_type(gfp_t flags)
{
	if (likely(!(flags & KMALLOC_NOT_NORMAL_BITS)))
		return KMALLOC_NORMAL;
	if (flags & __GFP_DMA)
		return KMALLOC_DMA;
	if (flags & __GFP_RECLAIMABLE)
		return KMALLOC_RECLAIM;
	return KMALLOC_CGROUP;
}

struct kmem_cache *kmalloc_slab(struct machine *m, size_t size, gfp_t gfp)
{
	if (!size || size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return m->kmalloc_caches[kmalloc_type(gfp)][kmalloc_size_index(size)];
}

/* ---- creating and destroying caches ---- */

/*
 * create_boot_cache: set up a cache in memory the caller provides (a boot
 * copy, or an object of the kmem_cache cache). kmalloc caches guarantee
 * alignment to the largest power of two dividing their size.
 */
int create_boot_cache(struct machine *m, struct kmem_cache *s, const char *name,
		      unsigned int size, slab_flags_t flags)
{
	unsigned int align = ARCH_KMALLOC_MINALIGN;

	if (size && is_power_of_2(size))
		align = max(align, size);
	s->name = name;
	s->size = s->object_size = size;
	s->align = calculate_alignment(flags, align, size);
	s->refcount = -1;	/* exempt from merging, as Linux */
	return __kmem_cache_create(m, s, flags);
}

static struct kmem_cache *create_kmalloc_cache(struct machine *m, const char *name,
					       unsigned int size, slab_flags_t flags)
{
	struct kmem_cache *s = kmem_cache_alloc(m, m->kmem_cache, GFP_NOWAIT | __GFP_ZERO);

	if (!s)
		return NULL;
	if (create_boot_cache(m, s, name, size, flags | SLAB_KMALLOC)) {
		kmem_cache_free(m, m->kmem_cache, s);
		return NULL;
	}
	list_add(&s->list, &m->slab_caches);
	s->refcount = 1;
	return s;
}

static slab_flags_t kmalloc_type_flags(enum kmalloc_cache_type type)
{
	switch (type) {
	case KMALLOC_RECLAIM:
		return SLAB_RECLAIM_ACCOUNT;
	case KMALLOC_DMA:
		return SLAB_CACHE_DMA;
	case KMALLOC_CGROUP:
		return SLAB_ACCOUNT;
	default:
		return SLAB_NO_MERGE;	/* CONFIG_MEMCG: normal caches never merge */
	}
}

/* Linux's order: per type, 96 and 192 first, then 8 ... 8k. */
int create_kmalloc_caches(struct machine *m)
{
	for (int type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		if (type == KMALLOC_DMA && !arch_has_zone(m, ZONE_DMA))
			continue;
		for (int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {	/* 96, 192, 8..8k */
			struct kmem_cache *s = create_kmalloc_cache(m, kmalloc_names_t[i][type], kmalloc_sizes[i],
						 kmalloc_type_flags((enum kmalloc_cache_type)type));
			if (!s)
				return -ENOMEM;
			m->kmalloc_caches[type][i] = s;
		}
	}
	return 0;
}

static char *kstrdup(struct machine *m, const char *s, gfp_t gfp)
{
	size_t len = strlen(s) + 1;
	char *p = kmalloc(m, len, gfp);

	if (p)
		memcpy(p, s, len);
	return p;
}

struct kmem_cache *kmem_cache_create(struct machine *m, const char *name,
				     unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	struct kmem_cache *s;
	char *cache_name;

	if (!name || !size || size > (PAGE_SIZE << MAX_PAGE_ORDER)) {
		printk(m, "kmem_cache_create(%s) failed with error %d", name ? name : "(null)",
		       -EINVAL);
		return NULL;
	}
	s = kmem_cache_alloc(m, m->kmem_cache, GFP_KERNEL | __GFP_ZERO);
	if (!s)
		goto fail;
	/* The caller's string may not outlive the call (Lua, the CLI). */
	cache_name = kstrdup(m, name, GFP_KERNEL);
	if (!cache_name)
		goto fail_free;
	s->name = cache_name;
	s->object_size = s->size = size;
	s->align = calculate_alignment(flags, align, size);
	s->ctor = ctor;
	if (__kmem_cache_create(m, s, flags | __SLAB_NAME_KMALLOCED))
		goto fail_name;
	s->refcount = 1;
	list_add(&s->list, &m->slab_caches);
	return s;
fail_name:
	kfree(m, cache_name);
fail_free:
	kmem_cache_free(m, m->kmem_cache, s);
fail:
	printk(m, "kmem_cache_create(%s) failed with error %d", name, -ENOMEM);
	return NULL;
}

/*
 * kmem_cache_destroy: a cache that still has objects is a caller bug; Linux
 * WARNs. We report it the same way and keep the cache alive and listed, so
 * the caller can free the objects and try again and nothing leaks.
 */
void kmem_cache_destroy(struct machine *m, struct kmem_cache *s)
{
	if (!s)
		return;
	if (--s->refcount)
		return;
	if (__kmem_cache_shutdown(m, s)) {
		printk(m, "kmem_cache_destroy %s: Slab cache still has objects when called "
		       "from %p", s->name, __builtin_return_address(0));
		mmsim_warn(__FILE__, __LINE__, "kmem_cache_destroy: cache still has objects");
		s->refcount++;
		return;
	}
	list_del(&s->list);
	__kmem_cache_release(m, s);
	if (s->flags & __SLAB_NAME_KMALLOCED)
		kfree(m, s->name);
	kmem_cache_free(m, m->kmem_cache, s);
}

/* ---- kmalloc ---- */

static void *kmalloc_large_node(struct machine *m, size_t size, gfp_t gfp, int nid)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (order > MAX_PAGE_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			mmsim_warn(__FILE__, __LINE__, "kmalloc: order > MAX_PAGE_ORDER");
		return NULL;
	}
	gfp |= __GFP_COMP;
	page = nid == NUMA_NO_NODE ? alloc_pages(m, gfp, order)
				   : alloc_pages_node(m, nid, gfp, order);
	if (!page)
		return NULL;
	mod_node_page_state(page_pgdat(m, page), NR_SLAB_UNRECLAIMABLE_B,
			    (long)(PAGE_SIZE << order));
	__SetPageLargeKmalloc(page);
	return page_address(m, page);
}

static void free_large_kmalloc(struct machine *m, struct page *page, const void *obj)
{
	unsigned int order = compound_order(page);

	if (!PageLargeKmalloc(page) || page_address(m, page) != obj) {
		printk(m, "kfree: 0x%llx is not a kmalloc allocation",
		       (unsigned long long)(PAGE_OFFSET_X86_64 + virt_to_phys(m, obj)));
		mmsim_warn(__FILE__, __LINE__, "free_large_kmalloc: not a kmalloc allocation");
		return;
	}
	mod_node_page_state(page_pgdat(m, page), NR_SLAB_UNRECLAIMABLE_B,
			    -(long)(PAGE_SIZE << order));
	__ClearPageLargeKmalloc(page);
	__free_pages(m, page, order);
}

void *kmalloc_node(struct machine *m, size_t size, gfp_t gfp, int nid)
{
	struct kmem_cache *s;

	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large_node(m, size, gfp, nid);
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	s = m->kmalloc_caches[kmalloc_type(gfp)][kmalloc_size_index(size)];
	if (unlikely(!s))
		return NULL;
	return kmem_cache_alloc_node(m, s, gfp, nid);
}

void *kmalloc(struct machine *m, size_t size, gfp_t gfp)
{
	return kmalloc_node(m, size, gfp, NUMA_NO_NODE);
}

void *kzalloc(struct machine *m, size_t size, gfp_t gfp)
{
	return kmalloc_node(m, size, gfp | __GFP_ZERO, NUMA_NO_NODE);
}

void kfree(struct machine *m, const void *obj)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(obj)))
		return;
	if (IS_ENABLED_DEBUG_VM && unlikely(!virt_addr_valid(m, obj))) {
		printk(m, "kfree: %p is not a kernel address", obj);
		return;
	}
	page = virt_to_slab_page(m, obj);
	if (unlikely(!PageSlab(page))) {
		free_large_kmalloc(m, page, obj);
		return;
	}
	slab_free(m, page->slab_cache, page, (void *)obj);
}

size_t ksize(struct machine *m, const void *obj)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(obj) || !virt_addr_valid(m, obj))
		return 0;
	page = virt_to_slab_page(m, obj);
	if (PageSlab(page))
		return __ksize(m, page->slab_cache);
	if (PageLargeKmalloc(page))
		return PAGE_SIZE << compound_order(page);
	return 0;
}
