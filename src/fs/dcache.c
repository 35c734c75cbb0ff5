/*
 * dcache.c - the dentry cache (fs/dcache.c) and its superblock shrinker
 * (fs/super.c's super_cache_count/super_cache_scan).
 *
 * See dcache.h for the states of a dentry. The rules that keep the
 * counters true (Linux's, d_lru_add and friends):
 *   - DCACHE_LRU_LIST is set exactly while d_lru is on the LRU or on a
 *     shrink list; nr_dentry_unused counts those dentries;
 *   - nr_dentry_negative counts negative dentries on the LRU proper (not
 *     on a shrink list), so every type change of a dentry on the LRU
 *     adjusts it;
 *   - a dentry's d_count includes one reference per cached child;
 *   - a killed dentry still on a shrink list is freed by that list's owner.
 *
 * Lookups hash (parent, name) into one table of singly linked chains,
 * sized as alloc_large_system_hash sizes the "Dentry cache" table (one
 * bucket per 8 KiB of memory, a power of two) but taken from the page
 * allocator after boot (see docs/ARCHITECTURE.md). Names are hashed with
 * FNV-1a salted with the parent's physical address, so runs are
 * deterministic.
 *
 * Lock order: the LRU node lock (LOCK_LIST_LRU) is the only lock; the
 * isolate callback runs under it and only moves list entries; dentries are
 * killed and freed after it is released (shrink_dentry_list).
 */
#include <errno.h>
#include <string.h>

#include "mm.h"
#include "dcache.h"

#define DENTRY_DEAD		(-128)		/* lockref_mark_dead */
#define EXTERNAL_NAME_HDR	24		/* struct external_name before its name */

/* ---- names and the hash table ---- */

