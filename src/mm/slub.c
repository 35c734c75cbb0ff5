/*
 * slub.c - SLUB: slab caches of equal objects carved from compound pages,
 * Linux 6.x's allocator by name and by shape (mm/slub.c).
 *
 * A free object holds the pointer to the next free object at s->offset
 * (the middle of the object unless a ctor, poisoning or RCU needs the
 * object intact, then just past it). Each CPU owns an active slab whose
 * free objects it pops and pushes without any lock: that is the fast path,
 * kept to a handful of instructions (slab_alloc_node / do_slab_free).
 * Everything else is the slow path (___slab_alloc / __slab_free).
 *
 * Slab states (one slab = the head struct page of 2^order frames):
 *
 *   state         frozen  on list          freelist          inuse
 *   ------------  ------  ---------------  ----------------  -----------------
 *   cpu slab        1     none (c->slab)   remote frees      objects - remote
 *                                          (the CPU's own    frees
 *                                          are c->freelist)
 *   cpu partial     0     c->partial chain >= 1 free         < objects
 *   node partial    0     n->partial,      >= 1 free         < objects (0 only
 *                         PG_workingset                      up to min_partial)
 *   full            0     none (debug      NULL              objects
 *                         builds: n->full)
 *   empty           -     -                freed to the page allocator
 *                                          (discard_slab)
 *
 * Transitions: new_slab -> cpu slab; cpu slab exhausted -> full; free into
 * a full slab -> cpu partial; cpu partial chain over cpu_partial_slabs ->
 * node partial (__put_partials); allocation takes cpu partial, then node
 * partial, then a new slab; deactivate_slab (flush) -> node partial, full
 * or empty; an empty slab is discarded once the node keeps min_partial.
 *
 * Invariants (validate_slab_caches): inuse == objects - free objects the
 * slab's lists hold; every free object sits on an object boundary inside its
 * slab and on one list only; n->nr_partial counts n->partial; n->nr_slabs
 * and n->total_objects agree with the slabs found.
 *
 * Accounting: a slab's bytes go to NR_SLAB_RECLAIMABLE_B (caches with
 * SLAB_RECLAIM_ACCOUNT) or NR_SLAB_UNRECLAIMABLE_B of its node.
 *
 * Lock order: n->list_lock (LOCK_SLAB_LIST) is taken before the page
 * allocator's locks; the page allocator is never called with it held.
 *
 * Debug builds (MMSIM_DEBUG_VM) poison freed objects in place (0x6b, the last
 * byte 0xa5, sparing the free pointer word so the geometry stays Linux's),
 * check the poison when an object is handed out (use after free) and check
 * on free that the object is valid and not already free (double free). A
 * bad free is reported in SLUB's words in the dmesg ring and skipped, so the
 * allocator's state stays sound. Caches created with SLAB_RED_ZONE or
 * SLAB_POISON get Linux's debug layout (red zones around the object, the free
 * pointer outside it) in every build.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "slab_internal.h"

/* ---- free pointers ---- */

static __always_inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	return *(void **)((char *)object + s->offset);
}

static __always_inline void set_freepointer(const struct kmem_cache *s, void *object, void *fp)
{
	*(void **)((char *)object + s->offset) = fp;
}

/* The first byte of the slab's first object (after a left red zone). */
static inline char *slab_objects_start(const struct machine *m, const struct kmem_cache *s,
				       const struct page *slab)
{
	return (char *)page_address(m, slab) + s->red_left_pad;
}

static inline unsigned long kaddr(const struct machine *m, const void *p)
{
	return (unsigned long)(PAGE_OFFSET_X86_64 + virt_to_phys(m, p));
}

static bool check_valid_pointer(const struct machine *m, const struct kmem_cache *s,
				const struct page *slab, const void *object)
{
	const char *base = slab_objects_start(m, s, slab);
	const char *p = object;

	if (!object)
		return true;
	if (p < base || p >= base + (size_t)slab->objects * s->size)
		return false;
	return (size_t)(p - base) % s->size == 0;
}

/* ---- debug: reports, poison and red zones ---- */

void slab_bug(struct machine *m, const struct kmem_cache *s, const char *reason)
{
	printk(m, "=============================================================================");
	printk(m, "BUG %s (Not tainted): %s", s ? s->name : "<unknown>", reason);
	printk(m, "-----------------------------------------------------------------------------");
}

static void print_slab_info(struct machine *m, const struct page *slab)
{
	printk(m, "Slab 0x%lx objects=%u used=%u fp=0x%lx flags=%#lx",
	       kaddr(m, page_address(m, slab)), slab->objects, slab->inuse,
	       slab->freelist ? kaddr(m, slab->freelist) : 0UL, slab->flags);
}

