import { defaultParams } from "../protocol/manifest.js";
import { pushPull } from "../protocol/demos/push-pull/manifest.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { reqRep } from "../protocol/demos/req-rep/manifest.js";
import { Audience, type Watcher } from "../server/audience.js";
import { IdleTimer } from "../server/idle-timer.js";
import { Budget, processesOf } from "../server/limits.js";
import type { RunEvent } from "../protocol/messages.js";
import { TokenBucket } from "../lib/token-bucket.js";

describe("the token bucket", () => {
  it("allows a burst of `capacity`, then refills at its rate, never above capacity", () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, now);
    assert.deepEqual([bucket.take(now), bucket.take(now), bucket.take(now), bucket.take(now)], [true, true, true, false]);
    now += 500; // half a second: one token at 2 a second
    assert.deepEqual([bucket.take(now), bucket.take(now)], [true, false]);
    now += 60_000;
    assert.deepEqual([bucket.take(now), bucket.take(now), bucket.take(now), bucket.take(now)], [true, true, true, false]);
  });
});

describe("the run and process budget", () => {
  it("refuses a run past the run cap, and one that would pass the process cap", () => {
    const budget = new Budget(2, 5);
    assert.equal(budget.refusal(2), undefined);
    budget.take(2);
    assert.equal(budget.refusal(4), "too-many-processes");
    assert.equal(budget.refusal(3), undefined);
    budget.take(3);
    assert.equal(budget.refusal(0), "too-many-runs");
    budget.release(3);
    assert.equal(budget.runs, 1);
    assert.equal(budget.processes, 2);
  });

  it("counts a run of req-rep as its two processes", () => {
    assert.equal(processesOf(reqRep, defaultParams(reqRep)), 2);
  });

  it("counts a run's processes with the workers its parameters ask for", () => {
    assert.equal(processesOf(pushPull, { ...defaultParams(pushPull), workers: 7 }), 8);
  });
});

describe("the idle timer", () => {
  it("fires after the timeout without a touch, and not while touched", async () => {
    let fired = 0;
    const timer = new IdleTimer(60, () => (fired += 1));
    for (let i = 0; i < 5; i++) {
      await sleep(20);
      timer.touch();
    }
    assert.equal(fired, 0);
    await sleep(150);
    assert.equal(fired, 1);
    timer.dispose();
  });
});

/** A watcher that writes down what it is told. */
function recorder(): Watcher & { told: string[] } {
  const told: string[] = [];
  return {
    told,
    runStarted: (requestId, runId, demo) => told.push(`started ${runId} ${demo} for ${requestId}`),
    runEvent: (runId, event) => told.push(`${event.kind} ${runId}`),
    runStopped: (runId, reason) => told.push(`stopped ${runId} ${reason}`),
  };
}

const spawn = (node: string): RunEvent => ({ kind: "spawn", t: 1, node, role: "server", index: 1, pid: 42 });
const log: RunEvent = { kind: "log", t: 2, node: "server-1", stream: "stdout", text: "hi" };

describe("the audience of the presenter's runs", () => {
  it("shows a watcher the runs of the demo it watches, and only those", () => {
    const audience = new Audience();
    const owner = recorder();
    const viewer = recorder();
    audience.watch(viewer, "req-rep", "w1");
    audience.runStarted("run-1", "req-rep", {}, owner);
    audience.runStarted("run-2", "push-pull", {}, owner);
    audience.runEvent("run-1", log);
    audience.runEvent("run-2", log);
    audience.runStopped("run-1", "requested");
    assert.deepEqual(viewer.told, ["started run-1 req-rep for w1", "log run-1", "stopped run-1 requested"]);
    assert.deepEqual(owner.told, [], "the presenter's page is not told its own run twice");
  });

  it("shows a watcher who arrives mid-run the run and its processes, then nothing after it has gone", () => {
    const audience = new Audience();
    const owner = recorder();
    audience.runStarted("run-1", "req-rep", {}, owner);
    audience.runEvent("run-1", spawn("server-1"));
    audience.runEvent("run-1", log);
    const late = recorder();
    audience.watch(late, "req-rep", "w9");
    assert.deepEqual(late.told, ["started run-1 req-rep for w9", "spawn run-1"]);
    audience.forget(late);
    audience.runEvent("run-1", log);
    assert.equal(late.told.length, 2);
  });
});
