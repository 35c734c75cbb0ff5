/*
 * output.c - the output options' table, the sinks' table and the life of
 * an output (output.h): which machine is followed, which samplers feed
 * which sink, and the /proc readers the sinks share.
 *
 * Invariants: out->m is the machine booted last while it lives (NULL once
 * it went or before any boot); samplers stay on older machines (the API has
 * no removal) but feed nothing: each checks that its machine is followed.
 * output_final runs at most once per followed machine, output_finish once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

/* ---- options ---- */

enum opt_id { O_JSON, O_VMSTAT, O_CSV, O_PLOT, O_NO_PROGRESS, O_PROCFS };

static const struct output_option {
	const char *name;
	enum opt_id id;
	unsigned int mask;	/* OUTPUT_OPT_* */
	const char *arg;	/* NULL: a flag */
	const char *help;
} options[] = {
	{ "json", O_JSON, OUTPUT_OPT_JSON, NULL,
	  "a JSON summary on stdout at the end: vmstat counters, meminfo, zones, tasks" },
	{ "vmstat", O_VMSTAT, OUTPUT_OPT_VMSTAT, "INTERVAL",
	  "vmstat(8) lines every INTERVAL of simulated time (1s, 100ms; stderr with --json)" },
	{ "csv", O_CSV, OUTPUT_OPT_CSV, "FILE",
	  "a time series: memory, swap, dirty, and each zone's free pages and watermarks" },
	{ "plot", O_PLOT, OUTPUT_OPT_PLOT, "FILE.png",
	  "draw that time series with gnuplot" },
	{ "no-progress", O_NO_PROGRESS, OUTPUT_OPT_PROGRESS, NULL,
	  "no progress line on stderr (shown on a terminal when a run is long)" },
	{ "procfs", O_PROCFS, OUTPUT_OPT_PROCFS, "DIR",
	  "keep a /proc tree in DIR that free, vmstat, ps... read (docs/procfs.md)" },
};

#define NR_OPTIONS (sizeof(options) / sizeof(options[0]))

static struct output_opts the_opts;

struct output_opts *output_opts(void)
{
	return &the_opts;
}

void output_options_help(FILE *out, unsigned int mask)
{
	char left[40];

	fprintf(out, "Output options:\n");
	for (size_t i = 0; i < NR_OPTIONS; i++) {
		if (!(options[i].mask & mask))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", options[i].name, options[i].arg ? " " : "",
			 options[i].arg ? options[i].arg : "");
		fprintf(out, "  %-26s %s\n", left, options[i].help);
	}
}

static const struct output_option *find_option(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_OPTIONS; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return &options[i];
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

static int apply_option(struct output_opts *o, const struct output_option *opt,
			const char *value, const char *who)
{
	char err[256];

	switch (opt->id) {
	case O_JSON:
		o->json = true;
		break;
	case O_NO_PROGRESS:
		o->no_progress = true;
		break;
	case O_VMSTAT:
		if (mmsim_parse_duration(value, &o->vmstat_ns, err, sizeof(err))) {
			fprintf(stderr, "%s: --vmstat: %s\n", who, err);
			return -1;
		}
		if (o->vmstat_ns == 0) {
			fprintf(stderr, "%s: --vmstat: the interval must be more than 0\n", who);
			return -1;
		}
		break;
	case O_CSV:
		o->csv_path = value;
		break;
	case O_PLOT:
		if (!ends_with(value, ".png")) {
			fprintf(stderr, "%s: --plot writes a PNG: name it FILE.png, not '%s'\n", who,
				value);
			return -1;
		}
		o->plot_path = value;
		break;
	case O_PROCFS:
		o->procfs_dir = value;
		break;
	}
	return 0;
}

int output_option(struct output_opts *o, unsigned int mask, const char *who, int argc,
		  char **argv, int *i)
{
	const char *word = argv[*i], *eq, *value = NULL;
	const struct output_option *opt;

	if (strncmp(word, "--", 2) != 0)
		return 0;
	eq = strchr(word, '=');
	opt = find_option(word + 2, eq ? (size_t)(eq - word - 2) : strlen(word + 2));
	if (!opt)
		return 0;
	if (!(opt->mask & mask)) {
		fprintf(stderr, "%s: --%s is not an option of this command (see its --help)\n",
			who, opt->name);
		return -1;
	}
	if (opt->arg) {
		value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!value || !*value) {
			fprintf(stderr, "%s: --%s needs a value (%s)\n", who, opt->name, opt->arg);
			return -1;
		}
	} else if (eq) {
		fprintf(stderr, "%s: --%s takes no value\n", who, opt->name);
		return -1;
	}
	if (apply_option(o, opt, value, who))
		return -1;
	(*i)++;
	return 1;
}

int output_check(const struct output_opts *o, unsigned int mask, const char *who)
{
	const bool given[] = {
		[O_JSON] = o->json, [O_VMSTAT] = o->vmstat_ns != 0, [O_CSV] = o->csv_path != NULL,
		[O_PLOT] = o->plot_path != NULL, [O_NO_PROGRESS] = o->no_progress,
		[O_PROCFS] = o->procfs_dir != NULL,
	};

	for (size_t i = 0; i < NR_OPTIONS; i++) {
		if (given[options[i].id] && !(options[i].mask & mask)) {
			fprintf(stderr, "%s: --%s is not an option of this command (see its --help)\n",
				who, options[i].name);
			return -1;
		}
	}
	return 0;
}

/* ---- sinks ---- */

