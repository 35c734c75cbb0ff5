/*
 * bench_lua.c - what a simulated access costs when a Lua script makes it:
 * p:touch(a, 8, "w") and p:write(a, "12345678") in a LuaJIT loop, beside
 * the same accesses made by direct C calls (mmsim_touch, mmsim_write) on a
 * machine of the same shape, in the same run. The difference is the
 * binding's overhead per access (argument checks, the userdata lookup,
 * the call itself). Pages are faulted in before timing, and the 64 pages
 * used fit the TLB, so both sides measure the fast path.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "bench_util.h"
#include "mmsim/mmsim.h"
#include "mmsim_lua.h"

#define CALLS	(2 * 1000 * 1000)
#define RUNS	5
#define PAGES	64

/* The Lua side: one machine and process; run(kind, n) makes n accesses. */
static const char script[] =
	"local m = mmsim.boot{ mem = '256M', cpus = 1 }\n"
	"local p = m:spawn('bench')\n"
	"local base = p:mmap(64 * 4096, 'rw', 'private,anonymous')\n"
	"p:touch(base, 64 * 4096, 'w')\n"
	"function run_touch(n)\n"
	"  local a = base\n"
	"  for i = 1, n do\n"
	"    p:touch(a + (i % 64) * 4096, 8, 'w')\n"
	"  end\n"
	"end\n"
	"function run_write(n)\n"
	"  for i = 1, n do\n"
	"    p:write(base + (i % 64) * 4096, '12345678')\n"
	"  end\n"
	"end\n"
	"function run_empty(n)\n"
	"  local a = 0\n"
	"  for i = 1, n do a = a + (i % 64) * 4096 end\n"
	"  return a\n"
	"end\n";

static double lua_run(lua_State *L, const char *fn)
{
	uint64_t t0;

	lua_getglobal(L, fn);
	lua_pushinteger(L, CALLS);
	t0 = bench_now_ns();
	if (lua_pcall(L, 1, 0, 0)) {
		fprintf(stderr, "%s: %s\n", fn, lua_tostring(L, -1));
		exit(1);
	}
	return (double)(bench_now_ns() - t0) / CALLS;
}

static double lua_best(lua_State *L, const char *fn)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		double ns = lua_run(L, fn);

		best = ns < best ? ns : best;
	}
	return best;
}

static lua_State *lua_setup(void)
{
	lua_State *L = luaL_newstate();

	luaL_openlibs(L);
	lua_pushcfunction(L, luaopen_mmsim);
	lua_call(L, 0, 1);
	lua_setglobal(L, "mmsim");
	if (luaL_dostring(L, script)) {
		fprintf(stderr, "script: %s\n", lua_tostring(L, -1));
		exit(1);
	}
	return L;
}

struct c_side {
	mmsim_machine *m;
	int pid;
	uint64_t base;
};

static void c_setup(struct c_side *c)
{
	mmsim_config *cfg = mmsim_config_new();
	struct mmsim_fault f;
	char err[256];

	mmsim_config_set(cfg, "mem", "256M", err, sizeof(err));
	mmsim_config_set(cfg, "cpus", "1", err, sizeof(err));
	c->m = mmsim_boot(cfg, err, sizeof(err));
	mmsim_config_free(cfg);
	if (!c->m)
		exit(1);
	c->pid = mmsim_spawn(c->m, "bench");
	c->base = (uint64_t)mmsim_mmap(c->m, c->pid, 0, PAGES * 4096,
				       MMSIM_PROT_READ | MMSIM_PROT_WRITE,
				       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	if (mmsim_touch(c->m, c->pid, c->base, PAGES * 4096, 1, &f))
		exit(1);
}

static double c_run(struct c_side *c, bool write)
{
	struct mmsim_fault f;
	uint64_t t0 = bench_now_ns();
	int bad = 0;

	for (long i = 1; i <= CALLS; i++) {
		uint64_t a = c->base + (uint64_t)(i % PAGES) * 4096;

		bad |= write ? mmsim_write(c->m, c->pid, a, "12345678", 8, &f)
			     : mmsim_touch(c->m, c->pid, a, 8, 1, &f);
	}
	if (bad)
		exit(1);
	return (double)(bench_now_ns() - t0) / CALLS;
}

static double c_best(struct c_side *c, bool write)
{
	double best = 1e30;

	for (int r = 0; r < RUNS; r++) {
		double ns = c_run(c, write);

		best = ns < best ? ns : best;
	}
	return best;
}

int main(void)
{
	lua_State *L = lua_setup();
	struct c_side c;
	double loop, lt, lw, ct, cw;

	c_setup(&c);
	loop = lua_best(L, "run_empty");
	lt = lua_best(L, "run_touch");
	ct = c_best(&c, false);
	lw = lua_best(L, "run_write");
	cw = c_best(&c, true);
	bench_report("Lua p:touch(a, 8, \"w\"), TLB hit", lt, "C mmsim_touch", ct);
	bench_report("Lua p:write(a, 8 bytes), TLB hit", lw, "C mmsim_write", cw);
	printf("binding overhead per access: p:touch %.1f ns, p:write %.1f ns "
	       "(the Lua loop alone: %.2f ns an iteration)\n", lt - ct, lw - cw, loop);
	lua_close(L);
	mmsim_shutdown(c.m);
	return 0;
}
