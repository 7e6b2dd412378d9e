#!/usr/bin/env bash
# API tests: the real sdelka server (from BUILD_DIR) over HTTP, first on SQLite, then on a
# throwaway PostgreSQL cluster (scripts/pg-test-server.sh) that is always removed afterwards.
# Usage: tests/api/run.sh [BUILD_DIR] (default: build). Exit code: non-zero if either run failed.
# Each test file starts its own server on a fresh database (a new database per server on
# PostgreSQL). Node 20's built-in test runner; no npm packages.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$PWD/$BUILD" ;; esac

if [ ! -x "$BUILD/sdelka" ]; then
  echo "api: $BUILD/sdelka is missing; build it first" >&2
  exit 2
fi
# shellcheck source=scripts/node-env.sh
. "$ROOT/scripts/node-env.sh"
sdelka_node_ok || { echo "api: Node.js 20 or newer is needed; run scripts/deps.sh" >&2; exit 2; }

cd "$ROOT"
export SDELKA_BUILD_DIR="$BUILD"
# Test files run in parallel, each with its own server; the servers hash passwords, so more
# than a few at once only makes every file slower on a small machine.
CONCURRENCY=${SDELKA_API_CONCURRENCY:-3}

# The test runner and the PostgreSQL start run in their own sessions (setsid), so that an
# interrupt reaches this script, which then stops them in order: the runner's whole process
# group (test files and their servers) with SIGTERM, then the cluster.
runner=
pg_start=
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/sdelka-api-pg.XXXXXX")
cleanup() {
  if [ -n "$runner" ]; then
    kill -TERM -- "-$runner" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
  fi
  # Let a start still in progress finish, so that stop finds a whole cluster to stop.
  [ -z "$pg_start" ] || wait "$pg_start" 2>/dev/null || true
  scripts/pg-test-server.sh stop "$PGDIR" || rm -rf "$PGDIR"
  rm -f "$PGDIR.start.log"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

run_suite() {
  setsid -w node --test --test-reporter=spec --test-concurrency="$CONCURRENCY" tests/api/*.test.mjs &
  runner=$!
  local rc=0
  wait "$runner" || rc=$?
  runner=
  return "$rc"
}

# The cluster starts in the background while the SQLite run goes on.
setsid -w scripts/pg-test-server.sh start "$PGDIR" >"$PGDIR.start.log" 2>&1 &
pg_start=$!

status=0
began=$SECONDS
echo "api: === SQLite ==="
SDELKA_TEST_DB=sqlite run_suite || status=$?
echo "api: SQLite run: exit $status, $((SECONDS - began)) s"

pg_status=0
pg_rc=0
wait "$pg_start" || pg_rc=$?
pg_start=
if [ "$pg_rc" -eq 0 ]; then
  began=$SECONDS
  echo "api: === PostgreSQL ==="
  SDELKA_TEST_DB=postgres SDELKA_TEST_PG_URL=$(scripts/pg-test-server.sh url "$PGDIR") run_suite || pg_status=$?
  echo "api: PostgreSQL run: exit $pg_status, $((SECONDS - began)) s"
else
  echo "api: the PostgreSQL test cluster did not start:" >&2
  cat "$PGDIR.start.log" >&2
  pg_status=1
fi
[ "$status" -ne 0 ] || status=$pg_status
exit "$status"
