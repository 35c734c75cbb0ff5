-- Large pages: page tables and TLB misses for 1 GiB with 4 KiB and 2 MiB pages
--
-- The seed's experiment 3. Purpose: mapping 1 GiB with 4 KiB pages takes
-- 262,144 PTEs - 512 pte tables, 2 MiB of page tables - in every process
-- that maps it; with 2 MiB hugetlb pages the same GiB is 512 PMD entries in
-- one 4 KiB pmd table. When N processes share the same GiB (MAP_SHARED,
-- inherited over fork) each has its own tables, so the difference
-- multiplies by N: PageTables in /proc/meminfo shows it. The same access
-- pattern (one read per 4 KiB page, a second pass once everything is
-- mapped) shows the TLB side: one miss per 4 KiB page, against one per
-- 2 MiB page.
-- Steps: for each page size, process 1 maps 1 GiB shared and writes it,
-- forks N-1 children that read it all; PageTables and each process's
-- VmPTE are read; then process 1 reads the whole GiB again while the MMU
-- counts TLB misses. Arguments: arg[1] = N (default 4), arg[2] = the
-- mapping size (default 1G). The machine is metadata-only (no bytes kept).
-- Invariant: everything is unmapped at the end and m:check() passes.

local N = tonumber(arg[1] or 4)
local SIZE = arg[2] or "1G"
local units = { K = 2^10, M = 2^20, G = 2^30 }
local bytes = tonumber(SIZE:match("^%d+")) * (units[SIZE:match("%a$") or ""] or 1)
local HP, PG = 2 * 2^20, 4096
assert(N >= 1 and bytes >= HP and bytes % HP == 0, "usage: large-pages [N] [SIZE, a multiple of 2M]")

local m = mmsim.boot{ mem = math.floor(2 * bytes / 2^20 + 512) .. "M", cpus = 2,
                      metadata_only = true }

local function meminfo_kb(field)
  return tonumber(m:proc("meminfo"):match(field .. ":%s+(%d+) kB"))
end

-- One column of the table: map, fault in, fork, measure, tear down.
local function run(label, flags)
  local r = { label = label }
  local pt0 = meminfo_kb("PageTables")
  local p = m:spawn("large-pages")
  local vmpte0 = p:status().VmPTE
  local a = flags and assert(p:mmap(bytes, "rw", flags))
  local f0 = p.minflt
  if a then assert(p:touch(a, bytes, "w")) end
  r.faults = p.minflt - f0
  r.vmpte = p:status().VmPTE - vmpte0
  local children = {}
  for i = 2, N do
    local c = p:fork()
    if a then assert(c:touch(a, bytes, "r")) end
    children[#children + 1] = c
  end
  r.pagetables = meminfo_kb("PageTables") - pt0
  if not a then
    for _, c in ipairs(children) do c:exit() end
    p:exit()
    return r
  end
  -- the same access pattern again, everything mapped: only TLB misses remain
  local s0 = m:mmu_stats()
  assert(p:touch(a, bytes, "r"))
  local s1 = m:mmu_stats()
  r.tlb_misses = s1.tlb_misses - s0.tlb_misses
  r.walks = s1.walks - s0.walks
  m:check()
  for _, c in ipairs(children) do c:exit() end
  p:exit()
  return r
end

print(("Large pages: %s mapped MAP_SHARED by %d process%s (one parent, %d forked)\n"):format(
  SIZE, N, N == 1 and "" or "es", N - 1))

-- The processes' own tables (program image, stack), to take out of PageTables.
local base = run("none", nil)
local small = run("4 KiB pages", "shared,anonymous")
small.pagetables = small.pagetables - base.pagetables

local pages = math.floor(bytes / HP)
assert(m:sysctl("vm.nr_hugepages", pages))
assert(m:sysctl("vm.nr_hugepages") == pages, "the hugetlb pool could not be filled")
local huge = run("2 MiB hugetlb", "shared,anonymous,hugetlb")
huge.pagetables = huge.pagetables - base.pagetables
assert(m:sysctl("vm.nr_hugepages", 0))

-- THP's column (transparent huge pages, with the page table each THP
-- deposits) joins this table when THP is built.
local cols = { small, huge }

local function row(name, fmt, key)
  io.write(("  %-34s"):format(name))
  for _, c in ipairs(cols) do io.write((fmt):format(c[key])) end
  io.write("\n")
end

io.write(("  %-34s"):format(""))
for _, c in ipairs(cols) do io.write(("%16s"):format(c.label)) end
io.write("\n")
small.entries = math.floor(bytes / PG)
huge.entries = math.floor(bytes / HP)
row("leaf entries per process", "%16d", "entries")
row("page tables per process (VmPTE kB)", "%16d", "vmpte")
row(("PageTables for it, %d processes (kB)"):format(N), "%16d", "pagetables")
row("faults to write it (process 1)", "%16d", "faults")
row("TLB misses, one read per 4 KiB page", "%16d", "tlb_misses")
row("page walks in that pass", "%16d", "walks")
print()
print(("4 KiB pages need %d PTEs (%d pte tables, %d kB) per process; 2 MiB pages need %d PMD"):format(
  small.entries, math.floor(bytes / HP), math.floor(bytes / HP) * 4, huge.entries))
print(("entries. With %d processes PageTables grows by %d kB against %d kB: %.0fx less."):format(
  N, small.pagetables, huge.pagetables, small.pagetables / math.max(huge.pagetables, 1)))
print(("The same pass over %s misses the TLB %d times with 4 KiB pages, %d with 2 MiB pages."):format(
  SIZE, small.tlb_misses, huge.tlb_misses))
m:check()
