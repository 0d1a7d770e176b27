#!/usr/bin/env bash
# Generates the typed client (gen/, git-ignored) from proto/ with
# protoc-gen-es: one <file>_pb.js (and .d.ts) per .proto, holding its
# messages and its service descriptors, which the gateway forwards and
# browsers call. Run after `npm ci`; the e2e test and deploy/local/up run it.
set -euo pipefail
WEB_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd -- "$WEB_DIR/../.." && pwd -P)"
PLUGIN="$WEB_DIR/node_modules/.bin/protoc-gen-es"
[[ -x "$PLUGIN" ]] || {
  echo "generate.sh: $PLUGIN missing; run: (cd $WEB_DIR && npm ci)" >&2
  exit 1
}
rm -rf -- "$WEB_DIR/gen"
mkdir -p -- "$WEB_DIR/gen"
cd -- "$ROOT/proto"
protoc --plugin=protoc-gen-es="$PLUGIN" --es_out="$WEB_DIR/gen" \
  --es_opt=target=js+dts,import_extension=js \
  candor/*/v1/*.proto
