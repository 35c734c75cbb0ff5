/*
 * swap.h - page references and the LRU lists (mm/swap.c), the part of
 * Linux's swap.h that exists before swap devices do.
 *
 * put_page drops a reference; the last one takes the page off its LRU
 * list, forgets its mapping and frees it. folio_add_lru puts a newly
 * mapped user page on its node's LRU: anonymous pages on the inactive anon
 * list (Linux 5.9+), mlocked pages on the unevictable list, file pages on
 * inactive file. The LRU counters (nr_inactive_anon ... and the zone's
 * nr_zone_*) move with the lists.
 *
 * Invariants: PageLRU iff on a list, except that the unevictable list
 * links nothing (Linux 5.18+: its pages keep mlock_count there instead);
 * the list a page is on matches its flags (PG_active, PG_unevictable,
 * PG_swapbacked); counters equal lengths; nr_mlock counts PG_mlocked.
 * A folio queued in a per-CPU batch holds a reference and keeps its
 * flags until the batch moves it (see lru_add_drain below).
 */
#ifndef MMSIM_SWAP_H
#define MMSIM_SWAP_H

#include "mm.h"

static inline void get_page(struct page *page)
{
	page_ref_inc(compound_head(page));
}
void put_page(struct machine *m, struct page *page);

void folio_add_lru(struct machine *m, struct page *page);
/* A new page mapped into vma: unevictable if the VMA is locked (mlock). */
void folio_add_lru_vma(struct machine *m, struct page *page, struct vm_area_struct *vma);
/* Off the LRU (page freed, isolated); no-op if not PageLRU. */
void lruvec_del_folio(struct machine *m, struct page *page);
/* mlock/munlock of a mapped page: PG_mlocked, NR_MLOCK, unevictable list. */
void mlock_page(struct machine *m, struct page *page);
void munlock_page(struct machine *m, struct page *page);

/* Pages in a folio (1 << its order). */
static inline long folio_nr_pages(const struct page *page)
{
	return 1L << compound_order(page);
}

/*
 * Per-CPU LRU batches (Linux 6.10+: 31 folios per batch). Each call below
 * queues the folio on the running CPU's batch with a reference; the move
 * happens when the batch is full, at once for a large folio, or at a
 * drain: this CPU's (lru_add_drain) or every CPU's (lru_add_drain_all).
 * Tests and callers that read LRU counters drain first, as Linux's do.
 */
#define FOLIO_BATCH_SIZE	31
void lru_add_drain(struct machine *m);
void lru_add_drain_all(struct machine *m);
int lru_batches_pending(struct machine *m, int cpu);	/* folios queued on cpu */
/* mark_page_accessed's second step: inactive -> active, through the batch. */
void folio_activate(struct machine *m, struct page *page);
/* MADV_COLD: an active folio to its inactive list (pgdeactivate). */
void folio_deactivate(struct machine *m, struct page *page);
/* Invalidation failed (mapped/dirty file folio): inactive, reclaim it soon. */
void folio_deactivate_file(struct machine *m, struct page *page);
/* MADV_FREE: a clean anon folio loses PG_swapbacked, to the inactive file list. */
void folio_mark_lazyfree(struct machine *m, struct page *page);
/* Writeback ended on a PG_reclaim folio: to the inactive tail (pgrotated). */
void folio_rotate_reclaimable(struct machine *m, struct page *page);
/* An isolated folio back to the LRU, and the isolation reference dropped. */
void folio_putback_lru(struct machine *m, struct page *page);
/* Boot/shutdown: the per-CPU batches (percpu area); exit drains them. */
int lru_batches_init(struct machine *m);
void lru_batches_exit(struct machine *m);

/*
 * For vmscan.c, with the lruvec's lru_lock held (Linux's mm_inline.h):
 * add at the head or the tail of the list the flags say, or delete; the
 * counters follow, PG_lru is the caller's. lru_note_cost records reclaim
 * cost (pages written, rotated) for get_scan_count's anon/file balance.
 */
struct lruvec *folio_lruvec(struct machine *m, const struct page *page);
void update_lru_size(struct machine *m, struct lruvec *lruvec, const struct page *page,
		     enum lru_list lru, long nr);
