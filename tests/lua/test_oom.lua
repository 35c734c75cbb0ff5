-- test_oom.lua - the OOM killer from Lua: p:oom_score_adj, a process that
-- fills memory is killed (nil, "SIGKILL", "ENOMEM"), the handle answers
-- ESRCH afterwards, p.alive turns false, dmesg and vmstat tell the story.
-- Run by ctest as `mmsim run tests/lua/test_oom.lua`.
--
-- Invariants: one machine, booted with a fixed seed, for the whole file;
-- every check is an assert, so the first failure ends the run with an
-- error, and the file ends with assert(m:check()).

local m = mmsim.boot{ mem = "128M", cpus = 2, seed = 1, metadata_only = true }
local keep, hog = m:spawn("keep"), m:spawn("hog")

-- oom_score_adj: read, write, range
assert(keep:oom_score_adj() == 0)
assert(keep:oom_score_adj(-1000) == true)
assert(keep:oom_score_adj() == -1000)
local ok, msg, err = keep:oom_score_adj(1001)
assert(ok == nil and err == "EINVAL", msg)
assert(keep:proc("oom_score") == "0\n")
assert(keep:proc("oom_adj") == "-17\n")

-- keep holds a little, hog takes everything else and dies in its own access
local a = assert(keep:mmap("4M", "rw", "private,anonymous"))
assert(keep:touch(a, "4M", "w"))
local b = assert(hog:mmap("120M", "rw", "private,anonymous,noreserve"))
local r, sig, code = hog:touch(b, "120M", "w")
assert(r == nil and sig == "SIGKILL" and code == "ENOMEM", tostring(sig))
assert(not hog.alive and keep.alive)
local x, _, e = hog:mmap(4096, "rw", "private,anonymous")
assert(x == nil and e == "ESRCH")
assert(m:vmstat().oom_kill == 1)
local log = m:dmesg()
assert(log:find("hog invoked oom%-killer: gfp_mask=0x140cca%(GFP_HIGHUSER_MOVABLE|__GFP_COMP%), order=0, oom_score_adj=0"))
assert(log:find("Out of memory: Killed process 2 %(hog%) total%-vm:%d+kB, anon%-rss:%d+kB"))
assert(log:find("oom%-kill:constraint=CONSTRAINT_NONE,nodemask=%(null%)"))

-- the memory came back: keep can map and touch 64M now
local c = assert(keep:mmap("64M", "rw", "private,anonymous"))
assert(keep:touch(c, "64M", "w"))
assert(m:check())
print("test_oom.lua: ok")
