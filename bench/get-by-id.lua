-- GET /v1/proposals/{id} for ids drawn at random from bench ids file.
local ids = {}
local token = os.getenv("BENCH_TOKEN")
function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end
function request()
  return wrk.format("GET", "/v1/proposals/" .. ids[math.random(#ids)], {["Authorization"] = "Bearer " .. token})
end
