/*
 * vmalloc.h - virtually contiguous kernel memory (Linux's
 * include/linux/vmalloc.h and the state of mm/vmalloc.c).
 *
 * Addresses: a vmalloc address is a simulated kernel virtual address in
 * [VMALLOC_START, VMALLOC_END] (0xffffc90000000000 + 32 TiB with four
 * levels, 0xffa0000000000000 + 12800 TiB with five), not a host pointer:
 * the simulated kernel reaches the bytes through the page tables of
 * init_mm (vmalloc_to_page, or the MMU's kernel access). Everything here
 * passes kernel addresses as unsigned long; a direct-map address (kmalloc
 * memory, e.g. from kvmalloc) is PAGE_OFFSET_X86_64 + phys, as the public
 * API shows it.
 *
 * Objects (all in simulated memory): struct vmap_area (72 bytes, slab
 * cache "vmap_area") describes a range of kernel virtual addresses; it is
 * on exactly one of: the free tree (augmented with subtree_max_size, the
 * largest free block below), a vmap node's busy tree, a node's lazy tree
 * (unmapped, waiting for the TLB flush of a purge), a node's size pool
 * (purged, ready for reuse), or a per-CPU preload slot. struct vm_struct
 * (kmalloc-96) is what vmalloc/vmap callers own; busy areas point to it.
 *
 * State table of a range:   free --alloc--> busy --vfree/vunmap--> lazy
 *   lazy --purge (flush_tlb_kernel_range)--> pool (<= 1 MiB) or free
 *   pool --alloc of the same size--> busy;  pool --decay--> free
 *
 * Lock order: vmap_purge_lock > busy/lazy/pool locks (never nested with
 * each other) ; free_vmap_area_lock > slab list_lock (the no-edge split may
 * allocate under it). Page tables of init_mm are allocated with no vmap
 * lock held (init_mm.page_table_lock is taken inside pXd_alloc).
 */
#ifndef MMSIM_VMALLOC_H
#define MMSIM_VMALLOC_H

#include <stdint.h>

#include "gfp.h"
#include "list.h"
#include "pgtable.h"
#include "rbtree.h"
#include "spinlock.h"

struct machine;
struct mm_struct;
struct page;
struct seq_buf;

/* vm_struct flags (include/linux/vmalloc.h, Linux 6.18 values). */
#define VM_IOREMAP		0x00000001	/* ioremap() and friends */
#define VM_ALLOC		0x00000002	/* vmalloc() */
#define VM_MAP			0x00000004	/* vmap()ed pages */
#define VM_USERMAP		0x00000008	/* suitable for remap_vmalloc_range */
#define VM_DMA_COHERENT		0x00000010	/* dma_alloc_coherent */
#define VM_UNINITIALIZED	0x00000020	/* not fully set up: /proc skips it */
#define VM_NO_GUARD		0x00000040	/* no guard page after the area */
#define VM_KASAN		0x00000080
#define VM_FLUSH_RESET_PERMS	0x00000100
#define VM_MAP_PUT_PAGES	0x00000200	/* vfree puts the pages and frees the array */
#define VM_ALLOW_HUGE_VMAP	0x00000400	/* may map with 2 MiB pages */
#define VM_DEFER_KMEMLEAK	0x00000800
#define VM_SPARSE		0x00001000

/* The x86-64 vmalloc space (Documentation/arch/x86/x86_64/mm.rst). */
#define VMALLOC_START_L4	0xffffc90000000000UL
#define VMALLOC_SIZE_TB_L4	32UL
#define VMALLOC_START_L5	0xffa0000000000000UL
#define VMALLOC_SIZE_TB_L5	12800UL

/* Kernel page protections (arch/x86/include/asm/pgtable_types.h). */
/* PAGE_KERNEL is global; pti clears _PAGE_GLOBAL (__default_kernel_pte_mask). */
#define __PAGE_KERNEL	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX | \
			 _PAGE_GLOBAL)
