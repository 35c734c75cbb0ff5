/*
 * mempolicy.c - NUMA memory policies (Linux 6.18's mm/mempolicy.c): the
 * policy objects, the page allocations they steer, shared policies of shmem
 * objects, and the system calls set_mempolicy, get_mempolicy, mbind and
 * set_mempolicy_home_node with Linux's argument checks in Linux's order.
 *
 * Where a user page comes from (vma_alloc_folio, shmem_alloc_folio):
 *   policy = the VMA's (a shmem object's shared policy for shmem), else the
 *            task's, else the system default (MPOL_LOCAL);
 *   ilx    = for interleave: the page's offset in the VMA's object
 *            (vm_pgoff + (addr - vm_start) / PAGE_SIZE; anonymous VMAs have
 *            vm_pgoff = vm_start / PAGE_SIZE, so it is the page's virtual
 *            page number), plus the inode number for shmem;
 *   node   = policy_nodemask(): interleave's ilx-th node (weighted: by the
 *            node weights), preferred's node, bind/preferred_many's home
 *            node or the local one, with bind's nodemask as a hard limit.
 * The page allocator then walks the preferred node's zonelist (nearest
 * node first, by node_distance) restricted to the nodemask, and counts
 * numa_hit/miss/foreign/local/other (page_alloc.c's zone_statistics);
 * numa_interleave is counted here when an interleaved page lands on its
 * node.
 *
 * Not simulated: cpusets (mems_allowed is every node with memory, so
 * mpol_rebind never happens), NUMA balancing (MPOL_F_NUMA_BALANCING is
 * accepted and shown; nothing migrates on fault), and page migration:
 * mbind's MPOL_MF_MOVE/MOVE_ALL move nothing, so a misplaced page counts as
 * one that could not be moved (-EIO with MPOL_MF_STRICT, as Linux when
 * migration fails). Kernel allocations made for a task (page tables, slab)
 * stay on the local node; Linux applies the task policy to them too.
 *
 * Locks: the system calls take mmap_lock (mbind for writing); a shmem
 * object's shared policy tree has its own lock (LOCK_SHARED_POLICY), never
 * held across an allocation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "huge_mm.h"
#include "fs.h"
#include "internal.h"
#include "memory.h"
#include "mempolicy.h"
#include "mman.h"
#include "pgalloc.h"
#include "rmap.h"
#include "swap.h"
#include "vma.h"

/* Internal mbind flags (MPOL_MF_INTERNAL and up). */
#define MPOL_MF_DISCONTIG_OK	(MPOL_MF_INTERNAL << 0)	/* holes are fine */
#define MPOL_MF_INVERT		(MPOL_MF_INTERNAL << 1)	/* queue pages NOT in the mask */

#define HPAGE_PMD_ORDER		(PMD_SHIFT - PAGE_SHIFT)
/* Maximum node count a user mask may describe: PAGE_SIZE * BITS_PER_BYTE. */
#define MAX_USER_MAXNODE	(PAGE_SIZE * 8)

/* ---------------------------------------------------------------------- */
/* Nodes                                                                   */
/* ---------------------------------------------------------------------- */

static bool node_has_memory(const struct machine *m, int nid)
{
	return nid >= 0 && nid < m->nr_nodes && NODE_DATA(m, nid)->node_present_pages;
}

void node_states_memory(const struct machine *m, nodemask_t *out)
{
	nodes_clear(out);
	for (int nid = 0; nid < m->nr_nodes; nid++)
		if (node_has_memory(m, nid))
			node_set(nid, out);
}

/* N_HIGH_MEMORY (= N_NORMAL_MEMORY on 64-bit): a populated zone below Movable. */
static bool node_has_normal_memory(const struct machine *m, int nid)
{
	const pg_data_t *pgdat = NODE_DATA(m, nid);

	for (int z = 0; z < ZONE_MOVABLE; z++)
		if (populated_zone(&pgdat->node_zones[z]))
			return true;
	return false;
}

/* nr_node_ids: one past the highest possible node. */
static int nr_node_ids(const struct machine *m)
{
	return m->nr_nodes;
}

/* ---------------------------------------------------------------------- */
/* Boot                                                                    */
/* ---------------------------------------------------------------------- */

/* check_highest_zone over the zonelists: the highest populated zone but Movable. */
static int compute_policy_zone(const struct machine *m)
{
	int zone = 0, nid;

	for_each_online_node(m, nid)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (z != ZONE_MOVABLE && populated_zone(&NODE_DATA(m, nid)->node_zones[z]) &&
			    z > zone)
				zone = z;
	return zone;
}

