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
 *   unevictable   : as "in use", but mlock_count in place of lru (swap.c)
 * An all-zero struct page is a frame whose descriptor was never initialised
 * (deferred, see mm_init.c); nothing may look at it before it is.
 */
#ifndef MMSIM_MM_TYPES_H
#define MMSIM_MM_TYPES_H

#include <stddef.h>

#include "list.h"
#include "rbtree.h"
#include "spinlock.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PFN_DOWN(x)	((x) >> PAGE_SHIFT)
#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(x)	((uint64_t)(x) << PAGE_SHIFT)
#define PAGE_ALIGN(x)	ALIGN((unsigned long)(x), PAGE_SIZE)

#include "pgtable.h"

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
	/* rmap=pte_chain (2.5's PG_direct): memcg_data is the one pte, not a chain */
	PG_direct = PG_arch_1,
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
				struct {	/* unevictable (swap.c): on no list */
					void *__filler;	/* even: never reads as PageTail */
					unsigned int mlock_count;	/* mlocked VMAs mapping it */
				};
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
			/*
			 * First tail of a THP (huge_mm.h), over mapping, index
			 * and private: all mappings (a PMD counts 1, a pte 1),
			 * the PMD mappings, the subpages mapped by ptes.
			 */
			long _large_mapcount;
			long _entire_mapcount;
			long _nr_pages_mapped;
		};
		struct {	/* second tail of a THP: the deferred split queue */
			unsigned long __compound_head_2;
			unsigned long __unused_2;
			struct list_head _deferred_list;	/* over mapping, index */
			unsigned long _partially_mapped;	/* over private */
		};
	};
	union {
		int _mapcount;
		unsigned int page_type;
	};
	int _refcount;
	unsigned long memcg_data;	/* rmap=pte_chain: the chain or direct pte */
};
/* The THP fields of the first two tails lie over mapping/index/private (huge_mm.h). */
BUILD_BUG_ON(offsetof(struct page, _large_mapcount) != offsetof(struct page, mapping));
BUILD_BUG_ON(offsetof(struct page, _entire_mapcount) != offsetof(struct page, index));
BUILD_BUG_ON(offsetof(struct page, _nr_pages_mapped) != offsetof(struct page, private));
BUILD_BUG_ON(offsetof(struct page, _partially_mapped) != offsetof(struct page, private));
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


/*
 * page->mapping of an anonymous page is its anon_vma with this bit set
 * (PAGE_MAPPING_ANON); index is the page's linear page offset in that
 * anon_vma (vma->vm_pgoff + (addr - vm_start) / PAGE_SIZE at first fault).
 */
#define PAGE_MAPPING_ANON	0x1UL
static inline bool PageAnon(const struct page *p)
{
	/* a THP's subpages are anonymous as their folio is (the tails' words are its counts) */
	const struct page *head = compound_head((struct page *)p);

	return ((unsigned long)head->mapping & PAGE_MAPPING_ANON) != 0;
}

/* _mapcount is -1 when no pte maps the page; page_mapcount counts ptes. */
static inline int page_mapcount(const struct page *p) { return p->_mapcount + 1; }
static inline bool page_mapped(const struct page *p) { return p->_mapcount >= 0; }

PAGEFLAG(AnonExclusive, anon_exclusive)
PAGEFLAG(Direct, direct)

/* ---------------------------------------------------------------------- */
/* Address spaces: VMAs and mm_struct (include/linux/mm_types.h).          */
/* ---------------------------------------------------------------------- */

typedef unsigned long vm_flags_t;

