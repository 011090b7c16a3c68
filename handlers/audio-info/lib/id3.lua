-- ID3 tags: ID3v2 (2.2, 2.3, 2.4) at the start of a file, ID3v1 in its last
-- 128 bytes.
local B = require("lib/bytes.lua")
local T = require("lib/text.lua")

local M = {}

local FRAMES = {
  TIT2 = "Title", TPE1 = "Artist", TALB = "Album", TPE2 = "Album artist", TRCK = "Track", TYER = "Date",
  TDRC = "Date", TCON = "Genre", TCOM = "Composer", TSSE = "Encoder", TCOP = "Copyright",
  TT2 = "Title", TP1 = "Artist", TAL = "Album", TP2 = "Album artist", TRK = "Track", TYE = "Date", TCO = "Genre",
  TCM = "Composer", TSS = "Encoder", TCR = "Copyright",
}

local function synchsafe(s, pos)
  local a, b, c, d = s:byte(pos, pos + 3)
  if not d then return nil end
  if (a | b | c | d) & 0x80 ~= 0 then return nil end
  return (a << 21) | (b << 14) | (c << 7) | d
end

-- One string in ID3's encoding byte: 0 Latin-1, 1 UTF-16 with a BOM,
-- 2 UTF-16BE, 3 UTF-8.
local function decode(enc, s)
  if enc == 1 or enc == 2 then
    local little = false
    if enc == 1 then
      if s:sub(1, 2) == "\255\254" then
        little, s = true, s:sub(3)
      elseif s:sub(1, 2) == "\254\255" then
        s = s:sub(3)
      end
    end
    return T.utf16(s, little)
  elseif enc == 3 then
    return T.sanitize(s)
  end
  return T.latin1(s)
end

-- The strings of a text frame (ID3v2.4 separates several with NULs).
local function split(enc, s)
  local out = {}
  if enc == 1 or enc == 2 then
    local p, start = 1, 1
    while p + 1 <= #s do
      if s:byte(p) == 0 and s:byte(p + 1) == 0 then
        out[#out + 1] = s:sub(start, p - 1)
        start = p + 2
      end
      p = p + 2
    end
    out[#out + 1] = s:sub(start)
  else
    for part in (s .. "\0"):gmatch("([^%z]*)%z") do out[#out + 1] = part end
  end
  local values = {}
  for _, part in ipairs(out) do
    local v = T.clean(decode(enc, part))
    if v ~= "" then values[#values + 1] = v end
  end
  return values
end

-- Reads the ID3v2 tag at offset 0; returns where the audio starts.
function M.v2(r, info, note)
  local h = r:get(0, 10)
  if #h < 10 or h:sub(1, 3) ~= "ID3" then return 0 end
  local major, flags = h:byte(4), h:byte(6)
  local size = synchsafe(h, 7)
  if not size or major < 2 or major > 4 then
    note("the ID3v2 header is corrupt; its tag was not read")
    return 0
  end
  local total = 10 + size + ((major == 4 and flags & 0x10 ~= 0) and 10 or 0)
  info.id3 = "ID3v2." .. major
  if total > r.size then note(string.format("the file ends early, inside the ID3v2 tag (%d bytes promised)", total)) end
  -- Text frames come before pictures in practice; 1 MiB of tag is plenty.
  local data = r:get(10, math.min(size, 1048576))
  if major <= 3 and flags & 0x80 ~= 0 then data = data:gsub("\255%z", "\255") end
  local p = 1
  if flags & 0x40 ~= 0 and major >= 3 then
    if major == 3 then
      p = 1 + 4 + (B.u32be(data, 1) or 0)
    else
      p = 1 + (synchsafe(data, 1) or 0)
    end
  end
  local idlen, hlen = 4, 10
  if major == 2 then idlen, hlen = 3, 6 end
  local frames = 0
  while p + hlen - 1 <= #data and frames < 1000 do
    local id = data:sub(p, p + idlen - 1)
    if id:byte(1) == 0 then break end -- padding
    if not id:find("^[A-Z0-9]+$") then
      note(string.format("the ID3v2 tag is corrupt at byte %d; the rest of it was not read", 10 + p - 1))
      break
    end
    local fsize, fflags
    if major == 2 then
      fsize, fflags = B.u24be(data, p + 3), 0
    elseif major == 3 then
      fsize, fflags = B.u32be(data, p + 4), B.u16be(data, p + 8)
    else
      -- Some taggers wrote plain sizes in 2.4; a size that is not synchsafe is read as plain.
      fsize, fflags = synchsafe(data, p + 4) or B.u32be(data, p + 4), B.u16be(data, p + 8)
    end
    local body = data:sub(p + hlen, p + hlen + fsize - 1)
    if #body < fsize then
      if p + hlen + fsize - 1 <= size then
        note("the ID3v2 tag's frames run past the part that was read")
      else
        note(string.format("the ID3v2 frame %s runs past the end of the tag", id))
      end
    end
    frames = frames + 1
    local name = FRAMES[id]
    local skip = false
    if major == 3 then
      skip = fflags & 0x00C0 ~= 0 -- compressed or encrypted
      if fflags & 0x0020 ~= 0 then body = body:sub(2) end -- group id
    elseif major == 4 then
      skip = fflags & 0x000C ~= 0
      if fflags & 0x0040 ~= 0 then body = body:sub(2) end
      if fflags & 0x0001 ~= 0 then body = body:sub(5) end -- data length indicator
      if fflags & 0x0002 ~= 0 then body = body:gsub("\255%z", "\255") end
    end
    if not skip and #body >= 1 then
      local enc = body:byte(1)
      if enc > 3 then enc = 0 end
      if name then
        local values = split(enc, body:sub(2))
        if #values > 0 and not info.tags[name] then info.tags[name] = table.concat(values, " / ") end
      elseif (id == "COMM" or id == "COM") and not info.tags.Comment then
        -- encoding, language (3), short description, NUL, text
        -- The last string is the text (an empty description is dropped).
        local values = split(enc, body:sub(5))
        if values[#values] then info.tags.Comment = values[#values] end
      end
    end
    p = p + hlen + fsize
  end
  return math.min(total, r.size)
end

-- ID3v1 in the last 128 bytes: fills the tags ID3v2 did not give. Returns
-- true when it is there, so the audio ends 128 bytes earlier.
function M.v1(r, info)
  if r.size < 128 then return false end
  local t = r:get(r.size - 128, 128)
  if t:sub(1, 3) ~= "TAG" then return false end
  local function field(a, b)
    return T.clean(T.utf8_or_latin1((t:sub(a, b):gsub("%z.*$", ""))))
  end
  local fields = { Title = field(4, 33), Artist = field(34, 63), Album = field(64, 93), Date = field(94, 97) }
  if t:byte(126) == 0 and t:byte(127) ~= 0 then
    fields.Comment = field(98, 125)
    fields.Track = tostring(t:byte(127))
  else
    fields.Comment = field(98, 127)
  end
  for k, v in pairs(fields) do
    if v ~= "" and not info.tags[k] then info.tags[k] = v end
  end
  info.id3v1 = true
  return true
end

return M
