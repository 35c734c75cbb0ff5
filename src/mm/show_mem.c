/*
 * show_mem.c - the Mem-Info block of the kernel log (Linux 6.18's
 * mm/show_mem.c __show_mem and show_free_areas, as an OOM report or an
 * allocation failure prints it), line for line:
 *
 *   Mem-Info:
 *   active_anon:N inactive_anon:N isolated_anon:N      (pages, machine-wide;
 *    active_file:N ...                                  continuation lines
 *    free:N free_pcp:N free_cma:N                       start with a space)
 *   Node 0 active_anon:NkB ... all_unreclaimable? no Balloon:NkB
 *   Node 0 DMA free:NkB boost:NkB min:NkB low:NkB high:NkB ...   (each zone)
 *   lowmem_reserve[]: 0 1234 ...
 *   Node 0 DMA: 1*4kB (U) 0*8kB ... = NkB                        (each zone)
 *   Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB
 *   N total pagecache pages
 *   N pages in swap cache / Free swap  = NkB / Total swap = NkB
 *   N pages RAM / N pages HighMem/MovableOnly / N pages reserved
 *
 * The configuration is the host's (CONFIG_NUMA, CONFIG_TRANSPARENT_HUGEPAGE,
 * CONFIG_SWAP, CONFIG_HUGETLB_PAGE on; no CMA, no MEMORY_FAILURE, no
 * memory allocation profiling: no "cma reserved" or "hwpoisoned" lines).
 * bounce is always 0 (6.18 removed the counter but kept the field).
 *
 * Called with no lock held; reads counters and free lists as they are.
 *
 * Invariants: show_mem changes no counter, list or page: it reads them as
 * they are and only appends lines to the kernel log.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "hugetlb.h"
#include "oom.h"
#include "printk.h"
#include "swap.h"

#define K(x) ((unsigned long)(x) << (PAGE_SHIFT - 10))

/* fs/proc: CPU cpu's per_cpu_pages of zone (vmstat.c). */
struct per_cpu_pages *zone_pcp(const struct machine *m, const struct zone *zone, int cpu);

/* Node items in pages (the _B ones are kept in bytes). */
static unsigned long node_pages(const pg_data_t *pgdat, enum node_stat_item i)
{
	long v = pgdat->vm_stat[i];

	if (vmstat_item_in_bytes(i))
		v >>= PAGE_SHIFT;
	return v > 0 ? (unsigned long)v : 0;
}

static unsigned long zone_pages(const struct zone *z, enum zone_stat_item i)
{
	return z->vm_stat[i] > 0 ? (unsigned long)z->vm_stat[i] : 0;
}

static unsigned long global_node(const struct machine *m, enum node_stat_item i)
{
	long v = global_node_page_state_pages(m, i);

	return v > 0 ? (unsigned long)v : 0;
}

/* SHOW_MEM_FILTER_NODES: a node outside the allocation's nodemask is skipped. */
static bool show_mem_node_skip(int nid, const unsigned long *nodemask)
{
	return nodemask && !node_in_mask(nodemask, nid);
}

static unsigned long zone_free_pcp(const struct machine *m, const struct zone *zone)
{
	unsigned long n = 0;
	int cpu;

	for_each_cpu(m, cpu)
		n += (unsigned long)zone_pcp(m, zone, cpu)->count;
	return n;
}

#define for_each_populated_zone(m, zone, nid, zi)			\
	for_each_zone(m, zone, nid, zi)					\
		if (!populated_zone(zone)) {} else

static bool node_has_managed_zones(const pg_data_t *pgdat, int max_zone_idx)
{
	for (int zi = 0; zi <= max_zone_idx && zi < MAX_NR_ZONES; zi++)
		if (zone_managed_pages(&pgdat->node_zones[zi]))
			return true;
	return false;
}

