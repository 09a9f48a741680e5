/// <reference lib="dom" />
/**
 * A page of another site, open in the presenter's browser, cannot start, stop or act on a demo
 * by any route: by framing the deck, by opening it and posting it messages (reveal.js's
 * postMessage API would press R for it), or by a form posted to the bridge. And the deck, its
 * speaker view and the tutorial still work under the policy that forbids it, with no
 * Content-Security-Policy violation. Real Chromium, real bridge; the other site is a server on
 * another port, reached as localhost.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, ConsoleMessage, Page } from "playwright-core";
import { launchChromium } from "../harness/browser.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { demoProcessesOf, rssMb, waitForExit } from "../harness/processes.js";

let bridge: RunningBridge;
let browser: Browser;
let foreign: Server;
let foreignUrl: string;
/** The other site's pages, by path: each a small attack on the deck at `deckUrl`. */
const foreignPages: Record<string, string> = {};

before(async () => {
  bridge = await startBridge();
  browser = await launchChromium();
  foreign = createServer((request, response) => {
    const html = foreignPages[request.url ?? ""];
    response.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    response.end(html ?? "");
  });
  await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.1", resolve));
  foreignUrl = `http://localhost:${(foreign.address() as AddressInfo).port}`;
});
after(async () => {
  await browser?.close();
  await bridge?.stop();
  foreign?.close();
});

/** A script that posts reveal.js's API calls for R (and more) to `target()` ten times a second. */
const pressR = (target: string) => `
  const calls = [
    { method: "triggerKey", args: [82] },
    { method: "slide", args: [0] },
    { namespace: "reveal-notes", type: "heartbeat" },
  ];
  setInterval(() => { const to = ${target}; if (to) for (const call of calls) to.postMessage(JSON.stringify(call), "*"); }, 100);`;

/** Waits `ms` while a foreign page does its worst, then checks the bridge started nothing. */
async function assertNothingStarted(page: Page, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), [], "no demo process was started");
    await page.waitForTimeout(100);
  }
}

describe("a page of another site", { timeout: 120_000 }, () => {
  let context: BrowserContext;
  before(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  });
  after(async () => {
    await context?.close();
  });

  it("cannot frame the deck: the frame is refused, and R posted into it starts nothing", async (t) => {
    const before = rssMb(bridge.process.pid!);
    foreignPages["/frame"] = `<!doctype html><iframe id="deck" src="${bridge.url}/#/req-rep" width="1280" height="720"></iframe>
      <script>${pressR(`document.getElementById("deck").contentWindow`)}</script>`;
    const page = await context.newPage();
    const refusals: string[] = [];
    page.on("console", (message) => refusals.push(message.text()));
    await page.goto(`${foreignUrl}/frame`);
    await assertNothingStarted(page);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    assert.ok(frame, "the frame is there");
    assert.doesNotMatch(frame.url(), /127\.0\.0\.1/, `the deck did not load in it (${frame.url()})`);
    const refusal = refusals.find((text) => /frame-ancestors|X-Frame-Options/.test(text));
    assert.ok(refusal, `Chromium says why: ${refusals.join(" | ")}`);
    await page.close();
    t.diagnostic(
      `framed from ${foreignUrl}, R posted 10 times a second for 3 s: frame refused ("${refusal.slice(0, 120)}…"), 0 processes; bridge RSS ${before} → ${rssMb(bridge.process.pid!)} MB`,
    );
  });

  it("that opens the deck gets no hold on it: R, a slide change and a speaker-view heartbeat posted to it start nothing", async (t) => {
    const before = rssMb(bridge.process.pid!);
    // ?postMessage=true would turn reveal.js's API back on, were the deck to let the address decide.
    foreignPages["/open"] = `<!doctype html><button id="open">open</button>
      <script>let deck; document.getElementById("open").onclick = () => { deck = window.open("${bridge.url}/?postMessage=true#/req-rep"); };
      ${pressR("deck")}</script>`;
    const page = await context.newPage();
    await page.goto(`${foreignUrl}/open`);
    const [opened] = await Promise.all([context.waitForEvent("page"), page.click("#open")]);
    await opened.locator("section#req-rep.present zmq-demo").waitFor({ timeout: 15_000 });
    await assertNothingStarted(page);
    assert.equal(await opened.locator("section#req-rep zmq-demo").getAttribute("data-state"), "idle", "the deck's demo was not started");
    assert.equal(await opened.evaluate(() => document.querySelector("section.present")?.id), "req-rep", "nor was the slide changed");
    await opened.close();
    await page.close();
    t.diagnostic(
      `opened ${bridge.url}/?postMessage=true from ${foreignUrl}, triggerKey R, slide and a notes heartbeat posted 10 times a second for 3 s: demo idle, slide unchanged, 0 processes; bridge RSS ${before} → ${rssMb(bridge.process.pid!)} MB`,
    );
  });

  it("cannot post a form to the bridge: it is answered 405, and nothing starts", async (t) => {
    const before = rssMb(bridge.process.pid!);
    foreignPages["/form"] = `<!doctype html><form id="f" method="post" action="${bridge.url}/ws">
      <input name="type" value="run"><input name="demo" value="req-rep"></form><script>document.getElementById("f").submit();</script>`;
    const page = await context.newPage();
    const answered = page.waitForResponse((response) => response.url().startsWith(bridge.url));
    await page.goto(`${foreignUrl}/form`);
    assert.equal((await answered).status(), 405);
    await assertNothingStarted(page, 1000);
    await page.close();
    t.diagnostic(
      `a form from ${foreignUrl} posted type=run&demo=req-rep to /ws: 405, 0 processes; bridge RSS ${before} → ${rssMb(bridge.process.pid!)} MB`,
    );
  });
});

