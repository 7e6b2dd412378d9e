#!/usr/bin/env bash
# CLI of the Clients context: import of companies and persons (CSV Windows-1251 and XLSX,
# duplicates skip/update/create, rejected-rows report), export (CSV and XLSX, round trip), demo
# (valid requisites, same seed → same data; demo persons exported and imported back get the same
# sort keys, name keys and search entries), bad arguments.
# Usage: tests/cli/clients.sh PATH_TO_SDELKA
set -uo pipefail
BIN=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0; passes=0
check() { if eval "$2"; then passes=$((passes+1)); echo "ok - $1"; else fails=$((fails+1)); echo "not ok - $1"; echo "  output: $out"; fi; }
DB="sqlite:$T/a.db"
CSV="$ROOT/tests/data/companies_cp1251.csv"
XLSX="$ROOT/tests/data/companies.xlsx"

out=$("$BIN" import companies "$CSV" --db "$DB" --report "$T/rejected.csv" 2>/dev/null); rc=$?
check "a Windows-1251 CSV imports its good rows and rejects the bad one" '[ $rc -eq 0 ] && [ "$out" = "imported 5, updated 0, skipped 0, rejected 1" ]'
out=$(cat "$T/rejected.csv")
check "the report names the row and the reason (ИНН checksum)" 'grep -q "^4;" <<<"$out" && grep -qi "INN" <<<"$out" && grep -qi "checksum" <<<"$out"'
out=$("$BIN" import companies "$XLSX" --db "$DB" 2>/dev/null); rc=$?
check "the same companies from XLSX are skipped as duplicates by default" '[ $rc -eq 0 ] && [ "$out" = "imported 0, updated 0, skipped 5, rejected 1" ]'
out=$("$BIN" import companies "$XLSX" --db "$DB" --on-duplicate update 2>/dev/null); rc=$?
check "--on-duplicate update updates them" '[ $rc -eq 0 ] && [ "$out" = "imported 0, updated 5, skipped 0, rejected 1" ]'
out=$("$BIN" import companies "$XLSX" --db "$DB" --on-duplicate create 2>/dev/null); rc=$?
check "--on-duplicate create creates them again" '[ $rc -eq 0 ] && [ "$out" = "imported 5, updated 0, skipped 0, rejected 1" ]'
out=$("$BIN" import companies "$XLSX" --db "$DB" --on-duplicate merge 2>&1); rc=$?
check "an unknown --on-duplicate is refused with status 2" '[ $rc -eq 2 ] && grep -q "skip, update or create" <<<"$out"'
printf 'garbage\x00\x01\x02' > "$T/junk.bin"
out=$("$BIN" import companies "$T/junk.bin" --db "$DB" 2>&1); rc=$?
check "a file that is not a table is refused with status 2" '[ $rc -eq 2 ]'
: > "$T/empty.csv"
out=$("$BIN" import companies "$T/empty.csv" --db "$DB" 2>&1); rc=$?
check "an empty file is refused with status 2" '[ $rc -eq 2 ]'
printf 'Город;Улица\nМосква;Тверская\n' > "$T/noname.csv"
out=$("$BIN" import companies "$T/noname.csv" --db "$DB" 2>&1); rc=$?
check "a file without a name column is refused with status 2" '[ $rc -eq 2 ] && grep -qi "name" <<<"$out"'
out=$("$BIN" import companies "$T/missing.csv" --db "$DB" 2>&1); rc=$?
check "a missing file is refused with status 2" '[ $rc -eq 2 ]'