static void show_global(struct machine *m, const unsigned long *nodemask, int max_zone_idx)
{
	unsigned long free_pcp = 0;
	struct zone *zone;
	int nid, zi;

	for_each_populated_zone(m, zone, nid, zi) {
		if (zi > max_zone_idx || show_mem_node_skip(nid, nodemask))
			continue;
		free_pcp += zone_free_pcp(m, zone);
	}
	printk(m, "active_anon:%lu inactive_anon:%lu isolated_anon:%lu\n"
		  " active_file:%lu inactive_file:%lu isolated_file:%lu\n"
		  " unevictable:%lu dirty:%lu writeback:%lu\n"
		  " slab_reclaimable:%lu slab_unreclaimable:%lu\n"
		  " mapped:%lu shmem:%lu pagetables:%lu\n"
		  " sec_pagetables:%lu bounce:%lu\n"
		  " kernel_misc_reclaimable:%lu\n"
		  " free:%lu free_pcp:%lu free_cma:%lu",
	       global_node(m, NR_ACTIVE_ANON), global_node(m, NR_INACTIVE_ANON),
	       global_node(m, NR_ISOLATED_ANON), global_node(m, NR_ACTIVE_FILE),
	       global_node(m, NR_INACTIVE_FILE), global_node(m, NR_ISOLATED_FILE),
	       global_node(m, NR_UNEVICTABLE), global_node(m, NR_DIRTY),
	       global_node(m, NR_WRITEBACK), global_node(m, NR_SLAB_RECLAIMABLE_B),
	       global_node(m, NR_SLAB_UNRECLAIMABLE_B), global_node(m, NR_FILE_MAPPED),
	       global_node(m, NR_SHMEM), global_node(m, NR_PAGETABLE),
	       global_node(m, NR_SECONDARY_PAGETABLE), 0UL,
	       global_node(m, NR_KERNEL_MISC_RECLAIMABLE),
	       (unsigned long)global_zone_page_state(m, NR_FREE_PAGES), free_pcp,
	       (unsigned long)global_zone_page_state(m, NR_FREE_CMA));
}

static void show_node_line(struct machine *m, const pg_data_t *pgdat)
{
	printk(m, "Node %d active_anon:%lukB inactive_anon:%lukB active_file:%lukB "
		  "inactive_file:%lukB unevictable:%lukB isolated(anon):%lukB isolated(file):%lukB "
		  "mapped:%lukB dirty:%lukB writeback:%lukB shmem:%lukB shmem_thp:%lukB "
		  "shmem_pmdmapped:%lukB anon_thp:%lukB kernel_stack:%lukB pagetables:%lukB "
		  "sec_pagetables:%lukB all_unreclaimable? %s Balloon:%lukB",
	       pgdat->node_id, K(node_pages(pgdat, NR_ACTIVE_ANON)),
	       K(node_pages(pgdat, NR_INACTIVE_ANON)), K(node_pages(pgdat, NR_ACTIVE_FILE)),
	       K(node_pages(pgdat, NR_INACTIVE_FILE)), K(node_pages(pgdat, NR_UNEVICTABLE)),
	       K(node_pages(pgdat, NR_ISOLATED_ANON)), K(node_pages(pgdat, NR_ISOLATED_FILE)),
	       K(node_pages(pgdat, NR_FILE_MAPPED)), K(node_pages(pgdat, NR_DIRTY)),
	       K(node_pages(pgdat, NR_WRITEBACK)), K(node_pages(pgdat, NR_SHMEM)),
	       K(node_pages(pgdat, NR_SHMEM_THPS)), K(node_pages(pgdat, NR_SHMEM_PMDMAPPED)),
	       K(node_pages(pgdat, NR_ANON_THPS)), node_pages(pgdat, NR_KERNEL_STACK_KB),
	       K(node_pages(pgdat, NR_PAGETABLE)), K(node_pages(pgdat, NR_SECONDARY_PAGETABLE)),
	       pgdat->kswapd_failures >= 16 ? "yes" : "no", K(node_pages(pgdat, NR_BALLOON_PAGES)));
}

