/*
 * rmap.c - reverse mapping: from a page back to the ptes that map it
 * (Linux's mm/rmap.c and mm/interval_tree.c, the anon_vma_chain design of
 * 2.6.34 onwards).
 *
 * Objects. Every VMA that has had an anonymous page has an anon_vma
 * (vma->anon_vma), where its new pages point (page->mapping | ANON). A
 * fork gives the child's VMA a new anon_vma whose parent is the parent
 * VMA's and whose root is the family's first; the child's VMA is linked by
 * an anon_vma_chain (avc) to its own anon_vma and to every anon_vma its
 * parent's VMA was linked to, because any of their pages may be mapped in
 * the child until it writes. Each anon_vma keeps its chains in an interval
 * tree keyed by the chain's VMA's page range [vm_pgoff, vm_pgoff +
 * vma_pages - 1], so a walk for one page visits only the VMAs whose range
 * covers page->index - not the whole family (2.6.7-2.6.33's cost).
 *
 *   vma --anon_vma_chain list (newest first)--> avc --> anon_vma
 *   anon_vma --rb_root (interval tree)--------> avc --> vma
 *
 * Lifetime. An anon_vma is born with refcount 1 and lives while its tree
 * is not empty; unlink_anon_vmas drops that reference when the last chain
 * leaves. A non-root anon_vma also holds a reference on its root (the
 * family's lock lives there), so the root goes last. num_children counts
 * the live anon_vmas whose parent it is (a root counts itself);
 * num_active_vmas the VMAs whose vma->anon_vma it is. Together they drive
 * Linux's reuse heuristic (anon_vma_clone): a fork may give the child's
 * VMA an existing anon_vma that no VMA uses any more and that has at most
 * one child, so a process that forks forever does not grow an endless
 * chain of anon_vmas.
 *
 * Page rmap. _mapcount + 1 counts the ptes mapping a page; the first
 * mapping counts the page in nr_anon_pages or nr_mapped, the last
 * unmapping uncounts it. These functions never touch the refcount (the
 * callers' get_page/put_page do, as in Linux).
 *
 * Locks: mmap_lock > anon_vma lock (the root's, for the whole family) >
 * page table lock > lru_lock. The anon_vma lock guards the trees, the
 * chains' lists and the counters above; faults take it only when a VMA
 * gets its first anon_vma (anon_vma_prepare), before any pte lock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fs.h"
#include "memory.h"
#include "pgalloc.h"
#include "rmap.h"
#include "swap.h"
#include "vma.h"


/* ------------------------------------------------------------------ */
/* The anon_vma interval tree (mm/interval_tree.c)                    */
/* ------------------------------------------------------------------ */

static inline unsigned long avc_start_pgoff(const struct anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff;
}

static inline unsigned long avc_last_pgoff(const struct anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff + vma_pages(avc->vma) - 1;
}

static inline struct anon_vma_chain *rb_avc(struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct anon_vma_chain, rb) : NULL;
}

/* The largest last pgoff in avc's subtree, from its children's values. */
static unsigned long avc_subtree_last(struct anon_vma_chain *avc)
{
	unsigned long last = avc_last_pgoff(avc);
	struct anon_vma_chain *child;

	child = rb_avc(avc->rb.rb_left);
	if (child && child->rb_subtree_last > last)
		last = child->rb_subtree_last;
	child = rb_avc(avc->rb.rb_right);
	if (child && child->rb_subtree_last > last)
		last = child->rb_subtree_last;
	return last;
}

static void avc_augment_propagate(struct rb_node *rb, struct rb_node *stop)
{
	while (rb != stop) {
		struct anon_vma_chain *avc = rb_avc(rb);
		unsigned long last = avc_subtree_last(avc);

		if (avc->rb_subtree_last == last)
			break;	/* the ancestors already agree */
		avc->rb_subtree_last = last;
		rb = rb_parent(rb);
	}
}

static void avc_augment_copy(struct rb_node *old, struct rb_node *new)
{
	rb_avc(new)->rb_subtree_last = rb_avc(old)->rb_subtree_last;
}

static void avc_augment_rotate(struct rb_node *old, struct rb_node *new)
{
	/* new takes old's place at the top of the same subtree */
	rb_avc(new)->rb_subtree_last = rb_avc(old)->rb_subtree_last;
	rb_avc(old)->rb_subtree_last = avc_subtree_last(rb_avc(old));
}

static const struct rb_augment_callbacks avc_augment = {
	.propagate = avc_augment_propagate,
	.copy = avc_augment_copy,
	.rotate = avc_augment_rotate,
};

