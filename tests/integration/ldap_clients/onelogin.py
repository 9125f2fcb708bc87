"""OneLogin's "LDAP via SSL" directory, configured as its JumpCloud guide says (seeds/001_*):

  LDAP server hostname / port 636 (here: localhost and the suite's LDAPS port), SSL
  Base DN:   ou=Users,o={org_id},dc=jumpcloud,dc=com
  Bind DN:   uid={service account},ou=Users,o={org_id},dc=jumpcloud,dc=com  (+ its password)
  First Name Attribute: givenName, Last Name Attribute: sn

OneLogin binds as the service account, reads the users under the Base DN to create/map its
users (first/last name from givenName/sn, email from mail), and authenticates a user by binding
with the user's DN and password. Driven with Debian's python3-ldap3; one "ok - "/"FAIL - " line
per check.
"""
import os
import ssl
import sys

from ldap3 import NONE, SUBTREE, Connection, Server, Tls

E = os.environ
ORG = E["ORG_A"]
BASE_DN = f"ou=Users,o={ORG},dc=jumpcloud,dc=com"
BIND_DN = f"uid=ldap-svc,ou=Users,o={ORG},dc=jumpcloud,dc=com"
failures = 0


def report(name, ok, detail=""):
    global failures
    print(f"ok - onelogin: {name}" if ok else f"FAIL - onelogin: {name} : {detail}")
    failures += 0 if ok else 1


def server():
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=E["CA"])
    return Server("localhost", port=int(E["LDAPS_PORT"]), use_ssl=True, tls=tls, get_info=NONE,
                  connect_timeout=5)


try:
    conn = Connection(server(), BIND_DN, E["PW_SVC_A"], receive_timeout=30)
    bound = conn.bind()
    report("bind over SSL as the binding service account", bound, str(conn.result))
    version = conn.socket.version() if bound else None
    report("the SSL connection is TLS 1.2 or newer", version in ("TLSv1.2", "TLSv1.3"), str(version))

    conn.search(BASE_DN, "(objectClass=inetOrgPerson)", SUBTREE,
                attributes=["uid", "givenName", "sn", "mail", "memberOf"])
    users = {r["attributes"]["uid"][0]: r for r in conn.response if r["type"] == "searchResEntry"}
    want = int(E["USERS_VISIBLE_A"])
    report(f"directory import reads all {want} users under the Base DN",
           conn.result["result"] == 0 and len(users) == want, f"{conn.result} got {len(users)}")

    def name_of(uid):
        a = users[uid]["attributes"]
        return (a.get("givenName"), a.get("sn"), a.get("mail"))
    report("first/last name from givenName/sn, email from mail",
           name_of("alice") == (["Alice"], ["Anderson"], ["alice@acme.example"])
           and name_of("ldap-svc") == (["LDAP"], ["Service"], ["ldap-admin@acme.example"]),
           f"{name_of('alice')} {name_of('ldap-svc')}")
    report("every user has exactly one sn and one mail",
           all(len(r["attributes"]["sn"]) == 1 and len(r["attributes"]["mail"]) == 1
               for r in users.values()), "")
    report("group memberships come as memberOf DNs (no POSIX groups needed)",
           users["bob"]["attributes"]["memberOf"] == [f"cn=Platform Team,{BASE_DN}"],
           str(users["bob"]["attributes"]["memberOf"]))
    report("users not in LDAP (not connected, suspended) are not imported",
           "erin" not in users and "frank" not in users, "")
    conn.unbind()

    def login(uid, password):
        c = Connection(server(), users[uid]["dn"] if uid in users else f"uid={uid},{BASE_DN}",
                       password, receive_timeout=10)
        ok = c.bind()
        c.unbind()
        return ok
    report("user sign-in: bind with the user's DN and password", login("carol", E["PW_A"]), "")
    report("user sign-in with a wrong password fails", not login("carol", "not-the-password"), "")
    report("a suspended user cannot sign in", not login("frank", E["PW_A"]), "")
except Exception as e:  # noqa: BLE001 - an exception is a failure of the flow
    report("OneLogin flow raised", False, f"{type(e).__name__}: {e}")
sys.exit(1 if failures else 0)
