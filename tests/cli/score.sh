#!/usr/bin/env bash
# `sdelka score train|apply|eval` on the German credit sample: outputs, determinism, and every kind of
# malformed input exiting with status 2 and exactly one line on stderr.
# Usage: score.sh <path to sdelka> <shared data dir>
set -euo pipefail
SDELKA=$1
DATA=$2/credit/german_credit_train.csv
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
train() { "$SDELKA" score train --data "$DATA" --target bad --id id --exclude Personal,ForeignWorker "$@"; }

# --- train: model, reports, determinism ---
train --out "$T/m1.json" --report "$T/report.md" > "$T/train.out"
grep -q 'CV AUC' "$T/train.out" || fail "train prints no summary: $(cat "$T/train.out")"
train --out "$T/m2.json" --report "$T/report.csv" > /dev/null
cmp -s "$T/m1.json" "$T/m2.json" || fail "two trainings on the same data gave different model files"
grep -q '"format": "sdelka-scorecard"' "$T/m1.json" || fail "model file has no format tag"
grep -q '"version": 1' "$T/m1.json" || fail "model file has no version"
grep -q '"hash": "blake2b-256:' "$T/m1.json" || fail "model file has no data hash"
grep -qF '| Variable | Bin | Count | Bad rate | WOE | IV | Points |' "$T/report.md" || fail "Markdown report lacks the table"
[ "$(head -1 "$T/report.csv")" = "variable,bin,count,bad_rate,woe,iv,points" ] || fail "CSV report header"
grep -q '^CheckingAccountStatus,lt.0,' "$T/report.csv" || fail "CSV report lacks CheckingAccountStatus = lt.0"
! grep -q '^Personal,\|^ForeignWorker,' "$T/report.csv" || fail "an excluded column is in the scorecard"

# --- apply ---
"$SDELKA" score apply --model "$T/m1.json" --data "$DATA" --out "$T/scores.csv"
[ "$(head -1 "$T/scores.csv")" = "id,score,pd,grade,reason1,reason2,reason3" ] || fail "scores header"
[ "$(wc -l < "$T/scores.csv")" -eq 701 ] || fail "scores: want 700 rows"
[ "$(sed -n 2p "$T/scores.csv" | cut -d, -f1)" = "1" ] || fail "scores: first id should be 1"
bad_rows=$(awk -F, 'NR > 1 && (NF != 7 || $4 !~ /^[A-E]$/ || $3 <= 0 || $3 >= 1 || $2 !~ /^[0-9]+$/)' "$T/scores.csv" | wc -l)
[ "$bad_rows" -eq 0 ] || fail "scores: $bad_rows malformed rows"
grep -q ',CheckingAccountStatus = lt.0' "$T/scores.csv" || fail "no reason 'CheckingAccountStatus = lt.0'"
! grep -q 'Personal\|ForeignWorker' "$T/scores.csv" || fail "an excluded column appears in the reasons"
"$SDELKA" score apply --model "$T/m1.json" --data "$DATA" --out - | cmp -s - "$T/scores.csv" || fail "--out - differs"

