/**
 * Two busy workers killed at 1,000 tasks a second: each lost task is laid at the door of the one
 * that held it, where the order ZeroMQ guarantees says which, and at no one's where it cannot —
 * checked against what every process printed, several runs over, since what a kill catches
 * depends on timing. A moment apart (0.1 s), a task sent after the first died may still have
 * gone into its pipe, so what the second held is often no one's to blame; far apart (1.2 s,
 * past the second a dead worker's pipe may take tasks), each held tasks that only it can have.
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

const ROUNDS = 3;

describe("two busy workers killed", () => {
  it(`two killed a moment apart: no lost task is laid at the door of a worker that cannot have held it (${ROUNDS} runs)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // Work makes the tasks queue: each worker takes fewer than the ventilator sends it.
      const { events, victims } = await killWorkers(client, { workers: 4, work: 2, tasks: 2000 }, 2, 30, 100);
      checkAgainstPrinted(events, 4, victims);
    }
  });

  it(`two killed 1.2 s apart: each one's lost tasks are laid at its door (${ROUNDS} runs)`, async (t) => {
    const blamed = { first: 0, second: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const { events, victims } = await killWorkers(client, { workers: 4, work: 2, tasks: 3000 }, 2, 30, 1200);
      for (const event of checkAgainstPrinted(events, 4, victims)) {
        if (event.to === victims[0]) blamed.first += 1;
        if (event.to === victims[1]) blamed.second += 1;
      }
    }
    t.diagnostic(`losses laid at the first's door ${blamed.first}, at the second's ${blamed.second}`);
    assert.ok(
      blamed.first > 0 && blamed.second > 0,
      `both held tasks when killed, and their losses are laid at their doors: ${JSON.stringify(blamed)}`,
    );
  });
});
