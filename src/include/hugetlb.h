/*
 * hugetlb.h - hugetlb pages: the per-size pools (struct hstate), the
 * hugetlbfs files behind MAP_HUGETLB, and the page-table operations of a
 * VM_HUGETLB mapping (Linux's include/linux/hugetlb.h, mm/hugetlb.c and
 * fs/hugetlbfs/inode.c). Implemented in mm/hugetlb.c (pools, reservations,
 * reports, validation), mm/hugetlb_vma.c (faults, fork, zap, mprotect,
 * mremap) and fs/hugetlbfs/inode.c (the files).
 *
 * Sizes (x86-64): 2 MiB (order 9, mapped by PMD leaves) and 1 GiB (order
 * 18, PUD leaves). 2 MiB is the default hstate (Hugepagesize in meminfo,
 * vm.nr_hugepages) unless default_hugepagesz=1G is given at boot. Gigantic
 * (1 GiB) pages come from memblock at boot only (hugepagesz=1G
 * hugepages=N); this build has no alloc_contig_pages, so the 1 GiB pool
 * cannot grow or gain surplus pages at run time (writes fail with EINVAL,
 * as on a kernel without CONFIG_CONTIG_ALLOC) but can shrink.
 *
 * A pool page is a compound page of the buddy allocator whose head has the
 * PGTY_hugetlb page type. Its states:
 *
 *   free      refcount 0, on hstate->hugepage_freelists[nid]
 *   in use    refcount >= 1, on hstate->hugepage_activelist; mapped by
 *             PMD (PUD) leaves whose number is the folio's entire mapcount
 *             (kept in page[1]._mapcount: -1 = none); anonymous (private
 *             mapping: mapping = anon_vma | 1) or in a hugetlbfs file's
 *             cache (shared: mapping = the address_space, one reference)
 *
 * Counters per hstate and per node, Linux's: nr_huge_pages (free + in use,
 * surplus included), free_huge_pages, resv_huge_pages (promised to
 * mappings, not yet faulted), surplus_huge_pages (beyond the persistent
 * pool: allocated under nr_overcommit_hugepages, freed when released).
 *
 * Reservations (Linux's resv_map): a shared mapping's file keeps a map of
 * the indices that are reserved or hold a page; mmap reserves the indices
 * that are not yet in it. A private mapping's owner VMA keeps a map of the
 * indices it has consumed (faulted); mmap reserves the whole range, the
 * VMA's close gives back what was not consumed. A fork child has no
 * reservations: its faults and COWs take unreserved pages or fail (SIGBUS).
 * MAP_NORESERVE reserves nothing.
 *
 * Invariants (validate_hugetlb): per hstate and node, free + in use ==
 * nr_huge_pages_node, list lengths equal the counters, resv_huge_pages <=
 * free_huge_pages; every hugetlb leaf of every mm maps the head of an
 * in-use pool page whose entire mapcount equals the leaves mapping it.
 */
#ifndef MMSIM_HUGETLB_H
#define MMSIM_HUGETLB_H

#include "list.h"
#include "mm_types.h"

#define HUGE_MAX_HSTATE		2
#define HSTATE_2M		0
#define HSTATE_1G		1
#define HUGETLB_PAGE_ORDER	(PMD_SHIFT - PAGE_SHIFT)	/* 9 */
#define HUGETLB_GIGANTIC_ORDER	(PUD_SHIFT - PAGE_SHIFT)	/* 18 */

/* MAP_HUGETLB's size field: log2 of the page size in bits 26..31. */
#ifndef MAP_HUGE_SHIFT	/* the host's <sys/mman.h> has the same values */
#define MAP_HUGE_SHIFT		26
#define MAP_HUGE_MASK		0x3f
#define MAP_HUGE_2MB		(21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB		(30 << MAP_HUGE_SHIFT)
#endif

struct machine;
struct mmu_gather;
struct file;
struct address_space;
struct seq_buf;
struct kmem_cache;

/* One page size's pool (struct hstate). */
struct hstate {
	unsigned int order;
	unsigned long mask;			/* huge_page_mask */
	char name[32];				/* "hugepages-2048kB" */
	unsigned long max_huge_pages;		/* the persistent pool asked for */
	unsigned long nr_huge_pages;
	unsigned long free_huge_pages;
	long resv_huge_pages;
	unsigned long surplus_huge_pages;
	unsigned long nr_overcommit_huge_pages;
	struct list_head hugepage_activelist;
	struct list_head hugepage_freelists[MAX_NUMNODES];
	unsigned long nr_huge_pages_node[MAX_NUMNODES];
	unsigned long free_huge_pages_node[MAX_NUMNODES];
	unsigned long surplus_huge_pages_node[MAX_NUMNODES];
	int next_nid_to_alloc, next_nid_to_free;
};

/* The machine's hugetlb state (Linux's hstates[] and friends, .data). */
struct hugetlb_state {
	struct hstate hstates[HUGE_MAX_HSTATE];
	int default_hstate_idx;
	bool initialised;
	/* Gigantic pages memblock reserved at boot, waiting for hugetlb_init. */
	unsigned long boot_gigantic_pfn[MAX_NUMNODES * 4];
	int nr_boot_gigantic;
	struct kmem_cache *inode_cachep;	/* "hugetlbfs_inode_cache" */
};

