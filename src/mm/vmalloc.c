/*
 * vmalloc.c - virtually contiguous kernel memory from scattered frames
 * (Linux 6.18's mm/vmalloc.c, with x86-64's preallocate_vmalloc_pages and
 * vmalloc_fault).
 *
 * vmalloc(size) reserves a range of kernel virtual addresses with one
 * guard page after it, takes order-0 frames one by one (Linux's bulk
 * allocator, 100 at a time, then single pages), records them in the
 * area's page array and maps them in init_mm's page tables. Only the
 * kernel tables are touched: with four levels the PUD tables below the
 * vmalloc PGD entries are allocated at boot, so every process pgd, which
 * copies the kernel half at pgd_alloc, sees every later vmalloc mapping
 * (x86-64 since 5.8). The vmalloc_fault boot option restores the older
 * design: nothing is preallocated and a process's top-level entry is
 * copied from init_mm on the first kernel fault there (vmalloc_fault()).
 *
 * Address space: the free tree (augmented red-black tree, subtree_max_size
 * = largest free block in the subtree) gives the lowest fitting block in
 * O(log n); busy and lazy areas live in vmap nodes chosen by address zone
 * (16 pages) and the allocating CPU, as 6.9+ shards them; ranges of up to
 * 1 MiB go back to their node's size pool after a purge instead of the
 * free tree, and each purge decays a quarter of every pool.
 *
 * Freeing is lazy: vfree clears the ptes and frees the pages at once but
 * keeps the range out of the free tree (stale TLB entries may still point
 * at it) until vmap_lazy_nr exceeds lazy_max_pages() = fls(cpus) * 32 MiB;
 * then one flush_tlb_kernel_range covering every lazy area lets them all
 * be reused. Linux runs that drain in a worker; here it runs when the
 * freeing call returns. An allocation that finds no room purges at once
 * and retries.
 *
 * Departures: no per-CPU vmap blocks (vm_map_ram), no KASAN/kmemleak; page
 * tables below the vmalloc range are never freed (as Linux), except the pte
 * table a 2 MiB mapping replaces (pmd_free_pte_page).
 *
 * Invariants (validate_vmalloc): the free, busy, lazy and pool ranges are
 * sorted, disjoint and together cover [1, ULONG_MAX); free blocks are never
 * adjacent; subtree_max_size is right everywhere; vmap_lazy_nr is the size
 * of the lazy areas; VmallocUsed is the pages of busy VM_ALLOC areas; every
 * page of a busy vmalloc area is mapped where its page array says and its
 * guard page is not; init_mm's pgtables_bytes counts exactly the tables
 * below the vmalloc range.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mm.h"
#include "pgalloc.h"
#include "printk.h"
#include "seq_buf.h"
#include "tlbflush.h"
#include "vmalloc.h"

#define VMAP_RAM		0x1	/* a vm_map_ram area (none here) */
#define VMAP_FLAGS_MASK		0x3
#define VMAP_ZONE_PAGES		16	/* a vmap node's address zone */
#define VMAP_MAX_NODES		128
#define BULK_PAGES		100	/* the bulk allocator's batch in vm_area_alloc_pages */
#define KERNEL_PGD_BOUNDARY	256

static inline struct vmap_state *vs(struct machine *m)
{
	return &m->vmap;
}

/* new takes old's entries; old is left empty (old must not be empty). */
static void list_replace_init(struct list_head *old, struct list_head *new)
{
	new->next = old->next;
	new->prev = old->prev;
	new->next->prev = new;
	new->prev->next = new;
	INIT_LIST_HEAD(old);
}

/* ---------------------------------------------------------------------- */
/* Kernel addresses                                                        */
/* ---------------------------------------------------------------------- */

static inline unsigned long virt_to_kaddr(const struct machine *m, const void *p)
{
	return PAGE_OFFSET_X86_64 + (unsigned long)virt_to_phys(m, p);
}

static inline void *kaddr_to_virt(const struct machine *m, unsigned long a)
{
	if (a < PAGE_OFFSET_X86_64 || a - PAGE_OFFSET_X86_64 >= m->phys_bytes)
		return NULL;
	return m->phys_base + (a - PAGE_OFFSET_X86_64);
}

bool is_vmalloc_addr(const struct machine *m, unsigned long addr)
{
	return addr >= m->vmap.start && addr < m->vmap.end;
}

unsigned long vmalloc_total_bytes(const struct machine *m)
{
	bool l5 = m->cfg.pgtable_levels == 5;

	return ((l5 ? VMALLOC_SIZE_TB_L5 : VMALLOC_SIZE_TB_L4) << 40) - 1;
}

unsigned long vmalloc_nr_pages(const struct machine *m)
{
	return (unsigned long)m->vmap.nr_vmalloc_pages;
}

unsigned long lazy_max_pages(const struct machine *m)
{
	return (unsigned long)fls((unsigned int)m->nr_cpus) * (32UL * 1024 * 1024 / PAGE_SIZE);
}

static inline unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

/* flush_tlb_kernel_range, counted in mmsim's vmalloc statistics. */
static void vmap_flush(struct machine *m, unsigned long start, unsigned long end)
{
	if (flush_tlb_kernel_range(m, start, end))
		m->vmap.stats.flush_all++;
	else
		m->vmap.stats.flush_pages += (ALIGN(end, PAGE_SIZE) - (start & PAGE_MASK)) >> PAGE_SHIFT;
}

static inline pteval_t kernel_prot(const struct machine *m, pteval_t prot)
{
	return m->cfg.pti ? prot & ~_PAGE_GLOBAL : prot;	/* __default_kernel_pte_mask */
}

/* The kmalloc-style failure report (mm/page_alloc.c warn_alloc). */
__printf(3, 4) static void warn_alloc(struct machine *m, gfp_t gfp, const char *fmt, ...)
{
	char what[160], flags[256];
	va_list ap;

	if (gfp & __GFP_NOWARN)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	gfp_format(gfp, flags, sizeof(flags));
	printk(m, "%s: %s, mode:%#x(%s), nodemask=(null)", "mmsim", what, gfp, gfp ? flags : "");
}

/* ---------------------------------------------------------------------- */
/* The trees: free (augmented), busy and lazy (plain)                      */
/* ---------------------------------------------------------------------- */

static inline struct vmap_area *rb_va(const struct rb_node *n)
{
	return n ? rb_entry(n, struct vmap_area, rb_node) : NULL;
}

static inline unsigned long get_subtree_max_size(const struct rb_node *n)
{
	return n ? rb_va(n)->subtree_max_size : 0;
}

static unsigned long compute_subtree_max_size(const struct vmap_area *va)
{
	unsigned long s = va_size(va), l = get_subtree_max_size(va->rb_node.rb_left),
		      r = get_subtree_max_size(va->rb_node.rb_right);

	return max(s, max(l, r));
}

/* Recompute from n up to (not including) stop. */
static void free_va_propagate(struct rb_node *n, struct rb_node *stop)
{
	for (; n != stop; n = rb_parent(n))
		rb_va(n)->subtree_max_size = compute_subtree_max_size(rb_va(n));
}

static void free_va_copy(struct rb_node *old, struct rb_node *new)
{
	rb_va(new)->subtree_max_size = rb_va(old)->subtree_max_size;
}

static void free_va_rotate(struct rb_node *old, struct rb_node *new)
{
	rb_va(new)->subtree_max_size = rb_va(old)->subtree_max_size;
	rb_va(old)->subtree_max_size = compute_subtree_max_size(rb_va(old));
}

static const struct rb_augment_callbacks free_va_callbacks = {
	.propagate = free_va_propagate,
	.copy = free_va_copy,
	.rotate = free_va_rotate,
};

static void augment_tree_propagate_from(struct vmap_area *va)
{
	free_va_propagate(&va->rb_node, NULL);
}

/* The area containing addr in a tree sorted by address, or NULL. */
static struct vmap_area *__find_vmap_area(unsigned long addr, const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		struct vmap_area *va = rb_va(n);

		if (addr < va->va_start)
			n = n->rb_left;
		else if (addr >= va->va_end)
			n = n->rb_right;
		else
			return va;
	}
	return NULL;
}

/*
 * Where va goes in root (parent and link), or NULL if it overlaps an area
 * there: a bug, warned about, and the caller leaves the trees alone.
 */
static struct rb_node **find_va_links(struct machine *m, struct vmap_area *va,
				      struct rb_root *root, struct rb_node **parent)
{
	struct rb_node **link = &root->rb_node;
	struct vmap_area *tmp = NULL;

	*parent = NULL;
	while (*link) {
		tmp = rb_va(*link);
		if (va->va_end <= tmp->va_start) {
			link = &(*link)->rb_left;
		} else if (va->va_start >= tmp->va_end) {
			link = &(*link)->rb_right;
		} else {
			printk(m, "WARNING: vmalloc bug: 0x%lx-0x%lx overlaps with 0x%lx-0x%lx",
			       va->va_start, va->va_end, tmp->va_start, tmp->va_end);
			WARN_ON_ONCE(1);
			return NULL;
		}
	}
	*parent = tmp ? &tmp->rb_node : NULL;
	return link;
}

/* The list node after which va must sit (its predecessor in address order). */
static struct list_head *list_pos(struct rb_node *parent, struct rb_node **link,
				  struct list_head *head)
{
	struct list_head *l;

	if (!parent)
		return head;
	l = &rb_va(parent)->list;
	return &parent->rb_right == link ? l : l->prev;
}

