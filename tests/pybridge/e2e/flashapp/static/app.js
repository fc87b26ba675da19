// Registers the Asker hook; the browser test drives it through window.asker.
window.liveactorHooks = {
  Asker: {
    mounted() {
      window.asker = this;
    },
  },
};
