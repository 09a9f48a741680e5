/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Following a talk from elsewhere, in a real Chromium: on a 390×844 phone every slide reads
 * (no text under 12 px) and its demo can be watched; a viewer of a shared deck follows the
 * presenter's slide, sees the run there and none of the controls it may not use, and can
 * wander off and come back; while a run spans the code slides, a live view of it stands beside
 * the code.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../harness/browser.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { demoProcessesOf } from "../harness/processes.js";
import { type TextPiece, visibleTexts } from "./helpers/text-boxes.js";

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const PHONE = { width: 390, height: 844 };

const received = (page: Page, widget: string, node: string) =>
  page.evaluate(([selector, id]) => Number(document.querySelector(`${selector} [data-node="${id}"]`)?.getAttribute("data-received")), [
    widget,
    node,
  ] as const);

describe("on a phone", { timeout: 300_000 }, () => {
  let bridge: RunningBridge;
  before(async () => {
    bridge = await startBridge();
  });
  after(async () => {
    await bridge?.stop();
  });

  it("every slide reads, one under the other, with no text under 12 px", async () => {
    const page = await browser.newPage({ viewport: PHONE, hasTouch: true, isMobile: true });
    await page.goto(`${bridge.url}/`);
    await page.locator(".reveal.ready").waitFor({ state: "attached" });
    await page.evaluate(() => document.fonts.ready);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains("reading")), true, "the deck reads as a column");
    const ids = await page.locator(".reveal .slides section[id]").evaluateAll((sections) => sections.map((section) => section.id));
    const problems: string[] = [];
    for (const id of ids) {
      await page.locator(`section#${id}`).scrollIntoViewIfNeeded();
      const pieces: TextPiece[] = await page.evaluate(visibleTexts, `section#${id}`);
      if (pieces.length === 0) problems.push(`#${id} shows no text`);
      for (const piece of pieces) if (piece.px < 12 - 0.01) problems.push(`#${id}: "${piece.text}" (${piece.where}) at ${piece.px} px`);
      const width = await page.locator(`section#${id}`).evaluate((section) => section.getBoundingClientRect().width);
      if (width < 300) problems.push(`#${id} is ${Math.round(width)} px wide`);
    }
    assert.deepEqual(problems, []);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), PHONE.width, "nothing makes the page scroll sideways");
    await page.close();
  });

  it("a demo is watched on the phone: its diagram as wide as the screen, its text at least 12 px, its messages travelling", async () => {
    const page = await browser.newPage({ viewport: PHONE, hasTouch: true, isMobile: true });
    await page.goto(`${bridge.url}/#/push-pull`);
    await page.locator("section#push-pull.present").waitFor();
    const widget = "section#push-pull zmq-demo";
    await page.locator(`${widget} button.demo-run`).click();
    await page.waitForFunction(
      (selector) => Number(document.querySelector(`${selector} [data-node="worker-3"]`)?.getAttribute("data-received")) >= 2,
      widget,
      { timeout: 20_000 },
    );
    await page.locator(`${widget} .message`).first().waitFor({ state: "attached", timeout: 10_000 });
    const diagram = await page.locator(`${widget} svg.diagram`).boundingBox();
    assert.ok(
      diagram && diagram.x >= 0 && diagram.x + diagram.width <= PHONE.width && diagram.width >= 300,
      `the diagram spans the screen: ${JSON.stringify(diagram)}`,
    );
    const pieces: TextPiece[] = await page.evaluate(visibleTexts, widget);
    assert.deepEqual(
      pieces.filter((piece) => piece.px < 12 - 0.01).map((piece) => `"${piece.text}" at ${piece.px} px`),
      [],
    );
    const nodes = await page
      .locator(`${widget} [data-node]`)
      .evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect()).map(({ left, right }) => ({ left, right })));
    assert.ok(nodes.length === 4 && nodes.every(({ left, right }) => left >= 0 && right <= 390), "every process is on the screen");
    await page.locator(`${widget} button.demo-run`).click();
    await page.close();
  });
});

