-- Text from files comes in many encodings; the view takes only UTF-8.
local M = {}

local FFFD = "\239\191\189"

-- Invalid bytes become U+FFFD.
function M.sanitize(s)
  if utf8.len(s) then return s end
  local out, i, len = {}, 1, #s
  while i <= len do
    local ok, bad = utf8.len(s, i)
    if ok then
      out[#out + 1] = s:sub(i)
      break
    end
    out[#out + 1] = s:sub(i, bad - 1)
    out[#out + 1] = FFFD
    i = bad + 1
  end
  return table.concat(out)
end

function M.latin1(s)
  if not s:find("[\128-\255]") then return s end
  local out = {}
  for i = 1, #s do out[i] = utf8.char(s:byte(i)) end
  return table.concat(out)
end

-- Tags written as "UTF-8 or else Latin-1" (RIFF INFO, ID3v1, old Vorbis
-- comments from odd taggers): valid UTF-8 is taken as such, the rest as
-- Latin-1, which never fails.
function M.utf8_or_latin1(s)
  if utf8.len(s) then return s end
  return M.latin1(s)
end

-- UTF-16 (big- or little-endian) to UTF-8; unpaired surrogates become U+FFFD.
function M.utf16(s, little)
  local out = {}
  local fmt = little and "<I2" or ">I2"
  local i, n = 1, #s - 1
  while i <= n do
    local u = string.unpack(fmt, s, i)
    i = i + 2
    if u >= 0xD800 and u <= 0xDBFF and i <= n then
      local lo = string.unpack(fmt, s, i)
      if lo >= 0xDC00 and lo <= 0xDFFF then
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
        i = i + 2
      else
        u = 0xFFFD
      end
    elseif u >= 0xD800 and u <= 0xDFFF then
      u = 0xFFFD
    end
    out[#out + 1] = utf8.char(u)
  end
  return table.concat(out)
end

-- Control characters (other than tab and line breaks) have no place in a
-- tag shown as text; they are dropped, and surrounding spaces trimmed.
function M.clean(s)
  s = s:gsub("[%z\1-\8\11\12\14-\31\127]", "")
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

return M
