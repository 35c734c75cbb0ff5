/*
 * anon_vma.c - giving VMAs their anon_vmas, in today's design: the
 * anon_vma_chain of 2.6.34 onwards (Linux's mm/rmap.c, first half), and
 * the dispatch to the older designs (rmap=anon_vma: anon_vma_list.c;
 * rmap=pte_chain and scan: no objects at all).
 *
 * Objects. Every VMA that has had an anonymous page has an anon_vma
 * (vma->anon_vma), where its new pages point (page->mapping | ANON). A
 * fork gives the child's VMA a new anon_vma whose parent is the parent
 * VMA's and whose root is the family's first; the child's VMA is linked by
 * an anon_vma_chain (avc) to its own anon_vma and to every anon_vma its
 * parent's VMA was linked to, because any of their pages may be mapped in
 * the child until it writes. Each anon_vma keeps its chains in an interval
 * tree keyed by the chain's VMA's page range, so a walk for one page
 * visits only the VMAs whose range covers page->index - not the whole
 * family (2.6.7-2.6.33's cost).
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
 * Without anon_vma objects (pte_chain, scan) a VMA's anon_vma is the
 * machine's null_anon_vma: it only says "has had anonymous pages".
 *
 * Locks: mmap_lock > anon_vma lock (the root's, for the whole family) >
 * page table lock > lru_lock. The anon_vma lock guards the trees, the
 * chains' lists and the counters above; faults take it only when a VMA
 * gets its first anon_vma (anon_vma_prepare), before any pte lock.
 */
#include <errno.h>

#include "fs.h"
#include "rmap_internal.h"
#include "slab.h"
#include "vma.h"

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

static int anon_vma_caches_init(struct machine *m)
{
	m->anon_vma_cachep = kmem_cache_create(m, "anon_vma", sizeof(struct anon_vma), 0,
					       SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, anon_vma_ctor);
	if (!m->anon_vma_cachep)
		return -ENOMEM;
	if (m->cfg.rmap != RMAP_ANON_VMA_CHAIN)
		return 0;
	m->anon_vma_chain_cachep = kmem_cache_create(m, "anon_vma_chain",
						     sizeof(struct anon_vma_chain),
						     __alignof__(struct anon_vma_chain),
						     SLAB_ACCOUNT, NULL);
	if (!m->anon_vma_chain_cachep)
		return -ENOMEM;
	return 0;
}

struct anon_vma *anon_vma_alloc(struct machine *m)
{
	struct anon_vma *anon_vma = kmem_cache_alloc(m, m->anon_vma_cachep, GFP_KERNEL);

	if (!anon_vma)
		return NULL;
	m->nr_anon_vmas++;
	m->rmap_object_ops++;
	spin_lock_init(&anon_vma->lock, LOCK_ANON_VMA);
	anon_vma->rb_root = RB_ROOT;
	INIT_LIST_HEAD(&anon_vma->head);
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
	VM_BUG_ON(!RB_EMPTY_ROOT(&anon_vma->rb_root) || !list_empty(&anon_vma->head));
	VM_BUG_ON(spin_is_locked(&anon_vma->lock));
	m->nr_anon_vmas--;
	m->rmap_object_ops++;
	kmem_cache_free(m, m->anon_vma_cachep, anon_vma);
}

static inline void get_anon_vma(struct anon_vma *anon_vma)
{
	anon_vma->refcount++;
}

/* The last reference: free it, then drop the reference it held on its root. */
void put_anon_vma(struct machine *m, struct anon_vma *anon_vma)
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

	if (avc) {
		m->nr_anon_vma_chains++;
		m->rmap_object_ops++;
	}
	return avc;
}

