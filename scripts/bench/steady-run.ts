/// <reference lib="dom" />
/**
 * The steady load of the frames-per-second and memory figures: the Push/Pull slide's ventilator
 * at 1,000 tasks a second (its `rate` parameter, set in the widget's form as a presenter would)
 * to three workers that do no work, so every task is delivered as fast as it is sent. Each
 * task is reported one by one (below the reporting layer's per-socket budget), and both roles
 * print a line per task: the page gets every send, receive, delivery and line.
 */
import type { Browser, Page } from "playwright-core";

const SLIDE = "push-pull";
const WIDGET = 'zmq-demo[data-demo="push-pull"]';
export const STEADY_RATE = 1000;

export interface SteadyRun {
  page: Page;
  /** Tasks the workers have received so far, as their nodes on the diagram count them. */
  delivered(): Promise<number>;
  stop(): Promise<void>;
}

/** Opens the Push/Pull slide in a new page and runs its demo at STEADY_RATE tasks a second. */
export async function startSteadyRun(browser: Browser, url: string): Promise<SteadyRun> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${url}/#/${SLIDE}`);
  const widget = page.locator(`section#${SLIDE}.present ${WIDGET}`);
  await widget.waitFor();
  await widget.locator('input[name="rate"]').fill(String(STEADY_RATE));
  await widget.locator('input[name="work"]').fill("0");
  await widget.locator("button.demo-run").click();
  await page.waitForFunction(
    (selector) => document.querySelector(selector)?.getAttribute("data-state") === "running",
    `section#${SLIDE} ${WIDGET}`,
  );
  return {
    page,
    delivered: () =>
      widget.evaluate((element) =>
        [...element.querySelectorAll('[data-role="worker"]')].reduce(
          (total, node) => total + Number(node.getAttribute("data-received")),
          0,
        ),
      ),
    async stop() {
      await widget.locator("button.demo-run").click();
      await page.waitForFunction(
        (selector) => document.querySelector(selector)?.getAttribute("data-state") === "stopped",
        `section#${SLIDE} ${WIDGET}`,
      );
    },
  };
}
