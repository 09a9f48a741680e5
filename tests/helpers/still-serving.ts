/**
 * What every hostile-input test checks after the input: the bridge still serves the deck,
 * still runs a demo for the presenter, and the run left nothing behind — no process, no port,
 * no ipc folder.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { RunningBridge } from "../../harness/bridge.js";
import { BridgeClient } from "../../harness/bridge-client.js";
import { ipcDirsOf, listeningPorts, waitForExit } from "../../harness/processes.js";

/** Checks all of it, with the run's endpoints on tcp (transport 0) or ipc (1). */
export async function assertStillServing(bridge: RunningBridge, { transport = 0 }: { transport?: number } = {}): Promise<void> {
  const deck = await fetch(`${bridge.url}/`);
  assert.equal(deck.status, 200, "the deck is served");
  assert.match(await deck.text(), /<div class="reveal">/);

  const page = await BridgeClient.open(bridge.url);
  assert.ok(page.messages[0]?.type === "hello" && page.messages[0].role === "presenter", "the presenter's page is welcomed");
  const answer = await page.run("req-rep", { interval: 20, work: 0, transport });
  assert.equal(answer.type, "started", JSON.stringify(answer));
  const runId = answer.type === "started" ? answer.runId : "";
  await page.waitForEvents(runId, (events) => events.filter((event) => event.kind === "deliver").length >= 3);
  const pids = page.pids();
  const ports = page.ports().filter((port) => port > 0);
  page.stop(runId);
  await page.stopped(runId);
  await page.close();

  assert.deepEqual(await waitForExit(pids), [], "no demo process is left");
  for (let tries = 0; tries < 100 && listeningPorts(ports).length > 0; tries++) await sleep(20);
  assert.deepEqual(listeningPorts(ports), [], "no demo port is left open");
  assert.deepEqual(ipcDirsOf(bridge.process.pid!), [], "no ipc folder is left");
}
