/*
 * pgtable.c - page tables in simulated frames: the kernel's own tables at
 * boot (init_mm, swapper_pg_dir, the zero page), every mm's pgd, the walk
 * that finds or allocates the table below an entry, and the tear-down that
 * frees tables no VMA needs any more (Linux's arch/x86/mm/pgtable.c,
 * arch/x86/kernel/head_64.S, the __pXd_alloc family and free_pgd_range in
 * mm/memory.c).
 *
 * Levels: pgd -> p4d -> pud -> pmd -> pte. With four levels the p4d is
 * folded into the pgd (p4d_offset returns the pgd entry, no p4d frame);
 * with cfg.pgtable_levels == 5 it is a real table and PGDIR_SHIFT is 48.
 *
 * Boot memory: init_mm, swapper_pg_dir (two pages, 8 KiB aligned: the
 * kernel copy and, for pti, the user copy), the kernel's own upper tables
 * and empty_zero_page are frames at the end of the kernel image, which
 * memblock reserved: PageReserved, never freed, not counted in PageTables
 * (Linux's are .data/.bss of the image). Every other table frame comes from
 * the page allocator (GFP_PGTABLE_USER), is PageTable with refcount 1 and
 * is counted in its node's NR_PAGETABLE; pte, pmd and pud tables are also
 * counted in mm->pgtables_bytes (mm_inc_nr_ptes/pmds/puds). The pgd and,
 * with five levels, p4d tables are not: Linux has no p4d counter.
 *
 * pti (KPTI): a user mm's pgd is an order-1 table, the kernel copy then the
 * user copy. A top-level user entry is written to both (pti_set_user_pgtbl)
 * and the kernel copy's gets NX; the MMU walks the user copy.
 *
 * Locking: the callers hold mmap_lock; installing a table takes
 * mm->page_table_lock (as __pte_alloc/__pmd_alloc do), so the caller must
 * not hold it. free_pgd_range runs with mmap_lock held for write.
 *
 * Invariants: a table reachable from a user pgd belongs to that mm alone;
 * every pgd's kernel half (entries 256..511, both copies) equals init_mm's;
 * pgtables_bytes == PAGE_SIZE * (pte + pmd + pud tables) (validate_pgtables).
 */
#include <errno.h>
#include <string.h>

#include "mm.h"
#include "memory.h"
#include "pgalloc.h"
#include "huge_mm.h"
#include "printk.h"
#include "tlb_internal.h"
#include "vma.h"

#define GFP_PGTABLE_KERNEL	(GFP_KERNEL | __GFP_ZERO)
#define GFP_PGTABLE_USER	(GFP_PGTABLE_KERNEL | __GFP_ACCOUNT)

#define KERNEL_PGD_BOUNDARY	256	/* first kernel-half pgd entry */
#define PTI_USER_PGD_OFFSET	PTRS_PER_PGD	/* user copy follows the kernel copy */

/* Kernel virtual layout (Documentation/arch/x86/x86_64/mm.rst). */
#define PAGE_OFFSET_L4		0xffff888000000000UL	/* direct map */
#define PAGE_OFFSET_L5		0xff11000000000000UL
#define START_KERNEL_MAP	0xffffffff80000000UL	/* kernel text */

/* Kernel-mapping entry bits (__PAGE_KERNEL_LARGE and friends). */
#define PAGE_KERNEL_LARGE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | \
				 _PAGE_PSE | _PAGE_NX)
#define PAGE_KERNEL_LARGE_EXEC	(PAGE_KERNEL_LARGE & ~_PAGE_NX)

/* ---------------------------------------------------------------------- */
/* Geometry                                                                */
/* ---------------------------------------------------------------------- */

static inline bool pgtable_l5_enabled(const struct machine *m)
{
	return m->cfg.pgtable_levels == 5;
}

static inline unsigned int pgdir_shift(const struct machine *m)
{
	return pgtable_l5_enabled(m) ? PGDIR_SHIFT_L5 : PGDIR_SHIFT_L4;
}

static inline unsigned long pgd_index_m(const struct machine *m, unsigned long addr)
{
	return (addr >> pgdir_shift(m)) & (PTRS_PER_PGD - 1);
}

