/*
 * tlbflush.h - the simulated MMU: per-CPU TLBs, the hardware page walk,
 * context switches and TLB flushes (arch/x86/mm/tlb.c, arch/x86/mm/fault.c
 * and the hardware they drive). Implemented in mm/tlb.c and mm/mmu.c.
 *
 * The TLB is hardware state, so it lives in host memory (machine->tlbstate),
 * not in simulated frames. Each CPU has a set-associative 4 KiB TLB and a
 * small 2 MiB TLB, entries tagged by PCID when the pcid boot option is on.
 * Like Linux, each CPU keeps TLB_NR_DYN_ASIDS recently used mms and the
 * flush generation it has seen for each; switching back to one of them with
 * PCID keeps its entries unless a flush was requested meanwhile.
 *
 * Counters (vmstat, CONFIG_DEBUG_TLBFLUSH's names): nr_tlb_local_flush_all,
 * nr_tlb_local_flush_one, nr_tlb_remote_flush, nr_tlb_remote_flush_received,
 * counted where Linux counts them (flush_tlb_mm_range, flush_tlb_func).
 *
 * Invariant: a TLB entry never grants more than the pte it was filled from
 * (write only if that pte had RW and Dirty; user only with U); after a
 * flush of a range returns, no CPU can use an entry for it (an ASID slot of
 * an mm not running there may keep stale entries, but its tlb_gen is then
 * behind and switch_mm flushes it before it is used, as on Linux).
 */
#ifndef MMSIM_TLBFLUSH_H
#define MMSIM_TLBFLUSH_H

#include "mm.h"

#define TLB_NR_DYN_ASIDS	6
#define TLB_FLUSH_ALL		(~0UL)
/* Above this many pages a range flush becomes a full flush (tlb_single_page_flush_ceiling). */
#define TLB_SINGLE_PAGE_FLUSH_CEILING	33

/* What an access wants (the x86 page-fault error code's meaning). */
#define ACC_READ	0x0
#define ACC_WRITE	0x1
#define ACC_EXEC	0x2
/* For do_user_addr_fault: the page was present, the rights fell short (X86_PF_PROT). */
#define ACC_PROT	0x4

/* Signals an access can raise (include/uapi/asm-generic/siginfo.h). */
#define SIGKILL		9
#define SIGBUS		7
#define SIGSEGV		11
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRERR	2
#define BUS_MCEERR_AR	4
#define SI_KERNEL	0x80

struct ksiginfo {
	int signo;		/* 0: no signal */
	int code;
	unsigned long addr;
};

/* Per-CPU MMU statistics (not Linux counters: mmsim's own). */
struct tlb_stats {
	unsigned long hits, misses;	/* lookups */
	unsigned long walks;		/* hardware page walks */
	unsigned long faults;		/* walks that raised #PF */
	unsigned long cr3_loads;
};

struct cpu_tlbstate;	/* mm/tlb.c */

/* Boot/shutdown: allocate the per-CPU TLBs, every CPU on init_mm. */
int tlb_init(struct machine *m);
void tlb_exit(struct machine *m);

/*
 * Context switch on cpu to next (switch_mm_irqs_off): load CR3, set the
 * CPU in next's cpumask, choose the PCID (flushing as Linux would).
 */
void switch_mm(struct machine *m, int cpu, struct mm_struct *next);
/*
 * The mm is going away: CPUs that have it loaded switch to init_mm. Call it
 * before the mm_struct is freed (the TLB keeps a debug link to it).
 * switch_mm gives an mm whose ctx_id is still 0 the next one
 * (++next_ctx_id, init_new_context), so mm_alloc need not.
 */
void tlb_mm_release(struct mm_struct *mm);
/*
 * pti: a system call's entry and exit switch CR3 to the kernel tables and
 * back: two CR3 loads on the current CPU, and without PCID each flushes
 * the user's TLB entries. No-op without the pti boot option. Every sys_*
 * calls it once.
 */
void pti_syscall_enter_exit(struct machine *m);

