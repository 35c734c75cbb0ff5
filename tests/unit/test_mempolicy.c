/*
 * test_mempolicy.c - NUMA memory policies on 2- and 4-node machines:
 * where faulted pages land under each mode (interleave round-robin by page
 * offset, weighted interleave by the sysfs weights, bind confined to its
 * nodes and failing when they are full, preferred falling back), policies
 * through split, merge, mremap and fork, shmem's shared policies, the NUMA
 * counters (vmstat, per-node numastat) adding up, /proc/PID/numa_maps and
 * the sysfs node files in Linux's formats, and the errno of bad calls
 * (checked on the host, Linux 6.18, with the same calls: tests/diff keeps
 * those that a one-node host can answer as differential sequences).
 */
#include "syscall_test.h"

#define MPOL_F_NODE_ADDR	(MMSIM_MPOL_F_NODE | MMSIM_MPOL_F_ADDR)
#define NODES(...)		((unsigned long)(__VA_ARGS__))

static int set_policy(struct st *st, int mode, unsigned long mask)
{
	return mmsim_set_mempolicy(st->m, st->pid, mode, &mask, 65);
}

static int mbind_pages(struct st *st, long n, long pages, int mode, unsigned long mask,
		       unsigned int flags)
{
	return mmsim_mbind(st->m, st->pid, A(n), (uint64_t)pages * PG, mode, &mask, 65, flags);
}

/* The node of the page at page n (get_mempolicy MPOL_F_NODE|MPOL_F_ADDR). */
static int node_of(struct st *st, long n)
{
	int node = -1;

	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &node, NULL, 0, A(n),
					     MPOL_F_NODE_ADDR), 0);
	return node;
}

static long vmstat_val(struct machine *m, const char *name)
{
	struct mmsim_counter c[512];
	size_t n = mmsim_vmstat(m, c, 512);

	for (size_t i = 0; i < n && i < 512; i++)
		if (!strcmp(c[i].name, name))
			return (long)c[i].value;
	fail_msg("no vmstat %s", name);
	return -1;
}

/* numa_maps' line for the VMA starting at page n, without the address. */
static char *numa_line(struct st *st, long n)
{
	static char out[512];
	char *text = pid_file(st, "numa_maps");
	char want[32];

	snprintf(want, sizeof(want), "%lx ", (unsigned long)A(n));
	out[0] = '\0';
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, want, strlen(want)))
			snprintf(out, sizeof(out), "%s", line + strlen(want));
	free(text);
	return out;
}

/* A numastat field of node nid. */
static long numastat(struct machine *m, int nid, const char *field)
{
	char path[96], *text, *p;
	long v = -1;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/numastat", nid);
	text = mmsim_proc_read(m, path, NULL);
	assert_non_null(text);
	p = strstr(text, field);
	if (p)
		v = strtol(p + strlen(field) + 1, NULL, 10);
	free(text);
	return v;
}

/* ---------------------------------------------------------------------- */

static void test_interleave_round_robin(void **state)
{
	struct st *st = st_new("mem=1G nodes=4 cpus=4");
	long il = vmstat_val(st->m, "numa_interleave");

	(void)state;
	assert_int_equal(set_policy(st, MMSIM_MPOL_INTERLEAVE, 0xf), 0);
	map_at(st, 0, 64, RW, ANON);
	assert_int_equal(touch(st, 0, 64, 1), 0);
	/* page offset in the VMA's object = its virtual page number: node = vpn % 4 */
	for (long n = 0; n < 64; n++)
		assert_int_equal(node_of(st, n), (int)((A(n) / PG) % 4));
	/* a VMA without a policy shows the task's */
	assert_string_equal(numa_line(st, 0),
			    "interleave:0-3 anon=64 dirty=64 active=0 N0=16 N1=16 N2=16 N3=16 "
			    "kernelpagesize_kB=4");
	/* every page on its node: 64 interleave hits */
	assert_int_equal(vmstat_val(st->m, "numa_interleave") - il, 64);
	/* a subset, through mbind: the VMA's policy wins over the task's */
	map_at(st, 100, 30, RW, ANON);
	assert_int_equal(mbind_pages(st, 100, 30, MMSIM_MPOL_INTERLEAVE, NODES(0x5), 0), 0);
	assert_int_equal(touch(st, 100, 30, 1), 0);
	for (long n = 100; n < 130; n++)
		assert_int_equal(node_of(st, n), (A(n) / PG) % 2 ? 2 : 0);
	assert_string_equal(numa_line(st, 100),
			    "interleave:0,2 anon=30 dirty=30 active=0 N0=15 N2=15 kernelpagesize_kB=4");
	st_free(st);
}