/* The end of the level-sized block containing addr, clamped to end. */
static inline unsigned long level_addr_end(unsigned long addr, unsigned long end,
					   unsigned int shift)
{
	unsigned long boundary = (addr + (1UL << shift)) & ~((1UL << shift) - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

static inline bool pti_enabled(const struct machine *m)
{
	return m->cfg.pti;
}

/* ---------------------------------------------------------------------- */
/* Table frames: constructor and destructor (pagetable_alloc/_dtor)        */
/* ---------------------------------------------------------------------- */

static struct page *pagetable_alloc(struct mm_struct *mm, unsigned int order)
{
	struct machine *m = mm->machine;
	gfp_t gfp = mm == m->init_mm ? GFP_PGTABLE_KERNEL : GFP_PGTABLE_USER;
	struct page *page;

	if (order)
		gfp |= __GFP_COMP;
	page = alloc_pages(m, gfp, order);
	if (!page)
		return NULL;
	__SetPageTable(page);
	ptdesc_set_owner(page, mm, 0);
	mod_node_page_state(page_pgdat(m, page), NR_PAGETABLE, 1L << order);
	return page;
}

static void pagetable_dtor(struct machine *m, struct page *page, unsigned int order)
{
	VM_BUG_ON_PAGE(!PageTable(page), m, page);
	__ClearPageTable(page);
	ptdesc_set_owner(page, NULL, 0);
	mod_node_page_state(page_pgdat(m, page), NR_PAGETABLE, -(1L << order));
}

static void pagetable_free(struct machine *m, struct page *page, unsigned int order)
{
	pagetable_dtor(m, page, order);
	__free_pages(m, page, order);
}

static inline pteval_t table_entry(const struct machine *m, const struct page *page)
{
	return PFN_PHYS(page_to_pfn(m, page)) | _PAGE_TABLE;
}

static inline void mm_inc_nr_tables(struct mm_struct *mm) { mm->pgtables_bytes += PAGE_SIZE; }
static inline void mm_dec_nr_tables(struct mm_struct *mm) { mm->pgtables_bytes -= PAGE_SIZE; }

void *pgtable_page_address(const struct mm_struct *mm, pteval_t entry)
{
	unsigned long pfn = (unsigned long)((entry & PTE_PFN_MASK) >> PAGE_SHIFT);

	VM_BUG_ON(pfn >= mm->machine->max_pfn);
	return pfn_to_virt(mm->machine, pfn);
}

static inline struct page *entry_page(const struct mm_struct *mm, pteval_t entry)
{
	return virt_to_page(mm->machine, pgtable_page_address(mm, entry));
}

/*
 * Write a top-level entry (set_pgd, or set_p4d when the p4d is folded).
 * With pti a user-half entry goes to the user copy too, and the kernel
 * copy of a present user entry is made NX (pti_set_user_pgtbl).
 */
static void set_top_entry(const struct mm_struct *mm, pgd_t *pgdp, pteval_t val)
{
	const struct machine *m = mm->machine;
	unsigned long idx = (unsigned long)(pgdp - mm->pgd);

	if (pti_enabled(m) && mm != m->init_mm && idx < KERNEL_PGD_BOUNDARY) {
		pgdp[PTI_USER_PGD_OFFSET].pgd = val;
		if ((val & (_PAGE_USER | _PAGE_PRESENT)) == (_PAGE_USER | _PAGE_PRESENT))
			val |= _PAGE_NX;
	}
	pgdp->pgd = val;
}

/* ---------------------------------------------------------------------- */
/* Walking without allocating                                              */
/* ---------------------------------------------------------------------- */

pgd_t *pgd_offset(const struct mm_struct *mm, unsigned long addr)
{
	return mm->pgd + pgd_index_m(mm->machine, addr);
}

p4d_t *p4d_offset(const struct mm_struct *mm, pgd_t *pgd, unsigned long addr)
{
	if (!pgtable_l5_enabled(mm->machine))
		return (p4d_t *)pgd;
	VM_BUG_ON(!pgd_present(*pgd));
	return (p4d_t *)pgtable_page_address(mm, pgd_val(*pgd)) + p4d_index(addr);
}

pud_t *pud_offset(const struct mm_struct *mm, p4d_t *p4d, unsigned long addr)
{
	VM_BUG_ON(!p4d_present(*p4d));
	return (pud_t *)pgtable_page_address(mm, p4d_val(*p4d)) + pud_index(addr);
}

pmd_t *pmd_offset(const struct mm_struct *mm, pud_t *pud, unsigned long addr)
{
	VM_BUG_ON(!pud_present(*pud) || pud_leaf(*pud));
	return (pmd_t *)pgtable_page_address(mm, pud_val(*pud)) + pmd_index(addr);
}

pte_t *pte_offset(const struct mm_struct *mm, pmd_t *pmd, unsigned long addr)
{
	VM_BUG_ON(pmd_none(*pmd) || pmd_leaf(*pmd));
	return (pte_t *)pgtable_page_address(mm, pmd_val(*pmd)) + pte_index(addr);
}

pmd_t *walk_pmd(const struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;

	if (pgd_none(*pgd))
		return NULL;
	p4d = p4d_offset(mm, pgd, addr);
	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(mm, p4d, addr);
	if (pud_none(*pud) || pud_leaf(*pud))
		return NULL;
	return pmd_offset(mm, pud, addr);
}

pte_t *walk_pte(const struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmd = walk_pmd(mm, addr);

	if (!pmd || pmd_none(*pmd) || pmd_leaf(*pmd))
		return NULL;
	return pte_offset(mm, pmd, addr);
}

/* ---------------------------------------------------------------------- */
/* Allocating missing tables (__p4d_alloc ... __pte_alloc)                 */
/* ---------------------------------------------------------------------- */

/*
 * Allocate a zeroed table and install it in *entry unless it was filled
 * meanwhile (a real kernel races here; the check keeps the shape).
 * counted: the table counts in pgtables_bytes. top: entry is in the pgd.
 */
static int __table_alloc(struct mm_struct *mm, pteval_t *entry, bool counted, bool top)
{
	struct machine *m = mm->machine;
	struct page *page = pagetable_alloc(mm, 0);

	if (!page)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (*entry) {
		spin_unlock(&mm->page_table_lock);
		pagetable_free(m, page, 0);
		return 0;
	}
	if (counted)
		mm_inc_nr_tables(mm);
	if (top)
		set_top_entry(mm, (pgd_t *)entry, table_entry(m, page));
	else
		*entry = table_entry(m, page);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

p4d_t *p4d_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long addr)
{
	if (pgtable_l5_enabled(mm->machine) && unlikely(pgd_none(*pgd)) &&
	    __table_alloc(mm, &pgd->pgd, false, true))
		return NULL;
	return p4d_offset(mm, pgd, addr);
}

pud_t *pud_alloc(struct mm_struct *mm, p4d_t *p4d, unsigned long addr)
{
	bool top = !pgtable_l5_enabled(mm->machine);

	if (unlikely(p4d_none(*p4d)) && __table_alloc(mm, &p4d->p4d, true, top))
		return NULL;
	return pud_offset(mm, p4d, addr);
}

pmd_t *pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long addr)
{
	if (unlikely(pud_none(*pud)) && __table_alloc(mm, &pud->pud, true, false))
		return NULL;
	return pmd_offset(mm, pud, addr);
}

pte_t *pte_alloc(struct mm_struct *mm, pmd_t *pmd, unsigned long addr)
{
	if (unlikely(pmd_none(*pmd))) {
		if (__table_alloc(mm, &pmd->pmd, true, false))
			return NULL;
		/* where its ptes map: pte_chain's walk finds addresses from it */
		ptdesc_set_owner(entry_page(mm, pmd_val(*pmd)), mm, addr & PMD_MASK);
	}
	return pte_offset(mm, pmd, addr);
}

/* ---------------------------------------------------------------------- */
/* THP: the deposited pte tables (mm/pgtable-generic.c)                     */
/* ---------------------------------------------------------------------- */

/* A pte table counted in pgtables_bytes from now on, owned by no address yet. */
struct page *pte_alloc_one(struct mm_struct *mm)
{
	struct page *page = pagetable_alloc(mm, 0);

	if (page)
		mm_inc_nr_tables(mm);
	return page;
}

void pte_free(struct mm_struct *mm, struct page *table)
{
	mm_dec_nr_tables(mm);
	pagetable_free(mm->machine, table, 0);
}

/*
 * Without split PMD locks Linux keeps the deposited tables on one list per
 * mm (mm->pmd_huge_pte), linked through the tables' lru; any one serves.
 */
void pgtable_trans_huge_deposit(struct mm_struct *mm, struct page *table)
{
	table->lru.next = (struct list_head *)mm->pmd_huge_pte;
	mm->pmd_huge_pte = table;
	mm->nr_thp_deposited++;
}

struct page *pgtable_trans_huge_withdraw(struct mm_struct *mm)
{
	struct page *table = mm->pmd_huge_pte;

	BUG_ON(!table);
	mm->pmd_huge_pte = (struct page *)table->lru.next;
	table->lru.next = NULL;
	mm->nr_thp_deposited--;
	return table;
}

void pmd_populate(struct mm_struct *mm, pmd_t *pmd, struct page *table, unsigned long haddr)
{
	ptdesc_set_owner(table, mm, haddr);
	pmd->pmd = table_entry(mm->machine, table);
}

/*
 * mremap moved a whole table: entry (a pmd pointing to a pte table, or a
 * pud pointing to a pmd table) now maps from addr; its pte tables learn
 * their new base.
 */
void pgtable_rebase(struct mm_struct *mm, pteval_t entry, bool pud_level, unsigned long addr)
{
	pmd_t *pmd;

	if (!pud_level) {
		ptdesc_set_owner(entry_page(mm, entry), mm, addr & PMD_MASK);
		return;
	}
	pmd = pgtable_page_address(mm, entry);
	for (unsigned int i = 0; i < PTRS_PER_PMD; i++) {
		if (!pmd_none(pmd[i]) && !pmd_leaf(pmd[i]))
			ptdesc_set_owner(entry_page(mm, pmd_val(pmd[i])), mm,
					 (addr & PUD_MASK) + i * PMD_SIZE);
	}
}

pte_t *walk_pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d = p4d_alloc(mm, pgd, addr);
	pud_t *pud;
	pmd_t *pmd;

	if (!p4d)
		return NULL;
	pud = pud_alloc(mm, p4d, addr);
	if (!pud)
		return NULL;
	pmd = pmd_alloc(mm, pud, addr);
	if (!pmd)
		return NULL;
	VM_BUG_ON(pmd_leaf(*pmd));
	return pte_alloc(mm, pmd, addr);
}

