#!/usr/bin/env bash
# HTTP benchmark (not a timed test): sdelka /healthz and an authenticated GET /api/v1/me against
# nginx serving a static file of the same bytes as the /api/v1/me answer, all on 127.0.0.1 in one run.
# Usage: bench/http.sh [BUILD_DIR]
# Env: BENCH_DURATION (default 10s), BENCH_CONNECTIONS (default 32), BENCH_THREADS (default 2),
#      BENCH_RUNS (default 3; the table shows the median of each column over the runs).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$PWD/$BUILD" ;; esac
SDELKA="$BUILD/sdelka"
NGINX=${NGINX:-/usr/sbin/nginx}
DURATION=${BENCH_DURATION:-10s}
[[ "$DURATION" =~ ^[0-9]+$ ]] && DURATION="${DURATION}s"
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
RUNS=${BENCH_RUNS:-3}

for tool in "$SDELKA" "$NGINX" "$(command -v wrk || true)" "$(command -v curl || true)" "$(command -v node || true)"; do
  if [ -z "$tool" ] || [ ! -x "$tool" ]; then
    echo "bench/http.sh: missing ${tool:-wrk, curl or node}; build sdelka and run scripts/deps.sh" >&2
    exit 2
  fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sdelka-bench.XXXXXX")
SDELKA_PID=""
NGINX_PID=""
cleanup() {
  stop_pid "$NGINX_PID"
  stop_pid "$SDELKA_PID"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "bench/http.sh: $*" >&2
  for log in "$TMP"/sdelka.log "$TMP"/nginx/error.log; do
    [ -s "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# --- sdelka on a fresh database, one user, one API token ---------------------------------------
DB="sqlite:$TMP/sdelka.db"
PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
SDELKA_PASSWORD="$PASSWORD" "$SDELKA" user add bench --role operator --db "$DB" >"$TMP/user-add.log" 2>&1 \
  || { cat "$TMP/user-add.log" >&2; fail "sdelka user add failed"; }
SDELKA_PORT=$(free_port)
"$SDELKA" serve --db "$DB" --listen "127.0.0.1:$SDELKA_PORT" --no-demo --no-access-log >"$TMP/sdelka.log" 2>&1 &
SDELKA_PID=$!
SDELKA_URL="http://127.0.0.1:$SDELKA_PORT"
wait_http "$SDELKA_URL/healthz" "$SDELKA_PID" "sdelka serve"

TOKEN_JSON=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' \
  -d "{\"login\":\"bench\",\"password\":\"$PASSWORD\"}" "$SDELKA_URL/api/v1/auth/token") \
  || fail "POST /api/v1/auth/token failed"
TOKEN=$(printf '%s' "$TOKEN_JSON" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s).token;if(typeof t!=="string"||!t)process.exit(1);process.stdout.write(t)})') \
  || fail "no token in the answer to POST /api/v1/auth/token: $TOKEN_JSON"
export SDELKA_BENCH_TOKEN="$TOKEN"
curl -fsS --max-time 5 -H "Authorization: Bearer $TOKEN" -H 'Accept: application/json' \
  -o "$TMP/me.json" "$SDELKA_URL/api/v1/me" || fail "GET /api/v1/me with the token failed"

# --- nginx serving the same bytes as a static file ----------------------------------------------
mkdir -p "$TMP/nginx" "$TMP/www"
cp "$TMP/me.json" "$TMP/www/me.json"
# nginx workers run as an unprivileged user when started by root: let them read the file.
chmod 755 "$TMP" "$TMP/www" && chmod 644 "$TMP/www/me.json"
NGINX_PORT=$(free_port)
temp_paths="client_body_temp_path $TMP/nginx/body; proxy_temp_path $TMP/nginx/proxy;"
for m in fastcgi uwsgi scgi; do
  "$NGINX" -V 2>&1 | grep -q -- "--without-http_${m}_module" || temp_paths+=" ${m}_temp_path $TMP/nginx/$m;"
