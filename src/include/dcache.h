/*
 * dcache.h - the dentry cache (include/linux/dcache.h, fs/dcache.c) and the
 * superblock shrinker that reaps it (fs/super.c), plus vm.drop_caches
 * (fs/drop_caches.c).
 *
 * A dentry names one path component under its parent. Dentries come from
 * the "dentry" slab cache (SLAB_RECLAIM_ACCOUNT: their slabs count in
 * SReclaimable / nr_slab_reclaimable), 192 bytes each as on x86-64 Linux;
 * names longer than DNAME_INLINE_LEN - 1 bytes live in a kmalloc-rcl-N
 * object. Dentries are hashed by (parent, name) and each holds a reference
 * on its parent, so a directory stays while it has cached children.
 *
 * States of a dentry:
 *
 *   state       d_count  hashed  on the LRU        d_inode / type
 *   ----------  -------  ------  ----------------  ---------------------------
 *   in use       > 0     yes     maybe (lazily:    positive (an inode, or a
 *                                a lookup does     directory here), or
 *                                not take it off)  negative (DCACHE_MISS_TYPE:
 *                                                  the name is known absent)
 *   unused        0      yes     yes               either
 *   unhashed     >= 0    no      no                killed at the last dput
 *   dead         < 0     no      no                freed (or by the shrink
 *                                                  list that still holds it)
 *
 * dput keeps an unused hashed dentry: onto the LRU tail the first time,
 * DCACHE_REFERENCED on later ones (a second chance: the shrinker's walk
 * clears the bit and rotates it instead of freeing it). The shrinker takes
 * in-use dentries off the LRU (counted as freed, as Linux counts them) and
 * frees unused ones, their parents too when the last child goes.
 *
 * Counters (/proc/sys/fs/dentry-state): nr_dentry (allocated),
 * nr_unused (with DCACHE_LRU_LIST: on the LRU or a shrink list),
 * nr_negative (negative dentries on the LRU).
 *
 * The filesystem side (inodes, the disk) belongs to the inode owner, which
 * calls d_lookup_path/d_instantiate/dput/d_delete_path from open/unlink and
 * may set the hooks in struct dcache_state. Single host thread: the LRU's
 * node locks (LOCK_LIST_LRU) are taken where Linux takes them; d_lock and
 * the hash-bucket locks are not modelled.
 */
#ifndef MMSIM_DCACHE_H
#define MMSIM_DCACHE_H

#include "list_lru.h"
#include "shrinker.h"

struct machine;
struct inode;			/* the inode owner's */
struct kmem_cache;

#define DNAME_INLINE_LEN	40	/* 6.14+: d_shortname */
#define DENTRY_OBJ_SIZE		192	/* sizeof(struct dentry) on x86-64 Linux */
#define MMSIM_NAME_MAX		255
#define MMSIM_PATH_MAX		4096

struct qstr {
	unsigned int hash;
	unsigned int len;
	const char *name;
};

/* d_flags: Linux's names (the bit values are mmsim's). */
#define DCACHE_REFERENCED	(1u << 6)	/* recently used: spare it once */
#define DCACHE_SHRINK_LIST	(1u << 10)	/* on a shrinker's private dispose list */
#define DCACHE_DENTRY_KILLED	(1u << 14)
#define DCACHE_LRU_LIST		(1u << 19)	/* d_lru in use (LRU or shrink list) */
#define DCACHE_ENTRY_TYPE	(7u << 20)
#define DCACHE_MISS_TYPE	(0u << 20)	/* negative */
#define DCACHE_DIRECTORY_TYPE	(2u << 20)
#define DCACHE_REGULAR_TYPE	(4u << 20)

struct dentry {
	unsigned int d_flags;
	int d_count;			/* d_lockref.count; < 0 once dead */
	struct dentry *d_hash_next;	/* hash chain */
	struct dentry **d_hash_pprev;	/* NULL: unhashed */
	struct dentry *d_parent;	/* itself for the root */
	struct qstr d_name;
	struct inode *d_inode;		/* NULL: negative, or a directory here */
	struct list_head d_lru;		/* the LRU or a shrink list */
	struct list_head d_child;	/* in the parent's d_subdirs */
	struct list_head d_subdirs;	/* children */
	void *d_fsdata;			/* the filesystem's */
	unsigned char d_iname[DNAME_INLINE_LEN];
};

static inline bool d_is_negative(const struct dentry *d)
{
	return (d->d_flags & DCACHE_ENTRY_TYPE) == DCACHE_MISS_TYPE;
}

