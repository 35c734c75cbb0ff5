/*
 * mm_init.c - the boot memory layout: firmware map, nodes, zones, the
 * vmemmap and the initial struct pages (Linux's arch/x86 e820 setup,
 * mm/sparse.c, mm/mm_init.c and free_area_init).
 *
 * Physical layout of an x86-64 machine with S bytes installed, as a PC
 * firmware reports it (the host's own e820 has the same shape):
 *   [0, 0x9fc00)         RAM (but pfn 0 is taken by the firmware)
 *   [0x9fc00, 1M)        reserved: EBDA, VGA, BIOS ROM
 *   [1M, min(S, 3G))     RAM
 *   [3G, 4G)             the PCI hole (absent when S <= 3G)
 *   [4G, 4G + S - 3G)    RAM remapped above the hole
 * Nodes take the installed bytes in address order (node_mem or S/N each).
 * Zones: DMA below 16M, DMA32 below 4G, Normal above; Movable from the top
 * of each node's highest zone when movablecore/kernelcore ask for it.
 *
 * The vmemmap: for every 128 MiB section with RAM in it, memblock reserves
 * PAGES_PER_SECTION * 64 bytes of frames on the section's node (2 MiB), and
 * those frames are mapped (memfd, MAP_SHARED) at vmemmap + section_pfn, so
 * struct pages truly live in simulated frames and cost what Linux's cost
 * (nr_memmap_boot_pages). Sections without RAM are not mapped: touching
 * their struct pages faults, as it would on Linux.
 *
 * Initial struct pages: everything in a present section is initialised
 * (zone and node links, refcount 1, PG_reserved) except blocks that
 * block_is_deferrable() names, which stay all-zero until the page
 * allocator takes them from zone->deferred. That keeps a 1 TiB boot cheap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <unistd.h>

#include "mm.h"

#define LEGACY_HOLE_START	0x9fc00ULL
#define LOW_RAM_LIMIT		(3ULL << 30)
#define PCI_HOLE_END		(4ULL << 30)
#define KERNEL_LOAD_ADDR	SZ_16M

static const char *const zone_names[MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable", "Device",
};

static void e820_add(struct machine *m, uint64_t addr, uint64_t size, int type)
{
	if (size && m->nr_e820 < MMSIM_MAX_E820)
		m->e820[m->nr_e820++] = (struct e820_entry){ addr, size, type };
}

/* The firmware map for cfg->mem_bytes installed; returns the end of RAM. */
static uint64_t e820_setup(struct machine *m)
{
	uint64_t s = m->cfg.mem_bytes, low = min(s, LOW_RAM_LIMIT);

	e820_add(m, 0, LEGACY_HOLE_START, E820_RAM);
	e820_add(m, LEGACY_HOLE_START, SZ_1M - LEGACY_HOLE_START, E820_RESERVED);
	e820_add(m, SZ_1M, low - SZ_1M, E820_RAM);
	if (s > LOW_RAM_LIMIT) {
		e820_add(m, LOW_RAM_LIMIT, PCI_HOLE_END - LOW_RAM_LIMIT, E820_RESERVED);
		e820_add(m, PCI_HOLE_END, s - LOW_RAM_LIMIT, E820_RAM);
		return PCI_HOLE_END + s - LOW_RAM_LIMIT;
	}
	return low;
}

static uint64_t node_bytes(const struct machine *m, int nid)
{
	if (m->cfg.node_mem[0])
		return m->cfg.node_mem[nid];
	/* Even split, in whole MAX_ORDER blocks; the last node takes the rest. */
	uint64_t each = ALIGN_DOWN(m->cfg.mem_bytes / m->nr_nodes, (uint64_t)MAX_ORDER_NR_PAGES << PAGE_SHIFT);

	if (nid == m->nr_nodes - 1)
		return m->cfg.mem_bytes - each * (m->nr_nodes - 1);
	return each;
}

/* Give RAM to nodes in address order; pfn 0 stays with the firmware. */
static int memblock_setup_nodes(struct machine *m)
{
	int nid = 0;
	uint64_t left = node_bytes(m, 0);

	for (int i = 0; i < m->nr_e820; i++) {
		const struct e820_entry *e = &m->e820[i];
		uint64_t addr = e->addr, size = e->size;

		if (e->type != E820_RAM)
			continue;
		while (size) {
			uint64_t take = min(size, left);

			if (memblock_add_node(&m->memblock, addr, take, nid))
				return -ENOSPC;
			addr += take;
			size -= take;
			left -= take;
			if (!left && nid + 1 < m->nr_nodes)
				left = node_bytes(m, ++nid);
			else if (!left)
				break;
		}
	}
	/* The firmware keeps page 0 (e820 "update usable ==> reserved"). */
	return memblock_reserve(&m->memblock, 0, PAGE_SIZE);
}

