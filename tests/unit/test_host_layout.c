/*
 * test_host_layout.c - differential test against the host kernel: boot a
 * machine with the host's installed memory and compare what Linux itself
 * reports about the layout.
 *
 * The host's firmware map (/sys/firmware/memmap) gives the installed RAM;
 * mmsim's firmware map has the same PC shape, so zone spans, present pages
 * and the vmemmap's cost (nr_memmap_boot_pages) must equal the host's
 * /proc/zoneinfo and /proc/vmstat exactly. Managed pages and watermarks
 * differ by design (the host's kernel image, initrd and swiotlb are other
 * sizes) and are checked against the formula elsewhere (test_watermarks).
 * Where the host has no such files, or is not a single-node PC layout, the
 * comparison is skipped with a note; the machine still boots and validates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"

struct host_zone {
	char name[16];
	unsigned long spanned, present;
};

/* Installed RAM from the host's firmware map; 0 if unreadable or not PC-shaped. */
static unsigned long long host_installed_ram(void)
{
	unsigned long long total = 0;

	for (int i = 0; i < 64; i++) {
		char path[96], type[64] = "";
		unsigned long long start = 0, end = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/type", i);
		if (!(f = fopen(path, "r")))
			break;
		if (!fgets(type, sizeof(type), f))
			type[0] = '\0';
		fclose(f);
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/start", i);
		if ((f = fopen(path, "r"))) {
			if (fscanf(f, "%llx", &start) != 1)
				start = 0;
			fclose(f);
		}
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/end", i);
		if ((f = fopen(path, "r"))) {
			if (fscanf(f, "%llx", &end) != 1)
				end = 0;
			fclose(f);
		}
		if (!strncmp(type, "System RAM", 10) && end > start)
			total += end + 1 - start;
	}
	if (!total)
		return 0;	/* no firmware map (e.g. /sys not mounted) */
	/* mmsim's map gives [0, 0x9fc00) and [1M, ...): add back the legacy gap. */
	return total + 0x100000 - 0x9fc00;
}

static int host_zones(struct host_zone *z, int max)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	int n = -1, node = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char name[16];

		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			if (node != 0 || n + 1 >= max) {
				n = -1;	/* multi-node host: not comparable */
				break;
			}
			n++;
			snprintf(z[n].name, sizeof(z[n].name), "%s", name);
			z[n].spanned = z[n].present = 0;
		} else if (n >= 0) {
			sscanf(line, " spanned %lu", &z[n].spanned);
			sscanf(line, " present %lu", &z[n].present);
		}
	}
	fclose(f);
	return n + 1;
}

static long host_vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

static void test_layout_matches_host(void **state)
{
	struct host_zone hz[8];
	unsigned long long ram = host_installed_ram();
	int nz = host_zones(hz, 8);
	char opts[128];
	struct machine *m;

	(void)state;
	if (!ram || nz <= 0 || ram > (64ULL << 30)) {
		printf("note: host layout not readable or not comparable; skipped\n");
		return;
	}
	snprintf(opts, sizeof(opts), "mem=%lluM nodes=1 cpus=2 metadata_only=1", ram >> 20);
	m = test_boot(opts);
	for (int i = 0; i < nz; i++) {
		struct zone *zone = NULL;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (arch_has_zone(m, (enum zone_type)z) &&
			    !strcmp(NODE_DATA(m, 0)->node_zones[z].name, hz[i].name))
				zone = &NODE_DATA(m, 0)->node_zones[z];
		if (!zone)
			fail_msg("host zone %s does not exist in mmsim", hz[i].name);
		if (zone->spanned_pages != hz[i].spanned || zone->present_pages != hz[i].present)
			fail_msg("zone %s: mmsim spanned %lu present %lu, host %lu %lu", hz[i].name,
				 zone->spanned_pages, zone->present_pages, hz[i].spanned,
				 hz[i].present);
	}
	long boot = host_vmstat("nr_memmap_boot_pages");

	if (boot >= 0)
		assert_int_equal(m->memmap_boot_pages, boot);
	mmsim_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_matches_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
