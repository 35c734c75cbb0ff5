/*
 * fork.c - tasks and the lifetime of their address spaces: the slab
 * caches of the process objects, mm_struct allocation and teardown
 * (kernel/fork.c), fork and clone(CLONE_VM) with dup_mmap, exit
 * (kernel/exit.c), execve with the image of a small static program
 * (fs/exec.c, fs/binfmt_elf.c, arch/x86/entry/vdso/vma.c), and running a
 * task on its CPU.
 *
 * Invariants (sched.h): pids are unique among live tasks and never 0;
 * machine->tasks is in pid order; a live task has an mm and
 * mm->mm_users equals the number of live tasks using it; mm->mm_count is
 * one for all the users together plus one per other reference (mmgrab),
 * and the struct, its pgd and its place on machine->mm_list go with the
 * last reference. An exited task is freed at once (no zombies).
 *
 * Locks: dup_mmap holds the parent's mmap_lock and the child's "nested"
 * (Linux's mmap_write_lock_nested, SINGLE_DEPTH_NESTING): the lock-order
 * checker knows one lock per class, so the child's is taken outside it.
 * The program image is built with the new mm's mmap_lock held, as exec
 * does once the new mm is the task's.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "khugepaged.h"
#include "mm.h"
#include "fs.h"
#include "mman.h"
#include "memory.h"
#include "mempolicy.h"
#include "pgalloc.h"
#include "rmap.h"
#include "sched.h"
#include "tlbflush.h"
#include "vma.h"
#include "hugetlb.h"

/* Pids wrap from pid_max back to here (kernel/pid.c RESERVED_PIDS). */
#define RESERVED_PIDS		300
#define PIDS_PER_CPU_DEFAULT	1024

/* mm->flags a child (and an exec'd image) inherits: dumpable, THP disable. */
#define MMF_DUMPABLE_MASK	3UL
#define MMF_INIT_MASK		(MMF_DUMPABLE_MASK | (1UL << MMF_DISABLE_THP))
/* def_flags that survive fork and exec (VM_INIT_DEF_MASK). */
#define VM_INIT_DEF_MASK	VM_NOHUGEPAGE

/* ---------------------------------------------------------------------- */
/* Slab caches                                                             */
/* ---------------------------------------------------------------------- */

/*
 * Objects are at least as large as Linux 6.18's (the host's slabinfo), so
 * slabinfo and meminfo's Slab show what processes cost a real kernel, not
 * what our smaller structs would. Flags as kernel/fork.c and fs/ give them.
 */
static const struct proc_cache {
	const char *name;
	size_t ours, linux_size, align;
	slab_flags_t flags;
	size_t cache_off;
} proc_caches[] = {
	{ "mm_struct", sizeof(struct mm_struct), 1600, 0,
	  SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT,
	  offsetof(struct machine, mm_cachep) },
	{ "vm_area_struct", sizeof(struct vm_area_struct), 192, 0,
	  SLAB_PANIC | SLAB_ACCOUNT | SLAB_TYPESAFE_BY_RCU,
	  offsetof(struct machine, vm_area_cachep) },
	{ "task_struct", sizeof(struct task_struct), 5824, 64,
	  SLAB_PANIC | SLAB_ACCOUNT,
	  offsetof(struct machine, task_cachep) },
	{ "filp", sizeof(struct file), 192, 0,
	  SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT | SLAB_TYPESAFE_BY_RCU,
	  offsetof(struct machine, filp_cachep) },
	{ "shmem_inode_cache", sizeof(struct address_space), 752, 0,
	  SLAB_PANIC | SLAB_ACCOUNT,
	  offsetof(struct machine, shmem_inode_cachep) },
};

