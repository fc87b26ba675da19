"""The LiveView base class and the @event decorator.

How the native runtime drives a view (the ``_la_*`` methods; not public API): it creates the view
with ``cls()``, calls ``_la_mount``/``_la_event``/``_la_info``/``_la_params`` with the GIL held,
then ``_la_take()`` for the assigns that changed and the commands the handler queued
(push_event, timers, …), renders natively, and finally calls ``_la_rendered()`` so temporary
assigns are reset. Everything here runs on whichever thread holds the GIL for that view; a view
is never called from two threads at once.
"""

import copy
import dataclasses
import inspect
import json
import types
import uuid
from typing import Any, Callable, Iterable, Mapping, TypeVar, overload
from time import perf_counter as _perf_counter

from liveactor import _persist, _work
from liveactor._streams import Streams

__all__ = ["LiveView", "event", "blocking", "UnknownEvent", "AsyncResult"]

# Class attributes with a meaning for the runtime: never assigns.
_RESERVED = frozenset({"template", "template_name", "temporary_assigns", "connected", "blocking", "persist"})
_MUTABLE = (list, dict, set)


class UnknownEvent(LookupError):
    """An event arrived for which the view has no handler. Raised from an event (by the default
    ``handle_event``, or your own) it refuses the event: the browser's push is answered with an
    error carrying the message, the log says so, and the view goes on (no crash)."""


_F = TypeVar("_F", bound=Callable[..., Any])


@overload
def event(name: _F) -> _F: ...
@overload
def event(name: str | None = None, blocking: bool | None = None) -> Callable[[_F], _F]: ...
def event(name: Any = None, blocking: bool | None = None) -> Any:
    """Declares an event handler: ``@event("inc")``, or bare ``@event`` to use the method's name.

    The handler is called as ``handler(self, value)`` with the event's payload (a dict: the
    ``phx-value-*`` attributes for clicks, the decoded form for ``phx-change``/``phx-submit``), or
    as ``handler(self)`` if it takes no argument. A handler may be registered under several names
    by stacking decorators. A returned dict (JSON-able) is the event's reply: a hook's
    ``this.pushEvent(name, payload, reply => …)`` receives it; ``None`` sends none, anything else
    is logged as an error and sends none. Plain methods are never called by events: only
    decorated ones, so a browser cannot invoke ``mount`` or any helper by naming it.

    ``async def`` handlers are awaited on the runtime's asyncio loop. ``blocking=True`` runs a
    sync handler on the worker pool, ``blocking=False`` on the executor (only for handlers that
    never wait: no I/O, no sleeps); the default follows the view's ``blocking`` attribute and
    then the runtime's policy (see docs/writing-views.md, "Doing I/O").
    """
    if callable(name):  # bare @event
        fn = name
        _register(fn, fn.__name__)
        return fn
    if name is not None and not isinstance(name, str):
        raise TypeError("@event() takes the event name as a str")

    def decorate(fn):
        _register(fn, name or fn.__name__)
        if blocking is not None:
            fn._la_blocking = bool(blocking)
        return fn

    return decorate


def blocking(fn: Any = None, *, value: bool = True) -> Any:
    """Marks mount, handle_params, handle_info or handle_async as blocking (worker pool):
    ``@blocking def mount(self, params, session): ...``."""
    def mark(f):
        f._la_blocking = value
        return f
    return mark(fn) if fn is not None else mark


@dataclasses.dataclass
class AsyncResult:
    """The state of an async assign (``assign_async``), or a result for ``handle_async``:
    ``loading`` while it runs; then ``ok`` and ``result``, or ``failed`` (the exception's text)."""

    loading: bool = False
    ok: bool = False
    result: object = None
    failed: object = None


class _AsyncDone:
    """What a finished start_async/assign_async task sends its view (through pub/sub)."""

    __slots__ = ("name", "token", "ok", "value")

    def __init__(self, name, token, ok, value):
        self.name, self.token, self.ok, self.value = name, token, ok, value


def _register(fn, name):
    names = getattr(fn, "_la_event_names", ())
    fn._la_event_names = tuple(names) + (name,)


def _event_kind(cls, fn):
    """"async", True (declared blocking), False (declared inline) or None (the runtime's policy)
    for an @event handler of cls."""
    if inspect.iscoroutinefunction(fn):
        return "async"
    declared = getattr(fn, "_la_blocking", None)
    return cls.__dict__.get("blocking", getattr(cls, "blocking", None)) if declared is None else declared


