/*
 * hugetlb.c - the hugetlb pools: one struct hstate per page size, pages
 * moving between the buddy allocator, the free lists and the mappings, the
 * reservation accounting of mmap, and the reports (meminfo, /sys) and
 * validation of all that (Linux 6.x mm/hugetlb.c; see hugetlb.h for the
 * page states and counters).
 *
 * Pool pages: a fresh page is a compound page of order 9 (2 MiB) from the
 * buddy allocator (__GFP_THISNODE | __GFP_RETRY_MAYFAIL | __GFP_NOWARN:
 * when no free block of that order exists the pool simply stops growing,
 * as Linux's does on a fragmented machine), or a 1 GiB range memblock set
 * aside at boot. Its head gets the PGTY_hugetlb page type; NR_HUGETLB
 * counts every pool page (free, in use, surplus) in base pages.
 *
 * Accounting (hugetlb_lock in Linux; a flag here, taken in the same
 * places): nr_huge_pages = free + in use per node; surplus pages are part
 * of nr_huge_pages and go back to the buddy allocator when freed;
 * resv_huge_pages <= free_huge_pages (gather_surplus_pages grows the pool
 * before a reservation is taken).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "hugetlb.h"
#include "internal.h"
#include "memory.h"
#include "pgalloc.h"
#include "printk.h"
#include "seq_buf.h"
#include "vma.h"

/* Flags of an in-use page, in head->private (Linux's HPG_* bits). */
#define HPG_restore_reserve	(1UL << 0)
#define HPG_freed		(1UL << 3)

#define htlb_alloc_mask	(GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_RETRY_MAYFAIL | \
			 __GFP_NOWARN | __GFP_THISNODE)

static inline struct hugetlb_state *hs(struct machine *m)
{
	return &m->hugetlb;
}

static inline bool folio_test_restore_reserve(const struct page *head)
{
	return head->private & HPG_restore_reserve;
}

static inline void folio_set_restore_reserve(struct page *head, bool on)
{
	if (on)
		head->private |= HPG_restore_reserve;
	else
		head->private &= ~HPG_restore_reserve;
}

/* ---------------------------------------------------------------------- */
/* hstates                                                                 */
/* ---------------------------------------------------------------------- */

static void hugetlb_add_hstate(struct machine *m, int idx, unsigned int order)
{
	struct hstate *h = &hs(m)->hstates[idx];

	memset(h, 0, sizeof(*h));
	h->order = order;
	h->mask = ~((PAGE_SIZE << order) - 1);
	snprintf(h->name, sizeof(h->name), "hugepages-%lukB", (PAGE_SIZE << order) >> 10);
	INIT_LIST_HEAD(&h->hugepage_activelist);
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		INIT_LIST_HEAD(&h->hugepage_freelists[nid]);
}

struct hstate *default_hstate(struct machine *m)
{
	return &hs(m)->hstates[hs(m)->default_hstate_idx];
}

int hstate_index(struct machine *m, const struct hstate *h)
{
	return (int)(h - hs(m)->hstates);
}

struct hstate *size_to_hstate(struct machine *m, unsigned long size)
{
	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		if (huge_page_size(&hs(m)->hstates[i]) == size)
			return &hs(m)->hstates[i];
	return NULL;
}

struct hstate *hstate_sizelog(struct machine *m, unsigned int page_size_log)
{
	if (!page_size_log)
		return default_hstate(m);
	if (page_size_log >= 64)
		return NULL;
	return size_to_hstate(m, 1UL << page_size_log);
}

struct hstate *hstate_file(const struct file *file)
{
	return file->f_mapping->hstate;
}

struct hstate *hstate_vma(const struct vm_area_struct *vma)
{
	return hstate_file(vma->vm_file);
}

/* ---------------------------------------------------------------------- */
/* Reservation maps                                                        */
/* ---------------------------------------------------------------------- */

#define BITS_PER_LONG_	64

struct resv_map *resv_map_alloc(struct machine *m, unsigned long nr)
{
	size_t words = (nr + BITS_PER_LONG_ - 1) / BITS_PER_LONG_;
	struct resv_map *map = kzalloc(m, sizeof(*map) + words * sizeof(unsigned long),
				       GFP_KERNEL);

	if (!map)
		return NULL;
	map->refs = 1;
	map->nr = nr;
	return map;
}

void resv_map_put(struct machine *m, struct resv_map *map)
{
	VM_BUG_ON(map->refs <= 0);
	if (--map->refs == 0)
		kfree(m, map);
}

bool resv_map_test(const struct resv_map *map, unsigned long idx)
{
	return idx < map->nr && ((map->bits[idx / BITS_PER_LONG_] >> (idx % BITS_PER_LONG_)) & 1);
}

void resv_map_set(struct resv_map *map, unsigned long idx)
{
	if (idx < map->nr)
		map->bits[idx / BITS_PER_LONG_] |= 1UL << (idx % BITS_PER_LONG_);
}

void resv_map_clear(struct resv_map *map, unsigned long idx)
{
	if (idx < map->nr)
		map->bits[idx / BITS_PER_LONG_] &= ~(1UL << (idx % BITS_PER_LONG_));
}

