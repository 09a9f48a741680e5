/**
 * The bridge's reasoning about lost messages, on hand-made reports: it must find every message
 * that can no longer be received, and never declare one lost that still could be.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DemoManifest } from "../protocol/manifest.js";
import { LossTracker, MAX_REMEMBERED, type Verdict } from "../server/loss.js";
import type { MessageEvent } from "../server/matcher.js";
import type { DeliverEvent, LostEvent } from "../protocol/messages.js";
import { RunTopology } from "../server/topology.js";

/** One sender ("v" or "p") and its receivers, as a run's topology and loss tracker see them. */
class Judge {
  readonly topology: RunTopology;
  readonly tracker: LossTracker;
  /** When an outside peer is connected to the sender: [from, to]. */
  outside: [number, number][] = [];
  /** Sends (by seq) a receive reported but not yet paired by the matcher may be. */
  readonly unpaired = new Set<number>();

  /** `heardAhead`: the sender has been heard long past every send here (its monitor read), as a running one soon is. */
  constructor(sender: string, type: "PUSH" | "PUB", heardAhead = true) {
    const manifest: DemoManifest = {
      name: "test",
      title: "test",
      version: 1,
      roles: Object.fromEntries(
        ["sender", "receiver"].map((role) => [
          role,
          { label: role, socket: "", script: "", count: { default: 1, min: 1, max: 8 }, endpoints: [], params: [] },
        ]),
      ),
      endpoints: {},
      edges: [{ from: "sender", to: "receiver" }],
      params: {},
      layout: [["sender"], ["receiver"]],
    };
    this.topology = new RunTopology(manifest);
    this.tracker = new LossTracker({
      topology: this.topology,
      outsideDuring: (_binder, from, to) => this.outside.some(([start, end]) => start <= to && from <= end),
      judgedPerMessage: () => true,
      mayHaveReceived: (send) => this.unpaired.has(send.seq),
    });
    this.#start(sender, "sender", -1000, type);
    if (heardAhead) this.tracker.heard(sender, 1e9);
  }

  #start(node: string, role: string, t: number, type: string): void {
    this.topology.spawned(node, role, t);
    this.topology.socketOpened(node, 0, type);
    this.tracker.spawned(node, t);
  }

  spawned(node: string, t: number): void {
    this.#start(node, "receiver", t, this.topology.socketType("v", 0) === "PUSH" ? "PULL" : "SUB");
  }

  exited(node: string, t: number): Verdict[] {
    this.topology.exited(node, t);
    return this.tracker.exited(node, t);
  }

  sent(send: MessageEvent): Verdict[] {
    return this.tracker.sent(send);
  }

  delivered(delivery: DeliverEvent): Verdict[] {
    return this.tracker.delivered([delivery]);
  }

  heard(node: string, t: number): Verdict[] {
    return this.tracker.heard(node, t);
  }

  filtersChanged(node: string, t: number, filters: string[]): Verdict[] {
    return this.tracker.filtersChanged(node, t, filters);
  }

  forgotten(send: MessageEvent): void {
    this.tracker.forgotten(send);
  }
}

function send(node: string, seq: number, t: number, topic = `task ${seq}`): MessageEvent {
  return {
    kind: "send",
    node,
    socket: 0,
    t,
    seq,
    digest: `d${seq}`,
    size: 1,
    frames: [{ text: topic, binary: false, size: topic.length }],
  };
}

/** `sentAt` (the send's own stamp) gives the latency; without it, delivered at once. */
function deliver(from: string, to: string, sendSeq: number, t: number, sentAt = t): DeliverEvent {
  return {
    kind: "deliver",
    node: to,
    from,
    fromSocket: 0,
    t,
    digest: `d${sendSeq}`,
    size: 1,
    frames: [],
    sendSeq,
    recvSeq: 0,
    latencyMs: t - sentAt,
  };
}

const settled = (events: Verdict[]) =>
  events.map((event) => (event.kind === "lost" ? [event.sendSeq, event.to, event.reason] : [event.sendSeq, "not known", event.reason]));

