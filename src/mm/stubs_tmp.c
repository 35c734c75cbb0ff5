/*
 * stubs_tmp.c - TEMPORARY weak placeholders so the tree links while the
 * address-space modules are written in parallel. Each real definition
 * overrides its stub; this file is deleted before the work lands.
 */
#include "mm.h"
#include "sched.h"
#include "fs.h"
#include "pgalloc.h"
#include "tlbflush.h"
#include "vma.h"
#include "mman.h"
#include "memory.h"
#include "rmap.h"
#include "swap.h"
#include "rbtree.h"
#include "mmsim/mmsim.h"

__attribute__((weak)) int pgd_alloc(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) void pgd_free(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) int paging_init(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) void paging_exit(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) void * pgtable_page_address(const struct mm_struct *mm, pteval_t entry)
{
	(void)0;
	(void)mm;
	(void)entry;
	BUG();
}

__attribute__((weak)) pgd_t * pgd_offset(const struct mm_struct *mm, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)addr;
	BUG();
}

__attribute__((weak)) p4d_t * p4d_offset(const struct mm_struct *mm, pgd_t *pgd, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)pgd;
	(void)addr;
	BUG();
}

__attribute__((weak)) pud_t * pud_offset(const struct mm_struct *mm, p4d_t *p4d, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)p4d;
	(void)addr;
	BUG();
}

__attribute__((weak)) pmd_t * pmd_offset(const struct mm_struct *mm, pud_t *pud, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)pud;
	(void)addr;
	BUG();
}

__attribute__((weak)) pte_t * pte_offset(const struct mm_struct *mm, pmd_t *pmd, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)pmd;
	(void)addr;
	BUG();
}

__attribute__((weak)) p4d_t * p4d_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)pgd;
	(void)addr;
	BUG();
}

__attribute__((weak)) pud_t * pud_alloc(struct mm_struct *mm, p4d_t *p4d, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)p4d;
	(void)addr;
	BUG();
}

__attribute__((weak)) pmd_t * pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)pud;
	(void)addr;
	BUG();
}

__attribute__((weak)) pte_t * pte_alloc(struct mm_struct *mm, pmd_t *pmd, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)pmd;
	(void)addr;
	BUG();
}

__attribute__((weak)) pte_t * walk_pte(const struct mm_struct *mm, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)addr;
	BUG();
}

__attribute__((weak)) pte_t * walk_pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)addr;
	BUG();
}

__attribute__((weak)) pmd_t * walk_pmd(const struct mm_struct *mm, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)addr;
	BUG();
}

__attribute__((weak)) void free_pgd_range(struct mmu_gather *tlb, unsigned long addr, unsigned long end, unsigned long floor, unsigned long ceiling)
{
	(void)0;
	(void)tlb;
	(void)addr;
	(void)end;
	(void)floor;
	(void)ceiling;
	BUG();
}

__attribute__((weak)) void free_pgtables(struct mmu_gather *tlb, struct vm_area_struct *vma, unsigned long floor, unsigned long ceiling)
{
	(void)0;
	(void)tlb;
	(void)vma;
	(void)floor;
	(void)ceiling;
	BUG();
}

__attribute__((weak)) void pgtable_census(const struct mm_struct *mm, struct pgtable_census *c)
{
	(void)0;
	(void)mm;
	(void)c;
	BUG();
}

__attribute__((weak)) int tlb_init(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) void tlb_exit(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) void switch_mm(struct machine *m, int cpu, struct mm_struct *next)
{
	(void)0;
	(void)m;
	(void)cpu;
	(void)next;
	BUG();
}

__attribute__((weak)) void tlb_mm_release(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end, unsigned int stride_shift, bool freed_tables)
{
	(void)0;
	(void)mm;
	(void)start;
	(void)end;
	(void)stride_shift;
	(void)freed_tables;
	BUG();
}

__attribute__((weak)) int mmu_access(struct task_struct *t, unsigned long addr, void *buf, size_t len, unsigned int acc, struct ksiginfo *si, size_t *done)
{
	(void)0;
	(void)t;
	(void)addr;
	(void)buf;
	(void)len;
	(void)acc;
	(void)si;
	(void)done;
	BUG();
}

__attribute__((weak)) int do_user_addr_fault(struct task_struct *t, unsigned long addr, unsigned int acc, struct ksiginfo *si)
{
	(void)0;
	(void)t;
	(void)addr;
	(void)acc;
	(void)si;
	BUG();
}

