"""Under the real server: while handlers wait (blocking calls on workers, awaited coroutines),
every other view answers and new connections join — with one executor too. The waits end when
the test opens their gates (gates.py), so the checks hold on a loaded machine as on an idle one."""

import os
import threading

import pytest

from gates import Gates
from serving import HERE, serve
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
