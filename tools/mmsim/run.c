/*
 * run.c - `mmsim [machine options] run SCRIPT.lua [-- args]`,
 * `mmsim run --scenario NAME` and `mmsim scenarios`.
 *
 * A fresh LuaJIT state per run, with the standard libraries and the mmsim
 * module both as the global `mmsim` and through require "mmsim". The
 * machine options of the command line (before or after `run`) become the
 * defaults of every mmsim.boot{} in the script. Arguments after the script
 * (an optional `--` first) are arg[1], arg[2], ... and the chunk's `...`.
 *
 * Scenarios are scenarios/NAME.lua in the source tree (the path is
 * compiled in as MMSIM_SCENARIO_DIR_DEFAULT; the MMSIM_SCENARIO_DIR
 * environment variable overrides it). A scenario's first line is
 * "-- one-line description", which `mmsim scenarios` prints.
 *
 * Output options (output.h: --json, --vmstat, --csv, --plot) follow the
 * machine the script booted last: the Lua boot hook hands each booted
 * machine to the output, and the outputs are finished when the script
 * ends, before the Lua state (and the machines) go.
 *
 * Exit status: 0 when the script finishes (or calls os.exit(0)); 1 on a
 * syntax or runtime error, reported as file:line with a traceback, or when
 * an output cannot be written; 2 for a bad command line or an unknown
 * scenario.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "cli.h"
#include "mmsim_lua.h"
#include "output.h"

#ifndef MMSIM_SCENARIO_DIR_DEFAULT
#define MMSIM_SCENARIO_DIR_DEFAULT "scenarios"
#endif

static const char *scenario_dir(void)
{
	const char *dir = getenv("MMSIM_SCENARIO_DIR");

	return dir && *dir ? dir : MMSIM_SCENARIO_DIR_DEFAULT;
}

static void run_usage(FILE *out)
{
	fprintf(out,
		"Usage: mmsim [machine options] run SCRIPT.lua [--] [ARGS...]\n"
		"       mmsim [machine options] run --scenario NAME [--] [ARGS...]\n"
		"\n"
		"Run a Lua (LuaJIT) script with the mmsim module preloaded as the global\n"
		"'mmsim' (also require \"mmsim\"). Machine options, before or after 'run',\n"
		"are the defaults of every mmsim.boot{} in the script; the script's fields\n"
		"win. ARGS reach the script as arg[1], arg[2], ... The API is described in\n"
		"docs/scripting.md; 'mmsim scenarios' lists the built-in scenarios.\n"
		"\n"
		"Examples:\n"
		"  mmsim run --scenario slab-kmalloc\n"
		"  mmsim --mem 256M run myscript.lua -- 10 20\n"
		"  mmsim run --vmstat 1s --csv mem.csv --plot mem.png myscript.lua\n"
		"  mmsim run --json myscript.lua > summary.json\n"
		"\n");
	output_options_help(out, OUTPUT_OPT_ALL);
	fprintf(out,
		"\n"
		"Output options follow the machine the script booted last; times are the\n"
		"simulated clock (m:tick, and the cost of each call: docs/scripting.md).\n"
		"\n");
	cli_machine_options_help(out);
}

/* "-- description" from the first line of a scenario file. */
static bool scenario_description(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[256];
	bool ok = false;

	if (!f)
		return false;
	if (fgets(line, sizeof(line), f) && !strncmp(line, "-- ", 3)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, len, "%s", line + 3);
		ok = true;
	}
	fclose(f);
	return ok;
}

static int lua_file_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && d->d_name[0] != '.' && !strcmp(d->d_name + n - 4, ".lua");
}

/* Print the scenarios, one a line; with names_only, on one line. */
static int list_scenarios(FILE *out, bool names_only)
{
	const char *dir = scenario_dir();
	struct dirent **list;
	int n = scandir(dir, &list, lua_file_filter, alphasort);

	if (n < 0) {
		fprintf(out, "%s(no scenario directory %s)", names_only ? "" : "mmsim: ", dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096], desc[256] = "";
		int len = (int)strlen(list[i]->d_name) - 4;

		if (names_only) {
			fprintf(out, "%s%.*s", i ? " " : "", len, list[i]->d_name);
		} else {
			snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
			scenario_description(path, desc, sizeof(desc));
			fprintf(out, "  %-24.*s %s\n", len, list[i]->d_name, desc);
		}
		free(list[i]);
	}
	free(list);
	return n;
}

int cmd_scenarios(int argc, char **argv)
{
	if (argc && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		printf("Usage: mmsim scenarios\n\nList the built-in scenarios; run one with "
		       "`mmsim [options] run --scenario NAME [-- ARGS]`.\n\n");
	} else if (argc) {
		fprintf(stderr, "mmsim scenarios: unexpected argument '%s' (it takes none; "
			"see mmsim scenarios --help)\n", argv[0]);
		return EXIT_USAGE;
	}
	printf("Built-in scenarios (mmsim run --scenario NAME):\n");
	if (list_scenarios(stdout, false) < 0) {
		printf("\n");
		return EXIT_MACHINE;
	}
	return 0;
}

static bool valid_scenario_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	return true;
}

/* Message handler: the error with a traceback. */
static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (!msg)
		msg = lua_pushfstring(L, "(error object is a %s)", luaL_typename(L, 1));
	lua_getglobal(L, "debug");
	lua_getfield(L, -1, "traceback");
	lua_pushstring(L, msg);
	lua_pushinteger(L, 2);
	lua_call(L, 2, 1);
	return 1;
}