int proc_caches_init(struct machine *m)
{
	for (size_t i = 0; i < ARRAY_SIZE(proc_caches); i++) {
		const struct proc_cache *pc = &proc_caches[i];
		struct kmem_cache **slot = (struct kmem_cache **)((char *)m + pc->cache_off);
		size_t size = max(pc->ours, pc->linux_size);

		*slot = kmem_cache_create(m, pc->name, (unsigned int)size,
					  (unsigned int)pc->align, pc->flags, NULL);
		if (!*slot)
			return -ENOMEM;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* mm_struct lifetime                                                      */
/* ---------------------------------------------------------------------- */

static void mm_init_fields(struct machine *m, struct mm_struct *mm)
{
	memset(mm, 0, sizeof(*mm));
	mm->machine = m;
	mm->mm_rb = RB_ROOT;
	mm->mm_users = 1;
	mm->mm_count = 1;
	spin_lock_init(&mm->mmap_lock, LOCK_MMAP);
	spin_lock_init(&mm->page_table_lock, LOCK_PTL);
	INIT_LIST_HEAD(&mm->mmlist);
	mm->task_size = m->cfg.pgtable_levels == 5 ? TASK_SIZE_L5 : TASK_SIZE_L4;
	mm->flags = 1UL << MMF_DUMPABLE;	/* SUID_DUMP_USER */
}

struct mm_struct *mm_alloc(struct machine *m)
{
	struct mm_struct *mm = kmem_cache_alloc(m, m->mm_cachep, GFP_KERNEL);

	if (!mm)
		return NULL;
	mm_init_fields(m, mm);
	if (pgd_alloc(mm)) {
		kmem_cache_free(m, m->mm_cachep, mm);
		return NULL;
	}
	/* Context ids are never reused, so a PCID match means the same mm. */
	mm->ctx_id = ++m->next_ctx_id;
	arch_pick_mmap_layout(mm);
	list_add_tail(&mm->mmlist, &m->mm_list);
	return mm;
}

/* The last reference to the struct: no CPU may keep it loaded. */
static void __mmdrop(struct mm_struct *mm)
{
	struct machine *m = mm->machine;

	VM_BUG_ON(mm->map_count != 0);
	tlb_mm_release(mm);
	list_del(&mm->mmlist);
	pgd_free(mm);
	kmem_cache_free(m, m->mm_cachep, mm);
}

void mmdrop(struct mm_struct *mm)
{
	VM_BUG_ON(mm->mm_count <= 0);
	if (--mm->mm_count == 0)
		__mmdrop(mm);
}

void mmput(struct mm_struct *mm)
{
	VM_BUG_ON(mm->mm_users <= 0);
	if (--mm->mm_users)
		return;
	exit_mmap(mm);
	mmdrop(mm);
}

/* ---------------------------------------------------------------------- */
/* fork: copying an address space                                          */
/* ---------------------------------------------------------------------- */

/*
 * mmap_write_lock_nested: the child's lock, taken while the parent's is
 * held. It is the same class as the parent's, so it bypasses the
 * lock-order checker exactly as SINGLE_DEPTH_NESTING tells lockdep to.
 */
static void mmap_lock_nested(struct mm_struct *mm)
{
	VM_BUG_ON(mm->mmap_lock.locked);
	mm->mmap_lock.locked = 1;
}

static void mmap_unlock_nested(struct mm_struct *mm)
{
	VM_BUG_ON(!mm->mmap_lock.locked);
	mm->mmap_lock.locked = 0;
}

/*
 * One VMA of the parent into the child: a copy without mlock, its rmap
 * (anon_vma_fork; none for WIPEONFORK, which starts empty), linked, then
 * its page tables (copy_page_range decides which VMAs need them: private
 * anonymous memory and a few special cases).
 */
static int dup_one_vma(struct mm_struct *mm, struct vm_area_struct *mpnt)
{
	struct vm_area_struct *tmp;
	long charge = 0;
	int ret;

	if (mpnt->vm_flags & VM_ACCOUNT) {
		if (security_vm_enough_memory_mm(mpnt->vm_mm, (long)vma_pages(mpnt)))
			return -ENOMEM;
		charge = (long)vma_pages(mpnt);
	}
	tmp = vm_area_dup(mpnt);
	if (!tmp)
		goto fail_unacct;
	tmp->vm_mm = mm;
	tmp->vm_flags &= ~VM_LOCKED_MASK;
	if (is_vm_hugetlb_page(tmp))	/* the child has no reservations */
		hugetlb_dup_vma_private(tmp);
	if (tmp->vm_flags & VM_WIPEONFORK) {
		tmp->anon_vma = NULL;
	} else if (anon_vma_fork(tmp, mpnt)) {
		vm_area_free(tmp);
		goto fail_unacct;
	}
	if (tmp->vm_file)
		get_file(tmp->vm_file);
	vma_link(mm, tmp);
	/*
	 * Linux copies total_vm and friends from the parent up front and
	 * subtracts the VMAs it skips; accounting each copied VMA as it is
	 * linked gives the same figures and keeps the child consistent at
	 * every step (a validator may run between two links).
	 */
	vm_stat_account(mm, tmp->vm_flags, (long)vma_pages(tmp));
	if (tmp->vm_flags & VM_WIPEONFORK)
		return 0;
	ret = copy_page_range(tmp, mpnt);
	return ret;	/* on failure the partial copy goes with the child's mmput */

fail_unacct:
	if (charge)
		vm_unacct_memory(mm->machine, charge);
	return -ENOMEM;
}

static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt;
	int ret = 0;

	spin_lock(&oldmm->mmap_lock);
	mmap_lock_nested(mm);
	for_each_vma(oldmm, mpnt) {
		/* MADV_DONTFORK: the child never sees it (Linux uncounts it here). */
		if (mpnt->vm_flags & VM_DONTCOPY)
			continue;
		ret = dup_one_vma(mm, mpnt);
		if (ret)
			break;
	}
	mmap_unlock_nested(mm);
	/* The parent's ptes were write-protected: one flush for all of them. */
	flush_tlb_mm(oldmm);
	spin_unlock(&oldmm->mmap_lock);
	return ret;
}

/* The child's mm: everything of the parent's but its tables and counters. */
static struct mm_struct *dup_mm(struct task_struct *tsk, struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc(oldmm->machine);

	if (!mm)
		return NULL;
	mm->owner = tsk;
	mm->flags = oldmm->flags & MMF_INIT_MASK;
	mm->def_flags = oldmm->def_flags & VM_INIT_DEF_MASK;
	mm->mmap_base = oldmm->mmap_base;
	mm->mmap_legacy_base = oldmm->mmap_legacy_base;
	mm->task_size = oldmm->task_size;
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_data = oldmm->start_data;
	mm->end_data = oldmm->end_data;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->arg_start = oldmm->arg_start;
	mm->arg_end = oldmm->arg_end;
	mm->env_start = oldmm->env_start;
	mm->env_end = oldmm->env_end;
	if (dup_mmap(mm, oldmm)) {
		mmput(mm);
		return NULL;
	}
	khugepaged_fork(mm, oldmm);	/* THP: registered as the parent is */
	/* dup_mm: the child's peaks start from what it has now. */
	mm->hiwater_rss = get_mm_rss(mm);
	mm->hiwater_vm = mm->total_vm;
	return mm;
}

/* ---------------------------------------------------------------------- */
/* Tasks                                                                   */
/* ---------------------------------------------------------------------- */

int pid_max(const struct machine *m)
{
	return max(PID_MAX_DEFAULT, PIDS_PER_CPU_DEFAULT * m->nr_cpus);
}

struct task_struct *find_task_by_pid(struct machine *m, int pid)
{
	struct task_struct *t;

	if (pid <= 0 || !m->tasks.next)
		return NULL;
	/* newest first: new pids and recent children are at the tail */
	list_for_each_entry_reverse(t, &m->tasks, tasks) {
		if (t->pid == pid)
			return t;
		if (t->pid < pid)
			break;
	}
	return NULL;
}

/*
 * alloc_pid: the next pid after the last one handed out, cyclically, so
 * a pid is not reused until the numbers wrap past pid_max (to 300).
 */
static int alloc_pid(struct machine *m)
{
	int limit = pid_max(m), pid = m->last_pid;

	for (int tries = 0; tries < limit; tries++) {
		pid++;
		if (pid >= limit)
			pid = RESERVED_PIDS;
		if (!find_task_by_pid(m, pid)) {
			m->last_pid = pid;
			return pid;
		}
	}
	return -EAGAIN;
}

/* Into machine->tasks, keeping pid order (pids wrap). */
static void task_link(struct machine *m, struct task_struct *t)
{
	struct task_struct *pos;

	/* from the tail: a new pid is the largest until pids wrap */
	list_for_each_entry_reverse(pos, &m->tasks, tasks) {
		if (pos->pid < t->pid) {
			list_add(&t->tasks, &pos->tasks);
			goto linked;
		}
	}
	list_add(&t->tasks, &m->tasks);
linked:
	m->nr_tasks++;
}

/* The last component of a program's path: what comm and argv[0] show. */
static const char *comm_base(const char *path)
{
	const char *base = strrchr(path, '/');

	return base ? base + 1 : path;
}

static void set_comm(struct task_struct *t, const char *comm)
{
	snprintf(t->comm, sizeof(t->comm), "%s", comm_base(comm));
}

/* A task_struct with its pid and CPU; no mm yet, not on the list. */
static struct task_struct *task_alloc(struct machine *m, int *err)
{
	struct task_struct *t;
	int pid = alloc_pid(m);

	if (pid < 0) {
		*err = pid;
		return NULL;
	}
	t = kmem_cache_alloc(m, m->task_cachep, GFP_KERNEL);
	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->pid = t->tgid = pid;
	t->machine = m;
	/* Round-robin in creation order: deterministic runs. */
	t->cpu = (int)(m->total_forks++ % (unsigned long)m->nr_cpus);
	t->start_time_ns = m->clock_ns;
	INIT_LIST_HEAD(&t->tasks);
	return t;
}

static void task_free(struct task_struct *t)
{
	struct machine *m = t->machine;

	if (m->current == t)
		m->current = NULL;
	mpol_put_task_policy(t);
	put_files_struct(m, t->files);	/* exit_files (issue 5, filemap) */
	kmem_cache_free(m, m->task_cachep, t);
}

void task_enter(struct task_struct *t)
{
	struct machine *m = t->machine;

	m->current = t;
	m->cpu = t->cpu;
	/* switch_mm returns at once when the CPU already runs this mm. */
	switch_mm(m, t->cpu, t->mm);
}

struct task_struct *do_fork(struct task_struct *parent, unsigned long clone_flags, int *err)
{
	struct machine *m = parent->machine;
	struct task_struct *t;
	int dummy;

	if (!err)
		err = &dummy;
	t = task_alloc(m, err);
	if (!t)
		return NULL;
	/* fork runs in the parent, on its CPU. */
	task_enter(parent);
	memcpy(t->comm, parent->comm, sizeof(t->comm));
	t->oom_score_adj = parent->oom_score_adj;
	/* copy_process: the child (or thread) gets a copy of the NUMA policy */
	*err = mpol_fork_task(t, parent);
	if (*err) {
		task_free(t);
		return NULL;
	}
	/* copy_files (issue 5, filemap): threads share the table (CLONE_FILES) */
	if (clone_flags & CLONE_VM) {
		t->files = parent->files;
		if (t->files)
			t->files->count++;
	} else if (parent->files) {
		t->files = dup_fd(m, parent->files, err);
		if (!t->files) {
			task_free(t);
			return NULL;
		}
	}
	if (clone_flags & CLONE_VM) {
		/* A thread: the parent's mm and thread group. */
		t->tgid = parent->tgid;
		t->ppid = parent->ppid;
		t->mm = parent->mm;
		t->mm->mm_users++;
	} else {
		t->ppid = parent->tgid;
		t->mm = dup_mm(t, parent->mm);
		if (!t->mm) {
			task_free(t);
			*err = -ENOMEM;
			return NULL;
		}
	}
	task_link(m, t);
	return t;
}

/* The mm's owner is going: hand it to another user (mm_update_next_owner). */
static void mm_update_next_owner(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	struct task_struct *c;

	if (mm->owner != t || mm->mm_users <= 1)
		return;
	list_for_each_entry(c, &t->machine->tasks, tasks) {
		if (c != t && c->mm == mm) {
			mm->owner = c;
			return;
		}
	}
}

/* The thread group is gone: its children go to init (pid 1), or to no one. */
static void forget_original_parent(struct task_struct *t)
{
	struct machine *m = t->machine;
	struct task_struct *c;
	int reaper = find_task_by_pid(m, 1) && t->tgid != 1 ? 1 : 0;

	list_for_each_entry(c, &m->tasks, tasks)
		if (c->tgid == t->tgid)
			return;	/* another thread still stands for the group */
	list_for_each_entry(c, &m->tasks, tasks)
		if (c->ppid == t->tgid)
			c->ppid = reaper;
}

void do_exit(struct task_struct *t, int code)
{
	struct machine *m = t->machine;
	struct mm_struct *mm = t->mm;

	task_enter(t);
	t->exit_code = code;
	list_del(&t->tasks);
	m->nr_tasks--;
	mm_update_next_owner(t);
	t->mm = NULL;
	mmput(mm);
	forget_original_parent(t);
	task_free(t);
}

void exit_all_tasks(struct machine *m)
{
	if (!m->tasks.next)
		return;
	while (!list_empty(&m->tasks))
		do_exit(list_last_entry(&m->tasks, struct task_struct, tasks), 0);
	m->current = NULL;
}

/* ---------------------------------------------------------------------- */
/* exec: the image of a small static program                               */
/* ---------------------------------------------------------------------- */

/*
 * The program headers of a small static non-PIE x86-64 binary (a
 * gcc -static -no-pie build of a few lines of C against glibc, as on the
 * host): what load_elf_binary maps. The bss beyond the last file page is
 * an anonymous brk-style mapping; the break starts after it.
 */
struct elf_phdr_sim {
	unsigned long vaddr, offset, filesz, memsz;
	unsigned long prot;
};

static const struct elf_phdr_sim prog_phdrs[] = {
	{ 0x400000, 0x000000, 0x000518, 0x000518, PROT_READ },			/* ELF headers, notes */
	{ 0x401000, 0x001000, 0x077f01, 0x077f01, PROT_READ | PROT_EXEC },	/* .text */
	{ 0x479000, 0x079000, 0x027091, 0x027091, PROT_READ },			/* .rodata, .eh_frame */
	{ 0x4a16d8, 0x0a06d8, 0x005b98, 0x023a68, PROT_READ | PROT_WRITE },	/* .data, .bss */
};
#define PROG_FILE_SIZE	0x0a7000UL
#define PROG_ENTRY	0x401600UL
#define PROG_PHNUM	10

/* arch/x86: the stack and its randomisation; exec's initial stack room. */
#define STACK_TOP		TASK_SIZE_L4	/* DEFAULT_MAP_WINDOW, also with 5 levels */
#define STACK_RND_MASK		0x3fffffUL
#define STACK_EXPAND		(128UL << 10)	/* setup_arg_pages' stack_expand */
#define BRK_RND_RANGE		(32UL << 20)	/* arch_randomize_brk, 64-bit */

/* The vDSO image of Linux 6.18 x86-64: [vvar] 4 pages, [vvar_vclock] 2, [vdso] 2. */
#define VVAR_PAGES		4
#define VVAR_VCLOCK_PAGES	2
#define VDSO_PAGES		2

static const char *const prog_env[] = { "HOME=/", "TERM=linux", "PATH=/usr/bin:/bin", NULL };

/* Auxiliary vector keys (include/uapi/linux/auxvec.h) in create_elf_tables' order. */
enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
	AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
	AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
	AT_HWCAP2 = 26, AT_RSEQ_FEATURE_SIZE = 27, AT_RSEQ_ALIGN = 28, AT_EXECFN = 31,
	AT_SYSINFO_EHDR = 33, AT_MINSIGSTKSZ = 51,
};

