/*
 * khugepaged.h - the khugepaged kernel thread (Linux 6.18 mm/khugepaged.c):
 * it walks the address spaces registered with it and collapses 2 MiB
 * blocks of small anonymous pages into THPs, a few pages per wake-up.
 *
 * Here the thread is a kernel timer on the simulated clock (timer.h): one
 * firing is one khugepaged_do_scan pass of pages_to_scan pages, then it
 * sleeps scan_sleep_millisecs (alloc_sleep_millisecs after a failed
 * order-9 allocation); with no mm registered it sleeps until one is.
 *
 * An mm is registered (an mm slot, MMF_VM_HUGEPAGE) when one of its VMAs
 * becomes eligible (khugepaged_enter_vma: mmap, brk, MADV_HUGEPAGE, a THP
 * fault, fork of a registered mm) and leaves at exit or when a full pass
 * finds nothing eligible in it.
 *
 * Knobs: /sys/kernel/mm/transparent_hugepage/khugepaged/{pages_to_scan,
 * scan_sleep_millisecs, alloc_sleep_millisecs, max_ptes_none,
 * max_ptes_swap, max_ptes_shared, defrag} (read-write, Linux's bounds) and
 * {pages_collapsed, full_scans} (read-only).
 *
 * Invariants: an mm has MMF_VM_HUGEPAGE set exactly while it has one slot
 * on mm_head, and that slot holds an mm_count reference (mmgrab) dropped
 * when the slot goes; scan_slot is NULL or a slot on mm_head.
 */
#ifndef MMSIM_KHUGEPAGED_H
#define MMSIM_KHUGEPAGED_H

#include <stdbool.h>

#include "list.h"
#include "timer.h"

struct machine;
struct mm_struct;
struct seq_buf;
struct shrinker;
struct vm_area_struct;

/* One registered mm (struct khugepaged_mm_slot), kmalloc'd. */
struct khugepaged_mm_slot {
	struct list_head mm_node;
	struct mm_struct *mm;
};

/* khugepaged's globals (khugepaged_scan and the sysfs knobs), in struct machine. */
struct khugepaged_state {
	struct sim_timer timer;			/* the thread's next wake-up */
	struct list_head mm_head;		/* khugepaged_scan.mm_head */
	struct khugepaged_mm_slot *scan_slot;	/* khugepaged_scan.mm_slot */
	unsigned long scan_address;		/* khugepaged_scan.address */
	unsigned int pages_to_scan;
	unsigned int scan_sleep_millisecs;
	unsigned int alloc_sleep_millisecs;
	unsigned int max_ptes_none;
	unsigned int max_ptes_swap;
	unsigned int max_ptes_shared;
	bool defrag;
	unsigned long pages_collapsed;
	unsigned long full_scans;
	bool initialised;
	struct shrinker *deferred_split_shrinker;	/* huge_memory.c: "thp-deferred_split" */
};

/* Boot: the defaults (4096 pages, 10 s, 60 s, 511, 64, 256, defrag 1). */
void khugepaged_init(struct machine *m);

/* A VMA became eligible (or may have): register its mm (khugepaged_enter_vma). */
void khugepaged_enter_vma(struct vm_area_struct *vma, unsigned long vm_flags);
/* fork: the child is registered if the parent is (khugepaged_fork). */
void khugepaged_fork(struct mm_struct *mm, struct mm_struct *oldmm);
/* exit_mmap: the mm leaves the list (khugepaged_exit). */
void khugepaged_exit(struct mm_struct *mm);

/* One khugepaged_do_scan pass now (what a wake-up runs); the pages scanned. */
unsigned long khugepaged_do_scan(struct machine *m);

/*
 * /sys/kernel/mm/transparent_hugepage/: rel is the path below it
 * ("enabled", "hpage_pmd_size", "khugepaged/pages_to_scan", ...). 0 or
 * -errno (-ENOENT: no such file, -EACCES: read-only, -EINVAL: bad value).
 * Writing "never" to enabled stops khugepaged; leaving "never" starts it
 * and raises min_free_kbytes as Linux does.
 */
int thp_sysfs_read(struct machine *m, const char *rel, struct seq_buf *s);
int thp_sysfs_write(struct machine *m, const char *rel, const char *value);
/* page_alloc.c: set_recommended_min_free_kbytes. */
void khugepaged_set_min_free_kbytes(struct machine *m);

#endif
