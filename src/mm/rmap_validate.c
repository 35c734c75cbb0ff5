/*
 * rmap_validate.c - validate_rmap, the debug check of every rmap design
 * (CONFIG_DEBUG_VM's spirit): run by check_machine after every test.
 *
 * Structure: anon_vma_chain - each chain on its VMA's list and in its
 * anon_vma's tree, trees ordered and augmented, families' counts
 * recounted, no object unreachable; anon_vma - each VMA on its family's
 * list once, no empty anon_vma alive; pte_chain - each page's chain has
 * mapcount entries and every entry is a pte that maps it, the block count
 * adds up; every mode - a file VMA is in its mapping's i_mmap, and the
 * tree's augmentation is right.
 *
 * Reach: for every present pte of every process, the page is where its
 * design would look for it (the anon_vma tree or list covers the VMA, the
 * i_mmap covers the file VMA, the chain holds the pte). Scan mode keeps
 * nothing and needs no such check: its walk is the brute force itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fs.h"
#include "memory.h"
#include "hugetlb.h"
#include "pgalloc.h"
#include "rmap_internal.h"
#include "vma.h"

/*
 * What the validator recounts per anon_vma: every live anon_vma has a
 * chain (its tree is not empty), so visiting each tree once, from its
 * first chain, finds them all. Host memory: this is a debugging tool.
 */
struct av_census {
	const struct anon_vma *av;
	unsigned long children;	/* live anon_vmas whose parent it is */
	long family;		/* as a root: other live anon_vmas with this root */
};

struct rmap_validation {
	struct machine *m;
	struct av_census *avs;
	size_t nr, cap;
	unsigned long chains;	/* seen on VMAs' lists */
	int problems;
};

static __printf(2, 3) void rmap_problem(struct rmap_validation *v, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(v->m, "validate_rmap: %s", buf);
	v->problems++;
}

static int av_census_cmp(const void *a, const void *b)
{
	const struct anon_vma *x = ((const struct av_census *)a)->av;
	const struct anon_vma *y = ((const struct av_census *)b)->av;

	return x < y ? -1 : x > y;
}

static struct av_census *av_census_find(struct rmap_validation *v, const struct anon_vma *av)
{
	struct av_census key = { .av = av };

	if (!v->nr)
		return NULL;
	return bsearch(&key, v->avs, v->nr, sizeof(key), av_census_cmp);
}

static void av_census_add(struct rmap_validation *v, const struct anon_vma *av)
{
	if (v->nr == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct av_census *avs = realloc(v->avs, cap * sizeof(*avs));

		BUG_ON(!avs);	/* host memory for a debugging tool */
		v->avs = avs;
		v->cap = cap;
	}
	v->avs[v->nr++] = (struct av_census){ .av = av };
}

/* One anon_vma's tree: order, augmentation, owners, active VMAs. */
static void validate_anon_vma_tree(struct rmap_validation *v, struct anon_vma *av)
{
	unsigned long prev_start = 0, active = 0, nr = 0;
	struct rb_node *rb;

	if (rb_validate(&av->rb_root) < 0)
		rmap_problem(v, "anon_vma %p: red-black tree broken", (void *)av);
	for (rb = rb_first(&av->rb_root); rb; rb = rb_next(rb)) {
		struct anon_vma_chain *avc = rb_entry(rb, struct anon_vma_chain, rb);

		if (avc->anon_vma != av)
			rmap_problem(v, "avc %p in anon_vma %p's tree names anon_vma %p",
				     (void *)avc, (void *)av, (void *)avc->anon_vma);
		if (nr++ && avc->vma->vm_pgoff < prev_start)
			rmap_problem(v, "anon_vma %p: tree out of order at pgoff %#lx (vma key changed "
				     "without pre/post_update?)", (void *)av, avc->vma->vm_pgoff);
		prev_start = avc->vma->vm_pgoff;
		if (avc->rb_subtree_last != avc_compute_subtree_last(avc))
			rmap_problem(v, "anon_vma %p: avc %p subtree_last %#lx, expected %#lx",
				     (void *)av, (void *)avc, avc->rb_subtree_last,
				     avc_compute_subtree_last(avc));
		if (avc->vma->anon_vma == av)
			active++;
	}
	if (active != av->num_active_vmas)
		rmap_problem(v, "anon_vma %p: num_active_vmas %lu, %lu VMAs use it", (void *)av,
			     av->num_active_vmas, active);
	if (av->refcount < 1)
		rmap_problem(v, "anon_vma %p: live with refcount %d", (void *)av, av->refcount);
}

