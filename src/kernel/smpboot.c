/*
 * smpboot.c - what bringing up the secondary CPUs leaves in memory
 * (kernel/smpboot.c idle_threads_init -> fork_idle): every CPU but the
 * boot CPU gets an idle task whose kernel stack, with CONFIG_VMAP_STACK
 * as on the host, is a 16 KiB vmalloc area aligned to 16 KiB on the CPU's
 * node (alloc_thread_stack_node), counted in KernelStack. CPU 0's idle
 * task is init_task, whose stack is in the kernel image.
 *
 * The idle tasks themselves are not simulated (they never run); only their
 * stacks exist, so /proc/vmallocinfo, VmallocUsed and KernelStack show at
 * boot what Linux shows. They live until shutdown.
 */
#include <errno.h>

#include "mm.h"
#include "sched.h"
#include "vmalloc.h"

#define THREAD_SIZE		(16UL * 1024)	/* x86-64, KASAN off */
#define THREAD_ALIGN		THREAD_SIZE
#define THREADINFO_GFP		(GFP_KERNEL_ACCOUNT | __GFP_ZERO)

DEFINE_VM_CALLER(caller_fork_idle, "fork_idle", 0x9e, 0x150);

/* account_kernel_stack: each page's node counts its kB of stack. */
static void account_kernel_stack(struct machine *m, unsigned long stack)
{
	struct vm_struct *vm = find_vm_area(m, stack);

	for (unsigned int i = 0; i < vm->nr_pages; i++)
		mod_node_page_state(page_pgdat(m, *vm_area_page_slot(m, vm, i)), NR_KERNEL_STACK_KB,
				    PAGE_SIZE / 1024);
}

int idle_threads_init(struct machine *m)
{
	for (int cpu = 1; cpu < m->nr_cpus; cpu++) {
		unsigned long stack = __vmalloc_node(m, THREAD_SIZE, THREAD_ALIGN,
						     THREADINFO_GFP & ~__GFP_ACCOUNT,
						     m->cpu_to_node[cpu], &caller_fork_idle);

		if (!stack)
			return -ENOMEM;
		account_kernel_stack(m, stack);
	}
	return 0;
}
