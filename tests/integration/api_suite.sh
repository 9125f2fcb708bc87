#!/usr/bin/env bash
# End-to-end suite for the admin REST API: one real `skydir serve` on free ports with a
# temporary data directory, driven with curl and Python's standard library (urllib, http.client)
# the way JumpCloud's API documentation shows, and checked over LDAP with ldapsearch.
# One line per check; ends with "N passed, N failed"; exits non-zero on any failure.
#
# Environment: SKYDIR_BIN (default build/src/app/skydir), SKYDIR_SOURCE_DIR.
set -u
source "${SKYDIR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/harness.sh"

BIN=${SKYDIR_BIN:-build/src/app/skydir}
WORK=$(mktemp -d /tmp/skydir-api-suite.XXXXXX)
DATA="$WORK/data"
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
unset SKYDIR_CONFIG SKYDIR_DATA_DIR

bail() {
  echo "FAIL - $1"
  [[ -f $WORK/server.err ]] && tail -5 "$WORK/server.err" | sed 's/^/    server: /'
  echo "0 passed, 1 failed"
  exit 1
}

[[ -x $BIN ]] || bail "skydir binary not found at $BIN"
command -v ldapsearch >/dev/null || bail "ldapsearch not found (install ldap-utils)"
command -v curl >/dev/null || bail "curl not found"

