-- Vorbis comments (Ogg Vorbis, Ogg Opus, FLAC): a vendor string and
-- "KEY=value" pairs, little-endian lengths.
local B = require("lib/bytes.lua")
local T = require("lib/text.lua")

local NAMES = {
  TITLE = "Title", ARTIST = "Artist", ALBUM = "Album", ALBUMARTIST = "Album artist", ["ALBUM ARTIST"] = "Album artist",
  TRACKNUMBER = "Track", DATE = "Date", YEAR = "Date", GENRE = "Genre", COMPOSER = "Composer", COMMENT = "Comment",
  DESCRIPTION = "Comment", COPYRIGHT = "Copyright", ENCODER = "Encoder",
}

-- Parses from position p of data; returns true when it read to the end, or
-- false when the data ran out (a cut-off packet).
return function(data, p, info)
  local vlen = B.u32le(data, p)
  if not vlen then return false end
  local vendor = data:sub(p + 4, p + 3 + vlen)
  if #vendor < vlen then return false end
  p = p + 4 + vlen
  local count = B.u32le(data, p)
  if not count then return false end
  p = p + 4
  for _ = 1, math.min(count, 1000) do
    local len = B.u32le(data, p)
    if not len or p + 3 + len > #data then return false end
    local c = data:sub(p + 4, p + 3 + len)
    p = p + 4 + len
    local key, value = c:match("^([^=]+)=(.*)$")
    if key then
      local name = NAMES[key:upper()]
      if name then
        value = T.clean(T.utf8_or_latin1(value))
        if value ~= "" then
          local old = info.tags[name]
          info.tags[name] = old and (old .. " / " .. value) or value
        end
      end
    end
  end
  if not info.tags.Encoder and vendor ~= "" then info.tags.Encoder = T.clean(T.utf8_or_latin1(vendor)) end
  return true
end
