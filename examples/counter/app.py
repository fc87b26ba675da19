"""The smallest live view: a counter. Run: liveactor serve examples/counter/app.py --static-dir examples/static

The "odd or even?" button is a JavaScript hook (Parity in examples/static/app.js): it pushes an
event and shows the handler's reply. examples/app.py serves that folder by itself (static/ next to
it); run alone, the counter needs --static-dir for it.
"""

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
  <p><button id="parity-check" phx-hook="Parity" data-output="parity">odd or even?</button>
     <span id="parity" phx-update="ignore"></span></p>
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

    @event
    def parity(self):
        # Pushed by the Parity hook: a returned dict is the reply its pushEvent callback gets.
        return {"count": self.count, "parity": "even" if self.count % 2 == 0 else "odd"}


routes = {"/": Counter}
