/*
 * mmsim_lua.c - the `mmsim` Lua module (LuaJIT / Lua 5.1 API): libmmsim
 * for scripts, written the way Lua's own libraries are - one luaopen_mmsim,
 * luaL_Reg method tables, typed userdata checked by metatable name.
 *
 * Types (metatable names):
 *   mmsim.machine  a booted machine; m:shutdown() or __gc shuts it down
 *   mmsim.object   a kmalloc'd or kmem_cache_alloc'd object (.addr .size)
 *   mmsim.pages    a block from alloc_pages (.pfn .order)
 *   mmsim.cache    a kmem_cache (kc:alloc kc:free kc:destroy)
 *   mmsim.process  a simulated process (a task) by pid: p:mmap ... p:exit
 *   mmsim.varea    a vmalloc/vmap/kvmalloc area (.addr .size .kind;
 *                  v:read v:write v:pfns), freed with m:vfree/m:vunmap/m:kvfree
 *
 * Invariants:
 *  - Every object, page block and cache holds a registry reference to its
 *    machine's userdata, so the machine's struct outlives them; their __gc
 *    only drops that reference (and a cache object's reference to its
 *    cache). __gc never frees simulated memory: dropping an object without
 *    kfree leaks it in the simulated kernel, as it would in Linux, and the
 *    figures a script prints do not depend on when the collector runs.
 *  - After m:shutdown() the machine pointer is NULL; any use of the
 *    machine or of anything allocated from it raises an error instead of
 *    touching freed memory. A freed object is marked, so a double free or
 *    a use after free raises an error too (the simulated kernel is never
 *    handed a stale address).
 *  - Simulated failures a program would see return nil, message, errno
 *    name ("ENOMEM"); misuse (wrong types, unknown names, double free)
 *    raises an error, which luaL_error prefixes with the script's file:line.
 *    A user access that Linux answers with a signal returns nil, the
 *    signal's name and its code's name ("SIGSEGV", "SEGV_MAPERR").
 *  - A process userdata names a pid and keeps its machine alive; after
 *    p:exit() any use raises. A process that went another way (exec's
 *    de_thread, machine shutdown) answers ESRCH. __gc never ends a process.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "mmsim/mmsim.h"
#include "mmsim_lua.h"

#define MACHINE_MT	"mmsim.machine"
#define OBJECT_MT	"mmsim.object"
#define PAGES_MT	"mmsim.pages"
#define CACHE_MT	"mmsim.cache"
#define PROCESS_MT	"mmsim.process"
#define VAREA_MT	"mmsim.varea"	/* vmalloc (issue 7) */
#define FILE_MT		"mmsim.file"	/* files (issue 5) */
#define DEFAULTS_KEY	"mmsim.defaults"	/* registry: array of {key, value} */

struct lmachine {
	mmsim_machine *m;	/* NULL once shut down */
	unsigned long id;	/* for messages and tostring */
};

struct lcache {
	struct lmachine *lm;
	int mref;		/* registry ref to the machine userdata */
	mmsim_cache *c;
	char name[40];
	size_t size;
	unsigned long live;	/* objects allocated and not yet freed */
	bool destroyed;
};

struct lobject {
	struct lmachine *lm;
	int mref;
	struct lcache *cache;	/* NULL for kmalloc */
	int cref;		/* registry ref to the cache userdata, or LUA_NOREF */
	uint64_t addr;
	size_t size;		/* the size asked for */
	bool freed;
};

struct lprocess {
	struct lmachine *lm;
	int mref;
	int pid;
	bool exited;		/* p:exit() was called */
};

/* files (issue 5): see mmsim.file below */
struct lfile {
	struct lmachine *lm;
	int mref;
	int pid;		/* 0: the machine's table */
	int fd;
	bool closed;
};

struct lpages {
	struct lmachine *lm;
	int mref;
	uint64_t pfn;
	unsigned int order;
	bool freed;
};

/* Machines booted by this Lua state, numbered for messages; kept in the registry. */
#define MACHINE_IDS_KEY "mmsim.machine_ids"

static unsigned long next_machine_id(lua_State *L)
{
	unsigned long id;

	lua_getfield(L, LUA_REGISTRYINDEX, MACHINE_IDS_KEY);
	id = (unsigned long)lua_tonumber(L, -1) + 1;
	lua_pop(L, 1);
	lua_pushnumber(L, (lua_Number)id);
	lua_setfield(L, LUA_REGISTRYINDEX, MACHINE_IDS_KEY);
	return id;
}

/* ---- helpers ---- */

static const char *errno_name(int err)
{
	switch (err) {
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case ERANGE: return "ERANGE";
	case ENOSPC: return "ENOSPC";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case ESRCH: return "ESRCH";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case EOVERFLOW: return "EOVERFLOW";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOSYS: return "ENOSYS";
	case ETXTBSY: return "ETXTBSY";
	case EINTR: return "EINTR";
	case E2BIG: return "E2BIG";
	/* files (issue 5) */
	case EXDEV: return "EXDEV";
	case EISDIR: return "EISDIR";
	case ENOTDIR: return "ENOTDIR";
	case EMFILE: return "EMFILE";
	case EFBIG: return "EFBIG";
	case ESPIPE: return "ESPIPE";
	case ENXIO: return "ENXIO";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ELOOP: return "ELOOP";
	case ENOTEMPTY: return "ENOTEMPTY";
	case EROFS: return "EROFS";
	default: return "EIO";
	}
}

/* Return nil, message, errno name: a failure the simulated program sees. */
static int push_fail(lua_State *L, const char *msg, int err)
{
	lua_pushnil(L);
	lua_pushstring(L, msg);
	lua_pushstring(L, errno_name(err));
	return 3;
}

static struct lmachine *check_machine(lua_State *L, int idx)
{
	struct lmachine *lm = luaL_checkudata(L, idx, MACHINE_MT);

	if (!lm->m)
		luaL_error(L, "machine %d has been shut down", (int)lm->id);
	return lm;
}

static void live_machine(lua_State *L, struct lmachine *lm, const char *what)
{
	if (!lm->m)
		luaL_error(L, "%s: its machine %d has been shut down", what, (int)lm->id);
}

/* A registry reference to the machine userdata at idx. */
static int ref_value(lua_State *L, int idx)
{
	lua_pushvalue(L, idx);
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

static unsigned int check_gfp(lua_State *L, int idx, const char *dflt)
{
	const char *text = luaL_optstring(L, idx, dflt);
	unsigned int gfp;
	char err[256];

	if (mmsim_gfp_parse(text, &gfp, err, sizeof(err)))
		luaL_error(L, "%s", err);
	return gfp;
}

/* A size: a non-negative integer, or a string like "1M". */
static size_t check_size(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TSTRING) {
		uint64_t bytes;
		char err[256];

		if (mmsim_parse_size(lua_tostring(L, idx), &bytes, err, sizeof(err)))
			luaL_argerror(L, idx, err);
		return (size_t)bytes;
	}
	lua_Number n = luaL_checknumber(L, idx);
	if (n < 0 || n != (lua_Number)(uint64_t)n)
		luaL_argerror(L, idx, "size must be a non-negative integer");
	return (size_t)n;
}

/* The text of an option's or sysctl's value: strings, numbers, booleans. */
static const char *value_text(lua_State *L, int idx, const char *key, char *buf, size_t len)
{
	switch (lua_type(L, idx)) {
	case LUA_TSTRING:
		return lua_tostring(L, idx);
	case LUA_TBOOLEAN:
		return lua_toboolean(L, idx) ? "1" : "0";
	case LUA_TNUMBER: {
		lua_Number n = lua_tonumber(L, idx);

		if (n == (lua_Number)(long long)n)
			snprintf(buf, len, "%lld", (long long)n);
		else
			snprintf(buf, len, "%.17g", n);
		return buf;
	}
	default:
		luaL_error(L, "'%s' needs a string, number or boolean value, not a %s", key,
			   luaL_typename(L, idx));
		return NULL;
	}
}

static bool known_key(const char *key)
{
	for (const char *const *k = mmsim_config_keys(); k && *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

static void push_valid_keys(lua_State *L)
{
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	for (const char *const *k = mmsim_config_keys(); k && *k; k++) {
		luaL_addstring(&b, *k);
		if (k[1])
			luaL_addchar(&b, ' ');
	}
	luaL_pushresult(&b);
}

/* ---- defaults (the CLI's machine options) ---- */

int mmsim_lua_set_default(lua_State *L, const char *key, const char *value,
			  char *err, size_t errlen)
{
	size_t n;

	if (!known_key(key)) {
		if (err && errlen)
			snprintf(err, errlen, "unknown machine option '%s'", key);
		return -EINVAL;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, DEFAULTS_KEY);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, DEFAULTS_KEY);
	}
	n = lua_objlen(L, -1);
	lua_createtable(L, 2, 0);
	lua_pushstring(L, key);
	lua_rawseti(L, -2, 1);
	lua_pushstring(L, value);
	lua_rawseti(L, -2, 2);
	lua_rawseti(L, -2, (int)n + 1);
	lua_pop(L, 1);
	return 0;
}

/* ---- the boot hook (simulated time and output: mmsim run's --vmstat, --json, ...) ---- */

#define BOOT_HOOK_KEY	"mmsim.boot_hook"	/* registry: userdata struct boot_hook */

struct boot_hook {
	mmsim_lua_boot_hook fn;
	void *arg;
};

void mmsim_lua_set_boot_hook(lua_State *L, mmsim_lua_boot_hook fn, void *arg)
{
	struct boot_hook *h = lua_newuserdata(L, sizeof(*h));

	h->fn = fn;
	h->arg = arg;
	lua_setfield(L, LUA_REGISTRYINDEX, BOOT_HOOK_KEY);
}

static void call_boot_hook(lua_State *L, mmsim_machine *m, enum mmsim_lua_event event)
{
	struct boot_hook *h;

	lua_getfield(L, LUA_REGISTRYINDEX, BOOT_HOOK_KEY);
	h = lua_touserdata(L, -1);
	lua_pop(L, 1);
	if (h && h->fn)
		h->fn(m, event, h->arg);
}

/* ---- mmsim.boot ---- */

/*
 * Apply one option; on error leave the message in err and return false.
 * The caller frees cfg and raises (luaL_error would leak it).
 */
static bool apply(mmsim_config *cfg, const char *key, const char *value, char *err,
		  size_t errlen)
{
	return mmsim_config_set(cfg, key, value, err, errlen) == 0;
}

