/*
 * machine.h - struct machine: the whole simulated computer and its kernel's
 * global state. There are no other globals: two machines can live side by
 * side in one process (the tests do it), and a future multi-threaded driver
 * has one object to lock.
 *
 * The struct itself stands for the kernel image's .data/.bss (its size is
 * inside the kernel image that memblock reserves); every dynamic kernel
 * object - mem_map, node data, per-CPU areas, slabs, page tables - lives in
 * simulated frames.
 *
 * Physical memory: a memfd of max_pfn pages mapped at phys_base, so frame
 * pfn is at phys_base + pfn * PAGE_SIZE (the direct map, literal). The
 * vmemmap is a second host range, vmemmap[pfn] being pfn's struct page,
 * whose present sections are mapped onto the frames memblock reserved for
 * them (mm_init.c). Untouched frames cost the host nothing.
 */
#ifndef MMSIM_MACHINE_H
#define MMSIM_MACHINE_H

#include "memblock.h"
#include "mmzone.h"
#include "percpu.h"
#include "printk.h"
#include "slab.h"
#include "sysctl.h"
#include "timer.h"
#include "vmalloc.h"
#include "mempolicy_types.h"
#include "hugetlb.h"
#include "dcache.h"
#include "khugepaged.h"

struct disk;
struct files_struct;

#define MMSIM_MAX_SYSCTL_ARGS	64
#define MMSIM_MAX_E820		16
/* Swap devices (swap.h): 32 swap types less the 8 non-swap entry types of x86-64 6.x. */
#define MMSIM_MAX_SWAPFILES	24

enum mmsim_arch { ARCH_X86_64, ARCH_I386_PAE, ARCH_I386 };
enum rmap_mode { RMAP_SCAN, RMAP_PTE_CHAIN, RMAP_ANON_VMA, RMAP_ANON_VMA_CHAIN };
enum thp_mode { THP_ALWAYS, THP_MADVISE, THP_NEVER };

/* What the user asked for; validated by boot_config_check() before boot. */
struct boot_config {
	uint64_t mem_bytes;			/* installed memory */
	uint64_t node_mem[MAX_NUMNODES];	/* per node, or all 0: split evenly */
	int nr_nodes;
	int nr_cpus;
	uint64_t swap_bytes;
	int swap_prio;			/* --swap SIZE@PRIO; -1: the default (-2) */
	char disk[512];
	enum rmap_mode rmap;
	enum thp_mode thp;
	enum mmsim_arch arch;
	uint64_t seed;
	bool metadata_only;
	bool zero_page;			/* false: mimic a kernel without the shared zero page */
	bool pcid;			/* TLB entries tagged by PCID (default on) */
	bool pti;			/* KPTI: separate user/kernel tables, CR3 switch per syscall */
	int pgtable_levels;		/* 4 (47-bit user space) or 5 (56-bit) */
	bool debug_tlbflush;		/* show nr_tlb_* in vmstat (CONFIG_DEBUG_TLBFLUSH) */
	bool aslr;			/* randomize mmap_base/stack/brk from the seed */
	bool console;			/* echo the kernel log to stderr */
	uint64_t kernel_image_bytes;
	uint64_t movablecore_bytes;	/* ZONE_MOVABLE size in all (0: none) */
	uint64_t kernelcore_bytes;	/* or: everything above this is movable */
	int nr_sysctls;
	struct { char name[64]; char value[128]; } sysctl[MMSIM_MAX_SYSCTL_ARGS];
	/* vmalloc (issue 7) */
	bool vmalloc_fault;		/* pre-5.8 x86-64: sync vmalloc pgd entries on fault */
	/*
	 * NUMA node distances (--node-distance): none given (0), one remote
	 * distance for every pair (1), or the SLIT row by row (nodes^2 values
	 * in nr_distance_rows rows); 10 local / 20 remote by default.
	 */
	int nr_distances, nr_distance_rows;
	unsigned char distance[MAX_NUMNODES * MAX_NUMNODES];
	/* hugetlb (mm/hugetlb.c): hugepages=N per size, default_hugepagesz=1G */
	unsigned long hugepages[HUGE_MAX_HSTATE];	/* [HSTATE_2M], [HSTATE_1G] */
	unsigned long hugepages_default;	/* hugepages= before any hugepagesz=: the default size's */
	bool default_hugepagesz_1g;
	int hugepagesz_idx;		/* hugepages= applies to: 0 the default size, else 1 + HSTATE_* */
};

