/*
 * interval_tree_generic.h - typed interval trees on the augmented rbtree
 * (the idea of Linux's include/linux/interval_tree_generic.h).
 *
 * INTERVAL_TREE_DEFINE(T, RB, LASTF, START, LAST, SCOPE, PREFIX) defines, for
 * a struct T with a struct rb_node RB and an unsigned long LASTF, the
 * functions PREFIX_insert, PREFIX_remove, PREFIX_iter_first and
 * PREFIX_iter_next over closed intervals [START(node), LAST(node)].
 * Nodes are ordered by START; LASTF holds the largest LAST of the node's
 * subtree, so a query skips every subtree that ends before it starts.
 *
 * Invariant: a node's key (START, LAST) must not change while it is in a
 * tree; whoever changes it removes the node first and inserts it after.
 */
#ifndef MMSIM_INTERVAL_TREE_GENERIC_H
#define MMSIM_INTERVAL_TREE_GENERIC_H

#include "rbtree.h"

#define INTERVAL_TREE_DEFINE(T, RB, LASTF, START, LAST, SCOPE, PREFIX)		\
static inline T *PREFIX##_entry(struct rb_node *rb)				\
{										\
	return rb ? rb_entry(rb, T, RB) : NULL;					\
}										\
										\
/* The largest LAST in node's subtree, from its own and its children's. */	\
static unsigned long PREFIX##_compute_last(T *node)				\
{										\
	unsigned long last = LAST(node);					\
	T *child = PREFIX##_entry(node->RB.rb_left);				\
										\
	if (child && child->LASTF > last)					\
		last = child->LASTF;						\
	child = PREFIX##_entry(node->RB.rb_right);				\
	if (child && child->LASTF > last)					\
		last = child->LASTF;						\
	return last;								\
}										\
										\
static void PREFIX##_propagate(struct rb_node *rb, struct rb_node *stop)	\
{										\
	while (rb != stop) {							\
		T *node = PREFIX##_entry(rb);					\
		unsigned long last = PREFIX##_compute_last(node);		\
										\
		if (node->LASTF == last)					\
			break;	/* the ancestors already agree */		\
		node->LASTF = last;						\
		rb = rb_parent(rb);						\
	}									\
}										\
										\
static void PREFIX##_copy(struct rb_node *old, struct rb_node *new)		\
{										\
	PREFIX##_entry(new)->LASTF = PREFIX##_entry(old)->LASTF;		\
}										\
										\
/* new takes old's place at the top of the same subtree */			\
static void PREFIX##_rotate(struct rb_node *old, struct rb_node *new)		\
{										\
	PREFIX##_entry(new)->LASTF = PREFIX##_entry(old)->LASTF;		\
	PREFIX##_entry(old)->LASTF = PREFIX##_compute_last(PREFIX##_entry(old)); \
}										\
										\
static const struct rb_augment_callbacks PREFIX##_augment = {			\
	.propagate = PREFIX##_propagate,					\
	.copy = PREFIX##_copy,							\
	.rotate = PREFIX##_rotate,						\
};										\
										\
SCOPE void PREFIX##_insert(T *node, struct rb_root *root)			\
{										\
	unsigned long start = START(node), last = LAST(node);			\
	struct rb_node **link = &root->rb_node, *parent = NULL;			\
										\
	while (*link) {								\
		T *up = PREFIX##_entry(*link);					\
										\
		parent = *link;							\
		/* everything below gains node: raise the maxima on the way */	\
		if (up->LASTF < last)						\
			up->LASTF = last;					\
		link = start < START(up) ? &parent->rb_left : &parent->rb_right; \
	}									\
	node->LASTF = last;							\
	rb_link_node(&node->RB, parent, link);					\
	rb_insert_augmented(&node->RB, root, &PREFIX##_augment);		\
}										\
										\
SCOPE void PREFIX##_remove(T *node, struct rb_root *root)			\
{										\
	rb_erase_augmented(&node->RB, root, &PREFIX##_augment);			\
	RB_CLEAR_NODE(&node->RB);						\
}										\
										\
/* The leftmost node of the subtree meeting [first, last], given that the	\
 * subtree holds some node ending at or after first. */			\
static T *PREFIX##_subtree_search(T *node, unsigned long first,		\
				  unsigned long last)				\
{										\
	for (;;) {								\
		T *left = PREFIX##_entry(node->RB.rb_left);			\
										\
		if (left && left->LASTF >= first) {				\
			node = left;	/* the answer is there or nowhere */	\
			continue;						\
		}								\
		if (START(node) > last)						\
			return NULL;	/* this and all right of it too late */	\
		if (LAST(node) >= first)					\
			return node;						\
		node = PREFIX##_entry(node->RB.rb_right);			\
		if (!node || node->LASTF < first)				\
			return NULL;						\
	}									\
}										\
										\
SCOPE T *PREFIX##_iter_first(struct rb_root *root, unsigned long first,	\
			     unsigned long last)				\
{										\
	T *top = PREFIX##_entry(root->rb_node);					\
										\
	if (!top || top->LASTF < first)						\
		return NULL;							\
	return PREFIX##_subtree_search(top, first, last);			\
}										\
										\
SCOPE T *PREFIX##_iter_next(T *node, unsigned long first, unsigned long last)	\
{										\
	struct rb_node *rb = node->RB.rb_right;					\
										\
	for (;;) {								\
		T *right = PREFIX##_entry(rb);					\
		struct rb_node *from;						\
										\
		if (right && right->LASTF >= first)				\
			return PREFIX##_subtree_search(right, first, last);	\
		/* climb until we come from a left child: that parent is next */ \
		do {								\
			from = &node->RB;					\
			rb = rb_parent(from);					\
			if (!rb)						\
				return NULL;					\
			node = PREFIX##_entry(rb);				\
			rb = node->RB.rb_right;					\
		} while (rb == from);						\
		if (START(node) > last)						\
			return NULL;						\
		if (LAST(node) >= first)					\
			return node;						\
	}									\
}

#endif