/* next_pte_table: see pgalloc.h. */
pmd_t *next_pte_table(const struct mm_struct *mm, unsigned long *addr, unsigned long end)
{
	while (*addr < end) {
		unsigned long a = *addr;
		pgd_t *pgd = pgd_offset(mm, a);
		p4d_t *p4d;
		pud_t *pud;
		pmd_t *pmd;

		if (pgd_none(*pgd)) {
			*addr = block_end(a, pgdir_size(mm), end);
			continue;
		}
		p4d = p4d_offset(mm, pgd, a);
		if (p4d_none(*p4d)) {
			*addr = block_end(a, P4D_SIZE, end);
			continue;
		}
		pud = pud_offset(mm, p4d, a);
		if (pud_none(*pud)) {
			*addr = block_end(a, PUD_SIZE, end);
			continue;
		}
		VM_BUG_ON(pud_leaf(*pud));
		pmd = pmd_offset(mm, pud, a);
		if (pmd_none(*pmd)) {
			*addr = block_end(a, PMD_SIZE, end);
			continue;
		}
		return pmd;
	}
	return NULL;
}


/* ---------------------------------------------------------------------- */
/* pgd_alloc / pgd_free                                                    */
/* ---------------------------------------------------------------------- */

static inline unsigned int pgd_order(const struct machine *m)
{
	return pti_enabled(m) ? 1 : 0;	/* pgd_allocation_order() */
}

