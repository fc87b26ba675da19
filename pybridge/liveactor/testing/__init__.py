"""Testing live views the way Phoenix.LiveViewTest does: mount a view in-process, click its
elements, fill and submit its forms, and check the page with CSS selectors.

    async def test_add(live):
        view = await live("/todo")
        await view.form("#add", {"title": "Ship it"}).submit()
        assert view.has_element("li.todo", text="Ship it")

With pytest the ``live`` fixture comes from the plugin ``liveactor.testing.plugin`` (see
docs/testing.md); outside pytest, ``async with LiveClient.for_app("app.py") as live: ...`` does
the same.

The views run on the real runtime (``liveactor._native``): the same actors, renders and diffs as
under ``liveactor serve``, without a socket. Events are sent as the phoenix_live_view 1.1 client
sends them (phx-value-* attributes, URL-encoded forms decoded by the server's decoder), and the
page is the DOM the client would hold after patching.
"""

import asyncio
import os
import re
import sys
from urllib.parse import urljoin

from liveactor.testing._dom import Dom, click_event, click_value, encode_form, outer_html, select

__all__ = ["LiveClient", "ViewClient", "Element", "Form", "Redirected", "load_app",
           "assert_push_event", "assert_redirect", "assert_patch", "assert_has_element"]

#: How much of a page an error message shows.
_MAX_HTML = 4000


def _page(html):
    html = html.strip()
    return html if len(html) <= _MAX_HTML else html[:_MAX_HTML] + "\n… (%d more characters)" % (len(html) - _MAX_HTML)


def _describe(selector, text):
    return repr(selector) + ("" if text is None else " with text %r" % (text.pattern if isinstance(text, re.Pattern) else text))


class Redirected(Exception):
    """live() mounted a view that redirected during mount; .to is where, .kind is "redirect" (a
    full page load) or "navigate" (a live redirect to another view)."""

    def __init__(self, to, kind):
        super().__init__("the view redirected during mount (%s) to %s" % (kind, to))
        self.to = to
        self.kind = kind


def load_app(spec, root=None):
    """routes and template directories of an app spec (``app.py``, ``app.py:attr``,
    ``package.module[:attr]``, relative to root), or of a routes dict."""
    if isinstance(spec, dict):
        return dict(spec), []
    from liveactor import _loader
    target = spec.rsplit(":", 1)[0] if ":" in spec else spec
    if root is not None:
        if target.endswith(".py") or os.sep in target:
            spec = os.path.join(str(root), spec)
        elif str(root) not in sys.path:
            sys.path.insert(0, str(root))
    info = _loader.load(spec)
    return dict(info["routes"]), info["template_dirs"]


class LiveClient:
    """Mounts views of one app on a runtime of its own: ``view = await live(path)``. Each call
    is a new browser tab (its own session actor). close() (or leaving ``async with``) stops the
    runtime and every view in it; the next LiveClient starts afresh."""

    def __init__(self, routes, template_dirs=(), **runtime_options):
        self._routes = routes
        self._template_dirs = template_dirs
        self._options = dict({"executors": 2}, **runtime_options)
        self.runtime = None
        self.views = []

    @classmethod
    def for_app(cls, spec, root=None, **runtime_options):
        routes, dirs = load_app(spec, root)
        return cls(routes, dirs, **runtime_options)

    def _runtime(self):
        if self.runtime is None:
            from liveactor.runtime import Runtime
            self.runtime = Runtime(routes=self._routes, template_dirs=self._template_dirs, **self._options)
        return self.runtime

    async def __call__(self, path, session=None, params=None, timeout=5.0):
        """Mounts the view routed at path (a query string is allowed) with this session dict, as
        a page load followed by the socket's join. Raises Redirected if mount redirects,
        KeyError for a path no route serves, ViewCrashed (with the traceback) if mount raises."""
        tab = await self._runtime().create_session()
        view = await tab.mount(path, params=params, session=session, timeout=timeout)
        effects = view.mount_effects or {}
        for kind in ("redirect", "navigate"):
            if kind in effects:
                to = effects[kind]["to"] if isinstance(effects[kind], dict) else effects[kind]
                raise Redirected(to, kind)
        client = ViewClient(tab, view, path, effects)
        self.views.append(client)
        return client

    def broadcast(self, topic, msg):
        """liveactor.broadcast from the test; returns how many views got it."""
        return self._runtime().broadcast(topic, msg)

    def close(self):
        if self.runtime is not None:
            self.runtime.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        if self.runtime is not None:
            await self.runtime.shutdown()


