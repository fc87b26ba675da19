"""The app of bench/soak/run: one view with the three kinds of work a long-running server does.

* clicks: "inc" counts (the load generator's event);
* a timer: every SOAK_TICK_MS (2,000 by default) each connected view ticks itself with send_after;
* pub/sub: every view subscribes to one topic; a click broadcasts to all of them, at most once
  every SOAK_BROADCAST_MS (1,000 by default) over the whole server, so the fan-out stays one
  message per view per period whatever the click rate.

Run: liveactor serve bench/soak/soak_app.py
"""

import os
import time

import liveactor
from liveactor import LiveView, event

TOPIC = "soak:news"
TICK_MS = int(os.environ.get("SOAK_TICK_MS", "2000"))
BROADCAST_S = int(os.environ.get("SOAK_BROADCAST_MS", "1000")) / 1000.0
# When the last broadcast went out. Views run one at a time under the GIL: a list is safe.
_last_broadcast = [0.0]


class Soak(LiveView):
    template = """
<section class="soak">
  <p>clicks <b id="count">{{ count }}</b> · ticks <b id="ticks">{{ ticks }}</b> ·
     news <b id="news">{{ news }}</b> (last {{ last }})</p>
  <button id="inc" phx-click="inc">+</button>
</section>
"""

    def mount(self, params, session):
        self.count = 0
        self.ticks = 0
        self.news = 0
        self.last = 0
        if self.connected:
            self.subscribe(TOPIC)
            self.send_after(TICK_MS, "tick")

    @event("inc")
    def inc(self, value):
        self.count += 1
        now = time.monotonic()
        if now - _last_broadcast[0] >= BROADCAST_S:
            _last_broadcast[0] = now
            liveactor.broadcast(TOPIC, ("news", self.count))

    def handle_info(self, msg):
        if msg == "tick":
            self.ticks += 1
            self.send_after(TICK_MS, "tick")
        elif isinstance(msg, (tuple, list)) and msg[0] == "news":
            self.news += 1
            self.last = msg[1]


routes = {"/": Soak}
