"""The fleet (issue 16): three `liveactor serve --redis` instances register in a real redis-server
(started here on a free loopback port); `liveactor ctl --redis URL fleet` lists them, `ctl --redis
URL kill ID` finds the instance that owns the actor, and an instance killed with SIGKILL leaves the
list once its record's TTL (--presence-ttl) passes. The instances share one control token."""

import os
import re
import signal
import subprocess
import time

import pytest

from redis_fixture import free_port, needs_redis, redis_process, redis_url  # noqa: F401 (fixtures)
from serving import HERE, start_serve
from wsclient import LiveClient

pytestmark = needs_redis

TOKEN = "fleet-shared-token-0123456789"


def ctl(*args):
    """(exit code, stdout, stderr) of `liveactor ctl …`."""
    done = subprocess.run([os.environ["LIVEACTOR_BIN"], "ctl", *args], capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def fleet_names(url):
    code, out, err = ctl("--redis", url, "fleet")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["NAME", "CONTROL", "HTTP"]
    return [line.split()[0] for line in lines[1:]]


def wait_for(predicate, what, seconds=30):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for " + what)
        time.sleep(0.1)


@pytest.fixture
def fleet(redis_url):
    """Three instances a, b, c: {name: (process, http port, control port)}."""
    procs = {}
    try:
        for name in ("a", "b", "c"):
            control = free_port()
            proc, port = start_serve(os.path.join(HERE, "cluster_app.py"), "--redis", redis_url,
                                     "--instance-name", name, "--presence-ttl", "1500", "--executors", "1",
                                     "--control-port", str(control), "--control-token", TOKEN)
            procs[name] = (proc, port, control)
        yield procs
    finally:
        for proc, _, _ in procs.values():
            proc.kill()
            proc.wait(10)


def test_fleet_lists_three_and_forgets_a_killed_one(redis_url, fleet):
    wait_for(lambda: fleet_names(redis_url) == ["a", "b", "c"], "three instances")
    _, out, _ = ctl("--redis", redis_url, "fleet")
    row = next(line.split() for line in out.splitlines() if line.startswith("b "))
    assert row[1] == "ws://127.0.0.1:%d/" % fleet["b"][2]
    assert row[2] == "http://127.0.0.1:%d" % fleet["b"][1]
    assert row[3] == str(fleet["b"][0].pid)

    client = LiveClient(fleet["b"][1], "/chat?user=bob")  # counted in b's figures
    client.join()
    wait_for(lambda: re.search(r"^b .* 1 +1 +[\d.]+$", ctl("--redis", redis_url, "fleet")[1], re.M),
             "b's session and view in the table")

    fleet["c"][0].send_signal(signal.SIGKILL)  # no cleanup: its record expires (TTL 1.5 s)
    fleet["c"][0].wait(10)
    wait_for(lambda: fleet_names(redis_url) == ["a", "b"], "c to leave the fleet")

    fleet["a"][0].terminate()  # a clean stop deletes its record at once
    fleet["a"][0].wait(10)
    assert fleet_names(redis_url) == ["b"]


def view_ids(control_port):
    """The ids of the view actors of the instance at control_port (liveactor-monitor --dump)."""
    monitor = os.environ.get("LIVEACTOR_MONITOR_BIN")
    if not monitor:
        pytest.skip("LIVEACTOR_MONITOR_BIN is not set (the monitor is not built)")
    out = subprocess.run([monitor, "--dump", "--token", TOKEN, "ws://127.0.0.1:%d/" % control_port],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return re.findall(r"^\s*view ([0-9a-f-]{36}) ", out, re.M)


def test_ctl_redis_kills_the_actor_on_its_instance(redis_url, fleet):
    wait_for(lambda: fleet_names(redis_url) == ["a", "b", "c"], "three instances")
    for name in ("a", "c"):  # views elsewhere too: ctl must pick b's
        LiveClient(fleet[name][1], "/chat?user=" + name).join()
    bob = LiveClient(fleet["b"][1], "/chat?user=bob")
    bob.join()
    ids = view_ids(fleet["b"][2])
    assert len(ids) == 1, ids

    code, out, err = ctl("--redis", redis_url, "kill", ids[0], "--token", TOKEN, "--reason", "test")
    assert code == 0, err
    assert out.splitlines()[0] == "instance b (ws://127.0.0.1:%d/)" % fleet["b"][2]
    assert out.splitlines()[1].startswith("ok: ")
    bob.sock.settimeout(30)
    while True:  # the killed view's channel errors on b's socket
        _, _, _, ev, _ = bob.receive()
        if ev == "phx_error":
            break

    code, _, err = ctl("--redis", redis_url, "kill", ids[0], "--token", TOKEN)
    assert code == 1
    assert "is on none of the 3 instances" in err

    code, _, err = ctl("--redis", redis_url, "ping", "not-a-uuid", "--token", TOKEN)
    assert code == 2


def test_ctl_redis_bad_input():
    code, _, err = ctl("--redis", "http://nope", "fleet")
    assert code == 2 and "redis://" in err
    code, _, err = ctl("--redis", "redis://127.0.0.1:%d/0" % free_port(), "fleet")
    assert code == 3 and "cannot reach Redis" in err
