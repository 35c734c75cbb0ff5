/*
 * demo.c - `mmsim` with no command: a short guided tour, in plain words.
 *
 *  1. Boot the machine (the default one, or the user's options) and show
 *     why MemTotal is below the installed memory.
 *  2. buddyinfo: free memory as blocks of 2^order pages.
 *  3. Fragmentation, on a separate 64 MiB machine so that every page is
 *     accounted for: fill memory with single pages, free every other one,
 *     and watch a request for a few contiguous pages fail while a third
 *     of memory is free.
 *  4. kmalloc and /proc/slabinfo.
 *
 * Everything goes through the public API, so the demo is also an example
 * of driving libmmsim from C. It must finish in well under a second: the
 * README runs it as the project's main job.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define FRAG_MEM	"64M"
#define KMALLOC_SIZE	200
#define KMALLOC_COUNT	1000

static void heading(const char *title)
{
	printf("\n== %s ==\n\n", title);
}

/* Print the lines of text, indented; at most max of them (0: all). */
static void print_indented(const char *text, int max)
{
	int n = 0;

	for (const char *p = text; *p && (max == 0 || n < max); n++) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("    %.*s\n", len, p);
		p += len + (nl != NULL);
	}
}

static void show_proc(mmsim_machine *m, const char *file, int max_lines)
{
	char *text = mmsim_proc_read(m, file, NULL);

	if (!text) {
		printf("    (/proc/%s is not available in this build)\n", file);
		return;
	}
	print_indented(text, max_lines);
	free(text);
}

/* A meminfo field in kB, or -1 if absent. */
static long long meminfo_kb(mmsim_machine *m, const char *field)
{
	char *text = mmsim_proc_read(m, "meminfo", NULL), *p;
	size_t flen = strlen(field);
	long long kb = -1;

	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (!strncmp(p, field, flen) && p[flen] == ':') {
			kb = strtoll(p + flen + 1, NULL, 10);
			break;
		}
	}
	free(text);
	return kb;
}

static unsigned int gfp(const char *text)
{
	unsigned int flags = 0;
	char err[128];

	if (mmsim_gfp_parse(text, &flags, err, sizeof(err)))
		fprintf(stderr, "mmsim: demo: %s\n", err);
	return flags;
}

/* The first dmesg line containing key, indented; false if none. */
static bool show_dmesg_line(mmsim_machine *m, const char *key)
{
	char *log = mmsim_dmesg(m, NULL), *line = log ? strstr(log, key) : NULL;

	if (line) {
		while (line > log && line[-1] != '\n')
			line--;
		print_indented(line, 1);
	}
	free(log);
	return line != NULL;
}

static void tour_boot(mmsim_machine *m, bool user_options)
{
	heading("1. A simulated machine boots");
	printf("mmsim has booted %s:\n"
	       "physical memory split into zones, a kernel image, and the struct page\n"
	       "array that describes every 4 KiB frame. Like Linux, the kernel keeps\n"
	       "some memory for itself at boot, and its log says how much:\n\n",
	       user_options ? "the machine you described" :
	       "the default machine (4 GiB, 1 node, 2 CPUs)");
	if (!show_dmesg_line(m, "Memory:"))
		printf("    (no boot memory report in this build)\n");
	printf("\nThe rest is what /proc/meminfo calls MemTotal; just after boot\n"
	       "nearly all of it is free:\n\n");
	show_proc(m, "meminfo", 3);
}

static void tour_buddyinfo(mmsim_machine *m)
{
	heading("2. The buddy allocator: /proc/buddyinfo");
	printf("Free memory is kept in blocks of 2^order pages: order 0 is one 4 KiB\n"
	       "page, order 10 is 1024 pages (4 MiB). Column N counts the free blocks\n"
	       "of order N in each zone. Just after boot nearly everything sits in big\n"
	       "order-10 blocks; a request splits a block in halves (\"buddies\") and\n"
	       "a free merges buddies back.\n\n");
	show_proc(m, "buddyinfo", 0);
}

/* Allocate order-0 pages with flags until refused; returns how many. */
static size_t fill(mmsim_machine *m, unsigned int flags, int64_t *pfns, size_t n, size_t max)
{
	for (int64_t pfn; n < max && (pfn = mmsim_alloc_pages(m, flags, 0)) >= 0;)
		pfns[n++] = pfn;
	return n;
}

/* Free the pages at odd pfns: every freed page's buddy stays allocated. */
static size_t free_odd(mmsim_machine *m, int64_t *pfns, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		if (pfns[i] & 1)
			mmsim_free_pages(m, (uint64_t)pfns[i], 0);
		else
			pfns[kept++] = pfns[i];
	}
	return kept;
}

/* Try orders 1, 2, ... until one fails; returns it (or -1: all worked). */
static int first_failing_order(mmsim_machine *m)
{
	unsigned int flags = gfp("GFP_KERNEL|__GFP_NOWARN");

	for (unsigned int order = 1; order <= 10; order++) {
		int64_t pfn = mmsim_alloc_pages(m, flags, order);

		if (pfn < 0)
			return (int)order;
		mmsim_free_pages(m, (uint64_t)pfn, order);
	}
	return -1;
}

