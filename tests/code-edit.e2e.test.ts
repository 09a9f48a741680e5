/// <reference lib="dom" />
/**
 * "Write it yourself" in real Chromium against the real bridge, typed into the editor with the
 * keyboard as a learner would: the learner's REP server answers the real client; a syntax error
 * is shown at its line and starts nothing; a throw shows its line; a file write is refused; an
 * edit survives a reload; a viewer of a shared deck has no Edit; the deck's E and R run the
 * edited role.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { demoProcessesOf } from "../harness/processes.js";
import { useBridgeAndBrowser } from "./helpers/harness.js";

const harness = useBridgeAndBrowser();
let page: Page;

/** Opens the tutorial at `step`, presses Edit, and waits for the editor of `editor` (DEMO/ROLE). */
async function editStep(step: string, editor: string): Promise<void> {
  // A fresh load each time (a new hash alone would keep the page, and its open editor).
  await page.goto("about:blank");
  await page.goto(`${harness.bridge.url}/tutorial.html#${step}`);
  await page.locator(`section#${step}`).getByRole("button", { name: "Edit", exact: true }).click();
  await page.locator(`[data-editor="${editor}"] .cm-content`).waitFor();
}

/**
 * Replaces the editor's text by typing `code` with the keyboard: select all, then each line as
 * typed (the editor indents new lines itself, so the lines are typed without their indent).
 */
async function typeCode(editor: string, code: string): Promise<void> {
  await page.locator(`[data-editor="${editor}"] .cm-content`).click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  const lines = code.split("\n").map((line) => line.trimStart());
  for (const [index, line] of lines.entries()) {
    await page.keyboard.type(line);
    if (index < lines.length - 1) await page.keyboard.press("Enter");
  }
}

/** The editor's text, as CodeMirror shows it. */
const editorText = (editor: string) =>
  page
    .locator(`[data-editor="${editor}"] .cm-line`)
    .allTextContents()
    .then((lines) => lines.join("\n"));

const SERVER_YOURS = `export async function startServer(endpoint: string, work: number) {
const socket = new zmq.Reply();
await socket.bind(endpoint);
for await (const [request] of socket) {
await sleep(work);
await socket.send("Yours truly");
}
}`;

