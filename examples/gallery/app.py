"""A photo gallery: uploads over the LiveView socket. Choose or drop up to six images, watch them
upload with progress bars and previews, cancel any of them, and on "Upload" they are moved into
the gallery folder and shown in the grid below.

Run: liveactor serve examples/gallery/app.py

- `allow_upload("photos", …)` in mount declares what is accepted; the client checks nothing the
  server does not check again (type, size, count), and the errors come back by name.
- Previews are the browser's own: `{% live_img_preview entry %}` shows the chosen file before a
  byte has been sent (an object URL the client makes; the server never sees the preview).
- The files arrive in chunks into temporary files; `consume_uploaded_entries` moves each finished
  one into the gallery folder: $GALLERY_DIR, else <state dir>/gallery ($LIVEACTOR_STATE_DIR or
  .state, as the server's). GET /gallery/image?name=… serves the files in that folder only.
"""

import mimetypes
import os
import re
import shutil
import uuid

from liveactor import LiveView, event, http

ACCEPT = [".jpg", ".jpeg", ".png", ".gif", ".webp"]
MAX_ENTRIES = 6
MAX_SIZE = 8_000_000
# The names the gallery writes itself: a random hex stem and one of the accepted extensions.
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|jpeg|png|gif|webp)$")


def gallery_dir():
    folder = os.environ.get("GALLERY_DIR") or os.path.join(os.environ.get("LIVEACTOR_STATE_DIR") or ".state",
                                                            "gallery")
    os.makedirs(folder, exist_ok=True)
    return folder


def stored_images():
    """The gallery's files, newest first."""
    folder = gallery_dir()
    names = [n for n in os.listdir(folder) if STORED_NAME.match(n)]
    return sorted(names, key=lambda n: os.path.getmtime(os.path.join(folder, n)), reverse=True)


@http.get("/gallery/image")
def image(request):
    """One stored image. The name must be one the gallery wrote (no path, no other file), so no
    request reaches outside the folder."""
    name = request.query.get("name", "")
    path = os.path.join(gallery_dir(), name)
    if not STORED_NAME.match(name) or not os.path.isfile(path):
        return http.Response("no such image", status=404, content_type="text/plain; charset=utf-8")
    with open(path, "rb") as f:
        body = f.read()
    return http.Response(body, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                         headers={"x-content-type-options": "nosniff"})


class Gallery(LiveView):
    template_name = "gallery.html"

    def mount(self, params, session):
        self.allow_upload("photos", accept=ACCEPT, max_entries=MAX_ENTRIES, max_file_size=MAX_SIZE)
        self.images = stored_images()
        self.max_mb = MAX_SIZE // 1_000_000
        self.page_title = "Gallery"

    @event("validate")  # the form's phx-change: the entries are already added and checked
    def validate(self, value):
        pass

    @event("cancel")
    def cancel(self, value):
        self.cancel_upload("photos", value["ref"])

    @event("save")  # the client submits once every chosen file has arrived
    def save(self, value):
        folder = gallery_dir()

        def store(path, entry):
            # Never the client's name on disk: a fresh one with its extension (one of ACCEPT:
            # the server accepted the entry by it).
            name = uuid.uuid4().hex + os.path.splitext(entry["client_name"])[1].lower()
            shutil.move(path, os.path.join(folder, name))
            return name

        self.consume_uploaded_entries("photos", store)
        self.images = stored_images()

    @event("clear")
    def clear(self):
        for name in stored_images():
            os.remove(os.path.join(gallery_dir(), name))
        self.images = []


routes = {"/gallery": Gallery}
