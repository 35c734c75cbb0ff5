/*
 * shrinker.h - the shrinker framework (include/linux/shrinker.h,
 * mm/shrinker.c): how reclaim asks caches that are not on the LRU (dentries,
 * inodes, ...) to give memory back - the seed's "reaping".
 *
 * A cache owner allocates a shrinker, fills in count_objects/scan_objects
 * (and, if it wants, seeks, batch, flags, private_data) and registers it.
 * Reclaim calls shrink_slab(m, gfp, nid, priority) once per node it reclaims
 * from; shrink_slab calls do_shrink_slab for every registered shrinker, in
 * registration order, which asks count_objects how many objects could be
 * freed and then scan_objects in batches of `batch` (SHRINK_BATCH, 128)
 * with Linux's arithmetic:
 *
 *   delta      = (freeable >> priority) * 4 / seeks    (seeks 0: freeable / 2)
 *   total_scan = min(nr_deferred >> priority + delta, 2 * freeable)
 *   scan while total_scan >= batch or total_scan >= freeable
 *   nr_deferred = min(max(nr_deferred + delta - scanned, 0), 2 * freeable)
 *
 * so work a call could not do (less than a batch) is carried to the next
 * call. nr_deferred is per node for SHRINKER_NUMA_AWARE shrinkers, else
 * one counter (node 0's). Every scanned object counts in vmstat's
 * slabs_scanned.
 *
 * Callbacks: count_objects returns the number of freeable objects (0 or
 * SHRINK_EMPTY: nothing to do); scan_objects tries to free up to
 * sc->nr_to_scan objects of node sc->nid and returns how many it freed, or
 * SHRINK_STOP when it cannot make progress in this context (e.g. no
 * __GFP_FS); it may lower sc->nr_scanned to what it really looked at.
 * Callbacks run with no lock held and may allocate and free memory.
 *
 * The list is walked without a lock (Linux walks it under RCU); shrinkers
 * are registered at boot or by subsystem init, not from inside a callback.
 */
#ifndef MMSIM_SHRINKER_H
#define MMSIM_SHRINKER_H

#include "gfp.h"
#include "list.h"

struct machine;

struct shrink_control {
	gfp_t gfp_mask;
	int nid;			/* the node to shrink (0 for unaware shrinkers) */
	unsigned long nr_to_scan;	/* in: objects to scan; a list_lru walk counts it down */
	unsigned long nr_scanned;	/* in: = nr_to_scan; the callback may lower it */
};

#define SHRINK_STOP	(~0UL)
#define SHRINK_EMPTY	(~0UL - 1)
#define DEFAULT_SEEKS	2		/* a typical object costs 2 seeks to recreate */
#define SHRINK_BATCH	128

/* Linux's flag bits (include/linux/shrinker.h). */
#define SHRINKER_REGISTERED	(1u << 0)
#define SHRINKER_ALLOCATED	(1u << 1)
#define SHRINKER_NUMA_AWARE	(1u << 2)

#define SHRINKER_NAME_LEN	48

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *s, struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *s, struct shrink_control *sc);
	long batch;			/* 0: SHRINK_BATCH */
	int seeks;			/* DEFAULT_SEEKS unless set */
	unsigned int flags;
	void *private_data;		/* the owner's */
	struct machine *machine;
	struct list_head list;		/* machine->shrinker_list */
	long *nr_deferred;		/* [nr_nodes]; [0] only for unaware shrinkers */
	char name[SHRINKER_NAME_LEN];
};

/*
 * A zeroed shrinker (seeks = DEFAULT_SEEKS) named name, in simulated memory
 * (kzalloc), with its nr_deferred array; NULL when out of memory. Set the
 * callbacks (and flags) before shrinker_register.
 */
struct shrinker *shrinker_alloc(struct machine *m, const char *name);
/* Make it visible to shrink_slab (at the end of the list). */
void shrinker_register(struct shrinker *s);
/* Unregister (if registered) and free. NULL is allowed. */
void shrinker_free(struct shrinker *s);

/*
 * One shrinker, one round, as vmscan's shrink_slab does it: returns the
 * objects freed, or SHRINK_EMPTY / 0 when count_objects had nothing.
 */
unsigned long do_shrink_slab(struct shrink_control *sc, struct shrinker *s, int priority);
/*
 * Every registered shrinker at priority (DEF_PRIORITY 12 .. 0) for node nid;
 * the objects freed. Called by reclaim (shrink_node) and drop_slab.
 */
unsigned long shrink_slab(struct machine *m, gfp_t gfp, int nid, int priority);
/*
 * drop_caches 2 (mm/vmscan.c's drop_slab): shrink_slab at priority 0 on
 * every node, again while a round frees more than 1 << round objects.
 */
void drop_slab(struct machine *m);

#endif
