"""Raw-socket hostile input against a running skydir ("no input crashes the server"), and StartTLS
out of order.

Each case sends bytes no well-behaved client sends and checks the answer: the right LDAP result
code, or a Notice of Disconnection / closed connection; and after every case a fresh client
must still be served. Prints one line per check and the closing "N passed, N failed" line.
Usage: hostile_input.py HOST PORT BIND_DN PASSWORD
"""
import os
import socket
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ldap_wire import (Checks, bind_op, integer, is_notice, message, octets, present,  # noqa: E402
                       read_messages, result_code, search_op, tlv)

HOST, PORT, BIND_DN, PASSWORD = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
report = Checks()


def connect():
    s = socket.create_connection((HOST, PORT), timeout=5)
    return s


def healthy():
    s = connect()
    s.sendall(message(1, bind_op(BIND_DN, PASSWORD)))
    msgs, _ = read_messages(s)
    s.close()
    return bool(msgs) and result_code(msgs[0]) == 0


def case(name, payload, expect):
    """expect: 'notice' (notice of disconnection or close), or an int result code."""
    s = connect()
    try:
        s.sendall(payload)
        try:
            s.shutdown(socket.SHUT_WR) if expect == "notice-eof" else None
        except OSError:
            pass
        msgs, closed = read_messages(s)
    finally:
        s.close()
    if expect in ("notice", "notice-eof"):
        ok = closed and (not msgs or is_notice(msgs[-1]) or expect == "notice-eof")
        report(ok, name, f"msgs={len(msgs)} closed={closed}")
    else:
        codes = [result_code(m) for m in msgs]
        report(expect in codes, name, f"codes={codes}")
    report(healthy(), f"server still serves after: {name}")


bind = message(1, bind_op(BIND_DN, PASSWORD))
case("garbage bytes", b"GET / HTTP/1.1\r\n\r\n", "notice")
case("indefinite length", b"\x30\x80" + integer(1) + b"\x42\x00\x00\x00", "notice")
case("non-minimal length", b"\x30\x81\x05" + integer(1) + b"\x42\x00", "notice")
case("length larger than any PDU", b"\x30\x84\x7f\xff\xff\xff", "notice")
case("truncated PDU then close", bind[: len(bind) // 2], "notice-eof")
case("message id 0", message(0, bind_op(BIND_DN, PASSWORD)), "notice")
case("unknown protocol op", message(1, tlv(0x7e, b"")), "notice")
case("bind version 2", message(1, tlv(0x60, integer(2) + octets(BIND_DN) + octets(PASSWORD, 0x80))), 2)
case("SASL bind", message(1, tlv(0x60, integer(3) + octets(BIND_DN) + tlv(0xa3, octets("PLAIN")))), 7)
deep = present("objectClass")
for _ in range(2000):
    deep = tlv(0xa2, deep)  # not(not(...)) 2000 deep
case("filter nested 2000 deep", bind + message(2, search_op("", deep)), 2)
many = tlv(0xa1, b"".join(present(f"a{i}") for i in range(5000)))
case("filter with 5000 terms", bind + message(2, search_op("", many)), 2)
case("10000 requested attributes",
     bind + message(2, search_op("", present("objectClass"), [f"attr{i}" for i in range(10000)])), 2)
case("invalid UTF-8 and junk in a DN", message(1, bind_op(b"uid=\xff\xfe,,==", "x")), 34)
case("operation before bind", message(1, search_op("o=x,dc=jumpcloud,dc=com", present("objectClass"))), 50)
case("write operation", bind + message(2, tlv(0x4a, b"uid=x")), 53)
case("unknown extended operation", bind + message(2, tlv(0x77, octets("1.2.3.4", 0x80))), 2)
case("duplicate message ids", bind + message(1, search_op("", present("objectClass"))), 0)


# --- StartTLS out of order (RFC 4511 §4.14.1) --------------------------------------------------
STARTTLS = message(9, tlv(0x77, octets("1.3.6.1.4.1.1466.20037", 0x80)))
PAGED_OID = b"1.2.840.113556.1.4.319"


def tls_after_starttls(sock):
    """Sends StartTLS on `sock`, checks success, returns the TLS-wrapped socket."""
    sock.sendall(STARTTLS)
    msgs, _ = read_messages(sock, 5)
    if not msgs or result_code(msgs[0]) != 0:
        raise OSError(f"StartTLS refused: {msgs}")
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(sock)


def paged_search(msg_id, size, cookie=b""):
    value = tlv(0x30, integer(size) + octets(cookie))
    control = tlv(0x30, octets(PAGED_OID) + octets(value))
    op = search_op(BIND_DN.split(",", 1)[1], present("objectClass"))
    return tlv(0x30, integer(msg_id) + op + tlv(0xa0, control))


def cookie_of(done):
    """The cookie in a searchResultDone's paged results control."""
    i = done.find(PAGED_OID) + len(PAGED_OID)
    value = done[i + 2:]  # the control's OCTET STRING (short form)
    seq = value[2:]
    n = seq[1] + 2 if seq[0] == 0x02 else 2  # skip the size INTEGER
    seq = seq[n:]
    return seq[2:2 + seq[1]]


s = connect()
try:
    t = tls_after_starttls(s)
    t.sendall(STARTTLS)
    msgs, _ = read_messages(t, 5)
    report(msgs and result_code(msgs[0]) == 1, "StartTLS twice: the second is operationsError (1)",
           f"{[result_code(m) for m in msgs]}")
    t.close()
except (OSError, ssl.SSLError) as e:
    report(False, "StartTLS twice: the second is operationsError (1)", str(e))
report(healthy(), "server still serves after: StartTLS twice")

case("a request pipelined right behind StartTLS", STARTTLS + bind, "notice")

s = connect()
try:
    s.sendall(bind + paged_search(2, 1))
    msgs, _ = read_messages(s, 5)
    cookie = cookie_of(msgs[-1])
    t = tls_after_starttls(s)
    t.sendall(message(3, bind_op(BIND_DN, PASSWORD)) + paged_search(4, 1, cookie))
    msgs, _ = read_messages(t, 5)
    codes = [result_code(m) for m in msgs]
    report(cookie and codes[:1] == [0] and codes[-1] == 53,
           "StartTLS in the middle of a paged search: the old cookie is unwillingToPerform (53)",
           f"cookie={cookie!r} codes={codes}")
    t.close()
except (OSError, ssl.SSLError) as e:
    report(False, "StartTLS in the middle of a paged search", str(e))
report(healthy(), "server still serves after: StartTLS in the middle of a paged search")
sys.exit(report.finish())
