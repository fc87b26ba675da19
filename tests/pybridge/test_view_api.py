"""The pure-Python API: LiveView, @event, change tracking, commands, the app loader."""

import os

import pytest

import liveactor
from liveactor import LiveView, UnknownEvent, event
from liveactor import _loader
from liveactor.view import _DELETED


class Counter(LiveView):
    template = "<p>{{ count }}</p>"
    temporary_assigns = {"rows": []}

    def mount(self, params, session):
        self.count = 0
        self.items = [1]
        self.rows = [1, 2, 3]
        self._private = "x"

    @event("inc")
    def inc(self, value):
        self.count += int(value.get("by", 1))

    @event
    def reset(self):
        self.count = 0

    @event("a")
    @event("b")
    def both(self):
        self.count = 99

    def helper(self, value):
        self.count = -1


def mounted(cls=Counter):
    v = cls()
    v._la_mount({}, {}, True)
    v._la_take(True)
    return v


def test_event_names_and_signatures():
    assert set(Counter._la_events) == {"inc", "reset", "a", "b"}
    v = mounted()
    v._la_event("inc", {"by": "5"})
    assert v.count == 5
    v._la_event("reset", {})  # bare @event, handler takes no value
    assert v.count == 0
    v._la_event("b", {})
    assert v.count == 99


def test_plain_methods_are_not_events():
    v = mounted()
    with pytest.raises(UnknownEvent, match="no handler for event 'helper'"):
        v._la_event("helper", {})
    with pytest.raises(UnknownEvent):
        v._la_event("mount", {})
    assert v.count == 0


def test_handle_event_fallback():
    class Fallback(LiveView):
        template = "x"

        def handle_event(self, name, value):
            self.last = (name, value)

    v = mounted(Fallback)
    v._la_event("anything", {"a": 1})
    assert v.last == ("anything", {"a": 1})


def test_change_tracking_only_reports_changed_assigns():
    v = Counter()
    v._la_mount({}, {}, True)
    changed, _ = v._la_take(True)
    assert dict(changed) == {"count": 0, "items": [1], "rows": [1, 2, 3]}  # no _private
    v._la_event("inc", {})
    assert v._la_take(False)[0] == [("count", 1)]
    assert v._la_take(False)[0] == []


def test_in_place_mutation_is_detected():
    v = mounted()
    v.items.append(2)
    assert v._la_take(False)[0] == [("items", [1, 2])]
    assert v._la_take(False)[0] == []


def test_mark_changed_and_delete():
    v = mounted()
    v.mark_changed("count")
    assert v._la_take(False)[0] == [("count", 0)]
    del v.count
    assert v._la_take(False)[0] == [("count", _DELETED)]
    with pytest.raises(ValueError):
        v.mark_changed("_private")


def test_private_and_reserved_names_are_not_assigns():
    v = mounted()
    v._secret = 1
    v.template = "<p>other</p>"
    assert v._la_take(False)[0] == []
    assert "template" not in v.assigns and "_secret" not in v.assigns
    assert Counter._la_template(v) == ("inline", "<p>other</p>")


def test_commands_are_queued_in_order():
    v = mounted()
    v.page_title = "T"
    v.push_event("e", {"x": 1})
    v.push_patch("/p", replace=True)
    v.push_redirect("/r")
    v.redirect("https://example.com")
    t = v.send_after(10, "msg")
    v.cancel_timer(t)
    v.subscribe("topic")
    v.unsubscribe("topic")
    changed, commands = v._la_take(False)
    assert changed == [("page_title", "T")]  # page_title is also an assign
    assert commands == [("title", "T"), ("push_event", "e", {"x": 1}), ("push_patch", "/p", True),
                        ("push_redirect", "/r", False), ("redirect", "https://example.com"),
                        ("send_after", t, 10, "msg"), ("cancel_timer", t), ("subscribe", "topic"),
                        ("unsubscribe", "topic")]
    assert v._la_take(False)[1] == []
    with pytest.raises(ValueError):
        v.send_after(-1, "x")


def test_temporary_assigns_reset_after_render():
    v = mounted()
    assert v._la_rendered() == [("rows", [])]
    assert v.rows == [] and v._la_take(False)[0] == []  # reset is not a change
    v.rows.append(9)
    assert v._la_take(False)[0] == [("rows", [9])]


def test_temporary_assigns_must_be_a_dict():
    with pytest.raises(TypeError, match="temporary_assigns"):
        class Bad(LiveView):
            temporary_assigns = ["rows"]


def test_template_required():
    class NoTemplate(LiveView):
        pass

    with pytest.raises(TypeError, match="neither template nor template_name"):
        NoTemplate._la_template(NoTemplate())


def test_subclass_init_without_super():
    class Own(LiveView):
        template = "x"

        def __init__(self):
            self.ready = True

    v = Own()
    assert v._la_take(True)[0] == [("ready", True)]


def test_broadcast_without_runtime_raises_when_no_host():
    from liveactor import _host
    old = _host.install(None)
    try:
        with pytest.raises(_host.NoRuntime):
            liveactor.broadcast("t", 1)
        with pytest.raises(TypeError):
            _host.install(type("H", (), {"broadcast": lambda self, t, m: 1})())
            liveactor.broadcast(1, 1)
    finally:
        _host.install(old)


def test_mark_safe():
    s = liveactor.mark_safe("<b>")
    assert s == "<b>" and s.__html__() == "<b>"


EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "examples")


def test_loader_reads_the_examples_index():
    info = _loader.load(os.path.join(EXAMPLES, "app.py"))
    assert [p for p, _ in info["routes"]] == ["/", "/counter", "/todo", "/chat", "/clock", "/dashboard",
                                             "/feed", "/kanban", "/notes", "/me", "/members", "/gallery"]
    todo = dict(info["routes"])["/todo"]
    dirs = _loader.template_dirs_for(todo, info["template_dirs"])
    assert dirs[0].endswith(os.path.join("todo", "templates"))
    assert os.path.join(EXAMPLES, "templates") in dirs


@pytest.mark.parametrize("spec,match", [
    ("/nonexistent/app.py", "app file not found"),
    ("views:nothing", "has no 'nothing'"),
    ("views:Echo", "must be a non-empty dict"),
    ("views:bad attr", "invalid attribute"),
])
def test_loader_errors(spec, match):
    with pytest.raises(_loader.AppError, match=match):
        _loader.load(spec)


def test_loader_rejects_non_views(tmp_path):
    app = tmp_path / "bad.py"
    app.write_text("routes = {'/': int}\n")
    with pytest.raises(_loader.AppError, match="is not a LiveView subclass"):
        _loader.load(str(app))
    app.write_text("from liveactor import LiveView\nclass V(LiveView):\n template='x'\nroutes = {'nope': V}\n")
    with pytest.raises(_loader.AppError, match="starting with '/'"):
        _loader.load(str(app))


def test_reload_reimports_app_modules_but_not_liveactor(tmp_path):
    (tmp_path / "helper.py").write_text("GREETING = 'v1'\n")
    app = tmp_path / "reloadapp.py"
    app.write_text("from liveactor import LiveView\nimport helper\n"
                   "class V(LiveView):\n    template = helper.GREETING\nroutes = {'/': V}\n")
    first = _loader.load(str(app))
    assert first["routes"][0][1].template == "v1"
    (tmp_path / "helper.py").write_text("GREETING = 'v2'\n")  # same size, same second
    import liveactor.view as view_module
    second = _loader.load(str(app), reload=True)
    assert second["routes"][0][1].template == "v2"
    import liveactor.view as view_after
    assert view_after is view_module
