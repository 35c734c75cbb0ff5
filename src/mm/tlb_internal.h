/*
 * tlb_internal.h - the simulated TLB hardware and Linux's per-CPU TLB
 * state, shared by mm/tlb.c (switches, flushes) and mm/mmu.c (lookups,
 * walks, fills) and nobody else: elsewhere struct cpu_tlbstate is opaque.
 *
 * Geometry, as a modern x86 core's second-level TLB: 1536 4 KiB entries,
 * 12-way (128 sets, set = low bits of the virtual page number), and 32
 * 2 MiB entries, 4-way. Replacement is round-robin per set (no state
 * change on a hit, so a hit only reads). An entry's tag is
 *   vpn << 13 | pcid << 1 | 1        (0 = invalid)
 * and its value is the pte's frame address with the effective U/RW/NX of
 * the whole walk, plus A and D as the leaf had them after the walk. User
 * pages are never global. Kernel accesses (vmalloc memory touched by the
 * simulated kernel, mmu_kernel_access) fill entries too: a kernel vpn is
 * the address's low 57 bits (bit 56 set, so never a user vpn), and a leaf
 * with _PAGE_GLOBAL (every kernel mapping without pti) is tagged with
 * TLB_PCID_GLOBAL: it matches under any PCID and survives CR3 loads, as
 * CR4.PGE makes it; only INVLPG of its address or a full flush drops it.
 *
 * PCIDs (cfg.pcid): ASID slot s of a CPU runs with kernel PCID s + 1 and,
 * with pti, user PCID (s + 1) | 2048 (kern_pcid/user_pcid); user accesses
 * are tagged with the user one. Without PCID every entry has PCID 0 and
 * every CR3 load drops them all.
 *
 * Invariant: an entry never grants more than its pte (write only if RW and
 * Dirty were both set; user only with U; exec only without NX at any
 * level), unless its ASID slot is out of date (tlb_gen behind the mm's),
 * in which case the slot is flushed before it is used again.
 */
#ifndef MMSIM_TLB_INTERNAL_H
#define MMSIM_TLB_INTERNAL_H

#include "tlbflush.h"

#define STLB_WAYS	12
#define STLB_SETS	128	/* 1536 entries */
#define HTLB_WAYS	4
#define HTLB_SETS	8	/* 32 entries */

#define TLB_TAG_VALID	1ULL
#define TLB_PCID_SHIFT	1
#define TLB_VPN_SHIFT	13
#define TLB_PCID_MASK	0xfffULL
#define PTI_USER_PCID_BIT 11	/* X86_CR3_PTI_PCID_USER_BIT */

/* What an entry keeps of the walk. */
#define TLB_ENTRY_FLAGS	(_PAGE_USER | _PAGE_RW | _PAGE_NX | _PAGE_ACCESSED | _PAGE_DIRTY)

struct tlb_set4k {
	uint64_t tag[STLB_WAYS];
	pteval_t val[STLB_WAYS];
};

struct tlb_set2m {
	uint64_t tag[HTLB_WAYS];
	pteval_t val[HTLB_WAYS];
};

/* One ASID slot (struct tlb_context). mm is a debug link, NULL once released. */
struct tlb_context {
	uint64_t ctx_id;
	uint64_t tlb_gen;
	struct mm_struct *mm;
	bool used;
};

struct cpu_tlbstate {
	/* The hardware. */
	struct tlb_set4k stlb[STLB_SETS];
	struct tlb_set2m htlb[HTLB_SETS];
	uint8_t victim4k[STLB_SETS];
	uint8_t victim2m[HTLB_SETS];
	uint64_t pcid_tag;		/* pcid << 1 | 1 of user accesses */
	pgd_t *cr3_pgd;			/* the top table user accesses walk */
	/* Linux's cpu_tlbstate. */
	struct mm_struct *loaded_mm;
	uint16_t loaded_mm_asid;
	uint16_t next_asid;
	struct tlb_context ctxs[TLB_NR_DYN_ASIDS];
	struct tlb_stats stats;
} __attribute__((aligned(64)));

static inline struct cpu_tlbstate *cpu_tlbstate(struct machine *m, int cpu)
{
	return &m->tlbstate[cpu];
}

static inline uint64_t tlb_tag(unsigned long vpn, uint64_t pcid_tag)
{
	return ((uint64_t)vpn << TLB_VPN_SHIFT) | pcid_tag;
}

