/*
 * config.c - the boot configuration: defaults, text options, and the check
 * that runs before a machine boots.
 *
 * Two layers:
 *  - mmsim_config_set() turns one option's text into struct boot_config
 *    fields. It rejects text that does not parse ("4X", "abc") and remembers
 *    which options the user gave, so that --mem and --node-mem can be
 *    compared whichever comes first.
 *  - boot_config_check() judges a whole struct boot_config (C callers may
 *    fill one directly, so it trusts nothing): sizes, counts, ranges, and
 *    whether the pieces fit together.
 *
 * Invariants: every error is one line that names the option as the command
 * line spells it ("--mem", "--sysctl vm.x") and says what would be valid.
 * Nothing here touches a machine: sysctl values are checked as text with
 * sysctl_check_text() and applied after boot, in order, so a later entry
 * for the same name wins.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "machine.h"
#include "mmsim/mmsim.h"

#define MIN_MEM_BYTES		(32ULL << 20)	/* kernel image, mem_map, node data */
#define MIN_NODE_BYTES		(8ULL << 20)
#define MAX_MEM_BYTES		(64ULL << 50)	/* 64 PiB: 57-bit physical addresses */
#define MIN_SWAP_BYTES		(40ULL << 10)	/* mkswap's minimum: 10 pages */
#define MAX_SWAP_BYTES		(256ULL << 30)	/* swap (issue 5): see swapfile.c */
#define I386_MAX_MEM		(4ULL << 30)
#define I386_PAE_MAX_MEM	(64ULL << 30)

/* Which options the user gave: some checks depend on order-free pairs. */
enum { GIVEN_MEM = 1, GIVEN_NODE_MEM = 2, GIVEN_NODES = 4 };

struct mmsim_config {
	struct boot_config cfg;
	unsigned int given;
};

static const char *const config_keys[] = {
	"mem", "node_mem", "nodes", "cpus", "swap", "disk", "rmap", "thp", "arch",
	"seed", "metadata_only", "zero_page", "kernel_image", "movablecore",
	"kernelcore", "console", "sysctl", "pcid", "pti", "pgtable_levels", "aslr", "debug_tlbflush",
	/* vmalloc (issue 7) */
	"vmalloc_fault",
	"node_distance",
	"hugepages", "hugepagesz", "default_hugepagesz",	/* hugetlb */
	NULL
};

static const char *const rmap_names[] = {
	[RMAP_SCAN] = "scan", [RMAP_PTE_CHAIN] = "pte_chain",
	[RMAP_ANON_VMA] = "anon_vma", [RMAP_ANON_VMA_CHAIN] = "anon_vma_chain",
};
static const char *const thp_names[] = {
	[THP_ALWAYS] = "always", [THP_MADVISE] = "madvise", [THP_NEVER] = "never",
};
static const char *const arch_names[] = {
	[ARCH_X86_64] = "x86_64", [ARCH_I386_PAE] = "i386-pae", [ARCH_I386] = "i386",
};

__printf(3, 4) static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The CLI spelling of a key: "node_mem" -> "--node-mem". */
static void option_name(const char *key, char *buf, size_t len)
{
	size_t i = 0;

	snprintf(buf, len, "--%s", key);
	for (i = 2; buf[i]; i++)
		if (buf[i] == '_')
			buf[i] = '-';
}

/*
 * The shortest exact way to write a size: "4G", "1536M", "1000". Used in
 * messages so the user sees their own number back.
 */
static const char *fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (bytes && u < 5 && (bytes & 1023) == 0) {
		bytes >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)bytes, units[u]);
	return buf;
}

int boot_config_defaults(struct boot_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_bytes = 4ULL << 30;
	cfg->nr_nodes = 1;
	cfg->nr_cpus = 2;
	cfg->rmap = RMAP_ANON_VMA_CHAIN;
	cfg->thp = THP_MADVISE;
	cfg->arch = ARCH_X86_64;
	cfg->seed = 1;
	cfg->zero_page = true;
	cfg->pcid = true;
	cfg->pgtable_levels = 4;
	cfg->kernel_image_bytes = 16ULL << 20;
	cfg->swap_prio = -1;	/* swap (issue 5): the default priority */
	return 0;
}

