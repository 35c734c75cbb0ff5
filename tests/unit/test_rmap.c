/*
 * test_rmap.c - the anon_vma_chain reverse map (mm/rmap.c): anon_vma
 * creation and neighbour reuse, clone on split, fork with Linux 6.x's
 * reuse of idle anon_vmas (the grandchild case), unlinking back to empty
 * caches, the interval tree against a brute-force answer, rmap_walk, the
 * page-level counters, and validate_rmap catching broken state.
 *
 * Most VMAs are made by hand in mms from mm_alloc, linked with vma_link
 * (the neighbour lookups of anon_vma_prepare need the VMA tree), with no
 * pages mapped by ptes: page rmap calls are made directly. The last test
 * runs real processes (mmap, faults, fork, COW, munmap, exit) and checks
 * rmap_walk against their page tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mm.h"
#include "mman.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"

#define BASE	0x10000000UL	/* where the hand-made VMAs go */
#define ANON_FLAGS	(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT)

struct fixture {
	struct machine *m;
	unsigned long av0, avc0;	/* objects live at the start */
	struct slabinfo slab0[2];	/* slabinfo of both caches at the start */
};

/* Exact live objects (slabinfo's active_objs counts whole CPU slabs, as Linux's). */
static unsigned long nr_anon_vmas(struct fixture *f)
{
	return f->m->nr_anon_vmas - f->av0;
}

static unsigned long nr_chains(struct fixture *f)
{
	return f->m->nr_anon_vma_chains - f->avc0;
}

static void check(struct fixture *f)
{
	check_machine(f->m);
	assert_int_equal(validate_rmap(f->m), 0);
}

/*
 * For pages "mapped" by rmap calls alone, with no pte: the rmap and LRU
 * validators (validate_user_pages would rightly object to a mapcount no
 * pte explains).
 */
static void check_no_ptes(struct fixture *f)
{
	assert_int_equal(validate_rmap(f->m), 0);
	assert_int_equal(validate_lru(f->m), 0);
}

static void fixture_boot(struct fixture *f)
{
	f->m = test_boot("mem=256M cpus=2");
	if (!f->m->anon_vma_cachep)	/* until boot does it */
		assert_int_equal(anon_vma_init(f->m), 0);
	if (!f->m->init_mm)		/* likewise */
		assert_int_equal(paging_init(f->m), 0);
	f->av0 = f->m->nr_anon_vmas;
	f->avc0 = f->m->nr_anon_vma_chains;
	get_slabinfo(f->m, f->m->anon_vma_cachep, &f->slab0[0]);
	get_slabinfo(f->m, f->m->anon_vma_chain_cachep, &f->slab0[1]);
}

/*
 * Everything unlinked: no anon_vma or chain left behind, and the caches
 * show no more active objects than at the start beyond what SLUB keeps
 * as the CPUs' active and partial slabs (counted whole by slabinfo, as in
 * Linux).
 */
static void fixture_done(struct fixture *f)
{
	struct kmem_cache *caches[2] = { f->m->anon_vma_cachep, f->m->anon_vma_chain_cachep };

	assert_int_equal(nr_anon_vmas(f), 0);
	assert_int_equal(nr_chains(f), 0);
	for (int i = 0; i < 2; i++) {
		struct slabinfo now;

		get_slabinfo(f->m, caches[i], &now);
		assert_true(now.active_objs <= f->slab0[i].active_objs +
			    (unsigned long)f->m->nr_cpus * (1 + caches[i]->cpu_partial_slabs) *
			    now.objects_per_slab);
	}
	check(f);
	mmsim_shutdown(f->m);
}

static struct mm_struct *new_mm(struct machine *m)
{
	struct mm_struct *mm = mm_alloc(m);

	assert_non_null(mm);
	return mm;
}

/* A VMA of npages at page index pgidx (vm_pgoff as an anonymous mmap sets it). */
static struct vm_area_struct *make_vma(struct mm_struct *mm, unsigned long pgidx,
				       unsigned long npages, vm_flags_t flags)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	assert_non_null(vma);
	vma->vm_start = pgidx << PAGE_SHIFT;
	vma->vm_end = (pgidx + npages) << PAGE_SHIFT;
	vma->vm_pgoff = pgidx;
	vma->vm_flags = flags;
	vma->vm_page_prot = vm_get_page_prot(flags);
	assert_null(vma->anon_vma);
	assert_true(list_empty(&vma->anon_vma_chain));
	return vma;
}

static struct vm_area_struct *add_vma(struct mm_struct *mm, unsigned long pgidx,
				      unsigned long npages, vm_flags_t flags)
{
	struct vm_area_struct *vma = make_vma(mm, pgidx, npages, flags);

	vma_link(mm, vma);
	vm_stat_account(mm, flags, (long)npages);
	if (flags & VM_LOCKED)
		mm->locked_vm += npages;
	return vma;
}

