"""liveactor._native through liveactor.runtime: views as actors, driven from asyncio — the
runtime's own behaviour (diffs, restarts, pushes, pub/sub, budgets). What a view shows is tested
with liveactor.testing in test_views.py and in the examples' own tests."""

import asyncio

import pytest

from liveactor.runtime import RuntimeCallError, ViewCrashed


async def eventually(condition, limit=10.0):
    """Waits until condition() holds (the runtime reports exits asynchronously); fails after
    `limit` seconds, which only a hang reaches."""
    deadline = asyncio.get_running_loop().time() + limit
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the condition never held"
        await asyncio.sleep(0.005)


async def test_lifecycle_counter(runtime):
    session = await runtime.create_session()
    view = await session.mount("/counter")
    assert '<span id="count">0</span>' in view.html
    reply = await view.event("inc")
    assert '<span id="count">1</span>' in reply.html
    # only the dynamics that read `count` are sent
    assert set(reply.diff) == {"0"}
    reply = await view.event("add", {"by": "10"})
    assert '<span id="count">11</span>' in reply.html
    assert "That is a lot of clicks." in reply.html
    reply = await view.event("reset")
    assert '<span id="count">0</span>' in reply.html
    await session.shutdown()


async def test_exception_crashes_the_view_which_restarts_with_traceback(runtime):
    session = await runtime.create_session()
    view = await session.mount("/crashy")
    await view.event("inc")
    assert view.html == "<p>1</p>"
    first_id = view.id
    with pytest.raises(ViewCrashed) as info:
        await view.event("boom", {"why": "testing"})
    tb = info.value.traceback
    assert "Traceback (most recent call last):" in tb
    assert "in _explode" in tb and "RuntimeError: exploded: testing" in tb
    assert view.last_crash == tb or "RuntimeError: exploded: testing" in view.last_crash
    reply = await view.wait_restarted(1)
    assert reply.html == "<p>0</p>"          # a fresh mount
    assert view.id == first_id and view.incarnation == 1  # the same actor, restarted
    assert (await view.event("inc")).html == "<p>1</p>"


async def test_restart_limit(runtime):
    session = await runtime.create_session()
    view = await session.mount("/crashy")
    for i in range(4):  # restart_limit=3 in conftest
        with pytest.raises(RuntimeCallError):
            await view.event("boom")
        if i < 3:
            await view.wait_restarted(i + 1)
    await eventually(lambda: view.gave_up)
    assert not view.alive


async def test_killed_view_restarts(runtime):
    session = await runtime.create_session()
    view = await session.mount("/counter")
    await view.event("inc")
    view.kill()
    reply = await view.wait_restarted(1)
    assert '<span id="count">0</span>' in reply.html
    assert "killed" in view.last_crash


async def test_unsupported_assign_names_it(runtime):
    session = await runtime.create_session()
    view = await session.mount("/bad")
    with pytest.raises(ViewCrashed) as info:
        await view.event("bad")
    assert "assign 'blob.rows[1]': unsupported type bytes" in info.value.message


async def test_mount_crash(runtime):
    import views

    class MountFails(views.Crashy):
        def mount(self, params, session):
            raise KeyError("nope")

    runtime._rt.route("/mountfails", MountFails)
    session = await runtime.create_session()
    with pytest.raises(ViewCrashed, match="KeyError: 'nope'"):
        await session.mount("/mountfails")


async def test_timers_push_diffs(runtime):
    session = await runtime.create_session()
    view = await session.mount("/ticker?limit=3")
    seen = []
    for _ in range(3):
        key, push = await session.next_push(2.0)
        assert key == view.key
        seen.append(push.html)
    assert seen == ["<p>1</p>", "<p>2</p>", "<p>3</p>"]
    with pytest.raises(asyncio.TimeoutError):
        await session.next_push(0.2)


