"""liveactor — LiveView pages in plain Python, served by a native actor runtime.

    from liveactor import LiveView, event

    class Counter(LiveView):
        template = '<h1>{{ count }}</h1><button phx-click="inc">+</button>'

        def mount(self, params, session):
            self.count = 0

        @event("inc")
        def inc(self, value):
            self.count += 1

    routes = {"/": Counter}

See docs/writing-views.md for the whole guide.
"""

from liveactor.view import LiveView, UnknownEvent, event
from liveactor.safe import Safe, mark_safe
from liveactor._host import broadcast, HandlerTimeout

__all__ = [
    "LiveView",
    "event",
    "broadcast",
    "mark_safe",
    "Safe",
    "UnknownEvent",
    "HandlerTimeout",
]

__version__ = "0.1.0"
