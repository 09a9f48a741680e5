/// <reference lib="dom" />
/**
 * Messages sent and never received, with real processes: lost at a publisher nobody listens
 * to, and lost to a slow subscriber's high-water mark — counted on the diagram and explained
 * in the inspector.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { useBridgeAndBrowser } from "./helpers/harness.js";
import { BridgeClient } from "../harness/bridge-client.js";

const harness = useBridgeAndBrowser();
const widget = '#pub-sub zmq-demo[data-demo="pub-sub"]';
/** The slow-subscriber demo's defaults: a subscriber that takes 150 ms a message, fed 20 heavy messages a second. */
const SLOW = { rate: 20, work: 150, hwm: 1, size: 4096 };

describe("losses in the bridge's events", () => {
  let client: BridgeClient;
  before(async () => {
    client = await BridgeClient.open(harness.bridge.url);
  });
  after(() => client.close());

  it("a topic nobody subscribes to is lost at the publisher, for nobody, and never received", async () => {
    // One subscriber, filtering on weather: sports and news go to nobody.
    const runId = await client.start("pub-sub", { subscribers: 2, rate: 40, sync: 1 });
    await client.waitUntil(() => client.count("subscriber-2", "recv") >= 2, 15_000, "weather for subscriber-2");
    const acted = await client.request({ type: "action", runId, action: "filter", node: "subscriber-1", filter: "weather" });
    assert.equal(acted.type, "acted");
    const since = () =>
      client.events().find((event) => event.kind === "filters" && event.node === "subscriber-1" && event.filters.includes("weather"))?.t;
    const nobodys = () => client.lost().filter((event) => event.reason === "no-subscriber" && event.t > (since() ?? Infinity));
    await client.waitUntil(() => nobodys().length >= 4, 15_000, "messages nobody wanted");
    await client.stop(runId);
    const lost = nobodys();
    assert.ok(
      lost.every((event) => event.node === "publisher-1" && event.to === undefined),
      "lost at the publisher",
    );
    const topics = new Set(lost.map((event) => event.frames[0]!.text));
    assert.deepEqual([...topics].sort(), ["news/tech", "sports/football"], "exactly the topics no filter matched");
    const received = new Set(client.events().flatMap((event) => (event.kind === "deliver" ? [`${event.from}/${event.sendSeq}`] : [])));
    assert.ok(
      lost.every((event) => !received.has(`publisher-1/${event.sendSeq}`)),
      "none of them was received by anyone",
    );
  });

  it("a subscriber too slow for the publisher loses messages to the high-water mark, marked at the publisher towards it", async () => {
    const runId = await client.start("slow-subscriber", { subscribers: 1 });
    await client.waitUntil(() => client.lost().some((event) => event.reason === "hwm"), 30_000, "a high-water-mark drop");
    await client.stop(runId);
    const drops = client.lost().filter((event) => event.reason === "hwm");
    assert.ok(drops.every((event) => event.node === "publisher-1" && event.to === "subscriber-1"));
    const received = new Set(
      client.events().flatMap((event) => (event.kind === "deliver" && event.node === "subscriber-1" ? [event.sendSeq] : [])),
    );
    assert.ok(
      drops.every((event) => !received.has(event.sendSeq)),
      "a dropped message was never received",
    );
  });
});

describe("losses on the diagram", () => {
  it("messages published before any subscriber are counted lost at the publisher and explained in its inspector", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${harness.bridge.url}/#/pub-sub`);
    await page.locator("section#pub-sub.present").waitFor();
    await page.locator(`${widget} input[name="rate"]`).fill("200");
    // Each drop is drawn for a moment only: note every one that appears.
    await page.evaluate((selector) => {
      const seen: string[] = [];
      (window as unknown as { drops: string[] }).drops = seen;
      new MutationObserver(() => {
        for (const dot of document.querySelectorAll(`${selector} .message.lost`))
          seen.push(`${dot.getAttribute("data-from")}→${dot.getAttribute("data-to")}`);
      }).observe(document.querySelector(selector)!, { subtree: true, childList: true });
    }, widget);
    await page.getByRole("button", { name: "Run" }).click();
    const publisher = page.locator(`${widget} [data-node="publisher-1"]`);
    // The first losses may be slow joiners' (a subscriber connected, its subscription not yet
    // there), drawn towards it; the topics no subscriber filters for are dropped for nobody.
    await page
      .waitForFunction(() => (window as unknown as { drops: string[] }).drops.includes("publisher-1→"), undefined, { timeout: 10_000 })
      .catch(() => {});
    const drops = await page.evaluate(() => (window as unknown as { drops: string[] }).drops);
    // Drawn falling out of the publisher: towards a subscriber still joining, or for nobody.
    assert.ok(
      drops.some((drop) => drop.startsWith("publisher-1→")),
      `a lost message was drawn falling out of the publisher: ${[...new Set(drops)]}`,
    );
    await publisher.click();
    const inspector = page.getByRole("region", { name: "Inspector" });
    // At the defaults one subscriber takes everything: what went before the subscriptions is a slow joiner's loss.
    await inspector
      .getByText(/no subscriber wanted it|the subscriber was still joining/)
      .first()
      .waitFor({ timeout: 10_000 });
    await page.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });

  it("the slow-subscriber slide runs with its settings in the fields, and the publisher's drops are explained as the high-water mark", async () => {
    const slow = '#pub-sub-slow zmq-demo[data-demo="slow-subscriber"]';
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${harness.bridge.url}/#/pub-sub-slow`);
    await page.locator("section#pub-sub-slow.present").waitFor();
    for (const [name, value] of Object.entries(SLOW))
      assert.equal(await page.locator(`${slow} [name="${name}"]`).inputValue(), String(value), `${name} is set`);
    await page.locator(`${slow} button.demo-run`).click();
    await page.waitForFunction(
      (selector) => Number(document.querySelector(`${selector} [data-node="publisher-1"]`)?.getAttribute("data-lost")) >= 1,
      slow,
      { timeout: 30_000 },
    );
    await page.locator(`${slow} [data-node="publisher-1"]`).click();
    await page
      .locator(slow)
      .getByRole("region", { name: "Inspector" })
      .getByText(/high-water mark/)
      .first()
      .waitFor({ timeout: 10_000 });
    await page.locator(`${slow} button.demo-run`).click();
    await page.close();
  });
});