/** A ventilator "v" and its workers, all started long ago. */
function pushPull(workers: string[], external = false) {
  const judge = new Judge("v", "PUSH");
  for (const worker of workers) judge.spawned(worker, -500);
  if (external) judge.outside.push([-Infinity, Infinity]);
  return judge;
}

describe("losses of a PUSH", () => {
  it("a killed worker's queued tasks are lost once every live worker has taken a later task", () => {
    const tracker = pushPull(["w0", "w1"]);
    for (let seq = 1; seq <= 6; seq++) tracker.sent(send("v", seq, seq));
    // w0 took 1 and 3; w1 took 2; 4 and 6 went to w1's pipe, 5 to w0's: not yet received.
    assert.deepEqual(
      [
        ...tracker.delivered(deliver("v", "w0", 1, 10)),
        ...tracker.delivered(deliver("v", "w1", 2, 11)),
        ...tracker.delivered(deliver("v", "w0", 3, 12)),
      ],
      [],
    );
    assert.deepEqual(tracker.exited("w1", 20), [], "nothing is certain until w0 takes something sent after 4 and 6");
    // w0 took 5, so 4 (sent before it, received by nobody alive) is gone; 6 may still come.
    assert.deepEqual(settled(tracker.delivered(deliver("v", "w0", 5, 21))), [[4, "w1", "receiver-gone"]]);
    tracker.sent(send("v", 7, 22));
    assert.deepEqual(settled(tracker.delivered(deliver("v", "w0", 7, 23))), [[6, "w1", "receiver-gone"]]);
  });

  it("while a worker that is alive has not yet received a later task, nothing is declared lost", () => {
    const tracker = pushPull(["w0", "w1"]);
    for (let seq = 1; seq <= 3; seq++) tracker.sent(send("v", seq, seq));
    assert.deepEqual(tracker.delivered(deliver("v", "w0", 3, 10)), [], "task 1 or 2 may still be in w1's pipe");
  });

  it("when a peer from outside the run is connected, a PUSH's unreceived tasks are not called lost: their fate is not known", () => {
    const tracker = pushPull(["w0"], true);
    for (let seq = 1; seq <= 3; seq++) tracker.sent(send("v", seq, seq));
    assert.deepEqual(settled(tracker.delivered(deliver("v", "w0", 3, 10))), [
      [1, "not known", "outside-peer"],
      [2, "not known", "outside-peer"],
    ]);
  });
});

describe("waiting for the sender's own news", () => {
  it("a send is judged only once its sender has been heard well past it: an outside peer's accept may still be on its way", () => {
    const tracker = new Judge("v", "PUSH", false);
    tracker.spawned("w0", -500);
    tracker.spawned("w1", -500);
    for (let seq = 1; seq <= 3; seq++) tracker.sent(send("v", seq, seq * 100));
    tracker.delivered(deliver("v", "w0", 1, 150, 100));
    tracker.exited("w1", 250);
    assert.deepEqual(
      tracker.delivered(deliver("v", "w0", 3, 350, 300)),
      [],
      "w0 took 3: 2 went to w1, but v has not been heard past it yet",
    );
    assert.deepEqual(tracker.heard("v", 600), [], "nor long enough past it");
    assert.deepEqual(settled(tracker.heard("v", 700)), [[2, "w1", "receiver-gone"]]);
  });
});

