#!/usr/bin/env bash
# The LDAP service against the real clients of the seed applications (issue 3, item 8): one
# skydir server on free local ports, a directory made with the `skydir` command, then
#   ldap_clients/ldaputils_checks.sh  ldapsearch, ldapwhoami, ldapcompare, ldappasswd
#   ldap_clients/ldap3_checks.py      Debian's python3-ldap3 (and python3-ldap for the root DSE)
#   ldap_clients/onelogin.py          OneLogin's "LDAP via SSL" directory settings
#   ldap_clients/infisical.mjs        Infisical's LDAP login (passport-ldapauth) and group search,
#                                     test-connection (ldapjs 3)
#   ldap_clients/bitwarden.mjs        Bitwarden Directory Connector's sync (ldapts 9)
# over plain LDAP, StartTLS and LDAPS, verifying the generated CA. One line per check
# ("ok - ..." / "FAIL - ... : detail"), then "N passed, N failed"; exits non-zero on failure.
#
# Environment: SKYDIR_BIN (default build/src/app/skydir), SKYDIR_SOURCE_DIR (default: this
# repository). Needs ldap-utils, slappasswd (slapd), /usr/bin/python3 with python3-ldap3 and
# python3-ldap, node, and tests/node_modules (npm ci in tests/).
set -u

