/// <reference lib="dom" />
/**
 * Run → first delivered message on screen: Playwright clicks Run on the Request/Reply slide and
 * times until the first message's dot is drawn (the frame after it is in the DOM), RUNS times,
 * PAUSE_MS apart as a presenter's runs are: seconds, not milliseconds.
 *
 * `node build/scripts/bench/first-message.js` runs this figure alone (BENCH_RUNS, BENCH_PAUSE_MS).
 */
import { fileURLToPath } from "node:url";
import { launchChromium } from "../../harness/browser.js";
import { startBridge } from "../../harness/bridge.js";
import { summarise } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
/** Between a Stop and the next Run: the warm pool starts its replacements (~150 ms each, one core each) meanwhile. */
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 1500);

export async function runToFirstMessage(): Promise<number[]> {
  const bridge = await startBridge();
  const browser = await launchChromium();
  const samples: number[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    for (let run = 0; run < RUNS; run++) {
      const elapsed = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const widget = document.querySelector('zmq-demo[data-demo="req-rep"]')!;
            const start = performance.now();
            const observer = new MutationObserver(() => {
              if (!widget.querySelector(".message")) return;
              observer.disconnect();
              // The dot is in the DOM; the next frame is when it is on screen.
              requestAnimationFrame(() => resolve(performance.now() - start));
            });
            observer.observe(widget, { subtree: true, childList: true });
            widget.querySelector<HTMLButtonElement>("button.demo-run")!.click();
          }),
      );
      samples.push(elapsed);
      await page.getByRole("button", { name: "Stop" }).click();
      await page.waitForFunction(() => document.querySelector('zmq-demo[data-demo="req-rep"]')?.getAttribute("data-state") === "stopped");
      await page.waitForTimeout(PAUSE_MS);
    }
  } finally {
    await browser.close();
    await bridge.stop();
  }
  return samples;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figure = summarise("run-to-first-message", "ms", await runToFirstMessage(), { target: "≤ 100 ms" });
  console.log(
    `${figure.name}: median ${figure.median.toFixed(1)} ms (${figure.min.toFixed(1)}–${figure.max.toFixed(1)}, ${figure.runs} runs, ${PAUSE_MS} ms apart)`,
  );
}
