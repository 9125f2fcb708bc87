# Shared by the integration suites: checks that print one line each and a closing count,
# free ports, and a server started on a temporary data directory.
# Source it; then call start_server, start_api_server or start_full_server (see each),
# check/ok/fail, and finish.

PASSED=0
FAILED=0
SERVER_PID=""

ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1${2:+ : $2}"; }

# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() {
  local desc=$1; shift
  local out
  if out=$("$@" 2>&1); then ok "$desc"; else fail "$desc" "$(echo "$out" | tail -3 | tr '\n' ' ')"; fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server DATA_DIR [flags...]: starts skydir serve on free ports; sets LDAP_PORT, LDAPS_PORT,
# SERVER_PID, SERVER_OUT. Waits until both ports accept connections.
start_server() {
  local data=$1; shift
  LDAP_PORT=$(free_port)
  LDAPS_PORT=$(free_port)
  SERVER_OUT="$data.out"
  "$SKYDIR_BIN" --data-dir "$data" serve --ldap "127.0.0.1:$LDAP_PORT" \
    --ldaps "127.0.0.1:$LDAPS_PORT" --http "" "$@" >"$SERVER_OUT" 2>"$data.log" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$LDAPS_PORT") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "server did not start:"; cat "$data.log"
  return 1
}

# start_api_server DATA_DIR [flags...]: starts skydir serve with LDAP (no LDAPS) and the HTTP API
# on ports the kernel picks; sets LDAP_PORT, HTTP_PORT, SERVER_PID and SERVER_LOG (stderr).
start_api_server() {
  local data=$1; shift
  SERVER_OUT="$data.out"
  SERVER_LOG="$data.log"
  "$SKYDIR_BIN" --data-dir "$data" serve --ldap 127.0.0.1:0 --ldaps "" --http 127.0.0.1:0 "$@" \
    >"$SERVER_OUT" 2>"$SERVER_LOG" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -q "admin API" "$SERVER_OUT" 2>/dev/null && break
    sleep 0.1
  done
  LDAP_PORT=$(sed -nE 's/.*LDAP on port ([0-9]+).*/\1/p' "$SERVER_OUT")
  HTTP_PORT=$(sed -nE 's/.*HTTP port ([0-9]+).*/\1/p' "$SERVER_OUT")
  if [ -z "$LDAP_PORT" ] || [ -z "$HTTP_PORT" ]; then
    echo "server did not start:"; cat "$SERVER_LOG"
    return 1
  fi
}

# start_full_server DATA_DIR OUT_FILE ERR_FILE [flags...]: skydir serve with LDAP, LDAPS, HTTP and
# HTTPS on ports the kernel picks; sets LDAP_PORT, LDAPS_PORT, HTTP_PORT, HTTPS_PORT and
# SERVER_PID (the server itself, for signal checks). Fails when the server exits or has not
# announced its ports within 10 s.
start_full_server() {
  local data=$1 out=$2 err=$3; shift 3
  "$SKYDIR_BIN" --data-dir "$data" serve --ldap 127.0.0.1:0 --ldaps 127.0.0.1:0 \
    --http 127.0.0.1:0 --https 127.0.0.1:0 "$@" >"$out" 2>"$err" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -q "admin API" "$out" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  grep -q "admin API" "$out" || return 1
  read -r LDAP_PORT LDAPS_PORT < <(sed -nE 's/.*LDAP on port ([0-9]+).*LDAPS on port ([0-9]+).*/\1 \2/p' "$out")
  read -r HTTP_PORT HTTPS_PORT < <(sed -nE 's/.*HTTP port ([0-9]+) and HTTPS port ([0-9]+).*/\1 \2/p' "$out")
}

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -INT "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null
  fi
  SERVER_PID=""
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
