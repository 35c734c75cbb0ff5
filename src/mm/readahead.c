/*
 * readahead.c - on-demand readahead (Linux's mm/readahead.c): the window
 * of a sequential reader grows as it keeps coming back, and the next
 * window is read while the current one is still being consumed.
 *
 * State per open file (file_ra_state): the window [start, start + size)
 * and async_size, the tail of it whose first page carries PG_readahead.
 * A read that misses the cache (page_cache_sync_ra) starts a window: at
 * the start of the file, for a request larger than the maximum, or right
 * after the previous read (index - prev_index <= 1), of get_init_ra_size
 * pages; elsewhere it looks back for a cached run a sequential stream
 * would have left (page_cache_prev_miss) and either reads just the request
 * (a small random read) or a window as large as that run plus the
 * request. A read that meets the marker (page_cache_async_ra) moves the
 * window on by its size, growing it with get_next_ra_size (x4 while small,
 * x2, then the maximum), and marks the new one.
 *
 * The maximum is ra_pages (read_ahead_kb 128: 32 pages), or up to the
 * disk's io_pages (1 MiB) for a single larger request. Reads stop at
 * EOF and skip pages already cached. Pages come order 0 (see filemap.c).
 * Readahead allocations may fail quietly (__GFP_NORETRY | __GFP_NOWARN):
 * the read then takes the pages one by one.
 *
 * Invariants: readahead never replaces a cached page and never reads past
 * the page holding the file's last byte (do_page_cache_ra clips every
 * window); it drops its own reference to each page it adds, leaving the
 * page to the cache; one read marks at most one page PG_readahead.
 */
#include <errno.h>
#include <limits.h>

#include "fs.h"
#include "pagemap.h"
#include "swap.h"
#include "xarray.h"

#define DISK_IO_PAGES	(1048576UL / PAGE_SIZE)	/* bdi->io_pages: max_sectors_kb 1024 */

