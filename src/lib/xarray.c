/*
 * xarray.c - the page index of files and the swap cache (lib/xarray.c in
 * the radix-tree shape; see xarray.h for the layout).
 *
 * Nodes come from the "radix_tree_node" slab cache (576 bytes, as Linux's
 * xa_node), so slabinfo shows what a page cache costs. The tree grows at
 * the top when an index needs more height, and erase frees nodes left
 * empty and shrinks the tree while the root holds only its slot 0.
 *
 * Invariants: see xarray.h. A failed store leaves at most empty interior
 * nodes on the path, which the next erase below them or xa_destroy frees;
 * lookups treat them as absent.
 */
#include <errno.h>
#include <string.h>

#include "bug.h"
#include "machine.h"
#include "slab.h"
#include "xarray.h"

#define XA_HEIGHT_MASK	7UL	/* the low bits of xa_head: nodes are 8-aligned */

_Static_assert(sizeof(struct xa_node) <= 576, "xa_node is Linux's 576 bytes at most");

int radix_tree_init(struct machine *m)
{
	if (!m->radix_tree_node_cachep)
		m->radix_tree_node_cachep = kmem_cache_create(m, "radix_tree_node", 576, 0,
							      SLAB_RECLAIM_ACCOUNT, NULL);
	return m->radix_tree_node_cachep ? 0 : -ENOMEM;
}

static inline struct xa_node *xa_root(const struct xarray *xa)
{
	return (struct xa_node *)((unsigned long)xa->xa_head & ~XA_HEIGHT_MASK);
}

static inline unsigned int xa_height(const struct xarray *xa)
{
	return (unsigned int)((unsigned long)xa->xa_head & XA_HEIGHT_MASK);
}

static inline void xa_set_root(struct xarray *xa, struct xa_node *node, unsigned int height)
{
	VM_BUG_ON((unsigned long)node & XA_HEIGHT_MASK);
	xa->xa_head = node ? (void *)((unsigned long)node | height) : NULL;
}

/* The largest index a tree of this height holds. */
static inline unsigned long xa_max_index(unsigned int height)
{
	return height >= XA_MAX_HEIGHT ? (1UL << (XA_CHUNK_SHIFT * XA_MAX_HEIGHT)) - 1
				       : (1UL << (XA_CHUNK_SHIFT * height)) - 1;
}

static inline unsigned int xa_offset(unsigned long index, unsigned int level)
{
	return (unsigned int)((index >> (XA_CHUNK_SHIFT * level)) & XA_CHUNK_MASK);
}

static struct xa_node *xa_node_alloc(struct machine *m, struct xarray *xa)
{
	struct xa_node *node;

	if (radix_tree_init(m))
		return NULL;
	node = kmem_cache_alloc(m, m->radix_tree_node_cachep, GFP_KERNEL);
	if (node) {
		memset(node, 0, sizeof(*node));
		xa->nr_nodes++;
	}
	return node;
}

static void xa_node_free(struct machine *m, struct xarray *xa, struct xa_node *node)
{
	xa->nr_nodes--;
	kmem_cache_free(m, m->radix_tree_node_cachep, node);
}

void *xa_load(const struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa_root(xa);
	unsigned int h = xa_height(xa);

	if (!node || index > xa_max_index(h))
		return NULL;
	while (--h) {
		node = node->slots[xa_offset(index, h)];
		if (!node)
			return NULL;
	}
	return node->slots[index & XA_CHUNK_MASK];
}

/* Make the tree tall enough for index. */
static int xa_grow(struct machine *m, struct xarray *xa, unsigned long index)
{
	unsigned int h = xa_height(xa), need = 1;

	while (need < XA_MAX_HEIGHT && index > xa_max_index(need))
		need++;
	if (index > xa_max_index(need))
		return -EFBIG;
	if (!xa_root(xa)) {
		struct xa_node *node = xa_node_alloc(m, xa);

		if (!node)
			return -ENOMEM;
		xa_set_root(xa, node, need);
		return 0;
	}
	for (; h < need; h++) {
		struct xa_node *node = xa_node_alloc(m, xa);

		if (!node)
			return -ENOMEM;
		node->slots[0] = xa_root(xa);
		node->count = 1;
		xa_set_root(xa, node, h + 1);
	}
	return 0;
}

