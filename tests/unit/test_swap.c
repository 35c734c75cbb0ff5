/*
 * test_swap.c - swap (mm/swapfile.c, swap_state.c, page_io.c and the swap
 * ptes of memory.c/rmap.c): pages go out through the contract reclaim uses
 * (add_to_swap, try_to_unmap, swap_writepage, __delete_from_swap_cache,
 * put_swap_folio: swap_out_page below plays reclaim), come back on touch
 * with their bytes, and every counter that follows is checked: faults
 * (major unless the swap cache had it), RSS and MM_SWAPENTS, pswpin/out,
 * SwapTotal/SwapFree/SwapCached, VmSwap, smaps Swap/SwapPss, /proc/swaps;
 * fork sharing entries, munmap and exit freeing slots, swapoff bringing
 * everything back, priorities, readahead, injected I/O errors, and the
 * mapping calls (mprotect, mremap, mincore, madvise) over swap ptes.
 * Every step ends with check_machine (validate_swap among the validators).
 * The main cases run once per rmap design.
 *
 * Invariants: each test boots its own machine(s) and, when it passes, runs
 * check_machine and shuts them down; what is asserted is simulated state
 * and the bytes read back, never host time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "harness.h"
#include "memory.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "swap.h"

#define PG	4096UL

static const char *const designs[] = {
	"rmap=anon_vma_chain", "rmap=anon_vma", "rmap=pte_chain", "rmap=scan",
};

static struct machine *boot(const char *design, const char *extra)
{
	char opts[256];

	snprintf(opts, sizeof(opts), "mem=128M cpus=2 swap=16M %s %s", design, extra ? extra : "");
	return test_boot(opts);
}

static struct task_struct *task(struct machine *m, int pid)
{
	struct task_struct *t = find_task_by_pid(m, pid);

	assert_non_null(t);
	return t;
}

static uint64_t map_anon(struct machine *m, int pid, unsigned long pages)
{
	int64_t a = mmsim_mmap(m, pid, 0, pages * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);

	assert_true(a > 0);
	return (uint64_t)a;
}

/* Page i of [a, a + n pages) holds "pid:page i" and a fill byte. */
static void fill(struct machine *m, int pid, uint64_t a, unsigned long n, int tag)
{
	char buf[PG];

	for (unsigned long i = 0; i < n; i++) {
		memset(buf, (int)(tag + i) & 0xff, sizeof(buf));
		snprintf(buf, 32, "tag %d page %lu", tag, i);
		assert_int_equal(mmsim_write(m, pid, a + i * PG, buf, PG, NULL), 0);
	}
}

static void verify(struct machine *m, int pid, uint64_t a, unsigned long i, int tag)
{
	char want[PG], got[PG];

	memset(want, (int)(tag + i) & 0xff, sizeof(want));
	snprintf(want, 32, "tag %d page %lu", tag, i);
	assert_int_equal(mmsim_read(m, pid, a + i * PG, got, PG, NULL), 0);
	assert_memory_equal(got, want, PG);
}

static pte_t *pte_at(struct machine *m, int pid, uint64_t addr)
{
	pte_t *pte = walk_pte(task(m, pid)->mm, (unsigned long)addr);

	assert_non_null(pte);
	return pte;
}

static struct page *page_at(struct machine *m, int pid, uint64_t addr)
{
	pte_t *pte = pte_at(m, pid, addr);

	assert_true(pte_present(*pte));
	return pfn_to_page(m, pte_pfn(*pte));
}

/*
 * What shrink_folio_list does to an anonymous folio, one step each:
 * isolate, add_to_swap, try_to_unmap, pageout, __remove_mapping, free.
 * Returns the entry; the page is freed.
 */
static swp_entry_t swap_out_page(struct machine *m, struct page *page)
{
	swp_entry_t entry;

	lru_add_drain_all(m);	/* isolation finds it on a list, not in a batch */
	get_page(page);		/* isolation's reference */
	assert_int_equal(add_to_swap(m, page), 0);
	assert_true(folio_test_swapcache(page));
	entry = folio_swap_entry(page);
	assert_true(try_to_unmap(m, page));
	assert_int_equal(swap_writepage(m, page), 0);
	assert_false(PageDirty(page));
	assert_int_equal(page_ref_count(page), 2);	/* ours and the cache's */
	__delete_from_swap_cache(m, page, NULL);
	put_swap_folio(m, page, entry);
	put_page(m, page);
	return entry;
}

static swp_entry_t swap_out(struct machine *m, int pid, uint64_t addr)
{
	return swap_out_page(m, page_at(m, pid, addr));
}

static long field_kb(const char *text, const char *field)
{
	const char *line = strstr(text, field);

	assert_non_null(line);
	return strtol(line + strlen(field), NULL, 10);
}

