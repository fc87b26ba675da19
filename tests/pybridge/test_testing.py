"""liveactor.testing tests itself: what its clicks and forms send is what the server decodes from
the browser, its assertions fail with the page in the message, and every test gets a fresh
runtime. The views are in testing_app.py (pytest.ini: liveactor_app = testing_app.py)."""

import asyncio
import json
import os
import re
import subprocess
import sys

import pytest

from liveactor.testing import Redirected, assert_has_element, assert_patch, assert_push_event, assert_redirect

HERE = os.path.dirname(os.path.abspath(__file__))
PYBRIDGE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "pybridge")


def got(view):
    return json.loads(view.find("#got")[0].text)


# ---- clicks


async def test_click_sends_phx_values_and_the_elements_value(live):
    view = await live("/clicks")
    await view.element("#plain").click()
    assert got(view) == {"value": ""}           # a <button> always has el.value in the browser
    await view.element("#valued").click()
    assert got(view) == {"item-id": "7", "kind": "x", "value": "v"}
    await view.element("#valued").click({"extra": 1})
    assert got(view) == {"item-id": "7", "kind": "x", "value": "v", "extra": 1}


async def test_click_on_js_commands_pushes_their_event(live):
    view = await live("/clicks")
    await view.element("#js").click()
    assert got(view) == {"from": "js", "value": ""}
    with pytest.raises(AssertionError, match="pushes no event"):
        await view.element("#jsonly").click()


async def test_keyup_sends_the_key_and_the_inputs_value(live):
    view = await live("/clicks")
    await view.element("#key").keyup("Enter")
    assert got(view) == {"key": "Enter", "value": "typed"}


async def test_hook_event(live):
    view = await live("/clicks")
    html = await view.hook_event("got", {"x": [1, 2]})
    assert got(view) == {"x": [1, 2]} and html == view.html()


async def test_an_element_without_the_binding_shows_its_html(live):
    view = await live("/clicks")
    with pytest.raises(AssertionError) as info:
        await view.element("#inert").click()
    assert "has no phx-click attribute" in str(info.value)
    assert '<span id="inert">no binding</span>' in str(info.value)
    with pytest.raises(AssertionError, match="is disabled: a browser sends nothing for it"):
        await view.element("#off").click()
    assert view.find("#got")[0].text is None


async def test_selectors_must_match_exactly_one_element(live):
    view = await live("/clicks")
    with pytest.raises(AssertionError) as info:
        view.element("li.item").render()
    assert "matched 3 elements" in str(info.value) and '<li class="item">item 3</li>' in str(info.value)
    with pytest.raises(AssertionError) as info:
        view.element("button#missing").render()
    assert "matched 0 elements" in str(info.value) and '<pre id="got">' in str(info.value)  # the page
    assert view.element("li.item", text="item 2").render() == '<li class="item">item 2</li>'
    assert view.element("li", text=re.compile(r"item [3]$")).render() == '<li class="item">item 3</li>'
    with pytest.raises(ValueError, match="invalid CSS selector"):
        view.has_element("li[")


async def test_has_element_explains_a_miss_with_the_page(live):
    view = await live("/clicks")
    assert view.has_element("li.item", text="item 1")
    assert len(view.has_element("li.item")) == 3
    miss = view.has_element("li.item", text="item 9")
    assert not miss
    assert "no element matching 'li.item' with text 'item 9'" in repr(miss)
    assert '<li class="item">item 1</li>' in repr(miss)
    with pytest.raises(AssertionError, match="item 9"):
        assert_has_element(view, "li.item", text="item 9")


async def test_phx_update_ignore_keeps_the_clients_content(live):
    view = await live("/clicks")
    await view.hook_event("bump")
    await view.hook_event("bump")
    assert view.has_element("#n", text="2")
    # the server rendered <i>2</i> inside, the browser kept its <i>0</i>; data-* attributes follow
    assert view.element("#kept").render() == '<div id="kept" phx-update="ignore" data-n="2"><i>0</i></div>'


# ---- forms


async def test_form_change_sends_the_fields_as_the_browser_does(live):
    view = await live("/forms")
    await view.form("#f", {"user": {"name": "bob"}}).change()
    kind, form = got(view)
    assert kind == "validate"
    assert form == {"user": {"name": "bob", "id": "5"}, "note": "first line", "color": "r", "size": "M",
                    "news": "on", "plan": "b", "tags": ["t1", "t2"], "_target": ["user", "name"]}


