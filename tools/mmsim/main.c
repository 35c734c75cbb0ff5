/*
 * main.c - the mmsim command: machine options, then a subcommand.
 *
 *   mmsim [machine options] show FILE...
 *   mmsim [machine options] run SCRIPT.lua [-- args]  |  run --scenario NAME
 *   mmsim scenarios
 *   mmsim [machine options] replay TRACE...
 *   mmsim [machine options] repl
 *   mmsim [machine options]            the default demo
 *
 * Machine options are one table (machine_opts[]) mapping each --option to
 * the mmsim_config_set() key it sets, so the help text, the "known
 * options" list of an error and the parser never disagree. Values are
 * checked by the library; this file only splits words.
 *
 * Every option applied is also recorded (cli_settings()), so `run` can
 * hand the command line's machine to the Lua module as the defaults of
 * mmsim.boot{}.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

enum opt_kind {
	OPT_VALUE,	/* --mem 4G or --mem=4G */
	OPT_FLAG,	/* --metadata-only, or --metadata-only=0|1 */
};

struct machine_opt {
	const char *name;	/* without the dashes */
	const char *key;	/* mmsim_config_set() key */
	enum opt_kind kind;
	const char *arg;	/* the argument's name in --help, e.g. SIZE */
	const char *help;
};

static const struct machine_opt machine_opts[] = {
	{ "mem", "mem", OPT_VALUE, "SIZE", "installed memory (default 4G); K M G T P units" },
	{ "node-mem", "node_mem", OPT_VALUE, "SIZE,...", "memory of each NUMA node (sets --nodes)" },
	{ "nodes", "nodes", OPT_VALUE, "N", "NUMA nodes, memory split evenly (default 1)" },
	{ "cpus", "cpus", OPT_VALUE, "N", "CPUs (default 2)" },
	{ "rmap", "rmap", OPT_VALUE, "MODE",
	  "reverse map: scan|pte_chain|anon_vma|anon_vma_chain (default anon_vma_chain)" },
	{ "thp", "thp", OPT_VALUE, "MODE", "always|madvise|never (default madvise)" },
	{ "arch", "arch", OPT_VALUE, "ARCH", "x86_64|i386-pae|i386 (default x86_64)" },
	{ "sysctl", "sysctl", OPT_VALUE, "vm.KEY=VALUE", "set a vm sysctl after boot (repeatable)" },
	{ "seed", "seed", OPT_VALUE, "N", "random seed (default 1)" },
	{ "metadata-only", "metadata_only", OPT_FLAG, NULL,
	  "do not keep user data (for huge machines)" },
	{ "kernel-image", "kernel_image", OPT_VALUE, "SIZE", "kernel image size (default 16M)" },
	{ "movablecore", "movablecore", OPT_VALUE, "SIZE", "size of ZONE_MOVABLE" },
	{ "kernelcore", "kernelcore", OPT_VALUE, "SIZE", "non-movable memory; the rest is movable" },
	{ "zero-page", "zero_page", OPT_VALUE, "0|1", "shared zero page (default 1)" },
	{ "pcid", "pcid", OPT_VALUE, "0|1", "TLB entries tagged by PCID (default 1)" },
	{ "pti", "pti", OPT_VALUE, "0|1", "kernel page-table isolation (default 0)" },
	{ "pgtable-levels", "pgtable_levels", OPT_VALUE, "4|5", "page-table levels (default 4)" },
	{ "aslr", "aslr", OPT_VALUE, "0|1", "randomise mmap base, stack and brk from --seed (default 0)" },
	{ "debug-tlbflush", "debug_tlbflush", OPT_FLAG, NULL, "print the nr_tlb_* counters in vmstat" },
	/* vmalloc (issue 7) */
	{ "vmalloc-fault", "vmalloc_fault", OPT_FLAG, NULL,
	  "pre-5.8 x86-64: copy vmalloc PGD entries into a process's pgd on fault" },
	{ "console", "console", OPT_FLAG, NULL, "echo the kernel log to stderr" },
	/* NUMA */
	{ "node-distance", "node_distance", OPT_VALUE, "D|ROWS",
	  "NUMA distances: one remote distance, or the SLIT as 10,20;20,10" },
	/* hugetlb (the kernel command line's keys; repeat --hugepagesz/--hugepages pairs) */
	{ "hugepagesz", "hugepagesz", OPT_VALUE, "2M|1G", "the size the next --hugepages sets" },
	{ "hugepages", "hugepages", OPT_VALUE, "N", "hugetlb pages allocated at boot (1G: from memblock)" },
	{ "default-hugepagesz", "default_hugepagesz", OPT_VALUE, "2M|1G",
	  "the size of vm.nr_hugepages and meminfo's HugePages_* (default 2M)" },
	/* swap (issue 5) */
	{ "swap", "swap", OPT_VALUE, "SIZE[@PRIO]", "a swap file /swapfile of SIZE (priority 0-32767)" },
	/* files (issue 5) */
	{ "disk", "disk", OPT_VALUE, "DIR", "the disk's files live in DIR (default: a fresh temporary one)" },
};

