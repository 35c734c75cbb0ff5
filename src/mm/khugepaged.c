/*
 * khugepaged.c - the khugepaged thread (Linux 6.18 mm/khugepaged.c): mm
 * slots, the scan that walks them a few pages per wake-up, the rules that
 * decide whether a 2 MiB block of small anonymous pages may collapse
 * (hpage_collapse_scan_pmd), and its sysfs directory. The copy itself is
 * huge_memory.c's collapse_huge_page, shared with MADV_COLLAPSE.
 *
 * The thread is a kernel timer (khugepaged.h): each firing is one
 * khugepaged_do_scan of pages_to_scan pages; then it re-arms after
 * scan_sleep_millisecs while any mm is registered (after
 * alloc_sleep_millisecs if an order-9 allocation failed). Registering the
 * first mm wakes it at the next jiffy, as wake_up_interruptible does.
 *
 * A block collapses (khugepaged's rules, MADV_COLLAPSE has none of the
 * limits) when its VMA may hold THPs for khugepaged (thp_vma_allowable:
 * the enabled mode is asked), no PMD maps it yet, and its 512 ptes hold:
 * at most max_ptes_none none or zero-page ptes, no swap ptes beyond
 * max_ptes_swap (swap-in for a collapse is not built: any swap pte makes
 * the block wait), only anonymous LRU pages with no reference beyond their
 * mappings, at most max_ptes_shared of them mapped more than once, at
 * least one writable pte, and at least one young/referenced page (half of
 * them if some ptes are swapped). Failures count thp_scan_exceed_*_pte as
 * Linux's do; successes pages_collapsed (one per THP) and
 * thp_collapse_alloc.
 *
 * Departures: the huge page is allocated by the VMA's memory policy, not
 * on the node that holds most of the block's pages; mm slots are kmalloc'd
 * (Linux's own "khugepaged_mm_slot" cache is merged on the host).
 *
 * Locks: a scan takes the mm's mmap_lock, then the page table lock; the
 * timer runs with no lock held (timer.h).
 *
 * Invariants: an mm has MMF_VM_HUGEPAGE set exactly while it has one slot
 * on mm_head, and the slot holds an mm_count reference dropped (mmdrop)
 * when the slot is freed; scan_slot is NULL or a slot on mm_head (a slot
 * leaving moves or clears it first); pages_collapsed and full_scans only
 * grow.
 */
#include <errno.h>
#include <stdlib.h>

#include "huge_mm.h"
#include "khugepaged.h"
#include "machine.h"
#include "pgalloc.h"
#include "sched.h"
#include "seq_buf.h"
#include "slab.h"
#include "swap.h"
#include "vma.h"

static struct khugepaged_state *khs(struct machine *m)
{
	return &m->khugepaged;
}

/* The slot after slot, or NULL at the list's end. */
static struct khugepaged_mm_slot *next_slot(struct machine *m, struct khugepaged_mm_slot *slot)
{
	return slot->mm_node.next == &khs(m)->mm_head ? NULL : list_next_entry(slot, mm_node);
}

/* ---------------------------------------------------------------------- */
/* The thread: a timer                                                     */
/* ---------------------------------------------------------------------- */

static bool khugepaged_has_work(struct machine *m)
{
	return !list_empty(&khs(m)->mm_head);
}

/* hugepage_pmd_enabled: anonymous THP is not "never". */
static bool hugepage_pmd_enabled(struct machine *m)
{
	return m->cfg.thp != THP_NEVER;
}

/* Sleep for ms from now (khugepaged_wait_work's timeout). */
static void khugepaged_sleep(struct machine *m, unsigned int ms)
{
	mod_timer(&khs(m)->timer, m->clock_ns + (uint64_t)ms * NSEC_PER_MSEC);
}

/* wake_up_interruptible(&khugepaged_wait): an idle thread runs at the next jiffy. */
static void khugepaged_wakeup(struct machine *m)
{
	if (khs(m)->initialised && !timer_pending(&khs(m)->timer) && hugepage_pmd_enabled(m))
		mod_timer(&khs(m)->timer, m->clock_ns);
}

static void khugepaged_timer_fn(struct sim_timer *timer)
{
	struct machine *m = timer->machine;

	khugepaged_do_scan(m);
}

