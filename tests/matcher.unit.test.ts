import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DemoManifest } from "../protocol/manifest.js";
import { DeliveryMatcher, MAX_PENDING, type MatcherContext, type MessageEvent } from "../server/matcher.js";
import { RunTopology } from "../server/topology.js";

/** A manifest of just roles and edges: the matcher asks nothing else of it. */
function manifestOf(roles: string[], edges: [string, string][]): DemoManifest {
  return {
    name: "test",
    title: "test",
    version: 1,
    roles: Object.fromEntries(
      roles.map((role) => [
        role,
        { label: role, socket: "", script: "", count: { default: 1, min: 1, max: 1 }, endpoints: [], params: [] },
      ]),
    ),
    endpoints: {},
    edges: edges.map(([from, to]) => ({ from, to })),
    params: {},
    layout: [roles],
  };
}

/**
 * client-1 talks to server-1 (one PAIR to another: no pattern fixes where a message goes);
 * pub-0 fans out to sub-0 and sub-1; lonely-0 talks to nobody. Every node started long ago.
 */
function topology(): RunTopology {
  const topology = new RunTopology(
    manifestOf(
      ["client", "server", "pub", "sub", "lonely"],
      [
        ["client", "server"],
        ["pub", "sub"],
      ],
    ),
  );
  for (const [node, role, type] of [
    ["client-1", "client", "PAIR"],
    ["server-1", "server", "PAIR"],
    ["pub-0", "pub", "PUB"],
    ["sub-0", "sub", "SUB"],
    ["sub-1", "sub", "SUB"],
    ["lonely-0", "lonely", "PAIR"],
  ] as const) {
    topology.spawned(node, role, -1000);
    topology.socketOpened(node, 0, type);
  }
  return topology;
}

function matcherOf(context: Partial<MatcherContext> = {}): DeliveryMatcher {
  return new DeliveryMatcher({ topology: topology(), outsideDuring: () => false, ...context });
}

let clock = 0;
function message(kind: "send" | "recv", node: string, text: string, seq: number, t = (clock += 1)): MessageEvent {
  return {
    kind,
    node,
    t,
    socket: 0,
    seq,
    digest: `digest:${text}`,
    size: text.length,
    frames: [{ text, binary: false, size: text.length }],
  };
}

describe("matching sends to receives", () => {
  it("pairs a send with the receive that follows it, with the latency between them", () => {
    const matcher = matcherOf();
    assert.deepEqual(matcher.add(message("send", "client-1", "Hello", 1, 100)), []);
    const [delivery] = matcher.add(message("recv", "server-1", "Hello", 1, 100.5));
    assert.equal(delivery?.from, "client-1");
    assert.equal(delivery?.node, "server-1");
    assert.equal(delivery?.latencyMs, 0.5);
  });

  it("pairs a receive that was reported before its send", () => {
    const matcher = matcherOf();
    assert.deepEqual(matcher.add(message("recv", "server-1", "Hello", 1, 200.2)), []);
    const deliveries = matcher.add(message("send", "client-1", "Hello", 1, 200));
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0]?.node, "server-1");
  });

  it("pairs identical payloads in the order they were sent", () => {
    const matcher = matcherOf();
    matcher.add(message("send", "client-1", "Hello", 1, 10));
    matcher.add(message("send", "client-1", "Hello", 2, 20));
    assert.equal(matcher.add(message("recv", "server-1", "Hello", 1, 11))[0]?.sendSeq, 1);
    assert.equal(matcher.add(message("recv", "server-1", "Hello", 2, 21))[0]?.sendSeq, 2);
    assert.equal(matcher.pendingSends, 0);
  });

  it("does not pair a receive with a send stamped after it", () => {
    const matcher = matcherOf();
    matcher.add(message("send", "client-1", "Hello", 1, 50));
    assert.deepEqual(matcher.add(message("recv", "server-1", "Hello", 1, 40)), []);
  });

  it("does not pair messages between nodes that are not peers", () => {
    const matcher = matcherOf();
    matcher.add(message("send", "lonely-0", "Hello", 1));
    assert.deepEqual(matcher.add(message("recv", "server-1", "Hello", 1)), []);
  });

  it("keeps a received message apart from a different one", () => {
    const matcher = matcherOf();
    matcher.add(message("send", "client-1", "Hello", 1));
    assert.deepEqual(matcher.add(message("recv", "server-1", "Goodbye", 1)), []);
    assert.equal(matcher.pendingSends, 1);
  });

  it("fans one published message out to each subscriber that received it, once each", () => {
    const matcher = matcherOf();
    matcher.add(message("send", "pub-0", "news", 1, 1));
    assert.equal(matcher.add(message("recv", "sub-0", "news", 1, 2))[0]?.from, "pub-0");
    assert.equal(matcher.add(message("recv", "sub-1", "news", 1, 3))[0]?.from, "pub-0");
    // A second receive of the same payload by sub-0 is a different message, not yet sent.
    assert.deepEqual(matcher.add(message("recv", "sub-0", "news", 2, 4)), []);
    const deliveries = matcher.add(message("send", "pub-0", "news", 2, 3.5));
    assert.deepEqual(
      deliveries.map((delivery) => delivery.node),
      ["sub-0"],
    );
  });

  it("fans out to subscribers whose receives were reported before the publish", () => {
    const matcher = matcherOf();
    matcher.add(message("recv", "sub-0", "tick", 1, 5));
    matcher.add(message("recv", "sub-1", "tick", 1, 6));
    const deliveries = matcher.add(message("send", "pub-0", "tick", 1, 4));
    assert.deepEqual(deliveries.map((delivery) => delivery.node).sort(), ["sub-0", "sub-1"]);
  });
});

