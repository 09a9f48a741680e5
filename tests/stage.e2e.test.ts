/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * On stage and offline: the speaker view never starts processes of its own but drives the
 * main window; a narrow window reads as a column; the static build with no bridge replays
 * recorded runs and says so; the PDF has one page per slide and starts no process; recorded
 * traces are as new as their demos.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import type { Browser, Frame, Page } from "playwright-core";
import { manifests } from "../protocol/manifests.js";
import { demoShowings } from "../scripts/slides/directives.js";
import { readSlideFiles } from "../scripts/slides/plugin.js";
import { REPO_ROOT } from "../server/http.js";
import type { RecordedTrace } from "../protocol/trace-format.js";
import { presetValues, tracePath } from "../protocol/trace-format.js";
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

const stateOf = (page: Page | Frame) => page.locator('zmq-demo[data-demo="req-rep"]').getAttribute("data-state");

describe("presenting with the speaker view", () => {
  let bridge: RunningBridge;
  before(async () => {
    bridge = await startBridge();
  });
  after(async () => {
    await bridge?.stop();
  });

  async function openSpeakerView(page: Page): Promise<Frame> {
    const [speakerView] = await Promise.all([page.waitForEvent("popup"), page.keyboard.press("s")]);
    // The current-slide preview is the deck again, loaded with ?receiver and postMessageEvents.
    let preview: Frame | undefined;
    const deadline = Date.now() + 15_000;
    while (!preview && Date.now() < deadline) {
      preview = speakerView.frames().find((frame) => /receiver/.test(frame.url()) && /postMessageEvents/.test(frame.url()));
      if (!preview) await page.waitForTimeout(100);
    }
    assert.ok(preview, "the speaker view shows the current slide");
    await preview.locator('section#req-rep.present zmq-demo[data-demo="req-rep"]').waitFor({ timeout: 15_000 });
    return preview;
  }

  it("with the speaker view open, one Run starts exactly one set of processes, and the preview follows", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    const preview = await openSpeakerView(page);

    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForFunction(
      () => Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-role="client"]')?.getAttribute("data-received")) >= 2,
      undefined,
      { timeout: 15_000 },
    );
    // Both previews (current and upcoming) have loaded and had time to do anything they would.
    await page.waitForTimeout(1000);
    const pids = demoProcessesOf(bridge.process.pid!);
    assert.equal(pids.length, 2, `one client and one server, not more: ${pids}`);

    // The preview mirrors the main window's run: its state and its counters.
    await preview.locator('zmq-demo[data-state="running"]').waitFor();
    await preview.waitForFunction(
      () => Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-role="client"]')?.getAttribute("data-received")) >= 1,
    );

    await page.getByRole("button", { name: "Stop" }).click();
    assert.deepEqual(await waitForExit(pids), []);
    await page.close();
  });

  it("Run and Stop in the speaker view's preview drive the main window's demo", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    const preview = await openSpeakerView(page);

    await preview.locator("section#req-rep zmq-demo button.demo-run").click();
    await page.locator('zmq-demo[data-state="running"]').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      () => Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-role="client"]')?.getAttribute("data-received")) >= 1,
      undefined,
      { timeout: 15_000 },
    );
    assert.equal(demoProcessesOf(bridge.process.pid!).length, 2);
    await preview.locator('section#req-rep zmq-demo[data-state="running"]').waitFor();

    await preview.locator("section#req-rep zmq-demo button.demo-run").click();
    await page.locator('zmq-demo[data-state="stopped"]').waitFor({ timeout: 15_000 });
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    await page.close();
  });

  it("R is listed in reveal.js's help overlay", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    await page.keyboard.press("Shift+Slash");
    await page.getByText("Run or stop this slide's demo").waitFor();
    await page.close();
  });

  it("a narrow window reads the slides as a column, never reveal.js's scroll view of shrunken slides", async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 700 } });
    await page.goto(`${bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    assert.equal(await page.locator(".reveal-scroll").count(), 0, "reveal.js did not switch to its scroll view");
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains("reading")), true, "the reading layout");
    await page.close();
  });
});

describe("offline and static", () => {
  it("the static build, with no bridge, replays the recorded run and says replay", async () => {
    const site = await serveStatic();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(`${site.url}/#/req-rep`);
      await page.locator("section#req-rep.present").waitFor();
      await page.getByRole("button", { name: "Run" }).click();
      await page.locator('zmq-demo[data-state="replay"]').waitFor({ timeout: 10_000 });
      await page.getByText(/Replay of a run recorded/).waitFor();
      // The recorded messages travel and count up, through the same diagram as a live run.
      await page.waitForFunction(
        () => Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-role="client"]')?.getAttribute("data-received")) >= 2,
        undefined,
        { timeout: 15_000 },
      );
      await page.locator('.message[data-from="client-1"][data-to="server-1"]').first().waitFor({ state: "attached" });
      assert.equal(await stateOf(page), "replay");
      const foreign = requests.filter((url) => !/^(https?|wss?):\/\/(127\.0\.0\.1|localhost)[:/]/.test(url) && !url.startsWith("data:"));
      assert.deepEqual(foreign, [], "no request leaves the machine");
      await page.close();
    } finally {
      await site.close();
    }
  });

  it("the slow-subscriber slide replays its own recording, in which the publisher drops at the high-water mark", async () => {
    const site = await serveStatic();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`${site.url}/#/pub-sub-slow`);
      await page.locator("section#pub-sub-slow.present").waitFor();
      const widget = "section#pub-sub-slow zmq-demo";
      await page.locator(`${widget} button.demo-run`).click();
      await page.locator(`${widget}[data-state="replay"]`).waitFor({ timeout: 10_000 });
      await page.waitForFunction(
        (selector) => Number(document.querySelector(`${selector} [data-node="publisher-1"]`)?.getAttribute("data-lost")) >= 1,
        widget,
        { timeout: 15_000 },
      );
      await page.locator(`${widget} [data-node="publisher-1"]`).click();
      await page
        .getByRole("region", { name: "Inspector" })
        .getByText(/high-water mark/)
        .waitFor();
      await page.close();
    } finally {
      await site.close();
    }
  });

  it("npm run pdf writes one page per slide, with every title, and starts no demo process", async () => {
    const output = `${mkdtempSync(`${tmpdir()}/zmq-pdf-`)}/talk.pdf`;
    const script = fileURLToPath(new URL("../scripts/pdf.js", import.meta.url));
    const child = spawn(process.execPath, [script, output], { stdio: "ignore" });
    let demoSeen = false;
    const watch = setInterval(() => {
      const processes = execFileSync("ps", ["-eo", "args="], { encoding: "utf8" });
      if (processes.includes(`${REPO_ROOT}build/demos/`)) demoSeen = true;
    }, 100);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearInterval(watch);
    assert.equal(code, 0);
    assert.equal(demoSeen, false, "no demo process ran while the PDF was made");

    const page = await browser.newPage();
    const site = await serveStatic();
    await page.goto(`${site.url}/`);
    await page.locator(".reveal.ready").waitFor({ state: "attached" });
    const titles = await page
      .locator(".reveal .slides section[id]")
      .evaluateAll((sections) => sections.map((section) => (section as HTMLElement).dataset.title ?? ""));
    await page.close();
    await site.close();

    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [output], { encoding: "utf8" }))?.[1]);
    assert.equal(pages, titles.length, "one page per slide");
    const text = execFileSync("pdftotext", ["-layout", output, "-"], { encoding: "utf8" });
    for (const title of titles) assert.ok(text.includes(title), `the PDF mentions "${title}"`);
    assert.match(text, /Recorded run/, "demo diagrams show a recorded run");
  });
});