describe("receives not yet paired, and sends that waited", () => {
  it("a worker idle just after taking a task whose receive is not yet paired: the task is not lost", () => {
    const tracker = pushPull(["w0"]);
    tracker.sent(send("v", 1, 0));
    // w0 took it at 50 and said it was idle at 1000; the matcher still waits on a peer to be heard past 50.
    tracker.unpaired.add(1);
    assert.deepEqual(tracker.tracker.receiveIdle("w0", 0, 1000), [], "its receive may be task 1");
    tracker.unpaired.delete(1);
    assert.deepEqual(tracker.delivered(deliver("v", "w0", 1, 50, 0)), [], "paired at last: received, not lost");
  });

  it("deliveries the matcher made together are all taken in before any send is judged", () => {
    const tracker = pushPull(["w0"]);
    tracker.sent(send("v", 1, 0));
    tracker.sent(send("v", 2, 10));
    tracker.unpaired.add(1).add(2);
    assert.deepEqual(tracker.tracker.receiveIdle("w0", 0, 1000), []);
    // The matcher pairs both receives at once (the peer they waited on was heard): neither is lost.
    tracker.unpaired.clear();
    assert.deepEqual(tracker.tracker.delivered([deliver("v", "w0", 1, 20, 0), deliver("v", "w0", 2, 30, 10)]), []);
  });

  it("a connecting sender's send left once its connection was made: an idle report from before then says nothing about it", () => {
    const tracker = pushPull(["w0"]);
    tracker.topology.connecting("v", 0, "tcp://127.0.0.1:5555");
    tracker.sent(send("v", 1, 0));
    assert.deepEqual(tracker.tracker.receiveIdle("w0", 0, 400), [], "v has not connected: task 1 waits in its own pipe");
    tracker.tracker.connected("v", 0, 500);
    assert.deepEqual(tracker.tracker.receiveIdle("w0", 0, 550), [], "w0 was idle before task 1 could reach it");
    assert.deepEqual(
      settled(tracker.tracker.receiveIdle("w0", 0, 700)),
      [[1, undefined, "receiver-gone"]],
      "idle well after, w0 never took it",
    );
  });

  it("a send that waited for a peer left when the wait ended: an idle report from before then says nothing about it", () => {
    const tracker = pushPull(["w0"]);
    tracker.tracker.sendWaitOver("v", 0, 2000);
    tracker.sent(send("v", 1, 0));
    assert.deepEqual(tracker.tracker.receiveIdle("w0", 0, 1500), [], "w0 was idle before task 1 left v");
    assert.deepEqual(tracker.tracker.receiveIdle("w0", 0, 2050), [], "nor just after: it may still be on its way");
    assert.deepEqual(
      settled(tracker.tracker.receiveIdle("w0", 0, 2200)),
      [[1, undefined, "receiver-gone"]],
      "idle well after it left, w0 never took it",
    );
  });
});

describe("sends the matcher forgot", () => {
  it("a PUSH's task the matcher forgot is never declared lost: its receipt could no longer be seen", () => {
    const tracker = pushPull(["w0"]);
    for (let seq = 1; seq <= 3; seq++) tracker.sent(send("v", seq, seq));
    tracker.forgotten(send("v", 1, 1));
    assert.deepEqual(settled(tracker.delivered(deliver("v", "w0", 3, 10))), [[2, undefined, "receiver-gone"]]);
  });

  it("a PUB's message the matcher forgot, and every earlier one, is not judged when a later one arrives", () => {
    const tracker = new Judge("p", "PUB");
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 1, [""]);
    for (let seq = 1; seq <= 5; seq++) tracker.sent(send("p", seq, seq + 1, "tick"));
    tracker.delivered(deliver("p", "s", 1, 2.5, 2));
    // s received 2 and 3 as well, but their sends had been forgotten: no delivery told of it.
    tracker.forgotten(send("p", 3, 4, "tick"));
    assert.deepEqual(settled(tracker.delivered(deliver("p", "s", 5, 7, 6))), [[4, "s", "hwm"]]);
  });
});

