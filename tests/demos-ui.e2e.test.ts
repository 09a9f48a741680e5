/// <reference lib="dom" />
/**
 * The demos as a viewer uses them, in a real Chromium against the real bridge: parameters,
 * node actions by mouse and keyboard, an outside Python peer appearing in the diagram, and a
 * layout that fits the slide.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { isAlive, waitForExit } from "../harness/processes.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";
import { PEERS_DIR } from "./helpers/peers.js";

const harness = useBridgeAndBrowser();

async function openSlide(id: string): Promise<Page> {
  const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${harness.bridge.url}/#/${id}`);
  await page.locator(`section#${id}.present`).waitFor();
  return page;
}

/** Waits until an attribute of the current slide's element passes `test`; polled from here. */
async function waitForAttribute(
  page: Page,
  selector: string,
  name: string,
  test: (value: string) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const element = page.locator(`section.present ${selector}`);
  for (;;) {
    const value = (await element.count()) > 0 ? await element.first().getAttribute(name) : null;
    if (value !== null && test(value)) return;
    if (Date.now() > deadline) throw new Error(`${selector} ${name} is ${value}, still not as expected`);
    await page.waitForTimeout(100);
  }
}

const atLeast = (minimum: number) => (value: string) => Number(value) >= minimum;

async function pids(page: Page): Promise<number[]> {
  return page
    .locator("section.present zmq-demo [data-node][data-pid]")
    .evaluateAll((nodes) => nodes.map((node) => Number((node as HTMLElement).dataset.pid)).filter((pid) => pid > 0));
}

/** Nothing of the slide spills out of the 1280×720 frame. */
async function assertFits(page: Page): Promise<void> {
  const box = await page.locator("section.present zmq-demo").boundingBox();
  assert.ok(
    box && box.x >= 0 && box.y >= 0 && box.x + box.width <= 1280 && box.y + box.height <= 720,
    `the widget fits the slide: ${JSON.stringify(box)}`,
  );
  const overflow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.deepEqual(overflow, [1280, 720], "the page does not scroll");
}