__attribute__((weak)) void tlb_get_stats(struct machine *m, int cpu, struct tlb_stats *st)
{
	(void)0;
	(void)m;
	(void)cpu;
	(void)st;
	BUG();
}

__attribute__((weak)) int validate_tlb(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * vm_area_alloc(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * vm_area_dup(struct vm_area_struct *orig)
{
	(void)0;
	(void)orig;
	BUG();
}

__attribute__((weak)) void vm_area_free(struct vm_area_struct *vma)
{
	(void)0;
	(void)vma;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * find_vma(struct mm_struct *mm, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)addr;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * find_vma_prev(struct mm_struct *mm, unsigned long addr, struct vm_area_struct **pprev)
{
	(void)0;
	(void)mm;
	(void)addr;
	(void)pprev;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	(void)0;
	(void)mm;
	(void)addr;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * find_vma_intersection(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	(void)0;
	(void)mm;
	(void)start;
	(void)end;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * vma_first(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * vma_next(struct vm_area_struct *vma)
{
	(void)0;
	(void)vma;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * vma_prev(struct vm_area_struct *vma)
{
	(void)0;
	(void)vma;
	BUG();
}

__attribute__((weak)) void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	(void)0;
	(void)mm;
	(void)vma;
	BUG();
}

__attribute__((weak)) void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	(void)0;
	(void)mm;
	(void)vma;
	BUG();
}

__attribute__((weak)) void vma_set_range(struct vm_area_struct *vma, unsigned long start, unsigned long end, unsigned long pgoff)
{
	(void)0;
	(void)vma;
	(void)start;
	(void)end;
	(void)pgoff;
	BUG();
}

__attribute__((weak)) int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	(void)0;
	(void)vma;
	(void)addr;
	(void)new_below;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * vma_modify_flags(struct vm_area_struct *prev, struct vm_area_struct *vma, unsigned long start, unsigned long end, vm_flags_t new_flags)
{
	(void)0;
	(void)prev;
	(void)vma;
	(void)start;
	(void)end;
	(void)new_flags;
	BUG();
}

__attribute__((weak)) struct vm_area_struct * vma_merge_new_range(struct mm_struct *mm, struct vm_area_struct *prev, struct vm_area_struct *next, unsigned long start, unsigned long end, vm_flags_t vm_flags, struct file *file, unsigned long pgoff)
{
	(void)0;
	(void)mm;
	(void)prev;
	(void)next;
	(void)start;
	(void)end;
	(void)vm_flags;
	(void)file;
	(void)pgoff;
	BUG();
}

__attribute__((weak)) bool vma_can_expand(struct vm_area_struct *vma, unsigned long new_end)
{
	(void)0;
	(void)vma;
	(void)new_end;
	BUG();
}

__attribute__((weak)) pgprot_t vm_get_page_prot(vm_flags_t vm_flags)
{
	(void)0;
	(void)vm_flags;
	BUG();
}

__attribute__((weak)) void vm_stat_account(struct mm_struct *mm, vm_flags_t flags, long npages)
{
	(void)0;
	(void)mm;
	(void)flags;
	(void)npages;
	BUG();
}

__attribute__((weak)) bool vma_wants_writenotify(struct vm_area_struct *vma)
{
	(void)0;
	(void)vma;
	BUG();
}

__attribute__((weak)) void arch_pick_mmap_layout(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) unsigned long get_unmapped_area(struct mm_struct *mm, struct file *file, unsigned long addr, unsigned long len, unsigned long pgoff, unsigned long flags)
{
	(void)0;
	(void)mm;
	(void)file;
	(void)addr;
	(void)len;
	(void)pgoff;
	(void)flags;
	BUG();
}

__attribute__((weak)) unsigned long do_mmap(struct task_struct *t, struct file *file, unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, vm_flags_t vm_flags, unsigned long pgoff, unsigned long *populate)
{
	(void)0;
	(void)t;
	(void)file;
	(void)addr;
	(void)len;
	(void)prot;
	(void)flags;
	(void)vm_flags;
	(void)pgoff;
	(void)populate;
	BUG();
}

__attribute__((weak)) int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	(void)0;
	(void)mm;
	(void)start;
	(void)len;
	BUG();
}

__attribute__((weak)) int do_brk_flags(struct mm_struct *mm, struct vm_area_struct *brkvma, unsigned long addr, unsigned long len, vm_flags_t flags)
{
	(void)0;
	(void)mm;
	(void)brkvma;
	(void)addr;
	(void)len;
	(void)flags;
	BUG();
}

__attribute__((weak)) int expand_stack_locked(struct vm_area_struct *vma, unsigned long addr)
{
	(void)0;
	(void)vma;
	(void)addr;
	BUG();
}

__attribute__((weak)) void exit_mmap(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) int security_vm_enough_memory_mm(struct mm_struct *mm, long pages)
{
	(void)0;
	(void)mm;
	(void)pages;
	BUG();
}

__attribute__((weak)) void vm_unacct_memory(struct machine *m, long pages)
{
	(void)0;
	(void)m;
	(void)pages;
	BUG();
}

__attribute__((weak)) unsigned long vm_commit_limit(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) int validate_mm(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len, bool ignore_errors)
{
	(void)0;
	(void)mm;
	(void)start;
	(void)len;
	(void)ignore_errors;
	BUG();
}

__attribute__((weak)) long sys_mmap(struct task_struct *t, unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, struct file *file, unsigned long off)
{
	(void)0;
	(void)t;
	(void)addr;
	(void)len;
	(void)prot;
	(void)flags;
	(void)file;
	(void)off;
	BUG();
}

__attribute__((weak)) long sys_munmap(struct task_struct *t, unsigned long addr, unsigned long len)
{
	(void)0;
	(void)t;
	(void)addr;
	(void)len;
	BUG();
}

__attribute__((weak)) long sys_brk(struct task_struct *t, unsigned long brk)
{
	(void)0;
	(void)t;
	(void)brk;
	BUG();
}

__attribute__((weak)) long sys_mprotect(struct task_struct *t, unsigned long start, unsigned long len, unsigned long prot)
{
	(void)0;
	(void)t;
	(void)start;
	(void)len;
	(void)prot;
	BUG();
}

__attribute__((weak)) long sys_mremap(struct task_struct *t, unsigned long addr, unsigned long old_len, unsigned long new_len, unsigned long flags, unsigned long new_addr)
{
	(void)0;
	(void)t;
	(void)addr;
	(void)old_len;
	(void)new_len;
	(void)flags;
	(void)new_addr;
	BUG();
}

__attribute__((weak)) long sys_madvise(struct task_struct *t, unsigned long start, unsigned long len, int behavior)
{
	(void)0;
	(void)t;
	(void)start;
	(void)len;
	(void)behavior;
	BUG();
}

__attribute__((weak)) long sys_mlock(struct task_struct *t, unsigned long start, unsigned long len)
{
	(void)0;
	(void)t;
	(void)start;
	(void)len;
	BUG();
}

__attribute__((weak)) long sys_mlock2(struct task_struct *t, unsigned long start, unsigned long len, int flags)
{
	(void)0;
	(void)t;
	(void)start;
	(void)len;
	(void)flags;
	BUG();
}

__attribute__((weak)) long sys_munlock(struct task_struct *t, unsigned long start, unsigned long len)
{
	(void)0;
	(void)t;
	(void)start;
	(void)len;
	BUG();
}

__attribute__((weak)) long sys_mlockall(struct task_struct *t, int flags)
{
	(void)0;
	(void)t;
	(void)flags;
	BUG();
}

__attribute__((weak)) long sys_munlockall(struct task_struct *t)
{
	(void)0;
	(void)t;
	BUG();
}

__attribute__((weak)) long sys_mincore(struct task_struct *t, unsigned long start, unsigned long len, unsigned char *vec)
{
	(void)0;
	(void)t;
	(void)start;
	(void)len;
	(void)vec;
	BUG();
}

__attribute__((weak)) long sys_msync(struct task_struct *t, unsigned long start, unsigned long len, int flags)
{
	(void)0;
	(void)t;
	(void)start;
	(void)len;
	(void)flags;
	BUG();
}

__attribute__((weak)) vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address, unsigned int flags)
{
	(void)0;
	(void)vma;
	(void)address;
	(void)flags;
	BUG();
}

__attribute__((weak)) void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	(void)0;
	(void)tlb;
	(void)mm;
	BUG();
}

__attribute__((weak)) void tlb_gather_mmu_fullmm(struct mmu_gather *tlb, struct mm_struct *mm)
{
	(void)0;
	(void)tlb;
	(void)mm;
	BUG();
}

__attribute__((weak)) void tlb_flush_pte_range(struct mmu_gather *tlb, unsigned long addr, unsigned long size)
{
	(void)0;
	(void)tlb;
	(void)addr;
	(void)size;
	BUG();
}

__attribute__((weak)) void tlb_remove_page(struct mmu_gather *tlb, struct page *page)
{
	(void)0;
	(void)tlb;
	(void)page;
	BUG();
}

__attribute__((weak)) void tlb_flush_mmu(struct mmu_gather *tlb)
{
	(void)0;
	(void)tlb;
	BUG();
}

__attribute__((weak)) void tlb_finish_mmu(struct mmu_gather *tlb)
{
	(void)0;
	(void)tlb;
	BUG();
}

__attribute__((weak)) void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	(void)0;
	(void)tlb;
	(void)vma;
	(void)start;
	(void)end;
	BUG();
}

__attribute__((weak)) void zap_page_range_single(struct vm_area_struct *vma, unsigned long address, unsigned long size)
{
	(void)0;
	(void)vma;
	(void)address;
	(void)size;
	BUG();
}

__attribute__((weak)) int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	(void)0;
	(void)dst_vma;
	(void)src_vma;
	BUG();
}

