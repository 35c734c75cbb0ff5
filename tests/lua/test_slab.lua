-- test_slab.lua - kmalloc, kfree, kmem caches through the Lua module:
-- class rounding seen in slabinfo, misuse raising file:line errors, double
-- frees raising, caches refusing to die with live objects. Run by ctest as
-- `mmsim run tests/lua/test_slab.lua`; any failed assert exits non-zero.

local me = arg[0]:match("[^/]+$")
local raises = dofile(arg[0]:gsub("[^/]+$", "") .. "helpers.lua").raises

local m = mmsim.boot{ mem = "128M" }
local function active(name)
  for line in m:proc("slabinfo"):gmatch("[^\n]+") do
    local n, a = line:match("^(%S+)%s+(%d+)")
    if n == name then return tonumber(a) end
  end
end

-- kmalloc(200) is served by kmalloc-256
local o = assert(m:kmalloc(200, "GFP_KERNEL"))
assert(o.size == 200 and o.ksize == 256 and o.addr:match("^0xffff888%x+$"))
local before256, before192 = active("kmalloc-256"), active("kmalloc-192")
local many = {}
for i = 1, 100 do many[i] = assert(m:kmalloc(200)) end
assert(active("kmalloc-256") >= before256 + 100 - 16, "kmalloc-256 grew")
assert(active("kmalloc-192") == before192, "kmalloc-192 did not")
for i = 1, 100 do m:kfree(many[i]) end
for size, class in pairs{ [1] = 8, [8] = 8, [9] = 16, [96] = 96, [97] = 128, [193] = 256,
                          [4097] = 8192, ["1k"] = 1024 } do
  local x = assert(m:kmalloc(size))
  assert(x.ksize == class, ("kmalloc(%s): ksize %d, want %d"):format(size, x.ksize, class))
  m:kfree(x)
end

-- misuse raises an error naming this file:line
local msg = raises("mmsim.object expected, got string", function() m:kfree("x") end)
assert(msg:find(me .. ":%d+:"), msg)
m:kfree(o)
raises(me .. ":%d+: kfree: object 0x%x+ was already freed %(double free%)", function() m:kfree(o) end)
raises("freed", function() return o.ksize end)
raises("unknown GFP flag 'GFP_WHATEVER'", function() m:kmalloc(8, "GFP_WHATEVER") end)
raises("non%-negative", function() m:kmalloc(-1) end)

-- a custom cache
local kc = assert(m:kmem_cache_create("test_obj", 120))
assert(kc.name == "test_obj" and kc.size == 120)
local x = assert(kc:alloc())
local y = assert(kc:alloc("GFP_KERNEL|__GFP_ZERO"))
raises("came from kmem_cache 'test_obj'", function() m:kfree(x) end)
local k2 = assert(m:kmem_cache_create("other_obj", 300, 64))
raises("did not come from kmem_cache 'other_obj'", function() k2:free(x) end)
assert(k2:destroy() == true)
raises("was destroyed", function() k2:alloc() end)
local r, dmsg, derr = kc:destroy()
assert(r == nil and derr == "EBUSY" and dmsg:find("2 objects"), tostring(dmsg))
kc:free(x)
kc:free(y)
raises("double free", function() kc:free(y) end)
assert(kc:destroy() == true)
raises(me .. ":%d+: kmem_cache_create: need a name", function() m:kmem_cache_create("", 10) end)

-- slab fault injection: the next slab allocation fails with ENOMEM
local big = {}
m:fail_nth("slab", 1, true)
local fails = 0
for i = 1, 200 do
  local b, _, e = m:kmalloc(4096, "GFP_KERNEL|__GFP_NOWARN")
  if b then big[#big + 1] = b else assert(e == "ENOMEM"); fails = fails + 1 end
end
m:fail_nth("slab", 0)
assert(fails > 0, "fail_nth(slab) made some allocation fail")
for _, b in ipairs(big) do m:kfree(b) end

assert(m:check() == true)
m:shutdown()
print("test_slab: ok")