static inline unsigned long roundup_pow_of_two_ul(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

void file_ra_state_init(struct file_ra_state *ra)
{
	ra->ra_pages = VM_READAHEAD_PAGES;
	ra->prev_pos = -1;
}

/* The first window for a request of size pages. */
static unsigned long get_init_ra_size(unsigned long size, unsigned long max)
{
	unsigned long newsize = roundup_pow_of_two_ul(size);

	if (newsize <= max / 32)
		newsize *= 4;
	else if (newsize <= max / 4)
		newsize *= 2;
	else
		newsize = max;
	return newsize;
}

/* The window after one of ra->size pages. */
static unsigned long get_next_ra_size(const struct file_ra_state *ra, unsigned long max)
{
	unsigned long cur = ra->size;

	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

static unsigned long ractl_max_pages(const struct file_ra_state *ra, unsigned long req_size)
{
	unsigned long max_pages = ra->ra_pages;

	if (req_size > max_pages && DISK_IO_PAGES > max_pages)
		max_pages = min(req_size, DISK_IO_PAGES);
	return max_pages;
}

static bool page_cached(struct address_space *mapping, unsigned long index)
{
	void *entry;

	spin_lock(&mapping->i_pages_lock);
	entry = xa_load(&mapping->i_pages, index);
	spin_unlock(&mapping->i_pages_lock);
	return entry && !xa_is_value(entry);
}

/* The first index at or below index, within max_scan, not in the cache (ULONG_MAX: none). */
static unsigned long page_cache_prev_miss(struct address_space *mapping, unsigned long index,
					  unsigned long max_scan)
{
	while (max_scan--) {
		if (!page_cached(mapping, index))
			break;
		if (index-- == 0)
			return ULONG_MAX;
	}
	return index;
}

/* The first index at or above index, within max_scan, not in the cache. */
static unsigned long page_cache_next_miss(struct address_space *mapping, unsigned long index,
					  unsigned long max_scan)
{
	while (max_scan--) {
		if (!page_cached(mapping, index))
			break;
		if (++index == 0)
			break;
	}
	return index;
}

void page_cache_ra_unbounded(struct file *file, unsigned long index,
			     unsigned long nr_to_read, unsigned long lookahead_size)
{
	struct address_space *mapping = file->f_mapping;
	struct machine *m = mapping->machine;
	unsigned long mark = lookahead_size <= nr_to_read ? nr_to_read - lookahead_size : ULONG_MAX;
	gfp_t gfp = GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN;

	for (unsigned long i = 0; i < nr_to_read; i++) {
		struct page *folio;
		int ret;

		if (page_cached(mapping, index + i))
			continue;
		folio = filemap_alloc_folio(mapping, gfp);
		if (!folio)
			break;
		ret = filemap_add_folio(mapping, folio, index + i, gfp);
		if (ret) {
			put_page(m, folio);
			if (ret == -ENOMEM)
				break;
			continue;
		}
		if (i == mark)
			SetPageReadahead(folio);
		/* read_pages: the I/O; a failed folio stays !uptodate for the reader to retry */
		filemap_read_folio(m, mapping, folio);
		put_page(m, folio);
	}
}

/* do_page_cache_ra: the window clipped to the page holding the file's last byte. */
static void do_page_cache_ra(struct file *file, unsigned long index, unsigned long nr_to_read,
			     unsigned long lookahead_size)
{
	unsigned long long isize = file->f_mapping->size;
	unsigned long end_index;

	if (!isize)
		return;
	end_index = (unsigned long)((isize - 1) >> PAGE_SHIFT);
	if (index > end_index)
		return;
	if (nr_to_read > end_index - index)
		nr_to_read = end_index - index + 1;
	page_cache_ra_unbounded(file, index, nr_to_read, lookahead_size);
}

/*
 * The window in ra, read from ra->start (page_cache_ra_order at order 0).
 * ext4 mappings support large folios on 6.x, so ra_submit goes through
 * page_cache_ra_order, whose PG_readahead mark sits at start + size -
 * async_size of the window as computed, not of the window clipped at
 * EOF: a window reaching past EOF by more than its async part has no
 * mark at all (and fault-around maps every page it read).
 */
void page_cache_ra_window(struct file *file)
{
	struct file_ra_state *ra = &file->f_ra;
	unsigned long long isize = file->f_mapping->size;
	unsigned long mark = ra->size - ra->async_size, nr = ra->size, end_index;

	if (!isize)
		return;
	end_index = (unsigned long)((isize - 1) >> PAGE_SHIFT);
	if (ra->start > end_index)
		return;
	if (nr > end_index - ra->start)
		nr = end_index - ra->start + 1;
	/* lookahead > nr: page_cache_ra_unbounded sets no mark */
	do_page_cache_ra(file, ra->start, nr, mark < nr ? nr - mark : nr + 1);
}

/* force_page_cache_ra: exactly the range, in 2 MiB chunks, up to the maximum. */
void force_page_cache_readahead(struct file *file, unsigned long index, unsigned long nr)
{
	unsigned long max_pages = max(DISK_IO_PAGES, (unsigned long)file->f_ra.ra_pages);

	nr = min(nr, max_pages);
	while (nr) {
		unsigned long chunk = min(nr, (2UL << 20) / PAGE_SIZE);

		do_page_cache_ra(file, index, chunk, 0);
		index += chunk;
		nr -= chunk;
	}
}

void page_cache_sync_ra(struct file *file, unsigned long index, unsigned long req_count)
{
	struct file_ra_state *ra = &file->f_ra;
	bool forced = file->f_mode & FMODE_RANDOM;
	unsigned long max_pages, prev_index, miss, contig;

	if (!ra->ra_pages) {
		req_count = 1;
		forced = true;
	}
	if (forced) {
		force_page_cache_readahead(file, index, req_count);
		return;
	}
	max_pages = ractl_max_pages(ra, req_count);
	prev_index = (unsigned long)((unsigned long long)ra->prev_pos >> PAGE_SHIFT);
	/* start of file, oversized read, or the page after (or of) the last read */
	if (!index || req_count > max_pages || index - prev_index <= 1UL) {
		ra->start = index;
		ra->size = (unsigned int)get_init_ra_size(req_count, max_pages);
		ra->async_size = ra->size > req_count ? ra->size - (unsigned int)req_count
						      : ra->size >> 1;
		page_cache_ra_window(file);
		return;
	}
	/* what a sequential stream would have left cached just before index */
	miss = page_cache_prev_miss(file->f_mapping, index - 1, max_pages);
	contig = index - miss - 1;
	if (contig <= req_count) {
		/* a small random read: just the request, the state left alone */
		do_page_cache_ra(file, index, req_count, 0);
		return;
	}
	if (miss == ULONG_MAX)
		contig *= 2;	/* cached from the start: a long stream */
	ra->start = index;
	ra->size = (unsigned int)min(contig + req_count, max_pages);
	ra->async_size = 1;
	page_cache_ra_window(file);
}

void page_cache_async_ra(struct file *file, struct page *folio, unsigned long index,
			 unsigned long req_count)
{
	struct file_ra_state *ra = &file->f_ra;
	unsigned long max_pages, expected, start;

	if (!ra->ra_pages)
		return;
	if (PageWriteback(folio))	/* PG_readahead shares its bit with PG_reclaim */
		return;
	ClearPageReadahead(folio);
	max_pages = ractl_max_pages(ra, req_count);
	expected = ra->start + ra->size - ra->async_size;
	if (index == expected) {
		/* the marker of our own window: the next one, larger */
		ra->start += ra->size;
		ra->size = (unsigned int)max((unsigned long)ra->size, get_next_ra_size(ra, max_pages));
		ra->async_size = ra->size;
		page_cache_ra_window(file);
		return;
	}
	/* a marker without our state (interleaved readers): ramp up from what is cached */
	start = page_cache_next_miss(file->f_mapping, index + 1, max_pages);
	if (!start || start - index > max_pages)
		return;
	ra->start = start;
	ra->size = (unsigned int)(start - index + req_count);
	ra->size = (unsigned int)get_next_ra_size(ra, max_pages);
	ra->async_size = ra->size;
	page_cache_ra_window(file);
}