static int l_boot(lua_State *L)
{
	char err[512] = "", num[64], kv[512];
	mmsim_config *cfg;
	struct lmachine *lm;
	mmsim_machine *m;
	bool ok = true;

	if (lua_isnoneornil(L, 1)) {
		lua_settop(L, 0);
		lua_newtable(L);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);

	/* Check the keys and value types before allocating anything. */
	for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
		const char *key;

		if (lua_type(L, -2) != LUA_TSTRING)
			return luaL_error(L, "mmsim.boot: option names are strings, not a %s",
					  luaL_typename(L, -2));
		key = lua_tostring(L, -2);
		if (!known_key(key)) {
			push_valid_keys(L);
			return luaL_error(L, "mmsim.boot: unknown option '%s'; valid: %s", key,
					  lua_tostring(L, -1));
		}
		if (!strcmp(key, "sysctl")) {
			if (!lua_istable(L, -1))
				return luaL_error(L, "mmsim.boot: sysctl must be a table like "
						  "{[\"vm.swappiness\"] = 60}");
			for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
				if (lua_type(L, -2) != LUA_TSTRING)
					return luaL_error(L, "mmsim.boot: sysctl names are strings");
				value_text(L, -1, lua_tostring(L, -2), num, sizeof(num));
			}
		} else {
			value_text(L, -1, key, num, sizeof(num));
		}
	}

	cfg = mmsim_config_new();
	if (!cfg)
		return luaL_error(L, "mmsim.boot: out of memory");

	/* The CLI's defaults, in order, unless the table sets the key. */
	lua_getfield(L, LUA_REGISTRYINDEX, DEFAULTS_KEY);
	if (lua_istable(L, -1)) {
		int n = (int)lua_objlen(L, -1);

		for (int i = 1; ok && i <= n; i++) {
			const char *key, *value;

			lua_rawgeti(L, -1, i);
			lua_rawgeti(L, -1, 1);
			lua_rawgeti(L, -2, 2);
			key = lua_tostring(L, -2);
			value = lua_tostring(L, -1);
			lua_getfield(L, 1, key);
			if (!strcmp(key, "sysctl") || lua_isnil(L, -1))
				ok = apply(cfg, key, value, err, sizeof(err));
			lua_pop(L, 4);
		}
	}
	lua_pop(L, 1);

	/* The script's fields. */
	for (lua_pushnil(L); ok && lua_next(L, 1); lua_pop(L, 1)) {
		const char *key = lua_tostring(L, -2);

		if (strcmp(key, "sysctl")) {
			ok = apply(cfg, key, value_text(L, -1, key, num, sizeof(num)), err,
				   sizeof(err));
			continue;
		}
		for (lua_pushnil(L); ok && lua_next(L, -2); lua_pop(L, 1)) {
			const char *name = lua_tostring(L, -2);

			snprintf(kv, sizeof(kv), "%s=%s", name,
				 value_text(L, -1, name, num, sizeof(num)));
			ok = apply(cfg, "sysctl", kv, err, sizeof(err));
		}
		if (!ok)
			lua_pop(L, 2);	/* the sysctl pair lua_next left */
	}
	if (!ok) {
		mmsim_config_free(cfg);
		return luaL_error(L, "mmsim.boot: %s", err);
	}

	unsigned long id = next_machine_id(L);

	lm = lua_newuserdata(L, sizeof(*lm));
	lm->m = NULL;
	lm->id = id;
	luaL_getmetatable(L, MACHINE_MT);
	lua_setmetatable(L, -2);
	m = mmsim_boot(cfg, err, sizeof(err));
	mmsim_config_free(cfg);
	if (!m)
		return luaL_error(L, "mmsim.boot: cannot boot: %s", err[0] ? err : "unknown reason");
	lm->m = m;
	call_boot_hook(L, m, MMSIM_LUA_BOOTED);
	return 1;
}

/* ---- the machine ---- */

static int m_shutdown(lua_State *L)
{
	struct lmachine *lm = luaL_checkudata(L, 1, MACHINE_MT);

	if (lm->m) {
		call_boot_hook(L, lm->m, MMSIM_LUA_SHUTDOWN);
		mmsim_shutdown(lm->m);
		lm->m = NULL;
	}
	return 0;
}

static int m_tostring(lua_State *L)
{
	struct lmachine *lm = luaL_checkudata(L, 1, MACHINE_MT);

	lua_pushfstring(L, "mmsim.machine %d%s", (int)lm->id, lm->m ? "" : " (shut down)");
	return 1;
}

static int m_proc(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	const char *name = luaL_checkstring(L, 2);
	size_t len = 0;
	char *text;

	if (!strncmp(name, "/proc/", 6))
		name += 6;
	text = mmsim_proc_read(lm->m, name, &len);
	if (!text) {
		lua_pushfstring(L, "/proc/%s: no such file", name);
		return push_fail(L, lua_tostring(L, -1), ENOENT);
	}
	lua_pushlstring(L, text, len);
	free(text);
	return 1;
}

static int m_dmesg(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	size_t len = 0;
	char *text = mmsim_dmesg(lm->m, &len);

	if (!text)
		return luaL_error(L, "dmesg: out of memory");
	lua_pushlstring(L, text, len);
	free(text);
	return 1;
}

static int m_vmstat(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	size_t max = 256, n;
	struct mmsim_counter *c;

	for (;;) {
		c = malloc(max * sizeof(*c));
		if (!c)
			return luaL_error(L, "vmstat: out of memory");
		n = mmsim_vmstat(lm->m, c, max);
		if (n < max)
			break;
		free(c);
		max *= 2;
	}
	lua_createtable(L, 0, (int)n);
	for (size_t i = 0; i < n; i++) {
		lua_pushnumber(L, (lua_Number)c[i].value);
		lua_setfield(L, -2, c[i].name);
	}
	free(c);
	return 1;
}

/* A sysctl's text as a number when it is one, else the text. */
static void push_number_or_text(lua_State *L, const char *text)
{
	char *end;
	double v = strtod(text, &end);

	while (*end == '\n' || *end == ' ')
		end++;
	if (end != text && *end == '\0')
		lua_pushnumber(L, v);
	else
		lua_pushstring(L, text);
}

static int m_sysctl(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	const char *name = luaL_checkstring(L, 2);
	char buf[512], err[512] = "";
	int rc;

	if (lua_isnoneornil(L, 3)) {
		rc = mmsim_sysctl_get(lm->m, name, buf, sizeof(buf));
		if (rc) {
			lua_pushfstring(L, "sysctl %s: %s", name, rc == -EACCES ?
					"write-only (Permission denied)" : "no such sysctl");
			return push_fail(L, lua_tostring(L, -1), -rc);
		}
		buf[strcspn(buf, "\n")] = '\0';
		push_number_or_text(L, buf);
		return 1;
	}
	if (lua_type(L, 3) == LUA_TBOOLEAN)
		lua_pushstring(L, lua_toboolean(L, 3) ? "1" : "0");
	else
		lua_pushstring(L, value_text(L, 3, name, buf, sizeof(buf)));
	rc = mmsim_sysctl_set(lm->m, name, lua_tostring(L, -1), err, sizeof(err));
	if (rc)
		return push_fail(L, err[0] ? err : "sysctl: invalid", -rc);
	lua_pushboolean(L, 1);
	return 1;
}

static int m_check(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	int problems = mmsim_check(lm->m);

	if (problems == 0) {
		lua_pushboolean(L, 1);
		return 1;
	}
	lua_pushboolean(L, 0);
	lua_pushinteger(L, problems);
	return 2;
}

static int m_fail_nth(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	static const char *const kinds[] = { "page", "slab", "swap_write", "swap_read", NULL };
	int kind = luaL_checkoption(L, 2, NULL, kinds);
	lua_Number n = luaL_checknumber(L, 3);
	int repeat = lua_type(L, 4) == LUA_TBOOLEAN ? lua_toboolean(L, 4)
						     : (int)luaL_optinteger(L, 4, 0);

	if (n < 0)
		return luaL_argerror(L, 3, "n must be >= 0 (0 disarms)");
	if (mmsim_fail_nth(lm->m, kinds[kind], (unsigned long)n, repeat))
		return luaL_error(L, "fail_nth: cannot arm '%s'", kinds[kind]);
	lua_pushboolean(L, 1);
	return 1;
}

/* ---- kmalloc objects ---- */

static struct lobject *new_object(lua_State *L, struct lmachine *lm, int midx, uint64_t addr,
				  size_t size)
{
	struct lobject *o = lua_newuserdata(L, sizeof(*o));

	o->lm = lm;
	o->mref = LUA_NOREF;
	o->cache = NULL;
	o->cref = LUA_NOREF;
	o->addr = addr;
	o->size = size;
	o->freed = false;
	luaL_getmetatable(L, OBJECT_MT);
	lua_setmetatable(L, -2);
	o->mref = ref_value(L, midx);
	return o;
}

static int m_kmalloc(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	size_t size = check_size(L, 2);
	unsigned int gfp = check_gfp(L, 3, "GFP_KERNEL");
	uint64_t addr = mmsim_kmalloc(lm->m, size, gfp);

	if (!addr) {
		lua_pushfstring(L, "kmalloc(%d): out of memory", (int)size);
		return push_fail(L, lua_tostring(L, -1), ENOMEM);
	}
	new_object(L, lm, 1, addr, size);
	return 1;
}

/* The object at idx, checked: allocated on this machine and not freed. */
static struct lobject *check_live_object(lua_State *L, int idx, struct lmachine *lm,
					 const char *what)
{
	struct lobject *o = luaL_checkudata(L, idx, OBJECT_MT);

	if (o->lm != lm)
		luaL_error(L, "%s: the object belongs to another machine", what);
	if (o->freed) {
		char buf[32];

		snprintf(buf, sizeof(buf), "0x%" PRIx64, o->addr);
		luaL_error(L, "%s: object %s was already freed (double free)", what, buf);
	}
	return o;
}

static void release_object(lua_State *L, struct lobject *o)
{
	o->freed = true;
	if (o->cache)
		o->cache->live--;
	(void)L;
}

static int m_kfree(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	struct lobject *o = check_live_object(L, 2, lm, "kfree");

	if (o->cache)
		return luaL_error(L, "kfree: this object came from kmem_cache '%s'; "
				  "free it with kc:free(x)", o->cache->name);
	if (mmsim_kfree(lm->m, o->addr))
		return luaL_error(L, "kfree: the kernel does not know this object");
	release_object(L, o);
	return 0;
}

static int o_index(lua_State *L)
{
	struct lobject *o = luaL_checkudata(L, 1, OBJECT_MT);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "addr")) {
		/* A string: kernel addresses do not fit a double's 53 bits. */
		char buf[24];

		snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)o->addr);
		lua_pushstring(L, buf);
	} else if (!strcmp(k, "size")) {
		lua_pushnumber(L, (lua_Number)o->size);
	} else if (!strcmp(k, "ksize")) {
		live_machine(L, o->lm, "ksize");
		if (o->freed)
			return luaL_error(L, "ksize: the object was freed");
		lua_pushnumber(L, o->cache ? (lua_Number)o->cache->size
					   : (lua_Number)mmsim_ksize(o->lm->m, o->addr));
	} else if (!strcmp(k, "freed")) {
		lua_pushboolean(L, o->freed);
	} else {
		lua_pushnil(L);
	}
	return 1;
}

static int o_tostring(lua_State *L)
{
	struct lobject *o = luaL_checkudata(L, 1, OBJECT_MT);
	char buf[96];

	snprintf(buf, sizeof(buf), "mmsim.object 0x%" PRIx64 " (%zu bytes%s)", o->addr,
		 o->size, o->freed ? ", freed" : "");
	lua_pushstring(L, buf);
	return 1;
}

static int o_gc(lua_State *L)
{
	struct lobject *o = luaL_checkudata(L, 1, OBJECT_MT);

	luaL_unref(L, LUA_REGISTRYINDEX, o->mref);
	luaL_unref(L, LUA_REGISTRYINDEX, o->cref);
	o->mref = o->cref = LUA_NOREF;
	return 0;
}

/* ---- page blocks ---- */

static int m_alloc_pages(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	lua_Integer order = luaL_checkinteger(L, 2);
	unsigned int gfp = check_gfp(L, 3, "GFP_KERNEL");
	struct lpages *pg;
	int64_t pfn;

	if (order < 0 || order > 10)
		return luaL_argerror(L, 2, "order must be 0..10 (MAX_PAGE_ORDER)");
	pfn = mmsim_alloc_pages(lm->m, gfp, (unsigned int)order);
	if (pfn == -ENOMEM) {
		lua_pushfstring(L, "alloc_pages: order %d: out of memory", (int)order);
		return push_fail(L, lua_tostring(L, -1), ENOMEM);
	}
	if (pfn < 0)
		return luaL_error(L, "alloc_pages: order %d: %s", (int)order, strerror((int)-pfn));
	pg = lua_newuserdata(L, sizeof(*pg));
	pg->lm = lm;
	pg->mref = LUA_NOREF;
	pg->pfn = (uint64_t)pfn;
	pg->order = (unsigned int)order;
	pg->freed = false;
	luaL_getmetatable(L, PAGES_MT);
	lua_setmetatable(L, -2);
	pg->mref = ref_value(L, 1);
	return 1;
}

static int m_free_pages(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	struct lpages *pg = luaL_checkudata(L, 2, PAGES_MT);

	if (pg->lm != lm)
		return luaL_error(L, "free_pages: the block belongs to another machine");
	if (pg->freed)
		return luaL_error(L, "free_pages: pfn %d order %d was already freed (double free)",
				  (int)pg->pfn, (int)pg->order);
	if (mmsim_free_pages(lm->m, pg->pfn, pg->order))
		return luaL_error(L, "free_pages: the kernel does not know pfn %d order %d",
				  (int)pg->pfn, (int)pg->order);
	pg->freed = true;
	return 0;
}