describe("a viewer of a shared deck", { timeout: 180_000 }, () => {
  it("follows the presenter's slide and sees the run there, with no control it may not use; wanders off and comes back", async () => {
    const bridge = await startBridge(["--share", "--host", "127.0.0.1"]);
    try {
      for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(bridge.output()); tries++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const token = /\?token=([\w-]+)/.exec(bridge.output())?.[1];
      assert.ok(token);
      const viewer = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await viewer.goto(`${bridge.url}/?token=${token}#/title`);
      await viewer.locator("section#title.present").waitFor();
      const follow = viewer.getByRole("button", { name: "Follow the presenter" });
      assert.equal(await follow.getAttribute("aria-pressed"), "true", "following is on by default");

      const presenter = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await presenter.goto(`${bridge.url}/#/req-rep`);
      await presenter.locator("section#req-rep.present").waitFor();
      await viewer.locator("section#req-rep.present").waitFor({ timeout: 10_000 });

      await presenter.getByRole("button", { name: "Run" }).click();
      const widget = 'zmq-demo[data-demo="req-rep"]';
      await viewer.waitForFunction(
        (selector) => Number(document.querySelector(`${selector} [data-node="client-1"]`)?.getAttribute("data-received")) >= 2,
        widget,
        { timeout: 20_000 },
      );
      const pidsOf = (page: Page) =>
        page.locator(`${widget} [data-node]`).evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute("data-pid"))).sort());
      assert.deepEqual(await pidsOf(viewer), await pidsOf(presenter), "the viewer sees the presenter's processes");
      assert.deepEqual(await pidsOf(viewer), demoProcessesOf(bridge.process.pid!).sort());
      // Nothing it may not use: no Run, no parameters, no Kill, Restart, Send twice or Add.
      const shown = await viewer
        .locator(`section#req-rep ${widget}`)
        .evaluate((element) =>
          [...element.querySelectorAll("button, select, input")]
            .filter((control) => control.checkVisibility({ visibilityProperty: true }))
            .map((control) => control.textContent?.trim() || control.getAttribute("aria-label") || control.tagName),
        );
      assert.deepEqual(
        shown.filter((name) => !["Pause", "Slow", "Normal"].includes(name ?? "")),
        [],
        "only the animation's own controls",
      );

      // The viewer looks at the next slide: following stops; the presenter moves on without it.
      await viewer.keyboard.press("ArrowRight");
      await viewer.locator("section#req-rep-client.present").waitFor();
      assert.equal(await follow.getAttribute("aria-pressed"), "false", "moving by oneself stops following");
      await presenter.getByRole("button", { name: "Stop" }).click();
      await presenter.goto(`${bridge.url}/#/push-pull`);
      await presenter.locator("section#push-pull.present").waitFor();
      await viewer.waitForTimeout(500);
      assert.equal(await viewer.locator("section#req-rep-client.present").count(), 1, "the viewer stays where it went");
      await follow.click();
      await viewer.locator("section#push-pull.present").waitFor({ timeout: 10_000 });
      assert.equal(await follow.getAttribute("aria-pressed"), "true");
      await presenter.close();
      await viewer.close();
    } finally {
      await bridge.stop();
    }
  });
});

describe("a run that spans the code slides", { timeout: 180_000 }, () => {
  it("shows its live diagram beside the code, counting on, with the code still whole on the slide", async () => {
    const bridge = await startBridge();
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(`${bridge.url}/#/req-rep`);
      await page.locator("section#req-rep.present").waitFor();
      await page.getByRole("button", { name: "Run" }).click();
      await page.waitForFunction(
        () => Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-node="client-1"]')?.getAttribute("data-received")) >= 1,
        undefined,
        { timeout: 20_000 },
      );
      await page.keyboard.press("ArrowRight");
      await page.locator("section#req-rep-client.present").waitFor();
      const view = page.locator("section#req-rep-client .live-view");
      await view.waitFor();
      await page.waitForFunction(
        () =>
          !document
            .querySelector(".reveal .slides section.present")
            ?.getAnimations({ subtree: true })
            .some(
              (animation) =>
                animation.playState === "running" &&
                animation.effect instanceof KeyframeEffect &&
                !(animation.effect.target as Element | null)?.closest(".diagram"),
            ),
      );
      const before = await received(page, "section#req-rep-client .live-view", "client-1");
      await page.waitForFunction(
        (count) =>
          Number(document.querySelector('section#req-rep-client .live-view [data-node="client-1"]')?.getAttribute("data-received")) > count,
        before,
        { timeout: 20_000 },
      );
      const layout = await page.evaluate(() => {
        const slide = document.getElementById("req-rep-client")!;
        const box = (element: Element) => element.getBoundingClientRect();
        const view = box(slide.querySelector(".live-view")!);
        const code = box(slide.querySelector(".code-block pre")!);
        const frame = box(document.querySelector(".reveal .slides")!);
        const pre = slide.querySelector<HTMLElement>(".code-block pre")!;
        return {
          apart: code.right <= view.left + 0.5 || code.bottom <= view.top + 0.5,
          inside: [view, code].every(
            (rect) =>
              rect.left >= frame.left - 1 && rect.right <= frame.right + 1 && rect.top >= frame.top - 1 && rect.bottom <= frame.bottom + 1,
          ),
          whole: pre.scrollHeight <= pre.clientHeight + 1 && pre.scrollWidth <= pre.clientWidth + 1,
          nodes: slide.querySelectorAll(".live-view [data-node]").length,
        };
      });
      assert.deepEqual(layout, { apart: true, inside: true, whole: true, nodes: 2 });
      const smallest = Math.min(...(await page.evaluate(visibleTexts, "section#req-rep-client")).map((piece) => piece.px));
      assert.ok(smallest >= 14, `nothing under 14 px beside the code: ${smallest}`);
      // Past the last slide it spans, the run ends and the view goes.
      await page.goto(`${bridge.url}/#/req-rep-server`);
      await page.locator("section#req-rep-server.present .live-view").waitFor();
      await page.goto(`${bridge.url}/#/push-pull`);
      await page.locator("section#push-pull.present").waitFor();
      await page.waitForFunction(
        () => document.querySelector('zmq-demo[data-demo="req-rep"]')?.getAttribute("data-state") === "stopped",
        undefined,
        { timeout: 20_000 },
      );
      assert.equal(await page.locator(".live-view").count(), 0);
    } finally {
      await page.close();
      await bridge.stop();
    }
  });
});
