// Uploads in a browser: Debian's chromium (playwright-core, setInputFiles) with the official
// phoenix_live_view 1.1.32 client against `liveactor serve ../uploadapp/app.py`: one file (the
// consumed file's sha256 equals the original's), three files, cancel, a file too large, a wrong type.
// Env: LIVEACTOR_BIN, LIVEACTOR_E2E_NODE_MODULES, CHROMIUM.
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

import {launchChromium, openLive as openLiveAt, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-uploads-out-"));
let server, browser, base;

before(async () => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-uploads-"));
  ({server, base} = await serveLiveactor(
      [path.join(here, "..", "uploadapp", "app.py"), "--port", "0", "--control-port", "0", "--state-dir", state],
      {env: {...process.env, UPLOAD_TEST_OUT: out, PYTHONDONTWRITEBYTECODE: "1"}}));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

const openLive = (pathname) => openLiveAt(browser, base, pathname);
const sha = (buffer) => crypto.createHash("sha256").update(buffer).digest("hex");
const file = (name, size, mimeType) => ({name, mimeType, buffer: crypto.randomBytes(size)});

test("one file: uploaded in chunks, consumed on submit, same bytes on disk", async () => {
  const page = await openLive("/");
  const f = file("one.png", 150_000, "image/png");
  await page.setInputFiles("input[type=file]", f);
  await page.waitForSelector("li:has-text('one.png')", {timeout: 10000});
  await page.click("#go");
  await page.waitForFunction(() => document.querySelector("#saved").textContent.includes("one.png:"), null,
                             {timeout: 15000});
  assert.match(await page.locator("#saved").innerText(), new RegExp("one.png:" + sha(f.buffer)));
  assert.equal(sha(fs.readFileSync(path.join(out, "one.png"))), sha(f.buffer));
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("three files at once", async () => {
  const page = await openLive("/");
  const files = [file("a.png", 20_000, "image/png"), file("b.jpg", 40_000, "image/jpeg"), file("c.png", 1, "image/png")];
  await page.setInputFiles("input[type=file]", files);
  await page.waitForSelector("li:has-text('c.png')", {timeout: 10000});
  await page.click("#go");
  await page.waitForFunction(() => (document.querySelector("#saved").textContent.match(/:/g) || []).length === 3,
                             null, {timeout: 15000});
  for (const f of files)
    assert.equal(sha(fs.readFileSync(path.join(out, f.name))), sha(f.buffer));
  await page.close();
});

test("cancel: a cancelled entry is not uploaded", async () => {
  const page = await openLive("/");
  const keep = file("keep.png", 30_000, "image/png"), drop = file("drop.png", 30_000, "image/png");
  await page.setInputFiles("input[type=file]", [keep, drop]);
  await page.waitForSelector("li:has-text('drop.png')", {timeout: 10000});
  await page.click("li:has-text('drop.png') button.cancel");
  await page.waitForFunction(() => !document.body.textContent.includes("drop.png"), null, {timeout: 10000});
  await page.click("#go");
  await page.waitForFunction(() => document.querySelector("#saved").textContent.includes("keep.png:"), null,
                             {timeout: 15000});
  assert.doesNotMatch(await page.locator("#saved").innerText(), /drop\.png/);
  assert.ok(!fs.existsSync(path.join(out, "drop.png")));
  await page.close();
});

test("too large and wrong type are shown as entry errors", async () => {
  const page = await openLive("/");
  await page.setInputFiles("input[type=file]", [file("big.png", 300_000, "image/png"), file("x.txt", 10, "text/plain")]);
  await page.waitForSelector("li:has-text('too_large')", {timeout: 10000});
  await page.waitForSelector("li:has-text('not_accepted')", {timeout: 10000});
  await page.close();
});
