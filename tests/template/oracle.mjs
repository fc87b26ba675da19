// Oracle for the template engine: merges our join and diffs with the official phoenix_live_view
// client's Rendered class (the shipped assets/js/phoenix_live_view/rendered.js) and compares the
// client's HTML with our own full render after every step.
//
//   node oracle.mjs NODE_MODULES_DIR STEPS.jsonl
//
// STEPS.jsonl: one object per line: {"seed":S,"step":N,"join":{…},"html":"…"} starts a view,
// {"seed":S,"step":N,"diff":{…},"html":"…"} applies a diff, {"prune":[cids]} drops freed live
// components (what the client does after cids_destroyed). Prints one JSON line: {"ok":steps}
// or {"fail":…} with the seed, the step, and both HTML strings; exits 1 on failure.
import "./client_resolver.mjs";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";

globalThis.window = globalThis;

const [nodeModules, stepsFile] = process.argv.slice(2);
const { default: Rendered } = await import(
  pathToFileURL(`${nodeModules}/phoenix_live_view/assets/js/phoenix_live_view/rendered.js`).href
);

// The HTML without the client's magic-id bookkeeping: changeTracking=false renders every root
// node in full (it still runs modifyRoot, which throws "malformed html" on a wrong "r":1).
// Live components turn change tracking back on for their own trees unless marked "reset".
const plainHtml = (rendered) => {
  for (const c of Object.values(rendered.rendered.c || {})) c.reset = true;
  return rendered.recursiveToString(rendered.rendered, rendered.rendered.c, null, false, {}).buffer;
};

let view = null;
let steps = 0;
for (const line of readFileSync(stepsFile, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const msg = JSON.parse(line);
  try {
    if (msg.prune) {
      // the client after cids_destroyed: drops the components the server freed
      view.pruneCIDs(msg.prune);
      steps++;
      continue;
    }
    if (msg.join) {
      view = new Rendered("phx-oracle", msg.join);
    } else {
      view.mergeDiff(msg.diff);
    }
    // the real toString (magic ids, skip optimisation) must not throw either
    view.toString();
    const actual = plainHtml(view).replace(/ data-phx-(id|view)="[^"]*"/g, "");
    if (actual !== msg.html) {
      console.log(JSON.stringify({ fail: "html mismatch", seed: msg.seed, step: msg.step, expected: msg.html, actual, message: msg.diff ?? msg.join }));
      process.exit(1);
    }
  } catch (e) {
    console.log(JSON.stringify({ fail: String(e && e.stack || e), seed: msg.seed, step: msg.step, message: msg.diff ?? msg.join }));
    process.exit(1);
  }
  steps++;
}
console.log(JSON.stringify({ ok: steps }));
