/*
 * page-writeback.c - dirty limits, dirty throttling and the flusher of the
 * one disk (Linux's mm/page-writeback.c with fs/fs-writeback.c's
 * wb_workfn, for a single bdi_writeback; see writeback.h).
 *
 * Limits (domain_dirty_limits for the global domain): dirtyable memory is
 * free pages above the reserves plus the file LRU (+1); vm.dirty_bytes /
 * dirty_background_bytes win over the ratios when set; ratios are taken in
 * per-PAGE_SIZE units first; a background threshold at or above the hard
 * one becomes half of it. mmsim has no real-time tasks, so the rt boost
 * never applies.
 *
 * The flusher: wb->dwork is a timer on the simulated clock. The first
 * inode to get dirty arms it dirty_writeback_centisecs ahead
 * (wb_wakeup_delayed); each run (wb_workfn) does the queued background
 * work, then the periodic pass writing every inode dirtied at least
 * dirty_expire_centisecs ago, oldest first, then background writeback
 * while NR_FILE_DIRTY is above the background threshold, and re-arms
 * itself while dirty inodes remain. Writes go through folio_write_one,
 * MIN_WRITEBACK_PAGES at a time per inode (Linux's chunk floor). The
 * flusher's own I/O takes no simulated time: timers run in time already
 * elapsed (timer.h).
 *
 * Throttling (balance_dirty_pages): checked every nr_dirtied_pause pages
 * a task dirties. Below the freerun ceiling ((thresh + bg_thresh) / 2)
 * nothing happens except kicking background writeback above bg_thresh.
 * Above it the writer sleeps for pages_dirtied / task_ratelimit, where
 * task_ratelimit = the disk's bandwidth * pos_ratio, pos_ratio Linux's
 * cubic global control line (1 at the setpoint halfway between freerun
 * and the limit, 0 at the limit), capped at MAX_PAUSE (200 ms). The
 * bandwidth is fixed at Linux's initial estimate (INIT_BW, 100 MB/s):
 * mmsim does not estimate it nor the balanced dirty ratelimit, and has no
 * per-wb control line (one disk: the global line decides). While the
 * writer sleeps, the disk writes bandwidth * pause pages of background
 * writeback (so a writer at the limit drains dirty memory at disk speed);
 * the sleep is charged to the API call as iowait (api_clock.c).
 *
 * Writeback is synchronous (folio_write_one): PG_writeback / NR_WRITEBACK
 * (meminfo Writeback) are set only while one host write runs, so they
 * read 0 between API calls; nr_written counts every page that finished.
 *
 * Writeback errors are recorded in the inode's errseq_t (mapping_set_error)
 * and reported once per open file description (errseq.h).
 *
 * Locks: none of its own; wb_workfn runs from the timer with no lock held.
 */
#include <errno.h>
#include <limits.h>

#include "fs.h"
#include "mm.h"
#include "pagemap.h"
#include "sched.h"
#include "swap.h"
#include "vmstat.h"
#include "writeback.h"
#include "xarray.h"

#define INIT_BW			(100UL << (20 - PAGE_SHIFT))	/* pages/s: 100 MB/s */
#define MAX_PAUSE_NS		(NSEC_PER_SEC / 5)		/* HZ / 5 */
#define MIN_WRITEBACK_PAGES	(4096UL >> (PAGE_SHIFT - 10))	/* 1024 */
#define DIRTY_POLL_INIT		(128 >> (PAGE_SHIFT - 10))	/* 32 pages */
#define DIRTY_EXCEEDED_POLL	(32 >> (PAGE_SHIFT - 10))	/* 8 pages */
#define RATELIMIT_CALC_SHIFT	10

static struct bdi_writeback *machine_wb(struct machine *m)
{
	return m->wb;
}

static unsigned long centisecs_to_jiffies(int cs)
{
	return (unsigned long)cs * HZ / 100;
}

/* ---------------------------------------------------------------------- */
/* Dirty limits                                                            */
/* ---------------------------------------------------------------------- */

