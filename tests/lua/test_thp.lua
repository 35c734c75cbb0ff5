-- test_thp.lua - transparent huge pages from Lua: a madvise(hugepage)
-- mapping faults one 2 MiB page (one fault, AnonHugePages, thp_fault_alloc),
-- a partial munmap splits its PMD (thp_split_pmd) and queues it for the
-- deferred split, the counts stay exact; khugepaged collapses 512 small
-- pages after "hugepage" advice; thp=never builds none. Run by ctest as `mmsim run tests/lua/test_thp.lua`.
--
-- Invariants: each machine is booted with a fixed seed and ends with
-- assert(m:check()); every check is an assert, so the first failure ends
-- the run with an error.

local HP = 2 * 1024 * 1024

local function meminfo(m, field)
  return tonumber(m:proc("meminfo"):match(field .. ":%s+(%d+)"))
end

local function vmstat(m, name)
  return tonumber(m:proc("vmstat"):match(name .. " (%d+)"))
end

local m = mmsim.boot{ mem = "256M", cpus = 2, seed = 1, thp = "madvise" }
local p = m:spawn("thp")

-- 4 MiB of anonymous memory is placed 2 MiB-aligned (thp_get_unmapped_area)
local a = assert(p:mmap(2 * HP, "rw", "private,anonymous"))
assert(a % HP == 0)
assert(p:madvise(a, 2 * HP, "hugepage"))
local f0, alloc0 = p.minflt, vmstat(m, "thp_fault_alloc")
assert(p:touch(a, HP, "w"))
assert(p.minflt - f0 == 1, p.minflt - f0)
assert(vmstat(m, "thp_fault_alloc") - alloc0 == 1)
assert(meminfo(m, "AnonHugePages") == 2048)
assert(p:proc("smaps"):find("AnonHugePages:      2048 kB"))

-- half of it goes: the PMD splits, 256 pages stay, the huge page is queued
local split0, dsp0 = vmstat(m, "thp_split_pmd"), vmstat(m, "thp_deferred_split_page")
assert(p:munmap(a, HP / 2))
assert(vmstat(m, "thp_split_pmd") - split0 == 1)
assert(vmstat(m, "thp_deferred_split_page") - dsp0 == 1)
assert(meminfo(m, "AnonHugePages") == 0)
assert(p:proc("smaps"):find("Rss:                1024 kB"))
assert(m:check())
p:exit(0)
assert(m:check())

-- khugepaged (the docs/scripting.md example): 512 small pages, then "hugepage"
local KH = "/sys/kernel/mm/transparent_hugepage/khugepaged/"
local r = m:spawn("khp")
local c = assert(r:mmap(HP, "rw", "private,anonymous"))
assert(r:touch(c, HP, "w"))
assert(meminfo(m, "AnonHugePages") == 0)
assert(r:madvise(c, HP, "hugepage"))
-- khugepaged is still in the 10 s sleep it began while p was registered
m:tick("11s")
assert(tonumber(m:proc(KH .. "pages_collapsed")) == 1)
assert(meminfo(m, "AnonHugePages") == 2048)
assert(m:sysfs_write(KH .. "max_ptes_none", "0"))
assert(tonumber(m:proc(KH .. "max_ptes_none")) == 0)
local ok, _, code = m:sysfs_write(KH .. "max_ptes_none", "512")
assert(not ok and code == "EINVAL", code)
assert(m:check())

-- thp=never: 4 KiB pages only
local m2 = mmsim.boot{ mem = "256M", cpus = 2, seed = 1, thp = "never" }
local q = m2:spawn("nothp")
local b = assert(q:mmap(HP, "rw", "private,anonymous"))
assert(q:madvise(b, HP, "hugepage"))
assert(q:touch(b, HP, "w"))
assert(meminfo(m2, "AnonHugePages") == 0)
assert(m2:check())
print("test_thp.lua: ok")
