/*
 * sysfs.h - the /sys files mmsim shows (drivers/base/node.c): the NUMA
 * node directory and the weighted-interleave weights. Paths are given as
 * "/sys/devices/system/node/node0/numastat" (or without the leading slash
 * for the two directories served); mmsim_proc_read() and
 * mmsim_sysfs_write() of the public API come here.
 */
#ifndef MMSIM_SYSFS_H
#define MMSIM_SYSFS_H

#include "mm.h"

/* Whether path names a sysfs file (rather than a /proc one). */
bool sysfs_path(const char *path);
/* The file's text (malloc'd), or NULL with errno = ENOENT. */
char *sysfs_read(struct machine *m, const char *path, size_t *len);
/* Write as root would: 0 or -errno (-ENOENT unknown, -EACCES read-only file). */
int sysfs_write(struct machine *m, const char *path, const char *value);
int sysfs_read_only(struct machine *m, const char *path);

#endif