describe("Write it yourself, in the tutorial", { timeout: 120_000 }, () => {
  before(async () => {
    page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
  });
  after(async () => {
    await page?.close();
  });

  it("Edit holds exactly the function the step shows, and the learner's REP server's reply reaches the real client", async () => {
    await page.goto(`${harness.bridge.url}/tutorial.html#req-rep-server`);
    const shown = (await page.locator("section#req-rep-server .code-block pre").textContent())!.replace(/\n$/, "");
    await editStep("req-rep-server", "req-rep/server");
    assert.equal(await editorText("req-rep/server"), shown, "the editor holds the listing's function");
    await typeCode("req-rep/server", SERVER_YOURS);
    const step = page.locator("section#req-rep-server");
    await step.getByRole("button", { name: "Run your code" }).click();
    const widget = step.locator("zmq-demo[demo='req-rep']");
    await widget.locator(`[data-node="server-1"][data-edited="true"]`).waitFor({ timeout: 20_000 });
    await widget.locator(".demo-output").getByText("Received reply 0 [ Yours truly ]").waitFor({ timeout: 20_000 });
    assert.equal(await widget.locator(`[data-node="client-1"]`).getAttribute("data-edited"), null, "the client runs the demo's own code");
    await step.getByRole("button", { name: "Stop" }).first().click();
    await widget
      .locator("[data-state='stopped']")
      .or(widget.and(page.locator("[data-state='stopped']")))
      .first()
      .waitFor({ timeout: 20_000 });
  });

  it("the edit survives a reload", async () => {
    await editStep("req-rep-server", "req-rep/server");
    assert.match(await editorText("req-rep/server"), /Yours truly/);
    await page.reload();
    await page.locator("section#req-rep-server").getByRole("button", { name: "Edit", exact: true }).click();
    await page.locator(`[data-editor="req-rep/server"] .cm-content`).waitFor();
    assert.match(await editorText("req-rep/server"), /Yours truly/, "kept in the browser");
  });

  it("a syntax error is shown at its line and starts nothing", async () => {
    await editStep("req-rep-server", "req-rep/server");
    await typeCode("req-rep/server", SERVER_YOURS.replace("await socket.bind(endpoint);", "await socket.bind(endpoint;"));
    const step = page.locator("section#req-rep-server");
    await step.locator(".role-editor-problems li[data-line='3']").first().waitFor({ timeout: 20_000 });
    const before = demoProcessesOf(harness.bridge.process.pid!).length;
    await step.getByRole("button", { name: "Run your code" }).click();
    const widget = step.locator("zmq-demo[demo='req-rep']");
    await page.waitForFunction(
      () => document.querySelector("section#req-rep-server zmq-demo")?.getAttribute("data-state") === "error",
      undefined,
      { timeout: 20_000 },
    );
    assert.match((await widget.locator(".demo-status").textContent())!, /code-problems/);
    // The lint display marks line 3 itself.
    const marked = await page.evaluate(
      () =>
        [...document.querySelectorAll("[data-editor='req-rep/server'] .cm-line")].findIndex((line) =>
          line.querySelector(".cm-lintRange-error"),
        ) + 1,
    );
    assert.equal(marked, 3, "the error is marked on line 3");
    assert.equal(await widget.locator("[data-node][data-pid]:not([data-pid=''])").count(), 0, "no process was drawn as started");
    assert.ok(demoProcessesOf(harness.bridge.process.pid!).length <= before, "no demo process started");
  });

  it("an exception at run time is shown in the output with the line in the learner's code", async () => {
    await editStep("req-rep-server", "req-rep/server");
    await typeCode(
      "req-rep/server",
      `export async function startServer(endpoint: string, work: number) {
const socket = new zmq.Reply();
throw new Error("broken on purpose " + work);
}`,
    );
    const step = page.locator("section#req-rep-server");
    await step.getByRole("button", { name: "Run your code" }).click();
    const output = step.locator("zmq-demo[demo='req-rep'] .demo-output");
    await output.getByText("broken on purpose").first().waitFor({ timeout: 20_000 });
    await output
      .getByText(/your code, line 3/)
      .first()
      .waitFor({ timeout: 20_000 });
    await step.locator(`[data-node="server-1"][data-status="exited"]`).waitFor({ timeout: 20_000 });
    const stop = step.getByRole("button", { name: "Stop" }).first();
    if (await stop.isVisible()) await stop.click();
  });

  it("a file write is refused with Node's access-denied error, and no file appears", async () => {
    const target = `/tmp/zmq-edit-test-${process.pid}-${Date.now()}.txt`;
    await editStep("req-rep-server", "req-rep/server");
    await typeCode(
      "req-rep/server",
      `export async function startServer(endpoint: string, work: number) {
const fs = await import("node:fs");
fs.writeFileSync("${target}", "written " + work);
}`,
    );
    const step = page.locator("section#req-rep-server");
    await step.getByRole("button", { name: "Run your code" }).click();
    const output = step.locator("zmq-demo[demo='req-rep'] .demo-output");
    await output
      .getByText(/ERR_ACCESS_DENIED|Access to this API has been restricted/)
      .first()
      .waitFor({ timeout: 20_000 });
    assert.equal(existsSync(target), false, "the file was not written");
    const stop = step.getByRole("button", { name: "Stop" }).first();
    if (await stop.isVisible()) await stop.click();
  });

  it("Reset restores the original after a confirm, and Show solution shows it beside the learner's code", async () => {
    await editStep("req-rep-server", "req-rep/server");
    await typeCode("req-rep/server", SERVER_YOURS);
    const step = page.locator("section#req-rep-server");
    await step.getByRole("button", { name: "Show solution" }).click();
    const solution = step.locator(".role-editor-solution");
    await solution.waitFor();
    assert.match((await solution.textContent())!, /socket\.send\("World"\)/);
    assert.match(await editorText("req-rep/server"), /Yours truly/, "their code is still there");
    page.once("dialog", (dialog) => void dialog.dismiss());
    await step.getByRole("button", { name: "Reset" }).click();
    assert.match(await editorText("req-rep/server"), /Yours truly/, "dismissed: nothing changed");
    page.once("dialog", (dialog) => void dialog.accept());
    await step.getByRole("button", { name: "Reset" }).click();
    assert.doesNotMatch(await editorText("req-rep/server"), /Yours truly/);
    assert.match(await editorText("req-rep/server"), /socket\.send\("World"\)/);
  });
});

