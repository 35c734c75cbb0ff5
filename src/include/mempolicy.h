/*
 * mempolicy.h - NUMA memory policies (Linux 6.18's include/linux/mempolicy.h,
 * include/uapi/linux/mempolicy.h and include/linux/nodemask.h).
 *
 * A policy says on which nodes a task's or a VMA's pages are allocated:
 *   MPOL_DEFAULT            (no object: NULL) use the next level's policy:
 *                           VMA -> task -> the system default (local)
 *   MPOL_LOCAL              the node of the CPU that allocates
 *   MPOL_PREFERRED          one node first, then the normal fallback
 *   MPOL_PREFERRED_MANY     a set of nodes first (no reclaim), then any node
 *   MPOL_BIND               only these nodes
 *   MPOL_INTERLEAVE         round-robin by page offset in the VMA (or the
 *                           shmem object), one page per node per turn
 *   MPOL_WEIGHTED_INTERLEAVE  the same with weight[node] pages per turn,
 *                           the weights of /sys/kernel/mm/mempolicy/
 *                           weighted_interleave/nodeN (1 unless written)
 *
 * Policies are struct mempolicy objects of the "numa_policy" slab cache,
 * reference counted: a task holds one in task->mempolicy, a VMA one in
 * vma->vm_policy (each VMA its own copy: split, fork and mremap copy it,
 * as mpol_dup does), a shmem object a tree of ranges (struct shared_policy,
 * "shared_policy_node" objects) so that every process mapping it sees the
 * same policy. The system default policy lives in the machine and is never
 * freed.
 *
 * Nodemasks (nodemask_t, mempolicy_types.h) are the host kernel's width,
 * 1024 bits; a policy's nodes are always among the machine's nodes with
 * memory.
 *
 * Invariants: a live policy's refcnt >= 1; mode is never MPOL_DEFAULT (that
 * is NULL); nodes is non-empty except for MPOL_LOCAL; an MPOL_PREFERRED
 * policy has exactly one node. Policies are changed only by their owner
 * task (set_mempolicy) or under mmap_lock held for writing (mbind).
 *
 * Lock order: mmap_lock > sp->lock (a shmem object's shared policy tree) >
 * slab. No lock is held while a policy allocates a page.
 */
#ifndef MMSIM_MEMPOLICY_H
#define MMSIM_MEMPOLICY_H

#include "mempolicy_types.h"
#include "mm.h"
#include "sched.h"

/* Policy modes (include/uapi/linux/mempolicy.h). */
enum {
	MPOL_DEFAULT,
	MPOL_PREFERRED,
	MPOL_BIND,
	MPOL_INTERLEAVE,
	MPOL_LOCAL,
	MPOL_PREFERRED_MANY,
	MPOL_WEIGHTED_INTERLEAVE,
	MPOL_MAX,
};

/* Mode flags, or'ed into the mode argument of set_mempolicy and mbind. */
#define MPOL_F_STATIC_NODES	(1 << 15)
#define MPOL_F_RELATIVE_NODES	(1 << 14)
#define MPOL_F_NUMA_BALANCING	(1 << 13)
#define MPOL_MODE_FLAGS		(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | \
				 MPOL_F_NUMA_BALANCING)

/* get_mempolicy flags. */
#define MPOL_F_NODE		(1 << 0)
#define MPOL_F_ADDR		(1 << 1)
#define MPOL_F_MEMS_ALLOWED	(1 << 2)

/* mbind flags. */
#define MPOL_MF_STRICT		(1 << 0)
#define MPOL_MF_MOVE		(1 << 1)
#define MPOL_MF_MOVE_ALL	(1 << 2)
#define MPOL_MF_LAZY		(1 << 3)	/* not valid from user space */
#define MPOL_MF_INTERNAL	(1 << 4)
#define MPOL_MF_VALID		(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)

/* Internal policy flags (policy->flags beside the mode flags). */
#define MPOL_F_SHARED		(1 << 0)	/* a shared policy's copy: refcounted lookup */
#define MPOL_F_MOF		(1 << 3)	/* migrate on fault (NUMA balancing) */
#define MPOL_F_MORON		(1 << 4)	/* migrate towards the referencing node */

/* The interleave index of an allocation that has no page offset (alloc_pages). */
#define NO_INTERLEAVE_INDEX	(~0UL)

BUILD_BUG_ON(MAX_NUMNODES > MPOL_MAX_NUMNODES);

/* The nodes of the machine that have memory (node_states[N_MEMORY]). */
void node_states_memory(const struct machine *m, nodemask_t *out);

/* ---------------------------------------------------------------------- */
/* Policies                                                                */
/* ---------------------------------------------------------------------- */


/* Boot: the slab caches and the default policy (numa_policy_init). */
int numa_policy_init(struct machine *m);

/* Object lifetime. mpol_dup copies (NULL stays NULL); ERR_PTR(-ENOMEM). */
struct mempolicy *__mpol_dup(struct machine *m, struct mempolicy *old);
void __mpol_put(struct machine *m, struct mempolicy *pol);
bool __mpol_equal(const struct mempolicy *a, const struct mempolicy *b);

