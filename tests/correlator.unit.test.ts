/**
 * Correlation as a stage of its own: hand-made reports of a run's processes go in, the run's
 * events come out, with no process started and no pipe read — as the tutorial's checks are fed
 * hand-made events. What a viewer sees is decided here: which send a receive was, how long it
 * took, which messages were lost and why, and what is never shown.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DemoManifest } from "../protocol/manifest.js";
import { pubSub } from "../protocol/demos/pub-sub/manifest.js";
import { queueDemo } from "../protocol/demos/queue/manifest.js";
import { reqRep } from "../protocol/demos/req-rep/manifest.js";
import type { FramePreview, MessageReport } from "../protocol/report-types.js";
import type { RunEvent } from "../protocol/messages.js";
import { Correlator } from "../server/correlator.js";

const ENDPOINT = "tcp://127.0.0.1:40001";
const frames = (text: string): FramePreview[] => [{ text, binary: false, size: text.length }];
const message = (kind: "send" | "recv", t: number, seq: number, text: string): MessageReport => ({
  kind,
  t,
  socket: 0,
  seq,
  digest: `d-${text}`,
  size: text.length,
  frames: frames(text),
});

/** A correlator on a clock the test moves, and the events it emitted. */
function stage(manifest: DemoManifest) {
  const events: RunEvent[] = [];
  let clock = 0;
  const correlator = new Correlator(manifest, { emit: (event) => events.push(event), now: () => clock });
  return {
    correlator,
    events,
    at(t: number) {
      clock = t;
    },
  };
}

/**
 * A QUEUE run set up by hand: queue-1 (ROUTER frontend, DEALER backend), client-1 and client-2
 * (REQ) and worker-1 (REP), all started at 0 and heard until 4.
 */
function queueRun() {
  const { correlator, events, at } = stage(queueDemo);
  const FRONTEND = "tcp://127.0.0.1:40001";
  const BACKEND = "tcp://127.0.0.1:40002";
  const enveloped = (kind: "send" | "recv", t: number, seq: number, socket: number, identity: string, text: string): MessageReport => ({
    kind,
    t,
    socket,
    seq,
    digest: `d-${text}`,
    size: 5 + text.length,
    frames: [{ text: identity, binary: true, size: 5 }, { text: "", binary: false, size: 0 }, ...frames(text)],
  });
  correlator.spawned("queue-1", "queue", 1, 301, 0, []);
  correlator.spawned("client-1", "client", 1, 302, 0, [FRONTEND]);
  correlator.spawned("client-2", "client", 2, 303, 0, [FRONTEND]);
  correlator.spawned("worker-1", "worker", 1, 304, 0, [BACKEND]);
  correlator.reports("queue-1", {
    reports: [
      { kind: "socket", t: 1, socket: 0, type: "ROUTER" },
      { kind: "bound", t: 1, socket: 0, requested: "tcp://127.0.0.1:*", endpoint: FRONTEND },
      { kind: "socket", t: 1, socket: 1, type: "DEALER" },
      { kind: "bound", t: 1, socket: 1, requested: "tcp://127.0.0.1:*", endpoint: BACKEND },
    ],
    heardUntil: 2,
  });
  for (const [node, t] of [
    ["client-1", 3],
    ["client-2", 3],
    ["worker-1", 3],
  ] as const) {
    correlator.reports(node, {
      reports: [
        { kind: "socket", t, socket: 0, type: node.startsWith("client") ? "REQ" : "REP" },
        { kind: "connecting", t, socket: 0, endpoint: node.startsWith("client") ? FRONTEND : BACKEND },
      ],
      heardUntil: 4,
    });
  }
  /** worker-1 takes its first request from the device at 13 and answers it at 20. */
  const workerAnswers = (request: string, reply: string) =>
    correlator.reports("worker-1", {
      reports: [
        { ...message("recv", 13, 1, request), frames: [{ text: "", binary: false, size: 0 }, ...frames(request)] },
        message("send", 20, 1, reply),
      ],
      heardUntil: 21,
    });
  /** Every delivery drawn so far, as sender#seq→receiver, sorted. */
  const deliveries = () =>
    events
      .filter((event) => event.kind === "deliver")
      .map(({ node, from, sendSeq }) => `${from}#${sendSeq}→${node}`)
      .sort();
  return { correlator, at, enveloped, workerAnswers, deliveries };
}

