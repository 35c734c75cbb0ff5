/*
 * swapfile.c - swap devices (Linux 6.x mm/swapfile.c): swapon and swapoff
 * of real host files, the swap_map of per-slot counts, the cluster
 * allocator, priorities, /proc/swaps, SwapTotal/SwapFree and validate_swap.
 *
 * A device is a host file of the size asked for (an O_TMPFILE under $TMPDIR
 * that never has a name, so nothing is left behind), with mkswap's header in
 * its first page: slot 0 is never used (SWAP_MAP_BAD), slots 1..max-1 are.
 * Bytes written to a slot are really there and come back identical.
 *
 * swap_map: one byte per slot (swap.h draws the states): the count of swap
 * ptes and shmem entries in bits 0-5 (at most SWAP_MAP_MAX), SWAP_HAS_CACHE
 * while a folio for the slot is in the swap cache, COUNT_CONTINUED when the
 * count goes on in the device's continuation counters (one u32 per slot,
 * vmalloc'd at the first need: Linux chains continuation pages instead).
 *
 * Clusters: SWAPFILE_CLUSTER slots each; a cluster is on the free list
 * (count 0), the nonfull list or the full list by its count, which
 * includes the header slot and the slots past the end of the file. Each
 * CPU fills its own cluster from where it left off (si->percpu_next), then
 * takes a free cluster, then a nonfull one (Linux 6.12+'s
 * cluster_alloc_swap_entry for order 0). A cluster leaving the free list
 * gets its swap table (the swap cache, swap_state.c); a cluster becoming
 * free gives it back.
 *
 * Devices: on swap_active_head by priority (higher first); those with free
 * slots also on swap_avail_head, where an allocation requeues the device
 * it used behind the others of its priority (round robin among equals).
 * Priorities given by the user are 0..32767; the default is -2, -3, ... in
 * swapon order (least_priority).
 *
 * Locks: page table lock > swap_lock > i_pages (the swap cache) > lru.
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk.h"
#include "fs.h"
#include "huge_mm.h"
#include "memory.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "seq_buf.h"
#include "swap_internal.h"
#include "vma.h"

#define SWAP_FLAG_PRIO_MASK	0x7fff

DEFINE_VM_CALLER(caller_swap_map, "__do_sys_swapon", 0x5b7, 0x1060);
DEFINE_VM_CALLER(caller_zeromap, "__do_sys_swapon", 0x6a2, 0x1060);
DEFINE_VM_CALLER(caller_swap_cont, "add_swap_count_continuation", 0x9c, 0x300);

/* ---------------------------------------------------------------------- */
/* vmalloc'd arrays                                                        */
/* ---------------------------------------------------------------------- */

int vbuf_alloc(struct machine *m, struct vbuf *vb, unsigned long bytes,
	       const struct vm_caller *caller)
{
	unsigned long n = PFN_UP(bytes);

	vb->va = vzalloc(m, n << PAGE_SHIFT, caller);
	if (!vb->va)
		return -ENOMEM;
	vb->pages = kmalloc(m, n * sizeof(*vb->pages), GFP_KERNEL);
	if (!vb->pages) {
		vfree(m, vb->va);
		vb->va = 0;
		return -ENOMEM;
	}
	for (unsigned long i = 0; i < n; i++)
		vb->pages[i] = page_address(m, vmalloc_to_page(m, vb->va + (i << PAGE_SHIFT)));
	return 0;
}

void vbuf_free(struct machine *m, struct vbuf *vb)
{
	if (!vb->va)
		return;
	kfree(m, vb->pages);
	vfree(m, vb->va);
	vb->va = 0;
	vb->pages = NULL;
}

/* The device-private state that is not in swap.h's struct (kept beside it). */
struct swap_info_private {
	struct vbuf map, zeromap, cont;
};

static inline struct swap_info_private *si_priv(struct swap_info_struct *si)
{
	return (struct swap_info_private *)(si + 1);
}

/* ---------------------------------------------------------------------- */
/* Lookups                                                                 */
/* ---------------------------------------------------------------------- */

struct swap_info_struct *swp_swap_info(struct machine *m, swp_entry_t entry)
{
	unsigned int type = swp_type(entry);
	struct swap_info_struct *si;

	if (type >= MAX_SWAPFILES)
		return NULL;
	si = m->swap_info[type];
	if (!si || !(si->flags & SWP_USED) || swp_offset(entry) >= si->max)
		return NULL;
	return si;
}

bool swap_entry_valid(struct machine *m, swp_entry_t entry)
{
	return swp_swap_info(m, entry) && swp_offset(entry) != 0;
}

bool swap_zeromap_test(struct swap_info_struct *si, unsigned long off)
{
	unsigned char *b = vbuf_ptr(&si_priv(si)->zeromap, off / 8);

	return (*b >> (off % 8)) & 1;
}

void swap_zeromap_set(struct swap_info_struct *si, unsigned long off, bool zero)
{
	unsigned char *b = vbuf_ptr(&si_priv(si)->zeromap, off / 8);

	if (zero)
		*b |= (unsigned char)(1u << (off % 8));
	else
		*b &= (unsigned char)~(1u << (off % 8));
}

