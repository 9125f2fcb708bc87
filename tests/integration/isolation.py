"""The tenant isolation matrix (isolation_suite.sh sets up orgs alpha and beta, each with svc
(LDAP binding user), alice (member of group staff) and bob, all connected to LDAP; passwords
"<Org>-<user>-pass-1"). Every check runs in both directions.
Usage: isolation.py LDAP_PORT HTTP_PORT ALPHA_JSON BETA_JSON
"""
import http.client
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ldap_wire import Checks  # noqa: E402
from skyapi import Api, ldapsearch  # noqa: E402

LDAP_PORT, HTTP_PORT = int(sys.argv[1]), int(sys.argv[2])
URL = f"ldap://127.0.0.1:{LDAP_PORT}"
SUFFIX = "dc=jumpcloud,dc=com"
NO_SUCH_ID = "0123456789abcdef01234567"
report = Checks()


class Org:
    def __init__(self, path, cap):
        data = json.load(open(path))
        self.id, self.key, self.cap = data["id"], data["api_key"], cap
        self.api = Api(HTTP_PORT, self.key)
        self.base = f"o={self.id},{SUFFIX}"
        self.users_ou = f"ou=Users,{self.base}"

    def dn(self, name):
        return f"uid={name},{self.users_ou}"

    def pw(self, name):
        return f"{self.cap}-{name}-pass-1"

    def load_ids(self):
        users = {u["username"]: u["id"] for u in self.api.all_users()}
        self.svc, self.alice, self.bob = users["svc"], users["alice"], users["bob"]
        self.staff = next(g["id"] for g in self.api("GET", "/api/v2/usergroups").json
                          if g["name"] == "staff")
        self.ldap = self.api("GET", "/api/v2/ldapservers").json[0]["id"]
        self.key_id = next(k["id"] for k in self.api("GET", "/api/v2/apikeys").json)


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


alpha, beta = Org(sys.argv[3], "Alpha"), Org(sys.argv[4], "Beta")
alpha.load_ids()
beta.load_ids()
report(alpha.id != beta.id and alpha.alice != beta.alice,
       "two orgs with the same usernames and group names, distinct ids")

