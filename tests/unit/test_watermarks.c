/*
 * test_watermarks.c - min_free_kbytes, min/low/high/promo, lowmem_reserve
 * and totalreserve against Linux 6.x's formulas, computed here on their
 * own from each zone's managed pages, for machines from 64 MiB to 16 GiB
 * with 1-4 nodes, THP on and off, and after sysctl writes. The oracle is
 * first checked against the host kernel's own /proc/zoneinfo figures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"

#define NZ MAX_NR_ZONES

struct oracle_zone {
	bool exists, populated, movable, normal_or_below;
	unsigned long managed;
	unsigned long wmark[NR_WMARK];
	long reserve[NZ];
};

struct oracle {
	int nr_nodes;
	struct oracle_zone z[MAX_NUMNODES][NZ];
	long min_free_kbytes;
	int wsf;
	int ratio[NZ];
};

static unsigned long isqrt(unsigned long x)
{
	unsigned long r = (unsigned long)sqrtl((long double)x);

	while (r * r > x)
		r--;
	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

static unsigned long o_free_buffer_pages(const struct oracle *o)
{
	unsigned long sum = 0;

	for (int n = 0; n < o->nr_nodes; n++)
		for (int i = 0; i < NZ; i++) {
			const struct oracle_zone *z = &o->z[n][i];

			if (z->populated && z->normal_or_below && z->managed > z->wmark[WMARK_HIGH])
				sum += z->managed - z->wmark[WMARK_HIGH];
		}
	return sum;
}

static void o_wmarks(struct oracle *o)
{
	unsigned long pages_min = (unsigned long)o->min_free_kbytes / 4, lowmem = 0;

	for (int n = 0; n < o->nr_nodes; n++)
		for (int i = 0; i < NZ; i++)
			if (o->z[n][i].exists && !o->z[n][i].movable && i != ZONE_HIGHMEM)
				lowmem += o->z[n][i].managed;
	for (int n = 0; n < o->nr_nodes; n++)
		for (int i = 0; i < NZ; i++) {
			struct oracle_zone *z = &o->z[n][i];
			unsigned long tmp = pages_min * z->managed / lowmem, delta;
			unsigned long scaled = z->managed * (unsigned long)o->wsf / 10000;

			if (!z->exists)
				continue;
			if (z->movable || i == ZONE_HIGHMEM) {
				unsigned long mp = z->managed / 1024;

				z->wmark[WMARK_MIN] = mp < 32 ? 32 : mp > 128 ? 128 : mp;
			} else {
				z->wmark[WMARK_MIN] = tmp;
			}
			delta = tmp / 4 > scaled ? tmp / 4 : scaled;
			z->wmark[WMARK_LOW] = z->wmark[WMARK_MIN] + delta;
			z->wmark[WMARK_HIGH] = z->wmark[WMARK_LOW] + delta;
			z->wmark[WMARK_PROMO] = z->wmark[WMARK_HIGH] + delta;
		}
}

static void o_reserve(struct oracle *o)
{
	for (int n = 0; n < o->nr_nodes; n++)
		for (int i = 0; i < NZ - 1; i++) {
			unsigned long managed = 0;
			bool clear = !o->ratio[i] || !o->z[n][i].managed;

			for (int j = i + 1; j < NZ; j++) {
				managed += o->z[n][j].managed;
				o->z[n][i].reserve[j] = clear ? 0 : (long)(managed / (unsigned long)o->ratio[i]);
			}
		}
}

static unsigned long o_totalreserve(const struct oracle *o)
{
	unsigned long total = 0;

	for (int n = 0; n < o->nr_nodes; n++)
		for (int i = 0; i < NZ; i++) {
			const struct oracle_zone *z = &o->z[n][i];
			long max = 0;

			for (int j = i; j < NZ; j++)
				if (z->reserve[j] > max)
					max = z->reserve[j];
			max += (long)z->wmark[WMARK_HIGH];
			total += (unsigned long)(max > (long)z->managed ? (long)z->managed : max);
		}
	return total;
}

/* Linux's boot: sqrt rule, then khugepaged's recommendation when THP is on. */
static void o_boot(struct oracle *o, bool thp)
{
	unsigned long nfb = o_free_buffer_pages(o), kb = nfb * 4, nz = 0, rec;
	long new_min = (long)isqrt(kb * 16);

	o->min_free_kbytes = new_min < 128 ? 128 : new_min > 262144 ? 262144 : new_min;
	o_wmarks(o);
	o_reserve(o);
	if (!thp)
		return;
	for (int n = 0; n < o->nr_nodes; n++)
		for (int i = 0; i < NZ; i++)
			nz += o->z[n][i].populated && o->z[n][i].normal_or_below;
	rec = 512 * nz * 2 + 512 * nz * 3 * 3;
	if (rec > o_free_buffer_pages(o) / 20)
		rec = o_free_buffer_pages(o) / 20;
	rec *= 4;
	if ((long)rec > o->min_free_kbytes)
		o->min_free_kbytes = (long)rec;
	o_wmarks(o);
}

