"""Plain HTTP handlers for the non-live parts of an app: a login form, a logout link.

    from liveactor import http

    @http.get("/login")
    def login_form(request):
        return f'<form method="post"><input type="hidden" name="_csrf_token" value="{request.csrf_token}">…'

    @http.post("/login")
    def login(request):
        request.session["user"] = request.form.get("name", "")
        return http.redirect("/members")

    @http.get("/members-only")
    @http.require_session("user", redirect_to="/login")
    def members(request):
        return f"hello {request.session['user']}"

A handler receives a Request and returns a str (HTML, status 200), a Response, or redirect(...).
The session is a dict the handler changes in place (`request.session[...] = …`, `.clear()`);
a changed session is sent back as a signed cookie (`_liveactor_session`), so that cookie is the
one place the session lives. The cookie's format is the one of the page tokens (see
runtime/liveview/tokensigner.h): base64url(JSON) "." base64url(HMAC-SHA256(key, first part)), the
key derived from the server's secret for the purpose "session" — a page token never verifies as
a session and the other way round.

CSRF: the session carries a random token (request.csrf_token); a POST without it in the
`_csrf_token` form field or the `x-csrf-token` header is refused with 403 before the handler
runs. (The server refuses a POST from a foreign Origin before it gets here, with the WebSocket's
rule: the page's own origin or --allowed-origins.) A handler that raises answers 500 with a generic page
(the traceback only when debug is on); the server keeps going.

dispatch() is the one entry point the server calls; everything here is plain Python, so it is
tested without a server (tests/pybridge/test_http.py).
"""

import base64
import hashlib
import functools
import hmac
import html
import json
import secrets
import sys
import time
import traceback
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl, urlsplit

__all__ = ["get", "post", "require_session", "Request", "Response", "redirect", "dispatch", "SESSION_COOKIE"]

SESSION_COOKIE = "_liveactor_session"
SESSION_MAX_AGE = 14 * 24 * 3600  # seconds a session cookie stays valid after it was last written

# (method, path) -> handler; filled by the decorators when the app module is imported.
_handlers = {}


def _register(method, path):
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"an HTTP handler's path must start with '/': {path!r}")

    def decorate(fn):
        known = _handlers.get((method, path))
        # The same function again is the app module re-imported (--reload): it replaces itself.
        if known is not None and (known.__module__, known.__qualname__) != (fn.__module__, fn.__qualname__):
            raise ValueError(f"two {method} handlers for {path}")
        _handlers[(method, path)] = fn
        return fn
    return decorate


def get(path):
    """Registers fn(request) for GET (and HEAD) requests of exactly `path`."""
    return _register("GET", path)


def post(path):
    """Registers fn(request) for POST requests of exactly `path` (CSRF-checked)."""
    return _register("POST", path)


def handlers():
    """The registered (method, path) pairs, sorted: what the server routes to dispatch()."""
    return sorted(_handlers)


class Response:
    """A response: body (str or bytes), status, extra headers."""

    def __init__(self, body="", status=200, headers=None, content_type="text/html; charset=utf-8"):
        self.body = body.encode() if isinstance(body, str) else bytes(body)
        self.status = int(status)
        self.headers = dict(headers or {})
        self.headers.setdefault("content-type", content_type)


def redirect(location, status=303):
    """A redirect (303 See Other by default: the browser follows a POST with a GET)."""
    return Response("", status=status, headers={"location": location})


class Request:
    """What a handler receives. session is a dict: change it in place to change the session."""

    def __init__(self, method, path, query, headers, body, session):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.cookies = _parse_cookies(headers.get("cookie", ""))
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        self.form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)) \
            if method == "POST" and content_type == "application/x-www-form-urlencoded" else {}
        self.session = session

    @property
    def csrf_token(self):
        """The token a form of this session sends back as `_csrf_token` (made on first use)."""
        if not isinstance(self.session.get("_csrf"), str):
            self.session["_csrf"] = secrets.token_urlsafe(24)
        return self.session["_csrf"]


def require_session(key, redirect_to="/login"):
    """Decorator: the handler runs only when the session has `key`; otherwise a redirect."""
    def decorate(fn):
        def guarded(request):
            if request.session.get(key) is None:
                return redirect(redirect_to, status=302)
            return fn(request)
        return functools.wraps(fn)(guarded)
    return decorate