struct e820_entry {
	uint64_t addr, size;
	int type;			/* E820_RAM or E820_RESERVED */
};
#define E820_RAM	1
#define E820_RESERVED	2

/* Fault injection: fail the Nth allocation of a kind (1-based; 0 = off). */
enum fail_kind { FAIL_PAGE_ALLOC, FAIL_SLAB_ALLOC,
		 /* swap (issue 5): the Nth swap write / read gets -EIO */
		 FAIL_SWAP_WRITE, FAIL_SWAP_READ,
		 NR_FAIL_KINDS };
struct fault_inject {
	unsigned long nth[NR_FAIL_KINDS];	/* fail when count reaches this */
	unsigned long count[NR_FAIL_KINDS];	/* attempts seen since armed */
	unsigned long injected[NR_FAIL_KINDS];
	bool repeat[NR_FAIL_KINDS];		/* keep failing after the Nth */
};

struct machine {
	struct boot_config cfg;

	/* The hardware. */
	int memfd;
	unsigned char *phys_base;	/* frame 0; the direct map */
	size_t phys_bytes;
	struct page *vmemmap;		/* vmemmap[pfn] */
	size_t vmemmap_bytes;
	unsigned long max_pfn;		/* one past the highest frame */
	int nr_cpus;
	int cpu;			/* the simulated CPU running now */
	int nr_nodes;
	int cpu_to_node[MAX_CPUS];
	unsigned char node_distance[MAX_NUMNODES][MAX_NUMNODES];
	unsigned int zone_mask;		/* BIT(zone_type) for zones this arch has */
	int nr_e820;
	struct e820_entry e820[MMSIM_MAX_E820];

	/* Boot memory. */
	struct memblock memblock;
	uint64_t kernel_image_start;
	unsigned long memmap_boot_pages;	/* nr_memmap_boot_pages */
	unsigned long memmap_pages;		/* nr_memmap_pages (hotplug; 0) */
	unsigned char *section_present;		/* mem_section: 1 per present section */
	unsigned long nr_sections;
	unsigned long zone_movable_pfn[MAX_NUMNODES];	/* 0: no ZONE_MOVABLE */

	/* Nodes and zones. */
	pg_data_t *node_data[MAX_NUMNODES];
	unsigned long totalram_pages;
	unsigned long totalreserve_pages;

	/* Counters (exact: no per-CPU deltas, one host thread). */
	long vm_zone_stat[NR_VM_ZONE_STAT_ITEMS];
	long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
	long vm_node_stat[NR_VM_NODE_STAT_ITEMS];
	unsigned long vm_events[NR_VM_EVENT_ITEMS];

	struct vm_sysctls sysctl;
	struct pcpu_state pcpu;

	/* Slab. */
	struct list_head slab_caches;
	struct kmem_cache *kmem_cache;		/* the cache of caches */
	struct kmem_cache *kmem_cache_node;
	struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

	/* Processes (kernel/fork.c, mm/mmap.c): see sched.h. */
	struct list_head tasks;		/* live tasks by pid */
	int nr_tasks;
	int last_pid;			/* pid allocation: next is last_pid + 1, wrapping */
	unsigned long total_forks;	/* tasks ever created (total_forks): CPU round-robin */
	struct list_head mm_list;	/* every live mm (init_mm excluded) */
	uint64_t next_ctx_id;		/* mm->ctx_id source; 0 is init_mm */
	struct mm_struct *init_mm;	/* the kernel's mm: swapper_pg_dir */
	struct task_struct *current;	/* the task the simulated kernel runs for */
	unsigned long zero_pfn;		/* the shared zero page (empty_zero_page) */
	struct cpu_tlbstate *tlbstate;	/* [nr_cpus]: TLBs and loaded mm (mm/tlb.c) */
	unsigned long next_ino;		/* shmem inode numbers */
	long vm_committed_pages;	/* Committed_AS (vm_committed_as) */
	struct kmem_cache *mm_cachep;	/* "mm_struct" */
	struct kmem_cache *vm_area_cachep;	/* "vm_area_struct" */
	struct kmem_cache *task_cachep;	/* "task_struct" */
	struct kmem_cache *anon_vma_cachep;	/* "anon_vma" */
	struct kmem_cache *anon_vma_chain_cachep;	/* "anon_vma_chain" */
	unsigned long nr_anon_vmas;		/* live anon_vmas (rmap.c; validate_rmap) */
	unsigned long nr_anon_vma_chains;	/* live anon_vma_chains (rmap.c) */
	struct anon_vma *null_anon_vma;		/* rmap=pte_chain|scan: every VMA's */
	struct kmem_cache *pte_chain_cachep;	/* "pte_chain" (rmap=pte_chain) */
	void *pte_chain_reserve;		/* a block ready for the next mapping */
	unsigned long nr_pte_chains;		/* pte_chain blocks, reserve included */
	/* rmap work the simulated clock charges (api_clock.c), whatever the design */
	unsigned long rmap_object_ops;		/* rmap objects allocated or freed */
	unsigned long pte_chain_steps;		/* chain entries searched or moved */
	struct kmem_cache *filp_cachep;	/* "filp" */
	struct kmem_cache *shmem_inode_cachep;	/* "shmem_inode_cache" */
	struct kmem_cache *radix_tree_node_cachep;	/* "radix_tree_node" (xarray.c) */

