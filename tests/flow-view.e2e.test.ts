/// <reference lib="dom" />
/**
 * What the diagram shows when single dots cannot tell the story, in a real Chromium against
 * the real bridge and real processes: a busy edge turns into a flow with its rate (and back to
 * dots when it quiets), messages waiting at a sender are drawn as its queue, and the animation
 * can be paused or slowed from the keyboard while the counters keep counting.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { useBridgeAndBrowser } from "./helpers/harness.js";

const harness = useBridgeAndBrowser();

const openSlide = (id: string) => harness.openSlide(id);

type NodeTest = (data: DOMStringMap, value: number) => boolean;

/**
 * Waits until `test` holds for the attributes of the element at `selector` (and `value`, for a
 * number it compares with); resolves with the attributes that passed. The test runs in the page
 * every 50 ms, so a state that lasts half a second is not missed. It goes there as a function
 * made here, not as a string the page would evaluate: the deck's policy lets no string run as code.
 */
async function waitForNode(
  page: Page,
  selector: string,
  test: NodeTest,
  { value = 0, timeout = 20_000 } = {},
): Promise<Record<string, string | undefined>> {
  const predicate = await page.evaluateHandle(new Function(`return ${test}`) as () => NodeTest);
  const passed = await page.waitForFunction(
    ([selector, predicate, value]) => {
      const element = document.querySelector<HTMLElement>(selector);
      return element !== null && predicate(element.dataset, value) ? { ...element.dataset } : false;
    },
    [selector, predicate, value] as const,
    { timeout, polling: 50 },
  );
  return (await passed.jsonValue()) as Record<string, string | undefined>;
}

/** Stops the run and checks each node's counters against the totals its process printed as it ended. */
async function stopAndCompareWithTallies(page: Page, demo: string, nodes: string[]): Promise<void> {
  const widget = page.locator(`zmq-demo[data-demo="${demo}"]`);
  await widget.getByRole("button", { name: "Stop" }).click();
  await page.waitForFunction(
    (demo) => document.querySelector(`zmq-demo[data-demo="${demo}"]`)?.getAttribute("data-state") === "stopped",
    demo,
    { timeout: 15_000 },
  );
  for (const node of nodes) {
    const tally = await widget.locator(`.demo-output li[data-printed-by="${node}"]`, { hasText: /sent \d+, received \d+$/ }).textContent();
    const [, sent, received] = /sent (\d+), received (\d+)$/.exec(tally ?? "") ?? [];
    const shown = widget.locator(`[data-node="${node}"]`);
    assert.equal(await shown.getAttribute("data-sent"), sent, `${node}: sent as the process counted`);
    assert.equal(await shown.getAttribute("data-received"), received, `${node}: received as the process counted`);
  }
}

describe("a busy edge", () => {
  it("turns into a flow with its rate, counts every message exactly, and returns to dots when the stream ends", async () => {
    const page = await openSlide("push-pull");
    const widget = 'zmq-demo[data-demo="push-pull"]';
    for (const [name, value] of Object.entries({ workers: "1", rate: "300", work: "0", tasks: "1200" }))
      await page.locator(`${widget} input[name="${name}"]`).fill(value);
    await page.locator(widget).getByRole("button", { name: "Run" }).click();
    const edge = `${widget} [data-edge="ventilator-1->worker-1"]`;
    // The rate is the last second's count, so it climbs through the stream's first second: it
    // turns the edge into a flow at 40 a second, and goes on to the 300 the ventilator sends.
    // The rate as it was when the edge passed: a loaded machine's next second may be slower.
    const rate = Number((await waitForNode(page, edge, (data) => data.view === "flow" && Number(data.rate) >= 100)).rate);
    const { label, dots } = await page.evaluate((edge) => {
      const element = document.querySelector(edge) as SVGGElement;
      return {
        label: element.querySelector(".edge-rate")?.textContent ?? "",
        dots: document.querySelectorAll('zmq-demo[data-demo="push-pull"] .message[data-from="ventilator-1"]').length,
      };
    }, edge);
    assert.ok(rate >= 100, `hundreds a second: ${rate}`);
    assert.match(label, /^[\d.]+K? msg\/s$/, "the edge says its rate");
    assert.equal(dots, 0, "no single dots on a flowing edge");
    // After its last task the ventilator sends nothing more: the edge quiets and goes back to dots.
    await waitForNode(page, edge, (data) => data.view === "dots", { timeout: 15_000 });
    await stopAndCompareWithTallies(page, "push-pull", ["ventilator-1", "worker-1"]);
    await page.close();
  });
});

