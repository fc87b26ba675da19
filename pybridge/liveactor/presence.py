"""Presence (Phoenix.Presence): who is on a topic — on this instance and, with
``liveactor serve --redis``, on every instance of the app.

    import liveactor
    from liveactor import presence

    class Room(LiveView):
        def mount(self, params, session):
            self.subscribe("room:lobby")
            presence.track("room:lobby", session["user"], {"since": time.time()})
            self.users = sorted(presence.list("room:lobby"))

        def handle_info(self, msg):
            if isinstance(msg, dict) and msg.get("event") == "presence_diff":
                self.users = sorted(presence.list("room:lobby"))

An entry tracked inside a view belongs to it and leaves when the view ends (closed tab, crash,
its instance stopping); one tracked outside any view stays until :func:`untrack`. During the
dead render (the HTTP GET, before the socket joins) nothing is tracked. Every join and leave
reaches the handle_info of the topic's subscribers as::

    {"event": "presence_diff", "topic": topic,
     "payload": {"joins": {key: {"metas": [meta, ...]}}, "leaves": {key: {"metas": [...]}}}}

Each meta carries a unique ``"phx_ref"``. Across instances, an instance that dies without
stopping (SIGKILL, a lost machine) leaves when its heartbeats stop: after ``--presence-ttl``.
"""

from typing import Any, Dict, Optional

from liveactor._host import NoRuntime, current


def _host():
    host = current()
    if host is None or not hasattr(host, "presence_track"):
        raise NoRuntime("liveactor.presence needs a running liveactor runtime")
    return host


def track(topic: str, key: str, meta: Optional[Dict[str, Any]] = None) -> Optional[str]:
    """Adds an entry for key on topic with meta (a JSON-able dict). Returns its phx_ref, or None
    during the dead render."""
    return _host().presence_track(str(topic), str(key), meta)


def untrack(topic: str, key: str) -> int:
    """Removes the calling view's entries for key on topic (outside a view: the entries tracked
    outside views). Returns how many were removed."""
    return _host().presence_untrack(str(topic), str(key))


def list(topic: str) -> Dict[str, Dict[str, Any]]:
    """{key: {"metas": [meta, ...]}} for every key present on topic, on every instance."""
    return _host().presence_list(str(topic))
