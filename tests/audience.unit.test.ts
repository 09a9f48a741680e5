/**
 * What a viewer who arrives in the middle of a presenter's run is told about its nodes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Audience, type Watcher } from "../server/audience.js";
import type { RunEvent } from "../protocol/messages.js";

/** A page, as the audience sees it: it keeps what it is told. */
function page(): Watcher & { told: RunEvent[] } {
  const told: RunEvent[] = [];
  return { told, runStarted: () => {}, runEvent: (_runId, event) => told.push(event), runStopped: () => {} };
}

const spawn = (node: string, pid: number, t: number): RunEvent => ({
  kind: "spawn",
  t,
  node,
  role: node.split("-")[0]!,
  index: Number(node.split("-")[1]),
  pid,
});
const exit = (node: string, t: number): RunEvent => ({ kind: "exit", t, node, code: null, signal: "SIGKILL" });

describe("a viewer arriving mid-run", () => {
  it("is told each node's latest start (and its end, if it ended), however often nodes were restarted", () => {
    const audience = new Audience();
    const presenter = page();
    audience.runStarted("run-1", "push-pull", {}, presenter);
    audience.runEvent("run-1", spawn("ventilator-1", 100, 1));
    for (let life = 0; life < 1000; life++) {
      audience.runEvent("run-1", spawn("worker-1", 200 + life, 2 + life * 2));
      audience.runEvent("run-1", exit("worker-1", 3 + life * 2));
    }
    audience.runEvent("run-1", spawn("worker-1", 5000, 3000));
    const viewer = page();
    audience.watch(viewer, "push-pull", "w1");
    assert.deepEqual(
      viewer.told.map((event) => [event.kind, event.node, event.kind === "spawn" ? event.pid : undefined]),
      [
        ["spawn", "ventilator-1", 100],
        ["spawn", "worker-1", 5000],
      ],
    );
  });
});