static void drop_vma(struct vm_area_struct *vma, bool linked)
{
	struct mm_struct *mm = vma->vm_mm;

	unlink_anon_vmas(vma);
	assert_null(vma->anon_vma);
	assert_true(list_empty(&vma->anon_vma_chain));
	if (linked) {
		vma_unlink(mm, vma);
		vm_stat_account(mm, vma->vm_flags, -(long)vma_pages(vma));
		if (vma->vm_flags & VM_LOCKED)
			mm->locked_vm -= vma_pages(vma);
	}
	vm_area_free(vma);
}

/* fork of one VMA into child mm: what dup_mmap does for it. */
static struct vm_area_struct *fork_vma(struct mm_struct *child, struct vm_area_struct *pvma)
{
	struct vm_area_struct *vma = vm_area_dup(pvma);

	assert_non_null(vma);
	vma->vm_mm = child;
	vma->vm_flags &= ~VM_LOCKED_MASK;	/* mlock is not inherited */
	assert_int_equal(anon_vma_fork(vma, pvma), 0);
	vma_link(child, vma);
	vm_stat_account(child, vma->vm_flags, (long)vma_pages(vma));
	return vma;
}

static unsigned long list_len(struct list_head *head)
{
	unsigned long n = 0;

	for (struct list_head *p = head->next; p != head; p = p->next)
		n++;
	return n;
}

static bool vma_chained_to(struct vm_area_struct *vma, struct anon_vma *av)
{
	struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		if (avc->anon_vma == av)
			return true;
	}
	return false;
}

static unsigned long tree_size(struct anon_vma *av)
{
	unsigned long n = 0;

	for (struct rb_node *rb = rb_first(&av->rb_root); rb; rb = rb_next(rb))
		n++;
	return n;
}

/* ---------------------------------------------------------------------- */

static void test_prepare_and_neighbours(void **state)
{
	struct fixture f;
	struct mm_struct *mm;
	struct vm_area_struct *a, *b, *c, *d, *e, *g;
	struct anon_vma *av;

	(void)state;
	fixture_boot(&f);
	mm = new_mm(f.m);
	a = add_vma(mm, BASE >> PAGE_SHIFT, 16, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(a), 0);
	av = a->anon_vma;
	assert_non_null(av);
	assert_ptr_equal(av->root, av);
	assert_ptr_equal(av->parent, av);
	assert_int_equal(av->refcount, 1);
	assert_int_equal(av->num_children, 1);	/* a root is its own parent */
	assert_int_equal(av->num_active_vmas, 1);
	assert_true(list_is_singular(&a->anon_vma_chain));
	assert_int_equal(nr_anon_vmas(&f), 1);
	assert_int_equal(nr_chains(&f), 1);
	/* prepared already: nothing more */
	assert_int_equal(anon_vma_prepare(a), 0);
	assert_int_equal(nr_chains(&f), 1);
	check(&f);

	/* next to a, same flags, contiguous pgoff: shares a's anon_vma */
	b = add_vma(mm, (BASE >> PAGE_SHIFT) + 16, 8, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(b), 0);
	assert_ptr_equal(b->anon_vma, av);
	assert_int_equal(av->num_active_vmas, 2);
	assert_int_equal(nr_anon_vmas(&f), 1);
	assert_int_equal(tree_size(av), 2);
	/* below a, differing only in access bits (mprotect): shares too */
	c = add_vma(mm, (BASE >> PAGE_SHIFT) - 4, 4, ANON_FLAGS & ~VM_WRITE);
	assert_int_equal(anon_vma_prepare(c), 0);
	assert_ptr_equal(c->anon_vma, av);
	/* after b but VM_LOCKED: flags differ beyond access bits, a new anon_vma */
	d = add_vma(mm, (BASE >> PAGE_SHIFT) + 24, 4, ANON_FLAGS | VM_LOCKED);
	assert_int_equal(anon_vma_prepare(d), 0);
	assert_ptr_not_equal(d->anon_vma, av);
	/* a gap before it: no neighbour */
	e = add_vma(mm, (BASE >> PAGE_SHIFT) + 64, 4, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(e), 0);
	assert_ptr_not_equal(e->anon_vma, av);
	assert_ptr_not_equal(e->anon_vma, d->anon_vma);
	/* touching e but pgoff not contiguous (a moved mremap'd VMA): no */
	g = make_vma(mm, (BASE >> PAGE_SHIFT) + 68, 4, ANON_FLAGS);
	g->vm_pgoff += 1000;
	vma_link(mm, g);
	vm_stat_account(mm, g->vm_flags, 4);
	assert_int_equal(anon_vma_prepare(g), 0);
	assert_ptr_not_equal(g->anon_vma, e->anon_vma);
	assert_int_equal(nr_anon_vmas(&f), 4);
	assert_int_equal(av->num_active_vmas, 3);
	check(&f);

	/* the shared anon_vma lives until its last VMA goes */
	drop_vma(a, true);
	assert_int_equal(av->num_active_vmas, 2);
	assert_int_equal(nr_anon_vmas(&f), 4);
	drop_vma(b, true);
	drop_vma(c, true);
	assert_int_equal(nr_anon_vmas(&f), 3);
	drop_vma(d, true);
	drop_vma(e, true);
	drop_vma(g, true);
	mmput(mm);
	fixture_done(&f);
}

