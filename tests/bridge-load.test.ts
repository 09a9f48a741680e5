/**
 * Load: 20 pages ask the real bridge for a run at the same moment, over loopback. Each is
 * served or cleanly refused at the bridge's cap, and every served run's counts are exact: what
 * the pages were told each process sent and received equals what each process itself reported
 * and printed as it ended.
 */
import { defaultParams } from "../protocol/manifest.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEFAULT_LIMITS, processesOf } from "../server/limits.js";
import { reqRep } from "../protocol/demos/req-rep/manifest.js";
import type { RunEvent } from "../protocol/messages.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { demoProcessesOf, waitForExit } from "../harness/processes.js";

const CLIENTS = 20;
/** Round trips each served run makes before its page stops it. */
const ROUND_TRIPS = 50;

let bridge: RunningBridge;
before(async () => {
  bridge = await startBridge();
});
after(async () => {
  await bridge?.stop();
});

interface NodeCounts {
  sendEvents: number;
  recvEvents: number;
  tally?: { sent: number; received: number };
  printed?: { sent: number; received: number };
}

/** Per node of one run: the send and receive events the page got, and the totals the process reported and printed. */
function countsByNode(events: RunEvent[]): Map<string, NodeCounts> {
  const nodes = new Map<string, NodeCounts>();
  const of = (node: string) => nodes.get(node) ?? nodes.set(node, { sendEvents: 0, recvEvents: 0 }).get(node)!;
  for (const event of events) {
    if (event.kind === "send") of(event.node).sendEvents += 1;
    else if (event.kind === "recv") of(event.node).recvEvents += 1;
    else if (event.kind === "tally") of(event.node).tally = { sent: event.sent, received: event.received };
    else if (event.kind === "log") {
      const printed = /^sent (\d+), received (\d+)$/.exec(event.text);
      if (printed) of(event.node).printed = { sent: Number(printed[1]), received: Number(printed[2]) };
    }
  }
  return nodes;
}

describe("load", { timeout: 180_000 }, () => {
  it(`${CLIENTS} pages running a demo at once: each served or cleanly refused at the cap, every count exact`, async (t) => {
    const pages = await Promise.all(Array.from({ length: CLIENTS }, () => BridgeClient.open(bridge.url)));
    const answers = await Promise.all(pages.map((page) => page.run("req-rep", { interval: 10, work: 0 })));

    const capacity = Math.min(
      CLIENTS,
      DEFAULT_LIMITS.runsTotal,
      Math.floor(DEFAULT_LIMITS.processesTotal / processesOf(reqRep, defaultParams(reqRep))),
    );
    const served = pages.filter((_, index) => answers[index]!.type === "started");
    const refused = answers.filter((answer) => answer.type === "error");
    assert.equal(served.length, capacity, "served up to the cap");
    assert.equal(refused.length, CLIENTS - capacity, "the rest refused");
    for (const answer of refused) {
      assert.ok(
        answer.type === "error" && (answer.code === "too-many-runs" || answer.code === "too-many-processes"),
        JSON.stringify(answer),
      );
      assert.match(answer.type === "error" ? answer.message : "", /bridge/);
    }
    assert.ok(demoProcessesOf(bridge.process.pid!).length <= DEFAULT_LIMITS.processesTotal);

    const runIds = served.map((page) => {
      const answer = answers[pages.indexOf(page)]!;
      return answer.type === "started" ? answer.runId : "";
    });
    // Every served run makes its round trips, then its page stops it.
    await Promise.all(
      served.map(async (page, index) => {
        const runId = runIds[index]!;
        await page.waitForEvents(
          runId,
          (events) => events.filter((event) => event.kind === "recv" && event.node === "client-1").length >= ROUND_TRIPS,
          60_000,
        );
        page.stop(runId);
        assert.equal(await page.stopped(runId, 30_000), "requested");
      }),
    );

    let messagesCounted = 0;
    let mismatches = 0;
    served.forEach((page, index) => {
      const events = page.events(runIds[index]!);
      const nodes = countsByNode(events);
      assert.deepEqual([...nodes.keys()].sort(), ["client-1", "server-1"]);
      for (const [node, counts] of nodes) {
        assert.ok(counts.tally, `${node} reported its totals`);
        assert.ok(counts.printed, `${node} printed its totals`);
        const seen = { sent: counts.sendEvents, received: counts.recvEvents };
        if (JSON.stringify(seen) !== JSON.stringify(counts.tally)) mismatches += 1;
        assert.deepEqual(seen, counts.tally, `${runIds[index]} ${node}: events seen equal the process's own tally`);
        assert.deepEqual(counts.printed, counts.tally, `${runIds[index]} ${node}: the printed line equals the tally`);
        messagesCounted += counts.sendEvents + counts.recvEvents;
      }
      // Each message received was matched with the send it came from: none invented, none lost in the matcher.
      const deliveries = events.filter((event) => event.kind === "deliver").length;
      assert.equal(
        deliveries,
        [...nodes.values()].reduce((total, counts) => total + counts.recvEvents, 0),
      );
    });

    // A refused page is not stuck: once the others have finished, it is served.
    const retried = pages.filter((_, index) => answers[index]!.type === "error");
    const retries = await Promise.all(retried.map((page) => page.run("req-rep", { interval: 10, work: 0 })));
    assert.ok(
      retries.every((answer) => answer.type === "started"),
      JSON.stringify(retries.filter((answer) => answer.type !== "started")),
    );

    await Promise.all(pages.map((page) => page.close()));
    const pids = pages.flatMap((page) => page.pids());
    const left = await waitForExit(pids, 15_000);
    assert.deepEqual(left, []);
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), []);
    t.diagnostic(
      `${CLIENTS} clients: ${served.length} served, ${refused.length} refused at the cap (${DEFAULT_LIMITS.runsTotal} runs / ${DEFAULT_LIMITS.processesTotal} processes), ${retries.length} served on retry; ` +
        `${messagesCounted} send/recv events checked against the processes' tallies, mismatches ${mismatches}; processes left: ${left.length}`,
    );
  });
});
