/*
 * meminfo.c - /proc/meminfo (Linux's fs/proc/meminfo.c with
 * hugetlb_report_meminfo() and x86's arch_report_meminfo()).
 *
 * The field list is the host kernel's (Linux 6.18, x86-64, with ZSWAP and
 * THP, without CMA, memory failure or unaccepted memory), in its order.
 * Every figure is read from a counter or computed as Linux computes it;
 * features that do not exist yet read their (zero) counters, and the few
 * with no counter at all are marked where they are printed.
 *
 * Formats: "Name:" padded to 16 columns, the value right-aligned in 8, then
 * " kB" (show_val_kb); HugePages_* counts are "%-19s%5lu" without a unit.
 */
#include "internal.h"
#include "swap.h"
#include "vma.h"

#define VMALLOC_TOTAL_KB_X86_64	34359738367UL	/* 4-level: (32 TiB - 1) >> 10 */
#define HPAGE_SIZE_KB		2048UL

static unsigned long pages_to_kb(unsigned long pages)
{
	return pages << (PAGE_SHIFT - 10);
}

static void show_kb(struct seq_buf *s, const char *name, unsigned long kb)
{
	seq_printf(s, "%-16s%8lu kB\n", name, kb);
}

/* show_val_kb(): a page count printed in kB. */
static void show_val_kb(struct seq_buf *s, const char *name, unsigned long pages)
{
	show_kb(s, name, pages_to_kb(pages));
}

static unsigned long node_pages(struct machine *m, enum node_stat_item i)
{
	long v = global_node_page_state_pages(m, i);

	return v > 0 ? (unsigned long)v : 0;
}

static void show_lru(struct machine *m, struct seq_buf *s)
{
	unsigned long ia = node_pages(m, NR_INACTIVE_ANON);
	unsigned long aa = node_pages(m, NR_ACTIVE_ANON);
	unsigned long ifl = node_pages(m, NR_INACTIVE_FILE);
	unsigned long af = node_pages(m, NR_ACTIVE_FILE);

	show_val_kb(s, "Active:", aa + af);
	show_val_kb(s, "Inactive:", ia + ifl);
	show_val_kb(s, "Active(anon):", aa);
	show_val_kb(s, "Inactive(anon):", ia);
	show_val_kb(s, "Active(file):", af);
	show_val_kb(s, "Inactive(file):", ifl);
	show_val_kb(s, "Unevictable:", node_pages(m, NR_UNEVICTABLE));
	show_val_kb(s, "Mlocked:", (unsigned long)global_zone_page_state(m, NR_MLOCK));
}

static void show_top(struct machine *m, struct seq_buf *s)
{
	/* nr_blockdev_pages(): no block device page cache yet. */
	unsigned long buffers = 0;
	unsigned long swapcache = node_pages(m, NR_SWAPCACHE);
	long cached = (long)node_pages(m, NR_FILE_PAGES) - (long)swapcache - (long)buffers;
	long avail = si_mem_available(m);

	show_val_kb(s, "MemTotal:", m->totalram_pages);
	show_val_kb(s, "MemFree:", (unsigned long)global_zone_page_state(m, NR_FREE_PAGES));
	show_val_kb(s, "MemAvailable:", avail > 0 ? (unsigned long)avail : 0);
	show_val_kb(s, "Buffers:", buffers);
	show_val_kb(s, "Cached:", cached > 0 ? (unsigned long)cached : 0);
	show_val_kb(s, "SwapCached:", swapcache);
	show_lru(m, s);
	long freeswap, totalswap;

	si_swapinfo(m, &freeswap, &totalswap);	/* swap (issue 5) */
	show_val_kb(s, "SwapTotal:", (unsigned long)totalswap);
	show_val_kb(s, "SwapFree:", (unsigned long)freeswap);
	show_val_kb(s, "Zswap:", 0);	/* no zswap pool */
	show_val_kb(s, "Zswapped:", 0);
}

static void show_kernel(struct machine *m, struct seq_buf *s)
{
	unsigned long srecl = node_pages(m, NR_SLAB_RECLAIMABLE_B);
	unsigned long sunrecl = node_pages(m, NR_SLAB_UNRECLAIMABLE_B);

	show_val_kb(s, "Dirty:", node_pages(m, NR_DIRTY));
	show_val_kb(s, "Writeback:", node_pages(m, NR_WRITEBACK));
	show_val_kb(s, "AnonPages:", node_pages(m, NR_ANON_PAGES));
	show_val_kb(s, "Mapped:", node_pages(m, NR_FILE_MAPPED));
	show_val_kb(s, "Shmem:", node_pages(m, NR_SHMEM));
	show_val_kb(s, "KReclaimable:", srecl + node_pages(m, NR_KERNEL_MISC_RECLAIMABLE));
	show_val_kb(s, "Slab:", srecl + sunrecl);
	show_val_kb(s, "SReclaimable:", srecl);
	show_val_kb(s, "SUnreclaim:", sunrecl);
	show_kb(s, "KernelStack:", node_pages(m, NR_KERNEL_STACK_KB));	/* kept in kB */
	show_val_kb(s, "PageTables:", node_pages(m, NR_PAGETABLE));
	show_val_kb(s, "SecPageTables:", node_pages(m, NR_SECONDARY_PAGETABLE));
	show_val_kb(s, "NFS_Unstable:", 0);
	show_val_kb(s, "Bounce:", 0);
	show_val_kb(s, "WritebackTmp:", 0);
}

