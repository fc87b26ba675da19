// Uploads in a browser: Debian's chromium (playwright-core, setInputFiles) with the official
// phoenix_live_view 1.1.32 client against `liveactor serve ../uploadapp/app.py`: one file (the
// consumed file's sha256 equals the original's), one file through a live component's form, three
// files, cancel, a file too large, a wrong type,
// too many files, auto-upload, drag and drop onto a phx-drop-target, a 50 MB file, and a page or
// socket closed mid-upload (the temporary file under <state dir>/uploads is removed).
// Env: LIVEACTOR_BIN, LIVEACTOR_E2E_NODE_MODULES, CHROMIUM.
import {test} from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

import {serveForTests, sha} from "./uploads_setup.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-uploads-out-"));
const state = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-uploads-"));
const {openLive, server: serverProcess} = serveForTests(
    [path.join(here, "..", "uploadapp", "app.py"), "--port", "0", "--control-port", "0", "--state-dir", state],
    {UPLOAD_TEST_OUT: out});
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

test("a live component's form: the file goes to the component's upload (cid), not the view's", async () => {
  const page = await openLive("/cards");
  const f = file("card.png", 60_000, "image/png");
  await page.setInputFiles("#cf2 input[type=file]", f);
  await page.waitForSelector("#card2 li:has-text('card.png')", {timeout: 10000});
  await page.click("#go2");
  await page.waitForFunction(() => document.querySelector("#saved2").textContent.includes("card.png:"), null,
                             {timeout: 15000});
  assert.match(await page.locator("#saved2").innerText(), new RegExp("card.png:" + sha(f.buffer)));
  assert.equal(await page.locator("#saved1").innerText(), "");
  assert.equal(sha(fs.readFileSync(path.join(out, "card2-card.png"))), sha(f.buffer));
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

test("too many files: the upload's error is shown", async () => {
  const page = await openLive("/");
  await page.setInputFiles("input[type=file]", ["a", "b", "c", "d"].map((n) => file(n + ".png", 100, "image/png")));
  await page.waitForFunction(() => document.querySelector("#errors").textContent.includes("too_many_files"), null,
                             {timeout: 10000});
  await page.close();
});

test("auto-upload: the file goes up without a submit", async () => {
  const page = await openLive("/auto");
  await page.setInputFiles("input[type=file]", file("auto.png", 50_000, "image/png"));
  await page.waitForSelector("li:has-text('auto.png'):has-text('done')", {timeout: 15000});
  assert.match(await page.locator("li:has-text('auto.png')").innerText(), /auto\.png 100 done/);
  await page.click("#go");
  await page.waitForFunction(() => document.querySelector("#saved").textContent.includes("auto.png:"), null,
                             {timeout: 15000});
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("drag and drop: a file dropped on the phx-drop-target is uploaded", async () => {
  const page = await openLive("/");
  const bytes = crypto.randomBytes(25_000);
  // A DataTransfer built in the page carries a real File; the official client handles the drop.
  await page.evaluate((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], "dropped.png", {type: "image/png"}));
    const target = document.getElementById("drop");
    target.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
    target.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
  }, [...bytes]);
  await page.waitForSelector("li:has-text('dropped.png')", {timeout: 10000});
  await page.click("#go");
  await page.waitForFunction(() => document.querySelector("#saved").textContent.includes("dropped.png:"), null,
                             {timeout: 15000});
  assert.equal(sha(fs.readFileSync(path.join(out, "dropped.png"))), sha(bytes));
  await page.close();
});

/// A file of `size` random bytes in a temporary folder (setInputFiles takes its path).
function bigFile(name, size) {
  const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-big-")), name);
  const fd = fs.openSync(p, "w");
  const hash = crypto.createHash("sha256");
  for (let left = size; left > 0;) {
    const block = crypto.randomBytes(Math.min(left, 1 << 20));
    hash.update(block);
    fs.writeSync(fd, block);
    left -= block.length;
  }
  fs.closeSync(fd);
  return {path: p, sha: hash.digest("hex")};
}

test("a 50 MB file: the consumed file has the same sha256", async () => {
  const page = await openLive("/big");
  const big = bigFile("fifty.bin", 50 * 1024 * 1024);
  await page.setInputFiles("input[type=file]", big.path);
  await page.waitForSelector("li:has-text('fifty.bin')", {timeout: 10000});
  await page.click("#go");
  await page.waitForFunction(() => document.querySelector("#saved").textContent.includes("fifty.bin:"), null,
                             {timeout: 120000});
  assert.match(await page.locator("#saved").innerText(), new RegExp("fifty.bin:" + big.sha));
  assert.equal(fs.statSync(path.join(out, "fifty.bin")).size, 50 * 1024 * 1024);
  fs.rmSync(path.dirname(big.path), {recursive: true});
  fs.rmSync(path.join(out, "fifty.bin"));
  await page.close();
});

const uploadDir = () => path.join(state, "uploads");
// The server's open files under its upload dir. QTemporaryFile opens an entry's file with O_TMPFILE
// where the file system has it: the file has no name in the folder until a complete entry is
// consumed, so an upload in progress shows only as an open descriptor ("…/uploads/#123 (deleted)").
const openUploadFiles = () => fs.readdirSync(`/proc/${serverProcess().pid}/fd`).flatMap((fd) => {
  try {
    const target = fs.readlinkSync(`/proc/${serverProcess().pid}/fd/${fd}`);
    return target.startsWith(uploadDir() + path.sep) ? [target] : [];
  } catch {
    return []; // closed between the listing and the readlink
  }
});
const namedUploadFiles = () => fs.existsSync(uploadDir()) ? fs.readdirSync(uploadDir()) : [];

/// Polls until check() is true (a deadline only to end a test that would otherwise hang).
async function eventually(check, what, ms = 20000) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (check())
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(what());
}

/// Starts a slow upload (1 KB chunks, each acknowledged before the next) and returns once the
/// server holds its temporary file open, far from complete.
async function startSlowUpload(page) {
  assert.deepEqual(openUploadFiles(), []);
  const slow = bigFile("slow.bin", 8 * 1024 * 1024);
  await page.setInputFiles("input[type=file]", slow.path);
  await page.click("#go");
  await eventually(() => openUploadFiles().length === 1, () => "the server opened no upload file under " + uploadDir());
  fs.rmSync(path.dirname(slow.path), {recursive: true});
}

test("closing the page mid-upload removes the temporary file", async () => {
  const page = await openLive("/big?chunk=1000");
  await startSlowUpload(page);
  await page.close();
  await eventually(() => openUploadFiles().length + namedUploadFiles().length === 0,
                   () => "upload files left: " + [...openUploadFiles(), ...namedUploadFiles()]);
});

test("closing the socket mid-upload removes the temporary file", async () => {
  const page = await openLive("/big?chunk=1000");
  await startSlowUpload(page);
  await page.evaluate(() => window.liveSocket.disconnect());
  await eventually(() => openUploadFiles().length + namedUploadFiles().length === 0,
                   () => "upload files left: " + [...openUploadFiles(), ...namedUploadFiles()]);
  await page.close();
});