static int p_index(lua_State *L)
{
	struct lpages *pg = luaL_checkudata(L, 1, PAGES_MT);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "pfn"))
		lua_pushnumber(L, (lua_Number)pg->pfn);
	else if (!strcmp(k, "order"))
		lua_pushinteger(L, pg->order);
	else if (!strcmp(k, "pages"))
		lua_pushinteger(L, 1 << pg->order);
	else if (!strcmp(k, "freed"))
		lua_pushboolean(L, pg->freed);
	else
		lua_pushnil(L);
	return 1;
}

static int p_tostring(lua_State *L)
{
	struct lpages *pg = luaL_checkudata(L, 1, PAGES_MT);
	char buf[96];

	snprintf(buf, sizeof(buf), "mmsim.pages pfn %" PRIu64 " order %u%s", pg->pfn, pg->order,
		 pg->freed ? " (freed)" : "");
	lua_pushstring(L, buf);
	return 1;
}

static int p_gc(lua_State *L)
{
	struct lpages *pg = luaL_checkudata(L, 1, PAGES_MT);

	luaL_unref(L, LUA_REGISTRYINDEX, pg->mref);
	pg->mref = LUA_NOREF;
	return 0;
}

/* ---- kmem caches ---- */

static int m_kmem_cache_create(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	const char *name = luaL_checkstring(L, 2);
	size_t size = check_size(L, 3);
	size_t align = lua_isnoneornil(L, 4) ? 0 : check_size(L, 4);
	struct lcache *kc;
	char err[256] = "";
	mmsim_cache *c;

	kc = lua_newuserdata(L, sizeof(*kc));
	memset(kc, 0, sizeof(*kc));
	kc->lm = lm;
	kc->mref = LUA_NOREF;
	kc->destroyed = true;	/* until created: __gc has nothing to do */
	luaL_getmetatable(L, CACHE_MT);
	lua_setmetatable(L, -2);
	c = mmsim_kmem_cache_create(lm->m, name, size, align, err, sizeof(err));
	if (!c) {
		if (strstr(err, "out of memory"))
			return push_fail(L, err, ENOMEM);
		return luaL_error(L, "%s", err[0] ? err : "kmem_cache_create failed");
	}
	kc->c = c;
	snprintf(kc->name, sizeof(kc->name), "%s", name);
	kc->size = size;
	kc->destroyed = false;
	kc->mref = ref_value(L, 1);
	return 1;
}

static struct lcache *check_cache(lua_State *L, int idx, const char *what)
{
	struct lcache *kc = luaL_checkudata(L, idx, CACHE_MT);

	live_machine(L, kc->lm, what);
	if (kc->destroyed)
		luaL_error(L, "%s: kmem_cache '%s' was destroyed", what, kc->name);
	return kc;
}

static int c_alloc(lua_State *L)
{
	struct lcache *kc = check_cache(L, 1, "kc:alloc");
	unsigned int gfp = check_gfp(L, 2, "GFP_KERNEL");
	uint64_t addr = mmsim_kmem_cache_alloc(kc->lm->m, kc->c, gfp);
	struct lobject *o;

	if (!addr) {
		lua_pushfstring(L, "kmem_cache_alloc(%s): out of memory", kc->name);
		return push_fail(L, lua_tostring(L, -1), ENOMEM);
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, kc->mref);	/* the machine, for new_object */
	o = new_object(L, kc->lm, lua_gettop(L), addr, kc->size);
	o->cache = kc;
	o->cref = ref_value(L, 1);
	kc->live++;
	return 1;
}

static int c_free(lua_State *L)
{
	struct lcache *kc = check_cache(L, 1, "kc:free");
	struct lobject *o = check_live_object(L, 2, kc->lm, "kc:free");

	if (o->cache != kc)
		return luaL_error(L, "kc:free: the object did not come from kmem_cache '%s'",
				  kc->name);
	if (mmsim_kmem_cache_free(kc->lm->m, kc->c, o->addr))
		return luaL_error(L, "kc:free: the kernel does not know this object");
	release_object(L, o);
	return 0;
}

static int c_destroy(lua_State *L)
{
	struct lcache *kc = check_cache(L, 1, "kc:destroy");
	char msg[160];

	if (kc->live) {
		snprintf(msg, sizeof(msg), "kmem_cache_destroy %s: %lu objects still allocated",
			 kc->name, kc->live);
		return push_fail(L, msg, EBUSY);
	}
	mmsim_kmem_cache_destroy(kc->lm->m, kc->c);
	kc->destroyed = true;
	kc->c = NULL;
	lua_pushboolean(L, 1);
	return 1;
}

static int c_index(lua_State *L)
{
	struct lcache *kc = luaL_checkudata(L, 1, CACHE_MT);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "name")) {
		lua_pushstring(L, kc->name);
	} else if (!strcmp(k, "size")) {
		lua_pushnumber(L, (lua_Number)kc->size);
	} else if (!strcmp(k, "live")) {
		lua_pushnumber(L, (lua_Number)kc->live);
	} else {
		luaL_getmetatable(L, CACHE_MT);
		lua_getfield(L, -1, "methods");
		lua_getfield(L, -1, k);
	}
	return 1;
}

static int c_tostring(lua_State *L)
{
	struct lcache *kc = luaL_checkudata(L, 1, CACHE_MT);

	lua_pushfstring(L, "mmsim.cache %s (%d bytes)%s", kc->name, (int)kc->size,
			kc->destroyed ? " (destroyed)" : "");
	return 1;
}

static int c_gc(lua_State *L)
{
	struct lcache *kc = luaL_checkudata(L, 1, CACHE_MT);

	luaL_unref(L, LUA_REGISTRYINDEX, kc->mref);
	kc->mref = LUA_NOREF;
	return 0;
}

/* ---- processes ---- */

/* A user address or offset: a non-negative integer, or a "0x..." string. */
static uint64_t check_addr(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *t = lua_tostring(L, idx);
		char *end;
		uint64_t v = strtoull(t, &end, 0);

		if (end == t || *end)
			luaL_argerror(L, idx, "address must be a number or a string like \"0x7f0000\"");
		return v;
	}
	lua_Number n = luaL_checknumber(L, idx);
	if (n < 0 || n >= 18446744073709551616.0 || n != (lua_Number)(uint64_t)n)
		luaL_argerror(L, idx, "address must be a non-negative integer");
	return (uint64_t)n;
}

static uint64_t opt_addr(lua_State *L, int idx)
{
	return lua_isnoneornil(L, idx) ? 0 : check_addr(L, idx);
}

/* A comma-separated list of names into flag bits; raises on an unknown name. */
struct flag_name {
	const char *name;
	int bit;
};

static int check_flags(lua_State *L, int idx, const struct flag_name *names, const char *what,
		       const char *dflt)
{
	const char *text = dflt ? luaL_optstring(L, idx, dflt) : luaL_checkstring(L, idx);
	int flags = 0;

	while (*text) {
		size_t len = strcspn(text, ",| ");
		const struct flag_name *f;

		for (f = names; f->name; f++)
			if (strlen(f->name) == len && !strncmp(f->name, text, len))
				break;
		if (len && !f->name) {
			luaL_Buffer b;

			luaL_buffinit(L, &b);
			for (f = names; f->name; f++) {
				luaL_addstring(&b, f->name);
				if (f[1].name)
					luaL_addchar(&b, ' ');
			}
			luaL_pushresult(&b);
			lua_pushlstring(L, text, len);
			luaL_error(L, "unknown %s '%s'; valid: %s", what, lua_tostring(L, -1),
				   lua_tostring(L, -2));
		}
		if (len)
			flags |= f->bit;
		text += len;
		if (*text)
			text++;
	}
	return flags;
}

static const struct flag_name map_flag_names[] = {
	{ "private", MMSIM_MAP_PRIVATE }, { "shared", MMSIM_MAP_SHARED },
	{ "anonymous", MMSIM_MAP_ANONYMOUS }, { "anon", MMSIM_MAP_ANONYMOUS },
	{ "fixed", MMSIM_MAP_FIXED }, { "fixed_noreplace", MMSIM_MAP_FIXED_NOREPLACE },
	{ "populate", MMSIM_MAP_POPULATE }, { "noreserve", MMSIM_MAP_NORESERVE },
	{ "growsdown", MMSIM_MAP_GROWSDOWN }, { "locked", MMSIM_MAP_LOCKED },
	{ "hugetlb", MMSIM_MAP_HUGETLB }, { "stack", MMSIM_MAP_STACK },
	/* hugetlb page sizes (MAP_HUGE_2MB, MAP_HUGE_1GB), with "hugetlb" */
	{ "huge_2mb", MMSIM_MAP_HUGE_2MB }, { "huge_1gb", MMSIM_MAP_HUGE_1GB },
	{ NULL, 0 },
};

static const struct flag_name mremap_flag_names[] = {
	{ "maymove", MMSIM_MREMAP_MAYMOVE }, { "fixed", MMSIM_MREMAP_FIXED },
	{ "dontunmap", MMSIM_MREMAP_DONTUNMAP }, { NULL, 0 },
};

static const struct flag_name mlockall_flag_names[] = {
	{ "current", MMSIM_MCL_CURRENT }, { "future", MMSIM_MCL_FUTURE },
	{ "onfault", MMSIM_MCL_ONFAULT }, { NULL, 0 },
};

static const struct flag_name msync_flag_names[] = {
	{ "async", MMSIM_MS_ASYNC }, { "sync", MMSIM_MS_SYNC },
	{ "invalidate", MMSIM_MS_INVALIDATE }, { NULL, 0 },
};

/* "rw", "r-x", "rwx", "none" (or "" / "---") into PROT_ bits. */
static int check_prot(lua_State *L, int idx)
{
	const char *text = luaL_checkstring(L, idx);
	int prot = 0;

	if (!strcmp(text, "none"))
		return MMSIM_PROT_NONE;
	for (const char *c = text; *c; c++) {
		switch (*c) {
		case 'r': prot |= MMSIM_PROT_READ; break;
		case 'w': prot |= MMSIM_PROT_WRITE; break;
		case 'x': prot |= MMSIM_PROT_EXEC; break;
		case '-': break;
		default:
			luaL_argerror(L, idx, "protection is any of \"rwx\", or \"none\"");
		}
	}
	return prot;
}

static struct lprocess *push_process(lua_State *L, struct lmachine *lm, int midx, int pid)
{
	struct lprocess *p = lua_newuserdata(L, sizeof(*p));

	p->lm = lm;
	p->mref = LUA_NOREF;
	p->pid = pid;
	p->exited = false;
	luaL_getmetatable(L, PROCESS_MT);
	lua_setmetatable(L, -2);
	p->mref = ref_value(L, midx);
	return p;
}

/*
 * The process at idx. Process methods and __index are closures holding the
 * process metatable as upvalue 1 (luaopen_mmsim), so the usual case is a
 * pointer compare; anything else (another caller, a wrong argument) goes
 * through luaL_checkudata, which looks the metatable up by name and gives
 * the usual error.
 */
static struct lprocess *to_process(lua_State *L, int idx)
{
	struct lprocess *p = lua_touserdata(L, idx);

	if (p && lua_getmetatable(L, idx)) {
		int same = lua_rawequal(L, -1, lua_upvalueindex(1));

		lua_pop(L, 1);
		if (same)
			return p;
	}
	return luaL_checkudata(L, idx, PROCESS_MT);
}

static struct lprocess *check_process(lua_State *L, int idx)
{
	struct lprocess *p = to_process(L, idx);

	live_machine(L, p->lm, "process");
	if (p->exited)
		luaL_error(L, "process %d has exited", p->pid);
	return p;
}

/* A failed call: nil, "call: <strerror text>", and the errno name ("ENOMEM"). */
static int push_errno(lua_State *L, const char *call, long long ret)
{
	int err = (int)-ret;

	lua_pushfstring(L, "%s: %s", call, strerror(err));
	return push_fail(L, lua_tostring(L, -1), err);
}

/* true, or the failure. */
static int push_result(lua_State *L, const char *call, long long ret)
{
	if (ret < 0)
		return push_errno(L, call, ret);
	lua_pushboolean(L, 1);
	return 1;
}

static int push_address(lua_State *L, const char *call, long long ret)
{
	if (ret < 0)
		return push_errno(L, call, ret);
	lua_pushnumber(L, (lua_Number)(uint64_t)ret);
	return 1;
}

