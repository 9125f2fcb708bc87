"""The SCIM provisioning suite (see scim_suite.sh): skydir pushes users and groups into two real
SCIM servers and every check reads what the target really holds."""
import base64
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BIN = os.path.abspath(os.environ["SKYDIR_BIN"])
SRC = os.environ["SKYDIR_SOURCE_DIR"]
WORK = tempfile.mkdtemp(prefix="skydir-scim-suite.")
DATA = os.path.join(WORK, "data")
PASSED = 0
FAILED = 0
PROCS = []


def ok(desc):
    global PASSED
    PASSED += 1
    print(f"ok - {desc}", flush=True)


def fail(desc, why=""):
    global FAILED
    FAILED += 1
    print(f"FAIL - {desc}" + (f" : {why}" if why else ""), flush=True)


def check(desc, cond, why=""):
    (ok if cond else lambda d: fail(d, why))(desc)
    return cond


def finish():
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            p.wait()
    print(f"{PASSED} passed, {FAILED} failed")
    shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(0 if FAILED == 0 else 1)


def bail(desc, why=""):
    fail(desc, why)
    for name in ("server.err", "target.err", "strict.err"):
        path = os.path.join(WORK, name)
        if os.path.exists(path):
            with open(path) as f:
                for line in f.readlines()[-8:]:
                    print(f"    {name}: {line.rstrip()}")
    finish()


def http(method, url, body=None, headers=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw) if raw else None
        except ValueError:
            return e.code, raw.decode(errors="replace")


def sky(*args):
    out = subprocess.run([BIN, "--data-dir", DATA, *args], capture_output=True, text=True)
    if out.returncode != 0:
        bail(f"skydir {' '.join(args)}", out.stderr.strip())
    return out.stdout


# --- Targets ---------------------------------------------------------------------------------

class Target:
    def __init__(self, script, name, token):
        self.token = token
        err = open(os.path.join(WORK, f"{name}.err"), "w")
        self.proc = subprocess.Popen(["node", os.path.join(SRC, "tests/scim", script), "--port", "0",
                                      "--token", token], stdout=subprocess.PIPE, stderr=err,
                                     text=True, cwd=os.path.join(SRC, "tests"))
        PROCS.append(self.proc)
        line = self.proc.stdout.readline()
        if not line:
            bail(f"{script} starts")
        info = json.loads(line)
        self.base_url = info["base_url"]
        self.root = f"http://127.0.0.1:{info['port']}"

    def state(self):
        return http("GET", self.root + "/_state")[1]

    def control(self, what, body):
        status, _ = http("POST", self.root + "/" + what, body)
        if status != 200:
            bail(f"target control {what}", str(status))

    def scim(self, method, path, body=None):
        return http(method, self.base_url + path, body,
                    {"Authorization": f"Bearer {self.token}", "Content-Type": "application/scim+json"})

    def users(self):
        return {u["userName"].lower(): u for u in self.state()["users"]}

    def groups(self):
        return {g["displayName"]: g for g in self.state()["groups"]}


# --- The server ------------------------------------------------------------------------------

class Server:
    env = dict(os.environ,
               SKYDIR_PROVISIONING_POLL_MILLIS="100",
               SKYDIR_PROVISIONING_RETRY_BASE_MILLIS="300",
               SKYDIR_PROVISIONING_RETRY_MAX_SECONDS="2",
               SKYDIR_PROVISIONING_ERROR_AFTER_FAILURES="3",
               SKYDIR_HTTP_RATE_LIMIT_PER_SECOND="0")

    def start(self):
        self.out = open(os.path.join(WORK, "server.out"), "w")
        self.proc = subprocess.Popen([BIN, "--data-dir", DATA, "serve", "--ldap", "127.0.0.1:0",
                                      "--ldaps", "127.0.0.1:0", "--http", "127.0.0.1:0"],
                                     stdout=self.out, stderr=open(os.path.join(WORK, "server.err"), "a"),
                                     env=self.env)
        PROCS.append(self.proc)
        for _ in range(200):
            with open(os.path.join(WORK, "server.out")) as f:
                text = f.read()
            if "admin API on HTTP port" in text:
                port = text.split("admin API on HTTP port ")[1].split()[0]
                self.api = f"http://127.0.0.1:{port}"
                return
            if self.proc.poll() is not None:
                bail("server starts", "exited")
            time.sleep(0.05)
        bail("server starts", "timeout")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


