/**
 * The bridge's reasoning about lost messages, on hand-made reports: it must find every message
 * that can no longer be received, and never declare one lost that still could be.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LossTracker } from "../server/loss.js";
import type { MessageEvent } from "../server/matcher.js";
import type { DeliverEvent } from "../server/protocol.js";

function send(node: string, seq: number, t: number, topic = `task ${seq}`): MessageEvent {
  return { kind: "send", node, socket: 0, t, seq, digest: `d${seq}`, size: 1, frames: [{ text: topic, binary: false, size: topic.length }] };
}

function deliver(from: string, to: string, sendSeq: number, t: number): DeliverEvent {
  return { kind: "deliver", node: to, from, fromSocket: 0, t, digest: `d${sendSeq}`, size: 1, frames: [], sendSeq, recvSeq: 0, latencyMs: 0 };
}

function pushPull(live: () => string[], external = false) {
  return new LossTracker({ distribution: () => "round-robin", liveReceivers: live, hadExternalPeers: () => external });
}

describe("losses of a PUSH", () => {
  it("a killed worker's queued tasks are lost once every live worker has taken a later task", () => {
    let live = ["w0", "w1"];
    const tracker = pushPull(() => live);
    for (let seq = 1; seq <= 6; seq++) tracker.sent(send("v", seq, seq));
    // w0 took 1 and 3; w1 took 2; 4 and 6 went to w1's pipe, 5 to w0's: not yet received.
    assert.deepEqual([...tracker.delivered(deliver("v", "w0", 1, 10)), ...tracker.delivered(deliver("v", "w1", 2, 11)), ...tracker.delivered(deliver("v", "w0", 3, 12))], []);
    live = ["w0"];
    assert.deepEqual(tracker.exited("w1", 20), [], "nothing is certain until w0 takes something sent after 4 and 6");
    const settled = (events: ReturnType<typeof tracker.delivered>) => events.map((event) => [event.sendSeq, event.to, event.reason]);
    // w0 took 5, so 4 (sent before it, received by nobody alive) is gone; 6 may still come.
    assert.deepEqual(settled(tracker.delivered(deliver("v", "w0", 5, 21))), [[4, "w1", "receiver-gone"]]);
    tracker.sent(send("v", 7, 22));
    assert.deepEqual(settled(tracker.delivered(deliver("v", "w0", 7, 23))), [[6, "w1", "receiver-gone"]]);
  });

  it("while a worker that is alive has not yet received a later task, nothing is declared lost", () => {
    const tracker = pushPull(() => ["w0", "w1"]);
    for (let seq = 1; seq <= 3; seq++) tracker.sent(send("v", seq, seq));
    assert.deepEqual(tracker.delivered(deliver("v", "w0", 3, 10)), [], "task 1 or 2 may still be in w1's pipe");
  });

  it("when a peer from outside the run has connected, a PUSH's unreceived tasks are not called lost", () => {
    const tracker = pushPull(() => ["w0"], true);
    for (let seq = 1; seq <= 3; seq++) tracker.sent(send("v", seq, seq));
    assert.deepEqual(tracker.delivered(deliver("v", "w0", 3, 10)), []);
  });
});

describe("losses of a PUB", () => {
  function pubSub() {
    return new LossTracker({ distribution: () => "fan-out", liveReceivers: () => [], hadExternalPeers: () => false });
  }

  it("a slow joiner loses what was sent after it started and before its first message, for its filter only", () => {
    const tracker = pubSub();
    tracker.sent(send("p", 1, 1, "weather"));
    tracker.spawned("s", 5);
    tracker.sent(send("p", 2, 6, "weather"));
    tracker.sent(send("p", 3, 7, "sports"));
    tracker.sent(send("p", 4, 8, "weather"));
    tracker.filtersChanged("s", 9, ["weather"]);
    tracker.sent(send("p", 5, 10, "weather"));
    const lost = tracker.delivered(deliver("p", "s", 5, 11));
    assert.deepEqual(lost.map((event) => [event.sendSeq, event.reason, event.to]), [[2, "slow-joiner", "s"], [4, "slow-joiner", "s"]]);
  });

  it("a subscriber that receives every message it wants loses nothing", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 1, [""]);
    for (let seq = 1; seq <= 3; seq++) {
      tracker.sent(send("p", seq, seq + 1, "news"));
      assert.deepEqual(tracker.delivered(deliver("p", "s", seq, seq + 2)), []);
    }
  });
});