static void anon_vma_interval_tree_insert(struct anon_vma_chain *avc, struct rb_root *root)
{
	unsigned long start = avc_start_pgoff(avc), last = avc_last_pgoff(avc);
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		struct anon_vma_chain *node = rb_avc(*link);

		parent = *link;
		/* everything below gains avc: raise the maxima on the way down */
		if (node->rb_subtree_last < last)
			node->rb_subtree_last = last;
		link = start < avc_start_pgoff(node) ? &parent->rb_left : &parent->rb_right;
	}
	avc->rb_subtree_last = last;
	rb_link_node(&avc->rb, parent, link);
	rb_insert_augmented(&avc->rb, root, &avc_augment);
}

static void anon_vma_interval_tree_remove(struct anon_vma_chain *avc, struct rb_root *root)
{
	rb_erase_augmented(&avc->rb, root, &avc_augment);
	RB_CLEAR_NODE(&avc->rb);
}

/*
 * The leftmost chain of avc's subtree that meets [first, last], given
 * that the subtree holds some chain ending at or after first.
 */
static struct anon_vma_chain *avc_subtree_search(struct anon_vma_chain *avc,
						 unsigned long first, unsigned long last)
{
	for (;;) {
		struct anon_vma_chain *left = rb_avc(avc->rb.rb_left);

		/* something on the left ends late enough: the answer is there or nowhere */
		if (left && left->rb_subtree_last >= first) {
			avc = left;
			continue;
		}
		if (avc_start_pgoff(avc) > last)
			return NULL;	/* this and all to its right start too late */
		if (avc_last_pgoff(avc) >= first)
			return avc;
		avc = rb_avc(avc->rb.rb_right);
		if (!avc || avc->rb_subtree_last < first)
			return NULL;
	}
}

struct anon_vma_chain *anon_vma_interval_tree_iter_first(struct rb_root *root,
							 unsigned long first, unsigned long last)
{
	struct anon_vma_chain *top = rb_avc(root->rb_node);

	if (!top || top->rb_subtree_last < first)
		return NULL;
	return avc_subtree_search(top, first, last);
}

struct anon_vma_chain *anon_vma_interval_tree_iter_next(struct anon_vma_chain *avc,
							unsigned long first, unsigned long last)
{
	struct rb_node *rb = avc->rb.rb_right;

	for (;;) {
		struct anon_vma_chain *right = rb_avc(rb);
		struct rb_node *from;

		/* the right subtree holds the next candidates in order */
		if (right && right->rb_subtree_last >= first)
			return avc_subtree_search(right, first, last);
		/* climb until we arrive from a left child: that parent is next in order */
		do {
			from = &avc->rb;
			rb = rb_parent(from);
			if (!rb)
				return NULL;
			avc = rb_avc(rb);
			rb = avc->rb.rb_right;
		} while (rb == from);
		if (avc_start_pgoff(avc) > last)
			return NULL;
		if (avc_last_pgoff(avc) >= first)
			return avc;
	}
}

void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	if (vma->anon_vma)
		lockdep_assert_held(&vma->anon_vma->root->lock);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_remove(avc, &avc->anon_vma->rb_root);
}

void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	if (vma->anon_vma)
		lockdep_assert_held(&vma->anon_vma->root->lock);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_insert(avc, &avc->anon_vma->rb_root);
}

/* ------------------------------------------------------------------ */
/* anon_vma and anon_vma_chain objects                                 */
/* ------------------------------------------------------------------ */

/*
 * Slab constructor (the cache is SLAB_TYPESAFE_BY_RCU, as Linux's): the
 * lock and the empty tree survive a free, so a stale reader would find a
 * sane object. anon_vma_alloc still sets every field it relies on.
 */
static void anon_vma_ctor(void *obj)
{
	struct anon_vma *anon_vma = obj;

	spin_lock_init(&anon_vma->lock, LOCK_ANON_VMA);
	anon_vma->refcount = 0;
	anon_vma->rb_root = RB_ROOT;
}

int anon_vma_init(struct machine *m)
{
	m->anon_vma_cachep = kmem_cache_create(m, "anon_vma", sizeof(struct anon_vma), 0,
					       SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, anon_vma_ctor);
	if (!m->anon_vma_cachep)
		return -ENOMEM;
	m->anon_vma_chain_cachep = kmem_cache_create(m, "anon_vma_chain",
						     sizeof(struct anon_vma_chain),
						     __alignof__(struct anon_vma_chain),
						     SLAB_ACCOUNT, NULL);
	if (!m->anon_vma_chain_cachep)
		return -ENOMEM;
	return 0;
}

static inline struct machine *vma_machine(const struct vm_area_struct *vma)
{
	return vma->vm_mm->machine;
}

static struct anon_vma *anon_vma_alloc(struct machine *m)
{
	struct anon_vma *anon_vma = kmem_cache_alloc(m, m->anon_vma_cachep, GFP_KERNEL);