sky() { "$BIN" --data-dir "$DATA" "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Two orgs and an operator key, made the way an operator would, before the server starts.
sky --json org create acme >"$WORK/acme.json" || bail "org create acme"
sky --json org create globex >"$WORK/globex.json" || bail "org create globex"
sky --json apikey create --operator ops >"$WORK/ops.json" || bail "apikey create --operator"

# A low rate limit so that 429 is reachable; the main flow stays far below it.
export SKYDIR_HTTP_RATE_LIMIT_PER_SECOND=150
export SKYDIR_HTTP_RATE_LIMIT_BURST=150
export SKYDIR_HTTP_MAX_BODY_BYTES=65536
# Started directly (not through `sky`) so that $! is the server itself, for the SIGTERM check.
SKYDIR_BIN=$BIN start_full_server "$DATA" "$WORK/server.out" "$WORK/server.err" ||
  bail "server did not start"

export SUITE_DATA="$DATA" SUITE_WORK="$WORK" SERVER_PID LDAP_PORT LDAPS_PORT HTTP_PORT HTTPS_PORT
export ACME_JSON="$WORK/acme.json" GLOBEX_JSON="$WORK/globex.json" OPS_JSON="$WORK/ops.json"
python3 - <<'PY'
import http.client
import json
import os
import signal
import ssl
import subprocess
import time

DATA = os.environ["SUITE_DATA"]
WORK = os.environ["SUITE_WORK"]
HTTP_PORT = int(os.environ["HTTP_PORT"])
HTTPS_PORT = int(os.environ["HTTPS_PORT"])
LDAPS_PORT = int(os.environ["LDAPS_PORT"])
SERVER_PID = int(os.environ["SERVER_PID"])
CA = os.path.join(DATA, "tls", "ca.pem")
SUFFIX = "dc=jumpcloud,dc=com"
acme = json.load(open(os.environ["ACME_JSON"]))
globex = json.load(open(os.environ["GLOBEX_JSON"]))
OPS_KEY = json.load(open(os.environ["OPS_JSON"]))["api_key"]
ORG, KEY = acme["id"], acme["api_key"]
ORG2, KEY2 = globex["id"], globex["api_key"]
passed = failed = 0


def check(desc, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {desc}")
    else:
        failed += 1
        print(f"FAIL - {desc}")
        if detail:
            print(f"    {str(detail)[:400]}")


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.text = status, headers, body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return f"{self.status} {self.text[:300]}"


def request(method, path, body=None, key=KEY, org=None, headers=None, raw=None,
            ctype="application/json", tls=False, conn=None):
    """One request; a JSON body from `body`, or bytes from `raw`."""
    h = {"Accept": "application/json"}
    if key:
        h["x-api-key"] = key
    if org:
        h["x-org-id"] = org
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None and ctype:
        h["Content-Type"] = ctype
    h.update(headers or {})
    own = conn is None
    if own:
        if tls:
            ctx = ssl.create_default_context(cafile=CA)
            conn = http.client.HTTPSConnection("localhost", HTTPS_PORT, context=ctx, timeout=10)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        text = r.read().decode(errors="replace")
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, text)
    except (ConnectionError, http.client.HTTPException) as e:
        return Answer(0, {}, f"connection error: {e}")
    finally:
        if own:
            conn.close()


def is_error(a, status, field=None):
    """A JSON error body {"message", "error"} with `status`, naming `field` if given."""
    if a.status != status or not isinstance(a.json, dict):
        return False
    if not isinstance(a.json.get("message"), str) or not isinstance(a.json.get("error"), str):
        return False
    return field is None or a.json["message"].startswith(field)


def user_dn(org, username):
    return f"uid={username},ou=Users,o={org},{SUFFIX}"


def ldapsearch(bind_dn, password, base, filt, *attrs):
    env = dict(os.environ, LDAPTLS_CACERT=CA)
    p = subprocess.run(["ldapsearch", "-LLL", "-x", "-o", "ldif-wrap=no",
                        "-H", f"ldaps://localhost:{LDAPS_PORT}", "-D", bind_dn, "-w", password,
                        "-b", base, filt, *attrs], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout + p.stderr


def ldap_within(desc, predicate, bind, *search, limit=1.0):
    """Polls ldapsearch until predicate(output) holds; passes when that happens within `limit`
    seconds of the API answer (the API publishes before answering, so the first try should)."""
    start = time.monotonic()
    out = ""
    while True:
        rc, out = ldapsearch(bind[0], bind[1], *search)
        if rc == 0 and predicate(out):
            took = time.monotonic() - start
            check(f"{desc} (visible over LDAP after {took:.3f} s)", took <= limit, out)
            return
        if time.monotonic() - start > limit + 2:
            check(desc + " (never visible over LDAP)", False, out)
            return
        time.sleep(0.05)


# --- basics --------------------------------------------------------------------------------
a = request("GET", "/healthz", key=None)
check("GET /healthz is 200 ok", a.status == 200 and a.text.strip() == "ok", a)
a = request("GET", "/readyz", key=None)
check("GET /readyz is 200", a.status == 200, a)
a = request("GET", "/api/openapi.json", key=None)
check("GET /api/openapi.json is an OpenAPI 3 document",
      a.status == 200 and a.json["openapi"].startswith("3.") and "/api/systemusers" in a.json["paths"], a)
a = request("GET", "/api/organizations")
check("GET /api/organizations answers the caller's org with its id",
      a.status == 200 and a.json["totalCount"] == 1 and a.json["results"][0]["id"] == ORG, a)
a = request("GET", "/api/v2/ldapservers")
check("GET /api/v2/ldapservers lists one LDAP server with x-total-count",
      a.status == 200 and len(a.json) == 1 and a.header("x-total-count") == "1", a)
LDAP_ID = a.json[0]["id"] if a.status == 200 else "none"

# --- the life of a binding user, a user and a group, as JumpCloud's docs show ---------------
BIND_PW = "Bind-Passw0rd-2024"
a = request("POST", "/api/systemusers", {
    "username": "ldapbind", "email": "ldapbind@acme.example", "firstname": "LDAP",
    "lastname": "Bind", "password": BIND_PW, "ldap_binding_user": True})
check("POST /api/systemusers creates a binding user (activated, ldap_binding_user)",
      a.status == 200 and a.json["activated"] is True and a.json["ldap_binding_user"] is True
      and a.json["_id"] == a.json["id"] and "password" not in a.json, a)
BINDER = a.json["id"] if a.status == 200 else "none"
a = request("POST", f"/api/v2/ldapservers/{LDAP_ID}/associations",
            {"op": "add", "type": "user", "id": BINDER})
check("POST ldapservers/{id}/associations connects the binding user (204)", a.status == 204, a)
BIND = (user_dn(ORG, "ldapbind"), BIND_PW)
ldap_within("the binding user can bind and search its org",
            lambda out: "uid=ldapbind," in out, BIND, f"o={ORG},{SUFFIX}", "(uid=ldapbind)", "uid")

JDOE_PW = "J0hn-Doe-Password"
a = request("POST", "/api/systemusers", {
    "username": "jdoe", "email": "jdoe@acme.example", "firstname": "John", "lastname": "Doe",
    "password": JDOE_PW, "jobTitle": "Engineer", "department": "R&D",
    "employeeIdentifier": "E-1001", "description": "first hire",
    "phoneNumbers": [{"type": "work", "number": "+1 555 0100"}]})
check("POST /api/systemusers with a password creates an activated user",
      a.status == 200 and a.json["activated"] is True and a.json["state"] == "ACTIVATED"
      and a.json["displayname"] == "John Doe" and a.json["jobTitle"] == "Engineer"
      and a.json["phoneNumbers"] == [{"type": "work", "number": "+1 555 0100"}]
      and a.json["unix_uid"] > 0 and a.json["created"].endswith("Z"), a)
JDOE = a.json["id"] if a.status == 200 else "none"
a = request("POST", "/api/systemusers", {"username": "staged1", "email": "staged1@acme.example"})
check("POST /api/systemusers without a password creates a staged user",
      a.status == 200 and a.json["activated"] is False and a.json["state"] == "STAGED", a)
STAGED = a.json["id"] if a.status == 200 else "none"

a = request("POST", "/api/v2/usergroups", {"name": "engineering", "description": "Engineers"})
check("POST /api/v2/usergroups creates a group (201, type user_group, posix gid)",
      a.status == 201 and a.json["type"] == "user_group" and a.json["name"] == "engineering"
      and a.json["attributes"]["posixGroups"][0]["id"] > 0, a)
GROUP = a.json["id"] if a.status == 201 else "none"
a = request("POST", f"/api/v2/usergroups/{GROUP}/members", {"op": "add", "type": "user", "id": JDOE})
check("POST usergroups/{id}/members adds a user (204)", a.status == 204, a)
a = request("POST", f"/api/v2/ldapservers/{LDAP_ID}/associations",
            {"op": "add", "type": "user_group", "id": GROUP})
check("POST ldapservers/{id}/associations connects the group (204)", a.status == 204, a)
ldap_within("a user of a connected group appears in LDAP",
            lambda out: "uid=jdoe," in out and "title: Engineer" in out, BIND,
            f"o={ORG},{SUFFIX}", "(uid=jdoe)", "uid", "title", "memberOf")
ldap_within("the connected group appears in LDAP with its member",
            lambda out: "cn=engineering," in out and f"member: {user_dn(ORG, 'jdoe')}" in out,
            BIND, f"o={ORG},{SUFFIX}", "(cn=engineering)", "member")
rc, out = ldapsearch(user_dn(ORG, "jdoe"), JDOE_PW, f"o={ORG},{SUFFIX}", "(uid=jdoe)")
check("the API-created user binds over LDAPS with its password", rc == 0, out)

a = request("GET", f"/api/v2/usergroups/{GROUP}/members")
check("GET usergroups/{id}/members lists the user as a graph connection",
      a.status == 200 and a.json == [{"attributes": {}, "to": {"attributes": {}, "id": JDOE, "type": "user"}}]
      and a.header("x-total-count") == "1", a)
a = request("POST", "/api/v2/usergroups", {"name": "all-staff"})
PARENT = a.json["id"] if a.status == 201 else "none"
a = request("POST", f"/api/v2/usergroups/{PARENT}/members", {"op": "add", "type": "user_group", "id": GROUP})
check("a group can be nested in another group (204)", a.status == 204, a)
a = request("GET", f"/api/v2/usergroups/{PARENT}/membership")
check("GET usergroups/{id}/membership resolves nested groups",
      a.status == 200 and [m["id"] for m in a.json] == [JDOE] and len(a.json[0]["paths"][0]) == 2, a)
a = request("GET", f"/api/v2/users/{JDOE}/memberof")
check("GET users/{id}/memberof lists direct and nested groups",
      a.status == 200 and sorted(m["id"] for m in a.json) == sorted([GROUP, PARENT]), a)
a = request("GET", f"/api/v2/users/{BINDER}/associations?targets=ldap_server")
check("GET users/{id}/associations?targets=ldap_server shows a direct association",
      a.status == 200 and a.json[0]["to"] == {"attributes": {}, "id": LDAP_ID, "type": "ldap_server"}, a)
a = request("GET", f"/api/v2/usergroups/{GROUP}/associations?targets=ldap_server")
check("GET usergroups/{id}/associations?targets=ldap_server shows the group's association",
      a.status == 200 and len(a.json) == 1, a)
a = request("GET", f"/api/v2/ldapservers/{LDAP_ID}/associations?targets=user")
check("GET ldapservers/{id}/associations?targets=user lists the binding user",
      a.status == 200 and [x["to"]["id"] for x in a.json] == [BINDER], a)

a = request("GET", "/api/systemusers?filter=username:$eq:jdoe")
check("GET /api/systemusers?filter=username:$eq:jdoe finds one user",
      a.status == 200 and a.json["totalCount"] == 1 and a.json["results"][0]["id"] == JDOE, a)
a = request("GET", "/api/systemusers?sort=-username&limit=2&skip=0&fields=username%20email")
check("GET /api/systemusers with sort, limit and fields",
      a.status == 200 and a.json["totalCount"] == 3
      and [u["username"] for u in a.json["results"]] == ["staged1", "ldapbind"]
      and set(a.json["results"][0]) == {"_id", "id", "username", "email"}, a)
a = request("GET", "/api/v2/usergroups?filter=name:eq:engineering")
check("GET /api/v2/usergroups?filter=name:eq:engineering",
      a.status == 200 and [g["id"] for g in a.json] == [GROUP] and a.header("x-total-count") == "1", a)

a = request("PUT", f"/api/systemusers/{JDOE}", {"jobTitle": "Staff Engineer"})
check("PUT /api/systemusers/{id} changes only the fields it names",
      a.status == 200 and a.json["jobTitle"] == "Staff Engineer" and a.json["firstname"] == "John"
      and a.json["department"] == "R&D", a)
ldap_within("the change is visible over LDAP", lambda out: "title: Staff Engineer" in out, BIND,
            f"o={ORG},{SUFFIX}", "(uid=jdoe)", "title")
a = request("PUT", f"/api/systemusers/{JDOE}", {"suspended": True})
check("PUT suspended:true suspends", a.status == 200 and a.json["suspended"] is True, a)
ldap_within("a suspended user leaves LDAP", lambda out: "uid=jdoe," not in out, BIND,
            f"o={ORG},{SUFFIX}", "(uid=jdoe)", "uid")
a = request("PUT", f"/api/systemusers/{JDOE}", {"suspended": False})
check("PUT suspended:false reactivates", a.status == 200 and a.json["state"] == "ACTIVATED", a)
a = request("PUT", f"/api/systemusers/{STAGED}", {"password": "Staged-Passw0rd!"})
check("PUT with a password activates a staged user",
      a.status == 200 and a.json["activated"] is True, a)
a = request("PUT", f"/api/systemusers/{JDOE}", {"jobTitle": "Refused Title", "password": "x"})
b = request("GET", f"/api/systemusers/{JDOE}")
check("PUT with a password the policy refuses is a 400 and changes nothing",
      is_error(a, 400, "password") and b.json.get("jobTitle") != "Refused Title", a)
a = request("GET", f"/api/systemusers/{JDOE}")
check("GET /api/systemusers/{id}", a.status == 200 and a.json["username"] == "jdoe", a)

a = request("PATCH", f"/api/v2/ldapservers/{LDAP_ID}",
            {"userLockoutAction": "remove", "userPasswordExpirationAction": "disable"})
check("PATCH /api/v2/ldapservers/{id} sets userLockoutAction",
      a.status == 200 and a.json["userLockoutAction"] == "remove", a)
a = request("GET", f"/api/v2/ldapservers/{LDAP_ID}")
check("GET /api/v2/ldapservers/{id} shows the new setting",
      a.status == 200 and a.json["userLockoutAction"] == "remove"
      and a.json["userPasswordExpirationAction"] == "disable", a)

a = request("PATCH", f"/api/v2/usergroups/{GROUP}", {"description": "Builders"})
check("PATCH /api/v2/usergroups/{id} changes the description",
      a.status == 200 and a.json["description"] == "Builders" and a.json["name"] == "engineering", a)
a = request("PUT", f"/api/v2/usergroups/{GROUP}", {"name": "eng"})
check("PUT /api/v2/usergroups/{id} replaces name and description",
      a.status == 200 and a.json["name"] == "eng" and a.json["description"] == "", a)
a = request("GET", f"/api/v2/usergroups/{GROUP}")
check("GET /api/v2/usergroups/{id}", a.status == 200 and a.json["name"] == "eng", a)
a = request("POST", f"/api/v2/usergroups/{GROUP}/members", {"op": "remove", "type": "user", "id": JDOE})
check("POST members op:remove (204)", a.status == 204, a)
ldap_within("a removed member (no other association) leaves LDAP",
            lambda out: "uid=jdoe," not in out, BIND, f"o={ORG},{SUFFIX}", "(uid=jdoe)", "uid")
a = request("DELETE", f"/api/v2/usergroups/{GROUP}")
check("DELETE /api/v2/usergroups/{id}", a.status == 200 and a.json["id"] == GROUP, a)
ldap_within("a deleted group leaves LDAP", lambda out: "cn=eng," not in out, BIND,
            f"o={ORG},{SUFFIX}", "(objectClass=groupOfNames)", "cn")
a = request("GET", f"/api/v2/usergroups/{GROUP}")
check("a deleted group is 404", is_error(a, 404), a)
a = request("DELETE", f"/api/systemusers/{JDOE}")
check("DELETE /api/systemusers/{id} answers the deleted user", a.status == 200 and a.json["id"] == JDOE, a)
a = request("GET", f"/api/systemusers/{JDOE}")
check("a deleted user is 404", is_error(a, 404), a)

# --- API keys -------------------------------------------------------------------------------
a = request("POST", "/api/v2/apikeys", {"name": "reporting", "role": "read-only"})
check("POST /api/v2/apikeys shows the secret once (201)",
      a.status == 201 and a.json["secret"].startswith("sk_") and a.json["role"] == "read-only", a)
RO_KEY, RO_ID = (a.json["secret"], a.json["id"]) if a.status == 201 else ("x", "x")
a = request("GET", "/api/v2/apikeys")
check("GET /api/v2/apikeys lists keys without secrets",
      a.status == 200 and RO_ID in [k["id"] for k in a.json]
      and all("secret" not in k and "secret_hash" not in k for k in a.json), a)
check("a read-only key may GET", request("GET", "/api/systemusers", key=RO_KEY).status == 200)
a = request("POST", "/api/v2/usergroups", {"name": "ro"}, key=RO_KEY)
check("a read-only key may not write (403)", is_error(a, 403), a)
a = request("DELETE", f"/api/v2/apikeys/{RO_ID}")
check("DELETE /api/v2/apikeys/{id} revokes (204)", a.status == 204, a)
a = request("GET", "/api/systemusers", key=RO_KEY)
check("a revoked key is refused at once (401)", is_error(a, 401), a)

# --- every error status ---------------------------------------------------------------------
a = request("POST", "/api/systemusers", {"username": "x1", "email": "x1@acme.example", "nickname": "n"})
check("400 names an unknown field", is_error(a, 400, "nickname"), a)
a = request("POST", "/api/systemusers", {"username": 5, "email": "x@y.z"})
check("400 names a field of the wrong type", is_error(a, 400, "username"), a)
a = request("POST", "/api/systemusers", {"username": "x2", "email": "not-an-email"})
check("400 names an invalid field value", is_error(a, 400, "email"), a)
a = request("POST", "/api/v2/usergroups", {"name": "g", "attributes": {"posixGroups": [{"id": "x"}]}})
check("400 names a nested field", is_error(a, 400, "attributes.posixGroups[0].id"), a)
a = request("GET", "/api/systemusers?limit=101")
check("400 for limit above 100", is_error(a, 400, "limit"), a)
a = request("GET", f"/api/v2/ldapservers/{LDAP_ID}/associations")
check("400 for a missing targets parameter", is_error(a, 400, "targets"), a)
a = request("POST", "/api/systemusers", raw=b"{not json")
check("400 for a malformed JSON body", is_error(a, 400, "body"), a)
a = request("GET", "/api/systemusers", key=None)
check("401 without x-api-key", is_error(a, 401), a)
a = request("GET", "/api/systemusers", key="sk_" + "0" * 24 + "_" + "0" * 64)
check("401 with a wrong key", is_error(a, 401), a)
a = request("GET", "/api/systemusers", org=ORG2)
check("403 for an org key naming another org in x-org-id", is_error(a, 403, "x-org-id"), a)
a = request("GET", "/api/systemusers", org=ORG)
check("an org key naming its own org is fine", a.status == 200, a)
a = request("GET", "/api/systemusers", key=OPS_KEY)
check("400 for an operator key without x-org-id", is_error(a, 400, "x-org-id"), a)
a = request("GET", "/api/systemusers", key=OPS_KEY, org=ORG)
check("an operator key acts on the org named by x-org-id",
      a.status == 200 and a.json["totalCount"] == 2, a)
a = request("GET", "/api/nothing")
check("404 for an unknown path", is_error(a, 404), a)
a = request("DELETE", "/api/systemusers")
check("405 with Allow for a wrong method",
      is_error(a, 405) and a.header("allow") == "GET, POST", a)
a = request("POST", "/api/systemusers", {"username": "ldapbind", "email": "other@acme.example"})
check("409 for a duplicate username", is_error(a, 409, "username"), a)
a = request("POST", "/api/v2/usergroups", {"name": "all-staff"})
check("409 for a duplicate group name", is_error(a, 409, "name"), a)
big = json.dumps({"description": "x" * 100000}).encode()
a = request("POST", "/api/systemusers", raw=big)
check("413 for a body over http.max_body_bytes", is_error(a, 413), a)
a = request("POST", "/api/systemusers", raw=b"username=x", ctype="application/x-www-form-urlencoded")
check("415 for a non-JSON body", is_error(a, 415), a)
a = request("GET", "/api/systemusers", headers={"X-Filler": "y" * 20000})
check("431 for headers over http.max_header_bytes", is_error(a, 431), a)

a = request("POST", "/api/v2/apikeys", {"name": "burst"})
BURST_KEY = a.json["secret"] if a.status == 201 else "x"
conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
limited = None
for i in range(600):
    r = request("GET", "/api/v2/ldapservers", key=BURST_KEY, conn=conn)
    if r.status == 429:
        limited = r
        break
conn.close()
check("429 with Retry-After when a key exceeds its rate limit",
      limited is not None and is_error(limited, 429)
      and int(limited.header("retry-after") or "0") >= 1, limited)
a = request("GET", "/api/v2/ldapservers")
check("the rate limit is per key", a.status == 200, a)

# --- two orgs never see each other ----------------------------------------------------------
a = request("GET", "/api/systemusers", key=KEY2)
check("another org lists none of acme's users", a.status == 200 and a.json["totalCount"] == 0, a)
a = request("GET", f"/api/systemusers/{BINDER}", key=KEY2)
check("another org gets 404 for acme's user id", is_error(a, 404), a)
a = request("PUT", f"/api/systemusers/{BINDER}", {"jobTitle": "pwned"}, key=KEY2)
check("another org cannot change acme's user (404)", is_error(a, 404), a)
a = request("DELETE", f"/api/systemusers/{BINDER}", key=KEY2)
check("another org cannot delete acme's user (404)", is_error(a, 404), a)
a = request("GET", f"/api/v2/usergroups/{PARENT}", key=KEY2)
check("another org gets 404 for acme's group id", is_error(a, 404), a)
a = request("GET", f"/api/v2/ldapservers/{LDAP_ID}", key=KEY2)
check("another org gets 404 for acme's LDAP server", is_error(a, 404), a)
a = request("POST", "/api/v2/usergroups", {"name": "globex-team"}, key=KEY2)
G2 = a.json["id"] if a.status == 201 else "none"
a = request("POST", f"/api/v2/usergroups/{G2}/members", {"op": "add", "type": "user", "id": BINDER}, key=KEY2)
check("another org cannot add acme's user to its group (404)", is_error(a, 404), a)
a = request("GET", "/api/v2/usergroups", key=KEY2)
check("each org lists only its own groups",
      a.status == 200 and [g["name"] for g in a.json] == ["globex-team"], a)
a = request("GET", "/api/organizations", key=KEY2)
check("each org sees only itself in /api/organizations",
      a.status == 200 and [o["id"] for o in a.json["results"]] == [ORG2], a)
rc, out = ldapsearch(BIND[0], BIND[1], f"o={ORG2},{SUFFIX}", "(objectClass=*)")
check("acme's binding user finds nothing of globex over LDAP", "dn:" not in out, out)

# --- transport ------------------------------------------------------------------------------
a = request("GET", "/api/systemusers", tls=True)
check("HTTPS with the LDAPS certificate", a.status == 200 and a.json["totalCount"] == 2, a)
conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
first = request("GET", "/api/organizations", conn=conn)
sock = conn.sock
second = request("GET", "/api/organizations", conn=conn)
check("keep-alive: two requests on one connection",
      first.status == 200 and second.status == 200 and conn.sock is sock and sock is not None)
conn.close()
curl = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"x-api-key: {KEY}",
                       f"http://127.0.0.1:{HTTP_PORT}/api/v2/usergroups"], capture_output=True, text=True)
