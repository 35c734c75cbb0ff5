/*
 * mempolicy_types.h - nodemask_t and struct mempolicy (Linux's
 * include/linux/nodemask.h and the struct of include/linux/mempolicy.h),
 * apart from mempolicy.h so that struct machine can embed the system
 * default policy, as Linux keeps default_policy in the kernel image.
 *
 * Nodemasks are MPOL_MAX_NUMNODES bits wide, the width of the host's
 * kernel (CONFIG_NODES_SHIFT=10, as distribution kernels are built): the
 * system calls accept and check masks of that width, so a user mask naming
 * node 100 behaves as on the host. The machine itself has at most
 * MAX_NUMNODES nodes. The arrays of bits are also what the page allocator's
 * nodemask argument (const unsigned long *) reads.
 */
#ifndef MMSIM_MEMPOLICY_TYPES_H
#define MMSIM_MEMPOLICY_TYPES_H

#include <string.h>

#include "compiler.h"
#include "rbtree.h"
#include "spinlock.h"

#define MPOL_NODES_SHIFT	10
#define MPOL_MAX_NUMNODES	(1 << MPOL_NODES_SHIFT)
#define BITS_PER_ULONG		64	/* BITS_PER_LONG (percpu.c has its own) */
#define BITS_TO_LONGS(n)	DIV_ROUND_UP((unsigned long)(n), BITS_PER_ULONG)
#define NODEMASK_LONGS		(MPOL_MAX_NUMNODES / BITS_PER_ULONG)

typedef struct {
	unsigned long bits[NODEMASK_LONGS];
} nodemask_t;

static inline void nodes_clear(nodemask_t *m)
{
	memset(m, 0, sizeof(*m));
}

static inline void node_set(int nid, nodemask_t *m)
{
	m->bits[nid / BITS_PER_ULONG] |= 1UL << (nid % BITS_PER_ULONG);
}

static inline void node_clear(int nid, nodemask_t *m)
{
	m->bits[nid / BITS_PER_ULONG] &= ~(1UL << (nid % BITS_PER_ULONG));
}

static inline bool node_isset(int nid, const nodemask_t *m)
{
	return nid >= 0 && nid < MPOL_MAX_NUMNODES &&
	       ((m->bits[nid / BITS_PER_ULONG] >> (nid % BITS_PER_ULONG)) & 1);
}

static inline bool nodes_empty(const nodemask_t *m)
{
	for (int i = 0; i < NODEMASK_LONGS; i++)
		if (m->bits[i])
			return false;
	return true;
}

static inline int nodes_weight(const nodemask_t *m)
{
	int w = 0;

	for (int i = 0; i < NODEMASK_LONGS; i++)
		w += __builtin_popcountl(m->bits[i]);
	return w;
}

static inline bool nodes_equal(const nodemask_t *a, const nodemask_t *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static inline void nodes_and(nodemask_t *dst, const nodemask_t *a, const nodemask_t *b)
{
	for (int i = 0; i < NODEMASK_LONGS; i++)
		dst->bits[i] = a->bits[i] & b->bits[i];
}

static inline bool nodes_subset(const nodemask_t *a, const nodemask_t *b)
{
	for (int i = 0; i < NODEMASK_LONGS; i++)
		if (a->bits[i] & ~b->bits[i])
			return false;
	return true;
}

static inline bool nodes_intersects(const nodemask_t *a, const nodemask_t *b)
{
	for (int i = 0; i < NODEMASK_LONGS; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

/* The first set node at or after nid, or MPOL_MAX_NUMNODES. */
static inline int find_next_node(int nid, const nodemask_t *m)
{
	for (int i = nid / BITS_PER_ULONG; nid < MPOL_MAX_NUMNODES; i++) {
		unsigned long w = m->bits[i] & (~0UL << (nid % BITS_PER_ULONG));

		if (w)
			return i * BITS_PER_ULONG + __builtin_ctzl(w);
		nid = (i + 1) * BITS_PER_ULONG;
	}
	return MPOL_MAX_NUMNODES;
}

static inline int first_node(const nodemask_t *m)
{
	return find_next_node(0, m);
}

static inline int next_node(int nid, const nodemask_t *m)
{
	return find_next_node(nid + 1, m);
}

/* next_node_in: the next set node after nid, wrapping; MPOL_MAX_NUMNODES if empty. */
static inline int next_node_in(int nid, const nodemask_t *m)
{
	int n = next_node(nid, m);

	return n < MPOL_MAX_NUMNODES ? n : first_node(m);
}

#define for_each_node_mask(nid, mask) \
	for ((nid) = first_node(mask); (nid) < MPOL_MAX_NUMNODES; (nid) = next_node(nid, mask))

struct mempolicy {
	int refcnt;
	unsigned short mode;		/* MPOL_*, never MPOL_DEFAULT */
	unsigned short flags;		/* MPOL_MODE_FLAGS and MPOL_F_* internal flags */
	nodemask_t nodes;		/* the nodes it allocates from */
	int home_node;			/* set_mempolicy_home_node, or NUMA_NO_NODE */
	union {
		nodemask_t cpuset_mems_allowed;	/* without STATIC/RELATIVE */
		nodemask_t user_nodemask;	/* with them: the mask as given */
	} w;
};

/* A shmem object's policies by page offset range (struct shared_policy). */
struct shared_policy {
	struct rb_root root;		/* struct sp_node by range, no overlaps */
	spinlock_t lock;		/* LOCK_SHARED_POLICY */
};

struct sp_node {
	struct rb_node nd;
	unsigned long start, end;	/* page offsets [start, end) */
	struct mempolicy *policy;	/* MPOL_F_SHARED */
};

#endif