# --- eval ---
out=$("$SDELKA" score eval --model "$T/m1.json" --data "$DATA" --target bad --by-grade "$T/grades.csv")
[[ $out =~ ^\{\"auc\":0\.[0-9]{6},\"gini\":0\.[0-9]{6},\"ks\":0\.[0-9]{6},\"n\":700\}$ ]] || fail "eval printed: $out"
auc=$(echo "$out" | sed 's/.*"auc":\([0-9.]*\).*/\1/')
awk -v a="$auc" 'BEGIN { exit !(a > 0.75) }' || fail "training AUC $auc too low"
[ "$(wc -l < "$T/grades.csv")" -eq 6 ] || fail "grade table: want A to E"

# --- malformed input: exit 2, one line on stderr ---
expect_2() {  # name, text the error line must contain, command...
  local name=$1 want=$2
  shift 2
  local rc=0
  "$@" > "$T/out" 2> "$T/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "$name: exit status $rc, want 2 (stderr: $(cat "$T/err"))"
  [ "$(wc -l < "$T/err")" -eq 1 ] || fail "$name: stderr should be one line, got: $(cat "$T/err")"
  grep -qF -- "$want" "$T/err" || fail "$name: stderr lacks '$want': $(cat "$T/err")"
  echo "ok - $name: $(cat "$T/err")"
}
head -5 "$DATA" > "$T/ragged.csv"
echo "9999,12,1000" >> "$T/ragged.csv"
awk -F, 'BEGIN { OFS = "," } NR == 4 { $NF = 2 } 1' "$DATA" > "$T/target.csv"
: > "$T/empty.csv"
awk -F, 'BEGIN { OFS = "," }
  NR == 1 { for (i = 1; i <= NF; i++) if ($i == "CheckingAccountStatus") drop = i }
  { out = ""; for (i = 1; i <= NF; i++) if (i != drop) out = out (out == "" ? "" : OFS) $i; print out }' \
  "$DATA" > "$T/nocolumn.csv"
sed 's/"version": 1,/"version": 2,/' "$T/m1.json" > "$T/v2.json"
grep -q '"version": 2' "$T/v2.json" || fail "could not make a version 2 model file"

S=("$SDELKA" score)
expect_2 "train: ragged row" "record 5 has 3 fields" "${S[@]}" train --data "$T/ragged.csv" --target bad --out "$T/x.json"
expect_2 "apply: ragged row" "record 5 has 3 fields" "${S[@]}" apply --model "$T/m1.json" --data "$T/ragged.csv" --out "$T/x.csv"
expect_2 "train: target not 0/1" "not 0 or 1" "${S[@]}" train --data "$T/target.csv" --target bad --out "$T/x.json"
expect_2 "eval: target not 0/1" "not 0 or 1" "${S[@]}" eval --model "$T/m1.json" --data "$T/target.csv" --target bad
expect_2 "train: empty file" "empty" "${S[@]}" train --data "$T/empty.csv" --target bad --out "$T/x.json"
expect_2 "apply: empty file" "empty" "${S[@]}" apply --model "$T/m1.json" --data "$T/empty.csv" --out "$T/x.csv"
expect_2 "eval: empty file" "empty" "${S[@]}" eval --model "$T/m1.json" --data "$T/empty.csv" --target bad
expect_2 "apply: model column missing" "'CheckingAccountStatus' used by the model is missing" \
  "${S[@]}" apply --model "$T/m1.json" --data "$T/nocolumn.csv" --out "$T/x.csv"
expect_2 "eval: model column missing" "'CheckingAccountStatus' used by the model is missing" \
  "${S[@]}" eval --model "$T/m1.json" --data "$T/nocolumn.csv" --target bad
expect_2 "apply: model of another version" "version 2 is not supported" \
  "${S[@]}" apply --model "$T/v2.json" --data "$DATA" --out "$T/x.csv"
expect_2 "eval: model of another version" "version 2 is not supported" \
  "${S[@]}" eval --model "$T/v2.json" --data "$DATA" --target bad
expect_2 "apply: not a model file" "not valid JSON" "${S[@]}" apply --model "$DATA" --data "$DATA" --out "$T/x.csv"
expect_2 "train: no such file" "cannot open" "${S[@]}" train --data "$T/none.csv" --target bad --out "$T/x.json"
expect_2 "train: unknown excluded column" "'Nope' is not in the data" \
  "${S[@]}" train --data "$DATA" --target bad --exclude Nope --out "$T/x.json"
expect_2 "train: bad grade cut-offs" "grade cut-offs" \
  "${S[@]}" train --data "$DATA" --target bad --grade-cutoffs 0.5,0.2,0.3,0.4 --out "$T/x.json"
expect_2 "train: missing --out" "--out is required" "${S[@]}" train --data "$DATA" --target bad
[ ! -e "$T/x.json" ] && [ ! -e "$T/x.csv" ] || fail "a failed command left an output file"
echo "cli_score: all checks passed"