async def test_form_submit_with_data_and_submitter(live):
    view = await live("/forms")
    await view.form("#f", {"agree": "yes", "tags": ["t3"], "note": "two"}).submit(submitter="#publish")
    kind, form = got(view)
    assert kind == "save"
    assert form == {"user": {"name": "ann", "id": "5"}, "note": "two", "color": "r", "size": "M",
                    "agree": "yes", "news": "on", "plan": "b", "tags": ["t3"], "action": "publish"}
    await view.form("#f", {"pets": ["cat", "dog"]}).change()
    assert got(view)[1]["pets"] == "dog"        # a repeated name without [] keeps the last, as in Phoenix
    await view.form("#f").submit({"user": {"name": "cy"}})
    assert view.element("input[name='user[name]']").render() == '<input type="text" name="user[name]" value="cy">'


async def test_form_errors_name_the_problem(live):
    view = await live("/forms")
    with pytest.raises(AssertionError, match=r"no field named 'nope' \(its fields: agree, color"):
        await view.form("#f", {"nope": "x"}).change()
    with pytest.raises(AssertionError, match="no field named 'off'"):  # disabled fields are not sent
        await view.form("#f", {"off": "x"}).submit()
    with pytest.raises(AssertionError, match="has no phx-change attribute"):
        await view.form("#nochange", {"q": "x"}).change()
    with pytest.raises(AssertionError, match="is a <div>, not a form"):
        await view.form("#notaform").submit()


# ---- effects: push_event, redirects, patches


async def test_assert_push_event_consumes_what_it_matched(live):
    view = await live("/clicks")
    await view.hook_event("signal", {"id": "a"})
    await view.hook_event("signal", {"id": "b"})
    assert assert_push_event(view, "highlight", {"id": "b"}) == {"id": "b"}
    assert_push_event(view, "highlight")
    with pytest.raises(AssertionError) as info:
        assert_push_event(view, "highlight")
    assert "no push_event 'highlight'; pushed: []" in str(info.value)
    await view.hook_event("signal")
    with pytest.raises(AssertionError, match=r"pushed: \[\('highlight', \{'id': 'none'\}\)\]"):
        assert_push_event(view, "highlight", {"id": "x"})


async def test_redirects(live):
    view = await live("/clicks")
    with pytest.raises(AssertionError, match="did not redirect"):
        assert_redirect(view)
    await view.hook_event("leave")
    assert assert_redirect(view, "/chat") == "/chat" and view.redirect_kind == "navigate"
    with pytest.raises(AssertionError, match="redirected to '/chat', not '/elsewhere'"):
        assert_redirect(view, "/elsewhere")
    other = await live("/clicks")
    await other.hook_event("away")
    assert_redirect(other, "https://example.com/")
    assert other.redirect_kind == "redirect"


async def test_push_patch_runs_handle_params_and_moves_the_url(live):
    view = await live("/clicks")
    await view.hook_event("narrow", {"only": "2"})
    assert assert_patch(view, "/clicks?only=2") == "/clicks?only=2"
    assert len(view.has_element("li.item")) == 1 and view.has_element("li", text="item 2")


async def test_live_patches_and_live_links(live):
    view = await live("/clicks")
    await view.element("#patch-link").click()             # data-phx-link="patch"
    assert view.path == "/clicks?only=3" and [e.text for e in view.find("li.item")] == ["item 3"]
    await view.patch("?only=2")                            # Phoenix's render_patch
    assert view.path == "/clicks?only=2" and [e.text for e in view.find("li.item")] == ["item 2"]
    with pytest.raises(AssertionError, match="did not redirect"):
        assert_redirect(view)
    await view.patch("/forms")                             # another view's URL: live navigation
    assert_redirect(view, "/forms")
    assert view.redirect_kind == "navigate" and view.path == "/clicks?only=2"
    with pytest.raises(ValueError, match="expected a path like"):
        await view.view.live_patch("no-slash")
    other = await live("/clicks")
    await other.element("#nav-link").click()               # data-phx-link="redirect"
    assert_redirect(other, "/forms")


async def test_mount_redirect_and_session(live):
    with pytest.raises(Redirected) as info:
        await live("/gate")
    assert info.value.to == "/login" and info.value.kind == "navigate"
    view = await live("/gate", session={"user": "ann"})
    assert view.html() == "<p>members only, ann</p>"
    with pytest.raises(KeyError):
        await live("/nowhere")


# ---- messages from the server side


async def test_send_info_waits_for_handle_info(live):
    view = await live("/clicks")
    html = await view.send_info({"n": 1})
    assert got(view) == ["info", {"n": 1}] and '<pre id="got">' in html
    await view.send_info("quiet")                 # nothing changed: no push, still answers
    await view.send_info("ping")                  # only an event
    assert_push_event(view, "pong")


async def test_next_render_waits_for_a_push(live):
    view = await live("/clicks")
    await view.send_info("tick-later")            # handle_info sets a 30 ms timer
    await view.next_render(timeout=5.0)
    assert got(view) == ["info", "tick"]
    with pytest.raises(asyncio.TimeoutError):
        await view.next_render(timeout=0.05)


