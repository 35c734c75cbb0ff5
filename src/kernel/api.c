/*
 * api.c - the public C API (include/mmsim/mmsim.h) over the internal
 * kernel: argument checking, address translation and bookkeeping of what
 * the API handed out, so that a bad call from a script gets -EINVAL instead
 * of corrupting the simulated kernel.
 *
 * The registry is a host-side hash set of (address, kind, order) for every
 * page block and object the kernel-side API returned; freeing something not
 * in it is refused. It is API state, not kernel state: the simulated
 * kernel's own accounting does not depend on it.
 *
 * The kernel-side allocator calls are charged to the simulated clock
 * (api_clock.h) as kernel work on the current CPU: a slab call its fixed
 * cost, page blocks what allocating and freeing pages costs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_clock.h"
#include "mm.h"
#include "mmsim/mmsim.h"

enum api_kind { API_PAGES = 1, API_KMALLOC, API_CACHE_OBJ };

struct api_entry {
	uint64_t key;		/* pfn for pages, kernel address for objects */
	void *owner;		/* the cache for cache objects */
	unsigned char kind;	/* 0 empty, 0xff tombstone */
	unsigned char order;
};

struct api_registry {
	struct api_entry *slots;
	size_t cap, used, live;
};

#define API_TOMBSTONE 0xff

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static struct api_registry *registry(struct machine *m)
{
	if (!m->api) {
		m->api = calloc(1, sizeof(*m->api));
		if (!m->api)
			abort();
	}
	return m->api;
}

static void registry_grow(struct api_registry *r)
{
	struct api_entry *old = r->slots;
	size_t oldcap = r->cap;

	r->cap = r->cap ? r->cap * 2 : 1024;
	r->slots = calloc(r->cap, sizeof(*r->slots));
	if (!r->slots)
		abort();
	r->used = r->live = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].kind && old[i].kind != API_TOMBSTONE) {
			size_t j = hash64(old[i].key) & (r->cap - 1);

			while (r->slots[j].kind)
				j = (j + 1) & (r->cap - 1);
			r->slots[j] = old[i];
			r->used++;
			r->live++;
		}
	}
	free(old);
}

static void registry_add(struct machine *m, uint64_t key, enum api_kind kind,
			 unsigned int order, void *owner)
{
	struct api_registry *r = registry(m);
	size_t j;

	if ((r->used + 1) * 4 >= r->cap * 3)
		registry_grow(r);
	j = hash64(key) & (r->cap - 1);
	while (r->slots[j].kind && r->slots[j].kind != API_TOMBSTONE)
		j = (j + 1) & (r->cap - 1);
	if (!r->slots[j].kind)
		r->used++;
	r->slots[j] = (struct api_entry){ key, owner, (unsigned char)kind, (unsigned char)order };
	r->live++;
}

static struct api_entry *registry_find(struct machine *m, uint64_t key, enum api_kind kind)
{
	struct api_registry *r = m->api;

	if (!r || !r->cap)
		return NULL;
	for (size_t j = hash64(key) & (r->cap - 1); r->slots[j].kind; j = (j + 1) & (r->cap - 1))
		if (r->slots[j].key == key && r->slots[j].kind == kind)
			return &r->slots[j];
	return NULL;
}

static void registry_remove(struct machine *m, struct api_entry *e)
{
	e->kind = API_TOMBSTONE;
	m->api->live--;
}

void api_registry_free(struct machine *m)
{
	if (m->api) {
		free(m->api->slots);
		free(m->api);
		m->api = NULL;
	}
}

static uint64_t to_kaddr(const struct machine *m, const void *p)
{
	return PAGE_OFFSET_X86_64 + virt_to_phys(m, p);
}

static void *from_kaddr(const struct machine *m, uint64_t a)
{
	if (a < PAGE_OFFSET_X86_64 || a - PAGE_OFFSET_X86_64 >= m->phys_bytes)
		return NULL;
	return m->phys_base + (a - PAGE_OFFSET_X86_64);
}

