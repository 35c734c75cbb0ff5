-- Page cache (dd): a file larger than memory fills the cache, which reclaim keeps level; it stays after dd exits; O_DIRECT bypasses it
--
-- The seed's experiment 5: `dd if=/dev/zero of=/home/large bs=100 count=...`
-- writes a file larger than memory. The page cache grows until free memory
-- reaches the watermarks; from then on reclaim evicts the oldest (clean)
-- cache as dd adds new, so the cache stays level near all of memory. When
-- dd exits, its cache stays: it belongs to the file, not to the process.
-- The same write with O_DIRECT (dd oflag=direct) goes around the cache and
-- leaves it empty.
--
--   mmsim run --scenario dd [-- MEM_MB [FILE_MB [BS_KB]]]
--
-- Variants, each on a fresh machine:
--   dsync   dd oflag=dsync: each block is written through to the disk
--           (O_DSYNC), so the cache holds clean pages reclaim can drop.
--   direct  dd oflag=direct: O_DIRECT, around the cache.
--   buffered (plain dd) needs the flusher and dirty throttling (vm.dirty_*:
--           balance_dirty_pages, background writeback), which this build does
--           not have yet: reclaim leaves dirty file pages to the flusher, as
--           Linux does, so without one a plain dd fills memory with dirty
--           pages and ends in the OOM killer. The variant runs only on a
--           build that has vm.dirty_ratio; otherwise the script says so.
--
-- Defaults: a 64 MiB machine writing a 96 MiB file in 1 MiB writes. Each
-- variant gets a fresh machine (metadata_only: the bytes do not matter).
-- The table is `free`'s view (procps: used = total - free - buff/cache)
-- every few MiB, plus Dirty and the file pages reclaimed so far.
--
-- Loaded with dofile by tests/lua/test_scenarios_pressure.lua, the script
-- returns its results (the rows of each variant) instead of only printing.
-- Invariant: the run ends with m:check() passing on every machine.

local MEM_MB = tonumber(arg and arg[1] or "64")
local FILE_MB = tonumber(arg and arg[2] or "96")
local BS_KB = tonumber(arg and arg[3] or "1024")
local function usage(msg)
  io.stderr:write("dd: ", msg, "; usage: mmsim run --scenario dd [-- MEM_MB [FILE_MB [BS_KB]]]\n")
  os.exit(2)
end
if not MEM_MB or MEM_MB < 32 or MEM_MB ~= math.floor(MEM_MB) then
  usage("MEM_MB must be a whole number >= 32")
end
if not FILE_MB or FILE_MB < 1 or FILE_MB ~= math.floor(FILE_MB) then
  usage("FILE_MB must be a whole number >= 1")
end
if not BS_KB or BS_KB < 4 or BS_KB > 16384 or BS_KB % 4 ~= 0 then
  usage("BS_KB must be a multiple of 4 between 4 and 16384")
end

local ROWS = 12                                  -- about this many rows per variant

-- free(1)'s figures (KiB) from meminfo, and what reclaim did so far.
local function sample(m, label)
  local mi = {}
  for k, v in m:proc("meminfo"):gmatch("([%w_()]+):%s+(%d+)") do mi[k] = tonumber(v) end
  local v = m:vmstat()
  local cache = mi.Buffers + mi.Cached + mi.SReclaimable
  return { label = label, total = mi.MemTotal, free = mi.MemFree, cache = cache,
           cached = mi.Cached, used = mi.MemTotal - mi.MemFree - cache,
           avail = mi.MemAvailable, dirty = mi.Dirty,
           steal_file = v.pgsteal_file, scan_file = v.pgscan_file,
           kswapd = v.pgsteal_kswapd, direct = v.pgsteal_direct, pgpgout = v.pgpgout }
end

local function mib(kb) return ("%.1f"):format(kb / 1024) end

local function print_rows(rows)
  print(("%-16s %8s %8s %8s %10s %9s %8s %12s"):format("", "total", "used", "free",
        "buff/cache", "available", "Dirty", "file stolen"))
  for _, r in ipairs(rows) do
    print(("%-16s %8s %8s %8s %10s %9s %8s %12d"):format(r.label, mib(r.total), mib(r.used),
          mib(r.free), mib(r.cache), mib(r.avail), mib(r.dirty), r.steal_file))
  end
end

-- One dd run on a fresh machine: oflag is nil (buffered), "dsync" or "direct".
local MODES = { dsync = "w,sync", direct = "w,direct" }
local function boot()
  return mmsim.boot{ mem = MEM_MB .. "M", cpus = 2, metadata_only = true, seed = 1 }
end
local function run_dd(oflag)
  local m = boot()
  local rows = { sample(m, "before dd") }
  local p = assert(m:spawn("dd"))
  local f = assert(p:open("/data/large", MODES[oflag] or "w"))
  local block = string.rep("\0", BS_KB * 1024)
  local nblocks = math.ceil(FILE_MB * 1024 / BS_KB)
  local every = math.max(1, math.floor(nblocks / ROWS))
  for i = 1, nblocks do
    local n = assert(f:write(block))
    assert(n == #block, "short write")
    if i % every == 0 or i == nblocks then
      rows[#rows + 1] = sample(m, ("dd %s MiB"):format(mib(i * BS_KB)))
    end
  end
  local written = f:size()
  assert(f:close())
  assert(p:exit())
  m:tick("1s")                                   -- a second later: nothing evicts the cache
  rows[#rows + 1] = sample(m, "dd exited +1s")
  assert(m:check())
  m:shutdown()
  return { rows = rows, written = written, oflag = oflag }
end

-- The flusher and dirty limits exist when vm.dirty_ratio does.
local function has_flusher()
  local m = boot()
  local ok = m:sysctl("vm.dirty_ratio") ~= nil
  m:shutdown()
  return ok
end

print(("dd: a %d MiB file written in %d KiB blocks on a %d MiB machine (no swap, metadata only)."):format(
  FILE_MB, BS_KB, MEM_MB))
print("Columns are free(1)'s in MiB (used = total - free - buff/cache); file stolen: page-cache")
print("pages reclaim has evicted so far (pgsteal_file).\n")

local results = {}
local function show(title, oflag, expected)
  print(title)
  local r = run_dd(oflag)
  print_rows(r.rows)
  print("\n" .. expected .. "\n")
  return r
end
local FILLS = "Expected: buff/cache grows with the file until free memory is down at the watermarks;\n" ..
  "then reclaim evicts the oldest pages as new ones come (file stolen grows, the cache stays\n" ..
  "level, short of the whole file); after dd exits the cache is still there."

if has_flusher() then
  results.buffered = show("dd if=/dev/zero of=/data/large bs=" .. BS_KB .. "K  (buffered: through the page cache)",
                          nil, FILLS)
else
  print("dd if=/dev/zero of=/data/large bs=" .. BS_KB .. "K  (plain buffered): skipped - it needs the")
  print("flusher and dirty throttling (vm.dirty_*), not in this build: reclaim leaves dirty file")
  print("pages to the flusher, as Linux does. oflag=dsync shows the cache's shape meanwhile.\n")
end
results.dsync = show("dd if=/dev/zero of=/data/large bs=" .. BS_KB .. "K oflag=dsync  (written through: clean cache)",
                     "dsync", FILLS)
results.direct = show("dd if=/dev/zero of=/data/large bs=" .. BS_KB .. "K oflag=direct  (O_DIRECT: around the cache)",
                      "direct", "Expected: buff/cache does not grow: every block goes straight to the disk.")

return results