static void test_weighted_interleave(void **state)
{
	struct st *st = st_new("mem=512M nodes=2 cpus=2");
	const char *w0 = "/sys/kernel/mm/mempolicy/weighted_interleave/node0";
	char *text;
	int n0 = 0;

	(void)state;
	text = mmsim_proc_read(st->m, w0, NULL);
	assert_string_equal(text, "1\n");
	free(text);
	text = mmsim_proc_read(st->m, "/sys/kernel/mm/mempolicy/weighted_interleave/auto", NULL);
	assert_string_equal(text, "true\n");
	free(text);
	assert_int_equal(mmsim_sysfs_write(st->m, w0, "3\n"), 0);
	assert_int_equal(mmsim_sysfs_write(st->m, w0, "0"), -EINVAL);
	assert_int_equal(mmsim_sysfs_write(st->m, w0, "256"), -ERANGE);
	assert_int_equal(mmsim_sysfs_write(st->m, w0, "x"), -EINVAL);
	assert_int_equal(mmsim_sysfs_write(st->m, "/sys/kernel/mm/mempolicy/weighted_interleave/node7",
					   "1"), -ENOENT);
	assert_int_equal(mmsim_sysfs_write(st->m, "/sys/kernel/mm/mempolicy/weighted_interleave/auto",
					   "1"), -ENODEV);
	assert_int_equal(mmsim_sysfs_write(st->m, "/sys/devices/system/node/node0/numastat", "1"),
			 -EACCES);
	text = mmsim_proc_read(st->m, "/sys/kernel/mm/mempolicy/weighted_interleave/auto", NULL);
	assert_string_equal(text, "false\n");
	free(text);

	map_at(st, 0, 64, RW, ANON);
	assert_int_equal(mbind_pages(st, 0, 64, MMSIM_MPOL_WEIGHTED_INTERLEAVE, NODES(3), 0), 0);
	assert_int_equal(touch(st, 0, 64, 1), 0);
	/* slots of 4: three on node 0, one on node 1, by page offset */
	for (long n = 0; n < 64; n++) {
		int node = node_of(st, n);

		assert_int_equal(node, (A(n) / PG) % 4 < 3 ? 0 : 1);
		n0 += node == 0;
	}
	assert_int_equal(n0, 48);
	assert_string_equal(numa_line(st, 0), "weighted interleave:0-1 anon=64 dirty=64 active=0 "
			    "N0=48 N1=16 kernelpagesize_kB=4");
	st_free(st);
}

static void test_bind_confined(void **state)
{
	struct st *st = st_new("mem=128M nodes=4 cpus=4 zero_page=0");
	struct mmsim_fault f = { 0 };
	long pages = 0;
	int ret = 0;

	(void)state;
	assert_int_equal(set_policy(st, MMSIM_MPOL_BIND, NODES(1 << 2)), 0);
	map_at(st, 0, 10000, RW, ANON | MMSIM_MAP_NORESERVE);
	/* fill node 2 (32 MiB): every page there, until it is full */
	for (long n = 0; n < 10000 && !ret; n++) {
		ret = mmsim_touch(st->m, st->pid, A(n), PG, 1, &f);
		if (!ret) {
			assert_int_equal(node_of(st, n), 2);
			pages++;
		}
	}
	/* full: the allocation may not leave its nodes, the OOM verdict kills */
	assert_int_equal(ret, -ENOMEM);
	assert_int_equal(f.signo, 9);
	assert_true(pages > 6000 && pages < 8192);
	/* the other nodes kept their memory */
	assert_int_equal(numastat(st->m, 2, "numa_miss"), 0);
	assert_int_equal(numastat(st->m, 0, "numa_foreign"), 0);
	st_free(st);
}

