/*
 * test_rbtree.c - lib/rbtree.c: random inserts and erases checked after
 * every step against the red-black rules (rb_validate), the in-order key
 * order, an independent count, and an augmented "largest value in the
 * subtree" kept with Linux-style callbacks (propagate stops early when a
 * value is unchanged, so a callback called at the wrong point shows up);
 * traversal (first/last/next/prev, post-order), replace, and the
 * validator catching broken trees.
 *
 * Nodes are host objects: the tree is a pure data structure.
 */
#include <stdlib.h>

#include "harness.h"
#include "rbtree.h"

struct item {
	struct rb_node rb;
	unsigned long key;
	unsigned long val;
	unsigned long subtree_max;	/* max val in this subtree */
	bool in_tree;
};

#define rb_item(n) ((n) ? rb_entry(n, struct item, rb) : NULL)

static unsigned long item_compute(struct item *it)
{
	unsigned long m = it->val;
	struct item *l = rb_item(it->rb.rb_left), *r = rb_item(it->rb.rb_right);

	if (l && l->subtree_max > m)
		m = l->subtree_max;
	if (r && r->subtree_max > m)
		m = r->subtree_max;
	return m;
}

static void aug_propagate(struct rb_node *rb, struct rb_node *stop)
{
	while (rb != stop) {
		struct item *it = rb_item(rb);
		unsigned long m = item_compute(it);

		if (it->subtree_max == m)
			break;
		it->subtree_max = m;
		rb = rb_parent(rb);
	}
}

static void aug_copy(struct rb_node *old, struct rb_node *new)
{
	rb_item(new)->subtree_max = rb_item(old)->subtree_max;
}

static void aug_rotate(struct rb_node *old, struct rb_node *new)
{
	rb_item(new)->subtree_max = rb_item(old)->subtree_max;
	rb_item(old)->subtree_max = item_compute(rb_item(old));
}

static const struct rb_augment_callbacks aug = { aug_propagate, aug_copy, aug_rotate };

static void insert(struct rb_root *root, struct item *it, bool augmented)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		struct item *p = rb_item(*link);

		parent = *link;
		if (augmented && p->subtree_max < it->val)
			p->subtree_max = it->val;
		link = it->key < p->key ? &parent->rb_left : &parent->rb_right;
	}
	it->subtree_max = it->val;
	rb_link_node(&it->rb, parent, link);
	if (augmented)
		rb_insert_augmented(&it->rb, root, &aug);
	else
		rb_insert_color(&it->rb, root);
	it->in_tree = true;
}

static void erase(struct rb_root *root, struct item *it, bool augmented)
{
	if (augmented)
		rb_erase_augmented(&it->rb, root, &aug);
	else
		rb_erase(&it->rb, root);
	RB_CLEAR_NODE(&it->rb);
	it->in_tree = false;
}

/* The true subtree maximum, and a check of every stored one below n. */
static unsigned long check_max(struct rb_node *n, int *bad)
{
	struct item *it = rb_item(n);
	unsigned long m;

	if (!n)
		return 0;
	m = it->val;
	m = max(m, check_max(n->rb_left, bad));
	m = max(m, check_max(n->rb_right, bad));
	if (it->subtree_max != m)
		(*bad)++;
	return m;
}

static void check_tree(struct rb_root *root, int expect_count, bool augmented)
{
	struct rb_node *n, *prev = NULL;
	int count = 0, bad = 0;

	assert_true(rb_validate(root) > 0);
	for (n = rb_first(root); n; n = rb_next(n)) {
		if (prev) {
			assert_true(rb_item(prev)->key <= rb_item(n)->key);
			assert_ptr_equal(rb_prev(n), prev);
		}
		prev = n;
		count++;
	}
	assert_ptr_equal(prev, rb_last(root));
	assert_int_equal(count, expect_count);
	if (augmented) {
		check_max(root->rb_node, &bad);
		assert_int_equal(bad, 0);
	}
}

static void random_ops(bool augmented, unsigned int seed)
{
	enum { N = 600, OPS = 6000 };
	struct item *items = calloc(N, sizeof(*items));
	struct rb_root root = RB_ROOT;
	int count = 0;

	srand(seed);
	for (int i = 0; i < N; i++) {
		items[i].key = (unsigned long)(rand() % 1000);	/* duplicates too */
		items[i].val = (unsigned long)rand();
		RB_CLEAR_NODE(&items[i].rb);
	}
	for (int op = 0; op < OPS; op++) {
		struct item *it = &items[rand() % N];

		if (it->in_tree) {
			erase(&root, it, augmented);
			count--;
		} else {
			insert(&root, it, augmented);
			count++;
		}
		check_tree(&root, count, augmented);
	}
	/* Drain in key order, then in reverse insertion order would be the same test. */
	while (root.rb_node) {
		erase(&root, rb_item(rb_first(&root)), augmented);
		check_tree(&root, --count, augmented);
	}
	assert_int_equal(count, 0);
	free(items);
}

