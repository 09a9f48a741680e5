/// <reference lib="dom" />
/**
 * One consistent story, as a presenter rehearsing and a learner see it in Chromium: the talk
 * teaches a thing before it uses it; every diagram that can show a loss or a queue says what
 * they mean, and a default run's losses are explained in its notes; the Fast slide shows one
 * throughput, as measured; libzmq's refusal is drawn in words at the socket; the inspector opens
 * on the message picked; a restarted node is one node; a replay shows the parameters it ran with.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Locator, Page } from "playwright-core";
import { manifests } from "../protocol/manifests.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";
import { serveStatic } from "../harness/static-server.js";

const harness = useBridgeAndBrowser();

/** The slide each demo is shown on. */
const SLIDE_OF: Record<string, string> = {
  "req-rep": "req-rep",
  fast: "fast",
  "push-pull": "push-pull",
  "pub-sub": "pub-sub",
  "slow-subscriber": "pub-sub-slow",
  "pub-logger": "pub-logger",
  queue: "device-queue",
  streamer: "device-streamer",
  forwarder: "device-forwarder",
  "dist-adder": "complete-application",
  transports: "connection-live",
};

/** What each diagram's legend explains: what its sockets can show. */
const LEGEND_OF: Record<string, string[]> = {
  "req-rep": ["queued"],
  fast: ["lost", "missed", "not known", "queued"],
  "push-pull": ["lost", "missed", "not known", "queued"],
  "pub-sub": ["lost", "missed", "not known"],
  "slow-subscriber": ["lost", "missed", "not known"],
  "pub-logger": ["lost", "missed", "not known"],
  queue: ["queued"],
  streamer: ["lost", "missed", "not known", "queued"],
  forwarder: ["lost", "missed", "not known"],
  "dist-adder": ["lost", "missed", "not known", "queued"],
  transports: ["lost", "missed", "not known", "queued"],
};

const widgetOf = (page: Page, demo: string): Locator => page.locator(`section#${SLIDE_OF[demo]} zmq-demo[data-demo="${demo}"]`);

type DataTest = (data: DOMStringMap) => boolean;

/**
 * Waits until `test` holds for the attributes of the element at `selector`, tested in the page
 * every 50 ms. It goes there as a function made here, not as a string: the deck's policy lets no
 * string run as code in the page.
 */
async function waitForData(page: Page, selector: string, test: DataTest, timeout = 30_000): Promise<void> {
  const predicate = await page.evaluateHandle(new Function(`return ${test}`) as () => DataTest);
  await page.waitForFunction(
    ([selector, predicate]) => {
      const element = document.querySelector<HTMLElement>(selector);
      return element !== null && predicate(element.dataset);
    },
    [selector, predicate] as const,
    { timeout, polling: 50 },
  );
}

describe("the talk's order, as the → key takes a presenter through it", () => {
  it("each device comes right after the pattern it serves, Fast after the patterns, and the adder's code sits below Serialising, off the → path", {
    timeout: 120_000,
  }, async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${harness.bridge.url}/?transition=none#/title`);
    await page.locator("section#title.present").waitFor();
    const path: string[] = ["title"];
    // → until the last slide: fragments first, then the next slide, as a presenter steps.
    for (let presses = 0; presses < 400; presses++) {
      await page.keyboard.press("ArrowRight");
      const id = await page.evaluate(() => document.querySelector(".reveal .slides section.present:not(.stack)")?.id ?? "");
      if (id !== path.at(-1)) path.push(id);
      else if (await page.evaluate(() => !document.querySelector(".reveal .controls .navigate-right.enabled"))) break;
    }
    const at = (id: string) => {
      const index = path.indexOf(id);
      assert.ok(index >= 0, `→ reaches ${id}: ${path.join(" ")}`);
      return index;
    };
    assert.ok(
      at("req-rep-server") < at("router-dealer") && at("router-dealer") < at("device-queue") && at("device-queue") < at("push-pull"),
      "QUEUE, and ROUTER/DEALER under it, right after Request/Reply",
    );
    assert.ok(at("push-pull-pull") < at("device-streamer") && at("device-streamer") < at("pub-sub"), "STREAMER right after Push/Pull");
    assert.ok(at("pub-sub-slow") < at("device-forwarder") && at("device-forwarder") < at("fast"), "FORWARDER right after Pub/Sub");
    assert.ok(
      at("basic-concepts") < at("fast") && at("device-forwarder") < at("fast"),
      "Fast, with its PUSH and REQ sockets, after the patterns",
    );
    for (const backup of ["sink", "worker", "manager"]) assert.equal(path.indexOf(backup), -1, `${backup} is not on the → path`);
    assert.equal(path[at("serialising") + 1], "multithreading", "→ goes from Serialising to On multithreading");
    assert.equal(path.at(-1), "links");

    // ↓ from Serialising: the backup slides, in order.
    await page.evaluate(() => (location.hash = "#/serialising"));
    await page.locator("section#serialising.present").waitFor();
    for (const backup of ["sink", "worker", "manager"]) {
      await page.keyboard.press("ArrowDown");
      await page.locator(`section#${backup}.present`).waitFor({ timeout: 5000 });
    }
    await page.close();
  });
});

