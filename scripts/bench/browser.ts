/// <reference lib="dom" />
/**
 * What the audience's browser sees: how many events a second reach the page over the bridge's
 * WebSocket, and the frames per second Chromium keeps while a demo delivers about a thousand
 * messages a second.
 */
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../tests/helpers/browser.js";
import { startBridge } from "../../tests/helpers/bridge.js";
import { type Figure, summarise } from "./stats.js";

/** Counts events as they arrive at the page, before the app handles them. */
function countEventsInPage(): void {
  const perSecond = new Map<number, number>();
  (window as unknown as { eventsPerSecond: Map<number, number> }).eventsPerSecond = perSecond;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (event) => {
        const events = String(event.data).match(/"kind":/g)?.length ?? 0;
        const second = Math.floor(performance.now() / 1000);
        perSecond.set(second, (perSecond.get(second) ?? 0) + events);
      });
    }
  };
}

async function openDemo(browser: Browser, url: string, slide: string, params: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.addInitScript(countEventsInPage);
  await page.goto(`${url}/#/${slide}`);
  await page.locator(`section#${slide}.present zmq-demo`).waitFor();
  await page.locator(`section#${slide} zmq-demo`).evaluate((widget, value) => widget.setAttribute("params", value), params);
  return page;
}

/** Events a second reaching a page while `fast` streams with every message reported one by one. */
export async function eventsToBrowser(): Promise<Figure> {
  const bridge = await startBridge([], { env: { ZMQ_DETAILS_PER_SECOND: "1000000000" } });
  const browser = await launchChromium();
  try {
    const page = await openDemo(browser, bridge.url, "fast", "count=100000");
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForTimeout(10_000);
    // The bridge ends the run (the page may be too busy to press Stop), then the page is asked.
    await bridge.stop();
    const buckets = await page.evaluate(() => [...(window as unknown as { eventsPerSecond: Map<number, number> }).eventsPerSecond.values()], undefined);
    // The busy seconds: the sender streams in bursts with pauses between them.
    const busy = buckets.filter((count) => count >= 10_000);
    return summarise("bridge→browser events", "events/s", busy.length > 0 ? busy : [0], { target: "≥ 200,000", note: "every message reported one by one (ZMQ_DETAILS_PER_SECOND)" });
  } finally {
    await browser.close();
    await bridge.stop();
  }
}

/** Frames per second while Request/Reply runs at about 1,000 messages a second. */
export async function framesPerSecond(): Promise<Figure> {
  const bridge = await startBridge();
  const browser = await launchChromium();
  try {
    const page = await openDemo(browser, bridge.url, "req-rep", "interval=1 work=0");
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForTimeout(2000);
    const { frames, messagesPerSecond } = await page.evaluate(async () => {
      const received = () => Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-role="server"]')?.getAttribute("data-received")) * 2;
      const frames: number[] = [];
      const before = received();
      for (let second = 0; second < 10; second++) {
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
        frames.push(count);
      }
      return { frames, messagesPerSecond: (received() - before) / 10 };
    });
    await page.getByRole("button", { name: "Stop" }).click();
    return summarise("frames per second", "fps", frames, { target: "median ≥ 55", note: `while delivering ${Math.round(messagesPerSecond)} messages/s` });
  } finally {
    await browser.close();
    await bridge.stop();
  }
}