	/* Time, randomness, log, checks. */
	uint64_t clock_ns;
	uint64_t rng_state;
	struct printk_ring log;
	struct fault_inject fail;
	unsigned long warned_alloc;	/* page allocation failure reports */
	struct api_registry *api;	/* what the public API handed out (api.c) */

	/* Simulated time (timer.h: kernel/timer.c, kernel/api_clock.c). */
	struct list_head timers;	/* pending sim_timers, by expiry then seq */
	uint64_t timer_seq;		/* arming order, for ties */
	bool in_timer;			/* a timer callback is running (clock_advance) */
	struct kernel_cpustat kcpustat[MAX_CPUS];	/* per-CPU time, switches */
	struct api_clock *api_clock;	/* samplers, the call being charged (host-side) */
	/* vmalloc (issue 7): mm/vmalloc.c's globals. */
	struct vmap_state vmap;

	/* NUMA memory policy (mm/mempolicy.c, mempolicy.h). */
	struct kmem_cache *policy_cachep;	/* "numa_policy" */
	struct kmem_cache *sn_cachep;		/* "shared_policy_node" */
	struct mempolicy default_policy;	/* local allocation; never freed */
	int policy_zone;			/* highest zone policies apply to */
	bool wi_manual;				/* weighted_interleave weights written */
	unsigned char iw_table[MAX_NUMNODES];	/* the weights once written */
	/* hugetlb pools (mm/hugetlb.c): Linux's hstates[] */
	struct hugetlb_state hugetlb;

	/* Load average (kernel/loadavg.c; /proc/loadavg), proctools. */
	unsigned long avenrun[3];	/* 1, 5, 15 minutes; FSHIFT fixed point */
	struct sim_timer calc_load_timer;	/* every LOAD_FREQ: calc_global_load */

	/* dcache (issue 5): mm/shrinker.c's shrinker_list, fs/dcache.c's globals. */
	struct list_head shrinker_list;		/* registered shrinkers, in order */
	struct dcache_state dcache;
	/* OOM killer (mm/oom_kill.c, oom.h). */
	bool oom_lock;			/* out_of_memory is running (oom_lock mutex) */
	struct ratelimit_sim {		/* DEFINE_RATELIMIT_STATE over simulated time */
		uint64_t begin_ns;
		int printed, missed;
	} oom_rs, pfoom_rs;
	bool oom_adj_warned;		/* the oom_adj deprecation line, once */
	/* Swap (issue 5, swap owner): mm/swapfile.c's globals (swap.h). */
	struct swap_info_struct *swap_info[MMSIM_MAX_SWAPFILES];
	int nr_swapfiles;			/* swap_info slots ever used */
	long nr_swap_pages;			/* free slots of writable devices */
	long total_swap_pages;			/* slots of writable devices */
	int least_priority;			/* the last default priority given */
	struct list_head swap_active_head;	/* devices on, by priority */
	struct list_head swap_avail_head;	/* devices with free slots, by priority */
	spinlock_t swap_lock;			/* LOCK_SWAP: the lists, nr_swap_pages */
	struct list_head shmem_swaplist;	/* shmem objects that have swapped */
	/* Files and the page cache (issue 5, filemap: src/fs/disk.c, inode.c, open.c). */
	struct disk *disk;			/* the host directory (host memory) */
	struct kmem_cache *inode_cachep;	/* "ext4_inode_cache" */
	struct list_head *inode_hash;		/* INODE_HASH_SIZE buckets, kmalloc'd */
	struct list_head inode_list;		/* every disk inode (sb->s_inodes) */
	struct list_head inode_lru;		/* unused inodes, oldest at the tail */
	unsigned long nr_inodes, nr_inodes_unused;
	struct files_struct *kernel_files;	/* the API's machine-wide descriptors */
	struct kmem_cache *files_cachep;	/* "files_cache" */
	/* vmscan (issue 5): per-CPU LRU batches (swap.c), reclaim context (vmscan.c) */
	void *lru_fbatches;		/* struct cpu_fbatches, percpu area */
	unsigned int memalloc_nest;	/* PF_MEMALLOC: reclaim is running, do not recurse */
	bool kswapd_running;		/* current_is_kswapd() */

