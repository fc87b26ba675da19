"""Under the real server: the app module's content_security_policy replaces the default CSP of
its pages, and --csp (the operator's) replaces the app's."""

import http.client
import os

from serving import HERE, serve

APP = os.path.join(HERE, "csp_app.py")


def _headers(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/")
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 200
    return response


def test_the_app_sets_its_pages_csp():
    with serve(APP) as port:
        page = _headers(port)
        assert page.getheader("Content-Security-Policy") == "default-src 'self'; script-src 'self' https://cdn.example"
        assert page.getheader("X-Frame-Options") == "DENY"


def test_the_operator_overrides_the_app():
    with serve(APP, "--csp", "default-src 'none'") as port:
        assert _headers(port).getheader("Content-Security-Policy") == "default-src 'none'"


def test_without_either_the_default_applies():
    with serve(os.path.join(HERE, "waiting_app.py")) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/waiter")
        response = conn.getresponse()
        response.read()
        policy = response.getheader("Content-Security-Policy")
        assert policy.startswith("default-src 'self'; script-src 'self';")
        assert "img-src 'self' data: blob:;" in policy  # {% live_img_preview %} shows object URLs
