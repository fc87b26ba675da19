"""Views that resume (issue 16): two `liveactor serve --redis` instances on a real redis-server.
A page's view with `persist` keeps its state in Redis after each event; when its instance dies
(SIGKILL) or drains (SIGTERM) the same page — same session token, as the official client
reconnects — joins the other instance and resumes there. Another session's page, a page's first
join and a view without `persist` mount fresh."""

import json
import os
import signal
import socket
import struct
import time

import pytest

from redis_fixture import needs_redis, redis_process, redis_url, stored_records  # noqa: F401 (fixtures)
from serving import HERE, start_serve
from wsclient import LiveClient, render_html

pytestmark = needs_redis

APP = os.path.join(HERE, "resume_app.py")


@pytest.fixture
def two_instances(redis_url):
    procs = [start_serve(APP, "--redis", redis_url, "--instance-name", name, "--executors", "1")
             for name in ("a", "b")]
    yield procs
    for proc, _ in procs:
        proc.kill()
        proc.wait(10)


def wait_for_counts(url, counts):
    """Until Redis holds a record for each of counts (a multiset); a missing write fails after 30 s."""
    deadline = time.monotonic() + 30
    while True:
        stored = sorted(json.loads(r)["state"]["count"] for r in stored_records(url))
        if stored == sorted(counts) or time.monotonic() > deadline:
            return stored
        time.sleep(0.05)


def clicks(client, n):
    html = None
    for _ in range(n):
        _, html = client.event("inc")
    return html


def test_a_killed_instances_view_resumes_on_another(redis_url, two_instances):
    (a, port_a), (_, port_b) = two_instances
    page = LiveClient(port_a, "/counter")
    assert page.join(mounts=0) == "<p>0|fresh</p>"
    assert clicks(page, 7) == "<p>7|fresh</p>"
    plain = LiveClient(port_a, "/plain")
    plain.join(mounts=0)
    assert clicks(plain, 3) == "<p>3</p>"
    assert wait_for_counts(redis_url, [7]) == [7]  # plain keeps nothing

    a.send_signal(signal.SIGKILL)
    a.wait(10)
    page.connect(port_b)
    assert page.join(mounts=1) == "<p>7|resumed</p>"
    assert clicks(page, 1) == "<p>8|resumed</p>"
    plain.connect(port_b)
    assert plain.join(mounts=1) == "<p>0</p>"
    assert wait_for_counts(redis_url, [8]) == [8]


def test_other_sessions_and_first_joins_mount_fresh(redis_url, two_instances):
    (_, port_a), (_, port_b) = two_instances
    page = LiveClient(port_a, "/counter")
    page.join(mounts=0)
    clicks(page, 5)
    assert wait_for_counts(redis_url, [5]) == [5]

    other = LiveClient(port_b, "/counter")  # another page: another token, another record
    assert other.join(mounts=1) == "<p>0|fresh</p>"
    first = LiveClient(port_b, "/counter")
    first.token, first.container, first.csrf = page.token, page.container, page.csrf
    assert first.join(mounts=0) == "<p>0|fresh</p>"  # a page's first join never resumes


def join_navigated(client, path, mounts):
    """Joins the view a live navigation reached (the official client's "redirect" join: the
    page's token and container, the new URL); its html."""
    client.url = "http://127.0.0.1:%d%s" % (client.port, path)
    response = client.call("phx_join", {"redirect": client.url, "params": {"_csrf_token": client.csrf,
                                                                            "_mounts": mounts},
                                        "session": client.token, "static": ""})
    client.rendered = response["rendered"]
    return render_html(client.rendered)


def test_a_view_reached_by_live_navigation_resumes(redis_url, two_instances):
    # /counter and /again are the same class on one topic (a live navigation keeps the page's
    # token and container).
    (a, port_a), (_, port_b) = two_instances
    page = LiveClient(port_a, "/counter")
    page.join(mounts=0)
    clicks(page, 3)
    assert join_navigated(page, "/again", 0) == "<p>0|fresh</p>"
    assert clicks(page, 2) == "<p>2|fresh</p>"
    assert wait_for_counts(redis_url, [2]) == [2]
    a.send_signal(signal.SIGKILL)
    a.wait(10)
    page.connect(port_b)  # the client re-joins a navigated-to view with "redirect" again
    assert join_navigated(page, "/again", 1) == "<p>2|resumed</p>"