int numa_policy_init(struct machine *m)
{
	m->policy_cachep = kmem_cache_create(m, "numa_policy", sizeof(struct mempolicy), 0,
					     SLAB_PANIC, NULL);
	m->sn_cachep = kmem_cache_create(m, "shared_policy_node", sizeof(struct sp_node), 0,
					 SLAB_PANIC, NULL);
	if (!m->policy_cachep || !m->sn_cachep)
		return -ENOMEM;
	memset(&m->default_policy, 0, sizeof(m->default_policy));
	m->default_policy.refcnt = 1;	/* never freed */
	m->default_policy.mode = MPOL_LOCAL;
	m->default_policy.home_node = NUMA_NO_NODE;
	m->policy_zone = compute_policy_zone(m);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Policy objects                                                          */
/* ---------------------------------------------------------------------- */

static inline bool mpol_store_user_nodemask(const struct mempolicy *pol)
{
	return pol->flags & MPOL_MODE_FLAGS;
}

/* nodes_fold: bit i of orig sets bit i % sz. */
static void nodes_fold(nodemask_t *dst, const nodemask_t *orig, int sz)
{
	int nid;

	nodes_clear(dst);
	if (sz <= 0)
		return;
	for_each_node_mask(nid, orig)
		node_set(nid % sz, dst);
}

/* nodes_onto: bit n of orig sets the n-th set bit of rel. */
static void nodes_onto(nodemask_t *dst, const nodemask_t *orig, const nodemask_t *rel)
{
	int n = 0, nid;

	nodes_clear(dst);
	for_each_node_mask(nid, rel) {
		if (node_isset(n, orig))
			node_set(nid, dst);
		n++;
	}
}

/* MPOL_F_RELATIVE_NODES: the user's nodes taken as positions among rel's. */
static void mpol_relative_nodemask(nodemask_t *ret, const nodemask_t *orig, const nodemask_t *rel)
{
	nodemask_t tmp;

	nodes_fold(&tmp, orig, nodes_weight(rel));
	nodes_onto(ret, &tmp, rel);
}

/*
 * mpol_new: check mode, flags and the emptiness of the user's mask; the
 * nodes themselves are set by mpol_set_nodemask. NULL for MPOL_DEFAULT.
 */
static struct mempolicy *mpol_new(struct machine *m, unsigned short mode, unsigned short flags,
				  const nodemask_t *nodes)
{
	struct mempolicy *pol;

	if (mode == MPOL_DEFAULT)
		return nodes && !nodes_empty(nodes) ? ERR_PTR(-EINVAL) : NULL;
	if (mode == MPOL_PREFERRED) {
		/* an empty preferred mask means local allocation */
		if (nodes_empty(nodes)) {
			if (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
				return ERR_PTR(-EINVAL);
			mode = MPOL_LOCAL;
		}
	} else if (mode == MPOL_LOCAL) {
		if (!nodes_empty(nodes) || (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)))
			return ERR_PTR(-EINVAL);
	} else if (nodes_empty(nodes)) {
		return ERR_PTR(-EINVAL);
	}
	pol = kmem_cache_alloc(m, m->policy_cachep, GFP_KERNEL);
	if (!pol)
		return ERR_PTR(-ENOMEM);
	memset(pol, 0, sizeof(*pol));
	pol->refcnt = 1;
	pol->mode = mode;
	pol->flags = flags;
	pol->home_node = NUMA_NO_NODE;
	return pol;
}

/*
 * mpol_set_nodemask: the policy's nodes are the user's intersected with
 * the nodes that have memory (cpuset mems_allowed is all of them here);
 * an empty result is -EINVAL. Preferred keeps the first node only.
 */
static int mpol_set_nodemask(struct machine *m, struct mempolicy *pol, const nodemask_t *nodes)
{
	nodemask_t allowed, mask;

	if (!pol || pol->mode == MPOL_LOCAL)
		return 0;
	node_states_memory(m, &allowed);
	if (pol->flags & MPOL_F_RELATIVE_NODES)
		mpol_relative_nodemask(&mask, nodes, &allowed);
	else
		nodes_and(&mask, nodes, &allowed);
	if (mpol_store_user_nodemask(pol))
		pol->w.user_nodemask = *nodes;
	else
		pol->w.cpuset_mems_allowed = allowed;
	if (nodes_empty(&mask))
		return -EINVAL;
	nodes_clear(&pol->nodes);
	if (pol->mode == MPOL_PREFERRED)
		node_set(first_node(&mask), &pol->nodes);
	else
		pol->nodes = mask;
	return 0;
}

struct mempolicy *__mpol_dup(struct machine *m, struct mempolicy *old)
{
	struct mempolicy *new = kmem_cache_alloc(m, m->policy_cachep, GFP_KERNEL);

	if (!new)
		return ERR_PTR(-ENOMEM);
	*new = *old;
	new->refcnt = 1;
	return new;
}

void __mpol_put(struct machine *m, struct mempolicy *pol)
{
	if (pol == &m->default_policy)
		return;
	BUG_ON(pol->refcnt <= 0);
	if (--pol->refcnt)
		return;
	kmem_cache_free(m, m->policy_cachep, pol);
}

bool __mpol_equal(const struct mempolicy *a, const struct mempolicy *b)
{
	if (!a || !b)
		return false;
	if (a->mode != b->mode || a->flags != b->flags || a->home_node != b->home_node)
		return false;
	if (mpol_store_user_nodemask(a) && !nodes_equal(&a->w.user_nodemask, &b->w.user_nodemask))
		return false;
	return a->mode == MPOL_LOCAL || nodes_equal(&a->nodes, &b->nodes);
}

/* ---------------------------------------------------------------------- */
/* Task and VMA policies                                                   */
/* ---------------------------------------------------------------------- */

/*
 * Linux returns a per-node MPOL_PREFERRED policy here for tasks without
 * one (it lets NUMA balancing migrate on fault); it places pages exactly
 * as the local default does, which is what we return.
 */
struct mempolicy *get_task_policy(struct task_struct *t)
{
	return t->mempolicy ? t->mempolicy : &t->machine->default_policy;
}

static struct mempolicy *current_task_policy(struct machine *m)
{
	return m->current && m->current->mempolicy ? m->current->mempolicy : &m->default_policy;
}

int mpol_fork_task(struct task_struct *child, struct task_struct *parent)
{
	struct mempolicy *pol = mpol_dup(parent->machine, parent->mempolicy);

	if (IS_ERR(pol))
		return (int)PTR_ERR(pol);
	child->mempolicy = pol;
	child->il_prev = parent->il_prev;
	child->il_weight = 0;
	return 0;
}

void mpol_put_task_policy(struct task_struct *t)
{
	struct mempolicy *pol = t->mempolicy;

	t->mempolicy = NULL;
	mpol_put(t->machine, pol);
}

/* shmem's vm_ops->set_policy/get_policy: the object's shared policy tree. */
static bool vma_is_shmem(const struct vm_area_struct *vma)
{
	return vma->vm_file && vma->vm_file->f_mapping && vma->vm_file->f_mapping->swapbacked;
}

struct mempolicy *__get_vma_policy(struct vm_area_struct *vma, unsigned long addr,
				   unsigned long *ilx)
{
	*ilx = 0;
	if (vma_is_shmem(vma)) {
		struct address_space *mapping = vma->vm_file->f_mapping;
		unsigned long index = ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;

		/* bias interleave by inode number to spread objects over nodes */
		*ilx = mapping->ino;
		return mpol_shared_policy_lookup(vma->vm_mm->machine, &mapping->policy, index);
	}
	return vma->vm_policy;
}

struct mempolicy *get_vma_policy(struct vm_area_struct *vma, unsigned long addr, int order,
				 unsigned long *ilx)
{
	struct mempolicy *pol = __get_vma_policy(vma, addr, ilx);

	if (!pol)
		pol = current_task_policy(vma->vm_mm->machine);
	if (pol->mode == MPOL_INTERLEAVE || pol->mode == MPOL_WEIGHTED_INTERLEAVE) {
		*ilx += vma->vm_pgoff >> order;
		*ilx += (addr - vma->vm_start) >> (PAGE_SHIFT + order);
	}
	return pol;
}

/* Policies of migratable VMAs steer page placement (vma_migratable). */
static bool vma_migratable(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_IO | VM_PFNMAP));
}

/* ---------------------------------------------------------------------- */
/* Interleaving                                                            */
/* ---------------------------------------------------------------------- */

unsigned char get_il_weight(const struct machine *m, int nid)
{
	return m->wi_manual ? m->iw_table[nid] : 1;
}

/* Process interleave without an offset: the node after the last one used. */
static int interleave_nodes(struct machine *m, struct mempolicy *pol)
{
	struct task_struct *t = m->current;
	int nid = next_node_in(t ? t->il_prev : MPOL_MAX_NUMNODES - 1, &pol->nodes);

	if (t && nid < MPOL_MAX_NUMNODES)
		t->il_prev = nid;
	return nid;
}

/* The same by weight: il_weight pages more on il_prev before moving on. */
static int weighted_interleave_nodes(struct machine *m, struct mempolicy *pol)
{
	struct task_struct *t = m->current;
	int nid;

	if (!t)
		return first_node(&pol->nodes);
	nid = t->il_prev;
	if (!t->il_weight || !node_isset(nid, &pol->nodes)) {
		nid = next_node_in(nid, &pol->nodes);
		if (nid == MPOL_MAX_NUMNODES)
			return nid;
		t->il_prev = nid;
		t->il_weight = get_il_weight(m, nid);
	}
	t->il_weight--;
	return nid;
}

