#!/usr/bin/env bash
# The Node client's end-to-end test, as ctest runs it (node_client_e2e):
# `node --test` on clients/node/test/ against a real candord started by
# tests/support/with-candord.
#
#   clients/node/test/run-e2e.sh BUILD_DIR
#
# Needs clients/node/node_modules (deploy/local/test runs `npm ci` there).
set -euo pipefail

if (($# != 1)); then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
BUILD_DIR="$(cd -- "$1" && pwd -P)"
NODE_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
[[ -d "$NODE_DIR/node_modules/@grpc/grpc-js" ]] || {
  echo "node_client_e2e: $NODE_DIR/node_modules missing; run: (cd $NODE_DIR && npm ci)" >&2
  exit 1
}
cd -- "$NODE_DIR"
exec "$NODE_DIR/../../tests/support/with-candord" "$BUILD_DIR" \
  node --test --test-reporter=spec test/e2e.test.js
