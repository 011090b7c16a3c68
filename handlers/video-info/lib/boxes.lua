-- Walking ISO-BMFF / QuickTime boxes. Only headers and the small boxes the
-- view needs are read; mdat and the sample tables are stepped over by
-- their sizes. Every size is checked against the box that holds it, so a
-- corrupt size can neither loop (a box always moves the walk forward by at
-- least its 8-byte header) nor send the walk outside its parent.
local M = {}

local MAX_BOXES = 100000

function M.new(size, note)
  local self = { size = size, note = note, count = 0, wstart = 0, wdata = "" }
  -- One cached 64 KiB window: headers of neighbouring boxes share a read.
  function self.get(off, n)
    if off < 0 or n <= 0 or off >= size then return "" end
    if off + n > size then n = size - off end
    local ws = self.wstart
    if off >= ws and off + n <= ws + #self.wdata then return self.wdata:sub(off - ws + 1, off - ws + n) end
    if n > 65536 then return mc.read(off, math.min(n, 1048576)) end
    self.wstart, self.wdata = off, mc.read(off, 65536)
    return self.wdata:sub(1, n)
  end
  return self
end

-- A box type as text for a note: © (byte 0xA9, used by QuickTime's
-- metadata types) as UTF-8, anything else outside ASCII as "?".
function M.show(t)
  return (t:gsub("\169", "\194\169"):gsub("[^\32-\126\194\169]", "?"))
end

local function printable(t)
  return t:find("^[\32-\126\169][\32-\126][\32-\126][\32-\126]$") ~= nil
end

-- The box at off inside a parent ending at stop: {type, off, hdr, stop}
-- (stop clamped to the parent, with a note), or nil with a note when no
-- valid box starts there.
function M.header(w, off, stop, where)
  w.count = w.count + 1
  if w.count > MAX_BOXES then
    if w.count == MAX_BOXES + 1 then w.note("more than 100000 boxes: the rest of the file was not read") end
    return nil
  end
  local h = w.get(off, 16)
  if #h < 8 then
    w.note(string.format("the file ends early, inside a box header at byte %d", off))
    return nil
  end
  local size, typ, hdr = string.unpack(">I4", h), h:sub(5, 8), 8
  if not printable(typ) then
    w.note(string.format("no valid box at byte %d%s: the file is corrupt there", off,
      where and (" in '" .. M.show(where) .. "'") or ""))
    return nil
  end
  if size == 1 then
    if #h < 16 then
      w.note(string.format("the file ends early, inside the header of box '%s'", M.show(typ)))
      return nil
    end
    size, hdr = string.unpack(">i8", h, 9), 16
  elseif size == 0 then
    size = stop - off -- "to the end": of the file at the top, of the parent inside one
  end
  if size < hdr then
    w.note(string.format("box '%s' at byte %d has an impossible size (%d)%s", M.show(typ), off, size,
      where and (" in '" .. M.show(where) .. "'") or ""))
    return nil
  end
  local b = { type = typ, off = off, hdr = hdr, body = off + hdr, stop = off + size }
  if b.stop > stop then
    if stop == w.size then
      -- Said once: the boxes inside a cut box are cut by the same end.
      if not w.eof_noted then
        w.note(string.format("the file ends early: box '%s' claims %d bytes, %d are there", M.show(typ), size, stop - off))
      end
      w.eof_noted = true
    else
      w.note(string.format("box '%s' claims %d bytes, more than the %d left in '%s'", M.show(typ), size, stop - off,
        M.show(where or "?")))
    end
    b.stop = stop
    b.cut = true
  end
  return b
end

-- Calls visit(box) for each child box between off and stop.
function M.children(w, off, stop, where, visit)
  while off + 8 <= stop do
    local b = M.header(w, off, stop, where)
    if not b then return end
    visit(b)
    off = b.stop
  end
  if off < stop and stop - off < 8 and where then
    -- Some writers pad a container with a few zero bytes; only other bytes are news.
    if not w.get(off, stop - off):find("^%z*$") then
      w.note(string.format("%d stray bytes at the end of '%s'", stop - off, M.show(where)))
    end
  end
end

return M
