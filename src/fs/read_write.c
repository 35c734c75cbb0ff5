/*
 * read_write.c - the calls that move bytes and positions of open files:
 * read, write, pread64, pwrite64, lseek (fs/read_write.c), fsync and
 * fdatasync (fs/sync.c), posix_fadvise (mm/fadvise.c).
 *
 * Bytes move between the caller's buffer (the API's: host memory standing
 * for the user buffer already copied in or out) and the page cache
 * (filemap_read / generic_perform_write), or straight between the buffer
 * and the disk with O_DIRECT (which must be 512-byte aligned in offset
 * and length: EINVAL otherwise, as ext4 on a 512-byte-sector disk says).
 *
 * fsync/fdatasync write the file's dirty folios back synchronously, then
 * report a writeback error recorded since this open file description last
 * looked (errseq_t: once per description, whoever's writeback - the
 * flusher's, reclaim's, another fd's - met it). fdatasync does the same
 * work as fsync: the simulated inode has no metadata of its own to write.
 * The simulated disk needs no cache flush: a host pwrite is where its
 * data is safe.
 *
 * Invariants: f_pos only moves by read/write/lseek of that file; a
 * write never leaves i_size below its end.
 */
#include <errno.h>

#include "fs.h"
#include "pagemap.h"
#include "swap.h"

#define DIO_ALIGN	512		/* the disk's logical block size */

static struct file *fget_read(struct files_struct *files, int fd, int *err)
{
	struct file *f = fget_raw(files, fd);

	*err = -EBADF;
	if (!f || !(f->f_mode & FMODE_READ))
		return NULL;
	*err = f->f_inode ? 0 : -EINVAL;
	return *err ? NULL : f;
}

static struct file *fget_write(struct files_struct *files, int fd, int *err)
{
	struct file *f = fget_raw(files, fd);

	*err = -EBADF;
	if (!f || !(f->f_mode & FMODE_WRITE))
		return NULL;
	*err = f->f_inode ? 0 : -EINVAL;
	return *err ? NULL : f;
}

/* rw_verify_area: no negative positions, no wrap past the largest offset. */
static int rw_verify_area(long long pos, size_t count)
{
	if (pos < 0)
		return -EINVAL;
	if (count > (size_t)MAX_LFS_FILESIZE || pos > MAX_LFS_FILESIZE - (long long)count)
		return -EINVAL;
	return 0;
}

static bool dio_aligned(long long pos, size_t count)
{
	return !((unsigned long long)pos % DIO_ALIGN) && !(count % DIO_ALIGN);
}

static long vfs_read(struct machine *m, struct file *f, void *buf, size_t count,
		     long long *ppos)
{
	long ret = rw_verify_area(*ppos, count);

	if (ret)
		return ret;
	if (!count)
		return 0;
	if (f->f_flags & O_DIRECT) {
		if (!dio_aligned(*ppos, count))
			return -EINVAL;
		ret = direct_io_read(m, f, buf, count, *ppos);
		if (ret > 0)
			*ppos += ret;
		return ret;
	}
	return filemap_read(m, f, buf, count, ppos);
}

static long vfs_write(struct machine *m, struct file *f, const void *buf, size_t count,
		      long long *ppos)
{
	long long pos = *ppos;
	long ret;

	if (f->f_flags & O_APPEND)
		pos = (long long)f->f_mapping->size;	/* generic_write_checks */
	ret = rw_verify_area(pos, count);
	if (ret)
		return ret == -EINVAL && pos >= 0 ? -EFBIG : ret;
	if (!count)
		return 0;
	if (f->f_flags & O_DIRECT) {
		if (!dio_aligned(pos, count))
			return -EINVAL;
		ret = direct_io_write(m, f, buf, count, pos);
	} else {
		ret = generic_perform_write(m, f, buf, count, pos);
	}
	if (ret > 0) {
		*ppos = pos + ret;
		/* O_SYNC / O_DSYNC: generic_write_sync */
		if (f->f_flags & O_DSYNC) {
			int err = filemap_write_and_wait_range(f->f_mapping, pos, pos + ret - 1);

			if (err)
				return err;
		}
	}
	return ret;
}

long ksys_read(struct machine *m, struct files_struct *files, int fd, void *buf, size_t count)
{
	int err;
	struct file *f = fget_read(files, fd, &err);

	if (!f)
		return err;
	return vfs_read(m, f, buf, count, &f->f_pos);
}

long ksys_write(struct machine *m, struct files_struct *files, int fd, const void *buf,
		size_t count)
{
	int err;
	struct file *f = fget_write(files, fd, &err);

	if (!f)
		return err;
	return vfs_write(m, f, buf, count, &f->f_pos);
}