static inline void anon_vma_chain_free(struct machine *m, struct anon_vma_chain *avc)
{
	m->nr_anon_vma_chains--;
	m->rmap_object_ops++;
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
 * old's anon_vma, if a and b (one of them old) are compatible and, today,
 * old has never been forked (its anon_vma is its only chain): a forked
 * anon_vma would drag the other VMA into the family's walks. 2.6.7-2.6.33
 * shared any compatible neighbour's (singular_only false).
 */
static struct anon_vma *reusable_anon_vma(struct vm_area_struct *old, struct vm_area_struct *a,
					  struct vm_area_struct *b, bool singular_only)
{
	if (!anon_vma_compatible(a, b) || !old->anon_vma)
		return NULL;
	if (singular_only && !list_is_singular(&old->anon_vma_chain))
		return NULL;
	return old->anon_vma;
}

/* A neighbour's anon_vma the VMA may share: the next one first, then the previous. */
struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma, bool singular_only)
{
	struct vm_area_struct *next = vma_next(vma), *prev;
	struct anon_vma *anon_vma = NULL;

	if (next)
		anon_vma = reusable_anon_vma(next, vma, next, singular_only);
	if (anon_vma)
		return anon_vma;
	prev = vma_prev(vma);
	if (prev)
		anon_vma = reusable_anon_vma(prev, prev, vma, singular_only);
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
	anon_vma = find_mergeable_anon_vma(vma, true);
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

static int anon_vma_chain_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
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

static int anon_vma_chain_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct machine *m = vma_machine(pvma);
	struct anon_vma *anon_vma;
	struct anon_vma_chain *avc;

	vma->anon_vma = NULL;	/* vm_area_dup copied the parent's */
	/* first the parent's chains, so rmap finds the pages the child shares */
	if (anon_vma_chain_clone(vma, pvma))
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

static void anon_vma_chain_unlink(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc, *next;
	struct anon_vma *root = NULL;
	struct machine *m;

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
/* The walk                                                            */
/* ------------------------------------------------------------------ */

/* The chains of the page's anon_vma whose VMA range covers the page. */
void rmap_walk_anon_chain(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	struct anon_vma *anon_vma = page_anon_vma(page);
	unsigned long first = page->index, last = first + (1UL << compound_order(page)) - 1;
	struct anon_vma_chain *avc;

	anon_vma_lock_write(anon_vma);
	anon_vma_interval_tree_foreach(avc, &anon_vma->rb_root, first, last) {
		struct vm_area_struct *vma = avc->vma;
		unsigned long address = vma_address(page, vma);

		count_vm_event(m, RMAP_WALK_VMA);
		VM_BUG_ON(IS_ERR_VALUE(address));	/* the tree said it covers */
		if (!rwc->rmap_one(page, vma, address, NULL, rwc->arg))
			break;
	}
	anon_vma_unlock_write(anon_vma);
}

/* ------------------------------------------------------------------ */
/* Dispatch on the design                                              */
/* ------------------------------------------------------------------ */

/* The one anon_vma of the modes without objects, and the caches of the others. */
int anon_vma_init(struct machine *m)
{
	struct anon_vma *null = kmalloc(m, sizeof(*null), GFP_KERNEL);

	if (!null)
		return -ENOMEM;
	spin_lock_init(&null->lock, LOCK_ANON_VMA);
	null->rb_root = RB_ROOT;
	INIT_LIST_HEAD(&null->head);
	null->root = null->parent = null;
	null->refcount = 1;
	null->num_children = null->num_active_vmas = 0;
	m->null_anon_vma = null;
	if (rmap_has_anon_vmas(m))
		return anon_vma_caches_init(m);
	if (m->cfg.rmap == RMAP_PTE_CHAIN)
		return pte_chain_init(m);
	return 0;
}

/* The VMA's anon_vma, created (or reused from a neighbour) at first need. */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	if (likely(vma->anon_vma))
		return 0;
	switch (rmap_mode(vma)) {
	case RMAP_ANON_VMA_CHAIN:
		return __anon_vma_prepare(vma);
	case RMAP_ANON_VMA:
		return anon_vma_list_prepare(vma);
	default:
		spin_lock(&mm->page_table_lock);
		vma->anon_vma = mm->machine->null_anon_vma;
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
}

/* dst (a split, a merge's destination or a copy of src) joins src's anon_vmas. */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	switch (rmap_mode(src)) {
	case RMAP_ANON_VMA_CHAIN:
		return anon_vma_chain_clone(dst, src);
	case RMAP_ANON_VMA:
		if (src->anon_vma)
			anon_vma_list_link(dst, src);
		return 0;
	default:
		dst->anon_vma = src->anon_vma;
		return 0;
	}
}

/* fork: vma is the child's copy of pvma. */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	if (!pvma->anon_vma)
		return 0;	/* no anonymous pages to share */
	switch (rmap_mode(pvma)) {
	case RMAP_ANON_VMA_CHAIN:
		return anon_vma_chain_fork(vma, pvma);
	case RMAP_ANON_VMA:
		/* 2.6.7: the child's VMA joins the parent's anon_vma, for good */
		anon_vma_list_link(vma, pvma);
		return 0;
	default:
		return 0;	/* vm_area_dup copied the null anon_vma */
	}
}

/* The VMA leaves its anon_vmas; emptied ones are freed. */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	switch (rmap_mode(vma)) {
	case RMAP_ANON_VMA_CHAIN:
		if (list_empty(&vma->anon_vma_chain) && !vma->anon_vma)
			return;
		anon_vma_chain_unlink(vma);
		return;
	case RMAP_ANON_VMA:
		anon_vma_list_unlink(vma);
		return;
	default:
		vma->anon_vma = NULL;
		return;
	}
}

/* Did the VMA's anon_vma come through fork (sharing it widens a family's walks)? */
bool vma_anon_vma_forked(const struct vm_area_struct *vma)
{
	if (!vma || !vma->anon_vma || rmap_mode(vma) != RMAP_ANON_VMA_CHAIN)
		return false;
	return !list_is_singular(&vma->anon_vma_chain);
}
