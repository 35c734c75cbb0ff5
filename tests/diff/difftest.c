/*
 * difftest.c - differential tests of mmsim against the host kernel.
 *
 *   difftest --record FILE   run every sequence on the host kernel (twice:
 *                            the figures must repeat exactly) and write
 *                            them to FILE, the golden file
 *   difftest --check FILE    run every sequence in mmsim and compare with
 *                            the golden file
 *   difftest --live          run both now and compare directly
 *   difftest --show host|mmsim   print one backend's figures
 *   difftest --list          the sequence names
 *
 * Options: NAME... (only these sequences), -v (print every line compared),
 * -j N (mmsim sequences at once in --check; default the CPU count; the host
 * side always runs one at a time, pinned), --worker PATH (the host worker),
 * --options "k=v ..." (mmsim boot options; default DEFAULT_OPTIONS, which
 * mimics this host: no zero page, no THP; a sequence may add its own, see
 * dt_sequence.options).
 *
 * Each sequence runs in a forked child of difftest, so a simulator crash
 * (BUG, sanitizer report) fails that sequence and the others still run;
 * results come back over a pipe as "key<TAB>value" lines. A mismatch is
 * printed as: sequence, key, host value, mmsim value. Exit status: 0 when
 * everything compared equal.
 *
 * The golden file is recorded on the developers' host (see its header for
 * the kernel); CI compares mmsim against it, not against the CI machine's
 * kernel, which may differ. `make difftest-live` (ctest label difftest-live)
 * compares against the live kernel instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ops.h"

#define DEFAULT_OPTIONS "mem=256M cpus=2 zero_page=0 thp=never"
#define SEQ_TIMEOUT_S 120

#ifndef DIFFTEST_WORKER
#define DIFFTEST_WORKER "difftest_worker"
#endif

static int verbose;

struct golden {
	char *name;
	struct dt_result r;
};

/* ---- Running one sequence in a child process ---- */

static void child_run(struct dt_backend *b, const struct dt_sequence *s, int fd)
{
	struct dt_result r = { .stream_fd = fd };

	alarm(SEQ_TIMEOUT_S);
	dt_run(b, s, &r);
	close(fd);
	dt_result_free(&r);
	_exit(0);
}

/* Parse "key\tvalue" lines from fd (from its start) into r; closes fd. */
static void slurp(int fd, struct dt_result *r)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	f = fdopen(fd, "r");
	while ((n = getline(&line, &cap, f)) > 0) {
		char *tab = strchr(line, '\t');

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (!tab)
			continue;
		*tab = '\0';
		dt_result_add(r, line, tab + 1);
	}
	free(line);
	fclose(f);
}

/* A sequence running in a child process, its lines going to a temporary file. */
struct runner {
	pid_t pid;
	int fd;
	struct dt_backend *b;
};

static struct runner run_start(struct dt_backend *b, const struct dt_sequence *s)
{
	struct runner rn = { .pid = -1, .fd = -1, .b = b };
	FILE *tmp = tmpfile();

	fflush(NULL);
	if (!tmp)
		return rn;
	rn.fd = dup(fileno(tmp));
	fclose(tmp);
	if (rn.fd < 0)
		return rn;
	fcntl(rn.fd, F_SETFD, FD_CLOEXEC);
	rn.pid = fork();
	if (rn.pid == 0)
		child_run(b, s, rn.fd);
	return rn;
}

static void run_finish(struct runner *rn, struct dt_result *r)
{
	int status = 0;
	char why[80] = "";

	if (rn->pid < 0) {
		if (rn->fd >= 0)
			close(rn->fd);
		dt_result_add(r, "aborted", "cannot start a runner");
		return;
	}
	waitpid(rn->pid, &status, 0);
	slurp(rn->fd, r);
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "%s backend killed by signal %d%s", rn->b->name,
			 WTERMSIG(status), WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else if (WEXITSTATUS(status))
		snprintf(why, sizeof(why), "%s backend exited with %d", rn->b->name,
			 WEXITSTATUS(status));
	if (why[0])
		dt_result_add(r, "aborted", why);
}

