/*
 * mm_types.h - struct page, the descriptor of one physical frame.
 *
 * One struct page per 4 KiB frame, in the vmemmap (see mm_init.c): the
 * descriptors themselves live in simulated frames that memblock reserved,
 * exactly as Linux's SPARSEMEM_VMEMMAP does, so their cost shows in MemTotal
 * and nr_memmap_boot_pages. The layout follows Linux 6.x and is 64 bytes
 * (static_assert below): the size bounds the largest machine we simulate.
 *
 * Which union member is live depends on what the frame is:
 *   free (buddy)  : PGTY_buddy type, buddy_list on a free_area list, private = order
 *   per-CPU list  : pcp_list on a per_cpu_pages list, private = order
 *   slab          : PGTY_slab type, slab_cache/slab_list/freelist/counters
 *   compound tail : compound_head = head | 1
 *   in use, other : lru/mapping/index/private for the owner (anon, page cache)
 * An all-zero struct page is a frame whose descriptor was never initialised
 * (deferred, see mm_init.c); nothing may look at it before it is.
 */
#ifndef MMSIM_MM_TYPES_H
#define MMSIM_MM_TYPES_H

#include "list.h"
#include "spinlock.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PFN_DOWN(x)	((x) >> PAGE_SHIFT)
#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(x)	((uint64_t)(x) << PAGE_SHIFT)

/* Page flags, bit numbers in page->flags (include/linux/page-flags.h). */
enum pageflags {
	PG_locked,
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_owner_2,
	PG_arch_1,
	PG_reserved,
	PG_private,
	PG_private_2,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_dropbehind,
	PG_mlocked,
	PG_hwpoison,
	PG_young,
	PG_idle,
	__NR_PAGEFLAGS,
	PG_swapcache = PG_owner_priv_1,
	PG_anon_exclusive = PG_owner_2,
};

/* Node and zone live in the top bits of page->flags, as Linux puts them. */
#define NODES_SHIFT	6
#define MAX_NUMNODES	(1 << NODES_SHIFT)
#define ZONES_SHIFT	3
#define ZONES_PGSHIFT	(64 - ZONES_SHIFT)
#define NODES_PGSHIFT	(ZONES_PGSHIFT - NODES_SHIFT)
#define ZONES_MASK	((1UL << ZONES_SHIFT) - 1)
#define NODES_MASK	((1UL << NODES_SHIFT) - 1)
BUILD_BUG_ON(__NR_PAGEFLAGS > NODES_PGSHIFT);

/*
 * Page types (6.12+): kept in the top byte of page_type, which shares its
 * word with _mapcount; an untyped page's word is a mapcount (-1 = unmapped).
 */
enum pagetype {
	PGTY_buddy = 0xf0,
	PGTY_offline = 0xf1,
	PGTY_table = 0xf2,
	PGTY_guard = 0xf3,
	PGTY_hugetlb = 0xf4,
	PGTY_slab = 0xf5,
	PGTY_zsmalloc = 0xf6,
	PGTY_unaccepted = 0xf7,
	PGTY_large_kmalloc = 0xf8,
	PGTY_mapcount_underflow = 0xff,
};

struct kmem_cache;