check("curl GET /api/v2/usergroups", curl.stdout == "200", curl.stdout + curl.stderr)
a = request("GET", "/metrics", key=None)
check("GET /metrics counts requests by route pattern and status, without user data",
      a.status == 200 and 'route="/api/systemusers/{id}",status="404"' in a.text
      and "skydir_http_request_duration_seconds_bucket" in a.text
      and "skydir_http_open_connections" in a.text
      and JDOE not in a.text and "jdoe" not in a.text, a)
check("GET /metrics has LDAP operations, binds, snapshot sizes and store transaction latency",
      'skydir_ldap_operations_total{op="search",result="success"}' in a.text
      and 'skydir_ldap_binds_total{outcome="success"}' in a.text
      and "skydir_ldap_operation_duration_seconds_bucket" in a.text
      and "skydir_ldap_connections_open" in a.text
      and "skydir_snapshot_entries" in a.text and "skydir_snapshot_largest_org_entries" in a.text
      and 'skydir_store_transaction_seconds_bucket{outcome="commit"' in a.text
      and ORG not in a.text, a)
log = open(os.path.join(WORK, "server.err")).read()
check("API keys never appear in the server log",
      KEY not in log and OPS_KEY not in log and RO_KEY not in log and BURST_KEY not in log)

# --- audit events (Directory Insights) -------------------------------------------------------
KEY_ID = KEY.split("_")[1]
ldapsearch(BIND[0], "not-the-password", f"o={ORG},{SUFFIX}", "(uid=jdoe)")
a = request("POST", "/insights/directory/v1/events",
            {"service": ["directory"], "start_time": "2020-01-01T00:00:00Z", "limit": 1000})
