/**
 * Memory: how much the bridge grows over a long run at about 1,000 messages a second (the same
 * steady Push/Pull run as the frames-per-second figure), and how big each demo process is, read
 * from /proc as `ps` would.
 *
 * `node build/scripts/bench/memory.js` runs these figures alone (BENCH_MEMORY_SECONDS shortens it).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../../harness/browser.js";
import { startBridge } from "../../harness/bridge.js";
import { demoProcessesOf } from "../../harness/processes.js";
import { startSteadyRun } from "./steady-run.js";
import { type Figure, median, printFigures, summarise } from "./stats.js";

const DURATION_S = Number(process.env.BENCH_MEMORY_SECONDS ?? 300);
/**
 * Growth is measured from here: by then the bridge's heap has reached its working size. V8 sizes
 * it in steps over the first half minute or so (one bench read 89 MB at 10 s, 123 MB at 30 s,
 * then 101–102 MB for the remaining four and a half minutes), so a start read earlier measured
 * that sizing, up or down, rather than growth.
 */
const WARM_UP_MS = 60_000;
const SAMPLE_MS = 10_000;

/** A process's resident memory in MB, as `ps` shows it (VmRSS), or only its anonymous part (RssAnon). */
function rssMegabytes(pid: number, field: "VmRSS" | "RssAnon" = "VmRSS"): number {
  const kilobytes = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kilobytes) / 1024;
}

export async function memory(): Promise<Figure[]> {
  const bridge = await startBridge();
  const browser = await launchChromium();
  try {
    const run = await startSteadyRun(browser, bridge.url);
    await run.page.waitForTimeout(WARM_UP_MS);
    const bridgePid = bridge.process.pid!;
    const start = rssMegabytes(bridgePid);
    const deliveredBefore = await run.delivered();
    const demoSizes: number[] = [];
    const demoPrivateSizes: number[] = [];
    // Sampled along the way: a leak climbs steadily, while V8 sizing its heap moves in steps and falls back.
    const bridgeSizes = [start];
    const deadline = Date.now() + DURATION_S * 1000;
    while (Date.now() < deadline) {
      await run.page.waitForTimeout(Math.min(SAMPLE_MS, deadline - Date.now()));
      for (const pid of demoProcessesOf(bridgePid)) {
        demoSizes.push(rssMegabytes(pid));
        demoPrivateSizes.push(rssMegabytes(pid, "RssAnon"));
      }
      bridgeSizes.push(rssMegabytes(bridgePid));
    }
    // From the first minute to the last, each as the median of its samples: a leak moves the
    // median; one sample caught mid-step (a bench read 108 → 123 MB in its very last one, flat
    // 103 MB when run again) does not.
    const perMinute = 60_000 / SAMPLE_MS;
    const growth = median(bridgeSizes.slice(-perMinute)) - median(bridgeSizes.slice(0, perMinute));
    const delivered = (await run.delivered()) - deliveredBefore;
    await run.stop();
    return [
      summarise("bridge RSS growth", "MB", [growth], {
        target: "≤ 5 MB",
        note: `over ${DURATION_S} s after ${WARM_UP_MS / 1000} s warm-up; ${delivered} messages delivered (${Math.round(delivered / DURATION_S)}/s); first minute to last, medians; RSS every 10 s: ${bridgeSizes.map((size) => size.toFixed(0)).join(" ")} MB`,
      }),
      summarise("demo process RSS", "MB", demoSizes, { target: "≤ 60 MB each" }),
      // Most of a Node process's RSS is pages of the node binary, shared by every such process.
      summarise("demo process RSS, anonymous part", "MB", demoPrivateSizes, { note: "RssAnon: what each process holds by itself" }),
    ];
  } finally {
    await browser.close();
    await bridge.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await memory();
  printFigures(figures);
}
