/*
 * test_vmalloc.c - unit tests for mm/vmalloc.c and its public API: the
 * x86-64 layout and boot-time state (preallocated tables, idle stacks),
 * alloc/free round trips down to the page, guard pages and use after free
 * through the MMU (lazy TLB purging), exhaustion, fragmentation, the
 * /proc/vmallocinfo format (against the host's when it is Linux 6.18),
 * meminfo, vmap, kvmalloc, 2 MiB mappings, vmalloc_fault, five levels and
 * pti, fault injection, and a random sweep with the validators after every
 * step (check_machine runs validate_vmalloc).
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"
#include "pgalloc.h"
#include "sched.h"
#include "tlbflush.h"
#include "vmalloc.h"

#define VSTART	0xffffc90000000000UL

static struct mmsim_vmalloc_info info(struct machine *m)
{
	struct mmsim_vmalloc_info i;

	assert_int_equal(mmsim_vmalloc_info(m, &i), 0);
	return i;
}

static long meminfo_kb(struct machine *m, const char *field)
{
	char *t = test_proc(m, "meminfo"), *p = strstr(t, field);
	long v;

	assert_non_null(p);
	v = strtol(p + strlen(field), NULL, 10);
	free(t);
	return v;
}

static int count_lines_with(struct machine *m, const char *needle)
{
	char *t = test_proc(m, "vmallocinfo");
	int n = 0;

	for (char *p = t; (p = strstr(p, needle)); p++)
		n++;
	free(t);
	return n;
}

static bool dmesg_has(struct machine *m, const char *needle)
{
	char *log = mmsim_dmesg(m, NULL);
	bool found = strstr(log, needle) != NULL;

	free(log);
	return found;
}

static long slab_active(struct machine *m, struct kmem_cache *s)
{
	struct slabinfo si;

	get_slabinfo(m, s, &si);
	return (long)si.active_objs;
}

/* ---- layout and boot ---- */

static void test_boot_layout(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct mmsim_vmalloc_info i = info(m);
	char *t;

	(void)state;
	assert_int_equal(i.start, VSTART);
	assert_int_equal(i.end, 0xffffe8ffffffffffUL);
	assert_int_equal(meminfo_kb(m, "VmallocTotal:"), 34359738367L);
	assert_int_equal(meminfo_kb(m, "VmallocChunk:"), 0);
	/* 64 PUD tables below the 64 vmalloc PGD entries, from boot on. */
	assert_int_equal(i.pgtable_pud, 64);
	for (int idx = 402; idx <= 465; idx++)
		assert_true(pgd_present(m->init_mm->pgd[idx]));
	/* CPU 1's idle task stack: 16 KiB + guard, 16 KiB aligned, at VMALLOC_START. */
	assert_int_equal(i.nr_areas, 1);
	assert_int_equal(i.used_pages, 4);
	assert_int_equal(meminfo_kb(m, "VmallocUsed:"), 16);
	assert_int_equal(meminfo_kb(m, "KernelStack:"), 16);
	assert_int_equal(i.lazy_max_pages, 2 * 8192);	/* fls(2) * 32 MiB */
	t = test_proc(m, "vmallocinfo");
	assert_string_equal(t, "0xffffc90000000000-0xffffc90000005000   20480 "
			       "fork_idle+0x9e/0x150 pages=4 vmalloc N0=4\n");
	free(t);
	mmsim_shutdown(m);
}