/* ---- machines ---- */

mmsim_machine *mmsim_boot(const mmsim_config *cfg, char *err, size_t errlen)
{
	if (!cfg) {
		if (err && errlen)
			snprintf(err, errlen, "no configuration");
		return NULL;
	}
	return machine_boot(mmsim_config_boot(cfg), err, errlen);
}

void mmsim_shutdown(mmsim_machine *m)
{
	machine_shutdown(m);
}

int mmsim_check(mmsim_machine *m)
{
	return machine_validate(m);
}

uint64_t mmsim_clock_ns(const mmsim_machine *m)
{
	return m->clock_ns;
}

char *mmsim_dmesg(mmsim_machine *m, size_t *len)
{
	return printk_ring_text(m, len);
}

int mmsim_sysctl_set(mmsim_machine *m, const char *name, const char *value,
		     char *err, size_t errlen)
{
	return sysctl_set(m, name, value, err, errlen);
}

int mmsim_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len)
{
	return sysctl_show(m, name, buf, len);
}

const char *const *mmsim_sysctl_names(void)
{
	return vm_sysctl_names;
}

/* ---- kernel-side allocators ---- */

int mmsim_gfp_parse(const char *text, unsigned int *gfp, char *err, size_t errlen)
{
	const char *bad = NULL;

	if (!text || gfp_parse(text, gfp, &bad)) {
		if (err && errlen)
			snprintf(err, errlen, "unknown GFP flag '%s' (use GFP_KERNEL, GFP_ATOMIC, "
				 "GFP_NOWAIT, GFP_HIGHUSER_MOVABLE, __GFP_DMA, __GFP_ZERO, ... joined by '|')",
				 bad ? bad : "");
		return -EINVAL;
	}
	return 0;
}

int64_t mmsim_alloc_pages(mmsim_machine *m, unsigned int gfp, unsigned int order)
{
	struct page *page;
	unsigned long pfn;

	if (order > MAX_PAGE_ORDER || (gfp & ~__GFP_BITS_MASK))
		return -EINVAL;
	API_CHARGE(m, NULL, 0);
	page = alloc_pages(m, gfp, order);
	if (!page)
		return -ENOMEM;
	pfn = page_to_pfn(m, page);
	registry_add(m, pfn, API_PAGES, order, NULL);
	return (int64_t)pfn;
}

int mmsim_free_pages(mmsim_machine *m, uint64_t pfn, unsigned int order)
{
	struct api_entry *e = registry_find(m, pfn, API_PAGES);

	if (!e || e->order != order)
		return -EINVAL;
	API_CHARGE(m, NULL, 0);
	registry_remove(m, e);
	__free_pages(m, pfn_to_page(m, (unsigned long)pfn), order);
	return 0;
}

uint64_t mmsim_kmalloc(mmsim_machine *m, size_t size, unsigned int gfp)
{
	void *p;

	if (gfp & ~__GFP_BITS_MASK)
		return 0;
	API_CHARGE(m, NULL, sim_cost(COST_KMALLOC, 1));
	p = kmalloc(m, size, gfp);
	if (p == ZERO_SIZE_PTR)
		return (uint64_t)(uintptr_t)ZERO_SIZE_PTR;
	if (!p)
		return 0;
	registry_add(m, to_kaddr(m, p), API_KMALLOC, 0, NULL);
	return to_kaddr(m, p);
}

int mmsim_kfree(mmsim_machine *m, uint64_t addr)
{
	struct api_entry *e;

	if (addr == (uint64_t)(uintptr_t)ZERO_SIZE_PTR || addr == 0)
		return 0;
	e = registry_find(m, addr, API_KMALLOC);
	if (!e)
		return -EINVAL;
	API_CHARGE(m, NULL, sim_cost(COST_KMALLOC, 1));
	registry_remove(m, e);
	kfree(m, from_kaddr(m, addr));
	return 0;
}