for me, other in ((alpha, beta), (beta, alpha)):
    tag = f"[{me.cap} on {other.cap}]"
    svc = (me.dn("svc"), me.pw("svc"))

    # --- binds ---------------------------------------------------------------------------------
    rc, _ = run("ldapwhoami", "-x", "-H", URL, "-D", me.dn("alice"), "-w", me.pw("alice"))
    report(rc == 0, f"{tag} alice binds with her own org's password")
    rc, _ = run("ldapwhoami", "-x", "-H", URL, "-D", me.dn("alice"), "-w", other.pw("alice"))
    report(rc == 49, f"{tag} the other org's alice password does not bind this org's alice", rc)
    rc, out = run("ldapwhoami", "-x", "-H", URL, "-D", me.dn("svc"), "-w", me.pw("svc"))
    report(rc == 0 and out.strip() == f"dn:{me.dn('svc')}",
           f"{tag} who am I names this org's entry", out)

    # --- searches from every base --------------------------------------------------------------
    rc, entries = ldapsearch(LDAP_PORT, *svc, "", "(objectClass=*)", ["+", "*"], scope="base")
    text = json.dumps(entries)
    report(rc == 0 and list(entries) == [""] and other.id not in text,
           f"{tag} the root DSE names no org", text[:200])
    rc, entries = ldapsearch(LDAP_PORT, *svc, SUFFIX, "(objectClass=*)", ["*", "+"])
    leaked = [dn for dn in entries if other.id in dn or other.cap in json.dumps(entries[dn])]
    report(not leaked, f"{tag} a subtree search from the suffix shows nothing of the other org",
           leaked[:3])
    rc, entries = ldapsearch(LDAP_PORT, *svc, me.base, "(objectClass=*)", ["*", "+"])
    names = sorted(e["uid"][0] for e in entries.values() if "uid" in e)
    report(rc == 0 and names == ["alice", "bob", "svc"] and
           all(dn.endswith(me.base) for dn in entries),
           f"{tag} a subtree search from o= finds this org's three users only", names)
    for base in (other.base, other.users_ou, other.dn("alice"), other.dn("svc"),
                 f"cn=staff,{other.users_ou}"):
        for scope in ("base", "sub"):
            rc, entries = ldapsearch(LDAP_PORT, *svc, base, "(objectClass=*)", scope=scope)
            report(rc == 32 and not entries,
                   f"{tag} search of the other org's {base.split(',')[0]} ({scope}) is "
                   "noSuchObject (32)", f"rc={rc} {list(entries)[:2]}")
    rc, entries = ldapsearch(LDAP_PORT, *svc, me.base,
                             f"(|(memberOf=cn=staff,{other.users_ou})(mail=*@{other.cap.lower()}.example))")
    report(rc == 0 and not entries, f"{tag} filters naming the other org match nothing",
           list(entries))
    rc, entries = ldapsearch(LDAP_PORT, me.dn("alice"), me.pw("alice"), other.base)
    report(rc == 32 and not entries, f"{tag} a non-binding user's search of the other org finds nothing",
           rc)

    # --- compare -------------------------------------------------------------------------------
    rc, out = run("ldapcompare", "-x", "-H", URL, "-D", svc[0], "-w", svc[1], other.dn("alice"),
                  "uid:alice")
    report(rc == 32, f"{tag} compare on the other org's alice is noSuchObject (32)", out)
    rc, out = run("ldapcompare", "-x", "-H", URL, "-D", svc[0], "-w", svc[1], me.dn("alice"),
                  "sn:" + me.cap)
    report(rc == 6, f"{tag} compare on this org's alice is compareTrue (6)", out)

    # --- password modify -----------------------------------------------------------------------
    rc, out = run("ldappasswd", "-x", "-H", URL, "-D", svc[0], "-w", svc[1], "-s",
                  "Hijacked-pass-1", other.dn("alice"))
    report(rc != 0 and "Insufficient access (50)" in out,
           f"{tag} password modify of the other org's alice is insufficientAccess (50)", out)
    rc, out = run("ldappasswd", "-x", "-H", URL, "-D", me.dn("alice"), "-w", me.pw("alice"),
                  "-a", other.pw("alice"), "-s", "Hijacked-pass-1", other.dn("alice"))
    report(rc != 0 and "Insufficient access (50)" in out,
           f"{tag} alice cannot change her namesake's password in the other org (50)", out)
    rc, _ = run("ldapwhoami", "-x", "-H", URL, "-D", other.dn("alice"), "-w", other.pw("alice"))
    report(rc == 0, f"{tag} the other org's alice still binds with her own password")

    # --- the API with this org's key on the other org's ids ------------------------------------
    def same_as_missing(method, path_other, path_missing, body=None):
        a = me.api(method, path_other, body)
        b = me.api(method, path_missing, body)
        return a.status == 404 and a.status == b.status and \
            a.text.replace(other.alice, "").replace(other.staff, "") .replace(other.ldap, "") \
            .replace(other.bob, "").replace(other.key_id, "") == \
            b.text.replace(NO_SUCH_ID, ""), (a, b)

    for method, path, body in (
            ("GET", "/api/systemusers/{u}", None),
            ("PUT", "/api/systemusers/{u}", {"description": "hijacked"}),
            ("DELETE", "/api/systemusers/{u}", None),
            ("GET", "/api/v2/users/{u}/memberof", None),
            ("GET", "/api/v2/users/{u}/associations?targets=ldap_server", None),
            ("GET", "/api/v2/usergroups/{g}", None),
            ("PUT", "/api/v2/usergroups/{g}", {"name": "hijacked"}),
            ("PATCH", "/api/v2/usergroups/{g}", {"description": "hijacked"}),
            ("DELETE", "/api/v2/usergroups/{g}", None),
            ("GET", "/api/v2/usergroups/{g}/members", None),
            ("POST", "/api/v2/usergroups/{g}/members", {"op": "add", "type": "user", "id": me.bob}),
            ("POST", "/api/v2/usergroups/{g}/members", {"op": "remove", "type": "user", "id": "{u}"}),
            ("GET", "/api/v2/usergroups/{g}/membership", None),
            ("GET", "/api/v2/usergroups/{g}/associations?targets=ldap_server", None),
            ("GET", "/api/v2/ldapservers/{l}", None),
            ("PATCH", "/api/v2/ldapservers/{l}", {"userLockoutAction": "remove"}),
            ("GET", "/api/v2/ldapservers/{l}/associations?targets=user", None),
            ("POST", "/api/v2/ldapservers/{l}/associations", {"op": "add", "type": "user", "id": me.alice}),
            ("DELETE", "/api/v2/apikeys/{k}", None)):
        def fill(text, who):
            ids = {"u": who.alice, "g": who.staff, "l": who.ldap, "k": who.key_id} if who else \
                {"u": NO_SUCH_ID, "g": NO_SUCH_ID, "l": NO_SUCH_ID, "k": NO_SUCH_ID}
            for k, v in ids.items():
                text = text.replace("{" + k + "}", v)
            return text
        b = json.loads(fill(json.dumps(body), other)) if body else None
        ok, detail = same_as_missing(method, fill(path, other), fill(path, None), b)
        report(ok, f"{tag} {method} {path} on the other org's id: 404, as for an id that does not exist",
               detail)
    # This org's own objects, with the other org's ids as the member / associated object.
    for method, path, body in (
            ("POST", f"/api/v2/usergroups/{me.staff}/members",
             {"op": "add", "type": "user", "id": other.bob}),
            ("POST", f"/api/v2/ldapservers/{me.ldap}/associations",
             {"op": "add", "type": "user", "id": other.bob}),
            ("POST", f"/api/v2/ldapservers/{me.ldap}/associations",
             {"op": "add", "type": "user_group", "id": other.staff})):
        a = me.api(method, path, body)
        missing = me.api(method, path, dict(body, id=NO_SUCH_ID))
        report(a.status == missing.status and a.status in (400, 404),
               f"{tag} {path.split('/')[3]}: the other org's {body['type']} as a member/association "
               f"is refused like a missing id ({a.status})", (a, missing))
    a = me.api("GET", "/api/systemusers")
    report(a.status == 200 and {u["id"] for u in a.json["results"]} ==
           {me.svc, me.alice, me.bob}, f"{tag} the user list holds this org's users only")
    a = me.api("GET", "/api/systemusers?filter=email:$eq:alice@" + other.cap.lower() + ".example")
    report(a.status == 200 and a.json["totalCount"] == 0,
           f"{tag} filtering on the other org's email finds nothing", a)
    a = me.api("GET", "/api/v2/usergroups")
    report(a.status == 200 and [g["id"] for g in a.json] == [me.staff],
           f"{tag} the group list holds this org's group only", a)
    a = me.api("GET", "/api/v2/ldapservers")
    report(a.status == 200 and [s["id"] for s in a.json] == [me.ldap],
           f"{tag} the LDAP server list holds this org's server only", a)
    a = me.api("GET", "/api/v2/apikeys")
    report(a.status == 200 and other.key_id not in a.text, f"{tag} the API key list is this org's")
    a = me.api("GET", "/api/organizations")
    report(a.status == 200 and [o["id"] for o in a.json["results"]] == [me.id],
           f"{tag} /api/organizations lists this org only", a)
    c = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
    c.request("GET", "/api/systemusers", headers={"x-api-key": me.key, "x-org-id": other.id})
    r = c.getresponse()
    body = r.read().decode()
    c.close()
    report(r.status == 403 and other.alice not in body,
           f"{tag} this org's key with x-org-id of the other org is 403", f"{r.status} {body[:200]}")
    c = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
    c.request("POST", "/insights/directory/v1/events",
              body=json.dumps({"service": ["all"], "start_time": "2000-01-01T00:00:00Z"}),
              headers={"x-api-key": me.key, "Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read().decode()
    c.close()
    report(r.status == 200 and other.id not in body and other.alice not in body,
           f"{tag} Directory Insights events hold nothing of the other org", f"{r.status} {body[:200]}")

# --- nothing of either org changed -------------------------------------------------------------
for org in (alpha, beta):
    a = org.api("GET", f"/api/systemusers/{org.alice}")
    report(a.status == 200 and a.json["description"] == "" and a.json["lastname"] == org.cap,
           f"[{org.cap}] alice is unchanged after the other org's attempts", a)
    a = org.api("GET", f"/api/v2/usergroups/{org.staff}/members")
    report(a.status == 200 and [m["to"]["id"] for m in a.json] == [org.alice],
           f"[{org.cap}] staff still has exactly alice", a)
    a = org.api("GET", f"/api/v2/ldapservers/{org.ldap}")
    report(a.status == 200 and a.json.get("userLockoutAction") == "disable",
           f"[{org.cap}] the LDAP server settings are unchanged", a)
    a = org.api("GET", f"/api/v2/ldapservers/{org.ldap}/associations?targets=user")
    report(a.status == 200 and sorted(m["to"]["id"] for m in a.json) == sorted([org.svc, org.bob]),
           f"[{org.cap}] the LDAP server's user associations are unchanged", a)
sys.exit(report.finish())