void khugepaged_init(struct machine *m)
{
	struct khugepaged_state *k = khs(m);

	INIT_LIST_HEAD(&k->mm_head);
	timer_setup(m, &k->timer, khugepaged_timer_fn, 0);
	k->pages_to_scan = HPAGE_PMD_NR * 8;
	k->scan_sleep_millisecs = 10000;
	k->alloc_sleep_millisecs = 60000;
	k->max_ptes_none = HPAGE_PMD_NR - 1;
	k->max_ptes_swap = HPAGE_PMD_NR / 8;
	k->max_ptes_shared = HPAGE_PMD_NR / 2;
	k->defrag = true;
	k->initialised = true;
}

/* ---------------------------------------------------------------------- */
/* mm slots                                                                */
/* ---------------------------------------------------------------------- */

static struct khugepaged_mm_slot *mm_slot_lookup(struct machine *m, struct mm_struct *mm)
{
	struct khugepaged_mm_slot *slot;

	list_for_each_entry(slot, &khs(m)->mm_head, mm_node)
		if (slot->mm == mm)
			return slot;
	return NULL;
}

/* __khugepaged_enter: a slot at the list's tail; the first one wakes the thread. */
static void __khugepaged_enter(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	struct khugepaged_mm_slot *slot;
	bool wakeup;

	if (!khs(m)->initialised || (mm->flags & (1UL << MMF_VM_HUGEPAGE)))
		return;
	slot = kmalloc(m, sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return;
	slot->mm = mm;
	mm->flags |= 1UL << MMF_VM_HUGEPAGE;
	mm->mm_count++;		/* mmgrab: the slot keeps the mm_struct */
	wakeup = list_empty(&khs(m)->mm_head);
	list_add_tail(&slot->mm_node, &khs(m)->mm_head);
	if (wakeup)
		khugepaged_wakeup(m);
}

void khugepaged_enter_vma(struct vm_area_struct *vma, unsigned long vm_flags)
{
	struct mm_struct *mm = vma->vm_mm;

	(void)vm_flags;	/* the VMA's flags are already the new ones here */
	if (!(mm->flags & (1UL << MMF_VM_HUGEPAGE)) && hugepage_pmd_enabled(mm->machine) &&
	    thp_vma_allowable(vma))
		__khugepaged_enter(mm);
}

void khugepaged_fork(struct mm_struct *mm, struct mm_struct *oldmm)
{
	if (oldmm->flags & (1UL << MMF_VM_HUGEPAGE))
		__khugepaged_enter(mm);
}

/* collect_mm_slot: off the list, the mm no longer registered. */
static void collect_mm_slot(struct machine *m, struct khugepaged_mm_slot *slot)
{
	struct mm_struct *mm = slot->mm;

	if (khs(m)->scan_slot == slot) {
		khs(m)->scan_slot = NULL;
		khs(m)->scan_address = 0;
	}
	list_del(&slot->mm_node);
	mm->flags &= ~(1UL << MMF_VM_HUGEPAGE);
	kfree(m, slot);
	mmdrop(mm);
}

void khugepaged_exit(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	struct khugepaged_mm_slot *slot;

	if (!(mm->flags & (1UL << MMF_VM_HUGEPAGE)))
		return;
	slot = mm_slot_lookup(m, mm);
	if (!slot)
		return;
	if (khs(m)->scan_slot == slot) {	/* the cursor moves on first */
		khs(m)->scan_slot = next_slot(m, slot);
		khs(m)->scan_address = 0;
	}
	list_del(&slot->mm_node);
	mm->flags &= ~(1UL << MMF_VM_HUGEPAGE);
	kfree(m, slot);
	mmdrop(mm);
}

/* ---------------------------------------------------------------------- */
/* hpage_collapse_scan_pmd                                                 */
/* ---------------------------------------------------------------------- */

enum scan_result {
	SCAN_SUCCEED,
	SCAN_FAIL,		/* any other reason: wait for the next pass */
	SCAN_PMD_MAPPED,
	SCAN_ALLOC_HUGE_PAGE_FAIL,
};

/* folio_expected_ref_count for an anonymous folio: its mappings (+ the swap cache's). */
static int expected_refs(struct page *head)
{
	int refs = PageCompound(head) ? (int)folio_large_mapcount(head) : page_mapcount(head);

	return refs + (test_bit_flag(head, PG_swapcache) ? 1 : 0);
}

/* folio_maybe_mapped_shared (6.18 tracks mm ids; mapped more than once is close). */
static bool maybe_mapped_shared(struct page *head)
{
	return PageCompound(head) ? folio_large_mapcount(head) > 1 : page_mapcount(head) > 1;
}

/* The block's ptes against khugepaged's rules (see the top of the file). */
static enum scan_result scan_ptes(struct vm_area_struct *vma, pte_t *pte, unsigned long haddr)
{
	struct machine *m = vma->vm_mm->machine;
	struct khugepaged_state *k = khs(m);
	unsigned int none_or_zero = 0, unmapped = 0, shared = 0, referenced = 0;
	bool writable = false;

	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t pteval = pte[i];
		struct page *page, *head;

		if (pte_none(pteval) || (pte_present(pteval) && is_zero_pfn(m, pte_pfn(pteval)))) {
			if (++none_or_zero <= k->max_ptes_none)
				continue;
			count_vm_event(m, THP_SCAN_EXCEED_NONE_PTE);
			return SCAN_FAIL;
		}
		if (!pte_present(pteval)) {
			if (++unmapped <= k->max_ptes_swap)
				return SCAN_FAIL;	/* swap-in for a collapse: not built */
			count_vm_event(m, THP_SCAN_EXCEED_SWAP_PTE);
			return SCAN_FAIL;
		}
		if (pte_write(pteval))
			writable = true;
		page = vm_normal_page(vma, haddr + i * PAGE_SIZE, pteval);
		if (!page || !PageAnon(page))
			return SCAN_FAIL;	/* SCAN_PAGE_NULL, SCAN_PAGE_ANON */
		head = compound_head(page);
		if (PageCompound(head) && !folio_test_anon_thp(head))
			return SCAN_FAIL;
		if (maybe_mapped_shared(head) && ++shared > k->max_ptes_shared) {
			count_vm_event(m, THP_SCAN_EXCEED_SHARE_PTE);
			return SCAN_FAIL;
		}
		if (!PageLRU(head) || PageLocked(head))
			return SCAN_FAIL;	/* SCAN_PAGE_LRU, SCAN_PAGE_LOCK */
		if (page_ref_count(head) != expected_refs(head))
			return SCAN_FAIL;	/* SCAN_PAGE_COUNT: a GUP pin */
		if (pte_young(pteval) || PageReferenced(head) || test_bit_flag(head, PG_young))
			referenced++;
	}
	if (!writable)
		return SCAN_FAIL;	/* SCAN_PAGE_RO */
	if (!referenced || (unmapped && referenced < HPAGE_PMD_NR / 2))
		return SCAN_FAIL;	/* SCAN_LACK_REFERENCED_PAGE */
	return SCAN_SUCCEED;
}

