/**
 * The real bridge and a Chromium for one test file: started before its tests, ended after.
 * Read them through the returned object once the tests run (they exist from `before` on).
 */
import { after, before } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../harness/browser.js";
import { type RunningBridge, startBridge } from "../../harness/bridge.js";

export interface BridgeAndBrowser {
  readonly bridge: RunningBridge;
  readonly browser: Browser;
  /** A new page at 1280×720 on the deck's slide `id`, once it is the slide shown. */
  openSlide(id: string): Promise<Page>;
}

export function useBridgeAndBrowser(): BridgeAndBrowser {
  let bridge: RunningBridge | undefined;
  let browser: Browser | undefined;
  before(async () => {
    bridge = await startBridge();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await bridge?.stop();
  });
  return {
    get bridge() {
      return bridge!;
    },
    get browser() {
      return browser!;
    },
    async openSlide(id: string) {
      const page = await browser!.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`${bridge!.url}/#/${id}`);
      await page.locator(`section#${id}.present`).waitFor();
      // The deck has set up its widgets and keys (the slide shows before).
      await page.locator('html[data-deck="ready"]').waitFor({ state: "attached" });
      return page;
    },
  };
}