static void test_preferred_falls_back(void **state)
{
	struct st *st = st_new("mem=128M nodes=4 cpus=4 zero_page=0");
	long miss = vmstat_val(st->m, "numa_miss"), pages = 0, elsewhere = 0;

	(void)state;
	assert_int_equal(set_policy(st, MMSIM_MPOL_PREFERRED, NODES(1 << 3)), 0);
	map_at(st, 0, 12000, RW, ANON | MMSIM_MAP_NORESERVE);
	for (long n = 0; n < 12000; n++) {
		int node;

		assert_int_equal(touch(st, n, 1, 1), 0);
		node = node_of(st, n);
		if (node != 3)
			elsewhere++;
		else
			assert_int_equal(elsewhere, 0);	/* node 3 first, until full */
		pages++;
	}
	assert_true(elsewhere > 0);
	/*
	 * each page not on node 3 is a miss (node 3 wanted) and a foreign
	 * allocation of node 3; so are the few page tables allocated on the
	 * task's CPU's node (node 3 too: cpu 3) once it was full
	 */
	miss = vmstat_val(st->m, "numa_miss") - miss;
	assert_true(miss >= elsewhere && miss <= elsewhere + 8);
	assert_int_equal(numastat(st->m, 3, "numa_foreign"), elsewhere);
	/* preferred_many: the set first, then anywhere */
	assert_int_equal(set_policy(st, MMSIM_MPOL_PREFERRED_MANY, NODES(3 << 2)), 0);
	map_at(st, 12100, 10, RW, ANON);
	assert_int_equal(touch(st, 12100, 10, 1), 0);
	for (long n = 12100; n < 12110; n++)
		assert_int_equal(node_of(st, n), 2);	/* node 3 is full */
	st_free(st);
}

static void test_local_default(void **state)
{
	struct st *st = st_new("mem=256M nodes=2 cpus=2");
	struct mmsim_task_info info;
	int mode = -1;
	unsigned long mask = 77;

	(void)state;
	assert_int_equal(mmsim_task_info(st->m, st->pid, &info), 0);
	map_at(st, 0, 8, RW, ANON);
	assert_int_equal(touch(st, 0, 8, 1), 0);
	/* cpus 0,1 on nodes 0,1: the default is the node of the task's CPU */
	for (long n = 0; n < 8; n++)
		assert_int_equal(node_of(st, n), info.cpu);
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, &mask, 64, 0, 0), 0);
	assert_int_equal(mode, MMSIM_MPOL_DEFAULT);
	assert_int_equal(mask, 0);
	assert_string_equal(numa_line(st, 0),
			    info.cpu ? "default anon=8 dirty=8 active=0 N1=8 kernelpagesize_kB=4"
				     : "default anon=8 dirty=8 active=0 N0=8 kernelpagesize_kB=4");
	st_free(st);
}

static void test_split_merge_fork(void **state)
{
	struct st *st = st_new("mem=256M nodes=2 cpus=2");
	int child, mode = -1;
	unsigned long mask = 0;
	char path[64], *text;

	(void)state;
	map_at(st, 0, 16, RW, ANON);
	assert_int_equal(mbind_pages(st, 0, 16, MMSIM_MPOL_INTERLEAVE, NODES(3), 0), 0);
	assert_layout(st, "[0,16) rw-p");
	/* mprotect splits: both sides keep the policy */
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(4), 4 * PG, MMSIM_PROT_READ), 0);
	assert_layout(st, "[0,4) rw-p [4,8) r--p [8,16) rw-p");
	assert_string_equal(numa_line(st, 0), "interleave:0-1");
	assert_string_equal(numa_line(st, 4), "interleave:0-1");
	assert_string_equal(numa_line(st, 8), "interleave:0-1");
	/* and they merge back when the flags agree again: equal policies */
	assert_int_equal(mmsim_mprotect(st->m, st->pid, A(4), 4 * PG, RW), 0);
	assert_layout(st, "[0,16) rw-p");
	/* different policies refuse to merge */
	assert_int_equal(mbind_pages(st, 8, 8, MMSIM_MPOL_BIND, NODES(1), 0), 0);
	assert_layout(st, "[0,8) rw-p [8,16) rw-p");
	assert_string_equal(numa_line(st, 8), "bind:0");
	/* a new mapping next to a policied one stays apart (its policy is NULL) */
	map_at(st, 16, 4, RW, ANON);
	assert_layout(st, "[0,8) rw-p [8,16) rw-p [16,20) rw-p");
	/* the same policy again joins all three */
	assert_int_equal(mbind_pages(st, 0, 20, MMSIM_MPOL_BIND, NODES(1), 0), 0);
	assert_layout(st, "[0,20) rw-p");
	/* home node on part of it splits (home_node is part of equality) */
	assert_int_equal(mmsim_set_mempolicy_home_node(st->m, st->pid, A(2), 2 * PG, 1, 0), 0);
	assert_layout(st, "[0,2) rw-p [2,4) rw-p [4,20) rw-p");

	/* fork: the child has copies of the VMA policies and the task policy */
	assert_int_equal(set_policy(st, MMSIM_MPOL_INTERLEAVE, NODES(3)), 0);
	assert_int_equal(touch(st, 0, 20, 1), 0);
	child = mmsim_fork(st->m, st->pid);
	assert_true(child > 0);
	assert_int_equal(mmsim_get_mempolicy(st->m, child, &mode, &mask, 64, 0, 0), 0);
	assert_int_equal(mode, MMSIM_MPOL_INTERLEAVE);
	assert_int_equal(mask, 3);
	snprintf(path, sizeof(path), "%d/numa_maps", child);
	text = mmsim_proc_read(st->m, path, NULL);
	{
		char want[160];

		snprintf(want, sizeof(want), "%lx bind:0 anon=20 dirty=20 mapmax=2 active=0 N0=20 "
			 "kernelpagesize_kB=4\n", (unsigned long)A(4));
		/* VMA [4,20): 16 pages; [0,2) and [2,4) are apart */
		snprintf(want, sizeof(want), "%lx bind:0 anon=16 dirty=16 mapmax=2 active=0 N0=16 "
			 "kernelpagesize_kB=4\n", (unsigned long)A(4));
		assert_non_null(strstr(text, want));
	}
	free(text);
	/* the parent changing its policy leaves the child's alone */
	assert_int_equal(set_policy(st, MMSIM_MPOL_DEFAULT, 0), 0);
	assert_int_equal(mmsim_get_mempolicy(st->m, child, &mode, &mask, 64, 0, 0), 0);
	assert_int_equal(mode, MMSIM_MPOL_INTERLEAVE);
	check_machine(st->m);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	/* mbind MPOL_DEFAULT over the whole range: everything merges again */
	assert_int_equal(mmsim_mbind(st->m, st->pid, A(0), 20 * PG, MMSIM_MPOL_DEFAULT, NULL, 0, 0),
			 0);
	assert_layout(st, "[0,20) rw-p");
	st_free(st);
}

