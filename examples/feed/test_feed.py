"""The feed example: a stream. The server keeps no post, and liveactor.testing shows the page as
the server renders it, so these tests read what the page counts; tests/pybridge/e2e/feed.test.mjs
checks the posts themselves in a browser."""


def streamed(view):
    return int(view.find("#streamed")[0].text)


async def test_scrolling_to_the_bottom_appends_the_next_page(live):
    view = await live("/feed")
    assert streamed(view) == 20
    await view.hook_event("load_more")          # what phx-viewport-bottom sends
    assert streamed(view) == 40


async def test_a_new_post_arrives_and_reset_starts_over(live):
    view = await live("/feed")
    await view.send_info("new_post")            # what the timer delivers, without the wait
    assert streamed(view) == 21
    await view.hook_event("load_more", {"count": 500})
    assert streamed(view) == 521
    await view.click("#reset")
    assert streamed(view) == 20


async def test_pause_ignores_the_timer(live):
    view = await live("/feed")
    await view.click("#toggle-live")
    assert view.has_element("#toggle-live", text="resume new posts")
    await view.send_info("new_post")
    assert streamed(view) == 20
