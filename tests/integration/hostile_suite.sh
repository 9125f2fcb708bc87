#!/usr/bin/env bash
# Hostile bytes over a raw socket: every case gets the right result code or a Notice of
# Disconnection, and the server keeps serving other clients after each one.
set -u
SKYDIR_BIN=${SKYDIR_BIN:-build/src/app/skydir}
source "$(dirname "$0")/lib/harness.sh"
WORK=$(mktemp -d /tmp/skydir-hostile-suite.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
start_server "$WORK/data" --demo || exit 1
ORG=$(awk '/Organization ID:/{print $3}' "$SERVER_OUT")
PW=$(awk '/Bind password:/{print $3}' "$SERVER_OUT")
/usr/bin/python3 "$(dirname "$0")/hostile_input.py" 127.0.0.1 "$LDAP_PORT" \
  "uid=ldap-service,ou=Users,o=$ORG,dc=jumpcloud,dc=com" "$PW"
rc=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "FAIL - the server process died"; exit 1; fi
exit $rc
