// liveviewjs 0.8.1 counter: the benchmark peer of liveactor's counter example (bench/README.md).
// Also the fanout peer: /fanout is the chat-like room of bench/loadtest/fanout_app.py and
// GET /publish?seq=N its trigger (bench/loadtest/fanout).
// Usage: node server.js [port]   (default 4001; binds 127.0.0.1 only)
// Same page shape as liveactor: <meta name="csrf-token">, a container div with id="phx-…" and
// data-phx-session. The view mirrors examples/counter/app.py (same markup, same events, the same
// conditional note from 10 clicks on); an "inc" click is answered with a diff of the count.
// No client assets are served: the load generator speaks the protocol itself.
const http = require("http");
const crypto = require("crypto");
const express = require("express");
const session = require("express-session");
const { WebSocketServer } = require("ws");
const events = require("events");
const { createLiveView, html, SingleProcessPubSub } = require("liveviewjs");
const { NodeExpressLiveViewServer } = require("@liveviewjs/express");

const port = Number(process.argv[2] || process.env.PORT || 4001);
const secret = crypto.randomBytes(32).toString("hex");

const counter = createLiveView({
  mount: (socket) => { socket.assign({ count: 0 }); },
  handleEvent: (event, socket) => {
    const count = socket.context.count;
    if (event.type === "inc") socket.assign({ count: count + 1 });
    else if (event.type === "dec") socket.assign({ count: count - 1 });
    else if (event.type === "add") socket.assign({ count: count + (Number(event.by) || 1) });
    else if (event.type === "reset") socket.assign({ count: 0 });
  },
  render: ({ count }) => html`
<section class="counter">
  <h1>Count: <span id="count">${count}</span></h1>
  <button id="dec" phx-click="dec">−</button>
  <button id="inc" phx-click="inc">+</button>
  <button id="add10" phx-click="add" phx-value-by="10">+10</button>
  <button id="reset" phx-click="reset">reset</button>
  ${count >= 10 ? html`<p class="note">That is a lot of clicks.</p>` : ""}
  <p><a href="/">all examples</a></p>
</section>`,
});

// The fanout room, as bench/loadtest/fanout_app.py's Room: subscribed to one topic, the last 10
// messages in a list. Each message carries the stamp "fanout:<seq>:<µs since the epoch>", taken
// right before the broadcast, as one expression so the load generator finds it in the diff.
const TOPIC = "fanout:room";
const HISTORY = 10;
const pubSub = new SingleProcessPubSub();
// liveviewjs subscribes every view on one process-wide EventEmitter: lift its 10-listener warning.
events.EventEmitter.defaultMaxListeners = 0;
let subscribers = 0;
const room = createLiveView({
  mount: (socket) => {
    socket.assign({ messages: [], received: 0 });
    if (socket.connected) {
      socket.subscribe(TOPIC);
      subscribers += 1;
    }
  },
  handleInfo: (info, socket) => {
    if (info.type !== "message") return;
    const { messages, received } = socket.context;
    socket.assign({ messages: [...messages, info.message].slice(-HISTORY), received: received + 1 });
  },
  shutdown: () => { subscribers -= 1; },
  render: ({ messages, received }) => html`
<section class="chat">
  <h1>Room</h1>
  <ol id="messages">
    ${messages.map((m) => html`<li id="m-${m.seq}"><b>${m.sender}</b>: ${m.text} <small>${m.stamp}</small></li>
    `)}
  </ol>
  <p><span id="received">${received}</span> received</p>
</section>`,
});

function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function publish(req, res) {
  const seq = Number(req.query.seq);
  if (!Number.isInteger(seq)) {
    res.status(400).type("text/plain").send("seq must be an integer\n");
    return;
  }
  const stamp = `fanout:${seq}:${nowMicros()}`;
  pubSub.broadcast(TOPIC, { type: "message", message: { seq, sender: "bench", text: `message ${seq}`, stamp } });
  res.type("text/plain").send(`${subscribers}\n`);
}

const page = (title, csrfToken, content) => html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="csrf-token" content="${csrfToken}">
<title>${title.title}</title></head><body>${content}</body></html>`;

const lv = new NodeExpressLiveViewServer({ "/": counter, "/fanout": room }, page, { title: "counter" },
                                         { serDeSigningSecret: secret, pubSub });
const app = express();
app.get("/publish", publish);
app.use(session({ secret, resave: false, saveUninitialized: true }));
app.use(lv.httpMiddleware());
const server = http.createServer(app);
lv.wsMiddleware()(new WebSocketServer({ server }));
server.listen(port, "127.0.0.1", () => console.log(`liveviewjs counter on http://127.0.0.1:${port}/`));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
