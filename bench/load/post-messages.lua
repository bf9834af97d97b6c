-- wrk script: POST /messages (or, with a batch size, POST /messages/batch) with the JSON in a
-- file whose {{to}} becomes a distinct recipient per message.
--   wrk -t2 -c32 -d30s --latency -s bench/load/post-messages.lua http://127.0.0.1:PORT/messages \
--       -- bench/load/order-confirmation.json bench-key [batch-size]
-- At the end prints one parsable line: "RESULT requests= seconds= messages= errors= p50_ms= p99_ms=".
local threads = {}
local counter = 0 -- "id" is set per thread by setup()
local template, batch

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "r"))
  template = f:read("*a"):gsub("%s+$", "")
  f:close()
  batch = tonumber(args[3] or "0")
  per_request = batch > 0 and batch or 1 -- read by done() through the thread
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. (args[2] or "bench-key")
  run = tostring(os.time() % 100000)
end

local function message()
  counter = counter + 1
  return (template:gsub("{{to}}", "w" .. run .. "-" .. id .. "-" .. counter .. "@bench.test"))
end

function request()
  if batch > 0 then
    local parts = {}
    for i = 1, batch do parts[i] = message() end
    return wrk.format(nil, nil, nil, '{"messages":[' .. table.concat(parts, ",") .. ']}')
  end
  return wrk.format(nil, nil, nil, message())
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  -- done() runs in the main Lua state, where init() never ran.
  local per = threads[1]:get("per_request") or 1
  io.write(string.format("RESULT requests=%d seconds=%.2f messages=%d errors=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
    summary.requests, summary.duration / 1e6, summary.requests * per, errors,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