async def test_pubsub_between_two_sessions(runtime):
    alice, bob = await runtime.create_session(), await runtime.create_session()
    va = await alice.mount("/room/lobby")
    vb = await bob.mount("/room/lobby")
    other = await (await runtime.create_session()).mount("/room/elsewhere")
    assert runtime.subscribers("room:lobby") == 2
    await va.event("say", {"text": "hello bob"})
    _, push = await bob.next_push(2.0)
    assert push.html == "<ul><li>hello bob</li></ul>"
    _, own = await alice.next_push(2.0)  # the sender is subscribed too
    assert own.html == "<ul><li>hello bob</li></ul>"
    # from outside any view
    assert runtime.broadcast("room:lobby", "from the runtime") == 2
    _, push = await bob.next_push(2.0)
    assert push.html == "<ul><li>hello bob</li><li>from the runtime</li></ul>"
    assert other.html == "<ul></ul>"


async def test_keyed_list_from_template_file(runtime):
    session = await runtime.create_session()
    view = await session.mount("/file")
    assert view.html.strip() == "<h2>file</h2><i>one</i><i>two</i>"
    reply = await view.event("rotate")
    assert reply.html.strip() == "<h2>file</h2><i>two</i><i>one</i>"
    assert "0" not in reply.diff  # the heading did not change, so it is not sent


async def test_dashboard_temporary_assigns(runtime):
    session = await runtime.create_session()
    view = await session.mount("/dashboard")
    assert view.html.count("<tr id=\"row-") == 500
    key, push = await session.next_push(3.0)  # the 1 s sampler
    assert 'id="samples">1<' in push.html
    assert push.html.count("<tr id=\"row-") == 500  # still on the page...
    assert "'kc'" not in str(push.diff)              # ...but the table is not re-sent
    reply = await view.event("page", {"step": "1"})
    assert '<tr id="row-501">' in reply.html and "'kc': 500" in str(reply.diff)
    reply = await view.event("sort", {"column": "rps"})
    assert reply.html.count("<tr id=\"row-") == 500


async def test_runaway_handler_is_interrupted_and_others_keep_going(runtime):
    s1, s2 = await runtime.create_session(), await runtime.create_session()
    spinner = await s1.mount("/spinner")
    counters = [await s2.mount("/counter") for _ in range(2)]
    before = runtime.stats()
    spin = asyncio.ensure_future(spinner.event("spin", timeout=5.0))
    await asyncio.sleep(0.05)
    # other views are served while the spinner runs (the GIL is handed over every 5 ms)
    replies = await asyncio.gather(*(c.event("inc") for c in counters))
    assert all('<span id="count">1</span>' in r.html for r in replies)
    assert not spin.done()
    with pytest.raises(ViewCrashed, match="HandlerTimeout"):
        await spin
    after = runtime.stats()
    assert after["interrupted"] == before["interrupted"] + 1
    assert after["over_budget"] >= before["over_budget"] + 1
    await spinner.wait_restarted(1)
    assert (await spinner.event("inc")).html == "<p>1</p>"


async def test_a_handler_that_catches_the_timeout_is_interrupted_again(runtime):
    """HandlerTimeout is raised again while the call goes on: catching it does not escape the
    limit (before, it was raised once and this handler spun until the end of the process)."""
    session = await runtime.create_session()
    spinner = await session.mount("/spinner")
    before = runtime.stats()
    with pytest.raises(ViewCrashed, match="HandlerTimeout"):
        await spinner.event("stubborn", timeout=60.0)
    assert runtime.stats()["interrupted"] == before["interrupted"] + 1  # one call, raised four times
    await spinner.wait_restarted(1)
    assert (await spinner.event("inc")).html == "<p>1</p>"


async def test_ping_and_shutdown(runtime):
    session = await runtime.create_session()
    view = await session.mount("/counter")
    rtt = await session.ping()
    assert isinstance(rtt, int) and rtt >= 0
    await session.shutdown()
    assert not session.alive
    await eventually(lambda: not view.alive)
    assert view.restarts == 0
    with pytest.raises(RuntimeCallError) as info:
        await view.event("inc", timeout=1.0)
    assert info.value.code == "closed"


async def test_hundred_concurrent_sessions(runtime):
    sessions = await asyncio.gather(*(runtime.create_session() for _ in range(100)))
    views = await asyncio.gather(*(s.mount("/counter") for s in sessions))

    async def click(view, n):
        for _ in range(n):
            await view.event("inc")
        return view.html

    pages = await asyncio.gather(*(click(v, 10) for v in views))
    assert all('<span id="count">10</span>' in p for p in pages)
    await asyncio.gather(*(s.shutdown() for s in sessions))
    assert not any(s.alive for s in sessions)
