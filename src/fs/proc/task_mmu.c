/*
 * task_mmu.c - /proc/PID/maps, smaps, smaps_rollup, statm and the Vm/Rss
 * lines of status (Linux 6.18's fs/proc/task_mmu.c), in its exact formats.
 *
 * maps: one line per VMA, "start-end perms offset dev inode", the name
 * (file path, [heap], [stack], a special mapping's name) starting at column
 * 73 (seq_setwidth 25 + 6 * sizeof(void *) - 1, then seq_pad), and the
 * x86-64 gate VMA [vsyscall] last, as get_gate_vma() adds it.
 *
 * smaps: the maps line, then figures gathered by walking the VMA's page
 * tables (the walk_page_vma of smap_gather_stats). Each present normal page
 * is accounted as smaps_account does on a kernel without
 * CONFIG_NO_PAGE_MAPCOUNT (the host's): refcount 1 means mapped once
 * (private); otherwise the page is shared when its mapcount is 2 or more,
 * and Pss gets PAGE_SIZE / mapcount in PSS_SHIFT fixed point. Dirty is the
 * pte's bit or PG_dirty, Referenced the pte's accessed bit, PG_young or
 * PG_referenced. Special ptes (the zero page) are skipped: vm_normal_page
 * returns NULL for them. Locked is the Pss of VM_LOCKED VMAs.
 *
 * The VmFlags mnemonics are the host kernel's table: it is built without
 * CONFIG_MEM_SOFT_DIRTY, so VM_SOFTDIRTY prints nothing, and its CPU has
 * no protection keys, so there is no ProtectionKey line.
 *
 * Locks: mmap_lock for the VMA walk (mmap_read_lock in Linux), then the
 * page table lock around each pte table (pte_offset_map_lock; without
 * split ptlocks that is mm->page_table_lock). Nothing here changes state.
 */
#include "fs.h"
#include "huge_mm.h"
#include "internal.h"
#include "swap.h"
#include "sched.h"
#include "vma.h"
#include "memory.h"
#include "pgalloc.h"

#define PSS_SHIFT		12
/* seq_setwidth of show_vma_header_prefix: the name starts one past it. */
#define MAPS_NAME_WIDTH		(25 + 6 * (int)sizeof(void *) - 1)
#define VSYSCALL_ADDR		0xffffffffff600000UL

/* What smaps sums for one VMA (or the whole mm for smaps_rollup). Bytes. */
struct mem_size_stats {
	unsigned long resident;
	unsigned long shared_clean, shared_dirty;
	unsigned long private_clean, private_dirty;
	unsigned long referenced, anonymous, ksm, lazyfree;
	unsigned long anonymous_thp, shmem_thp, file_thp;
	unsigned long swap;
	unsigned long shared_hugetlb, private_hugetlb;
	/* PSS_SHIFT fixed point */
	uint64_t pss, pss_anon, pss_file, pss_shmem, pss_dirty, pss_locked, swap_pss;
};

/* ---------------------------------------------------------------------- */
/* maps                                                                    */
/* ---------------------------------------------------------------------- */

/* The vsyscall page every x86-64 process shows (vsyscall=xonly: --xp). */
static void gate_vma_init(struct vm_area_struct *gate)
{
	*gate = (struct vm_area_struct){
		.vm_start = VSYSCALL_ADDR,
		.vm_end = VSYSCALL_ADDR + PAGE_SIZE,
		.vm_flags = VM_EXEC,
		.vm_special_name = "[vsyscall]",
	};
}

static void show_vma_header_prefix(struct seq_buf *s, unsigned long start, unsigned long end,
				   vm_flags_t flags, unsigned long long pgoff,
				   unsigned int major, unsigned int minor, unsigned long ino)
{
	seq_printf(s, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", start, end,
		   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		   pgoff, major, minor, ino);
}