struct exec_image {
	char filename[256];		/* the path exec was given (AT_EXECFN, maps) */
	struct file *file;		/* the program's file, or NULL: anonymous image */
	unsigned long stack_top;
	unsigned long vdso_base;
	unsigned long sp;		/* the initial stack pointer (start_stack) */
	unsigned long execfn, platform, random;
};

/* A mapping as mmap would make it; mmap_lock held. 0 or -errno. */
static int image_mmap(struct task_struct *t, struct exec_image *img, unsigned long addr,
		      unsigned long len, unsigned long prot, unsigned long flags,
		      unsigned long pgoff)
{
	unsigned long populate = 0, ret;
	struct file *file = (flags & MAP_ANONYMOUS) ? NULL : img->file;

	if (!file)
		flags |= MAP_ANONYMOUS;
	ret = do_mmap(t, file, addr, len, prot, flags | MAP_FIXED, 0, pgoff, &populate);
	if (IS_ERR_VALUE(ret))
		return (int)(long)ret;
	return ret == addr ? 0 : -ENOMEM;
}

/* elf_load: the file part of each PT_LOAD, then the bss (vm_brk_flags). */
static int map_program(struct task_struct *t, struct exec_image *img)
{
	struct mm_struct *mm = t->mm;
	unsigned long elf_brk = 0;
	int ret;

	mm->start_code = ~0UL;
	for (size_t i = 0; i < ARRAY_SIZE(prog_phdrs); i++) {
		const struct elf_phdr_sim *ph = &prog_phdrs[i];
		unsigned long start = ph->vaddr & PAGE_MASK;
		unsigned long end = PAGE_ALIGN(ph->vaddr + ph->filesz);

		ret = image_mmap(t, img, start, end - start, ph->prot, MAP_PRIVATE,
				 ph->offset >> PAGE_SHIFT);
		if (ret)
			return ret;
		if ((ph->prot & PROT_EXEC) && ph->vaddr < mm->start_code)
			mm->start_code = ph->vaddr;
		if ((ph->prot & PROT_EXEC) && ph->vaddr + ph->filesz > mm->end_code)
			mm->end_code = ph->vaddr + ph->filesz;
		mm->start_data = max(mm->start_data, ph->vaddr);
		mm->end_data = max(mm->end_data, ph->vaddr + ph->filesz);
		elf_brk = max(elf_brk, ph->vaddr + ph->memsz);
		if (ph->memsz > ph->filesz && PAGE_ALIGN(elf_brk) > end) {
			struct vm_area_struct *prev = find_vma(mm, end - 1);

			ret = do_brk_flags(mm, prev, end, PAGE_ALIGN(elf_brk) - end, 0);
			if (ret)
				return ret;
		}
	}
	mm->start_brk = mm->brk = PAGE_ALIGN(elf_brk);
	if (t->machine->cfg.aslr) {
		unsigned long r = machine_random(t->machine) % (BRK_RND_RANGE >> PAGE_SHIFT);

		mm->start_brk = mm->brk = mm->brk + (r << PAGE_SHIFT);
	}
	return 0;
}

