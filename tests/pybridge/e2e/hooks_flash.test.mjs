// Browser end-to-end for JS hooks with replies, the app's static/ folder and flash messages:
// Debian's chromium (playwright-core) against `liveactor serve` and the official
// phoenix_live_view 1.1.32 client. Two apps: examples/app.py (the counter's Parity hook, the
// todo list's flash) and e2e/flashapp/app.py (a hook driven from the test, full and live redirects).
// Env: LIVEACTOR_BIN, LIVEACTOR_EXAMPLES (examples/app.py), LIVEACTOR_E2E_NODE_MODULES, CHROMIUM.
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

import {clickAcked, launchChromium, openLive as openLiveAt, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
let examples, flashapp, browser;

const serve = (app) => serveLiveactor(
    [app, "--port", "0", "--control-port", "0", "--state-dir", fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-"))]);

before(async () => {
  examples = await serve(process.env.LIVEACTOR_EXAMPLES);
  flashapp = await serve(path.join(here, "flashapp", "app.py"));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(examples?.server);
  await stopServer(flashapp?.server);
});

const waitText = (page, sel, want, timeout = 10000) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [sel, want], {timeout});

test("counter: the Parity hook (examples/static/app.js) shows the handler's reply", async () => {
  const page = await openLiveAt(browser, examples.base, "/counter");
  for (let i = 0; i < 3; i++) await clickAcked(page, "#inc");
  await waitText(page, "#count", "3");
  await page.click("#parity-check");
  await waitText(page, "#parity", "3 is odd");
  await page.click("#inc");
  await waitText(page, "#count", "4");
  assert.equal(await page.locator("#parity").innerText(), "3 is odd", "phx-update=ignore keeps the hook's text");
  await page.click("#parity-check");
  await waitText(page, "#parity", "4 is even");
  // the app's stylesheet came along too, and nothing broke the CSP
  assert.ok(await page.evaluate(() => [...document.styleSheets].some((s) => s.href?.includes("/static/app.css?vsn="))));
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("todo: a flash is shown, cleared by lv:clear-flash, and carried by a live redirect", async () => {
  const page = await openLiveAt(browser, examples.base, "/todo");
  await page.fill("#title", "Buy milk");
  await page.click("#add");
  await waitText(page, "#flash", "Added “Buy milk”.");
  await page.click("#flash");
  await page.waitForSelector("#flash", {state: "detached"});
  await page.evaluate(() => { window.sameDocument = true; });
  await page.click("#start-over");
  await waitText(page, "#flash", "Started over: 3 todos dropped.");
  await page.waitForFunction(() => document.querySelectorAll("#todos li[id^=todo-]").length === 2);
  assert.equal(await page.evaluate(() => window.sameDocument), true, "live navigation, no page load");
  await page.waitForSelector("[data-phx-main].phx-connected");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("a hook's pushEvent gets the reply; an event without a handler is refused and the view goes on", async () => {
  const page = await openLiveAt(browser, flashapp.base, "/");
  await page.waitForFunction(() => window.asker);
  await page.click("#inc");
  await waitText(page, "#n", "1");
  assert.deepEqual(await page.evaluate(() => window.asker.pushEvent("ask", {q: "hi"})), {n: 1, echo: "hi"});
  const refused = await page.evaluate(() => window.asker.pushEvent("nope", {}).then(() => "replied", (e) => e.message));
  assert.match(refused, /Home has no handler for event 'nope'/);
  await page.click("#inc");
  await waitText(page, "#n", "2");
  assert.equal(await page.locator("[data-phx-main].phx-error").count(), 0);
  assert.deepEqual(await page.evaluate(() => window.asker.pushEvent("ask", {})), {n: 2, echo: null});
  await page.close();
});

test("a flash survives a full redirect (cookie) once, and live navigation", async () => {
  const page = await openLiveAt(browser, flashapp.base, "/");
  await page.click("#full");
  await page.waitForURL(/\/landing$/);
  await page.waitForSelector("[data-phx-main].phx-connected");
  await waitText(page, "#flash", "Carried by a cookie"); // the dead render and the connected mount
  assert.ok(!(await page.evaluate(() => document.cookie)).includes("__phoenix_flash__"), "read once, deleted");
  await page.reload();
  await page.waitForSelector("[data-phx-main].phx-connected");
  assert.equal(await page.locator("#flash").count(), 0, "shown once");

  await page.goto(flashapp.base + "/");
  await page.waitForSelector("[data-phx-main].phx-connected");
  await page.click("#live");
  await waitText(page, "#flash", "Carried live");
  await page.waitForURL(/\/landing$/);
  await page.click("#flash");
  await page.waitForSelector("#flash", {state: "detached"});
  await page.close();
});

test("static/: ETag and 304, no listing, nothing outside the folder", async () => {
  const base = flashapp.base;
  const js = await fetch(base + "/static/app.js");
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type"), /^text\/javascript/);
  const etag = js.headers.get("etag");
  assert.match(etag, /^"[0-9a-f]{20}"$/);
  assert.equal((await fetch(base + "/static/app.js", {headers: {"If-None-Match": etag}})).status, 304);
  for (const p of ["/static/", "/static/%2e%2e/app.py", "/static/../app.py"])
    assert.equal((await fetch(base + p)).status, 404, p);
});
