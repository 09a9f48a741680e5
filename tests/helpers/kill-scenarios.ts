/**
 * Push/Pull with workers killed at 1,000 tasks a second, checked against what every process
 * printed: shared by the kill and blame tests. Each function takes the test's bridge client.
 */
import assert from "node:assert/strict";
import type { RunEvent } from "../../protocol/messages.js";
import type { BridgeClient } from "../../harness/bridge-client.js";
import { counted, frameText, losses, printedNumbers, unaccountedTasks } from "./run-facts.js";

/**
 * Every message reported one by one, even in a burst after a stall on a busy machine: what the
 * kill tests judge is each message (flows.e2e.test.ts tests counting). The bridge's environment.
 */
export const EVERY_MESSAGE_REPORTED = { ZMQ_DETAILS_PER_SECOND: "5000" };

export const exitOf = (events: readonly RunEvent[], node: string) => events.find((event) => event.kind === "exit" && event.node === node);
export const taskOf = (event: RunEvent) => Number(/task (\d+)/.exec(frameText(event))?.[1]);

/** The tasks declared lost or not known. */
export const settled = (events: readonly RunEvent[]) =>
  events.filter((event) => event.kind === "lost" || event.kind === "unknown").map(taskOf);

/**
 * The tasks a killed worker reported receiving: a kill can land after the receive was reported
 * and before the program printed it, and such a task was delivered, neither printed nor lost.
 */
export const receivedByVictims = (events: readonly RunEvent[], victims: readonly string[]) =>
  events.filter((event) => event.kind === "recv" && victims.includes(event.node)).map(taskOf);

export async function kill(client: BridgeClient, runId: string, node: string): Promise<void> {
  assert.equal((await client.request({ type: "action", runId, action: "kill", node })).type, "acted");
}

/**
 * A Push/Pull run of `params.tasks` tasks at 1,000 a second in which `count` workers are killed
 * `apartMs` apart, chosen among those that have printed `before` tasks (on a busy machine a
 * worker may connect late, when every task has gone to the others); stopped once every task has
 * been printed by a worker or settled (the workers, slower than the ventilator on a busy machine,
 * catch up in the end). Returns the events and the workers killed.
 */
export async function killWorkers(
  client: BridgeClient,
  params: Record<string, number>,
  count: number,
  before: number,
  apartMs: number,
): Promise<{ events: RunEvent[]; victims: string[] }> {
  const tasks = params.tasks!;
  const workers = Array.from({ length: params.workers! }, (_, index) => `worker-${index + 1}`);
  const runId = await client.start("push-pull", { rate: 1000, ...params });
  const printed = (node: string) => printedNumbers(client.events(), node, /^Working on task (\d+)/);
  const busy = () => workers.filter((node) => printed(node).length >= before);
  await client.waitUntil(() => busy().length > count, 60_000, "workers at work");
  const victims = busy().slice(0, count);
  for (const [index, node] of victims.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, apartMs));
    await kill(client, runId, node);
  }
  await client.waitUntil(() => victims.every((node) => exitOf(client.events(), node)), 10_000, "the kills");
  const accounted = () =>
    new Set([...workers.flatMap(printed), ...receivedByVictims(client.events(), victims), ...settled(client.events())]);
  await client
    .waitUntil(() => accounted().size === tasks, 90_000, "every task printed by a worker, received by a killed one, or settled")
    .catch((error: Error) => {
      throw new Error(`${error.message}: ${unaccountedTasks(client.events(), accounted(), tasks)}`);
    });
  await client.stop(runId);
  return { events: client.events(), victims };
}

/** The checks every kill scenario of Push/Pull shares; returns the losses. */
export function checkAgainstPrinted(events: RunEvent[], workers: number, victims: string[]) {
  const nodes = Array.from({ length: workers }, (_, index) => `worker-${index + 1}`);
  const printed = new Map(nodes.map((node) => [node, printedNumbers(events, node, /^Working on task (\d+)/)]));
  const everyPrinted = new Set([...printed.values()].flat());
  for (const node of nodes) {
    const received = counted(events, node, "recv");
    const lines = printed.get(node)!.length;
    // A receive is reported before the program sees the message; a kill can fall before its print.
    assert.ok(
      received === lines || (victims.includes(node) && received === lines + 1),
      `${node} counted ${received} received and printed ${lines}`,
    );
  }
  const lost = losses(events);
  assert.deepEqual(
    events.filter((event) => event.kind === "unknown"),
    [],
    "with no peer from outside and every message reported, every fate is known",
  );
  const receivedButLost = lost.filter(
    (event) => everyPrinted.has(taskOf(event)) || receivedByVictims(events, victims).includes(taskOf(event)),
  );
  assert.deepEqual(receivedButLost.map(taskOf), [], "no task a worker printed, or a killed one received, is called lost");
  // (killWorkers waited until every task no worker printed was declared lost: what a killed worker held.)
  assert.equal(new Set(lost.map(taskOf)).size, lost.length, "each declared once");
  // A pipe is first in, first out: a killed worker that printed a task sent after m did not hold m.
  // When one killed worker is left that can have held it, the loss is laid at its door; when
  // more are, it is laid at no one's (the order cannot say, and nothing is guessed).
  const suspects = (task: number) => victims.filter((node) => !printed.get(node)!.some((later) => later > task));
  const misjudged = lost.filter((event) => {
    const left = suspects(taskOf(event));
    return (
      event.reason !== "receiver-gone" || (left.length === 1 ? event.to !== left[0] : event.to !== undefined && !left.includes(event.to))
    );
  });
  assert.deepEqual(
    misjudged.map((event) => [taskOf(event), event.to, suspects(taskOf(event))]),
    [],
    "each lost task is laid at the door of the one killed worker that can have held it",
  );
  return lost;
}
