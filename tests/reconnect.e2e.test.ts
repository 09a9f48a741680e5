/// <reference lib="dom" />
/**
 * The page and the bridge in a real Chromium: a page outlives a bridge restart and says so,
 * and a viewer's page of a shared deck watches the presenter's run without starting one.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../harness/browser.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { demoProcessesOf, killChild, waitForExit } from "../harness/processes.js";

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function openSlide(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(url);
  await page.locator("section#req-rep.present").waitFor();
  return page;
}

const widgetState = (page: Page) => page.locator('zmq-demo[data-demo="req-rep"]').getAttribute("data-state");

async function waitForState(page: Page, state: string): Promise<void> {
  await page.waitForFunction(
    (wanted) => document.querySelector('zmq-demo[data-demo="req-rep"]')?.getAttribute("data-state") === wanted,
    state,
    { timeout: 20_000 },
  );
}

async function waitForReplies(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-role="client"]')?.getAttribute("data-received")) >= wanted,
    count,
    { timeout: 20_000 },
  );
}

async function pidsOnScreen(page: Page): Promise<number[]> {
  return page
    .locator('zmq-demo[data-demo="req-rep"] [data-node]')
    .evaluateAll((nodes) => nodes.map((node) => Number((node as HTMLElement).dataset.pid)));
}

describe("the page and a bridge that restarts", { timeout: 180_000 }, () => {
  it("says the bridge is lost, reconnects by itself with backoff, says so, and runs again; nothing from before is left", async (t) => {
    let bridge: RunningBridge = await startBridge();
    const port = bridge.port;
    const page = await openSlide(`${bridge.url}/#/req-rep`);
    const banner = page.locator(".bridge-status");
    try {
      await page.getByRole("button", { name: "Run" }).click();
      await waitForReplies(page, 1);
      const before = await pidsOnScreen(page);

      await bridge.stop("SIGTERM");
      await waitForState(page, "stopped");
      await banner.filter({ hasText: /^Bridge lost — reconnecting in \d+ s…$/ }).waitFor({ timeout: 10_000 });
      assert.match((await page.locator('zmq-demo[data-demo="req-rep"] .demo-status').textContent()) ?? "", /bridge went away/);
      assert.deepEqual(await waitForExit(before), [], "nothing from before runs on");

      bridge = await startBridge([], { port });
      await banner.filter({ hasText: "Reconnected to the bridge" }).waitFor({ timeout: 20_000 });
      await banner.waitFor({ state: "hidden", timeout: 10_000 });

      await page.getByRole("button", { name: "Run" }).click();
      await waitForReplies(page, 1);
      const after = await pidsOnScreen(page);
      assert.deepEqual(demoProcessesOf(bridge.process.pid!).sort(), [...after].sort(), "the new run is the new bridge's");
      await page.getByRole("button", { name: "Stop" }).click();
      await waitForState(page, "stopped");
      t.diagnostic(`bridge restarted on port ${port}; the page reconnected and ran again; processes left from before: 0`);
    } finally {
      await page.close();
      await bridge.stop();
    }
  });
});

describe("a demo process killed on screen", { timeout: 180_000 }, () => {
  it("kill -9 of the server mid-run shows that node dead, by SIGKILL, while the client's node lives on", async () => {
    const bridge = await startBridge();
    const page = await openSlide(`${bridge.url}/#/req-rep`);
    try {
      await page.getByRole("button", { name: "Run" }).click();
      await waitForReplies(page, 2);
      const server = page.locator('zmq-demo[data-demo="req-rep"] [data-node][data-role="server"]');
      const serverPid = Number(await server.getAttribute("data-pid"));
      assert.ok(killChild(bridge.process.pid!, serverPid), "the pid on screen is the bridge's child");
      await page
        .locator('zmq-demo[data-demo="req-rep"] [data-node][data-role="server"][data-status="exited"]')
        .waitFor({ timeout: 10_000 });
      assert.match((await server.textContent()) ?? "", /exited \(SIGKILL\)/);
      assert.equal(
        await page.locator('zmq-demo[data-demo="req-rep"] [data-node][data-role="client"]').getAttribute("data-status"),
        "running",
      );
      assert.equal(await widgetState(page), "running", "the run goes on");
      await page.getByRole("button", { name: "Stop" }).click();
      await waitForState(page, "stopped");
      assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    } finally {
      await page.close();
      await bridge.stop();
    }
  });
});

describe("a shared deck in the browser", { timeout: 180_000 }, () => {
  it("a viewer's page watches the presenter's run live and cannot start one", async () => {
    const bridge = await startBridge(["--share", "--host", "127.0.0.1"]);
    try {
      for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(bridge.output()); tries++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const token = /\?token=([\w-]+)/.exec(bridge.output())?.[1];
      assert.ok(token);
      const viewer = await openSlide(`${bridge.url}/?token=${token}#/req-rep`);
      const viewerButton = viewer.locator('zmq-demo[data-demo="req-rep"] button.demo-run');
      assert.equal(await viewerButton.isDisabled(), true, "a viewer has no Run");
      assert.equal(await viewerButton.isVisible(), false, "nor is one shown");
      await viewer.locator('zmq-demo[data-demo="req-rep"] .demo-status', { hasText: "Watching" }).waitFor();

      const presenter = await openSlide(`${bridge.url}/#/req-rep`);
      await presenter.getByRole("button", { name: "Run" }).click();
      await waitForReplies(presenter, 2);
      await waitForReplies(viewer, 2);
      assert.equal(await widgetState(viewer), "running");
      assert.deepEqual(await pidsOnScreen(viewer), await pidsOnScreen(presenter), "the viewer sees the presenter's processes");

      // Leaving the slide and coming back does not stop, or try to stop, the presenter's run.
      await viewer.keyboard.press("ArrowRight");
      await viewer.locator("section#req-rep-client.present").waitFor();
      await viewer.keyboard.press("ArrowLeft");
      await viewer.locator("section#req-rep.present").waitFor();
      assert.equal(await widgetState(viewer), "running");
      assert.equal(await widgetState(presenter), "running");

      await presenter.getByRole("button", { name: "Stop" }).click();
      await waitForState(viewer, "stopped");
      await presenter.close();
      await viewer.close();
      assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    } finally {
      await bridge.stop();
    }
  });
});
