/*
 * test_config.c - the boot configuration: size parsing, every option key
 * with good and bad text, and boot_config_check()'s verdicts.
 *
 * What must hold: good text sets exactly the field it names; bad text is
 * refused with -EINVAL and a message naming the option and what would be
 * valid; no check passes a machine the boot code cannot build. Nothing here
 * boots a machine, so these tests are instant and run first when the
 * configuration breaks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "machine.h"
#include "mmsim/mmsim.h"

#define ERRLEN 512

/* ---- mmsim_parse_size ---- */

static const struct { const char *text; uint64_t bytes; } good_sizes[] = {
	{ "4096", 4096 }, { "0", 0 }, { "64k", 64ULL << 10 }, { "64K", 64ULL << 10 },
	{ "512M", 512ULL << 20 }, { "512m", 512ULL << 20 }, { "4G", 4ULL << 30 },
	{ "4GiB", 4ULL << 30 }, { "4GB", 4ULL << 30 }, { "4gib", 4ULL << 30 },
	{ "1T", 1ULL << 40 }, { "2P", 2ULL << 50 }, { "1.5G", 3ULL << 29 },
	{ "0.5K", 512 }, { ".5M", 512ULL << 10 }, { "4096B", 4096 },
	{ "18446744073709551615", UINT64_MAX }, { "16383P", 16383ULL << 50 },
};

static const char *const bad_sizes[] = {
	"", "4X", "-1", "+4G", " 4G", "4G ", "4 G", "1.5", "0.3K", "4iB", "G", ".",
	"5.", "5.G", "4GG", "4Gx", "0x1000", "1e9", "18446744073709551616",
	"16384P", "17179869184G", "4KiBB",
};

static void test_parse_size_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good_sizes); i++) {
		uint64_t b = 12345;
		char err[ERRLEN] = "";

		if (mmsim_parse_size(good_sizes[i].text, &b, err, sizeof(err)))
			fail_msg("'%s' refused: %s", good_sizes[i].text, err);
		if (b != good_sizes[i].bytes)
			fail_msg("'%s' gave %llu, want %llu", good_sizes[i].text,
				 (unsigned long long)b, (unsigned long long)good_sizes[i].bytes);
	}
}

static void test_parse_size_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		uint64_t b = 777;
		char err[ERRLEN] = "";

		if (mmsim_parse_size(bad_sizes[i], &b, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted as %llu", bad_sizes[i], (unsigned long long)b);
		assert_int_equal(b, 777);	/* untouched on failure */
		assert_non_null(strstr(err, bad_sizes[i]));
	}
}

static void test_parse_size_message_names_units(void **state)
{
	char err[ERRLEN];
	uint64_t b;

	(void)state;
	assert_int_equal(mmsim_parse_size("4X", &b, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "K, M, G, T"));
	assert_non_null(strstr(err, "512M"));
	/* NULL or tiny buffers are allowed. */
	assert_int_equal(mmsim_parse_size("4X", &b, NULL, 0), -EINVAL);
	assert_int_equal(mmsim_parse_size("4X", &b, err, 1), -EINVAL);
	assert_int_equal(err[0], '\0');
}

/* ---- mmsim_config_set ---- */

static const struct boot_config *bc(const mmsim_config *c)
{
	return mmsim_config_boot(c);
}

static void test_defaults(void **state)
{
	mmsim_config *c = mmsim_config_new();
	const struct boot_config *b = bc(c);
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(b->mem_bytes, 4ULL << 30);
	assert_int_equal(b->nr_nodes, 1);
	assert_int_equal(b->nr_cpus, 2);
	assert_int_equal(b->swap_bytes, 0);
	assert_int_equal(b->rmap, RMAP_ANON_VMA_CHAIN);
	assert_int_equal(b->thp, THP_MADVISE);
	assert_int_equal(b->arch, ARCH_X86_64);
	assert_int_equal(b->seed, 1);
	assert_false(b->metadata_only);
	assert_true(b->zero_page);
	assert_int_equal(b->kernel_image_bytes, 16ULL << 20);
	assert_int_equal(b->movablecore_bytes, 0);
	assert_int_equal(b->kernelcore_bytes, 0);
	assert_int_equal(b->nr_sysctls, 0);
	if (boot_config_check(b, err, sizeof(err)))
		fail_msg("defaults refused: %s", err);
	mmsim_config_free(c);
}

