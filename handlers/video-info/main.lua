-- video-info: what an MP4/QuickTime file holds, from its boxes: ftyp (the
-- brand), moov/mvhd (duration), each trak's tkhd (display size),
-- mdia/mdhd (timescale, duration, language), hdlr (video or sound) and
-- minf/stbl/stsd (the codec, with its own size or channels and rate) and
-- stsz (the frame count, for the frame rate). moov may come before or after
-- mdat; mdat is never read.
local boxes = require("lib/boxes.lua")
local codecs = require("lib/codecs.lua")

local FFFD = "\239\191\189"

local function sanitize(s)
  if utf8.len(s) then return s end
  local out, i = {}, 1
  while i <= #s do
    local ok, bad = utf8.len(s, i)
    if ok then
      out[#out + 1] = s:sub(i)
      break
    end
    out[#out + 1] = s:sub(i, bad - 1) .. FFFD
    i = bad + 1
  end
  return table.concat(out)
end

local function u32(s, p) return #s >= p + 3 and string.unpack(">I4", s, p) or nil end
local function u16(s, p) return #s >= p + 1 and string.unpack(">I2", s, p) or nil end
local function i64(s, p) return #s >= p + 7 and string.unpack(">i8", s, p) or nil end

-- A duration in timescale units, or nil when it is unknown (all ones).
local function scaled(version, s, p32, p64)
  if version == 1 then
    local d = i64(s, p64)
    if not d or d < 0 then return nil end
    return d
  end
  local d = u32(s, p32)
  if not d or d == 0xFFFFFFFF then return nil end
  return d
end

local function duration_text(s)
  local whole = math.floor(s + 0.5)
  local h, m, sec = whole // 3600, (whole % 3600) // 60, whole % 60
  local clock = h > 0 and string.format("%d:%02d:%02d", h, m, sec) or string.format("%d:%02d", m, sec)
  return string.format("%s (%.3f s)", clock, s)
end

local function number_text(x)
  local s = string.format("%.3f", x):gsub("0+$", ""):gsub("%.$", "")
  return s
end

-- mdhd's language: three 5-bit letters (ISO 639-2/T), or a Macintosh
-- language code below 0x400 in old QuickTime files.
local function language(v)
  if not v or v == 0x7FFF or v == 0 then return nil end
  if v < 0x400 then return nil end
  local a, b, c = (v >> 10) & 31, (v >> 5) & 31, v & 31
  if a == 0 or b == 0 or c == 0 then return nil end
  local s = string.char(a + 0x60, b + 0x60, c + 0x60)
  if s == "und" then return nil end
  return s
end

return function(args)
  local resource = mc.resource()
  local notes = {}
  local function note(s) notes[#notes + 1] = s end
  local size = mc.size()
  local w = boxes.new(size, note)
  local info = { tracks = {}, tags = {} }

  local function parse_stsd(b, trak)
    local d = w.get(b.body, math.min(b.stop - b.body, 4096))
    local entry = d:sub(9) -- after version/flags and the entry count
    local esize, fourcc = u32(entry, 1), entry:sub(5, 8)
    if not esize or #fourcc < 4 then
      note("the sample description (stsd) is cut short")
      return
    end
    trak.fourcc = fourcc
    trak.entry = entry:sub(1, math.max(8, math.min(esize, #entry)))
  end

  local function visit_trak(b)
    local trak = {}
    info.tracks[#info.tracks + 1] = trak
    local function walk(box, where)
      boxes.children(w, box.body, box.stop, where, function(c)
        local t = c.type
        if t == "tkhd" then
          local d = w.get(c.body, 96)
          local v = d:byte(1)
          local at = v == 1 and 89 or 77
          local wfix, hfix = u32(d, at), u32(d, at + 4)
          if wfix and hfix then trak.display_w, trak.display_h = wfix >> 16, hfix >> 16 end
        elseif t == "mdhd" then
          local d = w.get(c.body, 36)
          local v = d:byte(1)
          trak.timescale = u32(d, v == 1 and 21 or 13)
          trak.duration = scaled(v, d, 17, 25)
          trak.language = language(u16(d, v == 1 and 33 or 21))
        elseif t == "hdlr" then
          if where == "mdia" then trak.handler = w.get(c.body + 8, 4) end
        elseif t == "stsd" then
          parse_stsd(c, trak)
        elseif t == "stsz" or t == "stz2" then
          trak.samples = u32(w.get(c.body + 8, 4), 1)
        elseif t == "mdia" or t == "minf" or t == "stbl" then
          walk(c, t)
        end
      end)
    end
    walk(b, "trak")
  end

  local function visit_ilst(b)
    boxes.children(w, b.body, b.stop, "ilst", function(item)
      local name = codecs.ITEM_NAMES[item.type]
      if name then
        boxes.children(w, item.body, item.stop, item.type, function(data)
          if data.type == "data" and not info.tags[name] then
            local v = w.get(data.body + 8, math.min(data.stop - data.body - 8, 4096))
            if v ~= "" then info.tags[name] = sanitize(v) end
          end
        end)
      end
    end)
  end

  local function visit_udta(b)
    boxes.children(w, b.body, b.stop, "udta", function(c)
      if c.type == "meta" then
        -- ISO meta is a full box (4 bytes of version and flags before its
        -- children); QuickTime's is a plain container.
        local first = w.get(c.body, 8)
        local start = c.body
        if first:sub(1, 4) == "\0\0\0\0" then start = c.body + 4 end
        boxes.children(w, start, c.stop, "meta", function(m)
          if m.type == "ilst" then visit_ilst(m) end
        end)
      else
        -- QuickTime user data text: 16-bit length, 16-bit language, text.
        local name = codecs.ITEM_NAMES[c.type]
        if name and not info.tags[name] then
          local d = w.get(c.body, math.min(c.stop - c.body, 4096))
          local len = u16(d, 1)
          if len and len + 4 <= #d then info.tags[name] = sanitize(d:sub(5, 4 + len)) end
        end
      end
    end)
  end

  local seen = {}
  local first = true
  -- A reading bug must not hide what was read already: the facts found so
  -- far are shown with a note.
  local ok, err = pcall(boxes.children, w, 0, size, nil, function(b)
    local t = b.type
    if first and not codecs.TOP_LEVEL[t] then
      note(string.format("the file does not start with an MP4/QuickTime box (it starts with '%s')", boxes.show(t)))
    end
    first = false
    seen[t] = true
    if t == "ftyp" then
      local d = w.get(b.body, math.min(b.stop - b.body, 256))
      info.brand = d:sub(1, 4)
      info.compatible = {}
      for p = 9, #d - 3, 4 do info.compatible[#info.compatible + 1] = d:sub(p, p + 3) end
    elseif t == "moov" then
      boxes.children(w, b.body, b.stop, "moov", function(c)
        if c.type == "mvhd" then
          local d = w.get(c.body, 32)
          local v = d:byte(1)
          info.timescale = u32(d, v == 1 and 21 or 13)
          info.duration = scaled(v, d, 17, 25)
        elseif c.type == "trak" then
          visit_trak(c)
        elseif c.type == "udta" then
          visit_udta(c)
        elseif c.type == "meta" then
          boxes.children(w, c.body + 4, c.stop, "meta", function(m)
            if m.type == "ilst" then visit_ilst(m) end
          end)
        elseif c.type == "mvex" then
          info.fragmented = true
          boxes.children(w, c.body, c.stop, "mvex", function(m)
            if m.type == "mehd" then
              local d = w.get(m.body, 12)
              info.fragment_duration = scaled(d:byte(1), d, 5, 5)
            end
          end)
        end
      end)
    end
  end)
  if not ok then note("the file could not be read to the end: " .. sanitize(tostring(err))) end
  if first and size > 0 then note("the file is too short to hold a box") end
  if size == 0 then note("the file is empty") end

  -- Facts --------------------------------------------------------------------
  local rows = {}
  local function fact(k, v) rows[#rows + 1] = { k, v } end
  local video, audio
  for _, t in ipairs(info.tracks) do
    codecs.describe(t)
    if t.handler == "vide" and not video then video = t end
    if t.handler == "soun" and not audio then audio = t end
  end

  local seconds
  if info.duration and info.timescale and info.timescale > 0 and info.duration > 0 then
    seconds = info.duration / info.timescale
  elseif info.fragment_duration and info.timescale and info.timescale > 0 then
    seconds = info.fragment_duration / info.timescale
  else
    for _, t in ipairs(info.tracks) do
      if t.duration and t.timescale and t.timescale > 0 and t.duration > 0 then
        seconds = math.max(seconds or 0, t.duration / t.timescale)
      end
    end
  end
  if seconds then
    fact("Duration", duration_text(seconds))
  elseif seen.moov and info.fragmented then
    note("a fragmented MP4 without a total duration: its fragments were not added up")
  end

  if video then
    local wd, ht = video.width or video.display_w, video.height or video.display_h
    if wd and ht and wd > 0 and ht > 0 then
      fact("Resolution", wd .. "x" .. ht)
      if video.display_w and video.display_w > 0 and (video.display_w ~= wd or video.display_h ~= ht) then
        fact("Display size", video.display_w .. "x" .. video.display_h)
      end
    end
    if video.samples and video.samples > 0 and video.duration and video.timescale and video.duration > 0 then
      fact("Frame rate", number_text(video.samples * video.timescale / video.duration) .. " fps")
    end
    fact("Video codec", video.codec_text)
  end
  if audio then
    fact("Audio codec", audio.codec_text)
    if audio.rate and audio.rate > 0 then fact("Sample rate", audio.rate .. " Hz") end
    if audio.channels and audio.channels > 0 then
      fact("Channels", audio.channels == 1 and "1 (mono)" or audio.channels == 2 and "2 (stereo)" or tostring(audio.channels))
    end
    if audio.language then fact("Audio language", audio.language) end
  end
  if #info.tracks > 1 then
    local list = {}
    for i, t in ipairs(info.tracks) do
      list[i] = (codecs.HANDLERS[t.handler] or ("'" .. boxes.show(t.handler or "?") .. "'")) .. " " .. (t.fourcc and boxes.show(t.fourcc) or "?")
    end
    fact("Tracks", table.concat(list, ", "))
  end
  if info.brand then
    local brand = sanitize((info.brand:gsub("[%s%z]+$", "")))
    local compat = {}
    for _, c in ipairs(info.compatible) do
      local s = sanitize((c:gsub("[%s%z]+$", "")))
      if s ~= "" then compat[#compat + 1] = s end
    end
    fact("Brand", #compat > 0 and (brand .. " (compatible: " .. table.concat(compat, ", ") .. ")") or brand)
  elseif seen.moov or seen.mdat then
    fact("Brand", "none (QuickTime without ftyp)")
  end
  for _, k in ipairs({ "Title", "Artist", "Album", "Date", "Comment", "Encoder" }) do
    if info.tags[k] then fact(k, info.tags[k]) end
  end

  if not seen.moov and size > 0 then
    note(seen.mdat and "no moov box (the movie's index): the file is cut short or was never finished; "
      .. "only the media data is there" or "no moov box (the movie's index) was found")
  end
  if seen.moov and #info.tracks == 0 then note("the moov box has no tracks") end

  local blocks = {}
  if #rows > 0 then blocks[1] = { type = "facts", rows = rows } end
  local title = info.tags.Title or resource.title
  if type(title) ~= "string" or title == "" then title = "Video" end
  return { title = sanitize(title), blocks = blocks, notes = notes }
end
