/*
 * api_vmalloc.c - the public vmalloc API (include/mmsim/mmsim.h): the
 * vmalloc family, vmap, kvmalloc and the kernel's own memory accesses,
 * with the checks that keep a script from handing the simulated kernel an
 * address it did not give out.
 *
 * Ownership is read from the kernel's own records: an area is the API's
 * when its vm_struct's caller is one of the callers below (what
 * /proc/vmallocinfo prints), so nothing is kept beside the vmap trees but
 * the page-block and kmalloc registry of api.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "mmsim/mmsim.h"
#include "sched.h"
#include "tlbflush.h"
#include "vmalloc.h"

/* What /proc/vmallocinfo shows for areas the API made (made-up offsets). */
DEFINE_VM_CALLER(caller_vmalloc, "mmsim_vmalloc", 0x1e, 0x40);
DEFINE_VM_CALLER(caller_vzalloc, "mmsim_vzalloc", 0x1e, 0x40);
DEFINE_VM_CALLER(caller_vmalloc_node, "mmsim_vmalloc_node", 0x23, 0x50);
DEFINE_VM_CALLER(caller_vmalloc_user, "mmsim_vmalloc_user", 0x1e, 0x40);
DEFINE_VM_CALLER(caller_vmap, "mmsim_vmap", 0xb4, 0x130);
DEFINE_VM_CALLER(caller_kvmalloc, "mmsim_kvmalloc", 0x5b, 0xa0);

#define KERNEL_HALF_L4	0xffff800000000000UL
#define KERNEL_HALF_L5	0xff00000000000000UL

static bool vmalloc_caller_ours(const struct vm_caller *c)
{
	return c == &caller_vmalloc || c == &caller_vzalloc || c == &caller_vmalloc_node ||
	       c == &caller_vmalloc_user;
}

/* The area starting at addr if the API made it with one of callers[]. */
static struct vm_struct *api_area(struct machine *m, uint64_t addr, bool (*ours)(const struct vm_caller *))
{
	struct vm_struct *vm;

	if (!m || !m->vmap.initialized || !is_vmalloc_addr(m, (unsigned long)addr))
		return NULL;
	vm = find_vm_area(m, (unsigned long)addr);
	if (!vm || vm->addr != addr || (vm->flags & VM_UNINITIALIZED) || !ours(vm->caller))
		return NULL;
	return vm;
}

uint64_t mmsim_vmalloc(mmsim_machine *m, uint64_t size)
{
	return m && size ? vmalloc(m, (unsigned long)size, &caller_vmalloc) : 0;
}

uint64_t mmsim_vzalloc(mmsim_machine *m, uint64_t size)
{
	return m && size ? vzalloc(m, (unsigned long)size, &caller_vzalloc) : 0;
}

uint64_t mmsim_vmalloc_node(mmsim_machine *m, uint64_t size, int node)
{
	if (!m || !size || node < NUMA_NO_NODE || node >= m->nr_nodes)
		return 0;
	return vmalloc_node(m, (unsigned long)size, node, &caller_vmalloc_node);
}

uint64_t mmsim_vmalloc_user(mmsim_machine *m, uint64_t size)
{
	return m && size ? vmalloc_user(m, (unsigned long)size, &caller_vmalloc_user) : 0;
}

int mmsim_vfree(mmsim_machine *m, uint64_t addr)
{
	if (!addr)
		return 0;
	if (!api_area(m, addr, vmalloc_caller_ours))
		return -EINVAL;
	vfree(m, (unsigned long)addr);
	return 0;
}

static bool vmap_caller_ours(const struct vm_caller *c)
{
	return c == &caller_vmap;
}

uint64_t mmsim_vmap(mmsim_machine *m, const uint64_t *pfns, unsigned int count)
{
	struct page **pages;
	unsigned long addr;

	if (!m || !pfns || !count || count > m->totalram_pages)
		return 0;
	pages = calloc(count, sizeof(*pages));	/* the caller's array: host memory */
	if (!pages)
		return 0;
	for (unsigned int i = 0; i < count; i++) {
		if (pfns[i] >= m->max_pfn || !api_pages_owned(m, pfns[i])) {
			free(pages);
			return 0;
		}
		pages[i] = pfn_to_page(m, (unsigned long)pfns[i]);
	}
	addr = vmap(m, pages, count, VM_MAP, __PAGE_KERNEL, &caller_vmap);
	free(pages);
	return addr;
}