int xa_store(struct machine *m, struct xarray *xa, unsigned long index, void *entry, void **old)
{
	struct xa_node *node;
	void **slot;
	unsigned int h;
	int ret;

	BUG_ON(!entry);
	ret = xa_grow(m, xa, index);
	if (ret)
		return ret;
	node = xa_root(xa);
	for (h = xa_height(xa); --h;) {
		slot = &node->slots[xa_offset(index, h)];
		if (!*slot) {
			*slot = xa_node_alloc(m, xa);
			if (!*slot)
				return -ENOMEM;
			node->count++;
		}
		node = *slot;
	}
	slot = &node->slots[index & XA_CHUNK_MASK];
	if (old)
		*old = *slot;
	if (!*slot)
		node->count++;
	else if (xa_is_value(*slot))
		node->nr_values--;
	if (xa_is_value(entry))
		node->nr_values++;
	*slot = entry;
	return 0;
}

/* While the root holds only slot 0, its child can be the root. */
static void xa_shrink(struct machine *m, struct xarray *xa)
{
	unsigned int h = xa_height(xa);
	struct xa_node *root = xa_root(xa);

	while (h > 1 && root->count == 1 && root->slots[0]) {
		struct xa_node *child = root->slots[0];

		xa_node_free(m, xa, root);
		root = child;
		xa_set_root(xa, root, --h);
	}
}

void *xa_erase(struct machine *m, struct xarray *xa, unsigned long index)
{
	struct xa_node *path[XA_MAX_HEIGHT];
	struct xa_node *node = xa_root(xa);
	unsigned int h = xa_height(xa), level;
	void *entry;

	if (!node || index > xa_max_index(h))
		return NULL;
	path[h - 1] = node;
	for (level = h - 1; level; level--) {
		node = node->slots[xa_offset(index, level)];
		if (!node)
			return NULL;
		path[level - 1] = node;
	}
	entry = node->slots[index & XA_CHUNK_MASK];
	if (!entry)
		return NULL;
	node->slots[index & XA_CHUNK_MASK] = NULL;
	node->count--;
	if (xa_is_value(entry))
		node->nr_values--;
	/* free emptied nodes bottom-up */
	for (level = 0; level < h && !path[level]->count; level++) {
		xa_node_free(m, xa, path[level]);
		if (level + 1 == h) {
			xa_set_root(xa, NULL, 0);
			return entry;
		}
		path[level + 1]->slots[xa_offset(index, level + 1)] = NULL;
		path[level + 1]->count--;
	}
	xa_shrink(m, xa);
	return entry;
}

/* First entry at index >= *index under node (covering base..), <= max. */
static void *xa_find_node(struct xa_node *node, unsigned int level, unsigned long base,
			  unsigned long *index, unsigned long max)
{
	unsigned long span = 1UL << (XA_CHUNK_SHIFT * level);
	unsigned int i = *index > base ? (unsigned int)((*index - base) / span) : 0;

	for (; i < XA_CHUNK_SIZE; i++) {
		unsigned long first = base + i * span;
		void *entry = node->slots[i];

		if (first > max)
			return NULL;
		if (!entry)
			continue;
		if (!level) {
			*index = first;
			return entry;
		}
		if (first > *index)
			*index = first;
		entry = xa_find_node(entry, level - 1, first, index, max);
		if (entry)
			return entry;
	}
	return NULL;
}

void *xa_find(const struct xarray *xa, unsigned long *index, unsigned long max)
{
	struct xa_node *root = xa_root(xa);
	unsigned int h = xa_height(xa);

	if (!root || *index > max || *index > xa_max_index(h))
		return NULL;
	return xa_find_node(root, h - 1, 0, index, max);
}

static void xa_destroy_node(struct machine *m, struct xarray *xa, struct xa_node *node,
			    unsigned int level)
{
	if (level)
		for (unsigned int i = 0; i < XA_CHUNK_SIZE; i++)
			if (node->slots[i])
				xa_destroy_node(m, xa, node->slots[i], level - 1);
	xa_node_free(m, xa, node);
}

void xa_destroy(struct machine *m, struct xarray *xa)
{
	struct xa_node *root = xa_root(xa);

	if (root)
		xa_destroy_node(m, xa, root, xa_height(xa) - 1);
	xa_set_root(xa, NULL, 0);
	VM_BUG_ON(xa->nr_nodes);
}
