-- vmalloc: virtually contiguous kernel memory from scattered frames
--
-- The seed's experiment 9. Purpose: show that when physical memory is too
-- fragmented for even a 16 KiB contiguous block, vmalloc still hands the
-- kernel a large virtually contiguous area: it takes single frames one by
-- one and maps them side by side in init_mm's page tables, with a guard
-- page after the area. The price is page tables (one pte table per 2 MiB)
-- and TLB entries, and a lazily flushed range after vfree.
-- Steps: boot (128M unless `--mem` or arg[1] says otherwise), fragment
-- physical memory as the buddy-fragmentation scenario does (__GFP_NORETRY:
-- taking everything must not wake the OOM killer for the worker), show that
-- kmalloc(64K) fails, vmalloc 4 MiB, print how scattered its frames are,
-- /proc/vmallocinfo and the page-table cost, touch it through the MMU,
-- hit the guard page, then vfree and purge.
-- Invariant: everything allocated is freed again and m:check() passes.

local mem = arg[1] or "128M"
local m = mmsim.boot{ mem = mem }
local MiB = 4 -- vmalloc size in MiB

-- kernel addresses are 64-bit: add to one given as "0x%016x" without rounding
local function kaddr_add(hex, off)
  local hi, lo = tonumber(hex:sub(3, 10), 16), tonumber(hex:sub(11, 18), 16) + off
  return ("0x%08x%08x"):format(hi + math.floor(lo / 2^32), lo % 2^32)
end

local function meminfo_kb(field)
  return tonumber(m:proc("meminfo"):match(field .. ":%s+(%d+) kB"))
end

print(("vmalloc on a fragmented %s machine\n"):format(mem))
local p = m:spawn("worker")   -- before memory is fragmented: a process needs some order-2 blocks
print("/proc/vmallocinfo after boot (CPU 1's idle-task stack):")
io.write(m:proc("vmallocinfo"), "\n")

-- a) fragment: every page the allocator gives (reserves too), then free every odd frame
local pages, kept = {}, {}
for _, gfp in ipairs{ "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN", "GFP_ATOMIC|__GFP_NOWARN",
                      "GFP_ATOMIC|__GFP_MEMALLOC|__GFP_NOWARN" } do
  while true do
    local pg = m:alloc_pages(0, gfp)
    if not pg then break end
    pages[#pages + 1] = pg
  end
end
for _, pg in ipairs(pages) do
  if pg.pfn % 2 == 1 then m:free_pages(pg) else kept[#kept + 1] = pg end
end
print(("a) fragmented: %d frames taken, every odd one freed; MemFree %d MiB"):format(
  #pages, math.floor(meminfo_kb("MemFree") / 1024)))

-- b) physically contiguous memory is scarce
local o, msg = m:kmalloc(64 * 1024, "GFP_KERNEL|__GFP_NOWARN")
if o then
  print("b) kmalloc(64K) was served from a block the reserves kept")
  m:kfree(o)
else
  print(("b) kmalloc(64K) fails: %s"):format(msg))
end

-- c) vmalloc does not need contiguity
local pt0 = m:vmalloc_info()
local v = assert(m:vmalloc(MiB .. "M"))
local pfns = v:pfns()
local runs, longest, run, lo, hi = 0, 0, 0, math.huge, 0
for i, pfn in ipairs(pfns) do
  if i == 1 or pfn ~= pfns[i - 1] + 1 then runs = runs + 1; run = 1 else run = run + 1 end
  if run > longest then longest = run end
  if pfn < lo then lo = pfn end
  if pfn > hi then hi = pfn end
end
print(("c) vmalloc(%dM) = %s: %d pages in %d physically contiguous runs (longest %d),"
  .. " frames spread over pfn %d..%d (%d MiB of physical memory)"):format(MiB, v.addr, #pfns,
  runs, longest, lo, hi, math.floor((hi - lo + 1) / 256)))
print(("   first frames: %s ..."):format(table.concat({ pfns[1], pfns[2], pfns[3], pfns[4],
  pfns[5] }, ", ")))
print("\n/proc/vmallocinfo now:")
io.write(m:proc("vmallocinfo"))
local pt = m:vmalloc_info()
print(("\nd) page-table cost in init_mm: %d pte tables + %d pmd tables (%d KiB) for %d MiB;"
  .. " the %d PUD tables of the vmalloc range were allocated at boot, so every process"
  .. " shares them; VmallocUsed %d kB"):format(pt.pgtable_pte - pt0.pgtable_pte,
  pt.pgtable_pmd - pt0.pgtable_pmd,
  4 * (pt.pgtable_pte + pt.pgtable_pmd - pt0.pgtable_pte - pt0.pgtable_pmd), MiB,
  pt.pgtable_pud, meminfo_kb("VmallocUsed")))

-- e) the kernel touches it through the MMU, across page boundaries
assert(v:write(4096 - 3, "scattered", p))
print(("e) written across a page boundary as the kernel running for pid %d, read back: %q"):format(
  p.pid, v:read(4096 - 3, 9, p)))
local ok, err = m:kernel_write(kaddr_add(v.addr, MiB * 2^20), "!")
print(("   one byte past the end lands on the guard page: %s (%s); the kernel log says:"):format(
  tostring(ok), err))
for line in m:dmesg():gmatch("[^\n]+") do
  if line:find("BUG: unable") or line:find("#PF:") then print("     " .. line) end
end

-- f) free: the frames return at once, the addresses after a TLB flush
m:vfree(v)
local i = m:vmalloc_info()
print(("f) vfree: VmallocUsed %d kB, %d pages of address space wait for a purge"
  .. " (purged past %d pages, or when space runs out)"):format(meminfo_kb("VmallocUsed"),
  i.lazy_pages, i.lazy_max_pages))
m:vmalloc_purge()
i = m:vmalloc_info()
print(("   after the purge: %d lazy pages, %d purge(s), %d full TLB flush(es)"):format(
  i.lazy_pages, i.purges, i.flush_all))

print([[

Why: the buddy allocator can only serve 2^N frames that are free together;
vmalloc asks for 2^0 frames only, so fragmentation cannot stop it. Its
contiguity is virtual: init_mm maps the frames next to each other and every
kernel access goes through the page tables and the TLB, which kmalloc
memory (the 1 GiB-page direct map) barely needs.]])

for _, pg in ipairs(kept) do m:free_pages(pg) end
print(("\ncheck: %s"):format(tostring(m:check())))
m:shutdown()
