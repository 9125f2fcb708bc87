"""A small client for skydir's admin API (JumpCloud's shape, x-api-key) for the suites that drive
it from Python's standard library, plus the `skydir` command and ldapsearch."""
import http.client
import json
import subprocess


class Answer:
    def __init__(self, status, body):
        self.status, self.text = status, body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"{self.status} {self.text[:300]}"


class Api:
    """Requests to one server with one API key; a fresh connection per request unless given."""

    def __init__(self, port, key, timeout=10):
        self.port, self.key, self.timeout = port, key, timeout

    def __call__(self, method, path, body=None, key=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            headers = {"Accept": "application/json", "x-api-key": key or self.key}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            return Answer(r.status, r.read().decode())
        finally:
            conn.close()

    def all_users(self):
        users, skip = [], 0
        while True:
            a = self("GET", f"/api/systemusers?limit=100&skip={skip}")
            users += a.json["results"]
            skip += 100
            if skip >= a.json["totalCount"]:
                return users


def ldapsearch(port, bind_dn, password, base, filt="(objectClass=*)", attrs=(), scope="sub"):
    """(exit code, {dn: {attr: [values]}}) from ldapsearch -LLL over plain LDAP."""
    p = subprocess.run(["ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H",
                        f"ldap://127.0.0.1:{port}", "-D", bind_dn, "-w", password, "-b", base,
                        "-s", scope, filt, *attrs], capture_output=True, text=True, timeout=30)
    entries, dn = {}, None
    for line in p.stdout.splitlines():
        if not line:
            dn = None
        elif line.startswith("dn:"):
            dn = line[3:].lstrip()  # "dn:" alone is the root DSE
            entries[dn] = {}
        elif dn is not None and ": " in line:
            name, value = line.split(": ", 1)
            entries[dn].setdefault(name, []).append(value)
    return p.returncode, entries
