// Browser end-to-end for live components: `liveactor serve examples/app.py` (/kanban) with Debian's
// chromium and the official phoenix_live_view client. Component events (phx-target), moving a
// card between columns with its state, send_update, removal (cids_will_destroy/cids_destroyed),
// a component added later.
// Env: LIVEACTOR_BIN, LIVEACTOR_KANBAN (examples/app.py), LIVEACTOR_E2E_NODE_MODULES.
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
      [process.env.LIVEACTOR_KANBAN, "--port", "0", "--control-port", "0", "--state-dir", state]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, {timeout: 10000});
const likes = (page, card) => page.locator(`#${card} .like`).innerText();

test("kanban: component events, a card moves with its state, send_update, removal", async () => {
  // the frames the client sends and receives, to see the two-phase removal
  const sent = [], received = [];
  const context = await browser.newContext();
  context.on("page", (p) => p.on("websocket", (ws) => {
    ws.on("framesent", (f) => sent.push(String(f.payload)));
    ws.on("framereceived", (f) => received.push(String(f.payload)));
  }));
  const page = await openLive(context, base, "/kanban");
  assert.equal(await page.locator(".card").count(), 4);
  assert.equal(await page.locator(".card[data-phx-component]").count(), 4);
  assert.equal(await page.locator(".column[data-phx-component]").count(), 3);

  // an event to one card (phx-target="{{ myself }}") changes only that card
  await clickAcked(page, "#card-3 .like"); // the client drops a click on an element still awaiting its ack
  await page.click("#card-3 .like");
  await waitFor(page, () => document.querySelector("#card-3 .like").textContent.trim() === "♥ 2");
  assert.equal(await likes(page, "card-4"), "♥ 0");

  // moving it (an event to the board) keeps the component and its likes
  await page.click("#card-3 .right");
  await waitFor(page, () => !!document.querySelector("#column-doing #card-3"));
  assert.equal(await likes(page, "card-3"), "♥ 2");
  assert.equal(await page.locator("#column-doing .count").innerText(), "2");
  assert.equal(await page.locator("#column-todo .count").innerText(), "1");

  // send_update from the board to every card
  await page.click("#clear-likes");
  await waitFor(page, () => document.querySelector("#card-3 .like").textContent.trim() === "♥ 0");

  // delete a card: the client frees its component in two phases
  await page.click("#card-4 .details");
  await page.waitForSelector("#card-4 .delete", {timeout: 10000});
  await page.click("#card-4 .delete");
  await waitFor(page, () => !document.querySelector("#card-4"));
  const deadline = Date.now() + 10000;
  while (!sent.some((f) => f.includes('"cids_destroyed"')) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.ok(sent.some((f) => f.includes('"cids_will_destroy"')), "cids_will_destroy sent");
  assert.ok(sent.some((f) => f.includes('"cids_destroyed"')), "cids_destroyed sent");
  while (!received.some((f) => /"cids":\[\d+\]/.test(f)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.ok(received.some((f) => /"cids":\[\d+\]/.test(f)), "the server freed the card's component");

  // a card added later is a new component and answers its own events
  await page.fill("#card-title", "Later");
  await page.click("#add-card");
  await page.waitForSelector("#card-5", {timeout: 10000});
  await page.click("#card-5 .like");
  await waitFor(page, () => document.querySelector("#card-5 .like").textContent.trim() === "♥ 1");
  assert.equal(await page.locator(".card").count(), 4);
  assert.deepEqual(page.liveErrors, []);
  await context.close();
});

test("kanban: dragging a card onto a column pushes from the hook and shows the server's reply", async () => {
  const page = await openLive(browser, base, "/kanban");
  await page.dragAndDrop("#card-4", "#column-done");
  await waitFor(page, () => document.querySelector("#column-done #card-4") !== null);
  await waitFor(page, () => document.querySelector("#drop-status").textContent !== "");
  assert.equal(await page.locator("#drop-status").innerText(), "Moved \u201cShip it\u201d to Done (2 cards).");
  assert.equal(await page.locator("#drop-status").getAttribute("class"), "ok");
  // the card kept its component state (likes) across the drop, like a move by button
  await page.click("#card-4 .like");
  await waitFor(page, () => document.querySelector("#card-4 .like").textContent.includes("1"));
  await page.dragAndDrop("#card-4", "#column-todo");
  await waitFor(page, () => document.querySelector("#column-todo #card-4") !== null);
  assert.equal(await likes(page, "card-4"), "\u2665 1");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});