/*
 * setup_arg_pages: the stack VMA ends at the (randomised) stack top and
 * covers the argument page plus 128 KiB, as exec leaves it.
 */
static int map_stack(struct task_struct *t, struct exec_image *img)
{
	unsigned long top = STACK_TOP;
	unsigned long len = PAGE_SIZE + STACK_EXPAND;

	if (t->machine->cfg.aslr)
		top -= (machine_random(t->machine) & STACK_RND_MASK) << PAGE_SHIFT;
	img->stack_top = top;
	return image_mmap(t, img, top - len, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, 0);
}

/* _install_special_mapping: a VMA that no fault ever fills (mmap_lock held). */
static int install_special_mapping(struct mm_struct *mm, unsigned long addr, unsigned long len,
				   vm_flags_t flags, const char *name)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = flags | mm->def_flags | VM_DONTEXPAND | VM_SOFTDIRTY;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_special_name = name;
	vma_link(mm, vma);
	vm_stat_account(mm, vma->vm_flags, (long)(len >> PAGE_SHIFT));
	return 0;
}

/* map_vdso: the vvar pages, the vclock pages and the vDSO text, top-down. */
static int map_vdso(struct task_struct *t, struct exec_image *img)
{
	struct mm_struct *mm = t->mm;
	unsigned long len = (VVAR_PAGES + VVAR_VCLOCK_PAGES + VDSO_PAGES) << PAGE_SHIFT;
	unsigned long addr = get_unmapped_area(mm, NULL, 0, len, 0, 0);
	const vm_flags_t vvar = VM_READ | VM_MAYREAD | VM_IO | VM_DONTDUMP | VM_PFNMAP;
	int ret;

	if (IS_ERR_VALUE(addr))
		return (int)(long)addr;
	img->vdso_base = addr + ((VVAR_PAGES + VVAR_VCLOCK_PAGES) << PAGE_SHIFT);
	ret = install_special_mapping(mm, addr, VVAR_PAGES << PAGE_SHIFT, vvar, "[vvar]");
	if (!ret)
		ret = install_special_mapping(mm, addr + (VVAR_PAGES << PAGE_SHIFT),
					      VVAR_VCLOCK_PAGES << PAGE_SHIFT, vvar,
					      "[vvar_vclock]");
	if (!ret)
		ret = install_special_mapping(mm, img->vdso_base, VDSO_PAGES << PAGE_SHIFT,
					      VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE |
					      VM_MAYEXEC, "[vdso]");
	return ret;
}

