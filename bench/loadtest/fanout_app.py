"""The app of bench/loadtest/fanout: a chat room every session joins, and a route that posts to it.

/fanout (and /, which the bench scripts poll to see the server is up) is a chat-like view: it
subscribes to one topic and keeps the last HISTORY messages, rendered as a keyed list.
GET /publish?seq=N is the bench's trigger: it stamps the message with the wall clock (CLOCK_REALTIME,
microseconds) right before liveactor.broadcast, so the load generator, on the same machine, can
measure publish → diff received for every session. The stamp is one template expression,
"fanout:<seq>:<µs>", so it reaches the client whole inside the diff.

bench/peers/liveviewjs/server.js serves the same view at /fanout with the same trigger.

Run: liveactor serve bench/loadtest/fanout_app.py
"""

import time

import liveactor
from liveactor import LiveView, http

TOPIC = "fanout:room"
HISTORY = 10


class Room(LiveView):
    template = """
<section class="chat">
  <h1>Room</h1>
  <ol id="messages">
    {% for m in messages key m.seq %}<li id="m-{{ m.seq }}"><b>{{ m.sender }}</b>: {{ m.text }} <small>{{ m.stamp }}</small></li>
    {% endfor %}
  </ol>
  <p><span id="received">{{ received }}</span> received</p>
</section>
"""

    def mount(self, params, session):
        self.messages = []
        self.received = 0
        if self.connected:
            self.subscribe(TOPIC)

    def handle_info(self, msg):
        kind, payload = msg
        if kind == "message":
            self.messages = (self.messages + [payload])[-HISTORY:]
            self.received += 1


@http.get("/publish")
def publish(request):
    """Broadcasts message number `seq`; answers how many subscribers it was queued for."""
    try:
        seq = int(request.query.get("seq", "0"))
    except ValueError:
        return http.Response("seq must be an integer\n", status=400, content_type="text/plain")
    stamp = "fanout:%d:%d" % (seq, time.time_ns() // 1000)
    n = liveactor.broadcast(TOPIC, ("message", {"seq": seq, "sender": "bench", "text": "message %d" % seq,
                                                "stamp": stamp}))
    return http.Response("%d\n" % n, content_type="text/plain")


routes = {"/": Room, "/fanout": Room}
