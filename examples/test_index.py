"""The index page of the examples app (app.py here): one link per example."""

from app import EXAMPLES


async def test_links_every_example(live):
    view = await live("/")
    assert view.title == "liveactor examples"
    for path, title, _ in EXAMPLES:
        assert view.has_element("a[href='%s']" % path, text=title)