unsigned long resv_map_count(const struct resv_map *map, unsigned long from, unsigned long to)
{
	unsigned long n = 0;

	for (unsigned long i = from; i < to && i < map->nr; i++)
		n += resv_map_test(map, i);
	return n;
}

struct resv_map *vma_resv_map(const struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYSHARE)
		return vma->vm_file->f_mapping->resv_map;
	return (struct resv_map *)((unsigned long)vma->vm_private_data & ~HPAGE_RESV_MASK);
}

bool is_vma_resv_set(const struct vm_area_struct *vma, unsigned long flag)
{
	return !(vma->vm_flags & VM_MAYSHARE) && ((unsigned long)vma->vm_private_data & flag);
}

unsigned long vma_hugecache_offset(const struct hstate *h, const struct vm_area_struct *vma,
				   unsigned long addr)
{
	return ((addr - vma->vm_start) >> (h->order + PAGE_SHIFT)) + (vma->vm_pgoff >> h->order);
}

/* ---------------------------------------------------------------------- */
/* Pool pages                                                              */
/* ---------------------------------------------------------------------- */

/* A compound page becomes a (free-to-be) hugetlb folio: refcount 0, typed. */
static void init_new_hugetlb_folio(struct machine *m, struct hstate *h, struct page *head)
{
	__SetPageHugetlb(head);
	head[1]._mapcount = -1;
	head->private = 0;
	head->mapping = NULL;
	INIT_LIST_HEAD(&head->lru);
	set_page_count(head, 0);
	mod_node_page_state(page_pgdat(m, head), NR_HUGETLB, (long)pages_per_huge_page(h));
}

static void account_new_folio(struct hstate *h, int nid)
{
	h->nr_huge_pages++;
	h->nr_huge_pages_node[nid]++;
}

/* alloc_buddy_hugetlb_folio on one node; NULL if that node has no free block. */
static struct page *alloc_fresh_hugetlb_folio(struct machine *m, struct hstate *h, int nid)
{
	struct page *head;

	if (hstate_is_gigantic(h))
		return NULL;	/* no alloc_contig_pages in this build */
	head = alloc_pages_node(m, nid, htlb_alloc_mask, h->order);
	count_vm_event(m, head ? HTLB_BUDDY_ALLOC_SUCCESS : HTLB_BUDDY_ALLOC_FAIL);
	if (!head)
		return NULL;
	init_new_hugetlb_folio(m, h, head);
	return head;
}

/* The next node to allocate on, round-robin over the nodes (or only nid). */
static int next_node_to_alloc(struct machine *m, struct hstate *h)
{
	int nid = h->next_nid_to_alloc % m->nr_nodes;

	h->next_nid_to_alloc = (nid + 1) % m->nr_nodes;
	return nid;
}

static int next_node_to_free(struct machine *m, struct hstate *h)
{
	int nid = h->next_nid_to_free % m->nr_nodes;

	h->next_nid_to_free = (nid + 1) % m->nr_nodes;
	return nid;
}

/* alloc_pool_huge_folio: a fresh page on the next node that has one. */
static struct page *alloc_pool_huge_folio(struct machine *m, struct hstate *h, int only_nid)
{
	if (only_nid >= 0)
		return alloc_fresh_hugetlb_folio(m, h, only_nid);
	for (int tries = 0; tries < m->nr_nodes; tries++) {
		struct page *head = alloc_fresh_hugetlb_folio(m, h, next_node_to_alloc(m, h));

		if (head)
			return head;
	}
	return NULL;
}

static void enqueue_hugetlb_folio(struct hstate *h, struct page *head)
{
	int nid = page_to_nid(head);

	VM_BUG_ON(page_ref_count(head));
	list_move(&head->lru, &h->hugepage_freelists[nid]);
	h->free_huge_pages++;
	h->free_huge_pages_node[nid]++;
	head->private |= HPG_freed;
}

/* Take a free page of node nid into use: refcount 1, on the active list. */
static struct page *dequeue_hugetlb_folio_node(struct hstate *h, int nid)
{
	struct page *head;

	if (list_empty(&h->hugepage_freelists[nid]))
		return NULL;
	head = list_first_entry(&h->hugepage_freelists[nid], struct page, lru);
	list_move(&head->lru, &h->hugepage_activelist);
	h->free_huge_pages--;
	h->free_huge_pages_node[nid]--;
	head->private &= ~HPG_freed;
	set_page_count(head, 1);
	return head;
}

/* The local node first, then the others in distance order (zonelist). */
static struct page *dequeue_hugetlb_folio(struct machine *m, struct hstate *h)
{
	int local = numa_node_id(m);
	struct page *head = dequeue_hugetlb_folio_node(h, local);

	for (int d = 1; !head && d < m->nr_nodes; d++)
		head = dequeue_hugetlb_folio_node(h, (local + d) % m->nr_nodes);
	return head;
}

