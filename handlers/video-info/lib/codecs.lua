-- What the sample entries of stsd say: the codec's four-character code and,
-- inside the entry, the picture size (video) or channels and rate (audio),
-- plus the profile from avcC/hvcC and the AAC object type from esds.
local M = {}

M.TOP_LEVEL = { ftyp = true, moov = true, mdat = true, free = true, skip = true, wide = true, pnot = true,
  uuid = true, styp = true, sidx = true, moof = true, mfra = true, meta = true, pdin = true, junk = true }

M.HANDLERS = { vide = "video", soun = "audio", text = "text", sbtl = "subtitles", subt = "subtitles",
  tmcd = "timecode", hint = "hint", meta = "metadata" }

-- iTunes-style item names (ilst) and QuickTime user data texts.
M.ITEM_NAMES = { ["\169nam"] = "Title", ["\169ART"] = "Artist", ["\169alb"] = "Album", ["\169day"] = "Date",
  ["\169cmt"] = "Comment", ["\169too"] = "Encoder", ["\169swr"] = "Encoder" }

local VIDEO = { avc1 = "H.264", avc3 = "H.264", hvc1 = "H.265/HEVC", hev1 = "H.265/HEVC", mp4v = "MPEG-4 Visual",
  av01 = "AV1", vp09 = "VP9", vp08 = "VP8", apcn = "ProRes 422", apch = "ProRes 422 HQ", apcs = "ProRes 422 LT",
  apco = "ProRes 422 Proxy", ap4h = "ProRes 4444", jpeg = "Motion JPEG", mjpa = "Motion JPEG", s263 = "H.263",
  h263 = "H.263", dvh1 = "Dolby Vision (HEVC)", dvhe = "Dolby Vision (HEVC)" }
local AUDIO = { mp4a = "AAC", Opus = "Opus", ["ac-3"] = "AC-3", ["ec-3"] = "E-AC-3", fLaC = "FLAC", alac = "ALAC",
  lpcm = "PCM", sowt = "PCM (little-endian)", twos = "PCM (big-endian)", [".mp3"] = "MP3", samr = "AMR",
  ulaw = "µ-law", alaw = "A-law", ["in24"] = "PCM 24-bit", fl32 = "PCM float" }

local AVC_PROFILES = { [66] = "Baseline", [77] = "Main", [88] = "Extended", [100] = "High", [110] = "High 10",
  [122] = "High 4:2:2", [244] = "High 4:4:4" }
local HEVC_PROFILES = { "Main", "Main 10", "Main Still Picture", "Range extensions" }
local AAC_TYPES = { [1] = "Main", [2] = "LC", [3] = "SSR", [4] = "LTP", [5] = "HE-AAC", [23] = "LD", [29] = "HE-AAC v2",
  [39] = "ELD" }
local OBJECT_TYPES = { [0x40] = "AAC", [0x66] = "AAC", [0x67] = "AAC", [0x68] = "AAC", [0x69] = "MP3", [0x6B] = "MP3",
  [0xA5] = "AC-3", [0xA6] = "E-AC-3", [0xAD] = "Opus" }

local function u16(s, p) return #s >= p + 1 and string.unpack(">I2", s, p) or nil end
local function u32(s, p) return #s >= p + 3 and string.unpack(">I4", s, p) or nil end

-- The child boxes inside a sample entry, from position p: type -> body.
local function entry_children(entry, p)
  local out = {}
  for _ = 1, 64 do
    local size = u32(entry, p)
    if not size or size < 8 or p + size - 1 > #entry then break end
    out[entry:sub(p + 4, p + 7)] = entry:sub(p + 8, p + size - 1)
    p = p + size
  end
  return out
end

-- An MPEG-4 descriptor's length: up to four bytes of seven bits each.
local function descriptor(s, p)
  local tag = s:byte(p)
  if not tag then return nil end
  local len, q = 0, p + 1
  for _ = 1, 4 do
    local b = s:byte(q)
    if not b then return nil end
    len = (len << 7) | (b & 0x7F)
    q = q + 1
    if b & 0x80 == 0 then break end
  end
  return tag, len, q
end