static void object_err(struct machine *m, const struct kmem_cache *s,
		       const struct page *slab, const void *object, const char *reason)
{
	const unsigned char *p = object;

	slab_bug(m, s, reason);
	print_slab_info(m, slab);
	printk(m, "Object 0x%lx: %02x %02x %02x %02x %02x %02x %02x %02x",
	       kaddr(m, object), p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
}

static void slab_fix(struct machine *m, const struct kmem_cache *s, const char *what,
		     const void *object)
{
	printk(m, "FIX %s: %s 0x%lx", s->name, what, kaddr(m, object));
}

static bool fp_in_object(const struct kmem_cache *s)
{
	return s->offset < s->object_size;
}

/* Fill [from, to) of the object with c, sparing an in-object free pointer. */
static void fill_object(const struct kmem_cache *s, char *object, unsigned int from,
			unsigned int to, int c)
{
	unsigned int fp = s->offset, fp_end = s->offset + (unsigned int)sizeof(void *);

	if (!fp_in_object(s) || to <= fp || from >= fp_end) {
		memset(object + from, c, to - from);
		return;
	}
	if (from < fp)
		memset(object + from, c, fp - from);
	if (to > fp_end)
		memset(object + fp_end, c, to - fp_end);
}

/* Red zones and (for a free object) poison, as Linux's init_object(). */
static void init_object(const struct kmem_cache *s, void *object, int val)
{
	char *p = object;

	if (s->flags & SLAB_RED_ZONE) {
		memset(p - s->red_left_pad, val, s->red_left_pad);
		memset(p + s->object_size, val, s->inuse - s->object_size);
	}
	if ((s->flags & __OBJECT_POISON) && val == SLUB_RED_INACTIVE && s->object_size) {
		unsigned int last = s->object_size - 1;

		fill_object(s, p, 0, last, POISON_FREE);
		fill_object(s, p, last, last + 1, POISON_END);
	}
}

/* Is byte i (object-relative) the in-object free pointer? */
static bool is_fp_byte(const struct kmem_cache *s, int i)
{
	return fp_in_object(s) && i >= (int)s->offset && i < (int)(s->offset + sizeof(void *));
}

/*
 * check_bytes_and_report: bytes [from, to) relative to the object (negative
 * for the left red zone) must be c. Report the first that is not, then
 * restore them so one bug is told once.
 */
static bool check_bytes(struct machine *m, const struct kmem_cache *s,
			const struct page *slab, unsigned char *object, const char *what,
			int from, int to, int c, bool spare_fp)
{
	char reason[64];
	int bad = -1;

	for (int i = from; i < to && bad < 0; i++) {
		if (!(spare_fp && is_fp_byte(s, i)) && object[i] != (unsigned char)c)
			bad = i;
	}
	if (bad < 0)
		return true;
	snprintf(reason, sizeof(reason), "%s overwritten", what);
	slab_bug(m, s, reason);
	printk(m, "0x%lx-0x%lx @offset=%d. First byte 0x%x instead of 0x%x",
	       kaddr(m, object + bad), kaddr(m, object + to - 1), bad, object[bad], (unsigned)c);
	print_slab_info(m, slab);
	printk(m, "FIX %s: Restoring %s 0x%lx-0x%lx=0x%x", s->name, what,
	       kaddr(m, object + bad), kaddr(m, object + to - 1), (unsigned)c);
	for (int i = bad; i < to; i++) {
		if (!(spare_fp && is_fp_byte(s, i)))
			object[i] = (unsigned char)c;
	}
	return false;
}

/* check_object: red zones hold val; a free object still holds its poison. */
static bool check_object(struct machine *m, const struct kmem_cache *s,
			 const struct page *slab, void *object, int val)
{
	unsigned char *base = object;
	bool ok = true;
	int osz = (int)s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		ok &= check_bytes(m, s, slab, base, "Left Redzone", -(int)s->red_left_pad, 0,
				  val, false);
		ok &= check_bytes(m, s, slab, base, "Right Redzone", osz, (int)s->inuse, val,
				  false);
	}
	if ((s->flags & __OBJECT_POISON) && val == SLUB_RED_INACTIVE && osz) {
		ok &= check_bytes(m, s, slab, base, "Poison", 0, osz - 1, POISON_FREE, true);
		ok &= check_bytes(m, s, slab, base, "Poison", osz - 1, osz, POISON_END, true);
	}
	return ok;
}

/* Is object on the slab's free list or on the free list of a CPU using it? */
static bool on_freelist(const struct machine *m, const struct kmem_cache *s,
			const struct page *slab, const void *object)
{
	unsigned int budget = slab->objects;
	int cpu;

	for (void *fp = slab->freelist; fp && budget; fp = get_freepointer(s, fp), budget--) {
		if (fp == object)
			return true;
	}
	for_each_cpu(m, cpu) {
		struct kmem_cache_cpu *c = per_cpu_slab(m, s, cpu);

		if (c->slab != slab)
			continue;
		budget = slab->objects;
		for (void *fp = c->freelist; fp && budget; fp = get_freepointer(s, fp), budget--) {
			if (fp == object)
				return true;
		}
	}
	return false;
}

/* Debug check before an object is freed: false means "do not free it". */
static bool free_debug_checks(struct machine *m, struct kmem_cache *s,
			      struct page *slab, void *object)
{
	if (!check_valid_pointer(m, s, slab, object)) {
		object_err(m, s, slab, object, "Invalid object pointer");
		goto fail;
	}
	if (on_freelist(m, s, slab, object)) {
		object_err(m, s, slab, object, "Object already free");
		goto fail;
	}
	check_object(m, s, slab, object, SLUB_RED_ACTIVE);
	init_object(s, object, SLUB_RED_INACTIVE);
	return true;
fail:
	slab_fix(m, s, "Object at not freed:", object);
	return false;
}

/* Debug check as an object is handed out: the poison says nobody wrote it. */
static __cold void alloc_debug_hook(struct machine *m, struct kmem_cache *s, void *object)
{
	check_object(m, s, virt_to_slab_page(m, object), object, SLUB_RED_INACTIVE);
	init_object(s, object, SLUB_RED_ACTIVE);
}

/* ---- slab pages ---- */

static void inc_slabs_node(struct kmem_cache *s, int nid, unsigned int objects)
{
	struct kmem_cache_node *n = get_node(s, nid);

	n->nr_slabs++;
	n->total_objects += objects;
}

static void dec_slabs_node(struct kmem_cache *s, int nid, unsigned int objects)
{
	struct kmem_cache_node *n = get_node(s, nid);

	n->nr_slabs--;
	n->total_objects -= objects;
}

static struct page *alloc_slab_page(struct machine *m, gfp_t gfp, int nid,
				    struct kmem_cache_order_objects oo)
{
	if (nid == NUMA_NO_NODE)
		return alloc_pages(m, gfp, oo_order(oo));
	return alloc_pages_node(m, nid, gfp, oo_order(oo));
}

