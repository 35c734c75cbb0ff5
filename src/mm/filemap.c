/*
 * filemap.c - the page cache of disk files (Linux's mm/filemap.c, with the
 * dirty-folio side of mm/page-writeback.c and the O_DIRECT path of
 * fs/iomap/direct-io.c).
 *
 * The cache: mapping->i_pages, a struct xarray from page index to folio
 * (the same index shmem uses). A cached folio holds one reference for the
 * cache, has mapping and index set, and is on its node's file LRU
 * (inactive when it arrives). Folios are order 0: this disk models a
 * filesystem without large-folio support (ext4 before 6.16), so
 * readahead and writes build single pages; every count here is already
 * folio-shaped (folio_nr_pages) so that large folios can be added.
 *
 * Reads (filemap_read) work as Linux's do: a batch of up to 31 present,
 * uptodate folios; on a miss, synchronous readahead (readahead.c), then
 * a single folio read if readahead made none; the batch's last folio with
 * PG_readahead starts the next window asynchronously; only the first folio
 * of a batch is marked accessed, and not when the read stays in the folio
 * the previous read ended in. Writes (generic_perform_write) find or make
 * the folio (ext4_write_begin: a partial write of a page inside i_size
 * reads it first), copy, mark it dirty, and grow i_size; they do not mark
 * folios accessed (FGP_WRITEBEGIN has no FGP_ACCESSED).
 *
 * Dirty accounting (folio_mark_dirty, folio_account_cleaned): PG_dirty,
 * mapping->nrdirty, NR_FILE_DIRTY (nr_dirty) and NR_ZONE_WRITE_PENDING;
 * PG_writeback with NR_WRITEBACK while a write runs, nr_written when it
 * ends. Writeback is synchronous here (folio_write_one). The seams to
 * mm/page-writeback.c (writeback.h): folio_mark_dirty calls
 * folio_account_dirtied (nr_dirtied, the inode onto the flusher's list),
 * folio_write_one takes a clean inode off it (inode_io_list_del) and
 * records errors with mapping_set_error (errseq_t), and
 * generic_perform_write calls balance_dirty_pages_ratelimited per folio.
 *
 * I/O counters: pgpgin/pgpgout in KiB, at the I/O (Linux counts sectors
 * at submit_bio and /proc/vmstat halves them; the figure is the same).
 *
 * Metadata-only machines keep no bytes: no copies and no host I/O; the
 * counters and the cache's shape are the same.
 *
 * Locks: i_mmap lock > page table lock > i_pages lock > lru_lock.
 *
 * Invariants (validate_page_cache): every folio in a disk file's i_pages
 * has mapping and index right and a refcount of at least 1 + its
 * mapcount; nrpages and nrdirty equal what the index holds; the sum of
 * nrdirty equals NR_FILE_DIRTY.
 */
#include <errno.h>
#include <string.h>

#include "disk.h"
#include "memory.h"
#include "fs.h"
#include "internal.h"
#include "mempolicy.h"
#include "pagemap.h"
#include "rmap.h"
#include "sched.h"
#include "swap.h"
#include "vmscan.h"
#include "writeback.h"
#include "xarray.h"

#define PAGEVEC_SIZE	31		/* a folio_batch */

/* ---------------------------------------------------------------------- */
/* The index                                                               */
/* ---------------------------------------------------------------------- */

void mapping_init_pages(struct address_space *mapping)
{
	mapping->i_pages = (struct xarray){ 0 };
}

void mapping_destroy_pages(struct address_space *mapping)
{
	xa_destroy(mapping->machine, &mapping->i_pages);
}

/* The folio at index (no reference), NULL for none or a value entry. */
static struct page *cache_peek(struct address_space *mapping, unsigned long index)
{
	void *entry = xa_load(&mapping->i_pages, index);

	return entry && !xa_is_value(entry) ? entry : NULL;
}

