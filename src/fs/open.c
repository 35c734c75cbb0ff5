/*
 * open.c - descriptor tables and the calls that name files: open, close,
 * ftruncate, unlink, mkdir (Linux's fs/open.c, fs/file.c, fs/namei.c for
 * one disk).
 *
 * A descriptor table (files_struct, "files_cache") maps small integers to
 * struct file ("filp"); the lowest free number is handed out, up to
 * RLIMIT_NOFILE (1024: EMFILE beyond). Tables are shared by CLONE_VM
 * threads, copied at fork (dup_fd: every file one reference more) and
 * dropped with the last task (every file closed). The machine keeps one
 * table of its own (machine->kernel_files) for the API's machine-wide
 * opens, closed at shutdown.
 *
 * open: the path is resolved beneath the disk (disk.c), the host file's
 * identity finds or makes the inode (inode.c), and a new struct file gets
 * the access mode, O_APPEND/O_DIRECT, position 0 and a readahead state.
 * O_TRUNC truncates through the page cache (truncate_setsize), as
 * do_truncate does. Opens walk the dentry cache (a positive dentry holds
 * an inode reference, released through m->dcache.d_iput); unlink
 * d_deletes the name.
 *
 * Invariants: fd[i] non-NULL holds one reference on its file; a disk
 * file holds one i_count on its inode, dropped by the last fput.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dcache.h"
#include "disk.h"
#include "fs.h"
#include "pagemap.h"
#include "sched.h"
#include "slab.h"
#include "writeback.h"

/* The simulated disk's device in maps (sda1). */
#define DISK_DEV_MAJOR	8
#define DISK_DEV_MINOR	1

/* ---------------------------------------------------------------------- */
/* Descriptor tables                                                       */
/* ---------------------------------------------------------------------- */

struct files_struct *files_alloc(struct machine *m)
{
	struct files_struct *files = kmem_cache_alloc(m, m->files_cachep, GFP_KERNEL);

	if (!files)
		return NULL;
	files->count = 1;
	files->max_fds = NR_OPEN_DEFAULT;
	files->fd = kzalloc(m, NR_OPEN_DEFAULT * sizeof(struct file *), GFP_KERNEL);
	if (!files->fd) {
		kmem_cache_free(m, m->files_cachep, files);
		return NULL;
	}
	return files;
}

struct files_struct *dup_fd(struct machine *m, struct files_struct *old, int *err)
{
	struct files_struct *files = files_alloc(m);

	*err = -ENOMEM;
	if (!files)
		return NULL;
	if (old->max_fds > files->max_fds) {
		struct file **fd = kzalloc(m, (size_t)old->max_fds * sizeof(*fd), GFP_KERNEL);

		if (!fd) {
			put_files_struct(m, files);
			return NULL;
		}
		kfree(m, files->fd);
		files->fd = fd;
		files->max_fds = old->max_fds;
	}
	for (int i = 0; i < old->max_fds; i++) {
		files->fd[i] = old->fd[i];
		if (files->fd[i])
			get_file(files->fd[i]);
	}
	*err = 0;
	return files;
}

void put_files_struct(struct machine *m, struct files_struct *files)
{
	if (!files || --files->count)
		return;
	for (int i = 0; i < files->max_fds; i++)
		if (files->fd[i])
			fput(m, files->fd[i]);
	kfree(m, files->fd);
	kmem_cache_free(m, m->files_cachep, files);
}

struct file *fget_raw(struct files_struct *files, int fd)
{
	if (!files || fd < 0 || fd >= files->max_fds)
		return NULL;
	return files->fd[fd];
}

/* alloc_fd: the lowest free descriptor, the table grown if needed. */
static int alloc_fd(struct machine *m, struct files_struct *files)
{
	struct file **fd;
	int nr, i;

	for (i = 0; i < files->max_fds; i++)
		if (!files->fd[i])
			return i;
	if (files->max_fds >= RLIMIT_NOFILE_CUR)
		return -EMFILE;
	nr = min(files->max_fds * 2, RLIMIT_NOFILE_CUR);
	fd = kzalloc(m, (size_t)nr * sizeof(*fd), GFP_KERNEL);
	if (!fd)
		return -ENOMEM;
	memcpy(fd, files->fd, (size_t)files->max_fds * sizeof(*fd));
	kfree(m, files->fd);
	files->fd = fd;
	files->max_fds = nr;
	return i;
}

