/*
 * json_out.c - --json: a summary of the machine followed last, on stdout
 * at the end, through jansson.
 *
 * {
 *   "mmsim_version": "0.1.0",
 *   "machines": N,                        machines the run booted
 *   "clock_ns": ..., "uptime_s": ...,     simulated time at the end
 *   "cpu": {"user_ns", "system_ns", "iowait_ns", "idle_ns"},  all CPUs summed
 *   "sched": {"interrupts", "context_switches", "forks"},
 *   "vmstat": {every /proc/vmstat counter, in its order},
 *   "meminfo": {every /proc/meminfo field: kB, or a count for HugePages_*},
 *   "zones": [{"node", "zone", "free", "min", "low", "high", "managed"}],  pages
 *   "tasks": [{"pid", "utime_ns", "stime_ns",
 *              "status": {every /proc/PID/status field}}],
 *   "proc": {"NAME": text}                only for `show --json NAME...`
 * }
 * A status value "123 kB" becomes 123 (kB, as meminfo), an integer becomes
 * a number, anything else a string with its tabs turned into spaces. With
 * no machine booted, "machines" is 0 and the machine's keys are absent.
 *
 * The summary is built at the machine's last moment (output_final: the end
 * of the script, or its shutdown if earlier) and printed by output_finish.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output.h"

struct json_out {
	json_t *summary;	/* of the machine followed last; NULL before one */
	json_t *proc;		/* show's files */
};

static int json_start(struct output *out)
{
	if (!out->opts->json)
		return 0;
	out->json = calloc(1, sizeof(*out->json));
	if (!out->json) {
		fprintf(stderr, "%s: out of memory\n", out->who);
		return -1;
	}
	return 0;
}

/* "123 kB" -> 123, "-5" -> -5; anything else is text. */
static json_t *field_value(const char *v)
{
	char *end;
	long long n;
	char *text, *p;

	while (*v == ' ' || *v == '\t')
		v++;
	if (*v && (isdigit((unsigned char)*v) || *v == '-')) {
		n = strtoll(v, &end, 10);
		if (end != v && (!*end || !strcmp(end, " kB")))
			return json_integer(n);
	}
	text = strdup(v);
	if (!text)
		return json_null();
	for (p = text; *p; p++)
		if (*p == '\t')
			*p = ' ';
	json_t *s = json_string(text);
	free(text);
	return s ? s : json_null();
}

/* "Key: value" lines into an object. */
static json_t *fields(const char *text)
{
	json_t *o = json_object();
	const char *line = text;

	while (o && line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *colon = memchr(line, ':', len);

		if (colon && colon > line) {
			char key[128], val[1024];

			snprintf(key, sizeof(key), "%.*s", (int)(colon - line), line);
			snprintf(val, sizeof(val), "%.*s", (int)(len - (size_t)(colon - line) - 1),
				 colon + 1);
			json_object_set_new(o, key, field_value(val));
		}
		line = end ? end + 1 : NULL;
	}
	return o;
}

static json_t *vmstat_object(mmsim_machine *m)
{
	size_t max = 512, n;
	struct mmsim_counter *c = malloc(max * sizeof(*c));
	json_t *o = json_object();

	if (!c)
		return o;
	n = mmsim_vmstat(m, c, max);
	for (size_t i = 0; i < n && i < max; i++)
		json_object_set_new(o, c[i].name, json_integer(c[i].value));
	free(c);
	return o;
}

static json_t *zones_array(mmsim_machine *m)
{
	struct zone_marks z[64];
	char *zi = proc_text(m, "zoneinfo");
	int n = zi ? zoneinfo_marks(zi, z, 64) : 0;
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I}",
						   "node", z[i].node, "zone", z[i].name,
						   "free", (json_int_t)z[i].free,
						   "min", (json_int_t)z[i].min,
						   "low", (json_int_t)z[i].low,
						   "high", (json_int_t)z[i].high,
						   "managed", (json_int_t)z[i].managed));
	free(zi);
	return a;
}

