/*
 * test_proc.c - the machine-wide /proc views: shape against the host's own
 * Linux 6.18 files, and values against the machine's structures.
 *
 * Shape: our text and the host's are compared line by line after pairing
 * lines of the same kind (the same meminfo field, the same zone, ...).
 * Two lines match when their texts agree outside the numbers (runs of
 * spaces squeezed) and every number sits where the host's format puts it:
 * at the same start column (left-aligned "%-12s %lu"), the same end column
 * (right-aligned "%6lu"), or wider than the host's field (an overflow, as
 * printf does). Shape checks run only where the host's file is readable
 * and the host runs Linux 6.18 (our reference); otherwise they are skipped
 * with a printed note.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"

/* Machines from 64 MiB to 1 TiB with 1..4 nodes. */
static const char *const machines[] = {
	"mem=64M nodes=1 cpus=2",
	"mem=256M nodes=2 cpus=4",
	"mem=4G nodes=1 cpus=2",
	"mem=4G nodes=3 cpus=3",
	"mem=64G nodes=4 cpus=4 metadata_only=1",
	"mem=1T nodes=1 cpus=2 metadata_only=1",
	"mem=1T nodes=2 cpus=2 metadata_only=1",
};

/* The host's /proc/NAME, or NULL with a note when it cannot serve as reference. */
static char *read_host(const char *name)
{
	char path[64], *buf;

	if (!host_is_reference()) {
		printf("note: host kernel is not 6.18; /proc/%s shape check skipped\n", name);
		return NULL;
	}
	snprintf(path, sizeof(path), "/proc/%s", name);
	buf = read_text_file(path);
	if (!buf)
		printf("note: %s unreadable (%s); shape check skipped\n", path, strerror(errno));
	return buf;
}

/* ---- the shape comparator ---- */

struct seg {
	char text[256];		/* text before the number (squeezed later) */
	int tlen;		/* its length in columns */
	int digits;		/* 0 for the trailing text */
};

static bool is_number_start(const char *line, const char *p)
{
	return isdigit((unsigned char)*p) &&
	       (p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '-'));
}

static int segments(const char *line, struct seg *out, int max)
{
	const char *p = line, *t = line;
	int n = 0;

	while (*p && n < max - 1) {
		if (!is_number_start(line, p)) {
			p++;
			continue;
		}
		out[n].tlen = (int)(p - t);
		snprintf(out[n].text, sizeof(out[n].text), "%.*s", out[n].tlen, t);
		while (isdigit((unsigned char)*p))
			p++;
		out[n].digits = (int)(p - t) - out[n].tlen;
		t = p;
		n++;
	}
	out[n].tlen = (int)strlen(t);
	snprintf(out[n].text, sizeof(out[n].text), "%s", t);
	out[n].digits = 0;
	return n + 1;
}

static void squeeze(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == ' ' && w > s && w[-1] == ' ')
			continue;
		*w++ = *r;
	}
	*w = '\0';
}

static bool number_fits(const struct seg *o, const struct seg *h)
{
	return o->tlen == h->tlen ||				/* left-aligned */
	       o->tlen + o->digits == h->tlen + h->digits ||	/* right-aligned */
	       (o->tlen + o->digits > h->tlen + h->digits && o->tlen <= h->tlen);
}

/* Our line against the host's; fails the test naming both. */
static void check_shape(const char *file, const char *ours, const char *host)
{
	static struct seg o[128], h[128];
	char mine[1024];
	int no, nh;

	/* ">100000" marks a capped count: compare it as the number alone. */
	snprintf(mine, sizeof(mine), "%s", ours);
	for (char *q = strchr(mine, '>'); q; q = strchr(q, '>'))
		memmove(q, q + 1, strlen(q));
	no = segments(mine, o, 128);
	nh = segments(host, h, 128);
	if (no != nh)
		fail_msg("%s: '%s' has %d fields, host '%s' has %d", file, ours, no, host, nh);
	for (int i = 0; i < no; i++) {
		bool last = i == no - 1;

		if (last ? strcmp(o[i].text, h[i].text) != 0 : !number_fits(&o[i], &h[i]))
			fail_msg("%s: '%s' vs host '%s' (field %d)", file, ours, host, i);
		squeeze(o[i].text);
		squeeze(h[i].text);
		if (strcmp(o[i].text, h[i].text))
			fail_msg("%s: '%s' vs host '%s' (text '%s' vs '%s')", file, ours,
				 host, o[i].text, h[i].text);
	}
}

