/*
 * pagemap.h - the page cache of disk files (mm/filemap.c, mm/readahead.c,
 * mm/truncate.c, mm/page-writeback.c's dirty side): Linux's
 * include/linux/pagemap.h, as far as mmsim has it.
 *
 * A folio in the cache sits at its index in mapping->i_pages (struct
 * xarray), holds one reference for the cache, has folio->mapping ==
 * mapping and folio->index == its index, and is counted in nrpages and
 * NR_FILE_PAGES. Cache folios are order 0 today (see filemap.c).
 *
 * Dirty: PG_dirty on the folio, counted in mapping->nrdirty, NR_FILE_DIRTY
 * (nr_dirty, meminfo Dirty) and the zone's NR_ZONE_WRITE_PENDING; the
 * inode gets I_DIRTY_PAGES. Clean again only through folio_write_one /
 * the writeback of the range (the page goes to the disk first) or by
 * leaving the cache (truncate: the data is gone anyway).
 *
 * Locks: i_pages lock (mapping->i_pages_lock) > lru_lock. A caller of
 * __filemap_remove_folio holds the i_pages lock.
 */
#ifndef MMSIM_PAGEMAP_H
#define MMSIM_PAGEMAP_H

#include "fs.h"
#include "mm.h"

/* ---- CONTRACT (issue 5): vmscan, writeback and drop_caches call these ---- */

/* The folio at index with one more reference for the caller, or NULL (also for value entries). */
struct page *filemap_get_folio(struct address_space *mapping, unsigned long index);
/*
 * Take folio out of its mapping's cache: the xarray slot gets shadow (a
 * workingset value entry, or NULL), folio->mapping becomes NULL, nrpages
 * and NR_FILE_PAGES (NR_SHMEM for shmem) drop. The caller holds
 * mapping->i_pages_lock, has unmapped the folio, and the folio must be
 * clean; the cache's reference is NOT dropped here: the caller drops it
 * (put_page) after unlocking, as Linux's filemap_free_folio does.
 */
void __filemap_remove_folio(struct machine *m, struct page *folio, void *shadow);
/* The same with the lock taken and the cache's reference dropped (truncate, invalidate). */
void filemap_remove_folio(struct machine *m, struct page *folio);
/*
 * Write a dirty folio of a disk file to the disk now (synchronously):
 * page_mkclean its ptes, clear PG_dirty and the dirty counters, PG_writeback
 * while the host write runs, pgpgout. 0 (also for a clean folio), or
 * -EIO: the folio stays dirty-less but the error is recorded in the
 * inode's errseq_t (wb_err) by mapping_set_error, for fsync to see once
 * per open file description. nr_written counts the pages either way.
 */
int folio_write_one(struct machine *m, struct page *folio);
/* Mark a cache folio dirty (and count it); true if it was clean. */
bool folio_mark_dirty(struct machine *m, struct page *folio);
/* A dirty folio leaves the dirty state unwritten (truncate): flag and counters. */
void folio_cancel_dirty(struct machine *m, struct page *folio);
/* A disk file's mapping (not shmem, not hugetlbfs). */
static inline bool mapping_is_file(const struct address_space *mapping)
{
	return mapping && mapping->host;
}
/*
 * Drop the clean, unmapped, unlocked folios of [start, end] (page indices,
 * end inclusive) from the cache: what POSIX_FADV_DONTNEED and drop_caches
 * do. Dirty, writeback and mapped folios stay. Returns how many went.
 */
unsigned long invalidate_mapping_pages(struct address_space *mapping, unsigned long start,
				       unsigned long end);

/* ---- the rest of the page cache ---- */

/* Add a new locked-free folio at index: the cache's reference, counters, LRU. 0 / -EEXIST / -ENOMEM. */
int filemap_add_folio(struct address_space *mapping, struct page *folio, unsigned long index,
		      gfp_t gfp);
/* A new page for mapping at index (node from the task's policy), refcount 1, not yet added. */
struct page *filemap_alloc_folio(struct address_space *mapping, gfp_t gfp);
/* Read folio's bytes from the disk: uptodate afterwards, or -EIO. */
int filemap_read_folio(struct machine *m, struct address_space *mapping, struct page *folio);
/*
 * The folio at index, read from the disk if it is not in the cache (no
 * readahead): +ref, or ERR_PTR (-ENOMEM, -EIO). *major says whether the
 * disk was read.
 */
