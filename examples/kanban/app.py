"""A kanban board: live components for the columns and the cards.

Run: liveactor serve examples/kanban/app.py

The board (a LiveView) owns the cards and which column each is in; a Column component renders
its cards as Card components. A card keeps its own state (likes, the details toggle) in its
component, so it survives moving between columns: its id — and so its cid — stays. Events with
`phx-target="{{ myself }}"` go to the card; the others (move, add) to the board, which re-renders
only what changed. "Clear likes" reaches every card with send_update.
"""

import itertools

from liveactor import LiveComponent, LiveView, event

COLUMNS = [("todo", "To do"), ("doing", "Doing"), ("done", "Done")]
MAX_TITLE = 60


class Card(LiveComponent):
    template_name = "card.html"

    def mount(self):
        self.likes = 0
        self.open = False

    @event("like")
    def like(self):
        self.likes += 1

    @event("details")
    def details(self):
        self.open = not self.open


class Column(LiveComponent):
    template_name = "column.html"


class Board(LiveView):
    template_name = "board.html"

    def mount(self, params, session):
        self._ids = itertools.count(1)
        self._cards = []   # [{"id", "title", "column"}] in board order
        for title, column in [("Write the spec", "done"), ("Build the board", "doing"),
                              ("Move cards around", "todo"), ("Ship it", "todo")]:
            self._cards.append({"id": next(self._ids), "title": title, "column": column})
        self.error = ""
        self.page_title = "Kanban"
        self._refresh()

    def _refresh(self):
        ids = [c for c, _ in COLUMNS]
        self.columns = [{"id": cid, "title": title,
                         "left": ids[i - 1] if i > 0 else "",
                         "right": ids[i + 1] if i + 1 < len(ids) else "",
                         "cards": [{"id": c["id"], "title": c["title"]} for c in self._cards if c["column"] == cid]}
                        for i, (cid, title) in enumerate(COLUMNS)]

    @event("move")
    def move(self, value):
        to = value.get("to")
        if to not in dict(COLUMNS):
            return
        for card in self._cards:
            if str(card["id"]) == str(value.get("id")):
                card["column"] = to
                # a moved card goes to the end of its new column
                self._cards.remove(card)
                self._cards.append(card)
                break
        self._refresh()

    @event("drop")
    def drop(self, value):
        """A card dragged onto a column (the KanbanDrag hook in static/app.js). The returned dict
        is the reply the hook's pushEvent callback receives: it shows it under the board."""
        to = value.get("to")
        card = next((c for c in self._cards if str(c["id"]) == str(value.get("id"))), None)
        if to not in dict(COLUMNS) or card is None:
            return {"ok": False, "message": "Nothing to move there."}
        self.move({"id": card["id"], "to": to})
        count = sum(1 for c in self._cards if c["column"] == to)
        return {"ok": True, "card": card["id"], "count": count,
                "message": "Moved \u201c%s\u201d to %s (%d card%s)." % (card["title"], dict(COLUMNS)[to], count,
                                                                       "" if count == 1 else "s")}

    @event("add")
    def add(self, value):
        title = (value.get("title") or "").strip()
        if not title or len(title) > MAX_TITLE:
            self.error = "A card needs a title of 1 to %d characters." % MAX_TITLE
            return
        self.error = ""
        self._cards.append({"id": next(self._ids), "title": title, "column": "todo"})
        self._refresh()

    @event("delete")
    def delete(self, value):
        self._cards = [c for c in self._cards if str(c["id"]) != str(value.get("id"))]
        self._refresh()

    @event("clear_likes")
    def clear_likes(self):
        for card in self._cards:
            self.send_update(Card, id=card["id"], likes=0)


routes = {"/kanban": Board}