describe("matching under duplicates, loss and reordering", () => {
  it("a PUB message fans out to exactly the subscribers that received it: one missing stays unpaired", () => {
    const matcher = matcherOf();
    matcher.add(message("send", "pub-0", "alert", 1, 10));
    assert.deepEqual(
      matcher.add(message("recv", "sub-1", "alert", 1, 11)).map((delivery) => delivery.node),
      ["sub-1"],
    );
    matcher.add(message("send", "pub-0", "calm", 2, 12));
    const later = [...matcher.add(message("recv", "sub-0", "calm", 1, 13)), ...matcher.add(message("recv", "sub-1", "calm", 2, 14))];
    assert.deepEqual(
      later.map((delivery) => [delivery.node, delivery.sendSeq]),
      [
        ["sub-0", 2],
        ["sub-1", 2],
      ],
      "sub-0 never got the alert; nothing pairs it",
    );
  });

  it("receives of two processes reported out of time order, before the sends, each pair with their own send", () => {
    const matcher = matcherOf();
    // Each process reports in its own order; across processes, a later one can come first.
    matcher.add(message("recv", "sub-1", "tick", 1, 22));
    matcher.add(message("recv", "sub-1", "tick", 2, 31));
    matcher.add(message("recv", "sub-0", "tick", 1, 21));
    matcher.add(message("recv", "sub-0", "tick", 2, 32));
    const first = matcher.add(message("send", "pub-0", "tick", 1, 20));
    const second = matcher.add(message("send", "pub-0", "tick", 2, 30));
    assert.deepEqual(first.map((delivery) => [delivery.node, delivery.recvSeq]).sort(), [
      ["sub-0", 1],
      ["sub-1", 1],
    ]);
    assert.deepEqual(second.map((delivery) => [delivery.node, delivery.recvSeq]).sort(), [
      ["sub-0", 2],
      ["sub-1", 2],
    ]);
  });

  it("a receiver that exits mid-stream leaves the sends it never took unpaired, and later identical ones pair in order", () => {
    const matcher = matcherOf();
    for (let seq = 1; seq <= 3; seq++) matcher.add(message("send", "client-1", "Hello", seq, seq * 10));
    assert.equal(matcher.add(message("recv", "server-1", "Hello", 1, 11))[0]?.sendSeq, 1);
    // server-1 was killed here: 2 and 3 were never received.
    assert.equal(matcher.pendingSends, 2);
    assert.equal(
      matcher.add(message("recv", "server-1", "Hello", 1, 35))[0]?.sendSeq,
      2,
      "a new receive pairs with the oldest send stamped before it",
    );
  });
});