/* ---- per-file shape checks ---- */

static void shape_in_order(const char *file, const char *ours)
{
	char *host = read_host(file);
	struct lines a, b;

	if (!host)
		return;
	a = split_lines(ours);
	b = split_lines(host);
	assert_int_equal(a.n, b.n);
	for (int i = 0; i < a.n; i++)
		check_shape(file, a.v[i], b.v[i]);
	free_lines(&a);
	free_lines(&b);
	free(host);
}

/* The zone name of a "Node N, zone NAME..." line, or "" for other lines. */
static void line_zone(const char *line, char *zone, size_t len)
{
	int nid;
	char z[32] = "";

	zone[0] = '\0';
	if (sscanf(line, "Node %d, zone %31[^ ,]", &nid, z) == 2)
		snprintf(zone, len, "%s", z);
}

/* buddyinfo and pagetypeinfo: pair lines by zone (and type), or by text. */
static const char *find_host_line(const struct lines *h, const char *ours, int *from)
{
	char zo[32], zh[32];
	const char *to = strstr(ours, "type"), *th;

	line_zone(ours, zo, sizeof(zo));
	for (int i = 0; i < h->n; i++) {
		line_zone(h->v[i], zh, sizeof(zh));
		th = strstr(h->v[i], "type");
		if (!zo[0]) {
			if (i >= *from && !strcmp(h->v[i], ours)) {
				*from = i;
				return h->v[i];
			}
			continue;
		}
		if (strcmp(zo, zh) || !to != !th || (to && strcmp(to, th)))
			continue;
		return h->v[i];
	}
	/* Per-node files (pagetypeinfo) repeat their header for every node. */
	for (int i = 0; !zo[0] && i < h->n; i++)
		if (!strcmp(h->v[i], ours))
			return h->v[i];
	return NULL;
}

static void shape_by_zone(const char *file, const char *ours)
{
	char *host = read_host(file);
	struct lines a, b;
	int from = 0;

	if (!host)
		return;
	a = split_lines(ours);
	b = split_lines(host);
	for (int i = 0; i < a.n; i++) {
		const char *hl = find_host_line(&b, a.v[i], &from);
		char z[32];

		line_zone(a.v[i], z, sizeof(z));
		if (hl)
			check_shape(file, a.v[i], hl);
		else if (!z[0])
			fail_msg("%s: line '%s' is not in the host's file", file, a.v[i]);
		else
			printf("note: %s: host has no zone %s to compare with\n", file, z);
	}
	free_lines(&a);
	free_lines(&b);
	free(host);
}

/* zoneinfo: blocks per zone; pagesets kept for cpu 0 only. */
struct zblock {
	char zone[32];
	bool node_stats, populated;
	struct lines l;		/* lines of this block only (v points into a parent) */
};

static int zone_blocks(struct lines *all, struct zblock *out, int max)
{
	int n = 0;
	bool skip = false;

	for (int i = 0; i < all->n; i++) {
		char *line = all->v[i];
		int cpu;

		if (!strncmp(line, "Node ", 5) && n < max) {
			struct zblock *b = &out[n++];

			memset(b, 0, sizeof(*b));
			line_zone(line, b->zone, sizeof(b->zone));
			b->l.v = malloc(sizeof(char *) * (size_t)all->n);
			skip = false;
		}
		if (!n)
			continue;
		if (sscanf(line, "    cpu: %d", &cpu) == 1)
			skip = cpu != 0;
		else if (strncmp(line, "              ", 14) && strncmp(line, "  vm stats", 10))
			skip = false;
		if (!strcmp(line, "  per-node stats"))
			out[n - 1].node_stats = true;
		if (!strcmp(line, "  pagesets"))
			out[n - 1].populated = true;
		if (!skip)
			out[n - 1].l.v[out[n - 1].l.n++] = line;
		if (skip && !strncmp(line, "  vm stats", 10))
			skip = false;
	}
	return n;
}

