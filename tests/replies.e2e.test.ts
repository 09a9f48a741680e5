/**
 * Replies drawn from the request they answer, under a presenter's kills and with a learner's
 * own client joining: Request/Reply run as real processes through the real bridge, every
 * "World" alike, and the events checked against what the processes printed. A REP's reply goes
 * to whoever sent the request it received last, and a killed client's is never its successor's.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { python } from "./helpers/peers.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { boundBy, counted, deliveries, linesByLife, losses } from "./helpers/run-facts.js";

let bridge: RunningBridge;
let client: BridgeClient;

before(async () => {
  bridge = await startBridge();
});
beforeEach(async () => {
  client = await BridgeClient.open(bridge.url);
});
afterEach(() => client?.close());
after(async () => {
  await bridge?.stop();
});

/** The server's work on each request: a reply drawn from the wrong request shows at least this much latency. */
const WORK_MS = 300;
const KILLS = 5;

describe("replies under kills and restarts", () => {
  it(`a client killed while the server works on its request loses that reply, and its successor's replies are its own (${KILLS} times)`, async () => {
    const runId = await client.start("req-rep", { interval: 0, work: WORK_MS });
    const lives = () => client.events().filter((event) => event.kind === "spawn" && event.node === "client-1").length;
    for (let kill = 1; kill <= KILLS; kill++) {
      // A life that has had a reply: its next request is the one the server is working on.
      await client.waitUntil(
        () => (linesByLife(client.events(), "client-1").at(-1) ?? []).some((line) => line.startsWith("Received reply")),
        20_000,
        "a reply to this life",
      );
      const received = counted(client.events(), "server-1", "recv");
      await client.waitUntil(() => counted(client.events(), "server-1", "recv") > received, 20_000, "the server taking the next request");
      await new Promise((resolve) => setTimeout(resolve, WORK_MS / 3));
      assert.equal((await client.request({ type: "action", runId, action: "kill", node: "client-1" })).type, "acted");
      await client.waitUntil(
        () => client.events().filter((event) => event.kind === "exit" && event.node === "client-1").length === kill,
        10_000,
        "the kill",
      );
      assert.equal((await client.request({ type: "action", runId, action: "restart", node: "client-1" })).type, "acted");
      await client.waitUntil(() => lives() === kill + 1, 10_000, "the restart");
    }
    await client.waitUntil(
      () => (linesByLife(client.events(), "client-1").at(-1) ?? []).filter((line) => line.startsWith("Received reply")).length >= 2,
      20_000,
      "the last life's replies",
    );
    // Every reply the server sent before now has been settled: received, or lost with a life.
    await new Promise((resolve) => setTimeout(resolve, WORK_MS * 2));
    await client.stop(runId);

    const replies = deliveries(client.events()).filter((delivery) => delivery.node === "client-1");
    const printed = linesByLife(client.events(), "client-1")
      .flat()
      .filter((line) => line.startsWith("Received reply")).length;
    assert.equal(counted(client.events(), "client-1", "recv"), printed, "every reply a client printed is counted received");
    assert.equal(replies.length, printed, "and drawn to it");
    const late = replies.filter((delivery) => delivery.latencyMs >= WORK_MS / 2);
    assert.deepEqual(
      late.map((delivery) => delivery.latencyMs),
      [],
      "a reply takes a moment on loopback; one drawn from an earlier request would show the server's work",
    );
    const lost = losses(client.events());
    assert.deepEqual(
      lost.map((event) => [event.node, event.to, event.reason]),
      Array.from({ length: KILLS }, () => ["server-1", "client-1", "receiver-gone"]),
      "each killed client's reply is lost with it, once",
    );
    // Each killed life asked once more than it was answered: the reply it never printed is the lost one.
    for (const [life, lines] of linesByLife(client.events(), "client-1").slice(0, KILLS).entries()) {
      const asked = lines.filter((line) => line.startsWith("Sending request")).length;
      const answered = lines.filter((line) => line.startsWith("Received reply")).length;
      assert.equal(asked, answered + 1, `life ${life + 1} died waiting for its reply`);
    }
  });
});

describe("a client from outside the run", () => {
  it("a Python REQ client joining Request/Reply gets its replies without any being drawn to the run's client or called lost", async () => {
    const work = 60;
    const runId = await client.start("req-rep", { interval: 100, work });
    await client.waitUntil(() => counted(client.events(), "client-1", "recv") >= 2, 20_000, "the run's client at work");
    const peer = await python("req_client.py", [boundBy(client.events(), "server-1"), "20"]);
    assert.equal(peer.code, 0, peer.output);
    assert.equal(peer.output.match(/python got World/g)?.length, 20, peer.output);
    const after = counted(client.events(), "client-1", "recv");
    await client.waitUntil(
      () => counted(client.events(), "client-1", "recv") >= after + 3,
      20_000,
      "the run's client at work after the peer left",
    );
    await client.stop(runId);

    const replies = deliveries(client.events()).filter((delivery) => delivery.node === "client-1");
    const printed = linesByLife(client.events(), "client-1")
      .flat()
      .filter((line) => line.startsWith("Received reply")).length;
    assert.ok(replies.length <= printed, `no more replies drawn to client-1 (${replies.length}) than it printed (${printed})`);
    const late = replies.filter((delivery) => delivery.latencyMs >= work / 2);
    assert.deepEqual(
      late.map((delivery) => delivery.latencyMs),
      [],
      "none drawn from a request the server answered before (the Python client's)",
    );
    assert.deepEqual(losses(client.events()), [], "every reply was received: nothing is lost");
    // Each of the run's client's requests is drawn at most once: the Python client's are not taken for its.
    const requests = deliveries(client.events()).filter((delivery) => delivery.node === "server-1" && delivery.from === "client-1");
    assert.equal(new Set(requests.map((request) => request.sendSeq)).size, requests.length);
    assert.ok(requests.length <= counted(client.events(), "client-1", "send"));
  });
});
