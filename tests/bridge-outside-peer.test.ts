/**
 * A peer on the network cannot swamp a shared run through its open endpoints. While the
 * presenter runs Request/Reply on a deck shared on every interface, a DEALER from another
 * address of this machine (to the bridge, another machine) sends the REP server a message of
 * 100,000 frames, one of 300 KB, and one of 32 MB. The server refuses each, says so in its
 * output, and answers on; neither it nor the bridge grows, the presenter's page is sent no
 * huge frame and stays connected, and the run goes on and ends leaving nothing behind.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type * as ZeroMQ from "zeromq";
import { MAX_FRAME_BYTES, MAX_FRAMES_PER_MESSAGE, MAX_MESSAGE_BYTES } from "../demos/lib/zmq.js";
import type { RunEvent } from "../protocol/messages.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { otherLocalAddress } from "./helpers/network.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { listeningPorts, rssMb, waitForExit } from "../harness/processes.js";

const zmq: typeof ZeroMQ = createRequire(import.meta.url)("zeromq");
const elsewhere = otherLocalAddress();

let bridge: RunningBridge;
before(async () => {
  bridge = await startBridge(["--share"]);
});
after(async () => {
  await bridge?.stop();
});

describe("an outside peer's oversized messages", {
  timeout: 120_000,
  skip: elsewhere === undefined && "this machine has no address but loopback",
}, () => {
  it("are refused by the run's REP server, which says so and answers on; neither the bridge nor the presenter's page is flooded, and the run goes on", async (t) => {
    const page = await BridgeClient.open(bridge.url);
    let largestFrame = 0;
    page.socket.on("message", (data: Buffer) => (largestFrame = Math.max(largestFrame, data.length)));
    const started = await page.run("req-rep", { interval: 20, work: 0 });
    assert.equal(started.type, "started", JSON.stringify(started));
    const runId = started.type === "started" ? started.runId : "";
    const events = () => page.events(runId);
    const delivered = () => events().filter((event) => event.kind === "deliver").length;
    await page.waitForEvents(runId, () => delivered() >= 3);
    const spawned = (role: string) =>
      events().find((event): event is Extract<RunEvent, { kind: "spawn" }> => event.kind === "spawn" && event.role === role)!;
    const server = spawned("server");
    const bound = events().find(
      (event): event is Extract<RunEvent, { kind: "bound" }> => event.kind === "bound" && event.node === server.node,
    )!;
    const port = Number(/:(\d+)$/.exec(bound.endpoint)![1]);
    const rssBefore = { bridge: rssMb(bridge.process.pid!), server: rssMb(server.pid) };

    // From another address, as a machine on the network would.
    const outsider = new zmq.Dealer({ linger: 0, receiveTimeout: 10_000 });
    outsider.connect(`tcp://${elsewhere}:0;${elsewhere}:${port}`);
    const replies: Buffer[][] = [];
    const rssAroundHuge: number[] = [];
    try {
      await outsider.send(["", ...Array.from({ length: 100_000 }, () => "x")]);
      replies.push(await outsider.receive());
      await outsider.send(["", Buffer.alloc(300 * 1024, "y")]);
      replies.push(await outsider.receive());
      // Over libzmq's cap on a frame: the server's libzmq drops the outsider before holding it.
      rssAroundHuge.push(rssMb(server.pid));
      await outsider.send(["", Buffer.alloc(32 * 1024 * 1024, "z")]);
      await sleep(1000);
      rssAroundHuge.push(rssMb(server.pid));
    } finally {
      outsider.close();
    }
    assert.deepEqual(
      replies.map((reply) => reply.map((frame) => frame.length)),
      [
        [0, 0],
        [0, 0],
      ],
      "each refused request is answered with an empty reply, so the REP can go on",
    );

    const deliveredThen = delivered();
    await page.waitForEvents(runId, () => delivered() >= deliveredThen + 10);
    const rssAfter = { bridge: rssMb(bridge.process.pid!), server: rssMb(server.pid) };
    const output = page.events(runId).flatMap((event) => (event.kind === "log" && event.node === server.node ? [event.text] : []));
    assert.ok(
      output.includes(`Refused a message of 100000 frames from a peer (at most ${MAX_FRAMES_PER_MESSAGE} frames a message)`),
      output.join("\n"),
    );
    assert.ok(
      output.includes(`Refused a message of ${300 * 1024} bytes from a peer (at most ${MAX_MESSAGE_BYTES} bytes a message)`),
      output.join("\n"),
    );
    const refusals = events().filter((event) => event.kind === "error" && event.node === server.node && event.code === "EMSGSIZE");
    assert.equal(refusals.length, 2, "each refusal is reported as an EMSGSIZE error of the server");
    assert.ok(page.isOpen, "the presenter's page is still connected");
    assert.ok(!page.messages.some((message) => message.type === "stopped"), "the run goes on");
    assert.ok(largestFrame < 64 * 1024, `no frame to the page over 64 KB (largest ${largestFrame} bytes)`);
    // libzmq holds a multipart message whole before any of it can be read (100,000 frames cost
    // the server some tens of MB for a moment); a frame over its cap it never holds.
    assert.ok(
      rssAroundHuge[1]! < rssAroundHuge[0]! + (2 * MAX_FRAME_BYTES) / 1e6,
      `the server did not take in the 32 MB frame (${rssAroundHuge.join(" → ")} MB)`,
    );
    assert.ok(rssAfter.bridge < rssBefore.bridge + 30, `the bridge holds none of it (${rssBefore.bridge} → ${rssAfter.bridge} MB)`);

    const pids = page.pids();
    page.stop(runId);
    await page.stopped(runId);
    await page.close();
    assert.deepEqual(await waitForExit(pids), [], "no demo process is left");
    for (let tries = 0; tries < 100 && listeningPorts([port]).length > 0; tries++) await sleep(20);
    assert.deepEqual(listeningPorts([port]), [], "no demo port is left open");
    t.diagnostic(
      `from ${elsewhere}: 100,000 frames → refused, empty reply; 300 KB → refused, empty reply; 32 MB → dropped by libzmq (server RSS ${rssAroundHuge.join(" → ")} MB across it); ` +
        `server RSS ${rssBefore.server} → ${rssAfter.server} MB, bridge RSS ${rssBefore.bridge} → ${rssAfter.bridge} MB, largest frame to the page ${largestFrame} bytes; run went on, nothing left`,
    );
  });
});
