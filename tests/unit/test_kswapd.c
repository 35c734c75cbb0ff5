/*
 * test_kswapd.c - the watermarks' shapes (the seeds' "watermarks"
 * experiment): kswapd wakes when an allocation finds the zone below low,
 * runs when the simulated clock moves, reclaims until the zone is above
 * high, naps HZ/10 and sleeps; an allocation that sinks below min reclaims
 * directly (allocstall, pgsteal_direct); GFP_ATOMIC never reclaims; a wake
 * during the nap counts kswapd_low_wmark_hit_quickly.
 *
 * Reclaimable memory here is lazyfree anonymous memory (MADV_FREE'd, clean):
 * reclaim drops it without swap. vm.watermark_scale_factor=100 (1% of the
 * zone between min, low and high) keeps the gaps wider than a per-CPU
 * list refill, which on a 256 MiB machine with the default 10 could jump
 * from above low to below min in one step (as it would on Linux); and
 * vm.watermark_boost_factor=0 keeps the fill's pageblock fallbacks from
 * boosting the watermarks (a boost wakes kswapd and raises min for user
 * allocations until kswapd has reclaimed it, another shape).
 *
 * Invariants: each test boots its own machine and, when it passes, runs
 * check_machine and shuts it down (st_free); time is the simulated clock
 * only, never the host's.
 */
#include "syscall_test.h"
#include "gfp.h"
#include "swap.h"
#include "vmscan.h"

/* see above; no fragmentation boost, so low and high alone decide */
#define BOOT	"mem=256M cpus=2 sysctl=vm.watermark_scale_factor=100 " \
		"sysctl=vm.watermark_boost_factor=0"
#define NORMAL_ZONE	ZONE_DMA32	/* 256 MiB: user pages come from DMA32 */

/*
 * Pages the fast path can still take from the node before every zone is
 * at mark (+ the lowmem reserve it keeps from user allocations): the
 * allocation after those enters the slow path.
 */
static long headroom(struct st *st, enum zone_watermarks w)
{
	pg_data_t *pgdat = NODE_DATA(st->m, 0);
	long sum = 0;

	drain_all_pages(st->m, NULL);	/* pcp pages count as allocated: back to the buddy */
	for (int zi = 0; zi <= NORMAL_ZONE; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		long room = zone_page_state(z, NR_FREE_PAGES) - (long)wmark_pages(z, w) -
			    z->lowmem_reserve[NORMAL_ZONE];

		if (z->managed_pages && room > 0)
			sum += room;
	}
	return sum;
}

/* pgdat_balanced: some eligible zone above high (+ reserve). */
static bool balanced(struct st *st)
{
	pg_data_t *pgdat = NODE_DATA(st->m, 0);

	for (int zi = 0; zi <= NORMAL_ZONE; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (z->managed_pages && zone_page_state(z, NR_FREE_PAGES) >
					(long)high_wmark_pages(z) + z->lowmem_reserve[NORMAL_ZONE])
			return true;
	}
	return false;
}

static unsigned long ev(struct st *st, enum vm_event_item i)
{
	return st->m->vm_events[i];
}

/* n pages of fresh private anonymous memory, written in one call. */
static uint64_t map_touch(struct st *st, long n)
{
	struct mmsim_fault f;
	int64_t a = mmsim_mmap(st->m, st->pid, 0, (uint64_t)n * PG, RW, ANON | MMSIM_MAP_NORESERVE,
			       -1, 0);

	assert_true(a > 0);
	assert_int_equal(mmsim_touch(st->m, st->pid, (uint64_t)a, (uint64_t)n * PG, 1, &f), 0);
	return (uint64_t)a;
}

/*
 * Fill most of memory with lazyfree pages, leaving about `leave` pages
 * above the zone's high watermark free. *addr: where they are.
 */