/* ---- Sizes ---- */

static int size_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	case 'p': case 'P': return 50;
	default: return -1;
	}
}

/* After the unit letter: nothing, "B" or "iB" (any case). */
static bool size_suffix_ok(const char *s)
{
	if (*s == 'i' || *s == 'I')
		s++;
	if (*s == 'b' || *s == 'B')
		s++;
	return *s == '\0';
}

static int size_error(const char *text, char *err, size_t errlen)
{
	return fail(err, errlen,
		    "'%s' is not a size; use a number with an optional unit "
		    "K, M, G, T, P (binary): 512M, 4G", text);
}

/* Digits into *v, no overflow; returns the count of digits read. */
static int parse_digits(const char **p, uint64_t *v, bool *overflow)
{
	int n = 0;

	*v = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++, n++) {
		unsigned d = (unsigned)(**p - '0');

		if (*v > (UINT64_MAX - d) / 10)
			*overflow = true;
		else
			*v = *v * 10 + d;
	}
	return n;
}

/*
 * The fraction ".5" of a size times 2^shift, exactly: fractions are kept as
 * numerator/10^n and must come out whole ("1.5G" yes, "1.5" bytes no).
 */
static int fraction_bytes(const char *frac, int nd, int shift, uint64_t *out)
{
	unsigned __int128 num = 0, den = 1;

	if (nd > 20)	/* 10^20 << 50 still fits in 128 bits */
		return -1;
	for (int i = 0; i < nd; i++) {
		num = num * 10 + (unsigned)(frac[i] - '0');
		den *= 10;
	}
	num <<= shift;
	if (num % den)
		return -1;
	*out = (uint64_t)(num / den);
	return 0;
}

int mmsim_parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen)
{
	const char *p = text ? text : "", *frac = NULL;
	bool overflow = false;
	uint64_t whole, part = 0;
	int nd = 0, shift = 0;

	if (parse_digits(&p, &whole, &overflow) == 0 && *p != '.')
		return size_error(text ? text : "", err, errlen);
	if (*p == '.') {
		bool ignored = false;	/* fraction_bytes() does the exact arithmetic */

		frac = ++p;
		nd = parse_digits(&p, &part, &ignored);
		if (nd == 0)
			return size_error(text, err, errlen);
	}
	if (*p && (shift = size_shift(*p)) >= 0)
		p++;
	else
		shift = 0;
	if (!size_suffix_ok(p) || (shift == 0 && *p && *p != 'b' && *p != 'B'))
		return size_error(text, err, errlen);
	if (overflow || (shift && whole > (UINT64_MAX >> shift)))
		return fail(err, errlen, "'%s' is too large; the largest size is 16E - 1", text);
	if (frac && fraction_bytes(frac, nd, shift, &part))
		return fail(err, errlen, "'%s' is not a whole number of bytes", text);
	whole <<= shift;
	if (whole + part < whole)
		return fail(err, errlen, "'%s' is too large; the largest size is 16E - 1", text);
	*bytes = whole + part;
	return 0;
}

/* ---- One option from text ---- */

static int parse_u64(const char *opt, const char *v, uint64_t *out, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	if (!v || !*v || *v == '-' || *v == '+' || *v == ' ')
		return fail(err, errlen, "%s: '%s' is not a number; use a whole number like 4",
			    opt, v ? v : "");
	*out = strtoull(v, &end, 0);
	if (*end || errno)
		return fail(err, errlen, "%s: '%s' is not a number; use a whole number like 4",
			    opt, v);
	return 0;
}

static int parse_int(const char *opt, const char *v, int *out, char *err, size_t errlen)
{
	uint64_t x = 0;

	if (parse_u64(opt, v, &x, err, errlen))
		return -EINVAL;
	if (x > 1000000)
		return fail(err, errlen, "%s: %s is far too large", opt, v);
	*out = (int)x;
	return 0;
}

static int parse_bool(const char *opt, const char *v, bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (v && !strcasecmp(v, yes[i]))
			return *out = true, 0;
		if (v && !strcasecmp(v, no[i]))
			return *out = false, 0;
	}
	return fail(err, errlen, "%s: '%s' is not 0 or 1", opt, v ? v : "");
}