static unsigned long highmem_dirtyable_memory(struct machine *m, unsigned long total)
{
	unsigned long x = 0;
	int nid;

	if (!arch_has_zone(m, ZONE_HIGHMEM))
		return 0;
	for_each_online_node(m, nid) {
		struct zone *z = &NODE_DATA(m, nid)->node_zones[ZONE_HIGHMEM];
		unsigned long nr = (unsigned long)zone_page_state(z, NR_FREE_PAGES);

		nr -= min(nr, high_wmark_pages(z));
		nr += (unsigned long)zone_page_state(z, NR_ZONE_INACTIVE_FILE);
		nr += (unsigned long)zone_page_state(z, NR_ZONE_ACTIVE_FILE);
		x += nr;
	}
	return min(x, total);
}

/* Free pages above the reserves plus the file LRU: what may become dirty. */
static unsigned long global_dirtyable_memory(struct machine *m)
{
	unsigned long x = (unsigned long)global_zone_page_state(m, NR_FREE_PAGES);

	x -= min(x, m->totalreserve_pages);
	x += (unsigned long)global_node_page_state(m, NR_INACTIVE_FILE);
	x += (unsigned long)global_node_page_state(m, NR_ACTIVE_FILE);
	x -= highmem_dirtyable_memory(m, x);	/* vm_highmem_is_dirtyable = 0 */
	return x + 1;				/* never 0 */
}

static void domain_dirty_limits(struct machine *m, unsigned long avail,
				unsigned long *pbg, unsigned long *pthresh)
{
	const struct vm_sysctls *s = &m->sysctl;
	unsigned long ratio = ((unsigned long)s->dirty_ratio * PAGE_SIZE) / 100;
	unsigned long bg_ratio = ((unsigned long)s->dirty_background_ratio * PAGE_SIZE) / 100;
	unsigned long thresh, bg_thresh;

	if (s->dirty_bytes)
		thresh = DIV_ROUND_UP((unsigned long)s->dirty_bytes, PAGE_SIZE);
	else
		thresh = ratio * avail / PAGE_SIZE;
	if (s->dirty_background_bytes)
		bg_thresh = DIV_ROUND_UP((unsigned long)s->dirty_background_bytes, PAGE_SIZE);
	else
		bg_thresh = bg_ratio * avail / PAGE_SIZE;
	if (bg_thresh >= thresh)
		bg_thresh = thresh / 2;
	*pbg = bg_thresh;
	*pthresh = thresh;
}

void global_dirty_limits(struct machine *m, unsigned long *pbackground, unsigned long *pdirty)
{
	domain_dirty_limits(m, global_dirtyable_memory(m), pbackground, pdirty);
}

static unsigned long nr_file_dirty(struct machine *m)
{
	return (unsigned long)global_node_page_state(m, NR_DIRTY);
}

static bool wb_over_bg_thresh(struct machine *m)
{
	unsigned long bg, thresh;

	global_dirty_limits(m, &bg, &thresh);
	return nr_file_dirty(m) > bg;
}

/* ---------------------------------------------------------------------- */
/* Dirty inodes                                                            */
/* ---------------------------------------------------------------------- */

static void wb_wakeup_delayed(struct bdi_writeback *wb)
{
	struct machine *m = wb->machine;
	int cs = m->sysctl.dirty_writeback_centisecs;

	if (!cs || timer_pending(&wb->dwork))
		return;
	mod_timer(&wb->dwork, m->clock_ns + (uint64_t)cs * 10 * NSEC_PER_MSEC);
}

/* wb_wakeup: run the flusher as soon as the clock moves. */
static void wb_wakeup(struct bdi_writeback *wb)
{
	mod_timer(&wb->dwork, wb->machine->clock_ns);
}

/* __mark_inode_dirty(I_DIRTY_PAGES) */
static void mark_inode_dirty_pages(struct machine *m, struct inode *inode)
{
	struct bdi_writeback *wb = machine_wb(m);
	bool wakeup;

	if ((inode->i_state & I_DIRTY_PAGES) || !wb)
		return;
	inode->i_state |= I_DIRTY_PAGES;
	if (inode->i_state & I_FREEING)
		return;
	inode->dirtied_when = clock_jiffies(m);
	wakeup = list_empty(&wb->b_dirty);
	list_move(&inode->i_io_list, &wb->b_dirty);
	if (wakeup)
		wb_wakeup_delayed(wb);
}

