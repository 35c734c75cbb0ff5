/*
 * TEMPORARY (filemap branch only): the xarray stand-in of
 * tmp_xarray_filemap.h, until the shared src/lib/xarray.c is on main.
 */
#include <errno.h>

#include "slab.h"
#include "tmp_xarray_filemap.h"

#define XS	6
#define XN	(1UL << XS)
#define XM	(XN - 1)
#define HMASK	7UL

struct xnode { void *slots[XN]; };

static struct xnode *root(const struct xarray *xa) { return (void *)((unsigned long)xa->xa_head & ~HMASK); }
static unsigned int height(const struct xarray *xa) { return (unsigned int)((unsigned long)xa->xa_head & HMASK); }
static unsigned long maxidx(unsigned int h) { return h >= 11 ? ~0UL : (1UL << (XS * h)) - 1; }

void xa_init(struct xarray *xa) { xa->xa_head = NULL; }

static void destroy(struct machine *m, struct xnode *n, unsigned int h)
{
	if (h > 1)
		for (unsigned long i = 0; i < XN; i++)
			if (n->slots[i])
				destroy(m, n->slots[i], h - 1);
	kfree(m, n);
}

void xa_destroy(struct machine *m, struct xarray *xa)
{
	if (root(xa))
		destroy(m, root(xa), height(xa));
	xa->xa_head = NULL;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	struct xnode *n = root(xa);
	unsigned int h = height(xa);

	if (!n || index > maxidx(h))
		return NULL;
	while (--h) {
		n = n->slots[(index >> (XS * h)) & XM];
		if (!n)
			return NULL;
	}
	return n->slots[index & XM];
}

void *xa_store(struct machine *m, struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	unsigned int h = height(xa), need = 1;
	struct xnode *n;
	void *old;

	(void)gfp;
	if (!entry)
		return xa_erase(m, xa, index);
	while (index > maxidx(need))
		need++;
	if (need > 7)
		return ERR_PTR(-EINVAL);
	if (!root(xa)) {
		n = kzalloc(m, sizeof(*n), GFP_KERNEL);
		if (!n)
			return ERR_PTR(-ENOMEM);
		xa->xa_head = (void *)((unsigned long)n | need);
		h = need;
	}
	for (; h < need; h++) {
		n = kzalloc(m, sizeof(*n), GFP_KERNEL);
		if (!n)
			return ERR_PTR(-ENOMEM);
		n->slots[0] = root(xa);
		xa->xa_head = (void *)((unsigned long)n | (h + 1));
	}
	n = root(xa);
	for (h = height(xa); --h;) {
		void **slot = &n->slots[(index >> (XS * h)) & XM];

		if (!*slot && !(*slot = kzalloc(m, sizeof(struct xnode), GFP_KERNEL)))
			return ERR_PTR(-ENOMEM);
		n = *slot;
	}
	old = n->slots[index & XM];
	n->slots[index & XM] = entry;
	return old;
}

void *xa_erase(struct machine *m, struct xarray *xa, unsigned long index)
{
	struct xnode *n = root(xa);
	unsigned int h = height(xa);
	void *old;

	(void)m;	/* empty nodes stay until xa_destroy */
	if (!n || index > maxidx(h))
		return NULL;
	while (--h) {
		n = n->slots[(index >> (XS * h)) & XM];
		if (!n)
			return NULL;
	}
	old = n->slots[index & XM];
	n->slots[index & XM] = NULL;
	return old;
}

static void *find(struct xnode *n, unsigned int h, unsigned long base, unsigned long *index,
		  unsigned long max)
{
	unsigned long span = h > 1 ? 1UL << (XS * (h - 1)) : 1;

	for (unsigned long i = 0; i < XN; i++) {
		unsigned long first = base + i * span, last = first + span - 1;
		void *e;

		if (first > max)
			return NULL;
		if (last < *index || !n->slots[i])
			continue;
		if (h == 1) {
			*index = first;
			return n->slots[i];
		}
		e = find(n->slots[i], h - 1, first, index, max);
		if (e)
			return e;
	}
	return NULL;
}

void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max)
{
	if (!root(xa) || *index > maxidx(height(xa)))
		return NULL;
	return find(root(xa), height(xa), 0, index, max);
}