static void link_va(struct vmap_area *va, struct rb_root *root, struct rb_node *parent,
		    struct rb_node **link, struct list_head *head, bool augment)
{
	struct list_head *prev = list_pos(parent, link, head);

	rb_link_node(&va->rb_node, parent, link);
	if (augment) {
		va->subtree_max_size = va_size(va);
		augment_tree_propagate_from(va);
		rb_insert_augmented(&va->rb_node, root, &free_va_callbacks);
	} else {
		rb_insert_color(&va->rb_node, root);
	}
	list_add(&va->list, prev);
}

static void unlink_va(struct vmap_area *va, struct rb_root *root, bool augment)
{
	if (WARN_ON(RB_EMPTY_NODE(&va->rb_node)))
		return;
	if (augment)
		rb_erase_augmented(&va->rb_node, root, &free_va_callbacks);
	else
		rb_erase(&va->rb_node, root);
	list_del_init(&va->list);
	RB_CLEAR_NODE(&va->rb_node);
}

static void insert_vmap_area(struct machine *m, struct vmap_area *va, struct rb_root *root,
			     struct list_head *head, bool augment)
{
	struct rb_node *parent, **link = find_va_links(m, va, root, &parent);

	if (link)
		link_va(va, root, parent, link, head, augment);
}

/*
 * Put a freed range back, merging it with the free blocks just before and
 * after it (the list gives both in O(1)). Returns the block that holds it.
 */
static struct vmap_area *merge_or_add_vmap_area(struct machine *m, struct vmap_area *va,
						struct rb_root *root, struct list_head *head,
						bool augment)
{
	struct rb_node *parent, **link = find_va_links(m, va, root, &parent);
	struct list_head *prev, *next;
	struct vmap_area *sib;
	bool merged = false;

	if (!link)
		return NULL;
	prev = list_pos(parent, link, head);
	next = prev->next;
	if (next != head) {
		sib = list_entry(next, struct vmap_area, list);
		if (sib->va_start == va->va_end) {
			sib->va_start = va->va_start;
			kmem_cache_free(m, vs(m)->area_cachep, va);
			va = sib;
			merged = true;
		}
	}
	if (prev != head) {
		sib = list_entry(prev, struct vmap_area, list);
		if (sib->va_end == va->va_start) {
			/* Unlink the next block first so its rotation sees final values. */
			if (merged)
				unlink_va(va, root, augment);
			sib->va_end = va->va_end;
			kmem_cache_free(m, vs(m)->area_cachep, va);
			va = sib;
			merged = true;
		}
	}
	if (!merged)
		link_va(va, root, parent, link, head, augment);
	else if (augment)
		augment_tree_propagate_from(va);
	return va;
}

/* ---------------------------------------------------------------------- */
/* Free space search (alloc_vmap_area's core)                              */
/* ---------------------------------------------------------------------- */

static bool is_within_this_va(const struct vmap_area *va, unsigned long size,
			      unsigned long align, unsigned long vstart)
{
	unsigned long nva = va->va_start > vstart ? ALIGN(va->va_start, align)
						  : ALIGN(vstart, align);

	if (nva + size < nva || nva < vstart)
		return false;	/* wrapped */
	return nva + size <= va->va_end;
}

/*
 * The lowest free block that can hold size at align above vstart. The
 * augmented value prunes subtrees too small; vstart and alignment can
 * still make a big enough block unusable, so the search may climb back and
 * try the first suitable right subtree.
 */
static struct vmap_area *find_vmap_lowest_match(struct rb_root *root, unsigned long size,
						unsigned long align, unsigned long vstart,
						bool adjust_search_size)
{
	unsigned long length = adjust_search_size ? size + align - 1 : size;
	struct rb_node *node = root->rb_node;
	struct vmap_area *va;

	while (node) {
		va = rb_va(node);
		if (get_subtree_max_size(node->rb_left) >= length && vstart < va->va_start) {
			node = node->rb_left;
			continue;
		}
		if (is_within_this_va(va, size, align, vstart))
			return va;
		if (get_subtree_max_size(node->rb_right) >= length) {
			node = node->rb_right;
			continue;
		}
		while ((node = rb_parent(node))) {
			va = rb_va(node);
			if (is_within_this_va(va, size, align, vstart))
				return va;
			if (get_subtree_max_size(node->rb_right) >= length &&
			    vstart <= va->va_start) {
				/* Do not descend again into the subtree just checked. */
				vstart = va->va_start + 1;
				node = node->rb_right;
				break;
			}
		}
	}
	return NULL;
}

/* Carve [nva, nva + size) out of free block va (full, left, right or no-edge fit). */
static int va_clip(struct machine *m, struct vmap_area *va, unsigned long nva,
		   unsigned long size)
{
	struct vmap_state *s = vs(m);
	struct vmap_area *lva;
	int cpu = m->cpu;

	if (nva < va->va_start || nva + size > va->va_end)
		return -EINVAL;
	if (va->va_start == nva && va->va_end == nva + size) {
		unlink_va(va, &s->free_root, true);
		kmem_cache_free(m, s->area_cachep, va);
		return 0;
	}
	if (va->va_start == nva) {
		va->va_start += size;
	} else if (va->va_end == nva + size) {
		va->va_end = nva;
	} else {
		/* No edge: the remainder on the left needs a second object. */
		lva = s->ne_fit_preload[cpu];
		s->ne_fit_preload[cpu] = NULL;
		if (!lva) {
			lva = kmem_cache_alloc(m, s->area_cachep, GFP_NOWAIT);
			if (!lva)
				return -ENOMEM;
		}
		lva->va_start = va->va_start;
		lva->va_end = nva;
		va->va_start = nva + size;
		augment_tree_propagate_from(va);
		insert_vmap_area(m, lva, &s->free_root, &s->free_list, true);
		return 0;
	}
	augment_tree_propagate_from(va);
	return 0;
}

/* The start of a fresh range of size at align in [vstart, vend), or an error value. */
static unsigned long __alloc_vmap_area(struct machine *m, unsigned long size, unsigned long align,
				       unsigned long vstart, unsigned long vend)
{
	struct vmap_state *s = vs(m);
	bool adjust = !(align <= PAGE_SIZE || vend - vstart == size);
	struct vmap_area *va = find_vmap_lowest_match(&s->free_root, size, align, vstart, adjust);
	unsigned long nva;

	if (!va)
		return (unsigned long)-ENOENT;
	nva = va->va_start > vstart ? ALIGN(va->va_start, align) : ALIGN(vstart, align);
	if (nva + size > vend)
		return (unsigned long)-ERANGE;
	if (WARN_ON_ONCE(va_clip(m, va, nva, size)))
		return (unsigned long)-ENOMEM;
	return nva;
}

/* ---------------------------------------------------------------------- */
/* vmap nodes and their size pools                                         */
/* ---------------------------------------------------------------------- */

static inline unsigned int addr_to_node_id(const struct vmap_state *s, unsigned long addr)
{
	return (unsigned int)((addr / s->zone_size) % s->nr_nodes);
}

static inline struct vmap_node *addr_to_node(struct vmap_state *s, unsigned long addr)
{
	return &s->nodes[addr_to_node_id(s, addr)];
}

/* va->flags keep node id + 1 above the low byte; 0 means "no node". */
static inline unsigned long encode_vn_id(const struct vmap_state *s, unsigned int id)
{
	return id < s->nr_nodes ? (unsigned long)(id + 1) << 8 : 0;
}

static inline unsigned int decode_vn_id(const struct vmap_state *s, unsigned long flags)
{
	unsigned int id = (unsigned int)(flags >> 8) - 1;

	return id < s->nr_nodes ? id : s->nr_nodes;
}

static struct vmap_pool *size_to_va_pool(struct vmap_node *vn, unsigned long size)
{
	unsigned long idx = (size - 1) / PAGE_SIZE;

	return idx < MAX_VA_SIZE_PAGES ? &vn->pool[idx] : NULL;
}

static bool node_pool_add_va(struct vmap_node *vn, struct vmap_area *va)
{
	struct vmap_pool *vp = size_to_va_pool(vn, va_size(va));

	if (!vp)
		return false;
	spin_lock(&vn->pool_lock);
	list_add(&va->list, &vp->head);
	vp->len++;
	spin_unlock(&vn->pool_lock);
	return true;
}

/* The first pooled range of exactly size, if it has the alignment (else rotate it). */
static struct vmap_area *node_pool_del_va(struct vmap_node *vn, unsigned long size,
					  unsigned long align, unsigned long vstart,
					  unsigned long vend)
{
	struct vmap_pool *vp = size_to_va_pool(vn, size);
	struct vmap_area *va = NULL;

	if (!vp || list_empty(&vp->head))
		return NULL;
	spin_lock(&vn->pool_lock);
	va = list_first_entry(&vp->head, struct vmap_area, list);
	if (IS_ALIGNED(va->va_start, align)) {
		if (!WARN_ON_ONCE(va_size(va) != size || va->va_start < vstart || va->va_end > vend)) {
			list_del_init(&va->list);
			vp->len--;
		} else {
			va = NULL;
		}
	} else {
		list_move_tail(&va->list, &vp->head);
		va = NULL;
	}
	spin_unlock(&vn->pool_lock);
	return va;
}