/* A forked neighbour's anon_vma is not shared (its family would grow). */
static void test_prepare_no_reuse_of_forked(void **state)
{
	struct fixture f;
	struct mm_struct *parent, *child;
	struct vm_area_struct *p, *c, *n;

	(void)state;
	fixture_boot(&f);
	parent = new_mm(f.m);
	child = new_mm(f.m);
	p = add_vma(parent, BASE >> PAGE_SHIFT, 8, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(p), 0);
	c = fork_vma(child, p);
	assert_int_equal(list_len(&c->anon_vma_chain), 2);
	n = add_vma(child, (BASE >> PAGE_SHIFT) + 8, 8, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(n), 0);
	assert_ptr_not_equal(n->anon_vma, c->anon_vma);
	assert_ptr_equal(n->anon_vma->root, n->anon_vma);
	check(&f);
	drop_vma(n, true);
	drop_vma(c, true);
	drop_vma(p, true);
	mmput(child);
	mmput(parent);
	fixture_done(&f);
}

static void test_fork_chains_and_refcounts(void **state)
{
	struct fixture f;
	struct mm_struct *parent, *child;
	struct vm_area_struct *p, *c;
	struct anon_vma *root, *av;

	(void)state;
	fixture_boot(&f);
	parent = new_mm(f.m);
	child = new_mm(f.m);
	p = add_vma(parent, BASE >> PAGE_SHIFT, 16, ANON_FLAGS);
	/* no anon_vma in the parent: nothing to share, nothing allocated */
	c = vm_area_dup(p);
	c->vm_mm = child;
	assert_int_equal(anon_vma_fork(c, p), 0);
	assert_null(c->anon_vma);
	assert_int_equal(nr_chains(&f), 0);
	vm_area_free(c);

	assert_int_equal(anon_vma_prepare(p), 0);
	root = p->anon_vma;
	c = fork_vma(child, p);
	av = c->anon_vma;
	assert_ptr_not_equal(av, root);
	assert_ptr_equal(av->root, root);
	assert_ptr_equal(av->parent, root);
	assert_int_equal(av->refcount, 1);
	assert_int_equal(av->num_active_vmas, 1);
	assert_int_equal(av->num_children, 0);
	assert_int_equal(root->refcount, 2);	/* pinned by its child */
	assert_int_equal(root->num_children, 2);
	assert_int_equal(root->num_active_vmas, 1);
	/* the child's VMA: its own anon_vma newest, the parent's after it */
	assert_int_equal(list_len(&c->anon_vma_chain), 2);
	assert_ptr_equal(list_first_entry(&c->anon_vma_chain, struct anon_vma_chain,
					  same_vma)->anon_vma, av);
	assert_ptr_equal(list_last_entry(&c->anon_vma_chain, struct anon_vma_chain,
					 same_vma)->anon_vma, root);
	assert_int_equal(tree_size(root), 2);
	assert_int_equal(tree_size(av), 1);
	assert_int_equal(nr_anon_vmas(&f), 2);
	assert_int_equal(nr_chains(&f), 3);
	check(&f);

	/* the parent exits first: its root stays, kept by the child's chains */
	drop_vma(p, true);
	mmput(parent);
	assert_int_equal(nr_anon_vmas(&f), 2);
	assert_int_equal(root->num_active_vmas, 0);
	assert_int_equal(tree_size(root), 1);
	check(&f);
	drop_vma(c, true);
	mmput(child);
	fixture_done(&f);
}

/*
 * Linux 6.x's reuse: P forks C, C forks G, C exits; when G forks GG,
 * C's anon_vma has no VMA and one child, so GG's VMA takes it instead of
 * a fourth level.
 */
static void test_grandchild_reuses_idle_anon_vma(void **state)
{
	struct fixture f;
	struct mm_struct *pm, *cm, *gm, *ggm;
	struct vm_area_struct *p, *c, *g, *gg;
	struct anon_vma *root, *cav, *gav;
	unsigned long avs;

	(void)state;
	fixture_boot(&f);
	pm = new_mm(f.m);
	cm = new_mm(f.m);
	gm = new_mm(f.m);
	ggm = new_mm(f.m);
	p = add_vma(pm, BASE >> PAGE_SHIFT, 4, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(p), 0);
	root = p->anon_vma;
	c = fork_vma(cm, p);
	cav = c->anon_vma;
	g = fork_vma(gm, c);
	gav = g->anon_vma;
	/* C's anon_vma is still used by C: G gets a new one below it */
	assert_ptr_not_equal(gav, cav);
	assert_ptr_equal(gav->parent, cav);
	assert_ptr_equal(gav->root, root);
	assert_int_equal(cav->num_children, 1);
	assert_int_equal(root->refcount, 3);
	assert_int_equal(list_len(&g->anon_vma_chain), 3);
	check(&f);

	drop_vma(c, true);	/* C exits */
	mmput(cm);
	assert_int_equal(cav->num_active_vmas, 0);
	assert_int_equal(cav->num_children, 1);
	avs = nr_anon_vmas(&f);
	assert_int_equal(avs, 3);	/* C's stays: G's chains keep it */

	gg = fork_vma(ggm, g);
	assert_ptr_equal(gg->anon_vma, cav);	/* reused, no new anon_vma */
	assert_int_equal(nr_anon_vmas(&f), avs);
	assert_int_equal(cav->num_active_vmas, 1);
	assert_int_equal(list_len(&gg->anon_vma_chain), 3);
	assert_true(vma_chained_to(gg, gav));
	check(&f);

	/* a second fork of G: C's anon_vma is active again, so a new one */
	{
		struct mm_struct *g2m = new_mm(f.m);
		struct vm_area_struct *g2 = fork_vma(g2m, g);

		assert_ptr_not_equal(g2->anon_vma, cav);
		assert_ptr_equal(g2->anon_vma->parent, gav);
		assert_int_equal(nr_anon_vmas(&f), avs + 1);
		check(&f);
		drop_vma(g2, true);
		mmput(g2m);
	}
	drop_vma(g, true);
	mmput(gm);
	check(&f);
	drop_vma(p, true);
	mmput(pm);
	check(&f);
	drop_vma(gg, true);
	mmput(ggm);
	fixture_done(&f);
}

