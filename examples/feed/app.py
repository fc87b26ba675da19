"""A feed: an endless list as a stream. Scrolling to the bottom loads older posts
(phx-viewport-bottom), a timer prepends new ones, each post can be deleted, and "reset" starts
over. The server sends each post once and keeps none: a session can stream 100,000 posts and the
server's memory stays where it was (bench/template/run measures it).

Run: liveactor serve examples/feed/app.py      (?every=SECONDS sets the new-post interval)
"""

import dataclasses

from liveactor import LiveView, event

PAGE = 20
FIRST_ID = 1_000_000
WORDS = ["actors", "streams", "diffs", "mailboxes", "supervisors", "templates", "sockets", "timers"]


@dataclasses.dataclass
class Post:
    id: int
    author: str
    text: str


def make_post(post_id):
    """Posts are made up from their id: there is no database to keep them in either."""
    w = WORDS[post_id % len(WORDS)]
    return Post(post_id, "user%d" % (post_id % 97), "Post %d is about %s." % (post_id, w))


class Feed(LiveView):
    template = """
<section class="feed">
  <style>.post { min-height: 3rem; padding: .5rem 0; border-bottom: 1px solid #ddd; }</style>
  <h1>Feed</h1>
  <p>sent: <span id="streamed">{{ streamed }}</span> posts ·
     <button id="toggle-live" phx-click="toggle_live">{% if live %}pause new posts{% else %}resume new posts{% endif %}</button>
     <button id="reset" phx-click="reset">reset</button></p>
  <ul id="posts" phx-update="stream"{% if more %} phx-viewport-bottom="load_more"{% endif %}>
    {% for dom_id, post in streams.posts %}<li id="{{ dom_id }}" class="post"><b>{{ post.author }}</b> {{ post.text }}
      <button class="delete" phx-click="delete" phx-value-id="{{ dom_id }}">delete</button></li>{% endfor %}
  </ul>
  {% if not more %}<p id="end">the end</p>{% endif %}
  <p><a href="/">all examples</a></p>
</section>
"""

    def mount(self, params, session):
        self.page_title = "Feed"
        try:
            self.every_ms = min(60_000, max(100, int(float(params.get("every", 3)) * 1000)))
        except ValueError:
            self.every_ms = 3000
        self.live = True
        self._start()
        if self.connected:
            self._timer = self.send_after(self.every_ms, "new_post")

    def _start(self, reset=False):
        self.newest = FIRST_ID
        self.oldest = FIRST_ID - PAGE + 1
        self.streamed = PAGE
        self.more = True
        self.stream("posts", [make_post(i) for i in range(FIRST_ID, self.oldest - 1, -1)], reset=reset)

    @event
    def load_more(self, value):
        """The bottom of the list came into view: append the next page of older posts."""
        try:  # (the benchmark asks for big pages)
            count = max(1, min(10_000, int(value.get("count", PAGE))))
        except (TypeError, ValueError):
            count = PAGE
        last = max(1, self.oldest - count)
        self.stream("posts", [make_post(i) for i in range(self.oldest - 1, last - 1, -1)])
        self.streamed += self.oldest - last
        self.oldest = last
        self.more = last > 1

    def handle_info(self, msg):
        if msg == "new_post" and self.live:
            self.newest += 1
            self.stream_insert("posts", make_post(self.newest), at=0)
            self.streamed += 1
            self._timer = self.send_after(self.every_ms, "new_post")

    @event
    def delete(self, value):
        dom_id = value.get("id", "")
        if isinstance(dom_id, str) and dom_id.startswith("posts-"):
            self.stream_delete_by_dom_id("posts", dom_id)

    @event
    def reset(self):
        self._start(reset=True)

    @event
    def toggle_live(self):
        self.live = not self.live
        if self.live:
            self._timer = self.send_after(self.every_ms, "new_post")
        else:
            self.cancel_timer(self._timer)


routes = {"/": Feed}
