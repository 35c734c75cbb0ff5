-- output_workload.lua - the workload of tests/cli/test_output.sh: memory
-- taken step by step, a fork with copy-on-write, then everything freed, on
-- a clock that ends exactly on a whole second. Prints to stderr only
-- (stdout is --json's): "final MemFree N", "final clock NS".
-- arg[1] == "twice": boot a small machine first, then the real one.
-- arg[1] == "fail": raise an error in the middle.

if arg[1] == "twice" then
  local first = mmsim.boot{ mem = "32M" }
  first:spawn("early")
  first:tick("50ms")
end
local m = mmsim.boot{ cpus = 2 }
local p = m:spawn("worker")
local a = p:mmap("16M", "rw", "private,anonymous")
for i = 0, 31 do
  p:touch(a + i * 524288, "512K", "w")
  m:tick("20ms")
  if arg[1] == "fail" and i == 10 then error("failing on purpose") end
end
local c = p:fork()
c:touch(a, "4M", "w")
m:tick("100ms")
c:exit()
p:munmap(a, "8M")
-- end exactly on the next whole second, so a --vmstat line samples the end
local _, ns = m:clock()
m:tick(((math.floor(ns / 1e9) + 1) * 1e9 - ns) / 1e9)
_, ns = m:clock()
local free = m:proc("meminfo"):match("MemFree:%s+(%d+)")
io.stderr:write(("final MemFree %s\nfinal clock %.0f\n"):format(free, ns))
