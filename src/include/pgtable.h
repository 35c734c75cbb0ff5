/*
 * pgtable.h - x86-64 page tables as the hardware and Linux see them.
 *
 * Every table is one simulated 4 KiB frame of 512 little-endian 64-bit
 * entries; a table is reached through the direct map (page_address of its
 * frame), so pointers to entries are host pointers into phys memory. Levels
 * are Linux's: pgd -> p4d -> pud -> pmd -> pte. With four levels (the
 * default) the p4d is folded into the pgd, as CONFIG_PGTABLE_LEVELS=4 does:
 * p4d_offset returns the pgd entry itself and there is no p4d frame.
 *
 * Entry bits are the architecture's (arch/x86/include/asm/pgtable_types.h),
 * so a user can read a dumped entry with the Intel SDM in hand. A non-present
 * entry that is not zero is a swap (or migration) entry in Linux's x86-64
 * encoding: type in the top 5 bits, offset inverted in bits 9..58, bit 0
 * (present) and bit 8 (PROTNONE) clear.
 *
 * Invariants: a present leaf's pfn is a valid frame; a table frame is
 * PageTable (PGTY_table) and counted in NR_PAGETABLE and mm->pgtables_bytes;
 * the top-level table's kernel half (entries 256..511) is shared with init_mm.
 */
#ifndef MMSIM_PGTABLE_H
#define MMSIM_PGTABLE_H

#include <stdint.h>

#include "compiler.h"

/* Entry bits. */
#define _PAGE_BIT_PRESENT	0
#define _PAGE_BIT_RW		1
#define _PAGE_BIT_USER		2
#define _PAGE_BIT_PWT		3
#define _PAGE_BIT_PCD		4
#define _PAGE_BIT_ACCESSED	5
#define _PAGE_BIT_DIRTY		6
#define _PAGE_BIT_PSE		7	/* huge page at pmd/pud level */
#define _PAGE_BIT_PAT		7	/* on 4 KiB ptes */
#define _PAGE_BIT_GLOBAL	8
#define _PAGE_BIT_SOFTW1	9	/* _PAGE_SPECIAL */
#define _PAGE_BIT_SOFTW2	10
#define _PAGE_BIT_SOFTW3	11	/* _PAGE_SOFT_DIRTY */
#define _PAGE_BIT_SOFTW4	57	/* _PAGE_SAVED_DIRTY (shadow-stack era) */
#define _PAGE_BIT_NX		63
#define _PAGE_BIT_PROTNONE	_PAGE_BIT_GLOBAL
#define _PAGE_BIT_SPECIAL	_PAGE_BIT_SOFTW1
#define _PAGE_BIT_SOFT_DIRTY	_PAGE_BIT_SOFTW3
#define _PAGE_BIT_SWP_EXCLUSIVE	_PAGE_BIT_RW	/* in swap ptes */
#define _PAGE_BIT_SWP_SOFT_DIRTY _PAGE_BIT_PSE	/* in swap ptes */

#define _PAGE_PRESENT	(1ULL << _PAGE_BIT_PRESENT)
#define _PAGE_RW	(1ULL << _PAGE_BIT_RW)
#define _PAGE_USER	(1ULL << _PAGE_BIT_USER)
#define _PAGE_PWT	(1ULL << _PAGE_BIT_PWT)
#define _PAGE_PCD	(1ULL << _PAGE_BIT_PCD)
#define _PAGE_ACCESSED	(1ULL << _PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY	(1ULL << _PAGE_BIT_DIRTY)
#define _PAGE_PSE	(1ULL << _PAGE_BIT_PSE)
#define _PAGE_GLOBAL	(1ULL << _PAGE_BIT_GLOBAL)
#define _PAGE_SPECIAL	(1ULL << _PAGE_BIT_SPECIAL)
#define _PAGE_SOFT_DIRTY (1ULL << _PAGE_BIT_SOFT_DIRTY)
#define _PAGE_NX	(1ULL << _PAGE_BIT_NX)
#define _PAGE_PROTNONE	(1ULL << _PAGE_BIT_PROTNONE)
#define _PAGE_SWP_EXCLUSIVE (1ULL << _PAGE_BIT_SWP_EXCLUSIVE)
#define _PAGE_SWP_SOFT_DIRTY (1ULL << _PAGE_BIT_SWP_SOFT_DIRTY)

#define PTE_PFN_MASK	0x000ffffffffff000ULL	/* bits 12..51 */
#define PTE_FLAGS_MASK	(~PTE_PFN_MASK)

/* Table entry for a lower-level table (_KERNPG_TABLE | _PAGE_USER). */
#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _KERNPG_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

/*
 * vm_page_prot values for the 16 combinations of VM_READ|VM_WRITE|VM_EXEC|
 * VM_SHARED (protection_map). Private writable mappings start read-only:
 * the write fault breaks COW. Built by vm_get_page_prot() in mm/mmap.c.
 */
