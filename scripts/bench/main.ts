/// <reference lib="dom" />
/**
 * `npm run bench`: measures what the talk promises, on this machine, and writes
 * bench/results.json. Not a test: it asserts nothing; it reports. Loopback only, bounded.
 *
 * Bounded: under 10 minutes with the defaults, build included; the memory run's five minutes
 * are most of it (BENCH_RUNS, BENCH_MEMORY_SECONDS shorten it). Each figure prints its time.
 *
 * Figures:
 *  - run-to-first-message: Playwright clicks Run on the Request/Reply slide; time until the
 *    first delivered message is drawn (median, min, max over RUNS runs). Runs are
 *    PAUSE_MS apart, as a presenter's are: seconds, not milliseconds.
 *  - first-load: gzip bytes of the JS and CSS the deck's page loads, and bytes of the upright
 *    fonts its stylesheet names (woff2 is compressed already; the italic face loads only on
 *    the slide that quotes).
 *  - edit-run-to-first-message (edit-run.ts): a learner's edit of the Request/Reply server
 *    sent with Run; time until the first message their sandboxed process sent is streamed;
 *    unchecked (Run before the editor's check came back) and checked (after it).
 *  - traced vs untraced throughput (throughput.ts), events a second to the browser and frames
 *    per second at ~1,000 messages a second (browser.ts), memory (memory.ts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import { gzipSync } from "node:zlib";
import { startBridge } from "../../harness/bridge.js";
import { REPO_ROOT } from "../../server/http.js";
import { eventsToBrowser, framesPerSecond } from "./browser.js";
import { editToFirstMessage } from "./edit-run.js";
import { runToFirstMessage } from "./first-message.js";
import { memory } from "./memory.js";
import { type Figure, printFigures, summarise } from "./stats.js";
import { tracedVsUntraced } from "./throughput.js";

const benchStart = performance.now();

/** Measures one figure (or a few), printing how long it took so the bench's bound stays visible. */
async function timed<T>(name: string, measure: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await measure();
  } finally {
    console.log(
      `${name}: ${((performance.now() - start) / 1000).toFixed(0)} s (${((performance.now() - benchStart) / 1000).toFixed(0)} s in all)`,
    );
  }
}

function firstLoadBytes(): { js: number; css: number; fonts: number } {
  const html = readFileSync(`${REPO_ROOT}dist/index.html`, "utf8");
  // Asset paths are relative (./assets/…) so the deck works from any folder of a static host.
  const assets = [...html.matchAll(/(?:src|href)="\.?\/(assets\/[^"]+)"/g)].map((match) => match[1]!);
  const gzipped = (ending: string) =>
    assets
      .filter((asset) => asset.endsWith(ending))
      .reduce((total, asset) => total + gzipSync(readFileSync(`${REPO_ROOT}dist/${asset}`), { level: 9 }).length, 0);
  const css = assets
    .filter((asset) => asset.endsWith(".css"))
    .map((asset) => readFileSync(`${REPO_ROOT}dist/${asset}`, "utf8"))
    .join("\n");
  const uprightFonts = [...css.matchAll(/@font-face\s*{[^}]*}/g)]
    .map((block) => block[0])
    .filter((block) => !/font-style:\s*italic/.test(block))
    // Fonts are named relative to the stylesheet, which lives in assets/.
    .flatMap((block) => [...block.matchAll(/url\((?:\.\/|\/?assets\/)([^)"']+\.woff2)\)/g)].map((match) => `assets/${match[1]!}`));
  const fonts = [...new Set(uprightFonts)].reduce((total, font) => total + readFileSync(`${REPO_ROOT}dist/${font}`).length, 0);
  return { js: gzipped(".js"), css: gzipped(".css"), fonts };
}

const zeromq = await import("zeromq");
const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  libzmq: zeromq.version,
  chromium: (() => {
    try {
      return execFileSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", ["--version"], { encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  })(),
};

const figures: Figure[] = [
  summarise("run-to-first-message", "ms", await timed("run-to-first-message", runToFirstMessage), { target: "≤ 100 ms" }),
];
const bytes = firstLoadBytes();
figures.push(summarise("first-load-js-gzip", "bytes", [bytes.js], { target: "≤ 150 KB" }));
figures.push(summarise("first-load-css-gzip", "bytes", [bytes.css]));
figures.push(summarise("first-load-fonts", "bytes", [bytes.fonts], { target: "JS+CSS+fonts ≤ 300 KB" }));
const throughputBridge = await startBridge();
try {
  figures.push(...(await timed("throughput", () => tracedVsUntraced(throughputBridge.url))));
} finally {
  await throughputBridge.stop();
}
/** A figure that could not be measured is reported as such; the others still are. */
async function attempt(name: string, measure: () => Promise<Figure | Figure[]>): Promise<Figure[]> {
  try {
    return [await timed(name, measure)].flat();
  } catch (error) {
    return [
      {
        name,
        unit: "",
        median: Number.NaN,
        min: Number.NaN,
        max: Number.NaN,
        runs: 0,
        note: `not measured: ${(error as Error).message.split("\n")[0]}`,
      },
    ];
  }
}
for (const mode of ["unchecked", "checked"] as const) {
  const name = `edit-run-to-first-message (${mode})`;
  figures.push(...(await attempt(name, async () => summarise(name, "ms", await editToFirstMessage(mode), { target: "median ≤ 300 ms" }))));
}
figures.push(...(await attempt("bridge→browser events", eventsToBrowser)));
figures.push(...(await attempt("frames per second", framesPerSecond)));
figures.push(...(await attempt("memory", memory)));

mkdirSync(`${REPO_ROOT}bench`, { recursive: true });
writeFileSync(`${REPO_ROOT}bench/results.json`, `${JSON.stringify({ date: new Date().toISOString(), machine, figures }, null, 2)}\n`);
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, libzmq ${machine.libzmq}`);
printFigures(figures);
