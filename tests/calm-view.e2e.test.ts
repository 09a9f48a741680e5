/// <reference lib="dom" />
/**
 * The diagram for a viewer who asked for less motion, and for a screen reader: nothing
 * travels, the counters still count, and the latest messages are said in words.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useBridgeAndBrowser } from "./helpers/harness.js";

const harness = useBridgeAndBrowser();

const widget = '#req-rep zmq-demo[data-demo="req-rep"]';

describe("the calm view and the spoken summary", () => {
  it("with reduced motion nothing travels, yet counters count and the latest messages are listed in words", async () => {
    const context = await harness.browser.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion: "reduce" });
    const page = await context.newPage();
    await page.goto(`${harness.bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForFunction(
      (selector) => Number(document.querySelector(`${selector} [data-role="client"]`)?.getAttribute("data-received")) >= 3,
      widget,
      { timeout: 15_000 },
    );
    assert.equal(await page.locator(`${widget} .message`).count(), 0, "no message dot is drawn travelling");
    await page.locator(`${widget} .demo-recent li`, { hasText: "server-1 received “Hello” from client-1" }).first().waitFor();
    await page.locator(`${widget} .demo-recent li`, { hasText: "client-1 received “World” from server-1" }).first().waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await context.close();
  });

  it("without it, dots travel and the list stays hidden, while a screen reader hears what happened", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${harness.bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator(`${widget} .message`).first().waitFor({ state: "attached", timeout: 15_000 });
    assert.equal(await page.locator(`${widget} .demo-recent`).isVisible(), false);
    const spoken = page.locator(`${widget} [aria-live="polite"]`);
    await page.waitForFunction(
      (selector) => /received “(Hello|World)” from/.test(document.querySelector(`${selector} [aria-live="polite"]`)?.textContent ?? ""),
      widget,
      { timeout: 15_000 },
    );
    assert.match((await spoken.textContent()) ?? "", /^(server-1 received “Hello” from client-1|client-1 received “World” from server-1)$/);
    await page.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });
});

describe("the inspector", () => {
  it("a message caught in flight (paused) opens in its receiver's inspector, frames and latency and all", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${harness.bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator(`${widget} .message:not(.lost)`).first().waitFor({ timeout: 15_000 });
    await page.locator(`${widget} .demo-speed`).getByRole("button", { name: "Pause" }).click();
    const dot = page.locator(`${widget} .message:not(.lost)`).first();
    const [from, to] = [await dot.getAttribute("data-from"), await dot.getAttribute("data-to")];
    await dot.click();
    const inspector = page.getByRole("region", { name: "Inspector" });
    await inspector.getByRole("heading", { name: to! }).waitFor();
    const payload = from === "client-1" ? "Hello" : "World";
    await inspector.getByText(new RegExp(`^${from} → ${to} · 5 B · [\\d.]+ ms$`)).waitFor();
    await inspector.getByText(`frame 0: ${payload}`, { exact: true }).waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });

  it("a clicked process shows its pid, socket, endpoint, monitor timeline, and a message's frames in text and hex", async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${harness.bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    await page.getByRole("button", { name: "Run" }).click();
    const server = page.locator(`${widget} [data-node="server-1"]`);
    await page.waitForFunction(
      (selector) => Number(document.querySelector(`${selector} [data-role="server"]`)?.getAttribute("data-received")) >= 2,
      widget,
      { timeout: 15_000 },
    );
    await server.click();
    const inspector = page.getByRole("region", { name: "Inspector" });
    await inspector.waitFor();
    const pid = await server.getAttribute("data-pid");
    await inspector.getByText(pid!, { exact: true }).waitFor();
    await inspector.getByText("REP", { exact: true }).waitFor();
    await inspector
      .getByText(/tcp:\/\/127\.0\.0\.1:\d+/)
      .first()
      .waitFor();
    await inspector
      .getByText(/ms {2}accept/)
      .first()
      .waitFor();
    await inspector.getByRole("button", { name: "← Hello" }).first().click();
    await inspector.getByText(/client-1 → server-1 · 5 B · [\d.]+ ms/).waitFor();
    await inspector.getByText("48 65 6c 6c 6f", { exact: true }).waitFor();
    await inspector.getByRole("button", { name: "Close the inspector of server-1" }).click();
    await page.locator(`${widget} .demo-output`).waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await page.close();
  });
});