/* True if avc is reachable in its tree by a query over its own range. */
static bool avc_in_tree(struct anon_vma_chain *avc)
{
	struct anon_vma_chain *it;

	anon_vma_interval_tree_foreach(it, &avc->anon_vma->rb_root, avc->vma->vm_pgoff,
				       avc->vma->vm_pgoff + vma_pages(avc->vma) - 1) {
		if (it == avc)
			return true;
	}
	return false;
}

/* A VMA's chain list; collects each anon_vma at its tree's first chain. */
static void validate_vma_chains(struct rmap_validation *v, struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;
	bool own = false;

	if (!list_empty(&vma->anon_vma_chain) && !vma->anon_vma)
		rmap_problem(v, "vma %#lx-%#lx: chains but no anon_vma", vma->vm_start, vma->vm_end);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *av = avc->anon_vma;

		v->chains++;
		if (avc->vma != vma)
			rmap_problem(v, "vma %#lx-%#lx: avc %p names another vma", vma->vm_start,
				     vma->vm_end, (void *)avc);
		if (av == vma->anon_vma)
			own = true;
		if (vma->anon_vma && av->root != vma->anon_vma->root)
			rmap_problem(v, "vma %#lx-%#lx: anon_vma %p of another family",
				     vma->vm_start, vma->vm_end, (void *)av);
		if (RB_EMPTY_NODE(&avc->rb) || !avc_in_tree(avc)) {
			rmap_problem(v, "vma %#lx-%#lx: avc %p not found in anon_vma %p's tree",
				     vma->vm_start, vma->vm_end, (void *)avc, (void *)av);
			continue;
		}
		if (rb_first(&av->rb_root) == &avc->rb) {
			validate_anon_vma_tree(v, av);
			av_census_add(v, av);
		}
	}
	if (vma->anon_vma && !own)
		rmap_problem(v, "vma %#lx-%#lx: its anon_vma %p is not on its chain list",
			     vma->vm_start, vma->vm_end, (void *)vma->anon_vma);
}

/* Families: parents and roots alive, num_children and refcounts recounted. */
static void validate_families(struct rmap_validation *v)
{
	if (v->nr)
		qsort(v->avs, v->nr, sizeof(*v->avs), av_census_cmp);
	for (size_t i = 0; i < v->nr; i++) {
		const struct anon_vma *av = v->avs[i].av;
		struct av_census *parent = av_census_find(v, av->parent);
		struct av_census *root = av_census_find(v, av->root);

		if (!parent || !root) {
			rmap_problem(v, "anon_vma %p: parent %p or root %p is not live", (void *)av,
				     (void *)av->parent, (void *)av->root);
			continue;
		}
		parent->children++;
		if (root->av != av)
			root->family++;
		if (root->av->root != root->av)
			rmap_problem(v, "anon_vma %p: root %p is not a root", (void *)av,
				     (void *)root->av);
	}
	for (size_t i = 0; i < v->nr; i++) {
		const struct av_census *c = &v->avs[i];

		if (c->av->num_children != c->children)
			rmap_problem(v, "anon_vma %p: num_children %lu, counted %lu", (void *)c->av,
				     c->av->num_children, c->children);
		if (c->av->refcount != 1 + c->family)
			rmap_problem(v, "anon_vma %p: refcount %d, expected %ld", (void *)c->av,
				     c->av->refcount, 1 + c->family);
	}
}

/* The VMA is on the anon_vma's list (rmap=anon_vma). */
static bool anon_vma_list_has(struct anon_vma *av, struct vm_area_struct *vma)
{
	struct vm_area_struct *it;

	list_for_each_entry(it, &av->head, anon_vma_node) {
		if (it == vma)
			return true;
	}
	return false;
}

/* The file VMA is reachable in its mapping's i_mmap over the page's index. */
static bool i_mmap_has(struct address_space *mapping, struct vm_area_struct *vma,
		       unsigned long index)
{
	struct vm_area_struct *it;

	vma_interval_tree_foreach(it, &mapping->i_mmap, index, index) {
		if (it == vma)
			return true;
	}
	return false;
}

