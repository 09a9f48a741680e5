/// <reference lib="dom" />
/**
 * A viewer of a shared deck cannot send code: its page has no Edit (nor a Run that would carry
 * code), and the bridge answers code from a viewer's connection, a run with code or a check,
 * with `read-only`, starting nothing. It sees the presenter's edited run like any other run,
 * the learner's node marked.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../harness/browser.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { otherLocalAddress } from "./helpers/network.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { demoProcessesOf } from "../harness/processes.js";

const elsewhere = otherLocalAddress();
let bridge: RunningBridge;
let browser: Browser;
let token: string;

before(async () => {
  bridge = await startBridge(["--share"]);
  for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(bridge.output()); tries++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  token = /\?token=([\w-]+)/.exec(bridge.output())?.[1] ?? "";
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await bridge?.stop();
});

const SOURCE = `export async function startServer(endpoint: string, work: number) {
  const socket = new zmq.Reply();
  await socket.bind(endpoint);
}`;

describe("a viewer of a shared deck and code", {
  timeout: 120_000,
  skip: elsewhere === undefined && "this machine has no address but loopback",
}, () => {
  it("has no Edit on a code slide, while the presenter's page has one", async () => {
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await viewer.goto(`http://${elsewhere}:${bridge.port}/?token=${token}#/req-rep-server`);
    await viewer
      .locator("section#req-rep zmq-demo")
      .getByText(/Watching/)
      .waitFor({ timeout: 15_000 });
    assert.equal(await viewer.locator("section#req-rep-server").getByRole("button", { name: "Edit" }).count(), 0, "no Edit for a viewer");
    await viewer.keyboard.press("e");
    assert.equal(await viewer.locator("[data-editor]").count(), 0, "E opens nothing");
    await viewer.close();

    const presenter = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await presenter.goto(`${bridge.url}/#/req-rep-server`);
    await presenter.locator("section#req-rep-server").getByRole("button", { name: "Edit" }).waitFor({ timeout: 15_000 });
    await presenter.close();
  });

  it("sees the presenter's run of an edited server, its node marked as the presenter's code", async () => {
    const presenter = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await presenter.goto(`${bridge.url}/#/req-rep-server`);
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await viewer.goto(`http://${elsewhere}:${bridge.port}/?token=${token}#/req-rep`);
    await viewer
      .locator("section#req-rep zmq-demo")
      .getByText(/Watching/)
      .waitFor({ timeout: 15_000 });
    await presenter.locator("section#req-rep-server").getByRole("button", { name: "Edit" }).click();
    const content = presenter.locator(`[data-editor="req-rep/server"] .cm-content`);
    await content.click();
    await presenter.keyboard.press("Control+End");
    await presenter.keyboard.press("ArrowUp");
    await presenter.keyboard.press("ArrowUp");
    await presenter.keyboard.press("End");
    for (let i = 0; i < 'await socket.send("World");'.length; i++) await presenter.keyboard.press("Backspace");
    await presenter.keyboard.type('await socket.send("From the stage");');
    await presenter.locator("section#req-rep-server").getByRole("button", { name: "Run your code" }).click();
    const watched = viewer.locator("section#req-rep zmq-demo");
    await watched.locator(`[data-node="server-1"][data-edited="true"]`).waitFor({ state: "attached", timeout: 20_000 });
    await viewer.waitForFunction(
      () => document.querySelector("section#req-rep zmq-demo .demo-output")?.textContent?.includes("[ From the stage ]"),
      undefined,
      { timeout: 20_000 },
    );
    await presenter.locator("section#req-rep-server").getByRole("button", { name: "Stop" }).click();
    await viewer.close();
    await presenter.close();
  });

  it("the bridge refuses a viewer's run with code and its check as read-only, and starts nothing", async () => {
    const page = await BridgeClient.open(`http://${elsewhere}:${bridge.port}`, { token, localAddress: elsewhere });
    try {
      const run = page.newRequestId();
      page.send({ type: "run", requestId: run, demo: "req-rep", code: { role: "server", source: SOURCE } });
      const check = page.newRequestId();
      page.send({ type: "check", requestId: check, demo: "req-rep", role: "server", source: SOURCE });
      for (const requestId of [run, check]) {
        const answer = await page.waitFor((message) => "requestId" in message && message.requestId === requestId);
        assert.equal(answer.type, "error", JSON.stringify(answer));
        assert.equal(answer.type === "error" && answer.code, "read-only", JSON.stringify(answer));
      }
      assert.deepEqual(demoProcessesOf(bridge.process.pid!), [], "no demo process started");
    } finally {
      page.socket.close();
    }
  });
});