/* A split: the new VMA joins every anon_vma of the old, keys bracketed. */
static void test_split_clone(void **state)
{
	struct fixture f;
	struct mm_struct *pm, *cm;
	struct vm_area_struct *p, *c, *hi;
	struct anon_vma_chain *avc;
	unsigned long start = BASE >> PAGE_SHIFT;

	(void)state;
	fixture_boot(&f);
	pm = new_mm(f.m);
	cm = new_mm(f.m);
	p = add_vma(pm, start, 16, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(p), 0);
	c = fork_vma(cm, p);
	/* split c at 8 pages: hi takes the upper half, as split_vma does */
	hi = vm_area_dup(c);
	assert_ptr_equal(hi->anon_vma, c->anon_vma);
	hi->vm_start = (start + 8) << PAGE_SHIFT;
	hi->vm_pgoff = start + 8;
	assert_int_equal(anon_vma_clone(hi, c), 0);
	anon_vma_lock_write(c->anon_vma);
	anon_vma_interval_tree_pre_update_vma(c);
	vma_set_range(c, c->vm_start, hi->vm_start, c->vm_pgoff);
	anon_vma_interval_tree_post_update_vma(c);
	anon_vma_unlock_write(c->anon_vma);
	vma_link(cm, hi);
	assert_int_equal(c->anon_vma->num_active_vmas, 2);
	assert_int_equal(list_len(&hi->anon_vma_chain), 2);
	assert_true(vma_chained_to(hi, p->anon_vma));
	/* a page of the upper half is found in hi only, of the child's VMAs */
	anon_vma_interval_tree_foreach(avc, &c->anon_vma->rb_root, start + 12, start + 12)
		assert_ptr_equal(avc->vma, hi);
	anon_vma_interval_tree_foreach(avc, &p->anon_vma->rb_root, start + 3, start + 3)
		assert_true(avc->vma == p || avc->vma == c);
	check(&f);

	/* a stale key (range changed without the bracket) is caught */
	c->vm_end -= PAGE_SIZE;
	assert_int_not_equal(validate_rmap(f.m), 0);
	c->vm_end += PAGE_SIZE;
	assert_int_equal(validate_rmap(f.m), 0);

	drop_vma(hi, true);
	drop_vma(c, true);
	drop_vma(p, true);
	mmput(cm);
	mmput(pm);
	fixture_done(&f);
}

static void test_validate_rmap_catches(void **state)
{
	struct fixture f;
	struct mm_struct *pm, *cm;
	struct vm_area_struct *p, *c;

	(void)state;
	fixture_boot(&f);
	pm = new_mm(f.m);
	cm = new_mm(f.m);
	p = add_vma(pm, BASE >> PAGE_SHIFT, 4, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(p), 0);
	c = fork_vma(cm, p);
	check(&f);
	p->anon_vma->num_active_vmas++;
	assert_int_not_equal(validate_rmap(f.m), 0);
	p->anon_vma->num_active_vmas--;
	p->anon_vma->refcount++;
	assert_int_not_equal(validate_rmap(f.m), 0);
	p->anon_vma->refcount--;
	c->anon_vma->num_children++;
	assert_int_not_equal(validate_rmap(f.m), 0);
	c->anon_vma->num_children--;
	assert_int_equal(validate_rmap(f.m), 0);
	drop_vma(c, true);
	drop_vma(p, true);
	mmput(cm);
	mmput(pm);
	fixture_done(&f);
}