static void run_isolated(struct dt_backend *b, const struct dt_sequence *s, struct dt_result *r)
{
	struct runner rn = run_start(b, s);

	run_finish(&rn, r);
}

/* ---- Comparison ---- */

/* Print differences; returns their number. */
static int compare(const char *seq, const struct dt_result *host, const struct dt_result *sim)
{
	const char *why = dt_result_get(sim, "aborted");
	int diffs = 0;

	if (why && !verbose) {
		/* The last line before the crash says where it happened. */
		size_t same = 0;

		while (same < host->n && same < sim->n &&
		       !strcmp(host->lines[same].key, sim->lines[same].key) &&
		       !strcmp(host->lines[same].value, sim->lines[same].value))
			same++;
		printf("  %s: aborted: %s\n", seq, why);
		if (same < sim->n && strcmp(sim->lines[same].key, "aborted"))
			printf("  %s: first difference: %s: host=%s mmsim=%s\n", seq,
			       sim->lines[same].key,
			       dt_result_get(host, sim->lines[same].key) ?: "(none)",
			       sim->lines[same].value);
		else if (same < host->n)
			printf("  %s: stopped before %s (line %zu of %zu)\n", seq,
			       host->lines[same].key, same + 1, host->n);
		return 1;
	}

	for (size_t i = 0; i < host->n; i++) {
		const char *k = host->lines[i].key, *hv = host->lines[i].value;
		const char *sv = dt_result_get(sim, k);

		if (sv && !strcmp(sv, hv)) {
			if (verbose)
				printf("    %-44s %s\n", k, hv);
			continue;
		}
		if (diffs++ < 60 || verbose)
			printf("  %s: %s: host=%s mmsim=%s\n", seq, k, hv, sv ? sv : "(none)");
	}
	for (size_t i = 0; i < sim->n; i++) {
		const char *k = sim->lines[i].key;

		if (dt_result_get(host, k))
			continue;
		if (diffs++ < 60 || verbose)
			printf("  %s: %s: host=(none) mmsim=%s\n", seq, k, sim->lines[i].value);
	}
	if (diffs > 60 && !verbose)
		printf("  %s: ... %d differences in all (-v for every one)\n", seq, diffs);
	return diffs;
}

/* ---- Golden file ---- */

static struct golden *golden_read(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	struct golden *g = NULL;
	char *line = NULL;
	size_t n = 0, cap = 0;
	ssize_t len;

	if (!f) {
		fprintf(stderr, "difftest: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		char *eq;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		if (!strncmp(line, "== ", 3)) {
			g = realloc(g, (n + 1) * sizeof(*g));
			if (!g)
				abort();
			memset(&g[n], 0, sizeof(g[n]));
			g[n++].name = strdup(line + 3);
			continue;
		}
		eq = strstr(line, " = ");
		if (!eq || !n) {
			fprintf(stderr, "difftest: %s: bad line '%s'\n", path, line);
			exit(2);
		}
		*eq = '\0';
		dt_result_add(&g[n - 1].r, line, eq + 3);
	}
	free(line);
	fclose(f);
	*count = n;
	return g;
}

static void golden_write(FILE *f, const char *name, const struct dt_result *r)
{
	fprintf(f, "== %s\n", name);
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "%s = %s\n", r->lines[i].key, r->lines[i].value);
}

/* ---- Modes ---- */