/* ---------------------------------------------------------------------- */
/* open / close                                                            */
/* ---------------------------------------------------------------------- */

/* The path as maps shows it: absolute, slashes collapsed. */
static void file_set_path(struct file *f, const char *path)
{
	char *out = f->path, *end = f->path + sizeof(f->path) - 1;

	*out++ = '/';
	for (; *path && out < end; path++) {
		if (*path == '/' && out[-1] == '/')
			continue;
		*out++ = *path;
	}
	if (out > f->path + 1 && out[-1] == '/')
		out--;
	*out = '\0';
}

static struct file *alloc_file(struct machine *m, struct inode *inode, const char *path,
			       int flags)
{
	struct file *f = kmem_cache_alloc(m, m->filp_cachep, GFP_KERNEL);
	int acc = flags & O_ACCMODE;

	if (!f)
		return NULL;
	memset(f, 0, sizeof(*f));
	f->f_count = 1;
	file_set_path(f, path);
	f->f_inode = inode;
	f->f_mapping = &inode->i_data;
	f->dev_major = DISK_DEV_MAJOR;
	f->dev_minor = DISK_DEV_MINOR;
	f->f_flags = (unsigned int)flags & (O_ACCMODE | O_APPEND | O_DIRECT | O_NONBLOCK |
					    O_SYNC | O_DSYNC | O_NOATIME | O_CLOEXEC);
	f->f_mode = (acc == O_RDONLY || acc == O_RDWR ? FMODE_READ : 0) |
		    (acc == O_WRONLY || acc == O_RDWR ? FMODE_WRITE : 0);
	file_ra_state_init(&f->f_ra);
	f->f_wb_err = filemap_sample_wb_err(f->f_mapping);	/* writeback: errseq */
	return f;
}

/* The last reference of a disk file (__fput): the inode's reference goes. */
void disk_file_release(struct machine *m, struct file *f)
{
	struct inode *inode = f->f_inode;
	struct dentry *d = f->f_dentry;

	kmem_cache_free(m, m->filp_cachep, f);
	dput(m, d);	/* before the iput: an unlinked name dies with its last file */
	iput(m, inode);
}

/* Open flags Linux refuses before looking at the path (build_open_flags). */
static int check_open_flags(int flags)
{
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;		/* mmsim has no ioctl-only opens */
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;	/* no anonymous files on this disk */
	if (flags & O_PATH)
		return -EINVAL;
	return 0;
}

/*
 * The open found inode under d (NULL: the walk could not cache the name):
 * a negative dentry becomes positive, its own i_count reference taken
 * (d_instantiate moves it in). Returns the walk's dentry reference for the
 * file's f_path (NULL: none).
 */
static struct dentry *dentry_attach(struct machine *m, struct dentry *d, struct inode *inode)
{
	if (!d)
		return NULL;
	if (d_is_negative(d)) {
		ihold(inode);
		d_instantiate(m, d, inode);
	} else if (d->d_inode != inode) {
		dput(m, d);	/* a name cached for another file: the disk's wins */
		return NULL;
	}
	return d;
}