int pgd_alloc(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	const pgd_t *kpgd = m->init_mm->pgd;
	struct page *page = pagetable_alloc(mm, pgd_order(m));
	pgd_t *pgd;

	if (!page)
		return -ENOMEM;
	pgd = page_address(m, page);
	/* clone_pgd_range: the kernel half of both copies comes from swapper. */
	memcpy(pgd + KERNEL_PGD_BOUNDARY, kpgd + KERNEL_PGD_BOUNDARY,
	       (PTRS_PER_PGD - KERNEL_PGD_BOUNDARY) * sizeof(pgd_t));
	if (pti_enabled(m))
		memcpy(pgd + PTI_USER_PGD_OFFSET + KERNEL_PGD_BOUNDARY,
		       kpgd + PTI_USER_PGD_OFFSET + KERNEL_PGD_BOUNDARY,
		       (PTRS_PER_PGD - KERNEL_PGD_BOUNDARY) * sizeof(pgd_t));
	mm->pgd = pgd;
	return 0;
}

void pgd_free(struct mm_struct *mm)
{
	struct machine *m = mm->machine;

	if (!mm->pgd)
		return;
	for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++)
		WARN_ON_ONCE(!pgd_none(mm->pgd[i]));	/* free_pgtables left a table */
	/* A CPU still walking it would read a freed frame (tlb_mm_release first). */
	BUG_ON(tlb_pgd_in_use(m, mm->pgd));
	pagetable_free(m, virt_to_page(m, mm->pgd), pgd_order(m));
	mm->pgd = NULL;
}

/* ---------------------------------------------------------------------- */
/* Boot: init_mm, swapper_pg_dir, the kernel mappings, the zero page       */
/* ---------------------------------------------------------------------- */

/* Frames of the page-aligned data at the end of the kernel image. */
enum kimage_frame {
	KF_SWAPPER_PGD,		/* + KF_SWAPPER_PGD_USER: init_top_pgt, 8 KiB aligned */
	KF_SWAPPER_PGD_USER,
	KF_INIT_MM,
	KF_ZERO_PAGE,		/* empty_zero_page */
	KF_LEVEL4_KERNEL,	/* p4d for the kernel text (five levels) */
	KF_LEVEL3_KERNEL,	/* pud for the kernel text */
	KF_LEVEL2_KERNEL,	/* pmd: the image in 2 MiB pages */
	KF_PTI_USER_PUD,	/* the user copy's kernel-text pud (entry text) */
	KF_LEVEL4_IDENT,	/* p4d for the direct map (five levels) */
	KF_IDENT_PUD,		/* first direct-map pud; more follow, 512 GiB each */
};

