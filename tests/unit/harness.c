/*
 * harness.c - see harness.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

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

/*
 * MMSIM_TEST_BOOT adds options in front of every test's own (which win),
 * so the whole suite can run again on another design: CTest runs the
 * process tests once per rmap mode that way.
 */
static char *with_env_options(const char *options)
{
	const char *env = getenv("MMSIM_TEST_BOOT");
	size_t len = (env ? strlen(env) : 0) + strlen(options ? options : "") + 2;
	char *all = malloc(len);

	if (!all)
		abort();
	snprintf(all, len, "%s %s", env ? env : "", options ? options : "");
	return all;
}

struct machine *test_boot(const char *options)
{
	char err[512] = "";
	char *all = with_env_options(options);
	mmsim_config *cfg = parse_options(all, err, sizeof(err));
	struct machine *m;

	free(all);
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

struct lines split_lines(const char *text)
{
	struct lines l = { strdup(text), NULL, 0 };
	int cap = 64;

	l.v = malloc(sizeof(char *) * (size_t)cap);
	for (char *p = l.buf; *p;) {
		char *nl = strchr(p, '\n');

		if (l.n == cap)
			l.v = realloc(l.v, sizeof(char *) * (size_t)(cap *= 2));
		l.v[l.n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return l;
}

void free_lines(struct lines *l)
{
	free(l->buf);
	free(l->v);
}

char *read_text_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, len = 0, n;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

bool host_is_reference(void)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.sysname, "Linux") && !strncmp(u.release, "6.18", 4);
}
