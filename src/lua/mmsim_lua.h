/*
 * mmsim_lua.h - the Lua (LuaJIT) binding of libmmsim, for C programs that
 * embed a Lua state: `mmsim run` does, and so can anyone else.
 *
 * luaopen_mmsim() is the module's only entry, as with Lua's own libraries
 * (register it in package.preload, or call it with lua_call). The machine
 * defaults are per Lua state: every mmsim.boot{} starts from them, in the
 * order they were set, and the fields of the script's table win.
 */
#ifndef MMSIM_LUA_H
#define MMSIM_LUA_H

#include <stddef.h>

#include <lua.h>

#include "mmsim/mmsim.h"

/* Push the module table (mmsim.boot, mmsim.version, ...). */
int luaopen_mmsim(lua_State *L);

/*
 * Add a default machine option (a mmsim_config_set() key and its text
 * value) for every later mmsim.boot{} in L. Call it after luaopen_mmsim().
 * "sysctl" may be given several times; other keys set later replace earlier
 * ones. Returns 0, or -EINVAL with a reason in err for an unknown key.
 */
int mmsim_lua_set_default(lua_State *L, const char *key, const char *value,
			  char *err, size_t errlen);

/*
 * Simulated time and output (mmsim run's --vmstat, --json, --csv, ...):
 * a hook called with each machine a mmsim.boot{} in L boots (after boot,
 * before the script sees it) and before each shuts down (m:shutdown() or
 * the collector, lua_close included), so a driver can attach samplers and
 * take a final look. One hook per state; setting it again replaces it.
 */
enum mmsim_lua_event { MMSIM_LUA_BOOTED, MMSIM_LUA_SHUTDOWN };
typedef void (*mmsim_lua_boot_hook)(mmsim_machine *m, enum mmsim_lua_event event, void *arg);
void mmsim_lua_set_boot_hook(lua_State *L, mmsim_lua_boot_hook fn, void *arg);

#endif
