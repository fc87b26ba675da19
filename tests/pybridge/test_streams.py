"""Streams: the Python API (what a render sends, what the view keeps) and the wire through the
in-process runtime (joins and diffs carry each item once with the "stream" tuple)."""

import dataclasses

import pytest

from liveactor import LiveView, event
from liveactor._streams import StreamBatch
from liveactor.runtime import ViewCrashed


@dataclasses.dataclass
class Msg:
    id: int
    text: str


class Feed(LiveView):
    template = ('<h1>{{ title }}</h1><ul id="msgs" phx-update="stream">'
                '{% for dom_id, m in streams.messages %}<li id="{{ dom_id }}">{{ m.text }}</li>{% endfor %}</ul>')

    def mount(self, params, session):
        self.title = "Feed"
        self.next_id = 3
        self.stream("messages", [Msg(1, "one"), Msg(2, "two")])

    @event
    def add(self, value):
        self.stream_insert("messages", Msg(self.next_id, value.get("text", "new")), at=int(value.get("at", -1)))
        self.next_id += 1

    @event
    def add_many(self, value):
        n = int(value["n"])
        self.stream("messages", [Msg(self.next_id + i, "m%d" % i) for i in range(n)])
        self.next_id += n

    @event
    def drop(self, value):
        self.stream_delete_by_dom_id("messages", value["id"])

    @event
    def drop_item(self, value):
        self.stream_delete("messages", Msg(int(value["id"]), ""))

    @event
    def reset(self):
        self.stream("messages", [Msg(100, "fresh")], reset=True)

    @event
    def retitle(self, value):
        self.title = value["title"]

    @event
    def bad_at(self):
        self.stream_insert("messages", Msg(1, "x"), at="top")

    @event
    def no_id(self):
        self.stream("messages", [{"text": "no id"}])

    @event
    def bytes_item(self):
        self.stream_insert("messages", {"id": 7, "text": b"raw"})


def mounted(cls=Feed):
    v = cls()
    v._la_mount({}, {}, True)
    v._la_take(True)
    return v


def batch(v, name="messages"):
    return v.streams[name]


# ---- the Python API


def test_stream_queues_inserts_with_default_dom_ids():
    v = Feed()
    v._la_mount({}, {}, True)
    changed, commands = v._la_take(True)
    b = dict(changed)["streams"]["messages"]
    assert isinstance(b, StreamBatch) and b.ref == "0"
    assert [(i[0], i[2], i[3], i[4]) for i in b.inserts] == [("messages-1", -1, None, False),
                                                            ("messages-2", -1, None, False)]
    assert ("temporaries",) in commands  # the runtime resets streams after each render


def test_render_forgets_the_batch_and_is_not_a_change():
    v = mounted()
    reset = v._la_rendered()
    assert [name for name, _ in reset] == ["streams"]
    assert batch(v).inserts == [] and batch(v).deletes == [] and not batch(v).reset
    assert batch(v).ref == "0"
    assert v._la_take(False)[0] == []  # nothing queued: nothing to send
    v._la_event("add", {"text": "hi"})
    changed = dict(v._la_take(False)[0])
    assert [i[0] for i in changed["streams"]["messages"].inserts] == ["messages-3"]


def test_views_without_streams_reset_nothing():
    class Plain(LiveView):
        template = "x"

    assert mounted(Plain)._la_rendered() == []


def test_later_insert_of_an_id_replaces_the_earlier_and_delete_drops_it():
    v = mounted()
    v._la_rendered()
    v.stream_insert("messages", Msg(5, "a"))
    v.stream_insert("messages", Msg(6, "b"))
    v.stream_insert("messages", Msg(5, "a2"), at=0)
    assert [(i[0], i[1].text, i[2]) for i in batch(v).inserts] == [("messages-6", "b", -1), ("messages-5", "a2", 0)]
    v.stream_delete("messages", Msg(6, ""))
    v.stream_delete_by_dom_id("messages", "messages-6")
    assert [i[0] for i in batch(v).inserts] == ["messages-5"]
    assert batch(v).deletes == ["messages-6"]


def test_reset_drops_what_was_queued():
    v = mounted()
    v.stream_delete_by_dom_id("messages", "messages-1")
    v.stream("messages", [Msg(9, "nine")], reset=True)
    b = batch(v)
    assert b.reset and b.deletes == [] and [i[0] for i in b.inserts] == ["messages-9"]


def test_items_the_limit_drops_at_once_are_not_sent():
    v = mounted()
    v._la_rendered()
    v.stream("messages", [Msg(i, "") for i in range(10, 20)], limit=-3)
    assert [i[0] for i in batch(v).inserts] == ["messages-17", "messages-18", "messages-19"]
    v._la_rendered()
    v.stream("messages", [Msg(i, "") for i in range(20, 25)], at=0, limit=2)
    assert [i[0] for i in batch(v).inserts] == ["messages-23", "messages-24"]
    v._la_rendered()
    v.stream("messages", [Msg(i, "") for i in range(30, 35)], limit=2)  # appends keeping the first 2
    assert len(batch(v).inserts) == 5  # which survive depends on what the client has: all sent