static inline bool d_is_dir(const struct dentry *d)
{
	return (d->d_flags & DCACHE_ENTRY_TYPE) == DCACHE_DIRECTORY_TYPE;
}

static inline bool d_unhashed(const struct dentry *d)
{
	return !d->d_hash_pprev;
}

/* fs/dcache.c's and fs/drop_caches.c's globals (machine->dcache). */
struct dcache_state {
	struct kmem_cache *dentry_cache;	/* "dentry" */
	struct dentry **hashtable;		/* 1 << d_hash_shift chains, page allocator */
	unsigned int d_hash_shift;
	struct page *hash_pages;
	struct dentry *root;			/* "/", always referenced */
	struct list_lru lru;			/* s_dentry_lru */
	struct shrinker *shrinker;		/* the superblock's ("super_cache") */
	long nr_dentry, nr_dentry_unused, nr_dentry_negative;
	int drop_caches_stfu;			/* drop_caches bit 4 was written */
	/*
	 * Set by the inode owner (NULL: nothing to do):
	 * d_iput - a dentry lets go of its inode (dentry_unlink_inode's iput);
	 * drop_pagecache_sb - drop_caches 1: invalidate every inode's clean
	 *   page cache (drop_pagecache_sb over iterate_supers);
	 * nr_cached_inodes / prune_icache_sb - the superblock shrinker's inode
	 *   half (super_cache_count / super_cache_scan share one scan target
	 *   between dentries and inodes as Linux does). An inode owner may
	 *   register its own shrinker instead and leave these NULL.
	 */
	void (*d_iput)(struct machine *m, struct dentry *d, struct inode *inode);
	void (*drop_pagecache_sb)(struct machine *m);
	unsigned long (*nr_cached_inodes)(struct machine *m, int nid);
	unsigned long (*prune_icache_sb)(struct machine *m, struct shrink_control *sc);
	/* fs/inode.c's inodes_stat, kept by the inode owner: inode-nr, inode-state */
	long nr_inodes, nr_unused_inodes;
};

/* Boot (after the slab allocator): cache, hash table, root, shrinker. 0 / -ENOMEM. */
int dcache_init(struct machine *m);
void dcache_exit(struct machine *m);
/* filetests: free every unused dentry (shutdown: files closed after dcache_exit drop theirs). */
void shrink_dcache_unused(struct machine *m);

/*
 * Walk relpath ("data/f" or "/data/f"; empty components and "." are
 * skipped) from the root through the cache. Returns the last component's
 * dentry with a reference the caller drops with dput: positive, or
 * negative (the name is cached as absent; the caller decides - a failed
 * lookup simply dputs it and the negative dentry stays cached, as Linux
 * keeps them). A component not in the cache: with create, a new hashed
 * dentry, negative if it is the last component, a directory if it is an
 * intermediate one (a cached negative intermediate becomes a directory
 * too); without create, NULL. Errors: ERR_PTR(-ENOENT) an intermediate is
 * cached negative (!create), -ENOTDIR an intermediate is a regular file,
 * -EINVAL a ".." component, -ENAMETOOLONG, -ENOMEM.
 */
struct dentry *d_lookup_path(struct machine *m, const char *relpath, bool create);
static inline struct dentry *dget(struct dentry *d)
{
	if (d)
		d->d_count++;
	return d;
}
void dput(struct machine *m, struct dentry *d);
/* A negative dentry becomes positive: a regular file with this inode (its reference moves to the dentry). */
void d_instantiate(struct machine *m, struct dentry *d, struct inode *inode);
/*
 * unlink (d_delete): the caller holds one reference. If it is the only
 * one the dentry turns negative at once (the inode goes through d_iput);
 * otherwise it is unhashed and dies at its last dput.
 */
void d_delete(struct machine *m, struct dentry *d);
/* d_delete on relpath's cached dentry, if any. */
void d_delete_path(struct machine *m, const char *relpath);

/* mult_frac(val, vm.vfs_cache_pressure, vm.vfs_cache_pressure_denom) */
unsigned long vfs_pressure_ratio(struct machine *m, unsigned long val);
/* The dentry half of the superblock shrinker: up to sc->nr_to_scan of node sc->nid. */
long prune_dcache_sb(struct machine *m, struct shrink_control *sc);

/* vm.drop_caches written (the sysctl's apply hook): 1 page cache, 2 slab, 4 quiet. */
int drop_caches_sysctl_handler(struct machine *m);

/* Debug: the tree, the hash and the LRU against the counters. Problems found. */
int validate_dcache(struct machine *m);

#endif
