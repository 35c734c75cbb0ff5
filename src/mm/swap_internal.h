/*
 * swap_internal.h - what swapfile.c, swap_state.c and page_io.c share
 * (Linux's mm/swap.h and mm/swap_table.h): the device of an entry, the
 * swap_map bytes, the swap table words, and the vmalloc'd arrays they
 * live in.
 *
 * A "vbuf" is a vzalloc'd kernel array (so /proc/vmallocinfo and
 * VmallocUsed show it, as they show Linux's swap_map) reached through a
 * kmalloc'd array of its pages' direct-map addresses: byte i is at
 * pages[i / 4096] + i % 4096.
 *
 * Invariants: see swap.h (the slot state table) and validate_swap.
 */
#ifndef MMSIM_SWAP_INTERNAL_H
#define MMSIM_SWAP_INTERNAL_H

#include "swap.h"

struct vbuf {
	unsigned long va;		/* the vmalloc address, 0: none */
	unsigned char **pages;		/* direct-map address of each page */
};

int vbuf_alloc(struct machine *m, struct vbuf *vb, unsigned long bytes,
	       const struct vm_caller *caller);
void vbuf_free(struct machine *m, struct vbuf *vb);
static inline void *vbuf_ptr(const struct vbuf *vb, unsigned long byte)
{
	return vb->pages[byte >> PAGE_SHIFT] + (byte & (PAGE_SIZE - 1));
}

static inline unsigned char *swap_map_ptr(struct swap_info_struct *si, unsigned long off)
{
	return si->map[off >> PAGE_SHIFT] + (off & (PAGE_SIZE - 1));
}

static inline struct swap_cluster_info *offset_to_cluster(struct swap_info_struct *si,
							 unsigned long off)
{
	return &si->cluster_info[off / SWAPFILE_CLUSTER];
}

/* The swap table word of a slot in use (its cluster has a table then). */
static inline unsigned long *swap_table_slot(struct swap_info_struct *si, unsigned long off)
{
	struct swap_cluster_info *ci = offset_to_cluster(si, off);

	return ci->table ? &ci->table[off % SWAPFILE_CLUSTER] : NULL;
}

/* The count part of a map byte (HAS_CACHE and CONTINUED masked). */
static inline unsigned char swap_count(unsigned char ent)
{
	return ent & ~(SWAP_HAS_CACHE | COUNT_CONTINUED);
}

/* Set SWAP_HAS_CACHE on a slot with references: 0, -EEXIST (cached), -ENOENT (free). */
int swapcache_prepare(struct machine *m, swp_entry_t entry);
/* Add folio to the swap cache at entry (slot already HAS_CACHE). *shadow: what was there. */
void swap_cache_add_folio(struct machine *m, struct page *folio, swp_entry_t entry,
			  void **shadow);
/* The folio cached at entry, no reference taken, or NULL. */
struct page *swap_cache_peek(struct machine *m, swp_entry_t entry);
/* delete_from_swap_cache: leave the cache, drop HAS_CACHE and the cache's reference. */
void delete_from_swap_cache(struct machine *m, struct page *folio);
/* __folio_alloc_swap: a slot for one page, HAS_CACHE set. The entry, or val 0. */
swp_entry_t folio_alloc_swap_slot(struct machine *m);
/* Does anything but the swap cache still refer to folio's slot? */
bool folio_swapped(struct machine *m, struct page *folio);
/* The zero-page map: written pages that were all zeros (no I/O). */
bool swap_zeromap_test(struct swap_info_struct *si, unsigned long off);
void swap_zeromap_set(struct swap_info_struct *si, unsigned long off, bool zero);
/* Write folio's data (metadata_only: nothing) to its slot; 0 or -EIO. */
int swap_write_host(struct machine *m, struct page *folio);
/* try_to_unuse for swapoff: every reference of si's slots brought back. 0 or -ENOMEM. */
int try_to_unuse(struct machine *m, struct swap_info_struct *si);

#endif