	if (!anon_vma)
		return NULL;
	m->nr_anon_vmas++;
	spin_lock_init(&anon_vma->lock, LOCK_ANON_VMA);
	anon_vma->rb_root = RB_ROOT;
	anon_vma->refcount = 1;
	anon_vma->num_children = 0;
	anon_vma->num_active_vmas = 0;
	/* a new family of one; anon_vma_fork re-points both for a child */
	anon_vma->parent = anon_vma;
	anon_vma->root = anon_vma;
	return anon_vma;
}

static void anon_vma_free(struct machine *m, struct anon_vma *anon_vma)
{
	VM_BUG_ON(anon_vma->refcount);
	VM_BUG_ON(!RB_EMPTY_ROOT(&anon_vma->rb_root));
	VM_BUG_ON(spin_is_locked(&anon_vma->lock));
	m->nr_anon_vmas--;
	kmem_cache_free(m, m->anon_vma_cachep, anon_vma);
}

static inline void get_anon_vma(struct anon_vma *anon_vma)
{
	anon_vma->refcount++;
}

/* The last reference: free it, then drop the reference it held on its root. */
static void put_anon_vma(struct machine *m, struct anon_vma *anon_vma)
{
	struct anon_vma *root = anon_vma->root;

	VM_BUG_ON(anon_vma->refcount <= 0);
	if (--anon_vma->refcount)
		return;
	anon_vma_free(m, anon_vma);
	if (root != anon_vma && --root->refcount == 0)
		anon_vma_free(m, root);
}

static inline struct anon_vma_chain *anon_vma_chain_alloc(struct machine *m, gfp_t gfp)
{
	struct anon_vma_chain *avc = kmem_cache_alloc(m, m->anon_vma_chain_cachep, gfp);

	if (avc)
		m->nr_anon_vma_chains++;
	return avc;
}

static inline void anon_vma_chain_free(struct machine *m, struct anon_vma_chain *avc)
{
	m->nr_anon_vma_chains--;
	kmem_cache_free(m, m->anon_vma_chain_cachep, avc);
}

/* Called with anon_vma's root lock held. */
static void anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma_chain *avc,
				struct anon_vma *anon_vma)
{
	avc->vma = vma;
	avc->anon_vma = anon_vma;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	anon_vma_interval_tree_insert(avc, &anon_vma->rb_root);
}

/*
 * Walking a VMA's chains, the roots only change when the chains come from
 * different families (a merge of such VMAs never happens, but keep the
 * lock honest): switch locks only when the root changes.
 */
static struct anon_vma *lock_anon_vma_root(struct anon_vma *held, struct anon_vma *anon_vma)
{
	struct anon_vma *root = anon_vma->root;

	if (root != held) {
		if (held)
			spin_unlock(&held->lock);
		spin_lock(&root->lock);
	}
	return root;
}

static void unlock_anon_vma_root(struct anon_vma *root)
{
	if (root)
		spin_unlock(&root->lock);
}

/* ------------------------------------------------------------------ */
/* Giving VMAs their anon_vmas                                         */
/* ------------------------------------------------------------------ */

/*
 * a and b touch, a below b, and could be one VMA but for their access
 * bits: pages of one may one day be pages of the other (mprotect
 * remerging), so they may share an anon_vma.
 */
static bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       !((a->vm_flags ^ b->vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       b->vm_pgoff == a->vm_pgoff + ((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}

/*
 * old's anon_vma, if a and b (one of them old) are compatible and old has
 * never been forked (its anon_vma is its only chain): a forked anon_vma
 * would drag the other VMA into the family's walks.
 */
static struct anon_vma *reusable_anon_vma(struct vm_area_struct *old, struct vm_area_struct *a,
					  struct vm_area_struct *b)
{
	if (anon_vma_compatible(a, b) && old->anon_vma &&
	    list_is_singular(&old->anon_vma_chain))
		return old->anon_vma;
	return NULL;
}

/* A neighbour's anon_vma the VMA may share: the next one first, then the previous. */
static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(vma), *prev;
	struct anon_vma *anon_vma = NULL;

	if (next)
		anon_vma = reusable_anon_vma(next, vma, next);
	if (anon_vma)
		return anon_vma;
	prev = vma_prev(vma);
	if (prev)
		anon_vma = reusable_anon_vma(prev, prev, vma);
	return anon_vma;
}

/* The slow path of anon_vma_prepare: mmap_lock held (read is enough). */
static int __anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	struct anon_vma *anon_vma, *allocated = NULL;
	struct anon_vma_chain *avc;

	avc = anon_vma_chain_alloc(m, GFP_KERNEL);
	if (!avc)
		return -ENOMEM;
	anon_vma = find_mergeable_anon_vma(vma);
	if (!anon_vma) {
		anon_vma = anon_vma_alloc(m);
		if (!anon_vma) {
			anon_vma_chain_free(m, avc);
			return -ENOMEM;
		}
		anon_vma->num_children++;	/* a root is its own parent */
		allocated = anon_vma;
	}

	anon_vma_lock_write(anon_vma);
	/* page_table_lock: another thread of the mm may be preparing the same VMA */
	spin_lock(&mm->page_table_lock);
	if (likely(!vma->anon_vma)) {
		vma->anon_vma = anon_vma;
		anon_vma_chain_link(vma, avc, anon_vma);
		anon_vma->num_active_vmas++;
		allocated = NULL;
		avc = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	anon_vma_unlock_write(anon_vma);

	if (unlikely(allocated)) {
		allocated->num_children--;
		put_anon_vma(m, allocated);
	}
	if (unlikely(avc))
		anon_vma_chain_free(m, avc);
	return 0;
}

int anon_vma_prepare(struct vm_area_struct *vma)
{
	if (likely(vma->anon_vma))
		return 0;
	return __anon_vma_prepare(vma);
}

/*
 * Allocate a chain while holding *root's lock: try without sleeping first
 * (Linux's GFP_NOWAIT), else drop the lock for a GFP_KERNEL attempt, as
 * that one may enter reclaim, which walks rmap and takes anon_vma locks.
 */
static struct anon_vma_chain *anon_vma_chain_alloc_locked(struct machine *m,
							  struct anon_vma **root)
{
	struct anon_vma_chain *avc = anon_vma_chain_alloc(m, GFP_NOWAIT | __GFP_NOWARN);

	if (likely(avc))
		return avc;
	unlock_anon_vma_root(*root);
	*root = NULL;
	return anon_vma_chain_alloc(m, GFP_KERNEL);
}

int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct machine *m = vma_machine(src);
	struct anon_vma *root = NULL;
	struct anon_vma_chain *pavc;

	/* oldest first, so dst's list ends up in src's order (newest at the head) */
	for (pavc = list_last_entry(&src->anon_vma_chain, struct anon_vma_chain, same_vma);
	     &pavc->same_vma != &src->anon_vma_chain;
	     pavc = list_entry(pavc->same_vma.prev, struct anon_vma_chain, same_vma)) {
		struct anon_vma *anon_vma = pavc->anon_vma;
		struct anon_vma_chain *avc = anon_vma_chain_alloc_locked(m, &root);

		if (unlikely(!avc))
			goto enomem;
		root = lock_anon_vma_root(root, anon_vma);
		anon_vma_chain_link(dst, avc, anon_vma);
		/*
		 * Reuse (fork only: a split's dst already has src's anon_vma):
		 * an anon_vma no VMA points at any more and with at most one
		 * child can take dst's new pages. Never a root: it is its own
		 * child and has at least one more.
		 */
		if (!dst->anon_vma && src->anon_vma && anon_vma->num_children < 2 &&
		    anon_vma->num_active_vmas == 0)
			dst->anon_vma = anon_vma;
	}
	if (dst->anon_vma)
		dst->anon_vma->num_active_vmas++;
	unlock_anon_vma_root(root);
	return 0;

enomem:
	/* dst->anon_vma was not counted active yet: unlink must not uncount it */
	dst->anon_vma = NULL;
	unlink_anon_vmas(dst);
	return -ENOMEM;
}

int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct machine *m = vma_machine(pvma);
	struct anon_vma *anon_vma;
	struct anon_vma_chain *avc;

	if (!pvma->anon_vma)
		return 0;	/* no anonymous pages to share */
	vma->anon_vma = NULL;	/* vm_area_dup copied the parent's */
	/* first the parent's chains, so rmap finds the pages the child shares */
	if (anon_vma_clone(vma, pvma))
		return -ENOMEM;
	if (vma->anon_vma)
		return 0;	/* an idle anon_vma was reused */

	anon_vma = anon_vma_alloc(m);
	if (!anon_vma)
		goto out_error;
	anon_vma->num_active_vmas++;
	avc = anon_vma_chain_alloc(m, GFP_KERNEL);
	if (!avc)
		goto out_error_free_anon_vma;
	anon_vma->root = pvma->anon_vma->root;
	anon_vma->parent = pvma->anon_vma;
	/* the family's lock is the root's: keep the root until we are gone */
	get_anon_vma(anon_vma->root);
	vma->anon_vma = anon_vma;	/* where the child's COW copies go */
	anon_vma_lock_write(anon_vma);
	anon_vma_chain_link(vma, avc, anon_vma);
	anon_vma->parent->num_children++;
	anon_vma_unlock_write(anon_vma);
	return 0;

out_error_free_anon_vma:
	put_anon_vma(m, anon_vma);
out_error:
	unlink_anon_vmas(vma);
	return -ENOMEM;
}

