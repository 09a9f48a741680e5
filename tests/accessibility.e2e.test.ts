/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Readable and operable for everyone: every slide, a running demo with its inspector open, and
 * the tutorial meet WCAG AA contrast in the light and the dark theme, as Chromium paints them;
 * and everything on a demo that reacts to a click can be reached and used from the keyboard.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { type ContrastProblem, contrastProblemsIn } from "./helpers/contrast.js";
import { revealAllFragments, slideIds } from "../harness/deck.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";

const harness = useBridgeAndBrowser();
const THEMES = ["light", "dark"] as const;

async function openPage(colorScheme: (typeof THEMES)[number], path: string): Promise<Page> {
  const context = await harness.browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme });
  const page = await context.newPage();
  await page.goto(`${harness.bridge.url}${path}`);
  // Colours are measured where they settle, not halfway through a fade.
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
  await page.evaluate(() => document.fonts.ready);
  return page;
}

function describeProblems(where: string, problems: ContrastProblem[]): string[] {
  return problems.map(
    ({ what, ratio, needed, foreground, background }) =>
      `${where}: ${what} — ${ratio}:1 (${foreground} on ${background}), needs ${needed}:1`,
  );
}

describe("contrast (WCAG 2.2 AA) in both themes", () => {
  for (const theme of THEMES) {
    it(`every slide, fragments shown, in the ${theme} theme`, async () => {
      const page = await openPage(theme, "/");
      await page.locator("section#title.present").waitFor();
      const problems: string[] = [];
      let measured = 0;
      for (const id of await slideIds(page)) {
        await page.goto(`${harness.bridge.url}/#/${id}`);
        await page.locator(`section#${id}.present`).waitFor();
        await revealAllFragments(page, id);
        await page.waitForFunction(
          () =>
            !document
              .querySelector(".reveal .slides section.present")
              ?.getAnimations({ subtree: true })
              .some((animation) => animation.playState === "running"),
        );
        const result = await page.evaluate(contrastProblemsIn, `section#${id}`);
        measured += result.measured;
        problems.push(...describeProblems(`#${id}`, result.problems));
      }
      assert.ok(measured > 300, `text was measured on the slides (${measured} pieces)`);
      assert.deepEqual(problems, []);
      await page.context().close();
    });

    it(`a running demo with its inspector open, in the ${theme} theme`, async () => {
      const page = await openPage(theme, "/#/push-pull");
      const widget = 'zmq-demo[data-demo="push-pull"]';
      await page.locator("section#push-pull.present").waitFor();
      await page.locator(`${widget} button.demo-run`).click();
      await page.waitForFunction(
        (selector) => Number(document.querySelector(`${selector} [data-node="worker-1"]`)?.getAttribute("data-received")) >= 2,
        widget,
        { timeout: 20_000 },
      );
      await page.locator(`${widget} [data-node="worker-1"]`).click();
      await page.getByRole("region", { name: "Inspector" }).waitFor();
      const result = await page.evaluate(contrastProblemsIn, widget);
      await page.locator(`${widget} button.demo-run`).click();
      assert.ok(result.measured > 20, `the widget's text was measured (${result.measured} pieces)`);
      assert.deepEqual(describeProblems("push-pull", result.problems), []);
      await page.context().close();
    });

    it(`reveal.js's arrows, progress bar and slide number, in the ${theme} theme`, async () => {
      const page = await openPage(theme, "/");
      // A slide with both arrows plain, and one whose arrow on is halved (more of the slide to come).
      for (const id of ["connection", "why"]) {
        await page.goto(`${harness.bridge.url}/#/${id}`);
        await page.locator(`section#${id}.present`).waitFor();
        await page.locator(".reveal .controls .navigate-left.enabled").waitFor();
        await page.locator(".reveal .controls .navigate-right.enabled").waitFor();
        await page.waitForFunction(
          () =>
            !document
              .querySelector(".reveal .slides section.present")
              ?.getAnimations({ subtree: true })
              .some((animation) => animation.playState === "running"),
        );
        const result = await page.evaluate(contrastProblemsIn, ".reveal");
        assert.ok(result.measured >= 4, `both arrows, the bar and the number were measured (${result.measured})`);
        assert.deepEqual(describeProblems(`#${id}: reveal.js's controls`, result.problems), []);
      }
      await page.context().close();
    });

    it(`the tutorial, in the ${theme} theme`, async () => {
      const page = await openPage(theme, "/tutorial.html#push-pull");
      await page.locator("main").first().waitFor();
      const result = await page.evaluate(contrastProblemsIn, "body");
      assert.ok(result.measured > 20, `the tutorial's text was measured (${result.measured} pieces)`);
      assert.deepEqual(describeProblems("tutorial", result.problems), []);
      await page.context().close();
    });
  }
});

/** A short description of the element that has the keyboard focus. */
function focused(): string {
  const element = document.activeElement;
  if (!element || element === document.body) return "body";
  const name = element.getAttribute("data-node") ?? element.getAttribute("aria-label") ?? element.textContent?.trim().slice(0, 30) ?? "";
  return `${element.tagName.toLowerCase()}:${name}`;
}

/**
 * What in `scope` listens for clicks and cannot be used without a mouse, asked of Chromium
 * itself (its DevTools protocol knows every listener) rather than of our own bookkeeping.
 */
