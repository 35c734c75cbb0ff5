/*
 * sysctl_fs.c - /proc/sys/fs/dentry-state, inode-nr and inode-state
 * (fs/dcache.c's and fs/inode.c's read-only sysctls), printed as
 * proc_doulongvec_minmax prints arrays: tab-separated, one line.
 *
 * dentry-state: nr_dentry, nr_unused (on the LRU), age_limit (45, unused
 * by the kernel), want_pages (0), nr_negative (negative dentries on the
 * LRU), dummy. inode-nr: nr_inodes, nr_unused; inode-state: the same and
 * five zeros. The inode figures are kept by the inode owner in
 * machine->dcache (dcache.h).
 *
 * Invariants: the three files only read machine->dcache and append one
 * line; a counter that has gone negative prints as 0, so the figures are
 * never negative.
 */
#include "internal.h"

void show_dentry_state(struct machine *m, struct seq_buf *s)
{
	const struct dcache_state *dc = &m->dcache;

	seq_printf(s, "%ld\t%ld\t45\t0\t%ld\t0\n", max(dc->nr_dentry, 0L),
		   max(dc->nr_dentry_unused, 0L), max(dc->nr_dentry_negative, 0L));
}

void show_inode_nr(struct machine *m, struct seq_buf *s)
{
	seq_printf(s, "%ld\t%ld\n", max(m->dcache.nr_inodes, 0L),
		   max(m->dcache.nr_unused_inodes, 0L));
}

void show_inode_state(struct machine *m, struct seq_buf *s)
{
	seq_printf(s, "%ld\t%ld\t0\t0\t0\t0\t0\n", max(m->dcache.nr_inodes, 0L),
		   max(m->dcache.nr_unused_inodes, 0L));
}