/* key=value must be accepted. */
static void set_ok(mmsim_config *c, const char *key, const char *value)
{
	char err[ERRLEN] = "";

	if (mmsim_config_set(c, key, value, err, sizeof(err)))
		fail_msg("%s=%s refused: %s", key, value, err);
}

/* key=value must be refused with a message containing want. */
static void set_bad(const char *key, const char *value, const char *want)
{
	mmsim_config *c = mmsim_config_new();
	char err[ERRLEN] = "";

	if (mmsim_config_set(c, key, value, err, sizeof(err)) != -EINVAL)
		fail_msg("%s=%s accepted", key, value ? value : "(null)");
	if (!strstr(err, want))
		fail_msg("%s=%s: '%s' does not mention '%s'", key, value, err, want);
	mmsim_config_free(c);
}

static void test_every_key_good(void **state)
{
	mmsim_config *c = mmsim_config_new();
	const struct boot_config *b = bc(c);

	(void)state;
	set_ok(c, "mem", "8G");			assert_int_equal(b->mem_bytes, 8ULL << 30);
	set_ok(c, "nodes", "4");		assert_int_equal(b->nr_nodes, 4);
	set_ok(c, "cpus", "16");		assert_int_equal(b->nr_cpus, 16);
	set_ok(c, "swap", "1G");		assert_int_equal(b->swap_bytes, 1ULL << 30);
	assert_int_equal(b->swap_prio, -1);
	set_ok(c, "swap", "64M@7");		assert_int_equal(b->swap_bytes, 64ULL << 20);
	assert_int_equal(b->swap_prio, 7);
	set_ok(c, "disk", "/tmp/d");		assert_string_equal(b->disk, "/tmp/d");
	set_ok(c, "rmap", "scan");		assert_int_equal(b->rmap, RMAP_SCAN);
	set_ok(c, "rmap", "pte_chain");		assert_int_equal(b->rmap, RMAP_PTE_CHAIN);
	set_ok(c, "rmap", "anon_vma");		assert_int_equal(b->rmap, RMAP_ANON_VMA);
	set_ok(c, "thp", "always");		assert_int_equal(b->thp, THP_ALWAYS);
	set_ok(c, "thp", "never");		assert_int_equal(b->thp, THP_NEVER);
	set_ok(c, "arch", "i386-pae");		assert_int_equal(b->arch, ARCH_I386_PAE);
	set_ok(c, "arch", "x86_64");		assert_int_equal(b->arch, ARCH_X86_64);
	set_ok(c, "seed", "42");		assert_int_equal(b->seed, 42);
	set_ok(c, "metadata_only", "1");	assert_true(b->metadata_only);
	set_ok(c, "zero_page", "0");		assert_false(b->zero_page);
	set_ok(c, "zero_page", "true");		assert_true(b->zero_page);
	set_ok(c, "console", "off");		assert_false(b->console);
	set_ok(c, "kernel_image", "32M");	assert_int_equal(b->kernel_image_bytes, 32ULL << 20);
	set_ok(c, "movablecore", "1G");		assert_int_equal(b->movablecore_bytes, 1ULL << 30);
	set_ok(c, "kernelcore", "2G");		assert_int_equal(b->kernelcore_bytes, 2ULL << 30);
	mmsim_config_free(c);
}