static void oracle_from_machine(struct oracle *o, struct machine *m)
{
	memset(o, 0, sizeof(*o));
	o->nr_nodes = m->nr_nodes;
	o->wsf = m->sysctl.watermark_scale_factor;
	memcpy(o->ratio, m->sysctl.lowmem_reserve_ratio, sizeof(o->ratio));
	for (int n = 0; n < m->nr_nodes; n++)
		for (int i = 0; i < NZ; i++) {
			struct zone *z = &NODE_DATA(m, n)->node_zones[i];
			struct oracle_zone *oz = &o->z[n][i];

			oz->exists = arch_has_zone(m, (enum zone_type)i);
			oz->populated = populated_zone(z);
			oz->movable = i == ZONE_MOVABLE;
			oz->normal_or_below = i <= ZONE_NORMAL;
			oz->managed = zone_managed_pages(z);
		}
}

static void compare(struct machine *m, struct oracle *o, const char *what)
{
	assert_int_equal(m->sysctl.min_free_kbytes, o->min_free_kbytes);
	for (int n = 0; n < m->nr_nodes; n++)
		for (int i = 0; i < NZ; i++) {
			struct zone *z = &NODE_DATA(m, n)->node_zones[i];

			for (int w = 0; w < NR_WMARK; w++) {
				if (z->_watermark[w] != o->z[n][i].wmark[w])
					fail_msg("%s: node %d zone %d wmark %d: %lu, Linux %lu", what,
						 n, i, w, z->_watermark[w], o->z[n][i].wmark[w]);
			}
			for (int j = 0; j < NZ; j++)
				assert_int_equal(z->lowmem_reserve[j], o->z[n][i].reserve[j]);
		}
	assert_int_equal(m->totalreserve_pages, o_totalreserve(o));
}

static void check_config(const char *opts, bool thp)
{
	struct machine *m = test_boot(opts);
	struct oracle o;

	oracle_from_machine(&o, m);
	o_boot(&o, thp);
	compare(m, &o, opts);
	print_message("%-36s min_free_kbytes %ld totalreserve %lu\n", opts,
		      o.min_free_kbytes, o_totalreserve(&o));
	mmsim_shutdown(m);
}

static void test_sizes_and_nodes(void **state)
{
	static const char *const sizes[] = { "64M", "256M", "1G", "4G", "16G" };
	char opts[128];

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
		for (int nodes = 1; nodes <= 4; nodes++) {
			if (!strcmp(sizes[s], "64M") && nodes > 2)
				continue;	/* too small for 4 nodes' data */
			snprintf(opts, sizeof(opts), "mem=%s nodes=%d cpus=4", sizes[s], nodes);
			check_config(opts, true);
			snprintf(opts, sizeof(opts), "mem=%s nodes=%d cpus=2 thp=never", sizes[s], nodes);
			check_config(opts, false);
		}
}

static void test_movable_zone(void **state)
{
	(void)state;
	check_config("mem=4G nodes=1 cpus=2 movablecore=1G", true);
}

/* Three populated zones and THP on: khugepaged's 67584 kB, as the host has. */
static void test_host_min_free_kbytes(void **state)
{
	struct machine *m = test_boot("mem=8G nodes=1 cpus=2 thp=madvise");

	(void)state;
	assert_int_equal(m->sysctl.min_free_kbytes, 67584);
	mmsim_shutdown(m);
}

