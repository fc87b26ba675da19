"""The chat example: messages reach every tab through pub/sub. The history is module state
(shared by the tests of a run, as by the tabs of one server), so the tests look at their own
messages only."""

import uuid


async def test_a_message_reaches_the_other_tab(live):
    ann, bob = await live("/chat?name=ann"), await live("/chat?name=bob")
    text = "hi <bob> " + uuid.uuid4().hex
    await ann.form("#send", {"text": text}).submit()
    await bob.next_render(timeout=5.0)
    line = bob.element("#messages li", text=text)
    assert line.render().count('<b class="from">ann</b>') == 1
    assert "hi &lt;bob&gt;" in line.render()     # escaped
    await ann.next_render(timeout=5.0)               # the sender's own broadcast comes back too
    assert ann.has_element("#messages li", text=text)
    # The sender's message box is a new, empty element (the browser drops what was typed).
    assert ann.has_element("#send input#text-1[name=text]")
    assert not ann.has_element("#send input#text-0")


async def test_the_name_field_renames_the_sender(live):
    tab = await live("/chat?name=ann")
    text = "renamed " + uuid.uuid4().hex
    await tab.form("#send", {"name": "annie", "text": text}).submit()
    await tab.next_render(timeout=5.0)               # its own broadcast comes back
    assert tab.element("#messages li", text=text).render().count('<b class="from">annie</b>') == 1
    assert tab.element("#name").render().count('value="annie"') == 1


async def test_empty_messages_are_not_sent(live):
    tab = await live("/chat")
    before = len(tab.find("#messages li"))
    await tab.form("#send", {"text": "   "}).submit()
    assert len(tab.find("#messages li")) == before
    assert tab.has_element("#send input#text-0")  # nothing sent: the box stays as it is
    assert tab.find("#name")[0].get("value").startswith("guest-")


async def test_newcomers_see_the_history(live):
    ann = await live("/chat?name=ann")
    text = "for later " + uuid.uuid4().hex
    await ann.form("#send", {"text": text}).submit()
    await ann.next_render(timeout=5.0)
    later = await live("/chat?name=cy")
    assert later.has_element("#messages li", text=text)


async def test_the_activity_sidebar_is_a_nested_view(live):
    tab = await live("/chat")
    # its container only: the browser joins the sidebar on its own topic (see Activity)
    sidebar = tab.find("#activity")[0]
    assert sidebar.get("data-phx-parent-id") and sidebar.get("data-phx-session")
    assert not tab.has_element("#activity .count")
