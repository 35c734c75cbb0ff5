/*
 * mmap.c - the address-space system calls and their cores (Linux 6.x's
 * mm/mmap.c, the mmap parts of mm/vma.c and mm/util.c, and x86-64's
 * arch/x86/mm/mmap.c and arch/x86/kernel/sys_x86_64.c): the layout of a
 * new mm, get_unmapped_area, mmap/munmap/brk, stack growth, the tear-down
 * of a whole mm, and overcommit accounting.
 *
 * Layout (x86-64, top-down, as a stock kernel with 4 or 5 levels):
 *   mmap_base = PAGE_ALIGN(task_size - gap - rnd), task_size being the
 *   47-bit DEFAULT_MAP_WINDOW, gap = RLIMIT_STACK + stack randomisation
 *   room + stack_guard_gap clamped to [128 MiB, 5/6 of task_size];
 *   mmap_legacy_base = PAGE_ALIGN(task_size / 3) + rnd (bottom-up fallback).
 *   rnd (28 bits of pages) only with the aslr boot option.
 * New mappings go below mmap_base, highest gap first; anonymous private
 * mappings whose length is a multiple of 2 MiB are placed 2 MiB aligned
 * (thp_get_unmapped_area), as with CONFIG_TRANSPARENT_HUGEPAGE.
 *
 * Accounting: mm->total_vm/data_vm/exec_vm/stack_vm through
 * vm_stat_account, locked_vm for VM_LOCKED pages, Committed_AS
 * (m->vm_committed_pages) for VM_ACCOUNT mappings (private writable, not
 * MAP_NORESERVE) and stack growth; CommitLimit from overcommit_kbytes or
 * overcommit_ratio.
 *
 * Simulated processes are unprivileged (mman.h): no CAP_SYS_RAWIO (no
 * mapping below vm.mmap_min_addr), no CAP_IPC_LOCK, no CAP_SYS_ADMIN (the
 * admin reserve of strict overcommit applies).
 *
 * Locking: sys_* make the task current (task_enter, and the pti CR3
 * switches of a system call) and take its mm's mmap_lock around the core,
 * then populate (mm_populate) after dropping it, as Linux does.
 * do_mmap, do_munmap, do_brk_flags and expand_stack_locked expect the lock
 * held. Order: mmap_lock > anon_vma lock > page table lock.
 */
#include <errno.h>

#include "swap.h"
#include "khugepaged.h"
#include "vma.h"
#include "fs.h"
#include "hugetlb.h"
#include "memory.h"
#include "mman.h"
#include "pgalloc.h"
#include "rmap.h"
#include "swap.h"
#include "tlbflush.h"

#define OVERCOMMIT_GUESS	0
#define OVERCOMMIT_ALWAYS	1
#define OVERCOMMIT_NEVER	2

/* x86-64 layout constants (arch/x86/include/asm/processor.h, page_64.h). */
#define DEFAULT_MAP_WINDOW	TASK_SIZE_L4
#define SIZE_128M		(128UL << 20)
#define STACK_RND_MASK		0x3fffffUL	/* 22 bits of pages: 16 GiB */
#define MMAP64_RND_BITS		28
#define MAP_32BIT_BASE		0x40000000UL
#define MAP_32BIT_END		0x80000000UL
#define FIRST_USER_ADDRESS	0UL
#define USER_PGTABLES_CEILING	0UL


/* Flags MAP_SHARED keeps and MAP_SHARED_VALIDATE accepts (LEGACY_MAP_MASK). */
#define LEGACY_MAP_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
			 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_UNINITIALIZED | \
			 MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | \
			 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | \
			 ((unsigned long)MAP_HUGE_MASK << MAP_HUGE_SHIFT))

static inline unsigned long mmap_min_addr(const struct mm_struct *mm)
{
	return (unsigned long)mm->machine->sysctl.mmap_min_addr;
}

static inline bool randomize_va(const struct mm_struct *mm)
{
	return mm->machine->cfg.aslr;	/* PF_RANDOMIZE */
}

/* ---------------------------------------------------------------------- */
/* Overcommit (mm/util.c)                                                  */
/* ---------------------------------------------------------------------- */

static inline void vm_acct_memory(struct machine *m, long pages)
{
	m->vm_committed_pages += pages;
}

void vm_unacct_memory(struct machine *m, long pages)
{
	vm_acct_memory(m, -pages);
}

unsigned long vm_memory_committed(struct machine *m)
{
	return m->vm_committed_pages > 0 ? (unsigned long)m->vm_committed_pages : 0;
}