static const char *signal_code_name(int signo, int code)
{
	if (signo == 11)
		return code == 2 ? "SEGV_ACCERR" : "SEGV_MAPERR";
	if (signo == 7)
		return code == 4 ? "BUS_MCEERR_AR" : "BUS_ADRERR";
	return "SI_KERNEL";
}

/* A user access's outcome: the signal Linux would send, or the errno. */
static int push_access_fail(lua_State *L, const char *call, int ret,
			    const struct mmsim_fault *f)
{
	if (f->signo == 11 || f->signo == 7) {
		lua_pushnil(L);
		lua_pushstring(L, f->signo == 11 ? "SIGSEGV" : "SIGBUS");
		lua_pushstring(L, signal_code_name(f->signo, f->code));
		lua_pushnumber(L, (lua_Number)f->addr);
		return 4;
	}
	if (f->signo == 9) {
		lua_pushnil(L);
		lua_pushstring(L, "SIGKILL");
		lua_pushstring(L, errno_name(-ret));
		return 3;
	}
	return push_errno(L, call, ret);
}

static int m_spawn(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	const char *name = luaL_optstring(L, 2, "init");
	int pid = mmsim_spawn(lm->m, name);

	if (pid < 0)
		return push_errno(L, "spawn", pid);
	push_process(L, lm, 1, pid);
	return 1;
}

/* m:process(pid): a handle on a live pid (from m:pids(), a fork made in C...). */
static int m_process(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	int pid = (int)luaL_checkinteger(L, 2);
	struct mmsim_task_info info;
	int ret = mmsim_task_info(lm->m, pid, &info);

	if (ret < 0)
		return push_errno(L, "process", ret);
	push_process(L, lm, 1, pid);
	return 1;
}

static int m_pids(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	size_t n = mmsim_pids(lm->m, NULL, 0);
	int *pids = malloc((n ? n : 1) * sizeof(int));

	if (!pids)
		return luaL_error(L, "pids: out of memory");
	n = mmsim_pids(lm->m, pids, n);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushinteger(L, pids[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	free(pids);
	return 1;
}

static void push_mmu_stats(lua_State *L, const struct mmsim_mmu_stats *st)
{
	lua_createtable(L, 0, 5);
	lua_pushnumber(L, (lua_Number)st->tlb_hits);
	lua_setfield(L, -2, "tlb_hits");
	lua_pushnumber(L, (lua_Number)st->tlb_misses);
	lua_setfield(L, -2, "tlb_misses");
	lua_pushnumber(L, (lua_Number)st->walks);
	lua_setfield(L, -2, "walks");
	lua_pushnumber(L, (lua_Number)st->faults);
	lua_setfield(L, -2, "faults");
	lua_pushnumber(L, (lua_Number)st->cr3_loads);
	lua_setfield(L, -2, "cr3_loads");
}

static int m_mmu_stats(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	int cpu = (int)luaL_optinteger(L, 2, -1);
	struct mmsim_mmu_stats st;

	if (mmsim_mmu_stats(lm->m, cpu, &st))
		return luaL_argerror(L, 2, "no such CPU");
	push_mmu_stats(L, &st);
	return 1;
}

/* ---- rmap (issue 4): the walk on demand and the rmap's memory ---- */

static void set_number(lua_State *L, const char *key, double v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, key);
}

/* p:rmap_walk() walks every anonymous page of p; p:rmap_walk(addr) the page at addr. */
static int pr_rmap_walk(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	struct mmsim_rmap_walk w;
	int ret;

	if (lua_isnoneornil(L, 2))
		ret = mmsim_rmap_walk_task(p->lm->m, p->pid, &w);
	else
		ret = mmsim_rmap_walk_page(p->lm->m, p->pid, check_addr(L, 2), &w);
	if (ret < 0)
		return push_errno(L, "rmap_walk", ret);
	lua_createtable(L, 0, 6);
	set_number(L, "pages", (double)w.pages);
	set_number(L, "mapped", (double)w.mapped);
	set_number(L, "referenced", (double)w.referenced);
	set_number(L, "vmas", (double)w.vmas);
	set_number(L, "ptes", (double)w.ptes);
	set_number(L, "pgtables", (double)w.pgtables);
	return 1;
}

/* p:try_to_unmap(addr): true if the page left every pte, false if it had to stay. */
static int pr_try_to_unmap(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	int ret = mmsim_try_to_unmap(p->lm->m, p->pid, check_addr(L, 2));

	if (ret < 0)
		return push_errno(L, "try_to_unmap", ret);
	lua_pushboolean(L, ret);
	return 1;
}

/* m:rmap(): the design and the objects (and bytes) it keeps. */
static int m_rmap(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	struct mmsim_rmap_info info;

	mmsim_rmap_info(lm->m, &info);
	lua_createtable(L, 0, 5);
	lua_pushstring(L, info.mode);
	lua_setfield(L, -2, "mode");
	set_number(L, "anon_vma", (double)info.anon_vmas);
	set_number(L, "anon_vma_chain", (double)info.anon_vma_chains);
	set_number(L, "pte_chain", (double)info.pte_chains);
	set_number(L, "bytes", (double)info.bytes);
	return 1;
}

static int pr_mmap(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t len = check_size(L, 2);
	int prot = check_prot(L, 3);
	int flags = check_flags(L, 4, map_flag_names, "mmap flag", NULL);
	uint64_t addr = opt_addr(L, 5);
	uint64_t off = lua_isnoneornil(L, 7) ? 0 : check_addr(L, 7);

	if (!lua_isnoneornil(L, 6)) {	/* a file (issue 5): m:open's or a process's */
		struct lfile *f = luaL_checkudata(L, 6, FILE_MT);

		if (f->closed)
			return luaL_argerror(L, 6, "the file has been closed");
		if (f->lm != p->lm)
			return luaL_argerror(L, 6, "the file is another machine's");
		return push_address(L, "mmap", mmsim_mmap_fd(p->lm->m, p->pid, addr, len, prot,
							     flags, f->pid, f->fd, off));
	}
	return push_address(L, "mmap", mmsim_mmap(p->lm->m, p->pid, addr, len, prot, flags, -1,
						   off));
}

static int pr_munmap(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);

	return push_result(L, "munmap", mmsim_munmap(p->lm->m, p->pid, check_addr(L, 2),
						     check_size(L, 3)));
}

static int pr_mprotect(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t len = check_size(L, 3);

	return push_result(L, "mprotect", mmsim_mprotect(p->lm->m, p->pid, a, len,
							 check_prot(L, 4)));
}

static int pr_madvise(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t len = check_size(L, 3);
	const char *name = luaL_checkstring(L, 4);
	int advice = mmsim_madvise_parse(name);

	if (advice < 0)
		return luaL_error(L, "unknown madvise advice '%s' (Linux's MADV_ names in "
				  "lower case: \"dontneed\", \"free\", \"populate_write\", ...)", name);
	return push_result(L, "madvise", mmsim_madvise(p->lm->m, p->pid, a, len, advice));
}

static int pr_mremap(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t old_len = check_size(L, 3);
	uint64_t new_len = check_size(L, 4);
	int flags = check_flags(L, 5, mremap_flag_names, "mremap flag", "");
	uint64_t new_addr = opt_addr(L, 6);

	return push_address(L, "mremap", mmsim_mremap(p->lm->m, p->pid, a, old_len, new_len,
						       flags, new_addr));
}

static int pr_brk(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);

	return push_address(L, "brk", mmsim_brk(p->lm->m, p->pid, opt_addr(L, 2)));
}

static int pr_mlock(lua_State *L)
{
	static const struct flag_name names[] = { { "onfault", MMSIM_MLOCK_ONFAULT },
						  { NULL, 0 } };
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t len = check_size(L, 3);
	int flags = check_flags(L, 4, names, "mlock flag", "");

	return push_result(L, "mlock", flags ? mmsim_mlock2(p->lm->m, p->pid, a, len, flags)
					     : mmsim_mlock(p->lm->m, p->pid, a, len));
}

static int pr_munlock(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);

	return push_result(L, "munlock", mmsim_munlock(p->lm->m, p->pid, check_addr(L, 2),
						       check_size(L, 3)));
}

static int pr_mlockall(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	int flags = check_flags(L, 2, mlockall_flag_names, "mlockall flag", NULL);

	return push_result(L, "mlockall", mmsim_mlockall(p->lm->m, p->pid, flags));
}

static int pr_munlockall(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);

	return push_result(L, "munlockall", mmsim_munlockall(p->lm->m, p->pid));
}

/* p:mincore(a, len [, "string"]): a table of booleans, or "1"/"0" per page. */
static int pr_mincore(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t len = check_size(L, 3);
	bool as_string = !lua_isnoneornil(L, 4);
	uint64_t pages = len / 4096 + (len % 4096 != 0);
	unsigned char *vec;
	int ret;

	if (as_string && strcmp(luaL_checkstring(L, 4), "string"))
		return luaL_argerror(L, 4, "the only format is \"string\"");
	if (pages > (1u << 24))
		return luaL_argerror(L, 3, "more than 16M pages: too long for a result");
	vec = malloc(pages ? pages : 1);
	if (!vec)
		return luaL_error(L, "mincore: out of memory");
	ret = mmsim_mincore(p->lm->m, p->pid, a, len, vec);
	if (ret < 0) {
		free(vec);
		return push_errno(L, "mincore", ret);
	}
	if (as_string) {
		for (uint64_t i = 0; i < pages; i++)
			vec[i] = (vec[i] & 1) ? '1' : '0';
		lua_pushlstring(L, (const char *)vec, pages);
	} else {
		lua_createtable(L, (int)pages, 0);
		for (uint64_t i = 0; i < pages; i++) {
			lua_pushboolean(L, vec[i] & 1);
			lua_rawseti(L, -2, (int)i + 1);
		}
	}
	free(vec);
	return 1;
}

static int pr_msync(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t len = check_size(L, 3);
	int flags = check_flags(L, 4, msync_flag_names, "msync flag", "sync");

	return push_result(L, "msync", mmsim_msync(p->lm->m, p->pid, a, len, flags));
}

/* p:prctl("thp_disable", 1) sets; p:prctl("thp_disable") reads. */
static int pr_prctl(lua_State *L)
{
	static const char *const options[] = { "thp_disable", NULL };
	struct lprocess *p = check_process(L, 1);
	int ret;

	luaL_checkoption(L, 2, NULL, options);
	if (lua_isnoneornil(L, 3)) {
		ret = mmsim_prctl(p->lm->m, p->pid, MMSIM_PR_GET_THP_DISABLE, 0);
		if (ret < 0)
			return push_errno(L, "prctl", ret);
		lua_pushinteger(L, ret);
		return 1;
	}
	ret = mmsim_prctl(p->lm->m, p->pid, MMSIM_PR_SET_THP_DISABLE,
			  lua_type(L, 3) == LUA_TBOOLEAN ? (unsigned long)lua_toboolean(L, 3)
							 : (unsigned long)luaL_checkinteger(L, 3));
	return push_result(L, "prctl", ret);
}

/* OOM killer (issue 5, oom): p:oom_score_adj() reads, p:oom_score_adj(n) writes. */
static int pr_oom_score_adj(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	int adj, ret;

	if (lua_isnoneornil(L, 2)) {
		ret = mmsim_oom_score_adj_get(p->lm->m, p->pid, &adj);
		if (ret < 0)
			return push_errno(L, "oom_score_adj", ret);
		lua_pushinteger(L, adj);
		return 1;
	}
	lua_Integer v = luaL_checkinteger(L, 2);

	ret = v < INT_MIN || v > INT_MAX ? -EINVAL
					 : mmsim_oom_score_adj_set(p->lm->m, p->pid, (int)v);
	return push_result(L, "oom_score_adj", ret);
}

static int pr_write(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	size_t len;
	const char *bytes = luaL_checklstring(L, 3, &len);
	struct mmsim_fault f;
	int ret = mmsim_write(p->lm->m, p->pid, a, bytes, len, &f);

	if (ret < 0)
		return push_access_fail(L, "write", ret, &f);
	lua_pushboolean(L, 1);
	return 1;
}

