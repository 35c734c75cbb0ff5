/*
 * vma.h - the VMA tree and the operations that change it (mm/vma.c,
 * mm/mmap.c; Linux 6.x's mm/vma.h).
 *
 * An mm's VMAs are in an augmented red-black tree ordered by address; each
 * node keeps rb_subtree_gap, the largest free gap below any VMA of its
 * subtree (the gap before a VMA counts from the previous VMA's end, or 0):
 * find_vma is O(log n), and the gap search of get_unmapped_area skips
 * every subtree whose largest gap is too small (each node's own gap needs
 * its predecessor, so an update or a visited node costs O(log n) more).
 * (Linux 6.1+ uses a maple tree with the same answers.)
 *
 * Merging and splitting follow Linux's rules: two neighbours merge when
 * they touch, have equal flags (ignoring VM_SOFTDIRTY), the same file with
 * contiguous pgoff (anonymous: pgoff contiguous too), and compatible
 * anon_vmas (equal, or one NULL where Linux allows it), no VM_SPECIAL,
 * and equal NUMA policies (mpol_equal; each VMA owns its policy copy).
 *
 * Invariants (validate_mm): VMAs do not overlap, are page aligned and
 * non-empty; map_count equals the node count; highest_vm_end is the last
 * VMA's end; every node's rb_subtree_gap is correct; total_vm and the
 * data/exec/stack/locked counters equal a recount from the VMAs.
 */
#ifndef MMSIM_VMA_H
#define MMSIM_VMA_H

#include "mm.h"

/* Linux's stack_guard_gap: 256 pages kept free below a growsdown stack. */
#define STACK_GUARD_GAP		(256UL << PAGE_SHIFT)
/* A process's RLIMIT_STACK (8 MiB, the default): stack growth, mmap_base. */
#define RLIMIT_STACK_DEFAULT	(8UL << 20)

/* Where a VMA's reserved area starts: a growsdown stack keeps the gap below. */
static inline unsigned long vm_start_gap(const struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN) {
		start -= STACK_GUARD_GAP;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}

/* Where it ends (only growsup stacks, which x86 has not, reserve above). */
static inline unsigned long vm_end_gap(const struct vm_area_struct *vma)
{
	return vma->vm_end;
}

/* Objects (vm_area_struct slab cache). */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);	/* no rmap, not linked */
void vm_area_free(struct vm_area_struct *vma);
/* A VMA out of the tree goes for good: unlink_anon_vmas, fput, free. */
void remove_vma(struct vm_area_struct *vma);

/* Lookups. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);	/* first with vm_end > addr */
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);	/* containing addr */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
struct vm_area_struct *vma_first(struct mm_struct *mm);
struct vm_area_struct *vma_next(struct vm_area_struct *vma);
struct vm_area_struct *vma_prev(struct vm_area_struct *vma);
struct vm_area_struct *vma_last(struct mm_struct *mm);
#define for_each_vma(mm, vma) \
	for ((vma) = vma_first(mm); (vma); (vma) = vma_next(vma))

/* Tree maintenance: link/unlink keep map_count and the gaps right. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
/*
 * Change a linked VMA's range in place (caller keeps order intact). Only
 * the tree: a VMA with an anon_vma must be bracketed by the caller with
 * anon_vma_interval_tree_pre/post_update_vma under anon_vma_lock_write.
 */
void vma_set_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		   unsigned long pgoff);

/*
 * Split vma at addr (page aligned, strictly inside): the new VMA takes the
 * lower part if new_below, else the upper; rmap (anon_vma_clone) follows.
 * 0, or -ENOMEM (allocation, or map_count would exceed max_map_count).
 */
int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below);
/* The same without the max_map_count check (munmap's edges, as Linux). */
int __split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below);

/*
 * Give [start, end) (inside vma) new flags: merge with prev/next where the
 * result allows, otherwise split so that one VMA covers exactly the range.
 * Returns that VMA, or ERR_PTR(-ENOMEM). Counters (locked_vm, data_vm...)
 * are the caller's (mprotect_fixup, mlock_fixup...). The returned VMA has
 * new_flags and their vm_page_prot (callers may set them again, as
 * Linux's do); prev is recomputed from the tree, so NULL is fine.
 */
struct vm_area_struct *vma_modify_flags(struct vm_area_struct *prev, struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					vm_flags_t new_flags);

/*
 * mbind: the VMA covering exactly [start, end) of vma (merged with a
 * neighbour whose NUMA policy equals new_pol, else split off); the caller
 * sets the policy. ERR_PTR(-ENOMEM) as vma_modify_flags.
 */
struct mempolicy;
struct vm_area_struct *vma_modify_policy(struct vm_area_struct *vma, unsigned long start,
					 unsigned long end, struct mempolicy *new_pol);

/*
 * A new range [start, end) with these properties, next to prev (may be
 * NULL) and before next: extend a neighbour (or both, joining them) if
 * compatible. Returns the VMA now covering the range, or NULL if none
 * could be extended (the caller then allocates one).
 */
struct vm_area_struct *vma_merge_new_range(struct mm_struct *mm, struct vm_area_struct *prev,
					   struct vm_area_struct *next, unsigned long start,
					   unsigned long end, vm_flags_t vm_flags,
					   struct file *file, unsigned long pgoff);

