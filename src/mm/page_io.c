/*
 * page_io.c - swap I/O (Linux's mm/page_io.c): a slot is page offset *
 * 4 KiB of the device's host file, written with pwrite and read with
 * pread, synchronously (the simulated clock prices the fault, not the
 * host's disk).
 *
 * As in Linux 6.12+, a folio that is all zeros is not written: the slot's
 * bit in the device's zeromap says so (swpout_zero), and a read of such a
 * slot clears the folio instead (swpin_zero); neither counts pswpout/in.
 * In metadata-only mode pages hold no data: nothing is read or written,
 * the counters move as if it were.
 *
 * Counters: pswpout/pswpin per page, pgpgout/pgpgin in KiB (what
 * /proc/vmstat shows; Linux counts sectors and halves them there).
 *
 * Errors: fault injection (the "swap_write"/"swap_read" kinds of
 * mmsim_fail_nth) or a host error. A failed write leaves the folio dirty in
 * the swap cache and logs Linux's "Write-error on swap-device" line; a
 * failed read leaves the folio !uptodate for the caller to drop (swapin
 * answers SIGBUS to the faulting task only).
 *
 * Invariants: both paths are entered with the folio in the swap cache (a
 * read also with it !uptodate). Every swap_writepage sets or clears the
 * slot's zeromap bit, so the bit says how the slot was last written;
 * PG_writeback is set only around the host write. pswpout/pgpgout and
 * pswpin/pgpgin move only when the I/O succeeded; a read marks the folio
 * uptodate only then.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "swap_internal.h"

#define SECTORS_PER_PAGE	(PAGE_SIZE >> 9)
#define SWAP_DEV_MAJOR		8	/* /dev/sda, the disk the swap file is on */
#define SWAP_DEV_MINOR		1

static bool is_folio_zero_filled(struct machine *m, struct page *folio)
{
	const unsigned long *p = page_address(m, folio);

	for (size_t i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		if (p[i])
			return false;
	return true;
}

int swap_write_host(struct machine *m, struct page *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);
	struct swap_info_struct *si = swp_swap_info(m, entry);
	off_t pos = (off_t)swp_offset(entry) << PAGE_SHIFT;

	if (should_fail_alloc(m, FAIL_SWAP_WRITE))
		return -EIO;
	if (m->cfg.metadata_only)
		return 0;
	return pwrite(si->fd, page_address(m, folio), PAGE_SIZE, pos) == (ssize_t)PAGE_SIZE ?
	       0 : -EIO;
}

int swap_writepage(struct machine *m, struct page *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);
	struct swap_info_struct *si = swp_swap_info(m, entry);
	unsigned long off = swp_offset(entry);
	int ret;

	VM_BUG_ON_PAGE(!folio_test_swapcache(folio) || !si, m, folio);
	ClearPageDirty(folio);	/* folio_clear_dirty_for_io */
	if (!m->cfg.metadata_only && is_folio_zero_filled(m, folio)) {
		swap_zeromap_set(si, off, true);
		count_vm_event(m, SWPOUT_ZERO);
		return 0;
	}
	swap_zeromap_set(si, off, false);
	SetPageWriteback(folio);
	ret = swap_write_host(m, folio);
	ClearPageWriteback(folio);
	if (ret) {
		SetPageDirty(folio);
		ClearPageReclaim(folio);
		pr_err(m, "Write-error on swap-device (%u:%u:%llu)", SWAP_DEV_MAJOR, SWAP_DEV_MINOR,
		       (unsigned long long)off * SECTORS_PER_PAGE);
		folio_free_swap(m, folio);	/* only if nothing refers to the slot yet */
		return ret;
	}
	count_vm_event(m, PSWPOUT);
	count_vm_events(m, PGPGOUT, PAGE_SIZE >> 10);
	return 0;
}

int swap_read_folio(struct machine *m, struct page *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);
	struct swap_info_struct *si = swp_swap_info(m, entry);
	unsigned long off = swp_offset(entry);
	off_t pos = (off_t)off << PAGE_SHIFT;

	VM_BUG_ON_PAGE(!folio_test_swapcache(folio) || !si || PageUptodate(folio), m, folio);
	if (swap_zeromap_test(si, off)) {
		if (!m->cfg.metadata_only)
			memset(page_address(m, folio), 0, PAGE_SIZE);
		SetPageUptodate(folio);
		count_vm_event(m, SWPIN_ZERO);
		return 0;
	}
	if (should_fail_alloc(m, FAIL_SWAP_READ))
		return -EIO;
	if (!m->cfg.metadata_only &&
	    pread(si->fd, page_address(m, folio), PAGE_SIZE, pos) != (ssize_t)PAGE_SIZE)
		return -EIO;
	SetPageUptodate(folio);
	count_vm_event(m, PSWPIN);
	count_vm_events(m, PGPGIN, PAGE_SIZE >> 10);
	return 0;
}