created = [e for e in (a.json or []) if e.get("event_type") == "user_create"
           and e["resource"]["id"] == JDOE]
check("insights: the API's user_create names the key and the client address",
      a.status == 200 and len(created) == 1 and created[0]["initiated_by"] ==
      {"type": "api_key", "id": KEY_ID} and created[0]["client_ip"] == "127.0.0.1", a)
updates = [e for e in (a.json or []) if e.get("event_type") == "user_update"
           and e["resource"]["id"] == JDOE]
check("insights: updates carry the changed fields, old and new",
      any("changes" in e["detail"] and e["detail"]["changes"] for e in updates), a)
a = request("POST", "/insights/directory/v1/events",
            {"service": ["ldap"], "start_time": "2020-01-01T00:00:00Z",
             "search_term": {"and": {"event_type": "ldap_bind", "success": False}}})
check("insights: a failed LDAP bind is recorded with its reason and client address",
      a.status == 200 and any(e["detail"].get("outcome") == "wrong password"
                              and e["client_ip"] == "127.0.0.1" for e in a.json), a)
check("insights: no password or key appears in any event", KEY not in a.text
      and JDOE_PW not in a.text and "argon2" not in a.text, a)
a = request("POST", "/insights/directory/v1/events",
            {"service": ["all"], "start_time": "2020-01-01T00:00:00Z", "limit": 2})
