// Shared by uploads.test.mjs and gallery.test.mjs: one `liveactor serve` and one chromium for the
// whole file, and the sha256 the tests compare files by.
import {before, after} from "node:test";
import crypto from "node:crypto";

import {launchChromium, openLive, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

/// Registers before/after hooks that start `liveactor serve ARGS` (env added to the process's)
/// and chromium; returns {openLive(pathname), base(), server()} for the tests.
export function serveForTests(args, env = {}) {
  let server, browser, base;
  before(async () => {
    ({server, base} = await serveLiveactor(args, {env: {...process.env, PYTHONDONTWRITEBYTECODE: "1", ...env}}));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stopServer(server);
  });
  return {openLive: (pathname) => openLive(browser, base, pathname), base: () => base, server: () => server};
}

export const sha = (buffer) => crypto.createHash("sha256").update(buffer).digest("hex");
