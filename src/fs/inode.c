/*
 * inode.c - inodes of disk files (Linux's fs/inode.c for one ext4-like
 * superblock): the hash from the host file's identity to its inode, the
 * unused-inode LRU and its pruning, eviction, and drop_caches' walk of
 * every inode's page cache.
 *
 * An inode is found by the host file's (st_dev, st_ino), so two opens of
 * one file - or of two hard links - share one page cache. Open files hold
 * references (i_count). At the last iput a linked inode stays cached,
 * pages and all, at the head of machine->inode_lru; an unlinked one is
 * evicted at once (its pages dropped, dirty or not: the data has no name
 * left). prune_icache takes unused inodes from the LRU's tail as Linux's
 * inode_lru_isolate does: a recently used one (I_REFERENCED) gets another
 * pass, one with dirty pages waits for writeback, one with clean pages
 * has them invalidated first (pginodesteal) and is freed when none remain.
 *
 * Inodes come from the "ext4_inode_cache" slab (SLAB_RECLAIM_ACCOUNT:
 * SReclaimable); the hash buckets are one kmalloc'd array.
 *
 * Invariants: each inode is hashed once and on inode_list once; on the LRU
 * iff i_count == 0 (nr_inodes_unused counts them); i_data.host == inode.
 */
#include <errno.h>
#include <string.h>

#include "dcache.h"
#include "disk.h"
#include "fs.h"
#include "mempolicy.h"
#include "pagemap.h"
#include "swap.h"
#include "vmstat.h"
#include "writeback.h"

#define INODE_HASH_SIZE		256

static unsigned int inode_hashfn(unsigned long long dev, unsigned long long ino)
{
	unsigned long long h = ino * 0x9e3779b97f4a7c15ULL ^ dev;

	return (unsigned int)(h >> 56) % INODE_HASH_SIZE;
}

static unsigned long sb_nr_cached_inodes(struct machine *m, int nid);
static unsigned long sb_prune_icache(struct machine *m, struct shrink_control *sc);

/* dentry_unlink_inode's iput: the dentry's reference (d_instantiate's) goes. */
static void dentry_iput(struct machine *m, struct dentry *d, struct inode *inode)
{
	(void)d;
	iput(m, inode);
}

int inode_init(struct machine *m)
{
	INIT_LIST_HEAD(&m->inode_list);
	INIT_LIST_HEAD(&m->inode_lru);
	if (!m->inode_cachep)
		m->inode_cachep = kmem_cache_create(m, "ext4_inode_cache", sizeof(struct inode), 0,
						    SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT, NULL);
	if (!m->inode_cachep)
		return -ENOMEM;
	m->inode_hash = kmalloc(m, INODE_HASH_SIZE * sizeof(struct list_head), GFP_KERNEL);
	if (!m->inode_hash)
		return -ENOMEM;
	for (int i = 0; i < INODE_HASH_SIZE; i++)
		INIT_LIST_HEAD(&m->inode_hash[i]);
	/* the dcache branch's superblock shrinker and drop_caches call these */
	m->dcache.drop_pagecache_sb = drop_pagecache;
	m->dcache.nr_cached_inodes = sb_nr_cached_inodes;
	m->dcache.prune_icache_sb = sb_prune_icache;
	/* filetests: a positive dentry holds an i_count reference (open.c) */
	m->dcache.d_iput = dentry_iput;
	return 0;
}

unsigned long nr_inodes(const struct machine *m)
{
	return m->nr_inodes;
}

unsigned long nr_unused_inodes(const struct machine *m)
{
	return m->nr_inodes_unused;
}

/* inodes_stat for /proc/sys/fs/inode-nr and inode-state (the dcache branch prints them). */
static void inodes_stat_sync(struct machine *m)
{
	m->dcache.nr_inodes = (long)m->nr_inodes;
	m->dcache.nr_unused_inodes = (long)m->nr_inodes_unused;
}

static void inode_lru_add(struct machine *m, struct inode *inode)
{
	list_add(&inode->i_lru, &m->inode_lru);
	m->nr_inodes_unused++;
	inodes_stat_sync(m);
}

static void inode_lru_del(struct machine *m, struct inode *inode)
{
	list_del_init(&inode->i_lru);
	m->nr_inodes_unused--;
	inodes_stat_sync(m);
}

/* The superblock shrinker's inode half (super_cache_count/scan): one LRU, on node 0. */
static unsigned long sb_nr_cached_inodes(struct machine *m, int nid)
{
	return nid == 0 ? m->nr_inodes_unused : 0;
}

static unsigned long sb_prune_icache(struct machine *m, struct shrink_control *sc)
{
	return sc->nid == 0 ? prune_icache(m, sc->nr_to_scan) : 0;
}

struct inode *inode_find(struct machine *m, unsigned long long dev, unsigned long long ino)
{
	struct list_head *head = &m->inode_hash[inode_hashfn(dev, ino)];
	struct inode *inode;

	list_for_each_entry(inode, head, i_hash)
		if (inode->host_dev == dev && inode->host_ino == ino)
			return inode;
	return NULL;
}

