/*
 * fs.h - the file-side objects user mappings point at (include/linux/fs.h),
 * as far as memory management needs them.
 *
 * Today the only files are shmem objects: MAP_SHARED|MAP_ANONYMOUS creates
 * one ("/dev/zero (deleted)" in maps, as shmem_zero_setup names it), whose
 * pages are indexed by page offset in its address_space. The page cache of
 * real files (issue 5) extends these same structures.
 *
 * Invariants: every page in a mapping's i_pages has page->mapping == that
 * address_space and page->index == its slot; nrpages counts them; each
 * holds one reference for the cache. f_count counts VMAs and descriptors.
 */
#ifndef MMSIM_FS_H
#define MMSIM_FS_H

#include "errseq.h"
#include "mm_types.h"
#include "mempolicy_types.h"
#include "xarray.h"

struct machine;

struct address_space {
	struct machine *machine;
	struct xarray i_pages;		/* index -> struct page * (xarray.h) */
	unsigned long nrpages;
	unsigned long size;		/* i_size in bytes */
	bool swapbacked;		/* shmem: pages are PG_swapbacked */
	unsigned long ino;		/* inode number shown in maps */
	struct rb_root i_mmap;		/* VMAs mapping it (rmap, issue 4) */
	spinlock_t i_mmap_lock;		/* LOCK_I_MMAP */
	spinlock_t i_pages_lock;	/* LOCK_I_PAGES: the index (xa_lock) */
	vm_flags_t shmem_flags;		/* VM_NORESERVE: size not charged to Committed_AS */
	struct shared_policy policy;	/* shmem: NUMA policies by offset (mbind) */
	/* hugetlbfs (fs/hugetlbfs/inode.c): NULL for shmem. i_pages then holds
	 * heads indexed by huge page, below nrpages_max. */
	struct hstate *hstate;
	struct resv_map *resv_map;	/* reserved or instantiated indices */
	unsigned long nrpages_max;
	/* swap (issue 5): shmem pages on swap are value entries in i_pages */
	unsigned long swapped;		/* how many (shmem_inode_info->swapped) */
	struct list_head swaplist;	/* machine->shmem_swaplist once one went out */
	/* Disk files (issue 5, filemap): the inode owning this mapping (NULL
	 * for shmem and hugetlbfs); dirty folios counted in nrdirty. */
	struct inode *host;
	unsigned long nrdirty;
};

/*
 * Readahead state of one open file (struct file_ra_state, mm/readahead.c):
 * the current window [start, start + size), of which the last async_size
 * pages carry the PG_readahead marker's trigger; ra_pages is the maximum
 * window, mmap_miss counts mmap faults that missed the cache (read-around
 * stops beyond MMAP_LOTSAMISS), prev_pos the end of the last read.
 */
struct file_ra_state {
	unsigned long start;
	unsigned int size;
	unsigned int async_size;
	unsigned int ra_pages;
	unsigned int mmap_miss;
	long long prev_pos;
};

struct file {
	int f_count;
	char path[256];			/* what maps shows */
	struct address_space *f_mapping;
	unsigned int dev_major, dev_minor;
	/* Disk files (issue 5, filemap): NULL f_inode for shmem/hugetlbfs. */
	struct inode *f_inode;
	unsigned int f_flags;		/* O_* the file was opened with (O_APPEND, O_DIRECT) */
	unsigned int f_mode;		/* FMODE_READ | FMODE_WRITE | FMODE_RANDOM */
	long long f_pos;
	struct file_ra_state f_ra;
	errseq_t f_wb_err;		/* writeback (issue 5): errors this description saw */
	/* filetests: f_path.dentry of a disk file (a reference; NULL if uncached) */
	struct dentry *f_dentry;
};

/*
 * A new shmem object of size bytes (mm/shmem.c), on the internal tmpfs
 * (device 00:01, a fresh inode number from machine->next_ino), its path
 * name as given. Not charged to Committed_AS (VM_NORESERVE). Returns
 * ERR_PTR(-ENOMEM / -EINVAL) on failure.
 */
struct file *shmem_file_setup(struct machine *m, const char *name, unsigned long size);
/*
 * MAP_SHARED|MAP_ANONYMOUS (shmem_zero_setup): vma->vm_file becomes a new
 * shmem object of the VMA's size named "/dev/zero (deleted)", as maps
 * shows it. Unless the VMA is VM_NORESERVE the size is charged to
 * Committed_AS (security_vm_enough_memory_mm; mmap_region must not charge
 * a shared mapping again) and uncharged when the object goes. 0 or -ENOMEM.
 */
int shmem_zero_setup(struct vm_area_struct *vma);
void get_file(struct file *f);
void fput(struct machine *m, struct file *f);	/* frees at the last reference */

/*
 * The page at index in mapping, allocated (zeroed, uptodate) and added if
 * absent and create is set. Returns it with an extra reference for the
 * caller, or NULL: absent and !create (*err = 0), at or beyond i_size
 * (*err = -EINVAL: the fault's SIGBUS), out of memory (*err = -ENOMEM).
 * err may be NULL.
 */
