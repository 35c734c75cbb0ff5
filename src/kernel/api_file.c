/*
 * api_file.c - the "Files and the page cache" part of the public C API
 * (mmsim.h): open/close/read/write/pread/pwrite/lseek/ftruncate/fsync/
 * fdatasync/fadvise/unlink/mkdir, and mmap of an open file.
 *
 * A descriptor names a slot of pid's table, or with pid 0 of the
 * machine's own (machine->kernel_files): the API's machine-wide files
 * (Lua's m:open). A call on a process's table is that task's system call
 * (task_enter, charged to it); a call on the machine's table runs with no
 * current task (no task's NUMA policy, faults charged to no one) and is
 * charged to the kernel.
 *
 * Only the checks a system call's entry makes live here (a pid that
 * exists, buffers that are not NULL); the rest is in src/fs.
 *
 * Invariants: a NULL machine is -EINVAL and a pid that does not exist is
 * -ESRCH, returned before anything is charged or entered; otherwise each
 * call on a descriptor table (open to fadvise) charges one system call and
 * sets m->current (the task, or NULL for the machine's table) before the
 * work starts. mmsim_fsize charges nothing and enters no task.
 */
#include <errno.h>
#include <string.h>

#include "api_clock.h"
#include "disk.h"
#include "fs.h"
#include "mman.h"
#include "sched.h"
#include "mmsim/mmsim.h"

/*
 * The table of pid (0: the machine's) with the call charged, the task
 * entered and m->current set; NULL files: no such pid (ret = -ESRCH).
 */
#define GET_FILES(files, m, pid)						\
	struct task_struct *__t = (m) && (pid) ? find_task_by_pid(m, pid) : NULL;	\
	if (!(m) || ((pid) && !__t))						\
		return (m) ? -ESRCH : -EINVAL;					\
	API_CHARGE(m, __t, sim_cost(COST_SYSCALL, 1));				\
	struct files_struct *files = file_table_enter(m, __t)

static struct files_struct *file_table_enter(struct machine *m, struct task_struct *t)
{
	if (t) {
		task_enter(t);
		return t->files;
	}
	m->current = NULL;	/* the kernel's own work: no task's policy */
	return m->kernel_files;
}

int mmsim_open(mmsim_machine *m, int pid, const char *path, int flags, int mode)
{
	GET_FILES(files, m, pid);
	if (!path)
		return -EFAULT;
	return do_sys_open(m, files, path, flags, mode);
}

int mmsim_close(mmsim_machine *m, int pid, int fd)
{
	GET_FILES(files, m, pid);
	return close_fd(m, files, fd);
}

int64_t mmsim_file_read(mmsim_machine *m, int pid, int fd, void *buf, size_t count)
{
	GET_FILES(files, m, pid);
	if (!buf && count)
		return -EFAULT;
	return ksys_read(m, files, fd, buf, count);
}

int64_t mmsim_file_write(mmsim_machine *m, int pid, int fd, const void *buf, size_t count)
{
	GET_FILES(files, m, pid);
	if (!buf && count)
		return -EFAULT;
	return ksys_write(m, files, fd, buf, count);
}

int64_t mmsim_pread(mmsim_machine *m, int pid, int fd, void *buf, size_t count, int64_t off)
{
	GET_FILES(files, m, pid);
	if (!buf && count)
		return -EFAULT;
	return ksys_pread64(m, files, fd, buf, count, off);
}

int64_t mmsim_pwrite(mmsim_machine *m, int pid, int fd, const void *buf, size_t count,
		     int64_t off)
{
	GET_FILES(files, m, pid);
	if (!buf && count)
		return -EFAULT;
	return ksys_pwrite64(m, files, fd, buf, count, off);
}

int64_t mmsim_lseek(mmsim_machine *m, int pid, int fd, int64_t off, int whence)
{
	GET_FILES(files, m, pid);
	return ksys_lseek(m, files, fd, off, whence);
}

int mmsim_ftruncate(mmsim_machine *m, int pid, int fd, int64_t length)
{
	GET_FILES(files, m, pid);
	return do_sys_ftruncate(m, files, fd, length);
}

int mmsim_fsync(mmsim_machine *m, int pid, int fd)
{
	GET_FILES(files, m, pid);
	return do_fsync(m, files, fd, false);
}

int mmsim_fdatasync(mmsim_machine *m, int pid, int fd)
{
	GET_FILES(files, m, pid);
	return do_fsync(m, files, fd, true);
}

int mmsim_fadvise(mmsim_machine *m, int pid, int fd, int64_t off, int64_t len, int advice)
{
	GET_FILES(files, m, pid);
	return ksys_fadvise64_64(m, files, fd, off, len, advice);
}

int64_t mmsim_fsize(mmsim_machine *m, int pid, int fd)
{
	struct task_struct *t = m && pid ? find_task_by_pid(m, pid) : NULL;

	if (!m)
		return -EINVAL;
	if (pid && !t)
		return -ESRCH;
	return vfs_fstat_size(m, t ? t->files : m->kernel_files, fd);
}

int mmsim_unlink(mmsim_machine *m, const char *path)
{
	if (!m)
		return -EINVAL;
	if (!path)
		return -EFAULT;
	API_CHARGE(m, NULL, sim_cost(COST_SYSCALL, 1));
	return do_unlinkat(m, path);
}

int mmsim_mkdir(mmsim_machine *m, const char *path, int mode)
{
	if (!m)
		return -EINVAL;
	if (!path)
		return -EFAULT;
	API_CHARGE(m, NULL, sim_cost(COST_SYSCALL, 1));
	return do_mkdirat(m, path, mode);
}

int mmsim_fadvise_parse(const char *name)
{
	static const char *const names[] = {
		"normal", "random", "sequential", "willneed", "dontneed", "noreuse",
	};

	for (int i = 0; name && i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

int64_t mmsim_mmap_fd(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int prot,
		      int flags, int fd_owner, int fd, uint64_t off)
{
	struct task_struct *owner = NULL;
	struct files_struct *files;
	struct file *file = NULL;

	GET_TASK(t, m, pid);
	if (fd_owner) {
		owner = find_task_by_pid(m, fd_owner);
		if (!owner)
			return -ESRCH;
	}
	files = owner ? owner->files : m->kernel_files;
	/* ksys_mmap_pgoff: only anonymous mappings ignore fd */
	if (!(flags & MAP_ANONYMOUS)) {
		file = fget_raw(files, fd);
		if (!file)
			return -EBADF;
	}
	return sys_mmap(t, addr, len, (unsigned long)(unsigned int)prot,
			(unsigned long)(unsigned int)flags, file, off);
}

int mmsim_disk_fail(mmsim_machine *m, const char *kind, unsigned long n)
{
	if (!m || !m->disk || !kind)
		return -EINVAL;
	if (!strcmp(kind, "read"))
		m->disk->fail_reads = n;
	else if (!strcmp(kind, "write"))
		m->disk->fail_writes = n;
	else
		return -EINVAL;
	return 0;
}