static const struct zblock *match_block(const struct zblock *hb, int nh,
					const struct zblock *b, bool *same_zone)
{
	const struct zblock *kind = NULL;

	for (int i = 0; i < nh; i++) {
		if (hb[i].node_stats != b->node_stats || hb[i].populated != b->populated)
			continue;
		if (!strcmp(hb[i].zone, b->zone)) {
			*same_zone = true;
			return &hb[i];
		}
		if (!kind)
			kind = &hb[i];
	}
	*same_zone = false;
	return kind;
}

static void shape_zoneinfo(const char *ours)
{
	static struct zblock ob[64], hb[64];
	char *host = read_host("zoneinfo");
	struct lines a, b;
	int no, nh;

	if (!host)
		return;
	a = split_lines(ours);
	b = split_lines(host);
	no = zone_blocks(&a, ob, 64);
	nh = zone_blocks(&b, hb, 64);
	for (int i = 0; i < no; i++) {
		bool same;
		const struct zblock *h = match_block(hb, nh, &ob[i], &same);

		if (!h) {
			printf("note: zoneinfo: host has no zone block like %s\n", ob[i].zone);
			continue;
		}
		assert_int_equal(ob[i].l.n, h->l.n);
		for (int j = same ? 0 : 1; j < ob[i].l.n; j++)
			check_shape("zoneinfo", ob[i].l.v[j], h->l.v[j]);
	}
	for (int i = 0; i < no; i++)
		free(ob[i].l.v);
	for (int i = 0; i < nh; i++)
		free(hb[i].l.v);
	free_lines(&a);
	free_lines(&b);
	free(host);
}

static void shape_slabinfo(const char *ours)
{
	char *host = read_host("slabinfo");
	struct lines a, b;
	const char *ref = NULL;

	if (!host)
		return;
	a = split_lines(ours);
	b = split_lines(host);
	assert_true(a.n >= 2 && b.n >= 2);
	assert_string_equal(a.v[0], b.v[0]);
	assert_string_equal(a.v[1], b.v[1]);
	for (int i = 2; i < b.n; i++)
		if (!strncmp(b.v[i], "kmalloc-8 ", 10))
			ref = b.v[i];
	assert_non_null(ref);
	for (int i = 2; i < a.n; i++) {
		size_t name = strcspn(a.v[i], " ");

		/* "%-17s": compare what follows the name column. */
		check_shape("slabinfo", a.v[i] + (name < 17 ? 17 : name), ref + 17);
	}
	free_lines(&a);
	free_lines(&b);
	free(host);
}

/* ---- value checks ---- */

static unsigned long meminfo_kb(const char *text, const char *field)
{
	const char *p = strstr(text, field);
	unsigned long v;

	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(field), " %lu", &v), 1);
	return v;
}

static struct zone *zone_by_name(struct machine *m, int nid, const char *name)
{
	struct zone *zone;
	int n, zi;

	for_each_zone(m, zone, n, zi)
		if (n == nid && !strcmp(zone->name, name))
			return zone;
	return NULL;
}

