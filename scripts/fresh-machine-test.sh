#!/usr/bin/env bash
# Fresh-machine check (issue 10): the README's two commands on a new Debian 12 machine.
#
#   sudo scripts/fresh-machine-test.sh        (or `make fresh-test`)
#
# Builds a minimal Debian 12 root (mmdebstrap, variant minbase, from the Debian mirror apt uses on
# this machine) with nothing in it but Debian's essential packages, apt and `make` (the one program a
# user needs to type `make test`), copies a clean clone of the current commit (committed work only)
# and ../shared into it, and runs there, as root, like a new user:
#   1. `make test`                       (installs scripts/deps.sh's packages, builds, every suite)
#   2. a `make run` smoke                (start, /healthz answers, the login page is Russian, stop)
# It prints how long each step took and exits non-zero on any failure. A maintainer's check before
# changing scripts/deps.sh or the build: not one of the README's two commands and not part of CI.
#
# From the host it copies only the network settings a new machine of this workplace has from its
# image (DNS, and local CA certificates with npm's cafile setting when the machine's egress needs
# them); no package and no build output. Needs root, the Debian mirror, about 10–20 minutes and 3 GB of
# disk under FRESH_DIR (default /var/tmp). FRESH_KEEP=1 keeps the root afterwards.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF="$ROOT/scripts/fresh-machine-test.sh"
SMOKE_PORT=${FRESH_SMOKE_PORT:-18080}

say() { printf 'fresh-test: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- inside the private mount and pid namespace (see the end of the file) -------------------------
inside() {
  local rootfs=$1 timings=$2
  mount --make-rprivate /
  mount -t proc proc "$rootfs/proc"
  mount -t sysfs sysfs "$rootfs/sys"
  mount --rbind /dev "$rootfs/dev"
  mount -t tmpfs -o mode=1777 tmpfs "$rootfs/dev/shm"
  mount -t tmpfs -o mode=1777 tmpfs "$rootfs/tmp"

  in_root() {
    chroot "$rootfs" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$1"
  }
  step() {
    local name=$1 cmd=$2 began=$SECONDS rc=0
    say "=== $name ==="
    in_root "$cmd" || rc=$?
    printf '%s\t%d\t%s\n' "$name" "$((SECONDS - began))" "$([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)")" >>"$timings"
    return $rc
  }

  step "make test" 'cd /root/work/main && make test' || return 1
  step "make run smoke" "cd /root/work/main"$'\n'"$(declare -f smoke)"$'\n'"smoke $SMOKE_PORT" || return 1
}

# Runs inside the root: `make run` in the background, /healthz, the Russian login page, stop.
smoke() {
  local port=$1 log=/tmp/make-run.log pid ok=0 i
  SDELKA_ADMIN_PASSWORD=fresh-test-password setsid make run "LISTEN=127.0.0.1:$port" >"$log" 2>&1 &
  pid=$!
  for i in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/tmp/healthz 2>/dev/null; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ "$ok" -ne 1 ]; then
    echo "smoke: /healthz did not answer; make run said:"; tail -n 40 "$log"
    kill -TERM -- "-$pid" 2>/dev/null || true
    return 1
  fi
  echo "smoke: /healthz: $(head -c 200 /tmp/healthz)"
  curl -fsS "http://127.0.0.1:$port/login" >/tmp/login.html
  if ! grep -q '<html lang="ru"' /tmp/login.html || ! grep -q 'Вход в Sdelka' /tmp/login.html; then
    echo "smoke: the login page is not Russian:"; head -c 600 /tmp/login.html
    kill -TERM -- "-$pid" 2>/dev/null || true
    return 1
  fi
  echo "smoke: the login page is Russian ($(grep -o '<title>[^<]*</title>' /tmp/login.html))"
  kill -TERM -- "-$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 30 ]; do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then echo "smoke: make run did not stop on SIGTERM"; return 1; fi
  echo "smoke: stopped on SIGTERM"
}

if [ "${1:-}" = "__inside" ]; then
  inside "$2" "$3"
  exit $?
fi

# --- on the host --------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "run as root (it builds a Debian root and chroots into it)"
SHARED=$(cd "$ROOT/.." && pwd)/shared
[ -d "$SHARED" ] || die "../shared is missing beside the checkout ($SHARED)"
COMMIT=$(git -C "$ROOT" rev-parse HEAD)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  say "note: uncommitted changes are not tested; the clone is of commit $COMMIT"
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
  say "installing mmdebstrap on the host"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null; }
fi

# The Debian sources apt uses here (bookworm, bookworm-updates, bookworm-security).
mapfile -t SOURCES < <(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
  'Created-By: Packages' 2>/dev/null | awk '$2 ~ /^bookworm/ {print "deb " $1 " " $2 " " $3}' | sort -u)
[ ${#SOURCES[@]} -gt 0 ] || die "no Debian 12 (bookworm) source in apt's lists; run apt-get update"

BASE=${FRESH_DIR:-/var/tmp}
WORK=$(mktemp -d "$BASE/sdelka-fresh.XXXXXX")
ROOTFS=$WORK/root
TIMINGS=$WORK/timings.tsv
: >"$TIMINGS"
cleanup() {
  if [ "${FRESH_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf --one-file-system "$WORK"; fi
}
trap cleanup EXIT

total_began=$SECONDS
record() { printf '%s\t%d\t%s\n' "$1" "$2" "$3" >>"$TIMINGS"; }

say "commit $COMMIT; Debian root in $ROOTFS from:"
printf '  %s\n' "${SOURCES[@]}" >&2
began=$SECONDS
mmdebstrap --variant=minbase --include=make --quiet bookworm "$ROOTFS" "${SOURCES[@]}" \
  || { record "debian root (mmdebstrap)" $((SECONDS - began)) FAILED; die "mmdebstrap failed"; }
record "debian root (mmdebstrap)" $((SECONDS - began)) ok

began=$SECONDS
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$ROOTFS/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
fi
for rc in /usr/etc/npmrc /etc/npmrc; do
  if [ -f "$rc" ] && grep -q '^cafile' "$rc"; then
    grep '^cafile' "$rc" >"$ROOTFS/etc/npmrc"
    mkdir -p "$ROOTFS/usr/etc" && cp "$ROOTFS/etc/npmrc" "$ROOTFS/usr/etc/npmrc"
    break
  fi
done
mkdir -p "$ROOTFS/root/work"
git clone --quiet --no-local "$ROOT" "$ROOTFS/root/work/main"
git -C "$ROOTFS/root/work/main" checkout --quiet --detach "$COMMIT"
cp -a "$SHARED" "$ROOTFS/root/work/shared"
record "clean clone + ../shared" $((SECONDS - began)) ok

status=0
unshare --mount --pid --fork --kill-child bash "$SELF" __inside "$ROOTFS" "$TIMINGS" || status=$?

disk=$(du -sh --one-file-system "$ROOTFS" 2>/dev/null | cut -f1)
echo
echo "fresh-test: commit $COMMIT"
printf '%-28s %8s  %s\n' step seconds result
while IFS=$'\t' read -r name secs result; do
  printf '%-28s %8s  %s\n' "$name" "$secs" "$result"
done <"$TIMINGS"
printf '%-28s %8s  %s\n' total $((SECONDS - total_began)) "$([ $status -eq 0 ] && echo ok || echo FAILED)"
echo "fresh-test: disk used by the root: $disk"
exit $status
