/*
 * rbtree.c - intrusive red-black trees with optional augmentation (the
 * interface of Linux's lib/rbtree.c, written from the textbook algorithm:
 * Cormen et al., "Introduction to Algorithms", ch. 13).
 *
 * Representation: the parent pointer and the colour share one word
 * (bit 0 set = black, clear = red); NULL children are the black leaves.
 *
 * Invariants (rb_validate): the root is black; a red node has no red
 * child; every path from a node down to a leaf crosses the same number of
 * black nodes; each child's parent pointer names its parent. Together they
 * bound the height by 2 log2(n + 1).
 *
 * Augmentation: an augmented tree keeps a per-node value that depends on
 * the node and its two subtrees. The structural steps below call the
 * caller's callbacks at points where the tree is a consistent binary
 * search tree (every pointer updated), so a callback may walk the tree
 * (rb_prev, rb_next) while it recomputes:
 *   rotate(old, new)   after each rotation, new being old's new parent;
 *   copy(old, new)     when new takes old's place on erase;
 *   propagate(n, stop) from n up to (not including) stop after a node
 *                      leaves a subtree.
 * Recolouring never changes an augmented value, so it calls nothing.
 *
 * No locking here: the tree's owner serialises access (mmap_lock for the
 * VMA tree, the anon_vma lock for interval trees).
 */
#include "rbtree.h"

#define RB_RED		0UL
#define RB_BLACK	1UL

static inline unsigned long rb_color(const struct rb_node *n)
{
	return n->__rb_parent_color & 1;
}

static inline bool rb_is_red(const struct rb_node *n)
{
	return n && rb_color(n) == RB_RED;
}

static inline bool rb_is_black(const struct rb_node *n)
{
	return !n || rb_color(n) == RB_BLACK;
}

static inline void rb_set_color(struct rb_node *n, unsigned long color)
{
	n->__rb_parent_color = (n->__rb_parent_color & ~1UL) | color;
}

static inline void rb_set_parent(struct rb_node *n, struct rb_node *p)
{
	n->__rb_parent_color = (unsigned long)p | rb_color(n);
}

