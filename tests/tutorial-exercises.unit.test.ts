/**
 * The tutorial's exercise checks, as pure functions of a run's events: each passes on a crafted
 * sequence that shows its goal happening, and fails on the near misses a learner could produce.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunEvent } from "../protocol/messages.js";
import { DIST_TOTAL, type RunRecord, exercises } from "../slides/app/tutorial/exercises.js";
import { ProgressStore, PROGRESS_KEY } from "../slides/app/tutorial/progress.js";

const exercise = (id: string) => {
  const found = exercises.find((candidate) => candidate.id === id);
  assert.ok(found, `exercise ${id}`);
  return found;
};
const passes = (id: string, run: RunRecord) => exercise(id).check(run).done;

let clock = 0;
const spawn = (role: string, index: number): RunEvent => ({
  kind: "spawn",
  t: ++clock,
  node: `${role}-${index}`,
  role,
  index,
  pid: 1000 + index,
});
const deliver = (from: string, to: string, topic = "Hello"): RunEvent => ({
  kind: "deliver",
  t: ++clock,
  node: to,
  from,
  fromSocket: 0,
  digest: `d${clock}`,
  size: topic.length,
  frames: [{ text: topic, binary: false, size: topic.length }],
  sendSeq: clock,
  recvSeq: clock,
  latencyMs: 1,
});
const times = (count: number, make: () => RunEvent): RunEvent[] => Array.from({ length: count }, make);
const lost = (node: string, reason: "receiver-gone" | "slow-joiner" | "hwm", to?: string): RunEvent => ({
  kind: "lost",
  t: ++clock,
  socket: 0,
  node,
  reason,
  digest: `l${clock}`,
  sendSeq: clock,
  frames: [],
  ...(to ? { to } : {}),
});
const filters = (node: string, list: string[]): RunEvent => ({ kind: "filters", t: ++clock, node, socket: 0, filters: list });
const log = (node: string, text: string): RunEvent => ({ kind: "log", t: ++clock, node, stream: "stdout", text });

describe("tutorial exercises", () => {
  it("every exercise sits on a step, names a demo, and has a goal and hints", () => {
    assert.ok(exercises.length >= 8);
    assert.equal(new Set(exercises.map((candidate) => candidate.id)).size, exercises.length, "ids are unique");
    for (const candidate of exercises)
      assert.ok(candidate.step && candidate.demo && candidate.goal && candidate.hints.length > 0, candidate.id);
    assert.ok(new Set(exercises.map((candidate) => candidate.demo)).size >= 5, "the exercises span the patterns");
  });

  it("no exercise passes on a run with no events", () => {
    for (const candidate of exercises) assert.equal(candidate.check({ params: {}, events: [] }).done, false, candidate.id);
  });

  it("another transport: three replies over ipc pass; two, or three over tcp, do not", () => {
    const bound = (endpoint: string): RunEvent => ({
      kind: "bound",
      t: ++clock,
      node: "server-1",
      socket: 0,
      requested: endpoint,
      endpoint,
    });
    const overIpc = [spawn("client", 1), spawn("server", 1), bound("ipc:///tmp/zmq-run-x/hello")];
    const overTcp = [spawn("client", 1), spawn("server", 1), bound("tcp://127.0.0.1:40000")];
    const trip = () => [deliver("client-1", "server-1"), deliver("server-1", "client-1", "World")];
    assert.equal(passes("req-rep-over-ipc", { params: {}, events: [...overIpc, ...trip(), ...trip()] }), false);
    assert.equal(passes("req-rep-over-ipc", { params: {}, events: [...overTcp, ...trip(), ...trip(), ...trip()] }), false);
    assert.equal(passes("req-rep-over-ipc", { params: {}, events: [...overIpc, ...trip(), ...trip(), ...trip()] }), true);
  });

  it("EFSM: only the client's EFSM error passes, not another error", () => {
    const error = (code: string, node: string): RunEvent => ({ kind: "error", t: ++clock, node, code, message: code });
    assert.equal(passes("req-rep-efsm", { params: {}, events: [error("EAGAIN", "client-1")] }), false);
    assert.equal(passes("req-rep-efsm", { params: {}, events: [error("EFSM", "client-1")] }), true);
  });

  it("fair share: four workers with five tasks each pass; three workers, or one starved, do not", () => {
    const workers = (count: number) => Array.from({ length: count }, (_, index) => spawn("worker", index + 1));
    const tasks = (count: number, each: number) =>
      Array.from({ length: count }, (_, index) => times(each, () => deliver("ventilator-1", `worker-${index + 1}`, "task"))).flat();
    assert.equal(passes("push-pull-fair-share", { params: { workers: 3 }, events: [...workers(3), ...tasks(3, 20)] }), false);
    assert.equal(passes("push-pull-fair-share", { params: { workers: 4 }, events: [...workers(4), ...tasks(3, 20)] }), false);
    assert.equal(passes("push-pull-fair-share", { params: { workers: 4 }, events: [...workers(4), ...tasks(4, 5)] }), true);
  });

  it("killed worker: a kill with tasks lost as receiver-gone passes; a kill with none lost does not", () => {
    const kill: RunEvent = { kind: "action", t: ++clock, node: "worker-2", action: "kill" };
    assert.equal(passes("push-pull-kill", { params: {}, events: [kill] }), false);
    assert.equal(
      passes("push-pull-kill", { params: {}, events: [lost("ventilator-1", "receiver-gone", "worker-2")] }),
      false,
      "loss without a kill",
    );
    assert.equal(passes("push-pull-kill", { params: {}, events: [kill, lost("ventilator-1", "receiver-gone", "worker-2")] }), true);
  });

  it("outside peer: an external count above zero passes", () => {
    const external = (count: number): RunEvent => ({
      kind: "external",
      t: ++clock,
      node: "ventilator-1",
      endpoint: "tcp://127.0.0.1:5557",
      count,
    });
    assert.equal(passes("push-pull-external", { params: {}, events: [external(0)] }), false);
    assert.equal(passes("push-pull-external", { params: {}, events: [external(1)] }), true);
  });

  it("one topic: five sports messages in a row after the learner's switch to sports pass, even after one sent before the switch; a subscriber that started on sports, still takes other topics, or received them before the switch fails", () => {
    const sports = () => times(5, () => deliver("publisher-1", "subscriber-2", "sports/football"));
    const switched = (filter: string): RunEvent[] => [
      { kind: "action", t: ++clock, node: "subscriber-2", action: "filter", filter },
      filters("subscriber-2", []),
      filters("subscriber-2", [filter]),
    ];
    assert.equal(passes("pub-sub-one-topic", { params: {}, events: sports() }), false, "without the filter change");
    assert.equal(
      passes("pub-sub-one-topic", { params: {}, events: [filters("subscriber-2", ["sports"]), ...sports()] }),
      false,
      "a subscriber that subscribed to sports by itself, at its start",
    );
    assert.equal(passes("pub-sub-one-topic", { params: {}, events: [...switched("sports"), ...sports()] }), true);
    // Still taking other topics: sports never comes five times in a row.
    const interleaved = Array.from({ length: 6 }, () => [
      deliver("publisher-1", "subscriber-2", "sports/football"),
      deliver("publisher-1", "subscriber-2", "news/tech"),
    ]).flat();
    assert.equal(passes("pub-sub-one-topic", { params: {}, events: [...switched("sports"), ...interleaved] }), false);
    const straysBetween = [
      ...switched("sports"),
      ...sports().slice(0, 3),
      deliver("publisher-1", "subscriber-2", "news/tech"),
      ...sports().slice(0, 3),
    ];
    assert.equal(passes("pub-sub-one-topic", { params: {}, events: straysBetween }), false, "a stray between breaks the streak");
    // One the publisher sent before it had the new filter, arriving just after the switch.
    const inFlight = [...switched("sports"), deliver("publisher-1", "subscriber-2", "news/tech"), ...sports()];
    assert.equal(passes("pub-sub-one-topic", { params: {}, events: inFlight }), true, "a message in flight at the switch");
    assert.equal(passes("pub-sub-one-topic", { params: {}, events: [...switched("weather"), ...sports()] }), false);
    // Received before the switch, told after it (a delivery is matched once both ends have reported).
    const early = sports();
    assert.equal(passes("pub-sub-one-topic", { params: {}, events: [...switched("sports"), ...early] }), false);
    const weatherBefore = { ...deliver("publisher-1", "subscriber-2", "weather/paris"), t: 0 };
    assert.equal(
      passes("pub-sub-one-topic", { params: {}, events: [...switched("sports"), weatherBefore, ...sports()] }),
      true,
      "a weather message received before the switch, told after it, does not count against it",
    );
  });

  it("slow joiner: slow-joiner losses with sync off at a thousand a second pass; at the default rate, with sync on, or with no loss, they do not", () => {
    const events = [spawn("subscriber", 1), lost("publisher-1", "slow-joiner", "subscriber-1")];
    assert.equal(passes("pub-sub-slow-joiner", { params: { sync: 0, rate: 1000 }, events }), true);
    assert.equal(
      passes("pub-sub-slow-joiner", { params: { sync: 0, rate: 10 }, events }),
      false,
      "the default rate is not what the learner was asked for",
    );
    assert.equal(passes("pub-sub-slow-joiner", { params: { sync: 1, rate: 1000 }, events }), false);
    assert.equal(passes("pub-sub-slow-joiner", { params: { sync: 0, rate: 1000 }, events: [spawn("subscriber", 1)] }), false);
  });

  it("the fix: sync on, every subscriber served, nothing lost passes; a loss or sync off fails", () => {
    const served = [
      spawn("subscriber", 1),
      spawn("subscriber", 2),
      ...times(5, () => deliver("publisher-1", "subscriber-1", "news/tech")),
      ...times(5, () => deliver("publisher-1", "subscriber-2", "news/tech")),
    ];
    assert.equal(passes("pub-sub-sync", { params: { sync: 1 }, events: served }), true);
    assert.equal(passes("pub-sub-sync", { params: { sync: 0 }, events: served }), false);
    assert.equal(
      passes("pub-sub-sync", { params: { sync: 1 }, events: [...served, lost("publisher-1", "slow-joiner", "subscriber-1")] }),
      false,
    );
  });

  it("queue: three workers and two clients all served pass; an idle worker fails", () => {
    const nodes = [spawn("client", 1), spawn("client", 2), spawn("queue", 1), spawn("worker", 1), spawn("worker", 2), spawn("worker", 3)];
    const work = [1, 2].map((index) => deliver("queue-1", `worker-${index}`));
    const replies = [1, 2].map((index) => deliver("queue-1", `client-${index}`, "World"));
    assert.equal(passes("queue-three-workers", { params: {}, events: [...nodes, ...work, ...replies] }), false);
    assert.equal(
      passes("queue-three-workers", { params: {}, events: [...nodes, ...work, deliver("queue-1", "worker-3"), ...replies] }),
      true,
    );
  });

  it("distributed adder: the right total from the sink with eight workers passes; four workers or a wrong total fail", () => {
    const workers = (count: number) => Array.from({ length: count }, (_, index) => spawn("worker", index + 1));
    const total = log("sink-1", `Total: ${DIST_TOTAL} (100 sub-arrays)`);
    assert.equal(DIST_TOTAL, 4_999_950_000);
    assert.equal(passes("dist-adder-total", { params: {}, events: [...workers(8), total] }), true);
    assert.equal(passes("dist-adder-total", { params: {}, events: [...workers(4), total] }), false);
    assert.equal(passes("dist-adder-total", { params: {}, events: [...workers(8), log("sink-1", "Total: 4950 (10 sub-arrays)")] }), false);
  });
});

/** localStorage's interface over a Map, standing in for the browser's store. */
class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

describe("tutorial progress store", () => {
  it("keeps completed exercises and the last step across page loads, and forgets them on reset", () => {
    const storage = new MemoryStorage();
    const first = new ProgressStore(storage);
    first.markDone("req-rep-efsm");
    first.setLastStep("pub-sub");
    const again = new ProgressStore(storage);
    assert.equal(again.isDone("req-rep-efsm"), true);
    assert.equal(again.isDone("pub-sub-sync"), false);
    assert.equal(again.lastStep, "pub-sub");
    again.reset();
    const afterReset = new ProgressStore(storage);
    assert.equal(afterReset.isDone("req-rep-efsm"), false);
    assert.equal(afterReset.lastStep, undefined);
  });

  it("starts empty from a damaged record", () => {
    const storage = new MemoryStorage();
    storage.setItem(PROGRESS_KEY, "{not json");
    assert.equal(new ProgressStore(storage).doneCount, 0);
  });
});
