/*
 * tlb.c - per-CPU TLBs, context switches and TLB shootdowns (Linux's
 * arch/x86/mm/tlb.c driving the simulated hardware of tlb_internal.h).
 *
 * The TLB is hardware, so it is host memory (machine->tlbstate, one
 * struct cpu_tlbstate per CPU). Linux's bookkeeping sits beside it:
 *  - every mm has a ctx_id (never reused) and a tlb_gen bumped by each
 *    flush request (flush_tlb_mm_range);
 *  - each CPU keeps TLB_NR_DYN_ASIDS slots {ctx_id, tlb_gen}: switch_mm
 *    reuses the mm's slot (choose_new_asid) and flushes that PCID only if
 *    the slot's tlb_gen is behind the mm's; otherwise it takes the next
 *    slot round-robin and flushes it. Without PCID every CR3 load flushes;
 *  - mm_cpumask is set when a CPU loads an mm and cleared lazily (6.x):
 *    only when a flush IPI reaches a CPU that no longer runs the mm.
 *
 * Shootdown (flush_tlb_mm_range): bump tlb_gen; if another CPU is in
 * mm_cpumask, count nr_tlb_remote_flush once and run flush_tlb_func on
 * every CPU in the mask that runs the mm (all of them if page tables were
 * freed), the initiator included; else flush locally if the mm is loaded.
 * flush_tlb_func counts nr_tlb_remote_flush_received on the receivers and,
 * on the initiator, nr_tlb_local_flush_one per page invalidated or
 * nr_tlb_local_flush_all. Ranges longer than
 * TLB_SINGLE_PAGE_FLUSH_CEILING pages become full flushes.
 *
 * Not modelled: lazy TLB mode (no kernel threads run), the once-a-second
 * cpumask trim of should_trim_cpumask, INVLPGB global ASIDs.
 *
 * Invariant (validate_tlb): every entry of an up-to-date ASID slot agrees
 * with the page tables of its mm (tlb_internal.h); the loaded slot is
 * always up to date.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "printk.h"
#include "tlb_internal.h"
#include "vmalloc.h"

struct flush_tlb_info {
	struct mm_struct *mm;
	unsigned long start, end;
	uint64_t new_tlb_gen;
	unsigned int stride_shift;
	bool freed_tables;
	int initiating_cpu;
};

/* ---------------------------------------------------------------------- */
/* The hardware: fills and invalidations                                   */
/* ---------------------------------------------------------------------- */

void tlb_fill4k_tag(struct cpu_tlbstate *ts, unsigned long vpn, uint64_t pcid_tag, pteval_t val)
{
	unsigned int set = vpn & (STLB_SETS - 1);
	struct tlb_set4k *s = &ts->stlb[set];
	uint64_t tag = tlb_tag(vpn, pcid_tag);
	unsigned int way;

	for (way = 0; way < STLB_WAYS; way++)
		if (s->tag[way] == tag)
			goto fill;
	way = ts->victim4k[set];
	ts->victim4k[set] = (uint8_t)((way + 1) % STLB_WAYS);
fill:
	s->tag[way] = tag;
	s->val[way] = val;
}

void tlb_fill4k(struct cpu_tlbstate *ts, unsigned long vpn, pteval_t val)
{
	tlb_fill4k_tag(ts, vpn, ts->pcid_tag, val);
}

void tlb_fill2m_tag(struct cpu_tlbstate *ts, unsigned long vpn2m, uint64_t pcid_tag,
		    pteval_t val)
{
	unsigned int set = vpn2m & (HTLB_SETS - 1);
	struct tlb_set2m *s = &ts->htlb[set];
	uint64_t tag = tlb_tag(vpn2m, pcid_tag);
	unsigned int way;

	for (way = 0; way < HTLB_WAYS; way++)
		if (s->tag[way] == tag)
			goto fill;
	way = ts->victim2m[set];
	ts->victim2m[set] = (uint8_t)((way + 1) % HTLB_WAYS);
fill:
	s->tag[way] = tag;
	s->val[way] = val;
}

void tlb_fill2m(struct cpu_tlbstate *ts, unsigned long vpn2m, pteval_t val)
{
	tlb_fill2m_tag(ts, vpn2m, ts->pcid_tag, val);
}

static inline uint64_t tag_pcid(uint64_t tag)
{
	return (tag >> TLB_PCID_SHIFT) & TLB_PCID_MASK;
}

