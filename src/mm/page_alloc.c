/*
 * page_alloc.c - the buddy page allocator (Linux 6.x mm/page_alloc.c).
 *
 * Frames are handed out in blocks of 2^order (order 0..MAX_PAGE_ORDER).
 * Each zone keeps free_area[order].free_list[migratetype]; each pageblock
 * (2^pageblock_order frames) has a migratetype, one byte in
 * pgdat->pageblock_flags, and a free block sits on the list of its
 * pageblock's type. Allocation takes the smallest block that fits and splits
 * it (expand); freeing merges a block with its buddy (pfn ^ 2^order) while the
 * buddy is free and of the same order (__free_one_page). When a type's lists
 * are empty the allocator falls back to other types (fallbacks[]), claiming
 * whole pageblocks when enough of them is free or compatible. Orders
 * 0..PAGE_ALLOC_COSTLY_ORDER and pageblock_order go through per-CPU lists
 * (struct per_cpu_pages) refilled and drained in batches.
 *
 * Invariants (validate_zone checks them):
 *  - a free block of order o: head PageBuddy, private == o, aligned to 2^o,
 *    inside its zone, on free_list[mt] with mt == its pageblock's type;
 *    its buddy of the same order is not also free (they would have merged)
 *    unless the two pageblock types must not merge;
 *  - nr_free counts list entries plus deferred MAX_PAGE_ORDER blocks;
 *  - NR_FREE_PAGES == sum of nr_free << order (pcp pages count as
 *    allocated), NR_FREE_PAGES_BLOCKS the same over orders >= pageblock_order;
 *  - pcp->count == pages on the pcp lists.
 *
 * Deferred blocks (see mmzone.h): whole MAX_PAGE_ORDER blocks found free at
 * boot stay as ranges whose struct pages are zero; they sit, logically, at
 * the tail of free_area[MAX_PAGE_ORDER].free_list[MIGRATE_MOVABLE], and
 * get_page_from_free_area() turns the first one into a real free block
 * (deferred_materialise) only when that list is otherwise empty.
 *
 * Lock order: pcp->lock, then zone->lock. Everything runs on the machine's
 * current simulated CPU (m->cpu).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "oom.h"
#include "vmscan.h"

#define PCP_BATCH_SCALE_MAX	5	/* CONFIG_PCP_BATCH_SCALE_MAX */
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8
#define MAX_RECLAIM_RETRIES	16
/* Our bound on slow-path loops: Linux may loop forever waiting for the
 * OOM killer or for reclaim; a simulation must not hang. */
#define MAX_SLOWPATH_LOOPS	(4 * MAX_RECLAIM_RETRIES)
#define SWAP_CLUSTER_MAX	32UL

/*
 * The order-0 pcp pair is a few dozen instructions; keeping the rare paths
 * (refill, spill, buddy, slow path) out of line keeps the hot functions
 * from saving and restoring registers those paths need.
 */
#ifndef noinline
#define noinline __attribute__((noinline))
#endif

/* fpi_t: how a free is done. */
#define FPI_NONE	0
#define FPI_TO_TAIL	1

/* Flags a page must not carry when it is freed (PAGE_FLAGS_CHECK_AT_FREE). */
#define PAGE_FLAGS_CHECK_AT_FREE					\
	(BIT(PG_lru) | BIT(PG_locked) | BIT(PG_private) | BIT(PG_private_2) | \
	 BIT(PG_writeback) | BIT(PG_reserved) | BIT(PG_active) |	\
	 BIT(PG_unevictable) | BIT(PG_mlocked))
#define PAGE_FLAGS_MASK	(BIT(NODES_PGSHIFT) - 1)

/* Where each type falls back to, in order (Linux 6.x fallbacks[]). */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

/* ------------------------------------------------------------------ */
/* Free lists                                                          */
/* ------------------------------------------------------------------ */

static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page->private;
}

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	page->private = order;
	__SetPageBuddy(page);
}

static inline unsigned long zpfn(const struct zone *z, const struct page *p)
{
	return page_to_pfn(zone_machine(z), p);
}

static inline struct page *zpage(const struct zone *z, unsigned long pfn)
{
	return pfn_to_page(zone_machine(z), pfn);
}

/* NR_FREE_PAGES moves with the free lists; isolated pages do not count. */
static inline void account_freepages(struct zone *zone, long nr, int mt)
{
	if (mt == MIGRATE_ISOLATE)
		return;
	mod_zone_page_state(zone, NR_FREE_PAGES, nr);
}

static inline void account_blocks(struct zone *zone, unsigned int order, int mt, long sign)
{
	if (order >= pageblock_order && mt != MIGRATE_ISOLATE)
		mod_zone_page_state(zone, NR_FREE_PAGES_BLOCKS, sign * (1L << order));
}

static void __add_to_free_list(struct page *page, struct zone *zone, unsigned int order,
			       int mt, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	VM_BUG_ON_PAGE(get_pfnblock_migratetype(zone, zpfn(zone, page)) != mt &&
		       order < pageblock_order, zone_machine(zone), page);
	if (tail)
		list_add_tail(&page->buddy_list, &area->free_list[mt]);
	else
		list_add(&page->buddy_list, &area->free_list[mt]);
	area->nr_free++;
	account_blocks(zone, order, mt, 1);
}

static void __del_page_from_free_list(struct page *page, struct zone *zone,
				      unsigned int order, int mt)
{
	list_del(&page->buddy_list);
	__ClearPageBuddy(page);
	page->private = 0;
	zone->free_area[order].nr_free--;
	account_blocks(zone, order, mt, -1);
}

static void del_page_from_free_list(struct page *page, struct zone *zone,
				    unsigned int order, int mt)
{
	__del_page_from_free_list(page, zone, order, mt);
	account_freepages(zone, -(1L << order), mt);
}

/* Move a free block to another type's list (counts move with it). */
static void move_to_free_list(struct page *page, struct zone *zone, unsigned int order,
			      int old_mt, int new_mt)
{
	list_move_tail(&page->buddy_list, &zone->free_area[order].free_list[new_mt]);
	account_freepages(zone, -(1L << order), old_mt);
	account_freepages(zone, 1L << order, new_mt);
	account_blocks(zone, order, old_mt, -1);
	account_blocks(zone, order, new_mt, 1);
}

unsigned long zone_deferred_blocks(const struct zone *z)
{
	unsigned long n = 0;

	for (int i = 0; i < z->nr_deferred; i++)
		n += (z->deferred[i].end - z->deferred[i].start) >> MAX_PAGE_ORDER;
	return n;
}

bool pfn_in_deferred_range(const struct zone *z, unsigned long pfn)
{
	for (int i = 0; i < z->nr_deferred; i++)
		if (pfn >= z->deferred[i].start && pfn < z->deferred[i].end)
			return true;
	return false;
}

/*
 * Bring the first deferred block into use: write its 1024 descriptors and
 * put it on the (empty) MOVABLE list of MAX_PAGE_ORDER as an ordinary free
 * block. nr_free and the counters already include it.
 */
static struct page *deferred_materialise(struct zone *zone)
{
	struct deferred_range *r = &zone->deferred[0];
	unsigned long pfn = r->start;
	struct page *page = zpage(zone, pfn);
	int nid = zone_to_nid(zone);

	for (unsigned long i = 0; i < MAX_ORDER_NR_PAGES; i++) {
		struct page *p = page + i;

		memset(p, 0, sizeof(*p));
		set_page_links(p, zone->idx, nid);
		p->_mapcount = -1;
	}
	r->start += MAX_ORDER_NR_PAGES;
	if (r->start == r->end) {
		memmove(&zone->deferred[0], &zone->deferred[1],
			(size_t)(zone->nr_deferred - 1) * sizeof(zone->deferred[0]));
		zone->nr_deferred--;
	}
	set_buddy_order(page, MAX_PAGE_ORDER);
	list_add(&page->buddy_list,
		 &zone->free_area[MAX_PAGE_ORDER].free_list[MIGRATE_MOVABLE]);
	return page;
}

static inline bool has_deferred(const struct zone *z, unsigned int order, int mt)
{
	return order == MAX_PAGE_ORDER && mt == MIGRATE_MOVABLE && z->nr_deferred;
}

static inline struct page *get_page_from_free_area(struct zone *zone, unsigned int order,
						   int mt)
{
	struct list_head *list = &zone->free_area[order].free_list[mt];

	if (likely(!list_empty(list)))
		return list_first_entry(list, struct page, buddy_list);
	if (has_deferred(zone, order, mt))
		return deferred_materialise(zone);
	return NULL;
}

static inline bool free_area_empty(const struct zone *zone, unsigned int order, int mt)
{
	return list_empty(&zone->free_area[order].free_list[mt]) &&
	       !has_deferred(zone, order, mt);
}

unsigned long zone_free_blocks(const struct zone *z, unsigned int order, int mt)
{
	const struct list_head *pos;
	unsigned long n = has_deferred(z, order, mt) ? zone_deferred_blocks(z) : 0;

	list_for_each(pos, &z->free_area[order].free_list[mt])
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Splitting: expand, __rmqueue_smallest                               */
/* ------------------------------------------------------------------ */

/* Split a 2^high block down to 2^low, freeing the upper halves. */
static unsigned int expand(struct zone *zone, struct page *page, unsigned int low,
			   unsigned int high, int mt)
{
	unsigned int size = 1u << high, nr_added = 0;

	while (high > low) {
		high--;
		size >>= 1;
		__add_to_free_list(&page[size], zone, high, mt, false);
		set_buddy_order(&page[size], high);
		nr_added += size;
	}
	return nr_added;
}

static void page_del_and_expand(struct zone *zone, struct page *page, unsigned int low,
				unsigned int high, int mt)
{
	long nr = 1L << high;

	__del_page_from_free_list(page, zone, high, mt);
	nr -= expand(zone, page, low, high, mt);
	account_freepages(zone, -nr, mt);
}

static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int mt)
{
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		struct page *page = get_page_from_free_area(zone, o, mt);

		if (!page)
			continue;
		page_del_and_expand(zone, page, order, o, mt);
		return page;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Fallback: claiming and stealing other types' blocks                 */
/* ------------------------------------------------------------------ */

static void change_pageblock_range(struct zone *zone, unsigned long pfn,
				   unsigned int order, int mt)
{
	unsigned long nr = max(1UL << order, pageblock_nr_pages);

	for (unsigned long i = 0; i < nr; i += pageblock_nr_pages)
		set_pfnblock_migratetype(zone, pfn + i, mt);
}

static bool should_try_claim_block(unsigned int order, int start_mt)
{
	if (order >= pageblock_order / 2)
		return true;
	/* unmovable/reclaimable would pollute a block anyway: take it all */
	return start_mt == MIGRATE_RECLAIMABLE || start_mt == MIGRATE_UNMOVABLE;
}

/* -2: orders too low to claim; -1: nothing; else the type to take from. */
static int find_suitable_fallback(struct zone *zone, unsigned int order, int mt,
				  bool claimable)
{
	if (claimable && !should_try_claim_block(order, mt))
		return -2;
	if (!zone->free_area[order].nr_free)
		return -1;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fb = fallbacks[mt][i];

		if (!free_area_empty(zone, order, fb))
			return fb;
	}
	return -1;
}