__attribute__((weak)) long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end, bool write)
{
	(void)0;
	(void)vma;
	(void)start;
	(void)end;
	(void)write;
	BUG();
}

__attribute__((weak)) void copy_user_highpage(struct machine *m, struct page *to, struct page *from)
{
	(void)0;
	(void)m;
	(void)to;
	(void)from;
	BUG();
}

__attribute__((weak)) void clear_user_highpage(struct machine *m, struct page *page)
{
	(void)0;
	(void)m;
	(void)page;
	BUG();
}

__attribute__((weak)) struct page * vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	(void)0;
	(void)vma;
	(void)addr;
	(void)pte;
	BUG();
}

__attribute__((weak)) int anon_vma_init(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) int anon_vma_prepare(struct vm_area_struct *vma)
{
	(void)0;
	(void)vma;
	BUG();
}

__attribute__((weak)) int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	(void)0;
	(void)dst;
	(void)src;
	BUG();
}

__attribute__((weak)) int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	(void)0;
	(void)vma;
	(void)pvma;
	BUG();
}

__attribute__((weak)) void unlink_anon_vmas(struct vm_area_struct *vma)
{
	(void)0;
	(void)vma;
	BUG();
}

__attribute__((weak)) void folio_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	(void)0;
	(void)page;
	(void)vma;
	(void)address;
	BUG();
}

