/**
 * The real bridge and a Chromium for one test file: started before its tests, ended after.
 * Read them through the returned object once the tests run (they exist from `before` on).
 */
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "./browser.js";
import { type RunningBridge, startBridge } from "./bridge.js";

export interface BridgeAndBrowser {
  readonly bridge: RunningBridge;
  readonly browser: Browser;
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
  };
}
