/*
 * mmu_gather.c - batching the TLB flush of a tear-down (Linux's
 * mm/mmu_gather.c and asm-generic/tlb.h, with x86's tlb_flush).
 *
 * Whoever clears ptes (zap, free_pgd_range, mprotect, madvise) records the
 * range that lost translations in the gather and hands the pages it
 * unmapped to tlb_remove_page instead of freeing them: another CPU may
 * still hold a TLB entry for them. tlb_flush_mmu flushes the recorded
 * range once (flush_tlb_mm_range) and only then drops the pages'
 * references. Page-table frames are handed over the same way.
 *
 * Batches, as Linux sizes them: the gather holds MMU_GATHER_BUNDLE pages
 * itself; beyond that it takes whole batch pages from the page allocator
 * (GFP_NOWAIT: no reclaim, no warning), at most MAX_GATHER_BATCH_COUNT of
 * them, kept across flushes and returned by tlb_finish_mmu. When no
 * further batch can be had the gather flushes early - so a munmap of more
 * than about 9,700 pages flushes in the middle, exactly as Linux does.
 *
 * Invariants: every page in a batch has had its pte cleared and the range
 * recorded (start < end or freed_tables) before it was added; after
 * tlb_flush_mmu no batch holds a page; after tlb_finish_mmu the gather
 * owns no memory.
 */
#include "memory.h"
#include "swap.h"
#include "tlbflush.h"

static void __tlb_reset_range(struct mmu_gather *tlb)
{
	if (tlb->fullmm) {
		tlb->start = tlb->end = ~0UL;	/* the whole mm is flushed anyway */
	} else {
		tlb->start = tlb->mm->task_size;
		tlb->end = 0;
	}
	tlb->freed_tables = false;
	tlb->cleared_ptes = false;
	tlb->cleared_pmds = false;
}

static void __tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm, bool fullmm)
{
	tlb->mm = mm;
	tlb->fullmm = fullmm;
	tlb->batch_count = 0;
	tlb->local.next = NULL;
	tlb->local.nr = 0;
	tlb->local.max = MMU_GATHER_BUNDLE;
	tlb->active = &tlb->local;
	__tlb_reset_range(tlb);
}

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	__tlb_gather_mmu(tlb, mm, false);
}

void tlb_gather_mmu_fullmm(struct mmu_gather *tlb, struct mm_struct *mm)
{
	__tlb_gather_mmu(tlb, mm, true);
}

static inline void __tlb_adjust_range(struct mmu_gather *tlb, unsigned long addr,
				      unsigned long size)
{
	tlb->start = min(tlb->start, addr);
	tlb->end = max(tlb->end, addr + size);
}

void tlb_flush_pte_range(struct mmu_gather *tlb, unsigned long addr, unsigned long size)
{
	__tlb_adjust_range(tlb, addr, size);
	tlb->cleared_ptes = true;
}

void tlb_flush_pmd_range(struct mmu_gather *tlb, unsigned long addr, unsigned long size)
{
	__tlb_adjust_range(tlb, addr, size);
	tlb->cleared_pmds = true;
}

/* x86's tlb_flush: the recorded range, or everything of a dying mm. */
static void tlb_flush(struct mmu_gather *tlb)
{
	unsigned long start = 0, end = TLB_FLUSH_ALL;
	unsigned int stride_shift = PAGE_SHIFT;

	if (!tlb->fullmm) {
		start = tlb->start;
		end = tlb->end;
	}
	/* tlb_get_unmap_shift: the smallest level that changed sets the stride */
	if (!tlb->cleared_ptes && tlb->cleared_pmds)
		stride_shift = PMD_SHIFT;
	flush_tlb_mm_range(tlb->mm, start, end, stride_shift, tlb->freed_tables);
}

static void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb)
{
	/* Every range adjustment sets one of these. */
	if (!(tlb->freed_tables || tlb->cleared_ptes || tlb->cleared_pmds))
		return;
	tlb_flush(tlb);
	__tlb_reset_range(tlb);
}

/* The TLB no longer reaches the batched pages: drop their references. */
static void tlb_batch_pages_flush(struct mmu_gather *tlb)
{
	struct machine *m = tlb->mm->machine;

	for (struct mmu_gather_batch *b = &tlb->local; b && b->nr; b = b->next) {
		for (unsigned int i = 0; i < b->nr; i++) {
			/* free_pages_and_swap_cache: an unmapped page's slot goes too */
			if (folio_test_swapcache(b->pages[i]))
				free_swap_cache(m, b->pages[i]);
			put_page(m, b->pages[i]);
		}
		b->nr = 0;
	}
	tlb->active = &tlb->local;
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu_tlbonly(tlb);
	tlb_batch_pages_flush(tlb);
}

/* Move to the next batch, allocating one; false when Linux would flush instead. */
static bool tlb_next_batch(struct mmu_gather *tlb)
{
	struct mmu_gather_batch *batch = tlb->active->next;
	struct page *page;

	if (batch) {
		tlb->active = batch;
		return true;
	}
	if (tlb->batch_count == MAX_GATHER_BATCH_COUNT)
		return false;
	page = alloc_pages(tlb->mm->machine, GFP_NOWAIT | __GFP_NOWARN, 0);
	if (!page)
		return false;
	batch = page_address(tlb->mm->machine, page);
	tlb->batch_count++;
	batch->next = NULL;
	batch->nr = 0;
	batch->max = MAX_GATHER_BATCH;
	tlb->active->next = batch;
	tlb->active = batch;
	return true;
}

void tlb_batch_full(struct mmu_gather *tlb)
{
	if (!tlb_next_batch(tlb))
		tlb_flush_mmu(tlb);
}

void tlb_remove_page(struct mmu_gather *tlb, struct page *page)
{
	VM_BUG_ON(tlb->active->nr >= tlb->active->max);
	VM_BUG_ON(!tlb->fullmm && tlb->start >= tlb->end && !tlb->freed_tables);
	__tlb_remove_page(tlb, page);
}

/* tlb_batch_list_free: the batch pages go back to the allocator. */
static void tlb_batch_list_free(struct mmu_gather *tlb)
{
	struct machine *m = tlb->mm->machine;
	struct mmu_gather_batch *b, *next;

	for (b = tlb->local.next; b; b = next) {
		next = b->next;
		free_pages(m, b, 0);
	}
	tlb->local.next = NULL;
	tlb->batch_count = 0;
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu(tlb);
	tlb_batch_list_free(tlb);
}
