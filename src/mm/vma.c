/*
 * vma.c - an mm's VMAs and the operations that reshape them (Linux 6.x's
 * mm/vma.c): the VMA slab objects, lookups, link/unlink in the augmented
 * tree, split, the merge of a new range (mmap, brk, mremap) and of a
 * modified one (mprotect, mlock, madvise), the gap search behind
 * get_unmapped_area, page protections and the per-mm VM counters.
 *
 * The tree: mm->mm_rb holds the VMAs ordered by vm_start. Each VMA keeps
 * rb_subtree_gap, the largest gap over its subtree, a VMA's gap being its
 * vm_start minus the previous VMA's vm_end (0 for the first VMA). The gap
 * of a VMA depends on its predecessor, which may be outside its subtree,
 * so whenever a VMA comes, goes or changes range, it and its successor are
 * recomputed up to the root (vma_gap_update): O(log^2 n) with the
 * predecessor walk, and the gap search prunes whole subtrees with it.
 * (Linux 6.1+ keeps a maple tree; the answers are the same.)
 *
 * Merging follows Linux 6.18 exactly: flags equal but for VM_SOFTDIRTY,
 * same file, contiguous pgoff, anon_vmas equal or one side without one -
 * except that a VMA whose anon_vma came through fork (its chain list is
 * not singular) does not take or lend an anon_vma - and never VM_SPECIAL.
 * These rules decide the VMA counts and boundaries /proc/PID/maps shows.
 *
 * Invariants (validate_mm): VMAs are page aligned, non-empty, do not
 * overlap, belong to the mm; map_count is their number; highest_vm_end is
 * the last one's end; every rb_subtree_gap is right; total_vm, data_vm,
 * exec_vm, stack_vm and locked_vm equal a recount from the VMAs.
 *
 * Locking: the mm's mmap_lock is held for writing by every caller that
 * changes the tree (for reading by lookups). A VMA with an anon_vma
 * changes range only under the anon_vma's lock, its chains out of the
 * anon_vma interval trees meanwhile (vma_prepare / vma_complete): mmap_lock
 * > anon_vma lock.
 */
#include <errno.h>
#include <string.h>

#include "huge_mm.h"
#include "vma.h"
#include "hugetlb.h"
#include "fs.h"
#include "mman.h"
#include "rmap.h"
#include "mempolicy.h"

static inline struct vm_area_struct *rb_vma(const struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct vm_area_struct, vm_rb) : NULL;
}

static inline unsigned long max_map_count(const struct mm_struct *mm)
{
	return (unsigned long)mm->machine->sysctl.max_map_count;
}

/* ---------------------------------------------------------------------- */
/* Objects                                                                 */
/* ---------------------------------------------------------------------- */

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	struct vm_area_struct *vma = kmem_cache_alloc(m, m->vm_area_cachep, GFP_KERNEL);

	if (!vma)
		return NULL;
	memset(vma, 0, sizeof(*vma));
	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	RB_CLEAR_NODE(&vma->vm_rb);
	RB_CLEAR_NODE(&vma->shared.rb);
	return vma;
}

/* A copy not in any tree and on no anon_vma chain; the file ref is the caller's. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *new = vm_area_alloc(orig->vm_mm);

	if (!new)
		return NULL;
	*new = *orig;
	INIT_LIST_HEAD(&new->anon_vma_chain);
	RB_CLEAR_NODE(&new->vm_rb);
	RB_CLEAR_NODE(&new->shared.rb);
	new->rb_subtree_gap = 0;
	/* vma_dup_policy: every VMA owns its own copy of the policy */
	new->vm_policy = mpol_dup(orig->vm_mm->machine, orig->vm_policy);
	if (IS_ERR(new->vm_policy)) {
		new->vm_policy = NULL;
		vm_area_free(new);
		return NULL;
	}
	return new;
}

void vm_area_free(struct vm_area_struct *vma)
{
	struct machine *m = vma->vm_mm->machine;

	mpol_put(m, vma->vm_policy);
	kmem_cache_free(m, m->vm_area_cachep, vma);
}

/* A VMA leaves for good: its rmap, its file reference, the object. */
void remove_vma(struct vm_area_struct *vma)
{
	vma_unlink_file(vma);	/* exit_mmap frees VMAs without vma_unlink */
	if (is_vm_hugetlb_page(vma))	/* vm_ops->close */
		hugetlb_vm_op_close(vma);
	unlink_anon_vmas(vma);
	if (vma->vm_file)
		fput(vma->vm_mm->machine, vma->vm_file);
	vm_area_free(vma);
}

/* ---------------------------------------------------------------------- */
/* The tree and its gap augmentation                                       */
/* ---------------------------------------------------------------------- */

struct vm_area_struct *vma_first(struct mm_struct *mm)
{
	return rb_vma(rb_first(&mm->mm_rb));
}

struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	return rb_vma(rb_next(&vma->vm_rb));
}

struct vm_area_struct *vma_prev(struct vm_area_struct *vma)
{
	return rb_vma(rb_prev(&vma->vm_rb));
}

struct vm_area_struct *vma_last(struct mm_struct *mm)
{
	return rb_vma(rb_last(&mm->mm_rb));
}

/* The free space just below vma. */
static unsigned long vma_gap(const struct vm_area_struct *vma)
{
	const struct vm_area_struct *prev = rb_vma(rb_prev(&vma->vm_rb));

	return vma->vm_start - (prev ? prev->vm_end : 0);
}

