"""A control-plane client for bench/soak/run, standard library only: an RFC 6455 client for binary
frames and the few protobuf messages of liveactor.monitor.v1 (proto/liveactor/monitor/v1/
monitor.proto) that the soak needs: Auth, Subscribe (a fresh Snapshot of sessions and views on
every call) and Command{Kill}. Protobuf fields are written and read by number, as the .proto gives
them; unknown fields are skipped, so a newer runtime still works.
"""
import base64
import json
import os
import socket
import struct
import urllib.parse

# --------------------------------------------------------------------------- protobuf wire format


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field_varint(number, value):
    return _varint(number << 3) + _varint(value)


def _field_bytes(number, data):
    if isinstance(data, str):
        data = data.encode()
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _read_varint(buf, i):
    shift = n = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        if not b & 0x80:
            return n, i
        shift += 7


def decode(buf):
    """{field number: [values]}: ints for varints, bytes for length-delimited fields."""
    fields = {}
    i = 0
    while i < len(buf):
        key, i = _read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _read_varint(buf, i)
        elif wire == 2:
            length, i = _read_varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"protobuf wire type {wire} not supported")
        fields.setdefault(number, []).append(value)
    return fields


def _first(fields, number, default=None):
    return fields.get(number, [default])[0]


# ClientMessage: request_id 1, auth 2 {token 1, client_name 2}, subscribe 3 {interval_ms 1,
# kinds 2}, command 4 {actor_id 1, kill 2 {reason 1}}.
# ServerMessage: request_id 1, hello 2, auth_result 3 {ok 1}, snapshot 4 {actors 3}, delta 5,
# command_result 6 {ok 1, error_code 2, message 3}, audit 7, error 8 {…}.
# Actor: id 1, incarnation 2, kind 3, name 4, parent_id 5, state 7 (2 = running).
ACTOR_RUNNING = 2


def actor_from(buf):
    f = decode(buf)
    return {"id": _first(f, 1, b"").decode(), "kind": _first(f, 3, b"").decode(),
            "name": _first(f, 4, b"").decode(), "state": _first(f, 7, 0)}


# --------------------------------------------------------------------------- WebSocket (client side)


class WebSocket:
    def __init__(self, url, timeout=30):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("control plane closed during the upgrade")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError(f"control plane refused the upgrade: {head.splitlines()[0]!r}")

    def send(self, data):
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            head = bytes([0x82, 0x80 | n])
        elif n < 65536:
            head = bytes([0x82, 0x80 | 126]) + struct.pack("!H", n)
        else:
            head = bytes([0x82, 0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
        self.sock.sendall(head + mask + masked)

    def _exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(min(n - len(buf), 1 << 20))
            if not chunk:
                raise ConnectionError("control plane closed the connection")
            buf += chunk
        return bytes(buf)

    def receive(self):
        """The next whole binary message (continuation frames joined); pings are answered."""
        message = bytearray()
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            payload = self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("control plane closed the connection")
            if opcode == 0x9:   # ping → pong
                mask = os.urandom(4)
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask
                                  + bytes(b ^ mask[i & 3] for i, b in enumerate(payload)))
                continue
            if opcode == 0xA:
                continue
            message += payload
            if b0 & 0x80:
                return bytes(message)

    def close(self):
        self.sock.close()


# --------------------------------------------------------------------------- the client


class ControlClient:
    """Authenticated operate-scope connection to a runtime found through <state dir>/control.json."""

    def __init__(self, state_dir, name="bench-soak"):
        with open(os.path.join(state_dir, "control.json")) as f:
            info = json.load(f)
        with open(info["token_file"]) as f:
            token = f.read().strip()
        self.ws = WebSocket(info["url"])
        self.next_id = 1
        self._wait(2)   # Hello
        rid = self._send(2, _field_bytes(1, token) + _field_bytes(2, name))
        result = decode(self._wait(3, rid))
        if not _first(result, 1, 0):
            raise PermissionError("control plane refused the token")

    def _send(self, field, body):
        rid = self.next_id
        self.next_id += 1
        self.ws.send(_field_varint(1, rid) + _field_bytes(field, body))
        return rid

    def _wait(self, field, rid=None):
        """Body of the next ServerMessage with that field (and request id), skipping the rest."""
        while True:
            msg = decode(self.ws.receive())
            if 8 in msg and (rid is None or _first(msg, 1, 0) == rid):
                raise RuntimeError(f"control plane error: {decode(msg[8][0])}")
            if field in msg and (rid is None or _first(msg, 1, 0) == rid):
                return msg[field][0]

    def actors(self, kinds=("session", "view")):
        """A fresh snapshot: a list of {id, kind, name, state}. (Subscribing again re-sends one; the
        slowest tick is asked for, so few deltas come in between.)"""
        body = _field_varint(1, 10000) + b"".join(_field_bytes(2, k) for k in kinds)
        self._send(3, body)
        snapshot = decode(self._wait(4))
        return [actor_from(a) for a in snapshot.get(3, [])]

    def kill(self, actor_id, reason="bench/soak"):
        """(ok, message) of a Kill command."""
        rid = self._send(4, _field_bytes(1, actor_id) + _field_bytes(2, _field_bytes(1, reason)))
        result = decode(self._wait(6, rid))
        ok = bool(_first(result, 1, 0))
        return ok, _first(result, 3, b"").decode() or _first(result, 2, b"").decode()

    def close(self):
        self.ws.close()
