-- test_time.lua - simulated time from Lua: m:tick, m:clock, m:cpu_time,
-- p:times, mmsim.costs, the errors of bad durations, and determinism (the
-- same work on two machines reads the same clock).

local raises = dofile(arg[0]:gsub("[^/]+$", "") .. "helpers.lua").raises

local function work(m)
  local p = m:spawn("w")
  local a = p:mmap("4M", "rw", "private,anonymous")
  assert(p:touch(a, "4M", "w"))
  local c = p:fork()
  assert(c:touch(a, "1M", "w"))
  c:exit()
  m:tick("10ms")
  return p
end

local m = mmsim.boot{ mem = "128M", cpus = 2 }
local s, ns = m:clock()
assert(s == 0 and ns == 0, "a fresh machine is at time 0")

-- work advances the clock by what the cost table says, at least
local costs = mmsim.costs()
for _, k in ipairs{ "syscall", "fault", "page_alloc", "fork", "fork_pte", "exec", "exit" } do
  assert(type(costs[k]) == "number" and costs[k] > 0, k)
end
local p = work(m)
local s1, ns1 = m:clock()
assert(ns1 >= 1024 * (costs.fault + costs.page_alloc) + costs.fork + costs.exec + 10e6, ns1)
assert(math.abs(s1 - ns1 / 1e9) < 1e-9)

-- tick: strings and seconds; returns the clock
assert(math.abs(m:tick("100ms") - (ns1 + 100e6) / 1e9) < 1e-9)
assert(math.abs(m:tick(0.25) - (ns1 + 350e6) / 1e9) < 1e-9)
assert(m:tick(0) == select(1, m:clock()))
raises("bad duration '1x'", function() m:tick("1x") end)
raises("duration", function() m:tick(-1) end)
raises("bad argument", function() m:tick() end)

-- CPU time adds up to the clock on each CPU; the process has its share
local now = select(1, m:clock())
for cpu = 0, 1 do
  local t = m:cpu_time(cpu)
  assert(math.abs(t.user + t.system + t.iowait + t.idle - now) < 1e-6)
end
local all = m:cpu_time()
assert(math.abs(all.user + all.system + all.iowait + all.idle - 2 * now) < 1e-6)
assert(all.idle > 0.35 * 2 - 1e-9)
local ut, st = p:times()
assert(ut > 0 and st > 0 and st > ut, "faults are system time, accesses user time")
raises("no such CPU", function() m:cpu_time(2) end)

-- deterministic: a second machine doing the same work reads the same clock
local m2 = mmsim.boot{ mem = "128M", cpus = 2 }
work(m2)
assert(select(2, m2:clock()) == ns1)
print("test_time: ok")