/* The ilx-th node of the policy, wrapping. */
static int interleave_nid(struct machine *m, const struct mempolicy *pol, unsigned long ilx)
{
	int nnodes = nodes_weight(&pol->nodes), nid;
	unsigned long target;

	if (!nnodes)
		return numa_node_id(m);
	target = ilx % (unsigned long)nnodes;
	nid = first_node(&pol->nodes);
	while (target--)
		nid = next_node(nid, &pol->nodes);
	return nid;
}

/* The node owning slot ilx % (sum of weights), nodes taking weight slots each. */
static int weighted_interleave_nid(struct machine *m, const struct mempolicy *pol,
				   unsigned long ilx)
{
	unsigned long total = 0, target;
	int nid;

	if (nodes_empty(&pol->nodes))
		return numa_node_id(m);
	for_each_node_mask(nid, &pol->nodes)
		total += get_il_weight(m, nid);
	target = ilx % total;
	nid = first_node(&pol->nodes);
	while (target) {
		unsigned long weight = get_il_weight(m, nid);

		if (target < weight)
			break;
		target -= weight;
		nid = next_node_in(nid, &pol->nodes);
	}
	return nid;
}

/* ---------------------------------------------------------------------- */
/* Allocation                                                              */
/* ---------------------------------------------------------------------- */

/* apply_policy_zone: bind limits only allocations of the highest zones. */
static bool apply_policy_zone(struct machine *m, const struct mempolicy *pol,
			      enum zone_type zone)
{
	int dynamic_policy_zone = m->policy_zone;
	int nid;
	bool normal = false;

	for_each_node_mask(nid, &pol->nodes)
		normal |= node_has_normal_memory(m, nid);
	/* nodes with movable memory only: the policy binds Movable allocations only */
	if (!normal)
		dynamic_policy_zone = ZONE_MOVABLE;
	return (int)zone >= dynamic_policy_zone;
}

/* The allocation's nodemask (NULL: any node) and its preferred node (*nid). */
static const unsigned long *policy_nodemask(struct machine *m, gfp_t gfp,
					    struct mempolicy *pol, unsigned long ilx, int *nid)
{
	const unsigned long *nodemask = NULL;

	switch (pol->mode) {
	case MPOL_PREFERRED:
		*nid = first_node(&pol->nodes);
		break;
	case MPOL_PREFERRED_MANY:
		nodemask = pol->nodes.bits;
		if (pol->home_node != NUMA_NO_NODE)
			*nid = pol->home_node;
		break;
	case MPOL_BIND:
		if (apply_policy_zone(m, pol, gfp_zone(m, gfp)))
			nodemask = pol->nodes.bits;
		if (pol->home_node != NUMA_NO_NODE)
			*nid = pol->home_node;
		WARN_ON_ONCE(gfp & __GFP_THISNODE);
		break;
	case MPOL_INTERLEAVE:
		*nid = ilx == NO_INTERLEAVE_INDEX ? interleave_nodes(m, pol)
						  : interleave_nid(m, pol, ilx);
		break;
	case MPOL_WEIGHTED_INTERLEAVE:
		*nid = ilx == NO_INTERLEAVE_INDEX ? weighted_interleave_nodes(m, pol)
						  : weighted_interleave_nid(m, pol, ilx);
		break;
	default:	/* MPOL_LOCAL */
		break;
	}
	return nodemask;
}

/* Two passes: the preferred nodes without reclaim, then every node. */
static struct page *alloc_pages_preferred_many(struct machine *m, gfp_t gfp, unsigned int order,
					       int nid, const unsigned long *nodemask)
{
	gfp_t preferred_gfp = (gfp | __GFP_NOWARN) & ~(__GFP_DIRECT_RECLAIM | __GFP_NOFAIL);
	struct page *page = __alloc_pages(m, preferred_gfp, order, nid, nodemask);

	return page ? page : __alloc_pages(m, gfp, order, nid, NULL);
}

struct page *alloc_pages_mpol(struct machine *m, gfp_t gfp, unsigned int order,
			      struct mempolicy *pol, unsigned long ilx, int nid)
{
	const unsigned long *nodemask = policy_nodemask(m, gfp, pol, ilx, &nid);
	struct page *page;

	if (nid < 0 || nid >= m->nr_nodes || !node_has_memory(m, nid))
		nid = numa_node_id(m);
	if (pol->mode == MPOL_PREFERRED_MANY)
		return alloc_pages_preferred_many(m, gfp, order, nid, nodemask);
	if (order == HPAGE_PMD_ORDER && ilx != NO_INTERLEAVE_INDEX &&
	    pol->mode != MPOL_INTERLEAVE && pol->mode != MPOL_WEIGHTED_INTERLEAVE &&
	    node_in_mask(nodemask, nid)) {
		/* a huge page is worth having only nearby: this node, no reclaim */
		page = __alloc_pages(m, gfp | __GFP_THISNODE | __GFP_NORETRY, order, nid, NULL);
		if (page || !(gfp & __GFP_DIRECT_RECLAIM))
			return page;
	}
	page = __alloc_pages(m, gfp, order, nid, nodemask);
	if (unlikely(pol->mode == MPOL_INTERLEAVE || pol->mode == MPOL_WEIGHTED_INTERLEAVE) &&
	    page && page_to_nid(page) == nid)
		inc_numa_state(page_zone(m, page), NUMA_INTERLEAVE);
	return page;
}

struct page *vma_alloc_folio(gfp_t gfp, int order, struct vm_area_struct *vma,
			     unsigned long addr)
{
	struct machine *m = vma->vm_mm->machine;
	struct mempolicy *pol;
	unsigned long ilx;
	struct page *page;

	if (vma->vm_flags & VM_DROPPABLE)
		gfp |= __GFP_NOWARN;
	/* a folio, even of order 0 (folio_alloc_mpol): what an OOM report shows */
	gfp |= __GFP_COMP;
	pol = get_vma_policy(vma, addr, order, &ilx);
	page = alloc_pages_mpol(m, gfp, (unsigned int)order, pol, ilx, numa_node_id(m));
	mpol_cond_put(m, pol);
	return page;
}

/* shmem_get_pgoff_policy + folio_alloc_mpol: the object's policy, else the task's. */
struct page *shmem_alloc_folio(struct machine *m, gfp_t gfp, struct address_space *mapping,
			       unsigned long index)
{
	struct mempolicy *pol = mpol_shared_policy_lookup(m, &mapping->policy, index);
	unsigned long ilx = mapping->ino + index;
	struct page *page;

	if (!pol)
		pol = current_task_policy(m);
	page = alloc_pages_mpol(m, gfp, 0, pol, ilx, numa_node_id(m));
	mpol_cond_put(m, pol);
	return page;
}

/* ---------------------------------------------------------------------- */
/* Shared policies (shmem)                                                 */
/* ---------------------------------------------------------------------- */

void mpol_shared_policy_init(struct shared_policy *sp)
{
	sp->root = RB_ROOT;
	spin_lock_init(&sp->lock, LOCK_SHARED_POLICY);
}

