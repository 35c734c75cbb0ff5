-- test_rmap.lua - the reverse map from Lua: m:rmap() on each design,
-- p:rmap_walk on a page and on a whole process, p:try_to_unmap of shmem,
-- lazyfree and ordinary anonymous pages, and the errors (EFAULT, ESRCH,
-- a bad rmap boot option). Run by ctest as `mmsim run tests/lua/test_rmap.lua`.
--
-- Invariants: each machine is booted for its checks, passes
-- assert(m:check()) and is shut down; every check is an assert, so the
-- first failure ends the run with an error.

local raises = dofile(arg[0]:gsub("[^/]+$", "") .. "helpers.lua").raises
local PG = 4096

-- every design boots, names itself, and keeps what it should
for _, mode in ipairs{ "scan", "pte_chain", "anon_vma", "anon_vma_chain" } do
  local m = mmsim.boot{ mem = "128M", rmap = mode }
  local p = assert(m:spawn("p"))
  local a = assert(p:mmap(8 * PG, "rw", "private,anonymous"))
  assert(p:touch(a, 8 * PG, "w"))
  local kids = {}
  for i = 1, 8 do kids[i] = assert(p:fork()) end
  local r = m:rmap()
  assert(r.mode == mode, r.mode)
  local v = m:vmstat()
  assert(v.nr_anon_vma == r.anon_vma and v.nr_anon_vma_chain == r.anon_vma_chain and
         v.nr_pte_chain == r.pte_chain, mode)
  if mode == "pte_chain" then
    -- 9 ptes per page: two blocks each (7 + 2), plus the stack's and the reserve
    assert(r.pte_chain >= 16 and r.bytes == 64 * r.pte_chain, r.pte_chain)
    assert(v.pte_chain_bytes == r.bytes)
  elseif mode == "anon_vma" then
    assert(r.anon_vma >= 1 and r.anon_vma_chain == 0 and r.pte_chain == 0)
  elseif mode == "anon_vma_chain" then
    assert(r.anon_vma >= 9 and r.anon_vma_chain >= 2 * 8 + 1 and r.pte_chain == 0)
  else
    assert(r.anon_vma + r.anon_vma_chain + r.pte_chain == 0 and r.bytes == 0)
  end

  -- a page shared by the parent and 8 children: the walk finds all 9 ptes
  local w = assert(kids[3]:rmap_walk(a + 2 * PG))
  assert(w.pages == 1 and w.mapped == 9, w.mapped)
  assert(w.referenced == 1, w.referenced)      -- only the parent's pte was young
  assert(w.vmas >= (mode == "pte_chain" and 0 or 9) and w.ptes >= 9, mode)
  assert((w.pgtables > 0) == (mode == "scan"), mode)
  assert(kids[3]:rmap_walk(a + 2 * PG).referenced == 0)   -- the walk cleared them
  -- after the child's write, its copy is its own
  assert(kids[3]:touch(a + 2 * PG, PG, "w"))
  w = assert(kids[3]:rmap_walk(a + 2 * PG))
  assert(w.mapped == 1 and w.referenced == 1)
  if mode == "anon_vma_chain" then assert(w.vmas == 1) end
  if mode == "pte_chain" then assert(w.ptes == 1 and w.vmas == 0) end
  -- the whole process: every anonymous page once
  local t = assert(kids[3]:rmap_walk())
  assert(t.pages >= 8 and t.mapped >= t.pages, t.pages)

  for i = 1, 8 do assert(kids[i]:exit()) end
  assert(p:exit())
  r = m:rmap()
  assert(r.anon_vma + r.anon_vma_chain == 0 and r.pte_chain == (mode == "pte_chain" and 1 or 0))
  assert(m:check())
  m:shutdown()
end

-- try_to_unmap: shmem leaves every process; anonymous needs swap unless lazyfree and clean
local m = mmsim.boot{ mem = "128M" }
local p = assert(m:spawn("p"))
local s = assert(p:mmap(2 * PG, "rw", "shared,anonymous"))
assert(p:write(s, "shared"))
local c = assert(p:fork())
assert(c:touch(s, PG))
local mapped0 = m:vmstat().nr_mapped
assert(c:try_to_unmap(s) == true)
assert(m:vmstat().nr_mapped == mapped0 - 1)
local flt = p.minflt
assert(p:read(s, 6) == "shared" and p.minflt == flt + 1)   -- faulted back in

local a = assert(p:mmap(2 * PG, "rw", "private,anonymous"))
assert(p:write(a, "x") and p:write(a + PG, "y"))
assert(p:try_to_unmap(a) == false)                          -- no swap
assert(p:madvise(a, 2 * PG, "free"))
assert(p:write(a + PG, "z"))                                -- redirtied
local lazy = m:vmstat().pglazyfreed
assert(p:try_to_unmap(a) == true and m:vmstat().pglazyfreed == lazy + 1)
assert(p:read(a, 1) == "\0")
assert(p:try_to_unmap(a + PG) == false and p:read(a + PG, 1) == "z")

-- errors: nothing mapped there, a task gone another way, a bad design name
local r, msg, err = p:rmap_walk(0x1000)
assert(r == nil and err == "EFAULT" and msg:find("rmap_walk"), tostring(msg))
r, msg, err = p:try_to_unmap(a + 100 * PG)
assert(r == nil and err == "EFAULT", tostring(err))
local th = assert(p:clone_vm())
assert(p:exec("other"))                                     -- ends the thread (de_thread)
r, msg, err = th:rmap_walk()
assert(r == nil and err == "ESRCH", tostring(err))
r, msg, err = th:try_to_unmap(s)
assert(r == nil and err == "ESRCH", tostring(err))
raises("rmap", mmsim.boot, { mem = "64M", rmap = "magic" })
raises("bad argument", p.rmap_walk, p, {})
assert(c:exit() and p:exit())
assert(m:check())
m:shutdown()
print("test_rmap.lua: ok")