static bool selected(const char *name, char **names, int nnames)
{
	if (!nnames)
		return true;
	for (int i = 0; i < nnames; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static const struct dt_sequence *find_sequence(const char *name)
{
	for (size_t i = 0; i < dt_nsequences; i++)
		if (!strcmp(dt_sequences[i].name, name))
			return &dt_sequences[i];
	return NULL;
}

static int do_record(const char *path, const char *worker, char **names, int nnames)
{
	struct dt_backend *host = dt_host_backend(worker);
	struct utsname u;
	int unstable = 0, aborted = 0;
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "difftest: %s: %s\n", path, strerror(errno));
		return 2;
	}
	uname(&u);
	fprintf(f, "# difftest golden file: the host kernel's figures for every sequence of\n"
		   "# tests/diff/sequences.c (difftest --record). Recorded on Linux %s %s,\n"
		   "# a paravirtualised guest without the shared zero page, THP disabled per\n"
		   "# process (madvise for the thp_* sequences), no ASLR. Re-record after\n"
		   "# changing a sequence.\n",
		u.release, u.machine);
	for (size_t i = 0; i < dt_nsequences; i++) {
		const struct dt_sequence *s = &dt_sequences[i];
		struct dt_result a = { 0 }, b = { 0 };

		if (!selected(s->name, names, nnames))
			continue;
		run_isolated(host, s, &a);
		run_isolated(host, s, &b);
		if (dt_result_get(&a, "aborted")) {
			printf("ABORTED %s: %s\n", s->name, dt_result_get(&a, "aborted"));
			aborted++;
		} else if (compare(s->name, &a, &b)) {
			printf("UNSTABLE %s: the host disagrees with itself (above)\n", s->name);
			unstable++;
		} else {
			printf("recorded %s (%zu lines)\n", s->name, a.n);
		}
		golden_write(f, s->name, &a);
		dt_result_free(&a);
		dt_result_free(&b);
	}
	fclose(f);
	return unstable || aborted ? 1 : 0;
}

struct tally {
	int pass, fail;
	char failed[4096];
};

static void verdict(struct tally *t, const char *name, int diffs, const char *why)
{
	if (!diffs) {
		t->pass++;
		printf("PASS %s\n", name);
		return;
	}
	t->fail++;
	printf("FAIL %s%s%s\n", name, why ? ": " : "", why ? why : "");
	if (strlen(t->failed) + strlen(name) + 2 < sizeof(t->failed)) {
		strcat(t->failed, " ");
		strcat(t->failed, name);
	}
}

static int summary(const struct tally *t)
{
	printf("%d passed, %d failed%s%s\n", t->pass, t->fail, t->fail ? ":" : "", t->failed);
	return t->fail ? 1 : 0;
}

/* Compare one finished sequence with its golden figures. */
static void check_one(struct tally *t, const struct dt_sequence *s, const struct golden *gold,
		      struct runner *rn)
{
	struct dt_result r = { 0 };

	if (!gold) {
		verdict(t, s->name, 1, "not in the golden file (difftest --record)");
		return;
	}
	run_finish(rn, &r);
	verdict(t, s->name, compare(s->name, &gold->r, &r), NULL);
	dt_result_free(&r);
}

/* mmsim runs are independent: up to jobs at once, reported in order. */
static int do_check(const char *path, const char *options, int jobs, char **names, int nnames)
{
	struct dt_backend *sim = dt_mmsim_backend(options);
	struct tally t = { 0 };
	size_t ng, nq = 0, head = 0;
	struct golden *g = golden_read(path, &ng);
	struct { const struct dt_sequence *s; const struct golden *gold; struct runner rn; }
		*q = calloc(dt_nsequences, sizeof(*q));

	for (size_t i = 0; i < dt_nsequences; i++) {
		const struct dt_sequence *s = &dt_sequences[i];

		if (!selected(s->name, names, nnames))
			continue;
		q[nq].s = s;
		for (size_t j = 0; j < ng; j++)
			if (!strcmp(g[j].name, s->name))
				q[nq].gold = &g[j];
		if (q[nq].gold)
			q[nq].rn = run_start(sim, s);
		nq++;
		while (nq - head >= (size_t)jobs) {
			check_one(&t, q[head].s, q[head].gold, &q[head].rn);
			head++;
		}
	}
	for (; head < nq; head++)
		check_one(&t, q[head].s, q[head].gold, &q[head].rn);
	free(q);
	for (size_t j = 0; j < ng; j++) {
		if (!find_sequence(g[j].name))
			printf("note: golden sequence %s no longer exists\n", g[j].name);
		dt_result_free(&g[j].r);
		free(g[j].name);
	}
	free(g);
	return summary(&t);
}