	/* THP (issue 7): the khugepaged thread and its knobs (mm/khugepaged.c). */
	struct khugepaged_state khugepaged;
	/* writeback (issue 5): the disk's flusher and dirty throttling (writeback.h) */
	struct bdi_writeback *wb;
};

/* The pglist_data of node nid. */
#define NODE_DATA(m, nid) ((m)->node_data[nid])

static inline bool arch_has_zone(const struct machine *m, enum zone_type z)
{
	return m->zone_mask & (1u << z);
}

#define for_each_online_node(m, nid) for (nid = 0; nid < (m)->nr_nodes; nid++)
#define for_each_online_pgdat(m, pgdat, nid) \
	for (nid = 0; nid < (m)->nr_nodes && ((pgdat) = NODE_DATA(m, nid)); nid++)
#define for_each_cpu(m, c) for (c = 0; c < (m)->nr_cpus; c++)

/* Every zone the architecture has, populated or not, node by node. */
#define for_each_zone(m, zone, nid, zi)					\
	for (nid = 0; nid < (m)->nr_nodes; nid++)				\
		for (zi = 0; zi < MAX_NR_ZONES; zi++)				\
			if (!arch_has_zone(m, (enum zone_type)zi)) {} else	\
			if (((zone) = &NODE_DATA(m, nid)->node_zones[zi]), 0) {} else

/* Boot memory layout (mm/mm_init.c). */
int setup_memory(struct machine *m, char *err, size_t errlen);
void teardown_memory(struct machine *m);
/*
 * The deferral rule shared by memmap init and memblock_free_all(): a
 * MAX_ORDER-aligned block [pfn, pfn + MAX_ORDER_NR_PAGES) that lies wholly
 * inside one free memblock range and one zone is deferred (its struct pages
 * stay zero until page_alloc.c takes it from zone->deferred).
 */
static inline bool block_is_deferrable(unsigned long pfn, unsigned long range_start,
				       unsigned long range_end, unsigned long zone_start,
				       unsigned long zone_end)
{
	return (pfn & (MAX_ORDER_NR_PAGES - 1)) == 0 &&
	       pfn >= range_start && pfn + MAX_ORDER_NR_PAGES <= range_end &&
	       pfn >= zone_start && pfn + MAX_ORDER_NR_PAGES <= zone_end;
}

struct mmsim_config;
/* The boot_config inside a public mmsim_config (kernel/config.c). */
const struct boot_config *mmsim_config_boot(const struct mmsim_config *cfg);
void api_registry_free(struct machine *m);
/* vmalloc (issue 7), kernel/api.c: the registry for api_vmalloc.c. */
bool api_pages_owned(struct machine *m, uint64_t pfn);
void api_kmalloc_register(struct machine *m, uint64_t kaddr);
bool api_kmalloc_unregister(struct machine *m, uint64_t kaddr);

/* Boot options (kernel/config.c), boot and shutdown (kernel/boot.c). */
int boot_config_defaults(struct boot_config *cfg);
/* 0, or -EINVAL with a one-line reason naming the option in err. */
int boot_config_check(const struct boot_config *cfg, char *err, size_t errlen);
struct machine *machine_boot(const struct boot_config *cfg, char *err, size_t errlen);
void machine_shutdown(struct machine *m);
/* Run every validator; returns the number of problems (reported to the log). */
int machine_validate(struct machine *m);

/* Deterministic randomness from the seed (xorshift64*). */
uint64_t machine_random(struct machine *m);

#endif