static void test_five_levels(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 pgtable_levels=5");
	struct mmsim_vmalloc_info i = info(m);
	uint64_t v;
	char buf[8] = "";

	(void)state;
	assert_int_equal(i.start, 0xffa0000000000000UL);
	assert_int_equal(i.end, 0xffd1ffffffffffffUL);
	assert_int_equal(meminfo_kb(m, "VmallocTotal:"), 13743895347199L);
	assert_int_equal(i.pgtable_p4d, 50);	/* 12800 TiB / 256 TiB per PGD entry */
	assert_int_equal(i.pgtable_pud, 1);	/* the idle stack's */
	v = mmsim_vmalloc(m, 3 * 4096);
	assert_true(v >= i.start && v < i.end);
	assert_int_equal(mmsim_kernel_write(m, 0, v + 4095, "abcdefg", 7), 0);
	assert_int_equal(mmsim_kernel_read(m, 0, v + 4095, buf, 7), 0);
	assert_string_equal(buf, "abcdefg");
	check_machine(m);
	assert_int_equal(mmsim_vfree(m, v), 0);
	mmsim_vmalloc_purge(m);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- round trips ---- */

static void test_alloc_free_round_trip(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	uint64_t v, v2;
	long free0, pt0, used0 = meminfo_kb(m, "VmallocUsed:");
	struct mmsim_vmalloc_info i;
	char line[160];

	(void)state;
	/* A first round trip leaves the tables it needed; measure from there. */
	v = mmsim_vmalloc(m, 1 << 20);
	v2 = mmsim_vmalloc(m, 1 << 20);
	assert_int_equal(mmsim_vfree(m, v), 0);
	assert_int_equal(mmsim_vfree(m, v2), 0);
	mmsim_vmalloc_purge(m);
	drain_all_pages(m, NULL);
	free0 = test_free_pages(m);
	pt0 = m->init_mm->pgtables_bytes;

	v = mmsim_vmalloc(m, 1 << 20);
	assert_int_equal(v, VSTART + 0x5000);	/* lowest fit after the idle stack */
	check_machine(m);
	i = info(m);
	assert_int_equal(i.nr_areas, 2);
	assert_int_equal(meminfo_kb(m, "VmallocUsed:"), used0 + 1024);
	snprintf(line, sizeof(line), "0x%016lx-0x%016lx 1052672 mmsim_vmalloc+0x1e/0x40 "
		 "pages=256 vmalloc N0=256\n", (unsigned long)v, (unsigned long)v + 0x101000);
	assert_int_equal(count_lines_with(m, line), 1);
	/* Every page is a distinct frame, mapped where the area says. */
	for (int p = 0; p < 256; p++)
		assert_true(mmsim_vmalloc_to_pfn(m, v + (uint64_t)p * 4096) > 0);
	assert_int_equal(mmsim_vmalloc_to_pfn(m, v + (1 << 20)), -EFAULT);	/* guard */

	assert_int_equal(mmsim_vfree(m, v), 0);
	check_machine(m);
	/* The pages are back at once; the range waits, unpurged. */
	i = info(m);
	assert_int_equal(i.lazy_pages, 257);
	assert_int_equal(meminfo_kb(m, "VmallocUsed:"), used0);
	assert_int_equal(count_lines_with(m, "unpurged vm_area"), 1);
	/* A new area cannot take the lazy range. */
	v2 = mmsim_vmalloc(m, 1 << 20);
	assert_int_not_equal(v2, v);
	assert_int_equal(mmsim_vfree(m, v2), 0);
	mmsim_vmalloc_purge(m);
	check_machine(m);
	i = info(m);
	assert_int_equal(i.lazy_pages, 0);
	assert_int_equal(count_lines_with(m, "unpurged"), 0);
	drain_all_pages(m, NULL);
	assert_int_equal(test_free_pages(m), free0);
	assert_int_equal(m->init_mm->pgtables_bytes, pt0);
	/* Purged, the lowest range is found again. */
	v = mmsim_vmalloc(m, 1 << 20);
	assert_int_equal(v, VSTART + 0x5000);
	assert_int_equal(mmsim_vfree(m, v), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_vzalloc_and_data(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	uint64_t v = mmsim_vmalloc(m, 5 * 4096), z;
	unsigned char buf[5 * 4096];

	(void)state;
	memset(buf, 0xab, sizeof(buf));
	assert_int_equal(mmsim_kernel_write(m, 0, v, buf, sizeof(buf)), 0);
	assert_int_equal(mmsim_vfree(m, v), 0);
	mmsim_vmalloc_purge(m);
	/* The same frames may come back: vzalloc must clear them. */
	z = mmsim_vzalloc(m, 5 * 4096);
	memset(buf, 1, sizeof(buf));
	assert_int_equal(mmsim_kernel_read(m, 0, z, buf, sizeof(buf)), 0);
	for (size_t k = 0; k < sizeof(buf); k++)
		assert_int_equal(buf[k], 0);
	assert_int_equal(count_lines_with(m, "mmsim_vzalloc+0x1e/0x40 pages=5 vmalloc N0=5"), 1);
	assert_int_equal(mmsim_vfree(m, z), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- guard pages, use after free and the lazy TLB ---- */

static void test_guard_page_and_stale_tlb(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	uint64_t v = mmsim_vmalloc(m, 2 * 4096);
	char buf[16] = "";
	int pid = mmsim_spawn(m, "reader");

	(void)state;
	assert_int_equal(mmsim_kernel_write(m, pid, v + 8190, "hi", 2), 0);
	/* One byte into the guard page: the kernel oopses. */
	assert_int_equal(mmsim_kernel_write(m, pid, v + 8190, "xyz", 3), -EFAULT);
	assert_true(dmesg_has(m, "BUG: unable to handle page fault for address: ffffc90000007000"));
	assert_true(dmesg_has(m, "#PF: supervisor write access in kernel mode"));
	assert_true(dmesg_has(m, "#PF: error_code(0x0002) - not-present page"));
	assert_int_equal(info(m).oopses, 1);
	/* Freed but not purged: the global TLB entry still translates (Linux's bargain). */
	assert_int_equal(mmsim_vfree(m, v), 0);
	check_machine(m);	/* validate_tlb allows stale entries of unpurged ranges */
	assert_int_equal(mmsim_kernel_read(m, pid, v + 8190, buf, 2), 0);
	/* After the purge's flush the access faults. */
	mmsim_vmalloc_purge(m);
	assert_int_equal(mmsim_kernel_read(m, pid, v + 8190, buf, 2), -EFAULT);
	/* A never-touched freed area faults at once: no entry, no pte. */
	v = mmsim_vmalloc(m, 4096);
	assert_int_equal(mmsim_vfree(m, v), 0);
	assert_int_equal(mmsim_kernel_read(m, 0, v, buf, 1), -EFAULT);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_lazy_purge_threshold(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 debug_tlbflush=1");
	long recv0 = 0;
	struct mmsim_vmalloc_info i;
	struct mmsim_counter c[400];
	size_t n = mmsim_vmstat(m, c, 400);

	(void)state;
	for (size_t k = 0; k < n; k++)
		if (!strcmp(c[k].name, "nr_tlb_remote_flush_received"))
			recv0 = c[k].value;
	/* 1 MiB areas hold 257 pages each: the 64th free crosses 16384 pages. */
	for (int k = 0; k < 63; k++) {
		uint64_t v = mmsim_vmalloc(m, 1 << 20);

		assert_int_not_equal(v, 0);
		assert_int_equal(mmsim_vfree(m, v), 0);
	}
	i = info(m);
	assert_int_equal(i.purges, 0);
	assert_int_equal(i.lazy_pages, 63 * 257);
	assert_int_equal(mmsim_vfree(m, mmsim_vmalloc(m, 1 << 20)), 0);
	i = info(m);
	assert_int_equal(i.purges, 1);
	assert_int_equal(i.purged_areas, 64);
	assert_int_equal(i.lazy_pages, 0);
	assert_int_equal(i.flush_all, 1);	/* 64 MiB of range: one full flush */
	n = mmsim_vmstat(m, c, 400);
	for (size_t k = 0; k < n; k++)
		if (!strcmp(c[k].name, "nr_tlb_remote_flush_received"))
			assert_int_equal(c[k].value - recv0, 2);	/* on each CPU */
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_size_pools(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	uint64_t a, b, c;

	(void)state;
	/* 512 KiB + guard = 129 pages: pooled after the purge, reused LIFO. */
	a = mmsim_vmalloc(m, 512 << 10);
	b = mmsim_vmalloc(m, 512 << 10);
	assert_int_equal(mmsim_vfree(m, a), 0);
	assert_int_equal(mmsim_vfree(m, b), 0);
	mmsim_vmalloc_purge(m);
	check_machine(m);
	c = mmsim_vmalloc(m, 512 << 10);
	assert_int_equal(c, b);
	assert_int_equal(mmsim_vfree(m, c), 0);
	mmsim_vmalloc_purge(m);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- exhaustion and fragmentation ---- */

static void test_exhaustion(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	long free0;
	uint64_t v, size;
	char msg[96];

	(void)state;
	assert_int_equal(mmsim_vmalloc(m, 1UL << 40), 0);
	assert_true(dmesg_has(m, "vmalloc error: size 1099511627776, exceeds total pages"));
	/* More than is free, less than exists: pages run out part way. */
	drain_all_pages(m, NULL);
	free0 = test_free_pages(m);
	size = (uint64_t)(free0 + 64) << PAGE_SHIFT;
	assert_true(size >> PAGE_SHIFT < m->totalram_pages);
	v = mmsim_vmalloc(m, size);
	assert_int_equal(v, 0);
	snprintf(msg, sizeof(msg), "vmalloc error: size %lu, failed to allocate pages",
		 (unsigned long)size);
	assert_true(dmesg_has(m, msg));
	check_machine(m);
	/* Every page came back; the range waits for its purge. */
	mmsim_vmalloc_purge(m);
	drain_all_pages(m, NULL);
	assert_true(test_free_pages(m) >= free0 - 8);	/* minus new page tables */
	assert_int_equal(info(m).used_pages, 4);
	/* Address space: a window that holds one area, then none. */
	v = __vmalloc_node_range(m, 4096, 1, VSTART + (1UL << 30), VSTART + (1UL << 30) + 0x2000,
				 GFP_KERNEL, __PAGE_KERNEL, 0, NUMA_NO_NODE, NULL);
	assert_int_not_equal(v, 0);
	assert_int_equal(__vmalloc_node_range(m, 4096, 1, VSTART + (1UL << 30),
					      VSTART + (1UL << 30) + 0x2000, GFP_KERNEL,
					      __PAGE_KERNEL, 0, NUMA_NO_NODE, NULL), 0);
	assert_true(dmesg_has(m, "vmalloc_node_range for size 8192 failed: Address range restricted"));
	vfree(m, v);
	mmsim_vmalloc_purge(m);
	check_machine(m);
	mmsim_shutdown(m);
}

/* Take every free page, then give back every other one: no order-1 block is left. */
static void fragment(struct machine *m, int64_t **held, size_t *nheld)
{
	size_t cap = 1 << 16, n = 0;
	int64_t *all = malloc(cap * sizeof(*all)), pfn;

	/* Then the reserves: atomic, and below the watermarks (__GFP_MEMALLOC). */
	for (int pass = 0; pass < 3; pass++) {
		unsigned int gfp = (pass == 0 ? GFP_KERNEL : pass == 1 ? GFP_ATOMIC :
				    GFP_ATOMIC | __GFP_MEMALLOC) | __GFP_NOWARN;

		while ((pfn = mmsim_alloc_pages(m, gfp, 0)) >= 0) {
			if (n == cap)
				all = realloc(all, (cap *= 2) * sizeof(*all));
			all[n++] = pfn;
		}
	}
	*nheld = 0;
	for (size_t k = 0; k < n; k++) {
		if (all[k] & 1)
			assert_int_equal(mmsim_free_pages(m, (uint64_t)all[k], 0), 0);
		else
			all[(*nheld)++] = all[k];
	}
	*held = all;
}

static void test_fragmented_memory(void **state)
{
	struct machine *m = test_boot("mem=128M cpus=2");
	int64_t *held, prev = -1;
	size_t nheld, runs = 0;
	uint64_t v, kv;

	(void)state;
	fragment(m, &held, &nheld);
	/* Physically contiguous 64 KiB is gone... */
	assert_int_equal(mmsim_alloc_pages(m, GFP_KERNEL | __GFP_NOWARN, 4), -ENOMEM);
	assert_int_equal(mmsim_kmalloc(m, 64 << 10, GFP_KERNEL | __GFP_NOWARN), 0);
	/* ...but 4 MiB of virtually contiguous memory is there. */
	v = mmsim_vmalloc(m, 4 << 20);
	assert_int_not_equal(v, 0);
	for (int p = 0; p < 1024; p++) {
		int64_t pfn = mmsim_vmalloc_to_pfn(m, v + (uint64_t)p * 4096);

		assert_true(pfn > 0);
		runs += pfn != prev + 1;
		prev = pfn;
	}
	assert_int_equal(runs, 1024);	/* no two frames adjacent */
	/* kvmalloc falls back the same way. */
	kv = mmsim_kvmalloc(m, 64 << 10, GFP_KERNEL);
	assert_true(kv >= VSTART && kv < 0xffffe90000000000UL);
	assert_int_equal(count_lines_with(m, "mmsim_kvmalloc+0x5b/0xa0 pages=16 vmalloc"), 1);
	check_machine(m);
	assert_int_equal(mmsim_kvfree(m, kv), 0);
	assert_int_equal(mmsim_vfree(m, v), 0);
	for (size_t k = 0; k < nheld; k++)
		assert_int_equal(mmsim_free_pages(m, (uint64_t)held[k], 0), 0);
	free(held);
	mmsim_vmalloc_purge(m);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- formats ---- */

#define LINE_RE "^0x[0-9a-f]{16}-0x[0-9a-f]{16} [ 0-9]{6}[0-9]( [A-Za-z_.0-9]+\\+0x[0-9a-f]+/0x[0-9a-f]+)?" \
		"( pages=[0-9]+)?( phys=0x[0-9a-f]{16})?( ioremap)?( sparse)?( vmalloc)?( vmap)?( user)?" \
		"( dma-coherent)?( vpages)?( N[0-9]+=[0-9]+)*$|^0x[0-9a-f]{16}-0x[0-9a-f]{16} [ 0-9]{6}[0-9] " \
		"(unpurged vm_area|vm_map_ram)$"

static void check_format(regex_t *re, const char *text, bool host)
{
	struct lines l = split_lines(text);

	for (int k = 0; k < l.n; k++) {
		if (!*l.v[k] && k == l.n - 1)
			break;
		if (regexec(re, l.v[k], 0, NULL, 0))
			fail_msg("%s line does not parse: '%s'", host ? "host" : "mmsim", l.v[k]);
	}
	free_lines(&l);
}

static void test_vmallocinfo_format(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=4 nodes=2");
	uint64_t a = mmsim_vmalloc(m, 3 << 20), u = mmsim_vmalloc_user(m, 8192), b;
	int64_t pfn = mmsim_alloc_pages(m, GFP_KERNEL, 1);
	uint64_t pfns[2] = { (uint64_t)pfn, (uint64_t)pfn + 1 };
	uint64_t vm = mmsim_vmap(m, pfns, 2);
	regex_t re;
	char *t, *host;

	(void)state;
	b = mmsim_vmalloc(m, 4096);
	assert_int_equal(mmsim_vfree(m, b), 0);
	assert_int_equal(regcomp(&re, LINE_RE, REG_EXTENDED | REG_NOSUB), 0);
	t = test_proc(m, "vmallocinfo");
	check_format(&re, t, false);
	/* 768 pages: the page array (6 KiB) is vmalloc'ed too, flagged vpages. */
	assert_non_null(strstr(t, " 3149824 mmsim_vmalloc+0x1e/0x40 pages=768 vmalloc vpages N"));
	assert_non_null(strstr(t, "   12288 mmsim_vmalloc_user+0x1e/0x40 pages=2 vmalloc user N"));
	assert_non_null(strstr(t, "    12288 mmsim_vmap+0xb4/0x130 vmap\n") ||
			strstr(t, "   12288 mmsim_vmap+0xb4/0x130 vmap\n"));
	assert_non_null(strstr(t, "    8192 unpurged vm_area\n"));
	/* Two nodes with memory: the idle stacks of CPUs 2 and 3 are on node 1. */
	assert_int_equal(count_lines_with(m, "fork_idle+0x9e/0x150 pages=4 vmalloc N1=4"), 2);
	free(t);
	host = read_text_file("/proc/vmallocinfo");
	if (host && host_is_reference())
		check_format(&re, host, true);
	free(host);
	regfree(&re);
	assert_int_equal(mmsim_vunmap(m, vm), 0);
	assert_int_equal(mmsim_free_pages(m, (uint64_t)pfn, 1), 0);
	assert_int_equal(mmsim_vfree(m, u), 0);
	assert_int_equal(mmsim_vfree(m, a), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_meminfo_and_vmap(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	long used0 = meminfo_kb(m, "VmallocUsed:");
	int64_t pfn = mmsim_alloc_pages(m, GFP_KERNEL, 2);
	uint64_t pfns[4] = { (uint64_t)pfn + 3, (uint64_t)pfn, (uint64_t)pfn + 2, (uint64_t)pfn + 1 };
	uint64_t v = mmsim_vmap(m, pfns, 4), bad[1] = { 12345 };
	char buf[8] = "";

	(void)state;
	assert_int_not_equal(v, 0);
	/* vmap'ed pages are the caller's: not VmallocUsed. */
	assert_int_equal(meminfo_kb(m, "VmallocUsed:"), used0);
	assert_int_equal(mmsim_vmalloc_to_pfn(m, v), pfn + 3);
	/* Written through the vmap alias, read through the direct map. */
	assert_int_equal(mmsim_kernel_write(m, 0, v + 4096 + 100, "alias", 5), 0);
	assert_int_equal(mmsim_kernel_read(m, 0, PAGE_OFFSET_X86_64 + ((uint64_t)pfn << 12) + 100,
					   buf, 5), 0);
	assert_string_equal(buf, "alias");
	assert_int_equal(mmsim_vmap(m, bad, 1), 0);	/* not the caller's page */
	assert_int_equal(mmsim_vfree(m, v), -EINVAL);	/* vunmap's, not vfree's */
	assert_int_equal(mmsim_vunmap(m, v), 0);
	check_machine(m);
	assert_int_equal(mmsim_free_pages(m, (uint64_t)pfn, 2), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_kvmalloc_choice(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	uint64_t small = mmsim_kvmalloc(m, 100, GFP_KERNEL);
	uint64_t big = mmsim_kvmalloc(m, 1 << 20, GFP_KERNEL);
	uint64_t zero = mmsim_kvmalloc(m, 0, GFP_KERNEL);

	(void)state;
	assert_true(small >= PAGE_OFFSET_X86_64 && small < VSTART);	/* kmalloc-128 */
	assert_true(big >= PAGE_OFFSET_X86_64 && big < VSTART);	/* order-8 pages */
	assert_int_equal(zero, 16);	/* ZERO_SIZE_PTR */
	assert_int_equal(mmsim_kvfree(m, small), 0);
	assert_int_equal(mmsim_kfree(m, big), 0);	/* kfree takes it too */
	assert_int_equal(mmsim_kvfree(m, big), -EINVAL);	/* double free refused */
	/* Non-blocking: no vmalloc fallback (it may sleep). */
	assert_int_equal(mmsim_kvmalloc(m, 1UL << 31, GFP_ATOMIC | __GFP_NOWARN), 0);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_huge_mapping(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	unsigned long v = __vmalloc_node_range(m, 4 << 20, 1, m->vmap.start, m->vmap.end,
					       GFP_KERNEL, __PAGE_KERNEL, VM_ALLOW_HUGE_VMAP,
					       NUMA_NO_NODE, NULL);
	pmd_t *pmd;
	char buf[4] = "";

	(void)state;
	assert_int_not_equal(v, 0);
	assert_int_equal(v & (PMD_SIZE - 1), 0);	/* 2 MiB aligned */
	pmd = walk_pmd(m->init_mm, v);
	assert_non_null(pmd);
	assert_true(pmd_leaf(*pmd));
	assert_ptr_equal(vmalloc_to_page(m, v + 5 * 4096), pfn_to_page(m, pmd_pfn(*pmd) + 5));
	assert_int_equal(find_vm_area(m, v)->page_order, 9);
	assert_int_equal(mmsim_kernel_write(m, 0, v + (3 << 20), "big", 3), 0);
	assert_int_equal(mmsim_kernel_read(m, 0, v + (3 << 20), buf, 3), 0);
	assert_string_equal(buf, "big");
	check_machine(m);
	vfree(m, v);
	mmsim_vmalloc_purge(m);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- vmalloc_fault, pti ---- */

static void test_vmalloc_fault_mode(void **state)
{
	/* One CPU: no idle stack, so no vmalloc PGD entry exists at boot. */
	struct machine *m = test_boot("mem=256M cpus=1 vmalloc_fault=1");
	int early = mmsim_spawn(m, "early"), late;
	uint64_t v;
	char buf[4] = "";
	struct mmsim_counter c[400];
	size_t n;
	bool seen = false;

	(void)state;
	assert_int_equal(info(m).pgtable_pud, 0);	/* nothing preallocated */
	v = mmsim_vmalloc(m, 8192);
	assert_true(pgd_present(m->init_mm->pgd[402]));
	assert_true(pgd_none(find_task_by_pid(m, early)->mm->pgd[402]));
	check_machine(m);	/* a lagging vmalloc entry is allowed in this mode */
	/* The first kernel access on the early process's pgd faults and copies it. */
	assert_int_equal(mmsim_kernel_write(m, early, v, "ok", 2), 0);
	assert_int_equal(info(m).vmalloc_faults, 1);
	assert_true(pgd_present(find_task_by_pid(m, early)->mm->pgd[402]));
	assert_int_equal(mmsim_kernel_read(m, early, v, buf, 2), 0);
	assert_int_equal(info(m).vmalloc_faults, 1);
	/* A process created later copies the entry at pgd_alloc. */
	late = mmsim_spawn(m, "late");
	assert_int_equal(mmsim_kernel_read(m, late, v, buf, 2), 0);
	assert_int_equal(info(m).vmalloc_faults, 1);
	n = mmsim_vmstat(m, c, 400);
	for (size_t k = 0; k < n; k++)
		if (!strcmp(c[k].name, "vmalloc_fault")) {
			assert_int_equal(c[k].value, 1);
			seen = true;
		}
	assert_true(seen);
	check_machine(m);
	mmsim_shutdown(m);

	/* Modern mode: the same sequence never faults, and vmstat has no such line. */
	m = test_boot("mem=256M cpus=1");
	early = mmsim_spawn(m, "early");
	v = mmsim_vmalloc(m, 8192);
	assert_int_equal(mmsim_kernel_write(m, early, v, "ok", 2), 0);
	assert_int_equal(info(m).vmalloc_faults, 0);
	n = mmsim_vmstat(m, c, 400);
	for (size_t k = 0; k < n; k++)
		assert_string_not_equal(c[k].name, "vmalloc_fault");
	mmsim_shutdown(m);
}

static void test_pti_and_context_switch(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2 pti=1");
	int a = mmsim_spawn(m, "a"), b = mmsim_spawn(m, "b");
	uint64_t v = mmsim_vmalloc(m, 3 * 4096);
	char buf[4] = "";

	(void)state;
	assert_int_equal(mmsim_kernel_write(m, a, v, "pti", 3), 0);
	assert_int_equal(mmsim_kernel_read(m, b, v, buf, 3), 0);
	assert_string_equal(buf, "pti");
	check_machine(m);
	assert_int_equal(mmsim_vfree(m, v), 0);
	check_machine(m);
	mmsim_vmalloc_purge(m);
	assert_int_equal(mmsim_kernel_read(m, a, v, buf, 3), -EFAULT);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- bad input ---- */

static void test_api_errors(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	uint64_t v = mmsim_vmalloc(m, 4096);
	char buf[4];
	int pid = mmsim_spawn(m, "p");

	(void)state;
	assert_int_equal(mmsim_vmalloc(m, 0), 0);
	assert_int_equal(mmsim_vmalloc_node(m, 4096, 7), 0);
	assert_int_equal(mmsim_vfree(m, 0), 0);
	assert_int_equal(mmsim_vfree(m, 12345), -EINVAL);
	assert_int_equal(mmsim_vfree(m, v + 4096), -EINVAL);
	assert_int_equal(mmsim_vfree(m, VSTART), -EINVAL);	/* the idle stack is not ours */
	assert_int_equal(mmsim_vunmap(m, v), -EINVAL);
	assert_int_equal(mmsim_vfree(m, v), 0);
	assert_int_equal(mmsim_vfree(m, v), -EINVAL);	/* double free */
	assert_int_equal(mmsim_kernel_read(m, 0, 0x400000, buf, 1), -EINVAL);	/* user address */
	assert_int_equal(mmsim_kernel_read(m, 999, VSTART, buf, 1), -ESRCH);
	assert_int_equal(mmsim_kernel_read(m, pid, 0xffffe90000000000UL, buf, 4), -EFAULT);
	assert_int_equal(mmsim_vmalloc_to_pfn(m, 0x400000), -EFAULT);
	check_machine(m);
	mmsim_shutdown(m);
}

/* ---- fault injection ---- */

static void test_fault_injection(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=2");
	struct kmem_cache *k96 = m->kmalloc_caches[KMALLOC_NORMAL][1];
	long free0, va0, kv0;
	int failed = 0;

	(void)state;
	/* Warm up: tables and slabs exist, so a clean failure returns to this state. */
	assert_int_equal(mmsim_vfree(m, mmsim_vmalloc(m, 40 << 10)), 0);
	mmsim_vmalloc_purge(m);
	drain_all_pages(m, NULL);
	free0 = test_free_pages(m);
	va0 = slab_active(m, m->vmap.area_cachep);
	kv0 = slab_active(m, k96);
	for (const char *kind = "page"; kind; kind = strcmp(kind, "page") ? NULL : "slab") {
		for (unsigned long nth = 1; nth <= 14; nth++) {
			uint64_t v;

			assert_int_equal(mmsim_fail_nth(m, kind, nth, 0), 0);
			v = mmsim_vmalloc(m, 40 << 10);
			assert_int_equal(mmsim_fail_nth(m, kind, 0, 0), 0);
			failed += !v;
			check_machine(m);
			if (v)
				assert_int_equal(mmsim_vfree(m, v), 0);
			mmsim_vmalloc_purge(m);
			check_machine(m);
			drain_all_pages(m, NULL);
			assert_int_equal(test_free_pages(m), free0);
			assert_int_equal(info(m).used_pages, 4);
			assert_int_equal(info(m).nr_areas, 1);
			(void)va0;
			(void)kv0;
		}
	}
	assert_true(failed >= 10);
	assert_true(dmesg_has(m, "vmalloc error: size 40960, failed to allocate pages"));
	mmsim_shutdown(m);
}

/* ---- a random sweep ---- */

static void test_random_sweep(void **state)
{
	struct machine *m = test_boot("mem=256M cpus=4");
	uint64_t live[64] = { 0 };
	uint64_t rng = 42;

	(void)state;
	for (int step = 0; step < 600; step++) {
		int slot;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		slot = (int)(rng % 64);
		m->cpu = (int)((rng >> 8) % 4);	/* vmap nodes follow the CPU */
		if (live[slot]) {
			assert_int_equal(mmsim_vfree(m, live[slot]), 0);
			live[slot] = 0;
		} else {
			uint64_t size = ((rng >> 16) % 300 + 1) * 4096 - (rng >> 40) % 4096;

			live[slot] = mmsim_vmalloc(m, size);
			assert_int_not_equal(live[slot], 0);
		}
		if (step % 50 == 0) {
			check_machine(m);
			if (step % 200 == 0)
				mmsim_vmalloc_purge(m);
		}
	}
	for (int k = 0; k < 64; k++)
		if (live[k])
			assert_int_equal(mmsim_vfree(m, live[k]), 0);
	mmsim_vmalloc_purge(m);
	check_machine(m);
	assert_int_equal(info(m).nr_areas, 3);	/* the idle stacks */
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_layout),
		cmocka_unit_test(test_five_levels),
		cmocka_unit_test(test_alloc_free_round_trip),
		cmocka_unit_test(test_vzalloc_and_data),
		cmocka_unit_test(test_guard_page_and_stale_tlb),
		cmocka_unit_test(test_lazy_purge_threshold),
		cmocka_unit_test(test_size_pools),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_fragmented_memory),
		cmocka_unit_test(test_vmallocinfo_format),
		cmocka_unit_test(test_meminfo_and_vmap),
		cmocka_unit_test(test_kvmalloc_choice),
		cmocka_unit_test(test_huge_mapping),
		cmocka_unit_test(test_vmalloc_fault_mode),
		cmocka_unit_test(test_pti_and_context_switch),
		cmocka_unit_test(test_api_errors),
		cmocka_unit_test(test_fault_injection),
		cmocka_unit_test(test_random_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