async function mouseOnlyControls(page: Page, scope: string): Promise<{ clickable: number; problems: string[] }> {
  const cdp = await page.context().newCDPSession(page);
  const { result } = await cdp.send("Runtime.evaluate", {
    expression: `[...document.querySelectorAll(${JSON.stringify(`${scope}, ${scope} *`)})]`,
  });
  const { result: entries } = await cdp.send("Runtime.getProperties", { objectId: result.objectId!, ownProperties: true });
  const problems: string[] = [];
  let clickable = 0;
  for (const entry of entries.filter((property) => /^\d+$/.test(property.name))) {
    const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: entry.value!.objectId! });
    if (!listeners.some((listener) => ["click", "mousedown", "pointerdown", "dblclick"].includes(listener.type))) continue;
    const { result: verdict } = await cdp.send("Runtime.callFunctionOn", {
      objectId: entry.value!.objectId!,
      returnByValue: true,
      functionDeclaration: `function () {
        const native = this.matches("button, a[href], input, select, textarea, summary");
        const name = (this.getAttribute("aria-label") || this.textContent || "").trim();
        // The page itself, or a container that hands clicks on to the controls inside it.
        // reveal.js's progress bar jumps through the deck on a click; its keys (arrows, Home, End, Esc) do the same.
        if (this.matches(".reveal .progress")) return { container: true };
        // Hidden from assistive technology on purpose: a picture whose click is a shortcut to a
        // control the keyboard reaches elsewhere (a travelling message → the inspector's list).
        if (this.closest("[aria-hidden='true']")) return { container: true };
        const container = this === document.documentElement || this === document.body || (!native && this.querySelector("button, a[href], input, select, [tabindex]") !== null);
        return { container, native, focusable: native || this.tabIndex >= 0, name: name.slice(0, 40), tag: this.tagName.toLowerCase() + (typeof this.className === "string" && this.className ? "." + this.className.split(" ")[0] : ""), role: this.getAttribute("role") };
      }`,
    });
    const { container, native, focusable, name, tag, role } = verdict.value as {
      container: boolean;
      native: boolean;
      focusable: boolean;
      name: string;
      tag: string;
      role: string | null;
    };
    if (container) continue;
    clickable += 1;
    if (!focusable) problems.push(`${tag} "${name}" is not focusable`);
    else if (!native && !listeners.some((listener) => listener.type === "keydown" || listener.type === "keyup"))
      problems.push(`${tag} "${name}" has no key handler`);
    else if (!native && !role) problems.push(`${tag} "${name}" has no role`);
    if (!name) problems.push(`${tag} has no accessible name`);
  }
  await cdp.detach();
  return { clickable, problems };
}

describe("the keyboard", () => {
  it("reaches everything on a demo slide that reacts to a click, and nothing needs a mouse", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    const widget = 'zmq-demo[data-demo="req-rep"]';
    await page.goto(`${harness.bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    await page.locator(`${widget} button.demo-run`).click();
    await page.waitForFunction(
      (selector) => Number(document.querySelector(`${selector} [data-node="client-1"]`)?.getAttribute("data-received")) >= 1,
      widget,
      { timeout: 15_000 },
    );
    await page.locator(`${widget} [data-node="server-1"]`).click();
    await page.getByRole("region", { name: "Inspector" }).waitFor();
    const { clickable, problems } = await mouseOnlyControls(page, "body");
    assert.ok(clickable >= 5, `found the slide's clickable parts (${clickable})`);
    assert.deepEqual(problems, []);
    await page.locator(`${widget} button.demo-run`).click();
    await page.close();
  });

  it("reaches everything in the tutorial that reacts to a click", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${harness.bridge.url}/tutorial.html#push-pull`);
    await page.locator("main").first().waitFor();
    const { clickable, problems } = await mouseOnlyControls(page, "body");
    assert.ok(clickable >= 3, `found the tutorial's clickable parts (${clickable})`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("runs a demo, inspects a process and stops it again, with Tab, Enter and Space alone", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    const widget = 'zmq-demo[data-demo="req-rep"]';
    await page.goto(`${harness.bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    const tabTo = async (wanted: RegExp) => {
      for (let step = 0; step < 60; step++) {
        await page.keyboard.press("Tab");
        if (wanted.test(await page.evaluate(focused))) return;
      }
      assert.fail(`Tab never reached ${wanted}`);
    };
    await tabTo(/^button:Run/);
    await page.keyboard.press("Enter");
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") === "running", widget, {
      timeout: 15_000,
    });
    await page.waitForFunction(
      (selector) => document.querySelector(`${selector} [data-node="server-1"]`)?.getAttribute("data-pid"),
      widget,
      { timeout: 15_000 },
    );
    await tabTo(/^g:server-1$/);
    await page.keyboard.press("Enter");
    await page.getByRole("region", { name: "Inspector" }).waitFor();
    await tabTo(/^button:Close the inspector of server-1/);
    await page.keyboard.press("Space");
    await page.getByRole("region", { name: "Inspector" }).waitFor({ state: "hidden" });
    // Back to the Run/Stop button the long way round: Shift+Tab.
    for (let step = 0; step < 60 && !/^button:Stop/.test(await page.evaluate(focused)); step++) await page.keyboard.press("Shift+Tab");
    assert.match(await page.evaluate(focused), /^button:Stop/);
    await page.keyboard.press("Space");
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute("data-state") === "stopped", widget, {
      timeout: 15_000,
    });
    await page.close();
  });
});