class ViewClient:
    """A mounted view and the page it shows: what ``await live(path)`` returns."""

    def __init__(self, tab, view, path, mount_effects):
        self.tab = tab          # liveactor.runtime.Session: the browser tab
        self.view = view        # liveactor.runtime.View: restarts, last_crash, kill()
        self.path = path        # the URL now (push_patch changes it)
        self.title = mount_effects.get("title")
        self.push_events = []   # [(name, payload)] not yet asserted
        self.reply = None       # the last event's reply to a hook (the handler's returned dict)
        self.redirected_to = None
        self.redirect_kind = None
        self.patched_to = None
        self._unawaited = 0     # pushes applied that next_render has not returned yet
        self._dom = Dom(view.html)
        self._took(mount_effects)

    # ---- the page

    def html(self):
        """The view's HTML as the page shows it now (server pushes that arrived included)."""
        self._drain()
        return self._dom.html()

    def element(self, selector, text=None):
        """The element matching selector (and containing text, a str or a compiled regex);
        what it does is checked when it is used: exactly one element must match."""
        return Element(self, selector, text)

    def form(self, selector, data=None):
        """The form matching selector, with data (a dict; nested dicts for "user[name]") set over
        its current fields."""
        return Form(self, selector, data)

    def has_element(self, selector, text=None):
        """Truthy if an element matches selector (and contains text); its repr shows the page
        when it does not, so ``assert view.has_element(...)`` explains a failure."""
        self._drain()
        return Found(select(self._dom.root, selector, text), selector, text, self._dom.html())

    def find(self, selector, text=None):
        """Every element matching, as lxml elements (for what the helpers do not cover)."""
        self._drain()
        return select(self._dom.root, selector, text)

    def _one(self, selector, text):
        self._drain()
        found = select(self._dom.root, selector, text)
        if len(found) != 1:
            shown = "\n".join(outer_html(el) for el in found) if found else _page(self._dom.html())
            raise AssertionError("selector %s matched %d elements, expected exactly one:\n%s"
                                 % (_describe(selector, text), len(found),
                                    shown if found else "the page is:\n" + shown))
        return found[0]

    # ---- what the browser sends

    async def click(self, selector, text=None, value=None):
        return await self.element(selector, text).click(value)

    async def patch(self, path, timeout=5.0):
        """The browser's live patch to path (Phoenix's render_patch): handle_params runs for it;
        a path another view serves is a live redirect (see assert_redirect). Returns the HTML."""
        self._drain()
        target = _resolve(self.path, path)   # the client sends the whole URL
        reply = await self.view.live_patch(target, timeout=timeout)
        if "navigate" not in (reply.effects or {}):
            self.path = target
        self._apply(reply)
        return self._dom.html()

    async def hook_event(self, event, value=None, timeout=5.0):
        """pushEvent from a JS hook (Phoenix's render_hook); returns the page's HTML after it. The
        handler's reply (what pushEvent's callback receives) is then in view.reply."""
        self.reply = None
        return await self._send({"type": "hook", "event": event, "value": value or {}}, timeout)

    async def _send(self, payload, timeout=5.0):
        self._drain()
        reply = await self.view.client_event(payload, timeout=timeout)
        self._apply(reply)
        return self._dom.html()

    # ---- what the server sends by itself

    async def send_info(self, msg, timeout=5.0):
        """Delivers msg to the view's handle_info, waits until it has been handled, and returns
        the page's HTML after it."""
        status = self.view.send_info(msg)
        if status != "ok":
            raise RuntimeError("send_info: the view did not take the message (%s)" % status)
        # The render ask queues behind the info (and behind any wait it started), and its answer
        # comes after the push the info caused: that push is not one for next_render.
        await self.view.render(timeout)
        self._drain()
        self._unawaited = 0
        return self._dom.html()

    async def next_render(self, timeout=1.0):
        """Waits for a server push to this view (a timer, a broadcast, an async result) that no
        earlier next_render returned — one that already arrived counts — and returns the page's
        HTML; asyncio.TimeoutError if none comes in time."""
        self._drain()
        if not self._unawaited:
            key, reply = await asyncio.wait_for(self.tab.pushes.get(), timeout)
            self._apply(reply, push=True)
        self._unawaited -= 1
        return self._dom.html()

    def _drain(self):
        while True:
            try:
                key, reply = self.tab.pushes.get_nowait()
            except asyncio.QueueEmpty:
                return
            self._apply(reply, push=True)

    def _apply(self, reply, push=False):
        self._unawaited += push
        self._dom.update(reply.html)
        self._took(reply.effects or {})

    def _took(self, effects):
        if "title" in effects:
            self.title = effects["title"]
        if "reply" in effects:
            self.reply = effects["reply"]
        for name, payload in effects.get("events", []):
            self.push_events.append((name, payload))
        for kind in ("redirect", "navigate"):
            if kind in effects:
                target = effects[kind]
                self.redirected_to = target["to"] if isinstance(target, dict) else target
                self.redirect_kind = kind
        if "patch" in effects:
            self.patched_to = effects["patch"]["to"]
            self.path = _resolve(self.path, self.patched_to)

    def __repr__(self):
        return "<ViewClient %s %s>" % (self.path, self.view.key)