static const struct machine_opt *find_opt(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(machine_opts) / sizeof(machine_opts[0]); i++) {
		if (strlen(machine_opts[i].name) == len && !strncmp(machine_opts[i].name, name, len))
			return &machine_opts[i];
	}
	return NULL;
}

static void list_options(FILE *out)
{
	for (size_t i = 0; i < sizeof(machine_opts) / sizeof(machine_opts[0]); i++)
		fprintf(out, " --%s", machine_opts[i].name);
}

void cli_machine_options_help(FILE *out)
{
	char left[40];

	fprintf(out, "Machine options:\n");
	for (size_t i = 0; i < sizeof(machine_opts) / sizeof(machine_opts[0]); i++) {
		const struct machine_opt *o = &machine_opts[i];

		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(out, "  %-26s %s\n", left, o->help);
	}
}

/* The value of an option: after '=', or the next word. NULL if missing. */
static const char *opt_value(const struct machine_opt *o, const char *eq, int argc,
			     char **argv, int *i)
{
	if (eq)
		return eq + 1;
	if (o->kind == OPT_FLAG)
		return "1";
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static struct cli_setting *settings;
static size_t nr_settings, max_settings;

const struct cli_setting *cli_settings(size_t *n)
{
	*n = nr_settings;
	return settings;
}

/* Remember an applied option; values point into argv, which outlives us. */
static int record_setting(const char *key, const char *value)
{
	if (nr_settings == max_settings) {
		size_t max = max_settings ? 2 * max_settings : 16;
		struct cli_setting *s = realloc(settings, max * sizeof(*s));

		if (!s)
			return -1;
		settings = s;
		max_settings = max;
	}
	settings[nr_settings++] = (struct cli_setting){ key, value };
	return 0;
}

int cli_machine_option(mmsim_config *cfg, int argc, char **argv, int *i)
{
	const char *word = argv[*i], *eq, *value;
	const struct machine_opt *o;
	char err[512];

	if (strncmp(word, "--", 2) != 0 || word[2] == '\0')
		return 0;
	eq = strchr(word, '=');
	o = find_opt(word + 2, eq ? (size_t)(eq - word - 2) : strlen(word + 2));
	if (!o) {
		fprintf(stderr, "mmsim: unknown option '%.*s'; machine options:",
			eq ? (int)(eq - word) : (int)strlen(word), word);
		list_options(stderr);
		fprintf(stderr, " (see mmsim --help)\n");
		return -1;
	}
	value = opt_value(o, eq, argc, argv, i);
	if (!value) {
		fprintf(stderr, "mmsim: --%s needs a value (%s)\n", o->name, o->arg);
		return -1;
	}
	if (mmsim_config_set(cfg, o->key, value, err, sizeof(err))) {
		fprintf(stderr, "mmsim: %s\n", err);
		return -1;
	}
	if (record_setting(o->key, value)) {
		fprintf(stderr, "mmsim: out of memory\n");
		return -1;
	}
	(*i)++;
	return 1;
}

mmsim_machine *cli_boot(const mmsim_config *cfg, const char *who)
{
	char err[512] = "";
	mmsim_machine *m = mmsim_boot(cfg, err, sizeof(err));

	if (!m)
		fprintf(stderr, "%s: cannot boot the machine: %s\n", who,
			err[0] ? err : "unknown reason");
	return m;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mmsim [machine options] [COMMAND]\n"
		"\n"
		"mmsim is the Linux memory manager rebuilt in user space: it boots a\n"
		"simulated machine and shows what Linux would show in /proc.\n"
		"\n"
		"Commands:\n"
		"  (none)               the default demo: boots a machine and explains\n"
		"                       the buddy allocator, fragmentation and kmalloc\n"
		"  show FILE...         boot and print /proc files (mmsim show --help)\n"
		"  run SCRIPT.lua [-- ARGS...]\n"
		"                       run a Lua script with the mmsim module; machine\n"
		"                       options are the defaults of its mmsim.boot{}\n"
		"                       (mmsim run --help, docs/scripting.md)\n"
		"  run --scenario NAME  run a built-in scenario\n"
		"  scenarios            list the built-in scenarios\n"
		"  replay TRACE...      replay Valgrind lackey traces through the MMU,\n"
		"                       one process each (mmsim replay --help)\n"
		"  repl                 interactive Lua with a machine booted as 'm'\n"
		"                       (mmsim repl --help)\n"
		"\n");
	cli_machine_options_help(out);
	fprintf(out, "\n");
	output_options_help(out, OUTPUT_OPT_ALL);
	fprintf(out,
		"\n"
		"Other options:\n"
		"  -h, --help                 this help\n"
		"  --version                  print the version\n"
		"\n"
		"Examples:\n"
		"  mmsim\n"
		"  mmsim show meminfo buddyinfo\n"
		"  mmsim run --scenario buddy-fragmentation\n"
		"  mmsim --mem 256M run myscript.lua -- 42\n"
		"  mmsim --mem 1T --metadata-only --nodes 4 show zoneinfo\n"
		"  mmsim --mem 256M --sysctl vm.min_free_kbytes=8192 show zoneinfo\n"
		"  mmsim --mem 256M replay traces/sort.lackey.gz\n");
}

