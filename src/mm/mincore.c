/*
 * mincore.c - residency queries and synchronisation of mapped memory:
 * mincore (Linux's mm/mincore.c) and msync (mm/msync.c).
 *
 * mincore fills one byte per page of [start, start + len): 1 when the page
 * is resident. Anonymous memory: the pte is present (the zero page counts;
 * a swap entry counts when its page is in the swap cache). Shmem: the
 * page is in the object's cache, mapped here or not. Like Linux it works
 * VMA by VMA and stops at the first unmapped page with -ENOMEM, the bytes
 * before it already written.
 *
 * msync validates like Linux and walks the VMAs for -ENOMEM on holes and
 * -EBUSY for MS_INVALIDATE of locked memory. MS_SYNC writes back the
 * dirty pages a shared disk-file mapping covers (write faults have marked
 * them dirty already: write-notify) and reports a writeback error;
 * anonymous and shmem memory have no backing file to write.
 *
 * Lock order: mmap_lock > page_table_lock.
 */
#include <errno.h>
#include <string.h>

#include "fs.h"
#include "pagemap.h"
#include "mman.h"
#include "mm.h"
#include "pgalloc.h"
#include "swap_internal.h"
#include "tlbflush.h"
#include "vma.h"

/* Is the page at index of mapping in its cache (mincore_page)? */
static unsigned char mincore_page(struct address_space *mapping, unsigned long index)
{
	struct page *page = filemap_get_folio(mapping, index);

	if (!page)
		return 0;
	put_page(mapping->machine, page);
	return 1;
}

/* Pages of vma in [addr, end) that no pte maps: the file's cache decides. */
static void mincore_unmapped_range(struct vm_area_struct *vma, unsigned long addr,
				   unsigned long end, unsigned char *vec)
{
	unsigned long nr = (end - addr) >> PAGE_SHIFT;

	if (!vma->vm_file) {
		memset(vec, 0, nr);
		return;
	}
	for (unsigned long i = 0; i < nr; i++)
		vec[i] = mincore_page(vma->vm_file->f_mapping,
				      vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT) + i);
}

/* mincore_swap: the swap cache holds the entry's data, up to date. */
static unsigned char mincore_swap(struct machine *m, swp_entry_t entry)
{
	struct page *folio = swap_entry_valid(m, entry) ? swap_cache_peek(m, entry) : NULL;

	return folio && PageUptodate(folio);
}

static void mincore_pte_range(struct vm_area_struct *vma, pte_t *pte, unsigned long addr,
			      unsigned long end, unsigned char *vec)
{
	for (; addr < end; addr += PAGE_SIZE, pte++, vec++) {
		pte_t ptent = *pte;

		if (pte_none(ptent))
			mincore_unmapped_range(vma, addr, addr + PAGE_SIZE, vec);
		else if (pte_present(ptent))
			*vec = 1;
		else	/* a swap entry: resident if its folio is in the swap cache */
			*vec = mincore_swap(vma->vm_mm->machine, pte_to_swp_entry(ptent));
	}
}

/*
 * The residency of [addr, addr + pages pages) as far as the VMA holding
 * addr reaches (do_mincore). Returns the pages done, or -ENOMEM.
 */
static long do_mincore(struct mm_struct *mm, unsigned long addr, unsigned long pages,
		       unsigned char *vec)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	unsigned long end, next;
	long done;

	if (!vma)
		return -ENOMEM;
	end = (pages > (vma->vm_end - addr) >> PAGE_SHIFT) ? vma->vm_end
							     : addr + (pages << PAGE_SHIFT);
	done = (long)((end - addr) >> PAGE_SHIFT);
	for (; addr < end; vec += (next - addr) >> PAGE_SHIFT, addr = next) {
		unsigned long boundary = (addr + PMD_SIZE) & PMD_MASK;
		pmd_t *pmd = walk_pmd(mm, addr);

		next = (boundary - 1 < end - 1) ? boundary : end;
		if (!pmd || pmd_none(*pmd)) {
			mincore_unmapped_range(vma, addr, next, vec);
		} else if (pmd_leaf(*pmd)) {
			memset(vec, 1, (next - addr) >> PAGE_SHIFT);
		} else {
			spin_lock(&mm->page_table_lock);
			mincore_pte_range(vma, pte_offset(mm, pmd, addr), addr, next, vec);
			spin_unlock(&mm->page_table_lock);
		}
	}
	return done;
}

long sys_mincore(struct task_struct *t, unsigned long start, unsigned long len,
		 unsigned char *vec)
{
	struct mm_struct *mm = t->mm;
	unsigned long pages;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	if (start & ~PAGE_MASK)
		return -EINVAL;
	/* access_ok: the range must lie in user space. */
	if (start + len < start || start + len > mm->task_size)
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);

	while (pages) {
		long done;

		spin_lock(&mm->mmap_lock);
		done = do_mincore(mm, start, pages, vec);
		spin_unlock(&mm->mmap_lock);
		if (done < 0)
			return done;
		pages -= (unsigned long)done;
		vec += done;
		start += (unsigned long)done << PAGE_SHIFT;
	}
	return 0;
}

long sys_msync(struct task_struct *t, unsigned long start, unsigned long len, int flags)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *vma;
	int unmapped_error = 0, error = 0;
	unsigned long end;

	task_enter(t);
	pti_syscall_enter_exit(t->machine);
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;

	spin_lock(&mm->mmap_lock);
	for (vma = find_vma(mm, start);; vma = vma_next(vma)) {
		if (!vma) {
			error = -ENOMEM;
			break;
		}
		if (start < vma->vm_start) {
			/* MS_ASYNC alone has nothing to do but report the hole. */
			if (flags == MS_ASYNC) {
				error = -ENOMEM;
				break;
			}
			start = vma->vm_start;
			if (start >= end) {
				error = -ENOMEM;
				break;
			}
			unmapped_error = -ENOMEM;
		}
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED)) {
			error = -EBUSY;
			break;
		}
		/* MS_SYNC of a shared disk-file mapping: vfs_fsync_range of what it maps */
		if ((flags & MS_SYNC) && (vma->vm_flags & VM_SHARED) &&
		    file_is_disk_file(vma->vm_file)) {
			unsigned long fstart = (start - vma->vm_start) + (vma->vm_pgoff << PAGE_SHIFT);
			unsigned long fend = fstart + (min(end, vma->vm_end) - start) - 1;
			int err = filemap_write_and_wait_range(vma->vm_file->f_mapping,
							       (long long)fstart, (long long)fend);

			if (!err)
				err = file_check_and_advance_wb_err(vma->vm_file);
			if (err) {
				error = err;
				break;
			}
		}
		start = vma->vm_end;
		if (start >= end)
			break;
	}
	spin_unlock(&mm->mmap_lock);
	return error ? error : unmapped_error;
}