/* Thread every object on the slab's free list, lowest address first. */
static void build_freelist(struct machine *m, struct kmem_cache *s, struct page *slab)
{
	char *p = slab_objects_start(m, s, slab);
	unsigned int n = slab->objects;

	slab->freelist = p;
	for (unsigned int i = 0; i < n; i++, p += s->size) {
		if (slab_debug_on(s)) {
			memset(p - s->red_left_pad, POISON_INUSE, s->size);
			init_object(s, p, SLUB_RED_INACTIVE);
		}
		if (s->ctor)
			s->ctor(p);
		set_freepointer(s, p, i + 1 < n ? p + s->size : NULL);
	}
}

/*
 * allocate_slab: try the preferred order without reclaim or warnings, then
 * the minimum order with the caller's flags (Linux's fallback under
 * pressure). Node counters are the caller's business.
 */
static struct page *allocate_slab(struct machine *m, struct kmem_cache *s, gfp_t flags, int nid)
{
	struct kmem_cache_order_objects oo = s->oo;
	gfp_t alloc_gfp;
	struct page *slab;

	flags |= s->allocflags;
	alloc_gfp = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	if ((alloc_gfp & __GFP_DIRECT_RECLAIM) && oo_order(oo) > oo_order(s->min))
		alloc_gfp = (alloc_gfp | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM;
	slab = alloc_slab_page(m, alloc_gfp, nid, oo);
	if (unlikely(!slab)) {
		oo = s->min;
		slab = alloc_slab_page(m, flags, nid, oo);
		if (!slab)
			return NULL;
	}
	slab->slab_cache = s;
	INIT_LIST_HEAD(&slab->slab_list);
	slab->counters = 0;
	slab->objects = oo_objects(oo);
	ClearPageWorkingset(slab);
	__SetPageSlab(slab);
	mod_node_page_state(page_pgdat(m, slab), cache_vmstat_idx(s),
			    (long)(PAGE_SIZE << oo_order(oo)));
	build_freelist(m, s, slab);
	return slab;
}

static struct page *new_slab(struct machine *m, struct kmem_cache *s, gfp_t flags, int nid)
{
	return allocate_slab(m, s, flags & (GFP_RECLAIM_MASK | GFP_CONSTRAINT_MASK), nid);
}

static void free_slab(struct machine *m, struct kmem_cache *s, struct page *slab)
{
	unsigned int order = compound_order(slab);

	mod_node_page_state(page_pgdat(m, slab), cache_vmstat_idx(s),
			    -(long)(PAGE_SIZE << order));
	slab->slab_cache = NULL;
	slab->slab_list.next = slab->slab_list.prev = NULL;
	slab->freelist = NULL;
	slab->counters = 0;
	ClearPageWorkingset(slab);
	__ClearPageSlab(slab);
	__free_pages(m, slab, order);
}

static void discard_slab(struct machine *m, struct kmem_cache *s, struct page *slab)
{
	dec_slabs_node(s, page_to_nid(slab), slab->objects);
	free_slab(m, s, slab);
}

/* ---- node lists (n->list_lock held) ---- */

static void add_partial(struct kmem_cache_node *n, struct page *slab, int tail)
{
	n->nr_partial++;
	if (tail == DEACTIVATE_TO_TAIL)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
	SetPageWorkingset(slab);
}

static void remove_partial(struct kmem_cache_node *n, struct page *slab)
{
	lockdep_assert_held(&n->list_lock);
	list_del(&slab->slab_list);
	ClearPageWorkingset(slab);
	n->nr_partial--;
}

/* Debug builds keep full slabs on n->full so the validator can count them. */
static void add_full(struct kmem_cache_node *n, struct page *slab)
{
	if (IS_ENABLED_DEBUG_VM)
		list_add(&slab->slab_list, &n->full);
}

static void remove_full(struct kmem_cache_node *n, struct page *slab)
{
	lockdep_assert_held(&n->list_lock);
	if (IS_ENABLED_DEBUG_VM)
		list_del(&slab->slab_list);
}

/* ---- CPU slabs ---- */

/* Freeze a slab for a CPU: the CPU takes every free object it has. */
static void *freeze_slab(struct page *slab)
{
	void *freelist = slab->freelist;

	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = 1;
	return freelist;
}

/* get_freelist: the cpu slab's remote frees; unfreezes it if there are none. */
static void *get_freelist(struct page *slab)
{
	void *freelist = slab->freelist;

	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = freelist != NULL;
	return freelist;
}

/*
 * deactivate_slab: give a cpu slab's own free objects back to the slab and
 * unfreeze it onto the node's partial list, the full list, or the page
 * allocator when empty and the node already keeps min_partial slabs.
 */
static void deactivate_slab(struct machine *m, struct kmem_cache *s, struct page *slab,
			    void *freelist)
{
	struct kmem_cache_node *n = get_node(s, page_to_nid(slab));
	int tail = slab->freelist ? DEACTIVATE_TO_TAIL : DEACTIVATE_TO_HEAD;
	unsigned int nr = 0;
	void *last = NULL;

	for (void *p = freelist; p; p = get_freepointer(s, p)) {
		last = p;
		nr++;
	}
	if (last) {
		set_freepointer(s, last, slab->freelist);
		slab->freelist = freelist;
	}
	slab->inuse -= nr;
	slab->frozen = 0;

	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		discard_slab(m, s, slab);
		return;
	}
	spin_lock(&n->list_lock);
	if (slab->freelist)
		add_partial(n, slab, tail);
	else
		add_full(n, slab);
	spin_unlock(&n->list_lock);
}

/* __put_partials: move a cpu partial chain to the node lists. */
static void __put_partials(struct machine *m, struct kmem_cache *s, struct page *slab)
{
	struct page *discard = NULL;

	while (slab) {
		struct page *next = slab_next(slab);
		struct kmem_cache_node *n = get_node(s, page_to_nid(slab));

		spin_lock(&n->list_lock);
		if (!slab->inuse && n->nr_partial >= s->min_partial) {
			slab_set_chain(slab, discard, 0);
			discard = slab;
		} else {
			add_partial(n, slab, DEACTIVATE_TO_TAIL);
		}
		spin_unlock(&n->list_lock);
		slab = next;
	}
	/* Free outside the list lock, as Linux does. */
	while (discard) {
		struct page *next = slab_next(discard);

		discard_slab(m, s, discard);
		discard = next;
	}
}

