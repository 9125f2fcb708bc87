"""Debian's python3-ldap3 (and python3-ldap for one root DSE read) against skydir.

Run by ldap_clients_suite.sh with /usr/bin/python3; the fixture comes from the environment
(see fixture.sh). Prints one "ok - " / "FAIL - " line per check; exits 1 if any failed.
"""
import os
import ssl
import sys
import traceback

import ldap
from ldap3 import (ALL, ALL_ATTRIBUTES, ALL_OPERATIONAL_ATTRIBUTES, BASE, NONE, Connection,
                   Server, Tls)
from ldap3.core.exceptions import LDAPException

E = os.environ
CA = E["CA"]
USERS_A = E["USERS_A"]
SVC_A, PW_SVC_A = E["SVC_A"], E["PW_SVC_A"]
N_USERS = int(E["USERS_VISIBLE_A"])
failures = 0


def report(name, ok, detail=""):
    global failures
    if ok:
        print(f"ok - ldap3: {name}")
    else:
        failures += 1
        print(f"FAIL - ldap3: {name} : {detail}")


def check(name):
    """Decorator: runs the check now; an exception fails it with the exception as detail."""
    def run(fn):
        try:
            result = fn()
            ok, detail = result if isinstance(result, tuple) else (bool(result), "")
            report(name, ok, detail)
        except Exception as e:  # noqa: BLE001 - any exception is a failed check
            report(name, False, f"{type(e).__name__}: {e} @ {traceback.format_tb(e.__traceback__)[-1].strip()}")
        return fn
    return run


def tls(ca=CA):
    return Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=ca, version=ssl.PROTOCOL_TLS_CLIENT)


def ldaps(get_info=ALL, ca=CA):
    return Server("localhost", port=int(E["LDAPS_PORT"]), use_ssl=True, tls=tls(ca),
                  get_info=get_info, connect_timeout=5)


def plain(get_info=NONE):
    return Server("localhost", port=int(E["LDAP_PORT"]), tls=tls(), get_info=get_info,
                  connect_timeout=5)


def user_dn(name):
    return f"uid={name},{USERS_A}"


@check("LDAPS bind verifying the generated CA (CERT_REQUIRED)")
def _():
    c = Connection(ldaps(), SVC_A, PW_SVC_A, receive_timeout=10)
    ok = c.bind()
    c.unbind()
    return ok, str(c.result)


@check("LDAPS with a CA bundle that does not hold skydir's CA fails the handshake")
def _():
    try:
        Connection(ldaps(NONE, "/etc/ssl/certs/ca-certificates.crt"), SVC_A, PW_SVC_A, auto_bind=True)
    except LDAPException as e:
        return "certificate" in str(e).lower() or "ssl" in str(e).lower(), str(e)
    return False, "bound without verifying"


@check("root DSE without a bind shows namingContexts and the paged results control")
def _():
    c = Connection(ldaps())
    c.open()
    ok = c.search("", "(objectClass=*)", BASE, attributes=["*", "+"])
    attrs = c.response[0]["attributes"] if ok and c.response else {}
    c.unbind()
    return (ok and attrs.get("namingContexts") == [E["SUFFIX"]]
            and "1.2.840.113556.1.4.319" in attrs.get("supportedControl", [])
            and "1.3.6.1.4.1.4203.1.11.3" in attrs.get("supportedExtension", [])), str(attrs)


@check("ldap3 reads server info and the schema at open, without a bind")
def _():
    s = ldaps(ALL)
    c = Connection(s)
    c.open()
    info_ok = s.info is not None and s.info.naming_contexts == [E["SUFFIX"]]
    schema_ok = s.schema is not None and "givenName" in s.schema.attribute_types
    c.unbind()
    return info_ok and schema_ok, f"info={s.info is not None} schema={s.schema is not None}"


@check("python-ldap reads the root DSE without a bind")
def _():
    conn = ldap.initialize(E["LDAPS_URL"])
    conn.set_option(ldap.OPT_X_TLS_CACERTFILE, CA)
    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    res = conn.search_s("", ldap.SCOPE_BASE, "(objectClass=*)", ["+", "*"])
    conn.unbind_s()
    attrs = res[0][1]
    return (attrs.get("namingContexts") == [E["SUFFIX"].encode()]
            and b"1.2.840.113556.1.4.319" in attrs.get("supportedControl", [])), str(attrs)


svc = Connection(ldaps(), SVC_A, PW_SVC_A, auto_bind=True, receive_timeout=30)
alice_entry = {}


@check("search with operational attributes returns canonical attribute names")
def _():
    ok = svc.search(USERS_A, "(uid=alice)", attributes=[ALL_ATTRIBUTES],
                    get_operational_attributes=True)
    if not ok or len(svc.response) != 1:
        return False, str(svc.result)
    alice_entry.update(svc.response[0])
    names = list(svc.response[0]["raw_attributes"].keys())
    want = ["objectClass", "uid", "cn", "sn", "givenName", "displayName", "mail", "uidNumber",
            "gidNumber", "homeDirectory", "loginShell", "memberOf", "entryUUID",
            "createTimestamp", "modifyTimestamp"]
    return all(w in names for w in want), f"names={names}"