/* The first node intersecting [start, end). sp->lock held. */
static struct sp_node *sp_lookup(struct shared_policy *sp, unsigned long start,
				 unsigned long end)
{
	struct rb_node *n = sp->root.rb_node;

	while (n) {
		struct sp_node *p = rb_entry(n, struct sp_node, nd);

		if (start >= p->end)
			n = n->rb_right;
		else if (end <= p->start)
			n = n->rb_left;
		else
			break;
	}
	if (!n)
		return NULL;
	for (;;) {
		struct rb_node *prev = rb_prev(n);

		if (!prev || rb_entry(prev, struct sp_node, nd)->end <= start)
			break;
		n = prev;
	}
	return rb_entry(n, struct sp_node, nd);
}

static void sp_insert(struct shared_policy *sp, struct sp_node *new)
{
	struct rb_node **p = &sp->root.rb_node, *parent = NULL;

	while (*p) {
		struct sp_node *nd = rb_entry(*p, struct sp_node, nd);

		parent = *p;
		if (new->start < nd->start)
			p = &(*p)->rb_left;
		else if (new->end > nd->end)
			p = &(*p)->rb_right;
		else
			BUG_ON(1);	/* ranges never overlap */
	}
	rb_link_node(&new->nd, parent, p);
	rb_insert_color(&new->nd, &sp->root);
}

struct mempolicy *mpol_shared_policy_lookup(struct machine *m, struct shared_policy *sp,
					    unsigned long idx)
{
	struct mempolicy *pol = NULL;
	struct sp_node *sn;

	(void)m;
	if (!sp->root.rb_node)
		return NULL;
	spin_lock(&sp->lock);
	sn = sp_lookup(sp, idx, idx + 1);
	if (sn) {
		mpol_get(sn->policy);
		pol = sn->policy;
	}
	spin_unlock(&sp->lock);
	return pol;
}

static void sp_free(struct machine *m, struct sp_node *n)
{
	mpol_put(m, n->policy);
	kmem_cache_free(m, m->sn_cachep, n);
}

static void sp_delete(struct machine *m, struct shared_policy *sp, struct sp_node *n)
{
	rb_erase(&n->nd, &sp->root);
	sp_free(m, n);
}

static struct sp_node *sp_alloc(struct machine *m, unsigned long start, unsigned long end,
				struct mempolicy *pol)
{
	struct sp_node *n = kmem_cache_alloc(m, m->sn_cachep, GFP_KERNEL);
	struct mempolicy *newpol;

	if (!n)
		return NULL;
	newpol = mpol_dup(m, pol);
	if (IS_ERR(newpol)) {
		kmem_cache_free(m, m->sn_cachep, n);
		return NULL;
	}
	newpol->flags |= MPOL_F_SHARED;
	n->start = start;
	n->end = end;
	n->policy = newpol;
	return n;
}

/*
 * Replace the policies of [start, end) by new (NULL: none). A node that
 * spans the whole range is split in two; the second half's node and policy
 * are allocated up front, outside the lock.
 */
static int shared_policy_replace(struct machine *m, struct shared_policy *sp,
				 unsigned long start, unsigned long end, struct sp_node *new)
{
	struct sp_node *n_new = kmem_cache_alloc(m, m->sn_cachep, GFP_KERNEL);
	struct mempolicy *mpol_new = n_new ? kmem_cache_alloc(m, m->policy_cachep, GFP_KERNEL)
					   : NULL;
	struct sp_node *n;

	if (!mpol_new) {
		if (n_new)
			kmem_cache_free(m, m->sn_cachep, n_new);
		return -ENOMEM;
	}
	spin_lock(&sp->lock);
	n = sp_lookup(sp, start, end);
	while (n && n->start < end) {
		struct rb_node *next = rb_next(&n->nd);

		if (n->start >= start) {
			if (n->end <= end)
				sp_delete(m, sp, n);
			else
				n->start = end;
		} else if (n->end > end) {
			/* an old policy around the new range: keep both ends */
			*mpol_new = *n->policy;
			mpol_new->refcnt = 1;
			n_new->start = end;
			n_new->end = n->end;
			n_new->policy = mpol_new;
			n->end = start;
			sp_insert(sp, n_new);
			n_new = NULL;
			mpol_new = NULL;
			break;
		} else {
			n->end = start;
		}
		if (!next)
			break;
		n = rb_entry(next, struct sp_node, nd);
	}
	if (new)
		sp_insert(sp, new);
	spin_unlock(&sp->lock);
	if (mpol_new)
		kmem_cache_free(m, m->policy_cachep, mpol_new);
	if (n_new)
		kmem_cache_free(m, m->sn_cachep, n_new);
	return 0;
}

int mpol_set_shared_policy(struct machine *m, struct shared_policy *sp,
			   struct vm_area_struct *vma, struct mempolicy *pol)
{
	unsigned long sz = vma_pages(vma);
	struct sp_node *new = NULL;
	int err;

	if (pol) {
		new = sp_alloc(m, vma->vm_pgoff, vma->vm_pgoff + sz, pol);
		if (!new)
			return -ENOMEM;
	}
	err = shared_policy_replace(m, sp, vma->vm_pgoff, vma->vm_pgoff + sz, new);
	if (err && new)
		sp_free(m, new);
	return err;
}

void mpol_free_shared_policy(struct machine *m, struct shared_policy *sp)
{
	struct rb_node *next;

	if (!sp->root.rb_node)
		return;
	spin_lock(&sp->lock);
	while ((next = rb_first(&sp->root)))
		sp_delete(m, sp, rb_entry(next, struct sp_node, nd));
	spin_unlock(&sp->lock);
}

