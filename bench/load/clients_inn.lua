-- wrk script for bench/clients.sh: search companies by ИНН, a different real ИНН on every request
-- (one per line in SDELKA_BENCH_INN_FILE, taken from the benchmark database), so that the
-- figures are not those of one cached row.
local token = os.getenv("SDELKA_BENCH_TOKEN")
local file = os.getenv("SDELKA_BENCH_INN_FILE")
if token == nil or token == "" then error("SDELKA_BENCH_TOKEN is not set") end
if file == nil or file == "" then error("SDELKA_BENCH_INN_FILE is not set") end
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"

local inns = {}
for line in io.lines(file) do
  if line:match("^%d+$") then inns[#inns + 1] = line end
end
if #inns == 0 then error("no ИНН in " .. file) end

local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
  return wrk.format("GET", "/api/v1/companies?q=" .. inns[math.random(#inns)])
end
