"""liveactor.http: handlers, the signed session cookie, CSRF, the guard and errors, through
dispatch() — the entry point the server calls (plain Python, no server needed)."""

import http.client as httplib
import os
from urllib.parse import urlencode

import pytest

from liveactor import http
from serving import HERE, serve
from wsclient import LiveClient

SECRET = b"s" * 32


@pytest.fixture(autouse=True)
def handlers():
    saved = dict(http._handlers)
    http._handlers.clear()

    @http.get("/login")
    def login_form(request):
        return f'<form method="post"><input name="_csrf_token" value="{request.csrf_token}"></form>'

    @http.post("/login")
    def login(request):
        request.session["user"] = request.form["name"]
        return http.redirect("/members")

    @http.get("/members")
    @http.require_session("user", redirect_to="/login")
    def members(request):
        return http.Response(f"hi {request.session['user']} {request.query.get('tab', '')}", headers={"x-a": "1"})

    @http.get("/boom")
    def boom(request):
        raise RuntimeError("secret detail")

    yield
    http._handlers.clear()
    http._handlers.update(saved)


def cookie_of(headers):
    value = dict(headers)["set-cookie"]
    return value.split(";")[0]


def csrf_of(body):
    return body.decode().split('value="')[1].split('"')[0]


def test_login_sets_a_signed_session_the_guard_and_mount_read():
    status, headers, body = http.dispatch("GET", "/login", {}, b"", SECRET)
    assert status == 200 and body.startswith(b"<form")
    cookie, token = cookie_of(headers), csrf_of(body)
    status, headers, _ = http.dispatch(
        "POST", "/login", {"cookie": cookie, "content-type": "application/x-www-form-urlencoded"},
        f"name=ada+l&_csrf_token={token}".encode(), SECRET)
    assert status == 303 and dict(headers)["location"] == "/members"
    cookie = cookie_of(headers)
    assert http.session_from_headers({"cookie": cookie}, SECRET)["user"] == "ada l"
    status, headers, body = http.dispatch("GET", "/members?tab=x", {"cookie": cookie}, b"", SECRET)
    assert (status, body) == (200, b"hi ada l x") and dict(headers)["x-a"] == "1"
    assert "set-cookie" not in dict(headers)  # an unchanged session is not sent again


def test_guard_redirects_without_the_key():
    status, headers, _ = http.dispatch("GET", "/members", {}, b"", SECRET)
    assert status == 302 and dict(headers)["location"] == "/login"


def test_post_without_or_with_a_wrong_csrf_token_is_refused():
    _, headers, body = http.dispatch("GET", "/login", {}, b"", SECRET)
    cookie, token = cookie_of(headers), csrf_of(body)
    form = {"cookie": cookie, "content-type": "application/x-www-form-urlencoded"}
    assert http.dispatch("POST", "/login", form, b"name=a", SECRET)[0] == 403
    assert http.dispatch("POST", "/login", form, b"name=a&_csrf_token=x", SECRET)[0] == 403
    assert http.dispatch("POST", "/login", {"content-type": form["content-type"]},  # another session's token
                         f"name=a&_csrf_token={token}".encode(), SECRET)[0] == 403
    assert http.dispatch("POST", "/login", form, f"name=a&_csrf_token={token}".encode(), SECRET)[0] == 303


def test_tampered_or_foreign_cookie_is_an_empty_session():
    value = http.sign_session({"user": "a"}, SECRET)
    assert http.verify_session(value, SECRET) == {"user": "a"}
    assert http.verify_session(value, b"t" * 32) == {}
    payload, mac = value.split(".")
    assert http.verify_session(payload[:-2] + "AA." + mac, SECRET) == {}
    assert http.verify_session("garbage", SECRET) == {}
    assert http.verify_session(value, SECRET, now=10**12) == {}  # too old


def test_handler_exception_is_a_generic_500_and_dispatch_goes_on(capsys):
    status, _, body = http.dispatch("GET", "/boom", {}, b"", SECRET)
    assert status == 500 and b"secret detail" not in body
    assert "secret detail" in capsys.readouterr().err
    status, _, body = http.dispatch("GET", "/boom", {}, b"", SECRET, debug=True)
    assert status == 500 and b"secret detail" in body
    assert http.dispatch("GET", "/login", {}, b"", SECRET)[0] == 200