/* ---------------------------------------------------------------------- */
/* The interval tree against brute force                                   */
/* ---------------------------------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned long rnd(unsigned long n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned long)(rng % n);
}

/* Augmentation and order of every node, recomputed from the keys. */
static unsigned long check_subtree(struct rb_node *rb, unsigned long *prev_start)
{
	struct anon_vma_chain *avc;
	unsigned long last, l;

	if (!rb)
		return 0;
	avc = rb_entry(rb, struct anon_vma_chain, rb);
	last = avc->vma->vm_pgoff + vma_pages(avc->vma) - 1;
	l = check_subtree(rb->rb_left, prev_start);
	assert_true(avc->vma->vm_pgoff >= *prev_start);
	*prev_start = avc->vma->vm_pgoff;
	if (rb->rb_left && l > last)
		last = l;
	l = check_subtree(rb->rb_right, prev_start);
	if (rb->rb_right && l > last)
		last = l;
	assert_int_equal(avc->rb_subtree_last, last);
	return last;
}

static void check_tree(struct anon_vma *av)
{
	unsigned long prev = 0;

	assert_true(rb_validate(&av->rb_root) >= 0);
	check_subtree(av->rb_root.rb_node, &prev);
}

static void check_queries(struct anon_vma *av, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		unsigned long first = rnd(1200), last = first + rnd(i % 4 ? 40 : 400);
		unsigned long found = 0, expect = 0, prev = 0;
		struct anon_vma_chain *avc;

		anon_vma_interval_tree_foreach(avc, &av->rb_root, first, last) {
			unsigned long s = avc->vma->vm_pgoff, e = s + vma_pages(avc->vma) - 1;

			assert_true(s <= last && e >= first);	/* overlaps */
			assert_true(s >= prev);			/* in start order */
			prev = s;
			found++;
		}
		for (struct rb_node *rb = rb_first(&av->rb_root); rb; rb = rb_next(rb)) {
			avc = rb_entry(rb, struct anon_vma_chain, rb);
			if (avc->vma->vm_pgoff <= last &&
			    avc->vma->vm_pgoff + vma_pages(avc->vma) - 1 >= first)
				expect++;
		}
		assert_int_equal(found, expect);	/* none missed, none twice */
	}
}

static void test_interval_tree(void **state)
{
	enum { N = 300 };
	struct fixture f;
	struct mm_struct *mm;
	struct vm_area_struct *src, *v[N];
	struct anon_vma *av;

	(void)state;
	fixture_boot(&f);
	mm = new_mm(f.m);
	src = add_vma(mm, 100, 50, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(src), 0);
	av = src->anon_vma;
	/* many VMAs of the family, as splits and moves leave them: ranges overlap freely */
	for (int i = 0; i < N; i++) {
		unsigned long pg = rnd(1000), len = 1 + rnd(i % 8 ? 16 : 200);

		v[i] = make_vma(mm, pg, len, ANON_FLAGS);
		v[i]->anon_vma = av;	/* as vm_area_dup leaves a split-off part */
		assert_int_equal(anon_vma_clone(v[i], src), 0);
		if (i % 50 == 0)
			check_tree(av);
	}
	assert_int_equal(tree_size(av), N + 1);
	assert_int_equal(av->num_active_vmas, N + 1);
	check_tree(av);
	check_queries(av, 2000);

	/* keys change under the bracket */
	anon_vma_lock_write(av);
	for (int i = 0; i < N; i += 3) {
		anon_vma_interval_tree_pre_update_vma(v[i]);
		v[i]->vm_pgoff = rnd(1000);
		v[i]->vm_end = v[i]->vm_start + ((1 + rnd(30)) << PAGE_SHIFT);
		anon_vma_interval_tree_post_update_vma(v[i]);
	}
	anon_vma_unlock_write(av);
	check_tree(av);
	check_queries(av, 1000);

	/* half leave, in a scattered order */
	for (int i = 0; i < N; i += 2) {
		drop_vma(v[(i * 7) % N], false);
		v[(i * 7) % N] = NULL;
		if (i % 40 == 0)
			check_tree(av);
	}
	check_tree(av);
	check_queries(av, 1000);
	assert_int_equal(nr_anon_vmas(&f), 1);
	for (int i = 0; i < N; i++)
		if (v[i])
			drop_vma(v[i], false);
	assert_int_equal(tree_size(av), 1);
	check(&f);
	drop_vma(src, true);
	mmput(mm);
	fixture_done(&f);
}

/* ---------------------------------------------------------------------- */
/* Page rmap and rmap_walk                                                  */
/* ---------------------------------------------------------------------- */

struct walk_log {
	int n, stop_after;
	struct vm_area_struct *vma[16];
	unsigned long addr[16];
};

static bool log_one(struct page *page, struct vm_area_struct *vma, unsigned long addr, pte_t *pte,
		    void *arg)
{
	struct walk_log *log = arg;

	(void)page;
	(void)pte;
	assert_true(log->n < 16);
	log->vma[log->n] = vma;
	log->addr[log->n++] = addr;
	return log->n != log->stop_after;
}

static struct walk_log walk(struct machine *m, struct page *page, int stop_after)
{
	struct walk_log log = { .stop_after = stop_after };
	struct rmap_walk_control rwc = { .arg = &log, .rmap_one = log_one };

	rmap_walk(m, page, &rwc);
	return log;
}

static bool walked(const struct walk_log *log, struct vm_area_struct *vma, unsigned long addr)
{
	for (int i = 0; i < log->n; i++)
		if (log->vma[i] == vma)
			return log->addr[i] == addr;
	return false;
}

