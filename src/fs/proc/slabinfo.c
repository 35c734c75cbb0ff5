/*
 * slabinfo.c - /proc/slabinfo (Linux's slab_show()/cache_show() in
 * mm/slab_common.c), version 2.1 as SLUB prints it.
 *
 * One line per cache on machine->slab_caches. Linux adds a new cache at
 * the head of slab_caches (list_add) and walks the list forwards, so the
 * newest cache comes first and kmem_cache, the first one made, comes last;
 * slub.c keeps the same convention and this walk relies on it.
 * SLUB has no tunables and no shared arrays: those columns are 0.
 */
#include "internal.h"

static void print_slabinfo_header(struct seq_buf *s)
{
	seq_puts(s, "slabinfo - version: 2.1\n");
	seq_puts(s, "# name            <active_objs> <num_objs> <objsize> "
		    "<objperslab> <pagesperslab>");
	seq_puts(s, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(s, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	seq_putc(s, '\n');
}

static void cache_show(struct machine *m, struct kmem_cache *c, struct seq_buf *s)
{
	struct slabinfo si = { 0 };

	get_slabinfo(m, c, &si);
	seq_printf(s, "%-17s %6lu %6lu %6u %4u %4d", c->name, si.active_objs,
		   si.num_objs, c->size, si.objects_per_slab, 1 << si.cache_order);
	seq_printf(s, " : tunables %4u %4u %4u", 0u, 0u, 0u);
	seq_printf(s, " : slabdata %6lu %6lu %6lu", si.active_slabs, si.num_slabs, 0UL);
	seq_putc(s, '\n');
}

void show_slabinfo(struct machine *m, struct seq_buf *s)
{
	struct kmem_cache *c;

	print_slabinfo_header(s);
	list_for_each_entry(c, &m->slab_caches, list)
		cache_show(m, c, s);
}
