/*
 * repl.c - `mmsim [machine options] repl`: interactive LuaJIT with the
 * mmsim module loaded and a machine booted from the command line's machine
 * options as the global `m`.
 *
 * Each input is tried first as an expression ("return LINE"), then as a
 * statement, so bare expressions print their values as `= expr` does in
 * lua -i; an input that is incomplete ("for i = 1, 3 do") reads more
 * lines. Values print as print() would, except tables, which print their
 * fields sorted by key (two levels deep) so that p:status() or m:vmstat()
 * read well. An error is printed (with file:line) and the session goes on.
 *
 * On a terminal: libedit's readline with history, kept in
 * ~/.mmsim_history when $HOME is writable, and completion of names after
 * "." and ":". Otherwise lines are read from stdin without prompts or
 * history, so a script can be piped in; the exit status is then 1 when any
 * input raised an error, else 0. Ctrl-C interrupts a running chunk (as in
 * lua.c, through a debug hook: a pure-Lua loop that LuaJIT has compiled
 * runs no hooks, so there a second Ctrl-C ends mmsim); Ctrl-D or
 * os.exit() ends the session.
 *
 * Output options (output.h: --procfs, --vmstat, --json, ...) follow the
 * machine booted last, as in `mmsim run`; the --procfs tree is also
 * rewritten after each input, so tools looking at it see what was just
 * typed.
 *
 * Host state: the Lua state and a flag for Ctrl-C live in statics, as the
 * readline completion callback and the signal handler need them.
 *
 * Invariants: m is booted before the first input is read (no machine, no
 * session: exit 1); a bad argument exits 2 before anything boots. The
 * --procfs tree is synced after every input, failed or not. repl_L is set
 * exactly while the session's Lua state lives. Unless os.exit ends it, a
 * piped session exits 1 if any input failed, else with output_finish's
 * status.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>
#include <lauxlib.h>
#include <lua.h>
#include <luajit.h>
#include <lualib.h>

#include "cli.h"
#include "mmsim_lua.h"
#include "output.h"

#define HISTORY_FILE	".mmsim_history"
#define HISTORY_MAX	1000
#define PROMPT		"mmsim> "
#define PROMPT_MORE	"mmsim>> "
#define CHUNKNAME	"=stdin"

static lua_State *repl_L;	/* for completion and the SIGINT hook */

/* ---- printing values ---- */

/* Lua helper: prints values; tables by sorted key, nested ones indented. */
static const char repl_lib[] =
	"local function key_lt(a, b)\n"
	"  local ta, tb = type(a), type(b)\n"
	"  if ta ~= tb then return ta < tb end\n"
	"  if ta == 'number' or ta == 'string' then return a < b end\n"
	"  return tostring(a) < tostring(b)\n"
	"end\n"
	"local function show(v, indent, depth)\n"
	"  if type(v) ~= 'table' or depth > 2 then\n"
	"    return type(v) == 'string' and depth > 0 and string.format('%q', v) or tostring(v)\n"
	"  end\n"
	"  local keys = {}\n"
	"  for k in pairs(v) do keys[#keys + 1] = k end\n"
	"  if #keys == 0 then return '{}' end\n"
	"  table.sort(keys, key_lt)\n"
	"  local out = { '{' }\n"
	"  for _, k in ipairs(keys) do\n"
	"    local name = type(k) == 'string' and k:match('^[%a_][%w_]*$') and k\n"
	"                 or '[' .. show(k, '', 1) .. ']'\n"
	"    out[#out + 1] = indent .. '  ' .. name .. ' = ' .. show(v[k], indent .. '  ', depth + 1) .. ','\n"
	"  end\n"
	"  out[#out + 1] = indent .. '}'\n"
	"  return table.concat(out, '\\n')\n"
	"end\n"
	"return function(...)\n"
	"  local n = select('#', ...)\n"
	"  local parts = {}\n"
	"  for i = 1, n do parts[i] = show((select(i, ...)), '', 0) end\n"
	"  if n > 0 then io.write(table.concat(parts, '\\t'), '\\n') end\n"
	"end\n";

#define PRINTER_KEY	"mmsim.repl.print"

static int load_printer(lua_State *L)
{
	if (luaL_loadbuffer(L, repl_lib, sizeof(repl_lib) - 1, "=repl") || lua_pcall(L, 0, 1, 0))
		return -1;
	lua_setfield(L, LUA_REGISTRYINDEX, PRINTER_KEY);
	return 0;
}

