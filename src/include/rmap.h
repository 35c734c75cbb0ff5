/*
 * rmap.h - reverse mapping: from a page back to the ptes that map it.
 *
 * Four designs, chosen at boot (rmap=, enum rmap_mode), so that thirty
 * years of Linux can be measured on one workload. They give the same
 * faults, RSS and data; they differ in the work of a walk and the memory
 * they keep:
 *
 *   anon_vma_chain (2.6.34+, default; mm/anon_vma.c) - every VMA with
 *     anonymous pages has an anon_vma; a forked child's VMA gets a new one
 *     whose parent is the parent VMA's, and an anon_vma_chain links the VMA
 *     to each anon_vma of its ancestry. Each anon_vma keeps its chains in an
 *     interval tree keyed by the VMAs' page-offset ranges, so a walk visits
 *     only the VMAs that can map the page.
 *   anon_vma (2.6.7-2.6.33; mm/anon_vma_list.c) - one anon_vma per fork
 *     family, every VMA of the family on its list: a walk visits them all.
 *   pte_chain (2.5-2.6.6; mm/pte_chain.c) - each mapped page keeps the
 *     physical addresses of the ptes that map it: one in page->memcg_data
 *     (PG_direct), or a chain of 64-byte blocks from the "pte_chain" cache.
 *   scan (2.4; mm/rmap_scan.c) - nothing is kept: a walk reads every page
 *     table of every process.
 *
 * In pte_chain and scan modes there is no anon_vma object: a VMA's
 * anon_vma is the machine's one static rmap_null_anon_vma, which keeps
 * "this VMA has had anonymous pages" (fork's vma_needs_copy, merging) as
 * Linux decides it today. File and shmem pages are found through their
 * address_space's i_mmap interval tree of VMAs (mm/interval_tree.c) in the
 * two anon_vma modes, through the chains in pte_chain mode, by the scan in
 * scan mode.
 *
 * Pages point to their anon_vma through page->mapping (| PAGE_MAPPING_ANON)
 * and to their offset through page->index.
 *
 * Invariants (validate_rmap): anon_vma_chain - every chain is on its VMA's
 * list and in its anon_vma's tree, vma->anon_vma is on the list, all of a
 * VMA's anon_vmas share one root, an anon_vma lives while its tree is not
 * empty, refcount 1 for that plus one per other anon_vma of a root's
 * family, num_children/num_active_vmas as counted; anon_vma - every VMA
 * of a family is on its anon_vma's list exactly once and an anon_vma lives
 * while its list is not empty; pte_chain - a page's chain holds exactly
 * _mapcount + 1 entries, each the address of a pte that maps it, PG_direct
 * iff a single entry lives in memcg_data; every mode - the walk of a
 * mapped page finds every pte that maps it, and a file VMA is in its
 * mapping's i_mmap tree exactly while it is in its mm.
 */
#ifndef MMSIM_RMAP_H
#define MMSIM_RMAP_H

#include "mm.h"

struct anon_vma {
	struct anon_vma *root;		/* root of this anon_vma family */
	struct list_head head;		/* rmap=anon_vma: the family's VMAs */
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
 * removal. Each changes _mapcount by exactly one pte, at pte (where the
 * pte_chain design records it; the entry itself may be set before or
 * after); none touches the refcount (the caller's get_page/put_page, as in
 * Linux). Called with the page table lock held; in pte_chain mode a
 * mapping may take a chain block, so the caller makes sure one is
 * preallocated (pte_chain_prealloc) before taking the lock. A mapping or
 * unmapping in a VM_LOCKED VMA mlocks or munlocks the page
 * (mlock_vma_folio / munlock_vma_folio), except the new anon page, which
 * folio_add_lru_vma puts on the unevictable list.
 */
void folio_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			     unsigned long address, pte_t *pte);
void folio_add_anon_rmap_pte(struct page *page, struct vm_area_struct *vma,
			     unsigned long address, pte_t *pte, bool exclusive);
/* swapin of a folio not yet anonymous (swap, issue 5): see rmap.c */
void folio_add_new_anon_rmap_swapin(struct page *page, struct vm_area_struct *vma,
				    unsigned long address, pte_t *pte, bool exclusive);