#define PAGE_NONE		(_PAGE_PROTNONE | _PAGE_ACCESSED)
#define PAGE_SHARED		(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_SHARED_EXEC	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_COPY_NOEXEC	(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_COPY_EXEC		(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_READONLY		(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_READONLY_EXEC	(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

typedef uint64_t pteval_t;
typedef struct { pteval_t pte; } pte_t;
typedef struct { pteval_t pmd; } pmd_t;
typedef struct { pteval_t pud; } pud_t;
typedef struct { pteval_t p4d; } p4d_t;
typedef struct { pteval_t pgd; } pgd_t;
typedef struct { pteval_t pgprot; } pgprot_t;

#define __pte(x)	((pte_t){ (x) })
#define __pmd(x)	((pmd_t){ (x) })
#define __pud(x)	((pud_t){ (x) })
#define __p4d(x)	((p4d_t){ (x) })
#define __pgd(x)	((pgd_t){ (x) })
#define __pgprot(x)	((pgprot_t){ (x) })
#define pte_val(x)	((x).pte)
#define pmd_val(x)	((x).pmd)
#define pud_val(x)	((x).pud)
#define p4d_val(x)	((x).p4d)
#define pgd_val(x)	((x).pgd)
#define pgprot_val(x)	((x).pgprot)

/* Geometry: 9 bits per level. */
#define PTRS_PER_PTE	512
#define PTRS_PER_PMD	512
#define PTRS_PER_PUD	512
#define PTRS_PER_P4D	512
#define PTRS_PER_PGD	512
#define PMD_SHIFT	21
#define PUD_SHIFT	30
#define P4D_SHIFT	39	/* five levels only */
#define PGDIR_SHIFT_L4	39
#define PGDIR_SHIFT_L5	48
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PUD_MASK	(~(PUD_SIZE - 1))
#define P4D_SIZE	(1UL << P4D_SHIFT)
#define P4D_MASK	(~(P4D_SIZE - 1))

/* User address space: 47 bits (56 with five levels), last page unusable. */
#define TASK_SIZE_L4	((1UL << 47) - PAGE_SIZE)
#define TASK_SIZE_L5	((1UL << 56) - PAGE_SIZE)

static inline unsigned long pte_index(unsigned long addr) { return (addr >> PAGE_SHIFT) & 511; }
static inline unsigned long pmd_index(unsigned long addr) { return (addr >> PMD_SHIFT) & 511; }
static inline unsigned long pud_index(unsigned long addr) { return (addr >> PUD_SHIFT) & 511; }
static inline unsigned long p4d_index(unsigned long addr) { return (addr >> P4D_SHIFT) & 511; }

/* Leaf entries. */
static inline bool pte_none(pte_t p)	{ return pte_val(p) == 0; }
static inline bool pte_present(pte_t p)	{ return pte_val(p) & (_PAGE_PRESENT | _PAGE_PROTNONE); }
static inline bool pte_protnone(pte_t p) { return (pte_val(p) & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE; }
static inline bool pte_write(pte_t p)	{ return pte_val(p) & _PAGE_RW; }
static inline bool pte_dirty(pte_t p)	{ return pte_val(p) & _PAGE_DIRTY; }
static inline bool pte_young(pte_t p)	{ return pte_val(p) & _PAGE_ACCESSED; }
static inline bool pte_user(pte_t p)	{ return pte_val(p) & _PAGE_USER; }
static inline bool pte_exec(pte_t p)	{ return !(pte_val(p) & _PAGE_NX); }
static inline bool pte_special(pte_t p)	{ return pte_val(p) & _PAGE_SPECIAL; }
static inline bool pte_soft_dirty(pte_t p) { return pte_val(p) & _PAGE_SOFT_DIRTY; }
static inline unsigned long pte_pfn(pte_t p) { return (unsigned long)((pte_val(p) & PTE_PFN_MASK) >> PAGE_SHIFT); }

static inline pte_t pte_set_flags(pte_t p, pteval_t f)	 { return __pte(pte_val(p) | f); }
static inline pte_t pte_clear_flags(pte_t p, pteval_t f) { return __pte(pte_val(p) & ~f); }
static inline pte_t pte_mkwrite(pte_t p)	{ return pte_set_flags(p, _PAGE_RW); }
static inline pte_t pte_wrprotect(pte_t p)	{ return pte_clear_flags(p, _PAGE_RW); }
static inline pte_t pte_mkdirty(pte_t p)	{ return pte_set_flags(p, _PAGE_DIRTY | _PAGE_SOFT_DIRTY); }
static inline pte_t pte_mkclean(pte_t p)	{ return pte_clear_flags(p, _PAGE_DIRTY); }
static inline pte_t pte_mkyoung(pte_t p)	{ return pte_set_flags(p, _PAGE_ACCESSED); }
/* Write a pte (the TLB is the caller's business). */
static inline void set_pte(pte_t *ptep, pte_t pte)
{
	*ptep = pte;
}

static inline pte_t pte_mkold(pte_t p)		{ return pte_clear_flags(p, _PAGE_ACCESSED); }
static inline pte_t pte_mkspecial(pte_t p)	{ return pte_set_flags(p, _PAGE_SPECIAL); }

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte(((pteval_t)pfn << PAGE_SHIFT) | pgprot_val(prot));
}