/* After the machine options: the command word and its arguments. */
static int dispatch(mmsim_config *cfg, int argc, char **argv, int i, bool user_options)
{
	const char *cmd = argv[i];

	/* output options: only commands that follow a machine take them */
	if ((i == argc || !strcmp(cmd, "scenarios")) &&
	    output_check(output_opts(), 0, i == argc ? "mmsim (the demo)" : "mmsim scenarios"))
		return EXIT_USAGE;
	if (i == argc)
		return cmd_demo(cfg, user_options);
	if (!strcmp(cmd, "show"))
		return cmd_show(cfg, argc - i - 1, argv + i + 1);
	if (!strcmp(cmd, "run"))
		return cmd_run(cfg, argc - i - 1, argv + i + 1);
	if (!strcmp(cmd, "scenarios"))
		return cmd_scenarios(argc - i - 1, argv + i + 1);
	/* replay (issue 6): Valgrind lackey traces, one process each. */
	if (!strcmp(cmd, "replay"))
		return cmd_replay(cfg, argc - i - 1, argv + i + 1);
	/* proctools: interactive Lua */
	if (!strcmp(cmd, "repl"))
		return cmd_repl(cfg, argc - i - 1, argv + i + 1);
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "mmsim: unknown command '%s'; commands: show run scenarios replay repl "
		"(see mmsim --help)\n", cmd);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	mmsim_config *cfg = mmsim_config_new();
	int i = 1, ret = 0;
	bool user_options = false;

	if (!cfg) {
		fprintf(stderr, "mmsim: out of memory\n");
		return EXIT_MACHINE;
	}
	while (i < argc && ret >= 0) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			ret = 0;
			goto out;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("mmsim %s\n", MMSIM_VERSION);
			ret = 0;
			goto out;
		}
		/* output options before the command (output.h); the command checks them */
		ret = output_option(output_opts(), OUTPUT_OPT_ALL, "mmsim", argc, argv, &i);
		if (ret > 0)
			continue;
		if (ret == 0)
			ret = cli_machine_option(cfg, argc, argv, &i);
		if (ret == 0 && argv[i][0] == '-') {
			fprintf(stderr, "mmsim: unknown option '%s'; see mmsim --help\n", argv[i]);
			ret = -1;
		}
		if (ret == 0)
			break;
		user_options |= ret > 0;
	}
	ret = ret < 0 ? EXIT_USAGE : dispatch(cfg, argc, argv, i, user_options);
out:
	mmsim_config_free(cfg);
	free(settings);
	return ret;
}