describe("messages waiting at a socket", () => {
  it("a PUSH whose only worker cannot keep up shows its tasks queued, as a stack and a count", async () => {
    const page = await openSlide("push-pull");
    const widget = 'zmq-demo[data-demo="push-pull"]';
    await page.locator(`${widget} input[name="workers"]`).fill("1");
    await page.locator(`${widget} input[name="rate"]`).fill("20");
    await page.locator(`${widget} input[name="work"]`).fill("500");
    await page.locator(widget).getByRole("button", { name: "Run" }).click();
    await waitForNode(page, `${widget} [data-node="ventilator-1"]`, (data) => Number(data.queued) >= 8);
    // Read in one go: the queue grows as events arrive.
    const shown = await page.locator(`${widget} [data-node="ventilator-1"]`).evaluate((node) => ({
      queued: Number((node as SVGGElement).dataset.queued),
      slots: node.querySelectorAll(".queue-slot").length,
      number: node.querySelector(".queue text")?.textContent,
    }));
    assert.equal(shown.slots, 6, "a full stack of slots");
    assert.equal(shown.number?.replace(/,/g, ""), String(shown.queued), "and the number of messages waiting");
    assert.equal(await page.locator(`${widget} [data-node="worker-1"]`).getAttribute("data-queued"), null, "nothing waits at a PULL");
    await page.locator(widget).getByRole("button", { name: "Stop" }).click();
    await page.close();
  });

  it("a REQ whose REP was killed holds its request until a server is back to take it", async () => {
    const page = await openSlide("req-rep");
    const widget = 'zmq-demo[data-demo="req-rep"]';
    const client = `${widget} [data-node="client-1"]`;
    await page.locator(`${widget} input[name="interval"]`).fill("2000");
    await page.locator(`${widget} input[name="work"]`).fill("0");
    await page.locator(widget).getByRole("button", { name: "Run" }).click();
    // A reply in, the client sleeps 2 s before its next request: kill the server then.
    await waitForNode(page, client, (data) => Number(data.received) >= 1 && data.sent === data.received && data.queued === "0");
    await page.locator(`${widget} [data-node="server-1"]`).click();
    await page.locator(`${widget} .node-actions button`, { hasText: "Kill" }).click();
    await waitForNode(page, `${widget} [data-node="server-1"]`, (data) => data.status === "exited");
    await waitForNode(page, client, (data) => data.queued === "1", { timeout: 10_000 });
    assert.equal(await page.locator(`${client} .queue-slot`).count(), 1);
    const received = Number(await page.locator(client).getAttribute("data-received"));
    await page.locator(`${widget} .node-actions button`, { hasText: "Restart" }).click();
    // The new server takes the waiting request and answers it.
    await waitForNode(page, client, (data, received) => data.queued === "0" && Number(data.received) > received, {
      value: received,
      timeout: 15_000,
    });
    assert.equal(await page.locator(`${client} .queue-slot`).count(), 0);
    await page.locator(widget).getByRole("button", { name: "Stop" }).click();
    await page.close();
  });

  it("a PUSH left with no worker holds its next task in its send, drawn at its socket, until a worker comes", async () => {
    const page = await openSlide("push-pull");
    const widget = 'zmq-demo[data-demo="push-pull"]';
    const ventilator = `${widget} [data-node="ventilator-1"]`;
    await page.locator(`${widget} input[name="workers"]`).fill("1");
    await page.locator(`${widget} input[name="rate"]`).fill("20");
    await page.locator(`${widget} input[name="work"]`).fill("0");
    await page.locator(widget).getByRole("button", { name: "Run" }).click();
    await waitForNode(page, `${widget} [data-node="worker-1"]`, (data) => Number(data.received) >= 3);
    assert.equal(await page.locator(ventilator).getAttribute("data-send-waiting"), null, "sends go straight out while a worker is there");
    await page.locator(`${widget} [data-node="worker-1"]`).click();
    await page.locator(`${widget} .node-actions button`, { hasText: "Kill" }).click();
    // Its only worker gone, the bound PUSH has no pipe: libzmq takes no more, the send waits.
    await waitForNode(page, ventilator, (data) => data.sendWaiting === "1" && Number(data.queued) >= 1, { timeout: 10_000 });
    const sent = Number(await page.locator(ventilator).getAttribute("data-sent"));
    await page.waitForTimeout(500);
    assert.equal(Number(await page.locator(ventilator).getAttribute("data-sent")), sent, "nothing more is sent meanwhile");
    assert.ok((await page.locator(`${ventilator} .queue-slot`).count()) >= 1, "the waiting message is drawn at the socket");
    await page.locator(`${widget} .node-actions button`, { hasText: "Restart" }).click();
    await waitForNode(page, ventilator, (data, sent) => data.sendWaiting === undefined && Number(data.sent) > sent, {
      value: sent,
      timeout: 15_000,
    });
    await page.locator(widget).getByRole("button", { name: "Stop" }).click();
    await page.close();
  });
});