SERVER = Server()


def api(method, path, body=None, key=None):
    return http(method, SERVER.api + path, body, {"x-api-key": key or KEY})


def wait_idle(app_id, desc, timeout=60, key=None):
    """Waits until the application has no pending job; returns its status."""
    deadline = time.time() + timeout
    status = None
    while time.time() < deadline:
        code, status = api("GET", f"/api/v2/applications/{app_id}/scim/status", key=key)
        if code == 200 and status["pending_jobs"] == 0:
            return status
        time.sleep(0.1)
    fail(desc + " (provisioning finished in time)", json.dumps(status))
    return status


def wait_for(desc, predicate, timeout=30):
    deadline = time.time() + timeout
    value = None
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return value


def new_user(username, group=None, password="Correct-horse-9", **extra):
    body = {"username": username, "email": f"{username}@acme.example", "firstname": username.title(),
            "lastname": "Tester"}
    if password:
        body["password"] = password
    body.update(extra)
    code, user = api("POST", "/api/systemusers", body)
    if code not in (200, 201):
        bail(f"create user {username}", f"{code} {user}")
    if group:
        member(group, "user", user["_id"], "add")
    return user


def new_group(name):
    code, group = api("POST", "/api/v2/usergroups", {"name": name})
    if code not in (200, 201):
        bail(f"create group {name}", f"{code} {group}")
    return group


def member(group, kind, member_id, op):
    code, body = api("POST", f"/api/v2/usergroups/{group['id']}/members",
                     {"op": op, "type": kind, "id": member_id})
    if code != 204:
        bail(f"{op} member of {group['name']}", f"{code} {body}")


def associate(app_id, group, op="add"):
    code, body = api("POST", f"/api/v2/applications/{app_id}/associations",
                     {"op": op, "type": "user_group", "id": group["id"]})
    if code != 204:
        bail(f"{op} association of {group['name']}", f"{code} {body}")


# --- Setup -----------------------------------------------------------------------------------

os.makedirs(DATA)
acme = json.loads(sky("--json", "org", "create", "acme"))
globex = json.loads(sky("--json", "org", "create", "globex"))
KEY = acme["api_key"]
GLOBEX_KEY = globex["api_key"]
target = Target("target.mjs", "target", "target-token-1f9a")
strict = Target("strict_target.mjs", "strict", "strict-token-77c2")
SERVER.start()

# --- Applications API ------------------------------------------------------------------------

code, body = api("POST", "/api/applications", {"name": "x", "scim": {"base_url": target.base_url}})
check("an application without a token is refused with 400 naming scim.token",
      code == 400 and "scim.token" in json.dumps(body), f"{code} {body}")
code, body = api("POST", "/api/applications",
                 {"name": "x", "scim": {"base_url": "http://scim.example.com/v2", "token": "t"}})
check("plain http to a non-loopback host is refused", code == 400 and "https" in json.dumps(body),
      f"{code} {body}")
code, body = api("POST", "/api/applications",
                 {"name": "x", "scim": {"base_url": target.base_url, "token": "t",
                                        "deprovision": "vanish"}})
check("an unknown deprovision mode is refused", code == 400 and "deprovision" in json.dumps(body))
code, body = api("POST", "/api/applications", {"name": "x", "color": "red"})
check("an unknown field is refused", code == 400 and "color" in json.dumps(body))

code, app = api("POST", "/api/applications", {
    "name": "Scimmy", "scim": {"base_url": target.base_url, "token": target.token,
                                "test_user_email": "jc-test@acme.example",
                                "group_management": True, "deprovision": "deactivate"}})
check("POST /api/applications creates the application (201)", code == 201, f"{code} {app}")
APP = app["id"]
check("the token is write-only: never in an answer",
      target.token not in json.dumps(app) and app["scim"]["token_set"] is True)
code, listed = api("GET", "/api/applications")
check("GET /api/applications lists it", code == 200 and listed["totalCount"] == 1 and
      listed["results"][0]["id"] == APP)
code, _ = api("GET", f"/api/applications/{APP}", key=GLOBEX_KEY)
check("another org's key gets 404 for the application", code == 404)
code, _ = api("POST", f"/api/v2/applications/{APP}/scim/sync", key=GLOBEX_KEY)
check("another org's key cannot sync it (404)", code == 404)
db = sqlite3.connect(os.path.join(DATA, "skydir.db"))
sealed = db.execute("SELECT sealed_token FROM applications WHERE id = ?", (APP,)).fetchone()[0]
db.close()
with open(os.path.join(DATA, "skydir.db"), "rb") as f:
    raw = f.read()
