"""SIGKILL during a stream of API writes, 20 times (crash_suite.sh prepares the data directory).

A writer thread sends creates (a user with a password, so it is activated), group-membership
additions and updates (description and jobTitle set to the same token in one PUT) one at a time
and records each write as acknowledged once its answer arrived. The main thread kills the
server at a random moment, restarts it, and checks the acknowledged writes, the one in flight,
and that ldapsearch shows exactly the users the API lists as connected.
Usage: crash.py SKYDIR_BIN DATA_DIR ORG_JSON PID_FILE
"""
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ldap_wire import Checks  # noqa: E402
from skyapi import Api, ldapsearch  # noqa: E402

BIN, DATA, ORG_JSON, PID_FILE = sys.argv[1:5]
org = json.load(open(ORG_JSON))
ORG, KEY = org["id"], org["api_key"]
SVC_DN = f"uid=svc,ou=Users,o={ORG},dc=jumpcloud,dc=com"
SVC_PW = "Service-pass-1"
ROUNDS = 20
report = Checks()
random.seed(os.environ.get("CRASH_SEED", time.time()))


def start():
    out = open(os.path.join(DATA + ".out"), "w")
    err = open(os.path.join(DATA + ".log"), "a")
    p = subprocess.Popen([BIN, "--data-dir", DATA, "serve", "--ldap", "127.0.0.1:0", "--ldaps", "",
                          "--http", "127.0.0.1:0"], stdout=out, stderr=err)
    open(PID_FILE, "w").write(str(p.pid))
    for _ in range(200):
        text = open(DATA + ".out").read()
        m1 = re.search(r"LDAP on port (\d+)", text)
        m2 = re.search(r"HTTP port (\d+)", text)
        if m1 and m2 and "admin API" in text:
            return p, int(m1.group(1)), int(m2.group(1))
        if p.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit("FAIL - the server did not start:\n" + open(DATA + ".log").read()[-2000:])


class Writer(threading.Thread):
    """Writes until the server goes away; `acked` and `in_flight` describe what it did."""

    def __init__(self, api, round_no, group_id, known):
        super().__init__()
        self.api, self.round, self.group, self.known = api, round_no, group_id, known
        self.acked = []      # (kind, data)
        self.in_flight = None

    def run(self):
        n = 0
        while True:
            n += 1
            choice = random.random()
            if choice < 0.5 or not self.known:
                name = f"r{self.round:02d}n{n:03d}"
                data = {"username": name, "email": f"{name}@crash.example", "firstname": "First" + name,
                        "lastname": "Last" + name, "password": "Crash-pass-1"}
                write = ("create", data)
            elif choice < 0.75:
                uid = random.choice(self.known)
                write = ("member", uid)
            else:
                uid = random.choice(self.known)
                write = ("update", (uid, f"t{self.round}-{n}"))
            self.in_flight = write
            try:
                if write[0] == "create":
                    a = self.api("POST", "/api/systemusers", write[1])
                    ok = a.status == 200
                    if ok:
                        write = ("create", dict(write[1], id=a.json["id"]))
                        self.known.append(a.json["id"])
                elif write[0] == "member":
                    a = self.api("POST", f"/api/v2/usergroups/{self.group}/members",
                                 {"op": "add", "type": "user", "id": write[1]})
                    ok = a.status in (204, 409)
                else:
                    uid, token = write[1]
                    a = self.api("PUT", f"/api/systemusers/{uid}",
                                 {"description": token, "jobTitle": token})
                    ok = a.status == 200
            except OSError:
                return  # the server is gone: this write stays in flight
            if not ok:
                self.error = f"{write[0]} answered {a}"
                return
            self.acked.append(write)
            self.in_flight = None


def store_state(api, group):
    users = {u["id"]: u for u in api.all_users()}
    ids, skip = set(), 0
    while True:
        a = api("GET", f"/api/v2/usergroups/{group}/members?limit=100&skip={skip}")
        ids |= {m["to"]["id"] for m in a.json}
        if len(a.json) < 100:
            break
        skip += 100
    return users, ids


