/*
 * slab_internal.h - what slub.c and slab_common.c share (Linux's mm/slab.h).
 *
 * Private to the slab allocator: nothing outside src/mm/slub.c,
 * src/mm/slab_common.c and their unit tests includes it.
 *
 * A slab is the head struct page of a (compound) slab page. Linux overlays a
 * struct slab on struct page; we use the slab members of struct page's
 * union directly (mm_types.h):
 *   slab_cache         the owning cache
 *   slab_list          node partial list / debug full list linkage; while the
 *                      slab sits on a per-CPU partial chain, slab_list.next is
 *                      the next slab and slab_list.prev holds the chain length
 *                      (Linux's union of slab_list with {next, slabs})
 *   freelist           first free object not owned by a CPU
 *   inuse/objects/frozen  counters; frozen = some CPU's active slab
 *   PG_workingset      "on a node partial list" (Linux's slab_test_node_partial)
 *
 * Note: slab.h's comment says the per-CPU partial chain is linked via
 * lru.next; lru.next overlays slab_cache, so the chain uses slab_list instead.
 */
#ifndef MMSIM_SLAB_INTERNAL_H
#define MMSIM_SLAB_INTERNAL_H

#include "mm.h"
#include "slab.h"

#define MIN_PARTIAL		5
#define MAX_PARTIAL		10
#define MAX_OBJS_PER_PAGE	32767
#define MAX_PARTIAL_TO_SCAN	10000
#define OO_SHIFT		16
#define OO_MASK			((1u << OO_SHIFT) - 1)

/* slub_min_order / slub_max_order boot defaults. */
#define SLUB_MIN_ORDER		0
#define SLUB_MAX_ORDER		PAGE_ALLOC_COSTLY_ORDER

/* Poison and red-zone bytes (include/linux/poison.h). */
#define POISON_INUSE		0x5a
#define POISON_FREE		0x6b
#define POISON_END		0xa5
#define SLUB_RED_INACTIVE	0xbb
#define SLUB_RED_ACTIVE		0xcc

/* Internal cache flags, in bits slab.h leaves unused. */
#define __OBJECT_POISON		0x80000000u	/* poison freed objects */
#define __SLAB_NAME_KMALLOCED	0x40000000u	/* s->name is ours to kfree */

/* Flags that make a cache a debug cache in Linux's sense (kmem_cache_debug). */
#define SLAB_DEBUG_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)

/* new_slab() keeps only these of the caller's flags (mm/internal.h). */
#define GFP_RECLAIM_MASK	(__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | \
				 __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | \
				 __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC)
#define GFP_CONSTRAINT_MASK	(__GFP_HARDWALL | __GFP_THISNODE)
#define KMALLOC_NOT_NORMAL_BITS	(__GFP_RECLAIMABLE | __GFP_DMA | __GFP_ACCOUNT)

enum { DEACTIVATE_TO_HEAD, DEACTIVATE_TO_TAIL };

static inline unsigned int oo_order(struct kmem_cache_order_objects x)
{
	return x.x >> OO_SHIFT;
}

static inline unsigned int oo_objects(struct kmem_cache_order_objects x)
{
	return x.x & OO_MASK;
}

static inline unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)(PAGE_SIZE << order) / size;
}

static inline struct kmem_cache_order_objects oo_make(unsigned int order, unsigned int size)
{
	struct kmem_cache_order_objects x = { (order << OO_SHIFT) + order_objects(order, size) };

	return x;
}

/* get_order: the smallest order whose block holds size bytes. */
static inline unsigned int get_order(unsigned long size)
{
	return size <= PAGE_SIZE ? 0 : (unsigned int)fls64((size - 1) >> PAGE_SHIFT);
}

/* this_cpu_ptr(s->cpu_slab): CPU 0's copy plus cpu * unit_size (percpu.h). */
static __always_inline struct kmem_cache_cpu *
per_cpu_slab(const struct machine *m, const struct kmem_cache *s, int cpu)
{
	return (struct kmem_cache_cpu *)((char *)s->cpu_slab + (size_t)cpu * m->pcpu.unit_size);
}

static __always_inline struct kmem_cache_cpu *
this_cpu_slab(const struct machine *m, const struct kmem_cache *s)
{
	return per_cpu_slab(m, s, m->cpu);
}

/* virt_to_slab: the head page of the slab an address lies in. */
static __always_inline struct page *virt_to_slab_page(const struct machine *m, const void *x)
{
	return compound_head(virt_to_page(m, x));
}

static inline struct kmem_cache_node *get_node(const struct kmem_cache *s, int nid)
{
	return s->node[nid];
}

static inline int numa_mem_id(const struct machine *m)
{
	return m->cpu_to_node[m->cpu];
}

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

static inline bool kmem_cache_has_cpu_partial(const struct kmem_cache *s)
{
	return !kmem_cache_debug(s);
}

/* Object hooks (poison, red zones, consistency) run in debug builds, or
 * for caches created with debug flags. */
static __always_inline bool slab_debug_on(const struct kmem_cache *s)
{
	return IS_ENABLED_DEBUG_VM || unlikely(s->flags & SLAB_DEBUG_FLAGS);
}

static inline enum node_stat_item cache_vmstat_idx(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE_B
						 : NR_SLAB_UNRECLAIMABLE_B;
}

/* Per-CPU partial chain (see the file comment). */
static inline struct page *slab_next(const struct page *slab)
{
	return (struct page *)slab->slab_list.next;
}

static inline unsigned long slab_chain_len(const struct page *slab)
{
	return (unsigned long)(uintptr_t)slab->slab_list.prev;
}

static inline void slab_set_chain(struct page *slab, struct page *next, unsigned long len)
{
	slab->slab_list.next = (struct list_head *)next;
	slab->slab_list.prev = (struct list_head *)(uintptr_t)len;
}

/* ---- slub.c ---- */
/* Lay out and set up a cache whose object_size, align, ctor, name are set. */
int __kmem_cache_create(struct machine *m, struct kmem_cache *s, slab_flags_t flags);
/* Flush CPU slabs, free empty slabs; -EBUSY when objects remain. */
int __kmem_cache_shutdown(struct machine *m, struct kmem_cache *s);
/* Free what __kmem_cache_create took (per-CPU area, node structs). */
void __kmem_cache_release(struct machine *m, struct kmem_cache *s);
/* Free an object whose slab is known (kfree, kmem_cache_free). */
void slab_free(struct machine *m, struct kmem_cache *s, struct page *slab, void *object);
size_t __ksize(struct machine *m, const struct kmem_cache *s);
unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size);
void slab_bug(struct machine *m, const struct kmem_cache *s, const char *reason);

/* ---- slab_common.c ---- */
int create_boot_cache(struct machine *m, struct kmem_cache *s, const char *name,
		      unsigned int size, slab_flags_t flags);
int create_kmalloc_caches(struct machine *m);
enum kmalloc_cache_type kmalloc_type(gfp_t flags);
extern const unsigned int kmalloc_sizes[KMALLOC_SHIFT_HIGH + 1];

#endif
