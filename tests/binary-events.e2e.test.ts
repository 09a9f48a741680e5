/// <reference lib="dom" />
/**
 * The deck's page reads its run events as binary frames (protocol/event-codec.ts), in a real
 * Chromium against the real bridge: it shows the very counters a JSON client of the same run
 * counts, and a frame it cannot read stops the run with a clear error instead of breaking it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { RunEvent } from "../protocol/messages.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";
import { BridgeClient } from "../harness/bridge-client.js";

const harness = useBridgeAndBrowser();
const widget = 'zmq-demo[data-demo="fast"]';

interface Counters {
  sent: number;
  received: number;
  lost: number;
  missed: number;
}

/** Each node's counters as the JSON events say, by the rules the diagram counts by. */
function countersOf(events: RunEvent[]): Map<string, Counters> {
  const nodes = new Map<string, Counters>();
  const of = (node: string) => nodes.get(node) ?? nodes.set(node, { sent: 0, received: 0, lost: 0, missed: 0 }).get(node)!;
  for (const event of events) {
    if (event.kind === "spawn") nodes.set(event.node, { sent: 0, received: 0, lost: 0, missed: 0 });
    else if (event.kind === "send") of(event.node).sent += 1;
    else if (event.kind === "recv") of(event.node).received += 1;
    else if (event.kind === "flow") of(event.node)[event.direction === "send" ? "sent" : "received"] += event.count;
    else if (event.kind === "lost") {
      of(event.node).lost += 1;
      if (event.to) of(event.to).missed += 1;
    }
  }
  return nodes;
}

/** Each node's counters as the page's diagram shows them. */
function shownCounters(page: Page): Promise<[string, Counters][]> {
  return page.locator(`${widget} [data-node]`).evaluateAll((groups) =>
    groups.map((group) => {
      const data = (group as SVGGElement).dataset;
      return [
        data.node!,
        { sent: Number(data.sent), received: Number(data.received), lost: Number(data.lost), missed: Number(data.missed) },
      ];
    }),
  );
}

async function runFast(page: Page, count: number): Promise<void> {
  await page.locator(`${widget} input[name="count"]`).fill(String(count));
  await page.locator(widget).getByRole("button", { name: "Run" }).click();
}

describe("the deck's page reading binary events", () => {
  it("shows the same counters for every node as a JSON client watching the same run", async () => {
    const json = await BridgeClient.open(harness.bridge.url);
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    let binaryFrames = 0;
    page.on("websocket", (socket) =>
      socket.on("framereceived", ({ payload }) => void (typeof payload === "string" || (binaryFrames += 1))),
    );
    try {
      await page.goto(`${harness.bridge.url}/#/fast`);
      await page.locator("section#fast.present").waitFor();
      json.send({ type: "watch", requestId: json.newRequestId(), demo: "fast" });
      await json.waitFor((message) => message.type === "watching");
      await runFast(page, 20_000);
      const started = await json.waitFor((message) => message.type === "started");
      const runId = started.type === "started" ? started.runId : "";
      await page.waitForFunction(
        (widget) => Number(document.querySelector(`${widget} [data-node="receiver-1"]`)?.getAttribute("data-received")) >= 20_000,
        widget,
        { timeout: 30_000 },
      );
      await page.locator(widget).getByRole("button", { name: "Stop" }).click();
      await page.waitForFunction((widget) => document.querySelector(widget)?.getAttribute("data-state") === "stopped", widget, {
        timeout: 15_000,
      });
      await json.stopped(runId);

      assert.ok(binaryFrames > 0, "the page was sent its events as binary frames");
      const expected = countersOf(json.events(runId));
      const shown = new Map(await shownCounters(page));
      assert.deepEqual([...shown.keys()].sort(), [...expected.keys()].sort(), "the same nodes");
      for (const [node, counters] of expected) assert.deepEqual(shown.get(node), counters, `${node}'s counters`);
      assert.ok(expected.get("receiver-1")!.received >= 20_000, "a real burst was counted");
    } finally {
      await page.close();
      await json.close();
    }
  });

  it("stops the run with a clear error when a frame of events cannot be read, and runs again afterwards", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    let binaryFrames = 0;
    // The real bridge's frames pass through; the third binary one arrives cut in half, as a broken proxy might.
    await page.routeWebSocket(/\/ws/, (socket) => {
      const bridge = socket.connectToServer();
      bridge.onMessage((message) => {
        if (typeof message !== "string" && ++binaryFrames === 3) socket.send(message.subarray(0, message.length >> 1));
        else socket.send(message);
      });
    });
    const json = await BridgeClient.open(harness.bridge.url);
    try {
      json.send({ type: "watch", requestId: json.newRequestId(), demo: "fast" });
      await json.waitFor((message) => message.type === "watching");
      await page.goto(`${harness.bridge.url}/#/fast`);
      await page.locator("section#fast.present").waitFor();
      const errors: Error[] = [];
      page.on("pageerror", (error) => errors.push(error));
      await runFast(page, 20_000);
      await page.waitForFunction((widget) => document.querySelector(widget)?.getAttribute("data-state") === "error", widget, {
        timeout: 15_000,
      });
      assert.match(
        (await page.locator(`${widget} .demo-status`).textContent()) ?? "",
        /bad-events: the bridge sent events this page cannot read .*; the run was stopped/,
      );
      assert.deepEqual(errors, [], "no uncaught error in the page");
      const started = await json.waitFor((message) => message.type === "started");
      assert.equal(
        await json.stopped(started.type === "started" ? started.runId : ""),
        "requested",
        "the page had the bridge end the run's processes",
      );

      await page.locator(widget).getByRole("button", { name: "Run" }).click();
      await page.waitForFunction(
        (widget) => Number(document.querySelector(`${widget} [data-node="receiver-1"]`)?.getAttribute("data-received")) > 0,
        widget,
        { timeout: 15_000 },
      );
      assert.equal(await page.locator(widget).getAttribute("data-state"), "running", "a new run goes on as usual");
      await page.locator(widget).getByRole("button", { name: "Stop" }).click();
      await page.waitForFunction((widget) => document.querySelector(widget)?.getAttribute("data-state") === "stopped", widget, {
        timeout: 15_000,
      });
    } finally {
      await page.close();
      await json.close();
    }
  });
});
