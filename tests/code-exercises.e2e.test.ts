/**
 * The tutorial's exercises that only code can pass, run for real: each with a correct solution
 * (its real processes' events pass the exercise's own check) and a plausible wrong one (they do
 * not, however long it runs). The code goes to the bridge as the tutorial's Run sends it; the
 * exercise's own actions (the Lazy Pirate's restart) are sent when the exercise asks for them.
 * A run with the defaults passes none of them (tutorial-checks.e2e.test.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServerMessage } from "../protocol/messages.js";
import { exercises } from "../slides/app/tutorial/exercises.js";
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

/** How long a wrong solution is given: longer than the correct one takes here. */
const WRONG_RUN_MS = 12_000;

/** Runs exercise `id`'s demo with `source` as its role's function; resolves with whether its check passed within `ms`. */
async function attempt(id: string, source: string, ms: number): Promise<{ done: boolean; progress: string }> {
  const exercise = exercises.find((candidate) => candidate.id === id)!;
  const requestId = page.newRequestId();
  const answer = page.waitFor(
    (message) =>
      (message.type === "started" || message.type === "error" || message.type === "code-problems") && message.requestId === requestId,
  );
  page.send({ type: "run", requestId, demo: exercise.demo, params: exercise.params ?? {}, code: { role: exercise.role!, source } });
  const started = await answer;
  assert.equal(started.type, "started", JSON.stringify(started));
  const { runId, params } = started as Extract<ServerMessage, { type: "started" }>;
  const asked = new Set<string>();
  let verdict = { done: false, progress: "" };
  try {
    await page.waitForEvents(
      runId,
      (events) => {
        const run = { params, events };
        const choice = exercise.drive?.(run);
        if (choice && !asked.has(JSON.stringify(choice))) {
          asked.add(JSON.stringify(choice));
          page.send({ type: "action", requestId: page.newRequestId(), runId, ...choice });
        }
        verdict = exercise.check(run);
        return verdict.done;
      },
      ms,
    );
  } catch {
    // Not passed within the time: the verdict says how far it got.
  }
  page.stop(runId);
  await page.stopped(runId);
  return verdict;
}

