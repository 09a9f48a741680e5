/**
 * What a presenter does on stage — kill a busy process — and what the diagram says about it,
 * checked against what the processes printed: real processes at 1,000 messages a second through
 * the real bridge, each scenario five times over, since what a kill catches depends on timing.
 * Whatever a process printed as received is counted received and never called lost; every loss
 * is a message no process printed; what a killed process held is lost, and laid at its door.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { DeliverEvent, RunEvent } from "../server/protocol.js";
import { type RunningBridge, startBridge } from "./helpers/bridge.js";
import { RunClient } from "./helpers/run-client.js";
import { counted, frameText, losses, printedNumbers } from "./helpers/run-facts.js";

let bridge: RunningBridge;
let client: RunClient;

before(async () => {
  // Every message reported one by one, even in a burst after a stall on this busy machine: what
  // is under test here is the judgement of each message (flows.e2e.test.ts tests counting).
  bridge = await startBridge([], { env: { ZMQ_DETAILS_PER_SECOND: "5000" } });
});
beforeEach(async () => {
  client = await RunClient.open(bridge.url);
});
afterEach(() => client?.close());
after(async () => {
  await bridge?.stop();
});

const ROUNDS = 5;

const exitOf = (events: readonly RunEvent[], node: string) => events.find((event) => event.kind === "exit" && event.node === node);
const taskOf = (event: RunEvent) => Number(/task (\d+)/.exec(frameText(event))?.[1]);

async function kill(runId: string, node: string): Promise<void> {
  assert.equal((await client.request({ type: "action", runId, action: "kill", node })).type, "acted");
}

/**
 * A Push/Pull run of `params.tasks` tasks at 1,000 a second in which `count` workers are killed
 * `apartMs` apart, chosen among those that have printed `before` tasks (on a busy machine a
 * worker may connect late, when every task has gone to the others); stopped once every task has
 * been printed by a worker or settled (the workers, slower than the ventilator on a busy machine,
 * catch up in the end). Returns the events and the workers killed.
 */
async function killWorkers(params: Record<string, number>, count: number, before: number, apartMs: number): Promise<{ events: RunEvent[]; victims: string[] }> {
  const tasks = params.tasks!;
  const workers = Array.from({ length: params.workers! }, (_, index) => `worker-${index + 1}`);
  const runId = await client.run("push-pull", { rate: 1000, ...params });
  const printed = (node: string) => printedNumbers(client.events, node, /^Working on task (\d+)/);
  const busy = () => workers.filter((node) => printed(node).length >= before);
  await client.waitUntil(() => busy().length > count, 60_000, "workers at work");
  const victims = busy().slice(0, count);
  for (const [index, node] of victims.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, apartMs));
    await kill(runId, node);
  }
  await client.waitUntil(() => victims.every((node) => exitOf(client.events, node)), 10_000, "the kills");
  const settled = () => client.events.filter((event) => event.kind === "lost" || event.kind === "unknown").map(taskOf);
  const accounted = () => new Set([...workers.flatMap(printed), ...settled()]).size;
  await client.waitUntil(() => accounted() === tasks, 90_000, "every task printed by a worker or settled");
  await client.stop(runId);
  return { events: client.events, victims };
}