/* rmap=pte_chain: the page's chain holds exactly its mapcount of live ptes. */
static void validate_page_chain(struct rmap_validation *v, struct page *page)
{
	unsigned long bad, n = pte_chain_count(v->m, page, &bad);

	if (n != (unsigned long)page_mapcount(page) || bad)
		rmap_problem(v, "pfn %#lx: pte_chain of %lu entries (%lu stale), mapcount %d",
			     page_to_pfn(v->m, page), n, bad, page_mapcount(page));
}

/* A mapped page is where rmap would look for it. */
static void validate_pte_page(struct rmap_validation *v, struct vm_area_struct *vma,
			      unsigned long addr, pte_t *pte, struct page *page, unsigned long sub)
{
	struct anon_vma_chain *avc;
	struct anon_vma *av;
	enum rmap_mode mode = v->m->cfg.rmap;

	if (PageCompound(page) ? !page_mapped(page + sub) : !page_mapped(page))
		rmap_problem(v, "pfn %#lx mapped at %#lx but _mapcount %d",
			     page_to_pfn(v->m, page), addr, page->_mapcount);
	if (sub) {	/* a subpage of a pte-mapped THP: the folio's index plus its place */
		unsigned long want = vma->vm_start +
				     ((page->index + sub - vma->vm_pgoff) << PAGE_SHIFT);

		if (want != addr)
			rmap_problem(v, "THP pfn %#lx + %lu at %#lx: index %#lx gives %#lx",
				     page_to_pfn(v->m, page), sub, addr, page->index, want);
	} else if (vma_address(page, vma) != addr) {
		rmap_problem(v, "pfn %#lx at %#lx: index %#lx gives %#lx", page_to_pfn(v->m, page),
			     addr, page->index, vma_address(page, vma));
	}
	if (mode == RMAP_PTE_CHAIN) {
		if (!pte_chain_contains(v->m, page, pte))
			rmap_problem(v, "pfn %#lx at %#lx: pte not on the page's pte_chain",
				     page_to_pfn(v->m, page), addr);
		else if (pte_chain_first(v->m, page) == pte)
			validate_page_chain(v, page);	/* once per page */
	}
	if (!PageAnon(page)) {
		if (!vma->vm_file || page->mapping != vma->vm_file->f_mapping)
			rmap_problem(v, "pfn %#lx at %#lx: mapping %p is not the vma's file's",
				     page_to_pfn(v->m, page), addr, page->mapping);
		else if (!i_mmap_has(page->mapping, vma, page->index))
			rmap_problem(v, "pfn %#lx at %#lx: vma %#lx-%#lx not in its i_mmap",
				     page_to_pfn(v->m, page), addr, vma->vm_start, vma->vm_end);
		return;
	}
	av = page_anon_vma(page);
	if (!rmap_has_anon_vmas(v->m)) {
		if (av != v->m->null_anon_vma || vma->anon_vma != av)
			rmap_problem(v, "pfn %#lx at %#lx: anon_vma %p, not the null one",
				     page_to_pfn(v->m, page), addr, (void *)av);
		return;
	}
	if (mode == RMAP_ANON_VMA) {
		if (!anon_vma_list_has(av, vma))
			rmap_problem(v, "pfn %#lx at %#lx: vma %#lx-%#lx not on anon_vma %p's list",
				     page_to_pfn(v->m, page), addr, vma->vm_start, vma->vm_end,
				     (void *)av);
		return;
	}
	if (!av_census_find(v, av)) {
		rmap_problem(v, "pfn %#lx at %#lx: anon_vma %p is not live",
			     page_to_pfn(v->m, page), addr, (void *)av);
		return;
	}
	anon_vma_interval_tree_foreach(avc, &av->rb_root, page->index + sub, page->index + sub) {
		if (avc->vma == vma)
			return;
	}
	rmap_problem(v, "pfn %#lx at %#lx: vma %#lx-%#lx not in its anon_vma %p's tree",
		     page_to_pfn(v->m, page), addr, vma->vm_start, vma->vm_end, (void *)av);
}

