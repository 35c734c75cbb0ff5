/*
 * anon_vma_list.c - the object-based anonymous rmap of 2.6.7-2.6.33
 * (rmap=anon_vma): one anon_vma per fork family, every VMA of the family
 * on its list.
 *
 * A fork puts the child's VMA on the parent VMA's anon_vma and it stays
 * there for good, even after copy-on-write has left parent and child
 * sharing nothing: the walk for any page of the family visits every VMA on
 * the list. That is the cost AIM7's ten thousand forked processes exposed
 * (the seed's story) and anon_vma_chain (anon_vma.c) removed.
 *
 * Invariants: a VMA whose anon_vma is A is on A->head exactly once (via
 * vma->anon_vma_node); A is its own root and parent and lives (refcount 1)
 * while its list is not empty; all VMAs on the list see the same page
 * offsets for the same pages (split and mremap keep vm_pgoff linear).
 * Locks: the anon_vma's lock guards its list, under mmap_lock, above the
 * page table lock.
 */
#include <errno.h>

#include "rmap_internal.h"
#include "vma.h"

/* anon_vma_prepare: a compatible neighbour's anon_vma (any, in this era), or a new one. */
int anon_vma_list_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct anon_vma *anon_vma = find_mergeable_anon_vma(vma, false), *allocated = NULL;

	if (!anon_vma) {
		anon_vma = anon_vma_alloc(mm->machine);
		if (!anon_vma)
			return -ENOMEM;
		allocated = anon_vma;
	}
	anon_vma_lock_write(anon_vma);
	spin_lock(&mm->page_table_lock);
	if (likely(!vma->anon_vma)) {
		vma->anon_vma = anon_vma;
		list_add_tail(&vma->anon_vma_node, &anon_vma->head);
		anon_vma->num_active_vmas++;
		allocated = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	anon_vma_unlock_write(anon_vma);
	if (unlikely(allocated))
		put_anon_vma(mm->machine, allocated);
	return 0;
}

/* dst (a split, a merge target, a fork child's VMA) joins src's anon_vma, right after src. */
void anon_vma_list_link(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma *anon_vma = src->anon_vma;

	anon_vma_lock_write(anon_vma);
	dst->anon_vma = anon_vma;
	list_add(&dst->anon_vma_node, &src->anon_vma_node);
	anon_vma->num_active_vmas++;
	anon_vma_unlock_write(anon_vma);
}

void anon_vma_list_unlink(struct vm_area_struct *vma)
{
	struct anon_vma *anon_vma = vma->anon_vma;
	bool empty;

	if (!anon_vma)
		return;
	anon_vma_lock_write(anon_vma);
	list_del_init(&vma->anon_vma_node);
	anon_vma->num_active_vmas--;
	empty = list_empty(&anon_vma->head);
	anon_vma_unlock_write(anon_vma);
	vma->anon_vma = NULL;
	if (empty)
		put_anon_vma(vma_machine(vma), anon_vma);
}

/* Every VMA of the family, whether or not its range covers the page. */
void rmap_walk_anon_list(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	struct anon_vma *anon_vma = page_anon_vma(page);
	struct vm_area_struct *vma;

	anon_vma_lock_write(anon_vma);
	list_for_each_entry(vma, &anon_vma->head, anon_vma_node) {
		unsigned long address = vma_address(page, vma);

		count_vm_event(m, RMAP_WALK_VMA);
		if (IS_ERR_VALUE(address))
			continue;	/* the page's offset is outside this VMA */
		if (!rwc->rmap_one(page, vma, address, NULL, rwc->arg))
			break;
	}
	anon_vma_unlock_write(anon_vma);
}
