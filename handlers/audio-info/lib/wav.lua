-- RIFF/WAVE (and RF64/BW64): the fmt chunk says how samples are stored, the
-- data chunk's size gives the duration, LIST/INFO holds the tags. The data
-- itself is never read.
local B = require("lib/bytes.lua")
local T = require("lib/text.lua")

local M = {}

local FORMATS = {
  [0x0001] = "PCM", [0x0002] = "Microsoft ADPCM", [0x0003] = "IEEE float", [0x0006] = "A-law",
  [0x0007] = "µ-law", [0x0011] = "IMA ADPCM", [0x0031] = "GSM 6.10", [0x0050] = "MPEG audio",
  [0x0055] = "MPEG Layer III", [0x0092] = "Dolby AC-3 (SPDIF)", [0x2000] = "AC-3",
}
-- Formats whose every block of samples has the same size, so that the
-- duration is the data size over the block size.
local FIXED_BLOCKS = { [0x0001] = true, [0x0003] = true, [0x0006] = true, [0x0007] = true }

local INFO_TAGS = {
  INAM = "Title", IART = "Artist", IPRD = "Album", ICMT = "Comment", ICRD = "Date", IGNR = "Genre",
  ITRK = "Track", IPRT = "Track", ICOP = "Copyright", ISFT = "Encoder", IENG = "Engineer", ISBJ = "Subject",
}

function M.detect(head)
  local id = head:sub(1, 4)
  return (id == "RIFF" or id == "RF64" or id == "BW64") and head:sub(9, 12) == "WAVE"
end

local function parse_info(data, info)
  local p = 5 -- after "INFO"
  while p + 7 <= #data do
    local id, size = data:sub(p, p + 3), B.u32le(data, p + 4)
    if not id:find("^%u[%u%d ][%u%d ][%u%d ]$") then break end
    local value = data:sub(p + 8, p + 7 + size)
    local name = INFO_TAGS[id]
    if name and not info.tags[name] then
      value = T.clean(T.utf8_or_latin1((value:gsub("%z.*$", ""))))
      if value ~= "" then info.tags[name] = value end
    end
    p = p + 8 + size + (size % 2)
  end
end

function M.parse(r, info, note)
  local size = r.size
  local head = r:get(0, 12)
  local container = head:sub(1, 4)
  local riff_size = B.u32le(head, 5)
  info.container = container == "RIFF" and "WAV" or container .. " WAV"
  if container == "RIFF" and riff_size + 8 > size then
    note(string.format("the file ends early: its RIFF header promises %d bytes, the file has %d", riff_size + 8, size))
  end
  local fmt, data_size, fact_samples, ds64_data
  local off, chunks = 12, 0
  while off + 8 <= size do
    chunks = chunks + 1
    if chunks > 10000 then
      note("more than 10000 chunks: the rest of the file was not read")
      break
    end
    local h = r:get(off, 8)
    local id, csize = h:sub(1, 4), B.u32le(h, 5)
    -- Chunk ids are four printable ASCII characters; anything else means
    -- the chunk chain is broken (a corrupt size earlier, or garbage).
    if not id:find("^[\32-\126][\32-\126][\32-\126][\32-\126]$") then
      note(string.format("the chunk structure breaks at byte %d (not a chunk id); the rest was not read", off))
      break
    end
    local body = off + 8
    local avail = size - body
    if id == "ds64" then
      local d = r:get(body, 28)
      ds64_data = B.u64le(d, 9)
    elseif id == "fmt " then
      local d = r:get(body, math.min(csize, 4096))
      local tag = B.u16le(d, 1)
      if not tag or #d < 16 then
        note("the fmt chunk is cut short")
      else
        fmt = { tag = tag, channels = B.u16le(d, 3), rate = B.u32le(d, 5), byte_rate = B.u32le(d, 9),
          align = B.u16le(d, 13), bits = B.u16le(d, 15) }
        if tag == 0xFFFE then
          fmt.extensible = true
          fmt.valid_bits = B.u16le(d, 19)
          fmt.tag = B.u16le(d, 25) or tag -- the sub-format GUID starts with the format tag
        end
      end
    elseif id == "data" then
      local ds = csize
      if container ~= "RIFF" and csize == 0xFFFFFFFF and ds64_data then ds = ds64_data end
      if csize == 0xFFFFFFFF and not ds64_data or csize == 0 and riff_size == 0 then
        -- A WAV written to a pipe never got its sizes: the data runs to the end.
        ds = avail
        note("the data chunk has no size (the file was written as a stream); it is taken to run to the end")
      end
      if ds > avail then
        note(string.format("the file ends early: the data chunk promises %d bytes, %d are there", ds, avail))
        ds = avail
      end
      data_size = ds
      csize = ds
    elseif id == "fact" then
      fact_samples = B.u32le(r:get(body, 4), 1)
    elseif id == "LIST" and csize <= 1048576 then
      local d = r:get(body, csize)
      if d:sub(1, 4) == "INFO" then parse_info(d, info) end
    end
    if id ~= "data" and csize > avail then
      note(string.format("the file ends early: the %q chunk promises %d bytes, %d are there", id, csize, avail))
      break
    end
    -- Chunks are padded to an even size.
    off = body + csize + (csize % 2)
  end

  if not fmt then
    note("no fmt chunk: the sample format is unknown")
  else
    info.codec = FORMATS[fmt.tag] or string.format("format 0x%04X", fmt.tag)
    info.rate = fmt.rate
    info.channels = fmt.channels
    if fmt.bits and fmt.bits > 0 then info.bits = fmt.valid_bits and fmt.valid_bits > 0 and fmt.valid_bits or fmt.bits end
    if fmt.byte_rate and fmt.byte_rate > 0 then info.bitrate = fmt.byte_rate * 8 end
  end
  if not data_size then
    note("no data chunk: the file holds no samples")
  elseif fmt and fmt.rate and fmt.rate > 0 then
    if FIXED_BLOCKS[fmt.tag] and fmt.align and fmt.align > 0 then
      info.duration = (data_size // fmt.align) / fmt.rate
    elseif fact_samples then
      info.duration = fact_samples / fmt.rate
    elseif fmt.byte_rate and fmt.byte_rate > 0 then
      info.duration = data_size / fmt.byte_rate
    end
  end
end

return M