/* A pooled range for a plain vmalloc-range request, from this CPU's node. */
static struct vmap_area *node_alloc(struct machine *m, unsigned long size, unsigned long align,
				    unsigned long vstart, unsigned long vend,
				    unsigned long *vn_id)
{
	struct vmap_state *s = vs(m);
	unsigned int id;

	*vn_id = 0;
	if (vstart != s->start || vend != s->end || s->nr_nodes == 1)
		return NULL;
	id = (unsigned int)m->cpu % s->nr_nodes;
	*vn_id = encode_vn_id(s, id);
	return node_pool_del_va(&s->nodes[id], size, align, vstart, vend);
}

static void reclaim_list_global(struct machine *m, struct list_head *head)
{
	struct vmap_state *s = vs(m);
	struct vmap_area *va, *n;

	if (list_empty(head))
		return;
	spin_lock(&s->free_lock);
	list_for_each_entry_safe(va, n, head, list) {
		list_del_init(&va->list);
		merge_or_add_vmap_area(m, va, &s->free_root, &s->free_list, true);
	}
	spin_unlock(&s->free_lock);
}

/* Give a quarter of every pool (all of it when full_decay) back to the free tree. */
static void decay_va_pool_node(struct machine *m, struct vmap_node *vn, bool full_decay)
{
	struct list_head decay_list;
	struct rb_root decay_root = RB_ROOT;
	struct vmap_area *va, *nva;

	INIT_LIST_HEAD(&decay_list);
	for (int i = 0; i < MAX_VA_SIZE_PAGES; i++) {
		struct vmap_pool *vp = &vn->pool[i];
		unsigned long n_decay, pool_len;

		if (list_empty(&vp->head))
			continue;
		pool_len = n_decay = vp->len;
		if (!full_decay)
			n_decay >>= 2;
		pool_len -= n_decay;
		spin_lock(&vn->pool_lock);
		list_for_each_entry_safe(va, nva, &vp->head, list) {
			if (!n_decay--)
				break;
			list_del_init(&va->list);
			merge_or_add_vmap_area(m, va, &decay_root, &decay_list, false);
		}
		vp->len = pool_len;
		spin_unlock(&vn->pool_lock);
	}
	/* The local tree only sorted and merged them; the free tree takes them now. */
	list_for_each_entry(va, &decay_list, list)
		RB_CLEAR_NODE(&va->rb_node);
	reclaim_list_global(m, &decay_list);
}

/* ---------------------------------------------------------------------- */
/* Lazy freeing and purging                                                */
/* ---------------------------------------------------------------------- */

static void purge_vmap_node(struct machine *m, struct vmap_node *vn)
{
	struct vmap_state *s = vs(m);
	struct vmap_area *va, *n;
	unsigned long nr_pages = 0;
	struct list_head local;

	INIT_LIST_HEAD(&local);
	vn->nr_purged = 0;
	list_for_each_entry_safe(va, n, &vn->purge_list, list) {
		unsigned int vn_id = decode_vn_id(s, va->flags);

		list_del_init(&va->list);
		nr_pages += va_size(va) >> PAGE_SHIFT;
		vn->nr_purged++;
		if (vn_id < s->nr_nodes && !vn->skip_populate && node_pool_add_va(vn, va))
			continue;
		list_add(&va->list, &local);
	}
	s->lazy_nr -= nr_pages;
	s->stats.purged_pages += nr_pages;
	reclaim_list_global(m, &local);
}

/*
 * Flush the TLBs over every lazily freed area at once, then let the ranges
 * be reused: into the pools, or back to the free tree. Returns whether any
 * area was purged.
 */
static bool __purge_vmap_area_lazy(struct machine *m, unsigned long start, unsigned long end,
				   bool full_pool_decay)
{
	struct vmap_state *s = vs(m);
	unsigned long nr_areas = 0;
	bool any = false;

	lockdep_assert_held(&s->purge_lock);
	for (unsigned int i = 0; i < s->nr_nodes; i++) {
		struct vmap_node *vn = &s->nodes[i];

		INIT_LIST_HEAD(&vn->purge_list);
		vn->skip_populate = full_pool_decay;
		decay_va_pool_node(m, vn, full_pool_decay);
		if (RB_EMPTY_ROOT(&vn->lazy.root))
			continue;
		spin_lock(&vn->lazy.lock);
		vn->lazy.root = RB_ROOT;
		list_replace_init(&vn->lazy.head, &vn->purge_list);
		spin_unlock(&vn->lazy.lock);
		start = min(start, list_first_entry(&vn->purge_list, struct vmap_area, list)->va_start);
		end = max(end, list_last_entry(&vn->purge_list, struct vmap_area, list)->va_end);
		any = true;
	}
	if (!any)
		return false;
	vmap_flush(m, start, end);
	s->stats.purges++;
	for (unsigned int i = 0; i < s->nr_nodes; i++) {
		struct vmap_node *vn = &s->nodes[i];

		if (list_empty(&vn->purge_list))
			continue;
		purge_vmap_node(m, vn);
		nr_areas += vn->nr_purged;
	}
	s->stats.purged_areas += nr_areas;
	return nr_areas > 0;
}

/* Address space ran out: purge everything, pools included (reclaim_and_purge_vmap_areas). */
static void reclaim_and_purge_vmap_areas(struct machine *m)
{
	spin_lock(&vs(m)->purge_lock);
	__purge_vmap_area_lazy(m, ULONG_MAX, 0, true);
	spin_unlock(&vs(m)->purge_lock);
}

/* drain_vmap_area_work: Linux schedules it; it runs when the freeing call returns. */
static void drain_vmap_area_work(struct machine *m)
{
	spin_lock(&vs(m)->purge_lock);
	__purge_vmap_area_lazy(m, ULONG_MAX, 0, false);
	spin_unlock(&vs(m)->purge_lock);
}

static void run_deferred_drain(struct machine *m)
{
	if (!vs(m)->drain_pending)
		return;
	vs(m)->drain_pending = false;
	drain_vmap_area_work(m);
}

void vm_unmap_aliases(struct machine *m)
{
	drain_vmap_area_work(m);
}

/* The range is unmapped; its TLB entries may live on until the next purge. */
static void free_vmap_area_noflush(struct machine *m, struct vmap_area *va)
{
	struct vmap_state *s = vs(m);
	unsigned int vn_id = decode_vn_id(s, va->flags);
	struct vmap_node *vn;

	if (WARN_ON_ONCE(!list_empty(&va->list)))
		return;
	s->lazy_nr += va_size(va) >> PAGE_SHIFT;
	vn = vn_id < s->nr_nodes ? &s->nodes[vn_id] : addr_to_node(s, va->va_start);
	spin_lock(&vn->lazy.lock);
	insert_vmap_area(m, va, &vn->lazy.root, &vn->lazy.head, false);
	spin_unlock(&vn->lazy.lock);
	if (s->lazy_nr > lazy_max_pages(m))
		s->drain_pending = true;	/* schedule_work(&drain_vmap_work) */
}

bool vmap_addr_unpurged(struct machine *m, unsigned long addr)
{
	struct vmap_state *s = vs(m);

	if (!s->initialized)
		return false;
	for (unsigned int i = 0; i < s->nr_nodes; i++)
		if (__find_vmap_area(addr, &s->nodes[i].lazy.root))
			return true;
	return false;
}

/* ---------------------------------------------------------------------- */
/* alloc_vmap_area / free_vmap_area                                        */
/* ---------------------------------------------------------------------- */

/* One spare object per CPU for a no-edge split under free_lock (preload_this_cpu_lock). */
static void preload_this_cpu_lock(struct machine *m, gfp_t gfp, int node)
{
	struct vmap_state *s = vs(m);
	struct vmap_area *va = NULL;

	if (!s->ne_fit_preload[m->cpu])
		va = kmem_cache_alloc_node(m, s->area_cachep, gfp, node);
	spin_lock(&s->free_lock);
	if (va && !s->ne_fit_preload[m->cpu])
		s->ne_fit_preload[m->cpu] = va;
	else if (va)
		kmem_cache_free(m, s->area_cachep, va);
}

/*
 * Reserve [addr, addr + size) aligned to align inside [vstart, vend): from
 * this CPU's node pool if a range of that size waits there, else from the
 * free tree; on failure purge the lazy areas once and retry. The area is
 * busy (and bound to vm) on return, or an ERR_PTR.
 */