out=$("$BIN" export companies "$T/out.csv" --db "$DB" 2>&1); rc=$?
check "export to CSV writes every company" '[ $rc -eq 0 ] && grep -q "exported 10 companies" <<<"$out"'
out=$("$BIN" export companies "$T/out.xlsx" --db "$DB" 2>&1); rc=$?
check "export to XLSX writes every company" '[ $rc -eq 0 ] && grep -q "exported 10 companies" <<<"$out" && [ -s "$T/out.xlsx" ]'
out=$("$BIN" import companies "$T/out.xlsx" --db "sqlite:$T/b.db" --on-duplicate create 2>/dev/null); rc=$?
check "an exported XLSX imports back whole" '[ $rc -eq 0 ] && [ "$out" = "imported 10, updated 0, skipped 0, rejected 0" ]'
out=$("$BIN" export companies "$T/moscow.csv" --region "Москва" --db "$DB" 2>&1); rc=$?
check "export honours the filter" '[ $rc -eq 0 ] && ! grep -q "exported 10 " <<<"$out" && grep -q "exported" <<<"$out"'

out=$("$BIN" demo --companies 200 --persons 300 --seed 42 --db "sqlite:$T/d1.db" 2>&1); rc=$?
check "demo makes the asked numbers" '[ $rc -eq 0 ] && grep -q "200 companies, 300 persons" <<<"$out"'
"$BIN" demo --companies 200 --persons 300 --seed 42 --db "sqlite:$T/d2.db" >/dev/null 2>&1
"$BIN" demo --companies 200 --persons 300 --seed 43 --db "sqlite:$T/d3.db" >/dev/null 2>&1
q="SELECT name, inn, kpp, ogrn, region FROM companies ORDER BY id; SELECT last_name, first_name, birthday FROM persons ORDER BY id;"
out=""
check "the same seed gives the same data, another seed other data" '[ "$(sqlite3 "$T/d1.db" "$q")" = "$(sqlite3 "$T/d2.db" "$q")" ] && [ "$(sqlite3 "$T/d1.db" "$q")" != "$(sqlite3 "$T/d3.db" "$q")" ]'
"$BIN" export companies "$T/demo.csv" --db "sqlite:$T/d1.db" >/dev/null 2>&1
out=$("$BIN" import companies "$T/demo.csv" --db "sqlite:$T/d4.db" --on-duplicate create 2>/dev/null)
check "every demo company passes the requisites checks on import (valid ИНН/КПП/ОГРН, phones, e-mails)" '[ "$out" = "imported 200, updated 0, skipped 0, rejected 0" ]'
out=$("$BIN" demo --companies -5 --db "sqlite:$T/d5.db" 2>&1); rc=$?
check "a negative count is refused with status 2" '[ $rc -eq 2 ]'