/* vm_flags bits, Linux's values (include/linux/mm.h). */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_UFFD_MISSING	0x00000200UL
#define VM_PFNMAP	0x00000400UL
#define VM_UFFD_WP	0x00001000UL
#define VM_LOCKED	0x00002000UL
#define VM_IO		0x00004000UL
#define VM_SEQ_READ	0x00008000UL
#define VM_RAND_READ	0x00010000UL
#define VM_DONTCOPY	0x00020000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_LOCKONFAULT	0x00080000UL
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL
#define VM_HUGETLB	0x00400000UL
#define VM_SYNC		0x00800000UL
#define VM_ARCH_1	0x01000000UL
#define VM_WIPEONFORK	0x02000000UL
#define VM_DONTDUMP	0x04000000UL
#define VM_SOFTDIRTY	0x08000000UL
#define VM_MIXEDMAP	0x10000000UL
#define VM_HUGEPAGE	0x20000000UL
#define VM_NOHUGEPAGE	0x40000000UL
#define VM_MERGEABLE	0x80000000UL
/* 64-bit only (VM_HIGH_ARCH_8): MAP_DROPPABLE memory, dropped rather than swapped. */
#define VM_DROPPABLE	0x10000000000UL

#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_STACK	VM_GROWSDOWN
#define VM_LOCKED_MASK	(VM_LOCKED | VM_LOCKONFAULT)
/* Mappings of no struct pages or of a driver's: never merged, mlocked or expanded. */
#define VM_SPECIAL	(VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)
/* Flags that never prevent a merge (VM_IGNORE_MERGE). */
#define VM_IGNORE_MERGE	VM_SOFTDIRTY
/*
 * Default flags of data mappings (brk, bss) and the stack: x86-64's
 * VM_DATA_FLAGS_TSK_EXEC without READ_IMPLIES_EXEC, so no VM_EXEC (the
 * heap is "rw-p" in maps).
 */
#define VM_DATA_DEFAULT_FLAGS	(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define VM_STACK_FLAGS	(VM_GROWSDOWN | VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | \
			 VM_MAYEXEC | VM_ACCOUNT)

struct mm_struct;
struct anon_vma;
struct file;
struct address_space;
struct task_struct;
struct mempolicy;

struct vm_area_struct {
	unsigned long vm_start;		/* first byte */
	unsigned long vm_end;		/* one past the last byte */
	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;		/* vm_get_page_prot(vm_flags) */
	vm_flags_t vm_flags;
	struct rb_node vm_rb;		/* in mm->mm_rb by address */
	unsigned long rb_subtree_gap;	/* largest gap before any vma in this subtree */
	union {
		struct list_head anon_vma_chain; /* rmap=anon_vma_chain: its chains */
		struct list_head anon_vma_node;	/* rmap=anon_vma: on anon_vma->head */
	};
	struct anon_vma *anon_vma;	/* NULL until the first anonymous fault */
	struct {			/* in vm_file's i_mmap interval tree */
		struct rb_node rb;
		unsigned long rb_subtree_last;
	} shared;
	unsigned long vm_pgoff;		/* offset in the file (or anon index) in pages */
	struct file *vm_file;		/* backing file or shmem object, or NULL */
	/* Special mappings (_install_special_mapping: "[vvar]", "[vdso]"): the
	 * name maps shows, a static string; NULL for every other VMA. */
	const char *vm_special_name;
	struct mempolicy *vm_policy;	/* NUMA policy, NULL: the task's (mempolicy.h) */
	/* hugetlb (mm/hugetlb.c): a private mapping's resv_map | HPAGE_RESV_* bits */
	void *vm_private_data;
	/* swap (issue 5): VMA readahead's last fault address, window, hits (swap_state.c) */
	unsigned long swap_readahead_info;
};

/* Per-mm RSS counters (enum in include/linux/mm_types_task.h). */
enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

/* mm->flags bits. */
#define MMF_DUMPABLE		0
#define MMF_VM_HUGEPAGE		17	/* registered with khugepaged */
#define MMF_HAS_PINNED		27
/* OOM killer (mm/oom_kill.c) */
#define MMF_OOM_SKIP		21	/* reaped, or never reapable: not chosen again */
#define MMF_UNSTABLE		22	/* the reaper took pages the owner may not see again */
#define MMF_OOM_REAP_QUEUED	25	/* handed to the OOM reaper */
#define MMF_OOM_VICTIM		28	/* some task of this mm was an OOM victim */
#define MMF_DISABLE_THP		24

#define MM_CPUMASK_WORDS	(MAX_CPUS_MM / 64)
#define MAX_CPUS_MM		256