/* [start, end) pfns of node nid's RAM. */
static void node_pfn_range(const struct machine *m, int nid, unsigned long *start,
			   unsigned long *end)
{
	const struct memblock_type *t = &m->memblock.memory;

	*start = ~0UL;
	*end = 0;
	for (unsigned long i = 0; i < t->cnt; i++) {
		const struct memblock_region *r = &t->regions[i];
		unsigned long s = (unsigned long)PFN_UP(r->base);
		unsigned long e = (unsigned long)PFN_DOWN(r->base + r->size);

		if (r->nid != nid || s >= e)
			continue;
		/* Skip the firmware's page 0, as Linux's node ranges do. */
		if (s == 0)
			s = 1;
		*start = min(*start, s);
		*end = max(*end, e);
	}
	if (*start == ~0UL)
		*start = *end = 0;
}

static void zone_limits(enum zone_type z, unsigned long *lo, unsigned long *hi)
{
	static const uint64_t bound[] = { SZ_16M, SZ_4G, ~0ULL };

	switch (z) {
	case ZONE_DMA:
		*lo = 0;
		*hi = (unsigned long)(bound[0] >> PAGE_SHIFT);
		break;
	case ZONE_DMA32:
		*lo = (unsigned long)(bound[0] >> PAGE_SHIFT);
		*hi = (unsigned long)(bound[1] >> PAGE_SHIFT);
		break;
	case ZONE_NORMAL:
		*lo = (unsigned long)(bound[1] >> PAGE_SHIFT);
		*hi = ~0UL;
		break;
	default:
		*lo = *hi = 0;
	}
}

static unsigned long present_pages_in(const struct machine *m, unsigned long s, unsigned long e)
{
	if (e <= s)
		return 0;
	uint64_t bytes = memblock_present_in(&m->memblock, PFN_PHYS(s), PFN_PHYS(e));

	/* pfn 0 is never present: it is in memory but firmware-owned. */
	if (s == 0 && bytes)
		bytes -= PAGE_SIZE;
	return (unsigned long)(bytes >> PAGE_SHIFT);
}

/*
 * ZONE_MOVABLE's start on each node (find_zone_movable_pfns_for_nodes,
 * simplified): movablecore is shared evenly by the nodes, kernelcore leaves
 * the rest movable; the movable part is cut from the top of the node,
 * in whole MAX_ORDER blocks, and never below the highest zone's start.
 */
static void find_zone_movable_pfns(struct machine *m)
{
	uint64_t movable = m->cfg.movablecore_bytes;

	if (m->cfg.kernelcore_bytes)
		movable = m->cfg.mem_bytes - min(m->cfg.kernelcore_bytes, m->cfg.mem_bytes);
	if (!movable)
		return;
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		unsigned long s, e, lo, hi, want;

		node_pfn_range(m, nid, &s, &e);
		want = (unsigned long)((movable / m->nr_nodes) >> PAGE_SHIFT);
		want = ALIGN(want, MAX_ORDER_NR_PAGES);
		/* The highest zone the node has is where movable memory comes from. */
		for (int z = ZONE_NORMAL; z >= ZONE_DMA; z--) {
			zone_limits((enum zone_type)z, &lo, &hi);
			if (present_pages_in(m, max(s, lo), min(e, hi)))
				break;
		}
		lo = max(lo, s);
		if (e > want && e - want > lo)
			m->zone_movable_pfn[nid] = ALIGN_DOWN(e - want, MAX_ORDER_NR_PAGES);
		else
			m->zone_movable_pfn[nid] = ALIGN(lo, MAX_ORDER_NR_PAGES);
	}
}

static void zone_init_one(struct machine *m, pg_data_t *pgdat, enum zone_type z,
			  unsigned long s, unsigned long e)
{
	struct zone *zone = &pgdat->node_zones[z];

	memset(zone, 0, sizeof(*zone));
	zone->name = zone_names[z];
	zone->idx = z;
	zone->zone_pgdat = pgdat;
	spin_lock_init(&zone->lock, LOCK_ZONE);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list[t]);
	if (e > s) {
		zone->zone_start_pfn = s;
		zone->spanned_pages = e - s;
		zone->present_pages = present_pages_in(m, s, e);
		zone->present_early_pages = zone->present_pages;
	}
	if (!zone->present_pages) {
		zone->spanned_pages = 0;
		zone->zone_start_pfn = 0;
	}
}

