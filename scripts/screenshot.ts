/**
 * Takes screenshots of the deck at 1280×720, for the README and for looking at slides:
 *   node build/scripts/screenshot.js OUT_DIR [slide-id …] [--run]
 * With --run, the demo on each slide is run for a few seconds first. Each slide is shown as it
 * ends, every fragment revealed, since that is when it holds the most.
 */
import { mkdirSync } from "node:fs";
import { launchChromium } from "../harness/browser.js";
import { startBridge } from "../harness/bridge.js";
import { revealAllFragments } from "../harness/deck.js";

const args = process.argv.slice(2);
const run = args.includes("--run");
const [outDir = "screenshots", ...ids] = args.filter((arg) => arg !== "--run");
mkdirSync(outDir, { recursive: true });

const bridge = await startBridge();
const browser = await launchChromium();
try {
  for (const scheme of ["light", "dark"] as const) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: scheme });
    for (const id of ids.length > 0 ? ids : ["title"]) {
      await page.goto(`${bridge.url}/#/${id}`);
      await page.waitForSelector(`section#${id}.present`);
      await revealAllFragments(page, id);
      if (run && (await page.locator(`section#${id} zmq-demo`).count()) > 0) {
        await page.locator(`section#${id} zmq-demo button.demo-run`).click();
        await page.waitForTimeout(3000);
      }
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${outDir}/${id}-${scheme}.png` });
    }
    await page.close();
  }
} finally {
  await browser.close();
  await bridge.stop();
}
