// Browser end-to-end for streams: `liveactor serve examples/feed/app.py` in Debian's chromium
// with the official phoenix_live_view client. Prepend (timer), append (phx-viewport-bottom),
// delete and reset must change the list as asked and keep the DOM nodes of the posts that stay.
// Env: LIVEACTOR_BIN, LIVEACTOR_FEED_APP (examples/feed/app.py), LIVEACTOR_E2E_NODE_MODULES.
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import {launchChromium, openLive, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

let server, browser, base;

before(async () => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-feed-"));
  ({server, base} = await serveLiveactor(
      [process.env.LIVEACTOR_FEED_APP, "--port", "0", "--control-port", "0", "--state-dir", state]));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

const ids = (page) => page.$$eval("#posts > li", (els) => els.map((e) => e.id));
// Marks every post node now in the list; sameNodes() later names the marked ids whose node changed.
const markNodes = (page) => page.evaluate(() => {
  window.marked = new Map([...document.querySelectorAll("#posts > li")].map((e) => [e.id, e]));
});
const replacedNodes = (page, stillThere) => page.evaluate((want) =>
  want.filter((id) => document.getElementById(id) !== window.marked.get(id)), stillThere);

test("feed: prepend, append, delete and reset keep the nodes of posts that stay", async () => {
  const page = await openLive(browser, base, "/?every=0.3");
  // newest first: the first page (1000000 down to 999981) under the new posts the timer prepends
  const contiguous = (list) => {
    const top = Number(list[0].slice("posts-".length));
    return list.join() === Array.from({length: list.length}, (_, i) => `posts-${top - i}`).join();
  };
  let now = await ids(page);
  assert.ok(contiguous(now) && now.at(-1) === "posts-999981", now.join());
  await markNodes(page);

  // prepend: the timer's new posts go on top, the others stay as they were
  const top = now[0];
  await page.waitForFunction((t) => document.querySelector("#posts > li")?.id !== t, top, {timeout: 10000});
  await page.click("#toggle-live");
  await page.waitForSelector("text=resume new posts");
  now = await ids(page);
  assert.ok(contiguous(now) && now.at(-1) === "posts-999981" && now[0] !== top, now.join());
  assert.deepEqual(await replacedNodes(page, [...(await page.evaluate(() => [...window.marked.keys()]))]), []);

  // append: scrolling to the bottom loads the next page of older posts
  const before = now.length;
  await page.locator("#posts > li").last().scrollIntoViewIfNeeded();
  await page.waitForFunction((n) => document.querySelectorAll("#posts > li").length === n + 20, before, {timeout: 10000});
  now = await ids(page);
  assert.equal(now.at(-1), "posts-999961");
  assert.equal(new Set(now).size, now.length);
  assert.deepEqual(await replacedNodes(page, [...(await page.evaluate(() => [...window.marked.keys()]))]), []);

  // delete: one node goes, the others stay
  await page.click("#posts-999990 .delete");
  await page.waitForSelector("#posts-999990", {state: "detached"});
  const kept = (await ids(page)).filter((id) => id !== "posts-999990");
  assert.equal((await ids(page)).length, now.length - 1);
  await markNodes(page);

  // reset: the first page again; posts inserted again in the reset keep their nodes
  await page.click("#reset");
  await page.waitForFunction(() => document.querySelectorAll("#posts > li").length === 20, null, {timeout: 10000});
  now = await ids(page);
  assert.deepEqual(now, Array.from({length: 20}, (_, i) => `posts-${1000000 - i}`));
  const stayed = now.filter((id) => kept.includes(id));
  assert.ok(stayed.length >= 19);
  assert.deepEqual(await replacedNodes(page, stayed), []);
  assert.equal(await page.locator("#streamed").innerText(), "20");
  assert.deepEqual(page.liveErrors, []);
  await page.close();
});
