-- test_swap.lua: swap devices from Lua (issue 5): boot{swap=...},
-- m:swapon{...}, m:swapoff(...), /proc/swaps and meminfo's Swap lines.
--
-- Invariants: one machine for the whole file; every check is an assert,
-- so the first failure ends the run with an error, and the file ends with
-- assert(m:check()) before it prints ok.
local m = mmsim.boot{ mem = "128M", swap = "8M@2" }

local function meminfo_kb(field)
  return tonumber(m:proc("meminfo"):match(field .. ":%s+(%d+) kB"))
end

assert(meminfo_kb("SwapTotal") == 2047 * 4, "SwapTotal")
assert(meminfo_kb("SwapFree") == 2047 * 4, "SwapFree")
assert(m:proc("swaps"):match("\n/swapfile +file\t\t8188\t\t0\t\t2\n"), m:proc("swaps"))

assert(m:swapon{ size = "1M", path = "/swap2" })
assert(meminfo_kb("SwapTotal") == (2047 + 255) * 4)
assert(m:proc("swaps"):match("\n/swap2 +file\t\t1020\t\t0\t\t%-2\n"), m:proc("swaps"))
local ok, msg, err = m:swapon{ size = "1M", path = "/swap2" }
assert(ok == nil and err == "EBUSY", msg)
ok, msg, err = m:swapoff("/nope")
assert(ok == nil and err == "EINVAL", msg)
assert(m:swapoff("/swap2"))
assert(meminfo_kb("SwapTotal") == 2047 * 4)
assert(not pcall(m.swapon, m, {}), "size is required")
assert(m:fail_nth("swap_read", 1))
assert(m:fail_nth("swap_read", 0))

-- memory is used and given back as usual with swap on
local p = m:spawn("p")
local a = assert(p:mmap(16 * 4096, "rw", "private,anonymous"))
assert(p:write(a, "hello"))
assert(p:read(a, 5) == "hello")
assert(m:swapoff("/swapfile"))
assert(meminfo_kb("SwapTotal") == 0)
assert(m:check())
print("ok")
