-- Fork storm: four reverse-map designs (2.4 to today) on one workload
--
-- Issue 4's experiment, the seed's AIM7 story. Purpose: show what "which
-- ptes map this page?" costs in each rmap design Linux has had, by work
-- counted and by the simulated clock, never by host time (the same script
-- gives the same figures).
--
--   mmsim run --scenario fork-storm [-- K [cow|exec|chain]]
--
-- cow (default): a parent maps PAGES pages of anonymous memory and writes
--   them, forks K children (default 10,000), each child writes every page
--   (copy-on-write: parent and children share nothing afterwards), then
--   every data page is reverse-walked once, as reclaim would before
--   unmapping it (reclaim itself is not built yet: the walk is run on
--   demand with p:rmap_walk), and everything exits.
-- exec: each child execs right after its fork (the fork+exec pattern):
--   the rmap upkeep of the fork is paid and thrown away at once.
-- chain: a fork chain - each generation writes its pages, forks the next
--   and exits - where Linux's anon_vma reuse (4.13+) keeps the number of
--   anon_vmas bounded however deep the chain grows.
--
-- Each design gets its own machine (rmap=scan|pte_chain|anon_vma|
-- anon_vma_chain), sized for K processes. Invariant: every design sees the
-- same faults and RSS, the rmap objects all go when the processes exit,
-- and m:check() passes.

local K = tonumber(arg[1] or "10000")
local variant = arg[2] or "cow"
local function usage(msg)
  io.stderr:write("fork-storm: ", msg, "; usage: mmsim run --scenario fork-storm [-- K [cow|exec|chain]]\n")
  os.exit(2)
end
if not K or K < 2 or K ~= math.floor(K) then
  usage("K must be a whole number >= 2 (got " .. tostring(arg[1]) .. ")")
end
if variant ~= "cow" and variant ~= "exec" and variant ~= "chain" then
  usage("the variant is cow, exec or chain (got " .. variant .. ")")
end