/* One block: scan, then collapse (mmap_lock held). */
static enum scan_result scan_pmd(struct vm_area_struct *vma, unsigned long haddr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct machine *m = mm->machine;
	pmd_t *pmd = walk_pmd(mm, haddr);
	enum scan_result result;
	gfp_t gfp;
	int err;

	if (!pmd || pmd_none(*pmd))
		return SCAN_FAIL;	/* SCAN_PMD_NULL */
	if (pmd_trans_huge(*pmd))
		return SCAN_PMD_MAPPED;
	spin_lock(&mm->page_table_lock);
	result = scan_ptes(vma, pte_offset(mm, pmd, haddr), haddr);
	spin_unlock(&mm->page_table_lock);
	if (result != SCAN_SUCCEED)
		return result;
	/* alloc_hugepage_khugepaged_gfpmask */
	gfp = khs(m)->defrag ? GFP_TRANSHUGE : GFP_TRANSHUGE_LIGHT;
	err = collapse_huge_page(vma, pmd, haddr, gfp);
	if (err == -ENOMEM)
		return SCAN_ALLOC_HUGE_PAGE_FAIL;
	if (err)
		return SCAN_FAIL;
	khs(m)->pages_collapsed++;
	return SCAN_SUCCEED;
}

/* ---------------------------------------------------------------------- */
/* khugepaged_scan_mm_slot, khugepaged_do_scan                             */
/* ---------------------------------------------------------------------- */

/* Does the mm still have a VMA khugepaged may use? (else its slot is collected) */
static bool mm_has_eligible_vma(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	for_each_vma(mm, vma)
		if (thp_vma_allowable(vma))
			return true;
	return false;
}

/*
 * Scan the current slot's mm from the cursor for up to pages pages; the
 * pages counted (a block counts 512, a VMA skipped 1). *result: the last
 * block's.
 */
