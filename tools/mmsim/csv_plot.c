/*
 * csv_plot.c - --csv FILE and --plot FILE.png: the time series the seeds
 * draw, and its picture (gnuplot).
 *
 * Columns: time_s (simulated seconds), MemFree_kB, Cached_kB, AnonPages_kB,
 * SwapUsed_kB, Dirty_kB, then for each zone with managed pages
 * nodeN_ZONE_free, _min, _low, _high (pages, /proc/zoneinfo's figures).
 *
 * Sampling: a row when the machine boots, one at each sampling boundary,
 * and one at the end. The boundaries start 1 ms of simulated time apart;
 * to keep a long run readable, whenever
 * the series reaches MAX_ROWS rows the spacing doubles and every other row
 * goes, so rows stay evenly spaced and fewer than MAX_ROWS. Times are the
 * boundaries themselves (strictly increasing); a row shows the machine at
 * the return of the call that crossed its boundary. Rows are kept in
 * memory and written at the end; the file is created when the run starts,
 * so an unwritable path fails before any work.
 *
 * The plot: two panels sharing the time axis - memory in MiB, and each
 * zone's free pages (solid) with its min/low/high watermarks (dashed, in
 * the zone's colour). gnuplot reads the data inline (a datablock): no
 * temporary file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

#define MAX_ROWS	2000
#define MAX_ZONES	64
#define BASE_NS		1000000ULL	/* the first spacing: 1 ms */

struct csv_row {
	uint64_t t;
	long long mem[5];		/* MemFree Cached AnonPages SwapUsed Dirty (kB) */
	long long zone[MAX_ZONES][4];	/* free min low high (pages) */
};

struct csv_out {
	FILE *file;			/* --csv, open from the start */
	struct csv_row *rows;
	size_t n, max;
	uint64_t base;			/* sampler interval */
	uint64_t every;			/* current spacing: base * 2^k */
	uint64_t t0;			/* the boot's clock */
	struct zone_marks zones[MAX_ZONES];
	int nr_zones;
};

static const char *const mem_names[5] = { "MemFree", "Cached", "AnonPages", "SwapUsed",
					  "Dirty" };

/* Is there an executable gnuplot on PATH? */
static bool have_gnuplot(void)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t len = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)len, len ? path : ".");
		if (access(buf, X_OK) == 0)
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