/* Zone spans of one node (calculate_node_totalpages). */
static void free_area_init_node(struct machine *m, pg_data_t *pgdat)
{
	int nid = pgdat->node_id;
	unsigned long ns, ne, mov = m->zone_movable_pfn[nid];

	node_pfn_range(m, nid, &ns, &ne);
	pgdat->node_start_pfn = ns;
	pgdat->node_spanned_pages = ne - ns;
	pgdat->node_present_pages = present_pages_in(m, ns, ne);
	pgdat->nr_zones = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		unsigned long lo, hi, s, e;

		zone_limits((enum zone_type)z, &lo, &hi);
		s = max(ns, lo);
		e = min(ne, hi);
		if (mov && z != ZONE_MOVABLE)
			e = min(e, mov);
		if (z == ZONE_MOVABLE && mov) {
			s = max(mov, ns);
			e = ne;
		}
		if (!arch_has_zone(m, (enum zone_type)z))
			s = e = 0;
		zone_init_one(m, pgdat, (enum zone_type)z, s, e > s ? e : s);
		if (populated_zone(&pgdat->node_zones[z]))
			pgdat->nr_zones = z + 1;
	}
}

/* ---- the vmemmap ---- */

static bool section_has_ram(const struct machine *m, unsigned long sec)
{
	unsigned long s = sec * PAGES_PER_SECTION;

	return memblock_present_in(&m->memblock, PFN_PHYS(s), PFN_PHYS(s + PAGES_PER_SECTION)) != 0;
}

static int section_nid(const struct machine *m, unsigned long sec)
{
	const struct memblock_type *t = &m->memblock.memory;
	uint64_t base = PFN_PHYS(sec * PAGES_PER_SECTION);

	for (unsigned long i = 0; i < t->cnt; i++) {
		const struct memblock_region *r = &t->regions[i];

		if (r->base + r->size > base && r->base < base + (PAGES_PER_SECTION << PAGE_SHIFT))
			return r->nid;
	}
	return 0;
}

/* Map the memmap of sections [first, first + n) onto frames at phys. */
static int vmemmap_map(struct machine *m, unsigned long first, unsigned long n, uint64_t phys)
{
	size_t per = PAGES_PER_SECTION * sizeof(struct page);
	void *want = (char *)m->vmemmap + first * per;
	void *got = mmap(want, n * per, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 m->memfd, (off_t)phys);

	return got == MAP_FAILED ? -errno : 0;
}

/*
 * sparse_init: per node, one memblock buffer holds the memmap of all its
 * present sections (2 MiB each, PMD-aligned as vmemmap_populate wants).
 */
static int sparse_init_node(struct machine *m, int nid)
{
	size_t per = PAGES_PER_SECTION * sizeof(struct page);
	unsigned long count = 0, run_start = 0, run_len = 0;
	uint64_t buf, at;

	for (unsigned long sec = 0; sec < m->nr_sections; sec++)
		if (m->section_present[sec] && section_nid(m, sec) == nid)
			count++;
	if (!count)
		return 0;
	buf = memblock_phys_alloc_nid(&m->memblock, count * per, SZ_2M, nid, ~0ULL);
	if (!buf)
		buf = memblock_phys_alloc_nid(&m->memblock, count * per, SZ_2M, NUMA_NO_NODE, ~0ULL);
	if (!buf)
		return -ENOMEM;
	m->memmap_boot_pages += (unsigned long)(count * per >> PAGE_SHIFT);
	at = buf;
	for (unsigned long sec = 0; sec <= m->nr_sections; sec++) {
		bool mine = sec < m->nr_sections && m->section_present[sec] &&
			    section_nid(m, sec) == nid;

		if (mine && run_len && sec == run_start + run_len) {
			run_len++;
			continue;
		}
		if (run_len) {
			int err = vmemmap_map(m, run_start, run_len, at);

			if (err)
				return err;
			at += run_len * per;
			run_len = 0;
		}
		if (mine) {
			run_start = sec;
			run_len = 1;
		}
	}
	return 0;
}

bool pfn_valid(const struct machine *m, unsigned long pfn)
{
	unsigned long sec = pfn / PAGES_PER_SECTION;

	return pfn < m->max_pfn && sec < m->nr_sections && m->section_present[sec];
}

/* ---- initial struct pages ---- */

