#!/usr/bin/env bash
# with-pg.sh PROGRAM [ARGS...]: runs PROGRAM with SDELKA_TEST_PG_URL pointing at a throwaway
# PostgreSQL cluster (scripts/pg-test-server.sh) and always removes the cluster afterwards.
# Exits with PROGRAM's status.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PROGRAM [ARGS...]" >&2; exit 2; }
server="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/pg-test-server.sh"
dir=$(mktemp -d /tmp/sdelka-pg.XXXXXX)
cleanup() { bash "$server" stop "$dir" || echo "with-pg.sh: could not stop the cluster in $dir" >&2; }
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
bash "$server" start "$dir"
SDELKA_TEST_PG_URL=$(bash "$server" url "$dir")
export SDELKA_TEST_PG_URL
set +e
"$@"
rc=$?
set -e
exit "$rc"