static struct vmap_area *alloc_vmap_area(struct machine *m, unsigned long size,
					 unsigned long align, unsigned long vstart,
					 unsigned long vend, int node, gfp_t gfp,
					 unsigned long va_flags, struct vm_struct *vm)
{
	struct vmap_state *s = vs(m);
	unsigned long addr = (unsigned long)-EINVAL, vn_id;
	struct vmap_area *va;
	struct vmap_node *vn;
	bool allow_block;
	int purged = 0;

	if (unlikely(!size || (size & ~PAGE_MASK) || !is_power_of_2(align)))
		return ERR_PTR(-EINVAL);
	if (unlikely(!s->initialized))
		return ERR_PTR(-EBUSY);
	gfp &= __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_NOWARN | __GFP_RETRY_MAYFAIL |
	       __GFP_NOFAIL | __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC;	/* GFP_RECLAIM_MASK */
	allow_block = gfpflags_allow_blocking(gfp);
	va = node_alloc(m, size, align, vstart, vend, &vn_id);
	if (va) {
		addr = va->va_start;
	} else {
		va = kmem_cache_alloc_node(m, s->area_cachep, gfp, node);
		if (unlikely(!va))
			return ERR_PTR(-ENOMEM);
	}
retry:
	if (IS_ERR_VALUE(addr)) {
		preload_this_cpu_lock(m, gfp, node);
		addr = __alloc_vmap_area(m, size, align, vstart, vend);
		spin_unlock(&s->free_lock);
	}
	if (IS_ERR_VALUE(addr)) {
		if (allow_block && !purged) {
			reclaim_and_purge_vmap_areas(m);
			purged = 1;
			goto retry;
		}
		if (!(gfp & __GFP_NOWARN))
			printk(m, "vmalloc_node_range for size %lu failed: Address range restricted "
			       "to %#lx - %#lx", size, vstart, vend);
		kmem_cache_free(m, s->area_cachep, va);
		return ERR_PTR(-EBUSY);
	}
	va->va_start = addr;
	va->va_end = addr + size;
	va->vm = vm;
	va->flags = va_flags | vn_id;
	INIT_LIST_HEAD(&va->list);
	if (vm) {
		vm->addr = addr;
		vm->size = size;
	}
	vn = addr_to_node(s, va->va_start);
	spin_lock(&vn->busy.lock);
	insert_vmap_area(m, va, &vn->busy.root, &vn->busy.head, false);
	spin_unlock(&vn->busy.lock);
	BUG_ON(!IS_ALIGNED(va->va_start, align) || va->va_start < vstart || va->va_end > vend);
	return va;
}

/* The busy area containing addr (its node first, then the others). */
static struct vmap_area *find_vmap_area(struct machine *m, unsigned long addr, bool unlink)
{
	struct vmap_state *s = vs(m);
	unsigned int i, j;

	if (!s->initialized)
		return NULL;
	i = j = addr_to_node_id(s, addr);
	do {
		struct vmap_node *vn = &s->nodes[i];
		struct vmap_area *va;

		spin_lock(&vn->busy.lock);
		va = __find_vmap_area(addr, &vn->busy.root);
		if (va && unlink)
			unlink_va(va, &vn->busy.root, false);
		spin_unlock(&vn->busy.lock);
		if (va)
			return va;
	} while ((i = (i + s->nr_nodes - 1) % s->nr_nodes) != j);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* init_mm's page tables for the vmalloc range                             */
/* ---------------------------------------------------------------------- */

/* The next level boundary after addr, clamped to end. */
static inline unsigned long addr_end(unsigned long addr, unsigned long end, unsigned int shift)
{
	unsigned long b = (addr + (1UL << shift)) & ~((1UL << shift) - 1);

	return b - 1 < end - 1 ? b : end;
}

static inline unsigned int pgdir_shift(const struct machine *m)
{
	return m->cfg.pgtable_levels == 5 ? PGDIR_SHIFT_L5 : PGDIR_SHIFT_L4;
}

/* Where the pages come from: an area's page array, or the caller's (vmap). */
struct page_cursor {
	struct machine *m;
	const struct vm_struct *vm;
	struct page **host;
	unsigned int i;
};

static struct page *cursor_page(struct page_cursor *c, unsigned int i)
{
	return c->host ? c->host[i] : *vm_area_page_slot(c->m, c->vm, i);
}

static int vmap_pte_range(struct machine *m, pmd_t *pmd, unsigned long addr, unsigned long end,
			  pteval_t prot, struct page_cursor *c)
{
	struct mm_struct *mm = m->init_mm;
	pte_t *pte = pte_alloc(mm, pmd, addr);

	if (!pte)
		return -ENOMEM;
	do {
		struct page *page = cursor_page(c, c->i);

		if (WARN_ON(!pte_none(*pte)))
			return -EBUSY;
		if (WARN_ON(!page))
			return -ENOMEM;
		*pte = pfn_pte(page_to_pfn(m, page), __pgprot(prot));
		c->i++;
	} while (pte++, addr += PAGE_SIZE, addr != end);
	return 0;
}

/*
 * A 2 MiB leaf for [addr, addr + PMD_SIZE) if the range, the address and
 * the frames allow it (vmap_try_huge_pmd); an empty pte table left there by
 * earlier small mappings is freed first (x86 pmd_free_pte_page).
 */
static bool vmap_try_huge_pmd(struct machine *m, pmd_t *pmd, unsigned long addr,
			      unsigned long end, pteval_t prot, struct page_cursor *c,
			      unsigned int max_shift)
{
	struct page *page;
	unsigned long pfn;

	if (max_shift < PMD_SHIFT || end - addr != PMD_SIZE || (addr & ~PMD_MASK))
		return false;
	page = cursor_page(c, c->i);
	pfn = page_to_pfn(m, page);
	if (pfn & (PTRS_PER_PTE - 1))
		return false;
	if (!pmd_none(*pmd)) {
		pte_t *table = pgtable_page_address(m->init_mm, pmd_val(*pmd));

		pmd->pmd = 0;
		vmap_flush(m, addr, addr + PAGE_SIZE - 1);
		pte_free_kernel(m->init_mm, table);
	}
	pmd->pmd = PFN_PHYS(pfn) | prot | _PAGE_PSE;
	c->i += PTRS_PER_PTE;
	return true;
}

static int vmap_pmd_range(struct machine *m, pud_t *pud, unsigned long addr, unsigned long end,
			  pteval_t prot, struct page_cursor *c, unsigned int max_shift)
{
	pmd_t *pmd = pmd_alloc(m->init_mm, pud, addr);
	unsigned long next;
	int err;

	if (!pmd)
		return -ENOMEM;
	do {
		next = addr_end(addr, end, PMD_SHIFT);
		if (vmap_try_huge_pmd(m, pmd, addr, next, prot, c, max_shift))
			continue;
		err = vmap_pte_range(m, pmd, addr, next, prot, c);
		if (err)
			return err;
	} while (pmd++, addr = next, addr != end);
	return 0;
}

static int vmap_pud_range(struct machine *m, p4d_t *p4d, unsigned long addr, unsigned long end,
			  pteval_t prot, struct page_cursor *c, unsigned int max_shift)
{
	pud_t *pud = pud_alloc(m->init_mm, p4d, addr);
	unsigned long next;
	int err;

	if (!pud)
		return -ENOMEM;
	do {
		next = addr_end(addr, end, PUD_SHIFT);
		err = vmap_pmd_range(m, pud, addr, next, prot, c, max_shift);
		if (err)
			return err;
	} while (pud++, addr = next, addr != end);
	return 0;
}

static int vmap_p4d_range(struct machine *m, pgd_t *pgd, unsigned long addr, unsigned long end,
			  pteval_t prot, struct page_cursor *c, unsigned int max_shift)
{
	p4d_t *p4d = p4d_alloc(m->init_mm, pgd, addr);
	unsigned long next;
	int err;

	if (!p4d)
		return -ENOMEM;
	if (m->cfg.pgtable_levels != 5)	/* folded: p4d is the pgd entry */
		return vmap_pud_range(m, p4d, addr, end, prot, c, max_shift);
	do {
		next = addr_end(addr, end, P4D_SHIFT);
		err = vmap_pud_range(m, p4d, addr, next, prot, c, max_shift);
		if (err)
			return err;
	} while (p4d++, addr = next, addr != end);
	return 0;
}

/*
 * Map the cursor's pages at [addr, end) in init_mm (vmap_pages_range):
 * with page_shift == PMD_SHIFT the pages come in aligned runs of 512 and
 * are mapped with 2 MiB leaves. No TLB flush: nothing was mapped there.
 */
static int vmap_pages_range(struct machine *m, unsigned long addr, unsigned long end,
			    pteval_t prot, struct page_cursor *c, unsigned int page_shift)
{
	unsigned long next;
	pgd_t *pgd;
	int err;

	BUG_ON(addr >= end);
	prot = kernel_prot(m, prot);
	pgd = pgd_offset(m->init_mm, addr);
	do {
		next = addr_end(addr, end, pgdir_shift(m));
		err = vmap_p4d_range(m, pgd, addr, next, prot, c, page_shift);
		if (err)
			return err;
	} while (pgd++, addr = next, addr != end);
	return 0;
}

static void vunmap_pte_range(struct machine *m, pmd_t *pmd, unsigned long addr,
			     unsigned long end)
{
	pte_t *pte = pte_offset(m->init_mm, pmd, addr);

	do {
		WARN_ON(!pte_none(*pte) && !pte_present(*pte));
		pte->pte = 0;
	} while (pte++, addr += PAGE_SIZE, addr != end);
}

static void vunmap_pmd_range(struct machine *m, pud_t *pud, unsigned long addr,
			     unsigned long end)
{
	pmd_t *pmd = pmd_offset(m->init_mm, pud, addr);
	unsigned long next;

	do {
		next = addr_end(addr, end, PMD_SHIFT);
		if (pmd_none(*pmd))
			continue;
		if (pmd_leaf(*pmd)) {	/* pmd_clear_huge */
			WARN_ON(next - addr < PMD_SIZE);
			pmd->pmd = 0;
			continue;
		}
		vunmap_pte_range(m, pmd, addr, next);
	} while (pmd++, addr = next, addr != end);
}

static void vunmap_pud_range(struct machine *m, p4d_t *p4d, unsigned long addr,
			     unsigned long end)
{
	pud_t *pud = pud_offset(m->init_mm, p4d, addr);
	unsigned long next;

	do {
		next = addr_end(addr, end, PUD_SHIFT);
		if (pud_none(*pud))
			continue;
		vunmap_pmd_range(m, pud, addr, next);
	} while (pud++, addr = next, addr != end);
}

/*
 * Clear the ptes of [start, end) in init_mm without flushing the TLBs
 * (vunmap_range_noflush): the caller flushes, or leaves the range lazy.
 */
static void vunmap_range_noflush(struct machine *m, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = m->init_mm;
	bool l5 = m->cfg.pgtable_levels == 5;
	unsigned long addr = start, next, n4;
	pgd_t *pgd = pgd_offset(mm, addr);

	BUG_ON(addr >= end);
	do {
		next = addr_end(addr, end, pgdir_shift(m));
		if (pgd_none(*pgd))
			continue;
		if (!l5) {
			vunmap_pud_range(m, (p4d_t *)pgd, addr, next);
			continue;
		}
		{
			p4d_t *p4d = p4d_offset(mm, pgd, addr);
			unsigned long a = addr;

			do {
				n4 = addr_end(a, next, P4D_SHIFT);
				if (!p4d_none(*p4d))
					vunmap_pud_range(m, p4d, a, n4);
			} while (p4d++, a = n4, a != next);
		}
	} while (pgd++, addr = next, addr != end);
}

/* The leaf entry mapping addr in init_mm: a pte, or a pmd leaf (*huge). */
static pteval_t *kernel_leaf(struct machine *m, unsigned long addr, bool *huge)
{
	struct mm_struct *mm = m->init_mm;
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	*huge = false;
	if (pgd_none(*pgd))
		return NULL;
	p4d = p4d_offset(mm, pgd, addr);
	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(mm, p4d, addr);
	if (pud_none(*pud) || pud_leaf(*pud))
		return NULL;
	pmd = pmd_offset(mm, pud, addr);
	if (pmd_none(*pmd))
		return NULL;
	if (pmd_leaf(*pmd)) {
		*huge = true;
		return &pmd->pmd;
	}
	return &pte_offset(mm, pmd, addr)->pte;
}

struct page *vmalloc_to_page(struct machine *m, unsigned long addr)
{
	bool huge;
	pteval_t *e = kernel_leaf(m, addr, &huge);
	unsigned long pfn;