SRC=${SKYDIR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BIN=${SKYDIR_BIN:-$SRC/build/src/app/skydir}
[[ $BIN == /* ]] || BIN=$PWD/$BIN
HERE=$SRC/tests/integration/ldap_clients
PY=/usr/bin/python3
SLAPPASSWD=$(command -v slappasswd || echo /usr/sbin/slappasswd)
WORK=$(mktemp -d /tmp/skydir-ldap-clients.XXXXXX)
DATA=$WORK/data
SERVER_PID=
PASSED=0
FAILED=0
unset SKYDIR_CONFIG SKYDIR_DATA_DIR

cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

abort() {
  echo "FAIL - $1"
  [[ -f $WORK/server.log ]] && tail -20 "$WORK/server.log" | sed 's/^/    server: /'
  echo "$PASSED passed, $((FAILED + 1)) failed"
  exit 1
}

sky() { "$BIN" --data-dir "$DATA" "$@"; }

# --- prerequisites -------------------------------------------------------------------------
[[ -x $BIN ]] || abort "skydir binary not found at $BIN"
for tool in ldapsearch ldapwhoami ldapcompare ldappasswd node; do
  command -v "$tool" >/dev/null || abort "$tool not found"
done
[[ -x $SLAPPASSWD ]] || abort "slappasswd not found (install the Debian package slapd)"
$PY -c 'import ldap3, ldap' 2>/dev/null || abort "$PY lacks ldap3/ldap (apt install python3-ldap3 python3-ldap)"
for mod in ldapjs ldapts passport-ldapauth; do
  [[ -d $SRC/tests/node_modules/$mod ]] || abort "tests/node_modules/$mod missing (run npm ci in tests/)"
done

# --- one server for the whole suite --------------------------------------------------------
read -r LDAP_PORT LDAPS_PORT < <($PY -c '
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')
"$BIN" --data-dir "$DATA" serve --ldap "127.0.0.1:$LDAP_PORT" --ldaps "127.0.0.1:$LDAPS_PORT" \
  --http "" --log-level warn >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
listening() {
  $PY -c 'import socket,sys
for p in sys.argv[1:]: socket.create_connection(("127.0.0.1", int(p)), 0.5).close()' \
    "$LDAP_PORT" "$LDAPS_PORT" 2>/dev/null
}
for _ in $(seq 100); do
  listening && break
  kill -0 "$SERVER_PID" 2>/dev/null || abort "skydir serve exited at start"
  sleep 0.1
done
listening || abort "skydir serve does not listen on $LDAP_PORT/$LDAPS_PORT after 10 s"
CA=$DATA/tls/ca.pem
[[ -s $CA ]] || abort "no generated CA at $CA"
export LDAP_URL="ldap://localhost:$LDAP_PORT" LDAPS_URL="ldaps://localhost:$LDAPS_PORT"
export LDAP_PORT LDAPS_PORT CA BIN DATA WORK
export LDAPTLS_CACERT=$CA
unset LDAPTLS_REQCERT LDAPNOINIT

# --- the directory, made with the CLI while the server runs ---------------------------------
start=$(date +%s.%N)
# shellcheck source=ldap_clients/fixture.sh source-path=SCRIPTDIR
source "$HERE/fixture.sh"
# The last change (the import) must reach the server's snapshot.
for _ in $(seq 50); do
  n=$(ldapsearch -x -LLL -H "$LDAP_URL" -D "$SVC_A" -w "$PW_SVC_A" -b "$USERS_A" \
    "(uid=bulk$(printf %05d "$BULK_USERS"))" 1.1 2>/dev/null | grep -c '^dn:')
  [[ $n == 1 ]] && break
  sleep 0.1
done
[[ $n == 1 ]] || abort "the imported users do not appear over LDAP"
echo "# fixtures: 2 orgs, $USERS_VISIBLE_A users in org A, ready in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

# --- the clients ---------------------------------------------------------------------------
# run_checks NAME COMMAND...: runs one helper (one "ok"/"FAIL" line per check) and counts.
run_checks() {
  local name=$1; shift
  local out=$WORK/$name.out t0
  t0=$(date +%s.%N)
  timeout 120 "$@" >"$out" 2>"$WORK/$name.err"
  local rc=$?
  cat "$out"
  local ok bad
  ok=$(grep -c '^ok - ' "$out")
  bad=$(grep -c '^FAIL - ' "$out")
  PASSED=$((PASSED + ok))
  FAILED=$((FAILED + bad))
  if [[ $rc -ne 0 && $bad -eq 0 ]] || [[ $ok -eq 0 && $bad -eq 0 ]]; then
    FAILED=$((FAILED + 1))
    echo "FAIL - $name exited with $rc after $ok checks : $(tail -5 "$WORK/$name.err" | tr '\n' ' ')"
  fi
  echo "# $name: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
}

cd "$HERE" || abort "no $HERE"
# SKYDIR_LDAP_CLIENTS (e.g. "ldap3 bitwarden") runs only some of the clients.
wanted() { [[ " ${SKYDIR_LDAP_CLIENTS:-ldaputils ldap3 onelogin infisical bitwarden} " == *" $1 "* ]]; }
wanted ldaputils && run_checks ldaputils bash "$HERE/ldaputils_checks.sh"
wanted ldap3 && run_checks ldap3 $PY "$HERE/ldap3_checks.py"
wanted onelogin && run_checks onelogin $PY "$HERE/onelogin.py"
wanted infisical && run_checks infisical node "$HERE/infisical.mjs"
wanted bitwarden && run_checks bitwarden node "$HERE/bitwarden.mjs"

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  FAILED=$((FAILED + 1))
  echo "FAIL - the server is still running after all clients : it exited"
  tail -20 "$WORK/server.log" | sed 's/^/    server: /'
else
  PASSED=$((PASSED + 1))
  echo "ok - the server is still running after all clients"
  # Ctrl-C: a graceful shutdown with exit status 0.
  kill -INT "$SERVER_PID"
  for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    FAILED=$((FAILED + 1))
    echo "FAIL - SIGINT stops the server : still running after 10 s"
  else
    wait "$SERVER_PID"
    rc=$?
    SERVER_PID=
    if [[ $rc -eq 0 ]]; then
      PASSED=$((PASSED + 1))
      echo "ok - SIGINT stops the server with exit status 0"
    else
      FAILED=$((FAILED + 1))
      echo "FAIL - SIGINT stops the server with exit status 0 : exit status $rc"
    fi
  fi
fi
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
