/**
 * Every pattern, run as real processes through the real bridge, checked from the events the
 * processes reported. Loopback only; every run is bounded in messages and time and stopped.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { RunEvent } from "../protocol/messages.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";
import { demoProcessesOf } from "../harness/processes.js";
import { python } from "./helpers/peers.js";

let bridge: RunningBridge;
let client: BridgeClient;

before(async () => {
  bridge = await startBridge();
});
// A fresh connection per test: a test that fails part-way leaves no run behind (closing a
// connection ends its runs).
beforeEach(async () => {
  client = await BridgeClient.open(bridge.url);
});
afterEach(() => client?.close());
after(async () => {
  await bridge?.stop();
});

function eventsOf(kind: RunEvent["kind"], node?: string) {
  return client.events().filter((event) => event.kind === kind && (node === undefined || event.node === node));
}

describe("the distributed adder", () => {
  for (const { length, size, workers, wait } of [
    { length: 100, size: 10, workers: 1, wait: 0 },
    { length: 1000, size: 7, workers: 3, wait: 1 },
    { length: 5000, size: 64, workers: 6, wait: 0 },
    { length: 2000, size: 50, workers: 5, wait: 1 },
  ]) {
    it(`adds 0..${length - 1} exactly in sub-arrays of ${size} with ${workers} worker(s), waiting for them: ${wait === 1}`, async () => {
      const runId = await client.start("dist-adder", { length, size, workers, wait });
      const expected = (length * (length - 1)) / 2;
      const tasks = Math.ceil(length / size);
      await client.waitUntil(() => client.output("sink-1").some((line) => line.startsWith("Total:")), 30_000, "the sink's total");
      const total = client.output("sink-1").find((line) => line.startsWith("Total:"));
      assert.equal(total, `Total: ${expected} (${tasks} sub-arrays)`);
      // Each process reports over its own channel: the workers' last reports may follow the sink's line.
      // Tasks only: a worker's results socket (an XPUB) also receives the sink's subscription.
      const tasksOf = (node: string) =>
        client.events().filter((event) => event.kind === "recv" && event.node === node && event.socket === 0).length;
      const perWorker = () => Array.from({ length: workers }, (_, index) => tasksOf(`worker-${index + 1}`));
      await client.waitUntil(() => perWorker().reduce((a, b) => a + b, 0) >= tasks, 10_000, "the workers' reports");
      await client.stop(runId);
      assert.equal(
        perWorker().reduce((a, b) => a + b, 0),
        tasks,
        "the workers took every task once",
      );
      // The fix: a manager that waits for its workers hands every one of them a share.
      if (wait === 1)
        assert.ok(
          perWorker().every((count) => count > 0),
          `every worker got work: ${perWorker()}`,
        );
    });
  }

  it("a malformed Result from a Python publisher gets a clear error in the sink, the total stays exact, and the sink ends by itself once it has it", async () => {
    const runId = await client.start("dist-adder", { length: 300, size: 10, workers: 3, wait: 1 });
    // The manager held still once bound (it waits for its workers before it sends): no total
    // until the malformed Result has reached the sink.
    await client.waitUntil(
      () => eventsOf("bound", "manager-1").length === 1 && eventsOf("bound", "sink-1").length === 1,
      15_000,
      "the manager and the sink bound",
    );
    const manager = eventsOf("spawn", "manager-1")[0] as { pid: number };
    process.kill(manager.pid, "SIGSTOP");
    try {
      const started = eventsOf("bound", "sink-1")[0] as { endpoint: string };
      const peer = await python("pub_results.py", [started.endpoint]);
      assert.equal(peer.code, 0, peer.output);
      await client.waitUntil(
        () => client.output("sink-1").some((line) => line.startsWith("Ignored a bad result")),
        10_000,
        "the sink's error",
      );
    } finally {
      process.kill(manager.pid, "SIGCONT");
    }
    assert.match(client.output("sink-1").find((line) => line.startsWith("Ignored"))!, /a Result must be JSON/);
    await client.waitUntil(() => eventsOf("exit", "sink-1").length === 1, 30_000, "the sink's end");
    assert.ok(client.output("sink-1").includes("Total: 44850 (30 sub-arrays)"), "the total is exact");
    assert.equal((eventsOf("exit", "sink-1")[0] as { code: number | null }).code, 0, "the sink ended by itself, its work done");
    await client.stop(runId);
  });
});

describe("push-pull", () => {
  it("a killed worker's queued tasks are reported lost: each worker's count plus the lost count is what the ventilator sent", async () => {
    const tasks = 120;
    const runId = await client.start("push-pull", { workers: 3, rate: 60, work: 100, tasks });
    // Tasks come faster than three workers take them, so each worker's pipe fills up.
    await client.waitUntil(() => [1, 2, 3].every((index) => client.count(`worker-${index}`, "recv") >= 3), 20_000, "every worker at work");
    const killed = await client.request({ type: "action", runId, action: "kill", node: "worker-2" });
    assert.equal(killed.type, "acted");
    await client.waitUntil(() => eventsOf("exit", "worker-2").length === 1, 10_000, "the kill");

    const accounted = () => [1, 2, 3].reduce((sum, index) => sum + client.count(`worker-${index}`, "recv"), 0) + client.lost().length;
    await client.waitUntil(
      () => client.count("ventilator-1", "send") === tasks && accounted() === tasks,
      60_000,
      "every task received or lost",
    );
    const lost = client.lost();
    assert.ok(lost.length > 0, "the killed worker had tasks queued");
    assert.ok(lost.every((event) => event.reason === "receiver-gone" && event.to === "worker-2" && event.node === "ventilator-1"));
    assert.equal(accounted(), tasks);
    await client.stop(runId);
  });

  it("workers can be added and a killed one restarted, within the manifest's bounds", async () => {
    const runId = await client.start("push-pull", { workers: 1, rate: 20, work: 0 });
    await client.waitUntil(() => client.count("worker-1", "recv") >= 1, 15_000, "the first worker at work");
    const added = await client.request({ type: "action", runId, action: "add", role: "worker" });
    assert.deepEqual([added.type, (added as { node: string }).node], ["acted", "worker-2"]);
    await client.waitUntil(() => client.count("worker-2", "recv") >= 2, 15_000, "the added worker's tasks");
    await client.request({ type: "action", runId, action: "kill", node: "worker-1" });
    await client.waitUntil(() => eventsOf("exit", "worker-1").length === 1, 10_000, "the kill");
    const spawnsBefore = eventsOf("spawn", "worker-1").length;
    const restarted = await client.request({ type: "action", runId, action: "restart", node: "worker-1" });
    assert.equal(restarted.type, "acted");
    await client.waitUntil(() => eventsOf("spawn", "worker-1").length === spawnsBefore + 1, 10_000, "the restart");

    const refused = await client.request({ type: "action", runId, action: "send-twice", node: "worker-1" });
    assert.equal(refused.type, "error");
    assert.equal((refused as { code: string }).code, "bad-action");
    const unknown = await client.request({ type: "action", runId, action: "kill", node: "worker-10" });
    assert.equal((unknown as { code: string }).code, "unknown-node");
    const smuggled = await client.request({ type: "action", runId, action: "kill", node: "worker-1", command: "rm -rf /" });
    assert.equal((smuggled as { code: string }).code, "bad-message");
    await client.stop(runId);
  });

  it("a Python PULL worker joins a live run, takes tasks, and is counted as an external peer", async () => {
    const runId = await client.start("push-pull", { workers: 2, rate: 40, work: 0 });
    // It joins a run under way: both workers at work, the tasks queued before they came taken.
    // (One that comes first takes that queue at once and may leave before it could be counted.)
    await client.waitUntil(
      () => client.count("worker-1", "recv") >= 1 && client.count("worker-2", "recv") >= 1,
      15_000,
      "both workers at work",
    );
    const endpoint = (eventsOf("bound", "ventilator-1")[0] as { endpoint: string }).endpoint;
    const peer = python("pull_worker.py", [endpoint, "20"]);
    await client.waitUntil(
      () => eventsOf("external").some((event) => (event as { count: number }).count === 1),
      15_000,
      "the external peer",
    );
    const { code, output } = await peer;
    assert.equal(code, 0, output);
    assert.equal(output.match(/python got task \d+/g)?.length, 20);
    await client.waitUntil(() => (eventsOf("external").at(-1) as { count: number }).count === 0, 15_000, "the peer's departure");
    assert.equal(client.lost().length, 0, "tasks the Python worker took are not reported lost");
    await client.stop(runId);
  });
});

describe("pub-sub", () => {
  it("topic filters deliver only matching messages, and a filter changed while running takes effect", async () => {
    const runId = await client.start("pub-sub", { subscribers: 3, rate: 60, sync: 1 });
    await client.waitUntil(() => client.count("subscriber-3", "recv") >= 5, 15_000, "sports updates");
    const topics = (node: string) => eventsOf("recv", node).map((event) => (event as { frames: { text: string }[] }).frames[0]!.text);
    assert.ok(
      topics("subscriber-2").every((topic) => topic.startsWith("weather")),
      "subscriber-2 takes weather only",
    );
    assert.ok(
      topics("subscriber-3").every((topic) => topic.startsWith("sports")),
      "subscriber-3 takes sports only",
    );
    assert.ok(new Set(topics("subscriber-1")).size === 4, "subscriber-1 takes everything");

    const bad = await client.request({ type: "action", runId, action: "filter", node: "subscriber-3", filter: "secrets" });
    assert.equal((bad as { code: string }).code, "bad-action");
    const changed = await client.request({ type: "action", runId, action: "filter", node: "subscriber-3", filter: "news" });
    assert.equal(changed.type, "acted");
    await client.waitUntil(() => topics("subscriber-3").filter((topic) => topic.startsWith("news")).length >= 5, 15_000, "news updates");
    const afterChange = topics("subscriber-3").slice(topics("subscriber-3").findIndex((topic) => topic.startsWith("news")));
    assert.ok(
      afterChange.every((topic) => topic.startsWith("news")),
      "after the change, news only",
    );
    await client.stop(runId);
  });

  it("subscribers that join after the publisher starts lose its first messages; waiting for them loses none", async () => {
    // A subscriber connects and subscribes within a few milliseconds of starting: a publisher
    // sending every 10 ms may send nothing meanwhile, one sending every millisecond always does.
    const late = await client.start("pub-sub", { subscribers: 2, rate: 1000, sync: 0 });
    await client.waitUntil(() => client.lost().some((event) => event.reason === "slow-joiner"), 15_000, "slow-joiner losses");
    await client.stop(late);
    const lostBefore = client.lost().length;

    const synced = await client.start("pub-sub", { subscribers: 2, rate: 100, sync: 1 });
    await client.waitUntil(
      () => client.events().filter((event) => event.kind === "recv" && event.node === "subscriber-1").length >= 100,
      20_000,
      "a hundred updates",
    );
    await client.stop(synced);
    assert.ok(lostBefore > 0);
    assert.equal(client.lost().length, 0, "no message lost when the publisher waits for its subscribers");
    const first = client.events().find((event) => event.kind === "recv" && event.node === "subscriber-1");
    const frames = (first as { frames: { text: string }[] }).frames.map((frame) => frame.text);
    assert.deepEqual(frames, ["weather/paris", "weather/paris #1"], "the first subscriber's first message is the very first one published");
  });

  it("Stop declares nothing lost, even when the publisher outlives its subscriber and publishes to nobody", async () => {
    const runId = await client.start("pub-sub", { subscribers: 1, rate: 200, sync: 1 });
    await client.waitUntil(() => client.count("subscriber-1", "recv") >= 20, 15_000, "updates");
    // Processes end in no set order when a run stops. Hold the publisher still so that its
    // subscriber ends first; let it go once that one has gone, to publish before it sees SIGTERM.
    const publisher = eventsOf("spawn", "publisher-1")[0] as { pid: number };
    process.kill(publisher.pid, "SIGSTOP");
    const sentBeforeStop = client.count("publisher-1", "send");
    const stopped = client.stop(runId);
    try {
      await client.waitUntil(() => eventsOf("exit", "subscriber-1").length === 1, 10_000, "the subscriber's exit");
    } finally {
      process.kill(publisher.pid, "SIGCONT");
    }
    await stopped;
    assert.ok(client.count("publisher-1", "send") > sentBeforeStop, "the publisher published after its subscriber had gone");
    assert.deepEqual(client.lost(), [], "no message is called lost for having been sent while the run stopped");
  });
});

describe("pub-logger", () => {
  it("the watcher filtering by level prints only that level's records, from every program", async () => {
    const runId = await client.start("pub-logger", { programs: 2, rate: 20 });
    await client.waitUntil(() => client.count("watcher-1", "recv") >= 4, 15_000, "log records");
    const acted = await client.request({ type: "action", runId, action: "filter", node: "watcher-1", filter: "ERROR" });
    assert.equal(acted.type, "acted");
    await client.waitUntil(() => eventsOf("filters", "watcher-1").length >= 3, 10_000, "the new filter");
    const since = eventsOf("filters", "watcher-1").at(-1)!.t;
    const levels = () =>
      eventsOf("recv", "watcher-1")
        .filter((event) => event.t > since)
        .map((event) => (event as { frames: { text: string }[] }).frames[0]!.text);
    await client.waitUntil(() => levels().length >= 6, 15_000, "error records");
    assert.ok(
      levels().every((level) => level === "ERROR"),
      `only errors: ${levels()}`,
    );
    // Each program's errors come every few records of its own: wait for both, as a person watching would.
    const writers = () =>
      new Set(
        eventsOf("deliver", "watcher-1")
          .filter((event) => event.t > since)
          .map((event) => (event as { from: string }).from),
      );
    await client.waitUntil(() => writers().size >= 2, 15_000, "errors from both programs");
    assert.deepEqual(writers(), new Set(["program-1", "program-2"]));
    assert.ok(
      levels().every((level) => level === "ERROR"),
      `still only errors: ${levels()}`,
    );
    await client.stop(runId);
  });
});

describe("request-reply extras", () => {
  it("a second request before the reply gets libzmq's EFSM, and the client carries on", async () => {
    const runId = await client.start("req-rep", { interval: 0, work: 400 });
    await client.waitUntil(() => client.count("client-1", "recv") >= 1, 15_000, "a first reply");
    const acted = await client.request({ type: "action", runId, action: "send-twice", node: "client-1" });
    assert.equal(acted.type, "acted");
    await client.waitUntil(() => eventsOf("error", "client-1").length > 0, 10_000, "the error");
    assert.equal((eventsOf("error", "client-1")[0] as { code: string }).code, "EFSM");
    assert.ok(client.output("client-1").some((line) => line.startsWith("Refused: EFSM")));
    const replies = client.count("client-1", "recv");
    await client.waitUntil(() => client.count("client-1", "recv") >= replies + 2, 10_000, "more replies");

    // Kill the server while the client waits: the client stays stuck in recv, as REQ does.
    await client.request({ type: "action", runId, action: "kill", node: "server-1" });
    await client.waitUntil(() => eventsOf("exit", "server-1").length === 1, 10_000, "the kill");
    assert.equal((eventsOf("exit", "server-1")[0] as { signal: string }).signal, "SIGKILL");
    assert.equal(eventsOf("exit", "client-1").length, 0, "the client is still running, waiting");

    // Restarted, the server binds the address it had; the client reconnects, but its request
    // died with the old server: a REQ waits for that reply for ever (why the guide's Lazy Pirate exists).
    const restarted = await client.request({ type: "action", runId, action: "restart", node: "server-1" });
    assert.equal(restarted.type, "acted");
    await client.waitUntil(() => eventsOf("bound", "server-1").length === 2, 10_000, "the server bound again");
    const [first, second] = eventsOf("bound", "server-1") as { endpoint: string }[];
    assert.equal(second!.endpoint, first!.endpoint, "the same endpoint as before");
    await client.waitUntil(
      () => eventsOf("monitor", "client-1").filter((event) => (event as { event: string }).event === "handshake").length >= 2,
      10_000,
      "the client reconnected",
    );
    await client.stop(runId);
  });
});

describe("devices and transports", () => {
  for (const [demo, params, checks] of [
    ["queue", {}, ["client-1", "client-2", "worker-1", "worker-2"]],
    // Replies as quick as a client is heard: one may come back before the device's receipt of its request is settled.
    ["queue", { clients: 2, workers: 3, interval: 100, work: 100 }, ["client-1", "client-2", "worker-1", "worker-2", "worker-3"]],
    ["streamer", {}, ["worker-1", "worker-2", "worker-3"]],
    ["forwarder", {}, ["subscriber-1", "subscriber-2", "subscriber-3"]],
    ["pub-logger", {}, ["watcher-1"]],
    ["transports", {}, ["inproc-1", "ipc-receiver-1", "tcp-receiver-1"]],
    ["push-pull", { transport: 1 }, ["worker-1", "worker-2", "worker-3"]],
  ] as const) {
    it(`${demo}${"transport" in params ? " over ipc" : ""}${"work" in params ? ` with ${params.work} ms of work` : ""}: messages get through, and every one received is matched to its send`, async () => {
      const runId = await client.start(demo, params);
      await client.waitUntil(() => checks.every((node) => client.count(node, "recv") >= 2), 20_000, `messages at ${checks.join(", ")}`);
      await client.stop(runId);
      // inproc's two sockets live in one process: there is no line between processes to draw.
      for (const node of checks.filter((check) => check !== "inproc-1")) {
        const received = eventsOf("recv", node).length;
        assert.ok(received >= 2);
        assert.equal(eventsOf("deliver", node).length, received, `every message ${node} received is drawn from its sender`);
      }
    });
  }

  it("an ipc run binds in a directory of its own, which the bridge removes when the run ends", async () => {
    const runId = await client.start("push-pull", { transport: 1, workers: 1 });
    await client.waitUntil(() => client.count("worker-1", "recv") >= 1, 15_000, "a task over ipc");
    const endpoint = (eventsOf("bound", "ventilator-1")[0] as { endpoint: string }).endpoint;
    assert.match(endpoint, /^ipc:\/\/.*zmq-run-[^/]+\/tasks$/);
    const directory = endpoint.slice("ipc://".length).replace(/\/tasks$/, "");
    assert.ok(existsSync(directory));
    await client.stop(runId);
    assert.equal(existsSync(directory), false, "the run's ipc directory is gone");
  });

  it("the forwarder passes subscriptions upstream as frames it prints", async () => {
    const runId = await client.start("forwarder", {});
    await client.waitUntil(
      () => client.output("forwarder-1").filter((line) => line.startsWith("subscribe")).length >= 3,
      15_000,
      "subscriptions",
    );
    assert.ok(client.output("forwarder-1").includes('subscribe "weather"'));
    // Each subscriber's subscription frame is drawn reaching the device's XPUB, where it was received.
    await client.waitUntil(
      () =>
        new Set(
          eventsOf("deliver", "forwarder-1")
            .map((event) => (event as { from: string }).from)
            .filter((from) => from.startsWith("subscriber")),
        ).size === 3,
      10_000,
      "subscription frames matched",
    );
    assert.equal(client.count("subscriber-1", "send"), 0, "a subscription is not counted as a send of the subscriber");
    await client.stop(runId);
    assert.deepEqual(demoProcessesOf(bridge.process.pid!), [], "no process outlives its run");
  });
});
