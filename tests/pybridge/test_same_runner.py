"""The in-process runtime (liveactor._native) and the server run views through the same runner:
the same parameter precedence and the same patch chain, checked both ways on one view."""

import os
import re
import subprocess

import pytest

from wsclient import LiveClient

HERE = os.path.dirname(os.path.abspath(__file__))
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
    binary = os.environ.get("LIVEACTOR_BIN")
    if not binary:
        pytest.skip("LIVEACTOR_BIN is not set (run through CTest)")
    state = os.path.join(os.environ.get("TMPDIR", "/tmp"), "liveactor-same-runner-%d" % os.getpid())
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--control-port", "0", "--state-dir", state,
                             os.path.join(HERE, "views.py")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, PYTHONPATH=HERE))
    port = None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        m = re.search(r"on http://127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        proc.kill()
        pytest.fail("liveactor serve did not start:\n" + "".join(lines))
    yield port
    proc.terminate()
    proc.wait(10)


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