static unsigned long scan_mm_slot(struct machine *m, unsigned long pages,
				  enum scan_result *result)
{
	struct khugepaged_state *k = khs(m);
	struct khugepaged_mm_slot *slot;
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	unsigned long progress = 0;

	if (!k->scan_slot) {
		k->scan_slot = list_first_entry(&k->mm_head, struct khugepaged_mm_slot, mm_node);
		k->scan_address = 0;
	}
	slot = k->scan_slot;
	mm = slot->mm;
	*result = SCAN_FAIL;
	spin_lock(&mm->mmap_lock);
	for_each_vma(mm, vma) {
		unsigned long hstart, hend;

		if (!thp_vma_allowable(vma)) {
			progress++;
			continue;
		}
		hstart = (vma->vm_start + PMD_SIZE - 1) & PMD_MASK;
		hend = vma->vm_end & PMD_MASK;
		if (hstart >= hend || k->scan_address >= hend) {
			progress++;
			continue;
		}
		if (k->scan_address < hstart)
			k->scan_address = hstart;
		while (k->scan_address < hend) {
			*result = scan_pmd(vma, k->scan_address);
			k->scan_address += PMD_SIZE;
			progress += HPAGE_PMD_NR;
			if (*result == SCAN_ALLOC_HUGE_PAGE_FAIL || progress >= pages)
				goto breakout;
		}
	}
breakout:
	spin_unlock(&mm->mmap_lock);
	if (vma)
		return progress;	/* the cursor stays in this mm */
	/* the whole mm done: on to the next; a pass over the last one is a full scan */
	k->scan_slot = next_slot(m, slot);
	if (!k->scan_slot)
		k->full_scans++;
	k->scan_address = 0;
	if (!mm->mm_users || !mm_has_eligible_vma(mm))
		collect_mm_slot(m, slot);
	return progress;
}

unsigned long khugepaged_do_scan(struct machine *m)
{
	struct khugepaged_state *k = khs(m);
	unsigned long progress = 0, pages = k->pages_to_scan;
	unsigned int pass_through_head = 0;
	enum scan_result result = SCAN_SUCCEED;

	/* as Linux's: pages still in per-CPU batches are off the LRU, with a reference more */
	lru_add_drain_all(m);
	while (progress < pages && khugepaged_has_work(m) && hugepage_pmd_enabled(m)) {
		if (!k->scan_slot)
			pass_through_head++;
		if (pass_through_head >= 2)
			break;
		progress += scan_mm_slot(m, pages - progress, &result);
		if (result == SCAN_ALLOC_HUGE_PAGE_FAIL)
			break;	/* khugepaged_alloc_sleep */
	}
	if (khugepaged_has_work(m) && hugepage_pmd_enabled(m))
		khugepaged_sleep(m, result == SCAN_ALLOC_HUGE_PAGE_FAIL ?
				 k->alloc_sleep_millisecs : k->scan_sleep_millisecs);
	return progress;
}

/* ---------------------------------------------------------------------- */
/* /sys/kernel/mm/transparent_hugepage/khugepaged/                         */
/* ---------------------------------------------------------------------- */

struct khugepaged_knob {
	const char *name;
	size_t offset;		/* of the unsigned int in khugepaged_state */
	unsigned int max;	/* writable bound; 0: any */
	bool nonzero;
};

#define KNOB(f, mx, nz)	{ #f, offsetof(struct khugepaged_state, f), mx, nz }

static const struct khugepaged_knob knobs[] = {
	KNOB(pages_to_scan, 0, true),
	KNOB(scan_sleep_millisecs, 0, false),
	KNOB(alloc_sleep_millisecs, 0, false),
	KNOB(max_ptes_none, HPAGE_PMD_NR - 1, false),
	KNOB(max_ptes_swap, HPAGE_PMD_NR - 1, false),
	KNOB(max_ptes_shared, HPAGE_PMD_NR - 1, false),
};

static const struct khugepaged_knob *knob(const char *rel)
{
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (!strcmp(rel, knobs[i].name))
			return &knobs[i];
	return NULL;
}

static unsigned int *knob_val(struct machine *m, const struct khugepaged_knob *kn)
{
	return (unsigned int *)((char *)khs(m) + kn->offset);
}

