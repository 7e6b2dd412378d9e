-- wrk script for bench/clients.sh: a plain GET of the URL given to wrk, with the API token from
-- SDELKA_BENCH_TOKEN as a Bearer header. Only wrk.headers is set, so wrk keeps its fast path.
local token = os.getenv("SDELKA_BENCH_TOKEN")
if token == nil or token == "" then
  error("SDELKA_BENCH_TOKEN is not set")
end
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"
