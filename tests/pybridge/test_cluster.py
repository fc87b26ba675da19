"""Three `liveactor serve --redis` instances on a real redis-server (started here on a free
loopback port in a temporary dir): a broadcast from a page on one instance reaches the pages on
the others once each, presence lists the users of all three, and an instance killed with SIGKILL
leaves everyone's presence when its heartbeats stop (--presence-ttl)."""

import os
import signal

from redis_fixture import needs_redis, redis_process, redis_url  # noqa: F401 (fixtures)
from serving import HERE, start_serve
from wsclient import LiveClient, render_html

pytestmark = needs_redis


def wait_until(client, predicate):
    """Reads the view's pushed diffs until predicate(html) holds; returns the html. A stuck view
    ends the test through the socket's timeout."""
    client.sock.settimeout(30)
    html = render_html(client.rendered)
    while not predicate(html):
        _, _, _, ev, body = client.receive()
        if ev == "diff":
            client.rendered.update(body)
            html = render_html(client.rendered)
    return html


def parts(html):
    messages, users = html[len("<p>"):-len("</p>")].split("|")
    return messages.split(",") if messages else [], users.split(",") if users else []


def test_broadcast_and_presence_across_three_instances(redis_url):
    app = os.path.join(HERE, "cluster_app.py")
    procs = {}
    try:
        for name in ("a", "b", "c"):
            procs[name] = start_serve(app, "--redis", redis_url, "--instance-name", name,
                                      "--presence-ttl", "1500", "--executors", "1")
        clients = {}
        for name, user in (("a", "ann"), ("b", "bob"), ("c", "cid")):
            clients[name] = LiveClient(procs[name][1], "/chat?user=" + user)
            clients[name].join()
        for c in clients.values():  # presence from all three, on each
            wait_until(c, lambda html: parts(html)[1] == ["ann", "bob", "cid"])

        clients["a"].event("say", {"text": "hello"})
        for c in clients.values():
            wait_until(c, lambda html: "hello" in parts(html)[0])
        clients["b"].event("say", {"text": "again"})
        for c in clients.values():  # once each, in order: no echo of A's own message
            assert parts(wait_until(c, lambda html: "again" in parts(html)[0]))[0] == ["hello", "again"]

        procs["c"][0].send_signal(signal.SIGKILL)
        procs["c"][0].wait(10)
        for name in ("a", "b"):  # cid leaves when C's heartbeats stop
            wait_until(clients[name], lambda html: parts(html)[1] == ["ann", "bob"])
    finally:
        for proc, _ in procs.values():
            proc.kill()
            proc.wait(10)


def test_without_redis_presence_is_local(tmp_path):
    proc, port = start_serve(os.path.join(HERE, "cluster_app.py"), "--executors", "1")
    try:
        ann = LiveClient(port, "/chat?user=ann")
        ann.join()
        bob = LiveClient(port, "/chat?user=bob")
        assert parts(bob.join())[1] == ["ann", "bob"]
        wait_until(ann, lambda html: parts(html)[1] == ["ann", "bob"])
        bob.event("say", {"text": "hi"})
        assert parts(wait_until(ann, lambda html: "hi" in parts(html)[0]))[0] == ["hi"]
    finally:
        proc.kill()
        proc.wait(10)