async def test_broadcast_reaches_mounted_views(live):
    a, b = await live("/room"), await live("/room")
    assert live.broadcast("room", "hello") == 2
    await a.next_render(timeout=5.0)
    await b.next_render(timeout=5.0)
    assert a.html() == b.html() == "<p>hello</p>"


# ---- isolation: a fresh runtime per test


@pytest.mark.parametrize("round", [1, 2])
async def test_each_test_has_a_fresh_runtime(live, round):
    await live("/room")
    assert live.runtime.subscribers("room") == 1   # the other round's view is gone


class TestAppSpecs:
    """liveactor_app takes what `liveactor serve` takes; a fixture in a class overrides it there."""

    @pytest.fixture
    def liveactor_app(self):
        return "testing_app:routes"

    async def test_a_module_spec(self, live):
        view = await live("/gate", session={"user": "bo"})
        assert view.html() == "<p>members only, bo</p>"


async def test_a_second_runtime_at_the_same_time_is_refused(live):
    from liveactor.runtime import Runtime
    import testing_app
    await live("/clicks")
    with pytest.raises(RuntimeError, match="another liveactor Runtime is running in this process: close it first"):
        Runtime(routes=testing_app.routes)
    assert (await live("/clicks")).has_element("#plain")


def test_runtimes_run_one_after_another_in_a_process():
    from liveactor.runtime import Runtime, RuntimeCallError
    import testing_app

    async def use(rt):
        tab = await rt.create_session()
        view = await tab.mount("/room")
        return tab, view

    leftovers = []
    for _ in range(3):
        rt = Runtime(routes=testing_app.routes)
        leftovers.append(asyncio.run(use(rt)))   # kept alive, like objects in a traceback
        rt.close()
    tab, view = leftovers[-1]
    with pytest.raises(RuntimeError, match="the runtime is shutting down"):
        rt._rt.create_session()
    with pytest.raises(RuntimeError, match="shut down"):
        view.kill()
    assert view.send_info("x") == "closed"

    async def late_event():
        with pytest.raises(RuntimeCallError):
            await view.event("got", timeout=1.0)
    asyncio.run(late_event())


# ---- a project of its own, run with plain pytest


PROJECT_APP = '''
from liveactor import LiveView, event

class Hello(LiveView):
    template = '<p id="greeting">Hello {{ name }}</p><button id="go" phx-click="shout">!</button>'

    def mount(self, params, session):
        self.name = params.get("name", "world")

    @event
    def shout(self):
        self.name = self.name.upper()

routes = {"/": Hello}
'''

PROJECT_TEST = '''
async def test_shout(live):
    view = await live("/?name=ann")
    await view.element("#go").click()
    assert view.has_element("#greeting", text="Hello ANN")

async def test_fails_with_the_page(live):
    view = await live("/")
    assert view.has_element("#greeting", text="Goodbye")
'''


def test_a_project_outside_the_tree_runs_with_plain_pytest(tmp_path):
    # set up as docs/testing.md says for a checkout: pytest.ini and conftest.py, no environment
    (tmp_path / "app.py").write_text(PROJECT_APP)
    (tmp_path / "test_app.py").write_text(PROJECT_TEST)
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["liveactor.testing.plugin"]\n')
    ini = "[pytest]\naddopts = -p no:cacheprovider\npythonpath = %s\n" % PYBRIDGE
    (tmp_path / "pytest.ini").write_text(ini)
    # (LIVEACTOR_NATIVE_PATH stays if CTest set it: its build need not be the checkout's build/)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # no pytest-asyncio: the plugin runs the async tests itself
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:asyncio", "-q"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    out = run.stdout + run.stderr
    assert "1 failed, 1 passed" in out, out
    assert "assert <no element matching '#greeting' with text 'Goodbye' in the page: " in out, out
    assert '<p id="greeting">Hello world</p>' in out, out

    (tmp_path / "pytest.ini").write_text(ini + "liveactor_app = missing.py\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "test_app.py::test_shout"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "liveactor_app = missing.py (rootdir %s) could not be loaded: AppError: app file not found" % tmp_path \
        in run.stdout, run.stdout


def test_live_client_without_pytest_fixtures():
    from liveactor.testing import LiveClient

    async def main():
        async with LiveClient.for_app("testing_app.py", root=HERE) as live:
            view = await live("/clicks")
            await view.element("#valued").click()
            return got(view), live.runtime

    seen, runtime = asyncio.run(main())
    assert seen == {"item-id": "7", "kind": "x", "value": "v"}
    assert runtime._rt.is_shut_down
