-- novel-reader: shows one page of a UTF-8 novel. See lib/index.lua for how
-- pages are cut and remembered, lib/text.lua for what counts as a chapter.
--
-- A page past the end shows the last page with a note saying so: a reader
-- who asks for page 400 of a 300-page novel wants the end of the book, not
-- an error.
local text = require("lib/text.lua")
local index = require("lib/index.lua")

local MAX_READ = 1048576

local function read_range(a, b)
  local parts = {}
  while a < b do
    local s = mc.read(a, math.min(b - a, MAX_READ))
    if s == "" then break end
    parts[#parts + 1] = s
    a = a + #s
  end
  return table.concat(parts)
end

-- The chapter heading line at offset off (headings are short lines).
local function chapter_at(off)
  local s = mc.read(off, 256)
  local line = s:match("^[^\r\n]*")
  return text.trim((text.sanitize(line)))
end

-- How many bytes at the file's end are an unfinished UTF-8 sequence (the
-- lead byte of the last character promises more bytes than follow it): 0
-- for a file that ends cleanly.
local function dangling_bytes(size)
  if size == 0 then return 0 end
  local from = math.max(0, size - 4)
  local tail = mc.read(from, size - from)
  for i = #tail, 1, -1 do
    local b = tail:byte(i)
    if b < 0x80 then return 0 end
    if b >= 0xC0 then
      local need = b >= 0xF0 and 4 or b >= 0xE0 and 3 or 2
      local have = #tail - i + 1
      return have < need and have or 0
    end
  end
  return 0
end

-- Turns a page's bytes into blocks: blank lines end paragraphs, a chapter
-- heading is a level-2 heading, and a paragraph keeps its line breaks (as
-- the built-in text viewer does).
local function page_blocks(raw, blocks)
  local s = raw:gsub("\r\n?", "\n")
  local bad
  s, bad = text.sanitize(s)
  local para = {}
  local function flush()
    if #para > 0 then
      blocks[#blocks + 1] = { type = "paragraph", text = table.concat(para, "\n") }
      para = {}
    end
  end
  local p, n = 1, #s
  while p <= n do
    local e = s:find("\n", p, true) or (n + 1)
    local line = s:sub(p, e - 1)
    p = e + 1
    if text.is_blank(line) then
      flush()
    else
      local heading = text.chapter_title(line)
      if heading then
        flush()
        blocks[#blocks + 1] = { type = "heading", level = 2, text = heading }
      else
        para[#para + 1] = text.trim(line)
      end
    end
  end
  flush()
  return bad
end

return function(args)
  local resource = mc.resource()
  local title = text.sanitize(type(resource.title) == "string" and resource.title ~= "" and resource.title or "Novel")
  local size = mc.size()
  local idx = index.load(resource, size)
  local count = #idx.pages
  local notes = {}
  local want = math.tointeger(args and args.page) or 1
  if want < 1 then want = 1 end
  local number = want
  if idx.positional then
    notes[#notes + 1] = "this file is over 8 MiB, so its pages are cut by position without a scan: "
      .. "a page does not say which chapter it continues"
  end
  if want > count then
    number = count
    notes[#notes + 1] = string.format("there is no page %d: the novel has %d page%s; this is the last one",
      want, count, count == 1 and "" or "s")
  end
  local a = idx.pages[number]
  local b = idx.pages[number + 1] or size
  local blocks = {}

  -- The chapter the page is in, when the page does not open with its heading.
  local current
  for _, c in ipairs(idx.chapters) do
    if c > a then break end
    current = c
  end
  if current and current < a then
    blocks[1] = { type = "heading", level = 2, text = chapter_at(current) .. " (continued)" }
  end

  if b <= a then
    notes[#notes + 1] = "the file is empty"
  else
    local raw = read_range(a, b)
    -- A file cut inside a character ends in one U+FFFD, not one per byte.
    local dangling = number == count and dangling_bytes(size) or 0
    if dangling > 0 and dangling <= #raw then raw = raw:sub(1, #raw - dangling) .. "\239\191\189" end
    local bad = page_blocks(raw, blocks)
    if bad > 0 then
      notes[#notes + 1] = string.format("%d byte%s on this page %s not valid UTF-8 and show as U+FFFD", bad,
        bad == 1 and "" or "s", bad == 1 and "is" or "are")
    end
    if dangling > 0 then
      notes[#notes + 1] = "the file ends early: its last character is cut off (shown as U+FFFD)"
    end
  end
  return { title = title, blocks = blocks, page = { number = number, count = count }, notes = notes }
end
