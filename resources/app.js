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
  liveSocket.connect();
  window.liveSocket = liveSocket;
})();
