"""The app of bench/cluster/run: the example counter with and without persist, and the fan-out room.

/ is examples/counter/app.py's Counter, which keeps nothing; /persist is the same class with
``persist = ["count"]``, so after each click its record goes to Redis. The load generator points at
one of them, so the persist runs differ in nothing but ``persist``.

/fanout and GET /publish are bench/loadtest/fanout_app.py's chat room and trigger: with
``serve --redis`` a broadcast from /publish on one instance reaches the rooms on every instance.
GET /noop answers like /publish without broadcasting, for the load generators that only listen on
the other instances (liveactor-loadgen --mode fanout always sends its own triggers).

Run: liveactor serve bench/cluster/cluster_app.py --redis redis://127.0.0.1:6379/0
"""

import importlib.util
import os

from liveactor import http

_REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def _load(name, *path):
    spec = importlib.util.spec_from_file_location(name, os.path.join(_REPO, *path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


Counter = _load("bench_counter_example", "examples", "counter", "app.py").Counter
Room = _load("bench_fanout_app", "bench", "loadtest", "fanout_app.py").Room  # registers GET /publish


class PersistedCounter(Counter):
    persist = ["count"]


@http.get("/noop")
def noop(request):
    return http.Response("0\n", content_type="text/plain")


routes = {"/": Counter, "/persist": PersistedCounter, "/fanout": Room}
