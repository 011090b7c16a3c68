-- Random access to the content through mc.read, with one cached window so
-- that walking many small headers does not cost one host call each.
local M = {}
M.__index = M

local WINDOW = 65536
local MAX_READ = 1048576

function M.new()
  return setmetatable({ size = mc.size(), wstart = 0, wdata = "" }, M)
end

-- Up to n bytes at offset off (fewer at the end of the file).
function M:get(off, n)
  if off < 0 or n <= 0 or off >= self.size then return "" end
  if off + n > self.size then n = self.size - off end
  local ws = self.wstart
  if off >= ws and off + n <= ws + #self.wdata then
    return self.wdata:sub(off - ws + 1, off - ws + n)
  end
  if n > WINDOW then
    local parts, got = {}, 0
    while got < n do
      local s = mc.read(off + got, math.min(n - got, MAX_READ))
      if s == "" then break end
      parts[#parts + 1] = s
      got = got + #s
    end
    return table.concat(parts)
  end
  self.wstart = off
  self.wdata = mc.read(off, WINDOW)
  return self.wdata:sub(1, n)
end

-- Integer readers that return nil instead of raising when the bytes run
-- out, so a truncated header is a note and never an error.
local function unpacker(fmt, width)
  return function(s, pos)
    pos = pos or 1
    if pos < 1 or pos + width - 1 > #s then return nil end
    return (string.unpack(fmt, s, pos))
  end
end
M.u8 = unpacker("B", 1)
M.u16le = unpacker("<I2", 2)
M.u16be = unpacker(">I2", 2)
M.i16le = unpacker("<i2", 2)
M.u24be = unpacker(">I3", 3)
M.u32le = unpacker("<I4", 4)
M.u32be = unpacker(">I4", 4)
M.i32le = unpacker("<i4", 4)
M.u64le = unpacker("<I8", 8)
M.i64le = unpacker("<i8", 8)
M.u64be = unpacker(">I8", 8)

return M
