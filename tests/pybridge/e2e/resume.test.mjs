// Browser end-to-end for views that resume (issue 16): Debian's chromium (playwright-core) with
// the official phoenix_live_view 1.1.32 client, two `liveactor serve --redis` instances on a
// real redis-server, and in front of them Debian's haproxy (`balance first`: every connection goes
// to A while A is up, then to B; HTTP mode with the WebSocket tunnelled, as docs/deploying.md
// configures it). Without /usr/sbin/haproxy a TCP pass-through that sends each connection to the
// first instance that accepts it stands in, and the test says so.
// The page counts to 7 on instance A; A is killed (SIGKILL); the client reconnects through the
// same address, lands on B and shows 7, resumed, and the next click gives 8.
// Env: LIVEACTOR_BIN, LIVEACTOR_E2E_NODE_MODULES, CHROMIUM; redis-server and redis-cli on PATH.
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {execFileSync, spawn} from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

import {clickAcked, launchChromium, openLive, serveLiveactor, stopServer} from "../../e2e/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = path.join(here, "..", "resume_app.py");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "liveactor-e2e-resume-"));
const hasRedis = (() => {
  try {
    execFileSync("redis-server", ["--version"]);
    return true;
  } catch {
    return false;
  }
})();
let redis, redisUrl, instances = [], proxy, browser;

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const {port} = s.address();
    s.close(() => resolve(port));
  });
});

async function startRedis() {
  const port = await freePort();
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", tmp], {stdio: "ignore"});
  for (;;) { // until it accepts connections
    const up = await new Promise((r) => net.connect(port, "127.0.0.1").on("connect", function () {
      this.destroy();
      r(true);
    }).on("error", () => r(false)));
    if (up)
      return {proc, url: `redis://127.0.0.1:${port}/0`};
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// Each connection goes to the first of ports that accepts it.
function passThrough(ports) {
  const server = net.createServer((client) => {
    client.pause();
    const attempt = (i) => {
      if (i >= ports.length)
        return client.destroy();
      const upstream = net.connect(ports[i], "127.0.0.1");
      upstream.once("error", () => attempt(i + 1));
      upstream.once("connect", () => {
        upstream.removeAllListeners("error");
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const haproxyBin = "/usr/sbin/haproxy";

/// haproxy in front of ports: the first server takes every connection while it is up (a refused
/// connection is dispatched to the next one at once, and health checks take a dead one out).
async function haproxy(ports) {
  const front = await freePort();
  const cfg = path.join(tmp, "haproxy.cfg");
  fs.writeFileSync(cfg, ["global", "  log stderr format short local0 warning",
                         "defaults", "  mode http", "  log global", "  timeout connect 2s", "  timeout client 60s",
                         "  timeout server 60s", "  timeout tunnel 1h", "  retries 2", "  option redispatch 1",
                         "frontend liveactor", `  bind 127.0.0.1:${front}`, "  default_backend instances",
                         "backend instances", "  balance first", "  option httpchk GET /health",
                         ...ports.map((p, i) => `  server i${i} 127.0.0.1:${p} check inter 500ms fall 2 rise 1 maxconn 1000`),
                         ""].join("\n"));
  const proc = spawn(haproxyBin, ["-db", "-f", cfg], {stdio: ["ignore", "ignore", "inherit"]});
  for (let tries = 0; ; ++tries) { // until it answers /health through a live server
    const ok = await fetch(`http://127.0.0.1:${front}/health`).then((r) => r.ok, () => false);
    if (ok)
      return {address: () => ({port: front}), close: () => proc.kill("SIGKILL")};
    if (tries > 200 || proc.exitCode !== null)
      throw new Error("haproxy did not come up");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// The counts in the records Redis holds now.
const storedCounts = () => execFileSync("redis-cli", ["-u", redisUrl, "--scan", "--pattern", "liveactor:persist:*"])
  .toString().split("\n").filter(Boolean)
  .map((key) => JSON.parse(execFileSync("redis-cli", ["-u", redisUrl, "GET", key]).toString()).state.count);

before(async () => {
  if (!hasRedis)
    return;
  ({proc: redis, url: redisUrl} = await startRedis());
  const state = fs.mkdtempSync(path.join(tmp, "state-")); // one secret for both instances
  for (const name of ["a", "b"])
    instances.push(await serveLiveactor([app, "--port", "0", "--control-port", "0", "--state-dir", state,
                                         "--redis", redisUrl, "--instance-name", name, "--executors", "1"]));
  const ports = instances.map((i) => Number(new URL(i.base).port));
  if (fs.existsSync(haproxyBin)) {
    proxy = await haproxy(ports);
  } else {
    console.log(`# ${haproxyBin} is missing (apt-get install haproxy): a TCP pass-through stands in for it`);
    proxy = await passThrough(ports);
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  proxy?.close();
  for (const i of instances) // the killed one has a signalCode, not an exitCode
    if (i.server.signalCode === null)
      await stopServer(i.server);
  redis?.kill("SIGKILL");
  fs.rmSync(tmp, {recursive: true, force: true});
});

const waitText = (page, sel, want, timeout = 15000) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [sel, want], {timeout});

test("a counter at 7 on a killed instance shows 7 on the next one, and the next click gives 8",
     {skip: !hasRedis && "redis-server is not installed"}, async () => {
  const base = `http://127.0.0.1:${proxy.address().port}`;
  const page = await openLive(browser, base, "/clicker");
  for (let i = 0; i < 7; ++i)
    await clickAcked(page, "#inc");
  await waitText(page, "#count", "7");
  for (let tries = 0; !storedCounts().includes(7); ++tries) { // written after the reply: wait for it
    assert.ok(tries < 300, "the state never reached Redis");
    await new Promise((r) => setTimeout(r, 50));
  }

  const a = instances[0].server;
  const exited = new Promise((r) => a.once("exit", r));
  a.kill("SIGKILL");
  await exited;
  await waitText(page, "#note", "resumed"); // the client reconnected through the same address
  assert.equal(await page.locator("#count").innerText(), "7");
  await page.waitForSelector("[data-phx-main].phx-connected");
  await clickAcked(page, "#inc");
  await waitText(page, "#count", "8");
  assert.deepEqual(page.liveErrors.filter((e) => !/WebSocket|ERR_CONNECTION|net::/.test(e)), []);
  await page.close();
});