/* Keep pfn, accessed, dirty and soft-dirty; take the protection bits from newprot. */
#define _PAGE_CHG_MASK	(PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT | _PAGE_SPECIAL | \
			 _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SOFT_DIRTY)
static inline pte_t pte_modify(pte_t p, pgprot_t newprot)
{
	return __pte((pte_val(p) & _PAGE_CHG_MASK) | (pgprot_val(newprot) & ~_PAGE_CHG_MASK));
}

/* Upper levels: present, table or huge leaf. */
static inline bool pmd_none(pmd_t p)	{ return pmd_val(p) == 0; }
static inline bool pmd_present(pmd_t p)	{ return pmd_val(p) & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE); }
static inline bool pmd_leaf(pmd_t p)	{ return pmd_val(p) & _PAGE_PSE; }
static inline unsigned long pmd_pfn(pmd_t p) { return (unsigned long)((pmd_val(p) & PTE_PFN_MASK) >> PAGE_SHIFT); }
static inline bool pud_none(pud_t p)	{ return pud_val(p) == 0; }
static inline bool pud_present(pud_t p)	{ return pud_val(p) & _PAGE_PRESENT; }
static inline bool pud_leaf(pud_t p)	{ return pud_val(p) & _PAGE_PSE; }
static inline unsigned long pud_pfn(pud_t p) { return (unsigned long)((pud_val(p) & PTE_PFN_MASK) >> PAGE_SHIFT); }
static inline bool p4d_none(p4d_t p)	{ return p4d_val(p) == 0; }
static inline bool p4d_present(p4d_t p)	{ return p4d_val(p) & _PAGE_PRESENT; }
static inline unsigned long p4d_pfn(p4d_t p) { return (unsigned long)((p4d_val(p) & PTE_PFN_MASK) >> PAGE_SHIFT); }
static inline bool pgd_none(pgd_t p)	{ return pgd_val(p) == 0; }
static inline bool pgd_present(pgd_t p)	{ return pgd_val(p) & _PAGE_PRESENT; }
static inline unsigned long pgd_pfn(pgd_t p) { return (unsigned long)((pgd_val(p) & PTE_PFN_MASK) >> PAGE_SHIFT); }

/*
 * Swap entries (include/linux/swapops.h, arch/x86/include/asm/pgtable_64.h).
 * swp_entry_t is arch-independent (type in the top bits of val, offset
 * below); the pte encoding is x86-64's inverted one.
 */
typedef struct { unsigned long val; } swp_entry_t;
#define SWP_TYPE_BITS		5
#define MAX_SWAPFILES_SHIFT	5
#define SWP_TYPE_SHIFT		(64 - MAX_SWAPFILES_SHIFT)
#define SWP_OFFSET_MASK		((1UL << SWP_TYPE_SHIFT) - 1)
#define SWP_OFFSET_FIRST_BIT	(_PAGE_BIT_PROTNONE + 1)
#define SWP_OFFSET_SHIFT	(SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS)

static inline swp_entry_t swp_entry(unsigned int type, unsigned long offset)
{
	return (swp_entry_t){ ((unsigned long)type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK) };
}
static inline unsigned int swp_type(swp_entry_t e) { return (unsigned int)(e.val >> SWP_TYPE_SHIFT); }
static inline unsigned long swp_offset(swp_entry_t e) { return e.val & SWP_OFFSET_MASK; }

/* The arch encoding of a swap entry in a pte (flag bits kept apart). */
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	unsigned long type = swp_type(e), offset = swp_offset(e);

	return __pte((~(pteval_t)offset << SWP_OFFSET_SHIFT >> SWP_TYPE_BITS) |
		     ((pteval_t)type << (64 - SWP_TYPE_BITS)));
}

static inline swp_entry_t pte_to_swp_entry(pte_t p)
{
	pteval_t v = pte_val(p) & ~(_PAGE_SWP_EXCLUSIVE | _PAGE_SWP_SOFT_DIRTY);
	unsigned int type = (unsigned int)(v >> (64 - SWP_TYPE_BITS));
	unsigned long offset = (unsigned long)(~v << SWP_TYPE_BITS >> SWP_OFFSET_SHIFT);

	return swp_entry(type, offset);
}

/* A non-none, non-present pte: a swap or migration entry. */
static inline bool is_swap_pte(pte_t p) { return !pte_none(p) && !pte_present(p); }

#endif
