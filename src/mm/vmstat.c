/*
 * vmstat.c - counter names and the counter views: /proc/vmstat,
 * /proc/zoneinfo, /proc/buddyinfo and /proc/pagetypeinfo (Linux's
 * mm/vmstat.c), byte for byte in Linux 6.18's formats.
 *
 * Names come from vmstat_items.h only, so the enums, these arrays and every
 * view agree by construction. Views read the counters; they never change
 * them. Counters here are exact (one host thread, no per-CPU deltas), so the
 * folding Linux does before printing is not needed.
 *
 * Units, as Linux prints them:
 *  - node items kept in bytes (*_B) print in pages;
 *  - THP items are kept in base pages and print in huge pages (/512) in
 *    /proc/vmstat and zoneinfo (vmstat_item_print_in_thp);
 *  - NR_KERNEL_STACK_KB is kept and printed in kB.
 *
 * Lock order: zone->lock only, taken per zone around free-list walks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../fs/proc/internal.h"
#include "internal.h"
#include "mmsim/mmsim.h"

const char *const zone_stat_name[NR_VM_ZONE_STAT_ITEMS] = {
#define VMSTAT_ZONE(e, s) [e] = s,
#include "vmstat_items.h"
#undef VMSTAT_ZONE
};

const char *const numa_stat_name[NR_VM_NUMA_EVENT_ITEMS] = {
#define VMSTAT_NUMA(e, s) [e] = s,
#include "vmstat_items.h"
#undef VMSTAT_NUMA
};

const char *const node_stat_name[NR_VM_NODE_STAT_ITEMS] = {
#define VMSTAT_NODE(e, s) [e] = s,
#include "vmstat_items.h"
#undef VMSTAT_NODE
};

const char *const vm_event_name[NR_VM_EVENT_ITEMS] = {
#define VMSTAT_EVENT(e, s) [e] = s,
#include "vmstat_items.h"
#undef VMSTAT_EVENT
};

const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable",
	"Movable",
	"Reclaimable",
	"HighAtomic",
	"Isolate",
};

#define HPAGE_PMD_NR		512	/* x86-64: 2 MiB / 4 KiB */
#define MAX_RECLAIM_RETRIES	16
#define FREECOUNT_CAP		100000	/* pagetypeinfo's per-list walk limit */

static const char *const zone_names_fallback[MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable", "Device",
};

static const char *zone_name(const struct zone *z)
{
	return z->name ? z->name : zone_names_fallback[z->idx];
}

static bool vmstat_item_print_in_thp(int item)
{
	return item == NR_ANON_THPS || item == NR_FILE_THPS ||
	       item == NR_SHMEM_THPS || item == NR_SHMEM_PMDMAPPED ||
	       item == NR_FILE_PMDMAPPED;
}

/* A node item as /proc prints it: bytes -> pages, THP pages -> huge pages. */
static unsigned long node_item_print_value(long v, int item)
{
	if (vmstat_item_in_bytes(item))
		v >>= PAGE_SHIFT;
	if (vmstat_item_print_in_thp(item))
		v /= HPAGE_PMD_NR;
	return (unsigned long)v;
}

struct per_cpu_pages *zone_pcp(const struct machine *m, const struct zone *zone, int cpu)
{
	/* per_cpu_ptr(): CPU cpu's copy is unit_size bytes after CPU 0's. */
	return (struct per_cpu_pages *)((char *)zone->per_cpu_pageset +
					(size_t)cpu * m->pcpu.unit_size);
}

/* dirty limits: global_dirty_limits() is in mm/page-writeback.c (writeback.h) */

/* ---- /proc/vmstat ---- */

struct counter_sink {
	struct mmsim_counter *out;
	size_t max, n;
};

static bool vm_event_is_tlbflush(int i)
{
	return i >= NR_TLB_REMOTE_FLUSH && i <= NR_TLB_LOCAL_FLUSH_ONE;
}

