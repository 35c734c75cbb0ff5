/*
 * fs.h - the file-side objects user mappings point at (include/linux/fs.h),
 * as far as memory management needs them.
 *
 * Today the only files are shmem objects: MAP_SHARED|MAP_ANONYMOUS creates
 * one ("/dev/zero (deleted)" in maps, as shmem_zero_setup names it), whose
 * pages are indexed by page offset in its address_space. The page cache of
 * real files (issue 5) extends these same structures.
 *
 * Invariants: every page in a mapping's i_pages has page->mapping == that
 * address_space and page->index == its slot; nrpages counts them; each
 * holds one reference for the cache. f_count counts VMAs and descriptors.
 */
#ifndef MMSIM_FS_H
#define MMSIM_FS_H

#include "mm_types.h"
#include "mempolicy_types.h"
#include "xarray.h"

struct machine;

struct address_space {
	struct machine *machine;
	struct xarray i_pages;		/* index -> struct page * (xarray.h) */
	unsigned long nrpages;
	unsigned long size;		/* i_size in bytes */
	bool swapbacked;		/* shmem: pages are PG_swapbacked */
	unsigned long ino;		/* inode number shown in maps */
	struct rb_root i_mmap;		/* VMAs mapping it (rmap, issue 4) */
	spinlock_t i_mmap_lock;		/* LOCK_I_MMAP */
	spinlock_t i_pages_lock;	/* LOCK_I_PAGES: the index (xa_lock) */
	vm_flags_t shmem_flags;		/* VM_NORESERVE: size not charged to Committed_AS */
	struct shared_policy policy;	/* shmem: NUMA policies by offset (mbind) */
	/* hugetlbfs (fs/hugetlbfs/inode.c): NULL for shmem. i_pages then holds
	 * heads indexed by huge page, below nrpages_max. */
	struct hstate *hstate;
	struct resv_map *resv_map;	/* reserved or instantiated indices */
	unsigned long nrpages_max;
	/* swap (issue 5): shmem pages on swap are value entries in i_pages */
	unsigned long swapped;		/* how many (shmem_inode_info->swapped) */
	struct list_head swaplist;	/* machine->shmem_swaplist once one went out */
};

struct file {
	int f_count;
	char path[256];			/* what maps shows */
	struct address_space *f_mapping;
	unsigned int dev_major, dev_minor;
};

/*
 * A new shmem object of size bytes (mm/shmem.c), on the internal tmpfs
 * (device 00:01, a fresh inode number from machine->next_ino), its path
 * name as given. Not charged to Committed_AS (VM_NORESERVE). Returns
 * ERR_PTR(-ENOMEM / -EINVAL) on failure.
 */
struct file *shmem_file_setup(struct machine *m, const char *name, unsigned long size);
/*
 * MAP_SHARED|MAP_ANONYMOUS (shmem_zero_setup): vma->vm_file becomes a new
 * shmem object of the VMA's size named "/dev/zero (deleted)", as maps
 * shows it. Unless the VMA is VM_NORESERVE the size is charged to
 * Committed_AS (security_vm_enough_memory_mm; mmap_region must not charge
 * a shared mapping again) and uncharged when the object goes. 0 or -ENOMEM.
 */
int shmem_zero_setup(struct vm_area_struct *vma);
void get_file(struct file *f);
void fput(struct machine *m, struct file *f);	/* frees at the last reference */

/*
 * The page at index in mapping, allocated (zeroed, uptodate) and added if
 * absent and create is set. Returns it with an extra reference for the
 * caller, or NULL: absent and !create (*err = 0), at or beyond i_size
 * (*err = -EINVAL: the fault's SIGBUS), out of memory (*err = -ENOMEM).
 * err may be NULL.
 */
struct page *shmem_get_page(struct address_space *mapping, unsigned long index,
			    bool create, int *err);
/* Drop every page at index >= start (truncate / last fput). */
void shmem_truncate_range(struct address_space *mapping, unsigned long start);
/*
 * Drop the pages at index [start, end) and keep the size (fallocate
 * PUNCH_HOLE, as MADV_REMOVE asks): the caller has unmapped them.
 */
void shmem_punch_hole(struct address_space *mapping, unsigned long start, unsigned long end);

/* ---- Swap (issue 5, swap owner): shmem pages out and back (shmem.c) ---- */

/*
 * CONTRACT (reclaim's pageout of a shmem folio, shmem_writeout): folio is
 * in its object's cache, unmapped (try_to_unmap), and gets a swap slot: the
 * cache's slot becomes the swap entry (a value entry, mapping->swapped),
 * the folio moves to the swap cache (mapping NULL, NR_SHMEM and
 * NR_FILE_PAGES move to NR_SWAPCACHE) and is written. Then reclaim
 * removes it from the swap cache as for an anonymous folio
 * (__delete_from_swap_cache, put_swap_folio). 0; -ENOMEM (no swap slot:
 * the folio stays in its object, dirty; -EINVAL for a mapping that is not
 * swap-backed); -EIO (written badly: it stays in the swap cache, dirty).
 */
int shmem_writeout(struct machine *m, struct page *folio);
/*
 * The page at index for a fault: shmem_get_page(create), bringing a
 * swapped page back (*major when it had to be read: the caller counts
 * pgmajfault). NULL with *err as shmem_get_page, or -EIO (read error).
 */
struct page *shmem_get_folio_fault(struct address_space *mapping, unsigned long index,
				   struct vm_area_struct *vma, unsigned long addr, bool *major,
				   int *err);
/* Swapped pages of mapping at [start, end) (smaps' Swap of a shmem VMA). */
unsigned long shmem_partial_swap_usage(struct address_space *mapping, unsigned long start,
				       unsigned long end);
void shmem_swap_census(struct machine *m, void (*note)(void *arg, swp_entry_t entry), void *arg);
void shmem_willneed(struct address_space *mapping, unsigned long start, unsigned long end);
/* swapoff: bring every shmem page on swap type back into its object. 0 or -errno. */
int shmem_unuse(struct machine *m, int type);

#endif
