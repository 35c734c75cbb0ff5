/*
 * node.c - the NUMA files of sysfs (Linux 6.18's drivers/base/node.c and
 * the weighted-interleave group of mm/mempolicy.c), read and written
 * through mmsim_proc_read()/mmsim_sysfs_write() by their /sys paths:
 *
 *   /sys/devices/system/node/{online,possible,has_memory,has_normal_memory,has_cpu}
 *   /sys/devices/system/node/nodeN/{numastat,distance,meminfo,cpulist}
 *   /sys/kernel/mm/mempolicy/weighted_interleave/{nodeN,auto}   (writable)
 *
 * Texts are Linux's byte for byte: numastat's six "name value" lines (the
 * node's zones' NUMA events summed), distance's row of the SLIT, meminfo's
 * "Node N Name:   value kB" lines, node lists as "%*pbl" ranges ("0-3").
 * Nothing is cached; each read formats the machine's state as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hugetlb.h"
#include "khugepaged.h"
#include "mempolicy.h"
#include "seq_buf.h"
#include "sysfs.h"

#define NODE_DIR	"devices/system/node/"
#define WI_DIR		"kernel/mm/mempolicy/weighted_interleave/"
#define HUGETLB_DIR	"kernel/mm/hugepages/"	/* hugetlb: mm/hugetlb.c serves these */
#define THP_DIR		"kernel/mm/transparent_hugepage/"	/* THP: mm/khugepaged.c serves these */

typedef bool (*has_fn)(const struct machine *m, int i, int arg);

/* "%*pbl" of a bitmap given as a predicate over 0..n-1. */
static void print_list(struct seq_buf *s, int n, has_fn has, const struct machine *m, int arg)
{
	bool first = true;

	for (int i = 0; i < n; i++) {
		int last = i;

		if (!has(m, i, arg))
			continue;
		while (last + 1 < n && has(m, last + 1, arg))
			last++;
		seq_printf(s, "%s%d", first ? "" : ",", i);
		if (last > i)
			seq_printf(s, "-%d", last);
		first = false;
		i = last;
	}
	seq_putc(s, '\n');
}

static bool node_online(const struct machine *m, int nid, int arg)
{
	(void)arg;
	return nid < m->nr_nodes;
}

static bool node_memory(const struct machine *m, int nid, int arg)
{
	(void)arg;
	return nid < m->nr_nodes && NODE_DATA(m, nid)->node_present_pages;
}

static bool node_normal_memory(const struct machine *m, int nid, int arg)
{
	const pg_data_t *pgdat = NODE_DATA(m, nid);

	(void)arg;
	for (int z = 0; z <= ZONE_NORMAL; z++)
		if (populated_zone(&pgdat->node_zones[z]))
			return true;
	return false;
}

static bool node_cpu(const struct machine *m, int nid, int arg)
{
	(void)arg;
	for (int c = 0; c < m->nr_cpus; c++)
		if (m->cpu_to_node[c] == nid)
			return true;
	return false;
}

/* One node's CPUs ("cpulist"): here the predicate runs over CPUs. */
static bool cpu_on_node(const struct machine *m, int cpu, int nid)
{
	return m->cpu_to_node[cpu] == nid;
}

static long node_numa_event(const struct machine *m, int nid, enum numa_stat_item i)
{
	const pg_data_t *pgdat = NODE_DATA(m, nid);
	long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += pgdat->node_zones[z].vm_numa_event[i];
	return sum;
}

static void node_read_numastat(const struct machine *m, int nid, struct seq_buf *s)
{
	seq_printf(s, "numa_hit %ld\nnuma_miss %ld\nnuma_foreign %ld\ninterleave_hit %ld\n"
		      "local_node %ld\nother_node %ld\n",
		   node_numa_event(m, nid, NUMA_HIT), node_numa_event(m, nid, NUMA_MISS),
		   node_numa_event(m, nid, NUMA_FOREIGN), node_numa_event(m, nid, NUMA_INTERLEAVE),
		   node_numa_event(m, nid, NUMA_LOCAL), node_numa_event(m, nid, NUMA_OTHER));
}

static void node_read_distance(const struct machine *m, int nid, struct seq_buf *s)
{
	for (int i = 0; i < m->nr_nodes; i++)
		seq_printf(s, "%s%d", i ? " " : "", m->node_distance[nid][i]);
	seq_putc(s, '\n');
}

static unsigned long node_zone_sum(const pg_data_t *pgdat, enum zone_stat_item i)
{
	long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += pgdat->node_zones[z].vm_stat[i];
	return sum > 0 ? (unsigned long)sum : 0;
}

static unsigned long node_pages(const pg_data_t *pgdat, enum node_stat_item i)
{
	long v = pgdat->vm_stat[i];

	if (vmstat_item_in_bytes(i))
		v >>= PAGE_SHIFT;
	return v > 0 ? (unsigned long)v : 0;
}

static void node_kb(struct seq_buf *s, int nid, const char *name, unsigned long pages)
{
	seq_printf(s, "Node %d %-16s%8lu kB\n", nid, name, pages << (PAGE_SHIFT - 10));
}