static void test_mremap_keeps_policy(void **state)
{
	struct st *st = st_new("mem=256M nodes=2 cpus=2");

	(void)state;
	map_at(st, 0, 8, RW, ANON);
	assert_int_equal(mbind_pages(st, 0, 8, MMSIM_MPOL_BIND, NODES(2), 0), 0);
	assert_int_equal(touch(st, 0, 8, 1), 0);
	assert_int_equal(mmsim_mremap(st->m, st->pid, A(0), 8 * PG, 8 * PG,
				      MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_FIXED, A(100)),
			 (int64_t)A(100));
	assert_string_equal(numa_line(st, 100),
			    "bind:1 anon=8 dirty=8 active=0 N1=8 kernelpagesize_kB=4");
	st_free(st);
}

static void test_shared_policy(void **state)
{
	struct st *st = st_new("mem=256M nodes=2 cpus=2");
	int child;

	(void)state;
	map_at(st, 0, 16, RW, SHANON);
	assert_int_equal(mbind_pages(st, 0, 16, MMSIM_MPOL_BIND, NODES(2), 0), 0);
	child = mmsim_fork(st->m, st->pid);
	assert_true(child > 0);
	/* the child's faults follow the object's policy: all on node 1 */
	{
		struct mmsim_fault f;

		assert_int_equal(mmsim_touch(st->m, child, A(0), 16 * PG, 1, &f), 0);
	}
	for (long n = 0; n < 16; n++)
		assert_int_equal(node_of(st, n), 1);
	/* pages == dirty: no "mapped=" (numa_maps prints what adds something) */
	assert_string_equal(numa_line(st, 0), "bind:1 file=/dev/zero\\040(deleted) dirty=16 "
			    "mapmax=2 active=0 N1=16 kernelpagesize_kB=4");

	/* a policy set through one process's VMA is the object's, seen by all */
	map_at(st, 32, 16, RW, SHANON);
	assert_int_equal(set_policy(st, MMSIM_MPOL_BIND, NODES(2)), 0);
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	child = mmsim_fork(st->m, st->pid);
	assert_true(child > 0);
	assert_int_equal(mmsim_mbind(st->m, child, A(40), 8 * PG, MMSIM_MPOL_BIND,
				     (unsigned long[]){ 1 }, 65, 0), 0);
	/* the parent's own VMA has no policy: its task policy (node 1) for the rest */
	assert_int_equal(touch(st, 32, 16, 1), 0);
	for (long n = 32; n < 48; n++)
		assert_int_equal(node_of(st, n), n < 40 ? 1 : 0);
	/* numa_maps: no shared policy at the VMA's start, so the task's (bind:1) */
	assert_string_equal(numa_line(st, 32), "bind:1 file=/dev/zero\\040(deleted) dirty=16 "
			    "active=0 N0=8 N1=8 kernelpagesize_kB=4");
	assert_int_equal(mmsim_exit(st->m, child, 0), 0);
	st_free(st);
}

