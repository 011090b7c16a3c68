-- run-handler.lua: runs a handler package over a local file with plain Lua
-- 5.4, the way the client's sandbox will, so that handlers can be written and
-- tested before the sandbox exists. It is a development tool, not the
-- sandbox: it uses io and debug itself, and its limits are approximations.
--
--   lua5.4 handlers/tools/run-handler.lua DIR FILE [--type KIND] [--mime MIME]
--       [--title TITLE] [--id ID] [--page N] [--state FILE] [--stats]
--
-- Output matches `msgc --json handler run`: one `{"show": VIEW}` line per
-- mc.show, then `{"view": VIEW}`; on failure exit status 1 and the message
-- on stderr (handler_error: ..., handler_limit: ..., handler_bad_view: ...).
-- --state FILE keeps the handler's mc.state store in FILE between runs (as
-- the client keeps HOME/handlers/NAME/state.json); --stats prints the work
-- each call segment took to stderr, to keep an eye on the budget.

-- The shim's own code keeps private references, so that the charging
-- wrappers installed for the handler never bill the shim's work.
local sfind, ssub, sbyte, schar, sformat, sgsub, smatch, sgmatch =
  string.find, string.sub, string.byte, string.char, string.format, string.gsub, string.match, string.gmatch
local tconcat = table.concat

local LIMIT_INSTRUCTIONS = 100000000
local LIMIT_SECONDS = 2.0
local LIMIT_MEMORY_KIB = 64 * 1024
local STATE_CAP = 64 * 1024
local READ_CAP = 1048576

local function die(msg)
  io.stderr:write(msg, "\n")
  os.exit(1)
end

-- Arguments ---------------------------------------------------------------