void inode_io_list_del(struct machine *m, struct inode *inode)
{
	(void)m;
	inode->i_state &= ~I_DIRTY_PAGES;
	list_del_init(&inode->i_io_list);
}

static struct dirty_throttle_state *current_dts(struct machine *m)
{
	return m->current ? &m->current->dirty_throttle : &machine_wb(m)->kernel_dts;
}

void folio_account_dirtied(struct machine *m, struct page *folio, struct address_space *mapping)
{
	long nr = folio_nr_pages(folio);

	mod_node_page_state(page_pgdat(m, folio), NR_DIRTIED, nr);
	if (machine_wb(m))
		current_dts(m)->nr_dirtied += (int)nr;
	mark_inode_dirty_pages(m, mapping->host);
}

void mapping_set_error(struct address_space *mapping, int err)
{
	if (err && mapping->host)
		errseq_set(&mapping->host->wb_err, err);
}

errseq_t filemap_sample_wb_err(struct address_space *mapping)
{
	return mapping->host ? errseq_sample(&mapping->host->wb_err) : 0;
}

/* ---------------------------------------------------------------------- */
/* Writing inodes                                                          */
/* ---------------------------------------------------------------------- */

/* write_cache_pages: up to nr dirty folios of inode, from the start of the file. */
static unsigned long writeback_inode_pages(struct machine *m, struct inode *inode,
					   unsigned long nr)
{
	struct address_space *mapping = &inode->i_data;
	unsigned long index = 0, written = 0;

	while (written < nr && mapping->nrdirty) {
		struct page *folio;
		void *entry;

		spin_lock(&mapping->i_pages_lock);
		entry = xa_find(&mapping->i_pages, &index, ~0UL);
		folio = entry && !xa_is_value(entry) ? entry : NULL;
		if (folio)
			get_page(folio);
		spin_unlock(&mapping->i_pages_lock);
		if (!entry)
			break;
		if (folio) {
			if (PageDirty(folio)) {
				folio_write_one(m, folio);	/* an error goes to the errseq */
				written += (unsigned long)folio_nr_pages(folio);
			}
			index = folio->index + (unsigned long)folio_nr_pages(folio);
			put_page(m, folio);
		} else {
			index++;
		}
		if (!index)
			break;
	}
	if (!mapping->nrdirty)
		inode_io_list_del(m, inode);
	return written;
}

/* The oldest dirty inode dirtied at or before `before` (jiffies), or NULL. */
static struct inode *oldest_dirty_inode(struct bdi_writeback *wb, bool expired_only,
					unsigned long before)
{
	struct inode *inode;

	if (list_empty(&wb->b_dirty))
		return NULL;
	inode = list_last_entry(&wb->b_dirty, struct inode, i_io_list);
	if (expired_only && (long)(inode->dirtied_when - before) > 0)
		return NULL;
	return inode;
}

/*
 * wb_writeback: write up to nr_pages, oldest inodes first. Background
 * work stops at the background threshold; periodic work takes only
 * inodes dirtied at least dirty_expire_centisecs ago.
 */
static unsigned long wb_writeback(struct bdi_writeback *wb, unsigned long nr_pages,
				  enum wb_reason reason)
{
	struct machine *m = wb->machine;
	unsigned long before = clock_jiffies(m) -
			       centisecs_to_jiffies(m->sysctl.dirty_expire_centisecs);
	unsigned long total = 0;
	struct inode *inode;

	while (nr_pages) {
		unsigned long chunk, done;

		if (reason == WB_REASON_BACKGROUND && !wb_over_bg_thresh(m))
			break;
		inode = oldest_dirty_inode(wb, reason == WB_REASON_PERIODIC, before);
		if (!inode)
			break;
		chunk = min(nr_pages, MIN_WRITEBACK_PAGES);
		done = writeback_inode_pages(m, inode, chunk);
		if (!done) {
			/* clean after all (truncated): it left the list; else nothing to write */
			if (inode->i_state & I_DIRTY_PAGES)
				break;
			continue;
		}
		total += done;
		nr_pages -= min(nr_pages, done);
	}
	wb->nr_written[reason] += total;
	return total;
}