static unsigned long vma_compute_subtree_gap(const struct vm_area_struct *vma)
{
	unsigned long gap = vma_gap(vma);
	const struct rb_node *l = vma->vm_rb.rb_left, *r = vma->vm_rb.rb_right;

	if (l && rb_vma(l)->rb_subtree_gap > gap)
		gap = rb_vma(l)->rb_subtree_gap;
	if (r && rb_vma(r)->rb_subtree_gap > gap)
		gap = rb_vma(r)->rb_subtree_gap;
	return gap;
}

/*
 * Recompute from rb up to stop. No early exit when a value is unchanged:
 * a node's gap depends on its predecessor, so an unchanged value does not
 * prove its ancestors right.
 */
static void vma_gap_propagate(struct rb_node *rb, struct rb_node *stop)
{
	for (; rb != stop; rb = rb_parent(rb))
		rb_vma(rb)->rb_subtree_gap = vma_compute_subtree_gap(rb_vma(rb));
}

static void vma_gap_copy(struct rb_node *old, struct rb_node *new)
{
	rb_vma(new)->rb_subtree_gap = rb_vma(old)->rb_subtree_gap;
}

static void vma_gap_rotate(struct rb_node *old, struct rb_node *new)
{
	rb_vma(new)->rb_subtree_gap = rb_vma(old)->rb_subtree_gap;
	rb_vma(old)->rb_subtree_gap = vma_compute_subtree_gap(rb_vma(old));
}

static const struct rb_augment_callbacks vma_gap_callbacks = {
	.propagate = vma_gap_propagate,
	.copy = vma_gap_copy,
	.rotate = vma_gap_rotate,
};

static void vma_gap_update(struct vm_area_struct *vma)
{
	vma_gap_propagate(&vma->vm_rb, NULL);
}

/* After vma's end moved, came or went: its successor's gap changed too. */
static void vma_gap_update_next(struct mm_struct *mm, struct vm_area_struct *next)
{
	struct vm_area_struct *last;

	if (next) {
		vma_gap_update(next);
		return;
	}
	last = vma_last(mm);
	mm->highest_vm_end = last ? last->vm_end : 0;
}

void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;

	VM_BUG_ON(vma->vm_mm != mm || !RB_EMPTY_NODE(&vma->vm_rb));
	VM_BUG_ON(vma->vm_start >= vma->vm_end);
	while (*link) {
		parent = *link;
		if (vma->vm_start < rb_vma(parent)->vm_start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&vma->vm_rb, parent, link);
	vma_gap_update(vma);
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	vma_gap_update_next(mm, vma_next(vma));
	mm->map_count++;
	vma_link_file(vma);
	VM_BUG_ON(vma_prev(vma) && vma_prev(vma)->vm_end > vma->vm_start);
	VM_BUG_ON(vma_next(vma) && vma_next(vma)->vm_start < vma->vm_end);
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(vma);

	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	RB_CLEAR_NODE(&vma->vm_rb);
	vma_gap_update_next(mm, next);
	mm->map_count--;
	vma_unlink_file(vma);
}

void vma_set_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		   unsigned long pgoff)
{
	/* the i_mmap key may change only out of the tree (vma_prepare/complete) */
	VM_BUG_ON(vma->vm_file && !RB_EMPTY_NODE(&vma->shared.rb));
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	if (RB_EMPTY_NODE(&vma->vm_rb))
		return;
	vma_gap_update(vma);
	vma_gap_update_next(vma->vm_mm, vma_next(vma));
}

/* ---------------------------------------------------------------------- */
/* Lookups                                                                 */
/* ---------------------------------------------------------------------- */

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *rb = mm->mm_rb.rb_node;
	struct vm_area_struct *found = NULL;

	while (rb) {
		struct vm_area_struct *vma = rb_vma(rb);

		if (vma->vm_end > addr) {
			found = vma;
			if (vma->vm_start <= addr)
				break;
			rb = rb->rb_left;
		} else {
			rb = rb->rb_right;
		}
	}
	return found;
}

struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	*pprev = vma ? vma_prev(vma) : vma_last(mm);
	return vma;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

/* ---------------------------------------------------------------------- */
/* Protections and counters                                                */
/* ---------------------------------------------------------------------- */

/* x86-64's protection_map, indexed by VM_READ|VM_WRITE|VM_EXEC|VM_SHARED. */
static const pteval_t protection_map[16] = {
	[VM_NONE]					= PAGE_NONE,
	[VM_READ]					= PAGE_READONLY,
	[VM_WRITE]					= PAGE_COPY_NOEXEC,
	[VM_WRITE | VM_READ]				= PAGE_COPY_NOEXEC,
	[VM_EXEC]					= PAGE_READONLY_EXEC,
	[VM_EXEC | VM_READ]				= PAGE_READONLY_EXEC,
	[VM_EXEC | VM_WRITE]				= PAGE_COPY_EXEC,
	[VM_EXEC | VM_WRITE | VM_READ]			= PAGE_COPY_EXEC,
	[VM_SHARED]					= PAGE_NONE,
	[VM_SHARED | VM_READ]				= PAGE_READONLY,
	[VM_SHARED | VM_WRITE]				= PAGE_SHARED,
	[VM_SHARED | VM_WRITE | VM_READ]		= PAGE_SHARED,
	[VM_SHARED | VM_EXEC]				= PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_READ]			= PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE]		= PAGE_SHARED_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE | VM_READ]	= PAGE_SHARED_EXEC,
};

pgprot_t vm_get_page_prot(vm_flags_t vm_flags)
{
	return __pgprot(protection_map[vm_flags & (VM_ACCESS_FLAGS | VM_SHARED)]);
}

