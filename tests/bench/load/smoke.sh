#!/usr/bin/env bash
# Smoke check of candor_load against a running candord: loads a small
# dataset (--setup_small) and runs every scenario for one second, failing
# if one exits non-zero or prints no JSON line with "ok" > 0. It checks
# that the load generator works, never how fast the server is.
#
#   tests/bench/load/smoke.sh BUILD_DIR ADDR JWT_SECRET_FILE WORK_DIR
#   tests/bench/load/smoke.sh build-load 127.0.0.1:50071 /tmp/load-var/jwt.secret /tmp/load-smoke
set -euo pipefail
build="$1" addr="$2" secret="$3" work="$4"
load="$build/tests/bench/load/candor_load"
mkdir -p "$work"
manifest="$work/dataset.txt"
"$load" --addr="$addr" --jwt_secret_file="$secret" --dataset="$manifest" --setup_small
common=(--addr="$addr" --jwt_secret_file="$secret" --dataset="$manifest"
        --duration=1s --warmup=0s --concurrency=4 --channels=2
        --json_out="$work/results.jsonl")
run() {
  local line
  line="$("$load" "${common[@]}" "$@")"
  if ! grep -Eq '"ok":[1-9]' <<<"$line"; then
    echo "smoke: no OK call in: $*: $line" >&2
    exit 1
  fi
  echo "smoke: ok: $*" >&2
}
run --scenario=health
run --scenario=get_staff
run --scenario=get_staff --rate=50
run --scenario=list_feed
run --scenario=list_staff_deep --min_depth=1
run --scenario=submit_post --posts=50
run --scenario=evaluate_post
run --scenario=record_events --events_per_stream=1000
run --scenario=mixed
run --scenario=import_staff --import_rows=500
run --scenario=verify_audit --repeat=1
echo "smoke: every scenario ran; results in $work/results.jsonl" >&2