int mmsim_vunmap(mmsim_machine *m, uint64_t addr)
{
	if (!addr)
		return 0;
	if (!api_area(m, addr, vmap_caller_ours))
		return -EINVAL;
	vunmap(m, (unsigned long)addr);
	return 0;
}

static bool kvmalloc_caller_ours(const struct vm_caller *c)
{
	return c == &caller_kvmalloc;
}

uint64_t mmsim_kvmalloc(mmsim_machine *m, size_t size, unsigned int gfp)
{
	unsigned long addr;

	if (!m || (gfp & ~__GFP_BITS_MASK))
		return 0;
	addr = kvmalloc_node(m, size, gfp, NUMA_NO_NODE, &caller_kvmalloc);
	if (addr > (unsigned long)ZERO_SIZE_PTR && !is_vmalloc_addr(m, addr))
		api_kmalloc_register(m, addr);
	return addr;
}

int mmsim_kvfree(mmsim_machine *m, uint64_t addr)
{
	if (!m)
		return -EINVAL;
	if (addr <= (uint64_t)(uintptr_t)ZERO_SIZE_PTR)
		return 0;
	if (m->vmap.initialized && is_vmalloc_addr(m, (unsigned long)addr)) {
		if (!api_area(m, addr, kvmalloc_caller_ours))
			return -EINVAL;
	} else if (!api_kmalloc_unregister(m, addr)) {
		return -EINVAL;
	}
	kvfree(m, (unsigned long)addr);
	return 0;
}

int64_t mmsim_vmalloc_to_pfn(mmsim_machine *m, uint64_t addr)
{
	struct page *page;

	if (!m || !m->vmap.initialized || !is_vmalloc_addr(m, (unsigned long)addr))
		return -EFAULT;
	page = vmalloc_to_page(m, (unsigned long)addr);
	return page ? (int64_t)page_to_pfn(m, page) : -EFAULT;
}

static int kernel_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len,
			 unsigned int acc)
{
	uint64_t half = m && m->cfg.pgtable_levels == 5 ? KERNEL_HALF_L5 : KERNEL_HALF_L4;

	if (!m || (!buf && len))
		return -EINVAL;
	if (pid) {
		struct task_struct *t = find_task_by_pid(m, pid);

		if (!t)
			return -ESRCH;
		task_enter(t);
	}
	if (!len)
		return 0;
	if (addr < half || addr + len < addr)
		return -EINVAL;
	return mmu_kernel_access(m, (unsigned long)addr, buf, len, acc, NULL);
}

int mmsim_kernel_read(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len)
{
	return kernel_access(m, pid, addr, buf, len, ACC_READ);
}

int mmsim_kernel_write(mmsim_machine *m, int pid, uint64_t addr, const void *buf, size_t len)
{
	return kernel_access(m, pid, addr, (void *)buf, len, ACC_WRITE);
}

int mmsim_vmalloc_info(mmsim_machine *m, struct mmsim_vmalloc_info *info)
{
	const struct vmap_state *s;
	struct vmalloc_pgtables c;

	if (!m || !info)
		return -EINVAL;
	s = &m->vmap;
	memset(info, 0, sizeof(*info));
	if (!s->initialized)
		return 0;
	info->start = s->start;
	info->end = s->end;
	info->used_pages = vmalloc_nr_pages(m);
	for (unsigned int i = 0; i < s->nr_nodes; i++) {
		const struct list_head *l;

		for (l = s->nodes[i].busy.head.next; l != &s->nodes[i].busy.head; l = l->next)
			info->nr_areas++;
	}
	info->lazy_pages = s->lazy_nr;
	info->lazy_max_pages = lazy_max_pages(m);
	info->purges = s->stats.purges;
	info->purged_areas = s->stats.purged_areas;
	info->purged_pages = s->stats.purged_pages;
	info->flush_all = s->stats.flush_all;
	info->flush_pages = s->stats.flush_pages;
	info->vmalloc_faults = s->stats.vmalloc_faults;
	info->oopses = s->stats.oopses;
	vmalloc_pgtable_census(m, &c);
	info->pgtable_p4d = c.p4d;
	info->pgtable_pud = c.pud;
	info->pgtable_pmd = c.pmd;
	info->pgtable_pte = c.pte;
	return 0;
}

void mmsim_vmalloc_purge(mmsim_machine *m)
{
	if (m && m->vmap.initialized)
		vm_unmap_aliases(m);
}
