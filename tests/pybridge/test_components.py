"""Live components through liveactor.runtime (the server's ViewRunner): cids, "c" diffs, shared
statics, send_update, events to components, two-phase removal and bad input."""

import pytest

from liveactor import LiveComponent, LiveView, event
from liveactor.component import _la_resolve
from liveactor.runtime import RuntimeCallError, ViewCrashed

import component_views
from component_views import Card

CARD_STATICS = ['<li class="card" id="card-', '">', ' (', ')<button phx-click="vote" phx-target="', '">+</button></li>']


async def test_first_render_sends_components_with_shared_statics(runtime):
    session = await runtime.create_session()
    view = await session.mount("/board")
    tree = (await view.render()).diff
    entries = tree["1"]["k"]
    assert [entries["0"]["0"], entries["1"]["0"]] == [1, 2]   # the parent holds cids
    c = tree["c"]
    assert c["1"] == {"0": "1", "1": "one", "2": "0", "3": "1", "s": CARD_STATICS, "r": 1}
    assert c["2"] == {"0": "2", "1": "two", "2": "0", "3": "2", "s": 1, "r": 1}  # statics of cid 1
    assert 'data-phx-component="1" class="card" id="card-1">one (0)' in view.html


async def test_component_event_sends_only_that_component(runtime):
    session = await runtime.create_session()
    view = await session.mount("/board")
    reply = await view.event("vote", cid=2)
    assert reply.diff == {"c": {"2": {"2": "1"}}}
    assert "two (1)" in reply.html and "one (0)" in reply.html
    # a component's push_event goes out with the view's reply
    reply = await view.event("tell_parent", cid=1)
    assert reply.effects["events"] == [["voted", {"id": 1}]]


async def test_send_update_and_parent_changes(runtime):
    session = await runtime.create_session()
    view = await session.mount("/board")
    reply = await view.event("rename", {"id": "2", "title": "deux"})
    assert reply.diff == {"c": {"2": {"1": "deux"}}}
    reply = await view.event("note", {"text": "hi"})
    assert reply.diff == {"0": "hi"}   # no component re-rendered
    # unknown target: nothing happens (logged), the view goes on
    reply = await view.event("rename", {"id": "77", "title": "x"})
    assert reply.diff == {}


async def test_removal_is_two_phase_and_destroyed_cids_are_refused(runtime):
    session = await runtime.create_session()
    view = await session.mount("/board")
    reply = await view.event("remove", {"id": "1"})
    assert reply.diff == {"1": {"k": {"0": 1, "kc": 1, "km": True}}}  # card 2 moved up; no "c"
    assert await view.destroy_components([1]) == [1]
    with pytest.raises(RuntimeCallError, match="no component with cid 1"):
        await view.event("vote", cid=1)
    with pytest.raises(RuntimeCallError, match="no component with cid 99"):
        await view.event("vote", cid=99)
    # the view keeps working; a new card reuses the statics the client holds (cid 2)
    reply = await view.event("add", {"id": "5", "title": "five"})
    assert reply.diff["c"] == {"3": {"0": "5", "1": "five", "2": "0", "3": "3", "s": -2, "r": 1}}
    assert (await view.event("vote", cid=3)).diff == {"c": {"3": {"2": "1"}}}


async def test_a_component_rendered_again_before_destroyed_stays(runtime):
    session = await runtime.create_session()
    view = await session.mount("/board")
    await view.event("remove", {"id": "2"})
    await view.components_removal("cids_will_destroy", [2])
    mounts = Card.mounts
    await view.event("add", {"id": "2", "title": "back"})   # before cids_destroyed
    assert await view.components_removal("cids_destroyed", [2]) == []
    assert Card.mounts == mounts                             # the same component, updated
    assert "back (0)" in view.html
    reply = await view.event("vote", cid=2)
    assert reply.diff == {"c": {"2": {"2": "1"}}}


async def test_components_inside_components(runtime):
    session = await runtime.create_session()
    view = await session.mount("/columns")
    tree = (await view.render()).diff
    assert sorted(tree["c"], key=int) == ["1", "2", "3", "4", "5"]   # 2 columns, 3 cards
    html = view.html
    assert html.count("data-phx-component") == 5
    reply = await view.event("move")
    # the columns re-render (their card lists changed); card "a" keeps its cid and state
    assert set(reply.diff["c"]) <= {"1", "4"}
    assert 'id="col-done"><h2>done</h2><ul><li data-phx-component="5"' in reply.html
    assert reply.html.index('id="card-3"') < reply.html.index('id="card-1"')


@pytest.mark.parametrize("which, message", [
    ("noroot", "must render exactly one root element"),
    ("dup", "duplicate id 1"),
    ("missing", "no LiveComponent subclass called Nope"),
])
async def test_component_errors_crash_with_a_clear_message(runtime, which, message):
    session = await runtime.create_session()
    with pytest.raises(ViewCrashed, match=message):
        await session.mount("/badcomponents?which=" + which)


def test_default_update_sets_assigns_and_tracks_changes():
    c = Card()
    c._la_mount()
    c._la_update({"id": 4, "title": "t"})
    changed, commands = c._la_take(False)
    assert dict(changed) == {"votes": 0, "updates": 1, "id": 4, "title": "t"}
    c._la_event("vote", {})
    assert c._la_take(False)[0] == [("votes", 1)]
    c.send_update(Card, id=9, title="x")
    assert c._la_take(False)[1] == [("send_update", "component_views.Card", 9, {"title": "x", "id": 9})]
    with pytest.raises(TypeError, match="LiveComponent class"):
        c.send_update("Card", id=1)


def test_class_lookup():
    board = component_views.Board()
    assert _la_resolve(board, "Card") == (Card, "component_views.Card")
    assert _la_resolve(board, "component_views.Column")[0] is component_views.Column
    with pytest.raises(LookupError, match="no LiveComponent subclass called Nope"):
        _la_resolve(board, "Nope")


async def test_kanban_card_keeps_its_state_across_columns(runtime):
    session = await runtime.create_session()
    view = await session.mount("/kanban")
    tree = (await view.render()).diff
    html = view.html
    assert html.count('class="card"') == 4 and html.count('class="column"') == 3
    # card 3 ("Move cards around") is in "todo"; like it (a component event), then move it
    cid = next(cid for cid, c in tree["c"].items() if c.get("0") == "3" and "1" in c and c["1"] == "Move cards around")
    reply = await view.event("like", cid=int(cid))
    assert list(reply.diff) == ["c"] and list(reply.diff["c"]) == [cid]
    reply = await view.event("move", {"id": "3", "to": "doing"})
    assert "s" not in reply.diff["c"][cid]              # only its arrows change: a diff, not a new card
    doing = reply.html[reply.html.index('id="column-doing"'):reply.html.index('id="column-done"')]
    assert 'id="card-3"' in doing and "♥ 1" in doing     # same component, likes kept
    reply = await view.event("clear_likes")
    assert reply.diff == {"c": {cid: {"3": "0"}}}     # only the liked card had likes to clear
    reply = await view.event("add", {"title": " "})
    assert "A card needs a title" in reply.html