static int pr_read(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t n = check_size(L, 3);
	struct mmsim_fault f;
	char *buf;
	int ret;

	if (n > (1u << 30))
		return luaL_argerror(L, 3, "reads are limited to 1G at a time");
	buf = malloc(n ? n : 1);
	if (!buf)
		return luaL_error(L, "read: out of memory");
	ret = mmsim_read(p->lm->m, p->pid, a, buf, n, &f);
	if (ret < 0) {
		free(buf);
		return push_access_fail(L, "read", ret, &f);
	}
	lua_pushlstring(L, buf, n);
	free(buf);
	return 1;
}

static int pr_touch(lua_State *L)
{
	static const char *const modes[] = { "r", "w", NULL };
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t len = check_size(L, 3);
	int write = luaL_checkoption(L, 4, "r", modes);
	struct mmsim_fault f;
	int ret = mmsim_touch(p->lm->m, p->pid, a, len, write, &f);

	if (ret < 0)
		return push_access_fail(L, "touch", ret, &f);
	lua_pushboolean(L, 1);
	return 1;
}

static int fork_like(lua_State *L, const char *call, int (*fn)(mmsim_machine *, int))
{
	struct lprocess *p = check_process(L, 1);
	int pid = fn(p->lm->m, p->pid);

	if (pid < 0)
		return push_errno(L, call, pid);
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->mref);	/* the machine, for push_process */
	push_process(L, p->lm, lua_gettop(L), pid);
	return 1;
}

static int pr_fork(lua_State *L)
{
	return fork_like(L, "fork", mmsim_fork);
}

static int pr_clone_vm(lua_State *L)
{
	return fork_like(L, "clone", mmsim_clone_vm);
}

static int pr_exit(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	int ret = mmsim_exit(p->lm->m, p->pid, (int)luaL_optinteger(L, 2, 0));

	p->exited = true;
	return push_result(L, "exit", ret);
}

static int pr_exec(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);

	return push_result(L, "exec", mmsim_exec(p->lm->m, p->pid, luaL_checkstring(L, 2)));
}

/* p:proc("smaps"): /proc/PID/NAME as text. */
static int pr_proc(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	const char *name = luaL_checkstring(L, 2);
	char path[96];
	size_t len = 0;
	char *text;

	snprintf(path, sizeof(path), "%d/%s", p->pid, name);
	text = mmsim_proc_read(p->lm->m, path, &len);
	if (!text) {
		lua_pushfstring(L, "/proc/%s: no such file", path);
		return push_fail(L, lua_tostring(L, -1), ENOENT);
	}
	lua_pushlstring(L, text, len);
	free(text);
	return 1;
}

/*
 * p:status(): /proc/PID/status as a table. "N kB" and plain integers
 * become numbers (kB as status prints them), anything else stays text.
 */
static int pr_status(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	char path[32], *text, *line, *save = NULL;

	snprintf(path, sizeof(path), "%d/status", p->pid);
	text = mmsim_proc_read(p->lm->m, path, NULL);
	if (!text) {
		lua_pushfstring(L, "/proc/%s: no such file", path);
		return push_fail(L, lua_tostring(L, -1), ENOENT);
	}
	lua_newtable(L);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *v, *end;
		long long n;

		if (!colon)
			continue;
		*colon = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		n = strtoll(v, &end, 10);
		if (end != v && (!strcmp(end, " kB") || !*end))
			lua_pushnumber(L, (lua_Number)n);
		else
			lua_pushstring(L, v);
		lua_setfield(L, -2, line);
	}
	free(text);
	return 1;
}

/*
 * p.key: a method (upvalue 2, the methods table: one raw lookup, the usual
 * case), else a property, else nil. Upvalue 1 is the process metatable.
 */
static int pr_index(lua_State *L)
{
	struct lprocess *p = to_process(L, 1);
	const char *k;
	struct mmsim_task_info info;

	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(2));
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	k = luaL_checkstring(L, 2);
	if (!strcmp(k, "pid")) {
		lua_pushinteger(L, p->pid);
		return 1;
	}
	if (!strcmp(k, "alive")) {
		lua_pushboolean(L, !p->exited && p->lm->m &&
				   mmsim_task_info(p->lm->m, p->pid, &info) == 0);
		return 1;
	}
	if (!strcmp(k, "minflt") || !strcmp(k, "majflt") || !strcmp(k, "comm") ||
	    !strcmp(k, "ppid") || !strcmp(k, "tgid") || !strcmp(k, "cpu")) {
		check_process(L, 1);
		if (mmsim_task_info(p->lm->m, p->pid, &info))
			return luaL_error(L, "process %d is gone", p->pid);
		if (k[0] == 'm')
			lua_pushnumber(L, (lua_Number)(k[1] == 'i' ? info.min_flt : info.maj_flt));
		else if (k[0] == 'c' && k[1] == 'o')
			lua_pushstring(L, info.comm);
		else
			lua_pushinteger(L, k[0] == 'p' ? info.ppid : k[0] == 't' ? info.tgid
									: info.cpu);
		return 1;
	}
	lua_pushnil(L);
	return 1;
}

static int pr_tostring(lua_State *L)
{
	struct lprocess *p = luaL_checkudata(L, 1, PROCESS_MT);

	lua_pushfstring(L, "mmsim.process %d%s", p->pid, p->exited ? " (exited)" : "");
	return 1;
}

static int pr_eq(lua_State *L)
{
	struct lprocess *a = luaL_checkudata(L, 1, PROCESS_MT);
	struct lprocess *b = luaL_checkudata(L, 2, PROCESS_MT);

	lua_pushboolean(L, a->lm == b->lm && a->pid == b->pid);
	return 1;
}

static int pr_gc(lua_State *L)
{
	struct lprocess *p = luaL_checkudata(L, 1, PROCESS_MT);

	luaL_unref(L, LUA_REGISTRYINDEX, p->mref);
	p->mref = LUA_NOREF;
	return 0;
}

/* ---- simulated time: m:tick, m:clock, m:cpu_time, p:times, mmsim.costs ---- */

/* A duration: "100ms", "1.5s", ... or a number of seconds. */
static uint64_t check_duration(lua_State *L, int idx)
{
	char err[256], num[64];
	uint64_t ns;
	const char *text;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		lua_Number n = lua_tonumber(L, idx);

		if (!(n >= 0 && n <= 4.0e9))	/* NaN fails too; 4e9 s is 126 years */
			luaL_argerror(L, idx, "a duration is 0 to 4e9 seconds");
		snprintf(num, sizeof(num), "%.9f", n);
		text = num;
	} else {
		text = luaL_checkstring(L, idx);
	}
	if (mmsim_parse_duration(text, &ns, err, sizeof(err)))
		luaL_argerror(L, idx, err);
	return ns;
}

static void push_seconds(lua_State *L, uint64_t ns)
{
	lua_pushnumber(L, (lua_Number)ns / 1e9);
}

/* m:tick(duration): the machine idles; returns the clock in seconds. */
static int m_tick(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	uint64_t ns = check_duration(L, 2);

	if (mmsim_tick(lm->m, ns))
		return luaL_error(L, "tick: the clock cannot run that far");
	push_seconds(L, mmsim_clock_ns(lm->m));
	return 1;
}

/* m:clock(): seconds since boot (a number) and ns (exact below 2^53). */
static int m_clock(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	uint64_t ns = mmsim_clock_ns(lm->m);

	push_seconds(L, ns);
	lua_pushnumber(L, (lua_Number)ns);
	return 2;
}

/* m:cpu_time([cpu]): {user=, system=, iowait=, idle=} in seconds; all CPUs summed by default. */
static int m_cpu_time(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	int cpu = (int)luaL_optinteger(L, 2, -1);
	struct mmsim_cpu_time ct;

	if (mmsim_cpu_time(lm->m, cpu, &ct))
		return luaL_argerror(L, 2, "no such CPU");
	lua_createtable(L, 0, 4);
	push_seconds(L, ct.user_ns);
	lua_setfield(L, -2, "user");
	push_seconds(L, ct.system_ns);
	lua_setfield(L, -2, "system");
	push_seconds(L, ct.iowait_ns);
	lua_setfield(L, -2, "iowait");
	push_seconds(L, ct.idle_ns);
	lua_setfield(L, -2, "idle");
	return 1;
}

/* p:times(): user and system seconds the process was charged. */
static int pr_times(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t utime, stime;

	if (mmsim_task_times(p->lm->m, p->pid, &utime, &stime))
		return push_fail(L, "no such process", ESRCH);
	push_seconds(L, utime);
	push_seconds(L, stime);
	return 2;
}

/* mmsim.costs(): { name = ns per unit } of the cost model. */
static int l_costs(lua_State *L)
{
	struct mmsim_cost c[64];
	size_t n = mmsim_costs(c, 64);

	lua_createtable(L, 0, (int)n);
	for (size_t i = 0; i < n && i < 64; i++) {
		lua_pushnumber(L, (lua_Number)c[i].ns);
		lua_setfield(L, -2, c[i].name);
	}
	return 1;
}

/* ---- vmalloc (issue 7): kernel virtual areas ---- */

enum varea_kind { VAREA_VMALLOC, VAREA_VMAP, VAREA_KVMALLOC };
static const char *const varea_kind_names[] = { "vmalloc", "vmap", "kvmalloc" };

struct lvarea {
	struct lmachine *lm;
	int mref;
	uint64_t addr;
	uint64_t size;		/* what was asked for (vmap: pages * 4096) */
	enum varea_kind kind;
	bool freed;
};

static void push_kaddr(lua_State *L, uint64_t a)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, a);
	lua_pushstring(L, buf);
}

static struct lvarea *push_varea(lua_State *L, struct lmachine *lm, uint64_t addr, uint64_t size,
				 enum varea_kind kind)
{
	struct lvarea *v = lua_newuserdata(L, sizeof(*v));

	v->lm = lm;
	v->mref = LUA_NOREF;
	v->addr = addr;
	v->size = size;
	v->kind = kind;
	v->freed = false;
	luaL_getmetatable(L, VAREA_MT);
	lua_setmetatable(L, -2);
	v->mref = ref_value(L, 1);
	return v;
}

static struct lvarea *check_live_varea(lua_State *L, int idx, struct lmachine *lm,
				       const char *what)
{
	struct lvarea *v = luaL_checkudata(L, idx, VAREA_MT);

	live_machine(L, v->lm, what);
	if (lm && v->lm != lm)
		luaL_error(L, "%s: the area belongs to another machine", what);
	if (v->freed) {
		char buf[24];

		snprintf(buf, sizeof(buf), "0x%016" PRIx64, v->addr);
		luaL_error(L, "%s: area %s was already freed (double free)", what, buf);
	}
	return v;
}

/* The pid a kernel access runs for: a process, or nil for the current CPU. */
static int opt_pid(lua_State *L, int idx)
{
	return lua_isnoneornil(L, idx) ? 0 : check_process(L, idx)->pid;
}

static int vmalloc_like(lua_State *L, const char *call, uint64_t (*fn)(mmsim_machine *, uint64_t))
{
	struct lmachine *lm = check_machine(L, 1);
	size_t size = check_size(L, 2);
	uint64_t a;

	if (!size)
		return luaL_argerror(L, 2, "size must be > 0");
	a = fn(lm->m, size);
	if (!a) {
		lua_pushfstring(L, "%s(%d): out of memory", call, (int)size);
		return push_fail(L, lua_tostring(L, -1), ENOMEM);
	}
	push_varea(L, lm, a, size, VAREA_VMALLOC);
	return 1;
}

static int m_vmalloc(lua_State *L) { return vmalloc_like(L, "vmalloc", mmsim_vmalloc); }
static int m_vzalloc(lua_State *L) { return vmalloc_like(L, "vzalloc", mmsim_vzalloc); }
static int m_vmalloc_user(lua_State *L) { return vmalloc_like(L, "vmalloc_user", mmsim_vmalloc_user); }

static int m_vmalloc_node(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	size_t size = check_size(L, 2);
	lua_Integer node = luaL_checkinteger(L, 3);
	uint64_t a;

	if (!size)
		return luaL_argerror(L, 2, "size must be > 0");
	if (node < 0 || node >= 64)
		return luaL_argerror(L, 3, "no such node");
	a = mmsim_vmalloc_node(lm->m, size, (int)node);
	if (!a) {
		lua_pushfstring(L, "vmalloc_node(%d, %d): out of memory or no such node", (int)size,
				(int)node);
		return push_fail(L, lua_tostring(L, -1), ENOMEM);
	}
	push_varea(L, lm, a, size, VAREA_VMALLOC);
	return 1;
}

