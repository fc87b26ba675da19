"""A todo list: forms (phx-change validation, phx-submit), a keyed list, toggling and deleting,
flash messages (one carried across a live redirect by "start over").

Run: liveactor serve examples/todo/app.py
"""

import itertools
from dataclasses import dataclass
from urllib.parse import urlsplit

from liveactor import LiveView, event

MAX_TITLE = 80


@dataclass
class Todo:
    id: int
    title: str
    done: bool = False


class TodoList(LiveView):
    template_name = "todo.html"

    def mount(self, params, session):
        self._ids = itertools.count(1)
        self.todos = [Todo(next(self._ids), "Try liveactor"), Todo(next(self._ids), "Write a view")]
        self.draft = ""
        self.error = ""
        self.filter = "all"
        self.page_title = "Todo"

    # ---- derived state is computed in handlers and assigned, so it is tracked like the rest

    def _refresh(self):
        self.remaining = sum(1 for t in self.todos if not t.done)
        if self.filter == "open":
            self.visible = [t for t in self.todos if not t.done]
        elif self.filter == "done":
            self.visible = [t for t in self.todos if t.done]
        else:
            self.visible = list(self.todos)

    def handle_params(self, params, url):
        self._path = urlsplit(url).path
        self.filter = params.get("filter", "all")
        if self.filter not in ("all", "open", "done"):
            self.filter = "all"
        self._refresh()

    @staticmethod
    def _validate(title):
        title = title.strip()
        if not title:
            return "A todo needs a title."
        if len(title) > MAX_TITLE:
            return "At most %d characters (%d now)." % (MAX_TITLE, len(title))
        return ""

    @event("validate")
    def validate(self, form):
        self.draft = form.get("title", "")
        # Only complain about a field once the user has typed into it.
        self.error = self._validate(self.draft) if self.draft else ""

    @event("add")
    def add(self, form):
        title = form.get("title", "")
        self.error = self._validate(title)
        if self.error:
            self.draft = title
            return
        self.todos.append(Todo(next(self._ids), title.strip()))
        self.draft = ""
        self.put_flash("info", "Added “%s”." % title.strip())
        self._refresh()

    @event("toggle")
    def toggle(self, value):
        todo_id = int(value["id"])
        for t in self.todos:
            if t.id == todo_id:
                t.done = not t.done
        self.mark_changed("todos")  # a field deep inside a list item changed
        self._refresh()

    @event("delete")
    def delete(self, value):
        todo_id = int(value["id"])
        for t in self.todos:
            if t.id == todo_id:
                self.put_flash("info", "Deleted “%s”." % t.title)
        self.todos = [t for t in self.todos if t.id != todo_id]
        self._refresh()

    @event("clear_done")
    def clear_done(self):
        self.todos = [t for t in self.todos if not t.done]
        self._refresh()

    @event("start_over")
    def start_over(self):
        # A live redirect to this page mounts a fresh view; the flash goes along and shows there.
        self.put_flash("info", "Started over: %d todo%s dropped." % (len(self.todos), "" if len(self.todos) == 1 else "s"))
        self.push_redirect(self._path)

    @event("filter")
    def set_filter(self, value):
        self.push_patch("?filter=" + value.get("to", "all"))


routes = {"/": TodoList}
