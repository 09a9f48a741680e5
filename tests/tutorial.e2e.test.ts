/// <reference lib="dom" />
/**
 * The self-paced tutorial (tutorial.html), as a learner uses it, in a real Chromium against the
 * real bridge and real ZeroMQ processes: deep links, the way to and from the deck, exercises
 * completed by doing what they ask (and not by a near miss), progress kept across a reload,
 * and what the page says with no bridge at all.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Locator, Page } from "playwright-core";
import { serveStatic } from "../harness/static-server.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";

const harness = useBridgeAndBrowser();

async function openStep(page: Page, base: string, id: string): Promise<Locator> {
  await page.goto(`${base}/tutorial.html#${id}`);
  const step = page.locator(`section#${id}.tutorial-step`);
  await step.waitFor();
  return step;
}

const exerciseCard = (page: Page, id: string) => page.locator(`[data-exercise="${id}"]`);

async function waitForDone(page: Page, id: string): Promise<void> {
  await page.locator(`[data-exercise="${id}"][data-done="true"]`).waitFor({ timeout: 20_000 });
}

async function waitForState(step: Locator, state: string): Promise<void> {
  await step.locator(`zmq-demo[data-state="${state}"]`).waitFor({ timeout: 15_000 });
}

/** Waits until every node of `role` in the step's diagram shows at least `count` received. */
async function waitForEachReceived(page: Page, stepId: string, role: string, nodes: number, count: number): Promise<void> {
  await page.waitForFunction(
    ({ stepId, role, nodes, count }) => {
      const received = [...document.querySelectorAll(`section#${stepId} [data-node][data-role="${role}"]`)].map((node) =>
        Number(node.getAttribute("data-received")),
      );
      return received.length === nodes && received.every((value) => value >= count);
    },
    { stepId, role, nodes, count },
    { timeout: 20_000 },
  );
}

describe("tutorial: reading", () => {
  it("a deep link opens its step, with narration in place of notes and the way back to the deck at that slide", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    const step = await openStep(page, harness.bridge.url, "push-pull");
    assert.equal(await page.locator("section.tutorial-step:not([hidden])").count(), 1, "one step shown at a time");
    assert.match((await step.locator("h1").textContent()) ?? "", /Push\/Pull/);
    assert.ok(((await step.locator(".narration").textContent()) ?? "").length > 40, "the slide's notes are shown as narration");
    assert.equal(await step.locator("aside.notes").count(), 0);
    assert.match((await page.locator(".tutorial-counter").textContent()) ?? "", /^Step \d+ of \d+$/);
    assert.equal(await page.locator(".tutorial-deck-link").getAttribute("href"), "./#/push-pull");

    // → goes to the next step, and the address follows.
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => location.hash !== "#push-pull");
    const nextId = await page.evaluate(() => location.hash.slice(1));
    await page.locator(`section#${nextId}:not([hidden])`).waitFor();
    assert.equal(await page.locator("section#push-pull").isHidden(), true);

    await page.getByRole("link", { name: "Back to the deck" }).click();
    await page.locator(`.reveal section#${nextId}.present`).waitFor();
    await page.close();
  });

  it("the deck's Tutorial link covers no slide's text or controls at 1280×720, and opens the tutorial at the slide on screen", {
    timeout: 120_000,
  }, async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    // Without transitions (reveal.js takes its options from the query), each slide is measured where it rests.
    await page.goto(`${harness.bridge.url}/?transition=none#/title`);
    await page.locator(".reveal section.present").waitFor();
    const ids = await page.locator(".reveal .slides section[id]").evaluateAll((sections) => sections.map((section) => section.id));
    assert.ok(ids.length > 20);
    for (const id of ids) {
      await page.evaluate((slide) => (location.hash = `#/${slide}`), id);
      await page.locator(`section#${id}.present`).waitFor();
      // What a viewer sees of the slide: its lines of text and its controls and pictures.
      const covered = await page.evaluate((slide) => {
        const link = document.querySelector(".tutorial-link")!.getBoundingClientRect();
        const section = document.getElementById(slide)!;
        const boxes: DOMRect[] = [...section.querySelectorAll("button, input, select, svg, img, pre, code")].map((element) =>
          element.getBoundingClientRect(),
        );
        const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
        for (let text = walker.nextNode(); text; text = walker.nextNode()) {
          if (!text.textContent?.trim() || text.parentElement?.closest("aside.notes")) continue;
          const range = document.createRange();
          range.selectNodeContents(text);
          boxes.push(...range.getClientRects());
        }
        return boxes.some(
          (box) => box.width > 0 && box.left < link.right && link.left < box.right && box.top < link.bottom && link.top < box.bottom,
        );
      }, id);
      assert.equal(covered, false, `the Tutorial link covers something on slide ${id}`);
    }
    await page.evaluate(() => (location.hash = "#/pub-sub"));
    await page.locator("section#pub-sub.present").waitFor();
    await page.getByRole("link", { name: "Tutorial" }).click();
    await page.locator("section#pub-sub.tutorial-step:not([hidden])").waitFor();
    assert.match(page.url(), /tutorial\.html#pub-sub$/);
    await page.close();
  });
});

