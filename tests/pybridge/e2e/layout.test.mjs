// Browser end-to-end for page layouts and the development error overlay: Debian's chromium
// (playwright-core) against `liveactor serve` and the official phoenix_live_view 1.1.32 client.
// A copy of ../layoutapp is served with --reload (so the test can break and fix app.py) and the
// original without it (production: no overlay).
// Env: LIVEACTOR_BIN, LIVEACTOR_E2E_NODE_MODULES, CHROMIUM.
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

import {launchChromium, openLive, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const original = path.join(here, "..", "layoutapp");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-layout-"));
const appDir = path.join(tmp, "app");
const appFile = path.join(appDir, "app.py");
let dev, production, browser, source;

const serve = (app, ...flags) => serveLiveactor(
    [app, "--port", "0", "--control-port", "0", "--state-dir", fs.mkdtempSync(path.join(tmp, "state-")), ...flags]);

before(async () => {
  fs.cpSync(original, appDir, {recursive: true});
  source = fs.readFileSync(appFile, "utf8");
  dev = await serve(appFile, "--reload");
  production = await serve(path.join(original, "app.py"));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(dev?.server);
  await stopServer(production?.server);
  fs.rmSync(tmp, {recursive: true, force: true});
});

const waitText = (page, sel, want, timeout = 10000) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [sel, want], {timeout});
const overlay = "#liveactor-dev-error";

test("the layout wraps the view; page_title updates {% live_title %} with its prefix and suffix", async () => {
  const page = await openLive(browser, production.base, "/");
  assert.equal(await page.title(), "LA: Home · Layout app");
  assert.equal(await page.locator("#site-header").innerText(), "Layout app");
  // the layout's {% static "app.css" %} loaded the app's stylesheet
  assert.equal(await page.locator("#site-header").evaluate((e) => getComputedStyle(e).color), "rgb(51, 68, 85)");
  await page.click("#inc");
  await waitText(page, "#count", "1");
  await page.waitForFunction(() => document.title === "LA: Count 1 · Layout app");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("production: a raised exception crashes the view, the page rejoins, no overlay", async () => {
  const page = await openLive(browser, production.base, "/");
  await page.click("#inc");
  await waitText(page, "#count", "1");
  await page.click("#boom");
  await waitText(page, "#count", "0"); // re-mounted after phx_error: any overlay push came before
  await page.waitForSelector("[data-phx-main].phx-connected");
  assert.equal(await page.locator(overlay).count(), 0);
  await page.close();
});

test("--reload: an exception in a handler is shown, escaped, until a fixed app.py is reloaded", async () => {
  const page = await openLive(browser, dev.base, "/");
  await page.click("#boom");
  await page.waitForSelector(overlay);
  assert.equal(await page.locator(`${overlay} h2`).innerText(), "The live view crashed");
  const detail = await page.locator(`${overlay} pre`).innerText();
  assert.match(detail, /ValueError: <b>kaboom<\/b> & friends/);
  assert.match(detail, /in boom/);
  assert.equal(await page.locator(`${overlay} b`).count(), 0, "shown as text, not HTML");
  await page.waitForSelector("[data-phx-main].phx-connected"); // the view rejoined under it

  fs.writeFileSync(appFile, source.replace('raise ValueError("<b>kaboom</b> & friends")', "self.count = 100"));
  await page.waitForSelector(overlay, {state: "detached"});
  await page.waitForSelector("[data-phx-main].phx-connected");
  await page.click("#boom");
  await waitText(page, "#count", "100");
  assert.equal(await page.locator(overlay).count(), 0);
  fs.writeFileSync(appFile, source);
  await page.close();
});

test("--reload: a syntax error in app.py is shown on the open page and on a new one, then cleared", async () => {
  const page = await openLive(browser, dev.base, "/");
  fs.writeFileSync(appFile, source.replace("class Home(LiveView):", "class Home(LiveView:"));
  await page.waitForSelector(overlay);
  assert.match(await page.locator(`${overlay} h2`).innerText(), /Reloading the app failed/);
  assert.match(await page.locator(`${overlay} pre`).innerText(), /SyntaxError/);
  const other = await openLive(browser, dev.base, "/"); // the old code serves it, with the error over it
  assert.match(await other.locator(`${overlay} pre`).innerText(), /SyntaxError/);

  fs.writeFileSync(appFile, source);
  await page.waitForSelector(overlay, {state: "detached"});
  await other.waitForSelector(overlay, {state: "detached"});
  await page.waitForSelector("[data-phx-main].phx-connected");
  await page.click("#inc");
  await waitText(page, "#count", "1");
  await page.close();
  await other.close();
});
