/**
 * Memory: how much the bridge grows over a long run at about 1,000 messages a second, and how
 * big each demo process is, read from /proc as `ps` would.
 */
import { readFileSync } from "node:fs";
import { launchChromium } from "../../tests/helpers/browser.js";
import { startBridge } from "../../tests/helpers/bridge.js";
import { demoProcessesOf } from "../../tests/helpers/processes.js";
import { type Figure, summarise } from "./stats.js";

const DURATION_S = Number(process.env.BENCH_MEMORY_SECONDS ?? 300);
const WARM_UP_MS = 15_000;

function rssMegabytes(pid: number): number {
  const kilobytes = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kilobytes) / 1024;
}

export async function memory(): Promise<Figure[]> {
  const bridge = await startBridge();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present zmq-demo").waitFor();
    await page.locator("section#req-rep zmq-demo").evaluate((widget) => widget.setAttribute("params", "interval=1 work=0"));
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForTimeout(WARM_UP_MS);
    const bridgePid = bridge.process.pid!;
    const start = rssMegabytes(bridgePid);
    const demoSizes: number[] = [];
    const deadline = Date.now() + DURATION_S * 1000;
    while (Date.now() < deadline) {
      await page.waitForTimeout(Math.min(10_000, deadline - Date.now()));
      for (const pid of demoProcessesOf(bridgePid)) demoSizes.push(rssMegabytes(pid));
    }
    const end = rssMegabytes(bridgePid);
    const delivered = Number(await page.locator('zmq-demo[data-demo="req-rep"] [data-role="server"]').getAttribute("data-received")) * 2;
    await page.getByRole("button", { name: "Stop" }).click();
    return [
      summarise("bridge RSS growth", "MB", [end - start], { target: "≤ 5 MB", note: `over ${DURATION_S} s after ${WARM_UP_MS / 1000} s warm-up; ${delivered} messages delivered` }),
      summarise("demo process RSS", "MB", demoSizes, { target: "≤ 60 MB each" }),
    ];
  } finally {
    await browser.close();
    await bridge.stop();
  }
}
