/*
 * shmem.c - shared memory objects (Linux's mm/shmem.c, with the part of
 * mm/filemap.c and lib/xarray.c they need): the files behind
 * MAP_SHARED|MAP_ANONYMOUS mappings and, for now, programs' images.
 *
 * An object is a struct file (the "filp" cache) and its address_space (the
 * "shmem_inode_cache"; Linux embeds it in the inode). Its pages are found
 * by page offset in i_pages, the shared xarray (lib/xarray.c): a tree of
 * 64-slot "radix_tree_node" objects; a leaf slot holds a struct page *.
 *
 * Pages: allocated by the first fault (or shmem_get_page) at an index
 * below i_size, zeroed, uptodate, PG_swapbacked (unless the mapping says
 * otherwise), on the node's LRU (anon lists when swapbacked), counted in
 * NR_FILE_PAGES and NR_SHMEM. The cache holds one reference; each pte one
 * more. Truncation (last fput, punch hole) drops the cache's reference;
 * the caller has unmapped the pages first.
 *
 * Locks: mmap_lock > page table lock > i_pages lock > lru_lock > slab.
 *
 * Invariants: every page in i_pages has mapping == the address_space and
 * index == its slot, and is counted in nrpages, NR_FILE_PAGES (and
 * NR_SHMEM if swapbacked).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"
#include "hugetlb.h"
#include "memory.h"
#include "mempolicy.h"
#include "swap_internal.h"
#include "vma.h"

/* The internal tmpfs mount (shm_mnt) is device 00:01, as the host's maps show. */
#define SHM_DEV_MAJOR		0
#define SHM_DEV_MINOR		1

/* ---------------------------------------------------------------------- */
/* Pages in and out of the cache                                           */
/* ---------------------------------------------------------------------- */

static void shmem_mod_stats(struct address_space *mapping, struct page *page, long nr)
{
	pg_data_t *pgdat = page_pgdat(mapping->machine, page);

	mapping->nrpages += nr;
	mod_node_page_state(pgdat, NR_FILE_PAGES, nr);
	if (mapping->swapbacked)
		mod_node_page_state(pgdat, NR_SHMEM, nr);
}

/* filemap_remove_folio: the cache lets go of page (i_pages lock held). */
static void shmem_delete_from_cache(struct address_space *mapping, struct page *page)
{
	struct machine *m = mapping->machine;

	VM_BUG_ON_PAGE(page->mapping != mapping, m, page);
	VM_BUG_ON_PAGE(page_mapped(page), m, page);	/* the caller unmapped it */
	page->mapping = NULL;
	ClearPageDirty(page);	/* truncated data is never written back */
	shmem_mod_stats(mapping, page, -1);
	put_page(m, page);
}

/* A swapped page truncated: its slot goes (shmem_free_swap). i_pages lock held. */
static void shmem_free_swap(struct address_space *mapping, void *entry)
{
	mapping->swapped--;
	free_swap_and_cache(mapping->machine, radix_to_swp_entry(entry));
}

static void shmem_drop_range(struct address_space *mapping, unsigned long start,
			     unsigned long end)
{
	unsigned long index;
	void *entry;

	if (start >= end)
		return;
	spin_lock(&mapping->i_pages_lock);
	xa_for_each_range(&mapping->i_pages, index, entry, start, end - 1) {
		xa_erase(mapping->machine, &mapping->i_pages, index);
		if (xa_is_value(entry))
			shmem_free_swap(mapping, entry);
		else
			shmem_delete_from_cache(mapping, entry);
	}
	spin_unlock(&mapping->i_pages_lock);
}

void shmem_truncate_range(struct address_space *mapping, unsigned long start)
{
	shmem_drop_range(mapping, start, ULONG_MAX);
}

void shmem_punch_hole(struct address_space *mapping, unsigned long start, unsigned long end)
{
	shmem_drop_range(mapping, start, end);
}