static void check_meminfo_values(struct machine *m, const char *text)
{
	unsigned long managed = 0;
	struct zone *zone;
	int nid, zi;

	for_each_zone(m, zone, nid, zi)
		managed += zone_managed_pages(zone);
	assert_int_equal(meminfo_kb(text, "MemTotal:"), managed * 4);
	assert_int_equal(meminfo_kb(text, "MemTotal:"), m->totalram_pages * 4);
	assert_int_equal(meminfo_kb(text, "MemFree:"), test_free_pages(m) * 4);
	assert_int_equal(meminfo_kb(text, "Slab:"),
			 meminfo_kb(text, "SReclaimable:") + meminfo_kb(text, "SUnreclaim:"));
	assert_int_equal(meminfo_kb(text, "Percpu:"), m->pcpu.nr_pages * 4);
	assert_int_equal(meminfo_kb(text, "CommitLimit:"), m->totalram_pages / 2 * 4);
	assert_int_equal(meminfo_kb(text, "VmallocTotal:"), 34359738367UL);
}

/* buddyinfo rows: sum of count << order is the zone's NR_FREE_PAGES. */
static void check_buddyinfo_values(struct machine *m, const char *text)
{
	struct lines l = split_lines(text);

	for (int i = 0; i < l.n; i++) {
		char name[32];
		int nid, off;
		unsigned long sum = 0, c;
		const char *p;
		struct zone *zone;

		assert_int_equal(sscanf(l.v[i], "Node %d, zone %31s%n", &nid, name, &off), 2);
		zone = zone_by_name(m, nid, name);
		assert_non_null(zone);
		p = l.v[i] + off;
		for (int o = 0; o < NR_PAGE_ORDERS; o++, p += off) {
			assert_int_equal(sscanf(p, " %lu%n", &c, &off), 1);
			assert_int_equal(c, zone->free_area[o].nr_free);
			sum += c << o;
		}
		assert_int_equal(sum, zone_page_state(zone, NR_FREE_PAGES));
	}
	free_lines(&l);
}

/* pagetypeinfo: per zone and order, the types add up to nr_free (no caps). */
static void check_pagetypeinfo_values(struct machine *m, const char *text)
{
	struct lines l = split_lines(text);
	unsigned long sum[MAX_NUMNODES][MAX_NR_ZONES][NR_PAGE_ORDERS] = { 0 };
	bool capped[MAX_NUMNODES][MAX_NR_ZONES] = { 0 };
	unsigned long blocks[MAX_NUMNODES][MAX_NR_ZONES] = { 0 };
	struct zone *zone;
	int nid, zi;

	for (int i = 0; i < l.n; i++) {
		char name[32], type[32];
		int n, off;
		const char *p;
		struct zone *z;

		if (sscanf(l.v[i], "Node %d, zone %31[^,], type %31s%n", &n, name, type, &off) == 3) {
			z = zone_by_name(m, n, name + strspn(name, " "));
			assert_non_null(z);
			capped[n][z->idx] |= strchr(l.v[i], '>') != NULL;
			p = l.v[i] + off;
			for (int o = 0; o < NR_PAGE_ORDERS; o++) {
				unsigned long c;

				p += strspn(p, " >");
				assert_int_equal(sscanf(p, "%lu%n", &c, &off), 1);
				sum[n][z->idx][o] += c;
				p += off;
			}
		} else if (sscanf(l.v[i], "Node %d, zone %31s%n", &n, name, &off) == 2) {
			unsigned long c;

			z = zone_by_name(m, n, name);
			assert_non_null(z);
			for (p = l.v[i] + off; sscanf(p, " %lu%n", &c, &off) == 1; p += off)
				blocks[n][z->idx] += c;
		}
	}
	for_each_zone(m, zone, nid, zi) {
		if (!populated_zone(zone))
			continue;
		for (int o = 0; o < NR_PAGE_ORDERS && !capped[nid][zi]; o++)
			assert_int_equal(sum[nid][zi][o], zone->free_area[o].nr_free);
		/* Every pageblock that starts in the zone with memory is counted once. */
		assert_true(blocks[nid][zi] >= zone->present_pages / pageblock_nr_pages);
		assert_true(blocks[nid][zi] <= DIV_ROUND_UP(zone->spanned_pages, pageblock_nr_pages));
	}
	free_lines(&l);
}