local opts = { page = 1 }
local positional = {}
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--stats" then
      opts.stats = true
      i = i + 1
    elseif a:sub(1, 2) == "--" then
      local v = arg[i + 1]
      if v == nil then die("usage: option " .. a .. " needs a value") end
      opts[a:sub(3)] = v
      i = i + 2
    else
      positional[#positional + 1] = a
      i = i + 1
    end
  end
end
if #positional ~= 2 then
  die("usage: lua5.4 run-handler.lua DIR FILE [--type KIND] [--mime MIME] [--title TITLE] [--page N] [--state FILE] [--stats]")
end
local pkg_dir, content_path = positional[1]:gsub("/+$", ""), positional[2]
local page_arg = math.tointeger(tonumber(opts.page))
if not page_arg or page_arg < 1 then die("usage: --page takes an integer of at least 1") end

-- JSON ----------------------------------------------------------------------

local NULL = setmetatable({}, { __tostring = function() return "mc.null" end, __metatable = "mc.null" })

-- A strict RFC 8259 decoder, as the host's (Boost.JSON) is strict: no
-- trailing commas, no leading zeros, no control characters in strings,
-- valid UTF-8 only.
local function json_decode(text)
  if type(text) ~= "string" then return nil, "json_decode takes a string" end
  local pos = 1
  local n = #text
  local function fail(msg) error({ json = msg .. " at byte " .. pos }, 0) end
  local function ws()
    local _, e = sfind(text, "^[ \t\r\n]*", pos)
    pos = e + 1
  end
  local value
  local function str()
    pos = pos + 1
    local parts = {}
    while true do
      local s, e = sfind(text, '^[^"\\%c]+', pos)
      if s then
        parts[#parts + 1] = ssub(text, s, e)
        pos = e + 1
      end
      local c = ssub(text, pos, pos)
      if c == '"' then
        pos = pos + 1
        break
      elseif c == "\\" then
        local esc = ssub(text, pos + 1, pos + 1)
        local simple = ({ ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" })[esc]
        if simple then
          parts[#parts + 1] = simple
          pos = pos + 2
        elseif esc == "u" then
          local hex = smatch(text, "^%x%x%x%x", pos + 2)
          if not hex then fail("bad \\u escape") end
          local cp = tonumber(hex, 16)
          pos = pos + 6
          if cp >= 0xD800 and cp <= 0xDBFF then
            local lo = smatch(text, "^\\u(%x%x%x%x)", pos)
            local lov = lo and tonumber(lo, 16)
            if lov and lov >= 0xDC00 and lov <= 0xDFFF then
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lov - 0xDC00)
              pos = pos + 6
            else
              cp = 0xFFFD
            end
          elseif cp >= 0xDC00 and cp <= 0xDFFF then
            cp = 0xFFFD
          end
          parts[#parts + 1] = utf8.char(cp)
        else
          fail("bad escape")
        end
      elseif c == "" then
        fail("unterminated string")
      else
        fail("control character in string")
      end
    end
    local s = tconcat(parts)
    if not utf8.len(s) then fail("invalid UTF-8 in string") end
    return s
  end
  function value(depth)
    if depth > 512 then fail("nested too deeply") end
    ws()
    local c = ssub(text, pos, pos)
    if c == "{" then
      pos = pos + 1
      local t = {}
      ws()
      if ssub(text, pos, pos) == "}" then
        pos = pos + 1
        return t
      end
      while true do
        ws()
        if ssub(text, pos, pos) ~= '"' then fail("expected a key") end
        local k = str()
        ws()
        if ssub(text, pos, pos) ~= ":" then fail("expected ':'") end
        pos = pos + 1
        t[k] = value(depth + 1)
        ws()
        c = ssub(text, pos, pos)
        pos = pos + 1
        if c == "}" then return t end
        if c ~= "," then fail("expected ',' or '}'") end
      end
    elseif c == "[" then
      pos = pos + 1
      local t = {}
      ws()
      if ssub(text, pos, pos) == "]" then
        pos = pos + 1
        return t
      end
      while true do
        t[#t + 1] = value(depth + 1)
        ws()
        c = ssub(text, pos, pos)
        pos = pos + 1
        if c == "]" then return t end
        if c ~= "," then fail("expected ',' or ']'") end
      end
    elseif c == '"' then
      return str()
    elseif ssub(text, pos, pos + 3) == "true" then
      pos = pos + 4
      return true
    elseif ssub(text, pos, pos + 4) == "false" then
      pos = pos + 5
      return false
    elseif ssub(text, pos, pos + 3) == "null" then
      pos = pos + 4
      return NULL
    else
      local num = smatch(text, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not num or not (smatch(num, "^-?0$") or smatch(num, "^-?0[.eE]") or smatch(num, "^-?[1-9]"))
          or not smatch(num, "^-?%d+%.?%d*$") and not smatch(num, "^-?%d+%.%d+[eE][-+]?%d+$")
          and not smatch(num, "^-?%d+[eE][-+]?%d+$") or smatch(num, "%.$") then
        fail("unexpected character")
      end
      pos = pos + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
  end
  local ok, res = pcall(function()
    local v = value(0)
    ws()
    if pos <= n then fail("text after the value") end
    return v
  end)
  if ok then return res end
  if type(res) == "table" and res.json then return nil, res.json end
  error(res, 0)
end

local function enc(s)
  return '"' .. sgsub(s, '[%c"\\]', function(c)
    local b = sbyte(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    if b == 10 then return "\\n" elseif b == 9 then return "\\t" elseif b == 13 then return "\\r" end
    if b < 32 then return sformat("\\u%04x", b) end
    return c
  end) .. '"'
end

-- The view: checked as the host checks it, printed as msgc prints it -------

local function bad(msg) error({ bad_view = msg }, 0) end

local function is_seq(t)
  if type(t) ~= "table" then return false end
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n == #t
end

local function text(v, where)
  if type(v) ~= "string" then bad(where .. " is not a string") end
  if not utf8.len(v) then bad(where .. " is not valid UTF-8") end
  return enc(v)
end

local function only(t, allowed, where)
  for k in pairs(t) do
    if not allowed[k] then bad(where .. " has an unknown field " .. tostring(k)) end
  end
end

local encode_blocks

local function encode_block(b, where)
  if type(b) ~= "table" then bad(where .. " is not a table") end
  local t = b.type
  if t == "heading" then
    only(b, { type = 1, level = 1, text = 1 }, where)
    local lv = math.tointeger(b.level)
    if not lv or lv < 1 or lv > 6 then bad(where .. ".level is not 1-6") end
    return sformat('{"type":"heading","level":%d,"text":%s}', lv, text(b.text, where .. ".text"))
  elseif t == "paragraph" or t == "pre" then
    only(b, { type = 1, text = 1 }, where)
    return sformat('{"type":"%s","text":%s}', t, text(b.text, where .. ".text"))
  elseif t == "list" then
    only(b, { type = 1, ordered = 1, items = 1 }, where)
    if type(b.ordered) ~= "boolean" then bad(where .. ".ordered is not a boolean") end
    if not is_seq(b.items) then bad(where .. ".items is not a sequence") end
    local items = {}
    for i, it in ipairs(b.items) do
      items[i] = '[{"type":"paragraph","text":' .. text(it, where .. ".items[" .. i .. "]") .. "}]"
    end
    return sformat('{"type":"list","ordered":%s%s,"items":[%s]}', tostring(b.ordered),
      b.ordered and ',"start":1' or "", tconcat(items, ","))
  elseif t == "table" or t == "facts" then
    only(b, { type = 1, rows = 1 }, where)
    if not is_seq(b.rows) then bad(where .. ".rows is not a sequence") end
    local rows = {}
    for i, r in ipairs(b.rows) do
      if not is_seq(r) then bad(where .. ".rows[" .. i .. "] is not a sequence") end
      if t == "facts" and #r ~= 2 then bad(where .. ".rows[" .. i .. "] is not a key and a value") end
      local cells = {}
      for j, c in ipairs(r) do cells[j] = text(c, where .. ".rows[" .. i .. "][" .. j .. "]") end
      rows[i] = "[" .. tconcat(cells, ",") .. "]"
    end
    return sformat('{"type":"%s","rows":[%s]}', t, tconcat(rows, ","))
  elseif t == "quote" then
    only(b, { type = 1, blocks = 1 }, where)
    return '{"type":"quote","blocks":' .. encode_blocks(b.blocks, where .. ".blocks") .. "}"
  elseif t == "rule" then
    only(b, { type = 1 }, where)
    return '{"type":"rule"}'
  end
  bad(where .. " has an unknown type " .. tostring(t))
end

function encode_blocks(bs, where)
  if not is_seq(bs) then bad(where .. " is not a sequence") end
  local out = {}
  for i, b in ipairs(bs) do out[i] = encode_block(b, where .. "[" .. i .. "]") end
  return "[" .. tconcat(out, ",") .. "]"
end

local RID = "^r_[%w_%-]+$"

local function encode_view(v, kind, opener)
  if type(v) ~= "table" then bad("the view is a " .. type(v) .. ", not a table") end
  only(v, { title = 1, blocks = 1, links = 1, images = 1, actions = 1, page = 1, notes = 1 }, "view")
  local parts = { '"view":1', '"kind":' .. enc(kind), '"opener":' .. enc(opener), '"title":' .. text(v.title, "title"),
    '"charset":"UTF-8"', '"blocks":' .. encode_blocks(v.blocks, "blocks") }
  local links = {}
  if v.links ~= nil then
    if not is_seq(v.links) then bad("links is not a sequence") end
    for i, l in ipairs(v.links) do
      local w = "links[" .. i .. "]"
      if type(l) ~= "table" then bad(w .. " is not a table") end
      only(l, { text = 1, href = 1, resource_id = 1 }, w)
      if (l.href == nil) == (l.resource_id == nil) then bad(w .. " needs exactly one of href and resource_id") end
      if l.resource_id ~= nil then
        if type(l.resource_id) ~= "string" or not smatch(l.resource_id, RID) then bad(w .. ".resource_id is not a resource id") end
        links[i] = sformat('{"n":%d,"text":%s,"href":%s,"resource_id":%s}', i, text(l.text, w .. ".text"),
          enc("msgc:resource/" .. l.resource_id), enc(l.resource_id))
      else
        if type(l.href) ~= "string" or not smatch(l.href, "^https?://[^%s]+$") then bad(w .. ".href is not an http(s) URL") end
        links[i] = sformat('{"n":%d,"text":%s,"href":%s}', i, text(l.text, w .. ".text"), text(l.href, w .. ".href"))
      end
    end
  end
  parts[#parts + 1] = '"links":[' .. tconcat(links, ",") .. "]"
  local images = {}
  if v.images ~= nil then
    if not is_seq(v.images) then bad("images is not a sequence") end
    for i, im in ipairs(v.images) do
      local w = "images[" .. i .. "]"
      if type(im) ~= "table" then bad(w .. " is not a table") end
      only(im, { alt = 1, resource_id = 1 }, w)
      if type(im.resource_id) ~= "string" or not smatch(im.resource_id, RID) then bad(w .. ".resource_id is not a resource id") end
      images[i] = sformat('{"alt":%s,"src":%s,"resource_id":%s}', text(im.alt, w .. ".alt"),
        enc("msgc:resource/" .. im.resource_id), enc(im.resource_id))
    end
  end
  parts[#parts + 1] = '"images":[' .. tconcat(images, ",") .. "]"
  local actions = {}
  if v.actions ~= nil then
    if not is_seq(v.actions) then bad("actions is not a sequence") end
    for i, a in ipairs(v.actions) do
      local w = "actions[" .. i .. "]"
      if type(a) ~= "table" then bad(w .. " is not a table") end
      only(a, { type = 1, label = 1, url = 1, resource_id = 1 }, w)
      if a.type == "buy" then
        if a.resource_id ~= nil then bad(w .. " (buy) has a resource_id") end
        if type(a.url) ~= "string" or not smatch(a.url, "^https?://[^%s]+$") then bad(w .. ".url is not an http(s) URL") end
        actions[i] = sformat('{"type":"buy","label":%s,"url":%s}', text(a.label, w .. ".label"), text(a.url, w .. ".url"))
      elseif a.type == "open" or a.type == "download" then
        if a.url ~= nil then bad(w .. " (" .. a.type .. ") has a url") end
        if type(a.resource_id) ~= "string" or not smatch(a.resource_id, RID) then bad(w .. ".resource_id is not a resource id") end
        actions[i] = sformat('{"type":"%s","label":%s,"resource_id":%s}', a.type, text(a.label, w .. ".label"),
          enc(a.resource_id))
      else
        bad(w .. " has an unknown type " .. tostring(a.type))
      end
    end
  end
  parts[#parts + 1] = '"actions":[' .. tconcat(actions, ",") .. "]"
  if v.page ~= nil then
    if type(v.page) ~= "table" then bad("page is not a table") end
    only(v.page, { number = 1, count = 1 }, "page")
    local num, cnt = math.tointeger(v.page.number), math.tointeger(v.page.count)
    if not num or not cnt or num < 1 or cnt < 1 or num > cnt then bad("page is not {number, count} with 1 <= number <= count") end
    parts[#parts + 1] = sformat('"page":{"number":%d,"count":%d}', num, cnt)
  end
  local notes = {}
  if v.notes ~= nil then
    if not is_seq(v.notes) then bad("notes is not a sequence") end
    for i, s in ipairs(v.notes) do notes[i] = text(s, "notes[" .. i .. "]") end
  end
  parts[#parts + 1] = '"notes":[' .. tconcat(notes, ",") .. "]"
  return "{" .. tconcat(parts, ",") .. "}"
end

-- The package ---------------------------------------------------------------

local function read_all(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local manifest_text = read_all(pkg_dir .. "/manifest.json") or die("handler_error: no manifest.json in " .. pkg_dir)
local manifest, merr = json_decode(manifest_text)
if type(manifest) ~= "table" then die("handler_error: manifest.json: " .. tostring(merr or "not an object")) end
do
  local keys = { name = "string", version = "string", kinds = "table", mimes = "table", entry = "string",
    min_client = "string", description = "string" }
  for k, want in pairs(keys) do
    if type(manifest[k]) ~= want then die("handler_error: manifest.json: " .. k .. " is missing or not a " .. want) end
  end
  for k in pairs(manifest) do
    if not keys[k] then die("handler_error: manifest.json: unknown key " .. k) end
  end
  local name = manifest.name
  if #name < 3 or #name > 40 or not smatch(name, "^[a-z][a-z0-9%-]*$") then die("handler_error: bad handler name " .. name) end
  if not smatch(manifest.version, "^%d+%.%d+%.%d+$") then die("handler_error: bad version") end
  if #manifest.kinds == 0 and #manifest.mimes == 0 then die("handler_error: no kinds and no mimes") end
  -- Every file of the package must be one the package format allows.
  local p = io.popen("cd '" .. pkg_dir:gsub("'", "'\\''") .. "' && find . -type f | sed 's|^\\./||' | sort")
  local count = 0
  for path in p:lines() do
    count = count + 1
    if path ~= "manifest.json" then
      if #path > 128 or not smatch(path, "^[a-z0-9_%-%./]+$") or sfind(path, "//", 1, true)
          or smatch(path, "^%.%.?/") or sfind(path, "/%.%.?/") or smatch(path, "/%.%.?$")
          or not (smatch(path, "%.lua$") or smatch(path, "%.txt$") or smatch(path, "%.json$")) then
        die("handler_error: the package holds a file the format refuses: " .. path)
      end
    end
  end
  p:close()
  if count > 65 then die("handler_error: more than 64 files") end
end

-- State ---------------------------------------------------------------------

local state = {}
local state_dirty = false
if opts.state then
  local s = read_all(opts.state)
  if s and s ~= "" then
    state = json_decode(s) or die("run-handler: unreadable state file " .. opts.state)
  end
end
local function state_size(extra_key, extra_value)
  local total = 0
  for k, v in pairs(state) do
    if k ~= extra_key then total = total + #k + #v end
  end
  if extra_key then total = total + #extra_key + #extra_value end
  return total
end
local function save_state()
  if not (opts.state and state_dirty) then return end
  local keys = {}
  for k in pairs(state) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for i, k in ipairs(keys) do parts[i] = enc(k) .. ":" .. enc(state[k]) end
  local f = assert(io.open(opts.state, "wb"))
  f:write("{", tconcat(parts, ","), "}\n")
  f:close()
end

-- Budget --------------------------------------------------------------------

-- The sandbox charges pattern matching step by step; here a call is billed
-- the bytes it spans, which is close to what a step-counting matcher
-- charges for the linear patterns the handlers use.
local used, charged, seg_start, peak = 0, 0, os.clock(), 0
local limit_hit
local function trip(what)
  limit_hit = limit_hit or what
  error("handler_limit: " .. limit_hit, 0)
end
local function hook()
  used = used + 1000
  if limit_hit then trip(limit_hit) end
  if used + charged > LIMIT_INSTRUCTIONS then trip("instructions") end
  if os.clock() - seg_start > LIMIT_SECONDS then trip("time") end
  if collectgarbage("count") > LIMIT_MEMORY_KIB then trip("memory") end
end
local function charge(n)
  charged = charged + n
  if used + charged > LIMIT_INSTRUCTIONS then trip("instructions") end
end
local segments = {}
local function new_segment()
  local total = used + charged
  segments[#segments + 1] = total
  if total > peak then peak = total end
  used, charged, seg_start = 0, 0, os.clock()
end

-- The sandbox's environment -------------------------------------------------

local sandbox_string = {}
for k, v in pairs(string) do sandbox_string[k] = v end
sandbox_string.dump = nil
sandbox_string.find = function(s, p, init, plain)
  local r = table.pack(sfind(s, p, init, plain))
  local len = #tostring(s)
  local from = init or 1
  if from < 0 then from = math.max(len + from + 1, 1) end
  charge((r[1] and r[2] or len) - from + 1)
  return table.unpack(r, 1, r.n)
end
sandbox_string.match = function(s, p, init)
  local len = #tostring(s)
  local from = init or 1
  if from < 0 then from = math.max(len + from + 1, 1) end
  local anchored = type(p) == "string" and ssub(p, 1, 1) == "^"
  local r = table.pack(smatch(s, p, init))
  charge(anchored and 8 or (len - from + 1))
  return table.unpack(r, 1, r.n)
end
sandbox_string.gmatch = function(s, p, ...)
  charge(#tostring(s))
  return sgmatch(s, p, ...)
end
sandbox_string.gsub = function(s, p, r, n)
  charge(#tostring(s))
  return sgsub(s, p, r, n)
end
local string_rep = string.rep
sandbox_string.rep = function(s, n, sep)
  local len = #tostring(s) * n + (sep and #sep * math.max(n - 1, 0) or 0)
  if len > 16 * 1048576 then error("string.rep: result over 16 MiB", 2) end
  return string_rep(s, n, sep)
end
local sandbox_table = {}
for k, v in pairs(table) do sandbox_table[k] = v end
sandbox_table.concat = function(t, sep, i, j)
  local total = 0
  i, j = i or 1, j or #t
  for k = i, j do
    local v = t[k]
    total = total + ((type(v) == "string" or type(v) == "number") and #tostring(v) or 0) + (sep and #sep or 0)
  end
  if total > 16 * 1048576 then error("table.concat: result over 16 MiB", 2) end
  return tconcat(t, sep, i, j)
end
sandbox_table.unpack = function(t, i, j)
  i, j = i or 1, j or #t
  if j - i + 1 > 10000 then error("table.unpack: more than 10000 values", 2) end
  return table.unpack(t, i, j)
end
local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end
local sandbox_coroutine = copy(coroutine)
-- Hooks are per coroutine in Lua: every new one gets the budget hook.
sandbox_coroutine.create = function(f)
  local co = coroutine.create(f)
  debug.sethook(co, hook, "", 1000)
  return co
end
sandbox_coroutine.wrap = function(f)
  local co = sandbox_coroutine.create(f)
  return function(...)
    local r = table.pack(coroutine.resume(co, ...))
    if not r[1] then error(r[2], 0) end
    return table.unpack(r, 2, r.n)
  end
end

local env = {
  _VERSION = _VERSION, assert = assert, error = error, getmetatable = getmetatable, ipairs = ipairs, next = next,
  pairs = pairs, rawequal = rawequal, rawget = rawget, rawlen = rawlen, rawset = rawset, select = select,
  setmetatable = setmetatable, tonumber = tonumber, tostring = tostring, type = type,
  string = sandbox_string, table = sandbox_table, math = copy(math), utf8 = copy(utf8), coroutine = sandbox_coroutine,
  print = function(...)
    local t = table.pack(...)
    for i = 1, t.n do t[i] = tostring(t[i]) end
    io.stderr:write("handler print: ", tconcat(t, "\t", 1, t.n), "\n")
  end,
}
-- Limit errors stay raised through pcall and xpcall, as in the sandbox.
env.pcall = function(f, ...)
  local r = table.pack(pcall(f, ...))
  if limit_hit then trip(limit_hit) end
  return table.unpack(r, 1, r.n)
end
env.xpcall = function(f, h, ...)
  local r = table.pack(xpcall(f, h, ...))
  if limit_hit then trip(limit_hit) end
  return table.unpack(r, 1, r.n)
end
env.load = function(chunk, name, mode, e)
  if type(chunk) ~= "string" then error("load takes text only", 2) end
  return load(chunk, name, "t", e == nil and env or e)
end
env._G = env

local loaded = {}
env.require = function(path)
  if type(path) ~= "string" or not smatch(path, "^[a-z0-9_%-%./]+%.lua$") or sfind(path, "..", 1, true) then
    error("require: not a .lua path of this package: " .. tostring(path), 2)
  end
  if loaded[path] ~= nil then return loaded[path] end
  local src = read_all(pkg_dir .. "/" .. path) or error("require: no file " .. path .. " in the package", 2)
  local f, err = load(src, "=" .. path, "t", env)
  if not f then error(err, 0) end
  local r = f()
  if r == nil then r = true end
  loaded[path] = r
  return r
end

-- The host API --------------------------------------------------------------

local content = io.open(content_path, "rb") or die("run-handler: cannot open " .. content_path)
local content_size = content:seek("end")
local sha256 = opts.sha256
if not sha256 then
  local p = io.popen("sha256sum '" .. content_path:gsub("'", "'\\''") .. "'")
  sha256 = smatch(p:read("a") or "", "^(%x+)")
  p:close()
end
local filename = smatch(content_path, "([^/]+)$")
local kind = opts.type or manifest.kinds[1] or "unknown"
local opener = manifest.name
local input_count = 0

local mc = {}
mc.null = NULL
mc.resource = function()
  local tags = {}
  if opts.tags then for t in sgmatch(opts.tags, "[^,]+") do tags[#tags + 1] = t end end
  return { id = opts.id or "r_local", title = opts.title or filename, type = kind, mime = opts.mime or "",
    size = content_size, sha256 = sha256, tags = tags, filename = filename }
end
mc.size = function() return content_size end
mc.read = function(offset, n)
  offset, n = math.tointeger(offset), math.tointeger(n)
  if not offset or not n then error("mc.read: offset and n must be integers", 2) end
  if offset < 0 then error("mc.read: negative offset", 2) end
  if n < 0 or n > READ_CAP then error("mc.read: n must be 0 to 1 MiB", 2) end
  if offset >= content_size or n == 0 then return "" end
  content:seek("set", offset)
  return content:read(n) or ""
end
mc.json_decode = json_decode
mc.state_get = function(key)
  if type(key) ~= "string" then error("mc.state_get: key must be a string", 2) end
  return state[key]
end
mc.state_set = function(key, value)
  if type(key) ~= "string" or type(value) ~= "string" then error("mc.state_set: key and value must be strings", 2) end
  if state_size(key, value) > STATE_CAP then return nil, "state_full" end
  state[key] = value
  state_dirty = true
  return true
end
mc.open = function(resource_id, label)
  if type(resource_id) ~= "string" then error("mc.open: resource_id must be a string", 2) end
  return { type = "open", resource_id = resource_id, label = label or resource_id }
end
mc.show = function(view)
  local ok, out = pcall(encode_view, view, kind, opener)
  if not ok then
    if type(out) == "table" and out.bad_view then error("handler_bad_view: " .. out.bad_view, 0) end
    error(out, 0)
  end
  io.stdout:write('{"show":', out, "}\n")
  io.stdout:flush()
end
mc.input = function(prompt)
  if prompt ~= nil and type(prompt) ~= "string" then error("mc.input: prompt must be a string", 2) end
  local line = io.stdin:read("l")
  input_count = input_count + 1
  -- The work and time budget restart at each input, as in the sandbox.
  new_segment()
  return line
end
env.mc = mc

-- Run -----------------------------------------------------------------------

local entry = manifest.entry
local string_mt = getmetatable("")
local real_index = string_mt.__index
local ok, result = xpcall(function()
  string_mt.__index = sandbox_string
  debug.sethook(hook, "", 1000)
  local open = env.require(entry)
  if type(open) ~= "function" then error("the entry script returned a " .. type(open) .. ", not a function", 0) end
  local v = open({ page = page_arg })
  debug.sethook()
  string_mt.__index = real_index
  new_segment()
  return v
end, function(e)
  debug.sethook()
  string_mt.__index = real_index
  if type(e) == "table" then return e end
  return debug.traceback(tostring(e), 2)
end)
content:close()
if opts.stats then
  io.stderr:write(sformat("run-handler: %d call segment(s), peak work %d, first %d, memory %.0f KiB\n",
    #segments, peak, segments[1] or 0, collectgarbage("count")))
end
if not ok then
  if type(result) == "table" and result.bad_view then die("handler_bad_view: " .. result.bad_view) end
  local msg = tostring(type(result) == "table" and (result.bad_view or result[1]) or result)
  if smatch(msg, "^handler_limit") or smatch(msg, "^handler_bad_view") then die(smatch(msg, "^[^\n]*")) end
  die("handler_error: " .. msg)
end
local okv, out = pcall(encode_view, result, kind, opener)
if not okv then
  die("handler_bad_view: " .. (type(out) == "table" and out.bad_view or tostring(out)))
end
save_state()
io.stdout:write('{"view":', out, "}\n")
