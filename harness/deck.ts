/// <reference lib="dom" />
/** Moving around the deck in a real browser, as a presenter would. */
import type { Page } from "playwright-core";

/**
 * Steps through the slide's fragments to the last one with the → key, as a presenter does,
 * so the slide shows everything it will ever show. Stops as soon as the next key would leave
 * the slide, and returns once the address says where the deck is.
 */
export async function revealAllFragments(page: Page, id: string): Promise<void> {
  const hidden = () => page.locator(`section#${id} .fragment:not(.visible)`).count();
  for (let remaining = await hidden(); remaining > 0; remaining = await hidden()) {
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(
      ([slideId, before]) => document.querySelectorAll(`section#${slideId} .fragment:not(.visible)`).length < before,
      [id, remaining] as const,
      { timeout: 5000 },
    );
  }
  await addressWritten(page);
}

/**
 * Resolves once reveal.js has written the address for where the deck now is. It writes it a
 * moment after a slide or fragment changes (at most once a second, from a timer): a move to
 * another slide made while that write is pending is undone when it lands. So: once a write has
 * followed the last change, or a second has passed since it, nothing is pending.
 */
async function addressWritten(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Probe = { changedAt: number; writtenAt: number };
    const probed = window as unknown as { addressProbe?: Probe };
    if (probed.addressProbe) return;
    const probe: Probe = { changedAt: performance.now(), writtenAt: -Infinity };
    probed.addressProbe = probe;
    for (const type of ["slidechanged", "fragmentshown", "fragmenthidden"])
      document.addEventListener(type, () => (probe.changedAt = performance.now()));
    const replaceState = history.replaceState.bind(history);
    history.replaceState = (...args: Parameters<History["replaceState"]>) => {
      probe.writtenAt = performance.now();
      replaceState(...args);
    };
  });
  await page.waitForFunction(
    () => {
      const probe = (window as unknown as { addressProbe: { changedAt: number; writtenAt: number } }).addressProbe;
      return probe.writtenAt >= probe.changedAt || performance.now() - probe.changedAt > 1100;
    },
    undefined,
    { timeout: 5000, polling: 50 },
  );
}

/** The ids of the deck's slides, in order. */
export async function slideIds(page: Page): Promise<string[]> {
  return page.locator(".reveal .slides section[id]").evaluateAll((sections) => sections.map((section) => section.id));
}