static inline unsigned long kimage_nr_ident_puds(const struct machine *m)
{
	return (unsigned long)((m->phys_bytes + (1ULL << 39) - 1) >> 39);
}

static unsigned long kimage_frame_pfn(const struct machine *m, unsigned int f)
{
	unsigned long nr = KF_IDENT_PUD + kimage_nr_ident_puds(m);
	unsigned long end = PFN_DOWN(m->kernel_image_start + m->cfg.kernel_image_bytes);

	return ((end - nr) & ~1UL) + f;	/* even: swapper_pg_dir is 8 KiB aligned */
}

static void *kimage_frame(const struct machine *m, unsigned int f)
{
	return pfn_to_virt(m, kimage_frame_pfn(m, f));
}

static inline pteval_t kimage_table_entry(const struct machine *m, unsigned int f)
{
	return PFN_PHYS(kimage_frame_pfn(m, f)) | _KERNPG_TABLE;
}

/* The direct map: all of physical memory in 1 GiB pages at PAGE_OFFSET. */
static void map_direct(struct machine *m, pgd_t *pgd)
{
	bool l5 = pgtable_l5_enabled(m);
	unsigned long base = l5 ? PAGE_OFFSET_L5 : PAGE_OFFSET_L4;
	unsigned long nr = kimage_nr_ident_puds(m);
	pteval_t global = pti_enabled(m) ? 0 : _PAGE_GLOBAL;
	uint64_t gb = 0, gbs = (m->phys_bytes + PUD_SIZE - 1) >> PUD_SHIFT;
	p4d_t *p4d = kimage_frame(m, KF_LEVEL4_IDENT);

	if (l5)
		pgd[pgd_index_m(m, base)].pgd = kimage_table_entry(m, KF_LEVEL4_IDENT);
	for (unsigned long i = 0; i < nr; i++) {
		pud_t *pud = kimage_frame(m, KF_IDENT_PUD + (unsigned int)i);
		unsigned long va = base + (i << 39);

		if (l5)
			p4d[p4d_index(va)].p4d = kimage_table_entry(m, KF_IDENT_PUD + (unsigned int)i);
		else
			pgd[pgd_index_m(m, va)].pgd = kimage_table_entry(m, KF_IDENT_PUD + (unsigned int)i);
		for (unsigned int j = 0; j < PTRS_PER_PUD && gb < gbs; j++, gb++)
			pud[j].pud = (gb << PUD_SHIFT) | PAGE_KERNEL_LARGE | global;
	}
}

/* The kernel image at __START_KERNEL_map in 2 MiB pages (level2_kernel_pgt). */
static void map_kernel_text(struct machine *m, pgd_t *pgd)
{
	unsigned long va = START_KERNEL_MAP;
	pud_t *pud = kimage_frame(m, KF_LEVEL3_KERNEL);
	pmd_t *pmd = kimage_frame(m, KF_LEVEL2_KERNEL);
	pteval_t global = pti_enabled(m) ? 0 : _PAGE_GLOBAL;
	uint64_t start = m->kernel_image_start, end = start + m->cfg.kernel_image_bytes;

	if (pgtable_l5_enabled(m)) {
		p4d_t *p4d = kimage_frame(m, KF_LEVEL4_KERNEL);

		pgd[pgd_index_m(m, va)].pgd = kimage_table_entry(m, KF_LEVEL4_KERNEL);
		p4d[p4d_index(va)].p4d = kimage_table_entry(m, KF_LEVEL3_KERNEL);
	} else {
		pgd[pgd_index_m(m, va)].pgd = kimage_table_entry(m, KF_LEVEL3_KERNEL);
	}
	pud[pud_index(va)].pud = kimage_table_entry(m, KF_LEVEL2_KERNEL);
	for (uint64_t pa = start & PMD_MASK; pa < end; pa += PMD_SIZE)
		pmd[pmd_index(pa)].pmd = pa | PAGE_KERNEL_LARGE_EXEC | global;
	/* pti: the user copy sees only the entry text (pti_clone_entry_text). */
	if (pti_enabled(m))
		pgd[PTI_USER_PGD_OFFSET + pgd_index_m(m, va)].pgd =
			kimage_table_entry(m, KF_PTI_USER_PUD);
}

static void init_mm_setup(struct machine *m, struct mm_struct *mm)
{
	memset(mm, 0, sizeof(*mm));
	mm->machine = m;
	mm->mm_rb = RB_ROOT;
	mm->mm_users = 2;	/* as INIT_MM: never dropped to zero */
	mm->mm_count = 1;
	mm->pgd = kimage_frame(m, KF_SWAPPER_PGD);
	mm->task_size = pgtable_l5_enabled(m) ? TASK_SIZE_L5 : TASK_SIZE_L4;
	spin_lock_init(&mm->mmap_lock, LOCK_MMAP);
	spin_lock_init(&mm->page_table_lock, LOCK_PTL);
	INIT_LIST_HEAD(&mm->mmlist);
	mm->ctx_id = 0;
}

