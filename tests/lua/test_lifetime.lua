-- test_lifetime.lua - object lifetimes in the Lua module: objects keep
-- their machine alive, machines left to the collector are shut down
-- cleanly (leaked simulated objects and all), and anything used after its
-- machine's shutdown raises a clear error instead of crashing.
-- Run by ctest as `mmsim run tests/lua/test_lifetime.lua`.

local function raises(pattern, f)
  local ok, msg = pcall(f)
  assert(not ok and tostring(msg):find(pattern), "error was: " .. tostring(msg))
end

-- machines dropped with live objects, blocks and caches: the collector
-- shuts them down (run under ASan in the debug build)
for i = 1, 20 do
  local m = mmsim.boot{ mem = "64M" }
  local kc = m:kmem_cache_create("leak" .. i, 50)
  local _ = kc:alloc(), m:kmalloc(100), m:alloc_pages(2)
end
collectgarbage()
collectgarbage()

-- an object alone keeps its machine alive
local o
do
  local m = mmsim.boot{ mem = "64M" }
  o = assert(m:kmalloc(300))
end
collectgarbage()
collectgarbage()
assert(o.ksize == 512, "the machine outlived its last reference")

-- after shutdown: the cache, its objects and the machine raise
local m = mmsim.boot{ mem = "64M" }
local kc = m:kmem_cache_create("z", 50)
local x = assert(kc:alloc())
local pg = assert(m:alloc_pages(1))
m:shutdown()
raises("test_lifetime.lua:%d+: kc:alloc: its machine %d+ has been shut down", function() kc:alloc() end)
raises("kc:free: its machine %d+ has been shut down", function() kc:free(x) end)
raises("has been shut down", function() m:free_pages(pg) end)
raises("has been shut down", function() m:kmem_cache_create("w", 8) end)
assert(pg.pfn > 0 and x.freed == false)

-- objects of one machine cannot be freed on another
local a, b = mmsim.boot{ mem = "64M" }, mmsim.boot{ mem = "64M" }
local y = assert(a:kmalloc(8))
raises("belongs to another machine", function() b:kfree(y) end)
a:kfree(y)
assert(a:check() and b:check())
print("test_lifetime: ok")