/* Every present, normal pte of the VMA, table by table (skips holes fast). */
static void validate_vma_ptes(struct rmap_validation *v, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = vma->vm_start;
	pmd_t *pmd;

	if (is_vm_hugetlb_page(vma))
		return;		/* validate_hugetlb checks those leaves */
	while ((pmd = next_pte_table(mm, &addr, vma->vm_end))) {
		unsigned long end = block_end(addr, PMD_SIZE, vma->vm_end);

		if (pmd_leaf(*pmd)) {
			addr = end;
			continue;
		}
		for (pte_t *pte = pte_offset(mm, pmd, addr); addr < end; addr += PAGE_SIZE, pte++) {
			struct page *page;

			if (!pte_present(*pte) || pte_special(*pte) ||
			    is_zero_pfn(v->m, pte_pfn(*pte)))
				continue;
			page = vm_normal_page(vma, addr, *pte);
			if (page)	/* sub: the subpage's place in a THP */
				validate_pte_page(v, vma, addr, pte, compound_head(page),
						  (unsigned long)(page - compound_head(page)));
		}
	}
}

/* rmap=anon_vma: each VMA with an anon_vma is on its list; counts add up. */
static void validate_vma_list(struct rmap_validation *v, struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (!av)
		return;
	if (!anon_vma_list_has(av, vma))
		rmap_problem(v, "vma %#lx-%#lx: not on anon_vma %p's list", vma->vm_start,
			     vma->vm_end, (void *)av);
	if (av->root != av || av->refcount != 1)
		rmap_problem(v, "anon_vma %p: root %p refcount %d in a one-level design", (void *)av,
			     (void *)av->root, av->refcount);
	if (!av_census_find(v, av)) {
		av_census_add(v, av);
		if (v->nr > 1 && v->avs[v->nr - 2].av > av)
			qsort(v->avs, v->nr, sizeof(*v->avs), av_census_cmp);
	}
}

/* A file VMA is in its mapping's i_mmap, and that tree is sound. */
static void validate_vma_file(struct rmap_validation *v, struct vm_area_struct *vma)
{
	struct address_space *mapping;

	if (!vma->vm_file)
		return;
	mapping = vma->vm_file->f_mapping;
	if (RB_EMPTY_NODE(&vma->shared.rb) ||
	    !i_mmap_has(mapping, vma, vma->vm_pgoff))
		rmap_problem(v, "vma %#lx-%#lx: file VMA not in its i_mmap", vma->vm_start,
			     vma->vm_end);
	if (vma->shared.rb_subtree_last != vma_compute_subtree_last(vma))
		rmap_problem(v, "vma %#lx-%#lx: i_mmap subtree_last %#lx, expected %#lx",
			     vma->vm_start, vma->vm_end, vma->shared.rb_subtree_last,
			     vma_compute_subtree_last(vma));
}

int validate_rmap(struct machine *m)
{
	struct rmap_validation v = { .m = m };
	enum rmap_mode mode = m->cfg.rmap;
	struct mm_struct *mm;
	struct vm_area_struct *vma;

	if (!m->mm_list.next)
		return 0;	/* no process support booted */
	list_for_each_entry(mm, &m->mm_list, mmlist) {
		for_each_vma(mm, vma) {
			validate_vma_file(&v, vma);
			if (mode == RMAP_ANON_VMA_CHAIN)
				validate_vma_chains(&v, vma);
			else if (mode == RMAP_ANON_VMA)
				validate_vma_list(&v, vma);
		}
	}
	if (mode == RMAP_ANON_VMA_CHAIN) {
		validate_families(&v);
		/* every object is reachable from some mm's VMA: none leaked */
		if (v.nr != m->nr_anon_vmas || v.chains != m->nr_anon_vma_chains)
			rmap_problem(&v, "%zu anon_vmas and %lu chains reachable, %lu and %lu allocated",
				     v.nr, v.chains, m->nr_anon_vmas, m->nr_anon_vma_chains);
	} else if (mode == RMAP_ANON_VMA) {
		if (v.nr != m->nr_anon_vmas || m->nr_anon_vma_chains)
			rmap_problem(&v, "%zu anon_vmas reachable, %lu allocated, %lu chains",
				     v.nr, m->nr_anon_vmas, m->nr_anon_vma_chains);
	} else if (m->nr_anon_vmas || m->nr_anon_vma_chains) {
		rmap_problem(&v, "%lu anon_vmas and %lu chains in a mode without them",
			     m->nr_anon_vmas, m->nr_anon_vma_chains);
	}
	list_for_each_entry(mm, &m->mm_list, mmlist) {
		if (!mm->pgd)
			continue;
		for_each_vma(mm, vma) {
			if (mode == RMAP_SCAN)
				continue;	/* nothing kept, nothing to reach */
			validate_vma_ptes(&v, vma);
		}
	}
	free(v.avs);
	return v.problems;
}
