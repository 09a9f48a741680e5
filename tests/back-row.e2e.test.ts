/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The deck from the back of the room, at 1280×720 in a real Chromium against the real bridge:
 * while every demo runs, no text on its slide is under 14 px and no two texts of its diagram
 * overlap or are cut by its edge; reveal.js's arrows and the slide number, the bridge-lost
 * banner and the speaker view's badge cover nothing; the output panel shows whole lines; the
 * slides are numbered; the light/dark switch is kept in the browser.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { slideIds } from "../harness/deck.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";
import { startBridge } from "../harness/bridge.js";
import { type TextPiece, diagramTextProblems, visibleTexts } from "./helpers/text-boxes.js";

const harness = useBridgeAndBrowser();
/** What reads from the back of a room at 1280×720. */
const SMALLEST_PX = 14;

/** The demo slides of the deck, each with its widget's demo. */
async function demoSlides(page: Page): Promise<{ id: string; demo: string }[]> {
  return page
    .locator("section:has(> zmq-demo)")
    .evaluateAll((sections) =>
      sections.map((section) => ({ id: section.id, demo: section.querySelector("zmq-demo")!.getAttribute("demo")! })),
    );
}

async function openDeck(path = "/"): Promise<Page> {
  const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${harness.bridge.url}${path}`);
  await page.locator(".reveal.ready").waitFor({ state: "attached" });
  await page.evaluate(() => document.fonts.ready);
  return page;
}

async function goTo(page: Page, id: string): Promise<void> {
  await page.goto(`${harness.bridge.url}/#/${id}`);
  await page.locator(`section#${id}.present`).waitFor();
  await page.waitForFunction(
    () =>
      !document
        .querySelector(".reveal .slides section.present")
        ?.getAnimations({ subtree: true })
        .some(
          (animation) =>
            animation.playState === "running" &&
            !((animation.effect as KeyframeEffect | null)?.target as Element | null)?.closest?.(".diagram"),
        ),
  );
}

/** Runs the slide's demo until its processes have delivered messages, as a viewer waits for. */
async function runUntilDelivered(page: Page, id: string): Promise<void> {
  const widget = `section#${id} zmq-demo`;
  await page.locator(`${widget} button.demo-run`).click();
  await page.waitForFunction(
    (selector) =>
      [...document.querySelectorAll(`${selector} [data-node]`)].reduce(
        (sum, node) => sum + Number(node.getAttribute("data-received") ?? 0),
        0,
      ) >= 4,
    widget,
    { timeout: 30_000 },
  );
}

async function stop(page: Page, id: string): Promise<void> {
  const widget = `section#${id} zmq-demo`;
  if ((await page.locator(widget).getAttribute("data-state")) !== "running") return;
  await page.locator(`${widget} button.demo-run`).click();
  await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") !== "running", widget, {
    timeout: 20_000,
  });
}

const small = (pieces: TextPiece[], least: number) =>
  pieces.filter((piece) => piece.px < least - 0.01).map((piece) => `"${piece.text}" (${piece.where}) at ${piece.px} px`);

const overlapping = (
  a: { left: number; top: number; right: number; bottom: number },
  b: { left: number; top: number; right: number; bottom: number },
) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;

describe("from the back row, every demo while it runs", { timeout: 600_000 }, () => {
  it("has no text under 14 px on its slide, and no two texts of its diagram overlap or leave it", async (t) => {
    const page = await openDeck();
    const problems: string[] = [];
    let samples = 0;
    for (const { id } of await demoSlides(page)) {
      await goTo(page, id);
      await runUntilDelivered(page, id);
      // Messages fly and counters change: look several times while it runs.
      for (let sample = 0; sample < 8; sample++) {
        for (const problem of small(await page.evaluate(visibleTexts, `section#${id}`), SMALLEST_PX)) problems.push(`#${id}: ${problem}`);
        for (const problem of await page.evaluate(diagramTextProblems, `section#${id} zmq-demo`)) problems.push(`#${id}: ${problem}`);
        samples += 1;
        await page.waitForTimeout(150);
      }
      await stop(page, id);
    }
    t.diagnostic(`${samples} looks at the running demos`);
    assert.deepEqual([...new Set(problems)], []);
    await page.close();
  });
});