/* Raise the watermarks after a fragmenting fallback; kswapd resets it. */
static bool boost_watermark(struct zone *zone)
{
	struct machine *m = zone_machine(zone);
	unsigned long max_boost;

	if (!m->sysctl.watermark_boost_factor)
		return false;
	if (pageblock_nr_pages * 4 > zone_managed_pages(zone))
		return false;
	max_boost = zone->_watermark[WMARK_HIGH] / 10000 * m->sysctl.watermark_boost_factor +
		    zone->_watermark[WMARK_HIGH] % 10000 * m->sysctl.watermark_boost_factor / 10000;
	if (!max_boost)
		return false;
	max_boost = max(pageblock_nr_pages, max_boost);
	zone->watermark_boost = min(zone->watermark_boost + pageblock_nr_pages, max_boost);
	return true;
}

/* Bounds of pfn's pageblock, and its free and movable page counts. */
static bool prep_move_freepages_block(struct zone *zone, unsigned long pfn,
				      unsigned long *start_pfn, int *free_pages,
				      int *movable_pages)
{
	unsigned long start = ALIGN_DOWN(pfn, pageblock_nr_pages);
	unsigned long end = start + pageblock_nr_pages;

	*start_pfn = start;
	if (!zone_spans_pfn(zone, start) || !zone_spans_pfn(zone, end - 1))
		return false;
	if (free_pages)
		*free_pages = 0;
	if (movable_pages)
		*movable_pages = 0;
	for (pfn = start; pfn < end;) {
		struct page *p = zpage(zone, pfn);

		if (PageBuddy(p)) {
			unsigned int o = buddy_order(p);

			if (free_pages)
				*free_pages += 1 << o;
			pfn += 1UL << o;
			continue;
		}
		if (movable_pages && PageLRU(p))
			(*movable_pages)++;
		pfn++;
	}
	return true;
}

static int __move_freepages_block(struct zone *zone, unsigned long start_pfn,
				  int old_mt, int new_mt)
{
	int moved = 0;

	for (unsigned long pfn = start_pfn; pfn < start_pfn + pageblock_nr_pages;) {
		struct page *p = zpage(zone, pfn);

		if (!PageBuddy(p)) {
			pfn++;
			continue;
		}
		unsigned int o = buddy_order(p);

		move_to_free_list(p, zone, o, old_mt, new_mt);
		pfn += 1UL << o;
		moved += 1 << o;
	}
	return moved;
}

static int move_freepages_block(struct zone *zone, struct page *page, int old_mt, int new_mt)
{
	unsigned long start;
	int moved;

	if (!prep_move_freepages_block(zone, zpfn(zone, page), &start, NULL, NULL))
		return -1;
	moved = __move_freepages_block(zone, start, old_mt, new_mt);
	set_pfnblock_migratetype(zone, start, new_mt);
	return moved;
}

static struct page *try_to_claim_block(struct zone *zone, struct page *page,
				       unsigned int current_order, unsigned int order,
				       int start_type, int block_type,
				       unsigned int alloc_flags)
{
	int free_pages, movable_pages, alike_pages;
	unsigned long start_pfn;

	if (current_order >= pageblock_order) {
		unsigned int nr_added;

		del_page_from_free_list(page, zone, current_order, block_type);
		change_pageblock_range(zone, zpfn(zone, page), current_order, start_type);
		nr_added = expand(zone, page, order, current_order, start_type);
		account_freepages(zone, nr_added, start_type);
		return page;
	}
	if (boost_watermark(zone) && (alloc_flags & ALLOC_KSWAPD))
		zone_set_flag(zone, ZONE_BOOSTED_WATERMARK);
	if (!prep_move_freepages_block(zone, zpfn(zone, page), &start_pfn, &free_pages,
				       &movable_pages))
		return NULL;
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (block_type == MIGRATE_MOVABLE)
		alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	/* Half the block free or compatible: the whole block changes type. */
	if (free_pages + alike_pages >= (1 << (pageblock_order - 1))) {
		__move_freepages_block(zone, start_pfn, block_type, start_type);
		set_pfnblock_migratetype(zone, start_pfn, start_type);
		return __rmqueue_smallest(zone, order, start_type);
	}
	return NULL;
}

/* Largest block of another type first: it approximates the emptiest block. */
static struct page *__rmqueue_claim(struct zone *zone, unsigned int order, int start_mt,
				    unsigned int alloc_flags)
{
	int min_order = (int)order;

	if (order < pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = pageblock_order;
	for (int o = MAX_PAGE_ORDER; o >= min_order; o--) {
		int fb = find_suitable_fallback(zone, (unsigned int)o, start_mt, true);
		struct page *page;

		if (fb == -1)
			continue;
		if (fb == -2)
			break;
		page = get_page_from_free_area(zone, (unsigned int)o, fb);
		page = try_to_claim_block(zone, page, (unsigned int)o, order, start_mt, fb,
					  alloc_flags);
		if (page)
			return page;
	}
	return NULL;
}

/* Smallest block of another type, without changing its pageblock. */
static struct page *__rmqueue_steal(struct zone *zone, unsigned int order, int start_mt)
{
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		int fb = find_suitable_fallback(zone, o, start_mt, false);
		struct page *page;

		if (fb == -1)
			continue;
		page = get_page_from_free_area(zone, o, fb);
		page_del_and_expand(zone, page, order, o, fb);
		return page;
	}
	return NULL;
}

enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CLAIM, RMQUEUE_STEAL };

static struct page *__rmqueue(struct zone *zone, unsigned int order, int mt,
			      unsigned int alloc_flags, enum rmqueue_mode *mode)
{
	struct page *page;

	switch (*mode) {
	case RMQUEUE_NORMAL:
		page = __rmqueue_smallest(zone, order, mt);
		if (page)
			return page;
		/* fall through */
	case RMQUEUE_CLAIM:
		page = __rmqueue_claim(zone, order, mt, alloc_flags);
		if (page) {
			*mode = RMQUEUE_NORMAL;
			return page;
		}
		/* fall through */
	case RMQUEUE_STEAL:
		if (!(alloc_flags & ALLOC_NOFRAGMENT)) {
			page = __rmqueue_steal(zone, order, mt);
			if (page) {
				*mode = RMQUEUE_STEAL;
				return page;
			}
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Merging: __free_one_page                                            */
/* ------------------------------------------------------------------ */

/* The buddy of pfn at order if it is free at that order, else NULL. */
static inline struct page *find_buddy_page_pfn(struct zone *zone, struct page *page,
					       unsigned long pfn, unsigned int order,
					       unsigned long *buddy_pfn)
{
	unsigned long bpfn = pfn ^ (1UL << order);
	struct page *buddy = page + ((long)bpfn - (long)pfn);

	if (buddy_pfn)
		*buddy_pfn = bpfn;
	if (!zone_spans_pfn(zone, bpfn))
		return NULL;
	/* same MAX_ORDER block as page, so its descriptor is initialised */
	if (!PageBuddy(buddy) || buddy_order(buddy) != order)
		return NULL;
	if (page_zonenum(buddy) != page_zonenum(page) || page_to_nid(buddy) != page_to_nid(page))
		return NULL;
	return buddy;
}

/*
 * If the next-higher buddy is free, this block is likely to merge soon:
 * put it at the tail so it is not handed out first.
 */
static bool buddy_merge_likely(struct zone *zone, unsigned long pfn, unsigned long buddy_pfn,
			       struct page *page, unsigned int order)
{
	unsigned long higher_pfn;
	struct page *higher;

	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	higher_pfn = buddy_pfn & pfn;
	higher = page + ((long)higher_pfn - (long)pfn);
	return find_buddy_page_pfn(zone, higher, higher_pfn, order + 1, NULL) != NULL;
}

static void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order, int mt, int fpi)
{
	unsigned long buddy_pfn = 0;
	bool to_tail;

	lockdep_assert_held(&zone->lock);
	account_freepages(zone, 1L << order, mt);
	while (order < MAX_PAGE_ORDER) {
		int buddy_mt = mt;
		struct page *buddy = find_buddy_page_pfn(zone, page, pfn, order, &buddy_pfn);

		if (!buddy)
			break;
		if (unlikely(order >= pageblock_order)) {
			/* highatomic and isolated blocks keep to themselves */
			buddy_mt = get_pfnblock_migratetype(zone, buddy_pfn);
			if (mt != buddy_mt && (!migratetype_is_mergeable(mt) ||
					       !migratetype_is_mergeable(buddy_mt)))
				break;
		}
		__del_page_from_free_list(buddy, zone, order, buddy_mt);
		if (unlikely(buddy_mt != mt))
			set_pfnblock_migratetype(zone, buddy_pfn, mt);
		unsigned long combined = buddy_pfn & pfn;

		page += (long)combined - (long)pfn;
		pfn = combined;
		order++;
	}
	set_buddy_order(page, order);
	if (fpi & FPI_TO_TAIL)
		to_tail = true;
	else
		to_tail = buddy_merge_likely(zone, pfn, buddy_pfn, page, order);
	__add_to_free_list(page, zone, order, mt, to_tail);
}

/* Free above pageblock_order a pageblock at a time: types may differ. */
static void split_large_buddy(struct zone *zone, struct page *page, unsigned long pfn,
			      unsigned int order, int fpi)
{
	unsigned long end = pfn + (1UL << order);

	if (order > pageblock_order)
		order = pageblock_order;
	do {
		__free_one_page(page, pfn, zone, order,
				get_pfnblock_migratetype(zone, pfn), fpi);
		pfn += 1UL << order;
		page += 1UL << order;
	} while (pfn < end);
}

static noinline void free_one_page(struct zone *zone, struct page *page, unsigned long pfn,
			  unsigned int order, int fpi)
{
	spin_lock(&zone->lock);
	split_large_buddy(zone, page, pfn, order, fpi);
	spin_unlock(&zone->lock);
	count_vm_events(zone_machine(zone), PGFREE, 1L << order);
}

/* ------------------------------------------------------------------ */
/* Page state on the way in and out                                    */
/* ------------------------------------------------------------------ */

static __cold void bad_page(struct machine *m, struct page *page, const char *reason)
{
	printk(m, "BUG: Bad page state in process mmsim  pfn:%05lx", page_to_pfn(m, page));
	printk(m, "page: refcount:%d mapcount:%d mapping:%p index:%#lx pfn:%#lx",
	       page->_refcount, page->_mapcount, page->mapping, page->index,
	       page_to_pfn(m, page));
	printk(m, "page dumped because: %s", reason);
	WARN_ON(IS_ENABLED_DEBUG_VM);
}

static inline const char *page_bad_reason(const struct page *page)
{
	if (unlikely(page->_mapcount != -1))
		return "nonzero mapcount";
	if (unlikely(page->mapping))
		return "non-NULL mapping";
	if (unlikely(page->_refcount))
		return "nonzero _refcount";
	if (unlikely(page->flags & PAGE_FLAGS_CHECK_AT_FREE))
		return "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	if (unlikely(page->memcg_data))
		return "page still charged to cgroup";
	return NULL;
}

static bool free_tail_page_prepare(struct machine *m, struct page *head, struct page *tail)
{
	if (unlikely(tail->compound_head != ((unsigned long)head | 1))) {
		bad_page(m, tail, "compound_head not consistent");
		return false;
	}
	tail->lru.next = NULL;
	tail->lru.prev = NULL;
	tail->mapping = NULL;
	return true;
}

/* Checks and cleans a block on its way back; false: leave it leaked. */
static inline bool free_pages_prepare(struct machine *m, struct page *page, unsigned int order)
{
	const char *reason;

	if (unlikely(PageHead(page)) && order) {
		bool ok = true;

		for (unsigned long i = 1; i < (1UL << order); i++)
			ok &= free_tail_page_prepare(m, page, page + i);
		ClearPageHead(page);
		if (!ok)
			return false;
	}
	reason = page_bad_reason(page);
	if (unlikely(reason)) {
		bad_page(m, page, reason);
		return false;
	}
	page->flags &= ~PAGE_FLAGS_MASK;
	page->private = 0;
	return true;
}

static void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long head = (unsigned long)page | 1;

	SetPageHead(page);
	for (unsigned long i = 1; i < (1UL << order); i++)
		page[i].compound_head = head;
	page[1].compound_order = (unsigned char)order;
}

static inline bool check_new_page_bad(const struct page *page)
{
	return page->_mapcount != -1 || page->_refcount || page->mapping ||
	       (page->flags & PAGE_FLAGS_MASK);
}

static inline void prep_new_page(struct machine *m, struct page *page, unsigned int order,
				 gfp_t gfp)
{
	VM_BUG_ON_PAGE(check_new_page_bad(page), m, page);
	page->private = 0;
	init_page_count(page);
	if (gfp & __GFP_ZERO)
		memset(page_address(m, page), 0, PAGE_SIZE << order);
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
}

/* ------------------------------------------------------------------ */
/* Per-CPU page lists                                                  */
/* ------------------------------------------------------------------ */

static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == pageblock_order;
}

