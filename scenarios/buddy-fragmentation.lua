-- Buddy fragmentation: plenty of free memory, yet an order-N request fails
--
-- The seed's experiment 7. Purpose: show that the buddy allocator can only
-- serve 2^order contiguous frames from blocks whose buddies are free, so a
-- machine with half its memory free can still refuse a 16 KiB request.
-- Steps: boot a small machine (64M unless `--mem` or arg[1] says otherwise),
-- take every page it will give, free every other one, print buddyinfo
-- before and after, then try orders 1, 2, ... until one fails.
-- Invariant: everything allocated is freed again and m:check() passes.

local mem = arg[1] or "64M"
local m = mmsim.boot{ mem = mem }

local function meminfo_kb(field)
  return tonumber(m:proc("meminfo"):match(field .. ":%s+(%d+) kB"))
end

print(("Buddy fragmentation on a %s machine\n"):format(mem))
print("/proc/buddyinfo after boot (free blocks of 2^order pages, order 0 first):")
io.write(m:proc("buddyinfo"), "\n")
local free_start = meminfo_kb("MemFree")

-- a) single pages until the allocator refuses (only the reserves remain)
local pages = {}
for _, gfp in ipairs{ "GFP_KERNEL|__GFP_NOWARN", "GFP_ATOMIC|__GFP_NOWARN" } do
  while true do
    local pg = m:alloc_pages(0, gfp)
    if not pg then break end
    pages[#pages + 1] = pg
  end
end
print(("a) allocated %d single pages (%d MiB) until alloc_pages returned nil"):format(
  #pages, math.floor(#pages / 256)))

-- b) free every other page: the odd frame numbers
local kept, freed = {}, 0
for _, pg in ipairs(pages) do
  if pg.pfn % 2 == 1 then m:free_pages(pg); freed = freed + 1
  else kept[#kept + 1] = pg end
end
local free_kb = meminfo_kb("MemFree")
print(("b) freed every odd frame: %d pages; MemFree is now %d MiB\n"):format(
  freed, math.floor(free_kb / 1024)))
print("/proc/buddyinfo now:")
io.write(m:proc("buddyinfo"), "\n")

-- c) ask for growing orders until one fails
local failed
for order = 1, 10 do
  local pg, msg, err = m:alloc_pages(order, "GFP_KERNEL|__GFP_NOWARN")
  if not pg then
    failed = order
    print(("c) order %d (%d KiB): FAILS (%s, %s) although %d MiB are free"):format(
      order, 4 * 2 ^ order, msg, err, math.floor(free_kb / 1024)))
    break
  end
  print(("c) order %d (%d KiB): served (pfn %d), from a block the reserves kept"):format(
    order, 4 * 2 ^ order, pg.pfn))
  m:free_pages(pg)
end
if not failed then print("c) every order up to 10 was served this time") end

print([[

Why: a block of 2^N pages needs 2^N free frames that are contiguous and
aligned; every free frame here has an allocated buddy, so nothing merges.
Linux would now try compaction (migrating movable pages to make room).]])

for _, pg in ipairs(kept) do m:free_pages(pg) end
-- freed order-0 pages may wait on the per-CPU lists, which Linux does not
-- count in MemFree; zoneinfo's pageset "count:" lines show them
local pcp = 0
for c in m:proc("zoneinfo"):gmatch("count:%s+(%d+)") do pcp = pcp + tonumber(c) end
print(("\nAfter freeing everything: MemFree %d kB + %d kB on per-CPU lists = %d kB "
  .. "(at the start: %d kB); check: %s"):format(meminfo_kb("MemFree"), pcp * 4,
  meminfo_kb("MemFree") + pcp * 4, free_start, tostring(m:check())))
m:shutdown()