static int csv_start(struct output *out)
{
	const struct output_opts *o = out->opts;
	struct csv_out *c;

	if (!o->csv_path && !o->plot_path)
		return 0;
	if (o->plot_path && !have_gnuplot()) {
		fprintf(stderr, "%s: --plot needs gnuplot on PATH (Debian: apt install gnuplot-nox)\n",
			out->who);
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		fprintf(stderr, "%s: out of memory\n", out->who);
		return -1;
	}
	out->csv = c;
	c->base = BASE_NS;
	if (o->csv_path) {
		c->file = fopen(o->csv_path, "w");
		if (!c->file) {
			fprintf(stderr, "%s: --csv: cannot write %s: %s\n", out->who, o->csv_path,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void read_row(struct csv_out *c, mmsim_machine *m, struct csv_row *r, uint64_t t)
{
	char *mi = proc_text(m, "meminfo"), *zi = proc_text(m, "zoneinfo");
	struct zone_marks z[MAX_ZONES];
	int nz = zi ? zoneinfo_marks(zi, z, MAX_ZONES) : 0;

	memset(r, 0, sizeof(*r));
	r->t = t;
	if (mi) {
		r->mem[0] = meminfo_field(mi, "MemFree");
		r->mem[1] = meminfo_field(mi, "Cached");
		r->mem[2] = meminfo_field(mi, "AnonPages");
		r->mem[3] = meminfo_field(mi, "SwapTotal") - meminfo_field(mi, "SwapFree");
		r->mem[4] = meminfo_field(mi, "Dirty");
	}
	/* Zones keep the boot's order; match by node and name all the same. */
	for (int i = 0; i < c->nr_zones; i++) {
		for (int j = 0; j < nz; j++) {
			if (z[j].node != c->zones[i].node || strcmp(z[j].name, c->zones[i].name))
				continue;
			r->zone[i][0] = z[j].free;
			r->zone[i][1] = z[j].min;
			r->zone[i][2] = z[j].low;
			r->zone[i][3] = z[j].high;
		}
	}
	free(mi);
	free(zi);
}

/* Double the spacing: keep the rows on the wider grid (the first always is). */
static void thin_out(struct csv_out *c)
{
	size_t k = 0;

	c->every *= 2;
	for (size_t i = 0; i < c->n; i++)
		if ((c->rows[i].t - c->t0) % c->every == 0)
			c->rows[k++] = c->rows[i];
	c->n = k;
}

static void add_row(struct csv_out *c, mmsim_machine *m, uint64_t t)
{
	if (c->n == c->max) {
		size_t max = c->max ? 2 * c->max : 64;
		struct csv_row *r = realloc(c->rows, max * sizeof(*r));

		if (!r)
			return;		/* a row lost, the series goes on */
		c->rows = r;
		c->max = max;
	}
	read_row(c, m, &c->rows[c->n++], t);
}

static void csv_boot(struct output *out, mmsim_machine *m)
{
	struct csv_out *c = out->csv;
	char *zi;

	if (!c)
		return;
	c->n = 0;	/* a new machine: a new series */
	c->t0 = mmsim_clock_ns(m);
	c->every = c->base;
	zi = proc_text(m, "zoneinfo");
	c->nr_zones = zi ? zoneinfo_marks(zi, c->zones, MAX_ZONES) : 0;
	free(zi);
	add_row(c, m, c->t0);
}

static uint64_t csv_interval(struct output *out)
{
	return out->csv ? out->csv->base : 0;
}

static void csv_sample(struct output *out, mmsim_machine *m, uint64_t now_ns)
{
	struct csv_out *c = out->csv;

	if ((now_ns - c->t0) % c->every)
		return;
	add_row(c, m, now_ns);
	if (c->n >= MAX_ROWS)
		thin_out(c);
}

/* The end: a last row at the clock, unless a boundary row already is there. */
static void csv_final(struct output *out, mmsim_machine *m)
{
	struct csv_out *c = out->csv;
	uint64_t now = mmsim_clock_ns(m);

	if (!c)
		return;
	if (c->n && c->rows[c->n - 1].t >= now)
		read_row(c, m, &c->rows[c->n - 1], c->rows[c->n - 1].t);
	else
		add_row(c, m, now);
}

static void write_header(const struct csv_out *c, FILE *f)
{
	static const char *const marks[4] = { "free", "min", "low", "high" };

	fprintf(f, "time_s");
	for (int i = 0; i < 5; i++)
		fprintf(f, ",%s_kB", mem_names[i]);
	for (int z = 0; z < c->nr_zones; z++)
		for (int k = 0; k < 4; k++)
			fprintf(f, ",node%d_%s_%s", c->zones[z].node, c->zones[z].name, marks[k]);
	fputc('\n', f);
}

static void write_rows(const struct csv_out *c, FILE *f)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct csv_row *r = &c->rows[i];

		fprintf(f, "%" PRIu64 ".%09" PRIu64, (uint64_t)(r->t / 1000000000U),
			(uint64_t)(r->t % 1000000000U));
		for (int k = 0; k < 5; k++)
			fprintf(f, ",%lld", r->mem[k]);
		for (int z = 0; z < c->nr_zones; z++)
			for (int k = 0; k < 4; k++)
				fprintf(f, ",%lld", r->zone[z][k]);
		fputc('\n', f);
	}
}

/* A gnuplot single-quoted string: ' doubles. */
static void gp_quoted(FILE *g, const char *s)
{
	fputc('\'', g);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', g);
		fputc(*s, g);
	}
	fputc('\'', g);
}

static void plot_script(const struct csv_out *c, FILE *g, const char *png)
{
	/* Distinct hues, one a zone; lines 1-5 are the memory panel's. */
	static const char *const colours[] = { "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
					       "#66a61e", "#e6ab02", "#a6761d", "#666666" };

	fprintf(g, "set terminal pngcairo size 1200,900 font ',10'\nset output ");
	gp_quoted(g, png);
	fprintf(g, "\nset datafile separator ','\n$d << EOD\n");
	write_rows(c, g);
	fprintf(g, "EOD\n"
		   "set multiplot layout 2,1 title 'mmsim: memory over simulated time'\n"
		   "set grid\nset key outside right top\nset xlabel 'simulated time (s)'\n"
		   "set lmargin 12\nset rmargin 28\nset autoscale xfix\n"
		   "set title 'Memory'\nset ylabel 'MiB'\nset yrange [0:*]\n"
		   "plot $d using 1:($2/1024) with lines lw 2 title 'MemFree', \\\n"
		   "     $d using 1:($3/1024) with lines lw 2 title 'Cached', \\\n"
		   "     $d using 1:($4/1024) with lines lw 2 title 'AnonPages', \\\n"
		   "     $d using 1:($5/1024) with lines lw 2 title 'Swap used', \\\n"
		   "     $d using 1:($6/1024) with lines lw 2 title 'Dirty'\n"
		   "set title 'Zones: free pages against the min/low/high watermarks'\n"
		   "set ylabel 'pages (log scale)'\nset logscale y\nset yrange [*:*]\n");
	if (!c->nr_zones) {
		fprintf(g, "plot 1/0 notitle\n");
	} else {
		fprintf(g, "plot ");
		for (int z = 0; z < c->nr_zones; z++) {
			int col = 7 + 4 * z;
			const char *hue = colours[z % 8];

			fprintf(g, "%s$d using 1:(max($%d,1)) with lines lw 2 lc rgb '%s' "
				   "title 'node%d %s free', \\\n",
				z ? "     " : "", col, hue, c->zones[z].node, c->zones[z].name);
			for (int k = 1; k < 4; k++)
				fprintf(g, "     $d using 1:%d with lines lw 1 dt %d lc rgb '%s' "
					   "title '%s'%s\n",
					col + k, k + 1, hue, k == 1 ? "min" : k == 2 ? "low" : "high",
					k < 3 || z + 1 < c->nr_zones ? ", \\" : "");
		}
	}
	fprintf(g, "unset multiplot\n");
}

static int plot(struct output *out)
{
	struct csv_out *c = out->csv;
	const char *png = out->opts->plot_path;
	FILE *g;
	int status;

	fflush(stdout);
	g = popen("gnuplot", "w");
	if (!g) {
		fprintf(stderr, "%s: --plot: cannot run gnuplot: %s\n", out->who, strerror(errno));
		return -1;
	}
	fprintf(g, "max(a,b) = a > b ? a : b\n");
	plot_script(c, g, png);
	status = pclose(g);
	if (status != 0) {
		fprintf(stderr, "%s: --plot: gnuplot failed writing %s (status %d)\n", out->who, png,
			status);
		return -1;
	}
	return 0;
}

static int csv_finish(struct output *out)
{
	struct csv_out *c = out->csv;
	int ret = 0;

	if (!c)
		return 0;
	if (c->file) {
		write_header(c, c->file);
		write_rows(c, c->file);
		if (fclose(c->file)) {
			fprintf(stderr, "%s: --csv: cannot write %s: %s\n", out->who,
				out->opts->csv_path, strerror(errno));
			ret = -1;
		}
		c->file = NULL;
	}
	if (out->opts->plot_path && plot(out))
		ret = -1;
	return ret;
}

static void csv_free(struct output *out)
{
	struct csv_out *c = out->csv;

	if (!c)
		return;
	if (c->file)
		fclose(c->file);
	free(c->rows);
	free(c);
	out->csv = NULL;
}

const struct output_sink csv_sink = {
	.name = "csv",
	.start = csv_start,
	.boot = csv_boot,
	.interval = csv_interval,
	.sample = csv_sample,
	.final = csv_final,
	.finish = csv_finish,
	.free = csv_free,
};