server, ldap_port, http_port = start()
api = Api(http_port, KEY)
group = next(g["id"] for g in api("GET", "/api/v2/usergroups").json if g["name"] == "everyone")
known = []
expected_updates = {}   # user id -> token of the last acknowledged update
expected_members = set()
expected_users = {}     # id -> create data
problems = []
writes = kills = 0
for round_no in range(ROUNDS):
    writer = Writer(Api(http_port, KEY, timeout=5), round_no, group, known)
    writer.start()
    time.sleep(random.uniform(0.2, 1.2))
    server.send_signal(signal.SIGKILL)
    server.wait()
    kills += 1
    writer.join()
    if getattr(writer, "error", None):
        problems.append(f"round {round_no}: {writer.error}")
    writes += len(writer.acked)
    for kind, data in writer.acked:
        if kind == "create":
            expected_users[data["id"]] = data
        elif kind == "member":
            expected_members.add(data)
        else:
            expected_updates[data[0]] = data[1]

    server, ldap_port, http_port = start()
    api = Api(http_port, KEY)
    users, members = store_state(api, group)
    for uid, data in expected_users.items():
        u = users.get(uid)
        if u is None or u["username"] != data["username"] or u["email"] != data["email"] or \
                u["firstname"] != data["firstname"] or u["lastname"] != data["lastname"] or \
                not u["activated"]:
            problems.append(f"round {round_no}: acknowledged create {data['username']} is {u}")
    for uid in expected_members - members:
        problems.append(f"round {round_no}: acknowledged membership of {uid} is missing")
    for uid, token in expected_updates.items():
        if users[uid]["description"] != token:
            in_flight = writer.in_flight
            if not (in_flight and in_flight[0] == "update" and in_flight[1][0] == uid):
                problems.append(f"round {round_no}: acknowledged update of {uid} lost")
    for u in users.values():  # one PUT sets both fields: never one without the other
        if u["description"] != u.get("jobTitle", ""):
            problems.append(f"round {round_no}: half-applied update on {u['username']}")
    in_flight = writer.in_flight
    if in_flight and in_flight[0] == "create":  # all there or not at all
        found = [u for u in users.values() if u["username"] == in_flight[1]["username"]]
        if found:
            u = found[0]
            if u["email"] != in_flight[1]["email"] or not u["activated"] or \
                    u["lastname"] != in_flight[1]["lastname"]:
                problems.append(f"round {round_no}: half-present create {u}")
            expected_users[u["id"]] = dict(in_flight[1], id=u["id"])
            known.append(u["id"])
    if in_flight and in_flight[0] == "member" and in_flight[1] in members:
        expected_members.add(in_flight[1])
    if in_flight and in_flight[0] == "update":
        uid, token = in_flight[1]
        if users[uid]["description"] == token:
            expected_updates[uid] = token
    # The LDAP view after restart equals the store: connected users = svc + group members.
    rc, entries = ldapsearch(ldap_port, SVC_DN, SVC_PW, f"ou=Users,o={ORG},dc=jumpcloud,dc=com",
                             "(objectClass=inetOrgPerson)", ["uid", "description"])
    in_ldap = {e["uid"][0]: e.get("description", [""])[0] for e in entries.values()}
    in_store = {u["username"]: u["description"] for u in users.values()
                if u["id"] in members or u["username"] == "svc"}
    if rc != 0 or in_ldap != in_store:
        diff = set(in_ldap.items()) ^ set(in_store.items())
        problems.append(f"round {round_no}: LDAP differs from the store (rc={rc}): {sorted(diff)[:5]}")
    rc, groups = ldapsearch(ldap_port, SVC_DN, SVC_PW, f"ou=Users,o={ORG},dc=jumpcloud,dc=com",
                            "(cn=everyone)", ["memberUid"])
    member_uids = set(next(iter(groups.values()), {}).get("memberUid", []))
    if member_uids != {users[m]["username"] for m in members}:
        problems.append(f"round {round_no}: LDAP group members differ from the store")

server.send_signal(signal.SIGTERM)
server.wait()
print(f"# {kills} kills, {writes} acknowledged writes, {len(expected_users)} users")
report(kills >= 20 and writes >= 5 * kills, f"{kills} SIGKILLs during {writes} acknowledged API writes",
       f"{writes} writes")
report(not [p for p in problems if "acknowledged" in p],
       "every acknowledged write (create, membership, update) is present after each restart",
       "; ".join(problems[:5]))
report(not [p for p in problems if "half" in p],
       "no write is half-present (a create is whole, one PUT's two fields move together)",
       "; ".join(problems[:5]))
report(not [p for p in problems if "LDAP" in p],
       "after each restart ldapsearch shows exactly the users and members the API lists",
       "; ".join(problems[:5]))
report(not [p for p in problems if "answered" in p], "no write was refused while the server ran",
       "; ".join(problems[:5]))
sys.exit(report.finish())
