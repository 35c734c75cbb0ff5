/*
 * test_lru.c - page references and the LRU lists (mm/swap.c): which list
 * a page joins, the node, zone and global counters that follow it,
 * /proc/meminfo's lines, mlock/munlock with mlock_count and the
 * unevictable_pgs_* events, and put_page freeing exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "swap.h"

static struct page *user_page(struct machine *m)
{
	struct page *page = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);

	assert_non_null(page);
	return page;
}

/* What folio_add_new_anon_rmap leaves on a page, without an anon_vma. */
static struct page *anon_page(struct machine *m)
{
	struct page *page = user_page(m);

	SetPageSwapBacked(page);
	return page;
}

static bool on_list(struct list_head *head, struct page *page)
{
	struct page *p;

	list_for_each_entry(p, head, lru) {
		if (p == page)
			return true;
	}
	return false;
}

static struct lruvec *lruvec_of(struct machine *m, struct page *page)
{
	return &page_pgdat(m, page)->__lruvec;
}

/* Every place a list's size is kept, for the page's node and zone. */
static void assert_lru_size(struct machine *m, struct page *page, enum lru_list lru, long want)
{
	pg_data_t *pgdat = page_pgdat(m, page);
	struct zone *zone = page_zone(m, page);

	lru_add_drain_all(m);	/* per-CPU batches (issue 5) onto the lists first */
	assert_int_equal(pgdat->__lruvec.nr_pages[lru], want);
	assert_int_equal(pgdat->vm_stat[NR_INACTIVE_ANON + lru], want);
	assert_int_equal(zone_page_state(zone, NR_ZONE_INACTIVE_ANON + lru), want);
}

static long meminfo_kb(struct machine *m, const char *field)
{
	char *text = test_proc(m, "meminfo");
	char *line = strstr(text, field);
	long kb;

	assert_non_null(line);
	kb = strtol(line + strlen(field), NULL, 10);
	free(text);
	return kb;
}

static void check_lru(struct machine *m)
{
	lru_add_drain_all(m);
	check_machine(m);
	assert_int_equal(validate_lru(m), 0);
}

static void test_anon_and_file_lists(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct page *anon = anon_page(m), *file = user_page(m);
	long inactive_anon_kb = meminfo_kb(m, "Inactive(anon):");

	(void)state;
	assert_lru_size(m, anon, LRU_INACTIVE_ANON, 0);
	folio_add_lru(m, anon);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_true(PageLRU(anon));
	assert_int_equal(folio_lru_list(anon), LRU_INACTIVE_ANON);
	assert_true(on_list(&lruvec_of(m, anon)->lists[LRU_INACTIVE_ANON], anon));
	assert_lru_size(m, anon, LRU_INACTIVE_ANON, 1);
	assert_int_equal(global_node_page_state(m, NR_INACTIVE_ANON), 1);
	assert_int_equal(meminfo_kb(m, "Inactive(anon):"), inactive_anon_kb + 4);

	folio_add_lru(m, file);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_int_equal(folio_lru_list(file), LRU_INACTIVE_FILE);
	assert_true(on_list(&lruvec_of(m, file)->lists[LRU_INACTIVE_FILE], file));
	assert_false(on_list(&lruvec_of(m, file)->lists[LRU_INACTIVE_ANON], file));
	assert_lru_size(m, file, LRU_INACTIVE_FILE, 1);
	assert_int_equal(meminfo_kb(m, "Inactive(file):"), 4);
	check_lru(m);

	/* isolation: off the list, counters down, PG_active kept */
	lruvec_del_folio(m, anon);
	assert_false(PageLRU(anon));
	assert_false(on_list(&lruvec_of(m, anon)->lists[LRU_INACTIVE_ANON], anon));
	assert_lru_size(m, anon, LRU_INACTIVE_ANON, 0);
	lruvec_del_folio(m, anon);	/* no-op when not on the LRU */
	assert_lru_size(m, anon, LRU_INACTIVE_ANON, 0);
	check_lru(m);
	/* back as an active page: the active list */
	SetPageActive(anon);
	folio_add_lru(m, anon);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_int_equal(folio_lru_list(anon), LRU_ACTIVE_ANON);
	assert_lru_size(m, anon, LRU_ACTIVE_ANON, 1);
	assert_lru_size(m, anon, LRU_INACTIVE_ANON, 0);
	assert_int_equal(meminfo_kb(m, "Active(anon):"), 4);
	check_lru(m);

	put_page(m, anon);
	put_page(m, file);
	assert_lru_size(m, anon, LRU_ACTIVE_ANON, 0);
	assert_lru_size(m, file, LRU_INACTIVE_FILE, 0);
	check_lru(m);
	mmsim_shutdown(m);
}