static void test_page_rmap_and_walk(void **state)
{
	struct fixture f;
	struct mm_struct *pm, *cm;
	struct vm_area_struct *p, *other, *c;
	struct page *page, *copy;
	unsigned long addr = BASE + 5 * PAGE_SIZE;
	long anon0;
	struct walk_log log;

	(void)state;
	fixture_boot(&f);
	pm = new_mm(f.m);
	cm = new_mm(f.m);
	p = add_vma(pm, BASE >> PAGE_SHIFT, 16, ANON_FLAGS);
	/* same anon_vma, range not covering the page: never visited */
	other = add_vma(pm, (BASE >> PAGE_SHIFT) + 16, 16, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(p), 0);
	assert_int_equal(anon_vma_prepare(other), 0);
	assert_ptr_equal(other->anon_vma, p->anon_vma);

	/* a new anonymous page, as do_anonymous_page maps it */
	anon0 = global_node_page_state(f.m, NR_ANON_PAGES);
	page = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE, 0);
	assert_non_null(page);
	folio_add_new_anon_rmap(page, p, addr, NULL);
	folio_add_lru_vma(f.m, page, p);
	assert_true(PageAnon(page));
	assert_ptr_equal((void *)((unsigned long)page->mapping & ~PAGE_MAPPING_ANON), p->anon_vma);
	assert_int_equal(page->index, addr >> PAGE_SHIFT);
	assert_int_equal(page_mapcount(page), 1);
	assert_true(PageAnonExclusive(page) && PageSwapBacked(page));
	assert_int_equal(folio_lru_list(page), LRU_INACTIVE_ANON);
	assert_int_equal(global_node_page_state(f.m, NR_ANON_PAGES), anon0 + 1);
	assert_int_equal(vma_address(page, p), addr);
	assert_int_equal(vma_address(page, other), -EFAULT);
	log = walk(f.m, page, 0);
	assert_int_equal(log.n, 1);
	assert_true(walked(&log, p, addr));

	/* fork: the child's VMA is found for the shared page, at the same address */
	c = fork_vma(cm, p);
	get_page(page);
	folio_dup_anon_rmap_pte(page, c, NULL);
	assert_int_equal(page_mapcount(page), 2);
	assert_false(PageAnonExclusive(page));
	assert_int_equal(global_node_page_state(f.m, NR_ANON_PAGES), anon0 + 1);
	log = walk(f.m, page, 0);
	assert_int_equal(log.n, 2);
	assert_true(walked(&log, p, addr) && walked(&log, c, addr));
	log = walk(f.m, page, 1);	/* rmap_one returning false stops the walk */
	assert_int_equal(log.n, 1);
	check_no_ptes(&f);

	/* the child writes: its copy is in its own anon_vma, found in c only */
	copy = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE, 0);
	assert_non_null(copy);
	folio_remove_rmap_pte(page, c, NULL);
	put_page(f.m, page);
	folio_add_new_anon_rmap(copy, c, addr, NULL);
	folio_add_lru_vma(f.m, copy, c);
	assert_ptr_equal((void *)((unsigned long)copy->mapping & ~PAGE_MAPPING_ANON), c->anon_vma);
	log = walk(f.m, copy, 0);
	assert_int_equal(log.n, 1);
	assert_true(walked(&log, c, addr));
	assert_int_equal(global_node_page_state(f.m, NR_ANON_PAGES), anon0 + 2);
	/* the parent's page is its own again: reuse moves it to p's anon_vma */
	assert_int_equal(page_mapcount(page), 1);
	folio_move_anon_rmap(page, p);
	assert_true(PageAnonExclusive(page));
	check_no_ptes(&f);

	/* unmapping: counters back, pages freed exactly once */
	folio_remove_rmap_pte(copy, c, NULL);
	assert_false(page_mapped(copy));
	put_page(f.m, copy);
	folio_remove_rmap_pte(page, p, NULL);
	put_page(f.m, page);
	assert_int_equal(global_node_page_state(f.m, NR_ANON_PAGES), anon0);
	assert_int_equal(global_node_page_state(f.m, NR_INACTIVE_ANON), 0);
	assert_int_equal(validate_lru(f.m), 0);
	drop_vma(c, true);
	drop_vma(other, true);
	drop_vma(p, true);
	mmput(cm);
	mmput(pm);
	fixture_done(&f);
}