/* vm_commit_limit: overcommit_kbytes if set, else the ratio of non-hugetlb RAM; plus swap. */
unsigned long vm_commit_limit(struct machine *m)
{
	long hugetlb = global_node_page_state(m, NR_HUGETLB);
	unsigned long ram = m->totalram_pages - min(m->totalram_pages,
						    (unsigned long)max(hugetlb, 0L));
	unsigned long allowed;

	if (m->sysctl.overcommit_kbytes)
		allowed = (unsigned long)m->sysctl.overcommit_kbytes >> (PAGE_SHIFT - 10);
	else
		allowed = ram * (unsigned long)m->sysctl.overcommit_ratio / 100;
	return allowed + (unsigned long)total_swap_pages(m);
}

/*
 * vm.admin_reserve_kbytes / vm.user_reserve_kbytes as init_admin_reserve
 * and init_user_reserve set them at boot: 1/32 of memory, at most 8 MiB /
 * 128 MiB (from MemTotal here; Linux reads the free pages of that moment).
 */
static unsigned long admin_reserve_pages(struct machine *m)
{
	return min(m->totalram_pages / 32, (8UL << 20) >> PAGE_SHIFT);
}

static unsigned long user_reserve_pages(struct machine *m)
{
	return min(m->totalram_pages / 32, (128UL << 20) >> PAGE_SHIFT);
}

/* __vm_enough_memory: charge first, then decide; an unprivileged caller. */
int security_vm_enough_memory_mm(struct mm_struct *mm, long pages)
{
	struct machine *m = mm->machine;
	struct task_struct *t = m->current;
	long allowed;

	vm_acct_memory(m, pages);
	if (m->sysctl.overcommit_memory == OVERCOMMIT_ALWAYS)
		return 0;
	if (m->sysctl.overcommit_memory == OVERCOMMIT_GUESS) {
		if ((unsigned long)pages <= m->totalram_pages + (unsigned long)total_swap_pages(m))
			return 0;
		goto error;
	}
	allowed = (long)vm_commit_limit(m);
	allowed -= (long)admin_reserve_pages(m);
	allowed -= (long)min(mm->total_vm / 32, user_reserve_pages(m));
	if ((long)vm_memory_committed(m) < allowed)
		return 0;
error:
	pr_warn(m, "__vm_enough_memory: pid: %d, comm: %s, bytes: %lu not enough memory for the allocation\n",
		t ? t->pid : 0, t ? t->comm : "", (unsigned long)pages << PAGE_SHIFT);
	vm_unacct_memory(m, pages);
	return -ENOMEM;
}

/* RLIMIT_AS and RLIMIT_DATA are unlimited: only overflow could refuse. */
static bool may_expand_vm(struct mm_struct *mm, vm_flags_t flags, unsigned long npages)
{
	(void)flags;
	return mm->total_vm + npages >= mm->total_vm;
}

/* ---------------------------------------------------------------------- */
/* Layout and get_unmapped_area                                            */
/* ---------------------------------------------------------------------- */

/* Room left below the stack for its randomisation (stack_maxrandom_size). */
static unsigned long stack_maxrandom_size(const struct mm_struct *mm)
{
	return randomize_va(mm) ? STACK_RND_MASK << PAGE_SHIFT : 0;
}

static unsigned long mmap_base(const struct mm_struct *mm, unsigned long rnd,
			       unsigned long task_size)
{
	unsigned long gap = RLIMIT_STACK_DEFAULT;
	unsigned long pad = stack_maxrandom_size(mm) + STACK_GUARD_GAP;
	unsigned long gap_min = SIZE_128M, gap_max = task_size / 6 * 5;

	if (gap + pad > gap)
		gap += pad;
	gap = clamp(gap, gap_min, gap_max);
	return PAGE_ALIGN(task_size - gap - rnd);
}

void arch_pick_mmap_layout(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	unsigned long rnd = 0, task_size = DEFAULT_MAP_WINDOW;

	mm->task_size = m->cfg.pgtable_levels == 5 ? TASK_SIZE_L5 : TASK_SIZE_L4;
	if (randomize_va(mm))
		rnd = (machine_random(m) & ((1UL << MMAP64_RND_BITS) - 1)) << PAGE_SHIFT;
	mm->mmap_legacy_base = PAGE_ALIGN(task_size / 3) + rnd;
	mm->mmap_base = mmap_base(mm, rnd, task_size);
}

/* A hint must lie wholly below or wholly above the 47-bit window. */
static bool mmap_address_hint_valid(const struct mm_struct *mm, unsigned long addr,
				    unsigned long len)
{
	if (mm->task_size - len < addr)
		return false;
	return (addr > DEFAULT_MAP_WINDOW) == (addr + len > DEFAULT_MAP_WINDOW);
}

