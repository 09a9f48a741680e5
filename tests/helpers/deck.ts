/// <reference lib="dom" />
/** Moving around the deck in a real browser, as a presenter would. */
import type { Page } from "playwright-core";

/**
 * Steps through the slide's fragments to the last one with the → key, as a presenter does,
 * so the slide shows everything it will ever show. Stops as soon as the next key would leave
 * the slide.
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
}

/** The ids of the deck's slides, in order. */
export async function slideIds(page: Page): Promise<string[]> {
  return page.locator(".reveal .slides section[id]").evaluateAll((sections) => sections.map((section) => section.id));
}
