# shellcheck shell=bash
# Helpers shared by deploy/local/{up,down,test}; sourced, not run.
# Callers set `set -euo pipefail` themselves.

# The repository root, whatever directory the caller runs from.
CANDOR_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"
readonly CANDOR_ROOT
export CANDOR_ROOT

# The pinned buf release (npm package @bufbuild/buf); bump deliberately, since
# a new buf may add lint rules.
readonly CANDOR_BUF_VERSION=1.75.0
readonly CANDOR_TOOLS="$CANDOR_ROOT/.tools"
readonly CANDOR_BUF="$CANDOR_TOOLS/node_modules/.bin/buf"

log() { echo "candor: $*" >&2; }
die() {
  echo "candor: $*" >&2
  exit 1
}

# Runs its arguments as root: directly when we are root (a fresh container has
# no sudo), through sudo otherwise.
as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $* (install sudo or run as root)"
  fi
}

# Prints the packages listed in deploy/local/packages.txt that are not
# installed, one a line.
missing_packages() {
  local line pkg
  while IFS= read -r line || [[ -n "$line" ]]; do
    pkg="${line%%#*}"
    pkg="${pkg//[[:space:]]/}"
    [[ -n "$pkg" ]] || continue
    # A node/npm already on PATH (NodeSource, nvm) satisfies these; Debian's
    # npm would conflict with NodeSource's nodejs.
    case "$pkg" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q ' installed$'; then
      echo "$pkg"
    fi
  done <"$CANDOR_ROOT/deploy/local/packages.txt"
}

# Installs what is missing from packages.txt; does nothing (and needs no root,
# no network) when everything is there.
ensure_packages() {
  local -a missing
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} > 0)) || return 0
  log "installing Debian packages: ${missing[*]}"
  # `env` carries DEBIAN_FRONTEND through sudo, which resets the environment;
  # noninteractive keeps debconf from prompting (CI has no stdin).
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}"
}

