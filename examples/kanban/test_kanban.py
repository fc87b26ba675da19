"""The kanban example through liveactor.testing: live components with their own state."""


def likes(view, card):
    return view.find("#card-%d .like" % card)[0].text


async def test_a_card_keeps_its_likes_when_it_moves(live):
    view = await live("/kanban")
    assert len(view.find(".card")) == 4
    await view.element("#card-3 .like").click()    # phx-target="{{ myself }}": the card's own event
    await view.element("#card-3 .like").click()
    assert likes(view, 3) == "♥ 2"
    assert likes(view, 4) == "♥ 0"
    await view.element("#card-3 .right").click()   # an event to the board
    assert view.has_element("#column-doing #card-3")
    assert likes(view, 3) == "♥ 2"


async def test_clear_likes_reaches_every_card(live):
    view = await live("/kanban")
    await view.element("#card-1 .like").click()
    await view.element("#clear-likes").click()     # send_update to each card
    assert likes(view, 1) == "♥ 0"


async def test_adding_needs_a_title(live):
    view = await live("/kanban")
    await view.form("#new-card", {"title": " "}).submit()
    assert view.has_element("#error")
    await view.form("#new-card", {"title": "Later"}).submit()
    assert view.has_element("#column-todo .card", text="Later")


async def test_dropping_a_card_replies_to_the_hook(live):
    view = await live("/kanban")
    await view.hook_event("drop", {"id": "4", "to": "done"})   # what the KanbanDrag hook pushes
    assert view.has_element("#column-done #card-4")
    assert view.reply == {"ok": True, "card": 4, "count": 2,
                          "message": "Moved \u201cShip it\u201d to Done (2 cards)."}
    await view.hook_event("drop", {"id": "4", "to": "nowhere"})
    assert view.reply == {"ok": False, "message": "Nothing to move there."}
    assert view.has_element("#column-done #card-4")