struct page *filemap_get_folio(struct address_space *mapping, unsigned long index)
{
	struct page *folio;

	spin_lock(&mapping->i_pages_lock);
	folio = cache_peek(mapping, index);
	if (folio)
		get_page(folio);
	spin_unlock(&mapping->i_pages_lock);
	return folio;
}

/* ---------------------------------------------------------------------- */
/* Adding and removing                                                     */
/* ---------------------------------------------------------------------- */

static void filemap_mod_stats(struct address_space *mapping, struct page *folio, long nr)
{
	pg_data_t *pgdat = page_pgdat(mapping->machine, folio);

	mapping->nrpages += nr;
	mod_node_page_state(pgdat, NR_FILE_PAGES, nr);
	if (PageSwapBacked(folio))
		mod_node_page_state(pgdat, NR_SHMEM, nr);
}

struct page *filemap_alloc_folio(struct address_space *mapping, gfp_t gfp)
{
	struct machine *m = mapping->machine;

	if (m->current)	/* the task's NUMA policy, as folio_alloc applies it */
		return alloc_pages_mpol(m, gfp, 0, get_task_policy(m->current),
					NO_INTERLEAVE_INDEX, numa_node_id(m));
	return alloc_pages(m, gfp, 0);
}

int filemap_add_folio(struct address_space *mapping, struct page *folio, unsigned long index,
		      gfp_t gfp)
{
	struct machine *m = mapping->machine;
	void *old;
	int ret;

	spin_lock(&mapping->i_pages_lock);
	old = xa_load(&mapping->i_pages, index);
	if (old && !xa_is_value(old)) {
		spin_unlock(&mapping->i_pages_lock);
		return -EEXIST;
	}
	ret = xa_store(m, &mapping->i_pages, index, folio, NULL);
	if (ret) {
		spin_unlock(&mapping->i_pages_lock);
		return ret;
	}
	folio->mapping = mapping;
	folio->index = index;
	page_ref_inc(folio);	/* the cache's */
	filemap_mod_stats(mapping, folio, folio_nr_pages(folio));
	spin_unlock(&mapping->i_pages_lock);
	/* a shadow left by reclaim: a refault (not for a page about to be written over) */
	if (old && xa_is_value(old) && !(gfp & __GFP_WRITE))
		workingset_refault(m, folio, old);
	folio_add_lru(m, folio);
	return 0;
}

void __filemap_remove_folio(struct machine *m, struct page *folio, void *shadow)
{
	struct address_space *mapping = folio->mapping;

	lockdep_assert_held(&mapping->i_pages_lock);
	VM_BUG_ON_PAGE(page_mapped(folio), m, folio);
	VM_BUG_ON_PAGE(PageDirty(folio) && mapping_is_file(mapping), m, folio);
	if (shadow)
		xa_store(m, &mapping->i_pages, folio->index, shadow, NULL);
	else
		xa_erase(m, &mapping->i_pages, folio->index);
	folio->mapping = NULL;
	filemap_mod_stats(mapping, folio, -folio_nr_pages(folio));
}

void filemap_remove_folio(struct machine *m, struct page *folio)
{
	struct address_space *mapping = folio->mapping;

	spin_lock(&mapping->i_pages_lock);
	__filemap_remove_folio(m, folio, NULL);
	spin_unlock(&mapping->i_pages_lock);
	put_page(m, folio);	/* the cache's reference (filemap_free_folio) */
}

/* ---------------------------------------------------------------------- */
/* Dirty folios                                                            */
/* ---------------------------------------------------------------------- */

static void folio_mod_dirty_stats(struct machine *m, struct page *folio, long nr)
{
	mod_node_page_state(page_pgdat(m, folio), NR_DIRTY, nr);
	mod_zone_page_state(page_zone(m, folio), NR_ZONE_WRITE_PENDING, nr);
	folio->mapping ? (void)(((struct address_space *)folio->mapping)->nrdirty += nr) : (void)0;
}