/* Make parent's link to old point at new (or the root's, with no parent). */
static inline void rb_change_child(struct rb_node *old, struct rb_node *new,
				   struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 *      x                y
 *     / \              / \
 *    a   y     =>     x   c
 *       / \          / \
 *      b   c        a   b
 * Colours stay with their nodes; x's augmented value is fixed by rotate().
 */
static void rb_rotate_left(struct rb_node *x, struct rb_root *root,
			   const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->rb_right;
	struct rb_node *p = rb_parent(x);

	x->rb_right = y->rb_left;
	if (y->rb_left)
		rb_set_parent(y->rb_left, x);
	rb_set_parent(y, p);
	rb_change_child(x, y, p, root);
	y->rb_left = x;
	rb_set_parent(x, y);
	if (aug)
		aug->rotate(x, y);
}

/* The mirror image of rb_rotate_left. */
static void rb_rotate_right(struct rb_node *x, struct rb_root *root,
			    const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->rb_left;
	struct rb_node *p = rb_parent(x);

	x->rb_left = y->rb_right;
	if (y->rb_right)
		rb_set_parent(y->rb_right, x);
	rb_set_parent(y, p);
	rb_change_child(x, y, p, root);
	y->rb_right = x;
	rb_set_parent(x, y);
	if (aug)
		aug->rotate(x, y);
}

/*
 * Insertion fix-up: node is red; while its parent is red too, either
 * recolour (red uncle: push the red up two levels) or rotate once or twice
 * (black uncle: the fix ends there).
 */
static void __rb_insert(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	struct rb_node *parent, *gparent, *uncle;

	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		gparent = rb_parent(parent);	/* exists: the root is black */
		if (parent == gparent->rb_left) {
			uncle = gparent->rb_right;
			if (rb_is_red(uncle)) {
				rb_set_color(parent, RB_BLACK);
				rb_set_color(uncle, RB_BLACK);
				rb_set_color(gparent, RB_RED);
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				rb_rotate_left(parent, root, aug);
				node = parent;
				parent = rb_parent(node);
			}
			rb_set_color(parent, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			rb_rotate_right(gparent, root, aug);
		} else {
			uncle = gparent->rb_left;
			if (rb_is_red(uncle)) {
				rb_set_color(parent, RB_BLACK);
				rb_set_color(uncle, RB_BLACK);
				rb_set_color(gparent, RB_RED);
				node = gparent;
				continue;
			}
			if (node == parent->rb_left) {
				rb_rotate_right(parent, root, aug);
				node = parent;
				parent = rb_parent(node);
			}
			rb_set_color(parent, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			rb_rotate_left(gparent, root, aug);
		}
	}
	rb_set_color(root->rb_node, RB_BLACK);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	__rb_insert(node, root, NULL);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment)
{
	__rb_insert(node, root, augment);
}

/*
 * Erase fix-up: the subtree at x (possibly an empty leaf under parent) is
 * one black short. Borrow from the sibling's side by recolouring and at
 * most three rotations, or move the deficit up when the sibling and its
 * children are all black.
 */
static void __rb_erase_color(struct rb_node *x, struct rb_node *parent,
			     struct rb_root *root,
			     const struct rb_augment_callbacks *aug)
{
	struct rb_node *w;

	while (x != root->rb_node && rb_is_black(x)) {
		if (x == parent->rb_left) {
			w = parent->rb_right;
			if (rb_is_red(w)) {
				rb_set_color(w, RB_BLACK);
				rb_set_color(parent, RB_RED);
				rb_rotate_left(parent, root, aug);
				w = parent->rb_right;
			}
			if (rb_is_black(w->rb_left) && rb_is_black(w->rb_right)) {
				rb_set_color(w, RB_RED);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (rb_is_black(w->rb_right)) {
				rb_set_color(w->rb_left, RB_BLACK);
				rb_set_color(w, RB_RED);
				rb_rotate_right(w, root, aug);
				w = parent->rb_right;
			}
			rb_set_color(w, rb_color(parent));
			rb_set_color(parent, RB_BLACK);
			rb_set_color(w->rb_right, RB_BLACK);
			rb_rotate_left(parent, root, aug);
		} else {
			w = parent->rb_left;
			if (rb_is_red(w)) {
				rb_set_color(w, RB_BLACK);
				rb_set_color(parent, RB_RED);
				rb_rotate_right(parent, root, aug);
				w = parent->rb_left;
			}
			if (rb_is_black(w->rb_left) && rb_is_black(w->rb_right)) {
				rb_set_color(w, RB_RED);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (rb_is_black(w->rb_left)) {
				rb_set_color(w->rb_right, RB_BLACK);
				rb_set_color(w, RB_RED);
				rb_rotate_left(w, root, aug);
				w = parent->rb_left;
			}
			rb_set_color(w, rb_color(parent));
			rb_set_color(parent, RB_BLACK);
			rb_set_color(w->rb_left, RB_BLACK);
			rb_rotate_right(parent, root, aug);
		}
		x = root->rb_node;
		break;
	}
	if (x)
		rb_set_color(x, RB_BLACK);
}

/*
 * Unlink node. With at most one child, the child takes its place; with
 * two, its in-order successor does (taking node's colour), and the hole
 * moves to the successor's old position. If a black node left the tree,
 * the path through the hole is one black short: fix it.
 */
static void __rb_erase(struct rb_node *node, struct rb_root *root,
		       const struct rb_augment_callbacks *aug)
{
	struct rb_node *child, *parent, *succ;
	unsigned long removed_color;

	if (!node->rb_left || !node->rb_right) {
		child = node->rb_left ? node->rb_left : node->rb_right;
		parent = rb_parent(node);
		removed_color = rb_color(node);
		rb_change_child(node, child, parent, root);
		if (child)
			rb_set_parent(child, parent);
		if (aug && parent)
			aug->propagate(parent, NULL);
	} else {
		succ = node->rb_right;
		while (succ->rb_left)
			succ = succ->rb_left;
		removed_color = rb_color(succ);
		child = succ->rb_right;
		if (succ == node->rb_right) {
			parent = succ;
		} else {
			parent = rb_parent(succ);
			parent->rb_left = child;
			if (child)
				rb_set_parent(child, parent);
			succ->rb_right = node->rb_right;
			rb_set_parent(succ->rb_right, succ);
		}
		succ->rb_left = node->rb_left;
		rb_set_parent(succ->rb_left, succ);
		rb_change_child(node, succ, rb_parent(node), root);
		succ->__rb_parent_color = node->__rb_parent_color;
		if (aug) {
			aug->copy(node, succ);
			if (parent != succ)
				aug->propagate(parent, succ);
			aug->propagate(succ, NULL);
		}
	}

	if (removed_color == RB_BLACK) {
		if (rb_is_red(child))
			rb_set_color(child, RB_BLACK);
		else
			__rb_erase_color(child, parent, root, aug);
	}
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	__rb_erase(node, root, NULL);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment)
{
	__rb_erase(node, root, augment);
}

void rb_replace_node(struct rb_node *old, struct rb_node *new, struct rb_root *root)
{
	struct rb_node *parent = rb_parent(old);

	*new = *old;
	if (old->rb_left)
		rb_set_parent(old->rb_left, new);
	if (old->rb_right)
		rb_set_parent(old->rb_right, new);
	rb_change_child(old, new, parent, root);
}

/* Traversal. */

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	/* Up while we come from the right: the first left turn is next. */
	while ((parent = rb_parent(node)) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->rb_left)
		node = parent;
	return parent;
}

/* Debug: the black height of the subtree at n, or -1 if it breaks a rule. */
static int rb_validate_subtree(const struct rb_node *n, const struct rb_node *parent)
{
	int lh, rh;

	if (!n)
		return 1;
	if (rb_parent(n) != parent)
		return -1;
	if (rb_is_red(n) && (rb_is_red(n->rb_left) || rb_is_red(n->rb_right)))
		return -1;
	lh = rb_validate_subtree(n->rb_left, n);
	rh = rb_validate_subtree(n->rb_right, n);
	if (lh < 0 || rh < 0 || lh != rh)
		return -1;
	return lh + (rb_is_black(n) ? 1 : 0);
}

int rb_validate(const struct rb_root *root)
{
	if (root->rb_node && !rb_is_black(root->rb_node))
		return -1;
	return rb_validate_subtree(root->rb_node, NULL);
}

/* Post-order traversal: the deepest leftmost node first. */
static struct rb_node *rb_left_deepest(const struct rb_node *node)
{
	for (;;) {
		if (node->rb_left)
			node = node->rb_left;
		else if (node->rb_right)
			node = node->rb_right;
		else
			return (struct rb_node *)node;
	}
}

struct rb_node *rb_first_postorder(const struct rb_root *root)
{
	return root->rb_node ? rb_left_deepest(root->rb_node) : NULL;
}

struct rb_node *rb_next_postorder(const struct rb_node *node)
{
	const struct rb_node *parent;

	if (!node)
		return NULL;
	parent = rb_parent(node);
	/* From a left child, the right subtree comes next, then the parent. */
	if (parent && node == parent->rb_left && parent->rb_right)
		return rb_left_deepest(parent->rb_right);
	return (struct rb_node *)parent;
}
