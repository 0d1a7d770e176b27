#!/usr/bin/env bash
# The Node client's end-to-end test, as ctest runs it (node_client_e2e):
# a private MariaDB (socket only) and candord in a temporary directory, an
# operator token, then `node --test` on clients/node/test/, then everything
# stopped again (trap EXIT).
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
ROOT="$(cd -- "$NODE_DIR/../.." && pwd -P)"
CANDORD="$BUILD_DIR/services/candord/candord"
CANDORCTL="$BUILD_DIR/clients/cli/candorctl"

log() { echo "node_client_e2e: $*" >&2; }
die() {
  log "$*"
  exit 1
}

[[ -x "$CANDORD" ]] || die "$CANDORD missing; build the candord target"
[[ -x "$CANDORCTL" ]] || die "$CANDORCTL missing; build the candorctl target"
command -v node >/dev/null 2>&1 || die "node not found"
[[ -d "$NODE_DIR/node_modules/@grpc/grpc-js" ]] ||
  die "$NODE_DIR/node_modules missing; run: (cd $NODE_DIR && npm ci)"

# Short: the MariaDB socket path must stay under 100 bytes.
TMP="$(mktemp -d /tmp/candor-node-XXXXXX)"
CANDORD_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$CANDORD_PID" ]] && kill -0 "$CANDORD_PID" 2>/dev/null; then
    kill -TERM "$CANDORD_PID" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$CANDORD_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$CANDORD_PID" 2>/dev/null || true
    wait "$CANDORD_PID" 2>/dev/null || true
  fi
  "$ROOT/deploy/local/mariadb" stop "$TMP" >/dev/null 2>&1 || true
  if ((rc != 0)) && [[ -f "$TMP/candord.log" ]]; then
    log "candord's log (last 40 lines):"
    tail -n 40 "$TMP/candord.log" >&2 || true
  fi
  rm -rf -- "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

"$ROOT/deploy/local/mariadb" start "$TMP" >"$TMP/mariadb-start.log" 2>&1 ||
  { cat "$TMP/mariadb-start.log" >&2; die "MariaDB did not start"; }

SECRET="$TMP/jwt.secret"
( umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$SECRET"; echo >>"$SECRET" )
( umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$TMP/page_token.secret"; echo >>"$TMP/page_token.secret" )

# The tracking-link endpoint on a free port of its own (its default port
# would collide between parallel runs), when this candord has one.
extra=()
help="$("$CANDORD" --helpfull 2>&1 || true)"
TRACKING_BASE=""
if [[ "$help" == *"-tracking_listen"* ]]; then
  tracking_port="$(free_port)"
  TRACKING_BASE="http://127.0.0.1:$tracking_port"
  extra+=("--tracking_listen=127.0.0.1:$tracking_port" "--tracking_base_url=$TRACKING_BASE")
fi

ADDR=""
for attempt in 1 2 3 4 5; do
  ADDR="127.0.0.1:$(free_port)"
  "$CANDORD" --listen="$ADDR" --db_socket="$TMP/mysqld.sock" --db_user=candor \
    --db_password_file="$TMP/db.password" --jwt_hs256_secret_file="$SECRET" \
    --page_token_secret_file="$TMP/page_token.secret" --access_log=- \
    "${extra[@]}" >>"$TMP/candord.log" 2>&1 &
  CANDORD_PID=$!
  healthy=0
  for _ in $(seq 300); do
    if ! kill -0 "$CANDORD_PID" 2>/dev/null; then break; fi
    if "$CANDORCTL" --addr "$ADDR" --timeout 2s health >/dev/null 2>&1; then
      healthy=1
      break
    fi
    sleep 0.1
  done
  ((healthy)) && break
  log "candord attempt $attempt did not become healthy"
  kill -KILL "$CANDORD_PID" 2>/dev/null || true
  wait "$CANDORD_PID" 2>/dev/null || true
  CANDORD_PID=""
done
[[ -n "$CANDORD_PID" ]] || die "candord never served"
log "candord serves on $ADDR"

OPERATOR_TOKEN="$("$CANDORCTL" token mint --secret-file "$SECRET" \
  --subject operator --role operator --ttl 1h)"

cd -- "$NODE_DIR"
CANDOR_ADDR="$ADDR" \
  CANDOR_OPERATOR_TOKEN="$OPERATOR_TOKEN" \
  CANDOR_JWT_SECRET_FILE="$SECRET" \
  CANDORCTL="$CANDORCTL" \
  CANDOR_PROTO_ROOT="$ROOT/proto" \
  CANDOR_TRACKING_BASE="$TRACKING_BASE" \
  node --test --test-reporter=spec test/e2e.test.js
