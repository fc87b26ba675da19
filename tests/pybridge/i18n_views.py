"""Views for test_template_libs.py: translations by the view's language, and a custom filter
that raises."""

from liveactor import LiveView, event


class Translated(LiveView):
    template = ('{% load i18n lalib %}<p>{% translate "Hello" %}</p><p>{{ n }}</p>'
                '<p>{% blocktranslate count c=n %}{{ c }} apple{% plural %}{{ c }} apples{% endblocktranslate %}</p>'
                '<p>{{ name|shout }}</p>')

    def mount(self, params, session):
        self.n = 1
        self.name = "ann"
        self.language = params.get("lang", "en")

    @event("speak")
    def speak(self, value):
        self.language = value["lang"]

    @event("more")
    def more(self):
        self.n += 1


class Exploding(LiveView):
    template = "{% load lalib %}<p>{{ n }}</p>\n<p>{% if n %}{{ n|explode }}{% endif %}</p>"

    def mount(self, params, session):
        self.n = 0

    @event("inc")
    def inc(self):
        self.n += 1