int do_sys_open(struct machine *m, struct files_struct *files, const char *path, int flags,
		int mode)
{
	unsigned long long dev, ino;
	int dflags = 0, acc = flags & O_ACCMODE, fd, hfd, ret;
	struct dentry *d;
	struct inode *inode;
	struct file *f;
	long long size;

	ret = check_open_flags(flags);
	if (ret)
		return ret;
	if (acc != O_RDONLY || (flags & O_TRUNC))
		dflags |= DISK_WRITE;
	if (flags & O_CREAT)
		dflags |= DISK_CREAT | ((flags & O_EXCL) ? DISK_EXCL : 0);
	fd = alloc_fd(m, files);
	if (fd < 0)
		return fd;
	/*
	 * The path walk goes through the dentry cache (path_openat's
	 * lookup): every component gets a dentry, the last one negative
	 * until the disk (the truth here) says the file exists, and a failed
	 * open leaves it negative and cached, as Linux keeps negative
	 * dentries. The disk still resolves the name (RESOLVE_BENEATH).
	 */
	d = d_lookup_path(m, path, true);
	if (IS_ERR(d))
		d = NULL;	/* the disk decides (and gives the errno) */
	hfd = disk_open(m, path, dflags, mode, &dev, &ino, &size);
	if (hfd < 0) {
		dput(m, d);
		return hfd == -EISDIR && acc == O_RDONLY && !(flags & O_CREAT) ? -EISDIR : hfd;
	}
	if (flags & O_DIRECTORY) {
		dput(m, d);
		disk_close(hfd);
		return -ENOTDIR;
	}
	inode = iget_host(m, hfd, dev, ino, size);
	if (!inode) {
		dput(m, d);
		return -ENOMEM;
	}
	d = dentry_attach(m, d, inode);
	f = alloc_file(m, inode, path, flags);
	if (!f) {
		dput(m, d);
		iput(m, inode);
		return -ENOMEM;
	}
	f->f_dentry = d;
	if ((flags & O_TRUNC) && inode->i_data.size) {
		ret = do_truncate(m, inode, 0);
		if (ret) {
			fput(m, f);
			return ret;
		}
	}
	files->fd[fd] = f;
	return fd;
}

int close_fd(struct machine *m, struct files_struct *files, int fd)
{
	struct file *f = fget_raw(files, fd);

	if (!f)
		return -EBADF;
	files->fd[fd] = NULL;
	fput(m, f);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Size changes and names                                                  */
/* ---------------------------------------------------------------------- */

/* do_truncate: the page cache first (unmap, drop, zero the tail), then the host file. */
int do_truncate(struct machine *m, struct inode *inode, long long length)
{
	int ret;

	if (length < 0)
		return -EINVAL;
	if (length > MAX_LFS_FILESIZE)
		return -EFBIG;
	ret = disk_truncate(m, inode->host_fd, length);
	if (ret)
		return ret;
	truncate_setsize(inode, length);
	return 0;
}

int do_sys_ftruncate(struct machine *m, struct files_struct *files, int fd, long long length)
{
	struct file *f = fget_raw(files, fd);

	if (length < 0)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (!f->f_inode || !(f->f_mode & FMODE_WRITE))
		return -EINVAL;
	return do_truncate(m, f->f_inode, length);
}

int do_unlinkat(struct machine *m, const char *path)
{
	unsigned long long dev, ino;
	int ret = disk_unlink(m, path, &dev, &ino);

	/* the name goes from the dentry cache (d_delete: negative, or unhashed if in use) */
	if (!ret) {
		d_delete_path(m, path);
		inode_unlinked(m, dev, ino);
	}
	return ret;
}

int do_mkdirat(struct machine *m, const char *path, int mode)
{
	return disk_mkdir(m, path, mode);
}

long long vfs_fstat_size(struct machine *m, struct files_struct *files, int fd)
{
	struct file *f = fget_raw(files, fd);

	(void)m;
	if (!f)
		return -EBADF;
	return f->f_mapping ? (long long)f->f_mapping->size : 0;
}

/* ---------------------------------------------------------------------- */
/* Boot and shutdown                                                       */
/* ---------------------------------------------------------------------- */

int files_init(struct machine *m, char *err, size_t errlen)
{
	int ret = disk_init(m, err, errlen);

	if (ret)
		return ret;
	m->files_cachep = kmem_cache_create(m, "files_cache", sizeof(struct files_struct), 0,
					    SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	if (!m->files_cachep || inode_init(m) || wb_init(m))
		goto nomem;
	m->kernel_files = files_alloc(m);
	if (!m->kernel_files)
		goto nomem;
	/* inode_init set the dcache's superblock-shrinker and drop_caches hooks */
	return 0;
nomem:
	snprintf(err, errlen, "--mem: too small for the file caches");
	return -ENOMEM;
}

void files_exit(struct machine *m)
{
	if (m->kernel_files) {
		put_files_struct(m, m->kernel_files);
		m->kernel_files = NULL;
	}
	shrink_dcache_unused(m);	/* the names those files held pin inodes */
	inode_exit(m);
	wb_exit(m);		/* writeback: after the last inode left its list */
	disk_exit(m);
}
