-- test_vmalloc.lua - the Lua vmalloc API: areas, bytes through the MMU,
-- guard pages, vmap of page blocks, kvmalloc, vmallocinfo, misuse errors.
local m = mmsim.boot{ mem = "256M", cpus = 2 }

local v = assert(m:vmalloc("1M"))
assert(v.kind == "vmalloc" and v.size == 1048576 and v.pages == 256)
assert(v.addr == "0xffffc90000005000", v.addr)
assert(m:proc("vmallocinfo"):find(
  "0xffffc90000005000%-0xffffc90000106000 1052672 mmsim_vmalloc%+0x1e/0x40 pages=256 vmalloc N0=256"))
assert(tonumber(m:proc("meminfo"):match("VmallocUsed:%s+(%d+)")) == 1024 + 16)

-- bytes through the MMU, as the kernel running for a process
local p = m:spawn("p")
assert(v:write(4090, "across a page", p))
assert(v:read(4090, 13) == "across a page")
assert(#v:pfns() == 256)

-- out of the area: misuse raises; the guard page oopses
assert(not pcall(v.write, v, 1048570, "too long"))
local ok, msg, err = m:kernel_write("0xffffc90000105000", "x")
assert(ok == nil and err == "EFAULT", msg)
assert(m:dmesg():find("BUG: unable to handle page fault for address: ffffc90000105000"))

m:vfree(v)
assert(not pcall(m.vfree, m, v))            -- double free raises
assert(m:vmalloc_info().lazy_pages == 257)
assert(m:proc("vmallocinfo"):find("unpurged vm_area"))
m:vmalloc_purge()
assert(m:vmalloc_info().lazy_pages == 0)

-- vmap of page blocks, read back through the direct map
local a, b = assert(m:alloc_pages(0)), assert(m:alloc_pages(1))
local vm = assert(m:vmap{ a, b })
assert(vm.kind == "vmap" and vm.pages == 3)
assert(vm:write(4096, "vmap"))
assert(m:kernel_read(("0x%x"):format(0xffff888000000000 + b.pfn * 4096), 4) == "vmap")
assert(m:proc("vmallocinfo"):find("mmsim_vmap%+0xb4/0x130 vmap\n"))
assert(not pcall(m.vfree, m, vm))           -- vunmap's, not vfree's
m:vunmap(vm)
m:free_pages(a)
m:free_pages(b)

-- kvmalloc: kmalloc when it can
local k = assert(m:kvmalloc(100))
assert(k.kind == "kmalloc")
m:kvfree(k)

-- vzalloc, vmalloc_node, vmalloc_user
local z = assert(m:vzalloc(8192))
assert(z:read(0, 8192) == string.rep("\0", 8192))
local u = assert(m:vmalloc_user(4096))
assert(m:proc("vmallocinfo"):find("mmsim_vmalloc_user%+0x1e/0x40 pages=1 vmalloc user N0=1"))
local n = assert(m:vmalloc_node(4096, 0))
assert(not pcall(m.vmalloc_node, m, 4096, 99))
m:vfree(z); m:vfree(u); m:vfree(n)
assert(m:check() == true)
m:shutdown()

-- vmalloc_fault: an early process's pgd lacks the entry until it faults
m = mmsim.boot{ mem = "256M", cpus = 1, vmalloc_fault = 1 }
local early = m:spawn("early")
v = assert(m:vmalloc(8192))
assert(v:write(0, "lazy", early))
assert(m:vmalloc_info().vmalloc_faults == 1)
assert(m:vmstat().vmalloc_fault == 1)
assert(m:check() == true)
m:shutdown()
print("ok")
