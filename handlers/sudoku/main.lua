-- sudoku: the game's JSON is {"puzzle": "81 digits"} (0 or . for an empty
-- cell). Interactive: the board is shown, then each line the user types is
-- a move ("R C V", "R C 0" to clear), "check", "hint", "help" or "quit";
-- the board is shown again after each. At the end of input, or on quit, or
-- once the board is solved, the final view is returned. With no input at
-- all the open shows the board once (mc.show) and returns it.
local solver = require("solver.lua")

local HELP = "Moves: ROW COLUMN VALUE (e.g. \"1 3 4\"), ROW COLUMN 0 to clear a cell; " ..
  "\"check\", \"hint\", \"quit\"."

local function board_text(cells, given)
  local lines = { "    1 2 3   4 5 6   7 8 9", "  +-------+-------+-------+" }
  for r = 1, 9 do
    local parts = { tostring(r), " |" }
    for c = 1, 9 do
      local v = cells[(r - 1) * 9 + c]
      parts[#parts + 1] = " " .. (v == 0 and "." or tostring(v))
      if c % 3 == 0 then parts[#parts + 1] = " |" end
    end
    lines[#lines + 1] = table.concat(parts)
    if r % 3 == 0 then lines[#lines + 1] = "  +-------+-------+-------+" end
  end
  return table.concat(lines, "\n")
end

-- Why value v cannot go at cell i (row, column or box already has it), or nil.
local function conflict(cells, i, v)
  local r, c, b = (i - 1) // 9, (i - 1) % 9, solver.box_of(i)
  for k = 1, 81 do
    if k ~= i and cells[k] == v then
      if (k - 1) // 9 == r then return string.format("row %d already has a %d", r + 1, v) end
      if (k - 1) % 9 == c then return string.format("column %d already has a %d", c + 1, v) end
      if solver.box_of(k) == b then return string.format("that 3x3 box already has a %d", v) end
    end
  end
  return nil
end

local function error_view(title, text)
  return { title = title, blocks = { { type = "paragraph", text = text } }, notes = { text } }
end

return function(args)
  local resource = mc.resource()
  local title = type(resource.title) == "string" and utf8.len(resource.title) and resource.title ~= "" and resource.title
    or "Sudoku"
  local size = mc.size()
  if size > 65536 then return error_view(title, "This is not a Sudoku puzzle: the record is over 64 KiB.") end
  local data, err = mc.json_decode(mc.read(0, size))
  if data == nil then
    return error_view(title, "This Sudoku puzzle cannot be played: its record is not valid JSON.")
  end
  local puzzle = type(data) == "table" and data.puzzle
  if type(puzzle) ~= "string" then
    return error_view(title, "This Sudoku puzzle cannot be played: its record has no \"puzzle\" string.")
  end
  puzzle = puzzle:gsub("%s", "")
  if #puzzle ~= 81 or puzzle:find("[^0-9%.]") then
    return error_view(title, "This Sudoku puzzle cannot be played: \"puzzle\" must be 81 digits (0 or . for an empty cell).")
  end
  local cells, given = {}, {}
  for i = 1, 81 do
    local ch = puzzle:sub(i, i)
    cells[i] = ch == "." and 0 or tonumber(ch)
    given[i] = cells[i] ~= 0
  end
  for i = 1, 81 do
    if given[i] and conflict(cells, i, cells[i]) then
      return error_view(title, string.format("This Sudoku puzzle cannot be played: its given %d at row %d, column %d "
        .. "breaks the rules (%s).", cells[i], (i - 1) // 9 + 1, (i - 1) % 9 + 1, conflict(cells, i, cells[i])))
    end
  end

  local solution, solve_err, solved_once = nil, nil, false
  local function get_solution()
    if not solved_once then
      solved_once = true
      local g = {}
      for i = 1, 81 do g[i] = given[i] and cells[i] or 0 end
      solution, solve_err = solver.solve(g)
    end
    return solution
  end

  local function empty_count()
    local n = 0
    for i = 1, 81 do if cells[i] == 0 then n = n + 1 end end
    return n
  end
  local function is_solved()
    if empty_count() > 0 then return false end
    for i = 1, 81 do
      if conflict(cells, i, cells[i]) then return false end
    end
    return true
  end
  local function view(message)
    local blocks = { { type = "pre", text = board_text(cells, given) } }
    if message then blocks[#blocks + 1] = { type = "paragraph", text = message } end
    return { title = title, blocks = blocks, notes = {} }
  end
  local function wrong_entries()
    local sol = get_solution()
    local wrong = {}
    if sol then
      for i = 1, 81 do
        if not given[i] and cells[i] ~= 0 and cells[i] ~= sol[i] then
          wrong[#wrong + 1] = string.format("row %d column %d", (i - 1) // 9 + 1, (i - 1) % 9 + 1)
        end
      end
    end
    return wrong
  end

  local function move(r, c, v)
    if r < 1 or r > 9 or c < 1 or c > 9 or v > 9 then
      return "Rows and columns go from 1 to 9, values from 1 to 9 (0 clears)."
    end
    local i = (r - 1) * 9 + c
    if given[i] then return string.format("Row %d, column %d is given by the puzzle and cannot change.", r, c) end
    if v == 0 then
      cells[i] = 0
      return string.format("Cleared row %d, column %d.", r, c)
    end
    local why = conflict(cells, i, v)
    if why then return string.format("%d cannot go at row %d, column %d: %s.", v, r, c, why) end
    cells[i] = v
    return string.format("Put %d at row %d, column %d.", v, r, c)
  end

  local function hint()
    local sol = get_solution()
    if not sol then
      return solve_err == "too_hard" and "No hint: this puzzle is too hard for the hint solver."
        or "No hint: this puzzle has no solution."
    end
    local wrong = wrong_entries()
    if #wrong > 0 then return "Hint: " .. wrong[1] .. " does not match the solution; clear it first." end
    -- Fill the empty cell with the fewest candidates: the one a person would
    -- most easily have found next.
    local best, best_n = nil, 10
    for i = 1, 81 do
      if cells[i] == 0 then
        local n = 0
        for v = 1, 9 do if not conflict(cells, i, v) then n = n + 1 end end
        if n < best_n then best, best_n = i, n end
      end
    end
    if not best then return "No hint: the board is full." end
    cells[best] = sol[best]
    return string.format("Hint: %d at row %d, column %d.", sol[best], (best - 1) // 9 + 1, (best - 1) % 9 + 1)
  end

  local function check()
    local left = empty_count()
    local wrong = wrong_entries()
    if #wrong > 0 then
      return string.format("%d of your numbers do%s not match the solution: %s. %d cell%s empty.", #wrong,
        #wrong == 1 and "es" or "", table.concat(wrong, "; "), left, left == 1 and " is" or "s are")
    end
    if solve_err == "unsolvable" then return "This puzzle has no solution." end
    return string.format("No mistakes so far; %d cell%s empty.", left, left == 1 and " is" or "s are")
  end

  local solved = false
  mc.show(view("Your move. " .. HELP))
  while true do
    local line = mc.input("move> ")
    if line == nil then break end
    local cmd = line:lower():gsub("^%s+", ""):gsub("%s+$", "")
    local message
    if cmd == "quit" or cmd == "q" or cmd == "exit" then
      break
    elseif cmd == "" then
      message = HELP
    elseif cmd == "check" then
      message = check()
    elseif cmd == "hint" then
      message = hint()
    elseif cmd == "help" or cmd == "?" then
      message = HELP
    else
      local r, c, v = cmd:match("^(%d+)[%s,]+(%d+)[%s,]+(%d+)$")
      if r then
        message = move(tonumber(r), tonumber(c), tonumber(v))
      else
        local shown = utf8.len(line) and line or "that"
        if #shown > 40 then shown = shown:sub(1, 40) .. "..." end
        message = "\"" .. shown .. "\" is not a move. " .. HELP
      end
    end
    if is_solved() then
      solved = true
      break
    end
    mc.show(view(message))
  end

  local status
  if solved then
    status = "Solved! Every row, column and box holds 1 to 9."
  else
    local left, start = empty_count(), 0
    for i = 1, 81 do if not given[i] then start = start + 1 end end
    status = string.format("Progress: %d of %d empty cells filled; %d left.", start - left, start, left)
  end
  return view(status)
end