/* ---- running a chunk, with Ctrl-C ---- */

static void interrupted_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_sethook(L, NULL, 0, 0);
	luaL_error(L, "interrupted!");
}

static void on_sigint(int sig)
{
	signal(sig, SIG_DFL);	/* a second Ctrl-C ends the program */
	lua_sethook(repl_L, interrupted_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* Message handler: the error as text (errors already carry file:line). */
static int error_text(lua_State *L)
{
	if (!lua_isstring(L, 1))
		lua_pushfstring(L, "(error object is a %s)", luaL_typename(L, 1));
	return 1;
}

/* Call the function on top with no arguments; print its results. 0 or -1. */
static int run_chunk(lua_State *L)
{
	int base = lua_gettop(L), ret = 0;

	lua_pushcfunction(L, error_text);
	lua_insert(L, base);
	signal(SIGINT, on_sigint);
	if (lua_pcall(L, 0, LUA_MULTRET, base)) {
		fflush(stdout);
		fprintf(stderr, "%s\n", lua_tostring(L, -1));
		ret = -1;
	} else if (lua_gettop(L) > base) {
		lua_getfield(L, LUA_REGISTRYINDEX, PRINTER_KEY);
		lua_insert(L, base + 1);
		if (lua_pcall(L, lua_gettop(L) - base - 1, 0, 0)) {
			fprintf(stderr, "%s\n", lua_tostring(L, -1));
			ret = -1;
		}
	}
	signal(SIGINT, SIG_DFL);
	lua_settop(L, base - 1);
	fflush(stdout);
	return ret;
}

/* ---- reading input ---- */

struct input {
	bool tty;
	char *line;		/* getline's buffer (non-interactive) */
	size_t cap;
};

/* The next line without its newline (malloc'd), or NULL at end of input. */
static char *read_line(struct input *in, const char *prompt)
{
	ssize_t n;

	if (in->tty)
		return readline(prompt);
	n = getline(&in->line, &in->cap, stdin);
	if (n < 0)
		return NULL;
	if (n > 0 && in->line[n - 1] == '\n')
		in->line[n - 1] = '\0';
	return strdup(in->line);
}

/* Whether a load error means "the chunk is not finished yet". */
static bool incomplete(lua_State *L, int status)
{
	size_t len;
	const char *msg = lua_tolstring(L, -1, &len);
	static const char eof[] = "'<eof>'";

	return status == LUA_ERRSYNTAX && msg && len >= sizeof(eof) - 1 &&
	       !strcmp(msg + len - (sizeof(eof) - 1), eof);
}

/*
 * Compile text: as an expression first, else as a statement. The
 * expression is wrapped in select(1, ...) so that a call in it is not a
 * tail call: an error inside still names stdin:LINE.
 */
static int compile(lua_State *L, const char *text)
{
	const char *body = text[0] == '=' ? text + 1 : text;
	size_t len = strlen(body) + 32;
	char *expr = malloc(len);
	int status = LUA_ERRMEM;

	if (expr) {
		snprintf(expr, len, "return select(1, %s\n)", body);
		status = luaL_loadbuffer(L, expr, strlen(expr), CHUNKNAME);
		free(expr);
	}
	if (status == 0 || text[0] == '=')
		return status;
	lua_pop(L, 1);
	return luaL_loadbuffer(L, text, strlen(text), CHUNKNAME);
}

/*
 * Read one complete chunk (several lines if needed) and compile it.
 * Returns 1 with the function on the stack, 0 with an error message
 * printed, -1 at end of input.
 */
static int read_chunk(lua_State *L, struct input *in, char **hist)
{
	char *text = read_line(in, PROMPT), *more;
	int status;

	if (!text)
		return -1;
	for (;;) {
		status = compile(L, text);
		if (!incomplete(L, status))
			break;
		more = read_line(in, PROMPT_MORE);
		if (!more)
			break;	/* the input ended inside the chunk: report it */
		lua_pop(L, 1);
		char *joined = malloc(strlen(text) + strlen(more) + 2);

		if (!joined) {
			free(more);
			break;
		}
		sprintf(joined, "%s\n%s", text, more);
		free(text);
		free(more);
		text = joined;
	}
	*hist = text;
	if (status == 0)
		return 1;
	fprintf(stderr, "%s\n", lua_tostring(L, -1));
	lua_pop(L, 1);
	return 0;
}

/* ---- completion (terminal only) ---- */

/* Push the value the dotted prefix names ("m", "mmsim.boot"), or nil. */
static void push_path(lua_State *L, const char *path, size_t len)
{
	size_t start = 0;

	lua_pushvalue(L, LUA_GLOBALSINDEX);
	for (size_t i = 0; i <= len; i++) {
		if (i < len && path[i] != '.' && path[i] != ':')
			continue;
		if (!lua_istable(L, -1)) {
			lua_pop(L, 1);
			lua_pushnil(L);
			return;
		}
		lua_pushlstring(L, path + start, i - start);
		lua_rawget(L, -2);
		lua_remove(L, -2);
		start = i + 1;
	}
}

/* The table whose string keys complete after a value: itself or its methods. */
static void push_fields(lua_State *L)
{
	if (lua_istable(L, -1))
		return;
	if (!lua_getmetatable(L, -1)) {
		lua_pop(L, 1);
		lua_pushnil(L);
		return;
	}
	lua_remove(L, -2);
	lua_getfield(L, -1, "__index");
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_getfield(L, -1, "methods");
	}
	lua_remove(L, -2);
}

static char **completions;
static size_t nr_completions, completion_next;

static void free_completions(void)
{
	for (size_t i = completion_next; i < nr_completions; i++)
		free(completions[i]);
	free(completions);
	completions = NULL;
	nr_completions = completion_next = 0;
}

/* Collect every key of the table on top starting with word, prefixed. */
static void collect(lua_State *L, const char *prefix, size_t plen, const char *word)
{
	size_t wlen = strlen(word), max = 0;

	for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		char *c;

		if (!k || strncmp(k, word, wlen))
			continue;
		if (nr_completions == max) {
			char **v = realloc(completions, (max = max ? 2 * max : 32) * sizeof(*v));

			if (!v)
				continue;
			completions = v;
		}
		c = malloc(plen + strlen(k) + 1);
		if (!c)
			continue;
		memcpy(c, prefix, plen);
		strcpy(c + plen, k);
		completions[nr_completions++] = c;
	}
}

