-- FLAC: STREAMINFO gives rate, channels, bits and the sample count;
-- VORBIS_COMMENT gives the tags.
local B = require("lib/bytes.lua")
local id3 = require("lib/id3.lua")
local vorbis_comment = require("lib/vorbis_comment.lua")

local M = {}

function M.detect(head)
  return head:sub(1, 4) == "fLaC"
end

-- Some taggers put an ID3v2 tag before "fLaC".
function M.after_id3(r)
  local h = r:get(0, 10)
  if h:sub(1, 3) ~= "ID3" then return nil end
  local a, b, c, d = h:byte(7, 10)
  if not d then return nil end
  local off = 10 + ((a << 21) | (b << 14) | (c << 7) | d)
  if r:get(off, 4) == "fLaC" then return off end
  return nil
end

function M.parse(r, info, note, start)
  start = start or 0
  info.container = "FLAC"
  info.codec = "FLAC"
  local off = start + 4
  local seen_streaminfo = false
  for _ = 1, 1000 do
    local h = r:get(off, 4)
    if #h < 4 then
      note("the file ends early, inside the FLAC metadata")
      break
    end
    local last, kind, len = h:byte(1) & 0x80 ~= 0, h:byte(1) & 0x7F, B.u24be(h, 2)
    if kind == 0 then
      local d = r:get(off + 4, 34)
      local x = B.u64be(d, 11)
      if not x then
        note("the STREAMINFO block is cut short")
      else
        seen_streaminfo = true
        info.rate = x >> 44
        info.channels = ((x >> 41) & 7) + 1
        info.bits = ((x >> 36) & 31) + 1
        local samples = x & 0xFFFFFFFFF
        if samples > 0 and info.rate > 0 then
          info.duration = samples / info.rate
          info.bitrate, info.bitrate_kind = math.floor((r.size - start) * 8 / info.duration + 0.5), "average"
        elseif samples == 0 then
          note("STREAMINFO does not give the number of samples: the duration is unknown")
        end
      end
    elseif kind == 4 then
      local d = r:get(off + 4, math.min(len, 1048576))
      if not vorbis_comment(d, 1, info) then note("the FLAC comment block is cut short") end
    elseif kind == 127 then
      note("an invalid FLAC metadata block; the rest was not read")
      break
    end
    off = off + 4 + len
    if last then break end
    if off >= r.size then
      note("the file ends early, inside the FLAC metadata")
      break
    end
  end
  if not seen_streaminfo then note("no STREAMINFO block: rate and duration are unknown") end
end

M.id3 = id3
return M