const SOLUTIONS: Record<string, { correct: string; wrong: string }> = {
  "write-rep-numbered": {
    correct: `export async function startServer(endpoint: string, work: number) {
  const socket = new zmq.Reply();
  await socket.bind(endpoint);

  let count = 0;
  for await (const [request] of socket) {
    count += 1;
    await sleep(work);
    await socket.send(\`World \${count}\`);
  }
}`,
    // Counts from zero, as the client's own printout does.
    wrong: `export async function startServer(endpoint: string, work: number) {
  const socket = new zmq.Reply();
  await socket.bind(endpoint);

  let count = 0;
  for await (const [request] of socket) {
    await sleep(work);
    await socket.send(\`World \${count++}\`);
  }
}`,
  },
  "write-lazy-pirate": {
    correct: `export async function startClient(endpoint: string, interval: number) {
  let socket = new zmq.Request({ receiveTimeout: 2000 });
  socket.connect(endpoint);

  for (let request = 0; ; request++) {
    console.log(\`Sending request \${request} …\`);
    await socket.send("Hello");
    try {
      const [reply] = await socket.receive();
      console.log(\`Received reply \${request} [ \${reply} ]\`);
    } catch {
      console.log("No reply in time: a fresh socket");
      socket.close();
      socket = new zmq.Request({ receiveTimeout: 2000 });
      socket.connect(endpoint);
      continue;
    }
    await sleep(interval);
  }
}`,
    // A timeout, but the same socket: a REQ that got no reply may not send again (EFSM).
    wrong: `export async function startClient(endpoint: string, interval: number) {
  const socket = new zmq.Request({ receiveTimeout: 2000 });
  socket.connect(endpoint);

  for (let request = 0; ; request++) {
    await socket.send("Hello");
    try {
      const [reply] = await socket.receive();
      console.log(\`Received reply \${request} [ \${reply} ]\`);
    } catch {
      console.log("No reply in time: trying again");
      continue;
    }
    await sleep(interval);
  }
}`,
  },
  "write-sub-weather": {
    correct: `export async function sub(endpoint: string, filter: string) {
  const socket = new zmq.Subscriber();
  socket.connect(endpoint);
  socket.subscribe("weather");

  for await (const [topic, message] of socket) {
    console.log(\`[\${topic}] \${message}\`);
  }
}`,
    // Everything subscribed, the rest skipped in the loop: it was still sent to this subscriber.
    wrong: `export async function sub(endpoint: string, filter: string) {
  const socket = new zmq.Subscriber();
  socket.connect(endpoint);
  socket.subscribe();

  for await (const [topic, message] of socket) {
    if (!String(topic).startsWith("weather")) continue;
    console.log(\`[\${topic}] \${message}\`);
  }
}`,
  },
  "write-log-topics": {
    correct: `export function addZmqHandler(logger: Logger, endpoint: string): void {
  const socket = new zmq.Publisher();
  socket.connect(endpoint);

  let previous = Promise.resolve();
  logger.addHandler((record) => {
    previous = previous.then(() => socket.send([record.level, JSON.stringify(record)]));
  });
}`,
    // One topic for every record: a watcher cannot pick the errors out.
    wrong: `export function addZmqHandler(logger: Logger, endpoint: string): void {
  const socket = new zmq.Publisher();
  socket.connect(endpoint);

  let previous = Promise.resolve();
  logger.addHandler((record) => {
    previous = previous.then(() => socket.send(["LOG", JSON.stringify(record)]));
  });
}`,
  },
  "write-queue-forwarding": {
    correct: `export async function queue(frontendEndpoint: string, backendEndpoint: string) {
  const frontend = new zmq.Router();
  const backend = new zmq.Dealer();
  await frontend.bind(frontendEndpoint);
  await backend.bind(backendEndpoint);

  await Promise.all([forward(frontend, backend), forward(backend, frontend)]);
}`,
    // One direction after the other: the first loop never ends, so no reply ever goes back.
    wrong: `export async function queue(frontendEndpoint: string, backendEndpoint: string) {
  const frontend = new zmq.Router();
  const backend = new zmq.Dealer();
  await frontend.bind(frontendEndpoint);
  await backend.bind(backendEndpoint);

  await forward(frontend, backend);
  await forward(backend, frontend);
}`,
  },
  "write-adder-worker": {
    correct: `export async function startWorker(tasksEndpoint: string, resultsEndpoint: string, worker: number) {
  const tasks = new zmq.Pull();
  const results = new zmq.XPublisher();
  results.connect(resultsEndpoint);
  await results.receive();
  tasks.connect(tasksEndpoint);

  for await (const [frame] of tasks) {
    const task = loadTask(frame!);
    if (!task) continue;
    const sum = task.numbers.reduce((total, number) => total + number, 0);
    await results.send(new Result(task.id, worker, sum).dump());
  }
}`,
    // Starts each sum at 1: off by one per sub-array.
    wrong: `export async function startWorker(tasksEndpoint: string, resultsEndpoint: string, worker: number) {
  const tasks = new zmq.Pull();
  const results = new zmq.XPublisher();
  results.connect(resultsEndpoint);
  await results.receive();
  tasks.connect(tasksEndpoint);

  for await (const [frame] of tasks) {
    const task = loadTask(frame!);
    if (!task) continue;
    const sum = task.numbers.reduce((total, number) => total + number, 1);
    await results.send(new Result(task.id, worker, sum).dump());
  }
}`,
  },
};

describe("exercises passed only by writing code", { timeout: 180_000 }, () => {
  it("there are at least six, each with a role to write and a solution here", () => {
    const coded = exercises.filter((exercise) => exercise.role);
    assert.ok(coded.length >= 6, `${coded.length} code exercises`);
    assert.deepEqual(coded.map((exercise) => exercise.id).sort(), Object.keys(SOLUTIONS).sort());
  });
  for (const [id, { correct, wrong }] of Object.entries(SOLUTIONS)) {
    it(`${id}: a correct solution passes`, async (t) => {
      const verdict = await attempt(id, correct, 30_000);
      assert.equal(verdict.done, true, verdict.progress);
      t.diagnostic(verdict.progress);
    });
    it(`${id}: a plausible wrong solution does not`, async (t) => {
      const verdict = await attempt(id, wrong, WRONG_RUN_MS);
      assert.equal(verdict.done, false, `passed: ${verdict.progress}`);
      t.diagnostic(verdict.progress);
    });
  }
  it("a starting skeleton, run as it is, passes none", async () => {
    for (const exercise of exercises.filter((candidate) => candidate.starter)) {
      const verdict = await attempt(exercise.id, exercise.starter!, 6000);
      assert.equal(verdict.done, false, `${exercise.id} passed by its skeleton: ${verdict.progress}`);
    }
  });
});
