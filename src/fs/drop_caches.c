/*
 * drop_caches.c - vm.drop_caches (fs/drop_caches.c): write 1 to drop the
 * clean page cache, 2 to reclaim slab objects (dentries, inodes), 3 for
 * both; bit 4 silences the log line from then on.
 *
 * Page cache: the inode owner's drop_pagecache_sb hook invalidates the
 * clean, unmapped pages of every inode (invalidate_mapping_pages); dirty,
 * mapped and shmem pages stay, as on Linux. Slab: drop_slab, i.e. every
 * shrinker at priority 0 until a round frees little. Each action counts in
 * vmstat (drop_pagecache, drop_slab), and the write is logged as Linux
 * logs it, "COMM (PID): drop_caches: N". The writer is the machine's
 * driver (the C API, Lua's m:sysctl, --sysctl), which is no simulated
 * process: it is logged as "mmsim (0)".
 *
 * The file is write-only (mode 0200): reading it is EACCES (sysctl.c).
 *
 * Invariants: bit 1 and bit 2 each run their drop and count their vmstat
 * event once per write; drop_caches_stfu, once set by a write with bit 4,
 * is never cleared, and that write itself is still logged. The handler
 * always returns 0.
 */
#include "mm.h"
#include "dcache.h"
#include "swap.h"

int drop_caches_sysctl_handler(struct machine *m)
{
	struct dcache_state *dc = &m->dcache;
	int flags = m->sysctl.drop_caches;

	if (flags & 1) {
		lru_add_drain_all(m);
		if (dc->drop_pagecache_sb)
			dc->drop_pagecache_sb(m);
		count_vm_event(m, DROP_PAGECACHE);
	}
	if (flags & 2) {
		drop_slab(m);
		count_vm_event(m, DROP_SLAB);
	}
	if (!dc->drop_caches_stfu)
		pr_info(m, "%s (%d): drop_caches: %d", "mmsim", 0, flags);
	dc->drop_caches_stfu |= flags & 4;
	return 0;
}
