/*
 * show.c - `mmsim [machine options] show FILE...`: boot, print /proc files.
 *
 * Names are checked before the machine boots, so a typo costs nothing even
 * on a terabyte machine. One file prints exactly as Linux would (tools can
 * parse it); several are separated by "==> /proc/NAME <==" lines, as
 * head(1) does with several files.
 *
 * Known names: whatever mmsim_proc_files() lists, "sys/vm/NAME" for each
 * sysctl, "dmesg" (the kernel log), and "PID/NAME" or "self/NAME" for each
 * per-process file mmsim_proc_pid_files() lists. A leading "/proc/" is
 * accepted. A plain boot runs no process, so "--spawn COMM" (repeatable)
 * starts processes first: pids count from 1 in the order given; "self" is
 * the process the simulated kernel ran last.
 *
 * --json prints the summary of output.h's JSON sink instead (the machine
 * after boot and --spawn), with the FILEs named, if any, as text in its
 * "proc" object. No time passes in show, so the time-series outputs
 * (--vmstat, --csv, --plot) are refused. --procfs DIR writes the machine's
 * /proc tree (procfs.c) once, after boot and --spawn; FILEs are optional.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

/* --json, and --procfs DIR: the tree of the machine after boot and --spawn. */
#define SHOW_OUTPUT_OPTS	(OUTPUT_OPT_JSON | OUTPUT_OPT_PROCFS)

static const char *strip_proc(const char *name)
{
	return strncmp(name, "/proc/", 6) ? name : name + 6;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

/* "sys/vm/swappiness" is known when "vm.swappiness" is a sysctl. */
static bool known_sysctl_file(const char *name)
{
	char dotted[128];

	if (strncmp(name, "sys/vm/", 7) || !name[7])
		return false;
	snprintf(dotted, sizeof(dotted), "vm.%s", name + 7);
	return in_list(mmsim_sysctl_names(), dotted);
}

/* "12/maps" or "self/status": a pid (no leading zero) or self, then a per-process file. */
static bool known_pid_file(const char *name)
{
	size_t n = strspn(name, "0123456789");

	if (n > 0 && name[0] == '0')
		return false;
	if (n == 0 && !strncmp(name, "self", 4))
		n = 4;
	return n > 0 && name[n] == '/' && in_list(mmsim_proc_pid_files(), name + n + 1);
}

static bool known_file(const char *name)
{
	return !strcmp(name, "dmesg") || in_list(mmsim_proc_files(), name) ||
	       known_sysctl_file(name) || known_pid_file(name) ||
	       !strncmp(name, "/sys/", 5);	/* NUMA sysfs files: checked after boot */
}

static void list_known(FILE *out)
{
	for (const char *const *f = mmsim_proc_files(); f && *f; f++)
		fprintf(out, "%s ", *f);
	fprintf(out, "sys/vm/NAME dmesg PID/{");
	for (const char *const *f = mmsim_proc_pid_files(); f && *f; f++)
		fprintf(out, "%s%s", *f, f[1] ? "," : "}");
	fprintf(out, " /sys/devices/system/node/nodeN/{numastat,distance,meminfo,cpulist}"
		     " /sys/kernel/mm/mempolicy/weighted_interleave/nodeN");
}

static void show_usage(FILE *out)
{
	fprintf(out,
		"Usage: mmsim [machine options] show FILE... [--spawn COMM]...\n"
		"\n"
		"Boot the machine and print each /proc file as Linux would.\n"
		"FILE is one of: ");
	list_known(out);
	fprintf(out,
		"\n"
		"(a leading /proc/ is accepted; sys/vm/NAME is a vm sysctl, e.g.\n"
		"sys/vm/min_free_kbytes; dmesg is the kernel log of the boot;\n"
		"PID/NAME is a process's file, e.g. 1/maps; self/NAME is the\n"
		"process the simulated kernel ran last; the hugetlb pools' files\n"
		"are /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages and its\n"
		"kin, and /sys/devices/system/node/nodeN/hugepages/...).\n"
		"\n"
		"  --spawn COMM   start a process running the simulated program COMM\n"
		"                 after boot (repeatable; pids count from 1)\n"
		"  --json         print a JSON summary of the machine instead (vmstat,\n"
		"                 meminfo, zones, tasks); FILEs named go in its \"proc\"\n"
		"  --procfs DIR   also write the machine's /proc tree into DIR, for\n"
		"                 procps tools (docs/procfs.md); FILEs are optional\n"
		"\n"
		"Machine options may also follow 'show' (see mmsim --help).\n"
		"\n"
		"Examples:\n"
		"  mmsim show meminfo\n"
		"  mmsim show --spawn demo 1/maps 1/status\n"
		"  mmsim show --json --spawn demo\n"
		"  mmsim show --procfs /tmp/mm --spawn demo\n"
		"  mmsim --mem 1T --metadata-only --nodes 4 show buddyinfo zoneinfo\n");
}

static int print_file(mmsim_machine *m, const char *name, bool header)
{
	size_t len = 0;
	char *text = strcmp(name, "dmesg") ? mmsim_proc_read(m, name, &len)
					   : mmsim_dmesg(m, &len);

	if (!text && known_pid_file(name)) {
		fprintf(stderr, "mmsim show: cannot read '%s': no such process (start one "
				"with --spawn COMM)\n", name);
		return EXIT_MACHINE;
	}
	if (!text) {
		fprintf(stderr, "mmsim show: cannot read '%s': %s\n", name, strerror(errno));
		return EXIT_MACHINE;
	}
	if (header)
		printf("==> %s%s <==\n", strcmp(name, "dmesg") && name[0] != '/' ? "/proc/" : "", name);
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

/* What the command line asks for besides the machine. */
struct show_args {
	const char **files;	/* argc slots */
	int nr_files;
	const char **spawn;	/* argc slots: programs to start, in order */
	int nr_spawn;
};

/* --spawn COMM or --spawn=COMM: 1 if argv[*i] is one (consumed), -1 if bad. */
static int spawn_option(struct show_args *a, int argc, char **argv, int *i)
{
	const char *word = argv[*i], *comm;

	if (!strcmp(word, "--spawn")) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "mmsim show: --spawn needs a program name (COMM)\n");
			return -1;
		}
		comm = argv[++*i];
	} else if (!strncmp(word, "--spawn=", 8)) {
		comm = word + 8;
	} else {
		return 0;
	}
	if (!*comm) {
		fprintf(stderr, "mmsim show: --spawn needs a program name (COMM)\n");
		return -1;
	}
	a->spawn[a->nr_spawn++] = comm;
	(*i)++;
	return 1;
}