for name in ("skydir.db-wal",):
    path = os.path.join(DATA, name)
    if os.path.exists(path):
        with open(path, "rb") as f:
            raw += f.read()
check("the token is sealed at rest (not in the database files)",
      sealed.startswith("v1:") and target.token.encode() not in raw)
check("the secret key file is private", oct(os.stat(os.path.join(DATA, "secret.key")).st_mode & 0o777) == "0o600")

# --- Test Connection -------------------------------------------------------------------------

code, report = api("POST", f"/api/v2/applications/{APP}/scim/test")
steps = [s["step"] for s in report["steps"]] if code == 200 else []
check("Test Connection succeeds against scimmy", code == 200 and report["ok"], json.dumps(report))
check("Test Connection creates then deletes a test user and a test group",
      steps == ["read ServiceProviderConfig", "look up test user", "create test user",
                "create test group", "delete test group", "delete test user"], str(steps))
st = target.state()
check("Test Connection leaves nothing behind in the target",
      not st["users"] and not st["groups"] and st["requests"].get("POST /Users") == 1, json.dumps(st)[:300])
code, bad = api("POST", "/api/applications", {"name": "Wrong token", "active": False, "scim": {
    "base_url": target.base_url, "token": "wrong"}})
code, report = api("POST", f"/api/v2/applications/{bad['id']}/scim/test")
check("Test Connection with a wrong token reports the 401 step",
      code == 200 and not report["ok"] and report["steps"][-1]["status"] == 401, json.dumps(report))
code, report = api("PUT", f"/api/applications/{bad['id']}", {"scim": {"token": target.token}})
code, report = api("POST", f"/api/v2/applications/{bad['id']}/scim/test")
check("after the token is corrected, Test Connection succeeds", code == 200 and report["ok"])
api("DELETE", f"/api/applications/{bad['id']}")

# --- Provisioning on association -------------------------------------------------------------

eng = new_group("Engineering")
platform = new_group("Platform")
member(eng, "user_group", platform["id"], "add")
alice = new_user("alice", eng, jobTitle="Engineer", department="R&D", employeeIdentifier="E-1")
bob = new_user("bob", eng)
carol = new_user("carol", platform)
staged = new_user("stan", eng, password=None)
loner = new_user("lonely")
check("nothing is pushed before a group is associated",
      wait_idle(APP, "idle before association") and not target.users())
associate(APP, eng)
status = wait_idle(APP, "first push")
users = target.users()
check("members of the associated group are provisioned, nested groups included",
      set(users) == {"alice@acme.example", "bob@acme.example", "carol@acme.example"}, str(sorted(users)))
a = users.get("alice@acme.example", {})
check("the user carries externalId, name, the primary email, active and title",
      a.get("externalId") == alice["_id"] and a.get("name", {}).get("givenName") == "Alice" and
      a.get("emails", [{}])[0].get("primary") is True and a.get("active") is True and
      a.get("title") == "Engineer", json.dumps(a))
ent = a.get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", {})
check("the enterprise extension carries department and employeeNumber",
      ent.get("department") == "R&D" and ent.get("employeeNumber") == "E-1", json.dumps(a))
check("ids the target chose (not UUIDs) are kept", a.get("id", "").startswith("u-"))
groups = target.groups()
g = groups.get("Engineering", {})
member_ids = sorted(m["value"] for m in g.get("members", []))
check("the associated group is pushed with its effective members as the target's ids",
      member_ids == sorted(users[u]["id"] for u in users), json.dumps(g))
check("nested groups that are not associated are not pushed", "Platform" not in groups)
check("the status counts 3 users and 1 group, state active",
      status["provisioned_users"] == 3 and status["provisioned_groups"] == 1 and
      status["state"] == "active" and status["last_success"], json.dumps(status))

# --- Updates ---------------------------------------------------------------------------------

before = target.state()["requests"]
api("PUT", f"/api/systemusers/{alice['_id']}", {"lastname": "Lovelace", "jobTitle": "Lead"})
wait_idle(APP, "update")
a = target.users()["alice@acme.example"]
after = target.state()["requests"]
check("an update reaches the target by PATCH", a["name"]["familyName"] == "Lovelace" and
      a["title"] == "Lead" and after.get("PATCH /Users/:id", 0) > before.get("PATCH /Users/:id", 0),
      json.dumps(a))