int vma_replace_policy(struct vm_area_struct *vma, struct mempolicy *pol)
{
	struct machine *m = vma->vm_mm->machine;
	struct mempolicy *new = mpol_dup(m, pol), *old;
	int err;

	if (IS_ERR(new))
		return (int)PTR_ERR(new);
	if (vma_is_shmem(vma)) {
		err = mpol_set_shared_policy(m, &vma->vm_file->f_mapping->policy, vma, new);
		if (err) {
			mpol_put(m, new);
			return err;
		}
	}
	old = vma->vm_policy;
	vma->vm_policy = new;
	mpol_put(m, old);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Walking the pages of a range (walk_page_range for mbind and numa_maps)  */
/* ---------------------------------------------------------------------- */

struct page_walk {
	struct vm_area_struct *vma;
	mpol_page_fn fn;
	void *priv;
};

static unsigned long level_end(unsigned long addr, unsigned long end, unsigned int shift)
{
	unsigned long next = (addr + (1UL << shift)) & ~((1UL << shift) - 1);

	return next - 1 < end - 1 ? next : end;
}

static int walk_pte_range(struct page_walk *w, pmd_t *pmd, unsigned long addr,
			  unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;
	pte_t *pte;
	int ret = 0;

	spin_lock(&mm->page_table_lock);
	pte = pte_offset(mm, pmd, addr);
	for (; addr != end && !ret; addr += PAGE_SIZE, pte++) {
		struct page *page;

		if (!pte_present(*pte))
			continue;
		page = vm_normal_page(w->vma, addr, *pte);
		if (page && !PageReserved(page))
			ret = w->fn(w->vma, addr, page, 1, pte_dirty(*pte), w->priv);
	}
	spin_unlock(&mm->page_table_lock);
	return ret;
}

static int walk_pmd_range(struct page_walk *w, pud_t *pud, unsigned long addr,
			  unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;
	int ret = 0;

	for (unsigned long next; addr != end && !ret; addr = next) {
		pmd_t *pmd = pmd_offset(mm, pud, addr);

		next = level_end(addr, end, PMD_SHIFT);
		if (pmd_none(*pmd) || !pmd_present(*pmd))
			continue;
		if (pmd_leaf(*pmd)) {
			struct page *page = pfn_to_page(mm->machine, pmd_pfn(*pmd));

			spin_lock(&mm->page_table_lock);
			ret = w->fn(w->vma, addr, page, PMD_SIZE >> PAGE_SHIFT,
				    pmd_val(*pmd) & _PAGE_DIRTY, w->priv);
			spin_unlock(&mm->page_table_lock);
		} else {
			ret = walk_pte_range(w, pmd, addr, next);
		}
	}
	return ret;
}

static int walk_pud_range(struct page_walk *w, p4d_t *p4d, unsigned long addr,
			  unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;
	int ret = 0;

	for (unsigned long next; addr != end && !ret; addr = next) {
		pud_t *pud = pud_offset(mm, p4d, addr);

		next = level_end(addr, end, PUD_SHIFT);
		if (pud_none(*pud) || !pud_present(*pud) || pud_leaf(*pud))
			continue;
		ret = walk_pmd_range(w, pud, addr, next);
	}
	return ret;
}

static int walk_p4d_range(struct page_walk *w, pgd_t *pgd, unsigned long addr,
			  unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;
	int ret = 0;

	for (unsigned long next; addr != end && !ret; addr = next) {
		p4d_t *p4d = p4d_offset(mm, pgd, addr);

		next = level_end(addr, end, P4D_SHIFT);
		if (p4d_none(*p4d) || !p4d_present(*p4d))
			continue;
		ret = walk_pud_range(w, p4d, addr, next);
	}
	return ret;
}

int mpol_walk_vma_pages(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			mpol_page_fn fn, void *priv)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page_walk w = { vma, fn, priv };
	unsigned int pgdir_shift = mm->machine->cfg.pgtable_levels == 5 ? PGDIR_SHIFT_L5
									 : PGDIR_SHIFT_L4;
	int ret = 0;

	/* no struct pages behind these (walk_page_test); hugetlb is not walked yet */
	if (vma->vm_flags & (VM_PFNMAP | VM_HUGETLB))
		return 0;
	for (unsigned long addr = start, next; addr != end && !ret; addr = next) {
		pgd_t *pgd = pgd_offset(mm, addr);

		next = level_end(addr, end, pgdir_shift);
		if (pgd_none(*pgd) || !pgd_present(*pgd))
			continue;
		ret = walk_p4d_range(&w, pgd, addr, next);
	}
	return ret;
}

/* ---------------------------------------------------------------------- */
/* mbind's page check (queue_pages_range)                                  */
/* ---------------------------------------------------------------------- */

struct queue_pages {
	unsigned long flags;
	const nodemask_t *nmask;
	unsigned long start, end;
	struct vm_area_struct *first;
	long nr_failed;			/* misplaced pages that were not moved */
};

/* STRICT without MOVE: the first misplaced page fails the call with -EIO. */
static bool strictly_unmovable(unsigned long flags)
{
	return (flags & (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) == MPOL_MF_STRICT;
}

/*
 * A page on a node the new policy does not allow. Pages mapped more than
 * once are left alone under MPOL_MF_MOVE (not a failure, as Linux's
 * migrate_folio_add); any other would need migration, which is not
 * simulated, so it counts as one that could not be moved.
 */
static int queue_page(struct vm_area_struct *vma, unsigned long addr, struct page *page,
		      unsigned long nr, bool pte_dirty, void *priv)
{
	struct queue_pages *qp = priv;
	struct page *head = compound_head(page);
	bool on_mask = node_isset(page_to_nid(head), qp->nmask);

	(void)addr;
	(void)pte_dirty;
	if (on_mask == !!(qp->flags & MPOL_MF_INVERT))
		return 0;	/* where it should be */
	if ((qp->flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) && vma_migratable(vma) &&
	    !(qp->flags & MPOL_MF_MOVE_ALL) && page_mapcount(head) > 1)
		return 0;	/* shared: not moved, not a failure */
	qp->nr_failed += (long)nr;
	return strictly_unmovable(qp->flags) ? -EIO : 0;
}

/* queue_pages_test_walk: holes, and whether this VMA's pages need a look. */
static int queue_pages_test_walk(struct vm_area_struct *vma, struct queue_pages *qp)
{
	unsigned long flags = qp->flags;
	struct vm_area_struct *next;

	if (!qp->first) {
		qp->first = vma;
		if (!(flags & MPOL_MF_DISCONTIG_OK) && qp->start < vma->vm_start)
			return -EFAULT;	/* hole at the head of the range */
	}
	next = vma_next(vma);
	if (!(flags & MPOL_MF_DISCONTIG_OK) && vma->vm_end < qp->end &&
	    (!next || vma->vm_end < next->vm_start))
		return -EFAULT;		/* hole in the middle or at the tail */
	if (!vma_migratable(vma) && !(flags & MPOL_MF_STRICT))
		return 1;
	return flags & (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL) ? 0 : 1;
}

/*
 * 0: every page in place (or no check asked); > 0: that many misplaced
 * pages stay where they are; -EIO: a misplaced page under STRICT alone;
 * -EFAULT: a hole without MPOL_MF_DISCONTIG_OK, or no VMA at all.
 */
static long queue_pages_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			      const nodemask_t *nodes, unsigned long flags)
{
	struct queue_pages qp = { .flags = flags, .nmask = nodes, .start = start, .end = end };
	struct vm_area_struct *vma;
	int err = 0;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end && !err; vma = vma_next(vma)) {
		unsigned long s = max(start, vma->vm_start), e = min(end, vma->vm_end);

		err = queue_pages_test_walk(vma, &qp);
		if (err == 1) {
			err = 0;
			continue;
		}
		if (!err)
			err = mpol_walk_vma_pages(vma, s, e, queue_page, &qp);
	}
	if (!qp.first)
		err = -EFAULT;		/* the whole range is a hole */
	return err ? err : qp.nr_failed;
}

/* ---------------------------------------------------------------------- */
/* System calls                                                            */
/* ---------------------------------------------------------------------- */

/* sanitize_mpol_flags: split the mode argument and check its flags. */
static int sanitize_mpol_flags(int *mode, unsigned short *flags)
{
	*flags = (unsigned short)(*mode & MPOL_MODE_FLAGS);
	*mode &= ~MPOL_MODE_FLAGS;
	if ((unsigned int)*mode >= MPOL_MAX)
		return -EINVAL;
	if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if (*flags & MPOL_F_NUMA_BALANCING) {
		if (*mode != MPOL_BIND && *mode != MPOL_PREFERRED_MANY)
			return -EINVAL;
		*flags |= MPOL_F_MOF | MPOL_F_MORON;
	}
	return 0;
}