static void test_every_key_bad(void **state)
{
	(void)state;
	set_bad("mem", "4X", "--mem");
	set_bad("mem", "4X", "K, M, G, T");
	set_bad("mem", "", "--mem");
	set_bad("node_mem", "1G,,", "--node-mem");	/* empty items are errors */
	set_bad("node_mem", ",1G", "--node-mem");
	set_bad("node_mem", "1G,4Q", "--node-mem");
	set_bad("node_mem", "", "--node-mem");
	set_bad("nodes", "two", "--nodes");
	set_bad("nodes", "-1", "--nodes");
	set_bad("cpus", "", "--cpus");
	set_bad("cpus", "99999999999", "--cpus");
	set_bad("swap", "1Q", "--swap");
	set_bad("swap", "1G@x", "PRIO must be 0..32767");
	set_bad("swap", "1G@40000", "PRIO");
	set_bad("swap", "1G@", "PRIO");
	set_bad("disk", "", "--disk");
	set_bad("rmap", "magic", "anon_vma_chain");
	set_bad("thp", "sometimes", "always|madvise|never");
	set_bad("arch", "arm64", "x86_64|i386-pae|i386");
	set_bad("seed", "x", "--seed");
	set_bad("metadata_only", "2", "--metadata-only");
	set_bad("zero_page", "maybe", "--zero-page");
	set_bad("console", "", "--console");
	set_bad("kernel_image", "big", "--kernel-image");
	set_bad("movablecore", "1X", "--movablecore");
	set_bad("kernelcore", "-5", "--kernelcore");
	set_bad("sysctl", "min_free_kbytes", "vm.NAME=VALUE");
	set_bad("sysctl", "=5", "vm.NAME=VALUE");
	set_bad("sysctl", "vm.min_free_kbytes=abc", "min_free_kbytes");
	set_bad("sysctl", "vm.nope=1", "vm.nope");
	set_bad("no_such_key", "1", "no_such_key");
	set_bad("no_such_key", "1", "mem");	/* the list of known keys */
}