done
cat >"$TMP/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  $temp_paths
  types { application/json json; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/www;
    location / { }
  }
}
CONF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" >"$TMP/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NGINX_PORT"
wait_http "$NGINX_URL/me.json" "$NGINX_PID" "nginx"

# --- wrk ------------------------------------------------------------------------------------------
# Prints: req/s p50_ms p99_ms non-2xx/3xx-answers socket-errors.
run_wrk() { # URL [lua script]
  local out
  local args=(--latency -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION")
  [ -n "${2:-}" ] && args+=(-s "$2")
  out=$(wrk "${args[@]}" "$1") || fail "wrk $1 failed: $out"
  printf '%s\n' "$out" >>"$TMP/wrk.log"
  printf '%s\n' "$out" | awk '
    function ms(v,   n, u) {
      n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
      if (u == "us") return n / 1000
      if (u == "s") return n * 1000
      if (u == "m") return n * 60000
      return n
    }
    /^Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad += $NF }
    /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { v = $i; sub(/,/, "", v); sock += v } }
    END { printf "%s %.3f %.3f %d %d\n", rps, p50, p99, bad + 0, sock + 0 }'
}

TARGETS=(nginx healthz me)
declare -A URL=([nginx]="$NGINX_URL/me.json" [healthz]="$SDELKA_URL/healthz" [me]="$SDELKA_URL/api/v1/me")
declare -A SCRIPT=([nginx]="" [healthz]="" [me]="$ROOT/bench/load/bearer.lua")
declare -A LABEL=([nginx]="nginx static file ($(stat -c %s "$TMP/www/me.json") B)" [healthz]="sdelka GET /healthz" [me]="sdelka GET /api/v1/me (Bearer)")

echo "bench/http.sh: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $RUNS runs per target (interleaved), median shown; $(nproc) CPUs; $("$NGINX" -v 2>&1 | sed 's/.*: //')"
for run in $(seq "$RUNS"); do
  for t in "${TARGETS[@]}"; do
    echo "  run $run/$RUNS: ${LABEL[$t]}" >&2
    run_wrk "${URL[$t]}" "${SCRIPT[$t]}" >>"$TMP/results.$t"
  done
done
kill -0 "$SDELKA_PID" 2>/dev/null || fail "sdelka serve died during the benchmark"

declare -A RPS P50 P99 BAD SOCK
for t in "${TARGETS[@]}"; do
  RPS[$t]=$(awk '{ print $1 }' "$TMP/results.$t" | median)
  P50[$t]=$(awk '{ print $2 }' "$TMP/results.$t" | median)
  P99[$t]=$(awk '{ print $3 }' "$TMP/results.$t" | median)
  BAD[$t]=$(awk '{ s += $4 } END { print s + 0 }' "$TMP/results.$t")
  SOCK[$t]=$(awk '{ s += $5 } END { print s + 0 }' "$TMP/results.$t")
done

echo
printf '%-36s %12s %10s %10s %8s %8s\n' "target" "req/s" "p50 ms" "p99 ms" "non-2xx" "sock err"
for t in "${TARGETS[@]}"; do
  printf '%-36s %12.0f %10.3f %10.3f %8d %8d\n' "${LABEL[$t]}" "${RPS[$t]}" "${P50[$t]}" "${P99[$t]}" "${BAD[$t]}" "${SOCK[$t]}"
done
RATIO=$(awk -v a="${RPS[me]}" -v b="${RPS[nginx]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
VERDICT=$(awk -v r="$RATIO" 'BEGIN { print (r >= 0.5 ? "meets" : "below") }')
echo "ratio /api/v1/me req/s : nginx req/s = $RATIO ($VERDICT the goal of 0.50)"
for t in "${TARGETS[@]}"; do
  if [ "${BAD[$t]}" -gt 0 ]; then
    echo "bench/http.sh: ${LABEL[$t]} got ${BAD[$t]} answers that were not 2xx/3xx; its figures are not valid" >&2
    exit 1
  fi
done