/*
 * Shared writable mappings whose writes must fault first: a backing that
 * tracks dirty pages for writeback (shmem cannot write back:
 * mapping_can_writeback). Soft-dirty tracking, the other reason, needs
 * CONFIG_MEM_SOFT_DIRTY, which the reference kernel does not have.
 */
bool vma_wants_writenotify(struct vm_area_struct *vma)
{
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	if (vma->vm_flags & VM_PFNMAP)
		return false;
	return vma->vm_file && vma->vm_file->f_mapping &&
	       !vma->vm_file->f_mapping->swapbacked;
}

pgprot_t vma_page_prot(struct vm_area_struct *vma)
{
	if (vma_wants_writenotify(vma))
		return vm_get_page_prot(vma->vm_flags & ~VM_SHARED);
	return vm_get_page_prot(vma->vm_flags);
}

/* mm/internal.h's classification: exec, else stack, else data. */
static inline bool is_exec_mapping(vm_flags_t flags)
{
	return (flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC;
}

static inline bool is_stack_mapping(vm_flags_t flags)
{
	return (flags & VM_STACK) == VM_STACK;
}

static inline bool is_data_mapping(vm_flags_t flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE;
}

void vm_stat_account(struct mm_struct *mm, vm_flags_t flags, long npages)
{
	mm->total_vm += (unsigned long)npages;
	if (is_exec_mapping(flags))
		mm->exec_vm += (unsigned long)npages;
	else if (is_stack_mapping(flags))
		mm->stack_vm += (unsigned long)npages;
	else if (is_data_mapping(flags))
		mm->data_vm += (unsigned long)npages;
}

/* Account what one VMA contributes to the counters vm_stat_account keeps. */
void vma_stat_collect(const struct vm_area_struct *vma, struct vma_stats *st)
{
	unsigned long n = vma_pages(vma);

	st->total += n;
	if (vma->vm_flags & VM_LOCKED)
		st->locked += n;
	if (vma->vm_flags & VM_ACCOUNT)
		st->accounted += n;
	if (is_exec_mapping(vma->vm_flags))
		st->exec += n;
	else if (is_stack_mapping(vma->vm_flags))
		st->stack += n;
	else if (is_data_mapping(vma->vm_flags))
		st->data += n;
}

/* ---------------------------------------------------------------------- */
/* Range changes under the anon_vma lock (vma_prepare / vma_complete)      */
/* ---------------------------------------------------------------------- */

struct vma_prepare {
	struct vm_area_struct *vma;	/* changes range */
	struct vm_area_struct *adj;	/* a neighbour that changes range too */
	struct vm_area_struct *remove, *remove2;	/* merged away */
	struct anon_vma *anon_vma;
	bool relink, relink_adj;	/* out of i_mmap for the change (file VMAs) */
};

/*
 * The one place a linked file VMA's i_mmap key changes: it leaves i_mmap
 * before the anon_vma lock is taken and returns after it is dropped, as
 * i_mmap_rwsem ranks above anon_vma->rwsem (Linux's vma_prepare takes
 * i_mmap first). Merged-away VMAs leave for good.
 */
static void vma_prepare_file(struct vma_prepare *vp)
{
	vp->relink = vp->vma->vm_file && !RB_EMPTY_NODE(&vp->vma->shared.rb);
	vp->relink_adj = vp->adj && vp->adj->vm_file && !RB_EMPTY_NODE(&vp->adj->shared.rb);
	if (vp->relink)
		vma_unlink_file(vp->vma);
	if (vp->relink_adj)
		vma_unlink_file(vp->adj);
	/* merged-away VMAs leave i_mmap now too, for good (vma_unlink finds them out) */
	if (vp->remove)
		vma_unlink_file(vp->remove);
	if (vp->remove2)
		vma_unlink_file(vp->remove2);
}

static void vma_prepare(struct vma_prepare *vp)
{
	vma_prepare_file(vp);
	if (!vp->anon_vma)
		return;
	anon_vma_lock_write(vp->anon_vma);
	anon_vma_interval_tree_pre_update_vma(vp->vma);
	if (vp->adj)
		anon_vma_interval_tree_pre_update_vma(vp->adj);
}

static void vma_complete(struct vma_prepare *vp)
{
	if (vp->anon_vma) {
		anon_vma_interval_tree_post_update_vma(vp->vma);
		if (vp->adj)
			anon_vma_interval_tree_post_update_vma(vp->adj);
		anon_vma_unlock_write(vp->anon_vma);
	}
	if (vp->relink)
		vma_link_file(vp->vma);
	if (vp->relink_adj)
		vma_link_file(vp->adj);
	/* Merged-away VMAs left the tree already (map_count too). */
	if (vp->remove)
		remove_vma(vp->remove);
	if (vp->remove2)
		remove_vma(vp->remove2);
}

/* ---------------------------------------------------------------------- */
/* Split                                                                   */
/* ---------------------------------------------------------------------- */

int __split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	struct vma_prepare vp = { .vma = vma, .anon_vma = vma->anon_vma };
	struct vm_area_struct *new;

	VM_BUG_ON(addr <= vma->vm_start || addr >= vma->vm_end);
	VM_BUG_ON(!IS_ALIGNED(addr, PAGE_SIZE));
	if (is_vm_hugetlb_page(vma) && hugetlb_vm_op_split(vma, addr))	/* vm_ops->may_split */
		return -EINVAL;
	/* vma_adjust_trans_huge: no THP may straddle the new boundary */
	if (addr & ~PMD_MASK)
		split_huge_pmd_only_range(vma, addr, addr + 1);
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	if (new_below) {
		new->vm_end = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	}
	/* new joins vma's anon_vmas with its own range (it is in no tree yet). */
	if (anon_vma_clone(new, vma)) {
		vm_area_free(new);
		return -ENOMEM;
	}
	if (new->vm_file)
		get_file(new->vm_file);
	if (is_vm_hugetlb_page(new))	/* vm_ops->open: the halves share the reservations */
		hugetlb_vm_op_open(new);

	vma_prepare(&vp);
	if (new_below)
		vma_set_range(vma, addr, vma->vm_end,
			      vma->vm_pgoff + ((addr - new->vm_start) >> PAGE_SHIFT));
	else
		vma_set_range(vma, vma->vm_start, addr, vma->vm_pgoff);
	/* Linked (into i_mmap too) once the anon_vma lock is dropped: see vma_prepare_file. */
	vma_complete(&vp);
	vma_link(vma->vm_mm, new);
	return 0;
}

