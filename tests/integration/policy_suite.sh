#!/usr/bin/env bash
# Password policy end to end on one real server: the maximum age with pwdChangedTime and the
# org's userPasswordExpirationAction (disable: visible, cannot bind; remove: hidden), and the
# message naming the failed rule on every path that sets a password (API, CLI, Password Modify).
set -u
SKYDIR_BIN=${SKYDIR_BIN:-build/src/app/skydir}
source "$(dirname "$0")/lib/harness.sh"
WORK=$(mktemp -d /tmp/skydir-policy-suite.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
unset SKYDIR_CONFIG SKYDIR_DATA_DIR

DATA="$WORK/data"
sky() { "$SKYDIR_BIN" --data-dir "$DATA" "$@"; }
sky --json org create policy >"$WORK/org.json" || { echo "FAIL - org create"; exit 1; }
ORG=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/org.json")
KEY=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_key"])' "$WORK/org.json")
sky --json org set "$ORG" --password-min-length 10 --password-require-upper true \
  --password-require-digit true --password-require-symbol true --password-history 2 \
  --password-max-age-days 30 --password-expiration-action disable \
  --lockout-max-failures 3 --lockout-window-seconds 60 --lockout-unlock-after-seconds 4 >"$WORK/set.json"
check "skydir org set: the policy is stored as given" /usr/bin/python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["password_policy"]
assert (p["min_length"], p["require_upper"], p["require_digit"], p["require_symbol"], p["history"],
        p["max_age_days"], p["expiration_action"]) == (10, True, True, True, 2, 30, "disable"), p
l = json.load(open(sys.argv[1]))["lockout_policy"]
assert (l["enabled"], l["max_failures"], l["unlock_after_seconds"]) == (True, 3, 4), l' "$WORK/set.json"
expect_refused() {  # DESCRIPTION EXPECTED-TEXT COMMAND...: fails, printing the expected text
  local desc=$1 text=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && grep -qF -- "$text" <<<"$out"; then ok "$desc"; else fail "$desc" "rc=$rc $out"; fi
}
expect_refused "skydir org set refuses an unknown expiration action" "remove" \
  sky org set "$ORG" --password-expiration-action delete

# Users migrated from another directory keep their password's age (pwdChangedTime).
cat >"$WORK/users.ldif" <<'LDIF'
dn: uid=svc,ou=People,dc=example,dc=com
objectClass: inetOrgPerson
uid: svc
mail: svc@policy.example
sn: Service
userPassword: Service-pass-1!

dn: uid=stale,ou=People,dc=example,dc=com
objectClass: inetOrgPerson
uid: stale
mail: stale@policy.example
sn: Stale
userPassword: Stale-pass-1!
pwdChangedTime: 20200101000000Z

dn: uid=fresh,ou=People,dc=example,dc=com
objectClass: inetOrgPerson
uid: fresh
mail: fresh@policy.example
sn: Fresh
userPassword: Fresh-pass-1!
pwdChangedTime: 20991231000000Z

dn: uid=carol,ou=People,dc=example,dc=com
objectClass: inetOrgPerson
uid: carol
mail: carol@policy.example
sn: Carol
userPassword: Carol-pass-1!
LDIF
check "users with pwdChangedTime are imported" \
  bash -c "'$SKYDIR_BIN' --data-dir '$DATA' import '$ORG' '$WORK/users.ldif' --connect-ldap | grep -q '4 created'"
check "svc becomes an LDAP binding user" sky user set "$ORG" svc --ldap-binding

export SKYDIR_HTTP_RATE_LIMIT_PER_SECOND=0
export SKYDIR_LDAP_MAX_FAILED_BINDS_PER_IP=20
start_api_server "$DATA" || { echo "FAIL - server did not start"; exit 1; }

URL="ldap://127.0.0.1:$LDAP_PORT"
OU="ou=Users,o=$ORG,dc=jumpcloud,dc=com"
SVC=(-D "uid=svc,$OU" -w 'Service-pass-1!')
rc_of() { "$@" >/dev/null 2>&1; echo $?; }
api() {  # METHOD PATH [JSON]: prints "STATUS BODY"
  curl -s -o "$WORK/body" -w '%{http_code}' -X "$1" -H "x-api-key: $KEY" \
    -H 'Content-Type: application/json' ${3:+--data "$3"} "http://127.0.0.1:$HTTP_PORT$2"
  echo " $(cat "$WORK/body")"
}
user_id() { sky --json user show "$ORG" "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
STALE=$(user_id stale)
FRESH=$(user_id fresh)
LDAP_ID=$(api GET /api/v2/ldapservers | sed 's/^200 //' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

# --- maximum age, action disable ---------------------------------------------------------------
check "a password changed in the future is not believed: fresh binds" \
  test "$(rc_of ldapwhoami -x -H "$URL" -D "uid=fresh,$OU" -w 'Fresh-pass-1!')" = 0
check "an expired password (changed 2020, max age 30 days) cannot bind: invalidCredentials (49)" \
  test "$(rc_of ldapwhoami -x -H "$URL" -D "uid=stale,$OU" -w 'Stale-pass-1!')" = 49
check "the answer is the same as for a wrong password" \
  test "$(rc_of ldapwhoami -x -H "$URL" -D "uid=stale,$OU" -w 'Wrong-pass-1!')" = 49
check "with disable, the expired user stays visible with its pwdChangedTime" \
  bash -c "ldapsearch -x -LLL -H '$URL' ${SVC[*]@Q} -b '$OU' '(uid=stale)' pwdChangedTime |
           grep -q '^pwdChangedTime: 20200101000000Z'"
check "the bind failure is logged with the reason, never the password" \
  bash -c "grep -F 'stale' '$SERVER_LOG' | grep -q 'expired' && ! grep -qF 'Stale-pass-1!' '$SERVER_LOG'"

# --- action remove -------------------------------------------------------------------------------
api PATCH "/api/v2/ldapservers/$LDAP_ID" '{"userPasswordExpirationAction":"remove"}' >"$WORK/patch"
check "PATCH ldapservers userPasswordExpirationAction=remove" grep -q '^200 ' "$WORK/patch"
sleep 0.5
check "with remove, the expired user is hidden from searches" \
  bash -c "! ldapsearch -x -LLL -H '$URL' ${SVC[*]@Q} -b '$OU' '(uid=stale)' uid | grep -q '^uid: stale'"
check "with remove, a base search of its DN is noSuchObject (32)" \
  test "$(rc_of ldapsearch -x -H "$URL" "${SVC[@]}" -b "uid=stale,$OU" -s base)" = 32
check "with remove, it still cannot bind (49)" \
  test "$(rc_of ldapwhoami -x -H "$URL" -D "uid=stale,$OU" -w 'Stale-pass-1!')" = 49
check "with remove, users with valid passwords stay visible" \
  bash -c "ldapsearch -x -LLL -H '$URL' ${SVC[*]@Q} -b '$OU' '(uid=fresh)' uid | grep -q '^uid: fresh'"

# --- a new password ends the expiry ------------------------------------------------------------
api PUT "/api/systemusers/$STALE" '{"password":"Renewed-pass-2!"}' >"$WORK/put"
check "an administrator sets a new password through the API (200)" grep -q '^200 ' "$WORK/put"
sleep 0.5
check "the user binds again with the new password" \
  test "$(rc_of ldapwhoami -x -H "$URL" -D "uid=stale,$OU" -w 'Renewed-pass-2!')" = 0
check "and is visible again, pwdChangedTime now recent" \
  bash -c "ldapsearch -x -LLL -H '$URL' ${SVC[*]@Q} -b '$OU' '(uid=stale)' pwdChangedTime |
           grep -q '^pwdChangedTime: 20[2-9]'"

# --- each rule names itself, on every path -----------------------------------------------------
for case in "short|Ab1!x|must be at least 10 characters" \
            "upper|lower-only-1!|must contain an uppercase letter" \
            "digit|No-digits-here!|must contain a digit" \
            "symbol|NoSymbols12345|must contain a symbol"; do
  IFS='|' read -r rule pw text <<<"$case"
  out=$(api PUT "/api/systemusers/$FRESH" "{\"password\":\"$pw\"}")
  check "API: a password failing '$rule' is 400 naming the rule" \
    bash -c "[[ \$1 == 400* && \$1 == *'password: $text'* ]]" _ "$out"
  expect_refused "CLI: a password failing '$rule' is refused naming the rule" "password: $text" \
    sky user set-password "$ORG" fresh --password "$pw"
  out=$(ldappasswd -x -H "$URL" -D "uid=fresh,$OU" -w 'Fresh-pass-1!' -a 'Fresh-pass-1!' -s "$pw" 2>&1)
  check "Password Modify: a password failing '$rule' is constraintViolation (19) naming the rule" \
    bash -c "grep -qF 'Constraint violation (19)' <<<\"\$1\" && grep -qF 'password: $text' <<<\"\$1\"" _ "$out"
done
check "Password Modify: fresh changes its own password within the policy" \
  test "$(rc_of ldappasswd -x -H "$URL" -D "uid=fresh,$OU" -w 'Fresh-pass-1!' -a 'Fresh-pass-1!' -s 'Second-pass-2!')" = 0
out=$(ldappasswd -x -H "$URL" -D "uid=fresh,$OU" -w 'Second-pass-2!' -a 'Second-pass-2!' -s 'Fresh-pass-1!' 2>&1)
check "Password Modify: reusing one of the last 2 passwords is refused naming the history rule" \
  bash -c "grep -qF 'Constraint violation (19)' <<<\"\$1\" &&
           grep -qF 'password: must differ from the last 2 passwords' <<<\"\$1\"" _ "$out"
out=$(api PUT "/api/systemusers/$FRESH" '{"password":"Second-pass-2!"}')
check "API: reusing the current password is 400 naming the history rule" \
  bash -c "[[ \$1 == 400* && \$1 == *'must differ from the last 2 passwords'* ]]" _ "$out"
expect_refused "CLI: reusing a recent password is refused naming the history rule" \
  "must differ from the last 2 passwords" sky user set-password "$ORG" fresh --password 'Fresh-pass-1!'
check "after all refusals the last accepted password still binds" \
  test "$(rc_of ldapwhoami -x -H "$URL" -D "uid=fresh,$OU" -w 'Second-pass-2!')" = 0

# --- brute force: lockout, automatic unlock, per-address throttling, one answer ----------------
CAROL="uid=carol,$OU"
for i in 1 2 3; do ldapwhoami -x -H "$URL" -D "$CAROL" -w "Guess-$i" >/dev/null 2>&1; done
sleep 0.5
check "after 3 wrong passwords carol is locked: her own password gets invalidCredentials (49)" \
  test "$(rc_of ldapwhoami -x -H "$URL" -D "$CAROL" -w 'Carol-pass-1!')" = 49
api POST /insights/directory/v1/events '{"service":["all"],"start_time":"2000-01-01T00:00:00Z"}' >"$WORK/events"
check "the lockout is an audit event (Directory Insights user_lockout)" \
  bash -c "grep -q '^200 ' '$WORK/events' && grep -q 'user_lockout' '$WORK/events'"
sleep 4
check "after unlock_after_seconds (4 s) she binds again, without an administrator" \
  test "$(rc_of ldapwhoami -x -H "$URL" -D "$CAROL" -w 'Carol-pass-1!')" = 0
check "from one address, 20 failed binds throttle it: even a right password is refused there, \
while other addresses are served" /usr/bin/python3 - "$LDAP_PORT" "$CAROL" "uid=fresh,$OU" <<'PY'
import sys
from ldap3 import Connection, Server
port, carol, fresh = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def bind(dn, pw, source):
    c = Connection(Server("127.0.0.1", port=port), dn, pw, source_address=source)
    ok = c.bind()
    code = c.result["result"]
    c.unbind()
    return ok, code
for i in range(20):
    bind(f"uid=nobody{i},ou=Users,o=x,dc=jumpcloud,dc=com", "guess", "127.0.0.7")
assert bind(fresh, "Second-pass-2!", "127.0.0.7") == (False, 49), "throttled address still binds"
assert bind(fresh, "Second-pass-2!", "127.0.0.8") == (True, 0), "another address is refused"
PY
check "an unknown DN and a wrong password take about the same time (no timing oracle)" \
  /usr/bin/python3 - "$LDAP_PORT" "$OU" <<'PY'
import statistics, subprocess, sys, time
port, ou = sys.argv[1], sys.argv[2]
def timed(dn, pw):
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(["ldapwhoami", "-x", "-H", f"ldap://127.0.0.1:{port}", "-D", dn, "-w", pw],
                       capture_output=True)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)
unknown = timed(f"uid=nobody,{ou}", "Wrong-pass-1!")
wrong = timed(f"uid=stale,{ou}", "Wrong-pass-1!")
print(f"unknown {unknown * 1000:.0f} ms, wrong password {wrong * 1000:.0f} ms")
assert 0.5 < unknown / wrong < 2, (unknown, wrong)
PY
finish