static inline unsigned int order_to_pindex(int mt, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS;	/* the THP list */
	return MIGRATE_PCPTYPES * order + (unsigned int)mt;
}

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return pageblock_order;
	return pindex / MIGRATE_PCPTYPES;
}

/* Return count pages from pcp to the buddy lists, round robin by list. */
static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp,
			       int pindex)
{
	count = min(pcp->count, count);
	pindex--;	/* the requested list is drained first */
	spin_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		do {
			if (++pindex > NR_PCP_LISTS - 1)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));
		order = pindex_to_order((unsigned int)pindex);
		do {
			struct page *page = list_last_entry(list, struct page, pcp_list);
			unsigned long pfn = zpfn(zone, page);

			list_del(&page->pcp_list);
			count -= 1 << order;
			pcp->count -= 1 << order;
			__free_one_page(page, pfn, zone, order,
					get_pfnblock_migratetype(zone, pfn), FPI_NONE);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&zone->lock);
}

/* pcp->high auto-tuning between high_min and high_max (6.7+). */
static __always_inline int nr_pcp_high(struct per_cpu_pages *pcp, struct zone *zone, int batch,
		       bool free_high)
{
	int high, high_min = pcp->high_min, high_max = pcp->high_max;

	high = pcp->high = clamp(pcp->high, high_min, high_max);
	if (unlikely(!high))
		return 0;
	if (unlikely(free_high)) {
		pcp->high = max(high - (batch << PCP_BATCH_SCALE_MAX), high_min);
		return 0;
	}
	if (zone_test_flag(zone, ZONE_RECLAIM_ACTIVE)) {
		int free_count = max(pcp->free_count, batch);

		pcp->high = max(high - free_count, high_min);
		return min(batch << 2, pcp->high);
	}
	if (high_min == high_max)
		return high;
	if (zone_test_flag(zone, ZONE_BELOW_HIGH)) {
		int free_count = max(pcp->free_count, batch);

		pcp->high = max(high - free_count, high_min);
		high = max(pcp->count, high_min);
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		if (pcp->high < need_high)
			pcp->high = clamp(need_high, high_min, high_max);
	}
	return high;
}

static int nr_pcp_free(struct per_cpu_pages *pcp, int batch, int high, bool free_high)
{
	if (unlikely(free_high))
		return min(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	if (unlikely(high < batch))	/* pcp disabled or boot pageset */
		return 1;
	/* keep batch pages; free more the longer frees run uninterrupted */
	return clamp(pcp->free_count, batch, high - batch);
}

/* pcp->count reached high: give pages back to the buddy lists. */
static noinline void free_frozen_page_spill(struct zone *zone, struct per_cpu_pages *pcp,
					    int batch, int high, bool free_high,
					    unsigned int pindex)
{
	free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high, free_high), pcp, (int)pindex);
	if (zone_test_flag(zone, ZONE_BELOW_HIGH) &&
	    zone_watermark_ok(zone, 0, high_wmark_pages(zone), ZONE_MOVABLE, 0))
		zone_clear_flag(zone, ZONE_BELOW_HIGH);
}

static __always_inline void free_frozen_page_commit(struct machine *m, struct zone *zone,
						    struct per_cpu_pages *pcp,
				    struct page *page, int mt, unsigned int order)
{
	int high, batch = pcp->batch;
	unsigned int pindex = order_to_pindex(mt, order);
	bool free_high = false;

