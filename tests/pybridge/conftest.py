"""pytest set-up: the source package, the examples and the built liveactor._native.

Run from CTest (tests/pybridge/CMakeLists.txt sets LIVEACTOR_NATIVE_PATH to its build), or by
hand after tools/build liveactor_native: /usr/bin/python3 -m pytest tests/pybridge

View-level tests use liveactor.testing's `live` fixture (a runtime per test, serving
testing_app.py or what the module's liveactor_app fixture returns); tests of the runtime itself
use `runtime`, one per module (one runtime runs at a time in a process).
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
for path in (HERE, os.path.join(ROOT, "examples"), os.path.join(ROOT, "pybridge")):
    if path not in sys.path:
        sys.path.insert(0, path)

pytest_plugins = ["liveactor.testing.plugin"]


def _native_available():
    try:
        import liveactor._native  # noqa: F401
        return True
    except ImportError:
        return False


@pytest.fixture(scope="module")
def runtime():
    """One runtime for the module's tests."""
    if not _native_available():
        pytest.fail("liveactor._native is not importable: build target liveactor_native "
                    "(tools/build liveactor_native)")
    from liveactor.runtime import Runtime
    import views
    import i18n_views
    import hookviews
    from counter.app import Counter
    from todo.app import TodoList
    from dashboard.app import Dashboard

    routes = {
        "/counter": Counter, "/todo": TodoList, "/dashboard": Dashboard,
        "/crashy": views.Crashy, "/ticker": views.Ticker,
        "/room/:name": views.Room, "/bad": views.BadAssign,
        "/spinner": views.Spinner, "/file": views.FromFile,
        "/libs/translated": i18n_views.Translated, "/libs/exploding": i18n_views.Exploding,
    }
    routes.update(hookviews.routes)
    import component_views
    routes.update(component_views.ROUTES)
    rt = Runtime(routes=routes, executors=2, handler_budget_ms=100, handler_timeout_ms=400,
                 restart_limit=3)
    yield rt
    rt.close()
