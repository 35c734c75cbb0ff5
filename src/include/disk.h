/*
 * disk.h - the simulated machine's disk: a directory of the host
 * (src/fs/disk.c). By default a fresh temporary directory per machine,
 * made at the first file operation and removed at shutdown; `--disk DIR`
 * uses DIR as it is and leaves it in place.
 *
 * Paths are the simulated namespace's ("/data/f"): every path is taken
 * relative to the disk directory, leading slashes dropped, and resolved
 * by the host kernel with RESOLVE_BENEATH, so nothing - "..", an absolute
 * or relative symlink leading out, a magic link - can reach outside the
 * disk (EXDEV, as openat2 answers). A fresh disk has the directories
 * /data and /tmp.
 *
 * Invariant: the disk's own descriptor (root_fd) is the only way in;
 * every host file descriptor the simulated kernel keeps was opened through
 * it. Host I/O is synchronous; an injected error (disk_fail_*) makes the
 * next reads or writes fail with EIO.
 */
#ifndef MMSIM_DISK_H
#define MMSIM_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct machine;

struct disk {
	int root_fd;			/* O_PATH|O_DIRECTORY of the disk directory */
	bool owned;			/* a temporary directory of ours: removed at exit */
	char path[512];			/* host path, for messages */
	unsigned long reads, writes;	/* host I/O requests (pages) */
	unsigned long fail_reads, fail_writes;	/* error injection: next N fail with EIO */
};

/* Boot: check (and open) --disk DIR; the temporary one waits for first use. */
int disk_init(struct machine *m, char *err, size_t errlen);
/* The host's directory for temporary files: $TMPDIR, else /tmp (the temporary disk, swap files). */
const char *host_tmpdir(void);
void disk_exit(struct machine *m);

/*
 * Open (or create: DISK_CREAT, DISK_EXCL) the regular file at path beneath the
 * disk: a host descriptor opened read-write if the host allows it (else
 * read-only, and only for a read-only open), or -errno: ENOENT, EEXIST,
 * EXDEV (leads out of the disk), EISDIR (a directory), ENXIO (not a
 * regular file), EACCES, ENAMETOOLONG, EINVAL (empty path).
 * st_dev/st_ino identify the file (the inode hash key).
 */
#define DISK_WRITE	0x1	/* the open may write */
#define DISK_CREAT	0x2
#define DISK_EXCL	0x4
int disk_open(struct machine *m, const char *path, int flags, int mode,
	      unsigned long long *dev, unsigned long long *ino, long long *size);
/* unlink(2) beneath the disk; (dev, ino) of what went. 0 or -errno. */
int disk_unlink(struct machine *m, const char *path, unsigned long long *dev,
		unsigned long long *ino);
int disk_mkdir(struct machine *m, const char *path, int mode);

/* Whole-buffer I/O on a host descriptor; reads past the end give zeros. 0 or -EIO. */
int disk_read(struct machine *m, int fd, void *buf, size_t len, long long pos);
int disk_write(struct machine *m, int fd, const void *buf, size_t len, long long pos);
int disk_truncate(struct machine *m, int fd, long long size);
void disk_close(int fd);

#endif