static void test_counters_add_up(void **state)
{
	struct st *st = st_new("mem=512M nodes=4 cpus=4");
	long hit = 0, miss = 0, foreign = 0, local = 0, other = 0, il = 0;

	(void)state;
	map_at(st, 0, 256, RW, ANON);
	assert_int_equal(mbind_pages(st, 0, 64, MMSIM_MPOL_INTERLEAVE, NODES(0xf), 0), 0);
	assert_int_equal(mbind_pages(st, 64, 64, MMSIM_MPOL_BIND, NODES(2), 0), 0);
	assert_int_equal(mbind_pages(st, 128, 64, MMSIM_MPOL_PREFERRED, NODES(8), 0), 0);
	assert_int_equal(touch(st, 0, 256, 1), 0);
	for (int nid = 0; nid < 4; nid++) {
		hit += numastat(st->m, nid, "numa_hit");
		miss += numastat(st->m, nid, "numa_miss");
		foreign += numastat(st->m, nid, "numa_foreign");
		local += numastat(st->m, nid, "local_node");
		other += numastat(st->m, nid, "other_node");
		il += numastat(st->m, nid, "interleave_hit");
	}
	assert_int_equal(hit, vmstat_val(st->m, "numa_hit"));
	assert_int_equal(miss, vmstat_val(st->m, "numa_miss"));
	assert_int_equal(foreign, vmstat_val(st->m, "numa_foreign"));
	assert_int_equal(il, vmstat_val(st->m, "numa_interleave"));
	/* a miss on one node is a foreign allocation on the node wanted */
	assert_int_equal(miss, foreign);
	/* every allocation is local or other, and a hit or a miss */
	assert_int_equal(hit + miss, local + other);
	assert_true(il >= 64);
	/* the remote pages of this run: those not on the CPU's node */
	assert_true(other >= 64 + 48);
	st_free(st);
}

static void test_numa_counter_deltas(void **state)
{
	struct st *st = st_new("mem=256M nodes=2 cpus=2");
	long h0, m0, a0;

	(void)state;
	map_at(st, 0, 64, RW, ANON);
	assert_int_equal(touch(st, 0, 1, 1), 0);	/* the page tables */
	h0 = vmstat_val(st->m, "numa_hit");
	m0 = vmstat_val(st->m, "numa_miss");
	a0 = vmstat_val(st->m, "pgalloc_dma32") + vmstat_val(st->m, "pgalloc_normal") +
	     vmstat_val(st->m, "pgalloc_movable") + vmstat_val(st->m, "pgalloc_dma");
	assert_int_equal(touch(st, 1, 63, 1), 0);
	/* order-0 user pages only: one NUMA event per page allocated */
	assert_int_equal(vmstat_val(st->m, "numa_hit") + vmstat_val(st->m, "numa_miss") - h0 - m0,
			 vmstat_val(st->m, "pgalloc_dma32") + vmstat_val(st->m, "pgalloc_normal") +
			 vmstat_val(st->m, "pgalloc_movable") + vmstat_val(st->m, "pgalloc_dma") - a0);
	assert_int_equal(vmstat_val(st->m, "numa_miss"), m0);
	st_free(st);
}

