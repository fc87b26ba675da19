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

import os as _os

# liveactor._native is built outside the source tree: $LIVEACTOR_NATIVE_PATH names its folder;
# without it, a source checkout finds the one `tools/build` (the "dev" preset) puts in build/.
for _p in _os.environ.get("LIVEACTOR_NATIVE_PATH", "").split(_os.pathsep):
    if _p and _p not in __path__:
        __path__.append(_p)
_checkout_build = _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))),
                                "build", "pybridge", "liveactor")
if _os.path.isdir(_checkout_build) and _checkout_build not in __path__:
    __path__.append(_checkout_build)

from liveactor.view import AsyncResult, LiveView, UnknownEvent, blocking, event
from liveactor.component import LiveComponent
from liveactor.safe import Safe, mark_safe
from liveactor._host import broadcast, HandlerTimeout
from liveactor import presence

__all__ = [
    "LiveView",
    "LiveComponent",
    "event",
    "blocking",
    "AsyncResult",
    "broadcast",
    "presence",
    "mark_safe",
    "Safe",
    "UnknownEvent",
    "HandlerTimeout",
]

from liveactor._version import __version__