bool folio_mark_dirty(struct machine *m, struct page *folio)
{
	struct address_space *mapping;

	folio = compound_head(folio);
	mapping = folio->mapping;
	if (PageDirty(folio))
		return false;
	SetPageDirty(folio);
	/* shmem and anon folios: noop_dirty_folio, the flag alone */
	if (!mapping || PageAnon(folio) || !mapping_is_file(mapping))
		return true;
	folio_mod_dirty_stats(m, folio, folio_nr_pages(folio));
	folio_account_dirtied(m, folio, mapping);	/* writeback: the flusher's list */
	return true;
}

/* folio_account_cleaned + clear: a dirty file folio leaves the dirty state unwritten. */
void folio_cancel_dirty(struct machine *m, struct page *folio)
{
	if (!PageDirty(folio))
		return;
	ClearPageDirty(folio);
	if (folio->mapping && mapping_is_file(folio->mapping))
		folio_mod_dirty_stats(m, folio, -folio_nr_pages(folio));
}

/*
 * folio_clear_dirty_for_io: write-protect the ptes (page_mkclean; a dirty
 * pte makes the folio dirty again first) and take the folio out of the
 * dirty state for the write. True if there is something to write.
 */
static bool folio_clear_dirty_for_io(struct machine *m, struct page *folio)
{
	if (page_mapped(folio) && page_mkclean(m, folio))
		folio_mark_dirty(m, folio);
	if (!PageDirty(folio))
		return false;
	folio_cancel_dirty(m, folio);
	return true;
}

int folio_write_one(struct machine *m, struct page *folio)
{
	struct address_space *mapping = folio->mapping;
	struct inode *inode;
	long long pos, len;
	int ret = 0;

	if (!mapping || !mapping_is_file(mapping))
		return 0;
	inode = mapping->host;
	if (!folio_clear_dirty_for_io(m, folio))
		return 0;
	pos = (long long)folio->index << PAGE_SHIFT;
	len = (long long)folio_nr_pages(folio) << PAGE_SHIFT;
	/* the last page is written only up to i_size (the block beyond is the file's end) */
	if (pos >= (long long)mapping->size)
		return 0;
	if (pos + len > (long long)mapping->size)
		len = (long long)mapping->size - pos;
	SetPageWriteback(folio);
	mod_node_page_state(page_pgdat(m, folio), NR_WRITEBACK, folio_nr_pages(folio));
	mod_zone_page_state(page_zone(m, folio), NR_ZONE_WRITE_PENDING, folio_nr_pages(folio));
	if (!m->cfg.metadata_only)
		ret = disk_write(m, inode->host_fd, page_address(m, folio), (size_t)len, pos);
	else if (m->disk->fail_writes)
		ret = disk_write(m, inode->host_fd, NULL, 0, pos);
	count_vm_events(m, PGPGOUT, folio_nr_pages(folio) * (long)(PAGE_SIZE / 1024));
	ClearPageWriteback(folio);
	mod_node_page_state(page_pgdat(m, folio), NR_WRITEBACK, -folio_nr_pages(folio));
	mod_zone_page_state(page_zone(m, folio), NR_ZONE_WRITE_PENDING, -folio_nr_pages(folio));
	mod_node_page_state(page_pgdat(m, folio), NR_WRITTEN, folio_nr_pages(folio));
	if (ret)
		mapping_set_error(mapping, ret);	/* fsync/msync see it once per file */
	if (!mapping->nrdirty)
		inode_io_list_del(m, inode);		/* off the flusher's list */
	return ret;
}

