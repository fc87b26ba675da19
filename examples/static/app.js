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
  // examples/kanban: drag a card onto another column. The hook sits on the columns' container (one
  // stable element; cards and columns are components the server re-renders) and pushes "drop";
  // the board's handler moves the card and replies with what it did, shown under the board.
  KanbanDrag: {
    mounted() {
      let dragged = null;
      const column = (e) => e.target.closest?.(".column");
      this.el.addEventListener("dragstart", (e) => {
        dragged = e.target.closest?.(".card")?.id.replace(/^card-/, "") ?? null;
        e.dataTransfer?.setData("text/plain", dragged ?? "");
      });
      this.el.addEventListener("dragover", (e) => {
        if (dragged && column(e)) {
          e.preventDefault();
          column(e).classList.add("drop-target");
        }
      });
      this.el.addEventListener("dragleave", (e) => column(e)?.classList.remove("drop-target"));
      this.el.addEventListener("drop", (e) => {
        const target = column(e);
        if (!dragged || !target)
          return;
        e.preventDefault();
        target.classList.remove("drop-target");
        const id = dragged;
        dragged = null;
        this.pushEvent("drop", {id, to: target.id.replace(/^column-/, "")}, (reply) => {
          const status = document.getElementById("drop-status");
          status.textContent = reply.message;
          status.className = reply.ok ? "ok" : "error";
        });
      });
    },
  },
});
