/*
 * xarray.h - the index of a file's pages (Linux's lib/xarray.c, in the
 * shape of the radix tree it grew from): a tree of 64-slot nodes from the
 * "radix_tree_node" slab cache, tall enough for the largest index stored.
 *
 * An entry is a pointer (a struct page *, 8-byte aligned) or a value
 * entry (xa_mk_value: an integer with the low bit set), which is how swap
 * entries of shmem pages and workingset shadows sit in a page cache.
 * NULL is "absent": storing NULL erases.
 *
 * The head holds the root node with the tree's height (1..7 levels, 6 bits
 * of index each) in its low bits. Callers hold the owner's i_pages lock;
 * the array itself takes none.
 *
 * Invariants: a node's count is its non-NULL slots and nr_values its value
 * entries; no node is empty once a call returns; the root is not a node
 * whose only entry is slot 0 of a taller tree than needed (erase shrinks).
 */
#ifndef MMSIM_XARRAY_H
#define MMSIM_XARRAY_H

#include <stdbool.h>

struct machine;

#define XA_CHUNK_SHIFT		6
#define XA_CHUNK_SIZE		(1UL << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK		(XA_CHUNK_SIZE - 1)
#define XA_MAX_HEIGHT		7	/* 42 bits of index */

struct xa_node {
	unsigned char count;		/* non-NULL slots */
	unsigned char nr_values;	/* value entries among them (leaves only) */
	unsigned char pad[6];
	void *slots[XA_CHUNK_SIZE];
};

struct xarray {
	void *xa_head;			/* root node | height, or NULL */
	unsigned long nr_nodes;		/* nodes allocated for this array */
};

static inline void *xa_mk_value(unsigned long v)
{
	return (void *)((v << 1) | 1);
}

static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

static inline bool xa_empty(const struct xarray *xa)
{
	return !xa->xa_head;
}

/* Boot: the "radix_tree_node" cache (radix_tree_init). 0 or -ENOMEM. */
int radix_tree_init(struct machine *m);

/* The entry at index, or NULL. */
void *xa_load(const struct xarray *xa, unsigned long index);
/*
 * Store entry (not NULL) at index, replacing what was there; the old entry
 * through *old if old is given. 0, -ENOMEM, or -EFBIG (index beyond 42 bits).
 */
int xa_store(struct machine *m, struct xarray *xa, unsigned long index, void *entry, void **old);
/* Remove the entry at index; returns it (NULL if none). Frees emptied nodes. */
void *xa_erase(struct machine *m, struct xarray *xa, unsigned long index);
/*
 * The first entry at an index in [*index, max]; *index is set to its index.
 * NULL if none (then *index is unspecified).
 */
void *xa_find(const struct xarray *xa, unsigned long *index, unsigned long max);
/* Free every node; entries are the caller's (drop them first). */
void xa_destroy(struct machine *m, struct xarray *xa);

/*
 * Visit every entry at an index in [start, last], in index order. Each
 * step searches from the root again, so the body may erase or store.
 */
#define xa_for_each_range(xa, index, entry, start, last)			\
	for (bool __xa_more = ((index) = (start), true);			\
	     __xa_more && ((entry) = xa_find((xa), &(index), (last))) != NULL;	\
	     __xa_more = (index) < (last), (index)++)

#endif