int filemap_write_and_wait_range(struct address_space *mapping, long long start, long long end)
{
	struct machine *m = mapping->machine;
	unsigned long index, last;
	int ret = 0;

	if (!mapping_is_file(mapping) || !mapping->nrdirty || start > end || start < 0)
		return 0;
	index = (unsigned long)start >> PAGE_SHIFT;
	last = (unsigned long)end >> PAGE_SHIFT;
	for (;;) {
		struct page *folio;
		void *entry;
		int err;

		spin_lock(&mapping->i_pages_lock);
		entry = xa_find(&mapping->i_pages, &index, last);
		folio = entry && !xa_is_value(entry) ? entry : NULL;
		if (folio)
			get_page(folio);
		spin_unlock(&mapping->i_pages_lock);
		if (!entry)
			break;
		if (folio) {
			err = PageDirty(folio) ? folio_write_one(m, folio) : 0;
			if (err && !ret)
				ret = err;
			index = folio->index + (unsigned long)folio_nr_pages(folio);
			put_page(m, folio);
		} else {
			index++;
		}
		if (!index || index > last)
			break;
	}
	return ret;
}

int file_check_and_advance_wb_err(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (!inode)
		return 0;
	return errseq_check_and_advance(&inode->wb_err, &file->f_wb_err);
}

/* ---------------------------------------------------------------------- */
/* Reading folios from the disk                                            */
/* ---------------------------------------------------------------------- */

int filemap_read_folio(struct machine *m, struct address_space *mapping, struct page *folio)
{
	long long pos = (long long)folio->index << PAGE_SHIFT;
	size_t len = (size_t)folio_nr_pages(folio) << PAGE_SHIFT;
	int ret = 0;

	if (!m->cfg.metadata_only) {
		char *p = page_address(m, folio);
		long long isize = (long long)mapping->size;
		size_t valid = pos >= isize ? 0 : (size_t)min((long long)len, isize - pos);

		/* the disk holds only what lies inside i_size; the rest of the page is zeros */
		ret = valid ? disk_read(m, mapping->host->host_fd, p, valid, pos) : 0;
		if (!ret)
			memset(p + valid, 0, len - valid);
	} else if (m->disk->fail_reads) {
		ret = disk_read(m, mapping->host->host_fd, NULL, 0, pos);
	}
	count_vm_events(m, PGPGIN, folio_nr_pages(folio) * (long)(PAGE_SIZE / 1024));
	if (ret)
		return ret;
	SetPageUptodate(folio);
	return 0;
}

/* A new folio at index, added to the cache and read in: +ref, or ERR_PTR. */
static struct page *filemap_create_folio(struct address_space *mapping, unsigned long index)
{
	struct machine *m = mapping->machine;
	struct page *folio = filemap_alloc_folio(mapping, GFP_HIGHUSER_MOVABLE);
	int ret;

	if (!folio)
		return ERR_PTR(-ENOMEM);
	ret = filemap_add_folio(mapping, folio, index, GFP_KERNEL);
	if (ret) {
		put_page(m, folio);
		return ret == -EEXIST ? NULL : ERR_PTR(ret);
	}
	ret = filemap_read_folio(m, mapping, folio);
	if (ret) {
		/* a folio that never became uptodate leaves the cache again */
		if (!page_mapped(folio))
			filemap_remove_folio(m, folio);
		put_page(m, folio);
		return ERR_PTR(ret);
	}
	return folio;
}

struct page *read_cache_folio(struct address_space *mapping, unsigned long index, bool *major)
{
	struct page *folio;

	*major = false;
	for (;;) {
		folio = filemap_get_folio(mapping, index);
		if (folio) {
			if (PageUptodate(folio))
				return folio;
			/* a failed read left it: try the disk again */
			int ret = filemap_read_folio(mapping->machine, mapping, folio);

			*major = true;
			if (ret) {
				put_page(mapping->machine, folio);
				return ERR_PTR(ret);
			}
			return folio;
		}
		*major = true;
		folio = filemap_create_folio(mapping, index);
		if (folio)
			return folio;
	}
}

/* ---------------------------------------------------------------------- */
/* Buffered read                                                           */
/* ---------------------------------------------------------------------- */

