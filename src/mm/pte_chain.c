/*
 * pte_chain.c - the reverse map of Linux 2.5 and 2.6.0-2.6.6
 * (rmap=pte_chain): every mapped page keeps the addresses of the ptes that
 * map it.
 *
 * One mapping costs nothing extra: the pte's physical address sits in
 * page->memcg_data (2.5's page->pte.direct) and PG_direct says so. A
 * second mapping moves it into a chain of 64-byte blocks (one cache line,
 * from the "pte_chain" slab cache): a word that holds the next block's
 * address and, in its low bits, the index of the first used slot, then
 * NRPTE pte addresses. Only the first block of a chain may be partly
 * used, and its used slots are the last ones, so adding is O(1); removing
 * searches the chain and fills the hole with the first block's first
 * entry. Fork, exit and every fault pay for this upkeep, and every mapping
 * costs memory - the point of showing it.
 *
 * A walk needs no VMA search to find the ptes: each entry is a pte; the
 * table page it lies in gives the mm and the address (ptdesc_mm and the
 * table's base, pgalloc.h), and find_vma the VMA for the callback.
 *
 * Invariants: a page with mapcount n (n = _mapcount + 1) has n entries,
 * each the physical address of a pte that maps it; n == 1 and PG_direct,
 * or n >= 1 in a chain, or n == 0 and memcg_data == 0; no two entries
 * equal; m->nr_pte_chains counts the blocks in chains and in the reserve.
 * Additions take the block prepared by pte_chain_prealloc (2.5 allocated
 * it before taking the page table lock, as the callers here do).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pgalloc.h"
#include "rmap_internal.h"
#include "slab.h"
#include "vma.h"

#define L1_CACHE_BYTES	64
typedef uint64_t pte_addr_t;	/* a pte's physical address: 8 bytes on x86-64 */
#define NRPTE		((L1_CACHE_BYTES - sizeof(unsigned long)) / sizeof(pte_addr_t))
#define IDX_MASK	(L1_CACHE_BYTES - 1)

struct pte_chain {
	unsigned long next_and_idx;	/* next block | first used slot */
	pte_addr_t ptes[NRPTE];
};
_Static_assert(sizeof(struct pte_chain) == L1_CACHE_BYTES, "a pte_chain is one cache line");

static inline struct pte_chain *pc_next(const struct pte_chain *pc)
{
	return (struct pte_chain *)(pc->next_and_idx & ~(unsigned long)IDX_MASK);
}

static inline unsigned int pc_idx(const struct pte_chain *pc)
{
	return pc->next_and_idx & IDX_MASK;
}

static inline void pc_set(struct pte_chain *pc, struct pte_chain *next, unsigned int idx)
{
	pc->next_and_idx = (unsigned long)next | idx;
}

static inline struct pte_chain *page_chain(const struct page *page)
{
	return (struct pte_chain *)page->memcg_data;
}

int pte_chain_init(struct machine *m)
{
	m->pte_chain_cachep = kmem_cache_create(m, "pte_chain", sizeof(struct pte_chain),
						L1_CACHE_BYTES, SLAB_HWCACHE_ALIGN, NULL);
	return m->pte_chain_cachep ? 0 : -ENOMEM;
}

int pte_chain_prealloc(struct machine *m, gfp_t gfp)
{
	struct pte_chain *pc;

	if (m->cfg.rmap != RMAP_PTE_CHAIN || m->pte_chain_reserve)
		return 0;
	pc = kmem_cache_alloc(m, m->pte_chain_cachep, gfp);
	if (!pc)
		return -ENOMEM;
	m->nr_pte_chains++;
	m->rmap_object_ops++;
	m->pte_chain_reserve = pc;
	return 0;
}

/* The prepared block (the caller ran pte_chain_prealloc before locking). */
static struct pte_chain *pte_chain_take(struct machine *m)
{
	struct pte_chain *pc = m->pte_chain_reserve;

	BUG_ON(!pc);
	m->pte_chain_reserve = NULL;
	return pc;
}

