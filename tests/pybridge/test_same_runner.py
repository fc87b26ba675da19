"""The in-process runtime (liveactor._native) and the server run views through the same runner:
the same parameter precedence and the same patch chain, checked both ways on one view."""

import os

import pytest

from serving import HERE, serve
from wsclient import LiveClient

PATH = "/paged/7?id=query&q=x"


async def test_in_process(runtime):
    import views
    runtime._rt.route("/paged/:id", views.Paged)
    session = await runtime.create_session()
    view = await session.mount(PATH)
    assert view.html == "<p>7|x|1|1</p>"
    reply = await view.event("next")
    assert reply.html == "<p>7|x|2|2</p>" and reply.effects == {"patch": {"to": "?page=2", "kind": "push"}}
    reply = await view.event("next")   # ?page=3 patches again to ?page=4 from handle_params
    assert reply.html == "<p>7|x|4|4</p>"
    assert reply.effects == {"patch": {"to": "?page=4&id=ignored", "kind": "push"}}
    reply = await view.event("away")
    assert reply.effects == {"navigate": {"to": "/counter", "kind": "push"}}
    assert reply.diff == {}


@pytest.fixture(scope="module")
def server():
    with serve(os.path.join(HERE, "views.py")) as port:
        yield port


def test_over_a_websocket(server):
    client = LiveClient(server, PATH)
    try:
        assert client.dead_html == "<p>7|x|1|1</p>"          # the dead render
        assert client.join() == "<p>7|x|1|1</p>"
        response, html = client.event("next")
        assert html == "<p>7|x|2|2</p>" and response["live_patch"] == {"to": "?page=2", "kind": "push"}
        response, html = client.event("next")
        assert html == "<p>7|x|4|4</p>"
        assert response["live_patch"] == {"to": "?page=4&id=ignored", "kind": "push"}
        response, _ = client.event("away")
        assert response == {"live_redirect": {"to": "/counter", "kind": "push"}}
    finally:
        client.close()