check("an update creates nothing", after.get("POST /Users") == before.get("POST /Users"))
api("PUT", f"/api/v2/usergroups/{eng['id']}", {"name": "Engineering Team"})
wait_idle(APP, "rename")
groups = target.groups()
check("a renamed group is renamed in the target, same id",
      "Engineering Team" in groups and "Engineering" not in groups and
      groups["Engineering Team"]["id"] == g.get("id"), str(list(groups)))

member(eng, "user", bob["_id"], "remove")
wait_idle(APP, "member removed")
users = target.users()
g = target.groups().get("Engineering Team", {})
check("a user who leaves the group is deactivated (active: false)",
      users["bob@acme.example"]["active"] is False)
check("...and removed from the group's members",
      users["bob@acme.example"]["id"] not in [m["value"] for m in g.get("members", [])], json.dumps(g))
api("PUT", f"/api/systemusers/{carol['_id']}", {"suspended": True})
wait_idle(APP, "suspend")
check("a suspended user is deactivated", target.users()["carol@acme.example"]["active"] is False)
api("PUT", f"/api/systemusers/{carol['_id']}", {"suspended": False})
wait_idle(APP, "unsuspend")
check("an unsuspended user is active again", target.users()["carol@acme.example"]["active"] is True)
api("DELETE", f"/api/systemusers/{alice['_id']}")
wait_idle(APP, "delete")
check("a deleted user is deactivated in deactivate mode", target.users()["alice@acme.example"]["active"] is False)

# Adoption: the account already exists in the target.
code, _ = target.scim("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                         "userName": "dave@acme.example", "active": True})
dave = new_user("dave", eng)
wait_idle(APP, "adopt")
daves = [u for u in target.state()["users"] if u["userName"].lower() == "dave@acme.example"]
check("an existing account with the same userName is adopted, not duplicated",
      len(daves) == 1 and daves[0].get("externalId") == dave["_id"], json.dumps(daves))

# Drift repaired by a full sync.
victim = target.users()["dave@acme.example"]
target.scim("DELETE", f"/Users/{victim['id']}")
carol_remote = target.users()["carol@acme.example"]
target.scim("PATCH", f"/Users/{carol_remote['id']}", {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "replace", "path": "active", "value": False},
                   {"op": "replace", "path": "title", "value": "Hacked"}]})
bob_remote = target.users()["bob@acme.example"]
target.scim("PATCH", f"/Users/{bob_remote['id']}", {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "replace", "path": "active", "value": True}]})
code, _ = api("POST", f"/api/v2/applications/{APP}/scim/sync")
check("POST scim/sync is accepted (202)", code == 202)
wait_idle(APP, "sync")
users = target.users()
check("a full sync recreates a user deleted by hand in the target",
      "dave@acme.example" in users and users["dave@acme.example"]["active"] is True)
check("a full sync reverts changes made by hand", users["carol@acme.example"]["active"] is True and
      "title" not in users["carol@acme.example"], json.dumps(users["carol@acme.example"]))
check("a full sync deactivates again a user reactivated by hand",
      users["bob@acme.example"]["active"] is False)
check("the sync left no duplicates", not target.state()["duplicates"]["users"])

# --- Failures: down, 429, 4xx ----------------------------------------------------------------

target.control("_fail", {"mode": "down"})
erin = new_user("erin", eng)
status = wait_for("error state", lambda: (lambda s: s if s[1]["state"] == "error" else None)(
    api("GET", f"/api/v2/applications/{APP}/scim/status")), timeout=30)
check("a target that is down marks the application 'error' after repeated failures",
      status and status[1]["state"] == "error" and status[1]["last_error"], json.dumps(status))
check("the failing job is listed with its error",
      status and any(e["id"] == erin["_id"] and e["retrying"] for e in status[1]["errors"]))
down_requests = target.state()["injected"]["down"]
time.sleep(2)
later = target.state()["injected"]["down"]
check("while down, retries back off (few requests per second)", later - down_requests <= 6,
      f"{later - down_requests} requests in 2 s")
target.control("_fail", {"mode": "none"})
status = wait_idle(APP, "catch-up", timeout=30)
check("once the target is back, the change is delivered", "erin@acme.example" in target.users())
code, status = api("GET", f"/api/v2/applications/{APP}/scim/status")
check("...and the application is active again", status["state"] == "active", json.dumps(status))