void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc, *next;
	struct anon_vma *root = NULL;
	struct machine *m;

	if (list_empty(&vma->anon_vma_chain) && !vma->anon_vma)
		return;
	m = vma_machine(vma);
	/* newest first: a root, if it dies, is put after its children */
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *anon_vma = avc->anon_vma;

		root = lock_anon_vma_root(root, anon_vma);
		anon_vma_interval_tree_remove(avc, &anon_vma->rb_root);
		/* an emptied anon_vma is freed below, outside the lock */
		if (RB_EMPTY_ROOT(&anon_vma->rb_root)) {
			anon_vma->parent->num_children--;
			continue;
		}
		list_del(&avc->same_vma);
		anon_vma_chain_free(m, avc);
	}
	if (vma->anon_vma) {
		vma->anon_vma->num_active_vmas--;
		vma->anon_vma = NULL;	/* a later fault prepares a new one */
	}
	unlock_anon_vma_root(root);

	/* what is left are chains to emptied anon_vmas: drop them and their anon_vmas */
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *anon_vma = avc->anon_vma;

		VM_WARN_ON(anon_vma->num_children);
		VM_WARN_ON(anon_vma->num_active_vmas);
		put_anon_vma(m, anon_vma);
		list_del(&avc->same_vma);
		anon_vma_chain_free(m, avc);
	}
}

/* ------------------------------------------------------------------ */
/* Page rmap                                                           */
/* ------------------------------------------------------------------ */

static inline struct anon_vma *page_anon_vma(const struct page *page)
{
	return (struct anon_vma *)((unsigned long)page->mapping - PAGE_MAPPING_ANON);
}

static inline unsigned long linear_page_index(const struct vm_area_struct *vma,
					      unsigned long address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* nr_anon_pages / nr_mapped of the page's node, by the page's kind. */
static inline void page_mod_mapped_stat(struct machine *m, struct page *page, long nr)
{
	mod_node_page_state(page_pgdat(m, page), PageAnon(page) ? NR_ANON_PAGES : NR_FILE_MAPPED,
			    nr);
}

/* The new page maps at address in vma only: it is vma's own (exclusive). */
void folio_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	struct machine *m = vma_machine(vma);

	VM_BUG_ON_PAGE(PageTail(page) || page_mapped(page) || page->mapping, m, page);
	VM_BUG_ON(!vma->anon_vma);
	VM_BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	SetPageSwapBacked(page);	/* anonymous pages go to swap, not to a file */
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	page->index = linear_page_index(vma, address);
	page->_mapcount = 0;
	SetPageAnonExclusive(page);
	page_mod_mapped_stat(m, page, 1);
}

/*
 * Map an existing anonymous page (swapin). Its anon_vma must be of vma's
 * family and its index what address says, or rmap would miss this pte.
 */
void folio_add_anon_rmap_pte(struct page *page, struct vm_area_struct *vma,
			     unsigned long address, bool exclusive)
{
	struct machine *m = vma_machine(vma);

	VM_BUG_ON_PAGE(!PageAnon(page) || PageTail(page), m, page);
	VM_BUG_ON_PAGE(!vma->anon_vma || page_anon_vma(page)->root != vma->anon_vma->root,
		       m, page);
	VM_BUG_ON_PAGE(page->index != linear_page_index(vma, address), m, page);
	if (++page->_mapcount == 0)
		page_mod_mapped_stat(m, page, 1);
	if (exclusive)
		SetPageAnonExclusive(page);
	/* an exclusive page has exactly one pte */
	VM_BUG_ON_PAGE(PageAnonExclusive(page) && page->_mapcount > 0, m, page);
	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED)
		mlock_page(m, page);
}

void folio_dup_anon_rmap_pte(struct page *page)
{
	VM_BUG_ON(!PageAnon(page) || !page_mapped(page));
	/* parent and child now share it: neither may write it in place */
	ClearPageAnonExclusive(page);
	page->_mapcount++;
}

void folio_add_file_rmap_pte(struct page *page, struct vm_area_struct *vma)
{
	struct machine *m = vma_machine(vma);

	VM_BUG_ON_PAGE(PageAnon(page) || !page->mapping || PageTail(page), m, page);
	if (++page->_mapcount == 0)
		page_mod_mapped_stat(m, page, 1);
	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED)
		mlock_page(m, page);
}

void folio_dup_file_rmap_pte(struct page *page)
{
	VM_BUG_ON(PageAnon(page) || !page_mapped(page));
	page->_mapcount++;
}