static unsigned int *swap_cont_ptr(struct swap_info_struct *si, unsigned long off)
{
	struct vbuf *cont = &si_priv(si)->cont;

	return cont->va ? vbuf_ptr(cont, off * sizeof(unsigned int)) : NULL;
}

static int swap_total_count(struct swap_info_struct *si, unsigned long off)
{
	unsigned char ent = *swap_map_ptr(si, off);
	int count = swap_count(ent);

	if (ent & COUNT_CONTINUED)
		count += (int)*swap_cont_ptr(si, off);
	return count;
}

int __swap_count(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);

	return si ? swap_total_count(si, swp_offset(entry)) : 0;
}

int swp_swapcount(struct machine *m, swp_entry_t entry)
{
	return __swap_count(m, entry);
}

/* ---------------------------------------------------------------------- */
/* Clusters                                                                */
/* ---------------------------------------------------------------------- */

static inline unsigned long cluster_offset(struct swap_info_struct *si,
					   struct swap_cluster_info *ci)
{
	return (unsigned long)(ci - si->cluster_info) * SWAPFILE_CLUSTER;
}

/* The swap table of a cluster leaving the free list: one page (SWP_TABLE_USE_PAGE). */
static int swap_cluster_alloc_table(struct machine *m, struct swap_cluster_info *ci)
{
	struct page *page;

	if (ci->table)
		return 0;
	page = alloc_pages(m, __GFP_HIGH | __GFP_NOWARN | __GFP_ZERO, 0);
	if (!page)
		return -ENOMEM;
	ci->table = page_address(m, page);
	memset(ci->table, 0, PAGE_SIZE);
	return 0;
}

static void swap_cluster_free_table(struct machine *m, struct swap_cluster_info *ci)
{
	if (!ci->table)
		return;
	for (unsigned int i = 0; i < SWAPFILE_CLUSTER; i++)
		VM_BUG_ON(ci->table[i] && !swp_tb_is_value(ci->table[i]));
	__free_pages(m, virt_to_page(m, ci->table), 0);
	ci->table = NULL;
}

/* Put ci on the list its count says. */
static void cluster_relist(struct machine *m, struct swap_info_struct *si,
			   struct swap_cluster_info *ci)
{
	struct list_head *to;
	unsigned char flags;

	if (ci->count == 0) {
		to = &si->free_clusters;
		flags = CLUSTER_FLAG_FREE;
		swap_cluster_free_table(m, ci);
	} else if (ci->count == SWAPFILE_CLUSTER) {
		to = &si->full_clusters;
		flags = CLUSTER_FLAG_FULL;
	} else {
		to = &si->nonfull_clusters;
		flags = CLUSTER_FLAG_NONFULL;
	}
	if (ci->flags == flags)
		return;
	list_del(&ci->list);
	list_add_tail(&ci->list, to);
	ci->flags = flags;
}

/* ---------------------------------------------------------------------- */
/* Device lists                                                            */
/* ---------------------------------------------------------------------- */

/* plist_add: after every entry of the same or higher priority. */
static void prio_list_add(struct list_head *node, struct list_head *head, int prio,
			  size_t link_off)
{
	struct list_head *pos;

	list_for_each(pos, head) {
		struct swap_info_struct *other = (void *)((char *)pos - link_off);

		if (other->prio < prio)
			break;
	}
	list_add_tail(node, pos);
}

static void add_to_avail_list(struct machine *m, struct swap_info_struct *si)
{
	if (si->on_avail || !(si->flags & SWP_WRITEOK) || si->inuse_pages == si->pages)
		return;
	prio_list_add(&si->avail, &m->swap_avail_head, si->prio,
		      offsetof(struct swap_info_struct, avail));
	si->on_avail = true;
}

static void del_from_avail_list(struct swap_info_struct *si)
{
	if (!si->on_avail)
		return;
	list_del(&si->avail);
	si->on_avail = false;
}

/* plist_requeue: behind the last device of the same priority. */
static void swap_avail_requeue(struct machine *m, struct swap_info_struct *si)
{
	del_from_avail_list(si);
	add_to_avail_list(m, si);
}

/* ---------------------------------------------------------------------- */
/* Slot allocation and freeing                                             */
/* ---------------------------------------------------------------------- */

static void swap_range_alloc(struct machine *m, struct swap_info_struct *si,
			     struct swap_cluster_info *ci, unsigned long off, unsigned char usage)
{
	*swap_map_ptr(si, off) = usage;
	swap_zeromap_set(si, off, false);
	ci->count++;
	cluster_relist(m, si, ci);
	si->inuse_pages++;
	m->nr_swap_pages--;
	if (si->inuse_pages == si->pages)
		del_from_avail_list(si);
}

/* A slot no one refers to: back to free; the table word (a shadow) goes. */
static void swap_entry_free(struct machine *m, struct swap_info_struct *si, unsigned long off)
{
	struct swap_cluster_info *ci = offset_to_cluster(si, off);
	unsigned long *tb = swap_table_slot(si, off);

	VM_BUG_ON(*swap_map_ptr(si, off) != 0);
	VM_BUG_ON(tb && *tb && !swp_tb_is_value(*tb));
	if (tb)
		*tb = 0;
	ci->count--;
	cluster_relist(m, si, ci);
	si->inuse_pages--;
	m->nr_swap_pages++;
	add_to_avail_list(m, si);
}