static void show_commit_vmalloc(struct machine *m, struct seq_buf *s)
{
	show_val_kb(s, "CommitLimit:", vm_commit_limit(m));
	show_val_kb(s, "Committed_AS:", vm_memory_committed(m));
	/* vmalloc (issue 7): VMALLOC_TOTAL >> 10; pages vmalloc itself allocated; 0 since 5.3. */
	show_kb(s, "VmallocTotal:", m->vmap.initialized ? vmalloc_total_bytes(m) >> 10
							: VMALLOC_TOTAL_KB_X86_64);
	show_val_kb(s, "VmallocUsed:", vmalloc_nr_pages(m));
	show_val_kb(s, "VmallocChunk:", 0);
	show_val_kb(s, "Percpu:", m->pcpu.nr_pages);
}

/* THP counters are kept in base pages, so kB is pages * 4 as in Linux. */
static void show_thp(struct machine *m, struct seq_buf *s)
{
	show_val_kb(s, "AnonHugePages:", node_pages(m, NR_ANON_THPS));
	show_val_kb(s, "ShmemHugePages:", node_pages(m, NR_SHMEM_THPS));
	show_val_kb(s, "ShmemPmdMapped:", node_pages(m, NR_SHMEM_PMDMAPPED));
	show_val_kb(s, "FileHugePages:", node_pages(m, NR_FILE_THPS));
	show_val_kb(s, "FilePmdMapped:", node_pages(m, NR_FILE_PMDMAPPED));
	show_val_kb(s, "Balloon:", node_pages(m, NR_BALLOON_PAGES));
}

/* hugetlb_report_meminfo() is mm/hugetlb.c's: the default pool and every size's total. */

/*
 * The direct map's page sizes, by a fixed rule standing in for x86's
 * init_memory_mapping(): the ISA range [0, 1M) whole, RAM up to 2 MiB, and the parts of each RAM
 * range (adjacent e820 RAM entries merged) before its first or after its
 * last 2 MiB boundary, are mapped with 4 KiB pages; the rest with 2 MiB
 * pages. No 1 GiB pages: the host CPU model here has no gbpages, so
 * DirectMap1G is not printed (as on the host). Later splits by
 * set_memory_*() are not modelled.
 */
static void direct_map_range(uint64_t a, uint64_t b, uint64_t *k4, uint64_t *m2)
{
	uint64_t head, tail;

	/* The ISA range [0, 1M) is mapped whole, at boot, by the caller. */
	a = ALIGN(max(a, (uint64_t)SZ_1M), (uint64_t)PAGE_SIZE);
	b = ALIGN_DOWN(b, (uint64_t)PAGE_SIZE);
	if (a >= b)
		return;
	if (a < SZ_2M) {
		uint64_t e = min(b, (uint64_t)SZ_2M);

		*k4 += e - a;
		a = e;
	}
	if (a >= b)
		return;
	head = min(ALIGN(a, (uint64_t)SZ_2M), b);
	tail = max(ALIGN_DOWN(b, (uint64_t)SZ_2M), head);
	*k4 += (head - a) + (b - tail);
	*m2 += tail - head;
}

static void arch_report_meminfo(struct machine *m, struct seq_buf *s)
{
	/* init_memory_mapping(0, ISA_END_ADDRESS): the first 1M, hole included, in 4k pages. */
	uint64_t k4 = SZ_1M, m2 = 0, start = 0, end = 0;

	for (int i = 0; i < m->nr_e820; i++) {
		const struct e820_entry *e = &m->e820[i];

		if (e->type != E820_RAM || !e->size)
			continue;
		if (end && e->addr == end) {
			end += e->size;
			continue;
		}
		if (end)
			direct_map_range(start, end, &k4, &m2);
		start = e->addr;
		end = e->addr + e->size;
	}
	if (end)
		direct_map_range(start, end, &k4, &m2);
	show_kb(s, "DirectMap4k:", (unsigned long)(k4 >> 10));
	show_kb(s, "DirectMap2M:", (unsigned long)(m2 >> 10));
}

void show_meminfo(struct machine *m, struct seq_buf *s)
{
	show_top(m, s);
	show_kernel(m, s);
	show_commit_vmalloc(m, s);
	show_thp(m, s);
	hugetlb_report_meminfo(m, s);
	arch_report_meminfo(m, s);
}
