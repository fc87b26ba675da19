"""Uploads through the real server with a raw client (wsclient.py), as the official client speaks
them: allow_upload preflight → lvu:<ref> join with the token → binary chunk pushes → progress →
consume in a handler. The browser side is in e2e/."""

import hashlib
import json
import os
import re
import struct
import time

import pytest

from serving import HERE, serve, serve_process
from wsclient import LiveClient

APP = os.path.join(HERE, "uploadapp", "app.py")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("saved")
    # an in-process Django test earlier in the session may have set DJANGO_SETTINGS_MODULE
    with serve(APP, env={"UPLOAD_TEST_OUT": str(out), "DJANGO_SETTINGS_MODULE": None}) as port:
        yield port, out


def binary_push(client, join_ref, ref, topic, event, payload):
    """A V2 binary push frame (kind 0), masked as a client must."""
    head = bytes([0, len(join_ref), len(ref), len(topic), len(event)])
    send_binary(client, head + (join_ref + ref + topic + event).encode() + payload)


def send_binary(client, data):
    """One masked binary WebSocket frame carrying data."""
    mask = os.urandom(4)
    n = len(data)
    if n < 126:
        length = bytes([0x80 | n])
    elif n < 65536:
        length = bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        length = bytes([0x80 | 127]) + struct.pack("!Q", n)
    client.sock.sendall(bytes([0x82]) + length + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def reply_to(client, ref):
    while True:
        _, reply_ref, topic, event, body = client.receive()
        if event == "phx_reply" and reply_ref == ref:
            return body


def upload_ref(html):
    return re.search(r'data-phx-upload-ref="([^"]+)"', html).group(1)


def push(client, topic, event, payload, join_ref="1"):
    client.ref += 1
    ref = str(client.ref)
    client._send([join_ref, ref, topic, event, payload])
    return reply_to(client, ref)


def send_file(client, uref, entry_ref, token, data, chunk=16_000, cid=None):
    """cid: the live component owning the upload (the client adds it to progress pushes)."""
    topic = "lvu:" + entry_ref
    assert push(client, topic, "phx_join", {"token": token}, join_ref="9")["status"] == "ok"
    for offset in range(0, len(data), chunk):
        client.ref += 1
        binary_push(client, "9", str(client.ref), topic, "chunk", data[offset:offset + chunk])
        assert reply_to(client, str(client.ref))["status"] == "ok"
    progress = push(client, "lv:" + client.container, "progress",
                    {"event": None, "ref": uref, "entry_ref": entry_ref, "progress": 100, "cid": cid})
    assert progress["status"] == "ok", progress
    return json.dumps(progress["response"])


def entry(ref, name, size, type_):
    return {"ref": ref, "name": name, "size": size, "type": type_, "last_modified": 1, "relative_path": ""}


def test_the_input_is_rendered_as_phoenix_does(server):
    port, _ = server
    client = LiveClient(port, "/")
    html = client.join()
    ref = upload_ref(html)
    assert ('<input id="%s" type="file" name="avatar" accept=".png,image/jpeg" data-phx-hook="Phoenix.LiveFileUpload" '
            'data-phx-update="ignore" data-phx-upload-ref="%s" data-phx-active-refs="" data-phx-done-refs="" '
            'data-phx-preflighted-refs="" multiple>' % (ref, ref)) in html
    client.close()


def test_an_entry_preview_is_rendered_as_phoenix_does(server):
    port, _ = server
    client = LiveClient(port, "/")
    uref = upload_ref(client.join())
    reply = client.call("allow_upload", {"ref": uref, "entries": [entry("0", "a.png", 10, "image/png")]})
    img = ('<img id="phx-preview-%s-0" data-phx-upload-ref="%s" data-phx-entry-ref="0" '
           'data-phx-hook="Phoenix.LiveImgPreview" data-phx-update="ignore" class="pv">' % (uref, uref))
    assert json.dumps(img)[1:-1] in json.dumps(reply["diff"]), reply["diff"]
    client.close()


def test_preflight_chunks_progress_consume(server):
    port, out = server
    client = LiveClient(port, "/")
    uref = upload_ref(client.join())
    data = os.urandom(40_000)
    reply = client.call("allow_upload", {"ref": uref, "entries": [entry("0", "a.png", len(data), "image/png")]})
    assert reply["ref"] == uref and reply["config"]["chunk_size"] == 16_000
    assert "error" not in reply and set(reply["entries"]) == {"0"}
    assert 'data-phx-preflighted-refs=\\"0\\"' in json.dumps(reply["diff"])
    diff = send_file(client, uref, "0", reply["entries"]["0"], data)
    assert 'data-phx-done-refs=\\"0\\"' in diff and '"done"' in diff, diff
    response = client.call("event", {"type": "click", "event": "save", "value": {}})
    digest = hashlib.sha256(data).hexdigest()
    assert "a.png:" + digest in json.dumps(response["diff"])
    with open(os.path.join(out, "a.png"), "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == digest
    assert 'data-phx-active-refs=\\"\\"' in json.dumps(response["diff"])  # consumed entries leave the upload
    client.close()


def test_preflight_errors(server):
    port, _ = server
    client = LiveClient(port, "/")
    uref = upload_ref(client.join())
    reply = client.call("allow_upload", {"ref": uref, "entries": [entry("0", "big.png", 300_000, "image/png"),
                                                                  entry("1", "x.exe", 10, "application/x")]})
    assert reply["entries"] == {}
    assert reply["errors"] == {"0": ["too_large"], "1": ["not_accepted"]}
    assert ["0", "too_large"] in reply["error"]
    client.close()
    client = LiveClient(port, "/")
    uref = upload_ref(client.join())
    four = [entry(str(i), "%d.png" % i, 10, "image/png") for i in range(4)]
    reply = client.call("allow_upload", {"ref": uref, "entries": four})
    assert reply["error"] == [[uref, "too_many_files"]] and reply["entries"] == {}
    assert "too_many_files" in json.dumps(reply["diff"])
    client.close()


def test_a_token_is_needed_and_cancel_stops_the_upload(server):
    port, _ = server
    client = LiveClient(port, "/")
    uref = upload_ref(client.join())
    assert push(client, "lvu:0", "phx_join", {"token": "forged"}, join_ref="9")["status"] == "error"
    reply = client.call("allow_upload", {"ref": uref, "entries": [entry("0", "a.png", 30_000, "image/png")]})
    token = reply["entries"]["0"]
    assert push(client, "lvu:0", "phx_join", {"token": token}, join_ref="9")["status"] == "ok"
    client.ref += 1
    binary_push(client, "9", str(client.ref), "lvu:0", "chunk", b"x" * 10_000)
    assert reply_to(client, str(client.ref))["status"] == "ok"
    client.call("event", {"type": "click", "event": "cancel", "value": {"ref": "0"}})
    client.ref += 1
    binary_push(client, "9", str(client.ref), "lvu:0", "chunk", b"x" * 10_000)
    body = reply_to(client, str(client.ref))
    assert body["status"] == "error" and body["response"]["reason"] == "cancelled"
    client.close()


@pytest.mark.parametrize("data", [
    bytes([0, 9, 9, 9, 9]) + b"ab",           # header lengths past the end of the frame
    bytes([1, 1, 1, 5, 5]) + b"12lvu:0chunk",  # kind 1: not a push
    b"",                                      # empty
], ids=["bad lengths", "not a push", "empty"])
def test_a_malformed_binary_frame_closes_the_socket_with_1002(server, data):
    port, _ = server
    client = LiveClient(port, "/")
    client.join()
    send_binary(client, data)
    while True:  # replies and diffs may come first; then the close frame
        opcode, body = client.frame()
        if opcode == 0x8:
            break
    assert struct.unpack("!H", body[:2])[0] == 1002, body
    client.sock.close()
    again = LiveClient(port, "/")  # the server goes on
    assert upload_ref(again.join())
    again.close()


def card_refs(client):
    """{cid: upload ref} of the /cards components, from the join's "c" map."""
    return {int(cid): re.search(r'data-phx-upload-ref=\\"([^\\"]+)\\"', json.dumps(c)).group(1)
            for cid, c in client.rendered["c"].items()}


def test_a_component_uploads_on_its_own(server):
    port, out = server
    client = LiveClient(port, "/cards")
    client.join()
    refs = card_refs(client)
    assert set(refs) == {1, 2} and refs[1] != refs[2]
    data = os.urandom(40_000)
    # the view has no upload of that ref: without the cid the preflight is refused
    body = push(client, "lv:" + client.container, "allow_upload",
                {"ref": refs[1], "entries": [entry("0", "a.png", len(data), "image/png")]})
    assert body["status"] == "error" and "unknown upload ref" in body["response"]["reason"], body
    reply = client.call("allow_upload", {"ref": refs[1], "cid": 1,
                                         "entries": [entry("0", "a.png", len(data), "image/png")]})
    assert "error" not in reply and set(reply["entries"]) == {"0"}, reply
    assert list(reply["diff"]["c"]) == ["1"]  # only the component re-renders
    assert 'data-phx-preflighted-refs=\\"0\\"' in json.dumps(reply["diff"]["c"]["1"])
    diff = send_file(client, refs[1], "0", reply["entries"]["0"], data, cid=1)
    assert 'data-phx-done-refs=\\"0\\"' in diff and '"done"' in diff, diff
    response = client.call("event", {"type": "form", "event": "save", "value": "", "cid": 1})
    digest = hashlib.sha256(data).hexdigest()
    assert "a.png:" + digest in json.dumps(response["diff"]["c"]["1"]), response
    with open(os.path.join(out, "card1-a.png"), "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == digest
    assert not os.path.exists(os.path.join(out, "card2-a.png"))
    client.close()


def test_component_uploads_refuse_the_wrong_cid(server):
    port, _ = server
    client = LiveClient(port, "/cards")
    client.join()
    refs = card_refs(client)
    view = "lv:" + client.container
    one = [entry("0", "a.png", 30_000, "image/png")]
    for cid in (99, "x"):  # no such component; not a cid
        body = push(client, view, "allow_upload", {"ref": refs[1], "cid": cid, "entries": one})
        assert body["status"] == "error", body
    body = push(client, view, "allow_upload", {"ref": refs[1], "cid": 2, "entries": one})  # card 2's own ref differs
    assert body["status"] == "error" and "unknown upload ref" in body["response"]["reason"], body
    token = client.call("allow_upload", {"ref": refs[1], "cid": 1, "entries": one})["entries"]["0"]
    body = push(client, view, "progress", {"ref": refs[1], "entry_ref": "0", "progress": 50, "cid": 2})
    assert body["status"] == "error", body  # progress for card 1's entry sent to card 2
    # card 1 leaves the page: its entries close, so its token no longer opens a channel
    client.event("hide")
    assert push(client, view, "cids_will_destroy", {"cids": [1]})["status"] == "ok"
    assert push(client, view, "cids_destroyed", {"cids": [1]})["response"] == {"cids": [1]}
    body = push(client, "lvu:0", "phx_join", {"token": token}, join_ref="9")
    assert body["status"] == "error" and body["response"]["reason"] == "not_allowed", body
    client.close()


def open_upload_files(pid):
    """The files under an upload dir the process holds open (an entry's file may have no name in
    the folder while it arrives: QTemporaryFile uses O_TMPFILE where it can)."""
    found = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue  # closed meanwhile
        if "%suploads%s" % (os.sep, os.sep) in target:
            found.append(target)
    return found


def start_upload(client):
    """Joins "/", preflights one 30,000-byte entry (ref "0") and sends its first 10,000 bytes;
    returns the upload ref."""
    uref = upload_ref(client.join())
    token = client.call("allow_upload", {"ref": uref, "entries": [entry("0", "a.png", 30_000, "image/png")]})
    assert push(client, "lvu:0", "phx_join", {"token": token["entries"]["0"]}, join_ref="9")["status"] == "ok"
    client.ref += 1
    binary_push(client, "9", str(client.ref), "lvu:0", "chunk", b"x" * 10_000)
    assert reply_to(client, str(client.ref))["status"] == "ok"
    return uref


def test_a_socket_closed_mid_upload_releases_the_file(tmp_path):
    """The session outlives its socket for sessionTtl, but its upload files go at once."""
    with serve_process(APP, env={"UPLOAD_TEST_OUT": str(tmp_path), "DJANGO_SETTINGS_MODULE": None}) as (proc, port):
        client = LiveClient(port, "/")
        start_upload(client)
        assert len(open_upload_files(proc.pid)) == 1
        client.close()
        for _ in range(400):  # polled: the session notices the close on its own thread
            if not open_upload_files(proc.pid):
                break
            time.sleep(0.05)
        assert open_upload_files(proc.pid) == []
