/*
 * percpu.c - per-CPU memory in simulated frames (see percpu.h).
 *
 * The first chunk is reserved from memblock at boot: a static part for the
 * objects boot creates (per-CPU page lists) plus a dynamic reserve, as
 * Linux's embedded first chunk. When it is full, a new chunk of the same
 * unit size comes from the page allocator. A chunk's occupancy is a bitmap
 * of 16-byte granules; allocation is first fit. Percpu in meminfo counts
 * the pages of every chunk.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"

#define PCPU_DYNAMIC_RESERVE	(28 * 1024)
#define BITS_PER_LONG		(8 * sizeof(unsigned long))

static bool bit_test(const unsigned long *map, unsigned int g)
{
	return map[g / BITS_PER_LONG] & (1UL << (g % BITS_PER_LONG));
}

static void bit_assign(unsigned long *map, unsigned int g, bool on)
{
	if (on)
		map[g / BITS_PER_LONG] |= 1UL << (g % BITS_PER_LONG);
	else
		map[g / BITS_PER_LONG] &= ~(1UL << (g % BITS_PER_LONG));
}

static bool granule_used(const struct pcpu_chunk *c, unsigned int g)
{
	return bit_test(c->map, g);
}

static void granule_set(struct pcpu_chunk *c, unsigned int g, bool used)
{
	bit_assign(c->map, g, used);
}

static int chunk_init(struct machine *m, struct pcpu_chunk *c, char *base)
{
	c->base = base;
	c->nr_granules = (unsigned int)(m->pcpu.unit_size / PCPU_MIN_ALLOC);
	c->free_granules = c->nr_granules;
	c->map = calloc(DIV_ROUND_UP(c->nr_granules, BITS_PER_LONG), sizeof(unsigned long));
	c->bound = calloc(DIV_ROUND_UP(c->nr_granules, BITS_PER_LONG), sizeof(unsigned long));
	return c->map && c->bound ? 0 : -ENOMEM;
}

int pcpu_setup_first_chunk(struct machine *m, size_t static_size)
{
	struct pcpu_state *p = &m->pcpu;
	size_t bytes;
	uint64_t phys;

	p->unit_size = ALIGN(static_size + PCPU_DYNAMIC_RESERVE, PAGE_SIZE);
	bytes = p->unit_size * (size_t)m->nr_cpus;
	phys = memblock_phys_alloc_nid(&m->memblock, bytes, PAGE_SIZE, NUMA_NO_NODE, ~0ULL);
	if (!phys)
		return -ENOMEM;
	memset(m->phys_base + phys, 0, bytes);
	p->chunks[0].from_memblock = true;
	p->nr_chunks = 1;
	p->nr_pages = bytes >> PAGE_SHIFT;
	return chunk_init(m, &p->chunks[0], (char *)m->phys_base + phys);
}

static long chunk_find(struct pcpu_chunk *c, unsigned int need, unsigned int align_g)
{
	for (unsigned int g = 0; g + need <= c->nr_granules; g += align_g) {
		unsigned int i;

		for (i = 0; i < need && !granule_used(c, g + i); i++)
			;
		if (i == need)
			return g;
	}
	return -1;
}

static struct pcpu_chunk *pcpu_grow(struct machine *m)
{
	struct pcpu_state *p = &m->pcpu;
	size_t bytes = p->unit_size * (size_t)m->nr_cpus;
	unsigned int order = 0;
	struct pcpu_chunk *c;
	struct page *page;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	if (p->nr_chunks >= PCPU_MAX_CHUNKS || order > MAX_PAGE_ORDER)
		return NULL;
	page = alloc_pages(m, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);
	if (!page)
		return NULL;
	c = &p->chunks[p->nr_chunks];
	memset(c, 0, sizeof(*c));
	c->order = order;
	if (chunk_init(m, c, page_address(m, page))) {
		__free_pages(m, page, order);
		return NULL;
	}
	p->nr_chunks++;
	p->nr_pages += 1UL << order;
	return c;
}

void *__alloc_percpu(struct machine *m, size_t size, size_t align)
{
	struct pcpu_state *p = &m->pcpu;
	unsigned int need = (unsigned int)DIV_ROUND_UP(size ? size : 1, PCPU_MIN_ALLOC);
	unsigned int align_g = (unsigned int)max(align, (size_t)PCPU_MIN_ALLOC) / PCPU_MIN_ALLOC;
	struct pcpu_chunk *c = NULL;
	long g = -1;

	if (size > p->unit_size)
		return NULL;
	for (int i = 0; i < p->nr_chunks && g < 0; i++) {
		c = &p->chunks[i];
		if (c->free_granules >= need)
			g = chunk_find(c, need, align_g);
	}
	if (g < 0) {
		c = pcpu_grow(m);
		if (!c)
			return NULL;
		g = chunk_find(c, need, align_g);
		if (g < 0)
			return NULL;
	}
	for (unsigned int i = 0; i < need; i++)
		granule_set(c, (unsigned int)g + i, true);
	bit_assign(c->bound, (unsigned int)g, true);	/* where this allocation starts */
	c->free_granules -= need;
	char *ptr = c->base + (size_t)g * PCPU_MIN_ALLOC;

	for (int cpu = 0; cpu < m->nr_cpus; cpu++)
		memset(ptr + (size_t)cpu * p->unit_size, 0, need * PCPU_MIN_ALLOC);
	return ptr;
}

/*
 * An allocation runs from its start bit (bound) over used granules up to
 * the next start bit or free granule, as Linux's alloc_map/bound_map pair.
 * Freeing something that was never allocated is a bug of the caller.
 */
void free_percpu(struct machine *m, void *ptr)
{
	struct pcpu_state *p = &m->pcpu;

	if (!ptr)
		return;
	for (int i = 0; i < p->nr_chunks; i++) {
		struct pcpu_chunk *c = &p->chunks[i];
		char *b = ptr;
		unsigned int g;

		if (b < c->base || b >= c->base + p->unit_size)
			continue;
		g = (unsigned int)((b - c->base) / PCPU_MIN_ALLOC);
		BUG_ON(!bit_test(c->bound, g) || !granule_used(c, g));
		bit_assign(c->bound, g, false);
		do {
			granule_set(c, g, false);
			c->free_granules++;
			g++;
		} while (g < c->nr_granules && granule_used(c, g) && !bit_test(c->bound, g));
		return;
	}
	BUG();
}

void pcpu_teardown(struct machine *m)
{
	for (int i = 0; i < m->pcpu.nr_chunks; i++) {
		free(m->pcpu.chunks[i].map);
		free(m->pcpu.chunks[i].bound);
		m->pcpu.chunks[i].map = NULL;
		m->pcpu.chunks[i].bound = NULL;
	}
	m->pcpu.nr_chunks = 0;
}
