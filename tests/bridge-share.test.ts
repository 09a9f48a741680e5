/**
 * A shared deck, end to end: started with --share on 127.0.0.1, it prints a viewers' link with
 * a token; pages holding it may watch the presenter's runs and nothing more. Shared on every
 * interface, a crowd from elsewhere (simulated by connecting from another address of this
 * machine) cannot lock the presenter out.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { once } from "node:events";
import type { RunEvent, ServerMessage } from "../protocol/messages.js";
import { DEFAULT_LIMITS } from "../server/limits.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { otherLocalAddress } from "./helpers/network.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { demoProcessesOf, rssMb, waitForExit } from "../harness/processes.js";
import { type Socket, connect } from "node:net";
import { sendRaw } from "./helpers/raw-http.js";
import { assertStillServing } from "./helpers/still-serving.js";

let bridge: RunningBridge;
let token: string;
before(async () => {
  bridge = await startBridge(["--share", "--host", "127.0.0.1"]);
  // The link is printed just after the line startBridge waits for.
  for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(bridge.output()); tries++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  token = /\?token=([\w-]+)/.exec(bridge.output())?.[1] ?? "";
});
after(async () => {
  await bridge?.stop();
});

function runIdOf(answer: ServerMessage): string {
  assert.equal(answer.type, "started", JSON.stringify(answer));
  return answer.type === "started" ? answer.runId : "";
}

/** The events that describe what happened, without the per-connection batching. */
const story = (events: RunEvent[]) => events.map((event) => `${event.kind} ${event.node}`);

describe("sharing the deck", { timeout: 180_000 }, () => {
  it("prints a viewers' link holding a fresh token", () => {
    assert.match(bridge.output(), new RegExp(`http://127\\.0\\.0\\.1:${bridge.port}/\\?token=${token}`));
    assert.ok(token.length >= 22);
  });

  it("a page with the token is a viewer: running and stopping are refused as read-only, and nothing starts", async () => {
    const viewer = await BridgeClient.open(bridge.url, { token });
    assert.ok(viewer.messages[0]?.type === "hello" && viewer.messages[0].role === "viewer");
    const refused = await viewer.run("req-rep");
    assert.ok(refused.type === "error" && refused.code === "read-only", JSON.stringify(refused));
    const requestId = viewer.newRequestId();
    viewer.send({ type: "stop", requestId, runId: "run-1" });
    const stop = await viewer.waitFor((message) => message.type === "error" && message.requestId === requestId);
    assert.ok(stop.type === "error" && stop.code === "read-only");
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    await viewer.close();
  });

  it("a wrong token is refused before any WebSocket opens", async () => {
    const socket = new WebSocket(`${bridge.url.replace("http", "ws")}/ws?token=${token.slice(1)}x`, { origin: bridge.url });
    const [, response] = (await once(socket, "unexpected-response")) as [unknown, { statusCode: number }];
    assert.equal(response.statusCode, 401);
  });

  it("the presenter's page on this machine runs demos, and they bind only where the deck listens", async () => {
    const presenter = await BridgeClient.open(bridge.url);
    assert.ok(presenter.messages[0]?.type === "hello" && presenter.messages[0].role === "presenter");
    const runId = runIdOf(await presenter.run("req-rep", { interval: 20, work: 0 }));
    await presenter.waitForEvents(runId, (events) => events.some((event) => event.kind === "bound"));
    const bound = presenter.events(runId).find((event) => event.kind === "bound");
    assert.match(bound?.kind === "bound" ? bound.endpoint : "", /^tcp:\/\/127\.0\.0\.1:\d+$/);
    presenter.stop(runId);
    await presenter.stopped(runId);
    await presenter.close();
  });

  it("a viewer watching a demo sees the presenter's run as the presenter does, from start to stop", async () => {
    const viewer = await BridgeClient.open(bridge.url, { token });
    viewer.send({ type: "watch", requestId: "w1", demo: "req-rep" });
    await viewer.waitFor((message) => message.type === "watching" && message.requestId === "w1");

    const presenter = await BridgeClient.open(bridge.url);
    const runId = runIdOf(await presenter.run("req-rep", { interval: 20, work: 0 }));
    const shown = await viewer.waitFor((message) => message.type === "started" && message.runId === runId);
    assert.ok(shown.type === "started" && shown.requestId === "w1" && shown.demo === "req-rep");
    await presenter.waitForEvents(runId, (events) => events.filter((event) => event.kind === "deliver").length >= 5);
    presenter.stop(runId);
    await presenter.stopped(runId);
    assert.equal(await viewer.stopped(runId), "requested");
    assert.deepEqual(story(viewer.events(runId)), story(presenter.events(runId)), "the viewer saw every event the presenter saw, in order");

    // A viewer arriving mid-run is shown the run and its processes.
    const second = runIdOf(await presenter.run("req-rep", { interval: 20, work: 0 }));
    await presenter.waitForEvents(second, (events) => events.filter((event) => event.kind === "spawn").length === 2);
    const late = await BridgeClient.open(bridge.url, { token });
    late.send({ type: "watch", requestId: "w2", demo: "req-rep" });
    await late.waitForEvents(second, (events) => events.filter((event) => event.kind === "spawn").length === 2);
    await presenter.close();
    assert.equal(await late.stopped(second), "connection-closed");
    await waitForExit(presenter.pids());
    await viewer.close();
    await late.close();
  });
});

