"""The app's views driven through liveactor.runtime: each runs as under `liveactor serve`
(an actor, native templates and diffs), with no browser and no socket."""


async def test_counter_counts(runtime):
    session = await runtime.create_session()
    view = await session.mount("/")
    assert '<span id="count">0</span>' in view.html
    # What the browser sends for a click on <button phx-click="add" phx-value-by="1">:
    for by, expected in (("1", 1), ("1", 2), ("-1", 1)):
        reply = await view.event("add", {"by": by})
        assert '<span id="count">%d</span>' % expected in reply.html
    await session.shutdown()


async def test_form_validates_then_greets(runtime):
    session = await runtime.create_session()
    view = await session.mount("/")
    reply = await view.event("validate", {"name": " "})
    assert "Please type a name." in reply.html
    reply = await view.event("greet", {"name": "Ada"})
    assert "<li>Hello, Ada!</li>" in reply.html
    assert "Please type a name." not in reply.html
    await session.shutdown()