/* alloc_swap_scan_cluster: the first free slot of ci from off on. */
static unsigned long scan_cluster(struct machine *m, struct swap_info_struct *si,
				  struct swap_cluster_info *ci, unsigned long off)
{
	unsigned long end = min(cluster_offset(si, ci) + SWAPFILE_CLUSTER, (unsigned long)si->max);

	if (swap_cluster_alloc_table(m, ci))
		return 0;
	for (; off < end; off++) {
		if (*swap_map_ptr(si, off))
			continue;
		swap_range_alloc(m, si, ci, off, SWAP_HAS_CACHE);
		si->percpu_next[m->cpu] = off + 1 < end ? (unsigned int)(off + 1) : 0;
		return off;
	}
	si->percpu_next[m->cpu] = 0;
	if (ci->count == 0)	/* a free cluster that got a table for nothing */
		swap_cluster_free_table(m, ci);
	return 0;
}

/* cluster_alloc_swap_entry (order 0): this CPU's cluster, a free one, a nonfull one. */
static unsigned long cluster_alloc_swap_entry(struct machine *m, struct swap_info_struct *si)
{
	unsigned long next = si->percpu_next[m->cpu], off;
	struct swap_cluster_info *ci, *tmp;

	if (next) {
		ci = offset_to_cluster(si, next);
		off = scan_cluster(m, si, ci, next);
		if (off)
			return off;
	}
	if (!list_empty(&si->free_clusters)) {
		ci = list_first_entry(&si->free_clusters, struct swap_cluster_info, list);
		off = scan_cluster(m, si, ci, cluster_offset(si, ci));
		if (off)
			return off;
	}
	list_for_each_entry_safe(ci, tmp, &si->nonfull_clusters, list) {
		off = scan_cluster(m, si, ci, cluster_offset(si, ci));
		if (off)
			return off;
	}
	return 0;
}

/*
 * folio_free_swap on a folio found by a swap cache lookup: hold it while
 * the cache lets go, which may drop what was its last reference.
 */
static void try_to_free_swap_folio(struct machine *m, struct page *folio)
{
	get_page(folio);
	folio_free_swap(m, folio);
	put_page(m, folio);
}

/* Give back swap-cache-only slots of a full device (swap_reclaim_full_clusters). */
static void swap_reclaim_cache_only(struct machine *m, struct swap_info_struct *si)
{
	for (unsigned long off = 1; off < si->max; off++) {
		struct page *folio;

		if (*swap_map_ptr(si, off) != SWAP_HAS_CACHE)
			continue;
		folio = swap_cache_peek(m, swp_entry((unsigned int)si->type, off));
		if (folio && !PageLocked(folio) && !PageWriteback(folio))
			try_to_free_swap_folio(m, folio);
	}
}

swp_entry_t folio_alloc_swap_slot(struct machine *m)
{
	struct swap_info_struct *si, *next;
	unsigned long off;

	spin_lock(&m->swap_lock);
	list_for_each_entry_safe(si, next, &m->swap_avail_head, avail) {
		swap_avail_requeue(m, si);
		off = cluster_alloc_swap_entry(m, si);
		if (off) {
			spin_unlock(&m->swap_lock);
			return swp_entry((unsigned int)si->type, off);
		}
	}
	spin_unlock(&m->swap_lock);
	/* Every device full: slots held only by the swap cache can be had back. */
	list_for_each_entry(si, &m->swap_active_head, list) {
		if (!(si->flags & SWP_WRITEOK))
			continue;
		swap_reclaim_cache_only(m, si);
		off = si->inuse_pages < si->pages ? cluster_alloc_swap_entry(m, si) : 0;
		if (off)
			return swp_entry((unsigned int)si->type, off);
	}
	return (swp_entry_t){ 0 };
}

/* ---------------------------------------------------------------------- */
/* Counts                                                                  */
/* ---------------------------------------------------------------------- */

static int swap_cont_alloc(struct machine *m, struct swap_info_struct *si)
{
	struct vbuf *cont = &si_priv(si)->cont;

	if (cont->va)
		return 0;
	return vbuf_alloc(m, cont, (unsigned long)si->max * sizeof(unsigned int),
			  &caller_swap_cont);
}

int add_swap_count_continuation(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);

	return si ? swap_cont_alloc(m, si) : -EINVAL;
}

int swap_duplicate(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);
	unsigned long off = swp_offset(entry);
	unsigned char *ent;

	if (!si || !off) {
		WARN_ON_ONCE(1);	/* "Bad swap file entry" */
		return -EINVAL;
	}
	ent = swap_map_ptr(si, off);
	if (!swap_count(*ent) && !(*ent & SWAP_HAS_CACHE)) {
		WARN_ON_ONCE(1);	/* a free slot: "Unused swap offset entry" */
		return -ENOENT;
	}
	if (swap_count(*ent) < SWAP_MAP_MAX) {
		(*ent)++;
		return 0;
	}
	if (!si_priv(si)->cont.va)
		return -ENOMEM;	/* add_swap_count_continuation, unlocked, then again */
	*ent |= COUNT_CONTINUED;
	(*swap_cont_ptr(si, off))++;
	return 0;
}

