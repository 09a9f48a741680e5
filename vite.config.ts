import { defineConfig } from "vite";
import { slidesPlugin } from "./scripts/slides/plugin.js";

export default defineConfig({
  plugins: [slidesPlugin()],
  // Relative asset paths: the built deck works from any folder of any static host.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The deck is one page; its code is small enough not to need splitting.
    chunkSizeWarningLimit: 400,
    // Two pages of one talk: the deck, and the tutorial that reads the same slides at a learner's pace.
    rollupOptions: { input: { deck: "index.html", tutorial: "tutorial.html" } },
  },
});