/* A new page at index: zeroed, uptodate, in the cache and on the LRU. */
static struct page *shmem_alloc_and_add_page(struct address_space *mapping,
					     unsigned long index, int *err)
{
	struct machine *m = mapping->machine;
	struct page *page = shmem_alloc_folio(m, GFP_HIGHUSER_MOVABLE, mapping, index);
	int ret;

	if (!page) {
		*err = -ENOMEM;
		return NULL;
	}
	clear_user_highpage(m, page);
	SetPageUptodate(page);
	if (mapping->swapbacked)
		SetPageSwapBacked(page);
	spin_lock(&mapping->i_pages_lock);
	ret = xa_store(m, &mapping->i_pages, index, page, NULL);
	if (ret) {
		spin_unlock(&mapping->i_pages_lock);
		put_page(m, page);
		*err = ret == -EFBIG ? -EINVAL : ret;
		return NULL;
	}
	page->mapping = mapping;
	page->index = index;
	page_ref_inc(page);	/* the cache's; the allocation's is the caller's */
	shmem_mod_stats(mapping, page, 1);
	spin_unlock(&mapping->i_pages_lock);
	folio_add_lru(m, page);
	return page;
}

struct page *shmem_get_page(struct address_space *mapping, unsigned long index, bool create,
			    int *err)
{
	struct page *page;
	int dummy;

	if (!err)
		err = &dummy;
	*err = 0;
	spin_lock(&mapping->i_pages_lock);
	page = xa_load(&mapping->i_pages, index);
	if (xa_is_value(page))
		page = NULL;	/* on swap: not in the cache (shmem_get_folio_fault reads it) */
	if (page)
		get_page(page);
	spin_unlock(&mapping->i_pages_lock);
	if (page || !create)
		return page;
	/* SGP_CACHE: nothing is created at or beyond i_size (the fault's SIGBUS). */
	if (index >= DIV_ROUND_UP(mapping->size, PAGE_SIZE)) {
		*err = -EINVAL;
		return NULL;
	}
	return shmem_alloc_and_add_page(mapping, index, err);
}

/* ---------------------------------------------------------------------- */
/* Objects                                                                 */
/* ---------------------------------------------------------------------- */

/* The caches exist from boot (proc_caches_init); a bare machine gets them here. */
static int shmem_init_caches(struct machine *m)
{
	if (!m->filp_cachep)
		m->filp_cachep = kmem_cache_create(m, "filp", sizeof(struct file), 0,
						   SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	if (!m->shmem_inode_cachep)
		m->shmem_inode_cachep = kmem_cache_create(m, "shmem_inode_cache",
							  sizeof(struct address_space), 0,
							  SLAB_ACCOUNT, NULL);
	return m->filp_cachep && m->shmem_inode_cachep ? 0 : -ENOMEM;
}

static struct address_space *shmem_get_inode(struct machine *m, unsigned long size,
					     vm_flags_t flags)
{
	struct address_space *mapping = kmem_cache_alloc(m, m->shmem_inode_cachep, GFP_KERNEL);

	if (!mapping)
		return NULL;
	memset(mapping, 0, sizeof(*mapping));
	mapping->machine = m;
	mapping->size = size;
	mapping->swapbacked = true;
	mapping->ino = ++m->next_ino;	/* get_next_ino */
	mapping->i_mmap = RB_ROOT;
	mapping->shmem_flags = flags & VM_NORESERVE;
	spin_lock_init(&mapping->i_mmap_lock, LOCK_I_MMAP);
	spin_lock_init(&mapping->i_pages_lock, LOCK_I_PAGES);
	mpol_shared_policy_init(&mapping->policy);
	return mapping;
}

/* __shmem_file_setup; mm is charged for the size unless flags has VM_NORESERVE. */
static struct file *__shmem_file_setup(struct machine *m, struct mm_struct *mm, const char *name,
				       unsigned long size, vm_flags_t flags)
{
	long pages = (long)(PAGE_ALIGN(size) >> PAGE_SHIFT);
	struct address_space *mapping;
	struct file *file;

	if (size > LLONG_MAX)	/* MAX_LFS_FILESIZE */
		return ERR_PTR(-EINVAL);
	if (shmem_init_caches(m))
		return ERR_PTR(-ENOMEM);
	/* shmem_acct_size */
	if (!(flags & VM_NORESERVE) && security_vm_enough_memory_mm(mm, pages))
		return ERR_PTR(-ENOMEM);
	mapping = shmem_get_inode(m, size, flags);
	file = mapping ? kmem_cache_alloc(m, m->filp_cachep, GFP_KERNEL) : NULL;
	if (!file) {
		if (mapping)
			kmem_cache_free(m, m->shmem_inode_cachep, mapping);
		if (!(flags & VM_NORESERVE))
			vm_unacct_memory(m, pages);
		return ERR_PTR(-ENOMEM);
	}
	memset(file, 0, sizeof(*file));
	file->f_count = 1;
	snprintf(file->path, sizeof(file->path), "%s", name);
	file->f_mapping = mapping;
	file->dev_major = SHM_DEV_MAJOR;
	file->dev_minor = SHM_DEV_MINOR;
	return file;
}

struct file *shmem_file_setup(struct machine *m, const char *name, unsigned long size)
{
	return __shmem_file_setup(m, NULL, name, size, VM_NORESERVE);
}

int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct file *file = __shmem_file_setup(mm->machine, mm, "/dev/zero (deleted)",
					       vma->vm_end - vma->vm_start, vma->vm_flags);

	if (IS_ERR(file))
		return (int)PTR_ERR(file);
	if (vma->vm_file)
		fput(mm->machine, vma->vm_file);
	vma->vm_file = file;
	return 0;
}