/* An emptied block refills the reserve, or goes back to its cache. */
static void pte_chain_free(struct machine *m, struct pte_chain *pc)
{
	if (!m->pte_chain_reserve) {
		m->pte_chain_reserve = pc;
		return;
	}
	m->nr_pte_chains--;
	m->rmap_object_ops++;
	kmem_cache_free(m, m->pte_chain_cachep, pc);
}

static inline pte_addr_t pte_paddr(struct machine *m, pte_t *pte)
{
	return virt_to_phys(m, pte);
}

static inline pte_t *paddr_pte(struct machine *m, pte_addr_t paddr)
{
	return (pte_t *)(m->phys_base + paddr);
}

void pte_chain_add(struct machine *m, struct page *page, pte_t *pte)
{
	pte_addr_t paddr = pte_paddr(m, pte);
	struct pte_chain *pc;

	m->pte_chain_steps++;
	if (!page->memcg_data) {
		page->memcg_data = paddr;
		SetPageDirect(page);
		return;
	}
	if (PageDirect(page)) {
		/* the second mapping: both go into a first block */
		pc = pte_chain_take(m);
		pc->ptes[NRPTE - 2] = page->memcg_data;
		pc->ptes[NRPTE - 1] = paddr;
		pc_set(pc, NULL, NRPTE - 2);
		ClearPageDirect(page);
		page->memcg_data = (unsigned long)pc;
		return;
	}
	pc = page_chain(page);
	if (pc_idx(pc)) {
		unsigned int idx = pc_idx(pc) - 1;

		pc->ptes[idx] = paddr;
		pc_set(pc, pc_next(pc), idx);
		return;
	}
	/* the first block is full: a new one goes in front */
	pc = pte_chain_take(m);
	pc->ptes[NRPTE - 1] = paddr;
	pc_set(pc, page_chain(page), NRPTE - 1);
	page->memcg_data = (unsigned long)pc;
}

/* The first block's first entry leaves it (to fill a hole elsewhere). */
static pte_addr_t pte_chain_pop(struct machine *m, struct page *page)
{
	struct pte_chain *head = page_chain(page);
	unsigned int idx = pc_idx(head);
	pte_addr_t first = head->ptes[idx];

	head->ptes[idx] = 0;
	if (++idx == NRPTE) {
		page->memcg_data = (unsigned long)pc_next(head);
		pte_chain_free(m, head);
	} else {
		pc_set(head, pc_next(head), idx);
	}
	return first;
}

void pte_chain_remove(struct machine *m, struct page *page, pte_t *pte)
{
	pte_addr_t paddr = pte_paddr(m, pte);

	if (PageDirect(page)) {
		BUG_ON(page->memcg_data != paddr);
		page->memcg_data = 0;
		ClearPageDirect(page);
		return;
	}
	for (struct pte_chain *pc = page_chain(page); pc; pc = pc_next(pc)) {
		for (unsigned int i = pc_idx(pc); i < NRPTE; i++) {
			m->pte_chain_steps++;
			if (pc->ptes[i] != paddr)
				continue;
			if (pc == page_chain(page) && i == pc_idx(pc))
				pte_chain_pop(m, page);	/* the first entry: just drop it */
			else
				pc->ptes[i] = pte_chain_pop(m, page);	/* fill the hole */
			return;
		}
	}
	BUG();	/* the pte was not on the page's chain */
}

/* mremap: the same mapping, its pte at a new place. */
void pte_chain_move(struct machine *m, struct page *page, pte_t *old, pte_t *new)
{
	pte_addr_t from = pte_paddr(m, old), to = pte_paddr(m, new);

	if (PageDirect(page)) {
		BUG_ON(page->memcg_data != from);
		page->memcg_data = to;
		return;
	}
	for (struct pte_chain *pc = page_chain(page); pc; pc = pc_next(pc)) {
		for (unsigned int i = pc_idx(pc); i < NRPTE; i++) {
			m->pte_chain_steps++;
			if (pc->ptes[i] == from) {
				pc->ptes[i] = to;
				return;
			}
		}
	}
	BUG();
}

