/*
 * boot.c - start_kernel for a simulated machine: lay out memory, bring up
 * the allocators in Linux's order, apply the boot sysctls; and the reverse.
 *
 * Order (as init/main.c and mm_core_init): setup_arch (e820, memblock,
 * nodes, sparse vmemmap, zones, memmap) -> percpu first chunk -> per-CPU
 * pagesets -> memblock_free_all (the buddy allocator takes over) ->
 * zonelists -> watermarks -> slab -> processes (paging_init: init_mm and
 * the zero page; tlb_init: every CPU on init_mm; vmalloc_init: the vmap
 * trees and the preallocated vmalloc page tables; anon_vma_init;
 * proc_caches_init) -> sysctls. A failure at any step unwinds everything:
 * boot either yields a consistent machine or a clear one-line error.
 * Shutdown reverses it: every task exits while the allocators still work,
 * then the MMU goes, then memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "huge_mm.h"
#include "khugepaged.h"
#include "mm.h"
#include "pagemap.h"
#include "api_clock.h"
#include "memory.h"
#include "mempolicy.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "swap.h"
#include "tlbflush.h"
#include "vma.h"
#include "xarray.h"
#include "vmscan.h"

uint64_t machine_random(struct machine *m)
{
	/* xorshift64*: deterministic from the seed, never 0. */
	uint64_t x = m->rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	m->rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static size_t percpu_static_size(const struct machine *m)
{
	return (size_t)m->nr_nodes * MAX_NR_ZONES * ALIGN(sizeof(struct per_cpu_pages), 64);
}

static void log_boot_banner(struct machine *m)
{
	int nid;

	printk(m, "Linux version 6.18.0-mmsim (mmsim %s) simulated machine", "0.1.0");
	printk(m, "BIOS-provided physical RAM map:");
	for (int i = 0; i < m->nr_e820; i++)
		printk(m, "BIOS-e820: [mem 0x%016llx-0x%016llx] %s",
		       (unsigned long long)m->e820[i].addr,
		       (unsigned long long)(m->e820[i].addr + m->e820[i].size - 1),
		       m->e820[i].type == E820_RAM ? "usable" : "reserved");
	for_each_online_node(m, nid) {
		pg_data_t *pgdat = NODE_DATA(m, nid);

		printk(m, "Initmem setup node %d [mem 0x%016llx-0x%016llx]", nid,
		       (unsigned long long)PFN_PHYS(pgdat->node_start_pfn),
		       (unsigned long long)PFN_PHYS(pgdat->node_start_pfn + pgdat->node_spanned_pages) - 1);
	}
}

static void log_memory_line(struct machine *m)
{
	unsigned long present = 0;
	int nid;

	for_each_online_node(m, nid)
		present += NODE_DATA(m, nid)->node_present_pages;
	printk(m, "Memory: %luK/%luK available (%lluK kernel image, %luK reserved, 0K cma-reserved)",
	       m->totalram_pages << (PAGE_SHIFT - 10), present << (PAGE_SHIFT - 10),
	       (unsigned long long)(m->cfg.kernel_image_bytes >> 10),
	       (present - m->totalram_pages) << (PAGE_SHIFT - 10));
}

static int apply_boot_sysctls(struct machine *m, char *err, size_t errlen)
{
	for (int i = 0; i < m->cfg.nr_sysctls; i++) {
		int ret = sysctl_set(m, m->cfg.sysctl[i].name, m->cfg.sysctl[i].value, err, errlen);

		if (ret)
			return ret;
	}
	return 0;
}

/*
 * What processes need (fork_init, anon_vma_init, paging_init's init_mm and
 * zero page, the CPUs' TLBs), once the slab allocator is up.
 */
static int processes_init(struct machine *m)
{
	/* vmalloc_init (issue 7) as in mm_core_init, once init_mm exists. */
	if (paging_init(m) || tlb_init(m) || vmalloc_init(m) || radix_tree_init(m) ||
	    anon_vma_init(m) || proc_caches_init(m) || numa_policy_init(m))
		return -ENOMEM;
	/* vmscan (issue 5): LRU batches and each node's kswapd */
	if (vmscan_init(m))
		return -ENOMEM;
	/* vmalloc (issue 7): smp_init's idle tasks leave their vmalloc'd stacks. */
	if (idle_threads_init(m))
		return -ENOMEM;
	/* dcache (issue 5): vfs_caches_init's dentry cache and its shrinker. */
	if (dcache_init(m))
		return -ENOMEM;
	return 0;
}

/* Every task exits while the allocators still work; then the MMU goes. */
static void processes_exit(struct machine *m)
{
	exit_all_tasks(m);
	vmscan_exit(m);		/* vmscan (issue 5): batches drained, kswapd stopped */
	dcache_exit(m);		/* dcache (issue 5) */
	files_exit(m);		/* issue 5, filemap: the kernel's files, the inodes, the disk */
	thp_shrinker_exit(m);	/* THP (issue 7) */
	vmalloc_exit(m);	/* vmalloc (issue 7) */
	tlb_exit(m);
	paging_exit(m);
}

