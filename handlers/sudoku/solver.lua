-- A backtracking Sudoku solver on bit masks, always filling the empty cell
-- with the fewest candidates first, which solves published puzzles in a
-- few hundred steps. A node limit keeps a pathological grid inside the
-- handler's work budget: past it, there is simply no hint.
local M = {}

local MAX_NODES = 20000

local POPCOUNT = {}
for m = 0, 1023 do
  local c, x = 0, m
  while x > 0 do
    c = c + (x & 1)
    x = x >> 1
  end
  POPCOUNT[m] = c
end

function M.box_of(i)
  local r, c = (i - 1) // 9, (i - 1) % 9
  return (r // 3) * 3 + c // 3 + 1
end

-- Solves a copy of cells (81 values, 0 = empty). Returns the solved cells,
-- or nil and "unsolvable" / "too_hard".
function M.solve(cells)
  local grid, rows, cols, boxes = {}, {}, {}, {}
  for k = 1, 9 do rows[k], cols[k], boxes[k] = 0, 0, 0 end
  local empty = {}
  for i = 1, 81 do
    local v = cells[i]
    grid[i] = v
    local r, c, b = (i - 1) // 9 + 1, (i - 1) % 9 + 1, M.box_of(i)
    if v ~= 0 then
      local bit = 1 << v
      if (rows[r] | cols[c] | boxes[b]) & bit ~= 0 then return nil, "unsolvable" end
      rows[r], cols[c], boxes[b] = rows[r] | bit, cols[c] | bit, boxes[b] | bit
    else
      empty[#empty + 1] = i
    end
  end
  local nodes = 0
  local function search(n)
    if n == 0 then return true end
    nodes = nodes + 1
    if nodes > MAX_NODES then error("too_hard", 0) end
    -- The empty cell with the fewest candidates goes first.
    local best, best_k, best_mask, best_count = nil, nil, 0, 10
    for k = 1, n do
      local i = empty[k]
      local r, c, b = (i - 1) // 9 + 1, (i - 1) % 9 + 1, M.box_of(i)
      local mask = ~(rows[r] | cols[c] | boxes[b]) & 0x3FE
      local count = POPCOUNT[mask]
      if count < best_count then
        best, best_k, best_mask, best_count = i, k, mask, count
        if count <= 1 then break end
      end
    end
    if best_count == 0 then return false end
    empty[best_k], empty[n] = empty[n], empty[best_k]
    local r, c, b = (best - 1) // 9 + 1, (best - 1) % 9 + 1, M.box_of(best)
    for v = 1, 9 do
      local bit = 1 << v
      if best_mask & bit ~= 0 then
        grid[best] = v
        rows[r], cols[c], boxes[b] = rows[r] | bit, cols[c] | bit, boxes[b] | bit
        if search(n - 1) then return true end
        rows[r], cols[c], boxes[b] = rows[r] & ~bit, cols[c] & ~bit, boxes[b] & ~bit
        grid[best] = 0
      end
    end
    empty[best_k], empty[n] = empty[n], empty[best_k]
    return false
  end
  local ok, res = pcall(search, #empty)
  if not ok then
    if res == "too_hard" then return nil, "too_hard" end
    error(res, 0)
  end
  if not res then return nil, "unsolvable" end
  return grid
end

return M
