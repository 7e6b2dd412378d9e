#!/usr/bin/env bash
# CLI of the platform: user add/list/passwd/disable, migrate, backup and restore, bad arguments.
# Usage: tests/cli/platform.sh PATH_TO_SDELKA
set -uo pipefail
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0; passes=0
ok()   { passes=$((passes+1)); echo "ok - $1"; }
bad()  { fails=$((fails+1)); echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

DB="sqlite:$T/db/sdelka.db"
out=$(SDELKA_PASSWORD=longenough1 "$BIN" user add ivan --role sales_manager --department "Продажи" --name "Иван Петров" --db "$DB" 2>&1); rc=$?
check "user add creates a user" '[ $rc -eq 0 ] && grep -q "user ivan created" <<<"$out"'
out=$(SDELKA_PASSWORD=longenough1 "$BIN" user add ivan --role sales_manager --db "$DB" 2>&1); rc=$?
check "a second user with the same login is refused with status 2" '[ $rc -eq 2 ] && grep -qi "login" <<<"$out"'
out=$(SDELKA_PASSWORD=short "$BIN" user add petr --role admin --db "$DB" 2>&1); rc=$?
check "a short password is refused with status 2" '[ $rc -eq 2 ] && grep -qi "password" <<<"$out"'
out=$(SDELKA_PASSWORD=longenough1 "$BIN" user add petr --role wizard --db "$DB" 2>&1); rc=$?
check "an unknown role is refused with status 2" '[ $rc -eq 2 ] && grep -qi "role" <<<"$out"'
out=$("$BIN" user add anna --role admin --db "$DB" </dev/null 2>&1); rc=$?
check "no password and no terminal is refused with status 2" '[ $rc -eq 2 ]'
out=$("$BIN" user list --db "$DB" 2>&1); rc=$?
check "user list shows the user, department and role" '[ $rc -eq 0 ] && grep -q "ivan" <<<"$out" && grep -q "Продажи" <<<"$out" && grep -q "sales_manager" <<<"$out" && ! grep -q "petr" <<<"$out"'
out=$(SDELKA_PASSWORD=anotherlong2 "$BIN" user passwd ivan --db "$DB" 2>&1); rc=$?
check "user passwd changes the password" '[ $rc -eq 0 ]'
out=$("$BIN" user disable ivan --db "$DB" 2>&1); rc=$?
out2=$("$BIN" user list --db "$DB" 2>&1)
check "user disable marks the user disabled" '[ $rc -eq 0 ] && grep "ivan" <<<"$out2" | grep -q disabled'
out=$("$BIN" user disable nobody --db "$DB" 2>&1); rc=$?
check "disabling an unknown user fails with status 2" '[ $rc -eq 2 ]'
out=$("$BIN" migrate --db "$DB" 2>&1); rc=$?
check "migrate on an up-to-date database succeeds" '[ $rc -eq 0 ]'
out=$("$BIN" migrate --db "mysql://x" 2>&1); rc=$?
check "an unknown database URL fails with a clear message" '[ $rc -ne 0 ] && grep -q "sqlite:PATH or postgresql" <<<"$out"'

out=$("$BIN" backup "$T/backup.db" --db "$DB" 2>&1); rc=$?
check "backup writes a checked copy" '[ $rc -eq 0 ] && [ -s "$T/backup.db" ] && grep -q "integrity ok" <<<"$out"'
SDELKA_PASSWORD=longenough1 "$BIN" user add late --role operator --db "$DB" >/dev/null 2>&1
out=$("$BIN" restore "$T/backup.db" --db "$DB" 2>&1); rc=$?
check "restore over an existing database needs --force" '[ $rc -eq 2 ] && grep -q -- "--force" <<<"$out"'
out=$("$BIN" restore "$T/backup.db" --db "$DB" --force 2>&1); rc=$?
out2=$("$BIN" user list --db "$DB" 2>&1)
check "restore brings back the backed-up state" '[ $rc -eq 0 ] && grep -q ivan <<<"$out2" && ! grep -q late <<<"$out2"'
out=$("$BIN" restore "$T/backup.db" --db "sqlite:$T/fresh/new.db" 2>&1); rc=$?
check "restore into a new path opens and passes the integrity check" '[ $rc -eq 0 ] && "$BIN" user list --db "sqlite:$T/fresh/new.db" | grep -q ivan'
echo "not a database" > "$T/junk.db"
out=$("$BIN" restore "$T/junk.db" --db "sqlite:$T/other.db" 2>&1); rc=$?
check "restoring a file that is not a database is refused" '[ $rc -eq 2 ] && [ ! -e "$T/other.db" ]'
out=$("$BIN" restore "$T/missing.db" --db "sqlite:$T/other.db" 2>&1); rc=$?
check "restoring a missing file is refused" '[ $rc -eq 2 ]'
out=$("$BIN" serve --db "$DB" --listen "nonsense" 2>&1); rc=$?
check "serve with a malformed --listen fails with status 2" '[ $rc -eq 2 ] && grep -q "HOST:PORT" <<<"$out"'
out=$("$BIN" frobnicate 2>&1); rc=$?
check "an unknown command exits 2 with one line" '[ $rc -eq 2 ] && [ $(wc -l <<<"$out") -eq 1 ]'

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
