/*
 * output.h - the output options of the mmsim command (--json, --vmstat,
 * --csv, --plot, the progress bar) and the way new outputs plug in.
 *
 * Life of an output, whatever the command:
 *
 *	struct output *out = output_new(output_opts(), "mmsim run");  // opens files: fail early
 *	output_boot(out, m);       // each machine booted; the outputs follow the last one
 *	... the run ...            // samplers (mmsim_add_sampler) feed the sinks
 *	output_final(out, m);      // the last look at a followed machine before it goes
 *	ret = output_finish(out);  // write the JSON, the CSV, the plot; 0 or EXIT_MACHINE
 *	output_free(out);          // after every machine it followed has shut down
 *
 * `mmsim run` calls output_boot/output_final from the Lua boot hook
 * (mmsim_lua_set_boot_hook, run.c), so every mmsim.boot{} in a script is followed;
 * `show` and `replay` call them around their own machine.
 *
 * Each output is a sink (struct output_sink): a row in the sinks[] table of
 * output.c with callbacks for those moments, its own state hung off struct
 * output, and its options in the options[] table of output.c. Adding one
 * (e.g. --procfs DIR) is: a field in struct output_opts, a row in options[],
 * a state pointer in struct output, a sink in its own file, a row in
 * sinks[]. Callbacks see the machine through the public API only.
 *
 * Everything written depends on simulated time only, never on host time
 * (the progress bar, on a terminal's stderr, is the one exception).
 */
#ifndef MMSIM_OUTPUT_H
#define MMSIM_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmsim/mmsim.h"

/* What the command line asked for. */
struct output_opts {
	bool json;		/* --json: a summary on stdout at the end */
	uint64_t vmstat_ns;	/* --vmstat INTERVAL (0: off) */
	const char *csv_path;	/* --csv FILE */
	const char *plot_path;	/* --plot FILE.png */
	bool no_progress;	/* --no-progress */
	const char *procfs_dir;	/* --procfs DIR (procfs.c) */
};

/* Which options a command accepts (output_option's mask). */
#define OUTPUT_OPT_JSON		0x01
#define OUTPUT_OPT_VMSTAT	0x02
#define OUTPUT_OPT_CSV		0x04
#define OUTPUT_OPT_PLOT		0x08
#define OUTPUT_OPT_PROGRESS	0x10
#define OUTPUT_OPT_PROCFS	0x20
#define OUTPUT_OPT_ALL		0xff

/* The command's options (one set per process, like cli_settings()). */
struct output_opts *output_opts(void);
/*
 * If argv[*i] is an output option that mask allows, record it, advance *i
 * past it (and its value) and return 1; 0 when it is not one; -1 after
 * printing why when it is bad or not for this command (who: "mmsim run").
 */
int output_option(struct output_opts *o, unsigned int mask, const char *who, int argc,
		  char **argv, int *i);
/* -1 after saying so when o has an option mask does not allow (given before the command). */
int output_check(const struct output_opts *o, unsigned int mask, const char *who);
/* The help block of the options mask allows. */
void output_options_help(FILE *out, unsigned int mask);

struct output;

/* NULL after printing a one-line reason (a file that cannot be written, no gnuplot). */
struct output *output_new(const struct output_opts *o, const char *who);
void output_boot(struct output *out, mmsim_machine *m);
void output_final(struct output *out, mmsim_machine *m);
int output_finish(struct output *out);
void output_free(struct output *out);
/* For long runs that know their length (replay): done of total, on the progress bar. */
void output_progress(struct output *out, uint64_t done, uint64_t total);
/* show --json FILE...: a /proc file's text, in the summary's "proc" object. */
void output_json_proc(struct output *out, const char *name, const char *text);

/* ---- for sinks ---- */

struct vmstat_out;
struct csv_out;
struct json_out;
struct progress_out;
struct procfs_out;

struct output {
	const struct output_opts *opts;
	const char *who;		/* "mmsim run": prefix of messages */
	mmsim_machine *m;		/* the machine followed, NULL when none */
	unsigned long boots;		/* machines followed so far */
	bool finished;
	FILE *text;			/* where text lines go: stdout, stderr with --json */
	/* Each sink's state, NULL when it is off. */
	struct vmstat_out *vmstat;
	struct csv_out *csv;
	struct json_out *json;
	struct progress_out *progress;
	struct procfs_out *procfs;	/* --procfs (procfs.c) */
};

struct output_sink {
	const char *name;
	/* Set up from the options (state NULL: off); 0, or -1 after saying why. */
	int (*start)(struct output *out);
	/* A machine booted and is followed from now on. */
	void (*boot)(struct output *out, mmsim_machine *m);
	/* The sampler interval the sink wants on the followed machine (0: none). */
	uint64_t (*interval)(struct output *out);
	void (*sample)(struct output *out, mmsim_machine *m, uint64_t now_ns);
	/* The followed machine's last moment (script end, or shutdown). */
	void (*final)(struct output *out, mmsim_machine *m);
	/* After the run; 0, or -1 after saying why. */
	int (*finish)(struct output *out);
	void (*free)(struct output *out);
};

extern const struct output_sink vmstat_sink, csv_sink, json_sink, progress_sink;
/* --procfs DIR (procfs.c) */
extern const struct output_sink procfs_sink;
/* Write the --procfs tree of the followed machine now (repl: after each input). */
void procfs_output_sync(struct output *out);

/* Erase the progress line before writing text to the terminal. */
void output_clear_progress(struct output *out);

/* ---- reading the machine (public API text, parsed as tools parse /proc) ---- */

/* A "Key:   123 kB" field of /proc/meminfo text, in kB (or the bare count); -1 if absent. */
long long meminfo_field(const char *meminfo, const char *key);

struct zone_marks {
	int node;
	char name[16];
	long long free, min, low, high, managed;
};
/* The zones of /proc/zoneinfo text with managed pages, at most max; returns the count. */
int zoneinfo_marks(const char *zoneinfo, struct zone_marks *z, int max);
/* A /proc file's text (malloc'd), or NULL. */
char *proc_text(mmsim_machine *m, const char *name);

#endif
