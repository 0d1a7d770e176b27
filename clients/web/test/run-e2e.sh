#!/usr/bin/env bash
# The web gateway's and the web app's end-to-end tests, as ctest runs them
# (web_gateway_e2e): builds the typed client and the app (build.sh), then
# `node --test` on clients/web/test/ against a real candord started by
# tests/support/with-candord. The tests serve the gateway themselves; the
# browser test drives headless Chromium and saves its screenshots in
# BUILD_DIR/test-artifacts/web/.
#
#   clients/web/test/run-e2e.sh BUILD_DIR
#
# Needs clients/web/node_modules (deploy/local/test runs `npm ci` there)
# and Debian's chromium (deploy/local/packages.txt).
set -euo pipefail

if (($# != 1)); then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
BUILD_DIR="$(cd -- "$1" && pwd -P)"
WEB_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
[[ -d "$WEB_DIR/node_modules/@connectrpc/connect-node" ]] || {
  echo "web_gateway_e2e: $WEB_DIR/node_modules missing; run: (cd $WEB_DIR && npm ci)" >&2
  exit 1
}
"$WEB_DIR/build.sh"
cd -- "$WEB_DIR"
export CANDOR_TEST_ARTIFACTS="$BUILD_DIR/test-artifacts/web"
exec "$WEB_DIR/../../tests/support/with-candord" "$BUILD_DIR" \
  node --test --test-reporter=spec test/gateway.test.js test/audit.test.js test/browser.test.js
