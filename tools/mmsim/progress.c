/*
 * progress.c - the progress line on stderr, for long runs on a terminal.
 *
 * Shown only when stderr is a terminal (and not --no-progress), and only
 * once the run has taken a second of host time, redrawn at most ten times
 * a second; erased when the run ends, so what remains on the terminal is
 * the run's own output. It shows the simulated clock, the host time, free
 * memory and the tasks, and a bar when the command knows how far it is
 * (output_progress(), e.g. replay's accesses done of total).
 *
 * Host time decides only whether and when to draw: nothing written to
 * stdout or to a file depends on it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output.h"

#define SAMPLE_NS	10000000ULL	/* look every 10 ms of simulated time */
#define SHOW_AFTER	1.0		/* s of host time before the line appears */
#define REDRAW_EVERY	0.1		/* s of host time between redraws */
#define BAR_WIDTH	30

struct progress_out {
	double start, last;		/* host time (s) */
	bool shown;
	uint64_t done, total;
};

static double host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int progress_start(struct output *out)
{
	if (out->opts->no_progress || !isatty(STDERR_FILENO))
		return 0;
	out->progress = calloc(1, sizeof(*out->progress));
	if (!out->progress)
		return 0;	/* no progress line is no failure */
	out->progress->start = host_now();
	return 0;
}

static void draw(struct output *out, mmsim_machine *m)
{
	struct progress_out *p = out->progress;
	double now = host_now();
	uint64_t clock = m ? mmsim_clock_ns(m) : 0;
	long long free_kb = -1;
	char bar[BAR_WIDTH + 3] = "";

	if (now - p->start < SHOW_AFTER || now - p->last < REDRAW_EVERY)
		return;
	p->last = now;
	p->shown = true;
	if (m) {
		char *mi = proc_text(m, "meminfo");

		if (mi)
			free_kb = meminfo_field(mi, "MemFree");
		free(mi);
	}
	if (p->total) {
		int fill = (int)((double)p->done / (double)p->total * BAR_WIDTH);

		if (fill > BAR_WIDTH)
			fill = BAR_WIDTH;
		bar[0] = '[';
		memset(bar + 1, '#', (size_t)fill);
		memset(bar + 1 + fill, '.', (size_t)(BAR_WIDTH - fill));
		bar[BAR_WIDTH + 1] = ']';
		bar[BAR_WIDTH + 2] = '\0';
	}
	fprintf(stderr, "\r\033[K%s %s%s%.3f s simulated, %.1f s host", out->who, bar,
		p->total ? " " : "", (double)clock / 1e9, now - p->start);
	if (free_kb >= 0)
		fprintf(stderr, ", MemFree %lld MiB, %zu tasks", free_kb / 1024,
			m ? mmsim_pids(m, NULL, 0) : 0);
	fflush(stderr);
}

static uint64_t progress_interval(struct output *out)
{
	return out->progress ? SAMPLE_NS : 0;
}

static void progress_sample(struct output *out, mmsim_machine *m, uint64_t now_ns)
{
	(void)now_ns;
	draw(out, m);
}

void output_progress(struct output *out, uint64_t done, uint64_t total)
{
	if (!out || !out->progress)
		return;
	out->progress->done = done;
	out->progress->total = total;
	draw(out, out->m);
}

void output_clear_progress(struct output *out)
{
	if (out && out->progress && out->progress->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
		out->progress->shown = false;
	}
}

static int progress_finish(struct output *out)
{
	output_clear_progress(out);
	return 0;
}

static void progress_free(struct output *out)
{
	output_clear_progress(out);
	free(out->progress);
	out->progress = NULL;
}

const struct output_sink progress_sink = {
	.name = "progress",
	.start = progress_start,
	.interval = progress_interval,
	.sample = progress_sample,
	.finish = progress_finish,
	.free = progress_free,
};