describe("crowded demo slides", { timeout: 300_000 }, () => {
  it("reveal.js's arrows and the slide number cover nothing of the demo, and the output shows whole lines", async () => {
    const page = await openDeck();
    const problems: string[] = [];
    for (const { id } of await demoSlides(page)) {
      await goTo(page, id);
      await runUntilDelivered(page, id);
      // Enough lines for the output to be full.
      await page.waitForTimeout(1500);
      const found = await page.evaluate((slideId) => {
        const boxOf = (element: Element) => element.getBoundingClientRect();
        const widget = document.querySelector(`section#${slideId} zmq-demo`)!;
        const covers = [...document.querySelectorAll(".reveal .controls button.enabled, .reveal .slide-number")]
          .filter((element) => element.checkVisibility())
          .map(boxOf);
        const parts = [
          ...widget.querySelectorAll(".demo-output, .demo-inspector, .demo-actions > *:not([hidden]), [data-node], .demo-toolbar > *"),
        ].filter((element) => element.checkVisibility({ visibilityProperty: true }));
        const problems: string[] = [];
        for (const part of parts) {
          const box = boxOf(part);
          for (const cover of covers) {
            if (
              Math.min(box.right, cover.right) - Math.max(box.left, cover.left) > 0.5 &&
              Math.min(box.bottom, cover.bottom) - Math.max(box.top, cover.top) > 0.5
            )
              problems.push(`reveal.js's controls cover ${part.className || part.getAttribute("data-node")}`);
          }
        }
        const output = widget.querySelector(".demo-output")!;
        const top = boxOf(output).top + parseFloat(getComputedStyle(output).paddingTop);
        const first = output.firstElementChild;
        if (first && boxOf(first).top < top - 0.5) problems.push(`the output's top line is cut: "${first.textContent?.slice(0, 30)}"`);
        return problems;
      }, id);
      problems.push(...found.map((problem) => `#${id}: ${problem}`));
      await stop(page, id);
    }
    assert.deepEqual([...new Set(problems)], []);
    await page.close();
  });

  it("the bridge-lost banner covers no node, no control and no title of a demo slide", async () => {
    const bridge = await startBridge();
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(`${bridge.url}/#/complete-application`);
      await page.locator("section#complete-application.present").waitFor();
      await bridge.stop("SIGKILL");
      const banner = page.locator(".bridge-status");
      await banner.filter({ hasText: /Bridge lost/ }).waitFor({ timeout: 10_000 });
      const problems: string[] = [];
      for (const { id } of await demoSlides(page)) {
        await page.goto(`${bridge.url}/#/${id}`);
        await page.locator(`section#${id}.present`).waitFor();
        await page.waitForFunction(
          () =>
            !document
              .querySelector(".reveal .slides section.present")
              ?.getAnimations({ subtree: true })
              .some((animation) => animation.playState === "running"),
        );
        await banner.filter({ hasText: /Bridge lost/ }).waitFor({ timeout: 10_000 });
        const covered = await page.evaluate((slideId) => {
          const banner = document.querySelector(".bridge-status")!.getBoundingClientRect();
          const slide = document.getElementById(slideId)!;
          return [...slide.querySelectorAll("h1, [data-node], zmq-demo .demo-toolbar > *, zmq-demo .demo-output")]
            .filter((element) => element.checkVisibility())
            .filter((element) => {
              const box = element.getBoundingClientRect();
              // A heading's text, not the whole width of its block.
              const range = document.createRange();
              range.selectNodeContents(element);
              const text = element.tagName === "H1" ? range.getBoundingClientRect() : box;
              return (
                Math.min(text.right, banner.right) - Math.max(text.left, banner.left) > 0.5 &&
                Math.min(text.bottom, banner.bottom) - Math.max(text.top, banner.top) > 0.5
              );
            })
            .map((element) => element.getAttribute("data-node") ?? (element.getAttribute("class") || element.tagName));
        }, id);
        problems.push(...covered.map((what) => `#${id}: the banner covers ${what}`));
      }
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      await bridge.stop();
    }
  });

  it("in the speaker view, the Upcoming badge covers nothing of the next slide and long notes can be read to their end", async () => {
    const page = await openDeck("/#/req-rep");
    await page.locator("section#req-rep.present").waitFor();
    const [speakerView] = await Promise.all([page.waitForEvent("popup"), page.keyboard.press("s")]);
    await speakerView.setViewportSize({ width: 1100, height: 700 });
    const upcoming = () => speakerView.frames().find((frame) => /receiver/.test(frame.url()) && !/postMessageEvents/.test(frame.url()));
    for (let tries = 0; tries < 150 && !upcoming(); tries++) await page.waitForTimeout(100);
    const frame = upcoming();
    assert.ok(frame, "the speaker view shows the upcoming slide");
    await frame.locator("section#req-rep-client.present h1").waitFor({ timeout: 15_000 });
    await speakerView.locator("#upcoming-slide .label").waitFor();
    // Where the badge and the next slide's title are, in the speaker view's window.
    const geometry = async () => {
      const title = await frame.locator("section#req-rep-client h1").evaluate((heading) => {
        const range = document.createRange();
        range.selectNodeContents(heading);
        const { left, top, right, bottom } = range.getBoundingClientRect();
        return { left, top, right, bottom };
      });
      const { offset, label } = await speakerView.evaluate(() => {
        const frame = document.querySelector("#upcoming-slide iframe")!.getBoundingClientRect();
        const { left, top, right, bottom } = document.querySelector("#upcoming-slide .label")!.getBoundingClientRect();
        return { offset: { left: frame.left, top: frame.top }, label: { left, top, right, bottom } };
      });
      return {
        label,
        title: {
          left: title.left + offset.left,
          right: title.right + offset.left,
          top: title.top + offset.top,
          bottom: title.bottom + offset.top,
        },
      };
    };
    // The preview settles (its deck loads and lays out) before it is judged.
    let seen = await geometry();
    for (let tries = 0; tries < 50 && overlapping(seen.title, seen.label); tries++) {
      await page.waitForTimeout(100);
      seen = await geometry();
    }
    assert.ok(
      !overlapping(seen.title, seen.label),
      `the badge ${JSON.stringify(seen.label)} covers the next slide's title ${JSON.stringify(seen.title)}`,
    );

    // The notes of the Request/Reply slide run long: scrolled to their end, their last line shows.
    await speakerView
      .locator(".speaker-controls-notes .value")
      .filter({ hasText: /request\/reply/i })
      .waitFor({ timeout: 10_000 });
    const end = await speakerView.evaluate(() => {
      const notes = document.querySelector(".speaker-controls-notes .value")!;
      const last = notes.lastElementChild ?? notes;
      last.scrollIntoView({ block: "end" });
      return { bottom: last.getBoundingClientRect().bottom, height: innerHeight };
    });
    assert.ok(end.bottom <= end.height + 0.5, `the notes' last line can be brought into view: ${JSON.stringify(end)}`);
    await speakerView.close();
    await page.close();
  });
});