static long fill_lazyfree(struct st *st, uint64_t *addr, long leave)
{
	long room = headroom(st, WMARK_HIGH) - leave;
	long n = room - room / 512 - 16;	/* its pte tables come out of the room too */

	*addr = map_touch(st, n);
	assert_int_equal(mmsim_madvise(st->m, st->pid, *addr, (uint64_t)n * PG,
				       mmsim_madvise_parse("free")), 0);
	lru_add_drain_all(st->m);
	return n;
}

static void test_kswapd_low_to_high(void **state)
{
	struct st *st = st_new(BOOT);
	pg_data_t *pgdat = NODE_DATA(st->m, 0);
	long lazy, need;
	uint64_t lz;

	(void)state;
	lazy = fill_lazyfree(st, &lz, 64);
	assert_true(lazy > 10000);
	assert_int_equal(pgdat->kswapd_state, KSWAPD_SLEEPING);
	/* down to just below low, but well above min: one call */
	need = headroom(st, WMARK_LOW) + 8;
	assert_true(headroom(st, WMARK_MIN) > 64);
	map_touch(st, need);
	/* the call returned, the clock moved: kswapd ran and reclaimed to high */
	assert_int_equal(ev(st, PAGEOUTRUN), 1);
	assert_true(ev(st, PGSCAN_KSWAPD) > 0);
	assert_true(ev(st, PGSTEAL_KSWAPD) > 0);
	/*
	 * kswapd did the work. (One allocation of the call may still stall
	 * once - a per-CPU list refill takes a batch below min at once -
	 * and reclaim SWAP_CLUSTER_MAX-ish pages itself.)
	 */
	assert_true(ev(st, PGSTEAL_KSWAPD) > 10 * ev(st, PGSTEAL_DIRECT));
	assert_true(ev(st, ALLOCSTALL_MOVABLE) <= 1);
	assert_true(balanced(st));
	assert_true(ev(st, PGLAZYFREED) > 0);
	assert_int_equal(pgdat->kswapd_state, KSWAPD_NAPPING);
	/* the nap ends balanced: asleep, no hit counted */
	assert_int_equal(mmsim_tick(st->m, 200 * NSEC_PER_MSEC), 0);
	assert_int_equal(pgdat->kswapd_state, KSWAPD_SLEEPING);
	assert_int_equal(ev(st, KSWAPD_LOW_WMARK_HIT_QUICKLY), 0);
	assert_int_equal(ev(st, KSWAPD_HIGH_WMARK_HIT_QUICKLY), 0);
	st_free(st);
}

/* One call that allocates far past min: the allocation reclaims itself. */
static void test_direct_reclaim_below_min(void **state)
{
	struct st *st = st_new(BOOT);
	long lazy, need, rss;
	uint64_t lz;
	unsigned char byte = 1;
	struct mmsim_fault f;

	(void)state;
	lazy = fill_lazyfree(st, &lz, 64);
	need = headroom(st, WMARK_MIN) + 4096;	/* past min: only reclaim can give it */
	map_touch(st, need);
	/* GFP_HIGHUSER_MOVABLE reclaims up to ZONE_MOVABLE: allocstall_movable */
	assert_true(ev(st, ALLOCSTALL_MOVABLE) > 0);
	assert_true(ev(st, PGSCAN_DIRECT) > 0);
	assert_true(ev(st, PGSTEAL_DIRECT) >= 4096);
	assert_true(ev(st, PGSTEAL_DIRECT) == ev(st, PGSTEAL_FILE) - ev(st, PGSTEAL_KSWAPD));
	/* lazyfree pages left their ptes: the old range reads zero */
	rss = status_kb(st, "RssAnon") / 4;
	assert_true(rss < lazy + need);
	assert_int_equal(mmsim_read(st->m, st->pid, lz, &byte, 1, &f), 0);
	assert_int_equal(byte, 0);	/* the first lazyfree page went: a fresh zero page */
	st_free(st);
}

