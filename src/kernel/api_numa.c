/*
 * api_numa.c - the NUMA part of the public C API (mmsim.h): memory policy
 * system calls by pid, mode names, and writes to the policy's sysfs files.
 *
 * As api_task.c: only the checks a system call's entry makes (a pid that
 * exists: -ESRCH) and the host-side ones (NULL machine, NULL strings);
 * the node masks are the caller's arrays, read and written as the kernel
 * reads and writes user memory (their sizes are in mmsim.h).
 */
#include <errno.h>

#include "api_clock.h"
#include "mempolicy.h"
#include "mman.h"
#include "sysfs.h"
#include "mmsim/mmsim.h"

_Static_assert(MMSIM_MPOL_WEIGHTED_INTERLEAVE == MPOL_WEIGHTED_INTERLEAVE &&
	       MMSIM_MPOL_F_STATIC_NODES == MPOL_F_STATIC_NODES &&
	       MMSIM_MPOL_MF_MOVE_ALL == MPOL_MF_MOVE_ALL &&
	       MMSIM_MPOL_F_MEMS_ALLOWED == MPOL_F_MEMS_ALLOWED,
	       "the public constants are Linux's");

int mmsim_set_mempolicy(mmsim_machine *m, int pid, int mode, const unsigned long *nmask,
			unsigned long maxnode)
{
	struct task_struct *t = task_of(m, pid);

	return t ? (int)sys_set_mempolicy(t, mode, nmask, maxnode) : -ESRCH;
}

int mmsim_get_mempolicy(mmsim_machine *m, int pid, int *mode, unsigned long *nmask,
			unsigned long maxnode, uint64_t addr, unsigned long flags)
{
	struct task_struct *t = task_of(m, pid);

	return t ? (int)sys_get_mempolicy(t, mode, nmask, maxnode, addr, flags) : -ESRCH;
}

int mmsim_mbind(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int mode,
		const unsigned long *nmask, unsigned long maxnode, unsigned int flags)
{
	struct task_struct *t = task_of(m, pid);

	/* mode is an unsigned long in the system call: a negative int stays huge */
	return t ? (int)sys_mbind(t, addr, len, (unsigned long)(long)mode, nmask, maxnode, flags)
		 : -ESRCH;
}

int mmsim_set_mempolicy_home_node(mmsim_machine *m, int pid, uint64_t addr, uint64_t len,
				  unsigned long home_node, unsigned long flags)
{
	struct task_struct *t = task_of(m, pid);

	return t ? (int)sys_set_mempolicy_home_node(t, addr, len, home_node, flags) : -ESRCH;
}

int mmsim_mpol_parse(const char *name)
{
	return name ? mpol_mode_from_name(name) : -1;
}

const char *mmsim_mpol_name(int mode)
{
	return mpol_mode_name(mode);
}

int mmsim_sysfs_write(mmsim_machine *m, const char *path, const char *value)
{
	if (!m || !path || !value)
		return -EINVAL;
	return sysfs_write(m, path, value);
}