describe("losses of a PUB", () => {
  /** A publisher "p" with subscribers "s" and "t" (each only once spawned). */
  function pubSub(external = false) {
    const judge = new Judge("p", "PUB");
    if (external) judge.outside.push([-Infinity, Infinity]);
    return judge;
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
    const lost = tracker.delivered(deliver("p", "s", 5, 11)) as LostEvent[];
    assert.deepEqual(
      lost.map((event) => [event.sendSeq, event.reason, event.to]),
      [
        [2, "slow-joiner", "s"],
        [4, "slow-joiner", "s"],
      ],
    );
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

describe("losses at a publisher no subscriber listens to", () => {
  function pubSub(external = false) {
    const judge = new Judge("p", "PUB");
    if (external) judge.outside.push([-Infinity, Infinity]);
    return judge;
  }
  const atPublisher = (events: Verdict[]) =>
    events.map((event) => [event.sendSeq, event.node, event.kind === "lost" ? event.to : "not known", event.reason]);

  it("a message published before any subscriber started is lost at the publisher, for nobody", () => {
    const tracker = pubSub();
    assert.deepEqual(atPublisher(tracker.sent(send("p", 1, 1, "weather"))), [[1, "p", undefined, "no-subscriber"]]);
  });

  it("a topic no running subscriber's filters match is lost at the publisher once each has reported past its send", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.spawned("t", 0);
    tracker.filtersChanged("s", 1, ["weather"]);
    tracker.filtersChanged("t", 2, ["sports"]);
    assert.deepEqual(tracker.sent(send("p", 1, 10, "news/tech")), [], "t or s may have changed its filters before 10, not yet reported");
    assert.deepEqual(tracker.heard("s", 11), [], "t has still not reported anything after the send");
    assert.deepEqual(atPublisher(tracker.heard("t", 12)), [[1, "p", undefined, "no-subscriber"]]);
    assert.deepEqual(tracker.heard("t", 13), [], "declared once");
  });

  it("a filter change reported after the send it precedes (reports out of time order) makes the message wanted: not lost at the publisher", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 1, ["weather"]);
    tracker.sent(send("p", 1, 10, "news/tech"));
    // s subscribed to news at 9, before the send; its report reaches the bridge only now.
    assert.deepEqual(tracker.filtersChanged("s", 9, ["news"]), []);
    assert.deepEqual(tracker.heard("s", 20), [], "s wanted it: if lost, it is lost for s, not at the publisher");
  });

  it("a subscriber started but not yet subscribed is waited for; its first filters decide", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.sent(send("p", 1, 5, "weather/paris"));
    tracker.sent(send("p", 2, 6, "news/tech"));
    assert.deepEqual(tracker.heard("s", 7), [], "until s reports its filters, its wishes are unknown");
    // Both its first filters count from its start: weather was its, news nobody's.
    assert.deepEqual(atPublisher(tracker.filtersChanged("s", 8, ["weather"])), [[2, "p", undefined, "no-subscriber"]]);
  });

  it("a subscriber that exits mid-stream wants nothing after it ended, and what it wanted before still counts", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 1, [""]);
    tracker.sent(send("p", 1, 5, "weather"));
    tracker.exited("s", 6);
    assert.deepEqual(atPublisher(tracker.sent(send("p", 2, 7, "weather"))), [[2, "p", undefined, "no-subscriber"]]);
  });

  it("a subscriber that exits before subscribing wanted nothing", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.sent(send("p", 1, 5, "weather"));
    assert.deepEqual(atPublisher(tracker.exited("s", 6)), [[1, "p", undefined, "no-subscriber"]]);
  });

  it("while a peer from outside the run is connected to the publisher, nothing is declared lost at it: what no subscriber of the run wanted is not known", () => {
    const tracker = pubSub(true);
    assert.deepEqual(atPublisher(tracker.sent(send("p", 1, 1, "weather"))), [[1, "p", "not known", "outside-peer"]]);
    tracker.spawned("s", 2);
    tracker.filtersChanged("s", 3, ["sports"]);
    tracker.sent(send("p", 2, 4, "weather"));
    assert.deepEqual(atPublisher(tracker.heard("s", 5)), [[2, "p", "not known", "outside-peer"]]);
  });

  it("once the outside peer has left, what no subscriber wanted is lost at the publisher again", () => {
    const tracker = pubSub();
    tracker.outside.push([0, 10]);
    tracker.spawned("s", 2);
    tracker.filtersChanged("s", 3, ["sports"]);
    tracker.sent(send("p", 1, 4, "weather"));
    assert.deepEqual(atPublisher(tracker.heard("s", 5)), [[1, "p", "not known", "outside-peer"]]);
    tracker.sent(send("p", 2, 20, "weather"));
    assert.deepEqual(atPublisher(tracker.heard("s", 21)), [[2, "p", undefined, "no-subscriber"]]);
  });

  it("a binary topic is never declared unwanted unless nobody subscribed at all", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 1, ["weather"]);
    const binary: MessageEvent = { ...send("p", 1, 2), frames: [{ text: "00ff", binary: true, size: 2 }] };
    tracker.sent(binary);
    assert.deepEqual(tracker.heard("s", 3), []);
  });

  it("what waits for judgement stays bounded: the oldest sends are forgotten, never declared", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 0.5, ["weather"]);
    const extra = 100;
    for (let seq = 1; seq <= MAX_REMEMBERED + extra; seq++) tracker.sent(send("p", seq, seq, "news"));
    const lost = tracker.heard("s", MAX_REMEMBERED + extra + 1);
    assert.equal(lost.length, MAX_REMEMBERED);
    assert.equal(lost[0]?.sendSeq, extra + 1);
  });

  it("a publisher started again counts from 1 again: its last life's sends are not judged with the new ones", () => {
    const tracker = pubSub();
    tracker.spawned("p", 0);
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 1, [""]);
    for (let seq = 1; seq <= 3; seq++) tracker.sent(send("p", seq, seq + 1, "weather"));
    tracker.exited("p", 5);
    tracker.spawned("p", 6);
    tracker.sent(send("p", 1, 7, "weather"));
    assert.deepEqual(tracker.delivered(deliver("p", "s", 1, 8, 7)), [], "the new 1 is not preceded by the old 2 and 3");
  });
});