/*
 * put_cpu_partial: push a slab on this CPU's partial chain; with drain, a
 * chain already at cpu_partial_slabs goes to the node first.
 */
static void put_cpu_partial(struct machine *m, struct kmem_cache *s, struct page *slab,
			    bool drain)
{
	struct kmem_cache_cpu *c = this_cpu_slab(m, s);
	struct page *old = c->partial, *to_put = NULL;
	unsigned long slabs = 0;

	if (old) {
		if (drain && slab_chain_len(old) >= s->cpu_partial_slabs) {
			to_put = old;
			old = NULL;
		} else {
			slabs = slab_chain_len(old);
		}
	}
	slab_set_chain(slab, old, slabs + 1);
	c->partial = slab;
	if (to_put)
		__put_partials(m, s, to_put);
}

static void flush_cpu_slab(struct machine *m, struct kmem_cache *s, int cpu)
{
	struct kmem_cache_cpu *c = per_cpu_slab(m, s, cpu);
	struct page *slab = c->slab, *partial = c->partial;
	void *freelist = c->freelist;

	c->slab = NULL;
	c->freelist = NULL;
	c->partial = NULL;
	c->tid++;
	if (slab)
		deactivate_slab(m, s, slab, freelist);
	if (partial)
		__put_partials(m, s, partial);
}

static void flush_all_cpus(struct machine *m, struct kmem_cache *s)
{
	int cpu;

	for_each_cpu(m, cpu)
		flush_cpu_slab(m, s, cpu);
}

/* ---- node partial lists ---- */

/*
 * get_partial_node: take the first partial slab for the CPU, and refill the
 * CPU's partial chain with up to half of cpu_partial_slabs more.
 */
static struct page *get_partial_node(struct machine *m, struct kmem_cache *s,
				     struct kmem_cache_node *n)
{
	struct page *slab, *tmp, *first = NULL;
	unsigned int partial_slabs = 0;

	if (!n || !n->nr_partial)
		return NULL;
	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		remove_partial(n, slab);
		if (!first) {
			first = slab;
			if (!s->cpu_partial_slabs)
				break;
		} else {
			put_cpu_partial(m, s, slab, false);
			if (++partial_slabs > s->cpu_partial_slabs / 2)
				break;
		}
	}
	spin_unlock(&n->list_lock);
	return first;
}

/* get_any_partial: other nodes, nearest first, that hold more than min_partial. */
static struct page *get_any_partial(struct machine *m, struct kmem_cache *s, int local)
{
	int order[MAX_NUMNODES], nr = 0, nid;