describe("tutorial: exercises against real processes", () => {
  it("a learner completes three exercises, a near miss is not marked done, and progress survives a reload", {
    timeout: 120_000,
  }, async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });

    // Three round trips over ipc: the transport picked in its menu, then R runs the step's demo.
    let step = await openStep(page, harness.bridge.url, "req-rep");
    assert.equal(await exerciseCard(page, "req-rep-over-ipc").getAttribute("data-done"), "false");
    await step.locator('select[name="transport"]').selectOption("ipc");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("r");
    await waitForDone(page, "req-rep-over-ipc");
    assert.match((await exerciseCard(page, "req-rep-over-ipc").locator(".exercise-status").textContent()) ?? "", /Done/);

    // Break the lockstep: Send twice on the live client gives libzmq's EFSM.
    assert.equal(await exerciseCard(page, "req-rep-efsm").getAttribute("data-done"), "false", "running alone does not break the lockstep");
    await step.getByRole("button", { name: "Send twice" }).click();
    await waitForDone(page, "req-rep-efsm");
    await step.getByRole("button", { name: "Stop" }).click();
    await waitForState(step, "stopped");

    // A near miss: three workers, each with its share, is not the four the exercise asks for.
    step = await openStep(page, harness.bridge.url, "push-pull");
    await step.getByRole("button", { name: "Run" }).click();
    await waitForEachReceived(page, "push-pull", "worker", 3, 6);
    assert.equal(await exerciseCard(page, "push-pull-fair-share").getAttribute("data-done"), "false", "three workers do not pass");
    assert.match((await exerciseCard(page, "push-pull-fair-share").locator(".exercise-status").textContent()) ?? "", /3 workers started/);
    await step.getByRole("button", { name: "Stop" }).click();
    await waitForState(step, "stopped");

    // Then the right way: four workers.
    await step.locator('input[name="workers"]').fill("4");
    await step.getByRole("button", { name: "Run" }).click();
    await waitForDone(page, "push-pull-fair-share");
    await step.getByRole("button", { name: "Stop" }).click();
    await waitForState(step, "stopped");
    assert.equal(await page.locator(".tutorial-done").getAttribute("data-count"), "3");

    // Reloaded, the page still knows: the three are done, the others are not.
    await page.reload();
    await page.locator("section#push-pull.tutorial-step:not([hidden])").waitFor();
    for (const id of ["req-rep-over-ipc", "req-rep-efsm", "push-pull-fair-share"])
      assert.equal(await exerciseCard(page, id).getAttribute("data-done"), "true", id);
    assert.equal(await exerciseCard(page, "push-pull-kill").getAttribute("data-done"), "false");
    assert.equal(await page.locator(".tutorial-done").getAttribute("data-count"), "3");

    // Reset forgets them.
    await page.getByRole("button", { name: "Reset progress" }).click();
    assert.equal(await exerciseCard(page, "push-pull-fair-share").getAttribute("data-done"), "false");
    await page.reload();
    await page.locator("section.tutorial-step:not([hidden])").waitFor();
    assert.equal(await page.locator(".tutorial-done").getAttribute("data-count"), "0");
    await page.close();
  });

  it("on the Pub/Sub step, Run with the defaults completes none of its exercises, however long it runs", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    const step = await openStep(page, harness.bridge.url, "pub-sub");
    await step.getByRole("button", { name: "Run" }).click();
    // Long enough for any of them: the sports subscriber has had its five sports messages.
    await waitForEachReceived(page, "pub-sub", "subscriber", 3, 8);
    for (const id of ["pub-sub-one-topic", "pub-sub-slow-joiner", "pub-sub-sync"])
      assert.equal(await exerciseCard(page, id).getAttribute("data-done"), "false", id);
    await step.getByRole("button", { name: "Stop" }).click();
    await waitForState(step, "stopped");
    await page.close();
  });

  it("a subscriber switched to one topic receives only it, and the exercise sees it", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    const step = await openStep(page, harness.bridge.url, "pub-sub");
    await step.getByRole("button", { name: "Run" }).click();
    await waitForState(step, "running");
    await step.getByLabel("Node to act on").selectOption("subscriber-1");
    await step.getByLabel("Filter of subscriber-1").selectOption("sports");
    await step.getByRole("button", { name: "Filter", exact: true }).click();
    await waitForDone(page, "pub-sub-one-topic");
    await step.getByRole("button", { name: "Stop" }).click();
    await waitForState(step, "stopped");
    await page.close();
  });
});

describe("tutorial: without a bridge", () => {
  it("exercises say they need the live server and how to start it, and a replay completes none", async () => {
    const site = await serveStatic();
    try {
      const page = await harness.browser.newPage({ viewport: { width: 390, height: 844 } });
      const step = await openStep(page, site.url, "req-rep");
      const card = exerciseCard(page, "req-rep-over-ipc");
      await card.getByText("npm start").waitFor();
      await step.getByRole("button", { name: "Run" }).click();
      await waitForState(step, "replay");
      // The recording holds several round trips; they are not the learner's.
      await waitForEachReceived(page, "req-rep", "client", 1, 3);
      assert.equal(await card.getAttribute("data-done"), "false");
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth), 0, "nothing overflows a phone's width");
      await page.close();
    } finally {
      await site.close();
    }
  });
});
