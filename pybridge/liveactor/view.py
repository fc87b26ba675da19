"""The LiveView base class and the @event decorator.

How the native runtime drives a view (the ``_la_*`` methods; not public API): it creates the view
with ``cls()``, calls ``_la_mount``/``_la_event``/``_la_info``/``_la_params`` with the GIL held,
then ``_la_take()`` for the assigns that changed and the commands the handler queued
(push_event, timers, …), renders natively, and finally calls ``_la_rendered()`` so temporary
assigns are reset. Everything here runs on whichever thread holds the GIL for that view; a view
is never called from two threads at once.
"""

import copy
import inspect

__all__ = ["LiveView", "event", "UnknownEvent"]

# Class attributes with a meaning for the runtime: never assigns.
_RESERVED = frozenset({"template", "template_name", "temporary_assigns", "connected"})
_MUTABLE = (list, dict, set)


class UnknownEvent(LookupError):
    """An event arrived for which the view has no handler (a crash, as in Phoenix)."""


def event(name=None):
    """Declares an event handler: ``@event("inc")``, or bare ``@event`` to use the method's name.

    The handler is called as ``handler(self, value)`` with the event's payload (a dict: the
    ``phx-value-*`` attributes for clicks, the decoded form for ``phx-change``/``phx-submit``), or
    as ``handler(self)`` if it takes no argument. A handler may be registered under several names
    by stacking decorators. The return value is ignored (replies to a hook's ``pushEvent`` are not
    supported yet). Plain methods are never called by events: only decorated ones, so a
    browser cannot invoke ``mount`` or any helper by naming it.
    """
    if callable(name):  # bare @event
        fn = name
        _register(fn, fn.__name__)
        return fn
    if name is not None and not isinstance(name, str):
        raise TypeError("@event() takes the event name as a str")

    def decorate(fn):
        _register(fn, name or fn.__name__)
        return fn

    return decorate


def _register(fn, name):
    names = getattr(fn, "_la_event_names", ())
    fn._la_event_names = tuple(names) + (name,)


def _takes_value(fn):
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return True
    positional = [p for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in positional)


class LiveView:
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

    Exceptions raised by any handler crash the view: the traceback is logged, the view's
    supervisor restarts it and the browser mounts it again.
    """

    template = None
    template_name = None
    temporary_assigns = None

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        # Internal state lives in __dict__ under _la_ names, set without __setattr__ so a subclass
        # __init__ that does not call super() still works.
        d = self.__dict__
        d["_la_changed"] = set()
        d["_la_commands"] = []
        d["_la_snapshots"] = {}
        d["_la_timer_seq"] = 0
        d["_la_connected"] = False
        return self

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        events = {}
        for klass in reversed(cls.__mro__):
            for attr, fn in vars(klass).items():
                for name in getattr(fn, "_la_event_names", ()):
                    events[name] = (attr, _takes_value(fn))
        cls._la_events = events
        ta = cls.__dict__.get("temporary_assigns")
        if ta is not None and not isinstance(ta, dict):
            raise TypeError("%s.temporary_assigns must be a dict of name -> value after render"
                            % cls.__name__)

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

    def mark_changed(self, *names):
        """Marks assigns as changed after mutating something deep inside them in place."""
        for name in names:
            if name[0] == "_":
                raise ValueError("%r is private, not an assign" % name)
            self._la_changed.add(name)

    @property
    def assigns(self):
        """The current assigns: a new dict of the public instance attributes."""
        return {k: v for k, v in self.__dict__.items() if k[0] != "_" and k not in _RESERVED}

    @property
    def connected(self):
        """False during the HTTP (dead) render, True once the browser's socket has joined."""
        return self._la_connected

    # ---- user hooks (override)

    def mount(self, params, session):
        """Sets the initial assigns. params: the URL's query and path parameters (a dict of str);
        session: the signed session data the page was served with (a dict)."""

    def handle_params(self, params, url):
        """Called after mount and on every live patch, with the new params and the full URL."""

    def handle_info(self, msg):
        """Receives messages from send_after, broadcast and other views. Default: ignore."""

    def handle_event(self, event, value):
        """Fallback for events without an @event handler. Default: raise UnknownEvent."""
        raise UnknownEvent("%s has no handler for event %r (decorate a method with @event(%r))"
                           % (type(self).__name__, event, event))

    # ---- commands (queued, applied by the runtime when the handler returns)

    def push_event(self, name, payload=None):
        """Sends an event to the browser (window "phx:<name>" listeners and hooks' handleEvent)."""
        self._la_commands.append(("push_event", str(name), {} if payload is None else payload))

    def push_patch(self, url, replace=False):
        """Changes the URL without remounting; handle_params runs with the new params."""
        self._la_commands.append(("push_patch", str(url), bool(replace)))

    def push_redirect(self, url, replace=False):
        """Navigates to another live view of this app over the same socket (live redirect)."""
        self._la_commands.append(("push_redirect", str(url), bool(replace)))

    def redirect(self, url):
        """A full page load of url (may leave the app)."""
        self._la_commands.append(("redirect", str(url)))

    def send_after(self, ms, msg):
        """Delivers msg to handle_info after ms milliseconds. Returns a timer id for cancel_timer.
        Timers die with the view."""
        ms = int(ms)
        if ms < 0:
            raise ValueError("send_after: negative delay")
        self.__dict__["_la_timer_seq"] = token = self._la_timer_seq + 1
        self._la_commands.append(("send_after", token, ms, msg))
        return token

    def cancel_timer(self, timer_id):
        """Cancels a send_after timer that has not fired yet."""
        self._la_commands.append(("cancel_timer", int(timer_id)))

    def subscribe(self, topic):
        """Receives every liveactor.broadcast(topic, msg) in handle_info until the view ends."""
        self._la_commands.append(("subscribe", str(topic)))

    def unsubscribe(self, topic):
        self._la_commands.append(("unsubscribe", str(topic)))

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

    def _la_mount(self, params, session, connected):
        self.__dict__["_la_connected"] = bool(connected)
        self.mount(params, session)

    def _la_params(self, params, url):
        self.handle_params(params, url)

    def _la_event(self, name, value):
        entry = self._la_events.get(name)
        if entry is None:
            return self.handle_event(name, value)
        attr, takes_value = entry
        fn = getattr(self, attr)
        if takes_value:
            fn(value)
        else:
            fn()

    def _la_info(self, msg):
        self.handle_info(msg)

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
        return changed, commands

    def _la_rendered(self):
        """Resets temporary assigns after a render; returns [(name, value)] that were reset."""
        ta = self.temporary_assigns
        if not ta:
            return []
        d = self.__dict__
        reset = []
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
