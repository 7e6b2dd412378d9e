#!/usr/bin/env bash
# The house rule of cmake/Context.cmake: a context that includes the application or another
# context's repository fails at configure time, naming the file and the include; a context that
# includes only what is allowed configures.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
configure() { cmake -S "$ROOT/tests/house/fixture" -B "$TMP/$1" -DSDELKA_ROOT="$ROOT" -DSDELKA_FIXTURE_CONTEXT="$1" >"$TMP/$1.log" 2>&1; }

configure good || { echo "house: the allowed includes were refused:"; cat "$TMP/good.log"; exit 1; }
if configure bad; then echo "house: a context including app/ and another context's repo configured"; exit 1; fi
for want in 'src/bad/routes.hpp: #include "app/web_app.hpp" breaks the house rule of the bad context' \
            'src/bad/module.cpp: #include "clients/repo.hpp" breaks the house rule of the bad context'; do
  grep -qF "$want" "$TMP/bad.log" || { echo "house: the refusal does not say: $want"; cat "$TMP/bad.log"; exit 1; }
done
grep -q '#include "web/host.hpp" breaks' "$TMP/bad.log" && { echo "house: an allowed include was refused"; cat "$TMP/bad.log"; exit 1; }
echo "house: a context with a forbidden include is refused; the allowed ones configure"