/* remove_hugetlb_folio: out of the pool's lists and counters. */
static void remove_hugetlb_folio(struct hstate *h, struct page *head, bool adjust_surplus)
{
	int nid = page_to_nid(head);

	list_del_init(&head->lru);
	if (head->private & HPG_freed) {
		h->free_huge_pages--;
		h->free_huge_pages_node[nid]--;
		head->private &= ~HPG_freed;
	}
	if (adjust_surplus) {
		h->surplus_huge_pages--;
		h->surplus_huge_pages_node[nid]--;
	}
	h->nr_huge_pages--;
	h->nr_huge_pages_node[nid]--;
}

/* update_and_free_hugetlb_folio: the page goes back to the buddy allocator. */
static void update_and_free_hugetlb_folio(struct machine *m, struct hstate *h, struct page *head)
{
	unsigned long nr = pages_per_huge_page(h);

	mod_node_page_state(page_pgdat(m, head), NR_HUGETLB, -(long)nr);
	head[1]._mapcount = -1;
	__ClearPageHugetlb(head);
	head->private = 0;
	head->mapping = NULL;
	head->lru.next = head->lru.prev = NULL;
	set_page_count(head, 1);
	if (!hstate_is_gigantic(h)) {
		__free_pages(m, head, h->order);
		return;
	}
	/* free_contig_range: a gigantic page goes back as MAX_ORDER blocks. */
	ClearPageHead(head);
	for (unsigned long i = 1; i < nr; i++) {
		head[i].compound_head = 0;
		head[i].compound_order = 0;
		head[i].mapping = NULL;
	}
	for (unsigned long i = 0; i < nr; i += MAX_ORDER_NR_PAGES) {
		set_page_count(head + i, 1);
		__free_pages(m, head + i, MAX_PAGE_ORDER);
	}
}

/*
 * remove_pool_hugetlb_folio: a free page to give back, from the next node
 * to free on that has one (and a surplus page there, if acct_surplus).
 */
static struct page *remove_pool_hugetlb_folio(struct machine *m, struct hstate *h, int only_nid,
					      bool acct_surplus)
{
	for (int tries = 0; tries < m->nr_nodes; tries++) {
		int nid = only_nid >= 0 ? only_nid : next_node_to_free(m, h);
		struct page *head;

		if ((!acct_surplus || h->surplus_huge_pages_node[nid]) &&
		    !list_empty(&h->hugepage_freelists[nid])) {
			head = list_first_entry(&h->hugepage_freelists[nid], struct page, lru);
			remove_hugetlb_folio(h, head, acct_surplus);
			return head;
		}
		if (only_nid >= 0)
			break;
	}
	return NULL;
}

/* A surplus page (alloc_surplus_hugetlb_folio), within nr_overcommit_hugepages. */
static struct page *alloc_surplus_hugetlb_folio(struct machine *m, struct hstate *h)
{
	struct page *head;
	int nid;

	if (hstate_is_gigantic(h))
		return NULL;
	if (h->surplus_huge_pages >= h->nr_overcommit_huge_pages)
		return NULL;
	head = alloc_pool_huge_folio(m, h, -1);
	if (!head)
		return NULL;
	nid = page_to_nid(head);
	account_new_folio(h, nid);
	h->surplus_huge_pages++;
	h->surplus_huge_pages_node[nid]++;
	return head;
}

/* ---------------------------------------------------------------------- */
/* Resizing the pool: set_max_huge_pages                                   */
/* ---------------------------------------------------------------------- */

static inline unsigned long persistent_huge_pages(const struct hstate *h)
{
	return h->nr_huge_pages - h->surplus_huge_pages;
}

/* One page between surplus and persistent (delta -1: surplus -> persistent). */
static bool adjust_pool_surplus(struct machine *m, struct hstate *h, int only_nid, int delta)
{
	for (int tries = 0; tries < m->nr_nodes; tries++) {
		int nid = only_nid >= 0 ? only_nid :
			  delta < 0 ? next_node_to_alloc(m, h) : next_node_to_free(m, h);

		if (delta < 0 ? h->surplus_huge_pages_node[nid] > 0 :
				h->surplus_huge_pages_node[nid] < h->nr_huge_pages_node[nid]) {
			h->surplus_huge_pages += (unsigned long)delta;
			h->surplus_huge_pages_node[nid] += (unsigned long)delta;
			return true;
		}
		if (only_nid >= 0)
			break;
	}
	return false;
}

int set_max_huge_pages(struct machine *m, struct hstate *h, unsigned long count, int nid)
{
	unsigned long min_count;
	struct page *head;

	/* A per-node count is a change of the global one (__nr_hugepages_store_common). */
	if (nid >= 0) {
		if (nid >= m->nr_nodes)
			return -EINVAL;
		count += persistent_huge_pages(h) -
			 (h->nr_huge_pages_node[nid] - h->surplus_huge_pages_node[nid]);
	}
	if (hstate_is_gigantic(h) && count > persistent_huge_pages(h))
		return -EINVAL;	/* gigantic_page_runtime_supported() is false */

	while (h->surplus_huge_pages && count > persistent_huge_pages(h))
		if (!adjust_pool_surplus(m, h, nid, -1))
			break;
	while (count > persistent_huge_pages(h)) {
		head = alloc_pool_huge_folio(m, h, nid);
		if (!head)
			break;	/* fragmented or full: the pool stays smaller */
		account_new_folio(h, page_to_nid(head));
		enqueue_hugetlb_folio(h, head);
	}

	/* Free pages above the target go, keeping what reservations need. */
	min_count = h->nr_huge_pages - h->free_huge_pages + (unsigned long)max(h->resv_huge_pages, 0L);
	min_count = max(count, min_count);
	while (min_count < persistent_huge_pages(h)) {
		head = remove_pool_hugetlb_folio(m, h, nid, false);
		if (!head)
			break;
		update_and_free_hugetlb_folio(m, h, head);
	}
	/* The rest shrinks as pages are freed: they become surplus. */
	while (count < persistent_huge_pages(h))
		if (!adjust_pool_surplus(m, h, nid, 1))
			break;
	h->max_huge_pages = persistent_huge_pages(h);
	return 0;
}