#define __PAGE_KERNEL_NOCACHE	(__PAGE_KERNEL | _PAGE_PCD)

/* Size pools of a vmap node: ranges up to 1 MiB, one list per page count. */
#define MAX_VA_SIZE_PAGES	256

/*
 * The caller a vm_struct records (Linux keeps __builtin_return_address and
 * /proc/vmallocinfo prints it with %pS): a kernel-like symbol, offset and
 * function size. Every caller is a static const object.
 */
struct vm_caller {
	const char *sym;
	unsigned int off, size;
};
#define DEFINE_VM_CALLER(var, name, o, s) \
	static const struct vm_caller var = { name, o, s }

struct vm_struct {
	struct vm_struct *next;		/* early registration (unused) */
	unsigned long addr;		/* kernel virtual address */
	unsigned long size;		/* including the guard page */
	unsigned long flags;
	unsigned long pages;		/* kernel address of struct page *[nr_pages] */
	unsigned int page_order;	/* 0, or 9 for a 2 MiB-mapped area */
	unsigned int nr_pages;
	uint64_t phys_addr;		/* ioremap */
	const struct vm_caller *caller;
	unsigned long requested_size;
};

struct vmap_area {
	unsigned long va_start;
	unsigned long va_end;
	struct rb_node rb_node;		/* address sorted rbtree */
	struct list_head list;		/* address sorted list (or a pool list) */
	union {
		unsigned long subtree_max_size;	/* in the free tree */
		struct vm_struct *vm;		/* in a busy tree */
	};
	unsigned long flags;		/* VMAP_RAM and the encoded vmap node id */
};

/* A tree and the address-ordered list of the same nodes, under one lock. */
struct rb_list {
	struct rb_root root;
	struct list_head head;
	spinlock_t lock;
};

struct vmap_pool {
	struct list_head head;
	unsigned long len;
};

/* A vmap node (lock sharding, not NUMA): busy and lazy areas by address zone. */
struct vmap_node {
	struct vmap_pool pool[MAX_VA_SIZE_PAGES];
	spinlock_t pool_lock;
	bool skip_populate;
	struct rb_list busy;
	struct rb_list lazy;
	struct list_head purge_list;
	unsigned long nr_purged;
};

/* mmsim's own counters of the lazy-purge machinery (not Linux counters). */
struct vmalloc_stats {
	unsigned long purges;		/* __purge_vmap_area_lazy runs that flushed */
	unsigned long purged_areas;
	unsigned long purged_pages;
	unsigned long flush_all;	/* flush_tlb_kernel_range that became a full flush */
	unsigned long flush_pages;	/* pages invalidated by ranged kernel flushes */
	unsigned long vmalloc_faults;	/* top-level entries copied (vmalloc_fault=1) */
	unsigned long oopses;		/* kernel accesses that could not be satisfied */
};

/* mm/vmalloc.c's globals, kept in the machine (the kernel image's .bss). */
struct vmap_state {
	bool initialized;
	unsigned long start, end;	/* VMALLOC_START, VMALLOC_END (inclusive) */
	struct kmem_cache *area_cachep;	/* "vmap_area" */
	spinlock_t free_lock;		/* free_vmap_area_lock */
	struct rb_root free_root;
	struct list_head free_list;
	struct vmap_node single;	/* the node before vmap_init_nodes */
	struct vmap_node *nodes;	/* kmalloc'd array, or &single */
	unsigned int nr_nodes;
	unsigned long zone_size;
	struct vmap_area *ne_fit_preload[256];	/* per CPU (MAX_CPUS) */
	unsigned long lazy_nr;		/* vmap_lazy_nr, in pages */
	long nr_vmalloc_pages;		/* VmallocUsed */
	spinlock_t purge_lock;		/* vmap_purge_lock */
	bool drain_pending;		/* drain_vmap_work scheduled */
	struct vmalloc_stats stats;
};

/* Boot (after paging_init): caches, nodes, free space, preallocated tables. */
int vmalloc_init(struct machine *m);
void vmalloc_exit(struct machine *m);

