/**
 * The Vite plugin that makes the deck: `import { slidesHtml } from "virtual:slides"` gives the
 * reveal.js sections rendered from slides/*.md, with demo code cut and highlighted at build
 * time. Editing a slide or a demo's source reloads the page in dev mode.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Plugin, ViteDevServer } from "vite";
import { renderDeck } from "./markdown.js";

const VIRTUAL_ID = "virtual:slides";
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/** The slide files in talk order: their names start with a number (`08-req-rep.md`). */
export function readSlideFiles(root: string): { name: string; text: string }[] {
  const directory = path.join(root, "slides");
  return readdirSync(directory)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => ({ name: `slides/${name}`, text: readFileSync(path.join(directory, name), "utf8") }));
}

export function slidesPlugin(): Plugin {
  let root = process.cwd();
  let watchedSources = new Set<string>();
  return {
    name: "zmq-slides",
    configResolved(config) {
      root = config.root;
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const files = readSlideFiles(root);
      for (const file of files) this.addWatchFile(path.join(root, file.name));
      const deck = await renderDeck(root, files);
      watchedSources = new Set(deck.sourceFiles.map((file) => path.join(root, file)));
      for (const file of watchedSources) this.addWatchFile(file);
      return `export const slidesHtml = ${JSON.stringify(deck.html)};\nexport const slideIds = ${JSON.stringify(deck.slides.map((slide) => slide.id))};\n`;
    },
    configureServer(server: ViteDevServer) {
      const reload = (file: string) => {
        const isSlide = file.startsWith(path.join(root, "slides")) && (file.endsWith(".md") || file.endsWith(".svg"));
        if (!isSlide && !watchedSources.has(file)) return;
        const module = server.moduleGraph.getModuleById(RESOLVED_ID);
        if (module) server.moduleGraph.invalidateModule(module);
        server.ws.send({ type: "full-reload" });
      };
      server.watcher.add(path.join(root, "slides"));
      server.watcher.on("change", reload);
      server.watcher.on("add", reload);
    },
  };
}
