/**
 * Connections the bridge lets go: a page that no longer answers pings (a closed lid, lost
 * Wi-Fi) and a connection past the cap. The bridge runs in this process with small limits,
 * so the test need not wait the real ones out.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { type Bridge, attachBridge } from "../server/bridge.js";
import { hostsFor } from "../server/access.js";
import { waitForExit } from "../harness/processes.js";
import { BridgeClient } from "../harness/bridge-client.js";

const HEARTBEAT_MS = 150;
const CONNECTIONS = 3;
const MAX_BUFFERED_BYTES = 64 * 1024;

let server: Server;
let bridge: Bridge;
let url: string;
before(async () => {
  server = createServer((_request, response) => response.end());
  let port = 0;
  bridge = attachBridge(server, {
    access: { shareToken: undefined, allowedHosts: () => hostsFor("127.0.0.1", port, false) },
    leaveOtherUpgrades: false,
    limits: { heartbeatMs: HEARTBEAT_MS, presenterConnections: CONNECTIONS, maxBufferedBytes: MAX_BUFFERED_BYTES },
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
});
after(async () => {
  await bridge?.close();
  server?.close();
});

describe("connections the bridge lets go", { timeout: 180_000 }, () => {
  it("a page that stops answering pings is disconnected, and its run ends with it", async () => {
    const silent = new WebSocket(`${url.replace("http", "ws")}/ws`, { origin: url, autoPong: false });
    const pids: number[] = [];
    silent.on("message", (data) => {
      const message = JSON.parse(String(data));
      if (message.type === "events") for (const event of message.events) if (event.kind === "spawn") pids.push(event.pid);
    });
    await once(silent, "open");
    silent.send(JSON.stringify({ type: "run", requestId: "q1", demo: "req-rep" }));
    const [code] = (await once(silent, "close")) as [number];
    assert.equal(code, 1006, "dropped without a closing handshake, as a dead peer is");
    assert.ok(pids.length >= 1, "the run had started a process");
    assert.deepEqual(await waitForExit(pids), [], "no demo process is left");
    const deadline = Date.now() + 10_000;
    while (bridge.liveRuns > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(bridge.liveProcesses, 0, "the bridge's account of processes is back to zero");
  });

  it("a page that answers pings stays connected", async () => {
    const page = await BridgeClient.open(url);
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 4));
    assert.ok(page.isOpen);
    await page.close();
  });

  it("a page that does not read its events is disconnected before they pile up, and its run ends", async (t) => {
    const page = await BridgeClient.open(url);
    const answer = await page.run("req-rep", { interval: 0, work: 0 });
    assert.equal(answer.type, "started");
    await page.waitForEvents(
      answer.type === "started" ? answer.runId : "",
      (events) => events.filter((event) => event.kind === "spawn").length === 2,
    );
    const pids = page.pids();
    // Stop reading, as a frozen tab would; the demo runs flat out meanwhile. A paused socket
    // cannot see its own close, so the bridge's side is what is watched.
    const tcp = (page.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    assert.deepEqual(await waitForExit(pids, 30_000), [], "the bridge let the page go and ended its run");
    tcp.resume();
    assert.equal(await page.closed, 1006, "dropped, not closed politely: it was not reading");
    t.diagnostic(`disconnected once more than ${MAX_BUFFERED_BYTES / 1024} KB of events waited unread; processes left: 0`);
  });

  it(`past ${CONNECTIONS} of the presenter's pages, one more is closed with 1013 and why, and the others are kept`, async () => {
    const pages = await Promise.all(Array.from({ length: CONNECTIONS }, () => BridgeClient.open(url)));
    const extra = new WebSocket(`${url.replace("http", "ws")}/ws`, { origin: url });
    const [code, reason] = (await once(extra, "close")) as [number, Buffer];
    assert.equal(code, 1013, "try again later");
    assert.match(String(reason), new RegExp(`has ${CONNECTIONS} pages on the bridge, its most`));
    assert.ok(pages.every((page) => page.isOpen));
    await pages[0]!.close();
    // The bridge counts the page gone once its side of the connection has closed too.
    let welcomed = false;
    for (let tries = 0; !welcomed && tries < 50; tries++) {
      const socket = new WebSocket(`${url.replace("http", "ws")}/ws`, { origin: url });
      welcomed = await Promise.race([
        once(socket, "message").then(([data]) => JSON.parse(String(data)).type === "hello"),
        once(socket, "close").then(() => false),
      ]);
      socket.close();
      if (!welcomed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(welcomed, "a place freed is taken");
    await Promise.all(pages.slice(1).map((page) => page.close()));
  });
});