static int khugepaged_sysfs_read(struct machine *m, const char *rel, struct seq_buf *s)
{
	const struct khugepaged_knob *kn = knob(rel);

	if (!khs(m)->initialised)
		return -ENOENT;
	if (kn)
		seq_printf(s, "%u\n", *knob_val(m, kn));
	else if (!strcmp(rel, "defrag"))
		seq_printf(s, "%d\n", khs(m)->defrag ? 1 : 0);
	else if (!strcmp(rel, "pages_collapsed"))
		seq_printf(s, "%lu\n", khs(m)->pages_collapsed);
	else if (!strcmp(rel, "full_scans"))
		seq_printf(s, "%lu\n", khs(m)->full_scans);
	else
		return -ENOENT;
	return 0;
}

/* kstrtouint(buf, 10): digits and at most one trailing newline. */
static int parse_uint(const char *value, unsigned int *out)
{
	char *end;
	unsigned long long v;

	if (!value || *value < '0' || *value > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (end[0] == '\n')
		end++;
	if (*end || errno || v > 0xffffffffULL)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int khugepaged_sysfs_write(struct machine *m, const char *rel, const char *value)
{
	const struct khugepaged_knob *kn = knob(rel);
	unsigned int v;

	if (!khs(m)->initialised)
		return -ENOENT;
	if (!kn && !strcmp(rel, "defrag")) {	/* single_hugepage_flag_store */
		if (parse_uint(value, &v) || v > 1)
			return -EINVAL;
		khs(m)->defrag = v;
		return 0;
	}
	if (!kn)
		return (!strcmp(rel, "pages_collapsed") || !strcmp(rel, "full_scans")) ?
		       -EACCES : -ENOENT;
	if (parse_uint(value, &v) || (kn->max && v > kn->max) || (kn->nonzero && !v))
		return -EINVAL;
	*knob_val(m, kn) = v;
	/* the sleep knobs wake the thread so the new period starts now */
	if (!strcmp(rel, "scan_sleep_millisecs") || !strcmp(rel, "alloc_sleep_millisecs")) {
		if (khugepaged_has_work(m) && hugepage_pmd_enabled(m))
			mod_timer(&khs(m)->timer, m->clock_ns);
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* /sys/kernel/mm/transparent_hugepage/                                    */
/* ---------------------------------------------------------------------- */

static const char *const thp_modes[] = { "always", "madvise", "never" };

#define KHUGEPAGED_DIR	"khugepaged/"

int thp_sysfs_read(struct machine *m, const char *rel, struct seq_buf *s)
{
	if (!strncmp(rel, KHUGEPAGED_DIR, strlen(KHUGEPAGED_DIR)))
		return khugepaged_sysfs_read(m, rel + strlen(KHUGEPAGED_DIR), s);
	if (!strcmp(rel, "enabled")) {
		for (int i = THP_ALWAYS; i <= THP_NEVER; i++)
			seq_printf(s, (int)m->cfg.thp == i ? "%s[%s]" : "%s%s", i ? " " : "",
				   thp_modes[i]);
		seq_printf(s, "\n");
		return 0;
	}
	if (!strcmp(rel, "hpage_pmd_size")) {
		seq_printf(s, "%lu\n", PMD_SIZE);
		return 0;
	}
	return -ENOENT;
}

/* sysfs_streq: the word, a trailing newline allowed. */
static bool sysfs_streq(const char *value, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(value, word, n) && (!value[n] || !strcmp(value + n, "\n"));
}

int thp_sysfs_write(struct machine *m, const char *rel, const char *value)
{
	enum thp_mode old = m->cfg.thp;
	int mode = -1;

	if (!strncmp(rel, KHUGEPAGED_DIR, strlen(KHUGEPAGED_DIR)))
		return khugepaged_sysfs_write(m, rel + strlen(KHUGEPAGED_DIR), value);
	if (!strcmp(rel, "hpage_pmd_size"))
		return -EACCES;
	if (strcmp(rel, "enabled"))
		return -ENOENT;
	for (int i = THP_ALWAYS; i <= THP_NEVER && value; i++)
		if (sysfs_streq(value, thp_modes[i]))
			mode = i;
	if (mode < 0)
		return -EINVAL;
	m->cfg.thp = (enum thp_mode)mode;
	/* start_stop_khugepaged */
	if (mode == THP_NEVER) {
		timer_delete(&khs(m)->timer);
	} else if (old == THP_NEVER) {
		khugepaged_set_min_free_kbytes(m);
		if (khugepaged_has_work(m))
			mod_timer(&khs(m)->timer, m->clock_ns);
	}
	return 0;
}