	pcp->alloc_factor >>= 1;
	count_vm_events(m, PGFREE, 1L << order);	/* m == zone_machine(zone) */
	list_add(&page->pcp_list, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		/* high-order frees without allocations fragment: flush them */
		free_high = pcp->free_count >= batch &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else if (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = nr_pcp_high(pcp, zone, batch, free_high);
	if (unlikely(pcp->count >= high))
		free_frozen_page_spill(zone, pcp, batch, high, free_high, pindex);
}

static __always_inline void free_frozen_pages(struct machine *m, struct page *page,
					      unsigned int order)
{
	/* page_zone() by hand: the node is reused for the pageblock lookup */
	pg_data_t *pgdat = page_pgdat(m, page);
	struct zone *zone = &pgdat->node_zones[page_zonenum(page)];
	unsigned long pfn = page_to_pfn(m, page);
	struct per_cpu_pages *pcp;
	int mt;

	if (unlikely(!free_pages_prepare(m, page, order)))
		return;
	if (!pcp_allowed_order(order)) {
		free_one_page(zone, page, pfn, order, FPI_NONE);
		return;
	}
	mt = pgdat_pfnblock_migratetype(pgdat, pfn);
	if (unlikely(mt >= MIGRATE_PCPTYPES)) {
		if (unlikely(mt == MIGRATE_ISOLATE)) {
			free_one_page(zone, page, pfn, order, FPI_NONE);
			return;
		}
		mt = MIGRATE_MOVABLE;	/* highatomic pages ride the movable list */
	}
	pcp = per_cpu_pageset(m, zone, m->cpu);
	spin_lock(&pcp->lock);
	free_frozen_page_commit(m, zone, pcp, page, mt, order);
	spin_unlock(&pcp->lock);
}

/* How many pages to pull into the pcp list on a miss (6.7+ alloc_factor). */
static int nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *zone, unsigned int order)
{
	int base_batch = pcp->batch, high_min = pcp->high_min, high_max = pcp->high_max;
	int high, batch, max_nr_alloc;

	high = pcp->high = clamp(pcp->high, high_min, high_max);
	if (unlikely(high < base_batch))
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (high_min != high_max && !zone_test_flag(zone, ZONE_BELOW_HIGH))
		high = pcp->high = min(high + batch, high_max);
	if (!order) {
		max_nr_alloc = max(high - pcp->count - base_batch, base_batch);
		if (batch <= max_nr_alloc && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}

static int rmqueue_bulk(struct zone *zone, unsigned int order, int count,
			struct list_head *list, int mt, unsigned int alloc_flags)
{
	enum rmqueue_mode mode = RMQUEUE_NORMAL;
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(zone, order, mt, alloc_flags, &mode);

		if (unlikely(!page))
			break;
		/* tail: the list comes out in physical order */
		list_add_tail(&page->pcp_list, list);
	}
	spin_unlock(&zone->lock);
	return i;
}

/* inc_numa_state() with the machine at hand rather than via z->zone_pgdat. */
static inline void count_numa(struct machine *m, struct zone *z, enum numa_stat_item i)
{
	z->vm_numa_event[i]++;
	m->vm_numa_event[i]++;
}

/* numa_hit/miss/foreign/local/other, as Linux's zone_statistics. */
static inline void zone_statistics(struct machine *m, struct zone *preferred, struct zone *z)
{
	int nid = zone_to_nid(z);

	if (likely(z == preferred || nid == zone_to_nid(preferred))) {
		count_numa(m, z, NUMA_HIT);
	} else {
		count_numa(m, z, NUMA_MISS);
		count_numa(m, preferred, NUMA_FOREIGN);
	}
	count_numa(m, z, nid == numa_node_id(m) ? NUMA_LOCAL : NUMA_OTHER);
}

static inline void count_pgalloc(struct machine *m, const struct zone *z, unsigned int order)
{
	count_vm_events(m, (enum vm_event_item)(PGALLOC_DMA + zone_event_slot(m, z->idx)),
			1L << order);
}

/* The pcp list is empty: refill it from the buddy lists (pcp->lock held). */
static noinline bool rmqueue_pcplist_refill(struct per_cpu_pages *pcp, struct zone *zone,
					    unsigned int order, struct list_head *list,
					    int mt, unsigned int alloc_flags)
{
	int got = rmqueue_bulk(zone, order, nr_pcp_alloc(pcp, zone, order), list, mt,
			       alloc_flags);

	pcp->count += got << order;
	return !list_empty(list);
}

static __always_inline struct page *rmqueue_pcplist(struct machine *m, struct zone *preferred,
						    struct zone *zone, unsigned int order,
						    int mt, unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp = per_cpu_pageset(m, zone, m->cpu);
	struct list_head *list;
	struct page *page;

	spin_lock(&pcp->lock);
	pcp->free_count >>= 1;
	list = &pcp->lists[order_to_pindex(mt, order)];
	if (unlikely(list_empty(list)) &&
	    unlikely(!rmqueue_pcplist_refill(pcp, zone, order, list, mt, alloc_flags))) {
		spin_unlock(&pcp->lock);
		return NULL;
	}
	page = list_first_entry(list, struct page, pcp_list);
	list_del(&page->pcp_list);
	pcp->count -= 1 << order;
	spin_unlock(&pcp->lock);
	count_pgalloc(m, zone, order);
	zone_statistics(m, preferred, zone);
	return page;
}

static noinline struct page *rmqueue_buddy(struct machine *m, struct zone *preferred,
				  struct zone *zone, unsigned int order,
				  unsigned int alloc_flags, int mt)
{
	struct page *page = NULL;

	spin_lock(&zone->lock);
	if (alloc_flags & ALLOC_HIGHATOMIC)
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	if (!page) {
		enum rmqueue_mode mode = RMQUEUE_NORMAL;

		page = __rmqueue(zone, order, mt, alloc_flags, &mode);
		/* failing now is worse than failing a future atomic high order */
		if (!page && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
			page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	}
	spin_unlock(&zone->lock);
	if (!page)
		return NULL;
	count_pgalloc(m, zone, order);
	zone_statistics(m, preferred, zone);
	return page;
}

static inline struct page *rmqueue(struct machine *m, struct zone *preferred,
				   struct zone *zone, unsigned int order, gfp_t gfp,
				   unsigned int alloc_flags, int mt)
{
	struct page *page = NULL;

	if (likely(pcp_allowed_order(order)))
		page = rmqueue_pcplist(m, preferred, zone, order, mt, alloc_flags);
	if (unlikely(!page))
		page = rmqueue_buddy(m, preferred, zone, order, alloc_flags, mt);
	if ((alloc_flags & ALLOC_KSWAPD) &&
	    unlikely(zone_test_flag(zone, ZONE_BOOSTED_WATERMARK))) {
		zone_clear_flag(zone, ZONE_BOOSTED_WATERMARK);
		wakeup_kswapd(zone, gfp, 0, zone->idx);
	}
	return page;
}

/* ------------------------------------------------------------------ */
/* Watermarks                                                          */
/* ------------------------------------------------------------------ */

static inline long __zone_watermark_unusable_free(const struct zone *z, unsigned int order,
						  unsigned int alloc_flags)
{
	long unusable = (1L << order) - 1;

	/* highatomic reserves are only for those allowed to dip into reserves */
	if (likely(!(alloc_flags & ALLOC_RESERVES)))
		unusable += (long)z->nr_reserved_highatomic;
	return unusable;
}

bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 enum zone_type highest_zoneidx, unsigned int alloc_flags,
			 long free_pages)
{
	long min = (long)mark;

	free_pages -= __zone_watermark_unusable_free(z, order, alloc_flags);
	if (unlikely(alloc_flags & ALLOC_RESERVES)) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;			/* __GFP_HIGH: half of min */
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;		/* atomic: a quarter more */
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	/* a high order also needs one block of that order or above */
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		if (!z->free_area[o].nr_free)
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!free_area_empty(z, o, mt))
				return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !free_area_empty(z, o, MIGRATE_HIGHATOMIC))
			return true;
	}
	return false;
}

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       enum zone_type highest_zoneidx, unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   zone_page_state(z, NR_FREE_PAGES));
}