static void emit(struct counter_sink *k, const char *name, unsigned long v)
{
	if (k->n < k->max)
		k->out[k->n] = (struct mmsim_counter){ name, (long long)v };
	k->n++;
}

size_t vmstat_collect(struct machine *m, struct mmsim_counter *out, size_t max)
{
	struct counter_sink k = { out, out ? max : 0, 0 };
	unsigned long bg, dirty;
	int i;

	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		emit(&k, zone_stat_name[i], (unsigned long)m->vm_zone_stat[i]);
	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		emit(&k, numa_stat_name[i], (unsigned long)m->vm_numa_event[i]);
	for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		emit(&k, node_stat_name[i], node_item_print_value(m->vm_node_stat[i], i));
	global_dirty_limits(m, &bg, &dirty);
	emit(&k, "nr_dirty_threshold", dirty);
	emit(&k, "nr_dirty_background_threshold", bg);
	emit(&k, "nr_memmap_pages", m->memmap_pages);
	emit(&k, "nr_memmap_boot_pages", m->memmap_boot_pages);
	for (i = 0; i < RMAP_WALK; i++) {
		if (vm_event_is_tlbflush(i) && !m->cfg.debug_tlbflush)
			continue;	/* CONFIG_DEBUG_TLBFLUSH's lines */
		emit(&k, vm_event_name[i], m->vm_events[i]);
	}
	/* Deprecated, printed after the last item so old tools keep parsing. */
	emit(&k, "nr_unstable", 0);
	/* mmsim's own: the rmap's work and objects, whatever the design */
	for (i = RMAP_WALK; i < NR_VM_EVENT_ITEMS; i++) {
		/* vmalloc (issue 7): only in the vmalloc_fault mode. */
		if (i == VMALLOC_FAULT && !m->cfg.vmalloc_fault)
			continue;
		emit(&k, vm_event_name[i], m->vm_events[i]);
	}
	emit(&k, "nr_anon_vma", m->nr_anon_vmas);
	emit(&k, "nr_anon_vma_chain", m->nr_anon_vma_chains);
	emit(&k, "nr_pte_chain", m->nr_pte_chains);
	emit(&k, "pte_chain_bytes", m->nr_pte_chains * (m->pte_chain_cachep ?
							 m->pte_chain_cachep->object_size : 0));
	return k.n;
}

void show_vmstat(struct machine *m, struct seq_buf *s)
{
	size_t n = vmstat_collect(m, NULL, 0);
	struct mmsim_counter *c = calloc(n, sizeof(*c));

	if (!c) {
		fprintf(stderr, "mmsim: host out of memory\n");
		abort();
	}
	vmstat_collect(m, c, n);
	for (size_t i = 0; i < n; i++)
		seq_printf(s, "%s %llu\n", c[i].name, (unsigned long long)c[i].value);
	free(c);
}

/* ---- /proc/zoneinfo ---- */

static void zoneinfo_node_stats(struct seq_buf *s, const pg_data_t *pgdat)
{
	seq_puts(s, "\n  per-node stats");
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		seq_printf(s, "\n      %-12s %lu", node_stat_name[i],
			   node_item_print_value(pgdat->vm_stat[i], i));
}

static void zoneinfo_watermarks(struct machine *m, struct seq_buf *s,
				const struct zone *zone)
{
	const char *sep = "";

	seq_printf(s,
		   "\n  pages free     %lu"
		   "\n        boost    %lu"
		   "\n        min      %lu"
		   "\n        low      %lu"
		   "\n        high     %lu"
		   "\n        promo    %lu"
		   "\n        spanned  %lu"
		   "\n        present  %lu"
		   "\n        managed  %lu"
		   "\n        cma      %lu",
		   (unsigned long)zone_page_state(zone, NR_FREE_PAGES),
		   zone->watermark_boost,
		   min_wmark_pages(zone), low_wmark_pages(zone),
		   high_wmark_pages(zone), promo_wmark_pages(zone),
		   zone->spanned_pages, zone->present_pages,
		   zone_managed_pages(zone), 0UL /* no CMA */);
	seq_puts(s, "\n        protection: (");
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		if (!arch_has_zone(m, (enum zone_type)z))
			continue;
		seq_printf(s, "%s%ld", sep, zone->lowmem_reserve[z]);
		sep = ", ";
	}
	seq_putc(s, ')');
}

