-- test_drop_caches.lua - vm.drop_caches and the dentry cache's /proc files
-- from Lua: write-only (EACCES on read), bounds, vmstat counts, the log line,
-- /proc/sys/fs/dentry-state's format, vfs_cache_pressure's bounds.
--
-- Invariants: one machine for the whole file; every check is an assert,
-- so the first failure ends the run with an error, and the file ends with
-- assert(m:check()) before it prints ok.
local m = mmsim.boot{ mem = "128M", cpus = 2 }

local ds = m:proc("sys/fs/dentry-state")
assert(ds == "1\t0\t45\t0\t0\t0\n", ("dentry-state %q"):format(ds))
assert(m:proc("sys/fs/inode-nr") == "0\t0\n")
assert(m:proc("sys/fs/inode-state") == "0\t0\t0\t0\t0\t0\t0\n")

local v, msg, err = m:sysctl("vm.drop_caches")
assert(v == nil and err == "EACCES", tostring(msg))
assert(select(3, m:sysctl("vm.drop_caches", 0)) == "EINVAL")
assert(m:sysctl("vm.drop_caches", 3))
local vs = m:vmstat()
assert(vs.drop_pagecache == 1 and vs.drop_slab == 1)
assert(m:dmesg():find("mmsim %(0%): drop_caches: 3"))
assert(m:sysctl("vm.vfs_cache_pressure") == 100)
assert(m:sysctl("vm.vfs_cache_pressure_denom") == 100)
assert(select(3, m:sysctl("vm.vfs_cache_pressure_denom", 50)) == "EINVAL")
assert(m:sysctl("vm.vfs_cache_pressure", 0))
assert(m:proc("slabinfo"):find("\ndentry "))
assert(m:check())
print("ok")
