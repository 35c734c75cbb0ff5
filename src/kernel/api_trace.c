/*
 * api_trace.c - the public entry of trace replay (mmsim.h, "Traces"):
 * mmsim_access_batch checks its arguments as a system call's entry would,
 * enters the task once, and hands the whole batch to the MMU
 * (mm/mmu_batch.c). The trace itself (parse, cache, layout) is src/trace/.
 *
 * The clock is charged as mmsim_touch() charges it (api_clock.h): the
 * user-mode cost of every page access made, plus what the faults did, so
 * a batch and the same accesses made one mmsim_touch() at a time advance
 * the clock alike. Samplers run once, at the end of the batch.
 */
#include <errno.h>
#include <string.h>

#include "api_clock.h"
#include "mm.h"
#include "sched.h"
#include "tlbflush.h"
#include "mmsim/mmsim.h"

/* Every access well formed, so the MMU sees nothing a caller got wrong. */
static bool batch_ok(const struct mmsim_access *acc, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (acc[i].kind > MMSIM_ACCESS_INSTR || !acc[i].size)
			return false;
	return true;
}

int mmsim_access_batch(mmsim_machine *m, int pid, const struct mmsim_access *acc, size_t n,
		       size_t *done, struct mmsim_fault *fault)
{
	struct task_struct *t = task_of(m, pid);
	struct ksiginfo si = { 0 };
	uint64_t pages = 0;
	size_t dummy;
	int ret;

	if (!done)
		done = &dummy;
	*done = 0;
	if (fault)
		memset(fault, 0, sizeof(*fault));
	if (!t)
		return -ESRCH;
	if ((!acc && n) || !batch_ok(acc, n))
		return -EINVAL;
	if (!n)
		return 0;
	API_CHARGE(m, t, 0);
	task_enter(t);
	ret = mmu_access_batch(t, acc, n, done, &si, &pages);
	api_charge_user(sim_cost(COST_USER_ACCESS, pages));
	if (ret && fault) {
		fault->signo = si.signo;
		fault->code = si.code;
		fault->addr = si.addr;
	}
	return ret;
}