static int free_varea(lua_State *L, enum varea_kind kind, const char *call,
		      int (*fn)(mmsim_machine *, uint64_t))
{
	struct lmachine *lm = check_machine(L, 1);
	struct lvarea *v = check_live_varea(L, 2, lm, call);

	if (v->kind != kind)
		return luaL_error(L, "%s: this is a %s area; free it with m:%s", call,
				  varea_kind_names[v->kind], v->kind == VAREA_VMAP ? "vunmap" :
				  v->kind == VAREA_KVMALLOC ? "kvfree" : "vfree");
	if (fn(lm->m, v->addr))
		return luaL_error(L, "%s: the kernel does not know this area", call);
	v->freed = true;
	return 0;
}

static int m_vfree(lua_State *L) { return free_varea(L, VAREA_VMALLOC, "vfree", mmsim_vfree); }
static int m_vunmap(lua_State *L) { return free_varea(L, VAREA_VMAP, "vunmap", mmsim_vunmap); }
static int m_kvfree(lua_State *L) { return free_varea(L, VAREA_KVMALLOC, "kvfree", mmsim_kvfree); }

/* m:vmap{pg1, pg2, ...}: every page of each block, in order. */
static int m_vmap(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	size_t n = 0, nblocks;
	uint64_t *pfns, a;

	luaL_checktype(L, 2, LUA_TTABLE);
	nblocks = lua_objlen(L, 2);
	for (size_t i = 1; i <= nblocks; i++) {
		struct lpages *pg;

		lua_rawgeti(L, 2, (int)i);
		pg = luaL_checkudata(L, -1, PAGES_MT);
		if (pg->lm != lm || pg->freed)
			return luaL_error(L, "vmap: block %d is freed or another machine's", (int)i);
		n += 1u << pg->order;
		lua_pop(L, 1);
	}
	if (!n)
		return luaL_argerror(L, 2, "a list of page blocks from m:alloc_pages");
	pfns = malloc(n * sizeof(*pfns));
	if (!pfns)
		return luaL_error(L, "vmap: out of memory");
	n = 0;
	for (size_t i = 1; i <= nblocks; i++) {
		struct lpages *pg;

		lua_rawgeti(L, 2, (int)i);
		pg = lua_touserdata(L, -1);
		for (unsigned int k = 0; k < (1u << pg->order); k++)
			pfns[n++] = pg->pfn + k;
		lua_pop(L, 1);
	}
	a = mmsim_vmap(lm->m, pfns, (unsigned int)n);
	free(pfns);
	if (!a)
		return push_fail(L, "vmap: out of memory", ENOMEM);
	push_varea(L, lm, a, (uint64_t)n * 4096, VAREA_VMAP);
	return 1;
}

static int m_kvmalloc(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	size_t size = check_size(L, 2);
	unsigned int gfp = check_gfp(L, 3, "GFP_KERNEL");
	uint64_t a;

	if (!size)
		return luaL_argerror(L, 2, "size must be > 0");
	a = mmsim_kvmalloc(lm->m, size, gfp);
	if (!a) {
		lua_pushfstring(L, "kvmalloc(%d): out of memory", (int)size);
		return push_fail(L, lua_tostring(L, -1), ENOMEM);
	}
	push_varea(L, lm, a, size, VAREA_KVMALLOC);
	return 1;
}

static int kernel_fail(lua_State *L, const char *call, int ret)
{
	if (ret == -EFAULT)
		return push_fail(L, "oops: the kernel faulted (see m:dmesg())", EFAULT);
	return luaL_error(L, "%s: %s", call, strerror(-ret));
}

static int m_kernel_read(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	uint64_t a = check_addr(L, 2);
	size_t n = check_size(L, 3);
	int pid = opt_pid(L, 4), ret;
	char *buf;

	if (n > (1u << 30))
		return luaL_argerror(L, 3, "reads are limited to 1G at a time");
	buf = malloc(n ? n : 1);
	if (!buf)
		return luaL_error(L, "kernel_read: out of memory");
	ret = mmsim_kernel_read(lm->m, pid, a, buf, n);
	if (ret) {
		free(buf);
		return kernel_fail(L, "kernel_read", ret);
	}
	lua_pushlstring(L, buf, n);
	free(buf);
	return 1;
}

static int m_kernel_write(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	uint64_t a = check_addr(L, 2);
	size_t len;
	const char *bytes = luaL_checklstring(L, 3, &len);
	int ret = mmsim_kernel_write(lm->m, opt_pid(L, 4), a, bytes, len);

	if (ret)
		return kernel_fail(L, "kernel_write", ret);
	lua_pushboolean(L, 1);
	return 1;
}

static int m_vmalloc_info(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	struct mmsim_vmalloc_info i;

	mmsim_vmalloc_info(lm->m, &i);
	lua_newtable(L);
	push_kaddr(L, i.start);
	lua_setfield(L, -2, "start");
	push_kaddr(L, i.end);
	lua_setfield(L, -2, "end");
#define VI_FIELD(f) (lua_pushnumber(L, (lua_Number)i.f), lua_setfield(L, -2, #f))
	VI_FIELD(used_pages);
	VI_FIELD(nr_areas);
	VI_FIELD(lazy_pages);
	VI_FIELD(lazy_max_pages);
	VI_FIELD(purges);
	VI_FIELD(purged_areas);
	VI_FIELD(purged_pages);
	VI_FIELD(flush_all);
	VI_FIELD(flush_pages);
	VI_FIELD(vmalloc_faults);
	VI_FIELD(oopses);
	VI_FIELD(pgtable_p4d);
	VI_FIELD(pgtable_pud);
	VI_FIELD(pgtable_pmd);
	VI_FIELD(pgtable_pte);
#undef VI_FIELD
	return 1;
}

static int m_vmalloc_purge(lua_State *L)
{
	mmsim_vmalloc_purge(check_machine(L, 1)->m);
	return 0;
}

/* v:write(offset, bytes [, process]) through the MMU, as the kernel. */
static int va_write(lua_State *L)
{
	struct lvarea *v = check_live_varea(L, 1, NULL, "write");
	uint64_t off = check_addr(L, 2);
	size_t len;
	const char *bytes = luaL_checklstring(L, 3, &len);
	int ret;

	if (off > v->size || len > v->size - off)
		return luaL_argerror(L, 2, "outside the area");
	ret = mmsim_kernel_write(v->lm->m, opt_pid(L, 4), v->addr + off, bytes, len);
	if (ret)
		return kernel_fail(L, "write", ret);
	lua_pushboolean(L, 1);
	return 1;
}

static int va_read(lua_State *L)
{
	struct lvarea *v = check_live_varea(L, 1, NULL, "read");
	uint64_t off = check_addr(L, 2);
	size_t n = check_size(L, 3);
	char *buf;
	int ret;

	if (off > v->size || n > v->size - off)
		return luaL_argerror(L, 2, "outside the area");
	buf = malloc(n ? n : 1);
	if (!buf)
		return luaL_error(L, "read: out of memory");
	ret = mmsim_kernel_read(v->lm->m, opt_pid(L, 4), v->addr + off, buf, n);
	if (ret) {
		free(buf);
		return kernel_fail(L, "read", ret);
	}
	lua_pushlstring(L, buf, n);
	free(buf);
	return 1;
}

/* The frame behind each page: vmalloc_to_pfn, or the direct map for kmalloc memory. */
static int va_pfns(lua_State *L)
{
	struct lvarea *v = check_live_varea(L, 1, NULL, "pfns");
	uint64_t pages = (v->size + 4095) / 4096;

	lua_createtable(L, (int)pages, 0);
	for (uint64_t k = 0; k < pages; k++) {
		int64_t pfn = mmsim_vmalloc_to_pfn(v->lm->m, v->addr + k * 4096);

		if (pfn < 0 && v->kind == VAREA_KVMALLOC)	/* kmalloc'd: the direct map */
			pfn = (int64_t)((v->addr - 0xffff888000000000ULL) >> 12) + (int64_t)k;

		lua_pushnumber(L, (lua_Number)pfn);
		lua_rawseti(L, -2, (int)k + 1);
	}
	return 1;
}

static const luaL_Reg varea_methods[] = {
	{ "write", va_write },
	{ "read", va_read },
	{ "pfns", va_pfns },
	{ NULL, NULL },
};

static int va_index(lua_State *L)
{
	struct lvarea *v = luaL_checkudata(L, 1, VAREA_MT);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "addr"))
		push_kaddr(L, v->addr);
	else if (!strcmp(k, "size"))
		lua_pushnumber(L, (lua_Number)v->size);
	else if (!strcmp(k, "pages"))
		lua_pushnumber(L, (lua_Number)((v->size + 4095) / 4096));
	else if (!strcmp(k, "kind"))
		lua_pushstring(L, v->kind == VAREA_KVMALLOC && v->addr < 0xffffc90000000000ULL ?
				  "kmalloc" : varea_kind_names[v->kind]);
	else if (!strcmp(k, "freed"))
		lua_pushboolean(L, v->freed);
	else {
		luaL_getmetatable(L, VAREA_MT);
		lua_getfield(L, -1, "methods");
		lua_getfield(L, -1, k);
	}
	return 1;
}

static int va_tostring(lua_State *L)
{
	struct lvarea *v = luaL_checkudata(L, 1, VAREA_MT);
	char buf[112];

	snprintf(buf, sizeof(buf), "mmsim.varea %s 0x%016" PRIx64 " (%" PRIu64 " bytes%s)",
		 varea_kind_names[v->kind], v->addr, v->size, v->freed ? ", freed" : "");
	lua_pushstring(L, buf);
	return 1;
}

static int va_gc(lua_State *L)
{
	struct lvarea *v = luaL_checkudata(L, 1, VAREA_MT);

	luaL_unref(L, LUA_REGISTRYINDEX, v->mref);
	v->mref = LUA_NOREF;
	return 0;
}

static const luaL_Reg varea_meta[] = {
	{ "__index", va_index },
	{ "__gc", va_gc },
	{ "__tostring", va_tostring },
	{ NULL, NULL },
};

/* ---- NUMA memory policy ---- */

/*
 * A mode as Linux's MPOL_ name in lower case, optionally with its mode
 * flags as tmpfs's mpol= option writes them: "bind", "interleave=static",
 * "preferred_many=balancing", "bind=static|balancing".
 */
static int check_mpol_mode(lua_State *L, int idx)
{
	const char *text = luaL_checkstring(L, idx);
	const char *eq = strchr(text, '=');
	char name[32];
	int mode;

	snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - text : (long)strlen(text)), text);
	mode = mmsim_mpol_parse(name);
	if (mode < 0)
		luaL_error(L, "unknown policy '%s' (default, preferred, bind, interleave, local, "
			   "preferred_many, weighted_interleave)", name);
	for (const char *f = eq ? eq + 1 : NULL; f && *f;) {
		size_t n = strcspn(f, "|,");

		if (n == 6 && !strncmp(f, "static", 6))
			mode |= MMSIM_MPOL_F_STATIC_NODES;
		else if (n == 8 && !strncmp(f, "relative", 8))
			mode |= MMSIM_MPOL_F_RELATIVE_NODES;
		else if (n == 9 && !strncmp(f, "balancing", 9))
			mode |= MMSIM_MPOL_F_NUMA_BALANCING;
		else {
			lua_pushlstring(L, f, n);	/* lua_pushfstring has no %.*s */
			luaL_error(L, "unknown policy flag '%s' (static, relative, balancing)",
				   lua_tostring(L, -1));
		}
		f += n + (f[n] != '\0');
	}
	return mode;
}

#define LUA_NODEMASK_BITS 1024