@check("single-valued attributes are single (schema-typed and raw)")
def _():
    a, raw = alice_entry["attributes"], alice_entry["raw_attributes"]
    single = ["uid", "mail", "givenName", "sn", "uidNumber", "gidNumber", "displayName",
              "homeDirectory", "loginShell", "entryUUID", "createTimestamp"]
    ok = all(len(raw[k]) == 1 for k in single)
    ok = ok and a["mail"] == "alice@acme.example" and a["uidNumber"] == int(a["uidNumber"])
    ok = ok and a["givenName"] == "Alice" and a["sn"] == "Anderson" and a["uid"] == "alice"
    return ok, f"mail={a['mail']!r} uidNumber={a['uidNumber']!r} givenName={a['givenName']!r}"


@check("memberOf is the group's DN, byte-identical to the group entry's DN")
def _():
    svc.search(USERS_A, "(cn=Platform Team)", attributes=["cn"])
    group_dns = [r["dn"] for r in svc.response]
    return alice_entry["attributes"]["memberOf"] == group_dns, f"{alice_entry['attributes']['memberOf']} vs {group_dns}"


@check(f"paged_search generator (100 per page) yields all {N_USERS} users")
def _():
    gen = svc.extend.standard.paged_search(USERS_A, "(objectClass=inetOrgPerson)",
                                           attributes=["uid"], paged_size=100, generator=True)
    uids = [r["attributes"]["uid"] for r in gen if r["type"] == "searchResEntry"]
    return len(uids) == N_USERS and len(set(uids)) == N_USERS, f"got {len(uids)}"


@check("unpaged search returns every user with result success")
def _():
    ok = svc.search(USERS_A, "(objectClass=inetOrgPerson)", attributes=["uid"])
    return ok and len(svc.response) == N_USERS, f"{svc.result} entries={len(svc.response)}"


@check("size_limit=3 gives sizeLimitExceeded with 3 entries")
def _():
    svc.search(USERS_A, "(objectClass=inetOrgPerson)", attributes=["uid"], size_limit=3)
    return svc.result["result"] == 4 and len(svc.response) == 3, f"{svc.result} entries={len(svc.response)}"


@check("who_am_i as the service account")
def _():
    who = svc.extend.standard.who_am_i()
    return who == "dn:" + SVC_A, repr(who)


@check("compare mail")
def _():
    t = svc.compare(user_dn("alice"), "mail", "alice@acme.example")
    f = svc.compare(user_dn("alice"), "mail", "bob@acme.example")
    return t is True and f is False, f"{t} {f}"


@check("search base with dc=JumpCloud in mixed case")
def _():
    base = f"OU=users,o={E['ORG_A']},dc=JumpCloud,dc=COM"
    ok = svc.search(base, "(uid=bob)", attributes=["uid"])
    return ok and [r["dn"] for r in svc.response] == [user_dn("bob")], str(svc.response[:1])


@check("modify_password: a user changes their own password, then binds with it")
def _():
    u = Connection(ldaps(NONE), user_dn("pwchange3"), E["PW_OLD"], auto_bind=True)
    changed = u.extend.standard.modify_password(old_password=E["PW_OLD"], new_password=E["PW_NEW"])
    u.unbind()
    new_ok = Connection(ldaps(NONE), user_dn("pwchange3"), E["PW_NEW"]).bind()
    old_ok = Connection(ldaps(NONE), user_dn("pwchange3"), E["PW_OLD"]).bind()
    return changed is True and new_ok and not old_ok, f"changed={changed} new={new_ok} old={old_ok}"


@check("StartTLS with start_tls() then bind and search")
def _():
    c = Connection(plain(), SVC_A, PW_SVC_A)
    c.open()
    started = c.start_tls()
    bound = c.bind()
    ok = c.search(USERS_A, "(uid=carol)", attributes=["mail"])
    mail = c.response[0]["attributes"]["mail"] if ok and c.response else None
    encrypted = c.tls_started
    c.unbind()
    return started and bound and encrypted and mail == ["carol@acme.example"], f"{started} {bound} {mail}"


@check("several binds on one connection: service account, user, service account")
def _():
    c = Connection(ldaps(NONE), SVC_A, PW_SVC_A, auto_bind=True)
    first = c.extend.standard.who_am_i()
    c.search(USERS_A, "(uid=dave)", attributes=["uid"])
    n1 = len(c.response)
    c.rebind(user=user_dn("alice"), password=E["PW_A"])
    second = c.extend.standard.who_am_i()
    c.search(USERS_A, "(uid=dave)", attributes=["uid"])
    n2 = len(c.response)  # alice is not a binding user: success, no entries
    c.rebind(user=SVC_A, password=PW_SVC_A)
    third = c.extend.standard.who_am_i()
    c.search(USERS_A, "(uid=dave)", attributes=["uid"])
    n3 = len(c.response)
    c.unbind()
    ok = (first == "dn:" + SVC_A and second == "dn:" + user_dn("alice") and third == first
          and (n1, n2, n3) == (1, 0, 1))
    return ok, f"{first} {second} {third} {(n1, n2, n3)}"


@check("a failed re-bind leaves the connection anonymous")
def _():
    c = Connection(ldaps(NONE), SVC_A, PW_SVC_A, auto_bind=True)
    try:
        rebound = c.rebind(user=user_dn("alice"), password="wrong")
    except LDAPException:
        rebound = False
    who = c.extend.standard.who_am_i()
    c.search(USERS_A, "(uid=dave)", attributes=["uid"])
    code = c.result["result"]
    c.unbind()
    return not rebound and not who and code != 0, f"rebound={rebound} who={who!r} search={code}"


svc.unbind()
sys.exit(1 if failures else 0)