/* seq_pad: spaces up to the width from the start of the line, then one. */
static void seq_pad(struct seq_buf *s, size_t line_start)
{
	size_t used = s->len - line_start;

	if (used < MAPS_NAME_WIDTH)
		seq_printf(s, "%*s", (int)(MAPS_NAME_WIDTH - used), "");
	seq_putc(s, ' ');
}

/* The initial heap: the VMA overlapping [start_brk, brk) (vma_is_initial_heap). */
static bool vma_is_initial_heap(const struct vm_area_struct *vma)
{
	return vma->vm_start < vma->vm_mm->brk && vma->vm_end > vma->vm_mm->start_brk;
}

/* The VMA holding the main thread's initial stack pointer (vma_is_initial_stack). */
static bool vma_is_initial_stack(const struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->start_stack &&
	       vma->vm_end >= vma->vm_mm->start_stack;
}

/* get_vma_name(): a path, or a bracketed name, or nothing. */
static const char *get_vma_name(const struct vm_area_struct *vma)
{
	if (vma->vm_file)
		return vma->vm_file->path;
	if (vma->vm_special_name)
		return vma->vm_special_name;
	if (!vma->vm_mm)
		return "[vdso]";
	if (vma_is_initial_heap(vma))
		return "[heap]";
	if (vma_is_initial_stack(vma))
		return "[stack]";
	return NULL;
}

static void show_map_vma(struct seq_buf *s, const struct vm_area_struct *vma)
{
	size_t line_start = s->len;
	const struct file *file = vma->vm_file;
	unsigned long long pgoff = 0;
	unsigned int major = 0, minor = 0;
	unsigned long ino = 0;
	const char *name;

	if (file) {
		major = file->dev_major;
		minor = file->dev_minor;
		ino = file->f_mapping ? file->f_mapping->ino : 0;
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
	}
	show_vma_header_prefix(s, vma->vm_start, vma->vm_end, vma->vm_flags, pgoff,
			       major, minor, ino);
	name = get_vma_name(vma);
	if (name) {
		seq_pad(s, line_start);
		seq_puts(s, name);
	}
	seq_putc(s, '\n');
}

void proc_pid_maps(struct task_struct *t, struct seq_buf *s)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *vma, gate;

	spin_lock(&mm->mmap_lock);
	for_each_vma(mm, vma)
		show_map_vma(s, vma);
	spin_unlock(&mm->mmap_lock);
	gate_vma_init(&gate);
	show_map_vma(s, &gate);
}

/* ---------------------------------------------------------------------- */
/* The page-table walk of smaps                                            */
/* ---------------------------------------------------------------------- */

/* smaps_page_accumulate(): one page (or a whole folio) with its Pss share. */
static void smaps_page_accumulate(struct mem_size_stats *mss, const struct page *head,
				  unsigned long size, uint64_t pss, bool dirty, bool locked,
				  bool private)
{
	mss->pss += pss;
	if (PageAnon(head))
		mss->pss_anon += pss;
	else if (PageSwapBacked(head))
		mss->pss_shmem += pss;
	else
		mss->pss_file += pss;
	if (locked)
		mss->pss_locked += pss;
	if (dirty || PageDirty(head)) {
		mss->pss_dirty += pss;
		if (private)
			mss->private_dirty += size;
		else
			mss->shared_dirty += size;
	} else {
		if (private)
			mss->private_clean += size;
		else
			mss->shared_clean += size;
	}
}

/*
 * smaps_account(): nr pages from page on (a whole folio when mapped by a
 * pmd, else one page). present is false for migration entries: their
 * sharing cannot be read, so they count in full, as "maybe shared".
 */