static inline bool zone_watermark_fast(struct zone *z, unsigned int order,
				       unsigned long mark, enum zone_type highest_zoneidx,
				       unsigned int alloc_flags)
{
	long free_pages = zone_page_state(z, NR_FREE_PAGES);

	if (!order) {
		long reserved = __zone_watermark_unusable_free(z, 0, alloc_flags);
		long usable = free_pages - min(free_pages, reserved);

		if (usable > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	if (__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages))
		return true;
	/* __GFP_HIGH order-0 at min ignores the boost, so kswapd still wakes */
	if (unlikely(!order && (alloc_flags & ALLOC_MIN_RESERVE) && z->watermark_boost &&
		     (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN))
		return __zone_watermark_ok(z, order, z->_watermark[WMARK_MIN],
					   highest_zoneidx, alloc_flags, free_pages);
	return false;
}

/* ------------------------------------------------------------------ */
/* Highatomic reserves                                                 */
/* ------------------------------------------------------------------ */

static void reserve_highatomic_pageblock(struct page *page, unsigned int order,
					 struct zone *zone)
{
	unsigned long max_managed;
	unsigned long pfn = zpfn(zone, page);
	int mt;

	/* at most ~1% of the zone, at least one pageblock, or nothing */
	if (zone_managed_pages(zone) / 100 < pageblock_nr_pages)
		return;
	max_managed = ALIGN(zone_managed_pages(zone) / 100, pageblock_nr_pages);
	if (zone->nr_reserved_highatomic >= max_managed)
		return;
	spin_lock(&zone->lock);
	mt = get_pfnblock_migratetype(zone, pfn);
	if (!migratetype_is_mergeable(mt))
		goto out;
	if (order < pageblock_order) {
		if (move_freepages_block(zone, page, mt, MIGRATE_HIGHATOMIC) == -1)
			goto out;
		zone->nr_reserved_highatomic += pageblock_nr_pages;
	} else {
		change_pageblock_range(zone, pfn, order, MIGRATE_HIGHATOMIC);
		zone->nr_reserved_highatomic += 1UL << order;
	}
out:
	spin_unlock(&zone->lock);
}

/* Give reserved highatomic blocks back to ac->migratetype under pressure. */
static bool unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force)
{
	struct zoneref *z = ac->preferred_zoneref;
	struct zone *zone;

	for_next_zone_zonelist_nodemask(zone, z, ac->highest_zoneidx, ac->nodemask) {
		if (!force && zone->nr_reserved_highatomic <= pageblock_nr_pages)
			continue;
		spin_lock(&zone->lock);
		for (unsigned int order = 0; order < NR_PAGE_ORDERS; order++) {
			struct page *page = get_page_from_free_area(zone, order,
								    MIGRATE_HIGHATOMIC);
			unsigned long size;
			int ret;

			if (!page)
				continue;
			size = max(pageblock_nr_pages, 1UL << order);
			if (WARN_ON(size > zone->nr_reserved_highatomic))
				size = zone->nr_reserved_highatomic;
			zone->nr_reserved_highatomic -= size;
			if (order < pageblock_order) {
				ret = move_freepages_block(zone, page, MIGRATE_HIGHATOMIC,
							   ac->migratetype);
			} else {
				move_to_free_list(page, zone, order, MIGRATE_HIGHATOMIC,
						  ac->migratetype);
				change_pageblock_range(zone, zpfn(zone, page), order,
						       ac->migratetype);
				ret = 1;
			}
			if (ret > 0) {
				spin_unlock(&zone->lock);
				return true;
			}
		}
		spin_unlock(&zone->lock);
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Walking the zonelist                                                */
/* ------------------------------------------------------------------ */

enum zone_type gfp_zone(const struct machine *m, gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return arch_has_zone(m, ZONE_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;
	if (gfp & __GFP_HIGHMEM) {
		if (gfp & __GFP_MOVABLE)
			return ZONE_MOVABLE;
		return arch_has_zone(m, ZONE_HIGHMEM) ? ZONE_HIGHMEM : ZONE_NORMAL;
	}
	return ZONE_NORMAL;
}

/* Normal-zone allocations avoid fragmenting while DMA32 can take them. */
static inline unsigned int alloc_flags_nofragment(struct machine *m, struct zone *zone,
						  gfp_t gfp)
{
	unsigned int alloc_flags = gfp & __GFP_KSWAPD_RECLAIM;

	if (!zone || zone->idx != ZONE_NORMAL || !arch_has_zone(m, ZONE_DMA32))
		return alloc_flags;
	if (m->nr_nodes > 1 && !populated_zone(&zone->zone_pgdat->node_zones[ZONE_DMA32]))
		return alloc_flags;
	return alloc_flags | ALLOC_NOFRAGMENT;
}

static __always_inline struct page *__get_page_from_freelist(struct machine *m, gfp_t gfp,
							     unsigned int order,
							     unsigned int alloc_flags,
							     const struct alloc_context *ac)
{
	struct zoneref *z;
	struct zone *zone, *preferred;
	bool no_fallback;

retry:
	no_fallback = alloc_flags & ALLOC_NOFRAGMENT;
	z = ac->preferred_zoneref;
	preferred = z->zone;
	for_next_zone_zonelist_nodemask(zone, z, ac->highest_zoneidx, ac->nodemask) {
		unsigned long mark;
		struct page *page;

		if (no_fallback && m->nr_nodes > 1 && zone != preferred &&
		    zone_to_nid(zone) != zone_to_nid(preferred)) {
			/* locality matters more than fragmentation */
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			goto retry;
		}
		if (!zone_test_flag(zone, ZONE_BELOW_HIGH)) {
			mark = high_wmark_pages(zone);
			if (!zone_watermark_fast(zone, order, mark, ac->highest_zoneidx,
						 alloc_flags))
				zone_set_flag(zone, ZONE_BELOW_HIGH);
			else
				goto try_this_zone;
		}
		mark = wmark_pages(zone, (enum zone_watermarks)(alloc_flags & ALLOC_WMARK_MASK));
		if (!zone_watermark_fast(zone, order, mark, ac->highest_zoneidx, alloc_flags) &&
		    !(alloc_flags & ALLOC_NO_WATERMARKS))
			continue;	/* node_reclaim is off (zone_reclaim_mode 0) */
try_this_zone:
		page = rmqueue(m, preferred, zone, order, gfp, alloc_flags, ac->migratetype);
		if (page) {
			prep_new_page(m, page, order, gfp);
			if (unlikely(alloc_flags & ALLOC_HIGHATOMIC))
				reserve_highatomic_pageblock(page, order, zone);
			return page;
		}
	}
	if (no_fallback) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/* Any order: the slow path and the fast path's orders above 0. */
static noinline struct page *get_page_from_freelist(struct machine *m, gfp_t gfp,
						    unsigned int order, unsigned int alloc_flags,
						    const struct alloc_context *ac)
{
	return __get_page_from_freelist(m, gfp, order, alloc_flags, ac);
}

/*
 * Order 0, the most common request, gets its own copy with the order a
 * constant, so the order-dependent branches of the watermark check, the pcp
 * list index and the counters fold away. Same code, same decisions.
 */
static __always_inline struct page *get_page_from_freelist_order0(struct machine *m, gfp_t gfp,
							   unsigned int alloc_flags,
							   const struct alloc_context *ac)
{
	return __get_page_from_freelist(m, gfp, 0, alloc_flags, ac);
}

/* ------------------------------------------------------------------ */
/* The slow path                                                       */
/* ------------------------------------------------------------------ */

static unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	/* __GFP_HIGH is ALLOC_MIN_RESERVE, __GFP_KSWAPD_RECLAIM is ALLOC_KSWAPD */
	alloc_flags |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp & __GFP_NOMEMALLOC)) {
			alloc_flags |= ALLOC_NON_BLOCK;
			if (order > 0 && (alloc_flags & ALLOC_MIN_RESERVE))
				alloc_flags |= ALLOC_HIGHATOMIC;
		}
		if (alloc_flags & ALLOC_MIN_RESERVE)
			alloc_flags &= ~ALLOC_CPUSET;
	}
	return alloc_flags;
}

static unsigned int __gfp_pfmemalloc_flags(struct machine *m, gfp_t gfp)
{
	if (unlikely(gfp & __GFP_NOMEMALLOC))
		return 0;
	if (gfp & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (m->memalloc_nest)	/* PF_MEMALLOC: reclaim itself (vmscan.h) */
		return ALLOC_NO_WATERMARKS;
	/* oom_reserves_allowed: an OOM victim may dip below min to die */
	if (tsk_is_oom_victim(m->current))
		return ALLOC_OOM;
	return 0;
}

static void wake_all_kswapds(struct machine *m, unsigned int order, gfp_t gfp,
			     const struct alloc_context *ac)
{
	struct zoneref *z = ac->preferred_zoneref;
	struct zone *zone;
	int last_nid = NUMA_NO_NODE;

	(void)m;
	for_next_zone_zonelist_nodemask(zone, z, ac->highest_zoneidx, ac->nodemask) {
		if (zone_to_nid(zone) == last_nid)
			continue;
		last_nid = zone_to_nid(zone);
		wakeup_kswapd(zone, gfp, order, ac->highest_zoneidx);
	}
}

/* Hook: compaction does not exist yet; it never produces a page. */
static struct page *__alloc_pages_direct_compact(struct machine *m, gfp_t gfp,
						 unsigned int order, unsigned int alloc_flags,
						 const struct alloc_context *ac)
{
	(void)m; (void)gfp; (void)order; (void)alloc_flags; (void)ac;
	return NULL;
}

/* vmscan's direct reclaim, as the allocating task (PF_MEMALLOC inside). */
static unsigned long __perform_reclaim(struct machine *m, gfp_t gfp, unsigned int order,
				       const struct alloc_context *ac)
{
	return try_to_free_pages(m, ac->zonelist, order, gfp, ac->nodemask);
}

static struct page *__alloc_pages_direct_reclaim(struct machine *m, gfp_t gfp,
						 unsigned int order, unsigned int alloc_flags,
						 const struct alloc_context *ac,
						 unsigned long *did_some_progress)
{
	struct page *page;
	bool drained = false;

	*did_some_progress = __perform_reclaim(m, gfp, order, ac);
	if (unlikely(!*did_some_progress))
		return NULL;
retry:
	page = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	/* pages may sit on pcp lists or in highatomic reserves */
	if (!page && !drained) {
		unreserve_highatomic_pageblock(ac, false);
		drain_all_pages(m, NULL);
		drained = true;
		goto retry;
	}
	return page;
}

static bool should_reclaim_retry(struct machine *m, unsigned int order,
				 const struct alloc_context *ac, unsigned int alloc_flags,
				 bool did_some_progress, int *no_progress_loops)
{
	struct zoneref *z = ac->preferred_zoneref;
	struct zone *zone;

	if (did_some_progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops <= MAX_RECLAIM_RETRIES) {
		for_next_zone_zonelist_nodemask(zone, z, ac->highest_zoneidx, ac->nodemask) {
			long available = (long)zone_reclaimable_pages(m, zone) +
					 zone_page_state(zone, NR_FREE_PAGES);

			/* would reclaiming everything reclaimable be enough? */
			if (__zone_watermark_ok(zone, order, min_wmark_pages(zone),
						ac->highest_zoneidx, alloc_flags, available))
				return true;
		}
	}
	/* before OOM, use up the highatomic reserve */
	return unreserve_highatomic_pageblock(ac, true);
}

/* The OOM killer (mm/oom_kill.c) under oom_lock: false if it did nothing. */
static bool __alloc_pages_oom(struct machine *m, gfp_t gfp, unsigned int order,
			      const struct alloc_context *ac)
{
	struct oom_control oc = {
		.zonelist = ac->zonelist, .nodemask = ac->nodemask,
		.gfp_mask = gfp, .order = (int)order,
	};
	bool ret;

	m->oom_lock = true;
	ret = out_of_memory(m, &oc);
	m->oom_lock = false;
	return ret;
}

static struct page *__alloc_pages_may_oom(struct machine *m, gfp_t gfp, unsigned int order,
					  const struct alloc_context *ac,
					  unsigned long *did_some_progress)
{
	struct page *page;

	*did_some_progress = 0;
	/* someone else is killing (an allocation made by the OOM path itself) */
	if (m->oom_lock) {
		*did_some_progress = 1;
		return NULL;
	}
	/* only to catch a parallel OOM kill: a very high watermark */
	page = get_page_from_freelist(m, (gfp | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM, order,
				      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac);
	if (page)
		return page;
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NULL;
	if (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE))
		return NULL;
	if (ac->highest_zoneidx < ZONE_NORMAL)
		return NULL;
	if (__alloc_pages_oom(m, gfp, order, ac) || WARN_ON_ONCE(gfp & __GFP_NOFAIL)) {
		*did_some_progress = 1;
		if (gfp & __GFP_NOFAIL)
			page = get_page_from_freelist(m, gfp, order, ALLOC_NO_WATERMARKS, ac);
	}
	return page;
}

/* Print a nodemask as Linux's %*pbl: "0-1,3". */
static void format_nodemask(const struct machine *m, const unsigned long *mask, char *buf,
			    size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	if (!mask) {
		snprintf(buf, len, "(null)");
		return;
	}
	for (int n = 0; n < m->nr_nodes && pos < len; n++) {
		int e = n;

		if (!node_in_mask(mask, n))
			continue;
		while (e + 1 < m->nr_nodes && node_in_mask(mask, e + 1))
			e++;
		pos += (size_t)snprintf(buf + pos, len - pos, pos ? ",%d" : "%d", n);
		if (e > n && pos < len)
			pos += (size_t)snprintf(buf + pos, len - pos, "-%d", e);
		n = e;
	}
}

static __cold void warn_alloc(struct machine *m, gfp_t gfp, const unsigned long *nodemask,
			      unsigned int order)
{
	char flags[256], nodes[64];

	if (gfp & __GFP_NOWARN)
		return;
	m->warned_alloc++;
	gfp_format(gfp, flags, sizeof(flags));
	format_nodemask(m, nodemask, nodes, sizeof(nodes));
	printk(m, "%s: page allocation failure: order:%u, mode:%#x(%s), nodemask=%s",
	       "mmsim", order, gfp, gfp ? flags : "", nodes);
}

static noinline struct page *__alloc_pages_slowpath(struct machine *m, gfp_t gfp, unsigned int order,
					   struct alloc_context *ac)
{
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool can_compact = gfp & __GFP_IO;	/* gfp_compaction_allowed */
	bool costly_order = order > PAGE_ALLOC_COSTLY_ORDER;
	bool nofail = gfp & __GFP_NOFAIL;
	unsigned long did_some_progress;
	unsigned int alloc_flags, reserve_flags;
	int no_progress_loops = 0, loops = 0;
	struct page *page;

	alloc_flags = gfp_to_alloc_flags(gfp, order);
	ac->preferred_zoneref = next_zones_zonelist(ac->zonelist->_zonerefs,
						    ac->highest_zoneidx, ac->nodemask);
	if (!ac->preferred_zoneref->zone)
		goto nopage;
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(m, order, gfp, ac);
	/* the min watermark now, with whatever reserves the caller may use */
	page = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	if (can_direct_reclaim && can_compact &&
	    (costly_order || (order > 0 && ac->migratetype != MIGRATE_MOVABLE)) &&
	    !__gfp_pfmemalloc_flags(m, gfp)) {
		page = __alloc_pages_direct_compact(m, gfp, order, alloc_flags, ac);
		if (page)
			return page;
		if (costly_order && (gfp & __GFP_NORETRY))
			goto nopage;	/* compaction was skipped */
	}
retry:
	if (++loops > MAX_SLOWPATH_LOOPS) {
		/* Linux would keep waiting for reclaim or the OOM killer */
		printk(m, "%s: page allocation gave up after %d retries: order:%u, mode:%#x",
		       "mmsim", MAX_SLOWPATH_LOOPS, order, gfp);
		WARN_ON(nofail);
		goto fail;
	}
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(m, order, gfp, ac);
	reserve_flags = __gfp_pfmemalloc_flags(m, gfp);
	if (reserve_flags)
		alloc_flags = reserve_flags | (alloc_flags & ALLOC_KSWAPD);
	page = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	if (!can_direct_reclaim)
		goto nopage;
	if (m->memalloc_nest)
		goto nopage;	/* reclaim's own allocation: no recursion */
	page = __alloc_pages_direct_reclaim(m, gfp, order, alloc_flags, ac, &did_some_progress);
	if (page)
		return page;
	page = __alloc_pages_direct_compact(m, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly_order && (!can_compact || !(gfp & __GFP_RETRY_MAYFAIL)))
		goto nopage;
	if (should_reclaim_retry(m, order, ac, alloc_flags, did_some_progress > 0,
				 &no_progress_loops))
		goto retry;
	page = __alloc_pages_may_oom(m, gfp, order, ac, &did_some_progress);
	if (page)
		return page;
	/* a dying task that used its reserves must not loop: it fails and dies */
	if (tsk_is_oom_victim(m->current) &&
	    ((alloc_flags & ALLOC_OOM) || (gfp & __GFP_NOMEMALLOC)))
		goto nopage;
	if (did_some_progress) {
		no_progress_loops = 0;
		goto retry;
	}
nopage:
	if (nofail) {
		if (WARN_ON_ONCE(!can_direct_reclaim))
			goto fail;
		/* some of the atomic reserve, never all of it */
		page = get_page_from_freelist(m, gfp, order, ALLOC_MIN_RESERVE, ac);
		if (page)
			return page;
		goto retry;
	}
fail:
	warn_alloc(m, gfp, ac->nodemask, order);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The interface                                                       */
/* ------------------------------------------------------------------ */

bool should_fail_alloc(struct machine *m, enum fail_kind kind)
{
	struct fault_inject *f = &m->fail;

	if (likely(!f->nth[kind]))
		return false;
	f->count[kind]++;
	if (f->count[kind] < f->nth[kind])
		return false;
	if (f->count[kind] > f->nth[kind] && !f->repeat[kind])
		return false;
	f->injected[kind]++;
	return true;
}

static __always_inline struct page *alloc_pages_inline(struct machine *m, gfp_t gfp,
						      unsigned int order, int preferred_nid,
						      const unsigned long *nodemask)
{
	struct alloc_context ac;
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	struct page *page;

	if (WARN_ON_ONCE(order > MAX_PAGE_ORDER))
		return NULL;
	ac.highest_zoneidx = gfp_zone(m, gfp);
	ac.zonelist = node_zonelist(m, preferred_nid, gfp);
	ac.nodemask = nodemask;
	ac.migratetype = gfp_migratetype(gfp);
	/* fail_page_alloc: an injected failure is silent, as in Linux */
	if (unlikely(m->fail.nth[FAIL_PAGE_ALLOC]) && !(gfp & __GFP_NOFAIL) &&
	    should_fail_alloc(m, FAIL_PAGE_ALLOC))
		return NULL;
	ac.preferred_zoneref = next_zones_zonelist(ac.zonelist->_zonerefs,
						   ac.highest_zoneidx, nodemask);
	alloc_flags |= alloc_flags_nofragment(m, ac.preferred_zoneref->zone, gfp);
	if (likely(!order))
		page = get_page_from_freelist_order0(m, gfp, alloc_flags, &ac);
	else
		page = get_page_from_freelist(m, gfp, order, alloc_flags, &ac);
	if (likely(page))
		return page;
	ac.nodemask = nodemask;
	return __alloc_pages_slowpath(m, gfp, order, &ac);
}

struct page *__alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
			   int preferred_nid, const unsigned long *nodemask)
{
	return alloc_pages_inline(m, gfp, order, preferred_nid, nodemask);
}

struct page *alloc_pages_node(struct machine *m, int nid, gfp_t gfp, unsigned int order)
{
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id(m);
	return alloc_pages_inline(m, gfp, order, nid, NULL);
}

/* The common entry: nodemask NULL is a constant here, so its tests fold. */
struct page *alloc_pages(struct machine *m, gfp_t gfp, unsigned int order)
{
	return alloc_pages_inline(m, gfp, order, numa_node_id(m), NULL);
}

/* Any order, out of line: __free_pages keeps an order-0 copy inline. */
static noinline void free_frozen_pages_any(struct machine *m, struct page *page,
					   unsigned int order)
{
	free_frozen_pages(m, page, order);
}

void __free_pages(struct machine *m, struct page *page, unsigned int order)
{
	bool head;

	/*
	 * Order 0 with the order a constant: the tail-page loop below does
	 * nothing for order 0, so this is the same behaviour, minus branches.
	 */
	if (likely(!order)) {
		if (page_ref_dec_and_test(page))
			free_frozen_pages(m, page, 0);
		return;
	}
	head = PageHead(page);
	if (page_ref_dec_and_test(page)) {
		free_frozen_pages_any(m, page, order);
	} else if (!head) {
		/* someone holds the first page: free the rest, piece by piece */
		while (order-- > 0)
			free_frozen_pages_any(m, page + (1UL << order), order);
	}
}

void free_pages_exact_order(struct machine *m, struct page *page, unsigned int order)
{
	VM_BUG_ON_PAGE(page_ref_count(page) != 1, m, page);
	set_page_count(page, 0);
	free_frozen_pages_any(m, page, order);
}

void *__get_free_pages(struct machine *m, gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(m, gfp & ~__GFP_HIGHMEM, order);

	return page ? page_address(m, page) : NULL;
}

void free_pages(struct machine *m, void *addr, unsigned int order)
{
	if (addr)
		__free_pages(m, virt_to_page(m, addr), order);
}

/* ------------------------------------------------------------------ */
/* Per-CPU pagesets: setup, high/batch, draining                       */
/* ------------------------------------------------------------------ */

static void per_cpu_pages_init(struct per_cpu_pages *pcp)
{
	memset(pcp, 0, sizeof(*pcp));
	spin_lock_init(&pcp->lock, LOCK_PCP);
	for (int i = 0; i < NR_PCP_LISTS; i++)
		INIT_LIST_HEAD(&pcp->lists[i]);
	pcp->high_min = 0;	/* BOOT_PAGESET_HIGH */
	pcp->high_max = 0;
	pcp->batch = 1;		/* BOOT_PAGESET_BATCH */
}

void zone_pcp_init_all(struct machine *m)
{
	struct zone *zone;
	int nid, zi, cpu;

	for_each_zone(m, zone, nid, zi) {
		zone->pageset_high_min = 0;
		zone->pageset_high_max = 0;
		zone->pageset_batch = 1;
		zone->per_cpu_pageset = NULL;
		/* setup_per_cpu_pageset: populated zones only */
		if (!populated_zone(zone))
			continue;
		zone->per_cpu_pageset = __alloc_percpu(m, sizeof(struct per_cpu_pages), 64);
		BUG_ON(!zone->per_cpu_pageset);
		for_each_cpu(m, cpu)
			per_cpu_pages_init(per_cpu_pageset(m, zone, cpu));
	}
}

static int zone_batchsize(const struct zone *zone)
{
	int batch = (int)min(zone_managed_pages(zone) >> 10, SZ_1M / PAGE_SIZE);

	batch /= 4;	/* multiplied back by 4 through high */
	if (batch < 1)
		batch = 1;
	/* 2^n - 1 avoids cache aliasing between batches */
	return (int)rounddown_pow_of_two((unsigned long)(batch + batch / 2)) - 1;
}

static int zone_highsize(const struct machine *m, const struct zone *zone, int batch,
			 int cpu_online, int high_fraction)
{
	unsigned long total;
	int nr_split_cpus = cpu_online, cpu, high;

	if (!high_fraction)
		total = low_wmark_pages(zone);	/* so full lists do not wake kswapd */
	else
		total = zone_managed_pages(zone) / (unsigned long)high_fraction;
	for_each_cpu(m, cpu)
		if (m->cpu_to_node[cpu] == zone_to_nid(zone))
			nr_split_cpus++;
	if (!nr_split_cpus)
		nr_split_cpus = m->nr_cpus;
	high = (int)(total / (unsigned long)nr_split_cpus);
	return max(high, batch << 2);
}

static void zone_set_pageset_high_and_batch(struct machine *m, struct zone *zone,
					    int cpu_online)
{
	int batch = max(1, zone_batchsize(zone)), high_min, high_max, cpu;
	int fraction = m->sysctl.percpu_pagelist_high_fraction;

	if (fraction) {
		high_min = zone_highsize(m, zone, batch, cpu_online, fraction);
		high_max = high_min;	/* manual: no auto-tuning */
	} else {
		high_min = zone_highsize(m, zone, batch, cpu_online, 0);
		high_max = zone_highsize(m, zone, batch, cpu_online,
					 MIN_PERCPU_PAGELIST_HIGH_FRACTION);
	}
	if (zone->pageset_high_min == high_min && zone->pageset_high_max == high_max &&
	    zone->pageset_batch == batch)
		return;
	zone->pageset_high_min = high_min;
	zone->pageset_high_max = high_max;
	zone->pageset_batch = batch;
	for_each_cpu(m, cpu) {
		struct per_cpu_pages *pcp = per_cpu_pageset(m, zone, cpu);

		pcp->batch = batch;
		pcp->high_min = high_min;
		pcp->high_max = high_max;
	}
}

void zone_pcp_update_all(struct machine *m)
{
	struct zone *zone;
	int nid, zi;

	for_each_zone(m, zone, nid, zi)
		if (zone->per_cpu_pageset)
			zone_set_pageset_high_and_batch(m, zone, 0);
}

static void drain_pages_zone(struct machine *m, int cpu, struct zone *zone)
{
	struct per_cpu_pages *pcp = per_cpu_pageset(m, zone, cpu);
	int count;

	do {
		spin_lock(&pcp->lock);
		count = pcp->count;
		if (count) {
			int to_drain = min(count, pcp->batch << PCP_BATCH_SCALE_MAX);

			free_pcppages_bulk(zone, to_drain, pcp, 0);
			count -= to_drain;
		}
		spin_unlock(&pcp->lock);
	} while (count);
}

void drain_zone_pages_all_cpus(struct machine *m, struct zone *zone)
{
	int cpu;

	if (!zone->per_cpu_pageset)
		return;
	for_each_cpu(m, cpu)
		drain_pages_zone(m, cpu, zone);
}

void drain_all_pages(struct machine *m, struct zone *zone)
{
	int nid, zi;

	if (zone) {
		drain_zone_pages_all_cpus(m, zone);
		return;
	}
	for_each_zone(m, zone, nid, zi)
		drain_zone_pages_all_cpus(m, zone);
}

/* ------------------------------------------------------------------ */
/* Boot: memory into the buddy lists                                   */
/* ------------------------------------------------------------------ */

static struct zone *pfn_zone(struct machine *m, int nid, unsigned long pfn)
{
	pg_data_t *pgdat = NODE_DATA(m, nid);

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (populated_zone(z) && zone_spans_pfn(z, pfn))
			return z;
	}
	return NULL;
}

/* Append a MAX_PAGE_ORDER block to the zone's deferred ranges, if room. */
static bool defer_block(struct zone *zone, unsigned long pfn)
{
	struct deferred_range *last = zone->nr_deferred ?
				      &zone->deferred[zone->nr_deferred - 1] : NULL;

	if (last && last->end == pfn) {
		last->end += MAX_ORDER_NR_PAGES;
	} else if (zone->nr_deferred < ZONE_DEFERRED_RANGES && (!last || last->end < pfn)) {
		zone->deferred[zone->nr_deferred].start = pfn;
		zone->deferred[zone->nr_deferred].end = pfn + MAX_ORDER_NR_PAGES;
		zone->nr_deferred++;
	} else {
		return false;
	}
	zone->free_area[MAX_PAGE_ORDER].nr_free++;
	mod_zone_page_state(zone, NR_FREE_PAGES, (long)MAX_ORDER_NR_PAGES);
	mod_zone_page_state(zone, NR_FREE_PAGES_BLOCKS, (long)MAX_ORDER_NR_PAGES);
	return true;
}

/* __free_pages_core: descriptors fresh, refcount 0, then into the lists. */
static void memblock_free_pages(struct machine *m, struct zone *zone, unsigned long pfn,
				unsigned int order, bool deferrable)
{
	struct page *page = pfn_to_page(m, pfn);
	unsigned long nr = 1UL << order;

	zone->managed_pages += nr;
	m->totalram_pages += nr;
	if (deferrable && defer_block(zone, pfn)) {
		count_vm_events(m, PGFREE, (long)nr);
		return;
	}
	for (unsigned long i = 0; i < nr; i++) {
		struct page *p = page + i;

		memset(p, 0, sizeof(*p));
		set_page_links(p, zone->idx, zone_to_nid(zone));
		p->_mapcount = -1;
	}
	free_one_page(zone, page, pfn, order, FPI_TO_TAIL);
}

static void __free_pages_memory(void *arg, unsigned long start, unsigned long end, int nid)
{
	struct machine *m = arg;
	const unsigned long range_start = start;

	while (start < end) {
		struct zone *zone = pfn_zone(m, nid, start);
		unsigned int order = start ? min((unsigned int)__ffs(start),
						 (unsigned int)MAX_PAGE_ORDER) : MAX_PAGE_ORDER;

		if (!zone) {	/* a free range outside every zone: not RAM we manage */
			start++;
			continue;
		}
		while (start + (1UL << order) > min(end, zone_end_pfn(zone)))
			order--;
		/* the same rule memmap init used to leave these descriptors unwritten */
		memblock_free_pages(m, zone, start, order,
				    block_is_deferrable(start, range_start, end,
							zone->zone_start_pfn, zone_end_pfn(zone)));
		start += 1UL << order;
	}
}

void memblock_free_all(struct machine *m)
{
	memblock_for_each_free_range(&m->memblock, __free_pages_memory, m);
}

/* ------------------------------------------------------------------ */
/* Boot: zonelists                                                     */
/* ------------------------------------------------------------------ */

static bool node_has_memory(const struct machine *m, int nid)
{
	return NODE_DATA(m, nid)->node_present_pages != 0;
}

static bool node_has_cpus(const struct machine *m, int nid)
{
	for (int c = 0; c < m->nr_cpus; c++)
		if (m->cpu_to_node[c] == nid)
			return true;
	return false;
}

static int find_next_best_node(const struct machine *m, int node, bool *used,
			       const int *node_load)
{
	int best = NUMA_NO_NODE, min_val = __INT_MAX__;

	if (!used[node] && node_has_memory(m, node)) {
		used[node] = true;
		return node;
	}
	for (int n = 0; n < m->nr_nodes; n++) {
		int val;

		if (used[n] || !node_has_memory(m, n))
			continue;
		val = m->node_distance[node][n];
		val += n < node;		/* prefer the next node up */
		if (node_has_cpus(m, n))
			val += 1;		/* PENALTY_FOR_NODE_WITH_CPUS */
		val *= MAX_NUMNODES;
		val += node_load[n];
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best >= 0)
		used[best] = true;
	return best;
}

/* Zones of one node, highest first: a zoneref per populated zone. */
static int build_zonerefs_node(pg_data_t *pgdat, struct zoneref *zrefs)
{
	int nr = 0;

	for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--) {
		struct zone *z = &pgdat->node_zones[zi];

		if (populated_zone(z)) {
			zrefs[nr].zone = z;
			zrefs[nr].zone_idx = zi;
			nr++;
		}
	}
	return nr;
}

