/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The fallbacks a presenter counts on when something goes wrong, in a real Chromium: the PDF
 * shows every demo's diagram, mid-run, inside its page (pdftotext finds its processes on the
 * right page); a bridge that dies mid-talk leaves every demo its recording, said so on screen,
 * and the deck goes back to live runs when the bridge returns.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { manifests } from "../protocol/manifests.js";
import { roleCount } from "../protocol/manifest.js";
import { REPO_ROOT } from "../server/http.js";
import type { RecordedTrace } from "../protocol/trace-format.js";
import { tracePath } from "../protocol/trace-format.js";
import { launchChromium } from "../harness/browser.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { demoProcessesOf, waitForExit } from "../harness/processes.js";
import { serveStatic } from "../harness/static-server.js";

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** What the diagram of a recorded run calls each of its processes: "Client", or "Worker 3" where a role may have several. */
function processTitles(demo: string, preset: string): string[] {
  const manifest = manifests.get(demo)!;
  const trace = JSON.parse(readFileSync(`${REPO_ROOT}public/${tracePath(demo, preset)}`, "utf8")) as RecordedTrace;
  return Object.values(manifest.roles).flatMap((spec) =>
    Array.from({ length: roleCount(spec, trace.params) }, (_, offset) =>
      spec.count.default > 1 || spec.count.max > 1 ? `${spec.label} ${offset + 1}` : spec.label,
    ),
  );
}

describe("the PDF", { timeout: 300_000 }, () => {
  let output: string;
  let demoSlides: { page: number; id: string; demo: string; preset: string }[];
  before(async () => {
    output = `${mkdtempSync(`${tmpdir()}/zmq-pdf-`)}/talk.pdf`;
    const script = fileURLToPath(new URL("../scripts/pdf.js", import.meta.url));
    const child = spawn(process.execPath, [script, output], { stdio: "ignore" });
    assert.equal(await new Promise<number | null>((resolve) => child.once("exit", resolve)), 0, "npm run pdf succeeded");
    const site = await serveStatic();
    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    await page.locator(".reveal.ready").waitFor({ state: "attached" });
    demoSlides = await page.locator(".reveal .slides section[id]").evaluateAll((sections) =>
      sections.flatMap((section, index) => {
        const widget = section.querySelector("zmq-demo");
        return widget
          ? [{ page: index + 1, id: section.id, demo: widget.getAttribute("demo")!, preset: widget.getAttribute("params") ?? "" }]
          : [];
      }),
    );
    await page.close();
    await site.close();
  });

  it("has, on each demo slide's page, its diagram with every process of the recorded run", () => {
    assert.ok(demoSlides.length >= 10, `the deck's demo slides were found (${demoSlides.length})`);
    const missing: string[] = [];
    for (const { page, id, demo, preset } of demoSlides) {
      const text = execFileSync("pdftotext", ["-f", String(page), "-l", String(page), output, "-"], { encoding: "utf8" }).replace(
        /\s+/g,
        " ",
      );
      for (const title of processTitles(demo, preset)) if (!text.includes(title)) missing.push(`page ${page} (#${id}) has no "${title}"`);
      if (!/Recorded run/.test(text)) missing.push(`page ${page} (#${id}) does not say it shows a recorded run`);
    }
    assert.deepEqual(missing, []);
  });

  it("draws each diagram inside its page, mid-run: nodes that have received messages, messages on their way", async () => {
    const site = await serveStatic();
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(`${site.url}/?print-pdf`);
      await page.locator(".reveal.ready").waitFor({ state: "attached" });
      await page.waitForFunction(
        () => [...document.querySelectorAll("zmq-demo")].every((widget) => (widget as HTMLElement).dataset.still !== undefined),
        undefined,
        { timeout: 60_000 },
      );
      const problems = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>(".pdf-page zmq-demo")].flatMap((widget) => {
          const where = widget.closest("section")!.id;
          const pageBox = widget.closest(".pdf-page")!.getBoundingClientRect();
          const diagram = widget.querySelector("svg.diagram")!.getBoundingClientRect();
          const found: string[] = [];
          if (diagram.height < 100) found.push(`${where}: its diagram is ${Math.round(diagram.height)} px tall`);
          if (diagram.top < pageBox.top || diagram.bottom > pageBox.bottom || diagram.left < pageBox.left || diagram.right > pageBox.right)
            found.push(`${where}: its diagram leaves its page`);
          if (widget.dataset.still !== "ready") found.push(`${where}: no still frame`);
          if (![...widget.querySelectorAll("[data-node]")].some((node) => Number(node.getAttribute("data-received")) > 0))
            found.push(`${where}: no node has received anything`);
          // Single messages on their way, or — past a few dozen a second — edges drawn as flows.
          if (widget.querySelectorAll(".message, .edge[data-view='flow']").length === 0) found.push(`${where}: no message on its way`);
          return found;
        }),
      );
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      await site.close();
    }
  });
});