/* Pages of a VM_LOCKED VMA are mlocked by rmap and munlocked on unmap. */
static void test_rmap_mlock(void **state)
{
	struct fixture f;
	struct mm_struct *mm, *cm;
	struct vm_area_struct *locked, *locked2;
	struct page *page;

	(void)state;
	fixture_boot(&f);
	mm = new_mm(f.m);
	cm = new_mm(f.m);
	locked = add_vma(mm, BASE >> PAGE_SHIFT, 4, ANON_FLAGS | VM_LOCKED);
	assert_int_equal(anon_vma_prepare(locked), 0);
	page = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE, 0);
	assert_non_null(page);
	folio_add_new_anon_rmap(page, locked, locked->vm_start, NULL);
	folio_add_lru_vma(f.m, page, locked);
	assert_true(PageMlocked(page) && PageUnevictable(page));
	assert_int_equal(page->mlock_count, 1);
	/* fork shares it (the child's VMA is not locked), then the child mlocks */
	locked2 = fork_vma(cm, locked);
	assert_false(locked2->vm_flags & VM_LOCKED);
	get_page(page);
	folio_dup_anon_rmap_pte(page, locked2, NULL);
	assert_int_equal(page->mlock_count, 1);
	locked2->vm_flags |= VM_LOCKED;
	mlock_page(f.m, page);
	assert_int_equal(page_mapcount(page), 2);
	assert_int_equal(page->mlock_count, 2);
	assert_int_equal(global_zone_page_state(f.m, NR_MLOCK), 1);
	/* unmapped from the locked child: one mlock less */
	folio_remove_rmap_pte(page, locked2, NULL);
	put_page(f.m, page);
	assert_true(PageMlocked(page));
	assert_int_equal(page->mlock_count, 1);
	/* mapped again there (as swapin maps it): mlocked by rmap itself */
	get_page(page);
	folio_add_anon_rmap_pte(page, locked2, locked2->vm_start, NULL, false);
	assert_int_equal(page_mapcount(page), 2);
	assert_int_equal(page->mlock_count, 2);
	folio_remove_rmap_pte(page, locked2, NULL);
	put_page(f.m, page);
	assert_int_equal(page->mlock_count, 1);
	folio_remove_rmap_pte(page, locked, NULL);
	assert_false(PageMlocked(page) || PageUnevictable(page));
	assert_int_equal(global_zone_page_state(f.m, NR_MLOCK), 0);
	assert_int_equal(folio_lru_list(page), LRU_INACTIVE_ANON);
	put_page(f.m, page);
	assert_int_equal(validate_lru(f.m), 0);
	drop_vma(locked2, true);
	drop_vma(locked, true);
	mmput(cm);
	mmput(mm);
	fixture_done(&f);
}

/* Fail the Nth slab allocation of a fork, for every N: all or nothing. */
static void test_fork_enomem_sweep(void **state)
{
	struct fixture f;
	struct mm_struct *pm, *cm, *gm;
	struct vm_area_struct *p, *c;
	int failures = 0;

	(void)state;
	fixture_boot(&f);
	pm = new_mm(f.m);
	cm = new_mm(f.m);
	gm = new_mm(f.m);
	p = add_vma(pm, BASE >> PAGE_SHIFT, 4, ANON_FLAGS);
	assert_int_equal(anon_vma_prepare(p), 0);
	c = fork_vma(cm, p);	/* a grandchild fork clones two chains */
	for (unsigned long nth = 1; nth < 20; nth++) {
		unsigned long avs = nr_anon_vmas(&f), avcs = nr_chains(&f);
		struct vm_area_struct *g = vm_area_dup(c);
		int ret;

		g->vm_mm = gm;
		f.m->fail.nth[FAIL_SLAB_ALLOC] = nth;
		f.m->fail.count[FAIL_SLAB_ALLOC] = 0;
		f.m->fail.repeat[FAIL_SLAB_ALLOC] = true;
		ret = anon_vma_fork(g, c);
		f.m->fail.nth[FAIL_SLAB_ALLOC] = 0;
		f.m->fail.repeat[FAIL_SLAB_ALLOC] = false;
		if (ret) {
			assert_int_equal(ret, -ENOMEM);
			failures++;
			/* nothing left behind, the family as it was */
			assert_null(g->anon_vma);
			assert_true(list_empty(&g->anon_vma_chain));
			assert_int_equal(nr_anon_vmas(&f), avs);
			assert_int_equal(nr_chains(&f), avcs);
			vm_area_free(g);
		} else {
			assert_int_equal(list_len(&g->anon_vma_chain), 3);
			vma_link(gm, g);
			vm_stat_account(gm, g->vm_flags, 4);
			check(&f);
			drop_vma(g, true);
		}
		check(&f);
		assert_int_equal(c->anon_vma->num_children, 0);
		assert_int_equal(p->anon_vma->refcount, 2);
	}
	/* each of the grandchild's four objects (2 clone chains, anon_vma, its chain) failed once */
	assert_int_equal(failures, 4);
	drop_vma(c, true);
	drop_vma(p, true);
	mmput(gm);
	mmput(cm);
	mmput(pm);
	fixture_done(&f);
}

/* ---------------------------------------------------------------------- */
/* Real processes: faults, fork, COW, splits, exit                          */
/* ---------------------------------------------------------------------- */

struct pte_hits {
	int visited, mapped;
};

/* Does this VMA's pte at addr map the page? (what a real rmap_one checks) */
static bool count_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		      pte_t *known, void *arg)
{
	struct pte_hits *h = arg;
	pte_t *pte = known ? known : walk_pte(vma->vm_mm, addr);

	h->visited++;
	if (pte && pte_present(*pte) && pte_pfn(*pte) == page_to_pfn(vma->vm_mm->machine, page))
		h->mapped++;
	return true;
}