describe("receives that can never be paired", () => {
  it("a receive whose send went (forgotten or taken) is dropped once its sender is heard past it, and later identical messages pair one to one", () => {
    const matcher = matcherOf();
    // The send of this receive never reached the matcher (forgotten under load): only its receive did.
    matcher.heard("client-1", 5);
    assert.deepEqual(matcher.add(message("recv", "server-1", "Hello", 1, 10)), []);
    assert.equal(matcher.pendingReceives, 1, "client-1's send stamped before 10 may still be on its way");
    matcher.heard("client-1", 20);
    // A later identical send must not pair with the stale receive (stamped before it): that one is dropped.
    assert.deepEqual(matcher.add(message("send", "client-1", "Hello", 2, 30)), []);
    assert.equal(matcher.pendingReceives, 0);
    assert.equal(matcher.add(message("recv", "server-1", "Hello", 2, 31))[0]?.sendSeq, 2);
    // Heard past already: a receive with nothing to pair is not kept at all.
    matcher.heard("client-1", 50);
    assert.deepEqual(matcher.add(message("recv", "server-1", "Hello", 3, 40)), []);
    assert.equal(matcher.pendingReceives, 0);
  });

  it("a receive waits while any node that could have sent it has not been heard past it, and for good once all have ended", () => {
    const matcher = matcherOf();
    assert.deepEqual(matcher.add(message("recv", "sub-0", "news", 1, 10)), []);
    matcher.heard("pub-0", 9);
    assert.deepEqual(matcher.add(message("recv", "sub-0", "news 2", 2, 11)), []);
    assert.equal(matcher.pendingReceives, 2);
    assert.equal(matcher.add(message("send", "pub-0", "news", 1, 9.5))[0]?.recvSeq, 1, "the late send still finds its receive");
    matcher.heard("pub-0", Infinity);
    assert.equal(matcher.pendingReceives, 0, "once pub-0 has ended, the receive it never sent waits no more");
    assert.deepEqual(matcher.add(message("recv", "sub-0", "from outside", 3, 12)), []);
    assert.equal(matcher.pendingReceives, 0, "nor does one that arrives after pub-0 ended");
  });
});

describe("what waits for a partner stays bounded", () => {
  it("a long PUB run of unique payloads keeps at most MAX_PENDING sends, forgetting the oldest first and saying so", () => {
    const forgotten: number[] = [];
    const matcher = matcherOf({ forgotSend: (send) => forgotten.push(send.seq) });
    const total = MAX_PENDING + 5000;
    for (let seq = 1; seq <= total; seq++) {
      matcher.add(message("send", "pub-0", `update #${seq}`, seq, seq));
      assert.equal(matcher.add(message("recv", "sub-0", `update #${seq}`, seq, seq + 0.5)).length, 1);
    }
    assert.equal(matcher.pendingSends, MAX_PENDING);
    assert.equal(matcher.pendingDigests, MAX_PENDING);
    assert.deepEqual(forgotten.slice(0, 3), [1, 2, 3]);
    assert.equal(forgotten.length, total - MAX_PENDING);
    // sub-1 still gets the newest drawn; the oldest is forgotten, so its receive pairs with nothing.
    assert.equal(matcher.add(message("recv", "sub-1", `update #${total}`, 1, total + 1))[0]?.sendSeq, total);
    assert.deepEqual(matcher.add(message("recv", "sub-1", "update #1", 2, total + 2)), []);
  });

  it("receives with no send (from a peer outside the run) keep at most MAX_PENDING, the oldest forgotten first", () => {
    const matcher = matcherOf();
    const total = MAX_PENDING + 100;
    for (let seq = 1; seq <= total; seq++) matcher.add(message("recv", "server-1", `outside ${seq}`, seq, seq));
    assert.equal(matcher.pendingReceives, MAX_PENDING);
    assert.equal(matcher.pendingDigests, MAX_PENDING);
    // client-1 is heard from: it sent none of those. Each socket's receives are settled in order,
    // so the newest pairs once those before it are settled.
    const forgotten = matcher.add(message("send", "client-1", "outside 1", 1, 0.5));
    matcher.heard("client-1", total - 1);
    assert.equal(matcher.add(message("send", "client-1", `outside ${total}`, 2, total - 0.5)).length, 1, "the newest still pairs");
    assert.deepEqual(forgotten, [], "the oldest was forgotten");
  });

  it("sends nobody received, across many digests and one repeated one, keep at most MAX_PENDING; pairing stays in order", () => {
    const matcher = matcherOf();
    for (let seq = 1; seq <= MAX_PENDING * 2; seq++)
      matcher.add(message("send", "client-1", seq % 2 === 0 ? "Hello" : `task ${seq}`, seq, seq));
    assert.equal(matcher.pendingSends, MAX_PENDING);
    // The "Hello"s still waiting are the newest half of them, paired oldest first.
    assert.equal(matcher.add(message("recv", "server-1", "Hello", 1, MAX_PENDING * 2 + 1))[0]?.sendSeq, MAX_PENDING + 2);
    assert.equal(matcher.add(message("recv", "server-1", "Hello", 2, MAX_PENDING * 2 + 2))[0]?.sendSeq, MAX_PENDING + 4);
    assert.equal(matcher.pendingSends, MAX_PENDING - 2);
  });
});
