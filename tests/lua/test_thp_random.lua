-- test_thp_random.lua - random mapping calls over 32 MiB with thp=always:
-- faults, munmap/mmap, mprotect, MADV_DONTNEED, fork/exit, MADV_COLLAPSE,
-- mlock/munlock and mremap, in both anon_vma rmap designs, with the
-- validators (m:check: page tables, deposited tables, THP and page
-- mapcounts, rmap, LRU) run every 100 calls. Deterministic: fixed seeds.
-- Run by ctest as `mmsim run tests/lua/test_thp_random.lua`.
--
-- Invariants: each run boots its own machine with a fixed seed and seeds
-- math.random with it, so every run is the same; assert(m:check()) runs
-- every 100 calls and at the end, and the first failure ends the run.

local HP = 2 * 1024 * 1024

local function vmstat(m, name)
  return tonumber(m:proc("vmstat"):match(name .. " (%d+)"))
end

local function run(rmap, seed)
  local m = mmsim.boot{ mem = "512M", cpus = 2, seed = seed, thp = "always", rmap = rmap }
  local procs = { m:spawn("s") }
  local base = assert(procs[1]:mmap(16 * HP, "rw", "private,anonymous"))
  math.randomseed(seed)
  local function rnd(n) return math.random(0, n - 1) end
  for i = 1, 2000 do
    local p = procs[rnd(#procs) + 1]
    local off = rnd(8192) * 4096
    local len = math.min((rnd(1024) + 1) * 4096, 16 * HP - off)
    local a = base + off
    local op = rnd(9)
    if op == 0 then p:touch(a, len, "w")
    elseif op == 1 then p:touch(a, len, "r")
    elseif op == 2 then p:munmap(a, len); p:mmap(len, "rw", "private,anonymous,fixed", a)
    elseif op == 3 then p:mprotect(a, len, rnd(2) == 0 and "r" or "rw")
    elseif op == 4 then p:madvise(a, len, "dontneed")
    elseif op == 5 and #procs < 4 then
      local c = p:fork()
      if c then procs[#procs + 1] = c end
    elseif op == 6 and p ~= procs[1] then
      p:exit(0)
      for j, q in ipairs(procs) do if q == p then table.remove(procs, j) break end end
    elseif op == 7 then p:madvise(a, len, "collapse")
    elseif op == 8 then
      local n = rnd(3)
      if n == 0 then p:mlock(a, len) elseif n == 1 then p:munlock(a, len)
      else p:mremap(a, len, len, "maymove") end
    end
    if i % 100 == 0 then assert(m:check(), rmap .. ": check failed after call " .. i) end
  end
  -- the run must have exercised what it is about
  assert(vmstat(m, "thp_fault_alloc") > 10, "few THP faults")
  assert(vmstat(m, "thp_split_pmd") > 10, "few splits")
  assert(vmstat(m, "thp_collapse_alloc") > 0, "no collapse")
  for j = #procs, 2, -1 do procs[j]:exit(0) end
  procs[1]:exit(0)
  assert(m:check())
  assert(tonumber(m:proc("meminfo"):match("AnonHugePages:%s+(%d+)")) == 0)
end

run("anon_vma_chain", 3)
run("anon_vma", 11)
print("test_thp_random.lua: ok")