/* One of names[0..n); the error lists them all. */
static int parse_choice(const char *opt, const char *v, const char *const *names, int n,
			int *out, char *err, size_t errlen)
{
	char list[160] = "";

	for (int i = 0; i < n; i++) {
		if (v && !strcmp(v, names[i]))
			return *out = i, 0;
		strncat(list, names[i], sizeof(list) - strlen(list) - 1);
		if (i + 1 < n)
			strncat(list, "|", sizeof(list) - strlen(list) - 1);
	}
	return fail(err, errlen, "%s: '%s' is not one of %s", opt, v ? v : "", list);
}

static int parse_size_opt(const char *opt, const char *v, uint64_t *out, char *err,
			  size_t errlen)
{
	char why[200];

	if (mmsim_parse_size(v, out, why, sizeof(why)))
		return fail(err, errlen, "%s: %s", opt, why);
	return 0;
}

/* swap (issue 5): --swap SIZE[@PRIO], PRIO 0..32767 as swapon -p takes it. */
static int parse_swap_opt(struct boot_config *cfg, const char *opt, const char *v, char *err,
			  size_t errlen)
{
	const char *at = v ? strchr(v, '@') : NULL;
	char size[64];
	long prio;
	char *end;

	if (!at) {
		cfg->swap_prio = -1;
		return parse_size_opt(opt, v, &cfg->swap_bytes, err, errlen);
	}
	if ((size_t)(at - v) >= sizeof(size))
		return fail(err, errlen, "%s: give SIZE[@PRIO]", opt);
	memcpy(size, v, (size_t)(at - v));
	size[at - v] = '\0';
	errno = 0;
	prio = strtol(at + 1, &end, 10);
	if (!at[1] || *end || errno || prio < 0 || prio > 32767)
		return fail(err, errlen, "%s %s: PRIO must be 0..32767", opt, v);
	cfg->swap_prio = (int)prio;
	return parse_size_opt(opt, size, &cfg->swap_bytes, err, errlen);
}

static uint64_t node_mem_sum(const struct boot_config *cfg)
{
	uint64_t sum = 0;

	for (int i = 0; i < MAX_NUMNODES; i++)
		sum += cfg->node_mem[i];
	return sum;
}

/* Either order: "--mem 4G --node-mem 1G,2G" is wrong the same as reversed. */
static int mem_vs_node_mem(const struct mmsim_config *c, char *err, size_t errlen)
{
	char a[32], b[32];
	uint64_t sum = node_mem_sum(&c->cfg);

	if ((c->given & (GIVEN_MEM | GIVEN_NODE_MEM)) != (GIVEN_MEM | GIVEN_NODE_MEM) ||
	    sum == c->cfg.mem_bytes)
		return 0;
	return fail(err, errlen, "--node-mem adds up to %s but --mem is %s; give one of them, "
		    "or make them agree", fmt_size(sum, a, sizeof(a)),
		    fmt_size(c->cfg.mem_bytes, b, sizeof(b)));
}

/* "1G,3G" into sizes[]; empty items ("1G,,3G") are errors. Returns count. */
static int parse_node_sizes(const char *v, uint64_t *sizes, char *err, size_t errlen)
{
	char item[64];
	int n = 0;

	for (const char *p = v; ; p++) {
		size_t len = strcspn(p, ",");

		if (n == MAX_NUMNODES)
			return fail(err, errlen, "--node-mem: more than %d nodes", MAX_NUMNODES);
		if (len == 0 || len >= sizeof(item))
			return fail(err, errlen, "--node-mem: '%s' is not a list of sizes; "
				    "use e.g. 1G,3G", v);
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		if (parse_size_opt("--node-mem", item, &sizes[n++], err, errlen))
			return -EINVAL;
		p += len;
		if (!*p)
			return n;
	}
}