	if (!e || !(*e & _PAGE_PRESENT))
		return NULL;
	pfn = (unsigned long)((*e & PTE_PFN_MASK) >> PAGE_SHIFT);
	if (huge)
		pfn = (pfn & ~(PTRS_PER_PTE - 1UL)) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	return pfn < m->max_pfn ? pfn_to_page(m, pfn) : NULL;
}

struct page **vm_area_page_slot(struct machine *m, const struct vm_struct *vm, unsigned int i)
{
	unsigned long off = (unsigned long)i * sizeof(struct page *);
	struct page *page;

	if (!is_vmalloc_addr(m, vm->pages))
		return (struct page **)kaddr_to_virt(m, vm->pages) + i;
	/* A vmalloc'ed array: find the page holding slot i through init_mm. */
	page = vmalloc_to_page(m, vm->pages + off);
	BUG_ON(!page);
	return (struct page **)((unsigned char *)page_address(m, page) + (off & ~PAGE_MASK));
}

/* ---------------------------------------------------------------------- */
/* vm areas                                                                */
/* ---------------------------------------------------------------------- */

static unsigned long get_vm_area_size(const struct vm_struct *vm)
{
	return (vm->flags & VM_NO_GUARD) ? vm->size : vm->size - PAGE_SIZE;
}

/* ioremap areas are aligned to their size's order, up to 1 GiB (IOREMAP_MAX_ORDER). */
static unsigned long ioremap_align(unsigned long size)
{
	int order = fls64(size - 1);

	return 1UL << clamp(order, (int)PAGE_SHIFT, (int)PUD_SHIFT);
}

/*
 * Reserve the virtual range (plus a guard page unless VM_NO_GUARD) and its
 * vm_struct; nothing is mapped yet (__get_vm_area_node).
 */
static struct vm_struct *__get_vm_area_node(struct machine *m, unsigned long size,
					    unsigned long align, unsigned int shift,
					    unsigned long flags, unsigned long start,
					    unsigned long end, int node, gfp_t gfp,
					    const struct vm_caller *caller)
{
	unsigned long requested = size;
	struct vm_struct *area;
	struct vmap_area *va;

	size = ALIGN(size, 1UL << shift);
	if (unlikely(!size))
		return NULL;
	if (flags & VM_IOREMAP)
		align = ioremap_align(size);
	area = kzalloc(m, sizeof(*area), gfp & (__GFP_RECLAIM | __GFP_IO | __GFP_FS |
						__GFP_NOWARN | __GFP_NOFAIL | __GFP_NORETRY |
						__GFP_RETRY_MAYFAIL));
	if (unlikely(!area))
		return NULL;
	if (!(flags & VM_NO_GUARD))
		size += PAGE_SIZE;
	if (size < PAGE_SIZE) {		/* wrapped with the guard page */
		kfree(m, area);
		return NULL;
	}
	area->flags = flags;
	area->caller = caller;
	area->requested_size = requested;
	va = alloc_vmap_area(m, size, align, start, end, node, gfp, 0, area);
	if (IS_ERR(va)) {
		kfree(m, area);
		return NULL;
	}
	return area;
}

struct vm_struct *find_vm_area(struct machine *m, unsigned long addr)
{
	struct vmap_area *va = find_vmap_area(m, addr, false);

	return va ? va->vm : NULL;
}

/* Unpublish the area, clear its ptes and free its range lazily (remove_vm_area). */
static struct vm_struct *remove_vm_area(struct machine *m, unsigned long addr)
{
	struct vmap_area *va;
	struct vm_struct *vm;