/* get_bitmap: the words covering maxnode bits, the bits above maxnode cleared. */
static void get_bitmap(unsigned long *mask, const unsigned long *nmask, unsigned long maxnode)
{
	unsigned long nlongs = BITS_TO_LONGS(maxnode);

	memcpy(mask, nmask, nlongs * sizeof(unsigned long));
	if (maxnode % BITS_PER_ULONG)
		mask[nlongs - 1] &= (1UL << (maxnode % BITS_PER_ULONG)) - 1;
}

/*
 * get_nodes: the user's mask of maxnode - 1 bits (the system calls'
 * off-by-one, kept). Bits beyond the kernel's MAX_NUMNODES must be 0; the
 * check reads whole words from the top, as Linux does.
 */
static int get_nodes(nodemask_t *nodes, const unsigned long *nmask, unsigned long maxnode)
{
	--maxnode;
	nodes_clear(nodes);
	if (maxnode == 0 || !nmask)
		return 0;
	if (maxnode > MAX_USER_MAXNODE)
		return -EINVAL;
	while (maxnode > MPOL_MAX_NUMNODES) {
		unsigned long bits = min(maxnode, (unsigned long)BITS_PER_ULONG), t;

		get_bitmap(&t, &nmask[(maxnode - 1) / BITS_PER_ULONG], bits);
		if (maxnode - bits >= MPOL_MAX_NUMNODES) {
			maxnode -= bits;
		} else {
			maxnode = MPOL_MAX_NUMNODES;
			t &= ~((1UL << (MPOL_MAX_NUMNODES % BITS_PER_ULONG)) - 1);
		}
		if (t)
			return -EINVAL;
	}
	get_bitmap(nodes->bits, nmask, maxnode);
	return 0;
}

/* copy_nodes_to_user: ALIGN(maxnode - 1, 64) bits; beyond nr_node_ids zeroed. */
static int copy_nodes_to_user(const struct machine *m, unsigned long *mask,
			      unsigned long maxnode, const nodemask_t *nodes)
{
	unsigned long copy = ALIGN(maxnode - 1, 64) / 8;
	unsigned long nbytes = BITS_TO_LONGS(nr_node_ids(m)) * sizeof(long);

	if (copy > nbytes) {
		if (copy > PAGE_SIZE)
			return -EINVAL;
		memset((char *)mask + nbytes, 0, copy - nbytes);
		copy = nbytes;
	}
	memcpy(mask, nodes->bits, copy);
	return 0;
}

static long do_set_mempolicy(struct task_struct *t, unsigned short mode, unsigned short flags,
			     const nodemask_t *nodes)
{
	struct machine *m = t->machine;
	struct mempolicy *new = mpol_new(m, mode, flags, nodes), *old;
	int ret;

	if (IS_ERR(new))
		return PTR_ERR(new);
	ret = mpol_set_nodemask(m, new, nodes);
	if (ret) {
		mpol_put(m, new);
		return ret;
	}
	old = t->mempolicy;
	t->mempolicy = new;
	if (new && (new->mode == MPOL_INTERLEAVE || new->mode == MPOL_WEIGHTED_INTERLEAVE)) {
		t->il_prev = MPOL_MAX_NUMNODES - 1;
		t->il_weight = 0;
	}
	mpol_put(m, old);
	return 0;
}

long sys_set_mempolicy(struct task_struct *t, int mode, const unsigned long *nmask,
		       unsigned long maxnode)
{
	unsigned short mode_flags;
	nodemask_t nodes;
	int err;

	task_enter(t);
	err = sanitize_mpol_flags(&mode, &mode_flags);
	if (!err)
		err = get_nodes(&nodes, nmask, maxnode);
	if (err)
		return err;
	return do_set_mempolicy(t, (unsigned short)mode, mode_flags, &nodes);
}

/* The nodes get_mempolicy reports for a policy (get_policy_nodemask). */
static void get_policy_nodemask(const struct machine *m, const struct mempolicy *pol,
				nodemask_t *nodes)
{
	nodes_clear(nodes);
	if (pol == &m->default_policy || pol->mode == MPOL_LOCAL)
		return;
	*nodes = pol->nodes;
}

/*
 * lookup_node: get_user_pages_fast of one page for reading. A present,
 * user-readable pte answers at once; otherwise the slow path checks the
 * VMA (no read permission: -EFAULT), faults the page in and marks it
 * accessed. The page's node, or -errno.
 */
static int lookup_node(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	pte_t *ptep;

	addr &= PAGE_MASK;
	for (int tries = 0; tries < 3; tries++) {
		struct page *page = NULL;

		spin_lock(&mm->mmap_lock);
		vma = vma_lookup(mm, addr);
		ptep = vma ? walk_pte(mm, addr) : NULL;
		if (ptep && pte_present(*ptep) && !pte_protnone(*ptep)) {
			page = vm_normal_page(vma, addr, *ptep);
			/* the slow path's FOLL_TOUCH; the zero page is not marked */
			if (tries && page)
				mark_page_accessed(mm->machine, page);
			if (!page)
				page = pfn_to_page(mm->machine, pte_pfn(*ptep));
			spin_unlock(&mm->mmap_lock);
			return page_to_nid(page);
		}
		if (vma && !ptep) {	/* THP (issue 7): the leaf's folio */
			bool thp;

			page = follow_trans_huge_pmd(vma, addr, false, &thp);
			if (page) {
				spin_unlock(&mm->mmap_lock);
				return page_to_nid(page);
			}
		}
		if (!vma || (vma->vm_flags & (VM_IO | VM_PFNMAP)) || !(vma->vm_flags & VM_READ)) {
			spin_unlock(&mm->mmap_lock);
			return -EFAULT;
		}
		if (handle_mm_fault(vma, addr, 0) & VM_FAULT_ERROR) {
			spin_unlock(&mm->mmap_lock);
			return -EFAULT;
		}
		spin_unlock(&mm->mmap_lock);
	}
	return -EFAULT;
}