/* Bytes into the new stack (copy_strings / create_elf_tables), data mode only. */
static void stack_write(struct mm_struct *mm, unsigned long addr, const void *src, size_t len)
{
	struct machine *m = mm->machine;
	const unsigned char *s = src;

	while (len && !m->cfg.metadata_only) {
		pte_t *pte = walk_pte(mm, addr);
		size_t n = min(len, PAGE_SIZE - (addr & ~PAGE_MASK));

		BUG_ON(!pte || !pte_present(*pte));
		memcpy((unsigned char *)pfn_to_virt(m, pte_pfn(*pte)) + (addr & ~PAGE_MASK), s, n);
		addr += n;
		s += n;
		len -= n;
	}
}

static void stack_write_word(struct mm_struct *mm, unsigned long *sp, unsigned long v)
{
	stack_write(mm, *sp, &v, sizeof(v));
	*sp += sizeof(v);
}

/* The strings at the top of the stack: filename, environment, arguments. */
static unsigned long layout_strings(struct mm_struct *mm, struct exec_image *img,
				    const char *comm)
{
	unsigned long p = img->stack_top - sizeof(void *);
	size_t envlen = 0;

	p -= strlen(img->filename) + 1;
	img->execfn = p;
	for (int i = 0; prog_env[i]; i++)
		envlen += strlen(prog_env[i]) + 1;
	p -= envlen;
	mm->env_start = p;
	mm->env_end = p + envlen;
	p -= strlen(comm) + 1;
	mm->arg_start = p;
	mm->arg_end = mm->env_start;
	return p;
}