def _resolve(current, to):
    return urljoin("http://localhost" + current, to)[len("http://localhost"):]


class Found:
    """has_element's answer: truthy when something matched; the page in its repr otherwise."""

    def __init__(self, elements, selector, text, page):
        self.elements = elements
        self._what = _describe(selector, text)
        self._page = page

    def __bool__(self):
        return bool(self.elements)

    def __len__(self):
        return len(self.elements)

    def __repr__(self):
        if self.elements:
            return "<%d element(s) matching %s: %s>" % (len(self.elements), self._what,
                                                        " ".join(outer_html(e) for e in self.elements))
        # one line: pytest shows a repr's line breaks as \n
        return "<no element matching %s in the page: %s>" % (self._what, re.sub(r"\s*\n\s*", " ", _page(self._page)))


class Element:
    """An element of the page, looked up when used (view.element(selector, text))."""

    def __init__(self, client, selector, text=None):
        self.client = client
        self.selector = selector
        self.text = text

    def render(self):
        """The element's HTML (outer)."""
        return outer_html(self.client._one(self.selector, self.text))

    def exists(self):
        return bool(self.client.has_element(self.selector, self.text))

    async def click(self, value=None, timeout=5.0):
        """What the browser sends for a click on it (phx-click, its phx-value-* attributes and
        value; `value` adds to them); returns the page's HTML after the reply."""
        return await self._binding("click", value, timeout)

    async def keyup(self, key, value=None, timeout=5.0):
        return await self._binding("keyup", dict(value or {}, key=key), timeout)

    async def keydown(self, key, value=None, timeout=5.0):
        return await self._binding("keydown", dict(value or {}, key=key), timeout)

    async def blur(self, value=None, timeout=5.0):
        return await self._binding("blur", value, timeout)

    async def focus(self, value=None, timeout=5.0):
        return await self._binding("focus", value, timeout)

    async def _binding(self, kind, extra, timeout):
        el = self.client._one(self.selector, self.text)
        binding = el.get("phx-" + kind)
        if binding is None and kind == "click" and el.tag == "a" and el.get("data-phx-link"):
            return await self._follow(el)
        if binding is None:
            raise AssertionError("%s has no phx-%s attribute: %s" % (_describe(self.selector, self.text), kind,
                                                                     outer_html(el)))
        if el.get("disabled") is not None:
            raise AssertionError("%s is disabled: a browser sends nothing for it: %s"
                                 % (_describe(self.selector, self.text), outer_html(el)))
        event, js_value = click_event(binding)
        if not event:
            raise AssertionError("phx-%s of %s pushes no event: %s" % (kind, _describe(self.selector, self.text),
                                                                        outer_html(el)))
        value = dict(js_value, **click_value(el, extra))
        payload = {"type": kind, "event": event, "value": value}
        target = el.get("phx-target", "")
        if target.isdigit():  # phx-target="{{ myself }}": the live component with that cid
            payload["cid"] = int(target)
        return await self.client._send(payload, timeout)

    async def _follow(self, link):
        """A live link: "patch" patches this view; "redirect" navigates to another live view
        (the view is left as it is; assert_redirect sees where)."""
        href = link.get("href", "")
        if link.get("data-phx-link") == "patch":
            return await self.client.patch(href)
        self.client._took({"navigate": {"to": href, "kind": link.get("data-phx-link-state", "push")}})
        return self.client.html()

    def __repr__(self):
        return "<Element %s>" % _describe(self.selector, self.text)


