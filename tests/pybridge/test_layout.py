"""Page layouts and the development error overlay under the real server (`liveactor serve`):
layoutapp/ has templates/layout.html ({% block content %}, {% live_title %}, {% static %}) and
views that override it, name a missing one, raise in mount or in a handler."""

import os
import re
import shutil

import pytest

from serving import HERE, get, serve
from wsclient import LiveClient

APP = os.path.join(HERE, "layoutapp", "app.py")


def pushes_until_phx_error(client):
    """The (topic, event, payload) of every message up to the view's phx_error."""
    seen = []
    while True:
        _, _, topic, event, payload = client.receive()
        seen.append((topic, event, payload))
        if event == "phx_error":
            return seen


@pytest.fixture(scope="module")
def production():
    with serve(APP) as port:
        yield port


@pytest.fixture(scope="module")
def debug():
    with serve(APP, "--debug") as port:
        yield port


def test_the_layout_holds_the_live_view(production):
    status, page = get(production, "/")
    assert status == 200
    container = re.search(r'<main><div id="(phx-[^"]+)" data-phx-main [^>]*><p id="count">0</p>', page)
    assert container, page                                    # {% block content %} is the live container
    assert '<header id="site-header">Layout app</header>' in page
    # {% live_title %}: the view's page_title between the prefix and suffix the client reuses
    assert ('<title data-prefix="LA: " data-suffix=" · Layout app" data-default="Welcome">'
            "LA: Home · Layout app</title>") in page
    # {% static %}: versioned for a file in static/, the plain URL otherwise
    assert re.search(r'<link rel="stylesheet" href="/static/app\.css\?vsn=[0-9a-f]{12}">', page)
    assert page.count("/static/app.css") == 1, "the layout's own link is not doubled"
    assert '<footer id="site-footer">/static/logo.svg</footer>' in page
    # what the page needs, inserted into the layout's <head>
    head = page[page.index("<head>"):page.index("</head>")]
    assert head.count('<meta name="csrf-token"') == 1
    assert head.index("/assets/app.css") < head.index("/static/app.css") < head.index("/assets/app.js")
    for script in ("phoenix.min.js", "phoenix_live_view.min.js", "app.js"):
        assert '<script defer src="/assets/%s?vsn=' % script in head


def test_the_page_joins_and_page_title_travels(production):
    client = LiveClient(production, "/")
    assert client.dead_html is None                           # not the server's own page
    assert client.join().startswith('<p id="count">0</p>')
    response, html = client.event("inc")
    assert html.startswith('<p id="count">1</p>')
    assert response["diff"]["t"] == "Count 1"                 # the client puts it between prefix and suffix
    client.close()


def test_a_view_overrides_or_drops_the_layout(production):
    _, bare = get(production, "/bare")
    assert "site-header" not in bare and "<title>liveactor</title>" in bare
    assert """<p id='bare'>no layout</p><img src="/static/logo.svg"></div>\n</body>""" in bare  # {% static %} in a view
    _, other = get(production, "/other")
    assert '<nav id="other-nav">other</nav><div id="phx-' in other   # {{ inner_content }} works too
    assert "<title>Other</title>" in other and other.count('<meta name="csrf-token"') == 1


@pytest.mark.parametrize("path", ["/missing", "/broken", "/mountboom", "/badview", "/badinclude", "/nohead", "/noslot"])
def test_production_shows_the_generic_error_only(production, path):
    status, page = get(production, path)
    assert status == 500
    assert "The page could not be rendered." in page
    assert "liveactor-dev-error" not in page
    for secret in ("nope.html", "broken_layout", "{% if %}", "alert", "bad_view", "not_there", "no_head", "no_slot"):
        assert secret not in page


def test_debug_names_a_missing_layout(debug):
    status, page = get(debug, "/missing")
    assert status == 500
    assert 'id="liveactor-dev-error"' in page
    assert "app.Missing: layout &quot;nope.html&quot; not found in " in page
    assert os.path.join(HERE, "layoutapp", "templates") in page


@pytest.mark.parametrize("path,message", [
    ("/nohead", "layout no_head.html has no &lt;head&gt;…&lt;/head&gt;: the page&#x27;s CSRF meta tag and scripts go there"),
    ("/noslot", "layout no_slot.html has no {% block content %}{% endblock %} (or {{ inner_content }}) for the live view"),
])
def test_debug_says_what_a_layout_lacks(debug, path, message):
    status, page = get(debug, path)
    assert status == 500
    assert "<pre>%s</pre>" % message in page