/* One size per node; sets the node count and, if not given, --mem. */
static int set_node_mem(struct mmsim_config *c, const char *v, char *err, size_t errlen)
{
	uint64_t sizes[MAX_NUMNODES] = { 0 };
	int n = parse_node_sizes(v ? v : "", sizes, err, errlen);

	if (n < 0)
		return n;
	if ((c->given & GIVEN_NODES) && c->cfg.nr_nodes != n)
		return fail(err, errlen, "--node-mem gives %d sizes but --nodes is %d; give one "
			    "size per node", n, c->cfg.nr_nodes);
	memcpy(c->cfg.node_mem, sizes, sizeof(sizes));
	c->cfg.nr_nodes = n;
	c->given |= GIVEN_NODE_MEM;
	if (!(c->given & GIVEN_MEM))
		c->cfg.mem_bytes = node_mem_sum(&c->cfg);
	return mem_vs_node_mem(c, err, errlen);
}

/*
 * sysctl.c's verdict, with the option named the way the user typed it:
 * "--sysctl vm.min_free_kbytes: 'abc' is not ...". Unknown names are
 * -EINVAL here too: to a config, a bad name is a bad value.
 */
static int check_sysctl_text(const char *name, const char *value, char *err, size_t errlen)
{
	char why[400] = "";
	int ret = sysctl_check_text(name, value, why, sizeof(why));

	if (!ret)
		return 0;
	return fail(err, errlen, "--sysctl%s%s", strncmp(why, "vm.", 3) ? ": " : " ", why);
}

/* "vm.KEY=VALUE" (or "KEY=VALUE"), checked now, applied after boot. */
static int set_sysctl(struct boot_config *cfg, const char *v, char *err, size_t errlen)
{
	const char *eq = v ? strchr(v, '=') : NULL;
	char name[64];
	size_t nlen;
	int ret;

	if (!eq || eq == v)
		return fail(err, errlen, "--sysctl: '%s' is not vm.NAME=VALUE "
			    "(e.g. vm.min_free_kbytes=65536)", v ? v : "");
	nlen = (size_t)(eq - v);
	if (strncmp(v, "vm.", 3) != 0)
		nlen += 3;	/* the "vm." we add */
	if (nlen >= sizeof(name) || strlen(eq + 1) >= sizeof(cfg->sysctl[0].value))
		return fail(err, errlen, "--sysctl: '%s' is too long", v);
	snprintf(name, sizeof(name), "%s%.*s", strncmp(v, "vm.", 3) ? "vm." : "",
		 (int)(eq - v), v);
	ret = check_sysctl_text(name, eq + 1, err, errlen);
	if (ret)
		return ret;
	if (cfg->nr_sysctls == MMSIM_MAX_SYSCTL_ARGS)
		return fail(err, errlen, "--sysctl: more than %d settings", MMSIM_MAX_SYSCTL_ARGS);
	snprintf(cfg->sysctl[cfg->nr_sysctls].name, sizeof(cfg->sysctl[0].name), "%s", name);
	snprintf(cfg->sysctl[cfg->nr_sysctls].value, sizeof(cfg->sysctl[0].value), "%s", eq + 1);
	cfg->nr_sysctls++;
	return 0;
}

static int set_disk(struct boot_config *cfg, const char *v, char *err, size_t errlen)
{
	if (!v || !*v || strlen(v) >= sizeof(cfg->disk))
		return fail(err, errlen, "--disk: give a directory path (under %zu bytes)",
			    sizeof(cfg->disk));
	snprintf(cfg->disk, sizeof(cfg->disk), "%s", v);
	return 0;
}