static void smaps_account(struct mem_size_stats *mss, struct page *page, unsigned long nr,
			  bool young, bool dirty, bool locked, bool present)
{
	struct page *head = compound_head(page);
	unsigned long size = nr * PAGE_SIZE;

	if (PageAnon(head)) {
		mss->anonymous += size;
		if (!PageSwapBacked(head) && !dirty && !PageDirty(head))
			mss->lazyfree += size;
	}
	mss->resident += size;
	if (young || test_bit_flag(head, PG_young) || PageReferenced(head))
		mss->referenced += size;

	/* A reference count of 1 proves a single mapping. */
	if (page_ref_count(head) == 1 || !present) {
		smaps_page_accumulate(mss, head, size, (uint64_t)size << PSS_SHIFT, dirty,
				      locked, present);
		return;
	}
	for (unsigned long i = 0; i < nr; i++, page++) {
		int mapcount = page_mapcount(page);
		uint64_t pss = (uint64_t)PAGE_SIZE << PSS_SHIFT;

		/* THP (issue 7): a subpage is mapped by each PMD mapping too */
		if (PageHead(head) && PageAnon(head))
			mapcount += (int)folio_entire_mapcount(head);

		if (mapcount >= 2)
			pss /= (uint64_t)mapcount;
		smaps_page_accumulate(mss, head, PAGE_SIZE, pss, dirty, locked, mapcount < 2);
	}
}

struct smaps_walk {
	struct vm_area_struct *vma;
	struct mem_size_stats *mss;
	bool locked;
};

/*
 * A swap pte: Swap, and SwapPss shared out by the entry's count
 * (swp_swapcount: the swap ptes and shmem entries holding the slot).
 */
static void smaps_swap_entry(struct machine *m, struct mem_size_stats *mss, pte_t pte)
{
	swp_entry_t entry = pte_to_swp_entry(pte);
	int count;

	if (!swap_entry_valid(m, entry))
		return;		/* non_swap_entry: migration, markers (none made) */
	mss->swap += PAGE_SIZE;
	count = swp_swapcount(m, entry);
	if (count >= 2)
		mss->swap_pss += ((uint64_t)PAGE_SIZE << PSS_SHIFT) / (uint64_t)count;
	else
		mss->swap_pss += (uint64_t)PAGE_SIZE << PSS_SHIFT;
}

static void smaps_pte_entry(struct smaps_walk *w, pte_t pte, unsigned long addr)
{
	struct page *page;

	if (pte_none(pte))
		return;		/* shmem swap holes: no shmem swap yet */
	if (!pte_present(pte)) {
		smaps_swap_entry(w->vma->vm_mm->machine, w->mss, pte);
		return;
	}
	page = vm_normal_page(w->vma, addr, pte);
	if (page)
		smaps_account(w->mss, page, 1, pte_young(pte), pte_dirty(pte), w->locked, true);
}

/* A pmd mapping a whole 2 MiB folio (THP). */
static void smaps_pmd_entry(struct smaps_walk *w, pmd_t pmd)
{
	struct machine *m = w->vma->vm_mm->machine;
	struct page *page = pfn_to_page(m, pmd_pfn(pmd));
	struct page *head = compound_head(page);

	if (PageAnon(head))
		w->mss->anonymous_thp += PMD_SIZE;
	else if (PageSwapBacked(head))
		w->mss->shmem_thp += PMD_SIZE;
	else
		w->mss->file_thp += PMD_SIZE;
	smaps_account(w->mss, page, HPAGE_PMD_NR, pmd_val(pmd) & _PAGE_ACCESSED,
		      pmd_val(pmd) & _PAGE_DIRTY, w->locked, true);
}

/* pXd_addr_end(): the end of addr's entry at this level, capped at end. */
static unsigned long level_end(unsigned long addr, unsigned long end, unsigned int shift)
{
	unsigned long next = (addr + (1UL << shift)) & ~((1UL << shift) - 1);

	return next - 1 < end - 1 ? next : end;
}

static void smaps_pte_range(struct smaps_walk *w, pmd_t *pmd, unsigned long addr,
			    unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;
	pte_t *pte;

	spin_lock(&mm->page_table_lock);
	pte = pte_offset(mm, pmd, addr);
	for (; addr != end; addr += PAGE_SIZE, pte++)
		smaps_pte_entry(w, *pte, addr);
	spin_unlock(&mm->page_table_lock);
}