/* Nodes as a table {0, 2} or a list "0-3,5" (nil: none) into mask; the maxnode to pass. */
static unsigned long check_nodes(lua_State *L, int idx, unsigned long *mask)
{
	int top = -1;

	memset(mask, 0, LUA_NODEMASK_BITS / 8);
	if (lua_isnoneornil(L, idx))
		return 0;
	if (lua_type(L, idx) == LUA_TTABLE) {
		size_t n = lua_objlen(L, idx);

		for (size_t i = 1; i <= n; i++) {
			lua_Integer nid;

			lua_rawgeti(L, idx, (int)i);
			nid = luaL_checkinteger(L, -1);
			lua_pop(L, 1);
			if (nid < 0 || nid >= LUA_NODEMASK_BITS)
				luaL_argerror(L, idx, "a node is 0-1023");
			mask[nid / 64] |= 1UL << (nid % 64);
			top = top > (int)nid ? top : (int)nid;
		}
	} else {
		const char *t = luaL_checkstring(L, idx);

		while (*t) {
			char *end;
			long a = strtol(t, &end, 10), b = a;

			if (end == t)
				luaL_argerror(L, idx, "a node list is like \"0-3,5\"");
			if (*end == '-') {
				const char *d = end + 1;

				b = strtol(d, &end, 10);
				if (end == d)
					luaL_argerror(L, idx, "a node list is like \"0-3,5\"");
			}
			if (a < 0 || b < a || b >= LUA_NODEMASK_BITS || (*end && *end != ','))
				luaL_argerror(L, idx, "a node list is like \"0-3,5\" (nodes 0-1023)");
			for (long nid = a; nid <= b; nid++)
				mask[nid / 64] |= 1UL << (nid % 64);
			top = top > (int)b ? top : (int)b;
			t = *end ? end + 1 : end;
		}
	}
	return top < 0 ? 0 : (unsigned long)top + 2;
}

/* p:set_mempolicy("interleave", {0, 1}) */
static int pr_set_mempolicy(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	int mode = check_mpol_mode(L, 2);
	unsigned long mask[LUA_NODEMASK_BITS / 64];
	unsigned long maxnode = check_nodes(L, 3, mask);

	return push_result(L, "set_mempolicy",
			   mmsim_set_mempolicy(p->lm->m, p->pid, mode, maxnode ? mask : NULL,
					       maxnode));
}

/* p:mbind(a, len, "bind", {1} [, "strict,move"]) */
static int pr_mbind(lua_State *L)
{
	static const struct flag_name names[] = {
		{ "strict", MMSIM_MPOL_MF_STRICT }, { "move", MMSIM_MPOL_MF_MOVE },
		{ "move_all", MMSIM_MPOL_MF_MOVE_ALL }, { NULL, 0 } };
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t len = check_size(L, 3);
	int mode = check_mpol_mode(L, 4);
	unsigned long mask[LUA_NODEMASK_BITS / 64];
	unsigned long maxnode = check_nodes(L, 5, mask);
	int flags = check_flags(L, 6, names, "mbind flag", "");

	return push_result(L, "mbind", mmsim_mbind(p->lm->m, p->pid, a, len, mode,
						   maxnode ? mask : NULL, maxnode,
						   (unsigned int)flags));
}

static void push_nodes(lua_State *L, const unsigned long *mask, int bits)
{
	int n = 0;

	lua_newtable(L);
	for (int nid = 0; nid < bits; nid++)
		if ((mask[nid / 64] >> (nid % 64)) & 1) {
			lua_pushinteger(L, nid);
			lua_rawseti(L, -2, ++n);
		}
}

/*
 * p:get_mempolicy() -> "interleave", {0, 1}; p:get_mempolicy(a): the
 * policy of the VMA at a ("default" if none); p:get_mempolicy(a, "node"):
 * the node of the page at a (faulting it in, as Linux's GUP does);
 * p:get_mempolicy(nil, "node"): the next node of process interleave;
 * p:get_mempolicy(nil, "mems_allowed"): the nodes the process may use.
 */
static int pr_get_mempolicy(lua_State *L)
{
	static const char *const what[] = { "policy", "node", "mems_allowed", NULL };
	struct lprocess *p = check_process(L, 1);
	uint64_t a = lua_isnoneornil(L, 2) ? 0 : check_addr(L, 2);
	int kind = luaL_checkoption(L, 3, "policy", what), mode = 0, ret;
	unsigned long mask[LUA_NODEMASK_BITS / 64] = { 0 };
	unsigned long flags = lua_isnoneornil(L, 2) ? 0 : MMSIM_MPOL_F_ADDR;
	char name[64];

	if (kind == 1)
		flags |= MMSIM_MPOL_F_NODE;
	else if (kind == 2)
		flags = MMSIM_MPOL_F_MEMS_ALLOWED;
	ret = mmsim_get_mempolicy(p->lm->m, p->pid, &mode, mask, LUA_NODEMASK_BITS + 1,
				  kind == 2 ? 0 : a, flags);
	if (ret < 0)
		return push_errno(L, "get_mempolicy", ret);
	if (kind == 1) {
		lua_pushinteger(L, mode);
		return 1;
	}
	if (kind == 2) {
		push_nodes(L, mask, LUA_NODEMASK_BITS);
		return 1;
	}
	snprintf(name, sizeof(name), "%s%s%s%s%s",
		 mmsim_mpol_name(mode & 0xff) ? mmsim_mpol_name(mode & 0xff) : "?",
		 mode & ~0xff ? "=" : "", mode & MMSIM_MPOL_F_STATIC_NODES ? "static" :
		 mode & MMSIM_MPOL_F_RELATIVE_NODES ? "relative" : "",
		 (mode & MMSIM_MPOL_F_NUMA_BALANCING) &&
			 (mode & (MMSIM_MPOL_F_STATIC_NODES | MMSIM_MPOL_F_RELATIVE_NODES)) ? "|" : "",
		 mode & MMSIM_MPOL_F_NUMA_BALANCING ? "balancing" : "");
	lua_pushstring(L, name);
	push_nodes(L, mask, LUA_NODEMASK_BITS);
	return 2;
}

/* p:set_mempolicy_home_node(a, len, node) */
static int pr_set_mempolicy_home_node(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);
	uint64_t a = check_addr(L, 2);
	uint64_t len = check_size(L, 3);
	lua_Integer node = luaL_checkinteger(L, 4);

	return push_result(L, "set_mempolicy_home_node",
			   mmsim_set_mempolicy_home_node(p->lm->m, p->pid, a, len,
							 (unsigned long)node, 0));
}

/* m:sysfs_write("/sys/kernel/mm/mempolicy/weighted_interleave/node0", "3") */
static int m_sysfs_write(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	const char *path = luaL_checkstring(L, 2);
	const char *value = luaL_checkstring(L, 3);

	return push_result(L, "sysfs_write", mmsim_sysfs_write(lm->m, path, value));
}

/* ---- swap (issue 5) ---- */

/* m:swapon{ size = "64M"[, path = "/swapfile2"][, prio = N] } -> true | nil, msg, errno */
static int m_swapon(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	const char *path;
	size_t size;
	int prio;

	luaL_checktype(L, 2, LUA_TTABLE);
	lua_getfield(L, 2, "size");
	if (lua_isnil(L, -1))
		return luaL_argerror(L, 2, "swapon needs size");
	size = check_size(L, -1);
	lua_getfield(L, 2, "path");
	path = luaL_optstring(L, -1, "/swapfile");
	lua_getfield(L, 2, "prio");
	prio = (int)luaL_optinteger(L, -1, -1);
	return push_result(L, "swapon", mmsim_swapon(lm->m, path, size, prio));
}

/* m:swapoff(path) -> true | nil, msg, errno */
static int m_swapoff(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);

	return push_result(L, "swapoff", mmsim_swapoff(lm->m, luaL_optstring(L, 2, "/swapfile")));
}

/* ---- Files (issue 5, filemap): mmsim.file ---- */

/*
 * An open file: a descriptor of a process's table (p:open) or of the
 * machine's own (m:open, pid 0). Keeps its machine alive; f:close()
 * closes it, after which any use raises. __gc does not close (the
 * simulated descriptor stays open, as a leaked fd would).
 */

static struct lfile *check_file(lua_State *L, int idx)
{
	struct lfile *f = luaL_checkudata(L, idx, FILE_MT);

	live_machine(L, f->lm, "file");
	if (f->closed)
		luaL_error(L, "file (fd %d) has been closed", f->fd);
	return f;
}

/* fopen's modes: r r+ w w+ a a+, then ",direct" ",excl" ",sync" in any number. */
static int check_open_mode(lua_State *L, int idx)
{
	const char *mode = luaL_optstring(L, idx, "r"), *opt;
	int flags;

	if (!strncmp(mode, "r+", 2) || !strncmp(mode, "w+", 2) || !strncmp(mode, "a+", 2))
		flags = MMSIM_O_RDWR;
	else if (mode[0] == 'r')
		flags = MMSIM_O_RDONLY;
	else if (mode[0] == 'w' || mode[0] == 'a')
		flags = MMSIM_O_WRONLY;
	else
		return luaL_argerror(L, idx, "mode is r, r+, w, w+, a or a+ (then ,direct ,excl ,sync)");
	if (mode[0] == 'w')
		flags |= MMSIM_O_CREAT | MMSIM_O_TRUNC;
	if (mode[0] == 'a')
		flags |= MMSIM_O_CREAT | MMSIM_O_APPEND;
	opt = mode + 1 + (mode[1] == '+');
	while (*opt == ',') {
		size_t n = strcspn(opt + 1, ",");

		if (n == 6 && !strncmp(opt + 1, "direct", 6))
			flags |= MMSIM_O_DIRECT;
		else if (n == 4 && !strncmp(opt + 1, "excl", 4))
			flags |= MMSIM_O_EXCL | MMSIM_O_CREAT;
		else if (n == 4 && !strncmp(opt + 1, "sync", 4))
			flags |= MMSIM_O_DSYNC;
		else
			return luaL_argerror(L, idx, "unknown open option (direct, excl, sync)");
		opt += 1 + n;
	}
	if (*opt)
		return luaL_argerror(L, idx, "mode is r, r+, w, w+, a or a+ (then ,direct ,excl ,sync)");
	return flags;
}

static int open_common(lua_State *L, struct lmachine *lm, int midx, int pid, int argidx)
{
	const char *path = luaL_checkstring(L, argidx);
	int flags = check_open_mode(L, argidx + 1);
	int fd = mmsim_open(lm->m, pid, path, flags, 0644);
	struct lfile *f;

	if (fd < 0)
		return push_errno(L, "open", fd);
	f = lua_newuserdata(L, sizeof(*f));
	f->lm = lm;
	f->mref = LUA_NOREF;
	f->pid = pid;
	f->fd = fd;
	f->closed = false;
	luaL_getmetatable(L, FILE_MT);
	lua_setmetatable(L, -2);
	f->mref = ref_value(L, midx);
	return 1;
}

/* m:open(path, mode): a file of the machine's own table. */
static int m_open(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);

	return open_common(L, lm, 1, 0, 2);
}

static int m_unlink(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);

	return push_result(L, "unlink", mmsim_unlink(lm->m, luaL_checkstring(L, 2)));
}

static int m_mkdir(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);

	return push_result(L, "mkdir", mmsim_mkdir(lm->m, luaL_checkstring(L, 2),
						   (int)luaL_optinteger(L, 3, 0755)));
}

/* m:disk_fail("read"|"write", n): the next n disk I/Os fail with EIO. */
static int m_disk_fail(lua_State *L)
{
	struct lmachine *lm = check_machine(L, 1);
	const char *kind = luaL_checkstring(L, 2);

	if (strcmp(kind, "read") && strcmp(kind, "write"))
		return luaL_argerror(L, 2, "\"read\" or \"write\"");
	return push_result(L, "disk_fail", mmsim_disk_fail(lm->m, kind,
							   (unsigned long)luaL_optinteger(L, 3, 1)));
}

/* p:open(path, mode): a descriptor of the process's own table. */
static int pr_open(lua_State *L)
{
	struct lprocess *p = check_process(L, 1);

	lua_rawgeti(L, LUA_REGISTRYINDEX, p->mref);
	return open_common(L, p->lm, lua_gettop(L), p->pid, 2);
}

/* The bytes of a read, or the failure. */
static int push_read(lua_State *L, const char *call, char *buf, int64_t n)
{
	if (n < 0) {
		free(buf);
		return push_errno(L, call, n);
	}
	lua_pushlstring(L, buf, (size_t)n);
	free(buf);
	return 1;
}