/* Options whose value is a plain size or flag, by key. */
static int set_simple(struct mmsim_config *c, const char *key, const char *opt,
		      const char *v, char *err, size_t errlen)
{
	struct boot_config *cfg = &c->cfg;
	int x = 0, ret;

	if (!strcmp(key, "swap"))
		return parse_swap_opt(cfg, opt, v, err, errlen);
	if (!strcmp(key, "kernel_image"))
		return parse_size_opt(opt, v, &cfg->kernel_image_bytes, err, errlen);
	if (!strcmp(key, "movablecore"))
		return parse_size_opt(opt, v, &cfg->movablecore_bytes, err, errlen);
	if (!strcmp(key, "kernelcore"))
		return parse_size_opt(opt, v, &cfg->kernelcore_bytes, err, errlen);
	if (!strcmp(key, "cpus"))
		return parse_int(opt, v, &cfg->nr_cpus, err, errlen);
	if (!strcmp(key, "seed"))
		return parse_u64(opt, v, &cfg->seed, err, errlen);
	if (!strcmp(key, "metadata_only"))
		return parse_bool(opt, v, &cfg->metadata_only, err, errlen);
	if (!strcmp(key, "zero_page"))
		return parse_bool(opt, v, &cfg->zero_page, err, errlen);
	if (!strcmp(key, "pcid"))
		return parse_bool(opt, v, &cfg->pcid, err, errlen);
	if (!strcmp(key, "pti"))
		return parse_bool(opt, v, &cfg->pti, err, errlen);
	if (!strcmp(key, "debug_tlbflush"))
		return parse_bool(opt, v, &cfg->debug_tlbflush, err, errlen);
	if (!strcmp(key, "aslr"))
		return parse_bool(opt, v, &cfg->aslr, err, errlen);
	/* vmalloc (issue 7) */
	if (!strcmp(key, "vmalloc_fault"))
		return parse_bool(opt, v, &cfg->vmalloc_fault, err, errlen);
	if (!strcmp(key, "pgtable_levels")) {
		ret = parse_int(opt, v, &x, err, errlen);
		if (!ret && x != 4 && x != 5)
			return fail(err, errlen, "%s: 4 or 5 levels, not %d", opt, x);
		cfg->pgtable_levels = ret ? cfg->pgtable_levels : x;
		return ret;
	}
	if (!strcmp(key, "console"))
		return parse_bool(opt, v, &cfg->console, err, errlen);
	if (!strcmp(key, "rmap")) {
		ret = parse_choice(opt, v, rmap_names, ARRAY_SIZE(rmap_names), &x, err, errlen);
		cfg->rmap = ret ? cfg->rmap : (enum rmap_mode)x;
		return ret;
	}
	if (!strcmp(key, "thp")) {
		ret = parse_choice(opt, v, thp_names, ARRAY_SIZE(thp_names), &x, err, errlen);
		cfg->thp = ret ? cfg->thp : (enum thp_mode)x;
		return ret;
	}
	if (!strcmp(key, "arch")) {
		ret = parse_choice(opt, v, arch_names, ARRAY_SIZE(arch_names), &x, err, errlen);
		cfg->arch = ret ? cfg->arch : (enum mmsim_arch)x;
		return ret;
	}
	return -ENOENT;
}

/* hugetlb boot keys, as the kernel command line reads them (hugetlb_setup). */
static int hugetlb_size_idx(const char *opt, const char *v, int *idx, char *err, size_t errlen)
{
	uint64_t bytes;

	if (mmsim_parse_size(v, &bytes, NULL, 0) || (bytes != (2ULL << 20) && bytes != (1ULL << 30)))
		return fail(err, errlen, "%s: 2M or 1G, not '%s'", opt, v ? v : "");
	*idx = bytes == (1ULL << 30) ? HSTATE_1G : HSTATE_2M;
	return 0;
}

static int set_hugetlb(struct boot_config *cfg, const char *key, const char *opt,
		       const char *v, char *err, size_t errlen)
{
	uint64_t n;
	int idx = HSTATE_2M, ret;

	if (!strcmp(key, "hugepagesz")) {
		ret = hugetlb_size_idx(opt, v, &idx, err, errlen);
		cfg->hugepagesz_idx = ret ? cfg->hugepagesz_idx : 1 + idx;
		return ret;
	}
	if (!strcmp(key, "default_hugepagesz")) {
		ret = hugetlb_size_idx(opt, v, &idx, err, errlen);
		cfg->default_hugepagesz_1g = ret ? cfg->default_hugepagesz_1g : idx == HSTATE_1G;
		return ret;
	}
	if (!strcmp(key, "hugepages")) {
		ret = parse_u64(opt, v, &n, err, errlen);
		if (ret)
			return ret;
		if (n > (1UL << 31))
			return fail(err, errlen, "%s: at most %lu pages", opt, 1UL << 31);
		/* Before any hugepagesz=, the default size's, whichever it turns out to be. */
		if (!cfg->hugepagesz_idx)
			cfg->hugepages_default = (unsigned long)n;
		else
			cfg->hugepages[cfg->hugepagesz_idx - 1] = (unsigned long)n;
		return 0;
	}
	return -ENOENT;
}

