/**
 * Two busy workers killed a moment apart at 1,000 tasks a second: each lost task is laid at the
 * door of the one that held it, where the order ZeroMQ guarantees says which (a killed worker
 * that printed a task sent after it did not hold it), and at no one's where it cannot — checked
 * against what every process printed, five runs over, since what a kill catches depends on timing.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { EVERY_MESSAGE_REPORTED, checkAgainstPrinted, killWorkers } from "./helpers/kill-scenarios.js";
import { BridgeClient } from "../harness/bridge-client.js";

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

describe("two busy workers killed", () => {
  it(`two killed a moment apart: each lost task is laid at the door of the one that held it, where the order says which (${ROUNDS} runs)`, async () => {
    const blamed = { first: 0, second: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      // Work makes the tasks queue: each worker takes fewer than the ventilator sends it.
      const { events, victims } = await killWorkers(client, { workers: 4, work: 2, tasks: 2000 }, 2, 30, 100);
      for (const event of checkAgainstPrinted(events, 4, victims)) {
        if (event.to === victims[0]) blamed.first += 1;
        if (event.to === victims[1]) blamed.second += 1;
      }
    }
    assert.ok(
      blamed.first > 0 && blamed.second > 0,
      `both held tasks when killed, and their losses are laid at their doors: ${JSON.stringify(blamed)}`,
    );
  });
});
