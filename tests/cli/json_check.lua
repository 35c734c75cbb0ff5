-- json_check.lua - a strict JSON (RFC 8259) reader for the CLI tests, in
-- plain Lua so it checks jansson's output independently of jansson.
-- Usage: mmsim run tests/cli/json_check.lua -- FILE [KEY.PATH=VALUE | KEY.PATH ...]
-- Exits 0 when FILE is one valid JSON value and every KEY.PATH exists (and
-- equals VALUE, compared as text, when given); otherwise prints why, exits 1.
-- A path is keys separated by dots; a number indexes an array (1-based).

local path = assert(arg[1], "usage: json_check.lua -- FILE [PATH[=VALUE]...]")
local f = assert(io.open(path, "rb"))
local s = f:read("*a")
f:close()
local pos = 1

local function fail(msg)
  io.stderr:write(("json_check: %s: %s at byte %d\n"):format(path, msg, pos))
  os.exit(1)
end

local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end

local value

local function str()
  local out = {}
  pos = pos + 1
  while true do
    local c = s:sub(pos, pos)
    if c == "" then fail("unterminated string") end
    if c == '"' then pos = pos + 1; return table.concat(out) end
    if c:byte() < 0x20 then fail("control character in a string") end
    if c == "\\" then
      local e = s:sub(pos + 1, pos + 1)
      local map = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
      if map[e] then out[#out + 1] = map[e]; pos = pos + 2
      elseif e == "u" and s:sub(pos + 2, pos + 5):match("^%x%x%x%x$") then
        out[#out + 1] = "?"; pos = pos + 6
      else fail("bad escape") end
    else
      out[#out + 1] = c; pos = pos + 1
    end
  end
end

-- -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?[0-9]+)?
local function num()
  local start, p = pos, pos
  if s:sub(p, p) == "-" then p = p + 1 end
  local int = s:match("^0", p) or s:match("^[1-9]%d*", p)
  if not int then fail("bad number") end
  p = p + #int
  local frac = s:match("^%.%d+", p)
  if frac then p = p + #frac elseif s:sub(p, p) == "." then fail("bad number") end
  local exp = s:match("^[eE][-+]?%d+", p)
  if exp then p = p + #exp elseif s:sub(p, p):match("[eE]") then fail("bad number") end
  pos = p
  return tonumber(s:sub(start, p - 1))
end

local function arr()
  local t = {}
  pos = pos + 1; ws()
  if s:sub(pos, pos) == "]" then pos = pos + 1; return t end
  while true do
    t[#t + 1] = value(); ws()
    local c = s:sub(pos, pos); pos = pos + 1
    if c == "]" then return t end
    if c ~= "," then fail("expected , or ]") end
  end
end

local function obj()
  local t = {}
  pos = pos + 1; ws()
  if s:sub(pos, pos) == "}" then pos = pos + 1; return t end
  while true do
    ws()
    if s:sub(pos, pos) ~= '"' then fail("expected a key") end
    local k = str(); ws()
    if s:sub(pos, pos) ~= ":" then fail("expected :") end
    pos = pos + 1
    if t[k] ~= nil then fail("duplicate key " .. k) end
    t[k] = value(); ws()
    local c = s:sub(pos, pos); pos = pos + 1
    if c == "}" then return t end
    if c ~= "," then fail("expected , or }") end
  end
end

function value()
  ws()
  local c = s:sub(pos, pos)
  if c == "{" then return obj() end
  if c == "[" then return arr() end
  if c == '"' then return str() end
  if c == "-" or c:match("%d") then return num() end
  for word, v in pairs{ ["true"] = true, ["false"] = false, null = "null" } do
    if s:sub(pos, pos + #word - 1) == word then pos = pos + #word; return v end
  end
  fail("unexpected " .. (c == "" and "end" or ("'" .. c .. "'")))
end

local root = value()
ws()
if pos <= #s then fail("text after the value") end

for i = 2, #arg do
  local p, want = arg[i]:match("^([^=]+)=(.*)$")
  p = p or arg[i]
  local v = root
  for key in p:gmatch("[^.]+") do
    if type(v) ~= "table" then fail("no " .. p) end
    v = v[tonumber(key) or key]
  end
  if v == nil then fail("no " .. p) end
  if want and tostring(v) ~= want then fail(p .. " is " .. tostring(v) .. ", not " .. want) end
end
print("json_check: ok")
