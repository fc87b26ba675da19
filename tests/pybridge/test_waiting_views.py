"""While handlers wait — a blocking call on the worker pool, a coroutine on the asyncio loop —
every other view answers and new ones mount. The waits end when the test opens their gates
(gates.py), not after a sleep, so nothing here depends on how fast the machine is."""

import asyncio

import pytest

import views
from gates import Gates


@pytest.fixture
def liveactor_app():
    return {"/waiter": views.Waiter}


@pytest.mark.liveactor_runtime(executors=2, handler_timeout_ms=60000)
async def test_waiting_handlers_do_not_stall_other_views(live, tmp_path):
    gates = Gates(tmp_path)
    waiters = [await live("/waiter") for _ in range(3)]
    healthy = [await live("/waiter") for _ in range(2)]
    slow = [asyncio.ensure_future(waiters[0].hook_event("hold", {"gate": gates.path("b1")}, timeout=60)),
            asyncio.ensure_future(waiters[1].hook_event("hold", {"gate": gates.path("b2")}, timeout=60)),
            asyncio.ensure_future(waiters[2].hook_event("await_gate", {"gate": gates.path("a1")}, timeout=60))]
    # Two blocking waits: as many as there are executors, so a wait that held one would stall
    # the others' views.
    await asyncio.to_thread(gates.wait_entered, ["b1", "b2", "a1"])
    for _ in range(20):
        await asyncio.gather(*(v.hook_event("inc") for v in healthy))
    assert all(v.has_element("p", text="20|") for v in healthy)
    newcomer = await live("/waiter")             # mounts meanwhile
    await newcomer.hook_event("inc")
    assert newcomer.html() == "<p>1|</p>"
    assert not any(f.done() for f in slow)
    gates.open(["b1", "b2", "a1"])
    await asyncio.gather(*slow)
    assert [w.html() for w in waiters] == ["<p>0|held</p>", "<p>0|held</p>", "<p>0|awaited</p>"]