static void build_zonelists(struct machine *m, pg_data_t *pgdat, int *node_load)
{
	bool used[MAX_NUMNODES] = { false };
	int local = pgdat->node_id, prev = local, node, nr = 0;
	struct zoneref *zrefs = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs;

	while ((node = find_next_best_node(m, local, used, node_load)) >= 0) {
		/* round robin within a distance group */
		if (m->node_distance[local][node] != m->node_distance[local][prev])
			node_load[node] += 1;
		nr += build_zonerefs_node(NODE_DATA(m, node), zrefs + nr);
		prev = node;
	}
	zrefs[nr].zone = NULL;
	zrefs[nr].zone_idx = 0;
	zrefs = pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
	nr = build_zonerefs_node(pgdat, zrefs);
	zrefs[nr].zone = NULL;
	zrefs[nr].zone_idx = 0;
}

void build_all_zonelists(struct machine *m)
{
	int node_load[MAX_NUMNODES] = { 0 };
	pg_data_t *pgdat;
	int nid;

	for_each_online_pgdat(m, pgdat, nid)
		build_zonelists(m, pgdat, node_load);
}

/* ------------------------------------------------------------------ */
/* Boot and sysctls: watermarks and reserves                           */
/* ------------------------------------------------------------------ */

static inline unsigned long mult_frac(unsigned long x, unsigned long n, unsigned long d)
{
	return x / d * n + x % d * n / d;
}

