#!/usr/bin/env bash
# `skydir serve` as a new user meets it: the demo directory and its printed commands, graceful
# shutdown on Ctrl-C, a restart that keeps everything (served from the saved snapshot only when
# it matches the store), and export → import round trips.
set -u
SKYDIR_BIN=${SKYDIR_BIN:-build/src/app/skydir}
source "$(dirname "$0")/lib/harness.sh"
WORK=$(mktemp -d /tmp/skydir-serve-suite.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
DATA="$WORK/data"

start_server "$DATA" --demo || exit 1
check "the demo prints the Organization ID" grep -q "Organization ID: [0-9a-f]\{24\}" "$SERVER_OUT"
check "the CA certificate is generated" test -s "$DATA/tls/ca.pem"

# Run the printed commands exactly as a user would paste them (ports as printed).
mapfile -t commands < <(awk '/LDAPTLS_CACERT=/{cmd=$0; while (cmd ~ /\\$/) {sub(/\\$/, "", cmd); getline nxt; cmd = cmd nxt} print cmd}' "$SERVER_OUT")
check "the demo prints three ready-to-paste commands" test "${#commands[@]}" -eq 3
out=$(bash -c "${commands[0]}" 2>&1)
if grep -q "^dn: uid=alice,ou=Users" <<<"$out" && grep -q "^dn: cn=LDAP Fileserver,ou=Users" <<<"$out"; then
  ok "the pasted LDAPS search lists users and groups"
else fail "the pasted LDAPS search lists users and groups" "$(tail -3 <<<"$out")"; fi
out=$(bash -c "${commands[1]}" 2>&1)
if grep -q "^cn: Engineering" <<<"$out" && ! grep -q "^cn: Design" <<<"$out"; then
  ok "the pasted StartTLS group search finds bob's groups"
else fail "the pasted StartTLS group search finds bob's groups" "$(tail -3 <<<"$out")"; fi
out=$(bash -c "${commands[2]}" 2>&1)
if grep -q "^dn:uid=bob,ou=Users" <<<"$out"; then ok "the pasted ldapwhoami logs in as bob"
else fail "the pasted ldapwhoami logs in as bob" "$out"; fi

ORG=$(awk '/Organization ID:/{print $3}' "$SERVER_OUT")
# Saved once soon after start (not only at shutdown), so that a crash does not cost a rebuild.
for _ in $(seq 50); do test -s "$DATA/snapshots/$ORG.snap" && break; sleep 0.1; done
check "the org's snapshot is saved while the server runs" test -s "$DATA/snapshots/$ORG.snap"
start=$(date +%s%N)
stop_server
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$elapsed_ms" -lt 8000 ]; then ok "Ctrl-C stops the server gracefully (${elapsed_ms} ms)"
else fail "Ctrl-C stops the server gracefully" "took ${elapsed_ms} ms"; fi

# The snapshot saved at shutdown serves the restart, with what changed while it was down; a
# saved snapshot that does not match the store (damaged, or from before a restored backup) is
# never served.
SNAP="$DATA/snapshots/$ORG.snap"
SVC_PW=$(awk -F= '/^service_password=/{print $2}' "$DATA/demo.txt")
title_of() {  # USERNAME: its title, searched over LDAPS as the demo's service account
  LDAPTLS_CACERT="$DATA/tls/ca.pem" ldapsearch -LLL -x -H "ldaps://localhost:$LDAPS_PORT" \
    -D "uid=ldap-service,ou=Users,o=$ORG,dc=jumpcloud,dc=com" -w "$SVC_PW" \
    -b "ou=Users,o=$ORG,dc=jumpcloud,dc=com" "(uid=$1)" title | sed -n 's/^title: //p'
}
check "shutdown saves the org's snapshot, readable by its owner only" \
  bash -c "test -s '$SNAP' && test \$(stat -c %a '$SNAP') = 600"
mkdir "$WORK/backup" && cp "$DATA"/skydir.db* "$WORK/backup/"
"$SKYDIR_BIN" --data-dir "$DATA" user set "$ORG" carol --title "Changed While Down" >/dev/null

start_server "$DATA" --demo || exit 1
check "a restart with --demo reuses the same org" grep -q "Organization ID: $ORG" "$SERVER_OUT"
check "the data directory has one org after the restart" \
  bash -c "test \$('$SKYDIR_BIN' --data-dir '$DATA' org list | grep -c '[0-9a-f]\{24\}') -eq 1"
check "the restart serves the org from its saved snapshot" grep -q '"from_files":1' "$DATA.log"
check "a change made while the server was down is served after the restart" \
  test "$(title_of carol)" = "Changed While Down"
check "an unchanged user is served as before" test "$(title_of dave)" = "Site Reliability Engineer"
stop_server

# The backup taken before that change comes back, and another change is made on it: the saved
# snapshot (which shows the lost change) must not be served.
rm -f "$DATA/skydir.db-wal" "$DATA/skydir.db-shm"
cp "$WORK/backup"/skydir.db* "$DATA/"
"$SKYDIR_BIN" --data-dir "$DATA" user set "$ORG" dave --title "Changed After Restore" >/dev/null
start_server "$DATA" --demo || exit 1
check "a snapshot saved past a restored backup is ignored" \
  grep -q '"snapshot.file_ignored".*change log differs' "$DATA.log"
check "after the restore the backup's state is served" \
  test "$(title_of carol)/$(title_of dave)" = "Engineering Manager/Changed After Restore"
stop_server

/usr/bin/python3 -c '
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 0x40
open(p, "wb").write(b)' "$SNAP"
start_server "$DATA" --demo || exit 1
check "a damaged snapshot file is ignored" grep -q '"snapshot.file_ignored".*checksum' "$DATA.log"
check "the org is rebuilt from the store instead" \
  test "$(title_of carol)/$(title_of dave)" = "Engineering Manager/Changed After Restore"
stop_server

# Nothing changed since: the restart only reads the file, and /metrics still counts the org.
start_full_server "$DATA" "$WORK/full.out" "$WORK/full.log" --demo || exit 1
check "a restart with nothing changed reads the rebuilt org's file" \
  grep -q '"from_files":1' "$WORK/full.log"
metrics=$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics")
check "/metrics counts the org and its entries read from the file" \
  bash -c 'grep -q "^skydir_snapshot_orgs 1$" <<<"$1" && grep -q "^skydir_snapshot_entries [1-9]" <<<"$1"' _ "$metrics"
check "the restart serves what the store holds" \
  test "$(title_of carol)/$(title_of dave)" = "Engineering Manager/Changed After Restore"
stop_server

# Export, import into a fresh data directory, export again: the same tree.
"$SKYDIR_BIN" --data-dir "$DATA" export "$ORG" >"$WORK/first.ldif" 2>"$WORK/err"
check "export writes LDIF" grep -q "^dn: uid=bob,ou=Users,o=$ORG,dc=jumpcloud,dc=com" "$WORK/first.ldif"
check "export keeps password hashes" grep -q "^userPassword: {ARGON2}" "$WORK/first.ldif"
NEW="$WORK/new"
NEWORG=$("$SKYDIR_BIN" --data-dir "$NEW" --json org create restored | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
check "import of the export succeeds" "$SKYDIR_BIN" --data-dir "$NEW" import "$NEWORG" "$WORK/first.ldif" --connect-ldap
"$SKYDIR_BIN" --data-dir "$NEW" export "$NEWORG" >"$WORK/second.ldif"
sed "s/$NEWORG/$ORG/g" "$WORK/second.ldif" >"$WORK/second-renamed.ldif"
# Member order inside a group follows ids, which differ; compare each record's sorted lines.
normalize() { /usr/bin/python3 -c '
import sys
recs = sys.stdin.read().replace("\n ", "").strip().split("\n\n")
print("\n\n".join(sorted("\n".join(sorted(r.splitlines())) for r in recs)))'; }
if diff <(normalize <"$WORK/first.ldif") <(normalize <"$WORK/second-renamed.ldif") >"$WORK/diff"; then
  ok "import of an export reproduces the same directory"
else fail "import of an export reproduces the same directory" "$(head -5 "$WORK/diff" | tr '\n' ' ')"; fi

start_server "$NEW" || exit 1
PW=$(awk -F= '/^user_password=/{print $2}' "$DATA/demo.txt")
check "an imported user binds with the exported password" \
  env LDAPTLS_CACERT="$NEW/tls/ca.pem" ldapwhoami -x -H "ldaps://localhost:$LDAPS_PORT" \
  -D "uid=carol,ou=Users,o=$NEWORG,dc=jumpcloud,dc=com" -w "$PW"
stop_server

finish
