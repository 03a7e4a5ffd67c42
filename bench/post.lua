-- wrk: POST a form to one path per request, counting the answers.
-- Usage: wrk -tTHREADS ... -s post.lua URL -- MODE STARTED THREADS [PATHS_FILE | PAUSE_MS]
--   MODE sign:    fresh addresses on every request, to the URL's path
--   MODE warm:    as sign, with addresses of its own, to warm every worker first
--   MODE floor:   as sign, for the bare app (bench/floor.py); STARTED names the run
--   MODE rush:    as sign, at a fixed rate: each thread starts a request every
--                 PAUSE_MS, whatever the earlier ones take (an open schedule, so the
--                 rate asked is the rate sent while connections are free); an
--                 optional fifth argument names the addresses (default "rush")
--   MODE confirm: the next confirmation path from PATHS_FILE each time
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode, started = args[1], args[2]
  stride = tonumber(args[3])
  id = wrk.thread:get("id")
  n, good, bad = 0, 0, 0
  paths = {}
  if mode == "confirm" then
    for line in io.lines(args[4]) do table.insert(paths, line) end
  end
  if mode == "rush" then interval = tonumber(args[4]); name = args[5] end
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
end

function delay()
  if not interval then return 0 end
  -- Each request takes the thread's next slot and waits for it to come.
  local now = now_ms()
  slot = (slot or now) + interval
  return math.max(0, math.floor(slot - now))
end

function request()
  n = n + 1
  if mode == "sign" or mode == "warm" or mode == "rush" or mode == "floor" then
    -- The floor's STARTED is a word of its own, so its runs use addresses of their own.
    local who = (mode == "floor") and (mode .. started) or name or mode
    local body = "started=" .. started ..
      "&first_name=Bench&last_name=Signer" .. id .. "x" .. n ..
      "&email=" .. who .. "-" .. id .. "-" .. n .. "%40example.org&country=DE&consent=on"
    return wrk.format("POST", wrk.path, headers, body)
  end
  -- Threads take interleaved paths, so no two requests confirm the same one.
  local index = ((n - 1) * stride + id - 1) % #paths + 1
  return wrk.format("POST", paths[index], headers, "")
end

function response(status, headers, body)
  local expected = (mode == "confirm") and 200 or 302
  if status == expected then good = good + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local g, b = 0, 0
  for _, thread in ipairs(threads) do
    g = g + thread:get("good")
    b = b + thread:get("bad")
  end
  io.write(string.format("GOOD %d\nBAD %d\n", g, b))
end