/* node_read_meminfo (no highmem on x86-64, hugetlb pools empty). */
static void node_read_meminfo(const struct machine *m, int nid, struct seq_buf *s)
{
	const pg_data_t *pgdat = NODE_DATA(m, nid);
	unsigned long total = 0, free = node_zone_sum(pgdat, NR_FREE_PAGES);
	unsigned long sreclaimable = node_pages(pgdat, NR_SLAB_RECLAIMABLE_B);
	unsigned long sunreclaimable = node_pages(pgdat, NR_SLAB_UNRECLAIMABLE_B);
	unsigned long active_anon = node_pages(pgdat, NR_ACTIVE_ANON);
	unsigned long inactive_anon = node_pages(pgdat, NR_INACTIVE_ANON);
	unsigned long active_file = node_pages(pgdat, NR_ACTIVE_FILE);
	unsigned long inactive_file = node_pages(pgdat, NR_INACTIVE_FILE);

	for (int z = 0; z < MAX_NR_ZONES; z++)
		total += zone_managed_pages(&pgdat->node_zones[z]);
	node_kb(s, nid, "MemTotal:", total);
	node_kb(s, nid, "MemFree:", free);
	node_kb(s, nid, "MemUsed:", total - free);
	node_kb(s, nid, "SwapCached:", node_pages(pgdat, NR_SWAPCACHE));
	node_kb(s, nid, "Active:", active_anon + active_file);
	node_kb(s, nid, "Inactive:", inactive_anon + inactive_file);
	node_kb(s, nid, "Active(anon):", active_anon);
	node_kb(s, nid, "Inactive(anon):", inactive_anon);
	node_kb(s, nid, "Active(file):", active_file);
	node_kb(s, nid, "Inactive(file):", inactive_file);
	node_kb(s, nid, "Unevictable:", node_pages(pgdat, NR_UNEVICTABLE));
	node_kb(s, nid, "Mlocked:", node_zone_sum(pgdat, NR_MLOCK));
	node_kb(s, nid, "Dirty:", node_pages(pgdat, NR_DIRTY));
	node_kb(s, nid, "Writeback:", node_pages(pgdat, NR_WRITEBACK));
	node_kb(s, nid, "FilePages:", node_pages(pgdat, NR_FILE_PAGES));
	node_kb(s, nid, "Mapped:", node_pages(pgdat, NR_FILE_MAPPED));
	node_kb(s, nid, "AnonPages:", node_pages(pgdat, NR_ANON_PAGES));
	node_kb(s, nid, "Shmem:", node_pages(pgdat, NR_SHMEM));
	/* kept in kB */
	seq_printf(s, "Node %d %-16s%8lu kB\n", nid, "KernelStack:",
		   node_pages(pgdat, NR_KERNEL_STACK_KB));
	node_kb(s, nid, "PageTables:", node_pages(pgdat, NR_PAGETABLE));
	node_kb(s, nid, "SecPageTables:", node_pages(pgdat, NR_SECONDARY_PAGETABLE));
	node_kb(s, nid, "NFS_Unstable:", 0);
	node_kb(s, nid, "Bounce:", 0);
	node_kb(s, nid, "WritebackTmp:", 0);
	node_kb(s, nid, "KReclaimable:",
		sreclaimable + node_pages(pgdat, NR_KERNEL_MISC_RECLAIMABLE));
	node_kb(s, nid, "Slab:", sreclaimable + sunreclaimable);
	node_kb(s, nid, "SReclaimable:", sreclaimable);
	node_kb(s, nid, "SUnreclaim:", sunreclaimable);
	node_kb(s, nid, "AnonHugePages:", node_pages(pgdat, NR_ANON_THPS));
	node_kb(s, nid, "ShmemHugePages:", node_pages(pgdat, NR_SHMEM_THPS));
	node_kb(s, nid, "ShmemPmdMapped:", node_pages(pgdat, NR_SHMEM_PMDMAPPED));
	node_kb(s, nid, "FileHugePages:", node_pages(pgdat, NR_FILE_THPS));
	node_kb(s, nid, "FilePmdMapped:", node_pages(pgdat, NR_FILE_PMDMAPPED));
	hugetlb_report_node_meminfo(m, nid, s);
}

/* "nodeN/FILE": N, and FILE in *file; -1 if not such a path. */
static int parse_node_path(const char *path, const char **file)
{
	char *end;
	long nid;

	if (strncmp(path, "node", 4) || path[4] < '0' || path[4] > '9')
		return -1;
	nid = strtol(path + 4, &end, 10);
	if (*end != '/' || nid >= MAX_NUMNODES || (path[4] == '0' && end != path + 5))
		return -1;
	*file = end + 1;
	return (int)nid;
}

