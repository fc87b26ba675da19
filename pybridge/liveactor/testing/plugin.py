"""pytest plugin for liveactor apps: the ``live`` fixture, and ``async def`` tests without
pytest-asyncio.

Enable it with ``-p liveactor.testing.plugin`` (or ``pytest_plugins = ["liveactor.testing.plugin"]``
in the top conftest.py); an installed liveactor registers it as a pytest11 entry point. Options
(pytest.ini ``[pytest]``, or ``[tool.pytest.ini_options]`` in pyproject.toml):

    liveactor_app = app.py            # or app.py:attr, package.module[:attr]; default app.py

The spec is relative to pytest's rootdir. A test (or a conftest.py) can serve other routes by
overriding the ``liveactor_app`` fixture: return a spec or a {"/path": LiveViewClass} dict.

Every test gets its own runtime (about 2 ms to start): views, sessions, pub/sub and timers of one
test never reach another. The app module is imported once per run, so state kept in its module
globals is shared, as in one server process. See docs/testing.md.
"""

import asyncio
import inspect

import pytest

from liveactor.testing import LiveClient, load_app

_loaded = {}


def pytest_addoption(parser):
    parser.addini("liveactor_app", "the liveactor app the live fixture serves: app.py, app.py:attr or "
                  "package.module[:attr], relative to the rootdir", default="app.py")


def pytest_configure(config):
    config.addinivalue_line("markers", "liveactor_runtime(**options): Runtime options for the live fixture "
                            "(handler_timeout_ms=, handler_budget_ms=, restart_limit=, executors=)")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Runs an ``async def`` test in a new event loop, unless pytest-asyncio already took it (it
    replaces the function with a sync wrapper before this hook runs)."""
    fn = pyfuncitem.obj
    if not inspect.iscoroutinefunction(fn):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(fn(**kwargs))
    return True


@pytest.fixture
def liveactor_app(request):
    """The app the ``live`` fixture serves: the ini option liveactor_app (default app.py)."""
    return request.config.getini("liveactor_app")


@pytest.fixture
def live(request, liveactor_app):
    """``view = await live("/path?query", session={...})`` mounts a view of the app in a runtime
    of this test's own; see liveactor.testing.ViewClient for what a view offers."""
    root = request.config.rootpath
    key = (str(root), liveactor_app) if not isinstance(liveactor_app, dict) else None
    if key is None:
        routes, dirs = load_app(liveactor_app)
    elif key in _loaded:
        routes, dirs = _loaded[key]
    else:
        try:
            routes, dirs = _loaded[key] = load_app(liveactor_app, root)
        except Exception as exc:
            pytest.fail("liveactor_app = %s (rootdir %s) could not be loaded: %s: %s"
                        % (liveactor_app, root, type(exc).__name__, exc), pytrace=False)
    marker = request.node.get_closest_marker("liveactor_runtime")
    client = LiveClient(routes, dirs, **(marker.kwargs if marker else {}))
    yield client
    client.close()