/* A broken counter or a stray PG_lru is found. */
static void test_validate_lru_catches(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct page *page = anon_page(m), *stray = anon_page(m);
	pg_data_t *pgdat = page_pgdat(m, page);

	(void)state;
	folio_add_lru(m, page);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	check_lru(m);
	pgdat->__lruvec.nr_pages[LRU_INACTIVE_ANON]++;
	assert_int_not_equal(validate_lru(m), 0);
	pgdat->__lruvec.nr_pages[LRU_INACTIVE_ANON]--;
	assert_int_equal(validate_lru(m), 0);
	SetPageLRU(stray);	/* PageLRU but on no list */
	assert_int_not_equal(validate_lru(m), 0);
	ClearPageLRU(stray);
	SetPageMlocked(stray);	/* PG_mlocked not in nr_mlock */
	assert_int_not_equal(validate_lru(m), 0);
	ClearPageMlocked(stray);
	assert_int_equal(validate_lru(m), 0);
	put_page(m, page);
	put_page(m, stray);
	check_lru(m);
	mmsim_shutdown(m);
}

/* Free pages and pgfree after draining the per-CPU lists. */
static long drained_free(struct machine *m)
{
	drain_all_pages(m, NULL);
	return test_free_pages(m);
}

static void test_put_page_frees_once(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	enum { N = 40 };
	struct page *pages[N];
	long free0 = drained_free(m);
	unsigned long pgfree0;

	(void)state;
	for (int i = 0; i < N; i++) {
		pages[i] = anon_page(m);
		/* as a mapped anonymous page leaves it */
		pages[i]->mapping = (void *)(0x1000UL | PAGE_MAPPING_ANON);
		SetPageAnonExclusive(pages[i]);
		folio_add_lru(m, pages[i]);
		lru_add_drain(m);	/* the per-CPU batch onto the list */
		get_page(pages[i]);	/* a second reference: two ptes, or a pin */
	}
	assert_int_equal(drained_free(m), free0 - N);
	pgfree0 = m->vm_events[PGFREE];
	for (int i = 0; i < N; i++)
		put_page(m, pages[i]);
	/* nothing freed while a reference remains */
	assert_int_equal(m->vm_events[PGFREE], pgfree0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(page_ref_count(pages[i]), 1);
		assert_true(PageLRU(pages[i]));
	}
	assert_lru_size(m, pages[0], LRU_INACTIVE_ANON, N);
	for (int i = 0; i < N; i++)
		put_page(m, pages[i]);
	assert_int_equal(m->vm_events[PGFREE], pgfree0 + N);
	assert_lru_size(m, pages[0], LRU_INACTIVE_ANON, 0);
	assert_int_equal(drained_free(m), free0);
	check_lru(m);
	/* the frames come back clean: no mapping, no LRU or rmap flags */
	for (int i = 0; i < N; i++) {
		struct page *again = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);

		assert_non_null(again);
		assert_null(again->mapping);
		assert_false(PageLRU(again) || PageAnonExclusive(again) || PageSwapBacked(again));
		__free_pages(m, again, 0);
	}
	mmsim_shutdown(m);
}