int hugetlb_set_overcommit(struct machine *m, struct hstate *h, unsigned long count)
{
	(void)m;
	if (hstate_is_gigantic(h))
		return -EINVAL;
	h->nr_overcommit_huge_pages = count;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Reservations                                                            */
/* ---------------------------------------------------------------------- */

/* Give back unused reservations; surplus pages they held go to the buddy. */
static void return_unused_surplus_pages(struct machine *m, struct hstate *h,
					unsigned long unused)
{
	unsigned long nr;

	h->resv_huge_pages -= (long)unused;
	if (hstate_is_gigantic(h))
		return;
	nr = min(unused, h->surplus_huge_pages);
	while (nr--) {
		struct page *head = remove_pool_hugetlb_folio(m, h, -1, true);

		if (!head)
			break;
		update_and_free_hugetlb_folio(m, h, head);
	}
}

/*
 * gather_surplus_pages: make sure delta more reservations are backed by
 * free pages, allocating surplus pages if the pool is short. 0 or -ENOMEM.
 */
static int gather_surplus_pages(struct machine *m, struct hstate *h, long delta)
{
	long needed = h->resv_huge_pages + delta - (long)h->free_huge_pages;
	struct page *head;

	if (needed <= 0) {
		h->resv_huge_pages += delta;
		return 0;
	}
	for (long i = 0; i < needed; i++) {
		head = alloc_surplus_hugetlb_folio(m, h);
		if (!head) {
			/* Give back what was gathered: free surplus pages go to the buddy. */
			while (i--) {
				head = remove_pool_hugetlb_folio(m, h, -1, true);
				if (head)
					update_and_free_hugetlb_folio(m, h, head);
			}
			return -ENOMEM;
		}
		enqueue_hugetlb_folio(h, head);
	}
	h->resv_huge_pages += delta;
	return 0;
}

int hugetlb_acct_memory(struct machine *m, struct hstate *h, long delta)
{
	if (delta > 0) {
		if (gather_surplus_pages(m, h, delta) < 0)
			return -ENOMEM;
		/* allowed_mems_nr: the free pages of the nodes we may use (all). */
		if ((unsigned long)delta > h->free_huge_pages) {
			return_unused_surplus_pages(m, h, (unsigned long)delta);
			return -ENOMEM;
		}
		return 0;
	}
	if (delta < 0)
		return_unused_surplus_pages(m, h, (unsigned long)-delta);
	return 0;
}

/* Does the fault at idx of vma use a reservation (vma_needs_reservation == 0)? */
static bool vma_has_reserves(const struct vm_area_struct *vma, unsigned long idx)
{
	struct resv_map *map = vma_resv_map(vma);

	if (vma->vm_flags & VM_MAYSHARE)
		return map && resv_map_test(map, idx);
	if (!map || !is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		return false;	/* a fork child, or MAP_NORESERVE */
	return !resv_map_test(map, idx);
}

/* vma_commit_reservation: the map records the index as used. */
static void vma_commit_reservation(struct vm_area_struct *vma, unsigned long idx)
{
	struct resv_map *map = vma_resv_map(vma);

	if (!map)
		return;
	if (!(vma->vm_flags & VM_MAYSHARE) && !is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		return;
	resv_map_set(map, idx);
}

struct page *alloc_hugetlb_folio(struct vm_area_struct *vma, unsigned long addr,
				 bool avoid_reserve)
{
	struct machine *m = vma->vm_mm->machine;
	struct hstate *h = hstate_vma(vma);
	unsigned long idx = vma_hugecache_offset(h, vma, addr);
	bool reserved = !avoid_reserve && vma_has_reserves(vma, idx);
	struct page *head = NULL;

	if (reserved) {
		head = dequeue_hugetlb_folio(m, h);
		if (WARN_ON_ONCE(!head))
			return NULL;	/* a reservation without a free page: a bug */
		h->resv_huge_pages--;
		folio_set_restore_reserve(head, true);
	} else if ((long)h->free_huge_pages - h->resv_huge_pages > 0) {
		head = dequeue_hugetlb_folio(m, h);
	} else {
		head = alloc_surplus_hugetlb_folio(m, h);
		if (head) {
			list_move(&head->lru, &h->hugepage_activelist);
			set_page_count(head, 1);
		}
	}
	if (!head)
		return NULL;
	if (!avoid_reserve)
		vma_commit_reservation(vma, idx);
	return head;
}

void restore_reserve_on_error(struct hstate *h, struct vm_area_struct *vma,
			      unsigned long addr, struct page *head)
{
	unsigned long idx = vma_hugecache_offset(h, vma, addr);
	struct resv_map *map = vma_resv_map(vma);

	if (!map)
		return;
	/* Private: the index is unconsumed again; shared: only if no reservation was used. */
	if (!(vma->vm_flags & VM_MAYSHARE) || !folio_test_restore_reserve(head))
		resv_map_clear(map, idx);
}

void free_huge_folio(struct machine *m, struct page *head)
{
	struct hstate *h = size_to_hstate(m, PAGE_SIZE << compound_order(head));
	int nid = page_to_nid(head);

	VM_BUG_ON_PAGE(!h || page_ref_count(head) || hugetlb_mapcount(head), m, head);
	if (folio_test_restore_reserve(head)) {
		folio_set_restore_reserve(head, false);
		h->resv_huge_pages++;
	}
	head->mapping = NULL;
	ClearPageAnonExclusive(head);
	ClearPageDirty(head);
	ClearPageUptodate(head);
	if (h->surplus_huge_pages_node[nid]) {
		remove_hugetlb_folio(h, head, true);
		update_and_free_hugetlb_folio(m, h, head);
		return;
	}
	enqueue_hugetlb_folio(h, head);
}

/* ---------------------------------------------------------------------- */
/* Boot                                                                    */
/* ---------------------------------------------------------------------- */

/*
 * hugepagesz=1G hugepages=N: gigantic pages come from memblock before the
 * buddy allocator takes memory over, node by node round-robin, 1 GiB
 * aligned (alloc_bootmem_huge_page). They become pool pages in
 * hugetlb_init, which counts their frames into MemTotal.
 */
/*
 * The boot count of hstate idx: its hugepagesz= pair, else a hugepages=
 * given before any hugepagesz= if idx is the default size
 * (default_hstate_max_huge_pages).
 */
static unsigned long boot_hugepages(const struct boot_config *cfg, int idx)
{
	int def = cfg->default_hugepagesz_1g ? HSTATE_1G : HSTATE_2M;

	if (cfg->hugepages[idx] || idx != def)
		return cfg->hugepages[idx];
	return cfg->hugepages_default;
}

void hugetlb_bootmem_alloc(struct machine *m)
{
	unsigned long want = boot_hugepages(&m->cfg, HSTATE_1G);
	struct hugetlb_state *st = hs(m);

	for (unsigned long i = 0; i < want && st->nr_boot_gigantic < (int)ARRAY_SIZE(st->boot_gigantic_pfn); i++) {
		uint64_t pa = 0;

		for (int tries = 0; tries < m->nr_nodes && !pa; tries++)
			pa = memblock_phys_alloc_nid(&m->memblock, PUD_SIZE, PUD_SIZE,
						     (int)((i + (unsigned long)tries) % (unsigned long)m->nr_nodes),
						     UINT64_MAX);
		if (!pa) {
			printk(m, "HugeTLB: allocating %lu of page size 1.00 GiB failed.  Only allocated %lu hugepages.",
			       want, i);
			break;
		}
		st->boot_gigantic_pfn[st->nr_boot_gigantic++] = (unsigned long)PFN_DOWN(pa);
	}
}

/* The zone spanning pfn (the memmap of a boot gigantic page may be unwritten). */
static struct zone *pfn_zone(struct machine *m, unsigned long pfn)
{
	struct zone *zone;
	int nid, zi;

	for_each_zone(m, zone, nid, zi)
		if (zone->spanned_pages && pfn >= zone->zone_start_pfn &&
		    pfn < zone->zone_start_pfn + zone->spanned_pages)
			return zone;
	return NULL;
}

/*
 * gather_bootmem_prealloc: a memblock gigantic range becomes a pool page.
 * Its descriptors were left for deferred init when memblock was still
 * free there, so they are written here (hugetlb_bootmem_init_folio).
 */
static void prep_bootmem_gigantic(struct machine *m, struct hstate *h, unsigned long pfn)
{
	struct page *head = pfn_to_page(m, pfn);
	unsigned long nr = pages_per_huge_page(h);
	struct zone *zone = pfn_zone(m, pfn);

	BUG_ON(!zone);
	for (unsigned long i = 0; i < nr; i++) {
		memset(head + i, 0, sizeof(*head));
		set_page_links(head + i, zone->idx, zone_to_nid(zone));
		head[i]._mapcount = -1;
	}
	SetPageHead(head);
	for (unsigned long i = 1; i < nr; i++)
		head[i].compound_head = (unsigned long)head | 1;
	head[1].compound_order = (unsigned char)h->order;
	/* adjust_managed_page_count: the frames are the kernel's to manage now. */
	zone->managed_pages += nr;
	m->totalram_pages += nr;
	init_new_hugetlb_folio(m, h, head);
	account_new_folio(h, page_to_nid(head));
	enqueue_hugetlb_folio(h, head);
}

int hugetlb_init(struct machine *m)
{
	struct hugetlb_state *st = hs(m);
	struct hstate *h;

	hugetlb_add_hstate(m, HSTATE_2M, HUGETLB_PAGE_ORDER);
	hugetlb_add_hstate(m, HSTATE_1G, HUGETLB_GIGANTIC_ORDER);
	st->default_hstate_idx = m->cfg.default_hugepagesz_1g ? HSTATE_1G : HSTATE_2M;
	st->initialised = true;
	h = &st->hstates[HSTATE_1G];
	for (int i = 0; i < st->nr_boot_gigantic; i++)
		prep_bootmem_gigantic(m, h, st->boot_gigantic_pfn[i]);
	h->max_huge_pages = persistent_huge_pages(h);
	/* hugetlb_hstate_alloc_pages: 2 MiB pages come from the buddy at boot. */
	h = &st->hstates[HSTATE_2M];
	if (boot_hugepages(&m->cfg, HSTATE_2M)) {
		unsigned long want = boot_hugepages(&m->cfg, HSTATE_2M);

		set_max_huge_pages(m, h, want, -1);
		if (h->max_huge_pages < want)
			printk(m, "HugeTLB: allocating %lu of page size 2.00 MiB failed.  Only allocated %lu hugepages.",
			       want, h->max_huge_pages);
	}
	for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
		h = &st->hstates[i];
		printk(m, "HugeTLB: registered %s page size, pre-allocated %lu pages",
		       i == HSTATE_2M ? "2.00 MiB" : "1.00 GiB", h->nr_huge_pages);
	}
	m->sysctl.nr_hugepages = (int)default_hstate(m)->max_huge_pages;
	return 0;
}

/* Shutdown: every mapping is gone; the pools' free pages go back. */
void hugetlb_exit(struct machine *m)
{
	struct hugetlb_state *st = hs(m);

	if (!st->initialised)
		return;
	for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
		struct hstate *h = &st->hstates[i];
		struct page *head;

		while ((head = remove_pool_hugetlb_folio(m, h, -1, false)))
			update_and_free_hugetlb_folio(m, h, head);
	}
	st->initialised = false;
}

/* ---------------------------------------------------------------------- */
/* Sysctls                                                                 */
/* ---------------------------------------------------------------------- */

int hugetlb_sysctl_apply(struct machine *m)
{
	struct hstate *h = default_hstate(m);
	int ret;

	if (!hs(m)->initialised)
		return 0;
	ret = set_max_huge_pages(m, h, (unsigned long)m->sysctl.nr_hugepages, -1);
	if (ret)
		return ret;
	m->sysctl.nr_hugepages = (int)h->max_huge_pages;	/* what the file reads back */
	return 0;
}

int hugetlb_overcommit_sysctl_apply(struct machine *m)
{
	if (!hs(m)->initialised)
		return 0;
	return hugetlb_set_overcommit(m, default_hstate(m),
				      (unsigned long)m->sysctl.nr_overcommit_hugepages);
}

/* ---------------------------------------------------------------------- */
/* Reports                                                                 */
/* ---------------------------------------------------------------------- */

void hugetlb_report_node_meminfo(const struct machine *m, int nid, struct seq_buf *s)
{
	const struct hstate *h = &m->hugetlb.hstates[m->hugetlb.default_hstate_idx];

	seq_printf(s, "Node %d HugePages_Total: %5lu\nNode %d HugePages_Free:  %5lu\n"
		      "Node %d HugePages_Surp:  %5lu\n", nid, h->nr_huge_pages_node[nid], nid,
		   h->free_huge_pages_node[nid], nid, h->surplus_huge_pages_node[nid]);
}

void hugetlb_report_meminfo(struct machine *m, struct seq_buf *s)
{
	unsigned long total_kb = 0;

	for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
		struct hstate *h = &hs(m)->hstates[i];

		if (!hs(m)->initialised)
			break;
		total_kb += (huge_page_size(h) >> 10) * h->nr_huge_pages;
		if (i != hs(m)->default_hstate_idx)
			continue;
		seq_printf(s, "HugePages_Total:   %5lu\n", h->nr_huge_pages);
		seq_printf(s, "HugePages_Free:    %5lu\n", h->free_huge_pages);
		seq_printf(s, "HugePages_Rsvd:    %5lu\n", (unsigned long)max(h->resv_huge_pages, 0L));
		seq_printf(s, "HugePages_Surp:    %5lu\n", h->surplus_huge_pages);
		seq_printf(s, "Hugepagesize:   %8lu kB\n", huge_page_size(h) >> 10);
	}
	seq_printf(s, "Hugetlb:        %8lu kB\n", total_kb);
}

