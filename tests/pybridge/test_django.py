"""The Django example (examples/notes) through the real server: `liveactor serve --django
notes.settings app.py`, driven over HTTP and the LiveView WebSocket, while this process opens the
same SQLite database with Django's own ORM, users and sessions."""

import copy
import os
import re
import sys
import time
import urllib.parse

import pytest

from serving import serve
from wsclient import LiveClient

HERE = os.path.dirname(os.path.abspath(__file__))
NOTES_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "notes")


# ---- Phoenix's rendered tree, enough of it for nested templates and keyed comprehensions
# (phoenix_live_view's rendered.js: mergeDiff, mergeKeyed, toOutputBuffer)

def _merge(target, source):
    if "s" in source:
        return source
    _merge_into(target, source)
    return target


def _merge_into(target, source):
    if "k" in source:
        old = copy.deepcopy(target.get("k", {}))
        keyed = target.setdefault("k", {})
        for i, entry in source["k"].items():
            if i == "kc":
                continue
            elif isinstance(entry, list):         # moved, with a diff
                keyed[i] = copy.deepcopy(old[str(entry[0])])
                _merge_into(keyed[i], entry[1])
            elif isinstance(entry, bool):       # a flag ("km"), nothing to merge
                continue
            elif isinstance(entry, int):        # moved
                keyed[i] = copy.deepcopy(old[str(entry)])
            else:                               # changed in place (or new)
                _merge_into(keyed.setdefault(i, {}), entry)
        for i in range(source["k"]["kc"], old.get("kc", 0)):
            keyed.pop(str(i), None)
        keyed["kc"] = source["k"]["kc"]
        if "p" in source:
            target["p"] = source["p"]
        return
    for key, value in source.items():
        current = target.get(key)
        if isinstance(value, dict) and "s" not in value and isinstance(current, dict):
            _merge_into(current, value)
        else:
            target[key] = value


def _statics(part, templates):
    return templates[str(part)] if isinstance(part, int) else part


def _to_html(rendered, templates=None):
    # like rendered.js, resolves shared templates ("p") once and drops them from the tree
    if "k" in rendered:
        row_templates = templates or rendered.pop("p", None)
        statics = rendered["s"] = _statics(rendered["s"], templates)
        out = []
        for i in range(rendered["k"]["kc"]):
            row = rendered["k"][str(i)]
            out.append(statics[0])
            for j, s in enumerate(statics[1:]):
                out.append(_dynamic(row.get(str(j)), row_templates))
                out.append(s)
        return "".join(out)
    if "p" in rendered:
        templates = rendered.pop("p")
    statics = rendered["s"] = _statics(rendered["s"], templates)
    out = [statics[0]]
    for i, s in enumerate(statics[1:]):
        out.append(_dynamic(rendered.get(str(i)), templates))
        out.append(s)
    return "".join(out)


def _dynamic(value, templates):
    if isinstance(value, dict):
        return _to_html(value, templates)
    assert not isinstance(value, int) or isinstance(value, bool), "live components are not used here"
    return "" if value is None else str(value)