static unsigned int name_hash(const struct machine *m, const struct dentry *parent,
			      const char *name, unsigned int len)
{
	uint64_t salt = virt_to_phys(m, parent);
	uint32_t h = 2166136261u ^ (uint32_t)(salt >> 6) ^ (uint32_t)(salt >> 38);

	for (unsigned int i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

static struct dentry **d_hash(struct machine *m, unsigned int hash)
{
	struct dcache_state *dc = &m->dcache;

	/* hash_32: the golden-ratio multiply keeps the top bits well mixed. */
	return &dc->hashtable[(hash * 0x61C88647u) >> (32 - dc->d_hash_shift)];
}

static void __d_rehash(struct machine *m, struct dentry *d)
{
	struct dentry **b = d_hash(m, d->d_name.hash);

	d->d_hash_next = *b;
	if (*b)
		(*b)->d_hash_pprev = &d->d_hash_next;
	*b = d;
	d->d_hash_pprev = b;
}

/* Unhash: lookups no longer find it (d_drop). */
static void __d_drop(struct dentry *d)
{
	if (d_unhashed(d))
		return;
	*d->d_hash_pprev = d->d_hash_next;
	if (d->d_hash_next)
		d->d_hash_next->d_hash_pprev = d->d_hash_pprev;
	d->d_hash_next = NULL;
	d->d_hash_pprev = NULL;
}

/* d_lookup: the hashed child of parent called name, with a reference. */
static struct dentry *__d_lookup(struct machine *m, struct dentry *parent,
				 const struct qstr *name)
{
	struct dentry *d;

	for (d = *d_hash(m, name->hash); d; d = d->d_hash_next) {
		if (d->d_parent != parent || d->d_name.hash != name->hash ||
		    d->d_name.len != name->len || memcmp(d->d_name.name, name->name, name->len))
			continue;
		return dget(d);
	}
	return NULL;
}

/* ---- the LRU and the counters (d_lru_add and friends) ---- */

static void d_lru_add(struct machine *m, struct dentry *d)
{
	VM_BUG_ON(d->d_flags & (DCACHE_LRU_LIST | DCACHE_SHRINK_LIST));
	d->d_flags |= DCACHE_LRU_LIST;
	m->dcache.nr_dentry_unused++;
	if (d_is_negative(d))
		m->dcache.nr_dentry_negative++;
	WARN_ON(!list_lru_add_obj(&m->dcache.lru, &d->d_lru));
}

static void d_lru_del(struct machine *m, struct dentry *d)
{
	VM_BUG_ON((d->d_flags & (DCACHE_LRU_LIST | DCACHE_SHRINK_LIST)) != DCACHE_LRU_LIST);
	d->d_flags &= ~DCACHE_LRU_LIST;
	m->dcache.nr_dentry_unused--;
	if (d_is_negative(d))
		m->dcache.nr_dentry_negative--;
	WARN_ON(!list_lru_del_obj(&m->dcache.lru, &d->d_lru));
}

static void d_shrink_del(struct machine *m, struct dentry *d)
{
	list_del_init(&d->d_lru);
	d->d_flags &= ~(DCACHE_SHRINK_LIST | DCACHE_LRU_LIST);
	m->dcache.nr_dentry_unused--;
}

static bool on_lru_proper(const struct dentry *d)
{
	return (d->d_flags & (DCACHE_LRU_LIST | DCACHE_SHRINK_LIST)) == DCACHE_LRU_LIST;
}

/* Change a dentry's type, keeping nr_dentry_negative true. */
static void d_set_type(struct machine *m, struct dentry *d, unsigned int type)
{
	bool was_negative = d_is_negative(d);

	d->d_flags = (d->d_flags & ~DCACHE_ENTRY_TYPE) | type;
	if (on_lru_proper(d) && was_negative != d_is_negative(d))
		m->dcache.nr_dentry_negative += was_negative ? -1 : 1;
}

/* ---- allocation and death ---- */

static struct dentry *__d_alloc(struct machine *m, const char *name, unsigned int len)
{
	struct dentry *d = kmem_cache_alloc(m, m->dcache.dentry_cache, GFP_KERNEL);
	char *dname;

	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	if (len > DNAME_INLINE_LEN - 1) {
		/* Long names live apart, in a reclaimable kmalloc object. */
		char *p = kmalloc(m, EXTERNAL_NAME_HDR + len + 1,
				  GFP_KERNEL_ACCOUNT | __GFP_RECLAIMABLE);

		if (!p) {
			kmem_cache_free(m, m->dcache.dentry_cache, d);
			return NULL;
		}
		dname = p + EXTERNAL_NAME_HDR;
	} else {
		dname = (char *)d->d_iname;
	}
	memcpy(dname, name, len);
	dname[len] = '\0';
	d->d_name.name = dname;
	d->d_name.len = len;
	d->d_count = 1;
	d->d_parent = d;
	INIT_LIST_HEAD(&d->d_lru);
	INIT_LIST_HEAD(&d->d_child);
	INIT_LIST_HEAD(&d->d_subdirs);
	m->dcache.nr_dentry++;
	return d;
}

/* A child of parent (which it references), hashed, negative. */
static struct dentry *d_alloc(struct machine *m, struct dentry *parent, const struct qstr *name)
{
	struct dentry *d = __d_alloc(m, name->name, name->len);

	if (!d)
		return NULL;
	d->d_name.hash = name->hash;
	d->d_parent = dget(parent);
	list_add(&d->d_child, &parent->d_subdirs);
	__d_rehash(m, d);
	return d;
}

static void dentry_free(struct machine *m, struct dentry *d)
{
	if (d->d_name.name != (const char *)d->d_iname)
		kfree(m, d->d_name.name - EXTERNAL_NAME_HDR);
	kmem_cache_free(m, m->dcache.dentry_cache, d);
}

/* The dentry lets go of its inode and turns negative (dentry_unlink_inode). */
static void dentry_unlink_inode(struct machine *m, struct dentry *d)
{
	struct inode *inode = d->d_inode;

	d->d_inode = NULL;
	d_set_type(m, d, DCACHE_MISS_TYPE);
	if (inode && m->dcache.d_iput)
		m->dcache.d_iput(m, d, inode);
}

/*
 * Kill an unreferenced dentry: off the LRU and the hash, inode released,
 * unlinked from its parent, freed unless a shrink list still holds it.
 * Returns the parent when that was its last reference, else NULL.
 */
static struct dentry *__dentry_kill(struct machine *m, struct dentry *d)
{
	struct dentry *parent = d->d_parent == d ? NULL : d->d_parent;

	d->d_count = DENTRY_DEAD;
	if (on_lru_proper(d))
		d_lru_del(m, d);
	__d_drop(d);
	if (d->d_inode)
		dentry_unlink_inode(m, d);
	m->dcache.nr_dentry--;
	d->d_flags |= DCACHE_DENTRY_KILLED;
	list_del_init(&d->d_child);
	if (!(d->d_flags & DCACHE_SHRINK_LIST))
		dentry_free(m, d);
	if (parent && --parent->d_count)
		return NULL;
	return parent;
}

/*
 * Keep an unreferenced dentry cached? Only if lookups can still find it.
 * The first time it goes on the LRU; later it is marked referenced.
 */
static bool retain_dentry(struct machine *m, struct dentry *d)
{
	if (d_unhashed(d))
		return false;
	if (!(d->d_flags & DCACHE_LRU_LIST))
		d_lru_add(m, d);
	else if (!(d->d_flags & DCACHE_REFERENCED))
		d->d_flags |= DCACHE_REFERENCED;
	return true;
}

void dput(struct machine *m, struct dentry *d)
{
	if (!d)
		return;
	BUG_ON(d->d_count <= 0);
	if (--d->d_count || retain_dentry(m, d))
		return;
	/* Unhashed: it dies, and so may parents waiting for it. */
	while (d && d->d_count == 0) {
		d = __dentry_kill(m, d);
		if (d && retain_dentry(m, d))
			return;
	}
}

/* ---- the shrinker ---- */

/* What a walk isolates, disposed of after the LRU lock is dropped. */
struct dispose {
	struct machine *m;
	struct list_head list;
};

/*
 * Under the LRU lock: an in-use dentry just leaves the LRU (dget does not
 * take it off, so it can be met here); a referenced one gets a second
 * chance; the rest move to the dispose list.
 */
static enum lru_status dentry_lru_isolate(struct list_head *item, struct list_lru_one *list,
					  void *arg)
{
	struct dentry *d = container_of(item, struct dentry, d_lru);
	struct dispose *dispose = arg;
	struct machine *m = dispose->m;

	if (d->d_count) {
		d->d_flags &= ~DCACHE_LRU_LIST;
		m->dcache.nr_dentry_unused--;
		if (d_is_negative(d))
			m->dcache.nr_dentry_negative--;
		list_lru_isolate(list, item);
		return LRU_REMOVED;
	}
	if (d->d_flags & DCACHE_REFERENCED) {
		d->d_flags &= ~DCACHE_REFERENCED;
		return LRU_ROTATE;
	}
	/* d_lru_shrink_move: still "unused", no longer on the LRU proper. */
	d->d_flags |= DCACHE_SHRINK_LIST;
	if (d_is_negative(d))
		m->dcache.nr_dentry_negative--;
	list_lru_isolate_move(list, item, &dispose->list);
	return LRU_REMOVED;
}

/* Kill a victim and every parent whose last reference that was. */
static void shrink_kill(struct machine *m, struct dentry *victim)
{
	do {
		victim = __dentry_kill(m, victim);
	} while (victim && victim->d_count == 0);
}

static void shrink_dentry_list(struct machine *m, struct list_head *list)
{
	while (!list_empty(list)) {
		struct dentry *d = container_of(list->prev, struct dentry, d_lru);

		if (d->d_count) {
			/* Taken again since (or already killed): not ours to kill. */
			bool can_free = d->d_flags & DCACHE_DENTRY_KILLED;

			d_shrink_del(m, d);
			if (can_free)
				dentry_free(m, d);
			continue;
		}
		d_shrink_del(m, d);
		shrink_kill(m, d);
	}
}

long prune_dcache_sb(struct machine *m, struct shrink_control *sc)
{
	struct dispose dispose = { .m = m };
	long freed;

	INIT_LIST_HEAD(&dispose.list);
	freed = (long)list_lru_shrink_walk(&m->dcache.lru, sc, dentry_lru_isolate, &dispose);
	shrink_dentry_list(m, &dispose.list);
	return freed;
}

/* mult_frac without overflowing the intermediate product first. */
static unsigned long mult_frac(unsigned long x, unsigned long n, unsigned long d)
{
	return (x / d) * n + (x % d) * n / d;
}

unsigned long vfs_pressure_ratio(struct machine *m, unsigned long val)
{
	return mult_frac(val, (unsigned long)m->sysctl.vfs_cache_pressure,
			 (unsigned long)m->sysctl.vfs_cache_pressure_denom);
}

static unsigned long nr_inodes_cached(struct machine *m, int nid)
{
	return m->dcache.nr_cached_inodes ? m->dcache.nr_cached_inodes(m, nid) : 0;
}

/* super_cache_count: the LRUs' objects, weighted by vfs_cache_pressure. */
static unsigned long super_cache_count(struct shrinker *s, struct shrink_control *sc)
{
	struct machine *m = s->machine;
	unsigned long total = list_lru_shrink_count(&m->dcache.lru, sc) +
			      nr_inodes_cached(m, sc->nid);

	if (!total)
		return SHRINK_EMPTY;
	return vfs_pressure_ratio(m, total);
}

/*
 * super_cache_scan: share the target between dentries and inodes by their
 * numbers (at least one of each), dentries first since they pin inodes.
 * Without __GFP_FS the filesystem cannot be entered: stop.
 */
static unsigned long super_cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct machine *m = s->machine;
	unsigned long dentries, inodes, total, freed;

	if (!(sc->gfp_mask & __GFP_FS))
		return SHRINK_STOP;
	dentries = list_lru_shrink_count(&m->dcache.lru, sc);
	inodes = nr_inodes_cached(m, sc->nid);
	total = dentries + inodes + 1;
	dentries = mult_frac(sc->nr_to_scan, dentries, total);
	inodes = mult_frac(sc->nr_to_scan, inodes, total);

	sc->nr_to_scan = dentries + 1;
	freed = (unsigned long)prune_dcache_sb(m, sc);
	if (m->dcache.prune_icache_sb) {
		sc->nr_to_scan = inodes + 1;
		freed += m->dcache.prune_icache_sb(m, sc);
	}
	return freed;
}

/* ---- the interface ---- */

/* One path component: [*pp, end of component); advances *pp. */
static unsigned int next_component(const char **pp)
{
	const char *p = *pp;
	unsigned int len = 0;

	while (*p == '/')
		p++;
	while (p[len] && p[len] != '/')
		len++;
	*pp = p;
	return len;
}

static bool last_component(const char *rest)
{
	while (*rest == '/')
		rest++;
	return !*rest;
}

/* Check that parent can hold children; a negative one becomes a directory when creating. */
static int may_descend(struct machine *m, struct dentry *parent, bool create)
{
	if (parent == m->dcache.root || d_is_dir(parent))
		return 0;
	if (!d_is_negative(parent))
		return -ENOTDIR;
	if (!create)
		return -ENOENT;
	d_set_type(m, parent, DCACHE_DIRECTORY_TYPE);
	return 0;
}

/* Reject a bad path before anything is created: "..", or a name or path too long. */
static int check_path(const char *p)
{
	unsigned int len;

	if (!p)
		return -EINVAL;
	if (strnlen(p, MMSIM_PATH_MAX) >= MMSIM_PATH_MAX)
		return -ENAMETOOLONG;
	for (; (len = next_component(&p)); p += len) {
		if (len > MMSIM_NAME_MAX)
			return -ENAMETOOLONG;
		if (len == 2 && !memcmp(p, "..", 2))
			return -EINVAL;
	}
	return 0;
}

struct dentry *d_lookup_path(struct machine *m, const char *relpath, bool create)
{
	struct dentry *parent, *d;
	const char *p = relpath;
	int err = check_path(relpath);

	if (err)
		return ERR_PTR(err);
	parent = dget(m->dcache.root);
	for (;;) {
		unsigned int len = next_component(&p);
		struct qstr name = { .name = p, .len = len };

		if (!len)
			return parent;
		p += len;
		if (len == 1 && name.name[0] == '.')
			continue;
		err = may_descend(m, parent, create);
		if (err)
			goto fail;
		name.hash = name_hash(m, parent, name.name, len);
		d = __d_lookup(m, parent, &name);
		if (!d && !create) {
			dput(m, parent);
			return NULL;
		}
		if (!d && !(d = d_alloc(m, parent, &name))) {
			err = -ENOMEM;
			goto fail;
		}
		dput(m, parent);
		parent = d;
		if (last_component(p))
			return d;
	}
fail:
	dput(m, parent);
	return ERR_PTR(err);
}

void d_instantiate(struct machine *m, struct dentry *d, struct inode *inode)
{
	BUG_ON(!inode || d->d_inode);
	d->d_inode = inode;
	d_set_type(m, d, DCACHE_REGULAR_TYPE);
}

void d_delete(struct machine *m, struct dentry *d)
{
	if (d->d_count == 1) {
		/* Only the unlinker: keep it, as a negative entry. */
		if (d->d_inode)
			dentry_unlink_inode(m, d);
		else
			d_set_type(m, d, DCACHE_MISS_TYPE);
	} else {
		__d_drop(d);
	}
}

void d_delete_path(struct machine *m, const char *relpath)
{
	struct dentry *d = d_lookup_path(m, relpath, false);

	if (IS_ERR_OR_NULL(d))
		return;
	if (d != m->dcache.root)
		d_delete(m, d);
	dput(m, d);
}

/* ---- boot ---- */

/*
 * alloc_large_system_hash("Dentry cache", 8-byte buckets, scale 13): one
 * bucket per 8 KiB of memory (counted in whole MiB), a power of two, at
 * least a page; capped at the largest buddy block here.
 */
static unsigned int dhash_shift(const struct machine *m)
{
	unsigned long pages = (m->totalram_pages + 255) & ~255UL;
	unsigned long entries = pages >> (13 - PAGE_SHIFT);
	unsigned int shift;

	if (entries * sizeof(struct dentry *) < PAGE_SIZE)
		entries = PAGE_SIZE / sizeof(struct dentry *);
	shift = (unsigned int)fls64(entries - 1);
	return min(shift, (unsigned int)(MAX_PAGE_ORDER + PAGE_SHIFT - 3));
}

static int dcache_hash_init(struct machine *m)
{
	struct dcache_state *dc = &m->dcache;
	unsigned long size;
	unsigned int order;

	dc->d_hash_shift = dhash_shift(m);
	size = sizeof(struct dentry *) << dc->d_hash_shift;
	order = (unsigned int)fls64((size - 1) >> PAGE_SHIFT);
	dc->hash_pages = alloc_pages(m, GFP_KERNEL | __GFP_ZERO, order);
	if (!dc->hash_pages)
		return -ENOMEM;
	dc->hashtable = page_address(m, dc->hash_pages);
	printk(m, "Dentry cache hash table entries: %lu (order: %u, %lu bytes, linear)",
	       1UL << dc->d_hash_shift, order, size);
	return 0;
}

int dcache_init(struct machine *m)
{
	struct dcache_state *dc = &m->dcache;
	struct shrinker *s;

	dc->dentry_cache = kmem_cache_create(m, "dentry", DENTRY_OBJ_SIZE, 8,
					     SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT, NULL);
	if (!dc->dentry_cache || dcache_hash_init(m) || list_lru_init(m, &dc->lru))
		return -ENOMEM;
	dc->root = __d_alloc(m, "/", 1);
	if (!dc->root)
		return -ENOMEM;
	dc->root->d_flags |= DCACHE_DIRECTORY_TYPE;
	/* alloc_super: one shrinker per superblock, big batches. */
	s = shrinker_alloc(m, "sb-disk");
	if (!s)
		return -ENOMEM;
	s->flags |= SHRINKER_NUMA_AWARE;
	s->seeks = DEFAULT_SEEKS;
	s->batch = 1024;
	s->count_objects = super_cache_count;
	s->scan_objects = super_cache_scan;
	shrinker_register(s);
	dc->shrinker = s;
	return 0;
}

/* Unmount: every unused dentry goes; the root and dentries in use stay with the memory. */
void shrink_dcache_unused(struct machine *m)
{
	struct dcache_state *dc = &m->dcache;
	int nid;

	if (!dc->root)
		return;
	for_each_online_node(m, nid) {
		int idle = 0;

		/* a referenced dentry is only rotated by the first pass: allow two */
		while (list_lru_count_node(&dc->lru, nid) && idle < 2) {
			struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nid = nid,
						     .nr_to_scan = 1024 };

			idle = prune_dcache_sb(m, &sc) ? 0 : idle + 1;
		}
	}
}

