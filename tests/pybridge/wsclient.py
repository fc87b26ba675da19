"""A minimal LiveView client for the tests: HTTP GET of a page (the dead render), then the
Phoenix channel over an RFC 6455 WebSocket with nothing but the standard library."""

import base64
import http.client
import json
import os
import re
import socket
import struct


def render_html(rendered):
    """HTML of a flat rendered tree (statics "s" around dynamics "0", "1", …; "s" may be an index
    into the shared statics "p")."""
    statics = rendered["s"]
    if isinstance(statics, int):
        statics = rendered["p"][str(statics)]
    out = [statics[0]]
    for i, s in enumerate(statics[1:]):
        out.append(str(rendered[str(i)]))
        out.append(s)
    return "".join(out)


class LiveClient:
    def __init__(self, port, path, cookie=None):
        """cookie: an optional Cookie header for the page GET (e.g. "sessionid=…")."""
        self.port = port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        page = conn.getresponse().read().decode()
        conn.close()
        self.page = page
        own_page = re.search(r'data-phx-static="">(.*)</div>\n</body>', page, re.S)
        self.dead_html = own_page.group(1) if own_page else None  # None: a layout's page
        self.container = re.search(r'<div id="([^"]+)" data-phx-main', page).group(1)
        self.token = re.search(r'data-phx-session="([^"]+)"', page).group(1)
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        self.url = "http://127.0.0.1:%d%s" % (port, path)
        self.connect(port)

    def connect(self, port):
        """Opens a WebSocket to the server at port for this page (its token and URL stay): what
        the official client does when its server went away — behind a load balancer it lands on
        another instance. join() again afterwards."""
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /live/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (port, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.ref = 0
        self.rendered = None

    def _send(self, message):
        data = json.dumps(message).encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("socket closed")
            buf += chunk
        return buf

    def frame(self):
        """The next server frame as (opcode, payload)."""
        b0, b1 = self._read_exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read_exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read_exact(8))[0]
        return b0 & 0x0F, self._read_exact(n)

    def receive(self):
        return json.loads(self.frame()[1])

    def call(self, event, payload):
        """Sends a push on the view's topic and returns the reply's response (pushes before it are
        skipped)."""
        self.ref += 1
        ref = str(self.ref)
        self._send(["1", ref, "lv:" + self.container, event, payload])
        while True:
            join_ref, reply_ref, topic, ev, body = self.receive()
            if ev == "phx_reply" and reply_ref == ref:
                assert body["status"] == "ok", body
                return body["response"]

    def join(self, mounts=None):
        """mounts: the official client's `_mounts` param (0 on a page's first join, then how
        many joins came before); None leaves it out."""
        params = {"_csrf_token": self.csrf}
        if mounts is not None:
            params["_mounts"] = mounts
        response = self.call("phx_join", {"url": self.url, "params": params, "session": self.token, "static": ""})
        self.rendered = response["rendered"]
        return render_html(self.rendered)

    def event(self, name, value=None):
        response = self.call("event", {"type": "click", "event": name, "value": value or {}})
        for key, value in response.get("diff", {}).items():
            self.rendered[key] = value
        return response, render_html(self.rendered)

    def close(self):
        self.sock.close()