local PAGES = 2                      -- data pages per process: the walk is per page
-- scan's walk of one page reads the page tables of the processes before its owner, so
-- walking all K*PAGES pages costs ~K^2: it walks the pages of an even sample of at most
-- SCAN_SAMPLE children (a page's cost depends only on where its owner is on the list).
local SCAN_SAMPLE = 1000
local PG = 4096
local MODES = { "scan", "pte_chain", "anon_vma", "anon_vma_chain" }
-- ~100 KiB per process (page tables, kernel stack, task, mm, VMAs, its pages)
local MEM_MB = math.max(256, math.ceil((K + 1) * 100 / 1024 / 64) * 64 + 128)

local r_copied      -- ptes one fork copies (the same in every design)
local scan_note     -- set when scan's walk was sampled

local function boot(mode)
  return mmsim.boot{ mem = MEM_MB .. "M", rmap = mode }
end

local function per(x, n) return n > 0 and x / n or 0 end

local function fmt(x)
  if x == math.floor(x) then return ("%d"):format(x) end
  if x >= 100 then return ("%.0f"):format(x) end
  return ("%.2f"):format(x)
end

-- The rmap's memory: objects kept by the design and their bytes.
local function rmap_objects(r) return r.anon_vma + r.anon_vma_chain + r.pte_chain end

-- Walk every data page of the given processes once (every step-th process); the work per page.
local function walk_pages(procs, a, step)
  local w = { pages = 0, vmas = 0, ptes = 0, pgtables = 0, mapped = 0 }
  for k = 1, #procs, step or 1 do
    local p = procs[k]
    for i = 0, PAGES - 1 do
      local r = assert(p:rmap_walk(a + i * PG))
      w.pages = w.pages + 1
      w.vmas, w.ptes, w.pgtables = w.vmas + r.vmas, w.ptes + r.ptes, w.pgtables + r.pgtables
      w.mapped = w.mapped + r.mapped
    end
  end
  return w
end

local function setup(m)
  local p = assert(m:spawn("storm"))
  local a = assert(p:mmap(PAGES * PG, "rw", "private,anonymous"))
  assert(p:touch(a, PAGES * PG, "w"))
  return p, a
end

-- cow: K children, each writes every page; every data page walked once.
local function run_cow(mode)
  local m = boot(mode)
  local p, a = setup(m)
  local r0 = m:rmap()
  local kids = {}
  local _, t0 = m:clock()
  for i = 1, K do kids[i] = assert(p:fork()) end
  local _, t1 = m:clock()
  local peak = m:rmap()                       -- right after the forks: the most shared
  local copied = kids[1]:status().VmRSS / 4    -- ptes a fork copies (data, stack, image)
  for i = 1, K do assert(kids[i]:touch(a, PAGES * PG, "w")) end
  local procs = { p }
  for i = 1, K do procs[#procs + 1] = kids[i] end
  local step = 1
  if mode == "scan" and #procs > SCAN_SAMPLE then step = math.ceil(#procs / SCAN_SAMPLE) end
  local _, tw0 = m:clock()
  local w = walk_pages(procs, a, step)
  local _, tw1 = m:clock()
  assert(w.mapped == w.pages, "every data page is mapped exactly once after the COW")
  local _, t2 = m:clock()
  for i = 1, K do assert(kids[i]:exit()) end
  local _, t3 = m:clock()
  assert(p:exit())
  local after = m:rmap()
  assert(rmap_objects(after) <= 1, "rmap objects left after every exit")  -- pte_chain's reserve
  assert(m:check())
  m:shutdown()
  return { mode = mode, w = w, peak = peak, r0 = r0, copied = copied,
           mappings = (K + 1) * copied, step = step, sim_fork_exit = (t1 - t0 + t3 - t2) / K,
           sim_walk = (tw1 - tw0) / w.pages }
end

-- exec: each child execs at once; the objects one fork makes, and what is left.
local function run_exec(mode)
  local m = boot(mode)
  local p, a = setup(m)
  local r0 = m:rmap()
  local made, copied = 0, 0
  local kids = {}
  local _, t0 = m:clock()
  for i = 1, K do
    local before = rmap_objects(m:rmap())
    local c = assert(p:fork())
    made = made + rmap_objects(m:rmap()) - before
    if i == 1 then copied = c:status().VmRSS / 4 end
    assert(c:exec("child"))
    kids[i] = c
  end
  local _, t1 = m:clock()
  local after_exec = m:rmap()
  local w = walk_pages({ p }, a)
  for i = 1, K do assert(kids[i]:exit()) end
  assert(p:exit())
  assert(rmap_objects(m:rmap()) <= 1)
  assert(m:check())
  m:shutdown()
  return { mode = mode, w = w, made = made / K, sim = (t1 - t0) / K,
           left = (rmap_objects(after_exec) - rmap_objects(r0)) / K, copied = copied }
end

-- chain: generation g writes its pages, forks g+1 and exits.
local function run_chain(mode, depth, ancestors_stay)
  local m = boot(mode)
  local p, a = setup(m)
  local samples, peak = {}, 0
  local alive = { p }
  for g = 1, depth do
    local c = assert(p:fork())
    assert(c:touch(a, PAGES * PG, "w"))
    if not ancestors_stay then assert(p:exit()) end
    p = c
    alive[#alive + 1] = c
    local r = m:rmap()
    peak = math.max(peak, r.anon_vma)
    if g == 10 or g == 100 or g == 1000 or g == depth then
      samples[#samples + 1] = { g = g, av = r.anon_vma, avc = r.anon_vma_chain, bytes = r.bytes }
    end
  end
  local w = walk_pages({ p }, a)
  for i = ancestors_stay and 1 or #alive, #alive do assert(alive[i]:exit()) end
  assert(rmap_objects(m:rmap()) <= 1)
  assert(m:check())
  m:shutdown()
  return { mode = mode, w = w, samples = samples, peak = peak }
end

print(("Fork storm, %s variant: K = %d, %d data pages per process, one %d MiB machine per design.")
  :format(variant, K, PAGES, MEM_MB))
print("Reclaim is not built yet: each data page is reverse-walked once on demand (p:rmap_walk,")
print("the walk reclaim's folio_referenced makes), and the work of the walks is counted.")
print("Figures are work, not host time: VMAs visited, ptes checked and page-table pages read")
print("per walked page (vmstat's rmap_walk_*), and the rmap objects the design keeps.\n")

if variant == "cow" then
  print("Expected: anon_vma visits ~K/2 VMAs per page (every VMA of the fork family is on one")
  print("list, the walk stops at the page's owner); anon_vma_chain 1 (the child's own anon_vma);")
  print("pte_chain checks the one pte it keeps but pays memory per mapping at fork; scan reads")
  print("page tables of every process until it finds the owner (~half of all, on average).\n")
  print(("%-15s %10s %10s %14s %12s %10s %10s %10s %10s %11s"):format("design", "VMAs/page",
        "ptes/page", "pgtables/page", "sim ns/walk", "rmap objs", "rmap KiB", "B/mapping",
        "objs/fork", "sim us/f+e"))
  for _, mode in ipairs(MODES) do
    local r = run_cow(mode)
    r_copied = r.copied
    if r.step > 1 then
      scan_note = ("scan walked the pages of every %dth process (%d of %d): see SCAN_SAMPLE."):format(
        r.step, math.ceil((K + 1) / r.step), K + 1)
    end
    local objs = rmap_objects(r.peak)
    print(("%-15s %10s %10s %14s %12s %10d %10s %10s %10s %11s"):format(mode,
      fmt(per(r.w.vmas, r.w.pages)), fmt(per(r.w.ptes, r.w.pages)),
      fmt(per(r.w.pgtables, r.w.pages)), fmt(r.sim_walk), objs, fmt(r.peak.bytes / 1024),
      fmt(per(r.peak.bytes, r.mappings)), fmt((objs - rmap_objects(r.r0)) / K),
      fmt(r.sim_fork_exit / 1000)))
  end
  print("\nrmap objs / KiB: anon_vma + anon_vma_chain + pte_chain objects alive right after the")
  print(("forks (the peak) and their bytes; B/mapping: those bytes per pte mapping a page then (%d:"):format(
    (K + 1) * r_copied))
  print(("%d processes x %d ptes: data and stack); objs/fork: objects each fork added."):format(
    K + 1, r_copied))
  print("Every design copies the same ptes at fork; pte_chain also writes a chain entry for each")
  print("and exit searches the chain to take it out again. sim ns/walk and sim us/f+e: the")
  print("simulated clock (m:clock) per walked page and per child's fork+exit, as the cost model")
  print("(mmsim.costs) prices the work: a fork's fixed part and its ptes, pages allocated, and")
  print("the rmap's own - VMAs visited, ptes checked, tables scanned, objects made or freed,")
  print("pte_chain entries searched. Host time: bench/bench_rmap.")
  if scan_note then print(scan_note) end
elseif variant == "exec" then
  print("Expected: the fork pays the design's upkeep (pte_chain: a chain entry for every pte")
  print("copied, blocks for the pages now shared; anon_vma_chain: an anon_vma and two chains per")
  print("VMA with anonymous pages) and exec throws it away at once. After the execs the parent's")
  print("pages are mapped once again: every walk is short (scan's too: the parent is the oldest")
  print("process, the first its walk reads; a page of the newest would cost all K).\n")
  print(("%-15s %14s %14s %12s %12s %14s %14s"):format("design", "objs/fork", "objs/exec'd",
        "VMAs/page", "ptes/page", "pgtables/page", "sim us/f+exec"))
  for _, mode in ipairs(MODES) do
    local r = run_exec(mode)
    r_copied = r.copied
    print(("%-15s %14s %14s %12s %12s %14s %14s"):format(mode, fmt(r.made), fmt(r.left),
      fmt(per(r.w.vmas, r.w.pages)), fmt(per(r.w.ptes, r.w.pages)),
      fmt(per(r.w.pgtables, r.w.pages)), fmt(r.sim / 1000)))
  end
  print(("\nobjs/fork: rmap objects a fork adds (exec frees them; each fork copies %d ptes, and"):format(
    r_copied or 0))
  print("pte_chain writes a chain entry for each); objs/exec'd: what each exec'd process keeps")
  print("for its own new program (its stack's anon_vma, chains, shared image pages' blocks);")
  print("sim us/f+exec: the simulated clock per fork and exec (m:clock, the cost model's prices).")
else
  print("Expected: in a chain where each generation forks the next and exits, anon_vma_chain")
  print("reuses the anon_vma an exited ancestor left idle (no VMA uses it, at most one child),")
  print("so nr_anon_vma stays bounded (Linux 4.13+); anon_vma keeps one per family; pte_chain")
  print("and scan keep none. Walks stay short: one process maps each page.\n")
  print(("%-15s %10s %12s %16s %12s %12s"):format("design", "generation", "nr_anon_vma",
        "nr_anon_vma_chain", "rmap KiB", "VMAs/page"))
  for _, mode in ipairs(MODES) do
    local r = run_chain(mode, K, false)
    for i, s in ipairs(r.samples) do
      print(("%-15s %10d %12d %16d %12s %12s"):format(i == 1 and mode or "", s.g, s.av, s.avc,
        fmt(s.bytes / 1024), i == #r.samples and fmt(per(r.w.vmas, r.w.pages)) or ""))
    end
  end
  local depth = math.min(K, 100)
  local r = run_chain("anon_vma_chain", depth, true)
  local s = r.samples[#r.samples]
  print(("\nFor contrast, the same chain with every ancestor still alive (anon_vma_chain, depth %d):"):format(depth))
  print(("nothing is idle, nothing is reused: %d anon_vmas and %d chains (each VMA links to"):format(
    s.av, s.avc))
  print("every ancestor's anon_vma), growing with the square of the depth.")
end
