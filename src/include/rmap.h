/*
 * rmap.h - reverse mapping of anonymous and file pages (mm/rmap.c).
 *
 * Today's design, anon_vma_chain (2.6.34+): every VMA with anonymous pages
 * has an anon_vma; a forked child's VMA gets a new anon_vma whose parent is
 * the parent VMA's, and an anon_vma_chain links the VMA to each anon_vma
 * of its ancestry. An anon_vma keeps its chains in an interval tree keyed
 * by the VMAs' page-offset ranges, so an rmap walk visits only the VMAs
 * that can map the page. Pages point to their anon_vma through
 * page->mapping (| PAGE_MAPPING_ANON) and to their offset through
 * page->index.
 *
 * Invariants (validate_rmap): every anon_vma_chain is on its VMA's
 * anon_vma_chain list and in its anon_vma's tree; vma->anon_vma is on the
 * chain list; all of a VMA's anon_vmas share one root; an anon_vma lives
 * while its tree is not empty, and its refcount is 1 for that plus, for a
 * root, one per other anon_vma of the family (they pin the root's lock);
 * num_children counts the live anon_vmas whose parent it is (a root is its
 * own parent), num_active_vmas the VMAs whose vma->anon_vma it is; a
 * mapped anonymous page's anon_vma is reachable from every VMA that maps
 * it, at the address vma_address gives.
 */
#ifndef MMSIM_RMAP_H
#define MMSIM_RMAP_H

#include "mm.h"

struct anon_vma {
	struct anon_vma *root;		/* root of this anon_vma family */
	struct anon_vma *parent;	/* for the reuse heuristic */
	int refcount;
	unsigned long num_children;	/* anon_vmas whose parent is this */
	unsigned long num_active_vmas;	/* VMAs whose vma->anon_vma is this */
	struct rb_root rb_root;		/* interval tree of anon_vma_chains */
	spinlock_t lock;		/* LOCK_ANON_VMA; the root's is used */
};

struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct list_head same_vma;	/* on vma->anon_vma_chain */
	struct rb_node rb;		/* in anon_vma->rb_root */
	unsigned long rb_subtree_last;	/* interval tree augmentation */
};

/* Slab caches; called at boot. */
int anon_vma_init(struct machine *m);

/* The VMA's anon_vma, created (or reused from a neighbour) at first need. 0 or -ENOMEM. */
int anon_vma_prepare(struct vm_area_struct *vma);
/* dst (a split or copy of src) joins src's anon_vmas. 0 or -ENOMEM. */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
/* fork: vma (the child's copy of pvma) gets pvma's chains plus its own anon_vma. */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);
/* The VMA leaves every anon_vma; empty anon_vmas are freed. */
void unlink_anon_vmas(struct vm_area_struct *vma);

/*
 * An anon_vma family shares one lock, its root's (anon_vma->rwsem in
 * Linux): mmap_lock > anon_vma lock > page table lock.
 */
static inline void anon_vma_lock_write(struct anon_vma *anon_vma)
{
	spin_lock(&anon_vma->root->lock);
}

static inline void anon_vma_unlock_write(struct anon_vma *anon_vma)
{
	spin_unlock(&anon_vma->root->lock);
}

/*
 * The interval tree of an anon_vma's chains, keyed by each chain's VMA's
 * page range [vm_pgoff, vm_pgoff + vma_pages - 1]. The key must not change
 * while the chains are in their trees: whoever changes vm_start, vm_end or
 * vm_pgoff of a VMA that has an anon_vma (split, merge, expand, mremap,
 * stack growth) brackets the change with pre_update (the VMA's chains
 * leave their trees) and post_update (they rejoin), holding
 * anon_vma_lock_write(vma->anon_vma), as Linux's vma_prepare/vma_complete
 * do. validate_rmap catches a forgotten bracket.
 */
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma);
void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma);
/* The chains whose range meets [first, last], in start order. */
struct anon_vma_chain *anon_vma_interval_tree_iter_first(struct rb_root *root,
							 unsigned long first, unsigned long last);
struct anon_vma_chain *anon_vma_interval_tree_iter_next(struct anon_vma_chain *avc,
							unsigned long first, unsigned long last);
#define anon_vma_interval_tree_foreach(avc, root, first, last)			\
	for ((avc) = anon_vma_interval_tree_iter_first(root, first, last); (avc);	\
	     (avc) = anon_vma_interval_tree_iter_next(avc, first, last))

/*
 * Page-level rmap: the first mapping of a new anonymous page (sets
 * mapping/index, PG_swapbacked, PageAnonExclusive, nr_anon_pages), further
 * mappings (fork dup, swapin), file/shmem mappings (nr_mapped), and
 * removal. Each changes _mapcount by exactly one pte; none touches the
 * refcount (the caller's get_page/put_page, as in Linux). Called with the
 * page table lock held. A mapping or unmapping in a VM_LOCKED VMA mlocks
 * or munlocks the page (mlock_vma_folio / munlock_vma_folio), except the
 * new anon page, which folio_add_lru_vma puts on the unevictable list.
 */
void folio_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			     unsigned long address);
void folio_add_anon_rmap_pte(struct page *page, struct vm_area_struct *vma,
			     unsigned long address, bool exclusive);
void folio_dup_anon_rmap_pte(struct page *page);	/* fork: +1 mapcount, not exclusive */
void folio_add_file_rmap_pte(struct page *page, struct vm_area_struct *vma);
void folio_dup_file_rmap_pte(struct page *page);
void folio_remove_rmap_pte(struct page *page, struct vm_area_struct *vma);
/* COW reuse: the page now belongs to vma's own anon_vma; sets PageAnonExclusive. */
void folio_move_anon_rmap(struct page *page, struct vm_area_struct *vma);

/* The address of page in vma, or -EFAULT if outside it (vma_address). */
unsigned long vma_address(struct page *page, struct vm_area_struct *vma);

/*
 * rmap_walk: call rmap_one for every VMA that may map page, with the
 * address it would be at. Anonymous: the chains of the page's anon_vma's
 * interval tree that cover page->index, under the root's lock. File/shmem:
 * until i_mmap is kept (issue 4), every VMA of every mm on m->mm_list whose
 * vm_file maps the page's address_space over page->index, under the
 * mapping's i_mmap lock. rmap_one returns false to stop.
 */
struct rmap_walk_control {
	void *arg;
	bool (*rmap_one)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			 void *arg);
};
void rmap_walk(struct machine *m, struct page *page, struct rmap_walk_control *rwc);

/* Debug: anon_vma chains of every mm; returns the number of problems. */
int validate_rmap(struct machine *m);

#endif