# Installs the npm dependencies of a Node package of this repository
# (clients/node, clients/web; node_modules is git-ignored) with `npm ci`
# from its committed package-lock.json, unless they were installed from
# this very lock file already. Their ctest entries (node_client_e2e,
# web_gateway_e2e) and the web gateway need them.
ensure_npm_deps() {
  local dir="$CANDOR_ROOT/$1"
  local stamp="$dir/node_modules/.candor-lock.sha256"
  local want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" ]] && [[ "$(cat -- "$stamp")" == "$want" ]]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found; run ensure_packages first"
  log "installing the npm dependencies of $1 (npm ci)"
  (cd -- "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" >"$stamp"
}

# Installs buf from npm into .tools/ (git-ignored) unless that version is
# there already.
ensure_buf() {
  if [[ -x "$CANDOR_BUF" ]] && [[ "$("$CANDOR_BUF" --version 2>/dev/null)" == "$CANDOR_BUF_VERSION" ]]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found; run ensure_packages first"
  log "installing buf $CANDOR_BUF_VERSION into $CANDOR_TOOLS"
  mkdir -p -- "$CANDOR_TOOLS"
  npm install --prefix "$CANDOR_TOOLS" --no-save --no-audit --no-fund \
    --no-package-lock --loglevel=error "@bufbuild/buf@$CANDOR_BUF_VERSION" >&2
  [[ -x "$CANDOR_BUF" ]] || die "buf install failed: $CANDOR_BUF missing"
}

# Configures and builds build/ (Release); extra arguments go to cmake's
# configure step.
# The build tree; CANDOR_BUILD overrides it (relative to the repository), so
# several checkouts' worth of builds can live side by side.
CANDOR_BUILD="${CANDOR_BUILD:-build}"
[[ "$CANDOR_BUILD" == /* ]] || CANDOR_BUILD="$CANDOR_ROOT/$CANDOR_BUILD"
readonly CANDOR_BUILD

build_candor() {
  cmake -S "$CANDOR_ROOT" -B "$CANDOR_BUILD" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$CANDOR_BUILD" -j"$(nproc)"
}

# Writes $1 (mode 0600) holding 32 random bytes hex-encoded, unless present.
ensure_secret_file() {
  local file="$1" secret
  [[ -s "$file" ]] && return 0
  if command -v openssl >/dev/null 2>&1; then
    secret="$(openssl rand -hex 32)"
  else
    secret="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  fi
  (
    umask 077
    printf '%s' "$secret" >"$file.tmp"
  )
  mv -- "$file.tmp" "$file"
}

# Writes $1 (mode 0600), an Ed25519 private key in PEM, unless present.
ensure_ed25519_key_file() {
  local file="$1"
  [[ -s "$file" ]] && return 0
  (
    umask 077
    openssl genpkey -algorithm ed25519 -out "$file.tmp"
  )
  mv -- "$file.tmp" "$file"
}

# True while process $1 exists and is not a zombie (a dead detached child
# still answers kill -0 until its parent reaps it).
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != [ZX] ]]
}

# Prints the pid recorded in pid file $1 when that process still runs and is
# named $2 (after a reboot the number may belong to someone else).
running_pid() {
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [[ -n "$pid" ]] || return 1
  alive "$pid" || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == "$2" ]] || return 1
  echo "$pid"
}

# Stops process $1 (named $2, for messages): TERM, up to 30 s to drain, then
# KILL.
stop_pid() {
  local pid="$1" name="$2" i
  alive "$pid" || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  log "$name ignored TERM for 30s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# Stops the process in pid file $1 if it runs and is named $2, and removes
# the file. No error when it is not running.
stop_pidfile() {
  local pid
  if pid="$(running_pid "$1" "$2")"; then
    stop_pid "$pid" "$2"
  fi
  rm -f -- "$1"
}

# Stops processes $2... (all named $1, for messages) together: TERM to each,
# up to 30 s for all of them to drain, then KILL.
stop_pids() {
  local name="$1" pid i
  shift
  local -a left=() still=()
  for pid in "$@"; do
    if alive "$pid"; then
      left+=("$pid")
    fi
  done
  ((${#left[@]} > 0)) || return 0
  log "stopping $name (pid ${left[*]})"
  kill -TERM "${left[@]}" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    still=()
    for pid in "${left[@]}"; do
      if alive "$pid"; then
        still+=("$pid")
      fi
    done
    ((${#still[@]} > 0)) || return 0
    left=("${still[@]}")
    sleep 0.1
  done
  log "$name (pid ${left[*]}) ignored TERM for 30s; killing"
  kill -KILL "${left[@]}" 2>/dev/null || true
}

# Stops the processes in pid files $2... that run and are named $1, all
# together, and removes the files. No error when none runs.
stop_pidfiles() {
  local name="$1" file pid
  shift
  local -a pids=()
  for file in "$@"; do
    if pid="$(running_pid "$file" "$name")"; then
      pids+=("$pid")
    fi
  done
  stop_pids "$name" ${pids[@]+"${pids[@]}"}
  rm -f -- "$@"
}

# Stops every server deploy/local/up may have started in $1 (a CANDOR_VAR)
# but MariaDB: the web gateway and HAProxy first, so they stop handing out
# calls (the gateway names itself web-gateway), then every
# candord replica, whatever CANDOR_REPLICAS was when they started
# (candord.pid for a single server, candord-N.pid for replica N).
stop_candor_servers() {
  local var="$1"
  local -a pidfiles=("$var/candord.pid")
  stop_pidfile "$var/web-gateway.pid" web-gateway
  stop_pidfile "$var/haproxy.pid" haproxy
  local file
  for file in "$var"/candord-*.pid; do
    if [[ -e "$file" ]]; then
      pidfiles+=("$file")
    fi
  done
  stop_pidfiles candord "${pidfiles[@]}"
}
