"""The clock example: server pushes from send_after, and a timer that can be paused."""

import re


def ticks(view):
    return int(view.find("#ticks")[0].text)


async def test_a_tick_message_advances_the_clock(live):
    view = await live("/clock")
    assert ticks(view) == 0
    assert re.fullmatch(r"\d\d:\d\d:\d\d", view.find("#time")[0].text)
    await view.send_info("tick")                 # what send_after delivers, without the wait
    assert ticks(view) == 1


async def test_the_timer_pushes_by_itself(live):
    view = await live("/clock")
    await view.next_render(timeout=5.0)          # the 1 s timer set in mount
    assert ticks(view) == 1


async def test_pause_ignores_ticks_and_resume_restarts(live):
    view = await live("/clock")
    await view.element("#toggle").click()
    assert view.has_element("#toggle", text="resume")
    await view.send_info("tick")
    assert ticks(view) == 0
    await view.element("#toggle").click()
    assert view.has_element("#toggle", text="pause")
    await view.send_info("tick")
    assert ticks(view) == 1
