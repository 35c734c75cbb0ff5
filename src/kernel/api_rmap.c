/*
 * api_rmap.c - the public C API's rmap calls (include/mmsim/mmsim.h): the
 * reverse-map walk on demand, try_to_unmap, and the rmap's memory.
 *
 * The walks are the kernel's own (folio_referenced, try_to_unmap); the work
 * they report is the difference of vmstat's rmap_walk_* counters around
 * them, so the figures are exactly what vmstat shows. They are kernel work
 * on the current CPU and charge the simulated clock (api_clock.h).
 */
#include <errno.h>

#include "api_clock.h"
#include "machine.h"
#include "memory.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "slab.h"
#include "swap.h"
#include "vma.h"
#include "vmstat.h"

static const char *const rmap_mode_names[] = {
	[RMAP_SCAN] = "scan", [RMAP_PTE_CHAIN] = "pte_chain",
	[RMAP_ANON_VMA] = "anon_vma", [RMAP_ANON_VMA_CHAIN] = "anon_vma_chain",
};

static void walk_begin(struct machine *m, struct mmsim_rmap_walk *w)
{
	*w = (struct mmsim_rmap_walk){
		.vmas = m->vm_events[RMAP_WALK_VMA],
		.ptes = m->vm_events[RMAP_WALK_PTE],
		.pgtables = m->vm_events[RMAP_WALK_PGTABLE],
	};
}

static void walk_end(struct machine *m, struct mmsim_rmap_walk *w)
{
	w->vmas = m->vm_events[RMAP_WALK_VMA] - w->vmas;
	w->ptes = m->vm_events[RMAP_WALK_PTE] - w->ptes;
	w->pgtables = m->vm_events[RMAP_WALK_PGTABLE] - w->pgtables;
}

/* One page: its mappings counted, then folio_referenced's walk. */
static void walk_one(struct machine *m, struct page *page, struct mmsim_rmap_walk *w)
{
	get_page(page);
	w->pages++;
	w->mapped += (uint64_t)page_mapcount(page);
	w->referenced += (uint64_t)folio_referenced(m, page);
	put_page(m, page);
}

/* The normal page the pte at addr in vma maps, or NULL. */
static struct page *mapped_page(struct vm_area_struct *vma, unsigned long addr)
{
	pte_t *pte;

	if (!vma)
		return NULL;
	pte = walk_pte(vma->vm_mm, addr);
	if (!pte || !pte_present(*pte))
		return NULL;
	return vm_normal_page(vma, addr, *pte);
}

int mmsim_rmap_walk_task(mmsim_machine *m, int pid, struct mmsim_rmap_walk *w)
{
	struct task_struct *t = task_of(m, pid);
	struct vm_area_struct *vma;

	if (!t || !t->mm)
		return -ESRCH;
	API_CHARGE(m, NULL, 0);	/* the walk's work, priced from its counters */
	walk_begin(m, w);
	/* a process maps each anonymous page once, so each is walked once */
	for_each_vma(t->mm, vma) {
		for (unsigned long addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
			struct page *page = mapped_page(vma, addr);

			if (page && PageAnon(page))
				walk_one(m, page, w);
		}
	}
	walk_end(m, w);
	return 0;
}

int mmsim_rmap_walk_page(mmsim_machine *m, int pid, uint64_t addr, struct mmsim_rmap_walk *w)
{
	struct task_struct *t = task_of(m, pid);
	struct page *page;

	if (!t || !t->mm)
		return -ESRCH;
	page = mapped_page(vma_lookup(t->mm, addr), (unsigned long)addr);
	if (!page)
		return -EFAULT;
	API_CHARGE(m, NULL, 0);
	walk_begin(m, w);
	walk_one(m, page, w);
	walk_end(m, w);
	return 0;
}

int mmsim_try_to_unmap(mmsim_machine *m, int pid, uint64_t addr)
{
	struct task_struct *t = task_of(m, pid);
	struct page *page;
	bool unmapped;

	if (!t || !t->mm)
		return -ESRCH;
	page = mapped_page(vma_lookup(t->mm, addr), (unsigned long)addr);
	if (!page)
		return -EFAULT;
	API_CHARGE(m, NULL, 0);
	/* as reclaim does: queued LRU moves land, batch references go */
	lru_add_drain_all(m);
	get_page(page);
	unmapped = try_to_unmap(m, page);
	/* a lazyfree folio unmapped here is freed by this put, as reclaim frees it */
	if (unmapped && PageAnon(page) && !PageSwapBacked(page) && page_ref_count(page) == 1)
		count_vm_event(m, PGLAZYFREED);
	put_page(m, page);
	return unmapped;
}

static uint64_t cache_bytes(struct kmem_cache *s, uint64_t objects)
{
	return s ? objects * s->object_size : 0;
}

void mmsim_rmap_info(mmsim_machine *m, struct mmsim_rmap_info *info)
{
	*info = (struct mmsim_rmap_info){
		.mode = rmap_mode_names[m->cfg.rmap],
		.anon_vmas = m->nr_anon_vmas,
		.anon_vma_chains = m->nr_anon_vma_chains,
		.pte_chains = m->nr_pte_chains,
	};
	info->bytes = cache_bytes(m->anon_vma_cachep, info->anon_vmas) +
		      cache_bytes(m->anon_vma_chain_cachep, info->anon_vma_chains) +
		      cache_bytes(m->pte_chain_cachep, info->pte_chains);
}