static void test_put_page_compound(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	long free0 = drained_free(m);
	struct page *head = alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_COMP, 2);

	(void)state;
	assert_non_null(head);
	assert_int_equal(drained_free(m), free0 - 4);
	SetPageSwapBacked(head);
	folio_add_lru(m, head + 3);	/* a tail page names its head */
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_true(PageLRU(head));
	assert_lru_size(m, head, LRU_INACTIVE_ANON, 4);
	get_page(head + 1);
	put_page(m, head + 2);
	assert_int_equal(drained_free(m), free0 - 4);
	put_page(m, head);
	assert_lru_size(m, head, LRU_INACTIVE_ANON, 0);
	assert_int_equal(drained_free(m), free0);
	check_lru(m);
	mmsim_shutdown(m);
}

static void assert_mlocked(struct machine *m, struct page *page, unsigned int count)
{
	assert_true(PageLRU(page) && PageUnevictable(page) && PageMlocked(page));
	assert_false(PageActive(page));
	assert_int_equal(folio_lru_list(page), LRU_UNEVICTABLE);
	assert_int_equal(page->mlock_count, count);
	assert_false(PageTail(page));	/* the mlock_count word must not look like a tail */
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		assert_false(on_list(&lruvec_of(m, page)->lists[lru], page));
}

static void test_mlock_munlock(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct vm_area_struct locked = { .vm_flags = VM_READ | VM_WRITE | VM_LOCKED };
	struct page *page = anon_page(m);
	long mlocked_kb = meminfo_kb(m, "Mlocked:");

	(void)state;
	/* a new page of a locked VMA goes straight to the unevictable list */
	folio_add_lru_vma(m, page, &locked);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_mlocked(m, page, 1);
	assert_lru_size(m, page, LRU_UNEVICTABLE, 1);
	assert_lru_size(m, page, LRU_INACTIVE_ANON, 0);
	assert_int_equal(zone_page_state(page_zone(m, page), NR_MLOCK), 1);
	assert_int_equal(global_zone_page_state(m, NR_MLOCK), 1);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_MLOCKED], 1);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_CULLED], 1);
	assert_int_equal(meminfo_kb(m, "Mlocked:"), mlocked_kb + 4);
	assert_int_equal(meminfo_kb(m, "Unevictable:"), 4);
	check_lru(m);

	/* a second locked VMA maps it: counted once in nr_mlock, twice in mlock_count */
	mlock_page(m, page);
	assert_mlocked(m, page, 2);
	assert_int_equal(global_zone_page_state(m, NR_MLOCK), 1);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_MLOCKED], 1);
	munlock_page(m, page);
	assert_mlocked(m, page, 1);
	assert_int_equal(global_zone_page_state(m, NR_MLOCK), 1);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_MUNLOCKED], 0);
	check_lru(m);

	/* the last munlock rescues it to the inactive anon list */
	munlock_page(m, page);
	assert_false(PageMlocked(page) || PageUnevictable(page));
	assert_true(PageLRU(page));
	assert_true(on_list(&lruvec_of(m, page)->lists[LRU_INACTIVE_ANON], page));
	assert_lru_size(m, page, LRU_UNEVICTABLE, 0);
	assert_lru_size(m, page, LRU_INACTIVE_ANON, 1);
	assert_int_equal(global_zone_page_state(m, NR_MLOCK), 0);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_MUNLOCKED], 1);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_RESCUED], 1);
	assert_int_equal(meminfo_kb(m, "Mlocked:"), mlocked_kb);
	check_lru(m);

	/* mlock of an active evictable page: off the active list, not active */
	lruvec_del_folio(m, page);
	SetPageActive(page);
	folio_add_lru(m, page);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_lru_size(m, page, LRU_ACTIVE_ANON, 1);
	mlock_page(m, page);
	assert_mlocked(m, page, 1);
	assert_lru_size(m, page, LRU_ACTIVE_ANON, 0);
	assert_lru_size(m, page, LRU_UNEVICTABLE, 1);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_CULLED], 2);
	check_lru(m);

	/* freed while still mlocked: cleared and counted as Linux's free path does */
	put_page(m, page);
	assert_lru_size(m, page, LRU_UNEVICTABLE, 0);
	assert_int_equal(global_zone_page_state(m, NR_MLOCK), 0);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_CLEARED], 1);
	check_lru(m);
	mmsim_shutdown(m);
}

