#!/usr/bin/env bash
# make bench: every benchmark, in one run. Not a timed test.
set -euo pipefail
BUILD=${1:-build}
for b in "$BUILD"/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
done
