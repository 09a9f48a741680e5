/**
 * Runs too busy to report every message one by one count them in flows; their losses are then
 * settled by counting, edge by edge, once an edge has gone quiet: sent, less received, less
 * already settled. Real processes through the real bridge, checked against what they printed.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { CountedEdgeEvent, LostCountEvent, RunEvent } from "../protocol/messages.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { exitOf, kill } from "./helpers/kill-scenarios.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { counted, losses, printedNumbers } from "./helpers/run-facts.js";

let bridge: RunningBridge;
let client: BridgeClient;

before(async () => {
  // 200 messages a second one by one per socket: a ventilator at 1,000 counts the rest, while a
  // worker that takes 100 a second reports each of its (so a kill leaves its counts exact).
  bridge = await startBridge([], { env: { ZMQ_DETAILS_PER_SECOND: "200" } });
});
beforeEach(async () => {
  client = await BridgeClient.open(bridge.url);
});
afterEach(() => client?.close());
after(async () => {
  await bridge?.stop();
});

const countVerdicts = (events: readonly RunEvent[]) => events.filter((event): event is LostCountEvent => event.kind === "lost-count");
const settledEdges = (events: readonly RunEvent[], node: string) =>
  events.filter((event): event is CountedEdgeEvent => event.kind === "counted-edge" && event.node === node && event.settled);

describe("an edge counted in flows", () => {
  it("a worker killed while its ventilator counts: once the edge is quiet, exactly the tasks no worker printed (or the killed one received) are declared lost at the ventilator (5 runs)", async () => {
    for (let round = 1; round <= 5; round++) {
      const tasks = 1500;
      const workers = ["worker-1", "worker-2", "worker-3", "worker-4"];
      const runId = await client.start("push-pull", { workers: 4, rate: 1000, work: 10, tasks });
      const printed = (node: string) => printedNumbers(client.events(), node, /^Working on task (\d+)/);
      await client.waitUntil(() => workers.filter((node) => printed(node).length >= 20).length >= 2, 60_000, "workers at work");
      const victim = workers.find((node) => printed(node).length >= 20)!;
      await kill(client, runId, victim);
      await client.waitUntil(() => exitOf(client.events(), victim) !== undefined, 10_000, "the kill");
      // Settled once every task is sent, the live workers have taken what they held, and all is quiet.
      await client.waitUntil(
        () =>
          settledEdges(client.events(), "ventilator-1").some((event) => event.t > exitOf(client.events(), victim)!.t) &&
          printedNumbers(client.events(), "ventilator-1", /^Sent task (\d+)/).length === tasks,
        90_000,
        "the edge settled by counting",
      );
      await client.stop(runId);

      const events = client.events();
      assert.ok(
        events.some((event) => event.kind === "flow" && event.node === "ventilator-1"),
        "the ventilator counted its tasks in flows",
      );
      for (const node of workers) {
        const received = counted(events, node, "recv");
        const lines = printed(node).length;
        assert.ok(
          received === lines || (node === victim && received === lines + 1),
          `${node} counted ${received} received and printed ${lines}`,
        );
      }
      const everyPrinted = new Set(workers.flatMap(printed));
      // A kill can land after the victim reported a receive and before it printed the task:
      // that task was delivered, neither printed nor lost.
      const receivedUnprinted = counted(events, victim, "recv") - printed(victim).length;
      const unprinted = tasks - everyPrinted.size - receivedUnprinted;
      const verdicts = countVerdicts(events);
      assert.ok(
        verdicts.every((verdict) => verdict.node === "ventilator-1" && verdict.as === "sender" && verdict.reason === "receiver-gone"),
        JSON.stringify(verdicts),
      );
      const byCount = verdicts.reduce((total, verdict) => total + verdict.count, 0);
      const oneByOne = losses(events).filter((event) => event.node === "ventilator-1").length;
      assert.equal(byCount + oneByOne, unprinted, "lost: exactly as many tasks as no worker printed or the killed one received");
      assert.deepEqual(
        events.filter((event) => event.kind === "unknown"),
        [],
        "no fate left unknown",
      );
    }
  });
});

describe("the distributed adder, busy", () => {
  it("20,000 numbers in sub-arrays of 1 with 16 workers, wait off: the sink gets every result and prints the total, and the counts say so", async () => {
    const length = 20_000;
    const runId = await client.start("dist-adder", { length, size: 1, workers: 16, wait: 0 });
    await client.waitUntil(() => client.output("sink-1").some((line) => line.startsWith("Total:")), 120_000, "the sink's total");
    await client.waitUntil(() => settledEdges(client.events(), "sink-1").length > 0, 30_000, "the results edge settled by counting");
    await client.stop(runId);
    const events = client.events();
    assert.equal(
      client.output("sink-1").find((line) => line.startsWith("Total:")),
      `Total: ${(length * (length - 1)) / 2} (${length} sub-arrays)`,
    );
    const workers = Array.from({ length: 16 }, (_, index) => `worker-${index + 1}`);
    assert.equal(counted(events, "sink-1", "recv"), length, "the sink counted every result");
    assert.equal(
      workers.reduce((total, node) => total + counted(events, node, "send"), 0),
      length,
      "the workers counted as many sent",
    );
    assert.deepEqual(
      events.filter((event) => event.kind === "lost" || event.kind === "lost-count" || event.kind === "unknown"),
      [],
      "nothing lost, nothing unknown",
    );
  });
});
