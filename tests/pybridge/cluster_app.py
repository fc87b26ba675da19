"""A chat room with presence, served by three instances on one Redis in test_cluster.py."""

import liveactor
from liveactor import LiveView, event, presence


class Chat(LiveView):
    template = "<p>{{ messages|join:',' }}|{{ users|join:',' }}</p>"

    def mount(self, params, session):
        self.messages = []
        self.users = []
        self.subscribe("chat")
        user = params.get("user", "anon")
        presence.track("chat", user, {"user": user})  # a no-op in the dead render
        self.users = sorted(presence.list("chat"))

    @event("say")
    def say(self, value):
        liveactor.broadcast("chat", {"text": value["text"]})

    def handle_info(self, msg):
        if msg.get("event") == "presence_diff":
            self.users = sorted(presence.list("chat"))
        else:
            self.messages = self.messages + [msg["text"]]


routes = {"/chat": Chat}
