"""The todo example through liveactor.testing: forms, a keyed list, live patches."""

from liveactor.testing import assert_patch


def titles(view):
    return [el.text for el in view.find("#todos li span.title")]


async def test_starts_with_two_open_todos(live):
    view = await live("/todo")
    assert titles(view) == ["Try liveactor", "Write a view"]
    assert view.has_element("#remaining", text="2 items left")
    assert not view.has_element("#clear")


async def test_typing_validates_the_title(live):
    view = await live("/todo")
    await view.form("#new-todo", {"title": "x" * 81}).change()
    assert view.has_element("#error", text="At most 80 characters (81 now).")
    assert view.has_element("#title[aria-invalid=true]")
    await view.form("#new-todo", {"title": "fine"}).change()
    assert not view.has_element("#error")


async def test_submit_adds_a_todo_and_clears_the_field(live):
    view = await live("/todo")
    await view.form("#new-todo", {"title": "   "}).submit()
    assert view.has_element("#error", text="A todo needs a title.")
    await view.form("#new-todo", {"title": "Ship it"}).submit()
    assert titles(view)[-1] == "Ship it"
    assert not view.has_element("#error")
    assert view.element("#title").render().count('value=""') == 1
    assert view.has_element("#remaining", text="3 items left")


async def test_toggle_delete_and_clear_done(live):
    view = await live("/todo")
    await view.element("#todo-1 input[type=checkbox]").click()
    assert view.has_element("#todo-1.done") and view.has_element("#todo-1 input[checked]")
    assert view.has_element("#remaining", text="1 item left")
    await view.element("#clear").click()
    assert titles(view) == ["Write a view"]
    await view.element("#todo-2 button.delete").click()
    assert view.has_element("#todos li.empty", text="Nothing here.")


async def test_filters_patch_the_url(live):
    view = await live("/todo")
    await view.element("#todo-1 input[type=checkbox]").click()
    await view.element(".filters button", text="done").click()
    assert_patch(view, "/todo?filter=done")
    assert titles(view) == ["Try liveactor"]
    assert view.has_element(".filters button.active", text="done")
    await view.element(".filters button", text="open").click()
    assert titles(view) == ["Write a view"]


async def test_a_filter_in_the_url(live):
    view = await live("/todo?filter=open")
    await view.element("#todo-2 input[type=checkbox]").click()
    assert titles(view) == ["Try liveactor"]
    assert view.has_element(".filters button.active", text="open")
    await view.patch("/todo?filter=done")        # back/forward in the browser: a live patch
    assert titles(view) == ["Write a view"]
