/*
 * mem_snapshot.h - "nothing leaked" for the process tests: where every
 * frame and every process object of a machine is, taken before tasks are
 * created and compared after they all exited.
 *
 * Frames: free (after the per-CPU lists are drained) plus slab pages is
 * constant while no frame leaks - slabs may keep empty pages cached, so
 * neither figure alone is. Objects: the active objects of each process
 * cache must come back exactly. Page tables, anonymous, mapped and shmem
 * pages, mlocked pages and the commit charge must be back to their values.
 */
#ifndef MMSIM_TEST_MEM_SNAPSHOT_H
#define MMSIM_TEST_MEM_SNAPSHOT_H

#include "harness.h"
#include "mm.h"
#include "swap.h"
#include "../../src/mm/slab_internal.h"

#define SNAP_CACHES 7

struct mem_snapshot {
	long frames;		/* free + slab pages */
	long pagetables, anon, mapped, shmem, file, mlock, committed;
	unsigned long objs[SNAP_CACHES];
};

static inline struct kmem_cache *snap_cache(struct machine *m, int i)
{
	struct kmem_cache *c[SNAP_CACHES] = {
		m->mm_cachep, m->vm_area_cachep, m->task_cachep, m->filp_cachep,
		m->shmem_inode_cachep, m->anon_vma_cachep, m->anon_vma_chain_cachep,
	};

	return c[i];
}

static inline unsigned long freelist_len(const struct kmem_cache *s, void *p)
{
	unsigned long n = 0;

	for (; p; p = *(void **)((char *)p + s->offset))
		n++;
	return n;
}

/*
 * Objects allocated and not freed, exactly. (slabinfo's active_objs counts
 * every object of a CPU's slabs as active, as Linux's does, so it moves
 * with the per-CPU state, not only with allocations.)
 */
static inline unsigned long slab_objects_in_use(struct machine *m, struct kmem_cache *s)
{
	unsigned long total = 0, free = 0;
	int nid, cpu;

	for_each_online_node(m, nid) {
		struct kmem_cache_node *n = s->node[nid];
		struct page *slab;

		if (!n)
			continue;
		total += n->total_objects;
		list_for_each_entry(slab, &n->partial, slab_list)
			free += freelist_len(s, slab->freelist);
	}
	for_each_cpu(m, cpu) {
		struct kmem_cache_cpu *c = per_cpu_slab(m, s, cpu);

		if (c->slab)
			free += freelist_len(s, c->freelist) + freelist_len(s, c->slab->freelist);
		for (struct page *p = c->partial; p; p = slab_next(p))
			free += freelist_len(s, p->freelist);
	}
	return total - free;
}

static inline void take_snapshot(struct machine *m, struct mem_snapshot *s)
{
	lru_add_drain_all(m);
	drain_all_pages(m, NULL);
	s->frames = global_zone_page_state(m, NR_FREE_PAGES) +
		    global_node_page_state_pages(m, NR_SLAB_RECLAIMABLE_B) +
		    global_node_page_state_pages(m, NR_SLAB_UNRECLAIMABLE_B);
	s->pagetables = global_node_page_state(m, NR_PAGETABLE);
	s->anon = global_node_page_state(m, NR_ANON_PAGES);
	s->mapped = global_node_page_state(m, NR_FILE_MAPPED);
	s->shmem = global_node_page_state(m, NR_SHMEM);
	s->file = global_node_page_state(m, NR_FILE_PAGES);
	s->mlock = global_zone_page_state(m, NR_MLOCK);
	s->committed = m->vm_committed_pages;
	for (int i = 0; i < SNAP_CACHES; i++) {
		struct kmem_cache *c = snap_cache(m, i);

		s->objs[i] = c ? slab_objects_in_use(m, c) : 0;
	}
}

static inline void assert_no_leak(struct machine *m, const struct mem_snapshot *before)
{
	struct mem_snapshot now;

	take_snapshot(m, &now);
	assert_int_equal(now.frames, before->frames);
	assert_int_equal(now.pagetables, before->pagetables);
	assert_int_equal(now.anon, before->anon);
	assert_int_equal(now.mapped, before->mapped);
	assert_int_equal(now.shmem, before->shmem);
	assert_int_equal(now.file, before->file);
	assert_int_equal(now.mlock, before->mlock);
	assert_int_equal(now.committed, before->committed);
	for (int i = 0; i < SNAP_CACHES; i++) {
		if (now.objs[i] != before->objs[i])
			fail_msg("cache %s: %lu objects, %lu before", snap_cache(m, i)->name,
				 now.objs[i], before->objs[i]);
	}
	check_machine(m);
}

#endif