	for_each_online_node(m, nid) {
		if (nid != local)
			order[nr++] = nid;
	}
	for (int i = 1; i < nr; i++) {	/* insertion sort by distance, stable */
		int v = order[i], j = i;

		while (j > 0 && m->node_distance[local][order[j - 1]] > m->node_distance[local][v]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	for (int i = 0; i < nr; i++) {
		struct kmem_cache_node *n = get_node(s, order[i]);

		if (n && n->nr_partial > s->min_partial) {
			struct page *slab = get_partial_node(m, s, n);

			if (slab)
				return slab;
		}
	}
	return NULL;
}

static struct page *get_partial(struct machine *m, struct kmem_cache *s, int node, gfp_t gfp)
{
	int searchnode = node == NUMA_NO_NODE ? numa_mem_id(m) : node;
	struct page *slab = get_partial_node(m, s, get_node(s, searchnode));

	if (slab || (node != NUMA_NO_NODE && (gfp & __GFP_THISNODE)))
		return slab;
	return get_any_partial(m, s, searchnode);
}

/* ---- allocation ---- */

static bool node_match(const struct page *slab, int node)
{
	return node == NUMA_NO_NODE || page_to_nid(slab) == node;
}

static void slab_out_of_memory(struct machine *m, struct kmem_cache *s, gfp_t gfp, int nid)
{
	char buf[128];

	printk(m, "SLUB: Unable to allocate memory on node %d, gfp=%#x(%s)", nid, gfp,
	       gfp_format(gfp, buf, sizeof(buf)));
	printk(m, "  cache: %s, object size: %u, buffer size: %u, default order: %u, "
	       "min order: %u", s->name, s->object_size, s->size, oo_order(s->oo),
	       oo_order(s->min));
}

/* Make slab this CPU's active slab and hand out its first free object. */
static void *load_slab(const struct kmem_cache *s, struct kmem_cache_cpu *c,
		       struct page *slab, void *freelist)
{
	c->slab = slab;
	c->freelist = get_freepointer(s, freelist);
	c->tid++;
	return freelist;
}

/*
 * ___slab_alloc: the CPU's free list is empty (or on the wrong node). Take
 * the slab's remote frees, then a cpu partial slab, then a node partial
 * slab, then a new slab from the page allocator.
 */
static __attribute__((noinline)) void *___slab_alloc(struct machine *m, struct kmem_cache *s,
						     gfp_t gfp, int node)
{
	struct kmem_cache_cpu *c = this_cpu_slab(m, s);
	struct page *slab = c->slab;
	void *freelist;

	if (slab && !node_match(slab, node)) {
		c->slab = NULL;
		deactivate_slab(m, s, slab, c->freelist);
		c->freelist = NULL;
		slab = NULL;
	}
	if (slab) {
		freelist = get_freelist(slab);
		if (freelist)
			return load_slab(s, c, slab, freelist);
		c->slab = NULL;		/* exhausted: it is full now */
		spin_lock(&get_node(s, page_to_nid(slab))->list_lock);
		add_full(get_node(s, page_to_nid(slab)), slab);
		spin_unlock(&get_node(s, page_to_nid(slab))->list_lock);
	}
	while (c->partial) {
		slab = c->partial;
		c->partial = slab_next(slab);
		if (!node_match(slab, node)) {
			slab_set_chain(slab, NULL, 1);
			__put_partials(m, s, slab);
			continue;
		}
		return load_slab(s, c, slab, freeze_slab(slab));
	}
	slab = get_partial(m, s, node, gfp);
	if (slab)
		return load_slab(s, c, slab, freeze_slab(slab));

	slab = new_slab(m, s, gfp, node);
	if (unlikely(!slab)) {
		if (!(gfp & __GFP_NOWARN))
			slab_out_of_memory(m, s, gfp, node == NUMA_NO_NODE ? numa_mem_id(m) : node);
		return NULL;
	}
	inc_slabs_node(s, page_to_nid(slab), slab->objects);
	/* new_slab may have run the page allocator: c is still ours (one thread). */
	return load_slab(s, c, slab, freeze_slab(slab));
}

/* The fast path: pop the CPU's free list. */
static __always_inline void *slab_alloc_node(struct machine *m, struct kmem_cache *s,
					     gfp_t gfp, int node)
{
	struct kmem_cache_cpu *c;
	void *object;

	if (unlikely(m->fail.nth[FAIL_SLAB_ALLOC]) && should_fail_alloc(m, FAIL_SLAB_ALLOC))
		return NULL;
	c = this_cpu_slab(m, s);
	object = c->freelist;
	if (unlikely(!object || (node != NUMA_NO_NODE && !node_match(c->slab, node)))) {
		object = ___slab_alloc(m, s, gfp, node);
		if (unlikely(!object))
			return NULL;
	} else {
		c->freelist = get_freepointer(s, object);
	}
	if (slab_debug_on(s))
		alloc_debug_hook(m, s, object);
	if (unlikely(gfp & __GFP_ZERO))
		memset(object, 0, s->object_size);
	return object;
}

void *kmem_cache_alloc(struct machine *m, struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc_node(m, s, gfp, NUMA_NO_NODE);
}

void *kmem_cache_alloc_node(struct machine *m, struct kmem_cache *s, gfp_t gfp, int nid)
{
	return slab_alloc_node(m, s, gfp, nid);
}

int kmem_cache_alloc_bulk(struct machine *m, struct kmem_cache *s, gfp_t gfp,
			  size_t nr, void **p)
{
	for (size_t i = 0; i < nr; i++) {
		p[i] = slab_alloc_node(m, s, gfp, NUMA_NO_NODE);
		if (unlikely(!p[i])) {
			kmem_cache_free_bulk(m, s, i, p);
			return 0;
		}
	}
	return (int)nr;
}

/* ---- free ---- */

/*
 * __slab_free: the object is not from this CPU's active slab. Put it on the
 * slab's own free list and move the slab between lists as its state says.
 */
static __attribute__((noinline)) void __slab_free(struct machine *m, struct kmem_cache *s,
						  struct page *slab, void *object)
{
	void *prior = slab->freelist;
	struct kmem_cache_node *n;

	set_freepointer(s, object, prior);
	slab->freelist = object;
	slab->inuse--;
	if (slab->frozen)
		return;			/* another CPU's active slab */
	n = get_node(s, page_to_nid(slab));
	if (!prior) {			/* it was full */
		spin_lock(&n->list_lock);
		remove_full(n, slab);
		if (kmem_cache_has_cpu_partial(s)) {
			spin_unlock(&n->list_lock);
			put_cpu_partial(m, s, slab, true);
			return;
		}
		if (!slab->inuse && n->nr_partial >= s->min_partial) {
			spin_unlock(&n->list_lock);
			discard_slab(m, s, slab);
			return;
		}
		add_partial(n, slab, DEACTIVATE_TO_TAIL);
		spin_unlock(&n->list_lock);
		return;
	}
	if (slab->inuse)
		return;			/* still partial, wherever it is */
	spin_lock(&n->list_lock);
	if (!PageWorkingset(slab) || n->nr_partial < s->min_partial) {
		spin_unlock(&n->list_lock);	/* on a cpu partial chain, or kept */
		return;
	}
	remove_partial(n, slab);
	spin_unlock(&n->list_lock);
	discard_slab(m, s, slab);
}

/* The fast path: push on the CPU's free list when the object is from its slab. */
static __always_inline void do_slab_free(struct machine *m, struct kmem_cache *s,
					 struct page *slab, void *object)
{
	struct kmem_cache_cpu *c = this_cpu_slab(m, s);

	if (likely(slab == c->slab)) {
		set_freepointer(s, object, c->freelist);
		c->freelist = object;
	} else {
		__slab_free(m, s, slab, object);
	}
}

void slab_free(struct machine *m, struct kmem_cache *s, struct page *slab, void *object)
{
	if (slab_debug_on(s) && !free_debug_checks(m, s, slab, object))
		return;
	do_slab_free(m, s, slab, object);
}

/* cache_from_obj: a free into the wrong cache is a caller bug; use the right one. */
static __cold struct kmem_cache *cache_from_obj(struct machine *m, struct kmem_cache *s,
						struct page *slab, const void *x)
{
	if (!PageSlab(slab)) {
		printk(m, "kmem_cache_free: object 0x%lx is not from a slab (cache %s)",
		       kaddr(m, x), s->name);
		return NULL;
	}
	printk(m, "cache_from_obj: Wrong slab cache. %s but object is from %s", s->name,
	       slab->slab_cache->name);
	return slab->slab_cache;
}

void kmem_cache_free(struct machine *m, struct kmem_cache *s, void *x)
{
	struct page *slab;

	if (IS_ENABLED_DEBUG_VM && unlikely(!x || !virt_addr_valid(m, x))) {
		if (x)
			printk(m, "kmem_cache_free: bad address %p (cache %s)", x, s->name);
		return;
	}
	slab = virt_to_slab_page(m, x);
	if (slab_debug_on(s) && unlikely(!PageSlab(slab) || slab->slab_cache != s)) {
		s = cache_from_obj(m, s, slab, x);
		if (!s)
			return;
	}
	slab_free(m, s, slab, x);
}

void kmem_cache_free_bulk(struct machine *m, struct kmem_cache *s, size_t nr, void **p)
{
	for (size_t i = 0; i < nr; i++)
		kmem_cache_free(m, s, p[i]);
}

/* ---- cache geometry (calculate_sizes / calculate_order) ---- */

unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = L1_CACHE_BYTES;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, 8u);		/* arch_slab_minalign() */
	return ALIGN(align, (unsigned int)sizeof(void *));
}

