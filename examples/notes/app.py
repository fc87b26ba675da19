"""Notes: a Django project (ORM, users, sessions) whose pages are liveactor views.

Run from this folder, so that Django can import notes.settings before the app is loaded:

    cd examples/notes
    ../../build/runtime/app/liveactor serve --django notes.settings app.py    # http://127.0.0.1:4000/notes

or from anywhere with the folder on PYTHONPATH (PYTHONPATH=examples/notes liveactor serve --django
notes.settings examples/notes/app.py). The database is migrated on start; docs/django.md has the
rest (logging in through Django, a reverse proxy in front of both).

- /notes: the notes, newest first, and a form: phx-change validates (title required, at most 80
  characters), phx-submit saves through the ORM in a handler declared blocking=True (it runs on
  the worker pool, never on an executor). Other tabs see new notes through pub/sub. The search box
  is an async def handler that queries through asgiref's sync_to_async. "Export" builds
  a CSV of every note with start_async; the function reports its progress with liveactor.broadcast
  to a topic the view subscribes to, and handle_async shows the result.
- /me: who is logged in to the Django site (mount reads session["django_username"]).
"""

import csv
import io
import os
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    # Served without --django (e.g. `liveactor serve examples/notes/app.py`): set Django up here.
    # The ORM works the same; only the logged-in user is not seen (the server reads Django's
    # session cookie when it was started with --django).
    from liveactor import _django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notes.settings")
    _django.setup(os.environ["DJANGO_SETTINGS_MODULE"])

from asgiref.sync import sync_to_async  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections  # noqa: E402

import liveactor  # noqa: E402
from liveactor import LiveView, blocking, event  # noqa: E402

from notebook.models import MAX_TITLE, Note  # noqa: E402

# Create or update the tables once, when the app is imported (before the server listens).
call_command("migrate", interactive=False, verbosity=0)
close_old_connections()

NOTES_TOPIC = "notes:changed"
EXPORT_STEPS = 10
#: seconds per export step: the export is slow on purpose, to show progress while it runs
EXPORT_STEP_S = float(os.environ.get("NOTES_EXPORT_STEP_S", "0.15"))


def note_dict(note):
    """What the template gets: a dict is converted once, rendered without the GIL."""
    return {"id": note.id, "title": note.title, "body": note.body, "author": note.author,
            "created": note.created}


def load_notes(q=""):
    notes = Note.objects.all()
    if q:
        notes = notes.filter(title__icontains=q)
    return [note_dict(n) for n in notes[:100]]


def validate_title(title):
    title = title.strip()
    if not title:
        return "A note needs a title."
    if len(title) > MAX_TITLE:
        return "At most %d characters (%d now)." % (MAX_TITLE, len(title))
    return ""


def export_csv(progress_topic):
    """Runs on the worker pool (start_async with a plain function): reads every note through the
    ORM and writes the CSV in EXPORT_STEPS steps, broadcasting ("progress", percent) after each.
    The view gets the returned summary in handle_async."""
    notes = list(Note.objects.order_by("id").values_list("id", "title", "author", "created", "body"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title", "author", "created", "body"])
    per_step = -(-len(notes) // EXPORT_STEPS) if notes else 0
    for step in range(EXPORT_STEPS):
        for row in notes[step * per_step:(step + 1) * per_step]:
            writer.writerow([row[0], row[1], row[2], row[3].isoformat(), row[4]])
        time.sleep(EXPORT_STEP_S)  # stands for slow work: a big query, a file upload, …
        liveactor.broadcast(progress_topic, ("progress", (step + 1) * 100 // EXPORT_STEPS))
    data = out.getvalue().encode()
    return {"rows": len(notes), "bytes": len(data)}


class NotesView(LiveView):
    template_name = "notes.html"

    @blocking  # reads the database: on the worker pool when the view is live
    def mount(self, params, session):
        self.user = session.get("django_username")
        self.notes = load_notes()
        self.count = Note.objects.count()
        self._known = {n["id"] for n in self.notes}  # counted already (saved here or seen)
        self.q = ""
        self.title = ""
        self.body = ""
        self.error = ""
        self.saved = ""
        self.exporting = False
        self.progress = 0      # percent of the running export
        self.export = None     # the last export's summary, or its error
        self.page_title = "Notes"
        if self.connected:
            self.subscribe(NOTES_TOPIC)
            self._export_topic = "notes:export:" + uuid.uuid4().hex
            self.subscribe(self._export_topic)

    @event("validate", blocking=False)  # no I/O: stays on the executor
    def validate(self, form):
        self.title = form.get("title", "")
        self.body = form.get("body", "")
        # complain about the title only once the user has typed into it
        self.error = validate_title(self.title) if self.title else ""
        self.saved = ""

    @event("save", blocking=True)  # the ORM waits on the database: worker pool
    def save(self, form):
        title, body = form.get("title", ""), form.get("body", "")
        self.error = validate_title(title)
        if self.error:
            self.title, self.body = title, body
            return
        note = Note.objects.create(title=title.strip(), body=body.strip(), author=self.user or "")
        self.title = self.body = ""
        self.saved = note.title
        self._add(note_dict(note))
        liveactor.broadcast(NOTES_TOPIC, ("saved", note_dict(note)))  # the other tabs

    def _add(self, note):
        if note["id"] in self._known:
            return
        self._known.add(note["id"])
        self.count += 1
        if not self.q or self.q.lower() in note["title"].lower():
            self.notes = [note] + self.notes[:99]

    @event("search")
    async def search(self, form):
        # async def: awaited on the runtime's asyncio loop. Django 3.2's ORM is sync only, so the
        # query goes through sync_to_async (a thread of asgiref's); the view waits meanwhile.
        self.q = form.get("q", "").strip()
        self.notes = await sync_to_async(load_notes)(self.q)

    @event("export")
    def start_export(self):
        if self.exporting:
            return  # one at a time
        self.exporting = True
        self.progress = 0
        self.export = None
        self.start_async("export", export_csv, self._export_topic)

    def handle_info(self, msg):
        kind, payload = msg
        if kind == "progress" and self.exporting:
            self.progress = payload
        elif kind == "saved":
            self._add(payload)  # ours is already there

    def handle_async(self, name, result):
        self.exporting = False
        if result.ok:
            self.export = {"ok": True, "rows": result.result["rows"], "bytes": result.result["bytes"]}
        else:
            self.export = {"ok": False, "error": result.failed}


class MeView(LiveView):
    template = """<section class="me">
  <h1 id="hello">{% if user %}Hello, {{ user }}{% else %}anonymous{% endif %}</h1>
  {% if user_id %}<p id="user-id">Django user #{{ user_id }}</p>{% endif %}
  <p><a href="/notes">notes</a></p>
</section>"""

    def mount(self, params, session):
        self.user = session.get("django_username")
        self.user_id = session.get("django_user_id")
        self.page_title = "Hello, %s" % self.user if self.user else "anonymous"


routes = {"/notes": NotesView, "/me": MeView}