target.control("_fail", {"mode": "429", "count": 1, "retry_after": 2})
t0 = time.time()
api("PUT", f"/api/systemusers/{erin['_id']}", {"jobTitle": "Designer"})
wait_for("429 delivered", lambda: target.users()["erin@acme.example"].get("title") == "Designer", 20)
elapsed = time.time() - t0
check("429 with Retry-After: 2 is honoured (delivered after about 2 s)",
      target.users()["erin@acme.example"].get("title") == "Designer" and 1.9 <= elapsed < 8,
      f"{elapsed:.1f} s")

target.control("_fail", {"mode": "400", "method": "POST"})
frank = new_user("frank", eng)
status = wait_idle(APP, "400", timeout=20)
target.control("_fail", {"mode": "none"})
check("a 400 is not retried: the job is recorded as failed with the target's message",
      status["failed_jobs"] >= 1 and any(e["id"] == frank["_id"] and not e["retrying"] and
                                         "400" in e["error"] for e in status["errors"]),
      json.dumps(status))
check("...and the application stays active", status["state"] == "active")
api("PUT", f"/api/systemusers/{frank['_id']}", {"jobTitle": "Retry me"})
wait_idle(APP, "revive")
check("the next change of the object revives the failed job", "frank@acme.example" in target.users())

# --- Strict (Infisical-like) target, delete mode ---------------------------------------------

code, app2 = api("POST", "/api/applications", {
    "name": "Infisical", "scim": {"base_url": strict.base_url, "token": strict.token,
                                   "group_management": True, "deprovision": "delete"}})
APP2 = app2["id"]
code, report = api("POST", f"/api/v2/applications/{APP2}/scim/test")
check("Test Connection succeeds against the strict target (no ServiceProviderConfig, 200 on create)",
      code == 200 and report["ok"] and report["steps"][0]["status"] == 404, json.dumps(report))