int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	if ((unsigned long)vma->vm_mm->map_count >= max_map_count(vma->vm_mm))
		return -ENOMEM;
	return __split_vma(vma, addr, new_below);
}

/* ---------------------------------------------------------------------- */
/* Merge                                                                   */
/* ---------------------------------------------------------------------- */

/*
 * One merge attempt (Linux's struct vma_merge_struct): the range
 * [start, end) with its proposed flags, file, pgoff and anon_vma, between
 * prev and next; middle is the VMA being modified (existing-range merges),
 * copied_from mremap's source. The outcome: target, the VMA that grows,
 * and which neighbours go or shrink.
 */
struct vma_merge_struct {
	struct mm_struct *mm;
	struct vm_area_struct *prev, *middle, *next, *target, *copied_from;
	unsigned long start, end, pgoff;
	vm_flags_t vm_flags;
	struct file *file;
	struct anon_vma *anon_vma;
	struct mempolicy *policy;	/* the range's NUMA policy: neighbours must equal it */
	bool just_expand;		/* brk: only prev may grow */
	bool remove_middle, remove_next;
	bool adjust_middle_start, adjust_next_start;
	int error;			/* -ENOMEM if a merge failed for memory */
};

/* The anon_vma came through fork: sharing it would widen the family's lock. */
static bool vma_is_fork_child(const struct vm_area_struct *vma)
{
	return vma_anon_vma_forked(vma);
}

static bool is_mergeable_vma(const struct vma_merge_struct *vmg, bool merge_next)
{
	const struct vm_area_struct *vma = merge_next ? vmg->next : vmg->prev;

	if ((vma->vm_flags ^ vmg->vm_flags) & ~VM_IGNORE_MERGE)
		return false;
	if (vma->vm_file != vmg->file)
		return false;
	if (!mpol_equal(vmg->policy, vma_policy(vma)))
		return false;
	return !vma->vm_special_name;
}

static bool is_mergeable_anon_vma(const struct vma_merge_struct *vmg, bool merge_next)
{
	const struct vm_area_struct *tgt = merge_next ? vmg->next : vmg->prev;
	struct anon_vma *tgt_anon = tgt->anon_vma, *src_anon = vmg->anon_vma;

	/* The target will take the source's anon_vma (dup_anon_vma). */
	if (!tgt_anon && src_anon)
		return !vma_is_fork_child(vmg->middle) && !vma_is_fork_child(vmg->copied_from);
	/* The merged range will use the target's. */
	if (tgt_anon && !src_anon)
		return !vma_is_fork_child(tgt);
	return src_anon == tgt_anon;
}

/* May the range go in front of next (lower addresses and file offsets)? */
static bool can_vma_merge_before(const struct vma_merge_struct *vmg)
{
	unsigned long pglen = (vmg->end - vmg->start) >> PAGE_SHIFT;

	return is_mergeable_vma(vmg, true) && is_mergeable_anon_vma(vmg, true) &&
	       vmg->next->vm_pgoff == vmg->pgoff + pglen;
}

/* May the range go after prev? */
static bool can_vma_merge_after(const struct vma_merge_struct *vmg)
{
	return is_mergeable_vma(vmg, false) && is_mergeable_anon_vma(vmg, false) &&
	       vmg->prev->vm_pgoff + vma_pages(vmg->prev) == vmg->pgoff;
}

static bool can_vma_merge_left(const struct vma_merge_struct *vmg)
{
	return vmg->prev && vmg->prev->vm_end == vmg->start && can_vma_merge_after(vmg);
}

/* Merging both sides also needs prev's and next's anon_vmas to agree. */
static bool can_vma_merge_right(const struct vma_merge_struct *vmg, bool can_merge_left)
{
	const struct vm_area_struct *prev = vmg->prev, *next = vmg->next;

	if (!next || vmg->end != next->vm_start || !can_vma_merge_before(vmg))
		return false;
	if (!can_merge_left)
		return true;
	return !prev->anon_vma || !next->anon_vma || prev->anon_vma == next->anon_vma;
}

/*
 * The destination of a merge has no anon_vma and the source has one: the
 * destination joins it, so the pages it now covers stay reachable by rmap.
 */
static int dup_anon_vma(struct vm_area_struct *dst, struct vm_area_struct *src,
			struct vm_area_struct **dup)
{
	if (!src->anon_vma || dst->anon_vma)
		return 0;
	dst->anon_vma = src->anon_vma;
	if (anon_vma_clone(dst, src))
		return -ENOMEM;		/* anon_vma_clone cleared dst->anon_vma */
	*dup = dst;
	return 0;
}

/*
 * Apply a decided merge. Removed VMAs leave the tree first and a VMA that
 * shrinks does so before its neighbour grows, so ranges in the tree never
 * overlap; the anon_vma interval trees see only the final ranges.
 */