-- esds: ES_Descriptor (3) > DecoderConfigDescriptor (4) > DecSpecificInfo (5).
local function aac_kind(esds)
  local s = esds:sub(5) -- version and flags
  local tag, _, p = descriptor(s, 1)
  if tag ~= 3 then return nil end
  local flags = s:byte(p + 2) or 0
  p = p + 3
  if flags & 0x80 ~= 0 then p = p + 2 end
  if flags & 0x40 ~= 0 then p = p + 1 + (s:byte(p) or 0) end
  if flags & 0x20 ~= 0 then p = p + 2 end
  local tag4, _, q = descriptor(s, p)
  if tag4 ~= 4 then return nil end
  local object = OBJECT_TYPES[s:byte(q)] or string.format("object type 0x%02X", s:byte(q) or 0)
  local tag5, _, r = descriptor(s, q + 13)
  if object == "AAC" and tag5 == 5 and s:byte(r + 1) then
    -- AudioSpecificConfig: object type (5 bits), rate index (4 bits, 15 =
    -- a 24-bit rate follows), channel configuration (4 bits). MP4 writers
    -- put 2 in the sample entry's channel count whatever the stream has,
    -- so this is the count to trust.
    local bits = (s:byte(r) << 24) | ((s:byte(r + 1) or 0) << 16) | ((s:byte(r + 2) or 0) << 8) | (s:byte(r + 3) or 0)
    local aot = bits >> 27
    local rate_index = (bits >> 23) & 15
    local channels
    if rate_index ~= 15 then channels = (bits >> 19) & 15 end
    local name = object
    if AAC_TYPES[aot] then
      name = aot == 2 and "AAC LC" or (aot >= 5 and AAC_TYPES[aot] or ("AAC " .. AAC_TYPES[aot]))
    end
    if channels and channels >= 1 and channels <= 6 then return name, channels end
    if channels == 7 then return name, 8 end
    return name
  end
  return object
end

function M.describe(t)
  local fourcc, entry = t.fourcc, t.entry or ""
  if not fourcc then
    t.codec_text = "unknown (no sample description)"
    return
  end
  local shown = fourcc:gsub("[^\32-\126]", "?")
  if t.handler == "vide" then
    t.width, t.height = u16(entry, 33), u16(entry, 35)
    local name = VIDEO[fourcc]
    local kids = entry_children(entry, 87)
    local detail
    if kids.avcC and #kids.avcC >= 4 then
      local profile, level = kids.avcC:byte(2), kids.avcC:byte(4)
      detail = (AVC_PROFILES[profile] or ("profile " .. profile)) .. string.format(", level %d.%d", level // 10, level % 10)
    elseif kids.hvcC and #kids.hvcC >= 2 then
      local profile = kids.hvcC:byte(2) & 0x1F
      detail = HEVC_PROFILES[profile] or ("profile " .. profile)
    end
    t.codec_text = shown .. " (" .. (name or "unknown codec") .. (detail and (", " .. detail) or "") .. ")"
  elseif t.handler == "soun" then
    local version = u16(entry, 17) or 0
    local kids_at = 37
    if version == 2 then
      t.channels = u32(entry, 49)
      local bits = #entry >= 48 and string.unpack(">d", entry, 41) or nil
      if bits and bits > 0 and bits < 1e7 then t.rate = math.floor(bits + 0.5) end
      kids_at = 73
    else
      t.channels = u16(entry, 25)
      local rate = u32(entry, 33)
      if rate then t.rate = rate >> 16 end
      if version == 1 then kids_at = 53 end
    end
    -- Rates over 65535 Hz do not fit the 16.16 field; the track's timescale has them.
    if (not t.rate or t.rate == 0) and t.timescale then t.rate = t.timescale end
    local name = AUDIO[fourcc]
    local kids = entry_children(entry, kids_at)
    if not kids.esds and kids.wave then
      -- QuickTime keeps esds inside a 'wave' box.
      local inner = entry_children(kids.wave, 1)
      kids.esds = inner.esds
    end
    if fourcc == "mp4a" and kids.esds then
      local kind, channels = aac_kind(kids.esds)
      name = kind or name
      if channels then t.channels = channels end
    end
    if fourcc == "Opus" and kids.dOps and #kids.dOps >= 2 then t.channels = kids.dOps:byte(2) end
    t.codec_text = shown .. " (" .. (name or "unknown codec") .. ")"
  else
    t.codec_text = shown
  end
end

return M
