/*
 * mmu.c - the simulated MMU doing a user access, and the arch page-fault
 * handler it raises (the hardware of the Intel SDM vol. 3 ch. 4, and
 * Linux's arch/x86/mm/fault.c do_user_addr_fault).
 *
 * An access goes page by page: TLB lookup (tlb_internal.h); on a miss, or
 * a hit that does not grant the access, a hardware walk from the CR3 table
 * (the pti user copy when pti is on). The walk takes the AND of U and RW
 * and the OR of NX over all levels; if the leaf is present and grants the
 * access it sets Accessed (and Dirty for a write) in the leaf, as the
 * hardware's locked update does, and fills the TLB. An entry filled by a
 * read keeps D clear, so a later write through it walks again to set D.
 * Otherwise the CPU raises #PF: do_user_addr_fault, then the access is
 * retried (at most MMU_MAX_FAULTS times per page: a fault that fixes
 * nothing is a simulator bug, reported, never a hang).
 *
 * A hit that lacks a right re-walks before faulting: permissions raised
 * without a flush (do_wp_page reuse, mprotect up) are then seen at once,
 * as SHARED_DECISIONS.md chose (x86's spurious-fault case).
 *
 * Signals: no VMA (or failed stack growth) -> SIGSEGV SEGV_MAPERR;
 * access_error -> SEGV_ACCERR; VM_FAULT_SIGBUS -> SIGBUS BUS_ADRERR;
 * VM_FAULT_SIGSEGV -> SEGV_MAPERR; a kernel address -> SEGV_MAPERR; a
 * non-canonical one -> #GP, SIGSEGV SI_KERNEL at address 0. A fault that
 * leaves the task with a pending SIGKILL (the OOM killer chose it) stops the
 * access: SIGKILL and -ENOMEM; the task exits when the API call returns
 * (oom.h). VM_FAULT_OOM without a kill (the OOM killer found nothing to
 * kill, or an injected failure) logs pagefault_out_of_memory's warning
 * and reports SIGKILL too, where Linux would retry the fault forever.
 *
 * Locking: do_user_addr_fault takes mm->mmap_lock around find_vma and
 * handle_mm_fault (Linux's lock_mm_and_find_vma path; per-VMA locks are not
 * modelled), so mmu_access must be called without it.
 */
#include <errno.h>
#include <string.h>

#include "mm.h"
#include "memory.h"
#include "oom.h"
#include "printk.h"
#include "sched.h"
#include "tlb_internal.h"
#include "vma.h"

#define MMU_MAX_FAULTS		8	/* per page: faults before we call it a bug */
#define FAULT_MAX_RETRIES	8	/* VM_FAULT_RETRY rounds in one fault */
#define FAULT_FLAG_DEFAULT	(FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | \
				 FAULT_FLAG_INTERRUPTIBLE)

enum walk_result { WALK_OK, WALK_NOT_PRESENT, WALK_PROT };

/* ---------------------------------------------------------------------- */
/* The hardware walk                                                       */
/* ---------------------------------------------------------------------- */

static inline pteval_t *table_at(struct machine *m, pteval_t entry, unsigned long idx)
{
	unsigned long pfn = (unsigned long)((entry & PTE_PFN_MASK) >> PAGE_SHIFT);

	BUG_ON(pfn >= m->max_pfn);	/* a corrupt table entry: stop before the host faults */
	return (pteval_t *)pfn_to_virt(m, pfn) + idx;
}

/*
 * Find the leaf for addr under top: *leafp, the effective U/RW/NX in
 * *perm, and the size of the leaf (PAGE_SHIFT, PMD_SHIFT or PUD_SHIFT).
 */
