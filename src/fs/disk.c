/*
 * disk.c - the simulated disk: a host directory (see disk.h).
 *
 * Every lookup goes through openat2(2) from the disk's root descriptor
 * with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: the host kernel refuses
 * ".." above the root, absolute symlinks and symlinks whose target
 * leaves the directory with EXDEV, so no simulated path can touch a host
 * file outside the disk. Leading slashes of a simulated path are dropped
 * ("/data/f" is data/f beneath the root).
 *
 * Host files are opened O_NONBLOCK (a FIFO planted in the disk must not
 * hang the simulator) and checked to be regular files. The temporary disk
 * is removed at shutdown with the same care: directories are opened
 * O_NOFOLLOW and entries removed with unlinkat, never through a path.
 *
 * Host-side state: struct disk is host memory (it stands for the
 * hardware, not for a kernel object).
 *
 * Invariants: m->disk lives from a successful disk_init to disk_exit;
 * root_fd is -1 until the disk is opened (at boot for --disk, at the
 * first file call for the temporary one), then stays open until
 * disk_exit, which removes only a temporary disk. disk_open hands out
 * regular files only. A read or write moves all len bytes or returns
 * -errno; an injected failure (fail_reads, fail_writes) is used up by one
 * call and touches no host file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "disk.h"
#include "machine.h"

#define DISK_RESOLVE	(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

static int host_openat2(int dirfd, const char *path, int flags, int mode)
{
	struct open_how how = {
		.flags = (unsigned long long)flags,
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? (unsigned long long)mode : 0,
		.resolve = DISK_RESOLVE,
	};
	long fd;

	do {
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	} while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : (int)fd;
}

/* Remove everything beneath dirfd, then close it. Never follows a symlink. */
static void remove_tree_at(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((e = readdir(d))) {
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!unlinkat(dirfd, e->d_name, 0))
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		remove_tree_at(sub);
		unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Many inodes keep host descriptors: allow as many as the host lets us. */
static void raise_nofile_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

const char *host_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

/* The temporary disk, made at first use: a fresh mkdtemp directory with data/ and tmp/. */
static int disk_make_temp(struct disk *d)
{
	int fd;

	/* mkdtemp's template: it replaces the six X with a unique name */
	snprintf(d->path, sizeof(d->path), "%s/mmsim-disk-XXXXXX", host_tmpdir());
	if (!mkdtemp(d->path))
		return -errno;
	fd = open(d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		rmdir(d->path);
		return err;
	}
	mkdirat(fd, "data", 0755);
	mkdirat(fd, "tmp", 01777);
	d->root_fd = fd;
	d->owned = true;
	return 0;
}

int disk_init(struct machine *m, char *err, size_t errlen)
{
	struct disk *d = calloc(1, sizeof(*d));	/* host-side: the hardware */
	struct stat st;

	if (!d) {
		snprintf(err, errlen, "--disk: out of host memory");
		return -ENOMEM;
	}
	d->root_fd = -1;
	m->disk = d;
	if (!m->cfg.disk[0])
		return 0;	/* the temporary disk waits for the first file call */
	snprintf(d->path, sizeof(d->path), "%s", m->cfg.disk);
	d->root_fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->root_fd < 0 || fstat(d->root_fd, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--disk %s: %s", d->path, strerror(errno ? errno : ENOTDIR));
		if (d->root_fd >= 0)
			close(d->root_fd);
		free(d);
		m->disk = NULL;
		return -EINVAL;
	}
	raise_nofile_limit();
	return 0;
}

void disk_exit(struct machine *m)
{
	struct disk *d = m->disk;

	if (!d)
		return;
	if (d->root_fd >= 0) {
		if (d->owned) {
			remove_tree_at(d->root_fd);	/* closes root_fd */
			rmdir(d->path);
		} else {
			close(d->root_fd);
		}
	}
	free(d);
	m->disk = NULL;
}

/* The root descriptor, making the temporary disk if needed; -errno on failure. */
static int disk_root(struct machine *m)
{
	struct disk *d = m->disk;
	int ret;

	if (!d)
		return -ENODEV;
	if (d->root_fd >= 0)
		return d->root_fd;
	ret = disk_make_temp(d);
	if (ret)
		return ret;
	raise_nofile_limit();
	return d->root_fd;
}

/* The path beneath the root: leading slashes dropped; "" is the root itself. */
static int disk_relpath(const char *path, const char **rel)
{
	if (!path || !*path)
		return -ENOENT;		/* open("") */
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	while (*path == '/')
		path++;
	*rel = *path ? path : ".";
	return 0;
}

int disk_open(struct machine *m, const char *path, int flags, int mode,
	      unsigned long long *dev, unsigned long long *ino, long long *size)
{
	int root = disk_root(m), hflags = O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	const char *rel;
	struct stat st;
	int fd, ret;

	if (root < 0)
		return root;
	ret = disk_relpath(path, &rel);
	if (ret)
		return ret;
	if (flags & DISK_CREAT)
		hflags |= O_CREAT | ((flags & DISK_EXCL) ? O_EXCL : 0);
	fd = host_openat2(root, rel, hflags, mode);
	if (fd == -EACCES || fd == -EROFS || fd == -ETXTBSY) {
		if (flags & DISK_WRITE)
			return fd;
		fd = host_openat2(root, rel, (hflags & ~(O_RDWR | O_CREAT)) | O_RDONLY, 0);
	}
	if (fd == -EISDIR)
		return -EISDIR;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -ENXIO;
	}
	*dev = (unsigned long long)st.st_dev;
	*ino = (unsigned long long)st.st_ino;
	*size = (long long)st.st_size;
	return fd;
}