static void test_sysfs_files(void **state)
{
	struct machine *m = test_boot("mem=512M nodes=4 cpus=8 node_distance=10,20,30,40;20,10,20,30;"
				      "30,20,10,20;40,30,20,10");
	char *text;

	(void)state;
	text = mmsim_proc_read(m, "/sys/devices/system/node/node0/distance", NULL);
	assert_string_equal(text, "10 20 30 40\n");
	free(text);
	text = mmsim_proc_read(m, "/sys/devices/system/node/node2/distance", NULL);
	assert_string_equal(text, "30 20 10 20\n");
	free(text);
	text = mmsim_proc_read(m, "/sys/devices/system/node/online", NULL);
	assert_string_equal(text, "0-3\n");
	free(text);
	text = mmsim_proc_read(m, "/sys/devices/system/node/node1/cpulist", NULL);
	assert_string_equal(text, "2-3\n");
	free(text);
	text = mmsim_proc_read(m, "/sys/devices/system/node/node3/numastat", NULL);
	assert_non_null(text);
	{
		long a, b, c, d, e, f;

		assert_int_equal(sscanf(text, "numa_hit %ld\nnuma_miss %ld\nnuma_foreign %ld\n"
					"interleave_hit %ld\nlocal_node %ld\nother_node %ld\n",
					&a, &b, &c, &d, &e, &f), 6);
	}
	free(text);
	text = mmsim_proc_read(m, "/sys/devices/system/node/node1/meminfo", NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "Node 1 MemTotal:       "));
	assert_non_null(strstr(text, "Node 1 HugePages_Free:      0\n"));
	free(text);
	assert_null(mmsim_proc_read(m, "/sys/devices/system/node/node4/numastat", NULL));
	assert_null(mmsim_proc_read(m, "/sys/devices/system/node/node01/numastat", NULL));
	/* zonelists by distance: node 0's fallback order is 1, 2, 3 */
	{
		struct zonelist *zl = &NODE_DATA(m, 0)->node_zonelists[0];
		int last = 0, order[8], n = 0;

		for (struct zoneref *z = zl->_zonerefs; z->zone; z++)
			if (zone_to_nid(z->zone) != last || !n) {
				last = zone_to_nid(z->zone);
				order[n++] = last;
			}
		assert_int_equal(n, 4);
		assert_int_equal(order[1], 1);
		assert_int_equal(order[2], 2);
		assert_int_equal(order[3], 3);
	}
	check_machine(m);
	mmsim_shutdown(m);
	assert_non_null(strstr(test_boot_error("nodes=2 node_distance=10,20;20,12"),
			       "--node-distance: node 1 to 1 is 12"));
	assert_non_null(strstr(test_boot_error("nodes=2 node_distance=10,20,20"),
			       "--node-distance: 3 values in 1 rows for 2 nodes"));
	assert_non_null(strstr(test_boot_error("nodes=2 node_distance=10"), "11-254"));
}

