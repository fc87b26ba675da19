"""Event replies to hooks (a handler's returned dict), events without a handler and flash
messages, through liveactor._native: the same ViewRunner the server runs. (The flash token's trip
through the browser is in tests/liveview and the browser tests.)"""

import pytest

from liveactor.runtime import RuntimeCallError, ViewCrashed


async def test_a_returned_dict_is_the_reply(runtime):
    session = await runtime.create_session()
    view = await session.mount("/replier")
    reply = await view.event("ask", {"q": "hi"})
    assert reply.effects["reply"] == {"n": 1, "echo": "hi"}
    assert reply.diff == {"0": "1"}
    reply = await view.event("silent")
    assert "reply" not in reply.effects and reply.diff == {"0": "2"}
    await session.shutdown()


@pytest.mark.parametrize("name,how", [("ask_async", "async"), ("ask_blocking", "blocking")])
async def test_handlers_that_wait_reply_too(runtime, name, how):
    session = await runtime.create_session()
    view = await session.mount("/replier")
    reply = await view.event(name)
    assert reply.effects["reply"] == {"n": 1, "how": how}
    await session.shutdown()


async def test_handle_event_fallback_replies(runtime):
    session = await runtime.create_session()
    view = await session.mount("/catchall")
    reply = await view.event("whatever")
    assert reply.effects["reply"] == {"handled": "whatever"}
    assert view.html == "<p>whatever</p>"
    await session.shutdown()


@pytest.mark.parametrize("name", ["a_string", "not_json"])
async def test_a_bad_reply_is_dropped_and_the_view_goes_on(runtime, name):
    session = await runtime.create_session()
    view = await session.mount("/replier")
    reply = await view.event(name)
    assert "reply" not in reply.effects
    assert reply.diff == {"0": "1"}  # the handler's changes still count
    assert (await view.event("ask")).effects["reply"]["n"] == 2
    assert view.restarts == 0
    await session.shutdown()


async def test_an_event_without_handler_is_refused_not_a_crash(runtime):
    session = await runtime.create_session()
    view = await session.mount("/replier")
    with pytest.raises(RuntimeCallError) as info:
        await view.event("nope")
    assert info.value.code == "not_found"
    assert "Replier has no handler for event 'nope'" in info.value.message
    assert (await view.event("ask")).effects["reply"]["n"] == 1
    assert view.restarts == 0 and view.alive
    await session.shutdown()


async def test_flash_put_cleared_and_cleared_by_the_client(runtime):
    session = await runtime.create_session()
    view = await session.mount("/flasher")
    assert view.html == ""  # no flash, no assign: the template reads an empty one
    await view.event("put", {"kind": "info", "message": "Saved"})
    await view.event("put", {"kind": "error", "message": "Oops"})
    assert view.html == '<p id="info">Saved</p><p id="error">Oops</p>'
    reply = await view.event("lv:clear-flash", {"key": "error"})  # the client's own event
    assert view.html == '<p id="info">Saved</p>' and "reply" not in reply.effects
    await view.event("put", {"kind": "error", "message": "Again"})
    await view.event("clear", {})
    assert view.html == ""
    await view.event("lv:clear-flash", {})  # no key: everything, and no error when empty
    await view.event("put", {"kind": "info", "message": "Kept"})
    await view.event("lv:clear-flash", {"key": {"not": "a str"}})  # bad input: nothing cleared
    await view.event("lv:clear-flash", {"key": ["info"]})
    assert view.html == '<p id="info">Kept</p>'
    assert view.restarts == 0
    await session.shutdown()


@pytest.mark.parametrize("name,kind,carried", [("live", "navigate", {"info": "Moved"}),
                                               ("full", "redirect", {"error": "Gone"})])
async def test_flash_goes_with_navigation(runtime, name, kind, carried):
    session = await runtime.create_session()
    view = await session.mount("/flasher")
    reply = await view.event(name)
    assert kind in reply.effects
    assert reply.effects["flash"] == carried  # the server signs it into the flash token
    await session.shutdown()


async def test_flash_stays_home_without_navigation(runtime):
    session = await runtime.create_session()
    view = await session.mount("/flasher")
    reply = await view.event("put", {"kind": "info", "message": "Saved"})
    assert "flash" not in reply.effects
    await session.shutdown()


async def test_a_flash_that_is_not_json_raises_at_put_flash(runtime):
    session = await runtime.create_session()
    view = await session.mount("/flasher")
    with pytest.raises(ViewCrashed, match="put_flash\\('info', …\\): the message must be JSON-able"):
        await view.event("bad")
    await session.shutdown()


async def test_todo_example_flashes(runtime):
    session = await runtime.create_session()
    view = await session.mount("/todo")
    await view.event("add", {"title": "Buy milk"})
    assert '<p id="flash" class="flash" role="status" phx-click="lv:clear-flash" phx-value-key="info">' \
           'Added “Buy milk”.</p>' in view.html
    await view.event("lv:clear-flash", {"key": "info"})
    assert 'id="flash"' not in view.html
    await view.event("delete", {"id": "1"})
    assert "Deleted “Try liveactor”." in view.html
    reply = await view.event("start_over")
    assert reply.effects["navigate"]["to"] == "/todo"
    assert reply.effects["flash"] == {"info": "Started over: 2 todos dropped."}
    # The next view arrives with it (the server hands it over in a flash token); once only.
    after = await session.mount(reply.effects["navigate"]["to"], flash=reply.effects["flash"])
    assert "Started over: 2 todos dropped." in after.html and after.html.count('<li id="todo-') == 2
    after.kill()
    assert "Started over" not in (await after.wait_restarted(1)).html
    await session.shutdown()


def test_mount_sees_the_arrived_flash():
    # What the native side passes _la_mount when a flash token came with the page.
    v = hookviews_flasher()
    v._la_mount({}, {}, True, False, {"info": "Moved"})
    assert v.arrived == {"info": "Moved"} and v.flash == {"info": "Moved"}
    assert dict(v._la_take(True)[0])["flash"] == {"info": "Moved"}
    fresh = hookviews_flasher()
    fresh._la_mount({}, {}, True, False, {})
    assert "flash" not in fresh.assigns and fresh.flash == {}
    with pytest.raises(TypeError):
        fresh.flash["x"] = 1  # the shared empty flash is read-only: use put_flash


def hookviews_flasher():
    import hookviews
    return hookviews.Flasher()
