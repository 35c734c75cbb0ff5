/*
 * numa_maps.c - /proc/PID/numa_maps (Linux 6.18's show_numa_map in
 * fs/proc/task_mmu.c): one line per VMA with its NUMA policy and where its
 * pages are.
 *
 *   7f0000000000 interleave:0-1 anon=4 dirty=4 active=0 N0=2 N1=2 kernelpagesize_kB=4
 *
 * The policy is the VMA's (or its shmem object's shared policy at the
 * VMA's start), else the task's, printed as mpol_to_str does ("default"
 * for none); then " file=PATH" (with space, tab, newline and '=' escaped as
 * \ooo, seq_path's escapes), " heap" or " stack"; " huge" for hugetlb.
 * The page-table walk gathers every present page that has a struct page
 * (not the zero page): pages, anon, dirty (pte or page), swapcache, active
 * (or unevictable), writeback, the largest mapcount, pages per node. A VMA
 * with no such page ends after the name; otherwise the counts follow,
 * each printed only when it says something, as Linux does. The gate VMA
 * ([vsyscall]) has no mm and prints nothing.
 *
 * Locks: mmap_lock around the VMA walk, the page table lock per table.
 */
#include "fs.h"
#include "internal.h"
#include "mempolicy.h"
#include "sched.h"
#include "vma.h"

struct numa_maps {
	unsigned long pages, anon, active, writeback, mapcount_max, dirty, swapcache;
	unsigned long node[MAX_NUMNODES];
};

static int gather_stats(struct vm_area_struct *vma, unsigned long addr, struct page *page,
			unsigned long nr, bool pte_dirty, void *priv)
{
	struct numa_maps *md = priv;
	struct page *head = compound_head(page);
	unsigned long count = (unsigned long)page_mapcount(page);

	(void)vma;
	(void)addr;
	md->pages += nr;
	if (pte_dirty || PageDirty(head))
		md->dirty += nr;
	if (test_bit_flag(head, PG_swapcache))
		md->swapcache += nr;
	if (PageActive(head) || PageUnevictable(head))
		md->active += nr;
	if (PageWriteback(head))
		md->writeback += nr;
	if (PageAnon(head))
		md->anon += nr;
	if (count > md->mapcount_max)
		md->mapcount_max = count;
	md->node[page_to_nid(head)] += nr;
	return 0;
}

/* seq_path(m, path, "\n\t= "): those characters as a backslash and three octal digits. */
static void seq_path_escaped(struct seq_buf *s, const char *path)
{
	for (const char *p = path; *p; p++) {
		if (*p == '\n' || *p == '\t' || *p == '=' || *p == ' ')
			seq_printf(s, "\\%03o", (unsigned char)*p);
		else
			seq_putc(s, *p);
	}
}

static bool vma_is_initial_heap(const struct vm_area_struct *vma)
{
	return vma->vm_start < vma->vm_mm->brk && vma->vm_end > vma->vm_mm->start_brk;
}

static bool vma_is_initial_stack(const struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->start_stack &&
	       vma->vm_end >= vma->vm_mm->start_stack;
}

static void show_numa_map(struct task_struct *t, struct vm_area_struct *vma, struct seq_buf *s)
{
	struct machine *m = t->machine;
	struct numa_maps md = { 0 };
	struct mempolicy *pol;
	unsigned long ilx;
	char buffer[64];

	pol = __get_vma_policy(vma, vma->vm_start, &ilx);
	if (pol) {
		mpol_to_str(buffer, sizeof(buffer), pol);
		mpol_cond_put(m, pol);
	} else {
		mpol_to_str(buffer, sizeof(buffer), t->mempolicy);
	}
	seq_printf(s, "%08lx %s", vma->vm_start, buffer);
	if (vma->vm_file) {
		seq_puts(s, " file=");
		seq_path_escaped(s, vma->vm_file->path);
	} else if (vma_is_initial_heap(vma)) {
		seq_puts(s, " heap");
	} else if (vma_is_initial_stack(vma)) {
		seq_puts(s, " stack");
	}
	if (vma->vm_flags & VM_HUGETLB)
		seq_puts(s, " huge");
	mpol_walk_vma_pages(vma, vma->vm_start, vma->vm_end, gather_stats, &md);
	if (md.pages) {
		if (md.anon)
			seq_printf(s, " anon=%lu", md.anon);
		if (md.dirty)
			seq_printf(s, " dirty=%lu", md.dirty);
		if (md.pages != md.anon && md.pages != md.dirty)
			seq_printf(s, " mapped=%lu", md.pages);
		if (md.mapcount_max > 1)
			seq_printf(s, " mapmax=%lu", md.mapcount_max);
		if (md.swapcache)
			seq_printf(s, " swapcache=%lu", md.swapcache);
		if (md.active < md.pages && !(vma->vm_flags & VM_HUGETLB))
			seq_printf(s, " active=%lu", md.active);
		if (md.writeback)
			seq_printf(s, " writeback=%lu", md.writeback);
		for (int nid = 0; nid < m->nr_nodes; nid++)
			if (md.node[nid] && NODE_DATA(m, nid)->node_present_pages)
				seq_printf(s, " N%d=%lu", nid, md.node[nid]);
		/* vma_kernel_pagesize: hugetlb VMAs are not walked in this tree */
		seq_printf(s, " kernelpagesize_kB=%lu", PAGE_SIZE >> 10);
	}
	seq_putc(s, '\n');
}

void proc_pid_numa_maps(struct task_struct *t, struct seq_buf *s)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *vma;

	spin_lock(&mm->mmap_lock);
	for_each_vma(mm, vma)
		show_numa_map(t, vma, s);
	spin_unlock(&mm->mmap_lock);
}