__attribute__((weak)) void folio_add_anon_rmap_pte(struct page *page, struct vm_area_struct *vma, unsigned long address, bool exclusive)
{
	(void)0;
	(void)page;
	(void)vma;
	(void)address;
	(void)exclusive;
	BUG();
}

__attribute__((weak)) void folio_dup_anon_rmap_pte(struct page *page)
{
	(void)0;
	(void)page;
	BUG();
}

__attribute__((weak)) void folio_add_file_rmap_pte(struct page *page, struct vm_area_struct *vma)
{
	(void)0;
	(void)page;
	(void)vma;
	BUG();
}

__attribute__((weak)) void folio_dup_file_rmap_pte(struct page *page)
{
	(void)0;
	(void)page;
	BUG();
}

__attribute__((weak)) void folio_remove_rmap_pte(struct page *page, struct vm_area_struct *vma)
{
	(void)0;
	(void)page;
	(void)vma;
	BUG();
}

__attribute__((weak)) void folio_move_anon_rmap(struct page *page, struct vm_area_struct *vma)
{
	(void)0;
	(void)page;
	(void)vma;
	BUG();
}

__attribute__((weak)) unsigned long vma_address(struct page *page, struct vm_area_struct *vma)
{
	(void)0;
	(void)page;
	(void)vma;
	BUG();
}

__attribute__((weak)) void rmap_walk(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	(void)0;
	(void)m;
	(void)page;
	(void)rwc;
	BUG();
}

__attribute__((weak)) int validate_rmap(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) void put_page(struct machine *m, struct page *page)
{
	(void)0;
	(void)m;
	(void)page;
	BUG();
}

