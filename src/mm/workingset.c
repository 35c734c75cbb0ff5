/*
 * workingset.c - refault detection (Linux's mm/workingset.c, without memcg
 * and MGLRU): is a folio that comes back after eviction part of the
 * workingset?
 *
 * Each node's lruvec keeps nonresident_age, a clock that ticks once per
 * page evicted or activated. An evicted page-cache or swap-cache folio
 * leaves a shadow entry in its slot of the cache's xarray: a value entry
 * packing the node, the age at eviction and whether the folio was in the
 * workingset (PG_workingset: it had been active). When the page is read
 * back, the refault distance - the ages that passed since its eviction -
 * is the least extra memory that would have kept it resident. If that
 * fits the workingset (the active file list, plus the inactive file list
 * for anon, plus the anon lists when swap has room), the folio starts on
 * the active list (workingset_activate_*); if it was in the workingset
 * before, it is a restore (workingset_restore_*) and the refault counts as
 * reclaim cost of its type (lru_note_cost_refault). Every refault counts
 * in workingset_refault_anon/file.
 *
 * Shadow layout, low bit first (after xa_mk_value's tag bit):
 *   1 bit workingset | NODES_SHIFT bits node | 16 bits memcg id (always 0,
 *   kept so the age has Linux's width) | the rest: age at eviction
 * The age is masked to its width; distances wrap with it (EVICTION_MASK).
 *
 * Called with the folio locked and off the LRU (eviction: its last
 * reference about to go; refault: before folio_add_lru).
 *
 * Invariants: a node's nonresident_age only grows (by the folio's pages at
 * each eviction and activation); a shadow is always a value entry, never
 * mistaken for a folio, and gives back the node and workingset bit it was
 * packed with (the age modulo EVICTION_MASK); a shadow naming a node the
 * machine lacks activates nothing. Every refault counts in
 * workingset_refault_*; activate and restore count subsets of them.
 */
#include "mm.h"
#include "machine.h"
#include "swap.h"
#include "vmscan.h"
#include "xarray.h"

#ifndef BITS_PER_LONG
#define BITS_PER_LONG		64
#endif
#define WORKINGSET_SHIFT	1
#define MEM_CGROUP_ID_SHIFT	16
#define BITS_PER_XA_VALUE	(BITS_PER_LONG - 1)
#define EVICTION_SHIFT		((BITS_PER_LONG - BITS_PER_XA_VALUE) + WORKINGSET_SHIFT + \
				 NODES_SHIFT + MEM_CGROUP_ID_SHIFT)
#define EVICTION_MASK		(~0UL >> EVICTION_SHIFT)

static void *pack_shadow(int nid, unsigned long eviction, bool workingset)
{
	eviction &= EVICTION_MASK;
	eviction <<= MEM_CGROUP_ID_SHIFT;		/* memcg id 0 */
	eviction = (eviction << NODES_SHIFT) | (unsigned long)nid;
	eviction = (eviction << WORKINGSET_SHIFT) | workingset;
	return xa_mk_value(eviction);
}

bool workingset_unpack_shadow(const void *shadow, int *nid, unsigned long *age,
			      bool *workingset)
{
	unsigned long entry;

	if (!xa_is_value(shadow))
		return false;		/* not a value entry: no shadow */
	entry = xa_to_value(shadow);
	*workingset = entry & ((1UL << WORKINGSET_SHIFT) - 1);
	entry >>= WORKINGSET_SHIFT;
	*nid = (int)(entry & ((1UL << NODES_SHIFT) - 1));
	entry >>= NODES_SHIFT;
	entry >>= MEM_CGROUP_ID_SHIFT;
	*age = entry;
	return true;
}

void workingset_age_nonresident(struct lruvec *lruvec, unsigned long nr_pages)
{
	lruvec->nonresident_age += nr_pages;
}

void *workingset_eviction(struct machine *m, struct page *folio)
{
	pg_data_t *pgdat = page_pgdat(m, folio);
	struct lruvec *lruvec = &pgdat->__lruvec;
	unsigned long eviction = lruvec->nonresident_age;

	VM_BUG_ON_PAGE(PageLRU(folio), m, folio);
	VM_BUG_ON_PAGE(!PageLocked(folio), m, folio);
	workingset_age_nonresident(lruvec, (unsigned long)folio_nr_pages(folio));
	return pack_shadow(pgdat->node_id, eviction, PageWorkingset(folio));
}

/*
 * Would the folio have stayed resident, had the workingset had the memory
 * its refault distance says? (workingset_test_recent)
 */
static bool workingset_test_recent(struct machine *m, void *shadow, bool file,
				   bool *workingset)
{
	unsigned long eviction, refault, distance, size;
	struct lruvec *lruvec;
	pg_data_t *pgdat;
	int nid;

	if (!workingset_unpack_shadow(shadow, &nid, &eviction, workingset) || nid >= m->nr_nodes)
		return false;
	pgdat = NODE_DATA(m, nid);
	lruvec = &pgdat->__lruvec;
	refault = lruvec->nonresident_age;
	distance = (refault - eviction) & EVICTION_MASK;
	size = (unsigned long)pgdat->vm_stat[NR_ACTIVE_FILE];
	if (!file)
		size += (unsigned long)pgdat->vm_stat[NR_INACTIVE_FILE];
	if (nr_swap_pages_free(m) > 0) {
		size += (unsigned long)pgdat->vm_stat[NR_ACTIVE_ANON];
		if (file)
			size += (unsigned long)pgdat->vm_stat[NR_INACTIVE_ANON];
	}
	return distance <= size;
}

void workingset_refault(struct machine *m, struct page *folio, void *shadow)
{
	bool file = !PageSwapBacked(folio), workingset;
	pg_data_t *pgdat = page_pgdat(m, folio);
	long nr = folio_nr_pages(folio);

	mod_node_page_state(pgdat, WORKINGSET_REFAULT_ANON + file, nr);
	if (!workingset_test_recent(m, shadow, file, &workingset))
		return;
	SetPageActive(folio);
	workingset_age_nonresident(&pgdat->__lruvec, (unsigned long)nr);
	mod_node_page_state(pgdat, WORKINGSET_ACTIVATE_ANON + file, nr);
	if (workingset) {
		SetPageWorkingset(folio);
		lru_note_cost_refault(m, folio);
		mod_node_page_state(pgdat, WORKINGSET_RESTORE_ANON + file, nr);
	}
}

/* mark_page_accessed's activation ages the node too (no memcg to filter by). */
void workingset_activation(struct machine *m, struct page *folio)
{
	workingset_age_nonresident(&page_pgdat(m, folio)->__lruvec,
				   (unsigned long)folio_nr_pages(folio));
}