/* Split path into its parent (opened O_PATH beneath the root) and last name. */
static int disk_parent(struct machine *m, const char *path, char *last, size_t lastlen)
{
	int root = disk_root(m), ret;
	char dir[PATH_MAX];
	const char *rel, *slash;

	if (root < 0)
		return root;
	ret = disk_relpath(path, &rel);
	if (ret)
		return ret;
	snprintf(dir, sizeof(dir), "%s", rel);
	/* trailing slashes name the same entry */
	for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = '\0';
	slash = strrchr(dir, '/');
	if (strlen(slash ? slash + 1 : dir) >= lastlen)
		return -ENAMETOOLONG;
	snprintf(last, lastlen, "%s", slash ? slash + 1 : dir);
	if (!strcmp(last, ".") || !strcmp(last, ".."))
		return -EBUSY;		/* unlink("dir/.."): not a file to remove */
	if (!slash)
		return host_openat2(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	dir[slash - dir] = '\0';
	return host_openat2(root, dir[0] ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
}

int disk_unlink(struct machine *m, const char *path, unsigned long long *dev,
		unsigned long long *ino)
{
	char last[NAME_MAX + 1];
	int dirfd = disk_parent(m, path, last, sizeof(last)), ret = 0;
	struct stat st;

	if (dirfd < 0)
		return dirfd == -EBUSY ? -EISDIR : dirfd;
	if (!strcmp(last, ".")) {
		close(dirfd);
		return -EISDIR;
	}
	if (fstatat(dirfd, last, &st, AT_SYMLINK_NOFOLLOW)) {
		ret = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;		/* unlink(2) of a directory on Linux */
	} else if (unlinkat(dirfd, last, 0)) {
		ret = -errno;
	} else {
		*dev = (unsigned long long)st.st_dev;
		*ino = (unsigned long long)st.st_ino;
	}
	close(dirfd);
	return ret;
}

int disk_mkdir(struct machine *m, const char *path, int mode)
{
	char last[NAME_MAX + 1];
	int dirfd = disk_parent(m, path, last, sizeof(last)), ret = 0;

	if (dirfd < 0)
		return dirfd == -EBUSY ? -EEXIST : dirfd;
	if (mkdirat(dirfd, last, (mode_t)mode & 07777))
		ret = -errno;
	close(dirfd);
	return ret;
}

int disk_read(struct machine *m, int fd, void *buf, size_t len, long long pos)
{
	struct disk *d = m->disk;
	char *p = buf;

	if (d->fail_reads) {
		d->fail_reads--;
		return -EIO;
	}
	d->reads++;
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -EIO;
		if (n == 0) {
			memset(p, 0, len);	/* beyond the host file's end: a hole */
			break;
		}
		p += n;
		len -= (size_t)n;
		pos += n;
	}
	return 0;
}

int disk_write(struct machine *m, int fd, const void *buf, size_t len, long long pos)
{
	struct disk *d = m->disk;
	const char *p = buf;

	if (d->fail_writes) {
		d->fail_writes--;
		return -EIO;
	}
	d->writes++;
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 && errno == ENOSPC ? -ENOSPC : -EIO;
		p += n;
		len -= (size_t)n;
		pos += n;
	}
	return 0;
}

int disk_truncate(struct machine *m, int fd, long long size)
{
	(void)m;
	if (ftruncate(fd, (off_t)size))
		return errno == EFBIG || errno == EINVAL ? -EFBIG : -EIO;
	return 0;
}

void disk_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