static int walk_leaf(struct machine *m, pgd_t *top, unsigned long addr, pteval_t **leafp,
		     pteval_t *perm, unsigned int *shift)
{
	bool l5 = m->cfg.pgtable_levels == 5;
	unsigned int pgd_shift = l5 ? PGDIR_SHIFT_L5 : PGDIR_SHIFT_L4;
	pteval_t u_rw = _PAGE_USER | _PAGE_RW, nx = 0, e;
	pteval_t *ep = &top[(addr >> pgd_shift) & (PTRS_PER_PGD - 1)].pgd;
	static const unsigned int shifts[] = { P4D_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT };

	for (int lvl = l5 ? 0 : 1; ; lvl++) {
		e = *ep;
		if (!(e & _PAGE_PRESENT))
			return WALK_NOT_PRESENT;
		u_rw &= e;
		nx |= e & _PAGE_NX;
		if (lvl == 4 || ((e & _PAGE_PSE) && lvl >= 2)) {	/* pte, or a pud/pmd leaf */
			*leafp = ep;
			*perm = u_rw | nx;
			*shift = lvl == 4 ? PAGE_SHIFT : shifts[lvl - 1];
			return WALK_OK;
		}
		ep = table_at(m, e, (addr >> shifts[lvl]) & 511);
	}
}

/* The frame address of addr's 4 KiB page (or of the 2 MiB page) under a leaf. */
static inline pteval_t leaf_frame(pteval_t leaf, unsigned long addr, unsigned int shift)
{
	pteval_t base = leaf & PTE_PFN_MASK;

	if (shift == PAGE_SHIFT)
		return base;
	base &= ~(((pteval_t)1 << shift) - 1);
	return shift == PMD_SHIFT ? base : base + (addr & ((1UL << shift) - 1) & PAGE_MASK);
}

int mmu_translate(struct machine *m, pgd_t *top, unsigned long addr, pteval_t *eff,
		  pteval_t **leaf)
{
	pteval_t perm;
	unsigned int shift;

	if (walk_leaf(m, top, addr, leaf, &perm, &shift) != WALK_OK)
		return -EFAULT;
	*eff = leaf_frame(**leaf, addr, shift) | perm | (**leaf & (_PAGE_ACCESSED | _PAGE_DIRTY)) |
	       (shift == PMD_SHIFT ? _PAGE_PSE : 0);
	return 0;
}

/*
 * The page walk of an access that missed: on success set A (and D for a
 * write) in the leaf, fill the TLB, return the frame address and rights.
 */
static int mmu_walk(struct machine *m, struct cpu_tlbstate *ts, unsigned long addr,
		    unsigned int acc, pteval_t *val)
{
	pteval_t *leaf, perm, e, want;
	unsigned int shift;
	int r;

	ts->stats.walks++;
	r = walk_leaf(m, ts->cr3_pgd, addr, &leaf, &perm, &shift);
	if (r != WALK_OK)
		return r;
	if (!(perm & _PAGE_USER) || ((acc & ACC_WRITE) && !(perm & _PAGE_RW)) ||
	    ((acc & ACC_EXEC) && (perm & _PAGE_NX)))
		return WALK_PROT;
	e = *leaf;
	want = e | _PAGE_ACCESSED | ((acc & ACC_WRITE) ? _PAGE_DIRTY : 0);
	if (want != e)
		*leaf = want;
	*val = leaf_frame(want, addr, shift) | perm | (want & (_PAGE_ACCESSED | _PAGE_DIRTY));
	if (shift == PMD_SHIFT) {
		tlb_fill2m(ts, addr >> PMD_SHIFT, *val);
		*val += addr & (PMD_SIZE - 1) & PAGE_MASK;
	} else {
		tlb_fill4k(ts, addr >> PAGE_SHIFT, *val);	/* 1 GiB pages splinter */
	}
	return WALK_OK;
}

/* ---------------------------------------------------------------------- */
/* The fault handler (arch/x86/mm/fault.c)                                 */
/* ---------------------------------------------------------------------- */

static int fault_signal(struct ksiginfo *si, int signo, int code, unsigned long addr)
{
	si->signo = signo;
	si->code = code;
	si->addr = addr;
	return -EFAULT;
}