static void commit_merge(struct vma_merge_struct *vmg)
{
	struct mm_struct *mm = vmg->mm;
	struct vm_area_struct *vma = vmg->adjust_next_start ? vmg->middle : vmg->target;
	struct vm_area_struct *adj = NULL;
	struct vma_prepare vp = { .vma = vma };
	unsigned long adj_pgoff = 0;

	if (vmg->adjust_middle_start) {
		adj = vmg->middle;
		adj_pgoff = adj->vm_pgoff + ((vmg->end - adj->vm_start) >> PAGE_SHIFT);
	} else if (vmg->adjust_next_start) {
		adj = vmg->next;
		adj_pgoff = adj->vm_pgoff - ((adj->vm_start - vmg->end) >> PAGE_SHIFT);
	}
	vp.adj = adj;
	vp.anon_vma = vma->anon_vma ? vma->anon_vma : adj ? adj->anon_vma : NULL;
	if (vmg->remove_middle)
		vp.remove = vmg->middle;
	if (vmg->remove_next)
		*(vp.remove ? &vp.remove2 : &vp.remove) = vmg->next;

	vma_prepare(&vp);
	if (vp.remove)
		vma_unlink(mm, vp.remove);
	if (vp.remove2)
		vma_unlink(mm, vp.remove2);
	if (vmg->adjust_middle_start) {
		vma_set_range(adj, vmg->end, adj->vm_end, adj_pgoff);
		vma_set_range(vma, vmg->start, vmg->end, vmg->pgoff);
	} else {
		vma_set_range(vma, vmg->start, vmg->end, vmg->pgoff);
		if (adj)
			vma_set_range(adj, vmg->end, adj->vm_end, adj_pgoff);
	}
	vma_complete(&vp);
}

/* Grow target over [start, end), swallowing next if end reaches its end. */
static int vma_expand(struct vma_merge_struct *vmg)
{
	struct vm_area_struct *target = vmg->target, *next = vmg->next;
	struct vm_area_struct *anon_dup = NULL;
	bool remove_next = next && target != next && vmg->end == next->vm_end;
	int ret = 0;

	if (remove_next)
		ret = dup_anon_vma(target, next, &anon_dup);
	if (!ret && vmg->copied_from)
		ret = dup_anon_vma(target, vmg->copied_from, &anon_dup);
	if (ret) {
		if (anon_dup)
			unlink_anon_vmas(anon_dup);
		vmg->error = ret;
		return ret;
	}
	vmg->remove_next = remove_next;
	commit_merge(vmg);
	return 0;
}

/*
 * A new range (mmap, brk, mremap) next to prev and next: extend one of
 * them, or prev over the range and next together. NULL when no merge.
 */
static struct vm_area_struct *__vma_merge_new_range(struct vma_merge_struct *vmg)
{
	struct vm_area_struct *prev = vmg->prev, *next = vmg->next;
	bool left, right;

	if ((vmg->vm_flags & VM_SPECIAL) || (!prev && !next))
		return NULL;
	left = can_vma_merge_left(vmg);
	right = !vmg->just_expand && can_vma_merge_right(vmg, left);
	if (right) {
		vmg->end = next->vm_end;
		vmg->target = next;
	}
	if (left) {
		vmg->start = prev->vm_start;
		vmg->target = prev;
		vmg->pgoff = prev->vm_pgoff;
	}
	if (vmg->target && !vma_expand(vmg))
		return vmg->target;
	return NULL;
}

struct vm_area_struct *vma_merge_new_range(struct mm_struct *mm, struct vm_area_struct *prev,
					   struct vm_area_struct *next, unsigned long start,
					   unsigned long end, vm_flags_t vm_flags,
					   struct file *file, unsigned long pgoff)
{
	struct vma_merge_struct vmg = {
		.mm = mm, .prev = prev, .next = next, .start = start, .end = end,
		.vm_flags = vm_flags, .file = file, .pgoff = pgoff,
	};

	VM_BUG_ON(prev && prev->vm_end > start);
	VM_BUG_ON(next && next->vm_start < end);
	return __vma_merge_new_range(&vmg);
}

/* brk: only the heap VMA itself may grow (do_brk_flags' just_expand). */
struct vm_area_struct *vma_brk_expand(struct mm_struct *mm, struct vm_area_struct *brkvma,
				      unsigned long addr, unsigned long len,
				      vm_flags_t flags, int *err)
{
	struct vma_merge_struct vmg = {
		.mm = mm, .prev = brkvma, .start = addr, .end = addr + len,
		.vm_flags = flags, .pgoff = addr >> PAGE_SHIFT, .just_expand = true,
	};
	struct vm_area_struct *vma = __vma_merge_new_range(&vmg);

	*err = vmg.error;
	return vma;
}

struct vm_area_struct *vma_merge_extend(struct vm_area_struct *vma, unsigned long delta)
{
	struct vma_merge_struct vmg = {
		.mm = vma->vm_mm, .prev = vma, .next = vma_next(vma),
		.start = vma->vm_end, .end = vma->vm_end + delta,
		.vm_flags = vma->vm_flags, .file = vma->vm_file,
		.pgoff = vma->vm_pgoff + vma_pages(vma), .anon_vma = vma->anon_vma,
		.policy = vma_policy(vma),
	};

	return __vma_merge_new_range(&vmg);
}

/*
 * [start, end) of middle changes to vmg->vm_flags: can it join prev (when
 * it starts middle) or next (when it ends middle), or both?
 */
