/*
 * rmap_internal.h - what the rmap files share (mm/rmap.c, anon_vma.c,
 * anon_vma_list.c, pte_chain.c, rmap_scan.c, interval_tree.c,
 * rmap_validate.c) and nobody else needs.
 *
 * Each design implements the same few operations; rmap.c and anon_vma.c
 * dispatch on the boot-time mode, which never changes while a machine runs.
 */
#ifndef MMSIM_RMAP_INTERNAL_H
#define MMSIM_RMAP_INTERNAL_H

#include "machine.h"
#include "rmap.h"
#include "vmstat.h"

static inline enum rmap_mode rmap_mode(const struct vm_area_struct *vma)
{
	return vma->vm_mm->machine->cfg.rmap;
}

static inline struct machine *vma_machine(const struct vm_area_struct *vma)
{
	return vma->vm_mm->machine;
}

static inline struct anon_vma *page_anon_vma(const struct page *page)
{
	return (struct anon_vma *)((unsigned long)page->mapping - PAGE_MAPPING_ANON);
}

/* Do the anon_vma objects exist in this mode (else the static null one)? */
static inline bool rmap_has_anon_vmas(const struct machine *m)
{
	return m->cfg.rmap == RMAP_ANON_VMA || m->cfg.rmap == RMAP_ANON_VMA_CHAIN;
}

/* interval_tree.c */
void anon_vma_interval_tree_insert(struct anon_vma_chain *avc, struct rb_root *root);
void anon_vma_interval_tree_remove(struct anon_vma_chain *avc, struct rb_root *root);
unsigned long avc_compute_subtree_last(struct anon_vma_chain *avc);
unsigned long vma_compute_subtree_last(struct vm_area_struct *vma);

/* anon_vma.c: objects shared by both anon_vma designs */
struct anon_vma *anon_vma_alloc(struct machine *m);
void put_anon_vma(struct machine *m, struct anon_vma *anon_vma);
struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma, bool singular_only);

/* anon_vma_list.c: the 2.6.7-2.6.33 design (rmap=anon_vma) */
int anon_vma_list_prepare(struct vm_area_struct *vma);
void anon_vma_list_link(struct vm_area_struct *dst, struct vm_area_struct *src);
void anon_vma_list_unlink(struct vm_area_struct *vma);
void rmap_walk_anon_list(struct machine *m, struct page *page, struct rmap_walk_control *rwc);

/* anon_vma.c: the anon_vma_chain walk */
void rmap_walk_anon_chain(struct machine *m, struct page *page, struct rmap_walk_control *rwc);

/* pte_chain.c: the 2.5 design (rmap=pte_chain) */
int pte_chain_init(struct machine *m);
void pte_chain_add(struct machine *m, struct page *page, pte_t *pte);
void pte_chain_remove(struct machine *m, struct page *page, pte_t *pte);
void pte_chain_move(struct machine *m, struct page *page, pte_t *old, pte_t *new);
void rmap_walk_pte_chain(struct machine *m, struct page *page, struct rmap_walk_control *rwc);
/* Entries in page's chain, and whether each points at a pte mapping it (validate). */
unsigned long pte_chain_count(struct machine *m, struct page *page, unsigned long *bad);
bool pte_chain_contains(struct machine *m, struct page *page, pte_t *pte);
pte_t *pte_chain_first(struct machine *m, struct page *page);

/* rmap_scan.c: the 2.4 way (rmap=scan), also the validator's brute force */
void rmap_walk_scan(struct machine *m, struct page *page, struct rmap_walk_control *rwc);

/* The page table page holding pte, and from it the mm and address it maps. */
struct mm_struct *pte_to_mm(struct machine *m, pte_t *pte, unsigned long *addr);

#endif