/* Can vma be merged... tests used by mremap's in-place growth. */
bool vma_can_expand(struct vm_area_struct *vma, unsigned long new_end);
/*
 * mremap's in-place growth (vma_merge_extend): vma grows by delta bytes,
 * joining next if that becomes adjacent and compatible. The grown VMA, or
 * NULL (out of memory). The caller checked vma_can_expand and accounting.
 */
struct vm_area_struct *vma_merge_extend(struct vm_area_struct *vma, unsigned long delta);
/*
 * mremap's move (copy_vma): a VMA like *vmap over [addr, addr + len) with
 * pgoff, merged with its new neighbours where Linux would (an unfaulted
 * anonymous VMA takes addr's pgoff to help that), else a new linked VMA
 * with the source's rmap. *vmap is updated if the source merged into the
 * result. *need_rmap_locks as Linux. NULL on out-of-memory. Counters are
 * the caller's.
 */
struct vm_area_struct *copy_vma(struct vm_area_struct **vmap, unsigned long addr,
				unsigned long len, unsigned long pgoff, bool *need_rmap_locks);

/*
 * The gap search (vm_unmapped_area): a free range of length bytes inside
 * [low_limit, high_limit), the highest one with VM_UNMAPPED_AREA_TOPDOWN,
 * else the lowest; its start is congruent to align_offset modulo
 * align_mask + 1. Returns the address or -ENOMEM.
 */
#define VM_UNMAPPED_AREA_TOPDOWN 1
struct vm_unmapped_area_info {
	unsigned long flags;
	unsigned long length;
	unsigned long low_limit;
	unsigned long high_limit;
	unsigned long align_mask;
	unsigned long align_offset;
	unsigned long start_gap;
};
unsigned long vm_unmapped_area(struct mm_struct *mm, struct vm_unmapped_area_info *info);

/* Page protection for a set of flags (protection_map). */
pgprot_t vm_get_page_prot(vm_flags_t vm_flags);
/* The VMA's vm_page_prot: its flags' protection, write-protected if it wants writenotify. */
pgprot_t vma_page_prot(struct vm_area_struct *vma);
/* What VMAs add to the counters vm_stat_account keeps (munmap, exit, validate_mm). */
struct vma_stats {
	unsigned long total, data, exec, stack, locked, accounted;
};
void vma_stat_collect(const struct vm_area_struct *vma, struct vma_stats *st);
/* Account npages of a mapping with these flags in total/data/exec/stack_vm. */
void vm_stat_account(struct mm_struct *mm, vm_flags_t flags, long npages);
/* Whether writes to the VMA need write-notify (shared file dirty tracking). */
bool vma_wants_writenotify(struct vm_area_struct *vma);

/* Layout (arch/x86/mm/mmap.c): mmap_base, legacy base, task size. */
void arch_pick_mmap_layout(struct mm_struct *mm);
/*
 * A free range of len bytes: addr as a hint (or exactly, MAP_FIXED),
 * otherwise top-down from mmap_base. Returns the address or -ENOMEM/-EINVAL
 * as an unsigned long (IS_ERR_VALUE).
 */
unsigned long get_unmapped_area(struct mm_struct *mm, struct file *file, unsigned long addr,
				unsigned long len, unsigned long pgoff, unsigned long flags);

/*
 * The core of mmap (mm/mmap.c do_mmap + mmap_region): t's mm must be
 * locked by the caller. *populate is set to the length to prefault
 * (MAP_POPULATE / VM_LOCKED). Returns the address or -errno.
 */
unsigned long do_mmap(struct task_struct *t, struct file *file, unsigned long addr,
		      unsigned long len, unsigned long prot, unsigned long flags,
		      vm_flags_t vm_flags, unsigned long pgoff, unsigned long *populate);
/* Unmap [start, start + len): split edge VMAs, zap, free tables. 0 or -errno. */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/*
 * brk's growth: an anonymous data mapping [addr, addr + len), merging with
 * the heap brkvma (may be NULL: a new VMA). mmap_lock held. 0 or -ENOMEM.
 */
int do_brk_flags(struct mm_struct *mm, struct vm_area_struct *brkvma, unsigned long addr,
		 unsigned long len, vm_flags_t flags);
/* Its merge step (vma.c): brkvma grows over the range, or NULL (*err on ENOMEM). */
struct vm_area_struct *vma_brk_expand(struct mm_struct *mm, struct vm_area_struct *brkvma,
				      unsigned long addr, unsigned long len, vm_flags_t flags,
				      int *err);
/* Grow the stack VMA down to cover addr (stack guard gap honoured). 0 or -errno. */
int expand_stack_locked(struct vm_area_struct *vma, unsigned long addr);
/* Everything of an mm goes: every VMA unmapped, tables freed (last mmput). */
void exit_mmap(struct mm_struct *mm);

/* Overcommit (mm/util.c __vm_enough_memory): 0 or -ENOMEM; charges on success. */
int security_vm_enough_memory_mm(struct mm_struct *mm, long pages);
void vm_unacct_memory(struct machine *m, long pages);
/* CommitLimit in pages. */
unsigned long vm_commit_limit(struct machine *m);
/* Committed_AS in pages (vm_memory_committed). */
unsigned long vm_memory_committed(struct machine *m);

/* Debug: the invariants above; returns the number of problems found. */
int validate_mm(struct mm_struct *mm);

#endif
