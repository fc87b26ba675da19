"""Uploads under the real server: served by test_uploads.py (raw WebSocket client) and
e2e/uploads.test.mjs (chromium). "save" consumes the finished entries into the directory
$UPLOAD_TEST_OUT (sha256 and name per file).

/      three small images at most, a drop target (phx-drop-target) beside the input
/auto  the same with auto_upload=True: files go up as soon as they are chosen, no submit
/big   one file up to 60 MB; ?chunk=N sets the chunk size (small chunks make a slow upload)
/cards two live components (PhotoCard id=1 and id=2), each with its own upload "photo" and a
       form targeting it; "hide" removes card 1 from the page
"""

import hashlib
import os
import shutil

from liveactor import LiveComponent, LiveView, event

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


def _keeper(prefix):
    """consume_uploaded_entries' fn: moves the file to $UPLOAD_TEST_OUT/<prefix><client name>."""
    def keep(path, entry):
        digest = _sha256(path)
        shutil.move(path, os.path.join(os.environ["UPLOAD_TEST_OUT"], prefix + entry["client_name"]))
        return "%s:%s" % (entry["client_name"], digest)
    return keep


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
        self.saved = self.saved + self.consume_uploaded_entries("avatar", _keeper(""))


class AutoAvatar(Avatar):
    auto_upload = True


class Big(Avatar):
    def mount(self, params, session):
        self.saved = []
        self.allow_upload("avatar", accept=["any"], max_entries=1, max_file_size=60_000_000,
                          chunk_size=int(params.get("chunk", 64_000)))


CARD = ("""{% load live %}<div id="card{{ id }}">"""
        """<form id="cf{{ id }}" phx-change="validate" phx-submit="save" phx-target="{{ myself }}">"""
        """{% live_file_input uploads.photo %}<button id="go{{ id }}" type="submit">save</button></form>
<ul>{% for e in uploads.photo.entries %}<li id="c{{ id }}e{{ e.ref }}">{{ e.client_name }} {{ e.progress }} """
        """{% if e.done %}done{% endif %}{% for err in e.errors %} {{ err }}{% endfor %}"""
        """<button type="button" phx-click="cancel" phx-target="{{ myself }}" phx-value-ref="{{ e.ref }}">x</button>"""
        """</li>{% endfor %}</ul>
<p id="saved{{ id }}">{% for s in saved %}{{ s }} {% endfor %}</p></div>""")


class PhotoCard(LiveComponent):
    """Uploads of its own: the view's pushes carry this component's cid (its form's phx-target)."""
    template = CARD

    def mount(self):
        self.saved = []
        self.allow_upload("photo", accept=[".png"], max_entries=2, max_file_size=200_000, chunk_size=16_000)

    @event("validate")
    def validate(self, value):
        pass

    @event("cancel")
    def cancel(self, value):
        self.cancel_upload("photo", value["ref"])

    @event("save")
    def save(self, value):
        self.saved = self.saved + self.consume_uploaded_entries("photo", _keeper("card%s-" % self.id))


class Cards(LiveView):
    template = ('<main>{% if show %}{% live_component PhotoCard id=1 %}{% endif %}{% live_component PhotoCard id=2 %}'
                '<button id="hide" phx-click="hide">hide</button></main>')

    def mount(self, params, session):
        self.show = True

    @event("hide")
    def hide(self, value):
        self.show = False


routes = {"/": Avatar, "/auto": AutoAvatar, "/big": Big, "/cards": Cards}
