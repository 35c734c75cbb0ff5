/*
 * mman.h - the memory system calls of a simulated process, with Linux's
 * x86-64 constants (include/uapi/asm-generic/mman*.h, linux/mman.h).
 *
 * Each sys_* takes the calling task, makes it current on its CPU, and
 * returns what the system call returns: a value >= 0 (an address for
 * mmap/mremap/brk) or -errno, errno being exactly what Linux 6.x returns
 * for the same arguments and state. Files: mm/mmap.c (mmap, munmap, brk),
 * mm/mprotect.c, mm/mremap.c, mm/madvise.c, mm/mlock.c, mm/mincore.c (mincore,
 * msync).
 */
#ifndef MMSIM_MMAN_H
#define MMSIM_MMAN_H

#include "sched.h"

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define PROT_SEM	0x8
#define PROT_GROWSDOWN	0x01000000
#define PROT_GROWSUP	0x02000000

#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_DROPPABLE	0x08
#define MAP_TYPE	0x0f
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_32BIT	0x40
#define MAP_GROWSDOWN	0x0100
#define MAP_DENYWRITE	0x0800
#define MAP_EXECUTABLE	0x1000
#define MAP_LOCKED	0x2000
#define MAP_NORESERVE	0x4000
#define MAP_POPULATE	0x8000
#define MAP_NONBLOCK	0x10000
#define MAP_STACK	0x20000
#define MAP_HUGETLB	0x40000
#define MAP_SYNC	0x80000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_UNINITIALIZED 0x4000000

#define MREMAP_MAYMOVE		1
#define MREMAP_FIXED		2
#define MREMAP_DONTUNMAP	4

#define MLOCK_ONFAULT	0x01
#define MCL_CURRENT	1
#define MCL_FUTURE	2
#define MCL_ONFAULT	4

#define MS_ASYNC	1
#define MS_INVALIDATE	2
#define MS_SYNC		4

#define MADV_NORMAL	0
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#define MADV_FREE	8
#define MADV_REMOVE	9
#define MADV_DONTFORK	10
#define MADV_DOFORK	11
#define MADV_MERGEABLE	12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE	14
#define MADV_NOHUGEPAGE	15
#define MADV_DONTDUMP	16
#define MADV_DODUMP	17
#define MADV_WIPEONFORK	18
#define MADV_KEEPONFORK	19
#define MADV_COLD	20
#define MADV_PAGEOUT	21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#define MADV_DONTNEED_LOCKED 24
#define MADV_COLLAPSE	25
#define MADV_HWPOISON	100
#define MADV_SOFT_OFFLINE 101
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103

/*
 * Privileges of simulated processes (mm/mlock.c): they are unprivileged
 * users (no CAP_IPC_LOCK, no CAP_SYS_ADMIN) with Linux 5.16+'s default
 * RLIMIT_MEMLOCK of 8 MiB (MLOCK_LIMIT), so mlock, mlockall(MCL_CURRENT),
 * MAP_LOCKED and the growth of locked mappings are bounded by it.
 */
#define MLOCK_LIMIT	(8UL << 20)
unsigned long rlimit_memlock(const struct mm_struct *mm);	/* bytes */
/* Can bytes more of VM_LOCKED memory be locked (mlock_future_ok)? */
bool mlock_future_ok(const struct mm_struct *mm, vm_flags_t vm_flags, unsigned long bytes);

/*
 * madvise advice by name: Linux's MADV_ names in lower case without the
 * prefix ("dontneed", "populate_write"), and back. -1 / NULL if unknown.
 * mmsim_madvise_parse and the Lua binding use these (mm/madvise.c).
 */
int madvise_behavior_from_name(const char *name);
const char *madvise_behavior_name(int behavior);

/* Prefault [start, start + len) as GUP does (mm/gup.c __mm_populate). */
int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len, bool ignore_errors);

long sys_mmap(struct task_struct *t, unsigned long addr, unsigned long len, unsigned long prot,
	      unsigned long flags, struct file *file, unsigned long off);
long sys_munmap(struct task_struct *t, unsigned long addr, unsigned long len);
long sys_brk(struct task_struct *t, unsigned long brk);
long sys_mprotect(struct task_struct *t, unsigned long start, unsigned long len,
		  unsigned long prot);
long sys_mremap(struct task_struct *t, unsigned long addr, unsigned long old_len,
		unsigned long new_len, unsigned long flags, unsigned long new_addr);
long sys_madvise(struct task_struct *t, unsigned long start, unsigned long len, int behavior);
long sys_mlock(struct task_struct *t, unsigned long start, unsigned long len);
long sys_mlock2(struct task_struct *t, unsigned long start, unsigned long len, int flags);
long sys_munlock(struct task_struct *t, unsigned long start, unsigned long len);
long sys_mlockall(struct task_struct *t, int flags);
long sys_munlockall(struct task_struct *t);
long sys_mincore(struct task_struct *t, unsigned long start, unsigned long len,
		 unsigned char *vec);
long sys_msync(struct task_struct *t, unsigned long start, unsigned long len, int flags);

/*
 * NUMA memory policy (mm/mempolicy.c; constants in mempolicy.h). Node masks
 * are the caller's arrays of unsigned long, read and written as the system
 * calls read and write user memory: set_mempolicy and mbind read
 * BITS_TO_LONGS(maxnode - 1) words; get_mempolicy writes
 * ALIGN(maxnode - 1, 64) / 64 words. Simulated processes lack
 * CAP_SYS_NICE (MPOL_MF_MOVE_ALL: -EPERM).
 */
long sys_set_mempolicy(struct task_struct *t, int mode, const unsigned long *nmask,
		       unsigned long maxnode);
long sys_get_mempolicy(struct task_struct *t, int *policy, unsigned long *nmask,
		       unsigned long maxnode, unsigned long addr, unsigned long flags);
long sys_mbind(struct task_struct *t, unsigned long start, unsigned long len, unsigned long mode,
	       const unsigned long *nmask, unsigned long maxnode, unsigned int flags);
long sys_set_mempolicy_home_node(struct task_struct *t, unsigned long start, unsigned long len,
				 unsigned long home_node, unsigned long flags);

#endif