/* One reference less; frees the slot when nothing is left. */
static void __swap_entry_put(struct machine *m, struct swap_info_struct *si, unsigned long off)
{
	unsigned char *ent = swap_map_ptr(si, off);

	VM_BUG_ON(!swap_count(*ent));
	if (*ent & COUNT_CONTINUED) {
		unsigned int *c = swap_cont_ptr(si, off);

		if (!--(*c))
			*ent &= (unsigned char)~COUNT_CONTINUED;
	} else {
		(*ent)--;
	}
	if (*ent == 0)
		swap_entry_free(m, si, off);
}

void swap_free(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);

	if (WARN_ON_ONCE(!si || !swp_offset(entry)))
		return;
	__swap_entry_put(m, si, swp_offset(entry));
}

int swapcache_prepare(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);
	unsigned char *ent;

	if (!si || !swp_offset(entry))
		return -ENOENT;
	ent = swap_map_ptr(si, swp_offset(entry));
	if (*ent & SWAP_HAS_CACHE)
		return -EEXIST;
	if (!swap_count(*ent))
		return -ENOENT;
	*ent |= SWAP_HAS_CACHE;
	return 0;
}

void put_swap_folio(struct machine *m, struct page *folio, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);
	unsigned long off = swp_offset(entry);
	unsigned char *ent;

	(void)folio;
	if (WARN_ON_ONCE(!si || !off))
		return;
	ent = swap_map_ptr(si, off);
	VM_BUG_ON(!(*ent & SWAP_HAS_CACHE));
	*ent &= (unsigned char)~SWAP_HAS_CACHE;
	if (*ent == 0)
		swap_entry_free(m, si, off);
}

bool folio_swapped(struct machine *m, struct page *folio)
{
	return __swap_count(m, folio_swap_entry(folio)) > 0;
}

bool folio_free_swap(struct machine *m, struct page *folio)
{
	if (!folio_test_swapcache(folio) || PageWriteback(folio))
		return false;
	if (folio_swapped(m, folio))
		return false;
	SetPageDirty(folio);	/* the only copy is in memory now */
	delete_from_swap_cache(m, folio);
	return true;
}

void free_swap_cache(struct machine *m, struct page *folio)
{
	if (folio_test_swapcache(folio) && !page_mapped(folio) && !PageLocked(folio))
		folio_free_swap(m, folio);
}

void free_swap_and_cache(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(m, entry);
	unsigned long off = swp_offset(entry);
	struct page *folio;

	if (WARN_ON_ONCE(!si || !off))
		return;
	__swap_entry_put(m, si, off);
	if (*swap_map_ptr(si, off) != SWAP_HAS_CACHE)
		return;
	/* __try_to_reclaim_swap(TTRS_UNMAPPED | TTRS_FULL) */
	folio = swap_cache_peek(m, entry);
	if (!folio || PageLocked(folio))
		return;
	if (!page_mapped(folio) || vm_swap_full(m))
		try_to_free_swap_folio(m, folio);
}

long total_swap_pages(struct machine *m)
{
	return m->total_swap_pages;
}

long get_nr_swap_pages(struct machine *m)
{
	return m->nr_swap_pages;
}

bool vm_swap_full(struct machine *m)
{
	return m->nr_swap_pages * 2 < m->total_swap_pages;
}

void si_swapinfo(struct machine *m, long *freeswap, long *totalswap)
{
	long nr_to_be_unused = 0;
	struct swap_info_struct *si;

	/* A device being switched off counts as neither (si_swapinfo). */
	list_for_each_entry(si, &m->swap_active_head, list)
		if ((si->flags & SWP_USED) && !(si->flags & SWP_WRITEOK))
			nr_to_be_unused += si->inuse_pages;
	*freeswap = m->nr_swap_pages + nr_to_be_unused;
	*totalswap = m->total_swap_pages + nr_to_be_unused;
}

/* ---------------------------------------------------------------------- */
/* swapon                                                                  */
/* ---------------------------------------------------------------------- */

/* mkswap's header (union swap_header): version 1, last_page, the magic at the page's end. */
static int write_swap_header(int fd, unsigned int max)
{
	unsigned char page[PAGE_SIZE];
	unsigned int version = 1, last_page = max - 1;

	memset(page, 0, sizeof(page));
	memcpy(page + 1024, &version, 4);
	memcpy(page + 1028, &last_page, 4);
	memcpy(page + PAGE_SIZE - 10, "SWAPSPACE2", 10);
	return pwrite(fd, page, PAGE_SIZE, 0) == (ssize_t)PAGE_SIZE ? 0 : -EIO;
}

/*
 * A fresh host file of bytes that never had a name (O_TMPFILE in the host's
 * temporary directory): its data lives while fd does, nothing is left behind.
 */
