-- Anonymous pressure (stress-ng --vm): workers fill memory, reclaim swaps out, swap-in, then the OOM killer
--
-- The seed's experiment 6: a script starts a `stress-ng --vm 1 --vm-bytes
-- 100000000 --vm-hang 1000` worker every 0.1 s, 100 of them, on a machine
-- with swap: memory fills, reclaim swaps anonymous pages out (disk I/O every
-- time, unlike clean page cache), and when RAM and swap are both full the
-- OOM killer kills a worker and prints
--   Out of memory: Killed process N (stress) total-vm:...kB, anon-rss:...kB, ...
-- Scaled down to run in seconds: WORKERS workers of WORKER_MB each on a
-- MEM_MB machine with SWAP_MB of swap (defaults 40 x 4 MiB on 64 MiB + 64 MiB:
-- 160 MiB asked of 128 MiB). Every 0.1 s of simulated time a worker starts,
-- writes its memory and reads it back (stress-ng's vm stressor verifies
-- what it wrote), and the oldest worker still alive wakes and reads its
-- memory again (what was swapped out comes back: swap-in). When a worker
-- is killed the script says which and prints the kernel's lines; the run
-- stops at the first kill (or after WORKERS workers) and then every worker
-- exits: their memory and swap come back.
--
--   mmsim run --scenario stress-vm [-- WORKERS [WORKER_MB [MEM_MB [SWAP_MB]]]]
--
-- The process Linux kills: the one with the highest oom_badness (resident
-- pages + swap entries + page-table pages, then oom_score_adj, all 0 here),
-- the newest on a tie. The script checks its choice against the task table
-- the kernel printed. Loaded with dofile by tests/lua/test_scenarios_pressure.lua
-- it returns its rows and the kill. Invariant: m:check() passes at the end.

local WORKERS = tonumber(arg and arg[1] or "40")
local WORKER_MB = tonumber(arg and arg[2] or "4")
local MEM_MB = tonumber(arg and arg[3] or "64")
local SWAP_MB = tonumber(arg and arg[4] or "64")
local function usage(msg)
  io.stderr:write("stress-vm: ", msg, "; usage: mmsim run --scenario stress-vm ",
                  "[-- WORKERS [WORKER_MB [MEM_MB [SWAP_MB]]]]\n")
  os.exit(2)
end
local function whole(x, lo) return x and x >= lo and x == math.floor(x) end
if not whole(WORKERS, 1) then usage("WORKERS must be a whole number >= 1") end
if not whole(WORKER_MB, 1) then usage("WORKER_MB must be a whole number >= 1") end
if not whole(MEM_MB, 32) then usage("MEM_MB must be a whole number >= 32") end
if not whole(SWAP_MB, 1) then usage("SWAP_MB must be a whole number >= 1") end

local BYTES = WORKER_MB * 1024 * 1024

local m = mmsim.boot{ mem = MEM_MB .. "M", swap = SWAP_MB .. "M", cpus = 2, seed = 1,
                      metadata_only = true }

local function meminfo()
  local mi = {}
  for k, v in m:proc("meminfo"):gmatch("([%w_()]+):%s+(%d+)") do mi[k] = tonumber(v) end
  return mi
end

local rows, last = {}, m:vmstat()
local function row(label, alive)
  local mi, v = meminfo(), m:vmstat()
  local cache = mi.Buffers + mi.Cached + mi.SReclaimable
  local r = { label = label, alive = alive, free = mi.MemFree,
              used = mi.MemTotal - mi.MemFree - cache, cache = cache,
              swap_used = mi.SwapTotal - mi.SwapFree,
              pswpout = v.pswpout - last.pswpout, pswpin = v.pswpin - last.pswpin,
              oom_kill = v.oom_kill }
  last = v
  rows[#rows + 1] = r
  print(("%-22s %6d %8.1f %8.1f %8.1f %9.1f %8d %8d %8d"):format(label, alive, r.used / 1024,
        r.free / 1024, r.cache / 1024, r.swap_used / 1024, r.pswpout, r.pswpin, r.oom_kill))
  return r
end

-- The kernel's task table: { pid =, rss =, swapents =, pgtables_bytes =, name = } each.
local function task_table(log)
  local tasks = {}
  for pid, tgid, vm, rss, anon, file, shmem, pgt, swp, adj, name in log:gmatch(
      "%[%s*(%d+)%]%s+%d+%s+(%d+)%s+(%d+)%s+(%d+)%s+(%d+)%s+(%d+)%s+(%d+)%s+(%d+)%s+(%d+)%s+(%-?%d+)%s+(%S+)") do
    tasks[#tasks + 1] = { pid = tonumber(pid), rss = tonumber(rss), swapents = tonumber(swp),
                          pgtables = tonumber(pgt), adj = tonumber(adj), name = name }
  end
  return tasks
end

-- oom_badness of a table row (oom_score_adj 0): pages.
local function badness(t) return t.rss + t.swapents + math.floor(t.pgtables / 4096) end

print(("stress-vm: %d workers of %d MiB, one every 0.1 s, on %d MiB of RAM + %d MiB of swap (metadata only)."):format(
  WORKERS, WORKER_MB, MEM_MB, SWAP_MB))
print("Each worker writes its memory and reads it back; the oldest alive re-reads its memory each step.")
print("MiB as free(1) shows them; pswpout/pswpin: pages swapped out/in since the previous row.\n")
print(("%-22s %6s %8s %8s %8s %9s %8s %8s %8s"):format("", "alive", "used", "free",
      "buff/cache", "swap used", "pswpout", "pswpin", "oom_kill"))

local workers, addrs, alive = {}, {}, 0
row("start", 0)
local killed, victim_row, kill_log
local oldest = 1
for i = 1, WORKERS do
  m:tick("100ms")
  local w = assert(m:spawn("stress-ng-vm"))
  workers[i] = w
  alive = alive + 1
  local a, msg, err = w:mmap(BYTES, "rw", "private,anonymous")
  local ok, sig = a, msg
  if a then ok, sig = w:touch(a, BYTES, "w") end
  if ok then ok, sig = w:touch(a, BYTES, "r") end
  while oldest <= i and not workers[oldest].alive do oldest = oldest + 1 end
  if ok and oldest < i then
    local o = workers[oldest]
    if addrs[oldest] then o:touch(addrs[oldest], BYTES, "r") end  -- its pages swap back in
  end
  addrs[i] = a
  local dead = 0
  for k = 1, i do if not workers[k].alive then dead = dead + 1 end end
  alive = i - dead
  if m:vmstat().oom_kill > 0 then
    local log = m:dmesg()
    kill_log = log
    local pid, comm = log:match("Out of memory: Killed process (%d+) %(([^)]+)%)")
    killed = { pid = tonumber(pid), comm = comm, step = i,
               line = log:match("[^\n]*Out of memory: Killed process[^\n]*"),
               header = log:match("[^\n]*invoked oom%-killer[^\n]*"),
               reaped = log:match("[^\n]*oom_reaper: reaped process[^\n]*") }
    victim_row = row(("worker %d: OOM kill"):format(i), alive)
    break
  end
  row(("worker %d started"):format(i), alive)
  if err then error("worker " .. i .. ": " .. tostring(msg) .. " " .. tostring(err)) end
  if not ok then error("worker " .. i .. " failed: " .. tostring(sig)) end
end

local result = { rows = rows, killed = killed, workers = #workers, swap_kb = SWAP_MB * 1024 }
if killed then
  -- The process Linux kills: the highest badness in the table it printed, newest on a tie.
  -- the first report only: from its header to its "Killed process" line
  local s = kill_log:find("[^\n]*invoked oom%-killer")
  local e = kill_log:find("Out of memory: Killed process", s, true)
  local tasks = task_table(kill_log:sub(s, e))
  local best
  for _, t in ipairs(tasks) do
    if t.adj > -1000 and (not best or badness(t) >= badness(best)) then best = t end
  end
  result.expected_pid = best and best.pid
  result.tasks = tasks
  for _, t in ipairs(tasks) do if t.pid == killed.pid then result.victim = t end end
  print("\nThe kernel's report (m:dmesg()):")
  print("  " .. (killed.header or "?"))
  print("  " .. (killed.line or "?"))
  if killed.reaped then print("  " .. killed.reaped) end
  print(("Highest badness in its task table (rss + swapents + page tables, newest on a tie): pid %s;")
    :format(tostring(result.expected_pid)))
  print(("the kernel killed pid %d (%s)."):format(killed.pid, killed.comm))
else
  print("\nNo OOM kill: RAM and swap held every worker (start more: see the arguments).")
end

for _, w in ipairs(workers) do if w.alive then assert(w:exit()) end end
m:tick("100ms")
result.after = row("every worker exited", 0)
assert(m:check())

print("\nExpected (the seed): used grows with each worker; once free memory is down to the")
print("watermarks, reclaim swaps anonymous pages out (pswpout) to make room; the oldest worker's")
print("re-read brings its pages back (pswpin); when swap is full too, the OOM killer kills the")
print("worker with the highest badness; after the workers exit, their memory and swap are free.")
return result
