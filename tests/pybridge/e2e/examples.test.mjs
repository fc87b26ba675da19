// Browser end-to-end over the Python examples: Debian's chromium (headless, playwright-core)
// against `liveactor serve examples/app.py` and the official phoenix_live_view client.
// Env: LIVEACTOR_BIN (the liveactor executable), LIVEACTOR_EXAMPLES (examples/app.py),
//      LIVEACTOR_E2E_NODE_MODULES (npm ci'd playwright-core), CHROMIUM (default /usr/bin/chromium).
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import {clickAcked, launchChromium, openLive as openLiveAt, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

let server, browser, base;

before(async () => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-"));
  ({server, base} = await serveLiveactor(
      [process.env.LIVEACTOR_EXAMPLES, "--port", "0", "--control-port", "0", "--state-dir", state]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

const openLive = (pathname) => openLiveAt(browser, base, pathname);

const textOf = (page, sel) => page.locator(sel).innerText();
const waitText = (page, sel, want, timeout = 10000) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [sel, want], {timeout});

test("index links to every example; live navigation mounts the counter", async () => {
  const page = await openLive("/");
  assert.equal(await page.locator("#examples li").count(), 10);
  await page.click("text=Counter");
  await page.waitForSelector("#count", {timeout: 10000});
  await page.waitForSelector("[data-phx-main].phx-connected");
  assert.equal(await page.title(), "Counter");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("counter: 20 clicks read 20", async () => {
  const page = await openLive("/counter");
  for (let i = 0; i < 20; i++) await clickAcked(page, "#inc");
  await waitText(page, "#count", "20");
  await page.click("#add10");
  await waitText(page, "#count", "30");
  assert.match(await page.locator(".note").innerText(), /lot of clicks/);
  await page.click("#reset");
  await waitText(page, "#count", "0");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("todo: validation, add, toggle, filter (live patch), delete", async () => {
  const page = await openLive("/todo");
  await page.fill("#title", "x".repeat(81));
  await page.waitForSelector("#error", {timeout: 10000});
  assert.match(await textOf(page, "#error"), /At most 80 characters \(81 now\)/);
  await page.fill("#title", "Buy milk");
  await page.waitForSelector("#error", {state: "detached"});
  await page.click("#add");
  await page.waitForFunction(() => [...document.querySelectorAll("#todos .title")].some((e) => e.textContent === "Buy milk"));
  // The box is empty again: the server's draft went from what was typed to "" (a diff the client
  // applies once the submit is acknowledged).
  await page.waitForFunction(() => document.querySelector("#title").value === "", null, {timeout: 10000});
  await waitText(page, "#remaining", "3 items left");
  await page.click("#todo-1 input[type=checkbox]");
  await page.waitForSelector("#todo-1.done");
  await page.click("button[phx-value-to=done]");
  await page.waitForFunction(() => location.search === "?filter=done");
  await page.waitForFunction(() => document.querySelectorAll("#todos li[id^=todo-]").length === 1);
  await page.click("button[phx-value-to=all]");
  await page.waitForFunction(() => document.querySelectorAll("#todos li[id^=todo-]").length === 3);
  await page.click("#todo-2 .delete");
  await page.waitForSelector("#todo-2", {state: "detached"});
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("chat: two browsers see each other's messages", async () => {
  const ann = await openLive("/chat?name=ann");
  const bob = await openLive("/chat?name=bob");
  const unique = `hello bob ${Date.now()}`;
  await ann.fill("#name", "annie");
  await ann.fill("#send .message", unique);
  await ann.press("#send .message", "Enter");
  await bob.waitForFunction((u) => [...document.querySelectorAll("#messages .text")].some((e) => e.textContent === u),
                            unique, {timeout: 10000});
  // After Enter the message box is empty and focused again, and the name field keeps its value.
  await ann.waitForFunction(() => document.querySelector("#send .message").value === ""
                            && document.activeElement === document.querySelector("#send .message"), null, {timeout: 10000});
  assert.equal(await ann.inputValue("#name"), "annie");
  await bob.fill("#send .message", "hi ann");
  await bob.press("#send .message", "Enter");
  await ann.waitForFunction(() => [...document.querySelectorAll("#messages li")].some((e) => e.textContent.includes("bob: hi ann")),
                            null, {timeout: 10000});
  // the sidebar, a nested live view, counted both messages on its own subscription
  await ann.waitForFunction(() => document.querySelector("#activity .count")?.textContent === "2"
                            && document.querySelector("#activity .last")?.textContent === "bob", null, {timeout: 10000});
  assert.equal(await ann.getAttribute("#activity", "data-phx-parent-id"), await ann.getAttribute("[data-phx-main]", "id"));
  assert.deepEqual([...ann.liveErrors, ...bob.liveErrors], []);
  await ann.close();
  await bob.close();
});

test("clock: the server pushes a tick every second", async () => {
  const page = await openLive("/clock");
  await page.waitForFunction(() => Number(document.querySelector("#ticks").textContent) >= 2, null, {timeout: 6000});
  await page.close();
});

test("dashboard: 500 rows, paging re-renders the table, metrics tick", async () => {
  const page = await openLive("/dashboard");
  assert.equal(await page.locator("#rows tr").count(), 500);
  await page.click("#next");
  await page.waitForSelector("#row-501", {timeout: 10000});
  assert.equal(await page.locator("#rows tr").count(), 500);
  await page.waitForFunction(() => Number(document.querySelector("#samples").textContent) >= 1, null, {timeout: 5000});
  assert.equal(await page.locator("#rows tr").count(), 500, "a metrics push keeps the rows on the page");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("login: members only without a session, a form POST with its CSRF token logs in, logout ends it", async () => {
  const page = await browser.newPage();
  await page.goto(base + "/members");
  assert.equal(new URL(page.url()).pathname, "/login");         // the live view's `requires`
  await page.fill("#name", "Ada");
  await Promise.all([page.waitForURL(base + "/members"), page.click("#login")]);
  await page.waitForSelector("[data-phx-main].phx-connected", {timeout: 10000});
  assert.equal(await textOf(page, "#hello"), "Hello, Ada");     // mount read the login's session
  await clickAcked(page, "#wave");
  await waitText(page, "#waves", "1");
  const forged = await page.request.post(base + "/login", {form: {name: "Mallory"}});
  assert.equal(forged.status(), 403);                           // no _csrf_token: refused
  await Promise.all([page.waitForURL(base + "/login"), page.click("#logout")]);
  await page.goto(base + "/members");
  assert.equal(new URL(page.url()).pathname, "/login");
  await page.close();
});