/* access_error: may this VMA be accessed this way at all? */
static bool access_error(unsigned int acc, const struct vm_area_struct *vma)
{
	if (acc & ACC_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	/* A read (or fetch) of a present page can only fail for NX/pkeys. */
	if (acc & ACC_PROT)
		return true;
	return !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC));	/* vma_is_accessible */
}

/* lock_mm_and_find_vma: the VMA for addr, growing a stack down to it. */
static struct vm_area_struct *find_fault_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (likely(vma && vma->vm_start <= addr))
		return vma;
	if (!vma || !(vma->vm_flags & VM_GROWSDOWN))
		return NULL;
	if (expand_stack_locked(vma, addr))
		return NULL;
	return vma;
}

/* Kernel half or non-canonical: never a user fault to handle. */
static int bad_user_address(const struct machine *m, unsigned long addr, struct ksiginfo *si)
{
	unsigned int bits = m->cfg.pgtable_levels == 5 ? 57 : 48;
	unsigned long high = addr >> (bits - 1);

	if (high != 0 && high != (~0UL >> (bits - 1)))
		return fault_signal(si, SIGSEGV, SI_KERNEL, 0);	/* #GP */
	return fault_signal(si, SIGSEGV, SEGV_MAPERR, addr);
}

int do_user_addr_fault(struct task_struct *t, unsigned long addr, unsigned int acc,
		       struct ksiginfo *si)
{
	struct mm_struct *mm = t->mm;
	unsigned int flags = FAULT_FLAG_DEFAULT | FAULT_FLAG_USER;
	struct vm_area_struct *vma;
	vm_fault_t fault = 0;

	si->signo = 0;
	if (addr >= mm->task_size)
		return bad_user_address(t->machine, addr, si);
	if (acc & ACC_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (acc & ACC_EXEC)
		flags |= FAULT_FLAG_INSTRUCTION;
	for (int round = 0; ; round++) {
		spin_lock(&mm->mmap_lock);
		vma = find_fault_vma(mm, addr);
		if (!vma) {
			spin_unlock(&mm->mmap_lock);
			return fault_signal(si, SIGSEGV, SEGV_MAPERR, addr);
		}
		if (access_error(acc, vma)) {
			spin_unlock(&mm->mmap_lock);
			return fault_signal(si, SIGSEGV, SEGV_ACCERR, addr);
		}
		fault = handle_mm_fault(vma, addr, flags);
		/* RETRY and COMPLETED mean the handler dropped mmap_lock (Linux's rule). */
		if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)) ||
		    WARN_ON_ONCE(spin_is_locked(&mm->mmap_lock)))
			spin_unlock(&mm->mmap_lock);
		if (!(fault & VM_FAULT_RETRY))
			break;
		if (round >= FAULT_MAX_RETRIES) {
			printk(t->machine, "mmu: fault at %#lx retried %d times; giving up", addr, round);
			return fault_signal(si, SIGBUS, BUS_ADRERR, addr);
		}
		flags |= FAULT_FLAG_TRIED;
	}
	if (fault & VM_FAULT_OOM)
		pagefault_out_of_memory(t);
	/* killed (by the OOM killer) meanwhile: it dies on its way back to user mode */
	if (unlikely(fatal_signal_pending(t)) || (fault & VM_FAULT_OOM)) {
		fault_signal(si, SIGKILL, SI_KERNEL, addr);
		return -ENOMEM;
	}
	if (likely(!(fault & VM_FAULT_ERROR)))
		return 0;
	if (fault & VM_FAULT_HWPOISON)
		return fault_signal(si, SIGBUS, BUS_MCEERR_AR, addr);
	if (fault & (VM_FAULT_SIGBUS | VM_FAULT_HWPOISON_LARGE))
		return fault_signal(si, SIGBUS, BUS_ADRERR, addr);
	return fault_signal(si, SIGSEGV, SEGV_MAPERR, addr);	/* VM_FAULT_SIGSEGV */
}

/* ---------------------------------------------------------------------- */
/* The access                                                              */
/* ---------------------------------------------------------------------- */

