"""Views that resume, served by two instances on one Redis in test_resume.py and
e2e/resume.test.mjs."""

from liveactor import LiveView, event


class Counter(LiveView):
    template = "<p>{{ count }}|{{ note }}</p>"
    persist = ["count"]

    def mount(self, params, session):
        self.count = 0
        self.note = "fresh"

    def resume(self, state):
        super().resume(state)
        self.note = "resumed"

    @event("inc")
    def inc(self):
        self.count += 1


class Clicker(Counter):
    """The counter with a button, for the browser (e2e/resume.test.mjs)."""

    template = ('<p id="count">{{ count }}</p><p id="note">{{ note }}</p>'
                '<button id="inc" phx-click="inc">+</button>')


class Plain(LiveView):
    """The same counter without persist: it mounts fresh everywhere."""

    template = "<p>{{ count }}</p>"

    def mount(self, params, session):
        self.count = 0

    @event("inc")
    def inc(self):
        self.count += 1


routes = {"/counter": Counter, "/again": Counter, "/clicker": Clicker, "/plain": Plain}