describe("losses and queues on every diagram", () => {
  for (const [demo] of manifests) {
    it(`${demo}: the legend explains what its diagram can show, and a default run's losses are explained in the slide's notes`, {
      timeout: 60_000,
    }, async () => {
      const page = await harness.openSlide(SLIDE_OF[demo]!);
      const widget = widgetOf(page, demo);
      const legend = widget.locator(".demo-legend");
      const entries = await legend.locator("[data-entry]").evaluateAll((items) => items.map((item) => item.getAttribute("data-entry")));
      assert.deepEqual(entries, LEGEND_OF[demo]);
      for (const entry of entries)
        assert.match((await legend.locator(`[data-entry="${entry}"]`).textContent()) ?? "", /(sent|wanted), (never|not) received/);
      if (entries.length > 0) assert.ok(await legend.isVisible(), "the legend is on screen");

      await widget.locator("button.demo-run").click();
      await widget.locator(`[data-node][data-status="running"]`).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(5000);
      const counts = await widget
        .locator("[data-node]")
        .evaluateAll((nodes) =>
          nodes.map((node) => ({ lost: Number(node.getAttribute("data-lost")), missed: Number(node.getAttribute("data-missed")) })),
        );
      await widget.locator("button.demo-run").click();
      await page.locator(`section#${SLIDE_OF[demo]} zmq-demo[data-state="stopped"]`).waitFor({ timeout: 15_000 });
      const notes = (await page.locator(`section#${SLIDE_OF[demo]} aside.notes`).textContent()) ?? "";
      if (counts.some((node) => node.lost > 0)) assert.match(notes, /\blost\b/, "a default run shows a loss: the notes say which and why");
      if (counts.some((node) => node.missed > 0))
        assert.match(notes, /\bmissed\b/, "a default run shows a miss: the notes say which and why");
      if (counts.some((node) => node.lost + node.missed > 0))
        assert.match(notes, /slow joiner|high-water mark|subscribed|killed|kill/, "…and why");
      await page.close();
    });
  }
});

describe("the Fast slide", () => {
  it("shows one throughput, the receiver's own measurement, labelled as measured; nothing else on the diagram claims a rate, and nothing is queued at an exited process", {
    timeout: 60_000,
  }, async () => {
    const page = await harness.openSlide("fast");
    const widget = widgetOf(page, "fast");
    await widget.getByRole("button", { name: "Run" }).click();
    // Through a burst, while the stream is drawn as a flow.
    await waitForData(page, 'section#fast [data-edge="sender-1->receiver-1"]', (data) => data.view === "flow");
    const receiver = widget.locator('[data-node="receiver-1"] .node-detail');
    await page.waitForFunction(
      () =>
        /^measured [\d,]+ msg\/s$/.test(document.querySelector('section#fast [data-node="receiver-1"] .node-detail')?.textContent ?? ""),
      undefined,
      { timeout: 20_000 },
    );
    const shown = (await receiver.textContent())!;
    // The figure is one the receiver printed, as it printed it.
    await widget
      .locator('.demo-output li[data-printed-by="receiver-1"]', { hasText: `: ${shown.replace("measured ", "")},` })
      .first()
      .waitFor({ timeout: 5000 });
    const rates = await widget
      .locator("svg.diagram text")
      .evaluateAll((texts) => texts.map((text) => text.textContent ?? "").filter((text) => /\/s\b/.test(text)));
    assert.deepEqual(rates, [shown], "one throughput on the diagram: the receiver's");
    assert.match(
      (await widget.locator('[data-node="pinger-1"] .node-detail').textContent()) ?? "",
      /^round trip/,
      "the pinger shows its own measurement, labelled",
    );

    await widget.getByRole("button", { name: "Stop" }).click();
    await page.locator('section#fast zmq-demo[data-state="stopped"]').waitFor({ timeout: 15_000 });
    const queuedAtExited = await widget
      .locator('[data-node][data-status="exited"]')
      .evaluateAll((nodes) =>
        nodes
          .filter((node) => node.hasAttribute("data-queued") || node.querySelector(".queue-slot"))
          .map((node) => node.getAttribute("data-node")),
      );
    assert.deepEqual(queuedAtExited, [], "nothing is drawn queued at an exited process");
    await page.close();
  });
});

