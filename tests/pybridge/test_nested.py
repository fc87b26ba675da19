"""Nested live views over a real socket (`liveactor serve` + a raw Phoenix channel client):
`{% live_render %}` containers, child joins with their own token, events routed by topic, a
child crash that spares its parent and siblings, a parent whose exit closes its children, sticky
views without a parent, and refused tokens."""

import html
import re

import pytest

from serving import serve
from wsclient import LiveClient, render_html

CONTAINER = re.compile(r'<div id="([\w-]+)" data-phx-session="([^"]+)" data-phx-static=""'
                       r'( data-phx-sticky| data-phx-parent-id="([^"]+)")></div>')


@pytest.fixture(scope="module")
def port():
    with serve("nested_views") as p:
        yield p


class Page(LiveClient):
    """A LiveClient that also speaks to other topics of its socket."""

    def __init__(self, port, path):
        super().__init__(port, path)
        self.join_refs = {}
        self.pushes = []   # (topic, event, payload) received while waiting for replies
        self.order = []    # (topic, event) of every push, in arrival order

    def receive(self):
        message = super().receive()
        if message[3] != "phx_reply":
            self.order.append((message[2], message[3]))
        return message

    def push(self, topic, event, payload):
        """Sends event on topic; returns the reply (status, response)."""
        self.ref += 1
        ref = str(self.ref)
        join_ref = ref if event == "phx_join" else self.join_refs.get(topic, "1")
        if event == "phx_join":
            self.join_refs[topic] = ref
        self._send([join_ref, ref, topic, event, payload])
        while True:
            _, reply_ref, t, ev, body = self.receive()
            if ev == "phx_reply" and reply_ref == ref:
                return body["status"], body["response"]
            self.pushes.append((t, ev, body))

    def join_child(self, cid, token):
        return self.push("lv:" + cid, "phx_join", {"params": {"_csrf_token": self.csrf, "_mounts": 0},
                                                   "session": token, "static": None, "sticky": False})

    def click(self, topic, name):
        return self.push(topic, "event", {"type": "click", "event": name, "value": {}})

    def wait_for(self, topic, event):
        """Reads frames until event arrives on topic (pushes seen earlier count)."""
        for i, (t, ev, body) in enumerate(self.pushes):
            if (t, ev) == (topic, event):
                del self.pushes[i]
                return body
        while True:
            _, _, t, ev, body = self.receive()
            if (t, ev) == (topic, event):
                return body
            self.pushes.append((t, ev, body))


def containers(text):
    return {m.group(1): {"token": html.unescape(m.group(2)), "sticky": m.group(3) == " data-phx-sticky",
                         "parent": m.group(4)} for m in CONTAINER.finditer(text)}


def joined_page(port, path="/"):
    page = Page(port, path)
    rendered = page.join()
    return page, containers(rendered)


def test_dead_render_and_join_carry_child_containers(port):
    page, live = joined_page(port)
    dead = containers(page.dead_html)
    assert set(dead) == set(live) == {"left", "right"}
    for c in list(dead.values()) + list(live.values()):
        assert c["parent"] == page.container and not c["sticky"]
    # the children's content is not the parent's: the client joins them
    assert "pane-left" not in page.dead_html and "pane-left" not in render_html(page.rendered)
    # a re-render of the parent keeps the containers as they were: nothing of them in the diff
    response, text = page.event("bump")
    assert response["diff"] == {"0": "1"}
    assert containers(text) == live
    page.close()


def test_children_join_and_events_route_by_topic(port):
    page, live = joined_page(port)
    status, left = page.join_child("left", live["left"]["token"])
    assert status == "ok" and 'id="pane-left"' in render_html(left["rendered"])
    status, right = page.join_child("right", live["right"]["token"])
    assert status == "ok" and 'id="pane-right"' in render_html(right["rendered"])
    assert page.click("lv:left", "click") == ("ok", {"diff": {"2": "1"}})
    assert page.click("lv:left", "click") == ("ok", {"diff": {"2": "2"}})
    assert page.click("lv:right", "click") == ("ok", {"diff": {"2": "1"}})
    assert page.click("lv:" + page.container, "bump") == ("ok", {"diff": {"0": "1"}})
    # a token only joins its own container's topic
    assert page.join_child("other", live["left"]["token"]) == ("error", {"reason": "stale"})
    page.close()


def test_a_child_crash_spares_the_parent_and_its_sibling(port):
    page, live = joined_page(port)
    for cid in ("left", "right"):
        assert page.join_child(cid, live[cid]["token"])[0] == "ok"
    page.click("lv:right", "click")
    assert page.click("lv:left", "boom") == ("error", {"reason": "crash"})
    assert page.wait_for("lv:left", "phx_error") == {"reason": "channel_crash"}
    assert page.click("lv:right", "click") == ("ok", {"diff": {"2": "2"}})
    assert page.click("lv:" + page.container, "bump") == ("ok", {"diff": {"0": "1"}})
    # the client rejoins the crashed child: a fresh mount
    status, left = page.join_child("left", live["left"]["token"])
    assert status == "ok" and '<span class="clicks">0</span>' in render_html(left["rendered"])
    assert page.click("lv:left", "click") == ("ok", {"diff": {"2": "1"}})
    page.close()