unsigned long nr_free_buffer_pages(struct machine *m)
{
	struct zonelist *zl = node_zonelist(m, numa_node_id(m), GFP_KERNEL);
	enum zone_type high = gfp_zone(m, GFP_USER);
	struct zoneref *z = next_zones_zonelist(zl->_zonerefs, high, NULL);
	struct zone *zone;
	unsigned long sum = 0;

	for_next_zone_zonelist_nodemask(zone, z, high, NULL) {
		unsigned long size = zone_managed_pages(zone), hw = high_wmark_pages(zone);

		if (size > hw)
			sum += size - hw;
	}
	return sum;
}

static void calculate_totalreserve_pages(struct machine *m)
{
	unsigned long reserve = 0;
	pg_data_t *pgdat;
	int nid;

	for_each_online_pgdat(m, pgdat, nid) {
		pgdat->totalreserve_pages = 0;
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *zone = &pgdat->node_zones[i];
			long max = 0;

			for (int j = i; j < MAX_NR_ZONES; j++)
				if (zone->lowmem_reserve[j] > max)
					max = zone->lowmem_reserve[j];
			/* the high watermark counts as reserved */
			max += (long)high_wmark_pages(zone);
			if (max > (long)zone_managed_pages(zone))
				max = (long)zone_managed_pages(zone);
			pgdat->totalreserve_pages += (unsigned long)max;
			reserve += (unsigned long)max;
		}
	}
	m->totalreserve_pages = reserve;
}

static void __setup_per_zone_wmarks(struct machine *m)
{
	unsigned long pages_min = (unsigned long)m->sysctl.min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct zone *zone;
	int nid, zi;

	for_each_zone(m, zone, nid, zi)
		if (!is_highmem_idx(zone->idx) && zone->idx != ZONE_MOVABLE)
			lowmem_pages += zone_managed_pages(zone);
	for_each_zone(m, zone, nid, zi) {
		unsigned long tmp = lowmem_pages ?
			(unsigned long)((uint64_t)pages_min * zone_managed_pages(zone) /
					lowmem_pages) : 0;

		spin_lock(&zone->lock);
		if (is_highmem_idx(zone->idx) || zone->idx == ZONE_MOVABLE) {
			/* __GFP_HIGH and PF_MEMALLOC rarely need these: a small min */
			unsigned long min_pages = zone_managed_pages(zone) / 1024;

			zone->_watermark[WMARK_MIN] = clamp(min_pages, SWAP_CLUSTER_MAX, 128UL);
		} else {
			zone->_watermark[WMARK_MIN] = tmp;
		}
		tmp = max(tmp >> 2, mult_frac(zone_managed_pages(zone),
					      (unsigned long)m->sysctl.watermark_scale_factor,
					      10000));
		zone->watermark_boost = 0;
		zone->_watermark[WMARK_LOW] = min_wmark_pages(zone) + tmp;
		zone->_watermark[WMARK_HIGH] = low_wmark_pages(zone) + tmp;
		zone->_watermark[WMARK_PROMO] = high_wmark_pages(zone) + tmp;
		spin_unlock(&zone->lock);
	}
	calculate_totalreserve_pages(m);
}

void setup_per_zone_wmarks(struct machine *m)
{
	__setup_per_zone_wmarks(m);
	/* pcp high follows the low watermark */
	zone_pcp_update_all(m);
}

