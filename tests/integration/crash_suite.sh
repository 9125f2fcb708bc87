#!/usr/bin/env bash
# Crash safety: 20 rounds of "stream API writes, SIGKILL the server at a random moment, restart".
# After each restart every acknowledged write is there, the write in flight is all there or not
# at all, and the LDAP view (ldapsearch) equals the store (the API's listing). crash.py has the
# checks.
set -u
SKYDIR_BIN=${SKYDIR_BIN:-build/src/app/skydir}
source "$(dirname "$0")/lib/harness.sh"
WORK=$(mktemp -d /tmp/skydir-crash-suite.XXXXXX)
CRASH_PID_FILE="$WORK/server.pid"
cleanup() {
  if [ -f "$CRASH_PID_FILE" ]; then kill -KILL "$(cat "$CRASH_PID_FILE")" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
unset SKYDIR_CONFIG SKYDIR_DATA_DIR

DATA="$WORK/data"
sky() { "$SKYDIR_BIN" --data-dir "$DATA" "$@"; }
sky --json org create crash >"$WORK/org.json" || { echo "FAIL - org create"; exit 1; }
ORG=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/org.json")
{ sky user add "$ORG" svc --email svc@crash.example --password 'Service-pass-1' --ldap-binding &&
  sky ldap connect "$ORG" --user svc && sky group add "$ORG" everyone &&
  sky ldap connect "$ORG" --group everyone; } >/dev/null || { echo "FAIL - setup"; exit 1; }
# Cheap hashing keeps each round at a few seconds (the hash cost is not what is tested here).
export SKYDIR_PASSWORD_ARGON2_OPS_LIMIT=1 SKYDIR_PASSWORD_ARGON2_MEM_LIMIT_KIB=64
export SKYDIR_HTTP_RATE_LIMIT_PER_SECOND=0
/usr/bin/python3 "$(dirname "$0")/crash.py" "$SKYDIR_BIN" "$DATA" "$WORK/org.json" "$CRASH_PID_FILE"
