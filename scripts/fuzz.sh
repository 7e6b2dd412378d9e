#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, -fsanitize=fuzzer,address,undefined) and runs
# each of them on a copy of its committed seed corpus (tests/fuzz/corpus/<harness>), so that nothing
# is written into the tree.
#
#   bash scripts/fuzz.sh smoke [BUILD_DIR]   each harness for a fixed number of executions from a
#                                            fixed seed (FUZZ_SEED, default 1), two at a time, about
#                                            20 s each here; at most FUZZ_SECONDS (default 90) each
#                                            (part of `make test`: the same commit fuzzes the same
#                                            inputs on every run, so CI does not turn red by chance)
#   bash scripts/fuzz.sh full  [BUILD_DIR]   each harness, one after the other, until FUZZ_RUNS
#                                            executions (default 10000000)          (`make fuzz`)
#
# FUZZ_HARNESSES="fuzz_xlsx fuzz_csv" runs only those (default: all six).
# BUILD_DIR defaults to build/fuzz; it is configured once (CC=clang CXX=clang++) and then only
# rebuilt. For each harness the script prints executions, seconds, executions per second and the
# crashes found. It exits non-zero when a harness crashes, leaks, times out, runs out of memory or a
# sanitizer reports, and prints the path of the input that did it (kept in BUILD_DIR/artifacts/).
# Reproduce with: BUILD_DIR/<harness> BUILD_DIR/artifacts/<harness>/crash-…
set -euo pipefail

MODE=${1:-smoke}
BUILD=${2:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-90}
FUZZ_SEED=${FUZZ_SEED:-1}
FUZZ_RUNS=${FUZZ_RUNS:-10000000}
case "$MODE" in smoke | full) ;; *) echo "usage: $0 smoke|full [BUILD_DIR]" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
FUZZ_DIR=$ROOT/tests/fuzz

for tool in clang clang++ cmake; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fuzz.sh: $tool is missing (run: bash scripts/deps.sh)" >&2; exit 1; }
done

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$FUZZ_DIR" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" -j2 -- --no-print-directory >/dev/null
BUILD=$(cd "$BUILD" && pwd)

# harness  max_len  dictionary  smoke executions. The limits keep the inputs (and so each execution) small enough for
# 10^7 runs in reasonable time: a CSV's syntax, encodings and "sep=" hints show in 2 KiB, a workbook
# of a few parts (or the 6 KiB real-file seed) in 8 KiB. Files over the CSV reader's 64 KiB chunk are
# not reached this way.
HARNESSES=(
  "fuzz_csv         2048  csv.dict    160000"
  "fuzz_xlsx        8192  xlsx.dict   70000"
  "fuzz_json_body   2048  json.dict   120000"
  "fuzz_form        1024  form.dict   160000"
  "fuzz_requisites  64    -           180000"
  "fuzz_phone       128   phone.dict  360000"
)

if [ -n "${FUZZ_HARNESSES:-}" ]; then
  selected=()
  for h in "${HARNESSES[@]}"; do
    for want in $FUZZ_HARNESSES; do [ "${h%% *}" = "$want" ] && selected+=("$h"); done
  done
  [ ${#selected[@]} -gt 0 ] || { echo "fuzz.sh: no harness named in FUZZ_HARNESSES=$FUZZ_HARNESSES" >&2; exit 2; }
  HARNESSES=("${selected[@]}")
fi

# Temporary corpora, logs and the harnesses' input files: on tmpfs when there is one.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then TMP=$(mktemp -d /dev/shm/sdelka-fuzz.XXXXXX); else TMP=$(mktemp -d); fi
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/files" "$TMP/logs"
export FUZZ_TMPDIR=$TMP/files
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run NAME MAX_LEN DICT SMOKE_RUNS: runs one harness; its figures go to $TMP/logs/NAME.result.
run() {
  local name=$1 max_len=$2 dict=$3 smoke_runs=$4
  local corpus=$TMP/corpus/$name artifacts=$BUILD/artifacts/$name log=$TMP/logs/$name.log
  mkdir -p "$corpus" "$artifacts"
  cp "$FUZZ_DIR/corpus/$name/"* "$corpus/"
  local args=(-rss_limit_mb=2048 -timeout=10 -max_len="$max_len" -print_final_stats=1
              -artifact_prefix="$artifacts/")
  [ "$dict" != - ] && args+=(-dict="$FUZZ_DIR/$dict")
  if [ "$MODE" = smoke ]; then
    args+=(-seed="$FUZZ_SEED" -runs="$smoke_runs" -max_total_time="$FUZZ_SECONDS")
  else
    args+=(-runs="$FUZZ_RUNS")
  fi
  local before start end rc=0
  before=$(find "$artifacts" -type f | wc -l)
  start=$(date +%s.%N)
  "$BUILD/$name" "${args[@]}" "$corpus" >"$log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  local runs artifact crashes
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  crashes=$(( $(find "$artifacts" -type f | wc -l) - before ))
  [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1
  echo "$name ${runs:-0} $start $end $rc $crashes ${artifact:--}" >"$TMP/logs/$name.result"
}

report() {
  local name=$1 runs start end rc crashes artifact secs rate
  read -r name runs start end rc crashes artifact <"$TMP/logs/$name.result"
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  rate=$(awk -v n="$runs" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
  printf '%-16s %10s executions  %8s s  %7s exec/s  %s crashes\n' "$name" "$runs" "$secs" "$rate" "$crashes"
  if [ "$rc" -ne 0 ]; then
    echo "---- $name failed (exit $rc); the end of its log:" >&2
    grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse)' "$TMP/logs/$name.log" | tail -40 >&2
    [ "$artifact" != - ] && echo "---- crash input: $artifact" >&2
    [ "$artifact" != - ] && echo "---- reproduce:   $BUILD/$name $artifact" >&2
    return 1
  fi
}

echo "fuzz.sh: $MODE ($( [ "$MODE" = smoke ] && echo "seed $FUZZ_SEED, fixed executions, at most $FUZZ_SECONDS s each, two at a time" || echo "$FUZZ_RUNS executions each, one at a time" )), build $BUILD"
failed=0
if [ "$MODE" = smoke ]; then
  i=0
  while [ $i -lt ${#HARNESSES[@]} ]; do
    pair=()
    for j in 0 1; do
      [ $((i + j)) -lt ${#HARNESSES[@]} ] || continue
      # shellcheck disable=SC2086
      set -- ${HARNESSES[$((i + j))]}
      run "$1" "$2" "$3" "$4" &
      pair+=("$1")
    done
    wait
    for name in "${pair[@]}"; do report "$name" || failed=1; done
    i=$((i + 2))
  done
else
  for h in "${HARNESSES[@]}"; do
    # shellcheck disable=SC2086
    set -- $h
    run "$1" "$2" "$3" "$4"
    report "$1" || failed=1
  done
fi

if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: FAILED (inputs kept in $BUILD/artifacts/)" >&2
  exit 1
fi
echo "fuzz.sh: all harnesses passed: 0 crashes, leaks or sanitizer reports"