def test_the_parent_exit_closes_its_children(port):
    page, live = joined_page(port)
    for cid in ("left", "right"):
        assert page.join_child(cid, live[cid]["token"])[0] == "ok"
    assert page.click("lv:" + page.container, "crash") == ("error", {"reason": "crash"})
    assert page.wait_for("lv:" + page.container, "phx_error") == {"reason": "channel_crash"}
    assert page.wait_for("lv:left", "phx_close") == {}
    assert page.wait_for("lv:right", "phx_close") == {}
    # as Phoenix orders them: the parent's error first, then its children close
    assert page.order.index(("lv:" + page.container, "phx_error")) < page.order.index(("lv:left", "phx_close"))
    assert page.click("lv:left", "click") == ("error", {"reason": "unmatched topic"})
    # a child cannot join while its parent is not joined
    status, response = page.join_child("left", live["left"]["token"])
    assert status == "error" and "parent view" in response["reason"]
    page.close()


def test_a_child_nests_a_child_of_its_own(port):
    page, live = joined_page(port, "/deep")
    status, middle = page.join_child("middle", live["middle"]["token"])
    assert status == "ok"
    inner = containers(render_html(middle["rendered"]))["inner"]
    assert inner["parent"] == "middle"
    assert page.join_child("inner", inner["token"])[0] == "ok"
    assert page.click("lv:inner", "click") == ("ok", {"diff": {"2": "1"}})
    # the middle view's crash closes its child, not the page
    assert page.click("lv:middle", "crash") == ("error", {"reason": "crash"})
    assert page.wait_for("lv:inner", "phx_close") == {}
    assert ("lv:" + page.container, "phx_error") not in page.order
    page.close()


def test_bad_child_tokens_are_refused(port):
    page, live = joined_page(port, "/broken")
    assert set(live) == {"ghost", "plain", "nomodule"}
    status, response = page.join_child("ghost", live["ghost"]["token"])
    assert status == "error" and "nested_views.Missing" in response["reason"]
    status, response = page.join_child("plain", live["plain"]["token"])
    assert status == "error" and "not a LiveView subclass" in response["reason"]
    status, response = page.join_child("nomodule", live["nomodule"]["token"])
    assert status == "error" and "no_such_module" in response["reason"]
    token = live["ghost"]["token"]
    tampered = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    assert page.join_child("ghost", tampered) == ("error", {"reason": "stale"})
    assert page.join_child("ghost", "not-a-token") == ("error", {"reason": "stale"})
    # the page and its session go on
    assert page.push("lv:" + page.container, "event", {"type": "click", "event": "nothing", "value": {}})[0] == "error"
    assert page.push("phoenix", "heartbeat", {})[0] == "ok"
    page.close()


def test_a_sticky_view_has_no_parent_and_outlives_live_navigation(port):
    page, live = joined_page(port, "/sticky/a")
    assert live["player"]["sticky"] and live["player"]["parent"] is None
    status, _ = page.push("lv:player", "phx_join", {"params": {"_csrf_token": page.csrf, "_mounts": 0},
                                                    "session": live["player"]["token"], "static": None,
                                                    "sticky": True})
    assert status == "ok"
    assert page.click("lv:player", "click") == ("ok", {"diff": {"2": "1"}})
    # live navigation: the client leaves the main view and joins the next page's
    status, response = page.click("lv:" + page.container, "go")
    assert status == "ok" and response["live_redirect"]["to"] == "/sticky/b"
    assert page.push("lv:" + page.container, "phx_leave", {})[0] == "ok"
    assert page.click("lv:player", "click") == ("ok", {"diff": {"2": "2"}})
    page.close()


async def test_in_process_runtime_renders_the_containers():
    """liveactor.runtime (what liveactor.testing drives) has no server to join children: the
    page renders with their containers, each token the unsigned claims."""
    import base64
    import json

    import nested_views
    from conftest import _native_available
    if not _native_available():
        pytest.fail("liveactor._native is not importable: build target liveactor_native")
    from liveactor.runtime import Runtime
    rt = Runtime(routes={"/": nested_views.Page}, executors=1)
    try:
        session = await rt.create_session()
        view = await session.mount("/")
        found = containers(view.html)
        assert set(found) == {"left", "right"}
        token = found["right"]["token"]
        claims = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        assert claims == {"id": "right", "child": "nested_views.Pane", "s": {"name": "right"},
                          "parent": found["right"]["parent"]}
        reply = await view.event("bump")
        assert reply.diff == {"0": "1"}
    finally:
        rt.close()