void get_file(struct file *f)
{
	f->f_count++;
}

/* The last reference: the pages, the charge and the objects go (shmem_evict_inode). */
void fput(struct machine *m, struct file *f)
{
	struct address_space *mapping = f->f_mapping;

	VM_BUG_ON(f->f_count <= 0);
	if (--f->f_count)
		return;
	if (f->f_inode) {		/* a disk file (fs/open.c) */
		disk_file_release(m, f);
		return;
	}
	if (mapping->hstate) {		/* a hugetlbfs file (fs/hugetlbfs/inode.c) */
		hugetlbfs_evict_inode(m, mapping);
		kmem_cache_free(m, m->filp_cachep, f);
		return;
	}
	shmem_truncate_range(mapping, 0);
	xa_destroy(m, &mapping->i_pages);	/* nodes a failed store left */
	VM_BUG_ON(mapping->nrpages || mapping->swapped);
	if (mapping->swaplist.next)	/* swap (issue 5) */
		list_del(&mapping->swaplist);
	if (!(mapping->shmem_flags & VM_NORESERVE))
		vm_unacct_memory(m, (long)(PAGE_ALIGN(mapping->size) >> PAGE_SHIFT));
	mpol_free_shared_policy(m, &mapping->policy);
	kmem_cache_free(m, m->shmem_inode_cachep, mapping);
	kmem_cache_free(m, m->filp_cachep, f);
}

/* ---------------------------------------------------------------------- */
/* Swap (issue 5)                                                          */
/* ---------------------------------------------------------------------- */

/*
 * shmem pages on swap: the object's slot holds the swap entry as a value
 * (swp_to_radix_entry), counted in mapping->swapped; the slot's count is
 * that one reference. An object that ever swapped is on
 * machine->shmem_swaplist, for swapoff and validate_swap.
 */

int shmem_writeout(struct machine *m, struct page *folio)
{
	struct address_space *mapping = folio->mapping;
	unsigned long index = folio->index;
	swp_entry_t entry;
	void *old;

	VM_BUG_ON_PAGE(!mapping || PageAnon(folio) || page_mapped(folio) || PageTail(folio), m,
		       folio);
	if (!mapping->swapbacked || mapping->hstate)
		return -EINVAL;
	entry = folio_alloc_swap_slot(m);
	if (!entry.val) {
		SetPageDirty(folio);	/* redirty: it stays in its object */
		return -ENOMEM;
	}
	swap_cache_add_folio(m, folio, entry, NULL);
	swap_duplicate(m, entry);	/* swap_shmem_alloc: the object's reference */
	spin_lock(&mapping->i_pages_lock);
	xa_store(m, &mapping->i_pages, index, swp_to_radix_entry(entry), &old);
	VM_BUG_ON(old != folio);
	mapping->swapped++;
	if (!mapping->swaplist.next)
		list_add_tail(&mapping->swaplist, &m->shmem_swaplist);
	/* shmem_delete_from_page_cache: the folio belongs to the swap cache now */
	folio->mapping = NULL;
	shmem_mod_stats(mapping, folio, -1);
	spin_unlock(&mapping->i_pages_lock);
	put_page(m, folio);	/* the object's reference */
	SetPageDirty(folio);
	return swap_writepage(m, folio);
}

/*
 * shmem_swapin_folio: entry's data into a folio (from the swap cache or
 * read) put back at index; the slot is freed and the folio leaves the
 * swap cache, dirty. Returns it with a reference.
 */