static void test_errno(void **state)
{
	struct st *st = st_new("mem=256M nodes=2 cpus=2");
	unsigned long big[40] = { 0 }, out[8];
	int mode;

	(void)state;
	/* set_mempolicy */
	assert_int_equal(set_policy(st, 7, 1), -EINVAL);
	assert_int_equal(set_policy(st, MMSIM_MPOL_BIND | MMSIM_MPOL_F_STATIC_NODES |
				    MMSIM_MPOL_F_RELATIVE_NODES, 1), -EINVAL);
	assert_int_equal(set_policy(st, MMSIM_MPOL_INTERLEAVE | MMSIM_MPOL_F_NUMA_BALANCING, 1),
			 -EINVAL);
	assert_int_equal(set_policy(st, MMSIM_MPOL_BIND | MMSIM_MPOL_F_NUMA_BALANCING, 1), 0);
	assert_int_equal(set_policy(st, MMSIM_MPOL_BIND, 0), -EINVAL);
	assert_int_equal(set_policy(st, MMSIM_MPOL_BIND, 1 << 5), -EINVAL);	/* no node 5 */
	assert_int_equal(set_policy(st, MMSIM_MPOL_BIND, 1 << 5 | 1), 0);	/* 5 ignored */
	assert_int_equal(set_policy(st, MMSIM_MPOL_DEFAULT, 1), -EINVAL);
	assert_int_equal(set_policy(st, MMSIM_MPOL_LOCAL, 1), -EINVAL);
	assert_int_equal(set_policy(st, MMSIM_MPOL_PREFERRED | MMSIM_MPOL_F_STATIC_NODES, 0),
			 -EINVAL);
	assert_int_equal(set_policy(st, MMSIM_MPOL_PREFERRED, 0), 0);	/* local */
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, NULL, 0, 0, 0), 0);
	assert_int_equal(mode, MMSIM_MPOL_LOCAL);
	big[1050 / 64] = 1UL << (1050 % 64);
	big[0] = 1;
	assert_int_equal(mmsim_set_mempolicy(st->m, st->pid, MMSIM_MPOL_BIND, big, 2000), -EINVAL);
	big[1050 / 64] = 0;
	big[1023 / 64] = 1UL << (1023 % 64);
	assert_int_equal(mmsim_set_mempolicy(st->m, st->pid, MMSIM_MPOL_BIND, big, 2000), 0);
	assert_int_equal(mmsim_set_mempolicy(st->m, st->pid, MMSIM_MPOL_BIND, big, 40000), -EINVAL);
	/* static nodes keep the user's mask; get_mempolicy shows nr_node_ids bits of it */
	assert_int_equal(mmsim_set_mempolicy(st->m, st->pid, MMSIM_MPOL_BIND |
					     MMSIM_MPOL_F_STATIC_NODES, big, 2000), 0);
	memset(out, 0xff, sizeof(out));
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, out, 200, 0, 0), 0);
	assert_int_equal(mode, MMSIM_MPOL_BIND | MMSIM_MPOL_F_STATIC_NODES);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[3], 0);
	assert_int_equal(out[4], ~0UL);
	/* get_mempolicy */
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, NULL, 0, 0, 8), -EINVAL);
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, out, 1, 0, 0), -EINVAL);
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, NULL, 0, A(0), 0), -EINVAL);
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, NULL, 0, A(0),
					     MMSIM_MPOL_F_ADDR), -EFAULT);
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, NULL, 0, 0,
					     MMSIM_MPOL_F_MEMS_ALLOWED | MMSIM_MPOL_F_NODE), -EINVAL);
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, out, 64, 0,
					     MMSIM_MPOL_F_MEMS_ALLOWED), 0);
	assert_int_equal(mode, 0);
	assert_int_equal(out[0], 3);
	assert_int_equal(set_policy(st, MMSIM_MPOL_DEFAULT, 0), 0);
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, NULL, 0, 0, MMSIM_MPOL_F_NODE),
			 -EINVAL);
	assert_int_equal(set_policy(st, MMSIM_MPOL_INTERLEAVE, 3), 0);
	assert_int_equal(mmsim_get_mempolicy(st->m, st->pid, &mode, NULL, 0, 0, MMSIM_MPOL_F_NODE),
			 0);
	assert_int_equal(mode, 0);
	assert_int_equal(set_policy(st, MMSIM_MPOL_DEFAULT, 0), 0);

	/* mbind */
	map_at(st, 0, 16, RW, ANON);
	assert_int_equal(mmsim_mbind(st->m, st->pid, A(0) + 1, PG, MMSIM_MPOL_BIND,
				     (unsigned long[]){ 1 }, 65, 0), -EINVAL);
	assert_int_equal(mbind_pages(st, 0, 0, MMSIM_MPOL_BIND, 1, 0), 0);
	assert_int_equal(mbind_pages(st, -2, 1, MMSIM_MPOL_BIND, 1, 0), -EFAULT);
	assert_int_equal(mbind_pages(st, -1, 2, MMSIM_MPOL_BIND, 1, 0), -EFAULT);
	assert_int_equal(mbind_pages(st, 15, 2, MMSIM_MPOL_BIND, 1, 0), -EFAULT);
	assert_int_equal(mbind_pages(st, -2, 1, MMSIM_MPOL_DEFAULT, 0, 0), -EFAULT);
	assert_int_equal(mmsim_mbind(st->m, st->pid, A(-1), 2 * PG, MMSIM_MPOL_DEFAULT, NULL, 0, 0),
			 0);
	assert_int_equal(mbind_pages(st, 0, 1, MMSIM_MPOL_BIND, 1, 8), -EINVAL);
	assert_int_equal(mbind_pages(st, 0, 1, MMSIM_MPOL_BIND, 1, MMSIM_MPOL_MF_MOVE_ALL), -EPERM);
	assert_int_equal(mbind_pages(st, 0, 1, MMSIM_MPOL_BIND, 1 << 2, 0), -EINVAL);
	/* STRICT: a page off the mask fails with EIO; in place it is fine */
	assert_int_equal(mbind_pages(st, 0, 4, MMSIM_MPOL_BIND, 1, 0), 0);
	assert_int_equal(touch(st, 0, 4, 1), 0);
	assert_int_equal(mbind_pages(st, 0, 4, MMSIM_MPOL_BIND, 1, MMSIM_MPOL_MF_STRICT), 0);
	assert_int_equal(mbind_pages(st, 0, 4, MMSIM_MPOL_BIND, 2, MMSIM_MPOL_MF_STRICT), -EIO);
	assert_int_equal(mbind_pages(st, 0, 4, MMSIM_MPOL_PREFERRED, 0, MMSIM_MPOL_MF_STRICT),
			 -EIO);
	assert_int_equal(mbind_pages(st, 0, 4, MMSIM_MPOL_BIND, 2, 0), 0);	/* no check */
	/* set_mempolicy_home_node */
	assert_int_equal(mmsim_set_mempolicy_home_node(st->m, st->pid, A(8), PG, 0, 0), -ENOENT);
	assert_int_equal(mmsim_set_mempolicy_home_node(st->m, st->pid, A(0), PG, 2, 0), -EINVAL);
	assert_int_equal(mmsim_set_mempolicy_home_node(st->m, st->pid, A(0), PG, 0, 1), -EINVAL);
	assert_int_equal(mmsim_set_mempolicy_home_node(st->m, st->pid, A(0) + 1, PG, 0, 0), -EINVAL);
	assert_int_equal(mbind_pages(st, 8, 2, MMSIM_MPOL_INTERLEAVE, 3, 0), 0);
	assert_int_equal(mmsim_set_mempolicy_home_node(st->m, st->pid, A(8), PG, 0, 0),
			 -EOPNOTSUPP);
	assert_int_equal(mmsim_set_mempolicy_home_node(st->m, st->pid, A(0), PG, 1, 0), 0);
	assert_int_equal(mmsim_set_mempolicy(st->m, 99999, 0, NULL, 0), -ESRCH);
	st_free(st);
}

