-- POST to a different URL each request, never the same one twice: a repeat of a move on the same
-- order is an exact repeat (answered without a write) and would not measure the move.
--
--   wrk -s bench/lua/post_each.lua URL -- LINES_FILE
--
-- LINES_FILE: one request a line, `path<TAB>json body` (the body may be empty). Thread k of n takes
-- lines k, k+n, k+2n...; when a thread runs out it sends a request that answers 404, so the run is
-- refused (non-2xx) rather than silently repeating a move. done() prints how many lines were
-- consumed (`POOL_USED n`) and whether any thread ran out (`POOL_EXHAUSTED`).

local threads = {}

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  step = 2 -- wrk -t2 (bench/run.py always runs two threads)
  index = number + 1
  exhausted = false
end

function request()
  local line = lines[index]
  if line == nil then
    exhausted = true
    return wrk.format("POST", "/bench-pool-exhausted/")
  end
  index = index + step
  local tab = line:find("\t", 1, true)
  local path, body = line, nil
  if tab then
    path, body = line:sub(1, tab - 1), line:sub(tab + 1)
    if body == "" then body = nil end
  end
  return wrk.format("POST", path, nil, body)
end

function done(summary, latency, requests)
  local used = 0
  for _, thread in ipairs(threads) do
    local next_index = thread:get("index")
    if next_index - 1 > used then used = next_index - 1 end
    if thread:get("exhausted") then io.write("POOL_EXHAUSTED\n") end
  end
  io.write(string.format("POOL_USED %d\n", used))
end
