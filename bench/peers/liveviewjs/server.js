// liveviewjs 0.8.1 counter: the benchmark peer of liveactor's counter example (bench/README.md).
// Usage: node server.js [port]   (default 4001; binds 127.0.0.1 only)
// Same page shape as liveactor: <meta name="csrf-token">, a container div with id="phx-…" and
// data-phx-session; the view answers "inc" clicks with a one-dynamic diff {"0":"<count>"}.
// No client assets are served: the load generator speaks the protocol itself.
const http = require("http");
const crypto = require("crypto");
const express = require("express");
const session = require("express-session");
const { WebSocketServer } = require("ws");
const { createLiveView, html } = require("liveviewjs");
const { NodeExpressLiveViewServer } = require("@liveviewjs/express");

const port = Number(process.argv[2] || process.env.PORT || 4001);
const secret = crypto.randomBytes(32).toString("hex");

const counter = createLiveView({
  mount: (socket) => { socket.assign({ count: 0 }); },
  handleEvent: (event, socket) => {
    if (event.type === "inc") socket.assign({ count: socket.context.count + 1 });
    else if (event.type === "dec") socket.assign({ count: socket.context.count - 1 });
  },
  render: (context) => html`<div><h1>${context.count}</h1><button phx-click="inc">+</button></div>`,
});

const page = (title, csrfToken, content) => html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="csrf-token" content="${csrfToken}">
<title>${title.title}</title></head><body>${content}</body></html>`;

const lv = new NodeExpressLiveViewServer({ "/": counter }, page, { title: "counter" },
                                         { serDeSigningSecret: secret });
const app = express();
app.use(session({ secret, resave: false, saveUninitialized: true }));
app.use(lv.httpMiddleware());
const server = http.createServer(app);
lv.wsMiddleware()(new WebSocketServer({ server }));
server.listen(port, "127.0.0.1", () => console.log(`liveviewjs counter on http://127.0.0.1:${port}/`));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
