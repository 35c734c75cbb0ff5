-- Watermarks: kswapd wakes below low and stops above high; below min an allocation reclaims itself; GFP_ATOMIC dips further and fails
--
-- The seed's experiment 4 (its figure of pages_min/low/high in
-- /proc/zoneinfo):
--   - an allocation that finds the zone below `low` wakes kswapd, which
--     reclaims in the background until the zone is above `high`, then sleeps;
--   - an allocation that finds it below `min` reclaims synchronously first
--     (direct reclaim: allocstall, pgsteal_direct);
--   - GFP_ATOMIC (interrupt context: a burst of packets) never reclaims: it
--     may dip below min, and it can fail ("page allocation failure").
--
--   mmsim run --scenario watermarks [-- MEM_MB [STEP_PAGES]]
--
-- A MEM_MB machine (default 128, no swap, metadata only) with
-- vm.watermark_scale_factor=100 (gaps of 1% of the zone between min, low and
-- high, wider than one per-CPU list refill: with the default 10 a small
-- machine's gaps are so narrow that one refill can cross two of them) and
-- vm.watermark_boost_factor=0 (no fragmentation boost, which would wake
-- kswapd on its own). A clean page cache fills memory to just above high;
-- then "app" allocates STEP_PAGES (default 128) anonymous pages per call.
-- kswapd runs when the simulated clock next moves - at the end of the call
-- that woke it, as another thread would run beside the allocator.
--
-- Free pages are counted as the allocator sees them for a user page: the
-- sum over the zones it may use of what lies above each zone's watermark
-- and its lowmem reserve (zoneinfo's "protection"); "room>low" <= 0 means
-- every zone is below low: kswapd's wake-up. The machine is smaller than
-- 4 GiB, so the zones are DMA and DMA32 (no Normal).
--
-- Loaded with dofile by tests/lua/test_scenarios_pressure.lua it returns its
-- rows. Invariant: m:check() passes at the end.

local MEM_MB = tonumber(arg and arg[1] or "128")
local STEP = tonumber(arg and arg[2] or "128")
local function usage(msg)
  io.stderr:write("watermarks: ", msg, "; usage: mmsim run --scenario watermarks [-- MEM_MB [STEP_PAGES]]\n")
  os.exit(2)
end
if not MEM_MB or MEM_MB < 64 or MEM_MB > 3072 or MEM_MB ~= math.floor(MEM_MB) then
  usage("MEM_MB must be a whole number from 64 to 3072")
end
if not STEP or STEP < 1 or STEP ~= math.floor(STEP) then usage("STEP_PAGES must be a whole number >= 1") end

local PG = 4096

-- zoneinfo: the populated zones of node 0, with free, watermarks, reserve.
local function zones(m)
  local list, z = {}, nil
  for line in m:proc("zoneinfo"):gmatch("[^\n]+") do
    local name = line:match("^Node 0, zone%s+(%S+)")
    if name then z = { name = name }; list[#list + 1] = z end
    if z then
      local k, v = line:match("^%s+(%a+)%s+(%d+)$")
      if k == "min" or k == "low" or k == "high" or k == "managed" then z[k] = tonumber(v) end
      local free = line:match("^%s+pages free%s+(%d+)")
      if free then z.free, z.pcp = tonumber(free), 0 end
      local count = line:match("^%s+count:%s+(%d+)")
      if count then z.pcp = z.pcp + tonumber(count) end
      local prot = line:match("^%s+protection: %((.*)%)")
      if prot then
        local last
        for n in prot:gmatch("%d+") do last = tonumber(n) end
        z.reserve = last                       -- for the highest zone index: a user page's
      end
    end
  end
  local used = {}
  for _, zz in ipairs(list) do if zz.managed and zz.managed > 0 then used[#used + 1] = zz end end
  return used
end

-- Pages above `mark` that a user allocation can still take, summed over zones.
local function room(m, mark)
  local sum = 0
  for _, z in ipairs(zones(m)) do
    local r = z.free - z[mark] - z.reserve
    if r > 0 then sum = sum + r end
  end
  return sum
end

-- Like kswapd's pgdat_balanced: some zone above high (+ reserve).
local function balanced(m)
  for _, z in ipairs(zones(m)) do
    if z.free > z.high + z.reserve then return true end
  end
  return false
end

local function stalls(v)
  return v.allocstall_dma + v.allocstall_dma32 + v.allocstall_normal + v.allocstall_movable
end

local m = mmsim.boot{ mem = MEM_MB .. "M", cpus = 2, metadata_only = true, seed = 1,
                      sysctl = { ["vm.watermark_scale_factor"] = 100,
                                 ["vm.watermark_boost_factor"] = 0 } }
local rows = {}
local last = m:vmstat()

-- One row: where free memory is against the marks, and what happened since the last row.
local function row(label)
  local v = m:vmstat()
  local zs = zones(m)
  local r = { label = label, free = 0, pcp = 0,
              room_min = room(m, "min"), room_low = room(m, "low"), room_high = room(m, "high"),
              kswapd_runs = v.pageoutrun - last.pageoutrun,
              kswapd_steal = v.pgsteal_kswapd - last.pgsteal_kswapd,
              stalls = stalls(v) - stalls(last),
              direct_steal = v.pgsteal_direct - last.pgsteal_direct,
              balanced = balanced(m), zones = zs }
  for _, z in ipairs(zs) do r.free, r.pcp = r.free + z.free, r.pcp + z.pcp end
  last = v
  rows[#rows + 1] = r
  print(("%-30s %7d %6d %9d %9d %10d %7d %9d %8d %9d"):format(label, r.free, r.pcp, r.room_min, r.room_low,
        r.room_high, r.kswapd_runs, r.kswapd_steal, r.stalls, r.direct_steal))
  return r
end

print(("Watermarks on a %d MiB machine (vm.watermark_scale_factor=100, no swap):"):format(MEM_MB))
for _, z in ipairs(zones(m)) do
  print(("  zone %-6s managed %6d  min %5d  low %5d  high %5d  lowmem reserve for user pages %d"):format(
    z.name, z.managed, z.min, z.low, z.high, z.reserve))
end
print("\nfree: free pages of the zones (zoneinfo's \"pages free\"); pcp: free pages held on the")
print("per-CPU lists (zoneinfo's \"count:\"), which the allocator hands out first and which are")
print("not counted as free, as on Linux; room>X: pages a user allocation can take before every")
print("zone is at X (the allocator's view: watermark + lowmem reserve); kswapd: balance runs")
print("(pageoutrun) and pages it reclaimed; stalls/direct: allocations that reclaimed themselves")
print("(allocstall_*) and the pages they reclaimed (pgsteal_direct). Each row: since the last.\n")
print(("%-30s %7s %6s %9s %9s %10s %7s %9s %8s %9s"):format("", "free", "pcp", "room>min", "room>low",
      "room>high", "kswapd", "reclaimed", "stalls", "direct"))
row("boot")

-- 1. A clean page cache fills memory down to just above high.
local f = assert(m:open("/data/cache", "w+"))
local leave = 2 * STEP + 64
local n = room(m, "high") - leave
n = n - math.floor(n / 64)                       -- the cache's own xarray nodes and slab
if n < 1024 then usage("MEM_MB leaves too little room for the page cache") end
local chunk = string.rep("\0", 256 * PG)
while n > 0 do
  local s = n >= 256 and chunk or chunk:sub(1, n * PG)
  assert(f:write(s) == #s)
  n = n - #s / PG
end
assert(f:fsync())                                -- clean: reclaim can drop it without I/O
local cached = row("page cache filled (clean)")

-- 2. app allocates STEP pages per call: free falls to low, kswapd brings it back above high.
local app = assert(m:spawn("app"))
local heap = {}
local function grab(pages)
  local a = assert(app:mmap(pages * PG, "rw", "private,anonymous"))
  assert(app:touch(a, pages * PG, "w"))
  heap[#heap + 1] = { a = a, pages = pages }
end
local woke = 0
for i = 1, 400 do
  grab(STEP)
  local r = row(("app +%d pages (call %d)"):format(STEP, i))
  if r.kswapd_runs > 0 then
    woke = woke + 1
    m:tick("200ms")                              -- kswapd naps HZ/10, then sleeps
    row("  200 ms later")
    if woke == 2 then break end
  end
end

-- 3. One big call: past min before kswapd can run: the allocation reclaims itself.
local big = room(m, "min") + 8 * STEP
grab(big)
row(("app +%d pages in one call"):format(big))
m:tick("200ms")
row("  200 ms later")

-- 4. Nothing left to reclaim: the cache dropped, app's anonymous memory (no swap) fills
--    memory to just above min; then a burst of GFP_ATOMIC single pages (a packet burst).
assert(m:sysctl("vm.drop_caches", 1))
row("drop_caches=1 (cache gone)")
grab(room(m, "min") - 64)
row("app fills to just above min")
local atomic, got, before = {}, 0, m:vmstat()
while true do
  local pg = m:alloc_pages(0, "GFP_ATOMIC")
  if not pg then break end
  got = got + 1
  atomic[got] = pg
  if got > 1000000 then error("GFP_ATOMIC never failed") end
end
local burst = row(("GFP_ATOMIC x%d, then fails"):format(got))
burst.atomic_pages = got
local failure = m:dmesg():match("[^\n]*page allocation failure[^\n]*")
for _, pg in ipairs(atomic) do m:free_pages(pg) end
row("burst freed")
assert(m:check())

print("\nExpected (the seed): below low (room>low <= 0) kswapd wakes, reclaims the clean cache")
print("and stops once a zone is above high (room>high > 0); with 200 ms of quiet it sleeps")
print("(no further runs). One call that asks for more than lies above min makes the allocation")
print("reclaim itself (stalls, direct). GFP_ATOMIC never reclaims (stalls stay 0): it takes")
print("pages below min - the free column sinks under the zones' min - and then fails:")
print("  " .. (failure or "(no failure line in dmesg)"))

local minsum = 0
for _, z in ipairs(cached.zones) do minsum = minsum + z.min end
return { rows = rows, cached = cached, burst = burst, atomic_pages = got,
         failure = failure, atomic_stalls = stalls(m:vmstat()) - stalls(before),
         min_sum = minsum, step = STEP }