/* calc_slab_order: the lowest order wasting at most 1/fract of the slab. */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order, unsigned int fract_leftover)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/* slub_min_objects default: 4 * (fls(nr_cpus) + 1). */
static unsigned int slub_min_objects(const struct machine *m)
{
	unsigned int nr_cpus = (unsigned int)m->nr_cpus;

	return 4 * (unsigned int)(fls(nr_cpus ? nr_cpus : 1) + 1);
}

static int calculate_order(const struct machine *m, unsigned int size)
{
	unsigned int min_objects = slub_min_objects(m);
	unsigned int max_objects = max(order_objects(SLUB_MAX_ORDER, size), 1u);
	unsigned int min_order, order;

	min_objects = min(min_objects, max_objects);
	min_order = get_order((unsigned long)min_objects * size);	/* >= SLUB_MIN_ORDER (0) */
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((unsigned long)size * MAX_OBJS_PER_PAGE) - 1;
	for (unsigned int fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order, SLUB_MAX_ORDER, fraction);
		if (order <= SLUB_MAX_ORDER)
			return (int)order;
	}
	order = get_order(size);
	return order <= MAX_PAGE_ORDER ? (int)order : -ENOSYS;
}

/* Where the free pointer goes and how big a slot is, as calculate_sizes(). */
static void calculate_layout(struct machine *m, struct kmem_cache *s)
{
	slab_flags_t flags = s->flags;
	unsigned int size = ALIGN(s->object_size, (unsigned int)sizeof(void *));

	if (((flags & SLAB_POISON) || IS_ENABLED_DEBUG_VM) &&
	    !(flags & SLAB_TYPESAFE_BY_RCU) && !s->ctor)
		s->flags |= __OBJECT_POISON;
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;
	if ((flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) && s->object_size < sizeof(void *))) {
		/* The object must stay intact while free: pointer after it. */
		s->offset = size;
		size += sizeof(void *);
	} else {
		/* Mid-object: an overflow from the previous object misses it. */
		s->offset = ALIGN_DOWN(s->object_size / 2, (unsigned int)sizeof(void *));
	}
	if (flags & SLAB_STORE_USER)
		size += 2 * 32 + ((flags & SLAB_KMALLOC) ? sizeof(unsigned int) : 0);
	if (flags & SLAB_RED_ZONE) {
		size += sizeof(void *);
		s->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	s->size = ALIGN(size, s->align);
	(void)m;
}

static int calculate_sizes(struct machine *m, struct kmem_cache *s)
{
	int order;

	calculate_layout(m, s);
	order = calculate_order(m, s->size);
	if (order < 0)
		return 0;
	s->allocflags = __GFP_COMP;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (s->flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->oo = oo_make((unsigned int)order, s->size);
	s->min = oo_make(get_order(s->size), s->size);
	return oo_objects(s->oo) != 0;
}

/* set_cpu_partial: objects kept per CPU, as a slab count assuming half-full slabs. */
static void set_cpu_partial(struct kmem_cache *s)
{
	unsigned int nr_objects;

	if (!kmem_cache_has_cpu_partial(s))
		nr_objects = 0;
	else if (s->size >= PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	s->cpu_partial = nr_objects;
	s->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2, oo_objects(s->oo));
}

static void init_kmem_cache_node(struct kmem_cache_node *n)
{
	spin_lock_init(&n->list_lock, LOCK_SLAB_LIST);
	n->nr_partial = 0;
	INIT_LIST_HEAD(&n->partial);
	n->nr_slabs = 0;
	n->total_objects = 0;
	INIT_LIST_HEAD(&n->full);
}

/*
 * early_kmem_cache_node_alloc: while the kmem_cache_node cache is being
 * created it cannot allocate its own node structs; carve the first one out
 * of a fresh slab by hand and park that slab on the node's partial list.
 */
static int early_kmem_cache_node_alloc(struct machine *m, int nid)
{
	struct kmem_cache *s = m->kmem_cache_node;
	struct kmem_cache_node *n;
	struct page *slab = new_slab(m, s, GFP_NOWAIT, nid);

	if (!slab)
		return -ENOMEM;
	n = slab->freelist;
	slab->freelist = get_freepointer(s, n);
	slab->inuse = 1;
	if (page_to_nid(slab) != nid)	/* boot: the node has free memory */
		mmsim_warn(__FILE__, __LINE__, "early kmem_cache_node slab off its node");
	s->node[page_to_nid(slab)] = n;
	init_kmem_cache_node(n);
	inc_slabs_node(s, page_to_nid(slab), slab->objects);
	add_partial(n, slab, DEACTIVATE_TO_HEAD);
	return 0;
}

/* Linux gives node structs to N_NORMAL_MEMORY nodes only. */
static bool node_has_memory(const struct machine *m, int nid)
{
	return NODE_DATA(m, nid) && NODE_DATA(m, nid)->node_present_pages;
}

static int init_kmem_cache_nodes(struct machine *m, struct kmem_cache *s)
{
	int nid;

	for_each_online_node(m, nid) {
		struct kmem_cache_node *n;

		if (s->node[nid] || !node_has_memory(m, nid))
			continue;
		if (!m->kmem_cache) {	/* slab_state == DOWN */
			if (early_kmem_cache_node_alloc(m, nid))
				return -ENOMEM;
			continue;
		}
		n = kmem_cache_alloc_node(m, m->kmem_cache_node, GFP_KERNEL, nid);
		if (!n)
			return -ENOMEM;
		init_kmem_cache_node(n);
		s->node[nid] = n;
	}
	return 0;
}

static void free_kmem_cache_nodes(struct machine *m, struct kmem_cache *s)
{
	int nid;

	for_each_online_node(m, nid) {
		if (s->node[nid] && s != m->kmem_cache_node)
			kmem_cache_free(m, m->kmem_cache_node, s->node[nid]);
		s->node[nid] = NULL;
	}
}

int __kmem_cache_create(struct machine *m, struct kmem_cache *s, slab_flags_t flags)
{
	s->flags = flags;
	if (!calculate_sizes(m, s))
		return -EINVAL;
	s->min_partial = min_t(unsigned long, MAX_PARTIAL, (unsigned long)(fls(s->size) - 1) / 2);
	s->min_partial = max_t(unsigned long, MIN_PARTIAL, s->min_partial);
	set_cpu_partial(s);
	if (init_kmem_cache_nodes(m, s))
		goto fail;
	s->cpu_slab = __alloc_percpu(m, sizeof(struct kmem_cache_cpu), 2 * sizeof(void *));
	if (!s->cpu_slab)
		goto fail;
	return 0;
fail:
	free_kmem_cache_nodes(m, s);
	return -ENOMEM;
}

/* free_partial: discard the empty partial slabs, outside the list lock. */
static void free_partial(struct machine *m, struct kmem_cache *s, struct kmem_cache_node *n)
{
	struct page *slab, *tmp;
	struct list_head discard = LIST_HEAD_INIT(discard);

	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		if (slab->inuse)
			continue;
		remove_partial(n, slab);
		list_add(&slab->slab_list, &discard);
	}
	spin_unlock(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, &discard, slab_list)
		discard_slab(m, s, slab);
}

