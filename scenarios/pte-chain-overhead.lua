-- pte_chain overhead: 2.5's reverse map costs memory per mapping
--
-- Issue 4's second experiment. Purpose: show the memory price of the
-- 2.5-2.6.6 reverse map (rmap=pte_chain): every mapped page keeps the
-- address of every pte that maps it. A page mapped once keeps it in the
-- page itself (PG_direct: page->pte.direct), free; from the second
-- mapping on the addresses go into 64-byte pte_chain blocks of 7 each,
-- so the memory grows with the number of mappings - about 64/7 = 9.1
-- bytes per pte once many processes share a region. Today's
-- anon_vma_chain keeps objects per VMA instead, whatever the number of
-- pages: shown beside it.
--
--   mmsim run --scenario pte-chain-overhead [-- PAGES [MAXPROCS]]
--
-- Steps: a parent maps PAGES pages (default 64) of anonymous memory and
-- writes them; it forks until MAXPROCS processes (default 128) share the
-- region, and after each doubling the rmap memory of both designs is
-- printed. Invariant: all exit, the chains go (pte_chain keeps its one
-- reserve block), and m:check() passes.

local PAGES = tonumber(arg[1] or "64")
local MAXPROCS = tonumber(arg[2] or "128")
if not PAGES or PAGES < 1 or PAGES ~= math.floor(PAGES) or not MAXPROCS or MAXPROCS < 1 or
   MAXPROCS ~= math.floor(MAXPROCS) then
  io.stderr:write("pte-chain-overhead: PAGES and MAXPROCS are whole numbers >= 1; usage: ",
                  "mmsim run --scenario pte-chain-overhead [-- PAGES [MAXPROCS]]\n")
  os.exit(2)
end
local PG = 4096

-- One machine per design, driven in step.
local function start(mode)
  local m = mmsim.boot{ mem = "512M", rmap = mode }
  local p = assert(m:spawn("share"))
  local a = assert(p:mmap(PAGES * PG, "rw", "private,anonymous"))
  assert(p:touch(a, PAGES * PG, "w"))
  return { m = m, parent = p, procs = { p } }
end

local function grow(s, n)
  while #s.procs < n do s.procs[#s.procs + 1] = assert(s.parent:fork()) end
end

-- ptes mapping pages, machine-wide: the sum of every process's RSS.
local function mappings(s)
  local n = 0
  for _, p in ipairs(s.procs) do n = n + p:status().VmRSS / 4 end
  return n
end

local function finish(s)
  for i = #s.procs, 1, -1 do assert(s.procs[i]:exit()) end
  local r = s.m:rmap()
  assert(r.anon_vma + r.anon_vma_chain == 0 and r.pte_chain <= 1, "rmap objects left")
  assert(s.m:check())
  s.m:shutdown()
end

local pc, avc = start("pte_chain"), start("anon_vma_chain")

print(("pte_chain memory per mapping: %d pages of private anonymous memory, shared by 1 to %d"):format(
  PAGES, MAXPROCS))
print("processes after fork (nobody writes: every page stays shared). Mapped ptes count every")
print("pte that maps a page (the region and each process's stack page); blocks are pte_chain")
print("objects (64 bytes, 7 pte addresses each), the one kept in reserve for the next mapping")
print("included. anon_vma_chain: its anon_vma and anon_vma_chain objects.\n")
print(("%9s %12s %14s %12s %12s %16s %12s"):format("processes", "mapped ptes", "pte_chain blks",
      "bytes", "B/mapping", "anon_vma_chain B", "B/mapping"))

local n = 1
while true do
  grow(pc, n)
  grow(avc, n)
  local maps = mappings(pc)
  assert(maps == mappings(avc), "both designs map the same ptes")
  local r, q = pc.m:rmap(), avc.m:rmap()
  print(("%9d %12d %14d %12d %12.2f %16d %12.2f"):format(n, maps, r.pte_chain, r.bytes,
        r.bytes / maps, q.bytes, q.bytes / maps))
  if n >= MAXPROCS then break end
  n = math.min(n * 2, MAXPROCS)
end

print("\nOne process: every page is mapped once and keeps its pte in the page itself (PG_direct),")
print("so only the reserve block exists. Two: each page needs a block for its two ptes, 32")
print("bytes per mapping. From there the blocks fill, 7 ptes each, and the cost per mapping")
print("falls towards 64/7 = 9.1 bytes - paid again by every fork (an entry per pte copied) and")
print("every exit (each entry searched for and removed). anon_vma_chain pays per VMA and per")
print("fork (an anon_vma and two chains, 200 bytes per VMA with anonymous pages), nothing per")
print("page: cheaper than pte_chain for large regions, dearer for tiny ones.")

finish(pc)
finish(avc)
