// Shared by the browser end-to-end suites (tests/e2e, tests/pybridge/e2e): Debian's chromium
// through playwright-core, and a page that is connected to its LiveView.
// Env: LIVEACTOR_E2E_NODE_MODULES (npm ci'd playwright-core), CHROMIUM (default /usr/bin/chromium).
import {createRequire} from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.LIVEACTOR_E2E_NODE_MODULES ?? ".", "noop.js"));
const {chromium} = require("playwright-core");

/// Headless chromium with the flags this closed network needs (no background connections).
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/// Opens base + pathname and waits until the LiveView has joined (phx-connected); page errors
/// and console errors are collected in page.liveErrors.
export async function openLive(browser, base, pathname) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(base + pathname);
  await page.waitForSelector("[data-phx-main].phx-connected", {timeout: 10000});
  page.liveErrors = errors;
  return page;
}