describe("Request/Reply on stage", () => {
  it("Send twice: libzmq's refusal is drawn in words at the client's socket and said in the status line", async () => {
    const page = await harness.openSlide("req-rep");
    const widget = widgetOf(page, "req-rep");
    await widget.getByRole("button", { name: "Run" }).click();
    await waitForData(page, 'section#req-rep [data-node="client-1"]', (data) => Number(data.received) >= 1);
    await widget.getByRole("button", { name: "Send twice" }).click();
    const callout = widget.locator(".node-callout");
    await callout.waitFor({ state: "visible", timeout: 20_000 });
    assert.equal(await callout.textContent(), "Sent twice: libzmq refused with EFSM");
    assert.equal(await callout.getAttribute("data-node"), "client-1");
    const [box, strip] = await Promise.all([
      callout.boundingBox(),
      widget.locator('[data-node="client-1"] .socket-strip').first().boundingBox(),
    ]);
    assert.ok(box && strip, "both on screen");
    const besideStrip =
      box.y < strip.y + strip.height &&
      strip.y < box.y + box.height &&
      (Math.abs(box.x + box.width - strip.x) <= 40 || Math.abs(strip.x + strip.width - box.x) <= 40);
    assert.ok(besideStrip, `the words sit beside the client's socket: ${JSON.stringify({ box, strip })}`);
    assert.equal(await widget.locator(".demo-status").textContent(), "Sent twice: libzmq refused with EFSM");
    await widget.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });

  it("a message clicked on its way opens the inspector on that message: frames, hex and latency first, in view", async () => {
    const page = await harness.openSlide("req-rep");
    const widget = widgetOf(page, "req-rep");
    await widget.getByRole("button", { name: "Run" }).click();
    await widget.locator(".message:not(.lost)").first().waitFor({ timeout: 30_000 });
    await widget.locator(".demo-speed").getByRole("button", { name: "Pause" }).click();
    await widget.locator(".message:not(.lost)").first().click();
    const inspector = widget.getByRole("region", { name: "Inspector" });
    await inspector.locator(".inspector-message").waitFor();
    assert.equal(await inspector.locator("h4").first().textContent(), "Message", "the message comes first");
    const [panel, message] = await Promise.all([
      inspector.boundingBox(),
      inspector.locator(".inspector-message code").first().boundingBox(),
    ]);
    assert.ok(
      panel && message && message.y + message.height <= panel.y + panel.height,
      "its first frame's hex is in view without scrolling",
    );
    await widget.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });

  it("a restarted server is one node: one REP socket, one endpoint, in the inspector and the endpoint bar", async () => {
    const page = await harness.openSlide("req-rep");
    const widget = widgetOf(page, "req-rep");
    const server = 'section#req-rep [data-node="server-1"]';
    // Killed while the client rests between requests, not while its request is in the server's
    // hands: a REQ whose request died with its server waits for that reply for ever.
    await widget.locator('input[name="interval"]').fill("2000");
    await widget.locator('input[name="work"]').fill("0");
    await widget.getByRole("button", { name: "Run" }).click();
    await waitForData(page, 'section#req-rep [data-node="client-1"]', (data) => Number(data.received) >= 1 && data.sent === data.received);
    const firstPid = await page.locator(server).getAttribute("data-pid");
    await page.locator(server).click();
    await widget.locator(".node-actions button", { hasText: "Kill" }).click();
    await waitForData(page, server, (data) => data.status === "exited");
    await widget.locator(".node-actions button", { hasText: "Restart" }).click();
    // The restarted process: running, another pid, and serving again.
    await waitForData(page, server, (data) => data.status === "running" && data.pid !== undefined && Number(data.received) >= 1);
    assert.notEqual(await page.locator(server).getAttribute("data-pid"), firstPid, "a new process");
    await page.locator(server).click();
    const facts = await widget
      .getByRole("region", { name: "Inspector" })
      .locator("dl")
      .evaluate((list) => {
        const terms = [...list.querySelectorAll("dt")].map((term) => term.textContent);
        const values = [...list.querySelectorAll("dd")].map((value) => value.textContent);
        return Object.fromEntries(terms.map((term, index) => [term, values[index]]));
      });
    assert.equal(facts.sockets, "REP");
    assert.equal(facts.endpoints?.split(", ").length, 1, `one endpoint: ${facts.endpoints}`);
    assert.equal(await widget.locator(".demo-endpoints code").count(), 1, "one endpoint in the bar");
    await widget.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });
});

describe("replay without a bridge", () => {
  it("plays the recorded run with the parameters it was recorded with, and the fields show them", async () => {
    const site = await serveStatic();
    try {
      const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`${site.url}/#/push-pull`);
      await page.locator("section#push-pull.present").waitFor();
      const widget = widgetOf(page, "push-pull");
      await widget.locator('input[name="workers"]').fill("6");
      await widget.getByRole("button", { name: "Run" }).click();
      await page.locator('section#push-pull zmq-demo[data-state="replay"]').waitFor({ timeout: 10_000 });
      await waitForData(page, 'section#push-pull [data-node="worker-1"]', (data) => Number(data.received) >= 1);
      assert.equal(await widget.locator('[data-role="worker"]').count(), 3, "the recording's three workers, not six");
      assert.equal(
        await widget.locator('[data-role="worker"][data-status="planned"]').count(),
        0,
        "no worker drawn that the recording never ran",
      );
      assert.equal(await widget.locator('input[name="workers"]').inputValue(), "3", "the field shows the recorded value");
      assert.match((await widget.locator(".demo-status").textContent()) ?? "", /its own parameters/);
      await page.close();
    } finally {
      await site.close();
    }
  });
});
