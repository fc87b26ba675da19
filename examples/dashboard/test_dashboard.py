"""The dashboard example: a 500-row table as a temporary assign, sorting and paging, a metric
pushed every second."""


def row_ids(view):
    return [int(tr.get("id")[len("row-"):]) for tr in view.find("tr[id^=row-]")]


async def test_first_page_of_rows(live):
    view = await live("/dashboard")
    assert row_ids(view) == list(range(1, 501))


async def test_paging_and_sorting(live):
    view = await live("/dashboard")
    await view.element("#next").click()
    assert row_ids(view)[:2] == [501, 502] and len(row_ids(view)) == 500
    await view.element("#prev").click()
    assert row_ids(view)[0] == 1 and view.has_element("#prev[disabled]")
    await view.element("[phx-click=sort][phx-value-column=rps]").click()
    rps = [int(tr.xpath("td")[5].text) for tr in view.find("tr[id^=row-]")]
    assert rps == sorted(rps) and len(rps) == 500


async def test_samples_rerender_the_metric_and_keep_the_table(live):
    view = await live("/dashboard")
    await view.send_info("sample")
    assert view.has_element("#samples", text="1")
    assert len(row_ids(view)) == 500             # the client keeps rows the server forgot

