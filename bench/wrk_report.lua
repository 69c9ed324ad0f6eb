-- Used by bench/run.py. Each wrk thread gets its own session cookie (BENCH_COOKIES, comma-separated), cycles
-- through BENCH_PATHS when given, stops after BENCH_REQUESTS responses when given, and the summary is printed
-- as one JSON line (wrk's own --latency table has no p95).
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
  local cookies = split(os.getenv("BENCH_COOKIES"))
  if #cookies > 0 then wrk.headers["Cookie"] = cookies[((id - 1) % #cookies) + 1] end
  paths = split(os.getenv("BENCH_PATHS"))
  limit = tonumber(os.getenv("BENCH_REQUESTS_PER_THREAD") or "0")
  sent, received = 0, 0
end

request = function()
  sent = sent + 1
  if #paths > 0 then return wrk.format("GET", paths[((sent - 1) % #paths) + 1]) end
  return wrk.format("GET")
end

response = function(status, headers, body)
  received = received + 1
  if limit > 0 and received >= limit then wrk.thread:stop() end
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
