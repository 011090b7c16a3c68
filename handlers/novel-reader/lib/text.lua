-- Text helpers shared by the scanner and the page renderer: both must agree
-- on what a blank line and a chapter heading are, or the page index and the
-- pages drawn from it would disagree.
local M = {}

local FFFD = "\239\191\189"

-- Every byte that does not begin a valid UTF-8 sequence becomes U+FFFD, so
-- the view always holds valid UTF-8. Returns the text and how many bytes
-- were replaced. utf8.len (strict in Lua 5.4: no surrogates, no overlongs,
-- nothing past U+10FFFF) finds each bad byte in C, so clean text costs one
-- call.
function M.sanitize(s)
  if utf8.len(s) then return s, 0 end
  local out, bad_count, i, len = {}, 0, 1, #s
  while i <= len do
    local ok, bad = utf8.len(s, i)
    if ok then
      out[#out + 1] = s:sub(i)
      break
    end
    out[#out + 1] = s:sub(i, bad - 1)
    out[#out + 1] = FFFD
    bad_count = bad_count + 1
    i = bad + 1
  end
  return table.concat(out), bad_count
end

-- Strips spaces, tabs and U+3000 (the ideographic space that indents Chinese
-- paragraphs) from both ends, byte by byte: a pattern with a lazy capture
-- would cost quadratic steps on long lines.
function M.trim(s)
  local i, j = 1, #s
  while i <= j do
    local b = s:byte(i)
    if b == 32 or b == 9 or b == 12 or b == 11 then
      i = i + 1
    elseif b == 0xE3 and s:byte(i + 1) == 0x80 and s:byte(i + 2) == 0x80 then
      i = i + 3
    else
      break
    end
  end
  while j >= i do
    local b = s:byte(j)
    if b == 32 or b == 9 or b == 12 or b == 11 then
      j = j - 1
    elseif b == 0x80 and j - 2 >= i and s:byte(j - 1) == 0x80 and s:byte(j - 2) == 0xE3 then
      j = j - 3
    else
      break
    end
  end
  return s:sub(i, j)
end

-- A line of only spaces, tabs and U+3000 separates paragraphs. (A line
-- made only of the bytes E3 and 80 is U+3000 repeated or invalid anyway.)
function M.is_blank(line)
  return not line:find("[^ \t\f\v\227\128]")
end

local NUMBER_WORDS = {}
for w in ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
  .. "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred and"):gmatch("%a+") do
  NUMBER_WORDS[w] = true
end

local function is_number_word(w)
  if w:find("^%d+$") and #w <= 4 then return true end
  if w:find("^[ivxlcdm]+$") and #w <= 8 then return true end
  for part in w:gmatch("[^%-]+") do
    if not NUMBER_WORDS[part] or part == "and" then return false end
  end
  return w:find("^%a") ~= nil
end

-- After "Chapter Four" a heading may end, or go on with a title after
-- punctuation ("Chapter 4: The Storm", "Chapter IV. Home", "Chapter 4 —
-- Home"); "Chapter one of my life was..." is a sentence, not a heading.
local function heading_rest_ok(rest)
  if rest == "" then return true end
  local r = rest:match("^%s*(.*)$")
  if r == "" then return true end
  local b = r:byte(1)
  if b == 46 or b == 58 or b == 45 or b == 44 then return true end -- . : - ,
  return r:sub(1, 3) == "\226\128\148" or r:sub(1, 3) == "\226\128\147" -- em dash, en dash
end

-- Chinese numerals and digits that may stand between 第 and 章/回.
local CN_DIGITS = {}
for _, c in utf8.codes("0123456789０１２３４５６７８９零〇一二三四五六七八九十百千万两") do CN_DIGITS[c] = true end
local CN_CHAPTER, CN_HUI = utf8.codepoint("章"), utf8.codepoint("回")
local CN_SENTENCE_END = { [utf8.codepoint("。")] = true, [utf8.codepoint("！")] = true, [utf8.codepoint("？")] = true,
  [utf8.codepoint("，")] = true, [utf8.codepoint("；")] = true }
local CN_STANDALONE = { ["序章"] = true, ["楔子"] = true, ["尾声"] = true, ["后记"] = true, ["序言"] = true,
  ["尾聲"] = true, ["後記"] = true }

local function chinese_heading(t)
  -- 第 + numerals + 章 or 回, then nothing or a short title.
  if t:sub(1, 3) == "第" then
    local count, after = 0, nil
    for p, c in utf8.codes(t:sub(4), true) do
      if c == CN_CHAPTER or c == CN_HUI then
        if count == 0 then return false end
        after = 4 + p - 1 + #utf8.char(c)
        break
      end
      if not CN_DIGITS[c] or count >= 12 then return false end
      count = count + 1
    end
    if not after then return false end
    local rest = t:sub(after)
    if rest == "" then return true end
    local n = utf8.len(rest)
    if not n or n > 30 then return false end
    local last = utf8.codepoint(rest, utf8.offset(rest, -1))
    return not CN_SENTENCE_END[last]
  end
  local first = t:match("^(%S+)")
  return first ~= nil and CN_STANDALONE[first] == true and utf8.len(t) ~= nil and utf8.len(t) <= 30
end

-- The chapter heading a line is, if it is one (the line trimmed), else nil.
-- Only short lines can be headings, which keeps the check off paragraphs.
function M.chapter_title(line)
  if #line > 120 then return nil end
  local t = M.trim(line)
  if #t < 4 then
    return nil
  end
  local b = t:byte(1)
  if b == 0xE5 or b == 0xE6 or b == 0xE7 then
    -- 第 序 楔 尾 后 後 all begin with one of these bytes; utf8.codes
    -- raises on invalid bytes, so those lines are not headings.
    if utf8.len(t) and chinese_heading(t) then return t end
    return nil
  end
  if b ~= 67 and b ~= 99 and b ~= 80 and b ~= 112 and b ~= 69 and b ~= 101 then return nil end -- C c P p E e
  local lower = t:lower()
  local word, rest = lower:match("^chapter%s+([%w%-]+)(.*)$")
  if word then
    if is_number_word(word) and heading_rest_ok(rest) then return t end
    return nil
  end
  local _, e = lower:find("^prologue")
  if not e then _, e = lower:find("^epilogue") end
  if e and heading_rest_ok(lower:sub(e + 1)) then return t end
  return nil
end

return M