#define SYSFS_GLOBAL	"sys/kernel/mm/hugepages/"
#define SYSFS_NODE	"sys/devices/system/node/node"

/* The hstate and file of a /sys path, and the node (-1: global). */
static struct hstate *sysfs_parse(struct machine *m, const char *path, int *nid,
				  const char **file)
{
	const char *p = path;
	char *end;

	if (p[0] == '/')
		p++;
	*nid = -1;
	if (!strncmp(p, SYSFS_GLOBAL, strlen(SYSFS_GLOBAL))) {
		p += strlen(SYSFS_GLOBAL);
	} else if (!strncmp(p, SYSFS_NODE, strlen(SYSFS_NODE))) {
		long n = strtol(p + strlen(SYSFS_NODE), &end, 10);

		if (end == p + strlen(SYSFS_NODE) || n < 0 || n >= m->nr_nodes ||
		    strncmp(end, "/hugepages/", 11))
			return NULL;
		*nid = (int)n;
		p = end + 11;
	} else {
		return NULL;
	}
	if (!hs(m)->initialised)
		return NULL;
	for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
		struct hstate *h = &hs(m)->hstates[i];
		size_t len = strlen(h->name);

		if (!strncmp(p, h->name, len) && p[len] == '/') {
			*file = p + len + 1;
			return h;
		}
	}
	return NULL;
}

