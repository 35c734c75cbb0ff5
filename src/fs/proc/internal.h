/*
 * fs/proc/internal.h - private to the machine-wide /proc views (Linux's
 * fs/proc/internal.h plus the show functions of mm/vmstat.c).
 *
 * Every view is a function show_NAME(m, s) that appends the whole text of
 * /proc/NAME, exactly as Linux 6.18 prints it, to s. Views only read the
 * machine; they take zone->lock around free-list walks as Linux does.
 * mmsim_proc_read() (proc.c) dispatches names to these functions.
 *
 * Not a shared contract: only fs/proc/ and mm/vmstat.c include it.
 */
#ifndef MMSIM_FS_PROC_INTERNAL_H
#define MMSIM_FS_PROC_INTERNAL_H

#include "mm.h"
#include "seq_buf.h"

struct mmsim_counter;

/* mm/vmstat.c */
void show_vmstat(struct machine *m, struct seq_buf *s);
void show_zoneinfo(struct machine *m, struct seq_buf *s);
void show_buddyinfo(struct machine *m, struct seq_buf *s);
void show_pagetypeinfo(struct machine *m, struct seq_buf *s);
/*
 * Every /proc/vmstat line as (name, value), in file order, nr_unstable
 * last. Fills at most max entries of out (out may be NULL when max is 0)
 * and returns the total number of counters.
 */
size_t vmstat_collect(struct machine *m, struct mmsim_counter *out, size_t max);
/* mm/page-writeback.c's global_dirty_limits() (writeback.h): vm.dirty_* sysctls. */
void global_dirty_limits(struct machine *m, unsigned long *pbackground,
			 unsigned long *pdirty);
/* CPU cpu's per_cpu_pages of zone (per_cpu_ptr on the percpu area). */
struct per_cpu_pages *zone_pcp(const struct machine *m, const struct zone *zone, int cpu);

/* fs/proc/meminfo.c */
void show_meminfo(struct machine *m, struct seq_buf *s);

/* fs/proc/slabinfo.c (mm/slab_common.c's slab_show in Linux) */
void show_slabinfo(struct machine *m, struct seq_buf *s);

/* proctools: fs/proc/stat.c, loadavg.c, uptime.c */
void show_stat(struct machine *m, struct seq_buf *s);
void show_loadavg(struct machine *m, struct seq_buf *s);
void show_uptime(struct machine *m, struct seq_buf *s);
void show_cpuinfo(struct machine *m, struct seq_buf *s);
/* fs/proc/sysctl_kernel.c: sys/kernel/pid_max */
void show_pid_max(struct machine *m, struct seq_buf *s);
/* dcache (issue 5), fs/proc/sysctl_fs.c: sys/fs/dentry-state, inode-nr, inode-state */
void show_dentry_state(struct machine *m, struct seq_buf *s);
void show_inode_nr(struct machine *m, struct seq_buf *s);
void show_inode_state(struct machine *m, struct seq_buf *s);

/*
 * Per-process files, /proc/PID/NAME. Each show function prints the whole
 * file for task t (a live task: it has an mm) and takes the mm's
 * mmap_lock itself where Linux does (mmap_read_lock).
 */
struct task_struct;
struct mm_struct;

/* fs/proc/base.c: "PID/NAME" or "self/NAME"; NULL with errno ENOENT. */
char *proc_pid_read(struct machine *m, const char *path, size_t *len);
/* Write "PID/oom_score_adj" or "PID/oom_adj" (base.c): 0 or -errno. */
int proc_pid_write(struct machine *m, const char *path, const char *value);
/* Whether path names a per-process file ("123/..." or "self/..."). */
bool proc_pid_path(const char *path);
/* The NAMEs of the per-process files, NULL-terminated. */
extern const char *const proc_pid_names[];

/* fs/proc/task_mmu.c */
void proc_pid_maps(struct task_struct *t, struct seq_buf *s);
void proc_pid_smaps(struct task_struct *t, struct seq_buf *s);
void proc_pid_smaps_rollup(struct task_struct *t, struct seq_buf *s);
void proc_pid_statm(struct task_struct *t, struct seq_buf *s);
/* The Vm and Rss lines of status (task_mem). */
void task_mem(struct seq_buf *s, struct mm_struct *mm);
unsigned long task_vsize(struct mm_struct *mm);

/* fs/proc/numa_maps.c (task_mmu.c's show_numa_map in Linux) */
void proc_pid_numa_maps(struct task_struct *t, struct seq_buf *s);

/* fs/proc/array.c */
void proc_pid_status(struct task_struct *t, struct seq_buf *s);
void proc_pid_stat(struct task_struct *t, struct seq_buf *s);
void proc_pid_cmdline(struct task_struct *t, struct seq_buf *s);

#endif