static void zoneinfo_counters(struct seq_buf *s, const struct zone *zone)
{
	int i;

	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		seq_printf(s, "\n      %-12s %lu", zone_stat_name[i],
			   (unsigned long)zone_page_state(zone, i));
	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		seq_printf(s, "\n      %-12s %lu", numa_stat_name[i],
			   (unsigned long)zone->vm_numa_event[i]);
}

static void zoneinfo_pagesets(struct machine *m, struct seq_buf *s,
			      const struct zone *zone)
{
	int threshold = calculate_normal_threshold(m, zone);
	int cpu;

	seq_puts(s, "\n  pagesets");
	for_each_cpu(m, cpu) {
		const struct per_cpu_pages *pcp = zone_pcp(m, zone, cpu);

		seq_printf(s,
			   "\n    cpu: %i"
			   "\n              count:    %i"
			   "\n              high:     %i"
			   "\n              batch:    %i"
			   "\n              high_min: %i"
			   "\n              high_max: %i",
			   cpu, pcp->count, pcp->high, pcp->batch,
			   pcp->high_min, pcp->high_max);
		seq_printf(s, "\n  vm stats threshold: %d", threshold);
	}
}

static void zoneinfo_show_print(struct machine *m, struct seq_buf *s,
				const pg_data_t *pgdat, const struct zone *zone)
{
	seq_printf(s, "Node %d, zone %8s", pgdat->node_id, zone_name(zone));
	if (zone_is_first_populated(pgdat, zone))
		zoneinfo_node_stats(s, pgdat);
	zoneinfo_watermarks(m, s, zone);
	/* An empty zone stops here: nothing else about it means anything. */
	if (!populated_zone(zone)) {
		seq_putc(s, '\n');
		return;
	}
	zoneinfo_counters(s, zone);
	zoneinfo_pagesets(m, s, zone);
	seq_printf(s,
		   "\n  node_unreclaimable:  %u"
		   "\n  start_pfn:           %lu\n",
		   (unsigned int)(pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES),
		   zone->zone_start_pfn);
}

void show_zoneinfo(struct machine *m, struct seq_buf *s)
{
	struct zone *zone;
	int nid, zi;

	for_each_zone(m, zone, nid, zi)
		zoneinfo_show_print(m, s, NODE_DATA(m, nid), zone);
}

/* ---- /proc/buddyinfo ---- */

static void frag_show_print(struct seq_buf *s, const pg_data_t *pgdat,
			    const struct zone *zone)
{
	seq_printf(s, "Node %d, zone %8s ", pgdat->node_id, zone_name(zone));
	for (int order = 0; order < NR_PAGE_ORDERS; order++)
		seq_printf(s, "%6lu ", zone->free_area[order].nr_free);
	seq_putc(s, '\n');
}

void show_buddyinfo(struct machine *m, struct seq_buf *s)
{
	struct zone *zone;
	int nid, zi;

	for_each_zone(m, zone, nid, zi) {
		if (populated_zone(zone))
			frag_show_print(s, NODE_DATA(m, nid), zone);
	}
}

/* ---- /proc/pagetypeinfo ---- */

/*
 * Deferred MAX_PAGE_ORDER blocks (zone_deferred_blocks(), page_alloc.c) are
 * logically the tail of the MOVABLE order-10 list and are counted there.
 */
