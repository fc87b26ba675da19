"""Uploads under the real server: served by test_uploads.py (raw WebSocket client). "save"
consumes the finished entries into the directory $UPLOAD_TEST_OUT (sha256 and name per file)."""

import hashlib
import os
import shutil

from liveactor import LiveView, event


class Avatar(LiveView):
    template = """{% load live %}<form id="f" phx-change="validate" phx-submit="save">{% live_file_input uploads.avatar %}</form>
<ul>{% for e in uploads.avatar.entries %}<li id="e{{ e.ref }}">{{ e.client_name }} {{ e.progress }} {% if e.done %}done{% endif %}{% for err in e.errors %} {{ err }}{% endfor %}<button type="button" class="cancel" phx-click="cancel" phx-value-ref="{{ e.ref }}">x</button></li>{% endfor %}</ul>
<p id="errors">{% for err in uploads.avatar.errors %}{{ err }} {% endfor %}</p>
<p id="saved">{% for s in saved %}{{ s }} {% endfor %}</p><button id="go" form="f" type="submit">save</button>"""

    def mount(self, params, session):
        self.saved = []
        self.allow_upload("avatar", accept=[".png", "image/jpeg"], max_entries=3, max_file_size=200_000,
                          chunk_size=16_000)

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
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            shutil.move(path, os.path.join(out, entry["client_name"]))
            return "%s:%s" % (entry["client_name"], digest)

        self.saved = self.saved + self.consume_uploaded_entries("avatar", keep)


routes = {"/": Avatar}