/* A CR3 load without PCID: every entry but the global ones goes. */
static void tlb_invalidate_all(struct cpu_tlbstate *ts)
{
	for (int s = 0; s < STLB_SETS; s++)
		for (int w = 0; w < STLB_WAYS; w++)
			if (tag_pcid(ts->stlb[s].tag[w]) != TLB_PCID_GLOBAL)
				ts->stlb[s].tag[w] = 0;
	for (int s = 0; s < HTLB_SETS; s++)
		for (int w = 0; w < HTLB_WAYS; w++)
			if (tag_pcid(ts->htlb[s].tag[w]) != TLB_PCID_GLOBAL)
				ts->htlb[s].tag[w] = 0;
}

/* Drop the entries of a kernel PCID and of its pti user twin (INVPCID single context). */
static void tlb_invalidate_pcid(struct cpu_tlbstate *ts, unsigned int kpcid)
{
	const uint64_t twin = 1ULL << PTI_USER_PCID_BIT;

	for (int s = 0; s < STLB_SETS; s++)
		for (int w = 0; w < STLB_WAYS; w++)
			if ((tag_pcid(ts->stlb[s].tag[w]) & ~twin) == kpcid)
				ts->stlb[s].tag[w] = 0;
	for (int s = 0; s < HTLB_SETS; s++)
		for (int w = 0; w < HTLB_WAYS; w++)
			if ((tag_pcid(ts->htlb[s].tag[w]) & ~twin) == kpcid)
				ts->htlb[s].tag[w] = 0;
}

/* INVLPG addr for the current PCIDs: the 4 KiB entry and a 2 MiB one covering it. */
static void tlb_invalidate_page(struct machine *m, struct cpu_tlbstate *ts, unsigned long addr)
{
	uint64_t tags[2] = { ts->pcid_tag, ts->pcid_tag };
	unsigned long vpn = addr >> PAGE_SHIFT, vpn2m = addr >> PMD_SHIFT;

	/* pti: the kernel PCID's twin too (invalidate_user_asid / invpcid). */
	if (m->cfg.pcid && m->cfg.pti)
		tags[1] ^= 1ULL << (PTI_USER_PCID_BIT + TLB_PCID_SHIFT);
	for (int i = 0; i < 2; i++) {
		struct tlb_set4k *s = &ts->stlb[vpn & (STLB_SETS - 1)];
		struct tlb_set2m *h = &ts->htlb[vpn2m & (HTLB_SETS - 1)];

		for (int w = 0; w < STLB_WAYS; w++)
			if (s->tag[w] == tlb_tag(vpn, tags[i]))
				s->tag[w] = 0;
		for (int w = 0; w < HTLB_WAYS; w++)
			if (h->tag[w] == tlb_tag(vpn2m, tags[i]))
				h->tag[w] = 0;
	}
}

static inline unsigned int kern_pcid(unsigned int asid)
{
	return asid + 1;
}

/* flush_tlb_local: the current ASID's entries go (CR3 rewrite without NOFLUSH). */
static void flush_tlb_local(struct machine *m, struct cpu_tlbstate *ts)
{
	if (m->cfg.pcid)
		tlb_invalidate_pcid(ts, kern_pcid(ts->loaded_mm_asid));
	else
		tlb_invalidate_all(ts);
}

/* Write CR3 for mm in ASID slot asid; flush drops that PCID's entries. */
static void load_new_mm_cr3(struct machine *m, struct cpu_tlbstate *ts, struct mm_struct *mm,
			    unsigned int asid, bool flush)
{
	uint64_t pcid = 0;

	if (m->cfg.pcid) {
		pcid = kern_pcid(asid);
		if (m->cfg.pti)
			pcid |= 1ULL << PTI_USER_PCID_BIT;	/* user accesses run on user_pcid */
		if (flush)
			tlb_invalidate_pcid(ts, kern_pcid(asid));
	} else {
		tlb_invalidate_all(ts);
	}
	ts->pcid_tag = (pcid << TLB_PCID_SHIFT) | TLB_TAG_VALID;
	/* With pti, user mode runs on the user copy of the pgd. */
	ts->cr3_pgd = m->cfg.pti ? mm->pgd + PTRS_PER_PGD : mm->pgd;
	ts->stats.cr3_loads++;
}

/* ---------------------------------------------------------------------- */
/* Boot and shutdown                                                       */
/* ---------------------------------------------------------------------- */

