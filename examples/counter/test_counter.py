"""The counter example, tested as a browser would use it (see docs/testing.md)."""


async def test_buttons_change_the_count(live):
    view = await live("/counter")
    assert view.element("#count").render() == '<span id="count">0</span>'
    await view.element("button#inc").click()
    await view.element("button#inc").click()
    await view.element("button#dec").click()
    assert view.has_element("#count", text="1")


async def test_add_ten_uses_phx_value_and_shows_the_note(live):
    view = await live("/counter")
    assert not view.has_element("p.note")
    await view.element("button#add10").click()
    assert view.has_element("#count", text="10")
    assert view.has_element("p.note", text="That is a lot of clicks.")
    await view.element("button", text="reset").click()
    assert view.has_element("#count", text="0") and not view.has_element("p.note")


async def test_start_parameter_and_title(live):
    view = await live("/counter?start=41")
    await view.element("#inc").click()
    assert view.element("#count").render() == '<span id="count">42</span>'
    assert view.title == "Counter"
