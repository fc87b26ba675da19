"""Views used by the pytest suite."""

import dataclasses
import datetime

import liveactor
from liveactor import LiveView, event, mark_safe


class Echo(LiveView):
    template = "<p>{{ id }}|{{ q }}|{{ user }}|{{ is_connected }}</p>"

    def mount(self, params, session):
        self.id = params["id"]
        self.q = params.get("q", "")
        self.user = session.get("user", "")
        self.is_connected = self.connected


class Crashy(LiveView):
    template = "<p>{{ n }}</p>"

    def mount(self, params, session):
        self.n = 0

    @event("inc")
    def inc(self):
        self.n += 1

    @event("boom")
    def boom(self, value):
        self._explode(value.get("why", "no reason"))

    def _explode(self, why):
        raise RuntimeError("exploded: " + why)


@dataclasses.dataclass
class Item:
    id: int
    label: str


class Card:
    def __init__(self, title):
        self.title = title

    def shout(self):
        return self.title.upper()


class Types(LiveView):
    template = ("{{ s }}|{{ i }}|{{ f }}|{{ b }}|{{ none }}|{{ l|join:',' }}|{{ t.1 }}|{{ d.k }}|{{ item.label }}"
                "|{{ card.shout }}|{{ when|date:'Y-m-d H:i' }}|{{ day|date:'Y-m-d' }}|{{ html }}|{{ esc }}")

    def mount(self, params, session):
        self.s = "str"
        self.i = 42
        self.f = 2.5
        self.b = True
        self.none = None
        self.l = [1, 2, 3]
        self.t = ("a", "b")
        self.d = {"k": "v"}
        self.item = Item(1, "dataclass")
        self.card = Card("lazy")
        self.when = datetime.datetime(2024, 5, 6, 7, 8)
        self.day = datetime.date(2024, 5, 6)
        self.html = mark_safe("<b>safe</b>")
        self.esc = "<b>escaped</b>"


class BadAssign(LiveView):
    template = "<p>{{ ok }}</p>"

    def mount(self, params, session):
        self.ok = 1

    @event("bad")
    def bad(self):
        self.blob = {"rows": [1, b"raw"]}


class Ticker(LiveView):
    template = "<p>{{ ticks }}</p>"

    def mount(self, params, session):
        self.ticks = 0
        self.limit = int(params.get("limit", 3))
        self.send_after(20, "tick")

    def handle_info(self, msg):
        if msg == "tick":
            self.ticks += 1
            if self.ticks < self.limit:
                self.send_after(20, "tick")


class Room(LiveView):
    template = "<ul>{% for m in messages %}<li>{{ m }}</li>{% endfor %}</ul>"

    def mount(self, params, session):
        self.room = params["name"]
        self.messages = []
        self.subscribe("room:" + self.room)

    @event("say")
    def say(self, value):
        self.sent = liveactor.broadcast("room:" + self.room, value["text"])

    def handle_info(self, msg):
        self.messages.append(msg)  # in-place: detected by the snapshot compare


class Pusher(LiveView):
    template = '<p>{{ n }}</p><button id="go" phx-click="go">go</button>'

    def mount(self, params, session):
        self.n = 0

    @event("go")
    def go(self):
        self.push_event("flash", {"text": "hi", "n": [1, 2]})
        self.page_title = "Pushed"
        self.redirect("/elsewhere")


class Spinner(LiveView):
    template = "<p>{{ n }}</p>"

    def mount(self, params, session):
        self.n = 0

    @event("spin")
    def spin(self):
        while True:
            self.n += 1

    @event("stubborn")
    def stubborn(self):
        """Catches HandlerTimeout three times and spins on: the runtime must raise it again."""
        from liveactor import HandlerTimeout
        for _ in range(3):
            try:
                while True:
                    self.n += 1
            except HandlerTimeout:
                pass
        while True:
            self.n += 1

    @event("inc")
    def inc(self):
        self.n += 1


class FromFile(LiveView):
    template_name = "fromfile.html"

    def mount(self, params, session):
        self.heading = "file"
        self.items = [Item(1, "one"), Item(2, "two")]

    @event("rotate")
    def rotate(self):
        self.items = self.items[1:] + self.items[:1]


