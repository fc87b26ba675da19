"""All examples behind an index page. Run: liveactor serve examples/app.py

Each example also runs on its own, e.g. liveactor serve examples/counter/app.py.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from liveactor import LiveView  # noqa: E402

# The page around every view: templates/layout.html (a header, the stylesheet, the title).
layout = "layout.html"

from counter.app import Counter  # noqa: E402
from todo.app import TodoList  # noqa: E402
from chat.app import Chat  # noqa: E402
from clock.app import Clock  # noqa: E402
from dashboard.app import Dashboard  # noqa: E402
from feed.app import Feed  # noqa: E402
from kanban.app import Board  # noqa: E402
from login.app import Members  # noqa: E402 — also registers its /login and /logout handlers
from gallery.app import Gallery  # noqa: E402 — also registers its /gallery/image handler


def _load(name, path):
    """Imports an example's app.py under its own module name (they are all called app.py)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path  # a .py path always has both
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module   # its views find their templates next to it
    spec.loader.exec_module(module)
    return module


# A Django project: its app.py sets Django up (or `--django notes.settings` did) and migrates.
notes = _load("notes_app", os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes", "app.py"))

EXAMPLES = [
    ("/counter", "Counter", "events and assigns: the smallest live view"),
    ("/todo", "Todo list", "forms with validation, a keyed list, live patches"),
    ("/chat", "Chat", "pub/sub: open it in two browsers"),
    ("/clock", "Clock", "server push every second with send_after"),
    ("/dashboard", "Dashboard", "a 500-row table as a temporary assign, live metrics"),
    ("/feed", "Feed", "a stream: infinite scroll, live new posts, nothing kept on the server"),
    ("/kanban", "Kanban", "live components: columns and cards with their own state, send_update"),
    ("/gallery", "Gallery", "file uploads: previews, progress, drag and drop, cancel; the images kept in a folder"),
    ("/members", "Members only", "log in with a plain HTTP form (CSRF, a signed session cookie), read the session in mount"),
    ("/notes", "Notes (Django)", "the ORM from blocking and async handlers, a slow export with start_async"),
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
    "/feed": Feed,
    "/kanban": Board,
    "/notes": notes.NotesView,
    "/me": notes.MeView,
    "/members": Members,
    "/gallery": Gallery,
}
