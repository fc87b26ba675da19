"""Tag libraries from Python (templatetags/lalib.py), translations through gettext catalogs and
the view's language, and the same catalog rendered by Django 3.2 for comparison."""

import array
import json
import os
import struct
import subprocess

import pytest

from liveactor import template
from liveactor.runtime import ViewCrashed

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "templates")


def write_mo(path, messages):
    """A gettext .mo catalog (what msgfmt writes): messages maps msgid → msgstr; a context is
    "ctx\\x04msgid", a plural msgid "one\\x00many" with msgstr "form0\\x00form1"."""
    messages = dict(messages)
    messages[""] = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode(), messages[k].encode()
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + key_start]
        voffsets += [l2, o2 + value_start]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0))
        f.write(array.array("i", koffsets).tobytes() + array.array("i", voffsets).tobytes() + ids + strs)


GERMAN = {
    "Hello": "Hallo",
    "month\x04May": "Mai",
    "%(c)s apple\x00%(c)s apples": "%(c)s Apfel\x00%(c)s Äpfel",
    "Welcome, %(name)s. You have 100%% credit.": "Willkommen, %(name)s. Sie haben 100%% Guthaben.",
    "Broken %(x)s": "Kaputt %(y)s",
    "a < b": "a <b> b",
}


@pytest.fixture
def german(tmp_path):
    write_mo(str(tmp_path / "de" / "LC_MESSAGES" / "messages.mo"), GERMAN)
    template.configure_i18n(str(tmp_path), "messages")
    yield tmp_path
    template.configure_i18n(None)


def render(source, context=None, **kw):
    return template.render_string(source, context, dirs=[TEMPLATES], **kw)


def test_custom_filters(runtime):
    ctx = {"s": "a<b", "n": 2}
    assert render("{% load lalib %}{{ s|shout }} {{ s|shout:'?' }} {{ s|times:n }} {{ s|stars }} "
                  "{{ s|safe|stars }}", ctx) == "A&lt;B! A&lt;B? a&lt;ba&lt;b *a&lt;b* *a<b*"
    assert render("{% load lalib %}{{ s|bold }}{% autoescape off %}{{ s|bold }}{% endautoescape %}", ctx) == \
        "<b>a&lt;b</b><b>a<b</b>"
    # Django's arity check, at compile time
    with pytest.raises(ValueError, match="times requires 2 arguments, 1 provided"):
        render("{% load lalib %}{{ s|times }}")
    with pytest.raises(ValueError, match="stars requires 1 arguments, 2 provided"):
        render("{% load stars from lalib %}{{ s|stars:1 }}")


def test_custom_tags(runtime):
    ctx = {"s": "ann", "user": "bob"}
    assert render("{% load lalib %}{% greet s %}|{% greet s punctuation='!' %}|{% greet 'x' as g %}[{{ g }}]", ctx) == \
        "Hello &lt;ann&gt;.|Hello &lt;ann&gt;!|[Hello &lt;x&gt;.]"
    assert render("{% load lalib %}{% whoami %} {% for user in 'yz' %}{% whoami prefix='u:' %}{% endfor %}", ctx) == \
        "bob u:yu:z"
    # string literals are safe in Django, and stay safe through Python; the card sees only its dict
    assert render("{% load lalib %}{% card 'T<' items %}{% card t %}", {"items": [1, "<2>"], "secret": "x", "t": "<"}) == \
        '<div class="card"><h2>T<</h2><i>1</i><i>&lt;2&gt;</i></div><div class="card"><h2>&lt;</h2></div>'
    with pytest.raises(ValueError, match="greet"):
        render("{% load lalib %}{% greet %}")  # TypeError from Python: missing argument


def test_unknown_library_and_unknown_names(runtime):
    with pytest.raises(ValueError, match="'nosuch' is not a registered tag library. Must be one of:\nhumanize\ni18n"):
        render("<p>\n{% load nosuch %}")
    with pytest.raises(ValueError, match=":2:1: 'nosuch' is not a registered"):
        render("<p>\n{% load nosuch %}")
    with pytest.raises(ValueError, match="'nope' is not a valid tag or filter in tag library 'lalib'"):
        render("{% load nope from lalib %}")
    with pytest.raises(ValueError, match="Invalid filter: 'shout'"):
        render("{{ s|shout }}")  # not loaded


async def test_filter_exception_crashes_the_view_with_traceback_and_position(runtime):
    session = await runtime.create_session()
    view = await session.mount("/libs/exploding")
    assert view.html == "<p>0</p>\n<p></p>"
    with pytest.raises(ViewCrashed) as info:
        await view.event("inc")
    text = info.value.traceback
    assert "i18n_views.Exploding:2:14: filter 'explode' raised:" in text
    assert "Traceback (most recent call last):" in text and "ValueError: cannot explode 1" in text
    assert "in explode" in text
    await session.shutdown()


def test_python_filter_runs_once_per_use(runtime):
    from templatetags import lalib
    before = lalib.count_calls.n
    assert render("{% load lalib %}{% for x in l %}{{ x|count_calls }}{% endfor %}", {"l": [1, 2, 3]}) == "123"
    assert lalib.count_calls.n == before + 3


