"""Django projects under liveactor (``liveactor serve --django mysite.settings app.py``).

- :func:`setup` runs ``django.setup()`` once, before the app is imported, and makes every sync
  callback that runs on a worker or is timed on an executor close stale database connections
  before and after it (``django.db.close_old_connections``, what Django does around a request):
  Django keeps one connection per thread, never shared across threads.
- :func:`session_for_cookie` reads the ``sessionid`` cookie of a page request through the
  project's session engine and resolves the user with ``django.contrib.auth``: ``mount(params,
  session)`` then sees ``session["django_user_id"]`` and ``session["django_username"]`` (absent
  for an anonymous visitor).

In ``async def`` callbacks use Django's ORM through ``asgiref.sync.sync_to_async`` (Django 3.2 has
no async ORM), or declare the handler ``blocking=True`` and keep it sync.
"""

import contextlib
import os

_ready = False


def setup(settings_module):
    global _ready
    if _ready:
        return
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django
    django.setup()
    from django.db import close_old_connections
    from liveactor import _work

    @contextlib.contextmanager
    def fresh_connections():
        close_old_connections()
        try:
            yield
        finally:
            close_old_connections()

    _work.call_hooks.append(fresh_connections)
    _ready = True


def session_for_cookie(cookie_header):
    """{"django_user_id": …, "django_username": …} for the request's Django session, else {}."""
    if not _ready or not cookie_header:
        return {}
    from http.cookies import SimpleCookie
    from django.conf import settings
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:  # a malformed Cookie header is not the page's problem
        return {}
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return {}
    from importlib import import_module
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.db import close_old_connections
    close_old_connections()
    try:
        engine = import_module(settings.SESSION_ENGINE)
        store = engine.SessionStore(morsel.value)
        user_id = store.get(SESSION_KEY)
        backend_path = store.get(BACKEND_SESSION_KEY)
        if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
            return {}
        user = load_backend(backend_path).get_user(user_id)
        if user is None:
            return {}
        # a password change ends the session, as in django.contrib.auth.get_user
        if hasattr(user, "get_session_auth_hash"):
            from django.utils.crypto import constant_time_compare
            if not constant_time_compare(store.get(HASH_SESSION_KEY) or "", user.get_session_auth_hash()):
                return {}
        return {"django_user_id": str(user.pk), "django_username": user.get_username()}
    finally:
        close_old_connections()