/* Every output, in the order they see each moment. --procfs goes here too. */
static const struct output_sink *const sinks[] = {
	&vmstat_sink, &csv_sink, &json_sink, &progress_sink,
	&procfs_sink,
};

#define NR_SINKS (sizeof(sinks) / sizeof(sinks[0]))

/* A sampler's argument: which output and sink it feeds. */
struct sink_feed {
	struct output *out;
	const struct output_sink *sink;
	unsigned long boot;	/* the boot it was added for */
};

struct output_priv {
	struct output pub;
	struct sink_feed **feeds;	/* one per sink per boot with an interval */
	size_t nr_feeds, max_feeds;
};

struct output *output_new(const struct output_opts *o, const char *who)
{
	struct output_priv *p = calloc(1, sizeof(*p));
	struct output *out = &p->pub;

	if (!p) {
		fprintf(stderr, "%s: out of memory\n", who);
		return NULL;
	}
	out->opts = o;
	out->who = who;
	out->text = o->json ? stderr : stdout;
	for (size_t i = 0; i < NR_SINKS; i++) {
		if (sinks[i]->start && sinks[i]->start(out)) {
			output_free(out);
			return NULL;
		}
	}
	return out;
}

static void feed(mmsim_machine *m, uint64_t now, void *arg)
{
	struct sink_feed *f = arg;

	if (f->out->m == m && f->boot == f->out->boots)
		f->sink->sample(f->out, m, now);
}

/*
 * Feeds live as long as the output: a sampler's argument must stay valid
 * while its machine lives, so they are allocated one by one and kept.
 */
static struct sink_feed *new_feed(struct output *out, const struct output_sink *sink)
{
	struct sink_feed *f = malloc(sizeof(*f));
	struct output_priv *p = (struct output_priv *)out;

	if (!f)
		return NULL;
	if (p->nr_feeds == p->max_feeds) {
		size_t max = p->max_feeds ? 2 * p->max_feeds : 8;
		struct sink_feed **v = realloc(p->feeds, max * sizeof(*v));

		if (!v) {
			free(f);
			return NULL;
		}
		p->feeds = v;
		p->max_feeds = max;
	}
	p->feeds[p->nr_feeds++] = f;
	*f = (struct sink_feed){ out, sink, out->boots };
	return f;
}

void output_boot(struct output *out, mmsim_machine *m)
{
	if (!out || !m)
		return;
	if (out->m && out->m != m)
		output_final(out, out->m);
	out->m = m;
	out->boots++;
	for (size_t i = 0; i < NR_SINKS; i++) {
		const struct output_sink *s = sinks[i];
		uint64_t every = s->interval ? s->interval(out) : 0;
		struct sink_feed *f;

		if (s->boot)
			s->boot(out, m);
		if (!every || !s->sample)
			continue;
		f = new_feed(out, s);
		if (!f || mmsim_add_sampler(m, every, feed, f))
			fprintf(stderr, "%s: %s: cannot sample the machine (out of memory)\n",
				out->who, s->name);
	}
}

void output_final(struct output *out, mmsim_machine *m)
{
	if (!out || !m || out->m != m)
		return;
	for (size_t i = 0; i < NR_SINKS; i++)
		if (sinks[i]->final)
			sinks[i]->final(out, m);
	out->m = NULL;
}

int output_finish(struct output *out)
{
	int ret = 0;

	if (!out || out->finished)
		return 0;
	if (out->m)
		output_final(out, out->m);
	out->finished = true;
	for (size_t i = 0; i < NR_SINKS; i++)
		if (sinks[i]->finish && sinks[i]->finish(out))
			ret = EXIT_MACHINE;
	fflush(stdout);
	return ret;
}

void output_free(struct output *out)
{
	struct output_priv *p = (struct output_priv *)out;

	if (!out)
		return;
	for (size_t i = 0; i < NR_SINKS; i++)
		if (sinks[i]->free)
			sinks[i]->free(out);
	for (size_t i = 0; i < p->nr_feeds; i++)
		free(p->feeds[i]);
	free(p->feeds);
	free(p);
}

/* ---- reading the machine ---- */

char *proc_text(mmsim_machine *m, const char *name)
{
	return mmsim_proc_read(m, name, NULL);
}

long long meminfo_field(const char *meminfo, const char *key)
{
	size_t k = strlen(key);

	for (const char *line = meminfo; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, k) && line[k] == ':')
			return strtoll(line + k + 1, NULL, 10);
	}
	return -1;
}

/*
 * zoneinfo: "Node N, zone NAME" opens a zone; "  pages free N", then
 * "        min N", "low", "high", ..., "managed N" follow.
 */
int zoneinfo_marks(const char *zoneinfo, struct zone_marks *z, int max)
{
	struct zone_marks cur = { .node = -1 };
	int n = 0;
	const char *line = zoneinfo;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		char word[32];
		long long v;

		if (sscanf(line, "Node %d, zone %15s", &cur.node, cur.name) == 2) {
			cur.free = cur.min = cur.low = cur.high = cur.managed = 0;
		} else if (sscanf(line, " pages free %lld", &v) == 1) {
			cur.free = v;
		} else if (cur.node >= 0 && sscanf(line, " %31s %lld", word, &v) == 2) {
			if (!strcmp(word, "min"))
				cur.min = v;
			else if (!strcmp(word, "low"))
				cur.low = v;
			else if (!strcmp(word, "high"))
				cur.high = v;
			else if (!strcmp(word, "managed")) {
				cur.managed = v;
				if (v > 0 && n < max)
					z[n++] = cur;
			}
		}
		line = end ? end + 1 : NULL;
	}
	return n;
}