static void smaps_pmd_range(struct smaps_walk *w, pud_t *pud, unsigned long addr,
			    unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;

	for (unsigned long next; addr != end; addr = next) {
		pmd_t *pmd = pmd_offset(mm, pud, addr);

		next = level_end(addr, end, PMD_SHIFT);
		if (pmd_none(*pmd) || !pmd_present(*pmd))
			continue;
		if (pmd_leaf(*pmd))
			smaps_pmd_entry(w, *pmd);
		else
			smaps_pte_range(w, pmd, addr, next);
	}
}

static void smaps_pud_range(struct smaps_walk *w, p4d_t *p4d, unsigned long addr,
			    unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;

	for (unsigned long next; addr != end; addr = next) {
		pud_t *pud = pud_offset(mm, p4d, addr);

		next = level_end(addr, end, PUD_SHIFT);
		/* 1 GiB leaves are hugetlb only, which smaps does not walk. */
		if (pud_none(*pud) || !pud_present(*pud) || pud_leaf(*pud))
			continue;
		smaps_pmd_range(w, pud, addr, next);
	}
}

static void smaps_p4d_range(struct smaps_walk *w, pgd_t *pgd, unsigned long addr,
			    unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;

	for (unsigned long next; addr != end; addr = next) {
		p4d_t *p4d = p4d_offset(mm, pgd, addr);

		next = level_end(addr, end, P4D_SHIFT);
		if (p4d_none(*p4d) || !p4d_present(*p4d))
			continue;
		smaps_pud_range(w, p4d, addr, next);
	}
}

/* walk_page_vma(): only the populated parts of the tables are visited. */
static void smaps_walk_vma(struct vm_area_struct *vma, struct mem_size_stats *mss)
{
	struct mm_struct *mm = vma->vm_mm;
	struct smaps_walk w = { vma, mss, (vma->vm_flags & VM_LOCKED) != 0 };
	unsigned int pgdir_shift = mm->machine->cfg.pgtable_levels == 5 ? PGDIR_SHIFT_L5
									 : PGDIR_SHIFT_L4;
	unsigned long addr = vma->vm_start, end = vma->vm_end;

	/* hugetlb: smaps_hugetlb_range (mm/hugetlb_vma.c) */
	if (vma->vm_flags & VM_HUGETLB) {
		unsigned long shared, priv;

		hugetlb_smaps(vma, &shared, &priv);
		mss->shared_hugetlb += shared;
		mss->private_hugetlb += priv;
		return;
	}
	/* VM_PFNMAP ranges have no struct pages to account (walk_page_test). */
	if (vma->vm_flags & VM_PFNMAP)
		return;
	for (unsigned long next; addr != end; addr = next) {
		pgd_t *pgd = pgd_offset(mm, addr);

		next = level_end(addr, end, pgdir_shift);
		if (pgd_none(*pgd) || !pgd_present(*pgd))
			continue;
		smaps_p4d_range(&w, pgd, addr, next);
	}
}

/*
 * smap_gather_stats(): the walk, plus a shmem VMA's pages on swap, which no
 * pte shows (shmem_swap_usage; a private writable mapping of a shmem file,
 * where COW pages would hide some, is not made by anything yet).
 */
static void smap_gather_stats(struct vm_area_struct *vma, struct mem_size_stats *mss)
{
	struct address_space *mapping = vma->vm_file ? vma->vm_file->f_mapping : NULL;

	if (mapping && mapping->swapbacked && !mapping->hstate)
		mss->swap += shmem_partial_swap_usage(mapping, vma->vm_pgoff,
						      vma->vm_pgoff + vma_pages(vma));
	if (vma->vm_mm)
		smaps_walk_vma(vma, mss);
}

