-- swappiness: 0, 60, 100, 200 move reclaim between the page cache and anonymous memory (swap)
--
-- The seed's experiment 10 ("does swappiness really set how unwilling Linux
-- is to swap?"). The same workload runs on one fresh machine per setting of
-- vm.swappiness: a process keeps ANON_MB of anonymous memory and reads a
-- FILE_MB file, round after round, touching both working sets each round;
-- together they are larger than the MEM_MB machine (with SWAP_MB of swap),
-- so every round reclaims. get_scan_count splits each reclaim pass between
-- the anon and file lists: swappiness / (200 - swappiness), weighed by what
-- each side has cost lately (refaults after eviction), once the page cache
-- is not simply trimmable (cache_trim_mode: plenty of inactive file and no
-- file refaults: file only, whatever the setting).
--
--   mmsim run --scenario swappiness [-- ROUNDS [MEM_MB [ANON_MB [FILE_MB [SWAP_MB]]]]]
--
-- Defaults: 4 rounds; 64 MiB machine, 32 MiB anon, 32 MiB file, 64 MiB swap.
-- The table: pages reclaimed from each side (pgsteal_anon / pgsteal_file),
-- pages written to swap (pswpout) and read back (pswpin), file pages read
-- again from the disk (workingset_refault_file) during the rounds after the
-- first (the first only loads).
--
-- Loaded with dofile by tests/lua/test_scenarios_pressure.lua it returns
-- one result per setting. Invariant: m:check() passes on every machine.

local ROUNDS = tonumber(arg and arg[1] or "4")
local MEM_MB = tonumber(arg and arg[2] or "64")
local ANON_MB = tonumber(arg and arg[3] or "32")
local FILE_MB = tonumber(arg and arg[4] or "32")
local SWAP_MB = tonumber(arg and arg[5] or "64")
local function usage(msg)
  io.stderr:write("swappiness: ", msg, "; usage: mmsim run --scenario swappiness ",
                  "[-- ROUNDS [MEM_MB [ANON_MB [FILE_MB [SWAP_MB]]]]]\n")
  os.exit(2)
end
local function whole(x, lo) return x and x >= lo and x == math.floor(x) end
if not whole(ROUNDS, 2) then usage("ROUNDS must be a whole number >= 2") end
if not whole(MEM_MB, 32) then usage("MEM_MB must be a whole number >= 32") end
if not whole(ANON_MB, 1) then usage("ANON_MB must be a whole number >= 1") end
if not whole(FILE_MB, 1) then usage("FILE_MB must be a whole number >= 1") end
if not whole(SWAP_MB, ANON_MB) then usage("SWAP_MB must be a whole number >= ANON_MB") end

local SETTINGS = { 0, 60, 100, 200 }
local MB = 1024 * 1024
local CHUNK = 256 * 1024                         -- file reads of 256 KiB

local function run(swappiness)
  local m = mmsim.boot{ mem = MEM_MB .. "M", swap = SWAP_MB .. "M", cpus = 2, seed = 1,
                        metadata_only = true,
                        sysctl = { ["vm.swappiness"] = swappiness } }
  -- the file, written and made clean, then dropped from the cache: the rounds read it in
  local f = assert(m:open("/data/file", "w+"))
  local block = string.rep("\0", MB)
  for _ = 1, FILE_MB do assert(f:write(block) == MB) end
  assert(f:fsync())
  assert(f:fadvise("dontneed", 0, 0))
  local p = assert(m:spawn("app"))
  local a = assert(p:mmap(ANON_MB * MB, "rw", "private,anonymous"))
  local function round()
    assert(p:touch(a, ANON_MB * MB, "w"))
    for off = 0, FILE_MB * MB - 1, CHUNK do assert(#f:pread(CHUNK, off) == CHUNK) end
  end
  round()                                        -- the first round loads both
  local v0 = m:vmstat()
  for _ = 2, ROUNDS do round() end
  local v1 = m:vmstat()
  local r = { swappiness = swappiness }
  for _, k in ipairs{ "pgsteal_anon", "pgsteal_file", "pgscan_anon", "pgscan_file", "pswpout",
                      "pswpin", "workingset_refault_file", "workingset_refault_anon" } do
    r[k] = v1[k] - v0[k]
  end
  local st = p:status()
  r.rss_anon, r.swap = st.RssAnon, st.VmSwap
  assert(f:close())
  assert(p:exit())
  assert(m:check())
  m:shutdown()
  return r
end

print(("swappiness: %d rounds of touching %d MiB of anonymous memory and reading a %d MiB file,"):format(
  ROUNDS, ANON_MB, FILE_MB))
print(("on a %d MiB machine with %d MiB of swap; one fresh machine per setting. Figures: pages,"):format(
  MEM_MB, SWAP_MB))
print("over the rounds after the first; anon%: the anonymous share of the pages reclaimed.\n")
print(("%10s %12s %12s %7s %9s %9s %13s %13s %11s"):format("swappiness", "pgsteal_anon",
      "pgsteal_file", "anon%", "pswpout", "pswpin", "refault_file", "refault_anon", "VmSwap kB"))
local results = {}
for _, s in ipairs(SETTINGS) do
  local r = run(s)
  local total = r.pgsteal_anon + r.pgsteal_file
  r.anon_share = total > 0 and r.pgsteal_anon / total or 0
  results[#results + 1] = r
  print(("%10d %12d %12d %6.1f%% %9d %9d %13d %13d %11d"):format(s, r.pgsteal_anon,
        r.pgsteal_file, 100 * r.anon_share, r.pswpout, r.pswpin, r.workingset_refault_file,
        r.workingset_refault_anon, r.swap))
end
print("\nExpected: at 0 reclaim leaves anonymous memory alone while the page cache can give")
print("(no swap-out); the anonymous share grows with swappiness; at 200 reclaim takes")
print("anonymous pages first and the file stays cached (few file refaults). 100 weighs both")
print("sides equally, each by what its refaults have cost.")
return results
