/*
 * vmstat.h - the counter enums, generated from vmstat_items.h so names and
 * numbers cannot drift apart. The update helpers (mod_zone_page_state and
 * friends) are in mm.h, where the machine is known.
 */
#ifndef MMSIM_VMSTAT_H
#define MMSIM_VMSTAT_H

enum zone_stat_item {
#define VMSTAT_ZONE(e, s) e,
#include "vmstat_items.h"
#undef VMSTAT_ZONE
	NR_VM_ZONE_STAT_ITEMS
};

enum numa_stat_item {
#define VMSTAT_NUMA(e, s) e,
#include "vmstat_items.h"
#undef VMSTAT_NUMA
	NR_VM_NUMA_EVENT_ITEMS
};

enum node_stat_item {
#define VMSTAT_NODE(e, s) e,
#include "vmstat_items.h"
#undef VMSTAT_NODE
	NR_VM_NODE_STAT_ITEMS
};

enum vm_event_item {
#define VMSTAT_EVENT(e, s) e,
#include "vmstat_items.h"
#undef VMSTAT_EVENT
	NR_VM_EVENT_ITEMS
};

extern const char *const zone_stat_name[NR_VM_ZONE_STAT_ITEMS];
extern const char *const numa_stat_name[NR_VM_NUMA_EVENT_ITEMS];
extern const char *const node_stat_name[NR_VM_NODE_STAT_ITEMS];
extern const char *const vm_event_name[NR_VM_EVENT_ITEMS];

/* Node items kept in bytes (printed in pages). */
static inline int vmstat_item_in_bytes(int idx)
{
	return idx == NR_SLAB_RECLAIMABLE_B || idx == NR_SLAB_UNRECLAIMABLE_B;
}

#endif