static int f_read(lua_State *L)
{
	struct lfile *f = check_file(L, 1);
	size_t n = check_size(L, 2);
	char *buf = malloc(n ? n : 1);	/* host-side: the caller's buffer */

	if (!buf)
		return luaL_error(L, "read: out of host memory");
	return push_read(L, "read", buf, mmsim_file_read(f->lm->m, f->pid, f->fd, buf, n));
}

static int f_pread(lua_State *L)
{
	struct lfile *f = check_file(L, 1);
	size_t n = check_size(L, 2);
	uint64_t off = check_addr(L, 3);
	char *buf = malloc(n ? n : 1);

	if (!buf)
		return luaL_error(L, "pread: out of host memory");
	return push_read(L, "pread", buf,
			 mmsim_pread(f->lm->m, f->pid, f->fd, buf, n, (int64_t)off));
}

/* f:write(s): bytes written, or the failure. */
static int f_write(lua_State *L)
{
	struct lfile *f = check_file(L, 1);
	size_t n;
	const char *s = luaL_checklstring(L, 2, &n);

	return push_address(L, "write", mmsim_file_write(f->lm->m, f->pid, f->fd, s, n));
}

static int f_pwrite(lua_State *L)
{
	struct lfile *f = check_file(L, 1);
	size_t n;
	const char *s = luaL_checklstring(L, 2, &n);
	uint64_t off = check_addr(L, 3);

	return push_address(L, "pwrite", mmsim_pwrite(f->lm->m, f->pid, f->fd, s, n,
						      (int64_t)off));
}

/* f:seek(off, whence): "set" (default), "cur", "end"; the new position. */
static int f_seek(lua_State *L)
{
	struct lfile *f = check_file(L, 1);
	lua_Number off = luaL_optnumber(L, 2, 0);
	const char *w = luaL_optstring(L, 3, "set");
	int whence = !strcmp(w, "set") ? MMSIM_SEEK_SET : !strcmp(w, "cur") ? MMSIM_SEEK_CUR
		   : !strcmp(w, "end") ? MMSIM_SEEK_END : -1;

	if (whence < 0)
		return luaL_argerror(L, 3, "\"set\", \"cur\" or \"end\"");
	return push_address(L, "seek", mmsim_lseek(f->lm->m, f->pid, f->fd, (int64_t)off, whence));
}

static int f_fsync(lua_State *L)
{
	struct lfile *f = check_file(L, 1);

	return push_result(L, "fsync", mmsim_fsync(f->lm->m, f->pid, f->fd));
}

static int f_fdatasync(lua_State *L)
{
	struct lfile *f = check_file(L, 1);

	return push_result(L, "fdatasync", mmsim_fdatasync(f->lm->m, f->pid, f->fd));
}

static int f_truncate(lua_State *L)
{
	struct lfile *f = check_file(L, 1);

	return push_result(L, "truncate", mmsim_ftruncate(f->lm->m, f->pid, f->fd,
							  (int64_t)check_size(L, 2)));
}

/* f:fadvise("dontneed", off, len): len 0 or absent means to the end. */
static int f_fadvise(lua_State *L)
{
	struct lfile *f = check_file(L, 1);
	int advice = mmsim_fadvise_parse(luaL_checkstring(L, 2));
	uint64_t off = opt_addr(L, 3);
	uint64_t len = lua_isnoneornil(L, 4) ? 0 : check_size(L, 4);

	if (advice < 0)
		return luaL_argerror(L, 2, "normal, random, sequential, willneed, dontneed or noreuse");
	return push_result(L, "fadvise", mmsim_fadvise(f->lm->m, f->pid, f->fd, (int64_t)off,
						       (int64_t)len, advice));
}

static int f_size(lua_State *L)
{
	struct lfile *f = check_file(L, 1);

	return push_address(L, "size", mmsim_fsize(f->lm->m, f->pid, f->fd));
}

static int f_close(lua_State *L)
{
	struct lfile *f = check_file(L, 1);
	int ret = mmsim_close(f->lm->m, f->pid, f->fd);

	f->closed = true;
	return push_result(L, "close", ret);
}

static int f_index(lua_State *L)
{
	struct lfile *f = luaL_checkudata(L, 1, FILE_MT);
	const char *key = luaL_checkstring(L, 2);

	if (!strcmp(key, "fd")) {
		lua_pushinteger(L, f->fd);
		return 1;
	}
	if (!strcmp(key, "pid")) {
		lua_pushinteger(L, f->pid);
		return 1;
	}
	luaL_getmetatable(L, FILE_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, key);
	return 1;
}

static int f_gc(lua_State *L)
{
	struct lfile *f = luaL_checkudata(L, 1, FILE_MT);

	luaL_unref(L, LUA_REGISTRYINDEX, f->mref);
	f->mref = LUA_NOREF;
	return 0;
}

static int f_tostring(lua_State *L)
{
	struct lfile *f = luaL_checkudata(L, 1, FILE_MT);

	lua_pushfstring(L, "mmsim.file(fd %d of %s %d)", f->fd, f->pid ? "pid" : "machine",
			f->pid ? f->pid : (int)f->lm->id);
	return 1;
}

static const luaL_Reg file_methods[] = {
	{ "read", f_read },
	{ "write", f_write },
	{ "pread", f_pread },
	{ "pwrite", f_pwrite },
	{ "seek", f_seek },
	{ "fsync", f_fsync },
	{ "fdatasync", f_fdatasync },
	{ "truncate", f_truncate },
	{ "fadvise", f_fadvise },
	{ "size", f_size },
	{ "close", f_close },
	{ NULL, NULL },
};

static const luaL_Reg file_meta[] = {
	{ "__index", f_index },
	{ "__gc", f_gc },
	{ "__tostring", f_tostring },
	{ NULL, NULL },
};

/* ---- registration ---- */

static const luaL_Reg machine_methods[] = {
	{ "proc", m_proc },
	{ "vmstat", m_vmstat },
	{ "sysctl", m_sysctl },
	{ "dmesg", m_dmesg },
	{ "check", m_check },
	{ "kmalloc", m_kmalloc },
	{ "kfree", m_kfree },
	{ "alloc_pages", m_alloc_pages },
	{ "free_pages", m_free_pages },
	{ "kmem_cache_create", m_kmem_cache_create },
	{ "fail_nth", m_fail_nth },
	{ "spawn", m_spawn },
	{ "process", m_process },
	{ "pids", m_pids },
	{ "mmu_stats", m_mmu_stats },
	{ "rmap", m_rmap },
	/* vmalloc (issue 7) */
	{ "vmalloc", m_vmalloc },
	{ "vzalloc", m_vzalloc },
	{ "vmalloc_node", m_vmalloc_node },
	{ "vmalloc_user", m_vmalloc_user },
	{ "vfree", m_vfree },
	{ "vmap", m_vmap },
	{ "vunmap", m_vunmap },
	{ "kvmalloc", m_kvmalloc },
	{ "kvfree", m_kvfree },
	{ "kernel_read", m_kernel_read },
	{ "kernel_write", m_kernel_write },
	{ "vmalloc_info", m_vmalloc_info },
	{ "vmalloc_purge", m_vmalloc_purge },
	{ "shutdown", m_shutdown },
	/* simulated time */
	{ "tick", m_tick },
	{ "clock", m_clock },
	{ "cpu_time", m_cpu_time },
	/* NUMA */
	{ "sysfs_write", m_sysfs_write },
	/* swap (issue 5) */
	{ "swapon", m_swapon },
	{ "swapoff", m_swapoff },
	/* files (issue 5) */
	{ "open", m_open },
	{ "unlink", m_unlink },
	{ "mkdir", m_mkdir },
	{ "disk_fail", m_disk_fail },
	{ NULL, NULL },
};

static const luaL_Reg machine_meta[] = {
	{ "__gc", m_shutdown },
	{ "__tostring", m_tostring },
	{ NULL, NULL },
};

static const luaL_Reg object_meta[] = {
	{ "__index", o_index },
	{ "__gc", o_gc },
	{ "__tostring", o_tostring },
	{ NULL, NULL },
};

static const luaL_Reg pages_meta[] = {
	{ "__index", p_index },
	{ "__gc", p_gc },
	{ "__tostring", p_tostring },
	{ NULL, NULL },
};

static const luaL_Reg cache_methods[] = {
	{ "alloc", c_alloc },
	{ "free", c_free },
	{ "destroy", c_destroy },
	{ NULL, NULL },
};

static const luaL_Reg cache_meta[] = {
	{ "__index", c_index },
	{ "__gc", c_gc },
	{ "__tostring", c_tostring },
	{ NULL, NULL },
};

static const luaL_Reg process_methods[] = {
	{ "mmap", pr_mmap },
	{ "munmap", pr_munmap },
	{ "mprotect", pr_mprotect },
	{ "madvise", pr_madvise },
	{ "mremap", pr_mremap },
	{ "brk", pr_brk },
	{ "mlock", pr_mlock },
	{ "munlock", pr_munlock },
	{ "mlockall", pr_mlockall },
	{ "munlockall", pr_munlockall },
	{ "mincore", pr_mincore },
	{ "msync", pr_msync },
	{ "prctl", pr_prctl },
	{ "write", pr_write },
	{ "read", pr_read },
	{ "touch", pr_touch },
	{ "fork", pr_fork },
	{ "clone_vm", pr_clone_vm },
	{ "exit", pr_exit },
	{ "exec", pr_exec },
	{ "proc", pr_proc },
	{ "status", pr_status },
	{ "rmap_walk", pr_rmap_walk },
	{ "try_to_unmap", pr_try_to_unmap },
	/* simulated time */
	{ "times", pr_times },
	/* NUMA memory policy */
	{ "set_mempolicy", pr_set_mempolicy },
	{ "get_mempolicy", pr_get_mempolicy },
	{ "mbind", pr_mbind },
	{ "set_mempolicy_home_node", pr_set_mempolicy_home_node },
	/* OOM killer (issue 5, oom) */
	{ "oom_score_adj", pr_oom_score_adj },
	/* files (issue 5) */
	{ "open", pr_open },
	{ NULL, NULL },
};

/* __index is a closure over the methods (luaopen_mmsim). */
static const luaL_Reg process_meta[] = {
	{ "__gc", pr_gc },
	{ "__eq", pr_eq },
	{ "__tostring", pr_tostring },
	{ NULL, NULL },
};

static const luaL_Reg module_funcs[] = {
	{ "boot", l_boot },
	/* simulated time */
	{ "costs", l_costs },
	{ NULL, NULL },
};

int luaopen_mmsim(lua_State *L)
{
	luaL_newmetatable(L, MACHINE_MT);
	luaL_register(L, NULL, machine_meta);
	lua_newtable(L);
	luaL_register(L, NULL, machine_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);

	luaL_newmetatable(L, OBJECT_MT);
	luaL_register(L, NULL, object_meta);
	lua_pop(L, 1);

	luaL_newmetatable(L, PAGES_MT);
	luaL_register(L, NULL, pages_meta);
	lua_pop(L, 1);

	luaL_newmetatable(L, CACHE_MT);
	luaL_register(L, NULL, cache_meta);
	lua_newtable(L);
	luaL_register(L, NULL, cache_methods);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);

	/* the methods and __index hold the metatable (to_process), __index the methods */
	luaL_newmetatable(L, PROCESS_MT);
	luaL_register(L, NULL, process_meta);
	lua_newtable(L);
	lua_pushvalue(L, -2);
	luaL_openlib(L, NULL, process_methods, 1);
	lua_pushvalue(L, -2);
	lua_pushvalue(L, -2);
	lua_pushcclosure(L, pr_index, 2);
	lua_setfield(L, -3, "__index");
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);

	/* vmalloc (issue 7) */
	luaL_newmetatable(L, VAREA_MT);
	luaL_register(L, NULL, varea_meta);
	lua_newtable(L);
	luaL_register(L, NULL, varea_methods);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);

	/* files (issue 5) */
	luaL_newmetatable(L, FILE_MT);
	luaL_register(L, NULL, file_meta);
	lua_newtable(L);
	luaL_register(L, NULL, file_methods);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);

	lua_newtable(L);
	luaL_register(L, NULL, module_funcs);
	lua_pushstring(L, MMSIM_VERSION);
	lua_setfield(L, -2, "version");
	return 1;
}