int tlb_init(struct machine *m)
{
	size_t size = sizeof(struct cpu_tlbstate) * (size_t)m->nr_cpus;
	struct mm_struct *init_mm = m->init_mm;
	int cpu;

	if (m->tlbstate)
		return 0;
	if (!init_mm)
		return -EINVAL;	/* paging_init first */
	m->tlbstate = aligned_alloc(64, ALIGN(size, 64));
	if (!m->tlbstate)
		return -ENOMEM;
	memset(m->tlbstate, 0, size);
	/* initialize_tlbstate_and_flush: slot 0 is init_mm, the rest empty. */
	for_each_cpu(m, cpu) {
		struct cpu_tlbstate *ts = cpu_tlbstate(m, cpu);

		ts->loaded_mm = init_mm;
		ts->loaded_mm_asid = 0;
		ts->next_asid = 1;
		ts->ctxs[0] = (struct tlb_context){ init_mm->ctx_id, init_mm->tlb_gen, init_mm, true };
		load_new_mm_cr3(m, ts, init_mm, 0, true);
	}
	return 0;
}

void tlb_exit(struct machine *m)
{
	free(m->tlbstate);
	m->tlbstate = NULL;
}

/* ---------------------------------------------------------------------- */
/* Context switch                                                          */
/* ---------------------------------------------------------------------- */

struct new_asid {
	unsigned int asid;
	bool need_flush;
};

static struct new_asid choose_new_asid(struct machine *m, struct cpu_tlbstate *ts,
				       struct mm_struct *next, uint64_t next_tlb_gen)
{
	struct new_asid ns;

	if (!m->cfg.pcid)
		return (struct new_asid){ 0, true };
	for (unsigned int asid = 0; asid < TLB_NR_DYN_ASIDS; asid++) {
		if (!ts->ctxs[asid].used || ts->ctxs[asid].ctx_id != next->ctx_id)
			continue;
		ns.asid = asid;
		ns.need_flush = ts->ctxs[asid].tlb_gen < next_tlb_gen;
		return ns;
	}
	/* No slot of ours yet: take the next one round-robin. */
	ns.asid = ts->next_asid++;
	if (ns.asid >= TLB_NR_DYN_ASIDS) {
		ns.asid = 0;
		ts->next_asid = 1;
	}
	ns.need_flush = true;
	return ns;
}

void switch_mm(struct machine *m, int cpu, struct mm_struct *next)
{
	struct cpu_tlbstate *ts = cpu_tlbstate(m, cpu);
	struct new_asid ns;
	uint64_t next_tlb_gen;

	if (ts->loaded_mm == next) {
		/* Another thread of the same process: nothing to do (not lazy). */
		if (next != m->init_mm)
			mm_cpumask_set(next, cpu);
		return;
	}
	/* init_new_context: an mm nobody numbered gets its ctx_id now. */
	if (next != m->init_mm && !next->ctx_id)
		next->ctx_id = ++m->next_ctx_id;
	/* Start receiving shootdowns before reading tlb_gen. */
	if (next != m->init_mm)
		mm_cpumask_set(next, cpu);
	next_tlb_gen = next->tlb_gen;
	ns = choose_new_asid(m, ts, next, next_tlb_gen);
	if (ns.need_flush) {
		ts->ctxs[ns.asid].ctx_id = next->ctx_id;
		ts->ctxs[ns.asid].tlb_gen = next_tlb_gen;
		ts->ctxs[ns.asid].used = true;
	}
	ts->ctxs[ns.asid].mm = next;
	load_new_mm_cr3(m, ts, next, ns.asid, ns.need_flush);
	ts->loaded_mm = next;
	ts->loaded_mm_asid = (uint16_t)ns.asid;
}

void tlb_mm_release(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	int cpu;

	if (!m->tlbstate)
		return;
	for_each_cpu(m, cpu) {
		struct cpu_tlbstate *ts = cpu_tlbstate(m, cpu);

		if (ts->loaded_mm == mm)
			switch_mm(m, cpu, m->init_mm);
		/* The slot keeps its ctx_id (never reused); only the debug link goes. */
		for (int i = 0; i < TLB_NR_DYN_ASIDS; i++)
			if (ts->ctxs[i].mm == mm)
				ts->ctxs[i].mm = NULL;
		mm_cpumask_clear(mm, cpu);
	}
}

bool tlb_pgd_in_use(struct machine *m, const pgd_t *pgd)
{
	int cpu;

	if (!m->tlbstate)
		return false;
	for_each_cpu(m, cpu)
		if (cpu_tlbstate(m, cpu)->loaded_mm->pgd == pgd)
			return true;
	return false;
}

