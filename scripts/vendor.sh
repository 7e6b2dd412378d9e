#!/usr/bin/env bash
# Copies browser files from pinned npm packages into web/vendor/, where the build embeds them.
# Run after changing a version in package.json (then `npm install` to update package-lock.json),
# and commit web/vendor/. Nothing is downloaded at build or run time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ ! -f node_modules/htmx.org/package.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi

pkg_version() { node -p "require('./node_modules/$1/package.json').version"; }
locked_version() { node -p "require('./package-lock.json').packages['node_modules/$1'].version"; }

HTMX_VERSION=$(pkg_version htmx.org)
if [ "$HTMX_VERSION" != "$(locked_version htmx.org)" ]; then
  echo "vendor.sh: node_modules has htmx.org $HTMX_VERSION but package-lock.json pins $(locked_version htmx.org); run npm ci" >&2
  exit 1
fi

OUT=web/vendor
mkdir -p "$OUT"
HTMX_FILE="htmx-$HTMX_VERSION.min.js"
# Remove copies of other versions so the build never embeds two.
find "$OUT" -maxdepth 1 -name 'htmx-*.min.js' ! -name "$HTMX_FILE" -delete
cp node_modules/htmx.org/dist/htmx.min.js "$OUT/$HTMX_FILE"
HTMX_SHA=$(sha256sum "$OUT/$HTMX_FILE" | cut -d' ' -f1)
HTMX_LICENSE=$(node -p "require('./node_modules/htmx.org/package.json').license")

cat > "$OUT/VENDORED.md" <<MD
# Vendored browser files

Written by \`scripts/vendor.sh\` from the npm packages pinned in \`package-lock.json\`; do not edit by hand.
The build embeds \`web/vendor/*.js\` into the \`sdelka\` binary.

| file | npm package | version | license | sha256 |
| --- | --- | --- | --- | --- |
| \`$HTMX_FILE\` | \`htmx.org\` (\`dist/htmx.min.js\`) | $HTMX_VERSION | $HTMX_LICENSE | \`$HTMX_SHA\` |

To update: change the version in \`package.json\`, run \`npm install\`, then \`bash scripts/vendor.sh\`,
and commit \`package.json\`, \`package-lock.json\` and \`web/vendor/\` together.
MD
echo "vendor.sh: $OUT/$HTMX_FILE sha256 $HTMX_SHA"
