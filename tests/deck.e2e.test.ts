/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The whole deck in a real Chromium, served by the real bridge: the talk's sections in order,
 * every code block equal to the source it names, every slide inside its bounds on a projector
 * and on a phone, and no request leaving the machine.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { extractCode, parseCodeReference } from "../scripts/slides/extract-code.js";
import { readSlideFiles } from "../scripts/slides/plugin.js";
import { REPO_ROOT } from "../server/http.js";
import { revealAllFragments, slideIds } from "../harness/deck.js";
import { TALK_SECTIONS } from "./talk.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";

const harness = useBridgeAndBrowser();

async function openDeck(viewport = { width: 1280, height: 720 }): Promise<Page> {
  const page = await harness.browser.newPage({ viewport });
  await page.goto(`${harness.bridge.url}/`);
  await page.locator("section#title.present").waitFor();
  return page;
}

/** What pokes out of the current slide, or hides part of itself, in words; empty when all fits. */
function overflowsOfSlide(id: string): string[] {
  const bounds = document.querySelector(".reveal .slides")!.getBoundingClientRect();
  const slide = document.getElementById(id)!;
  const problems: string[] = [];
  const describe = (element: Element) =>
    `${element.tagName.toLowerCase()}${element.className && typeof element.className === "string" ? `.${element.className.split(" ")[0]}` : ""} "${(element.textContent ?? "").trim().slice(0, 30)}"`;
  // A figure on a phone scrolls sideways by design, keeping the size its words need.
  const scrolls = (element: Element) => {
    for (let parent = element.parentElement; parent && parent !== slide; parent = parent.parentElement)
      if (["auto", "scroll"].includes(getComputedStyle(parent).overflowX)) return true;
    return false;
  };
  for (const element of slide.querySelectorAll("*")) {
    // The output panel keeps to its box by design; notes are not shown on the slide.
    if (element.closest(".demo-output, aside.notes") || scrolls(element)) continue;
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const tolerance = 1;
    if (
      rect.left < bounds.left - tolerance ||
      rect.top < bounds.top - tolerance ||
      rect.right > bounds.right + tolerance ||
      rect.bottom > bounds.bottom + tolerance
    ) {
      problems.push(`${describe(element)} is outside the slide`);
    }
  }
  for (const block of slide.querySelectorAll<HTMLElement>("pre, .code-block")) {
    if (block.scrollWidth > block.clientWidth + 1 || block.scrollHeight > block.clientHeight + 1)
      problems.push(`${describe(block)} hides part of its code`);
  }
  return problems;
}

describe("the deck", () => {
  it("tells the talk's sections in order, each opening with its title", async () => {
    const page = await openDeck();
    const ids = await slideIds(page);
    const positions = TALK_SECTIONS.map((section) => ids.indexOf(section.id));
    assert.ok(
      positions.every((position) => position >= 0),
      `every section has its slide: ${TALK_SECTIONS.filter((_, index) => positions[index]! < 0).map((section) => section.id)}`,
    );
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
      "the sections come in the talk's order",
    );
    for (const section of TALK_SECTIONS) {
      assert.equal((await page.locator(`section#${section.id} > h1`).textContent())?.trim(), section.title);
    }
    await page.close();
  });

  it("shows every code block exactly as the source it names has it", async () => {
    const page = await openDeck();
    const blocks = await page.locator(".code-block").evaluateAll((elements) =>
      elements.map((element) => ({
        source: (element as HTMLElement).dataset.source!,
        text: element.querySelector("pre code")!.textContent!,
      })),
    );
    const codeDirectives = readSlideFiles(REPO_ROOT).flatMap((file) => file.text.match(/^@code /gm) ?? []);
    assert.equal(blocks.length, codeDirectives.length, "one block on the page for each @code in the slides");
    for (const block of blocks) {
      assert.equal(block.text, extractCode(REPO_ROOT, parseCodeReference(block.source)), `${block.source} on the slide equals its source`);
    }
    await page.close();
  });

  it("steps through the client's code: each → lights the next step's lines and dims the rest", async () => {
    const page = await openDeck();
    await page.goto(`${harness.bridge.url}/#/req-rep-client`);
    await page.locator("section#req-rep-client.present").waitFor();
    // Which lines are lit (in colour) while others recede to grey; empty while nothing is stepped.
    const litLines = () =>
      page.locator("section#req-rep-client .code-block .line").evaluateAll((lines) => {
        const lit = lines.map((line) => getComputedStyle(line).filter === "none");
        return lit.some((inColour) => !inColour) ? lit.flatMap((inColour, index) => (inColour ? [index + 1] : [])) : [];
      });
    await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
    assert.deepEqual(await litLines(), [], "before the first step every line reads the same");
    const steps: number[][] = [];
    for (let step = 0; step < 3; step++) {
      await page.keyboard.press("ArrowRight");
      await page.locator(`section#req-rep-client .code-step[data-step="${step + 1}"].current-fragment`).waitFor({ state: "attached" });
      steps.push(await litLines());
    }
    // startClient: the socket and its connect, then the send, then the receive (slides/08-req-rep.md).
    assert.deepEqual(steps, [[2, 3], [7], [9]]);
    await page.close();
  });

  it("loads, fonts and all, without a single request leaving the machine", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("websocket", (socket) => requested.push(socket.url()));
    await page.goto(`${harness.bridge.url}/`);
    await page.locator("section#title.present").waitFor();
    // Visit every slide, so whatever a slide loads lazily (fonts, the italic face) is asked for.
    for (const id of await slideIds(page)) {
      await page.goto(`${harness.bridge.url}/#/${id}`);
      await page.locator(`section#${id}.present`).waitFor();
    }
    await page.evaluate(() => document.fonts.ready);
    const fontsLoaded = requested.filter((url) => url.endsWith(".woff2"));
    assert.ok(fontsLoaded.length >= 2, `the deck's own fonts were loaded: ${fontsLoaded}`);
    const away = requested.filter((url) => {
      const { protocol, hostname } = new URL(url);
      if (protocol === "data:" || protocol === "blob:") return false;
      return !["127.0.0.1", "localhost", "[::1]"].includes(hostname);
    });
    assert.deepEqual(away, [], "requests to other hosts");
    await page.close();
  });

  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
    { width: 390, height: 844 },
  ]) {
    it(`keeps every slide inside its bounds at ${viewport.width}×${viewport.height}, with every fragment shown`, async () => {
      const page = await openDeck(viewport);
      // Layout is what is measured here, not motion: without transitions each slide settles at once.
      await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
      await page.evaluate(() => document.fonts.ready);
      const problems: string[] = [];
      for (const id of await slideIds(page)) {
        await page.goto(`${harness.bridge.url}/#/${id}`);
        await page.locator(`section#${id}.present`).waitFor();
        await revealAllFragments(page, id);
        // reveal.js moves slides with a transition; measure once it has settled.
        await page.waitForFunction(
          () =>
            !document
              .querySelector(".reveal .slides section.present")
              ?.getAnimations({ subtree: true })
              .some((animation) => animation.playState === "running"),
        );
        for (const problem of await page.evaluate(overflowsOfSlide, id)) problems.push(`#${id}: ${problem}`);
      }
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
