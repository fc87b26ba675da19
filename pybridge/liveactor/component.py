"""Live components: stateful parts of a live view's page (Phoenix's LiveComponent).

    class Card(LiveComponent):
        template = '<li id="card-{{ id }}">{{ title }} <button phx-click="up" phx-target="{{ myself }}">+</button></li>'

        def mount(self):
            self.votes = 0

        @event("up")
        def up(self):
            self.votes += 1

and in the view's template ``{% live_component Card id=card.id title=card.title %}``.

How the native runtime drives a component (the ``_la_*`` methods; not public API): it creates it
with ``cls()`` the first time its view renders the tag with a new id, calls ``_la_mount()``, then
``_la_update(assigns)`` on every render of the tag (and on ``send_update``) and ``_la_event`` for
events whose ``phx-target`` is the component; after each call ``_la_take()`` gives the changed
assigns and queued commands, as for views. Components run inside their view's actor, on its
thread, one call at a time; their callbacks cannot wait (no ``async def``, no ``blocking=True``).
"""

import sys

from liveactor import _work
from liveactor.view import LiveView, UnknownEvent, _RESERVED, _collect_events, _init_tracking, _takes_value

__all__ = ["LiveComponent", "send_update"]

# Every LiveComponent subclass by bare name (for {% live_component Name %}); a name defined twice
# maps to None (ambiguous: the tag must then use the dotted path).
_by_name = {}


class LiveComponent:
    """Base class of live components.

    Subclasses set ``template`` or ``template_name`` (the template must render exactly one root
    element) and implement some of:

    - ``mount(self)``: once, when the component first appears (``id`` is not set yet);
    - ``update(self, assigns)``: with the tag's keyword arguments (``id`` included) on every
      render of the tag and on ``send_update``; the default sets each as an attribute;
    - ``@event("name")`` methods: events from elements with ``phx-target="{{ myself }}"``.

    Public attributes are the component's assigns, tracked like a view's: after an event only
    the component is re-rendered and only its changes are sent. ``{{ myself }}`` in its template
    is the component's cid. ``self.allow_upload(...)`` (in mount or update) gives the component
    uploads of its own, read as ``uploads`` by its template; its form must carry
    ``phx-target="{{ myself }}"``. ``self.send_update(Other, id=…, **assigns)`` updates another
    component of the same view; ``push_event``/``push_patch``/``push_redirect``/``redirect`` act
    for the view. An exception crashes the view, as it does in Phoenix.
    """

    template: str | None = None
    template_name: str | None = None

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        _init_tracking(self)
        return self

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._la_events = _collect_events(cls, lambda attr, fn: (attr, _takes_value(fn)))
        cls._la_name = "%s.%s" % (cls.__module__, cls.__qualname__)
        _by_name[cls.__name__] = None if cls.__name__ in _by_name and _by_name[cls.__name__] is not cls else cls

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name[0] != "_" and name not in _RESERVED:
            self._la_changed.add(name)

    __delattr__ = LiveView.__delattr__
    mark_changed = LiveView.mark_changed
    assigns = LiveView.assigns
    push_event = LiveView.push_event
    push_patch = LiveView.push_patch
    push_redirect = LiveView.push_redirect
    redirect = LiveView.redirect
    # uploads are the component's own (its ``uploads`` assign); its form needs
    # ``phx-target="{{ myself }}"`` so that the client's pushes carry its cid
    _la_uploads_host = LiveView._la_uploads_host
    allow_upload = LiveView.allow_upload
    disallow_upload = LiveView.disallow_upload
    cancel_upload = LiveView.cancel_upload
    consume_uploaded_entries = LiveView.consume_uploaded_entries
    uploads = LiveView.uploads

    # ---- user hooks (override)

    def mount(self):
        """Sets the initial assigns, once, before the first update."""

    def update(self, assigns):
        """Receives the tag's keyword arguments (or send_update's). Default: set them all."""
        for name, value in assigns.items():
            setattr(self, name, value)

    def handle_event(self, event, value):
        """Fallback for events without an @event handler. Default: raise UnknownEvent."""
        raise UnknownEvent("%s has no handler for event %r (decorate a method with @event(%r))"
                           % (type(self).__name__, event, event))

    def send_update(self, component, id, **assigns):
        """Updates the live component (a LiveComponent class) with that id in this view: its
        ``update(assigns)`` runs and it re-renders after the current callback."""
        self._la_commands.append(_send_update_command(component, id, assigns))

    # ---- runtime protocol

    _la_template = classmethod(LiveView._la_template.__func__)
    _la_take = LiveView._la_take
    _la_keeps = None  # components are part of their view's state, never persisted on their own

    def _la_mount(self):
        _work.call(self.mount, ())

    def _la_update(self, assigns):
        _work.call(self.update, (assigns,))

    def _la_event(self, name, value):
        entry = self._la_events.get(name)
        if entry is None:
            _work.call(self.handle_event, (name, value))
            return
        attr, takes_value = entry
        _work.call(getattr(self, attr), (value,) if takes_value else ())


def _send_update_command(component, id, assigns):
    if not (isinstance(component, type) and issubclass(component, LiveComponent)):
        raise TypeError("send_update takes a LiveComponent class, not %r" % (component,))
    assigns = dict(assigns)
    assigns["id"] = id
    return ("send_update", component._la_name, id, assigns)


def send_update(view, component, id, **assigns):
    """``send_update`` from a view: ``liveactor.send_update(self, Card, id=3, title="x")``
    (views also have ``self.send_update(...)``)."""
    view._la_commands.append(_send_update_command(component, id, assigns))


def _la_resolve(view, name):
    """The LiveComponent class a view's template names: a dotted path, a name in the view's
    module, or the one subclass with that bare name."""
    cls = None
    if "." in name:
        module, _, attr = name.rpartition(".")
        mod = sys.modules.get(module)
        if mod is None:
            import importlib
            mod = importlib.import_module(module)
        cls = getattr(mod, attr, None)
    else:
        cls = getattr(sys.modules.get(type(view).__module__), name, None)
        if not (isinstance(cls, type) and issubclass(cls, LiveComponent)):
            if name in _by_name and _by_name[name] is None:
                raise LookupError("live_component %s: several LiveComponent classes are called %s; "
                                  "use the dotted path (module.%s)" % (name, name, name))
            cls = _by_name.get(name)
    if not (isinstance(cls, type) and issubclass(cls, LiveComponent)):
        raise LookupError("live_component %s: no LiveComponent subclass called %s (define it in the "
                          "view's module, or use its dotted path)" % (name, name))
    return cls, cls._la_name
