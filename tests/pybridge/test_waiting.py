"""Callbacks that wait never hold an executor: blocking handlers on the worker pool, async def
on the runtime's asyncio loop, async assigns; per-view order is kept and timeouts crash.
(That other views answer meanwhile: test_waiting_views.py.)"""

import asyncio

import pytest

from liveactor.runtime import ViewCrashed


@pytest.fixture(scope="module", autouse=True)
def routes(runtime):
    import views
    runtime._rt.route("/waiter", views.Waiter)
    runtime._rt.route("/asyncs", views.Asyncs)


async def test_order_is_kept_per_view(runtime):
    session = await runtime.create_session()
    view = await session.mount("/waiter")
    first = asyncio.ensure_future(view.event("sleep", {"s": "0.3"}))
    await asyncio.sleep(0.02)
    second = asyncio.ensure_future(view.event("inc"))
    r2 = await second
    assert first.done()                     # the later event waited for the earlier one
    assert (await first).html == "<p>0|slept</p>"
    assert r2.html == "<p>1|slept</p>"


async def test_async_exception_crashes_with_traceback(runtime):
    session = await runtime.create_session()
    view = await session.mount("/waiter")
    with pytest.raises(ViewCrashed, match="ValueError: async boom"):
        await view.event("nap_fail")
    await view.wait_restarted(1)


async def test_coroutine_past_the_limit_is_cancelled(runtime):
    session = await runtime.create_session()   # handler_timeout_ms=400 in conftest
    view = await session.mount("/waiter")
    with pytest.raises(ViewCrashed, match="HandlerTimeout"):
        await view.event("nap", {"s": "3"})
    await view.wait_restarted(1)
    assert (await view.event("inc")).html == "<p>1|</p>"


async def test_blocking_past_the_limit_is_interrupted(runtime):
    session = await runtime.create_session()
    view = await session.mount("/waiter")
    before = runtime.stats()["handler_timeouts"]
    with pytest.raises(ViewCrashed, match="HandlerTimeout"):
        await view.event("sleep", {"s": "1.0"})   # time.sleep returns to Python early: interrupted
    assert runtime.stats()["handler_timeouts"] == before + 1


async def test_auto_policy_learns_a_slow_handler(runtime):
    from liveactor import _work
    import views
    session = await runtime.create_session()
    view = await session.mount("/waiter")
    before = _work.stats()["learned_blocking"]
    await view.event("dawdle")
    assert "dawdle" in views.Waiter._la_slow
    assert _work.stats()["learned_blocking"] == before + 1
    assert (await view.event("dawdle")).html == "<p>0|</p>"   # now on the pool


async def test_assign_async_loading_then_result(runtime):
    session = await runtime.create_session()
    view = await session.mount("/asyncs")
    assert view.html == "<p>loading|</p>"
    _, push = await session.next_push(3.0)
    assert push.html == "<p>3 orders|</p>"


async def test_assign_async_failure(runtime):
    session = await runtime.create_session()
    view = await session.mount("/asyncs?fail=1")
    _, push = await session.next_push(3.0)
    assert push.html == "<p>failed: RuntimeError: no orders|</p>"


async def test_start_async_and_cancel(runtime):
    session = await runtime.create_session()
    view = await session.mount("/asyncs")
    await session.next_push(3.0)            # the orders
    await view.event("go_and_cancel")
    await view.event("go")
    _, push = await session.next_push(3.0)
    assert push.html == "<p>3 orders|answer=42</p>"
    with pytest.raises(asyncio.TimeoutError):
        await session.next_push(0.3)        # the cancelled task never reports

