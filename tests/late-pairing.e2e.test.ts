/**
 * A receive is paired with its send only once every peer that could have sent it has been
 * heard past it; until then its message is received, not lost. On a busy machine a process
 * still starting (or not scheduled for a second) keeps its neighbours' receives waiting while
 * the receiver says it is idle: the STREAMER declared the first task of each producer lost
 * though it passed on every one. Real processes through the real bridge, checked against what
 * the workers printed.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { RunEvent } from "../protocol/messages.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { deliveries, frameText, linesByLife, losses } from "./helpers/run-facts.js";

let bridge: RunningBridge;
let client: BridgeClient;

before(async () => {
  bridge = await startBridge();
});
beforeEach(async () => {
  client = await BridgeClient.open(bridge.url, { origin: null });
});
afterEach(() => client?.close());
after(async () => {
  await bridge?.stop();
});

const ROUNDS = 5;
const WORKERS = ["worker-1", "worker-2", "worker-3"];

/** The tasks the workers printed ("Working on task 3 of producer-1" → "task 3 of producer-1"). */
function printedTasks(events: readonly RunEvent[]): string[] {
  return WORKERS.flatMap((node) => linesByLife(events, node).flat())
    .map((line) => /^Working on (task \d+ of producer-\d+)$/.exec(line)?.[1])
    .filter((task): task is string => task !== undefined);
}

describe("a receive paired late", () => {
  it(`STREAMER at its defaults with a producer held still a moment: no task a worker printed is declared lost, and each is drawn through the streamer (${ROUNDS} runs)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const runId = await client.start("streamer", {});
      await client.waitUntil(() => printedTasks(client.events()).length >= 2, 20_000, "the workers at work");
      // Held still, producer-2 is heard from by no one: every task the streamer takes meanwhile
      // (producer-1's) waits to be paired, as it may have been producer-2's, while the streamer
      // goes idle between tasks and producer-1 runs on.
      const producer2 = client.events().find((event) => event.kind === "spawn" && event.node === "producer-2") as { pid: number };
      process.kill(producer2.pid, "SIGSTOP");
      try {
        await sleep(1500);
      } finally {
        process.kill(producer2.pid, "SIGCONT");
      }
      const printedAtResume = printedTasks(client.events()).length;
      await client.waitUntil(() => printedTasks(client.events()).length >= printedAtResume + 4, 20_000, "tasks printed after the pause");
      // Long enough for a verdict on what was taken during the pause to have come.
      await sleep(1000);
      await client.stop(runId);

      const events = client.events();
      const printed = printedTasks(events);
      assert.ok(
        printed.some((task) => task.endsWith("producer-1")),
        `round ${round}: producer-1's tasks were printed`,
      );
      const lostButPrinted = losses(events).filter((event) => printed.includes(frameText(event)));
      assert.deepEqual(
        lostButPrinted.map((event) => `${frameText(event)} (${event.reason})`),
        [],
        `round ${round}: no task a worker printed is declared lost`,
      );
      const drawn = deliveries(events);
      const intoStreamer = new Set(
        drawn.filter((event) => event.node === "streamer-1" && event.from.startsWith("producer-")).map((event) => frameText(event)),
      );
      const toWorkers = new Set(
        drawn.filter((event) => WORKERS.includes(event.node) && event.from === "streamer-1").map((event) => frameText(event)),
      );
      assert.deepEqual(
        printed.filter((task) => !intoStreamer.has(task) || !toWorkers.has(task)),
        [],
        `round ${round}: every printed task is drawn from its producer into the streamer and on to a worker`,
      );
    }
  });
});