describe("pause, slow motion and normal speed", () => {
  it("are buttons reached by keyboard; paused, no dot moves while the counters go on; resumed, nothing is replayed", async () => {
    const page = await openSlide("req-rep");
    const widget = 'zmq-demo[data-demo="req-rep"]';
    const speed = page.locator(widget).getByRole("group", { name: "Animation speed" });
    assert.equal(await speed.getByRole("button", { name: "Normal" }).getAttribute("aria-pressed"), "true");
    // The controls sit beside Run, inside the slide, clear of the parameters.
    const [run, group, params] = await Promise.all(
      [`${widget} .demo-run`, `${widget} .demo-speed`, `${widget} .demo-params`].map((selector) => page.locator(selector).boundingBox()),
    );
    assert.ok(
      run && group && params && group.x >= run.x + run.width && group.x + group.width <= params.x && group.y + group.height <= 720,
      "the speed controls fit between Run and the parameters",
    );

    await page.locator(widget).getByRole("button", { name: "Run" }).click();
    await page.locator(`${widget} .message`).first().waitFor({ state: "attached", timeout: 15_000 });
    // From Run, Tab reaches Pause; Enter presses it.
    await page.locator(`${widget} .demo-run`).focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Pause");
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), "none", "focus is visible");
    await page.keyboard.press("Enter");
    assert.equal(await speed.getByRole("button", { name: "Pause" }).getAttribute("aria-pressed"), "true");
    assert.equal(await page.locator(widget).getAttribute("data-speed"), "paused");

    // Dots in the air, and messages received so far by either end (each was one delivery).
    const frozen = () =>
      page.evaluate((widget) => {
        const dots = [...document.querySelectorAll(`${widget} .message`)].map((dot) => dot.getAttribute("transform"));
        const received = (node: string) =>
          Number((document.querySelector(`${widget} [data-node="${node}"]`) as SVGGElement).dataset.received);
        return { dots, received: received("server-1"), delivered: received("server-1") + received("client-1") };
      }, widget);
    const before = await frozen();
    await page.waitForFunction(
      ([widget, received]) =>
        Number((document.querySelector(`${widget} [data-node="server-1"]`) as SVGGElement).dataset.received) >= Number(received) + 2,
      [widget, before.received] as const,
      { timeout: 15_000 },
    );
    const after = await frozen();
    assert.deepEqual(after.dots, before.dots, "paused, every dot stands where it was and none is added");
    assert.ok(after.received >= before.received + 2, "the processes went on and the counters followed them");

    // Slow motion, by keyboard: Tab to it, Space presses it; the same dots move on, no backlog is replayed.
    const atResume = await frozen();
    await page.keyboard.press("Tab");
    await page.keyboard.press(" ");
    assert.equal(await speed.getByRole("button", { name: "Slow" }).getAttribute("aria-pressed"), "true");
    assert.equal(await speed.getByRole("button", { name: "Pause" }).getAttribute("aria-pressed"), "false");
    // The run goes on, so a message delivered since may already be on its way: only those may be new.
    const resumed = await frozen();
    const added = resumed.dots.length - atResume.dots.length;
    assert.ok(atResume.delivered - before.delivered >= 2, "messages were delivered while paused");
    assert.ok(
      added <= resumed.delivered - atResume.delivered,
      `what arrived while paused is not sent travelling now: ${added} new dots, ${resumed.delivered - atResume.delivered} deliveries since`,
    );
    if (before.dots.length > 0) {
      await page.waitForFunction(
        ([widget, first]) => document.querySelector(`${widget} .message`)?.getAttribute("transform") !== first,
        [widget, before.dots[0]!] as const,
        { timeout: 5000 },
      );
    }
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    assert.equal(await page.locator(widget).getAttribute("data-speed"), "normal");
    await page.locator(`${widget} .message`).first().waitFor({ state: "attached", timeout: 15_000 });
    await stopAndCompareWithTallies(page, "req-rep", ["client-1", "server-1"]);
    await page.close();
  });
});
