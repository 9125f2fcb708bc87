"""LDAP wire helpers for the raw-socket suites: BER encoding of the few requests they send and a
reader that splits what comes back into LDAPMessages."""
import socket


def tlv(tag, body):
    n = len(body)
    if n < 128:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def integer(v, tag=0x02):
    return tlv(tag, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def octets(s, tag=0x04):
    return tlv(tag, s if isinstance(s, bytes) else s.encode())


def message(msg_id, op):
    return tlv(0x30, integer(msg_id) + op)


def bind_op(dn, pw):
    return tlv(0x60, integer(3) + octets(dn) + octets(pw, 0x80))


def search_op(base, filt, attrs=(), scope=2):
    return tlv(0x63, octets(base) + integer(scope, 0x0A) + integer(0, 0x0A) + integer(0) +
               integer(0) + tlv(0x01, b"\x00") + filt +
               tlv(0x30, b"".join(octets(a) for a in attrs)))


def present(attr):
    return octets(attr, 0x87)


def read_messages(sock, timeout=5.0):
    """Reads whole LDAPMessages until the connection is idle or closed; returns (msgs, closed)."""
    sock.settimeout(timeout)
    data = b""
    closed = False
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
            sock.settimeout(0.5)
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    msgs = []
    while len(data) >= 2:
        n = data[1]
        hdr = 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(data[2:2 + k], "big")
            hdr = 2 + k
        msgs.append(data[:hdr + n])
        data = data[hdr + n:]
    return msgs, closed


def message_id_and_op(msg):
    """(messageID, protocolOp tag) of one LDAPMessage."""
    i = 2 + (msg[1] & 0x7F if msg[1] & 0x80 else 0)
    n = msg[i + 1]
    return int.from_bytes(msg[i + 2:i + 2 + n], "big", signed=True), msg[i + 2 + n]


def result_code(msg):
    """The resultCode of an LDAPResult-shaped response (the first ENUMERATED)."""
    i = msg.find(b"\x0a\x01")
    return msg[i + 2] if i >= 0 else None


def is_notice(msg):
    return b"1.3.6.1.4.1.1466.20036" in msg


class Checks:
    """One "ok - name" / "FAIL - name : detail" line per check, then "N passed, N failed"."""

    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, ok, name, detail=""):
        if ok:
            self.passed += 1
            print(f"ok - {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL - {name} : {detail}", flush=True)
        return ok

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