/*
 * One pte less. page->mapping stays (a racing mapper may still read it;
 * the free path clears it). A page leaving a VM_LOCKED VMA is munlocked:
 * its mlock_count says whether another locked VMA still holds it.
 */
void folio_remove_rmap_pte(struct page *page, struct vm_area_struct *vma)
{
	struct machine *m = vma_machine(vma);

	VM_BUG_ON_PAGE(!page_mapped(page) || PageTail(page), m, page);
	if (--page->_mapcount < 0)
		page_mod_mapped_stat(m, page, -1);
	if (unlikely(vma->vm_flags & VM_LOCKED))
		munlock_page(m, page);
}

void folio_move_anon_rmap(struct page *page, struct vm_area_struct *vma)
{
	VM_BUG_ON(!PageAnon(page) || !vma->anon_vma);
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	/* Linux's callers (do_wp_page reuse) set this right after; do it here */
	SetPageAnonExclusive(page);
}

unsigned long vma_address(struct page *page, struct vm_area_struct *vma)
{
	struct page *head = compound_head(page);
	unsigned long pgoff = head->index, nr = 1UL << compound_order(head);
	unsigned long address;

	if (pgoff >= vma->vm_pgoff) {
		address = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		/* beyond the VMA, or wrapped */
		if (address < vma->vm_start || address >= vma->vm_end)
			return -EFAULT;
		return address;
	}
	/* a large page that starts below the VMA but reaches into it */
	if (pgoff + nr - 1 >= vma->vm_pgoff)
		return vma->vm_start;
	return -EFAULT;
}

/* ------------------------------------------------------------------ */
/* rmap_walk                                                           */
/* ------------------------------------------------------------------ */

static void rmap_walk_anon(struct page *page, struct rmap_walk_control *rwc)
{
	struct anon_vma *anon_vma = page_anon_vma(page);
	unsigned long first = page->index, last = first + (1UL << compound_order(page)) - 1;
	struct anon_vma_chain *avc;

	anon_vma_lock_write(anon_vma);
	anon_vma_interval_tree_foreach(avc, &anon_vma->rb_root, first, last) {
		struct vm_area_struct *vma = avc->vma;
		unsigned long address = vma_address(page, vma);

		VM_BUG_ON(IS_ERR_VALUE(address));	/* the tree said it covers */
		if (!rwc->rmap_one(page, vma, address, rwc->arg))
			break;
	}
	anon_vma_unlock_write(anon_vma);
}

/*
 * No i_mmap tree yet (vm_area_struct has no node for it; issue 4): every
 * VMA of every mm that maps this address_space over the page's index.
 */
static void rmap_walk_file(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	struct address_space *mapping = page->mapping;
	struct mm_struct *mm;

	spin_lock(&mapping->i_mmap_lock);
	list_for_each_entry(mm, &m->mm_list, mmlist) {
		struct vm_area_struct *vma;

		for_each_vma(mm, vma) {
			unsigned long address;

			if (!vma->vm_file || vma->vm_file->f_mapping != mapping)
				continue;
			address = vma_address(page, vma);
			if (IS_ERR_VALUE(address))
				continue;
			if (!rwc->rmap_one(page, vma, address, rwc->arg))
				goto out;
		}
	}
out:
	spin_unlock(&mapping->i_mmap_lock);
}

void rmap_walk(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	page = compound_head(page);
	if (!page->mapping)
		return;	/* not (or no longer) in anyone's mapping */
	if (PageAnon(page))
		rmap_walk_anon(page, rwc);
	else
		rmap_walk_file(m, page, rwc);
}

/* ------------------------------------------------------------------ */
/* validate_rmap                                                       */
/* ------------------------------------------------------------------ */

/*
 * What the validator recounts per anon_vma: every live anon_vma has a
 * chain (its tree is not empty), so visiting each tree once, from its
 * first chain, finds them all. Host memory: this is a debugging tool.
 */
struct av_census {
	const struct anon_vma *av;
	unsigned long children;	/* live anon_vmas whose parent it is */
	long family;		/* as a root: other live anon_vmas with this root */
};

struct rmap_validation {
	struct machine *m;
	struct av_census *avs;
	size_t nr, cap;
	unsigned long chains;	/* seen on VMAs' lists */
	int problems;
};

static __printf(2, 3) void rmap_problem(struct rmap_validation *v, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(v->m, "validate_rmap: %s", buf);
	v->problems++;
}

static int av_census_cmp(const void *a, const void *b)
{
	const struct anon_vma *x = ((const struct av_census *)a)->av;
	const struct anon_vma *y = ((const struct av_census *)b)->av;

	return x < y ? -1 : x > y;
}

