// Browser end-to-end over the Django example: Debian's chromium (headless, playwright-core)
// against `liveactor serve --django notes.settings app.py` run from examples/notes, with a fresh
// SQLite database in a temporary state directory.
// Env: LIVEACTOR_BIN (the liveactor executable), LIVEACTOR_NOTES_DIR (examples/notes),
//      LIVEACTOR_E2E_NODE_MODULES (npm ci'd playwright-core), CHROMIUM (default /usr/bin/chromium),
//      PYTHON (default /usr/bin/python3, for Django's own login in the last test).
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import {launchChromium, openLive as openLiveAt, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

const notesDir = process.env.LIVEACTOR_NOTES_DIR;
let server, browser, base, state;

before(async () => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-notes-e2e-"));
  const env = {...process.env, LIVEACTOR_STATE_DIR: state};
  delete env.DJANGO_SETTINGS_MODULE;
  ({server, base} = await serveLiveactor(
      ["--django", "notes.settings", "app.py", "--port", "0", "--control-port", "0"], {cwd: notesDir, env}));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
  if (state) fs.rmSync(state, {recursive: true, force: true});
});

const openLive = (pathname) => openLiveAt(browser, base, pathname);
const titles = (page) => page.locator("#notes .title").allInnerTexts();

test("notes: validation, save through the ORM, the list, persisted across page loads", async () => {
  const page = await openLive("/notes");
  assert.equal(await page.title(), "Notes");
  assert.match(await page.locator("#who").innerText(), /anonymous/);
  await page.waitForSelector("#notes li.empty");

  await page.fill("#title", "x".repeat(81));
  await page.waitForSelector("#error", {timeout: 10000});
  assert.match(await page.locator("#error").innerText(), /At most 80 characters \(81 now\)/);
  await page.fill("#title", "Buy milk");
  await page.waitForSelector("#error", {state: "detached"});
  await page.fill("#body", "two litres");
  await page.click("#save");
  await page.waitForSelector("#saved");
  assert.deepEqual(await titles(page), ["Buy milk"]);
  assert.equal(await page.inputValue("#title"), "");
  assert.equal(await page.locator("#count").innerText(), "1 note");

  // submitting an empty title is refused on the server too
  await page.click("#save");
  await page.waitForSelector("#error");
  assert.match(await page.locator("#error").innerText(), /needs a title/);

  await page.fill("#title", "Call Ann");
  await page.press("#title", "Enter");
  await page.waitForFunction(() => document.querySelector("#notes .title")?.textContent === "Call Ann");
  assert.deepEqual(await titles(page), ["Call Ann", "Buy milk"]);

  const again = await openLive("/notes");           // read back from the database
  assert.deepEqual(await titles(again), ["Call Ann", "Buy milk"]);
  assert.match(await again.locator("#note-1 .body").innerText(), /two litres/);
  assert.deepEqual([...page.liveErrors, ...again.liveErrors], []);
  await page.close();
  await again.close();
});

test("notes: another tab sees a new note at once (pub/sub)", async () => {
  const a = await openLive("/notes");
  const b = await openLive("/notes");
  const unique = `From tab a ${Date.now()}`;
  await a.fill("#title", unique);
  await a.click("#save");
  await b.waitForFunction((u) => document.querySelector("#notes .title")?.textContent === u, unique, {timeout: 10000});
  assert.deepEqual([...a.liveErrors, ...b.liveErrors], []);
  await a.close();
  await b.close();
});

test("notes: export runs in the background, progress updates, then the result", async () => {
  const page = await openLive("/notes");
  const count = Number((await page.locator("#count").innerText()).split(" ")[0]);
  await page.click("#export");
  await page.waitForSelector("#progress", {timeout: 10000});
  assert.equal(await page.locator("#export").isDisabled(), true);
  // a value strictly between the start and the end: pushed by handle_info while the task runs
  await page.waitForFunction(() => {
    const v = Number(document.querySelector("#progress")?.getAttribute("value"));
    return v > 0 && v < 100;
  }, null, {timeout: 10000});
  // the page still answers events while the export runs
  await page.fill("#title", "y".repeat(90));
  await page.waitForSelector("#error", {timeout: 10000});
  await page.waitForSelector("#export-done", {timeout: 15000});
  assert.match(await page.locator("#export-done").innerText(),
               new RegExp(`^Exported ${count} notes?, \\d+ bytes of CSV\\.$`));
  assert.equal(await page.locator("#progress").count(), 0);
  assert.equal(await page.locator("#export").isDisabled(), false);
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("notes: a user logged in through Django is the one mount sees", async () => {
  // Django's own API against the server's database: a user, and login() for its session cookie
  const script = `
import django, os, sys
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "notes.settings"
django.setup()
from django.contrib.auth.models import User
from django.test import Client
User.objects.create_user("ann", password="ann-secret-pw")
c = Client()
assert c.login(username="ann", password="ann-secret-pw")
print(c.cookies["sessionid"].value)
`;
  const sessionid = execFileSync(process.env.PYTHON ?? "/usr/bin/python3", ["-c", script],
                                 {cwd: notesDir, env: {...process.env, LIVEACTOR_STATE_DIR: state}}).toString().trim();
  const context = await browser.newContext();
  await context.addCookies([{name: "sessionid", value: sessionid, url: base}]);
  const page = await openLiveAt(context, base, "/me");
  assert.equal(await page.locator("#hello").innerText(), "Hello, ann");
  await page.click("a[href='/notes']");                // a full page load, the cookie goes along
  await page.waitForURL(/\/notes$/);
  await page.waitForSelector("[data-phx-main].phx-connected", {timeout: 10000});
  assert.equal(await page.locator("#username").innerText(), "ann");
  await page.fill("#title", "Ann's note");
  await page.click("#save");
  await page.waitForFunction(() => document.querySelector("#notes .meta")?.textContent.startsWith("by ann,"));

  const anonymous = await openLive("/me");          // no cookie: nobody
  assert.equal(await anonymous.locator("#hello").innerText(), "anonymous");
  assert.deepEqual([...page.liveErrors, ...anonymous.liveErrors], []);
  await anonymous.close();
  await context.close();
});
