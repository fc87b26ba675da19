"""Chat: every browser on /chat sees every message, through liveactor's pub/sub.

Run: liveactor serve examples/chat/app.py — open it in two browsers.
"""

import collections
import datetime
import random

import liveactor
from liveactor import LiveView, event

TOPIC = "chat:lobby"
HISTORY = 50
# Recent messages for newcomers. Views run one at a time under the GIL, so a deque is safe.
_history = collections.deque(maxlen=HISTORY)
_next_id = [0]


class Activity(LiveView):
    """The sidebar: a nested live view ({% live_render %} in chat.html) with its own view actor
    and subscription. It counts what arrived since the page opened; a crash here would restart
    the sidebar only, never the chat."""
    template = ('<aside class="activity"><b class="count">{{ count }}</b> new since you came'
                '{% if last %}, last from <b class="last">{{ last }}</b>{% endif %} in #{{ room }}</aside>')

    def mount(self, params, session):
        self.room = session.get("room", "lobby")
        self.count = 0
        self.last = ""
        if self.connected:
            self.subscribe(TOPIC)

    def handle_info(self, msg):
        kind, payload = msg
        if kind == "message":
            self.count += 1
            self.last = payload["from"]


class Chat(LiveView):
    template_name = "chat.html"

    def mount(self, params, session):
        self.name = params.get("name") or "guest-%04d" % random.randrange(10000)
        self.messages = list(_history)
        self.sent = 0  # messages sent from this tab: the message box's id (see chat.html)
        self.page_title = "Chat"
        # The sidebar's class: live_render names it by "module.Class", whichever name this module
        # was loaded under (app.py on its own, chat.app from the index).
        self.activity = Activity
        self.room = {"room": "lobby"}
        if self.connected:
            self.subscribe(TOPIC)

    @event("send")
    def send(self, form):
        text = form.get("text", "").strip()[:500]
        name = form.get("name", "").strip()[:40]
        if name:
            self.name = name
        if not text:
            return
        self.sent += 1  # a fresh, empty message box
        _next_id[0] += 1
        msg = {"id": _next_id[0], "from": self.name, "text": text,
               "at": datetime.datetime.now().replace(microsecond=0)}
        _history.append(msg)
        liveactor.broadcast(TOPIC, ("message", msg))

    def handle_info(self, msg):
        kind, payload = msg
        if kind == "message":
            self.messages = (self.messages + [payload])[-HISTORY:]


routes = {"/": Chat}