long ksys_pread64(struct machine *m, struct files_struct *files, int fd, void *buf,
		  size_t count, long long pos)
{
	int err;
	struct file *f = fget_read(files, fd, &err);

	if (!f)
		return err;
	if (pos < 0)
		return -EINVAL;
	return vfs_read(m, f, buf, count, &pos);
}

long ksys_pwrite64(struct machine *m, struct files_struct *files, int fd, const void *buf,
		   size_t count, long long pos)
{
	int err;
	struct file *f = fget_write(files, fd, &err);

	if (!f)
		return err;
	if (pos < 0)
		return -EINVAL;
	/* pwrite on an O_APPEND file appends anyway, as Linux's does (a known bug) */
	return vfs_write(m, f, buf, count, &pos);
}

long long ksys_lseek(struct machine *m, struct files_struct *files, int fd, long long off,
		     int whence)
{
	struct file *f = fget_raw(files, fd);
	long long size, pos;

	(void)m;
	if (!f)
		return -EBADF;
	if (!f->f_inode)
		return -ESPIPE;
	size = (long long)f->f_mapping->size;
	switch (whence) {
	case SEEK_SET:
		pos = off;
		break;
	case SEEK_CUR:
		if (off > 0 && f->f_pos > MAX_LFS_FILESIZE - off)
			return -EOVERFLOW;
		pos = f->f_pos + off;
		break;
	case SEEK_END:
		if (off > 0 && size > MAX_LFS_FILESIZE - off)
			return -EOVERFLOW;
		pos = size + off;
		break;
	case SEEK_DATA:		/* no holes are tracked: all data up to i_size */
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = off;
		break;
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = size;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

int do_fsync(struct machine *m, struct files_struct *files, int fd, bool datasync)
{
	struct file *f = fget_raw(files, fd);
	int ret, err;

	(void)m;
	(void)datasync;		/* no metadata of its own to skip: the same work */
	if (!f)
		return -EBADF;
	if (!f->f_inode)
		return -EINVAL;
	ret = filemap_write_and_wait_range(f->f_mapping, 0, MAX_LFS_FILESIZE);
	err = file_check_and_advance_wb_err(f);
	return ret ? ret : err;
}

/* generic_fadvise */
int ksys_fadvise64_64(struct machine *m, struct files_struct *files, int fd, long long offset,
		      long long len, int advice)
{
	struct file *f = fget_raw(files, fd);
	unsigned long start_index, end_index;
	struct address_space *mapping;
	long long endbyte;

	if (!f)
		return -EBADF;
	if (!f->f_inode)
		return -ESPIPE;
	if (len < 0)
		return -EINVAL;
	mapping = f->f_mapping;
	endbyte = (len == 0 || offset > MAX_LFS_FILESIZE - len) ? MAX_LFS_FILESIZE
							       : offset + len;
	endbyte--;		/* inclusive */
	switch (advice) {
	case POSIX_FADV_NORMAL:
		f->f_ra.ra_pages = VM_READAHEAD_PAGES;
		f->f_mode &= ~FMODE_RANDOM;
		break;
	case POSIX_FADV_RANDOM:
		f->f_mode |= FMODE_RANDOM;
		break;
	case POSIX_FADV_SEQUENTIAL:
		f->f_ra.ra_pages = VM_READAHEAD_PAGES * 2;
		f->f_mode &= ~FMODE_RANDOM;
		break;
	case POSIX_FADV_WILLNEED:
		if (offset < 0)
			return -EINVAL;
		start_index = (unsigned long)offset >> PAGE_SHIFT;
		end_index = (unsigned long)endbyte >> PAGE_SHIFT;
		force_page_cache_readahead(f, start_index, end_index - start_index + 1);
		break;
	case POSIX_FADV_NOREUSE:
		break;
	case POSIX_FADV_DONTNEED:
		if (offset < 0)
			return -EINVAL;
		/* Linux starts writeback without waiting; ours is synchronous */
		filemap_write_and_wait_range(mapping, offset, endbyte);
		/* whole pages only: a partial page at either end stays */
		start_index = ((unsigned long)offset + PAGE_SIZE - 1) >> PAGE_SHIFT;
		end_index = (unsigned long)endbyte >> PAGE_SHIFT;
		if (((unsigned long)endbyte & ~PAGE_MASK) != ~PAGE_MASK) {
			if (end_index == 0)
				break;
			end_index--;
		}
		if (end_index >= start_index) {
			lru_add_drain(m);
			invalidate_mapping_pages(mapping, start_index, end_index);
		}
		break;
	default:
		return -EINVAL;
	}
	return 0;
}