static struct av_census *av_census_find(struct rmap_validation *v, const struct anon_vma *av)
{
	struct av_census key = { .av = av };

	if (!v->nr)
		return NULL;
	return bsearch(&key, v->avs, v->nr, sizeof(key), av_census_cmp);
}

static void av_census_add(struct rmap_validation *v, const struct anon_vma *av)
{
	if (v->nr == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct av_census *avs = realloc(v->avs, cap * sizeof(*avs));

		BUG_ON(!avs);	/* host memory for a debugging tool */
		v->avs = avs;
		v->cap = cap;
	}
	v->avs[v->nr++] = (struct av_census){ .av = av };
}

/* One anon_vma's tree: order, augmentation, owners, active VMAs. */
static void validate_anon_vma_tree(struct rmap_validation *v, struct anon_vma *av)
{
	unsigned long prev_start = 0, active = 0, nr = 0;
	struct rb_node *rb;

	if (rb_validate(&av->rb_root) < 0)
		rmap_problem(v, "anon_vma %p: red-black tree broken", (void *)av);
	for (rb = rb_first(&av->rb_root); rb; rb = rb_next(rb)) {
		struct anon_vma_chain *avc = rb_avc(rb);

		if (avc->anon_vma != av)
			rmap_problem(v, "avc %p in anon_vma %p's tree names anon_vma %p",
				     (void *)avc, (void *)av, (void *)avc->anon_vma);
		if (nr++ && avc_start_pgoff(avc) < prev_start)
			rmap_problem(v, "anon_vma %p: tree out of order at pgoff %#lx (vma key changed "
				     "without pre/post_update?)", (void *)av, avc_start_pgoff(avc));
		prev_start = avc_start_pgoff(avc);
		if (avc->rb_subtree_last != avc_subtree_last(avc))
			rmap_problem(v, "anon_vma %p: avc %p subtree_last %#lx, expected %#lx",
				     (void *)av, (void *)avc, avc->rb_subtree_last,
				     avc_subtree_last(avc));
		if (avc->vma->anon_vma == av)
			active++;
	}
	if (active != av->num_active_vmas)
		rmap_problem(v, "anon_vma %p: num_active_vmas %lu, %lu VMAs use it", (void *)av,
			     av->num_active_vmas, active);
	if (av->refcount < 1)
		rmap_problem(v, "anon_vma %p: live with refcount %d", (void *)av, av->refcount);
}

/* True if avc is reachable in its tree by a query over its own range. */
static bool avc_in_tree(struct anon_vma_chain *avc)
{
	struct anon_vma_chain *it;

	anon_vma_interval_tree_foreach(it, &avc->anon_vma->rb_root, avc_start_pgoff(avc),
				       avc_last_pgoff(avc)) {
		if (it == avc)
			return true;
	}
	return false;
}

/* A VMA's chain list; collects each anon_vma at its tree's first chain. */
static void validate_vma_chains(struct rmap_validation *v, struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;
	bool own = false;

	if (!list_empty(&vma->anon_vma_chain) && !vma->anon_vma)
		rmap_problem(v, "vma %#lx-%#lx: chains but no anon_vma", vma->vm_start, vma->vm_end);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *av = avc->anon_vma;

		v->chains++;
		if (avc->vma != vma)
			rmap_problem(v, "vma %#lx-%#lx: avc %p names another vma", vma->vm_start,
				     vma->vm_end, (void *)avc);
		if (av == vma->anon_vma)
			own = true;
		if (vma->anon_vma && av->root != vma->anon_vma->root)
			rmap_problem(v, "vma %#lx-%#lx: anon_vma %p of another family",
				     vma->vm_start, vma->vm_end, (void *)av);
		if (RB_EMPTY_NODE(&avc->rb) || !avc_in_tree(avc)) {
			rmap_problem(v, "vma %#lx-%#lx: avc %p not found in anon_vma %p's tree",
				     vma->vm_start, vma->vm_end, (void *)avc, (void *)av);
			continue;
		}
		if (rb_first(&av->rb_root) == &avc->rb) {
			validate_anon_vma_tree(v, av);
			av_census_add(v, av);
		}
	}
	if (vma->anon_vma && !own)
		rmap_problem(v, "vma %#lx-%#lx: its anon_vma %p is not on its chain list",
			     vma->vm_start, vma->vm_end, (void *)vma->anon_vma);
}