static void init_one_page(struct page *p, enum zone_type z, int nid)
{
	memset(p, 0, sizeof(*p));
	set_page_links(p, z, nid);
	init_page_count(p);
	p->_mapcount = -1;
	INIT_LIST_HEAD(&p->lru);
	SetPageReserved(p);
}

struct deferral_walk {
	struct machine *m;
	pg_data_t *pgdat;
	unsigned char *skip;	/* per MAX_ORDER block of the node: deferred */
};

static void mark_deferred_blocks(void *arg, unsigned long s, unsigned long e, int nid)
{
	struct deferral_walk *w = arg;
	pg_data_t *pgdat = w->pgdat;

	if (nid != pgdat->node_id)
		return;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long zs = zone->zone_start_pfn, ze = zone_end_pfn(zone);

		if (!populated_zone(zone))
			continue;
		for (unsigned long pfn = ALIGN(max(s, zs), MAX_ORDER_NR_PAGES);
		     pfn + MAX_ORDER_NR_PAGES <= min(e, ze); pfn += MAX_ORDER_NR_PAGES)
			if (block_is_deferrable(pfn, s, e, zs, ze))
				w->skip[(pfn - ALIGN_DOWN(pgdat->node_start_pfn, MAX_ORDER_NR_PAGES)) /
					MAX_ORDER_NR_PAGES] = 1;
	}
}

/* memmap_init: every struct page of the node's zones except deferred blocks. */
static int memmap_init_node(struct machine *m, pg_data_t *pgdat)
{
	unsigned long base = ALIGN_DOWN(pgdat->node_start_pfn, MAX_ORDER_NR_PAGES);
	unsigned long nblocks = DIV_ROUND_UP(pgdat->node_start_pfn + pgdat->node_spanned_pages - base,
					     MAX_ORDER_NR_PAGES);
	struct deferral_walk w = { m, pgdat, NULL };

	w.skip = calloc(nblocks ? nblocks : 1, 1);
	if (!w.skip)
		return -ENOMEM;
	memblock_for_each_free_range(&m->memblock, mark_deferred_blocks, &w);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone))
			continue;
		for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn++) {
			if (w.skip[(pfn - base) / MAX_ORDER_NR_PAGES]) {
				pfn = ALIGN(pfn + 1, MAX_ORDER_NR_PAGES) - 1;
				continue;
			}
			if (pfn_valid(m, pfn))
				init_one_page(pfn_to_page(m, pfn), (enum zone_type)z, pgdat->node_id);
		}
	}
	free(w.skip);
	return 0;
}

/* ---- the whole sequence ---- */

static int host_reserve(struct machine *m, uint64_t ram_end, char *err, size_t errlen)
{
	m->max_pfn = (unsigned long)(ALIGN(ram_end, (uint64_t)PAGES_PER_SECTION << PAGE_SHIFT) >> PAGE_SHIFT);
	m->phys_bytes = (size_t)m->max_pfn << PAGE_SHIFT;
	m->nr_sections = m->max_pfn / PAGES_PER_SECTION;
	m->memfd = memfd_create("mmsim-phys", MFD_CLOEXEC);
	if (m->memfd < 0 || ftruncate(m->memfd, (off_t)m->phys_bytes)) {
		snprintf(err, errlen, "--mem %lluM: the host cannot provide a %lluM memory file (%s)",
			 (unsigned long long)(m->cfg.mem_bytes >> 20),
			 (unsigned long long)(m->phys_bytes >> 20), strerror(errno));
		return -ENOMEM;
	}
	m->phys_base = mmap(NULL, m->phys_bytes, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_NORESERVE, m->memfd, 0);
	m->vmemmap_bytes = (size_t)m->max_pfn * sizeof(struct page);
	m->vmemmap = mmap(NULL, m->vmemmap_bytes, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->phys_base == MAP_FAILED || m->vmemmap == MAP_FAILED) {
		if (m->phys_base == MAP_FAILED)
			m->phys_base = NULL;
		if (m->vmemmap == MAP_FAILED)
			m->vmemmap = NULL;
		snprintf(err, errlen, "--mem %lluM: larger than this host can address",
			 (unsigned long long)(m->cfg.mem_bytes >> 20));
		return -ENOMEM;
	}
	return 0;
}

/* Kernel image at 16 MiB as CONFIG_PHYSICAL_START, lower on tiny machines. */
static int reserve_kernel(struct machine *m)
{
	uint64_t size = m->cfg.kernel_image_bytes;
	uint64_t at = KERNEL_LOAD_ADDR;

	if (at + size > m->cfg.mem_bytes / 2)
		at = SZ_2M;
	m->kernel_image_start = at;
	return memblock_reserve(&m->memblock, at, size);
}

