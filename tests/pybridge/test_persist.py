"""The pure-Python side of views that resume: persist declarations, records, fingerprints."""

import json

import pytest

from liveactor import LiveView, event
from liveactor import _persist


class Counter(LiveView):
    template = "<p>{{ count }}</p>"
    persist = ["count", "items"]

    def mount(self, params, session):
        self.count = 0
        self.items = []
        self.label = "not kept"

    @event
    def inc(self):
        self.count += 1


class Everything(LiveView):
    template = "<p>{{ a }}</p>"
    persist = True

    def mount(self, params, session):
        self.a = 1
        self.sock = object()  # not JSON-able: left out
        self._secret = "private"


class Plain(LiveView):
    template = "<p></p>"


def mounted(cls):
    v = cls()
    v._la_mount({}, {}, True)
    v._la_take(True)
    return v


def test_record_keeps_declared_assigns_only():
    v = mounted(Counter)
    v.count = 7
    v.items = [1, 2]
    rec = json.loads(v._la_persisted())
    assert rec["state"] == {"count": 7, "items": [1, 2]}
    assert rec["fp"] == _persist.fingerprint(Counter)


def test_persist_true_keeps_jsonable_public_assigns():
    rec = json.loads(mounted(Everything)._la_persisted())
    assert rec["state"] == {"a": 1}


def test_no_persist_no_record():
    assert mounted(Plain)._la_persisted() is None
    assert mounted(Plain)._la_resume('{"v":1}') is False


def test_resume_after_mount_restores_and_marks_changed():
    old = mounted(Counter)
    old.count = 7
    text = old._la_persisted()
    new = mounted(Counter)
    assert new._la_resume(text) is True
    assert new.count == 7 and new.label == "not kept"
    changed, _ = new._la_take(False)
    assert ("count", 7) in changed  # the resumed assigns go out with the first render
    new._la_event("inc", {})
    assert new.count == 8


def test_custom_resume_hook():
    class Custom(Counter):
        def resume(self, state):
            self.count = state["count"] * 10

    old = mounted(Custom)
    old.count = 2
    new = mounted(Custom)
    assert new._la_resume(old._la_persisted())
    assert new.count == 20


def test_other_fingerprint_or_damaged_record_is_ignored():
    old = mounted(Counter)
    old.count = 7
    rec = json.loads(old._la_persisted())
    rec["fp"] = "0" * 32
    new = mounted(Counter)
    assert new._la_resume(json.dumps(rec)) is False
    for bad in ("", "not json", "[]", '{"v":1,"fp":"x"}', b"\xff"):
        assert new._la_resume(bad) is False
    assert new.count == 0


def test_fingerprint_changes_with_template_and_source():
    class A(LiveView):
        template = "<p>1</p>"
        persist = True

    class B(LiveView):
        template = "<p>2</p>"
        persist = True

    assert _persist.fingerprint(A) != _persist.fingerprint(B)
    assert _persist.fingerprint(Counter) == _persist.fingerprint(Counter)


def test_explicit_non_jsonable_assign_is_a_clear_error():
    v = mounted(Counter)
    v.items = object()
    with pytest.raises(TypeError, match="not JSON-able"):
        v._la_persisted()


@pytest.mark.parametrize("spec", ["count", [1], ["_private"], {"count": 1}])
def test_bad_declarations_are_rejected(spec):
    with pytest.raises(TypeError, match="persist"):
        type("Bad", (LiveView,), {"template": "", "persist": spec})


def test_persist_is_not_an_assign():
    assert "persist" not in mounted(Counter).assigns


def test_a_new_record_only_when_a_kept_assign_changed():
    # The runtime asks after each handled message, in the handler's own GIL hold (after _la_take).
    v = Counter()
    v._la_mount({}, {}, True)
    v._la_take(True)
    assert json.loads(v._la_persisted_changed())["state"] == {"count": 0, "items": []}  # the first one
    assert v._la_persisted_changed() is None
    v.label = "changed, not kept"
    v._la_take(False)
    assert v._la_persisted_changed() is None
    v._la_event("inc", {})
    v._la_take(False)
    assert json.loads(v._la_persisted_changed())["state"]["count"] == 1
    v.items.append("in place")  # no assignment: the snapshot _la_take keeps sees it
    v._la_take(False)
    assert json.loads(v._la_persisted_changed())["state"]["items"] == ["in place"]
    assert v._la_take(False) and v._la_persisted_changed() is None
    v.items[0] = {"deep": 1}
    v._la_take(False)
    v.items[0]["deep"] = 2  # deep inside: only mark_changed tells (as for the render)
    v.mark_changed("items")
    v._la_take(False)
    assert json.loads(v._la_persisted_changed())["state"]["items"] == [{"deep": 2}]


def test_persist_true_with_anything_changed_and_temporaries_as_the_page_keeps_them():
    class Chat(LiveView):
        template = "<p>{{ n }}</p>"
        persist = True
        temporary_assigns = {"messages": []}

        def mount(self, params, session):
            self.n = 0
            self.messages = []

    v = Chat()
    v._la_mount({}, {}, True)
    v._la_take(True)
    v._la_persisted_changed()
    v.messages = ["hello"]  # reset after the render: a resumed page must not show it again
    v.n = 1
    v.conn = object()       # not JSON-able: left out
    v._la_take(False)
    assert json.loads(v._la_persisted_changed())["state"] == {"n": 1, "messages": []}


def test_subclass_inherits_what_persist_keeps():
    class More(Counter):
        pass

    v = mounted(More)
    v.count = 3
    v._la_take(False)
    assert json.loads(v._la_persisted_changed())["state"]["count"] == 3
