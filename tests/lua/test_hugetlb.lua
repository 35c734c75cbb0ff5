-- test_hugetlb.lua - hugetlb from Lua: the pool through m:sysctl and
-- m:sysfs_write, MAP_HUGETLB mappings with the "hugetlb" (and "huge_2mb" /
-- "huge_1gb") flags, one fault per huge page, the meminfo and /sys figures,
-- and the errno a program sees. Run by ctest as `mmsim run tests/lua/test_hugetlb.lua`.
--
-- Invariants: one machine, booted with a fixed seed, for the whole file;
-- every check is an assert, so the first failure ends the run with an
-- error. No host figure is read or asserted.

local HP = 2 * 1024 * 1024
local SYS = "/sys/kernel/mm/hugepages/hugepages-2048kB/"

local function meminfo(m, field)
  return tonumber(m:proc("meminfo"):match(field .. ":%s+(%d+)"))
end

local m = mmsim.boot{ mem = "256M", cpus = 2, seed = 1 }
local p = m:spawn("huge")

-- an empty pool: the reservation fails
local r, msg, err = p:mmap(HP, "rw", "private,anonymous,hugetlb")
assert(r == nil and err == "ENOMEM", tostring(msg))

-- grow the pool by sysctl, read it back everywhere
assert(m:sysctl("vm.nr_hugepages", 4))
assert(m:sysctl("vm.nr_hugepages") == 4)
assert(meminfo(m, "HugePages_Total") == 4 and meminfo(m, "HugePages_Free") == 4)
assert(meminfo(m, "Hugetlb") == 4 * 2048)
assert(tonumber(m:proc(SYS .. "nr_hugepages")) == 4)
assert(m:sysfs_write(SYS .. "nr_overcommit_hugepages", 1))
assert(m:sysctl("vm.nr_overcommit_hugepages") == 1)
local ok, _, e = m:sysfs_write(SYS .. "free_hugepages", 1)
assert(ok == nil and e == "EACCES")

-- 3 MiB rounds up to 4 MiB: two pages reserved; one fault maps a whole 2 MiB
local a = assert(p:mmap(3 * 1024 * 1024, "rw", "private,anonymous,hugetlb,huge_2mb"))
assert(a % HP == 0)
assert(meminfo(m, "HugePages_Rsvd") == 2)
local f0 = p.minflt
assert(p:touch(a, HP, "w"))
assert(p.minflt - f0 == 1, p.minflt - f0)
assert(meminfo(m, "HugePages_Free") == 3 and meminfo(m, "HugePages_Rsvd") == 1)
assert(p:status().HugetlbPages == 2048, p:status().HugetlbPages)
assert(p:proc("smaps"):find("KernelPageSize:     2048 kB"))
assert(p:proc("maps"):find("/anon_hugepage %(deleted%)"))
p:write(a + 5, "huge")
assert(p:read(a + 5, 4) == "huge")

-- unaligned munmap, a size the machine has no pool for
r, msg, err = p:munmap(a + 4096, HP)
assert(r == nil and err == "EINVAL", tostring(msg))
r, msg, err = p:mmap(HP, "rw", "private,anonymous,hugetlb,huge_1gb")
assert(r == nil and err == "ENOMEM", tostring(msg))
assert(p:munmap(a, 2 * HP))
assert(meminfo(m, "HugePages_Free") == 4 and meminfo(m, "HugePages_Rsvd") == 0)
m:check()
