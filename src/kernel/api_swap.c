/*
 * api_swap.c - the public swap API (include/mmsim/mmsim.h): swapon and
 * swapoff of swap files, as swapon(8)/swapoff(8) would ask the kernel.
 * The work is mm/swapfile.c's; this file checks arguments and charges the
 * simulated clock (swapoff's swapins are priced as the faults they are
 * not: major-fault time per page read back).
 *
 * Invariants: a NULL machine or path, or a swapon size above 256 GiB, is
 * -EINVAL before anything is charged or changed; otherwise the result is
 * sys_swapon's or sys_swapoff's, unchanged. swapoff is charged major-fault
 * time for exactly the pages it read back (the PSWPIN delta).
 */
#include <errno.h>
#include <string.h>

#include "api_clock.h"
#include "mm.h"
#include "mmsim/mmsim.h"
#include "swap.h"

int mmsim_swapon(mmsim_machine *m, const char *path, uint64_t size, int prio)
{
	if (!m || !path || !*path || size > (256ULL << 30))
		return -EINVAL;
	API_CHARGE(m, NULL, 0);
	return sys_swapon(m, path, (unsigned long)size, prio);
}

int mmsim_swapoff(mmsim_machine *m, const char *path)
{
	unsigned long before;
	int ret;

	if (!m || !path)
		return -EINVAL;
	API_CHARGE(m, NULL, 0);
	before = m->vm_events[PSWPIN];
	ret = sys_swapoff(m, path);
	api_charge_system(sim_cost(COST_MAJOR_FAULT, m->vm_events[PSWPIN] - before));
	return ret;
}
