/*
 * list_lru.h - per-node LRU lists of kernel objects (include/linux/list_lru.h,
 * mm/list_lru.c): the unused-dentry LRU and, for the inode owner, the
 * unused-inode LRU.
 *
 * An object is added at the tail of the list of the node its memory is on
 * (the node of the slab page holding it), so a NUMA-aware shrinker frees
 * memory of the node under pressure. A walk starts at the head (the oldest
 * object) and hands each item to an isolate callback, counting nr_to_walk
 * down for every item it visits; the callback answers what it did:
 *
 *   LRU_REMOVED  the callback took it off the list (list_lru_isolate or
 *                list_lru_isolate_move): counted as isolated
 *   LRU_ROTATE   give it another pass: moved to the tail (it may be seen
 *                again in the same walk if nr_to_walk allows)
 *   LRU_SKIP     leave it where it is
 *   LRU_STOP     end the walk
 *
 * Invariant: node[nid].nr_items == length of node[nid].list. The callback
 * runs with the node's lock (LOCK_LIST_LRU) held: it must not allocate,
 * free or sleep; it moves what it frees to a private list and the caller
 * disposes of that list after the walk.
 */
#ifndef MMSIM_LIST_LRU_H
#define MMSIM_LIST_LRU_H

#include "list.h"
#include "spinlock.h"

struct machine;
struct shrink_control;

struct list_lru_one {
	struct list_head list;
	long nr_items;
};

struct list_lru_node {
	spinlock_t lock;		/* LOCK_LIST_LRU */
	struct list_lru_one lru;
};

struct list_lru {
	struct machine *machine;
	struct list_lru_node *node;	/* [nr_nodes], simulated memory */
};

enum lru_status {
	LRU_REMOVED,
	LRU_ROTATE,
	LRU_SKIP,
	LRU_STOP,
};

typedef enum lru_status (*list_lru_walk_cb)(struct list_head *item, struct list_lru_one *list,
					     void *cb_arg);

/* 0 or -ENOMEM. */
int list_lru_init(struct machine *m, struct list_lru *lru);
void list_lru_destroy(struct list_lru *lru);
/* Add at the tail of its node's list / take off; false if already so. */
bool list_lru_add_obj(struct list_lru *lru, struct list_head *item);
bool list_lru_del_obj(struct list_lru *lru, struct list_head *item);
unsigned long list_lru_count_node(struct list_lru *lru, int nid);
unsigned long list_lru_count(struct list_lru *lru);
static inline unsigned long list_lru_shrink_count(struct list_lru *lru,
						  struct shrink_control *sc);
/* Walk node nid's list; returns the items isolated. */
unsigned long list_lru_walk_node(struct list_lru *lru, int nid, list_lru_walk_cb isolate,
				 void *cb_arg, unsigned long *nr_to_walk);
/* The walk a shrinker does: node sc->nid, sc->nr_to_scan counted down. */
unsigned long list_lru_shrink_walk(struct list_lru *lru, struct shrink_control *sc,
				   list_lru_walk_cb isolate, void *cb_arg);
/* For isolate callbacks: take item off the list / move it to head. */
void list_lru_isolate(struct list_lru_one *list, struct list_head *item);
void list_lru_isolate_move(struct list_lru_one *list, struct list_head *item,
			   struct list_head *head);

#include "shrinker.h"

static inline unsigned long list_lru_shrink_count(struct list_lru *lru,
						  struct shrink_control *sc)
{
	return list_lru_count_node(lru, sc->nid);
}

#endif
