/*
 * replay.c - `mmsim [machine options] replay [options] TRACE...`: Valgrind
 * lackey traces replayed through the simulated MMU, one process per trace.
 *
 * Each TRACE is lackey's text (plain or gzip-compressed: zlib reads both)
 * or a binary cache written by `mmsim replay --convert OUT TRACE`
 * (recognised by its magic, also when gzip'd). Parsing is done before the
 * machine boots; the replay then only decodes the compact records in
 * batches and hands them to mmsim_access_batch().
 *
 * Each trace becomes a process (mmsim_spawn, named after the traced
 * command) whose address space mmsim_trace_map() builds from the trace.
 * The processes take turns of --quantum accesses in pid order, so a run is
 * deterministic. A process the OOM killer chose (in its own fault or in
 * another's) is gone, is reported, and the others go on; a SIGSEGV or
 * SIGBUS is counted and the process carries on with its next access (the
 * trace says the program did).
 *
 * At the end: per process its accesses, faults (minor/major), signals, RSS
 * peak (VmHWM) and final, the TLB hits and misses of its CPU while it ran
 * and their ratio; RSS over time (sampled --samples times along the
 * accesses replayed by all processes together, with the simulated clock);
 * the machine's fault and swap counters from /proc/vmstat.
 *
 * The output options (output.h: --json, --vmstat, --csv, --plot, --procfs,
 * --no-progress) follow the replay's machine as they follow a script's in
 * `mmsim run`: the outputs see the machine from its boot to the end of the
 * replay (before it shuts down, so the replay's processes are in the JSON
 * summary and the --procfs tree), and the progress line shows the accesses
 * replayed of the total. With --json the report goes to stderr and stdout
 * holds only the summary.
 *
 * Exit status: 0; 1 when the machine fails or a process was killed; 2 for
 * a bad command line or a bad trace (the line number and the line).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "cli.h"
#include "output.h"

#define BATCH		4096		/* accesses decoded at a time */
#define READ_CHUNK	(64 << 10)
#define DEFAULT_QUANTUM	10000
#define DEFAULT_SAMPLES	10

struct replay_args {
	const char **traces;
	int nr_traces;
	unsigned long quantum;
	unsigned long samples;
	bool lenient;
	bool maps;
	const char *convert;		/* --convert OUT */
};

struct proc {
	const char *path;
	mmsim_trace *tr;
	struct mmsim_trace_cursor cur;
	struct mmsim_access *buf;
	size_t n, i;			/* decoded batch and position in it */
	int pid, cpu;
	char comm[16];
	int mappings;
	uint64_t total, done;
	uint64_t segv, sigbus;
	uint64_t first_signal_addr;
	uint64_t hits, misses;
	unsigned long minflt, majflt;
	long hwm_kb, rss_kb;
	bool finished, killed;
};

static void replay_usage(FILE *out)
{
	fprintf(out,
		"Usage: mmsim [machine options] replay [options] TRACE...\n"
		"       mmsim replay --convert OUT TRACE\n"
		"\n"
		"Replay Valgrind lackey traces (valgrind --tool=lackey --trace-mem=yes,\n"
		"plain or gzip-compressed, or a cache made by --convert) through the\n"
		"simulated MMU, one process per trace, taking turns. Each process's\n"
		"address space is mapped as its trace reveals it (docs/replay.md).\n"
		"Prints faults, RSS over time, TLB hit rates and the swap counters.\n"
		"\n"
		"Options:\n"
		"  --quantum N        accesses per turn when several traces run (default %d)\n"
		"  --samples N        RSS samples over the run (default %d)\n"
		"  --skip-bad         skip bad trace lines (counted) instead of failing\n"
		"  --maps             print each process's /proc/PID/maps at the end\n"
		"  --convert OUT      parse TRACE and write its binary cache to OUT; no replay\n"
		"  -h, --help         this help\n",
		DEFAULT_QUANTUM, DEFAULT_SAMPLES);
	output_options_help(out, OUTPUT_OPT_ALL);
	fprintf(out,
		"Machine and output options (mmsim --help) may come before or after 'replay'.\n"
		"With --json the report goes to stderr; stdout holds the JSON summary.\n"
		"\n"
		"Examples:\n"
		"  mmsim replay traces/sort.lackey.gz\n"
		"  mmsim --mem 256M replay --quantum 1000 a.lackey.gz b.lackey.gz\n"
		"  mmsim replay --json --csv rss.csv traces/sort.lackey.gz > summary.json\n"
		"  mmsim replay --convert sort.mmtrace traces/sort.lackey.gz\n");
}