void dcache_exit(struct machine *m)
{
	struct dcache_state *dc = &m->dcache;

	if (!dc->root)
		return;
	shrink_dcache_unused(m);
	shrinker_free(dc->shrinker);
	dc->shrinker = NULL;
}

/* ---- debug ---- */

static long validate_subtree(struct machine *m, struct dentry *d, int *problems)
{
	struct dentry *child;
	long n = 1, children = 0;

	list_for_each_entry(child, &d->d_subdirs, d_child) {
		if (child->d_parent != d || child->d_count < 0) {
			printk(m, "validate_dcache: dentry %s: bad parent or dead in the tree",
			       child->d_name.name);
			(*problems)++;
		}
		children++;
		n += validate_subtree(m, child, problems);
	}
	if (d->d_count < children + (d == m->dcache.root)) {
		printk(m, "validate_dcache: dentry %s: d_count %d < %ld children",
		       d->d_name.name, d->d_count, children);
		(*problems)++;
	}
	return n;
}

static void validate_lru(struct machine *m, long *unused, long *negative, int *problems)
{
	struct dentry *d;
	int nid;

	for_each_online_node(m, nid) {
		long n = 0;

		list_for_each_entry(d, &m->dcache.lru.node[nid].lru.list, d_lru) {
			n++;
			(*unused)++;
			*negative += d_is_negative(d);
			/* (an unhashed dentry may wait here for its last dput, as in Linux) */
			if (!on_lru_proper(d)) {
				printk(m, "validate_dcache: dentry %s on the LRU: flags %#x",
				       d->d_name.name, d->d_flags);
				(*problems)++;
			}
		}
		if (n != m->dcache.lru.node[nid].lru.nr_items) {
			printk(m, "validate_dcache: node %d LRU holds %ld, nr_items %ld", nid, n,
			       m->dcache.lru.node[nid].lru.nr_items);
			(*problems)++;
		}
	}
}

int validate_dcache(struct machine *m)
{
	struct dcache_state *dc = &m->dcache;
	long unused = 0, negative = 0, nr;
	int problems = 0;

	if (!IS_ENABLED_DEBUG_VM || !dc->root)
		return 0;
	nr = validate_subtree(m, dc->root, &problems);
	validate_lru(m, &unused, &negative, &problems);
	/* Outside shrinking, nothing sits on a shrink list. */
	if (nr != dc->nr_dentry || unused != dc->nr_dentry_unused ||
	    negative != dc->nr_dentry_negative) {
		printk(m, "validate_dcache: counted %ld dentries, %ld unused, %ld negative; "
		       "counters say %ld, %ld, %ld", nr, unused, negative, dc->nr_dentry,
		       dc->nr_dentry_unused, dc->nr_dentry_negative);
		problems++;
	}
	return problems;
}