static inline struct mempolicy *mpol_dup(struct machine *m, struct mempolicy *pol)
{
	return pol ? __mpol_dup(m, pol) : NULL;
}

static inline void mpol_get(struct mempolicy *pol)
{
	if (pol)
		pol->refcnt++;
}

static inline void mpol_put(struct machine *m, struct mempolicy *pol)
{
	if (pol)
		__mpol_put(m, pol);
}

/* A shared-policy lookup took a reference; a task or VMA policy did not. */
static inline void mpol_cond_put(struct machine *m, struct mempolicy *pol)
{
	if (pol && (pol->flags & MPOL_F_SHARED))
		__mpol_put(m, pol);
}

static inline bool mpol_equal(const struct mempolicy *a, const struct mempolicy *b)
{
	return a == b || __mpol_equal(a, b);
}

static inline struct mempolicy *vma_policy(const struct vm_area_struct *vma)
{
	return vma->vm_policy;
}

/* The task's policy, or the system default (local allocation). */
struct mempolicy *get_task_policy(struct task_struct *t);
/* The policy of an allocation at addr in vma (VMA, shared, task, default), and
 * its interleave index; put it with mpol_cond_put. */
struct mempolicy *get_vma_policy(struct vm_area_struct *vma, unsigned long addr, int order,
				 unsigned long *ilx);
/* The same without the fallback to the task: NULL for "default". */
struct mempolicy *__get_vma_policy(struct vm_area_struct *vma, unsigned long addr,
				   unsigned long *ilx);

/* Task lifetime: fork copies the policy, exit drops it. 0 or -ENOMEM. */
int mpol_fork_task(struct task_struct *child, struct task_struct *parent);
void mpol_put_task_policy(struct task_struct *t);

/* ---------------------------------------------------------------------- */
/* Allocation                                                              */
/* ---------------------------------------------------------------------- */

/*
 * 2^order frames as pol says: ilx is the interleave index (page offset,
 * shifted by the object's bias) or NO_INTERLEAVE_INDEX, nid the node
 * preferred when the policy does not choose one. Refcount 1, or NULL.
 * Counts numa_interleave when an interleave allocation lands on its node.
 */
struct page *alloc_pages_mpol(struct machine *m, gfp_t gfp, unsigned int order,
			      struct mempolicy *pol, unsigned long ilx, int nid);
/* A user page for addr in vma, by the policy there (vma_alloc_folio). */
struct page *vma_alloc_folio(gfp_t gfp, int order, struct vm_area_struct *vma,
			     unsigned long addr);
/* A shmem object's page at index, by its shared policy or the task's. */
struct page *shmem_alloc_folio(struct machine *m, gfp_t gfp, struct address_space *mapping,
			       unsigned long index);

/* ---------------------------------------------------------------------- */
/* VMAs and shared objects                                                 */
/* ---------------------------------------------------------------------- */

/* vma's policy becomes a copy of pol (NULL: default); 0 or -ENOMEM. */
int vma_replace_policy(struct vm_area_struct *vma, struct mempolicy *pol);
/* Shared policies of shmem objects. */
void mpol_shared_policy_init(struct shared_policy *sp);
struct mempolicy *mpol_shared_policy_lookup(struct machine *m, struct shared_policy *sp,
					    unsigned long idx);
int mpol_set_shared_policy(struct machine *m, struct shared_policy *sp,
			   struct vm_area_struct *vma, struct mempolicy *pol);
void mpol_free_shared_policy(struct machine *m, struct shared_policy *sp);

/*
 * Visit every present page mapped in [start, end) of vma (a pte, or a pmd
 * mapping a huge page: nr pages), with the page table lock held. The
 * callback returns 0 to go on, anything else to stop the walk with that
 * value. Zero-page and pfn-map entries have no page and are skipped.
 */
typedef int (*mpol_page_fn)(struct vm_area_struct *vma, unsigned long addr, struct page *page,
			    unsigned long nr, bool pte_dirty, void *priv);
int mpol_walk_vma_pages(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			mpol_page_fn fn, void *priv);

/* "interleave=static:0-3" as /proc/PID/numa_maps prints a policy (mpol_to_str). */
void mpol_to_str(char *buf, size_t maxlen, const struct mempolicy *pol);
/* Policy mode names as Linux's (and the Lua binding's), "default".."weighted_interleave". */
const char *mpol_mode_name(int mode);
int mpol_mode_from_name(const char *name);

/* Weighted interleave weights (/sys/kernel/mm/mempolicy/weighted_interleave). */
unsigned char get_il_weight(const struct machine *m, int nid);
int mempolicy_set_il_weight(struct machine *m, int nid, const char *text);
int mempolicy_set_il_auto(struct machine *m, const char *text);

/* Debug: every task and VMA policy well-formed; returns problems found. */
int validate_mempolicies(struct machine *m);

#endif