/* Families: parents and roots alive, num_children and refcounts recounted. */
static void validate_families(struct rmap_validation *v)
{
	if (v->nr)
		qsort(v->avs, v->nr, sizeof(*v->avs), av_census_cmp);
	for (size_t i = 0; i < v->nr; i++) {
		const struct anon_vma *av = v->avs[i].av;
		struct av_census *parent = av_census_find(v, av->parent);
		struct av_census *root = av_census_find(v, av->root);

		if (!parent || !root) {
			rmap_problem(v, "anon_vma %p: parent %p or root %p is not live", (void *)av,
				     (void *)av->parent, (void *)av->root);
			continue;
		}
		parent->children++;
		if (root->av != av)
			root->family++;
		if (root->av->root != root->av)
			rmap_problem(v, "anon_vma %p: root %p is not a root", (void *)av,
				     (void *)root->av);
	}
	for (size_t i = 0; i < v->nr; i++) {
		const struct av_census *c = &v->avs[i];

		if (c->av->num_children != c->children)
			rmap_problem(v, "anon_vma %p: num_children %lu, counted %lu", (void *)c->av,
				     c->av->num_children, c->children);
		if (c->av->refcount != 1 + c->family)
			rmap_problem(v, "anon_vma %p: refcount %d, expected %ld", (void *)c->av,
				     c->av->refcount, 1 + c->family);
	}
}

/* A mapped page is where rmap would look for it. */
static void validate_pte_page(struct rmap_validation *v, struct vm_area_struct *vma,
			      unsigned long addr, struct page *page)
{
	struct anon_vma_chain *avc;
	struct anon_vma *av;

	if (!page_mapped(page))
		rmap_problem(v, "pfn %#lx mapped at %#lx but _mapcount %d",
			     page_to_pfn(v->m, page), addr, page->_mapcount);
	if (vma_address(page, vma) != addr)
		rmap_problem(v, "pfn %#lx at %#lx: index %#lx gives %#lx", page_to_pfn(v->m, page),
			     addr, page->index, vma_address(page, vma));
	if (!PageAnon(page)) {
		if (!vma->vm_file || page->mapping != vma->vm_file->f_mapping)
			rmap_problem(v, "pfn %#lx at %#lx: mapping %p is not the vma's file's",
				     page_to_pfn(v->m, page), addr, page->mapping);
		return;
	}
	av = page_anon_vma(page);
	if (!av_census_find(v, av)) {
		rmap_problem(v, "pfn %#lx at %#lx: anon_vma %p is not live",
			     page_to_pfn(v->m, page), addr, (void *)av);
		return;
	}
	anon_vma_interval_tree_foreach(avc, &av->rb_root, page->index, page->index) {
		if (avc->vma == vma)
			return;
	}
	rmap_problem(v, "pfn %#lx at %#lx: vma %#lx-%#lx not in its anon_vma %p's tree",
		     page_to_pfn(v->m, page), addr, vma->vm_start, vma->vm_end, (void *)av);
}

/* Every present, normal pte of the VMA, table by table (skips holes fast). */
static void validate_vma_ptes(struct rmap_validation *v, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = vma->vm_start;

	while (addr < vma->vm_end) {
		pmd_t *pmd = walk_pmd(mm, addr);
		unsigned long end;

		if (!pmd) {
			addr = (addr + PUD_SIZE) & PUD_MASK;
			continue;
		}
		end = min((addr + PMD_SIZE) & PMD_MASK, vma->vm_end);
		if (pmd_none(*pmd) || pmd_leaf(*pmd)) {
			addr = end;
			continue;
		}
		for (pte_t *pte = pte_offset(mm, pmd, addr); addr < end; addr += PAGE_SIZE, pte++) {
			struct page *page;

			if (!pte_present(*pte) || pte_special(*pte) ||
			    is_zero_pfn(v->m, pte_pfn(*pte)))
				continue;
			page = vm_normal_page(vma, addr, *pte);
			if (page)
				validate_pte_page(v, vma, addr, compound_head(page));
		}
	}
}

int validate_rmap(struct machine *m)
{
	struct rmap_validation v = { .m = m };
	struct mm_struct *mm;
	struct vm_area_struct *vma;

	if (!m->mm_list.next)
		return 0;	/* no process support booted */
	list_for_each_entry(mm, &m->mm_list, mmlist) {
		for_each_vma(mm, vma)
			validate_vma_chains(&v, vma);
	}
	validate_families(&v);
	/* every object is reachable from some mm's VMA: none leaked */
	if (v.nr != m->nr_anon_vmas || v.chains != m->nr_anon_vma_chains)
		rmap_problem(&v, "%zu anon_vmas and %lu chains reachable, %lu and %lu allocated",
			     v.nr, v.chains, m->nr_anon_vmas, m->nr_anon_vma_chains);
	list_for_each_entry(mm, &m->mm_list, mmlist) {
		if (!mm->pgd)
			continue;
		for_each_vma(mm, vma)
			validate_vma_ptes(&v, vma);
	}
	free(v.avs);
	return v.problems;
}