int paging_init(struct machine *m)
{
	unsigned long nr = KF_IDENT_PUD + kimage_nr_ident_puds(m) + 1;
	pgd_t *pgd;

	BUILD_BUG_ON(sizeof(struct mm_struct) > PAGE_SIZE);
	if (m->init_mm)
		return 0;
	if (nr > PFN_DOWN(m->cfg.kernel_image_bytes))
		return -ENOMEM;
	memset(kimage_frame(m, 0), 0, (nr - 1) << PAGE_SHIFT);
	pgd = kimage_frame(m, KF_SWAPPER_PGD);
	map_direct(m, pgd);
	map_kernel_text(m, pgd);
	init_mm_setup(m, kimage_frame(m, KF_INIT_MM));
	m->init_mm = kimage_frame(m, KF_INIT_MM);
	m->zero_pfn = kimage_frame_pfn(m, KF_ZERO_PAGE);
	printk(m, "x86/mm: %d-level paging, swapper_pg_dir at pfn %#lx, zero page at pfn %#lx%s",
	       pgtable_l5_enabled(m) ? 5 : 4, kimage_frame_pfn(m, KF_SWAPPER_PGD), m->zero_pfn,
	       pti_enabled(m) ? ", page table isolation on" : "");
	return 0;
}

void paging_exit(struct machine *m)
{
	/* Everything lives in the kernel image: nothing to free. */
	m->init_mm = NULL;
	m->zero_pfn = 0;
}

/* ---------------------------------------------------------------------- */
/* Freeing tables: free_pgd_range and free_pgtables (mm/memory.c)          */
/* ---------------------------------------------------------------------- */

/*
 * Unhook a table frame: its accounting goes now, the frame itself after
 * the TLB flush (pte_free_tlb and friends: a CPU may still be walking it).
 */
static void free_table_tlb(struct mmu_gather *tlb, pteval_t entry, unsigned long addr,
			   bool counted)
{
	struct mm_struct *mm = tlb->mm;
	struct page *page = entry_page(mm, entry);

	/* pte_free_tlb and its kin note the entry's range; the stride follows. */
	tlb_flush_pmd_range(tlb, addr, PAGE_SIZE);
	tlb->freed_tables = true;
	if (counted)
		mm_dec_nr_tables(mm);
	pagetable_dtor(mm->machine, page, 0);
	tlb_remove_page(tlb, page);
}

/* May the table covering [start & mask, +size) go, given floor and ceiling? */
static inline bool table_freeable(unsigned long start, unsigned long end, unsigned long floor,
				  unsigned long ceiling, unsigned long mask)
{
	start &= mask;
	if (start < floor)
		return false;
	if (ceiling) {
		ceiling &= mask;
		if (!ceiling)
			return false;
	}
	return end - 1 <= ceiling - 1;
}

static void free_pmd_range(struct mmu_gather *tlb, pud_t *pud, unsigned long addr,
			   unsigned long end, unsigned long floor, unsigned long ceiling)
{
	struct mm_struct *mm = tlb->mm;
	unsigned long start = addr, next;
	pmd_t *pmd = pmd_offset(mm, pud, addr);
	pteval_t e;

	do {
		next = level_addr_end(addr, end, PMD_SHIFT);
		if (pmd_none(*pmd) || pmd_leaf(*pmd))
			continue;
		e = pmd_val(*pmd);
		pmd->pmd = 0;
		free_table_tlb(tlb, e, addr, true);	/* free_pte_range */
	} while (pmd++, addr = next, addr != end);

	if (!table_freeable(start, end, floor, ceiling, PUD_MASK))
		return;
	e = pud_val(*pud);
	pud->pud = 0;
	free_table_tlb(tlb, e, start & PUD_MASK, true);
}

static void free_pud_range(struct mmu_gather *tlb, p4d_t *p4d, unsigned long addr,
			   unsigned long end, unsigned long floor, unsigned long ceiling,
			   bool top)
{
	struct mm_struct *mm = tlb->mm;
	unsigned long start = addr, next;
	pud_t *pud = pud_offset(mm, p4d, addr);
	pteval_t e;

	do {
		next = level_addr_end(addr, end, PUD_SHIFT);
		if (pud_none(*pud) || pud_leaf(*pud))
			continue;
		free_pmd_range(tlb, pud, addr, next, floor, ceiling);
	} while (pud++, addr = next, addr != end);

	if (!table_freeable(start, end, floor, ceiling, P4D_MASK))
		return;
	e = p4d_val(*p4d);
	if (top)
		set_top_entry(mm, (pgd_t *)p4d, 0);
	else
		p4d->p4d = 0;
	free_table_tlb(tlb, e, start & P4D_MASK, true);
}

