/*
 * list_lru.c - per-node LRU lists of kernel objects (mm/list_lru.c without
 * memcg): see list_lru.h for the walk's protocol.
 *
 * An object's node is the node of the page holding it, so the lists
 * follow where the memory is. Invariant: node[nid].lru.nr_items equals the
 * length of node[nid].lru.list; items are only moved under the node's lock.
 */
#include <errno.h>

#include "mm.h"
#include "list_lru.h"

int list_lru_init(struct machine *m, struct list_lru *lru)
{
	int nid;

	lru->machine = m;
	lru->node = kzalloc(m, sizeof(*lru->node) * (size_t)m->nr_nodes, GFP_KERNEL);
	if (!lru->node)
		return -ENOMEM;
	for_each_online_node(m, nid) {
		spin_lock_init(&lru->node[nid].lock, LOCK_LIST_LRU);
		INIT_LIST_HEAD(&lru->node[nid].lru.list);
	}
	return 0;
}

void list_lru_destroy(struct list_lru *lru)
{
	if (lru->node)
		kfree(lru->machine, lru->node);
	lru->node = NULL;
}

static int item_nid(struct list_lru *lru, struct list_head *item)
{
	return page_to_nid(virt_to_page(lru->machine, item));
}

/* An item off every list points at itself (list_del_init). */
bool list_lru_add_obj(struct list_lru *lru, struct list_head *item)
{
	struct list_lru_node *nlru = &lru->node[item_nid(lru, item)];
	bool added = false;

	spin_lock(&nlru->lock);
	if (list_empty(item)) {
		list_add_tail(item, &nlru->lru.list);
		nlru->lru.nr_items++;
		added = true;
	}
	spin_unlock(&nlru->lock);
	return added;
}

bool list_lru_del_obj(struct list_lru *lru, struct list_head *item)
{
	struct list_lru_node *nlru = &lru->node[item_nid(lru, item)];
	bool deleted = false;

	spin_lock(&nlru->lock);
	if (!list_empty(item)) {
		list_del_init(item);
		nlru->lru.nr_items--;
		deleted = true;
	}
	spin_unlock(&nlru->lock);
	return deleted;
}

unsigned long list_lru_count_node(struct list_lru *lru, int nid)
{
	return (unsigned long)lru->node[nid].lru.nr_items;
}

unsigned long list_lru_count(struct list_lru *lru)
{
	unsigned long count = 0;
	int nid;

	for_each_online_node(lru->machine, nid)
		count += list_lru_count_node(lru, nid);
	return count;
}

void list_lru_isolate(struct list_lru_one *list, struct list_head *item)
{
	list_del_init(item);
	list->nr_items--;
}

void list_lru_isolate_move(struct list_lru_one *list, struct list_head *item,
			   struct list_head *head)
{
	list_move(item, head);
	list->nr_items--;
}

/*
 * From the head (oldest). A rotated item goes to the tail and is met again
 * if the walk gets that far, which is how a second-chance bit is cleared
 * and then acted on within one long walk.
 */
unsigned long list_lru_walk_node(struct list_lru *lru, int nid, list_lru_walk_cb isolate,
				 void *cb_arg, unsigned long *nr_to_walk)
{
	struct list_lru_node *nlru = &lru->node[nid];
	struct list_head *item, *n;
	unsigned long isolated = 0;

	spin_lock(&nlru->lock);
	for (item = nlru->lru.list.next, n = item->next; item != &nlru->lru.list;
	     item = n, n = item->next) {
		if (!*nr_to_walk)
			break;
		--*nr_to_walk;
		switch (isolate(item, &nlru->lru, cb_arg)) {
		case LRU_REMOVED:
			isolated++;
			break;
		case LRU_ROTATE:
			list_move_tail(item, &nlru->lru.list);
			break;
		case LRU_SKIP:
			break;
		case LRU_STOP:
			goto out;
		}
	}
out:
	spin_unlock(&nlru->lock);
	return isolated;
}

unsigned long list_lru_shrink_walk(struct list_lru *lru, struct shrink_control *sc,
				   list_lru_walk_cb isolate, void *cb_arg)
{
	return list_lru_walk_node(lru, sc->nid, isolate, cb_arg, &sc->nr_to_scan);
}
