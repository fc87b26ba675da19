"""Failover through a real haproxy (issue 16): a redis-server, two `liveactor serve --redis`
instances and haproxy in front of them (HTTP mode, WebSockets tunnelled, `option httpchk GET
/health`), all on loopback. A persisted counter clicked to 3 through haproxy keeps its count when
the instance serving it is killed with SIGKILL: the page's next WebSocket, through the same
address with the same session token, lands on the other instance and resumes there."""

import os
import signal
import subprocess
import time

import pytest

from redis_fixture import free_port, needs_redis, redis_process, redis_url  # noqa: F401 (fixtures)
from serving import HERE, get, start_serve
from test_resume import wait_for_counts
from wsclient import LiveClient

HAPROXY = "/usr/sbin/haproxy"
pytestmark = [needs_redis, pytest.mark.skipif(not os.access(HAPROXY, os.X_OK),
                                              reason="haproxy is not installed (Debian package haproxy)")]

APP = os.path.join(HERE, "shared_port_app.py")


def haproxy_config(front, backends):
    """HTTP mode, so haproxy sees the upgrade and then tunnels the WebSocket (`timeout tunnel`);
    round robin per connection; a refused connection is retried on the other server (redispatch);
    an instance whose /health fails is taken out."""
    lines = ["global", "  log stderr format short local0 warning",
             "defaults", "  mode http", "  log global", "  timeout connect 2s", "  timeout client 60s",
             "  timeout server 60s", "  timeout tunnel 1h", "  retries 2", "  option redispatch 1",
             "frontend liveactor", "  bind 127.0.0.1:%d" % front, "  default_backend instances",
             "backend instances", "  balance roundrobin", "  option httpchk GET /health"]
    lines += ["  server i%d 127.0.0.1:%d check inter 500ms fall 2 rise 1" % (i, port)
              for i, port in enumerate(backends)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def haproxy_front(tmp_path, redis_url):
    """(haproxy's port, {pid: instance process}) for two instances on redis_url behind haproxy."""
    secret = {"LIVEACTOR_SECRET_KEY": "haproxy-test-secret-0123456789ab"}  # pages join any instance
    instances = [start_serve(APP, "--redis", redis_url, "--instance-name", name, "--executors", "1", env=secret)
                 for name in ("a", "b")]
    front = free_port()
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(front, [port for _, port in instances]))
    log = open(tmp_path / "haproxy.log", "w")
    proxy = subprocess.Popen([HAPROXY, "-f", str(config), "-db"], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):  # until haproxy answers for the instances
            try:
                if get(front, "/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert proxy.poll() is None, (tmp_path / "haproxy.log").read_text()
            time.sleep(0.05)
        yield front, {proc.pid: proc for proc, _ in instances}
    finally:
        proxy.kill()
        proxy.wait(10)
        log.close()
        for proc, _ in instances:
            proc.kill()
            proc.wait(10)


def counter(html):
    """(count, note, pid of the instance) of the counter's html."""
    count, note, pid = html[len("<p>"):-len("</p>")].split("|")
    return int(count), note, int(pid)


def test_a_killed_instances_counter_resumes_through_haproxy(redis_url, haproxy_front):
    front, instances = haproxy_front
    page = LiveClient(front, "/counter")
    count, note, served_by = counter(page.join(mounts=0))
    assert (count, note) == (0, "fresh") and served_by in instances
    for _ in range(3):
        _, html = page.event("inc")
    assert counter(html) == (3, "fresh", served_by)
    assert wait_for_counts(redis_url, [3]) == [3]

    instances[served_by].send_signal(signal.SIGKILL)
    instances[served_by].wait(10)
    page.connect(front)  # what the official client does: the same URL again, same token
    count, note, resumed_on = counter(page.join(mounts=1))
    assert (count, note) == (3, "resumed")
    assert resumed_on != served_by and resumed_on in instances
    _, html = page.event("inc")
    assert counter(html) == (4, "resumed", resumed_on)


def test_haproxy_spreads_connections_over_both_instances(haproxy_front):
    front, instances = haproxy_front
    seen = {int(get(front, "/who")[1]) for _ in range(4)}  # round robin per connection
    assert seen == set(instances)
