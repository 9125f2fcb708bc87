#!/usr/bin/env bash
# Floods and slow clients against one real server started with small limits: connection floods
# in total and from one address, clients that never bind, idle clients, a message sent a byte
# at a time, pipelined requests, and clients that never read their search results. Each limit
# must hold, be counted in /metrics and be logged once per client; other clients keep being
# served and the server's memory stays bounded (flood.py has the checks).
set -u
SKYDIR_BIN=${SKYDIR_BIN:-build/src/app/skydir}
source "$(dirname "$0")/lib/harness.sh"
WORK=$(mktemp -d /tmp/skydir-flood-suite.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
unset SKYDIR_CONFIG SKYDIR_DATA_DIR

DATA="$WORK/data"
sky() { "$SKYDIR_BIN" --data-dir "$DATA" "$@"; }
ORG=$(sky --json org create flood | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') ||
  { echo "FAIL - org create"; exit 1; }
sky user add "$ORG" svc --email svc@flood.example --password 'Service-pass-1' --ldap-binding >/dev/null &&
  sky ldap connect "$ORG" --user svc >/dev/null || { echo "FAIL - service account"; exit 1; }
# 3000 users (pre-hashed, so the import is quick): a search of all of them is ~1.5 MB.
/usr/bin/python3 - "$WORK/users.ldif" <<'PY'
import base64, hashlib, sys
salt = b"floodsal"
ssha = "{SSHA}" + base64.b64encode(hashlib.sha1(b"User-pass-1" + salt).digest() + salt).decode()
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(f"dn: uid=user{i:05d},ou=People,dc=example,dc=com\nobjectClass: inetOrgPerson\n"
                f"uid: user{i:05d}\ncn: User Number {i}\nsn: Number {i}\ngivenName: User\n"
                f"mail: user{i:05d}@flood.example\ndescription: {'x' * 200}\n"
                f"userPassword: {ssha}\n\n")
PY
sky import "$ORG" "$WORK/users.ldif" --connect-ldap >"$WORK/import.out" &&
  grep -q "3000 created" "$WORK/import.out" || { echo "FAIL - import"; cat "$WORK/import.out"; exit 1; }

# Under AddressSanitizer freed memory waits in a quarantine (256 MiB by default) before reuse,
# which would read as growth; a small one keeps the RSS checks about the server's own memory.
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=16"
export SKYDIR_LDAP_MAX_CONNECTIONS=120
export SKYDIR_LDAP_MAX_CONNECTIONS_PER_IP=40
export SKYDIR_LDAP_UNAUTHENTICATED_TIMEOUT_SECONDS=2
export SKYDIR_LDAP_IDLE_TIMEOUT_SECONDS=6
export SKYDIR_LDAP_PDU_READ_TIMEOUT_SECONDS=2
export SKYDIR_LDAP_WRITE_TIMEOUT_SECONDS=3
export SKYDIR_LDAP_MAX_WRITE_BUFFER_BYTES=65536
export SKYDIR_HTTP_IDLE_TIMEOUT_SECONDS=3
start_api_server "$DATA" || { echo "FAIL - server did not start"; exit 1; }

/usr/bin/python3 "$(dirname "$0")/flood.py" "$LDAP_PORT" "$HTTP_PORT" "$SERVER_PID" \
  "uid=svc,ou=Users,o=$ORG,dc=jumpcloud,dc=com" 'Service-pass-1' "$SERVER_LOG"
rc=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "FAIL - the server process died"; exit 1; fi
exit $rc
