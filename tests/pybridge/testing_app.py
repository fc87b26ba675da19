"""Views that test_testing.py drives through liveactor.testing: each one shows what it received,
so the tests see exactly what the testing client sent and what the server decoded."""

import json

from liveactor import LiveView, event


def shown(value):
    return json.dumps(value, sort_keys=True)


class Clicks(LiveView):
    template = """
<div id="clicks">
  <button id="plain" phx-click="got">plain</button>
  <button id="valued" phx-click="got" phx-value-item-id="7" phx-value-kind="x" value="v">valued</button>
  <button id="js" phx-click='[["push",{"event":"got","value":{"from":"js"}}]]'>js</button>
  <button id="jsonly" phx-click='[["toggle",{"to":"#x"}]]'>no push</button>
  <span id="inert">no binding</span>
  <button id="off" phx-click="got" disabled>disabled</button>
  <input id="key" phx-keyup="got" value="typed"/>
  <ul>{% for i in items %}<li class="item">item {{ i }}</li>{% endfor %}</ul>
  <pre id="got">{{ received }}</pre>
  <div id="kept" phx-update="ignore" data-n="{{ n }}"><i>{{ n }}</i></div>
  <p id="n">{{ n }}</p>
  <a id="patch-link" href="/clicks?only=3" data-phx-link="patch" data-phx-link-state="push">3 only</a>
  <a id="nav-link" href="/forms" data-phx-link="redirect" data-phx-link-state="push">forms</a>
</div>"""

    def mount(self, params, session):
        self.received = ""
        self.items = [1, 2, 3]
        self.n = 0
        self.user = session.get("user", "")

    @event
    def got(self, value):
        self.received = shown(value)

    @event
    def bump(self):
        self.n += 1

    @event
    def signal(self, value):
        self.push_event("highlight", {"id": value.get("id", "none")})

    @event
    def leave(self):
        self.push_redirect("/chat")

    @event
    def away(self):
        self.redirect("https://example.com/")

    @event
    def narrow(self, value):
        self.push_patch("?only=" + value.get("only", "1"))

    def handle_params(self, params, url):
        if "only" in params:
            self.items = [int(params["only"])]

    def handle_info(self, msg):
        if msg == "tick-later":
            self.send_after(30, "tick")
            return
        if msg == "quiet":
            return
        if msg == "ping":
            self.push_event("pong", {})
            return
        self.received = shown(["info", msg])


class Forms(LiveView):
    template = """
<form id="f" phx-change="validate" phx-submit="save">
  <input type="text" name="user[name]" value="{{ name }}"/>
  <input type="hidden" name="user[id]" value="5"/>
  <textarea name="note">first line</textarea>
  <select name="color"><option value="r">red</option><option value="g">green</option></select>
  <select name="size"><option>S</option><option selected>M</option></select>
  <input type="checkbox" name="agree" value="yes"/>
  <input type="checkbox" name="news" checked/>
  <input type="radio" name="plan" value="a"/><input type="radio" name="plan" value="b" checked/>
  <input type="text" name="off" value="x" disabled/>
  <select name="tags[]" multiple><option value="t1" selected>1</option><option value="t2" selected>2</option><option value="t3">3</option></select>
  <select name="pets" multiple><option value="cat">cat</option><option value="dog">dog</option></select>
  <button name="action" value="draft">Save draft</button>
  <button name="action" value="publish" id="publish">Publish</button>
</form>
<form id="nochange" phx-submit="save"><input name="q"/></form>
<div id="notaform"></div>
<pre id="got">{{ received }}</pre>"""

    def mount(self, params, session):
        self.name = "ann"
        self.received = ""

    @event
    def validate(self, form):
        self.received = shown(["validate", form])

    @event
    def save(self, form):
        self.received = shown(["save", form])
        self.name = form.get("user", {}).get("name", "")


class Gate(LiveView):
    template = "<p>members only, {{ user }}</p>"

    def mount(self, params, session):
        self.user = session.get("user")
        if not self.user:
            self.push_redirect("/login")


class Room(LiveView):
    template = "<p>{{ said }}</p>"

    def mount(self, params, session):
        self.said = ""
        if self.connected:
            self.subscribe("room")

    def handle_info(self, msg):
        self.said = str(msg)


routes = {"/clicks": Clicks, "/forms": Forms, "/gate": Gate, "/room": Room}
