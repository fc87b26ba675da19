"""Nested live views for test_nested.py and e2e/nested.test.mjs: a page with two child panes, a
child with a child, a page whose children name no view, and two pages sharing a sticky pane (routes: routes)."""

from liveactor import LiveView, event


class Pane(LiveView):
    """A child view: counts its clicks; "boom" raises (a crash of this child only)."""
    template = ('<div class="pane" id="pane-{{ name }}"><b>{{ name }}</b> <span class="clicks">{{ clicks }}</span>'
                '<button class="click" phx-click="click">+</button>'
                '<button class="boom" phx-click="boom">boom</button></div>')

    def mount(self, params, session):
        self.name = session.get("name", "?")
        self.clicks = 0

    @event("click")
    def click(self):
        self.clicks += 1

    @event("boom")
    def boom(self):
        raise RuntimeError("pane %s exploded" % self.name)


class Page(LiveView):
    """The parent: its own counter, and the two panes (named by a string and by the class)."""
    template = ('<main><h1>page</h1><span class="count">{{ count }}</span>'
                '<button class="bump" phx-click="bump">bump</button>'
                '<button class="crash" phx-click="crash">crash</button>'
                '{% live_render "nested_views.Pane" id="left" session=left %}'
                '{% live_render pane id="right" session=right %}</main>')

    def mount(self, params, session):
        self.count = 0
        self.left = {"name": "left"}
        self.right = {"name": "right"}
        self.pane = Pane   # a LiveView subclass as an assign names itself ("nested_views.Pane")

    @event("bump")
    def bump(self):
        self.count += 1

    @event("crash")
    def crash(self):
        raise RuntimeError("the page exploded")


class Middle(LiveView):
    """A child with a child of its own."""
    template = ('<section>{% live_render "nested_views.Pane" id="inner" session=inner %}'
                '<button class="crash" phx-click="crash">crash</button></section>')

    def mount(self, params, session):
        self.inner = {"name": "inner"}

    @event("crash")
    def crash(self):
        raise RuntimeError("the middle view exploded")


class Deep(LiveView):
    template = '<main>{% live_render "nested_views.Middle" id="middle" %}</main>'


class NotAView:
    pass


class Broken(LiveView):
    """Children whose tokens name no live view."""
    template = ('<main>{% live_render "nested_views.Missing" id="ghost" %}'
                '{% live_render "nested_views.NotAView" id="plain" %}'
                '{% live_render "no_such_module.View" id="nomodule" %}</main>')


class StickyA(LiveView):
    template = ('<main><h1>A</h1><button class="go" phx-click="go">to B</button>'
                '{% live_render "nested_views.Pane" id="player" session=player sticky=True %}</main>')

    def mount(self, params, session):
        self.player = {"name": "player"}

    @event("go")
    def go(self):
        self.push_redirect("/sticky/b")


class StickyB(StickyA):
    template = StickyA.template.replace("<h1>A</h1>", "<h1>B</h1>").replace("to B", "to A")

    @event("go")
    def go(self):
        self.push_redirect("/sticky/a")


routes = {"/": Page, "/deep": Deep, "/broken": Broken, "/sticky/a": StickyA, "/sticky/b": StickyB}