static void check_zoneinfo_values(struct machine *m, const char *text)
{
	struct lines l = split_lines(text);
	struct zone *zone = NULL;

	for (int i = 0; i < l.n; i++) {
		char name[32];
		int nid;
		unsigned long v;

		if (sscanf(l.v[i], "Node %d, zone %31s", &nid, name) == 2) {
			zone = zone_by_name(m, nid, name);
			assert_non_null(zone);
		} else if (sscanf(l.v[i], "        min %lu", &v) == 1) {
			assert_int_equal(v, zone->_watermark[WMARK_MIN] + zone->watermark_boost);
		} else if (sscanf(l.v[i], "        low %lu", &v) == 1) {
			assert_int_equal(v, zone->_watermark[WMARK_LOW] + zone->watermark_boost);
		} else if (sscanf(l.v[i], "        high %lu", &v) == 1) {
			assert_int_equal(v, zone->_watermark[WMARK_HIGH] + zone->watermark_boost);
		} else if (sscanf(l.v[i], "        managed %lu", &v) == 1) {
			assert_int_equal(v, zone_managed_pages(zone));
		}
	}
	free_lines(&l);
}

static void check_slabinfo_values(const char *text)
{
	static const char *const need[] = {
		"kmem_cache ", "kmem_cache_node ", "kmalloc-8 ", "kmalloc-16 ",
		"kmalloc-32 ", "kmalloc-64 ", "kmalloc-96 ", "kmalloc-128 ",
		"kmalloc-192 ", "kmalloc-256 ", "kmalloc-512 ", "kmalloc-1k ",
		"kmalloc-2k ", "kmalloc-4k ", "kmalloc-8k ",
	};
	char key[64];

	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		snprintf(key, sizeof(key), "\n%s", need[i]);
		if (!strstr(text, key))
			fail_msg("slabinfo has no line for %s", need[i]);
	}
	/* The cache of caches is the oldest: Linux lists it last. */
	assert_non_null(strstr(text, "\nkmem_cache "));
	assert_null(strstr(strstr(text, "\nkmem_cache ") + 1, "\n"
			   "kmalloc-8 "));
}

static void check_vmstat_values(struct machine *m, const char *text)
{
	struct lines l = split_lines(text);
	size_t n = mmsim_vmstat(m, NULL, 0);
	struct mmsim_counter *c = calloc(n, sizeof(*c));

	assert_int_equal(mmsim_vmstat(m, c, n), n);
	assert_int_equal((size_t)l.n, n);
	for (size_t i = 0; i < n; i++) {
		char want[128];

		snprintf(want, sizeof(want), "%s %llu", c[i].name, (unsigned long long)c[i].value);
		assert_string_equal(l.v[i], want);
	}
	assert_int_equal(strncmp(l.v[0], "nr_free_pages ", 14), 0);
	assert_string_equal(l.v[n - 1], "pte_chain_bytes 0");
	assert_int_equal((unsigned long)c[0].value, test_free_pages(m));
	free(c);
	free_lines(&l);
}

/* ---- tests ---- */

/*
 * vmstat ends with mmsim's own lines after nr_unstable (the rmap's work
 * and objects): check they are all there, in order, then cut them off.
 */
static void split_mmsim_tail(char *vmstat)
{
	static const char *const own[] = {
		"rmap_walk ", "rmap_walk_vma ", "rmap_walk_pte ", "rmap_walk_pgtable ",
		"nr_anon_vma ", "nr_anon_vma_chain ", "nr_pte_chain ", "pte_chain_bytes ",
	};
	char *tail = strstr(vmstat, "\nnr_unstable 0\n");

	assert_non_null(tail);
	tail += strlen("\nnr_unstable 0\n");
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		assert_true(!strncmp(tail, own[i], strlen(own[i])));
		tail = strchr(tail, '\n') + 1;
	}
	assert_int_equal(*tail, '\0');
	*strstr(vmstat, "\nnr_unstable 0\n") = '\0';
	strcat(vmstat, "\nnr_unstable 0\n");
}

