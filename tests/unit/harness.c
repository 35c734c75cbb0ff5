/*
 * harness.c - see harness.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mmsim/mmsim.h"

static mmsim_config *parse_options(const char *options, char *err, size_t errlen)
{
	mmsim_config *cfg = mmsim_config_new();
	char *copy = strdup(options ? options : "");
	char *save = NULL;

	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			snprintf(err, errlen, "bad test option '%s'", tok);
			goto fail;
		}
		*eq = '\0';
		if (mmsim_config_set(cfg, tok, eq + 1, err, errlen))
			goto fail;
	}
	free(copy);
	return cfg;
fail:
	free(copy);
	mmsim_config_free(cfg);
	return NULL;
}

struct machine *test_boot(const char *options)
{
	char err[512] = "";
	mmsim_config *cfg = parse_options(options, err, sizeof(err));
	struct machine *m;

	if (!cfg)
		fail_msg("config '%s': %s", options, err);
	m = mmsim_boot(cfg, err, sizeof(err));
	mmsim_config_free(cfg);
	if (!m)
		fail_msg("boot '%s': %s", options, err);
	check_machine(m);
	return m;
}

const char *test_boot_error(const char *options)
{
	static char err[512];
	mmsim_config *cfg;
	struct machine *m;

	err[0] = '\0';
	cfg = parse_options(options, err, sizeof(err));
	if (!cfg)
		return err;
	m = mmsim_boot(cfg, err, sizeof(err));
	mmsim_config_free(cfg);
	if (m) {
		mmsim_shutdown(m);
		fail_msg("boot '%s' succeeded, expected an error", options);
	}
	return err;
}

void check_machine(struct machine *m)
{
	int problems = machine_validate(m);

	if (problems) {
		char *log = mmsim_dmesg(m, NULL);

		fprintf(stderr, "%s", log);
		free(log);
		fail_msg("%d invariant problem(s); see the log above", problems);
	}
}

char *test_proc(struct machine *m, const char *file)
{
	char *text = mmsim_proc_read(m, file, NULL);

	if (!text)
		fail_msg("no /proc/%s", file);
	return text;
}

long test_free_pages(struct machine *m)
{
	return m->vm_zone_stat[NR_FREE_PAGES];
}
