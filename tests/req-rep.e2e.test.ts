/// <reference lib="dom" />
/**
 * A user's walk through the Request/Reply slide, in a real Chromium against the real bridge
 * and real ZeroMQ processes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { demoProcessesOf, isAlive, waitForExit } from "../harness/processes.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";

const harness = useBridgeAndBrowser();

const openSlide = (id: string) => harness.openSlide(id);

const widget = (page: Page) => page.locator('zmq-demo[data-demo="req-rep"]');
const node = (page: Page, role: string) => widget(page).locator(`[data-node][data-role="${role}"]`);

async function numberAttribute(page: Page, role: string, name: string): Promise<number> {
  return Number(await node(page, role).getAttribute(name));
}

async function pidsOnScreen(page: Page): Promise<number[]> {
  const pids = await widget(page)
    .locator("[data-node]")
    .evaluateAll((nodes) => nodes.map((element) => Number((element as HTMLElement).dataset.pid)));
  assert.ok(
    pids.every((pid) => pid > 0),
    `every node shows a pid: ${pids}`,
  );
  return pids;
}

/** Waits until the client has had `count` replies, as the diagram shows. */
async function waitForRoundTrips(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-role="client"]')?.getAttribute("data-received")) >= wanted,
    count,
    { timeout: 15_000 },
  );
}

describe("Request/Reply, live from its slide", () => {
  it("runs real REQ and REP processes, shows Hello and World travelling, and counts what the processes counted", async () => {
    const page = await openSlide("req-rep");
    const run = page.getByRole("button", { name: "Run" });
    await run.click();
    await waitForRoundTrips(page, 3);
    assert.equal(await widget(page).getAttribute("data-state"), "running");

    const pids = await pidsOnScreen(page);
    assert.equal(pids.length, 2);
    assert.deepEqual(
      demoProcessesOf(harness.bridge.process.pid!).sort(),
      [...pids].sort(),
      "the processes on screen are the bridge's children",
    );

    // Messages are drawn from their real sender to their real receiver.
    await page.locator('.message[data-from="client-1"][data-to="server-1"]').first().waitFor({ timeout: 5000 });
    await page.locator('.message[data-from="server-1"][data-to="client-1"]').first().waitFor({ timeout: 5000 });

    await page.getByRole("button", { name: "Stop" }).click();
    await page.waitForFunction(
      () => document.querySelector('zmq-demo[data-demo="req-rep"]')?.getAttribute("data-state") === "stopped",
      undefined,
      { timeout: 10_000 },
    );

    // Each process prints its own totals as it ends; the diagram's counters must equal them.
    for (const role of ["client", "server"]) {
      const tally = await widget(page)
        .locator(`.demo-output li[data-printed-by="${role}-1"]`, { hasText: /^.*sent \d+, received \d+$/ })
        .textContent();
      const [, sent, received] = /sent (\d+), received (\d+)/.exec(tally ?? "") ?? [];
      assert.equal(await numberAttribute(page, role, "data-sent"), Number(sent), `${role} sent`);
      assert.equal(await numberAttribute(page, role, "data-received"), Number(received), `${role} received`);
    }
    assert.ok((await numberAttribute(page, "server", "data-received")) >= 3);

    assert.deepEqual(pids.filter(isAlive), [], "no demo process outlives Stop");
    await page.close();
  });

  it("R runs and stops the demo of the current slide", async () => {
    const page = await openSlide("req-rep");
    await page.keyboard.press("r");
    await waitForRoundTrips(page, 1);
    const pids = await pidsOnScreen(page);
    await page.keyboard.press("r");
    await page.waitForFunction(
      () => document.querySelector('zmq-demo[data-demo="req-rep"]')?.getAttribute("data-state") === "stopped",
      undefined,
      { timeout: 10_000 },
    );
    assert.deepEqual(await waitForExit(pids), []);
    await page.close();
  });

  it("leaving the slide stops its run", async () => {
    const page = await openSlide("req-rep");
    await page.getByRole("button", { name: "Run" }).click();
    await waitForRoundTrips(page, 1);
    const pids = await pidsOnScreen(page);
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(() => document.querySelector("section#req-rep.present") === null);
    assert.deepEqual(await waitForExit(pids), [], "the processes end when the slide is left");
    // The page hears "stopped" just after the bridge has reaped the processes, not before.
    await page.waitForFunction(
      () => document.querySelector('zmq-demo[data-demo="req-rep"]')?.getAttribute("data-state") === "stopped",
      undefined,
      { timeout: 10_000 },
    );
    await page.close();
  });

  it("a run spans the code slides it names, shows in the dock there, and ends after the last", async () => {
    const page = await openSlide("req-rep");
    await page.getByRole("button", { name: "Run" }).click();
    await waitForRoundTrips(page, 1);
    const pids = await pidsOnScreen(page);
    for (const id of ["req-rep-client", "req-rep-server"]) {
      // The presenter steps through the code's highlighted lines (fragments) to the next slide.
      for (let press = 0; press < 10 && (await page.locator(`section#${id}.present`).count()) === 0; press++) {
        await page.keyboard.press("ArrowRight");
        await page.waitForTimeout(150);
      }
      await page.locator(`section#${id}.present`).waitFor();
      await page.getByRole("button", { name: "Stop Request/Reply" }).waitFor();
      assert.deepEqual(pids.filter(isAlive), pids, `the run lives on while ${id} is shown`);
    }
    await page.keyboard.press("Home");
    await page.locator("section#title.present").waitFor();
    assert.deepEqual(await waitForExit(pids), [], "the run ends once its last slide is left");
    await page.locator(".run-dock").waitFor({ state: "hidden" });
    await page.close();
  });

  it("the dock stops a run that is alive away from its slide", async () => {
    const page = await openSlide("req-rep");
    await page.getByRole("button", { name: "Run" }).click();
    await waitForRoundTrips(page, 1);
    const pids = await pidsOnScreen(page);
    await page.keyboard.press("ArrowRight");
    await page.getByRole("button", { name: "Stop Request/Reply" }).click();
    assert.deepEqual(await waitForExit(pids), []);
    await page.locator(".run-dock").waitFor({ state: "hidden" });
    await page.close();
  });

  it("closing the tab ends the processes", async () => {
    const page = await openSlide("req-rep");
    await page.getByRole("button", { name: "Run" }).click();
    await waitForRoundTrips(page, 1);
    const pids = await pidsOnScreen(page);
    await page.close();
    assert.deepEqual(await waitForExit(pids), [], "the processes end with the page");
    assert.deepEqual(demoProcessesOf(harness.bridge.process.pid!), []);
  });
});

