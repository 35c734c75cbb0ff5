-- test_numa.lua - NUMA memory policy from Lua: p:set_mempolicy, p:mbind,
-- p:get_mempolicy, p:set_mempolicy_home_node, m:sysfs_write, the per-node
-- sysfs files and numa_maps, failures as nil, message, errno, and misuse
-- as errors. Run by ctest as `mmsim run tests/lua/test_numa.lua`.

local raises = dofile(arg[0]:gsub("[^/]+$", "") .. "helpers.lua").raises
local PG = 4096

local m = mmsim.boot{ mem = "1G", nodes = 4, cpus = 4, node_distance = 30 }
assert(m:proc("/sys/devices/system/node/node1/distance") == "30 10 30 30\n")
local p = m:spawn("numa")

-- process interleave: page n of the mapping on node (its page number) % 4
assert(p:set_mempolicy("interleave", {0, 1, 2, 3}))
local mode, nodes = p:get_mempolicy()
assert(mode == "interleave" and #nodes == 4 and nodes[1] == 0 and nodes[4] == 3)
local a = assert(p:mmap(64 * PG, "rw", "private,anonymous"))
assert(p:touch(a, 64 * PG, "w"))
for i = 0, 63 do
  assert(p:get_mempolicy(a + i * PG, "node") == ((a / PG) + i) % 4)
end
assert(p:proc("numa_maps"):find(string.format("%x interleave:0%%-3 anon=64 dirty=64 active=0 " ..
                                "N0=16 N1=16 N2=16 N3=16 kernelpagesize_kB=4\n", a)))
assert(m:vmstat().numa_interleave >= 64)

-- mbind: a VMA policy, strict checks, node lists as strings, mode flags
local b = assert(p:mmap(16 * PG, "rw", "private,anonymous"))
assert(p:mbind(b, 8 * PG, "bind", {2}, "strict"))
assert(p:get_mempolicy(b) == "bind")
assert(p:get_mempolicy(b + 8 * PG) == "default")      -- the VMA has none
assert(p:touch(b, 8 * PG, "w"))
assert(p:get_mempolicy(b, "node") == 2)
local r, msg, err = p:mbind(b, 8 * PG, "bind", "0-1", "strict")
assert(r == nil and err == "EIO" and msg:find("mbind"), tostring(msg))
assert(p:mbind(b + 8 * PG, 8 * PG, "preferred_many=balancing", "1,3"))
assert(p:get_mempolicy(b + 8 * PG) == "preferred_many=balancing")
r, msg, err = p:mbind(b - PG, PG, "bind", {0})
assert(r == nil and err == "EFAULT", tostring(msg))
r, msg, err = p:mbind(b, PG, "bind", {9})
assert(r == nil and err == "EINVAL", tostring(msg))
assert(p:set_mempolicy_home_node(b, 8 * PG, 3))
r, msg, err = p:set_mempolicy_home_node(a, PG, 0)
assert(r == nil and err == "ENOENT", tostring(msg))

-- fork copies the policies
local c = p:fork()
assert(c:get_mempolicy() == "interleave" and c:get_mempolicy(b) == "bind")
assert(#c:get_mempolicy(nil, "mems_allowed") == 4)
c:exit()

-- weighted interleave: the sysfs weights
assert(m:sysfs_write("/sys/kernel/mm/mempolicy/weighted_interleave/node0", "3"))
r, msg, err = m:sysfs_write("/sys/kernel/mm/mempolicy/weighted_interleave/node0", "0")
assert(r == nil and err == "EINVAL", tostring(msg))
assert(m:proc("/sys/kernel/mm/mempolicy/weighted_interleave/node0") == "3\n")
local w = assert(p:mmap(64 * PG, "rw", "private,anonymous"))
assert(p:mbind(w, 64 * PG, "weighted_interleave", {0, 1}))
assert(p:touch(w, 64 * PG, "w"))
assert(p:proc("numa_maps"):find("weighted interleave:0%-1 anon=64 dirty=64 active=0 N0=48 N1=16"))

-- the counters agree
local stat = m:proc("/sys/devices/system/node/node0/numastat")
assert(stat:match("^numa_hit %d+\nnuma_miss %d+\nnuma_foreign %d+\ninterleave_hit %d+\n" ..
                  "local_node %d+\nother_node %d+\n$"), stat)
assert(m:sysctl("vm.zone_reclaim_mode") == 0)
assert(m:sysctl("vm.zone_reclaim_mode", 1))

-- misuse raises
raises("unknown policy 'nearest'", p.set_mempolicy, p, "nearest", {0})
raises("unknown policy flag 'loose'", p.set_mempolicy, p, "bind=loose", {0})
raises("node list", p.set_mempolicy, p, "bind", "0-")
raises("unknown mbind flag", p.mbind, p, b, PG, "bind", {0}, "hard")
assert(m:check())