/* A new inode for the host file behind fd (taken over), i_count 1. */
static struct inode *inode_alloc(struct machine *m, int fd, unsigned long long dev,
				 unsigned long long ino, long long size)
{
	struct inode *inode = kmem_cache_alloc(m, m->inode_cachep, GFP_KERNEL);
	struct address_space *mapping;

	if (!inode)
		return NULL;
	memset(inode, 0, sizeof(*inode));
	mapping = &inode->i_data;
	mapping->machine = m;
	mapping->size = (unsigned long)size;
	mapping->ino = ++m->next_ino;	/* iunique-like: deterministic per run */
	mapping->i_mmap = RB_ROOT;
	mapping->host = inode;
	spin_lock_init(&mapping->i_mmap_lock, LOCK_I_MMAP);
	spin_lock_init(&mapping->i_pages_lock, LOCK_I_PAGES);
	mapping_init_pages(mapping);
	mpol_shared_policy_init(&mapping->policy);
	inode->i_count = 1;
	inode->i_nlink = 1;
	inode->host_fd = fd;
	inode->host_dev = dev;
	inode->host_ino = ino;
	INIT_LIST_HEAD(&inode->i_lru);
	INIT_LIST_HEAD(&inode->i_io_list);	/* writeback: off the flusher's list */
	list_add(&inode->i_hash, &m->inode_hash[inode_hashfn(dev, ino)]);
	list_add_tail(&inode->i_sb_list, &m->inode_list);
	m->nr_inodes++;
	inodes_stat_sync(m);
	return inode;
}

/*
 * iget for an open of the host file behind fd: the cached inode (fd is
 * closed, the inode keeps its own) or a new one owning fd. NULL: no memory
 * (fd is closed).
 */
struct inode *iget_host(struct machine *m, int fd, unsigned long long dev,
			unsigned long long ino, long long size)
{
	struct inode *inode = inode_find(m, dev, ino);

	if (inode) {
		disk_close(fd);
		ihold(inode);
		return inode;
	}
	inode = inode_alloc(m, fd, dev, ino, size);
	if (!inode)
		disk_close(fd);
	return inode;
}

void ihold(struct inode *inode)
{
	struct machine *m = inode->i_data.machine;

	if (inode->i_count++ == 0)
		inode_lru_del(m, inode);
	inode->i_state |= I_REFERENCED;
}

/* evict: the pages go (written or not), then the host file and the object. */
static void evict(struct machine *m, struct inode *inode)
{
	VM_BUG_ON(inode->i_count);
	inode->i_state |= I_FREEING;
	truncate_inode_pages(&inode->i_data, 0);
	VM_BUG_ON(inode->i_data.nrpages);
	inode_io_list_del(m, inode);		/* writeback: the flusher forgets it */
	mapping_destroy_pages(&inode->i_data);
	mpol_free_shared_policy(m, &inode->i_data.policy);
	disk_close(inode->host_fd);
	list_del(&inode->i_hash);
	list_del(&inode->i_sb_list);
	m->nr_inodes--;
	inodes_stat_sync(m);
	kmem_cache_free(m, m->inode_cachep, inode);
}

void iput(struct machine *m, struct inode *inode)
{
	VM_BUG_ON(inode->i_count <= 0);
	if (--inode->i_count)
		return;
	if (!inode->i_nlink || (inode->i_state & I_FREEING)) {
		evict(m, inode);
		return;
	}
	inode_lru_add(m, inode);
}

/* unlink(2) of the host file (dev, ino): an unused cached inode goes now. */
void inode_unlinked(struct machine *m, unsigned long long dev, unsigned long long ino)
{
	struct inode *inode = inode_find(m, dev, ino);

	if (!inode)
		return;
	/* one name less; mmsim makes no hard links itself, so the last one */
	inode->i_nlink = 0;
	if (!inode->i_count) {
		inode_lru_del(m, inode);
		evict(m, inode);
	}
}

/* inode_lru_isolate + dispose_list for one inode; true if it was freed. */
static bool prune_one(struct machine *m, struct inode *inode)
{
	struct address_space *mapping = &inode->i_data;

	if (inode->i_state & I_REFERENCED) {
		inode->i_state &= ~I_REFERENCED;
		list_move(&inode->i_lru, &m->inode_lru);	/* LRU_ROTATE */
		return false;
	}
	if (mapping->nrdirty) {
		list_move(&inode->i_lru, &m->inode_lru);	/* waits for writeback */
		return false;
	}
	if (mapping->nrpages) {
		unsigned long reap = invalidate_mapping_pages(mapping, 0, ~0UL);

		count_vm_events(m, PGINODESTEAL, reap);
		if (mapping->nrpages) {
			list_move(&inode->i_lru, &m->inode_lru);
			return false;
		}
	}
	inode_lru_del(m, inode);
	evict(m, inode);
	return true;
}

unsigned long prune_icache(struct machine *m, unsigned long nr_to_scan)
{
	unsigned long freed = 0;

	while (nr_to_scan-- && !list_empty(&m->inode_lru)) {
		struct inode *inode = list_last_entry(&m->inode_lru, struct inode, i_lru);

		freed += prune_one(m, inode);
	}
	return freed;
}

void drop_pagecache(struct machine *m)
{
	struct inode *inode;

	lru_add_drain_all(m);
	list_for_each_entry(inode, &m->inode_list, i_sb_list)
		invalidate_mapping_pages(&inode->i_data, 0, ~0UL);
}

/* Shutdown: every file is closed by now; every cached inode goes. */
void inode_exit(struct machine *m)
{
	if (!m->inode_hash)
		return;
	while (!list_empty(&m->inode_lru)) {
		struct inode *inode = list_last_entry(&m->inode_lru, struct inode, i_lru);

		inode_lru_del(m, inode);
		evict(m, inode);
	}
	WARN_ON(!list_empty(&m->inode_list));
	kfree(m, m->inode_hash);
	m->inode_hash = NULL;
	m->dcache.drop_pagecache_sb = NULL;
	m->dcache.nr_cached_inodes = NULL;
	m->dcache.prune_icache_sb = NULL;
	m->dcache.d_iput = NULL;
}