__attribute__((weak)) void folio_add_lru(struct machine *m, struct page *page)
{
	(void)0;
	(void)m;
	(void)page;
	BUG();
}

__attribute__((weak)) void folio_add_lru_vma(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	(void)0;
	(void)m;
	(void)page;
	(void)vma;
	BUG();
}

__attribute__((weak)) void lruvec_del_folio(struct machine *m, struct page *page)
{
	(void)0;
	(void)m;
	(void)page;
	BUG();
}

__attribute__((weak)) void mlock_page(struct machine *m, struct page *page)
{
	(void)0;
	(void)m;
	(void)page;
	BUG();
}

__attribute__((weak)) void munlock_page(struct machine *m, struct page *page)
{
	(void)0;
	(void)m;
	(void)page;
	BUG();
}

__attribute__((weak)) enum lru_list folio_lru_list(const struct page *page)
{
	(void)0;
	(void)page;
	BUG();
}

__attribute__((weak)) int validate_lru(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) struct file * shmem_file_setup(struct machine *m, const char *name, unsigned long size)
{
	(void)0;
	(void)m;
	(void)name;
	(void)size;
	BUG();
}

__attribute__((weak)) void get_file(struct file *f)
{
	(void)0;
	(void)f;
	BUG();
}

__attribute__((weak)) void fput(struct machine *m, struct file *f)
{
	(void)0;
	(void)m;
	(void)f;
	BUG();
}

__attribute__((weak)) struct page * shmem_get_page(struct address_space *mapping, unsigned long index, bool create, int *err)
{
	(void)0;
	(void)mapping;
	(void)index;
	(void)create;
	(void)err;
	BUG();
}

__attribute__((weak)) void shmem_truncate_range(struct address_space *mapping, unsigned long start)
{
	(void)0;
	(void)mapping;
	(void)start;
	BUG();
}

__attribute__((weak)) struct task_struct * task_spawn(struct machine *m, const char *comm, int *err)
{
	(void)0;
	(void)m;
	(void)comm;
	(void)err;
	BUG();
}

__attribute__((weak)) struct task_struct * do_fork(struct task_struct *parent, unsigned long clone_flags, int *err)
{
	(void)0;
	(void)parent;
	(void)clone_flags;
	(void)err;
	BUG();
}

__attribute__((weak)) void do_exit(struct task_struct *t, int code)
{
	(void)0;
	(void)t;
	(void)code;
	BUG();
}

__attribute__((weak)) int do_execve(struct task_struct *t, const char *comm)
{
	(void)0;
	(void)t;
	(void)comm;
	BUG();
}

__attribute__((weak)) struct task_struct * find_task_by_pid(struct machine *m, int pid)
{
	(void)0;
	(void)m;
	(void)pid;
	BUG();
}

__attribute__((weak)) void task_enter(struct task_struct *t)
{
	(void)0;
	(void)t;
	BUG();
}

__attribute__((weak)) struct mm_struct * mm_alloc(struct machine *m)
{
	(void)0;
	(void)m;
	BUG();
}

__attribute__((weak)) void mmput(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) void mmdrop(struct mm_struct *mm)
{
	(void)0;
	(void)mm;
	BUG();
}

__attribute__((weak)) void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	(void)0;
	(void)node;
	(void)root;
	BUG();
}

__attribute__((weak)) void rb_erase(struct rb_node *node, struct rb_root *root)
{
	(void)0;
	(void)node;
	(void)root;
	BUG();
}

__attribute__((weak)) struct rb_node * rb_first(const struct rb_root *root)
{
	(void)0;
	(void)root;
	BUG();
}

__attribute__((weak)) struct rb_node * rb_last(const struct rb_root *root)
{
	(void)0;
	(void)root;
	BUG();
}

__attribute__((weak)) struct rb_node * rb_next(const struct rb_node *node)
{
	(void)0;
	(void)node;
	BUG();
}

__attribute__((weak)) struct rb_node * rb_prev(const struct rb_node *node)
{
	(void)0;
	(void)node;
	BUG();
}

__attribute__((weak)) void rb_replace_node(struct rb_node *old, struct rb_node *new, struct rb_root *root)
{
	(void)0;
	(void)old;
	(void)new;
	(void)root;
	BUG();
}

