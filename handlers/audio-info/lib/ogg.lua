-- Ogg: pages of packets. The first audio stream's identification header
-- (Vorbis or Opus) gives channels and sample rate, its comment header the
-- tags; the duration is the granule position of the stream's last page,
-- found by reading only the end of the file.
local B = require("lib/bytes.lua")
local vorbis_comment = require("lib/vorbis_comment.lua")

local M = {}

local MAX_PACKET = 262144  -- more of a comment packet than this is cover art; it is skipped
local MAX_HEADER_PAGES = 4096

function M.detect(head)
  return head:sub(1, 4) == "OggS"
end

-- The page at off: its header fields and where its body lies, or nil.
local function page_at(r, off)
  local h = r:get(off, 27)
  if #h < 27 or h:sub(1, 4) ~= "OggS" or h:byte(5) ~= 0 then return nil end
  local nseg = h:byte(27)
  local segs = r:get(off + 27, nseg)
  if #segs < nseg then return { cut = true } end
  local lens, body = {}, 0
  for i = 1, nseg do
    lens[i] = segs:byte(i)
    body = body + lens[i]
  end
  local p = { type = h:byte(6), granule = B.i64le(h, 7), serial = B.u32le(h, 15), lens = lens,
    body_off = off + 27 + nseg, body_len = body }
  p.next = p.body_off + body
  p.cut = p.next > r.size
  return p
end

local CODECS = {
  { magic = "\1vorbis", name = "Vorbis" }, { magic = "OpusHead", name = "Opus" }, { magic = "\127FLAC", name = "FLAC" },
  { magic = "Speex   ", name = "Speex" }, { magic = "\128theora", name = "Theora", video = true },
}

local function codec_of(packet)
  for _, c in ipairs(CODECS) do
    if packet:sub(1, #c.magic) == c.magic then return c end
  end
  return nil
end

-- The stream's last page with a granule position, from the file's end:
-- the last 64 KiB, then the last 1 MiB if no page of the stream ends there.
local function last_granule(r, serial, note)
  for _, span in ipairs({ 65536, 1048576 }) do
    local from = math.max(0, r.size - span)
    local tail = r:get(from, r.size - from)
    local starts = {}
    local p = 1
    while true do
      local s = tail:find("OggS", p, true)
      if not s then break end
      starts[#starts + 1] = from + s - 1
      p = s + 1
    end
    local saw_cut = false
    for i = #starts, 1, -1 do
      local pg = page_at(r, starts[i])
      if pg and pg.serial == serial then
        if pg.cut then
          saw_cut = true
        elseif pg.granule >= 0 then
          if saw_cut then note("the file ends early: its last Ogg page is cut off") end
          return pg.granule
        end
      end
    end
    if from == 0 then break end
  end
  return nil
end

function M.parse(r, info, note)
  info.container = "Ogg"
  -- Gather the first packets of each stream until the chosen audio stream
  -- has given its identification and comment headers.
  local off, pages = 0, 0
  local streams, chosen = {}, nil
  while off < r.size and pages < MAX_HEADER_PAGES do
    local pg = page_at(r, off)
    if not pg then
      note(string.format("no Ogg page where one should start (byte %d): the file is corrupt", off))
      break
    end
    if pg.cut and not pg.lens then
      note("the file ends early, inside an Ogg page header")
      break
    end
    pages = pages + 1
    local st = streams[pg.serial]
    if not st and pg.type & 2 ~= 0 then
      st = { packets = {}, cur = {}, cur_len = 0 }
      streams[pg.serial] = st
    end
    if st and #st.packets < 2 then
      local body = r:get(pg.body_off, math.min(pg.body_len, MAX_PACKET + 65536))
      local bp = 1
      for _, len in ipairs(pg.lens) do
        if st.cur_len < MAX_PACKET then
          st.cur[#st.cur + 1] = body:sub(bp, bp + len - 1)
        end
        st.cur_len = st.cur_len + len
        bp = bp + len
        if len < 255 then
          st.packets[#st.packets + 1] = { data = table.concat(st.cur), whole = st.cur_len <= MAX_PACKET }
          st.cur, st.cur_len = {}, 0
          if #st.packets == 1 then
            st.codec = codec_of(st.packets[1].data)
            if not chosen and st.codec and not st.codec.video then chosen = pg.serial end
          end
          if #st.packets >= 2 then break end
        end
      end
    end
    if chosen and #streams[chosen].packets >= 2 then break end
    if pg.cut then
      note("the file ends early, inside an Ogg page")
      break
    end
    off = pg.next
  end

  if not chosen then
    note("no Vorbis, Opus, FLAC or Speex stream found in the Ogg file")
    return
  end
  local st = streams[chosen]
  local codec = st.codec.name
  info.codec = codec
  local ident = st.packets[1].data
  local rate, preskip
  if codec == "Vorbis" then
    info.channels = B.u8(ident, 12)
    rate = B.u32le(ident, 13)
    info.rate = rate
    local nominal = B.i32le(ident, 21)
    if nominal and nominal > 0 then info.bitrate, info.bitrate_kind = nominal, "nominal" end
  elseif codec == "Opus" then
    info.channels = B.u8(ident, 10)
    preskip = B.u16le(ident, 11) or 0
    -- Opus always decodes at 48 kHz; the input rate is only informative.
    rate = 48000
    info.rate = 48000
    local input_rate = B.u32le(ident, 13)
    if input_rate and input_rate > 0 and input_rate ~= 48000 then info.input_rate = input_rate end
  else
    note(codec .. " in Ogg is recognised but its headers are not read")
  end
  if not info.channels or not rate or rate == 0 then
    note("the " .. codec .. " identification header is cut short")
    rate = nil
  end

  local comments = st.packets[2]
  if comments then
    local data = comments.data
    local ok = true
    if codec == "Vorbis" and data:sub(1, 7) == "\3vorbis" then
      ok = vorbis_comment(data, 8, info)
    elseif codec == "Opus" and data:sub(1, 8) == "OpusTags" then
      ok = vorbis_comment(data, 9, info)
    elseif codec == "Vorbis" or codec == "Opus" then
      note("the second packet is not a " .. codec .. " comment header")
    end
    if not ok and comments.whole then note("the comment header is cut short") end
    if not comments.whole then note("the comment header is over 256 KiB (cover art?); only its start was read") end
  elseif codec == "Vorbis" or codec == "Opus" then
    note("the file ends before the comment header")
  end

  if rate then
    local g = last_granule(r, chosen, note)
    if g then
      local samples = g - (preskip or 0)
      if samples < 0 then samples = 0 end
      info.duration = samples / rate
      if not info.bitrate and info.duration > 0 then
        info.bitrate, info.bitrate_kind = math.floor(r.size * 8 / info.duration + 0.5), "average"
      end
    else
      note("no page with a granule position at the end of the file: the duration is unknown")
    end
  end
end

return M