int hugetlb_sysfs_read(struct machine *m, const char *path, struct seq_buf *s)
{
	const char *file;
	int nid;
	struct hstate *h = sysfs_parse(m, path, &nid, &file);
	unsigned long v;

	if (!h)
		return -ENOENT;
	if (!strcmp(file, "nr_hugepages") || !strcmp(file, "nr_hugepages_mempolicy"))
		v = nid < 0 ? persistent_huge_pages(h) :
			      h->nr_huge_pages_node[nid] - h->surplus_huge_pages_node[nid];
	else if (!strcmp(file, "free_hugepages"))
		v = nid < 0 ? h->free_huge_pages : h->free_huge_pages_node[nid];
	else if (!strcmp(file, "surplus_hugepages"))
		v = nid < 0 ? h->surplus_huge_pages : h->surplus_huge_pages_node[nid];
	else if (nid < 0 && !strcmp(file, "resv_hugepages"))
		v = (unsigned long)max(h->resv_huge_pages, 0L);
	else if (nid < 0 && !strcmp(file, "nr_overcommit_hugepages"))
		v = h->nr_overcommit_huge_pages;
	else
		return -ENOENT;
	seq_printf(s, "%lu\n", v);
	return 0;
}

int hugetlb_sysfs_write(struct machine *m, const char *path, const char *value)
{
	const char *file;
	char *end;
	int nid, ret;
	struct hstate *h = sysfs_parse(m, path, &nid, &file);
	unsigned long long v;

	if (!h)
		return -ENOENT;
	if (!value || *value == '-')
		return -EINVAL;
	v = strtoull(value, &end, 10);
	if (end == value || (*end && *end != '\n'))
		return -EINVAL;
	if (!strcmp(file, "nr_hugepages") || !strcmp(file, "nr_hugepages_mempolicy"))
		ret = set_max_huge_pages(m, h, (unsigned long)v, nid);
	else if (nid < 0 && !strcmp(file, "nr_overcommit_hugepages"))
		ret = hugetlb_set_overcommit(m, h, (unsigned long)v);
	else
		return -EACCES;	/* read-only files */
	/* The sysctls show the default hstate's values. */
	if (!ret && h == default_hstate(m)) {
		m->sysctl.nr_hugepages = (int)h->max_huge_pages;
		m->sysctl.nr_overcommit_hugepages = (int)h->nr_overcommit_huge_pages;
	}
	return ret;
}