static int swap_host_file(unsigned long bytes, unsigned int max)
{
	int fd = open(host_tmpdir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600), ret;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)bytes) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = write_swap_header(fd, max);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

static struct swap_info_struct *find_swap_by_name(struct machine *m, const char *path)
{
	for (int i = 0; i < m->nr_swapfiles; i++) {
		struct swap_info_struct *si = m->swap_info[i];

		if (si && (si->flags & SWP_USED) && !strcmp(si->name, path))
			return si;
	}
	return NULL;
}

/* alloc_swap_info: the lowest free type. */
static struct swap_info_struct *alloc_swap_info(struct machine *m)
{
	int type;
	struct swap_info_struct *si;

	for (type = 0; type < m->nr_swapfiles; type++)
		if (!m->swap_info[type] || !(m->swap_info[type]->flags & SWP_USED))
			break;
	if (type >= MAX_SWAPFILES)
		return ERR_PTR(-EPERM);
	si = m->swap_info[type];
	if (!si) {
		si = kzalloc(m, sizeof(*si) + sizeof(struct swap_info_private), GFP_KERNEL);
		if (!si)
			return ERR_PTR(-ENOMEM);
		m->swap_info[type] = si;
	} else {
		memset(si, 0, sizeof(*si) + sizeof(struct swap_info_private));
	}
	if (type >= m->nr_swapfiles)
		m->nr_swapfiles = type + 1;
	si->machine = m;
	si->type = type;
	si->fd = -1;
	si->flags = SWP_USED;
	INIT_LIST_HEAD(&si->free_clusters);
	INIT_LIST_HEAD(&si->nonfull_clusters);
	INIT_LIST_HEAD(&si->full_clusters);
	INIT_LIST_HEAD(&si->list);
	INIT_LIST_HEAD(&si->avail);
	return si;
}

static void free_swap_info_data(struct machine *m, struct swap_info_struct *si)
{
	struct swap_info_private *p = si_priv(si);

	if (si->cluster_info)
		for (unsigned int i = 0; i < si->nr_clusters; i++)
			swap_cluster_free_table(m, &si->cluster_info[i]);
	vbuf_free(m, &p->map);
	vbuf_free(m, &p->zeromap);
	vbuf_free(m, &p->cont);
	kfree(m, si->cluster_info);
	kfree(m, si->percpu_next);
	if (si->fd >= 0)
		close(si->fd);
	si->fd = -1;
	si->map = NULL;
	si->cluster_info = NULL;
	si->percpu_next = NULL;
	si->flags = 0;
}

/* setup_clusters: every cluster free, but for the header slot and the tail past max. */
static void setup_clusters(struct machine *m, struct swap_info_struct *si)
{
	for (unsigned int i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster_info *ci = &si->cluster_info[i];

		memset(ci, 0, sizeof(*ci));
		INIT_LIST_HEAD(&ci->list);
		ci->flags = CLUSTER_FLAG_NONE;
	}
	si->cluster_info[0].count++;	/* the header, SWAP_MAP_BAD */
	si->cluster_info[si->nr_clusters - 1].count +=
		(unsigned short)(si->nr_clusters * SWAPFILE_CLUSTER - si->max);
	for (unsigned int i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster_info *ci = &si->cluster_info[i];

		list_add_tail(&ci->list, ci->count ? &si->nonfull_clusters : &si->free_clusters);
		ci->flags = ci->count ? CLUSTER_FLAG_NONFULL : CLUSTER_FLAG_FREE;
		if (ci->count == SWAPFILE_CLUSTER)
			cluster_relist(m, si, ci);
	}
}

static int swap_setup_maps(struct machine *m, struct swap_info_struct *si)
{
	struct swap_info_private *p = si_priv(si);

	if (vbuf_alloc(m, &p->map, si->max, &caller_swap_map) ||
	    vbuf_alloc(m, &p->zeromap, DIV_ROUND_UP(si->max, 8), &caller_zeromap))
		return -ENOMEM;
	si->map = p->map.pages;
	/* kvcalloc: kmalloc serves up to 4 MiB of clusters (256 GiB of swap). */
	si->cluster_info = kzalloc(m, si->nr_clusters * sizeof(*si->cluster_info),
				   GFP_KERNEL | __GFP_NOWARN);
	return si->cluster_info ? 0 : -ENOMEM;
}

static void enable_swap_info(struct machine *m, struct swap_info_struct *si, int prio)
{
	if (prio >= 0)
		si->prio = prio;
	else
		si->prio = --m->least_priority;
	si->flags |= SWP_WRITEOK;
	m->nr_swap_pages += si->pages;
	m->total_swap_pages += si->pages;
	prio_list_add(&si->list, &m->swap_active_head, si->prio,
		      offsetof(struct swap_info_struct, list));
	add_to_avail_list(m, si);
}

