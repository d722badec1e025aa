-- wrk script: rotates through the request paths listed in a file (one a line) and counts every
-- response by its HTTP status, so that the harness can count each non-2xx as an error.
-- Usage: wrk -t THREADS -s rotate.lua URL -- PATHS_FILE THREADS [ACCEPT [COOKIE]]
-- ACCEPT is the Accept header (application/json by default); COOKIE, when given, is sent as
-- the Cookie header (a signed-in session for the officer pages).
-- At the end it prints one line "BENCH_JSON {...}" with the totals, the status counts and the
-- latency percentiles (microseconds), which bench/harness.py reads.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  local paths = {}
  for line in file:lines() do
    if #line > 0 then
      table.insert(paths, line)
    end
  end
  file:close()
  assert(#paths > 0, "no request paths in " .. args[1])
  local headers = { ["Accept"] = args[3] or "application/json" }
  if args[4] and #args[4] > 0 then
    headers["Cookie"] = args[4]
  end
  prepared = {}
  for i, path in ipairs(paths) do
    prepared[i] = wrk.format("GET", path, headers)
  end
  -- Each thread starts at another place of the rotation (wrk tells init no thread count).
  local thread_count = tonumber(args[2]) or 1
  position = ((id or 1) - 1) * math.floor(#prepared / thread_count)
  statuses = {}
end

function request()
  position = position + 1
  return prepared[(position % #prepared) + 1]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local function json_object(map)
  local parts = {}
  for key, value in pairs(map) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  table.sort(parts)
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses") or {}
    for key, value in pairs(counts) do
      merged[key] = (merged[key] or 0) + value
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
      .. '"statuses": %s, "latency_us": {"mean": %.1f, "p50": %d, "p95": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.timeout,
    json_object(merged),
    latency.mean, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max
  ))
end