class Paged(LiveView):
    """Parameter precedence and the patch chain, the same through _native and a WebSocket."""

    template = "<p>{{ id }}|{{ q }}|{{ page }}|{{ calls }}</p>"

    def mount(self, params, session):
        self.id = params["id"]          # the route's :id wins over ?id=
        self.q = params.get("q", "")
        self.calls = 0

    def handle_params(self, params, url):
        self.calls += 1
        self.page = int(params.get("page", "1"))
        if self.page == 3:              # a patch from handle_params is followed too
            self.push_patch("?page=4&id=ignored")

    @event("next")
    def next(self):
        self.push_patch("?page=%d" % (self.page + 1))

    @event("away")
    def away(self):
        self.push_patch("/counter")     # another view's URL: live navigation instead


routes = {"/paged/:id": Paged}


def _gate(path):
    """Yields until the file path exists, after announcing the wait in path + ".entered"."""
    import os
    with open(path + ".entered", "w"):
        pass
    while not os.path.exists(path):
        yield


class Waiter(LiveView):
    """Callbacks that wait: a blocking call on the worker pool, a coroutine on the asyncio loop."""

    template = "<p>{{ n }}|{{ note }}</p>"

    def mount(self, params, session):
        self.n = 0
        self.note = ""

    @event("sleep", blocking=True)
    def sleep(self, value):
        import time
        time.sleep(float(value.get("s", "0.5")))
        self.note = "slept"

    @event("stuck")
    def stuck(self, value):
        """A plain sync handler that blocks its thread for ten minutes (with --sync-handlers
        inline: the executor's), announced by "<gate>.entered"; HandlerTimeout cannot interrupt
        a time.sleep."""
        import time
        with open(value["gate"] + ".entered", "w"):
            pass
        time.sleep(600)

    @event("nap")
    async def nap(self, value):
        import asyncio
        await asyncio.sleep(float(value.get("s", "0.5")))
        self.note = "napped"

    @event("nap_fail")
    async def nap_fail(self):
        import asyncio
        await asyncio.sleep(0.01)
        raise ValueError("async boom")

    # Waits the tests end themselves: value["gate"] is a file path; the handler creates
    # "<gate>.entered" once it waits and returns when the test creates <gate>. No test has to
    # guess how long a wait takes on a loaded machine.
    @event("hold", blocking=True)
    def hold(self, value):
        import time
        for _ in _gate(value["gate"]):
            time.sleep(0.005)
        self.note = "held"

    @event("await_gate")
    async def await_gate(self, value):
        import asyncio
        for _ in _gate(value["gate"]):
            await asyncio.sleep(0.005)
        self.note = "awaited"

    @event("inc")
    def inc(self):
        self.n += 1

    @event("dawdle")
    def dawdle(self):
        import time
        time.sleep(0.05)   # undeclared: the "auto" policy moves it to the pool from now on


class GatedPage(LiveView):
    """A page whose first (dead) render waits in mount() for the gate named by ?gate=: while it
    waits, other pages, /health and WebSocket upgrades must still be answered."""

    template = "<p>gated {{ name }}</p>"

    def mount(self, params, session):
        import time
        self.name = params.get("gate", "").rsplit("/", 1)[-1]
        if not self.connected and params.get("gate"):
            for _ in _gate(params["gate"]):
                time.sleep(0.005)


class Asyncs(LiveView):
    template = ("<p>{% if orders.loading %}loading{% elif orders.ok %}{{ orders.result }}"
                "{% else %}failed: {{ orders.failed }}{% endif %}|{{ got }}</p>")

    def mount(self, params, session):
        self.got = ""
        self.assign_async("orders", self._load, params.get("fail") == "1")

    @staticmethod
    def _load(fail):
        import time
        time.sleep(0.2)
        if fail:
            raise RuntimeError("no orders")
        return "3 orders"

    @event("go")
    def go(self):
        async def work():
            import asyncio
            await asyncio.sleep(0.1)
            return 42
        self.start_async("answer", work)

    @event("go_and_cancel")
    def go_and_cancel(self):
        self.start_async("late", lambda: 7)
        self.cancel_async("late")

    def handle_async(self, name, result):
        self.got = "%s=%s" % (name, result.result if result.ok else "failed")