static int unknown_key(const char *key, char *err, size_t errlen)
{
	char list[300] = "";

	for (const char *const *k = config_keys; *k; k++) {
		strncat(list, *k, sizeof(list) - strlen(list) - 1);
		if (k[1])
			strncat(list, " ", sizeof(list) - strlen(list) - 1);
	}
	return fail(err, errlen, "unknown machine option '%s'; known: %s", key ? key : "", list);
}

/*
 * NUMA: --node-distance D (every remote pair) or the SLIT as rows,
 * "10,20;20,10" (',' between entries, ';' between rows). Checked against
 * --nodes at boot (check_node_distance).
 */
static int set_node_distance(struct boot_config *cfg, const char *value, char *err,
			     size_t errlen)
{
	const char *p = value;
	int n = 0, rows = 1;

	if (!value || !*value)
		return fail(err, errlen, "--node-distance: give a distance (30) or rows (10,20;20,10)");
	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || v < 1 || v > 255 || n >= MAX_NUMNODES * MAX_NUMNODES)
			return fail(err, errlen, "--node-distance '%s': not a list of distances "
				    "(10-254)", value);
		cfg->distance[n++] = (unsigned char)v;
		p = end;
		if (*p == ';')
			rows++;
		else if (*p && *p != ',')
			return fail(err, errlen, "--node-distance '%s': separate entries with ',' "
				    "and rows with ';'", value);
		if (*p)
			p++;
	}
	cfg->nr_distances = n;
	cfg->nr_distance_rows = rows;
	return 0;
}

int mmsim_config_set(mmsim_config *c, const char *key, const char *value,
		     char *err, size_t errlen)
{
	char opt[40];
	int ret;

	if (!c || !key)
		return fail(err, errlen, "mmsim_config_set: no config or key");
	option_name(key, opt, sizeof(opt));
	if (!strcmp(key, "mem")) {
		ret = parse_size_opt(opt, value, &c->cfg.mem_bytes, err, errlen);
		c->given |= ret ? 0 : GIVEN_MEM;
		return ret ? ret : mem_vs_node_mem(c, err, errlen);
	}
	if (!strcmp(key, "node_mem"))
		return set_node_mem(c, value, err, errlen);
	if (!strcmp(key, "nodes")) {
		ret = parse_int(opt, value, &c->cfg.nr_nodes, err, errlen);
		c->given |= ret ? 0 : GIVEN_NODES;
		return ret;
	}
	if (!strcmp(key, "sysctl"))
		return set_sysctl(&c->cfg, value, err, errlen);
	if (!strcmp(key, "disk"))
		return set_disk(&c->cfg, value, err, errlen);
	/* NUMA */
	if (!strcmp(key, "node_distance"))
		return set_node_distance(&c->cfg, value, err, errlen);
	ret = set_simple(c, key, opt, value, err, errlen);
	if (ret == -ENOENT)
		ret = set_hugetlb(&c->cfg, key, opt, value, err, errlen);
	return ret == -ENOENT ? unknown_key(key, err, errlen) : ret;
}

const char *const *mmsim_config_keys(void)
{
	return config_keys;
}

mmsim_config *mmsim_config_new(void)
{
	mmsim_config *c = calloc(1, sizeof(*c));

	if (c)
		boot_config_defaults(&c->cfg);
	return c;
}

void mmsim_config_free(mmsim_config *c)
{
	free(c);
}

/*
 * The library's view of a config, for mmsim_boot() and the Lua binding
 * (internal: not in mmsim.h, since struct boot_config is not public).
 */
const struct boot_config *mmsim_config_boot(const mmsim_config *c)
{
	return &c->cfg;
}

/* ---- The whole configuration ---- */

