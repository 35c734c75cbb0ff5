-- test_process.lua - simulated processes from Lua: spawn, mmap and friends,
-- bytes through the MMU, signals as return values, fork with copy-on-write,
-- threads, exec, exit, /proc/PID files, and the errors misuse raises.
-- Run by ctest as `mmsim run tests/lua/test_process.lua`.

local me = arg[0]:match("[^/]+$")
local raises = dofile(arg[0]:gsub("[^/]+$", "") .. "helpers.lua").raises
local PG = 4096

local m = mmsim.boot{ mem = "256M", cpus = 2, seed = 1 }

-- spawn: pid 1, a fresh program image, one fault for the argument page
local p = m:spawn("prog")
assert(tostring(p):match("^mmsim.process 1"))
assert(p.pid == 1 and p.comm == "prog" and p.ppid == 0 and p.cpu == 0)
assert(p.minflt == 1 and p.majflt == 0, p.minflt)
assert(p.alive)
assert(p:brk() == 0x4c6000 and p:brk(0) == 0x4c6000)
local maps = p:proc("maps")
assert(maps:find("00400000%-00401000 r%-%-p"), maps)
assert(maps:find("%[stack%]") and maps:find("%[vdso%]"), maps)

-- mmap: an address; flags and protections by name
local a = assert(p:mmap(16 * PG, "rw", "private,anonymous"))
assert(type(a) == "number" and a % PG == 0)
local b = assert(p:mmap("64k", "r", "private,anonymous,populate"))
assert(b + 16 * PG == a or b < a)
-- failures a program sees: nil, message, errno name
local r, msg, err = p:mmap(0, "rw", "private,anonymous")
assert(r == nil and err == "EINVAL" and msg:find("mmap"), tostring(msg))
r, msg, err = p:mmap(PG, "rw", "private")	-- no file, no MAP_ANONYMOUS: fd -1
assert(r == nil and err == "EBADF", tostring(err))
r, msg, err = p:mmap(PG, "rw", "private,anonymous,fixed_noreplace", a)
assert(r == nil and err == "EEXIST", tostring(err))
assert(p:mmap(PG, "rw", "private,anonymous,fixed", a) == a)
-- misuse raises, naming this script's line
raises(me .. ":%d+: .*unknown mmap flag 'privat'", function() p:mmap(PG, "rw", "privat") end)
raises("protection is any of", function() p:mmap(PG, "rwz", "private,anonymous") end)
raises("mmsim.file expected", function() p:mmap(PG, "r", "shared", nil, {}, 0) end)
raises("non%-negative integer", function() p:munmap(-4096, PG) end)

-- bytes through the MMU; faults counted
local before = p.minflt
assert(p:write(a + 10, "hello, world") == true)
assert(p:read(a + 10, 12) == "hello, world")
assert(p:read(a + 2 * PG, 4) == "\0\0\0\0")
assert(p.minflt == before + 2, p.minflt - before)	-- one write fault, one read fault
assert(p:touch(a, 16 * PG, "w") == true)
assert(p.minflt == before + 17, p.minflt - before)	-- 14 new pages and the zero page's COW
-- signals: nil, "SIGSEGV", code
r, msg, err = p:read(0x1000, 1)
assert(r == nil and msg == "SIGSEGV" and err == "SEGV_MAPERR", tostring(err))
assert(p:mprotect(a, PG, "r") == true)
r, msg, err = p:write(a, "x")
assert(r == nil and msg == "SIGSEGV" and err == "SEGV_ACCERR", tostring(err))
assert(p:read(a + 10, 5) == "hello")
assert(p:mprotect(a, PG, "rw") == true)