static void free_p4d_range(struct mmu_gather *tlb, pgd_t *pgd, unsigned long addr,
			   unsigned long end, unsigned long floor, unsigned long ceiling)
{
	struct mm_struct *mm = tlb->mm;
	bool l5 = pgtable_l5_enabled(mm->machine);
	unsigned long start = addr, next, mask = ~((1UL << PGDIR_SHIFT_L5) - 1);
	p4d_t *p4d = p4d_offset(mm, pgd, addr);
	pteval_t e;

	if (!l5) {	/* folded: the pgd entry is the p4d entry */
		free_pud_range(tlb, p4d, addr, end, floor, ceiling, true);
		return;
	}
	do {
		next = level_addr_end(addr, end, P4D_SHIFT);
		if (p4d_none(*p4d))
			continue;
		free_pud_range(tlb, p4d, addr, next, floor, ceiling, false);
	} while (p4d++, addr = next, addr != end);

	if (!table_freeable(start, end, floor, ceiling, mask))
		return;
	e = pgd_val(*pgd);
	set_top_entry(mm, pgd, 0);
	free_table_tlb(tlb, e, start & mask, false);	/* no p4d counter in Linux */
}

void free_pgd_range(struct mmu_gather *tlb, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling)
{
	struct mm_struct *mm = tlb->mm;
	unsigned int shift = pgdir_shift(mm->machine);
	unsigned long next;
	pgd_t *pgd;

	/* Round to whole pte tables, inside the bounds (see free_pgd_range). */
	addr &= PMD_MASK;
	if (addr < floor) {
		addr += PMD_SIZE;
		if (!addr)
			return;
	}
	if (ceiling) {
		ceiling &= PMD_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		end -= PMD_SIZE;
	if (addr > end - 1)
		return;

	pgd = pgd_offset(mm, addr);
	do {
		next = level_addr_end(addr, end, shift);
		if (pgd_none(*pgd))
			continue;
		free_p4d_range(tlb, pgd, addr, next, floor, ceiling);
	} while (pgd++, addr = next, addr != end);
}

void free_pgtables(struct mmu_gather *tlb, struct vm_area_struct *vma, unsigned long floor,
		   unsigned long ceiling)
{
	while (vma && (!ceiling || vma->vm_start < ceiling)) {
		unsigned long addr = vma->vm_start;
		struct vm_area_struct *next = vma_next(vma);

		if (next && ceiling && next->vm_start >= ceiling)
			next = NULL;
		/* Gather neighbours closer than a pte table into one call. */
		while (next && next->vm_start <= vma->vm_end + PMD_SIZE) {
			vma = next;
			next = vma_next(vma);
			if (next && ceiling && next->vm_start >= ceiling)
				next = NULL;
		}
		free_pgd_range(tlb, addr, vma->vm_end, floor, next ? next->vm_start : ceiling);
		vma = next;
	}
}

/* ---------------------------------------------------------------------- */
/* Census and validation                                                   */
/* ---------------------------------------------------------------------- */

typedef void (*table_visit_t)(const struct mm_struct *mm, int level, pteval_t entry, void *arg);

/* Visit every table below the user half of mm's pgd; level 4 = p4d ... 1 = pte. */
static void walk_user_tables(const struct mm_struct *mm, table_visit_t visit, void *arg)
{
	bool l5 = pgtable_l5_enabled(mm->machine);

	for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++) {
		pteval_t g = pgd_val(mm->pgd[i]);
		const pteval_t *p4d = &mm->pgd[i].pgd;
		int n4 = 1;

		if (!g)
			continue;
		if (l5) {
			visit(mm, 4, g, arg);
			p4d = pgtable_page_address(mm, g);
			n4 = PTRS_PER_P4D;
		}
		for (int j = 0; j < n4; j++) {
			const pteval_t *pud;

			if (!p4d[j])
				continue;
			visit(mm, 3, p4d[j], arg);
			pud = pgtable_page_address(mm, p4d[j]);
			for (int k = 0; k < PTRS_PER_PUD; k++) {
				const pteval_t *pmd;

				if (!pud[k] || (pud[k] & _PAGE_PSE))
					continue;
				visit(mm, 2, pud[k], arg);
				pmd = pgtable_page_address(mm, pud[k]);
				for (int l = 0; l < PTRS_PER_PMD; l++)
					if (pmd[l] && !(pmd[l] & _PAGE_PSE))
						visit(mm, 1, pmd[l], arg);
			}
		}
	}
}

static void census_visit(const struct mm_struct *mm, int level, pteval_t entry, void *arg)
{
	struct pgtable_census *c = arg;

	(void)mm;
	(void)entry;
	switch (level) {
	case 4: c->p4d++; break;
	case 3: c->pud++; break;
	case 2: c->pmd++; break;
	default: c->pte++; break;
	}
}