/* GFP_ATOMIC and GFP_NOWAIT only wake kswapd: they fail rather than reclaim. */
static void test_atomic_never_reclaims(void **state)
{
	struct st *st = st_new(BOOT);
	unsigned long stall, steal;
	int64_t pfn;
	long got = 0;
	int64_t *pfns;
	uint64_t lz;

	(void)state;
	fill_lazyfree(st, &lz, 64);
	stall = ev(st, ALLOCSTALL_DMA32) + ev(st, ALLOCSTALL_NORMAL) + ev(st, ALLOCSTALL_DMA) + ev(st, ALLOCSTALL_MOVABLE);
	steal = ev(st, PGSTEAL_DIRECT);
	pfns = calloc(70000, sizeof(*pfns));
	while ((pfn = mmsim_alloc_pages(st->m, GFP_ATOMIC | __GFP_NOWARN, 0)) >= 0 && got < 70000)
		pfns[got++] = pfn;
	assert_true(got > 0 && got < 70000);	/* it failed, with lazyfree memory left */
	assert_int_equal(ev(st, ALLOCSTALL_DMA32) + ev(st, ALLOCSTALL_NORMAL) +
			 ev(st, ALLOCSTALL_DMA) + ev(st, ALLOCSTALL_MOVABLE), stall);
	assert_int_equal(ev(st, PGSTEAL_DIRECT), steal);
	for (long i = 0; i < got; i++)
		assert_int_equal(mmsim_free_pages(st->m, (uint64_t)pfns[i], 0), 0);
	free(pfns);
	st_free(st);
}

/* A wake-up during the HZ/10 nap: kswapd_low_wmark_hit_quickly. */
static void test_low_wmark_hit_quickly(void **state)
{
	struct st *st = st_new(BOOT);
	pg_data_t *pgdat = NODE_DATA(st->m, 0);
	long need;
	uint64_t lz;

	(void)state;
	fill_lazyfree(st, &lz, 64);
	need = headroom(st, WMARK_LOW) + 8;
	map_touch(st, need);
	assert_int_equal(pgdat->kswapd_state, KSWAPD_NAPPING);
	/* below low again within the nap */
	need = headroom(st, WMARK_LOW) + 8;
	map_touch(st, need);
	assert_int_equal(ev(st, KSWAPD_LOW_WMARK_HIT_QUICKLY), 1);
	assert_int_equal(ev(st, PAGEOUTRUN), 2);
	assert_true(balanced(st));
	assert_int_equal(mmsim_tick(st->m, 200 * NSEC_PER_MSEC), 0);
	assert_int_equal(pgdat->kswapd_state, KSWAPD_SLEEPING);
	st_free(st);
}

/*
 * Nothing reclaimable (anonymous memory without swap): kswapd fails, keeps
 * retrying a jiffy apart (kswapd_high_wmark_hit_quickly) and gives up
 * after MAX_RECLAIM_RETRIES failures; direct reclaim finds nothing either.
 */
static void test_kswapd_gives_up(void **state)
{
	struct st *st = st_new(BOOT);
	pg_data_t *pgdat = NODE_DATA(st->m, 0);
	long need = headroom(st, WMARK_LOW) + 8;

	(void)state;
	map_touch(st, need);
	assert_int_equal(mmsim_tick(st->m, NSEC_PER_SEC), 0);
	assert_int_equal(pgdat->kswapd_failures, MAX_RECLAIM_RETRIES);
	assert_int_equal(ev(st, PGSTEAL_KSWAPD), 0);
	assert_int_equal(ev(st, PAGEOUTRUN), MAX_RECLAIM_RETRIES);
	assert_int_equal(ev(st, KSWAPD_HIGH_WMARK_HIT_QUICKLY), MAX_RECLAIM_RETRIES - 1);
	assert_int_equal(pgdat->kswapd_state, KSWAPD_SLEEPING);
	st_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kswapd_low_to_high),
		cmocka_unit_test(test_direct_reclaim_below_min),
		cmocka_unit_test(test_atomic_never_reclaims),
		cmocka_unit_test(test_low_wmark_hit_quickly),
		cmocka_unit_test(test_kswapd_gives_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