int sys_swapon(struct machine *m, const char *path, unsigned long bytes, int prio)
{
	struct swap_info_struct *si;
	unsigned long max = bytes >> PAGE_SHIFT;
	int ret;

	if (!path || !*path || strlen(path) >= sizeof(si->name) || bytes % PAGE_SIZE ||
	    max < 10 || max > SWP_OFFSET_MASK || max > 0xffffffffUL || prio > SWAP_FLAG_PRIO_MASK ||
	    prio < -1)
		return -EINVAL;
	if (find_swap_by_name(m, path))
		return -EBUSY;
	si = alloc_swap_info(m);
	if (IS_ERR(si))
		return (int)PTR_ERR(si);
	snprintf(si->name, sizeof(si->name), "%s", path);
	si->max = (unsigned int)max;
	si->pages = si->max - 1;
	si->nr_clusters = (unsigned int)DIV_ROUND_UP(max, SWAPFILE_CLUSTER);
	si->percpu_next = kzalloc(m, (size_t)m->nr_cpus * sizeof(*si->percpu_next), GFP_KERNEL);
	ret = si->percpu_next ? swap_setup_maps(m, si) : -ENOMEM;
	if (!ret) {
		ret = swap_host_file(bytes, si->max);
		if (ret >= 0) {
			si->fd = ret;
			ret = 0;
		}
	}
	if (ret) {
		free_swap_info_data(m, si);
		return ret;
	}
	*swap_map_ptr(si, 0) = SWAP_MAP_BAD;
	setup_clusters(m, si);
	spin_lock(&m->swap_lock);
	enable_swap_info(m, si, prio);
	spin_unlock(&m->swap_lock);
	pr_info(m, "Adding %luk swap on %s.  Priority:%d extents:1 across:%luk SS",
		(unsigned long)si->pages << (PAGE_SHIFT - 10), si->name, si->prio,
		(unsigned long)si->pages << (PAGE_SHIFT - 10));
	return 0;
}

/* ---------------------------------------------------------------------- */
/* swapoff                                                                 */
/* ---------------------------------------------------------------------- */

/*
 * unuse_pte: map the folio of entry at pte again, old and by the VMA's
 * protection (a write faults once more to make it writable); the swap
 * pte's reference goes. Page table lock held; the caller's folio
 * reference becomes the pte's.
 */
static void unuse_pte(struct vm_area_struct *vma, pte_t *pte, unsigned long addr,
		      struct page *folio, swp_entry_t entry)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	bool exclusive = pte_swp_exclusive(*pte);

	inc_mm_counter(mm, MM_ANONPAGES);
	dec_mm_counter(mm, MM_SWAPENTS);
	if (!PageAnon(folio))
		folio_add_new_anon_rmap_swapin(folio, vma, addr, pte, exclusive);
	else
		folio_add_anon_rmap_pte(folio, vma, addr, pte, exclusive);
	set_pte(pte, pte_mkold(pfn_pte(page_to_pfn(m, folio), vma->vm_page_prot)));
	swap_free(m, entry);
}

/* unuse_pte_range: the swap ptes of si in [addr, end), one pte table. */
static int unuse_pte_range(struct swap_info_struct *si, struct vm_area_struct *vma,
			   unsigned long addr, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;

	for (; addr < end; addr += PAGE_SIZE) {
		pte_t *pte = walk_pte(mm, addr);
		swp_entry_t entry;
		struct page *folio;
		bool major;
		int err = 0;

		if (!pte || !is_swap_pte(*pte))
			continue;
		entry = pte_to_swp_entry(*pte);
		if (swp_type(entry) != (unsigned int)si->type)
			continue;
		if (pte_chain_prealloc(m, GFP_KERNEL))
			return -ENOMEM;
		folio = swapin_single(m, entry, GFP_HIGHUSER_MOVABLE, vma, addr, &major, &err);
		if (!folio)
			return err == -ENOENT ? 0 : err;
		spin_lock(&mm->page_table_lock);
		if (is_swap_pte(*pte) && pte_to_swp_entry(*pte).val == entry.val) {
			unuse_pte(vma, pte, addr, folio, entry);
			folio = NULL;
		}
		spin_unlock(&mm->page_table_lock);
		if (folio)
			put_page(m, folio);
	}
	return 0;
}

/* unuse_vma: every swap pte of si's type in vma brought back. 0 or -errno. */
static int unuse_vma(struct swap_info_struct *si, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = vma->vm_start, end = vma->vm_end;
	pmd_t *pmd;
	int ret;

	while ((pmd = next_pte_table(mm, &addr, end))) {
		unsigned long next = block_end(addr, PMD_SIZE, end);

		if (!pmd_trans_huge(*pmd)) {
			ret = unuse_pte_range(si, vma, addr, next);
			if (ret)
				return ret;
		}
		addr = next;
	}
	return 0;
}

/*
 * try_to_unuse: shmem objects first, then every mm's anonymous VMAs, then
 * the swap cache's leftovers; the device is empty after. An entry that
 * cannot be read (I/O error, no memory) stops it: swapoff fails and the
 * device stays on.
 */