static int check_mem(const struct boot_config *cfg, char *err, size_t errlen)
{
	char s[32];
	uint64_t mem = cfg->mem_bytes;

	fmt_size(mem, s, sizeof(s));
	if (mem == 0)
		return fail(err, errlen, "--mem 0: a machine needs memory; try --mem 4G");
	if (mem % PAGE_SIZE)
		return fail(err, errlen, "--mem %s: must be a multiple of %lu bytes", s, PAGE_SIZE);
	if (mem < MIN_MEM_BYTES)
		return fail(err, errlen, "--mem %s: too small; the kernel image and its tables "
			    "need at least 32M", s);
	if (mem > MAX_MEM_BYTES)
		return fail(err, errlen, "--mem %s: too large; at most 64P can be simulated", s);
	if (cfg->arch == ARCH_I386 && mem > I386_MAX_MEM)
		return fail(err, errlen, "--mem %s: --arch i386 addresses at most 4G; "
			    "use --arch i386-pae (64G) or x86_64", s);
	if (cfg->arch == ARCH_I386_PAE && mem > I386_PAE_MAX_MEM)
		return fail(err, errlen, "--mem %s: --arch i386-pae addresses at most 64G; "
			    "use --arch x86_64", s);
	return 0;
}

/* Per-node sizes given: each sane, one per node, adding up to --mem. */
static int check_node_mem(const struct boot_config *cfg, int given, char *err, size_t errlen)
{
	char a[32], b[32];

	if (given != cfg->nr_nodes)
		return fail(err, errlen, "--nodes %d but --node-mem gives %d sizes; give one "
			    "size per node", cfg->nr_nodes, given);
	for (int i = 0; i < given; i++) {
		fmt_size(cfg->node_mem[i], a, sizeof(a));
		if (cfg->node_mem[i] % PAGE_SIZE)
			return fail(err, errlen, "--node-mem: node %d's %s must be a multiple of "
				    "%lu bytes", i, a, PAGE_SIZE);
		if (cfg->node_mem[i] < MIN_NODE_BYTES)
			return fail(err, errlen, "--node-mem: node %d has %s; each node needs at "
				    "least 8M", i, a);
	}
	if (node_mem_sum(cfg) != cfg->mem_bytes)
		return fail(err, errlen, "--node-mem adds up to %s but --mem is %s; make them agree",
			    fmt_size(node_mem_sum(cfg), a, sizeof(a)),
			    fmt_size(cfg->mem_bytes, b, sizeof(b)));
	return 0;
}

static int check_nodes(const struct boot_config *cfg, char *err, size_t errlen)
{
	char a[32], b[32];
	int given = 0;

	if (cfg->nr_nodes < 1 || cfg->nr_nodes > MAX_NUMNODES)
		return fail(err, errlen, "--nodes %d: must be between 1 and %d",
			    cfg->nr_nodes, MAX_NUMNODES);
	for (int i = 0; i < MAX_NUMNODES; i++)
		given = cfg->node_mem[i] ? i + 1 : given;
	if (given)
		return check_node_mem(cfg, given, err, errlen);
	if (cfg->mem_bytes / (uint64_t)cfg->nr_nodes < MIN_NODE_BYTES)
		return fail(err, errlen, "--nodes %d with --mem %s leaves %s per node; each node "
			    "needs at least 8M", cfg->nr_nodes, fmt_size(cfg->mem_bytes, a, sizeof(a)),
			    fmt_size(ALIGN_DOWN(cfg->mem_bytes / (uint64_t)cfg->nr_nodes, PAGE_SIZE),
				     b, sizeof(b)));
	return 0;
}

