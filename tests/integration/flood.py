"""Floods and slow clients against a running skydir started by flood_suite.sh with:
max_connections 120, max_connections_per_ip 40, unauthenticated_timeout 2 s, idle_timeout 6 s,
pdu_read_timeout 2 s, write_timeout 3 s, max_write_buffer_bytes 64 KiB, http.idle_timeout 3 s,
and 3000 users.

Each attack runs from its own loopback address (127.0.0.x), so per-address limits and "logged
once per client" can be told apart; after or during each one a client from 127.0.0.1 must still
be served. Usage: flood.py LDAP_PORT HTTP_PORT SERVER_PID BIND_DN PASSWORD SERVER_LOG
"""
import json
import os
import re
import socket
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ldap_wire import (Checks, bind_op, message, message_id_and_op, octets,  # noqa: E402
                       present, read_messages, result_code, search_op, tlv)

PORT, HTTP_PORT, PID = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
BIND_DN, PASSWORD, LOG = sys.argv[4], sys.argv[5], sys.argv[6]
BASE = BIND_DN.split(",", 1)[1]  # ou=Users,o=<org>,dc=jumpcloud,dc=com
report = Checks()


def connect(source="127.0.0.1", rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", PORT))
    return s


def bind_msg(msg_id=1):
    return message(msg_id, bind_op(BIND_DN, PASSWORD))


def search_all(msg_id):
    return message(msg_id, search_op(BASE, present("objectClass")))


def closed_by_server(s, timeout):
    """True when the server closes `s` (EOF or reset) within `timeout` seconds."""
    s.settimeout(timeout)
    try:
        while True:
            if not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def bound(source):
    """A connection from `source` that has bound (waits for the one answer, nothing more)."""
    s = connect(source)
    s.sendall(bind_msg())
    data = b""
    while len(data) < 2 or len(data) < 2 + data[1]:  # a bind response is short-form
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return s


def served(source="127.0.0.1"):
    """A fresh client binds and finds one user, within 5 s."""
    try:
        s = connect(source)
        s.sendall(bind_msg() + message(2, search_op(BASE, tlv(0xa3, octets("uid") +
                                                              octets("user00042")))))
        msgs, _ = read_messages(s, 5)
        s.close()
        return len(msgs) >= 3 and result_code(msgs[0]) == 0 and b"user00042" in msgs[1]
    except OSError:
        return False


def trickle(s, data, every=0.3, give_up=8):
    """Sends `data` a byte every `every` seconds until the server closes `s`; returns
    (closed, seconds taken, bytes sent)."""
    start, sent = time.time(), 0
    try:
        for b in data:
            s.sendall(bytes([b]))
            sent += 1
            time.sleep(every)
            if time.time() - start > give_up:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    closed = closed_by_server(s, 1)
    s.close()
    return closed, time.time() - start, sent


def metric(limit):
    text = urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT}/metrics", timeout=5).read()
    m = re.search(rb'skydir_ldap_limit_hits_total\{limit="%s"\} (\d+)' % limit.encode(), text)
    return int(m.group(1)) if m else 0


def log_lines(event, client_ip, limit=None):
    n = 0
    with open(LOG) as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event") == event and e.get("client_ip") == client_ip and \
                    (limit is None or e.get("limit") == limit or e.get("reason") == limit):
                n += 1
    return n


def rss_kib():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


rss_start = rss_kib()
report(served(), "a client is served before the floods")

# --- per-address limit: 40 held connections from 127.0.0.2, then 60 more are refused ---------
held = [bound("127.0.0.2") for _ in range(40)]
before = metric("max_connections_per_ip")
refused = 0
for _ in range(60):
    s = connect("127.0.0.2")
    refused += closed_by_server(s, 2)
    s.close()
report(refused == 60, "connections past max_connections_per_ip from one address are closed",
       f"{refused} of 60 closed")
report(served(), "another address is served while one address is at its limit")
report(metric("max_connections_per_ip") - before == 60,
       "each refusal is counted in skydir_ldap_limit_hits_total{limit=max_connections_per_ip}",
       f"{metric('max_connections_per_ip') - before}")
report(log_lines("net.connection_rejected", "127.0.0.2") == 1,
       "60 refusals of one address are logged once",
       f"{log_lines('net.connection_rejected', '127.0.0.2')} lines")

# --- total limit: 120 connections from several addresses, then everyone is refused ----------
held += [bound(f"127.0.0.{3 + i // 30}") for i in range(80)]
before = metric("max_connections")
extra = connect("127.0.0.9")
report(closed_by_server(extra, 2), "the connection past max_connections is closed")
extra.close()
report(metric("max_connections") - before >= 1, "counted as limit=max_connections")
for s in held:
    s.close()
held = []
time.sleep(0.5)
report(served(), "clients are served again once the flood lets go")

# --- connect/close flood ---------------------------------------------------------------------
start = time.time()
for _ in range(2000):
    s = connect("127.0.0.10")
    s.close()