	if (addr & ~PAGE_MASK) {
		printk(m, "WARNING: Trying to vfree() bad address (0x%016lx)", addr);
		return NULL;
	}
	va = find_vmap_area(m, addr, true);
	if (!va)
		return NULL;
	if (!va->vm) {	/* not ours to remove: put it back */
		struct vmap_node *vn = addr_to_node(vs(m), va->va_start);

		insert_vmap_area(m, va, &vn->busy.root, &vn->busy.head, false);
		return NULL;
	}
	vm = va->vm;
	vunmap_range_noflush(m, va->va_start, va->va_end);
	free_vmap_area_noflush(m, va);
	return vm;
}

/* Split a 2^order block into independent order-0 pages (split_page). */
static void split_page(struct page *page, unsigned int order)
{
	for (unsigned long i = 1; i < (1UL << order); i++)
		set_page_count(page + i, 1);
}

/*
 * Fill the page array with nr_pages small pages, 2^order at a time: order
 * 0 goes through the bulk path (BULK_PAGES per call), then single pages
 * for what it could not get. Returns how many were allocated.
 */
static unsigned int vm_area_alloc_pages(struct machine *m, struct vm_struct *vm, gfp_t gfp,
					int node, unsigned int order, unsigned int nr_pages)
{
	unsigned int nr = 0;

	while (nr < nr_pages) {
		struct page *page = node == NUMA_NO_NODE ? alloc_pages(m, gfp, order)
							 : alloc_pages_node(m, node, gfp, order);

		if (unlikely(!page))
			break;
		if (order)
			split_page(page, order);
		for (unsigned int i = 0; i < (1U << order); i++)
			*vm_area_page_slot(m, vm, nr + i) = page + i;
		nr += 1U << order;
	}
	return nr;
}

static void vm_area_free_pages(struct machine *m, struct vm_struct *vm)
{
	for (unsigned int i = 0; i < vm->nr_pages; i++) {
		struct page **slot = vm_area_page_slot(m, vm, i);

		__free_pages(m, *slot, 0);
		*slot = NULL;
	}
}

/* Allocate the page array and the pages, then map them (__vmalloc_area_node). */
static unsigned long __vmalloc_area_node(struct machine *m, struct vm_struct *area, gfp_t gfp,
					 pteval_t prot, unsigned int page_shift, int node)
{
	gfp_t nested_gfp = (gfp & (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_NOWARN |
				   __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | __GFP_NORETRY)) | __GFP_ZERO;
	unsigned long size = get_vm_area_size(area);
	unsigned int nr_small = (unsigned int)(size >> PAGE_SHIFT), order;
	unsigned long array_size = (unsigned long)nr_small * sizeof(struct page *);
	struct page_cursor c = { m, area, NULL, 0 };
	int ret;

	if (!(gfp & (__GFP_DMA | __GFP_DMA32)))
		gfp |= __GFP_HIGHMEM;
	/* The recursion is bounded: the array is 512 times smaller each level. */
	if (array_size > PAGE_SIZE) {
		area->pages = __vmalloc_node(m, array_size, 1, nested_gfp, node, area->caller);
	} else {
		void *p = kmalloc_node(m, array_size, nested_gfp, node);

		area->pages = p ? virt_to_kaddr(m, p) : 0;
	}
	if (!area->pages) {
		warn_alloc(m, gfp, "vmalloc error: size %lu, failed to allocated page array size %lu",
			   (unsigned long)nr_small * PAGE_SIZE, array_size);
		goto fail;
	}
	area->page_order = order = page_shift - PAGE_SHIFT;
	/* High-order nofail allocations could OOM early: the caller falls back to 0. */
	area->nr_pages = vm_area_alloc_pages(m, area, ((order ? gfp & ~__GFP_NOFAIL : gfp) |
						       __GFP_NOWARN), node, order, nr_small);
	vs(m)->nr_vmalloc_pages += area->nr_pages;
	if (area->nr_pages != nr_small) {
		if (!order)
			warn_alloc(m, gfp, "vmalloc error: size %lu, failed to allocate pages",
				   (unsigned long)nr_small * PAGE_SIZE);
		goto fail;
	}
	ret = vmap_pages_range(m, area->addr, area->addr + size, prot, &c, page_shift);
	if (ret < 0) {
		warn_alloc(m, gfp, "vmalloc error: size %lu, failed to map pages",
			   (unsigned long)area->nr_pages * PAGE_SIZE);
		goto fail;
	}
	return area->addr;
fail:
	vfree(m, area->addr);
	return 0;
}

unsigned long __vmalloc_node_range(struct machine *m, unsigned long size, unsigned long align,
				   unsigned long start, unsigned long end, gfp_t gfp,
				   pteval_t prot, unsigned long vm_flags, int node,
				   const struct vm_caller *caller)
{
	unsigned long orig_align = align, addr;
	unsigned int shift = PAGE_SHIFT;
	struct vm_struct *area;

	if (WARN_ON_ONCE(!size))
		return 0;
	if ((size >> PAGE_SHIFT) > m->totalram_pages) {
		warn_alloc(m, gfp, "vmalloc error: size %lu, exceeds total pages", size);
		return 0;
	}
	/* x86-64 can map 2 MiB leaves (arch_vmap_pmd_supported). */
	if ((vm_flags & VM_ALLOW_HUGE_VMAP) && size >= PMD_SIZE) {
		shift = PMD_SHIFT;
		align = max(orig_align, 1UL << shift);
	}
again:
	area = __get_vm_area_node(m, size, align, shift, VM_ALLOC | VM_UNINITIALIZED | vm_flags,
				  start, end, node, gfp, caller);
	if (!area) {
		warn_alloc(m, gfp, "vmalloc error: size %lu, vm_struct allocation failed%s", size,
			   (gfp & __GFP_NOFAIL) ? ". Retrying." : "");
		goto fail;
	}
	addr = __vmalloc_area_node(m, area, gfp, prot, shift, node);
	if (!addr)
		goto fail;
	area->flags &= ~VM_UNINITIALIZED;	/* clear_vm_uninitialized_flag */
	run_deferred_drain(m);
	return addr;
fail:
	if (shift > PAGE_SHIFT) {
		shift = PAGE_SHIFT;
		align = orig_align;
		goto again;
	}
	run_deferred_drain(m);
	return 0;
}

unsigned long __vmalloc_node(struct machine *m, unsigned long size, unsigned long align,
			     gfp_t gfp, int node, const struct vm_caller *caller)
{
	return __vmalloc_node_range(m, size, align, vs(m)->start, vs(m)->end, gfp, __PAGE_KERNEL,
				    0, node, caller);
}

unsigned long vmalloc(struct machine *m, unsigned long size, const struct vm_caller *caller)
{
	return __vmalloc_node(m, size, 1, GFP_KERNEL, NUMA_NO_NODE, caller);
}

unsigned long vzalloc(struct machine *m, unsigned long size, const struct vm_caller *caller)
{
	return __vmalloc_node(m, size, 1, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE, caller);
}

unsigned long vmalloc_node(struct machine *m, unsigned long size, int node,
			   const struct vm_caller *caller)
{
	return __vmalloc_node(m, size, 1, GFP_KERNEL, node, caller);
}

/* Zeroed and SHMLBA-aligned (a page on x86), marked for remap_vmalloc_range. */
unsigned long vmalloc_user(struct machine *m, unsigned long size, const struct vm_caller *caller)
{
	return __vmalloc_node_range(m, size, PAGE_SIZE, vs(m)->start, vs(m)->end,
				    GFP_KERNEL | __GFP_ZERO, __PAGE_KERNEL, VM_USERMAP,
				    NUMA_NO_NODE, caller);
}

/* Free an array from kmalloc or vmalloc (kvfree of area->pages). */
static void free_page_array(struct machine *m, unsigned long pages)
{
	if (!pages)
		return;
	if (is_vmalloc_addr(m, pages))
		vfree(m, pages);
	else
		kfree(m, kaddr_to_virt(m, pages));
}

void vfree(struct machine *m, unsigned long addr)
{
	struct vm_struct *vm;

	if (!addr)
		return;
	vm = remove_vm_area(m, addr);
	if (unlikely(!vm)) {
		printk(m, "WARNING: Trying to vfree() nonexistent vm area (0x%016lx)", addr);
		WARN_ON_ONCE(1);
		return;
	}
	if (vm->pages) {
		vm_area_free_pages(m, vm);
		if (!(vm->flags & VM_MAP_PUT_PAGES))
			vs(m)->nr_vmalloc_pages -= vm->nr_pages;
		free_page_array(m, vm->pages);
	}
	kfree(m, vm);
	run_deferred_drain(m);
}

void vunmap(struct machine *m, unsigned long addr)
{
	struct vm_struct *vm;

	if (!addr)
		return;
	vm = remove_vm_area(m, addr);
	if (unlikely(!vm)) {
		printk(m, "WARNING: Trying to vunmap() nonexistent vm area (0x%016lx)", addr);
		WARN_ON_ONCE(1);
		return;
	}
	kfree(m, vm);
	run_deferred_drain(m);
}

unsigned long vmap(struct machine *m, struct page **pages, unsigned int count,
		   unsigned long flags, pteval_t prot, const struct vm_caller *caller)
{
	struct page_cursor c = { m, NULL, pages, 0 };
	struct vm_struct *area;
	unsigned long size;

	if (WARN_ON_ONCE(flags & (VM_FLUSH_RESET_PERMS | VM_MAP_PUT_PAGES)))
		return 0;	/* the array here is the caller's host memory */
	flags &= ~VM_NO_GUARD;	/* your top guard is someone else's bottom guard */
	if (!count || count > m->totalram_pages)
		return 0;
	size = (unsigned long)count << PAGE_SHIFT;
	area = __get_vm_area_node(m, size, 1, PAGE_SHIFT, flags, vs(m)->start, vs(m)->end,
				  NUMA_NO_NODE, GFP_KERNEL, caller);
	if (!area)
		return 0;
	if (vmap_pages_range(m, area->addr, area->addr + size, prot | _PAGE_NX, &c,
			     PAGE_SHIFT) < 0) {
		vunmap(m, area->addr);
		return 0;
	}
	return area->addr;
}

/* ---------------------------------------------------------------------- */
/* kvmalloc (mm/slub.c in 6.18)                                            */
/* ---------------------------------------------------------------------- */

/* Try physically contiguous first, but without disturbing anyone for it. */
static gfp_t kmalloc_gfp_adjust(gfp_t flags, size_t size)
{
	if (size > PAGE_SIZE) {
		flags |= __GFP_NOWARN;
		if (!(flags & __GFP_RETRY_MAYFAIL))
			flags &= ~__GFP_DIRECT_RECLAIM;
		flags &= ~__GFP_NOFAIL;	/* the vmalloc fallback implements it */
	}
	return flags;
}

unsigned long kvmalloc_node(struct machine *m, size_t size, gfp_t gfp, int node,
			    const struct vm_caller *caller)
{
	void *p = kmalloc_node(m, size, kmalloc_gfp_adjust(gfp, size), node);

	if (p == ZERO_SIZE_PTR)
		return (unsigned long)ZERO_SIZE_PTR;
	if (p)
		return virt_to_kaddr(m, p);
	if (size <= PAGE_SIZE)
		return 0;	/* no point falling back for sub-page requests */
	if (!gfpflags_allow_blocking(gfp))
		return 0;	/* vmalloc may sleep */
	if (size > 0x7fffffffUL) {	/* INT_MAX */
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return 0;
	}
	return __vmalloc_node_range(m, size, 1, vs(m)->start, vs(m)->end, gfp, __PAGE_KERNEL,
				    VM_ALLOW_HUGE_VMAP, node, caller);
}

void kvfree(struct machine *m, unsigned long addr)
{
	if (is_vmalloc_addr(m, addr))
		vfree(m, addr);
	else if (addr > (unsigned long)ZERO_SIZE_PTR)
		kfree(m, kaddr_to_virt(m, addr));
}

/* ---------------------------------------------------------------------- */
/* vmalloc_fault (x86-64 before 5.8)                                       */
/* ---------------------------------------------------------------------- */

static inline unsigned int pgd_index_of(const struct machine *m, unsigned long addr)
{
	return (unsigned int)((addr >> pgdir_shift(m)) & (PTRS_PER_PGD - 1));
}

bool vmalloc_pgd_entry_lazy(const struct machine *m, unsigned int index)
{
	return m->cfg.vmalloc_fault && index >= pgd_index_of(m, m->vmap.start) &&
	       index <= pgd_index_of(m, m->vmap.end);
}

int vmalloc_fault(struct machine *m, struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd, *pgd_k;
	bool huge;
	pteval_t *leaf;

	if (!m->cfg.vmalloc_fault || !is_vmalloc_addr(m, addr))
		return -1;
	pgd = pgd_offset(mm, addr);
	pgd_k = pgd_offset(m->init_mm, addr);
	if (pgd_none(*pgd_k))
		return -1;
	/* Copy the top-level entry: below it the tables are init_mm's own. */
	if (pgd_none(*pgd)) {
		pgd->pgd = pgd_k->pgd;
		count_vm_event(m, VMALLOC_FAULT);
		vs(m)->stats.vmalloc_faults++;
	} else {
		BUG_ON(pgd_pfn(*pgd) != pgd_pfn(*pgd_k));
	}
	leaf = kernel_leaf(m, addr, &huge);
	return leaf && (*leaf & _PAGE_PRESENT) ? 0 : -1;
}

/* ---------------------------------------------------------------------- */
/* /proc/vmallocinfo                                                       */
/* ---------------------------------------------------------------------- */

/* " N0=3 N1=1": pages per node with memory (show_numa_info). */
static void show_numa_info(struct machine *m, struct seq_buf *s, const struct vm_struct *v)
{
	unsigned int counters[MAX_NUMNODES] = { 0 };
	unsigned int step = 1U << v->page_order;
	int nid;

	for (unsigned int nr = 0; nr < v->nr_pages; nr += step)
		counters[page_to_nid(*vm_area_page_slot(m, v, nr))] += step;
	for_each_online_node(m, nid)
		if (counters[nid])
			seq_printf(s, " N%d=%u", nid, counters[nid]);
}

/*
 * Node by node, each busy list in address order, then the unpurged areas
 * (vmalloc_info_show). Addresses are printed in full, as root sees them
 * with kptr_restrict=1 (the default 0 hashes %pK).
 */
void show_vmallocinfo(struct machine *m, struct seq_buf *s)
{
	struct vmap_state *st = vs(m);
	struct vmap_area *va;

	if (!st->initialized)
		return;
	for (unsigned int i = 0; i < st->nr_nodes; i++) {
		struct vmap_node *vn = &st->nodes[i];

		spin_lock(&vn->busy.lock);
		list_for_each_entry(va, &vn->busy.head, list) {
			const struct vm_struct *v = va->vm;

			if (!v) {
				if (va->flags & VMAP_RAM)
					seq_printf(s, "0x%016lx-0x%016lx %7ld vm_map_ram\n", va->va_start,
						   va->va_end, (long)va_size(va));
				continue;
			}
			if (v->flags & VM_UNINITIALIZED)
				continue;
			seq_printf(s, "0x%016lx-0x%016lx %7ld", v->addr, v->addr + v->size,
				   (long)v->size);
			if (v->caller)
				seq_printf(s, " %s+%#x/%#x", v->caller->sym, v->caller->off,
					   v->caller->size);
			if (v->nr_pages)
				seq_printf(s, " pages=%u", v->nr_pages);
			if (v->phys_addr)
				seq_printf(s, " phys=0x%016llx", (unsigned long long)v->phys_addr);
			if (v->flags & VM_IOREMAP)
				seq_puts(s, " ioremap");
			if (v->flags & VM_SPARSE)
				seq_puts(s, " sparse");
			if (v->flags & VM_ALLOC)
				seq_puts(s, " vmalloc");
			if (v->flags & VM_MAP)
				seq_puts(s, " vmap");
			if (v->flags & VM_USERMAP)
				seq_puts(s, " user");
			if (v->flags & VM_DMA_COHERENT)
				seq_puts(s, " dma-coherent");
			if (is_vmalloc_addr(m, v->pages))
				seq_puts(s, " vpages");
			show_numa_info(m, s, v);
			seq_putc(s, '\n');
		}
		spin_unlock(&vn->busy.lock);
	}
	for (unsigned int i = 0; i < st->nr_nodes; i++) {
		struct vmap_node *vn = &st->nodes[i];

		spin_lock(&vn->lazy.lock);
		list_for_each_entry(va, &vn->lazy.head, list)
			seq_printf(s, "0x%016lx-0x%016lx %7ld unpurged vm_area\n", va->va_start,
				   va->va_end, (long)va_size(va));
		spin_unlock(&vn->lazy.lock);
	}
}

/* ---------------------------------------------------------------------- */
/* Page-table census and validation                                        */
/* ---------------------------------------------------------------------- */

typedef void (*kt_visit_t)(struct machine *m, int level, pteval_t entry, void *arg);

static void walk_pud_tables(struct machine *m, pteval_t p4d_entry, kt_visit_t visit, void *arg)
{
	const pteval_t *pud = pgtable_page_address(m->init_mm, p4d_entry);

	visit(m, 3, p4d_entry, arg);
	for (int k = 0; k < PTRS_PER_PUD; k++) {
		const pteval_t *pmd;

		if (!pud[k] || (pud[k] & _PAGE_PSE))
			continue;
		visit(m, 2, pud[k], arg);
		pmd = pgtable_page_address(m->init_mm, pud[k]);
		for (int l = 0; l < PTRS_PER_PMD; l++)
			if (pmd[l] && !(pmd[l] & _PAGE_PSE))
				visit(m, 1, pmd[l], arg);
	}
}

/* Every table below init_mm's vmalloc pgd entries; level 4 = p4d ... 1 = pte. */
static void walk_vmalloc_tables(struct machine *m, kt_visit_t visit, void *arg)
{
	const pgd_t *pgd = m->init_mm->pgd;
	bool l5 = m->cfg.pgtable_levels == 5;

	for (unsigned int i = pgd_index_of(m, vs(m)->start); i <= pgd_index_of(m, vs(m)->end); i++) {
		const pteval_t *p4d;

		if (!pgd[i].pgd)
			continue;
		if (!l5) {
			walk_pud_tables(m, pgd[i].pgd, visit, arg);
			continue;
		}
		visit(m, 4, pgd[i].pgd, arg);
		p4d = pgtable_page_address(m->init_mm, pgd[i].pgd);
		for (int j = 0; j < PTRS_PER_P4D; j++)
			if (p4d[j])
				walk_pud_tables(m, p4d[j], visit, arg);
	}
}

static void census_visit(struct machine *m, int level, pteval_t entry, void *arg)
{
	struct vmalloc_pgtables *c = arg;

	(void)m;
	(void)entry;
	switch (level) {
	case 4: c->p4d++; break;
	case 3: c->pud++; break;
	case 2: c->pmd++; break;
	default: c->pte++; break;
	}
}

void vmalloc_pgtable_census(struct machine *m, struct vmalloc_pgtables *c)
{
	memset(c, 0, sizeof(*c));
	if (m->init_mm && vs(m)->initialized)
		walk_vmalloc_tables(m, census_visit, c);
}

struct vcheck {
	struct machine *m;
	int problems;
};

__printf(2, 3) static void vbug(struct vcheck *v, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(v->m, "validate: vmalloc: %s", buf);
	v->problems++;
}

static void table_visit(struct machine *m, int level, pteval_t entry, void *arg)
{
	struct vcheck *v = arg;
	unsigned long pfn = (unsigned long)((entry & PTE_PFN_MASK) >> PAGE_SHIFT);
	struct page *page;

	if (!pfn_valid(m, pfn)) {
		vbug(v, "level %d table entry %#llx points nowhere", level, (unsigned long long)entry);
		return;
	}
	page = pfn_to_page(m, pfn);
	if (!PageTable(page) || page_ref_count(page) != 1)
		vbug(v, "level %d table pfn %#lx is not a page table", level, pfn);
}

/* A tree and its list agree, are sorted and disjoint; returns the node count. */
static unsigned long check_tree(struct vcheck *v, const struct rb_list *rl, const char *what)
{
	unsigned long n = 0, prev_end = 0;
	struct list_head *l = rl->head.next;

	if (rb_validate(&rl->root) < 0)
		vbug(v, "%s tree breaks the red-black rules", what);
	for (struct rb_node *rb = rb_first(&rl->root); rb; rb = rb_next(rb), l = l->next) {
		struct vmap_area *va = rb_va(rb);

		if (l == &rl->head || l != &va->list) {
			vbug(v, "%s list disagrees with its tree at 0x%lx", what, va->va_start);
			break;
		}
		if (va->va_start >= va->va_end || (va->va_start & ~PAGE_MASK))
			vbug(v, "%s area 0x%lx-0x%lx is malformed", what, va->va_start, va->va_end);
		if (n && va->va_start < prev_end)
			vbug(v, "%s areas overlap at 0x%lx", what, va->va_start);
		prev_end = va->va_end;
		n++;
	}
	return n;
}

struct range { unsigned long start, end; };

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void add_range(struct range **r, size_t *n, size_t *cap, unsigned long s, unsigned long e)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*r = realloc(*r, *cap * sizeof(**r));
		if (!*r)
			abort();	/* host out of memory */
	}
	(*r)[(*n)++] = (struct range){ s, e };
}