static struct vm_area_struct *vma_merge_existing_range(struct vma_merge_struct *vmg)
{
	struct vm_area_struct *middle = vmg->middle, *prev = vmg->prev, *next = NULL;
	struct vm_area_struct *anon_dup = NULL;
	unsigned long start = vmg->start, end = vmg->end;
	bool left_side = start == middle->vm_start, right_side = end == middle->vm_end;
	bool merge_left, merge_right = false;
	int err;

	if ((vmg->vm_flags & VM_SPECIAL) || (!left_side && !right_side))
		return NULL;
	merge_left = left_side && can_vma_merge_left(vmg);
	if (right_side) {
		next = vmg->next = vma_next(middle);
		merge_right = can_vma_merge_right(vmg, merge_left);
	}
	if (!merge_left && !merge_right)
		return NULL;

	vmg->remove_middle = left_side && right_side;
	vmg->remove_next = merge_left && merge_right;
	vmg->target = merge_left ? prev : next;
	if (merge_left && merge_right) {
		/* prev grows over middle and next, both go. */
		vmg->start = prev->vm_start;
		vmg->end = next->vm_end;
		vmg->pgoff = prev->vm_pgoff;
		err = dup_anon_vma(prev, next->anon_vma ? next : middle, &anon_dup);
	} else if (merge_left) {
		/* prev grows to end; middle shrinks from below or goes. */
		vmg->start = prev->vm_start;
		vmg->pgoff = prev->vm_pgoff;
		vmg->adjust_middle_start = !vmg->remove_middle;
		err = dup_anon_vma(prev, middle, &anon_dup);
	} else {
		/* next grows down to start; middle shrinks from above or goes. */
		unsigned long pglen = (end - start) >> PAGE_SHIFT;

		if (vmg->remove_middle) {
			vmg->end = next->vm_end;
			vmg->pgoff = next->vm_pgoff - pglen;
		} else {
			vmg->adjust_next_start = true;
			vmg->start = middle->vm_start;
			vmg->end = start;
			vmg->pgoff = middle->vm_pgoff;
		}
		err = dup_anon_vma(next, middle, &anon_dup);
	}
	if (err) {
		if (anon_dup)
			unlink_anon_vmas(anon_dup);
		vmg->error = err;
		return NULL;
	}
	commit_merge(vmg);
	return vmg->target;
}

struct vm_area_struct *vma_modify_flags(struct vm_area_struct *prev, struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					vm_flags_t new_flags)
{
	struct vma_merge_struct vmg = {
		.mm = vma->vm_mm, .middle = vma, .start = start, .end = end,
		.vm_flags = new_flags, .file = vma->vm_file, .anon_vma = vma->anon_vma,
		.pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
		.policy = vma_policy(vma),
	};
	struct vm_area_struct *ret;
	int err;

	(void)prev;	/* Linux's callers pass vma_prev (or vma itself): recomputed */
	VM_BUG_ON(start < vma->vm_start || end > vma->vm_end || start >= end);
	vmg.prev = start == vma->vm_start ? vma_prev(vma) : vma;
	ret = vma_merge_existing_range(&vmg);
	if (!ret) {
		if (vmg.error)
			return ERR_PTR(vmg.error);
		if (vma->vm_start < start && (err = split_vma(vma, start, 1)))
			return ERR_PTR(err);
		if (vma->vm_end > end && (err = split_vma(vma, end, 0)))
			return ERR_PTR(err);
		ret = vma;
	}
	ret->vm_flags = new_flags;
	ret->vm_page_prot = vma_page_prot(ret);
	return ret;
}

/*
 * mbind's vma_modify_policy: [start, end) of vma is to get new_pol. Merge
 * it with a neighbour whose policy equals new_pol, or split it off; the
 * caller then installs the policy (vma_replace_policy).
 */
struct vm_area_struct *vma_modify_policy(struct vm_area_struct *vma, unsigned long start,
					 unsigned long end, struct mempolicy *new_pol)
{
	struct vma_merge_struct vmg = {
		.mm = vma->vm_mm, .middle = vma, .start = start, .end = end,
		.vm_flags = vma->vm_flags, .file = vma->vm_file, .anon_vma = vma->anon_vma,
		.pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
		.policy = new_pol,
	};
	struct vm_area_struct *ret;
	int err;

	VM_BUG_ON(start < vma->vm_start || end > vma->vm_end || start >= end);
	vmg.prev = start == vma->vm_start ? vma_prev(vma) : vma;
	ret = vma_merge_existing_range(&vmg);
	if (ret)
		return ret;
	if (vmg.error)
		return ERR_PTR(vmg.error);
	if (vma->vm_start < start && (err = split_vma(vma, start, 1)))
		return ERR_PTR(err);
	if (vma->vm_end > end && (err = split_vma(vma, end, 0)))
		return ERR_PTR(err);
	return vma;
}

bool vma_can_expand(struct vm_area_struct *vma, unsigned long new_end)
{
	struct mm_struct *mm = vma->vm_mm;

	if (new_end < vma->vm_end)
		return false;
	if (find_vma_intersection(mm, vma->vm_end, new_end))
		return false;
	return !(get_unmapped_area(mm, NULL, vma->vm_start, new_end - vma->vm_start, 0,
				   MAP_FIXED) & ~PAGE_MASK);
}