/* ---------------------------------------------------------------------- */
/* smaps, smaps_rollup                                                     */
/* ---------------------------------------------------------------------- */

/* SEQ_PUT_DEC: a byte count in kB, right-aligned in 8 after a 16-wide name. */
static void put_kb(struct seq_buf *s, const char *name, uint64_t bytes)
{
	seq_printf(s, "%-16s%8llu kB\n", name, (unsigned long long)(bytes >> 10));
}

static void put_pss_kb(struct seq_buf *s, const char *name, uint64_t pss)
{
	put_kb(s, name, pss >> PSS_SHIFT);
}

static void __show_smap(struct seq_buf *s, const struct mem_size_stats *mss, bool rollup)
{
	put_kb(s, "Rss:", mss->resident);
	put_pss_kb(s, "Pss:", mss->pss);
	put_pss_kb(s, "Pss_Dirty:", mss->pss_dirty);
	if (rollup) {
		/* Per VMA two of these are 0 and the third equals Pss. */
		put_pss_kb(s, "Pss_Anon:", mss->pss_anon);
		put_pss_kb(s, "Pss_File:", mss->pss_file);
		put_pss_kb(s, "Pss_Shmem:", mss->pss_shmem);
	}
	put_kb(s, "Shared_Clean:", mss->shared_clean);
	put_kb(s, "Shared_Dirty:", mss->shared_dirty);
	put_kb(s, "Private_Clean:", mss->private_clean);
	put_kb(s, "Private_Dirty:", mss->private_dirty);
	put_kb(s, "Referenced:", mss->referenced);
	put_kb(s, "Anonymous:", mss->anonymous);
	put_kb(s, "KSM:", mss->ksm);
	put_kb(s, "LazyFree:", mss->lazyfree);
	put_kb(s, "AnonHugePages:", mss->anonymous_thp);
	put_kb(s, "ShmemPmdMapped:", mss->shmem_thp);
	put_kb(s, "FilePmdMapped:", mss->file_thp);
	put_kb(s, "Shared_Hugetlb:", mss->shared_hugetlb);
	/* The one name too long for 16 columns: Linux narrows its number to 7. */
	seq_printf(s, "Private_Hugetlb: %7lu kB\n", mss->private_hugetlb >> 10);
	put_kb(s, "Swap:", mss->swap);
	put_pss_kb(s, "SwapPss:", mss->swap_pss);
	put_pss_kb(s, "Locked:", mss->pss_locked);
}

/* show_smap_vma_flags(): two letters per set flag, in bit order. */
static const char vm_flag_mnemonics[64][3] = {
	[0] = "rd", [1] = "wr", [2] = "ex", [3] = "sh",		/* READ WRITE EXEC SHARED */
	[4] = "mr", [5] = "mw", [6] = "me", [7] = "ms",		/* MAY* */
	[8] = "gd", [9] = "um", [10] = "pf", [12] = "uw",	/* GROWSDOWN UFFD_MISSING PFNMAP UFFD_WP */
	[13] = "lo", [14] = "io", [15] = "sr", [16] = "rr",	/* LOCKED IO SEQ_READ RAND_READ */
	[17] = "dc", [18] = "de", [19] = "lf", [20] = "ac",	/* DONTCOPY DONTEXPAND LOCKONFAULT ACCOUNT */
	[21] = "nr", [22] = "ht", [23] = "sf", [24] = "ar",	/* NORESERVE HUGETLB SYNC ARCH_1 (PAT) */
	[25] = "wf", [26] = "dd",				/* WIPEONFORK DONTDUMP */
	/* [27] VM_SOFTDIRTY: "sd" only with CONFIG_MEM_SOFT_DIRTY (host: off) */
	[28] = "mm", [29] = "hg", [30] = "nh", [31] = "mg",	/* MIXEDMAP HUGEPAGE NOHUGEPAGE MERGEABLE */
};
_Static_assert(VM_SOFTDIRTY == 1UL << 27 && VM_MERGEABLE == 1UL << 31,
	       "vm_flag_mnemonics follows Linux's VM_* bit numbers");