/* A busy vmalloc area: every page mapped where its array says, guard unmapped. */
static void check_busy_area(struct vcheck *v, const struct vmap_area *va, long *vmalloc_pages)
{
	struct machine *m = v->m;
	const struct vm_struct *vm = va->vm;

	if (!vm)
		return;
	if (vm->addr != va->va_start || vm->size != va_size(va)) {
		vbug(v, "vm_struct at 0x%lx disagrees with its area", va->va_start);
		return;
	}
	if ((vm->flags & VM_ALLOC) && !(vm->flags & VM_MAP_PUT_PAGES))
		*vmalloc_pages += vm->nr_pages;
	if (!(vm->flags & VM_ALLOC) || (vm->flags & VM_UNINITIALIZED))
		return;
	for (unsigned int i = 0; i < vm->nr_pages; i++) {
		struct page *p = *vm_area_page_slot(m, vm, i);

		if (vmalloc_to_page(m, vm->addr + ((unsigned long)i << PAGE_SHIFT)) != p ||
		    page_ref_count(p) < 1) {
			vbug(v, "area 0x%lx page %u is not mapped as its array says", vm->addr, i);
			return;
		}
	}
	if (!(vm->flags & VM_NO_GUARD) && vmalloc_to_page(m, va->va_end - PAGE_SIZE))
		vbug(v, "area 0x%lx: its guard page is mapped", vm->addr);
}