/*
 * Flush [start, end) of mm on every CPU that may cache it (local flush on
 * the current CPU, shootdown IPIs to the others). end == TLB_FLUSH_ALL
 * flushes everything of mm. stride_shift: PAGE_SHIFT or PMD_SHIFT.
 */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned int stride_shift, bool freed_tables);
static inline void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_mm_range(mm, 0, TLB_FLUSH_ALL, PAGE_SHIFT, true);
}
static inline void flush_tlb_page(struct vm_area_struct *vma, unsigned long addr)
{
	flush_tlb_mm_range(vma->vm_mm, addr, addr + PAGE_SIZE, PAGE_SHIFT, false);
}
static inline void flush_tlb_range(struct vm_area_struct *vma, unsigned long start,
				   unsigned long end)
{
	flush_tlb_mm_range(vma->vm_mm, start, end, PAGE_SHIFT, false);
}

/*
 * A user access by t (which must be m->current, entered with task_enter)
 * of len bytes at addr, page by page through the TLB and page walk,
 * faulting into do_user_addr_fault and retrying as the CPU does. buf: the
 * bytes to write (ACC_WRITE) or the place to read into; NULL accesses
 * without moving data (touch); in metadata-only mode no data moves either.
 * Returns 0, or -EFAULT with *si saying which signal Linux would send (the
 * access stops at the faulting page; *done tells how many bytes were moved
 * before it, if done is not NULL), or -ENOMEM with SIGKILL when the fault
 * ran out of memory (Linux would run the OOM killer, which has no victim
 * policy here yet: the faulting task is the one reported killed).
 */
int mmu_access(struct task_struct *t, unsigned long addr, void *buf, size_t len,
	       unsigned int acc, struct ksiginfo *si, size_t *done);

/*
 * Replay: n accesses of t in order, touch semantics (mm/mmu_batch.c). 0, or
 * the first access's error (mmu_access's) with *done its index and *si set;
 * *pages gets the number of page accesses made (for the clock).
 */
struct mmsim_access;
int mmu_access_batch(struct task_struct *t, const struct mmsim_access *acc, size_t n,
		     size_t *done, struct ksiginfo *si, uint64_t *pages);

/*
 * The arch fault handler (do_user_addr_fault): find the VMA, grow the
 * stack, check access rights (access_error; acc may carry ACC_PROT),
 * handle_mm_fault under mmap_lock (so the caller must not hold it).
 * Returns 0 when the access can be retried, or fills *si and returns
 * -EFAULT (-ENOMEM with SIGKILL for VM_FAULT_OOM, as mmu_access).
 */
int do_user_addr_fault(struct task_struct *t, unsigned long addr, unsigned int acc,
		       struct ksiginfo *si);

/*
 * vmalloc (issue 7): kernel mappings.
 * flush_tlb_kernel_range: drop [start, end) of kernel space from every
 * CPU's TLB (a full flush above the single-page ceiling); returns true when
 * it became a full flush.
 * mmu_kernel_access: a supervisor-mode access by the simulated kernel on
 * m->cpu, through the pgd that CPU has loaded (a process's, or
 * swapper_pg_dir), TLB first (global entries without pti). A not-present
 * fault goes to do_kern_addr_fault: vmalloc_fault with vmalloc_fault=1,
 * else the oops Linux prints ("BUG: unable to handle page fault for
 * address: ..."), logged, and -EFAULT. The simulated kernel carries on.
 */
bool flush_tlb_kernel_range(struct machine *m, unsigned long start, unsigned long end);
int mmu_kernel_access(struct machine *m, unsigned long addr, void *buf, size_t len,
		      unsigned int acc, size_t *done);

/* Statistics of one CPU (or all CPUs summed for cpu < 0). */
void tlb_get_stats(struct machine *m, int cpu, struct tlb_stats *st);
/* Debug: the TLB entries of cpu agree with the page tables they came from. */
int validate_tlb(struct machine *m);

#endif
