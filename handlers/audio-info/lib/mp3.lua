-- MPEG audio (MP3 and its Layer I/II siblings): the first frame header gives
-- version, layer, bitrate, sample rate and channel mode; a Xing/Info or VBRI
-- header in that frame gives the frame count, hence the duration; without
-- one the duration is estimated from the bitrate (exact for CBR files).
local B = require("lib/bytes.lua")
local id3 = require("lib/id3.lua")

local M = {}

local BITRATES = {
  ["1-1"] = { 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448 },
  ["1-2"] = { 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 },
  ["1-3"] = { 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 },
  ["2-1"] = { 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 },
  ["2-2"] = { 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
}
BITRATES["2-3"] = BITRATES["2-2"]
local RATES = { [3] = { 44100, 48000, 32000 }, [2] = { 22050, 24000, 16000 }, [0] = { 11025, 12000, 8000 } }
local VERSION_NAMES = { [3] = "MPEG-1", [2] = "MPEG-2", [0] = "MPEG-2.5" }
local LAYER_NAMES = { "Layer I", "Layer II", "Layer III" }
local MODES = { [0] = "stereo", [1] = "joint stereo", [2] = "dual channel", [3] = "mono" }

-- The frame header at position p of s, or nil when those four bytes are
-- not one (free-format frames, with no bitrate, are not accepted).
local function header(s, p)
  local b1, b2, b3, b4 = s:byte(p, p + 3)
  if not b4 or b1 ~= 0xFF or b2 & 0xE0 ~= 0xE0 then return nil end
  local ver, layer_bits = (b2 >> 3) & 3, (b2 >> 1) & 3
  if ver == 1 or layer_bits == 0 then return nil end
  local bri, sri = b3 >> 4, (b3 >> 2) & 3
  if bri == 0 or bri == 15 or sri == 3 then return nil end
  local layer = 4 - layer_bits
  local v = ver == 3 and 1 or 2
  local kbps = BITRATES[v .. "-" .. layer][bri]
  local rate = RATES[ver][sri + 1]
  local pad = (b3 >> 1) & 1
  local spf = layer == 1 and 384 or (layer == 3 and v == 2) and 576 or 1152
  local len
  if layer == 1 then
    len = (12 * kbps * 1000 // rate + pad) * 4
  else
    len = spf // 8 * kbps * 1000 // rate + pad
  end
  return { ver = ver, layer = layer, kbps = kbps, rate = rate, spf = spf, len = len, mode = b4 >> 6,
    crc = b2 & 1 == 0 }
end

function M.detect(head)
  return head:sub(1, 3) == "ID3" or header(head, 1) ~= nil
end

-- The first frame: a valid header whose next frame (when the file goes on)
-- is a valid header of the same stream, which rules out stray 0xFF bytes.
local function first_frame(r, from, limit)
  local span = math.min(limit, 262144)
  local buf = r:get(from, span + 4)
  local p = 1
  while true do
    local s = buf:find("\255", p, true)
    if not s or s > span then return nil end
    local h = header(buf, s)
    if h then
      local off = from + s - 1
      local nb = r:get(off + h.len, 4)
      local n = header(nb, 1)
      if #nb < 4 or n and n.ver == h.ver and n.layer == h.layer and n.rate == h.rate then return off, h end
    end
    p = s + 1
  end
end

function M.parse(r, info, note)
  local audio_start = id3.v2(r, info, note)
  local audio_end = r.size
  if id3.v1(r, info) then audio_end = r.size - 128 end
  local off, h = first_frame(r, audio_start, audio_end - audio_start)
  if not off then
    info.container = "MP3"
    note("no MPEG audio frame found" .. (info.id3 and " after the ID3 tag" or "") ..
      ": the file is cut short or is not MPEG audio")
    return
  end
  if off > audio_start then
    note(string.format("%d bytes of junk before the first audio frame were skipped", off - audio_start))
  end
  info.container = h.layer == 3 and "MP3" or "MPEG audio"
  info.codec = VERSION_NAMES[h.ver] .. " " .. LAYER_NAMES[h.layer]
  info.rate = h.rate
  info.channels = h.mode == 3 and 1 or 2
  info.channel_mode = MODES[h.mode]

  local frame = r:get(off, math.min(h.len, 2048))
  local side = h.ver == 3 and (h.mode == 3 and 17 or 32) or (h.mode == 3 and 9 or 17)
  local frames, bytes, kind
  for _, at in ipairs({ 4 + side + 1, 4 + side + 3 }) do
    local tag = frame:sub(at, at + 3)
    if tag == "Xing" or tag == "Info" then
      local flags = B.u32be(frame, at + 4) or 0
      local q = at + 8
      if flags & 1 ~= 0 then
        frames = B.u32be(frame, q)
        q = q + 4
      end
      if flags & 2 ~= 0 then
        bytes = B.u32be(frame, q)
        q = q + 4
      end
      if flags & 4 ~= 0 then q = q + 100 end -- seek table
      if flags & 8 ~= 0 then q = q + 4 end   -- quality
      kind = tag == "Xing" and "VBR" or "CBR"
      -- The LAME tag after the Xing header (LAME's, or ffmpeg's "Lavc")
      -- holds the encoder delay and padding, which are not part of the music.
      local lame = frame:sub(q, q + 23)
      if #lame == 24 and lame:find("^%a%a%a") then
        local dp = B.u24be(lame, 22)
        if dp then
          info.delay, info.padding = dp >> 12, dp & 0xFFF
        end
      end
      break
    end
  end
  if not kind and frame:sub(37, 40) == "VBRI" then
    bytes, frames, kind = B.u32be(frame, 47), B.u32be(frame, 51), "VBR"
  end

  local audio_bytes = audio_end - off
  if frames and frames > 0 then
    local samples = frames * h.spf - (info.delay or 0) - (info.padding or 0)
    if samples < 0 then samples = frames * h.spf end
    info.duration = samples / h.rate
    if kind == "VBR" then
      info.bitrate = math.floor((bytes or audio_bytes) * 8 / info.duration + 0.5)
      info.bitrate_kind = "average"
    else
      info.bitrate = h.kbps * 1000
    end
    if bytes and bytes > audio_bytes + h.len then
      note(string.format("the file ends early: its header counts %d bytes of audio, %d are there (about %s)",
        bytes, audio_bytes, string.format("%.1f s", info.duration * audio_bytes / bytes)))
    end
  else
    info.bitrate = h.kbps * 1000
    info.duration = audio_bytes * 8 / info.bitrate
    note("no Xing, Info or VBRI header: the duration is estimated from the first frame's bitrate")
  end
end

return M
