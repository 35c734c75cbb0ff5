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
 */
#include <errno.h>
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
	return 1;
}

/* ---- the machine ---- */

static int m_shutdown(lua_State *L)
{
	struct lmachine *lm = luaL_checkudata(L, 1, MACHINE_MT);

	if (lm->m) {
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
			lua_pushfstring(L, "sysctl %s: no such sysctl", name);
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
	static const char *const kinds[] = { "page", "slab", NULL };
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
	{ "shutdown", m_shutdown },
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

static const luaL_Reg module_funcs[] = {
	{ "boot", l_boot },
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

	lua_newtable(L);
	luaL_register(L, NULL, module_funcs);
	lua_pushstring(L, MMSIM_VERSION);
	lua_setfield(L, -2, "version");
	return 1;
}