after = a.header("x-search_after")
b = request("POST", "/insights/directory/v1/events",
            {"service": ["all"], "start_time": "2020-01-01T00:00:00Z", "limit": 2,
             "search_after": json.loads(after or "[0]")})
check("insights: pages follow X-Search_after without overlap",
      a.status == 200 and b.status == 200 and len(a.json) == 2 and len(b.json) == 2
      and not {e["id"] for e in a.json} & {e["id"] for e in b.json}, b)
a = request("POST", "/insights/directory/v1/events", {"service": ["all"]})
check("insights: a missing start_time is a 400 naming it", is_error(a, 400, "start_time"), a)
other = request("POST", "/insights/directory/v1/events",
                {"service": ["all"], "start_time": "2020-01-01T00:00:00Z", "limit": 10000},
                key=KEY2)
check("insights: an org sees only its own events",
      other.status == 200 and other.json and all(e["organization"] == ORG2 for e in other.json),
      other)

# --- graceful shutdown ----------------------------------------------------------------------
idle = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
request("GET", "/healthz", key=None, conn=idle)  # an idle keep-alive connection stays open
start = time.monotonic()
os.kill(SERVER_PID, signal.SIGTERM)
stopped = False
while time.monotonic() - start < 10:
    try:
        os.kill(SERVER_PID, 0)
    except ProcessLookupError:
        stopped = True
        break
    try:
        if open(f"/proc/{SERVER_PID}/stat").read().split()[2] == "Z":
            stopped = True
            break
    except OSError:
        stopped = True
        break
    time.sleep(0.05)
took = time.monotonic() - start
check(f"SIGTERM stops the server promptly with an idle keep-alive connection open ({took:.2f} s)",
      stopped and took < 5)
idle.close()

print(f"{passed} passed, {failed} failed")
raise SystemExit(1 if failed else 0)
PY