ops = new_group("Ops")
gina = new_user("gina", ops)
hank = new_user("hank", ops)
# A group of the same name already exists there: it is adopted (the strict target answers 409
# to a second one).
strict.scim("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                "displayName": "Ops", "members": []})
associate(APP2, ops)
wait_idle(APP2, "strict push")
st = strict.state()
su = {u["userName"]: u for u in st["users"]}
sg = {g["displayName"]: g for g in st["groups"]}
check("users are created in the strict target (emails with primary accepted)",
      set(su) == {"gina@acme.example", "hank@acme.example"}, str(list(su)))
check("the existing group is adopted and gets members with display",
      len(st["groups"]) == 1 and sorted(m["value"] for m in sg["Ops"]["members"]) ==
      sorted(u["id"] for u in su.values()) and all(m.get("display") for m in sg["Ops"]["members"]),
      json.dumps(st["groups"]))
member(ops, "user", hank["_id"], "remove")
wait_idle(APP2, "strict remove")
st = strict.state()
check("delete mode: a user who leaves is deleted from the target",
      [u["userName"] for u in st["users"]] == ["gina@acme.example"], json.dumps(st["users"]))
check("...and is no longer a member of the group",
      len(st["groups"][0]["members"]) == 1, json.dumps(st["groups"]))
api("DELETE", f"/api/v2/usergroups/{ops['id']}")
wait_idle(APP2, "strict group delete")
st = strict.state()
check("a group deleted in skydir is deleted in the target", not st["groups"], json.dumps(st["groups"]))
check("its members, no longer covered, are deleted too", not st["users"], json.dumps(st["users"]))

# Disassociation.
sre = new_group("SRE")
ivan = new_user("ivan", sre)
associate(APP2, sre)
wait_idle(APP2, "sre push")
st = strict.state()
check("a newly associated group is pushed", "SRE" in {g["displayName"] for g in st["groups"]},
      json.dumps(api("GET", f"/api/v2/applications/{APP2}/scim/status")[1]) + json.dumps(st)[:400])
associate(APP2, sre, "remove")
wait_idle(APP2, "disassociate")
st = strict.state()
check("disassociating a group deletes it and its members from the target",
      not st["groups"] and not st["users"], json.dumps(st)[:300])

# --- The same from the command line ----------------------------------------------------------

def cli(*args, stdin=None):
    return subprocess.run([BIN, "--data-dir", DATA, *args], capture_output=True, text=True,
                          input=stdin)

out = cli("--json", "app", "list", "acme")
check("skydir app list shows both applications",
      out.returncode == 0 and {a["name"] for a in json.loads(out.stdout)} == {"Scimmy", "Infisical"},
      out.stdout + out.stderr)
out = cli("app", "test", "acme", "Scimmy")
check("skydir app test runs Test Connection step by step",
      out.returncode == 0 and "ok   create test user: POST /Users -> 201" in out.stdout and
      "connection works" in out.stdout, out.stdout + out.stderr)
out = cli("--json", "app", "status", "acme", "Scimmy")
cli_status = json.loads(out.stdout) if out.returncode == 0 else {}
check("skydir app status reports state and counts",
      cli_status.get("state") == "active" and cli_status.get("provisioned_users", 0) >= 4,
      out.stdout + out.stderr)
out = cli("app", "create", "acme", "Cli app", "--url", strict.base_url, "--token-stdin",
          "--deprovision", "delete", stdin=strict.token + "\n")
check("skydir app create takes the token from stdin", out.returncode == 0, out.stderr)
out = cli("app", "test", "acme", "Cli app")
check("...and that token works", out.returncode == 0, out.stdout + out.stderr)
out = cli("app", "create", "acme", "Bad", "--url", "ftp://x", "--token-stdin", stdin="t\n")
check("skydir app create refuses a bad URL with a clear message",
      out.returncode == 1 and "base_url: must start with https://" in out.stderr, out.stderr)
out = cli("app", "delete", "acme", "Cli app")
check("skydir app delete removes it", out.returncode == 0 and
      api("GET", "/api/applications")[1]["totalCount"] == 2)

# --- Audit -----------------------------------------------------------------------------------

code, events = api("POST", "/insights/directory/v1/events",
                   {"service": ["all"], "start_time": "2020-01-01T00:00:00Z", "limit": 1000})
types = {e.get("event_type") for e in events} if code == 200 else set()
check("provisioning is in the audit trail (create, update, deactivate, delete, failures)",
      {"scim_user_create", "scim_user_update", "scim_user_deactivate", "scim_user_delete",
       "scim_group_create", "scim_user_failed", "application_create"} <= types, str(sorted(types)))

# --- kill -9 in the middle of a large push ---------------------------------------------------

BULK = 1500
salt = b"bulksalt"
SSHA = "{SSHA}" + base64.b64encode(hashlib.sha1(b"Bulk-password" + salt).digest() + salt).decode()
with open(os.path.join(WORK, "bulk.ldif"), "w") as f:
    f.write("version: 1\n\n")
    for i in range(BULK):
        f.write(f"dn: uid=bulk{i:05d},ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\n"
                f"uid: bulk{i:05d}\ncn: Bulk {i}\nsn: {i}\nmail: bulk{i:05d}@acme.example\n"
                f"userPassword: {SSHA}\n\n")
    f.write("dn: cn=bulk,dc=example,dc=com\nobjectClass: groupOfNames\ncn: bulk\n")
    for i in range(BULK):
        f.write(f"member: uid=bulk{i:05d},ou=people,dc=example,dc=com\n")
sky("import", "acme", os.path.join(WORK, "bulk.ldif"))
code, found = api("GET", "/api/v2/usergroups?filter=name:eq:bulk")
bulk = found[0]
target.control("_latency", {"ms": 3})
associate(APP, bulk)
reached = wait_for("push under way", lambda: len(target.state()["users"]) >= 300, 60)
SERVER.kill9()
pushed_at_kill = len(target.state()["users"])
check("the server was killed in the middle of the push",
      reached and pushed_at_kill < BULK + 10, f"{pushed_at_kill} users at kill")
target.control("_latency", {"ms": 0})
SERVER.start()
wait_idle(APP, "push after restart", timeout=120)
st = target.state()
bulk_users = [u for u in st["users"] if u["userName"].startswith("bulk")]
check("after restart every user of the group is in the target", len(bulk_users) == BULK,
      f"{len(bulk_users)} of {BULK}")
twice = {name: n for name, n in st["created"]["users"].items() if name.startswith("bulk") and n != 1}
check("no user was created twice (no duplicates, each created by one POST)",
      not st["duplicates"]["users"] and not twice, json.dumps(st["duplicates"]) + json.dumps(twice))
g = target.groups().get("bulk", {})
check("the group holds every member once", len(g.get("members", [])) == BULK and
      len({m["value"] for m in g.get("members", [])}) == BULK, str(len(g.get("members", []))))

finish()