/* Free pages in highatomic pageblocks' free lists (zone->nr_free_highatomic). */
static unsigned long free_highatomic(const struct zone *zone)
{
	unsigned long n = 0;
	const struct list_head *pos;

	for (int order = 0; order < NR_PAGE_ORDERS; order++)
		list_for_each(pos, &zone->free_area[order].free_list[MIGRATE_HIGHATOMIC])
			n += 1UL << order;
	return n;
}

static void show_zone_line(struct machine *m, struct zone *zone)
{
	char reserve[128];
	size_t pos = 0;

	printk(m, "Node %d %s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB "
		  "reserved_highatomic:%luKB free_highatomic:%luKB active_anon:%lukB "
		  "inactive_anon:%lukB active_file:%lukB inactive_file:%lukB unevictable:%lukB "
		  "writepending:%lukB zspages:%lukB present:%lukB managed:%lukB mlocked:%lukB "
		  "bounce:%lukB free_pcp:%lukB local_pcp:%ukB free_cma:%lukB",
	       zone->zone_pgdat->node_id, zone->name, K(zone_pages(zone, NR_FREE_PAGES)),
	       K(zone->watermark_boost), K(min_wmark_pages(zone)), K(low_wmark_pages(zone)),
	       K(high_wmark_pages(zone)), K(zone->nr_reserved_highatomic),
	       K(free_highatomic(zone)), K(zone_pages(zone, NR_ZONE_ACTIVE_ANON)),
	       K(zone_pages(zone, NR_ZONE_INACTIVE_ANON)), K(zone_pages(zone, NR_ZONE_ACTIVE_FILE)),
	       K(zone_pages(zone, NR_ZONE_INACTIVE_FILE)), K(zone_pages(zone, NR_ZONE_UNEVICTABLE)),
	       K(zone_pages(zone, NR_ZONE_WRITE_PENDING)), K(zone_pages(zone, NR_ZSPAGES)),
	       K(zone->present_pages), K(zone_managed_pages(zone)), K(zone_pages(zone, NR_MLOCK)),
	       0UL, K(zone_free_pcp(m, zone)),
	       (unsigned int)K(zone_pcp(m, zone, m->cpu)->count), K(zone_pages(zone, NR_FREE_CMA)));
	pos += (size_t)snprintf(reserve, sizeof(reserve), "lowmem_reserve[]:");
	for (int i = 0; i < MAX_NR_ZONES && pos < sizeof(reserve); i++)
		if (arch_has_zone(m, (enum zone_type)i))	/* the zones this kernel has */
			pos += (size_t)snprintf(reserve + pos, sizeof(reserve) - pos, " %ld",
						zone->lowmem_reserve[i]);
	printk(m, "%s", reserve);
}

/* The free lists: count per order, and which migratetypes hold them (UMEHI). */
static void show_free_lists(struct machine *m, struct zone *zone)
{
	static const char types[MIGRATE_TYPES] = {
		[MIGRATE_UNMOVABLE] = 'U', [MIGRATE_MOVABLE] = 'M',
		[MIGRATE_RECLAIMABLE] = 'E', [MIGRATE_HIGHATOMIC] = 'H',
		[MIGRATE_ISOLATE] = 'I',
	};
	char line[512];
	size_t pos;
	unsigned long total = 0;

	pos = (size_t)snprintf(line, sizeof(line), "Node %d %s: ", zone->zone_pgdat->node_id,
			       zone->name);
	for (int order = 0; order < NR_PAGE_ORDERS; order++) {
		const struct free_area *area = &zone->free_area[order];
		char tmp[MIGRATE_TYPES + 1];
		int n = 0;

		total += area->nr_free << order;
		pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "%lu*%lukB ",
					area->nr_free, K(1UL) << order);
		if (!area->nr_free)
			continue;
		for (int t = 0; t < MIGRATE_TYPES; t++) {
			/* the deferred blocks sit, logically, on the movable list */
			bool deferred = order == MAX_PAGE_ORDER && t == MIGRATE_MOVABLE &&
					zone->nr_deferred;

			if (!list_empty(&area->free_list[t]) || deferred)
				tmp[n++] = types[t];
		}
		tmp[n] = '\0';
		pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "(%s) ", tmp);
	}
	snprintf(line + pos, sizeof(line) - pos, "= %lukB", K(total));
	printk(m, "%s", line);
}