int try_to_unuse(struct machine *m, struct swap_info_struct *si)
{
	struct mm_struct *mm;
	int ret = shmem_unuse(m, si->type);

	if (ret)
		return ret;
	list_for_each_entry(mm, &m->mm_list, mmlist) {
		struct vm_area_struct *vma;

		spin_lock(&mm->mmap_lock);
		for_each_vma(mm, vma) {
			if (!vma->anon_vma || is_vm_hugetlb_page(vma))
				continue;
			ret = unuse_vma(si, vma);
			if (ret)
				break;
		}
		spin_unlock(&mm->mmap_lock);
		if (ret)
			return ret;
	}
	for (unsigned long off = 1; off < si->max && si->inuse_pages; off++) {
		struct page *folio = swap_cache_peek(m, swp_entry((unsigned int)si->type, off));

		if (folio)
			try_to_free_swap_folio(m, folio);
	}
	return si->inuse_pages ? -EBUSY : 0;
}

static void reinsert_swap_info(struct machine *m, struct swap_info_struct *si)
{
	si->flags |= SWP_WRITEOK;
	m->nr_swap_pages += si->pages;
	m->total_swap_pages += si->pages;
	add_to_avail_list(m, si);
}

int sys_swapoff(struct machine *m, const char *path)
{
	struct swap_info_struct *si = path ? find_swap_by_name(m, path) : NULL;
	int ret;

	if (!si || !(si->flags & SWP_WRITEOK))
		return -EINVAL;
	/* Not enough memory for what is out there: ENOMEM, as security_vm_enough_memory says. */
	spin_lock(&m->swap_lock);
	del_from_avail_list(si);
	si->flags &= ~SWP_WRITEOK;
	m->nr_swap_pages -= si->pages;
	m->total_swap_pages -= si->pages;
	spin_unlock(&m->swap_lock);

	ret = try_to_unuse(m, si);
	if (ret) {
		spin_lock(&m->swap_lock);
		reinsert_swap_info(m, si);
		spin_unlock(&m->swap_lock);
		return ret;
	}
	VM_BUG_ON(si->inuse_pages);
	list_del(&si->list);
	/* The default priorities given since are shifted up one (as Linux does). */
	if (si->prio < 0) {
		struct swap_info_struct *other;

		list_for_each_entry(other, &m->swap_active_head, list)
			if (other->prio < si->prio)
				other->prio++;
		m->least_priority++;
	}
	free_swap_info_data(m, si);
	return 0;
}

void swap_init(struct machine *m)
{
	INIT_LIST_HEAD(&m->swap_active_head);
	INIT_LIST_HEAD(&m->swap_avail_head);
	INIT_LIST_HEAD(&m->shmem_swaplist);
	spin_lock_init(&m->swap_lock, LOCK_SWAP);
	m->least_priority = -1;
}