# --- the signed session cookie -------------------------------------------------------------

def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(text):
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def _key(secret):
    return hmac.new(secret, b"session", hashlib.sha256).digest()


def sign_session(session, secret, now=None):
    """The cookie value holding `session` (a JSON object), signed with the server's secret."""
    claims = dict(session)
    claims["iat"] = int(time.time() if now is None else now)
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return (payload + b"." + _b64(hmac.new(_key(secret), payload, hashlib.sha256).digest())).decode()


def verify_session(value, secret, now=None, max_age=SESSION_MAX_AGE):
    """The session in a cookie value, or {} when it is missing, tampered, malformed or too old."""
    try:
        payload, mac = value.encode("ascii").split(b".")
        if not hmac.compare_digest(_unb64(mac), hmac.new(_key(secret), payload, hashlib.sha256).digest()):
            return {}
        claims = json.loads(_unb64(payload))
    except (ValueError, UnicodeError):
        return {}
    if not isinstance(claims, dict):
        return {}
    iat = claims.pop("iat", None)
    now = time.time() if now is None else now
    if not isinstance(iat, int) or now - iat > max_age or iat - now > 60:
        return {}
    return claims


def _parse_cookies(header):
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def session_from_headers(headers, secret):
    """The session of a request (what the server hands a live view's mount as well)."""
    value = _parse_cookies(headers.get("cookie", "")).get(SESSION_COOKIE)
    return verify_session(value, secret) if value else {}


# --- dispatch ------------------------------------------------------------------------------

def _error(status, message):
    return Response(f"<!DOCTYPE html><title>{status}</title><h1>{status}</h1><p>{html.escape(message)}</p>\n",
                    status=status)


def dispatch(method, target, headers, body, secret, debug=False):
    """Runs the handler of (method, target) and returns (status, [(name, value)], body bytes),
    or None when no handler has that path (the server then renders its live routes).

    headers: a dict of lower-case names; body: bytes; secret: the server's secret (bytes)."""
    split = urlsplit(target)
    path = split.path or "/"
    lookup = "GET" if method == "HEAD" else method
    fn = _handlers.get((lookup, path))
    if fn is None:
        if any(p == path for _, p in _handlers):
            allowed = ", ".join(sorted({m for m, p in _handlers if p == path}))
            response = _error(405, "method not allowed")
            response.headers["allow"] = allowed
            return _finish(response, None, None, secret)
        return None
    session = session_from_headers(headers, secret)
    before = json.dumps(session, sort_keys=True)
    request = Request(method, path, dict(parse_qsl(split.query, keep_blank_values=True)), headers, body, session)
    if method == "POST":
        sent = request.form.get("_csrf_token") or headers.get("x-csrf-token", "")
        expected = session.get("_csrf")
        if not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
            return _finish(_error(403, "invalid CSRF token: reload the form and try again"), None, None, secret)
    try:
        result = fn(request)
        if isinstance(result, str):
            result = Response(result)
        elif not isinstance(result, Response):
            raise TypeError(f"an HTTP handler returns a str or a Response, not {type(result).__name__}")
    except Exception:
        detail = traceback.format_exc()
        print(f"HTTP handler {method} {path} raised:\n{detail}", file=sys.stderr, flush=True)
        return _finish(_error(500, detail if debug else "the server could not answer this request"), None, None, secret)
    return _finish(result, session, before, secret)


def _finish(response, session, before, secret):
    headers = {str(k).lower(): str(v) for k, v in response.headers.items()}
    headers.setdefault("cache-control", "no-store")
    pairs = list(headers.items())
    if any(c in text for pair in pairs for text in pair for c in "\r\n\0"):  # no header injection
        return _finish(_error(500, "a response header holds a line break"), None, None, secret)
    if session is not None and json.dumps(session, sort_keys=True) != before:
        try:
            value = sign_session(session, secret)
        except (TypeError, ValueError) as e:  # a value json cannot hold
            return _finish(_error(500, f"the session holds a value that is not JSON: {e}"), None, None, secret)
        pairs.append(("set-cookie", f"{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_MAX_AGE}"))
    return response.status, pairs, response.body
