#!/usr/bin/env bash
# CLI tests of `sdelka loan …` and `sdelka words …` (issue 4): exact outputs and exit codes.
# Usage: loan.sh path/to/sdelka path/to/shared/data
set -u
SDELKA=${1:?usage: loan.sh SDELKA SHARED_DATA}
SHARED=${2:?usage: loan.sh SDELKA SHARED_DATA}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

# expect NAME EXPECTED_STDOUT -- ARGS…: exit 0, stdout exactly as expected, stderr empty.
expect() {
  local name=$1 want=$2
  shift 3
  local out err rc
  out=$("$SDELKA" "$@" 2>"$TMP/err"); rc=$?
  err=$(cat "$TMP/err")
  if [[ $rc -ne 0 || "$out" != "$want" || -n "$err" ]]; then
    echo "FAIL $name: rc=$rc"
    echo "  want: $want"
    echo "  got:  $out"
    [[ -n "$err" ]] && echo "  stderr: $err"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

# reject NAME STDERR_SUBSTRING -- ARGS…: exit 2, nothing on stdout, exactly one stderr line containing the text.
reject() {
  local name=$1 want=$2
  shift 3
  local out rc lines
  out=$("$SDELKA" "$@" 2>"$TMP/err"); rc=$?
  lines=$(wc -l <"$TMP/err")
  if [[ $rc -ne 2 || -n "$out" || $lines -ne 1 ]] || ! grep -qF -- "$want" "$TMP/err"; then
    echo "FAIL $name: rc=$rc stderr lines=$lines"
    echo "  want stderr containing: $want"
    echo "  stderr: $(cat "$TMP/err")"
    [[ -n "$out" ]] && echo "  stdout: $out"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

# --- loan schedule: the example of the issue, byte for byte.
EXAMPLE='{"payment":"8884.88","payments":[{"n":1,"date":"2024-02-15","payment":"8884.88","interest":"1000.00","principal":"7884.88","balance":"92115.12"},{"n":2,"date":"2024-03-15","payment":"8884.88","interest":"921.15","principal":"7963.73","balance":"84151.39"},{"n":3,"date":"2024-04-15","payment":"8884.88","interest":"841.51","principal":"8043.37","balance":"76108.02"},{"n":4,"date":"2024-05-15","payment":"8884.88","interest":"761.08","principal":"8123.80","balance":"67984.22"},{"n":5,"date":"2024-06-15","payment":"8884.88","interest":"679.84","principal":"8205.04","balance":"59779.18"},{"n":6,"date":"2024-07-15","payment":"8884.88","interest":"597.79","principal":"8287.09","balance":"51492.09"},{"n":7,"date":"2024-08-15","payment":"8884.88","interest":"514.92","principal":"8369.96","balance":"43122.13"},{"n":8,"date":"2024-09-15","payment":"8884.88","interest":"431.22","principal":"8453.66","balance":"34668.47"},{"n":9,"date":"2024-10-15","payment":"8884.88","interest":"346.68","principal":"8538.20","balance":"26130.27"},{"n":10,"date":"2024-11-15","payment":"8884.88","interest":"261.30","principal":"8623.58","balance":"17506.69"},{"n":11,"date":"2024-12-15","payment":"8884.88","interest":"175.07","principal":"8709.81","balance":"8796.88"},{"n":12,"date":"2025-01-15","payment":"8884.85","interest":"87.97","principal":"8796.88","balance":"0.00"}],"total_interest":"6618.53","total_paid":"106618.53","psk_percent":"12.000","psk_money":"6618.53"}'
expect "schedule: issue example" "$EXAMPLE" -- loan schedule --principal 100000.00 --rate 12 --months 12 --issue-date 2024-01-15
expect "schedule: explicit defaults" "$EXAMPLE" -- loan schedule --principal 100000 --rate 12.0 --months 12 --issue-date 2024-01-15 \
  --first-payment 2024-02-15 --method annuity --day-count 30-360 --rounding half-up --business-days none --format json \
  --calendar "$SHARED/calendar/ru.json"
expect "schedule: csv" "$(printf 'n,date,kind,payment,interest,principal,fee,balance\n1,2024-02-15,regular,50751.24,1000.00,49751.24,0.00,50248.76\n2,2024-03-15,regular,50751.25,502.49,50248.76,0.00,0.00')" -- \
  loan schedule --principal 100000 --rate 12 --months 2 --issue-date 2024-01-15 --format csv
expect "schedule: differentiated csv" "$(printf 'n,date,kind,payment,interest,principal,fee,balance\n1,2024-02-15,regular,51000.00,1000.00,50000.00,0.00,50000.00\n2,2024-03-15,regular,50500.00,500.00,50000.00,0.00,0.00')" -- \
  loan schedule --principal 100000 --rate 12 --months 2 --issue-date 2024-01-15 --method differentiated --format csv
expect "schedule: following moves Russia Day" "$(printf 'n,date,kind,payment,interest,principal,fee,balance\n1,2024-06-13,regular,100000.00,0.00,100000.00,0.00,0.00')" -- \
  loan schedule --principal 100000 --rate 0 --months 1 --issue-date 2024-05-12 --business-days following --format csv
expect "schedule: early repayment and payoff" "$(printf 'n,date,kind,payment,interest,principal,fee,balance\n1,2024-02-15,regular,34002.21,1000.00,33002.21,0.00,66997.79\n2,2024-03-01,early,20000.00,357.32,19642.68,0.00,47355.11\n3,2024-03-15,regular,23906.40,220.99,23685.41,0.00,23669.70\n4,2024-04-15,regular,23906.40,236.70,23669.70,0.00,0.00')" -- \
  loan schedule --principal 100000 --rate 12 --months 3 --issue-date 2024-01-15 --early 2024-03-01,20000,reduce-payment --format csv
expect "schedule: repeated --early" "$(printf 'n,date,kind,payment,interest,principal,fee,balance\n1,2024-02-15,regular,17254.84,1000.00,16254.84,0.00,83745.16\n2,2024-03-01,early,10000.00,446.64,9553.36,0.00,74191.80\n3,2024-03-15,regular,17254.84,346.23,16908.61,0.00,57283.19\n4,2024-04-15,regular,17254.84,572.83,16682.01,0.00,40601.18\n5,2024-04-20,early,10000.00,67.67,9932.33,0.00,30668.85\n6,2024-05-15,regular,10410.88,255.57,10155.31,0.00,20513.54\n7,2024-06-15,regular,10410.88,205.14,10205.74,0.00,10307.80\n8,2024-07-15,regular,10410.88,103.08,10307.80,0.00,0.00')" -- \
  loan schedule --principal 100000 --rate 12 --months 6 --issue-date 2024-01-15 --early 2024-03-01,10000 --early 2024-04-20,10000,reduce-payment --format csv
NB=$'\xc2\xa0'  # no-break space: thousands separator and before ₽
TABLE="№  Дата           Платёж  Проценты  Основной долг    Остаток
1  15.02.2024  50${NB}751,24  1${NB}000,00      49${NB}751,24  50${NB}248,76
2  15.03.2024  50${NB}751,25    502,49      50${NB}248,76       0,00
Платёж: 50${NB}751,24${NB}₽
Проценты: 1${NB}502,49${NB}₽
Всего выплат: 101${NB}502,49${NB}₽
ПСК: 12,000 % годовых, 1${NB}502,49${NB}₽"
expect "schedule: table" "$TABLE" -- loan schedule --principal 100000 --rate 12 --months 2 --issue-date 2024-01-15 --format table

# Fees enter ПСК (P02) and the payoff amount is printed on request.
out=$("$SDELKA" loan schedule --principal 100000 --rate 12 --months 12 --issue-date 2024-01-15 --fee-at-issue 2000.00 --payoff-date 2024-04-01 2>&1)
if [[ "$out" == *'"psk_percent":"15.854","psk_money":"8618.53","payoff":{"date":"2024-04-01","amount":"84600.20"}}' ]]; then
  echo "ok   schedule: fee, ПСК and payoff fields"
else
  echo "FAIL schedule: fee, ПСК and payoff fields: $out"; failures=$((failures + 1))
fi

# --- loan psk / aprc from flow files.
cat >"$TMP/p01.csv" <<'CSV'
date,amount
2024-01-15,-100000
2024-02-15,8884.88
2024-03-15,8884.88
2024-04-15,8884.88
2024-05-15,8884.88
2024-06-15,8884.88
2024-07-15,8884.88
2024-08-15,8884.88
2024-09-15,8884.88
2024-10-15,8884.88
2024-11-15,8884.88
2024-12-15,8884.88
2025-01-15,8884.85
CSV
printf '2024-01-15,-10000\r\n\r\n2024-02-14,13000\r\n' >"$TMP/p05.csv"
printf '\xef\xbb\xbf1994-01-01,-1000\n1995-07-01,1200\n' >"$TMP/e1.csv"  # with a byte-order mark, as Excel saves it
printf '1994-01-01,-1000\n1994-04-01,272\n1994-07-01,272\n1995-01-01,544\n' >"$TMP/e4.csv"
expect "psk: P01" '{"psk_percent":"12.000","psk_exact":"11.99997364","base_period":"month","chbp":"12"}' -- loan psk --flows "$TMP/p01.csv"
expect "psk: P01 truncated" '{"psk_percent":"11.999","psk_exact":"11.99997364","base_period":"month","chbp":"12"}' -- loan psk --flows "$TMP/p01.csv" --psk-rounding truncate
expect "psk: P05 day loan 365 %" '{"psk_percent":"365.000","psk_exact":"365.00000000","base_period":"term","chbp":"12.1666666667"}' -- loan psk --flows "$TMP/p05.csv" --psk-rounding truncate
expect "aprc: E1" '{"aprc_percent":"13.0","aprc_exact":"12.962038"}' -- loan aprc --flows "$TMP/e1.csv"
expect "aprc: E1 two decimals" '{"aprc_percent":"12.96","aprc_exact":"12.962038"}' -- loan aprc --flows "$TMP/e1.csv" --decimals 2
expect "aprc: E4b standard year" '{"aprc_percent":"13.19","aprc_exact":"13.185495"}' -- loan aprc --flows "$TMP/e4.csv" --basis standard-year --decimals 2

# --- words
expect "words: issue example" 'Одна тысяча двести тридцать четыре рубля 56 копеек' -- words 1234.56
expect "words: 21.01" 'Двадцать один рубль 01 копейка' -- words 21.01
expect "words: zero" 'Ноль рублей 00 копеек' -- words 0
expect "words: 999 трлн" 'Девятьсот девяносто девять триллионов рублей 00 копеек' -- words 999000000000000

# --- bad arguments: exit 2, one line on stderr, nothing on stdout.
S=(loan schedule --issue-date 2024-01-15)
reject "negative principal" "--principal: must be more than zero, got -100" -- "${S[@]}" --principal=-100 --rate 12 --months 12
reject "zero principal" "--principal: must be more than zero, got 0" -- "${S[@]}" --principal 0 --rate 12 --months 12
reject "malformed principal" "--principal: malformed amount '1e5'" -- "${S[@]}" --principal 1e5 --rate 12 --months 12
reject "principal with 3 decimals" "at most two decimals" -- "${S[@]}" --principal 1.234 --rate 12 --months 12
reject "zero months" "--months: must be between 1 and 1200, got 0" -- "${S[@]}" --principal 100 --rate 12 --months 0
reject "malformed months" "--months: '12x' is not a whole number" -- "${S[@]}" --principal 100 --rate 12 --months 12x
reject "rate over 10000 %" "--rate: rate over 10000 %: '10000.5'" -- "${S[@]}" --principal 100 --rate 10000.5 --months 12
reject "negative rate" "--rate: rate must not be negative" -- "${S[@]}" --principal 100 --rate=-1 --months 12
reject "malformed rate" "--rate: malformed rate '12%'" -- "${S[@]}" --principal 100 --rate 12% --months 12
reject "malformed issue date" "--issue-date: malformed date '2024-02-30': no such day" -- loan schedule --principal 100 --rate 12 --months 12 --issue-date 2024-02-30
reject "malformed first payment" "--first-payment: malformed date '15.02.2024'" -- "${S[@]}" --principal 100 --rate 12 --months 12 --first-payment 15.02.2024
reject "first payment before issue" "first payment date must be after the issue date" -- "${S[@]}" --principal 100 --rate 12 --months 12 --first-payment 2024-01-10
reject "unknown method" "--method: 'linear' is not one of annuity, differentiated" -- "${S[@]}" --principal 100 --rate 12 --months 12 --method linear
reject "unknown day count" "--day-count: 'act/360'" -- "${S[@]}" --principal 100 --rate 12 --months 12 --day-count act/360
reject "unknown rounding" "--rounding: 'up'" -- "${S[@]}" --principal 100 --rate 12 --months 12 --rounding up
reject "unknown business days" "--business-days: 'next'" -- "${S[@]}" --principal 100 --rate 12 --months 12 --business-days next
reject "unknown format" "--format: 'xml'" -- "${S[@]}" --principal 100 --rate 12 --months 12 --format xml
reject "negative fee" "--fee-at-issue: must be zero or more, got -1" -- "${S[@]}" --principal 100 --rate 12 --months 12 --fee-at-issue=-1
reject "malformed early repayment" "--early: '2024-03-01' is not DATE,AMOUNT" -- "${S[@]}" --principal 100 --rate 12 --months 12 --early 2024-03-01
reject "grace too long" "grace months must be between 0 and months - 1" -- "${S[@]}" --principal 100 --rate 12 --months 12 --grace-months 12
reject "missing calendar file" "cannot read calendar file" -- "${S[@]}" --principal 100 --rate 12 --months 12 --calendar "$TMP/none.json"
reject "amounts beyond range" "amounts beyond the supported range" -- "${S[@]}" --principal 999999999999999.99 --rate 10000 --months 1200
reject "missing principal" "--principal is required" -- "${S[@]}" --rate 12 --months 12
reject "loan without subcommand" "" -- loan

: >"$TMP/empty.csv"
printf '2024-02-01,-100\n2024-01-01,200\n' >"$TMP/unsorted.csv"
printf '2024-01-01,100\n2024-02-01,200\n' >"$TMP/nosign.csv"
printf '2024-01-01;-100\n' >"$TMP/semicolon.csv"
printf '2024-01-01,-100\n2024-02-31,200\n' >"$TMP/baddate.csv"
printf '2024-01-01,-100\n2024-02-01,abc\n' >"$TMP/badamount.csv"
reject "psk: missing file" "cannot read flows file" -- loan psk --flows "$TMP/none.csv"
reject "psk: empty file" "has no flows" -- loan psk --flows "$TMP/empty.csv"
reject "psk: unsorted" "unsorted.csv:2: dates are not in ascending order" -- loan psk --flows "$TMP/unsorted.csv"
reject "psk: no sign change" "the flows have no sign change" -- loan psk --flows "$TMP/nosign.csv"
reject "psk: malformed line" "semicolon.csv:1: expected date,amount" -- loan psk --flows "$TMP/semicolon.csv"
reject "psk: malformed date" "baddate.csv:2: malformed date '2024-02-31'" -- loan psk --flows "$TMP/baddate.csv"
reject "psk: malformed amount" "badamount.csv:2: malformed amount 'abc'" -- loan psk --flows "$TMP/badamount.csv"
reject "psk: unknown rounding" "--psk-rounding: 'floor'" -- loan psk --flows "$TMP/p01.csv" --psk-rounding floor
reject "aprc: empty file" "has no flows" -- loan aprc --flows "$TMP/empty.csv"
reject "aprc: unsorted" "dates are not in ascending order" -- loan aprc --flows "$TMP/unsorted.csv"
reject "aprc: no sign change" "the flows have no sign change" -- loan aprc --flows "$TMP/nosign.csv"
reject "aprc: decimals" "--decimals: must be between 1 and 6, got 9" -- loan aprc --flows "$TMP/e1.csv" --decimals 9
reject "aprc: unknown basis" "--basis: '30/360'" -- loan aprc --flows "$TMP/e1.csv" --basis 30/360
reject "words: malformed" "amount: malformed amount 'abc'" -- words abc
reject "words: negative" "amount: a negative amount has no sum in words" -- words -5
reject "words: three decimals" "at most two decimals" -- words 1.234

if [[ $failures -ne 0 ]]; then
  echo "$failures CLI check(s) failed"
  exit 1
fi
echo "all CLI checks passed"
