"""Drive the liveactor runtime from Python, in-process, with asyncio (tests, benchmarks, scripts).

    from liveactor.runtime import Runtime

    async def main():
        async with Runtime(routes={"/": Counter}) as rt:
            session = await rt.create_session()
            view = await session.mount("/")
            reply = await view.event("inc")
            print(reply.html, reply.diff)

The views run exactly as under ``liveactor serve``: each one is an actor on the native executors,
its handlers take the GIL only while they run, renders and diffs are native. There is no socket:
a Session stands in for a browser tab. Needs the compiled extension ``liveactor._native``.

Every awaitable resolves on the event loop that called it; the native side completes them with
``loop.call_soon_threadsafe``.
"""

import asyncio
import atexit
import weakref
from typing import Any, Iterable

__all__ = ["Runtime", "Session", "View", "Reply", "ViewCrashed", "RuntimeCallError",
           "create_session_actor"]


class RuntimeCallError(RuntimeError):
    """A native call failed: .code is the error code ("timeout", "closed", "full", …)."""

    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message


class ViewCrashed(RuntimeCallError):
    """The view crashed while handling the call; .traceback is the Python traceback text."""

    @property
    def traceback(self):
        return self.message


class Reply:
    """What a view answered: the diff (a dict in LiveView 1.1 form; the full rendered tree for
    render()), the page fragment's HTML, and the effects (title, events, patch, navigate,
    redirect)."""

    __slots__ = ("diff", "html", "effects")

    def __init__(self, d):
        self.diff = d["diff"]
        self.html = d["html"]
        self.effects = d["effects"]

    def __repr__(self):
        return "Reply(diff=%r, effects=%r)" % (self.diff, self.effects)


def _future():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def done(ok, value):
        # Executor thread, GIL held. The loop may be gone (test teardown): ignore then.
        def settle():
            if fut.done():
                return
            if ok:
                fut.set_result(value)
            else:
                code, message = value
                cls = ViewCrashed if ("Traceback" in message or code == "crashed") else RuntimeCallError
                fut.set_exception(cls(code, message))
        try:
            loop.call_soon_threadsafe(settle)
        except RuntimeError:
            pass

    return fut, done


_live = weakref.WeakSet()


@atexit.register
def _shutdown_all():
    for rt in list(_live):
        rt.close()


class Runtime:
    """An actor system with `executors` threads, serving `routes` ({"/path": LiveViewClass}; their
    templates are also looked up in `template_dirs`) and/or the routes of `app` (a ``liveactor
    serve`` spec). Close it with ``await rt.shutdown()``, ``close()`` or ``async with``; after that
    another Runtime may start in the same process (one runs at a time)."""

    def __init__(self, routes: dict[str, type] | None = None, app: str | None = None, executors: int = 2,
                 handler_budget_ms: int = 1000, handler_timeout_ms: int = 10000, restart_limit: int = 5,
                 template_dirs: Iterable[str] = ()) -> None:
        from liveactor import _native
        self._rt = _native.Runtime(executors, handler_budget_ms, handler_timeout_ms, restart_limit)
        for pattern, cls in (routes or {}).items():
            self._rt.route(pattern, cls, tuple(template_dirs))
        self.patterns = list(routes or {})
        if app is not None:
            self.patterns += self._rt.load_app(app)
        _live.add(self)

    async def create_session(self) -> "Session":
        """A new session actor (a browser tab without a browser)."""
        return Session(self, self._rt.create_session())

    def broadcast(self, topic: str, msg: Any) -> int:
        """liveactor.broadcast from outside any view; returns how many subscribers got it."""
        return self._rt.broadcast(topic, msg)

    def subscribers(self, topic):
        return self._rt.subscribers(topic)

    def stats(self):
        """The Python layer's counters: calls, crashes, over_budget, interrupted, gil_wait_ns,
        gil_held_ns."""
        return self._rt.stats()

    async def shutdown(self, timeout=5.0):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.close, timeout)

    def close(self, timeout: float = 5.0) -> bool:
        if self._rt.is_shut_down:
            return True
        return self._rt.shutdown(int(timeout * 1000))

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.shutdown()