static long meminfo(struct machine *m, const char *field)
{
	char *text = test_proc(m, "meminfo");
	long kb = field_kb(text, field);

	free(text);
	return kb;
}

static long status_kb(struct machine *m, int pid, const char *field)
{
	char path[64], *text;
	long kb;

	snprintf(path, sizeof(path), "%d/status", pid);
	text = test_proc(m, path);
	kb = field_kb(text, field);
	free(text);
	return kb;
}

/* A field of the smaps entry of the VMA that starts at addr. */
static long smaps_kb(struct machine *m, int pid, uint64_t addr, const char *field)
{
	char path[64], head[32], *text, *vma;
	long kb;

	snprintf(path, sizeof(path), "%d/smaps", pid);
	snprintf(head, sizeof(head), "%08lx-", (unsigned long)addr);
	text = test_proc(m, path);
	vma = strstr(text, head);
	assert_non_null(vma);
	kb = field_kb(vma, field);
	free(text);
	return kb;
}

static unsigned long ev(struct machine *m, enum vm_event_item i)
{
	return m->vm_events[i];
}

static long mmc(struct machine *m, int pid, int member)
{
	return (long)get_mm_counter(task(m, pid)->mm, member);
}

/* ---------------------------------------------------------------------- */

static void test_boot_and_proc(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	char *swaps = test_proc(m, "swaps");

	(void)state;
	/* 16 MiB: 4096 slots, the header's not usable */
	assert_int_equal(meminfo(m, "SwapTotal:"), 4095 * 4);
	assert_int_equal(meminfo(m, "SwapFree:"), 4095 * 4);
	assert_int_equal(total_swap_pages(m), 4095);
	assert_string_equal(swaps, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
			    "/swapfile                               file\t\t16380\t\t0\t\t-2\n");
	free(swaps);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_out_and_back(void **state)
{
	(void)state;
	for (size_t d = 0; d < ARRAY_SIZE(designs); d++) {
		struct machine *m = boot(designs[d], NULL);
		int pid = mmsim_spawn(m, "p");
		uint64_t a = map_anon(m, pid, 8);
		unsigned long maj, pswpout = ev(m, PSWPOUT);
		long anon;
		swp_entry_t e;

		fill(m, pid, a, 8, 1);
		anon = mmc(m, pid, MM_ANONPAGES);	/* the 8 and the stack's top page */
		check_machine(m);
		e = swap_out(m, pid, a + 3 * PG);
		assert_int_equal(ev(m, PSWPOUT), pswpout + 1);
		assert_true(is_swap_pte(*pte_at(m, pid, a + 3 * PG)));
		assert_true(pte_swp_exclusive(*pte_at(m, pid, a + 3 * PG)));
		assert_int_equal(pte_to_swp_entry(*pte_at(m, pid, a + 3 * PG)).val, e.val);
		assert_int_equal(__swap_count(m, e), 1);
		assert_int_equal(mmc(m, pid, MM_SWAPENTS), 1);
		assert_int_equal(mmc(m, pid, MM_ANONPAGES), anon - 1);
		assert_int_equal(status_kb(m, pid, "VmSwap:"), 4);
		assert_int_equal(meminfo(m, "SwapFree:"), 4094 * 4);
		assert_int_equal(meminfo(m, "SwapCached:"), 0);
		check_machine(m);

		/* a read brings it back: major, the slot stays with the swap cache */
		maj = task(m, pid)->maj_flt;
		verify(m, pid, a, 3, 1);
		assert_int_equal(task(m, pid)->maj_flt, maj + 1);
		assert_int_equal(ev(m, PSWPIN), 1);
		assert_int_equal(mmc(m, pid, MM_SWAPENTS), 0);
		assert_int_equal(mmc(m, pid, MM_ANONPAGES), anon);
		assert_int_equal(status_kb(m, pid, "VmSwap:"), 0);
		assert_int_equal(meminfo(m, "SwapCached:"), 4);
		assert_int_equal(meminfo(m, "SwapFree:"), 4094 * 4);
		/* exclusive: mapped writable at once, so a write is no fault */
		assert_true(pte_write(*pte_at(m, pid, a + 3 * PG)));
		check_machine(m);
		/* the write reuses the page: the swap cache is let go (wp_can_reuse) */
		fill(m, pid, a + 3 * PG, 1, 9);
		verify(m, pid, a + 3 * PG, 0, 9);
		check_machine(m);
		for (unsigned long i = 0; i < 8; i++)
			if (i != 3)
				verify(m, pid, a, i, 1);
		mmsim_shutdown(m);
	}
}

/*
 * A write fault on a swapped page: swapped in, mapped writable, no second
 * fault. The slot stays: the new folio waits in this CPU's lru_add batch,
 * whose reference makes should_try_to_free_swap's count 3, not 2 (as on
 * Linux 6.18, where folio_add_lru batches the swapped-in folio too).
 */
static void test_write_fault_frees_slot(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int pid = mmsim_spawn(m, "p");
	uint64_t a = map_anon(m, pid, 2);
	unsigned long min, maj;

	(void)state;
	fill(m, pid, a, 2, 3);
	swap_out(m, pid, a);
	min = task(m, pid)->min_flt;
	maj = task(m, pid)->maj_flt;
	fill(m, pid, a, 1, 4);
	assert_int_equal(task(m, pid)->maj_flt, maj + 1);
	assert_int_equal(task(m, pid)->min_flt, min);
	assert_int_equal(meminfo(m, "SwapCached:"), 4);
	assert_int_equal(meminfo(m, "SwapFree:"), 4094 * 4);
	verify(m, pid, a, 0, 4);
	verify(m, pid, a, 1, 3);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Found in the swap cache: a minor fault, no read. */
static void test_swapcache_hit_is_minor(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int pid = mmsim_spawn(m, "p");
	uint64_t a = map_anon(m, pid, 1);
	struct page *page;
	unsigned long min, maj;

	(void)state;
	fill(m, pid, a, 1, 5);
	page = page_at(m, pid, a);
	get_page(page);
	assert_int_equal(add_to_swap(m, page), 0);
	assert_true(try_to_unmap(m, page));
	assert_int_equal(swap_writepage(m, page), 0);
	put_page(m, page);	/* still cached: reclaim has not freed it yet */
	assert_int_equal(meminfo(m, "SwapCached:"), 4);
	check_machine(m);
	min = task(m, pid)->min_flt;
	maj = task(m, pid)->maj_flt;
	verify(m, pid, a, 0, 5);
	assert_int_equal(task(m, pid)->min_flt, min + 1);
	assert_int_equal(task(m, pid)->maj_flt, maj);
	assert_int_equal(ev(m, PSWPIN), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* VMA readahead: the window opens on sequential faults and hits count. */
static void test_readahead(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int pid = mmsim_spawn(m, "p");
	uint64_t a = map_anon(m, pid, 16);
	unsigned long maj;

	(void)state;
	fill(m, pid, a, 16, 7);
	for (unsigned long i = 0; i < 16; i++)
		swap_out(m, pid, a + i * PG);
	check_machine(m);
	maj = task(m, pid)->maj_flt;
	verify(m, pid, a, 0, 7);	/* no history: one page */
	assert_int_equal(ev(m, SWAP_RA), 0);
	verify(m, pid, a, 1, 7);	/* sequential: a window of 2 */
	assert_int_equal(ev(m, SWAP_RA), 1);
	assert_int_equal(task(m, pid)->maj_flt, maj + 2);
	verify(m, pid, a, 2, 7);	/* read ahead: minor, a hit */
	assert_int_equal(task(m, pid)->maj_flt, maj + 2);
	assert_int_equal(ev(m, SWAP_RA_HIT), 1);
	verify(m, pid, a, 3, 7);	/* hits + 2 -> 4 pages */
	assert_int_equal(task(m, pid)->maj_flt, maj + 3);
	assert_int_equal(ev(m, SWAP_RA), 4);
	for (unsigned long i = 4; i < 16; i++)
		verify(m, pid, a, i, 7);
	assert_int_equal(ev(m, PSWPIN), 16);
	check_machine(m);
	/* page_cluster 0: no readahead */
	mmsim_shutdown(m);
	m = boot(designs[0], "sysctl=vm.page_cluster=0");
	pid = mmsim_spawn(m, "p");
	a = map_anon(m, pid, 4);
	fill(m, pid, a, 4, 8);
	for (unsigned long i = 0; i < 4; i++)
		swap_out(m, pid, a + i * PG);
	maj = task(m, pid)->maj_flt;
	for (unsigned long i = 0; i < 4; i++)
		verify(m, pid, a, i, 8);
	assert_int_equal(task(m, pid)->maj_flt, maj + 4);
	assert_int_equal(ev(m, SWAP_RA), 0);
	mmsim_shutdown(m);
}

/* fork: the child shares the entry; SwapPss halves; data stays private. */
static void test_fork_shares_entries(void **state)
{
	(void)state;
	for (size_t d = 0; d < ARRAY_SIZE(designs); d++) {
		struct machine *m = boot(designs[d], NULL);
		int p = mmsim_spawn(m, "p"), c;
		uint64_t a = map_anon(m, p, 4);
		swp_entry_t e;
		unsigned long maj;

		fill(m, p, a, 4, 11);
		e = swap_out(m, p, a + PG);
		c = mmsim_fork(m, p);
		assert_true(c > 0);
		assert_int_equal(__swap_count(m, e), 2);
		assert_false(pte_swp_exclusive(*pte_at(m, p, a + PG)));
		assert_int_equal(mmc(m, c, MM_SWAPENTS), 1);
		assert_int_equal(smaps_kb(m, c, a, "\nSwap:"), 4);
		assert_int_equal(smaps_kb(m, c, a, "\nSwapPss:"), 2);
		check_machine(m);

		/* the child reads: major; the parent then finds it cached: minor */
		maj = task(m, c)->maj_flt;
		verify(m, c, a, 1, 11);
		assert_int_equal(task(m, c)->maj_flt, maj + 1);
		assert_false(pte_write(*pte_at(m, c, a + PG)));	/* shared: COW */
		maj = task(m, p)->maj_flt;
		verify(m, p, a, 1, 11);
		assert_int_equal(task(m, p)->maj_flt, maj);
		assert_int_equal(page_mapcount(page_at(m, p, a + PG)), 2);
		check_machine(m);
		/* writes stay private */
		fill(m, c, a + PG, 1, 12);
		verify(m, p, a, 1, 11);
		verify(m, c, a + PG, 0, 12);
		check_machine(m);

		/* a page both map goes out from both ptes at once */
		e = swap_out(m, p, a + 2 * PG);
		assert_int_equal(__swap_count(m, e), 2);
		assert_true(is_swap_pte(*pte_at(m, c, a + 2 * PG)));
		verify(m, c, a, 2, 11);
		verify(m, p, a, 2, 11);
		check_machine(m);
		assert_int_equal(mmsim_exit(m, c, 0), 0);
		check_machine(m);
		mmsim_shutdown(m);
	}
}

/* munmap and exit give the slots back. */
static void test_unmap_frees_slots(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int p = mmsim_spawn(m, "p"), c;
	uint64_t a = map_anon(m, p, 8);

	(void)state;
	fill(m, p, a, 8, 13);
	for (unsigned long i = 0; i < 8; i++)
		swap_out(m, p, a + i * PG);
	assert_int_equal(meminfo(m, "SwapFree:"), (4095 - 8) * 4);
	c = mmsim_fork(m, p);
	assert_int_equal(mmsim_munmap(m, p, a, 4 * PG), 0);
	assert_int_equal(meminfo(m, "SwapFree:"), (4095 - 8) * 4);	/* the child holds them */
	assert_int_equal(mmc(m, p, MM_SWAPENTS), 4);
	check_machine(m);
	assert_int_equal(mmsim_exit(m, c, 0), 0);
	assert_int_equal(meminfo(m, "SwapFree:"), (4095 - 4) * 4);
	assert_int_equal(mmsim_madvise(m, p, a + 4 * PG, 2 * PG, 4), 0);
	assert_int_equal(meminfo(m, "SwapFree:"), (4095 - 2) * 4);
	assert_int_equal(mmsim_madvise(m, p, a + 6 * PG, PG, 8), 0);
	assert_int_equal(meminfo(m, "SwapFree:"), (4095 - 1) * 4);
	assert_int_equal(mmc(m, p, MM_SWAPENTS), 1);
	check_machine(m);
	assert_int_equal(mmsim_exit(m, p, 0), 0);
	assert_int_equal(meminfo(m, "SwapFree:"), 4095 * 4);
	check_machine(m);
	mmsim_shutdown(m);
}

/* mprotect, mremap, mincore and MADV_WILLNEED over swap ptes. */
static void test_mapping_calls(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int p = mmsim_spawn(m, "p");
	uint64_t a = map_anon(m, p, 4), b;
	unsigned char vec[4];
	unsigned long maj;

	(void)state;
	fill(m, p, a, 4, 17);
	swap_out(m, p, a);
	swap_out(m, p, a + PG);
	assert_int_equal(mmsim_mincore(m, p, a, 4 * PG, vec), 0);
	assert_memory_equal(vec, ((unsigned char[]){ 0, 0, 1, 1 }), 4);
	assert_int_equal(mmsim_mprotect(m, p, a, 4 * PG, MMSIM_PROT_READ), 0);
	assert_true(is_swap_pte(*pte_at(m, p, a)));
	verify(m, p, a, 0, 17);
	assert_false(pte_write(*pte_at(m, p, a)));
	assert_int_equal(mmsim_mprotect(m, p, a, 4 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE), 0);
	check_machine(m);
	b = (uint64_t)mmsim_mremap(m, p, a, 4 * PG, 8 * PG, MMSIM_MREMAP_MAYMOVE, 0);
	assert_true((int64_t)b > 0);
	check_machine(m);
	/* WILLNEED reads the page into the swap cache without a fault */
	maj = task(m, p)->maj_flt;
	assert_int_equal(mmsim_madvise(m, p, b, 4 * PG, 3), 0);
	assert_int_equal(ev(m, PSWPIN), 2);
	assert_int_equal(mmsim_mincore(m, p, b, 4 * PG, vec), 0);
	assert_memory_equal(vec, ((unsigned char[]){ 1, 1, 1, 1 }), 4);
	check_machine(m);
	for (unsigned long i = 0; i < 4; i++)
		verify(m, p, b, i, 17);
	assert_int_equal(task(m, p)->maj_flt, maj);
	check_machine(m);
	mmsim_shutdown(m);
}

/* swapoff reads everything back and the device goes. */
static void test_swapoff(void **state)
{
	(void)state;
	for (size_t d = 0; d < ARRAY_SIZE(designs); d++) {
		struct machine *m = boot(designs[d], NULL);
		int p = mmsim_spawn(m, "p"), c;
		uint64_t a = map_anon(m, p, 8);
		unsigned long maj;

		fill(m, p, a, 8, 19);
		for (unsigned long i = 0; i < 6; i++)
			swap_out(m, p, a + i * PG);
		c = mmsim_fork(m, p);
		assert_int_equal(mmsim_swapoff(m, "/nope"), -EINVAL);
		assert_int_equal(mmsim_swapoff(m, "/swapfile"), 0);
		assert_int_equal(meminfo(m, "SwapTotal:"), 0);
		assert_int_equal(meminfo(m, "SwapCached:"), 0);
		assert_int_equal(mmc(m, p, MM_SWAPENTS), 0);
		assert_int_equal(mmc(m, c, MM_SWAPENTS), 0);
		assert_int_equal(mmc(m, c, MM_ANONPAGES), mmc(m, p, MM_ANONPAGES));
		check_machine(m);
		maj = task(m, p)->maj_flt + task(m, c)->maj_flt;
		for (unsigned long i = 0; i < 8; i++) {
			verify(m, p, a, i, 19);
			verify(m, c, a, i, 19);
		}
		assert_int_equal(task(m, p)->maj_flt + task(m, c)->maj_flt, maj);
		fill(m, c, a, 1, 20);
		verify(m, p, a, 0, 19);
		check_machine(m);
		/* and on again, by the API */
		assert_int_equal(mmsim_swapon(m, "/swapfile", 1 << 20, -1), 0);
		assert_int_equal(meminfo(m, "SwapTotal:"), 255 * 4);
		swap_out(m, p, a);
		verify(m, p, a, 0, 19);
		check_machine(m);
		mmsim_shutdown(m);
	}
}

/* Several devices: higher priority first, equal ones in turn; full ones skipped. */
static void test_priorities(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int p = mmsim_spawn(m, "p");
	uint64_t a = map_anon(m, p, 24);
	swp_entry_t e[24];
	char *swaps;

	(void)state;
	assert_int_equal(mmsim_swapon(m, "/swap-a", 64 << 10, 5), 0);	/* 15 slots */
	assert_int_equal(mmsim_swapon(m, "/swap-b", 64 << 10, 5), 0);
	assert_int_equal(mmsim_swapon(m, "/swap-b", 64 << 10, 5), -EBUSY);
	assert_int_equal(mmsim_swapon(m, "/swap-c", 1000, 5), -EINVAL);
	assert_int_equal(mmsim_swapon(m, "/swap-d", 64 << 10, 40000), -EINVAL);
	fill(m, p, a, 24, 23);
	for (int i = 0; i < 24; i++)
		e[i] = swap_out(m, p, a + (uint64_t)i * PG);
	/* a and b (types 1, 2) alternate until both are full; then /swapfile (-2) */
	for (int i = 0; i < 24; i++) {
		unsigned int want = i < 30 ? 1 + (unsigned int)(i % 2) : 0;

		assert_int_equal(swp_type(e[i]), want);
	}
	swaps = test_proc(m, "swaps");
	assert_non_null(strstr(swaps, "/swap-a                                 file\t\t60\t\t48\t\t5\n"));
	assert_non_null(strstr(swaps, "/swap-b                                 file\t\t60\t\t48\t\t5\n"));
	free(swaps);
	check_machine(m);
	for (int i = 0; i < 24; i++)
		verify(m, p, a, (unsigned long)i, 23);
	check_machine(m);
	assert_int_equal(mmsim_swapoff(m, "/swap-a"), 0);
	assert_int_equal(mmsim_swapoff(m, "/swap-b"), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* A failed write keeps the page; a failed read is SIGBUS for the faulting task only. */
static void test_io_errors(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int p = mmsim_spawn(m, "p"), c;
	uint64_t a = map_anon(m, p, 4);
	struct mmsim_fault f;
	struct page *page;
	swp_entry_t e;
	char buf[16];

	(void)state;
	fill(m, p, a, 4, 29);
	/* before unmap: the slot goes back, the page stays as it was */
	page = page_at(m, p, a);
	get_page(page);
	assert_int_equal(add_to_swap(m, page), 0);
	assert_int_equal(mmsim_fail_nth(m, "swap_write", 1, 0), 0);
	assert_int_equal(swap_writepage(m, page), -EIO);
	assert_true(PageDirty(page));
	assert_false(folio_test_swapcache(page));
	assert_int_equal(meminfo(m, "SwapFree:"), 4095 * 4);
	put_page(m, page);
	check_machine(m);
	/* after unmap: the page stays in the swap cache, dirty; the data is safe */
	page = page_at(m, p, a + PG);
	get_page(page);
	assert_int_equal(add_to_swap(m, page), 0);
	assert_true(try_to_unmap(m, page));
	assert_int_equal(mmsim_fail_nth(m, "swap_write", 1, 0), 0);
	assert_int_equal(swap_writepage(m, page), -EIO);
	assert_true(PageDirty(page) && folio_test_swapcache(page));
	put_page(m, page);
	check_machine(m);
	verify(m, p, a, 1, 29);
	verify(m, p, a, 0, 29);
	check_machine(m);

	/* a read error: only the faulting task gets SIGBUS, the entry stays */
	e = swap_out(m, p, a + 2 * PG);
	c = mmsim_fork(m, p);
	assert_int_equal(mmsim_fail_nth(m, "swap_read", 1, 0), 0);
	memset(&f, 0, sizeof(f));
	assert_int_not_equal(mmsim_read(m, c, a + 2 * PG, buf, sizeof(buf), &f), 0);
	assert_int_equal(f.signo, 7);	/* SIGBUS */
	assert_int_equal(__swap_count(m, e), 2);
	assert_true(is_swap_pte(*pte_at(m, c, a + 2 * PG)));
	check_machine(m);
	verify(m, p, a, 2, 29);
	verify(m, c, a, 2, 29);
	check_machine(m);
	mmsim_shutdown(m);
}

/* A page of zeros is not written (swpout_zero) and comes back zeroed. */
static void test_zero_pages(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int p = mmsim_spawn(m, "p");
	uint64_t a = map_anon(m, p, 1);
	char buf[PG], zero[PG];

	(void)state;
	memset(zero, 0, sizeof(zero));
	assert_int_equal(mmsim_write(m, p, a, zero, PG, NULL), 0);
	swap_out(m, p, a);
	assert_int_equal(ev(m, SWPOUT_ZERO), 1);
	assert_int_equal(ev(m, PSWPOUT), 0);
	assert_int_equal(mmsim_read(m, p, a, buf, PG, NULL), 0);
	assert_memory_equal(buf, zero, PG);
	assert_int_equal(ev(m, SWPIN_ZERO), 1);
	assert_int_equal(ev(m, PSWPIN), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* More sharers than the map byte counts: the continuation carries on. */
static void test_count_continuation(void **state)
{
	struct machine *m = boot(designs[0], NULL);
	int p = mmsim_spawn(m, "p"), kids[70];
	uint64_t a = map_anon(m, p, 1);
	swp_entry_t e;

	(void)state;
	fill(m, p, a, 1, 31);
	e = swap_out(m, p, a);
	for (int i = 0; i < 70; i++) {
		kids[i] = mmsim_fork(m, p);
		assert_true(kids[i] > 0);
	}
	assert_int_equal(__swap_count(m, e), 71);
	check_machine(m);
	verify(m, kids[40], a, 0, 31);
	assert_int_equal(__swap_count(m, e), 70);
	for (int i = 0; i < 70; i++)
		assert_int_equal(mmsim_exit(m, kids[i], 0), 0);
	assert_int_equal(__swap_count(m, e), 1);
	check_machine(m);
	verify(m, p, a, 0, 31);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Reclaim of a shmem page: unmapped, written by shmem_writeout, freed from the swap cache. */
static swp_entry_t shmem_swap_out(struct machine *m, struct page *page)
{
	swp_entry_t entry;

	lru_add_drain_all(m);	/* isolation finds it on a list, not in a batch */
	get_page(page);
	assert_true(try_to_unmap(m, page));
	assert_int_equal(shmem_writeout(m, page), 0);
	assert_true(folio_test_swapcache(page));
	assert_null(page->mapping);
	entry = folio_swap_entry(page);
	assert_int_equal(page_ref_count(page), 2);
	__delete_from_swap_cache(m, page, NULL);
	put_swap_folio(m, page, entry);
	put_page(m, page);
	return entry;
}

/* shmem pages go out as value entries in the object and come back on a fault. */
static void test_shmem(void **state)
{
	(void)state;
	for (size_t d = 0; d < ARRAY_SIZE(designs); d++) {
		struct machine *m = boot(designs[d], NULL);
		int p = mmsim_spawn(m, "p"), c;
		int64_t a = mmsim_mmap(m, p, 0, 4 * PG, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
				       MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
		long shmem;
		unsigned long maj;
		swp_entry_t e;

		assert_true(a > 0);
		fill(m, p, (uint64_t)a, 4, 37);
		c = mmsim_fork(m, p);
		verify(m, c, (uint64_t)a, 1, 37);
		shmem = meminfo(m, "Shmem:");
		e = shmem_swap_out(m, page_at(m, p, (uint64_t)a + PG));
		assert_int_equal(__swap_count(m, e), 1);
		assert_int_equal(meminfo(m, "Shmem:"), shmem - 4);
		assert_int_equal(meminfo(m, "SwapFree:"), 4094 * 4);
		assert_int_equal(smaps_kb(m, p, (uint64_t)a, "\nSwap:"), 4);
		assert_int_equal(smaps_kb(m, c, (uint64_t)a, "\nSwap:"), 4);
		assert_int_equal(status_kb(m, p, "VmSwap:"), 0);	/* not the process's own */
		check_machine(m);
		/* the child faults it back: major; the slot is freed at once */
		maj = task(m, c)->maj_flt;
		verify(m, c, (uint64_t)a, 1, 37);
		assert_int_equal(task(m, c)->maj_flt, maj + 1);
		assert_int_equal(meminfo(m, "SwapFree:"), 4095 * 4);
		assert_int_equal(meminfo(m, "Shmem:"), shmem);
		maj = task(m, p)->maj_flt;
		verify(m, p, (uint64_t)a, 1, 37);
		assert_int_equal(task(m, p)->maj_flt, maj);
		check_machine(m);

		/* swapoff brings a swapped shmem page home; exit frees another's slot */
		shmem_swap_out(m, page_at(m, p, (uint64_t)a + 2 * PG));
		assert_int_equal(mmsim_swapon(m, "/s2", 1 << 20, 1), 0);
		shmem_swap_out(m, page_at(m, p, (uint64_t)a + 3 * PG));
		assert_int_equal(mmsim_swapoff(m, "/swapfile"), 0);
		assert_int_equal(meminfo(m, "SwapFree:"), 254 * 4);
		check_machine(m);
		verify(m, p, (uint64_t)a, 2, 37);
		assert_int_equal(mmsim_exit(m, c, 0), 0);
		assert_int_equal(mmsim_exit(m, p, 0), 0);
		assert_int_equal(meminfo(m, "SwapFree:"), 255 * 4);
		check_machine(m);
		mmsim_shutdown(m);
	}
}

/* metadata_only: no bytes move, the counters and faults do. */
static void test_metadata_only(void **state)
{
	struct machine *m = boot(designs[0], "metadata_only=1");
	int p = mmsim_spawn(m, "p");
	uint64_t a = map_anon(m, p, 2);
	struct mmsim_fault f;
	unsigned long maj;

	(void)state;
	assert_int_equal(mmsim_touch(m, p, a, 2 * PG, 1, &f), 0);
	swap_out(m, p, a);
	assert_int_equal(ev(m, PSWPOUT), 1);
	maj = task(m, p)->maj_flt;
	assert_int_equal(mmsim_touch(m, p, a, PG, 0, &f), 0);
	assert_int_equal(task(m, p)->maj_flt, maj + 1);
	assert_int_equal(ev(m, PSWPIN), 1);
	check_machine(m);
	mmsim_shutdown(m);
}

/*
 * Nothing lost: random writes, swap-outs (of anonymous and shmem pages),
 * reads, forks, exits, DONTNEED, swapoff/swapon, against a model of every
 * page's contents; the validators every few steps.
 */
#define R_PROCS		6
#define R_PAGES		12

struct rproc {
	int pid;		/* 0: free */
	uint32_t val[R_PAGES];	/* the anon page's first word (0: never written) */
};

static uint32_t read_word(struct machine *m, int pid, uint64_t addr)
{
	uint32_t v;

	assert_int_equal(mmsim_read(m, pid, addr, &v, sizeof(v), NULL), 0);
	return v;
}

static void random_step(struct machine *m, struct rproc *r, uint64_t a, uint64_t s,
			uint32_t *shared, unsigned int *seed)
{
	unsigned int op = (unsigned int)rand_r(seed) % 9, i = (unsigned int)rand_r(seed) % R_PAGES;
	struct rproc *p = &r[(unsigned int)rand_r(seed) % R_PROCS];
	uint32_t v = (uint32_t)rand_r(seed) | 1;
	pte_t *pte;

	if (!p->pid)
		return;
	switch (op) {
	case 0: case 1:		/* write an anon page */
		assert_int_equal(mmsim_write(m, p->pid, a + i * PG, &v, sizeof(v), NULL), 0);
		p->val[i] = v;
		break;
	case 2:			/* write a shmem page */
		assert_int_equal(mmsim_write(m, p->pid, s + i * PG, &v, sizeof(v), NULL), 0);
		shared[i] = v;
		break;
	case 3:			/* reclaim an anon page */
		pte = walk_pte(task(m, p->pid)->mm, a + i * PG);
		if (pte && pte_present(*pte) && !is_zero_pfn(m, pte_pfn(*pte)) &&
		    get_nr_swap_pages(m) > 0)
			swap_out_page(m, pfn_to_page(m, pte_pfn(*pte)));
		break;
	case 4:			/* reclaim a shmem page */
		pte = walk_pte(task(m, p->pid)->mm, s + i * PG);
		if (pte && pte_present(*pte) && get_nr_swap_pages(m) > 0)
			shmem_swap_out(m, pfn_to_page(m, pte_pfn(*pte)));
		break;
	case 5:			/* read back */
		assert_int_equal(read_word(m, p->pid, a + i * PG), p->val[i]);
		assert_int_equal(read_word(m, p->pid, s + i * PG), shared[i]);
		break;
	case 6:			/* fork into a free slot, or exit */
		for (int k = 0; k < R_PROCS; k++) {
			if (r[k].pid)
				continue;
			r[k] = *p;
			r[k].pid = mmsim_fork(m, p->pid);
			assert_true(r[k].pid > 0);
			return;
		}
		assert_int_equal(mmsim_exit(m, p->pid, 0), 0);
		p->pid = 0;
		break;
	case 7:			/* DONTNEED one page */
		assert_int_equal(mmsim_madvise(m, p->pid, a + i * PG, PG, 4), 0);
		p->val[i] = 0;
		break;
	case 8:			/* swapoff and on again, now and then */
		if (rand_r(seed) % 8 == 0) {
			assert_int_equal(mmsim_swapoff(m, "/swapfile"), 0);
			assert_int_equal(mmsim_swapon(m, "/swapfile", 16 << 20, -1), 0);
		}
		break;
	}
}

static void test_random_nothing_lost(void **state)
{
	(void)state;
	for (size_t d = 0; d < ARRAY_SIZE(designs); d++) {
		struct machine *m = boot(designs[d], NULL);
		struct rproc r[R_PROCS];
		uint32_t shared[R_PAGES];
		unsigned int seed = 1234 + (unsigned int)d;
		uint64_t a, s;

		memset(r, 0, sizeof(r));
		memset(shared, 0, sizeof(shared));
		r[0].pid = mmsim_spawn(m, "r");
		a = map_anon(m, r[0].pid, R_PAGES);
		s = (uint64_t)mmsim_mmap(m, r[0].pid, 0, R_PAGES * PG,
					 MMSIM_PROT_READ | MMSIM_PROT_WRITE,
					 MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
		for (int step = 0; step < 1500; step++) {
			random_step(m, r, a, s, shared, &seed);
			if (step % 25 == 0)
				check_machine(m);
		}
		for (int k = 0; k < R_PROCS; k++)
			for (unsigned int i = 0; r[k].pid && i < R_PAGES; i++) {
				assert_int_equal(read_word(m, r[k].pid, a + i * PG), r[k].val[i]);
				assert_int_equal(read_word(m, r[k].pid, s + i * PG), shared[i]);
			}
		check_machine(m);
		/* the run did what it is about */
		assert_true(ev(m, PSWPOUT) > 50 && ev(m, PSWPIN) > 20 && ev(m, PGMAJFAULT) > 10);
		for (int k = 0; k < R_PROCS; k++)
			if (r[k].pid)
				assert_int_equal(mmsim_exit(m, r[k].pid, 0), 0);
		assert_int_equal(meminfo(m, "SwapFree:"), meminfo(m, "SwapTotal:"));
		check_machine(m);
		mmsim_shutdown(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_and_proc),
		cmocka_unit_test(test_out_and_back),
		cmocka_unit_test(test_write_fault_frees_slot),
		cmocka_unit_test(test_swapcache_hit_is_minor),
		cmocka_unit_test(test_readahead),
		cmocka_unit_test(test_fork_shares_entries),
		cmocka_unit_test(test_unmap_frees_slots),
		cmocka_unit_test(test_mapping_calls),
		cmocka_unit_test(test_swapoff),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_io_errors),
		cmocka_unit_test(test_zero_pages),
		cmocka_unit_test(test_count_continuation),
		cmocka_unit_test(test_shmem),
		cmocka_unit_test(test_metadata_only),
		cmocka_unit_test(test_random_nothing_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
