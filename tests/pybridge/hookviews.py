"""Views for test_hooks_flash.py: event replies to hooks, flash messages."""

import asyncio

from liveactor import LiveView, event


class Replier(LiveView):
    """Replies to a hook's pushEvent from every kind of handler."""

    template = "<p>{{ n }}</p>"

    def mount(self, params, session):
        self.n = 0

    @event("ask")
    def ask(self, value):
        self.n += 1
        return {"n": self.n, "echo": value.get("q")}

    @event("ask_async")
    async def ask_async(self, value):
        await asyncio.sleep(0)
        self.n += 1
        return {"n": self.n, "how": "async"}

    @event("ask_blocking", blocking=True)
    def ask_blocking(self, value):
        self.n += 1
        return {"n": self.n, "how": "blocking"}

    @event("silent")
    def silent(self):
        self.n += 1

    @event("a_string")
    def a_string(self):
        self.n += 1
        return "not a dict"

    @event("not_json")
    def not_json(self):
        self.n += 1
        return {"when": object()}


class CatchAll(LiveView):
    """handle_event's return value is the reply too."""

    template = "<p>{{ last }}</p>"

    def mount(self, params, session):
        self.last = ""

    def handle_event(self, name, value):
        self.last = name
        return {"handled": name}


class Flasher(LiveView):
    """put_flash / clear_flash, and the flash carried by push_redirect and redirect."""

    template = '{% if flash.info %}<p id="info">{{ flash.info }}</p>{% endif %}' \
               '{% if flash.error %}<p id="error">{{ flash.error }}</p>{% endif %}'

    def mount(self, params, session):
        self.arrived = dict(self.flash)

    @event("put")
    def put(self, value):
        self.put_flash(value["kind"], value["message"])

    @event("clear")
    def clear(self, value):
        self.clear_flash(value.get("kind"))

    @event("live")
    def live(self):
        self.push_redirect("/flasher?from=live")
        self.put_flash("info", "Moved")  # after the redirect call: still carried

    @event("full")
    def full(self):
        self.put_flash("error", "Gone")
        self.redirect("/flasher?from=full")

    @event("bad")
    def bad(self):
        self.put_flash("info", object())


routes = {"/replier": Replier, "/catchall": CatchAll, "/flasher": Flasher}