/* fork: +1 mapcount for the child's pte (in dst_vma), not exclusive */
void folio_dup_anon_rmap_pte(struct page *page, struct vm_area_struct *dst_vma, pte_t *pte);
void folio_add_file_rmap_pte(struct page *page, struct vm_area_struct *vma, pte_t *pte);
void folio_dup_file_rmap_pte(struct page *page, struct vm_area_struct *dst_vma, pte_t *pte);
void folio_remove_rmap_pte(struct page *page, struct vm_area_struct *vma, pte_t *pte);
/* THP: nr consecutive ptes mapping page and the subpages after it, as one batch. */
void folio_remove_rmap_ptes(struct page *page, int nr, struct vm_area_struct *vma, pte_t *pte);
/* mremap moved the pte mapping page from old to new (same mapcount). */
void folio_move_rmap_pte(struct page *page, struct vm_area_struct *vma, pte_t *old,
			 pte_t *new);
/* COW reuse: the page now belongs to vma's own anon_vma; sets PageAnonExclusive. */
void folio_move_anon_rmap(struct page *page, struct vm_area_struct *vma);

/*
 * pte_chain mode: make sure the next page-rmap addition finds a chain
 * block ready (2.5's pte_chain_alloc before taking the page table lock).
 * 0, or -ENOMEM; always 0 in the other modes.
 */
int pte_chain_prealloc(struct machine *m, gfp_t gfp);

/* The address of page in vma, or -EFAULT if outside it (vma_address). */
unsigned long vma_address(struct page *page, struct vm_area_struct *vma);

/*
 * rmap_walk: call rmap_one for every place that may map page: a VMA and the
 * address the page would be at there, and the pte when the design knows it
 * (pte_chain, scan), else NULL (the callback looks: page_vma_mapped_pte).
 * rmap_one returns false to stop. The work is counted in vmstat
 * (rmap_walk, rmap_walk_vma, rmap_walk_pte, rmap_walk_pgtable).
 */
struct rmap_walk_control {
	void *arg;
	bool (*rmap_one)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			 pte_t *pte, void *arg);
};
void rmap_walk(struct machine *m, struct page *page, struct rmap_walk_control *rwc);
/* The pte at addr in vma if it maps page, else NULL (counts one pte checked). */
pte_t *page_vma_mapped_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr);

/*
 * The walks' users (Linux's names). folio_referenced: test and clear the
 * young bit of every pte mapping the page; returns how many were young
 * (VM_LOCKED mappings count as referenced, as Linux's do). page_mkclean:
 * write-protect and clean every shared writable pte; returns how many were
 * dirty-or-writable. try_to_unmap: clear every pte mapping the page, move
 * the dirty bits to the page, fix RSS and mapcounts, flush the TLBs; an
 * anonymous page needs somewhere to go - a lazyfree (MADV_FREE'd, clean)
 * page is simply dropped; any other anonymous page needs swap, which is not
 * built yet, so it stays mapped. Returns true if no pte maps the page
 * afterwards. The caller holds a reference on the page.
 */
int folio_referenced(struct machine *m, struct page *page);
/* vmscan (issue 5): the same, with the vm_flags of the VMAs that referenced it. */
int folio_referenced_vmflags(struct machine *m, struct page *page, unsigned long *vm_flags);
int page_mkclean(struct machine *m, struct page *page);
bool try_to_unmap(struct machine *m, struct page *page);

/* rmap-mode-specific helpers for mm/vma.c's merge rules. */
bool vma_anon_vma_forked(const struct vm_area_struct *vma);

/* i_mmap: file VMAs in their mapping's interval tree (mm/interval_tree.c). */
void vma_interval_tree_insert(struct vm_area_struct *vma, struct rb_root *root);
void vma_interval_tree_remove(struct vm_area_struct *vma, struct rb_root *root);
struct vm_area_struct *vma_interval_tree_iter_first(struct rb_root *root, unsigned long first,
						    unsigned long last);
struct vm_area_struct *vma_interval_tree_iter_next(struct vm_area_struct *vma,
						   unsigned long first, unsigned long last);
#define vma_interval_tree_foreach(vma, root, first, last)			\
	for ((vma) = vma_interval_tree_iter_first(root, first, last); (vma);	\
	     (vma) = vma_interval_tree_iter_next(vma, first, last))
/* vma_link/vma_unlink keep file VMAs in their i_mmap; vma_prepare/complete re-key them. */
void vma_link_file(struct vm_area_struct *vma);
void vma_unlink_file(struct vm_area_struct *vma);

/* Debug: the rmap of every mapped page and every rmap object; returns the number of problems. */
int validate_rmap(struct machine *m);

#endif