# --- persons
PCSV="$ROOT/tests/data/persons_cp1251.csv"
PDB="sqlite:$T/p.db"
out=$("$BIN" import persons "$PCSV" --db "$PDB" --report "$T/p-rejected.csv" 2>/dev/null); rc=$?
check "persons: a Windows-1251 CSV imports its good rows and rejects the bad ИНН" '[ $rc -eq 0 ] && [ "$out" = "imported 4, updated 0, skipped 0, rejected 1" ]'
out=$(cat "$T/p-rejected.csv")
check "persons: the report names the row and the field (ИНН checksum)" 'grep -q "^4;INN: " <<<"$out" && grep -qi "checksum" <<<"$out"'
out=$(sqlite3 "$T/p.db" "SELECT last_name || '|' || first_name || '|' || middle_name || '|' || COALESCE(birthday, '') FROM persons WHERE inn = '770712345633'")
check "persons: ФИО is split and ДД.ММ.ГГГГ is read as a date" '[ "$out" = "Иванов|Иван|Иванович|1985-03-15" ]'
out=$("$BIN" import persons "$PCSV" --db "$PDB" 2>/dev/null); rc=$?
check "persons: the same file again is skipped (duplicates by ИНН, phone, e-mail)" '[ $rc -eq 0 ] && [ "$out" = "imported 0, updated 0, skipped 4, rejected 1" ]'
out=$("$BIN" import persons "$PCSV" --db "$PDB" --on-duplicate update 2>/dev/null); rc=$?
check "persons: --on-duplicate update updates them" '[ $rc -eq 0 ] && [ "$out" = "imported 0, updated 4, skipped 0, rejected 1" ]'
out=$("$BIN" import persons "$PCSV" --db "$PDB" --on-duplicate create 2>/dev/null); rc=$?
check "persons: --on-duplicate create creates them again" '[ $rc -eq 0 ] && [ "$out" = "imported 4, updated 0, skipped 0, rejected 1" ]'
printf 'ФИО;Телефон\nИванов Иван Иванович;+7 999 765-43-21\n' > "$T/namesake.csv"
out=$("$BIN" import persons "$T/namesake.csv" --db "$PDB" 2>/dev/null); rc=$?
check "persons: a namesake with other contacts is not a duplicate" '[ $rc -eq 0 ] && [ "$out" = "imported 1, updated 0, skipped 0, rejected 0" ]'
out=$("$BIN" import persons "$T/noname.csv" --db "$PDB" 2>&1); rc=$?
check "persons: a file without a name column is refused with status 2" '[ $rc -eq 2 ] && grep -qi "name" <<<"$out"'
out=$("$BIN" import persons "$PCSV" --db "$PDB" --on-duplicate merge 2>&1); rc=$?
check "persons: an unknown --on-duplicate is refused with status 2" '[ $rc -eq 2 ] && grep -q "skip, update or create" <<<"$out"'
out=$("$BIN" export persons "$T/persons.csv" --db "$PDB" 2>&1); rc=$?
check "persons: export to CSV writes every person" '[ $rc -eq 0 ] && grep -q "exported 9 persons" <<<"$out" && grep -q "^Иванов;Иван;Иванович;770712345633;15.03.1985;" "$T/persons.csv"'
out=$("$BIN" export persons "$T/persons.xlsx" --db "$PDB" 2>&1); rc=$?
check "persons: export to XLSX writes every person" '[ $rc -eq 0 ] && grep -q "exported 9 persons" <<<"$out" && [ -s "$T/persons.xlsx" ]'
out=$("$BIN" import persons "$T/persons.xlsx" --db "sqlite:$T/p2.db" --on-duplicate create 2>/dev/null); rc=$?
check "persons: an exported XLSX imports back whole" '[ $rc -eq 0 ] && [ "$out" = "imported 9, updated 0, skipped 0, rejected 0" ]'
out=$("$BIN" export persons "$T/kazan.csv" --region "Республика Татарстан" --db "$PDB" 2>&1); rc=$?
check "persons: export honours the filter" '[ $rc -eq 0 ] && grep -q "exported 2 persons" <<<"$out"'
# Demo persons exported and imported back get the same fields, keys, search entries and contacts.
"$BIN" export persons "$T/demo-persons.csv" --db "sqlite:$T/d1.db" >/dev/null 2>&1
out=$("$BIN" import persons "$T/demo-persons.csv" --db "sqlite:$T/d6.db" --on-duplicate create 2>/dev/null)
check "persons: every demo person passes the API rules on import" '[ "$out" = "imported 300, updated 0, skipped 0, rejected 0" ]'
q="SELECT last_name, first_name, middle_name, name_key, sort_key, COALESCE(inn, ''), COALESCE(birthday, ''), segment, region FROM persons ORDER BY 1, 2, 3, 6, 7;
SELECT c0, c1 FROM persons_fts_content ORDER BY 1, 2; SELECT COUNT(*) FROM persons_fts_content;
SELECT number FROM client_phones WHERE object_type = 'person' ORDER BY 1; SELECT email FROM client_emails WHERE object_type = 'person' ORDER BY 1;"
out=""
check "persons: imported demo persons have the same fields, sort and name keys, search entries and contacts" '[ "$(sqlite3 "$T/d1.db" "$q")" = "$(sqlite3 "$T/d6.db" "$q")" ]'

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