/* pti: entering and leaving the kernel switch CR3 (SWITCH_TO_KERNEL_CR3 and back). */
void pti_syscall_enter_exit(struct machine *m)
{
	struct cpu_tlbstate *ts;

	if (!m->cfg.pti || !m->tlbstate)
		return;
	ts = cpu_tlbstate(m, m->cpu);
	ts->stats.cr3_loads += 2;
	/* Without PCID both writes flush: the user's entries are gone. */
	if (!m->cfg.pcid)
		tlb_invalidate_all(ts);
}

/* ---------------------------------------------------------------------- */
/* Shootdowns                                                              */
/* ---------------------------------------------------------------------- */

static void flush_tlb_func(struct machine *m, int cpu, const struct flush_tlb_info *f)
{
	struct cpu_tlbstate *ts = cpu_tlbstate(m, cpu);
	struct mm_struct *loaded_mm = ts->loaded_mm;
	bool local = cpu == f->initiating_cpu;
	struct tlb_context *ctx;
	uint64_t local_tlb_gen, mm_tlb_gen;

	if (!local)
		count_vm_event(m, NR_TLB_REMOTE_FLUSH_RECEIVED);
	/* Left in the mm's cpumask after switching away: leave it now. */
	if (f->mm && f->mm != loaded_mm) {
		mm_cpumask_clear(f->mm, cpu);
		return;
	}
	if (loaded_mm == m->init_mm)
		return;
	ctx = &ts->ctxs[ts->loaded_mm_asid];
	local_tlb_gen = ctx->tlb_gen;
	if (f->new_tlb_gen <= local_tlb_gen)
		return;		/* an earlier flush already caught up */
	mm_tlb_gen = loaded_mm->tlb_gen;
	if (local_tlb_gen == mm_tlb_gen)
		return;
	/* Partial only if this is the one flush we are behind by. */
	if (f->end != TLB_FLUSH_ALL && f->new_tlb_gen == local_tlb_gen + 1 &&
	    f->new_tlb_gen == mm_tlb_gen) {
		unsigned long nr = (f->end - f->start) >> f->stride_shift;

		for (unsigned long addr = f->start; addr < f->end; addr += 1UL << f->stride_shift)
			tlb_invalidate_page(m, ts, addr);
		if (local)
			count_vm_events(m, NR_TLB_LOCAL_FLUSH_ONE, (long)nr);
	} else {
		flush_tlb_local(m, ts);
		if (local)
			count_vm_event(m, NR_TLB_LOCAL_FLUSH_ALL);
	}
	ctx->tlb_gen = mm_tlb_gen;
}

/* Is some CPU other than cpu in mm_cpumask? (cpumask_any_but < nr_cpu_ids) */
static bool cpumask_other_than(const struct mm_struct *mm, int cpu, int nr_cpus)
{
	for (int c = 0; c < nr_cpus; c++)
		if (c != cpu && mm_cpumask_test(mm, c))
			return true;
	return false;
}

/* native_flush_tlb_multi: IPIs to the CPUs in the mask that need them. */
static void flush_tlb_multi(struct machine *m, const struct flush_tlb_info *info)
{
	int cpu;

	count_vm_event(m, NR_TLB_REMOTE_FLUSH);
	for_each_cpu(m, cpu) {
		if (!mm_cpumask_test(info->mm, cpu))
			continue;
		/* should_flush_tlb: the mm runs there, or its tables went away. */
		if (info->freed_tables || cpu_tlbstate(m, cpu)->loaded_mm == info->mm)
			flush_tlb_func(m, cpu, info);
	}
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned int stride_shift, bool freed_tables)
{
	struct machine *m = mm->machine;
	struct flush_tlb_info info;
	int cpu = m->cpu;

	if (!m->tlbstate)
		return;
	/* Many single-page flushes cost more than one full flush. */
	if (end == TLB_FLUSH_ALL ||
	    ((end - start) >> stride_shift) > TLB_SINGLE_PAGE_FLUSH_CEILING) {
		start = 0;
		end = TLB_FLUSH_ALL;
	}
	info = (struct flush_tlb_info){
		.mm = mm, .start = start, .end = end, .new_tlb_gen = ++mm->tlb_gen,
		.stride_shift = stride_shift, .freed_tables = freed_tables,
		.initiating_cpu = cpu,
	};
	if (cpumask_other_than(mm, cpu, m->nr_cpus))
		flush_tlb_multi(m, &info);
	else if (cpu_tlbstate(m, cpu)->loaded_mm == mm)
		flush_tlb_func(m, cpu, &info);
}

