"""The app of bench/loadtest/blockers: the example counter at "/" (the view bench/loadtest/compare
clicks for liveactor-py, imported unchanged), and at "/block" a view whose "block" handler is
declared blocking=True and sleeps BLOCKERS_SLEEP_S seconds (2 by default) on the worker pool.

Run: liveactor serve bench/loadtest/blockers_app.py
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))

from liveactor import LiveView, event  # noqa: E402

from counter.app import Counter  # noqa: E402

SLEEP_S = float(os.environ.get("BLOCKERS_SLEEP_S", "2"))


class Blocker(LiveView):
    template = """
<section class="blocker">
  <p>Blocking calls done: <span id="done">{{ done }}</span></p>
  <button id="block" phx-click="block">sleep</button>
</section>
"""

    def mount(self, params, session):
        self.done = 0

    @event("block", blocking=True)
    def block(self, value):
        time.sleep(SLEEP_S)   # a slow database query or HTTP call, holding no lock
        self.done += 1


routes = {"/": Counter, "/block": Blocker}