describe("losses to a publisher's high-water mark", () => {
  function pubSub() {
    return new Judge("p", "PUB");
  }

  it("a subscriber already receiving that misses messages it wanted lost them to the high-water mark, for it only", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.spawned("t", 0);
    tracker.filtersChanged("s", 1, [""]);
    tracker.filtersChanged("t", 1, [""]);
    for (let seq = 1; seq <= 5; seq++) tracker.sent(send("p", seq, seq + 1, "tick"));
    // t, fast, takes everything; s, slow, takes 1, then its queue was full for 2 to 4, then 5.
    for (let seq = 1; seq <= 5; seq++) assert.deepEqual(tracker.delivered(deliver("p", "t", seq, seq + 1.5, seq + 1)), []);
    assert.deepEqual(tracker.delivered(deliver("p", "s", 1, 3, 2)), []);
    assert.deepEqual(settled(tracker.delivered(deliver("p", "s", 5, 20, 6))), [
      [2, "s", "hwm"],
      [3, "s", "hwm"],
      [4, "s", "hwm"],
    ]);
  });

  it("two identical payloads: the one a subscriber missed is lost, the one it got is not", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 1, [""]);
    const same = (seq: number, t: number): MessageEvent => ({ ...send("p", seq, t, "tick"), digest: "same" });
    tracker.sent(same(1, 2));
    tracker.sent(same(2, 3));
    tracker.sent(same(3, 4));
    tracker.delivered({ ...deliver("p", "s", 1, 2.5, 2), digest: "same" });
    assert.deepEqual(settled(tracker.delivered({ ...deliver("p", "s", 3, 5, 4), digest: "same" })), [[2, "s", "hwm"]]);
  });

  it("after a filter change, what was missed before the new subscription was seen working is the slow joiner's", () => {
    const tracker = pubSub();
    tracker.spawned("s", 0);
    tracker.filtersChanged("s", 1, ["weather"]);
    tracker.sent(send("p", 1, 2, "weather"));
    tracker.delivered(deliver("p", "s", 1, 3, 2));
    tracker.filtersChanged("s", 4, ["news"]);
    tracker.sent(send("p", 2, 5, "news"));
    tracker.sent(send("p", 3, 6, "news"));
    assert.deepEqual(settled(tracker.delivered(deliver("p", "s", 3, 7, 6))), [[2, "s", "slow-joiner"]]);
  });
});
