// Stream oracle: the official phoenix_live_view client merges our join and diffs (Rendered) and
// patches a jsdom DOM with them (DOMPatch, morphdom), as view.js does; after every step the DOM
// must equal our full render of what the stream should hold, and every stream item the step did
// not delete, reset or prune must still be the same DOM node.
//
//   node stream_oracle.mjs CLIENT_NODE_MODULES JSDOM_NODE_MODULES STEPS.jsonl
//
// STEPS.jsonl: one object per line: {"seed":S,"step":N,"join":{…},"html":"…","kept":[ids]}
// starts a view, {"seed":S,"step":N,"diff":{…},"html":"…","kept":[ids]} applies a diff. Prints
// {"ok":steps} or {"fail":…} with the seed, the step and both HTML strings; exits 1 on failure.
import "./client_resolver.mjs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";

const [clientModules, jsdomModules, stepsFile] = process.argv.slice(2);
const { JSDOM } = createRequire(`${jsdomModules}/`)("jsdom");
const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>");
for (const name of ["window", "document", "Node", "Element", "HTMLElement", "HTMLImageElement",
  "HTMLVideoElement", "HTMLInputElement", "HTMLFormElement", "HTMLTextAreaElement",
  "HTMLSelectElement", "HTMLButtonElement", "HTMLIFrameElement", "DocumentFragment",
  "CustomEvent", "Event", "getComputedStyle"]) {
  globalThis[name] = dom.window[name];
}
const errors = [];
console.error = (...args) => errors.push(args.map(String).join(" "));

const lvDir = `${clientModules}/phoenix_live_view/assets/js/phoenix_live_view`;
const { default: Rendered } = await import(pathToFileURL(`${lvDir}/rendered.js`).href);
const { default: DOMPatch } = await import(pathToFileURL(`${lvDir}/dom_patch.js`).href);

// The parts of LiveSocket and View that DOMPatch calls, doing what they do for a patch that
// has no hooks, transitions or nested views.
const liveSocket = {
  binding: (kind) => `phx-${kind}`,
  getActiveElement: () => document.body,
  time: (_name, fn) => fn(),
  isDebugEnabled: () => true, // DOMPatch then reports duplicate ids and bad stream inserts
  silenceEvents: (fn) => fn(),
  transitionRemoves: (els, _view, done) => { els.forEach((el) => el.remove()); done && done(); },
  destroyViewByEl: () => {},
  unload: () => {},
};

function makeView() {
  document.body.innerHTML = "";
  const el = document.createElement("div");
  el.id = "phx-oracle";
  el.setAttribute("data-phx-session", "oracle");
  document.body.appendChild(el);
  const view = {
    id: el.id, el, liveSocket, undoRefs: {}, portalElementIds: new Set(),
    ownsElement: (child) => child.closest("[data-phx-session]") === el,
    pushPortalElementId: () => {}, dropPortalElementId: () => {},
  };
  view.root = view;
  return view;
}

// What a user sees: no client bookkeeping attributes, through the same serializer on both sides.
function normalized(html) {
  const t = document.createElement("template");
  t.innerHTML = html;
  t.content.querySelectorAll("*").forEach((n) => {
    for (const a of ["data-phx-id", "data-phx-stream", "data-phx-skip", "data-phx-component"]) n.removeAttribute(a);
  });
  return t.innerHTML;
}

let view = null;
let rendered = null;
let steps = 0;
for (const line of readFileSync(stepsFile, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const msg = JSON.parse(line);
  const sent = JSON.parse(line); // the client mutates what it merges: report what we sent
  try {
    // the nodes every kept id has now, to check that the patch did not replace them
    const before = new Map((msg.kept || []).map((id) => [id, document.getElementById(id)]));
    let isJoin = false;
    if (msg.join) {
      view = makeView();
      rendered = new Rendered(view.id, msg.join);
      isJoin = true;
    } else {
      rendered.mergeDiff(msg.diff);
    }
    const { buffer, streams } = rendered.toString();
    const patch = new DOMPatch(view, view.el, view.id, `<div>${buffer}</div>`, streams, null);
    patch.perform(isJoin);
    const actual = normalized(view.el.innerHTML);
    const expected = normalized(msg.html);
    if (actual !== expected) {
      console.log(JSON.stringify({ fail: "html mismatch", seed: msg.seed, step: msg.step, expected, actual, message: sent.diff ?? sent.join }));
      process.exit(1);
    }
    for (const [id, node] of before) {
      if (!node || document.getElementById(id) !== node) {
        console.log(JSON.stringify({ fail: `stream item ${id} was not kept as the same DOM node`, seed: msg.seed, step: msg.step, message: sent.diff }));
        process.exit(1);
      }
    }
    if (errors.length) {
      console.log(JSON.stringify({ fail: "client reported: " + errors.join("; "), seed: msg.seed, step: msg.step, message: sent.diff ?? sent.join }));
      process.exit(1);
    }
  } catch (e) {
    console.log(JSON.stringify({ fail: String((e && e.stack) || e), seed: msg.seed, step: msg.step, message: sent.diff ?? sent.join }));
    process.exit(1);
  }
  steps++;
}
console.log(JSON.stringify({ ok: steps }));
