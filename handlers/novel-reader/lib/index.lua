-- The page index: where each page and each chapter heading starts, as byte
-- offsets into the file. Building it reads the whole file once, in 1 MiB
-- chunks; it is then kept in mc.state under the file's SHA-256, so that the
-- next open reads only the page it shows.
local text = require("lib/text.lua")

local M = {}

M.PAGE_BYTES = 16384        -- a page holds about this much of the file
M.CHAPTER_BREAK_MIN = 2048  -- a chapter starts a new page once the page holds this much
local CHUNK = 1048576       -- mc.read's most per call
local MAX_HEADING_LINE = 120
local FORMAT = "n1"         -- bump when the rules above change: old indexes are then rebuilt

local BOM = "\239\187\191"

local function is_continuation(b)
  return b ~= nil and b >= 0x80 and b <= 0xBF
end

-- Scans the file. Lines end in LF, CRLF or CR. Pages break before a line,
-- preferring the start of the paragraph that overflows, so a page never
-- starts inside a UTF-8 character; a line longer than a page is cut between
-- characters.
function M.build(size)
  local start = 0
  if size >= 3 and mc.read(0, 3) == BOM then start = 3 end
  local pages, chapters = { start }, {}
  local page_start = start
  local para_start = start
  local prev_blank = true -- the first line starts a paragraph

  local function new_page(at)
    page_start = at
    pages[#pages + 1] = at
  end

  -- One line (or one piece of a line too long for a page): its offset, its
  -- text without the line ending, and its length with it.
  local function line(off, content, total, whole)
    if whole and text.is_blank(content) then
      prev_blank = true
      return
    end
    local is_chapter = whole and #content <= MAX_HEADING_LINE and text.chapter_title(content) ~= nil
    local starts_para = prev_blank or is_chapter
    local line_end = off + total
    if is_chapter and off > page_start and off - page_start >= M.CHAPTER_BREAK_MIN then
      new_page(off)
    elseif line_end - page_start > M.PAGE_BYTES and off > page_start then
      if starts_para or para_start <= page_start then
        new_page(off)
      else
        new_page(para_start)
      end
    end
    if starts_para then para_start = off end
    if is_chapter then chapters[#chapters + 1] = off end
    -- A heading stands alone: the line after it starts a paragraph.
    prev_blank = is_chapter
  end

  local carry, carry_off = "", start
  local off = start
  while true do
    local chunk = ""
    if off < size then chunk = mc.read(off, CHUNK) end
    off = off + #chunk
    local eof = chunk == "" or off >= size
    local buf, base = carry .. chunk, carry_off
    local n, p = #buf, 1
    local term -- the next CR or LF at or after p, or n + 1 for none
    while p <= n do
      if term == nil or term < p then term = buf:find("[\r\n]", p) or (n + 1) end
      if term - p > M.PAGE_BYTES then
        -- A line longer than a page: cut a page's worth between characters.
        local cut = p + M.PAGE_BYTES
        while cut > p + 1 and is_continuation(buf:byte(cut)) do cut = cut - 1 end
        -- Between words when a space is near, so no word is split in two.
        for back = cut - 1, math.max(p + 1, cut - 512), -1 do
          if buf:byte(back) == 32 then
            cut = back + 1
            break
          end
        end
        line(base + p - 1, nil, cut - p, false)
        p = cut
      elseif term > n then
        if not eof then break end
        line(base + p - 1, buf:sub(p, n), n - p + 1, true)
        p = n + 1
      else
        local after = term + 1
        if buf:byte(term) == 13 then
          -- A CR at the end of the buffer may be half of a CRLF.
          if term == n and not eof then break end
          if buf:byte(term + 1) == 10 then after = term + 2 end
        end
        line(base + p - 1, buf:sub(p, term - 1), after - p, true)
        p = after
      end
    end
    carry, carry_off = buf:sub(p), base + p - 1
    if eof then break end
  end
  return { size = size, pages = pages, chapters = chapters }
end

-- Offsets are stored as base-36 differences: a 1 MiB novel's index is a few
-- hundred bytes, well inside the 64 KiB the state store holds for all files.
local DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

local function b36(n)
  if n == 0 then return "0" end
  local out = {}
  while n > 0 do
    local d = n % 36
    out[#out + 1] = DIGITS:sub(d + 1, d + 1)
    n = n // 36
  end
  return string.reverse(table.concat(out))
end

local function encode_list(list)
  local out, prev = {}, 0
  for i, v in ipairs(list) do
    out[i] = b36(v - prev)
    prev = v
  end
  return table.concat(out, ",")
end

local function decode_list(s, size)
  local list, prev = {}, 0
  if s == "" then return list end
  for d in s:gmatch("[^,]+") do
    local v = tonumber(d, 36)
    if not v or v < 0 then return nil end
    prev = prev + v
    if prev > size then return nil end
    list[#list + 1] = prev
  end
  return list
end

function M.encode(idx)
  return FORMAT .. ";" .. idx.size .. ";" .. encode_list(idx.pages) .. ";" .. encode_list(idx.chapters)
end

function M.decode(s, size)
  local fmt, sz, p, c = s:match("^([^;]*);(%d+);([^;]*);([^;]*)$")
  if fmt ~= FORMAT or tonumber(sz) ~= size then return nil end
  local pages, chapters = decode_list(p, size), decode_list(c, size)
  if not pages or not chapters or #pages == 0 then return nil end
  for i = 2, #pages do
    if pages[i] <= pages[i - 1] or pages[i] >= size then return nil end
  end
  return { size = size, pages = pages, chapters = chapters }
end

-- The most a stored index may take; beyond it a file is rescanned each time
-- rather than crowding out every other novel's index.
local MAX_STORED = 16384
local ORDER_KEY = "index-order"

-- Saves the index and remembers the order in which indexes were stored, so
-- that when the store is full the oldest ones are emptied to make room. A
-- store that stays full just means a rescan next time.
local function store(key, value)
  if #value > MAX_STORED then return end
  local order = {}
  for k in (mc.state_get(ORDER_KEY) or ""):gmatch("%S+") do
    if k ~= key then order[#order + 1] = k end
  end
  while true do
    if mc.state_set(key, value) then break end
    local oldest = table.remove(order, 1)
    if not oldest then return end
    mc.state_set(oldest, "")
  end
  order[#order + 1] = key
  while not mc.state_set(ORDER_KEY, table.concat(order, " ")) and #order > 1 do
    table.remove(order, 1)
  end
end

-- Files over this size are not scanned: the scan costs about 6 million
-- instructions a MiB, and the budget of an open is 100 million.
M.SCAN_LIMIT = 8 * 1048576

-- The page starts of a file too large to scan: page k starts at the first
-- line after byte (k-1) * PAGE_BYTES (or, in a line longer than a page,
-- between two characters there), so that any page is found with one small
-- read. Chapters are not known in advance in this mode.
function M.positional(size)
  local start = 0
  if size >= 3 and mc.read(0, 3) == BOM then start = 3 end
  local count = math.max(1, (size - start + M.PAGE_BYTES - 1) // M.PAGE_BYTES)
  return { size = size, count = count, positional = true, start = start, chapters = {}, pages = setmetatable({}, {
    __index = function(t, k)
      if math.type(k) ~= "integer" or k < 1 or k > count then return nil end
      local at = start + (k - 1) * M.PAGE_BYTES
      if k > 1 then
        local window = mc.read(at - 1, M.PAGE_BYTES)
        local nl = window:find("[\r\n][^\r\n]")
        if nl then
          at = at - 1 + nl
        else
          local i = 2
          while i < #window and is_continuation(window:byte(i)) do i = i + 1 end
          at = at - 2 + i
        end
      end
      rawset(t, k, at)
      return at
    end,
    __len = function() return count end,
  }) }
end

-- The index for this file: from the store when it is there and agrees with
-- the file's size, else built and stored. Returns the index and whether it
-- came from the store.
function M.load(resource, size)
  if size > M.SCAN_LIMIT then return M.positional(size), false end
  local sha = resource.sha256
  local key = type(sha) == "string" and sha ~= "" and ("index:" .. sha) or nil
  if key then
    local saved = mc.state_get(key)
    if saved and saved ~= "" then
      local idx = M.decode(saved, size)
      if idx then return idx, true end
    end
  end
  local idx = M.build(size)
  if key then store(key, M.encode(idx)) end
  return idx, false
end

return M