static void test_views_one(const char *opts)
{
	struct machine *m = test_boot(opts);
	char *t;

	printf("machine: %s\n", opts);
	t = test_proc(m, "meminfo");
	shape_in_order("meminfo", t);
	check_meminfo_values(m, t);
	free(t);
	t = test_proc(m, "vmstat");
	check_vmstat_values(m, t);
	split_mmsim_tail(t);	/* Linux's part, line for line with the host's */
	shape_in_order("vmstat", t);
	free(t);
	t = test_proc(m, "buddyinfo");
	shape_by_zone("buddyinfo", t);
	check_buddyinfo_values(m, t);
	free(t);
	t = test_proc(m, "pagetypeinfo");
	shape_by_zone("pagetypeinfo", t);
	check_pagetypeinfo_values(m, t);
	free(t);
	t = test_proc(m, "zoneinfo");
	shape_zoneinfo(t);
	check_zoneinfo_values(m, t);
	free(t);
	t = test_proc(m, "slabinfo");
	shape_slabinfo(t);
	check_slabinfo_values(t);
	free(t);
	check_machine(m);
	mmsim_shutdown(m);
}

static void test_views(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		test_views_one(machines[i]);
}

/* The 1 TiB machine's order-10 MOVABLE list exceeds Linux's walk cap. */
static void test_pagetypeinfo_cap(void **state)
{
	struct machine *m = test_boot("mem=1T nodes=1 cpus=2 metadata_only=1");
	char *t = test_proc(m, "pagetypeinfo");

	(void)state;
	assert_non_null(strstr(t, ">100000 \n"));
	free(t);
	mmsim_shutdown(m);
}

static void test_dispatch(void **state)
{
	struct machine *m = test_boot("mem=256M nodes=1 cpus=2");
	const char *const *files = mmsim_proc_files();
	char *t;
	size_t len;

	(void)state;
	for (int i = 0; files[i]; i++) {
		t = mmsim_proc_read(m, files[i], &len);
		assert_non_null(t);
		assert_int_equal(strlen(t), len);
		assert_true(len > 0 && t[len - 1] == '\n');
		free(t);
	}
	errno = 0;
	assert_null(mmsim_proc_read(m, "nosuchfile", NULL));
	assert_int_equal(errno, ENOENT);
	assert_null(mmsim_proc_read(m, "sys/vm/no_such_sysctl", NULL));
	assert_int_equal(errno, ENOENT);
	t = mmsim_proc_read(m, "sys/vm/min_free_kbytes", NULL);
	assert_non_null(t);
	assert_int_equal(strtol(t, NULL, 10), m->sysctl.min_free_kbytes);
	free(t);
	mmsim_shutdown(m);
}

/* Exact texts of small pieces whose format is fixed. */
static void test_exact_lines(void **state)
{
	struct machine *m = test_boot("mem=256M nodes=1 cpus=2");
	char *t = test_proc(m, "pagetypeinfo");

	(void)state;
	static const char head[] = "Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2"
		"      3      4      5      6      7      8      9     10 \n";

	assert_int_equal(strncmp(t, head, strlen(head)), 0);
	assert_non_null(strstr(t, "\nNumber of blocks type     Unmovable      Movable"
			       "  Reclaimable   HighAtomic      Isolate \n"));
	free(t);
	t = test_proc(m, "zoneinfo");
	assert_non_null(strstr(t, "Node 0, zone      DMA\n  per-node stats\n      nr_inactive_anon "));
	assert_non_null(strstr(t, "\n        protection: (0, 0, 0, 0, 0)\n"));
	free(t);
	t = test_proc(m, "meminfo");
	assert_non_null(strstr(t, "\nHugePages_Total:       0\n"));
	assert_non_null(strstr(t, "\nHugepagesize:       2048 kB\n"));
	assert_non_null(strstr(t, "\nVmallocTotal:   34359738367 kB\n"));
	free(t);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_exact_lines),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_pagetypeinfo_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