describe("an exercise passed by writing code, in the tutorial", { timeout: 120_000 }, () => {
  before(async () => {
    page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
  });
  after(async () => {
    await page?.close();
  });

  const numbered = (first: string) => `export async function startServer(endpoint: string, work: number) {
const socket = new zmq.Reply();
await socket.bind(endpoint);
let count = ${first};
for await (const [request] of socket) {
await sleep(work);
await socket.send(\`World \${count}\`);
count += 1;
}
}`;

  it("hints come one at a time; a wrong answer runs and is not done; the right one is", async () => {
    await editStep("req-rep-server", "req-rep/server");
    const step = page.locator("section#req-rep-server");
    const exercise = step.locator("[data-exercise='write-rep-numbered']");
    await exercise.getByRole("button", { name: "Hint (1 of 3)" }).click();
    assert.equal(await exercise.locator(".exercise-hints li").count(), 1);
    await exercise.getByRole("button", { name: "Another hint (2 of 3)" }).click();
    assert.equal(await exercise.locator(".exercise-hints li").count(), 2);

    await typeCode("req-rep/server", numbered("0"));
    await step.getByRole("button", { name: "Run your code" }).click();
    await exercise
      .locator(".exercise-status")
      .getByText(/reply 1 was “World 0”/)
      .waitFor({ timeout: 20_000 });
    assert.equal(await exercise.getAttribute("data-done"), "false");
    await step.getByRole("button", { name: "Stop" }).first().click();
    await page.waitForFunction(
      () =>
        !["running", "starting", "stopping"].includes(
          document.querySelector("section#req-rep-server zmq-demo")?.getAttribute("data-state") ?? "",
        ),
      undefined,
      { timeout: 20_000 },
    );

    await typeCode("req-rep/server", numbered("1"));
    await step.getByRole("button", { name: "Run your code" }).click();
    await exercise
      .locator("[data-done='true']")
      .or(page.locator("[data-exercise='write-rep-numbered'][data-done='true']"))
      .first()
      .waitFor({ timeout: 20_000 });
    await step.getByRole("button", { name: "Stop" }).first().click();
  });
});

describe("Write it yourself, in the deck", { timeout: 120_000 }, () => {
  it("E on the server's code slide opens the editor, and R runs the demo with the edited server", async () => {
    const deck = await harness.openSlide("req-rep-server");
    await deck.evaluate(() => localStorage.clear());
    // E is bound once the deck has set up editing: its Edit button says so (a presenter sees it too).
    await deck.locator("section#req-rep-server .code-edit-button").waitFor();
    await deck.keyboard.press("e");
    const content = deck.locator(`section#req-rep-server [data-editor="req-rep/server"] .cm-content`);
    await content.waitFor();
    await content.click();
    // Typed into the editor: the deck does not move, and R is a letter, not Run.
    await deck.keyboard.press("Control+End");
    await deck.keyboard.press("ArrowUp");
    await deck.keyboard.press("ArrowUp");
    await deck.keyboard.press("End");
    for (let i = 0; i < 'await socket.send("World");'.length; i++) await deck.keyboard.press("Backspace");
    await deck.keyboard.type('await socket.send("Reply from the stage");');
    assert.ok(await deck.locator("section#req-rep-server.present").isVisible(), "still on the slide");
    await deck.locator("section#req-rep-server h1").click();
    await deck.keyboard.press("r");
    const widget = deck.locator("section#req-rep zmq-demo");
    await widget.locator(`[data-node="server-1"][data-edited="true"]`).waitFor({ state: "attached", timeout: 20_000 });
    await deck.waitForFunction(
      () =>
        document.querySelector("section#req-rep zmq-demo .demo-output")?.textContent?.includes("Received reply 0 [ Reply from the stage ]"),
      undefined,
      { timeout: 20_000 },
    );
    await deck.keyboard.press("r");
    await deck.close();
  });
});
