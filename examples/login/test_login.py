"""The login example: its handlers through liveactor.http.dispatch (what the server calls), the
members page with liveactor.testing's `live` fixture and a session like the one login stores."""

import pytest

from liveactor import http
from liveactor.testing import Redirected

import login.app  # noqa: F401 — registers /login and /logout

SECRET = b"k" * 32
FORM = "application/x-www-form-urlencoded"


def test_login_stores_the_name_and_logout_clears_it():
    _, headers, page = http.dispatch("GET", "/login", {}, b"", SECRET)
    cookie = dict(headers)["set-cookie"].split(";")[0]
    token = page.decode().split('name="_csrf_token" value="')[1].split('"')[0]
    headers = {"cookie": cookie, "content-type": FORM}
    status, _, page = http.dispatch("POST", "/login", headers, f"name=+&_csrf_token={token}".encode(), SECRET)
    assert status == 422 and b'id="error"' in page            # an empty name does not log in
    status, answer, _ = http.dispatch("POST", "/login", headers, f"name=Ada&_csrf_token={token}".encode(), SECRET)
    assert status == 303 and dict(answer)["location"] == "/members"
    cookie = dict(answer)["set-cookie"].split(";")[0]
    assert http.session_from_headers({"cookie": cookie}, SECRET)["user"] == "Ada"
    _, answer, _ = http.dispatch("GET", "/logout", {"cookie": cookie}, b"", SECRET)
    assert "user" not in http.session_from_headers({"cookie": dict(answer)["set-cookie"].split(";")[0]}, SECRET)


def test_a_post_without_the_forms_token_is_refused():
    status, _, _ = http.dispatch("POST", "/login", {"content-type": FORM}, b"name=Ada", SECRET)
    assert status == 403


async def test_members_page_greets_the_sessions_user(live):
    view = await live("/members", session={"user": "Ada"})
    assert view.has_element("#hello", text="Hello, Ada")
    await view.element("#wave").click()
    assert view.has_element("#waves", text="1")


async def test_members_page_without_a_session_redirects_to_login(live):
    with pytest.raises(Redirected) as redirected:
        await live("/members")
    assert redirected.value.to == "/login"
