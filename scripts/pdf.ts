/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * `npm run pdf -- [out.pdf] [--notes]`: prints the talk to a PDF through Chromium's print view
 * (`?print-pdf`), one page per slide, each demo's diagram a still frame halfway through its
 * recorded run; --notes adds each slide's speaker notes on a page after it. It serves the
 * built deck as static files and starts no demo process.
 */
import { launchChromium } from "../harness/browser.js";
import { serveStatic } from "../harness/static-server.js";

const args = process.argv.slice(2);
const withNotes = args.includes("--notes");
const output = args.find((arg) => !arg.startsWith("--")) ?? "zeromq-from-scratch.pdf";
const site = await serveStatic();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${site.url}/?print-pdf${withNotes ? "&showNotes=separate-page" : ""}`);
  await page.locator(".reveal.ready").waitFor({ state: "attached" });
  // Every demo has drawn its still frame (or found it has no recording).
  await page.waitForFunction(() =>
    [...document.querySelectorAll("zmq-demo")].every((widget) => (widget as HTMLElement).dataset.still !== undefined),
  );
  await page.pdf({ path: output, width: "1280px", height: "720px", printBackground: true, preferCSSPageSize: true });
  const pages = await page.locator(".pdf-page").count();
  console.log(`${output}: ${pages} pages`);
} finally {
  await browser.close();
  await site.close();
}