__attribute__((weak)) void rb_insert_augmented(struct rb_node *node, struct rb_root *root, const struct rb_augment_callbacks *augment)
{
	(void)0;
	(void)node;
	(void)root;
	(void)augment;
	BUG();
}

__attribute__((weak)) void rb_erase_augmented(struct rb_node *node, struct rb_root *root, const struct rb_augment_callbacks *augment)
{
	(void)0;
	(void)node;
	(void)root;
	(void)augment;
	BUG();
}

__attribute__((weak)) int rb_validate(const struct rb_root *root)
{
	(void)0;
	(void)root;
	BUG();
}

__attribute__((weak)) int mmsim_spawn(mmsim_machine *m, const char *comm)
{
	(void)0;
	(void)m;
	(void)comm;
	BUG();
}

__attribute__((weak)) int mmsim_fork(mmsim_machine *m, int pid)
{
	(void)0;
	(void)m;
	(void)pid;
	BUG();
}

__attribute__((weak)) int mmsim_clone_vm(mmsim_machine *m, int pid)
{
	(void)0;
	(void)m;
	(void)pid;
	BUG();
}

__attribute__((weak)) int mmsim_exit(mmsim_machine *m, int pid, int code)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)code;
	BUG();
}

__attribute__((weak)) int mmsim_exec(mmsim_machine *m, int pid, const char *comm)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)comm;
	BUG();
}

__attribute__((weak)) size_t mmsim_pids(mmsim_machine *m, int *out, size_t max)
{
	(void)0;
	(void)m;
	(void)out;
	(void)max;
	BUG();
}

__attribute__((weak)) int64_t mmsim_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	(void)prot;
	(void)flags;
	(void)fd;
	(void)off;
	BUG();
}

__attribute__((weak)) int mmsim_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	BUG();
}

__attribute__((weak)) int mmsim_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int prot)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	(void)prot;
	BUG();
}

__attribute__((weak)) int64_t mmsim_mremap(mmsim_machine *m, int pid, uint64_t addr, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)old_len;
	(void)new_len;
	(void)flags;
	(void)new_addr;
	BUG();
}

__attribute__((weak)) int64_t mmsim_brk(mmsim_machine *m, int pid, uint64_t addr)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	BUG();
}

__attribute__((weak)) int mmsim_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	(void)advice;
	BUG();
}

__attribute__((weak)) int mmsim_mlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	BUG();
}

__attribute__((weak)) int mmsim_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	(void)flags;
	BUG();
}

__attribute__((weak)) int mmsim_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	BUG();
}

__attribute__((weak)) int mmsim_mlockall(mmsim_machine *m, int pid, int flags)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)flags;
	BUG();
}

__attribute__((weak)) int mmsim_munlockall(mmsim_machine *m, int pid)
{
	(void)0;
	(void)m;
	(void)pid;
	BUG();
}

__attribute__((weak)) int mmsim_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	(void)vec;
	BUG();
}

__attribute__((weak)) int mmsim_madvise_parse(const char *name)
{
	(void)0;
	(void)name;
	BUG();
}

__attribute__((weak)) int mmsim_read(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len, struct mmsim_fault *fault)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)buf;
	(void)len;
	(void)fault;
	BUG();
}

__attribute__((weak)) int mmsim_write(mmsim_machine *m, int pid, uint64_t addr, const void *buf, size_t len, struct mmsim_fault *fault)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)buf;
	(void)len;
	(void)fault;
	BUG();
}

__attribute__((weak)) int mmsim_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int write, struct mmsim_fault *fault)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)addr;
	(void)len;
	(void)write;
	(void)fault;
	BUG();
}

__attribute__((weak)) int mmsim_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info)
{
	(void)0;
	(void)m;
	(void)pid;
	(void)info;
	BUG();
}

__attribute__((weak)) int mmsim_mmu_stats(mmsim_machine *m, int cpu, struct mmsim_mmu_stats *st)
{
	(void)0;
	(void)m;
	(void)cpu;
	(void)st;
	BUG();
}

__attribute__((weak)) int proc_caches_init(struct machine *m) { (void)m; BUG(); }
__attribute__((weak)) void exit_all_tasks(struct machine *m) { (void)m; BUG(); }
__attribute__((weak)) int validate_user_pages(struct machine *m) { (void)m; BUG(); }
