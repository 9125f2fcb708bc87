#!/usr/bin/env bash
# Tenant isolation matrix: two orgs with the same usernames, group names and shapes, one real
# server; every LDAP operation and API call of each org is tried on the other org's entries
# and ids (isolation.py has the matrix). Nothing of the other org may be seen or changed, and
# each refusal must be the answer for something that does not exist.
set -u
SKYDIR_BIN=${SKYDIR_BIN:-build/src/app/skydir}
source "$(dirname "$0")/lib/harness.sh"
WORK=$(mktemp -d /tmp/skydir-isolation-suite.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
unset SKYDIR_CONFIG SKYDIR_DATA_DIR

DATA="$WORK/data"
sky() { "$SKYDIR_BIN" --data-dir "$DATA" "$@"; }
for org in alpha beta; do
  Cap=${org^}
  sky --json org create "$org" >"$WORK/$org.json" || { echo "FAIL - org create $org"; exit 1; }
  ORG=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/$org.json")
  { sky user add "$ORG" svc --email "svc@$org.example" --password "$Cap-svc-pass-1" --ldap-binding &&
    sky user add "$ORG" alice --email "alice@$org.example" --first-name Alice --last-name "$Cap" \
      --password "$Cap-alice-pass-1" &&
    sky user add "$ORG" bob --email "bob@$org.example" --password "$Cap-bob-pass-1" &&
    sky group add "$ORG" staff && sky group add-member "$ORG" staff --user alice &&
    sky ldap connect "$ORG" --user svc && sky ldap connect "$ORG" --user bob &&
    sky ldap connect "$ORG" --group staff; } >/dev/null || { echo "FAIL - setup $org"; exit 1; }
done
export SKYDIR_HTTP_RATE_LIMIT_PER_SECOND=0
start_api_server "$DATA" || { echo "FAIL - server did not start"; exit 1; }
/usr/bin/python3 "$(dirname "$0")/isolation.py" "$LDAP_PORT" "$HTTP_PORT" "$WORK/alpha.json" "$WORK/beta.json"
rc=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "FAIL - the server process died"; exit 1; fi
exit $rc