describe("recorded traces", () => {
  // Each demo's default run, and each slide's preset of it, replays its own recording.
  const presets = demoShowings(readSlideFiles(REPO_ROOT)).filter(({ preset }) => preset !== "");
  for (const { name, manifest, preset } of [
    ...[...manifests].map(([name, manifest]) => ({ name, manifest, preset: "" })),
    ...presets.map(({ demo, preset }) => ({ name: demo, manifest: manifests.get(demo)!, preset })),
  ]) {
    it(`${name}${preset ? ` (${preset})` : ""} has a trace recorded from a real run of its current version`, () => {
      const file = `${REPO_ROOT}public/${tracePath(name, preset)}`;
      assert.ok(existsSync(file), `public/${tracePath(name, preset)} exists: run \`npm run record ${name}\``);
      const trace = JSON.parse(readFileSync(file, "utf8")) as RecordedTrace;
      assert.equal(trace.manifestVersion, manifest.version, `the trace is older than the demo: run \`npm run record ${name}\``);
      assert.ok(
        Object.values(trace.pids).every((pid) => pid > 0),
        "it names the real pids",
      );
      assert.ok(
        trace.events.some((event) => event.kind === "deliver"),
        "messages were delivered in it",
      );
      for (const [param, value] of Object.entries(presetValues(preset)))
        assert.equal(trace.params[param], value, `it ran with the slide's ${param}=${value}`);
    });
  }
});