/*
 * filemap_get_read_batch: present folios from index on, at most up to
 * max, stopping after one that is not uptodate or carries PG_readahead.
 * Each with a reference. Returns the count.
 */
static int filemap_get_read_batch(struct address_space *mapping, unsigned long index,
				  unsigned long max, struct page **batch)
{
	int nr = 0;

	spin_lock(&mapping->i_pages_lock);
	while (index <= max && nr < PAGEVEC_SIZE) {
		struct page *folio = cache_peek(mapping, index);

		if (!folio)
			break;
		get_page(folio);
		batch[nr++] = folio;
		if (!PageUptodate(folio) || PageReadahead(folio))
			break;
		index = folio->index + (unsigned long)folio_nr_pages(folio);
	}
	spin_unlock(&mapping->i_pages_lock);
	return nr;
}

/* filemap_get_pages: a batch for the read at index, reading the disk as needed. */
static int filemap_get_pages(struct file *file, unsigned long index, unsigned long last_index,
			     struct page **batch)
{
	struct address_space *mapping = file->f_mapping;
	struct machine *m = mapping->machine;
	struct page *folio;
	int nr;

	nr = filemap_get_read_batch(mapping, index, last_index - 1, batch);
	if (!nr) {
		page_cache_sync_ra(file, index, last_index - index);
		nr = filemap_get_read_batch(mapping, index, last_index - 1, batch);
	}
	if (!nr) {
		folio = filemap_create_folio(mapping, index);
		if (IS_ERR(folio))
			return (int)PTR_ERR(folio);
		if (!folio)	/* raced in: look again */
			return filemap_get_pages(file, index, last_index, batch);
		batch[0] = folio;
		return 1;
	}
	folio = batch[nr - 1];
	if (PageReadahead(folio))
		page_cache_async_ra(file, folio, folio->index, last_index - folio->index);
	if (!PageUptodate(folio)) {
		int ret = filemap_read_folio(m, mapping, folio);

		if (ret) {
			for (int i = 0; i < nr; i++)
				put_page(m, batch[i]);
			return ret;
		}
	}
	return nr;
}

static void copy_from_folio(struct machine *m, struct page *folio, size_t off, void *buf,
			    size_t n)
{
	if (!m->cfg.metadata_only)
		memcpy(buf, (char *)page_address(m, folio) + off, n);
	else
		memset(buf, 0, n);
}

long filemap_read(struct machine *m, struct file *file, void *buf, size_t count,
		  long long *ppos)
{
	struct address_space *mapping = file->f_mapping;
	struct file_ra_state *ra = &file->f_ra;
	long long pos = *ppos, last_pos = ra->prev_pos, isize;
	struct page *batch[PAGEVEC_SIZE];
	size_t done = 0;
	int error = 0;

	isize = (long long)mapping->size;
	if (pos >= isize || !count)
		return 0;
	if ((long long)count > isize - pos)
		count = (size_t)(isize - pos);
	while (done < count) {
		unsigned long index = (unsigned long)pos >> PAGE_SHIFT;
		unsigned long last_index = (unsigned long)DIV_ROUND_UP(pos + (long long)(count - done),
								      PAGE_SIZE);
		int nr = filemap_get_pages(file, index, last_index, batch);

		if (nr < 0) {
			error = nr;
			break;
		}
		/* a read touching the folio the last one ended in marks it only once */
		if ((pos >> PAGE_SHIFT) != ((last_pos - 1) >> PAGE_SHIFT))
			mark_page_accessed(m, batch[0]);
		for (int i = 0; i < nr; i++) {
			struct page *folio = batch[i];
			size_t off = (size_t)(pos - ((long long)folio->index << PAGE_SHIFT));
			size_t n = min((size_t)(folio_nr_pages(folio) << PAGE_SHIFT) - off,
				       count - done);

			if (done < count && folio->index == (unsigned long)(pos >> PAGE_SHIFT)) {
				copy_from_folio(m, folio, off, (char *)buf + done, n);
				done += n;
				pos += (long long)n;
				last_pos = pos;
			}
			put_page(m, folio);
		}
	}
	ra->prev_pos = last_pos;
	*ppos = pos;
	return done ? (long)done : error;
}