describe("correlation, from hand-made reports", () => {
  it("pairs a request with its receipt: one delivery from the client to the server, its latency the two clocks' difference", () => {
    const { correlator, events, at } = stage(reqRep);
    try {
      correlator.spawned("server-1", "server", 1, 101, 0, []);
      correlator.spawned("client-1", "client", 1, 102, 0, [ENDPOINT]);
      correlator.reports("server-1", {
        reports: [
          { kind: "socket", t: 1, socket: 0, type: "REP" },
          { kind: "bound", t: 2, socket: 0, requested: "tcp://127.0.0.1:*", endpoint: ENDPOINT },
        ],
        heardUntil: 2,
      });
      correlator.reports("client-1", {
        reports: [
          { kind: "socket", t: 3, socket: 0, type: "REQ" },
          { kind: "connecting", t: 4, socket: 0, endpoint: ENDPOINT },
          message("send", 10, 1, "Hello"),
        ],
        heardUntil: 11,
      });
      at(20);
      correlator.reports("server-1", { reports: [message("recv", 12.5, 1, "Hello")], heardUntil: 20 });

      const deliveries = events.filter((event) => event.kind === "deliver");
      assert.deepEqual(
        deliveries.map(({ node, from, sendSeq, recvSeq, latencyMs, frames }) => ({
          node,
          from,
          sendSeq,
          recvSeq,
          latencyMs,
          text: frames[0]?.text,
        })),
        [{ node: "server-1", from: "client-1", sendSeq: 1, recvSeq: 1, latencyMs: 2.5, text: "Hello" }],
      );
      // The reports themselves come out too, stamped with their node, before what was worked out from them.
      const kinds = events.map((event) => `${event.kind}@${event.node}`);
      assert.deepEqual(kinds, [
        "spawn@server-1",
        "spawn@client-1",
        "socket@server-1",
        "bound@server-1",
        "socket@client-1",
        "connecting@client-1",
        "send@client-1",
        "recv@server-1",
        "deliver@server-1",
      ]);
    } finally {
      correlator.dispose();
    }
  });

  it("a publisher's update that no subscriber wanted is lost at the publisher; the bridge's bookkeeping is never shown", () => {
    const { correlator, events, at } = stage(pubSub);
    try {
      correlator.spawned("publisher-1", "publisher", 1, 201, 0, []);
      correlator.reports("publisher-1", {
        reports: [
          { kind: "socket", t: 1, socket: 0, type: "XPUB" },
          { kind: "bound", t: 2, socket: 0, requested: "tcp://127.0.0.1:*", endpoint: ENDPOINT },
          { kind: "receive-idle", t: 3, socket: 0 },
          message("send", 5, 1, "weather/paris 21"),
        ],
        heardUntil: 6,
      });
      at(2000);
      correlator.reports("publisher-1", { reports: [], heardUntil: 2000 });
      correlator.exited("publisher-1", 0, null);

      const lost = events.filter((event) => event.kind === "lost");
      assert.deepEqual(
        lost.map(({ node, to, reason, sendSeq }) => ({ node, to, reason, sendSeq })),
        [{ node: "publisher-1", to: undefined, reason: "no-subscriber", sendSeq: 1 }],
      );
      assert.equal(
        events.some((event) => (event.kind as string) === "receive-idle" || (event.kind as string) === "counting"),
        false,
      );
    } finally {
      correlator.dispose();
    }
  });

  it("what is judged after Stop began is not shown: the processes are being ended in no set order", () => {
    const { correlator, events, at } = stage(pubSub);
    try {
      correlator.spawned("publisher-1", "publisher", 1, 201, 0, []);
      correlator.reports("publisher-1", {
        reports: [
          { kind: "socket", t: 1, socket: 0, type: "XPUB" },
          { kind: "bound", t: 2, socket: 0, requested: "tcp://127.0.0.1:*", endpoint: ENDPOINT },
        ],
        heardUntil: 2,
      });
      at(100);
      correlator.stopping();
      correlator.reports("publisher-1", { reports: [message("send", 150, 1, "weather/paris 21")], heardUntil: 2000 });
      at(2000);
      correlator.exited("publisher-1", null, "SIGTERM");
      assert.deepEqual(
        events.filter((event) => event.kind === "lost"),
        [],
      );
      assert.ok(events.some((event) => event.kind === "exit"));
    } finally {
      correlator.dispose();
    }
  });

  it("a client's reply waits while the device's receipt of its request waits on the other client: both clients' replies are drawn", () => {
    // The QUEUE device's ROUTER cannot pair a request until every client that could have sent
    // it has been heard past it; a client blocked on its reply is heard only every so often. A
    // reply that comes back before then must wait for its request's receipt, not give up on it.
    const { correlator, at, enveloped, workerAnswers, deliveries } = queueRun();
    try {
      const request = "Hello 1 from client-1";
      const reply = "World from worker-1, for Hello 1 from client-1";
      correlator.reports("client-1", { reports: [message("send", 10, 1, request)], heardUntil: 11 });
      // The device takes it and passes it on; client-2 has not been heard past it yet.
      correlator.reports("queue-1", {
        reports: [enveloped("recv", 12, 1, 0, "006b8b4567", request), enveloped("send", 12.5, 1, 1, "006b8b4567", request)],
        heardUntil: 13,
      });
      workerAnswers(request, reply);
      correlator.reports("queue-1", {
        reports: [enveloped("recv", 21, 1, 1, "006b8b4567", reply), enveloped("send", 21.5, 1, 0, "006b8b4567", reply)],
        heardUntil: 22,
      });
      // Its reply in hand, client-1 asks again, and the device takes that too: two receives from
      // its identity now wait, and the reply to the first waits to learn whose the identity is.
      const second = "Hello 2 from client-1";
      correlator.reports("client-1", { reports: [message("recv", 23, 1, reply), message("send", 24, 2, second)], heardUntil: 25 });
      correlator.reports("queue-1", { reports: [enveloped("recv", 26, 2, 0, "006b8b4567", second)], heardUntil: 27 });
      // The device is heard past the reply before client-2 is heard past the requests.
      at(30);
      correlator.reports("queue-1", { reports: [], heardUntil: 30 });
      correlator.reports("client-2", { reports: [], heardUntil: 30 });

      assert.deepEqual(deliveries(), [
        "client-1#1→queue-1",
        "client-1#2→queue-1",
        "queue-1#1→client-1",
        "queue-1#1→worker-1",
        "worker-1#1→queue-1",
      ]);
    } finally {
      correlator.dispose();
    }
  });

  it("a message from a client's identity that cannot be told does not blind the device to that client for the rest of the run", () => {
    const { correlator, enveloped, workerAnswers, deliveries } = queueRun();
    try {
      // The device takes a message from an identity that no client sent (say, it came from a
      // process before its life was known): where it came from is not known.
      correlator.reports("queue-1", { reports: [enveloped("recv", 5, 1, 0, "006b8b4567", "Hello 0")], heardUntil: 6 });
      for (const node of ["client-1", "client-2", "worker-1"]) correlator.reports(node, { reports: [], heardUntil: 7 });
      // Then client-1, behind that identity, asks, and the device takes it and passes it on.
      const request = "Hello 1 from client-1";
      const reply = "World from worker-1, for Hello 1 from client-1";
      correlator.reports("client-1", { reports: [message("send", 10, 1, request)], heardUntil: 11 });
      correlator.reports("queue-1", {
        reports: [enveloped("recv", 12, 2, 0, "006b8b4567", request), enveloped("send", 12.5, 1, 1, "006b8b4567", request)],
        heardUntil: 13,
      });
      correlator.reports("client-2", { reports: [], heardUntil: 14 });
      workerAnswers(request, reply);
      correlator.reports("queue-1", {
        reports: [enveloped("recv", 21, 1, 1, "006b8b4567", reply), enveloped("send", 21.5, 2, 0, "006b8b4567", reply)],
        heardUntil: 22,
      });
      correlator.reports("client-1", { reports: [message("recv", 23, 1, reply)], heardUntil: 25 });
      correlator.reports("client-2", { reports: [], heardUntil: 25 });
      correlator.reports("queue-1", { reports: [], heardUntil: 25 });

      assert.deepEqual(deliveries(), ["client-1#1→queue-1", "queue-1#1→worker-1", "queue-1#2→client-1", "worker-1#1→queue-1"]);
    } finally {
      correlator.dispose();
    }
  });
});