void setup_per_zone_lowmem_reserve(struct machine *m)
{
	pg_data_t *pgdat;
	int nid;

	for_each_online_pgdat(m, pgdat, nid) {
		for (int i = 0; i < MAX_NR_ZONES - 1; i++) {
			struct zone *zone = &pgdat->node_zones[i];
			int ratio = m->sysctl.lowmem_reserve_ratio[i];
			bool clear = !ratio || !zone_managed_pages(zone);
			unsigned long managed = 0;

			for (int j = i + 1; j < MAX_NR_ZONES; j++) {
				managed += zone_managed_pages(&pgdat->node_zones[j]);
				zone->lowmem_reserve[j] = clear ? 0 : (long)(managed / (unsigned long)ratio);
			}
		}
	}
	calculate_totalreserve_pages(m);
}

static void calculate_min_free_kbytes(struct machine *m)
{
	unsigned long lowmem_kbytes = nr_free_buffer_pages(m) * (PAGE_SIZE >> 10);
	long new_min = (long)int_sqrt(lowmem_kbytes * 16);

	if (new_min > m->sysctl.user_min_free_kbytes)
		m->sysctl.min_free_kbytes = (int)clamp(new_min, 128L, 262144L);
	else
		printk(m, "min_free_kbytes is not updated to %ld because user defined value %d is preferred",
		       new_min, m->sysctl.user_min_free_kbytes);
}

/* khugepaged: keep pageblocks free for THP (set_recommended_min_free_kbytes). */
static void set_recommended_min_free_kbytes(struct machine *m)
{
	unsigned long recommended, nr_zones = 0;
	struct zone *zone;
	int nid, zi;

	for_each_zone(m, zone, nid, zi) {
		/* ZONE_MOVABLE holds only movable pages: no fragmentation */
		if (populated_zone(zone) && zone->idx <= gfp_zone(m, GFP_USER))
			nr_zones++;
	}
	recommended = pageblock_nr_pages * nr_zones * 2;
	recommended += pageblock_nr_pages * nr_zones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
	recommended = min(recommended, nr_free_buffer_pages(m) / 20);
	recommended <<= PAGE_SHIFT - 10;
	if (recommended > (unsigned long)m->sysctl.min_free_kbytes) {
		if (m->sysctl.user_min_free_kbytes >= 0)
			printk(m, "raising min_free_kbytes from %d to %lu to help transparent hugepage allocations",
			       m->sysctl.min_free_kbytes, recommended);
		m->sysctl.min_free_kbytes = (int)recommended;
	}
	setup_per_zone_wmarks(m);
}

void init_per_zone_wmark_min(struct machine *m)
{
	calculate_min_free_kbytes(m);
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
	/* hugepage_init starts khugepaged later in boot when THP is on */
	if (m->cfg.thp != THP_NEVER)
		set_recommended_min_free_kbytes(m);
}

/* ------------------------------------------------------------------ */
/* Figures other files print                                           */
/* ------------------------------------------------------------------ */

long si_mem_available(struct machine *m)
{
	unsigned long wmark_low = 0, pagecache, reclaimable;
	struct zone *zone;
	long available;
	int nid, zi;

	for_each_zone(m, zone, nid, zi)
		wmark_low += low_wmark_pages(zone);
	available = global_zone_page_state(m, NR_FREE_PAGES) - (long)m->totalreserve_pages;
	/* at least half the page cache, or the low watermark of it, stays */
	pagecache = (unsigned long)(global_node_page_state(m, NR_ACTIVE_FILE) +
				    global_node_page_state(m, NR_INACTIVE_FILE));
	pagecache -= min(pagecache / 2, wmark_low);
	available += (long)pagecache;
	reclaimable = (unsigned long)(global_node_page_state_pages(m, NR_SLAB_RECLAIMABLE_B) +
				      global_node_page_state(m, NR_KERNEL_MISC_RECLAIMABLE));
	reclaimable -= min(reclaimable / 2, wmark_low);
	available += (long)reclaimable;
	return available < 0 ? 0 : available;
}

int calculate_normal_threshold(const struct machine *m, const struct zone *z)
{
	int mem = (int)(zone_managed_pages(z) >> (27 - PAGE_SHIFT));	/* 128 MiB units */
	int threshold = 2 * fls((unsigned int)m->nr_cpus) * (1 + fls((unsigned int)mem));

	return min(125, threshold);
}

int zone_event_slot(const struct machine *m, enum zone_type idx)
{
	/* a popcount of the zones below idx; a table keeps libgcc out of the fast path */
	static const unsigned char bits[1 << MAX_NR_ZONES] = {
#define B2(n) n, n + 1, n + 1, n + 2
#define B4(n) B2(n), B2(n + 1), B2(n + 1), B2(n + 2)
		B4(0), B4(1), B4(1), B4(2)
#undef B2
#undef B4
	};
	BUILD_BUG_ON(MAX_NR_ZONES != 6);
	return bits[m->zone_mask & ((1u << idx) - 1)];
}

/* ------------------------------------------------------------------ */
/* Validators                                                          */
/* ------------------------------------------------------------------ */

#define vbad(m, z, ...) do {						\
	printk(m, "validate_zone: Node %d, zone %s: ", zone_to_nid(z), (z)->name); \
	printk(m, __VA_ARGS__);						\
	problems++;							\
} while (0)

static int validate_free_block(struct machine *m, struct zone *z, struct page *page,
			       unsigned int order, int mt)
{
	unsigned long pfn = page_to_pfn(m, page);
	int problems = 0;

	if (!PageBuddy(page) || buddy_order(page) != order) {
		vbad(m, z, "pfn %#lx on order-%u list: buddy %d order %u", pfn, order,
		     PageBuddy(page), buddy_order(page));
		return problems;
	}
	if (!IS_ALIGNED(pfn, 1UL << order) || !zone_spans_pfn(z, pfn) ||
	    pfn + (1UL << order) > zone_end_pfn(z) || page_zonenum(page) != z->idx ||
	    page_to_nid(page) != zone_to_nid(z))
		vbad(m, z, "pfn %#lx order %u misplaced", pfn, order);
	if (pfn_in_deferred_range(z, pfn))
		vbad(m, z, "pfn %#lx is on a list and in a deferred range", pfn);
	if (order < pageblock_order && get_pfnblock_migratetype(z, pfn) != mt)
		vbad(m, z, "pfn %#lx on %s list in a %s pageblock", pfn, migratetype_names[mt],
		     migratetype_names[get_pfnblock_migratetype(z, pfn)]);
	if (order < MAX_PAGE_ORDER) {
		unsigned long bpfn = pfn ^ (1UL << order);
		struct page *buddy = page + ((long)bpfn - (long)pfn);

		if (zone_spans_pfn(z, bpfn) && PageBuddy(buddy) && buddy_order(buddy) == order &&
		    (order < pageblock_order || (migratetype_is_mergeable(mt) &&
			migratetype_is_mergeable(get_pfnblock_migratetype(z, bpfn)))))
			vbad(m, z, "pfn %#lx and its buddy %#lx both free at order %u",
			     pfn, bpfn, order);
	}
	return problems;
}

static int validate_pcp(struct machine *m, struct zone *z)
{
	int problems = 0, cpu;

	if (!z->per_cpu_pageset)
		return 0;
	for_each_cpu(m, cpu) {
		struct per_cpu_pages *pcp = per_cpu_pageset(m, z, cpu);
		long count = 0;

		for (unsigned int i = 0; i < NR_PCP_LISTS; i++) {
			struct page *page;

			list_for_each_entry(page, &pcp->lists[i], pcp_list) {
				if (PageBuddy(page) || page_zone(m, page) != z)
					vbad(m, z, "pcp page pfn %#lx of cpu %d is buddy or foreign",
					     page_to_pfn(m, page), cpu);
				count += 1L << pindex_to_order(i);
			}
		}
		if (count != pcp->count)
			vbad(m, z, "cpu %d pcp count %d, lists hold %ld", cpu, pcp->count, count);
	}
	return problems;
}

static int validate_deferred(struct machine *m, struct zone *z)
{
	int problems = 0;

	for (int i = 0; i < z->nr_deferred; i++) {
		const struct deferred_range *r = &z->deferred[i];

		if (r->start >= r->end || !IS_ALIGNED(r->start, MAX_ORDER_NR_PAGES) ||
		    !IS_ALIGNED(r->end, MAX_ORDER_NR_PAGES) || r->start < z->zone_start_pfn ||
		    r->end > zone_end_pfn(z) || (i && r->start < z->deferred[i - 1].end))
			vbad(m, z, "deferred range %d [%#lx, %#lx) invalid", i, r->start, r->end);
	}
	return problems;
}

int validate_zone(struct machine *m, struct zone *z)
{
	long free = 0, blocks = 0;
	int problems = 0;

	if (!populated_zone(z))
		return 0;
	problems += validate_deferred(m, z);
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long n = o == MAX_PAGE_ORDER ? zone_deferred_blocks(z) : 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct page *page;

			list_for_each_entry(page, &z->free_area[o].free_list[mt], buddy_list) {
				problems += validate_free_block(m, z, page, o, mt);
				n++;
			}
		}
		if (n != z->free_area[o].nr_free)
			vbad(m, z, "order %u: nr_free %lu, lists hold %lu", o,
			     z->free_area[o].nr_free, n);
		free += (long)(n << o);
		if (o >= pageblock_order)
			blocks += (long)(n << o);
	}
	if (free != zone_page_state(z, NR_FREE_PAGES))
		vbad(m, z, "NR_FREE_PAGES %ld, free lists hold %ld", zone_page_state(z, NR_FREE_PAGES),
		     free);
	if (blocks != zone_page_state(z, NR_FREE_PAGES_BLOCKS))
		vbad(m, z, "NR_FREE_PAGES_BLOCKS %ld, lists hold %ld",
		     zone_page_state(z, NR_FREE_PAGES_BLOCKS), blocks);
	if (z->_watermark[WMARK_MIN] > z->_watermark[WMARK_LOW] ||
	    z->_watermark[WMARK_LOW] > z->_watermark[WMARK_HIGH] ||
	    z->_watermark[WMARK_HIGH] > z->_watermark[WMARK_PROMO])
		vbad(m, z, "watermarks out of order");
	problems += validate_pcp(m, z);
	return problems;
}

int validate_free_areas(struct machine *m)
{
	struct zone *zone;
	int nid, zi, problems = 0;

	for_each_zone(m, zone, nid, zi)
		problems += validate_zone(m, zone);
	return problems;
}

/* THP (issue 7): start_stop_khugepaged's call when THP is switched on at run time. */
void khugepaged_set_min_free_kbytes(struct machine *m)
{
	set_recommended_min_free_kbytes(m);
}
