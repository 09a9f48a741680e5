/**
 * The layers: `protocol/` at the bottom imports nothing of ours above it, and the browser's code
 * (`slides/`) imports only itself and `protocol/` — never `server/` or `demos/`, and never a
 * Node module or zeromq, however far down the protocol files it reaches.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const IMPORT = /(?:^|\s)(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm;

function sourcesUnder(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => path.join(folder, name));
}

/** What a source file imports: our files as paths from the root (".ts"), packages by name. */
function importsOf(file: string): { ours: string[]; packages: string[] } {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const ours: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3] ?? "";
    if (spec.startsWith(".")) ours.push(path.join(path.dirname(file), spec).replace(/\.js$/, ".ts"));
    else packages.push(spec);
  }
  return { ours, packages };
}

const inside = (file: string, folder: string) => file.startsWith(`${folder}/`);

describe("the layers", () => {
  it("protocol/ imports only protocol/", () => {
    const files = sourcesUnder("protocol");
    assert.ok(files.length > 10, `protocol/ has its files (${files.length})`);
    const outside = files.flatMap((file) =>
      importsOf(file)
        .ours.filter((target) => !inside(target, "protocol"))
        .map((target) => `${file} → ${target}`),
    );
    assert.deepEqual(outside, []);
  });

  it("the browser's code imports only slides/ and protocol/, and reaches no Node module, zeromq or zod", () => {
    const seen = new Set<string>();
    const wrong: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const { ours, packages } = importsOf(file);
      for (const target of ours) {
        if (inside(target, "slides") || inside(target, "protocol")) visit(target);
        else wrong.push(`${file} → ${target}`);
      }
      for (const name of packages)
        if (name.startsWith("node:") || name === "zeromq" || name === "zod" || name === "ws") wrong.push(`${file} → ${name}`);
    };
    for (const file of sourcesUnder("slides")) visit(file);
    assert.ok(
      [...seen].some((file) => inside(file, "protocol")),
      "the browser's code reads protocol/",
    );
    assert.deepEqual(wrong, []);
  });
});
