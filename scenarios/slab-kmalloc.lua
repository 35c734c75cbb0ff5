-- Slab and kmalloc: size classes, /proc/slabinfo and a custom kmem_cache
--
-- The seed's experiment 8. Purpose: show how SLUB serves small kernel
-- objects: kmalloc rounds each request up to a size class (kmalloc-8 ...
-- kmalloc-8k, plus 96 and 192), each class is a cache of equal slots carved
-- from slab pages, and a subsystem with its own object type makes its own
-- cache with kmem_cache_create. Invariant: everything allocated is freed,
-- the custom cache is destroyed, and m:check() passes at the end.

local m = mmsim.boot{ mem = "256M" }

-- The slabinfo line of one cache as a table, or nil.
local function slab(name)
  for line in m:proc("slabinfo"):gmatch("[^\n]+") do
    local n, active, num, objsize, per, pages =
      line:match("^(%S+)%s+(%d+)%s+(%d+)%s+(%d+)%s+(%d+)%s+(%d+)")
    if n == name then
      return { active = tonumber(active), num = tonumber(num), objsize = tonumber(objsize),
               per = tonumber(per), pages = tonumber(pages) }
    end
  end
end

local function row(label, name)
  local s = slab(name)
  print(("  %-8s %-16s %11d %9d %8d %10d %12d"):format(label, name, s.active, s.num,
        s.objsize, s.per, s.pages))
end
local function header()
  print(("  %-8s %-16s %11s %9s %8s %10s %12s"):format("", "cache", "active_objs",
        "num_objs", "objsize", "objperslab", "pagesperslab"))
end

print("1. The simulator's own caches and the kmalloc classes after boot (slabinfo):\n")
header()
for _, name in ipairs{ "kmem_cache", "kmem_cache_node" } do row("", name) end
for _, name in ipairs{ "kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
                       "kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
                       "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k" } do
  row("", name)
end

print("\n2. kmalloc rounds up to the next class (ksize = usable bytes):\n")
print(("  %8s %8s %8s"):format("request", "ksize", "wasted"))
for _, size in ipairs{ 1, 8, 9, 33, 65, 97, 100, 129, 193, 200, 257, 700, 1025, 3000, 5000 } do
  local o = assert(m:kmalloc(size, "GFP_KERNEL"))
  print(("  %8d %8d %7d%%"):format(size, o.ksize, math.floor(100 * (o.ksize - size) / o.ksize)))
  m:kfree(o)
end

print("\n3. 1000 x kmalloc(200) fill kmalloc-256 slabs:\n")
header()
row("before", "kmalloc-256")
local objs = {}
for i = 1, 1000 do objs[i] = assert(m:kmalloc(200, "GFP_KERNEL")) end
row("after", "kmalloc-256")
for i = 1, 1000 do m:kfree(objs[i]) end
row("freed", "kmalloc-256")
print("  (freed slabs may stay as partial or empty slabs of the cache, as in SLUB)")

print("\n4. A custom cache: kmem_cache_create(\"my_obj\", 120)\n")
local kc = m:kmem_cache_create("my_obj", 120)
local xs = {}
for i = 1, 100 do xs[i] = assert(kc:alloc()) end
header()
if slab("my_obj") then row("100 obj", "my_obj")
else print("  (my_obj was merged into an existing cache of the same size, as SLUB does)") end
for i = 1, 100 do kc:free(xs[i]) end
assert(kc:destroy())
print(("\ncheck: %s"):format(tostring(m:check())))
m:shutdown()
