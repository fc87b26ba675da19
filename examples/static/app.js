// The examples' own JavaScript: liveactor serves this folder (static/ next to app.py) at /static/
// and every page loads app.js before the LiveSocket connects, which takes its hooks from
// window.liveactorHooks. An element opts in with phx-hook="Name" (and an id).
window.liveactorHooks = Object.assign(window.liveactorHooks || {}, {
  // examples/counter: asks the server about the count; the @event handler's returned dict is the
  // reply pushEvent's callback receives.
  Parity: {
    mounted() {
      this.el.addEventListener("click", () => {
        this.pushEvent("parity", {}, (reply) => {
          const out = document.getElementById(this.el.dataset.output);
          out.textContent = `${reply.count} is ${reply.parity}`;
        });
      });
    },
  },
});
