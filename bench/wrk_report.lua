-- Used by bench/run.py. Each wrk thread takes its share of the session cookies in BENCH_COOKIE_FILE (one a
-- line: the thread's number, then every `threads`-th) and sends each request with the next cookie of its share;
-- it cycles through BENCH_PATHS when given, and the summary is printed as one JSON line (wrk's own --latency
-- table has no p95).
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local function split(text)
  local list = {}
  for item in string.gmatch(text or "", "[^,]+") do table.insert(list, item) end
  return list
end

init = function(args)
  mine = {}
  local all = {}
  local file = io.open(os.getenv("BENCH_COOKIE_FILE") or "", "r")
  if file then
    for line in file:lines() do if #line > 0 then table.insert(all, line) end end
    file:close()
  end
  local total = tonumber(os.getenv("BENCH_THREADS") or "1")
  for i = id, #all, total do table.insert(mine, all[i]) end
  if #mine == 0 and #all > 0 then table.insert(mine, all[((id - 1) % #all) + 1]) end
  paths = split(os.getenv("BENCH_PATHS"))
  sent = 0
end

request = function()
  sent = sent + 1
  local headers = nil
  if #mine > 0 then headers = {Cookie = mine[((sent - 1) % #mine) + 1]} end
  if #paths > 0 then return wrk.format("GET", paths[((sent - 1) % #paths) + 1], headers) end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "errors": %d, "non_2xx_3xx": %d, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
