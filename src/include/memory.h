/*
 * memory.h - page faults, tear-down and copying of user page tables
 * (mm/memory.c, mm/gup.c, mm/mmu_gather.c; asm-generic/tlb.h).
 *
 * handle_mm_fault is the one entry for faults: from the MMU
 * (do_user_addr_fault) and from GUP (populate, mlock). It counts pgfault
 * and the task's min_flt/maj_flt exactly where mm_account_fault does
 * (m->current is the task charged).
 *
 * Data: in data mode a new anonymous page is zeroed and a COW copies the
 * bytes; in metadata-only mode neither happens (the frames' contents are
 * undefined and user reads are refused by the API).
 *
 * Invariants kept here: a page's _mapcount + 1 equals the number of ptes
 * mapping it; its refcount is at least that plus one per page-cache or
 * swap-cache reference; RSS counters equal what the ptes map (file, anon,
 * shmem, swap entries); the zero page is mapped only read-only and special
 * and counted nowhere.
 */
#ifndef MMSIM_MEMORY_H
#define MMSIM_MEMORY_H

#include "mm.h"

typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM		0x000001
#define VM_FAULT_SIGBUS		0x000002
#define VM_FAULT_MAJOR		0x000004
#define VM_FAULT_HWPOISON	0x000010
#define VM_FAULT_HWPOISON_LARGE	0x000020
#define VM_FAULT_SIGSEGV	0x000040
#define VM_FAULT_NOPAGE		0x000100
#define VM_FAULT_LOCKED		0x000200
#define VM_FAULT_RETRY		0x000400
#define VM_FAULT_FALLBACK	0x000800
#define VM_FAULT_DONE_COW	0x001000
#define VM_FAULT_COMPLETED	0x004000
#define VM_FAULT_ERROR	(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | \
			 VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE)

#define FAULT_FLAG_WRITE	0x0001
#define FAULT_FLAG_MKWRITE	0x0002
#define FAULT_FLAG_ALLOW_RETRY	0x0004
#define FAULT_FLAG_RETRY_NOWAIT	0x0008
#define FAULT_FLAG_KILLABLE	0x0010
#define FAULT_FLAG_TRIED	0x0020
#define FAULT_FLAG_USER		0x0040
#define FAULT_FLAG_REMOTE	0x0080
#define FAULT_FLAG_INSTRUCTION	0x0100
#define FAULT_FLAG_INTERRUPTIBLE 0x0200
#define FAULT_FLAG_UNSHARE	0x0400

/* The fault. Accounts pgfault and current's min/maj_flt. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags);

/*
 * mmu_gather: batch the TLB flush of a tear-down and free the pages only
 * after it (so no CPU can still reach them), as asm-generic/tlb.h does.
 * Batches are Linux's: MMU_GATHER_BUNDLE pages in the gather itself, then
 * up to MAX_GATHER_BATCH_COUNT batch pages taken from the page allocator
 * (GFP_NOWAIT, kept until tlb_finish_mmu); when no further batch can be
 * had the gather flushes early, so a large munmap flushes when Linux does.
 * Page-table frames (free_pgd_range) go through the same batches.
 */
#define MMU_GATHER_BUNDLE	8
struct mmu_gather_batch {
	struct mmu_gather_batch *next;
	unsigned int nr, max;
	struct page *pages[];
};
#define MAX_GATHER_BATCH	\
	((PAGE_SIZE - sizeof(struct mmu_gather_batch)) / sizeof(struct page *))
#define MAX_GATHER_BATCH_COUNT	(10000UL / MAX_GATHER_BATCH)

struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end;	/* range to flush; start > end: nothing yet */
	bool fullmm;			/* the whole mm is going (exit) */
	bool freed_tables;
	bool cleared_ptes, cleared_pmds; /* what changed: the flush stride */
	unsigned int batch_count;	/* batch pages allocated */
	struct mmu_gather_batch *active;
	struct mmu_gather_batch local;	/* the bundle: __pages follows it */
	struct page *__pages[MMU_GATHER_BUNDLE];
};
void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm);
void tlb_gather_mmu_fullmm(struct mmu_gather *tlb, struct mm_struct *mm);
/* Note that [addr, addr + size) lost translations. */
void tlb_flush_pte_range(struct mmu_gather *tlb, unsigned long addr, unsigned long size);
/* The same for a pmd entry (a freed pte table: pte_free_tlb): flush stride PMD_SIZE. */
void tlb_flush_pmd_range(struct mmu_gather *tlb, unsigned long addr, unsigned long size);
/* Drop the page's reference after the flush (flushes early when full). */
void tlb_remove_page(struct mmu_gather *tlb, struct page *page);
/* The active batch is full: move to the next one, or flush (mmu_gather.c). */
void tlb_batch_full(struct mmu_gather *tlb);

/* The inline halves of the above for zap's loop (tlb_remove_tlb_entry). */
static inline void tlb_remove_tlb_entry(struct mmu_gather *tlb, unsigned long addr)
{
	if (addr < tlb->start)
		tlb->start = addr;
	if (addr + PAGE_SIZE > tlb->end)
		tlb->end = addr + PAGE_SIZE;
	tlb->cleared_ptes = true;
}

static inline void __tlb_remove_page(struct mmu_gather *tlb, struct page *page)
{
	struct mmu_gather_batch *batch = tlb->active;

	batch->pages[batch->nr++] = page;
	if (unlikely(batch->nr == batch->max))
		tlb_batch_full(tlb);
}
void tlb_flush_mmu(struct mmu_gather *tlb);
void tlb_finish_mmu(struct mmu_gather *tlb);

/*
 * Zap the ptes of [start, end) in the VMAs from vma on (those overlapping
 * the range): drop rmap, RSS, references; swap entries freed. Tables stay.
 */
void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *vma, unsigned long start,
		unsigned long end);
/* One VMA's range, flushing by itself (MADV_DONTNEED). */
void zap_page_range_single(struct vm_area_struct *vma, unsigned long address,
			   unsigned long size);

/*
 * fork: copy src_vma's page tables into dst_vma's mm (dst_vma is its
 * copy), write-protecting private COW pages in both, sharing pages with
 * exact refcount/mapcount; PageAnonExclusive cleared on shared anon
 * pages. 0 or -ENOMEM.
 */
int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);

/*
 * GUP's populate: fault in [start, end) of vma as a write (if writable
 * and private-writable, or FOLL_WRITE asked) or read. Returns the pages
 * now present, or -errno. Faults are accounted to m->current.
 */
long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, bool write);

/* Copy the bytes of one page to another (data mode; no-op otherwise). */
void copy_user_highpage(struct machine *m, struct page *to, struct page *from);
void clear_user_highpage(struct machine *m, struct page *page);

/*
 * folio_mark_accessed (mm/swap.c in Linux): referenced on a first access,
 * moved to the active list on the next (PGACTIVATE). GUP's FOLL_TOUCH and
 * the zap of a young file pte use it.
 */
void mark_page_accessed(struct machine *m, struct page *page);

/* The page a present pte maps, or NULL for special ptes (zero page). */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte);

/*
 * Debug: walk every mm's page tables and check each mapped page's
 * _mapcount and refcount against the ptes that map it, each mm's RSS
 * counters against a recount, pgtables_bytes against the tables found.
 * Returns the number of problems (reported in the log).
 */
int validate_user_pages(struct machine *m);

/* The zero page (empty_zero_page). */
static inline bool is_zero_pfn(const struct machine *m, unsigned long pfn)
{
	return pfn == m->zero_pfn;
}

#endif