static inline unsigned long huge_page_size(const struct hstate *h)
{
	return PAGE_SIZE << h->order;
}

static inline unsigned long huge_page_mask(const struct hstate *h)
{
	return h->mask;
}

static inline unsigned long pages_per_huge_page(const struct hstate *h)
{
	return 1UL << h->order;
}

static inline bool hstate_is_gigantic(const struct hstate *h)
{
	return h->order > 10;	/* above MAX_PAGE_ORDER */
}

static inline bool is_vm_hugetlb_page(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_HUGETLB;
}

/* The folio's entire mapcount (leaves mapping it), kept in its first tail. */
static inline int hugetlb_mapcount(const struct page *head)
{
	return head[1]._mapcount + 1;
}

/* ---- Pools (mm/hugetlb.c) ---- */

struct hstate *default_hstate(struct machine *m);
struct hstate *size_to_hstate(struct machine *m, unsigned long size);
/* MAP_HUGE_* log (0: the default size): the hstate, or NULL (EINVAL). */
struct hstate *hstate_sizelog(struct machine *m, unsigned int page_size_log);
struct hstate *hstate_vma(const struct vm_area_struct *vma);
struct hstate *hstate_file(const struct file *file);
int hstate_index(struct machine *m, const struct hstate *h);

/* Boot: memblock gigantic pages (before memblock_free_all), then the pools. */
void hugetlb_bootmem_alloc(struct machine *m);
int hugetlb_init(struct machine *m);
void hugetlb_exit(struct machine *m);

/*
 * Resize h's persistent pool to count pages (nid < 0: spread over the
 * nodes round-robin, else on node nid only), as a write to nr_hugepages
 * does: surplus pages become persistent first, then fresh pages come from
 * the buddy allocator (stopping quietly when it fails: the pool ends up
 * smaller than asked); shrinking frees free pages and turns in-use ones
 * into surplus. 0, or -EINVAL (gigantic growth without alloc_contig).
 */
int set_max_huge_pages(struct machine *m, struct hstate *h, unsigned long count, int nid);
int hugetlb_set_overcommit(struct machine *m, struct hstate *h, unsigned long count);

/* Reservation accounting for delta pages (negative: give back). 0 or -ENOMEM. */
int hugetlb_acct_memory(struct machine *m, struct hstate *h, long delta);

/*
 * A pool page for vma at addr (alloc_hugetlb_folio): from its reservation
 * unless avoid_reserve, else from the unreserved free pages or a new
 * surplus page. Refcount 1, not mapped; NULL when there is none (the
 * fault's SIGBUS). The reservation map records the consumption.
 */
struct page *alloc_hugetlb_folio(struct vm_area_struct *vma, unsigned long addr,
				 bool avoid_reserve);
/* The last reference went (put_page): back to the pool or to the buddy. */
void free_huge_folio(struct machine *m, struct page *head);
/* A page the fault allocated but could not map: its reservation returns. */
void restore_reserve_on_error(struct hstate *h, struct vm_area_struct *vma,
			      unsigned long addr, struct page *head);

/* Reports: meminfo's HugePages_* and Hugetlb lines, /sys views. */
void hugetlb_report_meminfo(struct machine *m, struct seq_buf *s);
/* nodeN/meminfo's HugePages_* lines: the default size's pool on that node. */
void hugetlb_report_node_meminfo(const struct machine *m, int nid, struct seq_buf *s);
/*
 * /sys/kernel/mm/hugepages/hugepages-NkB/FILE and
 * /sys/devices/system/node/nodeN/hugepages/hugepages-NkB/FILE: the text,
 * or -ENOENT. Writes (nr_hugepages, nr_overcommit_hugepages) go through
 * hugetlb_sysfs_write: 0 or -errno.
 */
int hugetlb_sysfs_read(struct machine *m, const char *path, struct seq_buf *s);
int hugetlb_sysfs_write(struct machine *m, const char *path, const char *value);

/* vm.nr_hugepages / vm.nr_overcommit_hugepages apply hooks (sysctl.c). */
int hugetlb_sysctl_apply(struct machine *m);
int hugetlb_overcommit_sysctl_apply(struct machine *m);

/* Debug: pool counters and every hugetlb leaf (see above). Problems found. */
int validate_hugetlb(struct machine *m);

/* ---- hugetlbfs files (fs/hugetlbfs/inode.c) ---- */

/* The anonymous file MAP_HUGETLB maps ("/anon_hugepage (deleted)"). */
struct file *hugetlb_file_setup(struct machine *m, unsigned long size, struct hstate *h);
bool is_file_hugepages(const struct file *file);
/*
 * mmap of a hugetlbfs file (hugetlbfs_file_mmap): VM_HUGETLB|VM_DONTEXPAND,
 * the offset must be huge-page aligned, reservations are made. 0, -EINVAL
 * or -ENOMEM (the pool cannot back the reservation).
 */