/** The checks every kill scenario of Push/Pull shares; returns the losses. */
function checkAgainstPrinted(events: RunEvent[], workers: number, victims: string[]) {
  const nodes = Array.from({ length: workers }, (_, index) => `worker-${index + 1}`);
  const printed = new Map(nodes.map((node) => [node, printedNumbers(events, node, /^Working on task (\d+)/)]));
  const everyPrinted = new Set([...printed.values()].flat());
  for (const node of nodes) {
    const received = counted(events, node, "recv");
    const lines = printed.get(node)!.length;
    // A receive is reported before the program sees the message; a kill can fall before its print.
    assert.ok(received === lines || (victims.includes(node) && received === lines + 1), `${node} counted ${received} received and printed ${lines}`);
  }
  const lost = losses(events);
  assert.deepEqual(events.filter((event) => event.kind === "unknown"), [], "with no peer from outside and every message reported, every fate is known");
  const printedButLost = lost.filter((event) => everyPrinted.has(taskOf(event)));
  assert.deepEqual(printedButLost.map(taskOf), [], "no task a worker printed is called lost");
  // (killWorkers waited until every task no worker printed was declared lost: what a killed worker held.)
  assert.equal(new Set(lost.map(taskOf)).size, lost.length, "each declared once");
  // A pipe is first in, first out: a killed worker that printed a task sent after m did not hold m.
  // When one killed worker is left that can have held it, the loss is laid at its door; when
  // more are, it is laid at no one's (the order cannot say, and nothing is guessed).
  const suspects = (task: number) => victims.filter((node) => !printed.get(node)!.some((later) => later > task));
  const misjudged = lost.filter((event) => {
    const left = suspects(taskOf(event));
    return event.reason !== "receiver-gone" || (left.length === 1 ? event.to !== left[0] : event.to !== undefined && !left.includes(event.to));
  });
  assert.deepEqual(misjudged.map((event) => [taskOf(event), event.to, suspects(taskOf(event))]), [], "each lost task is laid at the door of the one killed worker that can have held it");
  return lost;
}

describe("a busy worker killed", () => {
  it(`at 1,000 tasks a second: what it printed is counted and never lost, what it held is lost with it (${ROUNDS} runs)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const { events, victims } = await killWorkers({ workers: 3, work: 0, tasks: 2500 }, 1, 100, 0);
      const lost = checkAgainstPrinted(events, 3, victims);
      assert.ok(lost.every((event) => event.to === victims[0]), "one worker killed: every loss is its");
    }
  });

  it(`two killed a moment apart: each lost task is laid at the door of the one that held it, where the order says which (${ROUNDS} runs)`, async () => {
    const blamed = { first: 0, second: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      // Work makes the tasks queue: each worker takes fewer than the ventilator sends it.
      const { events, victims } = await killWorkers({ workers: 4, work: 2, tasks: 2000 }, 2, 30, 100);
      for (const event of checkAgainstPrinted(events, 4, victims)) {
        if (event.to === victims[0]) blamed.first += 1;
        if (event.to === victims[1]) blamed.second += 1;
      }
    }
    assert.ok(blamed.first > 0 && blamed.second > 0, `both held tasks when killed, and their losses are laid at their doors: ${JSON.stringify(blamed)}`);
  });
});

describe("a busy subscriber killed", () => {
  it(`what it had received is counted and never lost; what it wanted and had not yet taken is lost with it (${ROUNDS} runs)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // subscriber-1 takes everything, and works on each: messages queue for it.
      const runId = await client.run("pub-sub", { subscribers: 2, rate: 1000, sync: 1, work: 5 });
      const printed = () => client.output("subscriber-1").filter((line) => line.startsWith("["));
      await client.waitUntil(() => printed().length >= 40, 30_000, "subscriber-1 at work");
      await kill(runId, "subscriber-1");
      await client.waitUntil(() => exitOf(client.events, "subscriber-1") !== undefined, 10_000, "the kill");
      const death = exitOf(client.events, "subscriber-1")!.t;
      // Settled once the publisher has been heard past the subscriber's end.
      await client.waitUntil(() => client.events.some((event) => event.kind === "send" && event.node === "publisher-1" && event.t > death + 200), 10_000, "the publisher past the kill");
      await new Promise((resolve) => setTimeout(resolve, 300));
      await client.stop(runId);

      const events = client.events;
      const took = new Set(printed().map((line) => line.slice(line.indexOf("] ") + 2)));
      const received = counted(events, "subscriber-1", "recv");
      assert.ok(received === took.size || received === took.size + 1, `subscriber-1 counted ${received} received and printed ${took.size}`);
      const lostForIt = losses(events).filter((event) => event.to === "subscriber-1");
      assert.deepEqual(lostForIt.filter((event) => took.has(frameText(event, 1))).map((event) => frameText(event, 1)), [], "nothing it printed is called lost");
      // Everything published after the last message it printed and before it died, it wanted (it took everything).
      const last = events.filter((event): event is DeliverEvent => event.kind === "deliver" && event.node === "subscriber-1").at(-1)!;
      const wanted = events.filter((event) => event.kind === "send" && event.node === "publisher-1" && event.seq > last.sendSeq && event.t < death).map((event) => frameText(event, 1));
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