static long do_get_mempolicy(struct task_struct *t, int *policy, nodemask_t *nmask,
			     unsigned long addr, unsigned long flags)
{
	struct machine *m = t->machine;
	struct mm_struct *mm = t->mm;
	struct mempolicy *pol = t->mempolicy, *pol_refcount = NULL;
	bool locked = false;
	long err = 0;

	if (flags & ~(unsigned long)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		*policy = 0;
		node_states_memory(m, nmask);	/* cpuset_current_mems_allowed */
		return 0;
	}
	if (flags & MPOL_F_ADDR) {
		struct vm_area_struct *vma;
		unsigned long ilx;

		/* the VMA's (or shared) policy; none means MPOL_DEFAULT, not the task's */
		spin_lock(&mm->mmap_lock);
		locked = true;
		vma = vma_lookup(mm, addr);
		if (!vma) {
			spin_unlock(&mm->mmap_lock);
			return -EFAULT;
		}
		pol = __get_vma_policy(vma, addr, &ilx);
	} else if (addr) {
		return -EINVAL;
	}
	if (!pol)
		pol = &m->default_policy;
	if (flags & MPOL_F_NODE) {
		if (flags & MPOL_F_ADDR) {
			pol_refcount = pol;
			mpol_get(pol);
			spin_unlock(&mm->mmap_lock);
			locked = false;
			err = lookup_node(mm, addr);
			if (err < 0)
				goto out;
			*policy = (int)err;
			err = 0;
		} else if (pol == t->mempolicy && pol->mode == MPOL_INTERLEAVE) {
			*policy = next_node_in(t->il_prev, &pol->nodes);
		} else if (pol == t->mempolicy && pol->mode == MPOL_WEIGHTED_INTERLEAVE) {
			*policy = t->il_weight ? t->il_prev : next_node_in(t->il_prev, &pol->nodes);
		} else {
			err = -EINVAL;
			goto out;
		}
	} else {
		*policy = pol == &m->default_policy ? MPOL_DEFAULT : pol->mode;
		*policy |= pol->flags & MPOL_MODE_FLAGS;
	}
	if (nmask) {
		if (mpol_store_user_nodemask(pol))
			*nmask = pol->w.user_nodemask;
		else
			get_policy_nodemask(m, pol, nmask);
	}
out:
	mpol_cond_put(m, pol);
	if (locked)
		spin_unlock(&mm->mmap_lock);
	if (pol_refcount)
		mpol_put(m, pol_refcount);
	return err;
}

long sys_get_mempolicy(struct task_struct *t, int *policy, unsigned long *nmask,
		       unsigned long maxnode, unsigned long addr, unsigned long flags)
{
	nodemask_t nodes;
	int pval = 0;
	long err;

	task_enter(t);
	if (nmask && maxnode < (unsigned long)nr_node_ids(t->machine))
		return -EINVAL;
	err = do_get_mempolicy(t, &pval, &nodes, addr, flags);
	if (err)
		return err;
	if (policy)
		*policy = pval;
	if (nmask)
		err = copy_nodes_to_user(t->machine, nmask, maxnode, &nodes);
	return err;
}

/* mbind_range: split or merge so one VMA covers [start, end) of vma, then set. */
static int mbind_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		       struct mempolicy *new_pol)
{
	unsigned long vmstart = max(start, vma->vm_start), vmend = min(end, vma->vm_end);

	if (mpol_equal(vma->vm_policy, new_pol))
		return 0;
	vma = vma_modify_policy(vma, vmstart, vmend, new_pol);
	if (IS_ERR(vma))
		return (int)PTR_ERR(vma);
	return vma_replace_policy(vma, new_pol);
}

/*
 * Every VMA meeting [start, end) gets new. A VMA may split or merge under
 * mbind_range, so the walk goes on from the end of the part just done.
 */
static int mbind_vmas(struct mm_struct *mm, unsigned long start, unsigned long end,
		      struct mempolicy *new)
{
	unsigned long addr = start;
	int err = 0;

	while (!err && addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned long done;

		if (!vma || vma->vm_start >= end)
			break;
		done = min(end, vma->vm_end);
		err = mbind_range(vma, addr, end, new);
		addr = done;
	}
	return err;
}

static long do_mbind(struct task_struct *t, unsigned long start, unsigned long len,
		     unsigned short mode, unsigned short mode_flags, const nodemask_t *nmask,
		     unsigned long flags)
{
	struct machine *m = t->machine;
	struct mm_struct *mm = t->mm;
	struct mempolicy *new;
	unsigned long end;
	long err, nr_failed;

	if (flags & ~(unsigned long)MPOL_MF_VALID)
		return -EINVAL;
	/* simulated processes lack CAP_SYS_NICE */
	if (flags & MPOL_MF_MOVE_ALL)
		return -EPERM;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (mode == MPOL_DEFAULT)
		flags &= ~(unsigned long)MPOL_MF_STRICT;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	new = mpol_new(m, mode, mode_flags, nmask);
	if (IS_ERR(new))
		return PTR_ERR(new);
	/* the default policy may be applied over holes */
	if (!new)
		flags |= MPOL_MF_DISCONTIG_OK;
	spin_lock(&mm->mmap_lock);
	err = mpol_set_nodemask(m, new, nmask);
	if (err)
		goto out;
	nr_failed = queue_pages_range(mm, start, end, nmask, flags | MPOL_MF_INVERT);
	if (nr_failed < 0) {
		err = nr_failed;
		nr_failed = 0;
	} else {
		err = mbind_vmas(mm, start, end, new);
	}
	if (nr_failed && (flags & MPOL_MF_STRICT))
		err = -EIO;
out:
	spin_unlock(&mm->mmap_lock);
	mpol_put(m, new);
	return err;
}

long sys_mbind(struct task_struct *t, unsigned long start, unsigned long len, unsigned long mode,
	       const unsigned long *nmask, unsigned long maxnode, unsigned int flags)
{
	unsigned short mode_flags;
	nodemask_t nodes;
	int lmode = (int)mode, err;

	task_enter(t);
	err = sanitize_mpol_flags(&lmode, &mode_flags);
	if (!err)
		err = get_nodes(&nodes, nmask, maxnode);
	if (err)
		return err;
	return do_mbind(t, start, len, (unsigned short)lmode, mode_flags, &nodes, flags);
}

long sys_set_mempolicy_home_node(struct task_struct *t, unsigned long start, unsigned long len,
				 unsigned long home_node, unsigned long flags)
{
	struct machine *m = t->machine;
	struct mm_struct *mm = t->mm;
	unsigned long end, addr;
	int err = -ENOENT;

	task_enter(t);
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (flags != 0)
		return -EINVAL;
	/* online: every node of the machine is */
	if (home_node >= MPOL_MAX_NUMNODES || home_node >= (unsigned long)m->nr_nodes)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	spin_lock(&mm->mmap_lock);
	for (addr = start; addr < end;) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		struct mempolicy *old, *new;
		unsigned long done;

		if (!vma || vma->vm_start >= end)
			break;
		done = min(end, vma->vm_end);
		old = vma_policy(vma);
		if (!old) {
			addr = vma->vm_end;
			continue;
		}
		if (old->mode != MPOL_BIND && old->mode != MPOL_PREFERRED_MANY) {
			err = -EOPNOTSUPP;
			break;
		}
		new = mpol_dup(m, old);
		if (IS_ERR(new)) {
			err = (int)PTR_ERR(new);
			break;
		}
		new->home_node = (int)home_node;
		err = mbind_range(vma, addr, end, new);
		mpol_put(m, new);
		if (err)
			break;
		addr = done;
	}
	spin_unlock(&mm->mmap_lock);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Names and text                                                          */
/* ---------------------------------------------------------------------- */