struct mm_struct {
	struct machine *machine;
	struct rb_root mm_rb;		/* VMAs by address */
	unsigned long highest_vm_end;	/* end of the highest VMA */
	int map_count;			/* number of VMAs */
	int mm_users;			/* tasks (threads) using this mm */
	int mm_count;			/* references to the struct itself */
	pgd_t *pgd;			/* top-level table (through the direct map) */
	unsigned long mmap_base;	/* top of the mmap area (top-down layout) */
	unsigned long mmap_legacy_base;
	unsigned long task_size;	/* TASK_SIZE for this mm */
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;
	long rss_stat[NR_MM_COUNTERS];
	unsigned long hiwater_rss;	/* peak RSS (pages) */
	unsigned long hiwater_vm;	/* peak total_vm (pages) */
	unsigned long total_vm;		/* pages mapped */
	unsigned long locked_vm;	/* pages with VM_LOCKED */
	unsigned long pinned_vm;
	unsigned long data_vm;		/* private writable, not stack */
	unsigned long exec_vm;		/* executable, not writable, not stack */
	unsigned long stack_vm;		/* VM_STACK */
	long pgtables_bytes;		/* page-table frames of this mm, in bytes */
	vm_flags_t def_flags;		/* VM_LOCKED after mlockall(MCL_FUTURE) ... */
	unsigned long flags;		/* MMF_* */
	spinlock_t mmap_lock;		/* LOCK_MMAP */
	spinlock_t page_table_lock;	/* LOCK_PTL: upper tables and counters */
	struct list_head mmlist;	/* machine->mm_list: every live mm */
	uint64_t cpumask[MM_CPUMASK_WORDS]; /* CPUs that may cache this mm's TLB entries */
	uint64_t ctx_id;		/* unique per mm, never reused (PCID matching) */
	uint64_t tlb_gen;		/* bumped by every flush request */
	struct task_struct *owner;	/* the thread-group leader */
	long hugetlb_usage;		/* base pages mapped by hugetlb leaves (HugetlbPages) */
	/* THP (issue 7): the pte tables deposited with PMD-mapped THPs (pmd_huge_pte) */
	struct page *pmd_huge_pte;
	long nr_thp_deposited;
};

static inline void mm_cpumask_set(struct mm_struct *mm, int cpu)
{
	mm->cpumask[cpu / 64] |= 1ULL << (cpu % 64);
}
static inline void mm_cpumask_clear(struct mm_struct *mm, int cpu)
{
	mm->cpumask[cpu / 64] &= ~(1ULL << (cpu % 64));
}
static inline bool mm_cpumask_test(const struct mm_struct *mm, int cpu)
{
	return (mm->cpumask[cpu / 64] >> (cpu % 64)) & 1;
}

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* The page offset address has in vma's object (anon: its linear index). */
static inline unsigned long linear_page_index(const struct vm_area_struct *vma,
					      unsigned long address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return vma->vm_file == NULL;
}

static inline unsigned long get_mm_counter(const struct mm_struct *mm, int member)
{
	return (unsigned long)mm->rss_stat[member];
}

static inline unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}

static inline void update_hiwater_rss(struct mm_struct *mm)
{
	unsigned long rss = get_mm_rss(mm);

	if (mm->hiwater_rss < rss)
		mm->hiwater_rss = rss;
}

static inline void update_hiwater_vm(struct mm_struct *mm)
{
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
}

static inline void add_mm_counter(struct mm_struct *mm, int member, long value)
{
	mm->rss_stat[member] += value;
}
#define inc_mm_counter(mm, member) add_mm_counter(mm, member, 1)
#define dec_mm_counter(mm, member) add_mm_counter(mm, member, -1)

/* The RSS counter of a mapped non-anonymous page (mm_counter_file). */
static inline int mm_counter_file(const struct page *page)
{
	return PageSwapBacked(page) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

static inline int mm_counter(const struct page *page)
{
	return PageAnon(page) ? MM_ANONPAGES : mm_counter_file(page);
}

#endif