size_t mmsim_ksize(mmsim_machine *m, uint64_t addr)
{
	if (!registry_find(m, addr, API_KMALLOC))
		return 0;
	return ksize(m, from_kaddr(m, addr));
}

mmsim_cache *mmsim_kmem_cache_create(mmsim_machine *m, const char *name, size_t size,
				     size_t align, char *err, size_t errlen)
{
	struct kmem_cache *s;

	if (!name || !*name || strlen(name) > 32 || !size || size > KMALLOC_MAX_CACHE_SIZE * 4 ||
	    (align && (!is_power_of_2(align) || align > PAGE_SIZE))) {
		if (err && errlen)
			snprintf(err, errlen, "kmem_cache_create: need a name of 1-32 characters, "
				 "a size of 1..%lu bytes and a power-of-two alignment <= %lu",
				 KMALLOC_MAX_CACHE_SIZE * 4, PAGE_SIZE);
		return NULL;
	}
	s = kmem_cache_create(m, name, (unsigned int)size, (unsigned int)align, 0, NULL);
	if (!s && err && errlen)
		snprintf(err, errlen, "kmem_cache_create %s: out of memory", name);
	return s;
}

uint64_t mmsim_kmem_cache_alloc(mmsim_machine *m, mmsim_cache *c, unsigned int gfp)
{
	void *p;

	if (!c || (gfp & ~__GFP_BITS_MASK))
		return 0;
	API_CHARGE(m, NULL, sim_cost(COST_KMALLOC, 1));
	p = kmem_cache_alloc(m, c, gfp);
	if (!p)
		return 0;
	registry_add(m, to_kaddr(m, p), API_CACHE_OBJ, 0, c);
	return to_kaddr(m, p);
}

int mmsim_kmem_cache_free(mmsim_machine *m, mmsim_cache *c, uint64_t addr)
{
	struct api_entry *e = registry_find(m, addr, API_CACHE_OBJ);

	if (!e || e->owner != c)
		return -EINVAL;
	API_CHARGE(m, NULL, sim_cost(COST_KMALLOC, 1));
	registry_remove(m, e);
	kmem_cache_free(m, c, from_kaddr(m, addr));
	return 0;
}

void mmsim_kmem_cache_destroy(mmsim_machine *m, mmsim_cache *c)
{
	if (c)
		kmem_cache_destroy(m, c);
}

int mmsim_fail_nth(mmsim_machine *m, const char *kind, unsigned long nth, int repeat)
{
	enum fail_kind k;

	if (!kind)
		return -EINVAL;
	if (!strcmp(kind, "page"))
		k = FAIL_PAGE_ALLOC;
	else if (!strcmp(kind, "slab"))
		k = FAIL_SLAB_ALLOC;
	/* swap (issue 5) */
	else if (!strcmp(kind, "swap_write"))
		k = FAIL_SWAP_WRITE;
	else if (!strcmp(kind, "swap_read"))
		k = FAIL_SWAP_READ;
	else
		return -EINVAL;
	m->fail.nth[k] = nth;
	m->fail.count[k] = 0;
	m->fail.repeat[k] = repeat != 0;
	return 0;
}

/* ---- vmalloc (issue 7): the registry for api_vmalloc.c ---- */

/* Is pfn a page of a block mmsim_alloc_pages handed out and not freed? */
bool api_pages_owned(struct machine *m, uint64_t pfn)
{
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
		struct api_entry *e = registry_find(m, pfn & ~((1ULL << o) - 1), API_PAGES);

		if (e && e->order >= o)
			return true;
	}
	return false;
}

/* kvmalloc's kmalloc'd objects are freed by kvfree or kfree alike. */
void api_kmalloc_register(struct machine *m, uint64_t kaddr)
{
	registry_add(m, kaddr, API_KMALLOC, 0, NULL);
}

bool api_kmalloc_unregister(struct machine *m, uint64_t kaddr)
{
	struct api_entry *e = registry_find(m, kaddr, API_KMALLOC);

	if (!e)
		return false;
	registry_remove(m, e);
	return true;
}
