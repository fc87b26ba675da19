// Browser end-to-end: Debian's chromium (headless, via playwright-core) against
// liveactor-testserver and the official phoenix_live_view 1.1.32 client, unmodified.
// Env: LIVEACTOR_TESTSERVER (the executable), LIVEACTOR_E2E_NODE_MODULES (npm ci'd playwright-core),
//      CHROMIUM (default /usr/bin/chromium).
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {spawn} from "node:child_process";
import readline from "node:readline";

import {clickAcked, launchChromium, openLive as openLiveAt} from "./browser.mjs";

let server, lines, browser, base;
const waiters = [];

function nextLine(prefix, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no "${prefix}" line from the test server`)), timeoutMs);
    waiters.push({prefix, resolve: (l) => { clearTimeout(t); resolve(l); }});
  });
}

before(async () => {
  server = spawn(process.env.LIVEACTOR_TESTSERVER, ["--port", "0"], {stdio: ["pipe", "pipe", "inherit"]});
  lines = readline.createInterface({input: server.stdout});
  lines.on("line", (l) => {
    const i = waiters.findIndex((w) => l.startsWith(w.prefix));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(l);
  });
  const port = (await nextLine("LISTENING")).split(" ")[1];
  base = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.stdin.end("quit\n");
    await exited;
  }
});

const openLive = (pathname) => openLiveAt(browser, base, pathname);

const text = (page, sel) => page.locator(sel).innerText();

/// Waits until sel's text is want; a timeout says what the page showed instead, the page's errors
/// and the live socket's state, so a failure in CI can be told apart (lost events, a remount, a
/// closed socket).
async function waitForText(page, sel, want, timeout = 15000) {
  try {
    await page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent === w, [sel, want], {timeout});
  } catch (e) {
    const seen = await page.evaluate((s) => ({
      text: document.querySelector(s)?.textContent,
      main: document.querySelector("[data-phx-main]")?.className,
      mount: document.querySelector("#mount")?.textContent,
    }), sel);
    throw new Error(`${sel} never read ${JSON.stringify(want)}: ${JSON.stringify(seen)}, errors ${JSON.stringify(page.liveErrors)}`);
  }
}

test("counter: 20 clicks read 20, over the live socket", async () => {
  const page = await openLive("/");
  assert.equal(await text(page, "#connected"), "yes", "the join re-mounted the view with connected? true");
  for (let i = 0; i < 20; i++) await clickAcked(page, "#inc");
  await waitForText(page, "#count", "20");
  await page.click("#inc5");
  await waitForText(page, "#count", "25");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("form: phx-change echoes with _target, phx-submit saves", async () => {
  const page = await openLive("/form");
  await page.fill("#name", "Ann");
  await waitForText(page, "#echo", "Ann");
  assert.equal(await text(page, "#target"), "user.name");
  await page.check("#tag2");
  await waitForText(page, "#tags", "b");
  assert.equal(await text(page, "#target"), "user.tags");  // "user[tags][]" as a key path
  await page.click("#save");
  await waitForText(page, "#saved", "saved:Ann");
  assert.equal(await page.inputValue("#name"), "Ann");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("server push: a sendAfter timer updates the page", async () => {
  const page = await openLive("/timer");
  await page.waitForFunction(() => Number(document.querySelector("#ticks").textContent) >= 5, null, {timeout: 10000});
  const a = Number(await text(page, "#ticks"));
  await page.waitForFunction((a) => Number(document.querySelector("#ticks").textContent) > a, a);
  await page.close();
});

test("keyed list: add, remove, reorder", async () => {
  const page = await openLive("/list");
  const items = () => page.$$eval("#items li", (els) => els.map((e) => e.id + "=" + e.textContent));
  assert.deepEqual(await items(), ["item-1=one", "item-2=two", "item-3=three"]);
  // Mark a DOM node with an expando property (morphdom resets attributes, not properties):
  // a keyed move must keep the element, not re-create it.
  await page.$eval("#item-2", (e) => { e.__liveactorMarker = "kept"; });
  await page.click("#add");
  await page.waitForFunction(() => document.querySelectorAll("#items li").length === 4);
  assert.deepEqual(await items(), ["item-1=one", "item-2=two", "item-3=three", "item-4=item4"]);
  await page.click("#reverse");
  await page.waitForFunction(() => document.querySelector("#items li").id === "item-4");
  assert.deepEqual(await items(), ["item-4=item4", "item-3=three", "item-2=two", "item-1=one"]);
  await page.click("#remove-first");
  await page.waitForFunction(() => document.querySelectorAll("#items li").length === 3);
  assert.deepEqual(await items(), ["item-3=three", "item-2=two", "item-1=one"]);
  assert.equal(await page.$eval("#item-2", (e) => e.__liveactorMarker ?? ""), "kept");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("route params and push_patch update URL, content and title", async () => {
  const page = await openLive("/items/7");
  assert.equal(await text(page, "#id"), "7");
  assert.equal(await page.title(), "Item 7");
  const mount = await text(page, "#mount");
  await page.click("#next");
  await waitForText(page, "#id", "8");
  assert.equal(new URL(page.url()).pathname, "/items/8");
  assert.equal(await text(page, "#q"), "patched");
  assert.equal(await page.title(), "Item 8");
  assert.equal(await text(page, "#mount"), mount, "a patch keeps the mounted view");
  await page.close();
});

test("killing a view actor: the page recovers with a fresh mount", async () => {
  const page = await openLive("/");
  for (let i = 0; i < 3; i++) await clickAcked(page, "#inc");
  await waitForText(page, "#count", "3");
  const mount = await text(page, "#mount");
  server.stdin.write("kill-views\n");
  const killed = Number((await nextLine("KILLED")).split(" ")[1]);
  assert.ok(killed >= 1, "at least this page's view was killed");
  await page.waitForFunction((m) => document.querySelector("#mount").textContent !== m, mount, {timeout: 15000});
  await page.waitForSelector("[data-phx-main].phx-connected");
  assert.equal(await text(page, "#count"), "0", "fresh mount");
  await page.click("#inc");
  await waitForText(page, "#count", "1");
  await page.close();
});