class NotesClient(LiveClient):
    """LiveClient with form events, pushes and the whole rendered tree (comprehensions too)."""

    def join(self):
        self.ref += 1
        ref = str(self.ref)
        self._send(["1", ref, "lv:" + self.container, "phx_join",
                    {"url": self.url, "params": {"_csrf_token": self.csrf}, "session": self.token, "static": ""}])
        while True:
            _, reply_ref, _, ev, body = self.receive()
            if ev == "phx_reply" and reply_ref == ref:
                assert body["status"] == "ok", body
                self.tree = body["response"]["rendered"]
                return _to_html(self.tree)

    def push(self, payload):
        """Sends an event; applies the pushes before the reply and the reply's diff; the HTML."""
        self.ref += 1
        ref = str(self.ref)
        self._send(["1", ref, "lv:" + self.container, "event", payload])
        while True:
            _, reply_ref, _, ev, body = self.receive()
            if ev == "diff":
                self.tree = _merge(self.tree, body)
            elif ev == "phx_reply" and reply_ref == ref:
                assert body["status"] == "ok", body
                self.tree = _merge(self.tree, body["response"].get("diff", {}))
                return _to_html(self.tree)
            elif ev in ("phx_error", "phx_close"):
                raise AssertionError("the view ended: %s %s" % (ev, body))

    def click(self, name, value=None):
        return self.push({"type": "click", "event": name, "value": value or {}})

    def form(self, name, fields, target=None):
        value = dict(fields)
        if target:
            value["_target"] = target
        return self.push({"type": "form", "event": name, "value": urllib.parse.urlencode(value)})

    def next_diff(self, timeout=10):
        """Waits for the next server push (a render caused by handle_info/handle_async)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                _, _, _, ev, body = self.receive()
                if ev == "diff":
                    self.tree = _merge(self.tree, body)
                    return _to_html(self.tree)
                if ev in ("phx_error", "phx_close"):
                    raise AssertionError("the view ended: %s %s" % (ev, body))
        finally:
            self.sock.settimeout(10)


def titles(html):
    return re.findall(r'<li id="note-\d+">\s*<span class="title">([^<]*)</span>', html)


def wait_for(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for " + what)
        time.sleep(0.02)


# ---- the server and the ORM of this process, on one database

@pytest.fixture(scope="module")
def state_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("notes-state"))


@pytest.fixture(scope="module")
def server(state_dir):
    # the documented command, run from the project folder so notes.settings imports
    with serve("app.py", "--django", "notes.settings", cwd=NOTES_DIR,
               env={"LIVEACTOR_STATE_DIR": state_dir, "NOTES_EXPORT_STEP_S": "0.05",
                    "DJANGO_SETTINGS_MODULE": None}) as port:
        yield port


@pytest.fixture(scope="module")
def orm(server, state_dir):
    """Django in this process, set up with the example's settings against the server's SQLite
    file (the server migrated it before listening). The environment is restored at once so that
    servers other tests start do not inherit DJANGO_SETTINGS_MODULE."""
    import django
    from django.apps import apps
    if apps.ready:
        pytest.fail("Django was already set up in this process")
    if NOTES_DIR not in sys.path:
        sys.path.insert(0, NOTES_DIR)
    saved = {k: os.environ.get(k) for k in ("DJANGO_SETTINGS_MODULE", "LIVEACTOR_STATE_DIR")}
    os.environ["DJANGO_SETTINGS_MODULE"] = "notes.settings"
    os.environ["LIVEACTOR_STATE_DIR"] = state_dir
    try:
        django.setup()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    from django.conf import settings
    assert os.path.dirname(str(settings.DATABASES["default"]["NAME"])) == os.path.realpath(state_dir)
    from notebook.models import Note
    yield Note
    from django.db import connections
    connections.close_all()


def login_cookie(username, password):
    """A user logged in through Django's own login(): the Cookie header its browser would send."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    User = get_user_model()
    if not User.objects.filter(username=username).exists():
        User.objects.create_user(username, password=password)
    client = Client()
    assert client.login(username=username, password=password)
    return "%s=%s" % (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)


# ---- the tests

def test_migrated_on_start_and_lists_notes(server, orm):
    from django.db import connection
    assert "notebook_note" in connection.introspection.table_names()   # migrate ran in the server
    orm.objects.create(title="Seeded from the ORM", body="before the page")
    client = NotesClient(server, "/notes")
    try:
        assert "Seeded from the ORM" in titles(client.dead_html)        # the HTTP render
        html = client.join()                                            # the live mount (worker pool)
        assert html == client.dead_html                                 # the same page, both ways
        assert "Seeded from the ORM" in titles(html)
        assert re.search(r'<p id="count">%d notes?</p>' % orm.objects.count(), html)
        assert "anonymous" in html and 'id="username"' not in html
    finally:
        client.close()


def test_validation_then_submit_saves_through_the_orm(server, orm):
    client = NotesClient(server, "/notes")
    try:
        client.join()
        html = client.form("validate", {"title": "x" * 81, "body": ""}, target="title")
        assert re.search(r'<p class="error" id="error">At most 80 characters \(81 now\)\.</p>', html)
        html = client.form("validate", {"title": "   ", "body": ""}, target="title")
        assert "A note needs a title." in html
        html = client.form("validate", {"title": "Buy milk", "body": ""}, target="title")
        assert 'id="error"' not in html

        before = orm.objects.count()
        html = client.form("save", {"title": "", "body": "no title"})      # refused: nothing saved
        assert "A note needs a title." in html and orm.objects.count() == before
        html = client.form("save", {"title": "x" * 81, "body": ""})
        assert "At most 80 characters" in html and orm.objects.count() == before

        html = client.form("save", {"title": "  Buy milk  ", "body": "two litres"})
        assert 'id="error"' not in html and "Saved “Buy milk”." in html
        note = orm.objects.get(title="Buy milk")                       # in the database, trimmed
        assert note.body == "two litres" and note.author == ""
        assert 'value=""' in html                                      # the form was cleared
        assert titles(html)[0] == "Buy milk"                           # first in the list
        # and a fresh page reads it from the database
        fresh = NotesClient(server, "/notes")
        try:
            assert titles(fresh.dead_html)[0] == "Buy milk"
            assert re.search(r'<li id="note-%d">' % note.id, fresh.join())
        finally:
            fresh.close()
    finally:
        client.close()