describe("a bridge that dies mid-talk", { timeout: 180_000 }, () => {
  it("leaves Run the demo's recording, says so, and goes back to live runs when the bridge returns", async () => {
    let bridge: RunningBridge = await startBridge();
    const port = bridge.port;
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const widget = 'zmq-demo[data-demo="req-rep"]';
    const state = () => page.locator(widget).getAttribute("data-state");
    const status = page.locator(`${widget} .demo-status`);
    const received = () =>
      page.evaluate(
        (selector) => Number(document.querySelector(`${selector} [data-node="client-1"]`)?.getAttribute("data-received")),
        widget,
      );
    try {
      await page.goto(`${bridge.url}/#/req-rep`);
      await page.locator("section#req-rep.present").waitFor();
      await page.getByRole("button", { name: "Run" }).click();
      await page.waitForFunction(
        (selector) => Number(document.querySelector(`${selector} [data-node="client-1"]`)?.getAttribute("data-received")) >= 2,
        widget,
        { timeout: 20_000 },
      );
      const livePids = await page
        .locator(`${widget} [data-node]`)
        .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-pid"))));
      // The page has been open a moment: it has its recordings, as it would minutes into a talk.
      await page.waitForFunction(
        () => performance.getEntriesByType("resource").some((entry) => entry.name.endsWith("traces/req-rep.json")),
        undefined,
        { timeout: 10_000 },
      );

      // Ctrl-C on the server, mid-run.
      await bridge.stop("SIGINT");
      await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") === "stopped", widget, {
        timeout: 20_000,
      });
      assert.deepEqual(await waitForExit(livePids), [], "the run's processes are gone");

      await page.getByRole("button", { name: "Run" }).click();
      await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") === "replay", widget, {
        timeout: 10_000,
      });
      assert.match((await status.textContent()) ?? "", /Replay of a run recorded .*no bridge/, "it says it is a recording, and why");
      await page.waitForFunction(
        (selector) => Number(document.querySelector(`${selector} [data-node="client-1"]`)?.getAttribute("data-received")) >= 2,
        widget,
        { timeout: 20_000 },
      );
      await page
        .locator(`${widget} .message[data-from="client-1"][data-to="server-1"]`)
        .first()
        .waitFor({ state: "attached", timeout: 10_000 });

      // The server comes back on its port; the page reconnects by itself and says Run is live again.
      bridge = await startBridge([], { port });
      await page.locator(".bridge-status", { hasText: "Reconnected to the bridge" }).waitFor({ timeout: 20_000 });
      if ((await state()) === "replay" && (await page.locator(`${widget} button.demo-run`).textContent()) === "Stop")
        await page.getByRole("button", { name: "Stop" }).click();
      await status.filter({ hasText: /Replay ended|bridge is back/ }).waitFor({ timeout: 20_000 });
      await page.getByRole("button", { name: "Run" }).click();
      await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") === "running", widget, {
        timeout: 20_000,
      });
      await page.waitForFunction(
        (selector) => Number(document.querySelector(`${selector} [data-node="client-1"]`)?.getAttribute("data-received")) >= 1,
        widget,
        { timeout: 20_000 },
      );
      const pids = await page
        .locator(`${widget} [data-node]`)
        .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-pid"))));
      assert.deepEqual(demoProcessesOf(bridge.process.pid!).sort(), [...pids].sort(), "a live run of the new bridge, on screen");
      assert.ok((await received()) >= 1);
      await page.getByRole("button", { name: "Stop" }).click();
      await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") === "stopped", widget, {
        timeout: 20_000,
      });
    } finally {
      await page.close();
      await bridge.stop();
    }
  });
});