def _init_tracking(obj):
    """The change tracking views and components share, set in __dict__ without __setattr__ (so a
    subclass __init__ that does not call super() still works). Returns the __dict__."""
    d = obj.__dict__
    d["_la_changed"] = set()
    d["_la_commands"] = []
    d["_la_snapshots"] = {}
    return d


def _collect_events(cls, entry):
    """{event name: entry(attribute name, function)} of cls's @event handlers, subclasses last."""
    events = {}
    for klass in reversed(cls.__mro__):
        for attr, fn in vars(klass).items():
            for name in getattr(fn, "_la_event_names", ()):
                events[name] = entry(attr, fn)
    return events


def _takes_value(fn):
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return True
    positional = [p for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in positional)


class LiveView(Streams):
    """Base class of every live view.

    Subclasses set ``template`` (inline Django template source) or ``template_name`` (a file in
    the app's template directories), and implement some of:

    - ``mount(self, params, session)``: set the initial assigns;
    - ``@event("name")`` methods: browser events;
    - ``handle_info(self, msg)``: messages from ``send_after``, ``liveactor.broadcast`` and pub/sub;
    - ``handle_params(self, params, url)``: after mount and after every ``push_patch``/live patch.

    Public instance attributes (not starting with ``_``) are the template's assigns. Assigning
    one marks it changed; after a handler only the changed assigns are converted and only the
    parts of the page that read them are re-rendered. Lists, dicts and sets changed in place are
    detected too (by comparing with a shallow copy); for changes deeper inside (an item's field),
    reassign or call ``self.mark_changed("name")``.

    ``temporary_assigns = {"rows": []}`` resets those assigns to the given value after every
    render, without re-sending them: the server does not keep large lists in memory.

    Streams (``self.stream(name, items)``, ``stream_insert``, ``stream_delete``, …; see
    ``liveactor._streams``) send long or endless lists once and keep nothing of them.

    Exceptions raised by any handler crash the view: the traceback is logged, the view's
    supervisor restarts it and the browser mounts it again.
    """

    template: str | None = None
    template_name: str | None = None
    temporary_assigns: dict[str, Any] | None = None
    #: The flash messages (Phoenix's @flash), an assign: ``{"info": "Saved"}``. Read it; change it
    #: with put_flash / clear_flash. Empty (and no assign) until a message is put or arrives.
    flash: Mapping[str, Any] = types.MappingProxyType({})
    #: True: every sync callback of this view runs on the worker pool; False: on the executor;
    #: None: the runtime's policy.
    blocking: bool | None = None
    #: A session key this view needs (``requires = "user_id"``, what a liveactor.http login
    #: stored): without it, mount does not run and the view redirects to requires_redirect — the
    #: page load answers 302.
    requires: str | None = None
    requires_redirect: str = "/login"
    #: What survives the loss of this view's instance (with ``serve --redis``): a list of assign
    #: names, or True for every JSON-able public assign. Without Redis it is accepted and ignored.
    #: See resume() and liveactor._persist.
    persist: bool | list[str] | None = None
    _la_keeps = None  # what persist keeps, for the change check in _la_take (liveactor._persist.kept_names)

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        # Internal state lives in __dict__ under _la_ names (see _init_tracking).
        d = _init_tracking(self)
        d["_la_timer_seq"] = 0
        d["_la_connected"] = False
        return self

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._la_events = _collect_events(cls, lambda attr, fn: (attr, _takes_value(fn), _event_kind(cls, fn)))
        cls._la_slow = set()   # handlers the "auto" policy moved to the pool
        ta = cls.__dict__.get("temporary_assigns")
        if ta is not None and not isinstance(ta, dict):
            raise TypeError("%s.temporary_assigns must be a dict of name -> value after render"
                            % cls.__name__)
        _persist.validate(cls)
        cls._la_keeps = _persist.kept_names(cls)

    # ---- assigns and change tracking

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name[0] != "_" and name not in _RESERVED:
            self._la_changed.add(name)
            if name == "page_title":
                self._la_commands.append(("title", "" if value is None else str(value)))

    def __delattr__(self, name):
        object.__delattr__(self, name)
        if name[0] != "_" and name not in _RESERVED:
            self._la_changed.add(name)

    def mark_changed(self, *names: str) -> None:
        """Marks assigns as changed after mutating something deep inside them in place."""
        for name in names:
            if name[0] == "_":
                raise ValueError("%r is private, not an assign" % name)
            self._la_changed.add(name)

    @property
    def assigns(self) -> dict[str, Any]:
        """The current assigns: a new dict of the public instance attributes."""
        return {k: v for k, v in self.__dict__.items() if k[0] != "_" and k not in _RESERVED}

    @property
    def connected(self) -> bool:
        """False during the HTTP (dead) render, True once the browser's socket has joined."""
        return self._la_connected

    # ---- user hooks (override)

    def mount(self, params: dict[str, Any], session: dict[str, Any]) -> None:
        """Sets the initial assigns. params: the URL's query and path parameters (a dict of str);
        session: the signed session data the page was served with (a dict)."""

    def resume(self, state: dict[str, Any]) -> None:
        """Restores what ``persist`` kept when the browser re-joins after its instance died or
        drained. It runs after mount (so subscriptions, timers and the assigns persist does not
        keep are set up as usual) and before the first render. Default: set each attribute."""
        for name, value in state.items():
            setattr(self, name, value)

    def handle_params(self, params: dict[str, Any], url: str) -> None:
        """Called after mount and on every live patch, with the new params and the full URL."""

    def handle_info(self, msg: Any) -> None:
        """Receives messages from send_after, broadcast and other views. Default: ignore."""

    def handle_event(self, event: str, value: dict[str, Any]) -> Any:
        """Fallback for events without an @event handler. Default: raise UnknownEvent (the event
        is answered with an error; the view goes on). Its return value is the event's reply, as
        for @event handlers."""
        raise UnknownEvent("%s has no handler for event %r (decorate a method with @event(%r))"
                           % (type(self).__name__, event, event))

    def handle_async(self, name: str, result: "AsyncResult") -> None:
        """Receives the outcome of ``start_async(name, …)`` as an AsyncResult (``ok`` and
        ``result``, or ``failed``). Default: ignore."""

    # ---- async work (Phoenix's start_async / assign_async)

    def start_async(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        """Runs fn(*args) in the background — a coroutine function on the runtime's asyncio loop,
        anything else on the worker pool — while the view goes on answering events. Its result
        (or exception, as a failed result) arrives in ``handle_async(name, result)``. Starting a
        name again cancels the earlier task. Tasks start once the browser is connected (not during
        the HTTP render) and are cancelled when the view ends."""
        self._la_start_task(name, fn, args, None)

    def assign_async(self, names: str | Iterable[str], fn: Callable[..., Any], *args: Any) -> None:
        """Like start_async, but the result becomes assigns: each name in names (a str or a list)
        is an AsyncResult — ``loading`` at once, then ``ok``/``result`` or ``failed``. With
        several names fn returns a dict with a value for each."""
        names = [names] if isinstance(names, str) else list(names)
        for n in names:
            setattr(self, n, AsyncResult(loading=True))
        self._la_start_task(",".join(names), fn, args, names)

    def cancel_async(self, name: str) -> None:
        """Cancels the task started under name (its result never arrives)."""
        task = self.__dict__.get("_la_tasks", {}).pop(name, None)
        if task is not None:
            task.cancel()
            self._la_task_status()

    # ---- flash (Phoenix's put_flash / clear_flash)

    def put_flash(self, kind: str, message: Any) -> None:
        """Shows message under kind ("info", "error", …) in the ``flash`` assign. The flash goes
        with push_redirect / redirect to the next view (which shows it once), and the browser
        clears a key with the ``lv:clear-flash`` event (``phx-click="lv:clear-flash"
        phx-value-key="info"``). message must be JSON-able (a str, usually)."""
        try:
            json.dumps(message)
        except (TypeError, ValueError) as e:
            raise TypeError("put_flash(%r, …): the message must be JSON-able (a str, usually): %s"
                            % (kind, e)) from None
        flash = dict(self.flash)
        flash[str(kind)] = message
        self.flash = flash

    def clear_flash(self, key: str | None = None) -> None:
        """Removes the message under key ("info"), or every message."""
        if key is None:
            self.flash = {}
            return
        key = str(key)  # the client's lv:clear-flash may send anything as the key
        if key in self.flash:
            flash = dict(self.flash)
            del flash[key]
            self.flash = flash

    # ---- commands (queued, applied by the runtime when the handler returns)

    def push_event(self, name: str, payload: Any = None) -> None:
        """Sends an event to the browser (window "phx:<name>" listeners and hooks' handleEvent)."""
        self._la_commands.append(("push_event", str(name), {} if payload is None else payload))

    def push_patch(self, url: str, replace: bool = False) -> None:
        """Changes the URL without remounting; handle_params runs with the new params."""
        self._la_commands.append(("push_patch", str(url), bool(replace)))

    def push_redirect(self, url: str, replace: bool = False) -> None:
        """Navigates to another live view of this app over the same socket (live redirect). The
        flash goes along."""
        self._la_commands.append(("push_redirect", str(url), bool(replace)))
        self.__dict__["_la_leaving"] = True

    def redirect(self, url: str) -> None:
        """A full page load of url (may leave the app). The flash goes along (a cookie)."""
        self._la_commands.append(("redirect", str(url)))
        self.__dict__["_la_leaving"] = True

    def send_after(self, ms: int, msg: Any) -> int:
        """Delivers msg to handle_info after ms milliseconds. Returns a timer id for cancel_timer.
        Timers die with the view."""
        ms = int(ms)
        if ms < 0:
            raise ValueError("send_after: negative delay")
        self.__dict__["_la_timer_seq"] = token = self._la_timer_seq + 1
        self._la_commands.append(("send_after", token, ms, msg))
        return token

    def cancel_timer(self, timer_id: int) -> None:
        """Cancels a send_after timer that has not fired yet."""
        self._la_commands.append(("cancel_timer", int(timer_id)))

    def subscribe(self, topic: str) -> None:
        """Receives every liveactor.broadcast(topic, msg) in handle_info until the view ends."""
        self._la_commands.append(("subscribe", str(topic)))

    def unsubscribe(self, topic: str) -> None:
        self._la_commands.append(("unsubscribe", str(topic)))

    def send_update(self, component, id, **assigns):
        """Updates this view's live component (a LiveComponent class) with that id: its
        ``update(assigns)`` runs and it re-renders after the current callback (liveactor.component)."""
        from liveactor.component import send_update
        send_update(self, component, id, **assigns)

    # ---- uploads (Phoenix's allow_upload & co.; the files arrive over the LiveView socket)

    def _la_uploads_host(self):
        from liveactor import _host
        host = _host.current()
        if host is None or not hasattr(host, "upload_allow"):
            raise _host.NoRuntime("uploads need the liveactor server")
        return host, self.__dict__.get("_la_ctx")

    def allow_upload(self, name: str, accept: Iterable[str] = (), max_entries: int = 1,
                     max_file_size: int = 8_000_000, chunk_size: int = 64_000,
                     auto_upload: bool = False) -> str:
        """Lets the browser upload files as ``name``: templates render the input with
        ``{% live_file_input uploads.NAME %}`` (``{% load live %}``) and read
        ``uploads.NAME.entries`` / ``uploads.NAME.errors``. accept: extensions (".jpg"), MIME
        types ("image/png") or families ("image/*"); empty accepts anything. Returns the ref."""
        host, ctx = self._la_uploads_host()
        if isinstance(accept, str):
            accept = [accept]
        return host.upload_allow(ctx, str(name), [str(a) for a in accept], int(max_entries),
                                 int(max_file_size), int(chunk_size), bool(auto_upload))

    def disallow_upload(self, name: str) -> None:
        """Removes the upload and its entries (their files are deleted). KeyError if unknown."""
        host, ctx = self._la_uploads_host()
        host.upload_disallow(ctx, str(name))

    def cancel_upload(self, name: str, ref: str) -> None:
        """Cancels one entry (the browser stops sending it; its file is deleted)."""
        host, ctx = self._la_uploads_host()
        host.upload_cancel(ctx, str(name), str(ref))

    def consume_uploaded_entries(self, name: str, fn: Callable[[str, dict], Any]) -> list:
        """Calls ``fn(path, entry)`` for every completed entry of the upload, with the file on
        disk at path (entry: ref, client_name, client_size, client_type, …), then deletes the
        file unless fn moved it away; the entries leave the upload. Returns fn's results."""
        host, ctx = self._la_uploads_host()
        return host.upload_consume(ctx, str(name), fn)

    @property
    def uploads(self) -> dict:
        """The uploads as templates see them: {name: {ref, name, accept, max_entries, entries, errors, …}}."""
        host, ctx = self._la_uploads_host()
        return host.uploads(ctx)

    # ---- runtime protocol (called by the native side with the GIL held)

    @classmethod
    def _la_template(cls, instance=None):
        """("inline", source) or ("file", name) — the instance's value wins (set in mount)."""
        src = cls if instance is None else instance
        template = getattr(src, "template", None)
        name = getattr(src, "template_name", None)
        if template is not None:
            return ("inline", str(template))
        if name is not None:
            return ("file", str(name))
        raise TypeError("%s sets neither template nor template_name" % cls.__name__)

    def _la_run(self, fn, args, label, can_wait, reply_to=None):
        """Runs a callback here, or returns the Job that runs it elsewhere (see _work).
        reply_to: the event name when fn's return value is that event's reply."""
        declared = getattr(fn, "_la_blocking", None)
        if declared is None:
            declared = type(self).blocking
        mode = _work.classify(fn, declared)
        if mode == "auto" and label in self._la_slow:
            mode = "pool"
        if mode == "inline":
            self._la_reply(reply_to, _work.call(fn, args))
            return None
        if mode == "auto":
            self._la_reply(reply_to, _work.run_inline_learning(fn, args, self._la_slow, label))
            return None
        job = _work.Job(fn, args, mode == "async", "%s.%s" % (type(self).__name__, label))
        job.reply_to = reply_to
        if not can_wait:
            self._la_reply(reply_to, job.run_here())
            return None
        self.__dict__["_la_job"] = job
        return job

    def _la_finish(self):
        """After a Job: re-raises its exception on the view's thread, or queues its reply."""
        job = self.__dict__.pop("_la_job", None)
        if job is not None:
            self._la_reply(job.reply_to, job.finish())

    def _la_reply(self, event, value):
        """Queues an event handler's return value as the event's reply (the native side sends a
        dict and logs anything else)."""
        if event is not None and value is not None:
            self._la_commands.append(("reply", event, value))

    def _la_waiting(self):
        """"name since <unix time>" of the callback running elsewhere, or None."""
        job = self.__dict__.get("_la_job")
        return None if job is None or job.started_at is None else (job.label, job.started_at)

    def _la_mount(self, params, session, connected, can_wait=False, flash=None):
        self.__dict__["_la_connected"] = bool(connected)
        if flash:  # what the previous view put before it navigated here
            self.__dict__["flash"] = dict(flash)
        if self.requires is not None and (session or {}).get(self.requires) is None:
            self.redirect(self.requires_redirect)
            return None
        return self._la_run(self.mount, (params, session), "mount", can_wait)

    def _la_persisted(self):
        """The record to store (JSON text) or None when the class keeps nothing."""
        return _persist.record(self)

    def _la_persisted_changed(self):
        """For the runtime after each handled message, with the GIL the handler held: the new
        record when an assign persist keeps was assigned, deleted, mutated in place or marked
        changed since the last call (what _la_take saw), else None (the last record stands)."""
        if not self.__dict__.pop("_la_persist_dirty", False):
            return None
        return _persist.record(self)

    def _la_resume(self, text):
        """For the runtime after mount, with the stored record of this session and topic: True
        when it applied (another app version's or a damaged record does not)."""
        state = _persist.load(type(self), text) if type(self).persist else None
        if state is None:
            return False
        self.resume(state)
        return True

    def _la_params(self, params, url, can_wait=False):
        if type(self).handle_params is LiveView.handle_params:
            return None  # not overridden: nothing to run anywhere
        return self._la_run(self.handle_params, (params, url), "handle_params", can_wait)

    def _la_event(self, name, value, can_wait=False):
        entry = self._la_events.get(name)
        if entry is None:
            return self._la_unhandled(name, value, can_wait)
        attr, takes_value, kind = entry
        args = (value,) if takes_value else ()
        if kind is None:
            # The hot path (a plain sync handler): what _la_run would decide, without the lookups.
            policy = _work.policy
            if policy == "inline" or (policy == "auto" and attr not in self._la_slow):
                fn = getattr(self, attr)
                if policy == "inline":
                    reply = _work.call(fn, args)
                else:
                    t0 = _perf_counter()
                    reply = _work.call(fn, args)
                    if _perf_counter() - t0 > _work.slow_s:
                        self._la_slow.add(attr)
                        _work.learned += 1
                if reply is not None:
                    self._la_commands.append(("reply", name, reply))
                return None
        return self._la_run(getattr(self, attr), args, attr, can_wait, name)

    def _la_unhandled(self, name, value, can_wait):
        """An event without an @event handler: lv:clear-flash (the client's), handle_event if
        overridden, else UnknownEvent (the native side refuses the event; the view goes on)."""
        if name == "lv:clear-flash":
            self.clear_flash(value.get("key") if isinstance(value, dict) else None)
            return None
        if type(self).handle_event is not LiveView.handle_event:
            return self._la_run(self.handle_event, (name, value), "handle_event", can_wait, name)
        return self.handle_event(name, value)

    def _la_info(self, msg, can_wait=False):
        if isinstance(msg, _AsyncDone):
            return self._la_async_done(msg, can_wait)
        if type(self).handle_info is LiveView.handle_info:
            return None
        return self._la_run(self.handle_info, (msg,), "handle_info", can_wait)

    # ---- async tasks

    def _la_start_task(self, name, fn, args, assign_names):
        tasks = self.__dict__.setdefault("_la_tasks", {})
        old = tasks.pop(name, None)
        if old is not None:
            old.cancel()
        if not self._la_connected:
            return  # the HTTP render: started again once connected
        topic = self.__dict__.get("_la_async_topic")
        if topic is None:
            topic = self.__dict__["_la_async_topic"] = "_la_async:" + uuid.uuid4().hex
            self.subscribe(topic)
        tasks[name] = _work.start_task(name, fn, args, topic, assign_names)
        self._la_task_status()

    def _la_task_status(self):
        """The monitor shows the running tasks with the view ("async" detail)."""
        names = sorted(self.__dict__.get("_la_tasks", {}))
        self._la_commands.append(("status", "async", ("waiting on async task " + ", ".join(names)) if names else ""))

    def _la_async_done(self, msg, can_wait):
        tasks = self.__dict__.get("_la_tasks", {})
        task = tasks.get(msg.name)
        if task is None or task.token is not msg.token:
            return None  # cancelled or replaced
        del tasks[msg.name]
        self._la_task_status()
        if task.assign_names is not None:
            if not msg.ok:
                for n in task.assign_names:
                    setattr(self, n, AsyncResult(failed=msg.value))
            elif len(task.assign_names) == 1:
                setattr(self, task.assign_names[0], AsyncResult(ok=True, result=msg.value))
            else:
                for n in task.assign_names:
                    if not isinstance(msg.value, dict) or n not in msg.value:
                        setattr(self, n, AsyncResult(failed="the function returned no value for %r" % n))
                    else:
                        setattr(self, n, AsyncResult(ok=True, result=msg.value[n]))
            return None
        result = AsyncResult(ok=True, result=msg.value) if msg.ok else AsyncResult(failed=msg.value)
        return self._la_run(self.handle_async, (msg.name, result), "handle_async", can_wait)

    def _la_close(self):
        """The view ends: cancel its tasks and a callback still running elsewhere."""
        for task in self.__dict__.pop("_la_tasks", {}).values():
            task.cancel()
        job = self.__dict__.pop("_la_job", None)
        if job is not None:
            job.cancel()

    def _la_take(self, full):
        """(changed, commands): changed is a list of (name, value) — every assign when full,
        else those assigned, deleted (value = deletion marker _DELETED) or mutated in place since
        the last call; commands is the list of queued commands."""
        d = self.__dict__
        changed_names = d["_la_changed"]
        snaps = d["_la_snapshots"]
        if full:
            names = [k for k in d if k[0] != "_" and k not in _RESERVED]
        else:
            for name, snap in snaps.items():
                if name not in changed_names:
                    cur = d.get(name, _DELETED)
                    if cur is not snap[0] or cur != snap[1]:
                        changed_names.add(name)
            names = list(changed_names)
        keeps = self._la_keeps
        if keeps is not None and names and (keeps is True or not keeps.isdisjoint(names)):
            d["_la_persist_dirty"] = True  # _la_persisted_changed() makes a new record
        changed = []
        for name in names:
            value = d.get(name, _DELETED)
            changed.append((name, value))
            if isinstance(value, _MUTABLE):
                snaps[name] = (value, copy.copy(value))
            else:
                snaps.pop(name, None)
        d["_la_changed"] = set()
        commands = d["_la_commands"]
        d["_la_commands"] = []
        if d.pop("_la_leaving", False) and d.get("flash"):
            commands.append(("flash", dict(d["flash"])))  # carried to the next view
        return changed, commands

    def _la_rendered(self):
        """Resets temporary assigns and streams after a render; returns [(name, value)] that
        were reset."""
        reset = self._la_streams_rendered()
        ta = self.temporary_assigns
        if not ta:
            return reset
        d = self.__dict__
        for name, default in ta.items():
            value = copy.copy(default)
            d[name] = value
            if isinstance(value, _MUTABLE):
                d["_la_snapshots"][name] = (value, copy.copy(value))
            reset.append((name, value))
        return reset


class _Deleted:
    __slots__ = ()

    def __repr__(self):
        return "<deleted assign>"


_DELETED = _Deleted()