/* The rights a TLB entry must hold for acc, and the ones it must not. */
static inline pteval_t acc_need(unsigned int acc)
{
	return _PAGE_USER | ((acc & ACC_WRITE) ? _PAGE_RW | _PAGE_DIRTY : 0);
}

static inline pteval_t acc_forbid(unsigned int acc)
{
	return (acc & ACC_EXEC) ? _PAGE_NX : 0;
}

/*
 * A lookup that did not give the access: the 2 MiB TLB, then walks and
 * faults until the translation grants it. 0 with *val, or the error.
 */
static __attribute__((noinline)) int mmu_miss(struct task_struct *t, struct cpu_tlbstate *ts,
			     unsigned long addr, unsigned int acc, pteval_t *val,
			     struct ksiginfo *si)
{
	struct machine *m = t->machine;
	pteval_t need = acc_need(acc), forbid = acc_forbid(acc);
	pteval_t *e = tlb_lookup2m(ts, addr >> PMD_SHIFT);
	int r, ret;

	if (e && (*e & need) == need && !(*e & forbid)) {
		ts->stats.hits++;
		*val = *e + (addr & (PMD_SIZE - 1) & PAGE_MASK);
		return 0;
	}
	ts->stats.misses++;
	for (int faults = 0; ; faults++) {
		r = addr < t->mm->task_size ? mmu_walk(m, ts, addr, acc, val) : WALK_PROT;
		if (r == WALK_OK)
			return 0;
		ts->stats.faults++;
		if (faults >= MMU_MAX_FAULTS) {
			printk(m, "mmu: pid %d: %d faults at %#lx fixed nothing (acc %#x)", t->pid,
			       faults, addr, acc);
			WARN_ON_ONCE(1);
			return fault_signal(si, SIGBUS, BUS_ADRERR, addr);
		}
		ret = do_user_addr_fault(t, addr, acc | (r == WALK_PROT ? ACC_PROT : 0), si);
		if (ret)
			return ret;
		/* The handler may have switched CPUs' mms (tlb_mm_release): stay ours. */
		VM_BUG_ON(ts->loaded_mm != t->mm);
	}
}

/* A word-sized copy: one load and one store, not a string move's setup. */
#define COPY_SMALL(dst, src, n)						\
	do {								\
		switch (n) {						\
		case 8: memcpy(dst, src, 8); break;			\
		case 4: memcpy(dst, src, 4); break;			\
		case 1: memcpy(dst, src, 1); break;			\
		default: copy_bytes(dst, src, n); break;		\
		}							\
	} while (0)

