#!/usr/bin/env bash
# with-pg.sh PROGRAM [ARGS...]: runs PROGRAM with SDELKA_TEST_PG_URL pointing at a throwaway
# PostgreSQL cluster (scripts/pg-test-server.sh) and always removes the cluster afterwards,
# also when interrupted or killed by a test timeout. Exits with PROGRAM's status.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PROGRAM [ARGS...]" >&2; exit 2; }
server="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/pg-test-server.sh"
dir=$(mktemp -d /tmp/sdelka-pg.XXXXXX)
child=""
cleanup() {
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  bash "$server" stop "$dir" || echo "with-pg.sh: could not stop the cluster in $dir" >&2
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
bash "$server" start "$dir"
SDELKA_TEST_PG_URL=$(bash "$server" url "$dir")
export SDELKA_TEST_PG_URL
# In the background so that a signal to this script is handled at once, not after PROGRAM ends.
set +e
"$@" &
child=$!
wait "$child"
rc=$?
child=""
set -e
exit "$rc"
