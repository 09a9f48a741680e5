/**
 * What a presenter does on stage — kill a busy process — and what the diagram says about it,
 * checked against what the processes printed: real processes at 1,000 messages a second through
 * the real bridge, each scenario five times over, since what a kill catches depends on timing.
 * Whatever a process printed as received is counted received and never called lost; every loss
 * is a message no process printed; what a killed process held is lost, and laid at its door.
 * (Two killed at once: blame.e2e.test.ts.)
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { DeliverEvent } from "../protocol/messages.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { EVERY_MESSAGE_REPORTED, checkAgainstPrinted, exitOf, kill, killWorkers } from "./helpers/kill-scenarios.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { counted, frameText, losses } from "./helpers/run-facts.js";

let bridge: RunningBridge;
let client: BridgeClient;

before(async () => {
  bridge = await startBridge([], { env: EVERY_MESSAGE_REPORTED });
});
beforeEach(async () => {
  client = await BridgeClient.open(bridge.url);
});
afterEach(() => client?.close());
after(async () => {
  await bridge?.stop();
});

const ROUNDS = 5;

describe("a busy worker killed", () => {
  it(`at 1,000 tasks a second: what it printed is counted and never lost, what it held is lost with it (${ROUNDS} runs)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const { events, victims } = await killWorkers(client, { workers: 3, work: 0, tasks: 4000 }, 1, 50, 0);
      const lost = checkAgainstPrinted(events, 3, victims);
      assert.ok(
        lost.every((event) => event.to === victims[0]),
        "one worker killed: every loss is its",
      );
    }
  });
});

describe("a busy subscriber killed", () => {
  it(`what it had received is counted and never lost; what it wanted and had not yet taken is lost with it (${ROUNDS} runs)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // subscriber-1 takes everything, and works on each: messages queue for it (the slow
      // subscriber's demo, with a queue long enough that none is dropped before the kill).
      const runId = await client.start("slow-subscriber", { subscribers: 2, rate: 1000, work: 5, hwm: 1000, size: 0 });
      const printed = () => client.output("subscriber-1").filter((line) => line.startsWith("["));
      await client.waitUntil(() => printed().length >= 40, 30_000, "subscriber-1 at work");
      await kill(client, runId, "subscriber-1");
      await client.waitUntil(() => exitOf(client.events(), "subscriber-1") !== undefined, 10_000, "the kill");
      const death = exitOf(client.events(), "subscriber-1")!.t;
      // Settled once the publisher has been heard past the subscriber's end.
      await client.waitUntil(
        () => client.events().some((event) => event.kind === "send" && event.node === "publisher-1" && event.t > death + 200),
        10_000,
        "the publisher past the kill",
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await client.stop(runId);

      const events = client.events();
      const took = new Set(printed().map((line) => line.slice(line.indexOf("] ") + 2)));
      const received = counted(events, "subscriber-1", "recv");
      assert.ok(received === took.size || received === took.size + 1, `subscriber-1 counted ${received} received and printed ${took.size}`);
      const lostForIt = losses(events).filter((event) => event.to === "subscriber-1");
      assert.deepEqual(
        lostForIt.filter((event) => took.has(frameText(event, 1))).map((event) => frameText(event, 1)),
        [],
        "nothing it printed is called lost",
      );
      // Everything published after the last message it printed and before it died, it wanted (it took everything).
      const last = events.filter((event): event is DeliverEvent => event.kind === "deliver" && event.node === "subscriber-1").at(-1)!;
      const wanted = events
        .filter((event) => event.kind === "send" && event.node === "publisher-1" && event.seq > last.sendSeq && event.t < death)
        .map((event) => frameText(event, 1));
      const declared = new Set(lostForIt.map((event) => frameText(event, 1)));
      assert.ok(wanted.length > 0, "it was killed holding messages");
      assert.deepEqual(
        wanted.filter((message) => !declared.has(message) && !took.has(message)),
        [],
        "every message it wanted and never took is declared lost for it",
      );
    }
  });
});
