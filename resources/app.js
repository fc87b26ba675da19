// liveactor's client bootstrap: the official, unmodified LiveView client (globals `Phoenix` and
// `LiveView` from the two pinned priv/static/*.min.js bundles), connected to /live with the
// page's CSRF token. The server checks the token on every join. The app's own static/app.js runs
// before this one and may set window.liveactorHooks = {Name: {mounted() {…}}} for phx-hook="Name".
(function () {
  "use strict";
  const meta = document.querySelector("meta[name='csrf-token']");
  const csrf = meta ? meta.getAttribute("content") : "";
  const liveSocket = new LiveView.LiveSocket("/live", Phoenix.Socket, {
    params: {_csrf_token: csrf},
    hooks: window.liveactorHooks || {},
  });

  // The development error overlay. Only a server started with --reload or --debug sends
  // "liveactor:error" (a crashed view, a failed reload) and "liveactor:clear" (a good reload);
  // the markup is the server's devErrorHtml() (pageshell.cpp), filled with textContent only.
  const overlayId = "liveactor-dev-error";
  function hideError() {
    const old = document.getElementById(overlayId);
    if (old) old.remove();
  }
  function showError(title, detail) {
    hideError();
    const overlay = document.createElement("div");
    overlay.id = overlayId;
    overlay.className = "liveactor-dev-error";
    overlay.setAttribute("role", "alert");
    const box = document.createElement("div");
    box.className = "liveactor-dev-error-box";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "liveactor-dev-error-close";
    close.setAttribute("aria-label", "Close");
    close.textContent = "\u00d7";
    const heading = document.createElement("h2");
    heading.textContent = title;
    const pre = document.createElement("pre");
    pre.textContent = detail;
    const note = document.createElement("p");
    note.className = "liveactor-dev-error-note";
    note.textContent = "Shown because the server runs with --reload or --debug; fix the code and save: the page follows.";
    box.append(close, heading, pre, note);
    overlay.append(box);
    document.body.append(overlay);
  }
  document.addEventListener("click", (e) => {
    if (e.target.closest && e.target.closest(".liveactor-dev-error-close")) hideError();
  });
  liveSocket.getSocket().onMessage((msg) => {
    if (msg.topic !== "liveactor") return;
    if (msg.event === "liveactor:error") {
      showError(String(msg.payload.title || "Error"), String(msg.payload.detail || ""));
    } else if (msg.event === "liveactor:clear") {
      // An error page (a dead render that failed) has no live view to re-mount: load it again.
      if (document.body.hasAttribute("data-liveactor-error-page")) window.location.reload();
      else hideError();
    }
  });

  liveSocket.connect();
  window.liveSocket = liveSocket;
})();
