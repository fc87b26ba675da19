"""The runtime a view runs in, as the Python side sees it.

The native side (the embedded runtime of ``liveactor serve`` or ``liveactor._native``) installs a
host object with :func:`install`; module-level functions such as :func:`broadcast` go through it.
Only one host is active per interpreter.
"""

import threading
from typing import Any

_lock = threading.Lock()
_current = None


class HandlerTimeout(BaseException):
    """Raised inside a handler that ran past the runtime's handler budget.

    It derives from BaseException so that a bare ``except Exception`` in user code does not
    swallow it. The view crashes and its supervisor restarts it.
    """


class NoRuntime(RuntimeError):
    """A call that needs a running liveactor runtime was made without one."""


def install(host):
    """Makes host the active runtime (host.broadcast(topic, msg) -> int). Returns the old one."""
    global _current
    with _lock:
        old, _current = _current, host
    return old


def uninstall(host):
    """Removes host if it is the active one."""
    global _current
    with _lock:
        if _current is host:
            _current = None


def current():
    return _current


def broadcast(topic: str, msg: Any) -> int:
    """Sends msg to the handle_info of every view subscribed to topic, in every session.

    Delivery is asynchronous (each subscriber's mailbox); the sender, if subscribed, receives it
    too. Returns the number of subscribers the message was queued for. Raises NoRuntime when no
    runtime is running.
    """
    host = _current
    if host is None:
        raise NoRuntime("liveactor.broadcast() needs a running liveactor runtime")
    if not isinstance(topic, str):
        raise TypeError("topic must be a str, not %s" % type(topic).__name__)
    return host.broadcast(topic, msg)