static unsigned long nr_env(void)
{
	unsigned long n = 0;

	while (prog_env[n])
		n++;
	return n;
}

/* The pages of [start, end) of the new stack, faulted in as get_arg_page does. */
static int fault_in_stack(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	for (unsigned long a = start & PAGE_MASK; a < end; a += PAGE_SIZE) {
		vm_fault_t f;

		if (!vma || a < vma->vm_start)
			return -EFAULT;
		f = handle_mm_fault(vma, a, FAULT_FLAG_WRITE | FAULT_FLAG_REMOTE);
		if (f & VM_FAULT_OOM)
			return -ENOMEM;
		if (f & VM_FAULT_ERROR)
			return -EFAULT;
	}
	return 0;
}

/* create_elf_tables: argc, argv, envp and the auxiliary vector under the strings. */
static int setup_stack_contents(struct task_struct *t, struct exec_image *img, const char *comm)
{
	struct mm_struct *mm = t->mm;
	unsigned long p = layout_strings(mm, img, comm);
	unsigned long envc = nr_env(), argc = 1, sp, a;
	const unsigned long auxv[][2] = {
		{ AT_SYSINFO_EHDR, img->vdso_base }, { AT_MINSIGSTKSZ, 3376 },
		{ AT_HWCAP, 0x178bfbff }, { AT_PAGESZ, PAGE_SIZE }, { AT_CLKTCK, 100 },
		{ AT_PHDR, 0x400040 }, { AT_PHENT, 56 }, { AT_PHNUM, PROG_PHNUM },
		{ AT_BASE, 0 }, { AT_FLAGS, 0 }, { AT_ENTRY, PROG_ENTRY }, { AT_UID, 0 },
		{ AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
		{ AT_RANDOM, 0 }, { AT_HWCAP2, 2 }, { AT_EXECFN, img->execfn },
		{ AT_PLATFORM, 0 }, { AT_RSEQ_FEATURE_SIZE, 28 }, { AT_RSEQ_ALIGN, 32 },
		{ AT_NULL, 0 },
	};
	unsigned char rnd[16];
	int ret;

	p &= ~0xfUL;				/* arch_align_stack */
	p -= sizeof("x86_64");
	img->platform = p;
	p -= sizeof(rnd);
	img->random = p;
	sp = p - ARRAY_SIZE(auxv) * 2 * sizeof(long);
	sp = (sp - (argc + 1 + envc + 1 + 1) * sizeof(long)) & ~0xfUL;	/* STACK_ROUND */
	img->sp = sp;
	mm->start_stack = sp;

	ret = fault_in_stack(mm, sp, img->stack_top);
	if (ret)
		return ret;
	/* The strings. */
	stack_write(mm, img->execfn, img->filename, strlen(img->filename) + 1);
	a = mm->env_start;
	for (int i = 0; prog_env[i]; a += strlen(prog_env[i]) + 1, i++)
		stack_write(mm, a, prog_env[i], strlen(prog_env[i]) + 1);
	stack_write(mm, mm->arg_start, comm, strlen(comm) + 1);
	stack_write(mm, img->platform, "x86_64", sizeof("x86_64"));
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (unsigned char)((unsigned)t->pid * 131u + i * 29u);
	stack_write(mm, img->random, rnd, sizeof(rnd));
	/* argc, argv[], NULL, envp[], NULL, auxv. */
	stack_write_word(mm, &sp, argc);
	stack_write_word(mm, &sp, mm->arg_start);
	stack_write_word(mm, &sp, 0);
	a = mm->env_start;
	for (int i = 0; prog_env[i]; a += strlen(prog_env[i]) + 1, i++)
		stack_write_word(mm, &sp, a);
	stack_write_word(mm, &sp, 0);
	for (size_t i = 0; i < ARRAY_SIZE(auxv); i++) {
		unsigned long v = auxv[i][1];

		if (auxv[i][0] == AT_RANDOM)
			v = img->random;
		else if (auxv[i][0] == AT_PLATFORM)
			v = img->platform;
		stack_write_word(mm, &sp, auxv[i][0]);
		stack_write_word(mm, &sp, v);
	}
	return 0;
}

/*
 * The program's file: a shmem object named like the binary, so maps shows
 * its path; NULL (an anonymous image) if it cannot be had.
 */
static struct file *open_program(struct machine *m, struct exec_image *img)
{
	struct file *f = shmem_file_setup(m, img->filename, PROG_FILE_SIZE);

	return IS_ERR_OR_NULL(f) ? NULL : f;
}

/*
 * Everything exec puts in a fresh mm (t->mm) for the program at path (a
 * bare name is looked up in /usr/bin), argv[0] being comm.
 */
static int build_image(struct task_struct *t, const char *path, const char *comm)
{
	struct mm_struct *mm = t->mm;
	struct exec_image img;
	int ret;

	memset(&img, 0, sizeof(img));
	if (strchr(path, '/'))
		snprintf(img.filename, sizeof(img.filename), "%s", path);
	else
		snprintf(img.filename, sizeof(img.filename), "/usr/bin/%s", path);
	img.file = open_program(t->machine, &img);
	spin_lock(&mm->mmap_lock);
	ret = map_stack(t, &img);
	if (!ret)
		ret = map_program(t, &img);
	if (!ret)
		ret = map_vdso(t, &img);
	if (!ret)
		ret = setup_stack_contents(t, &img, comm);
	spin_unlock(&mm->mmap_lock);
	if (img.file)
		fput(t->machine, img.file);	/* the VMAs hold their own references */
	return ret;
}

/*
 * t runs the program at path in a fresh mm: charged to t, on t's CPU.
 * On failure t keeps (or gets back) its old mm and the new one is dropped.
 */
static int exec_mmap(struct task_struct *t, const char *path, const char *comm)
{
	struct machine *m = t->machine;
	struct mm_struct *old = t->mm, *mm = mm_alloc(m);
	int ret;

	if (!mm)
		return -ENOMEM;
	if (old) {
		mm->flags = old->flags & MMF_INIT_MASK;
		mm->def_flags = old->def_flags & VM_INIT_DEF_MASK;
	}
	mm->owner = t;
	t->mm = mm;
	m->current = t;
	m->cpu = t->cpu;
	ret = build_image(t, path, comm);
	if (ret) {
		t->mm = old;
		mmput(mm);
		return ret;
	}
	task_enter(t);
	if (old)
		mmput(old);
	return 0;
}

/*
 * The program image is an x86-64 ELF; the 32-bit page tables and layout
 * (issue 7) are not built, so a 32-bit machine runs no processes yet.
 */
static bool arch_runs_programs(const struct machine *m)
{
	return m->cfg.arch == ARCH_X86_64;
}

struct task_struct *task_spawn(struct machine *m, const char *comm, int *err)
{
	struct task_struct *t;
	int dummy, ret;

	if (!err)
		err = &dummy;
	if (!arch_runs_programs(m)) {
		*err = -ENOEXEC;
		return NULL;
	}
	if (!comm || !*comm)
		comm = "init";
	if (!*comm_base(comm)) {
		*err = -ENOENT;
		return NULL;
	}
	t = task_alloc(m, err);
	if (!t)
		return NULL;
	set_comm(t, comm);
	t->files = files_alloc(m);	/* issue 5, filemap: no descriptors open */
	if (!t->files) {
		task_free(t);
		*err = -ENOMEM;
		return NULL;
	}
	ret = exec_mmap(t, comm, t->comm);
	if (ret) {
		task_free(t);
		*err = ret;
		return NULL;
	}
	task_link(m, t);
	return t;
}

/* de_thread: exec leaves the caller alone in its thread group. */
static void de_thread(struct task_struct *t)
{
	struct task_struct *c, *n;

	list_for_each_entry_safe(c, n, &t->machine->tasks, tasks)
		if (c != t && c->tgid == t->tgid)
			do_exit(c, 0);
	t->tgid = t->pid;
}

int do_execve(struct task_struct *t, const char *comm)
{
	char name[TASK_COMM_LEN];
	int ret;

	if (!comm || !*comm || !*comm_base(comm))
		return -ENOENT;
	if (!arch_runs_programs(t->machine))
		return -ENOEXEC;
	snprintf(name, sizeof(name), "%s", comm_base(comm));
	de_thread(t);
	ret = exec_mmap(t, comm, name);
	if (ret)
		return ret;
	memcpy(t->comm, name, sizeof(t->comm));
	return 0;
}
