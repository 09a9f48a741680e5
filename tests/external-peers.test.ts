/**
 * How the bridge tells peers from outside a run from the run's own connecting processes, on
 * hand-made monitor reports in the orders the processes' separate channels can deliver them.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { ExternalPeers } from "../server/external-peers.js";
import type { ExternalPeersEvent } from "../server/protocol.js";

const ENDPOINT = "tcp://127.0.0.1:40123";
/** Longer than the count must hold still before it is published. */
const SETTLED_MS = 400;

function ventilatorWithWorkers(workers: number) {
  const published: number[] = [];
  const peers = new ExternalPeers((event: ExternalPeersEvent) => published.push(event.count), () => 0);
  peers.bound("ventilator-1", ENDPOINT);
  for (let index = 1; index <= workers; index++) peers.connectorStarted(`worker-${index}`, ENDPOINT);
  const monitor = (event: "accept" | "disconnect") => peers.monitor("ventilator-1", event, ENDPOINT);
  return { peers, published, monitor };
}

describe("peers from outside a run", () => {
  it("the run's own workers connecting, one killed and restarted, are no outsiders", async () => {
    const { peers, published, monitor } = ventilatorWithWorkers(2);
    monitor("accept");
    monitor("accept");
    peers.connectorEnded("worker-1");
    monitor("disconnect");
    peers.connectorStarted("worker-1", ENDPOINT);
    monitor("accept");
    await sleep(SETTLED_MS);
    assert.equal(peers.everSeenBy("ventilator-1"), false);
    assert.deepEqual(published, []);
    peers.dispose();
  });

  it("one more connection than the run's own is a peer from outside, counted once it holds, and gone when it leaves", async () => {
    const { peers, published, monitor } = ventilatorWithWorkers(2);
    monitor("accept");
    monitor("accept");
    monitor("accept");
    assert.equal(peers.everSeenBy("ventilator-1"), true);
    await sleep(SETTLED_MS);
    monitor("disconnect");
    await sleep(SETTLED_MS);
    assert.deepEqual(published, [1, 0]);
    peers.dispose();
  });

  it("a peer that came before the run's workers and left before the last of them connected was there all the same", async () => {
    // Seen in a run: a Python worker took the tasks queued for the workers and left at once.
    const { peers, monitor } = ventilatorWithWorkers(2);
    monitor("accept"); // the outsider
    monitor("accept"); // worker-2
    monitor("disconnect"); // the outsider leaves
    assert.equal(peers.everSeenBy("ventilator-1"), false, "no more connections than workers yet");
    monitor("accept"); // worker-1
    assert.equal(peers.everSeenBy("ventilator-1"), true);
    peers.dispose();
  });

  it("a restarted binder expects its connectors again, once each", () => {
    const { peers, monitor } = ventilatorWithWorkers(2);
    monitor("accept");
    monitor("accept");
    peers.bound("ventilator-1", ENDPOINT);
    monitor("accept");
    monitor("accept");
    assert.equal(peers.everSeenBy("ventilator-1"), false);
    monitor("accept");
    assert.equal(peers.everSeenBy("ventilator-1"), true);
    peers.dispose();
  });
});
