/// <reference lib="dom" />
/**
 * What the audience's browser sees: how many events a second reach the page over the bridge's
 * WebSocket, and the frames per second Chromium keeps while a demo delivers about a thousand
 * messages a second.
 *
 * `node build/scripts/bench/browser.js` runs these two figures alone.
 */
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../harness/browser.js";
import { startBridge } from "../../harness/bridge.js";
import { type Figure, printFigures, summarise } from "./stats.js";
import { STEADY_RATE, startSteadyRun } from "./steady-run.js";

const EVENTS_MS = 10_000;
const FPS_SECONDS = 10;

/**
 * Counts events once the page has handled them: the widget dispatches each batch it has applied
 * to its run model (counters, rates, inspector history) as `zmq-demo-events`. Counting there, not
 * in the WebSocket's frames, measures events genuinely delivered to and taken in by the page.
 */
function countEventsInPage(): void {
  const perSecond = new Map<number, number>();
  (window as unknown as { eventsPerSecond: Map<number, number> }).eventsPerSecond = perSecond;
  document.addEventListener("zmq-demo-events", (event) => {
    const second = Math.floor(performance.now() / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + (event as CustomEvent<{ events: unknown[] }>).detail.events.length);
  });
}

async function openDemo(browser: Browser, url: string, slide: string, params: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.addInitScript(countEventsInPage);
  await page.goto(`${url}/#/${slide}`);
  await page.locator(`section#${slide}.present zmq-demo`).waitFor();
  await page.locator(`section#${slide} zmq-demo`).evaluate((widget, value) => widget.setAttribute("params", value), params);
  return page;
}

/**
 * Events a second handled by a page while `fast` streams one long burst (a million messages,
 * longer than the measurement) with every message reported one by one: its send, its receive
 * and the delivery the bridge matched make three events. The seconds counted are those
 * strictly between the first and the last with events, which are partial.
 */
export async function eventsToBrowser(): Promise<Figure> {
  const bridge = await startBridge([], { env: { ZMQ_DETAILS_PER_SECOND: "1000000000" } });
  const browser = await launchChromium();
  try {
    const page = await openDemo(browser, bridge.url, "fast", "count=1000000");
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForTimeout(EVENTS_MS);
    // The bridge ends the run (the page may be too busy to press Stop), then the page is asked.
    await bridge.stop();
    const buckets = await page.evaluate(() =>
      [...(window as unknown as { eventsPerSecond: Map<number, number> }).eventsPerSecond]
        .sort(([a], [b]) => a - b)
        .map(([, count]) => count),
    );
    const whole = buckets.slice(1, -1);
    return summarise("bridge→browser events", "events/s", whole.length > 0 ? whole : [0], {
      target: "≥ 200,000",
      note: "handled by the page; every message reported one by one (ZMQ_DETAILS_PER_SECOND)",
    });
  } finally {
    await browser.close();
    await bridge.stop();
  }
}

/** Frames per second Chromium keeps while Push/Pull delivers about 1,000 tasks a second. */
export async function framesPerSecond(): Promise<Figure> {
  const bridge = await startBridge();
  const browser = await launchChromium();
  try {
    const run = await startSteadyRun(browser, bridge.url);
    await run.page.waitForTimeout(2000);
    const before = await run.delivered();
    const started = performance.now();
    const frames = await run.page.evaluate(async (seconds) => {
      const counts: number[] = [];
      for (let second = 0; second < seconds; second++) {
        let count = 0;
        const end = performance.now() + 1000;
        await new Promise<void>((resolve) => {
          const step = () => {
            count += 1;
            if (performance.now() < end) requestAnimationFrame(step);
            else resolve();
          };
          requestAnimationFrame(step);
        });
        counts.push(count);
      }
      return counts;
    }, FPS_SECONDS);
    const messagesPerSecond = (await run.delivered()) - before;
    const elapsed = (performance.now() - started) / 1000;
    await run.stop();
    return summarise("frames per second", "fps", frames, {
      target: "median ≥ 55",
      note: `while Push/Pull delivered ${Math.round(messagesPerSecond / elapsed)} messages/s (rate=${STEADY_RATE})`,
    });
  } finally {
    await browser.close();
    await bridge.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = [await eventsToBrowser(), await framesPerSecond()];
  printFigures(figures);
}
