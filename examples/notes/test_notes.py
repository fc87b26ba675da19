"""The Django example: the ORM from a blocking handler, an async def search, a slow export with
start_async reporting its progress. The database is the tests' own (see examples/conftest.py)
and is shared by the tests of a run, so they look at their own notes only."""

import uuid

from asgiref.sync import sync_to_async


def notes():
    """The ORM from a test: the model is importable once the app has set Django up (the first
    live() did), and the calls go through sync_to_async, as Django wants inside an event loop."""
    from notebook.models import Note
    return Note.objects


async def orm(fn, *args, **kwargs):
    return await sync_to_async(fn)(*args, **kwargs)


def count(view):
    return int(view.find("#count")[0].text.split()[0])


async def test_validation_while_typing(live):
    view = await live("/notes")
    await view.form("#new-note", {"title": "x" * 81}).change()
    assert view.has_element("#error", text="At most 80 characters (81 now).")
    await view.form("#new-note", {"title": ""}).submit()
    assert view.has_element("#error", text="A note needs a title.")


async def test_saving_writes_through_the_orm_and_other_tabs_see_it(live):
    mine, other = await live("/notes"), await live("/notes")
    before = count(mine)
    title = "note " + uuid.uuid4().hex
    await mine.form("#new-note", {"title": title, "body": "some text"}).submit()
    assert mine.has_element("#saved", text=title)
    assert mine.has_element("#notes li .title", text=title)
    assert count(mine) == before + 1
    assert await orm(lambda: notes().filter(title=title, body="some text").count()) == 1
    await other.next_render(timeout=5.0)             # the "saved" broadcast
    assert other.has_element("#notes li .title", text=title) and count(other) == before + 1


async def test_search_is_an_async_handler(live):
    tag = uuid.uuid4().hex
    view = await live("/notes")
    await orm(lambda: notes().create(title="findme " + tag, body="", author=""))
    await view.form("#search", {"q": tag}).change()
    assert [el.text for el in view.find("#notes li .title")] == ["findme " + tag]
    await view.form("#search", {"q": "nothing-" + tag}).submit()
    assert view.has_element("#notes li.empty", text="No title contains")


async def test_export_reports_progress_then_the_result(live):
    view = await live("/notes")
    await view.element("#export").click()
    assert view.has_element("#export[disabled]") and view.has_element("#progress")
    while not view.has_element("#export-done"):
        await view.next_render(timeout=5.0)
    assert view.has_element("#export-done", text="Exported %d note" % await orm(lambda: notes().count()))
    assert not view.has_element("#export[disabled]")


async def test_me_is_anonymous_without_a_django_session(live):
    view = await live("/me")
    assert view.has_element("#hello", text="anonymous") and view.title == "anonymous"
    view = await live("/me", session={"django_username": "ann", "django_user_id": 3})
    assert view.has_element("#hello", text="Hello, ann") and view.has_element("#user-id", text="#3")