static void test_random_plain(void **state)
{
	(void)state;
	random_ops(false, 1);
	random_ops(false, 2);
}

static void test_random_augmented(void **state)
{
	(void)state;
	random_ops(true, 3);
	random_ops(true, 4);
}

/* Sorted inserts are the worst case for an unbalanced tree: the height stays logarithmic. */
static void test_sequential_height(void **state)
{
	enum { N = 4096 };
	struct item *items = calloc(N, sizeof(*items));
	struct rb_root root = RB_ROOT;
	int bh;

	(void)state;
	for (int i = 0; i < N; i++) {
		items[i].key = (unsigned long)i;
		insert(&root, &items[i], false);
	}
	bh = rb_validate(&root);
	/* black height (leaves counted) <= log2(n + 1) + 1 */
	assert_true(bh > 0 && bh <= 13);
	check_tree(&root, N, false);
	for (int i = 0; i < N; i += 2)
		erase(&root, &items[i], false);
	check_tree(&root, N / 2, false);
	free(items);
}

static void test_postorder(void **state)
{
	enum { N = 300 };
	struct item *items = calloc(N, sizeof(*items));
	struct rb_root root = RB_ROOT;
	int seen = 0;

	(void)state;
	assert_null(rb_first_postorder(&root));
	for (int i = 0; i < N; i++) {
		items[i].key = (unsigned long)((i * 7919) % N);
		insert(&root, &items[i], false);
	}
	for (struct rb_node *n = rb_first_postorder(&root); n; n = rb_next_postorder(n)) {
		struct item *it = rb_item(n);

		/* Children first: both already seen (marked by val). */
		if (n->rb_left)
			assert_int_equal(rb_item(n->rb_left)->val, 1);
		if (n->rb_right)
			assert_int_equal(rb_item(n->rb_right)->val, 1);
		assert_int_equal(it->val, 0);
		it->val = 1;
		seen++;
		if (!rb_parent(n))
			assert_ptr_equal(n, root.rb_node);
	}
	assert_int_equal(seen, N);
	free(items);
}

static void test_replace_and_empty(void **state)
{
	struct item a = { .key = 1 }, b = { .key = 2 }, c = { .key = 3 }, b2 = { .key = 2 };
	struct rb_root root = RB_ROOT;

	(void)state;
	assert_null(rb_first(&root));
	assert_null(rb_last(&root));
	assert_int_equal(rb_validate(&root), 1);
	RB_CLEAR_NODE(&b2.rb);
	assert_true(RB_EMPTY_NODE(&b2.rb));
	assert_null(rb_next(&b2.rb));
	insert(&root, &b, false);
	insert(&root, &a, false);
	insert(&root, &c, false);
	rb_replace_node(&b.rb, &b2.rb, &root);
	assert_ptr_equal(root.rb_node, &b2.rb);
	assert_ptr_equal(rb_next(&a.rb), &b2.rb);
	assert_ptr_equal(rb_next(&b2.rb), &c.rb);
	assert_ptr_equal(rb_parent(&a.rb), &b2.rb);
	check_tree(&root, 3, false);
}

/* rb_validate must catch a red root, a red-red edge, unequal black heights. */
static void test_validate_catches(void **state)
{
	struct item a = { .key = 1 }, b = { .key = 2 }, c = { .key = 3 }, d = { .key = 0 };
	struct rb_root root = RB_ROOT;

	(void)state;
	insert(&root, &b, false);
	insert(&root, &a, false);
	insert(&root, &c, false);
	assert_true(rb_validate(&root) > 0);
	/* red root */
	b.rb.__rb_parent_color &= ~1UL;
	assert_int_equal(rb_validate(&root), -1);
	b.rb.__rb_parent_color |= 1UL;
	/* black left child, red right: heights differ */
	a.rb.__rb_parent_color |= 1UL;
	assert_int_equal(rb_validate(&root), -1);
	a.rb.__rb_parent_color &= ~1UL;
	/* a red child under a red node (heights still equal) */
	rb_link_node(&d.rb, &a.rb, &a.rb.rb_left);
	assert_int_equal(rb_validate(&root), -1);
	a.rb.rb_left = NULL;
	assert_true(rb_validate(&root) > 0);
	/* wrong parent pointer */
	c.rb.__rb_parent_color = (unsigned long)&a.rb | (c.rb.__rb_parent_color & 1);
	assert_int_equal(rb_validate(&root), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_plain),
		cmocka_unit_test(test_random_augmented),
		cmocka_unit_test(test_sequential_height),
		cmocka_unit_test(test_postorder),
		cmocka_unit_test(test_replace_and_empty),
		cmocka_unit_test(test_validate_catches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