void __lruvec_add_folio(struct machine *m, struct lruvec *lruvec, struct page *page);
void __lruvec_add_folio_tail(struct machine *m, struct lruvec *lruvec, struct page *page);
void __lruvec_del_folio(struct machine *m, struct lruvec *lruvec, struct page *page);
void lru_note_cost(struct machine *m, struct lruvec *lruvec, bool file, unsigned long nr_io,
		   unsigned long nr_rotated);
void lru_note_cost_refault(struct machine *m, struct page *page);

/* The list a page belongs on, from its flags. */
enum lru_list folio_lru_list(const struct page *page);

/* Debug: LRU lists against flags and counters; returns problems found. */
int validate_lru(struct machine *m);

/* ---------------------------------------------------------------------- */
/* Swap devices and the swap cache (issue 5, swap owner): swapfile.c,      */
/* swap_state.c, page_io.c. The state table of a swap slot (swap_map):     */
/*                                                                         */
/*   0 free --alloc (add_to_swap)--> HAS_CACHE: in the swap cache only     */
/*   HAS_CACHE --try_to_unmap--> n | HAS_CACHE (n swap ptes/shmem entries) */
/*   n | HAS_CACHE --__delete_from_swap_cache + put_swap_folio--> n        */
/*   n --swapin (read into the cache)--> n | HAS_CACHE                     */
/*   n --zap/free--> n - 1; 0 without HAS_CACHE is free again              */
/*                                                                         */
/* A slot is in use while its map byte is not 0. Counts above SWAP_MAP_MAX */
/* go on in the device's continuation counters (COUNT_CONTINUED).          */
/* ---------------------------------------------------------------------- */

#define MAX_SWAPFILES		MMSIM_MAX_SWAPFILES
#define SWAPFILE_CLUSTER	512	/* slots per cluster (HPAGE_PMD_NR: THP_SWAP) */
#define SWAP_HAS_CACHE		0x40	/* the slot has a folio in the swap cache */
#define SWAP_MAP_MAX		0x3e	/* largest count in the map byte itself */
#define SWAP_MAP_BAD		0x3f	/* never used: the header page */
#define COUNT_CONTINUED		0x80	/* the count goes on in the continuation */

/* si->flags */
#define SWP_USED		(1UL << 0)	/* the swap_info slot is taken */
#define SWP_WRITEOK		(1UL << 1)	/* slots may be allocated (not swapping off) */

/* A cluster's list (flags). */
enum { CLUSTER_FLAG_NONE, CLUSTER_FLAG_FREE, CLUSTER_FLAG_NONFULL, CLUSTER_FLAG_FULL };

/*
 * One cluster of SWAPFILE_CLUSTER slots. count is the slots in use; the
 * cluster is on exactly one of its device's free, nonfull or full lists by
 * count. table is the swap table (Linux 6.18's swap cache): one word per
 * slot - 0, a struct page * of the swap cache, or a shadow value (bit 0
 * set) - held in a page allocated when the cluster leaves the free list.
 */
struct swap_cluster_info {
	unsigned short count;
	unsigned char flags;
	unsigned char order;
	unsigned long *table;
	struct list_head list;
};

struct swap_info_struct {
	struct machine *machine;
	unsigned long flags;		/* SWP_* */
	int prio;			/* higher first; equal ones round robin */
	int type;			/* index in machine->swap_info */
	unsigned int max;		/* slots, the header's included */
	unsigned int pages;		/* usable slots (max - 1: the header) */
	unsigned int inuse_pages;	/* slots whose map byte is not 0 */
	unsigned long swap_map_va;	/* the vzalloc'd swap_map (vmallocinfo shows it) */
	unsigned char **map;		/* host addresses of its pages */
	unsigned int *cont;		/* counts above SWAP_MAP_MAX, per slot, or NULL */
	struct swap_cluster_info *cluster_info;
	unsigned int nr_clusters;
	struct list_head free_clusters, nonfull_clusters, full_clusters;
	unsigned int *percpu_next;	/* [nr_cpus]: next slot of the CPU's cluster, 0 none */
	struct list_head list;		/* machine->swap_active_head, by priority */
	struct list_head avail;		/* machine->swap_avail_head while slots are free */
	bool on_avail;
	int fd;				/* the host file */
	char name[128];			/* the path /proc/swaps shows */
};