int __kmem_cache_shutdown(struct machine *m, struct kmem_cache *s)
{
	int nid, ret = 0;

	flush_all_cpus(m, s);
	for_each_online_node(m, nid) {
		struct kmem_cache_node *n = get_node(s, nid);

		if (!n)
			continue;
		free_partial(m, s, n);
		if (n->nr_slabs) {
			slab_bug(m, s, "Objects remaining on __kmem_cache_shutdown()");
			ret = -EBUSY;
		}
	}
	return ret;
}

void __kmem_cache_release(struct machine *m, struct kmem_cache *s)
{
	if (s->cpu_slab)
		free_percpu(m, s->cpu_slab);
	s->cpu_slab = NULL;
	free_kmem_cache_nodes(m, s);
}

size_t __ksize(struct machine *m, const struct kmem_cache *s)
{
	(void)m;
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		return s->inuse;
	return s->size;
}

/* ---- boot ---- */

/*
 * bootstrap: move a cache built in a static (here: stack) boot copy into an
 * object of the kmem_cache cache, and make its slabs point at the new home.
 */
static struct kmem_cache *bootstrap(struct machine *m, struct kmem_cache *boot)
{
	struct kmem_cache *s = kmem_cache_alloc(m, m->kmem_cache, GFP_NOWAIT | __GFP_ZERO);
	struct page *slab;
	int nid;

	if (!s)
		return NULL;
	memcpy(s, boot, m->kmem_cache->object_size);
	flush_all_cpus(m, s);
	for_each_online_node(m, nid) {
		struct kmem_cache_node *n = get_node(s, nid);

		if (!n)
			continue;
		list_for_each_entry(slab, &n->partial, slab_list)
			slab->slab_cache = s;
		list_for_each_entry(slab, &n->full, slab_list)
			slab->slab_cache = s;
	}
	list_add(&s->list, &m->slab_caches);
	return s;
}

int kmem_cache_init(struct machine *m)
{
	struct kmem_cache boot_kmem_cache, boot_kmem_cache_node;
	unsigned int kmem_cache_size;

	memset(&boot_kmem_cache, 0, sizeof(boot_kmem_cache));
	memset(&boot_kmem_cache_node, 0, sizeof(boot_kmem_cache_node));
	m->kmem_cache = NULL;
	m->kmem_cache_node = &boot_kmem_cache_node;
	if (create_boot_cache(m, m->kmem_cache_node, "kmem_cache_node",
			      sizeof(struct kmem_cache_node), SLAB_HWCACHE_ALIGN))
		goto fail;
	/* Like Linux, struct kmem_cache is sized for the nodes that exist. */
	kmem_cache_size = (unsigned int)(offsetof(struct kmem_cache, node) +
					 (size_t)m->nr_nodes * sizeof(struct kmem_cache_node *));
	m->kmem_cache = &boot_kmem_cache;
	if (create_boot_cache(m, m->kmem_cache, "kmem_cache", kmem_cache_size,
			      SLAB_HWCACHE_ALIGN))
		goto fail;
	m->kmem_cache = bootstrap(m, &boot_kmem_cache);
	if (!m->kmem_cache)
		goto fail;
	m->kmem_cache_node = bootstrap(m, &boot_kmem_cache_node);
	if (!m->kmem_cache_node)
		goto fail;
	return create_kmalloc_caches(m);
fail:
	m->kmem_cache = m->kmem_cache_node = NULL;
	INIT_LIST_HEAD(&m->slab_caches);
	return -ENOMEM;
}

/* At machine shutdown the frames go away with the machine: just forget. */
void kmem_cache_shutdown_all(struct machine *m)
{
	INIT_LIST_HEAD(&m->slab_caches);
	m->kmem_cache = m->kmem_cache_node = NULL;
	memset(m->kmalloc_caches, 0, sizeof(m->kmalloc_caches));
}

/* ---- /proc/slabinfo ---- */

static unsigned long count_partial_free(const struct kmem_cache_node *n)
{
	const struct page *slab;
	unsigned long x = 0;

	list_for_each_entry(slab, &n->partial, slab_list)
		x += slab->objects - slab->inuse;
	return x;
}

