"""Hand-built MQTT 3.1.1 packets and a raw TCP client, for tests that must
send exactly the bytes they mean (malformed and hostile input included)."""

import socket
import struct
import time


def varint(n):
    out = b""
    while True:
        b = n % 128
        n //= 128
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def s(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(data)) + data


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def connect(client_id, password=None, username=None, keepalive=30, clean=True,
            will=None, level=4, name="MQTT"):
    if password is not None and username is None:
        username = client_id  # as pando devices do; 3.1.1 needs a user name
    flags = 0x02 if clean else 0
    payload = s(client_id)
    if will:
        topic, msg, qos = will
        flags |= 0x04 | (qos << 3)
        payload += s(topic) + s(msg)
    if username is not None:
        flags |= 0x80
        payload += s(username)
    if password is not None:
        flags |= 0x40
        payload += s(password)
    var = s(name) + bytes([level, flags]) + struct.pack(">H", keepalive)
    return packet(0x10, var + payload)


def publish(topic, payload, qos=0, pid=1, dup=False, retain=False):
    first = 0x30 | (qos << 1) | (0x08 if dup else 0) | (0x01 if retain else 0)
    body = s(topic) + (struct.pack(">H", pid) if qos else b"") + payload
    return packet(first, body)


def subscribe(pid, *filters):
    body = struct.pack(">H", pid)
    for f, q in filters:
        body += s(f) + bytes([q])
    return packet(0x82, body)


def pubrel(pid):
    return packet(0x62, struct.pack(">H", pid))


def puback(pid):
    return packet(0x40, struct.pack(">H", pid))


PINGREQ = b"\xc0\x00"
DISCONNECT = b"\xe0\x00"


class Raw:
    """A TCP connection that reads whole MQTT packets."""

    def __init__(self, port, host="127.0.0.1", rcvbuf=None):
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect((host, port))
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return None
        except ConnectionResetError:
            return b""
        return chunk

    def read_packet(self, timeout=5):
        """Returns (first byte, body) of the next packet; 'closed' if the
        peer closed; None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 2:
                n, mult, i = 0, 1, 1
                while i < len(self.buf) and i <= 4:
                    b = self.buf[i]
                    n += (b & 0x7F) * mult
                    mult *= 128
                    i += 1
                    if not b & 0x80:
                        if len(self.buf) >= i + n:
                            first, body = self.buf[0], self.buf[i:i + n]
                            self.buf = self.buf[i + n:]
                            return first, body
                        break
            chunk = self._fill(deadline)
            if chunk is None:
                return None
            if chunk == b"":
                return "closed"
            self.buf += chunk

    def closed_within(self, timeout=5):
        """True if the peer closes within `timeout` (packets before the close
        are skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            p = self.read_packet(deadline - time.monotonic())
            if p == "closed":
                return True
            if p is None:
                return False
        return False

    def close(self):
        self.sock.close()