static struct page *shmem_swapin(struct address_space *mapping, unsigned long index, void *value,
				 struct vm_area_struct *vma, unsigned long addr, bool *major,
				 int *err)
{
	struct machine *m = mapping->machine;
	swp_entry_t entry = radix_to_swp_entry(value);
	struct page *folio;
	void *old;

	*major = false;
	if (!swap_entry_valid(m, entry)) {
		*err = -EIO;
		return NULL;
	}
	folio = swapin_single(m, entry, GFP_HIGHUSER_MOVABLE, vma, addr, major, err);
	if (!folio)
		return NULL;
	spin_lock(&mapping->i_pages_lock);
	if (xa_load(&mapping->i_pages, index) != value) {	/* truncated meanwhile */
		spin_unlock(&mapping->i_pages_lock);
		put_page(m, folio);
		*err = -EAGAIN;
		return NULL;
	}
	xa_store(m, &mapping->i_pages, index, folio, &old);
	folio->mapping = mapping;
	folio->index = index;
	get_page(folio);	/* the object's */
	shmem_mod_stats(mapping, folio, 1);
	mapping->swapped--;
	spin_unlock(&mapping->i_pages_lock);
	delete_from_swap_cache(m, folio);
	SetPageDirty(folio);
	swap_free(m, entry);
	return folio;
}

struct page *shmem_get_folio_fault(struct address_space *mapping, unsigned long index,
				   struct vm_area_struct *vma, unsigned long addr, bool *major,
				   int *err)
{
	void *entry;

	*major = false;
	for (;;) {
		spin_lock(&mapping->i_pages_lock);
		entry = mapping->hstate ? NULL : xa_load(&mapping->i_pages, index);
		spin_unlock(&mapping->i_pages_lock);
		if (!xa_is_value(entry))
			return shmem_get_page(mapping, index, true, err);
		entry = shmem_swapin(mapping, index, entry, vma, addr, major, err);
		if (entry || *err != -EAGAIN)
			return entry;
	}
}

unsigned long shmem_partial_swap_usage(struct address_space *mapping, unsigned long start,
				       unsigned long end)
{
	unsigned long index, swapped = 0;
	void *entry;

	if (!mapping->swapped || start >= end)
		return 0;
	xa_for_each_range(&mapping->i_pages, index, entry, start, end - 1)
		swapped += xa_is_value(entry);
	return swapped << PAGE_SHIFT;
}

void shmem_swap_census(struct machine *m, void (*note)(void *arg, swp_entry_t entry), void *arg)
{
	struct address_space *mapping;
	unsigned long index, n;
	void *entry;

	list_for_each_entry(mapping, &m->shmem_swaplist, swaplist) {
		n = 0;
		xa_for_each_range(&mapping->i_pages, index, entry, 0, ULONG_MAX) {
			if (!xa_is_value(entry))
				continue;
			note(arg, radix_to_swp_entry(entry));
			n++;
		}
		if (n != mapping->swapped)
			pr_err(m, "validate_swap: shmem inode %lu swapped %lu, entries %lu",
			       mapping->ino, mapping->swapped, n);
	}
}

/* MADV_WILLNEED (shmem_swapin_range): swapped pages read into the swap cache. */
void shmem_willneed(struct address_space *mapping, unsigned long start, unsigned long end)
{
	struct machine *m = mapping->machine;
	unsigned long index;
	void *entry;

	if (mapping->hstate || !mapping->swapped || start >= end)
		return;
	xa_for_each_range(&mapping->i_pages, index, entry, start, end - 1) {
		struct page *folio;
		bool major;
		int err;

		if (!xa_is_value(entry) || !swap_entry_valid(m, radix_to_swp_entry(entry)))
			continue;
		folio = swapin_single(m, radix_to_swp_entry(entry), GFP_HIGHUSER_MOVABLE, NULL, 0,
				      &major, &err);
		if (folio)
			put_page(m, folio);
	}
}

int shmem_unuse(struct machine *m, int type)
{
	struct address_space *mapping;
	unsigned long index;
	void *entry;

	list_for_each_entry(mapping, &m->shmem_swaplist, swaplist) {
		xa_for_each_range(&mapping->i_pages, index, entry, 0, ULONG_MAX) {
			struct page *folio;
			bool major;
			int err = 0;

			if (!xa_is_value(entry) || swp_type(radix_to_swp_entry(entry)) != (unsigned)type)
				continue;
			folio = shmem_swapin(mapping, index, entry, NULL, 0, &major, &err);
			if (!folio && err != -EAGAIN)
				return err;
			if (folio)
				put_page(m, folio);
		}
	}
	return 0;
}