static void hugetlb_show_meminfo_node(struct machine *m, int nid)
{
	const struct hugetlb_state *hs = &m->hugetlb;
	unsigned int last = ~0u;

	if (!hs->initialised)
		return;
	/* largest first: Linux registers x86's 1 GiB hstate before the 2 MiB one */
	for (;;) {
		const struct hstate *h = NULL;

		for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
			const struct hstate *c = &hs->hstates[i];

			if (c->order && c->order < last && (!h || c->order > h->order))
				h = c;
		}
		if (!h)
			break;
		last = h->order;
		printk(m, "Node %d hugepages_total=%u hugepages_free=%u hugepages_surp=%u "
			  "hugepages_size=%lukB", nid, (unsigned int)h->nr_huge_pages_node[nid],
		       (unsigned int)h->free_huge_pages_node[nid],
		       (unsigned int)h->surplus_huge_pages_node[nid], huge_page_size(h) / 1024);
	}
}

/* show_swap_cache_info: the swap cache, free and total swap of the writable devices. */
static void show_swap_cache_info(struct machine *m)
{
	printk(m, "%lu pages in swap cache", global_node(m, NR_SWAPCACHE));
	printk(m, "Free swap  = %ldkB", get_nr_swap_pages(m) << (PAGE_SHIFT - 10));
	printk(m, "Total swap = %lukB", (unsigned long)total_swap_pages(m) << (PAGE_SHIFT - 10));
}

static void show_free_areas(struct machine *m, const unsigned long *nodemask, int max_zone_idx)
{
	pg_data_t *pgdat;
	struct zone *zone;
	int nid, zi;

	show_global(m, nodemask, max_zone_idx);
	for_each_online_pgdat(m, pgdat, nid) {
		if (show_mem_node_skip(nid, nodemask) || !node_has_managed_zones(pgdat, max_zone_idx))
			continue;
		show_node_line(m, pgdat);
	}
	for_each_populated_zone(m, zone, nid, zi) {
		if (zi > max_zone_idx || show_mem_node_skip(nid, nodemask))
			continue;
		show_zone_line(m, zone);
	}
	for_each_populated_zone(m, zone, nid, zi) {
		if (zi > max_zone_idx || show_mem_node_skip(nid, nodemask))
			continue;
		show_free_lists(m, zone);
	}
	for_each_online_node(m, nid)
		if (!show_mem_node_skip(nid, nodemask))
			hugetlb_show_meminfo_node(m, nid);
	printk(m, "%ld total pagecache pages", global_node_page_state(m, NR_FILE_PAGES));
	show_swap_cache_info(m);
}

void __show_mem(struct machine *m, const unsigned long *nodemask, int max_zone_idx)
{
	unsigned long total = 0, reserved = 0, highmem = 0;
	struct zone *zone;
	int nid, zi;

	printk(m, "Mem-Info:");
	show_free_areas(m, nodemask, max_zone_idx);
	for_each_populated_zone(m, zone, nid, zi) {
		total += zone->present_pages;
		reserved += zone->present_pages - zone_managed_pages(zone);
		if (is_highmem_idx(zone->idx))
			highmem += zone->present_pages;
	}
	printk(m, "%lu pages RAM", total);
	printk(m, "%lu pages HighMem/MovableOnly", highmem);
	printk(m, "%lu pages reserved", reserved);
}