/* ---- reading traces ---- */

/* A truncated gzip stream ends like a file, with an error to ask for. */
static bool gz_failed(gzFile f)
{
	int errnum;

	gzerror(f, &errnum);
	return errnum != Z_OK;
}

/* The rest of an opened file into memory, after the first n bytes in *buf. */
static int slurp(gzFile f, char **buf, size_t *n, size_t *cap)
{
	for (;;) {
		int r;

		if (*cap - *n < READ_CHUNK) {
			char *nb = realloc(*buf, *cap * 2);

			if (!nb)
				return -1;
			*buf = nb;
			*cap *= 2;
		}
		r = gzread(f, *buf + *n, READ_CHUNK);
		if (r < 0 || (r == 0 && gz_failed(f)))
			return -1;
		if (r == 0)
			return 0;
		*n += (size_t)r;
	}
}

static const char *gz_reason(gzFile f)
{
	int errnum;
	const char *msg = gzerror(f, &errnum);

	return errnum == Z_ERRNO ? strerror(errno) : msg;
}

static mmsim_trace *load_cache(gzFile f, const char *path, char *buf, size_t n, size_t cap)
{
	char err[512];
	mmsim_trace *tr = NULL;

	if (slurp(f, &buf, &n, &cap))
		fprintf(stderr, "mmsim replay: %s: read error: %s\n", path, gz_reason(f));
	else if (!(tr = mmsim_trace_load(buf, n, err, sizeof(err))))
		fprintf(stderr, "mmsim replay: %s: %s\n", path, err);
	free(buf);
	return tr;
}

/* Lackey text: the n bytes already in buf, then the rest of f, chunk by chunk. */
static mmsim_trace *parse_text(gzFile f, const char *path, char *buf, int n, bool lenient)
{
	mmsim_trace *tr = mmsim_trace_new(lenient ? MMSIM_TRACE_LENIENT : 0);
	char err[512];

	if (!tr) {
		fprintf(stderr, "mmsim replay: out of memory\n");
		return NULL;
	}
	for (; n > 0; n = gzread(f, buf, READ_CHUNK))
		if (mmsim_trace_parse(tr, buf, (size_t)n, err, sizeof(err)))
			goto bad;
	if (n < 0 || gz_failed(f)) {
		fprintf(stderr, "mmsim replay: %s: read error: %s\n", path, gz_reason(f));
		goto fail;
	}
	if (!mmsim_trace_parse_end(tr, err, sizeof(err)))
		return tr;
bad:
	fprintf(stderr, "mmsim replay: %s: %s\n", path, err);
fail:
	mmsim_trace_free(tr);
	return NULL;
}

