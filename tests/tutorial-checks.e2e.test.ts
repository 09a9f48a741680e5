/**
 * Each tutorial exercise the browser test does not walk through, done for real through the
 * bridge as the hint says: the real processes' events must satisfy the exercise's own check.
 * (A check that the real events could never satisfy would leave the exercise undoable.)
 * And every exercise, against a run of its demo with the defaults, left alone: an exercise
 * passes only through what the learner was asked to do, never by pressing Run alone.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { ServerMessage } from "../protocol/messages.js";
import { type RunRecord, exercises } from "../slides/app/tutorial/exercises.js";
import { type RunningBridge, startBridge } from "../harness/bridge.js";
import { BridgeClient } from "../harness/bridge-client.js";

let bridge: RunningBridge;
let page: BridgeClient;

before(async () => {
  bridge = await startBridge();
  page = await BridgeClient.open(bridge.url);
});
after(async () => {
  page?.socket.close();
  await bridge?.stop();
});

const checkOf = (id: string) => exercises.find((exercise) => exercise.id === id)!.check;

/** Starts `demo` with `params` and resolves with its run id. */
async function start(demo: string, params: Record<string, number>): Promise<string> {
  const answer = await page.run(demo, params);
  assert.equal(answer.type, "started", JSON.stringify(answer));
  return (answer as Extract<ServerMessage, { type: "started" }>).runId;
}

/**
 * Waits until the run's events pass exercise `id`'s check, then stops the run (stopped also when
 * the check never passes, so the next test starts on a quiet bridge, and the failure says how far
 * the exercise got).
 */
async function passes(id: string, runId: string, params: Record<string, number>): Promise<void> {
  const check = checkOf(id);
  try {
    await page.waitForEvents(runId, (events) => check({ params, events }).done, 30_000);
  } catch (error) {
    await page.stop(runId).catch(() => {});
    const bridgeState =
      bridge.process.exitCode === null && bridge.process.signalCode === null
        ? `the bridge is up, the page ${page.isOpen ? "connected" : "disconnected"}`
        : `the bridge exited: ${bridge.output().slice(-2000)}`;
    throw new Error(
      `${id} not passed: ${check({ params, events: page.events(runId) }).progress}; ${bridgeState}; ${(error as Error).message.slice(0, 500)}`,
    );
  }
  await page.stop(runId);
}

function act(runId: string, action: string, node: string, filter?: string): void {
  page.send({ type: "action", requestId: page.newRequestId(), runId, action, node, ...(filter === undefined ? {} : { filter }) });
}

/** How long a default run is left alone: long enough for every goal a default run could reach. */
const DEFAULT_RUN_MS = 6000;
const defaultRuns = new Map<string, Promise<RunRecord>>();

/** A run of `demo` with its defaults, as Run with untouched fields starts it, left alone for DEFAULT_RUN_MS (once per demo). */
function defaultRun(demo: string): Promise<RunRecord> {
  let run = defaultRuns.get(demo);
  if (!run) {
    run = (async () => {
      const answer = await page.run(demo);
      assert.equal(answer.type, "started", JSON.stringify(answer));
      const { runId, params } = answer as Extract<ServerMessage, { type: "started" }>;
      await new Promise((resolve) => setTimeout(resolve, DEFAULT_RUN_MS));
      page.stop(runId);
      await page.stopped(runId);
      return { params, events: page.events(runId) };
    })();
    defaultRuns.set(demo, run);
  }
  return run;
}

describe("tutorial exercises, not done by a run with the defaults", () => {
  for (const exercise of exercises) {
    it(`${exercise.id}: a run of ${exercise.demo} with the defaults, left alone, does not pass it`, { timeout: 60_000 }, async () => {
      const run = await defaultRun(exercise.demo);
      assert.ok(
        run.events.some((event) => event.kind === "deliver"),
        "the default run did run: messages were delivered",
      );
      const verdict = exercise.check(run);
      assert.equal(verdict.done, false, `passed by a default run: ${verdict.progress}`);
    });
  }
});

describe("tutorial exercises, done for real", () => {
  // A page of its own per exercise, as a learner's tab would be: what one run did to its page
  // (however many events it sent) is not carried into the next.
  beforeEach(async () => {
    page?.socket.close();
    page = await BridgeClient.open(bridge.url);
  });
  afterEach(() => {
    page.socket.close();
  });

  it("three round trips over ipc: the same code, another endpoint", async () => {
    const params = { transport: 1 };
    await passes("req-rep-over-ipc", await start("req-rep", params), params);
  });

  it("a subscriber the learner switches to sports receives only sports, and the exercise sees it", async () => {
    const params = { subscribers: 2, rate: 20 };
    const runId = await start("pub-sub", params);
    await page.waitForEvents(runId, (events) => events.some((event) => event.kind === "deliver" && event.node === "subscriber-1"));
    act(runId, "filter", "subscriber-1", "sports");
    await passes("pub-sub-one-topic", runId, params);
  });

  it("killing a worker while tasks queue for it loses tasks, and the exercise sees it", async () => {
    const params = { workers: 3, rate: 60 };
    const runId = await start("push-pull", params);
    await page.waitForEvents(
      runId,
      (events) => events.filter((event) => event.kind === "deliver" && event.node === "worker-2").length >= 5,
    );
    assert.equal(checkOf("push-pull-kill")({ params, events: page.events(runId) }).done, false, "not before the kill");
    act(runId, "kill", "worker-2");
    await passes("push-pull-kill", runId, params);
  });

  it("a worker of one's own, connected from outside the run, is seen", async () => {
    const params = { workers: 1 };
    const runId = await start("push-pull", params);
    await page.waitForEvents(runId, (events) => events.some((event) => event.kind === "bound"));
    const bound = page.events(runId).find((event) => event.kind === "bound");
    const endpoint = bound?.kind === "bound" ? bound.endpoint : "";
    const command = exercises
      .find((exercise) => exercise.id === "push-pull-external")!
      .command!.replace("{endpoint}", endpoint)
      .split(" ");
    assert.equal(command[0], "node");
    // The command the tutorial shows, run as a learner would from the project folder.
    const outsider = spawn(process.execPath, command.slice(1), { cwd: fileURLToPath(new URL("../..", import.meta.url)), stdio: "ignore" });
    try {
      await passes("push-pull-external", runId, params);
    } finally {
      const exited = once(outsider, "exit");
      outsider.kill("SIGTERM");
      await exited;
    }
  });

  it("subscribers lose the first messages with sync off, and none with it on", async () => {
    const late = { subscribers: 2, rate: 1000, sync: 0 };
    await passes("pub-sub-slow-joiner", await start("pub-sub", late), late);
    const synced = { subscribers: 2, rate: 20, sync: 1 };
    await passes("pub-sub-sync", await start("pub-sub", synced), synced);
  });

  it("two clients and three workers all take part through the QUEUE device", async () => {
    const params = { clients: 2, workers: 3, interval: 100, work: 100 };
    await passes("queue-three-workers", await start("queue", params), params);
  });

  it("eight workers add 0..99999 and the sink prints the total", async () => {
    const params = { length: 100_000, size: 1000, workers: 8, wait: 1 };
    await passes("dist-adder-total", await start("dist-adder", params), params);
  });
});
