"""The app of bench/cluster/run's persist runs: the example counter twice, with and without persist.

/ is examples/counter/app.py's Counter, which keeps nothing; /persist is the same class with
``persist = ["count"]``, so after each click its record goes to Redis. Both routes come from one
app and the load generator points at one of them, so the two runs differ in nothing but ``persist``.

Run: liveactor serve bench/cluster/counter_app.py --redis redis://127.0.0.1:6379/0
"""

import importlib.util
import os

_EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "counter", "app.py")
_spec = importlib.util.spec_from_file_location("bench_counter_example", _EXAMPLE)
_example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_example)
Counter = _example.Counter


class PersistedCounter(Counter):
    persist = ["count"]


routes = {"/": Counter, "/persist": PersistedCounter}
