"""All examples behind an index page. Run: liveactor serve examples/app.py

Each example also runs on its own, e.g. liveactor serve examples/counter/app.py.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from liveactor import LiveView  # noqa: E402

from counter.app import Counter  # noqa: E402
from todo.app import TodoList  # noqa: E402
from chat.app import Chat  # noqa: E402
from clock.app import Clock  # noqa: E402
from dashboard.app import Dashboard  # noqa: E402

EXAMPLES = [
    ("/counter", "Counter", "events and assigns: the smallest live view"),
    ("/todo", "Todo list", "forms with validation, a keyed list, live patches"),
    ("/chat", "Chat", "pub/sub: open it in two browsers"),
    ("/clock", "Clock", "server push every second with send_after"),
    ("/dashboard", "Dashboard", "a 500-row table as a temporary assign, live metrics"),
]


class Index(LiveView):
    template_name = "index.html"

    def mount(self, params, session):
        self.examples = [{"path": p, "title": t, "about": a} for p, t, a in EXAMPLES]
        self.page_title = "liveactor examples"


routes = {
    "/": Index,
    "/counter": Counter,
    "/todo": TodoList,
    "/chat": Chat,
    "/clock": Clock,
    "/dashboard": Dashboard,
}