/*
 * vmalloc (issue 7): kernel ranges (flush_tlb_kernel_range). Every CPU
 * runs the flush (on_each_cpu): above the ceiling do_flush_tlb_all drops
 * every entry, global ones included, and counts
 * nr_tlb_remote_flush_received on each CPU; below it, INVLPG per page,
 * which also drops global entries (with pti, Linux also marks the other
 * ASIDs for flushing; the same page goes from every PCID here), uncounted.
 */
static void tlb_invalidate_kernel_page(struct cpu_tlbstate *ts, unsigned long addr)
{
	unsigned long vpn = (addr & TLB_KVA_MASK) >> PAGE_SHIFT, vpn2m = vpn >> 9;
	struct tlb_set4k *s = &ts->stlb[vpn & (STLB_SETS - 1)];
	struct tlb_set2m *h = &ts->htlb[vpn2m & (HTLB_SETS - 1)];

	for (int w = 0; w < STLB_WAYS; w++)
		if (s->tag[w] && (s->tag[w] >> TLB_VPN_SHIFT) == vpn)
			s->tag[w] = 0;
	for (int w = 0; w < HTLB_WAYS; w++)
		if (h->tag[w] && (h->tag[w] >> TLB_VPN_SHIFT) == vpn2m)
			h->tag[w] = 0;
}

bool flush_tlb_kernel_range(struct machine *m, unsigned long start, unsigned long end)
{
	bool all;
	int cpu;

	if (!m->tlbstate)
		return false;
	start &= PAGE_MASK;
	end = ALIGN(end, PAGE_SIZE);
	all = ((end - start) >> PAGE_SHIFT) > TLB_SINGLE_PAGE_FLUSH_CEILING;
	for_each_cpu(m, cpu) {
		struct cpu_tlbstate *ts = cpu_tlbstate(m, cpu);

		if (all) {
			count_vm_event(m, NR_TLB_REMOTE_FLUSH_RECEIVED);	/* do_flush_tlb_all */
			memset(ts->stlb, 0, sizeof(ts->stlb));
			memset(ts->htlb, 0, sizeof(ts->htlb));
			continue;
		}
		for (unsigned long a = start; a < end; a += PAGE_SIZE)
			tlb_invalidate_kernel_page(ts, a);
	}
	return all;
}

/* ---------------------------------------------------------------------- */
/* Statistics and validation                                               */
/* ---------------------------------------------------------------------- */

void tlb_get_stats(struct machine *m, int cpu, struct tlb_stats *st)
{
	int c;

	memset(st, 0, sizeof(*st));
	if (!m->tlbstate)
		return;
	if (cpu >= 0) {		/* one CPU: the public API's clock reads it on every call */
		*st = cpu_tlbstate(m, cpu)->stats;
		return;
	}
	for_each_cpu(m, c) {
		const struct tlb_stats *s = &cpu_tlbstate(m, c)->stats;

		st->hits += s->hits;
		st->misses += s->misses;
		st->walks += s->walks;
		st->faults += s->faults;
		st->cr3_loads += s->cr3_loads;
	}
}

/* The mm an entry with this pcid was filled for, if its slot is up to date. */
static struct mm_struct *entry_mm(struct machine *m, struct cpu_tlbstate *ts, uint64_t pcid)
{
	unsigned int asid = ts->loaded_mm_asid;
	struct tlb_context *ctx;

	if (m->cfg.pcid) {
		pcid &= ~(1ULL << PTI_USER_PCID_BIT);
		if (pcid < 1 || pcid > TLB_NR_DYN_ASIDS)
			return NULL;
		asid = (unsigned int)pcid - 1;
	}
	ctx = &ts->ctxs[asid];
	if (!ctx->used || !ctx->mm || ctx->tlb_gen != ctx->mm->tlb_gen)
		return NULL;	/* stale: flushed before it is used again */
	return ctx->mm;
}