/* The flusher's delayed work. */
static void wb_workfn(struct sim_timer *timer)
{
	struct bdi_writeback *wb = (struct bdi_writeback *)timer->data;
	struct machine *m = wb->machine;
	unsigned long interval = centisecs_to_jiffies(m->sysctl.dirty_writeback_centisecs);

	if (wb->start_background) {
		wb->start_background = false;
		wb_writeback(wb, LONG_MAX, WB_REASON_BACKGROUND);
	}
	/* wb_check_old_data_flush: the kupdate pass */
	if (interval && clock_jiffies(m) >= wb->last_old_flush + interval) {
		wb->last_old_flush = clock_jiffies(m);
		wb_writeback(wb, LONG_MAX, WB_REASON_PERIODIC);
	}
	/* wb_check_background_flush */
	if (wb_over_bg_thresh(m))
		wb_writeback(wb, LONG_MAX, WB_REASON_BACKGROUND);
	if (!list_empty(&wb->b_dirty))
		wb_wakeup_delayed(wb);
}

static void wb_start_background_writeback(struct bdi_writeback *wb)
{
	if (wb->start_background)
		return;
	wb->start_background = true;
	wb_wakeup(wb);
}

unsigned long wakeup_flusher_threads_sync(struct machine *m)
{
	struct bdi_writeback *wb = machine_wb(m);

	return wb ? wb_writeback(wb, LONG_MAX, WB_REASON_SYNC) : 0;
}

/* ---------------------------------------------------------------------- */
/* Throttling writers                                                      */
/* ---------------------------------------------------------------------- */

static unsigned int ilog2_ul(unsigned long x)
{
	unsigned int r = 0;

	while (x >>= 1)
		r++;
	return r;
}

/* dirty_poll_interval: check again after about sqrt(distance to the limit) pages. */
static int dirty_poll_interval(unsigned long dirty, unsigned long thresh)
{
	if (thresh > dirty)
		return 1 << (ilog2_ul(thresh - dirty) >> 1);
	return 1;
}

/*
 * The global control line (wb_position_ratio's first part), in units of
 * 1 << RATELIMIT_CALC_SHIFT: 1 + ((setpoint - dirty) / (limit - setpoint))^3,
 * clamped to [0, 2].
 */
static long pos_ratio_polynom(unsigned long setpoint, unsigned long dirty, unsigned long limit)
{
	long long x, pos;

	if (limit <= setpoint)
		return dirty < limit ? 2L << RATELIMIT_CALC_SHIFT : 0;
	x = ((long long)setpoint - (long long)dirty) * (1 << RATELIMIT_CALC_SHIFT) /
	    (long long)(limit - setpoint);
	pos = x * x / (1 << RATELIMIT_CALC_SHIFT) * x / (1 << RATELIMIT_CALC_SHIFT);
	pos += 1 << RATELIMIT_CALC_SHIFT;
	if (pos < 0)
		pos = 0;
	if (pos > 2L << RATELIMIT_CALC_SHIFT)
		pos = 2L << RATELIMIT_CALC_SHIFT;
	return (long)pos;
}

