/*
 * show.c - `mmsim [machine options] show FILE...`: boot, print /proc files.
 *
 * Names are checked before the machine boots, so a typo costs nothing even
 * on a terabyte machine. One file prints exactly as Linux would (tools can
 * parse it); several are separated by "==> /proc/NAME <==" lines, as
 * head(1) does with several files.
 *
 * Known names: whatever mmsim_proc_files() lists, "sys/vm/NAME" for each
 * sysctl, and "dmesg" (the kernel log). A leading "/proc/" is accepted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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

static bool known_file(const char *name)
{
	return !strcmp(name, "dmesg") || in_list(mmsim_proc_files(), name) ||
	       known_sysctl_file(name);
}

static void list_known(FILE *out)
{
	for (const char *const *f = mmsim_proc_files(); f && *f; f++)
		fprintf(out, "%s ", *f);
	fprintf(out, "sys/vm/NAME dmesg");
}

static void show_usage(FILE *out)
{
	fprintf(out,
		"Usage: mmsim [machine options] show FILE...\n"
		"\n"
		"Boot the machine and print each /proc file as Linux would.\n"
		"FILE is one of: ");
	list_known(out);
	fprintf(out,
		"\n"
		"(a leading /proc/ is accepted; sys/vm/NAME is a vm sysctl, e.g.\n"
		"sys/vm/min_free_kbytes; dmesg is the kernel log of the boot).\n"
		"Machine options may also follow 'show' (see mmsim --help).\n"
		"\n"
		"Examples:\n"
		"  mmsim show meminfo\n"
		"  mmsim --mem 1T --metadata-only --nodes 4 show buddyinfo zoneinfo\n");
}

static int print_file(mmsim_machine *m, const char *name, bool header)
{
	size_t len = 0;
	char *text = strcmp(name, "dmesg") ? mmsim_proc_read(m, name, &len)
					   : mmsim_dmesg(m, &len);

	if (!text) {
		fprintf(stderr, "mmsim show: cannot read '%s': %s\n", name, strerror(errno));
		return EXIT_MACHINE;
	}
	if (header)
		printf("==> %s%s <==\n", strcmp(name, "dmesg") ? "/proc/" : "", name);
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

/* Split args into machine options (applied to cfg) and file names. */
static int collect(mmsim_config *cfg, int argc, char **argv, const char **files, int *n)
{
	for (int i = 0; i < argc;) {
		int r;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return show_usage(stdout), 1;
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
		files[(*n)++] = strip_proc(argv[i++]);
	}
	return 0;
}

static int check_names(const char **files, int n)
{
	if (n == 0) {
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

int cmd_show(mmsim_config *cfg, int argc, char **argv)
{
	const char **files = calloc((size_t)argc + 1, sizeof(*files));
	mmsim_machine *m = NULL;
	int n = 0, ret = collect(cfg, argc, argv, files, &n);

	if (ret) {
		ret = ret > 0 ? 0 : EXIT_USAGE;
		goto out;
	}
	if (check_names(files, n)) {
		ret = EXIT_USAGE;
		goto out;
	}
	m = cli_boot(cfg, "mmsim show");
	if (!m) {
		ret = EXIT_MACHINE;
		goto out;
	}
	for (int i = 0; i < n && !ret; i++) {
		if (i > 0)
			putchar('\n');
		ret = print_file(m, files[i], n > 1);
	}
	mmsim_shutdown(m);
out:
	free(files);
	return ret;
}
