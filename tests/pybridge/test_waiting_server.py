"""Under the real server: while handlers wait (blocking calls on workers, awaited coroutines),
every other view answers at its normal latency and new connections join — with one executor
too."""

import os
import threading
import time

import pytest

from serving import HERE, serve
from wsclient import LiveClient


@pytest.mark.parametrize("executors", ["2", "1"])
def test_fifty_sessions_click_while_six_views_wait(executors):
    with serve(os.path.join(HERE, "waiting_app.py"), "--executors", executors) as port:
        healthy = []
        for _ in range(50):
            c = LiveClient(port, "/waiter")
            c.join()
            healthy.append(c)
        waiters = []
        for _ in range(6):
            c = LiveClient(port, "/waiter")
            c.join()
            waiters.append(c)
        results = {}

        def wait(i, c):
            event = "sleep" if i < 3 else "nap"   # 3 blocking calls, 3 awaits, 5 s each
            results[i] = c.event(event, {"s": "5"})[1]

        threads = [threading.Thread(target=wait, args=(i, c)) for i, c in enumerate(waiters)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(0.2)
        worst = 0.0
        clicks = 0
        while time.monotonic() - t0 < 3.5:
            for c in healthy:
                c0 = time.monotonic()
                c.event("inc")
                worst = max(worst, time.monotonic() - c0)
                clicks += 1
        j0 = time.monotonic()
        newcomer = LiveClient(port, "/waiter")   # a new connection joins during the waits
        assert newcomer.join() == "<p>0|</p>"
        join_time = time.monotonic() - j0
        assert all(t.is_alive() for t in threads), "the waits are still going on"
        for t in threads:
            t.join(15)
        elapsed = time.monotonic() - t0
        assert worst < 1.0, "a healthy click waited %.2f s" % worst
        assert join_time < 1.0, "joining took %.2f s" % join_time
        assert clicks >= 50
        assert elapsed >= 5.0
        assert [results[i] for i in range(6)] == ["<p>0|slept</p>"] * 3 + ["<p>0|napped</p>"] * 3
        for c in healthy + waiters + [newcomer]:
            c.close()
