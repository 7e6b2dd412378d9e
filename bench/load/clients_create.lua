-- wrk script for bench/clients.sh: create companies, POST /api/v1/companies, without
-- "confirm_duplicate": every request goes through the full duplicate check, so every name and ИНН
-- must be new. Names are two random Cyrillic words (no two are similar by the trigram measure);
-- the ИНН is a valid 10-digit one whose tax-office digits (51..99, one per run) are never made by
-- `sdelka demo` (01..50) nor by the import CSV (00):
--   digits 1-2: 10 + thread + 10 * (counter div 100000), digits 3-4: 50 + SDELKA_BENCH_RUN,
--   digits 5-9: counter mod 100000, digit 10: the checksum (weights 2,4,10,3,5,9,4,6,8, mod 11 mod 10).
-- The answers are counted by status and printed at the end ("statuses: 201=… 409=…").
local token = os.getenv("SDELKA_BENCH_TOKEN")
local run = tonumber(os.getenv("SDELKA_BENCH_RUN") or "1")
if token == nil or token == "" then error("SDELKA_BENCH_TOKEN is not set") end
if run == nil or run < 1 or run > 49 then error("SDELKA_BENCH_RUN must be 1..49") end
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

local letters = {}
for ch in ("абвгдежзиклмнопрстуфхцчшэюя"):gmatch("[\192-\255][\128-\191]*") do letters[#letters + 1] = ch end

local function word(n)
  local t = {}
  for i = 1, n do t[i] = letters[math.random(#letters)] end
  return table.concat(t)
end

local weights = {2, 4, 10, 3, 5, 9, 4, 6, 8}
local function inn10(first9)
  local sum = 0
  for i = 1, 9 do sum = sum + weights[i] * tonumber(first9:sub(i, i)) end
  return first9 .. tostring(sum % 11 % 10)
end

local counter = 0
function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919 + run)
end

function request()
  counter = counter + 1
  local region = 10 + tid + 10 * math.floor(counter / 100000)
  if region > 99 then error("too many companies created by one thread in one run") end
  local inn = inn10(string.format("%02d%02d%05d", region, 50 + run, counter % 100000))
  local name = "ООО «" .. word(9) .. " " .. word(8) .. "»"
  local body = '{"name":"' .. name .. '","inn":"' .. inn .. '","segment":"prospect"}'
  return wrk.format("POST", "/api/v1/companies", nil, body)
end

function response(status, headers, body)
  local key = "n" .. status  -- a global, so that done() can read it with thread:get
  _G[key] = (_G[key] or 0) + 1
  if status >= 300 and not first_error then
    first_error = status .. " " .. body:sub(1, 300)
  end
end

function done(summary, latency, requests)
  local total = {}
  local err
  for _, t in ipairs(threads) do
    for code = 100, 599 do
      local n = t:get("n" .. code)
      if n then total[code] = (total[code] or 0) + n end
    end
    err = err or t:get("first_error")
  end
  local parts = {}
  for code = 100, 599 do
    if total[code] then parts[#parts + 1] = code .. "=" .. total[code] end
  end
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
  if err then io.write("first error: " .. err .. "\n") end
end
