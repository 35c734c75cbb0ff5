/*
 * inode.c - hugetlbfs as far as MAP_HUGETLB needs it (Linux's
 * fs/hugetlbfs/inode.c): the anonymous file an anonymous MAP_HUGETLB
 * mapping maps ("/anon_hugepage (deleted)" in maps, on the internal
 * hugetlbfs mount, device 00:11 as on the host), its mmap (flags, offset
 * check, reservations), the placement of its mappings, its page cache for
 * shared mappings, and its eviction at the last reference.
 *
 * The inode is a struct address_space from "hugetlbfs_inode_cache" with
 * hstate set (shmem's have none). A shared mapping's pages live in
 * i_pages, the shared xarray, holding heads below nrpages_max indexed by huge
 * page; the cache holds one reference on each. resv_map records the
 * indices that are reserved or hold a page (region_add/region_chg in
 * Linux): at eviction an index with a page gives the page back, one
 * without gives its reservation back (hugetlb_unreserve_pages).
 *
 * Locks: called with mmap_lock held (mmap, fault); i_pages lock for the
 * index, as filemap's xa_lock.
 */
#include <errno.h>
#include <string.h>

#include "fs.h"
#include "hugetlb.h"
#include "mm.h"
#include "mman.h"
#include "swap.h"
#include "vma.h"

#define HUGETLBFS_DEV_MAJOR	0
#define HUGETLBFS_DEV_MINOR	0x11

static int hugetlbfs_init_caches(struct machine *m)
{
	if (!m->hugetlb.inode_cachep)
		m->hugetlb.inode_cachep = kmem_cache_create(m, "hugetlbfs_inode_cache",
							    sizeof(struct address_space), 0,
							    SLAB_ACCOUNT, NULL);
	return m->hugetlb.inode_cachep && m->filp_cachep ? 0 : -ENOMEM;
}

bool is_file_hugepages(const struct file *file)
{
	return file && file->f_mapping && file->f_mapping->hstate;
}

/* Make the index and the reservation map cover nr huge pages. */
static int hugetlbfs_inode_grow(struct address_space *mapping, unsigned long nr)
{
	struct machine *m = mapping->machine;
	struct resv_map *map;

	if (nr <= mapping->nrpages_max)
		return 0;
	map = resv_map_alloc(m, nr);
	if (!map)
		return -ENOMEM;
	if (mapping->resv_map) {
		for (unsigned long i = 0; i < mapping->resv_map->nr; i++)
			if (resv_map_test(mapping->resv_map, i))
				resv_map_set(map, i);
		resv_map_put(m, mapping->resv_map);
	}
	mapping->resv_map = map;
	mapping->nrpages_max = nr;
	return 0;
}

struct file *hugetlb_file_setup(struct machine *m, unsigned long size, struct hstate *h)
{
	struct address_space *mapping;
	struct file *file;

	if (hugetlbfs_init_caches(m))
		return ERR_PTR(-ENOMEM);
	mapping = kmem_cache_alloc(m, m->hugetlb.inode_cachep, GFP_KERNEL);
	if (!mapping)
		return ERR_PTR(-ENOMEM);
	memset(mapping, 0, sizeof(*mapping));
	mapping->machine = m;
	mapping->size = size;
	mapping->ino = ++m->next_ino;
	mapping->i_mmap = RB_ROOT;
	mapping->hstate = h;
	spin_lock_init(&mapping->i_mmap_lock, LOCK_I_MMAP);
	spin_lock_init(&mapping->i_pages_lock, LOCK_I_PAGES);
	file = kmem_cache_alloc(m, m->filp_cachep, GFP_KERNEL);
	if (!file) {
		kmem_cache_free(m, m->hugetlb.inode_cachep, mapping);
		return ERR_PTR(-ENOMEM);
	}
	memset(file, 0, sizeof(*file));
	file->f_count = 1;
	strcpy(file->path, "/anon_hugepage (deleted)");
	file->f_mapping = mapping;
	file->dev_major = HUGETLBFS_DEV_MAJOR;
	file->dev_minor = HUGETLBFS_DEV_MINOR;
	return file;
}

/*
 * hugetlb_reserve_pages: a shared mapping reserves the indices of
 * [from, to) not yet in the file's map; a private one all of them, in a
 * map of its own that makes its VMA the owner. MAP_NORESERVE: nothing.
 */
static int hugetlb_reserve_pages(struct address_space *mapping, unsigned long from,
				 unsigned long to, struct vm_area_struct *vma)
{
	struct machine *m = mapping->machine;
	struct hstate *h = mapping->hstate;
	struct resv_map *map = NULL;
	long chg;

	if (vma->vm_flags & VM_NORESERVE)
		return 0;
	if (vma->vm_flags & VM_MAYSHARE) {
		chg = (long)(to - from - resv_map_count(mapping->resv_map, from, to));
	} else {
		map = resv_map_alloc(m, to);
		if (!map)
			return -ENOMEM;
		chg = (long)(to - from);
	}
	if (hugetlb_acct_memory(m, h, chg)) {
		if (map)
			resv_map_put(m, map);
		return -ENOMEM;
	}
	if (map) {
		vma->vm_private_data = (void *)((unsigned long)map | HPAGE_RESV_OWNER);
		return 0;
	}
	for (unsigned long i = from; i < to; i++)
		resv_map_set(mapping->resv_map, i);
	return 0;
}

int hugetlbfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct address_space *mapping = file->f_mapping;
	struct hstate *h = mapping->hstate;
	unsigned long len = vma->vm_end - vma->vm_start, from, to;
	int ret;

	if (vma->vm_pgoff & (pages_per_huge_page(h) - 1))
		return -EINVAL;
	if ((vma->vm_pgoff << PAGE_SHIFT) + len < len)
		return -EINVAL;
	len += vma->vm_pgoff << PAGE_SHIFT;
	vma->vm_flags |= VM_HUGETLB | VM_DONTEXPAND;
	vma->vm_private_data = NULL;
	from = vma->vm_pgoff >> h->order;
	to = len >> (h->order + PAGE_SHIFT);
	ret = hugetlbfs_inode_grow(mapping, to);
	if (ret)
		return ret;
	ret = hugetlb_reserve_pages(mapping, from, to, vma);
	if (ret)
		return ret;
	if ((vma->vm_flags & VM_WRITE) && mapping->size < len)
		mapping->size = len;
	return 0;
}

unsigned long hugetlb_get_unmapped_area(struct mm_struct *mm, struct file *file,
					unsigned long addr, unsigned long len,
					unsigned long pgoff, unsigned long flags)
{
	struct hstate *h = hstate_file(file);
	unsigned long size = huge_page_size(h);
	struct vm_unmapped_area_info info = { 0 };
	struct vm_area_struct *vma;

	if (len & ~huge_page_mask(h))
		return -EINVAL;
	if (len > mm->task_size)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return (addr & ~huge_page_mask(h)) ? (unsigned long)-EINVAL : addr;
	if (addr) {
		addr = ALIGN(addr, size);
		vma = find_vma(mm, addr);
		if (addr && mm->task_size - len >= addr && (!vma || addr + len <= vm_start_gap(vma)))
			return addr;
	}
	info.flags = VM_UNMAPPED_AREA_TOPDOWN;
	info.length = len;
	info.low_limit = PAGE_SIZE;
	info.high_limit = mm->mmap_base;
	info.align_mask = (size - 1) & PAGE_MASK;
	info.align_offset = pgoff << PAGE_SHIFT;
	addr = vm_unmapped_area(mm, &info);
	if (!(addr & ~PAGE_MASK))
		return addr;
	/* A failed search from the top tries bottom-up from the legacy base. */
	info.flags = 0;
	info.low_limit = mm->mmap_legacy_base;
	info.high_limit = TASK_SIZE_L4;
	return vm_unmapped_area(mm, &info);
}

struct page *hugetlbfs_find_page(struct address_space *mapping, unsigned long idx)
{
	return idx < mapping->nrpages_max ? xa_load(&mapping->i_pages, idx) : NULL;
}

int hugetlbfs_add_page(struct address_space *mapping, unsigned long idx, struct page *head)
{
	int ret;

	if (idx >= mapping->nrpages_max || xa_load(&mapping->i_pages, idx))
		return -EEXIST;
	spin_lock(&mapping->i_pages_lock);
	ret = xa_store(mapping->machine, &mapping->i_pages, idx, head, NULL);
	if (ret) {
		spin_unlock(&mapping->i_pages_lock);
		return ret;
	}
	head->mapping = mapping;
	head->index = idx << mapping->hstate->order;	/* base-page units, as 6.7+ */
	page_ref_inc(head);	/* the cache's reference */
	mapping->nrpages++;
	SetPageDirty(head);	/* never written back: hugetlbfs keeps it */
	spin_unlock(&mapping->i_pages_lock);
	return 0;
}

/*
 * remove_inode_hugepages + hugetlb_unreserve_pages for the whole file:
 * cached pages are released (mapped ones by now unmapped: the last VMA
 * went first), reservations without a page are given back.
 */
void hugetlbfs_evict_inode(struct machine *m, struct address_space *mapping)
{
	struct hstate *h = mapping->hstate;
	long chg = 0, freed = 0;

	for (unsigned long i = 0; i < mapping->nrpages_max; i++) {
		struct page *head;

		chg += resv_map_test(mapping->resv_map, i);
		head = xa_erase(m, &mapping->i_pages, i);
		if (!head)
			continue;
		VM_BUG_ON_PAGE(hugetlb_mapcount(head), m, head);
		head->mapping = NULL;
		mapping->nrpages--;
		freed++;
		put_page(m, head);
	}
	if (chg - freed > 0)
		hugetlb_acct_memory(m, h, -(chg - freed));
	if (mapping->resv_map)
		resv_map_put(m, mapping->resv_map);
	xa_destroy(m, &mapping->i_pages);
	kmem_cache_free(m, m->hugetlb.inode_cachep, mapping);
}