/* Random mbind/mmap/munmap/mprotect/fork/touch, the validators after every step. */
static void test_random_consistent(void **state)
{
	struct st *st = st_new("mem=256M nodes=4 cpus=4");
	static const int modes[] = { MMSIM_MPOL_DEFAULT, MMSIM_MPOL_BIND, MMSIM_MPOL_PREFERRED,
				     MMSIM_MPOL_INTERLEAVE, MMSIM_MPOL_WEIGHTED_INTERLEAVE,
				     MMSIM_MPOL_PREFERRED_MANY, MMSIM_MPOL_LOCAL };
	int pids[4] = { st->pid }, npids = 1;
	uint64_t rng = 12345;

	(void)state;
	map_at(st, 0, 256, RW, ANON);
	for (int step = 0; step < 600; step++) {
		int pid, mode;
		long n, len;
		unsigned long mask;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		pid = pids[rng % (unsigned)npids];
		n = (long)((rng >> 8) % 256);
		len = 1 + (long)((rng >> 20) % 32);
		mode = modes[(rng >> 32) % 7];
		mask = (rng >> 40) & 0xf;
		if (mode == MMSIM_MPOL_DEFAULT || mode == MMSIM_MPOL_LOCAL)
			mask = 0;
		switch ((rng >> 48) % 8) {
		case 0:
		case 1:
			mmsim_mbind(st->m, pid, A(n), (uint64_t)len * PG, mode, &mask, 65,
				    (rng >> 56) & 1);
			break;
		case 2:
			mmsim_touch(st->m, pid, A(n), (uint64_t)len * PG, 1, &(struct mmsim_fault){ 0 });
			break;
		case 3:
			mmsim_mprotect(st->m, pid, A(n), (uint64_t)len * PG,
				       (rng >> 56) & 1 ? RW : MMSIM_PROT_READ);
			break;
		case 4:
			mmsim_munmap(st->m, pid, A(n), (uint64_t)len * PG);
			mmsim_mmap(st->m, pid, A(n), (uint64_t)len * PG, RW,
				   ((rng >> 56) & 1 ? SHANON : ANON) | MMSIM_MAP_FIXED, -1, 0);
			break;
		case 5:
			mmsim_set_mempolicy(st->m, pid, mode, &mask, 65);
			break;
		case 6:
			if (npids < 4) {
				int c = mmsim_fork(st->m, pid);

				if (c > 0)
					pids[npids++] = c;
			} else {
				mmsim_exit(st->m, pids[--npids], 0);
			}
			break;
		default:
			mmsim_set_mempolicy_home_node(st->m, pid, A(n), (uint64_t)len * PG,
						      (rng >> 56) & 3, 0);
			break;
		}
		if (step % 10 == 0)
			check_machine(st->m);
	}
	for (int i = 0; i < npids; i++) {
		char path[64], *text;

		snprintf(path, sizeof(path), "%d/numa_maps", pids[i]);
		text = mmsim_proc_read(st->m, path, NULL);
		assert_non_null(text);
		free(text);
	}
	st_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interleave_round_robin),
		cmocka_unit_test(test_weighted_interleave),
		cmocka_unit_test(test_bind_confined),
		cmocka_unit_test(test_preferred_falls_back),
		cmocka_unit_test(test_local_default),
		cmocka_unit_test(test_split_merge_fork),
		cmocka_unit_test(test_mremap_keeps_policy),
		cmocka_unit_test(test_shared_policy),
		cmocka_unit_test(test_counters_add_up),
		cmocka_unit_test(test_numa_counter_deltas),
		cmocka_unit_test(test_sysfs_files),
		cmocka_unit_test(test_errno),
		cmocka_unit_test(test_random_consistent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
