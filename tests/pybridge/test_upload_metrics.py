"""The upload counters of /metrics (liveactor_upload*), scraped before and after uploads and
refusals made with the raw client of test_uploads.py, on a server of its own so the gauges start
at zero."""

import json
import os
import re
import socket
import subprocess

import pytest

from serving import HERE, get, serve, serve_process
from test_uploads import binary_push, entry, push, reply_to, send_file, start_upload, upload_ref
from wsclient import LiveClient

APP = os.path.join(HERE, "uploadapp", "app.py")
REASONS = ["too_large", "not_accepted", "too_many_files", "file_size_limit_exceeded", "too_many_bytes_in_flight",
           "invalid_token", "not_allowed", "write_failed", "protocol"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("saved")
    with serve(APP, env={"UPLOAD_TEST_OUT": str(out), "DJANGO_SETTINGS_MODULE": None}) as port:
        yield port


def metrics(port):
    """{sample name with labels: value} of /metrics, upload families only."""
    status, body = get(port, "/metrics")
    assert status == 200
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"^(liveactor_upload\S*) (\S+)$", body, re.M)}


def errors(reason):
    return 'liveactor_upload_errors_total{reason="%s"}' % reason


def delta(before, after):
    return {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}


def test_families_are_typed_and_every_reason_is_listed(server):
    status, body = get(server, "/metrics")
    assert "# TYPE liveactor_uploads_in_flight gauge" in body
    assert "# TYPE liveactor_upload_bytes_in_flight gauge" in body
    assert "# TYPE liveactor_upload_bytes_received_total counter" in body
    assert "# TYPE liveactor_uploads_completed_total counter" in body
    assert body.count("# TYPE liveactor_upload_errors_total counter") == 1
    assert all(errors(r) in metrics(server) for r in REASONS)


def test_an_upload_counts_bytes_in_flight_then_completion(server):
    client = LiveClient(server, "/")
    uref = upload_ref(client.join())
    data = os.urandom(40_000)
    before = metrics(server)
    reply = client.call("allow_upload", {"ref": uref, "entries": [entry("0", "a.png", len(data), "image/png")]})
    token = reply["entries"]["0"]
    assert push(client, "lvu:0", "phx_join", {"token": token}, join_ref="9")["status"] == "ok"
    joined = metrics(server)
    assert delta(before, joined) == {"liveactor_uploads_in_flight": 1, "liveactor_upload_bytes_in_flight": 40_000}

    # send_file joins again (the same entry: the first channel and its file are replaced)
    send_file(client, uref, "0", token, data)
    done = metrics(server)
    assert delta(before, done) == {"liveactor_uploads_in_flight": 1, "liveactor_upload_bytes_in_flight": 40_000,
                                   "liveactor_upload_bytes_received_total": 40_000,
                                   "liveactor_uploads_completed_total": 1}
    client.call("event", {"type": "click", "event": "save", "value": {}})  # consumed: the file goes
    assert delta(before, metrics(server)) == {"liveactor_upload_bytes_received_total": 40_000,
                                              "liveactor_uploads_completed_total": 1}
    client.close()


def test_refusals_are_counted_by_reason(server):
    client = LiveClient(server, "/")
    uref = upload_ref(client.join())
    before = metrics(server)
    client.call("allow_upload", {"ref": uref, "entries": [entry("0", "big.png", 300_000, "image/png"),
                                                          entry("1", "x.exe", 10, "application/x")]})
    assert push(client, "lvu:5", "phx_join", {"token": "forged"}, join_ref="9")["status"] == "error"
    client.ref += 1
    binary_push(client, "9", str(client.ref), "lvu:nobody", "chunk", b"x")  # never joined
    assert reply_to(client, str(client.ref))["status"] == "error"
    client.close()

    client = LiveClient(server, "/")
    uref = upload_ref(client.join())
    token = client.call("allow_upload", {"ref": uref, "entries": [entry("0", "a.png", 10, "image/png")]})["entries"]["0"]
    assert push(client, "lvu:0", "phx_join", {"token": token}, join_ref="9")["status"] == "ok"
    client.ref += 1
    binary_push(client, "9", str(client.ref), "lvu:0", "chunk", b"x" * 11)  # one byte past the declared size
    body = reply_to(client, str(client.ref))
    assert body["response"]["reason"] == "file_size_limit_exceeded"
    client.close()

    counted = {name: value for name, value in delta(before, metrics(server)).items() if "errors" in name}
    assert counted == {errors("too_large"): 1, errors("not_accepted"): 1, errors("invalid_token"): 1,
                       errors("protocol"): 1, errors("file_size_limit_exceeded"): 1}


def test_the_monitor_is_sent_the_same_numbers(tmp_path):
    """The control plane's InstanceStats.uploads, read by the real monitor (`--dump --json`)."""
    binary = os.environ.get("LIVEACTOR_BIN", "")
    monitor = os.path.join(os.path.dirname(binary), "..", "..", "monitor_app", "app", "liveactor-monitor")
    if not os.access(monitor, os.X_OK):
        pytest.skip("liveactor-monitor is not built next to LIVEACTOR_BIN")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        control_port = s.getsockname()[1]
    env = {"UPLOAD_TEST_OUT": str(tmp_path), "DJANGO_SETTINGS_MODULE": None}
    with serve_process(APP, "--control-port", str(control_port), env=env) as (proc, port):
        client = LiveClient(port, "/")
        uref = start_upload(client)
        client.call("allow_upload", {"ref": uref, "entries": [entry("1", "b.exe", 10, "application/x")]})
        state = os.path.join(os.environ.get("TMPDIR", "/tmp"), "liveactor-test-%d" % os.getpid())
        with open(os.path.join(state, "control.json")) as f:
            url = json.load(f)["url"]
        dump = subprocess.run([monitor, "--dump", "--json", "--state-dir", state, url], capture_output=True,
                              text=True, timeout=30)
        client.close()
    assert dump.returncode == 0, dump.stderr
    uploads = json.loads(dump.stdout)["snapshot"]["instance_stats"]["uploads"]
    # proto3 JSON: 64-bit integers as strings, zeros left out
    assert uploads == {"in_flight": "1", "bytes_in_flight": "30000", "bytes_budget": str(1 << 30),
                       "bytes_received_total": "10000", "errors_total": "1"}