/* find_start_end: the bottom-up search range. */
static void find_start_end(struct mm_struct *mm, unsigned long addr, unsigned long flags,
			   unsigned long *begin, unsigned long *end)
{
	if (flags & MAP_32BIT) {
		*begin = MAP_32BIT_BASE;
		*end = MAP_32BIT_END;
		if (randomize_va(mm))	/* randomize_page(begin, 32 MiB) */
			*begin += (machine_random(mm->machine) %
				   ((0x02000000UL >> PAGE_SHIFT))) << PAGE_SHIFT;
		return;
	}
	*begin = mm->mmap_legacy_base;
	*end = addr > DEFAULT_MAP_WINDOW ? mm->task_size : DEFAULT_MAP_WINDOW;
}

/* arch_get_unmapped_area: bottom-up from mmap_legacy_base. */
static unsigned long get_unmapped_area_bottomup(struct mm_struct *mm, unsigned long addr,
						unsigned long len, unsigned long pgoff,
						unsigned long flags)
{
	struct vm_unmapped_area_info info = { 0 };
	struct vm_area_struct *vma;
	unsigned long begin, end;

	if (flags & MAP_FIXED)
		return addr;
	find_start_end(mm, addr, flags, &begin, &end);
	if (len > end)
		return -ENOMEM;
	if (addr) {
		addr = PAGE_ALIGN(addr);
		vma = find_vma(mm, addr);
		if (end - len >= addr && (!vma || addr + len <= vm_start_gap(vma)))
			return addr;
	}
	info.length = len;
	info.low_limit = begin;
	info.high_limit = end;
	info.align_offset = pgoff << PAGE_SHIFT;
	return vm_unmapped_area(mm, &info);
}

/* arch_get_unmapped_area_topdown: the hint if free, else below mmap_base. */
static unsigned long get_unmapped_area_topdown(struct mm_struct *mm, unsigned long addr,
					       unsigned long len, unsigned long pgoff,
					       unsigned long flags)
{
	struct vm_unmapped_area_info info = { 0 };
	struct vm_area_struct *vma;

	if (len > mm->task_size)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return addr;
	if (flags & MAP_32BIT)
		goto bottomup;
	if (addr) {
		addr &= PAGE_MASK;
		if (mmap_address_hint_valid(mm, addr, len)) {
			vma = find_vma(mm, addr);
			if (!vma || addr + len <= vm_start_gap(vma))
				return addr;
		}
	}
	info.flags = VM_UNMAPPED_AREA_TOPDOWN;
	info.length = len;
	info.low_limit = PAGE_SIZE;
	info.high_limit = mm->mmap_base;
	if (addr > DEFAULT_MAP_WINDOW)
		info.high_limit += mm->task_size - DEFAULT_MAP_WINDOW;
	info.align_offset = pgoff << PAGE_SHIFT;
	addr = vm_unmapped_area(mm, &info);
	if (!(addr & ~PAGE_MASK))
		return addr;
bottomup:
	/* A failed search from the top tries the whole window bottom-up. */
	return get_unmapped_area_bottomup(mm, 0, len, pgoff, flags);
}

/*
 * __thp_get_unmapped_area: search len + 2 MiB and place the mapping on a
 * 2 MiB boundary inside it (the upper one when the area already starts
 * aligned, top-down). 0 when the padded search fails.
 */
static unsigned long thp_get_unmapped_area(struct mm_struct *mm, unsigned long addr,
					   unsigned long len, unsigned long flags)
{
	unsigned long len_pad = len + PMD_SIZE, ret, off_sub;

	if (len < PMD_SIZE || len_pad < len)
		return 0;
	ret = get_unmapped_area_topdown(mm, addr, len_pad, 0, flags);
	if (IS_ERR_VALUE(ret))
		return 0;
	if (ret == addr)
		return addr;
	off_sub = (0 - ret) & (PMD_SIZE - 1);
	if (!off_sub)
		return ret + PMD_SIZE;
	return ret + off_sub;
}

unsigned long get_unmapped_area(struct mm_struct *mm, struct file *file, unsigned long addr,
				unsigned long len, unsigned long pgoff, unsigned long flags)
{
	if (len > mm->task_size)
		return -ENOMEM;
	if (!file)
		pgoff = 0;
	/*
	 * shmem (files, MAP_SHARED|MAP_ANONYMOUS) searches plainly while
	 * shmem huge pages are off; large anonymous private mappings without
	 * a hint get 2 MiB alignment.
	 */
	if (is_file_hugepages(file)) {		/* hugetlbfs: the hstate's size and alignment */
		addr = hugetlb_get_unmapped_area(mm, file, addr, len, pgoff, flags);
	} else if (!file && !(flags & MAP_SHARED) && !addr && IS_ALIGNED(len, PMD_SIZE)) {
		unsigned long ret = thp_get_unmapped_area(mm, addr, len, flags);

		addr = ret ? ret : get_unmapped_area_topdown(mm, addr, len, pgoff, flags);
	} else {
		addr = get_unmapped_area_topdown(mm, addr, len, pgoff, flags);
	}
	if (IS_ERR_VALUE(addr))
		return addr;
	if (addr > mm->task_size - len)
		return -ENOMEM;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	/* security_mmap_addr: below mmap_min_addr needs CAP_SYS_RAWIO. */
	if (addr < mmap_min_addr(mm))
		return -EPERM;
	return addr;
}