/* The kernel image and the ZONE_MOVABLE options, against memory. */
static int check_layout(const struct boot_config *cfg, char *err, size_t errlen)
{
	char a[32], m[32];

	fmt_size(cfg->mem_bytes, m, sizeof(m));
	fmt_size(cfg->kernel_image_bytes, a, sizeof(a));
	if (cfg->kernel_image_bytes == 0 || cfg->kernel_image_bytes % SZ_2M)
		return fail(err, errlen, "--kernel-image %s: must be a non-zero multiple of 2M", a);
	if (cfg->kernel_image_bytes > cfg->mem_bytes / 2)
		return fail(err, errlen, "--kernel-image %s: must be at most half of --mem %s", a, m);
	if (cfg->movablecore_bytes >= cfg->mem_bytes)
		return fail(err, errlen, "--movablecore %s: must be less than --mem %s",
			    fmt_size(cfg->movablecore_bytes, a, sizeof(a)), m);
	if (cfg->kernelcore_bytes >= cfg->mem_bytes)
		return fail(err, errlen, "--kernelcore %s: must be less than --mem %s",
			    fmt_size(cfg->kernelcore_bytes, a, sizeof(a)), m);
	if (cfg->swap_bytes && (cfg->swap_bytes % PAGE_SIZE || cfg->swap_bytes < MIN_SWAP_BYTES))
		return fail(err, errlen, "--swap %s: must be 0 or a multiple of 4K of at least 40K",
			    fmt_size(cfg->swap_bytes, a, sizeof(a)));
	if (cfg->swap_bytes > MAX_SWAP_BYTES)	/* swap (issue 5): cluster_info's kmalloc */
		return fail(err, errlen, "--swap %s: at most 256G",
			    fmt_size(cfg->swap_bytes, a, sizeof(a)));
	return 0;
}

static int check_modes(const struct boot_config *cfg, char *err, size_t errlen)
{
	if (cfg->nr_cpus < 1 || cfg->nr_cpus > MAX_CPUS)
		return fail(err, errlen, "--cpus %d: must be between 1 and %d", cfg->nr_cpus, MAX_CPUS);
	if ((unsigned)cfg->rmap >= ARRAY_SIZE(rmap_names))
		return fail(err, errlen, "--rmap: must be scan|pte_chain|anon_vma|anon_vma_chain");
	if ((unsigned)cfg->thp >= ARRAY_SIZE(thp_names))
		return fail(err, errlen, "--thp: must be always|madvise|never");
	if ((unsigned)cfg->arch >= ARRAY_SIZE(arch_names))
		return fail(err, errlen, "--arch: must be x86_64|i386-pae|i386");
	return 0;
}

/* Linux's numa_set_distance rules: 10 on the diagonal, more than that elsewhere. */
static int check_node_distance(const struct boot_config *cfg, char *err, size_t errlen)
{
	int n = cfg->nr_nodes;

	if (!cfg->nr_distances)
		return 0;
	if (cfg->nr_distances == 1) {
		if (cfg->distance[0] <= 10 || cfg->distance[0] == 255)
			return fail(err, errlen, "--node-distance %d: a remote distance is 11-254",
				    cfg->distance[0]);
		return 0;
	}
	if (cfg->nr_distances != n * n || cfg->nr_distance_rows != n)
		return fail(err, errlen, "--node-distance: %d values in %d rows for %d nodes; give "
			    "%d rows of %d", cfg->nr_distances, cfg->nr_distance_rows, n, n, n);
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++) {
			int d = cfg->distance[a * n + b];

			if (a == b ? d != 10 : d <= 10 || d == 255)
				return fail(err, errlen, "--node-distance: node %d to %d is %d; a node "
					    "is 10 from itself, 11-254 from others", a, b, d);
		}
	return 0;
}

static int check_sysctls(const struct boot_config *cfg, char *err, size_t errlen)
{
	int ret;

	if (cfg->nr_sysctls < 0 || cfg->nr_sysctls > MMSIM_MAX_SYSCTL_ARGS)
		return fail(err, errlen, "--sysctl: at most %d settings", MMSIM_MAX_SYSCTL_ARGS);
	for (int i = 0; i < cfg->nr_sysctls; i++) {
		ret = check_sysctl_text(cfg->sysctl[i].name, cfg->sysctl[i].value, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int boot_config_check(const struct boot_config *cfg, char *err, size_t errlen)
{
	int ret;

	if (!cfg)
		return fail(err, errlen, "no boot configuration");
	ret = check_mem(cfg, err, errlen);
	if (!ret)
		ret = check_nodes(cfg, err, errlen);
	if (!ret)
		ret = check_layout(cfg, err, errlen);
	if (!ret)
		ret = check_modes(cfg, err, errlen);
	if (!ret)
		ret = check_sysctls(cfg, err, errlen);
	if (!ret)
		ret = check_node_distance(cfg, err, errlen);
	return ret;
}