describe("the deck", () => {
  it("opens on the title slide and reaches Request/Reply by its stable id", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${harness.bridge.url}/`);
    await page.locator("section#title.present h1", { hasText: "ZeroMQ from scratch" }).waitFor();
    await page.goto(`${harness.bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present h1", { hasText: "Request/Reply" }).waitFor();
    await page.close();
  });

  it("shows the client and server code exactly as the demo's source has it", async () => {
    const { extractCode, parseCodeReference } = await import("../scripts/slides/extract-code.js");
    const { REPO_ROOT } = await import("../server/http.js");
    const page = await openSlide("req-rep-client");
    const blocks = await page.locator(".code-block").evaluateAll((elements) =>
      // innerText: the code as a reader sees it on the slide, not the markup's text.
      elements.map((element) => ({
        source: (element as HTMLElement).dataset.source!,
        // biome-ignore lint/performance/useDomNodeTextContent: what is asserted is what is shown
        text: (element.querySelector("code") as HTMLElement).innerText,
      })),
    );
    assert.ok(blocks.length >= 2, "the deck has the client and the server code");
    for (const block of blocks) {
      assert.equal(
        block.text.trimEnd(),
        extractCode(REPO_ROOT, parseCodeReference(block.source)),
        `${block.source} on the slide equals its source`,
      );
    }
    await page.close();
  });
});
