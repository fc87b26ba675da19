// Shared by the browser end-to-end suites (tests/e2e, tests/pybridge/e2e): Debian's chromium
// through playwright-core, and a page that is connected to its LiveView.
// Env: LIVEACTOR_E2E_NODE_MODULES (npm ci'd playwright-core), CHROMIUM (default /usr/bin/chromium),
//      LIVEACTOR_BIN for serveLiveactor().
import {spawn} from "node:child_process";
import {createRequire} from "node:module";
import path from "node:path";
import readline from "node:readline";

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

/// Clicks a phx-click element and waits until the server acknowledged the event. The official
/// client ignores a click on an element whose previous event is still unacknowledged (it carries
/// data-phx-ref-src until the reply), so clicks in a loop on a loaded machine would be dropped by
/// the client, not the server.
export async function clickAcked(page, selector) {
  await page.click(selector);
  await page.waitForFunction((s) => !document.querySelector(s)?.hasAttribute("data-phx-ref-src"), selector,
                             {timeout: 15000});
}

/// Starts `liveactor serve ARGS` (LIVEACTOR_BIN) and resolves to {server, base} once it reports
/// its address ("listening on http://…"); options go to child_process.spawn (cwd, env).
export function serveLiveactor(args, options = {}, timeoutMs = 30000) {
  const server = spawn(process.env.LIVEACTOR_BIN, ["serve", ...args],
                       {...options, stdio: ["ignore", "pipe", "pipe"]});
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("liveactor serve did not report its address")), timeoutMs);
    for (const stream of [server.stdout, server.stderr]) {
      readline.createInterface({input: stream}).on("line", (l) => {
        const m = l.match(/listening on (http:\/\/[0-9.]+:[0-9]+)/);
        if (m) { clearTimeout(t); resolve({server, base: m[1]}); }
        if (process.env.LIVEACTOR_E2E_VERBOSE) console.error(l);
      });
    }
    server.once("exit", (code) => reject(new Error(`liveactor serve exited with ${code}`)));
  });
}

/// SIGTERM to a server still running, resolved when it has exited.
export async function stopServer(server) {
  if (!server || server.exitCode !== null)
    return;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  await exited;
}
