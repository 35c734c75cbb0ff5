/*
 * api_task.c - the "Processes" part of the public C API (mmsim.h): pids
 * in, system calls and user accesses out, each answering what Linux's
 * system call would (a value >= 0 or -errno).
 *
 * The checks here are only those a system call's entry does before the
 * kernel proper sees its arguments (a pid that exists: -ESRCH; a file
 * descriptor: -EBADF) and the host-side ones a C caller can
 * get wrong (NULL machine or buffer): nothing a caller passes may crash
 * the library. Everything else is the sys_* functions' business.
 *
 * Every call that makes the machine work is charged to the simulated clock
 * (api_clock.h): GET_TASK opens the charge of a system call; user accesses,
 * spawn, fork, exec and exit add what they cost. Observing (pids, task
 * info) is free.
 */
#include <errno.h>
#include <string.h>

#include "api_clock.h"
#include "mm.h"
#include "mman.h"
#include "oom.h"
#include "sched.h"
#include "tlbflush.h"
#include "mmsim/mmsim.h"

/* kernel/sys.c prctl options handled here. */
#define PR_SET_THP_DISABLE	41
#define PR_GET_THP_DISABLE	42

/* ---- lifecycle ---- */

int mmsim_spawn(mmsim_machine *m, const char *comm)
{
	struct task_struct *t;
	int err = 0;

	if (!m)
		return -EINVAL;
	if (!comm || !*comm)
		return -ENOENT;		/* execve("") */
	API_CHARGE(m, NULL, sim_cost(COST_FORK, 1) + sim_cost(COST_EXEC, 1));
	t = task_spawn(m, comm, &err);
	return t ? t->pid : err;
}

static int fork_common(mmsim_machine *m, int pid, unsigned long clone_flags)
{
	struct task_struct *child;
	int err = 0;

	GET_TASK(t, m, pid);
	child = do_fork(t, clone_flags, &err);
	if (!child)
		return err;
	/* A thread shares the mm; a process gets a copy of each present pte. */
	api_charge_system(sim_cost(COST_FORK, 1));
	if (!(clone_flags & CLONE_VM))
		api_charge_system(sim_cost(COST_FORK_PTE, get_mm_rss(child->mm)));
	return child->pid;
}

int mmsim_fork(mmsim_machine *m, int pid)
{
	return fork_common(m, pid, 0);
}

int mmsim_clone_vm(mmsim_machine *m, int pid)
{
	return fork_common(m, pid, CLONE_VM);
}

int mmsim_exit(mmsim_machine *m, int pid, int code)
{
	GET_TASK(t, m, pid);
	api_charge_system(sim_cost(COST_EXIT, 1));
	do_exit(t, code);
	api_charge_task_gone();
	return 0;
}

int mmsim_exec(mmsim_machine *m, int pid, const char *comm)
{
	GET_TASK(t, m, pid);
	if (!comm)
		return -EFAULT;
	api_charge_system(sim_cost(COST_EXEC, 1));
	return do_execve(t, comm);
}

size_t mmsim_pids(mmsim_machine *m, int *out, size_t max)
{
	struct task_struct *t;
	size_t n = 0;

	if (!m || !m->tasks.next)
		return 0;
	list_for_each_entry(t, &m->tasks, tasks) {
		if (out && n < max)
			out[n] = t->pid;
		n++;
	}
	return n;
}

/* ---- memory system calls ---- */

int64_t mmsim_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int prot,
		   int flags, int fd, uint64_t off)
{
	/* fd is pid's own descriptor (api_file.c, issue 5) */
	return mmsim_mmap_fd(m, pid, addr, len, prot, flags, pid, fd, off);
}

int mmsim_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	GET_TASK(t, m, pid);
	return (int)sys_munmap(t, addr, len);
}

int mmsim_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int prot)
{
	GET_TASK(t, m, pid);
	return (int)sys_mprotect(t, addr, len, (unsigned long)(unsigned int)prot);
}

int64_t mmsim_mremap(mmsim_machine *m, int pid, uint64_t addr, uint64_t old_len,
		     uint64_t new_len, int flags, uint64_t new_addr)
{
	GET_TASK(t, m, pid);
	return sys_mremap(t, addr, old_len, new_len, (unsigned long)(unsigned int)flags,
			  new_addr);
}

int64_t mmsim_brk(mmsim_machine *m, int pid, uint64_t addr)
{
	GET_TASK(t, m, pid);
	return sys_brk(t, addr);
}

int mmsim_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice)
{
	GET_TASK(t, m, pid);
	return (int)sys_madvise(t, addr, len, advice);
}

int mmsim_mlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	GET_TASK(t, m, pid);
	return (int)sys_mlock(t, addr, len);
}

int mmsim_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags)
{
	GET_TASK(t, m, pid);
	return (int)sys_mlock2(t, addr, len, flags);
}

int mmsim_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	GET_TASK(t, m, pid);
	return (int)sys_munlock(t, addr, len);
}

int mmsim_mlockall(mmsim_machine *m, int pid, int flags)
{
	GET_TASK(t, m, pid);
	return (int)sys_mlockall(t, flags);
}

int mmsim_munlockall(mmsim_machine *m, int pid)
{
	GET_TASK(t, m, pid);
	return (int)sys_munlockall(t);
}

