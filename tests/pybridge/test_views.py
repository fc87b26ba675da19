"""What views show and do, through liveactor.testing (a runtime per test): mount's params and
session, the types an assign may hold, effects. The runtime's own behaviour is in test_native.py."""

import pytest

import views
from liveactor.testing import assert_push_event, assert_redirect


@pytest.fixture
def liveactor_app():
    return {"/echo/:id": views.Echo, "/types": views.Types, "/pusher": views.Pusher}


async def test_mount_gets_params_and_session(live):
    view = await live("/echo/42?q=hello", session={"user": "ann"})
    assert view.html() == "<p>42|hello|ann|True</p>"
    view = await live("/echo/7", params={"q": "extra", "id": "query loses"})
    assert view.html() == "<p>7|extra||True</p>"   # the route's :id wins over the query's
    with pytest.raises(KeyError):
        await live("/nowhere")


async def test_conversions(live):
    view = await live("/types")
    assert view.html() == ("str|42|2.5|True|None|1,2,3|b|v|dataclass|LAZY|2024-05-06 07:08|2024-05-06"
                           "|<b>safe</b>|&lt;b&gt;escaped&lt;/b&gt;")


async def test_push_event_title_and_redirect(live):
    view = await live("/pusher")
    assert view.title is None
    await view.element("#go").click()
    assert_push_event(view, "flash", {"text": "hi", "n": [1, 2]})
    assert view.title == "Pushed"
    assert_redirect(view, "/elsewhere")
    assert view.redirect_kind == "redirect"
