/*
 * mmu_batch.c - many user accesses of one task in one call: the replay of
 * a trace (mmsim_access_batch). The per-access work is what the hardware
 * does on a TLB hit - one set lookup and a rights check - and nothing
 * else: the task is entered once, the hit counter is kept in a register
 * and added once, and no data moves (touch semantics). *pages counts the
 * page accesses made (a hit is one), for the caller's clock charge, the
 * same count mmsim_touch() charges. Anything that is
 * not a plain 4 KiB hit (a miss, a write through a clean entry, an access
 * straddling pages, an address above task_size) goes to mmu_access(),
 * the one general path, so the two can never disagree on an outcome.
 *
 * Called with the task entered on its CPU (task_enter) and no lock held,
 * as mmu_access() is.
 */
#include "mm.h"
#include "sched.h"
#include "tlb_internal.h"
#include "mmsim/mmsim.h"

/* acc bits by enum mmsim_access_kind: load, store, modify (a write), fetch. */
static const unsigned int kind_acc[4] = { ACC_READ, ACC_WRITE, ACC_WRITE, ACC_EXEC };

/* Rights a hit needs (U, and RW+D to write) and the one it must lack (NX to fetch). */
static const pteval_t kind_need[4] = {
	_PAGE_USER, _PAGE_USER | _PAGE_RW | _PAGE_DIRTY, _PAGE_USER | _PAGE_RW | _PAGE_DIRTY,
	_PAGE_USER,
};
static const pteval_t kind_forbid[4] = { 0, 0, 0, _PAGE_NX };

/* The pages of [addr, addr + size) an access went through, to a signal's address. */
static uint64_t pages_touched(unsigned long addr, uint32_t size, int ret,
			      const struct ksiginfo *si)
{
	unsigned long last = addr + size - 1;

	if (ret)
		last = si->signo && si->addr >= addr && si->addr <= last ? si->addr : addr;
	return ((last >> PAGE_SHIFT) - (addr >> PAGE_SHIFT)) + 1;
}

int mmu_access_batch(struct task_struct *t, const struct mmsim_access *acc, size_t n,
		     size_t *done, struct ksiginfo *si, uint64_t *pages)
{
	struct cpu_tlbstate *ts = cpu_tlbstate(t->machine, t->cpu);
	unsigned long task_size = t->mm->task_size;
	uint64_t hits = 0, slow_pages = 0;
	size_t i;
	int ret = 0;

	VM_BUG_ON(t->machine->current != t || ts->loaded_mm != t->mm);
	si->signo = 0;
	for (i = 0; i < n; i++) {
		unsigned long addr = acc[i].addr;
		unsigned int k = acc[i].kind & 3;
		pteval_t *e;

		if (likely((addr & ~PAGE_MASK) + acc[i].size <= PAGE_SIZE && addr < task_size)) {
			e = tlb_lookup4k(ts, addr >> PAGE_SHIFT);
			if (likely(e && (*e & kind_need[k]) == kind_need[k] && !(*e & kind_forbid[k]))) {
				hits++;
				continue;
			}
		}
		ret = mmu_access(t, addr, NULL, acc[i].size, kind_acc[k], si, NULL);
		slow_pages += pages_touched(addr, acc[i].size, ret, si);
		if (unlikely(ret))
			break;
	}
	ts->stats.hits += hits;
	*done = i;
	*pages = hits + slow_pages;
	return ret;
}
