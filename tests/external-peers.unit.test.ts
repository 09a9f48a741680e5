/**
 * How the bridge tells peers from outside a run from the run's own connecting processes, on
 * hand-made monitor reports in the orders the processes' separate channels can deliver them.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { ExternalPeers } from "../server/external-peers.js";
import type { ExternalPeersEvent } from "../protocol/messages.js";

const ENDPOINT = "tcp://127.0.0.1:40123";
/** Longer than the count must hold still before it is published. */
const SETTLED_MS = 400;

function ventilatorWithWorkers(workers: number) {
  const published: number[] = [];
  const peers = new ExternalPeers(
    (event: ExternalPeersEvent) => published.push(event.count),
    () => 0,
  );
  peers.bound("ventilator-1", ENDPOINT);
  for (let index = 1; index <= workers; index++) peers.connectorStarted(`worker-${index}`, ENDPOINT);
  const monitor = (event: "accept" | "disconnect", t = 0) => peers.monitor("ventilator-1", event, ENDPOINT, t);
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
    assert.equal(peers.presentDuring("ventilator-1", -Infinity, Infinity), false);
    assert.deepEqual(published, []);
    peers.dispose();
  });

  it("one more connection than the run's own is a peer from outside, counted once it holds, and gone when it leaves", async () => {
    const { peers, published, monitor } = ventilatorWithWorkers(2);
    monitor("accept");
    monitor("accept");
    monitor("accept");
    assert.equal(peers.presentDuring("ventilator-1", -Infinity, Infinity), true);
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
    assert.equal(peers.presentDuring("ventilator-1", -Infinity, Infinity), false, "no more connections than workers yet");
    monitor("accept"); // worker-1
    assert.equal(peers.presentDuring("ventilator-1", -Infinity, Infinity), true);
    peers.dispose();
  });

  it("an outside peer counts from the first accept that may have been its (a while before it was stamped) until it left, not before or after", () => {
    const { peers, monitor } = ventilatorWithWorkers(1);
    monitor("accept", 5000); // the worker's, or the outsider's: counts cannot tell which came first
    monitor("accept", 6000);
    monitor("disconnect", 7000);
    const present = (from: number, to: number) => peers.presentDuring("ventilator-1", from, to);
    assert.equal(present(0, 2900), false, "before anyone came");
    assert.equal(
      present(3100, 3100),
      true,
      "an accept is stamped when the binder's program reads it, which on a busy machine may be seconds later",
    );
    assert.equal(present(6500, 6500), true);
    assert.equal(present(7001, 9000), false, "after it left");
    assert.equal(peers.presentDuring("ventilator-1", 6500, 6500, ["tcp://127.0.0.1:1"]), false, "only on the endpoint it connected to");
    peers.dispose();
  });

  it("once the run's own connectors are all there, a later outside peer counts from its own accept", () => {
    const { peers, monitor } = ventilatorWithWorkers(1);
    monitor("accept", 1000);
    peers.monitor("worker-1", "connect", ENDPOINT, 1000); // the worker says it connected: that accept was its
    monitor("accept", 10000); // one more than the run's own: someone from outside, from now
    monitor("disconnect", 11000);
    const present = (from: number, to: number) => peers.presentDuring("ventilator-1", from, to);
    assert.equal(present(0, 7900), false);
    assert.equal(present(8100, 10500), true);
    assert.equal(present(11001, 19000), false);
    peers.dispose();
  });

  it("a restarted binder expects its connectors again, once each", () => {
    const { peers, monitor } = ventilatorWithWorkers(2);
    monitor("accept");
    monitor("accept");
    peers.bound("ventilator-1", ENDPOINT);
    monitor("accept");
    monitor("accept");
    assert.equal(peers.presentDuring("ventilator-1", -Infinity, Infinity), false);
    monitor("accept");
    assert.equal(peers.presentDuring("ventilator-1", -Infinity, Infinity), true);
    peers.dispose();
  });
});
