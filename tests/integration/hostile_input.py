"""Raw-socket hostile input against a running skydir (issue 3 "no input crashes the server").

Each case sends bytes no well-behaved client sends and checks the answer: the right LDAP result
code, or a Notice of Disconnection / closed connection; and after every case a fresh client
must still be served. Prints one line per check and the closing "N passed, N failed" line.
Usage: hostile_input.py HOST PORT BIND_DN PASSWORD
"""
import os
import socket
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
sys.exit(report.finish())