/* ---------------------------------------------------------------------- */
/* validate_hugetlb                                                        */
/* ---------------------------------------------------------------------- */

struct hv {
	struct machine *m;
	int problems;
};

static __printf(2, 3) void hv_problem(struct hv *v, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (v->problems++ < 20)
		pr_err(v->m, "validate_hugetlb: %s\n", buf);
}

static void hv_check_hstate(struct hv *v, struct hstate *h)
{
	unsigned long free_total = 0, active = 0;
	struct page *head;

	for (int nid = 0; nid < v->m->nr_nodes; nid++) {
		unsigned long n = 0;

		list_for_each_entry(head, &h->hugepage_freelists[nid], lru) {
			if (!PageHugetlb(head) || page_ref_count(head) || page_to_nid(head) != nid ||
			    !(head->private & HPG_freed) || hugetlb_mapcount(head))
				hv_problem(v, "%s node %d: bad free page pfn %#lx", h->name, nid,
					   page_to_pfn(v->m, head));
			n++;
		}
		if (n != h->free_huge_pages_node[nid])
			hv_problem(v, "%s node %d: %lu free pages listed, counter %lu", h->name,
				   nid, n, h->free_huge_pages_node[nid]);
		if (h->surplus_huge_pages_node[nid] > h->nr_huge_pages_node[nid] ||
		    h->free_huge_pages_node[nid] > h->nr_huge_pages_node[nid])
			hv_problem(v, "%s node %d: free %lu surplus %lu above total %lu", h->name,
				   nid, h->free_huge_pages_node[nid], h->surplus_huge_pages_node[nid],
				   h->nr_huge_pages_node[nid]);
		free_total += n;
	}
	list_for_each_entry(head, &h->hugepage_activelist, lru) {
		if (!PageHugetlb(head) || page_ref_count(head) <= 0 ||
		    (PAGE_SIZE << compound_order(head)) != huge_page_size(h))
			hv_problem(v, "%s: bad in-use page pfn %#lx (ref %d)", h->name,
				   page_to_pfn(v->m, head), page_ref_count(head));
		active++;
	}
	if (free_total != h->free_huge_pages || free_total + active != h->nr_huge_pages)
		hv_problem(v, "%s: free %lu + in use %lu, counters free %lu total %lu", h->name,
			   free_total, active, h->free_huge_pages, h->nr_huge_pages);
	if (h->resv_huge_pages > (long)h->free_huge_pages)
		hv_problem(v, "%s: %ld reserved but %lu free", h->name, h->resv_huge_pages,
			   h->free_huge_pages);
	if (persistent_huge_pages(h) != h->max_huge_pages)
		hv_problem(v, "%s: max_huge_pages %lu, persistent %lu", h->name,
			   h->max_huge_pages, persistent_huge_pages(h));
}