def test_a_live_navigation_replaces_the_record_of_the_view_before(redis_url, two_instances):
    # Navigating to a view whose state is still the fresh one must not leave the previous
    # view's record under the page's token and topic (the same class here: it would apply).
    (a, port_a), (_, port_b) = two_instances
    page = LiveClient(port_a, "/counter")
    page.join(mounts=0)
    clicks(page, 3)
    join_navigated(page, "/again", 0)
    assert wait_for_counts(redis_url, [0]) == [0]
    a.send_signal(signal.SIGKILL)
    a.wait(10)
    page.connect(port_b)
    assert join_navigated(page, "/again", 1) == "<p>0|resumed</p>"


def test_a_join_does_not_wait_for_a_paused_redis(redis_url, two_instances, redis_process):
    # Redis stops answering (SIGSTOP): the re-join on B mounts fresh after its bounded lookup
    # instead of hanging; the view works, and resumes again once Redis is back.
    (a, port_a), (_, port_b) = two_instances
    page = LiveClient(port_a, "/counter")
    page.join(mounts=0)
    clicks(page, 4)
    assert wait_for_counts(redis_url, [4]) == [4]
    a.send_signal(signal.SIGKILL)
    a.wait(10)
    redis_process.send_signal(signal.SIGSTOP)
    try:
        page.connect(port_b)
        assert page.join(mounts=1) == "<p>0|fresh</p>"
        assert clicks(page, 1) == "<p>1|fresh</p>"
    finally:
        redis_process.send_signal(signal.SIGCONT)
    assert wait_for_counts(redis_url, [1]) == [1]  # the write waited for Redis, then replaced the 4
    page.connect(port_b)
    assert page.join(mounts=2) == "<p>1|resumed</p>"


def send_clicks(client, n):
    """Pushes n "inc" events without waiting for their replies."""
    for _ in range(n):
        client.ref += 1
        client._send(["1", str(client.ref), "lv:" + client.container, "event",
                      {"type": "click", "event": "inc", "value": {}}])


def closes_now(client):
    """Whether the server's close frame is among what the socket holds now (only peeks: the
    replies before it are read and counted later by replies_until_close)."""
    client.sock.setblocking(False)
    try:
        data = client.sock.recv(1 << 20, socket.MSG_PEEK)
    except BlockingIOError:
        data = b""
    finally:
        client.sock.setblocking(True)
    while len(data) >= 2:  # the server's frames: unmasked, lengths of 7, 16 or 64 bits
        if data[0] & 0x0F == 8:
            return True
        n, head = data[1] & 0x7F, 2
        if n == 126:
            n, head = struct.unpack("!H", data[2:4])[0], 4
        elif n == 127:
            n, head = struct.unpack("!Q", data[2:10])[0], 10
        data = data[head + n:]
    return False


def replies_until_close(client):
    """Reads frames until the server's close frame: (how many pushes were answered ok, the close
    status code)."""
    client.sock.settimeout(30)
    answered = 0
    while True:
        opcode, payload = client.frame()
        if opcode == 8:
            return answered, struct.unpack("!H", payload[:2])[0]
        _, _, _, event, body = json.loads(payload)
        if event == "phx_reply" and body["status"] == "ok":
            answered += 1


def test_a_draining_instances_views_resume_on_another(redis_url, two_instances, redis_process):
    # SIGTERM while events are still queued: each answered event is in the state the page
    # resumes on B. Redis is paused (SIGSTOP) meanwhile: the sockets close (1001) only after
    # it answered the writes, so the re-joins cannot overtake them.
    (a, port_a), (_, port_b) = two_instances
    pages = [LiveClient(port_a, "/counter") for _ in range(50)]
    for page in pages:
        page.join(mounts=0)
        clicks(page, 2)
    for page in pages:
        send_clicks(page, 10)
    redis_process.send_signal(signal.SIGSTOP)
    try:
        a.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # the drain waits for Redis up to its timeout (2 s): no close before it answers
        assert not any(closes_now(page) for page in pages)
    finally:
        redis_process.send_signal(signal.SIGCONT)
    closed = [replies_until_close(page) for page in pages]
    assert [code for _, code in closed] == [1001] * len(pages)
    for page, (answered, _) in zip(pages, closed):
        page.connect(port_b)
        assert page.join(mounts=1) == "<p>%d|resumed</p>" % (2 + answered)
    assert a.wait(10) == 0
