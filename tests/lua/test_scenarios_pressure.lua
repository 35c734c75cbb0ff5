-- test_scenarios_pressure.lua - the seeds' memory-pressure experiments keep
-- their shapes: scenarios dd, watermarks, stress-vm and swappiness are run
-- (dofile, their output silenced) and the tables they return are checked
-- against what the seeds say Linux does.
-- Run by ctest as `mmsim run tests/lua/test_scenarios_pressure.lua`.
--
-- Invariants: print and arg are put back after each scenario, even one
-- that fails (pcall); every check raises on failure, so the run ends with
-- an error at the first broken shape. The figures checked are the
-- simulated ones the scenarios return, never host time.

local dir = arg[0]:gsub("[^/]+$", "") .. "../../scenarios/"
local real_print = print

-- Run scenario NAME with the given arguments; returns what the script returns.
local function scenario(name, ...)
  local saved = arg
  arg = { [0] = dir .. name .. ".lua", ... }
  print = function() end
  local ok, res = pcall(dofile, dir .. name .. ".lua")
  print, arg = real_print, saved
  assert(ok, res)
  return res
end

local function check(cond, fmt, ...)
  if not cond then error(("FAILED: " .. fmt):format(...), 2) end
end

---------------------------------------------------------------------------
-- dd: the cache fills, is reclaimed under pressure (stays level below the
-- file's size), stays after dd exits; O_DIRECT does not fill it. Plain
-- buffered dd runs only once the flusher exists (the scenario skips it
-- before): then it must have the same shape.
do
  local r = scenario("dd", "64", "96")
  local function fills(run)
    local rows = run.rows
    local total = rows[1].total
    check(run.written == 96 * 1024 * 1024, "dd wrote the whole file (%d)", run.written)
    local peak, last_dd = 0, rows[#rows - 1]
    for i = 2, #rows - 1 do peak = math.max(peak, rows[i].cache) end
    check(peak > total * 0.6, "the cache fills memory: peak %d KiB of %d", peak, total)
    check(last_dd.cache < 96 * 1024, "the cache holds less than the file: %d KiB", last_dd.cache)
    check(last_dd.steal_file > 0, "reclaim evicted page cache (pgsteal_file %d)", last_dd.steal_file)
    check(last_dd.cache > peak * 0.6, "the cache stays level under pressure: %d KiB, peak %d",
          last_dd.cache, peak)
    check(last_dd.free < total * 0.2, "free memory stays low while dd writes: %d KiB", last_dd.free)
    local after = rows[#rows]
    check(after.cache >= last_dd.cache * 0.95, "the cache stays after dd exits: %d -> %d KiB",
          last_dd.cache, after.cache)
  end
  fills(r.dsync)
  if r.buffered then fills(r.buffered) end
  local d = r.direct.rows
  for i = 2, #d do
    check(d[i].cache <= d[1].cache + 1024, "O_DIRECT does not fill the cache: %s %d KiB (%d before)",
          d[i].label, d[i].cache, d[1].cache)
  end
  check(r.direct.written == 96 * 1024 * 1024, "O_DIRECT dd wrote the whole file")
  check(r.direct.rows[#d].steal_file == 0, "O_DIRECT: nothing to reclaim")
end

---------------------------------------------------------------------------
-- watermarks: kswapd wakes below low, stops above high, sleeps; below min
-- the allocation reclaims itself; GFP_ATOMIC dips below min, fails, never
-- reclaims.
do
  local r = scenario("watermarks", "128", "128")
  local rows = r.rows
  local i = 3                                    -- rows[2]: the cache filled
  check(rows[2].label:find("cache"), "row 2 is the filled cache")
  check(rows[2].room_low > 0 and rows[2].kswapd_runs == 0, "filling the cache stayed above low")
  while rows[i] and rows[i].kswapd_runs == 0 do
    check(rows[i].room_low > 0, "%s: below low without a kswapd run", rows[i].label)
    check(rows[i].stalls == 0, "%s: a stall above min", rows[i].label)
    i = i + 1
  end
  local woke = rows[i]
  check(woke and woke.label:find("^app"), "kswapd ran after an app step")
  check(woke.kswapd_steal > 0, "kswapd reclaimed (%d)", woke.kswapd_steal)
  check(woke.balanced and woke.room_high > 0, "kswapd stopped above high (room>high %d)",
        woke.room_high)
  check(woke.stalls == 0, "small steps never reached min (%d stalls)", woke.stalls)
  check(rows[i - 1].room_low > 0 and rows[i - 1].room_low < r.step + 64,
        "the step before the wake-up was just above low (room>low %d)", rows[i - 1].room_low)
  local later = rows[i + 1]
  check(later.label:find("200 ms"), "the quiet row follows")
  check(later.kswapd_runs == 0, "balanced kswapd sleeps: %d runs in 200 ms", later.kswapd_runs)
  -- the second wake and the big call
  local big
  for k = i + 2, #rows do if rows[k].label:find("in one call") then big = rows[k] break end end
  check(big, "the big call's row")
  check(big.stalls > 0 and big.direct_steal > 0, "below min the allocation reclaims itself (%d stalls, %d pages)",
        big.stalls, big.direct_steal)
  local b = r.burst
  check(r.atomic_pages > 0, "GFP_ATOMIC got pages before failing")
  check(b.stalls == 0 and b.direct_steal == 0 and r.atomic_stalls == 0,
        "GFP_ATOMIC never reclaims (%d stalls)", b.stalls)
  check(b.free < r.min_sum, "GFP_ATOMIC dipped below min: %d free, min %d", b.free, r.min_sum)
  check(r.failure and r.failure:find("page allocation failure: order:0, mode:0x820%(GFP_ATOMIC%)"),
        "the failure is logged: %s", tostring(r.failure))
end

---------------------------------------------------------------------------
-- stress-vm: swap-out, swap-in, then the OOM killer kills the process with
-- the highest badness, with Linux's message; everything comes back.
do
  local r = scenario("stress-vm", "40", "4", "64", "32")
  local out, inn = 0, 0
  for _, row in ipairs(r.rows) do out, inn = out + row.pswpout, inn + row.pswpin end
  check(out > 0, "reclaim swapped out (%d)", out)
  check(inn > 0, "the oldest worker's re-reads swapped in (%d)", inn)
  local k = r.killed
  check(k, "the OOM killer ran")
  -- no kill while swap had room: the first kill comes with swap (nearly) full
  local kill_row = r.rows[#r.rows - 1]
  check(kill_row.oom_kill >= 1, "the kill row")
  for n = 1, #r.rows - 2 do check(r.rows[n].oom_kill == 0, "no kill before the last step") end
  -- swap was full when the killer ran: what is used after the kill + what the victim freed
  check(r.victim, "the victim is in the kernel's task table")
  local at_kill = kill_row.swap_used + 4 * r.victim.swapents
  check(at_kill >= r.swap_kb * 0.9, "the kill came with swap full: %d of %d KiB", at_kill, r.swap_kb)
  check(k.pid == r.expected_pid, "the kernel killed pid %d, the highest badness is pid %s",
        k.pid, tostring(r.expected_pid))
  check(k.line:find("Out of memory: Killed process %d+ %(stress%-ng%-vm%) total%-vm:%d+kB, anon%-rss:%d+kB, file%-rss:0kB, shmem%-rss:0kB, UID:0 pgtables:%d+kB oom_score_adj:0"),
        "the kill line: %s", k.line)
  check(k.header:find("stress%-ng%-vm invoked oom%-killer: gfp_mask=0x140cca%(GFP_HIGHUSER_MOVABLE|__GFP_COMP%), order=0, oom_score_adj=0"),
        "the header: %s", k.header)
  check(r.after.swap_used == 0, "swap is free after the workers exit (%d KiB)", r.after.swap_used)
end

---------------------------------------------------------------------------
-- swappiness: 0 keeps anonymous memory (no swap-out while the cache can
-- give), the anonymous share grows with swappiness, 200 mostly swaps.
do
  local r = scenario("swappiness", "3", "48", "16", "16", "32")  -- small: < 10 s in debug
  local by = {}
  for _, x in ipairs(r) do by[x.swappiness] = x end
  check(by[0].pgsteal_file > 0, "swappiness 0 reclaims the cache (%d)", by[0].pgsteal_file)
  check(by[0].pswpout == 0 and by[0].pgsteal_anon == 0, "swappiness 0 does not swap (%d out)",
        by[0].pswpout)
  check(by[60].anon_share <= by[100].anon_share + 0.02 and by[100].anon_share <= by[200].anon_share + 0.02,
        "the anon share grows with swappiness: %.2f %.2f %.2f", by[60].anon_share,
        by[100].anon_share, by[200].anon_share)
  check(by[200].anon_share > by[60].anon_share + 0.2, "200 swaps far more than 60: %.2f vs %.2f",
        by[200].anon_share, by[60].anon_share)
  check(by[200].anon_share > 0.5 and by[200].pswpout > 0, "200 reclaims mostly anon (%.2f)",
        by[200].anon_share)
  check(by[200].workingset_refault_file < by[0].workingset_refault_file,
        "the file refaults less at 200 than at 0 (%d vs %d)", by[200].workingset_refault_file,
        by[0].workingset_refault_file)
end

print("test_scenarios_pressure: ok")