void pgtable_census(const struct mm_struct *mm, struct pgtable_census *c)
{
	memset(c, 0, sizeof(*c));
	if (!mm->pgd)
		return;
	c->pgd = mm == mm->machine->init_mm ? 0 : 1UL << pgd_order(mm->machine);
	walk_user_tables(mm, census_visit, c);
	c->pte += (unsigned long)mm->nr_thp_deposited;	/* THP: deposited, counted as Linux does */
}

struct table_check {
	unsigned long problems;
};

static void check_visit(const struct mm_struct *mm, int level, pteval_t entry, void *arg)
{
	struct machine *m = mm->machine;
	struct table_check *tc = arg;
	unsigned long pfn = (unsigned long)((entry & PTE_PFN_MASK) >> PAGE_SHIFT);
	struct page *page;

	if (!(entry & _PAGE_PRESENT) || (entry & _PAGE_TABLE) != _PAGE_TABLE ||
	    !pfn_valid(m, pfn)) {
		printk(m, "validate: mm %p level %d entry %#llx is not a user table entry",
		       (void *)mm, level, (unsigned long long)entry);
		tc->problems++;
		return;
	}
	page = pfn_to_page(m, pfn);
	if (!PageTable(page) || page_ref_count(page) != 1 || PageCompound(page)) {
		printk(m, "validate: mm %p level %d table pfn %#lx: type %#x refcount %d",
		       (void *)mm, level, pfn, page->page_type, page_ref_count(page));
		tc->problems++;
	}
}

/*
 * vmalloc (issue 7): with vmalloc_fault=1 a vmalloc top-level entry of a
 * process may still be empty where init_mm has one (copied on first fault);
 * every other kernel-half entry must be equal.
 */
static bool kernel_half_lags(const struct mm_struct *mm)
{
	const pgd_t *kpgd = mm->machine->init_mm->pgd;

	for (unsigned int i = KERNEL_PGD_BOUNDARY; i < PTRS_PER_PGD; i++)
		if (pgd_val(mm->pgd[i]) != pgd_val(kpgd[i]) &&
		    !(pgd_none(mm->pgd[i]) && vmalloc_pgd_entry_lazy(mm->machine, i)))
			return false;
	return true;
}

void pte_free_kernel(struct mm_struct *mm, pte_t *table)
{
	mm_dec_nr_tables(mm);
	pagetable_free(mm->machine, virt_to_page(mm->machine, table), 0);
}

int validate_pgtables(struct mm_struct *mm)
{
	struct machine *m = mm->machine;
	const pgd_t *kpgd = m->init_mm->pgd;
	struct table_check tc = { 0 };
	struct pgtable_census c;
	size_t khalf = (PTRS_PER_PGD - KERNEL_PGD_BOUNDARY) * sizeof(pgd_t);
	struct page *pgd_page;

	if (!mm->pgd || mm == m->init_mm)
		return 0;
	pgd_page = virt_to_page(m, mm->pgd);
	if (!PageTable(pgd_page) || page_ref_count(pgd_page) != 1) {
		printk(m, "validate: mm %p pgd pfn %#lx not a table", (void *)mm,
		       page_to_pfn(m, pgd_page));
		tc.problems++;
	}
	if (memcmp(mm->pgd + KERNEL_PGD_BOUNDARY, kpgd + KERNEL_PGD_BOUNDARY, khalf) &&
	    !kernel_half_lags(mm)) {
		printk(m, "validate: mm %p kernel half differs from swapper_pg_dir", (void *)mm);
		tc.problems++;
	}
	if (pti_enabled(m)) {
		const pgd_t *u = mm->pgd + PTI_USER_PGD_OFFSET;

		if (memcmp(u + KERNEL_PGD_BOUNDARY, kpgd + PTI_USER_PGD_OFFSET + KERNEL_PGD_BOUNDARY,
			   khalf)) {
			printk(m, "validate: mm %p user copy's kernel half differs", (void *)mm);
			tc.problems++;
		}
		for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++)
			if ((pgd_val(mm->pgd[i]) & ~_PAGE_NX) != pgd_val(u[i])) {
				printk(m, "validate: mm %p pti user copy entry %d differs", (void *)mm, i);
				tc.problems++;
			}
	}
	walk_user_tables(mm, check_visit, &tc);
	pgtable_census(mm, &c);
	if (mm->pgtables_bytes != pgtable_census_bytes(&c)) {
		printk(m, "validate: mm %p pgtables_bytes %ld, tables found %ld bytes", (void *)mm,
		       mm->pgtables_bytes, pgtable_census_bytes(&c));
		tc.problems++;
	}
	return (int)tc.problems;
}