static void test_mlock_off_lru(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct vm_area_struct special = { .vm_flags = VM_READ | VM_LOCKED | VM_IO };
	struct page *page = anon_page(m), *io = anon_page(m);

	(void)state;
	/* mlocked before it reaches the LRU: PG_mlocked only, then culled on add */
	mlock_page(m, page);
	assert_true(PageMlocked(page));
	assert_false(PageLRU(page) || PageUnevictable(page));
	assert_int_equal(global_zone_page_state(m, NR_MLOCK), 1);
	folio_add_lru(m, page);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_true(PageUnevictable(page) && PageLRU(page));
	assert_int_equal(page->mlock_count, 0);	/* Linux undercounts here */
	assert_lru_size(m, page, LRU_UNEVICTABLE, 1);
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_CULLED], 1);
	check_lru(m);
	/* with mlock_count 0 the next munlock is the last */
	munlock_page(m, page);
	assert_false(PageMlocked(page) || PageUnevictable(page));
	assert_lru_size(m, page, LRU_INACTIVE_ANON, 1);
	check_lru(m);

	/* munlock off the LRU while unevictable: stranded (counted) */
	mlock_page(m, page);
	lruvec_del_folio(m, page);
	munlock_page(m, page);
	assert_false(PageMlocked(page));
	assert_int_equal(m->vm_events[UNEVICTABLE_PGS_STRANDED], 1);
	assert_int_equal(global_zone_page_state(m, NR_MLOCK), 0);
	/* put back: evictable now, rescued */
	folio_add_lru(m, page);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_false(PageUnevictable(page));
	assert_lru_size(m, page, LRU_INACTIVE_ANON, 1);
	assert_lru_size(m, page, LRU_UNEVICTABLE, 0);
	check_lru(m);

	/* VM_LOCKED with VM_SPECIAL is not mlocked */
	folio_add_lru_vma(m, io, &special);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_false(PageMlocked(io) || PageUnevictable(io));
	assert_lru_size(m, io, LRU_INACTIVE_ANON, 2);
	put_page(m, page);
	put_page(m, io);
	check_lru(m);
	mmsim_shutdown(m);
}

/* Each node's lruvec and zones count their own pages only. */
static void test_lru_per_node(void **state)
{
	struct machine *m = test_boot("mem=512M nodes=2 cpus=2");
	struct page *p0 = alloc_pages_node(m, 0, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0);
	struct page *p1 = alloc_pages_node(m, 1, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0);
	struct vm_area_struct locked = { .vm_flags = VM_READ | VM_LOCKED };

	(void)state;
	assert_non_null(p0);
	assert_non_null(p1);
	assert_int_equal(page_to_nid(p0), 0);
	assert_int_equal(page_to_nid(p1), 1);
	SetPageSwapBacked(p0);
	SetPageSwapBacked(p1);
	folio_add_lru(m, p0);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	folio_add_lru_vma(m, p1, &locked);
	lru_add_drain(m);	/* the per-CPU batch onto the list */
	assert_lru_size(m, p0, LRU_INACTIVE_ANON, 1);
	assert_lru_size(m, p0, LRU_UNEVICTABLE, 0);
	assert_lru_size(m, p1, LRU_INACTIVE_ANON, 0);
	assert_lru_size(m, p1, LRU_UNEVICTABLE, 1);
	assert_int_equal(global_node_page_state(m, NR_INACTIVE_ANON), 1);
	assert_int_equal(global_node_page_state(m, NR_UNEVICTABLE), 1);
	assert_int_equal(zone_page_state(page_zone(m, p1), NR_MLOCK), 1);
	assert_int_equal(zone_page_state(page_zone(m, p0), NR_MLOCK), 0);
	check_lru(m);
	put_page(m, p0);
	put_page(m, p1);
	assert_int_equal(global_node_page_state(m, NR_UNEVICTABLE), 0);
	check_lru(m);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_and_file_lists),
		cmocka_unit_test(test_validate_lru_catches),
		cmocka_unit_test(test_put_page_frees_once),
		cmocka_unit_test(test_put_page_compound),
		cmocka_unit_test(test_mlock_munlock),
		cmocka_unit_test(test_mlock_off_lru),
		cmocka_unit_test(test_lru_per_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
