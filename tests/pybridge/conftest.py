"""pytest set-up: the source package, the examples and the built liveactor._native.

Run from CTest (tests/pybridge/CMakeLists.txt sets LIVEACTOR_NATIVE_PATH), or by hand:
    LIVEACTOR_NATIVE_PATH=build/pybridge/liveactor /usr/bin/python3 -m pytest tests/pybridge
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
for path in (HERE, os.path.join(ROOT, "examples"), os.path.join(ROOT, "pybridge")):
    if path not in sys.path:
        sys.path.insert(0, path)


def _native_available():
    try:
        import liveactor._native  # noqa: F401
        return True
    except ImportError:
        return False


@pytest.fixture(scope="session")
def runtime():
    """One runtime for the whole run (one embedded runtime per process is the supported case)."""
    if not _native_available():
        pytest.fail("liveactor._native is not importable: build target liveactor_native and set "
                    "LIVEACTOR_NATIVE_PATH")
    from liveactor.runtime import Runtime
    import views
    from counter.app import Counter
    from todo.app import TodoList
    from chat.app import Chat
    from clock.app import Clock
    from dashboard.app import Dashboard

    routes = {
        "/counter": Counter, "/todo": TodoList, "/chat": Chat, "/clock": Clock, "/dashboard": Dashboard,
        "/echo/:id": views.Echo, "/crashy": views.Crashy, "/types": views.Types, "/ticker": views.Ticker,
        "/room/:name": views.Room, "/bad": views.BadAssign, "/pusher": views.Pusher,
        "/spinner": views.Spinner, "/file": views.FromFile,
    }
    import component_views
    routes.update(component_views.ROUTES)
    rt = Runtime(routes=routes, executors=2, handler_budget_ms=100, handler_timeout_ms=400,
                 restart_limit=3)
    yield rt
    rt.close()