struct vm_area_struct *copy_vma(struct vm_area_struct **vmap, unsigned long addr,
				unsigned long len, unsigned long pgoff, bool *need_rmap_locks)
{
	struct vm_area_struct *vma = *vmap, *new_vma, *prev;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long vma_start = vma->vm_start;
	bool faulted_in_anon_vma = true;
	struct vma_merge_struct vmg = {
		.mm = mm, .start = addr, .end = addr + len, .vm_flags = vma->vm_flags,
		.file = vma->vm_file, .anon_vma = vma->anon_vma, .copied_from = vma,
		.policy = vma_policy(vma),
	};

	/* An unfaulted anonymous VMA may take the new place's pgoff: it helps merging. */
	if (vma_is_anonymous(vma) && !vma->anon_vma) {
		pgoff = addr >> PAGE_SHIFT;
		faulted_in_anon_vma = false;
	}
	new_vma = find_vma_prev(mm, addr, &prev);
	if (new_vma && new_vma->vm_start < addr + len)
		return NULL;	/* the caller unmapped the destination */
	vmg.prev = prev;
	vmg.next = new_vma;
	vmg.pgoff = pgoff;
	new_vma = __vma_merge_new_range(&vmg);
	if (new_vma) {
		/* The source itself may have been the one extended. */
		if (vma_start >= new_vma->vm_start && vma_start < new_vma->vm_end) {
			VM_BUG_ON(faulted_in_anon_vma);
			*vmap = vma = new_vma;
		}
		*need_rmap_locks = new_vma->vm_pgoff <= vma->vm_pgoff;
		return new_vma;
	}
	new_vma = vm_area_dup(vma);
	if (!new_vma)
		return NULL;
	new_vma->vm_start = addr;
	new_vma->vm_end = addr + len;
	new_vma->vm_pgoff = pgoff;
	if (anon_vma_clone(new_vma, vma)) {
		vm_area_free(new_vma);
		return NULL;
	}
	if (new_vma->vm_file)
		get_file(new_vma->vm_file);
	if (is_vm_hugetlb_page(new_vma))	/* vm_ops->open */
		hugetlb_vm_op_open(new_vma);
	vma_link(mm, new_vma);
	*need_rmap_locks = false;
	return new_vma;
}

/* ---------------------------------------------------------------------- */
/* The gap search (vm_unmapped_area)                                       */
/* ---------------------------------------------------------------------- */

/* Does the part of vma's gap inside [low, high) hold length bytes? */
static bool gap_fits(const struct vm_area_struct *vma, unsigned long low, unsigned long high,
		     unsigned long length, unsigned long *lo_out, unsigned long *hi_out)
{
	unsigned long lo = max(vma->vm_start - vma_gap(vma), low);
	unsigned long hi = min(vma->vm_start, high);

	*lo_out = lo;
	*hi_out = hi;
	return hi > lo && hi - lo >= length;
}

/*
 * The VMA whose gap is the highest fitting one in the subtree. A subtree
 * is skipped when its largest gap is too small, or when its addresses
 * cannot reach a fitting part of [low, high): gaps right of vma start at
 * or above its end, gaps left of it end at or below its start.
 */
static struct vm_area_struct *gap_find_highest(struct rb_node *rb, unsigned long low,
					       unsigned long high, unsigned long length,
					       unsigned long *gap_end)
{
	struct vm_area_struct *vma = rb_vma(rb), *found;
	unsigned long lo, hi;

	if (!vma || vma->rb_subtree_gap < length)
		return NULL;
	if (vma->vm_end <= high && high - vma->vm_end >= length) {
		found = gap_find_highest(rb->rb_right, low, high, length, gap_end);
		if (found)
			return found;
	}
	if (gap_fits(vma, low, high, length, &lo, &hi)) {
		*gap_end = hi;
		return vma;
	}
	if (vma->vm_start >= low && vma->vm_start - low >= length)
		return gap_find_highest(rb->rb_left, low, high, length, gap_end);
	return NULL;
}

static struct vm_area_struct *gap_find_lowest(struct rb_node *rb, unsigned long low,
					      unsigned long high, unsigned long length,
					      unsigned long *gap_start)
{
	struct vm_area_struct *vma = rb_vma(rb), *found;
	unsigned long lo, hi;

	if (!vma || vma->rb_subtree_gap < length)
		return NULL;
	if (vma->vm_start >= low && vma->vm_start - low >= length) {
		found = gap_find_lowest(rb->rb_left, low, high, length, gap_start);
		if (found)
			return found;
	}
	if (gap_fits(vma, low, high, length, &lo, &hi)) {
		*gap_start = lo;
		return vma;
	}
	if (vma->vm_end <= high && high - vma->vm_end >= length)
		return gap_find_lowest(rb->rb_right, low, high, length, gap_start);
	return NULL;
}

/* The free space above the last VMA, inside [low, high). */
static bool top_gap_fits(struct mm_struct *mm, unsigned long low, unsigned long high,
			 unsigned long length, unsigned long *lo_out)
{
	unsigned long lo = max(mm->highest_vm_end, low);

	*lo_out = lo;
	return high > lo && high - lo >= length;
}

/* mas_empty_area_rev: the end of the highest fitting free range. */
static bool vma_area_highest(struct mm_struct *mm, unsigned long low, unsigned long high,
			     unsigned long length, unsigned long *gap_end)
{
	unsigned long lo;

	if (high <= low || high - low < length)
		return false;
	if (top_gap_fits(mm, low, high, length, &lo)) {
		*gap_end = high;
		return true;
	}
	return gap_find_highest(mm->mm_rb.rb_node, low, high, length, gap_end) != NULL;
}

/* mas_empty_area: the start of the lowest fitting free range. */
static bool vma_area_lowest(struct mm_struct *mm, unsigned long low, unsigned long high,
			    unsigned long length, unsigned long *gap_start)
{
	if (high <= low || high - low < length)
		return false;
	if (gap_find_lowest(mm->mm_rb.rb_node, low, high, length, gap_start))
		return true;
	return top_gap_fits(mm, low, high, length, gap_start);
}