class Form:
    """A form of the page with data to set over its fields (view.form(selector, data))."""

    def __init__(self, client, selector, data=None):
        self.client = client
        self.selector = selector
        self.data = data or {}

    def render(self):
        return outer_html(self.client._one(self.selector, None))

    async def change(self, data=None, target=None, timeout=5.0):
        """phx-change as the browser sends it after typing: the form's fields with the data set,
        _target naming the changed field (target, or the first given one)."""
        return await self._push("change", data, target, None, timeout)

    async def submit(self, data=None, submitter=None, timeout=5.0):
        """phx-submit with the form's fields (and the submitter button's name=value, a selector
        inside the form)."""
        return await self._push("submit", data, None, submitter, timeout)

    async def _push(self, kind, data, target, submitter, timeout):
        form = self.client._one(self.selector, None)
        if form.tag != "form":
            raise AssertionError("%r is a <%s>, not a form: %s" % (self.selector, form.tag, outer_html(form)))
        event = form.get("phx-" + kind)
        if not event:
            raise AssertionError("the form %r has no phx-%s attribute: %s" % (self.selector, kind, outer_html(form)))
        button = None
        if submitter is not None:
            buttons = select(form, submitter)
            if len(buttons) != 1:
                raise AssertionError("submitter %r matched %d elements in the form" % (submitter, len(buttons)))
            button = buttons[0]
        merged = dict(self.data)
        merged.update(data or {})
        try:
            body, given = encode_form(form, merged, button)
        except ValueError as exc:
            raise AssertionError("%s: %s" % (exc, outer_html(form))) from None
        payload = {"type": "form", "event": click_event(event)[0], "value": body}
        if kind == "change":
            payload["meta"] = {"_target": target or (given[0] if given else "undefined")}
        return await self.client._send(payload, timeout)

    def __repr__(self):
        return "<Form %r %r>" % (self.selector, self.data)


# ---- assertions (they raise AssertionError with what the view did)


def assert_has_element(view, selector, text=None):
    found = view.has_element(selector, text)
    if not found:
        raise AssertionError("no element matching %s in the page:\n%s" % (_describe(selector, text), _page(view.html())))
    return found.elements


def assert_push_event(view, event, payload=None):
    """The view pushed event (with this payload, if given) since the last assert_push_event
    that matched it; the match is consumed."""
    view._drain()
    for i, (name, sent) in enumerate(view.push_events):
        if name == event and (payload is None or sent == payload):
            del view.push_events[i]
            return sent
    raise AssertionError("no push_event %r%s; pushed: %r" % (event, "" if payload is None else " with %r" % (payload,),
                                                             view.push_events))


def assert_redirect(view, to=None):
    """The view redirected (redirect or push_redirect), to `to` if given; returns where."""
    view._drain()
    if view.redirected_to is None:
        raise AssertionError("the view did not redirect (it is at %s)" % view.path)
    if to is not None and view.redirected_to != to:
        raise AssertionError("the view redirected to %r, not %r" % (view.redirected_to, to))
    return view.redirected_to


def assert_patch(view, to=None):
    """The view patched its URL (push_patch), to `to` if given; returns the path."""
    view._drain()
    if view.patched_to is None:
        raise AssertionError("the view did not patch (it is at %s)" % view.path)
    if to is not None and to not in (view.patched_to, view.path):
        raise AssertionError("the view patched to %r (now at %s), not %r" % (view.patched_to, view.path, to))
    return view.path