/* The oracle itself reproduces the host kernel's zoneinfo. */
static void test_oracle_matches_host(void **state)
{
	const char *paths[] = { "/proc/zoneinfo", "/tmp/hostproc/zoneinfo" };
	FILE *f = NULL;
	char line[512], zname[32];
	struct oracle o;
	int node = -1, zi = -1, checked = 0;
	long mfk = 0;
	FILE *s = fopen("/proc/sys/vm/min_free_kbytes", "r");
	static const char *names[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device" };
	unsigned long host[MAX_NUMNODES][NZ][NR_WMARK];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(paths) && !f; i++)
		f = fopen(paths[i], "r");
	if (!f || !s || fscanf(s, "%ld", &mfk) != 1) {
		if (f)
			fclose(f);
		if (s)
			fclose(s);
		skip();
	}
	fclose(s);
	memset(&o, 0, sizeof(o));
	memset(host, 0, sizeof(host));
	o.wsf = 10;
	o.ratio[ZONE_DMA] = 256;
	o.ratio[ZONE_DMA32] = 256;
	o.ratio[ZONE_NORMAL] = 32;
	while (fgets(line, sizeof(line), f)) {
		unsigned long v;

		if (sscanf(line, "Node %d, zone %31s", &node, zname) == 2) {
			zi = -1;
			for (int i = 0; i < NZ; i++)
				if (!strcmp(zname, names[i]))
					zi = i;
			if (zi >= 0) {
				o.z[node][zi].exists = true;
				o.z[node][zi].movable = zi == ZONE_MOVABLE;
				o.z[node][zi].normal_or_below = zi <= ZONE_NORMAL;
			}
			if (node + 1 > o.nr_nodes)
				o.nr_nodes = node + 1;
			continue;
		}
		if (zi < 0)
			continue;
		if (sscanf(line, " managed %lu", &v) == 1) {
			o.z[node][zi].managed = v;
			o.z[node][zi].populated = v != 0;
		}
		if (sscanf(line, " min %lu", &v) == 1)
			host[node][zi][WMARK_MIN] = v;
		if (sscanf(line, " low %lu", &v) == 1)
			host[node][zi][WMARK_LOW] = v;
		if (sscanf(line, " high %lu", &v) == 1)
			host[node][zi][WMARK_HIGH] = v;
		if (sscanf(line, " promo %lu", &v) == 1)
			host[node][zi][WMARK_PROMO] = v;
	}
	fclose(f);
	o.min_free_kbytes = mfk;
	o_wmarks(&o);
	for (int n = 0; n < o.nr_nodes; n++)
		for (int i = 0; i < NZ; i++) {
			if (!o.z[n][i].exists || i == ZONE_DEVICE)
				continue;
			for (int w = 0; w < NR_WMARK; w++)
				assert_int_equal(o.z[n][i].wmark[w], host[n][i][w]);
			checked++;
		}
	assert_true(checked > 0);
	print_message("host: %d zones' watermarks match the oracle at min_free_kbytes %ld\n",
		      checked, mfk);
}

/* Sysctl writes recompute everything the way Linux's handlers do. */
static void test_sysctl_recompute(void **state)
{
	struct machine *m = test_boot("mem=2G nodes=2 cpus=4");
	struct oracle o;

	(void)state;
	assert_int_equal(mmsim_sysctl_set(m, "vm.watermark_scale_factor", "200", NULL, 0), 0);
	oracle_from_machine(&o, m);
	o.min_free_kbytes = m->sysctl.min_free_kbytes;
	o_wmarks(&o);
	o_reserve(&o);
	compare(m, &o, "watermark_scale_factor=200");
	assert_int_equal(mmsim_sysctl_set(m, "vm.min_free_kbytes", "40000", NULL, 0), 0);
	o.min_free_kbytes = 40000;
	o_wmarks(&o);
	compare(m, &o, "min_free_kbytes=40000");
	assert_int_equal(mmsim_sysctl_set(m, "vm.lowmem_reserve_ratio", "128 128 16 0 0", NULL, 0),
			 0);
	oracle_from_machine(&o, m);
	o.min_free_kbytes = 40000;
	o_wmarks(&o);
	o_reserve(&o);
	compare(m, &o, "lowmem_reserve_ratio");
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_normal_threshold(void **state)
{
	struct machine *m = test_boot("mem=4G nodes=1 cpus=4");
	struct zone *z = &NODE_DATA(m, 0)->node_zones[ZONE_DMA32];
	int mem = (int)(zone_managed_pages(z) >> 15);
	int want = 2 * fls(4) * (1 + fls((unsigned int)mem));

	(void)state;
	assert_int_equal(calculate_normal_threshold(m, z), want > 125 ? 125 : want);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_matches_host),
		cmocka_unit_test(test_host_min_free_kbytes),
		cmocka_unit_test(test_sizes_and_nodes),
		cmocka_unit_test(test_movable_zone),
		cmocka_unit_test(test_sysctl_recompute),
		cmocka_unit_test(test_normal_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
