"""A clock: the server pushes a new time every second (send_after → handle_info → diff).

Run: liveactor serve examples/clock/app.py
"""

import datetime

from liveactor import LiveView, event


class Clock(LiveView):
    template = """
<section class="clock">
  <h1 id="time">{{ now|date:"H:i:s" }}</h1>
  <p id="date">{{ now|date:"l, j F Y" }}</p>
  <p>ticks: <span id="ticks">{{ ticks }}</span>
     <button id="toggle" phx-click="toggle">{% if running %}pause{% else %}resume{% endif %}</button></p>
  <p><a href="/">all examples</a></p>
</section>
"""

    def mount(self, params, session):
        self.now = datetime.datetime.now()
        self.ticks = 0
        self.running = True
        self.page_title = "Clock"
        if self.connected:
            self._timer = self.send_after(1000, "tick")

    def handle_info(self, msg):
        if msg == "tick" and self.running:
            self.now = datetime.datetime.now()
            self.ticks += 1
            self._timer = self.send_after(1000, "tick")

    @event("toggle")
    def toggle(self):
        self.running = not self.running
        if self.running:
            self.now = datetime.datetime.now()
            self._timer = self.send_after(1000, "tick")
        else:
            self.cancel_timer(self._timer)


routes = {"/": Clock}
