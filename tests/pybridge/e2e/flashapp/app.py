"""A small app for hooks_flash.test.mjs: a hook that asks the server (replies and a missing
handler), and flash messages carried by a full redirect and by live navigation. Its static/ folder
is served at /static/ (static/app.js registers the hook)."""

from liveactor import LiveView, event


class Home(LiveView):
    template = """
{% if flash.info %}<p id="flash">{{ flash.info }}</p>{% endif %}
<div id="asker" phx-hook="Asker"></div>
<p id="n">{{ n }}</p>
<button id="inc" phx-click="inc">+</button>
<button id="full" phx-click="full">full redirect</button>
<button id="live" phx-click="live">live redirect</button>
"""

    def mount(self, params, session):
        self.n = 0

    @event
    def inc(self):
        self.n += 1

    @event
    def ask(self, value):
        return {"n": self.n, "echo": value.get("q")}

    @event
    def full(self):
        self.put_flash("info", "Carried by a cookie")
        self.redirect("/landing")

    @event
    def live(self):
        self.put_flash("info", "Carried live")
        self.push_redirect("/landing")


class Landing(LiveView):
    template = """
{% if flash.info %}<p id="flash" phx-click="lv:clear-flash" phx-value-key="info">{{ flash.info }}</p>{% endif %}
<p id="landed">landed</p>
"""


routes = {"/": Home, "/landing": Landing}
