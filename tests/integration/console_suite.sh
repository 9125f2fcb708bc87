#!/usr/bin/env bash
# The admin console in a real browser (issue 8): one `skydir serve`, an org with an
# administrator made by the `skydir` command, then headless Chromium driven by playwright-core
# (console/console.mjs) through the guides' console steps, checked over LDAP with ldapsearch;
# plus sign-in lockout, session and asset checks with curl. The Applications page provisions
# into a real SCIM 2.0 target (tests/scim/target.mjs) started for the suite. One line per check; ends with
# "N passed, N failed". Screenshots go to $SKYDIR_TEST_OUTPUT (the build tree).
#
# Environment: SKYDIR_BIN, SKYDIR_SOURCE_DIR, SKYDIR_TEST_OUTPUT, CHROMIUM.
set -u
SRC=${SKYDIR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
source "$SRC/tests/integration/lib/harness.sh"

BIN=${SKYDIR_BIN:-build/src/app/skydir}
OUT=${SKYDIR_TEST_OUTPUT:-$PWD/console-output}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
WORK=$(mktemp -d /tmp/skydir-console-suite.XXXXXX)
DATA="$WORK/data"
TARGET_PID=""
cleanup() {
  stop_server
  [[ -n $TARGET_PID ]] && kill "$TARGET_PID" 2>/dev/null && wait "$TARGET_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
unset SKYDIR_CONFIG SKYDIR_DATA_DIR

bail() { fail "$1" "${2:-}"; [[ -f $WORK/server.err ]] && tail -5 "$WORK/server.err"; finish; exit 1; }
[[ -x $BIN ]] || bail "skydir binary not found at $BIN"
[[ -x $CHROMIUM ]] || bail "chromium not found at $CHROMIUM (scripts/install-deps installs it)"
[[ -d $SRC/tests/node_modules/playwright-core ]] || bail "playwright-core missing (scripts/install-deps)"
command -v ldapsearch >/dev/null || bail "ldapsearch not found (install ldap-utils)"
mkdir -p "$OUT"
rm -f "$OUT"/*.png

sky() { "$BIN" --data-dir "$DATA" "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

ADMIN_PASSWORD='Console-Admin-1'
BIND_PASSWORD='Bind-Passw0rd-2024'
LOCKY_PASSWORD='Locky-Passw0rd-1'
LOCKY_NEW_PASSWORD='Locky-Passw0rd-2-longer'
sky --json org create acme >"$WORK/acme.json" || bail "org create acme"
ORG=$(json 'd["id"]' <"$WORK/acme.json")
KEY=$(json 'd["api_key"]' <"$WORK/acme.json" 2>/dev/null || json 'd["apiKey"]' <"$WORK/acme.json")
sky user add "$ORG" admin --email admin@acme.example --first-name Ada --last-name Admin \
  --password "$ADMIN_PASSWORD" >/dev/null || bail "user add admin"
check "skydir user set --admin makes an administrator" sky user set "$ORG" admin --admin
sky user add "$ORG" locky --email locky@acme.example --password "$LOCKY_PASSWORD" --admin \
  >/dev/null || bail "user add locky"
sky user add "$ORG" plain --email plain@acme.example --password "$LOCKY_PASSWORD" >/dev/null ||
  bail "user add plain"

SKYDIR_BIN=$BIN start_full_server "$DATA" "$WORK/server.out" "$WORK/server.err" ||
  bail "server did not start"
URL="http://127.0.0.1:$HTTP_PORT/"
CA="$DATA/tls/ca.pem"

# The console itself, embedded in the binary.
headers=$(curl -sS -D - -o /dev/null "$URL")
check "GET / serves the console as HTML" grep -qi '^content-type: text/html' <<<"$headers"
check "GET / has a Content-Security-Policy without inline script" \
  grep -qi "^content-security-policy: default-src 'none'; script-src 'self';" <<<"$headers"
check "assets are served with their type and an ETag" bash -c \
  "curl -sS -D - -o /dev/null '${URL}assets/app.js' | grep -qi '^content-type: text/javascript' &&
   curl -sS -D - -o /dev/null '${URL}assets/app.css' | grep -qi '^etag: \"'"

signin() {  # signin USER PASSWORD -> HTTP status
  curl -sS -o "$WORK/signin.json" -w '%{http_code}' -X POST "${URL}api/console/session" \
    -H 'Content-Type: application/json' \
    -d "{\"organization\": \"$ORG\", \"username\": \"$1\", \"password\": \"$2\"}"
}
cookie_of() {  # cookie_of URL USER PASSWORD [curl flags]: the Set-Cookie header of a sign-in
  local url=$1 user=$2 password=$3; shift 3
  curl -sS -o /dev/null -D - "$@" -X POST "${url}api/console/session" -H 'Content-Type: application/json' \
    -d "{\"organization\": \"$ORG\", \"username\": \"$user\", \"password\": \"$password\"}" |
    grep -i '^set-cookie:'
}
plain_cookie=$(cookie_of "$URL" admin "$ADMIN_PASSWORD")
check "the session cookie is HttpOnly and SameSite=Strict" \
  bash -c "grep -q 'HttpOnly' <<<'$plain_cookie' && grep -q 'SameSite=Strict' <<<'$plain_cookie'"
check "over plain HTTP the cookie is not Secure" bash -c "! grep -q 'Secure' <<<'$plain_cookie'"
tls_cookie=$(cookie_of "https://localhost:$HTTPS_PORT/" admin "$ADMIN_PASSWORD" --cacert "$CA")
check "over HTTPS the cookie is Secure" grep -q '; Secure' <<<"$tls_cookie"
check "a user without the admin flag cannot sign in" test "$(signin plain "$LOCKY_PASSWORD")" = 401
check "the refusal is JSON with a message" bash -c "python3 -c 'import json; json.load(open(\"$WORK/signin.json\"))[\"message\"]'"

# Failed console sign-ins count toward the account lockout, like failed binds.
curl -sS -o /dev/null -X PUT "${URL}api/organizations/$ORG" -H "x-api-key: $KEY" \
  -H 'Content-Type: application/json' \
  -d '{"settings": {"passwordPolicy": {"maxLoginAttempts": 3, "lockoutTimeInSeconds": 0}}}'
for _ in 1 2 3; do signin locky wrong-password >/dev/null; done
check "after 3 wrong passwords the right one is refused" test "$(signin locky "$LOCKY_PASSWORD")" = 401
locked=$(curl -sS "${URL}api/systemusers?filter=username:\$eq:locky" -H "x-api-key: $KEY" |
  json 'd["results"][0]["account_locked"]')
check "failed console sign-ins locked the account" test "$locked" = True

# The SCIM target the Applications page provisions into.
SCIM_TOKEN='console-scim-token-5d1e'
node "$SRC/tests/scim/target.mjs" --port 0 --token "$SCIM_TOKEN" >"$WORK/target.out" 2>"$WORK/target.err" &
TARGET_PID=$!
for _ in $(seq 1 100); do
  [[ -s $WORK/target.out ]] && break
  kill -0 "$TARGET_PID" 2>/dev/null || bail "SCIM target exited at start" "$(tail -3 "$WORK/target.err")"
  sleep 0.1
done
SCIM_BASE_URL=$(head -1 "$WORK/target.out" | json 'd["base_url"]') || bail "SCIM target did not start"
SCIM_STATE_URL="http://127.0.0.1:$(head -1 "$WORK/target.out" | json 'd["port"]')/_state"

# The browser half.
export SCIM_BASE_URL SCIM_TOKEN SCIM_STATE_URL
export URL ORG OUT ADMIN_USER=admin ADMIN_PASSWORD BIND_USER=svc BIND_PASSWORD LOCKY_NEW_PASSWORD
(cd "$SRC/tests" && node integration/console/console.mjs) >"$WORK/browser.log" 2>"$OUT/browser.err"
while IFS= read -r line; do
  case $line in
    "ok - "*) ok "browser: ${line#ok - }" ;;
    "FAIL - "*) desc=${line#FAIL - }; fail "browser: ${desc%% : *}" "${desc#* : }" ;;
  esac
done <"$WORK/browser.log"
grep -q '^ok - no browser console errors' "$WORK/browser.log" ||
  { grep -q '^FAIL - no browser' "$WORK/browser.log" ||
    fail "browser run finished" "$(tail -5 "$WORK/browser.log" | tr '\n' ' ')"; }

check "the password reset in the console signs in (and the unlock held)" \
  test "$(signin locky "$LOCKY_NEW_PASSWORD")" = 200

# Suspending an administrator ends their open session at its next request.
curl -sS -o /dev/null -c "$WORK/locky.jar" -X POST "${URL}api/console/session" \
  -H 'Content-Type: application/json' \
  -d "{\"organization\": \"$ORG\", \"username\": \"locky\", \"password\": \"$LOCKY_NEW_PASSWORD\"}"
as_locky() { curl -sS -o /dev/null -w '%{http_code}' -b "$WORK/locky.jar" "${URL}api/systemusers?limit=1"; }
check "a signed-in administrator's cookie reads the API" test "$(as_locky)" = 200
locky_id=$(curl -sS "${URL}api/systemusers?filter=username:\$eq:locky" -H "x-api-key: $KEY" |
  json 'd["results"][0]["_id"]')
curl -sS -o /dev/null -X PUT "${URL}api/systemusers/$locky_id" -H "x-api-key: $KEY" \
  -H 'Content-Type: application/json' -d '{"suspended": true}'
check "suspending the administrator ends the session" test "$(as_locky)" = 401

# What the administrator did in the browser is served over LDAP.
BASE="ou=Users,o=$ORG,dc=jumpcloud,dc=com"
ldap() { LDAPTLS_CACERT="$CA" ldapsearch -x -LLL -H "ldaps://127.0.0.1:$LDAPS_PORT" \
  -D "uid=svc,$BASE" -w "$BIND_PASSWORD" -b "$BASE" "$@"; }
group=$(ldap '(cn=Engineers)' member 2>&1)
check "ldapsearch: the group made in the console is served" grep -q "^dn: cn=Engineers,$BASE" <<<"$group"
check "ldapsearch: the user added in the console is its member" grep -q "^member: uid=svc,$BASE" <<<"$group"
user=$(ldap '(uid=svc)' givenName sn mail description memberOf 2>&1)
check "ldapsearch: the Bind DN user binds and is served with its fields" \
  bash -c "grep -q '^mail: svc@acme.example' <<<'$user' && grep -q '^description: Service account for Infisical' <<<'$user'"
check "ldapsearch: memberOf names the group" grep -q "^memberOf: cn=Engineers,$BASE" <<<"$user"

# Sign-in and sign-out are audited.
events=$(curl -sS -X POST "${URL}insights/directory/v1/events" -H "x-api-key: $KEY" \
  -H 'Content-Type: application/json' \
  -d '{"service": ["directory"], "start_time": "2000-01-01T00:00:00Z", "limit": 1000}')
check "sign-ins, failed sign-ins and sign-outs are audit events" python3 -c "
import json, sys
e = json.loads(sys.argv[1])
kinds = {(x['event_type'], x['success']) for x in e}
assert ('admin_login_attempt', True) in kinds and ('admin_login_attempt', False) in kinds, kinds
assert ('admin_logout', True) in kinds, kinds
changes = [x for x in e if x['event_type'] == 'group_create']
assert changes and changes[0]['initiated_by'] == {'type': 'user', 'id': 'admin'}, changes
" "$events"
cookie=$(json 'd["sessionCookie"]' <"$OUT/state.json" 2>/dev/null)
check "the server's logs hold no session id" bash -c \
  "test -n '$cookie' && ! grep -q '$cookie' '$WORK/server.err' '$WORK/server.out'"
rm -f "$OUT/state.json"

ls "$OUT"/*.png >/dev/null 2>&1 && echo "# screenshots in $OUT"
finish
