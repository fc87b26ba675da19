"""The smallest live view: a counter. Run: liveactor serve examples/counter/app.py"""

from liveactor import LiveView, event


class Counter(LiveView):
    template = """
<section class="counter">
  <h1>Count: <span id="count">{{ count }}</span></h1>
  <button id="dec" phx-click="dec">−</button>
  <button id="inc" phx-click="inc">+</button>
  <button id="add10" phx-click="add" phx-value-by="10">+10</button>
  <button id="reset" phx-click="reset">reset</button>
  {% if count >= 10 %}<p class="note">That is a lot of clicks.</p>{% endif %}
  <p><a href="/">all examples</a></p>
</section>
"""

    def mount(self, params, session):
        self.count = int(params.get("start", 0))
        self.page_title = "Counter"

    @event("inc")
    def inc(self, value):
        self.count += 1

    @event("dec")
    def dec(self, value):
        self.count -= 1

    @event("add")
    def add(self, value):
        self.count += int(value.get("by", 1))

    @event  # the event name is the method name: "reset"
    def reset(self):
        self.count = 0


routes = {"/": Counter}
