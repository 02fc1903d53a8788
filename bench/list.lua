-- GET /v1/proposals?limit=50 from random cursors (and every tenth without one).
local cursors = {}
local token = os.getenv("BENCH_TOKEN")
function init(args)
  for line in io.lines(os.getenv("BENCH_CURSORS")) do cursors[#cursors + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end
function request()
  local path = "/v1/proposals?limit=50"
  if math.random(10) > 1 then path = path .. "&cursor=" .. cursors[math.random(#cursors)] end
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