bool is_vmalloc_addr(const struct machine *m, unsigned long addr);
unsigned long vmalloc_total_bytes(const struct machine *m);	/* VMALLOC_TOTAL */
unsigned long vmalloc_nr_pages(const struct machine *m);	/* VmallocUsed, pages */
unsigned long lazy_max_pages(const struct machine *m);

/* Allocation. Each returns a kernel virtual address, or 0 (outcome, logged). */
unsigned long __vmalloc_node_range(struct machine *m, unsigned long size, unsigned long align,
				   unsigned long start, unsigned long end, gfp_t gfp,
				   pteval_t prot, unsigned long vm_flags, int node,
				   const struct vm_caller *caller);
unsigned long __vmalloc_node(struct machine *m, unsigned long size, unsigned long align,
			     gfp_t gfp, int node, const struct vm_caller *caller);
unsigned long vmalloc(struct machine *m, unsigned long size, const struct vm_caller *caller);
unsigned long vzalloc(struct machine *m, unsigned long size, const struct vm_caller *caller);
unsigned long vmalloc_node(struct machine *m, unsigned long size, int node,
			   const struct vm_caller *caller);
unsigned long vmalloc_user(struct machine *m, unsigned long size,
			   const struct vm_caller *caller);
/* vfree of 0 does nothing; of a non-vmalloc address warns, as Linux does. */
void vfree(struct machine *m, unsigned long addr);
/* Map count existing pages contiguously (they stay the caller's). */
unsigned long vmap(struct machine *m, struct page **pages, unsigned int count,
		   unsigned long flags, pteval_t prot, const struct vm_caller *caller);
void vunmap(struct machine *m, unsigned long addr);
/*
 * kvmalloc: kmalloc first (no direct reclaim, no warning above a page),
 * vmalloc (huge mappings allowed) when that fails and size > PAGE_SIZE.
 * Returns a direct-map or vmalloc kernel address, or 0. kvfree frees either.
 */
unsigned long kvmalloc_node(struct machine *m, size_t size, gfp_t gfp, int node,
			    const struct vm_caller *caller);
void kvfree(struct machine *m, unsigned long addr);

struct vm_struct *find_vm_area(struct machine *m, unsigned long addr);
/* The page mapped at a vmalloc address in init_mm, or NULL. */
struct page *vmalloc_to_page(struct machine *m, unsigned long addr);
/* The struct page pointer slot i of an area's page array. */
struct page **vm_area_page_slot(struct machine *m, const struct vm_struct *vm, unsigned int i);
/* Purge every lazily freed area now (vm_unmap_aliases). */
void vm_unmap_aliases(struct machine *m);

/*
 * The kernel-mode #PF hook (arch/x86/mm/fault.c vmalloc_fault, the
 * pre-5.8 x86-64 design, on with the vmalloc_fault boot option): copy the
 * top-level entry for addr from init_mm into mm's pgd. 0 if the fault is
 * fixed, -1 if the address is not mapped in init_mm either.
 */
int vmalloc_fault(struct machine *m, struct mm_struct *mm, unsigned long addr);
/* Is a top-level entry of a process pgd allowed to lag init_mm's? */
bool vmalloc_pgd_entry_lazy(const struct machine *m, unsigned int index);
/* Is addr inside an unmapped area still waiting for its purge (stale TLB ok)? */
bool vmap_addr_unpurged(struct machine *m, unsigned long addr);

/* init_mm's page tables below the vmalloc range, by level. */
struct vmalloc_pgtables { unsigned long p4d, pud, pmd, pte; };
void vmalloc_pgtable_census(struct machine *m, struct vmalloc_pgtables *c);

/* /proc/vmallocinfo. */
void show_vmallocinfo(struct machine *m, struct seq_buf *s);
/* Debug: trees sorted, non-overlapping, augmented values right, counts. */
int validate_vmalloc(struct machine *m);

#endif
