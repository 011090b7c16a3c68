-- audio-info: what an audio file is, read from its headers (and for Ogg its
-- last page, for MP3 its ID3v1 tail). The format is told by the bytes, not
-- the MIME type, which senders often get wrong. A damaged file still gets a
-- view: whatever could be read, and notes saying what could not.
local Bytes = require("lib/bytes.lua")
local T = require("lib/text.lua")
local wav = require("lib/wav.lua")
local ogg = require("lib/ogg.lua")
local mp3 = require("lib/mp3.lua")
local flac = require("lib/flac.lua")

local TAG_ORDER = { "Title", "Artist", "Album", "Album artist", "Track", "Date", "Genre", "Composer", "Comment",
  "Copyright", "Engineer", "Subject", "Encoder" }

-- "M:SS" (or "H:MM:SS"), then the exact seconds, which M:SS rounds away.
local function duration_text(s)
  local whole = math.floor(s + 0.5)
  local h, m, sec = whole // 3600, (whole % 3600) // 60, whole % 60
  local clock = h > 0 and string.format("%d:%02d:%02d", h, m, sec) or string.format("%d:%02d", m, sec)
  return string.format("%s (%.3f s)", clock, s)
end

local function channels_text(n)
  if n == 1 then return "1 (mono)" end
  if n == 2 then return "2 (stereo)" end
  return tostring(n)
end

return function(args)
  local resource = mc.resource()
  local r = Bytes.new()
  local info = { tags = {} }
  local notes = {}
  local function note(s) notes[#notes + 1] = s end

  local head = r:get(0, 16)
  local ok, err = pcall(function()
    if r.size == 0 then
      note("the file is empty")
    elseif wav.detect(head) then
      wav.parse(r, info, note)
    elseif ogg.detect(head) then
      ogg.parse(r, info, note)
    elseif flac.detect(head) then
      flac.parse(r, info, note, 0)
    elseif flac.after_id3(r) then
      flac.parse(r, info, note, flac.after_id3(r))
    elseif mp3.detect(head) then
      mp3.parse(r, info, note)
    else
      note("not a recognised audio format (WAV, Ogg Vorbis/Opus, MP3 and FLAC are)")
    end
  end)
  if not ok then
    -- A parser bug must not hide what was read already.
    note("the file could not be read to the end: " .. T.sanitize(tostring(err)))
  end

  local rows = {}
  local function fact(k, v) rows[#rows + 1] = { k, v } end
  if info.container then
    fact("Format", info.codec and info.container ~= info.codec and (info.container .. ", " .. info.codec) or info.container)
  end
  if info.duration then fact("Duration", duration_text(info.duration)) end
  if info.rate and info.rate > 0 then
    local s = info.rate .. " Hz"
    if info.input_rate then s = s .. " (recorded at " .. info.input_rate .. " Hz)" end
    fact("Sample rate", s)
  end
  if info.channels and info.channels > 0 then
    local s = channels_text(info.channels)
    if info.channel_mode and info.channel_mode ~= "mono" and info.channel_mode ~= "stereo" then
      s = s .. ", " .. info.channel_mode
    end
    fact("Channels", s)
  end
  if info.bits then fact("Bits", tostring(info.bits)) end
  if info.bitrate and info.bitrate > 0 then
    local s = string.format("%d kb/s", math.floor(info.bitrate / 1000 + 0.5))
    if info.bitrate_kind then s = s .. " (" .. info.bitrate_kind .. ")" end
    fact("Bitrate", s)
  end
  for _, k in ipairs(TAG_ORDER) do
    if info.tags[k] then fact(k, info.tags[k]) end
  end

  local title = info.tags.Title or resource.title
  if type(title) ~= "string" or title == "" then title = "Audio" end
  local blocks = {}
  if #rows > 0 then blocks[1] = { type = "facts", rows = rows } end
  return { title = T.sanitize(title), blocks = blocks, notes = notes }
end