/* Entries on one free list, capped at FREECOUNT_CAP as Linux caps the walk. */
static unsigned long free_list_count(const struct zone *zone, int order, int mt,
				     bool *overflow)
{
	const struct list_head *head = &zone->free_area[order].free_list[mt];
	unsigned long n = 0;

	*overflow = false;
	for (const struct list_head *p = head->next; p != head; p = p->next) {
		if (++n >= FREECOUNT_CAP) {
			*overflow = true;
			return n;
		}
	}
	if (order == MAX_PAGE_ORDER && mt == MIGRATE_MOVABLE) {
		n += zone_deferred_blocks(zone);
		if (n >= FREECOUNT_CAP) {
			*overflow = true;
			n = FREECOUNT_CAP;
		}
	}
	return n;
}

static void pagetypeinfo_showfree_print(struct seq_buf *s, const pg_data_t *pgdat,
					struct zone *zone)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		seq_printf(s, "Node %4d, zone %8s, type %12s ", pgdat->node_id,
			   zone_name(zone), migratetype_names[mt]);
		spin_lock(&zone->lock);
		for (int order = 0; order < NR_PAGE_ORDERS; order++) {
			bool overflow;
			unsigned long n = free_list_count(zone, order, mt, &overflow);

			seq_printf(s, "%s%6lu ", overflow ? ">" : "", n);
		}
		spin_unlock(&zone->lock);
		seq_putc(s, '\n');
	}
}

static void pagetypeinfo_showfree(struct machine *m, struct seq_buf *s, pg_data_t *pgdat)
{
	seq_printf(s, "%-43s ", "Free pages count per migrate type at order");
	for (int order = 0; order < NR_PAGE_ORDERS; order++)
		seq_printf(s, "%6d ", order);
	seq_putc(s, '\n');
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (arch_has_zone(m, (enum zone_type)z) && populated_zone(zone))
			pagetypeinfo_showfree_print(s, pgdat, zone);
	}
}

/* get_pageblock_migratetype(), through the allocator's own accessor. */
static int pfn_migratetype(const pg_data_t *pgdat, unsigned long pfn)
{
	return get_pfnblock_migratetype(&pgdat->node_zones[0], pfn);
}

/*
 * Linux walks the zone span a pageblock at a time from zone_start_pfn and
 * counts blocks whose first frame is online and in this zone. Here "online"
 * is pfn_valid (a present section) and membership is the zone's span: zones
 * of one node do not overlap, and a deferred block's struct page is still
 * zero, so its zone bits cannot be read.
 */
static void pagetypeinfo_showblockcount_print(struct machine *m, struct seq_buf *s,
					      const pg_data_t *pgdat,
					      const struct zone *zone)
{
	unsigned long count[MIGRATE_TYPES] = { 0 };

	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages) {
		int mt;

		if (!pfn_valid(m, pfn))
			continue;
		mt = pfn_migratetype(pgdat, pfn);
		if (mt < MIGRATE_TYPES)
			count[mt]++;
	}
	seq_printf(s, "Node %d, zone %8s ", pgdat->node_id, zone_name(zone));
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(s, "%12lu ", count[mt]);
	seq_putc(s, '\n');
}

static void pagetypeinfo_showblockcount(struct machine *m, struct seq_buf *s,
					const pg_data_t *pgdat)
{
	seq_printf(s, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(s, "%12s ", migratetype_names[mt]);
	seq_putc(s, '\n');
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &pgdat->node_zones[z];

		if (arch_has_zone(m, (enum zone_type)z) && populated_zone(zone))
			pagetypeinfo_showblockcount_print(m, s, pgdat, zone);
	}
}

/* One block per node with memory (memoryless nodes print nothing). */
void show_pagetypeinfo(struct machine *m, struct seq_buf *s)
{
	pg_data_t *pgdat;
	int nid;

	for_each_online_pgdat(m, pgdat, nid) {
		if (!pgdat->node_present_pages)
			continue;
		seq_printf(s, "Page block order: %d\n", pageblock_order);
		seq_printf(s, "Pages per block:  %lu\n", pageblock_nr_pages);
		seq_putc(s, '\n');
		pagetypeinfo_showfree(m, s, pgdat);
		pagetypeinfo_showblockcount(m, s, pgdat);
	}
}