/* Leaves found per head: sorted pfns, as validate_user_pages does. */
struct hv_leaves {
	struct hv *v;
	unsigned long *pfns;
	size_t nr, cap;
};

static void hv_leaf(void *arg, struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct hv_leaves *l = arg;
	struct machine *m = l->v->m;
	unsigned long pfn = pte_pfn(pte);
	struct page *head = pfn_to_page(m, pfn);
	struct hstate *h = hstate_vma(vma);

	if (!PageHugetlb(head) || page_ref_count(head) <= 0 ||
	    (PAGE_SIZE << compound_order(head)) != huge_page_size(h) ||
	    (pfn & (pages_per_huge_page(h) - 1))) {
		hv_problem(l->v, "leaf at %#lx maps pfn %#lx that is not an in-use %s head", addr,
			   pfn, h->name);
		return;
	}
	if (pte_write(pte) && !(vma->vm_flags & VM_MAYSHARE) && !PageAnonExclusive(head))
		hv_problem(l->v, "pfn %#lx at %#lx: private page writable but not exclusive", pfn,
			   addr);
	if (l->nr == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		unsigned long *p = realloc(l->pfns, cap * sizeof(*p));	/* host-side tooling */

		if (!p)
			return;
		l->pfns = p;
		l->cap = cap;
	}
	l->pfns[l->nr++] = pfn;
}

static int hv_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void hv_check_leaves(struct hv *v)
{
	struct hv_leaves l = { .v = v };
	struct mm_struct *mm;

	list_for_each_entry(mm, &v->m->mm_list, mmlist)
		hugetlb_walk_leaves(mm, hv_leaf, &l);
	if (l.nr)
		qsort(l.pfns, l.nr, sizeof(*l.pfns), hv_cmp);
	for (size_t i = 0, j; i < l.nr; i = j) {
		struct page *head = pfn_to_page(v->m, l.pfns[i]);
		long floor;

		for (j = i; j < l.nr && l.pfns[j] == l.pfns[i]; j++)
			;
		if (hugetlb_mapcount(head) != (long)(j - i))
			hv_problem(v, "pfn %#lx: entire mapcount %d but %zu leaves map it",
				   l.pfns[i], hugetlb_mapcount(head), j - i);
		floor = (long)(j - i) + (head->mapping && !PageAnon(head));
		if (page_ref_count(head) < floor)
			hv_problem(v, "pfn %#lx: refcount %d below %ld", l.pfns[i],
				   page_ref_count(head), floor);
	}
	/* Every in-use page mapped somewhere must have been found. */
	for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
		struct page *head;

		list_for_each_entry(head, &hs(v->m)->hstates[i].hugepage_activelist, lru)
			if (hugetlb_mapcount(head) &&
			    !(l.nr && bsearch(&(unsigned long){ page_to_pfn(v->m, head) }, l.pfns,
					      l.nr, sizeof(*l.pfns), hv_cmp)))
				hv_problem(v, "pfn %#lx: mapcount %d but no leaf maps it",
					   page_to_pfn(v->m, head), hugetlb_mapcount(head));
	}
	free(l.pfns);
}

/* Every mm's HugetlbPages against its leaves. */
struct hv_usage { long pages; };

static void hv_usage_leaf(void *arg, struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct hv_usage *u = arg;

	(void)addr;
	(void)pte;
	u->pages += (long)pages_per_huge_page(hstate_vma(vma));
}

int validate_hugetlb(struct machine *m)
{
	struct hv v = { .m = m };
	struct mm_struct *mm;

	if (!hs(m)->initialised)
		return 0;
	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		hv_check_hstate(&v, &hs(m)->hstates[i]);
	if (!m->mm_list.next)
		return v.problems;
	hv_check_leaves(&v);
	list_for_each_entry(mm, &m->mm_list, mmlist) {
		struct hv_usage u = { 0 };

		hugetlb_walk_leaves(mm, hv_usage_leaf, &u);
		if (u.pages != mm->hugetlb_usage)
			hv_problem(&v, "mm %p: hugetlb_usage %ld, leaves map %ld pages", (void *)mm,
				   mm->hugetlb_usage, u.pages);
	}
	return v.problems;
}
