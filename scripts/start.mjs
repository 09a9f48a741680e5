#!/usr/bin/env node
/**
 * `npm start`: builds whatever is missing or older than its sources, then runs the bridge,
 * which serves the deck and the WebSocket. `npm run dev` passes --dev: the same bridge with
 * Vite's hot reload, so only the Node side needs building.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dev = process.argv.includes("--dev");

/** The newest modification time among files below `entries` (files or folders). */
function newest(entries) {
  let latest = 0;
  const visit = (entry) => {
    if (!existsSync(entry)) return;
    const stat = statSync(entry);
    if (stat.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
    else latest = Math.max(latest, stat.mtimeMs);
  };
  for (const entry of entries) visit(path.join(root, entry));
  return latest;
}

function modified(output) {
  const file = path.join(root, output);
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

/**
 * Runs an npm build script, then leaves a stamp: tsc does not rewrite outputs that did not
 * change, so an output's own time cannot say when it was last checked against its sources.
 */
function build(script, stamp) {
  console.log(`> npm run ${script}`);
  const result = spawnSync("npm", ["run", "--silent", script], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(path.join(root, stamp), `${new Date().toISOString()}\n`);
}

const common = ["package.json", "tsconfig.base.json", "demos", "server"];
if (newest([...common, "tsconfig.node.json", "scripts"]) > modified("build/.built")) build("build:node", "build/.built");
if (!dev && newest([...common, "tsconfig.json", "slides", "index.html", "vite.config.ts", "public"]) > modified("dist/.built")) {
  build("build:deck", "dist/.built");
}

await import(path.join(root, "build/server/main.js"));