int validate_vmalloc(struct machine *m)
{
	struct vmap_state *s = vs(m);
	struct vcheck v = { m, 0 };
	struct range *r = NULL;
	size_t nr = 0, cap = 0;
	unsigned long lazy = 0;
	long vpages = 0;
	struct vmalloc_pgtables c;
	struct vmap_area *va;

	if (!s->initialized)
		return 0;
	{
		struct list_head *l = s->free_list.next;
		unsigned long n = 0, prev_end = 0;

		if (rb_validate(&s->free_root) < 0)
			vbug(&v, "free tree breaks the red-black rules");
		for (struct rb_node *rb = rb_first(&s->free_root); rb; rb = rb_next(rb), l = l->next) {
			va = rb_va(rb);
			if (l == &s->free_list || l != &va->list) {
				vbug(&v, "free list disagrees with its tree at 0x%lx", va->va_start);
				break;
			}
			if (n && va->va_start <= prev_end)
				vbug(&v, "free blocks at 0x%lx overlap or touch", va->va_start);
			if (va->subtree_max_size != compute_subtree_max_size(va))
				vbug(&v, "free block 0x%lx: subtree_max_size %lu, should be %lu",
				     va->va_start, va->subtree_max_size, compute_subtree_max_size(va));
			add_range(&r, &nr, &cap, va->va_start, va->va_end);
			prev_end = va->va_end;
			n++;
		}
	}
	for (unsigned int i = 0; i < s->nr_nodes; i++) {
		struct vmap_node *vn = &s->nodes[i];

		check_tree(&v, &vn->busy, "busy");
		list_for_each_entry(va, &vn->busy.head, list) {
			if (addr_to_node(s, va->va_start) != vn)
				vbug(&v, "busy area 0x%lx is in the wrong node", va->va_start);
			check_busy_area(&v, va, &vpages);
			add_range(&r, &nr, &cap, va->va_start, va->va_end);
		}
		check_tree(&v, &vn->lazy, "lazy");
		list_for_each_entry(va, &vn->lazy.head, list) {
			lazy += va_size(va) >> PAGE_SHIFT;
			add_range(&r, &nr, &cap, va->va_start, va->va_end);
		}
		for (int p = 0; p < MAX_VA_SIZE_PAGES; p++) {
			unsigned long len = 0;

			list_for_each_entry(va, &vn->pool[p].head, list) {
				if (va_size(va) != (unsigned long)(p + 1) << PAGE_SHIFT)
					vbug(&v, "pool %d holds 0x%lx of %lu bytes", p, va->va_start,
					     va_size(va));
				add_range(&r, &nr, &cap, va->va_start, va->va_end);
				len++;
			}
			if (len != vn->pool[p].len)
				vbug(&v, "node %u pool %d: len %lu, list %lu", i, p, vn->pool[p].len, len);
		}
	}
	if (lazy != s->lazy_nr)
		vbug(&v, "vmap_lazy_nr %lu, lazy areas hold %lu pages", s->lazy_nr, lazy);
	if (vpages != s->nr_vmalloc_pages)
		vbug(&v, "VmallocUsed %ld pages, busy areas hold %ld", s->nr_vmalloc_pages, vpages);
	/* Free, busy, lazy and pooled ranges tile the whole space. */
	qsort(r, nr, sizeof(*r), range_cmp);
	for (size_t i = 0, pos = 1; i <= nr; i++) {	/* pos: the next address expected */
		unsigned long start = i < nr ? r[i].start : ULONG_MAX;

		if (start != pos) {
			vbug(&v, "address space %s at 0x%lx", start < pos ? "used twice" : "lost",
			     (unsigned long)pos);
			break;
		}
		if (i < nr)
			pos = r[i].end;
	}
	free(r);
	/* Kernel tables: every one a counted PageTable frame. */
	walk_vmalloc_tables(m, table_visit, &v);
	vmalloc_pgtable_census(m, &c);
	if (m->init_mm->pgtables_bytes != (long)((c.pud + c.pmd + c.pte) * PAGE_SIZE))
		vbug(&v, "init_mm pgtables_bytes %ld, vmalloc tables %lu bytes",
		     m->init_mm->pgtables_bytes, (c.pud + c.pmd + c.pte) * PAGE_SIZE);
	return v.problems;
}

/* ---------------------------------------------------------------------- */
/* Boot                                                                    */
/* ---------------------------------------------------------------------- */

static void rb_list_init(struct rb_list *rl)
{
	rl->root = RB_ROOT;
	INIT_LIST_HEAD(&rl->head);
	spin_lock_init(&rl->lock, LOCK_VMAP_NODE);
}

static void vmap_node_init(struct vmap_node *vn)
{
	memset(vn, 0, sizeof(*vn));
	for (int i = 0; i < MAX_VA_SIZE_PAGES; i++)
		INIT_LIST_HEAD(&vn->pool[i].head);
	spin_lock_init(&vn->pool_lock, LOCK_VMAP_NODE);
	rb_list_init(&vn->busy);
	rb_list_init(&vn->lazy);
	INIT_LIST_HEAD(&vn->purge_list);
}

/* One node per possible CPU up to 128, 16-page zones (vmap_init_nodes). */
static void vmap_init_nodes(struct machine *m)
{
	struct vmap_state *s = vs(m);
	unsigned int n = (unsigned int)clamp(m->nr_cpus, 1, VMAP_MAX_NODES);

	s->nodes = &s->single;
	s->nr_nodes = 1;
	s->zone_size = PAGE_SIZE;
	if (n > 1) {
		struct vmap_node *vn = kmalloc(m, n * sizeof(*vn), GFP_NOWAIT);

		if (vn) {
			s->zone_size = VMAP_ZONE_PAGES * PAGE_SIZE;
			s->nr_nodes = n;
			s->nodes = vn;
		} else {
			pr_err(m, "Failed to allocate an array. Disable a node layer");
		}
	}
	for (unsigned int i = 0; i < s->nr_nodes; i++)
		vmap_node_init(&s->nodes[i]);
}

/*
 * The tables below the vmalloc PGD entries, allocated once so that the
 * top-level entries never change and every pgd copies them at pgd_alloc:
 * PUD tables with four levels, P4D tables with five (x86-64's
 * preallocate_vmalloc_pages, in mem_init). Not done with vmalloc_fault=1.
 */
static int preallocate_vmalloc_pages(struct machine *m)
{
	struct mm_struct *mm = m->init_mm;
	unsigned long pgdir_size = 1UL << pgdir_shift(m), addr;
	const char *lvl;

	for (addr = vs(m)->start; addr <= vs(m)->end; addr = ALIGN(addr + 1, pgdir_size)) {
		pgd_t *pgd = pgd_offset(mm, addr);
		p4d_t *p4d;

		lvl = "p4d";
		p4d = p4d_alloc(mm, pgd, addr);
		if (!p4d)
			goto failed;
		if (m->cfg.pgtable_levels == 5)
			continue;
		lvl = "pud";
		if (!pud_alloc(mm, p4d, addr))
			goto failed;
	}
	return 0;
failed:
	pr_err(m, "Failed to pre-allocate %s pages for vmalloc area", lvl);
	return -ENOMEM;
}

int vmalloc_init(struct machine *m)
{
	struct vmap_state *s = vs(m);
	bool l5 = m->cfg.pgtable_levels == 5;
	struct vmap_area *free;

	if (s->initialized)
		return 0;
	s->start = l5 ? VMALLOC_START_L5 : VMALLOC_START_L4;
	s->end = s->start + vmalloc_total_bytes(m);
	spin_lock_init(&s->free_lock, LOCK_VMAP_FREE);
	spin_lock_init(&s->purge_lock, LOCK_VMAP_PURGE);
	s->free_root = RB_ROOT;
	INIT_LIST_HEAD(&s->free_list);
	vmap_node_init(&s->single);
	if (!m->cfg.vmalloc_fault && preallocate_vmalloc_pages(m))
		return -ENOMEM;
	s->area_cachep = kmem_cache_create(m, "vmap_area", sizeof(struct vmap_area), 0, 0, NULL);
	if (!s->area_cachep)
		return -ENOMEM;
	vmap_init_nodes(m);
	/* No early vmlist: the whole space but address 0 is one free block. */
	free = kmem_cache_alloc(m, s->area_cachep, GFP_NOWAIT);
	if (!free)
		return -ENOMEM;
	free->va_start = 1;
	free->va_end = ULONG_MAX;
	insert_vmap_area(m, free, &s->free_root, &s->free_list, true);
	s->initialized = true;
	pr_info(m, "vmalloc: %s, lazy_max_pages %lu, %u vmap nodes%s",
		l5 ? "12800 TiB at 0xffa0000000000000" : "32 TiB at 0xffffc90000000000",
		lazy_max_pages(m), s->nr_nodes,
		m->cfg.vmalloc_fault ? ", vmalloc_fault: top-level entries synced on fault" : "");
	return 0;
}

void vmalloc_exit(struct machine *m)
{
	/* Everything lives in simulated memory, which goes with the machine. */
	memset(vs(m), 0, sizeof(*vs(m)));
}