void get_slabinfo(struct machine *m, struct kmem_cache *s, struct slabinfo *info)
{
	unsigned long nr_slabs = 0, nr_objs = 0, nr_free = 0;
	int nid;

	for_each_online_node(m, nid) {
		struct kmem_cache_node *n = get_node(s, nid);

		if (!n)
			continue;
		nr_slabs += n->nr_slabs;
		nr_objs += n->total_objects;
		if (n->nr_partial <= MAX_PARTIAL_TO_SCAN)
			nr_free += count_partial_free(n);
	}
	/* CPU slabs and cpu partial slabs count as fully active, as in Linux. */
	info->active_objs = nr_objs - nr_free;
	info->num_objs = nr_objs;
	info->active_slabs = nr_slabs;
	info->num_slabs = nr_slabs;
	info->objects_per_slab = oo_objects(s->oo);
	info->cache_order = oo_order(s->oo);
}

/* ---- validation ---- */

struct slab_census {
	unsigned long slabs[MAX_NUMNODES];
	unsigned long objects[MAX_NUMNODES];
	unsigned char seen[MAX_OBJS_PER_PAGE / 8 + 1];
};

static int report(struct machine *m, const struct kmem_cache *s, const struct page *slab,
		  const char *what)
{
	printk(m, "validate_slab_cache %s: slab pfn %#lx: %s", s->name,
	       page_to_pfn(m, slab), what);
	return 1;
}

/* Walk one free list of slab, marking objects; returns the count or -1. */
static long walk_free(struct machine *m, const struct kmem_cache *s, const struct page *slab,
		      void *fp, struct slab_census *c)
{
	long nr = 0;

	for (; fp; fp = get_freepointer(s, fp)) {
		size_t idx;

		if (!check_valid_pointer(m, s, slab, fp))
			return -1;
		idx = (size_t)((char *)fp - slab_objects_start(m, s, slab)) / s->size;
		if (c->seen[idx / 8] & (1u << (idx % 8)))
			return -1;	/* on a list twice, or a cycle */
		c->seen[idx / 8] |= (unsigned char)(1u << (idx % 8));
		nr++;
	}
	return nr;
}

static int validate_slab(struct machine *m, struct kmem_cache *s, struct page *slab,
			 void *cpu_freelist, struct slab_census *c)
{
	long nr, nr_cpu = 0;
	int nid = page_to_nid(slab);

	if (!PageSlab(slab) || slab->slab_cache != s)
		return report(m, s, slab, "not a slab of this cache");
	if (slab->objects != oo_objects(s->oo) && slab->objects != oo_objects(s->min))
		return report(m, s, slab, "object count is neither oo nor min");
	memset(c->seen, 0, DIV_ROUND_UP(slab->objects, 8));
	nr = walk_free(m, s, slab, slab->freelist, c);
	if (nr >= 0 && cpu_freelist)
		nr_cpu = walk_free(m, s, slab, cpu_freelist, c);
	if (nr < 0 || nr_cpu < 0)
		return report(m, s, slab, "free object off a boundary or on two lists");
	if (slab->inuse != slab->objects - nr)
		return report(m, s, slab, "inuse disagrees with the free list");
	c->slabs[nid]++;
	c->objects[nid] += slab->objects;
	return 0;
}

static int validate_slab_cache(struct machine *m, struct kmem_cache *s, struct slab_census *c)
{
	int problems = 0, cpu, nid;
	struct page *slab;

	memset(c->slabs, 0, sizeof(c->slabs));
	memset(c->objects, 0, sizeof(c->objects));
	for_each_cpu(m, cpu) {
		struct kmem_cache_cpu *cc = per_cpu_slab(m, s, cpu);

		if (cc->slab) {
			if (!cc->slab->frozen)
				problems += report(m, s, cc->slab, "cpu slab not frozen");
			problems += validate_slab(m, s, cc->slab, cc->freelist, c);
		}
		for (slab = cc->partial; slab; slab = slab_next(slab)) {
			if (slab->frozen || PageWorkingset(slab) || !slab->freelist)
				problems += report(m, s, slab, "bad cpu partial slab");
			problems += validate_slab(m, s, slab, NULL, c);
		}
	}
	for_each_online_node(m, nid) {
		struct kmem_cache_node *n = get_node(s, nid);
		unsigned long nr_partial = 0;

		if (!n)
			continue;
		list_for_each_entry(slab, &n->partial, slab_list) {
			nr_partial++;
			if (slab->frozen || !PageWorkingset(slab) || !slab->freelist ||
			    page_to_nid(slab) != nid)
				problems += report(m, s, slab, "bad node partial slab");
			problems += validate_slab(m, s, slab, NULL, c);
		}
		if (nr_partial != n->nr_partial) {
			printk(m, "validate_slab_cache %s: node %d nr_partial %lu, list has %lu",
			       s->name, nid, n->nr_partial, nr_partial);
			problems++;
		}
		list_for_each_entry(slab, &n->full, slab_list) {
			if (slab->frozen || slab->freelist || slab->inuse != slab->objects)
				problems += report(m, s, slab, "bad full slab");
			problems += validate_slab(m, s, slab, NULL, c);
		}
		/* Without the debug full list, full slabs are not found: a bound. */
		if (IS_ENABLED_DEBUG_VM ? (c->slabs[nid] != n->nr_slabs ||
					   c->objects[nid] != n->total_objects)
					: (c->slabs[nid] > n->nr_slabs ||
					   c->objects[nid] > n->total_objects)) {
			printk(m, "validate_slab_cache %s: node %d counts %lu slabs/%lu objects, "
			       "found %lu/%lu", s->name, nid, n->nr_slabs, n->total_objects,
			       c->slabs[nid], c->objects[nid]);
			problems++;
		}
	}
	return problems;
}

int validate_slab_caches(struct machine *m)
{
	struct slab_census census;	/* scratch on the stack (5 KiB) */
	struct kmem_cache *s;
	int problems = 0;

	list_for_each_entry(s, &m->slab_caches, list)
		problems += validate_slab_cache(m, s, &census);
	return problems;
}