def test_unknown_path_is_left_to_the_live_routes_and_wrong_method_is_405():
    assert http.dispatch("GET", "/nope", {}, b"", SECRET) is None
    status, headers, _ = http.dispatch("POST", "/members", {}, b"", SECRET)
    assert status == 405 and dict(headers)["allow"] == "GET"


def test_bad_registrations_are_refused():
    with pytest.raises(ValueError):
        http.get("no-slash")
    with pytest.raises(ValueError):
        http.get("/login")(lambda r: "")


def test_a_header_with_a_line_break_is_a_500_not_an_injected_header():
    @http.get("/split")
    def split(request):
        return http.redirect("/x\r\nset-cookie: evil=1")

    status, headers, _ = http.dispatch("GET", "/split", {}, b"", SECRET)
    assert status == 500 and "location" not in dict(headers)


# --- under the real server (`liveactor serve`, through CTest's LIVEACTOR_BIN) ---------------

def request(port, method, path, body=None, headers=None):
    conn = httplib.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    conn.close()
    return result


@pytest.fixture(scope="module")
def server():
    with serve(os.path.join(HERE, "http_app.py")) as port:
        yield port


def login_over_http(port, name):
    status, headers, body = request(port, "GET", "/login")
    assert status == 200, body
    cookie, token = headers["set-cookie"].split(";")[0], csrf_of(body.encode())
    form = {"cookie": cookie, "content-type": "application/x-www-form-urlencoded"}
    status, headers, body = request(port, "POST", "/login", urlencode({"name": name, "_csrf_token": token}), form)
    assert status == 303 and headers["location"] == "/members", body
    return headers["set-cookie"].split(";")[0]


def test_served_login_reaches_the_live_views_mount(server):
    cookie = login_over_http(server, "Ada <L>")
    status, _, page = request(server, "GET", "/members", headers={"cookie": cookie})
    assert status == 200 and '<p id="who">Ada &lt;L&gt;</p>' in page
    client = LiveClient(server, "/members", cookie=cookie)
    assert client.join().startswith('<p id="who">Ada &lt;L&gt;</p>')  # the joined view mounts with it too
    client.close()
    status, _, page = request(server, "GET", "/members")  # no cookie: no session
    assert '<p id="who">nobody</p>' in page
    status, _, page = request(server, "GET", "/private", headers={"cookie": cookie})
    assert status == 200 and '<p id="private">Ada &lt;L&gt;</p>' in page  # its `requires` is met
    status, headers, body = request(server, "GET", "/account", headers={"cookie": cookie})
    assert (status, body, headers["x-user"]) == (200, "account of Ada <L>", "Ada <L>")
    status, headers, _ = request(server, "GET", "/logout", headers={"cookie": cookie})
    assert status == 303
    status, headers, _ = request(server, "GET", "/account", headers={"cookie": headers["set-cookie"].split(";")[0]})
    assert status == 302 and headers["location"] == "/login"


def test_served_guard_csrf_and_errors(server):
    assert request(server, "GET", "/account")[0] == 302
    status, headers, _ = request(server, "GET", "/private")  # a live view's `requires` guard
    assert status == 302 and headers["location"] == "/login?next=private"
    status, headers, body = request(server, "GET", "/login")
    form = {"cookie": headers["set-cookie"].split(";")[0], "content-type": "application/x-www-form-urlencoded"}
    assert request(server, "POST", "/login", "name=a&_csrf_token=wrong", form)[0] == 403
    assert request(server, "POST", "/login", "name=a", {"content-type": "application/x-www-form-urlencoded"})[0] == 403
    token = csrf_of(body.encode())
    good = urlencode({"name": "a", "_csrf_token": token})
    port_origin = "http://127.0.0.1:%d" % server
    assert request(server, "POST", "/login", good, {**form, "origin": "http://evil.example"})[0] == 403
    assert request(server, "POST", "/login", good, {**form, "origin": port_origin})[0] == 303
    assert request(server, "POST", "/members", "x=1")[0] == 405  # a live route takes no POST
    status, _, body = request(server, "GET", "/boom")
    assert status == 500 and "handler detail" not in body
    assert request(server, "GET", "/login")[0] == 200  # the server goes on
