"""Views with live components for test_components.py (routes: ROUTES)."""

from liveactor import LiveComponent, LiveView, event


class Card(LiveComponent):
    template = ('<li class="card" id="card-{{ id }}">{{ title }} ({{ votes }})'
                '<button phx-click="vote" phx-target="{{ myself }}">+</button></li>')
    mounts = 0

    def mount(self):
        type(self).mounts += 1
        self.votes = 0
        self.updates = 0

    def update(self, assigns):
        self.updates += 1
        super().update(assigns)

    @event("vote")
    def vote(self):
        self.votes += 1

    @event("tell_parent")
    def tell_parent(self):
        self.push_event("voted", {"id": self.id})


class Column(LiveComponent):
    """A component rendering components."""
    template = ('<section id="col-{{ id }}"><h2>{{ id }}</h2><ul>{% for c in cards key c.id %}'
                '{% live_component Card id=c.id title=c.title %}{% endfor %}</ul></section>')


class Board(LiveView):
    template = ('<main><p>{{ note }}</p>{% for c in cards key c.id %}'
                '{% live_component Card id=c.id title=c.title %}{% endfor %}</main>')

    def mount(self, params, session):
        self.note = "board"
        self.cards = [{"id": 1, "title": "one"}, {"id": 2, "title": "two"}]

    @event("note")
    def set_note(self, value):
        self.note = value["text"]

    @event("rename")
    def rename(self, value):
        self.send_update(Card, id=int(value["id"]), title=value["title"])

    @event("remove")
    def remove(self, value):
        self.cards = [c for c in self.cards if c["id"] != int(value["id"])]

    @event("add")
    def add(self, value):
        self.cards = self.cards + [{"id": int(value["id"]), "title": value["title"]}]


class Columns(LiveView):
    template = '<div>{% for col in columns key col.id %}{% live_component Column id=col.id cards=col.cards %}{% endfor %}</div>'

    def mount(self, params, session):
        self.columns = [{"id": "todo", "cards": [{"id": 1, "title": "a"}, {"id": 2, "title": "b"}]},
                        {"id": "done", "cards": [{"id": 3, "title": "c"}]}]

    @event("move")
    def move(self, value):
        card = self.columns[0]["cards"][0]
        self.columns = [{"id": "todo", "cards": self.columns[0]["cards"][1:]},
                        {"id": "done", "cards": self.columns[1]["cards"] + [card]}]


class NoRoot(LiveComponent):
    template = "<b>{{ id }}</b><i></i>"


class BadComponents(LiveView):
    template = ('<div>{% if which == "noroot" %}{% live_component NoRoot id=1 %}{% endif %}'
                '{% if which == "dup" %}{% live_component Card id=1 title="a" %}{% live_component Card id=1 title="b" %}{% endif %}'
                '{% if which == "missing" %}{% live_component Nope id=1 %}{% endif %}</div>')

    def mount(self, params, session):
        self.which = params.get("which", "")


from kanban.app import Board as Kanban  # noqa: E402  (examples/ is on sys.path)

ROUTES = {"/board": Board, "/columns": Columns, "/badcomponents": BadComponents, "/kanban": Kanban}
