/*
 * mm.h - what every mm file needs once the machine is known: pfn <-> page
 * <-> address conversions through the direct map, counter updates, and the
 * page allocator's interface (include/linux/mm.h and gfp.h in Linux).
 *
 * Addresses: a "kernel address" inside the library is a host pointer into
 * the direct map (phys_base + phys). The public API shows it as Linux's
 * x86-64 direct-map virtual address, PAGE_OFFSET + phys.
 */
#ifndef MMSIM_MM_H
#define MMSIM_MM_H

#include "gfp.h"
#include "machine.h"

#define PAGE_OFFSET_X86_64	0xffff888000000000ULL

static inline struct page *pfn_to_page(const struct machine *m, unsigned long pfn)
{
	return m->vmemmap + pfn;
}

static inline unsigned long page_to_pfn(const struct machine *m, const struct page *p)
{
	return (unsigned long)(p - m->vmemmap);
}

static inline void *page_address(const struct machine *m, const struct page *p)
{
	return m->phys_base + ((size_t)page_to_pfn(m, p) << PAGE_SHIFT);
}

static inline void *pfn_to_virt(const struct machine *m, unsigned long pfn)
{
	return m->phys_base + ((size_t)pfn << PAGE_SHIFT);
}

static inline uint64_t virt_to_phys(const struct machine *m, const void *addr)
{
	return (uint64_t)((const unsigned char *)addr - m->phys_base);
}

static inline bool virt_addr_valid(const struct machine *m, const void *addr)
{
	const unsigned char *a = addr;

	return a >= m->phys_base && a < m->phys_base + m->phys_bytes;
}

static inline struct page *virt_to_page(const struct machine *m, const void *addr)
{
	return pfn_to_page(m, (unsigned long)(virt_to_phys(m, addr) >> PAGE_SHIFT));
}

static inline struct zone *page_zone(const struct machine *m, const struct page *p)
{
	return &NODE_DATA(m, page_to_nid(p))->node_zones[page_zonenum(p)];
}

static inline pg_data_t *page_pgdat(const struct machine *m, const struct page *p)
{
	return NODE_DATA(m, page_to_nid(p));
}

/* pfn_valid: the frame exists and has a descriptor (a present section). */
bool pfn_valid(const struct machine *m, unsigned long pfn);

/* Counters. Zone counters roll up into the machine's global ones. */
static inline void mod_zone_page_state(struct zone *z, enum zone_stat_item i, long d)
{
	z->vm_stat[i] += d;
	z->zone_pgdat->machine->vm_zone_stat[i] += d;
}

static inline void mod_node_page_state(pg_data_t *pgdat, enum node_stat_item i, long d)
{
	pgdat->vm_stat[i] += d;
	pgdat->machine->vm_node_stat[i] += d;
}

static inline void count_vm_events(struct machine *m, enum vm_event_item i, long d)
{
	m->vm_events[i] += (unsigned long)d;
}
#define count_vm_event(m, i) count_vm_events(m, i, 1)

static inline void inc_numa_state(struct zone *z, enum numa_stat_item i)
{
	z->vm_numa_event[i]++;
	z->zone_pgdat->machine->vm_numa_event[i]++;
}

static inline long global_zone_page_state(const struct machine *m, enum zone_stat_item i)
{
	return m->vm_zone_stat[i];
}

static inline long global_node_page_state(const struct machine *m, enum node_stat_item i)
{
	return m->vm_node_stat[i];
}

/* Node items kept in bytes, in pages. */
static inline long global_node_page_state_pages(const struct machine *m, enum node_stat_item i)
{
	long v = m->vm_node_stat[i];

	return vmstat_item_in_bytes(i) ? v >> PAGE_SHIFT : v;
}

static inline long zone_page_state(const struct zone *z, enum zone_stat_item i)
{
	return z->vm_stat[i];
}

/* The slot of zone idx among the architecture's zones (pgalloc_dma, ...). */
int zone_event_slot(const struct machine *m, enum zone_type idx);

/* ---- The page allocator (page_alloc.c) ---- */

/*
 * Allocate 2^order contiguous frames. Returns the head page with refcount 1,
 * or NULL (an outcome: reported in dmesg unless __GFP_NOWARN). Node choice:
 * the current CPU's node, then the zonelist fallback.
 */
struct page *alloc_pages(struct machine *m, gfp_t gfp, unsigned int order);
struct page *alloc_pages_node(struct machine *m, int nid, gfp_t gfp, unsigned int order);
struct page *__alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
			   int preferred_nid, const unsigned long *nodemask);
/* Drop a reference; frees when it reaches zero. */
void __free_pages(struct machine *m, struct page *page, unsigned int order);
void free_pages_exact_order(struct machine *m, struct page *page, unsigned int order);
/* Convenience for kernel-side users that want an address. */
void *__get_free_pages(struct machine *m, gfp_t gfp, unsigned int order);
void free_pages(struct machine *m, void *addr, unsigned int order);

/* Boot: hand free memory to the buddy allocator (memblock_free_all). */
void memblock_free_all(struct machine *m);
/* Boot: zonelists, watermarks, lowmem reserve, per-CPU pagesets. */
void build_all_zonelists(struct machine *m);
void init_per_zone_wmark_min(struct machine *m);
void setup_per_zone_wmarks(struct machine *m);
void setup_per_zone_lowmem_reserve(struct machine *m);
void zone_pcp_init_all(struct machine *m);
void zone_pcp_update_all(struct machine *m);	/* after a sysctl change */
void drain_all_pages(struct machine *m, struct zone *zone);	/* NULL: every zone */
unsigned long nr_free_buffer_pages(struct machine *m);
long si_mem_available(struct machine *m);
int calculate_normal_threshold(const struct machine *m, const struct zone *z);

/* Fault injection (fail the Nth allocation): true when this one must fail. */
bool should_fail_alloc(struct machine *m, enum fail_kind kind);

/* Debug validators; return the number of problems (reported to dmesg). */
int validate_zone(struct machine *m, struct zone *z);
int validate_free_areas(struct machine *m);

/* Report a broken page and abort (mm/debug.c dump_page). */
void dump_page(const struct machine *m, const struct page *page, const char *reason);

#endif
