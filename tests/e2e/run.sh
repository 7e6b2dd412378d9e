#!/usr/bin/env bash
# Browser tests: the real sdelka server (from BUILD_DIR) driven through Debian's Chromium.
# Usage: tests/e2e/run.sh [BUILD_DIR]   (default: build). Exit code is the test runner's.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$PWD/$BUILD" ;; esac

if [ ! -x "$BUILD/sdelka" ]; then
  echo "e2e: $BUILD/sdelka is missing; build it first" >&2
  exit 2
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: /usr/bin/chromium is missing; run scripts/deps.sh" >&2
  exit 2
fi

cd "$ROOT"
# shellcheck source=scripts/node-env.sh
. "$ROOT/scripts/node-env.sh"
sdelka_node_ok || { echo "e2e: Node.js 20 or newer is needed; run scripts/deps.sh" >&2; exit 2; }
# npm ci only when node_modules is missing or was installed from another package-lock.json.
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
STAMP=node_modules/.sdelka-package-lock.sha256
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_SUM" ]; then
  echo "e2e: npm ci (node_modules missing or stale)"
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$LOCK_SUM" > "$STAMP"
fi

ARTIFACTS=$(mktemp -d "${TMPDIR:-/tmp}/sdelka-e2e-artifacts.XXXXXX")
export SDELKA_E2E_ARTIFACTS="$ARTIFACTS" SDELKA_BUILD_DIR="$BUILD"

status=0
node --test tests/e2e/*.test.js || status=$?

if [ -n "$(ls -A "$ARTIFACTS")" ]; then
  echo "e2e: screenshots of failed tests are in $ARTIFACTS"
else
  rmdir "$ARTIFACTS"
fi
exit "$status"