/* ---------------------------------------------------------------------- */
/* Buffered write                                                          */
/* ---------------------------------------------------------------------- */

/*
 * write_begin (ext4_write_begin, order 0): the folio at index, made if
 * absent; read from the disk first if the write covers only part of it
 * and that part of the file exists. +ref or ERR_PTR.
 */
static struct page *write_begin(struct address_space *mapping, unsigned long index,
				size_t off, size_t len)
{
	struct machine *m = mapping->machine;
	struct page *folio = filemap_get_folio(mapping, index);
	long long pos = (long long)index << PAGE_SHIFT;
	int ret;

	if (!folio) {
		folio = filemap_alloc_folio(mapping, GFP_HIGHUSER_MOVABLE);
		if (!folio)
			return ERR_PTR(-ENOMEM);
		ret = filemap_add_folio(mapping, folio, index, GFP_KERNEL);
		if (ret) {
			put_page(m, folio);
			return ret == -EEXIST ? write_begin(mapping, index, off, len)
					      : ERR_PTR(ret);
		}
	}
	if (PageUptodate(folio) || (off == 0 && len == PAGE_SIZE))
		return folio;
	if (pos >= (long long)mapping->size) {
		/* a block beyond the end: nothing to read, zeros around the write */
		if (!m->cfg.metadata_only)
			memset(page_address(m, folio), 0, PAGE_SIZE);
		SetPageUptodate(folio);
		return folio;
	}
	ret = filemap_read_folio(m, mapping, folio);
	if (ret) {
		put_page(m, folio);
		return ERR_PTR(ret);
	}
	return folio;
}

long generic_perform_write(struct machine *m, struct file *file, const void *buf,
			   size_t count, long long pos)
{
	struct address_space *mapping = file->f_mapping;
	size_t done = 0;

	while (done < count) {
		unsigned long index = (unsigned long)pos >> PAGE_SHIFT;
		size_t off = (size_t)pos & ~PAGE_MASK;
		size_t n = min(PAGE_SIZE - off, count - done);
		struct page *folio = write_begin(mapping, index, off, n);

		if (IS_ERR(folio))
			return done ? (long)done : PTR_ERR(folio);
		if (!m->cfg.metadata_only)
			memcpy((char *)page_address(m, folio) + off, (const char *)buf + done, n);
		SetPageUptodate(folio);
		folio_mark_dirty(m, folio);
		done += n;
		pos += (long long)n;
		if (pos > (long long)mapping->size)
			mapping->size = (unsigned long)pos;	/* i_size_write */
		put_page(m, folio);
		balance_dirty_pages_ratelimited(m, mapping);	/* writeback: may sleep */
	}
	return (long)done;
}

/* ---------------------------------------------------------------------- */
/* O_DIRECT                                                                */
/* ---------------------------------------------------------------------- */

long direct_io_read(struct machine *m, struct file *file, void *buf, size_t count,
		    long long pos)
{
	struct address_space *mapping = file->f_mapping;
	long long isize = (long long)mapping->size;
	int ret;

	if (pos >= isize)
		return 0;
	if ((long long)count > isize - pos)
		count = (size_t)(isize - pos);
	/* dirty cached data must reach the disk before the disk is read */
	ret = filemap_write_and_wait_range(mapping, pos, pos + (long long)count - 1);
	if (ret)
		return ret;
	if (!m->cfg.metadata_only)
		ret = disk_read(m, mapping->host->host_fd, buf, count, pos);
	else
		memset(buf, 0, count);
	if (ret)
		return ret;
	count_vm_events(m, PGPGIN, (long)DIV_ROUND_UP(count, 1024));
	return (long)count;
}

