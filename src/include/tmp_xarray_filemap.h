/*
 * TEMPORARY (filemap branch only, never merge-worthy): a stand-in for the
 * shared xarray (src/lib/xarray.c) until it lands on main. A 64-slot radix
 * tree over kmalloc'd nodes; root in xa_head with the height in its low bits.
 */
#ifndef MMSIM_TMP_XARRAY_FILEMAP_H
#define MMSIM_TMP_XARRAY_FILEMAP_H

#include "mm.h"

struct xarray {
	void *xa_head;
};

static inline void *xa_mk_value(unsigned long v) { return (void *)((v << 1) | 1); }
static inline bool xa_is_value(const void *e) { return (unsigned long)e & 1; }
static inline unsigned long xa_to_value(const void *e) { return (unsigned long)e >> 1; }
static inline int xa_err(void *e) { return IS_ERR(e) ? (int)PTR_ERR(e) : 0; }

void xa_init(struct xarray *xa);
void xa_destroy(struct machine *m, struct xarray *xa);
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct machine *m, struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_erase(struct machine *m, struct xarray *xa, unsigned long index);
/* The first entry at index >= *index and <= max (*index set to it), or NULL. */
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max);

#define MAPPING_XA(mapping) ((struct xarray *)&(mapping)->i_pages)

#endif