static char *complete_next(const char *text, int state)
{
	lua_State *L = repl_L;

	if (state == 0) {
		const char *sep = strrchr(text, '.'), *colon = strrchr(text, ':');
		size_t plen;

		free_completions();
		if (colon > sep)
			sep = colon;
		plen = sep ? (size_t)(sep - text) + 1 : 0;
		if (sep)
			push_path(L, text, (size_t)(sep - text));
		else
			lua_pushvalue(L, LUA_GLOBALSINDEX);
		push_fields(L);
		if (lua_istable(L, -1))
			collect(L, text, plen, text + plen);
		lua_pop(L, 1);
	}
	if (completion_next < nr_completions)
		return completions[completion_next++];
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	return rl_completion_matches(text, complete_next);
}

/* ---- history ---- */

static char history_file[4096];	/* "" when history is not kept */

/* atexit: os.exit() ends the program without returning to the loop. */
static void save_history(void)
{
	if (history_file[0])
		write_history(history_file);
}

static bool history_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");

	if (!home || !*home || access(home, W_OK))
		return false;
	snprintf(buf, len, "%s/%s", home, HISTORY_FILE);
	return true;
}

static void setup_terminal(const char *hist)
{
	rl_readline_name = "mmsim";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{(),[]+-*/%^#~";
	using_history();
	stifle_history(HISTORY_MAX);
	if (hist)
		read_history(hist);
}

/* ---- the state ---- */

static void repl_usage(FILE *out)
{
	fprintf(out,
		"Usage: mmsim [machine options] repl\n"
		"\n"
		"Interactive Lua (LuaJIT) with the mmsim module loaded as 'mmsim' and a\n"
		"machine booted from the machine options as 'm'. Type an expression to\n"
		"see its value (\"= expr\" works too), or any Lua statement; errors are\n"
		"printed and the session goes on. Ctrl-D or os.exit() leaves.\n"
		"\n"
		"On a terminal: line editing, Tab completion of names after '.' and ':',\n"
		"and history in ~/.mmsim_history. With stdin not a terminal, lines are\n"
		"read from it without prompts (exit status 1 if any input failed).\n"
		"The API is described in docs/scripting.md.\n"
		"\n"
		"Examples:\n"
		"  mmsim --mem 256M repl\n"
		"  echo 'm:proc(\"meminfo\")' | mmsim repl\n"
		"  mmsim repl --procfs /tmp/mm      (then free, ps... on it: docs/procfs.md)\n"
		"\n");
	output_options_help(out, OUTPUT_OPT_ALL);
	fprintf(out,
		"\n"
		"Output options follow the machine booted last (m at first); the --procfs\n"
		"tree is also rewritten after each input.\n");
}

/* The Lua boot hook: the output follows each machine booted, to its end. */
static void follow_machine(mmsim_machine *m, enum mmsim_lua_event event, void *arg)
{
	if (event == MMSIM_LUA_BOOTED)
		output_boot(arg, m);
	else
		output_final(arg, m);
}

/* A Lua state with mmsim loaded, the CLI's defaults set, and m booted. */
static lua_State *new_state(struct output *out)
{
	size_t n;
	const struct cli_setting *s = cli_settings(&n);
	lua_State *L = luaL_newstate();
	char err[256];

	if (!L) {
		fprintf(stderr, "mmsim repl: cannot create a Lua state\n");
		return NULL;
	}
	luaL_openlibs(L);
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "preload");
	lua_pushcfunction(L, luaopen_mmsim);
	lua_setfield(L, -2, "mmsim");
	lua_pop(L, 2);
	lua_getglobal(L, "require");
	lua_pushstring(L, "mmsim");
	if (lua_pcall(L, 1, 1, 0) || load_printer(L))
		goto fail;
	lua_setglobal(L, "mmsim");
	mmsim_lua_set_boot_hook(L, follow_machine, out);
	for (size_t i = 0; i < n; i++) {
		if (mmsim_lua_set_default(L, s[i].key, s[i].value, err, sizeof(err))) {
			fprintf(stderr, "mmsim repl: %s\n", err);
			lua_close(L);
			return NULL;
		}
	}
	if (luaL_dostring(L, "m = mmsim.boot{}"))
		goto fail;
	return L;
fail:
	fprintf(stderr, "mmsim repl: %s\n", lua_tostring(L, -1));
	lua_close(L);
	return NULL;
}

