"""Several instances on one host and port (issue 16): `liveactor serve --reuse-port` listens with
SO_REUSEPORT, so two instances on one Redis share a port and the kernel spreads new connections
over both. Without it the second instance refuses to start with a clear error."""

import os
import subprocess

from redis_fixture import free_port, needs_redis, redis_process, redis_url  # noqa: F401 (fixtures)
from serving import HERE, get, start_serve
from wsclient import LiveClient

pytestmark = needs_redis

APP = os.path.join(HERE, "shared_port_app.py")
SECRET = {"LIVEACTOR_SECRET_KEY": "reuse-port-test-secret-0123456789"}  # one secret for the fleet


def start_instances(redis_url, port, *flags, names=("a", "b")):
    return [start_serve(APP, "--redis", redis_url, "--instance-name", name, "--executors", "1",
                        "--port", str(port), *flags, env=SECRET)[0]
            for name in names]


def stop(procs):
    for proc in procs:
        proc.kill()
        proc.wait(10)


def failed_start(port, *flags):
    """(exit status, output) of a `liveactor serve` on port that is expected not to start."""
    run = subprocess.run([os.environ["LIVEACTOR_BIN"], "serve", "--port", str(port), "--control-port", "0",
                          "--state-dir", os.path.join(os.environ.get("TMPDIR", "/tmp"), "liveactor-rp-%d" % os.getpid()),
                          *flags, APP],
                         env=dict(os.environ, PYTHONPATH=HERE, **SECRET), capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout + run.stderr


def test_two_instances_share_a_port(redis_url):
    port = free_port()
    procs = start_instances(redis_url, port, "--reuse-port")
    try:
        pids = {str(p.pid) for p in procs}
        seen = set()
        for _ in range(200):  # fresh connections, each hashed to one listener: both get some
            status, body = get(port, "/who")
            assert status == 200 and body in pids
            seen.add(body)
            if seen == pids:
                break
        assert seen == pids

        page = LiveClient(port, "/counter")  # the views work on the shared port
        assert page.join(mounts=0).startswith("<p>0|fresh|")
    finally:
        stop(procs)


def test_reuse_port_from_the_environment(redis_url):
    port = free_port()
    procs = []
    try:
        procs = start_instances(redis_url, port, "--reuse-port", names=("a",))
        procs.append(start_serve(APP, "--redis", redis_url, "--port", str(port), "--executors", "1",
                                 env=dict(SECRET, LIVEACTOR_REUSE_PORT="true"))[0])
        assert get(port, "/health") == (200, "ok\n")
    finally:
        stop(procs)


def test_without_reuse_port_the_second_instance_fails_clearly(redis_url):
    port = free_port()
    first = start_instances(redis_url, port, names=("a",))
    try:
        status, output = failed_start(port, "--reuse-port")  # one without it holds the port
        assert status != 0
        assert "cannot listen on 127.0.0.1:%d" % port in output and "Address already in use" in output, output
        assert "every process on this port must set it" in output, output
    finally:
        stop(first)

    shared = start_instances(redis_url, port, "--reuse-port", names=("a",))
    try:
        status, output = failed_start(port)  # the second one without it
        assert status != 0
        assert "cannot listen on 127.0.0.1:%d" % port in output and "already in use" in output, output
        assert "--reuse-port" in output, output
    finally:
        stop(shared)


def test_reuse_port_is_a_boolean(tmp_path):
    ini = tmp_path / "serve.ini"
    ini.write_text("reuse-port = maybe\n")
    status, output = failed_start(free_port(), "--config", str(ini))
    assert status != 0 and 'reuse-port (%s): expected true or false, got "maybe"' % ini in output, output