report(served(), f"served after 2000 connects and closes in {time.time() - start:.1f}s")

# --- never binds: closed after unauthenticated_timeout, even while sending searches ------------
s = connect("127.0.0.11")
start = time.time()
s.sendall(message(1, search_op("", present("objectClass"))))  # the root DSE: no bind needed
read_messages(s, 0.5)
closed = closed_by_server(s, 5)
took = time.time() - start
report(closed and 1.5 <= took <= 4, "a connection that never binds is closed after 2 s",
       f"closed={closed} after {took:.1f}s")
s.close()
report(metric("unauthenticated_timeout") >= 1, "counted as limit=unauthenticated_timeout")

# --- idle after a bind: closed after idle_timeout --------------------------------------------
s = bound("127.0.0.12")
start = time.time()
closed = closed_by_server(s, 10)
took = time.time() - start
report(closed and 5.5 <= took <= 8, "an idle bound connection is closed after 6 s",
       f"closed={closed} after {took:.1f}s")
s.close()
report(metric("idle_timeout") >= 1, "counted as limit=idle_timeout")

# --- a message a byte at a time: the whole message must arrive within pdu_read_timeout --------
pdu = search_all(2)  # one byte every 0.3 s: each read is quick, the message never completes
closed, took, sent = trickle(bound("127.0.0.13"), pdu)
report(closed and took < 4 and sent < len(pdu),
       "a message trickled a byte at a time is cut off after pdu_read_timeout (2 s)",
       f"closed={closed} after {took:.1f}s, {sent} of {len(pdu)} bytes")
report(metric("pdu_read_timeout") >= 1, "counted as limit=pdu_read_timeout")

# --- HTTP: a request header trickled a byte at a time ends at the HTTP idle timeout (3 s) -------
request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n"
closed, took, _ = trickle(socket.create_connection(("127.0.0.1", HTTP_PORT), timeout=5), request)
healthy = urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT}/healthz", timeout=5).status == 200
report(closed and took < 5 and healthy,
       "an HTTP header sent a byte at a time is cut off after 3 s; /healthz still answers",
       f"closed={closed} after {took:.1f}s")

# --- pipelining: 500 requests in one write are answered in order ------------------------------
s = connect("127.0.0.14")
s.sendall(bind_msg() + b"".join(message(i, search_op("", present("objectClass"), scope=0))
                                for i in range(2, 502)))
msgs, _ = read_messages(s, 5)
s.close()
done = [message_id_and_op(m)[0] for m in msgs if message_id_and_op(m)[1] == 0x65]
report(done == list(range(2, 502)),
       "500 pipelined requests on one connection are all answered, in order",
       f"{len(done)} results")

# --- clients that never read: back-pressure, then write_timeout --------------------------------
readers = []
before = metric("write_timeout")
rss_before = rss_kib()
for i in range(20):
    s = connect("127.0.0.15", rcvbuf=4096)
    # 30 searches of 3000 entries each (~45 MB of results) and never a read.
    s.sendall(bind_msg() + b"".join(search_all(n) for n in range(2, 32)))
    readers.append(s)
time.sleep(1.5)
rss_during = rss_kib()
report(served(), "a client is served while 20 clients do not read their results")
report(rss_during - rss_before < 100 * 1024,
       "memory stays bounded while 20 clients leave 45 MB of results each unread",
       f"RSS grew {(rss_during - rss_before) // 1024} MiB")
print(f"# RSS: {rss_before // 1024} MiB before, {rss_during // 1024} MiB during the slow readers")
time.sleep(4)
report(metric("write_timeout") - before == 20,
       "each reader that stalls past write_timeout (3 s) is dropped and counted",
       f"{metric('write_timeout') - before} of 20")
report(log_lines("ldap.limit_hit", "127.0.0.15", "write_timeout") == 1,
       "20 stalled readers from one address are logged once",
       f"{log_lines('ldap.limit_hit', '127.0.0.15', 'write_timeout')} lines")
for s in readers:
    s.close()

# --- the floods together, then a last look ---------------------------------------------------
stop = threading.Event()


def hammer(source):
    while not stop.is_set():
        try:
            s = connect(source)
            s.sendall(b"\x30\x84\x00\x00\x10")  # a message that never completes
            s.close()
        except OSError:
            pass


threads = [threading.Thread(target=hammer, args=(f"127.0.0.{20 + i}",)) for i in range(4)]
for t in threads:
    t.start()
ok = all(served() for _ in range(10))
stop.set()
for t in threads:
    t.join()
report(ok, "10 clients in a row are served while four threads flood connections")
rss_end = rss_kib()
report(rss_end - rss_start < 150 * 1024, "RSS after all floods stays within 150 MiB of the start",
       f"{rss_start // 1024} -> {rss_end // 1024} MiB")
print(f"# RSS: {rss_start // 1024} MiB at start, {rss_end // 1024} MiB at the end")
sys.exit(report.finish())
