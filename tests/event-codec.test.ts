/**
 * The binary form of run events (protocol/event-codec.ts) that the deck's page reads: every kind
 * comes back exactly as the JSON form would give it, in order; anything that is not a frame the
 * encoder wrote is refused with a named error; and over a real bridge a client asking for binary
 * frames receives the very events a JSON client does.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventCodecError, EventEncoder, decodeEvents } from "../protocol/event-codec.js";
import type { RunEvent } from "../protocol/messages.js";
import type { FramePreview } from "../protocol/report-types.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";

/** What a JSON client would make of `events`: the reference every decoding must equal. */
const viaJson = (events: RunEvent[]): RunEvent[] => JSON.parse(JSON.stringify(events)) as RunEvent[];

const roundTrip = (runId: string, events: RunEvent[]) => decodeEvents(new EventEncoder().encode(runId, events));

const text = (value: string): FramePreview => ({ text: value, binary: false, size: new TextEncoder().encode(value).length });
const hello = [text("Hello")];
const binaryFrames: FramePreview[] = [{ text: "00ff7f80", binary: true, size: 4 }, text("")];

const EVERY_KIND: RunEvent[] = [
  { kind: "spawn", t: 1.5, node: "client-1", role: "client", index: 1, pid: 4242 },
  { kind: "socket", t: 2, socket: 0, type: "REQ", node: "client-1" },
  { kind: "bound", t: 2.25, socket: 0, requested: "tcp://127.0.0.1:*", endpoint: "tcp://127.0.0.1:40123", node: "server-1" },
  { kind: "connecting", t: 2.5, socket: 0, endpoint: "tcp://127.0.0.1:40123", node: "client-1" },
  { kind: "monitor", t: 3, socket: 0, event: "connect", endpoint: "tcp://127.0.0.1:40123", node: "client-1" },
  { kind: "monitor", t: 3.1, socket: 0, event: "close", node: "client-1" },
  { kind: "send", t: 4.000123, socket: 0, seq: 1, digest: "d56d5c64c4697301", size: 5, frames: hello, node: "client-1" },
  { kind: "recv", t: 4.5, socket: 0, seq: 1, digest: "d56d5c64c4697301", size: 5, frames: [text("Hello")], node: "server-1" },
  {
    kind: "deliver",
    t: 4.5,
    node: "server-1",
    from: "client-1",
    fromSocket: 0,
    digest: "d56d5c64c4697301",
    size: 5,
    frames: hello,
    sendSeq: 1,
    recvSeq: 3,
    latencyMs: 0.499877,
  },
  // Empty messages, binary previews, a digest that is not 16 hex digits.
  { kind: "send", t: 5, socket: 1, seq: 2, digest: "", size: 0, frames: [], node: "client-1" },
  { kind: "recv", t: 5.5, socket: 0, seq: 2, digest: "not-hex", size: 4, frames: binaryFrames, node: "server-1" },
  {
    kind: "deliver",
    t: 5.5,
    node: "server-1",
    from: "client-1",
    fromSocket: 1,
    digest: "",
    size: 0,
    frames: [],
    sendSeq: 2,
    recvSeq: 2,
    latencyMs: 0,
  },
  { kind: "flow", t: 6, socket: 0, direction: "send", count: 1234, bytes: 78_976, node: "client-1" },
  { kind: "flow", t: 6, socket: 0, direction: "recv", count: 1, bytes: 2 ** 40, node: "server-1" },
  {
    kind: "lost",
    t: 7,
    node: "publisher-1",
    socket: 0,
    to: "subscriber-2",
    reason: "slow-joiner",
    digest: "0011223344556677",
    sendSeq: 9,
    frames: [text("weather"), text("ünïcødé ✓")],
  },
  {
    kind: "lost",
    t: 7.5,
    node: "publisher-1",
    socket: 0,
    reason: "no-subscriber",
    digest: "8899aabbccddeeff",
    sendSeq: 10,
    frames: binaryFrames,
  },
  { kind: "log", t: 8, node: "server-1", stream: "stdout", text: "Received “Hello” — 你好, 👋" },
  { kind: "log", t: 8.5, node: "server-1", stream: "stderr", text: "" },
  { kind: "error", t: 9, socket: 0, code: "EFSM", message: "Operation cannot be accomplished in current state", node: "client-1" },
  { kind: "error", t: 9.5, code: "EAGAIN", message: "no socket", node: "client-1" },
  { kind: "filters", t: 10, socket: 0, filters: ["", "weather ✓"], node: "subscriber-2" },
  { kind: "send-waiting", t: 11, socket: 0, waiting: true, node: "client-1" },
  { kind: "external", t: 12, node: "server-1", endpoint: "tcp://127.0.0.1:40123", count: 2 },
  { kind: "action", t: 13, node: "subscriber-2", action: "filter", filter: "weather" },
  { kind: "action", t: 13.5, node: "worker-3", action: "kill" },
  { kind: "tally", t: 14, sent: 2, received: 2, node: "client-1" },
  { kind: "exit", t: 15, node: "client-1", code: 0, signal: null },
  { kind: "exit", t: 15.5, node: "server-1", code: null, signal: "SIGTERM" },
];