int mmsim_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec)
{
	GET_TASK(t, m, pid);
	/* A NULL vector is a bad user buffer: Linux's copy_to_user fails. */
	if (!vec)
		return (addr & ~PAGE_MASK) ? -EINVAL : len ? -EFAULT : 0;
	return (int)sys_mincore(t, addr, len, vec);
}

int mmsim_msync(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags)
{
	GET_TASK(t, m, pid);
	return (int)sys_msync(t, addr, len, flags);
}

int mmsim_madvise_parse(const char *name)
{
	if (!name)
		return -1;
	return madvise_behavior_from_name(name);
}

/* prctl(2), the memory options (kernel/sys.c). */
int mmsim_prctl(mmsim_machine *m, int pid, int option, unsigned long arg2)
{
	struct mm_struct *mm;
	int ret = 0;

	GET_TASK(t, m, pid);
	mm = t->mm;
	switch (option) {
	case PR_SET_THP_DISABLE:
		task_enter(t);
		spin_lock(&mm->mmap_lock);
		if (arg2)
			mm->flags |= 1UL << MMF_DISABLE_THP;
		else
			mm->flags &= ~(1UL << MMF_DISABLE_THP);
		spin_unlock(&mm->mmap_lock);
		break;
	case PR_GET_THP_DISABLE:
		ret = (mm->flags >> MMF_DISABLE_THP) & 1;
		break;
	default:
		ret = -EINVAL;
	}
	return ret;
}

/* ---- user accesses ---- */

/*
 * The user-mode cost of an access to [addr, last]: one access per page and,
 * when bytes move (read/write), their copy.
 */
static uint64_t access_cost(uint64_t addr, uint64_t last, bool copy)
{
	uint64_t pages = (last >> PAGE_SHIFT) - (addr >> PAGE_SHIFT) + 1;
	uint64_t ns = sim_cost(COST_USER_ACCESS, pages);

	if (copy)
		ns += sim_cost(COST_BYTE_COPY, (last - addr) / 1024 + 1);
	return ns;
}

static int user_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len,
		       unsigned int acc, struct mmsim_fault *fault)
{
	struct ksiginfo si = { 0 };
	uint64_t last;
	int ret = 0;

	if (fault)
		memset(fault, 0, sizeof(*fault));
	LOOKUP_TASK(t, m, pid);
	if (!len)
		return 0;
	API_CHARGE(m, t, 0);
	task_enter(t);
	ret = mmu_access(t, addr, buf, len, acc, &si, NULL);
	if (ret && fault) {
		fault->signo = si.signo;
		fault->code = si.code;
		fault->addr = si.addr;
	}
	/* A signal stops the access at the faulting address. */
	last = addr + (len - 1) < addr ? UINT64_MAX : addr + (len - 1);
	if (ret)
		last = si.signo && si.addr >= addr && si.addr <= last ? si.addr : addr;
	api_charge_user(access_cost(addr, last, buf != NULL));
	return ret;
}

int mmsim_read(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len,
	       struct mmsim_fault *fault)
{
	if (m && m->cfg.metadata_only)
		return task_of(m, pid) ? -EINVAL : -ESRCH;
	if (!buf && len)
		return task_of(m, pid) ? -EINVAL : -ESRCH;
	return user_access(m, pid, addr, buf, len, ACC_READ, fault);
}

int mmsim_write(mmsim_machine *m, int pid, uint64_t addr, const void *buf, size_t len,
		struct mmsim_fault *fault)
{
	if (m && m->cfg.metadata_only)
		return task_of(m, pid) ? -EINVAL : -ESRCH;
	if (!buf && len)
		return task_of(m, pid) ? -EINVAL : -ESRCH;
	return user_access(m, pid, addr, (void *)buf, len, ACC_WRITE, fault);
}

int mmsim_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int write,
		struct mmsim_fault *fault)
{
	return user_access(m, pid, addr, NULL, len, write ? ACC_WRITE : ACC_READ, fault);
}

/* ---- information ---- */

int mmsim_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info)
{
	LOOKUP_TASK(t, m, pid);
	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->pid = t->pid;
	info->tgid = t->tgid;
	info->ppid = t->ppid;
	memcpy(info->comm, t->comm, sizeof(info->comm));
	info->comm[sizeof(info->comm) - 1] = '\0';
	info->min_flt = t->min_flt;
	info->maj_flt = t->maj_flt;
	info->cpu = t->cpu;
	return 0;
}

int mmsim_mmu_stats(mmsim_machine *m, int cpu, struct mmsim_mmu_stats *st)
{
	struct tlb_stats s;

	if (!m || !st || cpu >= m->nr_cpus)
		return -EINVAL;
	tlb_get_stats(m, cpu < 0 ? -1 : cpu, &s);
	st->tlb_hits = s.hits;
	st->tlb_misses = s.misses;
	st->walks = s.walks;
	st->faults = s.faults;
	st->cr3_loads = s.cr3_loads;
	return 0;
}

/* ---- OOM killer (issue 5, oom) ---- */

int mmsim_oom_score_adj_get(mmsim_machine *m, int pid, int *adj)
{
	LOOKUP_TASK(t, m, pid);
	if (!adj)
		return -EINVAL;
	*adj = t->oom_score_adj;
	return 0;
}

int mmsim_oom_score_adj_set(mmsim_machine *m, int pid, int adj)
{
	LOOKUP_TASK(t, m, pid);
	return set_oom_score_adj(t, adj);
}