static void *memblock_alloc_host(struct machine *m, size_t size, int nid)
{
	uint64_t phys = memblock_phys_alloc_nid(&m->memblock, size, 64, nid, ~0ULL);

	if (!phys)
		phys = memblock_phys_alloc_nid(&m->memblock, size, 64, NUMA_NO_NODE, ~0ULL);
	if (!phys)
		return NULL;
	void *p = m->phys_base + phys;

	memset(p, 0, size);
	return p;
}

static int alloc_node_data(struct machine *m, int nid)
{
	pg_data_t *pgdat = memblock_alloc_host(m, sizeof(*pgdat), nid);
	unsigned long s, e;

	if (!pgdat)
		return -ENOMEM;
	pgdat->node_id = nid;
	pgdat->machine = m;
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		INIT_LIST_HEAD(&pgdat->__lruvec.lists[lru]);
	spin_lock_init(&pgdat->__lruvec.lru_lock, LOCK_LRU);
	spin_lock_init(&pgdat->split_queue_lock, LOCK_SPLIT_QUEUE);	/* THP deferred split */
	INIT_LIST_HEAD(&pgdat->split_queue);
	NODE_DATA(m, nid) = pgdat;
	node_pfn_range(m, nid, &s, &e);
	/* usemap: one migratetype byte per pageblock, all MOVABLE at boot. */
	size_t nbytes = (e - ALIGN_DOWN(s, pageblock_nr_pages)) / pageblock_nr_pages + 1;

	pgdat->pageblock_flags = memblock_alloc_host(m, nbytes, nid);
	if (!pgdat->pageblock_flags)
		return -ENOMEM;
	memset(pgdat->pageblock_flags, MIGRATE_MOVABLE, nbytes);
	return 0;
}

static void setup_cpus_and_distances(struct machine *m)
{
	for (int c = 0; c < m->nr_cpus; c++)
		m->cpu_to_node[c] = c * m->nr_nodes / m->nr_cpus;
	/* the SLIT: 10 local, 20 remote unless --node-distance says otherwise */
	for (int a = 0; a < m->nr_nodes; a++)
		for (int b = 0; b < m->nr_nodes; b++)
			m->node_distance[a][b] =
				m->cfg.nr_distances == 1 ? (a == b ? 10 : m->cfg.distance[0]) :
				m->cfg.nr_distances ? m->cfg.distance[a * m->nr_nodes + b] :
				(a == b ? 10 : 20);
}

int setup_memory(struct machine *m, char *err, size_t errlen)
{
	uint64_t ram_end;
	int ret;

	m->memfd = -1;
	m->zone_mask = BIT(ZONE_DMA) | BIT(ZONE_DMA32) | BIT(ZONE_NORMAL) |
		       BIT(ZONE_MOVABLE) | BIT(ZONE_DEVICE);
	setup_cpus_and_distances(m);
	memblock_init(&m->memblock);
	ram_end = e820_setup(m);
	ret = host_reserve(m, ram_end, err, errlen);
	if (ret)
		return ret;
	if (memblock_setup_nodes(m) || memblock_reserve(&m->memblock, 0, SZ_1M) ||
	    reserve_kernel(m))
		goto nomem;
	m->section_present = memblock_alloc_host(m, m->nr_sections, 0);
	if (!m->section_present)
		goto nomem;
	for (unsigned long sec = 0; sec < m->nr_sections; sec++)
		m->section_present[sec] = section_has_ram(m, sec);
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		if (alloc_node_data(m, nid) || sparse_init_node(m, nid))
			goto nomem;
	}
	find_zone_movable_pfns(m);
	for (int nid = 0; nid < m->nr_nodes; nid++)
		free_area_init_node(m, NODE_DATA(m, nid));
	for (int nid = 0; nid < m->nr_nodes; nid++)
		if (memmap_init_node(m, NODE_DATA(m, nid)))
			goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "--mem %lluM: too small for the kernel's boot-time tables "
		 "with %d node(s)", (unsigned long long)(m->cfg.mem_bytes >> 20), m->nr_nodes);
	return -ENOMEM;
}

void teardown_memory(struct machine *m)
{
	if (m->vmemmap)
		munmap(m->vmemmap, m->vmemmap_bytes);
	if (m->phys_base)
		munmap(m->phys_base, m->phys_bytes);
	if (m->memfd >= 0)
		close(m->memfd);
	m->vmemmap = NULL;
	m->phys_base = NULL;
	m->memfd = -1;
}
