/*
 * writeback.h - dirty limits, dirty throttling and the flusher
 * (Linux's mm/page-writeback.c and fs/fs-writeback.c for the one disk).
 *
 * The disk has one bdi_writeback (wb): its list of dirty inodes b_dirty
 * (newest at the head, oldest dirtied_when at the tail), the flusher's
 * delayed work (a timer on the simulated clock running wb_workfn), and the
 * pause balance_dirty_pages made the current API call sleep, which the
 * call's charge turns into iowait and clock time (kernel/api_clock.c).
 *
 * Invariants: an inode is on wb->b_dirty iff it has I_DIRTY_PAGES; its
 * dirtied_when is the jiffy it last went from clean to dirty. The flusher
 * timer is pending whenever b_dirty is not empty and
 * dirty_writeback_centisecs is not 0.
 */
#ifndef MMSIM_WRITEBACK_H
#define MMSIM_WRITEBACK_H

#include <stdint.h>

#include "fs.h"
#include "list.h"
#include "sched.h"
#include "timer.h"

struct machine;
struct page;

enum wb_reason { WB_REASON_BACKGROUND, WB_REASON_PERIODIC, WB_REASON_SYNC, NR_WB_REASONS };

struct bdi_writeback {
	struct machine *machine;
	struct list_head b_dirty;	/* dirty inodes, oldest at the tail */
	struct sim_timer dwork;		/* wb_workfn */
	unsigned long last_old_flush;	/* jiffies of the last periodic (kupdate) pass */
	bool start_background;		/* background writeback asked for (WB_start_all-like) */
	bool dirty_exceeded;		/* a writer found dirty above the hard limit */
	unsigned long write_bandwidth;	/* pages per second the disk writes */
	uint64_t pause_ns;		/* writer sleep not yet charged to the API call */
	uint64_t total_pause_ns;	/* every writer sleep so far */
	unsigned long nr_written[NR_WB_REASONS];	/* pages the flusher wrote, by reason */
	struct dirty_throttle_state kernel_dts;	/* writers with no task (machine-wide files) */
};

/* Boot/shutdown of the disk's wb (from files_init/files_exit). */
int wb_init(struct machine *m);
void wb_exit(struct machine *m);

/* mm/page-writeback.c: the thresholds of /proc/vmstat, in pages. */
void global_dirty_limits(struct machine *m, unsigned long *pbackground, unsigned long *pdirty);

/*
 * folio_account_dirtied: a disk file's folio went clean -> dirty (called by
 * folio_mark_dirty after the dirty counters): nr_dirtied, the writer's
 * throttle count, and the inode onto b_dirty (__mark_inode_dirty).
 */
void folio_account_dirtied(struct machine *m, struct page *folio, struct address_space *mapping);
/* The inode has no dirty pages left: off b_dirty, I_DIRTY_PAGES cleared. */
void inode_io_list_del(struct machine *m, struct inode *inode);
/* A writeback error on mapping: recorded in its errseq for fsync/msync. */
void mapping_set_error(struct address_space *mapping, int err);
/* The errseq sample a new open file description starts from. */
errseq_t filemap_sample_wb_err(struct address_space *mapping);

/*
 * balance_dirty_pages_ratelimited: a buffered writer dirtied pages of
 * mapping; every nr_dirtied_pause pages, check the dirty limits: above
 * the background threshold kick the flusher, above the freerun ceiling
 * sleep (the pause is added to wb->pause_ns, the disk writes meanwhile).
 */
void balance_dirty_pages_ratelimited(struct machine *m, struct address_space *mapping);
/* The pause to charge to the API call now ending; zeroes it. */
uint64_t wb_take_pause_ns(struct machine *m);

/* Flush every dirty inode now (sync(2)'s first half, drop_caches' helpers); pages written. */
unsigned long wakeup_flusher_threads_sync(struct machine *m);

/* vm.dirty_* sysctl apply hooks (kernel/sysctl.c). */
int dirty_background_ratio_handler(struct machine *m);
int dirty_background_bytes_handler(struct machine *m);
int dirty_ratio_handler(struct machine *m);
int dirty_bytes_handler(struct machine *m);
int dirty_writeback_centisecs_handler(struct machine *m);

#endif