def test_other_tabs_see_a_new_note(server, orm):
    writer, reader = NotesClient(server, "/notes"), NotesClient(server, "/notes")
    try:
        writer.join()
        reader.join()
        writer.form("save", {"title": "Seen elsewhere", "body": ""})
        html = reader.next_diff()
        assert titles(html)[0] == "Seen elsewhere"
        assert re.search(r'<p id="count">%d notes</p>' % orm.objects.count(), html)
    finally:
        writer.close()
        reader.close()


def test_async_search_queries_through_sync_to_async(server, orm):
    orm.objects.create(title="Search me: Alpha")
    orm.objects.create(title="Search me: beta")
    client = NotesClient(server, "/notes")
    try:
        everything = titles(client.join())
        html = client.form("search", {"q": "search ME"}, target="q")
        assert titles(html) == ["Search me: beta", "Search me: Alpha"]
        assert titles(html) == [n.title for n in orm.objects.filter(title__icontains="search me")]
        html = client.form("search", {"q": "nothing like this"}, target="q")
        assert titles(html) == [] and "No title contains “nothing like this”." in html
        # while filtered, a new note that does not match is counted but not listed
        client.form("search", {"q": "alpha"}, target="q")
        html = client.form("save", {"title": "Gamma", "body": ""})
        assert titles(html) == ["Search me: Alpha"]
        assert re.search(r'<p id="count">%d notes</p>' % orm.objects.count(), html)
        html = client.form("search", {"q": ""}, target="q")
        assert titles(html) == ["Gamma"] + everything
    finally:
        client.close()


def test_export_reports_progress_then_the_result(server, orm):
    client = NotesClient(server, "/notes")
    try:
        client.join()
        html = client.click("export")
        assert '<progress id="progress" max="100" value="0">' in html
        assert re.search(r'<button id="export" phx-click="export" disabled>', html)
        seen = []
        while 'id="export-done"' not in html:
            html = client.next_diff()
            m = re.search(r'<span id="percent">(\d+)%</span>', html)
            if m:
                seen.append(int(m.group(1)))
        # progress pushes arrived while the export ran, in order
        assert len(seen) >= 3 and seen == sorted(seen) and 0 < seen[0] and seen[-1] <= 100, seen
        rows = orm.objects.count()
        m = re.search(r'<p id="export-done">Exported (\d+) notes?, (\d+) bytes of CSV\.</p>', html)
        assert m and int(m.group(1)) == rows
        assert int(m.group(2)) > len("id,title,author,created,body\r\n") + rows * 10
        assert 'id="progress"' not in html and 'disabled' not in html
    finally:
        client.close()


def test_mount_sees_the_django_user(server, orm):
    cookie = login_cookie("ann", "ann-secret-pw")
    me = NotesClient(server, "/me", cookie=cookie)
    try:
        assert '<h1 id="hello">Hello, ann</h1>' in me.dead_html
        html = me.join()                            # the session travels in the signed token
        assert '<h1 id="hello">Hello, ann</h1>' in html
        from django.contrib.auth import get_user_model
        assert 'Django user #%d' % get_user_model().objects.get(username="ann").pk in html
    finally:
        me.close()

    notes = NotesClient(server, "/notes", cookie=cookie)
    try:
        assert '<b id="username">ann</b>' in notes.join()
        notes.form("save", {"title": "Written by ann", "body": ""})
        assert orm.objects.get(title="Written by ann").author == "ann"
    finally:
        notes.close()


def test_anonymous_without_a_valid_session(server, orm):
    for cookie in (None, "sessionid=not-a-session", "other=1; sessionid=", "garbage ;;=%%"):
        client = NotesClient(server, "/me", cookie=cookie)
        try:
            assert '<h1 id="hello">anonymous</h1>' in client.dead_html, cookie
        finally:
            client.close()


def test_a_password_change_ends_the_session(server, orm):
    cookie = login_cookie("bob", "bob-secret-pw")
    client = NotesClient(server, "/me", cookie=cookie)
    client.close()
    assert "Hello, bob" in client.dead_html
    from django.contrib.auth import get_user_model
    bob = get_user_model().objects.get(username="bob")
    bob.set_password("a-new-password")
    bob.save()
    client = NotesClient(server, "/me", cookie=cookie)
    client.close()
    assert '<h1 id="hello">anonymous</h1>' in client.dead_html