/* ---------------------------------------------------------------------- */
/* Unmapping (do_vmi_align_munmap)                                         */
/* ---------------------------------------------------------------------- */

/*
 * The VMAs of [start, end) once the edge VMAs are split: first..last in
 * the tree, their neighbours prev and next (the page-table floor and
 * ceiling), and what they add to the counters.
 */
struct vma_munmap_struct {
	struct vm_area_struct *first, *last, *prev, *next;
	unsigned long start, end;
	int vma_count;
	struct vma_stats st;
};

/* vms_gather_munmap_vmas: split the edges, collect the VMAs inside. */
static int vms_gather(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		      unsigned long end, struct vma_munmap_struct *vms)
{
	struct vm_area_struct *v;
	int err;

	*vms = (struct vma_munmap_struct){ .start = start, .end = end };
	if (start > vma->vm_start) {
		/* A hole in the middle adds a VMA: that one must fit the limit. */
		if (end < vma->vm_end &&
		    (unsigned long)mm->map_count >= (unsigned long)mm->machine->sysctl.max_map_count)
			return -ENOMEM;
		err = __split_vma(vma, start, 1);
		if (err)
			return err;
	}
	vms->prev = vma_prev(vma);
	vms->first = vma;
	for (v = vma; v && v->vm_start < end; v = vma_next(v)) {
		if (v->vm_end > end) {
			err = __split_vma(v, end, 0);
			if (err)
				return err;
		}
		vma_stat_collect(v, &vms->st);
		vms->vma_count++;
		vms->last = v;
	}
	vms->next = vma_next(vms->last);
	return 0;
}

/*
 * vms_complete_munmap_vmas: zap the range, free the page tables only it
 * used (floor and ceiling are the neighbours), then drop the VMAs and
 * their share of every counter. unacct: give back their commit charge.
 */
static void vms_complete(struct mm_struct *mm, struct vma_munmap_struct *vms, bool unacct)
{
	struct machine *m = mm->machine;
	struct vm_area_struct *v, *next;
	struct mmu_gather tlb;

	mm->locked_vm -= vms->st.locked;
	lru_add_drain(m);	/* batched pages can be freed at once */
	tlb_gather_mmu(&tlb, mm);
	update_hiwater_rss(mm);
	unmap_vmas(&tlb, vms->first, vms->start, vms->end);
	free_pgtables(&tlb, vms->first, vms->prev ? vms->prev->vm_end : FIRST_USER_ADDRESS,
		      vms->next ? vms->next->vm_start : USER_PGTABLES_CEILING);
	tlb_finish_mmu(&tlb);

	update_hiwater_vm(mm);
	mm->total_vm -= vms->st.total;
	mm->exec_vm -= vms->st.exec;
	mm->stack_vm -= vms->st.stack;
	mm->data_vm -= vms->st.data;
	for (v = vms->first; v != vms->next; v = next) {
		next = vma_next(v);
		vma_unlink(mm, v);
		remove_vma(v);
	}
	if (unacct)
		vm_unacct_memory(m, (long)vms->st.accounted);
}

static int do_align_munmap(struct mm_struct *mm, struct vm_area_struct *vma,
			   unsigned long start, unsigned long end)
{
	struct vma_munmap_struct vms;
	int err = vms_gather(mm, vma, start, end, &vms);

	if (err)
		return err;
	vms_complete(mm, &vms, true);
	return 0;
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct vm_area_struct *vma;
	unsigned long end;

	lockdep_assert_held(&mm->mmap_lock);
	if ((start & ~PAGE_MASK) || start > mm->task_size || len > mm->task_size - start)
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	if (end == start)
		return -EINVAL;
	vma = find_vma_intersection(mm, start, end);
	if (!vma)
		return 0;
	return do_align_munmap(mm, vma, start, end);
}