/* swp_entry_t in a pte: the exclusive bit (anon page known not shared). */
static inline bool pte_swp_exclusive(pte_t p) { return pte_val(p) & _PAGE_SWP_EXCLUSIVE; }
static inline pte_t pte_swp_mkexclusive(pte_t p) { return __pte(pte_val(p) | _PAGE_SWP_EXCLUSIVE); }
static inline pte_t pte_swp_clear_exclusive(pte_t p) { return __pte(pte_val(p) & ~_PAGE_SWP_EXCLUSIVE); }

/*
 * A swap entry as an xarray value (shmem's i_pages): the type goes 58 bits
 * up, as Linux's swp_entry_t keeps it, so that it fits beside the value bit.
 */
#define SWP_RADIX_TYPE_SHIFT	58
static inline void *swp_to_radix_entry(swp_entry_t e)
{
	return (void *)((((unsigned long)swp_type(e) << SWP_RADIX_TYPE_SHIFT | swp_offset(e)) << 1) | 1);
}
static inline swp_entry_t radix_to_swp_entry(const void *v)
{
	unsigned long x = (unsigned long)v >> 1;

	return swp_entry((unsigned int)(x >> SWP_RADIX_TYPE_SHIFT),
			 x & ((1UL << SWP_RADIX_TYPE_SHIFT) - 1));
}

/* Shadow and value words of the swap table (xa_mk_value's shape). */
static inline bool swp_tb_is_value(unsigned long v) { return v & 1; }

/* ---- CONTRACT (the vmscan owner calls these) ---- */

/* A swap-cache folio: PG_swapcache on a swap-backed page; its entry in private. */
static inline bool folio_test_swapcache(const struct page *folio)
{
	return PageSwapBacked(folio) && test_bit_flag(folio, PG_swapcache);
}
static inline swp_entry_t folio_swap_entry(const struct page *folio)
{
	return (swp_entry_t){ folio->private };
}
/*
 * folio_alloc_swap + add to the swap cache: an order-0 anonymous,
 * swap-backed folio (locked by the caller or not: one host thread) gets a
 * slot (SWAP_HAS_CACHE), joins the swap cache (+1 reference, NR_SWAPCACHE,
 * NR_FILE_PAGES) and is marked dirty so that it is written. 0, or -ENOMEM
 * (no swap device, no free slot, or no memory for the cluster's table).
 */
int add_to_swap(struct machine *m, struct page *folio);
/*
 * Write a dirty swap-cache folio to its slot now (synchronous): clears
 * PG_dirty first (folio_clear_dirty_for_io), counts pswpout and pgpgout.
 * 0, or -EIO from the device (or the swap_write fault injection): the
 * folio stays in memory and in the swap cache, dirty again; its slot is
 * freed (folio_free_swap) when no swap pte or shmem entry refers to it yet,
 * so the next attempt allocates another.
 */
int swap_writepage(struct machine *m, struct page *folio);
/*
 * The swap cache lets go of folio (called by __remove_mapping with the
 * folio unmapped and clean): its table slot keeps shadow (a value word from
 * workingset_eviction, or NULL), PG_swapcache and the cache's reference go
 * (the caller then calls put_swap_folio and drops its own reference).
 */
void __delete_from_swap_cache(struct machine *m, struct page *folio, void *shadow);
/* Drop SWAP_HAS_CACHE of entry: the slot is free if no count is left. */
void put_swap_folio(struct machine *m, struct page *folio, swp_entry_t entry);
/*
 * If folio is in the swap cache and no swap pte or shmem entry refers to
 * its slot any more, free the slot and leave the cache (the folio is dirtied:
 * its only copy is now in memory). True if it did.
 */
bool folio_free_swap(struct machine *m, struct page *folio);
/* Slots of all writable devices, and the free ones among them. */
long total_swap_pages(struct machine *m);
long get_nr_swap_pages(struct machine *m);
/* vm_swap_full: more than half the swap is used. */
bool vm_swap_full(struct machine *m);

/* ---- Swap entries' counts (swapfile.c) ---- */

