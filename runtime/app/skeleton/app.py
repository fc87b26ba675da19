"""@NAME@: a liveactor app. Run it with `liveactor serve app.py`, test it with `python3 -m pytest tests`.

One live view with a counter (events) and a form (validation while typing, then submit). The
guide to views is docs/writing-views.md in liveactor (/usr/share/doc/liveactor when installed).
"""

from liveactor import LiveView, event


class Home(LiveView):
    template_name = "home.html"  # templates/home.html, Django template syntax

    def mount(self, params, session):
        self.count = 0
        self.name = ""
        self.error = ""
        self.greetings: list[str] = []
        self.page_title = "@NAME@"

    # ---- the counter: both buttons send "add"; phx-value-by="…" arrives in value as a string

    @event("add")
    def add(self, value):
        self.count += int(value.get("by", 1))

    # ---- the form: phx-change="validate" on every keystroke, phx-submit="greet" on Enter

    @staticmethod
    def _check(name: str) -> str:
        if not name.strip():
            return "Please type a name."
        if len(name) > 40:
            return "At most 40 characters."
        return ""

    @event("validate")
    def validate(self, form):
        self.name = form.get("name", "")
        self.error = self._check(self.name) if self.name else ""

    @event("greet")
    def greet(self, form):
        name = form.get("name", "")
        self.error = self._check(name)
        if self.error:
            self.name = name
            return
        self.greetings = self.greetings + ["Hello, %s!" % name.strip()]
        self.name = ""


routes = {"/": Home}
