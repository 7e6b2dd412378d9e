#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, reachable only through a unix socket in DIR.
#
#   scripts/pg-test-server.sh start DIR   initdb (if needed) and start; creates database "sdelka"
#   scripts/pg-test-server.sh url DIR     prints a libpq URL for it (works from root too)
#   scripts/pg-test-server.sh stop DIR    stops the server and removes DIR
#
# All three are idempotent. No TCP listener (listen_addresses=''), fsync off, trust auth on the
# socket. When run as root the server runs as the `postgres` system user (Debian's package
# creates it) and DIR is handed over to that user; otherwise it runs as the caller.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT_SOCKET=5432   # only names the socket file; nothing listens on TCP
DBNAME=sdelka
MARKER=.sdelka-pg-test

die() { echo "pg-test-server: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop|url DIR"; }

[ $# -eq 2 ] || usage
cmd=$1
dir_arg=$2
[ -n "$dir_arg" ] || usage
[ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb not found: install PostgreSQL 15 (scripts/deps.sh)"

# Absolute DIR without requiring it to exist yet.
case "$dir_arg" in
  /*) DIR=$dir_arg ;;
  *) DIR=$PWD/$dir_arg ;;
esac
DIR=${DIR%/}
DATA=$DIR/data
LOG=$DIR/server.log

if [ "$(id -u)" -eq 0 ]; then
  RUNAS=postgres
  id "$RUNAS" >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (apt-get install postgresql)"
  as_server() { runuser -u "$RUNAS" -- "$@"; }
else
  RUNAS=$(id -un)
  as_server() { "$@"; }
fi

is_running() {
  [ -f "$DATA/PG_VERSION" ] && as_server "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

# Percent-encodes a string for the query part of a libpq URL.
urlencode() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [a-zA-Z0-9/._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

do_start() {
  local sock=$DIR/.s.PGSQL.$PGPORT_SOCKET
  # sockaddr_un.sun_path holds 107 bytes plus the terminating NUL.
  [ ${#sock} -le 107 ] || die "DIR is too long for a unix socket path ($sock); use a shorter one"
  if is_running; then
    return 0
  fi
  if [ -e "$DIR" ] && [ ! -f "$DIR/$MARKER" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
    die "$DIR exists, is not empty and was not made by this script; refusing to use it"
  fi
  mkdir -p "$DIR"
  touch "$DIR/$MARKER"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R "$RUNAS": "$DIR"
    chmod 700 "$DIR"
    # The server user must be able to reach DIR through every parent directory.
    as_server test -w "$DIR" ||
      die "user '$RUNAS' cannot write $DIR (a parent directory is not searchable by it); use a DIR under /tmp"
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    as_server "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync \
      >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed (log above)"; }
  fi
  # A stale pid file from a killed server would stop pg_ctl from starting a new one.
  if [ -f "$DATA/postmaster.pid" ] && ! is_running; then rm -f "$DATA/postmaster.pid"; fi
  as_server "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 -s \
    -o "-c listen_addresses='' -c unix_socket_directories='$DIR' -c port=$PGPORT_SOCKET -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null 2>&1 || { tail -n 30 "$LOG" >&2 2>/dev/null || true; die "server failed to start (log: $LOG)"; }
  if ! "$PGBIN/psql" -X -q -h "$DIR" -p "$PGPORT_SOCKET" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'" | grep -q 1; then
    "$PGBIN/createdb" -h "$DIR" -p "$PGPORT_SOCKET" -U postgres "$DBNAME" || die "createdb $DBNAME failed"
  fi
}

do_stop() {
  [ -e "$DIR" ] || return 0
  if [ ! -f "$DIR/$MARKER" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
    die "$DIR was not made by this script; refusing to remove it"
  fi
  if is_running; then
    as_server "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 -s stop >/dev/null 2>&1 ||
      die "pg_ctl stop failed (log: $LOG)"
  fi
  rm -rf "$DIR"
}

do_url() {
  printf 'postgresql:///%s?host=%s&port=%s&user=postgres\n' "$DBNAME" "$(urlencode "$DIR")" "$PGPORT_SOCKET"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  url) do_url ;;
  *) usage ;;
esac
