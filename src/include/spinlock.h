/*
 * spinlock.h - the kernel's locks, taken in the kernel's order.
 *
 * The simulator runs on one host thread today, so a lock is a flag. The
 * point is the discipline: every lock has a class whose rank follows Linux's
 * lock order (mm/rmap.c's lock tree), and debug builds check on every
 * acquisition that locks are taken in increasing rank and released, so that
 * driving the machine from several host threads later is a change of lock
 * implementation, not of design.
 *
 * Lock order (outermost first; also in docs/ARCHITECTURE.md):
 *   mmap_lock > i_mmap_rwsem > anon_vma->rwsem > page table lock >
 *   swap_lock > i_pages > lru_lock > slab list_lock > pcp->lock > zone->lock
 *
 * The held-lock stack is per host thread (lockdep's current->held_locks), not
 * simulation state, so it is the one thread-local object in the library.
 */
#ifndef MMSIM_SPINLOCK_H
#define MMSIM_SPINLOCK_H

#include "bug.h"

enum lock_class {
	LOCK_MMAP = 10,
	LOCK_VMAP_PURGE = 12,	/* vmalloc: vmap_purge_lock (a mutex in Linux) */
	LOCK_I_MMAP = 20,
	LOCK_ANON_VMA = 30,
	LOCK_PTL = 40,
	LOCK_SWAP = 50,
	LOCK_SHARED_POLICY = 55,	/* a shmem object's shared policy tree (sp->lock) */
	LOCK_I_PAGES = 60,
	LOCK_LRU = 70,
	LOCK_SPLIT_QUEUE = 72,	/* THP: a node's deferred split queue (split_queue_lock) */
	LOCK_VMAP_NODE = 74,	/* vmalloc: a vmap node's busy, lazy and pool locks */
	LOCK_VMAP_FREE = 76,	/* vmalloc: free_vmap_area_lock */
	LOCK_LIST_LRU = 78,	/* dcache: a list_lru node's lock (dentry/inode LRUs) */
	LOCK_SLAB_LIST = 80,
	LOCK_PCP = 85,
	LOCK_ZONE = 90,
};

typedef struct spinlock {
	unsigned char locked;
	unsigned char class;	/* enum lock_class */
} spinlock_t;

static inline void spin_lock_init(spinlock_t *l, enum lock_class class)
{
	l->locked = 0;
	l->class = (unsigned char)class;
}

void lockdep_acquire(spinlock_t *l);
void lockdep_release(spinlock_t *l);
int lockdep_depth(void);

static inline void spin_lock(spinlock_t *l)
{
	if (IS_ENABLED_DEBUG_VM)
		lockdep_acquire(l);
	VM_BUG_ON(l->locked);
	l->locked = 1;
}

static inline void spin_unlock(spinlock_t *l)
{
	VM_BUG_ON(!l->locked);
	l->locked = 0;
	if (IS_ENABLED_DEBUG_VM)
		lockdep_release(l);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return l->locked;
}

#define lockdep_assert_held(l) VM_BUG_ON(!(l)->locked)

#endif
