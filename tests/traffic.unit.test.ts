/**
 * The diagram's reading of traffic, as pure functions of a run's events: when an edge turns
 * into a flow and back (with hysteresis), its rate, and how many messages wait at a sender.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunEvent } from "../protocol/messages.js";
import { DOTS_BELOW, FLOW_ABOVE, RateMeter, Traffic, nextView } from "../slides/app/traffic.js";

const ENDPOINT = "tcp://127.0.0.1:5557";

function socket(node: string, type: string, how: "bound" | "connecting", t = 0, endpoint = ENDPOINT): RunEvent[] {
  return [
    { kind: "spawn", t, node, role: node.slice(0, node.lastIndexOf("-")), index: Number(node.slice(node.lastIndexOf("-") + 1)), pid: 1 },
    { kind: "socket", t, node, socket: 0, type },
    how === "bound"
      ? { kind: "bound", t, node, socket: 0, requested: endpoint, endpoint }
      : { kind: "connecting", t, node, socket: 0, endpoint },
  ];
}
const frames = (text: string) => [{ text, binary: false, size: text.length }];
const send = (node: string, seq: number, t: number, digest = `d${seq}`): RunEvent => ({
  kind: "send",
  t,
  node,
  socket: 0,
  seq,
  digest,
  size: 4,
  frames: frames(`task ${seq}`),
});
const recv = (node: string, seq: number, t: number, digest = `d${seq}`): RunEvent => ({
  kind: "recv",
  t,
  node,
  socket: 0,
  seq,
  digest,
  size: 4,
  frames: frames(`task ${seq}`),
});
const deliver = (from: string, to: string, sendSeq: number, t: number): RunEvent => ({
  kind: "deliver",
  t,
  node: to,
  from,
  fromSocket: 0,
  digest: `d${sendSeq}`,
  size: 4,
  frames: frames(`task ${sendSeq}`),
  sendSeq,
  recvSeq: sendSeq,
  latencyMs: 1,
});
const flow = (node: string, direction: "send" | "recv", count: number, t: number): RunEvent => ({
  kind: "flow",
  t,
  node,
  socket: 0,
  direction,
  count,
  bytes: count * 64,
});

function traffic(events: RunEvent[]): Traffic {
  const model = new Traffic();
  for (const event of events) model.observe(event, 0);
  return model;
}

describe("dots or flow", () => {
  it("an edge turns into a flow at the upper threshold and back to dots only below the lower one", () => {
    assert.equal(nextView("dots", FLOW_ABOVE - 1), "dots");
    assert.equal(nextView("dots", FLOW_ABOVE), "flow");
    // Between the two thresholds an edge keeps the view it has: no flicker.
    const between = (FLOW_ABOVE + DOTS_BELOW) / 2;
    assert.equal(nextView("flow", between), "flow");
    assert.equal(nextView("dots", between), "dots");
    assert.equal(nextView("flow", DOTS_BELOW - 1), "dots");
  });

  it("a rate is the messages of the last second, and falls to nothing when they stop", () => {
    const meter = new RateMeter();
    for (let t = 0; t < 2000; t += 10) meter.add(t, 1);
    assert.ok(Math.abs(meter.rate(2000) - 100) <= 10, `about 100 a second: ${meter.rate(2000)}`);
    assert.equal(meter.rate(3200), 0);
  });

  it("a busy edge counted in flows shows its rate and turns into a flow; quiet again, it returns to dots", () => {
    const model = traffic([...socket("sender-1", "PUSH", "connecting"), ...socket("receiver-1", "PULL", "bound")]);
    for (let t = 100; t <= 1000; t += 100) model.observe(flow("receiver-1", "recv", 500, t), 0);
    const busy = model.edgeView("sender-1", "receiver-1", 0);
    assert.equal(busy.view, "flow");
    assert.ok(busy.rate >= 4000, `rate ${busy.rate}`);
    // The page's clock moves on with no event: two seconds later the rate is gone.
    const quiet = model.edgeView("sender-1", "receiver-1", 2000);
    assert.deepEqual(quiet, { view: "dots", rate: 0 });
  });
});

describe("messages waiting at a sender", () => {
  it("a REQ's request counts as queued from its send until the REP receives it", () => {
    const model = traffic([...socket("client-1", "REQ", "connecting"), ...socket("server-1", "REP", "bound"), send("client-1", 1, 10)]);
    assert.equal(model.queued("client-1"), 1);
    assert.equal(model.queued("server-1"), undefined, "nothing waits at a REP");
    model.observe(recv("server-1", 1, 20), 0);
    assert.equal(model.queued("client-1"), 0);
  });

  it("a PUSH's tasks wait until a worker takes them, counted ones included; other workers are not its peers' senders", () => {
    const model = traffic([
      ...socket("ventilator-1", "PUSH", "bound"),
      ...socket("worker-1", "PULL", "connecting"),
      ...socket("worker-2", "PULL", "connecting"),
    ]);
    for (let seq = 1; seq <= 5; seq++) model.observe(send("ventilator-1", seq, seq), 0);
    model.observe(flow("ventilator-1", "send", 100, 6), 0);
    assert.equal(model.queued("ventilator-1"), 105);
    model.observe(recv("worker-1", 1, 7), 0);
    model.observe(deliver("ventilator-1", "worker-1", 1, 7), 0);
    model.observe(flow("worker-2", "recv", 50, 8), 0);
    assert.equal(model.queued("ventilator-1"), 105 - 1 - 50, "a receipt counts once, whether its delivery follows or not");
  });

  it("a task declared lost leaves the queue; a loss of another sender's message changes nothing", () => {
    const model = traffic([
      ...socket("ventilator-1", "PUSH", "bound"),
      ...socket("worker-1", "PULL", "connecting"),
      send("ventilator-1", 1, 1),
      send("ventilator-1", 2, 2),
    ]);
    const lost = (node: string, sendSeq: number, digest: string): RunEvent => ({
      kind: "lost",
      t: 3,
      node,
      socket: 0,
      to: "worker-1",
      reason: "receiver-gone",
      digest,
      sendSeq,
      frames: frames("task"),
    });
    model.observe(lost("ventilator-1", 1, "other"), 0);
    assert.equal(model.queued("ventilator-1"), 2);
    model.observe(lost("ventilator-1", 1, "d1"), 0);
    assert.equal(model.queued("ventilator-1"), 1);
  });

  it("with several senders into one socket, receipts are placed by their deliveries", () => {
    const model = traffic([
      ...socket("streamer-1", "PULL", "bound"),
      ...socket("producer-1", "PUSH", "connecting"),
      ...socket("producer-2", "PUSH", "connecting"),
    ]);
    model.observe(send("producer-1", 1, 1), 0);
    model.observe(send("producer-2", 1, 1), 0);
    model.observe(recv("streamer-1", 1, 2), 0);
    assert.deepEqual([model.queued("producer-1"), model.queued("producer-2")], [1, 1], "a receive alone does not say whose message it was");
    model.observe(deliver("producer-2", "streamer-1", 1, 2), 0);
    assert.deepEqual([model.queued("producer-1"), model.queued("producer-2")], [1, 0]);
  });

  it("nothing is queued at a process that has ended: what it held went with it; started again, it queues afresh", () => {
    const model = traffic([
      ...socket("sender-1", "PUSH", "connecting"),
      ...socket("receiver-1", "PULL", "bound"),
      flow("sender-1", "send", 20_000, 10),
      flow("receiver-1", "recv", 1_749, 20),
    ]);
    assert.equal(model.queued("sender-1"), 18_251);
    model.observe({ kind: "exit", t: 30, node: "sender-1", code: 0, signal: null }, 0);
    assert.equal(model.queued("sender-1"), undefined);
    for (const event of [...socket("sender-1", "PUSH", "connecting", 40), send("sender-1", 1, 50)]) model.observe(event, 0);
    assert.equal(model.queued("sender-1"), 1);
  });

  it("a sender a peer from outside the run connected to has no known queue", () => {
    const model = traffic([...socket("ventilator-1", "PUSH", "bound"), send("ventilator-1", 1, 1)]);
    assert.equal(model.queued("ventilator-1"), 1);
    model.observe({ kind: "external", t: 2, node: "ventilator-1", endpoint: ENDPOINT, count: 1 }, 0);
    assert.equal(model.queued("ventilator-1"), undefined);
  });
});

describe("a REQ's queue", () => {
  it("a reply proves its request arrived, before the server's own report of it comes in", () => {
    const model = traffic([...socket("client-1", "REQ", "connecting"), ...socket("server-1", "REP", "bound"), send("client-1", 1, 10)]);
    model.observe(recv("client-1", 1, 30), 0);
    assert.equal(model.queued("client-1"), 0);
  });
});
