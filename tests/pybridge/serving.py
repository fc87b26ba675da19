"""Starts `liveactor serve` (the binary CTest passes in LIVEACTOR_BIN) for a test module."""

import contextlib
import http.client
import os
import re
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


@contextlib.contextmanager
def serve(app, *args, env=None, cwd=None):
    """Yields the port of `liveactor serve --port 0 … app` (run in cwd; env entries set to None
    are removed from the environment); stops it afterwards."""
    with serve_process(app, *args, env=env, cwd=cwd) as (_, port):
        yield port


@contextlib.contextmanager
def serve_process(app, *args, env=None, cwd=None):
    """serve(), yielding (the process, its port): for tests that signal it themselves."""
    proc, port = start_serve(app, *args, env=env, cwd=cwd)
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)


def start_serve(app, *args, env=None, cwd=None):
    """Starts `liveactor serve --port 0 … app`; returns (process, port) once it listens. The
    caller stops it."""
    binary = os.environ.get("LIVEACTOR_BIN")
    if not binary:
        pytest.skip("LIVEACTOR_BIN is not set (run through CTest)")
    state = os.path.join(os.environ.get("TMPDIR", "/tmp"), "liveactor-test-%d" % os.getpid())
    environment = dict(os.environ, PYTHONPATH=HERE)
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--control-port", "0", "--state-dir", state,
                             *args, app],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=environment)
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
    return proc, port


def get(port, path, timeout=10):
    """(status, body text) of GET path on the server at port."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body