static __attribute__((noinline)) void copy_bytes(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

static inline void move_data(struct machine *m, pteval_t val, unsigned long addr,
			     unsigned char *buf, size_t n, unsigned int acc)
{
	unsigned char *p = m->phys_base + (val & PTE_PFN_MASK) + (addr & ~PAGE_MASK);

	if (acc & ACC_WRITE)
		COPY_SMALL(p, buf, n);
	else
		COPY_SMALL(buf, p, n);
}

/* The general case: page by page, missing, walking and faulting as needed. */
static __attribute__((noinline)) int mmu_access_pages(struct task_struct *t, unsigned long addr,
						      void *buf, size_t len, unsigned int acc,
						      struct ksiginfo *si, size_t *done)
{
	struct machine *m = t->machine;
	struct cpu_tlbstate *ts = cpu_tlbstate(m, t->cpu);
	pteval_t need = acc_need(acc), forbid = acc_forbid(acc);
	unsigned long task_size = t->mm->task_size;
	unsigned char *p = m->cfg.metadata_only ? NULL : buf;
	size_t moved = 0;
	int ret = 0;

	VM_BUG_ON(m->current != t || ts->loaded_mm != t->mm);
	si->signo = 0;
	while (len) {
		size_t n = min(len, PAGE_SIZE - (addr & ~PAGE_MASK));
		pteval_t *e = NULL, val;

		if (likely(addr < task_size))
			e = tlb_lookup4k(ts, addr >> PAGE_SHIFT);
		if (likely(e && (*e & need) == need && !(*e & forbid))) {
			ts->stats.hits++;
			val = *e;
		} else {
			ret = mmu_miss(t, ts, addr, acc, &val, si);
			if (ret)
				break;
		}
		if (p) {
			move_data(m, val, addr, p, n, acc);
			p += n;
		}
		moved += n;
		addr += n;
		len -= n;
	}
	if (done)
		*done = moved;
	return ret;
}

/*
 * Fast path first: an access inside one page whose 4 KiB entry grants it
 * costs a lookup and the copy; everything else goes the long way.
 */
int mmu_access(struct task_struct *t, unsigned long addr, void *buf, size_t len,
	       unsigned int acc, struct ksiginfo *si, size_t *done)
{
	struct machine *m = t->machine;
	struct cpu_tlbstate *ts = cpu_tlbstate(m, t->cpu);
	pteval_t need = acc_need(acc), forbid = acc_forbid(acc), *e;

	if (unlikely(!len || (addr & ~PAGE_MASK) + len > PAGE_SIZE || addr >= t->mm->task_size))
		return mmu_access_pages(t, addr, buf, len, acc, si, done);
	e = tlb_lookup4k(ts, addr >> PAGE_SHIFT);
	if (unlikely(!e || (*e & need) != need || (*e & forbid)))
		return mmu_access_pages(t, addr, buf, len, acc, si, done);
	VM_BUG_ON(m->current != t || ts->loaded_mm != t->mm);
	ts->stats.hits++;
	si->signo = 0;
	if (buf && !m->cfg.metadata_only)
		move_data(m, *e, addr, buf, len, acc);
	if (done)
		*done = len;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* vmalloc (issue 7): kernel-mode accesses                                 */
/* ---------------------------------------------------------------------- */

/* The TLB entry for a kernel address: global first, then this ASID's kernel PCID. */
static pteval_t *kernel_tlb_lookup(struct cpu_tlbstate *ts, unsigned long addr, bool *huge)
{
	unsigned long vpn = (addr & TLB_KVA_MASK) >> PAGE_SHIFT;
	pteval_t *e;

	*huge = false;
	if ((e = tlb_lookup4k_tag(ts, vpn, tlb_global_tag())) ||
	    (e = tlb_lookup4k_tag(ts, vpn, tlb_kernel_tag(ts))))
		return e;
	*huge = true;
	if ((e = tlb_lookup2m_tag(ts, vpn >> 9, tlb_global_tag())) ||
	    (e = tlb_lookup2m_tag(ts, vpn >> 9, tlb_kernel_tag(ts))))
		return e;
	return NULL;
}

/* A supervisor walk: RW counts (CR0.WP), U does not, a user page is SMAP's fault. */
static int kernel_walk(struct machine *m, struct cpu_tlbstate *ts, pgd_t *top,
		       unsigned long addr, unsigned int acc, pteval_t *val)
{
	pteval_t *leaf, perm, e, want;
	unsigned int shift;
	unsigned long vpn = (addr & TLB_KVA_MASK) >> PAGE_SHIFT;
	uint64_t tag;
	int r;

	ts->stats.walks++;
	r = walk_leaf(m, top, addr, &leaf, &perm, &shift);
	if (r != WALK_OK)
		return r;
	if ((perm & _PAGE_USER) || ((acc & ACC_WRITE) && !(perm & _PAGE_RW)) ||
	    ((acc & ACC_EXEC) && (perm & _PAGE_NX)))
		return WALK_PROT;
	e = *leaf;
	want = e | _PAGE_ACCESSED | ((acc & ACC_WRITE) ? _PAGE_DIRTY : 0);
	if (want != e)
		*leaf = want;
	*val = leaf_frame(want, addr, shift) | perm | (want & (_PAGE_ACCESSED | _PAGE_DIRTY));
	tag = (want & _PAGE_GLOBAL) ? tlb_global_tag() : tlb_kernel_tag(ts);
	if (shift == PMD_SHIFT) {
		tlb_fill2m_tag(ts, vpn >> 9, tag, *val);
		*val += addr & (PMD_SIZE - 1) & PAGE_MASK;
	} else {
		tlb_fill4k_tag(ts, vpn, tag, *val);
	}
	return WALK_OK;
}

/* page_fault_oops's first lines; the kernel would kill the task here. */
static int kernel_oops(struct machine *m, unsigned long addr, unsigned int acc, int r)
{
	unsigned long code = (r == WALK_PROT ? 1 : 0) | ((acc & ACC_WRITE) ? 2 : 0) |
			     ((acc & ACC_EXEC) ? 0x10 : 0);

	m->vmap.stats.oopses++;
	printk(m, "BUG: unable to handle page fault for address: %016lx", addr);
	printk(m, "#PF: supervisor %s in kernel mode", (acc & ACC_EXEC) ? "instruction fetch" :
	       (acc & ACC_WRITE) ? "write access" : "read access");
	printk(m, "#PF: error_code(0x%04lx) - %s", code,
	       r == WALK_PROT ? "permissions violation" : "not-present page");
	printk(m, "Oops: %04lx [#%lu] SMP %s", code, m->vmap.stats.oopses,
	       m->cfg.pti ? "PTI" : "NOPTI");
	return -EFAULT;
}

/* do_kern_addr_fault: a vmalloc_fault to fix (vmalloc_fault=1), or an oops. */
static int do_kern_addr_fault(struct machine *m, struct mm_struct *mm, unsigned long addr,
			      unsigned int acc, int r)
{
	if (r == WALK_NOT_PRESENT && !vmalloc_fault(m, mm, addr))
		return 0;
	return kernel_oops(m, addr, acc, r);
}

static int kernel_translate(struct machine *m, struct cpu_tlbstate *ts, unsigned long addr,
			    unsigned int acc, pteval_t *val)
{
	pteval_t need = (acc & ACC_WRITE) ? _PAGE_RW | _PAGE_DIRTY : 0;
	pteval_t forbid = (acc & ACC_EXEC) ? _PAGE_NX : 0;
	struct mm_struct *mm = ts->loaded_mm;
	bool huge;
	pteval_t *e = kernel_tlb_lookup(ts, addr, &huge);
	int r;

	if (e && (*e & need) == need && !(*e & forbid)) {
		ts->stats.hits++;
		*val = *e + (huge ? addr & (PMD_SIZE - 1) & PAGE_MASK : 0);
		return 0;
	}
	ts->stats.misses++;
	for (int faults = 0; ; faults++) {
		/* Kernel mode runs on the kernel copy of the pgd, pti or not. */
		r = kernel_walk(m, ts, mm->pgd, addr, acc, val);
		if (r == WALK_OK)
			return 0;
		ts->stats.faults++;
		if (faults >= MMU_MAX_FAULTS) {
			printk(m, "mmu: kernel faults at %#lx fixed nothing", addr);
			WARN_ON_ONCE(1);
			return -EFAULT;
		}
		if (do_kern_addr_fault(m, mm, addr, acc, r))
			return -EFAULT;
	}
}

int mmu_kernel_access(struct machine *m, unsigned long addr, void *buf, size_t len,
		      unsigned int acc, size_t *done)
{
	struct cpu_tlbstate *ts = cpu_tlbstate(m, m->cpu);
	unsigned char *p = buf;
	size_t moved = 0;
	int ret = 0;

	while (len) {
		size_t n = min(len, PAGE_SIZE - (addr & ~PAGE_MASK));
		pteval_t val;

		ret = kernel_translate(m, ts, addr, acc, &val);
		if (ret)
			break;
		if (p) {
			move_data(m, val, addr, p, n, acc);
			p += n;
		}
		moved += n;
		addr += n;
		len -= n;
	}
	if (done)
		*done = moved;
	return ret;
}
