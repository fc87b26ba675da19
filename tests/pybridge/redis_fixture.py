"""A real redis-server for the scale-out tests (test_cluster.py, test_resume.py): started on a
free loopback port in the test's temporary dir, killed afterwards."""

import shutil
import socket
import subprocess
import time

import pytest

needs_redis = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_process(tmp_path):
    """The redis-server process (its URL: redis_url)."""
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):  # until it accepts connections
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    proc.url = "redis://127.0.0.1:%d/0" % port
    yield proc
    proc.kill()
    proc.wait(10)


@pytest.fixture
def redis_url(redis_process):
    return redis_process.url


def redis_cli(url, *args):
    """The output lines of `redis-cli -u url args…`."""
    out = subprocess.run(["redis-cli", "-u", url, *args], check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def stored_records(url):
    """The records of views that resume now in Redis (their values, JSON text)."""
    return [redis_cli(url, "GET", key)[0] for key in redis_cli(url, "--scan", "--pattern", "liveactor:persist:*")]