describe("push-pull, live from its slide", () => {
  it("runs as many workers as the viewer sets, kills one chosen by keyboard, adds another, and shows the lost tasks", async () => {
    const page = await openSlide("push-pull");
    await page.locator('section.present zmq-demo input[name="workers"]').fill("4");
    await page.locator('section.present zmq-demo input[name="rate"]').fill("40");
    await page.locator("section.present").getByRole("button", { name: "Run" }).click();
    await waitForAttribute(page, '[data-node="worker-4"]', "data-received", atLeast(2));
    assert.equal(await page.locator('section.present zmq-demo [data-role="worker"]').count(), 4);
    assert.ok(await page.locator('section.present zmq-demo input[name="workers"]').isDisabled(), "parameters are fixed while running");
    await assertFits(page);

    // Pick worker-3 with the keyboard, then kill it.
    await page.locator('section.present [data-node="worker-3"]').focus();
    await page.keyboard.press("Enter");
    const nodeMenu = page.locator("section.present").getByRole("combobox", { name: "Node to act on" });
    assert.equal(await nodeMenu.inputValue(), "worker-3");
    // The ventilator has nothing to do to it: inspecting it leaves the menu and buttons on worker-3.
    await page.locator('section.present [data-node="ventilator-1"]').focus();
    await page.keyboard.press("Enter");
    assert.equal(await nodeMenu.inputValue(), "worker-3");
    await page.locator('section.present [data-node="worker-3"]').focus();
    await page.keyboard.press("Enter");
    await page.locator("section.present zmq-demo .node-actions button", { hasText: "Kill" }).click();
    await waitForAttribute(page, '[data-node="worker-3"]', "data-status", (value) => value === "exited");
    // Its queue: 40 tasks a second against four workers of 200 ms each leaves tasks waiting in every pipe.
    await waitForAttribute(page, '[data-node="ventilator-1"]', "data-lost", atLeast(1));
    await waitForAttribute(page, '[data-node="worker-3"]', "data-missed", atLeast(1));
    // Both counters move as batches arrive; compare them in one snapshot, once they agree.
    await page.waitForFunction(
      () => {
        const lost = document.querySelector('section.present [data-node="ventilator-1"]')?.getAttribute("data-lost");
        const missed = document.querySelector('section.present [data-node="worker-3"]')?.getAttribute("data-missed");
        return Number(lost) >= 1 && lost === missed;
      },
      undefined,
      { timeout: 10_000 },
    );

    await page.locator("section.present").getByRole("button", { name: "Add worker" }).click();
    await waitForAttribute(page, '[data-node="worker-5"]', "data-received", atLeast(1));
    await assertFits(page);

    const running = await pids(page);
    await page.locator("section.present").getByRole("button", { name: "Stop" }).click();
    await page.waitForFunction(
      () => document.querySelector("section.present zmq-demo")?.getAttribute("data-state") === "stopped",
      undefined,
      { timeout: 15_000 },
    );
    assert.deepEqual(await waitForExit(running), []);
    await page.close();
  });

  it("a Python worker connecting from outside appears in the diagram, and goes when it leaves", async () => {
    const page = await openSlide("push-pull");
    await page.locator("section.present").getByRole("button", { name: "Run" }).click();
    await waitForAttribute(page, '[data-node="worker-1"]', "data-received", atLeast(1));
    // The endpoint the ventilator bound, as the widget shows it for peers from outside.
    const bound = await page
      .locator("section.present zmq-demo [data-endpoint]")
      .evaluateAll((elements) => elements.map((element) => (element as HTMLElement).dataset.endpoint!));
    assert.equal(bound.length, 1, `one endpoint: ${bound}`);
    assert.match(bound[0]!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const python = spawn("/usr/bin/python3", [`${PEERS_DIR}pull_worker.py`, bound[0]!, "15"], { stdio: "ignore" });
    await waitForAttribute(page, '[data-role="external"]', "data-external", (value) => value === "1");
    await new Promise((resolve) => python.on("close", resolve));
    await page.waitForFunction(() => document.querySelector('section.present zmq-demo [data-role="external"]') === null, undefined, {
      timeout: 15_000,
    });
    await page.locator("section.present").getByRole("button", { name: "Stop" }).click();
    await page.close();
  });
});

describe("the distributed adder, live", () => {
  it("with the fix on, every worker gets work and the sink prints the exact total", async () => {
    const page = await openSlide("complete-application");
    await page.locator('section.present zmq-demo input[name="length"]').fill("1000");
    await page.locator('section.present zmq-demo select[name="wait"]').selectOption({ label: "on" });
    await page.locator("section.present").getByRole("button", { name: "Run" }).click();
    // The workers' own lines may scroll the sink's past the output panel: its node's inspector
    // keeps what the sink printed last, as a viewer would look there.
    await waitForAttribute(page, '[data-node="sink-1"]', "data-received", (value) => value === "100", 30_000);
    await page.locator('section.present [data-node="sink-1"]').click();
    await page.getByRole("list", { name: "What it printed" }).getByText("Total: 499500 (100 sub-arrays)").waitFor({ timeout: 10_000 });
    const workersReceived = () =>
      page
        .locator('section.present zmq-demo [data-role="worker"]')
        .evaluateAll((nodes) => nodes.map((node) => Number((node as HTMLElement).dataset.received)));
    // Each worker's XPUB receives the sink's subscription, then its tasks.
    const workers = 4;
    await page.waitForFunction(
      (expected) =>
        Array.from(document.querySelectorAll('section.present zmq-demo [data-role="worker"]')).reduce(
          (sum, node) => sum + Number((node as HTMLElement).dataset.received),
          0,
        ) >= expected,
      100 + workers,
      { timeout: 10_000 },
    );
    const received = await workersReceived();
    assert.equal(received.length, workers);
    assert.equal(
      received.reduce((a, b) => a + b, 0),
      100 + workers,
      "every task and one subscription each",
    );
    assert.ok(
      received.every((count) => count > 1),
      `every worker got work: ${received}`,
    );
    await assertFits(page);
    await page.locator("section.present").getByRole("button", { name: "Stop" }).click();
    await page.close();
  });
});

describe("request-reply, the lockstep", () => {
  it("Send twice on the client shows libzmq's EFSM in the client's own output", async () => {
    const page = await openSlide("req-rep");
    await page.locator("section.present").getByRole("button", { name: "Run" }).click();
    await waitForAttribute(page, '[data-node="client-1"]', "data-received", atLeast(1));
    await page.locator('section.present [data-node="client-1"]').click();
    await page.locator("section.present").getByRole("button", { name: "Send twice" }).click();
    await page
      .locator('section.present zmq-demo .demo-output li[data-printed-by="client-1"]', { hasText: "Refused: EFSM" })
      .waitFor({ timeout: 10_000 });
    const running = await pids(page);
    assert.ok(running.every(isAlive), "the refusal crashed nothing");
    await page.locator("section.present").getByRole("button", { name: "Stop" }).click();
    await page.close();
  });
});