static int do_live(const char *worker, const char *options, char **names, int nnames)
{
	struct dt_backend *host = dt_host_backend(worker), *sim = dt_mmsim_backend(options);
	struct tally t = { 0 };

	for (size_t i = 0; i < dt_nsequences; i++) {
		const struct dt_sequence *s = &dt_sequences[i];
		struct dt_result a = { 0 }, b = { 0 };

		if (!selected(s->name, names, nnames))
			continue;
		run_isolated(host, s, &a);
		run_isolated(sim, s, &b);
		verdict(&t, s->name, compare(s->name, &a, &b), NULL);
		dt_result_free(&a);
		dt_result_free(&b);
	}
	return summary(&t);
}

static int do_show(struct dt_backend *b, char **names, int nnames)
{
	for (size_t i = 0; i < dt_nsequences; i++) {
		struct dt_result r = { 0 };

		if (!selected(dt_sequences[i].name, names, nnames))
			continue;
		run_isolated(b, &dt_sequences[i], &r);
		golden_write(stdout, dt_sequences[i].name, &r);
		dt_result_free(&r);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: difftest --record FILE | --check FILE | --live | --show host|mmsim | --list\n"
		"                [-v] [-j N] [--worker PATH] [--options \"k=v ...\"] [NAME...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *arg = NULL, *options = DEFAULT_OPTIONS;
	const char *worker = DIFFTEST_WORKER;
	char **names = calloc((size_t)argc, sizeof(*names));
	int nnames = 0, ret, jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-v")) {
			verbose = 1;
		} else if (!strcmp(a, "--worker") && i + 1 < argc) {
			worker = argv[++i];
		} else if (!strcmp(a, "-j") && i + 1 < argc) {
			jobs = atoi(argv[++i]);
		} else if (!strcmp(a, "--options") && i + 1 < argc) {
			options = argv[++i];
		} else if ((!strcmp(a, "--record") || !strcmp(a, "--check") ||
			    !strcmp(a, "--show")) && i + 1 < argc) {
			mode = a;
			arg = argv[++i];
		} else if (!strcmp(a, "--live") || !strcmp(a, "--list")) {
			mode = a;
		} else if (a[0] == '-') {
			free(names);
			return usage();
		} else if (!find_sequence(a)) {
			fprintf(stderr, "difftest: no sequence '%s' (--list)\n", a);
			free(names);
			return 2;
		} else {
			names[nnames++] = argv[i];
		}
	}
	if (!mode) {
		free(names);
		return usage();
	}
	if (jobs < 1)
		jobs = 1;
	if (jobs > 8)
		jobs = 8;
	if (!strcmp(mode, "--list")) {
		for (size_t i = 0; i < dt_nsequences; i++)
			printf("%s\n", dt_sequences[i].name);
		ret = 0;
	} else if (!strcmp(mode, "--record")) {
		ret = do_record(arg, worker, names, nnames);
	} else if (!strcmp(mode, "--check")) {
		ret = do_check(arg, options, jobs, names, nnames);
	} else if (!strcmp(mode, "--live")) {
		ret = do_live(worker, options, names, nnames);
	} else if (!strcmp(arg, "host") || !strcmp(arg, "mmsim")) {
		ret = do_show(!strcmp(arg, "host") ? dt_host_backend(worker)
						   : dt_mmsim_backend(options), names, nnames);
	} else {
		ret = usage();
	}
	free(names);
	return ret;
}