def test_gettext_catalog_and_language(runtime, german):
    src = ('{% load i18n %}{% trans "Hello" %}|{{ _("Hello") }}|{% trans "May" context "month" %}|'
           '{% blocktrans count c=n %}{{ c }} apple{% plural %}{{ c }} apples{% endblocktrans %}|'
           '{% blocktrans %}Welcome, {{ name }}. You have 100% credit.{% endblocktrans %}|'
           '{% blocktrans with x=1 %}Broken {{ x }}{% endblocktrans %}|{% trans "a < b" %}|{% trans "Other" %}')
    ctx = {"n": 1, "name": "<Ann>"}
    assert render(src, ctx) == ("Hello|Hello|May|1 apple|Welcome, &lt;Ann&gt;. You have 100% credit.|"
                                "Broken 1|a < b|Other")
    assert render(src, ctx, language="de") == ("Hallo|Hallo|Mai|1 Apfel|Willkommen, &lt;Ann&gt;. Sie haben 100% "
                                               "Guthaben.|Broken 1|a <b> b|Other")
    assert render(src, dict(ctx, n=3), language="de").split("|")[3] == "3 Äpfel"
    assert render("{% load i18n %}{% language 'de' %}{% trans 'Hello' %}{% endlanguage %}{% trans 'Hello' %}") == \
        "HalloHello"


async def test_view_language_switch_rerenders_only_translations(runtime, german):
    session = await runtime.create_session()
    view = await session.mount("/libs/translated")
    assert view.html == "<p>Hello</p><p>1</p><p>1 apple</p><p>ANN!</p>"
    reply = await view.event("speak", {"lang": "de"})
    assert reply.html == "<p>Hallo</p><p>1</p><p>1 Apfel</p><p>ANN!</p>"
    assert set(reply.diff) == {"0", "2"}  # the translated dynamics only
    reply = await view.event("more")
    assert reply.html == "<p>Hallo</p><p>2</p><p>2 Äpfel</p><p>ANN!</p>"
    await session.shutdown()


DJANGO_RENDER = r"""
import json, sys
import django
from django.conf import settings
settings.configure(USE_I18N=True, LANGUAGE_CODE="de", LOCALE_PATHS=[sys.argv[1]],
                   TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}])
django.setup()
from django.template import engines
cases = json.load(sys.stdin)
print(json.dumps([engines["django"].from_string(t).render(c) for t, c in cases]))
"""


def test_translations_match_django(runtime, tmp_path):
    write_mo(str(tmp_path / "de" / "LC_MESSAGES" / "django.mo"), GERMAN)
    cases = [
        ('{% load i18n %}{% trans "Hello" %} {% translate "May" context "month" %} {{ _("Hello")|upper }}', {}),
        ('{% load i18n %}{% blocktrans count c=n %}{{ c }} apple{% plural %}{{ c }} apples{% endblocktrans %}', {"n": 1}),
        ('{% load i18n %}{% blocktrans count c=n %}{{ c }} apple{% plural %}{{ c }} apples{% endblocktrans %}', {"n": 5}),
        ('{% load i18n %}{% blocktrans %}Welcome, {{ name }}. You have 100% credit.{% endblocktrans %}', {"name": "<A>"}),
        ('{% load i18n %}{% blocktrans with x=v asvar r %}Broken {{ x }}{% endblocktrans %}[{{ r }}]', {"v": "<"}),
        ('{% load i18n %}{% trans "a < b" %}|{% trans "a < b" as t %}{{ t }}|{% trans s %}', {"s": "a < b"}),
        ('{% load i18n %}{% get_current_language as L %}{{ L }}{% trans "Missing" %}', {}),
    ]
    django = subprocess.run(["/usr/bin/python3", "-c", DJANGO_RENDER, str(tmp_path)], input=json.dumps(cases),
                            capture_output=True, text=True, check=True)
    expected = json.loads(django.stdout)
    template.configure_i18n(str(tmp_path), "django", default_language="de")
    try:
        ours = [render(t, dict(c, language="de")) for t, c in cases]
    finally:
        template.configure_i18n(None)
    assert ours == expected


def test_django_library_filters_load(runtime):
    import types
    from django import template as django_template
    module = types.ModuleType("fake_django_templatetags")
    module.register = django_template.Library()

    @module.register.filter(is_safe=True)
    def twice(value):
        return str(value) * 2

    @module.register.simple_tag
    def unusable():
        return "x"

    template._library_of(module, "fakedjango")  # what {% load %} does for an installed app's library
    assert render("{% load fakedjango %}{{ 'a<'|twice }}{{ s|twice }}", {"s": "<"}) == "a<a<&lt;&lt;"
    with pytest.raises(ValueError, match="Invalid block tag on line 1: 'unusable'"):
        render("{% load fakedjango %}{% unusable %}")


def test_reloaded_library_module_is_imported_again(runtime):
    import sys
    import templatetags.lalib as before
    assert template._resolve("lalib").filters["shout"][0] is before.shout
    del sys.modules["templatetags.lalib"]  # what `liveactor serve --reload` does to app modules
    after = template._resolve("lalib")
    assert after.filters["shout"][0] is sys.modules["templatetags.lalib"].shout is not before.shout
    assert render("{% load lalib %}{{ 'x'|shout }}") == "X!"