/* How numa_maps prints the modes (policy_modes[]). */
static const char *const policy_modes[MPOL_MAX] = {
	[MPOL_DEFAULT] = "default",
	[MPOL_PREFERRED] = "prefer",
	[MPOL_BIND] = "bind",
	[MPOL_INTERLEAVE] = "interleave",
	[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
	[MPOL_LOCAL] = "local",
	[MPOL_PREFERRED_MANY] = "prefer (many)",
};

/* The MPOL_ names in lower case without the prefix: the Lua and CLI spelling. */
static const char *const mode_names[MPOL_MAX] = {
	[MPOL_DEFAULT] = "default",
	[MPOL_PREFERRED] = "preferred",
	[MPOL_BIND] = "bind",
	[MPOL_INTERLEAVE] = "interleave",
	[MPOL_LOCAL] = "local",
	[MPOL_PREFERRED_MANY] = "preferred_many",
	[MPOL_WEIGHTED_INTERLEAVE] = "weighted_interleave",
};

const char *mpol_mode_name(int mode)
{
	return mode >= 0 && mode < MPOL_MAX ? mode_names[mode] : NULL;
}

int mpol_mode_from_name(const char *name)
{
	for (int i = 0; i < MPOL_MAX; i++)
		if (!strcmp(name, mode_names[i]))
			return i;
	return -1;
}

/* "%*pbl": ranges of set bits, "0-3,5". */
static size_t nodelist_print(char *buf, size_t len, const nodemask_t *nodes)
{
	size_t off = 0;
	int nid = first_node(nodes);

	while (nid < MPOL_MAX_NUMNODES) {
		int last = nid;

		while (last + 1 < MPOL_MAX_NUMNODES && node_isset(last + 1, nodes))
			last++;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%d", off ? "," : "",
					nid);
		if (last > nid)
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "-%d", last);
		nid = find_next_node(last + 1, nodes);
	}
	return off;
}

void mpol_to_str(char *buf, size_t maxlen, const struct mempolicy *pol)
{
	unsigned short mode = MPOL_DEFAULT, flags = 0;
	nodemask_t nodes;
	size_t off;

	nodes_clear(&nodes);
	/* NULL is the system default (callers pass NULL for it), shown "default" */
	if (pol) {
		mode = pol->mode;
		flags = pol->flags;
	}
	if (mode != MPOL_DEFAULT && mode != MPOL_LOCAL)
		nodes = pol->nodes;
	off = (size_t)snprintf(buf, maxlen, "%s", policy_modes[mode]);
	if (flags & MPOL_MODE_FLAGS) {
		off += (size_t)snprintf(buf + off, off < maxlen ? maxlen - off : 0, "=");
		if (flags & MPOL_F_STATIC_NODES)
			off += (size_t)snprintf(buf + off, off < maxlen ? maxlen - off : 0, "static");
		else if (flags & MPOL_F_RELATIVE_NODES)
			off += (size_t)snprintf(buf + off, off < maxlen ? maxlen - off : 0, "relative");
		if (flags & MPOL_F_NUMA_BALANCING) {
			unsigned short f = flags & MPOL_MODE_FLAGS;

			if (f & (f - 1))
				off += (size_t)snprintf(buf + off, off < maxlen ? maxlen - off : 0, "|");
			off += (size_t)snprintf(buf + off, off < maxlen ? maxlen - off : 0,
						"balancing");
		}
	}
	if (!nodes_empty(&nodes) && off + 1 < maxlen) {
		buf[off++] = ':';
		nodelist_print(buf + off, maxlen - off, &nodes);
	}
}

/* ---------------------------------------------------------------------- */
/* Weighted interleave weights (sysfs)                                     */
/* ---------------------------------------------------------------------- */

/* kstrtou8 / kstrtobool accept one trailing newline. */
static bool text_is(const char *text, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(text, word, n) && (!text[n] || !strcmp(text + n, "\n"));
}

int mempolicy_set_il_weight(struct machine *m, int nid, const char *text)
{
	unsigned long v = 0;
	const char *p = text;
	int base = 10;

	if (!node_has_memory(m, nid))
		return -ENOENT;
	if (!text || !*text || text_is(text, ""))
		return -EINVAL;
	/* kstrtou8(buf, 0, ...): 0x.. hex, 0.. octal, else decimal */
	if (p[0] == '+')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && p[1] && p[1] != '\n') {
		base = 8;
		p++;
	}
	if (!*p || *p == '\n')
		return -EINVAL;
	for (; *p && *p != '\n'; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : 99;

		if (d >= base)
			return -EINVAL;
		v = v * (unsigned long)base + (unsigned long)d;
		if (v > 255)
			return -ERANGE;
	}
	if (*p == '\n' && p[1])
		return -EINVAL;
	if (v == 0)
		return -EINVAL;
	if (!m->wi_manual)
		memset(m->iw_table, 1, sizeof(m->iw_table));
	m->iw_table[nid] = (unsigned char)v;
	m->wi_manual = true;
	return 0;
}

int mempolicy_set_il_auto(struct machine *m, const char *text)
{
	static const char *const yes[] = { "1", "y", "Y", "on", "ON", "On", "true", "TRUE",
					   "True", "yes", "Yes", "YES" };
	static const char *const no[] = { "0", "n", "N", "off", "OFF", "Off", "false", "FALSE",
					  "False", "no", "No", "NO" };

	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (text && text_is(text, no[i])) {
			if (!m->wi_manual)
				memset(m->iw_table, 1, sizeof(m->iw_table));
			m->wi_manual = true;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (text && text_is(text, yes[i]))
			return -ENODEV;	/* no HMAT bandwidth figures to derive weights from */
	return -EINVAL;
}

/* ---------------------------------------------------------------------- */
/* Validation                                                              */
/* ---------------------------------------------------------------------- */

static int validate_policy(struct machine *m, const struct mempolicy *pol, const char *what,
			   int pid)
{
	nodemask_t allowed;

	if (!pol)
		return 0;
	node_states_memory(m, &allowed);
	if (pol->refcnt <= 0 || pol->mode == MPOL_DEFAULT || pol->mode >= MPOL_MAX ||
	    (pol->mode != MPOL_LOCAL && nodes_empty(&pol->nodes)) ||
	    !nodes_subset(&pol->nodes, &allowed) ||
	    (pol->mode == MPOL_PREFERRED && nodes_weight(&pol->nodes) != 1)) {
		printk(m, "validate: pid %d: bad %s policy (mode %u, refcnt %d)", pid, what,
		       pol->mode, pol->refcnt);
		return 1;
	}
	return 0;
}

int validate_mempolicies(struct machine *m)
{
	struct task_struct *t;
	int problems = 0;

	if (!m->tasks.next)
		return 0;
	list_for_each_entry(t, &m->tasks, tasks) {
		struct vm_area_struct *vma;

		problems += validate_policy(m, t->mempolicy, "task", t->pid);
		if (t->tgid != t->pid || !t->mm)
			continue;
		for_each_vma(t->mm, vma) {
			/* each VMA owns its copy: no policy is shared between two */
			struct vm_area_struct *next = vma_next(vma);

			problems += validate_policy(m, vma->vm_policy, "vma", t->pid);
			if (vma->vm_policy && next && next->vm_policy == vma->vm_policy) {
				printk(m, "validate: pid %d: VMAs share a policy object", t->pid);
				problems++;
			}
		}
	}
	return problems;
}
