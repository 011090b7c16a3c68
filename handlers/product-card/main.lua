-- product-card: a product's JSON record as a card. Fields: name, price
-- (string or number), currency, sizes, description, buy_url, images
-- (resource ids, or {resource_id, alt}). Anything malformed is left out
-- with a note; only JSON that does not parse at all, or that is not an
-- object, makes a view that says so.
local MAX_BYTES = 1048576

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

local function present(v)
  return v ~= nil and v ~= mc.null
end

-- A number as people write prices and sizes: integers without ".0".
local function number_text(v)
  if math.type(v) == "integer" then return tostring(v) end
  if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", v) end
  return (string.format("%.6f", v):gsub("0+$", ""):gsub("%.$", ""))
end

local function scalar_text(v)
  if type(v) == "string" then return v end
  if type(v) == "number" then return number_text(v) end
  return nil
end

-- Only web links may become a buy button: a javascript:, data: or file:
-- URL in a provider's JSON must not turn into something the user clicks.
local function web_url(u)
  return type(u) == "string" and #u <= 2048 and u:find("^[Hh][Tt][Tt][Pp][Ss]?://[%w%-%.]+[:/%?#]?[^%s]*$") ~= nil
end

local function resource_id(v)
  return type(v) == "string" and #v <= 128 and v:find("^r_[%w_%-]+$") ~= nil
end

return function(args)
  local resource = mc.resource()
  local fallback_title = type(resource.title) == "string" and resource.title ~= "" and sanitize(resource.title) or "Product"
  local notes = {}
  local function note(s) notes[#notes + 1] = s end

  local size = mc.size()
  if size > MAX_BYTES then
    return { title = fallback_title, blocks = { { type = "paragraph",
      text = "This product record is too large to show (" .. size .. " bytes; the most is 1 MiB)." } }, notes = {} }
  end
  local raw = mc.read(0, size)
  local data, err = mc.json_decode(raw)
  local is_array = false
  if type(data) == "table" and data ~= mc.null and #data > 0 then
    local keys = 0
    for _ in pairs(data) do keys = keys + 1 end
    is_array = keys == #data
  end
  if data == nil or type(data) ~= "table" or data == mc.null or is_array then
    local why = data == nil and ("it is not valid JSON (" .. sanitize(tostring(err)) .. ")") or "it is JSON, but not an object"
    return { title = fallback_title,
      blocks = { { type = "paragraph", text = "This product record cannot be shown: " .. why .. "." } },
      notes = { data == nil and "the product record is not valid JSON" or "the product record is not a JSON object" } }
  end

  local title = fallback_title
  if type(data.name) == "string" and data.name ~= "" then
    title = sanitize(data.name)
  elseif present(data.name) then
    note("the product's name is not a string")
  end

  local blocks = {}
  local rows = {}
  local price = scalar_text(data.price)
  if type(data.price) == "number" then price = string.format("%.2f", data.price) end
  if price and price ~= "" then
    local currency = type(data.currency) == "string" and data.currency or nil
    rows[#rows + 1] = { "Price", sanitize(currency and currency ~= "" and (price .. " " .. currency) or price) }
    if not currency and present(data.currency) then note("the currency is not a string") end
  else
    note(present(data.price) and "the price is not a string or a number" or "the record gives no price")
  end
  if #rows > 0 then blocks[#blocks + 1] = { type = "facts", rows = rows } end

  if present(data.sizes) then
    local items = {}
    if type(data.sizes) == "table" then
      for _, s in ipairs(data.sizes) do
        local t = scalar_text(s)
        if t then items[#items + 1] = sanitize(t) end
      end
    end
    if #items > 0 then
      blocks[#blocks + 1] = { type = "heading", level = 2, text = "Sizes" }
      blocks[#blocks + 1] = { type = "list", ordered = false, items = items }
    else
      note("the sizes are not a list of numbers or strings")
    end
  end

  if type(data.description) == "string" and data.description ~= "" then
    -- Blank lines separate paragraphs, as in the text viewer.
    local text = sanitize(data.description):gsub("\r\n?", "\n")
    for para in (text .. "\n\n"):gmatch("(.-)\n%s*\n") do
      if para:find("%S") then blocks[#blocks + 1] = { type = "paragraph", text = para } end
    end
  elseif present(data.description) and data.description ~= "" then
    note("the description is not a string")
  end

  local images = {}
  if present(data.images) then
    local list = type(data.images) == "table" and data.images or {}
    local skipped = 0
    for i, im in ipairs(list) do
      local id, alt = im, nil
      if type(im) == "table" then id, alt = im.resource_id, im.alt end
      if resource_id(id) then
        images[#images + 1] = { resource_id = id,
          alt = type(alt) == "string" and sanitize(alt) or (title .. ", picture " .. i) }
      else
        skipped = skipped + 1
      end
    end
    if type(data.images) ~= "table" or skipped > 0 then
      note("some pictures are not resource ids and were left out")
    end
  end

  local actions = {}
  if present(data.buy_url) then
    if web_url(data.buy_url) then
      actions[1] = { type = "buy", label = "Buy " .. title .. (price and (" for " .. rows[1][2]) or ""), url = data.buy_url }
    else
      note("the buy link is not an http or https URL, so there is no buy button")
    end
  else
    note("the record gives no buy link")
  end

  return { title = title, blocks = blocks, images = images, actions = actions, notes = notes }
end