long sys_munmap(struct task_struct *t, unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = t->mm;
	long ret;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	spin_lock(&mm->mmap_lock);
	ret = do_munmap(mm, addr, len);
	spin_unlock(&mm->mmap_lock);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* mmap                                                                    */
/* ---------------------------------------------------------------------- */

static vm_flags_t calc_vm_prot_bits(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/* MAP_STACK asks for no huge pages (CONFIG_TRANSPARENT_HUGEPAGE). */
static vm_flags_t calc_vm_flag_bits(unsigned long flags)
{
	return ((flags & MAP_GROWSDOWN) ? VM_GROWSDOWN : 0) |
	       ((flags & MAP_LOCKED) ? VM_LOCKED : 0) |
	       ((flags & MAP_SYNC) ? VM_SYNC : 0) |
	       ((flags & MAP_STACK) ? VM_NOHUGEPAGE : 0);
}

/* A hint below mmap_min_addr is moved up to it. */
static unsigned long round_hint_to_min(const struct mm_struct *mm, unsigned long hint)
{
	hint &= PAGE_MASK;
	if (hint && hint < mmap_min_addr(mm))
		return PAGE_ALIGN(mmap_min_addr(mm));
	return hint;
}

/* Private writable mappings reserve commit, unless MAP_NORESERVE or hugetlb. */
static bool accountable_mapping(struct file *file, vm_flags_t vm_flags)
{
	if (is_file_hugepages(file))
		return false;	/* hugetlb reservations are the pool's, not Committed_AS */
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* file_mmap_ok: the file range must fit a loff_t (MAX_LFS_FILESIZE). */
static bool file_mmap_ok(unsigned long pgoff, unsigned long len)
{
	unsigned long maxsize = (unsigned long)INT64_MAX;

	if (len > maxsize)
		return false;
	maxsize -= len;
	return pgoff <= maxsize >> PAGE_SHIFT;
}

/* A new VMA for the range when no neighbour could take it (__mmap_new_vma). */
static struct vm_area_struct *mmap_new_vma(struct mm_struct *mm, struct file *file,
					   unsigned long addr, unsigned long end,
					   vm_flags_t vm_flags, unsigned long pgoff, int *err)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	*err = -ENOMEM;
	if (!vma)
		return NULL;
	vma_set_range(vma, addr, end, pgoff);
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	if (file) {
		get_file(file);
		vma->vm_file = file;
		if (is_file_hugepages(file)) {	/* call_mmap: hugetlbfs_file_mmap */
			*err = hugetlbfs_file_mmap(file, vma);
			if (*err) {
				fput(mm->machine, file);
				vm_area_free(vma);
				return NULL;
			}
		}
	} else if (vm_flags & VM_SHARED) {
		*err = shmem_zero_setup(vma);
		if (*err) {
			vm_area_free(vma);
			return NULL;
		}
	}
	vma_link(mm, vma);
	return vma;
}

/*
 * mmap_region: the checked range becomes a mapping. Existing VMAs inside
 * it (MAP_FIXED) are split off and unmapped first; the commit charge is
 * taken for what is new; then a neighbour grows over the range or a new
 * VMA is made.
 */
static unsigned long mmap_region(struct mm_struct *mm, struct file *file, unsigned long addr,
				 unsigned long len, vm_flags_t vm_flags, unsigned long pgoff)
{
	struct machine *m = mm->machine;
	unsigned long end = addr + len, pglen = len >> PAGE_SHIFT, charged = 0;
	struct vm_area_struct *vma, *prev, *next;
	struct vma_munmap_struct vms = { 0 };
	int err;

	vma = find_vma_intersection(mm, addr, end);
	if (vma) {
		err = vms_gather(mm, vma, addr, end, &vms);
		if (err)
			return (unsigned long)err;
		prev = vms.prev;
		next = vms.next;
	} else {
		next = find_vma_prev(mm, addr, &prev);
	}
	if (!may_expand_vm(mm, vm_flags, pglen - vms.st.total))
		return -ENOMEM;
	if (accountable_mapping(file, vm_flags)) {
		charged = pglen - vms.st.accounted;
		if (charged && security_vm_enough_memory_mm(mm, (long)charged))
			return -ENOMEM;
		vms.st.accounted = 0;	/* the old charge carries over to the new mapping */
		vm_flags |= VM_ACCOUNT;
	}
	if (vms.vma_count)
		vms_complete(mm, &vms, true);

	vma = NULL;
	if (prev || next)
		vma = vma_merge_new_range(mm, prev, next, addr, end, vm_flags, file, pgoff);
	if (!vma) {
		vma = mmap_new_vma(mm, file, addr, end, vm_flags, pgoff, &err);
		if (!vma) {
			if (charged)
				vm_unacct_memory(m, (long)charged);
			return (unsigned long)err;
		}
	}

	/* __mmap_complete */
	vm_stat_account(mm, vma->vm_flags, (long)pglen);
	if (vm_flags & VM_LOCKED) {
		if (vma->vm_flags & VM_SPECIAL)
			vma->vm_flags &= ~VM_LOCKED_MASK;
		else
			mm->locked_vm += pglen;
	}
	/* A new or grown VMA is soft-dirty as a whole (CONFIG_MEM_SOFT_DIRTY). */
	vma->vm_flags |= VM_SOFTDIRTY;
	vma->vm_page_prot = vma_page_prot(vma);
	khugepaged_enter_vma(vma, vma->vm_flags);	/* THP: register the mm if eligible */
	return addr;
}

/*
 * The mapping type's rules for a file (shmem objects, and disk files with
 * their open mode: a shared writable mapping needs a file open for
 * writing, any mapping one open for reading, EACCES otherwise; a shared
 * mapping of a read-only file can never become writable, VM_SHARED and
 * VM_MAYWRITE go and maps still shows it "s").
 */
static long mmap_file_flags(struct file *file, unsigned long *flags, vm_flags_t *vm_flags,
			    unsigned long pgoff, unsigned long len, unsigned long prot)
{
	bool disk = file_is_disk_file(file);

	if (!file_mmap_ok(pgoff, len))
		return -EOVERFLOW;
	switch (*flags & MAP_TYPE) {
	case MAP_SHARED:
		*flags &= LEGACY_MAP_MASK;	/* unknown flags silently ignored */
		/* fall through */
	case MAP_SHARED_VALIDATE:
		if (*flags & ~LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		if (disk && (prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (disk && !(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fall through */
	case MAP_PRIVATE:
		if (disk && !(file->f_mode & FMODE_READ))
			return -EACCES;
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

unsigned long do_mmap(struct task_struct *t, struct file *file, unsigned long addr,
		      unsigned long len, unsigned long prot, unsigned long flags,
		      vm_flags_t vm_flags, unsigned long pgoff, unsigned long *populate)
{
	struct mm_struct *mm = t->mm;
	struct machine *m = mm->machine;
	long err;

	*populate = 0;
	lockdep_assert_held(&mm->mmap_lock);
	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED))
		addr = round_hint_to_min(mm, addr);
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if ((unsigned long)mm->map_count > (unsigned long)m->sysctl.max_map_count)
		return -ENOMEM;

	vm_flags |= calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags) | mm->def_flags |
		    VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	addr = get_unmapped_area(mm, file, addr, len, pgoff, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;
	if ((flags & MAP_LOCKED) && rlimit_memlock(mm) == 0)
		return -EPERM;		/* can_do_mlock */
	if (!mlock_future_ok(mm, vm_flags, len))
		return -EAGAIN;

	if (file) {
		err = mmap_file_flags(file, &flags, &vm_flags, pgoff, len, prot);
		if (err)
			return (unsigned long)err;
	} else {
		switch (flags & MAP_TYPE) {
		case MAP_SHARED:
			if (vm_flags & VM_GROWSDOWN)
				return -EINVAL;
			pgoff = 0;	/* shmem object offset */
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			break;
		case MAP_DROPPABLE:
			/*
			 * Pages that may vanish: never locked or a stack, not
			 * reserved, not inherited, not dumped.
			 */
			if (flags & (MAP_LOCKED | MAP_HUGETLB))
				return -EINVAL;
			if (vm_flags & VM_GROWSDOWN)
				return -EINVAL;
			vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
			/* fall through */
		case MAP_PRIVATE:
			pgoff = addr >> PAGE_SHIFT;	/* anon_vma index: the address */
			break;
		default:
			return -EINVAL;
		}
	}
	/* MAP_NORESERVE is honoured unless overcommit is strict. */
	if ((flags & MAP_NORESERVE) && m->sysctl.overcommit_memory != OVERCOMMIT_NEVER)
		vm_flags |= VM_NORESERVE;

	addr = mmap_region(mm, file, addr, len, vm_flags, pgoff);
	if (!IS_ERR_VALUE(addr) &&
	    ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE))
		*populate = len;
	return addr;
}

/*
 * MAP_HUGETLB without a file (ksys_mmap_pgoff): the size field names an
 * hstate (EINVAL if none), the length is rounded up to its page size, and
 * the mapping maps a fresh hugetlbfs file ("/anon_hugepage (deleted)");
 * the reservation is made by hugetlbfs_file_mmap (ENOMEM if the pool
 * cannot back it).
 */
static struct file *hugetlb_anon_file(struct task_struct *t, unsigned long *len,
				      unsigned long flags)
{
	unsigned int log = (unsigned int)((flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK);
	struct hstate *h = hstate_sizelog(t->machine, log);

	if (!h)
		return ERR_PTR(-EINVAL);
	*len = ALIGN(*len, huge_page_size(h));
	if (!*len)
		return ERR_PTR(-EINVAL);
	return hugetlb_file_setup(t->machine, *len, h);
}

long sys_mmap(struct task_struct *t, unsigned long addr, unsigned long len, unsigned long prot,
	      unsigned long flags, struct file *file, unsigned long off)
{
	struct mm_struct *mm = t->mm;
	unsigned long populate = 0, ret;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if (!file)
			return -EBADF;
		if (flags & MAP_HUGETLB)
			return -EINVAL;
	} else {
		file = NULL;	/* the fd of an anonymous mapping is ignored */
		if (flags & MAP_HUGETLB) {
			file = hugetlb_anon_file(t, &len, flags);
			if (IS_ERR(file))
				return PTR_ERR(file);
		}
	}
	spin_lock(&mm->mmap_lock);
	ret = do_mmap(t, file, addr, len, prot, flags, 0, off >> PAGE_SHIFT, &populate);
	spin_unlock(&mm->mmap_lock);
	if (flags & MAP_ANONYMOUS && file)
		fput(t->machine, file);	/* the mapping holds its own reference */
	if (populate)
		mm_populate(mm, ret, populate, true);
	return (long)ret;
}

/* ---------------------------------------------------------------------- */
/* brk                                                                     */
/* ---------------------------------------------------------------------- */

int do_brk_flags(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		 unsigned long len, vm_flags_t flags)
{
	struct machine *m = mm->machine;
	unsigned long npages = len >> PAGE_SHIFT;
	struct vm_area_struct *merged;
	int err;

	flags |= VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags;
	if (!may_expand_vm(mm, flags, npages))
		return -ENOMEM;
	if ((unsigned long)mm->map_count > (unsigned long)m->sysctl.max_map_count)
		return -ENOMEM;
	if (security_vm_enough_memory_mm(mm, (long)npages))
		return -ENOMEM;

	/* Only the heap VMA may grow, and not when its anon_vma came by fork. */
	if (vma && vma->vm_end == addr) {
		merged = vma_brk_expand(mm, vma, addr, len, flags, &err);
		if (merged) {
			vma = merged;
			goto out;
		}
		if (err)
			goto unacct_fail;
	}
	vma = vm_area_alloc(mm);
	if (!vma)
		goto unacct_fail;
	vma_set_range(vma, addr, addr + len, addr >> PAGE_SHIFT);
	vma->vm_flags = flags;
	vma->vm_page_prot = vm_get_page_prot(flags);
	vma_link(mm, vma);
out:
	mm->total_vm += npages;
	mm->data_vm += npages;
	if (flags & VM_LOCKED)
		mm->locked_vm += npages;
	vma->vm_flags |= VM_SOFTDIRTY;
	khugepaged_enter_vma(vma, flags);	/* THP: register the mm if eligible */
	return 0;

unacct_fail:
	vm_unacct_memory(m, (long)npages);
	return -ENOMEM;
}

/* check_brk_limits: a fixed range inside user space, within RLIMIT_MEMLOCK if locked. */
static int check_brk_limits(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	unsigned long mapped = get_unmapped_area(mm, NULL, addr, len, 0, MAP_FIXED);

	if (IS_ERR_VALUE(mapped))
		return (int)(long)mapped;
	return mlock_future_ok(mm, mm->def_flags, len) ? 0 : -EAGAIN;
}

/*
 * brk(2): the new break, or the old one when the request is refused.
 * Shrinking unmaps; growth must stay a page plus the stack guard gap
 * below the next mapping.
 */
long sys_brk(struct task_struct *t, unsigned long brk)
{
	struct mm_struct *mm = t->mm;
	unsigned long newbrk, oldbrk, origbrk;
	struct vm_area_struct *brkvma, *next;
	bool populate = false;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	spin_lock(&mm->mmap_lock);
	origbrk = mm->brk;
	if (brk < mm->start_brk)	/* no CONFIG_COMPAT_BRK */
		goto out;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (oldbrk == newbrk) {
		mm->brk = brk;
		goto success;
	}
	if (brk <= mm->brk) {
		/* Always allow shrinking, if the break is still mapped. */
		brkvma = find_vma_intersection(mm, newbrk, oldbrk);
		if (!brkvma)
			goto out;
		mm->brk = brk;
		if (do_align_munmap(mm, brkvma, newbrk, oldbrk))
			goto out;
		goto success;
	}
	if (check_brk_limits(mm, oldbrk, newbrk - oldbrk))
		goto out;
	next = find_vma_intersection(mm, oldbrk, newbrk + PAGE_SIZE + STACK_GUARD_GAP);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
		goto out;
	/* The VMA just below the old break, if it reaches above start_brk. */
	find_vma_prev(mm, oldbrk, &brkvma);
	if (brkvma && brkvma->vm_end <= mm->start_brk)
		brkvma = NULL;
	if (do_brk_flags(mm, brkvma, oldbrk, newbrk - oldbrk, 0) < 0)
		goto out;
	mm->brk = brk;
	populate = (mm->def_flags & VM_LOCKED) != 0;
success:
	spin_unlock(&mm->mmap_lock);
	if (populate)
		mm_populate(mm, oldbrk, newbrk - oldbrk, true);
	return (long)brk;
out:
	mm->brk = origbrk;
	spin_unlock(&mm->mmap_lock);
	return (long)origbrk;
}

/* ---------------------------------------------------------------------- */
/* Stack growth                                                            */
/* ---------------------------------------------------------------------- */

/* acct_stack_growth: every limit a growing stack must respect. */
static int acct_stack_growth(struct vm_area_struct *vma, unsigned long size, unsigned long grow)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!may_expand_vm(mm, vma->vm_flags, grow))
		return -ENOMEM;
	if (size > RLIMIT_STACK_DEFAULT)
		return -ENOMEM;
	if (!mlock_future_ok(mm, vma->vm_flags & VM_LOCKED, grow << PAGE_SHIFT))
		return -ENOMEM;
	/* Overcommit last: it charges. */
	if (security_vm_enough_memory_mm(mm, (long)grow))
		return -ENOMEM;
	return 0;
}

/* expand_downwards: mmap_lock held for writing. */
int expand_stack_locked(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev;
	unsigned long size, grow;
	int error = 0;

	if (!(vma->vm_flags & VM_GROWSDOWN))
		return -EFAULT;
	address &= PAGE_MASK;
	if (address < mmap_min_addr(mm))	/* or below FIRST_USER_ADDRESS, 0 on x86 */
		return -EPERM;
	/* The guard gap: an accessible mapping below must stay 1 MiB away. */
	prev = vma_prev(vma);
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    address - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	if (anon_vma_prepare(vma))
		return -ENOMEM;

	/* a file stack VMA re-keys its i_mmap node outside the anon_vma lock */
	vma_unlink_file(vma);
	anon_vma_lock_write(vma->anon_vma);
	if (address < vma->vm_start) {
		size = vma->vm_end - address;
		grow = (vma->vm_start - address) >> PAGE_SHIFT;
		error = -ENOMEM;
		if (grow <= vma->vm_pgoff) {
			error = acct_stack_growth(vma, size, grow);
			if (!error) {
				if (vma->vm_flags & VM_LOCKED)
					mm->locked_vm += grow;
				vm_stat_account(mm, vma->vm_flags, (long)grow);
				anon_vma_interval_tree_pre_update_vma(vma);
				vma_set_range(vma, address, vma->vm_end, vma->vm_pgoff - grow);
				anon_vma_interval_tree_post_update_vma(vma);
			}
		}
	}
	anon_vma_unlock_write(vma->anon_vma);
	vma_link_file(vma);
	return error;
}

/* ---------------------------------------------------------------------- */
/* exit_mmap                                                               */
/* ---------------------------------------------------------------------- */

/*
 * The last user is gone: zap everything, free every page table, free
 * every VMA (post-order: no rebalancing of a tree about to vanish) and
 * return the commit charge.
 */
void exit_mmap(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	struct vm_area_struct *vma;
	struct rb_node *rb, *next;
	struct vma_stats st = { 0 };
	struct mmu_gather tlb;
	int count = 0;

	khugepaged_exit(mm);	/* THP: off khugepaged's list */
	spin_lock(&mm->mmap_lock);
	vma = vma_first(mm);
	if (vma) {
		lru_add_drain(mm->machine);	/* batched pages can be freed at once */
		tlb_gather_mmu_fullmm(&tlb, mm);
		unmap_vmas(&tlb, vma, 0, ~0UL);
		free_pgtables(&tlb, vma, FIRST_USER_ADDRESS, USER_PGTABLES_CEILING);
		tlb_finish_mmu(&tlb);
	}
	for (rb = rb_first_postorder(&mm->mm_rb); rb; rb = next) {
		next = rb_next_postorder(rb);
		vma = rb_entry(rb, struct vm_area_struct, vm_rb);
		vma_stat_collect(vma, &st);
		remove_vma(vma);
		count++;
	}
	BUG_ON(count != mm->map_count);
	mm->mm_rb = RB_ROOT;
	mm->map_count = 0;
	mm->highest_vm_end = 0;
	mm->total_vm = mm->data_vm = mm->exec_vm = mm->stack_vm = mm->locked_vm = 0;
	spin_unlock(&mm->mmap_lock);
	vm_unacct_memory(m, (long)st.accounted);
}