void swap_exit(struct machine *m)
{
	for (int i = 0; i < m->nr_swapfiles; i++) {
		struct swap_info_struct *si = m->swap_info[i];

		if (si && si->fd >= 0) {
			close(si->fd);
			si->fd = -1;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* /proc/swaps                                                             */
/* ---------------------------------------------------------------------- */

void show_swaps(struct machine *m, struct seq_buf *s)
{
	struct swap_info_struct *si;

	seq_puts(s, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	for (int i = 0; i < m->nr_swapfiles; i++) {
		unsigned long bytes, inuse;
		int len;

		si = m->swap_info[i];
		if (!si || !(si->flags & SWP_USED) || !(si->flags & SWP_WRITEOK))
			continue;
		bytes = (unsigned long)si->pages << (PAGE_SHIFT - 10);
		inuse = (unsigned long)si->inuse_pages << (PAGE_SHIFT - 10);
		len = (int)strlen(si->name);
		seq_printf(s, "%s%*s%s\t%lu\t%s%lu\t%s%d\n", si->name, len < 40 ? 40 - len : 1, " ",
			   "file\t", bytes, bytes < 10000000 ? "\t" : "", inuse,
			   inuse < 10000000 ? "\t" : "", si->prio);
	}
}

/* ---------------------------------------------------------------------- */
/* validate_swap                                                           */
/* ---------------------------------------------------------------------- */

struct swap_census {
	struct machine *m;
	unsigned int **refs;	/* per device: references found per slot (host-side) */
	int problems;
};

static void census_note(struct swap_census *c, swp_entry_t entry, const char *where)
{
	struct swap_info_struct *si = swp_swap_info(c->m, entry);

	if (!si || !swp_offset(entry)) {
		if (c->problems++ < 20)
			pr_err(c->m, "validate_swap: bad swap entry %#lx in %s", entry.val, where);
		return;
	}
	c->refs[si->type][swp_offset(entry)]++;
}

static void census_mm(struct swap_census *c, struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	for_each_vma(mm, vma) {
		unsigned long addr = vma->vm_start, end = vma->vm_end;
		pmd_t *pmd;

		if (is_vm_hugetlb_page(vma))
			continue;
		while ((pmd = next_pte_table(mm, &addr, end))) {
			unsigned long next = block_end(addr, PMD_SIZE, end);
			pte_t *pte;

			if (pmd_trans_huge(*pmd)) {
				addr = next;
				continue;
			}
			pte = pte_offset(mm, pmd, addr);
			for (; addr < next; addr += PAGE_SIZE, pte++)
				if (is_swap_pte(*pte))
					census_note(c, pte_to_swp_entry(*pte), "a pte");
		}
	}
}

static void census_check_slot(struct swap_census *c, struct swap_info_struct *si,
			      unsigned long off, unsigned long *inuse, long *cached)
{
	struct machine *m = c->m;
	unsigned char ent = *swap_map_ptr(si, off);
	unsigned long *tb = swap_table_slot(si, off);
	bool has_folio = tb && *tb && !swp_tb_is_value(*tb);
	int count = swap_total_count(si, off);

	if (ent)
		(*inuse)++;
	if ((unsigned int)count != c->refs[si->type][off] && c->problems++ < 20)
		pr_err(m, "validate_swap: type %d offset %#lx count %d but %u references", si->type,
		       off, count, c->refs[si->type][off]);
	if (!!(ent & SWAP_HAS_CACHE) != has_folio && c->problems++ < 20)
		pr_err(m, "validate_swap: type %d offset %#lx map %#x, swap cache %s", si->type, off,
		       ent, has_folio ? "has a folio" : "empty");
	if (ent && !tb && c->problems++ < 20)
		pr_err(m, "validate_swap: type %d offset %#lx in use without a swap table", si->type,
		       off);
	if (has_folio) {
		struct page *folio = (struct page *)*tb;

		(*cached)++;
		if ((!folio_test_swapcache(folio) || folio_swap_entry(folio).val !=
		     swp_entry((unsigned int)si->type, off).val) && c->problems++ < 20)
			pr_err(m, "validate_swap: folio pfn %#lx cached at %d:%#lx says %#lx",
			       page_to_pfn(m, folio), si->type, off, folio->private);
	}
}

static void census_check_device(struct swap_census *c, struct swap_info_struct *si, long *cached)
{
	struct machine *m = c->m;
	unsigned long inuse = 0;

	for (unsigned long off = 1; off < si->max; off++)
		census_check_slot(c, si, off, &inuse, cached);
	if (inuse != si->inuse_pages && c->problems++ < 20)
		pr_err(m, "validate_swap: type %d inuse_pages %u, map says %lu", si->type,
		       si->inuse_pages, inuse);
	for (unsigned int i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster_info *ci = &si->cluster_info[i];
		unsigned long start = (unsigned long)i * SWAPFILE_CLUSTER, n = 0;

		for (unsigned long off = start; off < start + SWAPFILE_CLUSTER; off++)
			n += off >= si->max || *swap_map_ptr(si, off);
		if (n != ci->count && c->problems++ < 20)
			pr_err(m, "validate_swap: type %d cluster %u count %u, map says %lu", si->type,
			       i, ci->count, n);
		if (ci->flags != (ci->count == 0 ? CLUSTER_FLAG_FREE :
				  ci->count == SWAPFILE_CLUSTER ? CLUSTER_FLAG_FULL :
				  CLUSTER_FLAG_NONFULL) && c->problems++ < 20)
			pr_err(m, "validate_swap: type %d cluster %u count %u on list %u", si->type, i,
			       ci->count, ci->flags);
	}
}

static void census_note_shmem(void *arg, swp_entry_t entry)
{
	census_note(arg, entry, "a shmem object");
}

int validate_swap(struct machine *m)
{
	struct swap_census c = { .m = m };
	struct mm_struct *mm;
	long cached = 0, nfree = 0, total = 0;

	if (!m->swap_active_head.next)
		return 0;
	c.refs = calloc(MAX_SWAPFILES, sizeof(*c.refs));	/* host-side tooling */
	if (!c.refs)
		return 0;
	for (int i = 0; i < m->nr_swapfiles; i++) {
		struct swap_info_struct *si = m->swap_info[i];

		if (si && (si->flags & SWP_USED))
			c.refs[i] = calloc(si->max, sizeof(unsigned int));
	}
	list_for_each_entry(mm, &m->mm_list, mmlist)
		census_mm(&c, mm);
	shmem_swap_census(m, census_note_shmem, &c);
	for (int i = 0; i < m->nr_swapfiles; i++) {
		struct swap_info_struct *si = m->swap_info[i];

		if (!si || !(si->flags & SWP_USED) || !c.refs[i])
			continue;
		census_check_device(&c, si, &cached);
		if (si->flags & SWP_WRITEOK) {
			nfree += si->pages - si->inuse_pages;
			total += si->pages;
		}
	}
	if ((nfree != m->nr_swap_pages || total != m->total_swap_pages) && c.problems++ < 20)
		pr_err(m, "validate_swap: nr_swap_pages %ld total %ld, devices say %ld of %ld",
		       m->nr_swap_pages, m->total_swap_pages, nfree, total);
	if (cached != m->vm_node_stat[NR_SWAPCACHE] && c.problems++ < 20)
		pr_err(m, "validate_swap: NR_SWAPCACHE %ld, swap cache holds %ld",
		       m->vm_node_stat[NR_SWAPCACHE], cached);
	for (int i = 0; i < MAX_SWAPFILES; i++)
		free(c.refs[i]);
	free(c.refs);
	return c.problems;
}