static struct page *page_at(struct task_struct *t, unsigned long addr)
{
	pte_t *pte = walk_pte(t->mm, addr);

	assert_non_null(pte);
	assert_true(pte_present(*pte));
	return pfn_to_page(t->machine, pte_pfn(*pte));
}

static struct pte_hits walk_hits(struct machine *m, struct page *page)
{
	struct pte_hits h = { 0 };
	struct rmap_walk_control rwc = { .arg = &h, .rmap_one = count_pte };

	rmap_walk(m, page, &rwc);
	return h;
}

static void touch(struct task_struct *t, unsigned long addr, unsigned long len, unsigned int acc)
{
	struct ksiginfo si;

	task_enter(t);
	assert_int_equal(mmu_access(t, addr, NULL, len, acc, &si, NULL), 0);
}

static void test_rmap_walk_real_processes(void **state)
{
	struct fixture f;
	struct task_struct *p, *c;
	unsigned long len = 16 * PAGE_SIZE, addr;
	long anon0;
	struct pte_hits h;
	int err;

	(void)state;
	fixture_boot(&f);
	anon0 = global_node_page_state(f.m, NR_ANON_PAGES);
	p = task_spawn(f.m, "parent", &err);
	assert_non_null(p);
	task_enter(p);
	addr = (unsigned long)sys_mmap(p, 0, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	assert_false(IS_ERR_VALUE(addr));
	touch(p, addr, len, ACC_WRITE);
	assert_int_equal(global_node_page_state(f.m, NR_ANON_PAGES) - anon0 >= 16, true);
	h = walk_hits(f.m, page_at(p, addr + 5 * PAGE_SIZE));
	assert_int_equal(h.visited, 1);
	assert_int_equal(h.mapped, 1);
	check(&f);

	/* fork: every page is found in both processes */
	c = do_fork(p, 0, &err);
	assert_non_null(c);
	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		struct page *page = page_at(p, addr + off);

		assert_ptr_equal(page_at(c, addr + off), page);
		h = walk_hits(f.m, page);
		assert_int_equal(h.visited, 2);
		assert_int_equal(h.mapped, 2);
		assert_int_equal(page_mapcount(page), 2);
	}
	check(&f);

	/* the child writes page 3: its copy lives in the child's anon_vma only */
	touch(c, addr + 3 * PAGE_SIZE, 1, ACC_WRITE);
	assert_ptr_not_equal(page_at(c, addr + 3 * PAGE_SIZE), page_at(p, addr + 3 * PAGE_SIZE));
	h = walk_hits(f.m, page_at(c, addr + 3 * PAGE_SIZE));
	assert_int_equal(h.visited, 1);
	assert_int_equal(h.mapped, 1);
	/* the parent's original: the child's VMA may still map it, so it is visited */
	h = walk_hits(f.m, page_at(p, addr + 3 * PAGE_SIZE));
	assert_int_equal(h.visited, 2);
	assert_int_equal(h.mapped, 1);
	check(&f);

	/* splits (munmap a hole in the parent, mprotect in the child): keys follow */
	task_enter(p);
	assert_int_equal(sys_munmap(p, addr + 6 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
	task_enter(c);
	assert_int_equal(sys_mprotect(c, addr + 10 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	check(&f);
	h = walk_hits(f.m, page_at(c, addr + 7 * PAGE_SIZE));
	assert_int_equal(h.mapped, 1);	/* the parent's ptes are gone */
	h = walk_hits(f.m, page_at(p, addr + 11 * PAGE_SIZE));
	assert_int_equal(h.mapped, 2);
	assert_int_equal(h.visited, 2);
	h = walk_hits(f.m, page_at(p, addr + 14 * PAGE_SIZE));
	assert_int_equal(h.mapped, 2);

	do_exit(c, 0);
	check(&f);
	h = walk_hits(f.m, page_at(p, addr + 11 * PAGE_SIZE));
	assert_int_equal(h.visited, 1);
	assert_int_equal(h.mapped, 1);
	do_exit(p, 0);
	assert_int_equal(global_node_page_state(f.m, NR_ANON_PAGES), anon0);
	lru_add_drain_all(f.m);
	assert_int_equal(global_node_page_state(f.m, NR_INACTIVE_ANON), 0);
	assert_int_equal(global_node_page_state(f.m, NR_ACTIVE_ANON), 0);
	fixture_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_and_neighbours),
		cmocka_unit_test(test_prepare_no_reuse_of_forked),
		cmocka_unit_test(test_fork_chains_and_refcounts),
		cmocka_unit_test(test_grandchild_reuses_idle_anon_vma),
		cmocka_unit_test(test_split_clone),
		cmocka_unit_test(test_validate_rmap_catches),
		cmocka_unit_test(test_interval_tree),
		cmocka_unit_test(test_page_rmap_and_walk),
		cmocka_unit_test(test_rmap_mlock),
		cmocka_unit_test(test_fork_enomem_sweep),
		cmocka_unit_test(test_rmap_walk_real_processes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