/*
 * fork, try_to_unmap, shmem: one more reference. 0, -ENOMEM when the count
 * needs its continuation (call add_swap_count_continuation with no lock
 * held, then again), -EINVAL/-ENOENT for a bad or free entry (warned).
 */
int swap_duplicate(struct machine *m, swp_entry_t entry);
int add_swap_count_continuation(struct machine *m, swp_entry_t entry);
/* A swap pte or shmem entry is gone (the page was mapped back): one less. */
void swap_free(struct machine *m, swp_entry_t entry);
/* zap, MADV_FREE: one less, and the swap-cache folio goes if nothing else holds it. */
void free_swap_and_cache(struct machine *m, swp_entry_t entry);
/* The references to entry (swap ptes + shmem entries), continuation included. */
int __swap_count(struct machine *m, swp_entry_t entry);
int swp_swapcount(struct machine *m, swp_entry_t entry);
/* Is entry a slot of a device that is on (type and offset in range)? */
bool swap_entry_valid(struct machine *m, swp_entry_t entry);
/* The device of entry, or NULL. */
struct swap_info_struct *swp_swap_info(struct machine *m, swp_entry_t entry);
/* free_swap_cache: an unmapped swap-cache folio being released (mmu_gather). */
void free_swap_cache(struct machine *m, struct page *folio);

/* ---- The swap cache (swap_state.c) ---- */

/* The folio cached at entry with a reference, or NULL (readahead hits counted). */
struct page *swap_cache_get_folio(struct machine *m, swp_entry_t entry,
				  struct vm_area_struct *vma, unsigned long addr);
/* The shadow value at entry's slot (workingset), or NULL. */
void *get_shadow_from_swap_cache(struct machine *m, swp_entry_t entry);
/*
 * do_swap_page's read: entry's folio from the cache, or read (with VMA
 * readahead over the ptes around addr, window from page_cluster) into a
 * new one. ptep is the pte of addr. Returns the folio with a reference,
 * *major set when it had to be read; NULL with *err -ENOMEM (no page) or
 * -EIO (the read failed: the folio is dropped again), or -ENOENT (entry
 * gone: another path swapped it in).
 */
struct page *swapin_readahead(struct machine *m, swp_entry_t entry, struct vm_area_struct *vma,
			      unsigned long addr, pte_t *ptep, bool *major, int *err);
/* shmem: read entry into a new swap-cache folio (no readahead). */
struct page *swapin_single(struct machine *m, swp_entry_t entry, gfp_t gfp,
			   struct vm_area_struct *vma, unsigned long addr, bool *major, int *err);
/* ---- Block I/O (page_io.c) ---- */

/* Read folio's slot into it; sets PG_uptodate. 0, or -EIO (swap_read injection, host error). */
int swap_read_folio(struct machine *m, struct page *folio);

/* ---- Devices (swapfile.c) ---- */

/*
 * swapon of a new host file of bytes (a multiple of 4 KiB, at least 40 KiB)
 * shown as path in /proc/swaps, with priority prio (-1: the next default,
 * -2, -3, ...; else 0..32767). 0, -EINVAL, -EBUSY (path already on),
 * -EPERM (MAX_SWAPFILES devices), -ENOMEM, or the host's errno.
 */
int sys_swapon(struct machine *m, const char *path, unsigned long bytes, int prio);
/*
 * swapoff: every swap pte and shmem entry of the device is swapped in
 * (try_to_unuse), then the device goes. 0, -EINVAL (no such device),
 * -ENOMEM (not enough memory to bring it back: it stays on, as Linux's).
 */
int sys_swapoff(struct machine *m, const char *path);
/* /proc/swaps. */
struct seq_buf;
void show_swaps(struct machine *m, struct seq_buf *s);
/* si_swapinfo: free and total swap pages. */
void si_swapinfo(struct machine *m, long *freeswap, long *totalswap);
/* Boot: empty device lists. Shutdown: close the host files. */
void swap_init(struct machine *m);
void swap_exit(struct machine *m);
/*
 * Debug: swap_map counts equal the swap ptes of every mm plus the shmem
 * swap entries; SWAP_HAS_CACHE iff a folio is in the swap cache; per-device
 * inuse_pages, cluster counts and lists, nr_swap_pages, NR_SWAPCACHE.
 */
int validate_swap(struct machine *m);

#endif