struct page {
	unsigned long flags;
	union {
		struct {	/* free, per-CPU, anon, page cache */
			union {
				struct list_head lru;
				struct list_head buddy_list;
				struct list_head pcp_list;
			};
			void *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct {	/* slab (Linux overlays struct slab here) */
			struct kmem_cache *slab_cache;
			struct list_head slab_list;
			void *freelist;
			union {
				unsigned long counters;
				struct {
					unsigned int inuse : 16;
					unsigned int objects : 15;
					unsigned int frozen : 1;
				};
			};
		};
		struct {	/* tail pages of a compound page */
			unsigned long compound_head;	/* head | 1 */
			unsigned char compound_order;	/* first tail only */
		};
	};
	union {
		int _mapcount;
		unsigned int page_type;
	};
	int _refcount;
	unsigned long memcg_data;	/* rmap=pte_chain: the chain or direct pte */
};
_Static_assert(sizeof(struct page) == 64, "struct page must stay 64 bytes");

static inline bool test_bit_flag(const struct page *p, int bit)
{
	return (p->flags >> bit) & 1;
}

#define PAGEFLAG(Name, bit)						\
static inline bool Page##Name(const struct page *p)			\
{ return test_bit_flag(p, PG_##bit); }					\
static inline void SetPage##Name(struct page *p)			\
{ p->flags |= 1UL << PG_##bit; }					\
static inline void ClearPage##Name(struct page *p)			\
{ p->flags &= ~(1UL << PG_##bit); }

PAGEFLAG(Locked, locked)
PAGEFLAG(Referenced, referenced)
PAGEFLAG(Uptodate, uptodate)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(LRU, lru)
PAGEFLAG(Head, head)
PAGEFLAG(Active, active)
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Private, private)
PAGEFLAG(Reclaim, reclaim)
PAGEFLAG(SwapBacked, swapbacked)
PAGEFLAG(Unevictable, unevictable)
PAGEFLAG(Mlocked, mlocked)
PAGEFLAG(Writeback, writeback)
PAGEFLAG(Workingset, workingset)

/* Page types. */
static inline bool page_has_type(const struct page *p, enum pagetype t)
{
	return (p->page_type >> 24) == (unsigned int)t;
}

static inline void __SetPageType(struct page *p, enum pagetype t)
{
	p->page_type = (unsigned int)t << 24;
}

static inline void __ClearPageType(struct page *p)
{
	p->_mapcount = -1;
}

#define PAGE_TYPE_OPS(Name, type)					\
static inline bool Page##Name(const struct page *p)			\
{ return page_has_type(p, PGTY_##type); }				\
static inline void __SetPage##Name(struct page *p)			\
{ __SetPageType(p, PGTY_##type); }					\
static inline void __ClearPage##Name(struct page *p)			\
{ __ClearPageType(p); }

PAGE_TYPE_OPS(Buddy, buddy)
PAGE_TYPE_OPS(Table, table)
PAGE_TYPE_OPS(Slab, slab)
PAGE_TYPE_OPS(Guard, guard)
PAGE_TYPE_OPS(Hugetlb, hugetlb)
PAGE_TYPE_OPS(LargeKmalloc, large_kmalloc)

/* Reference counts (no atomics: one host thread; see spinlock.h). */
static inline int page_ref_count(const struct page *p) { return p->_refcount; }
static inline void set_page_count(struct page *p, int v) { p->_refcount = v; }
static inline void page_ref_inc(struct page *p) { p->_refcount++; }
static inline bool page_ref_dec_and_test(struct page *p) { return --p->_refcount == 0; }
static inline void init_page_count(struct page *p) { p->_refcount = 1; }

/* Compound pages. */
static inline bool PageTail(const struct page *p)
{
	return p->compound_head & 1;
}

static inline struct page *compound_head(struct page *p)
{
	unsigned long head = p->compound_head;

	return (head & 1) ? (struct page *)(head - 1) : p;
}

static inline bool PageCompound(const struct page *p)
{
	return PageHead(p) || PageTail(p);
}

static inline unsigned int compound_order(const struct page *p)
{
	return PageHead(p) ? p[1].compound_order : 0;
}

/* Zone and node bits. */
static inline unsigned int page_zonenum(const struct page *p)
{
	return (p->flags >> ZONES_PGSHIFT) & ZONES_MASK;
}

static inline int page_to_nid(const struct page *p)
{
	return (int)((p->flags >> NODES_PGSHIFT) & NODES_MASK);
}

static inline void set_page_links(struct page *p, unsigned int zone, int nid)
{
	p->flags &= ~((ZONES_MASK << ZONES_PGSHIFT) | (NODES_MASK << NODES_PGSHIFT));
	p->flags |= ((unsigned long)zone << ZONES_PGSHIFT) |
		    ((unsigned long)nid << NODES_PGSHIFT);
}

#endif