/* The VMA before the free range that ends where next starts (or at the top). */
static struct vm_area_struct *vma_before(struct mm_struct *mm, struct vm_area_struct *next)
{
	return next ? vma_prev(next) : vma_last(mm);
}

static unsigned long unmapped_area(struct mm_struct *mm, struct vm_unmapped_area_info *info)
{
	unsigned long length = info->length + info->align_mask + info->start_gap;
	unsigned long low = max(info->low_limit,
				(unsigned long)mm->machine->sysctl.mmap_min_addr);
	unsigned long high = info->high_limit, gap, gap_start;
	struct vm_area_struct *tmp;

	if (length < info->length)
		return -ENOMEM;
retry:
	if (!vma_area_lowest(mm, low, high, length, &gap_start))
		return -ENOMEM;
	gap = gap_start + info->start_gap;
	gap += (info->align_offset - gap) & info->align_mask;
	tmp = find_vma(mm, gap_start);
	if (tmp && (tmp->vm_flags & VM_GROWSDOWN)) {
		/* A stack above: keep its guard gap free too. */
		if (vm_start_gap(tmp) < gap + length - 1) {
			low = tmp->vm_end;
			goto retry;
		}
	} else {
		tmp = vma_before(mm, tmp);
		if (tmp && vm_end_gap(tmp) > gap) {
			low = vm_end_gap(tmp);
			goto retry;
		}
	}
	return gap;
}

static unsigned long unmapped_area_topdown(struct mm_struct *mm,
					   struct vm_unmapped_area_info *info)
{
	unsigned long length = info->length + info->align_mask + info->start_gap;
	unsigned long low = max(info->low_limit,
				(unsigned long)mm->machine->sysctl.mmap_min_addr);
	unsigned long high = info->high_limit, gap, gap_end;
	struct vm_area_struct *tmp;

	if (length < info->length)
		return -ENOMEM;
retry:
	if (!vma_area_highest(mm, low, high, length, &gap_end))
		return -ENOMEM;
	gap = gap_end - info->length;
	gap -= (gap - info->align_offset) & info->align_mask;
	tmp = find_vma(mm, gap_end);
	if (tmp && (tmp->vm_flags & VM_GROWSDOWN)) {
		if (vm_start_gap(tmp) < gap_end) {
			high = vm_start_gap(tmp);
			goto retry;
		}
	} else {
		tmp = vma_before(mm, tmp);
		if (tmp && vm_end_gap(tmp) > gap) {
			high = tmp->vm_start;
			goto retry;
		}
	}
	return gap;
}

unsigned long vm_unmapped_area(struct mm_struct *mm, struct vm_unmapped_area_info *info)
{
	if (info->flags & VM_UNMAPPED_AREA_TOPDOWN)
		return unmapped_area_topdown(mm, info);
	return unmapped_area(mm, info);
}

/* ---------------------------------------------------------------------- */
/* validate_mm                                                             */
/* ---------------------------------------------------------------------- */

static int mm_bug(struct mm_struct *mm, const struct vm_area_struct *vma, const char *what)
{
	if (vma)
		pr_err(mm->machine, "validate_mm: mm %p: %s: vma %lx-%lx flags %#lx gap %lx\n",
		       (void *)mm, what, vma->vm_start, vma->vm_end, vma->vm_flags,
		       vma->rb_subtree_gap);
	else
		pr_err(mm->machine, "validate_mm: mm %p: %s\n", (void *)mm, what);
	return 1;
}

static int check_counter(struct mm_struct *mm, const char *name, unsigned long have,
			 unsigned long want)
{
	if (have == want)
		return 0;
	pr_err(mm->machine, "validate_mm: mm %p: %s %lu, VMAs say %lu\n", (void *)mm, name,
	       have, want);
	return 1;
}

int validate_mm(struct mm_struct *mm)
{
	struct vma_stats st = { 0 };
	struct vm_area_struct *vma, *last = NULL;
	int bugs = 0, count = 0;

	if (rb_validate(&mm->mm_rb) < 0)
		bugs += mm_bug(mm, NULL, "red-black rules broken");
	for_each_vma(mm, vma) {
		if (vma->vm_mm != mm)
			bugs += mm_bug(mm, vma, "belongs to another mm");
		if (vma->vm_start >= vma->vm_end || !IS_ALIGNED(vma->vm_start, PAGE_SIZE) ||
		    !IS_ALIGNED(vma->vm_end, PAGE_SIZE))
			bugs += mm_bug(mm, vma, "empty or unaligned");
		if (last && last->vm_end > vma->vm_start)
			bugs += mm_bug(mm, vma, "overlaps the previous VMA");
		if (vma->rb_subtree_gap != vma_compute_subtree_gap(vma))
			bugs += mm_bug(mm, vma, "wrong rb_subtree_gap");
		vma_stat_collect(vma, &st);
		last = vma;
		if (++count > mm->map_count + 10)
			break;	/* a loop in the tree */
	}
	if (count != mm->map_count)
		bugs += check_counter(mm, "map_count", (unsigned long)mm->map_count,
				      (unsigned long)count);
	bugs += check_counter(mm, "highest_vm_end", mm->highest_vm_end, last ? last->vm_end : 0);
	bugs += check_counter(mm, "total_vm", mm->total_vm, st.total);
	bugs += check_counter(mm, "data_vm", mm->data_vm, st.data);
	bugs += check_counter(mm, "exec_vm", mm->exec_vm, st.exec);
	bugs += check_counter(mm, "stack_vm", mm->stack_vm, st.stack);
	bugs += check_counter(mm, "locked_vm", mm->locked_vm, st.locked);
	return bugs;
}