struct machine *machine_boot(const struct boot_config *cfg, char *err, size_t errlen)
{
	struct machine *m;
	char dummy[256];

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (boot_config_check(cfg, err, errlen))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "host out of memory");
		return NULL;
	}
	m->cfg = *cfg;
	m->nr_cpus = cfg->nr_cpus;
	m->nr_nodes = cfg->nr_nodes;
	m->rng_state = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ULL;
	INIT_LIST_HEAD(&m->slab_caches);
	INIT_LIST_HEAD(&m->tasks);
	INIT_LIST_HEAD(&m->mm_list);
	INIT_LIST_HEAD(&m->shrinker_list);	/* dcache (issue 5) */
	swap_init(m);	/* swap (issue 5) */
	vm_sysctls_defaults(&m->sysctl);
	timer_init(m);
	calc_load_init(m);
	printk_ring_init(&m->log);
	m->log.console = cfg->console;

	if (setup_memory(m, err, errlen))
		goto fail;
	log_boot_banner(m);
	if (pcpu_setup_first_chunk(m, percpu_static_size(m))) {
		snprintf(err, errlen, "--mem: too small for the per-CPU areas of %d CPUs", m->nr_cpus);
		goto fail;
	}
	zone_pcp_init_all(m);
	hugetlb_bootmem_alloc(m);	/* 1 GiB pages before the buddy takes memory */
	memblock_free_all(m);
	m->memblock.retired = true;
	build_all_zonelists(m);
	init_per_zone_wmark_min(m);
	log_memory_line(m);
	if (kmem_cache_init(m)) {
		snprintf(err, errlen, "--mem: too small to create the kernel's slab caches");
		goto fail;
	}
	if (processes_init(m)) {
		snprintf(err, errlen, "--mem: too small for the kernel's page tables and "
			 "process caches");
		goto fail;
	}
	hugetlb_init(m);
	if (files_init(m, err, errlen))	/* issue 5, filemap: the disk and the file caches */
		goto fail;
	khugepaged_init(m);	/* THP: the khugepaged thread's state (issue 7) */
	thp_shrinker_init(m);	/* THP: the deferred split queue's shrinker */
	if (apply_boot_sysctls(m, err, errlen))
		goto fail;
	/* swap (issue 5): --swap SIZE[@PRIO] is a swap file at /swapfile */
	if (cfg->swap_bytes && sys_swapon(m, "/swapfile", cfg->swap_bytes, cfg->swap_prio)) {
		snprintf(err, errlen, "--swap: cannot set up the swap file (host or memory)");
		goto fail;
	}
	return m;
fail:
	machine_shutdown(m);
	return NULL;
}

void machine_shutdown(struct machine *m)
{
	if (!m)
		return;
	api_registry_free(m);
	api_clock_free(m);
	processes_exit(m);
	swap_exit(m);	/* swap (issue 5): the host files */
	calc_load_exit(m);
	timer_exit(m);
	hugetlb_exit(m);
	pcpu_teardown(m);
	teardown_memory(m);
	printk_ring_free(&m->log);
	free(m);
}

/* Counters that must add up, whatever the subsystem. */
static int validate_counters(struct machine *m)
{
	long free = 0, managed = 0;
	struct zone *zone;
	int nid, zi, problems = 0;

	for_each_zone(m, zone, nid, zi) {
		free += zone_page_state(zone, NR_FREE_PAGES);
		managed += (long)zone->managed_pages;
	}
	if (free != global_zone_page_state(m, NR_FREE_PAGES)) {
		printk(m, "validate: zone free pages %ld != global %ld", free,
		       global_zone_page_state(m, NR_FREE_PAGES));
		problems++;
	}
	if ((unsigned long)managed != m->totalram_pages) {
		printk(m, "validate: managed pages %ld != totalram %lu", managed, m->totalram_pages);
		problems++;
	}
	return problems;
}

/* Every address space's validators (vma.h, rmap.h, swap.h, tlbflush.h, memory.h). */
static int validate_processes(struct machine *m)
{
	struct mm_struct *mm;
	int problems = 0;

	if (!m->mm_list.next)
		return 0;
	list_for_each_entry(mm, &m->mm_list, mmlist)
		problems += validate_mm(mm) + validate_pgtables(mm);
	/*
	 * validate_user_pages visits every struct page (minutes at 1T): worth
	 * it only while address spaces exist.
	 */
	if (!list_empty(&m->mm_list))
		problems += validate_user_pages(m);
	problems += validate_rmap(m) + validate_lru(m);
	problems += validate_mempolicies(m);
	problems += validate_hugetlb(m);
	problems += validate_swap(m);	/* swap (issue 5) */
	problems += validate_page_cache(m);	/* issue 5, filemap */
	if (m->tlbstate)
		problems += validate_tlb(m);
	return problems;
}

int machine_validate(struct machine *m)
{
	return validate_counters(m) + validate_free_areas(m) + validate_slab_caches(m) +
	       validate_processes(m) +
	       validate_vmalloc(m) +	/* vmalloc (issue 7) */
	       validate_dcache(m);	/* dcache (issue 5) */
}