static void banner(lua_State *L)
{
	lua_getglobal(L, "tostring");
	lua_getglobal(L, "m");
	lua_call(L, 1, 1);
	printf("mmsim %s (%s): the machine is m (%s); mmsim.boot{} makes more.\n"
	       "Try: m:proc(\"meminfo\")   p = m:spawn(\"demo\")   p:status()\n",
	       MMSIM_VERSION, LUAJIT_VERSION, lua_tostring(L, -1));
	lua_pop(L, 1);
}

static int session(lua_State *L, bool tty, struct output *out)
{
	struct input in = { .tty = tty };
	char *text;
	bool failed = false;
	int r;

	if (tty) {
		if (history_path(history_file, sizeof(history_file)))
			atexit(save_history);
		setup_terminal(history_file[0] ? history_file : NULL);
		banner(L);
	}
	while ((r = read_chunk(L, &in, &text)) >= 0) {
		if (tty && text[strspn(text, " \t\n")])
			add_history(text);
		free(text);
		if (r == 0 || run_chunk(L))
			failed = true;
		procfs_output_sync(out);
	}
	if (tty) {
		putchar('\n');
		save_history();
		history_file[0] = '\0';
	}
	free(in.line);
	free_completions();
	return !tty && failed ? EXIT_MACHINE : 0;
}

int cmd_repl(mmsim_config *cfg, int argc, char **argv)
{
	struct output *out;
	lua_State *L;
	int ret, out_ret;

	for (int i = 0; i < argc;) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			repl_usage(stdout);
			return 0;
		}
		ret = output_option(output_opts(), OUTPUT_OPT_ALL, "mmsim repl", argc, argv, &i);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret > 0)
			continue;
		ret = cli_machine_option(cfg, argc, argv, &i);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret == 0) {
			fprintf(stderr, "mmsim repl: unexpected '%s'; see mmsim repl --help\n",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	out = output_new(output_opts(), "mmsim repl");
	if (!out)
		return EXIT_MACHINE;
	L = new_state(out);
	if (!L) {
		output_free(out);
		return EXIT_MACHINE;
	}
	repl_L = L;
	ret = session(L, isatty(STDIN_FILENO), out);
	fflush(stdout);
	out_ret = output_finish(out);	/* the machine followed is still up */
	repl_L = NULL;
	lua_close(L);	/* __gc shuts the machines down */
	output_free(out);
	return ret ? ret : out_ret;
}