static int check_entry(struct machine *m, int cpu, struct mm_struct *mm, unsigned long addr,
		       pteval_t val, bool huge)
{
	pgd_t *top = m->cfg.pti ? mm->pgd + PTRS_PER_PGD : mm->pgd;
	pteval_t eff, *leaf;
	const char *why = NULL;

	if (mmu_translate(m, top, addr, &eff, &leaf))
		why = "no translation";
	else if ((eff & PTE_PFN_MASK) != (val & PTE_PFN_MASK) || huge != !!(eff & _PAGE_PSE))
		why = "frame differs";
	else if ((val & _PAGE_USER) && !(eff & _PAGE_USER))
		why = "user without U";
	else if ((val & _PAGE_RW) && (val & _PAGE_DIRTY) && !((eff & _PAGE_RW) && (eff & _PAGE_DIRTY)))
		why = "writable without RW and D";
	else if (!(val & _PAGE_NX) && (eff & _PAGE_NX))
		why = "executable with NX";
	if (!why)
		return 0;
	printk(m, "validate: cpu %d TLB entry %#lx -> %#llx for mm %p: %s (pte %#llx)", cpu, addr,
	       (unsigned long long)val, (void *)mm, why, (unsigned long long)eff);
	return 1;
}

/*
 * vmalloc (issue 7): a kernel entry must agree with init_mm (whose vmalloc
 * tables every pgd shares), unless its range was vfree'd and waits for the
 * purge that flushes it: Linux keeps such stale entries on purpose.
 */
static int check_kernel_entry(struct machine *m, int cpu, uint64_t tag, pteval_t val,
			      unsigned int shift)
{
	unsigned long addr = tlb_tag_addr(tag, shift);
	pteval_t eff, *leaf;

	if (!mmu_translate(m, m->init_mm->pgd, addr, &eff, &leaf) &&
	    (eff & PTE_PFN_MASK) == (val & PTE_PFN_MASK) &&
	    (!(val & _PAGE_RW) || (eff & _PAGE_RW)))
		return 0;
	if (vmap_addr_unpurged(m, addr))
		return 0;
	printk(m, "validate: cpu %d kernel TLB entry %#lx -> %#llx has no such mapping (pte %#llx)",
	       cpu, addr, (unsigned long long)val, (unsigned long long)eff);
	return 1;
}

int validate_tlb(struct machine *m)
{
	int cpu, problems = 0;

	if (!m->tlbstate)
		return 0;
	for_each_cpu(m, cpu) {
		struct cpu_tlbstate *ts = cpu_tlbstate(m, cpu);
		struct tlb_context *cur = &ts->ctxs[ts->loaded_mm_asid];

		if (cur->ctx_id != ts->loaded_mm->ctx_id || cur->tlb_gen != ts->loaded_mm->tlb_gen) {
			printk(m, "validate: cpu %d loaded ASID %u is behind its mm", cpu,
			       ts->loaded_mm_asid);
			problems++;
		}
		if (ts->loaded_mm != m->init_mm && !mm_cpumask_test(ts->loaded_mm, cpu)) {
			printk(m, "validate: cpu %d runs an mm whose cpumask lacks it", cpu);
			problems++;
		}
		for (int s = 0; s < STLB_SETS; s++)
			for (int w = 0; w < STLB_WAYS; w++) {
				uint64_t tag = ts->stlb[s].tag[w];
				struct mm_struct *mm;

				if (tag && tlb_tag_is_kernel(tag, PAGE_SHIFT)) {
					problems += check_kernel_entry(m, cpu, tag, ts->stlb[s].val[w],
								       PAGE_SHIFT);
					continue;
				}
				mm = tag ? entry_mm(m, ts, tag_pcid(tag)) : NULL;

				if (mm)
					problems += check_entry(m, cpu, mm,
								(unsigned long)(tag >> TLB_VPN_SHIFT) << PAGE_SHIFT,
								ts->stlb[s].val[w], false);
			}
		for (int s = 0; s < HTLB_SETS; s++)
			for (int w = 0; w < HTLB_WAYS; w++) {
				uint64_t tag = ts->htlb[s].tag[w];
				struct mm_struct *mm;

				if (tag && tlb_tag_is_kernel(tag, PMD_SHIFT)) {
					problems += check_kernel_entry(m, cpu, tag, ts->htlb[s].val[w],
								       PMD_SHIFT);
					continue;
				}
				mm = tag ? entry_mm(m, ts, tag_pcid(tag)) : NULL;

				if (mm)
					problems += check_entry(m, cpu, mm,
								(unsigned long)(tag >> TLB_VPN_SHIFT) << PMD_SHIFT,
								ts->htlb[s].val[w], true);
			}
	}
	return problems;
}