long direct_io_write(struct machine *m, struct file *file, const void *buf, size_t count,
		     long long pos)
{
	struct address_space *mapping = file->f_mapping;
	long long end = pos + (long long)count - 1;
	unsigned long first = (unsigned long)pos >> PAGE_SHIFT, last = (unsigned long)end >> PAGE_SHIFT;
	int ret;

	/* kiocb_invalidate_pages: write back, then drop the cached copies */
	ret = filemap_write_and_wait_range(mapping, pos, end);
	if (ret)
		return ret;
	unmap_mapping_range(mapping, (long long)first << PAGE_SHIFT,
			    (long long)(last - first + 1) << PAGE_SHIFT, false);
	invalidate_mapping_pages(mapping, first, last);
	if (!m->cfg.metadata_only)
		ret = disk_write(m, mapping->host->host_fd, buf, count, pos);
	if (ret)
		return ret;
	count_vm_events(m, PGPGOUT, (long)DIV_ROUND_UP(count, 1024));
	if (pos + (long long)count > (long long)mapping->size)
		mapping->size = (unsigned long)(pos + (long long)count);
	/* kiocb_invalidate_post_direct_write: anything read in meanwhile goes */
	invalidate_mapping_pages(mapping, first, last);
	return (long)count;
}

/* ---------------------------------------------------------------------- */
/* validate_page_cache                                                     */
/* ---------------------------------------------------------------------- */

int validate_page_cache(struct machine *m)
{
	unsigned long total_dirty = 0;
	struct inode *inode;
	int problems = 0;

	if (!m->inode_hash)
		return 0;
	list_for_each_entry(inode, &m->inode_list, i_sb_list) {
		struct address_space *mapping = &inode->i_data;
		unsigned long index = 0, pages = 0, dirty = 0;
		void *entry;

		if (mapping->host != inode) {
			printk(m, "validate_page_cache: inode %lu: host %p", mapping->ino,
			       (void *)mapping->host);
			problems++;
		}
		while ((entry = xa_find(&mapping->i_pages, &index, ~0UL))) {
			struct page *folio = entry;

			if (!xa_is_value(entry)) {
				if (folio->mapping != mapping || folio->index != index ||
				    page_ref_count(folio) < 1 + page_mapcount(folio)) {
					printk(m, "validate_page_cache: inode %lu index %lu: mapping %p "
					       "index %lu ref %d mapcount %d", mapping->ino, index,
					       folio->mapping, folio->index, page_ref_count(folio),
					       page_mapcount(folio));
					problems++;
				}
				pages += (unsigned long)folio_nr_pages(folio);
				dirty += PageDirty(folio) ? (unsigned long)folio_nr_pages(folio) : 0;
			}
			if (++index == 0)
				break;
		}
		if (pages != mapping->nrpages || dirty != mapping->nrdirty) {
			printk(m, "validate_page_cache: inode %lu: %lu pages %lu dirty, counted %lu %lu",
			       mapping->ino, pages, dirty, mapping->nrpages, mapping->nrdirty);
			problems++;
		}
		total_dirty += dirty;
	}
	if ((long)total_dirty != global_node_page_state(m, NR_DIRTY)) {
		printk(m, "validate_page_cache: %lu dirty pages, nr_dirty %ld", total_dirty,
		       global_node_page_state(m, NR_DIRTY));
		problems++;
	}
	return problems;
}

/* ---------------------------------------------------------------------- */
/* Faults on mapped files                                                  */
/* ---------------------------------------------------------------------- */

/*
 * do_sync_mmap_readahead: the fault missed the cache. A sequential
 * mapping reads on as read(2) would; otherwise read around the fault
 * (ra_pages centred on it, the last quarter marked), unless the file has
 * missed so often (mmap_miss > MMAP_LOTSAMISS) that read-around is waste.
 */