static void show_smap_vma_flags(struct seq_buf *s, const struct vm_area_struct *vma)
{
	seq_puts(s, "VmFlags: ");
	for (unsigned int i = 0; i < 64; i++) {
		if (vm_flag_mnemonics[i][0] && (vma->vm_flags & (1UL << i)))
			seq_printf(s, "%s ", vm_flag_mnemonics[i]);
	}
	seq_putc(s, '\n');
}

/*
 * THPeligible (thp_vma_allowable_orders with TVA_SMAPS, PMD order only:
 * the other mTHP sizes are "never" by default). Anonymous VMAs follow the
 * "enabled" mode (madvise needs VM_HUGEPAGE); shmem follows shmem_enabled,
 * "never" by default; special mappings are never eligible. The VMA must
 * hold a 2 MiB-aligned 2 MiB range ending at or below its end.
 */
static bool thp_eligible(const struct vm_area_struct *vma)
{
	const struct machine *m;
	unsigned long haddr;

	if (!vma->vm_mm || vma->vm_file || vma->vm_special_name)
		return false;
	m = vma->vm_mm->machine;
	if ((vma->vm_flags & VM_NOHUGEPAGE) || (vma->vm_mm->flags & (1UL << MMF_DISABLE_THP)))
		return false;
	if (m->cfg.thp == THP_NEVER ||
	    (m->cfg.thp == THP_MADVISE && !(vma->vm_flags & VM_HUGEPAGE)))
		return false;
	if (vma->vm_end - vma->vm_start < PMD_SIZE)
		return false;
	haddr = (vma->vm_end - PMD_SIZE) & PMD_MASK;
	return haddr >= vma->vm_start;
}

static void show_smap(struct seq_buf *s, struct vm_area_struct *vma)
{
	struct mem_size_stats mss = { 0 };

	smap_gather_stats(vma, &mss);
	show_map_vma(s, vma);
	put_kb(s, "Size:", vma->vm_end - vma->vm_start);
	/* vma_kernel_pagesize / vma_mmu_pagesize: the hstate's for hugetlb */
	put_kb(s, "KernelPageSize:", is_vm_hugetlb_page(vma) ? huge_page_size(hstate_vma(vma)) : PAGE_SIZE);
	put_kb(s, "MMUPageSize:", is_vm_hugetlb_page(vma) ? huge_page_size(hstate_vma(vma)) : PAGE_SIZE);
	__show_smap(s, &mss, false);
	seq_printf(s, "THPeligible:    %8u\n", thp_eligible(vma) ? 1u : 0u);
	show_smap_vma_flags(s, vma);
}

void proc_pid_smaps(struct task_struct *t, struct seq_buf *s)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *vma, gate;

	spin_lock(&mm->mmap_lock);
	for_each_vma(mm, vma)
		show_smap(s, vma);
	spin_unlock(&mm->mmap_lock);
	gate_vma_init(&gate);
	show_smap(s, &gate);	/* no mm: nothing to walk */
}

/* One header spanning every VMA (flags 0: "---p"), then the sums. */
void proc_pid_smaps_rollup(struct task_struct *t, struct seq_buf *s)
{
	struct mm_struct *mm = t->mm;
	struct mem_size_stats mss = { 0 };
	struct vm_area_struct *vma;
	unsigned long vma_start = 0, last_vma_end = 0;
	size_t line_start;

	spin_lock(&mm->mmap_lock);
	for_each_vma(mm, vma) {
		if (!last_vma_end)
			vma_start = vma->vm_start;
		smap_gather_stats(vma, &mss);
		last_vma_end = vma->vm_end;
	}
	spin_unlock(&mm->mmap_lock);
	line_start = s->len;
	show_vma_header_prefix(s, vma_start, last_vma_end, 0, 0, 0, 0, 0);
	seq_pad(s, line_start);
	seq_puts(s, "[rollup]\n");
	__show_smap(s, &mss, true);
}

