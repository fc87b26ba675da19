"""A dashboard with a large table: rows are a temporary assign, so the server renders them, sends
them and forgets them; a ticking metric re-renders only its own numbers, never the table.

Run: liveactor serve examples/dashboard/app.py
"""

import random

from liveactor import LiveView, event

REGIONS = ["eu-west", "eu-north", "us-east", "us-west", "ap-south", "sa-east"]
SERVICES = ["api", "auth", "billing", "search", "media", "mail", "queue", "cache"]
PAGE_SIZE = 500
COLUMNS = ["id", "service", "region", "latency_ms", "errors", "rps"]


def _dataset(n=5000, seed=7):
    rnd = random.Random(seed)
    return [
        {"id": i, "service": rnd.choice(SERVICES), "region": rnd.choice(REGIONS),
         "latency_ms": round(rnd.lognormvariate(3, 0.6), 1), "errors": rnd.randrange(0, 50),
         "rps": rnd.randrange(10, 5000)}
        for i in range(1, n + 1)
    ]


DATA = _dataset()


class Dashboard(LiveView):
    template_name = "dashboard.html"
    temporary_assigns = {"rows": []}

    def mount(self, params, session):
        self.columns = COLUMNS
        self.sort = "id"
        self.desc = False
        self.page = 0
        self.pages = (len(DATA) + PAGE_SIZE - 1) // PAGE_SIZE
        self.total = len(DATA)
        self.live_rps = 0
        self.samples = 0
        self.page_title = "Dashboard"
        self._load()
        if self.connected:
            self.send_after(1000, "sample")

    def _load(self):
        ordered = sorted(DATA, key=lambda r: r[self.sort], reverse=self.desc)
        self.rows = ordered[self.page * PAGE_SIZE:(self.page + 1) * PAGE_SIZE]

    @event("sort")
    def sort_by(self, value):
        column = value.get("column")
        if column not in COLUMNS:
            return
        self.desc = (not self.desc) if column == self.sort else False
        self.sort = column
        self.page = 0
        self._load()

    @event("page")
    def go(self, value):
        self.page = max(0, min(self.pages - 1, self.page + int(value.get("step", 0))))
        self._load()

    def handle_info(self, msg):
        if msg == "sample":
            self.live_rps = random.randrange(40000, 60000)
            self.samples += 1
            self.send_after(1000, "sample")


routes = {"/": Dashboard}
