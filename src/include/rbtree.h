/*
 * rbtree.h - intrusive red-black trees with optional augmentation, the
 * interface of Linux's lib/rbtree.c (implemented in src/lib/rbtree.c).
 *
 * The caller embeds struct rb_node, finds the insertion point itself, links
 * the node with rb_link_node() and then calls rb_insert_color() (or the
 * augmented variant). Augmented trees keep a per-node value computed from
 * the node and its children (the VMA tree's largest gap, the interval
 * tree's largest end); the callbacks recompute it along rotations.
 *
 * Invariants (checked by rb_validate in debug builds): the root is black, no
 * red node has a red child, every path from a node to its leaves has the
 * same number of black nodes, in-order traversal is the caller's order.
 */
#ifndef MMSIM_RBTREE_H
#define MMSIM_RBTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"

struct rb_node {
	unsigned long __rb_parent_color;	/* parent pointer | colour (bit 0: black) */
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT (struct rb_root){ NULL }
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define RB_EMPTY_ROOT(root) ((root)->rb_node == NULL)

static inline struct rb_node *rb_parent(const struct rb_node *n)
{
	return (struct rb_node *)(n->__rb_parent_color & ~3UL);
}

/* A node not in any tree points to itself (RB_CLEAR_NODE). */
#define RB_EMPTY_NODE(node) ((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node) ((node)->__rb_parent_color = (unsigned long)(node))

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (unsigned long)parent;
	node->rb_left = node->rb_right = NULL;
	*rb_link = node;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);
/*
 * Post-order: children before their parent, so a whole tree can be freed
 * node by node without rebalancing (the root is visited last).
 */
struct rb_node *rb_first_postorder(const struct rb_root *root);
struct rb_node *rb_next_postorder(const struct rb_node *node);
/* Put new in old's place without rebalancing (same key). */
void rb_replace_node(struct rb_node *old, struct rb_node *new, struct rb_root *root);

/*
 * Augmentation. propagate(node, stop) recomputes the value from node up to
 * (not including) stop; copy(old, new) copies the value when new takes
 * old's place; rotate(old, new) fixes both after a rotation (new becomes
 * old's parent).
 */
struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new);
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

/* Call after rb_link_node() and after propagating the value up from node. */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment);

/* Debug: the red-black invariants; returns the black height or -1. */
int rb_validate(const struct rb_root *root);

#endif
