"""Uploads under the real server: served by test_uploads.py (raw WebSocket client) and
e2e/uploads.test.mjs (chromium). "save" consumes the finished entries into the directory
$UPLOAD_TEST_OUT (sha256 and name per file).

/      three small images at most, a drop target (phx-drop-target) beside the input
/auto  the same with auto_upload=True: files go up as soon as they are chosen, no submit
/big   one file up to 60 MB; ?chunk=N sets the chunk size (small chunks make a slow upload)
"""

import hashlib
import os
import shutil

from liveactor import LiveView, event

TEMPLATE = """{% load live %}<form id="f" phx-change="validate" phx-submit="save">{% live_file_input uploads.avatar %}</form>
<div id="drop" phx-drop-target="{{ uploads.avatar.ref }}">drop here</div>
<ul>{% for e in uploads.avatar.entries %}<li id="e{{ e.ref }}">{% live_img_preview e class="pv" %}{{ e.client_name }} {{ e.progress }} {% if e.done %}done{% endif %}{% for err in e.errors %} {{ err }}{% endfor %}<button type="button" class="cancel" phx-click="cancel" phx-value-ref="{{ e.ref }}">x</button></li>{% endfor %}</ul>
<p id="errors">{% for err in uploads.avatar.errors %}{{ err }} {% endfor %}</p>
<p id="saved">{% for s in saved %}{{ s }} {% endfor %}</p><button id="go" form="f" type="submit">save</button>"""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Avatar(LiveView):
    template = TEMPLATE
    auto_upload = False

    def mount(self, params, session):
        self.saved = []
        self.allow_upload("avatar", accept=[".png", "image/jpeg"], max_entries=3, max_file_size=200_000,
                          chunk_size=16_000, auto_upload=self.auto_upload)

    @event("validate")
    def validate(self, value):
        pass

    @event("cancel")
    def cancel(self, value):
        self.cancel_upload("avatar", value["ref"])

    @event("save")
    def save(self, value):
        out = os.environ["UPLOAD_TEST_OUT"]

        def keep(path, entry):
            digest = _sha256(path)
            shutil.move(path, os.path.join(out, entry["client_name"]))
            return "%s:%s" % (entry["client_name"], digest)

        self.saved = self.saved + self.consume_uploaded_entries("avatar", keep)


class AutoAvatar(Avatar):
    auto_upload = True


class Big(Avatar):
    def mount(self, params, session):
        self.saved = []
        self.allow_upload("avatar", accept=["any"], max_entries=1, max_file_size=60_000_000,
                          chunk_size=int(params.get("chunk", 64_000)))


routes = {"/": Avatar, "/auto": AutoAvatar, "/big": Big}
