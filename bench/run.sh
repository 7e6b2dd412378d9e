#!/usr/bin/env bash
# make bench: every benchmark in one run. Not a timed test; figures go into README.md.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
for b in "$BUILD"/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
done
echo "== HTTP (wrk; nginx static file as the baseline)"
bash bench/http.sh "$BUILD"
if [ -f bench/clients.sh ]; then
  echo "== Clients at 10^6 records (BENCH_CLIENTS to change)"
  bash bench/clients.sh "$BUILD"
fi