struct page *shmem_get_page(struct address_space *mapping, unsigned long index,
			    bool create, int *err);
/* Drop every page at index >= start (truncate / last fput). */
void shmem_truncate_range(struct address_space *mapping, unsigned long start);
/*
 * Drop the pages at index [start, end) and keep the size (fallocate
 * PUNCH_HOLE, as MADV_REMOVE asks): the caller has unmapped them.
 */
void shmem_punch_hole(struct address_space *mapping, unsigned long start, unsigned long end);

/* ---- Swap (issue 5, swap owner): shmem pages out and back (shmem.c) ---- */

/*
 * CONTRACT (reclaim's pageout of a shmem folio, shmem_writeout): folio is
 * in its object's cache, unmapped (try_to_unmap), and gets a swap slot: the
 * cache's slot becomes the swap entry (a value entry, mapping->swapped),
 * the folio moves to the swap cache (mapping NULL, NR_SHMEM and
 * NR_FILE_PAGES move to NR_SWAPCACHE) and is written. Then reclaim
 * removes it from the swap cache as for an anonymous folio
 * (__delete_from_swap_cache, put_swap_folio). 0; -ENOMEM (no swap slot:
 * the folio stays in its object, dirty; -EINVAL for a mapping that is not
 * swap-backed); -EIO (written badly: it stays in the swap cache, dirty).
 */
int shmem_writeout(struct machine *m, struct page *folio);
/*
 * The page at index for a fault: shmem_get_page(create), bringing a
 * swapped page back (*major when it had to be read: the caller counts
 * pgmajfault). NULL with *err as shmem_get_page, or -EIO (read error).
 */
struct page *shmem_get_folio_fault(struct address_space *mapping, unsigned long index,
				   struct vm_area_struct *vma, unsigned long addr, bool *major,
				   int *err);
/* Swapped pages of mapping at [start, end) (smaps' Swap of a shmem VMA). */
unsigned long shmem_partial_swap_usage(struct address_space *mapping, unsigned long start,
				       unsigned long end);
void shmem_swap_census(struct machine *m, void (*note)(void *arg, swp_entry_t entry), void *arg);
void shmem_willneed(struct address_space *mapping, unsigned long start, unsigned long end);
/* swapoff: bring every shmem page on swap type back into its object. 0 or -errno. */
int shmem_unuse(struct machine *m, int type);

/* ---------------------------------------------------------------------- */
/* Disk files (issue 5, filemap): inodes, descriptors, the file calls      */
/* ---------------------------------------------------------------------- */

/* open(2) flags, Linux's x86-64 values (the host's <fcntl.h> has the same). */
#ifndef O_ACCMODE
#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_NOCTTY	00000400
#define O_TRUNC		00001000
#define O_APPEND	00002000
#define O_NONBLOCK	00004000
#define O_DSYNC		00010000
#define O_DIRECT	00040000
#define O_LARGEFILE	00100000
#define O_DIRECTORY	00200000
#define O_NOFOLLOW	00400000
#define O_NOATIME	01000000
#define O_CLOEXEC	02000000
#define O_SYNC		04010000
#define O_PATH		010000000
#define O_TMPFILE	020200000
#endif

#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define FMODE_RANDOM	0x1000	/* POSIX_FADV_RANDOM: no readahead */

#ifndef SEEK_SET
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#endif
#ifndef SEEK_DATA
#define SEEK_DATA	3
#define SEEK_HOLE	4
#endif

#ifndef POSIX_FADV_NORMAL
#define POSIX_FADV_NORMAL	0
#define POSIX_FADV_RANDOM	1
#define POSIX_FADV_SEQUENTIAL	2
#define POSIX_FADV_WILLNEED	3
#define POSIX_FADV_DONTNEED	4
#define POSIX_FADV_NOREUSE	5
#endif

/* The largest file (MAX_LFS_FILESIZE on 64-bit). */
#define MAX_LFS_FILESIZE	((long long)0x7fffffffffffffffLL)

/*
 * An inode of a regular file on the disk (fs/inode.c; ext4's
 * ext4_inode_info, from the "ext4_inode_cache" slab). i_data is the page
 * cache. The file's bytes live in a host file (host_fd, opened read-write
 * when the host allows it); i_data.size is i_size, which the simulated
 * kernel owns: the host file follows at writeback and truncate.
 *
 * i_count counts open files (struct file) holding it. An inode nobody
 * holds stays cached on the machine's unused-inode LRU while it is still
 * linked, with its pages; the inode shrinker (prune_icache) and
 * drop_caches free it. Unlinked with no holder, it is evicted at once.
 *
 * Invariants: hashed by (host_dev, host_ino) exactly once; on the LRU iff
 * i_count == 0; i_data.host == the inode.
 */