/* Split args into machine options (applied to cfg), --spawn and file names. */
static int collect(mmsim_config *cfg, int argc, char **argv, struct show_args *a)
{
	for (int i = 0; i < argc;) {
		int r;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return show_usage(stdout), 1;
		r = output_option(output_opts(), SHOW_OUTPUT_OPTS, "mmsim show", argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		r = spawn_option(a, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		r = cli_machine_option(cfg, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (argv[i][0] == '-') {
			fprintf(stderr, "mmsim show: unknown option '%s'; see mmsim show --help\n",
				argv[i]);
			return -1;
		}
		a->files[a->nr_files++] = strip_proc(argv[i++]);
	}
	return 0;
}

static int check_names(const char **files, int n)
{
	if (n == 0 && !output_opts()->json && !output_opts()->procfs_dir) {
		fprintf(stderr, "mmsim show: name at least one file; known: ");
		list_known(stderr);
		fputc('\n', stderr);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (!known_file(files[i])) {
			fprintf(stderr, "mmsim show: no such file '%s'; known: ", files[i]);
			list_known(stderr);
			fputc('\n', stderr);
			return -1;
		}
	}
	return 0;
}

/* --json: the summary, with the files named as text. */
static int show_json(mmsim_machine *m, const struct show_args *a)
{
	struct output *out = output_new(output_opts(), "mmsim show");
	int ret;

	if (!out)
		return EXIT_MACHINE;
	output_boot(out, m);
	for (int i = 0; i < a->nr_files; i++) {
		size_t len = 0;
		char *text = strcmp(a->files[i], "dmesg") ? mmsim_proc_read(m, a->files[i], &len)
							  : mmsim_dmesg(m, &len);

		if (!text) {
			fprintf(stderr, "mmsim show: cannot read '%s'\n", a->files[i]);
			output_free(out);
			return EXIT_MACHINE;
		}
		output_json_proc(out, a->files[i], text);
		free(text);
	}
	ret = output_finish(out);
	output_free(out);
	return ret;
}

/* Start the --spawn processes in order; 0 or EXIT_MACHINE after saying why. */
static int spawn_all(mmsim_machine *m, const struct show_args *a)
{
	for (int i = 0; i < a->nr_spawn; i++) {
		int pid = mmsim_spawn(m, a->spawn[i]);

		if (pid < 0) {
			fprintf(stderr, "mmsim show: cannot spawn '%s': %s\n", a->spawn[i],
				strerror(-pid));
			return EXIT_MACHINE;
		}
	}
	return 0;
}

int cmd_show(mmsim_config *cfg, int argc, char **argv)
{
	struct show_args a = {
		.files = calloc((size_t)argc + 1, sizeof(*a.files)),
		.spawn = calloc((size_t)argc + 1, sizeof(*a.spawn)),
	};
	mmsim_machine *m = NULL;
	struct output *tree = NULL;	/* --procfs without --json (show_json has its own) */
	int ret;

	if (!a.files || !a.spawn) {
		fprintf(stderr, "mmsim show: out of memory\n");
		ret = EXIT_MACHINE;
		goto out;
	}
	ret = collect(cfg, argc, argv, &a);
	if (ret) {
		ret = ret > 0 ? 0 : EXIT_USAGE;
		goto out;
	}
	if (output_check(output_opts(), SHOW_OUTPUT_OPTS, "mmsim show") ||
	    check_names(a.files, a.nr_files)) {
		ret = EXIT_USAGE;
		goto out;
	}
	/* --procfs: DIR is checked before a (maybe huge) machine boots. */
	if (output_opts()->procfs_dir && !output_opts()->json &&
	    !(tree = output_new(output_opts(), "mmsim show"))) {
		ret = EXIT_MACHINE;
		goto out;
	}
	m = cli_boot(cfg, "mmsim show");
	if (!m) {
		ret = EXIT_MACHINE;
		goto out;
	}
	ret = spawn_all(m, &a);
	if (tree && !ret) {
		output_boot(tree, m);
		ret = output_finish(tree);
	}
	if (output_opts()->json)
		ret = ret ? ret : show_json(m, &a);
	for (int i = 0; i < a.nr_files && !ret && !output_opts()->json; i++) {
		if (i > 0)
			putchar('\n');
		ret = print_file(m, a.files[i], a.nr_files > 1);
	}
	mmsim_shutdown(m);
out:
	output_free(tree);
	free(a.files);
	free(a.spawn);
	return ret;
}
