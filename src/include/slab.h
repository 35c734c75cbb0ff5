/*
 * slab.h - SLUB-style object caches and kmalloc (mm/slub.c, mm/slab_common.c).
 *
 * A cache carves slabs (compound pages from the page allocator, order and
 * objects per slab chosen as calculate_sizes()/calculate_order() do) into
 * equal objects threaded on a free list whose pointer sits inside each free
 * object at s->offset. Each simulated CPU has an active slab (struct
 * kmem_cache_cpu, per-CPU memory); each node keeps a partial list.
 * kmalloc() rounds a size up to a kmalloc-N class (8 ... 8k, plus 96 and
 * 192) and larger sizes go straight to the page allocator.
 *
 * Slab state table (per slab page):
 *   cpu slab  : frozen, owned by one CPU, on no list
 *   partial   : on node->partial, 0 < inuse < objects (or empty, kept for reuse)
 *   full      : on no list (debug builds keep a full list to validate)
 *   empty     : freed to the page allocator when the node holds > min_partial
 * Invariants (validate_slab_cache): a slab's inuse equals objects minus the
 * length of its free list(s); every free object lies inside the slab at an
 * object boundary; node->nr_slabs / total_objects agree with the slabs.
 * Debug builds poison freed objects (0x6b, end 0xa5) and red zones (0xbb/0xcc)
 * and report double frees and use after free as SLUB does, in the dmesg ring.
 */
#ifndef MMSIM_SLAB_H
#define MMSIM_SLAB_H

#include "gfp.h"
#include "mm_types.h"

struct machine;

typedef unsigned int slab_flags_t;
#define SLAB_CONSISTENCY_CHECKS	0x00000100u
#define SLAB_RED_ZONE		0x00000400u
#define SLAB_POISON		0x00000800u
#define SLAB_KMALLOC		0x00001000u
#define SLAB_HWCACHE_ALIGN	0x00002000u
#define SLAB_CACHE_DMA		0x00004000u
#define SLAB_CACHE_DMA32	0x00008000u
#define SLAB_STORE_USER		0x00010000u
#define SLAB_PANIC		0x00040000u
#define SLAB_TYPESAFE_BY_RCU	0x00080000u
#define SLAB_ACCOUNT		0x04000000u
#define SLAB_RECLAIM_ACCOUNT	0x00020000u
#define SLAB_NO_MERGE		0x01000000u

#define ARCH_KMALLOC_MINALIGN	8
#define L1_CACHE_BYTES		64
#define KMALLOC_SHIFT_LOW	3
#define KMALLOC_SHIFT_HIGH	13	/* kmalloc-8k is the largest class */
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/* kmalloc cache families, as Linux's enum kmalloc_cache_type. */
enum kmalloc_cache_type {
	KMALLOC_NORMAL,
	KMALLOC_RECLAIM,
	KMALLOC_DMA,
	KMALLOC_CGROUP,
	NR_KMALLOC_TYPES
};

struct kmem_cache_cpu {
	void *freelist;		/* next free object of the active slab */
	struct page *slab;	/* the active slab, or NULL */
	struct page *partial;	/* per-CPU partial slabs (chained via slab_list, see slub.c) */
	unsigned long tid;
};

struct kmem_cache_node {
	spinlock_t list_lock;
	unsigned long nr_partial;
	struct list_head partial;
	unsigned long nr_slabs;
	unsigned long total_objects;
	struct list_head full;	/* debug builds only */
};

struct kmem_cache_order_objects {
	unsigned int x;		/* order << 16 | objects */
};

struct kmem_cache {
	struct kmem_cache_cpu *cpu_slab;	/* per-CPU (percpu.h) */
	slab_flags_t flags;
	unsigned long min_partial;
	unsigned int size;		/* object + metadata, the stride */
	unsigned int object_size;	/* what the user asked for */
	unsigned int offset;		/* free pointer offset */
	unsigned int cpu_partial;
	unsigned int cpu_partial_slabs;
	struct kmem_cache_order_objects oo;	/* preferred */
	struct kmem_cache_order_objects min;	/* fallback under pressure */
	gfp_t allocflags;
	int refcount;
	void (*ctor)(void *obj);
	unsigned int inuse;		/* offset of metadata after the object */
	unsigned int align;
	unsigned int red_left_pad;
	const char *name;
	struct list_head list;		/* machine->slab_caches */
	struct kmem_cache_node *node[MAX_NUMNODES];
};

/* Cache creation and objects. All return NULL on an out-of-memory outcome. */
int kmem_cache_init(struct machine *m);
void kmem_cache_shutdown_all(struct machine *m);
struct kmem_cache *kmem_cache_create(struct machine *m, const char *name,
				     unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *));
void kmem_cache_destroy(struct machine *m, struct kmem_cache *s);
void *kmem_cache_alloc(struct machine *m, struct kmem_cache *s, gfp_t gfp);
void *kmem_cache_alloc_node(struct machine *m, struct kmem_cache *s, gfp_t gfp, int nid);
void kmem_cache_free(struct machine *m, struct kmem_cache *s, void *obj);
/* Bulk, as kmem_cache_alloc_bulk: returns objects allocated (all or 0). */
int kmem_cache_alloc_bulk(struct machine *m, struct kmem_cache *s, gfp_t gfp,
			  size_t nr, void **p);
void kmem_cache_free_bulk(struct machine *m, struct kmem_cache *s, size_t nr, void **p);

void *kmalloc(struct machine *m, size_t size, gfp_t gfp);
void *kmalloc_node(struct machine *m, size_t size, gfp_t gfp, int nid);
void *kzalloc(struct machine *m, size_t size, gfp_t gfp);
void kfree(struct machine *m, const void *obj);
size_t ksize(struct machine *m, const void *obj);
/* The cache kmalloc(size, gfp) would use, or NULL for the page allocator. */
struct kmem_cache *kmalloc_slab(struct machine *m, size_t size, gfp_t gfp);
/* Index of the kmalloc class for size (1..KMALLOC_MAX_CACHE_SIZE). */
unsigned int kmalloc_index(size_t size);

/* /proc/slabinfo figures for one cache. */
struct slabinfo {
	unsigned long active_objs, num_objs, active_slabs, num_slabs;
	unsigned int objects_per_slab, cache_order;
};
void get_slabinfo(struct machine *m, struct kmem_cache *s, struct slabinfo *info);

/* Debug builds: check every cache; returns the number of problems found. */
int validate_slab_caches(struct machine *m);

#endif