struct page *read_cache_folio(struct address_space *mapping, unsigned long index,
			      bool *major);

/* Buffered I/O (generic_file_read_iter / generic_perform_write). */
long filemap_read(struct machine *m, struct file *file, void *buf, size_t count,
		  long long *ppos);
long generic_perform_write(struct machine *m, struct file *file, const void *buf,
			   size_t count, long long pos);
/* O_DIRECT: around the cache, straight to the disk. */
long direct_io_read(struct machine *m, struct file *file, void *buf, size_t count,
		    long long pos);
long direct_io_write(struct machine *m, struct file *file, const void *buf, size_t count,
		     long long pos);

/* Writeback of [start, end] bytes (end inclusive), synchronous; 0 or the first error. */
int filemap_write_and_wait_range(struct address_space *mapping, long long start, long long end);
/* fsync's error check: a writeback error recorded since this file last looked (errseq), once. */
int file_check_and_advance_wb_err(struct file *file);

/* Truncation (mm/truncate.c). */
void truncate_inode_pages_range(struct address_space *mapping, long long lstart,
				long long lend);
void truncate_inode_pages(struct address_space *mapping, long long lstart);
/* i_size becomes newsize; pages beyond it unmapped and dropped, the tail page's end zeroed. */
void truncate_setsize(struct inode *inode, long long newsize);
/* Zap the ptes of every VMA mapping [holebegin, holebegin + holelen) bytes (0: to the end). */
void unmap_mapping_range(struct address_space *mapping, long long holebegin,
			 long long holelen, bool even_cows);

/* Readahead (mm/readahead.c). */
#define VM_READAHEAD_PAGES	(131072UL / PAGE_SIZE)	/* read_ahead_kb 128 */
#define MMAP_LOTSAMISS		100
void file_ra_state_init(struct file_ra_state *ra);
/* A read missed the cache at index: start (or continue) a window. */
void page_cache_sync_ra(struct file *file, unsigned long index, unsigned long req_count);
/* A read met the PG_readahead folio at index: the next window, ahead of time. */
void page_cache_async_ra(struct file *file, struct page *folio, unsigned long index,
			 unsigned long req_count);
/* The read-around of an mmap fault (do_sync_mmap_readahead's window). */
void page_cache_ra_unbounded(struct file *file, unsigned long index,
			     unsigned long nr_to_read, unsigned long lookahead_size);
/* Read the window file->f_ra holds (start, size, async_size), clipped at EOF. */
void page_cache_ra_window(struct file *file);
/* POSIX_FADV_WILLNEED / madvise(WILLNEED): read [index, index + nr) now, in chunks. */
void force_page_cache_readahead(struct file *file, unsigned long index, unsigned long nr);

/*
 * The page-cache fault of a disk file (filemap_fault): the folio at pgoff,
 * +ref, in *pagep, read with read-around if absent (VM_FAULT_MAJOR and
 * pgmajfault then); VM_FAULT_SIGBUS beyond i_size or on a read error,
 * VM_FAULT_OOM. The mmap readahead state is vma->vm_file's.
 */
unsigned int filemap_fault(struct vm_area_struct *vma, unsigned long pgoff, unsigned int flags,
			   struct page **pagep);
/* Fault-around: pages mapped by filemap_map_pages pay back the read-around's misses. */
void filemap_map_pages_done(struct file *file, unsigned long nr_mapped);
/* Index helpers for the xarray-backed i_pages. */
void mapping_init_pages(struct address_space *mapping);
void mapping_destroy_pages(struct address_space *mapping);
/* Debug: every disk file's cache against its counters; returns problems found. */
int validate_page_cache(struct machine *m);

/* Readahead marker. */
static inline bool PageReadahead(const struct page *p)
{
	return test_bit_flag(p, PG_reclaim);	/* PG_readahead = PG_reclaim */
}
static inline void SetPageReadahead(struct page *p)
{
	p->flags |= 1UL << PG_reclaim;
}
static inline void ClearPageReadahead(struct page *p)
{
	p->flags &= ~(1UL << PG_reclaim);
}

#endif