describe("binary events", () => {
  it("give back every kind of event exactly as JSON does, in order", () => {
    const { runId, events } = roundTrip("run-7", EVERY_KIND);
    assert.equal(runId, "run-7");
    assert.deepEqual(events, viaJson(EVERY_KIND));
  });

  it("keep values the fixed layouts cannot hold as JSON would", () => {
    const odd: RunEvent[] = [
      { kind: "send", t: Number.NaN, socket: 0, seq: 1, digest: "aa", size: 1, frames: hello, node: "a-0" },
      { kind: "recv", t: 1, socket: 0, seq: 2 ** 32 + 5, digest: "aa", size: 1.5, frames: hello, node: "b-0" },
      {
        kind: "deliver",
        t: -0,
        node: "b-0",
        from: "a-0",
        fromSocket: -1,
        digest: "aa",
        size: 1,
        frames: hello,
        sendSeq: 1,
        recvSeq: 1,
        latencyMs: Number.POSITIVE_INFINITY,
      },
      { kind: "flow", t: 2, socket: 0, direction: "send", count: -3, bytes: 1, node: "a-0" },
    ];
    assert.deepEqual(roundTrip("run-1", odd).events, viaJson(odd));
  });

  it("carry a batch as large as a busy run's, with thousands of distinct messages", () => {
    const events: RunEvent[] = [];
    for (let seq = 1; seq <= 5000; seq++) {
      const frames = [text(`task ${seq}`), { text: seq.toString(16).padStart(8, "0"), binary: true, size: 4 }];
      const digest = seq.toString(16).padStart(16, "0");
      events.push({ kind: "send", t: seq, socket: 0, seq, digest, size: 12, frames, node: "ventilator-1" });
      events.push({
        kind: "recv",
        t: seq + 0.5,
        socket: 0,
        seq,
        digest,
        size: 12,
        frames: structuredClone(frames),
        node: `worker-${(seq % 3) + 1}`,
      });
      events.push({
        kind: "deliver",
        t: seq + 0.5,
        node: `worker-${(seq % 3) + 1}`,
        from: "ventilator-1",
        fromSocket: 0,
        digest,
        size: 12,
        frames,
        sendSeq: seq,
        recvSeq: seq + 7,
        latencyMs: 0.5,
      });
    }
    assert.deepEqual(roundTrip("run-2", events).events, viaJson(events));
  });

  it("refuse a frame cut short at any byte, by name", () => {
    const frame = new EventEncoder().encode("run-3", EVERY_KIND);
    for (let length = 0; length < frame.length; length++) {
      assert.throws(() => decodeEvents(frame.subarray(0, length)), EventCodecError, `cut to ${length} of ${frame.length} bytes`);
    }
  });

  it("refuse a frame of another format, an unknown event, and bytes that are not UTF-8", () => {
    const frame = new EventEncoder().encode("run-4", EVERY_KIND.slice(0, 8));
    const otherFormat = frame.slice();
    otherFormat[0] = 9;
    assert.throws(() => decodeEvents(otherFormat), { name: "EventCodecError", message: /format 9/ });
    const unknownTag = frame.slice();
    unknownTag[13] = 200;
    assert.throws(() => decodeEvents(unknownTag), EventCodecError);
    assert.throws(
      () => decodeEvents(new TextEncoder().encode(JSON.stringify({ type: "events", runId: "run-4", events: [] }))),
      EventCodecError,
    );
    const notUtf8 = new EventEncoder().encode("run-4", [{ kind: "log", t: 1, node: "a-0", stream: "stdout", text: "é" }]);
    const at = notUtf8.lastIndexOf(0xc3);
    notUtf8[at] = 0xff;
    assert.throws(() => decodeEvents(notUtf8), EventCodecError);
  });
});

describe("a client asking for binary events, over a real bridge", () => {
  let bridge: RunningBridge;
  before(async () => {
    bridge = await startBridge();
  });
  after(() => bridge.stop());

  it("receives exactly the events, in order, that a JSON client watching the same run receives", async () => {
    const binary = await BridgeClient.open(bridge.url, { binaryEvents: true });
    const json = await BridgeClient.open(bridge.url);
    try {
      assert.equal(binary.socket.protocol, "zmq-events.binary.v1", "the bridge took the subprotocol");
      assert.equal(json.socket.protocol, "", "a client offering none is given none");
      const watchId = json.newRequestId();
      json.send({ type: "watch", requestId: watchId, demo: "push-pull" });
      await json.waitFor((message) => message.type === "watching");
      const started = await binary.run("push-pull", { workers: 2 });
      assert.equal(started.type, "started");
      const runId = started.type === "started" ? started.runId : "";
      await binary.waitForEvents(runId, (events) => events.filter((event) => event.kind === "deliver").length >= 20);
      binary.stop(runId);
      await binary.stopped(runId);
      await json.stopped(runId);
      const received = binary.events(runId);
      assert.ok(
        received.some((event) => event.kind === "deliver") && received.some((event) => event.kind === "log"),
        "hot and other kinds both came",
      );
      assert.deepEqual(received, json.events(runId));
    } finally {
      await binary.close();
      await json.close();
    }
  });
});