struct mm_struct *pte_to_mm(struct machine *m, pte_t *pte, unsigned long *addr)
{
	struct page *table = virt_to_page(m, pte);
	unsigned long slot = ((unsigned long)pte & (PAGE_SIZE - 1)) / sizeof(pte_t);

	*addr = table->index + slot * PAGE_SIZE;
	return ptdesc_mm(table);
}

/* One entry: the pte, its mm and address, and the VMA there. */
static bool pte_chain_visit(struct machine *m, struct page *page, pte_addr_t paddr,
			    struct rmap_walk_control *rwc)
{
	pte_t *pte = paddr_pte(m, paddr);
	unsigned long address;
	struct mm_struct *mm = pte_to_mm(m, pte, &address);
	struct vm_area_struct *vma = find_vma(mm, address);

	count_vm_event(m, RMAP_WALK_PTE);
	VM_BUG_ON(!vma || vma->vm_start > address);
	return rwc->rmap_one(page, vma, address, pte, rwc->arg);
}

/*
 * The callback may unmap (try_to_unmap), which reshuffles the chain: the
 * walk visits a copy of the entries taken first (host memory: the copy is
 * the walker's, not a kernel object). A visited pte that no longer maps
 * the page is the callback's to skip, as for every design.
 */
void rmap_walk_pte_chain(struct machine *m, struct page *page, struct rmap_walk_control *rwc)
{
	pte_addr_t stack[64], *copy = stack;
	unsigned long n = 0, cap = 64;

	if (!page->memcg_data)
		return;
	if (PageDirect(page)) {
		pte_chain_visit(m, page, page->memcg_data, rwc);
		return;
	}
	for (struct pte_chain *pc = page_chain(page); pc; pc = pc_next(pc)) {
		for (unsigned int i = pc_idx(pc); i < NRPTE; i++) {
			if (n == cap) {
				pte_addr_t *more = malloc(2 * cap * sizeof(*more));

				BUG_ON(!more);
				memcpy(more, copy, n * sizeof(*more));
				if (copy != stack)
					free(copy);
				copy = more;
				cap *= 2;
			}
			copy[n++] = pc->ptes[i];
		}
	}
	for (unsigned long i = 0; i < n; i++) {
		if (!pte_chain_visit(m, page, copy[i], rwc))
			break;
	}
	if (copy != stack)
		free(copy);
}

/* Entries in the chain; bad counts those that do not point at a pte mapping page. */
unsigned long pte_chain_count(struct machine *m, struct page *page, unsigned long *bad)
{
	unsigned long pfn = page_to_pfn(m, page), n = 0;

	*bad = 0;
	if (!page->memcg_data)
		return 0;
	if (PageDirect(page)) {
		pte_t *pte = paddr_pte(m, page->memcg_data);

		*bad += !pte_present(*pte) || pte_pfn(*pte) != pfn;
		return 1;
	}
	for (struct pte_chain *pc = page_chain(page); pc; pc = pc_next(pc)) {
		for (unsigned int i = pc_idx(pc); i < NRPTE; i++) {
			pte_t *pte = paddr_pte(m, pc->ptes[i]);

			n++;
			*bad += !pc->ptes[i] || !pte_present(*pte) || pte_pfn(*pte) != pfn;
		}
	}
	return n;
}

/* Is pte on page's chain? */
bool pte_chain_contains(struct machine *m, struct page *page, pte_t *pte)
{
	pte_addr_t paddr = pte_paddr(m, pte);

	if (PageDirect(page))
		return page->memcg_data == paddr;
	for (struct pte_chain *pc = page_chain(page); pc; pc = pc_next(pc)) {
		for (unsigned int i = pc_idx(pc); i < NRPTE; i++) {
			if (pc->ptes[i] == paddr)
				return true;
		}
	}
	return false;
}

/* The chain's first entry (a page's identity for "check it once"). */
pte_t *pte_chain_first(struct machine *m, struct page *page)
{
	pte_addr_t paddr;

	if (!page->memcg_data)
		return NULL;
	paddr = PageDirect(page) ? page->memcg_data : page_chain(page)->ptes[pc_idx(page_chain(page))];
	return paddr_pte(m, paddr);
}
