/*
 * truncate.c - taking pages out of a disk file's page cache (Linux's
 * mm/truncate.c): truncation (the data is gone: dirty or not, mapped or
 * not, every page in the range leaves) and invalidation (a hint: only
 * clean, unmapped, unreferenced pages leave - POSIX_FADV_DONTNEED,
 * drop_caches, the inode shrinker).
 *
 * Truncating a mapped file first unmaps the range from every VMA
 * (unmap_mapping_range, in memory.c, even the private COW copies: past
 * the end of the file a mapping has nothing), so that a later access there
 * gets SIGBUS; then the pages go; then the range is unmapped again, for
 * pages a fault mapped meanwhile (truncate_pagecache's two passes). The
 * page holding the new end keeps its head and has its tail zeroed
 * (ext4's block_truncate_page), so a later extension reads zeros.
 *
 * Invariants: after truncate_inode_pages_range no page of the range is in
 * the cache; invalidate never drops a dirty, writeback, mapped or
 * otherwise referenced page.
 */
#include <string.h>

#include "fs.h"
#include "pagemap.h"
#include "swap.h"
#include "xarray.h"

/* The next folio at or after *index, up to last, +ref; NULL when none. */
static struct page *next_folio(struct address_space *mapping, unsigned long *index,
			       unsigned long last)
{
	struct page *folio = NULL;

	spin_lock(&mapping->i_pages_lock);
	while (*index <= last) {
		void *entry = xa_find(&mapping->i_pages, index, last);

		if (!entry)
			break;
		if (!xa_is_value(entry)) {
			folio = entry;
			get_page(folio);
			break;
		}
		if (++*index == 0)
			break;
	}
	spin_unlock(&mapping->i_pages_lock);
	return folio;
}

/* truncate_inode_folio: it goes, whatever its state (the caller has unmapped the range). */
static void truncate_inode_folio(struct machine *m, struct address_space *mapping,
				 struct page *folio)
{
	if (folio->mapping != mapping)
		return;
	if (page_mapped(folio))	/* mapped again after the unmap pass */
		unmap_mapping_range(mapping, (long long)folio->index << PAGE_SHIFT, PAGE_SIZE,
				    false);
	folio_cancel_dirty(m, folio);	/* the data will never be written */
	ClearPageReadahead(folio);
	filemap_remove_folio(m, folio);
}

void truncate_inode_pages_range(struct address_space *mapping, long long lstart,
				long long lend)
{
	struct machine *m = mapping->machine;
	unsigned long index, last;
	size_t partial = (size_t)lstart & ~PAGE_MASK;

	if (!mapping->nrpages || (lend != -1 && lend < lstart))
		return;
	/* the page holding lstart keeps its head: only its tail is zeroed */
	index = (unsigned long)(((unsigned long long)lstart + PAGE_SIZE - 1) >> PAGE_SHIFT);
	last = lend == -1 || lend >= MAX_LFS_FILESIZE ? ~0UL
						     : (unsigned long)((unsigned long long)lend >> PAGE_SHIFT);
	if (partial) {
		struct page *folio = filemap_get_folio(mapping, (unsigned long)lstart >> PAGE_SHIFT);

		if (folio) {
			if (PageUptodate(folio) && !m->cfg.metadata_only)
				memset((char *)page_address(m, folio) + partial, 0, PAGE_SIZE - partial);
			put_page(m, folio);
		}
	}
	while (index <= last) {
		struct page *folio = next_folio(mapping, &index, last);

		if (!folio)
			break;
		index = folio->index + 1;
		truncate_inode_folio(m, mapping, folio);
		put_page(m, folio);
		if (!index)
			break;
	}
}

void truncate_inode_pages(struct address_space *mapping, long long lstart)
{
	truncate_inode_pages_range(mapping, lstart, -1);
}

/* truncate_setsize + truncate_pagecache */
void truncate_setsize(struct inode *inode, long long newsize)
{
	struct address_space *mapping = &inode->i_data;
	long long oldsize = (long long)mapping->size;
	long long holebegin = (long long)PAGE_ALIGN((unsigned long)newsize);

	mapping->size = (unsigned long)newsize;
	if (newsize >= oldsize) {
		/* pagecache_isize_extended: the old last page's tail is zeros already */
		return;
	}
	unmap_mapping_range(mapping, holebegin, 0, true);
	truncate_inode_pages(mapping, newsize);
	unmap_mapping_range(mapping, holebegin, 0, true);
}

/* mapping_evict_folio: only a folio nobody else holds or maps. */
static bool mapping_evict_folio(struct machine *m, struct address_space *mapping,
				struct page *folio)
{
	bool ok = false;

	spin_lock(&mapping->i_pages_lock);
	/* our lookup's reference + the cache's, and nothing else */
	if (folio->mapping == mapping && !PageDirty(folio) && !PageWriteback(folio) &&
	    !PageLocked(folio) && !page_mapped(folio) && page_ref_count(folio) == 2) {
		__filemap_remove_folio(m, folio, NULL);
		ok = true;
	}
	spin_unlock(&mapping->i_pages_lock);
	if (ok)
		put_page(m, folio);	/* the cache's */
	return ok;
}

unsigned long invalidate_mapping_pages(struct address_space *mapping, unsigned long start,
				       unsigned long end)
{
	struct machine *m = mapping->machine;
	unsigned long index = start, count = 0;

	while (mapping->nrpages && index <= end) {
		struct page *folio = next_folio(mapping, &index, end);

		if (!folio)
			break;
		index = folio->index + 1;
		if (mapping_evict_folio(m, mapping, folio))
			count++;
		put_page(m, folio);
		if (!index)
			break;
	}
	return count;
}