int hugetlbfs_file_mmap(struct file *file, struct vm_area_struct *vma);
/* get_unmapped_area for a hugetlbfs file: size and alignment of the hstate. */
unsigned long hugetlb_get_unmapped_area(struct mm_struct *mm, struct file *file,
					unsigned long addr, unsigned long len,
					unsigned long pgoff, unsigned long flags);
/* The last reference to the file: its pages and reservations go. */
void hugetlbfs_evict_inode(struct machine *m, struct address_space *mapping);
/* The page cache of a shared hugetlb file: the head at idx (huge-page units) or NULL. */
struct page *hugetlbfs_find_page(struct address_space *mapping, unsigned long idx);
/* Add head at idx with the cache's reference: 0, -EEXIST, or -ENOMEM (no index node). */
int hugetlbfs_add_page(struct address_space *mapping, unsigned long idx, struct page *head);

/* Reservation maps (mm/hugetlb.c): a bitmap of huge-page indices. */
struct resv_map {
	int refs;
	unsigned long nr;		/* indices covered */
	unsigned long bits[];
};
struct resv_map *resv_map_alloc(struct machine *m, unsigned long nr);
void resv_map_put(struct machine *m, struct resv_map *map);
bool resv_map_test(const struct resv_map *map, unsigned long idx);
void resv_map_set(struct resv_map *map, unsigned long idx);
void resv_map_clear(struct resv_map *map, unsigned long idx);
/* Indices set in [from, to). */
unsigned long resv_map_count(const struct resv_map *map, unsigned long from, unsigned long to);

/* vm_private_data of a private hugetlb VMA: resv_map | HPAGE_RESV_* bits. */
#define HPAGE_RESV_OWNER	(1UL << 0)
#define HPAGE_RESV_UNMAPPED	(1UL << 1)
#define HPAGE_RESV_MASK		(HPAGE_RESV_OWNER | HPAGE_RESV_UNMAPPED)
struct resv_map *vma_resv_map(const struct vm_area_struct *vma);
bool is_vma_resv_set(const struct vm_area_struct *vma, unsigned long flag);
/* A huge-page index of the file at addr (vma_hugecache_offset). */
unsigned long vma_hugecache_offset(const struct hstate *h, const struct vm_area_struct *vma,
				   unsigned long addr);

/* ---- VMA operations (mm/hugetlb_vma.c) ---- */

/* vm_ops->may_split: only at huge-page boundaries (-EINVAL). */
int hugetlb_vm_op_split(struct vm_area_struct *vma, unsigned long addr);
/* vm_ops->open (split, copy) and ->close (remove_vma). */
void hugetlb_vm_op_open(struct vm_area_struct *vma);
void hugetlb_vm_op_close(struct vm_area_struct *vma);
/* fork: the child's private VMA forgets the parent's reservations. */
void hugetlb_dup_vma_private(struct vm_area_struct *vma);

/* handle_mm_fault for VM_HUGETLB (returns vm_fault_t bits). */
unsigned int hugetlb_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			   unsigned long address, unsigned int flags);
/* fork's page-table copy of a hugetlb VMA. 0 or -ENOMEM. */
int copy_hugetlb_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);
/* Zap [start, end) of a hugetlb VMA into tlb (munmap, exit, DONTNEED). */
void __unmap_hugepage_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
			    unsigned long start, unsigned long end);
/* mprotect: the new protection on every leaf of [start, end). Leaves changed. */
long hugetlb_change_protection(struct vm_area_struct *vma, unsigned long start,
			       unsigned long end, pgprot_t newprot);
/*
 * mremap's move of the leaves of [old, old + len) to new_addr: the bytes
 * moved (less than len only when a table could not be allocated).
 */
unsigned long move_hugetlb_page_tables(struct vm_area_struct *vma, struct vm_area_struct *new_vma,
				       unsigned long old_addr, unsigned long new_addr,
				       unsigned long len);
/* mremap: the moved-from VMA gives its reservation map to the copy. */
void clear_vma_resv_huge_pages(struct vm_area_struct *vma);
/* mincore: 1 for every 4 KiB page under a present leaf. */
void hugetlb_mincore(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		     unsigned char *vec);
/* GUP's populate of a hugetlb range: fault each huge page. Pages or -errno. */
long hugetlb_populate(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		      bool write);
/* smaps: Shared_Hugetlb / Private_Hugetlb bytes of the VMA. */
void hugetlb_smaps(struct vm_area_struct *vma, unsigned long *shared, unsigned long *priv);
/* The leaf mapping addr in mm (pmd or pud entry, as a pte), or NULL. */
pte_t *huge_pte_offset(const struct mm_struct *mm, unsigned long addr, unsigned long sz);
/* Count the leaves of one mm, for validate_hugetlb: fn per present leaf. */
void hugetlb_walk_leaves(struct mm_struct *mm,
			 void (*fn)(void *arg, struct vm_area_struct *vma, unsigned long addr,
				    pte_t pte),
			 void *arg);

#endif
