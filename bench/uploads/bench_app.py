"""The view bench/uploads/run uploads to: one upload that takes any file up to 2 GB, in the
client's default 64,000-byte chunks. Nothing consumes the entries: the run closes each socket
after its upload, which deletes the file."""

from liveactor import LiveView


class Upload(LiveView):
    template = """{% load live %}<form id="f" phx-change="validate">{% live_file_input uploads.file %}</form>"""

    def mount(self, params, session):
        self.allow_upload("file", max_entries=1, max_file_size=2_000_000_000, chunk_size=64_000)


routes = {"/": Upload}