class Session:
    """One session actor and the views mounted in it. Server pushes (handle_info renders: timers,
    pub/sub) arrive in ``pushes``, an asyncio.Queue of (view_key, Reply)."""

    def __init__(self, runtime, native):
        self.runtime = runtime
        self._native = native
        self._loop = asyncio.get_running_loop()
        self.pushes = asyncio.Queue()
        self.views = {}

    @property
    def id(self):
        return self._native.id

    @property
    def alive(self):
        return self._native.alive

    def _on_push(self, key, payload):
        # Executor thread, GIL held.
        try:
            self._loop.call_soon_threadsafe(self._deliver, key, payload)
        except RuntimeError:
            pass

    def _deliver(self, key, payload):
        reply = Reply(payload)
        view = self.views.get(key)
        if view is not None:
            view.html = reply.html
        self.pushes.put_nowait((key, reply))

    async def mount(self, path: str, params: dict[str, Any] | None = None, session: dict[str, Any] | None = None,
                    timeout: float = 5.0, flash: dict[str, Any] | None = None) -> "View":
        """Mounts the view routed at path (query parameters allowed; `params` are extra query
        parameters, the route's own parameters win over both, as on a served page) and waits for
        its first render. `flash`: the flash it arrives with, as the previous view's put_flash and
        push_redirect carry it (a Reply's ``effects["flash"]``). Raises ViewCrashed if mount
        raises, KeyError for an unknown path."""
        fut, done = _future()
        native = self._native.mount(path, params, session, self._on_push, done, flash)
        await asyncio.wait_for(fut, timeout)
        view = View(self, native)
        self.views[native.key] = view
        await view.render(timeout)
        return view

    async def next_push(self, timeout: float = 5.0) -> "tuple[str, Reply]":
        """The next server push as (view_key, Reply); asyncio.TimeoutError if none comes."""
        return await asyncio.wait_for(self.pushes.get(), timeout)

    async def ping(self, timeout=5.0):
        """Round trip through the session actor's system lane; returns microseconds."""
        fut, done = _future()
        self._native.ping(int(timeout * 1000), done)
        return await fut

    async def shutdown(self, timeout=5.0):
        """Stops the session and its views."""
        fut, done = _future()
        self._native.shutdown(int(timeout * 1000), done)
        return await fut


class View:
    """A mounted view: survives restarts (``restarts``, ``last_crash`` tell what happened)."""

    def __init__(self, session, native):
        self.session = session
        self._native = native
        self.html = ""
        self.rendered = None  # the last full tree render() got

    key = property(lambda self: self._native.key)
    id = property(lambda self: self._native.id, doc="the view actor's id (the same across restarts)")
    incarnation = property(lambda self: self._native.incarnation, doc="0, then +1 per restart")
    restarts = property(lambda self: self._native.restarts)
    last_crash = property(lambda self: self._native.last_crash)
    alive = property(lambda self: self._native.alive)
    gave_up = property(lambda self: self._native.gave_up)

    async def event(self, name: str, value: dict[str, Any] | None = None, timeout: float = 5.0,
                    cid: int | None = None) -> Reply:
        """Sends a client event; returns the Reply (diff against the previous render). cid: the
        live component it targets (``phx-target="{{ myself }}"``), as the browser sends it."""
        fut, done = _future()
        self._native.event(name, value or {}, int(timeout * 1000), done, int(cid or 0))
        reply = Reply(await fut)
        self.html = reply.html
        return reply

    async def destroy_components(self, cids, timeout=5.0):
        """What the browser does when components leave the page: ``cids_will_destroy``, then
        ``cids_destroyed``. Returns the cids the view freed."""
        await self.components_removal("cids_will_destroy", cids, timeout)
        return await self.components_removal("cids_destroyed", cids, timeout)

    async def components_removal(self, phase, cids, timeout=5.0):
        """One phase of the removal: "cids_will_destroy" or "cids_destroyed" (returns the
        cids freed)."""
        fut, done = _future()
        self._native.components(phase == "cids_destroyed", {"cids": list(cids)}, int(timeout * 1000), done)
        return Reply(await fut).diff["cids"]

    async def client_event(self, payload, timeout=5.0):
        """Sends an event payload as the browser does ({"type": "form", "event": name, "value":
        "a=1&b=2", "meta": {...}} or {"type": "click", "event": name, "value": {...}}); the server's
        form decoding applies. Returns the Reply. ValueError for a payload the server refuses."""
        fut, done = _future()
        self._native.client_event(payload, int(timeout * 1000), done)
        reply = Reply(await fut)
        self.html = reply.html
        return reply

    async def live_patch(self, path, timeout=5.0):
        """The client's live_patch to path (a data-phx-link="patch" link): handle_params runs
        for it; for a URL another route serves the Reply has a "navigate" effect instead."""
        fut, done = _future()
        self._native.live_patch(path, int(timeout * 1000), done)
        reply = Reply(await fut)
        self.html = reply.html
        return reply

    def send_info(self, msg):
        """Delivers msg to the view's handle_info (a push follows if the page changed). Returns
        "ok", or "full"/"closed" when the view's mailbox did not take it."""
        return self._native.send_info(msg)

    @property
    def mount_effects(self):
        """What the view's last mount asked for: {"redirect": ..., "navigate": ..., "title": ...}."""
        return self._native.mount_effects

    async def render(self, timeout: float = 5.0) -> Reply:
        """The full rendered tree and HTML as they are now."""
        fut, done = _future()
        self._native.render(int(timeout * 1000), done)
        reply = Reply(await fut)
        self.html = reply.html
        self.rendered = reply.diff
        return reply

    def kill(self):
        """Kills the view actor like the monitor's Kill button; it restarts and mounts again."""
        self._native.kill()

    async def wait_restarted(self, count=1, timeout=5.0):
        """Waits until the view has restarted `count` times and answers again."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.restarts < count or not self.alive:
            if asyncio.get_running_loop().time() > deadline:
                raise asyncio.TimeoutError("view %s did not restart (restarts=%d)" % (self.key, self.restarts))
            await asyncio.sleep(0.005)
        return await self.render(timeout)


async def create_session_actor(runtime):
    """djust's name for Runtime.create_session()."""
    return await runtime.create_session()