def test_stream_configure_dom_id():
    class Custom(LiveView):
        template = "x"

        def mount(self, params, session):
            self.stream_configure("rows", dom_id=lambda row: "row-%s" % row["key"])
            self.stream("rows", [{"key": "a"}, {"key": "b"}])
            self.stream("other", [])

    v = mounted(Custom)
    assert [i[0] for i in batch(v, "rows").inserts] == ["row-a", "row-b"]
    assert batch(v, "other").ref == "1"
    with pytest.raises(ValueError, match="already in use"):
        v.stream_configure("rows", dom_id=str)


@pytest.mark.parametrize("call, error, message", [
    (lambda v: v.stream("", []), TypeError, "non-empty str"),
    (lambda v: v.stream(3, []), TypeError, "non-empty str"),
    (lambda v: v.stream("messages", "abc"), TypeError, "items must be a list"),
    (lambda v: v.stream("messages", {"id": 1}), TypeError, "items must be a list"),
    (lambda v: v.stream("messages", 5), TypeError, "items must be a list"),
    (lambda v: v.stream("messages", [], at=-2), ValueError, "at= must be an int >= -1"),
    (lambda v: v.stream("messages", [], at=True), ValueError, "at= must be an int"),
    (lambda v: v.stream("messages", [], limit="5"), ValueError, "limit= must be None or an int"),
    (lambda v: v.stream("messages", [], reset="yes"), TypeError, "reset= must be a bool"),
    (lambda v: v.stream("messages", [Msg(50, "ok"), object()]), ValueError, "has no id"),
    (lambda v: v.stream_insert("messages", {"text": "x"}), ValueError, "stream_configure"),
    (lambda v: v.stream_delete_by_dom_id("messages", None), TypeError, "dom_id must be a non-empty str"),
    (lambda v: v.stream_configure("x", dom_id="id"), TypeError, "must be callable"),
])
def test_malformed_calls_raise_clear_errors_and_queue_nothing(call, error, message):
    v = mounted()
    v._la_rendered()
    with pytest.raises(error, match=message):
        call(v)
    assert batch(v).inserts == [] and batch(v).deletes == []  # all or nothing


def test_dom_id_function_must_return_a_str():
    v = mounted()
    v.stream_configure("nums", dom_id=lambda n: n)
    with pytest.raises(ValueError, match="returned 5, not a non-empty str"):
        v.stream_insert("nums", 5)


# ---- through the runtime


@pytest.fixture(scope="module")
def feed_route(runtime):
    runtime._rt.route("/streamfeed", Feed)
    return "/streamfeed"


def stream_comp(diff):
    """The stream comprehension in a Feed diff (dynamic 1 of the root)."""
    return diff["1"]


async def test_diffs_send_each_item_once(runtime, feed_route):
    session = await runtime.create_session()
    view = await session.mount(feed_route)
    # the join sent the first two items (tests/template's wireShapes pins that form); the server
    # kept nothing of them: a full render now has an empty stream with its statics
    comp = stream_comp(view.rendered)
    assert comp["k"] == {"kc": 0} and comp["stream"] == ["0", [], []] and "s" in comp

    reply = await view.event("add", {"text": "three", "at": "0"})
    comp = stream_comp(reply.diff)
    assert comp == {"k": {"0": {"0": "messages-3", "1": "three"}, "kc": 1},
                    "stream": ["0", [["messages-3", 0, None, False]], []]}
    assert set(reply.diff) == {"1"}

    reply = await view.event("retitle", {"title": "News"})
    assert reply.diff == {"0": "News"}  # the stream is not sent again

    reply = await view.event("drop", {"id": "messages-1"})
    assert stream_comp(reply.diff) == {"k": {"kc": 0}, "stream": ["0", [], ["messages-1"]]}
    reply = await view.event("drop_item", {"id": "2"})
    assert stream_comp(reply.diff)["stream"] == ["0", [], ["messages-2"]]

    reply = await view.event("reset")
    assert stream_comp(reply.diff) == {"k": {"0": {"0": "messages-100", "1": "fresh"}, "kc": 1},
                                       "stream": ["0", [["messages-100", -1, None, False]], [], True]}
    await session.shutdown()


async def test_many_items_are_sent_and_not_kept(runtime, feed_route):
    session = await runtime.create_session()
    view = await session.mount(feed_route)
    reply = await view.event("add_many", {"n": 500})
    comp = stream_comp(reply.diff)
    assert comp["k"]["kc"] == 500 and len(comp["stream"][1]) == 500
    # the server's tree has nothing left of them: a full render shows an empty stream
    full = await view.render()
    assert stream_comp(full.diff)["k"] == {"kc": 0}
    assert stream_comp(full.diff)["stream"] == ["0", [], []]
    assert "<li" not in full.html
    await session.shutdown()


@pytest.mark.parametrize("name, message", [
    ("bad_at", "at= must be an int >= -1"),
    ("no_id", "has no id"),
    ("bytes_item", "assign 'streams.messages[messages-7].text': unsupported type bytes"),
])
async def test_bad_stream_calls_crash_with_a_clear_error_and_the_view_comes_back(runtime, feed_route, name, message):
    session = await runtime.create_session()
    view = await session.mount(feed_route)
    with pytest.raises(ViewCrashed) as info:
        await view.event(name)
    assert message in info.value.message
    await view.wait_restarted(1)
    reply = await view.event("add", {"text": "after"})
    assert stream_comp(reply.diff)["stream"][1] == [["messages-3", -1, None, False]]
    await session.shutdown()