struct inode {
	struct address_space i_data;
	int i_count;
	unsigned int i_nlink;		/* 0 once unlinked */
	unsigned long i_state;		/* I_DIRTY_PAGES, I_FREEING */
	int host_fd;
	unsigned long long host_dev, host_ino;
	struct list_head i_hash;	/* machine->inode_hash bucket */
	struct list_head i_lru;		/* machine->inode_lru when unused */
	struct list_head i_sb_list;	/* machine->inode_list: every inode */
	/* writeback (issue 5): mm/page-writeback.c */
	errseq_t wb_err;		/* writeback errors (mapping->wb_err), for fsync/msync */
	unsigned long dirtied_when;	/* jiffies it last went clean -> dirty */
	struct list_head i_io_list;	/* wb->b_dirty while I_DIRTY_PAGES */
};
#define I_DIRTY_PAGES	(1UL << 0)
#define I_FREEING	(1UL << 1)
#define I_REFERENCED	(1UL << 2)	/* the LRU gives it a second pass */

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

/*
 * A descriptor table (files_struct, fs/file.c): fd -> struct file. Shared
 * by CLONE_VM threads (CLONE_FILES), copied at fork (each file gets one
 * more reference), closed at the last task's exit. The machine also has
 * one of its own (machine->kernel_files), for the descriptors the API
 * opens machine-wide (Lua's m:open).
 */
#define NR_OPEN_DEFAULT	64
#define RLIMIT_NOFILE_CUR	1024
struct files_struct {
	int count;			/* tasks sharing it */
	int max_fds;			/* size of fd[] */
	struct file **fd;		/* kmalloc'd */
};

struct files_struct *files_alloc(struct machine *m);
struct files_struct *dup_fd(struct machine *m, struct files_struct *old, int *err);
void put_files_struct(struct machine *m, struct files_struct *files);
/* The open file behind fd (no reference taken), or NULL. */
struct file *fget_raw(struct files_struct *files, int fd);

/* The system calls (fs/open.c, fs/read_write.c, mm/fadvise.c). -errno on failure. */
int do_sys_open(struct machine *m, struct files_struct *files, const char *path, int flags,
		int mode);
int close_fd(struct machine *m, struct files_struct *files, int fd);
long ksys_read(struct machine *m, struct files_struct *files, int fd, void *buf, size_t count);
long ksys_write(struct machine *m, struct files_struct *files, int fd, const void *buf,
		size_t count);
long ksys_pread64(struct machine *m, struct files_struct *files, int fd, void *buf,
		  size_t count, long long pos);
long ksys_pwrite64(struct machine *m, struct files_struct *files, int fd, const void *buf,
		   size_t count, long long pos);
long long ksys_lseek(struct machine *m, struct files_struct *files, int fd, long long off,
		     int whence);
int do_sys_ftruncate(struct machine *m, struct files_struct *files, int fd, long long length);
int do_fsync(struct machine *m, struct files_struct *files, int fd, bool datasync);
int ksys_fadvise64_64(struct machine *m, struct files_struct *files, int fd, long long offset,
		      long long len, int advice);
int do_unlinkat(struct machine *m, const char *path);
/* Truncate the inode to length through its page cache, then the host file. */
int do_truncate(struct machine *m, struct inode *inode, long long length);
/* fput's last reference of a disk file (open.c). */
void disk_file_release(struct machine *m, struct file *f);
int do_mkdirat(struct machine *m, const char *path, int mode);
/* The size of the file behind fd (fstat's st_size), or -errno. */
long long vfs_fstat_size(struct machine *m, struct files_struct *files, int fd);

/* A disk file (not shmem, not hugetlbfs): its mapping faults through filemap_fault. */
static inline bool file_is_disk_file(const struct file *f)
{
	return f && f->f_inode;
}

/* Inodes (fs/inode.c). */
int inode_init(struct machine *m);
void inode_exit(struct machine *m);
struct inode *inode_find(struct machine *m, unsigned long long dev, unsigned long long ino);
/* The inode of the host file open as fd (fd taken over), +1 i_count; NULL: no memory. */
struct inode *iget_host(struct machine *m, int fd, unsigned long long dev,
			unsigned long long ino, long long size);
void inode_unlinked(struct machine *m, unsigned long long dev, unsigned long long ino);
void ihold(struct inode *inode);
void iput(struct machine *m, struct inode *inode);
/* Free up to nr_to_scan unused inodes (the inode shrinker); returns how many went. */
unsigned long prune_icache(struct machine *m, unsigned long nr_to_scan);
unsigned long nr_inodes(const struct machine *m);
unsigned long nr_unused_inodes(const struct machine *m);
/* Boot / shutdown: caches and the disk; every inode goes at shutdown. */
int files_init(struct machine *m, char *err, size_t errlen);
void files_exit(struct machine *m);
/* drop_caches 1 (fs/drop_caches.c's drop_pagecache_sb): every inode's clean pages. */
void drop_pagecache(struct machine *m);

#endif