describe("slide numbers and the light/dark switch", () => {
  it("every slide shows its number of the total, on the slide and in the speaker view's preview", async () => {
    const page = await openDeck("/#/req-rep");
    await page.locator("section#req-rep.present").waitFor();
    const ids = await slideIds(page);
    const expected = `${ids.indexOf("req-rep") + 1}/${ids.length}`;
    const number = page.locator(".reveal .slide-number");
    await number.waitFor();
    assert.equal((await number.textContent())?.replace(/\s/g, ""), expected);
    const box = await number.boundingBox();
    assert.ok(box && box.x + box.width <= 1280 && box.y + box.height <= 720, "it is on the screen");
    const [speakerView] = await Promise.all([page.waitForEvent("popup"), page.keyboard.press("s")]);
    const current = () => speakerView.frames().find((frame) => /receiver/.test(frame.url()) && /postMessageEvents/.test(frame.url()));
    for (let tries = 0; tries < 150 && !current(); tries++) await page.waitForTimeout(100);
    const preview = current()!;
    await preview.locator("section#req-rep.present").waitFor({ timeout: 15_000 });
    await preview.locator(".reveal .slide-number").waitFor({ timeout: 10_000 });
    assert.equal((await preview.locator(".reveal .slide-number").textContent())?.replace(/\s/g, ""), expected);
    await speakerView.close();
    await page.close();
  });

  it("a light/dark switch beside the system's setting is kept in the browser", async () => {
    const context = await harness.browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: "dark" });
    const page = await context.newPage();
    await page.goto(`${harness.bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const switcher = page.getByRole("button", { name: /^Theme:/ });
    assert.match((await switcher.textContent()) ?? "", /system/);
    const dark = await background();
    await switcher.click();
    assert.match((await switcher.textContent()) ?? "", /light/);
    const light = await background();
    assert.notEqual(light, dark, "light, although the system says dark");
    await page.reload();
    await page.locator("section#req-rep.present").waitFor();
    assert.equal(await background(), light, "still light after a reload");
    await page.getByRole("button", { name: /^Theme:/ }).click();
    assert.match((await page.getByRole("button", { name: /^Theme:/ }).textContent()) ?? "", /dark/);
    await page.getByRole("button", { name: /^Theme:/ }).click();
    assert.equal(await background(), dark, "back to the system's setting");
    await context.close();
  });
});