/** The viewers' token a bridge started with --share printed. */
async function tokenOf(shared: RunningBridge): Promise<string> {
  for (let tries = 0; tries < 100 && !/\?token=[\w-]+\n/.test(shared.output()); tries++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return /\?token=([\w-]+)/.exec(shared.output())?.[1] ?? "";
}

/** Opens a WebSocket as a viewer from `localAddress`; resolves with its page once welcomed, or with how it was turned away. */
function openViewer(
  url: string,
  token: string,
  localAddress: string,
): Promise<{ page?: BridgeClient; closed?: { code: number; reason: string } }> {
  const socket = new WebSocket(`${url.replace("http", "ws")}/ws?token=${token}`, { origin: url, localAddress });
  return new Promise((resolve) => {
    socket.once("message", () => {
      socket.terminate();
      resolve({});
    });
    socket.once("close", (code, reason) => resolve({ closed: { code, reason: String(reason) } }));
  });
}

const elsewhere = otherLocalAddress();

describe("a full room cannot lock the presenter out", {
  timeout: 180_000,
  skip: elsewhere === undefined && "this machine has no address but loopback",
}, () => {
  let room: RunningBridge;
  let roomToken: string;
  let lanUrl: string;
  before(async () => {
    room = await startBridge(["--share"]);
    roomToken = await tokenOf(room);
    lanUrl = `http://${elsewhere}:${room.port}`;
  });
  after(async () => {
    await room?.stop();
  });

  it(`with all ${DEFAULT_LIMITS.viewerConnections} viewers' places taken, one more viewer is told the room is full; the presenter's tabs still connect and run`, async (t) => {
    const before = rssMb(room.process.pid!);
    const viewers = await Promise.all(
      Array.from({ length: DEFAULT_LIMITS.viewerConnections }, () =>
        BridgeClient.open(lanUrl, { token: roomToken, localAddress: elsewhere }),
      ),
    );
    assert.ok(viewers.every((viewer) => viewer.messages[0]?.type === "hello" && viewer.messages[0].role === "viewer"));
    const turnedAway = await openViewer(lanUrl, roomToken, elsewhere!);
    assert.equal(turnedAway.closed?.code, 1013, "try again later");
    assert.match(turnedAway.closed?.reason ?? "", new RegExp(`has ${DEFAULT_LIMITS.viewerConnections} viewers, its most`));

    // The presenter's reload and second tab, and a run.
    const tabs = [await BridgeClient.open(room.url), await BridgeClient.open(room.url)];
    assert.ok(tabs.every((tab) => tab.messages[0]?.type === "hello" && tab.messages[0].role === "presenter"));
    await assertStillServing(room);
    const rssAfter = rssMb(room.process.pid!);

    // A place freed is a viewer's again.
    await viewers.pop()!.close();
    let welcomed = false;
    for (let tries = 0; !welcomed && tries < 50; tries++) {
      welcomed = (await openViewer(lanUrl, roomToken, elsewhere!)).closed === undefined;
      if (!welcomed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(welcomed, "a viewer gets the place another left");
    await Promise.all([...viewers, ...tabs].map((page) => page.close()));
    t.diagnostic(
      `${DEFAULT_LIMITS.viewerConnections} viewers from ${elsewhere}; one more closed 1013 "${turnedAway.closed?.reason}"; presenter: 2 tabs + a run; bridge RSS ${before} → ${rssAfter} MB`,
    );
  });

  it("past the connections kept for others, one more from elsewhere gets 503 before its request is read; the presenter's page still loads and runs", async (t) => {
    const before = rssMb(room.process.pid!);
    const room4Others = DEFAULT_LIMITS.httpConnections - DEFAULT_LIMITS.httpConnectionsKeptForThisMachine;
    const held: Socket[] = [];
    try {
      for (let i = 0; i < room4Others; i++) {
        const socket = connect({ port: room.port, host: elsewhere, localAddress: elsewhere });
        socket.on("error", () => {});
        held.push(socket);
        await once(socket, "connect");
      }
      // Accepted in the order they came: when this one is looked at, all the others are counted.
      const extra = await sendRaw(room.port, `GET / HTTP/1.1\r\nHost: ${elsewhere}:${room.port}\r\n\r\n`, {
        host: elsewhere!,
        localAddress: elsewhere!,
        timeoutMs: 5000,
      });
      assert.equal(extra.status, 503);
      await assertStillServing(room);
      const rssAfter = rssMb(room.process.pid!);
      t.diagnostic(
        `${room4Others} connections held from ${elsewhere}; the next → ${extra.status}; the presenter's page loaded and ran; bridge RSS ${before} → ${rssAfter} MB`,
      );
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});

describe("shared on a loopback address other than 127.0.0.1", { timeout: 60_000 }, () => {
  it("--share --host 127.0.0.2 still listens on 127.0.0.1 for the presenter, and viewers watch at 127.0.0.2", async (t) => {
    const own = await startBridge(["--share", "--host", "127.0.0.2"]);
    try {
      const before = rssMb(own.process.pid!);
      await assertStillServing(own);
      t.diagnostic(`the presenter's page at ${own.url} loaded and ran req-rep; bridge RSS ${before} → ${rssMb(own.process.pid!)} MB`);
      const viewer = await BridgeClient.open(`http://127.0.0.2:${own.port}`, { token: await tokenOf(own) });
      assert.ok(viewer.messages[0]?.type === "hello" && viewer.messages[0].role === "viewer");
      await viewer.close();
    } finally {
      await own.stop();
    }
  });
});