static void test_keys_list(void **state)
{
	const char *const *k = mmsim_config_keys();
	static const char *const want[] = {
		"mem", "node_mem", "nodes", "cpus", "swap", "disk", "rmap", "thp", "arch",
		"seed", "metadata_only", "zero_page", "kernel_image", "movablecore",
		"kernelcore", "console", "sysctl", "pcid", "pti", "pgtable_levels", "aslr",
		"debug_tlbflush",
		"vmalloc_fault",	/* vmalloc (issue 7) */
		"node_distance",	/* NUMA */
		"hugepages", "hugepagesz", "default_hugepagesz",	/* hugetlb */
	};
	size_t n = 0;

	(void)state;
	while (k[n])
		n++;
	assert_int_equal(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(k[i], want[i]);
}

static void test_sysctl_accumulates(void **state)
{
	mmsim_config *c = mmsim_config_new();
	const struct boot_config *b = bc(c);
	char err[ERRLEN];

	(void)state;
	set_ok(c, "sysctl", "vm.min_free_kbytes=8192");
	set_ok(c, "sysctl", "watermark_scale_factor=100");	/* "vm." is optional */
	set_ok(c, "sysctl", "vm.min_free_kbytes=4096");
	assert_int_equal(b->nr_sysctls, 3);
	assert_string_equal(b->sysctl[0].name, "vm.min_free_kbytes");
	assert_string_equal(b->sysctl[1].name, "vm.watermark_scale_factor");
	assert_string_equal(b->sysctl[2].value, "4096");	/* applied last, wins */
	assert_int_equal(boot_config_check(b, err, sizeof(err)), 0);
	mmsim_config_free(c);
}

static void test_node_mem(void **state)
{
	mmsim_config *c = mmsim_config_new();
	const struct boot_config *b = bc(c);
	char err[ERRLEN] = "";

	(void)state;
	set_ok(c, "node_mem", "1G,3G");
	assert_int_equal(b->nr_nodes, 2);
	assert_int_equal(b->node_mem[0], 1ULL << 30);
	assert_int_equal(b->node_mem[1], 3ULL << 30);
	assert_int_equal(b->mem_bytes, 4ULL << 30);
	assert_int_equal(boot_config_check(b, err, sizeof(err)), 0);
	set_ok(c, "mem", "4G");			/* agrees: fine */
	assert_int_equal(mmsim_config_set(c, "mem", "8G", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--node-mem"));
	mmsim_config_free(c);

	/* The other order is refused the same way. */
	c = mmsim_config_new();
	set_ok(c, "mem", "8G");
	assert_int_equal(mmsim_config_set(c, "node_mem", "1G,3G", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--mem"));
	mmsim_config_free(c);

	/* --nodes given first must agree with the count of sizes. */
	c = mmsim_config_new();
	set_ok(c, "nodes", "3");
	assert_int_equal(mmsim_config_set(c, "node_mem", "1G,3G", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--nodes"));
	mmsim_config_free(c);
}

/* ---- boot_config_check ---- */

/* options ("key=value ...") must set fine and then fail the check naming want. */
static void check_bad(const char *options, const char *want)
{
	mmsim_config *c = mmsim_config_new();
	char *copy = strdup(options), *save = NULL, err[ERRLEN] = "";

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(t, '=');

		*eq = '\0';
		set_ok(c, t, eq + 1);
	}
	if (boot_config_check(bc(c), err, sizeof(err)) != -EINVAL)
		fail_msg("'%s' passed the check", options);
	if (!strstr(err, want))
		fail_msg("'%s': '%s' does not mention '%s'", options, err, want);
	if (strchr(err, '\n'))
		fail_msg("'%s': the message is more than one line: %s", options, err);
	free(copy);
	mmsim_config_free(c);
}

static void check_good(const char *options)
{
	mmsim_config *c = mmsim_config_new();
	char *copy = strdup(options), *save = NULL, err[ERRLEN] = "";

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(t, '=');

		*eq = '\0';
		set_ok(c, t, eq + 1);
	}
	if (boot_config_check(bc(c), err, sizeof(err)))
		fail_msg("'%s' refused: %s", options, err);
	free(copy);
	mmsim_config_free(c);
}

static void test_check_errors(void **state)
{
	(void)state;
	check_bad("mem=0", "--mem 0");
	check_bad("mem=1000", "--mem 1000: must be a multiple of 4096 bytes");
	check_bad("mem=16M", "at least 32M");
	check_bad("mem=65P", "--mem 65P");
	check_bad("mem=64M nodes=64", "--nodes 64 with --mem 64M leaves 1M per node; "
		  "each node needs at least 8M");
	check_bad("nodes=0", "--nodes 0");
	check_bad("nodes=65", "--nodes 65");
	check_bad("cpus=0", "--cpus 0");
	check_bad("cpus=257", "--cpus 257");
	check_bad("node_mem=1G,4M", "--node-mem");
	check_bad("node_mem=1G,4M", "8M");
	check_bad("node_mem=1G,1G nodes=3", "--nodes 3");
	check_bad("kernel_image=3M", "--kernel-image 3M");
	check_bad("kernel_image=0", "--kernel-image");
	check_bad("mem=64M kernel_image=34M", "--kernel-image 34M");
	check_bad("mem=1G movablecore=1G", "--movablecore");
	check_bad("mem=1G kernelcore=2G", "--kernelcore");
	check_bad("swap=1000", "--swap");
	check_bad("swap=512G", "at most 256G");
	check_bad("arch=i386 mem=8G", "--arch i386");
	check_bad("arch=i386-pae mem=128G", "i386-pae");
}

static void test_check_good(void **state)
{
	(void)state;
	check_good("mem=64M");
	check_good("mem=1T metadata_only=1 nodes=4");
	check_good("mem=64M nodes=3");
	check_good("mem=64P metadata_only=1");
	check_good("node_mem=64M,192M,1G");
	check_good("mem=8G movablecore=2G");
	check_good("mem=8G kernelcore=2G");
	check_good("arch=i386 mem=4G");
	check_good("cpus=256 nodes=64 mem=64G");
	check_good("swap=40K");
	check_good("swap=1G@5");
	check_good("rmap=pte_chain");
	check_good("rmap=scan");
	check_good("rmap=anon_vma");
}

/* A C caller may fill the struct by hand: nothing out of range passes. */
static void test_check_raw_struct(void **state)
{
	struct boot_config b;
	char err[ERRLEN] = "";

	(void)state;
	boot_config_defaults(&b);
	b.rmap = (enum rmap_mode)9;
	assert_int_equal(boot_config_check(&b, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--rmap"));
	boot_config_defaults(&b);
	b.nr_sysctls = 1;
	snprintf(b.sysctl[0].name, sizeof(b.sysctl[0].name), "vm.nope");
	snprintf(b.sysctl[0].value, sizeof(b.sysctl[0].value), "1");
	assert_int_equal(boot_config_check(&b, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "vm.nope"));
	assert_int_equal(boot_config_check(NULL, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size_good),
		cmocka_unit_test(test_parse_size_bad),
		cmocka_unit_test(test_parse_size_message_names_units),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key_good),
		cmocka_unit_test(test_every_key_bad),
		cmocka_unit_test(test_keys_list),
		cmocka_unit_test(test_sysctl_accumulates),
		cmocka_unit_test(test_node_mem),
		cmocka_unit_test(test_check_errors),
		cmocka_unit_test(test_check_good),
		cmocka_unit_test(test_check_raw_struct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