/* The 4 KiB entry for vpn under the current PCID, or NULL. */
static inline pteval_t *tlb_lookup4k(struct cpu_tlbstate *ts, unsigned long vpn)
{
	struct tlb_set4k *s = &ts->stlb[vpn & (STLB_SETS - 1)];
	uint64_t tag = tlb_tag(vpn, ts->pcid_tag);

	for (int i = 0; i < STLB_WAYS; i++)
		if (s->tag[i] == tag)
			return &s->val[i];
	return NULL;
}

/* The 2 MiB entry covering vpn2m (addr >> PMD_SHIFT), or NULL. */
static inline pteval_t *tlb_lookup2m(struct cpu_tlbstate *ts, unsigned long vpn2m)
{
	struct tlb_set2m *s = &ts->htlb[vpn2m & (HTLB_SETS - 1)];
	uint64_t tag = tlb_tag(vpn2m, ts->pcid_tag);

	for (int i = 0; i < HTLB_WAYS; i++)
		if (s->tag[i] == tag)
			return &s->val[i];
	return NULL;
}

/* Install a translation (replacing one for the same tag). mm/tlb.c. */
void tlb_fill4k(struct cpu_tlbstate *ts, unsigned long vpn, pteval_t val);
void tlb_fill2m(struct cpu_tlbstate *ts, unsigned long vpn2m, pteval_t val);

/* vmalloc (issue 7): kernel entries. */
#define TLB_PCID_GLOBAL		0xfffULL	/* no PCID Linux uses: marks a global entry */
#define TLB_KVA_MASK		((1UL << 57) - 1)

static inline uint64_t tlb_global_tag(void)
{
	return (TLB_PCID_GLOBAL << TLB_PCID_SHIFT) | TLB_TAG_VALID;
}

/* The kernel PCID of the loaded ASID (the user one without its pti bit). */
static inline uint64_t tlb_kernel_tag(const struct cpu_tlbstate *ts)
{
	return ts->pcid_tag & ~(1ULL << (PTI_USER_PCID_BIT + TLB_PCID_SHIFT));
}

/* Is the address an entry of this size was filled for a kernel one? */
static inline bool tlb_tag_is_kernel(uint64_t tag, unsigned int shift)
{
	return ((tag >> TLB_VPN_SHIFT) << shift) & (1UL << 56);
}

/* The canonical address of an entry's vpn (sign-extended from bit 56). */
static inline unsigned long tlb_tag_addr(uint64_t tag, unsigned int shift)
{
	unsigned long a = (unsigned long)(tag >> TLB_VPN_SHIFT) << shift;

	return (a & (1UL << 56)) ? a | ~TLB_KVA_MASK : a;
}

static inline pteval_t *tlb_lookup4k_tag(struct cpu_tlbstate *ts, unsigned long vpn,
					 uint64_t pcid_tag)
{
	struct tlb_set4k *s = &ts->stlb[vpn & (STLB_SETS - 1)];
	uint64_t tag = tlb_tag(vpn, pcid_tag);

	for (int i = 0; i < STLB_WAYS; i++)
		if (s->tag[i] == tag)
			return &s->val[i];
	return NULL;
}

static inline pteval_t *tlb_lookup2m_tag(struct cpu_tlbstate *ts, unsigned long vpn2m,
					 uint64_t pcid_tag)
{
	struct tlb_set2m *s = &ts->htlb[vpn2m & (HTLB_SETS - 1)];
	uint64_t tag = tlb_tag(vpn2m, pcid_tag);

	for (int i = 0; i < HTLB_WAYS; i++)
		if (s->tag[i] == tag)
			return &s->val[i];
	return NULL;
}

void tlb_fill4k_tag(struct cpu_tlbstate *ts, unsigned long vpn, uint64_t pcid_tag, pteval_t val);
void tlb_fill2m_tag(struct cpu_tlbstate *ts, unsigned long vpn2m, uint64_t pcid_tag,
		    pteval_t val);

/* Does some CPU still run on this pgd (CR3)? Freeing it then is a bug. */
bool tlb_pgd_in_use(struct machine *m, const pgd_t *pgd);

/*
 * The translation of user address addr in the tables under top, as the
 * hardware would find it, with no side effects: 0 and *eff (frame address
 * of the 4 KiB page or of the huge page, effective U/RW/NX, the leaf's A/D
 * and PSE for a 2 MiB leaf) and *leaf (the leaf entry), or -EFAULT when a
 * level is not present. mm/mmu.c.
 */
int mmu_translate(struct machine *m, pgd_t *top, unsigned long addr, pteval_t *eff,
		  pteval_t **leaf);

#endif