/* The Lua boot hook: the output follows each machine booted, to its end. */
static void follow_machine(mmsim_machine *m, enum mmsim_lua_event event, void *arg)
{
	if (event == MMSIM_LUA_BOOTED)
		output_boot(arg, m);
	else
		output_final(arg, m);
}

/* print and io.write erase the progress line first (upvalues: the output, the original). */
static int clear_then_call(lua_State *L)
{
	output_clear_progress(lua_touserdata(L, lua_upvalueindex(1)));
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static void wrap_writer(lua_State *L, struct output *out, int table, const char *name)
{
	lua_pushlightuserdata(L, out);
	lua_getfield(L, table, name);
	lua_pushcclosure(L, clear_then_call, 2);
	lua_setfield(L, table, name);
}

static void wrap_writers(lua_State *L, struct output *out)
{
	wrap_writer(L, out, LUA_GLOBALSINDEX, "print");
	lua_getglobal(L, "io");
	wrap_writer(L, out, lua_gettop(L), "write");
	lua_pop(L, 1);
}

static int run_file(const char *path, int nargs, char **args)
{
	size_t n;
	const struct cli_setting *s = cli_settings(&n);
	lua_State *L;
	char err[256];
	int ret = 0, out_ret;
	struct output *out = output_new(output_opts(), "mmsim run");

	if (!out)
		return EXIT_MACHINE;
	L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "mmsim: cannot create a Lua state\n");
		output_free(out);
		return EXIT_MACHINE;
	}
	luaL_openlibs(L);

	/* require "mmsim", and the global mmsim. */
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "preload");
	lua_pushcfunction(L, luaopen_mmsim);
	lua_setfield(L, -2, "mmsim");
	lua_pop(L, 2);
	lua_getglobal(L, "require");
	lua_pushstring(L, "mmsim");
	if (lua_pcall(L, 1, 1, 0)) {
		fprintf(stderr, "mmsim: %s\n", lua_tostring(L, -1));
		lua_close(L);
		output_free(out);
		return EXIT_MACHINE;
	}
	lua_setglobal(L, "mmsim");
	mmsim_lua_set_boot_hook(L, follow_machine, out);
	wrap_writers(L, out);
	for (size_t i = 0; i < n; i++) {
		if (mmsim_lua_set_default(L, s[i].key, s[i].value, err, sizeof(err))) {
			fprintf(stderr, "mmsim: %s\n", err);
			lua_close(L);
			output_free(out);
			return EXIT_USAGE;
		}
	}

	/* arg[0] is the script, arg[1..] its arguments. */
	lua_createtable(L, nargs, 1);
	lua_pushstring(L, path);
	lua_rawseti(L, -2, 0);
	for (int i = 0; i < nargs; i++) {
		lua_pushstring(L, args[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setglobal(L, "arg");

	lua_pushcfunction(L, traceback);
	if (luaL_loadfile(L, path)) {
		fprintf(stderr, "mmsim: %s\n", lua_tostring(L, -1));
		lua_close(L);
		output_free(out);
		return EXIT_MACHINE;
	}
	for (int i = 0; i < nargs; i++)
		lua_pushstring(L, args[i]);
	if (lua_pcall(L, nargs, 0, 1)) {
		fflush(stdout);
		output_clear_progress(out);
		fprintf(stderr, "mmsim: %s\n", lua_tostring(L, -1));
		ret = EXIT_MACHINE;
	}
	fflush(stdout);
	out_ret = output_finish(out);	/* the machine followed is still up */
	lua_close(L);	/* __gc shuts down machines the script left running */
	output_free(out);
	return ret ? ret : out_ret;
}

int cmd_run(mmsim_config *cfg, int argc, char **argv)
{
	const char *script = NULL, *scenario = NULL;
	char path[4096];
	int i = 0, ret;

	while (i < argc) {
		const char *w = argv[i];

		if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
			run_usage(stdout);
			return 0;
		}
		if (!strcmp(w, "--scenario") || !strncmp(w, "--scenario=", 11)) {
			if (w[10] == '=') {
				scenario = w + 11;
				i++;
			} else if (i + 1 < argc) {
				scenario = argv[i + 1];
				i += 2;
			} else {
				fprintf(stderr, "mmsim: run --scenario needs a NAME (see mmsim scenarios)\n");
				return EXIT_USAGE;
			}
			break;
		}
		/* output options (output.h) */
		ret = output_option(output_opts(), OUTPUT_OPT_ALL, "mmsim run", argc, argv, &i);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret > 0)
			continue;
		ret = cli_machine_option(cfg, argc, argv, &i);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret > 0)
			continue;
		if (w[0] == '-' && w[1]) {
			fprintf(stderr, "mmsim: run: unknown option '%s'; see mmsim run --help\n", w);
			return EXIT_USAGE;
		}
		script = w;
		i++;
		break;
	}
	if (!script && !scenario) {
		fprintf(stderr, "mmsim: run needs SCRIPT.lua or --scenario NAME "
			"(see mmsim run --help)\n");
		return EXIT_USAGE;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (scenario) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.lua", scenario_dir(), scenario);
		if (!valid_scenario_name(scenario) || !(f = fopen(path, "r"))) {
			fprintf(stderr, "mmsim: no scenario '%s'; scenarios: ", scenario);
			list_scenarios(stderr, true);
			fprintf(stderr, "\n");
			return EXIT_USAGE;
		}
		fclose(f);
		script = path;
	}
	return run_file(script, argc - i, argv + i);
}