static void balance_dirty_pages(struct machine *m, struct bdi_writeback *wb,
				struct dirty_throttle_state *dts)
{
	for (;;) {
		unsigned long bg, thresh, freerun, setpoint, dirty, reclaimable;
		unsigned long task_ratelimit, written, to_write;
		uint64_t pause;
		long pos;

		global_dirty_limits(m, &bg, &thresh);
		reclaimable = nr_file_dirty(m);
		dirty = reclaimable + (unsigned long)global_node_page_state(m, NR_WRITEBACK);
		freerun = (thresh + bg) / 2;
		if (reclaimable > bg)
			wb_start_background_writeback(wb);
		if (dirty <= freerun) {
			dts->nr_dirtied = 0;
			dts->nr_dirtied_pause = dirty_poll_interval(dirty, thresh);
			wb->dirty_exceeded = false;
			return;
		}
		wb->dirty_exceeded = dirty > thresh;
		setpoint = (freerun + thresh) / 2;
		pos = dirty >= thresh ? 0 : pos_ratio_polynom(setpoint, dirty, thresh);
		task_ratelimit = (unsigned long)((unsigned long long)wb->write_bandwidth *
						 (unsigned long long)pos >> RATELIMIT_CALC_SHIFT);
		if (!task_ratelimit) {
			pause = MAX_PAUSE_NS;
		} else {
			pause = (uint64_t)dts->nr_dirtied * NSEC_PER_SEC / task_ratelimit;
			if (pause < TICK_NSEC) {
				/* too short to sleep: check again after more pages */
				dts->nr_dirtied_pause = dts->nr_dirtied + 1;
				return;
			}
			if (pause > MAX_PAUSE_NS)
				pause = MAX_PAUSE_NS;
		}
		/* io_schedule_timeout(pause): the disk writes meanwhile */
		wb->pause_ns += pause;
		wb->total_pause_ns += pause;
		to_write = (unsigned long)(pause * wb->write_bandwidth / NSEC_PER_SEC);
		written = wb_writeback(wb, max(to_write, 1UL), WB_REASON_BACKGROUND);
		dts->nr_dirtied = 0;
		dts->nr_dirtied_pause = dirty_poll_interval(dirty, thresh);
		if (task_ratelimit || !written)
			return;
		if (m->current && m->current->fatal_signal)
			return;
	}
}

void balance_dirty_pages_ratelimited(struct machine *m, struct address_space *mapping)
{
	struct bdi_writeback *wb = machine_wb(m);
	struct dirty_throttle_state *dts;
	int ratelimit;

	if (!wb || !mapping_is_file(mapping))
		return;
	dts = current_dts(m);
	ratelimit = dts->nr_dirtied_pause ? dts->nr_dirtied_pause : DIRTY_POLL_INIT;
	if (wb->dirty_exceeded)
		ratelimit = min(ratelimit, DIRTY_EXCEEDED_POLL);
	if (dts->nr_dirtied >= ratelimit)
		balance_dirty_pages(m, wb, dts);
}

uint64_t wb_take_pause_ns(struct machine *m)
{
	struct bdi_writeback *wb = machine_wb(m);
	uint64_t ns;

	if (!wb)
		return 0;
	ns = wb->pause_ns;
	wb->pause_ns = 0;
	return ns;
}

/* ---------------------------------------------------------------------- */
/* sysctls (the vm_page_writeback_sysctls handlers)                        */
/* ---------------------------------------------------------------------- */

int dirty_background_ratio_handler(struct machine *m)
{
	m->sysctl.dirty_background_bytes = 0;
	return 0;
}

int dirty_background_bytes_handler(struct machine *m)
{
	m->sysctl.dirty_background_ratio = 0;
	return 0;
}

int dirty_ratio_handler(struct machine *m)
{
	/* a write that changes the ratio (it was 0 while dirty_bytes ruled) */
	if (m->sysctl.dirty_ratio)
		m->sysctl.dirty_bytes = 0;
	return 0;
}

int dirty_bytes_handler(struct machine *m)
{
	m->sysctl.dirty_ratio = 0;
	return 0;
}

int dirty_writeback_centisecs_handler(struct machine *m)
{
	struct bdi_writeback *wb = machine_wb(m);

	/* a new interval takes effect at once: the flusher runs and re-arms */
	if (wb && m->sysctl.dirty_writeback_centisecs && !list_empty(&wb->b_dirty))
		wb_wakeup(wb);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Boot and shutdown                                                       */
/* ---------------------------------------------------------------------- */

int wb_init(struct machine *m)
{
	struct bdi_writeback *wb = kzalloc(m, sizeof(*wb), GFP_KERNEL);

	if (!wb)
		return -ENOMEM;
	wb->machine = m;
	INIT_LIST_HEAD(&wb->b_dirty);
	timer_setup(m, &wb->dwork, wb_workfn, (unsigned long)wb);
	wb->last_old_flush = clock_jiffies(m);
	wb->write_bandwidth = INIT_BW;
	m->wb = wb;
	return 0;
}

void wb_exit(struct machine *m)
{
	struct bdi_writeback *wb = machine_wb(m);

	if (!wb)
		return;
	timer_delete(&wb->dwork);
	WARN_ON(!list_empty(&wb->b_dirty));
	m->wb = NULL;
	kfree(m, wb);
}