-- mincore, madvise, mlock, msync, mremap, brk
local vec = p:mincore(a, 4 * PG)
assert(#vec == 4 and vec[1] == true and vec[4] == true)
assert(p:mincore(a, 4 * PG, "string") == "1111")
assert(p:madvise(a + PG, PG, "dontneed") == true)
assert(p:mincore(a, 4 * PG, "string") == "1011")
raises("unknown madvise advice 'dontned'", function() p:madvise(a, PG, "dontned") end)
assert(p:mlock(a, 2 * PG) == true and p:munlock(a, 2 * PG) == true)
assert(p:mlock(a, PG, "onfault") == true)
assert(p:mlockall("current,future") == true and p:munlockall() == true)
assert(p:msync(a, PG, "sync") == true)
r, msg, err = p:msync(a + 1, PG)
assert(r == nil and err == "EINVAL")
local c = assert(p:mremap(a, 16 * PG, 32 * PG, "maymove"))
assert(p:read(c + 10, 5) == "hello")
r, msg, err = p:mremap(c, 32 * PG, 64 * PG, "")
assert(c and (r == c or err == "ENOMEM"))
assert(p:brk(0x4c6000 + 3 * PG + 5) == 0x4c6000 + 3 * PG + 5)
assert(p:write(0x4c6000, "heap") == true)
local st = p:status()
assert(st.Name == "prog" and st.Pid == 1 and type(st.VmRSS) == "number", tostring(st.VmRSS))
assert(st.VmData > 0 and st.RssAnon > 0)

-- prctl: the THP switch, inherited by fork
assert(p:prctl("thp_disable") == 0)
assert(p:prctl("thp_disable", 1) == true and p:prctl("thp_disable") == 1)

-- fork: the child sees the parent's bytes; writes stay on their side
local ch = p:fork()
assert(ch.pid == 2 and ch.ppid == 1 and ch.minflt == 0 and ch.cpu == 1)
assert(ch:prctl("thp_disable") == 1)
assert(ch:read(c + 10, 5) == "hello")
assert(ch:write(c + 10, "HELLO") == true)
assert(ch.minflt == 1)				-- the copy-on-write fault
assert(p:read(c + 10, 5) == "hello" and ch:read(c + 10, 5) == "HELLO")
assert(ch == m:process(ch.pid))
local pids = m:pids()
assert(#pids == 2 and pids[1] == 1 and pids[2] == 2)

-- a thread shares everything but its fault counts
local t = ch:clone_vm()
assert(t.tgid == ch.pid)
assert(t:write(c + 20, "thread") == true and ch:read(c + 20, 6) == "thread")

-- exec: a fresh image, the other threads gone
assert(ch:exec("other") == true)
assert(ch.comm == "other" and not t.alive)
r, msg, err = t:read(c, 1)
assert(r == nil and err == "ESRCH")
r, msg, err = ch:read(c, 1)
assert(r == nil and msg == "SIGSEGV")

-- exit: further use raises; the pid is not reused
assert(ch:exit(0) == true)
raises("process 2 has exited", function() ch:read(c, 1) end)
local q = m:spawn("q")
assert(q.pid == 4, q.pid)
local none, nmsg, nerr = m:process(2)
assert(none == nil and nerr == "ESRCH", tostring(nerr))

-- the MMU's statistics
local mmu = m:mmu_stats()
assert(mmu.walks > 0 and mmu.faults > 0 and mmu.cr3_loads > 0)
assert(m:mmu_stats(0).walks + m:mmu_stats(1).walks == mmu.walks)
raises("no such CPU", function() m:mmu_stats(7) end)

assert(m:check() == true)
q:exit()
p:exit()
assert(#m:pids() == 0)
assert(m:check() == true)

-- metadata-only machines keep no bytes: reads are refused, touches work
local mm = mmsim.boot{ mem = "64M", cpus = 1, metadata_only = true }
local mp = mm:spawn("meta")
local ma = assert(mp:mmap(4 * PG, "rw", "private,anonymous"))
assert(mp:touch(ma, 4 * PG, "w") == true)
r, msg, err = mp:read(ma, 1)
assert(r == nil and err == "EINVAL")
mm:shutdown()
raises("shut down", function() mp:read(ma, 1) end)

m:shutdown()
print("test_process: ok")
