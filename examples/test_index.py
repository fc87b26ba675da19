"""The index page of the examples app (app.py here): one live link per example."""

from app import EXAMPLES
from liveactor.testing import assert_redirect


async def test_links_every_example(live):
    view = await live("/")
    assert view.title == "liveactor examples"
    for path, title, _ in EXAMPLES:
        assert view.has_element("a[href='%s'][data-phx-link=redirect]" % path, text=title)


async def test_a_link_navigates_to_the_example(live):
    view = await live("/")
    await view.element("a", text="Todo list").click()
    assert_redirect(view, "/todo")