def test_debug_shows_a_template_error_with_its_source(debug):
    status, page = get(debug, "/broken")
    assert status == 500
    pre = re.search(r"<pre>(.*)</pre>", page, re.S).group(1)
    assert pre.splitlines() == [
        "app.Broken: layout broken_layout.html:4:1: Unexpected end of expression in if tag.",
        "  2 | &lt;html&gt;&lt;head&gt;&lt;title&gt;Broken&lt;/title&gt;&lt;/head&gt;",
        "  3 | &lt;body&gt;",
        "&gt; 4 | {% if %}",
        "    | ^",
        "  5 | {% block content %}{% endblock %}",
        "  6 | &lt;/body&gt;&lt;/html&gt;",
    ]


@pytest.mark.parametrize("path,first,marked", [
    ("/badview", "app.BadView: template bad_view.html:2:6: Invalid filter: &#x27;nosuchfilter&#x27;",
     "&gt; 2 |   &lt;p&gt;{{ count|nosuchfilter }}&lt;/p&gt;"),
    ("/badinclude", "template: bad_include.html:2:3: ", "&gt; 2 |   {% include which %}"),
])
def test_debug_shows_a_view_template_error_with_its_source(debug, path, first, marked):
    status, page = get(debug, path)
    assert status == 500
    lines = re.search(r"<pre>(.*)</pre>", page, re.S).group(1).splitlines()
    assert lines[0].startswith(first), lines
    assert "not_there.html" in lines[0] or path != "/badinclude"
    assert lines[1:] == ["  1 | &lt;section&gt;", marked, lines[3], "  3 | &lt;/section&gt;"]
    assert lines[3].endswith("^")


def test_debug_escapes_what_it_shows(debug):
    status, page = get(debug, "/mountboom")
    assert status == 500
    assert "ValueError: &lt;script&gt;alert(&#x27;mount&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_a_crashed_view_is_pushed_to_the_page_in_debug_only(debug, production):
    client = LiveClient(debug, "/")
    client.join()
    client.call("event", {"type": "click", "event": "inc", "value": {}})
    client._send(["1", "99", "lv:" + client.container, "event", {"type": "click", "event": "boom", "value": {}}])
    notices = [(e, p) for t, e, p in pushes_until_phx_error(client) if t == "liveactor"]
    assert len(notices) == 1 and notices[0][0] == "liveactor:error"
    assert notices[0][1]["title"] == "The live view crashed"
    assert "ValueError: <b>kaboom</b> & friends" in notices[0][1]["detail"]   # raw text: the page sets textContent
    assert "in boom" in notices[0][1]["detail"]                               # with its traceback
    client.close()

    quiet = LiveClient(production, "/")
    quiet.join()
    quiet._send(["1", "99", "lv:" + quiet.container, "event", {"type": "click", "event": "boom", "value": {}}])
    assert [t for t, e, p in pushes_until_phx_error(quiet) if t == "liveactor"] == []
    quiet.close()


def test_a_failed_reload_is_shown_until_a_good_one(tmp_path):
    app_dir = tmp_path / "app"
    shutil.copytree(os.path.join(HERE, "layoutapp"), app_dir)
    source = (app_dir / "app.py").read_text()
    with serve(str(app_dir / "app.py"), "--reload") as port:
        client = LiveClient(port, "/")
        client.join()
        (app_dir / "app.py").write_text(source.replace("class Home(LiveView):", "class Home(LiveView:"))
        _, _, topic, event, payload = client.receive()
        assert (topic, event) == ("liveactor", "liveactor:error")
        assert payload["title"] == "Reloading the app failed (the old code keeps running)"
        assert "SyntaxError" in payload["detail"] and "class Home(LiveView:" in payload["detail"]
        status, page = get(port, "/")                         # a page loaded meanwhile shows it too
        assert status == 200 and 'id="liveactor-dev-error"' in page and "SyntaxError" in page
        assert page.index('<p id="count">0</p>') < page.index("liveactor-dev-error") < page.index("</body>")

        (app_dir / "app.py").write_text(source.replace('"Count %d"', '"Clicks %d"'))
        _, _, topic, event, _ = client.receive()
        assert (topic, event) == ("liveactor", "liveactor:clear")
        assert "liveactor-dev-error" not in get(port, "/")[1]
        client.close()