static void frag_explain_result(mmsim_machine *m, int order, long long free_kb)
{
	if (order < 0) {
		printf("  c) Every order up to 10 could still be served this time.\n");
		return;
	}
	printf("  c) Ask for blocks of growing size:\n\n");
	if (order > 1)
		printf("     order 1 (8 KiB) to order %d (%d KiB): served, from the few larger\n"
		       "     blocks the watermark reserve kept back (right of order 0 above)\n",
		       order - 1, 4 << (order - 1));
	printf("     order %d (%d KiB): FAILS, although %lld MiB are free\n\n",
	       order, 4 << order, free_kb / 1024);
	mmsim_alloc_pages(m, gfp("GFP_KERNEL"), (unsigned int)order);	/* logs it */
	printf("  The kernel log reports the failure as Linux does:\n");
	show_dmesg_line(m, "page allocation failure");
	printf("\n  None of the single free pages has a free buddy, so none can merge.\n"
	       "  Linux would now try compaction (moving pages to make room); that is\n"
	       "  what a fragmented machine pays for huge pages and big buffers.\n");
}

static int tour_fragmentation(void)
{
	mmsim_config *cfg = mmsim_config_new();
	mmsim_machine *m;
	size_t max = 64u << 8, n, kept;	/* 64 MiB of 4 KiB pages */
	int64_t *pfns = calloc(max, sizeof(*pfns));

	heading("3. Fragmentation: free memory that cannot be used");
	mmsim_config_set(cfg, "mem", FRAG_MEM, NULL, 0);
	m = pfns ? cli_boot(cfg, "mmsim demo") : NULL;
	mmsim_config_free(cfg);
	if (!m)
		return free(pfns), EXIT_MACHINE;
	printf("On a fresh %s machine (small, so every page counts):\n\n", FRAG_MEM);
	n = fill(m, gfp("GFP_KERNEL|__GFP_NOWARN"), pfns, 0, max);
	n = fill(m, gfp("GFP_ATOMIC|__GFP_NOWARN"), pfns, n, max);
	printf("  a) allocate single pages until the allocator refuses: %zu pages\n"
	       "     (%zu MiB); only the watermark reserves are left.\n", n, n >> 8);
	kept = free_odd(m, pfns, n);
	printf("  b) free every other page (the odd frame numbers): %zu pages freed.\n\n",
	       n - kept);
	printf("  /proc/buddyinfo now:\n");
	show_proc(m, "buddyinfo", 0);
	putchar('\n');
	frag_explain_result(m, first_failing_order(m), meminfo_kb(m, "MemFree"));
	for (size_t i = 0; i < kept; i++)
		mmsim_free_pages(m, (uint64_t)pfns[i], 0);
	mmsim_shutdown(m);
	free(pfns);
	return 0;
}

/* The slabinfo line of one cache: "name active num objsize perslab pages". */
static void slab_line(mmsim_machine *m, const char *cache, const char *label)
{
	char *text = mmsim_proc_read(m, "slabinfo", NULL), *p = text;
	size_t clen = strlen(cache);
	long active = 0, num = 0, size = 0, per = 0, pages = 0;

	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (!strncmp(p, cache, clen) && p[clen] == ' ') {
			sscanf(p + clen, "%ld %ld %ld %ld %ld", &active, &num, &size, &per, &pages);
			break;
		}
	}
	printf("    %-8s %-12s %11ld %9ld %8ld %11ld %13ld\n", label, cache, active, num,
	       size, per, pages);
	free(text);
}

static void tour_slab(mmsim_machine *m)
{
	uint64_t *objs = calloc(KMALLOC_COUNT, sizeof(*objs));
	unsigned int flags = gfp("GFP_KERNEL");
	size_t usable = 0;

	heading("4. Slab: kmalloc and /proc/slabinfo");
	printf("Small kernel objects come from slab caches, which carve pages into\n"
	       "equal slots. kmalloc(%d) is served by the kmalloc-256 cache: the size\n"
	       "is rounded up to the next class.\n\n", KMALLOC_SIZE);
	printf("    %-8s %-12s %11s %9s %8s %11s %13s\n", "", "cache", "active_objs",
	       "num_objs", "objsize", "objperslab", "pagesperslab");
	slab_line(m, "kmalloc-256", "before");
	for (int i = 0; objs && i < KMALLOC_COUNT; i++)
		objs[i] = mmsim_kmalloc(m, KMALLOC_SIZE, flags);
	usable = objs ? mmsim_ksize(m, objs[0]) : 0;
	slab_line(m, "kmalloc-256", "after");
	printf("\n  %d x kmalloc(%d): ksize() says each object has %zu usable bytes.\n",
	       KMALLOC_COUNT, KMALLOC_SIZE, usable);
	for (int i = 0; objs && i < KMALLOC_COUNT; i++)
		mmsim_kfree(m, objs[i]);
	free(objs);
}

static void closing(void)
{
	heading("More");
	printf("  mmsim show meminfo zoneinfo buddyinfo pagetypeinfo slabinfo vmstat\n"
	       "  mmsim --mem 1T --metadata-only --nodes 4 show zoneinfo\n"
	       "  mmsim scenarios                   the experiments, as Lua scripts\n"
	       "  mmsim run --scenario buddy-fragmentation\n"
	       "  mmsim --help\n");
}

int cmd_demo(const mmsim_config *cfg, bool user_options)
{
	mmsim_machine *m = cli_boot(cfg, "mmsim");
	int ret;

	if (!m)
		return EXIT_MACHINE;
	printf("mmsim %s - the Linux memory manager, rebuilt in user space\n", MMSIM_VERSION);
	tour_boot(m, user_options);
	tour_buddyinfo(m);
	ret = tour_fragmentation();
	if (!ret)
		tour_slab(m);
	mmsim_shutdown(m);
	if (!ret)
		closing();
	return ret;
}
