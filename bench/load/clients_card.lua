-- wrk script for bench/clients.sh: open a company card, GET /api/v1/companies/{id}, with an id drawn
-- at random from SDELKA_BENCH_ID_MIN..SDELKA_BENCH_ID_MAX (the demo companies) on every request.
local token = os.getenv("SDELKA_BENCH_TOKEN")
local lo = tonumber(os.getenv("SDELKA_BENCH_ID_MIN") or "")
local hi = tonumber(os.getenv("SDELKA_BENCH_ID_MAX") or "")
if token == nil or token == "" then error("SDELKA_BENCH_TOKEN is not set") end
if lo == nil or hi == nil or hi < lo then error("SDELKA_BENCH_ID_MIN / SDELKA_BENCH_ID_MAX are not set") end
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"

local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
  return wrk.format("GET", "/api/v1/companies/" .. math.random(lo, hi))
end
