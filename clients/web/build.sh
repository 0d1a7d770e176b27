#!/usr/bin/env bash
# Builds what clients/web serves, from proto/ and app/ (both outputs are
# git-ignored and never committed):
#   gen/   the typed client: protoc with protoc-gen-es, one <file>_pb.js
#          (and .d.ts) per .proto, holding its messages, enums and service
#          descriptors, which the gateway forwards and browsers call;
#   dist/  the employee's web app (app/), bundled with esbuild into one
#          script beside its page and stylesheet, served by the gateway at /.
# Run after `npm ci`; the e2e tests and deploy/local/up run it.
set -euo pipefail
WEB_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd -- "$WEB_DIR/../.." && pwd -P)"
BIN="$WEB_DIR/node_modules/.bin"
[[ -x "$BIN/protoc-gen-es" && -x "$BIN/esbuild" ]] || {
  echo "build.sh: $WEB_DIR/node_modules missing; run: (cd $WEB_DIR && npm ci)" >&2
  exit 1
}
rm -rf -- "$WEB_DIR/gen" "$WEB_DIR/dist"
mkdir -p -- "$WEB_DIR/gen" "$WEB_DIR/dist"
(
  cd -- "$ROOT/proto"
  protoc --plugin=protoc-gen-es="$BIN/protoc-gen-es" --es_out="$WEB_DIR/gen" \
    --es_opt=target=js+dts,import_extension=js \
    candor/*/v1/*.proto
)
"$BIN/esbuild" "$WEB_DIR/app/main.js" --bundle --format=esm --minify \
  --sourcemap --target=es2020 --log-level=warning --outfile="$WEB_DIR/dist/app.js"
cp -- "$WEB_DIR/app/index.html" "$WEB_DIR/app/style.css" "$WEB_DIR/dist/"
