"""Under the real server: while handlers wait (blocking calls on workers, awaited coroutines),
every other view answers and new connections join — with one executor too. The waits end when
the test opens their gates (gates.py), so the checks hold on a loaded machine as on an idle one."""

import os
import socket
import threading
import urllib.parse

import pytest

from gates import Gates
from serving import HERE, get, serve
from wsclient import LiveClient

WAITS = ["blocking0", "blocking1", "blocking2", "async0", "async1", "async2"]


@pytest.mark.parametrize("executors", ["2", "1"])
def test_fifty_sessions_click_while_six_views_wait(executors, tmp_path):
    gates = Gates(tmp_path)
    with serve(os.path.join(HERE, "waiting_app.py"), "--executors", executors,
               "--handler-timeout", "120000") as port:
        healthy = []
        for _ in range(50):
            c = LiveClient(port, "/waiter")
            c.join()
            healthy.append(c)
        waiters = []
        for _ in range(len(WAITS)):
            c = LiveClient(port, "/waiter")
            c.join()
            c.sock.settimeout(120)               # its reply comes when the test opens the gate
            waiters.append(c)
        results = {}

        def wait(i, c):
            event = "hold" if WAITS[i].startswith("blocking") else "await_gate"
            results[i] = c.event(event, {"gate": gates.path(WAITS[i])})[1]

        threads = [threading.Thread(target=wait, args=(i, c)) for i, c in enumerate(waiters)]
        for t in threads:
            t.start()
        gates.wait_entered(WAITS)                # all six handlers are waiting now
        for _ in range(2):
            for c in healthy:
                c.event("inc")
        assert all(c.event("inc")[1] == "<p>3|</p>" for c in healthy)
        newcomer = LiveClient(port, "/waiter")   # a new connection joins during the waits
        assert newcomer.join() == "<p>0|</p>"
        assert all(t.is_alive() for t in threads), "the waits are still going on"
        gates.open(WAITS)
        for t in threads:
            t.join(120)
        assert [results.get(i) for i in range(6)] == ["<p>0|held</p>"] * 3 + ["<p>0|awaited</p>"] * 3
        for c in healthy + waiters + [newcomer]:
            c.close()


def test_pages_health_and_upgrades_do_not_wait_behind_a_slow_mount(tmp_path):
    """Two pages whose mount() waits hold two render threads; /health, another page and a
    WebSocket join are answered meanwhile (before: every first render ran on the one HTTP thread,
    so all of them waited for the slow mounts)."""
    gates = Gates(tmp_path)
    with serve(os.path.join(HERE, "waiting_app.py"), "--render-threads", "3") as port:
        results = {}

        def fetch(name):
            results[name] = get(port, "/gated?gate=" + urllib.parse.quote(gates.path(name)), timeout=60)

        slow = [threading.Thread(target=fetch, args=(n,)) for n in ("page0", "page1")]
        for t in slow:
            t.start()
        gates.wait_entered(["page0", "page1"])
        assert get(port, "/health") == (200, "ok\n")
        status, page = get(port, "/waiter")
        assert status == 200 and "<p>0|</p>" in page
        newcomer = LiveClient(port, "/waiter")
        assert newcomer.join() == "<p>0|</p>"
        newcomer.close()
        assert all(t.is_alive() for t in slow), "the slow pages are still waiting"
        gates.open(["page0", "page1"])
        for t in slow:
            t.join(60)
        assert [results[n][0] for n in ("page0", "page1")] == [200, 200]
        assert "gated page0" in results["page0"][1] and "gated page1" in results["page1"][1]


def test_pipelined_requests_are_answered_in_order_behind_a_render(tmp_path):
    """A request pipelined behind a page render on the same connection waits for it: responses
    keep the order of their requests."""
    gates = Gates(tmp_path)
    with serve(os.path.join(HERE, "waiting_app.py")) as port:
        sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        gate = urllib.parse.quote(gates.path("first"))
        sock.sendall(("GET /gated?gate=%s HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % gate).encode())
        gates.wait_entered(["first"])
        sock.settimeout(0.3)
        try:
            early = sock.recv(65536)
        except socket.timeout:
            early = b""
        assert early == b"", "nothing may be answered before the page: %r" % early[:200]
        gates.open(["first"])
        sock.settimeout(60)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        sock.close()
        first, second = data.index(b"gated first"), data.index(b"\r\n\r\nok\n")
        assert data.startswith(b"HTTP/1.1 200") and first < second
        assert data.count(b"HTTP/1.1 200") == 2