describe("the deck's own message gate", { timeout: 120_000 }, () => {
  it("drops reveal.js calls another origin posts, and carries those of this origin (the speaker view's)", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${bridge.url}/#/req-rep`);
    await page.locator("section#req-rep.present").waitFor();
    const post = (origin: string) =>
      page.evaluate(
        (from) =>
          window.dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ method: "triggerKey", args: [82] }), origin: from })),
        origin,
      );
    await post("http://evil.example");
    await assertNothingStarted(page, 1500);
    assert.equal(await page.locator("section#req-rep zmq-demo").getAttribute("data-state"), "idle");

    await post(new URL(bridge.url).origin);
    await page.locator('section#req-rep zmq-demo[data-state="running"]').waitFor({ timeout: 15_000 });
    const pids = demoProcessesOf(bridge.process.pid!);
    await post(new URL(bridge.url).origin);
    await page.locator('section#req-rep zmq-demo[data-state="stopped"]').waitFor({ timeout: 15_000 });
    assert.deepEqual(await waitForExit(pids), []);
    await page.close();
  });
});

describe("under its Content-Security-Policy", { timeout: 180_000 }, () => {
  /** Every CSP violation a page (and its frames) reports, as the console and the DOM event tell them. */
  async function watchViolations(page: Page, seen: string[]): Promise<void> {
    page.on("console", (message: ConsoleMessage) => {
      if (/Content Security Policy|Refused to (load|execute|apply|frame|connect)/i.test(message.text()))
        seen.push(`${page.url()}: ${message.text()}`);
    });
    await page.addInitScript(() =>
      document.addEventListener("securitypolicyviolation", (event) =>
        console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`),
      ),
    );
  }

  /** Presents from `base` as a presenter would (the deck, S, R twice, the tutorial); returns every violation seen. */
  async function presentFrom(base: string, bridgePid: number): Promise<string[]> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const seen: string[] = [];
    context.on("page", (page) => void watchViolations(page, seen));
    const page = await context.newPage();
    await watchViolations(page, seen);
    const deck = await page.goto(`${base}/#/req-rep`);
    assert.match(deck?.headers()["content-security-policy"] ?? "", /script-src 'self' 'sha256-/);
    await page.locator("section#req-rep.present").waitFor({ timeout: 60_000 });

    const [speakerView] = await Promise.all([page.waitForEvent("popup"), page.keyboard.press("s")]);
    await watchViolations(speakerView, seen);
    const preview = () => speakerView.frames().find((frame) => /receiver/.test(frame.url()) && /postMessageEvents/.test(frame.url()));
    for (let tries = 0; tries < 300 && !preview(); tries++) await page.waitForTimeout(100);
    const frame = preview();
    assert.ok(frame, "the speaker view made its previews: its inline script ran");
    await frame.locator('section#req-rep.present zmq-demo[data-demo="req-rep"]').waitFor({ timeout: 30_000 });

    await page.bringToFront();
    await page.keyboard.press("r");
    await page.waitForFunction(
      () => Number(document.querySelector('zmq-demo[data-demo="req-rep"] [data-role="client"]')?.getAttribute("data-received")) >= 2,
      undefined,
      { timeout: 30_000 },
    );
    await frame.locator('zmq-demo[data-state="running"]').waitFor({ timeout: 15_000 });
    const pids = demoProcessesOf(bridgePid);
    await page.keyboard.press("r");
    assert.deepEqual(await waitForExit(pids), []);

    const tutorial = await context.newPage();
    await tutorial.goto(`${base}/tutorial.html#req-rep`);
    await tutorial.locator("#tutorial").getByRole("heading").first().waitFor({ timeout: 30_000 });
    await tutorial.waitForTimeout(1000);
    await context.close();
    return seen;
  }

  it("the deck, a run, the speaker view and its previews, and the tutorial work, with no violation", async () => {
    assert.deepEqual(await presentFrom(bridge.url, bridge.process.pid!), [], "no Content-Security-Policy violation");
  });

  it("so do they under npm run dev (Vite's middleware and hot reload)", async () => {
    const dev = await startBridge(["--dev"]);
    try {
      assert.deepEqual(await presentFrom(dev.url, dev.process.pid!), [], "no Content-Security-Policy violation");
    } finally {
      await dev.stop();
    }
  });
});
