"""A small app with a page layout (templates/layout.html) and the development error overlay:
served by test_layout.py and e2e/layout.test.mjs. The view's page_title fills {% live_title %};
/bare opts out of the layout, /other uses another one, /missing names a file that does not exist,
/broken's has a syntax error, /nohead's no <head> and /noslot's no content block; Home's "boom" event and /mountboom's mount raise; /badview's
template does not compile and /badinclude's fails to render."""

from liveactor import LiveView, event

layout = "layout.html"


class Home(LiveView):
    template = """<p id="count">{{ count }}</p><button id="inc" phx-click="inc">+</button>
<button id="boom" phx-click="boom">boom</button>"""

    def mount(self, params, session):
        self.count = 0
        self.page_title = "Home"

    @event("inc")
    def inc(self, value):
        self.count += 1
        self.page_title = "Count %d" % self.count

    @event("boom")
    def boom(self, value):
        raise ValueError("<b>kaboom</b> & friends")


class NeverShown(LiveView):
    """A page that fails before its template shows (a subclass names a bad layout or raises)."""
    template = "<p>never shown</p>"


class MountBoom(NeverShown):
    def mount(self, params, session):
        raise ValueError("<script>alert('mount')</script>")


class NoHead(NeverShown):
    layout = "no_head.html"


class NoSlot(NeverShown):
    layout = "no_slot.html"


class BadView(LiveView):
    template_name = "bad_view.html"


class BadInclude(LiveView):
    template_name = "bad_include.html"

    def mount(self, params, session):
        self.which = "not_there.html"


class Bare(LiveView):
    layout = None
    template = """{% load static %}<p id='bare'>no layout</p><img src="{% static 'logo.svg' %}">"""


class Other(LiveView):
    layout = "other.html"
    template = "<p id='other'>other layout</p>"


class Missing(NeverShown):
    layout = "nope.html"


class Broken(NeverShown):
    layout = "broken_layout.html"


routes = {"/": Home, "/bare": Bare, "/other": Other, "/missing": Missing, "/broken": Broken,
          "/mountboom": MountBoom, "/badview": BadView, "/badinclude": BadInclude,
          "/nohead": NoHead, "/noslot": NoSlot}
