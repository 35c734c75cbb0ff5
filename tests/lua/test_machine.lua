-- test_machine.lua - the mmsim Lua module on real values: boot options,
-- /proc, vmstat, sysctl, page allocation until ENOMEM and back, and the
-- errors misuse raises. Run by ctest as `mmsim run tests/lua/test_machine.lua`;
-- any failed assert exits non-zero.

local me = arg[0]:match("[^/]+$")

-- Misuse raises an error whose message names this file and the line.
local raises = dofile(arg[0]:gsub("[^/]+$", "") .. "helpers.lua").raises

-- boot, require, the module
assert(mmsim == require("mmsim"))
assert(type(mmsim.version) == "string")
local m = mmsim.boot{ mem = "64M", cpus = 1, seed = 7, zero_page = false }
assert(tostring(m):match("^mmsim.machine"))
local msg = raises("unknown option 'memory'; valid: mem ", function() mmsim.boot{ memory = "1G" } end)
assert(msg:find(me .. ":%d+:"), msg)
raises("4X", function() return mmsim.boot{ mem = "4X" } end)

-- /proc and vmstat
local meminfo = m:proc("meminfo")
local total = tonumber(meminfo:match("MemTotal:%s+(%d+) kB"))
assert(total > 40 * 1024 and total < 64 * 1024, total)
assert(m:proc("/proc/buddyinfo"):match("^Node 0, zone"))
local none, nmsg, nerr = m:proc("nosuchfile")
assert(none == nil and nmsg:find("nosuchfile") and nerr == "ENOENT")
local vs = m:vmstat()
assert(type(vs.nr_free_pages) == "number" and vs.nr_free_pages > 0)
local function memfree() return tonumber(m:proc("meminfo"):match("MemFree:%s+(%d+) kB")) end
assert(vs.nr_free_pages * 4 == memfree(), "nr_free_pages and MemFree agree")
assert(#m:dmesg() > 0)

-- sysctl: round trip, out of range, unknown
assert(m:sysctl("vm.min_free_kbytes", 2048) == true)
assert(m:sysctl("vm.min_free_kbytes") == 2048)
local r, smsg, serr = m:sysctl("vm.min_free_kbytes", -5)
assert(r == nil and type(smsg) == "string" and serr == "EINVAL", tostring(smsg))
assert(m:sysctl("vm.min_free_kbytes") == 2048, "a refused value changes nothing")
r, smsg, serr = m:sysctl("vm.no_such_knob", 1)
assert(r == nil and serr == "ENOENT")

-- pages on the per-CPU lists are not counted free (as in Linux); zoneinfo's
-- pageset "count:" lines say how many there are
local function pcp_pages()
  local n = 0
  for c in m:proc("zoneinfo"):gmatch("count:%s+(%d+)") do n = n + tonumber(c) end
  return n
end

-- alloc_pages until nil with ENOMEM, then free all: MemFree comes back
-- (boot may leave pages on the per-CPU lists too: count them at both ends)
local start = memfree() + pcp_pages() * 4
local blocks = {}
while true do
  local pg, pmsg, perr = m:alloc_pages(0, "GFP_KERNEL|__GFP_NOWARN")
  if not pg then
    assert(perr == "ENOMEM" and pmsg:find("out of memory"), tostring(perr))
    break
  end
  assert(pg.order == 0 and pg.pfn > 0)
  blocks[#blocks + 1] = pg
end
assert(#blocks > 1000, #blocks)
assert(memfree() < start)
for _, pg in ipairs(blocks) do m:free_pages(pg) end
local pcp = pcp_pages()
assert(memfree() + pcp * 4 == start, ("MemFree %d + pcp %d pages vs %d"):format(memfree(), pcp, start))
assert(m:check() == true)

-- a higher order block and its fields
local pg = assert(m:alloc_pages(3, "GFP_KERNEL|__GFP_ZERO"))
assert(pg.order == 3 and pg.pfn % 8 == 0 and pg.pages == 8)
m:free_pages(pg)
raises(me .. ":%d+:.*already freed %(double free%)", function() m:free_pages(pg) end)
raises("order must be 0..10", function() m:alloc_pages(11) end)
raises("unknown GFP flag 'GFP_NOPE'", function() m:alloc_pages(0, "GFP_KERNEL|GFP_NOPE") end)
raises("mmsim.pages expected", function() m:free_pages("x") end)

-- fault injection: the next page allocation fails
m:fail_nth("page", 1)
local f, _, ferr = m:alloc_pages(0, "GFP_KERNEL|__GFP_NOWARN")
assert(f == nil and ferr == "ENOMEM")
local ok = assert(m:alloc_pages(0))
m:free_pages(ok)
raises("invalid option 'disk'", function() m:fail_nth("disk", 1) end)

-- shutdown: the machine and what came from it raise clear errors
local o = assert(m:kmalloc(64))
m:shutdown()
m:shutdown()  -- twice is harmless
raises(me .. ":%d+: machine %d+ has been shut down", function() m:proc("meminfo") end)
raises("has been shut down", function() m:kfree(o) end)
assert(o.addr:match("^0xffff888%x+$"))  -- plain fields stay readable
raises("has been shut down", function() return o.ksize end)

-- CLI defaults: this test is run without machine options, so 4G is the default
local d = mmsim.boot{}
local dt = tonumber(d:proc("meminfo"):match("MemTotal:%s+(%d+) kB"))
assert(dt > 3 * 1024 * 1024, dt)
d:shutdown()
print("test_machine: ok")

-- a sysctl value of the wrong type is misuse
local s = mmsim.boot{ mem = "64M" }
raises(me .. ":%d+: 'vm.min_free_kbytes' needs a string, number or boolean value, not a table",
       function() s:sysctl("vm.min_free_kbytes", {}) end)
raises("'mem' needs a string, number or boolean value", function() mmsim.boot{ mem = {} } end)
s:shutdown()
print("test_machine: sysctl types ok")