static json_t *tasks_array(mmsim_machine *m)
{
	size_t n = mmsim_pids(m, NULL, 0);
	int *pids = malloc((n + 1) * sizeof(*pids));
	json_t *a = json_array();

	if (!pids)
		return a;
	n = mmsim_pids(m, pids, n);
	for (size_t i = 0; i < n; i++) {
		char name[32], *status;
		uint64_t ut = 0, st = 0;
		json_t *t;

		snprintf(name, sizeof(name), "%d/status", pids[i]);
		status = proc_text(m, name);
		mmsim_task_times(m, pids[i], &ut, &st);
		t = json_pack("{s:i, s:I, s:I}", "pid", pids[i], "utime_ns", (json_int_t)ut,
			      "stime_ns", (json_int_t)st);
		json_object_set_new(t, "status", status ? fields(status) : json_object());
		json_array_append_new(a, t);
		free(status);
	}
	free(pids);
	return a;
}

static json_t *summary(mmsim_machine *m)
{
	struct mmsim_cpu_time ct;
	struct mmsim_sched_stats ss;
	uint64_t now = mmsim_clock_ns(m);
	char *mi = proc_text(m, "meminfo");
	json_t *o = json_object();

	mmsim_cpu_time(m, -1, &ct);
	mmsim_sched_stats(m, &ss);
	json_object_set_new(o, "clock_ns", json_integer((json_int_t)now));
	json_object_set_new(o, "uptime_s", json_real((double)now / 1e9));
	json_object_set_new(o, "cpu", json_pack("{s:I, s:I, s:I, s:I}",
						"user_ns", (json_int_t)ct.user_ns,
						"system_ns", (json_int_t)ct.system_ns,
						"iowait_ns", (json_int_t)ct.iowait_ns,
						"idle_ns", (json_int_t)ct.idle_ns));
	json_object_set_new(o, "sched", json_pack("{s:I, s:I, s:I}",
						  "interrupts", (json_int_t)ss.interrupts,
						  "context_switches", (json_int_t)ss.context_switches,
						  "forks", (json_int_t)ss.forks));
	json_object_set_new(o, "vmstat", vmstat_object(m));
	json_object_set_new(o, "meminfo", mi ? fields(mi) : json_object());
	json_object_set_new(o, "zones", zones_array(m));
	json_object_set_new(o, "tasks", tasks_array(m));
	free(mi);
	return o;
}

static void json_final(struct output *out, mmsim_machine *m)
{
	if (!out->json)
		return;
	json_decref(out->json->summary);
	out->json->summary = summary(m);
}

void output_json_proc(struct output *out, const char *name, const char *text)
{
	if (!out->json)
		return;
	if (!out->json->proc)
		out->json->proc = json_object();
	json_object_set_new(out->json->proc, name, json_string(text));
}

static int json_finish(struct output *out)
{
	json_t *root;
	int ret;

	if (!out->json)
		return 0;
	root = json_pack("{s:s, s:I}", "mmsim_version", MMSIM_VERSION, "machines",
			 (json_int_t)out->boots);
	if (out->json->summary)
		json_object_update(root, out->json->summary);
	if (out->json->proc)
		json_object_set(root, "proc", out->json->proc);
	fflush(stdout);
	ret = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	putchar('\n');
	json_decref(root);
	if (ret) {
		fprintf(stderr, "%s: --json: cannot write the summary\n", out->who);
		return -1;
	}
	return 0;
}

static void json_free(struct output *out)
{
	if (!out->json)
		return;
	json_decref(out->json->summary);
	json_decref(out->json->proc);
	free(out->json);
	out->json = NULL;
}

const struct output_sink json_sink = {
	.name = "json",
	.start = json_start,
	.final = json_final,
	.finish = json_finish,
	.free = json_free,
};
