# Sourced by scripts/bench and scripts/bench-ab: starting and stopping the servers under
# test. Needs ROOT, TMP (a scratch directory), YST, BASE, TOKEN and log/die.
# shellcheck shell=bash

# Every server this script starts writes its pid to $TMP/<name>/pid; on exit each of those
# processes (and only those) is stopped.
is_alive() {
  local s
  s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $s != Z* ]]
}
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 150); do is_alive "$pid" || break; sleep 0.1; done
  if is_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local f
  for f in "$TMP"/*/pid; do [ -f "$f" ] && stop_pid "$(cat "$f")"; done
  rm -rf "$TMP"
}

wait_for_file() {  # FILE SECONDS
  local i
  for i in $(seq $(($2 * 20))); do [ -s "$1" ] && return 0; sleep 0.05; done
  return 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SERVER_COUNT=0

# Sets SRV_DIR, SRV_PID, SRV_PORT.
yst_args() {  # DIR PORT
  echo serve --bind 127.0.0.1 --port "$2" --port-file "$1/port" --data "$1/data" --web "$ROOT/web" \
    --admin-token "$TOKEN" --threads "${THREADS:-2}" --staff-rate 1000000 --log-level warn \
    --durability "${DURABILITY:-power}" ${STORE_URL:+--store "$STORE_URL"} ${TIMELINE:+--timeline "$1/timeline.jsonl"}
}
start_yishiting() {
  SRV_DIR=$TMP/yishiting-$((++SERVER_COUNT))
  mkdir -p "$SRV_DIR"
  # shellcheck disable=SC2046
  "$YST" $(yst_args "$SRV_DIR" 0) >"$SRV_DIR/log" 2>&1 &
  SRV_PID=$!
  echo "$SRV_PID" >"$SRV_DIR/pid"
  wait_for_file "$SRV_DIR/port" 30 || { cat "$SRV_DIR/log" >&2; die "yishiting did not start"; }
  SRV_PORT=$(cat "$SRV_DIR/port")
}
start_baseline() {
  SRV_DIR=$TMP/baseline-$((++SERVER_COUNT))
  mkdir -p "$SRV_DIR"
  "$BASE" 0 --threads 2 "$@" >"$SRV_DIR/log" 2>&1 &
  SRV_PID=$!
  echo "$SRV_PID" >"$SRV_DIR/pid"
  local i
  for i in $(seq 200); do grep -q 'listening on' "$SRV_DIR/log" && break; sleep 0.05; done
  SRV_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$SRV_DIR/log")
  [ -n "$SRV_PORT" ] || die "baseline-relay did not start"
}
start_node() {
  SRV_DIR=$TMP/node-$((++SERVER_COUNT))
  mkdir -p "$SRV_DIR"
  SRV_PORT=$(free_port)
  # uWebSockets.js's package brings bufferutil and utf-8-validate along (optional
  # dependencies); `ws` would pick them up. The Node relay stays the pure-JS `ws` it was
  # measured as.
  WS_NO_BUFFER_UTIL=1 WS_NO_UTF_8_VALIDATE=1 node bench/node/ws-relay.mjs "$SRV_PORT" >"$SRV_DIR/log" 2>&1 &
  SRV_PID=$!
  echo "$SRV_PID" >"$SRV_DIR/pid"
  local i
  for i in $(seq 200); do grep -q 'listening on' "$SRV_DIR/log" && break; sleep 0.05; done
  grep -q 'listening on' "$SRV_DIR/log" || die "the Node relay did not start"
}
# Whether something listens on 127.0.0.1:PORT (without connecting to it when ss is there).
port_listens() {  # PORT
  if command -v ss >/dev/null; then
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
  else
    (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
# The uWebSockets.js relay (a yardstick only, never part of the server): scripts/bench
# copies ../shared/peers/uws-relay.mjs next to bench/node/node_modules. It prints nothing
# when it listens, so the port is watched; UWS_USE_FALLBACK is dropped so that the package
# does not swap its native binary for its Node implementation.
start_uws() {
  SRV_DIR=$TMP/uws-$((++SERVER_COUNT))
  mkdir -p "$SRV_DIR"
  SRV_PORT=$(free_port)
  env -u UWS_USE_FALLBACK node bench/node/uws-relay.mjs "$SRV_PORT" >"$SRV_DIR/log" 2>&1 &
  SRV_PID=$!
  echo "$SRV_PID" >"$SRV_DIR/pid"
  for _ in $(seq 200); do
    port_listens "$SRV_PORT" && break
    is_alive "$SRV_PID" || break
    sleep 0.05
  done
  if grep -q 'Falling back\|fallback implementation' "$SRV_DIR/log"; then
    cat "$SRV_DIR/log" >&2
    die "the uWS relay runs the package's Node fallback, not uWebSockets"
  fi
  port_listens "$SRV_PORT" || { cat "$SRV_DIR/log" >&2; die "the uWS relay did not start"; }
}
stop_server() {
  stop_pid "$(cat "$SRV_DIR/pid")"
  rm -f "$SRV_DIR/pid"
}