/* ---------------------------------------------------------------------- */
/* status (Vm lines), statm                                                */
/* ---------------------------------------------------------------------- */

static void put_status_kb(struct seq_buf *s, const char *name, unsigned long kb)
{
	seq_printf(s, "%s\t%8lu kB\n", name, kb);
}

static unsigned long pages_kb(unsigned long pages)
{
	return pages << (PAGE_SHIFT - 10);
}

/* The executable's text in bytes, capped by exec_vm (task_mem's "text"). */
static unsigned long mm_text_bytes(const struct mm_struct *mm)
{
	unsigned long text = PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);

	return min(text, mm->exec_vm << PAGE_SHIFT);
}

/*
 * task_mem(): hiwater figures are only updated when the current value is
 * about to fall, so the peak is the larger of the two.
 */
void task_mem(struct seq_buf *s, struct mm_struct *mm)
{
	unsigned long anon = get_mm_counter(mm, MM_ANONPAGES);
	unsigned long file = get_mm_counter(mm, MM_FILEPAGES);
	unsigned long shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	unsigned long total_rss = anon + file + shmem;
	unsigned long text = mm_text_bytes(mm);
	unsigned long lib = (mm->exec_vm << PAGE_SHIFT) - text;

	put_status_kb(s, "VmPeak:", pages_kb(max(mm->total_vm, mm->hiwater_vm)));
	put_status_kb(s, "VmSize:", pages_kb(mm->total_vm));
	put_status_kb(s, "VmLck:", pages_kb(mm->locked_vm));
	put_status_kb(s, "VmPin:", pages_kb(mm->pinned_vm));
	put_status_kb(s, "VmHWM:", pages_kb(max(total_rss, mm->hiwater_rss)));
	put_status_kb(s, "VmRSS:", pages_kb(total_rss));
	put_status_kb(s, "RssAnon:", pages_kb(anon));
	put_status_kb(s, "RssFile:", pages_kb(file));
	put_status_kb(s, "RssShmem:", pages_kb(shmem));
	put_status_kb(s, "VmData:", pages_kb(mm->data_vm));
	put_status_kb(s, "VmStk:", pages_kb(mm->stack_vm));
	put_status_kb(s, "VmExe:", text >> 10);
	put_status_kb(s, "VmLib:", lib >> 10);
	put_status_kb(s, "VmPTE:", (unsigned long)mm->pgtables_bytes >> 10);
	put_status_kb(s, "VmSwap:", pages_kb(get_mm_counter(mm, MM_SWAPENTS)));
	/* hugetlb_report_usage(): base pages under hugetlb leaves (mm/hugetlb_vma.c) */
	put_status_kb(s, "HugetlbPages:", pages_kb((unsigned long)mm->hugetlb_usage));
}

unsigned long task_vsize(struct mm_struct *mm)
{
	return PAGE_SIZE * mm->total_vm;
}

/* task_statm(): returns size; shared = file + shmem RSS; data counts the stack. */
static unsigned long task_statm(struct mm_struct *mm, unsigned long *shared,
				unsigned long *text, unsigned long *data,
				unsigned long *resident)
{
	*shared = get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_SHMEMPAGES);
	*text = (PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK)) >> PAGE_SHIFT;
	*data = mm->data_vm + mm->stack_vm;
	*resident = *shared + get_mm_counter(mm, MM_ANONPAGES);
	return mm->total_vm;
}

/* "size resident shared text lib data dt"; lib and dt are always 0 (2.6+). */
void proc_pid_statm(struct task_struct *t, struct seq_buf *s)
{
	unsigned long size, resident, shared, text, data;

	size = task_statm(t->mm, &shared, &text, &data, &resident);
	seq_printf(s, "%lu %lu %lu %lu 0 %lu 0\n", size, resident, shared, text, data);
}