static void do_sync_mmap_readahead(struct vm_area_struct *vma, struct file *file,
				   unsigned long pgoff)
{
	struct file_ra_state *ra = &file->f_ra;

	if ((vma->vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return;
	if (vma->vm_flags & VM_SEQ_READ) {
		page_cache_sync_ra(file, pgoff, ra->ra_pages);
		return;
	}
	if (ra->mmap_miss < MMAP_LOTSAMISS * 10)
		ra->mmap_miss++;
	if (ra->mmap_miss > MMAP_LOTSAMISS)
		return;
	ra->start = pgoff > ra->ra_pages / 2 ? pgoff - ra->ra_pages / 2 : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	page_cache_ra_window(file);
}

/* do_async_mmap_readahead: a hit; the marker starts the next window. */
static void do_async_mmap_readahead(struct vm_area_struct *vma, struct file *file,
				    struct page *folio)
{
	struct file_ra_state *ra = &file->f_ra;

	if ((vma->vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return;
	if (ra->mmap_miss)
		ra->mmap_miss--;
	if (PageReadahead(folio))
		page_cache_async_ra(file, folio, folio->index, ra->ra_pages);
}

void filemap_map_pages_done(struct file *file, unsigned long nr_mapped)
{
	struct file_ra_state *ra = &file->f_ra;

	ra->mmap_miss = nr_mapped >= ra->mmap_miss ? 0 : ra->mmap_miss - (unsigned int)nr_mapped;
}

/* A first attempt that may drop mmap_lock and ask to be retried. */
static inline bool fault_flag_allow_retry_first(unsigned int flags)
{
	return (flags & FAULT_FLAG_ALLOW_RETRY) && !(flags & FAULT_FLAG_TRIED);
}

unsigned int filemap_fault(struct vm_area_struct *vma, unsigned long pgoff, unsigned int flags,
			   struct page **pagep)
{
	struct file *file = vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	struct machine *m = mapping->machine;
	unsigned int ret = 0;
	bool read_io = false;		/* the disk was read for this fault */
	struct page *folio;

	if (pgoff >= DIV_ROUND_UP(mapping->size, PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	folio = filemap_get_folio(mapping, pgoff);
	if (folio) {
		if (!(flags & FAULT_FLAG_TRIED))
			do_async_mmap_readahead(vma, file, folio);
	} else {
		/* the disk must be read: a major fault */
		count_vm_event(m, PGMAJFAULT);
		ret = VM_FAULT_MAJOR;
		read_io = true;
		do_sync_mmap_readahead(vma, file, pgoff);
		folio = filemap_get_folio(mapping, pgoff);
		while (!folio) {
			folio = filemap_create_folio(mapping, pgoff);
			if (IS_ERR(folio))
				return PTR_ERR(folio) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
		}
	}
	if (!PageUptodate(folio)) {
		if (filemap_read_folio(m, mapping, folio)) {
			put_page(m, folio);
			return VM_FAULT_SIGBUS;		/* the read failed: SIGBUS */
		}
		read_io = true;
	}
	/* the file may have shrunk while we read */
	if (pgoff >= DIV_ROUND_UP(mapping->size, PAGE_SIZE)) {
		put_page(m, folio);
		return VM_FAULT_SIGBUS;
	}
	/*
	 * Linux drops mmap_lock for the I/O (maybe_unlock_mmap_for_io) on a
	 * first attempt that may retry, and then returns VM_FAULT_RETRY: the
	 * fault is redone, and its fault-around now finds the pages the
	 * readahead brought in. So a cold read fault maps the whole
	 * fault-around window at once and counts one major fault (the retry
	 * is FAULT_FLAG_TRIED), as the host does.
	 */
	if (read_io && fault_flag_allow_retry_first(flags) && !(flags & FAULT_FLAG_RETRY_NOWAIT)) {
		put_page(m, folio);
		spin_unlock(&vma->vm_mm->mmap_lock);
		return ret | VM_FAULT_RETRY;
	}
	*pagep = folio;
	return ret;
}
