// The gallery example (examples/gallery) in a browser: Debian's chromium (playwright-core) with the
// official phoenix_live_view client against `liveactor serve examples/app.py`. Two images chosen
// show their previews (object URLs, before any submit), upload, land in $GALLERY_DIR with the same
// bytes and appear in the grid, served by /gallery/image; a wrong type and too many files are shown.
// Env: LIVEACTOR_BIN, LIVEACTOR_EXAMPLES (examples/app.py), LIVEACTOR_E2E_NODE_MODULES, CHROMIUM.
import {test} from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import {serveForTests, sha} from "./uploads_setup.mjs";

const galleryDir = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-gallery-"));
const state = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-gallery-state-"));
const {openLive, base} = serveForTests(
    [process.env.LIVEACTOR_EXAMPLES, "--port", "0", "--control-port", "0", "--state-dir", state],
    {GALLERY_DIR: galleryDir});

/// A real PNG of w×h pixels in one colour, drawn by the page's canvas (so the browser can decode it).
async function png(page, name, w, h, colour) {
  const b64 = await page.evaluate(([w, h, colour]) => {
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, w, h);
    return canvas.toDataURL("image/png").split(",")[1];
  }, [w, h, colour]);
  return {name, mimeType: "image/png", buffer: Buffer.from(b64, "base64")};
}

test("two images: previews before the submit, then in the grid with the same bytes on disk", async () => {
  const page = await openLive("/gallery");
  const images = [await png(page, "red.png", 64, 48, "#d00"), await png(page, "blue.png", 40, 40, "#00d")];
  await page.setInputFiles("input[type=file]", images);
  // Both previews are decoded images from the client's object URLs; nothing was submitted yet.
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll("#entries img[data-phx-entry-ref]")];
    return imgs.length === 2 && imgs.every((i) => i.src.startsWith("blob:") && i.complete && i.naturalWidth > 0);
  }, null, {timeout: 10000});
  assert.deepEqual(await page.$$eval("#entries img", (imgs) => imgs.map((i) => [i.alt, i.naturalWidth])),
                   [["red.png", 64], ["blue.png", 40]]);
  assert.equal(await page.locator("#entries progress").count(), 2);
  assert.equal(await page.locator("#grid img").count(), 0);
  assert.deepEqual(fs.readdirSync(galleryDir), []);

  await page.click("#upload");
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll("#grid img")];
    return imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, null, {timeout: 15000});
  assert.equal(await page.locator("#entries li").count(), 0);
  assert.match(await page.locator("#count").innerText(), /^2 images/);
  const onDisk = fs.readdirSync(galleryDir).map((n) => sha(fs.readFileSync(path.join(galleryDir, n)))).sort();
  assert.deepEqual(onDisk, images.map((i) => sha(i.buffer)).sort());
  const widths = await page.$$eval("#grid img", (imgs) => imgs.map((i) => i.naturalWidth).sort((a, b) => a - b));
  assert.deepEqual(widths, [40, 64]);
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});

test("the image route serves gallery files only", async () => {
  const [name] = fs.readdirSync(galleryDir);
  const ok = await fetch(`${base()}/gallery/image?name=${name}`);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("content-type"), "image/png");
  for (const bad of ["../../../etc/passwd", "app.py", path.join(galleryDir, name), ""]) {
    const r = await fetch(`${base()}/gallery/image?name=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 404, bad);
  }
});

test("a wrong type and too many files are shown", async () => {
  const page = await openLive("/gallery");
  await page.setInputFiles("input[type=file]", {name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hi")});
  await page.waitForSelector(".entry-error:has-text('Not an accepted image type')", {timeout: 10000});
  assert.equal(await page.locator("#entries img").count(), 0); // no preview for an entry refused
  await page.click("#entries button.cancel");
  await page.waitForFunction(() => document.querySelectorAll("#entries li").length === 0, null, {timeout: 10000});
  const seven = [];
  for (let i = 0; i < 7; i++)
    seven.push(await png(page, `p${i}.png`, 4, 4, "#0a0"));
  await page.setInputFiles("input[type=file]", seven);
  await page.waitForSelector(".upload-error:has-text('Too many files')", {timeout: 10000});
  await page.close();
});