static int read_node_dir(struct machine *m, const char *path, struct seq_buf *s)
{
	static const struct {
		const char *name;
		has_fn has;
	} lists[] = {
		{ "possible", node_online }, { "online", node_online },
		{ "has_memory", node_memory }, { "has_normal_memory", node_normal_memory },
		{ "has_cpu", node_cpu },
	};
	const char *file;
	int nid;

	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if (!strcmp(path, lists[i].name)) {
			print_list(s, m->nr_nodes, lists[i].has, m, 0);
			return 0;
		}
	nid = parse_node_path(path, &file);
	if (nid < 0 || nid >= m->nr_nodes)
		return -ENOENT;
	if (!strcmp(file, "numastat"))
		node_read_numastat(m, nid, s);
	else if (!strcmp(file, "distance"))
		node_read_distance(m, nid, s);
	else if (!strcmp(file, "meminfo"))
		node_read_meminfo(m, nid, s);
	else if (!strcmp(file, "cpulist"))
		print_list(s, m->nr_cpus, cpu_on_node, m, nid);
	else
		return -ENOENT;
	return 0;
}

/* "nodeN" of a node with memory (the group lists only those). */
static int wi_node(const struct machine *m, const char *name)
{
	char *end;
	long nid;

	if (strncmp(name, "node", 4) || name[4] < '0' || name[4] > '9')
		return -1;
	nid = strtol(name + 4, &end, 10);
	if (*end || nid >= m->nr_nodes || (name[4] == '0' && end != name + 5) ||
	    !NODE_DATA(m, nid)->node_present_pages)
		return -1;
	return (int)nid;
}

static int read_wi_dir(struct machine *m, const char *name, struct seq_buf *s)
{
	int nid;

	if (!strcmp(name, "auto")) {
		seq_puts(s, m->wi_manual ? "false\n" : "true\n");
		return 0;
	}
	nid = wi_node(m, name);
	if (nid < 0)
		return -ENOENT;
	seq_printf(s, "%d\n", get_il_weight(m, nid));
	return 0;
}

/* "/sys/..." or "sys/devices/...", "sys/kernel/mm/...": the part after "sys/". */
static const char *sysfs_rel(const char *path)
{
	if (!strncmp(path, "/sys/", 5))
		return path + 5;
	if (!strncmp(path, "sys/" NODE_DIR, 4 + strlen(NODE_DIR)) ||
	    !strncmp(path, "sys/" WI_DIR, 4 + strlen(WI_DIR)) ||
	    !strncmp(path, "sys/" HUGETLB_DIR, 4 + strlen(HUGETLB_DIR)) ||
	    !strncmp(path, "sys/" THP_DIR, 4 + strlen(THP_DIR)))
		return path + 4;
	return NULL;
}

/* hugetlb: the pools' files (mm/hugetlb.c), global and per node. */
static bool hugetlb_file(const char *rel)
{
	return !strncmp(rel, HUGETLB_DIR, strlen(HUGETLB_DIR)) ||
	       (!strncmp(rel, NODE_DIR, strlen(NODE_DIR)) && strstr(rel, "/hugepages/"));
}

bool sysfs_path(const char *path)
{
	return path && sysfs_rel(path);
}

char *sysfs_read(struct machine *m, const char *path, size_t *len)
{
	const char *rel = sysfs_rel(path);
	struct seq_buf s;
	int ret = -ENOENT;

	seq_init(&s);
	if (rel && hugetlb_file(rel))
		ret = hugetlb_sysfs_read(m, path, &s);
	else if (rel && !strncmp(rel, NODE_DIR, strlen(NODE_DIR)))
		ret = read_node_dir(m, rel + strlen(NODE_DIR), &s);
	else if (rel && !strncmp(rel, WI_DIR, strlen(WI_DIR)))
		ret = read_wi_dir(m, rel + strlen(WI_DIR), &s);
	else if (rel && !strncmp(rel, THP_DIR, strlen(THP_DIR)))	/* THP */
		ret = thp_sysfs_read(m, rel + strlen(THP_DIR), &s);
	if (ret) {
		seq_free(&s);
		errno = -ret;
		return NULL;
	}
	return seq_detach(&s, len);
}

/* An existing read-only file is -EACCES to write (mode 0444); others -ENOENT. */
int sysfs_read_only(struct machine *m, const char *path)
{
	size_t len;
	char *text = sysfs_read(m, path, &len);

	if (!text)
		return -ENOENT;
	free(text);
	return -EACCES;
}

int sysfs_write(struct machine *m, const char *path, const char *value)
{
	const char *rel = sysfs_rel(path);
	int nid;

	if (!rel || !value)
		return -ENOENT;
	if (hugetlb_file(rel))
		return hugetlb_sysfs_write(m, path, value);
	if (!strncmp(rel, THP_DIR, strlen(THP_DIR)))	/* THP */
		return thp_sysfs_write(m, rel + strlen(THP_DIR), value);
	if (!strncmp(rel, NODE_DIR, strlen(NODE_DIR)))
		return sysfs_read_only(m, path);
	if (strncmp(rel, WI_DIR, strlen(WI_DIR)))
		return -ENOENT;
	rel += strlen(WI_DIR);
	if (!strcmp(rel, "auto"))
		return mempolicy_set_il_auto(m, value);
	nid = wi_node(m, rel);
	if (nid < 0)
		return -ENOENT;
	return mempolicy_set_il_weight(m, nid, value);
}

