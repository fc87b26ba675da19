// Browser end-to-end for nested live views: `liveactor serve tests/pybridge/nested_views.py` with
// Debian's chromium and the official phoenix_live_view client. A page with two child views
// (`{% live_render %}`): each joins on its own topic and answers its own events; crashing one
// leaves its sibling and the parent working, and the client brings it back (a fresh mount);
// a sticky child keeps its state across live navigation.
// Env: LIVEACTOR_BIN, LIVEACTOR_NESTED (tests/pybridge/nested_views.py), LIVEACTOR_E2E_NODE_MODULES.
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import {clickAcked, launchChromium, openLive, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

let server, browser, base;

before(async () => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-"));
  ({server, base} = await serveLiveactor(
      [process.env.LIVEACTOR_NESTED, "--port", "0", "--control-port", "0", "--state-dir", state]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, {timeout: 10000});
const text = (page, selector) => page.locator(selector).innerText();
const clicksAre = (page, pane, n) =>
  waitFor(page, ([p, n]) => document.querySelector(`#pane-${p} .clicks`)?.textContent === String(n), [pane, n]);

test("two child views: own events, a crash of one spares the other and the parent", async () => {
  const context = await browser.newContext();
  const received = [];
  context.on("page", (p) => p.on("websocket", (ws) =>
    ws.on("framereceived", (f) => received.push(String(f.payload)))));
  const page = await openLive(context, base, "/");
  // both children joined inside their containers, which name the parent
  await page.waitForSelector("#left.phx-connected #pane-left", {timeout: 10000});
  await page.waitForSelector("#right.phx-connected #pane-right", {timeout: 10000});
  const parentId = await page.locator("[data-phx-main]").getAttribute("id");
  assert.equal(await page.locator("#left").getAttribute("data-phx-parent-id"), parentId);

  // events go to the view whose element was clicked
  await clickAcked(page, "#pane-left .click"); // the client drops a click on an element still awaiting its ack
  await page.click("#pane-left .click");
  await page.click("#pane-right .click");
  await clicksAre(page, "left", 2);
  await clicksAre(page, "right", 1);
  await page.click(".bump");
  await waitFor(page, () => document.querySelector(".count").textContent === "1");
  assert.equal(await text(page, "#pane-left .clicks"), "2"); // the parent's diff left its children alone

  // crash the left child: the server reports it on lv:left only
  await page.click("#pane-left .boom");
  const deadline = Date.now() + 10000;
  while (!received.some((f) => f.includes('"lv:left","phx_error"')) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.ok(received.some((f) => f.includes('"lv:left","phx_error"')), "phx_error on the child's topic");
  assert.ok(!received.some((f) => f.includes(`"lv:${parentId}","phx_error"`)), "the parent did not crash");
  // the sibling and the parent keep their state and answer
  await page.click("#pane-right .click");
  await clicksAre(page, "right", 2);
  await page.click(".bump");
  await waitFor(page, () => document.querySelector(".count").textContent === "2");
  // the client rejoined the crashed child: fresh state, working again
  await page.waitForSelector("#left.phx-connected #pane-left", {timeout: 10000});
  await clicksAre(page, "left", 0);
  await page.click("#pane-left .click");
  await clicksAre(page, "left", 1);
  assert.equal(await text(page, "#pane-right .clicks"), "2");
  // the client's only complaint is the crashed push itself
  assert.deepEqual(page.liveErrors.filter((e) => !e.includes('failed with reason: {"reason":"crash"}')), []);
  await context.close();
});

test("the parent's crash takes its children down and brings them back", async () => {
  const context = await browser.newContext();
  const page = await openLive(context, base, "/");
  await page.waitForSelector("#right.phx-connected #pane-right", {timeout: 10000});
  await page.click("#pane-right .click");
  await clicksAre(page, "right", 1);
  await page.click(".crash");
  // the page rejoins (count back to 0) and so do its children, mounted afresh
  await waitFor(page, () => document.querySelector(".count")?.textContent === "0"
                        && document.querySelector("[data-phx-main]").classList.contains("phx-connected"));
  await page.waitForSelector("#right.phx-connected #pane-right", {timeout: 10000});
  await clicksAre(page, "right", 0);
  await page.click("#pane-right .click");
  await clicksAre(page, "right", 1);
  await context.close();
});

test("a sticky child keeps its state across live navigation", async () => {
  const context = await browser.newContext();
  const page = await openLive(context, base, "/sticky/a");
  await page.waitForSelector("#player.phx-connected #pane-player", {timeout: 10000});
  assert.equal(await page.locator("#player").getAttribute("data-phx-parent-id"), null);
  await page.click("#pane-player .click");
  await clicksAre(page, "player", 1);
  await page.click(".go");
  await waitFor(page, () => document.querySelector("h1")?.textContent === "B");
  await page.click("#pane-player .click");
  await clicksAre(page, "player", 2);
  assert.equal(await page.locator("#player").count(), 1);
  assert.deepEqual(page.liveErrors, []);
  await context.close();
});
