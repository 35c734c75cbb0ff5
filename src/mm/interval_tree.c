/*
 * interval_tree.c - the two interval trees of rmap (Linux's
 * mm/interval_tree.c): an anon_vma's chains, keyed by their VMA's page
 * range, and an address_space's i_mmap, the file VMAs keyed by the file
 * pages they map. Both key on [vm_pgoff, vm_pgoff + vma_pages - 1].
 *
 * Invariants: a key changes only while its node is out of the tree -
 * anon_vma chains through the pre/post_update brackets (vma_prepare and
 * vma_complete), i_mmap nodes out of their tree between vma_prepare and
 * vma_complete (vma_set_range checks); a file VMA is in its
 * mapping's i_mmap exactly while it is in its mm's VMA tree (vma_link,
 * vma_unlink).
 */
#include "fs.h"
#include "interval_tree_generic.h"
#include "rmap_internal.h"
#include "vma.h"

static inline unsigned long vma_start_pgoff(const struct vm_area_struct *vma)
{
	return vma->vm_pgoff;
}

static inline unsigned long vma_last_pgoff(const struct vm_area_struct *vma)
{
	return vma->vm_pgoff + vma_pages(vma) - 1;
}

#define AVC_START(avc)	vma_start_pgoff((avc)->vma)
#define AVC_LAST(avc)	vma_last_pgoff((avc)->vma)
INTERVAL_TREE_DEFINE(struct anon_vma_chain, rb, rb_subtree_last, AVC_START, AVC_LAST, ,
		     anon_vma_interval_tree)

INTERVAL_TREE_DEFINE(struct vm_area_struct, shared.rb, shared.rb_subtree_last,
		     vma_start_pgoff, vma_last_pgoff, , vma_interval_tree)

/* What validate_rmap recomputes: the subtree maximum avc's node should hold. */
unsigned long avc_compute_subtree_last(struct anon_vma_chain *avc)
{
	return anon_vma_interval_tree_compute_last(avc);
}

unsigned long vma_compute_subtree_last(struct vm_area_struct *vma)
{
	return vma_interval_tree_compute_last(vma);
}

/* Only anon_vma_chain mode keeps chains; the other modes have nothing to re-key. */
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	if (rmap_mode(vma) != RMAP_ANON_VMA_CHAIN)
		return;
	if (vma->anon_vma)
		lockdep_assert_held(&vma->anon_vma->root->lock);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_remove(avc, &avc->anon_vma->rb_root);
}

void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	if (rmap_mode(vma) != RMAP_ANON_VMA_CHAIN)
		return;
	if (vma->anon_vma)
		lockdep_assert_held(&vma->anon_vma->root->lock);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_insert(avc, &avc->anon_vma->rb_root);
}

/* __vma_link_file: the VMA can now map the file's pages. */
void vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *mapping;

	if (!vma->vm_file)
		return;
	mapping = vma->vm_file->f_mapping;
	VM_BUG_ON(!RB_EMPTY_NODE(&vma->shared.rb));
	spin_lock(&mapping->i_mmap_lock);
	vma_interval_tree_insert(vma, &mapping->i_mmap);
	spin_unlock(&mapping->i_mmap_lock);
}

void vma_unlink_file(struct vm_area_struct *vma)
{
	struct address_space *mapping;

	if (!vma->vm_file || RB_EMPTY_NODE(&vma->shared.rb))
		return;
	mapping = vma->vm_file->f_mapping;
	spin_lock(&mapping->i_mmap_lock);
	vma_interval_tree_remove(vma, &mapping->i_mmap);
	spin_unlock(&mapping->i_mmap_lock);
}
