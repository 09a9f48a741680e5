/// <reference lib="dom" />
/**
 * A viewer's page of a shared deck, in real Chromium, reached at another address of this
 * machine (to the bridge, a machine elsewhere): the share token leaves the address bar once
 * the page has it, no request the page makes carries a Referer, and a reload is still a
 * viewer's page.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../harness/browser.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { otherLocalAddress } from "./helpers/network.js";
import { rssMb } from "../harness/processes.js";

const elsewhere = otherLocalAddress();
let bridge: RunningBridge;
let browser: Browser;
let token: string;

before(async () => {
  bridge = await startBridge(["--share"]);
  for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(bridge.output()); tries++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  token = /\?token=([\w-]+)/.exec(bridge.output())?.[1] ?? "";
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await bridge?.stop();
});

describe("a viewer's page", { timeout: 120_000, skip: elsewhere === undefined && "this machine has no address but loopback" }, () => {
  it("drops the token from its address, sends no Referer, and is still a viewer's page after a reload", async (t) => {
    const before = rssMb(bridge.process.pid!);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const referers: string[] = [];
    page.on("request", (request) => {
      const referer = request.headers().referer;
      if (referer) referers.push(`${request.url()} ← ${referer}`);
    });
    const response = await page.goto(`http://${elsewhere}:${bridge.port}/?token=${token}#/req-rep`);
    assert.equal(response?.headers()["referrer-policy"], "no-referrer");
    const widget = page.locator("section#req-rep zmq-demo");
    await widget.getByText(/Watching/).waitFor({ timeout: 15_000 });
    assert.equal(page.url(), `http://${elsewhere}:${bridge.port}/#/req-rep`, "the token left the address bar");
    assert.equal(await page.evaluate(() => document.referrer), "");

    await page.reload();
    await page.locator("section#req-rep.present").waitFor();
    await widget.getByText(/Watching/).waitFor({ timeout: 15_000 });
    assert.ok(await widget.locator("button.demo-run").isHidden(), "no Run button: still a viewer");
    assert.doesNotMatch(page.url(), /token/);
    assert.deepEqual(referers, [], "no request carried a Referer");
    const address = page.url();
    await page.close();
    t.diagnostic(
      `opened http://${elsewhere}:${bridge.port}/?token=…#/req-rep: address became ${address}, Referrer-Policy no-referrer, 0 Referers, a viewer after reload; bridge RSS ${before} → ${rssMb(bridge.process.pid!)} MB`,
    );
  });
});