/* A trace file, text or cache, gzip'd or not; NULL after saying why. */
static mmsim_trace *read_trace(const char *path, bool lenient)
{
	gzFile f;
	size_t cap = 2 * READ_CHUNK;
	char *buf;
	mmsim_trace *tr = NULL;
	int n;

	errno = 0;
	f = gzopen(path, "rb");
	if (!f) {
		fprintf(stderr, "mmsim replay: cannot open '%s': %s\n", path,
			strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	buf = malloc(cap);
	gzbuffer(f, 128 << 10);
	n = buf ? gzread(f, buf, 8) : -1;
	if (!buf)
		fprintf(stderr, "mmsim replay: out of memory\n");
	else if (n < 0)
		fprintf(stderr, "mmsim replay: %s: read error: %s\n", path, gz_reason(f));
	else if (mmsim_trace_is_cache(buf, (size_t)n))
		tr = load_cache(f, path, buf, (size_t)n, cap), buf = NULL;
	else
		tr = parse_text(f, path, buf, n, lenient);
	gzclose(f);
	free(buf);
	return tr;
}

/* ---- the command line ---- */

static int number_option(const char *name, const char *text, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text ? text : "", &end, 10);
	if (!text || !*text || *end || errno || v == 0 || text[0] == '-') {
		fprintf(stderr, "mmsim replay: --%s needs a positive integer, not '%s'\n", name,
			text ? text : "");
		return -1;
	}
	*out = v;
	return 0;
}

/* "--name VALUE" or "--name=VALUE": the value, or NULL if this is not --name. */
static const char *value_of(const char *name, int argc, char **argv, int *i, bool *missing)
{
	size_t len = strlen(name);
	const char *w = argv[*i];

	*missing = false;
	if (strncmp(w, "--", 2) || strncmp(w + 2, name, len))
		return NULL;
	if (w[2 + len] == '=')
		return w + 3 + len;
	if (w[2 + len])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* Replay's own options, output and machine options, trace names. 0, 1 (help shown), -1. */
static int collect(mmsim_config *cfg, int argc, char **argv, struct replay_args *a)
{
	static const char *const valued[] = { "quantum", "samples", "convert" };

	for (int i = 0; i < argc;) {
		const char *w = argv[i], *v = NULL;
		bool missing = false;
		size_t k;
		int r;

		if (!strcmp(w, "--help") || !strcmp(w, "-h"))
			return replay_usage(stdout), 1;
		if (!strcmp(w, "--skip-bad") || !strcmp(w, "--maps")) {
			*(w[2] == 's' ? &a->lenient : &a->maps) = true;
			i++;
			continue;
		}
		for (k = 0; k < 3 && !(v = value_of(valued[k], argc, argv, &i, &missing)) &&
			    !missing; k++)
			;
		if (missing) {
			fprintf(stderr, "mmsim replay: --%s needs a value\n", valued[k]);
			return -1;
		}
		if (v) {
			if (k == 2)
				a->convert = v;
			else if (number_option(valued[k], v, k ? &a->samples : &a->quantum))
				return -1;
			i++;
			continue;
		}
		/* output options (output.h), before the machine's: it rejects others */
		r = output_option(output_opts(), OUTPUT_OPT_ALL, "mmsim replay", argc, argv, &i);
		if (r == 0)
			r = cli_machine_option(cfg, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (w[0] == '-' && w[1]) {
			fprintf(stderr, "mmsim replay: unknown option '%s'; replay options: --quantum "
				"--samples --skip-bad --maps --convert, and the output options "
				"(see mmsim replay --help)\n", w);
			return -1;
		}
		a->traces[a->nr_traces++] = argv[i++];
	}
	return 0;
}

/* --convert OUT TRACE: parse and write the cache. */
static int convert(const struct replay_args *a)
{
	struct mmsim_trace_info info;
	mmsim_trace *tr;
	size_t len = 0;
	void *img;
	FILE *f;
	int ret = EXIT_MACHINE;

	if (a->nr_traces != 1) {
		fprintf(stderr, "mmsim replay: --convert OUT takes exactly one TRACE\n");
		return EXIT_USAGE;
	}
	tr = read_trace(a->traces[0], a->lenient);
	if (!tr)
		return EXIT_USAGE;
	mmsim_trace_info(tr, &info);
	img = mmsim_trace_save(tr, &len);
	f = img ? fopen(a->convert, "wb") : NULL;
	if (f) {
		bool ok = fwrite(img, 1, len, f) == len;

		ok &= fclose(f) == 0;
		if (ok)
			ret = 0;
	}
	if (ret)
		fprintf(stderr, "mmsim replay: cannot write '%s': %s\n", a->convert,
			img ? strerror(errno) : "out of memory");
	else
		printf("%s: %llu accesses in %zu bytes (%.2f bytes an access)\n", a->convert,
		       (unsigned long long)info.accesses, len,
		       info.accesses ? (double)len / (double)info.accesses : 0.0);
	free(img);
	mmsim_trace_free(tr);
	return ret;
}

/* ---- the processes ---- */

/* The process name: the traced command's program, else the file's name. */
static void comm_for(const struct proc *p, const mmsim_trace *tr, char *comm, size_t len)
{
	struct mmsim_trace_info info;
	const char *s, *base;
	size_t n;

	mmsim_trace_info(tr, &info);
	s = info.command[0] ? info.command : p->path;
	n = strcspn(s, " ");
	base = s;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			base = s + i + 1;
	n -= (size_t)(base - s);
	if (!info.command[0])		/* a file name: up to the first dot */
		n = strcspn(base, ".");
	if (n == 0)
		base = "trace", n = 5;
	snprintf(comm, len, "%.*s", (int)(n < len - 1 ? n : len - 1), base);
}

static int start_proc(mmsim_machine *m, struct proc *p)
{
	struct mmsim_task_info ti;
	struct mmsim_trace_info info;
	char err[512];

	comm_for(p, p->tr, p->comm, sizeof(p->comm));
	p->pid = mmsim_spawn(m, p->comm);
	if (p->pid < 0) {
		fprintf(stderr, "mmsim replay: cannot spawn '%s': %s\n", p->comm, strerror(-p->pid));
		return -1;
	}
	p->mappings = mmsim_trace_map(m, p->pid, p->tr, err, sizeof(err));
	if (p->mappings < 0) {
		fprintf(stderr, "mmsim replay: %s: %s\n", p->path, err);
		return -1;
	}
	mmsim_task_info(m, p->pid, &ti);
	p->cpu = ti.cpu;
	mmsim_trace_info(p->tr, &info);
	p->total = info.accesses;
	p->buf = malloc(BATCH * sizeof(*p->buf));
	if (!p->buf) {
		fprintf(stderr, "mmsim replay: out of memory\n");
		return -1;
	}
	return 0;
}

/* A /proc/PID/status field in kB, or 0. */
static long status_kb(mmsim_machine *m, int pid, const char *field)
{
	char path[32], *text, *line;
	long kb = 0;

	snprintf(path, sizeof(path), "%d/status", pid);
	text = mmsim_proc_read(m, path, NULL);
	if (!text)
		return 0;
	line = strstr(text, field);
	if (line)
		kb = strtol(line + strlen(field) + 1, NULL, 10);
	free(text);
	return kb;
}

/* Resident set in kB from /proc/PID/statm (its second field, pages). */
static long rss_kb(mmsim_machine *m, const struct proc *p)
{
	char path[32], *text, *end;
	long pages = 0;

	if (p->killed)
		return 0;
	snprintf(path, sizeof(path), "%d/statm", p->pid);
	text = mmsim_proc_read(m, path, NULL);
	if (!text)
		return 0;
	strtol(text, &end, 10);
	pages = strtol(end, NULL, 10);
	free(text);
	return pages * 4;
}

/* What the process is at its end (or before it is reaped): faults and RSS. */
static void snapshot(mmsim_machine *m, struct proc *p)
{
	struct mmsim_task_info ti;

	if (mmsim_task_info(m, p->pid, &ti))
		return;
	p->minflt = ti.min_flt;
	p->majflt = ti.maj_flt;
	p->hwm_kb = status_kb(m, p->pid, "VmHWM:");
	p->rss_kb = status_kb(m, p->pid, "VmRSS:");
}

/* A signal the replayed access raised; false when it killed the process. */
static bool take_signal(mmsim_machine *m, struct proc *p, int ret, const struct mmsim_fault *f)
{
	/* the OOM killer chose it, in its own access or in another process's */
	if (ret == -ENOMEM || ret == -ESRCH || f->signo == 9) {
		snapshot(m, p);
		p->killed = true;
		mmsim_exit(m, p->pid, 128 + 9);
		return false;
	}
	if (!p->segv && !p->sigbus)
		p->first_signal_addr = f->addr;
	if (f->signo == 7)
		p->sigbus++;
	else
		p->segv++;
	return true;
}

/* Up to quantum accesses of p; returns how many were replayed. */
static uint64_t run_turn(mmsim_machine *m, struct proc *p, uint64_t quantum)
{
	uint64_t ran = 0;

	while (ran < quantum && !p->finished && !p->killed) {
		struct mmsim_mmu_stats s0, s1;
		struct mmsim_fault f;
		size_t k, done = 0;
		int ret;

		if (p->i == p->n) {
			p->n = mmsim_trace_next(p->tr, &p->cur, p->buf, BATCH);
			p->i = 0;
			if (!p->n) {
				p->finished = true;
				break;
			}
		}
		k = p->n - p->i;
		if (k > quantum - ran)
			k = (size_t)(quantum - ran);
		mmsim_mmu_stats(m, p->cpu, &s0);
		ret = mmsim_access_batch(m, p->pid, p->buf + p->i, k, &done, &f);
		mmsim_mmu_stats(m, p->cpu, &s1);
		p->hits += s1.tlb_hits - s0.tlb_hits;
		p->misses += s1.tlb_misses - s0.tlb_misses;
		if (ret == -ESRCH)
			done = (size_t)-1;	/* killed during another process's turn */
		if (ret) {
			done++;			/* the access that raised the signal */
			if (!take_signal(m, p, ret, &f))
				k = done;
		}
		k = ret ? done : k;
		p->i += k;
		p->done += k;
		ran += k;
	}
	return ran;
}

/* ---- running and reporting ---- */

struct samples {
	uint64_t *at;			/* accesses replayed when sampled */
	uint64_t *ns;			/* the simulated clock then */
	long *kb;			/* rows of nr_procs RSS figures */
	size_t n, max;
};

static void sample(mmsim_machine *m, struct samples *s, const struct proc *procs, int np,
		   uint64_t at)
{
	if (s->n == s->max)
		return;
	s->at[s->n] = at;
	s->ns[s->n] = mmsim_clock_ns(m);
	for (int j = 0; j < np; j++)
		s->kb[s->n * (size_t)np + (size_t)j] = rss_kb(m, &procs[j]);
	s->n++;
}

/* Turns in pid order until every trace is done; RSS sampled as it goes. */
static void run_all(mmsim_machine *m, struct proc *procs, int np, const struct replay_args *a,
		    struct samples *s, struct output *out)
{
	uint64_t total = 0, replayed = 0, every, next;
	bool live = true;

	for (int j = 0; j < np; j++)
		total += procs[j].total;
	every = total / a->samples ? total / a->samples : 1;
	next = every;
	sample(m, s, procs, np, 0);
	while (live) {
		live = false;
		for (int j = 0; j < np; j++) {
			replayed += run_turn(m, &procs[j], a->quantum);
			live |= !procs[j].finished && !procs[j].killed;
			while (replayed >= next && next < total) {
				sample(m, s, procs, np, replayed);
				next += every;
			}
		}
		output_progress(out, replayed, total);
	}
	for (int j = 0; j < np; j++)
		if (!procs[j].killed)
			snapshot(m, &procs[j]);
	if (s->at[s->n - 1] != replayed)
		sample(m, s, procs, np, replayed);
}

static void print_procs(FILE *f, const struct proc *procs, int np)
{
	fprintf(f, "%5s %-15s %12s %9s %6s %7s %10s %10s %12s %10s %8s\n", "PID", "COMMAND",
	       "ACCESSES", "MINFLT", "MAJFLT", "SIGNALS", "RSS_PEAK", "RSS_END", "TLB_HITS",
	       "TLB_MISS", "HIT_RATE");
	for (int j = 0; j < np; j++) {
		const struct proc *p = &procs[j];
		uint64_t looked = p->hits + p->misses;

		fprintf(f, "%5d %-15s %12llu %9lu %6lu %7llu %7ld kB %7ld kB %12llu %10llu %8.4f\n",
		       p->pid, p->comm, (unsigned long long)p->done, p->minflt, p->majflt,
		       (unsigned long long)(p->segv + p->sigbus), p->hwm_kb,
		       p->killed ? 0L : p->rss_kb, (unsigned long long)p->hits,
		       (unsigned long long)p->misses,
		       looked ? (double)p->hits / (double)looked : 0.0);
	}
}

static void print_samples(FILE *f, const struct samples *s, const struct proc *procs, int np)
{
	fprintf(f, "\nRSS over time (kB; accesses replayed by all processes, simulated time):\n");
	fprintf(f, "%14s %12s", "ACCESSES", "SIM_MS");
	for (int j = 0; j < np; j++)
		fprintf(f, " %9s%-5d", "pid ", procs[j].pid);
	fprintf(f, " %12s\n", "TOTAL");
	for (size_t r = 0; r < s->n; r++) {
		long sum = 0;

		fprintf(f, "%14llu %12.3f", (unsigned long long)s->at[r], (double)s->ns[r] / 1e6);
		for (int j = 0; j < np; j++) {
			long kb = s->kb[r * (size_t)np + (size_t)j];

			fprintf(f, " %14ld", kb);
			sum += kb;
		}
		fprintf(f, " %12ld\n", sum);
	}
}

static long long vmstat_value(mmsim_machine *m, const char *name)
{
	struct mmsim_counter c[512];
	size_t n = mmsim_vmstat(m, c, 512);

	for (size_t i = 0; i < n && i < 512; i++)
		if (!strcmp(c[i].name, name))
			return c[i].value;
	return -1;
}

static void print_machine(FILE *f, mmsim_machine *m)
{
	fprintf(f, "\nSimulated time at the end: %.3f ms (the clock includes boot and set-up)\n",
	       (double)mmsim_clock_ns(m) / 1e6);
	fprintf(f, "Machine (/proc/vmstat): pgfault %lld  pgmajfault %lld  pswpin %lld  "
	       "pswpout %lld\n", vmstat_value(m, "pgfault"), vmstat_value(m, "pgmajfault"),
	       vmstat_value(m, "pswpin"), vmstat_value(m, "pswpout"));
}

static void print_signals_and_kills(FILE *f, const struct proc *procs, int np)
{
	for (int j = 0; j < np; j++) {
		const struct proc *p = &procs[j];

		if (p->segv || p->sigbus)
			fprintf(f, "pid %d (%s): %llu SIGSEGV, %llu SIGBUS (first at %#llx); "
			       "the replay went on\n", p->pid, p->comm, (unsigned long long)p->segv,
			       (unsigned long long)p->sigbus,
			       (unsigned long long)p->first_signal_addr);
	}
	fflush(f);			/* the results first, then the one-line reason */
	for (int j = 0; j < np; j++) {
		const struct proc *p = &procs[j];

		if (p->killed)
			fprintf(stderr, "mmsim replay: pid %d (%s) killed (SIGKILL): out of memory "
				"at access %llu of %llu; try a larger --mem\n", p->pid, p->comm,
				(unsigned long long)p->done, (unsigned long long)p->total);
	}
}

static void print_maps(FILE *f, mmsim_machine *m, const struct proc *procs, int np)
{
	for (int j = 0; j < np; j++) {
		char path[32], *text;

		if (procs[j].killed)
			continue;
		snprintf(path, sizeof(path), "%d/maps", procs[j].pid);
		text = mmsim_proc_read(m, path, NULL);
		fprintf(f, "\n/proc/%d/maps (%s):\n%s", procs[j].pid, procs[j].comm, text ? text : "");
		free(text);
	}
}

static void print_traces(FILE *f, const struct proc *procs, int np)
{
	fprintf(f, "%-32s %12s %10s %10s %10s %10s\n", "TRACE", "ACCESSES", "INSTR", "LOADS",
	       "STORES", "MODIFIES");
	for (int j = 0; j < np; j++) {
		struct mmsim_trace_info ti;

		mmsim_trace_info(procs[j].tr, &ti);
		fprintf(f, "%-32s %12llu %10llu %10llu %10llu %10llu\n", procs[j].path,
		       (unsigned long long)ti.accesses,
		       (unsigned long long)ti.by_kind[MMSIM_ACCESS_INSTR],
		       (unsigned long long)ti.by_kind[MMSIM_ACCESS_LOAD],
		       (unsigned long long)ti.by_kind[MMSIM_ACCESS_STORE],
		       (unsigned long long)ti.by_kind[MMSIM_ACCESS_MODIFY]);
		if (ti.skipped)
			fprintf(f, "  %llu bad lines skipped; the first: %s\n",
			       (unsigned long long)ti.skipped, ti.first_bad);
	}
	fprintf(f, "\n");
}

static int replay(mmsim_config *cfg, struct proc *procs, int np, const struct replay_args *a)
{
	struct samples s = { 0 };
	struct output *out = NULL;
	mmsim_machine *m;
	FILE *f;
	int ret = 0, out_ret;

	s.max = a->samples + 2;
	s.at = calloc(s.max, sizeof(*s.at));
	s.ns = calloc(s.max, sizeof(*s.ns));
	s.kb = calloc(s.max * (size_t)np, sizeof(*s.kb));
	if (!s.at || !s.ns || !s.kb) {
		fprintf(stderr, "mmsim replay: out of memory\n");
		ret = EXIT_MACHINE;
		goto out;
	}
	out = output_new(output_opts(), "mmsim replay");	/* files opened: fail early */
	m = out ? cli_boot(cfg, "mmsim replay") : NULL;
	if (!m) {
		ret = EXIT_MACHINE;
		goto out;
	}
	output_boot(out, m);
	f = out->text;
	for (int j = 0; j < np && !ret; j++)
		if (start_proc(m, &procs[j]))
			ret = EXIT_MACHINE;
	if (!ret) {
		print_traces(f, procs, np);
		run_all(m, procs, np, a, &s, out);
		output_clear_progress(out);
		print_procs(f, procs, np);
		print_samples(f, &s, procs, np);
		print_machine(f, m);
		if (a->maps)
			print_maps(f, m, procs, np);
		print_signals_and_kills(f, procs, np);
		for (int j = 0; j < np; j++)
			if (procs[j].killed)
				ret = EXIT_MACHINE;
	}
	fflush(stdout);
	output_final(out, m);		/* the replay's processes are still there */
	out_ret = output_finish(out);
	ret = ret ? ret : out_ret;
	mmsim_shutdown(m);
out:
	output_free(out);
	free(s.at);
	free(s.ns);
	free(s.kb);
	return ret;
}

int cmd_replay(mmsim_config *cfg, int argc, char **argv)
{
	struct replay_args a = {
		.traces = calloc((size_t)argc + 1, sizeof(*a.traces)),
		.quantum = DEFAULT_QUANTUM,
		.samples = DEFAULT_SAMPLES,
	};
	struct proc *procs = NULL;
	int ret;

	if (!a.traces) {
		fprintf(stderr, "mmsim replay: out of memory\n");
		return EXIT_MACHINE;
	}
	ret = collect(cfg, argc, argv, &a);
	if (ret) {
		ret = ret > 0 ? 0 : EXIT_USAGE;
		goto out;
	}
	if (!a.nr_traces) {
		fprintf(stderr, "mmsim replay: name at least one TRACE (see mmsim replay --help)\n");
		ret = EXIT_USAGE;
		goto out;
	}
	if (a.convert) {
		/* no machine runs: the output options have nothing to follow */
		ret = output_check(output_opts(), 0, "mmsim replay --convert") ? EXIT_USAGE
									: convert(&a);
		goto out;
	}
	procs = calloc((size_t)a.nr_traces, sizeof(*procs));
	ret = procs ? 0 : EXIT_MACHINE;
	for (int j = 0; j < a.nr_traces && !ret; j++) {
		procs[j].path = a.traces[j];
		procs[j].tr = read_trace(a.traces[j], a.lenient);
		if (!procs[j].tr)
			ret = EXIT_USAGE;
	}
	if (!ret)
		ret = replay(cfg, procs, a.nr_traces, &a);
	for (int j = 0; procs && j < a.nr_traces; j++) {
		mmsim_trace_free(procs[j].tr);
		free(procs[j].buf);
	}
out:
	free(procs);
	free(a.traces);
	return ret;
}
