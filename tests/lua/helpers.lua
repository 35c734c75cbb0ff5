-- helpers.lua - shared by the Lua tests (not a test itself: ctest runs only
-- test_*.lua). Load with dofile(arg[0]:gsub("[^/]+$", "") .. "helpers.lua").

local H = {}

-- Misuse raises an error whose message matches pattern (the tests put the
-- script's file name and line in it); returns the message.
function H.raises(pattern, f, ...)
  local ok, msg = pcall(f, ...)
  assert(not ok, "expected an error matching " .. pattern)
  assert(tostring(msg):find(pattern), "error was: " .. tostring(msg))
  return msg
end

return H
